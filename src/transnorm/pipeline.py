"""One batch of documents through every stage, as plain functions (no Prefect here).

The flow in flows/pipeline.py wraps `process_batch` as a task; tests call it directly.
Stage order per document: detect -> link source -> translate (ru/uk) -> link English
-> rewrite. A document that fails becomes a record with an error, never a crash.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__
from .config import Config
from .detect import detect_batch
from .index import Index, load_or_build
from .match import link
from .records import Document, Entity, IngestError, Record
from .rewrite import rewrite


@lru_cache(maxsize=4)
def _index_for(folder: str, cache_dir: str, stamp: float) -> Index:
    return load_or_build(Path(folder), Path(cache_dir))


def get_index(cfg: Config) -> Index:
    """The compiled gazetteer for this config, built once and memoised per process."""
    folder = cfg.gazetteer.dir
    # Any change to the folder (a decision applied, an entry added) changes the stamp.
    stamp = max((p.stat().st_mtime for p in folder.glob("*.yaml")), default=0.0)
    return _index_for(str(folder), str(cfg.state_dir / "index"), stamp)


@dataclass
class Provenance:
    version: str
    gazetteer: str
    config: str
    models: dict[str, str] = field(default_factory=dict)

    def for_lang(self, lang: str | None) -> dict:
        return {"transnorm": self.version, "gazetteer": self.gazetteer, "config": self.config,
                "translation_model": self.models.get(lang or "")}


def error_record(err: IngestError) -> Record:
    """An input that could not be read still gets its line in records.jsonl."""
    return Record(id=err.id or err.source, source=err.source, lang=None, text="", text_en=None,
                  errors=[f"{err.source}: {err.message}"])


def process_batch(items: list[Document | IngestError], cfg: Config) -> list[Record]:
    """Turn a batch of ingested items into records, in the same order."""
    index = get_index(cfg)
    prov = Provenance(__version__, index.digest, cfg.digest())
    docs = [d for d in items if isinstance(d, Document)]
    langs = dict(zip((id(d) for d in docs), detect_batch(docs, cfg.detect)))
    out: list[Record] = []
    for item in items:
        if isinstance(item, IngestError):
            out.append(error_record(item))
            continue
        lang = langs[id(item)]
        try:
            out.append(process_document(item, lang, index, cfg, prov))
        except Exception as exc:  # a deterministic failure on one document: an error row
            out.append(Record(id=item.id, source=item.source, lang=lang, text=item.text, text_en=None,
                              warnings=list(item.warnings), meta=item.meta,
                              errors=[f"{item.source}: internal error {type(exc).__name__}: {exc}"],
                              provenance=prov.for_lang(lang)))
            traceback.print_exc()
    return out


def process_document(doc: Document, lang: str, index: Index, cfg: Config, prov: Provenance) -> Record:
    warnings = list(doc.warnings)
    entities: list[Entity] = link(doc.text, index, cfg.match)
    text_en: str | None = None
    entities_en: list[Entity] = []
    if lang == "en":
        text_en, entities_en = rewrite(doc.text, entities)
    elif lang == "other":
        warnings.append("language not among detect.languages: names linked, text not translated")
    else:
        warnings.append(f"no translation stage for {lang!r} yet: text_en left empty")
    return Record(id=doc.id, source=doc.source, lang=lang, text=doc.text, text_en=text_en,
                  entities=entities, entities_en=entities_en, warnings=warnings,
                  provenance=prov.for_lang(lang), meta=doc.meta)
