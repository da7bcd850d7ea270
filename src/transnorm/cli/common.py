"""What every `transnorm` subcommand shares: the error console, the one-line failure, options."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True)
ConfigOpt = typer.Option(None, "--config", help="config YAML (default: built-in defaults)")


def fail(message: str, code: int = 2) -> None:
    """One-line reason, exit 2: usage and config errors."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
