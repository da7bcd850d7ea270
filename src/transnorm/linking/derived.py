"""Tables derived from a loaded index (and from name data in libraries), built on first use.

The open-world passes need a few lookups the compiled index does not hold: which words are
first names, how Russian first names are spelt in English, which Ukrainian place names a
Russian spelling meets through the cross-language key, and the phonetic blocks of the fuzzy
pass. They are data, not hand lists: the lexicon, the curated people files, gender-guesser's
first-name dictionary and shevchenko's Ukrainian given names. Each table is built once per
index object (memoised like keys.index_vocab) and costs nothing until a document needs it; the
two that cost most to build are stored beside the index for the next process (stored()).
"""
from __future__ import annotations

import json
import threading
import unicodedata
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

from transnorm.once import loaded_once
from transnorm.text.crosslang import cross_keys
from transnorm.text.fold import fold, fold_name, is_cyrillic

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.entries import Entry
    from transnorm.gazetteer.index import Index
    from transnorm.text.foreign import NameReader

T = TypeVar("T")
_memo: dict[tuple[int, str], tuple[weakref.ref, object]] = {}
_lock = threading.Lock()
PERSON_ID_PREFIX = "person-"
SLAVIC_COUNTRIES = frozenset({"UA", "RU", "BY"})  # whose people's Cyrillic first names are Slavic ones


def per_index(index: "Index", tag: str, build: Callable[["Index"], T]) -> T:
    """build(index), once per index object and tag (dropped when the index is)."""
    key = (id(index), tag)
    got = _memo.get(key)
    if got is not None and got[0]() is index:
        return got[1]  # type: ignore[return-value]
    with _lock:
        got = _memo.get(key)
        if got is not None and got[0]() is index:
            return got[1]  # type: ignore[return-value]
        value = build(index)
        try:
            ref = weakref.ref(index, lambda _r, k=key: _memo.pop(k, None))
        except TypeError:  # pragma: no cover - not weak-referenceable: do not memoise
            return value
        _memo[key] = (ref, value)
        return value


def guesser_first_names(index: "Index") -> frozenset[str]:
    """First names of gender-guesser's dictionary, lower case as written (about 48,000 from many
    countries: Wojciech, Bence, Luminița). Not folded: folding them all costs seconds. Parsing the
    dictionary costs half a second, so the set is stored beside the index (gazetteer/sidecar.py)."""
    return per_index(index, "guesser", lambda i: stored(i, "guesser", _guesser_first_names,
                                                       _package_version("gender-guesser")))


def _guesser_first_names() -> frozenset[str]:
    import gender_guesser.detector as gd

    det = gd.Detector(case_sensitive=False)
    west = det.COUNTRIES.index("israel") + 1  # columns of Europe, the Americas' sources and the Near East
    names = [n for n, freq in det.names.items()
             if len(n) > 2 and any(f[:west].strip() for f in freq.values())]
    # (East Asian romanised names are left out: "The", "In", "To", "So" are English words first)
    return frozenset(names) | frozenset(plain_ascii(n) for n in names if not n.isascii() and len(n) > 3)


FOREIGN_NAMES_FILE = "rules/foreign-names.yaml"


def foreign_name_reader(index: "Index") -> "NameReader | None":
    """Reads foreign first names written in Cyrillic back into gender-guesser's names (text/foreign.py),
    by the table in the index's gazetteer folder (None: no such table). Made once per index: the
    classifier asks for every capitalised word the dictionary lacks."""
    return per_index(index, "foreign-reader", _foreign_name_reader)


def _foreign_name_reader(index: "Index") -> "NameReader | None":
    from transnorm.text.foreign import NameReader, load_scheme

    folder = index.info.get("folder")
    path = Path(folder) / FOREIGN_NAMES_FILE if folder else None
    if path is None or not path.exists():
        return None
    counts = stored(index, "guesser-counts", _guesser_counts, _package_version("gender-guesser"))
    return NameReader(load_scheme(path), counts)


