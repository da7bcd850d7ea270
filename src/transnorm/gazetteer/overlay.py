"""One index laid over another: how a build reuses work it has done before.

The index a run uses is three layers (store.py): the generated places (10^4-10^5 entries,
compiled once per data version), the curated YAML laid over them, and the review decisions
laid over both. A layer adds entries after those below it, adds references on keys, drops the
references of entries below that it absorbs or replaces (their ids then lead to the entry that
took them) and renames the parents that pointed to them. Positions below never change, so a
layer's references stay valid when the layers under it are reused.

Review decisions (gazetteers/overrides.yaml, `transnorm review apply`) are few, so they are
compiled alone at load (compile_index on the new entries and on the entries that accepted names
point to), no rebuild:

* an override entry replaces the stored entries with its id or geonames_id: their references
  are dropped, their ids lead to the new entry, which gets a position after the stored ones;
* an accepted (surface, id) adds `override` references, lemma keys included, as compile_index
  makes them; on a key the stored index already has, the better tag wins per (entry, short);
* rejected (surface, id) pairs go to Index.rejected;
* ignored surfaces and split rules go to Index.ignored and Index.splits (linking/reviewed.py).

The result answers every lookup as one build of all inputs would (a test compares).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from transnorm.gazetteer.compile import compile_index
from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.index import TAG_RANK, Index, NameRef
from transnorm.gazetteer.overrides import Overrides, split_boundaries
from transnorm.text.fold import fold_name


@dataclass
class Layer:
    """What a layer adds over an index (positions are those of the layered index)."""

    added: Sequence[Entry]  # entries after the base's
    keys: Mapping  # key -> [NameRef] of this layer
    blocks: Mapping  # fuzzy block -> keys of this layer
    vocab: Collection[str]  # words of this layer's keys
    latin: Mapping  # position -> [(Latin key, short, upper)] of this layer's references
    ids: Mapping  # ids (and absorbed ids) of this layer -> position
    max_tokens: int = 1
    dropped: frozenset[int] = frozenset()  # base positions whose references are gone
    moved: dict[int, int] = field(default_factory=dict)  # base position -> position that took it
    parents: dict[str, str] = field(default_factory=dict)  # a base entry's parent id -> the id it became
    same_slots: bool = False  # may a reference share (entry, short) with the base's? (then the better tag wins)
    unblocked: frozenset[str] = frozenset()  # base keys in a fuzzy block only for entries now dropped


_MISSING = object()


def _better(old: NameRef, new: NameRef) -> NameRef:
    """compile_index's rule for two names of one entry on one key: the better tag wins."""
    if TAG_RANK.get(new.tag, 99) < TAG_RANK.get(old.tag, 99):
        return new._replace(upper=new.upper and old.upper)
    return old


class _Over(Mapping):
    """A mapping read through a layer: get() decides, the rest follows from it."""

    def __getitem__(self, key):
        got = self.get(key)
        if got is None:
            raise KeyError(key)
        return got

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __iter__(self):
        yield from self.base
        yield from (k for k in self.extra if k not in self.base)

    def __len__(self) -> int:  # counted when asked (statistics), never at load
        return len(self.base) + sum(k not in self.base for k in self.extra)


MEMO_SIZE = 50_000  # answers a layered mapping keeps (then it starts afresh): bounded memory per process


class _Memoised(_Over):
    """A layered mapping whose answers (`_read`, None for none) are kept, up to MEMO_SIZE of them:
    the exact scan and the fuzzy pass ask for the same keys and blocks document after document, and
    an answer read through two mapped tries and decoded costs microseconds. The answers are shared:
    callers never change them."""

    _memo: dict

    def get(self, key, default=None):
        memo = self._memo
        got = memo.get(key, _MISSING)
        if got is _MISSING:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            got = memo[key] = self._read(key)
        return got if got is not None else default

    def _read(self, key):  # pragma: no cover - each subclass reads its own way
        raise NotImplementedError


class LayeredKeys(_Memoised):
    def __init__(self, base: Mapping, layer: Layer):
        self.base, self.extra, self.layer = base, layer.keys, layer
        self._memo: dict[str, list[NameRef] | None] = {}  # key -> references

    def _read(self, key):
        refs = self.base.get(key)
        dropped = self.layer.dropped
        if refs and dropped:
            refs = [r for r in refs if r.entry not in dropped]
        more = self.extra.get(key)
        if more:
            if not refs:
                refs = more
            elif self.layer.same_slots:
                slots = {(r.entry, r.short): r for r in refs}
                for r in more:
                    old = slots.get((r.entry, r.short))
                    slots[(r.entry, r.short)] = r if old is None else _better(old, r)
                refs = list(slots.values())
            else:
                refs = refs + more
        return refs if refs else None


