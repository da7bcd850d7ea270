"""Translation models on first use: install the ru->en / uk->en packages a run's input needs.

Without a model, Russian and Ukrainian documents get no English (text_en null, and a warning
naming the install command). With `translate.auto_install` (the default; `transnorm run
--offline` or the flow parameter `offline` turns it off) a run first looks at its input (up to
SCAN_DOCUMENTS documents; only text with Cyrillic letters is language-detected, as the pipeline
will) and installs each missing pair from the Argos package index (`translate.package_index`,
default Argos' own) before any document is translated. When the index cannot be reached the run
goes on exactly as before: those records carry the warning and the command to run by hand.

Installing before the run, not when a batch meets its first Russian sentence, keeps every record
of the run translated by the same models (the pipeline digest names them).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from transnorm.config import Config
from transnorm.detect import detect_language
from transnorm.records import Document, IngestError
from transnorm.translation.models import ModelError, ModelInfo, find_model, install_from_index, models_dir_for

log = logging.getLogger(__name__)
LANGUAGES = ("ru", "uk")  # the source languages transnorm translates to English
SCAN_DOCUMENTS = 5000  # documents of the input looked at; a language first met later is not seen
CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


@dataclass
class FirstUse:
    needed: list[str] = field(default_factory=list)  # input languages that had no model
    installed: list[ModelInfo] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # language -> why it could not be installed


def missing_pairs(cfg: Config) -> list[str]:
    """Languages among ru, uk (and configured) with no model to English installed."""
    folder = models_dir_for(cfg.translate)
    return [lang for lang in LANGUAGES if lang in cfg.detect.languages and find_model(lang, "en", folder) is None]


def input_languages(items: Iterable[Document | IngestError], cfg: Config, wanted: list[str],
                    limit: int = SCAN_DOCUMENTS) -> list[str]:
    """Which of `wanted` the first `limit` documents are in (stops once all are found)."""
    found: set[str] = set()
    for n, item in enumerate(items):
        if n >= limit or found == set(wanted):
            break
        if not isinstance(item, Document):
            continue
        lang = (item.lang or "").lower()
        if lang not in cfg.detect.languages:
            sample = item.text[:2000]
            lang = detect_language(sample, cfg.detect) if CYRILLIC_RE.search(sample) else "en"
        if lang in wanted:
            found.add(lang)
    return [lang for lang in wanted if lang in found]


def ensure_models(inputs: list[str], cfg: Config, offline: bool = False,
                  progress: Callable[[str], Callable[[int, int | None], None]] | None = None) -> FirstUse:
    """Install the models `inputs` need and lack, unless offline; never raises for a network error.

    `progress(name)`: returns a (done, total) callback for one download (the CLI draws its bar)."""
    from transnorm.ingest import iter_inputs

    result = FirstUse()
    if offline or not cfg.translate.auto_install:
        return result
    missing = missing_pairs(cfg)
    if not missing:
        return result
    result.needed = input_languages(iter_inputs(inputs, cfg.ingest), cfg, missing)
    folder = models_dir_for(cfg.translate)
    for lang in result.needed:
        hook = progress(f"downloading the {lang}->en model") if progress else None
        try:
            info = install_from_index(lang, "en", folder, index_url=cfg.translate.package_index or None,
                                      progress=hook)
        except ModelError as exc:
            result.failed[lang] = str(exc)  # the caller says so (the flow: in the run's log)
            if "offline" in str(exc):
                break  # the next download would wait for the same network
            continue
        result.installed.append(info)
        log.info("installed %s for %s input (%s)", info.model_id, lang, info.path)
    return result
