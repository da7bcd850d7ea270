"""Scoring of name linking (transnorm.evaluate) and the F1 regression guard.

The unit tests score hand-made entities against hand-made cases (no pipeline); the guard runs
the pipeline on the dev set and on eval/cases.jsonl and fails when F1 drops below F1_FLOOR.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from casedata import table

from transnorm.evaluation.cases import Case, CaseError, Expected, load_cases
from transnorm.evaluation.report import format_result
from transnorm.evaluation.score import (
    F1_FLOOR,
    EvalResult,
    Score,
    evaluate,
    gold_spans,
    norm_name,
    score_case,
)
from transnorm.records import Entity

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "eval" / "cases.jsonl"


def devset_path() -> Path:
    path = ROOT.parent / "shared" / "devset" / "seed-prisoner-exchange.expected.json"
    return path if path.exists() else ROOT / "tests" / "data" / "seed-prisoner-exchange.expected.json"


def ent(text: str, surface: str, canonical: str | None, gid: str | None = "x", status: str = "auto",
        nth: int = 0, type_: str = "place", rewrite: str | None = None) -> Entity:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Entity(start=start, end=start + len(surface), surface=surface, type=type_, gazetteer_id=gid,
                  canonical=canonical, score=1.0 if status == "auto" else 0.8, method="exact",
                  status=status, rewrite=rewrite)


def case(text: str, expect: list[Expected], neutral=(), lang: str = "en", id: str = "c") -> Case:
    return Case(id=id, lang=lang, text=text, expect=expect, neutral=list(neutral))


def scored(c: Case, ents: list[Entity], result: EvalResult | None = None) -> EvalResult:
    result = result or EvalResult()
    score_case(c, ents, result)
    return result


# ------------------------------------------------------------------ loading


def test_load_jsonl_and_single_object(tmp_path):
    p = tmp_path / "cases.jsonl"
    rows = [{"id": "a", "lang": "en", "text": "Shelling in Kharkov.",
             "expect": [{"surface": "Kharkov", "type": "place", "canonical": ["Kharkiv"]}], "neutral": []},
            {"id": "b", "lang": "ru", "text": "В Харькове взрывы.",
             "expect": [{"surface": "Харькове", "type": "place", "canonical": "Kharkiv", "start": 2, "end": 10}]}]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    cases = load_cases(p)
    assert [c.id for c in cases] == ["a", "b"]
    assert cases[1].expect[0].canonical == ["Kharkiv"] and cases[1].expect[0].start == 2
    assert cases[0].where.endswith("cases.jsonl:1")
    single = load_cases(devset_path())
    assert len(single) == 1 and single[0].lang == "en" and len(single[0].expect) >= 20


@pytest.mark.parametrize("line, message", table("eval", "bad_line_names_file_and_line", "line,message"))
def test_bad_line_names_file_and_line(tmp_path, line, message):
    p = tmp_path / "cases.jsonl"
    p.write_text('{"id": "a", "lang": "en", "text": "ok"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(CaseError) as err:
        load_cases(p)
    assert f"{p}:3" in str(err.value) and message in str(err.value)


# ------------------------------------------------------------------ normalisation and spans


def test_canonical_normalisation_ignores_case_and_diacritics():
    assert norm_name("Recep Tayyip Erdoğan") == norm_name("recep tayyip ERDOGAN")
    assert norm_name("Çırağan Palace") == norm_name("Ciragan palace")
    assert norm_name("İstanbul") == norm_name("Istanbul")
    assert norm_name("Chișinău") == norm_name("Chisinau")
    assert norm_name("Kyiv") != norm_name("Kiev")


def test_every_occurrence_without_offsets_and_nested_names():
    text = "Kherson and the Kherson region; Khersonese is not Kherson."
    c = case(text, [Expected("Kherson", "place", ["Kherson"]),
                    Expected("Kherson region", "place", ["Kherson Oblast"])])
    spans = [(g.start, g.end, g.exp.surface) for g in gold_spans(c)]
    assert [s for *_, s in spans] == ["Kherson", "Kherson region", "Kherson"]  # not inside Khersonese
    assert spans[0][0] == 0 and spans[2][0] == text.rindex("Kherson")


# ------------------------------------------------------------------ scoring


def test_overlap_and_accepted_canonical_is_correct():
    text = "Shelling of Krivoy Rog overnight."
    c = case(text, [Expected("Krivoy Rog", "place", ["Kryvyi Rih"])])
    r = scored(c, [ent(text, "Krivoy", "KRYVYI RIH")])  # partial overlap, other case
    assert (r.overall.found, r.overall.correct, r.overall.n_pred) == (1, 1, 1)
    assert r.misses == [] and r.false_links == []


def test_short_form_rewrite_is_accepted():
    text = "Zelensky said."
    c = case(text, [Expected("Zelensky", "person", ["Zelenskyy"])])
    r = scored(c, [ent(text, "Zelensky", "Volodymyr Zelenskyy", type_="person", rewrite="Zelenskyy")])
    assert r.overall.f1 == 1.0


def test_wrong_entry_is_a_miss_and_a_false_link():
    text = "The port of Odessa was hit."
    c = case(text, [Expected("Odessa", "place", ["Odesa"])])
    r = scored(c, [ent(text, "Odessa", "Odessa, Texas", gid="us-city-odessa-tx")])
    assert r.overall.found == 0 and r.overall.correct == 0 and r.overall.n_pred == 1
    assert len(r.misses) == 1 and "Odessa, Texas" in r.misses[0].got and "«Odessa»" in r.misses[0].context
    assert len(r.false_links) == 1 and r.false_links[0].reason.startswith("wrong entry")


def test_gazetteer_id_constraint_for_ambiguous_canonicals():
    text = "Atlanta, Georgia, hosted a rally."
    c = case(text, [Expected("Georgia", "place", ["Georgia"], gazetteer_id=["us-state-georgia"])])
    assert scored(c, [ent(text, "Georgia", "Georgia", gid="country-ge")]).overall.found == 0
    assert scored(c, [ent(text, "Georgia", "Georgia", gid="us-state-georgia")]).overall.found == 1


def test_unresolved_is_not_a_prediction_review_is():
    text = "Kharkov and Tiraspol."
    c = case(text, [Expected("Kharkov", "place", ["Kharkiv"]), Expected("Tiraspol", "place", ["Tiraspol"])])
    r = scored(c, [ent(text, "Kharkov", "Kharkiv", status="review"),
                   ent(text, "Tiraspol", "Tiraspol", gid=None, status="unresolved")])
    assert (r.overall.n_gold, r.overall.found, r.overall.n_pred, r.overall.correct) == (2, 1, 1, 1)
    assert r.false_links == [] and "unresolved" in r.misses[0].got


def test_neutral_words_count_as_false_links_but_not_inside_expected_names():
    text = "The Russian Federation said the Moskva sank; Russian sailors were rescued."
    c = case(text, [Expected("Russian Federation", "place", ["Russia"])], neutral=["Russian", "Moskva"])
    r = scored(c, [ent(text, "Russian Federation", "Russia"), ent(text, "Moskva", "Moscow"),
                   ent(text, "Russian", "Russia", nth=1)])
    assert r.overall.found == 1 and r.overall.correct == 1 and r.overall.n_pred == 3
    assert r.neutral_hits == 2
    assert sorted(f.reason for f in r.false_links) == ["neutral word 'Moskva'", "neutral word 'Russian'"]


def test_unexpected_link_is_a_false_link():
    text = "Officials met on Monday."
    r = scored(case(text, []), [ent(text, "Monday", "Monday Island")])
    assert r.overall.precision == 0.0 and r.overall.recall == 1.0
    assert r.false_links[0].reason == "not expected"


def test_breakdown_by_language_and_type():
    r = EvalResult()
    en = "Putin visited Kharkov."
    scored(case(en, [Expected("Putin", "person", ["Vladimir Putin"]), Expected("Kharkov", "place", ["Kharkiv"])],
                lang="en", id="e"),
           [ent(en, "Putin", "Vladimir Putin", type_="person"), ent(en, "Kharkov", "Kharkiv")], r)
    ru = "Путин посетил Харьков."
    scored(case(ru, [Expected("Путин", "person", ["Vladimir Putin"]), Expected("Харьков", "place", ["Kharkiv"])],
                lang="ru", id="r"),
           [ent(ru, "Путин", "Vladimir Putin", type_="person")], r)
    assert r.n_cases == 2 and r.cases_by_lang == {"en": 1, "ru": 1}
    assert r.by_lang["en"].f1 == 1.0
    assert (r.by_lang["ru"].precision, r.by_lang["ru"].recall) == (1.0, 0.5)
    assert r.by_type["person"].f1 == 1.0 and r.by_type["place"].recall == 0.5
    assert (r.overall.n_gold, r.overall.found, r.overall.n_pred) == (4, 3, 3)
    text = format_result(r)
    assert "lang ru" in text and "type place" in text and "[r] ru place 'Харьков'" in text


def test_score_arithmetic():
    s = Score(n_gold=4, found=3, n_pred=4, correct=2)
    assert (s.precision, s.recall) == (0.5, 0.75)
    assert s.f1 == pytest.approx(0.6)
    assert Score().f1 == 1.0  # nothing expected, nothing predicted


# ------------------------------------------------------------------ the labelled set and the guard


def test_cases_file_loads_and_covers_the_three_languages():
    cases = load_cases(CASES)
    by_lang = {lang: sum(c.lang == lang for c in cases) for lang in ("en", "ru", "uk")}
    assert len(cases) >= 220 and min(by_lang.values()) >= 60
    assert sum(not c.expect for c in cases) >= 15  # texts with no names at all
    assert sum(bool(c.neutral) for c in cases) >= 60


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    from transnorm.config import load_config

    return load_config(None, {"state_dir": str(tmp_path_factory.mktemp("eval-state"))})


@pytest.mark.slow
def test_regression_guard_devset(cfg):
    result = evaluate(load_cases(devset_path()), cfg)
    assert result.errors == []
    assert result.f1 >= F1_FLOOR["devset"], format_result(result)


@pytest.mark.slow
def test_regression_guard_cases(cfg):
    result = evaluate(load_cases(CASES), cfg)
    report = format_result(result, max_items=40)
    assert result.errors == [], report
    assert result.f1 >= F1_FLOOR["cases"], report
    for lang in ("en", "ru", "uk"):
        assert result.by_lang[lang].f1 >= F1_FLOOR[f"cases.{lang}"], f"{lang}\n{report}"
