"""Typed records passed between stages.

Every stage takes and returns these, never loose dicts, so a newcomer can read the
shape of the data in one place. `Record.to_json()` is the exact line written to
records.jsonl (schema documented in the README).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

EntityType = Literal["place", "person"]
Status = Literal["auto", "review", "unresolved"]
JSON_BLOCK = 2000  # entities serialised per block by Record.to_json


@dataclass
class Document:
    """One input document, as read by ingest. `text` is never modified afterwards."""

    id: str
    text: str
    source: str  # "path" or "path:line" (1-based line for JSONL, row for CSV)
    lang: str | None = None  # given by the input, else filled by detect
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestError:
    """An input that could not become a Document (bad UTF-8, bad JSON, missing text...)."""

    source: str  # "path" or "path:line"
    message: str
    id: str | None = None


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
    rewrite: str | None = None  # what text_en shows for it when status is auto

    def to_dict(self) -> dict[str, Any]:
        # Written out by hand: dataclasses.asdict deep-copies and was the slowest step of writing a record.
        return {
            "start": self.start, "end": self.end, "surface": self.surface, "type": self.type,
            "gazetteer_id": self.gazetteer_id, "canonical": self.canonical, "score": round(self.score, 3),
            "method": self.method, "status": self.status,
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
        """The records.jsonl line: exactly json.dumps(self.to_dict(), ensure_ascii=False), built in
        blocks of entities so a huge document never has every entity as a dict at once."""
        dumps = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731

        def entities(ents: list[Entity]) -> str:
            blocks = [", ".join(dumps(e.to_dict()) for e in ents[i:i + JSON_BLOCK])
                      for i in range(0, len(ents), JSON_BLOCK)]
            return "[" + ", ".join(blocks) + "]"

        head = {"id": self.id, "source": self.source, "lang": self.lang}
        return "".join([
            dumps(head)[:-1], ", \"text\": ", dumps(self.text), ", \"text_en\": ", dumps(self.text_en),
            ", \"entities\": ", entities(self.entities), ", \"entities_en\": ", entities(self.entities_en),
            ", \"warnings\": ", dumps(list(self.warnings)), ", \"errors\": ", dumps(list(self.errors)),
            ", \"provenance\": ", dumps(dict(self.provenance)), ", \"meta\": ", dumps(dict(self.meta)), "}",
        ])


def entity_from_dict(d: dict[str, Any]) -> Entity:
    cands = [Candidate(**c) for c in d.get("candidates", [])]
    return Entity(**{**{k: v for k, v in d.items() if k != "candidates"}, "candidates": cands})


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
