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
import html
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ConfigDict, Field

from .files import atomic_open
from .records import Record
from .review import ReviewGroup, ReviewSpool, needs_decision, record_mentions

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


class ReportConfig(BaseModel):
    """How much of a run report.html shows in full (config key `report`).

    Counts, the summary and the review queue's totals always cover the whole run; the page
    embeds document texts and mention rows only up to these limits, so a run over a
    gigabyte of news still writes a report a browser opens, in bounded memory. Everything
    is in records.jsonl, and every undecided name in review.csv.
    """

    model_config = ConfigDict(extra="forbid")
    max_documents: int = Field(2000, ge=0, description="documents shown with their text and mentions")
    max_text_chars: int = Field(10_000_000, ge=0, description="characters of document text embedded, in all")
    max_mentions: int = Field(100_000, ge=0, description="mention rows in the 'All mentions' table")
    max_queue_rows: int = Field(10_000, ge=0, description="review-queue rows shown (review.csv has them all)")


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


def _esc(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def _table(headers: list[str], rows: list[list[Any]], testid: str) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="small" data-testid="{testid}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _crosstab(counts: Counter[tuple[str, str]], cols: list[str], label: str, testid: str) -> str:
    rows_keys = sorted({r for r, _ in counts})
    cols = cols + sorted({c for _, c in counts} - set(cols))
    rows = [[r] + [counts.get((r, c), 0) for c in cols] + [sum(counts.get((r, c), 0) for c in cols)]
            for r in rows_keys]
    rows.append(["total"] + [sum(counts.get((r, c), 0) for r in rows_keys) for c in cols] + [sum(counts.values())])
    return _table([label] + cols + ["total"], rows, testid)


def _bar_chart(counts: Counter[str], testid: str) -> str:
    """Horizontal bars as inline SVG: no chart library, works offline, prints."""
    if not counts:
        return '<p class="muted">No names were linked.</p>'
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    top = max(counts.values())
    bar_h, gap, label_w, width = 18, 6, 110, 420
    h = len(items) * (bar_h + gap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + width + 70}" height="{h}" '
             f'role="img" aria-label="linked names by method" data-testid="{testid}">']
    for i, (method, n) in enumerate(items):
        y = i * (bar_h + gap)
        w = max(2, round(width * n / top))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{_esc(method)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="3" class="bar"><title>{_esc(method)}: {n}</title></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 13}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _summary_html(b: ReportBuilder, summary: RunSummary) -> str:
    info = [
        ["run id", summary.run_id], ["started (UTC)", _when(summary.started_utc)],
        ["finished (UTC)", _when(summary.finished_utc)], ["transnorm", summary.transnorm_version],
        ["gazetteer hash", summary.gazetteer_hash], ["config hash", summary.config_hash],
        *[[f"translation model ({lang})", mid] for lang, mid in sorted(summary.translation_models.items())],
        ["settled by overrides", summary.settled_by_overrides],
    ]
    extra = [(str(e.source), str(e.message)) if hasattr(e, "message") else (str(e[0]), str(e[1]))
             for e in summary.errors]
    errors = (extra + b.errors)[:MAX_ERRORS_SHOWN]
    n_errors = len(extra) + b.errors_total
    err_html = (_table(["source", "message"], [list(e) for e in errors], "errors-table")
                + (f'<p class="muted">… and {n_errors - len(errors)} more (every error row is in records.jsonl).</p>'
                   if n_errors > len(errors) else "")) if errors else '<p class="muted">No errors.</p>'
    by_doc, by_method, linked = b.by_doc, b.by_method, b.linked
    return f"""
<section id="summary" data-testid="summary">
  <h2>Run summary</h2>
  <div class="grid">
    <div><h3>Versions</h3>{_table(["", ""], info, "run-info")}</div>
    <div><h3>Documents by language and status</h3>{_crosstab(by_doc, ["ok", "review", "error"], "language", "docs-by-lang")}</div>
    <div><h3>Mentions by method and status</h3>{_crosstab(by_method, list(STATUSES), "method", "mentions-by-method")}</div>
    <div class="svgwrap"><h3>Where linked names came from (method)</h3>{_bar_chart(linked, "chart-methods")}</div>
  </div>
  <h3 id="errors" data-testid="errors">Errors ({n_errors})</h3>
  {err_html}
</section>"""


