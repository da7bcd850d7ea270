"""report.md: what to decide, what went wrong, then the run summary and every change.

The order is a reviewer's: names to decide first (the head of review.csv), then warnings and
errors, then counts. Everything taken from documents is escaped for Markdown (pipes, emphasis,
code spans, links, HTML brackets) so a document cannot inject markup into the report, and only
where a character would act, so the plain file stays readable. The same lines, up to the
changes table, are the Prefect run's markdown artifact.
"""

from __future__ import annotations

import re
from typing import Iterable, TextIO

from transnorm.review.queue import ReviewGroup
from transnorm.review.summary import Stats

QUEUE_ROWS_MD = 100  # names to decide listed in report.md; review.csv has all of them
WARNING_KINDS_MD = 20
_LINK_OPEN = re.compile(r"\[(?=[^\]]*\]\s*[(\[:])")  # "[" of a link, image or reference
_LINK_CLOSE = re.compile(r"\](?=\s*[(\[:])")
_LOOSE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # intraword _ never emphasises
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


_INERT = re.compile(r"[\\|`*&<>_\[\]]|[^\S ]|  ")  # what md_escape would change; most text has none


def md_escape(s: str | None) -> str:
    """Make untrusted text inert inside a Markdown table cell or list item, on one line."""
    if s is None:
        return ""
    s = str(s)
    if not _INERT.search(s):  # plain words (a report's 40,000 context snippets are mostly that)
        return s
    return escape_all(s)


def escape_all(s: str) -> str:
    """md_escape without its shortcut for text that needs nothing."""
    s = re.sub(r"\s+", " ", s)
    s = s.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace("*", "\\*")
    s = _ENTITY.sub("&amp;", s).replace("<", "&lt;").replace(">", "&gt;")
    s = _LOOSE_UNDERSCORE.sub(r"\\_", s)
    s = _LINK_OPEN.sub(r"\\[", s)
    return _LINK_CLOSE.sub(r"\\]", s)


def _context(parts: tuple[str, str, str]) -> str:
    before, name, after = parts
    return f"{md_escape(before)}**{md_escape(name)}**{md_escape(after)}".strip()


def _counter_table(title: str, counter) -> list[str]:
    if not counter:
        return [f"**{title}:** none", ""]
    lines = [f"| {title} | count |", "|---|---:|"]
    lines += [f"| {md_escape(str(k))} | {v} |" for k, v in counter.most_common()]
    return lines + [""]


def _crosstab(title: str, counts, cols: Iterable[str]) -> list[str]:
    rows = sorted({r for r, _ in counts})
    cols = list(cols) + sorted({c for _, c in counts} - set(cols))
    if not rows:
        return [f"**{title}:** none", ""]
    lines = [f"| {title} | " + " | ".join(cols) + " | total |", "|---|" + "---:|" * (len(cols) + 1)]
    for r in rows:
        vals = [counts.get((r, c), 0) for c in cols]
        lines.append(f"| {md_escape(r)} | " + " | ".join(map(str, vals)) + f" | {sum(vals)} |")
    return lines + [""]


def proposed_text(g: ReviewGroup) -> str:
    """The proposal in words: 'Mykolaiv (city, Mykolaiv Oblast, UA, pop. 470,011)'."""
    if g.proposed_id and g.views:
        return g.views[0].describe()
    return f"{g.proposed_canonical} (a spelling, no entry)" if g.proposed_canonical else ""


def others_text(g: ReviewGroup) -> str:
    """The other candidates by name, with their facts."""
    return "; ".join(v.describe() for v in g.views if v.gazetteer_id != g.proposed_id)


def queue_lines(queue: list[ReviewGroup], queue_total: int, undecided: int) -> list[str]:
    """The names to decide, most frequent first, with their proposals and candidates by name."""
    lines = [f"## To decide ({queue_total} names, {undecided} mentions)", ""]
    if not queue_total:
        return lines + ["Nothing to decide.", ""]
    lines += ["Decide in report.html (keys j/k, 1-9, a, r, n; then *Export decisions*) or in the decision "
              "column of review.csv, then run: transnorm review apply FILE", "",
              "| name | language | count | proposed | other candidates | example |", "|---|---|---:|---|---|---|"]
    for g in queue[:QUEUE_ROWS_MD]:
        why = f" ({md_escape(g.reason)})" if g.reason else ""
        lines.append(f"| {md_escape(g.surface)} | {g.lang} | {g.count} | {md_escape(proposed_text(g)) or '—'}{why} | "
                     f"{md_escape(others_text(g))} | {_context(g.context_parts)} |")
    if queue_total > min(len(queue), QUEUE_ROWS_MD):
        lines.append(f"\n… and {queue_total - min(len(queue), QUEUE_ROWS_MD)} more names in review.csv")
    return lines + [""]


