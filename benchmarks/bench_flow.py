"""Flow throughput: documents/s through `transnorm run` per task runner, and Prefect's share of the time.

    /work/venv/bin/python benchmarks/bench_flow.py [--en 20000] [--cyr 2000] [--runners threads,processes]
                                                   [--batch-size 200] [--skip-overhead]

Rows (each a fresh `transnorm run --force` subprocess against one Prefect server, same state
folder, a fresh translation cache per row so no row is served by another's cache):

* English: `--en` generated news-like documents (names, numbers; every document distinct).
* ru/uk: `--cyr` generated documents, half Russian, half Ukrainian, translated by the tiny
  random-weight packages from tests/argos_tiny.py installed in a temporary models folder (decoding
  is nearly free there, so these rows show the pipeline's cost, not a real model's).
* `threads x1`: one worker, so stage time and wall time compare directly: the difference is
  Prefect orchestration plus writing (per task: (wall - stage) / tasks).

Columns: `flow s` is the run loop's wall time (run.json `wall_seconds`: ingest, tasks, writing,
ledger, reports), `stage s` the time spent inside the tasks' work (`process_batch` and encoding the
records as JSON), summed over tasks and measured where the task ran, `write s` appending to the run's
records, fsync and the ledger commits (in the flow's process), `report s` report.md/html and
review.csv at the end, `stage share` = stage s / (flow s x workers): the share of the workers'
capacity spent in the stages, `cli s` the whole command (Python and Prefect start-up included).
`Prefect s` = tasks x the per-task overhead measured for that runner with an empty batch (the
flow's own start-up is in `cli s`), `Prefect share` = Prefect s / flow s. Writing runs in the flow's
thread while tasks run, so on a busy machine `write s` includes waiting for the GIL.

Then per-task overhead of an empty task for each runner (Prefect's own ProcessPoolTaskRunner
included), and `transnorm run` on one small document with a server running (goal < 5 s).
A Prefect server is started on 127.0.0.1 for the benchmark unless PREFECT_API_URL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from synthetic import cyrillic_docs, english_docs, write_jsonl  # noqa: E402  (tests/synthetic.py)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TRANSNORM = str(BIN / "transnorm")

# --- a Prefect server for the benchmark --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path) -> tuple[subprocess.Popen | None, dict]:
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_LOGGING_LEVEL": "WARNING"}
    if env.get("PREFECT_API_URL"):
        return None, env
    port = _free_port()
    env.update({"PREFECT_HOME": str(home), "PREFECT_UI_ENABLED": "false"})
    log = (home / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return proc, {**env, "PREFECT_API_URL": url}
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("prefect server did not start in 120 s")


# --- rows --------------------------------------------------------------------------------------


def run_row(label: str, inputs: Path, work: Path, env: dict, runner: str, workers: int, batch_size: int,
            extra: str = "") -> dict:
    slug = "".join(c if c.isalnum() else "-" for c in label)
    cfg = work / f"{slug}.yaml"
    cfg.write_text(f"state_dir: state\noutputs_dir: outputs\nbatch_size: {batch_size}\n"
                   f"translate:\n  cache_path: cache-{slug}.sqlite\n{extra}"
                   f"runner:\n  task_runner: {runner}\n  max_workers: {workers}\n", encoding="utf-8")
    out = work / f"out-{slug}"
    t0 = time.perf_counter()
    res = subprocess.run([TRANSNORM, "run", str(inputs), "--config", str(cfg), "--out", str(out), "--force"],
                         env=env, capture_output=True, text=True, timeout=3600)
    cli = time.perf_counter() - t0
    if res.returncode:
        raise SystemExit(f"{label}: transnorm run failed:\n{res.stderr[-3000:]}")
    stats = json.loads((out / "run.json").read_text())
    n = stats["processed"]
    return {"row": label, "runner": runner, "workers": workers, "docs": n, "tasks": stats["tasks"],
            "flow_s": stats["wall_seconds"], "docs_per_s": n / stats["wall_seconds"],
            "stage_s": stats["stage_seconds"], "write_s": stats["write_seconds"],
            "report_s": stats["report_seconds"],
            "stage_share": stats["stage_seconds"] / (stats["wall_seconds"] * workers), "cli_s": cli}


OVERHEAD_SCRIPT = r"""
import json, sys, time
from transnorm.ops.quiet import quiet_prefect
quiet_prefect()
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner
from transnorm.config import RunnerConfig, load_config
from transnorm.ops.runner import batch_task, task_runner

@task(cache_policy=NO_CACHE)
def nothing(x):
    return x

N = int(sys.argv[1])
CFG = sys.argv[2]

def timed(runner, task, params):
    futs = [runner.submit(task, params) for _ in range(4)]  # warm-up: workers started, index loaded
    [f.result() for f in futs]
    t0 = time.perf_counter()
    futs = [runner.submit(task, params) for _ in range(N)]
    [f.result() for f in futs]
    return (time.perf_counter() - t0) / N

@flow
def measure():
    out = {}
    for kind in ("threads", "processes", "dask"):
        cfg = load_config(CFG)
        cfg = cfg.model_copy(update={"runner": RunnerConfig(task_runner=kind, max_workers=2)})
        with task_runner(cfg.runner) as (r, _):
            out[kind + " (empty batch)"] = timed(r, batch_task(cfg.runner), {"batch": [], "cfg": cfg})
    with ProcessPoolTaskRunner(max_workers=2) as r:
        out["Prefect ProcessPoolTaskRunner (empty task)"] = timed(r, nothing, {"x": 1})
    print(json.dumps(out))

if __name__ == "__main__":
    measure()
