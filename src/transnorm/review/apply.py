"""`transnorm review apply`: a filled-in review.csv, or the decisions file report.html exports,
folded into gazetteers/overrides.yaml.

Every row is checked first (unknown id, malformed decision, a cell a spreadsheet mangled, a
control character, a language nobody detects); any error names its row and nothing is written.
Then the decisions merge with the earlier ones (a newer decision on the same written form
replaces the older) and the file is written atomically. Everything is keyed in dicts, so
350,000 rows apply in seconds (benchmarks/bench_review_apply.py).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from transnorm.gazetteer.entries import TYPES, Entry
from transnorm.gazetteer.overrides import (
    GENERATED_ID_PREFIX,
    OverrideIgnore,
    OverrideLink,
    Overrides,
    OverrideSplit,
    load_overrides,
    split_boundaries,
    write_overrides,
)
from transnorm.gazetteer.schema import GazetteerError
from transnorm.review.decisions import (
    DEFAULT_LANGUAGES,
    Decision,
    DecisionError,
    ReviewError,
    Row,
    parse_decision,
    read_decisions,
)
from transnorm.text.fold import WORD_RE

GEN_ID_RE = re.compile(r"gen:(place|person):([a-z0-9][a-z0-9-]*)")


@dataclass
class ApplySummary:
    """What `apply_review` changed, for the CLI to print."""

    rows: int = 0
    skipped: int = 0  # empty decision
    accepted: int = 0  # new accept links written
    rejected: int = 0  # new reject links written
    created: int = 0  # new entries written
    ignored: int = 0  # new "not a name" decisions
    split: int = 0  # new split rules
    unchanged: int = 0  # decisions already in overrides.yaml
    superseded: list[str] = field(default_factory=list)  # older decisions this file replaced
    path: Path | None = None


def slugify(name: str) -> str:
    """ASCII id fragment for a new entry; a hash when nothing Latin is left (e.g. Cyrillic)."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "x" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


# ------------------------------------------------------------------ checking


@dataclass
class _Plan:
    """The decisions of one file, checked and keyed, before they meet overrides.yaml."""

    finals: dict[tuple[str, str], tuple[int, tuple]] = field(default_factory=dict)  # key -> (row, decision)
    rejects: dict[tuple[str, str, str], int] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)  # new or extended entries
    entry_rows: dict[str, int] = field(default_factory=dict)
    skipped: int = 0


class _Gazetteer:
    """What apply asks of the gazetteer: does an id exist, and (when known) its entry."""

    def __init__(self, gaz: Any):
        if hasattr(gaz, "by_id") and hasattr(gaz, "get"):  # a compiled Index
            self.ids, self.get = gaz.by_id, gaz.get
        elif isinstance(gaz, Mapping):
            self.ids, self.get = gaz, gaz.get
        else:
            self.ids, self.get = set(gaz), (lambda _gid: None)


def _plan(rows: list[Row], gaz: _Gazetteer, own: dict[str, Entry], languages: frozenset[str],
          err, word: str = "row") -> _Plan:
    plan = _Plan()
    where = lambda n: f"{word} {n}"  # noqa: E731
    known = lambda gid: gid in gaz.ids or gid in own or gid in plan.entries  # noqa: E731

    def final(row: Row, decision: tuple) -> None:
        key = (row.surface, row.lang)
        prev = plan.finals.get(key)
        if prev and prev[1] != decision:
            err(row.n, f"{row.surface!r} ({row.lang}) is decided differently on {where(prev[0])}")
            return
        plan.finals.setdefault(key, (row.n, decision))

    for row in rows:
        try:
            d = parse_decision(row.decision)
        except DecisionError as exc:
            err(row.n, str(exc))
            continue
        if d.action == "skip":
            plan.skipped += 1
            continue
        if not WORD_RE.search(row.surface):  # what the matcher could ever see as a name
            err(row.n, "surface must hold a name (letters or digits)")
            continue
        if row.lang not in languages:
            err(row.n, f"language {row.lang!r} is not one of {', '.join(sorted(languages))}")
            continue
        if d.action in ("accept", "reject"):
            if not row.proposed:
                err(row.n, f"'{d.action}' but the row proposes no entry (proposed_gazetteer_id is empty); "
                    "write ignore (not a name), new:Canonical Name, or pick:ID")
                continue
            gen = row.proposed.startswith(GENERATED_ID_PREFIX)
            if gen and not GEN_ID_RE.fullmatch(row.proposed):
                err(row.n, f"malformed generated id {row.proposed!r} (expected gen:place:<slug> or gen:person:<slug>)")
                continue
            if not gen and not known(row.proposed):
                err(row.n, f"unknown gazetteer id {row.proposed!r} in proposed_gazetteer_id")
                continue
            if d.action == "reject":
                plan.rejects.setdefault((row.surface, row.lang, row.proposed), row.n)
            elif gen:
                _entry_decision(row, _generated_entry(row, err), plan, gaz, own, err, final)
            else:
                final(row, ("link", row.proposed))
        elif d.action == "pick":
            gid = d.gazetteer_id or ""
            if gid.startswith(GENERATED_ID_PREFIX):
                if gid != row.proposed:
                    err(row.n, f"{gid!r} is not this row's generated proposal; write accept to take it")
                    continue
                _entry_decision(row, _generated_entry(row, err), plan, gaz, own, err, final)
            elif not known(gid):
                err(row.n, f"unknown gazetteer id {gid!r} in decision")
            else:
                final(row, ("link", gid))
        elif d.action == "ignore":
            final(row, ("ignore",))
        elif d.action == "split":
            if split_boundaries(row.surface, d.parts) is None:
                err(row.n, f"the parts {' | '.join(d.parts)!r} are not the words of {row.surface!r} in order")
                continue
            final(row, ("split", d.parts))
        else:  # new
            _entry_decision(row, _new_entry(row, d, gaz, plan, own, err), plan, gaz, own, err, final)
    for (surface, lang, gid), n in plan.rejects.items():
        prev = plan.finals.get((surface, lang))
        if prev and prev[1][0] in ("link", "entry") and prev[1][1] == gid:
            err(n, f"{surface!r} ({lang}) is both linked to and rejected for {gid!r} ({where(prev[0])})")
    return plan


