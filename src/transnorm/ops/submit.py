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


class NotFound(SubmitError):
    """HTTP 404: what was asked for is not on the server."""


@dataclass
class FlowRun:
    id: str
    name: str
    state: str  # COMPLETED, FAILED, ...
    message: str = ""


RETRY_STATUSES = {408, 429, 502, 503, 504}  # a busy or restarting server: the Prefect client retries these too
RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0)


def _request(api_url: str, method: str, path: str, body: dict | None = None) -> dict | list:
    """One API call. A busy server (503 when its database is locked, 429, 502, 504) is asked
    again after a short wait (its Retry-After, capped at 10 s) up to five times; what still
    fails becomes a SubmitError of one line (NotFound for HTTP 404: callers may explain it)."""
    headers = {"Content-Type": "application/json"}
    if os.environ.get("PREFECT_API_KEY"):
        headers["Authorization"] = f"Bearer {os.environ['PREFECT_API_KEY']}"
    elif os.environ.get("PREFECT_API_AUTH_STRING"):
        headers["Authorization"] = "Basic " + base64.b64encode(os.environ["PREFECT_API_AUTH_STRING"].encode()).decode()
    data = json.dumps(body).encode() if body is not None else None
    url = f"{api_url.rstrip('/')}{path}"
    for attempt, delay in enumerate((*RETRY_DELAYS, None)):
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as exc:
            if exc.code not in RETRY_STATUSES or delay is None:
                tries = f" after {attempt + 1} tries" if attempt else ""
                said = f"HTTP {exc.code} {exc.reason}{tries}{_detail(exc)}"
                raise (NotFound if exc.code == 404 else SubmitError)(
                    f"the Prefect server at {api_url} answered {method} {path} with {said}") from None
            time.sleep(_retry_after(exc, delay))
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SubmitError(f"cannot reach the Prefect server at {api_url} ({reason}): start one with "
                              "`transnorm server start`, or set PREFECT_API_URL") from None
    raise AssertionError("not reached")


def _retry_after(exc: urllib.error.HTTPError, default: float) -> float:
    try:
        return min(10.0, max(0.0, float(exc.headers.get("Retry-After", default))))
    except (TypeError, ValueError):
        return default


def _detail(exc: urllib.error.HTTPError) -> str:
    """The server's own explanation (FastAPI's "detail"), on one line and short."""
    try:
        detail = json.loads(exc.read() or b"null")
        detail = detail.get("detail") if isinstance(detail, dict) else None
    except (ValueError, OSError):
        return ""
    return f": {' '.join(str(detail).split())[:200]}" if detail else ""


def create_run(api_url: str, deployment: str, parameters: dict, tags: list[str]) -> FlowRun:
    """A flow run of `deployment` ("flow/name") with `parameters` over the deployment's defaults."""
    flow, name = deployment.split("/", 1)
    try:
        dep = _request(api_url, "GET", f"/deployments/name/{quote(flow)}/{quote(name)}")
    except NotFound:
        raise SubmitError(f"no deployment {deployment} on the Prefect server {api_url}: start `transnorm "
                          "serve` (or `prefect deploy --all` and a worker)") from None
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
