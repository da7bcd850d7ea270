"""Where transnorm's data folders are: the one module that knows.

A checkout (`pip install -e .`) keeps `gazetteers/`, `config/`, `state/` and `outputs/` beside
`src/`. An installed package has no checkout: set `TRANSNORM_HOME` to a folder holding
`gazetteers/` (and optionally `config/`), or give `gazetteer.dir` in a config file. When
neither is there, `require_dir` says so in one line instead of failing deep in a build.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "TRANSNORM_HOME"
_CHECKOUT = Path(__file__).resolve().parents[2]  # src/transnorm/paths.py -> the checkout


class DataFolderMissing(FileNotFoundError):
    """A data folder transnorm needs does not exist; the message says how to provide it."""


def _is_checkout(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "gazetteers").is_dir()


def home() -> Path:
    """$TRANSNORM_HOME, else the checkout this package runs from, else the working directory."""
    env = os.environ.get(ENV_HOME, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    if _is_checkout(_CHECKOUT):
        return _CHECKOUT
    return Path.cwd()


def gazetteers_dir() -> Path:
    return home() / "gazetteers"


def config_dir() -> Path:
    return home() / "config"


def state_dir() -> Path:
    return home() / "state"


def outputs_dir() -> Path:
    return home() / "outputs"


def inbox_dir() -> Path:
    return home() / "inbox"


def require_dir(folder: Path, what: str, config_key: str) -> Path:
    """`folder` if it is a directory, else DataFolderMissing naming both ways to fix it."""
    if folder.is_dir():
        return folder
    raise DataFolderMissing(
        f"{folder}: {what} folder not found; set {ENV_HOME} to a folder holding it "
        f"or give '{config_key}' in a config file (--config)")
