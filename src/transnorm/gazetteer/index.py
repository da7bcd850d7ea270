"""The compiled Index matching talks to: folded key -> references to entries.

Layout, chosen for load time and memory with ~10^6 keys: `Index.keys` maps a folded key to
packed ints (one int per reference: entry position, tag, language, short and upper flags)
and decodes them to `NameRef`s on access; entries are pickled as plain tuples and made
Entry objects only when touched (LazyEntries).
"""
from __future__ import annotations

import json
from array import array
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Iterator, NamedTuple

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.lexicon import Lexicon

INDEX_FORMAT = 5  # bump when the stored layout changes (ondisk.py)


class NameRef(NamedTuple):
    """One way of writing one entry: how it came to be (and, at build time, what was written)."""

    entry: int  # position in Index.entries
    tag: str  # canonical, alias, short, historic, colloquial, variant, surname, override
    lang: str
    written: str = ""  # the written name (build time only: the compiled index does not keep it)
    short: bool = False  # a mention of this name is rewritten to the entry's short form
    upper: bool = False  # an abbreviation (DPR, RF): only matches text written in capitals


TAGS = ("override", "canonical", "alias", "short", "historic", "colloquial", "variant", "surname")
TAG_RANK = {t: r for r, t in enumerate(TAGS)}
_TAG_ID = TAG_RANK


def _pack(ref: NameRef, lang_ids: dict[str, int]) -> int:
    lid = lang_ids.setdefault(ref.lang, len(lang_ids))
    return (ref.entry << 14) | (_TAG_ID.get(ref.tag, 6) << 10) | (lid << 2) | (ref.short << 1) | ref.upper


def pack_refs(refs: list[NameRef], lang_ids: dict[str, int]) -> bytes:
    """A key's references as the bytes the on-disk store keeps (8 bytes each, ondisk.py)."""
    return array("Q", [_pack(r, lang_ids) for r in refs]).tobytes()


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

    def raw_items(self) -> Iterator[tuple[str, bytes]]:
        """(key, packed references as bytes): what the on-disk store keeps, lang ids per `langs`."""
        for k, v in self.data.items():
            yield k, array("Q", (v,) if type(v) is int else v).tobytes()


def ref_order(r: NameRef) -> tuple[int, bool]:
    """A key's references are kept in entry order, however the index was built (in one piece,
    in slices, in layers), so every build answers a lookup with the same list."""
    return r.entry, r.short


def pack_keys(keys: dict[str, list[NameRef]]) -> PackedKeys:
    lang_ids: dict[str, int] = {}
    data: dict[str, int | tuple[int, ...]] = {}
    for k, refs in keys.items():
        if len(refs) == 1:
            data[k] = _pack(refs[0], lang_ids)
        elif refs:
            data[k] = tuple(_pack(r, lang_ids) for r in sorted(refs, key=ref_order))
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

    def peek(self, i: int) -> Entry:
        """Entry i, not kept (a walk over every entry, e.g. the adjective table's, would keep
        40k+ of them: 150 MB in every process that builds it)."""
        e = self._made[i]
        return e if e is not None else _entry_from_row(self._rows[i])

    def column(self, name: str) -> list:
        """One flat field (id, source...) of every entry, read from the rows (nothing decoded)."""
        at = _FLAT_FIELDS.index(name)
        return [row[at] for row in self._rows]

    def rows(self, start: int, stop: int) -> "LazyEntries":
        """Entries start..stop as rows (pickled as they are: a build hands them to a worker)."""
        return LazyEntries(self._rows[start:stop])

    def decoded(self) -> Iterator[Entry]:
        """Every entry, made anew and not kept (one pass over all of them: a build's merge)."""
        for i, row in enumerate(self._rows):
            e = self._made[i]
            yield e if e is not None else _entry_from_row(row)


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
    ignored: frozenset[str] = frozenset()  # folded surfaces a reviewer marked "not a name"
    splits: dict[str, tuple[int, ...]] = field(default_factory=dict)  # folded run -> word counts of its parts
    stop: frozenset[str] = frozenset()  # the stop layer: folded words too common to be a name alone
    cue_only: Mapping = field(default_factory=dict)  # lexicon common words generated places bear: after a cue only
    info: dict = field(default_factory=dict)  # layers, merge counts, build time (for `gazetteer stats`)
    # Every word of every key, and entry position -> [(Latin key, short, upper)]: the store keeps
    # both ready (ondisk.py); for an index built in memory they are derived on first use.
    vocab: Collection[str] | None = None
    latin: Mapping[int, list[tuple[str, bool, bool]]] | None = None

    def entry(self, ref: NameRef) -> Entry:
        return self.entries[ref.entry]

    def words(self) -> Collection[str]:
        """Every word of every key (linking/keys.py keeps only lemmas the index can match)."""
        if self.vocab is None:
            self.vocab = frozenset(w for k in self.keys for w in k.split(" "))
        return self.vocab

    def latin_keys(self, entry: int) -> list[tuple[str, bool, bool]]:
        """The folded Latin keys of the entry at position `entry`, with their short and upper
        flags (linking/align.py looks for them in the English translation)."""
        if self.latin is None:
            rev: dict[int, list[tuple[str, bool, bool]]] = {}
            for key, refs in self.keys.items():
                if not any("\u0400" <= c <= "\u052f" for c in key):
                    for r in refs:
                        rev.setdefault(r.entry, []).append((key, r.short, r.upper))
            self.latin = rev
        return self.latin.get(entry, [])

    def lookup(self, key: str) -> list[NameRef]:
        return self.keys.get(key) or []

    def get(self, gid: str) -> Entry | None:
        i = self.by_id.get(gid)
        return None if i is None else self.entries[i]

    @property
    def size(self) -> int:
        return len(self.keys)


GENERATED_SOURCES = frozenset({"geonames", "geonames-dump", "pycountry"})
