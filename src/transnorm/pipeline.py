"""One batch of documents through every stage, as plain functions (no Prefect here).

The flow in flows/pipeline.py wraps `process_batch` as a task; tests call it directly.
Per document: detect (per paragraph when paragraphs differ) -> link names in the source
-> translate ru/uk segments (batched across the whole batch) -> align source names in
the translation -> rewrite to canonical. A failing document becomes an error row.

Long documents are cut into chunks of at most CHUNK_CHARS characters at paragraph, line or
sentence boundaries (`chunk_spans`) and linked and translated chunk by chunk, at most
TRANSLATE_CHARS characters per translate call, so a 50 MB document never has more than a
chunk's tokens, lookups or sentences in flight; entity offsets are shifted back, so they
stay exact offsets into the whole `text`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from transnorm.config import Config
from transnorm.detect import detect_batch, detect_language
from transnorm.gazetteer.index import Index
from transnorm.gazetteer.layers import LayerSpec, layer_files
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.gazetteer.store import load_or_build
from transnorm.linking.match import link
from transnorm.linking.rewrite import rewrite
from transnorm.once import loaded_once
from transnorm.records import Document, Entity, IngestError, Record
from transnorm.version import __version__

log = logging.getLogger(__name__)
PARAGRAPH_RE = re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r(?!\n)|\n)\s*")  # LF, CRLF, lone CR
MIN_PARAGRAPH_LETTERS = 40  # shorter paragraphs take the document's language
CHUNK_CHARS = 50_000  # linking and translation see at most this much of a document at a time
TRANSLATE_CHARS = 400_000  # source characters per translate_documents call (across documents)
CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
SURROGATE_RE = re.compile("[\ud800-\udfff]")
SENTENCE_END_RE = re.compile(r"[.!?…][\"'»”’)\]]*\s+")


@loaded_once(4)
def _index_for(folder: str, cache_dir: str, stamp: float, layers: LayerSpec, progress=None) -> Index:
    return load_or_build(Path(folder), Path(cache_dir), layers=layers, progress=progress)


def get_index(cfg: Config, progress=None) -> Index:
    """The compiled gazetteer for this config (curated YAML + the configured generated layers),
    loaded once and memoised per process; cached on disk in state_dir/index in layers, each
    under a hash of its inputs (gazetteer/store.py). `progress(phase, done, total)` hears
    about a build, if one is needed (gazetteer/build.py, Progress)."""
    folder = cfg.gazetteer.dir
    layers = LayerSpec.from_config(cfg.gazetteer)
    # Any change to the folder (a decision applied, an entry added, a layer imported) changes the stamp.
    watched = list(folder.glob("*.yaml")) + list(layer_files(folder, layers))
    stamp = max((p.stat().st_mtime for p in watched if p.exists()), default=0.0)
    return _index_for(str(folder), str(cfg.state_dir / "index"), stamp, layers, progress)


@loaded_once(2)
def _translator_for(cfg_json: str):
    from transnorm.config import TranslateConfig
    from transnorm.translation.translate import Translator

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
        models = sorted({self.models[ln] for ln in langs if ln in self.models})
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
    # segment -> (text_en, ents); text_en None for an English segment (its text is the source's: not
    # copied while the rest of a huge document is linked)
    english: dict[int, tuple[str | None, list[Entity]]] = field(default_factory=dict)
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
        if letters < MIN_PARAGRAPH_LETTERS:
            lang = doc_lang
        elif doc_lang == "en" and not CYRILLIC_RE.search(part):
            lang = "en"  # without Cyrillic letters lingua can only say en or a decoy (= en here)
        else:
            lang = detect_language(part, cfg.detect)
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


def _majority_language(segs: list[Segment]) -> tuple[str, list[Segment]]:
    """For a document detected as `other`: the configured language most of its paragraphs are in,
    taken by the rest as segments_of does (still `other` when no paragraph is in one)."""
    sizes: Counter[str] = Counter()
    for s in segs:
        if s.lang != "other":
            sizes[s.lang] += s.end - s.start
    if not sizes:
        return "other", [Segment(0, segs[-1].end, "other")]
    lang = sizes.most_common(1)[0][0]
    merged: list[Segment] = []
    for s in segs:
        s.lang = lang if s.lang == "other" else s.lang
        if merged and merged[-1].lang == s.lang:
            merged[-1].end = s.end
        else:
            merged.append(s)
    return lang, merged


def chunk_spans(text: str, start: int, end: int, limit: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Cut text[start:end] into spans of at most `limit` characters that tile it exactly.

    Each cut falls after a paragraph break, else after a line break (names never span
    either), else after a sentence end, else after a space; only a text with no space in
    `limit` characters is cut inside a word (never before a combining mark).
    """
    spans, pos = [], start
    while end - pos > limit:
        hi, lo = pos + limit, pos + limit // 4  # a cut in the first quarter would make tiny chunks
        cut = text.rfind("\n\n", lo, hi - 1)
        cut = cut + 2 if cut >= 0 else -1
        if cut < 0:
            i = max(text.rfind("\n", lo, hi), text.rfind("\r", lo, hi))
            cut = i + 1 if i >= 0 else -1
        if cut < 0:
            last = None
            for last in SENTENCE_END_RE.finditer(text, lo, hi):
                pass
            cut = last.end() if last else -1
        if cut < 0:
            i = max(text.rfind(" ", lo, hi), text.rfind("\t", lo, hi))
            cut = i + 1 if i >= 0 else -1
        if cut < 0:
            cut = hi
            while cut > pos + 1 and unicodedata.combining(text[cut]):
                cut -= 1
        spans.append((pos, cut))
        pos = cut
    spans.append((pos, end))
    return spans


