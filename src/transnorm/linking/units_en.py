"""Administrative units in English text: lists under one plural head ("Kharkiv, Kupyan and
Chuguyiv districts"), a singular head ("the Chuguyiv district"), axes ("the Pokrovsky direction")
and the unit preferred over a settlement of the same name when its head noun follows.
The Cyrillic side (adjective + head noun) is units.py."""
from __future__ import annotations

import re
from typing import Sequence

from transnorm.gazetteer.adjectives import rules_for, table_for
from transnorm.gazetteer.entries import REGION_KINDS, SETTLEMENT_KINDS
from transnorm.gazetteer.index import Index, NameRef
from transnorm.linking.centres import latin_centre
from transnorm.linking.derived import per_index
from transnorm.linking.hits import Hit, capitalised
from transnorm.linking.units import UnitMatch, count_at, rank_centres
from transnorm.text.fold import Token, fold_name
from transnorm.text.translit import KMU_LETTERS

PLURAL_UNIT_HEADS = {"districts": "district", "raions": "district", "rayons": "district",
                     "communities": "community", "hromadas": "hromada", "regions": "region", "oblasts": "oblast",
                     # "the Dnipropetrovsk Regional Military Administration", "Kharkiv regional council":
                     # a body of the oblast, named by the oblast's centre
                     "Regional": "region", "regional": "region",
                     # ... and its abbreviations: "the Kherson RMA", "Kharkiv OVA", "Sumy RSA", "Odesa ODA"
                     "RMA": "region", "RSA": "region", "OVA": "region", "ODA": "region"}
# between two members: a comma, "and", "or"; a tally in brackets may follow the first ("Kursk (12), ...")
LIST_GAP_RE = re.compile(r"(?:\s*\(\d+\))?\s*(?:,|,?\s+(?:and|or)|&)\s*")
SINGULAR_UNIT_HEADS = {"district": "district", "raion": "district", "rayon": "district"}


# between a name and its singular unit noun: "the Borova territorial community", "the Shebekinsky
# city district" (Шебекинский городской округ: Russia's districts turned urban okrugs keep the name)
UNIT_MODIFIERS = frozenset({"territorial", "city", "urban", "municipal"})
ADJECTIVE_NAME_RE = re.compile(r"(?:sky|skiy|skyi|skii|ska|ske|skaya|skoye)$")  # city/urban: an adjective's only
HROMADA_NOUNS = frozenset({"community", "hromada"})  # "Znob-Novhorodske communities", "the Borova hromada"
HROMADA_WORDS = frozenset({"community", "communities", "hromada", "hromadas"})
LATIN_FEMININE_ADJECTIVE_RE = re.compile(r"[A-Z][a-z'’-]+ska$")  # громада is feminine: "Khotynska"
# A Russian district's adjective romanised ("Dobrinsky", "Glushkovskiy"): Russia has some 1,800
# districts, the gazetteer its border regions'; Ukraine's raions, old and new, are all listed.
RUSSIAN_DISTRICT_RE = re.compile(r"[A-Z][a-z]+(?:sky|skiy|skii|skoy|tsky|tskiy)$")


