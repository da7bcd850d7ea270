"""Which Prefect server a run talks to, and the temporary one a run may have to start itself.

In order: PREFECT_API_URL (environment or Prefect profile) when set, and it must answer; else a
server running on this machine (the port `transnorm server start` wrote to
`$PREFECT_HOME/transnorm-server.json`, then Prefect's default port 4200); only then a temporary
server that this process starts and always stops.

Why our own temporary server rather than Prefect's ephemeral mode: Prefect's inherits the
caller's stdout/stderr and process group, so Ctrl-C killed it under a running flow (which then
retried for a minute), and a killed CLI left it listening and holding the caller's pipes
(`$(transnorm run ...)` hung). Ours runs in its own session (a terminal's Ctrl-C or
`kill -TERM -PGID` reaches only the CLI, which stops it), writes to a log file (never to the
caller's pipes), and on Linux gets SIGTERM from the kernel when the CLI dies, even by SIGKILL
(prctl PR_SET_PDEATHSIG).

No Prefect import here: discovery is plain HTTP, so it costs milliseconds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

DEFAULT_PORT = 4200
PORT_FILE = "transnorm-server.json"
PROBE_TIMEOUT = 2.0  # seconds for a health check of a server that should be there
STARTUP_TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
AVOID_TEMPORARY = ("run `transnorm server start` in another terminal (kept running, later runs "
                   "find it), or set PREFECT_API_URL to a Prefect server")


class ServerError(RuntimeError):
    """No usable Prefect server; the message is one line and says what to do."""


def prefect_home() -> Path:
    """$PREFECT_HOME, else Prefect's default ~/.prefect (where its database lives)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def port_file() -> Path:
    return prefect_home() / PORT_FILE


def local_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/api"


def healthy(api_url: str, timeout: float = PROBE_TIMEOUT) -> bool:
    """True when a Prefect API answers at `api_url` (GET /health returns `true`)."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as r:
            return r.status == 200 and r.read(16).strip() == b"true"
    except (OSError, ValueError):
        return False


def unreachable_reason(api_url: str, timeout: float = 5.0) -> str:
    """"" when a server answers HTTP at `api_url` (any status: Prefect Cloud or a server behind auth
    may refuse an anonymous /health), else why not."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout):
            return ""
    except urllib.error.HTTPError:
        return ""
    except (OSError, ValueError) as exc:
        return str(getattr(exc, "reason", None) or exc) or type(exc).__name__


def profile_api_url() -> str:
    """PREFECT_API_URL of the active Prefect profile ($PREFECT_HOME/profiles.toml), read without
    importing Prefect (seconds saved while a temporary server boots); "" when unset."""
    import tomllib

    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or prefect_home() / "profiles.toml").expanduser()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    name = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    profile = (data.get("profiles") or {}).get(name) or {}
    return str(profile.get("PREFECT_API_URL") or "")


def configured_url() -> str:
    """PREFECT_API_URL from the environment, else from the active Prefect profile ("" if unset)."""
    return os.environ.get("PREFECT_API_URL") or profile_api_url()


def unreachable(api_url: str, why: str = "not answering") -> ServerError:
    return ServerError(f"cannot reach the Prefect server at PREFECT_API_URL={api_url} ({why}): start it "
                       "(`transnorm server start` on this machine), fix PREFECT_API_URL, or unset it to let "
                       "transnorm find or start a server itself")


def write_port_file(port: int) -> Path:
    """Remember where `transnorm server start` serves, for runs to find it without PREFECT_API_URL."""
    path = port_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": local_url(port), "pid": os.getpid()}) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def find_local_server() -> str | None:
    """The API URL of a Prefect server running on this machine, if one answers."""
    candidates = []
    try:
        candidates.append(str(json.loads(port_file().read_text(encoding="utf-8"))["url"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    candidates.append(local_url(DEFAULT_PORT))
    for url in dict.fromkeys(candidates):
        if url.startswith(("http://127.0.0.1:", "http://localhost:")) and healthy(url, timeout=1.0):
            return url
    return None


@dataclass
class Connection:
    """The server a run uses: `kind` is env (PREFECT_API_URL), local or temporary."""

    url: str
    kind: str
    temporary: "TemporaryServer | None" = None

    def describe(self) -> str:
        if self.kind == "env":
            return f"Prefect server {self.url} (PREFECT_API_URL)"
        if self.kind == "local":
            return f"Prefect server {self.url} (running on this machine)"
        return f"temporary Prefect server {self.url} (stopped when the run ends)"


def connect(configured: str | None, allow_temporary: bool = True) -> Connection:
    """Pick the server (see the module docstring); start a temporary one only if allowed.

    `configured`: PREFECT_API_URL from the environment or the Prefect profile ("" or None: unset).
    The temporary server is started, not waited for: call `.temporary.wait()` before using it,
    so the caller can load the gazetteer index meanwhile.
    """
    if configured:
        why = unreachable_reason(configured)
        if why:
            raise unreachable(configured, why)
        return Connection(configured, "env")
    found = find_local_server()
    if found:
        return Connection(found, "local")
    if not allow_temporary:
        raise ServerError("no Prefect server is running on this machine and PREFECT_API_URL is not set: "
                          "run `transnorm server start` in another terminal, or set PREFECT_API_URL")
    server = TemporaryServer()
    server.start()
    return Connection(server.url, "temporary", server)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to send the child SIGTERM when this process dies (even by SIGKILL).

    Everything is looked up here, in the parent: between fork and exec the child may not import
    or allocate much (other threads of the parent may hold locks it would wait for forever)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent, pr_set_pdeathsig, sigterm = os.getpid(), 1, int(signal.SIGTERM)

    def child() -> None:  # pragma: no cover - runs in the child
        prctl(pr_set_pdeathsig, sigterm, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: nobody would stop us
            os._exit(1)

    return child


class TemporaryServer:
    """Prefect's API server (uvicorn, as Prefect's ephemeral mode runs it) for one run."""

    def __init__(self, port: int | None = None):
        self.port = port or _free_port()
        self.url = local_url(self.port)
        self.log_path = prefect_home() / f"temporary-server-{self.port}.log"
        self.proc: subprocess.Popen | None = None
        self.timeout = float(os.environ.get(STARTUP_TIMEOUT_ENV) or 60)

    def start(self) -> None:
        """Start the server; returns at once (see wait()). Prefect is not imported here, so the
        caller imports it, and loads the index, while the server boots."""
        spec = importlib.util.find_spec("prefect")
        if spec is None or spec.origin is None:
            raise ServerError("Prefect is not installed in this environment: pip install -e .")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent),
                 "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent(), close_fds=True)

    def wait(self) -> None:
        """Until the server answers; ServerError (one line) after the start-up timeout."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                code = None if self.proc is None else self.proc.returncode
                raise ServerError(f"the temporary Prefect server exited (code {code}) before answering; its log "
                                  f"is {self.log_path}. To avoid it: {AVOID_TEMPORARY}")
            if healthy(self.url, timeout=1.0):
                return
            time.sleep(0.1)
        self.stop(keep_log=True)
        raise ServerError(f"the temporary Prefect server did not start within {self.timeout:g} s (log: "
                          f"{self.log_path}): {AVOID_TEMPORARY}, or raise {STARTUP_TIMEOUT_ENV}")

    def stop(self, keep_log: bool = False) -> None:
        """SIGTERM, then SIGKILL after 5 s; idempotent, safe from a signal handler's thread."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if not keep_log:
            self.log_path.unlink(missing_ok=True)
