"""Labelled cases for `transnorm eval`: loading and validating them.

A case is one short news text with the names an analyst expects linked:

    {"id": "en-kharkov-1", "lang": "en", "text": "Shelling in Kharkov ...",
     "expect": [{"surface": "Kharkov", "type": "place", "canonical": ["Kharkiv"]}],
     "neutral": ["Russian", "Armed Forces"]}

* `expect[].canonical` lists every accepted spelling of the canonical name (compared ignoring
  case and diacritics: NFKD, combining marks dropped, casefold; Turkish ı/İ, ł, ø, đ folded too).
* `expect[].gazetteer_id` (optional, string or list): only for names whose canonical spelling is
  itself ambiguous (Georgia the country and Georgia the US state are both "Georgia"): the link
  must then also be to one of these entries.
* `expect[].start`/`end` (optional) pin one occurrence; without them every whole-word
  occurrence of `surface` in `text` is expected (occurrences inside a longer expected name are
  left to that name).
* `neutral` lists words that must not be linked (demonyms, institutions); occurrences inside an
  expected name are ignored ("Russian" in "Russian Federation").

Files: JSON Lines (one case per line, blank lines allowed), or one JSON object (the dev set's
`*.expected.json`), or a JSON list of objects. A bad line stops loading with `file:line: reason`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CASE_KEYS = {"id", "lang", "text", "expect", "neutral", "source", "note", "tags", "url", "split", "topic"}
SPLITS = ("tune", "heldout")
EXPECT_KEYS = {"surface", "type", "canonical", "start", "end", "gazetteer_id", "note"}
TYPES = ("place", "person")


class CaseError(ValueError):
    """A labelled-case file that cannot be used; the message starts with `file:line:`."""


@dataclass
class Expected:
    surface: str
    type: str  # place | person
    canonical: list[str]  # accepted forms
    start: int | None = None
    end: int | None = None
    gazetteer_id: list[str] = field(default_factory=list)  # when set, the link must be to one of these


@dataclass
class Case:
    id: str
    lang: str
    text: str
    expect: list[Expected] = field(default_factory=list)
    neutral: list[str] = field(default_factory=list)
    where: str = ""  # file:line the case was read from
    split: str | None = None  # real-text sets: "tune" (tuned on) or "heldout" (scored when an issue closes)
    topic: str | None = None  # real-text sets: village, admin-unit, official, sport, culture, ...


def _fail(where: str, msg: str) -> CaseError:
    return CaseError(f"{where}: {msg}")


def _str_list(value: Any, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, f"'{key}' must be a list of non-empty strings")
    return list(value)


def case_from_dict(raw: Any, where: str) -> Case:
    """Validate one case mapping; `where` (file:line) prefixes every error."""
    if not isinstance(raw, dict):
        raise _fail(where, f"a case must be a JSON object, not {type(raw).__name__}")
    unknown = sorted(set(raw) - CASE_KEYS)
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(CASE_KEYS))})")
    for key in ("id", "lang", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _fail(where, f"missing or empty '{key}'")
    text = raw["text"]
    exp_raw = raw.get("expect", [])
    if not isinstance(exp_raw, list):
        raise _fail(where, "'expect' must be a list")
    expect = []
    for k, e in enumerate(exp_raw):
        ew = f"{where}: expect[{k}]"
        if not isinstance(e, dict):
            raise CaseError(f"{ew}: must be an object")
        unknown = sorted(set(e) - EXPECT_KEYS)
        if unknown:
            raise CaseError(f"{ew}: unknown key(s) {', '.join(unknown)}")
        surface = e.get("surface")
        if not isinstance(surface, str) or not surface.strip():
            raise CaseError(f"{ew}: missing or empty 'surface'")
        if e.get("type") not in TYPES:
            raise CaseError(f"{ew} ({surface!r}): 'type' must be one of {', '.join(TYPES)}")
        canon = _str_list(e.get("canonical"), ew, "canonical")
        start, end = e.get("start"), e.get("end")
        if (start is None) != (end is None):
            raise CaseError(f"{ew} ({surface!r}): give both 'start' and 'end' or neither")
        if start is not None:
            if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
                raise CaseError(f"{ew} ({surface!r}): 'start'/'end' must be integers")
            if text[start:end] != surface:
                raise CaseError(f"{ew}: text[{start}:{end}] is {text[start:end]!r}, not {surface!r}")
        elif not occurrences(text, surface):
            raise CaseError(f"{ew}: surface {surface!r} does not occur in the text (as a whole word)")
        ids = _str_list(e["gazetteer_id"], ew, "gazetteer_id") if e.get("gazetteer_id") is not None else []
        expect.append(Expected(surface, e["type"], canon, start, end, ids))
    neutral = _str_list(raw.get("neutral", []), where, "neutral") if raw.get("neutral") else []
    for key in ("split", "topic"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise _fail(where, f"'{key}' must be a string")
    if raw.get("split") not in (None, *SPLITS):
        raise _fail(where, f"'split' must be one of {', '.join(SPLITS)}, not {raw['split']!r}")
    return Case(id=raw["id"], lang=raw["lang"].strip().lower(), text=text, expect=expect,
                neutral=neutral, where=where, split=raw.get("split"), topic=raw.get("topic"))


def load_cases(path: str | Path) -> list[Case]:
    """Read labelled cases: JSON Lines, or one JSON object / list (the dev set's expected.json);
    a folder: every *.jsonl in it (eval/real/), ids unique across the files."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise CaseError(f"{path}: no *.jsonl files")
        cases = [c for f in files for c in load_cases(f)]
        _unique(cases)
        return cases
    try:
        content = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CaseError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CaseError(f"{path}: not UTF-8") from exc
    stripped = content.lstrip()
    cases: list[Case] = []
    whole = None
    if stripped[:1] in ("{", "["):
        try:
            whole = json.loads(content)
        except json.JSONDecodeError:
            whole = None  # more than one object: JSON Lines
    if isinstance(whole, dict):
        cases = [case_from_dict(whole, f"{path}:1")]
    elif isinstance(whole, list):
        cases = [case_from_dict(c, f"{path}: case {i + 1}") for i, c in enumerate(whole)]
    else:
        for no, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CaseError(f"{path}:{no}: invalid JSON: {exc.msg} (column {exc.colno})") from exc
            cases.append(case_from_dict(raw, f"{path}:{no}"))
    if not cases:
        raise CaseError(f"{path}: no cases")
    _unique(cases)
    return cases


def _unique(cases: list[Case]) -> None:
    seen: dict[str, str] = {}
    for c in cases:
        if c.id in seen:
            raise CaseError(f"{c.where}: duplicate id {c.id!r} (first at {seen[c.id]})")
        seen[c.id] = c.where


def occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    """Whole-word occurrences of `surface` (case-sensitive): no letter or digit on either side."""
    out = []
    for m in re.finditer(re.escape(surface), text):
        a, b = m.span()
        if (a > 0 and text[a - 1].isalnum()) or (b < len(text) and text[b].isalnum()):
            continue
        out.append((a, b))
    return out