def problem_lines(stats: Stats) -> list[str]:
    """Warnings (grouped by kind, with the documents they hit) and errors."""
    lines = [f"## Warnings ({stats.warnings_total} documents)", ""]
    kinds = sorted(stats.warnings.values(), key=lambda w: -w.documents)
    for w in kinds[:WARNING_KINDS_MD]:
        docs = ", ".join(md_escape(d) for d in w.doc_ids) + (", …" if w.documents > len(w.doc_ids) else "")
        lines.append(f"- {w.documents} × {md_escape(w.example)} ({docs})")
    if len(kinds) > WARNING_KINDS_MD:
        lines.append(f"- … and {len(kinds) - WARNING_KINDS_MD} more kinds (every warning is in records.jsonl)")
    if not kinds:
        lines.append("none")
    lines += ["", f"## Errors ({stats.errors_total})", ""]
    lines += [f"- {md_escape(msg if msg.startswith(f'{src}: ') else f'{src}: {msg}')}"  # error rows say where
              for src, msg in stats.errors] or ["none"]
    if stats.errors_total > len(stats.errors):
        lines.append(f"- … and {stats.errors_total - len(stats.errors)} more (every error is in records.jsonl)")
    return lines + [""]


def summary_lines(stats: Stats, header: dict[str, str], queue: list[ReviewGroup] | None = None,
                  queue_total: int = 0) -> list[str]:
    """Header facts, names to decide, warnings, errors and counts (also the Prefect markdown artifact)."""
    lines = ["# transnorm run report", ""]
    lines += [f"- **{k}:** {md_escape(v)}" for k, v in header.items()]
    lines += [f"- **documents:** {stats.documents}",
              f"- **mentions:** {stats.mentions} (each name once, in the text it was found in)",
              f"- **to decide:** {queue_total} names, {stats.undecided} mentions",
              f"- **mentions settled by earlier review decisions:** {stats.settled_by_overrides}", ""]
    lines += queue_lines(queue or [], queue_total, stats.undecided)
    lines += problem_lines(stats)
    lines += ["## Summary", ""]
    lines += _crosstab("language / document status", stats.by_lang_status, ("ok", "review", "warning", "error"))
    lines += _crosstab("mentions: method / status", stats.by_method_status, ("auto", "review", "unresolved"))
    en = stats.english
    lines += [f"English text: {en['rendering']} names shown as their mention is rewritten (not counted again), "
              f"{en['translation only']} found in the translation only (not counted, not queued).", ""]
    return lines


def write_markdown(stats: Stats, fh: TextIO, header: dict[str, str], queue: list[ReviewGroup] | None = None,
                   queue_total: int = 0) -> None:
    lines = summary_lines(stats, header, queue, queue_total)
    shown = f"the first {len(stats.changes)} of " if stats.changes_total > len(stats.changes) else ""
    lines += [f"## Changes and queued mentions ({shown}{stats.changes_total})", ""]
    if stats.changes:
        lines += ["| document | written | canonical | in English text | id | score | method | status | context |",
                  "|---|---|---|---|---|---:|---|---|---|"]
        for c in stats.changes:
            lines.append(f"| {md_escape(c.doc_id)} | {md_escape(c.surface)} | {md_escape(c.canonical)} | "
                         f"{md_escape(c.english) or '—'} | {md_escape(c.gazetteer_id)} | {c.score:.2f} | {c.method} | "
                         f"{c.status} | {_context(c.context)} |")
    else:
        lines.append("none")
    fh.write("\n".join(lines) + "\n")


def queue_table(queue: list[ReviewGroup], limit: int) -> list[dict[str, str | int]]:
    """The names to decide as table rows with candidate names, not ids (the Prefect table artifact)."""
    rows = []
    for g in queue[:limit]:
        rows.append({"name": md_escape(g.surface), "language": g.lang, "count": g.count,
                     "proposed": md_escape(proposed_text(g)), "other candidates": md_escape(others_text(g)),
                     "why a name": md_escape(g.reason or ""), "example": md_escape(g.example_context)})
    return rows