def _generated_entry(row: Row, err) -> Entry | None:
    """The entry a generated proposal (gen:<type>:<slug>) becomes when a reviewer accepts it."""
    etype = GEN_ID_RE.fullmatch(row.proposed).group(1)  # type: ignore[union-attr]
    canonical = re.sub(r"\s+", " ", row.proposed_canonical).strip()
    if not canonical:
        err(row.n, "accepting a generated name needs its proposed_canonical (the spelling to keep)")
        return None
    kind = row.kind or ("person" if etype == "person" else "place")
    return Entry(id="review-" + slugify(canonical), type=etype, kind=kind, canonical=canonical, source="review")


def _new_entry(row: Row, d: Decision, gaz: _Gazetteer, plan: _Plan, own: dict[str, Entry], err) -> Entry | None:
    etype = d.type or row.type
    if etype not in TYPES:
        err(row.n, f"'new:' needs a type: add '| type=place' or '| type=person' (the type column says {etype!r})")
        return None
    kind = d.kind or (row.kind if row.type == etype and row.kind else ("person" if etype == "person" else "place"))
    if etype == "person" and kind != "person":
        err(row.n, f"a person's kind is 'person', not {kind!r}")
        return None
    country = d.country
    if d.parent:
        parent = gaz.get(d.parent) if d.parent in gaz.ids else own.get(d.parent) or plan.entries.get(d.parent)
        if d.parent not in gaz.ids and parent is None:
            err(row.n, f"unknown parent id {d.parent!r}")
            return None
        country = country or getattr(parent, "country", None)
    return Entry(id="review-" + slugify(d.canonical or ""), type=etype, kind=kind, canonical=d.canonical or "",
                 parent=d.parent, country=country, source="review")


def _entry_decision(row: Row, spec: Entry | None, plan: _Plan, gaz: _Gazetteer, own: dict[str, Entry],
                    err, final) -> None:
    """A new entry (or one an earlier review created) with this row's surface as an alias."""
    if spec is None:
        return
    eid = spec.id
    if eid in gaz.ids and eid not in own:
        err(row.n, f"new entry id {eid!r} already exists in the gazetteer; write pick:{eid} instead")
        return
    made = plan.entries.get(eid)
    if made is not None:
        same = (made.canonical, made.type, made.kind, made.parent) == (spec.canonical, spec.type, spec.kind,
                                                                        spec.parent)
        if not same:
            err(row.n, f"new entry id {eid!r} is already {made.canonical!r} ({made.type}, {made.kind}) "
                f"from an earlier row ({plan.entry_rows[eid]})")
            return
    else:
        old = own.get(eid)
        if old is not None and (old.canonical, old.type) != (spec.canonical, spec.type):
            err(row.n, f"new entry id {eid!r} is already used by {old.canonical!r} ({old.type}) at {old.origin}")
            return
        if old is not None:  # extend the entry an earlier review created; explicit kind/parent win
            made = replace(old, aliases={k: list(v) for k, v in old.aliases.items()},
                           kind=spec.kind if spec.kind not in ("place", "person") else old.kind,
                           parent=spec.parent or old.parent, country=spec.country or old.country)
        else:
            made = spec
        plan.entries[eid] = made
        plan.entry_rows[eid] = row.n
    names = made.aliases.setdefault(row.lang, [])
    if row.surface not in names:
        names.append(row.surface)
    final(row, ("entry", eid))


# ------------------------------------------------------------------ merging


