"""`python -m transnorm.evaluation CASES [--config FILE] [--json] [--max N]`: the CLI's `eval`."""
from __future__ import annotations

import json
from pathlib import Path

from transnorm.evaluation.cases import CaseError, load_cases
from transnorm.evaluation.report import format_splits
from transnorm.evaluation.score import evaluate_splits


def main(argv: list[str] | None = None) -> int:
    """Score name linking on labelled cases: a table per split (tune, heldout), errors of the tuned split."""
    import argparse
    import sys

    from transnorm.config import ConfigError, load_config

    ap = argparse.ArgumentParser(prog="python -m transnorm.evaluation", description=main.__doc__)
    ap.add_argument("cases", type=Path)
    ap.add_argument("--config", type=Path)
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--max", type=int, default=None, help="list at most N misses and false links")
    ap.add_argument("--details", nargs="*", default=["tune", "all"],
                    help="splits whose misses and false links are listed (default: tune, all; not heldout)")
    args = ap.parse_args(argv)
    try:
        cfg = load_config(args.config)
        cases = load_cases(args.cases)
    except (ConfigError, CaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = evaluate_splits(cases, cfg)
    print(json.dumps({k: r.to_dict() for k, r in results.items()}, ensure_ascii=False, indent=1) if args.json
          else format_splits(results, args.max, tuple(args.details)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
