"""Batches started ahead: the first batches of a CLI run go to its worker processes before Prefect starts.

`transnorm run` spends 1-1.5 s importing Prefect and creating the flow run, while the worker
processes it started (runner.prestart) are warm after half a second and would wait. So the CLI
plans the input's first batches the way the run will (ledger.plan, read-only: the CLI already
holds the state folder's lock, so nothing changes the ledger meanwhile) and hands them to the
workers at once. Each is keyed by the pipeline digest and its documents' (ledger key, content
hash): when the run's `process-batch` task meets the same batch, it takes the result instead of
starting the work. A batch that differs (the input changed, a model was installed on first use,
so the pipeline digest differs) simply runs as usual, and unclaimed work is dropped with the pool.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

log = logging.getLogger(__name__)

_AHEAD: dict[str, Future] = {}  # token -> the batch's result (a BatchResult), in this process
_PLANNING: list[threading.Thread] = []


def token(pipeline: str, keys: list[tuple[str, str]]) -> str:
    """What identifies a batch's work: the pipeline digest and its documents' keys and content hashes."""
    h = hashlib.sha256(pipeline.encode())
    for key, content in keys:
        h.update(f"\0{key}\0{content}".encode())
    return h.hexdigest()


class _ReadOnly:
    """The ledger as plan() sees it, without the notes plan() leaves for the run's prune()."""

    def __init__(self, ledger):
        self.ledger = ledger

    def see(self, item, key) -> None:
        pass

    def lookup(self, key: str):
        return self.ledger.lookup(key)

    def read(self, row: int, *args):
        return self.ledger.read(row, *args)


def start(pool, process, cfg, inputs: list[str], gazetteer_digest: str, force: bool, batches: int) -> None:
    """Plan the first `batches` batches of `inputs` in a thread and submit process(batch, cfg) for
    each to `pool` (a LocalPool; `process`: the runner's process_documents)."""
    def work() -> None:
        from transnorm.ingest import iter_inputs
        from transnorm.ops.ledger import Ledger, pipeline_digest, plan

        try:
            pipeline = pipeline_digest(cfg, gazetteer_digest)
            with Ledger(cfg.state_dir) as ledger:
                for n, batch in enumerate(plan(iter_inputs(inputs, cfg.ingest), _ReadOnly(ledger), pipeline,
                                               cfg.batch_size, force=force)):
                    if n >= batches:
                        break
                    if batch.todo:
                        _AHEAD[token(pipeline, batch.keys)] = pool.submit(process, batch.todo, cfg)
        except Exception as exc:  # noqa: BLE001 - only a head start: the run plans and meets the problem itself
            log.debug("no batches started ahead: %s", exc)

    thread = threading.Thread(target=work, name="batches-ahead", daemon=True)
    _PLANNING.append(thread)
    thread.start()


def claim(pipeline: str, keys: list[tuple[str, str]]) -> str | None:
    """The token of this batch's work started ahead, or None (the task then runs it as usual)."""
    while _PLANNING:
        _PLANNING.pop().join()
    key = token(pipeline, keys)
    return key if key in _AHEAD else None


def take(key: str):
    """The result of the batch started ahead under `key` (a BatchResult), or None when there is none
    any more (a retry) or its worker process died (the task then runs the batch on the rebuilt pool).
    A batch that failed raises, as the task would have."""
    fut = _AHEAD.pop(key, None)
    if fut is None:
        return None
    try:
        return fut.result()
    except BrokenProcessPool:
        return None


def discard() -> None:
    """Forget what was not claimed (the run stopped, or it planned other batches)."""
    while _PLANNING:
        _PLANNING.pop().join()
    for fut in _AHEAD.values():
        fut.cancel()
    _AHEAD.clear()
