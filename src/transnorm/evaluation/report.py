"""Printing evaluation results: a P/R/F1 table per split, language, type and topic, then the errors.

Misses and false links are listed for the split being tuned on; for the held-out split only the
figures are printed unless asked (`--details heldout`), so tuning never reads the held-out errors.
"""

from __future__ import annotations

from transnorm.evaluation.score import PREDICTION_STATUSES, EvalResult, Score

HEAD = f"{'':<20} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'found':>6} {'pred':>6} {'correct':>7}"


def _row(label: str, s: Score) -> str:
    return (f"{label:<20} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
            f"{s.n_gold:6d} {s.found:6d} {s.n_pred:6d} {s.correct:7d}")


def score_table(result: EvalResult, title: str = "all") -> list[str]:
    """Overall, by language, by type and by topic."""
    lines = [HEAD, "-" * len(HEAD), _row(title, result.overall)]
    for prefix, groups in (("lang", result.by_lang), ("type", result.by_type), ("topic", result.by_topic)):
        lines += [_row(f"{prefix} {k}", s) for k, s in sorted(groups.items())]
    lines += ["-" * len(HEAD), f"false links on neutral words: {result.neutral_hits}"]
    return lines


def error_lists(result: EvalResult, max_items: int | None = None) -> list[str]:
    """Every miss and false link with its context (at most max_items of each)."""
    def cut(items: list) -> list:
        return items if max_items is None else items[:max_items]

    lines = ["", f"Misses ({len(result.misses)}): expected, not linked to an accepted form"]
    for m in cut(result.misses):
        lines.append(f"  [{m.case_id}] {m.lang} {m.type} {m.surface!r} expected {' | '.join(m.accepted)}")
        lines.append(f"      got: {m.got}")
        lines.append(f"      {m.context}")
    if max_items is not None and len(result.misses) > max_items:
        lines.append(f"  ... {len(result.misses) - max_items} more")
    lines += ["", f"False links ({len(result.false_links)}): linked, but not to an expected name"]
    for f in cut(result.false_links):
        lines.append(f"  [{f.case_id}] {f.lang} {f.surface!r} -> {f.canonical} [{f.gazetteer_id}, {f.status}, "
                     f"{f.method}, {f.score:.2f}]: {f.reason}")
        lines.append(f"      {f.context}")
    if max_items is not None and len(result.false_links) > max_items:
        lines.append(f"  ... {len(result.false_links) - max_items} more")
    return lines


def format_result(result: EvalResult, max_items: int | None = None) -> str:
    """A table (overall, by language, by type, by topic), then every miss and false link with context."""
    langs = ", ".join(f"{k} {v}" for k, v in sorted(result.cases_by_lang.items()))
    lines = [f"{result.n_cases} cases ({langs}); a prediction = an entity with a gazetteer id and status "
             f"{'/'.join(PREDICTION_STATUSES)}; {result.seconds:.1f} s", ""]
    lines += score_table(result)
    if result.errors:
        lines += ["", f"Error rows ({len(result.errors)}):"] + [f"  {m}" for m in result.errors]
    return "\n".join(lines + error_lists(result, max_items))


def format_splits(results: dict[str, EvalResult], max_items: int | None = None,
                  details: tuple[str, ...] = ("tune", "all")) -> str:
    """One table per split; misses and false links only for the splits in `details`."""
    lines: list[str] = []
    for split, r in results.items():
        langs = ", ".join(f"{k} {v}" for k, v in sorted(r.cases_by_lang.items()))
        lines += [f"== {split}: {r.n_cases} cases ({langs})", ""] + score_table(r, split) + [""]
    for split, r in results.items():
        if split in details:
            if r.errors:
                lines += [f"Error rows in {split} ({len(r.errors)}):"] + [f"  {m}" for m in r.errors]
            lines += [f"== {split}: errors"] + error_lists(r, max_items) + [""]
    return "\n".join(lines).rstrip() + "\n"
