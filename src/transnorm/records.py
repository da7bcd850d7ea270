"""Typed records passed between stages.

Every stage takes and returns these, never loose dicts, so a newcomer can read the
shape of the data in one place. `Record.to_json()` is the exact line written to
records.jsonl (schema documented in docs/usage.md).
"""

from __future__ import annotations

import codecs
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Literal

EntityType = Literal["place", "person", "organisation"]
Status = Literal["auto", "review", "unresolved"]
JSON_BLOCK = 2000  # entities serialised per block by Record.to_json
Line = str | bytes | bytearray  # a records.jsonl line without its newline: UTF-8 bytes, or str from older ledgers
LINE_BLOCK = 1 << 20  # bytes per block when a line is copied or read without being loaded whole


@dataclass(frozen=True)
class LineRef:
    """Where a run wrote a record's line: `length` bytes at `offset` of `path` (the ledger copies it
    from there in blocks, so a 50 MB document's 500 MB line is never in memory to be stored)."""

    path: Path
    offset: int
    length: int

    def chunks(self, size: int = LINE_BLOCK) -> Iterator[bytes]:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            for at in range(self.offset, self.offset + self.length, size):
                data = os.pread(fd, min(size, self.offset + self.length - at), at)
                if not data:
                    raise OSError(f"{self.path} is shorter than the line written at byte {self.offset}")
                yield data
        finally:
            os.close(fd)


@dataclass(frozen=True)
class StoredLine:
    """A record kept elsewhere (a ledger row), copied to the run's records.jsonl block by block and read
    for the reports with read_record: a reused record is never loaded whole (nor json-parsed whole)."""

    chunks: Callable[[], Iterable[bytes]]


@dataclass
class Document:
    """One input document, as read by ingest. `text` is never modified afterwards."""

    id: str
    text: str
    source: str  # "path" or "path:line" (1-based line for JSONL, row for CSV)
    lang: str | None = None  # given by the input, else filled by detect
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    identity: Identity | None = field(default=None, compare=False, repr=False)  # set by ingest.iter_inputs


@dataclass
class IngestError:
    """An input that could not become a Document (bad UTF-8, bad JSON, missing text...)."""

    source: str  # "path" or "path:line"
    message: str
    id: str | None = None
    identity: Identity | None = field(default=None, compare=False, repr=False)  # set by ingest.iter_inputs


@dataclass(frozen=True)
class Identity:
    """What makes an input document the same one in the next run (the ledger's key): the input file,
    resolved (so `in/a.jsonl`, `./in/a.jsonl` and `/abs/in/a.jsonl` are one file), and the document's id
    within it; `n` counts repeats of an id in one file, so both documents are kept. An error row's id
    is its place in the file (`:3`): once the file is fixed, that row is gone (Ledger.prune)."""

    file: str
    id: str
    n: int = 1
    where: str = ""  # the source's location in the file (":3"), resolved: part of the content hash

    @property
    def key(self) -> str:
        return json.dumps([self.file, self.id] + ([self.n] if self.n > 1 else []))  # ASCII: any path or id


@dataclass(slots=True)
class Candidate:
    """A gazetteer entry considered for a mention, with its score."""

    gazetteer_id: str
    canonical: str
    score: float


@dataclass(slots=True)  # slots: a 50 MB document has a million of them
class Entity:
    """A name found in a text. Invariant: text[start:end] == surface (Python str offsets)."""

    start: int
    end: int
    surface: str
    type: EntityType
    gazetteer_id: str | None
    canonical: str | None
    score: float
    method: str  # exact, variant, surname, fuzzy, morph, override, aligned, unknown...
    status: Status
    candidates: list[Candidate] = field(default_factory=list)
    rewrite: str | None = None  # what text_en shows for it when status is auto (not written out)
    kind: str | None = None  # the entry's kind (city, oblast, raion, person...), or the proposed one
    reason: str | None = None  # why a generated or queued name looks like a name ("after 'село'")

    def to_dict(self) -> dict[str, Any]:
        # Written out by hand: dataclasses.asdict deep-copies and was the slowest step of writing a record.
        return {
            "start": self.start, "end": self.end, "surface": self.surface, "type": self.type,
            "kind": self.kind, "gazetteer_id": self.gazetteer_id, "canonical": self.canonical,
            "score": round(self.score, 3), "method": self.method, "status": self.status, "reason": self.reason,
            "candidates": [{"gazetteer_id": c.gazetteer_id, "canonical": c.canonical, "score": round(c.score, 3)}
                           for c in self.candidates],
        }


