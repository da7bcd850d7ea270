"""Memoised loaders that compute once per process even under the threads task runner.

functools.lru_cache lets two threads that miss at the same moment both compute: with two batch
tasks starting together, every lazily loaded dictionary (gender-guesser's 48,000 names, lingua's
models) and every translation model was loaded twice, a second of CPU each under the GIL and
twice the memory. `loaded_once` holds a lock per function while it computes; a thread that misses
meanwhile waits and then reads the result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import wraps
from typing import Callable, TypeVar

T = TypeVar("T")


def loaded_once(maxsize: int = 1) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Like lru_cache(maxsize) over hashable positional arguments (keeping the newest `maxsize`
    keys), computing each key once."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        results: OrderedDict[tuple, T] = OrderedDict()
        lock = threading.Lock()

        @wraps(fn)
        def wrapper(*args):
            try:
                return results[args]  # the common case: no lock
            except KeyError:
                pass
            with lock:
                if args not in results:
                    value = fn(*args)
                    results[args] = value
                    while len(results) > maxsize:
                        results.popitem(last=False)
                return results[args]

        def cache_clear() -> None:
            with lock:
                results.clear()

        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return wrapper

    return decorate
