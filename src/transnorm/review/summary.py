"""Run statistics, gathered while records stream past (never the whole corpus in memory)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from transnorm.records import Record

SNIPPET = 50  # characters of context either side of a mention


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
    context: str  # the sentence around it, mention marked with [[ ]]


@dataclass
class Stats:
    documents: int = 0
    by_lang: Counter = field(default_factory=Counter)
    by_doc_status: Counter = field(default_factory=Counter)  # ok, warning, error
    mentions_by_method: Counter = field(default_factory=Counter)
    mentions_by_status: Counter = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, message): the first max_errors
    errors_total: int = 0
    settled_by_overrides: int = 0  # mentions decided by an earlier review (overrides.yaml)
    changes: list[Change] = field(default_factory=list)  # the first max_changes
    changes_total: int = 0
    # Lists stop growing at these sizes, so a huge run keeps flat memory; counts stay exact.
    max_changes: int = 5000
    max_errors: int = 1000

    def add(self, rec: Record) -> None:
        self.documents += 1
        self.by_lang[rec.lang or "unreadable"] += 1
        self.by_doc_status["error" if rec.errors else "warning" if rec.warnings else "ok"] += 1
        self.errors_total += len(rec.errors)
        self.errors.extend((rec.source, msg) for msg in rec.errors[:max(0, self.max_errors - len(self.errors))])
        for e in rec.entities:
            self.settled_by_overrides += e.method == "override"
            self.mentions_by_method[e.method] += 1
            self.mentions_by_status[e.status] += 1
            changed = e.status != "auto" or (e.canonical is not None and e.surface != e.canonical)
            self.changes_total += changed
            if changed and len(self.changes) < self.max_changes:
                self.changes.append(Change(rec.id, e.surface, e.canonical, e.gazetteer_id, e.score,
                                           e.method, e.status, context(rec.text, e.start, e.end)))


def context(text: str, start: int, end: int, width: int = SNIPPET) -> str:
    """A one-line snippet around text[start:end] with the mention marked as [[...]]."""
    a, b = max(0, start - width), min(len(text), end + width)
    s = f"{'…' if a else ''}{text[a:start]}[[{text[start:end]}]]{text[end:b]}{'…' if b < len(text) else ''}"
    return " ".join(s.split())
