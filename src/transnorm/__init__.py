"""transnorm: Russian and Ukrainian news text to clean English records with canonical names.

The public API, for use without the CLI or Prefect:

    from transnorm import normalise
    rec, = normalise(["Air raid alert in Kiev and the Kiev region."])
    rec.text_en    # 'Air raid alert in Kyiv and the Kyiv Oblast.'
    rec.entities   # [Entity(surface='Kiev', canonical='Kyiv', gazetteer_id='ua-city-kyiv', ...), ...]

`load_config` reads a config file (or the defaults), `process_batch` runs documents through
every stage, and `Document`, `Record`, `Entity` are the typed records they take and return.
Names are imported on first use, so `import transnorm` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from transnorm.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.config import Config, load_config
    from transnorm.pipeline import process_batch
    from transnorm.records import Document, Entity, Record

__all__ = ["__version__", "load_config", "process_batch", "normalise", "Config", "Document", "Record", "Entity"]

_LAZY = {
    "load_config": "transnorm.config", "Config": "transnorm.config", "process_batch": "transnorm.pipeline",
    "Document": "transnorm.records", "Record": "transnorm.records", "Entity": "transnorm.records",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'transnorm' has no attribute {name!r}")


def normalise(texts: Iterable[str], lang: str | None = None, config: Config | None = None) -> list[Record]:
    """Records for plain texts (ids doc-1, doc-2, ...): language detected unless `lang` is given."""
    from transnorm.config import load_config
    from transnorm.pipeline import process_batch
    from transnorm.records import Document

    docs = [Document(id=f"doc-{i}", text=t, source="<api>", lang=lang) for i, t in enumerate(texts, 1)]
    return process_batch(docs, config or load_config(None))