def _guesser_counts() -> dict[str, int]:
    """gender-guesser's ASCII first names -> how common (its per-country frequency digits summed)."""
    import gender_guesser.detector as gd

    det = gd.Detector(case_sensitive=False)
    return {n: sum(int(c, 16) for f in freq.values() for c in f if c in HEX)
            for n, freq in det.names.items() if n.isascii() and n.isalpha() and len(n) > 2}


HEX = frozenset("0123456789abcdefABCDEF")


def stored(index: "Index", tag: str, make: Callable[[], T], *inputs: str) -> T:
    """make(), stored beside the index under a key of the index digest, this module's code and
    `inputs` (the versions of the data it reads), so a later process loads it."""
    from transnorm.gazetteer.digests import make_digest
    from transnorm.gazetteer.sidecar import load_or_make

    return load_or_make(index, tag, make_digest(tag, index.digest, *inputs, code=("linking/derived.py",)), make)


def _package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return "-"


def plain_ascii(word: str) -> str:
    """Diacritics dropped (Luminița -> luminita), lower case."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


@loaded_once(1)
def ukrainian_given_names() -> dict[str, str]:
    """shevchenko's Ukrainian given names (folded) -> 'masculine' | 'feminine'."""
    import shevchenko

    path = Path(shevchenko.__file__).parent / "data" / "given-names.json"  # the library's own dictionary
    names = json.loads(path.read_text(encoding="utf-8"))
    return {fold(n): g for n, g in names.items()}


@loaded_once(1)
def ukrainian_given_latin() -> frozenset[str]:
    """shevchenko's given names in KMU 2010, folded: Ustyna, Kateryna, Hryhorii."""
    from transnorm.text.translit import propose_english

    return frozenset(fold(propose_english(n, "uk")) for n in ukrainian_given_names())


@dataclass
class PeopleNames:
    """What the curated people files say about names."""

    first_latin: set[str] = field(default_factory=set)  # folded first words of Latin full names
    first_cyrillic: set[str] = field(default_factory=set)  # folded first words of Cyrillic full names
    ru_first_en: dict[str, str] = field(default_factory=dict)  # folded Russian first name -> English form
    ua_first_en: dict[str, str] = field(default_factory=dict)  # folded Russian first name -> a Ukrainian's
    uk_ru_first_en: dict[str, str] = field(default_factory=dict)  # folded Ukrainian first name -> a Russian's
    surnames: dict[str, list[int]] = field(default_factory=dict)  # folded last word -> entry positions


def listed_people(index: "Index") -> Iterator[tuple[int, "Entry"]]:
    """(position, entry) of every person of the people files (not the ids they absorbed)."""
    for gid, pos in index.by_id.items():
        if not gid.startswith(PERSON_ID_PREFIX):
            continue
        e = index.entries[pos]
        if e.type == "person" and e.id == gid:
            yield pos, e


def _people_names(index: "Index") -> PeopleNames:
    out = PeopleNames()
    votes: dict[str, Counter] = defaultdict(Counter)
    ua_votes: dict[str, Counter] = defaultdict(Counter)
    uk_ru_votes: dict[str, Counter] = defaultdict(Counter)  # Олександр -> Alexander (a Russian in Ukrainian text)
    surnames: dict[str, list[int]] = defaultdict(list)
    for pos, e in listed_people(index):
        en_first = e.canonical.split()[0] if " " in e.canonical else None
        for name, lang, _tag in e.names():
            words = name.split()
            if len(words) < 2:
                continue
            first = fold(words[0])
            if is_cyrillic(name):
                if e.country in SLAVIC_COUNTRIES:
                    out.first_cyrillic.add(first)
                if lang == "ru" and en_first and e.country == "RU":  # Belarusians: Aliaksandr
                    votes[first][en_first] += 1
                elif lang == "ru" and en_first and e.country == "UA":
                    ua_votes[first][en_first] += 1
                elif lang == "uk" and en_first and e.country == "RU":
                    uk_ru_votes[first][en_first] += 1
            else:
                out.first_latin.add(first)
            last = fold(words[-1])
            if pos not in surnames[last]:
                surnames[last].append(pos)
    out.ru_first_en = _spellings(votes)
    out.ua_first_en = _spellings(ua_votes)
    out.uk_ru_first_en = _spellings(uk_ru_votes, "uk")
    out.first_latin |= ukrainian_given_latin()
    out.surnames = dict(surnames)
    return out


