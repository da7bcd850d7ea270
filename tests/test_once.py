"""Lazily loaded dictionaries and models load once per process, also when the threads task runner
starts two batches at the same moment (functools.lru_cache would load them twice)."""

from __future__ import annotations

import threading
import time

from transnorm.once import loaded_once


def test_threads_missing_together_compute_once_and_share_the_result():
    calls = []
    start = threading.Barrier(4)

    @loaded_once()
    def load(name: str) -> object:
        calls.append(name)
        time.sleep(0.2)  # a dictionary being read: the other threads arrive meanwhile
        return object()

    got = []

    def batch():
        start.wait()
        got.append(load("names"))

    threads = [threading.Thread(target=batch) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["names"]
    assert len(got) == 4 and all(g is got[0] for g in got)


def test_keeps_the_newest_keys_and_can_be_cleared():
    calls = []

    @loaded_once(2)
    def model(pair: str) -> str:
        calls.append(pair)
        return pair.upper()

    assert [model("ru"), model("uk"), model("ru")] == ["RU", "UK", "RU"]
    assert calls == ["ru", "uk"]
    model("en")  # a third key: the oldest one goes
    model("ru")
    assert calls == ["ru", "uk", "en", "ru"]
    model.cache_clear()
    model("uk")
    assert calls[-1] == "uk" and len(calls) == 5

