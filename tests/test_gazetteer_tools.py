"""`transnorm gazetteer build|check|lookup|stats|import-geonames`, and the YAML faults check catches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from transnorm.cli.main import app
from transnorm.gazetteer.check import check_folder
from transnorm.gazetteer.schema import GazetteerError
from transnorm.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "geonames"
runner = CliRunner()

GOOD = """\
entries:
- id: ua-city-kharkiv
  type: place
  kind: city
  canonical: Kharkiv
  country: UA
  population: 1430885
  aliases:
    en: [Kharkov]
    ru: [Харьков]
    uk: [Харків]
- id: ua-city-odesa
  type: place
  kind: city
  canonical: Odesa
  country: UA
  population: 1015826
  aliases:
    en: [Odessa]
- id: us-city-odessa-tx
  type: place
  kind: city
  canonical: Odessa, Texas
  country: US
  population: 114428
  aliases:
    en: [Odessa]
"""

# Each fault: file body, the line it must be reported on, and a phrase of the message.
BOMB = "entries:\n- id: a\n  type: place\n  canonical: A\n  note: &lol lol\n  role: [*lol, *lol, *lol]\n"
FAULTS = {
    "duplicate id": (
        GOOD + "- id: ua-city-odesa\n  type: place\n  canonical: Odesa again\n",
        28,
        "duplicate id 'ua-city-odesa'",
    ),
    "missing canonical": (
        "entries:\n- id: x\n  type: place\n  kind: city\n",
        2,
        "key 'entries.0.canonical' is required",
    ),
    "unknown key": (
        "entries:\n- id: x\n  type: place\n  canonical: X\n  populaton: 5\n",
        5,
        "unknown key 'entries.0.populaton'",
    ),  # the key's own line
    "alias collision": (
        GOOD + "- id: ua-village-kharkiv\n  type: place\n  kind: village\n  canonical: Kharkivka\n"
        "  country: UA\n  aliases:\n    en: [Kharkov]\n",
        28,
        "ua-city-kharkiv",
    ),
    "billion laughs": (BOMB, 5, "anchors and aliases are not allowed"),
    "python tag": (
        "entries:\n- id: x\n  type: place\n  canonical: !!python/object/apply:os.system ['echo pwned']\n",
        4,
        "could not determine a constructor",
    ),
    "bad yaml": ("entries:\n- id: x\n  type: [place\n", 4, "invalid YAML"),
    "unknown parent": ("entries:\n- {id: x, type: place, canonical: X, parent: nowhere}\n", 2, "parent 'nowhere'"),
    "wrong type": (
        "entries:\n- {id: x, type: place, canonical: X, population: many}\n",
        2,
        "key 'entries.0.population': Input should be a valid integer",
    ),
}


def _gaz(tmp_path: Path, body: str = GOOD, name: str = "places.yaml") -> Path:
    gaz = tmp_path / "gaz"
    gaz.mkdir(exist_ok=True)
    (gaz / name).write_text(body, encoding="utf-8")
    return gaz


def _config(tmp_path: Path, gaz: Path, generated: bool = False) -> Path:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"state_dir: {tmp_path / 'state'}\ngazetteer:\n  dir: {gaz}\n  generated: {str(generated).lower()}\n"
        "  geonames_countries: []\n  others_min_population: null\n  pycountry_countries: []\n",
        encoding="utf-8",
    )
    return cfg


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_check_reports_each_fault_with_file_and_line(tmp_path, fault):
    body, line, phrase = FAULTS[fault]
    gaz = _gaz(tmp_path, body)
    _, problems = check_folder(gaz)
    errors = [p for p in problems if p.severity == "error"]
    assert errors, fault
    hit = [p for p in errors if phrase in p.message]
    assert hit, (fault, [str(p) for p in errors])
    assert hit[0].path.endswith("places.yaml") and hit[0].line == line, str(hit[0])
    result = runner.invoke(app, ["gazetteer", "check", "--config", str(_config(tmp_path, gaz))])
    assert result.exit_code == 1, result.output
    assert re.search(rf"places\.yaml:{line}: error: .*{re.escape(phrase)}", result.output), result.output


def test_collision_names_both_ids_and_keeps_both_entries(tmp_path):
    gaz = _gaz(tmp_path, FAULTS["alias collision"][0])
    entries, problems = check_folder(gaz)
    (err,) = [p for p in problems if p.severity == "error"]
    assert "ua-village-kharkiv" in err.message and "ua-city-kharkiv" in err.message
    assert "places.yaml:1" in err.message or re.search(r"places\.yaml:\d+", err.message)
    assert {"ua-village-kharkiv", "ua-city-kharkiv"} <= {e.id for e in entries}  # reported, not dropped


def test_cross_country_namesakes_are_notes_not_errors(tmp_path):
    gaz = _gaz(tmp_path)
    _, problems = check_folder(gaz)
    assert [p.severity for p in problems] == ["note"]
    assert "us-city-odessa-tx" in problems[0].message and "ua-city-odesa" in problems[0].message
    result = runner.invoke(app, ["gazetteer", "check", "--config", str(_config(tmp_path, gaz))])
    assert result.exit_code == 0 and "0 error(s), 1 note(s)" in result.output


RIVER = """- id: ua-city-dnipro
  type: place
  kind: city
  canonical: Dnipro
  country: UA
  aliases:
    ru: [Днепр]