def english_unit_lists(text: str, tokens: Sequence[Token], hits: list, index: Index
                       ) -> tuple[list, list[UnitMatch], set[tuple[int, int]]]:
    """"Kharkiv, Kupyan and Chuguyiv districts", "the Kremenchug and Lubensky districts": a plural
    unit noun after a list of names makes each name the unit "<name> district" (the index's own
    English names of raions and districts; a member found only as a settlement, perhaps by a fuzzy
    match, tries its canonical). "Seredyna-Buda and Znob-Novhorodske communities", "the Borova
    territorial community": a Ukrainian settlement before a hromada noun is the centre of that
    hromada (generated like the Cyrillic "Охтирська громада"). Returns the hits, those members
    replaced, the hromadas, and the character spans of hromadas whose centre has namesakes of
    like weight ("the Krasnopillia community"): a hit on the candidate centres, for resolve to
    pick one that then becomes its hromada (units.hromada_of), as in Cyrillic text."""
    rules = rules_for(index)
    if rules is None:
        return hits, [], set()
    starts = {h.start_tok: h for h in hits}
    kinds = {k for ks in rules.targets.values() for k in ks}
    covered = {k for h in hits for k in range(h.start_tok, h.end_tok)}
    stop = index.lexicon.stopwords
    hromadas: list[UnitMatch] = []
    unclear: set[tuple[int, int]] = set()

    def take(a: int, b: int, noun: str, head: int, own: bool, single: bool = False) -> None:
        nonlocal hits
        refs = _unit_refs(tokens, a, b, noun, starts, index, kinds)
        if refs:  # a singular head is part of the unit's span; a list's plural head is written once, apart
            end = head + 1 if single else b
            hits = [h for h in hits if not (h.start_tok < end and a < h.end_tok)]
            hits.append(Hit(a, end, refs, "variant"))
        elif noun == "district" and b == a + 1 and a not in starts and RUSSIAN_DISTRICT_RE.match(tokens[a].text):
            # "Dobrinsky District": a district the gazetteer lacks, proposed like "Добринском районе"
            hits = [h for h in hits if not (h.start_tok < b and a < h.end_tok)]
            hromadas.append(UnitMatch(a, head + 1 if single else b, b, "raion", tokens[head].text, "",
                                      unlisted=re.sub(r"(?:skiy|skii|skoy)$", "sky", tokens[a].text)))
        elif noun in HROMADA_NOUNS and (m := _english_hromada(tokens, a, b, head, own, starts, index)):
            hits = [h for h in hits if not (h.start_tok < m.end_tok and a < h.end_tok)]
            if m.clear:
                hromadas.append(m)
            else:
                h = starts.get(a)
                refs = {p: h.refs[p] if h is not None and p in h.refs else NameRef(p, "variant", "uk")
                        for p in m.entries[:5]}
                hits.append(Hit(a, m.end_tok, refs, h.method if h is not None and h.end_tok == b else "variant"))
                unclear.add((tokens[a].start, tokens[m.end_tok - 1].end))
        elif noun in HROMADA_NOUNS and b == a + 1 and _unfound(starts.get(a)) \
                and (centre := latin_centre(tokens[a].text, rules)):
            # "Staromayakivska hromadas": no listed settlement makes the adjective (_english_hromada
            # found none), a centre the gazetteer lacks is proposed (centres.py)
            hits = [h for h in hits if not (h.start_tok < b and a < h.end_tok)]
            hromadas.append(UnitMatch(a, head + 1 if single else b, b, "hromada", tokens[head].text, "",
                                      unlisted=centre))

    for j, t in enumerate(tokens):
        noun = PLURAL_UNIT_HEADS.get(t.text)
        low = t.text.lower() if t.text[:1].isupper() else t.text  # "Starodubsky Municipal District"
        if noun is None and (low in SINGULAR_UNIT_HEADS or low in HROMADA_NOUNS) and j > 0 \
                and j not in covered:  # "the Chuguyiv district": the name and its noun, one unit
            mod = tokens[j - 1].text.lower()
            b = j - 1 if mod == "territorial" or (
                mod in UNIT_MODIFIERS and j > 1 and ADJECTIVE_NAME_RE.search(tokens[j - 2].text)) else j
            if b > 0 and capitalised(tokens[b - 1]) and (
                    b < j or low == t.text or RUSSIAN_DISTRICT_RE.match(tokens[b - 1].text)):
                a = b - 1
                while a > 0 and tokens[a].joined and capitalised(tokens[a - 1]) and tokens[a - 1].key not in stop:
                    a -= 1
                take(a, b, SINGULAR_UNIT_HEADS.get(low, low), j, True, single=True)
            continue
        end = j - 1 if noun is not None and count_at(text, tokens, j - 1) else j  # "Bryansk (36) regions"
        while noun is not None and end > 0 and capitalised(tokens[end - 1]):
            a = end - 1  # the member: capitalised words joined by spaces or hyphens ("The" is none)
            while a > 0 and tokens[a].joined and capitalised(tokens[a - 1]) and tokens[a - 1].key not in stop:
                a -= 1
            take(a, end, noun, j, end == j)
            conj = a > 1 and tokens[a - 1].key in ("and", "or")
            prev = a - 2 if conj else a - 1
            prev -= count_at(text, tokens, prev)
            if prev < 0 or not LIST_GAP_RE.fullmatch(text[tokens[prev].end:tokens[a].start]):
                break
            end = prev + 1
    # After a hromada noun, a bare Ukrainian adjective in -ska names a hromada too ("... communities.
    # Mortars hit Khotynska and Bilopilska"), as "в Ізюмському" after "районі" in Cyrillic.
    first = next((j for j, t in enumerate(tokens) if t.text.lower() in HROMADA_WORDS), None)
    if first is not None:
        taken = {k for h in hits if h.method not in ("fuzzy", "phonetic") for k in range(h.start_tok, h.end_tok)}
        taken |= {k for m in hromadas for k in range(m.start_tok, m.end_tok)}
        done = 0  # tokens up to here are a compound already taken
        for i in range(first + 1, len(tokens)):
            if i < done:
                continue
            k = _compound_end(text, tokens, i)  # "Novhorod-Siverska": its parts' own hits (Novgorod,
            if k > i + 1 and not (k < len(tokens) and tokens[k].text.lower() in HROMADA_WORDS) \
                    and LATIN_FEMININE_ADJECTIVE_RE.match(tokens[k - 1].text) \
                    and latin_adjective_places(" ".join(t.text for t in tokens[i:k]), index):  # Siversky) give way
                take(i, k, "community", first, False)
                done = k
                continue
            if i in taken or (i + 1 < len(tokens) and tokens[i + 1].text.lower() in HROMADA_WORDS):
                continue
            # "Khotynska", or a stem in a list: "communities include Khotyn, Yunakiv, Velykopysariv"
            feminine = LATIN_FEMININE_ADJECTIVE_RE.match(tokens[i].text) is not None
            if (feminine or (capitalised(tokens[i]) and _listed(text, tokens, i))) and latin_adjective_places(
                    tokens[i].text, index, truncated=not feminine):
                take(i, i + 1, "community", first, False)
    hits.sort(key=lambda h: h.start_tok)
    return hits, hromadas, unclear


