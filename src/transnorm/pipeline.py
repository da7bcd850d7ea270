"""One batch of documents through every stage, as plain functions (no Prefect here).

The flow in flows/pipeline.py wraps `process_batch` as a task; tests call it directly.
Per document: detect (per paragraph when paragraphs differ) -> link names in the source
-> translate ru/uk segments (batched across the whole batch) -> align source names in
the translation -> rewrite to canonical. A failing document becomes an error row.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from . import __version__
from .config import Config
from .detect import detect_batch, detect_language
from .index import Index, load_or_build
from .match import link
from .records import Document, Entity, IngestError, Record
from .rewrite import rewrite

log = logging.getLogger(__name__)
PARAGRAPH_RE = re.compile(r"\n[ \t]*\n\s*")
MIN_PARAGRAPH_LETTERS = 40  # shorter paragraphs take the document's language


@lru_cache(maxsize=4)
def _index_for(folder: str, cache_dir: str, stamp: float) -> Index:
    return load_or_build(Path(folder), Path(cache_dir))


def get_index(cfg: Config) -> Index:
    """The compiled gazetteer for this config, built once and memoised per process."""
    folder = cfg.gazetteer.dir
    # Any change to the folder (a decision applied, an entry added) changes the stamp.
    stamp = max((p.stat().st_mtime for p in folder.glob("*.yaml")), default=0.0)
    return _index_for(str(folder), str(cfg.state_dir / "index"), stamp)


@lru_cache(maxsize=2)
def _translator_for(cfg_json: str):
    from .translate import TranslateConfig, Translator

    return Translator(TranslateConfig.model_validate_json(cfg_json))


def get_translator(cfg: Config):
    """One Translator per process (models load once); its cache lives in the state folder."""
    tcfg = cfg.translate
    if tcfg.cache_path is None:
        tcfg = tcfg.model_copy(update={"cache_path": cfg.state_dir / "translations.sqlite"})
    return _translator_for(tcfg.model_dump_json())


@dataclass
class Provenance:
    version: str
    gazetteer: str
    config: str
    models: dict[str, str] = field(default_factory=dict)

    def for_doc(self, langs: set[str]) -> dict:
        models = sorted({self.models[l] for l in langs if l in self.models})
        return {"transnorm": self.version, "gazetteer": self.gazetteer, "config": self.config,
                "translation_model": ", ".join(models) or None}


@dataclass
class Segment:
    """A stretch of one document in one language (a paragraph, or the whole text)."""

    start: int
    end: int
    lang: str
    entities: list[Entity] = field(default_factory=list)  # offsets into the segment


@dataclass
class _Work:
    doc: Document
    lang: str
    segments: list[Segment]
    warnings: list[str]
    english: dict[int, tuple[str, list[Entity]]] = field(default_factory=dict)  # segment -> (text_en, ents)
    missing_model: bool = False


def error_record(err: IngestError) -> Record:
    """An input that could not be read still gets its line in records.jsonl."""
    return Record(id=err.id or err.source, source=err.source, lang=None, text="", text_en=None,
                  errors=[f"{err.source}: {err.message}"])


def segments_of(text: str, doc_lang: str, cfg: Config) -> list[Segment]:
    """Paragraphs with their own language when they differ from the document's; else one segment."""
    bounds, pos = [], 0
    for m in PARAGRAPH_RE.finditer(text):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(text)))
    if len(bounds) == 1:
        return [Segment(0, len(text), doc_lang)]
    segs: list[Segment] = []
    for a, b in bounds:
        part = text[a:b]
        letters = sum(c.isalpha() for c in part)
        lang = detect_language(part, cfg.detect) if letters >= MIN_PARAGRAPH_LETTERS else doc_lang
        lang = doc_lang if lang == "other" else lang
        if segs and segs[-1].lang == lang:
            segs[-1].end = b
        else:
            segs.append(Segment(a if segs else 0, b, lang))
    segs[-1].end = len(text)
    # Gaps between paragraphs belong to the segment before them.
    for s, nxt in zip(segs, segs[1:]):
        s.end = nxt.start
    return segs


def _link_segment(text: str, lang: str, index: Index, cfg: Config) -> list[Entity]:
    keys_fn = propose = None
    if lang in ("ru", "uk"):
        from . import morph, translit

        keys_fn = morph.keys_fn(index, lang)
        propose = lambda s: translit.propose_english(s, lang)  # noqa: E731
    return link(text, index, cfg.match, keys_fn=keys_fn, propose=propose)


