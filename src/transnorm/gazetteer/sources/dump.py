"""GeoNames dump files (allCountries.txt, UA.zip, alternateNamesV2) as a generated layer.

Streamed line by line, zip archives included; alternate names grouped per feature with their
language codes; feature codes mapped to kinds; admin1 codes to ISO 3166-2 parents.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.sources.geonames import Admin1, admin1_table
from transnorm.gazetteer.sources.iso import add_names
from transnorm.gazetteer.sources.names import (
    choose_canonical,
    clean_name,
    name_lang,
    sort_names,
)

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
                    add_names(short_aliases, lang, n)
                    if lang == "en" and alt.preferred and en_short is None:
                        en_short = n
                else:
                    add_names(aliases, lang, n)
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
            add_names(aliases, "en", n)
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