CSS = """
:root{--bg:#fff;--fg:#1d2330;--muted:#667085;--line:#d9dde5;--head:#f3f5f8;--auto:#d9f2e1;--review:#ffe8b3;
--unresolved:#ffd2d2;--accent:#2356c7}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:14px 24px;background:#1d2330;color:#fff;display:flex;gap:28px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
header .stat b{font-size:18px;margin-right:4px}
nav{padding:6px 24px;border-bottom:1px solid var(--line);background:var(--head);position:sticky;top:0;z-index:2}
nav a{margin-right:18px;color:var(--accent);text-decoration:none}
main{padding:0 24px 40px}
section{margin-top:22px}
h2{font-size:17px;margin:0 0 8px}
h3{font-size:14px;margin:14px 0 6px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:10px 28px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600;white-space:nowrap}
table.small{width:auto}
table.small td:not(:first-child){text-align:right}
[data-testid=errors-table] td{text-align:left!important}
.muted{color:var(--muted)}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:6px 0 8px}
.controls label{color:var(--muted)}
select,input,button{font:inherit;padding:3px 6px;border:1px solid var(--line);border-radius:4px;background:#fff}
button{cursor:pointer}
button.link{border:0;background:none;color:var(--accent);padding:0;text-decoration:underline}
input[type=search]{min-width:240px}
.pager{display:flex;gap:8px;align-items:center;margin:6px 0}
.st{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px}
.st-auto{background:var(--auto)}.st-review{background:var(--review)}.st-unresolved{background:var(--unresolved)}
.st-ok{background:var(--auto)}.st-error{background:#c62828;color:#fff}
#review-queue-body td:nth-child(5),#review-queue-body td:last-child,td.c-status{white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.ctx{max-width:520px;color:#3a4252}
mark{background:#fff1a8;padding:0 1px;border-radius:2px;color:inherit}
.cands span{display:inline-block;margin-right:8px;white-space:nowrap}
.svgwrap text{font-size:12px;fill:var(--fg)}
svg .bar{fill:#5b8def}
.doctext{white-space:pre-wrap;border:1px solid var(--line);border-radius:6px;padding:10px;background:#fcfcfd;max-height:420px;overflow:auto}
.doctext mark.st-auto{background:var(--auto);border-bottom:2px solid #2e9d57}
.doctext mark.st-review{background:var(--review);border-bottom:2px solid #d69a00}
.doctext mark.st-unresolved{background:var(--unresolved);border-bottom:2px dashed #c62828}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:900px){.cols{grid-template-columns:1fr}}
tr.sel{background:#eef3ff}
th.sortable{cursor:pointer;color:var(--accent)}
.partial{background:#fff6db;border:1px solid #e8d18c;border-radius:6px;padding:8px 12px}
"""

