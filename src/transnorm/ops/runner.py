"""How a run executes: the task runner (threads, processes, Dask), retries, and the run loop.

Config key `runner` (RunnerConfig). The flow in flows/pipeline.py calls `run()`; this module
holds the logic so the flow stays thin, and imports Prefect only when a run starts (loading a
config must stay cheap).

* `threads` — Prefect's ThreadPoolTaskRunner: one process. Translation (CTranslate2) runs outside
  the GIL; name linking does not, so English-heavy work gains little from more threads.
* `processes` — each `process-batch` task is still a Prefect task run in a thread of the flow
  process (visible, retried), but its work goes to a pool of `max_workers` spawned Python processes
  that live for the whole run (they load the gazetteer index once). Prefect 3.9 does ship a
  ProcessPoolTaskRunner, but it costs 0.15-0.4 s per task on these machines (a task engine and
  settings rebuilt per task in the child), against 10-20 ms here; `benchmarks/bench_flow.py`
  measures both.
* `dask` — prefect-dask's DaskTaskRunner: an existing cluster (`dask_address`, e.g.
  tcp://scheduler:8786) or, when empty, a LocalCluster of `max_workers` single-threaded worker
  processes. Each task costs 0.13-0.3 s there, so keep batches in the hundreds of documents or more.

Every task gets `retries` retries `retry_delay_seconds` apart (a transient failure: a worker
lost, a locked database, a full disk freed). A batch that still fails is processed again one
document at a time in the flow: documents that fail on their own become error rows (and are
retried by the next run); if every document fails, the error is systemic and the run fails,
keeping what it already committed.
"""
from __future__ import annotations

import json
import logging
import os
import pickle
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from transnorm.config import RunnerConfig
from transnorm.ops import ahead
from transnorm.ops import inputs as inputs_
from transnorm.ops.workers import LocalPool

log = logging.getLogger(__name__)
MIN_IN_FLIGHT = 4  # batches submitted ahead of the writer, at least


@dataclass
class BatchResult:
    records: list | None  # None while `packed`
    lines: list[bytearray] | None  # the records.jsonl lines (UTF-8) encoded where the task ran, or None
    seconds: float  # time in the stages and encoding, measured where the task ran
    packed: bytes | None = None  # the records, pickled in a worker process: see unpack()

    def unpack(self) -> "BatchResult":
        """The records unpickled with Python's cyclic garbage collector paused. Unpickling a batch makes
        thousands of objects at once, and the collections that triggers scan the whole flow process:
        2,000 documents' records took 0.6 s to unpickle with it on and 0.1 s with it off."""
        if self.packed is not None:
            from transnorm.gazetteer.compile import no_gc

            with _UNPACKING, no_gc():
                self.records = pickle.loads(self.packed)
            self.packed = None
        return self


_UNPACKING = threading.Lock()


def process_documents(batch: list, cfg, encode: bool = True, pack: bool = True) -> BatchResult:
    """The stages on one batch, timed (plain function: runs in a thread, a process or a Dask worker).

    `encode`: also encode the lines here (a worker process: the flow process gets them ready). A thread
    leaves that to the writer, which streams each line to the file, so no line is ever held whole.
    `pack`: and pickle the records here, for the flow process to unpack() (a LocalPool worker)."""
    from transnorm.pipeline import process_batch

    t0 = time.perf_counter()
    records = process_batch(batch, cfg)
    lines = [r.to_line() for r in records] if encode else None
    if encode and pack:
        return BatchResult(None, lines, time.perf_counter() - t0, pickle.dumps(records, pickle.HIGHEST_PROTOCOL))
    return BatchResult(records, lines, time.perf_counter() - t0)


_POOL: "LocalPool | None" = None  # set while a `processes` run is going, in the flow process only
_PRESTARTED: list[LocalPool] = []  # started by prestart() for the run about to begin


