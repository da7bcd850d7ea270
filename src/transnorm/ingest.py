"""Reading inputs: files and folders of .txt/.md, .jsonl and .csv, streamed.

Yields a Document per input document, or an IngestError naming the file (and line)
when something cannot be read. One bad file or line never stops the others.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path
from typing import Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field

from .records import Document, IngestError

TEXT_SUFFIXES = {".txt", ".md"}
SUFFIXES = TEXT_SUFFIXES | {".jsonl", ".csv"}


class IngestConfig(BaseModel):
    """How inputs are read (config key `ingest`)."""

    model_config = ConfigDict(extra="forbid")
    csv_id_column: str = "id"
    csv_text_column: str = "text"
    csv_lang_column: str | None = "lang"
    max_document_chars: int = Field(5_000_000, ge=1, description="longer documents become an error row")


def iter_inputs(inputs: Iterable[str | Path], cfg: IngestConfig) -> Iterator[Document | IngestError]:
    """Every document of every input, in a stable order (folders walked sorted)."""
    seen: set[str] = set()
    for raw in inputs:
        root = Path(raw)
        if root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file() and not _hidden(p, root))
            base = root
        elif root.exists():
            files, base = [root], root.parent
        else:
            yield IngestError(str(root), "no such file or folder")
            continue
        for path in files:
            for item in _read_file(path, base, cfg):
                if isinstance(item, Document):
                    if item.id in seen:
                        item.warnings.append(f"duplicate id {item.id!r}: kept, ids in this run are not unique")
                    seen.add(item.id)
                yield item


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _decode(data: bytes) -> str:
    """UTF-8 (BOM tolerated) or UTF-16 with a BOM. Raises UnicodeDecodeError otherwise."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def _bad_utf8(path: Path, data: bytes, exc: UnicodeDecodeError, line0: int = 0) -> IngestError:
    line = line0 + data[:exc.start].count(b"\n") + 1
    return IngestError(f"{path}:{line}", f"invalid UTF-8 at byte {exc.start}: {exc.reason}")


def _read_file(path: Path, base: Path, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield IngestError(str(path), f"unsupported file type {suffix or '(none)'!r}: expected .txt, .md, .jsonl or .csv")
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


def _read_text(path: Path, base: Path, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    data = path.read_bytes()
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        yield IngestError(f"{path}:{line}", "binary file (NUL byte): not a text document")
        return
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        yield _bad_utf8(path, data, exc)
        return
    yield from _checked(Document(id=_doc_id(path, base), text=text, source=str(path)), cfg)


def _checked(doc: Document, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    if not doc.text.strip():
        yield IngestError(doc.source, "empty document", doc.id)
    elif len(doc.text) > cfg.max_document_chars:
        yield IngestError(doc.source, f"document of {len(doc.text):,} characters exceeds "
                                      f"ingest.max_document_chars={cfg.max_document_chars:,}", doc.id)
    else:
        yield doc


def _read_jsonl(path: Path, base: Path, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    stem = _doc_id(path, base)
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            where = f"{path}:{n}"
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield IngestError(where, f"invalid UTF-8 at byte {exc.start} of the line: {exc.reason}")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield IngestError(where, f"not valid JSON: {exc.msg} (column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                yield IngestError(where, f"expected a JSON object, got {type(obj).__name__}")
                continue
            text = obj.get("text")
            if not isinstance(text, str):
                yield IngestError(where, "missing 'text' (a string)" if text is None else "'text' is not a string")
                continue
            doc_id = obj.get("id")
            doc_id = str(doc_id) if doc_id not in (None, "") else f"{stem}:{n}"
            lang = obj.get("lang") if isinstance(obj.get("lang"), str) else None
            meta = {k: v for k, v in obj.items() if k not in ("id", "text", "lang")}
            yield from _checked(Document(id=doc_id, text=text, source=where, lang=lang, meta=meta), cfg)


def _read_csv(path: Path, base: Path, cfg: IngestConfig) -> Iterator[Document | IngestError]:
    stem = _doc_id(path, base)
    with path.open("rb") as raw:
        text_io = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text_io)
        try:
            header = reader.fieldnames or []
            if cfg.csv_text_column not in header:
                yield IngestError(f"{path}:1", f"no {cfg.csv_text_column!r} column (columns: {', '.join(header) or 'none'});"
                                               " set ingest.csv_text_column")
                return
            for row in reader:
                where = f"{path}:{reader.line_num}"
                text = row.get(cfg.csv_text_column)
                if text is None:
                    yield IngestError(where, f"row has no {cfg.csv_text_column!r} value")
                    continue
                doc_id = row.get(cfg.csv_id_column) or f"{stem}:{reader.line_num}"
                lang = row.get(cfg.csv_lang_column) if cfg.csv_lang_column else None
                skip = {cfg.csv_id_column, cfg.csv_text_column, cfg.csv_lang_column, None}
                meta = {k: v for k, v in row.items() if k not in skip}
                yield from _checked(Document(id=doc_id, text=text, source=where, lang=lang or None, meta=meta), cfg)
        except UnicodeDecodeError as exc:
            yield IngestError(f"{path}:{reader.line_num + 1}", f"invalid UTF-8: {exc.reason}; rest of the file skipped")
        except csv.Error as exc:
            yield IngestError(f"{path}:{reader.line_num}", f"malformed CSV: {exc}; rest of the file skipped")
