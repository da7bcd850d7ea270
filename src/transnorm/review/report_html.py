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
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from transnorm.config import ReportConfig
from transnorm.files import atomic_open
from transnorm.records import Record
from transnorm.review.mentions import DOC_STATUSES, english_sources
from transnorm.review.queue import ReviewGroup, ReviewSpool
from transnorm.review.summary import Stats

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # characters that take two UTF-16 units
STATUSES = ("auto", "review", "unresolved")
MAX_ERRORS_SHOWN = 300
SOURCE, TRANSLATION_ONLY, RENDERING = 0, 1, 2  # the `side` of a mention row on the page
# Offered when a reviewer creates an entry (any lower-case word is accepted).
COMMON_KINDS = frozenset({"city", "town", "village", "settlement", "urban-settlement", "hromada", "raion", "district",
                          "oblast", "region", "country", "landmark", "river", "facility", "person"})


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
    if text.isascii() or not _ASTRAL.search(text):
        return lambda i: i
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) >= 0x10000 else 1))
    return lambda i: prefix[max(0, min(i, len(text)))]


class ReportBuilder:
    """Collects the report while records stream past: counts for every record (a Stats, shared
    with report.md), full detail (text, mention rows) for documents in input order while the
    ReportConfig limits allow."""

    def __init__(self, limits: ReportConfig | None = None, stats: Stats | None = None):
        self.limits = limits or ReportConfig()
        self.stats = stats if stats is not None else Stats()
        self.docs: list[dict[str, Any]] = []
        self.mentions: list[tuple] = []  # compact rows, see add(): tuples, which the garbage collector skips
        self.text_chars = 0

    @property
    def documents(self) -> int:
        return self.stats.documents

    @property
    def total_mentions(self) -> int:
        return self.stats.mentions

    @property
    def undecided(self) -> int:
        return self.stats.undecided

    def add(self, rec: Record) -> None:
        """Count the next record of the run, and embed it if it fits."""
        sources = english_sources(rec)
        counts = self.stats.add(rec, sources)
        chars = len(rec.text) + len(rec.text_en or "")
        rows = len(rec.entities) + len(rec.entities_en)
        lim = self.limits
        if (len(self.docs) >= lim.max_documents or self.text_chars + chars > lim.max_text_chars
                or len(self.mentions) + rows > lim.max_mentions):
            return
        d = len(self.docs)
        self.text_chars += chars
        src, en = _utf16_offsets(rec.text), _utf16_offsets(rec.text_en or "")
        shown = {i: e.surface for e, i in zip(rec.entities_en, sources) if i is not None}
        lang = rec.lang or "und"
        # [doc, side, start, end, surface, type, id, canonical, score, method, status, lang, English form, kind]
        for i, e in enumerate(rec.entities):
            self.mentions.append((d, SOURCE, src(e.start), src(e.end), e.surface, e.type, e.gazetteer_id,
                                  e.canonical, round(e.score, 3), e.method, e.status, lang, shown.get(i), e.kind))
        for e, i in zip(rec.entities_en, sources):
            self.mentions.append((d, RENDERING if i is not None else TRANSLATION_ONLY, en(e.start), en(e.end),
                                  e.surface, e.type, e.gazetteer_id, e.canonical, round(e.score, 3), e.method,
                                  e.status, "en", None, e.kind))
        self.docs.append({
            "id": rec.id, "source": rec.source, "lang": lang, "text": rec.text,
            "text_en": rec.text_en, "warnings": list(rec.warnings), "errors": list(rec.errors),
            "status": counts.status, "mentions": counts.mentions, "undecided": counts.undecided,
        })

    def data(self, queue: list[ReviewGroup], queue_total: int, run_id: str = "") -> dict[str, Any]:
        """The JSON the page script renders."""
        st = self.stats
        return {
            "run": run_id, "docs": self.docs, "mentions": self.mentions,
            "queue": [{
                "surface": g.surface, "lang": g.lang, "type": g.type, "kind": g.kind, "reason": g.reason,
                "count": g.count, "statuses": g.statuses, "proposed_id": g.proposed_id,
                "proposed_canonical": g.proposed_canonical, "context": list(g.context_parts), "docs": g.docs,
                "candidates": [v.to_json() for v in g.views],
            } for g in queue],
            "totals": {"documents": st.documents, "mentions": st.mentions, "queue": queue_total,
                       "undecided": st.undecided, "translation_only": st.english["translation only"],
                       "renderings": st.english["rendering"]},
        }