def _chunked(text: str, segs: list[Segment]) -> list[Segment]:
    out = []
    for s in segs:
        if s.end - s.start <= CHUNK_CHARS:
            out.append(s)
        else:
            out.extend(Segment(a, b, s.lang) for a, b in chunk_spans(text, s.start, s.end))
    return out


def link_segment(text: str, lang: str, index: Index, cfg: Config) -> list[Entity]:
    keys_fn = propose = None
    if lang in ("ru", "uk"):
        from transnorm.linking.keys import keys_fn as lemma_keys
        from transnorm.text import translit

        keys_fn = lemma_keys(index, lang)
        propose = lambda s: translit.propose_english(s, lang)  # noqa: E731
    return link(text, index, cfg.match, keys_fn=keys_fn, propose=propose, lang=lang)


def process_batch(items: list[Document | IngestError], cfg: Config) -> list[Record]:
    """Turn a batch of ingested items into records, in the same order."""
    index = get_index(cfg)
    prov = Provenance(__version__, index.digest, cfg.digest())
    items = [_valid_unicode(d) if isinstance(d, Document) else d for d in items]
    docs = [d for d in items if isinstance(d, Document)]
    work: dict[int, _Work] = {}
    failed: dict[int, str] = {}
    for doc in docs:
        try:
            (lang,) = detect_batch([doc], cfg.detect)
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
            out.append(_record(work[id(item)], prov, index.lexicon))
    return out


def _valid_unicode(doc: Document) -> Document:
    """Lone surrogates (possible only from an API caller: ingest replaces them) -> U+FFFD, warned.

    They cannot be written as UTF-8 (records.jsonl) nor passed to lingua, and would take
    the whole batch down; one for one, so offsets do not move.
    """
    text, n = SURROGATE_RE.subn("\ufffd", doc.text)
    if not n:
        return doc
    return replace(doc, text=text, warnings=[*doc.warnings, f"{n} lone surrogate(s) replaced by U+FFFD"])


