"""Russian -> Ukrainian place names, before and after, in one run: how often the reconstruction is right.

    python benchmarks/bench_crosslang.py                    # this checkout only
    python benchmarks/bench_crosslang.py --baseline HEAD~3  # and that commit, in the same run

Russian news writes Ukrainian villages in Russian (Ревковцы, Николаевка); when no gazetteer name
meets one through the cross-language key, the linker proposes a KMU spelling of its Ukrainian
reconstruction (text/crosslang.uk_from_ru). The gazetteer itself is the test set: every Ukrainian
place with a Russian and a Ukrainian name that differ is one pair. The table gives the share of
Russian names whose reconstruction is exactly one of the entry's Ukrainian names, with the
lexicon's translated words (as the linker calls it) and without (as the gazetteer build does),
and the share the cross-language key finds. GeoNames' Russian names include Belarusian and
Crimean Tatar forms no rule can turn into the Ukrainian name, so 100 % is out of reach.
The baseline runs from its own `src/` and `gazetteers/` in a temporary `git worktree`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchtools import ROOT, baseline_tree, print_table


def child(state: str) -> dict:
    """Runs inside the tree under test (its src/ first on sys.path, cwd = the tree)."""
    from transnorm.config import load_config
    from transnorm.pipeline import get_index
    from transnorm.text.crosslang import cross_key, cross_keys, uk_from_ru

    index = get_index(load_config(None, {"state_dir": state}))
    translated = index.lexicon.translated_toponym_words
    pairs = [(ru, set(e.aliases.get("uk", ()))) for e in index.entries
             if e.type == "place" and e.country == "UA" and e.aliases.get("uk")
             for ru in e.aliases.get("ru", ()) if ru not in e.aliases["uk"]]
    n = len(pairs) or 1
    return {
        "pairs": len(pairs),
        "with lexicon": sum(uk_from_ru(ru, translated) in uk for ru, uk in pairs) / n,
        "letter rules only": sum(uk_from_ru(ru) in uk for ru, uk in pairs) / n,
        "cross key finds": sum(any(cross_key(ru) in cross_keys(u) for u in uk) for ru, uk in pairs) / n,
    }


def measure(tree: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-crosslang-") as state:
        env = dict(os.environ, PYTHONPATH=str(tree / "src"))
        code = f"import json,sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); " \
               f"from bench_crosslang import child; print(json.dumps(child({state!r})))"
        got = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True,
                             check=True)
        return json.loads(got.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", help="a git ref to measure in the same run")
    args = ap.parse_args()
    results = {}
    if args.baseline:
        with tempfile.TemporaryDirectory(prefix="bench-crosslang-wt-") as tmp:
            with baseline_tree(args.baseline, Path(tmp) / "tree") as tree:
                results[args.baseline] = measure(tree)
    results["this checkout"] = measure(ROOT)
    first = next(iter(results.values()))
    print(f"Ukrainian places' ru/uk name pairs in the gazetteer: {first['pairs']:,}\n")
    rows = [["reconstruction exact", *results]]
    for key in ("with lexicon", "letter rules only", "cross key finds"):
        rows.append([key, *(f"{r[key]:.1%}" for r in results.values())])
    print_table(rows)


if __name__ == "__main__":
    main()
