"""The review queue: every undecided mention grouped by written form, and review.csv.

A reviewer decides once per distinct (surface, language), not once per occurrence, so the
groups are shared with the HTML report: the queue a person sees there is exactly the rows of
the CSV. Grouping spills to a temporary SQLite file, so a run of any size groups in bounded memory.
"""
from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from transnorm.files import atomic_open
from transnorm.records import Candidate, Entity, Record

NEEDS_DECISION = ("review", "unresolved")
CONTEXT_CHARS = 60
MAX_CANDIDATES = 5
CSV_COLUMNS = [
    "surface", "language", "type", "count", "example_context", "proposed_gazetteer_id",
    "proposed_canonical", "candidates", "decision",
]


# A spreadsheet treats a cell starting with one of these as a formula (or strips it).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(slots=True)
class Mention:
    """One entity occurrence with the side of the record it is on (shared with the report)."""

    lang: str  # language of the text the surface was found in ("en" for entities_en)
    english_side: bool  # True when found in text_en
    entity: Entity


@dataclass
class ReviewGroup:
    """Every occurrence of one (surface, lang) that still needs a human decision."""

    surface: str
    lang: str
    type: str  # most common entity type among the occurrences
    count: int
    statuses: dict[str, int]
    proposed_id: str | None
    proposed_canonical: str | None
    candidates: list[Candidate]  # best score per gazetteer id over all occurrences
    docs: int  # distinct documents it occurs in
    context_parts: tuple[str, str, str]  # (left, surface, right) around the first occurrence

    @property
    def example_context(self) -> str:
        """The first occurrence in plain text, the surface in [brackets] (review.csv, artifacts)."""
        left, mid, right = self.context_parts
        return f"{left}[{mid}]{right}"


def record_mentions(rec: Record) -> Iterator[Mention]:
    """The mentions of one record, an English-side span that repeats a source span dropped.

    English documents may list the same span in `entities` and `entities_en`; counting it
    twice would double every number in the report.
    """
    seen: set[tuple[bool, int, int]] = set()
    # An English-side span is a repeat when text_en is the very same text.
    en_is_src = rec.text_en == rec.text
    for english_side, ents in ((False, rec.entities), (True, rec.entities_en)):
        text = rec.text_en if english_side else rec.text
        if text is None:
            continue
        lang = "en" if english_side else (rec.lang or "und")
        for ent in ents:
            key = (english_side and not en_is_src, ent.start, ent.end)
            if key not in seen:
                seen.add(key)
                yield Mention(lang, english_side, ent)