"""


def task_overhead(env: dict, work: Path, n: int = 40) -> dict:
    """Seconds per task for a task with nothing to do, per runner (2 workers, tasks submitted at once)."""
    script = work / "overhead.py"
    script.write_text(OVERHEAD_SCRIPT, encoding="utf-8")
    res = subprocess.run([sys.executable, str(script), str(n), str(_cfg(work))], env=env, capture_output=True,
                         text=True, timeout=900, cwd=work)
    if res.returncode:
        return {"error": res.stderr[-1500:]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def one_small_doc(env: dict, work: Path, repeats: int = 3) -> list[float]:
    doc = work / "one" / "story.txt"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text("Shelling in Kharkov and the Kherson region, Vladimir Zelensky said in Kyiv.", encoding="utf-8")
    cfg = work / "one.yaml"
    cfg.write_text("state_dir: state\noutputs_dir: outputs\n", encoding="utf-8")
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        res = subprocess.run([TRANSNORM, "run", str(doc.parent), "--config", str(cfg), "--out",
                              str(work / f"one-out-{i}"), "--force"], env=env, capture_output=True, text=True,
                             timeout=300)
        times.append(time.perf_counter() - t0)
        if res.returncode:
            raise SystemExit(f"one small document: {res.stderr[-2000:]}")
    return times


def table(rows: list[dict]) -> str:
    cols = [("row", "<24", "{}", "row"), ("w", ">2", "{}", "workers"), ("docs", ">6", "{}", "docs"),
            ("tasks", ">5", "{}", "tasks"), ("flow s", ">7", "{:.1f}", "flow_s"),
            ("docs/s", ">7", "{:.0f}", "docs_per_s"), ("stage s", ">7", "{:.1f}", "stage_s"),
            ("write s", ">7", "{:.1f}", "write_s"), ("report s", ">8", "{:.1f}", "report_s"),
            ("stage share", ">11", "{:.0%}", "stage_share"), ("Prefect s", ">9", "{:.1f}", "prefect_s"),
            ("Prefect share", ">13", "{:.1%}", "prefect_share"), ("cli s", ">6", "{:.1f}", "cli_s")]
    cols = [c for c in cols if any(c[3] in r for r in rows)]
    lines = ["| " + " | ".join(f"{name:{al}}" for name, al, _, _ in cols) + " |",
             "|" + "|".join("-" * (len(f"{name:{al}}") + 2) for name, al, _, _ in cols) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(f"{fmt.format(r[k]) if k in r else '':{al}}" for _, al, fmt, k in cols) + " |")
    return "\n".join(lines)


def add_orchestration(rows: list[dict], overhead: dict) -> None:
    """Prefect's cost per row: tasks x the measured per-task overhead of that row's runner."""
    per = {k.split(" ")[0]: v for k, v in overhead.items() if isinstance(v, float)}
    for r in rows:
        o = per.get("threads" if r["workers"] == 1 else r["runner"])
        if o is not None:
            r["prefect_s"] = r["tasks"] * o
            r["prefect_share"] = r["prefect_s"] / r["flow_s"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--en", type=int, default=20000)
    ap.add_argument("--cyr", type=int, default=2000)
    ap.add_argument("--runners", default="threads,processes", help="comma list: threads, processes, dask")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=200)
    ap.add_argument("--skip-overhead", action="store_true", help="skip the empty-task overhead measurement")
    args = ap.parse_args()
    runners = [r for r in args.runners.split(",") if r]

    with tempfile.TemporaryDirectory(prefix="bench-flow-") as tmp:
        work = Path(tmp)
        (work / "prefect-home").mkdir()
        server, env = start_server(work / "prefect-home")
        try:
            rows = []
            en = write_jsonl(work / "en" / "docs.jsonl", english_docs(args.en))
            # Warm the gazetteer index cache once so no row pays for building it.
            subprocess.run([TRANSNORM, "run", str(write_jsonl(work / "warm" / "w.jsonl", english_docs(3, 9, "w"))),
                            "--config", str(_cfg(work)), "--out", str(work / "warm-out")], env=env,
                           capture_output=True, timeout=900, check=True)
            if args.en:
                rows.append(run_row("en threads x1", en, work, env, "threads", 1, args.batch_size))
                for r in runners:
                    rows.append(run_row(f"en {r}", en, work, env, r, args.workers, args.batch_size))
                print(table(rows), flush=True)
            if args.cyr:
                sys.path.insert(0, str(ROOT / "tests"))
                sys.path.insert(0, str(ROOT / "src"))
                from argos_tiny import build_tiny_package

                from transnorm.translation.models import install_from_path

                models = work / "models"
                for code in ("ru", "uk"):
                    install_from_path(build_tiny_package(work / f"tiny-{code}", from_code=code), models)
                cyr = write_jsonl(work / "cyr" / "docs.jsonl", cyrillic_docs(args.cyr))
                extra = f"  models_dir: {models}\n"
                for r in runners:
                    rows.append(run_row(f"ru/uk {r} (tiny model)", cyr, work, env, r, args.workers,
                                        args.batch_size, extra=extra))
            if not args.skip_overhead:
                overhead = task_overhead(env, work)
                print("\nper-task overhead (2 workers, 40 tasks submitted at once; s per task):")
                for k, v in overhead.items():
                    print(f"  {k:<44} {v if isinstance(v, str) else f'{v:.4f}'}")
                add_orchestration(rows, overhead)
            print()
            print(table(rows))
            times = one_small_doc(env, work)
            print(f"\n`transnorm run` on one small document, server running: "
                  f"{', '.join(f'{t:.1f}' for t in times)} s (median {statistics.median(times):.1f} s; goal < 5 s)")
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()


def _cfg(work: Path) -> Path:
    p = work / "warm.yaml"
    p.write_text("state_dir: state\noutputs_dir: outputs\n", encoding="utf-8")
    return p


if __name__ == "__main__":
    main()
