"""The decision language: what a reviewer writes for one queued name.

The same strings fill the `decision` column of review.csv and the `decision` field of the
decisions file report.html exports (one JSON object per line), so one parser serves both:

    accept                        link to the row's proposed entry (a generated proposal,
                                  gen:<type>:<slug>, becomes a real entry in overrides.yaml)
    pick:ID   (or just ID)        link to the gazetteer entry ID
    reject                        never link this written form to the proposed entry
    ignore                        not a name: never linked nor queued again
    new:Canonical Name | type=place | kind=village | parent=ID | country=UA
                                  a new entry (options default to the row's type and kind)
    split:Part one | Part two     the span is several names; the next run sees each part alone
    (empty)                       decide later

`parse_decision` turns one string into a Decision or raises DecisionError with a message fit
to follow "row N: "; `read_decisions` reads every row of either file, cells checked (control
characters, oversized cells, line breaks), each problem named by its row or line.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal

from transnorm.review.queue import unneutralise_cell

Action = Literal["skip", "accept", "pick", "reject", "ignore", "new", "split"]
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
KIND_RE = re.compile(r"[a-z][a-z0-9-]*")
COUNTRY_RE = re.compile(r"[A-Z]{2}")
NEW_OPTIONS = ("type", "kind", "parent", "country")
SEPARATOR = "|"
REQUIRED_APPLY_COLUMNS = ("surface", "language", "decision")
FIELDS = ("surface", "language", "type", "kind", "proposed_gazetteer_id", "proposed_canonical", "decision")
DEFAULT_LANGUAGES = ("en", "ru", "uk", "other", "und")  # detect.languages, `other`, and `und` (unreadable)
# Longest value a field may hold: a name is a few words; a spreadsheet cell of megabytes is a mistake.
MAX_CHARS = {"surface": 1000, "proposed_canonical": 1000, "decision": 2000}
MAX_CHARS_OTHER = 200
CSV_FIELD_LIMIT = 64 * 1024 * 1024  # read oversized cells to report them, rather than fail mid-file
# Control characters (tab, line feed and carriage return aside), DEL, C1 controls, surrogates and
# Unicode non-characters: never in a name the pipeline found, and not writable in YAML.
_NONCHARS = "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
BAD_CHAR_RE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff{_NONCHARS}]")
ONE_LINE = FIELDS[:5]  # surface, language, type, kind, proposed_gazetteer_id: no line breaks in these


class ReviewError(ValueError):
    """The decisions file has bad rows; `errors` lists every one (nothing was written)."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class DecisionError(ValueError):
    """A decision string that does not parse; the message says what is expected."""


@dataclass(frozen=True)
class Decision:
    action: Action
    gazetteer_id: str | None = None  # pick
    canonical: str | None = None  # new
    type: str | None = None  # new: given explicitly
    kind: str | None = None
    parent: str | None = None
    country: str | None = None
    parts: tuple[str, ...] = ()  # split


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def parse_decision(text: str) -> Decision:
    """One decision string (already stripped of spreadsheet quoting) as a Decision."""
    s = _squash(text)
    if not s:
        return Decision("skip")
    low = s.lower()
    if low in ("accept", "reject", "ignore"):
        return Decision(low)  # type: ignore[arg-type]
    head, colon, rest = s.partition(":")
    head = head.strip().lower()
    if colon and head == "pick":
        gid = rest.strip()
        if not ID_RE.fullmatch(gid):
            raise DecisionError(f"'pick:' needs a gazetteer id, e.g. pick:ua-city-kyiv, not {rest.strip()!r}")
        return Decision("pick", gazetteer_id=gid)
    if colon and head == "new":
        return _parse_new(rest)
    if colon and head == "split":
        parts = tuple(_squash(p) for p in rest.split(SEPARATOR))
        if len(parts) < 2 or not all(parts):
            raise DecisionError("'split:' needs two or more parts separated by '|', "
                                "e.g. split:Берёзовка | Иван Сидоренко")
        return Decision("split", parts=parts)
    if ID_RE.fullmatch(s) and head not in ("new", "split", "pick"):
        return Decision("pick", gazetteer_id=s)
    raise DecisionError(f"malformed decision {s!r}; use accept, reject, ignore, pick:ID (or the id), "
                        "new:Canonical Name, or split:Part | Part")


def _parse_new(rest: str) -> Decision:
    canonical, *options = [p.strip() for p in rest.split(SEPARATOR)]
    if not canonical:
        raise DecisionError("'new:' needs a canonical name, e.g. new:Ivan Petrenko | type=person")
    found: dict[str, str] = {}
    for opt in options:
        key, eq, value = opt.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not eq or key not in NEW_OPTIONS:
            raise DecisionError(f"'new:' option {opt!r} is not one of {', '.join(k + '=...' for k in NEW_OPTIONS)}")
        if key in found:
            raise DecisionError(f"'new:' option {key}= is given twice")
        found[key] = value
    if "type" in found and found["type"] not in ("place", "person"):
        raise DecisionError(f"'new:' type must be place or person, not {found['type']!r}")
    if "kind" in found and not KIND_RE.fullmatch(found["kind"]):
        raise DecisionError(f"'new:' kind must be a word such as village, raion or person, not {found['kind']!r}")
    if "parent" in found and not ID_RE.fullmatch(found["parent"]):
        raise DecisionError(f"'new:' parent must be a gazetteer id, not {found['parent']!r}")
    if "country" in found:
        found["country"] = found["country"].upper()
        if not COUNTRY_RE.fullmatch(found["country"]):
            raise DecisionError(f"'new:' country must be a two-letter code such as UA, not {found['country']!r}")
    return Decision("new", canonical=canonical, type=found.get("type"), kind=found.get("kind"),
                    parent=found.get("parent"), country=found.get("country"))


