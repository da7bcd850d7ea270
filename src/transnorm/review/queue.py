"""The review queue: every undecided mention grouped by written form, and review.csv.

A reviewer decides once per distinct (surface, language), not once per occurrence, so the
groups are shared with the HTML report: the queue a person sees there is exactly the rows of
the CSV. Grouping spills to a temporary SQLite file, so a run of any size groups in bounded memory.
The `decision` column takes the decision language of review/decisions.py.
"""
from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from transnorm.files import atomic_open
from transnorm.records import Candidate, Record
from transnorm.review.facts import CandidateView, candidate_views
from transnorm.review.mentions import needs_decision

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index

CONTEXT_CHARS = 60
MAX_CANDIDATES = 9  # the page picks them with keys 1-9
CSV_COLUMNS = [
    "surface", "language", "type", "kind", "count", "example_context", "proposed_gazetteer_id",
    "proposed_canonical", "candidates", "reason", "decision",
]


# A spreadsheet treats a cell starting with one of these as a formula (or strips it).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ReviewGroup:
    """Every occurrence of one (surface, lang) that still needs a human decision."""

    surface: str
    lang: str
    type: str  # most common entity type among the occurrences
    count: int
    statuses: dict[str, int]
    proposed_id: str | None
    proposed_canonical: str | None  # the proposal's canonical; with no proposal, the proposed spelling
    candidates: list[Candidate]  # best score per gazetteer id over all occurrences
    docs: int  # distinct documents it occurs in
    context_parts: tuple[str, str, str]  # (left, surface, right) around the first occurrence
    kind: str | None = None  # most common kind (a generated name's proposed kind: village, person...)
    reason: str | None = None  # why it looks like a name (generated names), from the first occurrence
    views: list[CandidateView] = field(default_factory=list)  # the candidates with their facts (facts.py)

    @property
    def example_context(self) -> str:
        """The first occurrence in plain text, the surface in [brackets] (review.csv, artifacts)."""
        left, mid, right = self.context_parts
        return f"{left}[{mid}]{right}"

    def candidates_text(self) -> str:
        """The candidates as names, kinds and parents, ids in brackets (review.csv, report.md)."""
        return "; ".join(f"{v.describe()} [{v.gazetteer_id}]" + (f" {v.score:.2f}" if v.score is not None else "")
                         for v in self.views)


