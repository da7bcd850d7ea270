"""Human review loop: export undecided names to CSV, fold the decisions into overrides.yaml.

A reviewer decides once per distinct (surface, language), not once per occurrence, so
`review_groups` is shared with the HTML report: the queue a person sees there is exactly
the rows of the CSV. Decisions land in `gazetteers/overrides.yaml`, which the matcher
reads with `load_overrides` on the next run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import yaml

from .gazetteer import TYPES, Entry, GazetteerError, entry_from_mapping, load_yaml
from .files import atomic_open, atomic_write_text
from .records import Candidate, Entity, Record

NEEDS_DECISION = ("review", "unresolved")
CONTEXT_CHARS = 60
MAX_CANDIDATES = 5

CSV_COLUMNS = [
    "surface", "language", "type", "count", "example_context", "proposed_gazetteer_id",
    "proposed_canonical", "candidates", "decision",
]
REQUIRED_APPLY_COLUMNS = ("surface", "language", "type", "proposed_gazetteer_id", "decision")
# A spreadsheet treats a cell starting with one of these as a formula (or strips it).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- grouping


@dataclass(slots=True)
class Mention:
    """One entity occurrence with the side of the record it is on (shared with the report)."""

    lang: str  # language of the text the surface was found in ("en" for entities_en)
    english_side: bool  # True when found in text_en
    entity: Entity


@dataclass
class ReviewGroup:
    """Every occurrence of one (surface, lang) that still needs a human decision."""

    surface: str
    lang: str
    type: str  # most common entity type among the occurrences
    count: int
    statuses: dict[str, int]
    proposed_id: str | None
    proposed_canonical: str | None
    candidates: list[Candidate]  # best score per gazetteer id over all occurrences
    docs: int  # distinct documents it occurs in
    context_parts: tuple[str, str, str]  # (left, surface, right) around the first occurrence

    @property
    def example_context(self) -> str:
        """The first occurrence in plain text, the surface in [brackets] (review.csv, artifacts)."""
        left, mid, right = self.context_parts
        return f"{left}[{mid}]{right}"


def record_mentions(rec: Record) -> Iterator[Mention]:
    """The mentions of one record, an English-side span that repeats a source span dropped.

    English documents may list the same span in `entities` and `entities_en`; counting it
    twice would double every number in the report.
    """
    seen: set[tuple[bool, int, int]] = set()
    # An English-side span is a repeat when text_en is the very same text.
    en_is_src = rec.text_en == rec.text
    for english_side, ents in ((False, rec.entities), (True, rec.entities_en)):
        text = rec.text_en if english_side else rec.text
        if text is None:
            continue
        lang = "en" if english_side else (rec.lang or "und")
        for ent in ents:
            key = (english_side and not en_is_src, ent.start, ent.end)
            if key not in seen:
                seen.add(key)
                yield Mention(lang, english_side, ent)


def context_of(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """(left, mention, right) around a span; whitespace collapsed so it fits one cell."""
    a, b = max(0, start - width), min(len(text), end + width)
    left = ("…" if a > 0 else "") + text[a:start]
    right = text[end:b] + ("…" if b < len(text) else "")
    squash = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    return squash(left), squash(text[start:end]), squash(right)


def needs_decision(m: Mention) -> bool:
    """Review and unresolved mentions need a person; aligned English copies follow their source."""
    return m.entity.status in NEEDS_DECISION and not (m.english_side and m.entity.method == "aligned")


class ReviewSpool:
    """Undecided mentions gathered on disk (SQLite) while a run streams, grouped at the end.

    A run over a gigabyte of news has millions of mentions and hundreds of thousands of
    distinct unknown names; holding them would make memory grow with the corpus. SQLite
    keeps one row per undecided mention in a temp file and does the grouping and sorting
    on disk, so memory stays flat however big the run.
    """

    def __init__(self, folder: Path | None = None):
        fd, self.path = tempfile.mkstemp(prefix=".review-spool.", suffix=".sqlite", dir=folder)
        os.close(fd)
        self.con = sqlite3.connect(self.path)
        self.con.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;
            PRAGMA cache_size = -16000;
            CREATE TABLE m (surface TEXT, lang TEXT, type TEXT, status TEXT, gid TEXT, canonical TEXT,
                            cands TEXT, doc INTEGER);
            CREATE TABLE ex (surface TEXT, lang TEXT, ctx_before TEXT, ctx_name TEXT, ctx_after TEXT, PRIMARY KEY (surface, lang));
        """)

    def add(self, index: int, rec: Record) -> None:
        """Spool the undecided mentions of the `index`-th record of the run."""
        rows, examples = [], []
        for m in record_mentions(rec):
            if not needs_decision(m):
                continue
            e = m.entity
            rows.append((e.surface, m.lang, e.type, e.status, e.gazetteer_id, e.canonical,
                         json.dumps([[c.gazetteer_id, c.canonical, c.score] for c in e.candidates],
                                    ensure_ascii=False) if e.candidates else None, index))
            text = (rec.text_en if m.english_side else rec.text) or ""
            examples.append((e.surface, m.lang, *context_of(text, e.start, e.end)))  # the first one stays
        if rows:
            self.con.executemany("INSERT INTO m VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.con.executemany("INSERT OR IGNORE INTO ex VALUES (?, ?, ?, ?, ?)", examples)

    def groups(self) -> Iterator[ReviewGroup]:
        """Every (surface, lang) group, most frequent first (then by surface, lang)."""
        self.con.execute("CREATE INDEX IF NOT EXISTS m_key ON m (surface, lang)")
        keys = self.con.execute(
            "SELECT surface, lang, COUNT(*) AS n, COUNT(DISTINCT doc) FROM m GROUP BY surface, lang "
            "ORDER BY n DESC, surface, lang")
        for surface, lang, n, docs in keys:
            rows = self.con.execute("SELECT type, status, gid, canonical, cands FROM m "
                                    "WHERE surface = ? AND lang = ? ORDER BY rowid", (surface, lang))
            context = self.con.execute("SELECT ctx_before, ctx_name, ctx_after FROM ex WHERE surface = ? AND lang = ?",
                                       (surface, lang)).fetchone()
            yield _group(surface, lang, n, docs, rows, context)

    def close(self) -> None:
        self.con.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def __enter__(self) -> "ReviewSpool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _group(surface: str, lang: str, count: int, docs: int, rows: Iterable[tuple],
           context: tuple[str, str, str]) -> ReviewGroup:
    """Fold one group's rows (type, status, gazetteer id, canonical, candidates JSON) into a ReviewGroup."""
    types: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    linked: Counter[str] = Counter()
    canonical_of: dict[str, str] = {}  # first canonical seen per linked id
    best: dict[str, Candidate] = {}
    for type_, status, gid, canonical, cands in rows:
        types[type_] += 1
        statuses[status] += 1
        if gid:
            linked[gid] += 1
            if canonical and gid not in canonical_of:
                canonical_of[gid] = canonical
        for cid, ccanon, score in json.loads(cands) if cands else ():
            if cid not in best or score > best[cid].score:
                best[cid] = Candidate(cid, ccanon, score)
    cands_sorted = sorted(best.values(), key=lambda c: (-c.score, c.gazetteer_id))[:MAX_CANDIDATES]
    proposed_id = proposed_canonical = None
    if linked:
        proposed_id = sorted(linked.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        proposed_canonical = canonical_of.get(proposed_id) or (
            best[proposed_id].canonical if proposed_id in best else None)
    elif cands_sorted:
        proposed_id, proposed_canonical = cands_sorted[0].gazetteer_id, cands_sorted[0].canonical
    return ReviewGroup(
        surface=surface, lang=lang, type=sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))[0][0],
        count=count, statuses=dict(statuses), proposed_id=proposed_id, proposed_canonical=proposed_canonical,
        candidates=cands_sorted, docs=docs, context_parts=tuple(context))


