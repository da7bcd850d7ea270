"""`transnorm run` and its Prefect server, as a user meets them: which server a run uses, one-line
errors (a dead server, a temporary server that does not start, a second run on the same state),
Ctrl-C and kills with a temporary server, and what a run tells (phases, summary, logs in the UI).

Every server here is started by the test on 127.0.0.1 and stopped after."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port
from synthetic import english_docs, write_jsonl

TRANSNORM = str(Path(sys.executable).parent / "transnorm")


def no_server_env(home: Path, **extra) -> dict:
    """No PREFECT_API_URL, a PREFECT_HOME of the test's own (no port file): a temporary server."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({"PREFECT_HOME": str(home), "DO_NOT_TRACK": "1", **extra})
    return env


def as_in_a_terminal() -> None:
    """preexec_fn: Ctrl-C handled as in a terminal's foreground job, even if this test runs in the
    background (where the shell makes children ignore SIGINT, and the CLI then keeps ignoring it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def server_pids(home: Path) -> list[int]:
    """Prefect API server processes (uvicorn create_app) running with this PREFECT_HOME."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if (b"prefect.server.api.server:create_app" in (d / "cmdline").read_bytes()
                        and f"PREFECT_HOME={home}\0".encode() in (d / "environ").read_bytes()):
                    found.append(int(d.name))
            except OSError:
                continue
    return found


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def start_run(corpus: Path, tmp_path: Path, out: Path, env: dict, state: Path | None = None) -> subprocess.Popen:
    """`transnorm run` on `corpus` with its own state folder, stdout and stderr piped, in its own
    session (a test signals its process group), Ctrl-C handled as in a terminal."""
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"state_dir: {state or tmp_path / 'state'}\n", encoding="utf-8")
    return subprocess.Popen([TRANSNORM, "run", str(corpus), "--config", str(cfg), "--out", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=as_in_a_terminal)


def api(env: dict, path: str, body: dict) -> list | dict:
    req = urllib.request.Request(f"{env['PREFECT_API_URL']}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


# --- one-line errors --------------------------------------------------------------------------


def test_a_dead_prefect_api_url_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text("Kiev", encoding="utf-8")
    env = {**no_server_env(tmp_path / "home"), "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"}
    res = subprocess.run([TRANSNORM, "run", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    line = one_line(res.stderr)
    assert "cannot reach the Prefect server at PREFECT_API_URL=" in line and "transnorm server start" in line
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback(tmp_path):
    (tmp_path / "a.txt").write_text("Kiev", encoding="utf-8")
    env = {**no_server_env(tmp_path / "home"), "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"}
    res = subprocess.run([TRANSNORM, "--debug", "run", str(tmp_path / "a.txt")], env=env, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode != 0 and "Traceback" in res.stderr and "ServerError" in res.stderr


@pytest.mark.slow
def test_a_temporary_server_that_does_not_start_in_time_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text("Kiev", encoding="utf-8")
    home = tmp_path / "home"
    env = no_server_env(home, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="1")
    res = subprocess.run([TRANSNORM, "run", str(tmp_path / "a.txt")], env=env, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2, res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "did not start within 1 s" in errors[0], res.stderr
    assert "transnorm server start" in errors[0] and "Traceback" not in res.stderr
    assert server_pids(home) == []


@pytest.mark.slow
@pytest.mark.flow
def test_a_second_run_started_2_5_s_after_the_first_gets_only_the_lock_line(prefect_server, tmp_path):
    corpus = write_jsonl(tmp_path / "in" / "docs.jsonl", english_docs(3000, seed=4))
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}
    first = start_run(corpus, tmp_path, tmp_path / "a", env)
    cfg = tmp_path / "c.yaml"  # start_run's: the same state folder
    try:
        time.sleep(2.5)
        assert first.poll() is None, first.stderr.read()
        res = subprocess.run([TRANSNORM, "run", str(corpus), "--config", str(cfg), "--out", str(tmp_path / "b")],
                             env=env, capture_output=True, text=True, timeout=120)
        assert res.returncode == 2
        assert "another transnorm run is using the state folder" in one_line(res.stderr)
        assert not (tmp_path / "b").exists()
    finally:
        os.killpg(first.pid, signal.SIGINT)
        first.communicate(timeout=60)
    assert first.returncode == 130


@pytest.mark.flow
def test_ctrl_c_right_after_the_state_folder_is_claimed_is_exit_130(prefect_server, tmp_path):
    """Ctrl-C while the run is still starting (Prefect being imported, the index loading) stops it as
    Ctrl-C later does: exit 130 and the "interrupted" line, not Click's "Aborted!" and exit 1."""
    corpus = write_jsonl(tmp_path / "in" / "docs.jsonl", english_docs(50, seed=7))
    state = tmp_path / "state"
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}
    proc = start_run(corpus, tmp_path, tmp_path / "out", env, state)
    deadline = time.time() + 60
    while not (state / "transnorm.lock").exists():
        assert proc.poll() is None and time.time() < deadline, proc.stderr.read().decode()
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr.decode()
    assert "interrupted" in stderr.decode() and "Aborted" not in stderr.decode()


# --- the temporary server on Ctrl-C and kills ---------------------------------------------------


@pytest.fixture(scope="module")
def temp_home(tmp_path_factory):
    """One PREFECT_HOME for these tests: its database is created once, later servers start faster."""
    return tmp_path_factory.mktemp("prefect-home")


@pytest.mark.slow
@pytest.mark.flow
@pytest.mark.parametrize("how", ["ctrl-c", "kill -TERM -PGID", "SIGTERM to the CLI", "SIGKILL to the CLI"])
def test_stopping_a_run_stops_its_temporary_server_and_frees_the_pipes(how, temp_home, tmp_path):
    corpus = write_jsonl(tmp_path / "in" / "docs.jsonl", english_docs(3000, seed=5))
    out = tmp_path / "out"
    # stdout and stderr are pipes, as in `$(transnorm run ...)`: they must reach EOF when the CLI is gone.
    proc = start_run(corpus, tmp_path, out, no_server_env(temp_home, TRANSNORM_MODELS_DIR=str(tmp_path / "models")))
    deadline = time.time() + 180
    while not (out / ".records.jsonl.part").exists():  # the run is writing documents
        assert proc.poll() is None and time.time() < deadline, proc.stderr.read().decode()
        time.sleep(0.2)
    assert server_pids(temp_home), "the run should be using a temporary server"
    t0 = time.time()
    {"ctrl-c": lambda: os.killpg(proc.pid, signal.SIGINT),
     "kill -TERM -PGID": lambda: os.killpg(proc.pid, signal.SIGTERM),
     "SIGTERM to the CLI": lambda: os.kill(proc.pid, signal.SIGTERM),
     "SIGKILL to the CLI": lambda: os.kill(proc.pid, signal.SIGKILL)}[how]()
    _, stderr = proc.communicate(timeout=20)  # EOF on both pipes: nothing else holds them
    assert time.time() - t0 < 10
    assert proc.returncode == (-signal.SIGKILL if how == "SIGKILL to the CLI" else 130), stderr.decode()
    if proc.returncode == 130:
        assert "interrupted" in stderr.decode() and "Traceback" not in stderr.decode()
    while server_pids(temp_home) and time.time() - t0 < 10:
        time.sleep(0.2)
    assert server_pids(temp_home) == [], f"the temporary server outlived the CLI ({how})"
    assert not (out / "records.jsonl").exists()  # a stopped run never looks complete


STUCK_IN_A_RETRY = """
import sys
from pathlib import Path
import transnorm.pipeline as pipeline
from transnorm.cli.main import main

MARK = Path(sys.argv[1])

def failing(items, cfg):
    MARK.touch()  # the test's signal to stop the run now
    raise ConnectionError("transient")  # retried after retry_delay_seconds

pipeline.process_batch = failing
sys.argv = ["transnorm", "run", *sys.argv[2:]]
main()
"""


@pytest.mark.slow
@pytest.mark.flow
def test_sigterm_stops_a_run_whose_batch_is_waiting_out_a_retry_delay(prefect_server, tmp_path):
    """Prefect's own SIGTERM handler unwinds the flow, and unwinding joins a task thread that sleeps
    out its retry delay (here two minutes): the CLI still exits within its grace period of the signal."""
    corpus = write_jsonl(tmp_path / "in" / "docs.jsonl", english_docs(40, seed=6))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"state_dir: {tmp_path / 'state'}\nbatch_size: 10\n"
                   "runner:\n  task_runner: threads\n  retries: 2\n  retry_delay_seconds: 120\n", encoding="utf-8")
    script, failed = tmp_path / "stuck.py", tmp_path / "failed"
    script.write_text(STUCK_IN_A_RETRY, encoding="utf-8")
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}
    proc = subprocess.Popen([sys.executable, str(script), str(failed), str(corpus), "--config", str(cfg),
                             "--out", str(tmp_path / "out")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, preexec_fn=as_in_a_terminal)
    try:
        deadline = time.time() + 180
        while not failed.exists():
            assert proc.poll() is None and time.time() < deadline, proc.stderr.read().decode()
            time.sleep(0.2)
        time.sleep(1)  # the task is now asleep until its retry
        t0 = time.time()
        os.kill(proc.pid, signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
        assert time.time() - t0 < 10, "the run waited for the retry delay"
        assert proc.returncode == 130, stderr.decode()
        assert "interrupted" in stderr.decode()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


# --- which server, and what a run tells ---------------------------------------------------------


@pytest.mark.flow
def test_run_finds_the_local_server_and_says_what_it_wrote(prefect_server, tmp_path):
    """No PREFECT_API_URL, but `transnorm server start`'s port file names a running server: the run uses it
    (no temporary server), is named from its inputs and tagged, logs per batch at INFO for the UI, and ends
    with a summary naming every file, the counts and the next command."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "transnorm-server.json").write_text(json.dumps({"url": prefect_server["PREFECT_API_URL"]}))
    d = tmp_path / "news"
    d.mkdir()
    (d / "a.txt").write_text("Shelling in Kharkov, Vladimir Zelensky said.", encoding="utf-8")
    (d / "b.txt").write_text("Mayor Oleksandr Pupkinenko visited Bakhmutka.", encoding="utf-8")
    (d / "bad.txt").write_bytes(b"ok\n\xff\xfe bad")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"state_dir: {tmp_path / 'state'}\n", encoding="utf-8")
    env = no_server_env(home, TRANSNORM_MODELS_DIR=str(tmp_path / "models"))
    out = tmp_path / "out"
    res = subprocess.run([TRANSNORM, "run", str(d), "--out", str(out), "--config", str(cfg), "--offline"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == str(out)
    assert "temporary" not in res.stderr
    stats = json.loads((out / "run.json").read_text())
    assert (stats["documents"], stats["documents_with_errors"]) == (3, 1) and stats["names_to_review"] >= 1
    text = " ".join(res.stderr.split())
    assert "3 documents" in text and "1 with errors" in text and f"{stats['names_to_review']} names to review" in text
    for name in ("records.jsonl", "report.html", "report.md", "review.csv", "run.json"):
        assert str(out / name) in text
    assert f"next: open {out / 'report.html'}" in text and f"transnorm review apply {out / 'review.csv'}" in text
    # The run on the server: named from the inputs, tagged, with INFO lines per batch.
    [run] = api(prefect_server, "/flow_runs/filter",
                {"flow_runs": {"tags": {"all_": ["cli"]}, "name": {"like_": "news"}}, "limit": 5})
    assert run["name"] == "news/" and set(run["tags"]) >= {"transnorm", "cli"}
    logs = api(prefect_server, "/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}}, "limit": 200})
    assert any(lg["level"] == 20 and lg["message"].startswith("batch 1: 3 document(s) written") for lg in logs), logs


def test_version_and_short_help():
    from typer.testing import CliRunner

    from transnorm.cli.main import app
    from transnorm.version import __version__

    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"transnorm {__version__}"
    for args in (["-h"], ["run", "-h"], ["models", "-h"]):
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 0 and "Usage:" in res.output, args


def test_the_deployment_form_describes_every_parameter():
    from prefect.utilities.callables import parameter_schema

    from transnorm.ops.flow import translate_normalise

    props = parameter_schema(translate_normalise).properties
    assert set(props) == {"inputs", "out", "config", "force", "inbox", "offline"}
    assert all(len(p.get("description", "")) > 20 for p in props.values()), props


def test_phases_draw_one_line_each_with_counts():
    from rich.console import Console

    from transnorm.cli.display import PhaseDisplay
    from transnorm.ops import progress

    buf = io.StringIO()
    display = PhaseDisplay(Console(file=buf, force_terminal=True, color_system=None, width=120))
    with display:
        progress.use(display)
        try:
            progress.phase("connecting to Prefect")
            done = progress.callback("downloading the ru->en model", "bytes")
            done(5_000_000, 10_000_000)
            display.bar.refresh()
            done(10_000_000, 10_000_000)
            progress.phase("documents", 2000, "documents")
            progress.advance(200)
            progress.advance(200)
            display.bar.refresh()
            progress.phase("reports")
        finally:
            progress.use(None)
    shown = buf.getvalue()
    for text in ("5.0/10.0 MB", "400 of ~2,000 documents"):  # while the phase runs
        assert text in shown, text
    final = shown.rsplit("connecting to Prefect", 1)[1]  # the last drawing: every phase done
    for text in ("downloading the ru->en model", "10.0/10.0 MB", "400 documents", "reports"):
        assert text in final, text
    assert "of ~2,000" not in final


def test_estimate_documents_counts_files_and_lines(tmp_path):
    from transnorm.ops.inputs import estimate_documents

    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.md").write_text("y")
    (tmp_path / ".hidden.txt").write_text("z")
    (tmp_path / "f.jsonl").write_text('{"text": "1"}\n{"text": "2"}\n{"text": "3"}\n')
    (tmp_path / "g.csv").write_text("id,text\n1,a\n2,b\n")
    assert estimate_documents([str(tmp_path)]) == 2 + 3 + 2


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed signal, on purpose
def test_a_sigterm_a_finalizer_swallowed_is_raised_again_at_the_run_loops_next_check():
    """Prefect's SIGTERM handler raises wherever the main thread is; inside a finalizer Python drops
    the exception, and the run went on to exit 0. The run loop's check raises it again."""
    from transnorm.ops.signals import checked_sigterm

    class Terminated(BaseException):
        pass

    def prefect_like(signum, frame):
        raise Terminated(signum)

    class Finalised:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(10_000):  # the handler runs in here; its exception goes nowhere
                pass

    saved = signal.signal(signal.SIGTERM, prefect_like)
    try:
        with checked_sigterm() as check:
            check()  # no signal yet: nothing happens
            Finalised()  # freed at once, its finalizer meets the signal
            with pytest.raises(Terminated):
                check()
        assert signal.getsignal(signal.SIGTERM) is prefect_like  # the wrapper is gone after the run
    finally:
        signal.signal(signal.SIGTERM, saved)
