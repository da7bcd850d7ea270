"""A hook the CLI sets to draw a progress bar while the flow writes records."""

from __future__ import annotations

from typing import Callable

_hook: Callable[[int], None] | None = None


def set_hook(fn: Callable[[int], None] | None) -> None:
    global _hook
    _hook = fn


def advance(n: int) -> None:
    if _hook is not None:
        _hook(n)