def review_groups(records: Iterable[Record]) -> list[ReviewGroup]:
    """Group undecided mentions by (surface, lang), most frequent first."""
    with ReviewSpool() as spool:
        for i, rec in enumerate(records):
            spool.add(i, rec)
        return list(spool.groups())


# --------------------------------------------------------------------------- CSV export


def neutralise_cell(value: Any) -> str:
    """Prefix a quote to cells a spreadsheet would run as a formula (CSV injection).

    A cell that already starts with a quote gets one too, so `unneutralise_cell` can undo
    exactly what was added.
    """
    s = "" if value is None else str(value)
    if s.startswith(FORMULA_START) or s.startswith("'"):
        return "'" + s
    return s


def unneutralise_cell(value: str | None) -> str:
    """Undo `neutralise_cell`; also fine when Excel already dropped the quote on save."""
    s = value or ""
    if len(s) > 1 and s[0] == "'" and (s[1] in "'" or s[1:].startswith(FORMULA_START)):
        return s[1:]
    return s


def write_review_csv(records: Iterable[Record], path: Path) -> int:
    """Write one row per (surface, lang) needing a decision; returns the row count.

    UTF-8 with BOM because Excel otherwise guesses a legacy code page and mangles Cyrillic.
    """
    return write_review_groups(review_groups(records), path)


