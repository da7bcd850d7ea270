"""Choosing an entry for each found name, and how sure to be.

Evidence per candidate: kind, population, curated or generated, domain country, the
document's other clear mentions (same entry, parent, country), a qualifying state or country
("Odessa, Texas", "Одесса в штате Техас": abroad.py), "X and Y regions", a river cue. The best
must lead by a margin or the mention goes to review; a generated entry in a weak position (sentence start, headline,
next to an unknown capitalised word) or abroad without context is capped below auto.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Sequence

from transnorm.config import MatchConfig
from transnorm.gazetteer.entries import REGION_KINDS, RIVER_KINDS, SETTLEMENT_KINDS, Entry, km_between
from transnorm.gazetteer.index import GENERATED_SOURCES, Index, NameRef
from transnorm.linking.abroad import CONTAINER_KINDS, STATE_KINDS, against, qualifier, region_of, shared_qualifiers
from transnorm.linking.english import OFFICIAL_METHOD, written_form
from transnorm.linking.hits import Hit, capitalised, headline_lines, sentence_initial
from transnorm.records import Candidate, Entity
from transnorm.text.fold import Token
from transnorm.text.morph import is_cyrillic_word
from transnorm.text.translit import UK_LETTERS, likeness

# How much a name's origin is worth before context is considered.
TAG_SCORE = {
    "override": 1.0, "canonical": 1.0, "alias": 1.0, "short": 0.97, "historic": 0.97,
    "colloquial": 0.97, "variant": 0.96, "surname": 0.93, "morph": 0.96,
}
# A living raion over the pre-2020 raion of its name ("Zolochiv district"), a GeoNames city district
# called like it and a Russian district: Ukrainian news names today's raions.
KIND_PRIOR = {"raion": 0.6, "district": 0.3, "urban-okrug": 0.3, "okrug": 0.3, "former-raion": 0.0,
              "country": 0.4, "oblast": 0.3, "federal-subject": 0.3, "autonomous-republic": 0.3, "krai": 0.3,
              "republic": 0.3, "autonomous-okrug": 0.3, "autonomous-oblast": 0.3,
              "region": 0.25, "city": 0.2, "landmark": 0.2, "person": 0.2, "town": 0.15, "village": 0.1}


# Population assumed for entries that list none (regions and countries rarely do): Crimea
# must not lose to a village called Krym for want of a number.
KIND_POPULATION = {"country": 10_000_000, "historical-state": 10_000_000, "oblast": 1_000_000,
                   "federal-subject": 1_000_000, "autonomous-republic": 1_000_000, "republic": 1_000_000,
                   "krai": 1_000_000, "autonomous-okrug": 500_000, "autonomous-oblast": 500_000,
                   "state": 1_000_000, "region": 500_000, "province": 500_000, "self-proclaimed": 1_000_000,
                   "person": 100_000,  # a listed person: as newsworthy as a sizeable town
                   # organisations.yaml: a listed club or outlet outranks a hamlet of its name ("Spartak")
                   "club": 100_000, "media": 100_000, "church": 100_000, "unit": 100_000, "company": 100_000,
                   "university": 100_000,
                   # geography.yaml: a continent, sea or range outranks the towns named after it (Asia in
                   # the Philippines, Caucasia in Colombia, Ural in Krasnoyarsk Krai); rivers get none, so a
                   # town of the river's name wins without a river cue
                   "continent": 10_000_000, "ocean": 10_000_000, "macro-region": 1_000_000, "sea": 1_000_000,
                   "mountain-range": 1_000_000, "federal-district": 1_000_000, "mountain": 100_000}


NEAR_KM = 30  # a settlement, written as it spells itself, this close to a settlement the text names clearly
NEAR_CLEAR = 2.5  # is likely the one meant: "Niu York" near Toretsk is the Donetsk village, not New York
CLEAR_MARGIN = 0.5  # evidence by which the best candidate must lead to be linked without review
POPULATION_WEIGHT = 0.5  # evidence per factor of 10 in population: a town 10x its namesakes is clear
CURATED_PRIOR = 1.0  # a person listed it: the newsworthy one of its generated namesakes
GENERATED_ALIAS_PENALTY = 0.4  # a generated entry matched by one of GeoNames' alternate names
PARENT_IN_CONTEXT = 2.0  # the document names the entry's state/oblast ("Odessa ... Texas")
GENERATED_PARENT_IN_CONTEXT = 0.8  # ... for a generated place: each oblast holds thousands of them
SURNAME_ALONE = 1.0  # a person named by the surname only, where a place has that name too
PLACE_PREPOSITION = 1.0  # "in Zhovkva", "под Купянском": the word before says it is a place
PLACE_PREPOSITIONS = frozenset({"in", "near", "outside", "around", "towards", "в", "во", "под", "около", "возле",
                                "близ", "вблизи", "під", "біля", "поблизу", "поблизу", "неподалік"})
OWN_NAME_RATIO = 80  # rapidfuzz ratio of the romanised mention to an entry's canonical: its own name
EXACT_NAME_RATIO = 95  # ... at or above this: the name as the entry spells it (Олександрівка, Oleksandrivka)
EXACT_NAME = 1.0  # evidence for such a settlement over namesakes spelt otherwise (Oleksandrivskyi)
ALIEN_NAME_RATIO = 50  # ... below this: plainly another name (Олександрівка for Donetsk), not a spelling of it
RIVER_CUE = 6.0  # "crossed the Dnipro", "берега Днепра": outweighs the city's size and the city named elsewhere
FOREIGN_AUTO_POPULATION = 100_000  # a generated place outside domain_countries needs this, or context
PLURAL_REGION_RE = re.compile(r"\s+(?:regions|oblasts|provinces|Regions|Oblasts|Provinces)\b")
LIST_GAP_RE = re.compile(r"\s*(?:,|,?\s+(?:and|or)|&)\s*")
NEAR_MISS_METHODS = frozenset({"fuzzy", "phonetic", "crosslang"})  # scored by the hit's own base
REVIEW_ONLY_METHODS = frozenset({"phonetic"})  # a phonetic near miss is never rewritten, whatever t_auto says


def prior(e: Entry, ref: NameRef, cfg: MatchConfig) -> float:
    """Evidence for an entry before the document is read: kind, population, source, country."""
    ev = KIND_PRIOR.get(e.kind, 0.1)
    ev += POPULATION_WEIGHT * math.log10((e.population or KIND_POPULATION.get(e.kind, 0)) + 1)
    if e.source in GENERATED_SOURCES:
        if ref.tag not in ("canonical", "override") and ref.lang not in ("ru", "uk"):
            ev -= GENERATED_ALIAS_PENALTY  # Latin alternate names are GeoNames' grab bag; ru/uk are its own
    else:
        ev += CURATED_PRIOR
    if e.type == "person" and ref.tag in ("short", "surname"):
        ev -= SURNAME_ALONE  # "Zhovkva" alone: the town as much as Ihor Zhovkva
    if e.country in cfg.domain_countries:
        ev += 0.5
    return ev


def _cue(e: Entry, river_cue: bool) -> float:
    """Evidence the words around a mention give one of its entries (a river after 'banks of the')."""
    return RIVER_CUE if river_cue and e.kind in RIVER_KINDS else 0.0


def _context(hits: list[Hit], index: Index, cfg: MatchConfig | None = None,
             river_cues: Sequence[bool] = (), points: list[tuple[int, Entry]] | None = None
             ) -> list[tuple[set[str], set[str]]]:
    """What each clear mention says about the document: its ids and countries.

    A mention is clear when it has one candidate, or (with cfg) when the priors alone (and
    a river cue: `river_cues` per hit) put one candidate CLEAR_MARGIN ahead (Kharkiv the
    city, not a village of that name). Returned per hit, so a mention is judged by the
    *other* mentions, never by itself. `points` (if given) receives (hit, entry) of the clear
    settlements that have coordinates.
    """
    points = [] if points is None else points
    out = []
    for k, h in enumerate(hits):
        ids: set[str] = set()
        countries: set[str] = set()
        best = None
        cued = k < len(river_cues) and river_cues[k]
        if h.method not in NEAR_MISS_METHODS:
            if len(h.refs) == 1:
                best = next(iter(h.refs))
            elif cfg is not None and h.refs:
                ranked = sorted(((prior(index.entries[ei], r, cfg) + _cue(index.entries[ei], cued), ei)
                                 for ei, r in h.refs.items()), reverse=True)
                if ranked[0][0] - ranked[1][0] >= CLEAR_MARGIN:
                    best = ranked[0][1]
        if best is not None:
            e = index.entries[best]
            ids = {e.id} | ({e.parent} if e.parent else set())
            if e.kind in SETTLEMENT_KINDS and e.lat is not None and e.lon is not None:
                points.append((k, e))
            # a person's country says little about which Geneva or Odessa a text means
            countries = {e.country} if e.country and e.type != "person" else set()
        out.append((ids, countries))
    return out


FAR_KM = 250  # a small GeoNames village this far from every settlement the text names clearly ...
FAR_POPULATION = 20_000  # ... and this small is a namesake, not the place meant


def _far_namesake(e: Entry, ctx_ids: set[str], points: list[tuple[int, Entry]], k: int) -> bool:
    """"Krasnyi Yar, east of Pokrovsk": the only Krasny Yar GeoNames lists is a Russian village
    1,000 km away. A small generated settlement of another country than most clear settlements of
    the text (at least two of them), far from all of them, its oblast unnamed, is left unresolved:
    the generated path (a cue, a list, a bearing) may propose the place meant."""
    if (e.source not in GENERATED_SOURCES or e.kind not in SETTLEMENT_KINDS or e.lat is None or e.lon is None
            or (e.population or 0) >= FAR_POPULATION or (e.parent and e.parent in ctx_ids)):
        return False
    others = [p for j, p in points if j != k]
    if len(others) < 2 or Counter(p.country for p in others).most_common(1)[0][0] == e.country:
        return False
    return all(km_between(e, p) > FAR_KM for p in others)


def _near(e: Entry, points: list[tuple[int, Entry]], k: int) -> bool:
    """Is settlement `e` within NEAR_KM of a settlement another mention (not hit k) names clearly?"""
    return e.lat is not None and e.lon is not None and any(
        j != k and km_between(e, p) <= NEAR_KM for j, p in points)


def _river_cue(text: str, tokens: list[Token], h: Hit, index: Index) -> bool:
    """'crossed the Dnipro', 'left bank of the Dnieper', 'с левого берега Днепра', 'вдоль Днепра':
    a lexicon `river_cues` word right before the mention, with only `river_cues.skip` words
    ('the', 'of') between and nothing but spaces between the words; or a cue after it
    (_river_cue_after: "the Dnipro's left bank"). Only asked when the mention has a river
    among its candidates."""
    lex = index.lexicon
    if not any(index.entries[ei].kind in RIVER_KINDS for ei in h.refs):
        return False
    j = h.start_tok
    for _ in range(4):
        if not lex.river_cues or j == 0 or text[tokens[j - 1].end:tokens[j].start].strip():
            break  # the start of the text, or punctuation: a cue does not reach across it
        j -= 1
        key = tokens[j].key
        if key in lex.river_cues:
            return True
        if key not in lex.river_cue_skip:
            break
    return _river_cue_after(text, tokens, h, lex)


POSSESSIVE = frozenset({"'", "’", "ʼ"})


def _river_cue_after(text: str, tokens: list[Token], h: Hit, lex) -> bool:
    """'the Dnipro's left bank', 'the Desna riverbank': a lower-case lexicon `river_cues.after`
    word right after the name or its "'s", with only `after_skip` words ('left', 'eastern')
    between and nothing but spaces between the words ('Dnipro's left-bank districts' are the city's)."""
    if not lex.river_cues_after:
        return False
    k, end = h.end_tok, tokens[h.end_tok - 1].end
    if k < len(tokens) and tokens[k].key == "s" and text[end:tokens[k].start] in POSSESSIVE:
        end, k = tokens[k].end, k + 1
    for _ in range(3):
        if k >= len(tokens) or not text[end:tokens[k].start].isspace():
            return False
        t = tokens[k]
        if not t.text.islower():
            return False  # "Dnipro Bank" is a bank
        if t.key in lex.river_cues_after:
            return True
        if t.key not in lex.river_cue_after_skip:
            return False
        end, k = t.end, k + 1
    return False


def _qualified(text: str, tokens: list[Token], hits: list[Hit], k: int, index: Index) -> Entry | None:
    """'Atlanta, Georgia': the clear place right before ', ' that this mention qualifies."""
    if k == 0:
        return None
    prev, h = hits[k - 1], hits[k]
    gap = text[tokens[prev.end_tok - 1].end:tokens[h.start_tok].start]
    if gap.strip() != "," or len(prev.refs) != 1:
        return None
    e = index.entries[next(iter(prev.refs))]
    return e if e.type == "place" and e.kind not in CONTAINER_KINDS and e.country else None


def _region_lists(text: str, tokens: list[Token], hits: list[Hit], index: Index) -> None:
    """'Kherson and Zaporizhzhia regions': every name of the list is a region, not its city.

    Each such hit is pointed at the entry of '<name> region' when the index has exactly one.
    """
    for k, h in enumerate(hits):
        if not PLURAL_REGION_RE.match(text, tokens[h.end_tok - 1].end):
            continue
        members = [k]
        while members[-1] > 0:
            prev, cur = hits[members[-1] - 1], hits[members[-1]]
            gap = text[tokens[prev.end_tok - 1].end:tokens[cur.start_tok].start]
            if not LIST_GAP_RE.fullmatch(gap):
                break
            members.append(members[-1] - 1)
        for m in members:
            hm = hits[m]
            key = " ".join(t.key for t in tokens[hm.start_tok:hm.end_tok]) + " region"
            refs = {r.entry: r for r in index.lookup(key) if index.entries[r.entry].kind in _REGION_KINDS}
            if len(refs) == 1:
                (ei, r), = refs.items()
                hm.refs, hm.method = {ei: r._replace(tag="variant")}, "variant"


_REGION_KINDS = REGION_KINDS - {"republic", "state", "self-proclaimed"}  # named "X region" in English


def _weak_position(text: str, tokens: list[Token], h: Hit, heads: list[tuple[int, int]],
                   covered: set[int]) -> bool:
    """A one-word mention where a common word or a person's name is as likely as a place:
    first word of a sentence, a Title Case headline, or glued to an unknown capitalised word
    ("Mary Smith", where only Mary is in the gazetteer)."""
    if h.end_tok - h.start_tok != 1:
        return False
    t = tokens[h.start_tok]
    if sentence_initial(text, t) or any(a <= t.start < b for a, b in heads):
        return True
    nxt = h.end_tok
    if nxt < len(tokens) and tokens[nxt].joined and capitalised(tokens[nxt]) and nxt not in covered:
        return True
    prv = h.start_tok - 1  # a sentence's first word ("Shelling Ivanivka") is capitalised for grammar
    if _after_hyphen(text, tokens, h.start_tok):
        return True  # the end of a hyphenated name: "ас-Судани", "al-Sudani"
    return (prv >= 0 and t.joined and capitalised(tokens[prv]) and prv not in covered
            and not sentence_initial(text, tokens[prv]))


def _country_before_a_name(text: str, tokens: list[Token], h: Hit, e: Entry) -> bool:
    """"министр Кубы Бруно Родригес": a country in a Cyrillic case form, then the person; not
    the first word of a longer name, as an English "Mary Smith" would be (nor the end of a
    hyphenated one: "ас-Судани")."""
    return (e.kind == "country" and h.method == "morph" and is_cyrillic_word(tokens[h.start_tok].text)
            and not _after_hyphen(text, tokens, h.start_tok))


def _after_hyphen(text: str, tokens: list[Token], i: int) -> bool:
    """Is tokens[i] joined to the word before it by a bare hyphen?"""
    return i > 0 and text[tokens[i - 1].end:tokens[i].start] == "-"


def _alien_and_exact(surface: str, refs: dict[int, NameRef], index: Index) -> tuple[set[int], set[int]]:
    """Among settlement candidates: those bearing the name only as an old or alternate name
    plainly unlike their own while another bears it as its own (alien: no candidates, a name
    villages bear is no nickname of a city, unless the document names them otherwise), and
    those spelt exactly as written while some others are not (exact: EXACT_NAME evidence;
    "Олександрівка" is an Oleksandrivka before a city district GeoNames also calls so)."""
    settle = [ei for ei in refs if index.entries[ei].kind in SETTLEMENT_KINDS]
    if len(settle) < 2:
        return set(), set()
    like = {ei: likeness(surface, index.entries[ei].canonical) for ei in settle}
    if max(like.values()) < OWN_NAME_RATIO:
        return set(), set()
    # A historic name a person listed (Constantinople for Istanbul; Дзержинск for Toretsk, which
    # GeoNames also gives as an alias, the tag the lookup keeps) is meant; an alias GeoNames brought
    # in is not (Олександрівка, an early name of Donetsk, is the villages').
    alien = {ei for ei, r in like.items() if r < ALIEN_NAME_RATIO and refs[ei].tag not in ("historic", "override")
             and not any(likeness(surface, n) >= OWN_NAME_RATIO for n in index.entries[ei].historic)}
    # Only where the written form says how to romanise it: Ukrainian letters (KMU). A Russian or
    # Russian-style Latin form matches GeoNames' romanised-Russian canonicals best (Владимировка,
    # Ternovka: Vladymyrovka, a Russian Ternovka), the wrong ones for a Ukrainian town.
    if not UK_LETTERS & set(surface):
        return alien, set()
    # (the last letter aside: it is the inflection in "Олександрівку")
    exact = {ei for ei, r in like.items()
             if max(r, likeness(surface[:-1], index.entries[ei].canonical[:-1])) >= EXACT_NAME_RATIO}
    return alien, (exact if len(exact) < len(settle) else set())


#: A Ukrainian village this small is not meant by its Russian-style English name in a report on Russia.
NAMESAKE_POPULATION = 20_000


def _namesakes(refs: dict[int, NameRef], index: Index, ctx_ids: set[str]) -> list[Entry]:
    """In a report on Russia, the small Ukrainian villages an English Russian-style name
    ("Bogdanovka", "Martynovka") or a Russian one ("сел Крупец, Дурово и Октябрьское") reaches
    only through GeoNames' alternate names; none when a bigger one or one of the context is among
    them."""
    out = []
    for ei, ref in refs.items():
        e = index.entries[ei]
        if _by_another_name(e, ref, "UA") and ref.lang in ("en", "ru"):
            if (e.population or 0) >= NAMESAKE_POPULATION or e.id in ctx_ids:
                return []
            out.append(e)
    return out


def _by_another_name(e: Entry, ref: NameRef, country: str) -> bool:
    """A generated settlement of `country` matched through a name not its own (a GeoNames
    alternate name): the namesake the other side's reports reach by accident."""
    return (e.country == country and e.source in GENERATED_SOURCES and e.kind in SETTLEMENT_KINDS
            and ref.tag != "canonical")


