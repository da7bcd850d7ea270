"""The normalisation report: one self-contained HTML file a reviewer opens from disk.

Design constraints, and why:
- No CDN, fonts or fetches, and a Content-Security-Policy that forbids them, because the
  report is opened offline and must not leak what is being reviewed.
- Document text is hostile input. It travels only inside a JSON block whose `<`, `>`, `&`
  are \\u-escaped (so `</script>` cannot end the block) and is put on the page with
  textContent / DOM nodes, never innerHTML. The CSP also pins the one script by hash, so
  an injected <script> or onerror= would not run even if it reached the DOM.
- 50,000 mentions must stay usable, so tables are rendered by JS one page at a time.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from transnorm.config import ReportConfig
from transnorm.files import atomic_open
from transnorm.records import Record
from transnorm.review.queue import (
    ReviewGroup,
    ReviewSpool,
    needs_decision,
    record_mentions,
)

STATUSES = ("auto", "review", "unresolved")
MAX_ERRORS_SHOWN = 300


@dataclass
class RunSummary:
    """Facts about the run the report shows next to the data, so a report can be traced back."""

    run_id: str
    started_utc: datetime | str
    finished_utc: datetime | str
    transnorm_version: str
    gazetteer_hash: str
    translation_models: dict[str, str] = field(default_factory=dict)  # lang -> model id
    config_hash: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, message); IngestError also accepted
    settled_by_overrides: int = 0  # mentions the overrides file decided this run


def _utf16_offsets(text: str):
    """Map Python code-point offsets to the UTF-16 offsets JS strings use (differ after emoji)."""
    if text.isascii() or all(ord(ch) < 0x10000 for ch in text):
        return lambda i: i
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) >= 0x10000 else 1))
    return lambda i: prefix[max(0, min(i, len(text)))]


def _doc_status(rec: Record, undecided: int) -> str:
    if rec.errors:
        return "error"
    return "review" if undecided else "ok"


class ReportBuilder:
    """Collects the report while records stream past: exact counts for every record, full detail
    (text, mention rows) for documents in input order while the ReportConfig limits allow."""

    def __init__(self, limits: ReportConfig | None = None):
        self.limits = limits or ReportConfig()
        self.docs: list[dict[str, Any]] = []
        self.mentions: list[list[Any]] = []  # compact rows, see add()
        self.text_chars = 0
        self.documents = self.total_mentions = self.undecided = 0
        self.by_doc: Counter[tuple[str, str]] = Counter()  # (lang, status)
        self.by_method: Counter[tuple[str, str]] = Counter()  # (method, status)
        self.linked: Counter[str] = Counter()  # method of auto mentions with an id
        self.errors: list[tuple[str, str]] = []  # the first MAX_ERRORS_SHOWN
        self.errors_total = 0

    def add(self, rec: Record) -> None:
        """Count the next record of the run, and embed it if it fits."""
        n = undecided = 0
        for m in record_mentions(rec):  # a generator: a huge document's mentions are never all held
            n += 1
            undecided += needs_decision(m)
            self.by_method[(m.entity.method, m.entity.status)] += 1
            if m.entity.status == "auto" and m.entity.gazetteer_id:
                self.linked[m.entity.method] += 1
        status = _doc_status(rec, undecided)
        self.documents += 1
        self.total_mentions += n
        self.undecided += undecided
        self.by_doc[(rec.lang or "und", status)] += 1
        for msg in rec.errors:
            self.errors_total += 1
            if len(self.errors) < MAX_ERRORS_SHOWN:
                self.errors.append((rec.source or rec.id, msg))
        chars = len(rec.text) + len(rec.text_en or "")
        lim = self.limits
        if (len(self.docs) >= lim.max_documents or self.text_chars + chars > lim.max_text_chars
                or len(self.mentions) + n > lim.max_mentions):
            return
        d = len(self.docs)
        self.text_chars += chars
        conv = {False: _utf16_offsets(rec.text), True: _utf16_offsets(rec.text_en or "")}
        for m in record_mentions(rec):
            e, f = m.entity, conv[m.english_side]
            # [doc, side(0 source, 1 English), start, end, surface, type, id, canonical, score, method, status, lang]
            self.mentions.append([d, int(m.english_side), f(e.start), f(e.end), e.surface, e.type, e.gazetteer_id,
                                  e.canonical, round(e.score, 3), e.method, e.status, m.lang])
        self.docs.append({
            "id": rec.id, "source": rec.source, "lang": rec.lang or "und", "text": rec.text,
            "text_en": rec.text_en, "warnings": list(rec.warnings), "errors": list(rec.errors),
            "status": status, "mentions": n, "undecided": undecided,
        })

    def data(self, queue: list[ReviewGroup], queue_total: int) -> dict[str, Any]:
        """The JSON the page script renders."""
        return {
            "docs": self.docs, "mentions": self.mentions,
            "queue": [{
                "surface": g.surface, "lang": g.lang, "type": g.type, "count": g.count, "statuses": g.statuses,
                "proposed_id": g.proposed_id, "proposed_canonical": g.proposed_canonical,
                "candidates": [[c.gazetteer_id, c.canonical, round(c.score, 3)] for c in g.candidates],
                "context": list(g.context_parts), "docs": g.docs,
            } for g in queue],
            "totals": {"documents": self.documents, "mentions": self.total_mentions, "queue": queue_total,
                       "undecided": self.undecided},
        }


def json_for_script(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no `<`, `>`, `&` can close the block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _when(v: datetime | str) -> str:
    return v.isoformat() if isinstance(v, datetime) else str(v)


def _crosstab(counts: Counter[tuple[str, str]], cols: list[str], label: str) -> dict[str, list]:
    rows_keys = sorted({r for r, _ in counts})
    cols = cols + sorted({c for _, c in counts} - set(cols))
    rows = [[r] + [counts.get((r, c), 0) for c in cols] + [sum(counts.get((r, c), 0) for c in cols)]
            for r in rows_keys]
    rows.append(["total"] + [sum(counts.get((r, c), 0) for r in rows_keys) for c in cols] + [sum(counts.values())])
    return {"headers": [label] + cols + ["total"], "rows": rows}


def _bars(counts: Counter[str]) -> dict[str, Any]:
    """Geometry of the horizontal bar chart (inline SVG: no chart library, works offline, prints)."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    top = max(counts.values(), default=1)
    bar_h, gap, label_w, width = 18, 6, 110, 420
    return {"width": label_w + width + 70, "height": len(items) * (bar_h + gap),
            "rows": [{"method": m, "n": n, "y": i * (bar_h + gap), "x": label_w, "label_x": label_w - 6,
                       "w": max(2, round(width * n / top)), "h": bar_h} for i, (m, n) in enumerate(items)]}


