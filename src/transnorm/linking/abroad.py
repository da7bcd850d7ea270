"""Homonyms abroad: "Paris, Texas", "Одесса в штате Техас", "в американському Парижі".

A place written with a qualifier — the state, province or country it is in — is a place of that
state or country, never its Ukrainian or Russian namesake. `qualifier` finds the qualifier of
the k-th found name; resolve.py then raises the candidates inside it and counts every candidate
of another country (or, for a state, of another state of the same country) against, so the
mention links to the foreign place the gazetteer has, or to nothing. Where the qualifier may
stand: lexicon.yaml `abroad`.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from transnorm.gazetteer.entries import ADMIN_UNIT_KINDS, REGION_KINDS, SETTLEMENT_KINDS, Entry
from transnorm.gazetteer.index import Index
from transnorm.linking.hits import Hit
from transnorm.text.fold import Token
from transnorm.text.morph import is_cyrillic_word

# Kinds that qualify a place written just before them ("Odessa, Texas").
CONTAINER_KINDS = {"country", "state", "oblast", "federal-subject", "province", "region", "autonomous-republic"}
SUBDIVISION_KINDS = CONTAINER_KINDS - {"country"}  # the only qualifiers written after "в"/"in"
STATE_KINDS = frozenset({"state", "province"})  # a qualifier that names the one place it holds
_GAP_RE = re.compile(r"[\s,()]*")
MAX_BETWEEN = 4  # words between a place and its qualifier ("в штате", "in the state of")


class Qualifier(NamedTuple):
    place: Entry  # the state, province or country the name is said to be in
    weak: bool  # only an adjective says so ("американский"): which namesake there is a guess


def qualifier(text: str, tokens: list[Token], hits: list[Hit], k: int, index: Index) -> Qualifier | None:
    """What qualifies hits[k]: the container written after it, the unit it lies in (in the
    genitive, right after it), or an adjective of a country before it."""
    after = _after(text, tokens, hits, k, index) or _unit_after(text, tokens, hits, k, index)
    return Qualifier(after, False) if after is not None else _adjective(text, tokens, hits[k], index)


UNIT_AFTER_GAP = 2  # words between a settlement and its unit: a hromada (adjective + head), kept apart
_BREAK_RE = re.compile(r"[,.;:!?()\[\]\n«»\"–—-]")


def _unit_after(text: str, tokens: list[Token], hits: list[Hit], k: int, index: Index) -> Entry | None:
    """'в селе Замостье Грайворонского городского округа', 'села Иваново Красносельской ОТГ
    Одесского района': in Cyrillic text a raion, district or region in the genitive right after
    a name is where that place lies (so not Zamość in Poland, not the city of Ivanovo)."""
    h = hits[k]
    if not is_cyrillic_word(tokens[h.end_tok - 1].text):
        return None
    for nxt in hits[k + 1:k + 3]:
        between = tokens[h.end_tok:nxt.start_tok]
        if between and not (len(between) == UNIT_AFTER_GAP and between[0].text[:1].isupper()):
            return None  # only a unit may stand between ("Красносельской ОТГ"), not "и Нагорном Карабахе"
        if _BREAK_RE.search(text[tokens[h.end_tok - 1].end:tokens[nxt.start_tok].start]):
            return None
        unit = _unit_of(nxt, index)
        if unit is not None:
            return unit
    return None


def _unit_of(h: Hit, index: Index) -> Entry | None:
    """The unit or region a hit names (one country's), else None."""
    units = [index.entries[ei] for ei in h.refs]
    if units and all(e.kind in ADMIN_UNIT_KINDS or e.kind in REGION_KINDS or _covers_region(e) for e in units) \
            and len({e.country for e in units}) == 1 and units[0].country:
        return units[0]
    return None


def _covers_region(e: Entry) -> bool:
    """A self-proclaimed entity over an oblast ("ДНР": its parent is Donetsk Oblast) qualifies
    a place like the oblast does ("Новоукраинка ДНР")."""
    return e.kind == "self-proclaimed" and e.parent is not None


def _after(text: str, tokens: list[Token], hits: list[Hit], k: int, index: Index) -> Entry | None:
    """'Odessa, Texas', 'Одесса (штат Техас)', 'Одесса в штате Техас', 'Odessa in Texas'."""
    if k + 1 >= len(hits):
        return None
    h, nxt = hits[k], hits[k + 1]
    if nxt.start_tok - h.end_tok > MAX_BETWEEN:
        return None
    between = tokens[h.end_tok:nxt.start_tok]
    words = [t.key for t in between]
    if any(w not in index.lexicon.abroad_between for w in words):
        return None
    gap = text[tokens[h.end_tok - 1].end:tokens[nxt.start_tok].start]
    for t in between:  # what is left between the words: only commas, brackets and spaces
        gap = gap.replace(t.text, " ", 1)
    if not (("," in gap or "(" in gap) or words) or not _GAP_RE.fullmatch(gap):
        return None
    containers = [e for e in (index.entries[ei] for ei in nxt.refs) if e.kind in CONTAINER_KINDS]
    if len(containers) != 1:
        return None
    e = containers[0]
    if not words and _list_of_towns(h, nxt, index):
        return None  # "Тимашевськ, Армавір": Armavir the Russian town, another item, not Armenia's province
    if words and "," not in gap and "(" not in gap and (e.kind not in SUBDIVISION_KINDS or len(nxt.refs) > 1):
        return None  # "Москва в Польше видит угрозу": a country after "в" is where, not which; and
        # "в Стамбуле" is the city far more often than its province
    return e


LIST_TOWN_POPULATION = 20_000  # a town this big named like a region is the next item of a list


def _list_of_towns(h: Hit, nxt: Hit, index: Index) -> bool:
    """Is the name after the comma also a sizeable town of the country of the likeliest place before it?"""
    country = max((index.entries[ei] for ei in h.refs), key=lambda e: e.population or 0).country
    return any(index.entries[ei].kind in SETTLEMENT_KINDS and index.entries[ei].country == country
               and (index.entries[ei].population or 0) >= LIST_TOWN_POPULATION for ei in nxt.refs)


def _adjective(text: str, tokens: list[Token], h: Hit, index: Index) -> Qualifier | None:
    """'в американском Париже': an adjective of a country right before the name."""
    j = h.start_tok - 1
    if j < 0 or not tokens[h.start_tok].joined or not index.lexicon.abroad_adjectives:
        return None
    key = tokens[j].key
    adjectives = index.lexicon.abroad_adjectives
    if key[:4] not in _heads(adjectives):
        return None
    for stem, cc in adjectives.items():
        if key.startswith(stem):
            ei = index.by_id.get(f"country-{cc.lower()}")
            return Qualifier(index.entries[ei], True) if ei is not None else None
    return None


_HEADS: dict[int, tuple[dict, frozenset[str]]] = {}


def _heads(adjectives: dict[str, str]) -> frozenset[str]:
    """The first four letters of every adjective stem (memoised per lexicon): most words stop here."""
    got = _HEADS.get(id(adjectives))
    if got is None or got[0] is not adjectives:
        got = (adjectives, frozenset(s[:4] for s in adjectives))
        _HEADS[id(adjectives)] = got
    return got[1]


def against(e: Entry, q: Qualifier, index: Index | None = None) -> bool:
    """Is candidate e outside the qualifier? Another country, another state of its country, or
    (with `index`) a settlement of another oblast than the region or unit written after it
    ("Новоукраинка Донецкой области" is no town of Kirovohrad Oblast)."""
    if e.id == q.place.id or e.kind in CONTAINER_KINDS:
        return False  # a country or region is not qualified: "Austria, Bulgaria, Croatia" is a list
    if e.country and q.place.country and e.country != q.place.country:
        return True
    if q.place.kind in STATE_KINDS:
        return bool(e.parent and e.parent != q.place.id and e.country == q.place.country)  # Paris, Kentucky
    region = region_of(q.place)
    if index is None or region is None or e.kind not in SETTLEMENT_KINDS or e.parent is None:
        return False
    return not within(e, region, index)


def region_of(place: Entry) -> str | None:
    """The id of the oblast (or like region) a qualifier names or lies in: an oblast itself, the
    oblast of a raion or district, the oblast a self-proclaimed entity covers."""
    if _covers_region(place):
        return place.parent
    if place.kind in REGION_KINDS:
        return place.id
    return place.parent if place.kind in ADMIN_UNIT_KINDS else None


def within(e: Entry, region: str, index: Index) -> bool:
    """Does e lie in `region` by its chain of parents (a village's raion, the raion's oblast)?"""
    seen = 0
    parent = e.parent
    while parent is not None and seen < 4:
        if parent == region:
            return True
        up = index.get(parent)
        parent, seen = (up.parent if up is not None else None), seen + 1
    return False


_CAP = r"[A-ZА-ЯІЇЄҐЁ][\w'’ʼ-]*"
_LIST_GAP = r"\s*(?:,|,?\s+(?:и|і|й|та|and))\s+"
#: from one member of a list to a later one, over members nobody recognised ("Максимильяновка")
TO_MEMBER_RE = re.compile(rf"(?:{_LIST_GAP}{_CAP}(?:\s+{_CAP})?)*{_LIST_GAP}")
#: from one member to the unit written right after the last one, an unrecognised member
TO_UNIT_RE = re.compile(rf"(?:{_LIST_GAP}{_CAP}(?:\s+{_CAP})?)+\s+")
LIST_REACH = 8  # members a shared qualifier reaches back over


def shared_qualifiers(text: str, tokens: list[Token], hits: list[Hit], cues: list[Qualifier | None],
                      index: Index) -> None:
    """"Угледар, Новоукраинка и Максимильяновка ДНР", "Новоукраинки и Угледара Донецкой области":
    the oblast (or unit) written after the last name of a list is where each of them lies, given to
    the earlier members (resolve holds a domestic oblast against places under 20,000 only: a city
    listed before "... и Новоукраинке Донецкой области" may be a list of its own)."""
    for k in range(len(hits) - 2, -1, -1):
        if cues[k] is not None:
            continue
        end = tokens[hits[k].end_tok - 1].end
        for m in range(k + 1, min(len(hits), k + 1 + LIST_REACH)):
            between = text[end:tokens[hits[m].start_tok].start]
            got = cues[m]
            if got is not None and TO_MEMBER_RE.fullmatch(between):
                if not got.weak and got.place.kind not in STATE_KINDS and region_of(got.place) is not None:
                    cues[k] = got
                break
            unit = _unit_of(hits[m], index)
            if unit is not None and region_of(unit) is not None and TO_UNIT_RE.fullmatch(between):
                cues[k] = Qualifier(unit, False)
                break
            if not TO_MEMBER_RE.fullmatch(between):
                break
