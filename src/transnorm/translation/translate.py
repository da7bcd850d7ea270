"""Translation stage: ru/uk -> en with Argos Translate packages run directly on CTranslate2.

Why not `argostranslate.translate.translate()`: it splits sentences with a model it downloads
on first use (fails offline), sends one CTranslate2 call per line of each document, and fails
with AttributeError when no package is installed. Here every document of a batch is split
with razdel (rule-based, no download), identical sentences are translated once, cached
sentences are skipped, and all remaining sentences of all documents go through CTranslate2
together in length-sorted batches (about 6x faster than one call per sentence on a real model,
see NOTES.md). Each document is then rebuilt keeping its original whitespace and paragraph
breaks, with the offsets of every sentence pair so later stages can align names.
"""
from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from transnorm.config import TranslateConfig
from transnorm.translation.models import (
    INSTALL_FILE_CMD,
    ModelError,
    ModelInfo,
    find_model,
    models_dir_for,
)

MAX_SENTENCE_CHARS = 600  # longer "sentences" (tables, lists without stops) are cut at spaces
SQLITE_MAX_VARS = 500  # keys per SELECT ... IN (...), below every SQLite build's limit


class ModelMissing(RuntimeError):
    """No installed package translates src -> tgt; the message names the install commands."""

    def __init__(self, src: str, tgt: str, models_dir: Path):
        self.src, self.tgt, self.models_dir = src, tgt, models_dir
        super().__init__(
            f"No {src}->{tgt} translation model is installed in {models_dir}. Install one with "
            f"`transnorm models install {src} {tgt}` (downloads it; needs internet) or, offline, "
            f"`{INSTALL_FILE_CMD}` with a .argosmodel file fetched elsewhere."
        )


@dataclass
class SentencePair:
    """One source sentence and its translation: text[src_start:src_end] -> text_en[en_start:en_end]."""

    src_start: int
    src_end: int
    en_start: int
    en_end: int


@dataclass
class Translation:
    """A translated document."""

    text_en: str
    sentences: list[SentencePair]
    model_id: str


@dataclass
class TranslateStats:
    """What the last translate_documents call did (for logs, reports and benchmarks)."""

    documents: int = 0
    sentences: int = 0
    unique: int = 0  # distinct sentences after normalising whitespace
    cache_hits: int = 0
    passthrough: int = 0  # sentences without letters (numbers, dates, dashes): copied as they are
    translated: int = 0  # sent to CTranslate2
    batches: int = 0  # translate_batch calls
    seconds: float = 0.0


_LINE_BREAK = re.compile(r"[^\S\n]*\n\s*")


def _blocks(text: str) -> Iterable[tuple[int, int]]:
    """Spans of text between hard breaks: blank lines always, and single line breaks unless
    the next line starts in lower case (a wrapped sentence). Headlines stay apart from the
    first sentence that follows them, which razdel alone would merge."""
    start = 0
    for m in _LINE_BREAK.finditer(text):
        nxt = text[m.end() : m.end() + 1]
        if m.group().count("\n") >= 2 or not nxt.islower():
            if m.start() > start:
                yield start, m.start()
            start = m.end()
    if start < len(text):
        yield start, len(text)


