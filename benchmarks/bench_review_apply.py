"""`transnorm review apply` at scale: rows/s before and after the linear rewrite, same run.

    python benchmarks/bench_review_apply.py                         # 10k, 100k and 350k rows
    python benchmarks/bench_review_apply.py --sizes 10000,20000 --baseline-timeout 300

A 1 GB run writes about 350,000 review.csv rows; issue 18 measured the old apply at 13.9 s for
10k rows, 47.8 s for 20k and unfinished after 600 s for 100k (quadratic merge, YAML read-back).

For each size a review.csv is generated with decisions both versions understand (70% a
gazetteer id, 15% accept, 10% reject, 5% new:Name), unique written forms in en/ru/uk, against
a set of 50,000 gazetteer ids. Each measurement runs in its own process and times
`apply_review(csv, ids, overrides.yaml)` on an empty overrides file ("apply"), then once more
with the same file on top of what it wrote ("again": read 350k decisions back, all unchanged).

* before: transnorm at --baseline-ref (default b1b00d3, the last commit before the rewrite),
  extracted with `git archive` into a temporary folder; stopped after --baseline-timeout s
  (wall clock; a stopped baseline's ratio is a lower bound: the limit over after's wall seconds);
* after: this checkout; also a third file using the whole new language (ignore and split rows).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["surface", "language", "type", "kind", "count", "example_context", "proposed_gazetteer_id",
           "proposed_canonical", "candidates", "reason", "decision"]
N_IDS = 50_000

CHILD = r"""
import json, sys, time
from pathlib import Path
from transnorm.review.apply import apply_review
csv_path, ov, n_ids = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
ids = {f"gn-{i}" for i in range(n_ids)}
out = {}
for phase in ("apply", "again"):
    t, c = time.perf_counter(), time.process_time()
    apply_review(csv_path, ids, ov)
    out[phase] = [time.perf_counter() - t, time.process_time() - c]
print(json.dumps(out))
"""


def make_csv(path: Path, n: int, full_language: bool, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(n):
            lang = ("en", "ru", "uk")[i % 3]
            surface = (f"Novo{i} Selo" if lang == "en" else f"Ново{i} Село")
            gid = f"gn-{rnd.randrange(N_IDS)}"
            r = rnd.random()
            if full_language and r < 0.10:
                decision, proposed = "ignore", ""
            elif full_language and r < 0.15:
                decision, proposed = f"split:{surface.split()[0]} | {surface.split()[1]}", ""
            elif r < 0.70:
                decision, proposed = gid, gid
            elif r < 0.85:
                decision, proposed = "accept", gid
            elif r < 0.95:
                decision, proposed = "reject", gid
            else:
                decision, proposed = f"new:Novo {i} Village", ""
            w.writerow([surface, lang, "place", "village", 1, f"… in [{surface}] …", proposed, "", "", "", decision])


def measure(src: Path, csv_path: Path, timeout: float) -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(src)}
        try:
            res = subprocess.run([sys.executable, "-c", CHILD, str(csv_path), str(Path(tmp) / "overrides.yaml"),
                                  str(N_IDS)], env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
    if res.returncode != 0:
        raise SystemExit(f"apply failed ({src}):\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def fmt(n: int, t: list[float] | None, timeout: float) -> str:
    """'wall s (CPU s)  rows/s by wall (by CPU)'."""
    if t is None:
        return f"{'>' + format(timeout, '.0f') + ' s':>15} {'—':>17}"
    wall, cpu = t
    return f"{wall:6.1f}s ({cpu:5.1f}s) {n / wall:7,.0f} ({n / cpu:7,.0f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,350000")
    ap.add_argument("--baseline-ref", default="b1b00d3")
    ap.add_argument("--baseline-timeout", type=float, default=300.0)
    ap.add_argument("--timeout", type=float, default=900.0)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = tmp / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline_ref, "src"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        print(f"before: transnorm at {args.baseline_ref} (stopped after {args.baseline_timeout:.0f} s); "
              f"after: {ROOT}; {N_IDS:,} gazetteer ids; times are apply_review() in a fresh process")
        print("each cell: wall seconds (CPU seconds) and rows/s by wall (by CPU); ratio = before / after by CPU "
              "(a stopped baseline: > its time limit / after's wall seconds)")
        print(f"{'rows':>8} | {'before':>33} | {'after':>33} | {'ratio':>6} | {'again':>33} | {'full language':>33}")
        for n in sizes:
            common, full = tmp / f"common-{n}.csv", tmp / f"full-{n}.csv"
            make_csv(common, n, full_language=False)
            make_csv(full, n, full_language=True)
            before = measure(base / "src", common, args.baseline_timeout)
            after = measure(ROOT / "src", common, args.timeout)
            whole = measure(ROOT / "src", full, args.timeout)
            b = before["apply"] if before else None
            a = after["apply"] if after else None
            # Both finished: CPU over CPU. Baseline stopped: a lower bound, its wall-clock limit over after's wall.
            ratio = f"{b[1] / a[1]:5.0f}x" if b and a else (f">{args.baseline_timeout / a[0]:4.0f}x" if a else "—")
            print(f"{n:8,} | {fmt(n, b, args.baseline_timeout)} | {fmt(n, a, args.timeout)} | {ratio:>6} | "
                  f"{fmt(n, after['again'] if after else None, args.timeout)} | "
                  f"{fmt(n, whole['apply'] if whole else None, args.timeout)}", flush=True)
    print("apply: into an empty overrides.yaml; again: the same file over what it wrote (read back, all unchanged); "
          "full language: 10% ignore, 5% split rows too (after only). Wall-clock on a shared machine: the CPU "
          "seconds say what the code costs, the wall seconds what other load added.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
