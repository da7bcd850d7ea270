"""The `transnorm` command line. Thin: it validates arguments and calls stages or flows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape

from .config import PROJECT_ROOT, ConfigError, load_config
from .gazetteer import GazetteerError
from .pipeline import get_index
from .quiet import quiet_prefect

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Russian/Ukrainian news to clean English records with canonical names.")
err = Console(stderr=True)


@app.callback()
def _root() -> None:
    """Russian/Ukrainian news to clean English records with canonical names."""


def fail(message: str, code: int = 2) -> None:
    """One-line reason, exit 2: usage and config errors."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_flow_module():
    """flows/pipeline.py is the deployments' entry point; the CLI runs that same flow."""
    quiet_prefect()
    path = PROJECT_ROOT / "flows" / "pipeline.py"
    spec = importlib.util.spec_from_file_location("transnorm_flows_pipeline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@app.command()
def run(
    inputs: List[Path] = typer.Argument(..., help="files or folders: .txt .md .jsonl .csv"),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: outputs/<UTC time>)"),
    config: Optional[Path] = typer.Option(None, "--config", help="config YAML (default: built-in defaults)"),
) -> None:
    """Run the pipeline: records.jsonl and report.md in the output folder."""
    try:
        cfg = load_config(config)
        get_index(cfg)  # a broken gazetteer stops here, before any document is read
    except (ConfigError, GazetteerError) as exc:
        fail(str(exc))
    missing = [str(p) for p in inputs if not p.exists()]
    if missing and len(missing) == len(inputs):
        fail(f"no such input: {', '.join(missing)}")
    flows = load_flow_module()
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from . import progress as hook

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} documents"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task_id = bar.add_task("transnorm run", total=None)
        hook.set_hook(lambda n: bar.advance(task_id, n))
        try:
            out_dir = flows.translate_normalise(inputs=[str(p) for p in inputs],
                                                out=str(out) if out else None,
                                                config=str(config) if config else None)
        finally:
            hook.set_hook(None)
    summary = Path(out_dir) / "records.jsonl"
    n_err = sum(1 for line in summary.open(encoding="utf-8") if '"errors": [], ' not in line)
    err.print(f"wrote {summary} and {Path(out_dir) / 'report.md'}"
              + (f" ({n_err} document(s) with errors: see the report)" if n_err else ""), highlight=False)
    typer.echo(out_dir)


def main() -> None:  # console script entry point
    app()


if __name__ == "__main__":
    main()