# The page script. Every piece of document text reaches the DOM as a Text node
# (textContent / append(string)); nothing is ever assigned to innerHTML.
JS = r"""
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var D = DATA.docs, M = DATA.mentions, Q = DATA.queue;
  var DOC = 0, SIDE = 1, START = 2, END = 3, SURF = 4, TYPE = 5, GID = 6, CANON = 7, SCORE = 8,
      METHOD = 9, STATUS = 10, LANG = 11;
  var PAGE = 200, QPAGE = 100, DPAGE = 50;
  var collator = new Intl.Collator(undefined, {sensitivity: 'base', numeric: true});
  function $(id) { return document.getElementById(id); }
  function el(tag, props) {
    var e = document.createElement(tag);
    if (props) for (var k in props) {
      if (k === 'text') e.textContent = props[k];
      else if (k === 'cls') e.className = props[k];
      else if (k.indexOf('data-') === 0) e.setAttribute(k, props[k]);
      else e[k] = props[k];
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      e.append(c);  // strings become Text nodes
    }
    return e;
  }
  function statusBadge(s) { return el('span', {cls: 'st st-' + s, text: s}); }
  function fmt(x) { return typeof x === 'number' ? x.toFixed(2) : ''; }
  function textOf(d, side) { return (side ? D[d].text_en : D[d].text) || ''; }
  function squash(s) { return s.replace(/\s+/g, ' '); }

  // Context: text[start-60 : end+60] with the mention in a <mark> built by the DOM.
  function snippet(d, side, s, e) {
    var t = textOf(d, side), a = Math.max(0, s - 60), b = Math.min(t.length, e + 60);
    if (a > 0 && /[\uDC00-\uDFFF]/.test(t.charAt(a))) a++;      // do not split a surrogate pair
    if (b < t.length && /[\uD800-\uDBFF]/.test(t.charAt(b - 1))) b--;
    var span = el('span');
    span.append((a > 0 ? '\u2026' : '') + squash(t.slice(a, s)));
    span.append(el('mark', {text: t.slice(s, e)}));
    span.append(squash(t.slice(e, b)) + (b < t.length ? '\u2026' : ''));
    return span;
  }

  // Context sent ready-made as [left, mention, right] (the queue's example may be in a document
  // the page does not embed).
  function parts(p) {
    var span = el('span');
    span.append(p[0]); span.append(el('mark', {text: p[1]})); span.append(p[2]);
    return span;
  }
  function setText(id, v) { var e = $(id); if (e) e.textContent = String(v); }

  // ---------- review queue
  var qState = {page: 0, rows: []};
  function renderQueue() {
    var q = $('queue-filter').value.trim().toLowerCase();
    qState.rows = [];
    for (var i = 0; i < Q.length; i++) {
      var g = Q[i];
      if (q && (g.surface.toLowerCase().indexOf(q) < 0) &&
          ((g.proposed_canonical || '').toLowerCase().indexOf(q) < 0)) continue;
      qState.rows.push(i);
    }
    var pages = Math.max(1, Math.ceil(qState.rows.length / QPAGE));
    qState.page = Math.min(qState.page, pages - 1);
    var body = $('review-queue-body'), frag = document.createDocumentFragment();
    var from = qState.page * QPAGE, to = Math.min(qState.rows.length, from + QPAGE);
    for (var r = from; r < to; r++) {
      var g2 = Q[qState.rows[r]], cands = el('td', {cls: 'cands'});
      g2.candidates.forEach(function (c) {
        cands.append(el('span', {title: c[1] || ''}, c[0] + ' ', el('b', {text: fmt(c[2])})));
      });
      var st = el('td');
      Object.keys(g2.statuses).sort().forEach(function (k) {
        st.append(statusBadge(k), ' ' + g2.statuses[k] + ' ');
      });
      var show = el('button', {cls: 'link', text: 'show all', 'data-testid': 'queue-show', title: 'List every occurrence below'});
      show.addEventListener('click', (function (s) { return function () { showSurface(s); }; })(g2.surface));
      frag.append(el('tr', {'data-testid': 'queue-row'},
        el('td', {cls: 'q-surface', text: g2.surface}),
        el('td', {cls: 'q-count num', text: String(g2.count)}),
        el('td', {cls: 'q-lang', text: g2.lang}), el('td', {cls: 'q-type', text: g2.type}), st,
        el('td', {cls: 'q-proposed'}, g2.proposed_id ? (g2.proposed_id + (g2.proposed_canonical ? ' (' + g2.proposed_canonical + ')' : '')) : '\u2014'),
        cands,
        el('td', {cls: 'ctx'}, parts(g2.context)),
        el('td', {}, show)));
    }
    body.replaceChildren(frag);
  }
  function renderQueuePage() {
    renderQueue();
    var n = qState.rows.length;
    setText('queue-count', n ? ('Surfaces ' + (qState.page * QPAGE + 1) + '\u2013' +
      Math.min(n, (qState.page + 1) * QPAGE) + ' of ' + n) : 'Nothing to review.');
    $('queue-count').setAttribute('data-count', String(n));
    $('queue-prev').disabled = qState.page === 0;
    $('queue-next').disabled = (qState.page + 1) * QPAGE >= n;
  }

  // ---------- mentions table
  var mState = {page: 0, view: [], key: 'score', dir: 'desc'};
  var hay = null;
  function haystack(i) {
    if (!hay) hay = new Array(M.length);
    if (hay[i] === undefined) {
      var m = M[i];
      hay[i] = (m[SURF] + '\u0001' + (m[CANON] || '') + '\u0001' + (m[GID] || '') + '\u0001' + D[m[DOC]].id).toLowerCase();
    }
    return hay[i];
  }
  function fillSelect(id, col) {
    var counts = {};
    for (var i = 0; i < M.length; i++) counts[M[i][col]] = (counts[M[i][col]] || 0) + 1;
    var sel = $(id);
    Object.keys(counts).sort().forEach(function (k) {
      sel.append(el('option', {value: k, text: k + ' (' + counts[k] + ')'}));
    });
  }
  function compare(a, b) {
    var x = M[a], y = M[b], r = 0;
    if (mState.key === 'score') r = x[SCORE] - y[SCORE];
    else if (mState.key === 'name') r = collator.compare(x[SURF], y[SURF]);
    else if (mState.key === 'document') {
      r = collator.compare(D[x[DOC]].id, D[y[DOC]].id) || x[DOC] - y[DOC] || x[SIDE] - y[SIDE] || x[START] - y[START];
    }
    if (mState.dir === 'desc') r = -r;
    return r || a - b;
  }
  function applyFilters(keepPage) {
    var st = $('filter-status').value, ty = $('filter-type').value, me = $('filter-method').value,
        la = $('filter-lang').value, q = $('filter-text').value.trim().toLowerCase(), v = [];
    for (var i = 0; i < M.length; i++) {
      var m = M[i];
      if (st && (st === 'needs-decision' ? m[STATUS] === 'auto' : m[STATUS] !== st)) continue;
      if (ty && m[TYPE] !== ty) continue;
      if (me && m[METHOD] !== me) continue;
      if (la && m[LANG] !== la) continue;
      if (q && haystack(i).indexOf(q) < 0) continue;
      v.push(i);
    }
    mState.key = $('sort-by').value; mState.dir = $('sort-dir').value;
    v.sort(compare);
    mState.view = v;
    if (!keepPage) mState.page = 0;
    renderMentions();
  }
  function renderMentions() {
    var v = mState.view, n = v.length, pages = Math.max(1, Math.ceil(n / PAGE));
    mState.page = Math.min(mState.page, pages - 1);
    var from = mState.page * PAGE, to = Math.min(n, from + PAGE), frag = document.createDocumentFragment();
    for (var r = from; r < to; r++) {
      var i = v[r], m = M[i], docBtn = el('button', {cls: 'link', text: D[m[DOC]].id, title: 'Open this document'});
      docBtn.addEventListener('click', (function (d) { return function () { showDoc(d, true); }; })(m[DOC]));
      frag.append(el('tr', {'data-testid': 'mention-row', 'data-index': String(i)},
        el('td', {cls: 'c-surface', text: m[SURF]}),
        el('td', {cls: 'c-canonical', text: m[CANON] || '\u2014'}),
        el('td', {cls: 'c-gid', text: m[GID] || ''}),
        el('td', {cls: 'c-score num', text: fmt(m[SCORE])}),
        el('td', {cls: 'c-method', text: m[METHOD]}),
        el('td', {cls: 'c-status'}, statusBadge(m[STATUS])),
        el('td', {cls: 'c-type', text: m[TYPE]}),
        el('td', {cls: 'c-lang', text: m[LANG]}),
        el('td', {cls: 'c-doc'}, docBtn),
        el('td', {cls: 'ctx c-context'}, snippet(m[DOC], m[SIDE], m[START], m[END]))));
    }
    var body = $('mentions-body');
    body.replaceChildren(frag);
    var c = $('mentions-count');
    c.textContent = n ? ('Mentions ' + (from + 1) + '\u2013' + to + ' of ' + n + ' matching (' + M.length + ' in all)')
                      : ('No mentions match (' + M.length + ' in all).');
    c.setAttribute('data-count', String(n));
    setText('mentions-page', 'page ' + (mState.page + 1) + ' / ' + pages);
    $('mentions-prev').disabled = mState.page === 0;
    $('mentions-next').disabled = mState.page >= pages - 1;
  }
  function showSurface(s) {
    $('filter-status').value = ''; $('filter-type').value = ''; $('filter-method').value = '';
    $('filter-lang').value = ''; $('filter-text').value = s;
    applyFilters();
    $('mentions').scrollIntoView();
  }
  var timer = null;
  function debounced() { clearTimeout(timer); timer = setTimeout(function () { applyFilters(); }, 120); }

  // ---------- documents
  var byDoc = null, dState = {page: 0, rows: [], current: -1};
  function mentionsOf(d) {
    if (!byDoc) {
      byDoc = {};
      for (var i = 0; i < M.length; i++) (byDoc[M[i][DOC]] = byDoc[M[i][DOC]] || []).push(i);
    }
    return byDoc[d] || [];
  }
  function marked(d, side) {
    var t = textOf(d, side), spans = mentionsOf(d).filter(function (i) { return M[i][SIDE] === side; })
      .sort(function (a, b) { return M[a][START] - M[b][START] || M[b][END] - M[a][END]; });
    var frag = document.createDocumentFragment(), pos = 0;
    spans.forEach(function (i) {
      var m = M[i];
      if (m[START] < pos || m[END] > t.length) return;  // overlapping span: keep the first
      frag.append(t.slice(pos, m[START]));
      frag.append(el('mark', {cls: 'st-' + m[STATUS], text: t.slice(m[START], m[END]),
        title: m[SURF] + ' \u2192 ' + (m[CANON] || '?') + ' \u00b7 ' + (m[GID] || 'no id') + ' \u00b7 ' + m[METHOD] +
               ' \u00b7 ' + m[STATUS] + ' \u00b7 ' + fmt(m[SCORE])}));
      pos = m[END];
    });
    frag.append(t.slice(pos));
    return frag;
  }
  function showDoc(d, scroll) {
    dState.current = d;
    var doc = D[d];
    setText('doc-title', doc.id + '  \u00b7  ' + doc.lang + '  \u00b7  ' + doc.status + '  \u00b7  ' + doc.source);
    $('doc-source').replaceChildren(marked(d, 0));
    if (doc.text_en === null || doc.text_en === undefined) $('doc-english').replaceChildren(el('span', {cls: 'muted', text: '(no English text)'}));
    else $('doc-english').replaceChildren(marked(d, 1));
    var notes = $('doc-notes'); notes.replaceChildren();
    doc.errors.forEach(function (e) { notes.append(el('li', {cls: 'err', text: 'error: ' + e})); });
    doc.warnings.forEach(function (w) { notes.append(el('li', {text: 'warning: ' + w})); });
    renderDocs();
    if (scroll) $('documents').scrollIntoView();
  }
  function renderDocs() {
    var q = $('doc-filter').value.trim().toLowerCase(), st = $('doc-status').value;
    dState.rows = [];
    for (var i = 0; i < D.length; i++) {
      if (st && D[i].status !== st) continue;
      if (q && D[i].id.toLowerCase().indexOf(q) < 0 && D[i].source.toLowerCase().indexOf(q) < 0) continue;
      dState.rows.push(i);
    }
    var n = dState.rows.length, pages = Math.max(1, Math.ceil(n / DPAGE));
    dState.page = Math.min(dState.page, pages - 1);
    var frag = document.createDocumentFragment(), from = dState.page * DPAGE, to = Math.min(n, from + DPAGE);
    for (var r = from; r < to; r++) {
      var d = dState.rows[r], doc = D[d], b = el('button', {cls: 'link', text: doc.id});
      b.addEventListener('click', (function (x) { return function () { showDoc(x, false); }; })(d));
      frag.append(el('tr', {'data-testid': 'doc-row', cls: d === dState.current ? 'sel' : ''},
        el('td', {}, b), el('td', {text: doc.lang}), el('td', {}, statusBadge(doc.status)),
        el('td', {cls: 'num', text: String(doc.mentions)}), el('td', {cls: 'num', text: String(doc.undecided)})));
    }
    $('doc-list-body').replaceChildren(frag);
    setText('doc-page', n ? ('documents ' + (from + 1) + '\u2013' + to + ' of ' + n) : 'no documents match');
    $('doc-prev').disabled = dState.page === 0;
    $('doc-next').disabled = dState.page >= pages - 1;
  }

  // ---------- wiring
  ['filter-status', 'filter-type', 'filter-method', 'filter-lang', 'sort-by', 'sort-dir'].forEach(function (id) {
    $(id).addEventListener('change', function () { applyFilters(); });
  });
  $('filter-text').addEventListener('input', debounced);
  $('filter-text').addEventListener('keydown', function (e) { if (e.key === 'Enter') { clearTimeout(timer); applyFilters(); } });
  $('mentions-prev').addEventListener('click', function () { mState.page--; renderMentions(); });
  $('mentions-next').addEventListener('click', function () { mState.page++; renderMentions(); });
  Array.prototype.forEach.call(document.querySelectorAll('th[data-sort]'), function (th) {
    th.addEventListener('click', function () {
      var k = th.getAttribute('data-sort');
      if ($('sort-by').value === k) $('sort-dir').value = $('sort-dir').value === 'asc' ? 'desc' : 'asc';
      else { $('sort-by').value = k; $('sort-dir').value = k === 'score' ? 'desc' : 'asc'; }
      applyFilters();
    });
  });
  $('queue-filter').addEventListener('input', function () { qState.page = 0; renderQueuePage(); });
  $('queue-prev').addEventListener('click', function () { qState.page--; renderQueuePage(); });
  $('queue-next').addEventListener('click', function () { qState.page++; renderQueuePage(); });
  $('doc-filter').addEventListener('input', function () { dState.page = 0; renderDocs(); });
  $('doc-status').addEventListener('change', function () { dState.page = 0; renderDocs(); });
  $('doc-prev').addEventListener('click', function () { dState.page--; renderDocs(); });
  $('doc-next').addEventListener('click', function () { dState.page++; renderDocs(); });

  fillSelect('filter-type', TYPE); fillSelect('filter-method', METHOD); fillSelect('filter-lang', LANG);
  renderQueuePage();
  applyFilters();
  var first = -1;
  for (var k = 0; k < D.length && first < 0; k++) if (D[k].status === 'review') first = k;
  if (D.length) showDoc(first < 0 ? 0 : first, false); else renderDocs();
  document.body.setAttribute('data-ready', '1');
})();
"""


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
    """Say plainly when the page shows less than the run, and where the rest is."""
    parts = []
    if len(b.docs) < b.documents:
        parts.append(f"{len(b.docs):,} of {b.documents:,} documents and {len(b.mentions):,} of "
                     f"{b.total_mentions:,} mentions (in input order, up to the report limits)")
    if queue_rows < queue_total:
        parts.append(f"the {queue_rows:,} most frequent of {queue_total:,} names to decide")
    if not parts:
        return ""
    return (f'<p class="partial" data-testid="partial-note">This page shows {" and ".join(parts)}. '
            "Counts and the summary cover the whole run; every record is in records.jsonl and every "
            "name to decide in review.csv. The <code>report</code> config section sets the limits.</p>")