def prestart(cfg, inputs: list[str], gazetteer_digest: str | None = None, force: bool = False) -> str:
    """Before a run starts Prefect (the CLI): when the run will use worker processes, spawn and warm
    them now, so their start-up overlaps the flow process's, and with `gazetteer_digest` hand them
    the input's first batches (ops/ahead.py). Returns the runner kind the run uses; the run's
    task_runner adopts the pool, discard_prestarted() stops an unused one."""
    kind = planned_kind(cfg, inputs)
    if kind == "processes" and not _PRESTARTED:
        pool = LocalPool(cfg.runner.workers(), warm=(cfg, inputs_.first_text(inputs, cfg.ingest)))
        pool.start()
        _PRESTARTED.append(pool)
        if gazetteer_digest:
            ahead.start(pool, process_documents, cfg, inputs, gazetteer_digest, force,
                        max(1, cfg.runner.workers() - 1))
    return kind


def planned_kind(cfg, inputs: list[str]) -> str:
    """The runner kind a run over `inputs` will use, decided before it starts (inputs counted once)."""
    return runner_kind(cfg.runner, cfg.batch_size, lambda: inputs_.estimate(inputs))


def detects_here(cfg, inputs: list[str]) -> bool:
    """Whether this process detects languages in the run over `inputs`: its batches run here
    (`threads`). With worker processes or Dask, warming lingua here (1-2 s of CPU) would only
    take a core from the workers warming up."""
    return planned_kind(cfg, inputs) == "threads"


def discard_prestarted() -> None:
    ahead.discard()
    while _PRESTARTED:
        _PRESTARTED.pop().shutdown()


def run_batch(batch: list, cfg, ahead_key: str | None = None) -> BatchResult:
    """Body of the `process-batch` Prefect task. `ahead_key`: the batch was started ahead (ops/ahead.py)."""
    pool = _POOL
    if pool is not None:  # a `processes` run (or `auto` that chose processes) in this flow process
        started = ahead.take(ahead_key) if ahead_key else None
        return (started if started is not None else pool.run(process_documents, batch, cfg)).unpack()
    return process_documents(batch, cfg, encode=cfg.runner.task_runner == "dask", pack=False)


def batch_task(rcfg: RunnerConfig):
    """The Prefect task (built at run time: retries come from the config)."""
    from prefect import task
    from prefect.cache_policies import NO_CACHE

    return task(run_batch, name="process-batch", cache_policy=NO_CACHE, retries=rcfg.retries,
                retry_delay_seconds=rcfg.retry_delay_seconds)


def in_flight(slots: int) -> int:
    """Batches submitted ahead of the writer, for `slots` batches running at once."""
    return max(MIN_IN_FLIGHT, 2 * slots)


AUTO_PROCESSES_BATCHES = 3  # `auto` spawns worker processes for inputs of at least this many batches


def runner_kind(rcfg: RunnerConfig, batch_size: int, documents: Callable[[], int]) -> str:
    """The task runner a run uses: the configured one, or for `auto`, `processes` when the input
    fills AUTO_PROCESSES_BATCHES batches and there are two workers or more (name linking holds the
    GIL, so threads run it one batch at a time), else `threads` (a spawned worker costs a second
    of start-up: more than a small run takes). `documents()`: estimate_documents of the inputs."""
    if rcfg.task_runner != "auto":
        return rcfg.task_runner
    if rcfg.workers() < 2:
        return "threads"
    return "processes" if documents() >= AUTO_PROCESSES_BATCHES * batch_size else "threads"


@contextmanager
def task_runner(rcfg: RunnerConfig, kind: str | None = None) -> Iterator[tuple[Any, int]]:
    """The started Prefect task runner (`kind`, as runner_kind chose; default: the configured one)
    and how many batches may run at once."""
    global _POOL
    from prefect.task_runners import ThreadPoolTaskRunner

    kind = kind or rcfg.task_runner
    with ExitStack() as stack:
        if kind == "dask":
            os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # before dask is imported
            try:
                from prefect_dask import DaskTaskRunner
            except ImportError as exc:
                raise RuntimeError("runner.task_runner: dask needs prefect-dask: pip install prefect-dask") from exc

            if rcfg.dask_address:
                runner = DaskTaskRunner(address=rcfg.dask_address)
            else:
                runner = DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs={
                    "n_workers": rcfg.workers(), "threads_per_worker": 1, "processes": True,
                    "host": "127.0.0.1", "dashboard_address": ":0"})
            stack.enter_context(runner)
            slots = sum(runner.client.nthreads().values()) or rcfg.workers()
        else:
            slots = rcfg.workers()
            # processes: a thread per batch in flight, so each worker's next batch already waits in
            # the pool's queue while Prefect ends the task before it (0.2 s a task, idle workers else)
            threads = in_flight(slots) if kind == "processes" else slots
            runner = stack.enter_context(ThreadPoolTaskRunner(max_workers=threads))
            if kind == "processes":
                _POOL = _PRESTARTED.pop() if _PRESTARTED else LocalPool(rcfg.workers())
                stack.push(_close_pool)
        yield runner, slots