def _compound_end(text: str, tokens: Sequence[Token], i: int) -> int:
    """The end of the hyphenated run of capitalised words starting at token i (i + 1: one word)."""
    if i > 0 and text[tokens[i - 1].end:tokens[i].start] == "-":
        return i + 1  # inside a run
    k = i + 1
    while k < len(tokens) and text[tokens[k - 1].end:tokens[k].start] == "-" and capitalised(tokens[k]):
        k += 1
    return k


def _unfound(h: Hit | None) -> bool:
    """No hit, or only a near miss (fuzzy, phonetic): the name itself is not known."""
    return h is None or h.method in ("fuzzy", "phonetic")


def _listed(text: str, tokens: Sequence[Token], i: int) -> bool:
    """Is token i one member of a list of capitalised single words ("Khotyn, Yunakiv and Esman")?"""
    before = i > 0 and capitalised(tokens[i - 1]) and LIST_GAP_RE.fullmatch(text[tokens[i - 1].end:tokens[i].start])
    after = i + 1 < len(tokens) and capitalised(tokens[i + 1]) and LIST_GAP_RE.fullmatch(
        text[tokens[i].end:tokens[i + 1].start])
    conj = i > 1 and tokens[i - 1].key in ("and", "or") and capitalised(tokens[i - 2])
    return bool(before or after or conj)