def _summary(b: ReportBuilder, summary: RunSummary) -> dict[str, Any]:
    """What the summary section shows, as plain values (the template escapes every one)."""
    info = [
        ["run id", summary.run_id], ["started (UTC)", _when(summary.started_utc)],
        ["finished (UTC)", _when(summary.finished_utc)], ["transnorm", summary.transnorm_version],
        ["gazetteer hash", summary.gazetteer_hash], ["config hash", summary.config_hash],
        *[[f"translation model ({lang})", mid] for lang, mid in sorted(summary.translation_models.items())],
        ["settled by overrides", summary.settled_by_overrides],
    ]
    extra = [(str(e.source), str(e.message)) if hasattr(e, "message") else (str(e[0]), str(e[1]))
             for e in summary.errors]
    return {"info": info, "errors": [list(e) for e in (extra + b.errors)[:MAX_ERRORS_SHOWN]],
            "n_errors": len(extra) + b.errors_total,
            "by_doc": _crosstab(b.by_doc, ["ok", "review", "error"], "language"),
            "by_method": _crosstab(b.by_method, list(STATUSES), "method"), "bars": _bars(b.linked)}


@lru_cache(maxsize=1)
def _assets() -> tuple[Environment, str, str]:
    """The Jinja2 environment (autoescape on: every value shown is escaped) and the page's CSS and JS."""
    folder = resources.files("transnorm.review") / "assets"
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    return env, (folder / "report.css").read_text(encoding="utf-8"), (folder / "report.js").read_text(encoding="utf-8")


def _csp_hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()


def render_html(records: Iterable[Record], summary: RunSummary, limits: ReportConfig | None = None) -> str:
    """The whole report for records at hand, as one string (no I/O): tests and small runs."""
    builder = ReportBuilder(limits)
    with ReviewSpool() as spool:
        for i, rec in enumerate(records):
            builder.add(rec)
            spool.add(i, rec)
        queue = list(spool.groups())
    return render_page(builder, queue[:builder.limits.max_queue_rows], len(queue), summary)


def _partial_note(b: ReportBuilder, queue_rows: int, queue_total: int) -> str:
    """Say plainly when the page shows less than the run (the template adds where the rest is)."""
    parts = []
    if len(b.docs) < b.documents:
        parts.append(f"{len(b.docs):,} of {b.documents:,} documents and {len(b.mentions):,} of "
                     f"{b.total_mentions:,} mentions (in input order, up to the report limits)")
    if queue_rows < queue_total:
        parts.append(f"the {queue_rows:,} most frequent of {queue_total:,} names to decide")
    return " and ".join(parts)


def render_page(b: ReportBuilder, queue: list[ReviewGroup], queue_total: int, summary: RunSummary) -> str:
    """The report page from a ReportBuilder and the head of the review queue."""
    env, css, js = _assets()
    csp = (f"default-src 'none'; script-src '{_csp_hash(js)}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return env.get_template("report.html.j2").render(
        csp=csp, summary=summary, b=b, queue_total=queue_total, statuses=STATUSES,
        partial=_partial_note(b, len(queue), queue_total), s=_summary(b, summary),
        css=Markup(css), js=Markup(js), data_json=Markup(json_for_script(b.data(queue, queue_total))))


def write_html_report(records: Iterable[Record], out_path: Path, summary: RunSummary,
                      limits: ReportConfig | None = None) -> Path:
    """Write the report atomically (temp file + rename) so a reader never sees half a file."""
    return _write(out_path, render_html(records, summary, limits))


def write_report_page(b: ReportBuilder, queue: list[ReviewGroup], queue_total: int, out_path: Path,
                      summary: RunSummary) -> Path:
    return _write(out_path, render_page(b, queue, queue_total, summary))


def _write(out_path: Path, text: str) -> Path:
    with atomic_open(Path(out_path), errors="replace", newline="\n") as fh:
        fh.write(text)
    return Path(out_path)
