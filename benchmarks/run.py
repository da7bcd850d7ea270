"""Run every benchmark and print their tables, after a line describing the machine.

    /work/venv/bin/python benchmarks/run.py [--only linking,e2e,translate,store]
        [--sizes 10000,100000,1000000] [--docs 10000] [--translate-docs 100] [--repeats 3] [--cli]

Each benchmark runs in its own process (so peak-memory figures are its own) and prints its own
table; see each script's docstring for what it measures and how:

* bench_linking.py   linking throughput and F1: our matcher vs a naive rapidfuzz baseline, at
                     growing gazetteer sizes (--sizes);
* bench_e2e.py       documents/s and peak RSS of process_batch on a generated English corpus
                     (--docs); with --cli (or PREFECT_API_URL set) also `transnorm run`;
* bench_translate.py translation throughput: batched vs argostranslate (--translate-docs,
                     tiny random-weight model unless a real one is passed to it directly);
* bench_cli.py       what a user waits for: `transnorm run` with a local or a temporary Prefect
                     server against in-process, one document, and on-demand runs under `serve`.
* bench_store.py     the gazetteer index store before (a git worktree of the one-pickle commit)
                     and after: cold build, load, per-process memory, review decision and YAML
                     edit until the next run has its index;
* bench_review_apply.py `transnorm review apply` rows/s, before (an older commit) and after,
                     at 10k, 100k and 350k rows (--review-sizes).

The 2-core machines this runs on are small: each table takes a few minutes at the default sizes.
Timings are wall-clock and sensitive to other load; the load average is printed with the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ("linking", "e2e", "translate", "cli", "store", "review")


def machine() -> str:
    model = "?"
    mem = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"machine: {os.cpu_count()} CPUs, {model}, {mem} RAM; Python {platform.python_version()} "
            f"({platform.python_implementation()}), {platform.system()} {platform.release()}; load average {load}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(BENCHES), help=f"comma-separated subset of {', '.join(BENCHES)}")
    ap.add_argument("--sizes", default="10000,100000,1000000", help="bench_linking gazetteer sizes")
    ap.add_argument("--docs", type=int, default=10_000, help="bench_e2e corpus size")
    ap.add_argument("--translate-docs", type=int, default=100, help="bench_translate corpus size")
    ap.add_argument("--repeats", type=int, default=3, help="best-of repeats (linking, translate)")
    ap.add_argument("--review-sizes", default="10000,100000,350000", help="bench_review_apply row counts")
    ap.add_argument("--cli", action="store_true", help="bench_e2e: also time `transnorm run` (Prefect)")
    args = ap.parse_args()
    chosen = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = [b for b in chosen if b not in BENCHES]
    if unknown:
        ap.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    commands = {
        "linking": ["bench_linking.py", "--sizes", args.sizes, "--repeats", str(args.repeats)],
        "e2e": ["bench_e2e.py", "--docs", str(args.docs)] + (["--cli"] if args.cli else []),
        "translate": ["bench_translate.py", "--docs", str(args.translate_docs), "--repeats", str(args.repeats)],
        "cli": ["bench_cli.py", "--repeats", str(args.repeats)],
        "store": ["bench_store.py"],
        "review": ["bench_review_apply.py", "--sizes", args.review_sizes],
    }
    print(machine())
    failed = 0
    for name in chosen:
        script, *rest = commands[name]
        print(f"\n=== {name}: {script} {' '.join(rest)}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(HERE / script), *rest])
        print(f"=== {name}: {time.perf_counter() - t0:.0f} s wall, exit {rc}", flush=True)
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
