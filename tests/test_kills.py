"""Kill a run at every phase; the next run converges: the store equals the ledger, the run folder is complete.

Each kill is `os._exit` at a named point (transnorm/ops/faults.py, TRANSNORM_KILL_AT) in a real
`transnorm run`: no cleanup, no flush, as with SIGKILL. The state a kill leaves is checked (never a
complete-looking run folder, whole batches only in the ledger), then the same command runs again.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from synthetic import english_docs, write_jsonl

from transnorm.ops.faults import ENV, KILLED, POINTS
from transnorm.ops.ledger import CONSOLIDATED

TRANSNORM = str(Path(sys.executable).parent / "transnorm")
OUTPUTS = ("records.jsonl", "report.md", "report.html", "review.csv")
BATCH = 10


def cli(args: list[str], env: dict, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in env.items() if k != ENV}
    if kill_at:
        env[ENV] = kill_at
    return subprocess.run([TRANSNORM, "run", *args], env=env, capture_output=True, text=True, timeout=300)


def ledger_lines(state: Path) -> list[str]:
    con = sqlite3.connect(state / "ledger.sqlite")
    try:
        return [r.decode("utf-8") if isinstance(r, bytes) else r
                for (r,) in con.execute("SELECT record FROM documents ORDER BY id")]
    finally:
        con.close()


def store_lines(state: Path) -> list[str]:
    return (state / CONSOLIDATED).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def baseline(prefect_server, tmp_path_factory):
    """A state folder after a complete run on the first half of the corpus (what the kills start from)."""
    root = tmp_path_factory.mktemp("kills")
    docs = english_docs(60, seed=11)
    full = write_jsonl(root / "in" / "docs.jsonl", docs[:30])
    state = root / "state"
    cfg = root / "c.yaml"
    cfg.write_text(f"state_dir: {state}\noutputs_dir: {root / 'outputs'}\nbatch_size: {BATCH}\n"
                   "runner:\n  retries: 0\n  retry_delay_seconds: 0\n", encoding="utf-8")
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(root / "models")}
    res = cli([str(full), "--config", str(cfg), "--out", str(root / "run0")], env)
    assert res.returncode == 0, res.stderr[-3000:]
    assert len(store_lines(state)) == 30
    res = cli([str(full), "--config", str(cfg), "--out", str(root / "run0b")], env)
    assert res.returncode == 0, res.stderr[-3000:]
    again = json.loads((root / "run0b" / "run.json").read_text(encoding="utf-8"))
    assert again["reused"] == 30 and again["consolidated"] is None  # nothing changed: no export
    write_jsonl(full, docs)  # the same file grows: its first 30 documents are unchanged
    return {"root": root, "docs": docs, "full": full, "state": state, "cfg": cfg, "env": env}


@pytest.mark.slow
@pytest.mark.flow
@pytest.mark.parametrize("point", POINTS)
def test_a_run_killed_at_any_phase_converges_on_the_next_run(baseline, tmp_path, point):
    """Killed at `point` while adding 30 documents to a 30-document store; one rerun makes all whole."""
    state = tmp_path / "state"
    shutil.copytree(baseline["state"], state)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(baseline["cfg"].read_text().replace(str(baseline["state"]), str(state)), encoding="utf-8")
    out = tmp_path / "run"
    args = [str(baseline["full"]), "--config", str(cfg), "--out", str(out)]
    ids = [d["id"] for d in baseline["docs"]]

    killed = cli(args, baseline["env"], kill_at=point)
    assert killed.returncode == KILLED, killed.stderr[-3000:]
    # A killed run never looks complete: no run.json; records.jsonl never without its reports.
    assert not (out / "run.json").exists()
    if (out / "records.jsonl").exists():
        assert all((out / name).exists() for name in OUTPUTS)
    committed = ledger_lines(state)
    assert len(committed) in range(30, 61, BATCH)  # whole batches only

    res = cli(args, baseline["env"])
    assert res.returncode == 0, res.stderr[-3000:]
    assert all((out / name).exists() for name in (*OUTPUTS, "run.json"))
    run_ids = [json.loads(ln)["id"] for ln in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert run_ids == ids  # the run folder: every input document, in input order
    stats = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert stats["documents"] == 60 and stats["processed"] == 60 - len(committed)
    # The store converged: exactly the ledger's records, every document once.
    assert store_lines(state) == ledger_lines(state)
    assert sorted(json.loads(ln)["id"] for ln in store_lines(state)) == sorted(ids)
