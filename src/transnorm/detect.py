"""Language detection per document: en, ru, uk or `other`.

lingua is restricted to the configured languages plus a few "decoys" (German, Polish,
Bulgarian...), so a text in a language we do not process is called `other` instead of
being forced into the nearest configured one.
"""
from __future__ import annotations

from functools import lru_cache

from transnorm.config import DetectConfig
from transnorm.records import Document

SHORT_TEXT = 40  # letters


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...]):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def detect_language(text: str, cfg: DetectConfig) -> str:
    """The document's language code, or 'other'."""
    sample = text[:2000]
    if not any(c.isalpha() for c in sample):
        return "other"
    # A few words cannot tell English from German reliably: decoys only for longer texts.
    letters = sum(c.isalpha() for c in sample)
    codes = tuple(dict.fromkeys(cfg.languages + (cfg.decoys if letters >= SHORT_TEXT else [])))
    lang = _detector(codes).detect_language_of(sample)
    if lang is None:
        return "other"
    code = lang.iso_code_639_1.name.lower()
    return code if code in cfg.languages else "other"


def detect_batch(docs: list[Document], cfg: DetectConfig) -> list[str]:
    """Language for each document: the input's own `lang` when it names a configured one."""
    out = []
    for d in docs:
        given = (d.lang or "").lower()
        out.append(given if given in cfg.languages else detect_language(d.text, cfg))
    return out