def _link_document(doc: Document, lang: str, index: Index, cfg: Config) -> _Work:
    warnings = list(doc.warnings)
    segs = segments_of(doc.text, lang, cfg)
    if lang == "other":  # lingua often calls a mix of configured languages something else as a whole
        lang, segs = _majority_language(segs)
    segs = _chunked(doc.text, segs)
    for s in segs:
        s.entities = link_segment(doc.text[s.start:s.end], s.lang, index, cfg)
    if len({s.lang for s in segs}) > 1:
        warnings.append("paragraphs in different languages: " + ", ".join(
            sorted({s.lang for s in segs})) + "; each was processed in its own language")
    if lang == "other":
        warnings.append(f"language not among detect.languages {cfg.detect.languages}: "
                        "names linked, text not translated")
    w = _Work(doc, lang, segs, warnings)
    for i, s in enumerate(segs):
        if s.lang == "en":
            w.english[i] = (None, list(s.entities))  # its text is the source's: sliced when the record is built
    return w


def _translate(works: list[_Work], index: Index, cfg: Config, prov: Provenance) -> None:
    """Every ru/uk segment of the batch through one translate call per language (per TRANSLATE_CHARS)."""
    from transnorm.translation.translate import ModelMissing

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
    for lang, all_jobs in by_lang.items():
        for jobs in _translate_groups(all_jobs):
            texts = [w.doc.text[w.segments[i].start:w.segments[i].end] for w, i in jobs]
            try:
                results = translator.translate_documents(texts, lang)
            except ModelMissing as exc:
                for w, _ in all_jobs:
                    if not w.missing_model:
                        w.warnings.append(f"text_en keeps the {lang} paragraphs as written: {exc}" if w.lang == "en"
                                          else f"text_en not produced: {exc}")
                    w.missing_model = True
                break
            prov.models[lang] = translator.model_id(lang)
            _align_group(jobs, texts, results, index, cfg, lang)


def _translate_groups(jobs: list[tuple[_Work, int]]) -> list[list[tuple[_Work, int]]]:
    """Consecutive jobs in groups of about TRANSLATE_CHARS source characters."""
    groups: list[list[tuple[_Work, int]]] = [[]]
    size = 0
    for w, i in jobs:
        n = w.segments[i].end - w.segments[i].start
        if groups[-1] and size + n > TRANSLATE_CHARS:
            groups.append([])
            size = 0
        groups[-1].append((w, i))
        size += n
    return groups


def _align_group(jobs: list[tuple[_Work, int]], texts: list[str], results: list, index: Index, cfg: Config,
                 lang: str) -> None:
    from transnorm.linking.align import align_names

    for (w, i), src_text, tr in zip(jobs, texts, results):
        seg = w.segments[i]
        ents, warns = align_names(src_text, seg.entities, tr, index, cfg.match, lang)
        w.english[i] = (tr.text_en, ents)
        w.warnings.extend(warns)


def _record(w: _Work, prov: Provenance, lexicon: Lexicon) -> Record:
    text = w.doc.text
    text_en, entities_en = None, []
    # An English document keeps its English when a stray ru/uk paragraph finds no model: that
    # paragraph stays as written (and says so); a ru/uk document without one gets no text_en.
    partial = w.lang == "en" and w.missing_model
    if w.lang != "other" and (partial or (not w.missing_model and len(w.english) == len(w.segments))):
        parts, raw, pos = [], [], 0
        for i, s in enumerate(w.segments):
            seg_en, ents = w.english.get(i, (None, []))
            src = text[s.start:s.end]
            trail = src[len(src.rstrip()):]  # the paragraph break after the segment, kept as is
            body = (src if seg_en is None else seg_en).rstrip()
            raw.extend(replace(e, start=e.start + pos, end=e.end + pos) for e in ents if e.end <= len(body))
            parts += [body, trail]
            pos += len(body) + len(trail)
        text_en, entities_en = rewrite("".join(parts), raw, lexicon)
    # Source entities are shifted to document offsets in place, after the English side has
    # made its own copies: a copy of every entity of a huge document is not free.
    entities: list[Entity] = []
    for s in w.segments:
        for e in s.entities:
            e.start += s.start
            e.end += s.start
        entities.extend(s.entities)
    langs = {s.lang for s in w.segments}
    return Record(id=w.doc.id, source=w.doc.source, lang=w.lang, text=text, text_en=text_en,
                  entities=entities, entities_en=entities_en, warnings=w.warnings,
                  provenance=prov.for_doc(langs), meta=w.doc.meta)
