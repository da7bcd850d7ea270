"""report.md: the run summary and every change, for a person skimming a run.

Everything taken from documents is escaped for Markdown tables (pipes, backticks,
HTML brackets) so a document cannot inject markup into the report.
"""

from __future__ import annotations

import html
from typing import TextIO

from transnorm.review.summary import Stats


def md_escape(s: str | None) -> str:
    """Make untrusted text inert inside a Markdown table cell."""
    if s is None:
        return ""
    s = html.escape(s, quote=False)
    for ch in "\\`*_[]|#":
        s = s.replace(ch, "\\" + ch)
    return " ".join(s.split())


def _counter_table(title: str, counter) -> list[str]:
    if not counter:
        return [f"**{title}:** none", ""]
    lines = [f"| {title} | count |", "|---|---:|"]
    lines += [f"| {md_escape(str(k))} | {v} |" for k, v in counter.most_common()]
    return lines + [""]


def summary_lines(stats: Stats, header: dict[str, str]) -> list[str]:
    """The run summary: header facts and counts (also the Prefect markdown artifact)."""
    lines = ["# transnorm run report", ""]
    lines += [f"- **{k}:** {md_escape(v)}" for k, v in header.items()]
    lines += [f"- **documents:** {stats.documents}",
              f"- **mentions settled by earlier review decisions:** {stats.settled_by_overrides}", ""]
    lines += ["## Summary", ""]
    lines += _counter_table("language", stats.by_lang)
    lines += _counter_table("document status", stats.by_doc_status)
    lines += _counter_table("mentions by method", stats.mentions_by_method)
    lines += _counter_table("mentions by status", stats.mentions_by_status)
    lines += [f"## Errors ({stats.errors_total})", ""]
    lines += [f"- {md_escape(msg if msg.startswith(f'{src}: ') else f'{src}: {msg}')}"  # error rows say where
              for src, msg in stats.errors] or ["none"]
    if stats.errors_total > len(stats.errors):
        lines.append(f"- … and {stats.errors_total - len(stats.errors)} more (every error is in records.jsonl)")
    return lines


def write_markdown(stats: Stats, fh: TextIO, header: dict[str, str]) -> None:
    lines = summary_lines(stats, header)
    shown = f"the first {len(stats.changes)} of " if stats.changes_total > len(stats.changes) else ""
    lines += ["", f"## Changes and queued mentions ({shown}{stats.changes_total})", ""]
    if stats.changes:
        lines += ["| document | surface | canonical | id | score | method | status | context |",
                  "|---|---|---|---|---:|---|---|---|"]
        for c in stats.changes:
            lines.append(f"| {md_escape(c.doc_id)} | {md_escape(c.surface)} | {md_escape(c.canonical)} | "
                         f"{md_escape(c.gazetteer_id)} | {c.score:.2f} | {c.method} | {c.status} | "
                         f"{md_escape(c.context)} |")
    else:
        lines.append("none")
    fh.write("\n".join(lines) + "\n")
