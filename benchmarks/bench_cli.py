"""What a user waits for: `transnorm run` with and without a running Prefect server, and on-demand runs.

    python benchmarks/bench_cli.py [--docs 2000] [--repeats 3] [--skip-temporary] [--skip-on-demand]

Everything runs here, on 127.0.0.1: the benchmark starts `transnorm server start` (so runs find it
through its port file, without PREFECT_API_URL) in a fresh PREFECT_HOME, and stops it at the end.

Rows (wall-clock seconds; the median of --repeats for the one-document and on-demand rows):

* in-process: the --docs corpus (English, generated as in bench_e2e.py) through `process_batch`
  in batches of 200 in an already started process with the index loaded: the pipeline's own work,
  the baseline of every ratio. Then the same plus writing records.jsonl and the reports (no ledger),
  and the whole of that in a fresh `python` process, start-up and index loading included.
* `transnorm run` on the corpus (--force), against the local server, and with a temporary server
  (no server running: the run starts and stops its own); ratio = wall / in-process.
* `transnorm run` on one document: local server, temporary server.
* on demand: `transnorm serve` running (runner.poll_seconds 1, the default, and 10, Prefect's own
  default), then `transnorm submit one.txt` until it prints the run folder, and `prefect deployment
  run` until records.jsonl appears.

Targets (issue 17): one document <= 3 s with a running server; the CLI on 2,000 documents <= 1.3x
in-process; on demand <= 5 s with `transnorm serve` running.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TRANSNORM = [sys.executable, "-m", "transnorm.cli.main"]
if (Path(sys.executable).parent / "transnorm").exists():
    TRANSNORM = [str(Path(sys.executable).parent / "transnorm")]

IN_PROCESS = """
import json, sys, time
t0 = time.perf_counter()
from transnorm.config import load_config
from transnorm.ingest import iter_inputs
from transnorm.pipeline import get_index, process_batch
cfg = load_config(None)
get_index(cfg)
items = list(iter_inputs([sys.argv[1]], cfg.ingest))
t1 = time.perf_counter()
records = []
for i in range(0, len(items), 200):
    records.extend(process_batch(items[i:i + 200], cfg))
