"""What every `transnorm` subcommand shares: the error console, the one-line failure, options."""

from __future__ import annotations

from typing import Callable, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True)
ConfigOpt = typer.Option(None, "--config", help="config YAML (default: built-in defaults)")
T = TypeVar("T")
DEBUG = {"on": False}  # `transnorm --debug`: tracebacks instead of one-line errors


def fail(message: str, code: int = 2) -> None:
    """One-line reason, exit 2: usage and config errors."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def fail_on(errors: type[BaseException] | tuple[type[BaseException], ...], fn: Callable[[], T], code: int = 2) -> T:
    """`fn()`, turning the expected `errors` into a one-line failure (a traceback with --debug)."""
    try:
        return fn()
    except errors as exc:
        if DEBUG["on"]:
            raise
        fail(str(exc), code)
        raise  # not reached: fail() exits