class LayeredBlocks(_Memoised):
    def __init__(self, base: Mapping, layer: Layer):
        self.base, self.extra, self.unblocked = base, layer.blocks, layer.unblocked
        self._memo: dict[str, list[str] | None] = {}  # a stored block is decoded and split on each read

    def _read(self, block):
        got, more = self.base.get(block), self.extra.get(block)
        if got and self.unblocked:
            got = [k for k in got if k not in self.unblocked]
        if not more:
            return got
        if not got:
            return more
        have = set(got)
        return got + [k for k in more if k not in have]


class LayeredIds(_Over):
    """ids -> positions: the layer's ids first; a position a layer took leads to its new entry."""

    def __init__(self, base: Mapping, layer: Layer):
        self.base, self.extra, self.moved = base, layer.ids, layer.moved

    def get(self, gid, default=None):
        got = self.extra.get(gid)
        if got is None:
            got = self.base.get(gid)
            if got is None:
                return default
        return self.moved.get(got, got)

    def __iter__(self):
        yield from self.extra
        yield from (g for g in self.base if g not in self.extra)

    def __len__(self) -> int:
        return len(self.extra) + sum(g not in self.extra for g in self.base)


class LayeredEntries(Sequence):
    """The base's entries, then the layer's. A position the layer took reads as the entry that
    took it (and is skipped when iterating); a base entry whose parent was absorbed reads with
    the absorbing parent."""

    def __init__(self, base: Sequence[Entry], layer: Layer):
        self.base, self.layer, self._n = base, layer, len(base)
        self._patched: dict[int, Entry] = {}
        self._seen: dict[int, Entry] = {}  # position -> what it reads as: linking asks for the same few often

    def __len__(self) -> int:
        return self._n + len(self.layer.added)

    def __getitem__(self, i):
        if type(i) is int:
            got = self._seen.get(i)
            if got is None:
                got = self._seen[i] = self._read(i)
            return got
        return self._read(i)

    def _read(self, i, keep: bool = True):
        """What position i reads as; `keep`: memoise what is made here and in the base (indexing),
        else make it anew (a walk over every entry: peek)."""
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if i >= self._n:
            return self.layer.added[i - self._n]
        took = self.layer.moved.get(i)
        if took is not None:
            return self[took] if keep else self.peek(took)
        e = self.base[i] if keep or not hasattr(self.base, "peek") else self.base.peek(i)
        if e.parent and e.parent in self.layer.parents:
            got = self._patched.get(i)
            if got is None:
                got = replace(e, parent=self.layer.parents[e.parent])
                if keep:
                    self._patched[i] = got
            return got
        return e

    def __iter__(self) -> Iterator[Entry]:
        moved = self.layer.moved
        for i in range(len(self)):
            if i not in moved:
                yield self.peek(i)  # (not kept: a walk over every entry is no hot path)

    def peek(self, i: int) -> Entry:
        """What position i reads as, kept neither here nor in the base (see LazyEntries.peek)."""
        got = self._seen.get(i)
        return got if got is not None else self._read(i, keep=False)


class LayeredWords(Collection):
    def __init__(self, base: Collection[str], extra: Collection[str]):
        self.base, self.extra = base, extra
        self._memo: dict[str, bool] = {}  # every token's lemmas are asked of it: two trie probes each

    def __contains__(self, w) -> bool:
        got = self._memo.get(w)
        if got is None:
            if len(self._memo) >= 4 * MEMO_SIZE:
                self._memo.clear()
            got = self._memo[w] = w in self.base or w in self.extra
        return got

    def subset(self, words: Iterable[str]) -> frozenset[str]:
        """The words of `words` in this vocabulary (what `w in self` says of each)."""
        memo, out = self._memo, []
        for w in words:
            got = memo.get(w)
            if got is None:
                got = w in self
            if got:
                out.append(w)
        return frozenset(out)

    def __iter__(self) -> Iterator[str]:
        yield from self.base
        yield from (w for w in self.extra if w not in self.base)

    def __len__(self) -> int:
        return len(self.base) + sum(w not in self.base for w in self.extra)


