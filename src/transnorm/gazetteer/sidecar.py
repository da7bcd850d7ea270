"""Tables derived from a compiled index, pickled beside its store so a later process loads them.

Some lookups the linker needs are built from the index on first use (the adjective table, what
the people files say about first names and surnames, gender-guesser's first names): a second or
more of CPU in every process that links, which every CLI run, worker process and flow run paid
again. The first process stores each table in the index's store folder under a key naming
everything it was made from (the index digest, the code and the data package that shaped it);
the next one unpickles it in milliseconds. A read-only store just keeps the table in memory.
"""
from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index

T = TypeVar("T")
log = logging.getLogger(__name__)
KEEP = 4  # tables kept per tag: an index with and without overrides.yaml, a config or two


def sidecar_path(index: "Index", tag: str, key: str) -> Path | None:
    store = index.info.get("store")
    return Path(store) / f"{tag}-{key}.pickle" if store else None


def load_or_make(index: "Index", tag: str, key: str, make: Callable[[], T]) -> T:
    """The table `tag` made for `key` (which must name all its inputs): from the store folder if
    an earlier process stored it, else made now and stored for the next one."""
    path = sidecar_path(index, tag, key)
    if path is not None and path.exists():
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.debug("%s: unreadable (%s), made again", path, exc)
    value = make()
    if path is not None:
        _store(path, tag, value)
    return value


def _store(path: Path, tag: str, value) -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only store: the table lives in this process only
        return
    older = sorted((p for p in path.parent.glob(f"{tag}-*.pickle") if p != path),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in older[KEEP - 1:]:
        old.unlink(missing_ok=True)