def _close_pool(exc_type=None, *_exc) -> None:
    """Stop the run's worker processes: after their batches when the run ended well; at once when
    it stopped (an interrupt, a failure): a batch still running is abandoned with its worker."""
    global _POOL
    pool, _POOL = _POOL, None
    ahead.discard()
    if pool is not None:
        pool.shutdown(wait=exc_type is None)


def flow_stub(name: str):
    """What a process unpickles in place of the flow (ops/flow.py PortableFlow): the flow itself where
    transnorm.ops.flow is already imported (a flow run handed to a warm process, ops/warm.py), else a
    stub carrying its name (a task's worker)."""
    import sys

    module = sys.modules.get("transnorm.ops.flow")
    live = getattr(module, "translate_normalise", None)
    if live is not None and live.name == name:
        return live
    return _stub(name)


@lru_cache(maxsize=8)
def _stub(name: str):
    from prefect import Flow

    return Flow(_flow_stub_body, name=name)


def _flow_stub_body() -> None:  # never called: tasks only read the flow's name and settings
    raise RuntimeError("flow stub")


_HELD: dict[Path, Any] = {}  # state folder -> StateLock taken ahead by hold_state()
_HELD_OUT: dict[Path, Any] = {}  # output folder -> OutLock taken ahead by hold_out()


def hold_state(state_dir: Path):
    """Take the state folder's lock now, for the next run() in this process on that folder.

    The CLI calls this before it starts Prefect: a second `transnorm run` started seconds after a
    first one then gets the one-line refusal (StateLocked) at once, instead of failing inside a
    flow run with a traceback. Raises StateLocked."""
    from transnorm.ops.ledger import StateLock

    key = Path(state_dir).resolve()
    if key not in _HELD:
        _HELD[key] = StateLock(state_dir).acquire()
    return _HELD[key]


def hold_out(out: Path):
    """Claim the output folder now, for the next run() in this process writing it (as hold_state).

    Raises StateLocked when another run writes it, OSError when it cannot be created or written."""
    from transnorm.ops.ledger import OutLock

    key = Path(out).resolve()
    if key not in _HELD_OUT:
        _HELD_OUT[key] = OutLock(out).acquire()
    return _HELD_OUT[key]


def _claim_out(out: Path):
    """The output folder's lock: the one held ahead by hold_out(), else taken now."""
    from transnorm.ops.ledger import OutLock

    return _HELD_OUT.pop(Path(out).resolve(), None) or OutLock(out).acquire()


def _ingest(items: Iterator) -> Iterator:
    """The input, with the kill point `ingest` after the first item."""
    from transnorm.ops import faults

    for n, item in enumerate(items):
        yield item
        if n == 0:
            faults.reached("ingest")


def run_logger():
    """Prefect's run logger inside a flow run (its INFO lines show in the UI), else this module's."""
    try:
        from prefect import get_run_logger
        from prefect.exceptions import MissingContextError

        try:
            return get_run_logger()
        except MissingContextError:
            return log
    except ImportError:
        return log


@dataclass
class RunResult:
    out: Path | None = None  # the run folder; None when an inbox run had nothing to do
    writer: Any = None
    processed: int = 0  # documents run through the stages
    reused: int = 0  # unchanged documents whose stored record was written again
    unchanged: int = 0  # unchanged documents (reused or, for inbox runs, skipped)
    retry_next: int = 0  # documents that failed alone and are retried by the next run
    tasks: int = 0
    batches: int = 0  # batches written
    stage_seconds: float = 0.0  # inside process_batch, summed over tasks
    write_seconds: float = 0.0  # run folder, ledger and consolidated store
    report_seconds: float = 0.0  # report.md, report.html, review.csv
    wall_seconds: float = 0.0
    consolidated: Path | None = None
    runner: str = ""  # the task runner used (runner_kind)
    message: str = ""
    stats: dict = field(default_factory=dict)

    def summary(self, inbox: bool) -> str:
        return (f"{self.processed} processed, {self.unchanged} unchanged since an earlier run "
                f"({'left out' if inbox else 'stored record reused'})")