def context_of(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """(left, mention, right) around a span; whitespace collapsed so it fits one cell."""
    a, b = max(0, start - width), min(len(text), end + width)
    left = ("…" if a > 0 else "") + text[a:start]
    right = text[end:b] + ("…" if b < len(text) else "")
    squash = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    return squash(left), squash(text[start:end]), squash(right)


class ReviewSpool:
    """Undecided mentions gathered on disk (SQLite) while a run streams, grouped at the end.

    A run over a gigabyte of news has millions of mentions and hundreds of thousands of
    distinct unknown names; holding them would make memory grow with the corpus. SQLite
    keeps one row per undecided mention in a temp file and does the grouping and sorting
    on disk, so memory stays flat however big the run. Only source mentions are spooled
    (mentions.py: a name is decided where it was found, not again as the translation shows it).
    """

    def __init__(self, folder: Path | None = None):
        fd, self.path = tempfile.mkstemp(prefix=".review-spool.", suffix=".sqlite", dir=folder)
        os.close(fd)
        self.con = sqlite3.connect(self.path)
        self.con.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;
            PRAGMA cache_size = -16000;
            CREATE TABLE m (surface TEXT, lang TEXT, type TEXT, status TEXT, gid TEXT, canonical TEXT,
                            cands TEXT, doc INTEGER, kind TEXT, reason TEXT);
            CREATE TABLE ex (surface TEXT, lang TEXT, ctx_before TEXT, ctx_name TEXT, ctx_after TEXT,
                             PRIMARY KEY (surface, lang));
        """)

    def add(self, index: int, rec: Record) -> None:
        """Spool the undecided mentions of the `index`-th record of the run."""
        rows, examples = [], []
        lang = rec.lang or "und"
        for e in rec.entities:
            if not needs_decision(e):
                continue
            rows.append((e.surface, lang, e.type, e.status, e.gazetteer_id, e.canonical,
                         json.dumps([[c.gazetteer_id, c.canonical, c.score] for c in e.candidates],
                                    ensure_ascii=False) if e.candidates else None, index, e.kind, e.reason))
            examples.append((e.surface, lang, *context_of(rec.text, e.start, e.end)))  # the first one stays
        if rows:
            self.con.executemany("INSERT INTO m VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.con.executemany("INSERT OR IGNORE INTO ex VALUES (?, ?, ?, ?, ?)", examples)

    def groups(self, index: "Index | None" = None, detailed: int = 0) -> Iterator[ReviewGroup]:
        """Every (surface, lang) group, most frequent first (then by surface, lang).

        Each group's candidates come as views (facts.py), with their kind, parent and population
        when the compiled `index` is given; the first `detailed` groups (what report.html shows)
        also with the name that matched."""
        self.con.execute("CREATE INDEX IF NOT EXISTS m_key ON m (surface, lang)")
        keys = self.con.execute(
            "SELECT surface, lang, COUNT(*) AS n, COUNT(DISTINCT doc) FROM m GROUP BY surface, lang "
            "ORDER BY n DESC, surface, lang")
        for i, (surface, lang, n, docs) in enumerate(keys):
            rows = self.con.execute("SELECT type, status, gid, canonical, cands, kind, reason FROM m "
                                    "WHERE surface = ? AND lang = ? ORDER BY rowid", (surface, lang))
            context = self.con.execute("SELECT ctx_before, ctx_name, ctx_after FROM ex WHERE surface = ? AND lang = ?",
                                       (surface, lang)).fetchone()
            g = _group(surface, lang, n, docs, rows, context)
            g.views = candidate_views(g.surface, g.kind, g.proposed_id, g.proposed_canonical, g.candidates,
                                      index, MAX_CANDIDATES, matched=i < detailed)
            yield g

    def close(self) -> None:
        self.con.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def __enter__(self) -> "ReviewSpool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _most_common(counter: Counter) -> Any:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counter else None


def _group(surface: str, lang: str, count: int, docs: int, rows: Iterable[tuple],
           context: tuple[str, str, str]) -> ReviewGroup:
    """Fold one group's rows (type, status, id, canonical, candidates JSON, kind, reason) into a ReviewGroup."""
    types: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    linked: Counter[str] = Counter()
    canonical_of: dict[str, str] = {}  # first canonical seen per linked id
    spelled: Counter[str] = Counter()  # proposed English spellings of the occurrences nobody linked
    best: dict[str, Candidate] = {}
    reason = None
    for type_, status, gid, canonical, cands, kind, why in rows:
        types[type_] += 1
        statuses[status] += 1
        if kind:
            kinds[kind] += 1
        reason = reason or why
        if gid:
            linked[gid] += 1
            if canonical and gid not in canonical_of:
                canonical_of[gid] = canonical
        elif canonical:
            spelled[canonical] += 1
        for cid, ccanon, score in json.loads(cands) if cands else ():
            if cid not in best or score > best[cid].score:
                best[cid] = Candidate(cid, ccanon, score)
    cands_sorted = sorted(best.values(), key=lambda c: (-c.score, c.gazetteer_id))[:MAX_CANDIDATES]
    proposed_id = proposed_canonical = None
    if linked:
        proposed_id = _most_common(linked)
        proposed_canonical = canonical_of.get(proposed_id) or (
            best[proposed_id].canonical if proposed_id in best else None)
    elif cands_sorted:
        proposed_id, proposed_canonical = cands_sorted[0].gazetteer_id, cands_sorted[0].canonical
    else:
        proposed_canonical = _most_common(spelled)  # an unknown name: its proposed spelling, no entry
    return ReviewGroup(
        surface=surface, lang=lang, type=_most_common(types), count=count, statuses=dict(statuses),
        proposed_id=proposed_id, proposed_canonical=proposed_canonical, candidates=cands_sorted, docs=docs,
        context_parts=tuple(context), kind=_most_common(kinds), reason=reason)


def review_groups(records: Iterable[Record], index: "Index | None" = None) -> list[ReviewGroup]:
    """Group undecided mentions by (surface, lang), most frequent first."""
    with ReviewSpool() as spool:
        for i, rec in enumerate(records):
            spool.add(i, rec)
        return list(spool.groups(index))


def neutralise_cell(value: Any) -> str:
    """Prefix a quote to cells a spreadsheet would run as a formula (CSV injection).

    A cell that already starts with a quote gets one too, so `unneutralise_cell` can undo
    exactly what was added.
    """
    s = "" if value is None else str(value)
    if s.startswith(FORMULA_START) or s.startswith("'"):
        return "'" + s
    return s


def unneutralise_cell(value: str | None) -> str:
    """Undo `neutralise_cell`; also fine when Excel already dropped the quote on save."""
    s = value or ""
    if len(s) > 1 and s[0] == "'" and (s[1] in "'" or s[1:].startswith(FORMULA_START)):
        return s[1:]
    return s


def write_review_csv(records: Iterable[Record], path: Path, index: "Index | None" = None) -> int:
    """Write one row per (surface, lang) needing a decision; returns the row count.

    UTF-8 with BOM because Excel otherwise guesses a legacy code page and mangles Cyrillic.
    """
    return write_review_groups(review_groups(records, index), path)


def write_review_groups(groups: Iterable[ReviewGroup], path: Path) -> int:
    """write_review_csv for groups already computed or streamed from a ReviewSpool; returns the row count."""
    n = 0
    with atomic_open(Path(path), encoding="utf-8-sig", errors="replace", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(CSV_COLUMNS)
        for g in groups:
            n += 1
            w.writerow([neutralise_cell(v) for v in (
                g.surface, g.lang, g.type, g.kind or "", g.count, g.example_context, g.proposed_id or "",
                g.proposed_canonical or "", g.candidates_text(), g.reason or "", "",
            )])
    return n
