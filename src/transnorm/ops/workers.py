"""The worker processes of the `processes` task runner (and of `auto` on a large input).

Spawned (transnorm/spawning.py: they never import the script that started the run), started
ahead by the CLI and warmed up (imports, index, stored tables, the first document's language
models) while the flow process starts Prefect. A worker leaves signals to its run: Ctrl-C or a
SIGTERM to the whole process group stops the run, which stops its workers; and it exits by itself
when the run's process is gone (killed, out of memory), which nothing else would tell it.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from transnorm.spawning import context

log = logging.getLogger(__name__)


class LocalPool:
    """Spawned worker processes for the `processes` runner; rebuilt if a worker dies.

    `warm`: (cfg, first document's text) for warm_worker, which each worker runs when it starts."""

    def __init__(self, workers: int, warm: tuple | None = None):
        self.workers = workers
        self.warm = warm
        self._lock = threading.Lock()
        self._ex = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context("batch"),
                                   initializer=worker_start, initargs=self.warm or ())

    def start(self) -> None:
        """Spawn every worker now (the pool would spawn them at its first tasks)."""
        for _ in range(self.workers):
            self._ex.submit(_ready)

    def submit(self, fn, *args):
        """fn(*args) in a worker, as a Future (a batch started ahead, ops/ahead.py)."""
        return self._ex.submit(fn, *args)

    def run(self, fn, *args):
        ex = self._ex
        try:
            return ex.submit(fn, *args).result()
        except BrokenProcessPool:
            with self._lock:  # replace the pool once; the task's retry runs on the new one
                if self._ex is ex:
                    self._ex = self._new()
                    ex.shutdown(wait=False, cancel_futures=True)
            raise

    def shutdown(self, wait: bool = True) -> None:
        self._ex.shutdown(wait=wait, cancel_futures=True)


def worker_start(cfg=None, first: str | None = None) -> None:
    """A worker process's first step: it ignores Ctrl-C and SIGTERM (its run decides), exits when
    the run's process dies (it holds both ends of its task queue, so nothing else tells it), and
    warms up when prestart() gave it (cfg, the first document's text)."""
    for sig in (signal.SIGINT, signal.SIGTERM):  # the run stops its workers (a group's Ctrl-C or TERM
        signal.signal(sig, signal.SIG_IGN)       # would otherwise break the pool under a running batch)
    parent = multiprocessing.parent_process()
    if parent is not None:
        def orphaned() -> None:
            parent.join()  # returns when the parent's end of the sentinel pipe closes
            os._exit(1)

        threading.Thread(target=orphaned, name="parent-watch", daemon=True).start()
    if cfg is not None:
        warm_worker(cfg, first)


def warm_worker(cfg, first: str | None) -> None:
    """A worker process's start: imports, the index and its stored tables, and the language
    models of the run's first document (1-2 s of CPU lingua would spend on the first detection),
    while the flow process starts Prefect. A failure is left to the first batch, which reports it."""
    try:
        from transnorm.detect import detect_language
        from transnorm.linking.derived import warm_tables
        from transnorm.pipeline import get_index

        warm_tables(get_index(cfg))
        if first:
            detect_language(first, cfg.detect)
    except Exception as exc:  # noqa: BLE001 - never break the pool: the batch meets the problem again
        log.debug("worker warm-up incomplete: %s", exc)


def _ready() -> None:
    """A no-op task: submitting one per worker makes the pool spawn them all at once."""