- id: ua-river-dnipro
  type: place
  kind: river
  canonical: Dnipro River
  country: UA
  aliases:
    en: [Dnipro]
    ru: [Днепр]
"""


def test_a_river_may_share_its_name_with_a_town_but_not_with_another_place(tmp_path):
    gaz = _gaz(tmp_path, "entries:\n" + RIVER)
    _, problems = check_folder(gaz)
    assert [p.severity for p in problems] == ["note", "note"]
    assert all("a river and a town" in p.message for p in problems)
    oblast = RIVER.replace("kind: city", "kind: oblast")
    _, problems = check_folder(_gaz(tmp_path, "entries:\n" + oblast))
    assert [p.severity for p in problems] == ["error", "error"]


def test_the_bundled_gazetteer_passes_check():
    _, problems = check_folder(ROOT / "gazetteers")
    assert [str(p) for p in problems if p.severity == "error"] == []


def test_billion_laughs_is_refused_before_expansion(tmp_path):
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(levels) + "\nentries: []\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"anchors and aliases") as exc:
        load_yaml(p, GazetteerError)
    assert exc.value.line == 1


def test_build_then_up_to_date(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSNORM_CACHE_DIR", str(tmp_path / "user-cache"))  # not an index built by another run
    cfg = _config(tmp_path, _gaz(tmp_path))
    first = runner.invoke(app, ["gazetteer", "build", "--config", str(cfg)])
    assert first.exit_code == 0, first.output
    assert "built in" in first.output and "3 entries" in first.output
    assert "building the gazetteer index" in first.output and "compiling curated entries" in first.output
    second = runner.invoke(app, ["gazetteer", "build", "--config", str(cfg)])
    assert second.exit_code == 0 and "up to date" in second.output
    assert "building the gazetteer index" not in second.output  # nothing to build: no bar


def test_lookup_shows_candidates_scores_methods_and_matched_alias(tmp_path):
    cfg = _config(tmp_path, _gaz(tmp_path))
    out = runner.invoke(app, ["gazetteer", "lookup", "Kharkov", "--config", str(cfg)]).output
    assert "ua-city-kharkiv" in out and "alias 'Kharkov'" in out and "auto" in out
    out = runner.invoke(app, ["gazetteer", "lookup", "Odessa", "--config", str(cfg)]).output
    assert "ua-city-odesa" in out and "us-city-odessa-tx" in out  # both candidates, best first
    assert out.index("ua-city-odesa") < out.index("us-city-odessa-tx")
    out = runner.invoke(app, ["gazetteer", "lookup", "Харькове", "--lang", "ru", "--config", str(cfg)]).output
    assert "ua-city-kharkiv" in out and "morph" in out
    out = runner.invoke(app, ["gazetteer", "lookup", "Kharkuv", "--config", str(cfg)]).output
    assert "fuzzy" in out and "ua-city-kharkiv" in out
    res = runner.invoke(app, ["gazetteer", "lookup", "Qwertyuiop", "--config", str(cfg)])
    assert res.exit_code == 1 and "no candidates" in res.output


def test_stats_counts_by_source_type_country_kind(tmp_path):
    cfg = _config(tmp_path, _gaz(tmp_path))
    out = runner.invoke(app, ["gazetteer", "stats", "--config", str(cfg)]).output
    assert "by source: curated 3" in out and "by type: place 3" in out
    assert "places by country: UA 2, US 1" in out and "places by kind: city 3" in out
    assert "UA places 2" in out and "people 0" in out


def test_import_geonames_writes_a_layer_the_index_uses(tmp_path):
    gaz = _gaz(tmp_path)
    cfg = _config(tmp_path, gaz, generated=True)
    res = runner.invoke(
        app,
        [
            "gazetteer",
            "import-geonames",
            str(DATA / "UA.txt"),
            "--alternate-names",
            str(DATA / "alternateNamesV2.txt"),
            "--admin1",
            str(DATA / "admin1CodesASCII.txt"),
            "--config",
            str(cfg),
        ],
    )
    assert res.exit_code == 0, res.output
    layer = gaz / "generated" / "geonames-UA.jsonl.gz"
    assert layer.exists() and "wrote" in res.output
    out = runner.invoke(app, ["gazetteer", "stats", "--config", str(cfg)]).output
    assert "geonames-dump" in out and "file:geonames-UA.jsonl.gz" in out
    res = runner.invoke(app, ["gazetteer", "import-geonames", str(tmp_path / "missing.txt"), "--config", str(cfg)])
    assert res.exit_code == 2 and "no such file" in res.output
