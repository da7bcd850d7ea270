"""Gazetteer entries: the Entry record and loading the entry files of `gazetteers/`.

An entry is one real-world place or person. Its names live in `aliases` (per language),
`short_aliases` (names of the short form, rewritten to `short`), `historic` and
`colloquial`. Generated spellings (transliterations, inflections) are *not* stored in
YAML: compile.py derives them at build time. The YAML shape is checked by schema.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from transnorm.gazetteer.schema import EntryFile, EntryModel, GazetteerError, validate
from transnorm.yamlio import load_yaml

TYPES = {"place", "person", "organisation"}


# A river may share its bare name with a town of its country ("Dnipro", "Днепр", "Дніпро"):
# the matcher reads the words before the name (lexicon `river_cues`), and the town wins without one.
RIVER_KINDS = frozenset({"river"})
SETTLEMENT_KINDS = frozenset({"city", "town", "village", "settlement"})
# Administrative units below the region: the same name recurs in many regions and cities
# (Shevchenkivskyi District in six cities, Zolochiv Raion in two oblasts): context decides.
#: First-level regions of a country, whatever a country calls them (oblast, krai, republic, autonomous
#: okrug...): the kinds that rank like a region and whose names the stop layer protects.
REGION_KINDS = frozenset({"oblast", "federal-subject", "autonomous-republic", "region", "province", "krai",
                          "republic", "state", "self-proclaimed", "autonomous-okrug", "autonomous-oblast"})
ADMIN_UNIT_KINDS = frozenset({"raion", "former-raion", "hromada", "district", "okrug", "urban-okrug",
                              "city-district"})


def km_between(a: "Entry", b: "Entry") -> float | None:
    """Great-circle distance between two entries' coordinates, in km (None: one has none)."""
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


def river_and_town(a: "Entry", b: "Entry") -> bool:
    """A river and a settlement: a name they share is a deliberate ambiguity, not an error."""
    return {a.kind in RIVER_KINDS, b.kind in RIVER_KINDS} == {True, False} and \
        (a.kind in SETTLEMENT_KINDS or b.kind in SETTLEMENT_KINDS)


@dataclass
class Entry:
    id: str
    type: str  # place | person | organisation (a club, outlet, unit... named after a place)
    kind: str  # country, oblast, raion, city, village, landmark, region, person...
    canonical: str  # the one English spelling records use
    short: str | None = None  # canonical short form ("Dolmabahçe", "Zelenskyy")
    country: str | None = None  # ISO 3166-1 alpha-2
    parent: str | None = None  # id of the containing entry (oblast of a city)
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    aliases: dict[str, list[str]] = field(default_factory=dict)  # lang -> names
    short_aliases: dict[str, list[str]] = field(default_factory=dict)
    historic: list[str] = field(default_factory=list)
    colloquial: list[str] = field(default_factory=list)
    role: str | None = None
    note: str | None = None
    source: str = "curated"  # curated, pycountry, geonames, override...
    successor: str | None = None  # id of the entry that replaced a former unit (a pre-2020 raion)
    renamed: int | None = None  # year the current name was given (historic names are the older ones)
    origin: str = ""  # file:line it was read from (for error messages)

    def names(self) -> Iterator[tuple[str, str, str]]:
        """Yield (name, lang, tag) for every written name; tag says how it was listed."""
        yield self.canonical, "en", "canonical"
        for lang, names in self.aliases.items():
            for n in names:
                yield n, lang, "alias"
        if self.short:
            yield self.short, "en", "short"
        for lang, names in self.short_aliases.items():
            for n in names:
                yield n, lang, "short"
        for n in self.historic:
            yield n, "*", "historic"
        for n in self.colloquial:
            yield n, "*", "colloquial"


def entry_from_mapping(raw: dict, path: str, loc: tuple = ()) -> Entry:
    """One Entry from a YAML mapping (as yamlio loads it), validated by schema.EntryModel."""
    line = raw.get("__line__") if isinstance(raw, dict) else None
    m = validate(EntryModel, raw, path, loc)
    return Entry(
        id=m.id, type=m.type, kind=m.kind or m.type,
        canonical=m.canonical, short=m.short, country=m.country, parent=m.parent,
        geonames_id=m.geonames_id, lat=m.lat, lon=m.lon, population=m.population,
        aliases=m.aliases, short_aliases=m.short_aliases, historic=m.historic, colloquial=m.colloquial,
        role=m.role, note=m.note, source=m.source or "curated", successor=m.successor, renamed=m.renamed,
        origin=f"{path}:{line}" if line else path,
    )


def load_entries(path: Path) -> list[Entry]:
    """Read one gazetteer YAML file: a mapping with an `entries:` list."""
    data = load_yaml(path, GazetteerError)
    if not isinstance(data, dict) or "entries" not in data:
        raise GazetteerError(str(path), None, "expected a mapping with an 'entries' list")
    validate(EntryFile, data, path)
    return [entry_from_mapping(raw, str(path), ("entries", i)) for i, raw in enumerate(data["entries"])]


# Files in gazetteers/ that hold other data than entries (each read by its own module).
NON_ENTRY_FILES = {"overrides.yaml", "lexicon.yaml", "geonames-admin1.yaml", "renames-ua.yaml"}


def entry_files(folder: Path) -> list[Path]:
    """The entry files of a gazetteer folder, in a stable order."""
    return sorted(p for p in folder.glob("*.yaml") if p.name not in NON_ENTRY_FILES)


def load_folder(folder: Path) -> list[Entry]:
    entries: list[Entry] = []
    for path in entry_files(folder):
        entries.extend(load_entries(path))
    return entries
