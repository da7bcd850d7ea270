"""Linking quality and speed, before and after, in one run: the real-text dev set and docs/s.

    python benchmarks/bench_versions.py                    # baseline: 60fb437 (before issues 13-15)
    python benchmarks/bench_versions.py --baseline HEAD~5  # another commit as the baseline

The baseline is checked out in a temporary `git worktree` and run from its own `src/` and its own
`gazetteers/` with this interpreter; both sides score this checkout's `eval/real/` (P/R/F1 per
split and on each split's admin-unit cases, as `transnorm eval` counts them) and link the same
texts for speed. Speed is documents per second of the pipeline's per-document linking
(`pipeline.link_segment`, the whole text in one call) with the index already built and loaded
(its build is not timed), best of `--repeats`, on the English and the ru/uk texts of eval/real
and eval/cases.jsonl.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

from benchtools import ROOT, baseline_tree, print_table

BASELINE = "60fb437"
#: the splits of eval/real, and their cases about raions, hromadas and districts (topic admin-unit)
SETS = ("tune", "heldout", "tune admin-unit", "heldout admin-unit")


def child(repeats: int, cases_dir: str, state: str) -> dict:
    """Runs inside the tree under test (its src/ first on sys.path, cwd = the tree)."""
    from transnorm.config import load_config
    from transnorm.pipeline import get_index, link_segment

    cfg = load_config(None, {"state_dir": state})
    index = get_index(cfg)
    texts: dict[str, list[tuple[str, str]]] = {"en": [], "ru/uk": []}
    for f in sorted(Path(cases_dir).glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            c = json.loads(line)
            texts["en" if c["lang"] == "en" else "ru/uk"].append((c["text"], c["lang"]))
    out = {}
    for group, items in texts.items():
        for text, lang in items[:20]:
            link_segment(text, lang, index, cfg)  # warm: lemma caches, derived tables
        best = min(timeit.repeat(lambda: [link_segment(t, lg, index, cfg) for t, lg in items],
                                 number=1, repeat=repeats))
        out[group] = {"docs": len(items), "docs_s": len(items) / best}
    return out


def scores(tree: Path, cases: Path, env: dict) -> dict:
    """P/R/F1 of `python -m transnorm.evaluation` on one file of cases, run in `tree`."""
    got = subprocess.run([sys.executable, "-m", "transnorm.evaluation", str(cases), "--json"], cwd=tree,
                         env=env, capture_output=True, text=True, check=True)
    data = json.loads(got.stdout)
    row = data["overall"] if "overall" in data else next(iter(data.values()))["overall"]  # old: no splits
    return {k: row[k] for k in ("precision", "recall", "f1")}


def measure(tree: Path, work: Path, repeats: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))  # index builds are cached, never timed
    result = {}
    for split in SETS:
        result[split] = scores(tree, work / f"{split}.jsonl", env)
    cmd = [sys.executable, __file__, "--child", str(repeats), str(work / "speed"), str(work / f"state-{tree.name}")]
    got = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=True)
    result["speed"] = json.loads(got.stdout.strip().splitlines()[-1])
    return result


def split_cases(work: Path) -> None:
    """eval/real split in two files (the baseline's eval knows no splits) and the speed texts."""
    (work / "speed").mkdir()
    files = {s: (work / f"{s}.jsonl").open("w", encoding="utf-8") for s in SETS}
    for f in sorted((ROOT / "eval" / "real").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            files[case["split"]].write(line + "\n")
            if case.get("topic") == "admin-unit":
                files[f"{case['split']} admin-unit"].write(line + "\n")
    for fh in files.values():
        fh.close()
    speed = [line for f in sorted((ROOT / "eval" / "real").glob("*.jsonl"))
             for line in f.read_text(encoding="utf-8").splitlines()]
    speed += (ROOT / "eval" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    (work / "speed" / "texts.jsonl").write_text("\n".join(speed) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", default=BASELINE, help="commit of the baseline (default: %(default)s)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(int(a.child[0]), a.child[1], a.child[2])))
        return
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="bench-versions-") as tmp:
        work = Path(tmp)
        split_cases(work)
        with baseline_tree(a.baseline, work / "baseline") as tree:
            before = measure(tree, work, a.repeats)
        after = measure(ROOT, work, a.repeats)
    rows = [("", f"before ({a.baseline})", "after", "after/before")]
    for split in SETS:
        for k in ("precision", "recall", "f1"):
            b, n = before[split][k], after[split][k]
            rows.append((f"eval/real {split}: {k}", f"{b:.3f}", f"{n:.3f}", f"{n - b:+.3f}"))
    for group in before["speed"]:
        b, n = before["speed"][group], after["speed"][group]
        rows.append((f"linking docs/s, {group} ({b['docs']} docs)", f"{b['docs_s']:.1f}", f"{n['docs_s']:.1f}",
                     f"{n['docs_s'] / b['docs_s']:.2f}x"))
    print_table(rows)


if __name__ == "__main__":
    main()
