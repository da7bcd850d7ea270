"""What the reports count, defined once: mentions, the English side, document status.

A mention is a name found in the source text (`Record.entities`): counted once, there.
`entities_en` holds the same names as text_en shows them (an English document's names after
rewriting, a translation's names aligned to their source) plus, in a translation, names the
English linker found that no source mention accounts for. The first are *renderings* of a
mention, never counted again; the second are *translation only*: shown, counted apart, never
queued (the reviewer decides on the source form). report.md, report.html, review.csv and the
Prefect artifacts all read these definitions, so their numbers agree.
"""
from __future__ import annotations

from collections import deque
from typing import Literal

from transnorm.records import Entity, Record

NEEDS_DECISION = ("review", "unresolved")
DOC_STATUSES = ("ok", "review", "warning", "error")  # worst last
EnglishRole = Literal["rendering", "translation only"]


def needs_decision(e: Entity) -> bool:
    """A source mention a person must decide: linked but unsure (review), or unknown (unresolved)."""
    return e.status in NEEDS_DECISION


def english_sources(rec: Record) -> list[int | None]:
    """For each of rec.entities_en, the position in rec.entities of the mention it renders, or None
    when it was found in the translation only.

    Aligned names pair, in order, with source mentions of the same entry; other English entities
    with source mentions of the same entry, method and type (an English document's names are its
    source mentions rewritten, in the same order)."""
    if not rec.entities_en:
        return []
    by_id: dict[str | None, deque[int]] = {}
    by_key: dict[tuple, deque[int]] = {}
    for i, e in enumerate(rec.entities):
        by_id.setdefault(e.gazetteer_id, deque()).append(i)
        by_key.setdefault((e.gazetteer_id, e.method, e.type), deque()).append(i)
    used = bytearray(len(rec.entities))  # a huge document has a million mentions: a byte each
    out: list[int | None] = []
    empty: deque[int] = deque()
    for e in rec.entities_en:
        queue = by_id.get(e.gazetteer_id, empty) if e.method == "aligned" and e.gazetteer_id else \
            by_key.get((e.gazetteer_id, e.method, e.type), empty)
        while queue and used[queue[0]]:
            queue.popleft()
        if queue:
            used[queue[0]] = 1
            out.append(queue.popleft())
        else:
            out.append(None)
    return out


def english_roles(rec: Record) -> list[EnglishRole]:
    """For each of rec.entities_en: a rendering of a source mention, or found in the translation only."""
    return ["translation only" if src is None else "rendering" for src in english_sources(rec)]


def doc_status(rec: Record, undecided: int) -> str:
    """One word per document, the same in every report: error, warning, review (names to decide), ok."""
    if rec.errors:
        return "error"
    if rec.warnings:
        return "warning"
    return "review" if undecided else "ok"