def run(cfg, gazetteer_digest: str, inputs: list[str], out: Path | None = None, force: bool = False,
        inbox: bool = False, header: dict[str, str] | None = None) -> RunResult:
    """Process `inputs` incrementally into a run folder and the consolidated store.

    inbox=False (a run on demand): every input document gets its line in the run's records.jsonl;
    unchanged documents reuse their stored record. inbox=True: only new or changed documents are
    processed and written; nothing new means no run folder. `force`: the ledger is ignored.
    Raises StateLocked when another run holds the state folder (an inbox run just skips).
    """
    from transnorm.ops.ledger import StateLock, StateLocked
    from transnorm.ops.output import RunWriter, default_out_dir
    from transnorm.pipeline import get_index

    t0 = time.perf_counter()
    result = RunResult()
    lock = _HELD.pop(Path(cfg.state_dir).resolve(), None) or StateLock(cfg.state_dir)
    try:
        lock.__enter__()  # a lock held ahead (hold_state) stays held; else acquire it now
    except StateLocked as exc:
        if not inbox:
            raise
        result.message = f"skipped: {exc}"
        return result
    header = dict(header or {})

    out_lock = None

    def writer() -> RunWriter:
        nonlocal out_lock
        if result.writer is None:
            folder = out or default_out_dir(cfg.outputs_dir)
            out_lock = _claim_out(folder)  # before anything in it is touched
            result.writer = RunWriter(folder, header=header, limits=cfg.report, gazetteer=lambda: get_index(cfg))
            result.out = result.writer.out
        return result.writer

    try:
        _run(cfg, gazetteer_digest, inputs, force, inbox, result, lock, writer, t0)
    finally:
        if out_lock is not None:
            out_lock.release()
    return result


def _run(cfg, gazetteer_digest, inputs, force, inbox, result, lock, writer, t0) -> None:
    from transnorm.ingest import iter_inputs
    from transnorm.ops import faults, progress
    from transnorm.ops.ledger import RETRY_HASH, Ledger, pipeline_digest, plan
    from transnorm.ops.signals import checked_sigterm

    known = inputs_.take_estimate(inputs)  # prestart's count of these inputs, if it counted them

    def documents() -> int:
        nonlocal known
        if known is None:
            known = inputs_.estimate_documents(inputs)
        return known

    result.runner = runner_kind(cfg.runner, cfg.batch_size, documents)
    with lock, Ledger(cfg.state_dir) as ledger, task_runner(cfg.runner, result.runner) as (runner, slots), \
            checked_sigterm() as stop_if_signalled:
        pipeline = pipeline_digest(cfg, gazetteer_digest)
        task = batch_task(cfg.runner)
        if not inbox:
            writer()
        batches = plan(_ingest(iter_inputs(inputs, cfg.ingest)), ledger, pipeline, cfg.batch_size,
                       force=force, keep_unchanged=not inbox)
        pending: list = []
        logger = run_logger()
        progress.phase("documents", documents() if progress.active() else None, "documents")
        t_batches = time.perf_counter()

        def drain() -> None:
            stop_if_signalled()  # a SIGTERM a finalizer swallowed (ops/signals.py)
            batch, fut = pending.pop(0)
            processed, hashes, lines = [], [h for _, h in batch.keys], None
            if fut is not None:
                try:
                    res = fut.result()
                    processed, lines = res.records, res.lines
                    result.stage_seconds += res.seconds
                except Exception as exc:  # retries exhausted
                    processed, failed = isolate(batch.todo, cfg, exc)
                    hashes = [RETRY_HASH if i in failed else h for i, h in enumerate(hashes)]
                    result.retry_next += len(failed)
                fut = res = None  # the records go once written: a huge document's are not held while committed
            records = batch.merge(processed)
            if not records:
                return
            t = time.perf_counter()
            w = writer()
            refs = w.write(records, lines)
            n_processed = len(processed)
            records = processed = lines = None
            batch.todo.clear()
            w.sync()  # durable before the ledger says so
            fresh = [ref for ref, slot in zip(refs, batch.slots) if slot is None]  # the processed ones
            ledger.commit(((k, h, ref) for (k, _), h, ref in zip(batch.keys, hashes, fresh)),
                          pipeline, str(w.out))
            faults.reached("batch")
            result.write_seconds += time.perf_counter() - t
            result.processed += n_processed
            result.reused += len(refs) - n_processed
            progress.advance(len(refs))
            done = result.processed + result.reused
            logger.info("batch %d: %d document(s) written (%d processed, %d reused); %d so far, %.1f documents/s",
                        result.batches + 1, len(refs), n_processed, len(refs) - n_processed, done,
                        done / max(time.perf_counter() - t_batches, 1e-6))
            result.batches += 1

        for batch in batches:
            result.unchanged += batch.unchanged
            key = ahead.claim(pipeline, batch.keys) if batch.todo and _POOL is not None else None
            fut = runner.submit(task, {"batch": batch.todo, "cfg": cfg, "ahead_key": key}) if batch.todo else None
            result.tasks += fut is not None
            pending.append((batch, fut))
            if len(pending) >= in_flight(slots):
                drain()
        batch = fut = None  # drain() alone holds the last batch and its result: freed once written
        while pending:
            drain()
        stop_if_signalled()
        t = time.perf_counter()
        if result.writer is not None:
            progress.phase("reports")
            w = result.writer
            w.header["processing"] = result.summary(inbox)
            w.close()
            logger.info("wrote %s: %s", w.out, result.summary(inbox))
        result.report_seconds = time.perf_counter() - t
        t = time.perf_counter()
        ledger.prune()  # the whole input was read: rows its files no longer hold go
        if ledger.stale():  # this run committed, or an earlier one was killed before its export ended
            result.consolidated = ledger.export()
        result.write_seconds += time.perf_counter() - t
    result.wall_seconds = time.perf_counter() - t0
    if result.out is not None:
        faults.reached("manifest")
        _write_manifest(result, cfg)  # last: the run folder is complete iff run.json exists
    else:
        result.message = f"nothing new: {result.unchanged} unchanged document(s) in {', '.join(inputs)}"


