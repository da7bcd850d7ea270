"""Start-up work moved ahead of a run: `transnorm serve`'s warm flow-run process (ops/warm.py), the flow
unpickled as itself where it is loaded, and flow parameters serialized without FastAPI."""

from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path

import cloudpickle
import pytest


def _report(path: str) -> None:
    """What the flow-run process sees when it is handed its call (module-level: picklable)."""
    Path(path).write_text(json.dumps({"pid": os.getpid(), "modules": sorted(
        m for m in ("prefect.flow_engine", "transnorm.ops.flow", "transnorm.pipeline") if m in sys.modules)}))


def _prefect_like_start(path: str):
    """What prefect.flow_engine.run_flow_in_subprocess does with multiprocessing: a spawn context's
    Process(target, args), started, returned."""
    from prefect import flow_engine

    process = flow_engine.multiprocessing.get_context("spawn").Process(target=_report, args=(path,))
    process.start()
    return process


@pytest.mark.slow
def test_a_flow_run_goes_to_the_process_warmed_ahead_and_the_next_one_warms_up(tmp_path, full_index):
    import multiprocessing

    from prefect import flow_engine

    from transnorm.ops.warm import WarmStarts

    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"state_dir: {tmp_path / 'state'}\n", encoding="utf-8")
    warm = WarmStarts(cfg)
    warm._original = _prefect_like_start  # stands in for Prefect's function (install() sets the real one)
    warm.prepare()
    waiting = warm._waiting[0]
    try:
        process = warm.run_flow_in_subprocess(str(tmp_path / "seen.json"))
        assert process is waiting  # no new process for this run: the one started ahead
        process.join(timeout=120)
        assert process.exitcode == 0
        seen = json.loads((tmp_path / "seen.json").read_text())
        assert seen["pid"] == waiting.pid
        assert seen["modules"] == ["prefect.flow_engine", "transnorm.ops.flow", "transnorm.pipeline"]
        assert flow_engine.multiprocessing is multiprocessing  # Prefect's module is left as it was
        following = warm._waiting[0]
        assert following.pid != waiting.pid and following.is_alive()  # the next run's process
    finally:
        warm.close()
    following.join(timeout=30)
    assert not following.is_alive()  # serve stopping stops the idle process


def test_the_flow_unpickles_as_itself_where_its_module_is_loaded():
    from transnorm.ops.flow import translate_normalise

    again = pickle.loads(cloudpickle.dumps(translate_normalise))
    assert again is translate_normalise
    assert again.fn.__name__ == "translate_normalise"


@pytest.mark.parametrize("params", [
    {"inputs": ["/data/a.txt", "/data/b folder/"], "out": None, "config": "/etc/t.yaml", "force": True,
     "inbox": False, "offline": False},
    {"inputs": None, "out": "/tmp/out", "config": None, "force": False, "inbox": True, "offline": True},
])
def test_flow_parameters_are_stored_as_prefect_would_store_them(params):
    from prefect import Flow

    from transnorm.ops.flow import translate_normalise

    assert translate_normalise.serialize_parameters(params) == Flow.serialize_parameters(translate_normalise, params)


def test_parameters_that_are_not_plain_json_go_through_prefects_encoder():
    from transnorm.ops.flow import translate_normalise

    got = translate_normalise.serialize_parameters({"inputs": [Path("/data/a.txt")], "out": Path("/tmp/o")})
    assert got == {"inputs": ["/data/a.txt"], "out": "/tmp/o"}
