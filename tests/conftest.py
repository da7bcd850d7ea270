"""Shared fixtures: the real gazetteer index, the dev set, a Prefect server for flow tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEVSET = SHARED / "devset"
PREFECT = [sys.executable, "-m", "prefect"]  # this environment's Prefect (a venv may have no `prefect` script)


@pytest.fixture(scope="session")
def index(tmp_path_factory):
    """The compiled default gazetteer (built into a temporary cache)."""
    from transnorm.gazetteer.store import load_or_build

    return load_or_build(ROOT / "gazetteers", tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def full_index(tmp_path_factory):
    """The index of the default config: curated YAML plus the generated GeoNames/pycountry layers
    (built once into the per-user cache, reused by every later session)."""
    from transnorm.config import load_config
    from transnorm.pipeline import get_index

    return get_index(load_config(None, {"state_dir": str(tmp_path_factory.mktemp("full-index"))}))


@pytest.fixture(scope="session")
def pipeline_cfg(tmp_path_factory):
    """The default config as `transnorm run` reads it, with a state folder of its own and no
    translation models: what process_batch needs to link a document."""
    from transnorm.config import load_config

    tmp = tmp_path_factory.mktemp("pipeline")
    return load_config(None, {"state_dir": str(tmp / "state"), "translate": {"models_dir": str(tmp / "no-models")}})


@pytest.fixture(scope="session")
def seed():
    """The labelled dev-set article: text and expected links."""
    path = DEVSET / "seed-prisoner-exchange.expected.json"
    if not path.exists():  # CI lays shared/ beside the clone; a bare clone gets the copy in tests/data
        path = ROOT / "tests" / "data" / "seed-prisoner-exchange.expected.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tiny_argosmodel(tmp_path_factory) -> Path:
    """A real (random-weight) ru->en Argos package built offline by the test suite."""
    from argos_tiny import build_tiny_package

    return build_tiny_package(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def tiny_models_dir(tmp_path_factory) -> Path:
    """A models folder with tiny ru->en and uk->en packages installed."""
    from argos_tiny import build_tiny_package

    from transnorm.translation.models import install_from_path

    md = tmp_path_factory.mktemp("models")
    for code in ("ru", "uk"):
        install_from_path(build_tiny_package(tmp_path_factory.mktemp(f"tiny-{code}"), from_code=code), md)
    return md


#: Debian's chromium, driven headless by the HTML report tests (playwright's own browser cannot be downloaded here)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@contextmanager
def lock_held_elsewhere(lock_class: str, path: Path) -> Iterator[subprocess.Popen]:
    """Another process holding transnorm.ops.ledger's `lock_class` (StateLock, OutLock) on `path`,
    as a second run would find it; killed on exit."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from transnorm.ops.ledger import {lock_class}
        {lock_class}({str(path)!r}).acquire()
        print("locked", flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """A real Prefect server on 127.0.0.1 for the session; yields the environment to run against it."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = (home / "server.log").open("w")
    proc = subprocess.Popen([*PREFECT, "server", "start",
                             "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api"
    import urllib.request

    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited: {(home / 'server.log').read_text()[-2000:]}")
    else:
        proc.terminate()
        raise RuntimeError("prefect server did not start in 90 s")
    yield {**env, "PREFECT_API_URL": url}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