def process_batch(items: list[Document | IngestError], cfg: Config) -> list[Record]:
    """Turn a batch of ingested items into records, in the same order."""
    index = get_index(cfg)
    prov = Provenance(__version__, index.digest, cfg.digest())
    docs = [d for d in items if isinstance(d, Document)]
    langs = detect_batch(docs, cfg.detect)
    work: dict[int, _Work] = {}
    failed: dict[int, str] = {}
    for doc, lang in zip(docs, langs):
        try:
            work[id(doc)] = _link_document(doc, lang, index, cfg)
        except Exception as exc:  # a deterministic failure on one document: an error row
            log.exception("linking %s failed", doc.id)
            failed[id(doc)] = f"{doc.source}: internal error {type(exc).__name__}: {exc}"
    _translate(list(work.values()), index, cfg, prov)
    out: list[Record] = []
    for item in items:
        if isinstance(item, IngestError):
            out.append(error_record(item))
        elif id(item) in failed:
            out.append(Record(id=item.id, source=item.source, lang=None, text=item.text, text_en=None,
                              warnings=list(item.warnings), errors=[failed[id(item)]], meta=item.meta,
                              provenance=prov.for_doc(set())))
        else:
            out.append(_record(work[id(item)], prov))
    return out


def _link_document(doc: Document, lang: str, index: Index, cfg: Config) -> _Work:
    warnings = list(doc.warnings)
    segs = segments_of(doc.text, lang, cfg) if lang != "other" else [Segment(0, len(doc.text), lang)]
    for s in segs:
        s.entities = _link_segment(doc.text[s.start:s.end], s.lang, index, cfg)
    if len({s.lang for s in segs}) > 1:
        warnings.append("paragraphs in different languages: " + ", ".join(
            sorted({s.lang for s in segs})) + "; each was processed in its own language")
    if lang == "other":
        warnings.append(f"language not among detect.languages {cfg.detect.languages}: "
                        "names linked, text not translated")
    w = _Work(doc, lang, segs, warnings)
    for i, s in enumerate(segs):
        if s.lang == "en":
            w.english[i] = (doc.text[s.start:s.end], list(s.entities))
    return w


def _translate(works: list[_Work], index: Index, cfg: Config, prov: Provenance) -> None:
    """Every ru/uk segment of the batch through one translate call per language."""
    from .align import align_names
    from .translate import ModelMissing

    by_lang: dict[str, list[tuple[_Work, int]]] = {}
    for w in works:
        if w.lang == "other":
            continue
        for i, s in enumerate(w.segments):
            if s.lang in ("ru", "uk"):
                by_lang.setdefault(s.lang, []).append((w, i))
    if not by_lang:
        return
    translator = get_translator(cfg)
    for lang, jobs in by_lang.items():
        texts = [w.doc.text[w.segments[i].start:w.segments[i].end] for w, i in jobs]
        try:
            results = translator.translate_documents(texts, lang)
        except ModelMissing as exc:
            for w, _ in jobs:
                if not w.missing_model:
                    w.warnings.append(f"text_en not produced: {exc}")
                w.missing_model = True
            continue
        prov.models[lang] = translator.model_id(lang)
        for (w, i), src_text, tr in zip(jobs, texts, results):
            seg = w.segments[i]
            ents, warns = align_names(src_text, seg.entities, tr, index, cfg.match, lang)
            w.english[i] = (tr.text_en, ents)
            w.warnings.extend(warns)


def _record(w: _Work, prov: Provenance) -> Record:
    text = w.doc.text
    entities = [replace(e, start=e.start + s.start, end=e.end + s.start) for s in w.segments for e in s.entities]
    text_en, entities_en = None, []
    if w.lang != "other" and not w.missing_model and len(w.english) == len(w.segments):
        parts, raw, pos = [], [], 0
        for i, s in enumerate(w.segments):
            seg_en, ents = w.english[i]
            src = text[s.start:s.end]
            trail = src[len(src.rstrip()):]  # the paragraph break after the segment, kept as is
            body = seg_en.rstrip()
            raw.extend(replace(e, start=e.start + pos, end=e.end + pos) for e in ents if e.end <= len(body))
            parts += [body, trail]
            pos += len(body) + len(trail)
        text_en, entities_en = rewrite("".join(parts), raw)
    langs = {s.lang for s in w.segments}
    return Record(id=w.doc.id, source=w.doc.source, lang=w.lang, text=text, text_en=text_en,
                  entities=entities, entities_en=entities_en, warnings=w.warnings,
                  provenance=prov.for_doc(langs), meta=w.doc.meta)