class LayeredLatin(Mapping):
    def __init__(self, base: Index, layer: Layer):
        self.base, self.layer, self._n = base, layer, len(base.entries)

    def get(self, entry, default=None):
        got = [] if entry >= self._n or entry in self.layer.dropped else self.base.latin_keys(entry)
        more = self.layer.latin.get(entry)
        if more:
            got = got + more
        return got if got else default

    def __getitem__(self, entry: int):
        got = self.get(entry)
        if got is None:
            raise KeyError(entry)
        return got

    def __iter__(self) -> Iterator[int]:
        return (i for i in range(self._n + len(self.layer.added)) if self.get(i))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def lay_over(base: Index, layer: Layer, digest: str, info: dict | None = None,
             rejected: set[tuple[str, str]] | None = None, ignored: Iterable[str] = (),
             splits: Iterable[tuple[str, tuple[int, ...]]] = ()) -> Index:
    """The index `base` with `layer` on top (`ignored`, `splits`: review rules, as compile_index takes them)."""
    return Index(
        entries=LayeredEntries(base.entries, layer), keys=LayeredKeys(base.keys, layer),
        max_tokens=max(base.max_tokens, layer.max_tokens), blocks=LayeredBlocks(base.blocks, layer),
        lexicon=base.lexicon, digest=digest, by_id=LayeredIds(base.by_id, layer),
        rejected=set(base.rejected) | (rejected or set()), info=dict(info if info is not None else base.info),
        vocab=LayeredWords(base.words(), layer.vocab), latin=LayeredLatin(base, layer),
        stop=base.stop, cue_only=base.cue_only,
        ignored=base.ignored | {k for k in map(fold_name, ignored) if k},
        splits={**base.splits, **{k: tuple(sizes) for sf, sizes in splits if (k := fold_name(sf))}},
    )


def layer_from(sub: Index, where: Callable[[int], int], keep: Callable[[NameRef], bool] = lambda r: True
               ) -> tuple[dict, dict, set, dict]:
    """keys, blocks, vocab and Latin keys of `sub` (an index compiled alone) at the positions
    `where` gives, keeping the references `keep` accepts."""
    keys: dict[str, list[NameRef]] = {}
    for key, refs in sub.keys.items():
        kept = [r._replace(entry=where(r.entry)) for r in refs if keep(r)]
        if kept:
            keys[key] = kept
    blocks = {b: got for b, ks in sub.blocks.items() if (got := [k for k in ks if k in keys])}
    latin: dict[int, list[tuple[str, bool, bool]]] = {}
    for key, refs in keys.items():
        if not any("\u0400" <= c <= "\u052f" for c in key):
            for r in refs:
                latin.setdefault(r.entry, []).append((key, r.short, r.upper))
    return keys, blocks, {w for k in keys for w in k.split(" ")}, latin


def review_rules(ov: Overrides) -> tuple[list[str], list[tuple[str, tuple[int, ...]]]]:
    """The `ignore` surfaces and `split` rules (surface, word counts of the parts) of the decisions."""
    return ([i.surface for i in ov.ignore],
            [(sp.surface, split_boundaries(sp.surface, sp.parts) or ()) for sp in ov.split])


def apply_overrides(base: Index, ov: Overrides, digest: str) -> Index:
    """`base` with the review decisions `ov` on top (see the module docstring)."""
    if not (ov.entries or ov.accept or ov.reject or ov.ignore or ov.split):
        return replace(base, digest=digest) if digest != base.digest else base
    n = len(base.entries)
    added = list(ov.entries)
    new_ids = {e.id: n + j for j, e in enumerate(added)}
    gn_of = {e.geonames_id: n + j for j, e in enumerate(added) if e.geonames_id}
    moved: dict[int, int] = {}  # base position -> the override entry that replaces it
    for j, e in enumerate(added):
        p = base.by_id.get(e.id)
        if p is not None and base.entries[p].id == e.id:
            moved[p] = n + j
    if gn_of:
        for p, e in enumerate(base.entries):
            if e.geonames_id in gn_of and p not in moved:
                moved[p] = gn_of[e.geonames_id]
    ids = LayeredIds(base.by_id, Layer(added, {}, {}, (), {}, new_ids, moved=moved))

    # the override entries and the entries accepted names point to, compiled alone
    targets: dict[int, int] = {}  # position in `subset` -> position in the index
    subset: list[Entry] = list(added)
    accepted = []
    for a in ov.accept:
        p = ids.get(a.gazetteer_id)
        if p is None:
            continue  # an id no longer in the gazetteer: `gazetteer check` reports it
        target = added[p - n] if p >= n else base.entries[p]
        if p < n and p not in targets.values():
            targets[len(subset)] = p
            subset.append(target)
        accepted.append((a.surface, target.id))
    sub = compile_index(subset, base.lexicon, accepted=accepted)
    keys, blocks, vocab, latin = layer_from(
        sub, lambda j: n + j if j < len(added) else targets[j],
        lambda r: r.entry < len(added) or r.tag == "override")
    layer = Layer(added, keys, blocks, vocab, latin, new_ids, sub.max_tokens, frozenset(moved), moved,
                  same_slots=True)
    rejected = set()
    for r in ov.reject:
        p = ids.get(r.gazetteer_id)
        e = None if p is None else added[p - n] if p >= n else base.entries[p]
        rejected.add((fold_name(r.surface), e.id if e is not None else r.gazetteer_id))
    info = dict(base.info)
    info["overrides"] = {"entries": len(added), "replaced": len(moved), "accept": len(accepted),
                         "reject": len(ov.reject)}
    info["overrides"].update(ignore=len(ov.ignore), split=len(ov.split))
    return lay_over(base, layer, digest, info, rejected, *review_rules(ov))
