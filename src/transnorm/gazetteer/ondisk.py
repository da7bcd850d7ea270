"""The compiled index as a folder of read-only files, memory-mapped and shared by processes.

Why this layout: a pickled index of ~10^5-10^6 keys took 0.7 s and ~75 MB per process to
load, and every worker process paid it again. Here nothing is unpickled: keys, blocks, ids,
the key vocabulary and the reverse (entry -> Latin keys) table are marisa-tries mapped with
mmap, and entries are JSON rows in one flat file decoded only when touched. Loading opens a
few files (milliseconds); the pages a process reads are the OS page cache, shared by every
process that maps the same folder.

Files (a folder `index-<digest>/`, written whole by write_store and renamed into place):

    keys.marisa     BytesTrie: folded key -> its references, packed 8 bytes each (index._pack)
    blocks.marisa   BytesTrie: fuzzy block -> its keys, NUL-joined (order kept)
    ids.marisa      RecordTrie: entry id (and absorbed ids) -> position
    vocab.marisa    Trie: every word of every key (linking/keys.py filters lemmas with it)
    latin.marisa    BytesTrie: entry position -> its Latin keys with short/upper flags (align.py)
    stop.marisa     Trie: the stop layer (gazetteer/stoplayer.py; written by the curated layer)
    cue.marisa      BytesTrie: common-word names of generated places, found after a cue only
    entries.bin     one JSON row per entry; entries.off: their byte offsets (uint64)
    meta.json       digest, max_tokens, lexicon, rejected pairs, info, file sizes; written last
"""
from __future__ import annotations

import json
import mmap
import os
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import astuple, fields
from pathlib import Path
from typing import Iterator

import marisa_trie

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.index import (
    INDEX_FORMAT,
    TAGS,
    Index,
    NameRef,
    pack_keys,
    pack_refs,
)
from transnorm.gazetteer.lexicon import Lexicon, NamedCue

FILES = ("keys.marisa", "blocks.marisa", "ids.marisa", "vocab.marisa", "latin.marisa", "entries.bin",
         "entries.off", "stop.marisa", "cue.marisa")
_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))


class StoreError(Exception):
    """A store folder that is missing, torn or from another format: rebuild it."""


# ------------------------------------------------------------------ writing


def _entry_json(e: Entry) -> bytes:
    return json.dumps([getattr(e, f) for f in _ENTRY_FIELDS], ensure_ascii=False,
                      separators=(",", ":")).encode()


_CUE_FIELDS = ("named_before", "named_after", "named_verbs")  # first word -> [NamedCue]


def _lexicon_json(lex: Lexicon) -> dict:
    out = {}
    for f in fields(Lexicon):
        v = getattr(lex, f.name)
        if f.name in _CUE_FIELDS:
            v = {k: [astuple(c) for c in cues] for k, cues in v.items()}
        out[f.name] = sorted(v) if isinstance(v, set) else v
    return out


def _lexicon_from(d: dict) -> Lexicon:
    lex = Lexicon()
    for f in fields(Lexicon):
        if f.name in d:
            default = getattr(lex, f.name)
            v = d[f.name]
            if f.name in _CUE_FIELDS:
                v = {k: [NamedCue(c[0], c[1], tuple(c[2]), *c[3:]) for c in cues] for k, cues in v.items()}
            setattr(lex, f.name, set(v) if isinstance(default, set) else v)
    return lex


def _flags(short: bool, upper: bool) -> str:
    return chr(48 + (short << 1 | upper))


