"""Foreign first names written in Cyrillic, read back into Latin letters: "Хесус" -> Jesus,
"Петера" -> Peter, "Джованні" -> Giovanni.

Russian and Ukrainian transcribe a foreign name by its sound, so letter-by-letter romanisation
gives "Khesus", "Dzhovanni". Here each letter may stand for any of the spellings it transcribes
(gazetteers/rules/foreign-names.yaml); a reading counts only when it spells a first name of a
dictionary of world names, and the search only follows spellings that begin such a name, so it
stays small. A tiny engine over a data table, as iuliia keeps its schemes.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Mapping

from transnorm.yamlio import load_yaml


@dataclass(frozen=True)
class ForeignScheme:
    letters: dict[str, tuple[str, ...]]  # Cyrillic letter or cluster -> Latin spellings, usual first
    endings: tuple[tuple[str, tuple[str, ...]], ...]  # case ending -> nominative endings, longest first
    longest: int  # letters in the longest cluster


@lru_cache(maxsize=4)
def load_scheme(path: Path) -> ForeignScheme:
    raw = load_yaml(path) or {}
    letters = {str(k): tuple(map(str, vs)) for k, vs in (raw.get("letters") or {}).items() if isinstance(vs, list)}
    endings = sorted(((str(k), tuple(map(str, vs))) for k, vs in (raw.get("endings") or {}).items()
                      if isinstance(vs, list)), key=lambda kv: -len(kv[0]))
    return ForeignScheme(letters, tuple(endings), max(map(len, letters), default=1))


#: Most unusual spellings a reading may use, and how common a name must be to use that many
#: (gender-guesser's country frequencies summed: Peter 143, Facundo 1, Didde 2).
MAX_COST = 2
COMMON = 10


class NameReader:
    """Reads Cyrillic words as first names of `names` (lower-case ASCII Latin name -> how common)."""

    def __init__(self, scheme: ForeignScheme, names: Mapping[str, int]):
        self.scheme = scheme
        self.names = {n: f for n, f in names.items() if n.isascii() and n.isalpha()}
        self.prefixes = frozenset(n[:i] for n in self.names for i in range(1, len(n) + 1))

    def read(self, word: str) -> tuple[str, str] | None:
        """(the nominative in Cyrillic, the Latin name) of a first name in any case, or None. Each
        letter's unusual spellings cost one each (their place in the table's list), as does undoing
        a case ending the less likely way; of the readings a name allows, the most common name wins."""
        best: tuple[int, int, str, str] | None = None
        for nominative, cost in self._nominatives(word.lower()):
            for latin, spent in self._spellings(nominative, 0, "", cost):
                if spent > 1 and self.names[latin] < COMMON:
                    continue
                key = (self.names[latin], -spent, nominative, latin)
                if best is None or key[:2] > best[:2]:
                    best = key
        return (best[2], best[3].capitalize()) if best else None

    def _nominatives(self, low: str) -> Iterator[tuple[str, int]]:
        yield low, 0
        for ending, instead in self.scheme.endings:
            if low.endswith(ending) and len(low) - len(ending) >= 2:
                for rank, new in enumerate(instead):
                    yield low[:len(low) - len(ending)] + new, rank

    def _spellings(self, word: str, i: int, latin: str, cost: int) -> Iterator[tuple[str, int]]:
        """(Latin spelling of word[i:] after `latin` that completes a known name, its cost)."""
        if cost > MAX_COST:
            return
        if i == len(word):
            if latin in self.names:
                yield latin, cost
            return
        for size in range(min(self.scheme.longest, len(word) - i), 0, -1):
            for rank, alt in enumerate(self.scheme.letters.get(word[i:i + size], ())):
                nxt = latin + alt
                if not nxt or nxt in self.prefixes:
                    yield from self._spellings(word, i + size, nxt, cost + rank)
