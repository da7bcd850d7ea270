"""The compiled gazetteer: every way of writing every entry, folded into lookup keys.

Built once from the YAML layers (and, when configured, generated layers), cached on disk
by a hash of its inputs, loaded in well under a second. Matching only ever talks to an
Index, never to YAML.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .fold import fold, fold_name, tokenize
from .gazetteer import Entry, entry_files, load_entries, load_yaml

INDEX_FORMAT = 3  # bump when the pickled layout changes


@dataclass(frozen=True, slots=True)
class NameRef:
    """One way of writing one entry: what was written and how it came to be."""

    entry: int  # position in Index.entries
    tag: str  # canonical, alias, short, historic, colloquial, variant, surname, override
    lang: str
    written: str
    short: bool = False  # a mention of this name is rewritten to the entry's short form
    upper: bool = False  # an abbreviation (DPR, RF): only matches text written in capitals


@dataclass
class Lexicon:
    region_words: dict[str, list[str]] = field(default_factory=dict)
    region_kinds: set[str] = field(default_factory=set)
    of_forms: list[str] = field(default_factory=list)
    stopwords: set[str] = field(default_factory=set)  # folded

    @classmethod
    def load(cls, path: Path) -> "Lexicon":
        if not path.exists():
            return cls()
        data = load_yaml(path) or {}
        data.pop("__line__", None)
        rw = {k: v for k, v in (data.get("region_words") or {}).items() if k != "__line__"}
        return cls(
            region_words=rw,
            region_kinds=set(data.get("region_kinds") or []),
            of_forms=list(data.get("of_forms") or []),
            stopwords={fold_name(w) for w in data.get("stopwords") or []},
        )


@dataclass
class Index:
    entries: list[Entry]
    keys: dict[str, list[NameRef]]  # folded multiword key -> refs
    max_tokens: int
    blocks: dict[str, list[str]]  # fuzzy blocking: first 3 chars of key -> keys
    lexicon: Lexicon
    digest: str  # hash of the inputs: provenance of every record
    by_id: dict[str, int] = field(default_factory=dict)
    rejected: set[tuple[str, str]] = field(default_factory=set)  # (folded surface, entry id)

    def entry(self, ref: NameRef) -> Entry:
        return self.entries[ref.entry]

    def lookup(self, key: str) -> list[NameRef]:
        return self.keys.get(key, [])

    @property
    def size(self) -> int:
        return len(self.keys)


VariantFn = Callable[[str, str], Iterable[str]]


def _cyrillic(s: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in s)


def _default_variants(name: str, lang: str) -> set[str]:
    """Latin spellings of a Cyrillic or Turkish name, from the transliteration module."""
    try:
        from . import translit
    except ImportError:  # pragma: no cover - translit ships with the package
        return set()
    if _cyrillic(name):
        return set(translit.latin_variants(name, lang))
    if lang == "tr":
        return set(translit.turkish_variants(name))
    return set()


def _region_forms(name: str, lex: Lexicon) -> set[str]:
    """'Kherson region' -> {'Kherson Oblast', 'Kherson province', ...}."""
    words = lex.region_words.get("en", [])
    parts = name.rsplit(" ", 1)
    if len(parts) == 2 and parts[1] in words:
        return {f"{parts[0]} {w}" for w in words} | {f"region of {parts[0]}"}
    return set()


def _of_forms(name: str, lex: Lexicon) -> set[str]:
    """'Çırağan Palace' -> {'Palace of Çırağan'}."""
    parts = name.rsplit(" ", 1)
    if len(parts) == 2 and parts[1] in lex.of_forms:
        return {f"{parts[1]} of {parts[0]}"}
    return set()


def compile_index(
    entries: list[Entry],
    lexicon: Lexicon,
    digest: str = "",
    variants: VariantFn = _default_variants,
    accepted: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
) -> Index:
    """Fold every name of every entry (plus generated spellings) into lookup keys.

    `accepted` (surface, entry id) pairs from review decisions become names with tag
    `override`; `rejected` pairs are kept so the matcher never links them.
    """
    keys: dict[str, dict[tuple[int, bool], NameRef]] = defaultdict(dict)
    by_id = {e.id: i for i, e in enumerate(entries)}

    def add(i: int, written: str, tag: str, lang: str, short: bool) -> None:
        key = fold_name(written)
        if not key:
            return
        if tag in ("surname", "variant") and " " not in key and (len(key) < 4 or key in lexicon.stopwords):
            return  # "Ын" -> "In": a generated one-word key must not be a common word
        upper = written.isupper() and len(written.replace(".", "")) <= 5 and not _cyrillic(written)
        slot = (i, short)
        old = keys[key].get(slot)
        # Keep the most authoritative tag for this (entry, key): canonical beats variant.
        if old is None or _TAG_RANK[tag] < _TAG_RANK[old.tag]:
            keys[key][slot] = NameRef(i, tag, lang, written, short, upper and (old is None or old.upper))

    for i, e in enumerate(entries):
        region = e.kind in lexicon.region_kinds
        for written, lang, tag in e.names():
            short = tag == "short"
            add(i, written, tag, lang, short)
            for v in variants(written, lang):
                add(i, v, "variant", lang, short)
            for form in (_region_forms(written, lexicon) if region else set()) | _of_forms(written, lexicon):
                add(i, form, "variant", lang, short)
        if e.type == "person":
            # A surname alone ("Zelensky expressed...") is a mention of the person.
            for written, lang, tag in list(e.names()):
                if tag in ("canonical", "alias") and " " in written:
                    last = written.rsplit(" ", 1)[1]
                    add(i, last, "surname", lang, True)
                    for v in variants(last, lang):
                        add(i, v, "surname", lang, True)
    for surface, gid in accepted:
        if gid in by_id:
            add(by_id[gid], surface, "override", "*", False)

    final = {k: list(v.values()) for k, v in keys.items()}
    blocks: dict[str, list[str]] = defaultdict(list)
    for k in final:
        blocks[k[:3]].append(k)
    return Index(
        entries=entries,
        keys=final,
        max_tokens=max((k.count(" ") + 1 for k in final), default=1),
        blocks=dict(blocks),
        lexicon=lexicon,
        digest=digest,
        by_id=by_id,
        rejected={(fold_name(s), gid) for s, gid in rejected},
    )


_TAG_RANK = {t: r for r, t in enumerate(
    ["override", "canonical", "alias", "short", "historic", "colloquial", "variant", "surname"])}


def _hash_inputs(paths: Iterable[Path], extra: str = "") -> str:
    h = hashlib.sha256()
    h.update(f"{INDEX_FORMAT}:{__version__}:{extra}".encode())
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    try:  # the transliteration code shapes the keys too
        from . import translit
        h.update(Path(translit.__file__).read_bytes())
    except ImportError:  # pragma: no cover
        pass
    return h.hexdigest()[:16]


def build_index(folder: Path, extra_entries: Callable[[], list[Entry]] | None = None,
                extra_key: str = "") -> Index:
    """Load every YAML layer in `folder` (plus review overrides) and compile the index."""
    from .review import load_overrides  # the review module owns the overrides format

    files = entry_files(folder)
    overrides_path = folder / "overrides.yaml"
    inputs = list(files) + [p for p in (folder / "lexicon.yaml", overrides_path) if p.exists()]
    digest = _hash_inputs(inputs, extra_key)
    entries: list[Entry] = list(extra_entries()) if extra_entries else []
    curated: list[Entry] = []
    for p in files:
        curated.extend(load_entries(p))
    entries = _merge(entries, curated)
    accepted: list[tuple[str, str]] = []
    rejected: list[tuple[str, str]] = []
    if overrides_path.exists():
        ov = load_overrides(overrides_path)
        entries = _merge(entries, ov.entries)
        accepted = [(a.surface, a.gazetteer_id) for a in ov.accept]
        rejected = [(r.surface, r.gazetteer_id) for r in ov.reject]
    return compile_index(entries, Lexicon.load(folder / "lexicon.yaml"), digest,
                         accepted=accepted, rejected=rejected)


def _merge(base: list[Entry], top: list[Entry]) -> list[Entry]:
    """Entries in `top` replace entries in `base` with the same id or geonames_id."""
    ids = {e.id for e in top}
    gn = {e.geonames_id for e in top if e.geonames_id}
    return [e for e in base if e.id not in ids and (not e.geonames_id or e.geonames_id not in gn)] + top


def load_or_build(folder: Path, cache_dir: Path, **kw) -> Index:
    """Return the cached index when its inputs are unchanged, else build and cache it."""
    from .review import load_overrides  # noqa: F401  (import errors surface here, not in a worker)

    files = entry_files(folder)
    extra = [p for p in (folder / "lexicon.yaml", folder / "overrides.yaml") if p.exists()]
    digest = _hash_inputs(list(files) + extra, kw.get("extra_key", ""))
    path = cache_dir / f"index-{digest}.pickle"
    if path.exists():
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)  # noqa: S301 - our own cache file, keyed by content hash
        except Exception:  # a torn or stale cache is rebuilt, never fatal
            pass
    index = build_index(folder, **kw)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return index
