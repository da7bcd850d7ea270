"""gazetteers/overrides.yaml: the review decisions, as the index build reads them.

`transnorm review apply` writes it (review/apply.py); the index build reads it on top of every
other layer. Its format lives here, with the gazetteer, so building an index never reaches up
into the review code. One flow mapping per line, so a diff shows one decision per line.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

import yaml

from transnorm.files import atomic_write_text
from transnorm.gazetteer.entries import Entry, entry_from_mapping
from transnorm.gazetteer.schema import (
    GazetteerError,
    OverrideLinkModel,
    OverridesFile,
    validate,
)
from transnorm.yamlio import load_yaml


@dataclass(frozen=True)
class OverrideLink:
    """One accept or reject decision: this surface (in this language) and this entry."""

    surface: str
    lang: str
    gazetteer_id: str
    origin: str = field(default="", compare=False)  # file:line, for messages


@dataclass
class Overrides:
    """The decisions in overrides.yaml, as the matcher consumes them."""

    accept: list[OverrideLink] = field(default_factory=list)
    reject: list[OverrideLink] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


def load_overrides(path: Path) -> Overrides:
    """Read and validate overrides.yaml; a missing or empty file means no overrides.

    Raises GazetteerError with file and line so a hand edit gone wrong is easy to find.
    """
    path = Path(path)
    if not path.exists():
        return Overrides()
    data = load_yaml(path, GazetteerError)
    p = str(path)
    if data is None:
        return Overrides()
    if not isinstance(data, dict):
        raise GazetteerError(p, None, "expected a mapping with 'accept', 'reject' and 'entries' lists")
    validate(OverridesFile, data, path)
    out = Overrides()
    for section in ("accept", "reject"):
        for i, raw in enumerate(data.get(section) or []):
            m = validate(OverrideLinkModel, raw, path, (section, i))
            line = raw.get("__line__")
            getattr(out, section).append(OverrideLink(m.surface, m.lang, m.gazetteer_id, f"{p}:{line}" if line else p))
    out.entries = [entry_from_mapping(raw, p, ("entries", i)) for i, raw in enumerate(data.get("entries") or [])]
    _check_overrides_consistent(out, p)
    return out


def _check_overrides_consistent(ov: Overrides, path: str) -> None:
    """Reject contradictions the matcher could not resolve; drop exact duplicates."""
    accepted: dict[tuple[str, str], OverrideLink] = {}
    uniq = []
    for link in ov.accept:
        prev = accepted.get((link.surface, link.lang))
        if prev and prev.gazetteer_id != link.gazetteer_id:
            raise GazetteerError(path, _line(link), f"accept: {link.surface!r} ({link.lang}) is linked to "
                                 f"{prev.gazetteer_id!r} at {prev.origin} and to {link.gazetteer_id!r}")
        if not prev:
            accepted[(link.surface, link.lang)] = link
            uniq.append(link)
    ov.accept = uniq
    ov.reject = list(dict.fromkeys(ov.reject))
    for link in ov.reject:
        prev = accepted.get((link.surface, link.lang))
        if prev and prev.gazetteer_id == link.gazetteer_id:
            raise GazetteerError(path, _line(link), f"reject: {link.surface!r} ({link.lang}) -> "
                                 f"{link.gazetteer_id!r} is also accepted at {prev.origin}")
    ids: dict[str, Entry] = {}
    for e in ov.entries:
        if e.id in ids:
            raise GazetteerError(path, _line(e), f"entries: duplicate id {e.id!r} (first at {ids[e.id].origin})")
        ids[e.id] = e


def _line(obj: OverrideLink | Entry) -> int | None:
    tail = obj.origin.rsplit(":", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else None


def check_overrides(ov: Overrides, known_ids: Iterable[str]) -> list[str]:
    """Problems against a gazetteer: links to ids that no longer exist, id clashes."""
    known = set(known_ids)
    own = {e.id for e in ov.entries}
    problems = []
    for e in ov.entries:
        if e.id in known - own:
            problems.append(f"{e.origin}: entry id {e.id!r} already exists in the gazetteer")
    for section in ("accept", "reject"):
        for link in getattr(ov, section):
            if link.gazetteer_id not in known | own:
                problems.append(f"{link.origin}: {section} refers to unknown gazetteer id {link.gazetteer_id!r}")
    return problems


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(value: Any, plain_ok: bool = False) -> str:
    """One YAML scalar: identifiers plain (as in the documented format), text double-quoted."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"unexpected value {value!r}")
    if isinstance(value, (int, float)):
        return repr(value)
    if plain_ok and _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _names(values: list[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _by_lang(d: dict[str, list[str]]) -> str:
    return "{" + ", ".join(f"{_scalar(k, True)}: {_names(v)}" for k, v in d.items()) + "}"


def _entry_flow(e: Entry) -> str:
    parts = [f"id: {_scalar(e.id, True)}", f"type: {_scalar(e.type, True)}",
             f"kind: {_scalar(e.kind, True)}", f"canonical: {_scalar(e.canonical)}"]
    for key, plain in (("short", False), ("country", True), ("parent", True), ("geonames_id", False),
                       ("lat", False), ("lon", False), ("population", False)):
        v = getattr(e, key)
        if v is not None:
            parts.append(f"{key}: {_scalar(v, plain)}")
    for key in ("aliases", "short_aliases"):
        if getattr(e, key):
            parts.append(f"{key}: {_by_lang(getattr(e, key))}")
    for key in ("historic", "colloquial"):
        if getattr(e, key):
            parts.append(f"{key}: {_names(getattr(e, key))}")
    for key in ("role", "note"):
        if getattr(e, key) is not None:
            parts.append(f"{key}: {_scalar(getattr(e, key))}")
    parts.append(f"source: {_scalar(e.source, True)}")
    return "{" + ", ".join(parts) + "}"


def _link_flow(link: OverrideLink) -> str:
    return (f"{{surface: {_scalar(link.surface)}, lang: {_scalar(link.lang, True)}, "
            f"gazetteer_id: {_scalar(link.gazetteer_id, True)}}}")


def render_overrides(ov: Overrides) -> str:
    """The overrides.yaml text: one flow mapping per line, so diffs show one decision per line."""
    comments = {
        "accept": '# surface as written -> entry; the next run links it with status auto, method "override"',
        "reject": "# never link this surface to this entry",
        "entries": '# new entries, same shape as other gazetteer files (id "review-<slug>", source "review")',
    }
    out = ["# Written by transnorm review apply. Hand edits are kept, comments other than these are not.\n"]
    for section, items, flow in (("accept", ov.accept, _link_flow), ("reject", ov.reject, _link_flow),
                                 ("entries", ov.entries, _entry_flow)):
        head = f"{section}:" if items else f"{section}: []"
        out.append(f"{head:<10}{comments[section]}\n")
        out.extend(f"  - {flow(item)}\n" for item in items)
    return "".join(out)


def write_overrides(ov: Overrides, path: Path) -> None:
    """Write atomically, after checking the text parses back to the same decisions."""
    text = render_overrides(ov)
    data = yaml.safe_load(text)
    links = lambda items: [(d["surface"], d["lang"], d["gazetteer_id"]) for d in items or []]  # noqa: E731
    entries = [entry_from_mapping(d, str(path)) for d in data["entries"] or []]
    if (links(data["accept"]) != [(a.surface, a.lang, a.gazetteer_id) for a in ov.accept]
            or links(data["reject"]) != [(r.surface, r.lang, r.gazetteer_id) for r in ov.reject]
            or [replace(e, origin="") for e in entries] != [replace(e, origin="") for e in ov.entries]):
        raise RuntimeError("overrides.yaml would not read back as written; refusing to write it")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
