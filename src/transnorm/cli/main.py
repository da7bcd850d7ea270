"""The `transnorm` command line. Thin: it validates arguments and calls stages or flows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from transnorm.cli.common import ConfigOpt, err, fail
from transnorm.cli.gazetteer import gazetteer_app
from transnorm.cli.models import models_app
from transnorm.cli.ops import serve, server_app
from transnorm.config import ConfigError, load_config
from transnorm.gazetteer.schema import GazetteerError
from transnorm.ops.quiet import quiet_prefect
from transnorm.pipeline import get_index

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Russian/Ukrainian news to clean English records with canonical names.")


@app.callback()
def _root() -> None:
    """Russian/Ukrainian news to clean English records with canonical names."""


@app.command()
def run(
    inputs: List[Path] = typer.Argument(..., help="files or folders: .txt .md .jsonl .csv"),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: outputs/<UTC time>)"),
    config: Optional[Path] = typer.Option(None, "--config", help="config YAML (default: built-in defaults)"),
    force: bool = typer.Option(False, "--force", help="process every document again (default: documents "
                                                      "unchanged since an earlier run reuse its record)"),
) -> None:
    """Run the pipeline: records.jsonl and report.md in the output folder."""
    from transnorm.ops.ledger import StateLocked, check_unlocked

    try:
        cfg = load_config(config)
        check_unlocked(cfg.state_dir)  # another run writing the same state: say so now, exit 2
        get_index(cfg)  # a broken gazetteer stops here, before any document is read
    except (ConfigError, GazetteerError, StateLocked) as exc:
        fail(str(exc))
    missing = [str(p) for p in inputs if not p.exists()]
    if missing and len(missing) == len(inputs):
        fail(f"no such input: {', '.join(missing)}")
    quiet_prefect()
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from transnorm.ops import flow as flows
    from transnorm.ops import progress as hook

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


app.add_typer(models_app, name="models")

review_app = typer.Typer(no_args_is_help=True, help="Feed review decisions back into the gazetteers.")
app.add_typer(review_app, name="review")


@review_app.command("apply")
def review_apply(
    csv_path: Path = typer.Argument(..., help="a run's review.csv with the `decision` column filled in"),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Validate every decision, then write them to gazetteers/overrides.yaml (all or nothing)."""
    from transnorm.review.apply import ReviewError, apply_review

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


app.command()(serve)  # operating commands: docs/operations.md
app.add_typer(server_app, name="server")


@app.command("eval")
def eval_cmd(
    cases: Path = typer.Argument(..., help="labelled cases (.jsonl, or one JSON object like the dev set)"),
    config: Optional[Path] = ConfigOpt,
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    max_items: Optional[int] = typer.Option(None, "--max", help="list at most N misses and false links"),
) -> None:
    """Precision, recall and F1 of name linking on labelled cases, with every miss and false link."""
    from transnorm.evaluation.cases import CaseError, load_cases
    from transnorm.evaluation.score import evaluate, format_result

    try:
        cfg = load_config(config)
        loaded = load_cases(cases)
    except (ConfigError, CaseError, OSError) as exc:
        fail(str(exc))
    result = evaluate(loaded, cfg)
    typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if as_json
               else format_result(result, max_items))


app.add_typer(gazetteer_app, name="gazetteer")  # docs/gazetteers.md


def main() -> None:  # console script entry point
    app()


if __name__ == "__main__":
    main()
