"""A second blocking key for the fuzzy pass: the consonant skeleton of a folded name.

The first block (the first three folded letters) never sees a spelling that differs early:
machine translation and typos swap P/B, V/W/F, G/H/Kh, D/T, Z/S and drop vowels ("Pakhmut"
for Bakhmut, "Zaporizhya", "Mykolaev"). The skeleton folds each of those consonant pairs to
one letter and drops the vowels, so such forms share a key: "pahmut" and "bahmut" are both
"pkmt". Names whose skeleton differs by one dropped consonant meet through its deletion
neighbourhood (every skeleton minus one letter is indexed too). Candidates then pass a
rapidfuzz ratio; a match is always queued for review, never rewritten (match.link caps it).
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from transnorm.linking.derived import per_index

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index

# Folded letters (text/fold.py: upper-case letters are its digraph markers) -> skeleton letter.
_LATIN = {
    "b": "p", "p": "p", "v": "f", "f": "f", "w": "f", "g": "k", "h": "k", "k": "k", "q": "k",
    "d": "t", "t": "t", "z": "s", "s": "s", "c": "s", "x": "ks", "Z": "S", "S": "S", "C": "S", "Š": "S",
    "l": "l", "r": "r", "m": "m", "n": "n",
}
_CYRILLIC = {
    "б": "p", "п": "p", "в": "f", "ф": "f", "г": "k", "х": "k", "к": "k", "д": "t", "т": "t",
    "з": "s", "с": "s", "ц": "s", "ж": "S", "ш": "S", "ч": "S", "щ": "S", "л": "l", "р": "r", "м": "m",
    "н": "n",
}
MIN_SKELETON = 3  # shorter skeletons ("Lviv" -> lf) would meet far too many names
MIN_RATIO = 80  # rapidfuzz ratio of the folded keys a candidate with the same skeleton needs
MIN_RATIO_DELETION = 88  # ... and one that only meets it with a consonant dropped


def skeleton(key: str) -> str:
    """The consonant skeleton of a folded key: 'bahmut' -> 'pkmt', 'бахмут' -> 'Cpkmt'.

    Cyrillic skeletons carry a 'C' prefix so the two scripts never meet (their folded keys
    are not comparable anyway)."""
    cyr = any("\u0400" <= c <= "\u04ff" for c in key)
    table = _CYRILLIC if cyr else _LATIN
    out: list[str] = []
    for ch in key:
        if ch == " ":
            out.append(" ")
            continue
        s = table.get(ch)
        if s and (not out or out[-1] != s):
            out.append(s)
    sk = "".join(out).strip()
    return ("C" + sk) if cyr and sk else sk


def _deletions(sk: str) -> set[str]:
    body = sk[1:] if sk.startswith("C") else sk
    pre = "C" if sk.startswith("C") else ""
    return {pre + body[:i] + body[i + 1:] for i in range(len(body)) if body[i] != " "}


def _blocks(index: "Index") -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for keys in index.blocks.values():
        for k in keys:
            sk = skeleton(k)
            if len(sk.replace(" ", "").lstrip("C")) < MIN_SKELETON:
                continue
            out[sk].append(k)
            for d in _deletions(sk):
                out[d].append(k)
    return dict(out)


def phonetic_blocks(index: "Index") -> dict[str, list[str]]:
    """Skeleton (and each skeleton minus one letter) -> the fuzzy-eligible keys having it."""
    return per_index(index, "phonetic", _blocks)


def candidates(key: str, index: "Index") -> list[tuple[str, int]]:
    """Fuzzy-eligible index keys sharing `key`'s skeleton, with the ratio each needs: MIN_RATIO
    for the same skeleton, MIN_RATIO_DELETION for one consonant dropped on either side.
    Memoised per index (names recur across documents)."""
    memo = per_index(index, "phonetic-candidates", lambda _i: {})
    got = memo.get(key)
    if got is None:
        if len(memo) > 100_000:
            memo.clear()
        got = memo[key] = _candidates(key, index)
    return got


def _candidates(key: str, index: "Index") -> list[tuple[str, int]]:
    sk = skeleton(key)
    if len(sk.replace(" ", "").lstrip("C")) < MIN_SKELETON:
        return []
    blocks = phonetic_blocks(index)
    seen: dict[str, int] = {}
    for k in blocks.get(sk, ()):
        if skeleton(k) == sk:
            seen[k] = MIN_RATIO
    for q in (sk, *_deletions(sk)):
        for k in blocks.get(q, ()):
            if k.count(" ") == key.count(" "):
                seen.setdefault(k, MIN_RATIO_DELETION)
    return list(seen.items())


PERSON_SOUND_RATIO = 70  # rapidfuzz ratio of the folded full names, on top of the same skeleton


def _person_sounds(index: "Index") -> dict[str, list[tuple[int, str]]]:
    from transnorm.linking.derived import listed_people
    from transnorm.text.fold import fold_name, is_cyrillic

    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pos, e in listed_people(index):
        for name, _lang, _tag in e.names():
            if " " in name.strip() and is_cyrillic(name):
                k = fold_name(name)
                out[skeleton(k)].append((pos, k))
    return dict(out)


def listed_person_by_sound(key: str, index: "Index") -> int | None:
    """The one listed person whose Cyrillic full name has the skeleton of `key` (a folded
    nominative first name + surname) and is close to it: foreign names are transcribed into
    Cyrillic in several ways ("Каролин Левитт" is the listed "Кэролайн Ливитт")."""
    from rapidfuzz import fuzz

    got = per_index(index, "person-sounds", _person_sounds).get(skeleton(key), ())
    found = {pos for pos, k in got if fuzz.ratio(k, key) >= PERSON_SOUND_RATIO}
    return next(iter(found)) if len(found) == 1 else None


# ------------------------------------------------------------------ any settlement, once a cue says "place"
#: countries whose small settlements English news writes in garbled MT spellings
SETTLEMENT_COUNTRIES = ("UA", "RU")
SETTLEMENT_RATIO = 85  # a cue already says "a settlement": the folded names must still be this close


def _settlement_skeletons(index: "Index") -> dict[str, tuple[str, ...]]:
    from transnorm.gazetteer.entries import SETTLEMENT_KINDS
    from transnorm.text.fold import fold_name, is_cyrillic

    out: dict[str, set[str]] = defaultdict(set)
    for e in index.entries:
        if e.type != "place" or e.kind not in SETTLEMENT_KINDS or e.country not in SETTLEMENT_COUNTRIES:
            continue
        for name, _lang, _tag in e.names():
            if not is_cyrillic(name):
                k = fold_name(name)
                sk = skeleton(k)
                if len(sk.replace(" ", "")) >= MIN_SKELETON:
                    out[sk].add(k)
    return {sk: tuple(sorted(ks)) for sk, ks in out.items()}


def settlement_skeletons(index: "Index") -> dict[str, tuple[str, ...]]:
    """Skeleton -> the folded Latin names of every Ukrainian and Russian settlement having it,
    however small (GeoNames villages included). Made once per index and stored beside it: the
    pass over 48,000 entries takes over a second."""
    from transnorm.gazetteer.digests import make_digest
    from transnorm.gazetteer.sidecar import load_or_make

    tag = "settlement-skeletons"
    return per_index(index, tag, lambda i: load_or_make(
        i, tag, make_digest(tag, i.digest, code=("linking/phonetic.py",)), lambda: _settlement_skeletons(i)))


def near_settlements(key: str, index: "Index") -> list[tuple[str, float]]:
    """Folded settlement names close to `key`, a Latin name a cue already calls a settlement
    ("the village of Barvinkova", "Strileche, Liptsia and Vovchansk"): the same skeleton and a
    ratio of SETTLEMENT_RATIO, or the skeleton less one consonant of `key` ("Dergachiv" for
    Dergachi) and MIN_RATIO_DELETION. Best first, with the ratio (0-1)."""
    from rapidfuzz import fuzz, process

    sk = skeleton(key)
    if len(sk.replace(" ", "").lstrip("C")) < MIN_SKELETON or sk.startswith("C"):
        return []
    table = settlement_skeletons(index)
    need = {k: SETTLEMENT_RATIO for k in table.get(sk, ())}
    for d in _deletions(sk):
        for k in table.get(d, ()):
            need.setdefault(k, MIN_RATIO_DELETION)
    if not need:
        return []
    found = process.extract(key, list(need), scorer=fuzz.ratio, limit=5, score_cutoff=SETTLEMENT_RATIO)
    return [(k, s / 100) for k, s, _ in found if s >= need[k] and same_but_ending(key, k)]


ENDING_SLACK = 2  # letters at the end two spellings of one settlement may differ in


def same_but_ending(a: str, b: str) -> bool:
    """Do two folded names differ only in their last letters? MT and case forms change a name's
    ending ("Barvinkova", "Strileche", "Bilopil", "Dergachiv"); a different stem is another village
    however close ("Dibrovne" is not Dibrivne, "Klishchiivka" not Kliusivka: -ivka is half of
    every ratio)."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= min(len(a), len(b)) - ENDING_SLACK