def _russian_namesake(e: Entry, ref: NameRef, ctx_ids: set[str]) -> bool:
    """A small Russian settlement reached by another of its names, nothing in the text pointing at it."""
    return (_by_another_name(e, ref, "RU") and (e.population or 0) < NAMESAKE_POPULATION
            and e.id not in ctx_ids and (e.parent is None or e.parent not in ctx_ids))


def _russian_village(text: str, tokens: list[Token], h: Hit, namesakes: list[Entry]) -> Entity:
    """A report on Russia names a village in its English (Russian-style) form, and only small
    Ukrainian villages answer to it: a place of that name in Russia the gazetteer lacks,
    proposed as written for a person to confirm."""
    from transnorm.linking.places import GENERATED_SCORE, propose_place, slug

    start, end = tokens[h.start_tok].start, tokens[h.end_tok - 1].end
    surface = " ".join(text[start:end].split())
    if is_cyrillic_word(tokens[h.start_tok].text):  # the Russian nominative, romanised as a Russian name
        _nom, surface, _ = propose_place([tokens[j].text for j in range(h.start_tok, h.end_tok)], "ru", "RU")
    return Entity(start=start, end=end, surface=text[start:end], type="place",
                  gazetteer_id=f"gen:place:{slug(surface)}", canonical=surface, score=GENERATED_SCORE,
                  method="generated", status="review",
                  candidates=[Candidate(e.id, e.canonical, 0.5) for e in namesakes[:3]], kind="settlement",
                  reason="in a report on Russia; the Ukrainian villages of this name are not meant")


