"""`transnorm review apply`: a filled-in review.csv folded into gazetteers/overrides.yaml.

Every row is checked first (unknown id, malformed decision, a cell a spreadsheet mangled); any
error names its row and nothing is written. Then the decisions merge with the earlier ones
(a newer decision on the same written form replaces the older) and the file is written atomically.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from transnorm.gazetteer.entries import TYPES, Entry
from transnorm.gazetteer.overrides import (
    OverrideLink,
    Overrides,
    load_overrides,
    write_overrides,
)
from transnorm.gazetteer.schema import GazetteerError
from transnorm.review.queue import unneutralise_cell

REQUIRED_APPLY_COLUMNS = ("surface", "language", "type", "proposed_gazetteer_id", "decision")


class ReviewError(ValueError):
    """The review CSV has bad rows; `errors` lists every one (nothing was written)."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ApplySummary:
    """What `apply_review` changed, for the CLI to print."""

    rows: int = 0
    skipped: int = 0  # empty decision
    accepted: int = 0  # new accept links written
    rejected: int = 0  # new reject links written
    created: int = 0  # new entries written
    unchanged: int = 0  # decisions already in overrides.yaml
    superseded: list[str] = field(default_factory=list)  # older decisions this file replaced
    path: Path | None = None


def slugify(name: str) -> str:
    """ASCII id fragment for a new entry; a hash when nothing Latin is left (e.g. Cyrillic)."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "x" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def _read_csv_rows(csv_path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        text = Path(csv_path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewError([f"{csv_path}: not UTF-8 ({exc.reason}); save it as 'CSV UTF-8'"]) from exc
    except OSError as exc:
        raise ReviewError([f"{csv_path}: cannot read: {exc}"]) from exc
    first = text.split("\n", 1)[0]
    # Spreadsheets in comma-decimal locales save with ';'.
    delim = max((",", ";", "\t"), key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delim)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    return header, list(reader)


def apply_review(
    csv_path: Path,
    gazetteer_ids: set[str] | Mapping[str, Entry],
    overrides_path: Path,
) -> ApplySummary:
    """Validate every row of a filled-in review CSV, then merge it into overrides.yaml.

    All-or-nothing: one bad row raises ReviewError listing every bad row, and the
    overrides file is left untouched. Row numbers are as a spreadsheet shows them
    (header = row 1). A newer decision on the same surface replaces an older one.
    """
    overrides_path = Path(overrides_path)
    try:
        existing = load_overrides(overrides_path)
    except GazetteerError as exc:
        raise ReviewError([f"cannot merge into {overrides_path}: {exc}"]) from exc
    header, rows = _read_csv_rows(csv_path)
    missing = [c for c in REQUIRED_APPLY_COLUMNS if c not in header]
    if missing:
        raise ReviewError([f"{csv_path}: missing column(s) {', '.join(missing)}"])

    base_ids = set(gazetteer_ids)
    own_entries = {e.id: e for e in existing.entries}
    errors: list[tuple[int, str]] = []
    parsed: list[tuple[int, str, str, str, str, str]] = []  # row, action, surface, lang, id, type
    new_entries: dict[str, Entry] = {}
    new_rows: dict[str, int] = {}

    def err(n: int, msg: str) -> None:
        errors.append((n, f"{csv_path}: row {n}: {msg}"))

    # Pass 1: syntax, and the entries this file creates (other rows may link to them).
    for n, row in enumerate(rows, start=2):
        cell = lambda k: unneutralise_cell((row.get(k) or "").strip()).strip()  # noqa: E731
        decision, surface, lang, etype = cell("decision"), cell("surface"), cell("language"), cell("type")
        proposed = cell("proposed_gazetteer_id")
        if not decision:
            parsed.append((n, "skip", surface, lang, "", etype))
            continue
        if not surface or not lang:
            err(n, "surface and language must not be empty")
            continue
        low = decision.lower()
        if low == "accept":
            if not proposed:
                err(n, "'accept' but the row has no proposed_gazetteer_id; write the gazetteer id instead")
                continue
            parsed.append((n, "accept", surface, lang, proposed, etype))
        elif low == "reject":
            if not proposed:
                err(n, "'reject' but the row has no proposed_gazetteer_id")
                continue
            parsed.append((n, "reject", surface, lang, proposed, etype))
        elif low.startswith("new:"):
            canonical = re.sub(r"\s+", " ", decision[4:]).strip()
            if not canonical:
                err(n, "'new:' needs a canonical name, e.g. new:Ivan Petrenko")
                continue
            if etype not in TYPES:
                err(n, f"'new:' needs the type column to be one of {sorted(TYPES)}, not {etype!r}")
                continue
            eid = "review-" + slugify(canonical)
            prev = new_entries.get(eid) or own_entries.get(eid)
            if eid in base_ids and eid not in own_entries:
                err(n, f"new entry id {eid!r} already exists in the gazetteer; write {eid} as the decision")
                continue
            if prev and (prev.canonical != canonical or prev.type != etype):
                err(n, f"new entry id {eid!r} is already used by {prev.canonical!r} ({prev.type})"
                    + (f" on row {new_rows[eid]}" if eid in new_rows else f" at {prev.origin}"))
                continue
            if eid not in new_entries:
                src = own_entries.get(eid)
                if src:  # extend the entry an earlier review created
                    new_entries[eid] = replace(src, aliases={k: list(v) for k, v in src.aliases.items()})
                else:
                    new_entries[eid] = Entry(id=eid, type=etype, kind="person" if etype == "person" else "place",
                                             canonical=canonical, source="review")
                new_rows[eid] = n
            names = new_entries[eid].aliases.setdefault(lang, [])
            if surface not in names:
                names.append(surface)
            parsed.append((n, "new", surface, lang, eid, etype))
        elif re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", decision):
            parsed.append((n, "link", surface, lang, decision, etype))
        else:
            err(n, f"malformed decision {decision!r}; use accept, reject, a gazetteer id or new:Canonical Name")

    # Pass 2: ids exist, and rows do not contradict each other.
    known = base_ids | set(own_entries) | set(new_entries)
    link_of: dict[tuple[str, str], tuple[int, str]] = {}
    reject_of: dict[tuple[str, str, str], int] = {}
    for n, action, surface, lang, gid, _ in parsed:
        if action in ("skip", "new"):
            continue
        if gid not in known:
            what = "proposed_gazetteer_id" if action in ("accept", "reject") else "decision"
            err(n, f"unknown gazetteer id {gid!r} in {what}")
            continue
        key = (surface, lang)
        if action == "reject":
            reject_of.setdefault((surface, lang, gid), n)
        else:
            prev = link_of.get(key)
            if prev and prev[1] != gid:
                err(n, f"{surface!r} ({lang}) is linked to {prev[1]!r} on row {prev[0]} and to {gid!r} here")
                continue
            link_of.setdefault(key, (n, gid))
    for (surface, lang, gid), n in reject_of.items():
        if link_of.get((surface, lang), (0, None))[1] == gid:
            err(n, f"{surface!r} ({lang}) is both linked to and rejected for {gid!r} "
                f"(row {link_of[(surface, lang)][0]})")
    if errors:
        raise ReviewError([msg for _, msg in sorted(errors, key=lambda e: e[0])])

    # Merge: newer decisions replace contradicting older ones; exact repeats are no-ops.
    summary = ApplySummary(rows=len(rows), path=overrides_path)
    summary.skipped = sum(1 for p in parsed if p[1] == "skip")
    accept = list(existing.accept)
    reject = list(existing.reject)
    for (surface, lang), (n, gid) in sorted(link_of.items(), key=lambda kv: kv[1][0]):
        link = OverrideLink(surface, lang, gid)
        keep = []
        for old in accept:
            if (old.surface, old.lang) == (surface, lang) and old.gazetteer_id != gid:
                summary.superseded.append(
                    f"accept {surface!r} ({lang}) -> {old.gazetteer_id} replaced by {gid} (row {n})")
            else:
                keep.append(old)
        accept = keep
        if link in reject:
            reject.remove(link)
            summary.superseded.append(f"reject {surface!r} ({lang}) -> {gid} dropped, row {n} accepts it")
        if link in accept:
            summary.unchanged += 1
        else:
            accept.append(link)
            summary.accepted += 1
    for (surface, lang, gid), n in sorted(reject_of.items(), key=lambda kv: kv[1]):
        link = OverrideLink(surface, lang, gid)
        if link in accept:
            accept.remove(link)
            summary.superseded.append(f"accept {surface!r} ({lang}) -> {gid} dropped, row {n} rejects it")
        if link in reject:
            summary.unchanged += 1
        else:
            reject.append(link)
            summary.rejected += 1
    entries = []
    for e in existing.entries:
        if e.id in new_entries:
            if new_entries[e.id].aliases != e.aliases:
                summary.superseded.append(f"entry {e.id}: aliases extended")
            entries.append(new_entries.pop(e.id))
        else:
            entries.append(e)
    summary.created = len(new_entries)
    entries.extend(new_entries.values())
    write_overrides(Overrides(accept, reject, entries), overrides_path)
    return summary
