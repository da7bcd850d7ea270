"""gazetteers/overrides.yaml: the review decisions, as the index build reads them.

`transnorm review apply` writes it (review/apply.py); the index build reads it on top of every
other layer. Its format lives here, with the gazetteer, so building an index never reaches up
into the review code. One flow mapping per line, so a diff shows one decision per line, and a
file of 350,000 decisions reads in seconds (flowlines.py) rather than minutes of YAML parsing.

Sections: `accept` (this written form is that entry), `reject` (never that entry), `ignore`
(not a name: never linked nor queued), `split` (one written run is several names: the matcher
cuts it at the parts' boundaries), `entries` (new entries, same shape as other entry files).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from transnorm.files import atomic_write_text
from transnorm.gazetteer.entries import Entry, entry_from_mapping
from transnorm.gazetteer.flowlines import SPECIAL_WORDS, read_flow_lines
from transnorm.gazetteer.schema import (
    GazetteerError,
    OverrideIgnoreModel,
    OverrideLinkModel,
    OverridesFile,
    OverrideSplitModel,
    validate,
)
from transnorm.text.fold import fold_name
from transnorm.yamlio import load_yaml

GENERATED_ID_PREFIX = "gen:"  # ids of names the pipeline proposed itself (not gazetteer entries)


@dataclass(frozen=True)
class OverrideLink:
    """One accept or reject decision: this surface (in this language) and this entry."""

    surface: str
    lang: str
    gazetteer_id: str
    origin: str = field(default="", compare=False)  # file:line, for messages


@dataclass(frozen=True)
class OverrideIgnore:
    """Not a name: this written form is never linked nor queued for review again."""

    surface: str
    lang: str
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class OverrideSplit:
    """One written run that is several names ("Берёзовка Иван Сидоренко" = a village + a person)."""

    surface: str
    lang: str
    parts: tuple[str, ...]
    origin: str = field(default="", compare=False)


@dataclass
class Overrides:
    """The decisions in overrides.yaml, as the matcher consumes them."""

    accept: list[OverrideLink] = field(default_factory=list)
    reject: list[OverrideLink] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    ignore: list[OverrideIgnore] = field(default_factory=list)
    split: list[OverrideSplit] = field(default_factory=list)


def split_boundaries(surface: str, parts: tuple[str, ...] | list[str]) -> tuple[int, ...] | None:
    """Word counts of the parts when they are the surface's words in order, else None.

    Compared on folded words, so "Берёзовка Иван" splits as "Березовка | Иван" too."""
    whole = fold_name(surface).split()
    sizes, words = [], []
    for p in parts:
        w = fold_name(p).split()
        if not w:
            return None
        sizes.append(len(w))
        words += w
    return tuple(sizes) if words == whole else None


def load_overrides(path: Path) -> Overrides:
    """Read and validate overrides.yaml; a missing or empty file means no overrides.

    Raises GazetteerError with file and line so a hand edit gone wrong is easy to find.
    """
    path = Path(path)
    if not path.exists():
        return Overrides()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GazetteerError(str(path), None, f"cannot read: {exc}") from exc
    data = read_flow_lines(text)  # the file as apply writes it; None: anything else, read as YAML
    if data is None:
        data = load_yaml(path, GazetteerError)
    p = str(path)
    if data is None:
        return Overrides()
    if not isinstance(data, dict):
        raise GazetteerError(p, None, "expected a mapping with 'accept', 'reject', 'ignore', 'split' and "
                                      "'entries' lists")
    validate(OverridesFile, data, path)
    out = Overrides()

    def where(raw: dict) -> str:
        line = raw.get("__line__")
        return f"{p}:{line}" if line else p

    for section in ("accept", "reject"):
        items = getattr(out, section)
        for i, raw in enumerate(data.get(section) or []):
            m = validate(OverrideLinkModel, raw, path, (section, i))
            items.append(OverrideLink(m.surface, m.lang, m.gazetteer_id, where(raw)))
    for i, raw in enumerate(data.get("ignore") or []):
        m = validate(OverrideIgnoreModel, raw, path, ("ignore", i))
        out.ignore.append(OverrideIgnore(m.surface, m.lang, where(raw)))
    for i, raw in enumerate(data.get("split") or []):
        m = validate(OverrideSplitModel, raw, path, ("split", i))
        out.split.append(OverrideSplit(m.surface, m.lang, tuple(m.parts), where(raw)))
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
    ov.ignore = list(dict.fromkeys(ov.ignore))
    ignored = {(i.surface, i.lang): i for i in ov.ignore}
    for i in ov.ignore:
        if (i.surface, i.lang) in accepted:
            raise GazetteerError(path, _line(i), f"ignore: {i.surface!r} ({i.lang}) is also accepted at "
                                 f"{accepted[(i.surface, i.lang)].origin}")
    ov.split = list(dict.fromkeys(ov.split))
    splits: dict[tuple[str, str], OverrideSplit] = {}
    for s in ov.split:
        key = (s.surface, s.lang)
        if split_boundaries(s.surface, s.parts) is None:
            raise GazetteerError(path, _line(s), f"split: the parts {list(s.parts)} are not the words of "
                                 f"{s.surface!r} in order")
        for other, what in ((splits.get(key), "split differently"), (accepted.get(key), "accepted"),
                            (ignored.get(key), "ignored")):
            if other is not None:
                raise GazetteerError(path, _line(s), f"split: {s.surface!r} ({s.lang}) is also {what} at "
                                     f"{other.origin}")
        splits[key] = s
    ids: dict[str, Entry] = {}
    for e in ov.entries:
        if e.id in ids:
            raise GazetteerError(path, _line(e), f"entries: duplicate id {e.id!r} (first at {ids[e.id].origin})")
        ids[e.id] = e


def _line(obj: OverrideLink | OverrideIgnore | OverrideSplit | Entry) -> int | None:
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
            if section == "reject" and link.gazetteer_id.startswith(GENERATED_ID_PREFIX):
                continue  # a generated proposal turned down: no gazetteer entry to refer to
            if link.gazetteer_id not in known | own:
                problems.append(f"{link.origin}: {section} refers to unknown gazetteer id {link.gazetteer_id!r}")
    return problems


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# Characters YAML does not allow in a file, or reads as a line break inside a quoted scalar:
# written as \u escapes so every line reads back as written (by YAML and by flowlines).
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def _scalar(value: Any, plain_ok: bool = False) -> str:
    """One YAML scalar: identifiers plain (as in the documented format), text double-quoted."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"unexpected value {value!r}")
    if isinstance(value, (int, float)):
        return repr(value)
    if plain_ok and _PLAIN.fullmatch(value) and value.lower() not in SPECIAL_WORDS:
        return value
    # A JSON string is a valid YAML double-quoted scalar once YAML's non-printables are escaped.
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


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
    for key, plain in (("successor", True), ("renamed", False)):
        if getattr(e, key) is not None:
            parts.append(f"{key}: {_scalar(getattr(e, key), plain)}")
    parts.append(f"source: {_scalar(e.source, True)}")
    return "{" + ", ".join(parts) + "}"


