"""What a user waits for: `transnorm run` with and without a running Prefect server, and on-demand runs.

    python benchmarks/bench_cli.py [--docs 2000] [--repeats 3] [--skip-temporary] [--skip-on-demand]
                                   [--baseline REF]

Everything runs here, on 127.0.0.1: the benchmark starts `transnorm server start` (so runs find it
through its port file, without PREFECT_API_URL) in a fresh PREFECT_HOME, and stops it at the end.

Rows (wall-clock seconds; the median of --repeats for the one-document and on-demand rows):

* in-process: the --docs corpus (English, generated as in bench_e2e.py) through `process_batch`
  in batches of 200 in an already started process with the index and its stored tables loaded
  (lingua's models load at the first document, as in every run): the pipeline's own work, the
  baseline of every ratio. Then the same plus writing records.jsonl and the reports (no ledger),
  and the whole of that in a fresh `python` process, start-up and index loading included.
* `transnorm run` on the corpus (--force), against the local server; ratio = wall / in-process.
  The in-process rows and these take turns --repeats times (medians), so both meet the same load
  on a shared machine. The default task runner (`auto`) gives this corpus two worker processes
  on a 2-core machine; a row runs it with `task_runner: threads`, the whole run in one process,
  as the baseline does. Then once with a temporary server (no server running: the run starts and
  stops its own).
* `transnorm run` on one document: local server, temporary server.
* on demand: `transnorm serve` running (runner.poll_seconds 1, the default, and 10, Prefect's own
  default) and polling, SETTLE seconds later `transnorm submit one.txt` until it prints the run
  folder, then `prefect deployment run` until records.jsonl appears (--repeats times in a row).

Every tree's Python files are compiled to bytecode first, as in an installed package (with
PYTHONDONTWRITEBYTECODE set, as on these machines, an editable checkout would compile every
module again in every process: 0.3 s of CPU each).

With --baseline REF (e.g. main), the `transnorm` of that commit (a git worktree beside this one, its src/
first on PYTHONPATH) is measured too, with its own state folder: the two take turns on the one-document
rows, so both meet the same load. CPU seconds: the command and the children it waited for; for
on-demand runs, `serve` and its flow-run processes over the session, per run (serve's start included).

Targets (issue 17): one document <= 3 s with a running server; the CLI on 2,000 documents <= 1.3x
in-process; on demand <= 5 s with `transnorm serve` running.
"""

from __future__ import annotations

import argparse
import compileall
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
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchtools import baseline_tree  # noqa: E402

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
from transnorm.linking.derived import warm_tables
warm_tables(get_index(cfg))  # built once per index build and stored: not part of any later run's work
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


SETTLE = 10  # seconds between serve polling for runs and the first on-demand request