def _merge(existing: Overrides, plan: _Plan, summary: ApplySummary) -> Overrides:
    """Newer decisions replace contradicting older ones; exact repeats are counted unchanged."""
    accept = {(a.surface, a.lang): a for a in existing.accept}
    reject = {(r.surface, r.lang, r.gazetteer_id): r for r in existing.reject}
    ignore = {(i.surface, i.lang): i for i in existing.ignore}
    split = {(s.surface, s.lang): s for s in existing.split}
    entries = {e.id: e for e in existing.entries}
    alias_of: dict[tuple[str, str], set[str]] = {}  # (surface, lang) -> own entries listing it
    for e in existing.entries:
        for lang, names in e.aliases.items():
            for name in names:
                alias_of.setdefault((name, lang), set()).add(e.id)
    note = summary.superseded.append

    def clear(key: tuple[str, str], n: int, keep_link: str | None = None, keep_entry: str | None = None) -> None:
        """Drop the older decisions on `key` that the one on row n replaces."""
        surface, lang = key
        old = accept.get(key)
        if old is not None and old.gazetteer_id != keep_link:
            del accept[key]
            note(f"accept {surface!r} ({lang}) -> {old.gazetteer_id} replaced (row {n})")
        if ignore.pop(key, None) is not None:
            note(f"ignore {surface!r} ({lang}) replaced (row {n})")
        if split.pop(key, None) is not None:
            note(f"split {surface!r} ({lang}) replaced (row {n})")
        for eid in sorted(alias_of.get(key, ())):
            if eid != keep_entry and eid in entries:
                e = entries[eid]
                entries[eid] = replace(e, aliases={k: [x for x in v if not (k == lang and x == surface)]
                                                   for k, v in e.aliases.items()})
                note(f"entry {eid}: alias {surface!r} ({lang}) removed (row {n})")
        alias_of.pop(key, None)

    for key, (n, d) in sorted(plan.finals.items(), key=lambda kv: kv[1][0]):
        surface, lang = key
        if d[0] == "link":
            gid = d[1]
            unchanged = key in accept and accept[key].gazetteer_id == gid
            clear(key, n, keep_link=gid)
            if reject.pop((surface, lang, gid), None) is not None:
                note(f"reject {surface!r} ({lang}) -> {gid} dropped, row {n} accepts it")
            if unchanged:
                summary.unchanged += 1
            else:
                accept[key] = OverrideLink(surface, lang, gid)
                summary.accepted += 1
        elif d[0] == "entry":
            clear(key, n, keep_entry=d[1])
            if reject.pop((surface, lang, d[1]), None) is not None:
                note(f"reject {surface!r} ({lang}) -> {d[1]} dropped, row {n} accepts it")
        elif d[0] == "ignore":
            if key in ignore:
                summary.unchanged += 1
                continue
            clear(key, n)
            ignore[key] = OverrideIgnore(surface, lang)
            summary.ignored += 1
        else:  # split
            rule = OverrideSplit(surface, lang, tuple(d[1]))
            if split.get(key) == rule:
                summary.unchanged += 1
                continue
            clear(key, n)
            split[key] = rule
            summary.split += 1
    for (surface, lang, gid), n in sorted(plan.rejects.items(), key=lambda kv: kv[1]):
        key = (surface, lang)
        if key in accept and accept[key].gazetteer_id == gid:
            del accept[key]
            note(f"accept {surface!r} ({lang}) -> {gid} dropped, row {n} rejects it")
        if (surface, lang, gid) in reject:
            summary.unchanged += 1
        else:
            reject[(surface, lang, gid)] = OverrideLink(surface, lang, gid)
            summary.rejected += 1
    for eid, e in plan.entries.items():
        if eid in entries:
            if entries[eid].aliases != e.aliases:
                note(f"entry {eid}: aliases extended")
        else:
            summary.created += 1
        entries[eid] = e
    return Overrides(list(accept.values()), list(reject.values()), list(entries.values()),
                     list(ignore.values()), list(split.values()))


def apply_review(
    path: Path,
    gazetteer: Any,
    overrides_path: Path,
    languages: tuple[str, ...] | frozenset[str] = DEFAULT_LANGUAGES,
) -> ApplySummary:
    """Validate every row of a filled-in review.csv or decisions file, then merge it into overrides.yaml.

    `gazetteer`: the compiled Index, a Mapping id -> Entry, or a set of ids. All-or-nothing: one
    bad row raises ReviewError listing every bad row, and the overrides file is left untouched.
    CSV rows are numbered as a spreadsheet shows them (header = row 1); decisions-file rows by line.
    A newer decision on the same surface replaces an older one.
    """
    overrides_path = Path(overrides_path)
    try:
        existing = load_overrides(overrides_path)
    except GazetteerError as exc:
        raise ReviewError([f"cannot merge into {overrides_path}: {exc}"]) from exc
    rows, errors, word = read_decisions(path)

    def err(n: int, msg: str) -> None:
        errors.append((n, f"{word} {n}: {msg}"))

    own = {e.id: e for e in existing.entries}
    plan = _plan(rows, _Gazetteer(gazetteer), own, frozenset(languages), err, word)
    if errors:
        raise ReviewError([f"{path}: {msg}" for _, msg in sorted(errors, key=lambda e: e[0])])
    summary = ApplySummary(rows=len(rows), skipped=plan.skipped, path=overrides_path)
    write_overrides(_merge(existing, plan, summary), overrides_path)
    return summary
