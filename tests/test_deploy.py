"""Deployments: `transnorm serve` against a real Prefect server (on-demand and scheduled runs), `transnorm
server start`, and prefect.yaml for the work-pool route. Everything on 127.0.0.1, stopped afterwards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TRANSNORM = str(BIN / "transnorm")
PREFECT = [sys.executable, "-m", "prefect"]
INTERVAL = 10  # seconds between scheduled-inbox runs in these tests


def wait_for(check, timeout: float, what: str, proc: subprocess.Popen | None = None, log: Path | None = None):
    """Poll `check` until it returns something truthy; bounded."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = check()
        if got:
            return got
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"{what} not seen within {timeout} s\n{tail}")


def runs_in(outputs: Path) -> list[Path]:
    """Completed run folders (run.json is written last)."""
    return sorted(p.parent for p in outputs.glob("*/run.json")) if outputs.exists() else []


def read_records(path: Path) -> list[dict]:
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines()]


def completed_runs(env: dict, deployment: str) -> int:
    """Completed flow runs of a deployment, from the Prefect server's API."""
    body = json.dumps({"deployments": {"name": {"any_": [deployment]}},
                       "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}).encode()
    req = urllib.request.Request(f"{env['PREFECT_API_URL']}/flow_runs/count", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return int(json.loads(r.read()))


@pytest.fixture(scope="module")
def served(prefect_server, tmp_path_factory):
    """`transnorm serve` as a user starts it, with an inbox holding two documents already."""
    base = tmp_path_factory.mktemp("serve")
    inbox = base / "inbox"
    inbox.mkdir()
    (inbox / "kharkiv.txt").write_text("Shelling in Kharkov, Vladimir Zelensky said.", encoding="utf-8")
    (inbox / "feed.jsonl").write_text(json.dumps({"id": "talks", "text": "Talks at the Palace of Chyragan."}) + "\n",
                                      encoding="utf-8")
    cfg = base / "transnorm.yaml"
    cfg.write_text("state_dir: state\noutputs_dir: outputs\nbatch_size: 50\n"
                   f"runner:\n  inbox: inbox\n  schedule_interval_seconds: {INTERVAL}\n  retry_delay_seconds: 0\n",
                   encoding="utf-8")
    env = {**prefect_server, "PREFECT_RUNNER_POLL_FREQUENCY": "2", "TRANSNORM_MODELS_DIR": str(base / "models")}
    log = base / "serve.log"
    proc = subprocess.Popen([TRANSNORM, "serve", "--config", str(cfg)], env=env, cwd=base,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    yield {"proc": proc, "base": base, "inbox": inbox, "outputs": base / "outputs", "env": env, "log": log,
           "state": base / "state"}
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.flow
def test_scheduled_inbox_runs_process_new_documents_without_a_trigger(served):
    outputs, log, proc = served["outputs"], served["log"], served["proc"]
    first = wait_for(lambda: runs_in(outputs), 180, "a scheduled-inbox run", proc, log)[0]
    assert {r["id"] for r in read_records(first / "records.jsonl")} == {"kharkiv", "talks"}
    by_id = {r["id"]: r for r in read_records(served["state"] / "records" / "records.jsonl")}
    assert "Kharkiv" in by_id["kharkiv"]["text_en"] and "Çırağan Palace" in by_id["talks"]["text_en"]
    # A file dropped in later is picked up by a later scheduled run, and only it is processed.
    (served["inbox"] / ".incoming.txt").write_text("Evacuation from Zaporozhye.", encoding="utf-8")
    os.replace(served["inbox"] / ".incoming.txt", served["inbox"] / "zaporizhzhia.txt")  # atomic drop
    later = wait_for(lambda: [r for r in runs_in(outputs) if r != first], 120, "a second scheduled run",
                     proc, log)[0]
    assert [r["id"] for r in read_records(later / "records.jsonl")] == ["zaporizhzhia"]
    assert json.loads((later / "run.json").read_text())["unchanged"] == 2
    store = read_records(served["state"] / "records" / "records.jsonl")
    assert sorted(r["id"] for r in store) == ["kharkiv", "talks", "zaporizhzhia"]


@pytest.mark.slow
@pytest.mark.flow
def test_on_demand_deployment_runs_with_parameters(served):
    base, env = served["base"], served["env"]
    src = base / "requests" / "batch.jsonl"
    src.parent.mkdir()
    src.write_text(json.dumps({"id": "od-1", "text": "Donetchina was shelled overnight."}) + "\n", encoding="utf-8")
    out = base / "on-demand-out"
    res = subprocess.run([*PREFECT, "deployment", "run", "translate_normalise/on-demand",
                          "--param", f"inputs={json.dumps([str(src)])}", "--param", f"out={out}"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    wait_for(lambda: (out / "run.json").exists(), 180, "the on-demand run's output", served["proc"], served["log"])
    [rec] = read_records(out / "records.jsonl")
    assert rec["id"] == "od-1" and "Donetsk Oblast" in rec["text_en"]


@pytest.mark.slow
@pytest.mark.flow
def test_submit_runs_on_demand_waits_and_prints_the_run_folder(served):
    src = served["base"] / "submitted" / "odesa.txt"
    src.parent.mkdir()
    src.write_text("Evacuation from Odessa.", encoding="utf-8")
    out = served["base"] / "submit-out"
    res = subprocess.run([TRANSNORM, "submit", str(src), "--out", str(out)], env=served["env"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip().splitlines()[-1] == str(out)
    [rec] = read_records(out / "records.jsonl")
    assert rec["id"] == "odesa" and rec["text_en"] == "Evacuation from Odesa."
    assert "names to review" in res.stderr and str(out / "report.html") in res.stderr


@pytest.mark.slow
@pytest.mark.flow
def test_runs_with_nothing_new_leave_no_folder_and_serve_stops_on_sigterm(served):
    proc = served["proc"]
    # More scheduled runs completed than there are run folders: the others found nothing new.
    wait_for(lambda: completed_runs(served["env"], "scheduled-inbox") >= 3, 90, "a third scheduled run",
             proc, served["log"])
    assert len(runs_in(served["outputs"])) == 2
    assert proc.poll() is None, served["log"].read_text()[-3000:]
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def test_serve_without_a_server_says_how_to_get_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({"PREFECT_HOME": str(tmp_path / "home"), "DO_NOT_TRACK": "1"})
    res = subprocess.run([TRANSNORM, "serve"], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    msg = " ".join(res.stderr.split())
    assert "PREFECT_API_URL is not set" in msg and "transnorm server start" in msg


def test_server_start_runs_prefect_on_localhost_and_tells_runs_where(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from transnorm.cli import ops as cli_ops
    from transnorm.cli.main import app
    from transnorm.ops.server import find_local_server

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    calls = []
    monkeypatch.setattr(cli_ops.os, "execv", lambda exe, argv: calls.append(argv))
    res = CliRunner().invoke(app, ["server", "start", "--port", "4321"])
    assert res.exit_code == 0, res.output
    assert calls and calls[0][1:] == ["-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", "4321"]
    assert "PREFECT_API_URL=http://127.0.0.1:4321/api" in res.output
    assert json.loads((tmp_path / "transnorm-server.json").read_text())["url"] == "http://127.0.0.1:4321/api"
    assert find_local_server() in (None, "http://127.0.0.1:4200/api")  # nothing answers on 4321: not used


@pytest.mark.slow
@pytest.mark.flow
def test_prefect_yaml_deploys_both_deployments_to_a_work_pool(prefect_server):
    env = {**prefect_server, "COLUMNS": "250"}
    res = subprocess.run([*PREFECT, "work-pool", "create", "transnorm", "--type", "process"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 or "already exists" in res.stdout + res.stderr, res.stdout + res.stderr
    res = subprocess.run([*PREFECT, "--no-prompt", "deploy", "--all"], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    for name in ("scheduled-inbox", "on-demand"):
        res = subprocess.run([*PREFECT, "deployment", "inspect", f"translate_normalise/{name}"], env=env,
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stdout + res.stderr
        assert "'work_pool_name': 'transnorm'" in res.stdout
        assert "flows/pipeline.py:translate_normalise" in res.stdout
        if name == "scheduled-inbox":
            assert "*/15 * * * *" in res.stdout and "'inbox': True" in res.stdout
