"""The `transnorm` command line. Thin: it validates arguments and calls stages or flows."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from transnorm.cli.common import DEBUG, ConfigOpt, err, fail
from transnorm.cli.gazetteer import gazetteer_app
from transnorm.cli.models import models_app
from transnorm.cli.ops import serve, server_app, submit
from transnorm.cli.run import COMMAND, run
from transnorm.version import __version__

# Heavy modules (config, the gazetteer, the pipeline, Prefect) are imported by the commands that use
# them: `transnorm submit` or `--help` start in a fraction of a second.
app = typer.Typer(add_completion=False, no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]},
                  help="Russian/Ukrainian news to clean English records with canonical names.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"transnorm {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="print the version"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks instead of one-line errors"),
) -> None:
    """Russian/Ukrainian news to clean English records with canonical names."""
    DEBUG["on"] = debug


app.command()(run)  # cli/run.py
app.add_typer(models_app, name="models")

SUPERSEDED_SHOWN = 50  # replaced decisions listed one per line; the rest are counted
review_app = typer.Typer(no_args_is_help=True, help="Feed review decisions back into the gazetteers.")
app.add_typer(review_app, name="review")


@review_app.command("apply")
def review_apply(
    csv_path: Path = typer.Argument(..., metavar="DECISIONS", help="a run's review.csv with the `decision` column "
                                    "filled in, or the decisions file report.html exports (.jsonl)"),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Validate every decision, then write them to gazetteers/overrides.yaml (all or nothing)."""
    from transnorm.config import ConfigError, load_config
    from transnorm.gazetteer.schema import GazetteerError
    from transnorm.pipeline import get_index
    from transnorm.review.apply import ReviewError, apply_review

    try:
        cfg = load_config(config)
        index = get_index(cfg)
    except (ConfigError, GazetteerError) as exc:
        fail(str(exc))
    if not csv_path.is_file():
        fail(f"no such file: {csv_path}")
    target = cfg.gazetteer.dir / "overrides.yaml"
    languages = (*cfg.detect.languages, "other", "und")
    try:
        summary = apply_review(csv_path, index, target, languages)
    except ReviewError as exc:
        for line in exc.errors:
            err.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)
        err.print(f"nothing written to {target}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    except GazetteerError as exc:
        fail(str(exc))
    typer.echo(f"{target}: {summary.accepted} accepted, {summary.rejected} rejected, {summary.created} new "
               f"entries, {summary.ignored} ignored (not a name), {summary.split} split, {summary.unchanged} "
               f"already decided, {summary.skipped} rows without a decision")
    for line in summary.superseded[:SUPERSEDED_SHOWN]:
        typer.echo(f"replaced earlier decision: {line}")
    if len(summary.superseded) > SUPERSEDED_SHOWN:
        typer.echo(f"... and {len(summary.superseded) - SUPERSEDED_SHOWN} more earlier decisions replaced")


app.command()(serve)  # operating commands: docs/operations.md
app.command()(submit)
app.add_typer(server_app, name="server")
app.add_typer(gazetteer_app, name="gazetteer")  # docs/gazetteers.md


@app.command("eval")
def eval_cmd(
    cases: Path = typer.Argument(..., help="labelled cases: a .jsonl file, a folder of them (eval/real), or one "
                                           "JSON object like the dev set"),
    config: Optional[Path] = ConfigOpt,
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    max_items: Optional[int] = typer.Option(None, "--max", help="list at most N misses and false links"),
    details: List[str] = typer.Option(["tune", "all"], "--details",
                                      help="splits whose misses and false links are listed (repeat the option; "
                                           "heldout is left out unless named)"),
) -> None:
    """Precision, recall and F1 of name linking on labelled cases, per split, with every miss and false link."""
    from transnorm.evaluation.__main__ import main as eval_main

    argv = [str(cases), "--details", *details] + (["--config", str(config)] if config else []) \
        + (["--json"] if as_json else []) + (["--max", str(max_items)] if max_items is not None else [])
    raise typer.Exit(eval_main(argv))


def main() -> None:  # console script entry point
    COMMAND["quick_exit"] = True
    app()


if __name__ == "__main__":
    main()