def wait_polling(url: str, since: datetime, timeout: float = 300) -> None:
    """Until a `serve` started at `since` polls for on-demand runs (the deployment's last_polled)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/deployments/name/translate_normalise/on-demand", timeout=5) as r:
                polled = json.loads(r.read()).get("last_polled")
            if polled and datetime.fromisoformat(polled.replace("Z", "+00:00")) > since:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"transnorm serve not polling after {timeout} s")


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


@dataclass
class Variant:
    """One source tree's `transnorm`: this checkout, or --baseline's (its src/ first on PYTHONPATH)."""

    label: str  # "" for this tree, "main: " for the baseline
    cmd: list[str]
    env: dict
    cfg: Path  # its own state and outputs: the trees never share a ledger or a lock


def serve_session(v: Variant, work: Path, one: Path, poll: int, repeats: int, port: int,
                  rows: Rows) -> None:
    """`transnorm serve` polling every `poll` s: `repeats` x (submit, then `prefect deployment run`)."""
    cfg_poll = work / f"{v.cfg.stem}-serve-{poll}.yaml"
    cfg_poll.write_text(v.cfg.read_text() + f"  poll_seconds: {poll}\n", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    clients = 0.0
    started = datetime.now(timezone.utc)
    serving = subprocess.Popen([*v.cmd, "serve", "--config", str(cfg_poll)], env=v.env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_polling(f"http://127.0.0.1:{port}/api", started)
        time.sleep(SETTLE)  # a request meets an idle serve (its start-up work done)
        sub, dep, sub_cpu, failed = [], [], [], []
        for i in range(repeats):
            out = work / f"{v.cfg.stem}-od-{poll}-{i}"
            try:
                sub.append(timed([*v.cmd, "submit", str(one), "--force", "--out", str(out)], v.env))
            except RuntimeError as exc:  # a commit whose submit gives up on a busy server (HTTP 503)
                failed.append(str(exc).strip().splitlines()[-1][-80:])
            sub_cpu.append(CPU["last"])
            clients += CPU["last"]
            out = work / f"{v.cfg.stem}-odp-{poll}-{i}"
            dep.append(timed([sys.executable, "-m", "prefect", "deployment", "run",
                              "translate_normalise/on-demand", "--param", f"inputs={json.dumps([str(one)])}",
                              "--param", f"out={out}", "--param", "force=true"],
                             {**v.env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"},
                             until=lambda o=out: (o / "records.jsonl").exists()))
            clients += CPU["last"]
    finally:
        serving.send_signal(signal.SIGTERM)
        try:
            serving.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serving.pid, signal.SIGKILL)
            serving.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    per_run = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime) - clients) / (2 * repeats)
    note = "target <= 5 s" if poll == 1 else "Prefect's default poll"
    if failed:
        note_sub = f"{len(failed)} of {repeats} failed ({failed[0]}); " + note
    else:
        note_sub = note
    rows.append((f"{v.label}on demand: transnorm submit, serve polling every {poll} s (median)",
                 statistics.median(sub) if sub else float("nan"), statistics.median(sub_cpu),
                 note_sub + "; CPU: submit only"))
    rows.append((f"{v.label}on demand: prefect deployment run -> records.jsonl, poll {poll} s (median)",
                 statistics.median(dep), per_run, note + "; CPU: serve and its flow runs, per run (start included)"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-temporary", action="store_true", help="no rows with a temporary server")
    ap.add_argument("--skip-on-demand", action="store_true", help="no `transnorm serve` rows")
    ap.add_argument("--baseline", metavar="REF", help="also measure the `transnorm` of this git ref (checked "
                    "out beside this tree), row by row with this tree's, in the same run")
    args = ap.parse_args()
    from bench_e2e import make_corpus

    load0 = load()
    work = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, work, True)
        trees = [("", ROOT)]
        if args.baseline:
            trees.insert(0, (f"{args.baseline}: ", stack.enter_context(baseline_tree(args.baseline, work / "base"))))
        return measure(args, work, trees, make_corpus, load0)


def measure(args, work: Path, trees: list[tuple[str, Path]], make_corpus, load0: str) -> int:
    corpus = work / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(make_corpus(args.docs)):
            fh.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    one = work / "one.txt"
    one.write_text("Russian forces shelled Kharkov overnight, injuring three people, the regional administration "
                   "said. Vladimir Zelensky said in Kiev that air defence had shot down twelve drones over the "
                   "Zaporozhye region.", encoding="utf-8")  # a short news item (lingua: > 120 characters)
    base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    base.update({"DO_NOT_TRACK": "1", "TRANSNORM_MODELS_DIR": str(work / "models"), "PREFECT_UI_ENABLED": "false"})
    variants = []
    for _, tree in trees:  # as an installed package has them (see the docstring)
        compileall.compile_dir(str(tree / "src"), quiet=1)
    for n, (label, tree) in enumerate(trees):
        cfg = work / f"c{n}.yaml"
        cfg.write_text(f"state_dir: {work / f'state{n}'}\noutputs_dir: {work / f'outputs{n}'}\n"
                       f"runner:\n  inbox: {work / f'inbox{n}'}\n", encoding="utf-8")
        env = dict(base)
        cmd = TRANSNORM
        if tree != ROOT:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree / "src"), env.get("PYTHONPATH")]))
            cmd = [sys.executable, "-m", "transnorm.cli.main"]
        variants.append(Variant(label, cmd, env, cfg))
    homes = {"local": str(work / "home-local"), "temporary": str(work / "home-temporary")}
    rows = Rows()

    port = free_port()
    server = subprocess.Popen([*TRANSNORM, "server", "start", "--port", str(port)],
                              env={**base, "PREFECT_HOME": homes["local"]},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    kinds = ["local"] + ([] if args.skip_temporary else ["temporary"])
    try:
        wait_health(f"http://127.0.0.1:{port}/api")
        for kind in kinds:
            for v in variants:  # first use of each server's database, index cache and state
                timed([*v.cmd, "run", "--config", str(v.cfg), str(one), "--out",
                       str(work / f"warm-{v.cfg.stem}-{kind}")], {**v.env, "PREFECT_HOME": homes[kind]})
        this = variants[-1]  # this tree, its batches in threads (the default `auto` spawns two workers here)
        threads = this.cfg.with_name("threads.yaml")
        threads.write_text(this.cfg.read_text(encoding="utf-8") + "  task_runner: threads\n", encoding="utf-8")
        inproc: list[dict] = []
        big: dict[str, list[tuple[float, float]]] = {v.label: [] for v in variants}
        big_threads: list[tuple[float, float]] = []
        for r in range(args.repeats):  # in-process and CLI take turns: the same load for each
            res = subprocess.run([sys.executable, "-c", IN_PROCESS, str(corpus), str(work / "in-process")], env=base,
                                 capture_output=True, text=True, check=True)
            inproc.append(json.loads(res.stdout.strip().splitlines()[-1]))
            for v in variants:
                t = timed([*v.cmd, "run", "--config", str(v.cfg), str(corpus), "--force", "--out",
                           str(work / f"big-{v.cfg.stem}-{r}")], {**v.env, "PREFECT_HOME": homes["local"]})
                big[v.label].append((t, CPU["last"]))
            t = timed([*this.cmd, "run", "--config", str(threads), str(corpus), "--force", "--out",
                       str(work / f"big-threads-{r}")], {**this.env, "PREFECT_HOME": homes["local"]})
            big_threads.append((t, CPU["last"]))
        med = {k: statistics.median(d[k] for d in inproc) for k in ("pipeline", "written", "process", "cpu")}
        baseline = med["pipeline"]
        rows.append((f"in-process: process_batch, {args.docs} documents (baseline, median)", baseline, None, "1.00x"))
        rows.append(("in-process: the same + records.jsonl and reports (RunWriter)", med["written"], None,
                     f"{med['written'] / baseline:.2f}x"))
        rows.append(("in-process: fresh python, imports + index + all of the above", med["process"],
                     med["cpu"], f"{med['process'] / baseline:.2f}x"))
        for v in variants:
            t = statistics.median(w for w, _ in big[v.label])
            rows.append((f"{v.label}transnorm run, {args.docs} documents, local server (median)", t,
                         statistics.median(c for _, c in big[v.label]), f"{t / baseline:.2f}x (target <= 1.3x)"))
        t = statistics.median(w for w, _ in big_threads)
        rows.append((f"transnorm run, {args.docs} documents, local server, task_runner: threads (median)", t,
                     statistics.median(c for _, c in big_threads), f"{t / baseline:.2f}x"))
        for v in variants if "temporary" in kinds else []:
            t = timed([*v.cmd, "run", "--config", str(v.cfg), str(corpus), "--force", "--out",
                       str(work / f"big-{v.cfg.stem}-temporary")], {**v.env, "PREFECT_HOME": homes["temporary"]})
            rows.append((f"{v.label}transnorm run, {args.docs} documents, temporary server", t, CPU["last"],
                         f"{t / baseline:.2f}x"))
        n = iter(range(999))
        for kind in kinds:
            got: dict[str, list[tuple[float, float]]] = {v.label: [] for v in variants}
            for _ in range(args.repeats):  # the trees take turns: the same load for both
                for v in variants:
                    t = timed([*v.cmd, "run", "--config", str(v.cfg), str(one), "--force", "--out",
                               str(work / f"one-{next(n)}")], {**v.env, "PREFECT_HOME": homes[kind]})
                    got[v.label].append((t, CPU["last"]))
            for v in variants:
                rows.append((f"{v.label}transnorm run, 1 document, {kind} server (median)",
                             statistics.median(t for t, _ in got[v.label]),
                             statistics.median(c for _, c in got[v.label]), "target <= 3 s" if kind == "local" else ""))
        if not args.skip_on_demand:
            for poll in (1, 10):
                for v in variants if poll == 1 else variants[-1:]:
                    serve_session(Variant(v.label, v.cmd, {**v.env, "PREFECT_HOME": homes["local"]}, v.cfg),
                                  work, one, poll, args.repeats, port, rows)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)

    width = max(len(r[0]) for r in rows)
    print(f"load average at the start {load0}, at the end {load()} ({os.cpu_count()} CPUs): other work on the "
          "machine inflates every row")
    print(f"{'what':<{width}}  {'wall s':>7}  {'CPU s':>6}  note")
    for name, secs, cpu, note in rows:
        print(f"{name:<{width}}  {secs:7.2f}  {'' if cpu is None else f'{cpu:6.2f}':>6}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
