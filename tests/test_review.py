"""Review CSV export and applying decisions to overrides.yaml (all-or-nothing, idempotent)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from casedata import table
from test_report_html import ent, sample_records

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.overrides import OverrideLink, check_overrides, load_overrides
from transnorm.gazetteer.schema import GazetteerError
from transnorm.records import Record
from transnorm.review.apply import ApplySummary, ReviewError, apply_review
from transnorm.review.queue import (
    CSV_COLUMNS,
    neutralise_cell,
    unneutralise_cell,
    write_review_csv,
)

GAZ = {"ua-city-kyiv", "ua-city-odesa", "ua-city-bakhmut", "ua-oblast-donetsk", "person-petro-petrenko",
       "ru-city-bakhmutovo", "ua-city-kharkiv"}


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in CSV_COLUMNS})
    return path


def row(surface, language="en", type_="place", proposed="", decision="", **kw) -> dict[str, str]:
    return {"surface": surface, "language": language, "type": type_, "count": "1",
            "proposed_gazetteer_id": proposed, "decision": decision, **kw}


# --------------------------------------------------------------------------- export


def test_csv_groups_and_counts(tmp_path):
    out = tmp_path / "review.csv"
    n = write_review_csv(sample_records(), out)
    rows = read_csv(out)
    assert n == len(rows) == 6
    assert list(rows[0]) == CSV_COLUMNS
    by_key = {(r["surface"], r["language"]): r for r in rows}
    assert by_key[("Donechchyna", "en")]["count"] == "2"  # one decision for both occurrences
    assert rows[0]["surface"] == "Donechchyna"  # most frequent first
    assert ("Bakhmut", "en") not in by_key  # aligned English copy follows its source mention
    bakh = by_key[("Бахмута", "ru")]
    assert bakh["proposed_gazetteer_id"] == "ua-city-bakhmut" and bakh["proposed_canonical"] == "Bakhmut"
    assert bakh["candidates"] == "Bakhmut [ua-city-bakhmut] 0.72; Bakhmutovo [ru-city-bakhmutovo] 0.55"
    assert bakh["type"] == "place" and bakh["decision"] == ""
    assert "[Бахмута]" in bakh["example_context"] and "\n" not in bakh["example_context"]
    assert by_key[("Петренко", "ru")]["type"] == "person"
    assert by_key[("Петренко", "ru")]["proposed_gazetteer_id"] == ""  # unresolved, no candidates
    ivan = by_key[("Ivan Petrenko", "en")]
    assert ivan["proposed_gazetteer_id"] == "person-petro-petrenko"  # best candidate when not linked


def test_run_writer_lists_every_name_to_decide_whatever_the_page_shows(tmp_path):
    """review.csv is the decision channel: it is complete even when report.html shows a head only."""
    from test_report_html import big_records

    from transnorm.config import ReportConfig
    from transnorm.ops.output import RunWriter

    recs = big_records(n_docs=40, per_doc=10)
    writer = RunWriter(tmp_path / "run", limits=ReportConfig(max_documents=5, max_queue_rows=3))
    for i in range(0, 40, 7):
        writer.write(recs[i:i + 7])
    writer.close()
    rows = read_csv(tmp_path / "run" / "review.csv")
    write_review_csv(recs, tmp_path / "all.csv")
    assert rows == read_csv(tmp_path / "all.csv") and len(rows) > 3
    assert writer.review_total == len(rows) and len(writer.review_queue) == 3
    assert [g.surface for g in writer.review_queue] == [r["surface"] for r in rows[:3]]
    assert sum(int(r["count"]) for r in rows) == sum(
        1 for r in recs for e in r.entities if e.status != "auto")
    assert not list((tmp_path / "run").glob(".review-spool*"))  # the spool is removed


def test_csv_has_bom_for_excel(tmp_path):
    out = tmp_path / "review.csv"
    write_review_csv(sample_records(), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Петренко".encode("utf-8") in raw


def test_formula_injection_neutralised(tmp_path):
    text = "x =HYPERLINK(\"http://evil\") y +1 z -2 w @SUM(A1) v 'quoted"
    ents = [ent(text, s, status="review") for s in ('=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1)", "'quoted")]
    out = tmp_path / "review.csv"
    write_review_csv([Record("d1", "s", "en", text, text, entities=ents)], out)
    surfaces = {r["surface"] for r in read_csv(out)}
    assert surfaces == {"'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", "''quoted"}
    for r in read_csv(out):
        assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in r.values())
    for cell in ("=1", "+a", "-b", "@c", "\tx", "\ry", "'z", "plain", ""):
        assert unneutralise_cell(neutralise_cell(cell)) == cell
    assert unneutralise_cell("-2") == "-2"  # Excel dropped the quote on save
    assert unneutralise_cell("'s-Gravenhage") == "'s-Gravenhage"  # a real leading apostrophe


def test_empty_run_writes_header_only(tmp_path):
    out = tmp_path / "review.csv"
    assert write_review_csv([], out) == 0
    assert out.read_text(encoding="utf-8-sig").strip() == ",".join(CSV_COLUMNS)


# --------------------------------------------------------------------------- apply: validation


def test_every_bad_row_reported_and_nothing_written(tmp_path):
    ov = tmp_path / "overrides.yaml"
    csv_path = write_rows(tmp_path / "r.csv", [
        row("Donechchyna", proposed="ua-oblast-donetsk", decision="accept"),  # row 2: fine
        row("Foo", proposed="", decision="accept"),  # row 3: nothing to accept
        row("Bar", decision="ua-city-atlantis"),  # row 4: unknown id
        row("Baz", decision="maybe later"),  # row 5: malformed
        row("Qux", decision="new:"),  # row 6: no name
        row("Quux", type_="thing", decision="new:Quux"),  # row 7: bad type
        row("Odessa", proposed="", decision="reject"),  # row 8: nothing to reject
        row("Kiev", proposed="ua-city-gone", decision="accept"),  # row 9: stale proposed id
    ])
    with pytest.raises(ReviewError) as exc:
        apply_review(csv_path, GAZ, ov)
    msgs = exc.value.errors
    assert [m.split(": row ")[1].split(":")[0] for m in msgs] == ["3", "4", "5", "6", "7", "8", "9"]
    assert "ua-city-atlantis" in msgs[1] and "malformed" in msgs[2] and "ua-city-gone" in msgs[6]
    assert not ov.exists()


def test_bad_row_leaves_existing_file_untouched(tmp_path):
    ov = tmp_path / "overrides.yaml"
    apply_review(write_rows(tmp_path / "a.csv", [row("Odessa", proposed="ua-city-odesa", decision="reject")]), GAZ, ov)
    before = ov.read_bytes()
    bad = write_rows(tmp_path / "b.csv", [row("Kiev", decision="ua-city-kyiv"), row("X", decision="nope nope")])
    with pytest.raises(ReviewError, match="row 3"):
        apply_review(bad, GAZ, ov)
    assert ov.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_contradicting_rows_rejected(tmp_path):
    csv_path = write_rows(tmp_path / "r.csv", [
        row("Kiev", decision="ua-city-kyiv"),
        row("Kiev", decision="ua-city-odesa"),
        row("Odessa", proposed="ua-city-odesa", decision="accept"),
        row("Odessa", proposed="ua-city-odesa", decision="reject"),
    ])
    with pytest.raises(ReviewError) as exc:
        apply_review(csv_path, GAZ, tmp_path / "o.yaml")
    text = str(exc.value)
    assert "row 3" in text and "row 2" in text and "row 5" in text


def test_missing_column_and_non_utf8(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("surface,language\nKiev,en\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="missing column"):
        apply_review(p, GAZ, tmp_path / "o.yaml")
    p.write_bytes(",".join(CSV_COLUMNS).encode() + b"\n\xcf\xe5\xf2\xf0\xe5\xed\xea\xee,ru,person,1,,,,,\n")
    with pytest.raises(ReviewError, match="UTF-8"):
        apply_review(p, GAZ, tmp_path / "o.yaml")


# --------------------------------------------------------------------------- apply: merge


def test_apply_writes_documented_format_and_is_idempotent(tmp_path):
    ov = tmp_path / "gazetteers" / "overrides.yaml"
    csv_path = write_rows(tmp_path / "r.csv", [
        row("Donechchyna", proposed="ua-oblast-donetsk", decision="accept"),
        row("Odessa", proposed="ua-city-odesa", decision="reject"),
        row("Ivan Petrenko", type_="person", proposed="person-petro-petrenko", decision="new:Ivan Petrenko"),
        row("Петренко", language="ru", type_="person", decision="review-ivan-petrenko"),  # links to the new entry
        row("Kiev", decision="ua-city-kyiv"),
        row("Skipped", decision=""),
        row("'=cmd", decision="ua-city-kyiv"),  # neutralised cell comes back as the real surface
    ])
    s = apply_review(csv_path, GAZ, ov)
    assert isinstance(s, ApplySummary)
    assert (s.rows, s.skipped, s.accepted, s.rejected, s.created) == (7, 1, 4, 1, 1)
    text = ov.read_text(encoding="utf-8")
    assert '  - {surface: "Donechchyna", lang: en, gazetteer_id: ua-oblast-donetsk}\n' in text
    assert '  - {surface: "Odessa", lang: en, gazetteer_id: ua-city-odesa}\n' in text
    assert ('  - {id: review-ivan-petrenko, type: person, kind: person, canonical: "Ivan Petrenko", '
            'aliases: {en: ["Ivan Petrenko"]}, source: review}\n') in text
    raw = yaml.safe_load(text)
    assert {a["surface"] for a in raw["accept"]} == {"Donechchyna", "Петренко", "Kiev", "=cmd"}

    loaded = load_overrides(ov)
    assert OverrideLink("Петренко", "ru", "review-ivan-petrenko") in loaded.accept
    assert loaded.reject == [OverrideLink("Odessa", "en", "ua-city-odesa")]
    assert [e.id for e in loaded.entries] == ["review-ivan-petrenko"] and loaded.entries[0].source == "review"
    assert check_overrides(loaded, GAZ) == []

    again = apply_review(csv_path, GAZ, ov)
    assert ov.read_text(encoding="utf-8") == text
    assert (again.accepted, again.rejected, again.created, again.unchanged) == (0, 0, 0, 5)


def test_apply_keeps_existing_and_newer_decision_wins(tmp_path):
    ov = tmp_path / "overrides.yaml"
    ov.write_text(
        "accept:\n  - {surface: \"Kiev\", lang: en, gazetteer_id: ua-city-kyiv}\n"
        "  - {surface: \"Bakhmut\", lang: en, gazetteer_id: ru-city-bakhmutovo}\n"
        "reject:\n  - {surface: \"Odessa\", lang: en, gazetteer_id: ua-city-odesa}\n"
        "entries:\n  - {id: review-ivan-petrenko, type: person, kind: person, canonical: \"Ivan Petrenko\", "
        "aliases: {en: [\"Ivan Petrenko\"]}, role: \"mayor\", source: review}\n",
        encoding="utf-8")
    gaz = {k: Entry(k, "place", "city", k) for k in GAZ}  # a dict of entries works too
    s = apply_review(write_rows(tmp_path / "r.csv", [
        row("Bakhmut", proposed="ru-city-bakhmutovo", decision="ua-city-bakhmut"),  # changes an accept
        row("Odessa", proposed="ua-city-odesa", decision="accept"),  # lifts a reject
        row("Іван Петренко", language="uk", type_="person", decision="new:Ivan Petrenko"),  # extends entry
    ]), gaz, ov)
    assert len(s.superseded) == 3 and s.created == 0
    o = load_overrides(ov)
    assert o.accept == [OverrideLink("Kiev", "en", "ua-city-kyiv"), OverrideLink("Bakhmut", "en", "ua-city-bakhmut"),
                        OverrideLink("Odessa", "en", "ua-city-odesa")]
    assert o.reject == []
    assert o.entries[0].aliases == {"en": ["Ivan Petrenko"], "uk": ["Іван Петренко"]}
    assert o.entries[0].role == "mayor"  # hand-written fields survive the rewrite


def test_new_entry_id_clash_with_gazetteer(tmp_path):
    csv_path = write_rows(tmp_path / "r.csv", [row("Kyiv City", decision="new:Kyiv City")])
    with pytest.raises(ReviewError, match="already exists"):
        apply_review(csv_path, GAZ | {"review-kyiv-city"}, tmp_path / "o.yaml")


def test_semicolon_csv_from_excel_locale(tmp_path):
    p = tmp_path / "r.csv"
    cells = {"surface": "Kiev", "language": "en", "type": "place", "count": "3", "decision": "ua-city-kyiv"}
    p.write_text(";".join(CSV_COLUMNS) + "\n" + ";".join(cells.get(c, "") for c in CSV_COLUMNS) + "\n",
                 encoding="utf-8-sig")
    s = apply_review(p, GAZ, tmp_path / "o.yaml")
    assert s.accepted == 1


# --------------------------------------------------------------------------- load_overrides


def test_load_overrides_missing_or_empty(tmp_path):
    assert load_overrides(tmp_path / "nope.yaml").accept == []
    (tmp_path / "e.yaml").write_text("", encoding="utf-8")
    assert load_overrides(tmp_path / "e.yaml").entries == []


@pytest.mark.parametrize("body, line, fragment",
                         table("review", "load_overrides_errors_name_file_and_line", "body,line,fragment"))
def test_load_overrides_errors_name_file_and_line(tmp_path, body, line, fragment):
    p = tmp_path / "overrides.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(GazetteerError) as exc:
        load_overrides(p)
    assert exc.value.path == str(p) and exc.value.line == line and fragment in str(exc.value)


def test_load_overrides_unknown_section(tmp_path):
    p = tmp_path / "overrides.yaml"
    p.write_text("accepted: []\n", encoding="utf-8")
    allowed = "accept, reject, ignore, split, entries"
    with pytest.raises(GazetteerError, match=f"unknown key 'accepted' \\(allowed: {allowed}\\)"):
        load_overrides(p)


def test_check_overrides_flags_stale_ids(tmp_path):
    p = tmp_path / "overrides.yaml"
    p.write_text("accept:\n  - {surface: K, lang: en, gazetteer_id: gone}\n", encoding="utf-8")
    problems = check_overrides(load_overrides(p), GAZ)
    assert len(problems) == 1 and "gone" in problems[0] and ":2" in problems[0]


def test_yaml_special_words_round_trip(tmp_path):
    """`no` (Norwegian), `yes` or `null` written as names must stay strings, not become False/None."""
    ov = tmp_path / "o.yaml"
    apply_review(
        write_rows(
            tmp_path / "r.csv",
            [
                row("null", decision="ua-city-kyiv"),
                row("no", language="ru", decision="ua-city-kyiv"),
                row('Say "hi": #1\\', language="en", decision="ua-city-kyiv"),
            ],
        ),
        GAZ,
        ov,
    )
    o = load_overrides(ov)
    assert [(a.surface, a.lang) for a in o.accept] == [("null", "en"), ("no", "ru"), ('Say "hi": #1\\', "en")]
