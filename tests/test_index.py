"""The compiled index: merging layers (one place = one entry), generated-name filters, the packed
layout, caching by content hash, imported GeoNames layers, and the full default gazetteer."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from casedata import table

from transnorm.config import MatchConfig, load_config
from transnorm.gazetteer import store as I
from transnorm.gazetteer.compile import compile_index
from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.index import EntryList, LazyEntries, PackedKeys
from transnorm.gazetteer.layers import LayerSpec
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.gazetteer.merge import merge_layers
from transnorm.gazetteer.store import load_or_build
from transnorm.linking.match import link
from transnorm.text.fold import fold_name

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "geonames"
CFG = MatchConfig()


def E(id, canonical, kind="city", source="curated", **kw):
    return Entry(id=id, type=kw.pop("type", "place"), kind=kind, canonical=canonical, source=source, **kw)


def G(id, canonical, kind="city", **kw):
    return E(id, canonical, kind, source=kw.pop("source", "geonames"), **kw)


# --- merging -------------------------------------------------------------------------------

def test_curated_absorbs_generated_duplicates_and_keeps_their_ids():
    oblast = E("ua-oblast-kharkiv", "Kharkiv Oblast", "oblast", country="UA", geonames_id=706482, note="UA-63")
    city = E("ua-city-kharkiv", "Kharkiv", country="UA", parent="ua-oblast-kharkiv", geonames_id=706483,
             lat=49.98, lon=36.25, aliases={"en": ["Kharkov"]})
    country = E("country-ua", "Ukraine", "country", country="UA")
    gen_city = G("gn-706483", "Kharkiv", country="UA", parent="iso-UA-63", geonames_id=706483, population=1430885,
                 aliases={"en": ["Charkow", "Os"], "uk": ["Харків"], "ru": ["Харьков"]})
    village = G("gn-1", "Bezruky", "village", country="UA", parent="iso-UA-63", population=700)
    gen_obl = G("iso-UA-63", "Kharkiv Oblast", "oblast", source="pycountry", country="UA", parent="iso-UA",
                geonames_id=706482, aliases={"uk": ["Харківська область"]})
    gen_country = G("iso-UA", "Ukraine", "country", source="pycountry", country="UA", population=40000000,
                    aliases={"uk": ["Україна"]})
    m = merge_layers([("geonames", [gen_city, village]), ("pycountry", [gen_obl, gen_country])],
                     [oblast, city, country])
    ids = {e.id for e in m.entries}
    assert ids == {"ua-oblast-kharkiv", "ua-city-kharkiv", "country-ua", "gn-1"}  # one place, one entry
    assert m.aliases == {"gn-706483": "ua-city-kharkiv", "iso-UA-63": "ua-oblast-kharkiv", "iso-UA": "country-ua"}
    by = {e.id: e for e in m.entries}
    k = by["ua-city-kharkiv"]
    assert k.canonical == "Kharkiv" and k.population == 1430885  # curated spelling, generated facts
    assert "Харків" in k.aliases["uk"] and "Charkow" in k.aliases["en"]
    assert "Os" not in k.aliases["en"]  # a two-letter GeoNames name is not absorbed
    assert by["gn-1"].parent == "ua-oblast-kharkiv"  # parents follow the merge
    assert by["country-ua"].population == 40000000


def test_merge_by_iso_code_name_and_distance():
    cur = [E("ru-oblast-kursk", "Kursk Oblast", "oblast", country="RU", note="RU-KRS"),
           E("ua-city-bar", "Bar", country="UA", lat=49.07, lon=27.68),
           E("ua-city-lonely", "Lonely", country="UA")]
    gen = [G("iso-RU-KRS", "Kursk Oblast", "federal-subject", source="pycountry", country="RU"),
           G("gn-10", "Bar", country="UA", lat=49.08, lon=27.69, population=16000),   # 1 km away: the same town
           G("gn-11", "Bar", "village", country="UA", lat=45.0, lon=34.0, population=600),  # far: another Bar
           G("gn-12", "Lonely", "village", country="UA", population=500)]
    m = merge_layers([("g", gen)], cur)
    assert m.aliases == {"iso-RU-KRS": "ru-oblast-kursk", "gn-10": "ua-city-bar", "gn-12": "ua-city-lonely"}
    assert "gn-11" in {e.id for e in m.entries}


def test_generated_layers_merge_with_each_other():
    a = G("gn-5", "Kyiv", country="UA", geonames_id=5, population=2900000, aliases={"en": ["Kiev"]})
    b = G("gn-5", "Kyiv", country="UA", geonames_id=5, source="geonames-dump", aliases={"de": ["Kiew"]})
    sub = G("iso-UA-30", "Kyiv", source="pycountry", country="UA", aliases={"uk": ["Київ"]})
    m = merge_layers([("cache", [a]), ("dump", [b]), ("pycountry", [sub])], [])
    (kyiv,) = m.entries
    assert kyiv.id == "gn-5" and kyiv.population == 2900000 and kyiv.source == "geonames-dump"
    assert m.aliases == {"iso-UA-30": "gn-5"}
    assert {"Kiev"} <= set(kyiv.aliases["en"]) and kyiv.aliases["uk"] == ["Київ"]


def test_absorbed_names_never_steal_another_entrys_name():
    krasnodar = E("ru-city-krasnodar", "Krasnodar", country="RU", geonames_id=1)
    novo = E("ru-city-novorossiysk", "Novorossiysk", country="RU", geonames_id=2)
    gen = [G("gn-1", "Krasnodar", country="RU", geonames_id=1, aliases={"en": ["Novorossiysk", "Ekaterinodar"]}),
           G("gn-3", "Krolevets", country="UA", geonames_id=3)]
    kal = E("ru-city-kaliningrad", "Kaliningrad", country="RU", geonames_id=4)
    gen.append(G("gn-4", "Kaliningrad", country="RU", geonames_id=4, aliases={"en": ["Krolevets", "Koenigsberg"]}))
    m = merge_layers([("g", gen)], [krasnodar, novo, kal])
    by = {e.id: e for e in m.entries}
    assert by["ru-city-krasnodar"].aliases["en"] == ["Ekaterinodar"]
    assert by["ru-city-kaliningrad"].aliases["en"] == ["Koenigsberg"]


def test_review_overrides_may_name_absorbed_ids(tmp_path):
    (tmp_path / "p.yaml").write_text(
        "entries:\n- {id: ua-city-odesa, type: place, kind: city, canonical: Odesa, country: UA, geonames_id: 7}\n",
        encoding="utf-8")
    (tmp_path / "overrides.yaml").write_text(
        "accept:\n- {surface: Odesy, lang: en, gazetteer_id: gn-7}\n", encoding="utf-8")
    idx = I.build_index(tmp_path, extra_entries=lambda: [G("gn-7", "Odesa", country="UA", geonames_id=7)])
    assert idx.by_id["gn-7"] == idx.by_id["ua-city-odesa"]
    (e,) = link("In Odesy today.", idx, CFG)
    assert (e.gazetteer_id, e.method) == ("ua-city-odesa", "override")


# --- generated names -----------------------------------------------------------------------

def test_generated_entries_are_never_matched_by_common_words_or_fragments():
    lex = Lexicon(common_words={fold_name(w) for w in ("Of", "White House", "Police")}, stopwords={"russian"})
    entries = [G("gn-of", "Of", country="TR", population=20000),
               G("gn-sm", "Smidovich", country="RU", population=5000, aliases={"en": ["In", "Ota"], "ru": ["Бор"]}),
               G("gn-cb", "Casablanca", country="MA", population=3000000, aliases={"en": ["White House"]}),
               G("gn-po", "Police", country="PL", population=30000),
               E("ua-city-bar", "Bar", country="UA", aliases={"en": ["Of"]})]  # curated: kept as written
    idx = compile_index(entries, lex, variants=lambda n, ln: (), lemma_keys=False)
    assert not idx.lookup("of") or {idx.entries[r.entry].id for r in idx.lookup("of")} == {"ua-city-bar"}
    for key in ("in", "ota", "white house", "police"):
        assert idx.lookup(key) == [], key
    assert idx.lookup(fold_name("Smidovich")) and idx.lookup(fold_name("Бор"))  # own name; a 3-letter Cyrillic one


def test_transliterations_only_for_places_whose_names_travel_through_cyrillic():
    entries = [G("gn-ua", "Kharkiv", country="UA", aliases={"ru": ["Харьков"]}),
               G("gn-br", "Sao Paulo", country="BR", aliases={"ru": ["Сан-Паулу"]})]
    idx = compile_index(entries, Lexicon(), lemma_keys=False)
    assert idx.lookup(fold_name("Kharkov")) and idx.lookup(fold_name("Kharkiv"))
    assert idx.lookup(fold_name("Сан-Паулу")) and not idx.lookup(fold_name("San-Paulu"))


def test_turkish_places_get_russian_mediated_spellings():
    idx = compile_index([G("gn-tr", "Üsküdar", country="TR")], Lexicon(), lemma_keys=False)
    assert idx.lookup(fold_name("Uskyudar")) and idx.lookup(fold_name("Uskudar"))


def test_lemma_keys_are_compiled_in():
    idx = compile_index([E("ru-luki", "Velikiye Luki", country="RU", aliases={"ru": ["Великие Луки"]})], Lexicon())
    assert idx.lookup(fold_name("Великие Лука")) or idx.lookup("великие лука") or any(
        "лук" in k and k != fold_name("Великие Луки") for k in idx.keys)


# --- layout and cache ------------------------------------------------------------------------

def test_packed_keys_and_lazy_entries_round_trip():
    entries = [E("a", "Alpha", aliases={"en": ["Alfa"], "ru": ["Альфа"]}, population=5),
               E("p", "Ivan Petrenko", "person", type="person", short="Petrenko")]
    idx = compile_index(entries, Lexicon(), "d", variants=lambda n, ln: (), lemma_keys=False)
    assert isinstance(idx.keys, PackedKeys) and isinstance(idx.entries, EntryList)
    back = pickle.loads(pickle.dumps(idx, protocol=5))
    assert isinstance(back.entries, LazyEntries) and len(back.entries) == 2
    assert [vars(e) for e in back.entries] == [vars(e) for e in idx.entries]
    assert dict(back.keys.items()) == dict(idx.keys.items())
    (ref,) = back.lookup("petrenko")
    assert (back.entries[ref.entry].id, ref.tag, ref.short) == ("p", "short", True)
    assert back.entries[0:1][0].aliases == {"en": ["Alfa"], "ru": ["Альфа"]}


def _folder(tmp_path: Path) -> Path:
    gaz = tmp_path / "gaz"
    gaz.mkdir()
    (gaz / "places.yaml").write_text(
        "entries:\n- {id: ua-city-kharkiv, type: place, kind: city, canonical: Kharkiv, country: UA,\n"
        "   geonames_id: 706483, aliases: {ru: [Харьков]}}\n", encoding="utf-8")
    return gaz


SMALL = LayerSpec(generated=True, geonames_countries=(), others_min_population=None, pycountry_countries=())


def _phases(calls: list[str]):
    return lambda phase, done, total: calls.append(phase) if done == 0 else None


def test_cache_is_reused_and_rebuilt_only_when_inputs_change(tmp_path):
    gaz, cache, shared = _folder(tmp_path), tmp_path / "cache", tmp_path / "shared"
    calls: list[str] = []
    a = load_or_build(gaz, cache, layers=SMALL, shared=shared, progress=_phases(calls))
    assert "compiling generated entries" in calls and "compiling curated entries" in calls
    calls.clear()
    b = load_or_build(gaz, cache, layers=SMALL, shared=shared, progress=_phases(calls))
    assert calls == [] and a.digest == b.digest
    load_or_build(gaz, tmp_path / "fresh-state", layers=SMALL, shared=shared, progress=_phases(calls))
    assert "compiling generated entries" not in calls  # another state folder reuses the per-user cache
    calls.clear()
    with (gaz / "places.yaml").open("a", encoding="utf-8") as fh:
        fh.write("- {id: ua-city-lviv, type: place, kind: city, canonical: Lviv, country: UA}\n")
    c = load_or_build(gaz, cache, layers=SMALL, shared=shared, progress=_phases(calls))
    assert "compiling curated entries" in calls and "compiling generated entries" not in calls
    assert c.digest != a.digest and "ua-city-lviv" in c.by_id
    calls.clear()
    d = load_or_build(gaz, cache, layers=LayerSpec(generated=False), shared=shared, progress=_phases(calls))
    assert "compiling generated entries" in calls and d.digest != c.digest  # layer settings are in the key


def test_imported_geonames_layer_is_merged(tmp_path):
    from transnorm.gazetteer.sources.dump import from_geonames_dump
    from transnorm.gazetteer.sources.layerfile import read_layer, write_layer

    gaz = _folder(tmp_path)
    n = write_layer(from_geonames_dump(DATA / "UA.txt", DATA / "alternateNamesV2.txt",
                                                       DATA / "admin1CodesASCII.txt"),
                            gaz / "generated" / "geonames-UA.jsonl.gz")
    assert n > 0
    idx = load_or_build(gaz, tmp_path / "cache", layers=SMALL, shared=None)
    assert idx.info["layers"]["file:geonames-UA.jsonl.gz"] == n
    assert idx.by_id["gn-706483"] == idx.by_id["ua-city-kharkiv"]  # the dump's Kharkiv is the curated one
    (e,) = [x for x in link("Shelling in Kharkov.", idx, CFG) if x.gazetteer_id]
    assert e.gazetteer_id == "ua-city-kharkiv"
    layer = list(read_layer(gaz / "generated" / "geonames-UA.jsonl.gz"))
    assert len(layer) == n and layer[0].origin.endswith(":1")


def test_get_index_passes_the_generated_layer_config(tmp_path):
    from transnorm.pipeline import get_index

    gaz = _folder(tmp_path)
    cfg = load_config(None, {"state_dir": str(tmp_path / "state"),
                             "gazetteer": {"dir": str(gaz), "generated": True, "geonames_countries": [],
                                           "others_min_population": None, "pycountry_countries": []}})
    idx = get_index(cfg)
    assert idx.info["generated"] and "pycountry" in idx.info["layers"]  # countries still come from pycountry
    assert get_index(cfg) is idx  # memoised
    assert list((tmp_path / "state" / "index").glob("curated-*/meta.json"))


# --- the default gazetteer ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def full(tmp_path_factory):
    cfg = load_config(None, {"state_dir": str(tmp_path_factory.mktemp("state"))})
    from transnorm.pipeline import get_index

    return cfg, get_index(cfg)


@pytest.mark.slow
def test_default_gazetteer_counts(full):
    _, idx = full
    places = [e for e in idx.entries if e.type == "place"]
    assert sum(e.country == "UA" for e in places) >= 5000
    assert sum(e.country == "RU" for e in places) >= 5000
    assert sum(e.type == "person" for e in idx.entries) >= 300
    gids = [e.geonames_id for e in places if e.geonames_id]
    assert len(gids) == len(set(gids))  # one place, one entry
    assert idx.get("iso-UA-63").id == "ua-oblast-kharkiv" and idx.get("iso-RU").id == "country-ru"


@pytest.mark.slow
def test_cached_default_index_opens_from_its_store(full):
    cfg, idx = full
    path = I.cache_path(cfg.gazetteer.dir, cfg.state_dir / "index", LayerSpec.from_config(cfg.gazetteer))
    assert (path / "meta.json").exists() and idx.size > 100_000
    again = load_or_build(cfg.gazetteer.dir, cfg.state_dir / "index", LayerSpec.from_config(cfg.gazetteer))
    assert again.digest == idx.digest and again.lookup("kharkiv") == idx.lookup("kharkiv")


def _link(idx, cfg, text, lang="en"):
    from transnorm.pipeline import link_segment

    return [e for e in link_segment(text, lang, idx, cfg) if e.gazetteer_id]


@pytest.mark.slow
@pytest.mark.parametrize("text,gid,status", table("index", "ambiguity_with_the_real_gazetteer", "text,gid,status"))
def test_ambiguity_with_the_real_gazetteer(full, text, gid, status):
    cfg, idx = full
    lang = "ru" if any("\u0400" <= c <= "\u04ff" for c in text) else "en"
    e = _link(idx, cfg, text, lang)[0]
    if gid:
        assert e.gazetteer_id == gid, (text, e)
    assert e.status == status, (text, e)


@pytest.mark.slow
def test_big_town_beats_its_village_namesakes(full):
    """Every generated Ukrainian town 10x bigger than each namesake wins outright; a near tie goes
    to review with the bigger one proposed."""
    cfg, idx = full
    by_key: dict[str, list] = {}
    for e in idx.entries:
        if e.country == "UA" and e.source == "geonames" and e.population:
            by_key.setdefault(fold_name(e.canonical), []).append(e)
    clear, close = [], []
    for key, group in by_key.items():
        if len(group) < 2 or len(idx.lookup(key)) != len(group):
            continue  # only names no other entry (curated, alias) answers to
        group.sort(key=lambda e: -e.population)
        ratio = group[0].population / group[1].population
        (clear if ratio >= 10 else close if ratio < 1.5 else []).append(group[0])
    assert len(clear) >= 20 and len(close) >= 20
    for big in clear:
        (e,) = _link(idx, cfg, f"Shelling in {big.canonical}.")
        assert (e.gazetteer_id, e.status) == (big.id, "auto"), (big.canonical, e)
    for top in close:
        (e,) = _link(idx, cfg, f"Shelling in {top.canonical}.")
        assert e.status == "review", (top.canonical, e)


@pytest.mark.slow
def test_common_words_in_english_news_are_not_places(full):
    cfg, idx = full
    text = ("Police said that Mary went to the White House. And In Of We May. Victory Day parade "
            "took place on Red Square. Russian Federation And Ukraine Conducted Another Exchange Of Prisoners")
    linked = {(e.surface, e.status, e.gazetteer_id) for e in _link(idx, cfg, text)}
    # Red Square is a listed landmark (geography.yaml): the square, not a GeoNames namesake
    allowed = {"Russian Federation": None, "Ukraine": None, "Red Square": "ru-landmark-red-square"}
    assert not [(s, gid) for s, st, gid in linked if st == "auto"
                and (s not in allowed or allowed[s] not in (None, gid))], linked