def write_store(index: Index, folder: Path, extra: dict | None = None) -> None:
    """Write `index` as the files of `folder` (which must not exist yet: callers write into a
    temporary folder and rename it, see store.py). meta.json goes last and is the commit mark;
    `extra` is kept in it (a layer's dropped and moved positions)."""
    folder.mkdir(parents=True)
    keys = index.keys
    if hasattr(keys, "raw_items"):  # PackedKeys, StoredKeys, a combined build: already packed
        langs, items = list(keys.langs), keys.raw_items
    else:  # a plain dict (tests)
        lang_ids: dict[str, int] = {}
        packed = [(k, pack_refs(refs, lang_ids)) for k, refs in keys.items()]
        langs, items = list(lang_ids), lambda: iter(packed)
    marisa_trie.BytesTrie(items()).save(str(folder / "keys.marisa"))
    words: set[str] = set()
    latin: dict[int, list[str]] = {}
    decode = _Decoder(langs)
    for k, raw in items():
        words.update(k.split(" "))
        if not _has_cyrillic(k):
            for r in decode.refs(raw):
                latin.setdefault(r.entry, []).append(_flags(r.short, r.upper) + k)
    marisa_trie.Trie(words).save(str(folder / "vocab.marisa"))
    marisa_trie.BytesTrie((str(i), "\0".join(ks).encode()) for i, ks in latin.items()).save(
        str(folder / "latin.marisa"))
    del latin, words
    marisa_trie.BytesTrie((b, "\0".join(ks).encode()) for b, ks in index.blocks.items()).save(
        str(folder / "blocks.marisa"))
    marisa_trie.Trie(index.stop).save(str(folder / "stop.marisa"))
    cue = index.cue_only if hasattr(index.cue_only, "raw_items") else pack_keys(dict(index.cue_only))
    marisa_trie.BytesTrie(cue.raw_items()).save(str(folder / "cue.marisa"))
    marisa_trie.RecordTrie("<I", ((i, (p,)) for i, p in index.by_id.items())).save(str(folder / "ids.marisa"))
    offsets = array("Q", [0])
    with (folder / "entries.bin").open("wb") as fh:
        entries = index.entries
        for e in (entries.decoded() if hasattr(entries, "decoded") else entries):  # LazyEntries: kept as rows
            row = _entry_json(e)
            fh.write(row)
            offsets.append(offsets[-1] + len(row))
    with (folder / "entries.off").open("wb") as fh:
        offsets.tofile(fh)
    meta = {
        "format": INDEX_FORMAT, "byteorder": sys.byteorder, "digest": index.digest,
        "max_tokens": index.max_tokens, "langs": langs, "cue_langs": list(cue.langs),
        "cue_keys": len(cue), "entries": len(index.entries), "keys": len(keys),
        "lexicon": _lexicon_json(index.lexicon), "rejected": sorted(index.rejected), "info": index.info,
        "files": {name: (folder / name).stat().st_size for name in FILES}, **(extra or {}),
    }
    for name in FILES:  # durable before the rename makes the folder visible
        with (folder / name).open("rb") as fh:
            os.fsync(fh.fileno())
    tmp = folder / "meta.json.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / "meta.json")


def _has_cyrillic(s: str) -> bool:
    return any("\u0400" <= c <= "\u052f" for c in s)


# ------------------------------------------------------------------ reading


class _Decoder:
    """Packed references (index._pack) -> NameRefs."""

    __slots__ = ("langs",)

    def __init__(self, langs: list[str]):
        self.langs = langs

    def refs(self, packed: bytes) -> list[NameRef]:
        langs = self.langs
        return [NameRef(v >> 14, TAGS[(v >> 10) & 15], langs[(v >> 2) & 255], "", bool(v & 2), bool(v & 1))
                for v in array("Q", packed)]


class StoredKeys(Mapping):
    """folded key -> [NameRef], from keys.marisa."""

    def __init__(self, trie: marisa_trie.BytesTrie, langs: list[str], count: int):
        self.trie, self.langs, self._len, self._dec = trie, langs, count, _Decoder(langs)

    def __getitem__(self, key: str) -> list[NameRef]:
        got = self.trie.get(key)
        if not got:
            raise KeyError(key)
        return self._dec.refs(got[0])

    def get(self, key, default=None):
        got = self.trie.get(key)
        return self._dec.refs(got[0]) if got else default

    def raw_items(self) -> Iterator[tuple[str, bytes]]:
        """(key, packed references): for combining stores without decoding every reference."""
        return self.trie.iteritems()

    def __contains__(self, key) -> bool:
        return key in self.trie

    def __iter__(self) -> Iterator[str]:
        return self.trie.iterkeys()

    def __len__(self) -> int:
        return self._len


class StoredBlocks(Mapping):
    """fuzzy block -> [keys], from blocks.marisa (one NUL-joined value per block)."""

    def __init__(self, trie: marisa_trie.BytesTrie):
        self.trie = trie

    def __getitem__(self, block: str) -> list[str]:
        got = self.trie.get(block)
        if not got:
            raise KeyError(block)
        return got[0].decode().split("\0")

    def get(self, block, default=None):
        got = self.trie.get(block)
        return got[0].decode().split("\0") if got else default

    def __iter__(self) -> Iterator[str]:
        return self.trie.iterkeys()

    def __len__(self) -> int:
        return len(self.trie)