def isolate(items: list, cfg, exc: BaseException) -> tuple[list, set[int]]:
    """A batch that failed after its retries, one document at a time (in the flow process)."""
    from transnorm.pipeline import error_record, process_batch
    from transnorm.records import Document, Record

    out, failed = [], set()
    for i, item in enumerate(items):
        try:
            out.extend(process_batch([item], cfg))
        except Exception as one:  # noqa: BLE001 - this document alone fails: an error row
            failed.add(i)
            if isinstance(item, Document):
                out.append(Record(id=item.id, source=item.source, lang=None, text=item.text, text_en=None,
                                  warnings=list(item.warnings), meta=item.meta,
                                  errors=[f"{item.source}: internal error {type(one).__name__}: {one}"]))
            else:
                out.append(error_record(item))
    if failed and len(failed) == len(items) and len(items) > 1:
        raise exc  # every document fails: not a document problem
    log.warning("batch failed (%s: %s); %d of %d document(s) fail on their own", type(exc).__name__, exc,
                len(failed), len(items))
    return out, failed


def _write_manifest(result: RunResult, cfg) -> None:
    """run.json: what the run did (counts, timings), for scripts and monitoring."""
    from transnorm.files import atomic_write_text, fsync_dir

    data = {"processed": result.processed, "unchanged": result.unchanged, "reused": result.reused,
            "retry_next_run": result.retry_next, "tasks": result.tasks,
            "task_runner": result.runner, "workers": cfg.runner.workers(),
            "batch_size": cfg.batch_size, "stage_seconds": round(result.stage_seconds, 3),
            "write_seconds": round(result.write_seconds, 3), "report_seconds": round(result.report_seconds, 3),
            "wall_seconds": round(result.wall_seconds, 3),
            "consolidated": str(result.consolidated) if result.consolidated else None}
    w = result.writer
    if w is not None:  # what the CLI's end-of-run summary reports
        data.update({"documents": w.stats.documents, "documents_with_errors": w.stats.by_doc_status["error"],
                     "names_to_review": w.review_total, "no_english": dict(w.stats.no_english)})
    result.stats = data
    atomic_write_text(result.out / "run.json", json.dumps(data, indent=2, allow_nan=False) + "\n")
    fsync_dir(result.out)
