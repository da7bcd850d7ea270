"""Scale-out: the same records whichever task runner runs the batches (threads, processes, Dask LocalCluster)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from synthetic import english_docs, write_jsonl

from transnorm.config import ConfigError, load_config

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
    for runner in ("threads", "processes", "dask"):
        cfg = tmp_path / f"{runner}.yaml"
        cfg.write_text(f"state_dir: state\noutputs_dir: outputs\nbatch_size: {batch}\n"
                       f"runner:\n  task_runner: {runner}\n  max_workers: 2\n  retry_delay_seconds: 0\n",
                       encoding="utf-8")
        out = tmp_path / f"out-{runner}"
        res = subprocess.run([TRANSNORM, "run", str(inp), "--config", str(cfg), "--out", str(out), "--force"],
                             env=env, capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stderr[-3000:]
        stats = json.loads((out / "run.json").read_text())
        assert stats["task_runner"] == runner and stats["processed"] == n and stats["tasks"] == n // batch
        outs[runner] = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(outs["threads"]) == n
    # Records carry no timestamps and the config hash leaves `runner` out: byte for byte the same.
    assert outs["processes"] == outs["threads"]
    assert outs["dask"] == outs["threads"]
