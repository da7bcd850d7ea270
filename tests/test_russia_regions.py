"""Every Russian federal subject is one curated entry (issue 13).

pycountry names the subjects as no English news does ("Republic of Mary El", "Kamchatsky
Krai"); places-ru.yaml curates all 83, and its `note` ISO code folds the pycountry entry in
(gazetteer/merge.py). Checked against geonames-admin1.yaml, the list of every subject.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from transnorm.config import load_config
from transnorm.pipeline import link_segment
from transnorm.text.fold import fold_name

ROOT = Path(__file__).resolve().parents[1]
GAZ = ROOT / "gazetteers"
CFG = load_config(None)
ISO = re.compile(r"\b(RU-[A-Z]{2,3})\b")


def _subjects() -> dict[str, int]:
    """ISO 3166-2 code -> GeoNames ADM1 id, for every Russian row of geonames-admin1.yaml."""
    rows = yaml.safe_load((GAZ / "geonames-admin1.yaml").read_text(encoding="utf-8"))["admin1"]
    return {iso: gid for code, (iso, gid, _name) in rows.items() if code.startswith("RU.")}


def _curated() -> dict[str, list[dict]]:
    """ISO code -> the curated places-ru.yaml entries whose note names it."""
    out: dict[str, list[dict]] = {}
    for e in yaml.safe_load((GAZ / "places-ru.yaml").read_text(encoding="utf-8"))["entries"]:
        for code in ISO.findall(e.get("note") or ""):
            out.setdefault(code, []).append(e)
    return out


SUBJECTS = _subjects()
CURATED = _curated()
# The federal cities are curated as cities (ru-city-moscow): their ADM1 id is not the city's.
FEDERAL_CITIES = {"RU-MOW", "RU-SPE"}


def test_every_federal_subject_is_curated_once():
    assert len(SUBJECTS) == 83
    assert {c: len(CURATED.get(c, [])) for c in SUBJECTS} == {c: 1 for c in SUBJECTS}
    for code, gid in SUBJECTS.items():
        e = CURATED[code][0]
        assert e["id"].startswith("ru-") and e["country"] == "RU", code
        if code not in FEDERAL_CITIES:
            assert e["geonames_id"] == gid, code
            assert e["aliases"]["ru"] and e["aliases"]["uk"], code


@pytest.mark.parametrize("code", sorted(SUBJECTS))
def test_russian_names_find_one_curated_entry(full_index, code):
    """The pycountry entry is absorbed, so each Russian name of the subject finds one Russian
    entry (a Ukrainian village called Чечня or Moscow, Idaho may share it)."""
    e = CURATED[code][0]
    assert full_index.get(f"iso-{code}").id == e["id"]  # the old id leads to the curated entry
    for name in e["aliases"]["ru"]:
        found = [full_index.entries[r.entry] for r in full_index.lookup(fold_name(name))]
        ids = {f.id for f in found if f.country == "RU"}
        assert ids == {e["id"]}, (code, name)


def test_no_pycountry_russian_subject_is_left_over(full_index):
    assert not [e.id for e in full_index.entries if e.id.startswith("iso-RU-")]


@pytest.mark.parametrize("text, lang, expected", [
    ("Drones flew over Chuvashia, Mari El, Udmurtia and Kamchatka Krai.", "en",
     {"Chuvashia": "ru-republic-chuvashia", "Mari El": "ru-republic-mari-el",
      "Udmurtia": "ru-republic-udmurtia", "Kamchatka Krai": "ru-krai-kamchatka"}),
    ("Oil depots burned in Khanty-Mansi Autonomous Okrug, Yamalo-Nenets and Sakha.", "en",
     {"Khanty-Mansi Autonomous Okrug": "ru-autonomous-okrug-khanty-mansi",
      "Yamalo-Nenets": "ru-autonomous-okrug-yamalo-nenets", "Sakha": "ru-republic-sakha"}),
    ("Жителям Камчатского края и Чукотки, Югры и Приморья объявили тревогу.", "ru",
     {"Камчатского края": "ru-krai-kamchatka", "Чукотки": "ru-autonomous-okrug-chukotka",
      "Югры": "ru-autonomous-okrug-khanty-mansi", "Приморья": "ru-krai-primorsky"}),
    ("Вибухи пролунали в Чувашії, Удмуртії, Кузбасі та Якутії.", "uk",
     {"Чувашії": "ru-republic-chuvashia", "Удмуртії": "ru-republic-udmurtia",
      "Кузбасі": "ru-oblast-kemerovo", "Якутії": "ru-republic-sakha"}),
])
def test_news_names_of_subjects_link(full_index, text, lang, expected):
    got = {e.surface: e.gazetteer_id for e in link_segment(text, lang, full_index, CFG)}
    assert {s: got.get(s) for s in expected} == expected
