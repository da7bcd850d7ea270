"""What a reviewer needs to know about each candidate of a queued name, looked up when a run is written.

Two entries called "Mykolaiv" look the same as ids; with kind, parent (oblast or country),
population and the name of the entry that matched the written form, a reviewer can tell them
apart without leaving the page. report.html embeds these facts (it works offline, with no
index at hand), report.md and the Prefect table show them as one line per candidate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from rapidfuzz import fuzz, process

from transnorm.gazetteer.overrides import GENERATED_ID_PREFIX
from transnorm.text.fold import fold_words, is_cyrillic

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index
    from transnorm.records import Candidate


@dataclass
class CandidateView:
    """One candidate entry of a queued name, as the reviewer sees it."""

    gazetteer_id: str
    canonical: str | None
    score: float | None = None  # None: the proposal itself, with no candidate score
    type: str | None = None
    kind: str | None = None
    parent: str | None = None  # the parent entry's canonical name (an oblast, a raion...)
    country: str | None = None
    population: int | None = None
    matched: str | None = None  # the entry's name closest to the written form
    generated: bool = False  # a name the pipeline proposed (gen:...), not a gazetteer entry
    known: bool = True  # found in the gazetteer (False: an id the current gazetteer lacks)

    def describe(self) -> str:
        """One line: 'Mykolaiv (city, Mykolaiv Oblast, UA, pop. 470,011)'."""
        bits = [b for b in (self.kind, self.parent, self.country) if b]
        if self.population:
            bits.append(f"pop. {self.population:,}")
        if self.generated:
            bits.append("proposed, not in the gazetteer")
        elif not self.known:
            bits.append("not in the current gazetteer")
        name = self.canonical or self.gazetteer_id
        return f"{name} ({', '.join(bits)})" if bits else name

    def to_json(self) -> dict:
        return {"id": self.gazetteer_id, "canonical": self.canonical,
                "score": None if self.score is None else round(self.score, 3), "type": self.type,
                "kind": self.kind, "parent": self.parent, "country": self.country,
                "population": self.population, "matched": self.matched, "generated": self.generated,
                "known": self.known}


def _closest_name(surface: str, names: Iterable[str]) -> str | None:
    """The entry's name most like the written form (same script), compared on folded keys."""
    cyr = is_cyrillic(surface)
    pool = list(dict.fromkeys(n for n in names if is_cyrillic(n) == cyr))
    if not pool:
        return None
    got = process.extractOne(fold_words(surface), [fold_words(n) for n in pool], scorer=fuzz.ratio)
    return pool[got[2]] if got else None


def candidate_views(surface: str, kind: str | None, proposed_id: str | None, proposed_canonical: str | None,
                    candidates: list["Candidate"], index: "Index | None", limit: int,
                    matched: bool = True) -> list[CandidateView]:
    """The proposal first, then the other candidates, each with what the index knows of it
    (`matched`: also the entry's name closest to the written form, the costly part)."""
    ids: list[tuple[str, str | None, float | None]] = []
    if proposed_id:
        score = next((c.score for c in candidates if c.gazetteer_id == proposed_id), None)
        ids.append((proposed_id, proposed_canonical, score))
    ids += [(c.gazetteer_id, c.canonical, c.score) for c in candidates if c.gazetteer_id != proposed_id]
    out = []
    for gid, canonical, score in ids[:limit]:
        if gid.startswith(GENERATED_ID_PREFIX):
            out.append(CandidateView(gid, canonical, score, type=gid.split(":")[1] if gid.count(":") >= 2 else None,
                                     kind=kind, generated=True, known=False))
            continue
        e = index.get(gid) if index is not None else None
        if e is None:
            out.append(CandidateView(gid, canonical, score, known=index is None))
            continue
        parent = index.get(e.parent) if e.parent else None
        out.append(CandidateView(
            gid, e.canonical, score, type=e.type, kind=e.kind, parent=parent.canonical if parent else None,
            country=e.country, population=e.population or None,
            matched=_closest_name(surface, (n for n, _, _ in e.names())) if matched else None))
    return out
