"""Progress of a run in phases, for whoever draws it (the CLI's bars); a no-op otherwise.

Stages and the run loop report through these functions and never import a display: the CLI
installs a Reporter with `use()`. A phase has a name and, when known, a total; `advance` and
`update` move its bar. The phases of a CLI run: Prefect, gazetteer index, translation models,
documents, reports.

Plug-in point for libraries with their own progress hook (the gazetteer index build, a model
download): `callback(name)` starts that phase and returns a `(done, total)` function to hand
to the hook.
"""

from __future__ import annotations

from typing import Callable, Protocol


class Reporter(Protocol):
    def phase(self, name: str, total: float | None = None, unit: str = "") -> None: ...

    def update(self, done: float | None = None, total: float | None = None, advance: float = 0) -> None: ...


_reporter: Reporter | None = None


def use(reporter: Reporter | None) -> None:
    """Install (or with None remove) the display that receives every report."""
    global _reporter
    _reporter = reporter


def active() -> bool:
    """Whether anyone draws progress (worth counting a total for)."""
    return _reporter is not None


def phase(name: str, total: float | None = None, unit: str = "") -> None:
    """A new phase begins (the previous one is done); `total` None: an open-ended spinner."""
    if _reporter is not None:
        _reporter.phase(name, total, unit)


def advance(n: float = 1) -> None:
    if _reporter is not None:
        _reporter.update(advance=n)


def update(done: float | None = None, total: float | None = None) -> None:
    if _reporter is not None:
        _reporter.update(done=done, total=total)


def callback(name: str, unit: str = "") -> Callable[[float, float | None], None]:
    """Start phase `name` and return `fn(done, total)` for a library's progress hook."""
    phase(name, None, unit)
    return lambda done, total=None: update(done, total)
