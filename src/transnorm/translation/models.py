"""Translation model management: Argos Translate packages in a folder we own.

Why not just call argostranslate: it reads its settings and creates folders under $HOME when
imported, extracts any zip without checking it (paths escaping the folder included), and
fails late with AttributeError when a package is missing. So packages are read, validated and
installed here; argostranslate is imported lazily, and only for the online package index
(`install_from_index`), with its folders pointed at ours before the import.

An installed package is a folder in models_dir holding metadata.json, model/model.bin
(CTranslate2) and sentencepiece.model, exactly as Argos lays it out, so argostranslate itself
can use the same folder (ARGOS_PACKAGES_DIR=models_dir).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

ENV_MODELS_DIR = "TRANSNORM_MODELS_DIR"
INSTALL_FILE_CMD = "transnorm models install PATH.argosmodel"
REQUIRED_METADATA = ("from_code", "to_code")


class ModelError(RuntimeError):
    """A package could not be installed, read or removed; the message says what to do."""


@dataclass(frozen=True)
class ModelInfo:
    """One installed translation package."""

    from_code: str
    to_code: str
    from_name: str
    to_name: str
    package_version: str
    argos_version: str
    type: str
    path: Path  # the package folder
    target_prefix: str = ""  # some multilingual Argos models need a target language token

    @property
    def name(self) -> str:
        """The argospm name, e.g. translate-ru_en."""
        return f"{self.type}-{self.from_code}_{self.to_code}"

    @property
    def model_id(self) -> str:
        """Stable id recorded in provenance and used as the translation cache key."""
        return f"{self.name}@{self.package_version or '0'}"

    @property
    def model_path(self) -> Path:
        return self.path / "model"

    @property
    def sentencepiece_path(self) -> Path:
        return self.path / "sentencepiece.model"


def default_models_dir() -> Path:
    """$TRANSNORM_MODELS_DIR, else the platform data dir (XDG on Linux)."""
    env = os.environ.get(ENV_MODELS_DIR)
    if env:
        return Path(env).expanduser()
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "transnorm" / "models"


def models_dir_for(tcfg) -> Path:
    """The models folder a TranslateConfig names, else the default one."""
    return Path(tcfg.models_dir).expanduser() if tcfg.models_dir else default_models_dir()


def _read_package(folder: Path) -> ModelInfo:
    """Validate a package folder and read its metadata; ModelError says what is wrong."""
    meta_path = folder / "metadata.json"
    if not meta_path.is_file():
        raise ModelError(f"{folder}: not an Argos package (no metadata.json)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ModelError(f"{meta_path}: invalid JSON ({e})") from e
    if not isinstance(meta, dict):
        raise ModelError(f"{meta_path}: expected a JSON object")
    missing = [k for k in REQUIRED_METADATA if not meta.get(k)]
    if missing:
        raise ModelError(f"{meta_path}: missing {', '.join(missing)}")
    ptype = str(meta.get("type", "translate"))
    if ptype == "translate":
        if not (folder / "model" / "model.bin").is_file():
            raise ModelError(f"{folder}: no model/model.bin (CTranslate2 model) in the package")
        if not (folder / "sentencepiece.model").is_file():
            # bpe.model packages exist in Argos but are old and rare; we only run SentencePiece ones.
            raise ModelError(f"{folder}: no sentencepiece.model in the package (unsupported tokenizer)")
    return ModelInfo(
        from_code=str(meta["from_code"]),
        to_code=str(meta["to_code"]),
        from_name=str(meta.get("from_name", "")),
        to_name=str(meta.get("to_name", "")),
        package_version=str(meta.get("package_version", "")),
        argos_version=str(meta.get("argos_version", "")),
        type=ptype,
        path=folder,
        target_prefix=str(meta.get("target_prefix", "") or ""),
    )


def list_models(models_dir: Path | None = None) -> list[ModelInfo]:
    """Installed, valid translation packages, sorted by pair; broken folders are skipped."""
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    if not models_dir.is_dir():
        return []
    found = []
    for folder in sorted(models_dir.iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            info = _read_package(folder)
        except ModelError:
            continue
        if info.type == "translate":
            found.append(info)
    return sorted(found, key=lambda m: (m.from_code, m.to_code, _version_key(m.package_version)))


def _version_key(v: str) -> tuple:
    """Sortable version: numeric parts compare as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in v.replace("-", ".").split("."))


