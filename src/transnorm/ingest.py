"""Reading inputs: files and folders of .txt/.md, .jsonl and .csv, streamed.

Yields a Document per input document, or an IngestError naming the file (and line)
when something cannot be read. One bad file or line never stops the others.

Memory stays bounded whatever the input: folders are walked lazily (one directory
listing at a time), JSONL and CSV files are read record by record, and a line, field or
file too long to hold a document of `ingest.max_document_chars` is skipped as an error
without being read into memory. Text is never changed (CRLF, lone CR, NUL escapes and
zero-width characters stay, so offsets into `text` are offsets into the input), with
one exception: a lone UTF-16 surrogate written as a JSON escape ("\\ud800") cannot be
stored as UTF-8, so it becomes U+FFFD (one character for one, offsets unchanged) and the
document gets a warning.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import math
import os
import re
import sqlite3
import stat
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from transnorm.config import IngestConfig
from transnorm.ops.ledger import LOCK_FILE, OUT_MARKER
from transnorm.records import Document, Identity, IngestError

log = logging.getLogger(__name__)
TEXT_SUFFIXES = {".txt", ".md"}
OWN_MARKERS = (OUT_MARKER, LOCK_FILE)  # files that make a folder a run's output folder or state folder
SUFFIXES = TEXT_SUFFIXES | {".jsonl", ".csv"}
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


# A JSON string may spend up to 12 bytes on one character ("\ud83d\ude00"); the rest of a
# line (id, lang, meta) gets this much on top.
JSON_BYTES_PER_CHAR = 12
LINE_SLACK = 1 << 20
SKIP_CHUNK = 1 << 20  # bytes read at a time while skipping an over-long line
SURROGATE_RE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def iter_inputs(inputs: Iterable[str | Path], cfg: IngestConfig) -> Iterator[Document | IngestError]:
    """Every document of every input, in a stable order (folders walked sorted), lazily."""
    seen = SeenIds()
    for raw in inputs:
        root = Path(raw)
        if root.is_dir():
            files: Iterable[Path | IngestError] = walk(root)
            base = root
        elif root.exists():
            files, base = [root], root.parent
        else:
            yield _identified(IngestError(str(root), "no such file or folder"), str(root), _resolved(root), seen)
            continue
        for path in files:
            if isinstance(path, IngestError):
                yield _identified(path, path.source, _resolved(Path(path.source)), seen)
                continue
            given, file = str(path), _resolved(path)
            for item in _read_file(path, base, cfg):
                if isinstance(item, Document) and not seen.add(item.id):
                    item.warnings.append(f"duplicate id {item.id!r}: kept, ids in this run are not unique")
                yield _identified(item, given, file, seen)


def _resolved(path: Path) -> str:
    """The file with its folder resolved; a symlinked file stays its link (a loop must not raise)."""
    return os.path.join(os.path.realpath(path.parent), path.name)


def _identified(item: Document | IngestError, given: str, file: str, seen: "SeenIds") -> Document | IngestError:
    """`item` with its Identity: the resolved file, the id (an error row: its place in the file) and
    the how-many-th time that id comes in that file."""
    where = item.source[len(given):] if item.source.startswith(given) else ""
    doc_id = item.id if isinstance(item, Document) else (where or ":")
    item.identity = Identity(file, doc_id, seen.count(file, doc_id), where)
    return item


class SeenIds:
    """The ids read so far in this run, for the duplicate warning, in a private temporary SQLite
    database (on disk, deleted on close): a set of ten million ids would be a gigabyte of memory."""

    def __init__(self) -> None:
        self.con = sqlite3.connect("", check_same_thread=False)
        self.con.execute("CREATE TABLE ids (id BLOB PRIMARY KEY) WITHOUT ROWID")

        self.con.execute("CREATE TABLE per_file (file BLOB, id BLOB, n INTEGER, PRIMARY KEY (file, id)) WITHOUT ROWID")

    def add(self, doc_id: str) -> bool:
        """Record `doc_id`; False when it was already there."""
        key = doc_id.encode("utf-8", "surrogatepass")  # any str, even one with a lone surrogate
        return self.con.execute("INSERT OR IGNORE INTO ids VALUES (?)", (key,)).rowcount == 1

    def count(self, file: str, doc_id: str) -> int:
        """How many times `doc_id` has now come in `file` (1 the first time)."""
        key = (file.encode("utf-8", "surrogateescape"), doc_id.encode("utf-8", "surrogatepass"))
        return self.con.execute("INSERT INTO per_file VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1 "
                                "RETURNING n", key).fetchone()[0]


def walk(root: Path) -> Iterator[Path | IngestError]:
    """Files under `root`, sorted by path parts (as `sorted(root.rglob("*"))`), hidden ones skipped;
    an IngestError for each entry that cannot be read as a file (so nothing vanishes unreported).

    One directory listing is held at a time, so a folder of a million files starts yielding
    at once. Symlinked folders are not followed (no loops; an error row says so); symlinked files
    are read. A FIFO, socket or device is never opened (a FIFO would block the run). A folder
    holding a run's output or state (its marker or lock file) is transnorm's own: skipped with a
    warning, never read back as input.
    """
    try:
        with os.scandir(root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield IngestError(str(root), f"cannot read this folder: {exc.strerror or exc}; its files are skipped")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = root / entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if any((path / marker).exists() for marker in OWN_MARKERS):
                    log.warning("%s: skipped, a transnorm run's output or state folder (it holds %s), not input",
                                path, " or ".join(OWN_MARKERS))
                    continue
                yield from walk(path)
            elif entry.is_file():
                yield path
            elif entry.is_symlink():
                target = os.readlink(path)
                why = "a symbolic link to a folder: not followed" if entry.is_dir() else (
                    f"a dangling symbolic link: its target {target} does not exist")
                yield IngestError(str(path), f"{why}; skipped")
            else:
                kind = "a FIFO" if stat.S_ISFIFO(entry.stat().st_mode) else "not a regular file (a socket or device)"
                yield IngestError(str(path), f"{kind}: not read; skipped")
        except OSError as exc:  # a symlink loop (ELOOP), a file removed while walking
            yield IngestError(str(path), f"cannot read: {exc.strerror or exc}; skipped")


def _decode(data: bytes) -> str:
    """UTF-8 (BOM tolerated) or UTF-16 with a BOM. Raises UnicodeDecodeError otherwise."""
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def _bad_utf8(path: Path, data: bytes, exc: UnicodeDecodeError, line0: int = 0) -> IngestError:
    line = line0 + data[:exc.start].count(b"\n") + 1
    return IngestError(f"{path}:{line}", f"invalid UTF-8 at byte {exc.start}: {exc.reason}")


def scrub_surrogates(value: Any) -> tuple[Any, int]:
    """Replace lone surrogates in every string of a JSON value (keys too); returns (value, count)."""
    if isinstance(value, str):
        if not SURROGATE_RE.search(value):
            return value, 0
        return SURROGATE_RE.subn(REPLACEMENT, value)
    if isinstance(value, list):
        out, n = [], 0
        for v in value:
            v, k = scrub_surrogates(v)
            out.append(v)
            n += k
        return out, n
    if isinstance(value, dict):
        d, n = {}, 0
        for key, v in value.items():
            key, k1 = scrub_surrogates(key)
            v, k2 = scrub_surrogates(v)
            d[key] = v
            n += k1 + k2
        return d, n
    return value, 0


def _read_file(path: Path, base: Path, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield IngestError(str(path), f"unsupported file type {suffix or '(none)'!r}: "
                                     "expected .txt, .md, .jsonl or .csv")
        return
    try:
        if path.stat().st_size == 0:
            yield IngestError(str(path), "empty file")
            return
        if suffix == ".jsonl":
            yield from _read_jsonl(path, base, cfg)
        elif suffix == ".csv":
            yield from _read_csv(path, base, cfg)
        else:
            yield from _read_text(path, base, cfg)
    except OSError as exc:
        yield IngestError(str(path), f"cannot read: {exc.strerror or exc}")


def _doc_id(path: Path, base: Path) -> str:
    rel = path.relative_to(base)
    return str(rel.with_suffix("")).replace("\\", "/")


def _too_long(n: int, cfg: IngestConfig, what: str = "document") -> str:
    return f"{what} of {n:,} characters exceeds ingest.max_document_chars={cfg.max_document_chars:,}"


def _read_text(path: Path, base: Path, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    size = path.stat().st_size
    if size > 4 * cfg.max_document_chars:  # at most 4 bytes a character: too long, unread
        yield IngestError(str(path), f"file of {size:,} bytes holds more than ingest.max_document_chars="
                                     f"{cfg.max_document_chars:,} characters", _doc_id(path, base))
        return
    data = path.read_bytes()
    if b"\x00" in data and not data.startswith(UTF16_BOMS):
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        yield IngestError(f"{path}:{line}", "binary file (NUL byte): not a text document")
        return
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        if data.startswith(UTF16_BOMS):
            yield IngestError(str(path), f"invalid UTF-16 at byte {exc.start}: {exc.reason}")
        else:
            yield _bad_utf8(path, data, exc)
        return
    del data
    yield from _checked(Document(id=_doc_id(path, base), text=text, source=str(path)), cfg)


def _checked(doc: Document, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    if not doc.text.strip():
        yield IngestError(doc.source, "empty document", doc.id)
    elif len(doc.text) > cfg.max_document_chars:
        yield IngestError(doc.source, _too_long(len(doc.text), cfg), doc.id)
    else:
        yield doc


def _starts_utf16(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) in UTF16_BOMS


def _jsonl_lines(fh: IO, limit: int) -> Iterator[tuple[int, Any]]:
    """(line number, line) with lines longer than `limit` as (n, None), skipped unread."""
    n = 0
    while True:
        raw = fh.readline(limit)
        if not raw:
            return
        n += 1
        nl = "\n" if isinstance(raw, str) else b"\n"
        if len(raw) >= limit and not raw.endswith(nl):
            while True:  # skip the rest of this line, a chunk at a time
                rest = fh.readline(SKIP_CHUNK)
                if not rest or rest.endswith(nl):
                    break
            yield n, None
            continue
        yield n, raw


def _read_jsonl(path: Path, base: Path, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    stem = _doc_id(path, base)
    limit = cfg.max_document_chars * JSON_BYTES_PER_CHAR + LINE_SLACK
    utf16 = _starts_utf16(path)
    fh = path.open("r", encoding="utf-16", newline="\n") if utf16 else path.open("rb")
    with fh:
        lines = _jsonl_lines(fh, limit)
        n = 0
        while True:
            try:
                n, raw = next(lines)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:  # UTF-16 is decoded as a stream: the rest is lost
                yield IngestError(f"{path}:{n + 1}", f"invalid UTF-16: {exc.reason}; rest of the file skipped")
                return
            where = f"{path}:{n}"
            if raw is None:
                yield IngestError(where, f"line longer than {limit:,} bytes: more than ingest.max_document_chars="
                                         f"{cfg.max_document_chars:,} characters; skipped unread")
                continue
            if not raw.strip():
                continue
            if isinstance(raw, bytes):
                try:
                    line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield IngestError(where, f"invalid UTF-8 at byte {exc.start} of the line: {exc.reason}")
                    continue
            else:
                line = raw.lstrip("\ufeff") if n == 1 else raw
            yield from _jsonl_record(line, where, n, stem, cfg)


class NotStrictJSON(ValueError):
    """NaN, Infinity or a number no float holds (1e400): Python reads them, strict JSON has no such value."""


def _no_constant(name: str) -> Any:
    raise NotStrictJSON(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotStrictJSON(f"the number {text[:40]} is too large for a float")
    return value


def _jsonl_record(line: str, where: str, n: int, stem: str, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    try:
        obj = json.loads(line, parse_constant=_no_constant, parse_float=_finite_float)
    except NotStrictJSON as exc:
        yield IngestError(where, f"not strict JSON: {exc}; records are strict JSON, so this line is skipped")
        return
    except json.JSONDecodeError as exc:
        yield IngestError(where, f"not valid JSON: {exc.msg} (column {exc.colno})")
        return
    except RecursionError:
        yield IngestError(where, "not valid JSON: nested too deeply")
        return
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        yield IngestError(where, f"not valid JSON: {exc}")
        return
    if not isinstance(obj, dict):
        yield IngestError(where, f"expected a JSON object, got {type(obj).__name__}")
        return
    obj, replaced = scrub_surrogates(obj)
    text = obj.get("text")
    if not isinstance(text, str):
        yield IngestError(where, "missing 'text' (a string)" if text is None else "'text' is not a string")
        return
    doc_id = obj.get("id")
    doc_id = str(doc_id) if doc_id not in (None, "") else f"{stem}:{n}"
    lang = obj.get("lang") if isinstance(obj.get("lang"), str) else None
    meta = {k: v for k, v in obj.items() if k not in ("id", "text", "lang")}
    doc = Document(id=doc_id, text=text, source=where, lang=lang, meta=meta)
    if replaced:
        doc.warnings.append(f"{where}: {replaced} lone UTF-16 surrogate escape(s) (e.g. \\ud800) replaced by "
                            "U+FFFD: they are not characters and cannot be written as UTF-8")
    yield from _checked(doc, cfg)


class _Lines:
    """The physical lines of a text stream for csv.reader, noting when the stream ran out: a record
    returned after that ran to the end of the file inside an open quote (non-strict csv)."""

    def __init__(self, fh: IO[str]):
        self.fh, self.eof = fh, False

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = self.fh.readline()
        if not line:
            self.eof = True
            raise StopIteration
        return line


def _line_breaks(value: str) -> int:
    return value.count("\n") + value.count("\r") - value.count("\r\n")


def _csv_lines(path: Path, encoding: str, skip: int) -> tuple[IO[bytes], _Lines]:
    """The file's lines from line `skip` + 1 on. Undecodable bytes become lone surrogates
    (surrogateescape): the row holding them is reported and skipped, and reading goes on."""
    raw = path.open("rb")
    lines = _Lines(io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline=""))
    for _ in range(skip):
        if not lines.fh.readline():
            break
    return raw, lines


def _read_csv(path: Path, base: Path, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    """CSV records streamed; a bad record (invalid UTF-8, over-long field, unterminated quote) loses only itself."""
    stem = _doc_id(path, base)
    # One field may be a whole document; a longer one is an error, not the end of the file.
    if csv.field_size_limit() < cfg.max_document_chars + 1:
        csv.field_size_limit(cfg.max_document_chars + 1)
    encoding = "utf-16" if _starts_utf16(path) else "utf-8-sig"
    raw, lines = _csv_lines(path, encoding, 0)
    try:
        reader = csv.reader(lines)
        try:
            header = next(reader, None) or []
        except csv.Error as exc:
            yield IngestError(f"{path}:1", f"malformed CSV header: {exc}")
            return
        if any(SURROGATE_RE.search(h) for h in header):
            yield IngestError(f"{path}:1", f"invalid {'UTF-16' if encoding == 'utf-16' else 'UTF-8'} in the header")
            return
        dup = sorted({h for h in header if header.count(h) > 1})
        if dup:  # dict(zip(...)) would keep only the last of them, silently
            yield IngestError(f"{path}:1", f"duplicate column name(s) in the header: {', '.join(map(repr, dup))}; "
                                           "every column needs its own name; file skipped")
            return
        if cfg.csv_text_column not in header:
            yield IngestError(f"{path}:1", f"no {cfg.csv_text_column!r} column "
                                           f"(columns: {', '.join(header) or 'none'});"
                                           " set ingest.csv_text_column")
            return
        offset = 0  # lines before the current reader's first line (after a restart)
        while True:
            first = offset + reader.line_num + 1  # the record's first line (blank lines are skipped below)
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                msg = str(exc)
                if "field larger than field limit" in msg:
                    msg = f"a field longer than ingest.max_document_chars={cfg.max_document_chars:,} characters"
                yield IngestError(f"{path}:{first}", f"malformed CSV record: {msg}; skipped")
                if offset + reader.line_num < first:  # no progress: give up rather than loop
                    return
                continue
            if not row:
                continue
            if lines.eof:  # the last field's quote never closed: it swallowed the rest of the file
                opened = first + sum(_line_breaks(v) for v in row[:-1])
                yield IngestError(f"{path}:{opened}", "unterminated quoted field: the quote that opens here is "
                                                      "never closed; record skipped, reading goes on at the next line")
                raw.close()
                raw, lines = _csv_lines(path, encoding, opened)
                reader, offset = csv.reader(lines), opened
                continue
            where = f"{path}:{first}"
            if any(SURROGATE_RE.search(v) for v in row):
                yield IngestError(where, f"invalid {'UTF-16' if encoding == 'utf-16' else 'UTF-8'} in this record; "
                                         "skipped")
                continue
            rec = dict(zip(header, row))
            warnings = []
            if len(row) > len(header):
                rec["_extra"] = row[len(header):]
                warnings.append(f"{where}: {len(row) - len(header)} value(s) more than the header has columns; "
                                "kept in meta['_extra']")
            text = rec.get(cfg.csv_text_column)
            if text is None:
                yield IngestError(where, f"record has {len(row)} value(s) and no {cfg.csv_text_column!r} value")
                continue
            doc_id = rec.get(cfg.csv_id_column) or f"{stem}:{first}"
            lang = rec.get(cfg.csv_lang_column) if cfg.csv_lang_column else None
            skip = {cfg.csv_id_column, cfg.csv_text_column, cfg.csv_lang_column}
            meta = {k: v for k, v in rec.items() if k not in skip}
            doc = Document(id=doc_id, text=text, source=where, lang=lang or None, meta=meta, warnings=warnings)
            yield from _checked(doc, cfg)
    finally:
        raw.close()