def _link_flow(link: OverrideLink) -> str:
    return (f"{{surface: {_scalar(link.surface)}, lang: {_scalar(link.lang, True)}, "
            f"gazetteer_id: {_scalar(link.gazetteer_id, True)}}}")


def _ignore_flow(i: OverrideIgnore) -> str:
    return f"{{surface: {_scalar(i.surface)}, lang: {_scalar(i.lang, True)}}}"


def _split_flow(s: OverrideSplit) -> str:
    return f"{{surface: {_scalar(s.surface)}, lang: {_scalar(s.lang, True)}, parts: {_names(list(s.parts))}}}"


def render_overrides(ov: Overrides) -> str:
    """The overrides.yaml text: one flow mapping per line, so diffs show one decision per line."""
    comments = {
        "accept": '# surface as written -> entry; the next run links it with status auto, method "override"',
        "reject": "# never link this surface to this entry (a gen: id: never propose this generated name)",
        "ignore": "# not a name: never linked nor queued for review again",
        "split": "# one written run that is several names: the matcher cuts it into these parts",
        "entries": '# new entries, same shape as other gazetteer files (id "review-<slug>", source "review")',
    }
    out = ["# Written by transnorm review apply. Hand edits are kept, comments other than these are not.\n"]
    for section, items, flow in (("accept", ov.accept, _link_flow), ("reject", ov.reject, _link_flow),
                                 ("ignore", ov.ignore, _ignore_flow), ("split", ov.split, _split_flow),
                                 ("entries", ov.entries, _entry_flow)):
        head = f"{section}:" if items else f"{section}: []"
        out.append(f"{head:<12}{comments[section]}\n")
        out.extend(f"  - {flow(item)}\n" for item in items)
    return "".join(out)


def _as_read(ov: Overrides) -> tuple:
    """What a file holding `ov` must read back as (origins aside)."""
    return ([(a.surface, a.lang, a.gazetteer_id) for a in ov.accept],
            [(r.surface, r.lang, r.gazetteer_id) for r in ov.reject],
            [(i.surface, i.lang) for i in ov.ignore],
            [(s.surface, s.lang, tuple(s.parts)) for s in ov.split],
            [replace(e, origin="") for e in ov.entries])


def write_overrides(ov: Overrides, path: Path) -> None:
    """Write atomically, after checking the text parses back to the same decisions."""
    text = render_overrides(ov)
    data = read_flow_lines(text)
    if data is None:  # pragma: no cover - render_overrides writes the subset flowlines reads
        raise RuntimeError("overrides.yaml would not be written one decision per line; refusing to write it")
    got = Overrides(
        accept=[OverrideLink(d["surface"], d["lang"], d["gazetteer_id"]) for d in data["accept"]],
        reject=[OverrideLink(d["surface"], d["lang"], d["gazetteer_id"]) for d in data["reject"]],
        ignore=[OverrideIgnore(d["surface"], d["lang"]) for d in data["ignore"]],
        split=[OverrideSplit(d["surface"], d["lang"], tuple(d["parts"])) for d in data["split"]],
        entries=[entry_from_mapping(d, str(path)) for d in data["entries"]])
    if _as_read(got) != _as_read(ov):
        raise RuntimeError("overrides.yaml would not read back as written; refusing to write it")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