@dataclass
class Record:
    """One output line of records.jsonl."""

    id: str
    source: str
    lang: str | None
    text: str
    text_en: str | None
    entities: list[Entity] = field(default_factory=list)
    entities_en: list[Entity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "lang": self.lang,
            "text": self.text,
            "text_en": self.text_en,
            "entities": [e.to_dict() for e in self.entities],
            "entities_en": [e.to_dict() for e in self.entities_en],
            "warnings": list(self.warnings),
            "errors": list(self.errors),
            "provenance": dict(self.provenance),
            "meta": dict(self.meta),
        }

    def to_json(self) -> str:
        """The records.jsonl line as str: exactly json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)."""
        return "".join(self._json_parts())

    def write_line(self, fh: BinaryIO) -> int:
        """Write the records.jsonl line (without its newline) to `fh` block by block; returns its
        length in bytes. What a run writes when no task encoded the line: the line never exists whole."""
        n, buf = 0, bytearray()
        for part in self._json_parts():
            buf += part.encode("utf-8")
            if len(buf) >= LINE_BLOCK:  # one write per block: a usual line is one write
                fh.write(buf)
                n += len(buf)
                buf.clear()
        fh.write(buf)
        return n + len(buf)

    def to_line(self) -> bytearray:
        """The records.jsonl line as UTF-8, what runs write and the ledger stores.

        Built in place from blocks of entities: a 50 MB document's line (about 350 MB of JSON)
        never exists as a dict per entity, nor as a str (2-4 bytes a character once it holds
        Cyrillic), nor twice while being joined."""
        buf = bytearray()
        for part in self._json_parts():
            buf += part.encode("utf-8")
        return buf

    def _json_parts(self) -> Iterator[str]:
        # allow_nan=False: records are strict JSON (a NaN would be `NaN`, which no JSON parser but Python's reads)
        dumps = lambda v: json.dumps(v, ensure_ascii=False, allow_nan=False)  # noqa: E731

        def entities(ents: list[Entity]) -> Iterator[str]:
            yield "["
            for i in range(0, len(ents), JSON_BLOCK):
                yield (", " if i else "") + ", ".join(dumps(e.to_dict()) for e in ents[i:i + JSON_BLOCK])
            yield "]"

        yield dumps({"id": self.id, "source": self.source, "lang": self.lang})[:-1]
        yield ", \"text\": "
        yield dumps(self.text)
        yield ", \"text_en\": "
        yield dumps(self.text_en)
        yield ", \"entities\": "
        yield from entities(self.entities)
        yield ", \"entities_en\": "
        yield from entities(self.entities_en)
        yield (f", \"warnings\": {dumps(list(self.warnings))}, \"errors\": {dumps(list(self.errors))}, "
               f"\"provenance\": {dumps(dict(self.provenance))}, \"meta\": {dumps(dict(self.meta))}}}")


def entity_from_dict(d: dict[str, Any], same: dict | None = None) -> Entity:
    """`same`: a dict that maps equal strings to one object (a million mentions repeat a few thousand names)."""
    cands = [Candidate(**c) for c in d.get("candidates", [])]
    fields = {k: v for k, v in d.items() if k != "candidates"}
    if same is not None:
        fields = {k: same.setdefault(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    return Entity(**fields, candidates=cands)


def record_from_dict(d: dict[str, Any]) -> Record:
    """Inverse of Record.to_dict: reports re-read records.jsonl instead of holding a run in memory."""
    return Record(
        id=d["id"], source=d["source"], lang=d.get("lang"), text=d.get("text", ""),
        text_en=d.get("text_en"),
        entities=[entity_from_dict(e) for e in d.get("entities", [])],
        entities_en=[entity_from_dict(e) for e in d.get("entities_en", [])],
        warnings=list(d.get("warnings", [])), errors=list(d.get("errors", [])),
        provenance=dict(d.get("provenance", {})), meta=dict(d.get("meta", {})),
    )


def read_record(chunks: Iterable[bytes]) -> Record:
    """The Record of a records.jsonl line given as `chunks` of its UTF-8 bytes (a stored line read
    in blocks). Entities are built one at a time, so neither the line, nor its text as one str, nor
    a dict per mention ever exists: reusing a 50 MB document's stored record costs its Record, not
    several times its 500 MB line. Raises ValueError on a malformed line."""
    return _LineReader(chunks).record()


class _LineReader:
    """A small pull parser over a JSON object whose `entities` arrays are read element by element."""

    COMPACT = 1 << 20  # drop consumed text once this much of it piles up

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = iter(chunks)
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._json = json.JSONDecoder()
        self._same: dict = {}
        self.buf, self.pos, self.done = "", 0, False

    def _more(self, want: int = 1) -> bool:
        """Append at least `want` more characters (or what is left); False at the end."""
        if self.done:
            return False
        if self.pos > self.COMPACT and self.pos * 2 > len(self.buf):
            self.buf, self.pos = self.buf[self.pos:], 0
        got, n = [], 0
        while n < want:
            chunk = next(self._chunks, None)
            if chunk is None:
                got.append(self._utf8.decode(b"", final=True))
                self.done = True
                break
            got.append(self._utf8.decode(bytes(chunk)))
            n += len(got[-1])
        self.buf += "".join(got)
        return True

    def _peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos:self.pos + 1]

    def _take(self, allowed: str) -> str:
        c = self._peek()
        if not c or c not in allowed:
            raise ValueError(f"malformed record line: expected one of {allowed!r}, found {c!r}")
        self.pos += 1
        return c

    def value(self) -> Any:
        self._peek()
        while True:
            try:
                v, end = self._json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if not self._more(max(len(self.buf) - self.pos, 1)):  # double what is pending: linear overall
                    raise ValueError(f"malformed record line: {exc}") from None
                continue
            if end == len(self.buf) and self._more():  # a number may go on in the next chunk
                continue
            self.pos = end
            return v

    def _entities(self) -> list[Entity]:
        out: list[Entity] = []
        self._take("[")
        if self._peek() == "]":
            self.pos += 1
            return out
        while True:
            out.append(entity_from_dict(self.value(), self._same))
            if self._take(",]") == "]":
                return out

    def record(self) -> Record:
        fields: dict[str, Any] = {}
        self._take("{")
        if self._peek() == "}":
            raise ValueError("malformed record line: an empty object")
        while True:
            key = self.value()
            self._take(":")
            fields[key] = self._entities() if key in ("entities", "entities_en") else self.value()
            if self._take(",}") == "}":
                break
        if self._peek():
            raise ValueError("malformed record line: more after the record")
        return Record(
            id=fields["id"], source=fields["source"], lang=fields.get("lang"), text=fields.get("text", ""),
            text_en=fields.get("text_en"), entities=fields.get("entities", []),
            entities_en=fields.get("entities_en", []), warnings=list(fields.get("warnings", [])),
            errors=list(fields.get("errors", [])), provenance=dict(fields.get("provenance", {})),
            meta=dict(fields.get("meta", {})))