def render_page(b: ReportBuilder, queue: list[ReviewGroup], queue_total: int, summary: RunSummary) -> str:
    """The report page from a ReportBuilder and the head of the review queue."""
    data = b.data(queue, queue_total)
    csp = (f"default-src 'none'; script-src '{_csp_hash(JS)}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    status_opts = "".join(f'<option value="{s}">{s}</option>' for s in STATUSES)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>transnorm report {_esc(summary.run_id)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
  <h1>transnorm normalisation report</h1>
  <span class="stat" data-testid="run-id">run <b>{_esc(summary.run_id)}</b></span>
  <span class="stat"><b id="stat-docs">{b.documents}</b>documents</span>
  <span class="stat"><b id="stat-mentions">{b.total_mentions}</b>mentions</span>
  <span class="stat"><b id="stat-queue">{queue_total}</b>names to decide</span>
  <span class="stat"><b id="stat-undecided">{b.undecided}</b>undecided mentions</span>
</header>
<nav><a href="#review-queue">Review queue</a><a href="#summary">Summary</a><a href="#mentions">All mentions</a><a href="#documents">Documents</a></nav>
<main>
<noscript><p><b>This report needs JavaScript to show its tables.</b> The summary below works without it.</p></noscript>
{_partial_note(b, len(queue), queue_total)}

<section id="review-queue" data-testid="review-queue">
  <h2>Review queue</h2>
  <p class="muted">Names with status <i>review</i> or <i>unresolved</i>, one row per written form and language:
  one decision covers every occurrence. Decide them in the review CSV, then apply it into overrides.yaml.</p>
  <div class="controls">
    <input type="search" id="queue-filter" data-testid="queue-filter" placeholder="filter surfaces…" aria-label="filter review queue">
    <span id="queue-count" data-testid="queue-count" class="muted"></span>
    <button id="queue-prev" data-testid="queue-prev">‹ prev</button><button id="queue-next" data-testid="queue-next">next ›</button>
  </div>
  <table id="review-queue-table" data-testid="review-queue-table">
    <thead><tr><th>surface</th><th>count</th><th>lang</th><th>type</th><th>status</th><th>proposed</th><th>candidates (score)</th><th>example</th><th></th></tr></thead>
    <tbody id="review-queue-body"></tbody>
  </table>
</section>
{_summary_html(b, summary)}
<section id="mentions" data-testid="mentions">
  <h2>All mentions</h2>
  <div class="controls">
    <label for="filter-status">status</label>
    <select id="filter-status" data-testid="filter-status"><option value="">all</option><option value="needs-decision">review + unresolved</option>{status_opts}</select>
    <label for="filter-type">type</label><select id="filter-type" data-testid="filter-type"><option value="">all</option></select>
    <label for="filter-method">method</label><select id="filter-method" data-testid="filter-method"><option value="">all</option></select>
    <label for="filter-lang">language</label><select id="filter-lang" data-testid="filter-lang"><option value="">all</option></select>
    <input type="search" id="filter-text" data-testid="filter-text" placeholder="search name, id, document…" aria-label="search mentions">
    <label for="sort-by">sort</label>
    <select id="sort-by" data-testid="sort-by"><option value="score">score</option><option value="document">document</option><option value="name">name</option></select>
    <select id="sort-dir" data-testid="sort-dir"><option value="desc">descending</option><option value="asc">ascending</option></select>
  </div>
  <div class="pager"><button id="mentions-prev" data-testid="mentions-prev">‹ prev</button><span id="mentions-page" class="muted"></span><button id="mentions-next" data-testid="mentions-next">next ›</button>
  <span id="mentions-count" data-testid="mentions-count" class="muted"></span></div>
  <table id="mentions-table" data-testid="mentions-table">
    <thead><tr><th class="sortable" data-sort="name" data-testid="sort-name">surface</th><th>canonical</th><th>gazetteer id</th>
    <th class="sortable" data-sort="score" data-testid="sort-score">score</th><th>method</th><th>status</th><th>type</th><th>lang</th>
    <th class="sortable" data-sort="document" data-testid="sort-document">document</th><th>context</th></tr></thead>
    <tbody id="mentions-body"></tbody>
  </table>
</section>

<section id="documents" data-testid="documents">
  <h2>Documents</h2>
  <div class="controls">
    <input type="search" id="doc-filter" data-testid="doc-filter" placeholder="document id or source…" aria-label="filter documents">
    <select id="doc-status" data-testid="doc-status"><option value="">all</option><option value="review">needs review</option><option value="ok">ok</option><option value="error">error</option></select>
    <button id="doc-prev">‹ prev</button><span id="doc-page" class="muted"></span><button id="doc-next">next ›</button>
  </div>
  <table id="doc-list" data-testid="doc-list" class="small">
    <thead><tr><th>document</th><th>lang</th><th>status</th><th>mentions</th><th>to decide</th></tr></thead>
    <tbody id="doc-list-body"></tbody>
  </table>
  <div id="doc-view" data-testid="doc-view">
    <h3 id="doc-title" data-testid="doc-title"></h3>
    <p class="muted">Marked names: <mark class="st-auto">linked / rewritten</mark> <mark class="st-review">needs review</mark>
    <mark class="st-unresolved">unresolved</mark>. Hover a name for its canonical form, id, method and score.</p>
    <ul id="doc-notes"></ul>
    <div class="cols">
      <div><h3>Source text</h3><div id="doc-source" data-testid="doc-source" class="doctext"></div></div>
      <div><h3>English text</h3><div id="doc-english" data-testid="doc-english" class="doctext"></div></div>
    </div>
  </div>
</section>
</main>
<script type="application/json" id="report-data">{json_for_script(data)}</script>
<script>{JS}</script>
</body>
</html>
"""


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