def context_of(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """(left, mention, right) around a span; whitespace collapsed so it fits one cell."""
    a, b = max(0, start - width), min(len(text), end + width)
    left = ("…" if a > 0 else "") + text[a:start]
    right = text[end:b] + ("…" if b < len(text) else "")
    squash = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    return squash(left), squash(text[start:end]), squash(right)


def needs_decision(m: Mention) -> bool:
    """Review and unresolved mentions need a person; aligned English copies follow their source."""
    return m.entity.status in NEEDS_DECISION and not (m.english_side and m.entity.method == "aligned")


class ReviewSpool:
    """Undecided mentions gathered on disk (SQLite) while a run streams, grouped at the end.

    A run over a gigabyte of news has millions of mentions and hundreds of thousands of
    distinct unknown names; holding them would make memory grow with the corpus. SQLite
    keeps one row per undecided mention in a temp file and does the grouping and sorting
    on disk, so memory stays flat however big the run.
    """

    def __init__(self, folder: Path | None = None):
        fd, self.path = tempfile.mkstemp(prefix=".review-spool.", suffix=".sqlite", dir=folder)
        os.close(fd)
        self.con = sqlite3.connect(self.path)
        self.con.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;
            PRAGMA cache_size = -16000;
            CREATE TABLE m (surface TEXT, lang TEXT, type TEXT, status TEXT, gid TEXT, canonical TEXT,
                            cands TEXT, doc INTEGER);
            CREATE TABLE ex (surface TEXT, lang TEXT, ctx_before TEXT, ctx_name TEXT, ctx_after TEXT,
                             PRIMARY KEY (surface, lang));
        """)

    def add(self, index: int, rec: Record) -> None:
        """Spool the undecided mentions of the `index`-th record of the run."""
        rows, examples = [], []
        for m in record_mentions(rec):
            if not needs_decision(m):
                continue
            e = m.entity
            rows.append((e.surface, m.lang, e.type, e.status, e.gazetteer_id, e.canonical,
                         json.dumps([[c.gazetteer_id, c.canonical, c.score] for c in e.candidates],
                                    ensure_ascii=False) if e.candidates else None, index))
            text = (rec.text_en if m.english_side else rec.text) or ""
            examples.append((e.surface, m.lang, *context_of(text, e.start, e.end)))  # the first one stays
        if rows:
            self.con.executemany("INSERT INTO m VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.con.executemany("INSERT OR IGNORE INTO ex VALUES (?, ?, ?, ?, ?)", examples)

    def groups(self) -> Iterator[ReviewGroup]:
        """Every (surface, lang) group, most frequent first (then by surface, lang)."""
        self.con.execute("CREATE INDEX IF NOT EXISTS m_key ON m (surface, lang)")
        keys = self.con.execute(
            "SELECT surface, lang, COUNT(*) AS n, COUNT(DISTINCT doc) FROM m GROUP BY surface, lang "
            "ORDER BY n DESC, surface, lang")
        for surface, lang, n, docs in keys:
            rows = self.con.execute("SELECT type, status, gid, canonical, cands FROM m "
                                    "WHERE surface = ? AND lang = ? ORDER BY rowid", (surface, lang))
            context = self.con.execute("SELECT ctx_before, ctx_name, ctx_after FROM ex WHERE surface = ? AND lang = ?",
                                       (surface, lang)).fetchone()
            yield _group(surface, lang, n, docs, rows, context)

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


def _group(surface: str, lang: str, count: int, docs: int, rows: Iterable[tuple],
           context: tuple[str, str, str]) -> ReviewGroup:
    """Fold one group's rows (type, status, gazetteer id, canonical, candidates JSON) into a ReviewGroup."""
    types: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    linked: Counter[str] = Counter()
    canonical_of: dict[str, str] = {}  # first canonical seen per linked id
    best: dict[str, Candidate] = {}
    for type_, status, gid, canonical, cands in rows:
        types[type_] += 1
        statuses[status] += 1
        if gid:
            linked[gid] += 1
            if canonical and gid not in canonical_of:
                canonical_of[gid] = canonical
        for cid, ccanon, score in json.loads(cands) if cands else ():
            if cid not in best or score > best[cid].score:
                best[cid] = Candidate(cid, ccanon, score)
    cands_sorted = sorted(best.values(), key=lambda c: (-c.score, c.gazetteer_id))[:MAX_CANDIDATES]
    proposed_id = proposed_canonical = None
    if linked:
        proposed_id = sorted(linked.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        proposed_canonical = canonical_of.get(proposed_id) or (
            best[proposed_id].canonical if proposed_id in best else None)
    elif cands_sorted:
        proposed_id, proposed_canonical = cands_sorted[0].gazetteer_id, cands_sorted[0].canonical
    return ReviewGroup(
        surface=surface, lang=lang, type=sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))[0][0],
        count=count, statuses=dict(statuses), proposed_id=proposed_id, proposed_canonical=proposed_canonical,
        candidates=cands_sorted, docs=docs, context_parts=tuple(context))


def review_groups(records: Iterable[Record]) -> list[ReviewGroup]:
    """Group undecided mentions by (surface, lang), most frequent first."""
    with ReviewSpool() as spool:
        for i, rec in enumerate(records):
            spool.add(i, rec)
        return list(spool.groups())


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


def write_review_csv(records: Iterable[Record], path: Path) -> int:
    """Write one row per (surface, lang) needing a decision; returns the row count.

    UTF-8 with BOM because Excel otherwise guesses a legacy code page and mangles Cyrillic.
    """
    return write_review_groups(review_groups(records), path)


def write_review_groups(groups: Iterable[ReviewGroup], path: Path) -> int:
    """write_review_csv for groups already computed or streamed from a ReviewSpool; returns the row count."""
    n = 0
    with atomic_open(Path(path), encoding="utf-8-sig", errors="replace", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(CSV_COLUMNS)
        for g in groups:
            n += 1
            w.writerow([neutralise_cell(v) for v in (
                g.surface, g.lang, g.type, g.count, g.example_context, g.proposed_id or "",
                g.proposed_canonical or "",
                "; ".join(f"{c.gazetteer_id}={c.score:.2f}" for c in g.candidates), "",
            )])
    return n