def _english_hromada(tokens: Sequence[Token], a: int, b: int, head: int, own: bool, starts: dict,
                     index: Index) -> UnitMatch | None:
    """The hromada of the Ukrainian settlement found exactly at tokens a..b, or whose Ukrainian
    adjective tokens a..b spell in Latin letters ("Krasnopilska community"); `clear` when one
    such settlement leads its namesakes (else resolve picks among `entries`)."""
    h = starts.get(a)
    places = []
    if h is not None and h.end_tok == b and h.method not in ("fuzzy", "phonetic"):
        places = [p for p in h.refs if index.entries[p].country == "UA"
                  and index.entries[p].kind in SETTLEMENT_KINDS]
    if not places:
        places = latin_adjective_places(" ".join(t.text for t in tokens[a:b]), index, truncated=True)
    if not places:
        return None
    m = UnitMatch(a, head + 1 if own else b, b, "hromada", tokens[head].text, "")
    rank_centres(m, [(p, 0) for p in places], index)  # heaviest first; `clear` as for "Краснопільська"
    return m


# Endings of a Ukrainian adjective written in Latin letters, after fold_name ("Krasnopilska",
# "Velykopysarivskyi", "Yunakivskoho"), longest first; the stem before them ends in -sk.
LATIN_ADJECTIVE_ENDINGS = ("oho", "omu", "ogo", "ikh", "ih", "ii", "a", "i", "e", "o")


def latin_adjective_places(name: str, index: Index, truncated: bool = False) -> list[int]:
    """Ukrainian settlements whose adjective `name` spells in Latin letters: the English
    "Krasnopilska", "Velykopysarivska", "Chohodarivska" of Краснопільська, Великописарівська,
    Чогодарівська (hromada names that English reports keep as they are). The adjective table's
    stems, romanised with KMU 2010 and folded, are looked up; only first-rank derivations count.
    `truncated` (a unit noun follows): machine translation also cuts the adjective to its stem
    ("Yunakiv, Velykopysariv communities", "Polohiv and Vasyliv districts")."""
    table = table_for(index)
    return [p for cyr in latin_adjective_stems(name, index, truncated) for p, rank in table.place_refs(cyr)
            if rank == 0 and index.entries[p].country == "UA" and index.entries[p].kind in SETTLEMENT_KINDS]


def latin_adjective_stems(name: str, index: Index, truncated: bool = False) -> list[str]:
    """The adjective table's (folded Cyrillic) stems that `name` spells in Latin letters."""
    key = fold_name(name)
    if not key.isascii():
        return []
    stems = per_index(index, "latin-adjective-stems", _latin_stems)
    for end in LATIN_ADJECTIVE_ENDINGS:
        stem = key[:-len(end)]
        if key.endswith(end) and stem.endswith("sk") and stem in stems:
            return stems[stem]
    return stems.get(key + "sk", []) if truncated else []


def _latin_stems(index: Index) -> dict[str, list[str]]:
    """Folded KMU romanisation of each adjective stem -> the (folded Cyrillic) stems."""
    table = table_for(index)
    out: dict[str, list[str]] = {}
    for stem in table.places if table is not None else ():
        out.setdefault(fold_name(stem.translate(KMU_LETTERS)), []).append(stem)
    return out


REGION_OF_WORDS = frozenset({"region", "oblast", "province"})  # "the Russian region of Lipetsk"


def english_region_of(tokens: Sequence[Token], hits: list, index: Index) -> None:
    """"the central Russian region of Lipetsk", "the oblast of Kharkiv": a name after "region of"
    is the region named after it (its "<name> region" or "<name> oblast"), not the city."""
    for h in hits:
        a = h.start_tok
        if a >= 1 and tokens[a - 1].text == "the":
            a -= 1
        if a < 2 or tokens[a - 1].text != "of" or tokens[a - 2].text.lower() not in REGION_OF_WORDS:
            continue
        member = " ".join(t.key for t in tokens[h.start_tok:h.end_tok])
        for noun in ("region", "oblast"):
            got = {r.entry: r._replace(tag="variant") for r in index.lookup(fold_name(f"{member} {noun}"))
                   if index.entries[r.entry].kind in REGION_KINDS}
            if got:
                h.refs = got
                break


