"""renames-ua.yaml: settlements the Rada renamed, applied to the generated (GeoNames) layer.

News keeps using the old names ("Кіровоград", "Новгородка"), so each row's old uk/ru/en names
become `historic` names of the GeoNames settlement with the row's geonames_id; where GeoNames
still calls the place by its old name (`geonames_main: old`) the entry takes the current name as
canonical and the current uk/ru names as aliases. Rows without a geonames_id are left: a curated
entry (places-ua.yaml) carries its own history. The table is small: applying it is a dict lookup
per row, in the base layer (store.py hashes the file into that layer's digest).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.schema import GazetteerError
from transnorm.yamlio import load_yaml

FILE = "renames-ua.yaml"


@dataclass(frozen=True)
class Rename:
    canonical: str
    uk: str
    ru: str | None
    year: int | None
    geonames_id: int | None
    geonames_main: str | None
    old: tuple[str, ...]  # uk, ru and en old names


def load_renames(path: Path) -> list[Rename]:
    """The rows of the renames table; a malformed row is an error naming file and line."""
    if not path.exists():
        return []
    data = load_yaml(path, GazetteerError) or {}
    rows = data.get("renames") if isinstance(data, dict) else None
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise GazetteerError(str(path), None, "'renames': expected a list")
    out = []
    for row in rows:
        line = row.get("__line__") if isinstance(row, dict) else None
        if not isinstance(row, dict) or not isinstance(row.get("canonical"), str) or not isinstance(row.get("uk"), str):
            raise GazetteerError(str(path), line, "a rename needs 'canonical' and 'uk'")
        old = row.get("old") or {}
        if not isinstance(old, dict) or not all(isinstance(v, list) for k, v in old.items() if k != "__line__"):
            raise GazetteerError(str(path), line, "'old': expected lists of names per language (uk, ru, en)")
        gid = row.get("geonames_id")
        if gid is not None and not isinstance(gid, int):
            raise GazetteerError(str(path), line, "'geonames_id': expected a number")
        names = tuple(n for k in ("uk", "ru", "en") for n in old.get(k) or () if isinstance(n, str))
        out.append(Rename(row["canonical"], row["uk"], row.get("ru"), row.get("year"), gid,
                          row.get("geonames_main"), names))
    return out


def apply_renames(entries: list[Entry], renames: list[Rename]) -> int:
    """Lay the renames over the Ukrainian entries carrying their geonames_id (in place).
    Returns how many entries changed."""
    rows = {r.geonames_id: r for r in renames if r.geonames_id}
    if not rows:
        return 0
    changed = 0
    for e in entries:
        r = rows.get(e.geonames_id) if e.geonames_id and e.country == "UA" else None
        if r is None:
            continue
        if r.geonames_main == "old" and e.canonical != r.canonical:
            e.historic = list(e.historic) + [e.canonical]
            e.canonical = r.canonical
            e.aliases = {**e.aliases, "uk": [r.uk] + [n for n in e.aliases.get("uk", []) if n != r.uk]}
            if r.ru:
                e.aliases["ru"] = [r.ru] + [n for n in e.aliases.get("ru", []) if n != r.ru]
        have = {n for n, _, _ in e.names()}
        new = [n for n in r.old if n not in have]
        if new or r.geonames_main == "old":
            e.historic = list(dict.fromkeys(list(e.historic) + new))
            e.renamed = e.renamed or r.year
            changed += 1
    return changed
