"""Checks of the curated PLACE gazetteer data (places-*.yaml, countries.yaml, landmarks.yaml, geography.yaml).

These test the data, not the code: ids, parents, coverage of Ukraine's oblasts and cities, and that each
Ukrainian city's canonical spelling is the KMU 2010 romanisation of its Ukrainian name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from casedata import table
from translitua import translit

from transnorm.gazetteer.check import check_entries
from transnorm.gazetteer.entries import Entry, load_entries
from transnorm.text.fold import fold_name

GAZ = Path(__file__).resolve().parents[1] / "gazetteers"
PLACE_FILES = ["places-ua.yaml", "places-ru.yaml", "countries.yaml", "landmarks.yaml", "places-world.yaml",
               "geography.yaml"]

OBLASTS = [
    "Vinnytsia", "Volyn", "Dnipropetrovsk", "Donetsk", "Zhytomyr", "Zakarpattia", "Zaporizhzhia", "Ivano-Frankivsk",
    "Kyiv", "Kirovohrad", "Luhansk", "Lviv", "Mykolaiv", "Odesa", "Poltava", "Rivne", "Sumy", "Ternopil", "Kharkiv",
    "Kherson", "Khmelnytskyi", "Cherkasy", "Chernivtsi", "Chernihiv",
]

# Ukrainian places whose canonical spelling is deliberately NOT the KMU 2010 romanisation of the uk name.
# None so far: Kyiv, Odesa, Zaporizhzhia, Yevpatoriia... all are exactly KMU 2010. Add "canonical": "reason".
KMU_EXCEPTIONS: dict[str, str] = {}

# Names (folded) that more than one entry carries on purpose: context decides between them.
AMBIGUOUS = {
    "odessa": {"ua-city-odesa", "us-city-odessa-tx"},
    "moscow": {"ru-city-moscow", "us-city-moscow-id"},
    "paris": {"fr-city-paris", "us-city-paris-tx"},
    "georgia": {"country-ge", "us-state-georgia"},
    # ... and their Russian and Ukrainian names ("Одесса в штате Техас")
    fold_name("Одесса"): {"ua-city-odesa", "us-city-odessa-tx"},
    fold_name("Одеса"): {"ua-city-odesa", "us-city-odessa-tx"},
    fold_name("Москва"): {"ru-city-moscow", "us-city-moscow-id"},
    fold_name("Париж"): {"fr-city-paris", "us-city-paris-tx"},
    # a river and its city: river cues (lexicon.yaml) pick the river, the city wins without one
    "dnipro": {"ua-city-dnipro", "ua-river-dnipro"},
    "днепр": {"ua-city-dnipro", "ua-river-dnipro"},
    "дніпро": {"ua-city-dnipro", "ua-river-dnipro"},
}

# Surfaces of the seed article (devset/seed-prisoner-exchange) and the canonical forms accepted for them.
SEED = table("gazetteer_data", "seed", "surface,accepted")


@pytest.fixture(scope="module")
def by_file() -> dict[str, list[Entry]]:
    return {name: load_entries(GAZ / name) for name in PLACE_FILES}


@pytest.fixture(scope="module")
def entries(by_file) -> list[Entry]:
    return [e for es in by_file.values() for e in es]


@pytest.fixture(scope="module")
def by_id(entries) -> dict[str, Entry]:
    return {e.id: e for e in entries}


def _fold(s: str) -> str:
    return s.casefold().replace("’", "'")


def test_files_load_and_ids_parents_are_consistent(by_file, entries):
    for name, es in by_file.items():
        assert es, f"{name} has no entries"
    assert check_entries(entries) == []


def test_ids_and_fields_are_well_formed(entries, by_id):
    for e in entries:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", e.id), e.id
        assert e.type == "place", e.id
        assert e.canonical == e.canonical.strip() and e.canonical, e.id
        if e.country is not None:
            assert re.fullmatch(r"[A-Z]{2}", e.country), (e.id, e.country)
        if e.lat is not None or e.lon is not None:
            assert e.lat is not None and e.lon is not None, e.id
            assert -90 <= e.lat <= 90 and -180 <= e.lon <= 180, e.id
        if e.parent:
            assert e.parent != e.id
            parent = by_id[e.parent]
            assert parent.country in (None, e.country) or e.country is None, (e.id, e.parent)
        if e.short_aliases:
            assert e.short, f"{e.id}: short_aliases without a short form"


def test_geonames_ids_are_unique(entries):
    seen: dict[int, str] = {}
    for e in entries:
        if e.geonames_id is not None:
            assert e.geonames_id not in seen, f"{e.id} and {seen[e.geonames_id]} share geonames_id {e.geonames_id}"
            seen[e.geonames_id] = e.id


def test_no_name_listed_twice_in_one_entry(entries):
    for e in entries:
        seen: set[tuple[str, str]] = set()
        for name, lang, _tag in e.names():
            key = (_fold(name), "en" if lang in ("en", "*") else lang)
            assert key not in seen, f"{e.id}: {name!r} ({lang}) listed twice"
            seen.add(key)


def test_names_shared_between_entries_are_deliberate(entries):
    """Two entries answering to the same folded key are an ambiguity the matcher must resolve: only on purpose."""
    owners: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        for name, _lang, tag in e.names():
            if tag != "historic":  # historic names may legitimately recur (Dzerzhinsk, Komsomolsk...)
                owners[fold_name(name)].add(e.id)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert shared == {fold_name(k): v for k, v in AMBIGUOUS.items()}


def test_all_oblasts_crimea_kyiv_sevastopol(by_id):
    for stem in OBLASTS:
        key = stem.lower()
        e = by_id[f"ua-oblast-{key}"]
        assert e.kind == "oblast" and e.country == "UA"
        assert e.canonical == f"{stem} Oblast"
        assert any(n.endswith("область") for n in e.aliases.get("uk", [])), e.id
        assert any(n.endswith("область") for n in e.aliases.get("ru", [])), e.id
        assert f"{stem} region" in e.aliases.get("en", []), e.id
    assert len([e for e in by_id.values() if e.kind == "oblast" and e.country == "UA"]) == 24
    crimea = by_id["ua-ar-crimea"]
    assert crimea.canonical == "Crimea" and crimea.kind == "autonomous-republic"
    for id_, canonical in (("ua-ar-crimea", "Crimea"), ("ua-city-kyiv", "Kyiv"), ("ua-city-sevastopol", "Sevastopol")):
        e = by_id[id_]
        assert e.canonical == canonical
        assert e.aliases.get("uk") and e.aliases.get("ru"), id_


def _ua_settlements(entries):
    return [e for e in entries if e.country == "UA" and e.kind in ("city", "settlement", "village")]


def test_ukrainian_cities_have_parent_oblast_and_cyrillic_names(entries, by_id):
    cities = _ua_settlements(entries)
    with_parent = []
    for e in cities:
        assert e.aliases.get("uk") and e.aliases.get("ru"), e.id
        if e.id in ("ua-city-kyiv", "ua-city-sevastopol"):
            assert e.parent is None  # cities with special status
            continue
        assert e.parent, e.id
        assert by_id[e.parent].kind in ("oblast", "autonomous-republic"), e.id
        with_parent.append(e)
    assert len([e for e in with_parent if e.kind == "city"]) >= 60


def test_largest_ukrainian_cities_present(by_id):
    for name in ("Kyiv", "Kharkiv", "Odesa", "Dnipro", "Donetsk", "Zaporizhzhia", "Lviv", "Kryvyi Rih", "Mykolaiv",
                 "Mariupol", "Luhansk", "Vinnytsia", "Makiivka", "Simferopol", "Kherson", "Poltava", "Chernihiv",
                 "Cherkasy", "Khmelnytskyi", "Chernivtsi", "Zhytomyr", "Sumy", "Rivne", "Horlivka",
                 "Ivano-Frankivsk", "Kamianske", "Kropyvnytskyi", "Ternopil", "Kremenchuk", "Lutsk", "Bila Tserkva",
                 "Kramatorsk", "Melitopol", "Kerch", "Uzhhorod", "Sloviansk", "Nikopol", "Berdiansk", "Yevpatoriia",
                 "Alchevsk", "Brovary", "Pavlohrad", "Bakhmut", "Pokrovsk", "Avdiivka", "Sievierodonetsk"):
        key = name.lower().replace(" ", "-")
        assert by_id[f"ua-city-{key}"].canonical == name


def test_ukrainian_canonical_is_kmu_2010(entries):
    wrong = []
    for e in _ua_settlements(entries):
        if e.canonical in KMU_EXCEPTIONS:
            continue
        kmu = translit(e.aliases["uk"][0]).replace("'", "").replace("’", "").replace("ʼ", "")
        if kmu != e.canonical:
            wrong.append(f"{e.id}: canonical {e.canonical!r}, KMU 2010 of {e.aliases['uk'][0]!r} is {kmu!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("old,new", table("gazetteer_data", "historic_names", "old,new"))
def test_historic_names(entries, old, new):
    hits = {e.canonical for e in entries if _fold(old) in {_fold(h) for h in e.historic}}
    assert hits == {new}


@pytest.mark.parametrize("surface,accepted", SEED)
def test_seed_article_surfaces_resolve(entries, surface, accepted):
    found = set()
    for e in entries:
        for name, _lang, tag in e.names():
            if _fold(name) == _fold(surface):
                found.add(e.short if tag == "short" and e.short else e.canonical)
    assert found and found <= accepted, (surface, found)


def test_russian_style_exonyms(entries):
    want = {"Kiev": "Kyiv", "Kharkov": "Kharkiv", "Odessa": "Odesa", "Nikolaev": "Mykolaiv", "Lugansk": "Luhansk",
            "Krivoy Rog": "Kryvyi Rih", "Dnepr": "Dnipro", "Chernigov": "Chernihiv", "Rovno": "Rivne",
            "Lvov": "Lviv", "Gorlovka": "Horlivka", "Slavyansk": "Sloviansk", "Berdyansk": "Berdiansk",
            "Zaporozhye region": "Zaporizhzhia Oblast", "Lugansk region": "Luhansk Oblast",
            "Dnepropetrovsk region": "Dnipropetrovsk Oblast", "Ivano-Frankovsk": "Ivano-Frankivsk"}
    en = {}
    for e in entries:
        if e.country == "UA":
            for n in e.aliases.get("en", []):
                en.setdefault(n, set()).add(e.canonical)
    for alias, canonical in want.items():
        assert en.get(alias) == {canonical}, alias


def test_countries_and_self_proclaimed(by_file):
    countries = by_file["countries.yaml"]
    by_can = {e.canonical: e for e in countries}
    for name in ("Russia", "Ukraine", "Belarus", "Turkey", "Poland", "Moldova", "Georgia", "United States",
                 "United Kingdom", "China", "Iran", "North Korea", "Vatican City", "United Arab Emirates"):
        e = by_can[name]
        assert e.kind == "country" and e.aliases.get("ru") and e.aliases.get("uk"), name
        assert e.id == f"country-{e.country.lower()}"
    assert "Türkiye" in by_can["Turkey"].aliases["en"]
    for name in ("Donetsk People's Republic", "Luhansk People's Republic", "Transnistria", "Abkhazia",
                 "South Ossetia"):
        assert by_can[name].kind == "self-proclaimed"
    assert "ДНР" in by_can["Donetsk People's Republic"].aliases["ru"]


def test_landmark_short_forms(by_id):
    ciragan = by_id["tr-landmark-ciragan-palace"]
    assert (ciragan.canonical, ciragan.short) == ("Çırağan Palace", "Çırağan")
    assert "Chyragan" in ciragan.short_aliases["en"]
    dolma = by_id["tr-landmark-dolmabahce-palace"]
    assert (dolma.canonical, dolma.short) == ("Dolmabahçe Palace", "Dolmabahçe")
    assert "Dolmabakhche" in dolma.short_aliases["en"] and "Долмабахче" in dolma.short_aliases["ru"]