def _side(h: Hit, countries: set[str], index: Index) -> set[str]:
    """The countries a mention puts the report in: a clear curated place's, or a listed person's
    named in full (one candidate, two words or more)."""
    if countries:
        return countries if any(index.entries[ei].source not in GENERATED_SOURCES for ei in h.refs) else set()
    if len(h.refs) == 1 and h.end_tok - h.start_tok >= 2:
        e = index.entries[next(iter(h.refs))]
        if e.type == "person" and e.country and e.source not in GENERATED_SOURCES:
            return {e.country}
    return set()


def _listed_before_a_region(e: Entry, cue) -> bool:
    """An oblast written after a town of 20,000 or more of the same country is more likely the next
    item of a list than where the town lies ("Удари по Харкову, Донецькій області", "Mariupol,
    Luhansk, Zaporozhye, Kherson region"): it does not count against the town."""
    return e.country == cue.place.country and (e.population or 0) >= FAR_POPULATION


NAMESAKE_ELSEWHERE = "the namesake of another oblast: "  # reason of a link the region written after rules out


def resolve(text: str, tokens: list[Token], hits: list[Hit], index: Index, cfg: MatchConfig) -> list[Entity]:
    """Pick each mention's entry: priors (kind, population, curated or generated, domain
    country), the document's other clear mentions (their ids, parents and countries), a
    qualifying place after a comma, 'X and Y regions', and a river cue before a name a river
    shares with a town ('crossed the Dnipro'; without one the town wins). A close call, or a
    generated entry in a weak position or abroad without context, is capped below t_auto (review)."""
    _region_lists(text, tokens, hits, index)
    river_cues = [_river_cue(text, tokens, h, index) for h in hits]
    points: list[tuple[int, Entry]] = []
    per_hit = _context(hits, index, cfg, river_cues, points)
    id_count = Counter(i for ids, _ in per_hit for i in ids)
    # a name repeated is no context for itself ("the village of Rozhdestvenka ... of Rozhdestvenka")
    # (a name is its candidates: "Niu York" is no more context for "New York" than itself)
    names = [frozenset(h.refs) for h in hits]
    same_name: dict[frozenset, Counter] = {}
    for name, (ids, _) in zip(names, per_hit):
        if ids:
            same_name.setdefault(name, Counter()).update(ids)
    country_count = Counter(c for _, cs in per_hit for c in cs)
    # the countries of curated mentions (oblasts, cities, countries): which side a report is on
    # (and of listed people named in full: a Russian governor says the report is on Russia)
    sides = [_side(h, cs, index) for h, (_, cs) in zip(hits, per_hit)]
    curated_count = Counter(c for cs in sides for c in cs)
    heads = headline_lines(text)
    covered = {j for h in hits for j in range(h.start_tok, h.end_tok)}
    cues = [qualifier(text, tokens, hits, k, index) for k in range(len(hits))]  # "Odessa, Texas"
    shared_qualifiers(text, tokens, hits, cues, index)  # "Угледар, Новоукраинка и Максимильяновка ДНР"
    out: list[Entity] = []
    for k, h in enumerate(hits):
        own_ids, own_countries = per_hit[k]
        repeats = same_name.get(names[k])
        ctx_ids = set(id_count - repeats if repeats else id_count)  # (Counter subtraction keeps what is left over)
        ctx_countries = {c for c, n in country_count.items() if n > (c in own_countries)}
        cue = cues[k]
        qualified = _qualified(text, tokens, hits, k, index)
        place_word = h.start_tok > 0 and tokens[h.start_tok - 1].text.lower() in PLACE_PREPOSITIONS
        scored = []
        refs = h.refs
        if any(r.tag == "override" for r in refs.values()):  # a reviewer decided which entry this form is
            refs = {ei: r for ei, r in refs.items() if r.tag == "override"}
        surface = text[tokens[h.start_tok].start:tokens[h.end_tok - 1].end]
        alien, exact = _alien_and_exact(surface, refs, index)
        own_curated = sides[k]
        russian_side = curated_count["RU"] - ("RU" in own_curated) > curated_count["UA"] - ("UA" in own_curated)
        namesakes = _namesakes(refs, index, ctx_ids) if russian_side else []
        ukrainian_side = curated_count["UA"] - ("UA" in own_curated) > curated_count["RU"] - ("RU" in own_curated)
        for ei, ref in refs.items():
            e = index.entries[ei]
            if (ei in alien and e.id not in ctx_ids) or e in namesakes:
                continue
            ev = prior(e, ref, cfg) + _cue(e, river_cues[k]) + (EXACT_NAME if ei in exact else 0.0)
            if e.country in ctx_countries:
                ev += 0.3
            if e.id in ctx_ids:
                ev += 2.0
            elif e.parent and e.parent in ctx_ids:
                ev += GENERATED_PARENT_IN_CONTEXT if e.source in GENERATED_SOURCES else PARENT_IN_CONTEXT
            if place_word and e.type == "place":
                ev += PLACE_PREPOSITION
            if points and e.kind in SETTLEMENT_KINDS and e.id not in ctx_ids and _near(e, points, k) \
                    and likeness(surface, e.canonical) >= OWN_NAME_RATIO:
                ev += NEAR_CLEAR
            if qualified is not None and e.kind in CONTAINER_KINDS and e.country == qualified.country:
                ev += 2.0  # "Atlanta, Georgia": the state of the place before the comma
            outside = False
            if cue is None or e.type != "place":
                pass
            elif cue.place.id == e.parent:
                ev += 2.0
            elif against(e, cue, index) and not _listed_before_a_region(e, cue):
                ev -= 3.0  # "Odessa, Texas" is not the Ukrainian Odesa
                outside = True
            scored.append((ev, ei, ref, outside))
        if not scored:
            if namesakes:
                out.append(_russian_village(text, tokens, h, namesakes))
            continue
        scored.sort(key=lambda x: -x[0])
        ev, ei, ref, outside = scored[0]
        e = index.entries[ei]
        base = h.base if h.method in NEAR_MISS_METHODS else TAG_SCORE.get(ref.tag, 0.9)
        score = min(base, h.cap)
        if len(scored) > 1 and ev - scored[1][0] < CLEAR_MARGIN:
            score = min(score, 0.85)  # a close call between entries: a person decides
        if outside or (ukrainian_side and _russian_namesake(e, ref, ctx_ids)) or _far_namesake(e, ctx_ids, points, k):
            # the context contradicts the only candidates; or, in a report on Ukraine, a small Russian
            # village reached only through another of its names ("Свободное" is one of Goyty's): left to
            # the cues of the generated path (Вільне), else queued
            score = min(score, 0.5)
        elif (cue is not None and not cue.weak and cue.place.kind in STATE_KINDS and e.type == "place"
              and cue.place.country not in cfg.domain_countries and e.parent != cue.place.id
              and (e.parent is not None or not (ref.tag in ("canonical", "override") or ref.lang in ("ru", "uk")))):
            # "Berlin, New Hampshire": no Berlin of that state is listed (an English alternate name in GeoNames
            # makes North Canton, Ohio a "Berlin"): none is linked. A place of unknown state under its own
            # name ("Austin, Texas", "Талса (штат Оклахома)") is.
            score = min(score, 0.5)
        elif cue is not None and cue.weak and any(x[3] for x in scored[1:]):
            score = min(score, 0.85)  # "в американском Париже": some Paris of the US, a person decides which
        e = index.entries[ei]
        elsewhere = None  # "Новоукраинка Донецкой области": the only listed one lies in another oblast
        if outside and cue is not None and e.country == cue.place.country and e.kind in SETTLEMENT_KINDS:
            region = index.get(region_of(cue.place) or "")
            elsewhere = f"{NAMESAKE_ELSEWHERE}{e.canonical} lies outside {region.canonical if region else '?'}"
        method = "override" if ref.tag == "override" else h.methods.get(ei, h.method)
        if ref.tag != "override" and e.source in GENERATED_SOURCES and not (
                e.id in ctx_ids or (e.parent and e.parent in ctx_ids)):
            if h.method in ("fuzzy", "phonetic") and _weak_position(text, tokens, h, heads, covered):
                continue  # "Shelling" is not a misspelt Malaysian town
            foreign = (e.country not in cfg.domain_countries and e.country not in ctx_countries
                       and (e.population or 0) < FOREIGN_AUTO_POPULATION and e.kind != "country")
            # (a country is never the small town abroad; pycountry gives it no population)
            if foreign and ref.tag not in ("canonical", "override"):
                score = min(score, 0.7)  # "Yamal" is one of GeoNames' names of a Tunisian town: no link
            elif _weak_position(text, tokens, h, heads, covered) and not _country_before_a_name(text, tokens, h, e):
                score = min(score, 0.85)  # "Police said...", "Victory Day": review, not a rewrite
            elif foreign:
                score = min(score, 0.85)  # a small town abroad, nothing else in the text near it
        start, end = tokens[h.start_tok].start, tokens[h.end_tok - 1].end
        status = "auto" if score >= cfg.t_auto else "review" if score >= cfg.t_review else "unresolved"
        if status == "auto" and h.method in REVIEW_ONLY_METHODS:
            status = "review"
        rewrite, official = written_form(e, ref, text[start:end], index.lexicon, cfg.official_names)
        if official:
            method = OFFICIAL_METHOD
        cands = h.candidates or [
            Candidate(index.entries[x].id, index.entries[x].canonical, round(base if x == ei else base * 0.85, 3))
            for _, x, _, _ in scored[:5]]  # (only five are kept)
        out.append(Entity(
            start=start, end=end, surface=text[start:end], type=e.type, gazetteer_id=e.id,
            canonical=e.canonical, score=score, method=method, status=status,
            candidates=cands[:5], rewrite=rewrite, kind=e.kind, reason=elsewhere,
        ))
    return out
