"""Layer files: generated entries saved as JSON Lines (optionally gzipped).

`transnorm gazetteer import-geonames` writes one from a dump, once; every index build then
reads it quickly from gazetteers/generated/ or a configured path.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.sources.dump import from_geonames_dump

#: Suffixes of generated layer files (`transnorm gazetteer import-geonames` writes .jsonl.gz).
LAYER_SUFFIXES = (".jsonl", ".jsonl.gz")
_LAYER_FIELDS = ("id", "type", "kind", "canonical", "short", "country", "parent", "geonames_id", "lat", "lon",
                 "population", "aliases", "short_aliases", "historic", "colloquial", "role", "note", "source")


def is_layer_file(path: str | os.PathLike) -> bool:
    return str(path).endswith(LAYER_SUFFIXES)


def _open_text(path: Path, mode: str):
    import gzip

    if str(path).endswith(".gz"):
        return gzip.open(path, mode + "t", encoding="utf-8", newline="\n", compresslevel=6)
    return open(path, mode, encoding="utf-8", newline="\n")


def write_layer(entries: Iterable[Entry], path: str | os.PathLike) -> int:
    """Write entries to a layer file (JSON lines, gzip when the name ends in .gz), streaming.

    Written under a temporary name and renamed, so a reader never sees half a layer.
    Returns the number of entries written.
    """
    import json
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".layer-", suffix=".tmp" + "".join(path.suffixes))
    os.close(fd)
    n = 0
    try:
        with _open_text(Path(tmp), "w") as fh:
            for e in entries:
                row = {k: getattr(e, k) for k in _LAYER_FIELDS}
                row = {k: v for k, v in row.items() if v not in (None, "", [], {})}
                fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                n += 1
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return n


def read_layer(path: str | os.PathLike) -> Iterator[Entry]:
    """Stream the entries of a layer file written by write_layer (origin: file:line)."""
    import json

    from transnorm.gazetteer.schema import GazetteerError

    path = Path(path)
    with _open_text(path, "r") as fh:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                e = Entry(**{k: row[k] for k in _LAYER_FIELDS if k in row})
            except (ValueError, TypeError) as exc:
                raise GazetteerError(str(path), no, f"not a layer entry: {exc}") from exc
            e.origin = f"{path}:{no}"
            yield e


def from_dump_or_layer(path: str | os.PathLike, countries: Iterable[str] | None = None,
                       min_population: int = 0) -> Iterator[Entry]:
    """Entries of a configured GeoNames file: a layer file as written, a raw dump filtered."""
    if is_layer_file(path):
        yield from read_layer(path)
    else:
        yield from from_geonames_dump(path, countries=countries, min_population=min_population)
