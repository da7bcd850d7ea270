"""The Prefect flow `translate_normalise`: thin wiring of the stages.

Documents stream from ingest in batches (config `batch_size`, hundreds per task); at most
a few batches are in flight, and records are written in input order as they complete.
Incremental runs, the ledger and crash safety live in transnorm.ops.ledger; the task runner
(threads, processes, Dask), retries and the run loop in transnorm.ops.runner.

Deployments (prefect.yaml names it through flows/pipeline.py; `transnorm serve`): `scheduled-inbox`
runs with inbox=True on a schedule; `on-demand` takes its parameters at run time.
"""

from __future__ import annotations

from pathlib import Path

from transnorm.ops.quiet import quiet_prefect

quiet_prefect()

from prefect import Flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import (  # noqa: E402
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE  # noqa: E402

from transnorm.config import Config, load_config  # noqa: E402
from transnorm.ops import runner  # noqa: E402
from transnorm.ops.output import RunWriter  # noqa: E402
from transnorm.pipeline import get_index  # noqa: E402
from transnorm.review.report_md import md_escape, summary_lines  # noqa: E402

REVIEW_ARTIFACT_ROWS = 200


@task(name="prepare-gazetteer", cache_policy=NO_CACHE)
def prepare_gazetteer(cfg: Config) -> str:
    """Build (or load the cached) compiled gazetteer once, before the batches need it."""
    return get_index(cfg).digest


class PortableFlow(Flow):
    """A flow that pickles as a stub (its name only).

    Prefect sends the flow object with every task to where the task runs (the serialized flow run
    context). Dask workers, possibly on other hosts, cannot import this file by the module name it
    was loaded under (`pipeline`, `transnorm_flows_pipeline`), and tasks never need the flow's code.
    """

    def __reduce__(self):
        return (runner.flow_stub, (self.name,))


def portable_flow(**kwargs):
    return lambda fn: PortableFlow(fn, **kwargs)


@portable_flow(name="translate_normalise")
def translate_normalise(inputs: list[str] | None = None, out: str | None = None, config: str | None = None,
                        force: bool = False, inbox: bool = False) -> str:
    """Ingest `inputs`, link and rewrite names, write records.jsonl and the reports to `out`.

    inputs: files or folders; none: the configured inbox (runner.inbox), as with inbox=True.
    inbox: process only new or changed documents (no run folder when there are none).
    force: process every document again, whatever the ledger says.
    Returns the run folder ("" when an inbox run had nothing to do).
    """
    cfg = load_config(Path(config) if config else None)
    if not inputs:
        inbox = True
        cfg.runner.inbox.mkdir(parents=True, exist_ok=True)
        inputs = [str(cfg.runner.inbox)]
    digest = prepare_gazetteer(cfg)
    result = runner.run(cfg, digest, list(inputs), out=Path(out) if out else None, force=force, inbox=inbox,
                        header={"gazetteer": digest, "config": cfg.digest(), "inputs": ", ".join(inputs)})
    if result.message:  # an inbox run that had nothing to do, or found another run going
        logger = get_run_logger()
        (logger.warning if result.message.startswith("skipped") else logger.info)(result.message)
    if result.writer is not None:
        publish_artifacts(result.writer)
    return str(result.out) if result.out else ""


def publish_artifacts(writer: RunWriter) -> None:
    """Summary, review queue and a link to report.html, for teams reviewing from the Prefect UI."""
    create_markdown_artifact(key="transnorm-run-summary", description="transnorm run summary",
                             markdown="\n".join(summary_lines(writer.stats, writer.final_header)))
    create_table_artifact(key="transnorm-review-queue", description="mentions needing a decision (top 200)",
                          table=[{"surface": md_escape(g.surface), "language": g.lang, "count": g.count,
                                  "proposed": md_escape(g.proposed_canonical or ""),
                                  "gazetteer_id": md_escape(g.proposed_id or ""),
                                  "context": md_escape(g.example_context)}
                                 for g in writer.review_queue[:REVIEW_ARTIFACT_ROWS]])
    create_link_artifact(key="transnorm-report", link=(writer.out / "report.html").resolve().as_uri(),
                         link_text="report.html", description="open the run's HTML report")
