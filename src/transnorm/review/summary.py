"""Run statistics, gathered while records stream past (never the whole corpus in memory).

One Stats object counts a run for every report: report.md, report.html and the Prefect
artifacts read the same numbers, counted by the definitions in review/mentions.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from transnorm.records import Entity, Record
from transnorm.review.mentions import doc_status, english_sources, needs_decision

SNIPPET = 50  # characters of context either side of a mention
WARNING_EXAMPLES = 3  # document ids kept per kind of warning


@dataclass
class Change:
    """One rewritten or queued mention, for the report's table of changes."""

    doc_id: str
    surface: str
    canonical: str | None
    gazetteer_id: str | None
    score: float
    method: str
    status: str
    context: tuple[str, str, str]  # (before, mention, after), one line
    english: str | None = None  # how text_en shows it (None: no English text, or not found in it)


@dataclass
class DocCounts:
    """What Stats.add found in one record (the HTML report embeds it per document)."""

    mentions: int
    undecided: int
    status: str


@dataclass
class WarningKind:
    """Documents with the same warning (numbers and quoted names aside)."""

    example: str
    documents: int = 0
    doc_ids: list[str] = field(default_factory=list)


@dataclass
class Stats:
    documents: int = 0
    mentions: int = 0  # source mentions (each name counted once, where it was found)
    undecided: int = 0  # mentions with status review or unresolved
    by_lang: Counter = field(default_factory=Counter)
    by_doc_status: Counter = field(default_factory=Counter)  # ok, review, warning, error (mentions.doc_status)
    by_lang_status: Counter = field(default_factory=Counter)  # (language, document status)
    by_method_status: Counter = field(default_factory=Counter)  # (method, status) of mentions
    linked: Counter = field(default_factory=Counter)  # method of mentions linked auto
    english: Counter = field(default_factory=Counter)  # English-side names: rendering, translation only
    warnings: dict[str, WarningKind] = field(default_factory=dict)
    warnings_total: int = 0  # documents with a warning
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, message): the first max_errors
    errors_total: int = 0
    settled_by_overrides: int = 0  # mentions decided by an earlier review: an accepted form, an entry it made
    no_english: Counter = field(default_factory=Counter)  # readable documents without text_en, by language
    changes: list[Change] = field(default_factory=list)  # the first max_changes
    changes_total: int = 0
    # Lists stop growing at these sizes, so a huge run keeps flat memory; counts stay exact.
    max_changes: int = 5000
    max_errors: int = 1000
    max_warning_kinds: int = 200

    @property
    def mentions_by_method(self) -> Counter:
        out: Counter = Counter()
        for (method, _), n in self.by_method_status.items():
            out[method] += n
        return out

    @property
    def mentions_by_status(self) -> Counter:
        out: Counter = Counter()
        for (_, status), n in self.by_method_status.items():
            out[status] += n
        return out

    def add(self, rec: Record, sources: list[int | None] | None = None) -> DocCounts:
        """Count the next record. `sources`: english_sources(rec), when the caller has it already."""
        undecided = 0
        room = self.max_changes - len(self.changes)  # English forms are kept for listed changes only
        rendering: dict[int, str] = {}
        for en, src in zip(rec.entities_en, english_sources(rec) if sources is None else sources):
            self.english["rendering" if src is not None else "translation only"] += 1
            if src is not None and len(rendering) < room and _changed(rec.entities[src]):
                rendering[src] = en.surface
        for i, e in enumerate(rec.entities):
            undecided += needs_decision(e)
            self.settled_by_overrides += e.method == "override" or (e.gazetteer_id or "").startswith("review-")
            self.by_method_status[(e.method, e.status)] += 1
            if e.status == "auto" and e.gazetteer_id:
                self.linked[e.method] += 1
            changed = _changed(e)
            self.changes_total += changed
            if changed and len(self.changes) < self.max_changes:
                self.changes.append(Change(rec.id, e.surface, e.canonical, e.gazetteer_id, e.score, e.method,
                                           e.status, context(rec.text, e.start, e.end), rendering.get(i)))
        status = doc_status(rec, undecided)
        lang = rec.lang or "und"
        self.documents += 1
        self.mentions += len(rec.entities)
        self.undecided += undecided
        self.by_lang[lang] += 1
        self.by_doc_status[status] += 1
        self.by_lang_status[(lang, status)] += 1
        self.errors_total += len(rec.errors)
        if rec.text_en is None and not rec.errors:
            self.no_english[rec.lang or "other"] += 1
        self.errors.extend((rec.source, msg) for msg in rec.errors[:max(0, self.max_errors - len(self.errors))])
        self.warnings_total += bool(rec.warnings)
        for msg in dict.fromkeys(rec.warnings):
            self._warn(msg, rec.id)
        return DocCounts(len(rec.entities), undecided, status)

    def _warn(self, msg: str, doc_id: str) -> None:
        key = re.sub(r"\d+", "N", re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\)", "…", msg))
        kind = self.warnings.get(key)
        if kind is None:
            if len(self.warnings) >= self.max_warning_kinds:
                key = "(other warnings)"
                kind = self.warnings.setdefault(key, WarningKind("other warnings"))
            else:
                kind = self.warnings[key] = WarningKind(msg)
        kind.documents += 1
        if len(kind.doc_ids) < WARNING_EXAMPLES:
            kind.doc_ids.append(doc_id)


def _changed(e: Entity) -> bool:
    """A mention report.md lists: rewritten to another spelling, or not linked for sure."""
    return e.status != "auto" or (e.canonical is not None and e.surface != e.canonical)


def context(text: str, start: int, end: int, width: int = SNIPPET) -> tuple[str, str, str]:
    """(before, mention, after) around text[start:end], whitespace collapsed, cut with an ellipsis."""
    a, b = max(0, start - width), min(len(text), end + width)
    squash = lambda s: " ".join(s.split())  # noqa: E731
    before = ("…" if a else "") + text[a:start]
    after = text[end:b] + ("…" if b < len(text) else "")
    return (squash(before) + (" " if before[-1:].isspace() else ""), squash(text[start:end]),
            (" " if after[:1].isspace() else "") + squash(after))