def format_decision(d: Decision) -> str:
    """The string that parses back to `d` (what report.js writes for the same choice)."""
    if d.action in ("skip",):
        return ""
    if d.action in ("accept", "reject", "ignore"):
        return d.action
    if d.action == "pick":
        return f"pick:{d.gazetteer_id}"
    if d.action == "split":
        return "split:" + f" {SEPARATOR} ".join(d.parts)
    opts = [f"{k}={getattr(d, k)}" for k in NEW_OPTIONS if getattr(d, k)]
    return "new:" + f" {SEPARATOR} ".join([d.canonical or "", *opts])


@dataclass(slots=True)
class Row:
    """One decision as read from a CSV row or a JSONL line, cells cleaned."""

    n: int  # spreadsheet row (header = 1) or file line
    surface: str
    lang: str
    type: str
    kind: str
    proposed: str
    proposed_canonical: str
    decision: str


# ------------------------------------------------------------------ reading


def _read_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewError([f"{path}: not UTF-8 ({exc.reason}); save it as 'CSV UTF-8'"]) from exc
    except OSError as exc:
        raise ReviewError([f"{path}: cannot read: {exc}"]) from exc


def is_jsonl(path: Path, text: str) -> bool:
    """The decisions file report.html exports (one JSON object per line), or a CSV?"""
    return Path(path).suffix.lower() in (".jsonl", ".json", ".ndjson") or text.lstrip()[:1] == "{"


def _csv_rows(path: Path, text: str, errors: list[tuple[int, str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    first = text.split("\n", 1)[0]
    delim = max((",", ";", "\t"), key=first.count)  # spreadsheets in comma-decimal locales save with ';'
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delim)
    old_limit = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED_APPLY_COLUMNS if c not in header]
        if missing:
            raise ReviewError([f"{path}: missing column(s) {', '.join(missing)}"])
        reader.fieldnames = header
        n = 1
        while True:
            try:
                raw = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a cell over CSV_FIELD_LIMIT: the rest cannot be read reliably
                errors.append((n + 1, f"row {n + 1}: {exc}; nothing after it was read"))
                return
            n += 1
            yield n, raw
    finally:
        csv.field_size_limit(old_limit)


def _jsonl_rows(text: str, errors: list[tuple[int, str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except ValueError as exc:
            errors.append((n, f"line {n}: not a JSON object ({exc})"))
            continue
        if not isinstance(raw, dict):
            errors.append((n, f"line {n}: not a JSON object"))
            continue
        missing = [c for c in REQUIRED_APPLY_COLUMNS if c not in raw]
        if missing:
            errors.append((n, f"line {n}: missing field(s) {', '.join(missing)}"))
            continue
        yield n, raw


def _clean(n: int, where: str, raw: dict[str, Any], errors: list[tuple[int, str]]) -> Row | None:
    """The row's fields as checked strings, or None after recording what is wrong with them."""
    cells = [raw.get(k) or "" for k in FIELDS]
    if (all(type(v) is str for v in cells) and not BAD_CHAR_RE.search("".join(cells))  # the usual row, at once
            and all(len(v) <= MAX_CHARS.get(k, MAX_CHARS_OTHER) for k, v in zip(FIELDS, cells))
            and not any("\n" in v or "\r" in v for v in cells[:len(ONE_LINE)])):
        return Row(n, *(unneutralise_cell(v.strip()).strip() for v in cells))
    values: dict[str, str] = {}
    bad = []
    for key in FIELDS:
        v = raw.get(key)
        if v is None:
            v = ""
        if not isinstance(v, str):
            bad.append(f"{key} must be text, not {type(v).__name__}")
            continue
        limit = MAX_CHARS.get(key, MAX_CHARS_OTHER)
        if len(v) > limit:
            bad.append(f"{key} is {len(v):,} characters long (at most {limit:,})")
            continue
        m = BAD_CHAR_RE.search(v)
        if m:
            bad.append(f"{key} contains the control character or non-character U+{ord(m.group()):04X} "
                       f"at character {m.start() + 1}")
            continue
        if key in ONE_LINE and ("\n" in v or "\r" in v):
            bad.append(f"{key} spans several lines")
            continue
        values[key] = unneutralise_cell(v.strip()).strip()
    if bad:
        errors.append((n, f"{where}: " + "; ".join(bad)))
        return None
    return Row(n, values["surface"], values["language"], values["type"], values["kind"],
               values["proposed_gazetteer_id"], values["proposed_canonical"], values["decision"])


def read_decisions(path: Path) -> tuple[list[Row], list[tuple[int, str]], str]:
    """Every row of a review.csv or decisions file, the errors of the ones that cannot be read,
    and the word for a row in messages ("row" in a CSV, "line" in a decisions file)."""
    text = _read_text(path)
    errors: list[tuple[int, str]] = []
    word = "line" if is_jsonl(path, text) else "row"
    raw_rows = _jsonl_rows(text, errors) if word == "line" else _csv_rows(path, text, errors)
    rows = []
    for n, raw in raw_rows:
        row = _clean(n, f"{word} {n}", raw, errors)
        if row is not None:
            rows.append(row)
    return rows, errors, word
