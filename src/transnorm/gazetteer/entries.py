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
    "role", "note", "source", "successor", "renamed",
}
TYPES = {"place", "person"}
# A river may share its bare name with a town of its country ("Dnipro", "Днепр", "Дніпро"):
# the matcher reads the words before the name (lexicon `river_cues`), and the town wins without one.
RIVER_KINDS = frozenset({"river"})
SETTLEMENT_KINDS = frozenset({"city", "town", "village", "settlement"})


def river_and_town(a: "Entry", b: "Entry") -> bool:
    """A river and a settlement: a name they share is a deliberate ambiguity, not an error."""
    return {a.kind in RIVER_KINDS, b.kind in RIVER_KINDS} == {True, False} and \
        (a.kind in SETTLEMENT_KINDS or b.kind in SETTLEMENT_KINDS)


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


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of each mapping (for error messages only).

    Anchors and aliases (&x / *x) are refused before anything is built: a gazetteer has no
    use for them, and nested aliases are the "billion laughs" expansion bomb. Python tags
    (!!python/object...) are refused by SafeLoader itself.
    """

    def compose_node(self, parent, index):  # noqa: D102 - yaml.composer.Composer API
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            what = f"alias *{event.anchor}" if isinstance(event, yaml.AliasEvent) else f"anchor &{event.anchor}"
            raise yaml.composer.ComposerError(
                None, None, f"YAML anchors and aliases are not allowed in a gazetteer ({what})", event.start_mark)
        return super().compose_node(parent, index)


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
    for key, kind in (("population", int), ("geonames_id", int), ("renamed", int), ("lat", (int, float)), ("lon", (int, float))):
        if raw.get(key) is not None and (not isinstance(raw[key], kind) or isinstance(raw[key], bool)):
            raise GazetteerError(path, line, f"'{key}' must be a number")
    for key in ("kind", "short", "country", "parent", "role", "note", "source", "successor"):
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
        successor=raw.get("successor"),
        renamed=raw.get("renamed"),
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
        problem = getattr(exc, "problem", None)
        reason = f"{problem} (column {mark.column + 1})" if problem and mark else (problem or str(exc))
        raise GazetteerError(str(path), mark.line + 1 if mark else None, f"invalid YAML: {reason}") from exc


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
        if e.successor and e.successor not in seen:
            problems.append(f"{e.origin}: successor {e.successor!r} of {e.id!r} is not a known id")
    return problems


# --- `transnorm gazetteer check` ---------------------------------------------------------------

@dataclass
class Problem:
    """One fault found by check_folder, at a file and line."""

    path: str
    line: int | None
    message: str
    severity: str = "error"  # error (exit 1) or note (shown, allowed)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


def _problem(exc: GazetteerError, severity: str = "error") -> Problem:
    return Problem(exc.path, exc.line, exc.message, severity)


def _split_origin(origin: str) -> tuple[str, int | None]:
    path, _, line = origin.rpartition(":")
    return (path, int(line)) if line.isdigit() and path else (origin, None)


def check_file(path: Path) -> tuple[list[Entry], list[Problem]]:
    """Every entry of one file that loads, and every fault of the file (not just the first)."""
    try:
        data = load_yaml(path)
    except GazetteerError as exc:
        return [], [_problem(exc)]
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        return [], [Problem(str(path), None, "expected a mapping with an 'entries' list")]
    unknown = sorted(str(k) for k in data if k not in ("entries", "admin1", "__line__"))
    problems = [Problem(str(path), data.get("__line__"), f"unknown top-level key(s) {', '.join(unknown)}")] \
        if unknown else []
    entries = []
    for raw in data["entries"]:
        if not isinstance(raw, dict):
            problems.append(Problem(str(path), None, f"entry is not a mapping: {raw!r:.60}"))
            continue
        try:
            entries.append(entry_from_mapping(raw, str(path)))
        except GazetteerError as exc:
            problems.append(_problem(exc))
    return entries, problems


def name_collisions(entries: Iterable[Entry]) -> list[Problem]:
    """Names (canonical, aliases, colloquial) that two entries answer to, with both ids.

    Within one country (or when either entry has none) it is an error: one of the two
    names is wrong, or the two entries are one place. Across countries it is a note: a
    deliberate ambiguity (Odessa / Odessa, Texas) that the matcher settles by context; so
    is a river named like a town (Dnipro the river and the city), settled by river cues.
    Shared short forms of people (Klitschko, Patrushev: relatives) and historic names
    (Dzerzhinsk was several towns) are left alone: they are ambiguous by nature.
    """
    from .fold import fold_name

    owners: dict[str, dict[str, tuple[Entry, str, str]]] = {}
    for e in entries:
        for name, _lang, tag in e.names():
            if tag in ("historic",) or (tag == "short" and e.type == "person"):
                continue
            key = fold_name(name)
            if key:
                owners.setdefault(key, {}).setdefault(e.id, (e, name, tag))
    out = []
    for key, by in owners.items():
        if len(by) < 2:
            continue
        items = list(by.values())
        first = items[0]
        for e, name, tag in items[1:]:
            f, fname, ftag = first
            same = not e.country or not f.country or e.country == f.country
            river = river_and_town(e, f)
            path, line = _split_origin(e.origin)
            out.append(Problem(path, line, (
                f"{tag} {name!r} of {e.id!r} is also the {ftag} {fname!r} of {f.id!r} ({f.origin})"
                + (": a river and a town, resolved by river cues (lexicon river_cues)" if river
                   else "" if same else f": countries {e.country}/{f.country}, resolved by context")),
                "error" if same and not river else "note"))
    return out


def check_folder(folder: Path, layer_files: Iterable[Path] = ()) -> tuple[list[Entry], list[Problem]]:
    """Validate a gazetteer folder: every YAML file (unsafe YAML, anchors/aliases, unknown
    keys, missing or wrongly typed fields), duplicate ids, unknown parents, names shared by
    two entries, overrides.yaml against the ids, lexicon.yaml, and imported layer files.
    """
    entries: list[Entry] = []
    problems: list[Problem] = []
    for p in entry_files(folder):
        got, probs = check_file(p)
        entries.extend(got)
        problems.extend(probs)
    for msg in check_entries(entries):
        origin, _, rest = msg.partition(": ")
        path, line = _split_origin(origin)
        problems.append(Problem(path, line, rest))
    problems.extend(name_collisions(entries))
    lex = folder / "lexicon.yaml"
    if lex.exists():
        try:
            data = load_yaml(lex)
            if not isinstance(data, dict):
                problems.append(Problem(str(lex), None, "expected a mapping (region_words, stopwords, ...)"))
        except GazetteerError as exc:
            problems.append(_problem(exc))
    ov_path = folder / "overrides.yaml"
    if ov_path.exists():
        from .review import check_overrides, load_overrides

        try:
            ov = load_overrides(ov_path)
            known = {e.id for e in entries}
            for msg in check_overrides(ov, known):
                origin, _, rest = msg.partition(": ")
                path, line = _split_origin(origin)
                # an override may name an entry of a generated layer (gn-..., iso-...)
                if "unknown gazetteer id" in rest and re.search(r"'(gn|iso)-", rest):
                    continue
                problems.append(Problem(path, line, rest))
        except GazetteerError as exc:
            problems.append(_problem(exc))
    for p in layer_files:
        try:
            from .sources import is_layer_file, read_layer

            if is_layer_file(p):
                for _ in read_layer(p):
                    pass
        except GazetteerError as exc:
            problems.append(_problem(exc))
        except OSError as exc:
            problems.append(Problem(str(p), None, f"cannot read: {exc}"))
    return entries, problems
