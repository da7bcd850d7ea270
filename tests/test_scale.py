"""Scale-out: the same records whichever task runner runs the batches (threads, processes, Dask LocalCluster)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from synthetic import english_docs, write_jsonl

from transnorm.config import ConfigError, load_config
from transnorm.ingest import iter_inputs

ROOT = Path(__file__).resolve().parents[1]

TRANSNORM = str(Path(sys.executable).parent / "transnorm")


def test_runner_settings_are_validated_and_do_not_change_the_config_hash(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("runner:\n  task_runner: gpu\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="key 'runner.task_runner'"):
        load_config(p)
    p.write_text("runner:\n  task_runner: dask\n  max_workers: 2\n  inbox: in\n", encoding="utf-8")
    cfg = load_config(p)
    assert cfg.runner.inbox == tmp_path / "in" and cfg.runner.workers() == 2
    assert cfg.digest() == load_config(None).digest()  # provenance does not depend on where batches ran


@pytest.mark.slow
@pytest.mark.flow
def test_threads_processes_and_a_dask_local_cluster_write_the_same_records(prefect_server, tmp_path):
    n, batch = 600, 100
    inp = write_jsonl(tmp_path / "in" / "docs.jsonl", english_docs(n, seed=11))
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}
    outs = {}
    for runner in ("threads", "processes", "dask", "auto"):
        cfg = tmp_path / f"{runner}.yaml"
        cfg.write_text(f"state_dir: state\noutputs_dir: outputs\nbatch_size: {batch}\n"
                       f"runner:\n  task_runner: {runner}\n  max_workers: 2\n  retry_delay_seconds: 0\n",
                       encoding="utf-8")
        out = tmp_path / f"out-{runner}"
        res = subprocess.run([TRANSNORM, "run", str(inp), "--config", str(cfg), "--out", str(out), "--force"],
                             env=env, capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stderr[-3000:]
        stats = json.loads((out / "run.json").read_text())
        used = "processes" if runner == "auto" else runner  # 6 batches: auto spawns workers
        assert stats["task_runner"] == used and stats["processed"] == n and stats["tasks"] == n // batch
        outs[runner] = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(outs["threads"]) == n
    # Records carry no timestamps and the config hash leaves `runner` out: byte for byte the same.
    assert outs["processes"] == outs["threads"]
    assert outs["dask"] == outs["threads"]
    assert outs["auto"] == outs["threads"]


def test_auto_spawns_worker_processes_only_for_an_input_of_several_batches(tmp_path):
    from transnorm.config import RunnerConfig
    from transnorm.ops.runner import runner_kind

    two = RunnerConfig(max_workers=2)
    assert runner_kind(two, 100, lambda: 300) == "processes"  # 3 batches: linking on both cores
    assert runner_kind(two, 100, lambda: 299) == "threads"  # a second of worker start-up would not pay
    assert runner_kind(RunnerConfig(max_workers=1), 100, lambda: 10_000) == "threads"
    for kind in ("threads", "processes", "dask"):  # a configured runner is used as it is
        assert runner_kind(RunnerConfig(task_runner=kind, max_workers=2), 100, lambda: 1) == kind


def test_the_cli_starts_the_worker_processes_ahead_and_the_run_takes_them(tmp_path):
    """`transnorm run` spawns and warms the workers before Prefect starts; the run's task runner
    uses that pool (no second one), and a pool no run took is stopped."""
    from transnorm.ops import runner

    inp = write_jsonl(tmp_path / "docs.jsonl", english_docs(8, seed=3))
    cfg = load_config(None).model_copy(update={"batch_size": 2})
    cfg.runner = cfg.runner.model_copy(update={"max_workers": 2})
    assert runner.prestart(cfg, [str(inp)]) == "processes"
    pool = runner._PRESTARTED[0]
    with runner.task_runner(cfg.runner, "processes"):
        assert runner._POOL is pool and not runner._PRESTARTED
        res = runner.run_batch(list(iter_inputs([str(inp)], cfg.ingest))[:2], cfg)
        assert len(res.records) == 2 and res.lines  # ran in a worker: lines encoded there
    assert runner._POOL is None
    assert runner.prestart(cfg, [str(inp)]) == "processes"
    unused = runner._PRESTARTED[0]
    runner.discard_prestarted()
    assert not runner._PRESTARTED
    with pytest.raises(RuntimeError, match="shutdown"):
        unused._ex.submit(int)  # its workers are gone


def test_the_cli_hands_the_first_batch_to_the_workers_before_prefect_starts(tmp_path):
    """prestart() with the index's digest plans the input's first batch as the run will and starts it
    in a worker (ops/ahead.py); the run's task for that batch takes the result instead of starting
    the work again, with the same records; a batch that differs from the plan runs as usual."""
    import gc

    from transnorm.ops import ahead, runner
    from transnorm.ops.ledger import content_hash, item_key, pipeline_digest
    from transnorm.pipeline import get_index, process_batch

    inp = write_jsonl(tmp_path / "docs.jsonl", english_docs(8, seed=5))
    cfg = load_config(None).model_copy(update={"batch_size": 2, "state_dir": tmp_path / "state"})
    cfg.runner = cfg.runner.model_copy(update={"max_workers": 2})
    digest = get_index(cfg).digest
    items = list(iter_inputs([str(inp)], cfg.ingest))
    keys = [(item_key(d), content_hash(d)) for d in items]
    pipeline = pipeline_digest(cfg, digest)
    try:
        assert runner.prestart(cfg, [str(inp)], digest) == "processes"
        first = ahead.claim(pipeline, keys[:2])
        assert first is not None  # one batch ahead: the flow process keeps the other core
        assert ahead.claim(pipeline, keys[2:4]) is None
        assert ahead.claim("another pipeline", keys[:2]) is None  # e.g. a model installed meanwhile
        with runner.task_runner(cfg.runner, "processes"):
            res = runner.run_batch(items[:2], cfg, first)
            assert ahead._AHEAD == {}  # taken, not run again
            again = runner.run_batch(items[:2], cfg, first)  # a retry: runs as usual
        expected = [r.to_line() for r in process_batch(items[:2], cfg)]
        assert [r.to_line() for r in res.records] == expected == [r.to_line() for r in again.records]
        assert res.lines == expected  # encoded in the worker
        assert gc.isenabled()  # paused only while a batch's records were unpickled
    finally:
        runner.discard_prestarted()
    assert ahead._AHEAD == {} and not runner._PRESTARTED


ORPHAN = """
import os, sys, time
from transnorm.ops.workers import LocalPool
pool = LocalPool(2)
pool.start()
while len(pool._ex._processes) < 2 or not all(p.pid for p in pool._ex._processes.values()):
    time.sleep(0.05)
time.sleep(1)
open(sys.argv[1], "w").write(" ".join(str(p.pid) for p in pool._ex._processes.values()))
os._exit(9)  # as SIGKILL or the OOM killer: no cleanup
"""


def test_worker_processes_exit_when_the_run_process_is_killed(tmp_path):
    """A killed run must not leave its workers running, each holding the index (they hold both ends
    of their task queue, so nothing else tells them)."""
    out = tmp_path / "pids"
    subprocess.run([sys.executable, "-c", ORPHAN, str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=120)
    pids = [int(p) for p in out.read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 20
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in _state(p)]
    assert alive == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
