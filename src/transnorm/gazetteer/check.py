"""`transnorm gazetteer check`: every fault of the gazetteer folder, not just the first.

Per file: YAML and schema faults with file, line and key. Across files: duplicate ids,
dangling parents and successors, and names two entries share (an error unless it is a
deliberate ambiguity such as a river and its town, or namesakes in different countries).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from transnorm.gazetteer.entries import (
    ADMIN_UNIT_KINDS,
    Entry,
    entry_files,
    entry_from_mapping,
    river_and_town,
)
from transnorm.gazetteer.schema import GazetteerError
from transnorm.yamlio import load_yaml


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
        data = load_yaml(path, GazetteerError)
    except GazetteerError as exc:
        return [], [_problem(exc)]
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        return [], [Problem(str(path), None, "expected a mapping with an 'entries' list")]
    unknown = sorted(str(k) for k in data if k not in ("entries", "admin1", "__line__"))
    problems = [Problem(str(path), data.get("__line__"), f"unknown top-level key(s) {', '.join(unknown)}")] \
        if unknown else []
    entries = []
    for i, raw in enumerate(data["entries"]):
        try:
            entries.append(entry_from_mapping(raw, str(path), ("entries", i)))
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
    (Dzerzhinsk was several towns) are left alone: they are ambiguous by nature. Two
    administrative units in different regions or cities (Zolochiv Raion of Lviv and of
    Kharkiv Oblast, Shevchenkivskyi District of Kyiv and of Lviv) are a note too.
    """
    from transnorm.text.fold import fold_name

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
            units = e.kind in ADMIN_UNIT_KINDS and f.kind in ADMIN_UNIT_KINDS and e.parent != f.parent
            path, line = _split_origin(e.origin)
            out.append(Problem(path, line, (
                f"{tag} {name!r} of {e.id!r} is also the {ftag} {fname!r} of {f.id!r} ({f.origin})"
                + (": a river and a town, resolved by river cues (lexicon river_cues)" if river
                   else f": units of {e.parent} and {f.parent}, resolved by context" if units
                   else "" if same else f": countries {e.country}/{f.country}, resolved by context")),
                "error" if same and not river and not units else "note"))
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
            data = load_yaml(lex, GazetteerError)
            if not isinstance(data, dict):
                problems.append(Problem(str(lex), None, "expected a mapping (region_words, stopwords, ...)"))
        except GazetteerError as exc:
            problems.append(_problem(exc))
    ov_path = folder / "overrides.yaml"
    if ov_path.exists():
        from transnorm.gazetteer.overrides import check_overrides, load_overrides

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
            from transnorm.gazetteer.sources.layerfile import is_layer_file, read_layer

            if is_layer_file(p):
                for _ in read_layer(p):
                    pass
        except GazetteerError as exc:
            problems.append(_problem(exc))
        except OSError as exc:
            problems.append(Problem(str(p), None, f"cannot read: {exc}"))
    return entries, problems