def json_for_script(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no `<`, `>`, `&` can close the block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
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
    st = b.stats
    info = [
        ["run id", summary.run_id], ["started (UTC)", _when(summary.started_utc)],
        ["finished (UTC)", _when(summary.finished_utc)], ["transnorm", summary.transnorm_version],
        ["gazetteer hash", summary.gazetteer_hash], ["config hash", summary.config_hash],
        *[[f"translation model ({lang})", mid] for lang, mid in sorted(summary.translation_models.items())],
        ["settled by overrides", summary.settled_by_overrides],
    ]
    extra = [(str(e.source), str(e.message)) if hasattr(e, "message") else (str(e[0]), str(e[1]))
             for e in summary.errors]
    return {"info": info, "errors": [list(e) for e in (extra + st.errors)[:MAX_ERRORS_SHOWN]],
            "n_errors": len(extra) + st.errors_total,
            "warnings": bool(st.warnings), "n_warned": st.warnings_total,
            "warnings_rows": [[w.documents, w.example, ", ".join(w.doc_ids) + (", …" if w.documents > len(w.doc_ids)
                                                                             else "")]
                              for w in sorted(st.warnings.values(), key=lambda w: -w.documents)[:MAX_ERRORS_SHOWN]],
            "english": st.english,
            "by_doc": _crosstab(st.by_lang_status, list(DOC_STATUSES), "language"),
            "by_method": _crosstab(st.by_method_status, list(STATUSES), "method"), "bars": _bars(st.linked)}


@lru_cache(maxsize=1)
def _assets() -> tuple[Environment, str, str]:
    """The Jinja2 environment (autoescape on: every value shown is escaped) and the page's CSS and JS."""
    folder = resources.files("transnorm.review") / "assets"
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    return env, (folder / "report.css").read_text(encoding="utf-8"), (folder / "report.js").read_text(encoding="utf-8")


def _csp_hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()


def render_html(records: Iterable[Record], summary: RunSummary, limits: ReportConfig | None = None,
                index: "Index | None" = None) -> str:
    """The whole report for records at hand, as one string (no I/O): tests and small runs.
    With the compiled `index`, the queue's candidates carry their facts (kind, parent, population)."""
    builder = ReportBuilder(limits)
    with ReviewSpool() as spool:
        for i, rec in enumerate(records):
            builder.add(rec)
            spool.add(i, rec)
        queue = list(spool.groups(index, builder.limits.max_queue_rows))
    return render_page(builder, queue[:builder.limits.max_queue_rows], len(queue), summary)


def _partial_note(b: ReportBuilder, queue_rows: int, queue_total: int) -> str:
    """Say plainly when the page shows less than the run (the template adds where the rest is)."""
    parts = []
    if len(b.docs) < b.documents:
        shown = sum(1 for m in b.mentions if m[1] == SOURCE)
        parts.append(f"{len(b.docs):,} of {b.documents:,} documents and {shown:,} of "
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
        csp=csp, summary=summary, b=b, queue_total=queue_total, statuses=STATUSES, doc_statuses=DOC_STATUSES,
        kinds=sorted({g.kind for g in queue if g.kind} | COMMON_KINDS),
        partial=_partial_note(b, len(queue), queue_total), s=_summary(b, summary),
        css=Markup(css), js=Markup(js), data_json=Markup(json_for_script(b.data(queue, queue_total, summary.run_id))))


def write_html_report(records: Iterable[Record], out_path: Path, summary: RunSummary,
                      limits: ReportConfig | None = None, index: "Index | None" = None) -> Path:
    """Write the report atomically (temp file + rename) so a reader never sees half a file."""
    return _write(out_path, render_html(records, summary, limits, index))


def write_report_page(b: ReportBuilder, queue: list[ReviewGroup], queue_total: int, out_path: Path,
                      summary: RunSummary) -> Path:
    return _write(out_path, render_page(b, queue, queue_total, summary))


def _write(out_path: Path, text: str) -> Path:
    with atomic_open(Path(out_path), errors="replace", newline="\n") as fh:
        fh.write(text)
    return Path(out_path)