pipeline = time.perf_counter() - t1
from pathlib import Path
from transnorm.ops.output import RunWriter
writer = RunWriter(Path(sys.argv[2]), limits=cfg.report)
writer.write(records)
writer.close()
import resource
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"pipeline": pipeline, "written": time.perf_counter() - t1, "process": time.perf_counter() - t0,
                  "n": len(items),
                  "cpu": ru.ru_utime + ru.ru_stime}))
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_health(url: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no Prefect server at {url} after {timeout} s")


CPU = {"last": 0.0}  # CPU seconds (user + system) of the last command timed


def cpu_median(fn, repeats: int) -> tuple[float, float]:
    """Median wall and median CPU seconds of `repeats` calls of fn() (a timed() call)."""
    walls, cpus = [], []
    for _ in range(repeats):
        walls.append(fn())
        cpus.append(CPU["last"])
    return statistics.median(walls), statistics.median(cpus)


def timed(cmd: list[str], env: dict, until=None, timeout: float = 900) -> float:
    """Wall seconds of `cmd`; with `until`, until that check passes (the command may return earlier).
    CPU["last"]: its CPU seconds, with the children it waited for (a temporary server; not a flow run
    that `transnorm serve` started)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["last"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {res.returncode}: {res.stderr[-2000:]}")
    while until is not None and not until():
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"{cmd}: not done after {timeout} s")
        time.sleep(0.05)
    return time.perf_counter() - t0


class Rows(list):
    """The table's rows, each also printed as soon as it is measured (stderr), so a long run shows progress."""

    def append(self, row: tuple[str, float, float | None, str]) -> None:
        super().append(row)
        print(f"  measured: {row[0]}: {row[1]:.2f} s {row[3]}", file=sys.stderr, flush=True)


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-temporary", action="store_true", help="no rows with a temporary server")
    ap.add_argument("--skip-on-demand", action="store_true", help="no `transnorm serve` rows")
    args = ap.parse_args()
    from bench_e2e import make_corpus

    load0 = load()
    work = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    corpus = work / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(make_corpus(args.docs)):
            fh.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    one = work / "one.txt"
    one.write_text("Russian forces shelled Kharkov overnight, injuring three people, the regional administration "
                   "said. Vladimir Zelensky said in Kiev that air defence had shot down twelve drones over the "
                   "Zaporozhye region.", encoding="utf-8")  # a short news item (lingua: > 120 characters)
    cfg = work / "c.yaml"
    cfg.write_text(f"state_dir: {work / 'state'}\noutputs_dir: {work / 'outputs'}\n"
                   f"runner:\n  inbox: {work / 'inbox'}\n", encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    base.update({"DO_NOT_TRACK": "1", "TRANSNORM_MODELS_DIR": str(work / "models"), "PREFECT_UI_ENABLED": "false"})
    local = {**base, "PREFECT_HOME": str(work / "home-local")}
    temporary = {**base, "PREFECT_HOME": str(work / "home-temporary")}
    rows = Rows()

    res = subprocess.run([sys.executable, "-c", IN_PROCESS, str(corpus), str(work / "in-process")], env=base,
                         capture_output=True, text=True, check=True)
    inproc = json.loads(res.stdout.strip().splitlines()[-1])
    baseline = inproc["pipeline"]
    rows.append((f"in-process: process_batch, {args.docs} documents (baseline)", baseline, None, "1.00x"))
    rows.append(("in-process: the same + records.jsonl and reports (RunWriter)", inproc["written"], None,
                 f"{inproc['written'] / baseline:.2f}x"))
    rows.append(("in-process: fresh python, imports + index + all of the above", inproc["process"],
                 inproc["cpu"], f"{inproc['process'] / baseline:.2f}x"))

    port = free_port()
    server = subprocess.Popen([*TRANSNORM, "server", "start", "--port", str(port)], env=local,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    serving = None
    try:
        wait_health(f"http://127.0.0.1:{port}/api")
        run = [*TRANSNORM, "run", "--config", str(cfg)]
        timed([*run, str(one), "--out", str(work / "warm")], local)  # first use of this server's database
        t = timed([*run, str(corpus), "--force", "--out", str(work / "big-local")], local)
        rows.append((f"transnorm run, {args.docs} documents, local server", t, CPU["last"], f"{t / baseline:.2f}x"))
        if not args.skip_temporary:
            timed([*run, str(one), "--out", str(work / "warm-t")], temporary)  # creates that database
            t = timed([*run, str(corpus), "--force", "--out", str(work / "big-temp")], temporary)
            rows.append((f"transnorm run, {args.docs} documents, temporary server", t, CPU["last"],
                         f"{t / baseline:.2f}x"))
        n = iter(range(99))
        wall, cpu = cpu_median(lambda: timed([*run, str(one), "--force", "--out", str(work / f"one-{next(n)}")],
                                             local), args.repeats)
        rows.append(("transnorm run, 1 document, local server (median)", wall, cpu, "target <= 3 s"))
        if not args.skip_temporary:
            wall, cpu = cpu_median(lambda: timed([*run, str(one), "--force", "--out",
                                                  str(work / f"one-t{next(n)}")], temporary), args.repeats)
            rows.append(("transnorm run, 1 document, temporary server (median)", wall, cpu, ""))
        if not args.skip_on_demand:
            for poll in (1, 10):
                cfg_poll = work / f"serve-{poll}.yaml"
                cfg_poll.write_text(cfg.read_text() + f"  poll_seconds: {poll}\n", encoding="utf-8")
                serving = subprocess.Popen([*TRANSNORM, "serve", "--config", str(cfg_poll)], env=local,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           start_new_session=True)
                time.sleep(8)  # deployments registered
                sub, dep, sub_cpu = [], [], []
                for i in range(args.repeats):
                    out = work / f"od-{poll}-{i}"
                    sub.append(timed([*TRANSNORM, "submit", str(one), "--force", "--out", str(out)], local))
                    sub_cpu.append(CPU["last"])
                    out = work / f"odp-{poll}-{i}"
                    dep.append(timed([sys.executable, "-m", "prefect", "deployment", "run",
                                      "translate_normalise/on-demand", "--param", f"inputs={json.dumps([str(one)])}",
                                      "--param", f"out={out}", "--param", "force=true"],
                                     {**local, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"},
                                     until=lambda o=out: (o / "records.jsonl").exists()))
                note = "target <= 5 s" if poll == 1 else "Prefect's default poll (before)"
                rows.append((f"on demand: transnorm submit, serve polling every {poll} s (median)",
                             statistics.median(sub), statistics.median(sub_cpu), note + "; CPU: submit only"))
                rows.append((f"on demand: prefect deployment run -> records.jsonl, poll {poll} s (median)",
                             statistics.median(dep), None, note))
                serving.send_signal(signal.SIGTERM)
                serving.wait(timeout=60)
                serving = None
    finally:
        for proc in (serving, server):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)

    width = max(len(r[0]) for r in rows)
    print(f"load average at the start {load0}, at the end {load()} ({os.cpu_count()} CPUs): other work on the "
          "machine inflates every row")
    print(f"{'what':<{width}}  {'wall s':>7}  {'CPU s':>6}  note")
    for name, secs, cpu, note in rows:
        print(f"{name:<{width}}  {secs:7.2f}  {'' if cpu is None else f'{cpu:6.2f}':>6}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
