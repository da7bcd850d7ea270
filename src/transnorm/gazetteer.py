"""Gazetteer entries: loading the YAML layers in `gazetteers/` and validating them.

An entry is one real-world place or person. Its names live in `aliases` (per language),
`short_aliases` (names of the short form, rewritten to `short`), `historic` and
`colloquial`. Generated spellings (transliterations, inflections) are *not* stored in
YAML: `index.py` derives them at build time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

ENTRY_KEYS = {
    "id", "type", "kind", "canonical", "short", "country", "parent", "geonames_id",
    "lat", "lon", "population", "aliases", "short_aliases", "historic", "colloquial",
    "role", "note", "source",
}
TYPES = {"place", "person"}


class GazetteerError(ValueError):
    """A fault in a gazetteer file, with the file and line it is on."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


@dataclass
class Entry:
    id: str
    type: str  # place | person
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


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of each mapping (for error messages only)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 reads NO (Norway), On, Yes as booleans; in a gazetteer they are names and codes.
# Only true/false stay booleans, as in YAML 1.2.
_BOOL = "tag:yaml.org,2002:bool"
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != _BOOL] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_LineLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _names_by_lang(value: Any, path: str, line: int, key: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GazetteerError(path, line, f"'{key}' must be a mapping of language to names")
    out: dict[str, list[str]] = {}
    for lang, names in value.items():
        if lang == "__line__":
            continue
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise GazetteerError(path, line, f"'{key}.{lang}' must be a list of non-empty strings")
        out[str(lang)] = [n.strip() for n in names]
    return out


def _name_list(value: Any, path: str, line: int, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(n, str) and n.strip() for n in value):
        raise GazetteerError(path, line, f"'{key}' must be a list of non-empty strings")
    return [n.strip() for n in value]


def entry_from_mapping(raw: dict, path: str) -> Entry:
    """Build one Entry from a YAML mapping, rejecting unknown keys and wrong types."""
    line = raw.get("__line__")
    unknown = sorted(k for k in raw if k not in ENTRY_KEYS and k != "__line__")
    if unknown:
        raise GazetteerError(path, line, f"unknown key(s) {', '.join(map(str, unknown))}")
    for key in ("id", "type", "canonical"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise GazetteerError(path, line, f"missing or empty '{key}'")
    if raw["type"] not in TYPES:
        raise GazetteerError(path, line, f"type must be one of {sorted(TYPES)}, not {raw['type']!r}")
    for key, kind in (("population", int), ("geonames_id", int), ("lat", (int, float)), ("lon", (int, float))):
        if raw.get(key) is not None and (not isinstance(raw[key], kind) or isinstance(raw[key], bool)):
            raise GazetteerError(path, line, f"'{key}' must be a number")
    for key in ("kind", "short", "country", "parent", "role", "note", "source"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise GazetteerError(path, line, f"'{key}' must be a string")
    return Entry(
        id=raw["id"].strip(),
        type=raw["type"],
        kind=raw.get("kind") or ("person" if raw["type"] == "person" else "place"),
        canonical=raw["canonical"].strip(),
        short=raw.get("short"),
        country=raw.get("country"),
        parent=raw.get("parent"),
        geonames_id=raw.get("geonames_id"),
        lat=raw.get("lat"),
        lon=raw.get("lon"),
        population=raw.get("population"),
        aliases=_names_by_lang(raw.get("aliases"), path, line, "aliases"),
        short_aliases=_names_by_lang(raw.get("short_aliases"), path, line, "short_aliases"),
        historic=_name_list(raw.get("historic"), path, line, "historic"),
        colloquial=_name_list(raw.get("colloquial"), path, line, "colloquial"),
        role=raw.get("role"),
        note=raw.get("note"),
        source=raw.get("source") or "curated",
        origin=f"{path}:{line}" if line else path,
    )


def load_yaml(path: Path) -> Any:
    """Parse a YAML file safely (no Python tags), keeping mapping line numbers."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GazetteerError(str(path), None, f"cannot read: {exc}") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise GazetteerError(str(path), mark.line + 1 if mark else None, f"invalid YAML: {exc}") from exc


def load_entries(path: Path) -> list[Entry]:
    """Read one gazetteer YAML file: a mapping with an `entries:` list."""
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise GazetteerError(str(path), None, "expected a mapping with an 'entries' list")
    out = []
    for raw in data["entries"]:
        if not isinstance(raw, dict):
            raise GazetteerError(str(path), None, f"entry is not a mapping: {raw!r:.60}")
        out.append(entry_from_mapping(raw, str(path)))
    return out


# Files in gazetteers/ that hold other data than entries (each read by its own module).
NON_ENTRY_FILES = {"overrides.yaml", "lexicon.yaml", "geonames-admin1.yaml"}


def entry_files(folder: Path) -> list[Path]:
    """The entry files of a gazetteer folder, in a stable order."""
    return sorted(p for p in folder.glob("*.yaml") if p.name not in NON_ENTRY_FILES)


def load_folder(folder: Path) -> list[Entry]:
    entries: list[Entry] = []
    for path in entry_files(folder):
        entries.extend(load_entries(path))
    return entries


def check_entries(entries: Iterable[Entry]) -> list[str]:
    """Problems that loading alone does not catch: duplicate ids, dangling parents."""
    problems = []
    seen: dict[str, Entry] = {}
    entries = list(entries)
    for e in entries:
        if e.id in seen:
            problems.append(f"{e.origin}: duplicate id {e.id!r} (first at {seen[e.id].origin})")
        else:
            seen[e.id] = e
    for e in entries:
        if e.parent and e.parent not in seen:
            problems.append(f"{e.origin}: parent {e.parent!r} of {e.id!r} is not a known id")
    return problems
