"""Compiling entries into lookup keys: every way of writing every entry, folded.

Generated spellings (transliterations of Cyrillic names, Turkish-through-Russian spellings,
region and "Palace of X" forms, a person's surname, lemma keys of inflected Cyrillic place
names) are derived here at build time, never stored in YAML. Review decisions become
`override` names; a key keeps the most authoritative tag per entry.
"""
from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Callable, Collection, Iterable

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.index import (
    GENERATED_SOURCES,
    TAG_RANK,
    EntryList,
    Index,
    LazyEntries,
    NameRef,
    pack_keys,
)
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.text.fold import fold_name, fold_words, is_cyrillic, letter_count
from transnorm.text.morph import name_keys

VariantFn = Callable[[str, str], Iterable[str]]
_TURKISH_RE = re.compile("[çÇşŞğĞıİöÖüÜâÂîÎûÛ]")




@contextmanager
def no_gc():
    """Building or loading millions of small containers: the cyclic GC only slows that down."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def give_back_memory() -> None:
    """Return freed heap pages to the system (glibc's malloc_trim), so a large structure deleted
    mid-build (44,000 decoded entries) stops counting in the build's resident memory while
    worker processes compile; a no-op where there is no glibc."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass






def default_variants(name: str, lang: str) -> set[str]:
    """Latin spellings of a Cyrillic or Turkish name, from the transliteration module."""
    try:
        from transnorm.text import translit
    except ImportError:  # pragma: no cover - translit ships with the package
        return set()
    if is_cyrillic(name):
        return translit.key_variants(name, lang)
    if lang == "tr":
        return set(translit.turkish_variants(name))
    return set()


def _region_forms(name: str, lex: Lexicon) -> set[str]:
    """'Kherson region' -> {'Kherson Oblast', 'Kherson province', ...}."""
    words = lex.region_words.get("en", [])
    parts = name.rsplit(" ", 1)
    if len(parts) == 2 and parts[1] in words:
        return {f"{parts[0]} {w}" for w in words} | {f"region of {parts[0]}"}
    return set()


def _of_forms(name: str, lex: Lexicon) -> set[str]:
    """'Çırağan Palace' -> {'Palace of Çırağan'}."""
    parts = name.rsplit(" ", 1)
    if len(parts) == 2 and parts[1] in lex.of_forms:
        return {f"{parts[1]} of {parts[0]}"}
    return set()


#: Countries whose places' Cyrillic names are worth transliterating: their names reach English
#: through Russian or Ukrainian. A Cyrillic name of São Paulo romanised back is noise.
CYRILLIC_COUNTRIES = frozenset({"UA", "RU", "BY", "KZ", "KG", "TJ", "UZ", "TM", "MD", "GE", "AM", "AZ", "BG",
                                "RS", "MK", "ME", "BA", "MN", "LT", "LV", "EE"})
FUZZY_MIN_POPULATION = 1_000_000  # generated places at least this big are candidates of the fuzzy pass


def variant_lang(e: Entry, written: str, lang: str) -> str:
    """Turkish names of Turkish places come back through Russian: give them Turkish variants."""
    if lang != "tr" and e.country == "TR" and not is_cyrillic(written) and _TURKISH_RE.search(written):
        return "tr"
    return lang


def compile_index(
    entries: list[Entry],
    lexicon: Lexicon,
    digest: str = "",
    variants: VariantFn = default_variants,
    accepted: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
    ignored: Iterable[str] = (),
    splits: Iterable[tuple[str, tuple[int, ...]]] = (),
    lemma_keys: bool = True,
    aliases: dict[str, str] | None = None,
    info: dict | None = None,
    stop_layer: frozenset[str] = frozenset(),
) -> Index:
    """Fold every name of every entry (plus generated spellings) into lookup keys.

    Generated spellings: transliterations of Cyrillic names (translit.latin_variants),
    Turkish-through-Russian spellings of Turkish ones, region and "Palace of X" forms, a
    person's surname, and (lemma_keys) the lemma keys of Cyrillic place names that their
    inflected forms in text reduce to (morph.with_lemma_keys).
    `accepted` (surface, entry id) pairs from review decisions become names with tag
    `override`; `rejected` pairs are kept so the matcher never links them; `ignored` surfaces
    (not a name) and `splits` (surface, word counts of its parts) are kept for the matcher as
    folded keys. `aliases` maps ids of entries absorbed by others (merge) to the absorbing id.
    """
    keys: dict[str, dict[tuple[int, bool], NameRef]] = defaultdict(dict)
    entries = entries if isinstance(entries, (EntryList, LazyEntries)) else EntryList(entries)
    by_id = {e.id: i for i, e in enumerate(entries)}
    for old, new in (aliases or {}).items():
        if new in by_id and old not in by_id:
            by_id[old] = by_id[new]
    stop = lexicon.stopwords
    blocked = stop | lexicon.common_words
    # One-word common words (Перемога, Дружба, Progress) that generated places are also called:
    # not linkable as they stand, only right after a settlement cue ("село Перемога").
    cue_words = {w for w in lexicon.common_words - lexicon.given_names - stop if " " not in w}
    cue_only: dict[str, dict[tuple[int, bool], NameRef]] = defaultdict(dict)
    generated = False  # is the entry being added from a generated layer?

    def add(i: int, written: str, tag: str, lang: str, short: bool) -> None:
        key = fold_words(written)
        if not key:
            return
        if generated and key in blocked:
            if key in cue_words and tag in ("canonical", "alias"):
                cue_only[key].setdefault((i, short), NameRef(i, tag, lang, written, short))
            return  # GeoNames' "In" (Smidovich), "And" (Anand), "Of" (Turkey), "White House" (Casablanca)
        if " " not in key:
            if tag in ("surname", "variant") and (len(key) < 4 or key in stop):
                return  # "Ын" -> "In": a generated one-word key must not be a common word
            if generated and letter_count(written) < (3 if tag == "canonical" or is_cyrillic(written) else 4):
                return  # one- to three-letter Latin alternate names: codes and fragments ("Os", "Ota")
        upper = written.isupper() and len(written.replace(".", "")) <= 5 and not is_cyrillic(written)
        slot = (i, short)
        bucket = keys[key]
        old = bucket.get(slot)
        # Keep the most authoritative tag for this (entry, key): canonical beats variant.
        if old is None or TAG_RANK[tag] < TAG_RANK[old.tag]:
            bucket[slot] = NameRef(i, tag, lang, written, short, upper and (old is None or old.upper))

    for i, e in enumerate(entries):
        region = e.kind in lexicon.region_kinds
        generated = e.source in GENERATED_SOURCES
        translit_ok = not generated or e.country in CYRILLIC_COUNTRIES or not e.country
        for written, lang, tag in e.names():
            if generated and lang == "other" and not written[:1].isupper():
                continue  # lower-case romanisations of other scripts ("kharkwf")
            short = tag == "short"
            add(i, written, tag, lang, short)
            if translit_ok or not is_cyrillic(written):
                for v in variants(written, variant_lang(e, written, lang)):
                    add(i, v, "variant", lang, short)
            for form in (_region_forms(written, lexicon) if region else set()) | _of_forms(written, lexicon):
                add(i, form, "variant", lang, short)
        if e.type == "person" and e.short:
            # A surname alone ("Zelensky expressed...") is a mention of the person; people.yaml
            # leaves `short` out where the surname alone must not link (Zhovkva is also a town).
            for written, lang, tag in list(e.names()):
                if tag in ("canonical", "alias") and " " in written:
                    last = written.rsplit(" ", 1)[1]
                    add(i, last, "surname", lang, True)
                    for v in variants(last, lang):
                        add(i, v, "surname", lang, True)
    generated = False
    for surface, gid in accepted:
        if gid in by_id:
            add(by_id[gid], surface, "override", "*", False)

    final: dict[str, list[NameRef]] = {k: list(v.values()) for k, v in keys.items()}
    keys.clear()  # the per-slot dicts are garbage now: free them before the lemma keys grow
    if lemma_keys:

        final = with_lemma_keys(final, entries, stop, lexicon.common_words)
    # Fuzzy blocking holds the keys of curated entries and of big places only: with 10^5
    # generated villages every misspelling (or "Shelling") would be near one of them.
    blocks: dict[str, list[str]] = defaultdict(list)
    for k, refs in final.items():
        if any(entries[r.entry].source not in GENERATED_SOURCES
               or (entries[r.entry].population or 0) >= FUZZY_MIN_POPULATION for r in refs):
            blocks[k[:3]].append(k)
    max_tokens = max((k.count(" ") + 1 for k in final), default=1)
    return Index(
        entries=entries,
        keys=pack_keys(final),
        max_tokens=max_tokens,
        blocks=dict(blocks),
        lexicon=lexicon,
        digest=digest,
        by_id=by_id,
        rejected={(fold_name(s), entries[by_id[gid]].id if gid in by_id else gid) for s, gid in rejected},
        ignored=frozenset(k for k in map(fold_name, ignored) if k),
        splits={k: tuple(sizes) for s, sizes in splits if (k := fold_name(s))},
        info=dict(info or {}),
        stop=stop_layer,
        cue_only=pack_keys({k: list(v.values()) for k, v in cue_only.items()}),
    )




def with_lemma_keys(keys: dict[str, list], entries: Sequence, stopwords: Collection[str] = frozenset(),
                    common_words: Collection[str] = frozenset()) -> dict[str, list]:
    """Index keys plus the lemma keys of every Cyrillic written name, with the same refs.

    `keys` maps a folded key to NameRefs (index.compile_index's `final`), `entries` are
    the entries the refs point into (persons get no extra keys); the result maps
    each extra key to the refs of the names it was derived from, merged with any refs the
    key already had (one ref per (entry, short), the better tag wins, as in compile_index).
    One-word lemma keys that are stopwords or shorter than 3 letters are not added, and a
    generated entry (GeoNames, pycountry) gets no lemma key that is a stopword or one of
    `common_words`, the rule compile_index applies to its written names (Мирони -> мирон,
    a first name); curated entries keep theirs.
    """
    from transnorm.gazetteer.index import GENERATED_SOURCES, TAG_RANK

    blocked = set(stopwords) | set(common_words)
    extra: dict[str, dict[tuple[int, bool], object]] = {}
    for key, refs in keys.items():
        for r in refs:
            e = entries[r.entry]
            if not is_cyrillic(r.written) or e.type == "person":
                continue
            generated = e.source in GENERATED_SOURCES
            for k in name_keys(r.written, r.lang):
                if k == key or (" " not in k and (len(k) < 3 or k in stopwords)):
                    continue
                if generated and k in blocked:
                    continue
                slots = extra.setdefault(k, {})
                slot = (r.entry, r.short)
                old = slots.get(slot)
                if old is None or TAG_RANK.get(r.tag, 99) < TAG_RANK.get(old.tag, 99):
                    slots[slot] = r
    if not extra:
        return keys
    out = dict(keys)
    for k, slots in extra.items():
        merged = {(r.entry, r.short): r for r in keys.get(k, [])}
        for slot, r in slots.items():
            old = merged.get(slot)
            if old is None or TAG_RANK.get(r.tag, 99) < TAG_RANK.get(old.tag, 99):
                merged[slot] = r
        out[k] = list(merged.values())
    return out

