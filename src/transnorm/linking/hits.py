"""A candidate span (Hit) and the token tests every linking pass shares.

Capitalised, sentence-initial, inside a Title Case headline: where a word stands says how
likely it is to be a name rather than a common word written with a capital.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from transnorm.gazetteer.adjectives import rules_for
from transnorm.gazetteer.index import NameRef
from transnorm.records import Candidate
from transnorm.text.fold import Token

SENTENCE_OPENERS = set('.!?:;"“”«»(\n#*>•—–-')
#: English demonyms and adjectives of places ("Galician", "Norwegians", "Chinese", "Polish"): a near
#: miss of the place's name, never a mention of the place.
DEMONYM_RE = re.compile(r"(?:ians?|eans?|ese|ish)$")
#: ... and the Ukrainian and Russian names of a town's people ("Житомиряни", "кияни", "харьковчане",
#: "киянин"), which a fuzzy pass would take for the town
CYR_DEMONYM_RE = re.compile(r"(?:[яа]ни|[яа]не|[яа]нин)$")


def demonym_shaped(tok: Token) -> bool:
    low = tok.text.lower()
    return bool(DEMONYM_RE.search(low)) if tok.text.isascii() else bool(CYR_DEMONYM_RE.search(low))


@dataclass
class Hit:
    start_tok: int
    end_tok: int  # exclusive
    refs: dict[int, NameRef]  # entry index -> best ref
    method: str
    base: float = 1.0
    candidates: list[Candidate] = field(default_factory=list)
    methods: dict[int, str] = field(default_factory=dict)  # entries found by another reading than `method`
    cap: float = 1.0  # the highest score this mention may get (stop-layer words: below auto)


SOFT_BREAK_RE = re.compile(r"[ \t]*\r?\n[ \t]*")
APOSTROPHES = frozenset("'’ʼ")


def continues_name(text: str, tokens: list[Token], k: int) -> bool:
    """May token k continue a gazetteer name begun before it? Joined words do, and for the exact
    scan also a word after one line break (text wrapped mid-name: "Kiev\nregion") and the "s"
    of a possessive inside a name ("Donetsk People's Republic")."""
    t = tokens[k]
    if t.joined:
        return True
    gap = text[tokens[k - 1].end:t.start]
    return bool(SOFT_BREAK_RE.fullmatch(gap)) or (t.text == "s" and gap in APOSTROPHES)


def capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper()


def sentence_initial(text: str, tok: Token) -> bool:
    i = tok.start - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    return i < 0 or text[i] in SENTENCE_OPENERS


@lru_cache(maxsize=16)
def headline_lines(text: str) -> tuple[tuple[int, int], ...]:
    """Line spans written in Title Case (headlines): no unknown-name guesses there. (Cached:
    several passes ask for the same text.)"""
    return tuple(_headline_lines(text))


def _headline_lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        words = [w for w in line.split() if w[:1].isalpha()]
        if len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.6:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def best_refs(refs: dict[int, NameRef], scores: dict[int, float], index
              ) -> tuple[dict[int, NameRef], float, list[Candidate]]:
    """A near-miss pass's result: the references within 0.02 of the best score, that score, and
    every scored entry as a candidate, best first (fuzzy and phonetic passes share it)."""
    top = max(scores.values())
    kept = {e: r for e, r in refs.items() if scores[e] >= top - 0.02}
    cands = [Candidate(index.entries[e].id, index.entries[e].canonical, s)
             for e, s in sorted(scores.items(), key=lambda x: -x[1])]
    return kept, top, cands


OWN_PART_RATIO = 85  # what a unit's own name (its head word aside) must score: Dobrinsky ~ Dobropilsky is 80


def own_part_close(key: str, name: str, index, cutoff: float) -> bool:
    """Two unit names ending in the same head word ("Dobrinsky District", "Dobropillia district")
    must be close without it: the shared head inflates the ratio of names that differ."""
    a, b = key.rsplit(" ", 1), name.rsplit(" ", 1)
    if len(a) < 2 or len(b) < 2:
        return True
    rules = rules_for(index)
    head = rules.head_of(a[1]) if rules is not None else None
    if head is None or head != rules.head_of(b[1]):
        return True
    return fuzz.ratio(a[0], b[0]) >= max(cutoff, OWN_PART_RATIO)
