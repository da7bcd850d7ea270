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
from prefect.artifacts import create_markdown_artifact, create_table_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from transnorm.config import Config, load_config  # noqa: E402
from transnorm.detect import warm_in_background  # noqa: E402
from transnorm.ops import inputs as inputs_  # noqa: E402
from transnorm.ops import runner  # noqa: E402
from transnorm.ops.output import RunWriter  # noqa: E402
from transnorm.pipeline import get_index  # noqa: E402

REVIEW_ARTIFACT_ROWS = 200


@task(name="prepare-gazetteer", cache_policy=NO_CACHE)
def prepare_gazetteer(cfg: Config, inputs: list[str]) -> str:
    """Build (or load the cached) compiled gazetteer and its stored tables once, before the batches
    need them (and meanwhile, in a thread, the language detector's models for the first document,
    when the batches run in this process)."""
    from transnorm.linking.derived import warm_tables

    if runner.detects_here(cfg, inputs):
        warm_in_background(cfg.detect, lambda: inputs_.first_text(inputs, cfg.ingest))
    index = get_index(cfg)
    warm_tables(index)  # made once and stored here, before worker processes would each make them
    return index.digest


@task(name="prepare-models", cache_policy=NO_CACHE)
def prepare_models(inputs: list[str], cfg: Config, offline: bool) -> None:
    """Install the ru/uk->en translation models the input needs and lacks (translation/firstuse.py)."""
    from transnorm.ops import progress
    from transnorm.translation.firstuse import ensure_models

    got = ensure_models(inputs, cfg, offline=offline, progress=lambda name: progress.callback(name, "bytes"))
    logger = get_run_logger()
    for info in got.installed:
        logger.info("installed the translation model %s (first use)", info.model_id)
    for lang, why in got.failed.items():
        logger.warning("no %s->en model, so no English for %s documents: %s", lang, lang, why)


def run_name() -> str:
    """The flow run's name in the Prefect UI, from its inputs: `samples/ +2`, `inbox`."""
    from prefect.runtime import flow_run

    params = flow_run.parameters or {}
    inputs = [str(i) for i in params.get("inputs") or []]
    if not inputs or params.get("inbox"):
        return "inbox" if not inputs else f"inbox {Path(inputs[0]).name}"
    first = Path(inputs[0])
    label = first.name + ("/" if inputs[0].endswith("/") or first.suffix == "" else "")
    return label[:60] + (f" +{len(inputs) - 1}" if len(inputs) > 1 else "")


class PortableFlow(Flow):
    """A flow that pickles as a stub (its name only).

    Prefect sends the flow object with every task to where the task runs (the serialized flow run
    context). Dask workers, possibly on other hosts, cannot import this file by the module name it
    was loaded under (`pipeline`, `transnorm_flows_pipeline`), and tasks never need the flow's code.
    """

    def __reduce__(self):
        return (runner.flow_stub, (self.name,))

    def serialize_parameters(self, parameters: dict) -> dict:
        """Our parameters are JSON already (strings, lists of strings, booleans): sent as they are.
        Prefect's own way imports FastAPI for its encoder, 0.15 CPU s of every CLI run."""
        if all(_plain_json(v) for v in parameters.values()):
            return dict(parameters)
        return super().serialize_parameters(parameters)


def _plain_json(value) -> bool:
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def portable_flow(**kwargs):
    return lambda fn: PortableFlow(fn, **kwargs)


@portable_flow(name="translate_normalise", flow_run_name=run_name)
def translate_normalise(inputs: list[str] | None = None, out: str | None = None, config: str | None = None,
                        force: bool = False, inbox: bool = False, offline: bool = False) -> str:
    """Ingest the inputs, link and rewrite names, write records.jsonl and the reports.

    Returns the run folder ("" when an inbox run had nothing to do).

    Args:
        inputs: Files or folders to process (.txt .md .jsonl .csv), as paths on the machine that runs
            the flow. Empty: the configured inbox (runner.inbox), as with inbox=true.
        out: Output folder for records.jsonl and the reports. Empty: a new outputs/<UTC time>/ folder.
        config: Path of a transnorm config YAML. Empty: the built-in defaults.
        force: Process every document again, even those unchanged since an earlier run.
        inbox: Process only new or changed documents; no run folder when there are none.
        offline: Never download translation models (otherwise missing ru/uk->en models are
            installed from the package index on first use).
    """
    cfg = load_config(Path(config) if config else None)
    if not inputs:
        inbox = True
        cfg.runner.inbox.mkdir(parents=True, exist_ok=True)
        inputs = [str(cfg.runner.inbox)]
    digest = prepare_gazetteer(cfg, list(inputs))
    prepare_models(list(inputs), cfg, offline)
    result = runner.run(cfg, digest, list(inputs), out=Path(out) if out else None, force=force, inbox=inbox,
                        header={"gazetteer": digest, "config": cfg.digest(), "inputs": ", ".join(inputs)})
    if result.message:  # an inbox run that had nothing to do, or found another run going
        logger = get_run_logger()
        (logger.warning if result.message.startswith("skipped") else logger.info)(result.message)
    if result.writer is not None:
        publish_artifacts(result.writer)
    return str(result.out) if result.out else ""


def publish_artifacts(writer: RunWriter) -> None:
    """Summary, report.md and the review queue, for teams reviewing from the Prefect UI (RunWriter.artifacts)."""
    art = writer.artifacts(REVIEW_ARTIFACT_ROWS)
    create_markdown_artifact(key="transnorm-run-summary", description="transnorm run summary: names to decide, "
                             "warnings, errors, counts", markdown=art["summary"])
    create_markdown_artifact(key="transnorm-report", description="the run's report.md", markdown=art["report"])
    create_table_artifact(key="transnorm-review-queue", description="names to decide, most frequent first (top 200)",
                          table=art["queue"])
