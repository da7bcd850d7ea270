"""The decision language end to end: parsing, applying (CSV and the page's decisions file),
hostile cells, generated names becoming entries, and the matcher honouring ignore and split."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml
from casedata import table
from hypothesis import given, settings
from hypothesis import strategies as st
from test_review import GAZ, read_csv, row, write_rows

from transnorm.config import MatchConfig
from transnorm.gazetteer import store
from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.flowlines import read_flow_lines
from transnorm.gazetteer.layers import LayerSpec
from transnorm.gazetteer.overrides import (
    OverrideIgnore,
    OverrideLink,
    Overrides,
    OverrideSplit,
    load_overrides,
    render_overrides,
    write_overrides,
)
from transnorm.gazetteer.schema import GazetteerError, without_lines
from transnorm.linking.match import link
from transnorm.records import Candidate, Entity, Record
from transnorm.review.apply import ReviewError, apply_review
from transnorm.review.decisions import Decision, DecisionError, format_decision, parse_decision
from transnorm.review.queue import write_review_csv
from transnorm.yamlio import load_yaml

CFG = MatchConfig()


# --------------------------------------------------------------------------- the language


@pytest.mark.parametrize("text, expect", table("review", "parse_decision", "text,expect"))
def test_parse_decision(text, expect):
    d = parse_decision(text)
    got = {k: v for k, v in asdict(d).items() if v not in (None, ())}
    assert got == {**expect, **({"parts": tuple(expect["parts"])} if "parts" in expect else {})}
    assert parse_decision(format_decision(d)) == d  # what report.js writes reads back the same


@pytest.mark.parametrize("text, fragment", table("review", "parse_decision_errors", "text,fragment"))
def test_parse_decision_errors(text, fragment):
    with pytest.raises(DecisionError, match=fragment):
        parse_decision(text)


# --------------------------------------------------------------------------- applying


def test_ignore_split_and_new_with_kind_and_parent(tmp_path):
    ov = tmp_path / "overrides.yaml"
    gaz = {"ua-oblast-kharkiv": Entry("ua-oblast-kharkiv", "place", "oblast", "Kharkiv Oblast", country="UA"),
           "ua-city-kyiv": Entry("ua-city-kyiv", "place", "city", "Kyiv", country="UA")}
    s = apply_review(write_rows(tmp_path / "r.csv", [
        row("Слава Україні", language="uk", decision="ignore"),  # unresolved: nothing proposed
        row("Берёзовка Иван Сидоренко", language="ru", type_="person", decision="split:Берёзовка | Иван Сидоренко"),
        row("Зибине", language="uk", type_="person",
            decision="new:Zybyne | type=place | kind=village | parent=ua-oblast-kharkiv"),
    ]), gaz, ov)
    assert (s.ignored, s.split, s.created) == (1, 1, 1)
    o = load_overrides(ov)
    assert o.ignore == [OverrideIgnore("Слава Україні", "uk")]
    assert o.split == [OverrideSplit("Берёзовка Иван Сидоренко", "ru", ("Берёзовка", "Иван Сидоренко"))]
    (e,) = o.entries
    assert (e.id, e.type, e.kind, e.parent, e.country, e.aliases) == (
        "review-zybyne", "place", "village", "ua-oblast-kharkiv", "UA", {"uk": ["Зибине"]})
    # A later decision on the same written form replaces the older one.
    s = apply_review(write_rows(tmp_path / "r2.csv", [row("Слава Україні", language="uk",
                                                          decision="pick:ua-city-kyiv")]), gaz, ov)
    o = load_overrides(ov)
    assert o.ignore == [] and o.accept == [OverrideLink("Слава Україні", "uk", "ua-city-kyiv")]
    assert any("ignore 'Слава Україні'" in x for x in s.superseded)


def test_bad_rows_of_the_new_language_are_named(tmp_path):
    ov = tmp_path / "overrides.yaml"
    rows = [
        row("Odessa", decision="reject"),  # 2: nothing proposed
        row("Берёзовка Иван", language="ru", decision="split:Берёзовка | Пётр"),  # 3: not its words
        row("X", decision="new:X | parent=ua-city-atlantis"),  # 4: unknown parent
        row("Y", type_="person", decision="new:Y | kind=village"),  # 5: a person is a person
        row("Kiev", decision="pick:ua-city-kyiv"),  # 6: fine
        row("Kiev", decision="ignore"),  # 7: contradicts row 6
        row("Z", proposed="gen:place:zed", decision="accept"),  # 8: no proposed_canonical
        row("Q", proposed="gen:place:q", decision="pick:gen:place:other"),  # 9: not this row's proposal
        row("W", proposed="gen:planet:w", decision="accept"),  # 10: malformed generated id
    ]
    with pytest.raises(ReviewError) as exc:
        apply_review(write_rows(tmp_path / "r.csv", rows), GAZ, ov)
    msgs = exc.value.errors
    assert [m.split(": row ")[1].split(":")[0] for m in msgs] == ["2", "3", "4", "5", "7", "8", "9", "10"]
    assert "ignore" in msgs[0] and "not the words" in msgs[1] and "ua-city-atlantis" in msgs[2]
    assert "row 6" in msgs[4] and "proposed_canonical" in msgs[5]
    assert not ov.exists()


HOSTILE_CELLS = [
    ("surface", "Ki\x7fev", "U+007F"),
    ("surface", "Ki\x85ev", "U+0085"),
    ("surface", "\x9bKiev", "U+009B"),
    ("surface", "Kiev\ufffe", "U+FFFE"),
    ("surface", "K" * 5_000_000, "5,000,000 characters"),
    ("decision", "pick:ua-city-kyiv\x00", "U+0000"),
    ("language", "yes", "language 'yes' is not one of"),
    ("language", "~", "language '~' is not one of"),
    ("language", "en\nru", "spans several lines"),
]


def test_hostile_cells_are_rejected_with_their_row(tmp_path):
    ov = tmp_path / "overrides.yaml"
    ov.write_text("accept:\n  - {surface: \"Kyiv\", lang: en, gazetteer_id: ua-city-kyiv}\n", encoding="utf-8")
    before = ov.read_bytes()
    rows = [row("Odessa", proposed="ua-city-odesa", decision="accept")]
    for key, value, _ in HOSTILE_CELLS:
        r = row("Kiev", decision="ua-city-kyiv")
        r[{"language": "language"}.get(key, key)] = value
        rows.append(r)
    with pytest.raises(ReviewError) as exc:
        apply_review(write_rows(tmp_path / "r.csv", rows), GAZ, ov)
    msgs = exc.value.errors
    assert len(msgs) == len(HOSTILE_CELLS)
    for n, (msg, (_, _, fragment)) in enumerate(zip(msgs, HOSTILE_CELLS), start=3):
        assert f"row {n}:" in msg and fragment in msg, msg
        assert len(msg) < 500  # the 5 MB cell is described, not echoed
    assert ov.read_bytes() == before


def test_decisions_file_from_the_page(tmp_path):
    """The page exports one JSON object per line; errors name the line."""
    ov = tmp_path / "overrides.yaml"
    lines = [
        {"surface": "Donechchyna", "language": "en", "type": "place", "proposed_gazetteer_id": "ua-oblast-donetsk",
         "decision": "accept"},
        {"surface": "Петренко", "language": "ru", "type": "person", "decision": "ignore"},
    ]
    path = tmp_path / "decisions.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    s = apply_review(path, GAZ, ov)
    assert (s.rows, s.accepted, s.ignored) == (2, 1, 1)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(lines[0]) + "\n{not json\n" + json.dumps({**lines[1], "surface": 7}) + "\n"
                   + json.dumps({"surface": "X"}) + "\n", encoding="utf-8")
    with pytest.raises(ReviewError) as exc:
        apply_review(bad, GAZ, ov)
    assert [m.split(": line ")[1].split(":")[0] for m in exc.value.errors] == ["2", "3", "4"]
    assert "must be text" in exc.value.errors[1] and "missing field" in exc.value.errors[2]


# --------------------------------------------------------------------------- generated names


def generated_record() -> Record:
    """A record with two names per the generated-name contract (openworld builds them in the pipeline)."""
    text = "Обстріляли село Зибине. Голова громади Олег Кіпер повідомив про наслідки."
    a = text.index("Зибине")
    b = text.index("Олег Кіпер")
    return Record("uk-gen", "feed.jsonl:1", "uk", text, None, entities=[
        Entity(a, a + 6, "Зибине", "place", "gen:place:zybyne", "Zybyne", 0.8, "generated", "review",
               [Candidate("gn-1", "Zybino", 0.7)], kind="village", reason="after 'село'"),
        Entity(b, b + 10, "Олег Кіпер", "person", "gen:person:oleh-kiper", "Oleh Kiper", 0.8, "generated",
               "review", kind="person", reason="given name + surname"),
    ])


def small_gazetteer(folder: Path) -> Path:
    folder.mkdir()
    (folder / "places.yaml").write_text(
        "entries:\n- {id: ua-oblast-kharkiv, type: place, kind: oblast, canonical: Kharkiv Oblast, country: UA}\n"
        "- {id: gn-1, type: place, kind: village, canonical: Zybino, country: RU}\n", encoding="utf-8")
    return folder


def test_accepting_a_generated_name_writes_a_real_entry_and_links_it_auto(tmp_path):
    gaz = small_gazetteer(tmp_path / "gaz")
    csv_path = tmp_path / "review.csv"
    write_review_csv([generated_record()], csv_path)
    rows = read_csv(csv_path)
    by = {r["surface"]: r for r in rows}
    assert by["Зибине"]["proposed_gazetteer_id"] == "gen:place:zybyne" and by["Зибине"]["kind"] == "village"
    assert by["Зибине"]["reason"] == "after 'село'" and by["Олег Кіпер"]["proposed_canonical"] == "Oleh Kiper"
    for r in rows:
        r["decision"] = "accept"
    write_rows(csv_path, rows)
    index = store.build_index(gaz, layers=LayerSpec(generated=False))
    s = apply_review(csv_path, index, gaz / "overrides.yaml")
    assert s.created == 2
    entries = {e.id: e for e in load_overrides(gaz / "overrides.yaml").entries}
    assert (entries["review-zybyne"].type, entries["review-zybyne"].kind) == ("place", "village")
    assert (entries["review-oleh-kiper"].type, entries["review-oleh-kiper"].kind) == ("person", "person")
    after = store.build_index(gaz, layers=LayerSpec(generated=False))
    got = {e.surface: (e.gazetteer_id, e.status, e.kind) for e in link(generated_record().text, after, CFG)}
    assert got["Зибине"] == ("review-zybyne", "auto", "village")
    assert got["Олег Кіпер"] == ("review-oleh-kiper", "auto", "person")


def test_rejected_generated_proposal_is_unresolved_again(tmp_path):
    gaz = small_gazetteer(tmp_path / "gaz")
    csv_path = write_rows(tmp_path / "r.csv", [row("Зибине", language="uk", proposed="gen:place:zybyne",
                                                   proposed_canonical="Zybyne", decision="reject")])
    apply_review(csv_path, store.build_index(gaz, layers=LayerSpec(generated=False)), gaz / "overrides.yaml")
    index = store.build_index(gaz, layers=LayerSpec(generated=False))
    from transnorm.linking.reviewed import drop_decided

    (e, person) = drop_decided(generated_record().entities, index)
    assert (e.gazetteer_id, e.method, e.status) == (None, "unknown", "unresolved")
    assert [c.gazetteer_id for c in e.candidates] == ["gn-1"]
    assert person.method == "generated"  # another name, untouched


# --------------------------------------------------------------------------- the matcher


def test_the_matcher_honours_ignore_and_split(tmp_path):
    gaz = small_gazetteer(tmp_path / "gaz")
    text = "Вчера жители рассказали, что Берёзовка Сидоренко приехал, а Слава Україні Петро говорили долго."
    before = [e.surface for e in link(text, store.build_index(gaz, layers=LayerSpec(generated=False)), CFG)]
    assert "Берёзовка Сидоренко" in before and "Слава Україні" in before
    write_overrides(Overrides(
        ignore=[OverrideIgnore("Слава Україні", "uk")],
        split=[OverrideSplit("Берёзовка Сидоренко", "ru", ("Берёзовка", "Сидоренко"))]),
        gaz / "overrides.yaml")
    after = [e.surface for e in link(text, store.build_index(gaz, layers=LayerSpec(generated=False)), CFG)]
    assert "Берёзовка" in after and not any("Сидоренко" in x and "Берёзовка" in x for x in after)  # cut in two
    assert not any("Слава" in s for s in after)


# --------------------------------------------------------------------------- overrides.yaml


def test_overrides_contradictions_are_errors_at_their_line(tmp_path):
    p = tmp_path / "overrides.yaml"
    p.write_text("accept:\n  - {surface: K, lang: en, gazetteer_id: a}\nignore:\n  - {surface: K, lang: en}\n",
                 encoding="utf-8")
    with pytest.raises(GazetteerError, match="also accepted") as exc:
        load_overrides(p)
    assert exc.value.line == 4
    p.write_text("split:\n  - {surface: A B, lang: en, parts: [A, C]}\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="not the words") as exc:
        load_overrides(p)
    assert exc.value.line == 2


names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(names, names, st.sampled_from(["gen:place:x", "ua-city-kyiv", "yes", "null"])),
                min_size=1, max_size=5), names)
def test_fast_reader_reads_what_yaml_reads(tmp_path_factory, links, canonical):
    """overrides.yaml is read without YAML when apply wrote it: both readings must agree."""
    ov = Overrides(accept=[OverrideLink(s.strip(), lang.strip(), g) for s, lang, g in links],
                   entries=[Entry("review-x", "place", "village", canonical.strip(), aliases={"uk": [canonical]},
                                  population=12, lat=50.25, source="review")])
    text = render_overrides(ov)
    fast = read_flow_lines(text)
    assert fast is not None
    path = tmp_path_factory.mktemp("ov") / "o.yaml"
    path.write_text(text, encoding="utf-8")
    assert without_lines(fast) == without_lines(load_yaml(path)) == {**yaml.safe_load(text)}


@pytest.mark.parametrize("line", [
    '  - {surface: "K", lang: en, gazetteer_id: a}  # a comment',
    '  - {surface: "\\x41", lang: en, gazetteer_id: a}',
    '  - {surface: K, lang: no, gazetteer_id: a}',
    '  - {surface: K, lang: en, gazetteer_id: a, lang: ru}',
    '  - {surface: 1e5, lang: en, gazetteer_id: a}',
])
def test_anything_else_goes_to_yaml(tmp_path, line):
    text = "accept:\n" + line + "\n"
    assert read_flow_lines(text) is None
    p = tmp_path / "o.yaml"
    p.write_text(text, encoding="utf-8")
    try:
        load_overrides(p)  # read by YAML: a value or an error, as before
    except GazetteerError:
        pass


def test_decision_strings_round_trip_through_format():
    d = Decision("new", canonical="Zybyne", type="place", kind="village", parent="ua-oblast-kharkiv")
    assert format_decision(d) == "new:Zybyne | type=place | kind=village | parent=ua-oblast-kharkiv"