def _cut_long(text: str, start: int, end: int, limit: int) -> Iterable[tuple[int, int]]:
    """Cut an over-long span at the last whitespace before `limit` so the model sees it all."""
    while end - start > limit:
        cut = max(text.rfind(" ", start + 1, start + limit), text.rfind("\n", start + 1, start + limit))
        cut = cut if cut > start else start + limit
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        yield start, piece_end
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Sentence spans (Python str offsets) with razdel; never across line/paragraph breaks.

    Spans hold no leading/trailing whitespace and are never empty; whitespace-only text gives [].
    """
    from razdel import sentenize

    spans: list[tuple[int, int]] = []
    for b_start, b_end in _blocks(text):
        block = text[b_start:b_end]
        for sent in sentenize(block):
            s, e = b_start + sent.start, b_start + sent.stop
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.extend(_cut_long(text, s, e, max_chars))
    return spans


def _normalize(sentence: str) -> str:
    """Model input and cache key: internal whitespace (wrapped lines) collapsed."""
    return " ".join(sentence.split())


class TranslationCache:
    """SQLite cache of sentence translations keyed by (model id, decoding settings, sentence).

    WAL mode lets readers (other processes, the report) work while a run writes. A
    connection is opened per call, so one Translator can be used from several threads.
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute(
            "CREATE TABLE IF NOT EXISTS translations ("
            " model TEXT NOT NULL, decode TEXT NOT NULL, source TEXT NOT NULL,"
            " target TEXT NOT NULL, created REAL NOT NULL,"
            " PRIMARY KEY (model, decode, source)) WITHOUT ROWID"
        )
        return con

    def get_many(self, model: str, decode: str, sources: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        if not sources:
            return found
        con = self._connect()
        try:
            for i in range(0, len(sources), SQLITE_MAX_VARS):
                chunk = sources[i : i + SQLITE_MAX_VARS]
                marks = ",".join("?" * len(chunk))
                rows = con.execute(
                    f"SELECT source, target FROM translations WHERE model=? AND decode=? AND source IN ({marks})",
                    [model, decode, *chunk],
                )
                found.update(rows)
        finally:
            con.close()
        return found

    def put_many(self, model: str, decode: str, pairs: list[tuple[str, str]]) -> None:
        if not pairs:
            return
        con = self._connect()
        try:
            now = time.time()
            with con:
                con.executemany(
                    "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)",
                    [(model, decode, s, t, now) for s, t in pairs],
                )
        finally:
            con.close()


@dataclass
class _Loaded:
    info: ModelInfo
    translator: object  # ctranslate2.Translator
    sp: object  # sentencepiece.SentencePieceProcessor


@dataclass
class _DocPlan:
    text: str
    spans: list[tuple[int, int]]
    keys: list[str] = field(default_factory=list)


class Translator:
    """Translates batches of documents with the installed Argos package for each pair.

    The CTranslate2 model of a pair is loaded once, on the first call that needs it, and
    reused; a run whose sentences are all cached never loads it.
    """

    def __init__(self, cfg: TranslateConfig | None = None):
        self.cfg = cfg or TranslateConfig()
        self.models_dir = models_dir_for(self.cfg)
        self.cache = TranslationCache(self.cfg.cache_path) if self.cfg.cache_path else None
        self.last_stats = TranslateStats()
        self._loaded: dict[tuple[str, str], _Loaded] = {}
        self._lock = threading.Lock()

    def _info(self, src: str, tgt: str) -> ModelInfo:
        loaded = self._loaded.get((src, tgt))
        if loaded is not None:
            return loaded.info
        info = find_model(src, tgt, self.models_dir)
        if info is None:
            raise ModelMissing(src, tgt, self.models_dir)
        return info

    def available(self, src: str, tgt: str = "en") -> bool:
        return (src, tgt) in self._loaded or find_model(src, tgt, self.models_dir) is not None

    def model_id(self, src: str, tgt: str = "en") -> str:
        """Package name and version, e.g. translate-ru_en@1.9 (provenance and cache key)."""
        return self._info(src, tgt).model_id

    def close(self) -> None:
        """Free the loaded models (memory, and CTranslate2 worker threads that would otherwise
        keep competing for cores with later stages)."""
        with self._lock:
            for loaded in self._loaded.values():
                loaded.translator.unload_model()
            self._loaded.clear()

    def _decode_signature(self) -> str:
        """Settings that change the output: cached results are reused only under the same ones."""
        return f"beam={self.cfg.beam_size};maxlen={self.cfg.max_decoding_length}"

    def _load(self, src: str, tgt: str) -> _Loaded:
        with self._lock:
            loaded = self._loaded.get((src, tgt))
            if loaded is not None:
                return loaded
            info = self._info(src, tgt)
            import ctranslate2
            import sentencepiece as spm

            try:
                translator = ctranslate2.Translator(
                    str(info.model_path),
                    device="cpu",
                    compute_type=self.cfg.compute_type,
                    inter_threads=self.cfg.inter_threads,
                    intra_threads=self.cfg.intra_threads,
                )
                sp = spm.SentencePieceProcessor(model_file=str(info.sentencepiece_path))
            except (RuntimeError, ValueError, OSError) as e:
                raise ModelError(
                    f"the {src}->{tgt} model in {info.path} could not be loaded ({e}); "
                    f"reinstall it with `transnorm models install {src} {tgt}` or `{INSTALL_FILE_CMD}`"
                ) from e
            loaded = _Loaded(info=info, translator=translator, sp=sp)
            self._loaded[(src, tgt)] = loaded
            return loaded

    def _run_model(self, loaded: _Loaded, sentences: list[str], on_batch) -> int:
        """Translate sentences in length-sorted batches of cfg.batch_size; returns the number of
        translate_batch calls. Each finished batch is handed to on_batch (and so cached) at once,
        so an interrupted run keeps what it already translated."""
        sp, tr, prefix = loaded.sp, loaded.translator, loaded.info.target_prefix
        tokens = [sp.encode(s, out_type=str) for s in sentences]
        order = sorted(range(len(sentences)), key=lambda i: len(tokens[i]))
        size = self.cfg.batch_size
        calls = 0
        for b in range(0, len(order), size):
            idx = order[b : b + size]
            batch = [tokens[i] for i in idx]
            results = tr.translate_batch(
                batch,
                target_prefix=[[prefix]] * len(batch) if prefix else None,
                max_batch_size=size,
                beam_size=self.cfg.beam_size,
                max_decoding_length=self.cfg.max_decoding_length,
                length_penalty=0.2,  # Argos' own setting for its models
                replace_unknowns=True,
            )
            calls += 1
            out = []
            for i, res in zip(idx, results):
                hyp = list(res.hypotheses[0])
                if prefix and hyp[:1] == [prefix]:
                    hyp = hyp[1:]
                out.append((sentences[i], sp.decode(hyp).strip()))
            on_batch(out)
        return calls

    def translate_documents(self, texts: list[str], src: str, tgt: str = "en") -> list[Translation]:
        """Translate many documents at once; result i belongs to texts[i]."""
        t0 = time.perf_counter()
        stats = TranslateStats(documents=len(texts))
        info = self._info(src, tgt)  # ModelMissing before any work
        model_id = info.model_id
        decode = self._decode_signature()

        plans = []
        for text in texts:
            plan = _DocPlan(text=text, spans=split_sentences(text))
            plan.keys = [_normalize(text[s:e]) for s, e in plan.spans]
            stats.sentences += len(plan.spans)
            plans.append(plan)

        unique = list(dict.fromkeys(k for p in plans for k in p.keys))
        stats.unique = len(unique)
        done: dict[str, str] = {}
        for key in unique:
            if not any(ch.isalpha() for ch in key):
                done[key] = key  # "12:40", "2024", "—": nothing to translate
        stats.passthrough = len(done)
        todo = [k for k in unique if k not in done]
        if self.cache is not None and todo:
            hits = self.cache.get_many(model_id, decode, todo)
            stats.cache_hits = len(hits)
            done.update(hits)
            todo = [k for k in todo if k not in hits]

        if todo:
            loaded = self._load(src, tgt)

            def on_batch(pairs: list[tuple[str, str]]) -> None:
                done.update(pairs)
                if self.cache is not None:
                    self.cache.put_many(model_id, decode, pairs)

            stats.batches = self._run_model(loaded, todo, on_batch)
            stats.translated = len(todo)

        results = [_assemble(p, done, model_id) for p in plans]
        stats.seconds = time.perf_counter() - t0
        self.last_stats = stats
        return results


def _assemble(plan: _DocPlan, translated: dict[str, str], model_id: str) -> Translation:
    """Rebuild the document: translated sentences joined by the original whitespace between
    them (so line and paragraph breaks survive), with offsets of every sentence pair."""
    text = plan.text
    parts: list[str] = []
    pairs: list[SentencePair] = []
    pos = 0
    prev = 0
    for (s, e), key in zip(plan.spans, plan.keys):
        gap = text[prev:s]
        if not gap and prev > 0:
            gap = " "  # "Конец.Начало" had no space; the English sentences need one
        en = translated[key]
        parts.append(gap)
        pos += len(gap)
        pairs.append(SentencePair(src_start=s, src_end=e, en_start=pos, en_end=pos + len(en)))
        parts.append(en)
        pos += len(en)
        prev = e
    parts.append(text[prev:])
    return Translation(text_en="".join(parts), sentences=pairs, model_id=model_id)