def find_model(src: str, tgt: str, models_dir: Path | None = None) -> ModelInfo | None:
    """The installed package for src->tgt; the highest version if several."""
    matches = [m for m in list_models(models_dir) if m.from_code == src and m.to_code == tgt]
    return matches[-1] if matches else None


def _safe_extract(zf: zipfile.ZipFile, dest: Path) -> None:
    """Extract refusing absolute paths and '..' (zip-slip)."""
    root = dest.resolve()
    for member in zf.infolist():
        target = (dest / member.filename).resolve()
        if target != root and root not in target.parents:
            raise ModelError(f"unsafe path in archive: {member.filename!r}")
    zf.extractall(dest)


def install_from_path(path: Path, models_dir: Path | None = None) -> ModelInfo:
    """Install a .argosmodel file or an unpacked package folder into models_dir.

    The package is validated before anything is written to models_dir; an installed package
    for the same language pair is replaced, so exactly one model serves each pair.
    """
    path = Path(path).expanduser()
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    if not path.exists():
        raise ModelError(f"{path}: no such file or folder")
    models_dir.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and path.resolve().parent == models_dir.resolve():
        return _read_package(path)  # already installed here: nothing to copy
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".install-") as tmp:
        staging = Path(tmp)
        if path.is_dir():
            src_folder = path
        else:
            if not zipfile.is_zipfile(path):
                raise ModelError(
                    f"{path}: not a valid .argosmodel (it must be a zip archive holding one "
                    "package folder with metadata.json)"
                )
            try:
                with zipfile.ZipFile(path) as zf:
                    _safe_extract(zf, staging)
            except zipfile.BadZipFile as e:
                raise ModelError(f"{path}: corrupt zip archive ({e})") from e
            tops = [p for p in staging.iterdir() if not p.name.startswith("__MACOSX")]
            if len(tops) == 1 and tops[0].is_dir():
                src_folder = tops[0]
            elif (staging / "metadata.json").exists():
                src_folder = staging  # tolerate archives zipped without the top folder
            else:
                raise ModelError(f"{path}: expected one top-level package folder with metadata.json inside")
        info = _read_package(src_folder)
        if info.type != "translate":
            raise ModelError(f"{path}: package type {info.type!r} is not a translation model")
        name = src_folder.name if src_folder is not staging else f"{info.name}-{info.package_version or '0'}"
        final = models_dir / name
        for old in list_models(models_dir):
            if (old.from_code, old.to_code) == (info.from_code, info.to_code):
                shutil.rmtree(old.path)
        if final.exists():
            shutil.rmtree(final)
        if src_folder is path:
            shutil.copytree(src_folder, final)
        else:
            shutil.move(str(src_folder), final)
    return _read_package(final)


def remove(src: str, tgt: str, models_dir: Path | None = None) -> list[ModelInfo]:
    """Delete every installed package for src->tgt; ModelError if there is none."""
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    gone = [m for m in list_models(models_dir) if (m.from_code, m.to_code) == (src, tgt)]
    if not gone:
        raise ModelError(f"no {src}->{tgt} model installed in {models_dir}")
    for m in gone:
        shutil.rmtree(m.path)
    return gone


def _argos_state_dir(models_dir: Path) -> Path:
    """Where argostranslate may keep its index, downloads and settings: beside models_dir,
    not inside it (argostranslate treats every subfolder of its packages dir as a package)."""
    return models_dir.parent / f"{models_dir.name}.argos-state"


@contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def import_argos_package(models_dir: Path):
    """Import argostranslate.package with all its folders under our control.

    argostranslate reads settings and creates XDG folders at import time, so the environment
    is set only around the first import; afterwards the module-level paths are re-pointed on
    every call (so several models_dir in one process, as in tests, each get their own).
    """
    models_dir = Path(models_dir)
    state = _argos_state_dir(models_dir)
    with _env(
        {
            "ARGOS_PACKAGES_DIR": str(models_dir),
            "XDG_DATA_HOME": str(state / "data"),
            "XDG_CONFIG_HOME": str(state / "config"),
            "XDG_CACHE_HOME": str(state / "cache"),
        }
    ):
        import argostranslate.package as argos_package
        import argostranslate.settings as argos_settings

    # argostranslate logs network errors with no handler set, so Python prints them raw on
    # stderr; our ModelError says the same thing with what to do. An app's root handlers still see them.
    logging.getLogger("argostranslate").addHandler(logging.NullHandler())

    data_dir = state / "data" / "argos-translate"
    downloads = state / "cache" / "argos-translate" / "downloads"
    for d in (models_dir, data_dir, downloads):
        d.mkdir(parents=True, exist_ok=True)
    argos_settings.data_dir = data_dir
    argos_settings.package_data_dir = models_dir
    argos_settings.package_dirs = [models_dir]
    argos_settings.local_package_index = data_dir / "index.json"
    argos_settings.downloads_dir = downloads
    _argos_default_index(argos_settings)
    return argos_package


