"""`transnorm submit`: an on-demand flow run created and followed over Prefect's REST API.

Plain HTTP (urllib), not the Prefect client: importing Prefect costs 1.5-3 s, a third of the
on-demand budget, and these are four small requests. Credentials as Prefect reads them:
PREFECT_API_KEY (Bearer) or PREFECT_API_AUTH_STRING (basic auth).
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
REPORT_ARTIFACT = "transnorm-report"  # the link artifact ops/flow.py publishes: the run folder's report.html


class SubmitError(RuntimeError):
    """The run could not be created or followed; one line saying why and what to do."""


@dataclass
class FlowRun:
    id: str
    name: str
    state: str  # COMPLETED, FAILED, ...
    message: str = ""


def _request(api_url: str, method: str, path: str, body: dict | None = None) -> dict | list:
    headers = {"Content-Type": "application/json"}
    if os.environ.get("PREFECT_API_KEY"):
        headers["Authorization"] = f"Bearer {os.environ['PREFECT_API_KEY']}"
    elif os.environ.get("PREFECT_API_AUTH_STRING"):
        headers["Authorization"] = "Basic " + base64.b64encode(os.environ["PREFECT_API_AUTH_STRING"].encode()).decode()
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{api_url.rstrip('/')}{path}", data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def create_run(api_url: str, deployment: str, parameters: dict, tags: list[str]) -> FlowRun:
    """A flow run of `deployment` ("flow/name") with `parameters` over the deployment's defaults."""
    flow, name = deployment.split("/", 1)
    try:
        dep = _request(api_url, "GET", f"/deployments/name/{quote(flow)}/{quote(name)}")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise SubmitError(f"no deployment {deployment} on the Prefect server {api_url}: start `transnorm "
                              "serve` (or `prefect deploy --all` and a worker)") from None
        raise
    run = _request(api_url, "POST", f"/deployments/{dep['id']}/create_flow_run",
                   {"parameters": parameters, "tags": tags})
    return FlowRun(run["id"], run["name"], (run.get("state") or {}).get("type", "SCHEDULED"))


def wait_for(api_url: str, run: FlowRun, timeout: float, poll: float = 0.2) -> FlowRun:
    """Poll the run until it ends (or `timeout` seconds pass: its state then is not final)."""
    deadline = time.monotonic() + timeout
    while True:
        got = _request(api_url, "GET", f"/flow_runs/{run.id}")
        state = got.get("state") or {}
        run = FlowRun(run.id, got.get("name", run.name), state.get("type", ""), state.get("message") or "")
        if run.state in FINAL_STATES or time.monotonic() > deadline:
            return run
        time.sleep(poll)


def run_folder(api_url: str, run: FlowRun) -> str:
    """The run folder the flow run wrote, from its report link artifact ("" if none)."""
    found = _request(api_url, "POST", "/artifacts/filter",
                     {"artifacts": {"key": {"any_": [REPORT_ARTIFACT]}, "flow_run_id": {"any_": [run.id]}},
                      "limit": 1})
    for art in found or []:
        text = str(art.get("data") or "")
        start = text.find("file://")
        if start >= 0:
            uri = text[start:].split(")")[0].split()[0]
            return str(Path(unquote(urlparse(uri).path)).parent)
    return ""
