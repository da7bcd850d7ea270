"""One place = one entry: generated layers merged with each other and into curated entries.

A curated entry absorbs its generated duplicates (same GeoNames id, ISO code, or same name
nearby) and keeps its id and canonical; the absorbed ids stay as aliases, so parents,
overrides and lookups by an old id still resolve.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from transnorm.gazetteer.entries import Entry, km_between
from transnorm.text.fold import WORD_RE, fold, fold_words, is_cyrillic, letter_count

KIND_FAMILY = {
    "country": "country",
    "oblast": "region", "federal-subject": "region", "autonomous-republic": "region", "region": "region",
    "province": "region", "krai": "region", "republic": "region", "state": "region",
    "autonomous-okrug": "region", "autonomous-oblast": "region",
    "city": "settlement", "town": "settlement", "village": "settlement", "settlement": "settlement",
}
_ISO_IN_NOTE = re.compile(r"\b([A-Z]{2}-[A-Z0-9]{1,3})\b")
NEAR_KM = 30.0


def _family(e: Entry) -> str | None:
    return KIND_FAMILY.get(e.kind)


def absorb(winner: Entry, loser: Entry, blocked: frozenset[str] | set[str] = frozenset(),
           taken_by: dict[str, set[str]] | None = None) -> None:
    """Fold `loser` (a duplicate of the same place) into `winner`, in place.

    The winner keeps its id, canonical, kind, country and parent; missing facts
    (geonames_id, coordinates, population, parent) come from the loser, and every name
    of the loser becomes a name of the winner (its canonical an English alias), except
    names no generated entry may have alone (`blocked`, one to three letters) and names
    `taken_by` another entry (folded key -> ids: GeoNames lists "Novorosyisk" for Krasnodar).
    """
    for f in ("geonames_id", "lat", "lon", "population", "parent", "country"):
        if getattr(winner, f) is None and getattr(loser, f) is not None:
            setattr(winner, f, getattr(loser, f))
    have = {(lang, fold_words(n)) for n, lang, _ in winner.names()}
    aliases = {k: list(v) for k, v in winner.aliases.items()}

    def put(bucket: dict[str, list[str]], lang: str, name: str) -> None:
        k = (lang, fold_words(name))
        if k[1] in blocked or (" " not in k[1] and letter_count(name) < (3 if is_cyrillic(name) else 4)):
            return  # the same rule as for generated names (compile_index)
        if lang == "other" and not name[:1].isupper():
            return
        if taken_by is not None and taken_by.get(k[1], {winner.id}) - {winner.id, loser.id}:
            return
        if k not in have and k[1]:
            have.add(k)
            bucket.setdefault(lang, []).append(name)

    put(aliases, "en", loser.canonical)
    for lang, names in loser.aliases.items():
        for n in names:
            put(aliases, lang, n)
    winner.aliases = aliases
    if winner.short and loser.short_aliases:
        sa = {k: list(v) for k, v in winner.short_aliases.items()}
        for lang, names in loser.short_aliases.items():
            for n in names:
                put(sa, lang, n)
        winner.short_aliases = sa
    winner.historic = list(dict.fromkeys(winner.historic + loser.historic))
    winner.colloquial = list(dict.fromkeys(winner.colloquial + loser.colloquial))


def _copy(e: Entry) -> Entry:
    d = dict(e.__dict__)
    d["aliases"] = {k: list(v) for k, v in e.aliases.items()}
    d["short_aliases"] = {k: list(v) for k, v in e.short_aliases.items()}
    d["historic"], d["colloquial"] = list(e.historic), list(e.colloquial)
    out = Entry.__new__(Entry)
    out.__dict__.update(d)
    return out


@dataclass
class MergeResult:
    entries: list[Entry]
    aliases: dict[str, str]  # absorbed id -> absorbing id (resolved: never a chain)
    absorbed: dict[str, int]  # how many generated entries each rule folded away


def merge_layers(layers: list[tuple[str, list[Entry]]], curated: list[Entry],
                 blocked: frozenset[str] | set[str] = frozenset()) -> MergeResult:
    """One place = one entry: merge the generated layers with each other and into the curated ones.

    Two steps, so the index build can cache the first (store.py): merge_generated, then
    merge_curated. Generated with generated (later layers win): same id, same geonames_id, and a
    pycountry city-subdivision (Kyiv, Sevastopol, Moscow) with the GeoNames city of the
    same country and name. Curated entries then absorb their generated duplicates: the same
    geonames_id; a country entry with the same country code; a subdivision whose ISO 3166-2
    code is in the curated entry's note or id-mapped geonames_id; else the same country,
    kind family (country / region / settlement) and folded name, nearest within 30 km when
    both have coordinates, or the only such candidate. The curated entry keeps its id and
    canonical; ids of absorbed entries are kept as aliases (parents, overrides, lookups).
    """
    return merge_curated(merge_generated(layers), curated, blocked)


def merge_generated(layers: list[tuple[str, list[Entry]]]) -> MergeResult:
    """The generated layers merged with each other (copies: the layers are not changed).
    `aliases` are not resolved yet (merge_curated does that)."""
    alias: dict[str, str] = {}
    counts: dict[str, int] = defaultdict(int)
    by_id: dict[str, Entry] = {}
    by_gid: dict[int, str] = {}
    for _name, entries in layers:
        for e in entries:
            e = _copy(e)
            old = by_id.get(e.id)
            if old is None and e.geonames_id and e.geonames_id in by_gid:
                old_id = by_gid[e.geonames_id]
                old = by_id.get(old_id)
                if old is not None and _family(old) != _family(e):
                    old = None  # an ADM1 and its capital never share a geonames_id, but be safe
            if old is not None:
                absorb(e, old)
                del by_id[old.id]
                if old.id != e.id:
                    alias[old.id] = e.id
                counts["generated: same id or geonames_id"] += 1
            by_id[e.id] = e
            if e.geonames_id:
                by_gid[e.geonames_id] = e.id
    # pycountry city subdivisions (iso-UA-30 Kyiv) -> the GeoNames city with that name
    names: dict[tuple, list[Entry]] = defaultdict(list)
    for e in by_id.values():
        if _family(e) == "settlement" and not e.id.startswith("iso-"):
            names[(e.country, fold_words(e.canonical))].append(e)
    for e in [e for e in by_id.values() if e.id.startswith("iso-") and _family(e) == "settlement"]:
        cands = names.get((e.country, fold_words(e.canonical)), [])
        if cands:
            city = max(cands, key=lambda c: c.population or 0)
            absorb(city, e)
            del by_id[e.id]
            alias[e.id] = city.id
            counts["generated: city subdivision into its city"] += 1
    return MergeResult(list(by_id.values()), alias, dict(counts))


def merge_curated(gen: MergeResult, curated: list[Entry],
                  blocked: frozenset[str] | set[str] = frozenset()) -> MergeResult:
    """Curated entries absorb their generated duplicates (`gen` from merge_generated; its
    entries and the curated ones are changed in place). See merge_layers for the rules."""
    alias = dict(gen.aliases)
    counts: dict[str, int] = defaultdict(int, gen.absorbed)
    by_id: dict[str, Entry] = {e.id: e for e in gen.entries}

    def resolve(i: str) -> str:
        seen = 0
        while i in alias and seen < 16:
            i, seen = alias[i], seen + 1
        return i

    gen_gid: dict[int, Entry] = {e.geonames_id: e for e in by_id.values() if e.geonames_id}
    # Only names a curated place could meet are folded (their first word must be one of a curated
    # Latin name's first words): most of GeoNames' ~200,000 English names are not, and folding
    # them all was a third of this merge.
    firsts = {fold(m.group()) for c in curated if c.type == "place" for n, _l, tag in c.names()
              if tag != "historic" and not is_cyrillic(n) and (m := WORD_RE.search(n))}
    gen_names: dict[tuple, list[Entry]] = defaultdict(list)
    for e in by_id.values():
        fam = _family(e)
        if fam:
            for n in {e.canonical, *e.aliases.get("en", [])}:
                m = WORD_RE.search(n)
                if m is not None and fold(m.group()) in firsts:
                    gen_names[(e.country, fam, fold_words(n))].append(e)
    curated_ids = {c.id for c in curated}
    taken: set[str] = set()
    # names a curated entry may not absorb: another curated entry's, or a generated place's own
    # name (GeoNames lists "Krolevets", a Ukrainian town, as a name of Kaliningrad)
    curated_keys: dict[str, set[str]] = defaultdict(set)
    for c in curated:
        for n, _lang, tag in c.names():
            if tag != "historic":
                curated_keys[fold_words(n)].add(c.id)
    for g in by_id.values():
        curated_keys[fold_words(g.canonical)].add(g.id)

    def take(c: Entry, g: Entry, rule: str) -> None:
        absorb(c, g, blocked, curated_keys)
        taken.add(g.id)
        alias[g.id] = c.id
        counts[f"curated: {rule}"] += 1

    for c in curated:
        if c.type != "place":
            continue
        fam = _family(c)
        g = gen_gid.get(c.geonames_id) if c.geonames_id else None
        if g is not None and g.id not in taken and g.id not in curated_ids and (_family(g) == fam or not fam):
            take(c, g, "same geonames_id")
            continue
        if fam == "country" and c.country:
            g = by_id.get(f"iso-{c.country}")
            if g is not None and g.id not in taken:
                take(c, g, "same country code")
                continue
        if fam == "region":
            m = _ISO_IN_NOTE.search(c.note or "")
            g = by_id.get(f"iso-{m.group(1)}") if m else None
            if g is not None and g.id not in taken:
                take(c, g, "same ISO 3166-2 code")
                continue
        if not fam or not c.country:
            continue
        keys = {fold_words(n) for n, lang, tag in c.names() if tag != "historic" and not is_cyrillic(n)}
        cands = {g.id: g for k in keys for g in gen_names.get((c.country, fam, k), []) if g.id not in taken}
        if not cands:
            continue
        cands_l = list(cands.values())
        dist = [(d, g) for g in cands_l if (d := km_between(c, g)) is not None]
        if dist:
            d, g = min(dist, key=lambda x: x[0])
            if d <= NEAR_KM:
                take(c, g, "same name, nearby")
        elif len(cands_l) == 1:
            take(c, cands_l[0], "same name, only candidate")
    out = [e for e in by_id.values() if e.id not in taken]
    resolved = {a: resolve(a) for a in alias}
    known = {e.id for e in out} | curated_ids
    merged = out + list(curated)
    for e in merged:
        if e.parent:
            p = resolved.get(e.parent, e.parent)
            e.parent = p if p in known and p != e.id else None
    return MergeResult(merged, resolved, dict(counts))


def overlay(base: list[Entry], top: list[Entry]) -> list[Entry]:
    """Entries in `top` replace entries in `base` with the same id or geonames_id."""
    ids = {e.id for e in top}
    gn = {e.geonames_id for e in top if e.geonames_id}
    return [e for e in base if e.id not in ids and (not e.geonames_id or e.geonames_id not in gn)] + top