_DEFAULT_INDEX: list[str] = []


@contextmanager
def _quiet_argos() -> Iterator[None]:
    """argostranslate's own log records off while it runs: Prefect's console handler would print
    its network error as an ERROR line on a machine that is simply offline."""
    names = ["argostranslate"] + [n for n in logging.root.manager.loggerDict if n.startswith("argostranslate.")]
    loggers = [logging.getLogger(n) for n in names]  # its modules set their own levels (utils: INFO)
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def _argos_default_index(settings) -> str:
    """Argos' own index URL as computed at import (remembered: install_from_index may swap it)."""
    if not _DEFAULT_INDEX:
        _DEFAULT_INDEX.append(settings.remote_package_index)
    return _DEFAULT_INDEX[0]


def _offline_message(src: str, tgt: str, why: str, index_url: str) -> str:
    return (
        f"Could not download the {src}->{tgt} model ({why}). This machine seems to be offline. "
        f"On a machine with internet access, download the Argos Translate package "
        f"'translate-{src}_{tgt}' (a .argosmodel file; its link is in {index_url}), copy it "
        f"here and run: {INSTALL_FILE_CMD}"
    )


def _download(links: list[str], dest: Path, progress: Callable[[int, int | None], None] | None) -> Path:
    """The first of `links` that downloads, to `dest` (through a temporary name), reporting bytes."""
    import urllib.request

    errors = []
    for url in links:
        tmp = dest.with_name(dest.name + ".part")
        try:
            with urllib.request.urlopen(url, timeout=60) as r, tmp.open("wb") as fh:
                total = int(r.headers.get("Content-Length") or 0) or None
                done = 0
                while chunk := r.read(1 << 18):
                    fh.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            os.replace(tmp, dest)
            return dest
        except (OSError, ValueError) as e:
            tmp.unlink(missing_ok=True)
            errors.append(f"{url}: {getattr(e, 'reason', e)}")
    raise ModelError("; ".join(errors) or "the package lists no download link")


def install_from_index(
    src: str, tgt: str, models_dir: Path | None = None, index_url: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ModelInfo:
    """Download src->tgt from the Argos package index and install it (needs internet).

    index_url: an index.json URL to use instead of Argos' (a mirror); None keeps Argos' default.
    progress: called with (bytes downloaded, total bytes or None) as the package downloads.
    """
    models_dir = Path(models_dir) if models_dir else default_models_dir()
    pkg_mod = import_argos_package(models_dir)
    settings = pkg_mod.settings
    settings.remote_package_index = index_url or _argos_default_index(settings)
    index = Path(settings.local_package_index)
    before = index.stat().st_mtime_ns if index.exists() else None
    with _quiet_argos():  # its ERROR line says less than the ModelError below, which says what to do
        pkg_mod.update_package_index()  # logs and returns on network errors, never raises
    after = index.stat().st_mtime_ns if index.exists() else None
    if after is None:
        raise ModelError(_offline_message(src, tgt, "the package index could not be fetched",
                                          settings.remote_package_index))
    # If the refresh failed but an older index exists, go on with it: the download will tell.
    stale = before is not None and before == after
    available = pkg_mod.get_available_packages()
    match = [
        p for p in available if p.from_code == src and p.to_code == tgt and (p.type or "translate") == "translate"
    ]
    if not match:
        pairs = sorted({f"{p.from_code}->{p.to_code}" for p in available if p.from_code and p.to_code})
        hint = " (using a cached index: refresh failed)" if stale else ""
        raise ModelError(
            f"the Argos package index has no {src}->{tgt} model{hint}; pairs into/out of "
            f"{src}: {', '.join(p for p in pairs if src in p) or 'none'}"
        )
    pkg = match[0]
    try:
        downloaded = _download(list(pkg.links or []), Path(settings.downloads_dir) / f"{pkg.type or 'translate'}-"
                               f"{src}_{tgt}.argosmodel", progress)
    except ModelError as e:
        raise ModelError(_offline_message(src, tgt, str(e), settings.remote_package_index)) from e
    try:
        return install_from_path(downloaded, models_dir)
    finally:
        downloaded.unlink(missing_ok=True)
