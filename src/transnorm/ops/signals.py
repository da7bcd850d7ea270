"""A SIGTERM that lands while the main thread runs a finalizer still stops the run.

Inside a flow run, Prefect's SIGTERM handler raises TerminationSignal in the main thread, wherever it
is. When that is a finalizer (an object's `__del__`, run by the garbage collector), Python prints
"Exception ignored in ..." and drops the exception: the run went on and exited 0 (test_runtime's
SIGTERM test met it). The run loop wraps the handler to remember the signal and raises it again at
its next batch boundary.

The same wrapper tells the CLI at once (ON_STOP): Prefect's unwinding can take as long as a batch
task's retry delay (the task runner joins a thread sleeping it out), so the CLI's exit deadline
starts at the signal, not when Prefect hands the signal on.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

ON_STOP: list[Callable[[], None]] = []  # called at the first SIGTERM the run loop sees (cli/run.py)


@contextmanager
def checked_sigterm() -> Iterator[Callable[[], None]]:
    """Yields check(): raises through the SIGTERM handler in place when a SIGTERM came meanwhile
    (a no-op outside the main thread, or when no Python handler is installed)."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    previous = signal.getsignal(signal.SIGTERM)
    if not callable(previous):
        yield lambda: None
        return
    got: list[int] = []

    def handler(signum, frame) -> None:
        if not got:
            for hook in list(ON_STOP):
                hook()
        got.append(signum)
        previous(signum, frame)

    def check() -> None:
        if got:
            previous(got[-1], None)

    signal.signal(signal.SIGTERM, handler)
    try:
        yield check
    finally:
        if signal.getsignal(signal.SIGTERM) is handler:
            signal.signal(signal.SIGTERM, previous)
