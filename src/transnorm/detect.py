"""Language detection per document: en, ru, uk or `other`.

lingua is restricted to the configured languages plus a few "decoys" (German, Polish,
Bulgarian...), so a text in a language we do not process is called `other` instead of
being forced into the nearest configured one.
"""
from __future__ import annotations

from typing import Callable

from transnorm.config import DetectConfig
from transnorm.once import loaded_once
from transnorm.records import Document

SHORT_TEXT = 40  # letters


@loaded_once(4)
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


_WARMING: list[bool] = []


def warm_in_background(cfg: DetectConfig, first_text: Callable[[], str | None]) -> None:
    """Load, in a thread, the lingua models that the run's first document needs (1-2 s of CPU once
    per process, which lingua would otherwise spend on the first detection), while the caller does
    other work. `first_text()` is called in that thread. lingua itself is imported here first: a
    thread importing modules would hold Python's import lock against the caller's own imports."""
    import threading

    import lingua  # noqa: F401

    if _WARMING:
        return  # once per process (the CLI warms up, then the flow it runs would again)
    _WARMING.append(True)

    def work() -> None:
        text = first_text()
        if text:
            detect_language(text, cfg)

    threading.Thread(target=work, name="lingua-warm-up", daemon=True).start()


def detect_batch(docs: list[Document], cfg: DetectConfig) -> list[str]:
    """Language for each document: the input's own `lang` when it names a configured one."""
    out = []
    for d in docs:
        given = (d.lang or "").lower()
        out.append(given if given in cfg.languages else detect_language(d.text, cfg))
    return out
