"""One count everywhere: review.csv, report.md, report.html and the Prefect artifacts of one run
agree on mentions, names to decide and document status (a mention counted once, where found)."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_html import sample_records
from test_review_decisions import generated_record

from transnorm.ops.output import RunWriter
from transnorm.records import Record


def no_model_record() -> Record:
    """A Russian document whose translation model is missing: a warning, and a name to decide."""
    text = "Обстрел Зибине продолжался."
    a = text.index("Зибине")
    from transnorm.records import Entity

    return Record("ru-nomodel", "feed.jsonl:9", "ru", text, None, warnings=[
        "text_en not produced: No ru->en translation model is installed in /x. Install one with ..."],
        entities=[Entity(a, a + 6, "Зибине", "place", None, "Zybyne", 0.0, "unknown", "unresolved")])


def run_folder(tmp_path):
    recs = [*sample_records(), generated_record(), no_model_record()]
    writer = RunWriter(tmp_path / "run", header={"inputs": "test"})
    writer.write(recs[:3])
    writer.write(recs[3:])
    writer.close()
    return recs, writer, tmp_path / "run"


def html_data(text: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text,
                                re.S).group(1))


def md_number(md: str, label: str) -> str:
    return re.search(rf"^- \*\*{label}:\*\* (.+)$", md, re.M).group(1)


def md_table(md: str, first_header: str) -> list[list[str]]:
    lines = md.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"| {first_header} |"))
    rows = []
    for ln in lines[start + 2:]:
        if not ln.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", ln)[1:-1]])
    return rows


def test_the_four_outputs_of_a_run_agree(tmp_path):
    recs, writer, out = run_folder(tmp_path)
    mentions = sum(len(r.entities) for r in recs)  # each name once, in the text it was found in
    undecided = sum(1 for r in recs for e in r.entities if e.status in ("review", "unresolved"))
    # review.csv: one row per (surface, language), counts summing to the undecided mentions.
    rows = list(csv.DictReader(io.StringIO((out / "review.csv").read_text(encoding="utf-8-sig"))))
    csv_counts = {(r["surface"], r["language"]): int(r["count"]) for r in rows}
    assert sum(csv_counts.values()) == undecided
    assert ("Bakhmut", "en") not in csv_counts  # an English rendering is never asked about again
    # report.html: header, embedded totals, queue.
    page = (out / "report.html").read_text(encoding="utf-8")
    data = html_data(page)
    assert f'<b id="stat-mentions">{mentions}</b>' in page and f'<b id="stat-queue">{len(rows)}</b>' in page
    assert f'<b id="stat-undecided">{undecided}</b>' in page
    assert data["totals"]["mentions"] == mentions and data["totals"]["undecided"] == undecided
    assert {(g["surface"], g["lang"]): g["count"] for g in data["queue"]} == csv_counts
    # report.md: the same numbers, the queue first.
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md_number(md, "mentions").startswith(f"{mentions} ")
    assert md_number(md, "to decide") == f"{len(rows)} names, {undecided} mentions"
    assert md.index("## To decide") < md.index("## Warnings") < md.index("## Errors") < md.index("## Summary")
    md_queue = {(r[0], r[1]): int(r[2]) for r in md_table(md, "name")}
    assert md_queue == {(s.replace("\\", ""), lang): n for (s, lang), n in csv_counts.items()}
    method_rows = md_table(md, "mentions: method / status")
    assert sum(int(r[-1]) for r in method_rows) == mentions
    # Document status: computed once, the same in report.md and report.html.
    html_status = {d["id"]: d["status"] for d in data["docs"]}
    assert html_status["ru-nomodel"] == "warning" and html_status["bad-004"] == "error"
    assert html_status["uk-gen"] == "review" and html_status["en-003"] == "review"
    by_status: dict[str, int] = {}
    for s in html_status.values():
        by_status[s] = by_status.get(s, 0) + 1
    lang_rows = md_table(md, "language / document status")
    md_status = {"ok": 0, "review": 0, "warning": 0, "error": 0}
    for r in lang_rows:
        for col, n in zip(("ok", "review", "warning", "error"), r[1:5]):
            md_status[col] += int(n)
    assert {k: v for k, v in md_status.items() if v} == by_status
    # The Prefect artifacts: what the flow publishes.
    art = writer.artifacts()
    assert md_number(art["summary"], "mentions").startswith(f"{mentions} ")
    assert md_number(art["summary"], "to decide") == f"{len(rows)} names, {undecided} mentions"
    assert {(r["name"].replace("\\", ""), r["language"]): r["count"] for r in art["queue"]} == csv_counts
    assert art["report"] == md


def test_artifact_and_report_show_candidate_names_not_ids(tmp_path):
    _, writer, out = run_folder(tmp_path)
    table = {r["name"]: r for r in writer.artifacts()["queue"]}
    assert table["Бахмута"]["proposed"].startswith("Bakhmut")
    assert "Bakhmutovo" in table["Бахмута"]["other candidates"]
    assert "ru-city-bakhmutovo" not in table["Бахмута"]["other candidates"]
    assert table["Зибине"]["proposed"].startswith("Zybyne") and table["Зибине"]["why a name"] == "after 'село'"
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| Зибине | uk | 1 | Zybyne (village, proposed, not in the gazetteer) (after 'село') |" in md


def test_report_md_escapes_only_what_would_act(tmp_path):
    from transnorm.review.report_md import md_escape

    assert md_escape("Ivan_Petrenko's | report") == "Ivan_Petrenko's \\| report"  # intraword _ stays
    assert md_escape("[click](javascript:x)") == "\\[click\\](javascript:x)"
    assert md_escape("[[Kharkov]] and AT&T") == "[[Kharkov]] and AT&T"  # nothing here would act
    assert md_escape("<b>x</b> &amp; *y* `z`") == "&lt;b&gt;x&lt;/b&gt; &amp;amp; \\*y\\* \\`z\\`"



@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab _*|`\\&;<>[]():#\t\n\u00a0\u2003x1")), max_size=30))
def test_report_md_escape_skips_only_text_it_would_leave_as_it_is(text):
    """md_escape's shortcut (nothing to escape) answers what the full escaping answers."""
    from transnorm.review.report_md import escape_all, md_escape

    assert md_escape(text) == escape_all(text)
