"""`transnorm submit` against a Prefect API that is busy or broken: it retries what a busy server
answers (503 while its database is locked) and turns what stays broken into one line, exit 2."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from transnorm.cli.ops import FLOW_NAME, ON_DEMAND
from transnorm.ops import submit as S

DEPLOYMENT = {"id": "dep-1", "name": "on-demand"}
DEPLOYMENT_NAME = f"{FLOW_NAME}/{ON_DEMAND}"
DEP_PATH = f"/deployments/name/{DEPLOYMENT_NAME}"
RUN = {"id": "run-1", "name": "calm-otter", "state": {"type": "SCHEDULED"}}


class FakeApi:
    """A Prefect API on 127.0.0.1 whose answers the test scripts: `script[path]` is a list of
    statuses to answer before the real reply (e.g. [503, 503])."""

    def __init__(self, script: dict[str, list[int]], final_state: str = "COMPLETED"):
        self.script, self.calls, self.final_state = script, [], final_state
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self):
                path = self.path.removeprefix("/api")
                api.calls.append((self.command, path))
                if self.headers.get("Content-Length"):
                    self.rfile.read(int(self.headers["Content-Length"]))
                pending = api.script.get(path) or []
                if pending:
                    code = pending.pop(0)
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(json.dumps({"detail": f"scripted {code}\nsecond line"}).encode())
                    return
                body = {"/health": True, f"/deployments/name/{FLOW_NAME}/{ON_DEMAND}": DEPLOYMENT,
                        "/deployments/dep-1/create_flow_run": RUN,
                        "/flow_runs/run-1": {**RUN, "state": {"type": api.final_state, "message": "done"}},
                        "/artifacts/filter": []}.get(path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body if body is not None else {"detail": "Not Found"}).encode())

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fast_retries(monkeypatch):
    monkeypatch.setattr(S, "RETRY_DELAYS", (0.01, 0.01, 0.01))


def test_a_busy_server_is_asked_again_until_it_answers(fast_retries):
    api = FakeApi({DEP_PATH: [503, 503],
                   "/deployments/dep-1/create_flow_run": [429]})
    try:
        run = S.create_run(api.url, DEPLOYMENT_NAME, {"inputs": ["/x"]}, ["transnorm"])
    finally:
        api.close()
    assert run.id == "run-1"
    assert api.calls.count(("GET", DEP_PATH)) == 3
    assert api.calls.count(("POST", "/deployments/dep-1/create_flow_run")) == 2


def test_a_server_that_stays_busy_is_one_line_naming_the_status_and_the_tries(fast_retries):
    api = FakeApi({DEP_PATH: [503] * 10})
    try:
        with pytest.raises(S.SubmitError) as got:
            S.create_run(api.url, DEPLOYMENT_NAME, {}, [])
    finally:
        api.close()
    msg = str(got.value)
    assert "HTTP 503" in msg and "after 4 tries" in msg and api.url in msg
    assert "scripted 503 second line" in msg and "\n" not in msg
    assert len(api.calls) == 4  # the first try and three retries, no more


def test_an_error_that_is_not_transient_is_not_retried(fast_retries):
    api = FakeApi({"/deployments/dep-1/create_flow_run": [422]})
    try:
        with pytest.raises(S.SubmitError, match="HTTP 422"):
            S.create_run(api.url, DEPLOYMENT_NAME, {}, [])
    finally:
        api.close()
    assert api.calls.count(("POST", "/deployments/dep-1/create_flow_run")) == 1


def test_a_missing_deployment_says_how_to_serve_one():
    api = FakeApi({DEP_PATH: [404]})
    try:
        with pytest.raises(S.SubmitError, match=f"no deployment {DEPLOYMENT_NAME}.*transnorm serve"):
            S.create_run(api.url, DEPLOYMENT_NAME, {}, [])
    finally:
        api.close()


def test_submit_cli_turns_a_broken_server_into_one_line_and_exit_2(fast_retries, monkeypatch, tmp_path):
    from transnorm.cli.main import app

    src = tmp_path / "a.txt"
    src.write_text("Kyiv.", encoding="utf-8")
    api = FakeApi({"/flow_runs/run-1": [500]})
    monkeypatch.setenv("PREFECT_API_URL", api.url)
    try:
        res = CliRunner().invoke(app, ["submit", str(src)])
    finally:
        api.close()
    assert res.exit_code == 2, res.output
    assert "HTTP 500" in res.output and "Traceback" not in res.output
    assert ("POST", "/deployments/dep-1/create_flow_run") in api.calls  # created, then following it failed


def test_submit_cli_after_a_busy_spell_reports_the_run(fast_retries, monkeypatch, tmp_path):
    from transnorm.cli.main import app

    src = tmp_path / "a.txt"
    src.write_text("Kyiv.", encoding="utf-8")
    api = FakeApi({"/flow_runs/run-1": [503, 503]})
    monkeypatch.setenv("PREFECT_API_URL", api.url)
    try:
        res = CliRunner().invoke(app, ["submit", str(src), "--out", str(tmp_path / "out")])
    finally:
        api.close()
    assert res.exit_code == 0, res.output
    assert "completed" in res.output and str(tmp_path / "out") in res.output
