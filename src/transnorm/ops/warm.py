"""Flow runs of `transnorm serve` start in a process that warmed up beforehand.

Prefect's runner starts every flow run in a new Python process: for a flow it holds (Runner.add_flow)
a spawned process (prefect.runner._starter_direct.DirectSubprocessStarter, which calls
prefect.flow_engine.run_flow_in_subprocess). Before the flow's first line that process pays 2-3 CPU
seconds: importing Prefect and transnorm (1.7 CPU s), loading the gazetteer index. On a one-document
on-demand run that was most of the wait.

Here `serve` keeps one such process started ahead: it has imported all of that, loaded the index, and
waits on a pipe. When a flow run comes, Prefect builds its serialized call as always
(the same function, through a multiprocessing context that hands the call to the waiting process
instead of spawning), and the next process starts warming up for the run after. Each flow run still
has a process of its own (cancellation, crash detection and isolation as before); only its start-up
moved ahead. Costs: one idle process holding the index (config `runner.warm_start: false` turns this
off). lingua's models are not loaded ahead: all of them cost 2.5 CPU s and 250 MB, where a run loads
only what its first document needs (prepare_gazetteer, detect.warm_in_background) while it starts.
Against a Prefect without these hooks, runs start as Prefect starts them.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def warm_main(conn: Connection, config: str | None) -> None:
    """The waiting process: import and load what a flow run needs, then run the one call it is handed
    (Prefect's serialized flow run) and exit. Exits quietly when serve goes away first."""
    from transnorm.ops.quiet import quiet_prefect

    quiet_prefect()
    try:
        import lingua  # noqa: F401  (its models load later, as the run's first document needs them)
        import prefect.flow_engine  # noqa: F401

        from transnorm.config import load_config
        from transnorm.linking.derived import warm_tables
        from transnorm.ops import flow  # noqa: F401  (runner.flow_stub then unpickles the flow itself)
        from transnorm.pipeline import get_index

        cfg = load_config(Path(config) if config else None)
        warm_tables(get_index(cfg))  # memoised; reloaded by the run if the gazetteer changed meanwhile
    except KeyboardInterrupt:
        return  # a terminal's Ctrl-C reached the whole group: serve is stopping
    except Exception as exc:  # noqa: BLE001 - the run itself will meet and report the problem
        log.debug("warm-up incomplete: %s", exc)
    try:
        target, args = conn.recv()
    except (EOFError, OSError, KeyboardInterrupt):
        return  # serve stopped
    conn.close()
    target(*args)


class _HandOver:
    """A multiprocessing context for Prefect's run_flow_in_subprocess: its `Process(target, args)` is the
    warm process, whose `start()` sends it the call."""

    def __init__(self, process, conn: Connection):
        self.process, self.conn = process, conn

    def Process(self, target, args=(), **_: Any):  # noqa: N802 - multiprocessing's name
        conn = self.conn

        def start() -> None:
            conn.send((target, args))
            conn.close()

        self.process.start = start  # already running: "starting" it hands over the call
        return self.process

    def get_context(self, method: str | None = None) -> "_HandOver":
        return self

    def __getattr__(self, name: str):  # anything else Prefect asks of the multiprocessing module
        return getattr(multiprocessing, name)


class WarmStarts:
    """One process warming up ahead of the next flow run; `install()` makes Prefect's runner use it."""

    def __init__(self, config: Path | None):
        self.config = str(config) if config else None
        self._lock = threading.Lock()
        self._waiting: tuple[Any, Connection] | None = None
        self._original = None

    def _spawn(self) -> tuple[Any, Connection]:
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe()
        proc = ctx.Process(target=warm_main, args=(theirs, self.config), name="transnorm-flow-run")
        proc.start()
        theirs.close()
        return proc, ours

    def prepare(self) -> None:
        """Start warming a process for the next run, unless one is waiting."""
        with self._lock:
            if self._waiting is None or not self._waiting[0].is_alive():
                self._waiting = self._spawn()

    def take(self) -> tuple[Any, Connection]:
        """The waiting process (a new one when it died), and another starts warming up for later."""
        with self._lock:
            got, self._waiting = self._waiting, None
            if got is None or not got[0].is_alive():
                got = self._spawn()  # warms up, then runs: as slow as Prefect's own start
            self._waiting = self._spawn()
        return got

    def run_flow_in_subprocess(self, *args: Any, **kwargs: Any):
        """Prefect's run_flow_in_subprocess (same call, same serialized payload), in a warm process."""
        from prefect import flow_engine

        process, conn = self.take()
        with _ENGINE_LOCK:
            saved = flow_engine.multiprocessing
            flow_engine.multiprocessing = _HandOver(process, conn)
            try:
                return self._original(*args, **kwargs)
            finally:
                flow_engine.multiprocessing = saved

    def install(self) -> bool:
        """Route the runner's direct flow starts here; False (nothing changed) when this Prefect
        has no such hook."""
        try:
            from prefect import flow_engine
            from prefect.runner import _starter_direct
        except ImportError:
            return False
        if not (hasattr(_starter_direct, "run_flow_in_subprocess") and hasattr(flow_engine, "multiprocessing")):
            return False
        self._original = flow_engine.run_flow_in_subprocess
        _starter_direct.run_flow_in_subprocess = self.run_flow_in_subprocess
        self.prepare()
        return True

    def close(self) -> None:
        """Stop the idle process (a flow run already handed over goes on)."""
        with self._lock:
            got, self._waiting = self._waiting, None
        if got is not None:
            proc, conn = got
            conn.close()  # it exits on EOF
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()


_ENGINE_LOCK = threading.Lock()