class StoredIds(Mapping):
    """entry id (or an absorbed id) -> position, from ids.marisa."""

    def __init__(self, trie: marisa_trie.RecordTrie):
        self.trie = trie

    def __getitem__(self, gid: str) -> int:
        got = self.trie.get(gid)
        if not got:
            raise KeyError(gid)
        return got[0][0]

    def get(self, gid, default=None):
        got = self.trie.get(gid)
        return got[0][0] if got else default

    def __contains__(self, gid) -> bool:
        return gid in self.trie

    def __iter__(self) -> Iterator[str]:
        return self.trie.iterkeys()

    def __len__(self) -> int:
        return len(self.trie)


class StoredLatin(Mapping):
    """entry position -> [(folded Latin key, short, upper)], from latin.marisa."""

    def __init__(self, trie: marisa_trie.BytesTrie):
        self.trie = trie

    def __getitem__(self, entry: int) -> list[tuple[str, bool, bool]]:
        got = self.trie.get(str(entry))
        if not got:
            raise KeyError(entry)
        out = []
        for item in got[0].decode().split("\0"):
            f = ord(item[0]) - 48
            out.append((item[1:], bool(f & 2), bool(f & 1)))
        return out

    def get(self, entry, default=None):
        try:
            return self[entry]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self.trie.iterkeys())

    def __len__(self) -> int:
        return len(self.trie)


class StoredEntries(Sequence):
    """The entries: JSON rows in entries.bin (mapped), made Entry objects on first access.

    Matching a document touches a few dozen of 10^4-10^5 entries; each process keeps only
    the ones it made."""

    def __init__(self, folder: Path, count: int):
        self._fh = (folder / "entries.bin").open("rb")
        self._mm = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ) if count else b""
        self._off = array("Q")
        with (folder / "entries.off").open("rb") as fh:
            self._off.fromfile(fh, count + 1)
        self._made: dict[int, Entry] = {}
        self._n = count

    def __len__(self) -> int:
        return self._n

    def _make(self, i: int, keep: bool = True) -> Entry:
        row = json.loads(self._mm[self._off[i]:self._off[i + 1]])
        e = Entry.__new__(Entry)
        e.__dict__.update(zip(_ENTRY_FIELDS, row))
        if keep:
            self._made[i] = e
        return e

    def peek(self, i: int) -> Entry:
        """Entry i, not kept (see index.LazyEntries.peek)."""
        e = self._made.get(i)
        return e if e is not None else self._make(i, keep=False)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        e = self._made.get(i)
        return e if e is not None else self._make(i)

    def __iter__(self) -> Iterator[Entry]:
        for i in range(self._n):
            yield self[i]


def _mapped(cls, path: Path, *args):
    trie = cls(*args)
    trie.mmap(str(path))
    return trie


def read_meta(folder: Path) -> dict:
    """meta.json of a store folder, checked against the files beside it (StoreError if torn)."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        sizes = {name: (folder / name).stat().st_size for name in FILES}
    except (OSError, ValueError) as exc:
        raise StoreError(f"{folder}: {exc}") from exc
    if meta.get("format") != INDEX_FORMAT or meta.get("byteorder") != sys.byteorder:
        raise StoreError(f"{folder}: written by another version")
    if meta.get("files") != sizes:
        raise StoreError(f"{folder}: files do not match meta.json (torn or edited)")
    return meta


def open_store(folder: Path) -> Index:
    """Map a store folder written by write_store. Raises StoreError when it is unusable."""
    meta = read_meta(folder)
    try:
        keys = _mapped(marisa_trie.BytesTrie, folder / "keys.marisa")
        index = Index(
            entries=StoredEntries(folder, meta["entries"]),
            keys=StoredKeys(keys, meta["langs"], meta["keys"]),
            max_tokens=meta["max_tokens"],
            blocks=StoredBlocks(_mapped(marisa_trie.BytesTrie, folder / "blocks.marisa")),
            lexicon=_lexicon_from(meta["lexicon"]),
            digest=meta["digest"],
            by_id=StoredIds(_mapped(marisa_trie.RecordTrie, folder / "ids.marisa", "<I")),
            rejected={tuple(r) for r in meta["rejected"]},
            info=meta["info"],
            vocab=_mapped(marisa_trie.Trie, folder / "vocab.marisa"),
            latin=StoredLatin(_mapped(marisa_trie.BytesTrie, folder / "latin.marisa")),
            stop=_mapped(marisa_trie.Trie, folder / "stop.marisa"),
            cue_only=StoredKeys(_mapped(marisa_trie.BytesTrie, folder / "cue.marisa"), meta["cue_langs"],
                                meta.get("cue_keys", 0)),
        )
    except (OSError, RuntimeError, ValueError, KeyError) as exc:  # marisa reports a bad file as RuntimeError
        raise StoreError(f"{folder}: {exc}") from exc
    index.info["store"] = str(folder)
    return index
