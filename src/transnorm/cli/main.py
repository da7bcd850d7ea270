"""The `transnorm` command line. Thin: it validates arguments and calls stages or flows."""

from __future__ import annotations

import importlib.util
import json
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
    force: bool = typer.Option(False, "--force", help="process every document again (default: documents "
                                                      "unchanged since an earlier run reuse its record)"),
) -> None:
    """Run the pipeline: records.jsonl and report.md in the output folder."""
    from .ledger import StateLocked, check_unlocked

    try:
        cfg = load_config(config)
        check_unlocked(cfg.state_dir)  # another run writing the same state: say so now, exit 2
        get_index(cfg)  # a broken gazetteer stops here, before any document is read
    except (ConfigError, GazetteerError, StateLocked) as exc:
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
                                                config=str(config) if config else None, force=force)
        except StateLocked as exc:  # started between the check above and the flow
            fail(str(exc))
        finally:
            hook.set_hook(None)
    summary = Path(out_dir) / "records.jsonl"
    n_err = sum(1 for line in summary.open(encoding="utf-8") if '"errors": [], ' not in line)
    err.print(f"wrote {summary} and {Path(out_dir) / 'report.md'}"
              + (f" ({n_err} document(s) with errors: see the report)" if n_err else ""), highlight=False)
    typer.echo(out_dir)


models_app = typer.Typer(no_args_is_help=True, help="Argos translation models: list, install, remove.")
app.add_typer(models_app, name="models")
ModelsDir = typer.Option(None, "--models-dir", help="default: translate.models_dir, $TRANSNORM_MODELS_DIR "
                                                      "or ~/.local/share/transnorm/models")
ConfigOpt = typer.Option(None, "--config", help="config YAML (its translate.models_dir is used)")


def _models_dir(models_dir: Optional[Path], config: Optional[Path]) -> Path:
    if models_dir:
        return models_dir
    try:
        return load_config(config).translate.resolved_models_dir()
    except ConfigError as exc:
        fail(str(exc))


@models_app.command("list")
def models_list(models_dir: Optional[Path] = ModelsDir, config: Optional[Path] = ConfigOpt) -> None:
    """Installed translation models."""
    from .models import list_models

    folder = _models_dir(models_dir, config)
    found = list_models(folder)
    if not found:
        err.print(f"no models in {folder}; install one with `transnorm models install ru en` "
                  "or `transnorm models install PATH.argosmodel`", highlight=False, soft_wrap=True)
    for m in found:
        typer.echo(f"{m.from_code} -> {m.to_code}\t{m.model_id}\t{m.path}")


@models_app.command("install")
def models_install(
    what: List[str] = typer.Argument(..., help="`SRC TGT` (download) or a .argosmodel file / package folder"),
    models_dir: Optional[Path] = ModelsDir, config: Optional[Path] = ConfigOpt,
) -> None:
    """Install from the Argos package index (online) or from a local file or folder (offline)."""
    from .models import ModelError, install_from_index, install_from_path

    folder = _models_dir(models_dir, config)
    try:
        if len(what) == 1:
            info = install_from_path(Path(what[0]), folder)
        elif len(what) == 2:
            info = install_from_index(what[0], what[1], folder)
        else:
            fail("give `SRC TGT` (e.g. `ru en`) or one PATH.argosmodel")
    except ModelError as exc:
        fail(str(exc), code=1)
    typer.echo(f"installed {info.from_code} -> {info.to_code} ({info.model_id}) in {folder}")


@models_app.command("remove")
def models_remove(src: str, tgt: str, models_dir: Optional[Path] = ModelsDir,
                  config: Optional[Path] = ConfigOpt) -> None:
    """Remove the installed SRC -> TGT model."""
    from .models import remove

    folder = _models_dir(models_dir, config)
    removed = remove(src, tgt, folder)
    if not removed:
        fail(f"no {src} -> {tgt} model installed in {folder}", code=1)
    for m in removed:
        typer.echo(f"removed {m.model_id}")


review_app = typer.Typer(no_args_is_help=True, help="Feed review decisions back into the gazetteers.")
app.add_typer(review_app, name="review")


@review_app.command("apply")
def review_apply(
    csv_path: Path = typer.Argument(..., help="a run's review.csv with the `decision` column filled in"),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Validate every decision, then write them to gazetteers/overrides.yaml (all or nothing)."""
    from .review import ReviewError, apply_review

    try:
        cfg = load_config(config)
        index = get_index(cfg)
    except (ConfigError, GazetteerError) as exc:
        fail(str(exc))
    if not csv_path.is_file():
        fail(f"no such file: {csv_path}")
    target = cfg.gazetteer.dir / "overrides.yaml"
    try:
        summary = apply_review(csv_path, {e.id: e for e in index.entries}, target)
    except ReviewError as exc:
        for line in exc.errors:
            err.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)
        err.print(f"nothing written to {target}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    except GazetteerError as exc:
        fail(str(exc))
    typer.echo(f"{target}: {summary.accepted} accepted, {summary.rejected} rejected, {summary.created} new "
               f"entries, {summary.unchanged} already decided, {summary.skipped} rows without a decision")
    for line in summary.superseded:
        typer.echo(f"replaced earlier decision: {line}")


from .cli_ops import serve, server_app  # noqa: E402  (operating commands: README "Running it for real")

app.command()(serve)
app.add_typer(server_app, name="server")


@app.command("eval")
def eval_cmd(
    cases: Path = typer.Argument(..., help="labelled cases (.jsonl, or one JSON object like the dev set)"),
    config: Optional[Path] = ConfigOpt,
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    max_items: Optional[int] = typer.Option(None, "--max", help="list at most N misses and false links"),
) -> None:
    """Precision, recall and F1 of name linking on labelled cases, with every miss and false link."""
    from .evaluate import CaseError, evaluate, format_result, load_cases

    try:
        cfg = load_config(config)
        loaded = load_cases(cases)
    except (ConfigError, CaseError, OSError) as exc:
        fail(str(exc))
    result = evaluate(loaded, cfg)
    typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if as_json
               else format_result(result, max_items))


from .cli_gazetteer import gazetteer_app  # noqa: E402  (README "Gazetteers")

app.add_typer(gazetteer_app, name="gazetteer")


def main() -> None:  # console script entry point
    app()


if __name__ == "__main__":
    main()