#: English front-line reports name an axis by the Russian-style adjective of its town: "the Pokrovsky
#: direction", "Orekhovsky axis". Adjective endings, and what the town's name may end in instead.
AXIS_WORDS = frozenset({"direction", "directions", "axis", "axes", "sector", "front"})
AXIS_ADJECTIVE_RE = re.compile(r"^([A-Z][a-z'’-]{2,}?)(?:skyi|skiy|skyy|sky|skoye|skoe|ske)$")
AXIS_TOWN_ENDINGS = ("sk", "", "o", "e")  # Pokrov+sk, Orekhov, Kurakhov+o, Kurakhov+e


def english_axes(text: str, tokens: Sequence[Token], hits: list, index: Index) -> list:
    """"the Pokrovsky direction" is the direction of Pokrovsk: the adjective before an axis word
    (and each adjective of a list before one: "the Orekhovsky and Kurakhovsky axes") links the
    settlement whose name it is made from, among UA/RU settlements (resolve picks among namesakes
    by population). Returns the hits, the adjectives' own hits replaced."""

    for j in range(1, len(tokens)):
        if tokens[j].text not in AXIS_WORDS or not tokens[j].joined:
            continue
        i = j - 1
        while i >= 0 and (m := AXIS_ADJECTIVE_RE.match(tokens[i].text)) is not None:
            refs = {}
            base = fold_name(m.group(1))
            for end in AXIS_TOWN_ENDINGS:
                refs.update({r.entry: r._replace(tag="variant") for r in index.lookup(base + end)
                             if index.entries[r.entry].kind in SETTLEMENT_KINDS
                             and index.entries[r.entry].country in ("UA", "RU") and r.entry not in refs})
            if refs:
                hits = [h for h in hits if not (h.start_tok <= i < h.end_tok)] + [Hit(i, i + 1, refs, "variant")]
            prev = i - 2 if i > 1 and tokens[i - 1].key in ("and", "or") else i - 1
            if prev < 0 or not LIST_GAP_RE.fullmatch(text[tokens[prev].end:tokens[i].start]):
                break
            i = prev
    hits.sort(key=lambda h: h.start_tok)
    return hits


def _unit_refs(tokens, a: int, b: int, noun: str, starts: dict, index: Index, kinds: set) -> dict:
    """The unit entries of "<member> <noun>" (or of "<canonical of the member's hit> <noun>")."""
    member = " ".join(t.key for t in tokens[a:b])
    keys = [f"{member} {noun}"]
    if member.endswith("sk"):  # "Novhorod-Siversk district" is Novhorod-Siverskyi district
        keys.append(f"{member}yi {noun}")
    h = starts.get(a)
    if h is not None and h.end_tok == b:
        keys += [f"{index.entries[e].canonical.lower()} {noun}" for e in h.refs]
    for key in keys:
        got = {r.entry: r._replace(tag="variant") for r in index.lookup(fold_name(key))
               if index.entries[r.entry].kind in kinds}
        if got:
            return got
    if noun == "district" and b - a == 1:  # "Polohiv and Vasyliv districts": Пологівський, Василівський cut short
        table = table_for(index)
        stems = latin_adjective_stems(tokens[a].text, index, truncated=True)
        return {p: NameRef(p, "variant", "uk") for stem in stems for p, lg in table.units.get(stem, ())
                if lg == "uk" and index.entries[p].kind in ("raion", "former-raion")}
    return {}


def prefer_units(hits: list, tokens: Sequence[Token], index: Index) -> None:
    """A name found with its unit noun ("Bohodukhiv district", "Конотопського району") is the
    unit: when such a hit knows a unit entry, its settlements (and GeoNames city parts named like
    it) go."""
    rules = rules_for(index)
    if rules is None:
        return
    for h in hits:
        if h.end_tok - h.start_tok < 2 or rules.head_of(tokens[h.end_tok - 1].key) not in rules.targets:
            continue
        kinds = {k for ks in rules.targets.values() for k in ks}
        units = {p: r for p, r in h.refs.items() if index.entries[p].kind in kinds}
        if units and len(units) < len(h.refs):
            h.refs = units