SPELLING_SIMILAR = 60  # rapidfuzz ratio: Андрей/Andrei (a spelling); Александра/Sasha is a nickname


def _spellings(votes: dict[str, Counter], lang: str = "ru") -> dict[str, str]:
    """The English spelling most people files give a Cyrillic first name, nicknames left out."""
    from rapidfuzz import fuzz

    from transnorm.text.translit import propose_english

    out = {}
    for k, c in votes.items():
        plain = fold(propose_english(k, lang))
        for en, _n in c.most_common():
            if fuzz.ratio(plain, fold(en)) >= SPELLING_SIMILAR:
                out[k] = en
                break
    return out


def people_names(index: "Index") -> PeopleNames:
    """Built from the people entries (half a second), stored beside the index (stored())."""
    return per_index(index, "people", lambda i: stored(i, "people", lambda: _people_names(i),
                                                      _package_version("shevchenko-py")))


def _cross_map(index: "Index") -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for k in index.keys:
        if k and "\u0400" <= k[0] <= "\u04ff":
            for ck in cross_keys(k):
                out[ck].append(k)
    return dict(out)


def cross_map(index: "Index") -> dict[str, list[str]]:
    """Cross-language key -> the Cyrillic index keys that have it (Богданівка, Богдановка...)."""
    return per_index(index, "cross", _cross_map)


def is_first_name_key(key: str, index: "Index", latin_ok: bool = True, written: str | None = None) -> bool:
    """Is a folded word a first name by the data (lexicon, people files, name dictionaries)?
    `written`: the word as written, looked up in gender-guesser's (unfolded) dictionary."""
    lex = index.lexicon
    if key in lex.given_names:
        return True
    if key in lex.stopwords or key in lex.common_words:
        return False
    names = people_names(index)
    if key in names.first_latin or key in names.first_cyrillic:
        return True
    if key and "\u0400" <= key[0] <= "\u04ff":
        return key in ukrainian_given_names()
    if not latin_ok or written is None:
        return False
    names = guesser_first_names(index)
    return written.lower() in names or plain_ascii(written) in names


def slavic_first_name(given: str, index: "Index") -> bool:
    """A first name the Ukrainian name dictionary, the people files or the lexicon know."""
    gk = fold(given.split()[0])
    return gk in ukrainian_given_names() or gk in people_names(index).first_cyrillic or gk in index.lexicon.given_names


def fold_words(name: str) -> list[str]:
    return fold_name(name).split()


def entry_surnames(index: "Index", gid: str) -> frozenset[str]:
    """Folded last words of an entry's full names (memoised per index)."""
    table = per_index(index, "entry-surnames", lambda _i: {})
    got = table.get(gid)
    if got is None:
        entry = index.get(gid)
        got = table[gid] = frozenset(fold_name(n).rsplit(" ", 1)[-1] for n, _, _ in entry.names() if " " in n) \
            if entry is not None else frozenset()
    return got


def listed_with_surname(index: "Index", surname_key: str) -> list[int]:
    return people_names(index).surnames.get(surname_key, [])


def warm_tables(index: "Index") -> None:
    """Make (or load) the tables stored beside the index now: the adjective table, the people
    files' names, gender-guesser's first names. `transnorm gazetteer build` and a run's
    prepare step call it, so no document waits for them, and worker processes started later
    only load them."""
    from transnorm.gazetteer.adjectives import table_for

    table_for(index)
    people_names(index)
    guesser_first_names(index)
