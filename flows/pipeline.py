"""The Prefect flow `translate_normalise`: thin wiring of the stages in src/transnorm.

Documents stream from ingest in batches (config `batch_size`, hundreds per task); at most
a few batches are in flight, and records are written in input order as they complete.
"""

from __future__ import annotations

from collections import deque
from itertools import islice
from pathlib import Path

from transnorm.quiet import quiet_prefect

quiet_prefect()

from prefect import flow, task  # noqa: E402
from prefect.artifacts import (  # noqa: E402
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE  # noqa: E402

from transnorm import progress  # noqa: E402
from transnorm.config import Config, load_config  # noqa: E402
from transnorm.ingest import iter_inputs  # noqa: E402
from transnorm.output import RunWriter, default_out_dir  # noqa: E402
from transnorm.pipeline import get_index, process_batch  # noqa: E402
from transnorm.report import md_escape, summary_lines  # noqa: E402

IN_FLIGHT = 4  # batches submitted ahead of the writer
REVIEW_ARTIFACT_ROWS = 200


@task(name="prepare-gazetteer", cache_policy=NO_CACHE)
def prepare_gazetteer(cfg: Config) -> str:
    """Build (or load the cached) compiled gazetteer once, before the batches need it."""
    return get_index(cfg).digest


@task(name="process-batch", cache_policy=NO_CACHE)
def process(batch: list, cfg: Config) -> list:
    return process_batch(batch, cfg)


@flow(name="translate_normalise")
def translate_normalise(inputs: list[str], out: str | None = None, config: str | None = None) -> str:
    """Ingest `inputs`, link and rewrite names, write records.jsonl and report.md to `out`."""
    cfg = load_config(Path(config) if config else None)
    digest = prepare_gazetteer(cfg)
    writer = RunWriter(Path(out) if out else default_out_dir(cfg.outputs_dir),
                       header={"gazetteer": digest, "config": cfg.digest(),
                               "inputs": ", ".join(map(str, inputs))})
    items = iter_inputs(inputs, cfg.ingest)
    pending: deque = deque()
    while batch := list(islice(items, cfg.batch_size)):
        pending.append(process.submit(batch, cfg))
        if len(pending) >= IN_FLIGHT:
            _drain_one(pending, writer)
    while pending:
        _drain_one(pending, writer)
    writer.close()
    publish_artifacts(writer)
    return str(writer.out)


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


def _drain_one(pending: deque, writer: RunWriter) -> None:
    records = pending.popleft().result()
    writer.write(records)
    progress.advance(len(records))