def write_review_groups(groups: Iterable[ReviewGroup], path: Path) -> int:
    """write_review_csv for groups already computed or streamed from a ReviewSpool; returns the row count."""
    n = 0
    with atomic_open(Path(path), encoding="utf-8-sig", errors="replace", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(CSV_COLUMNS)
        for g in groups:
            n += 1
            w.writerow([neutralise_cell(v) for v in (
                g.surface, g.lang, g.type, g.count, g.example_context, g.proposed_id or "",
                g.proposed_canonical or "",
                "; ".join(f"{c.gazetteer_id}={c.score:.2f}" for c in g.candidates), "",
            )])
    return n


# --------------------------------------------------------------------------- overrides


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


OVERRIDE_SECTIONS = ("accept", "reject", "entries")
LINK_KEYS = ("surface", "lang", "gazetteer_id")


def load_overrides(path: Path) -> Overrides:
    """Read and validate overrides.yaml; a missing or empty file means no overrides.

    Raises GazetteerError with file and line so a hand edit gone wrong is easy to find.
    """
    path = Path(path)
    if not path.exists():
        return Overrides()
    data = load_yaml(path)
    p = str(path)
    if data is None:
        return Overrides()
    if not isinstance(data, dict):
        raise GazetteerError(p, None, "expected a mapping with 'accept', 'reject' and 'entries' lists")
    unknown = sorted(str(k) for k in data if k not in OVERRIDE_SECTIONS and k != "__line__")
    if unknown:
        raise GazetteerError(p, None, f"unknown section(s) {', '.join(unknown)}; expected accept, reject, entries")
    out = Overrides()
    for section in OVERRIDE_SECTIONS:
        items = data.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            raise GazetteerError(p, None, f"'{section}' must be a list")
        for raw in items:
            if not isinstance(raw, dict):
                raise GazetteerError(p, None, f"{section}: item is not a mapping: {raw!r:.60}")
            if section == "entries":
                out.entries.append(entry_from_mapping(raw, p))
            else:
                getattr(out, section).append(_link_from_mapping(raw, p, section))
    _check_overrides_consistent(out, p)
    return out


def _link_from_mapping(raw: dict, path: str, section: str) -> OverrideLink:
    line = raw.get("__line__")
    unknown = sorted(str(k) for k in raw if k not in LINK_KEYS and k != "__line__")
    if unknown:
        raise GazetteerError(path, line, f"{section}: unknown key(s) {', '.join(unknown)}")
    for key in LINK_KEYS:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise GazetteerError(path, line, f"{section}: missing or empty '{key}' (must be a string)")
    return OverrideLink(raw["surface"].strip(), raw["lang"].strip(), raw["gazetteer_id"].strip(),
                        f"{path}:{line}" if line else path)


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


# --------------------------------------------------------------------------- apply


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
                summary.superseded.append(f"accept {surface!r} ({lang}) -> {old.gazetteer_id} replaced by {gid} (row {n})")
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


# --------------------------------------------------------------------------- YAML writing

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
