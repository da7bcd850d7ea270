"""Finding and linking names in a text against the compiled gazetteer.

Three passes over one token stream (see fold.tokenize):
1. exact: longest run of tokens whose folded key is a gazetteer name (whole words only);
2. fuzzy: capitalised runs left over, compared (rapidfuzz) only with names in the same
   block (first three folded letters), so cost stays flat as the gazetteer grows;
3. unknown: capitalised runs nobody recognised, queued as `unresolved` for review.
Ambiguous names (Odessa, Georgia, Klitschko) are settled by the document's other mentions;
a name a river shares with a town (Dnipro) by the words right before or after it (lexicon
river_cues). A first name (lexicon given_names) is never fuzzy-matched alone, and starts a
person's name: "Viktor Sokolov" is an unknown person, not a place or another Viktor.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import product
from typing import Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from .fold import Token, fold_name, tokenize
from .gazetteer import RIVER_KINDS, Entry
from .index import GENERATED_SOURCES, Index, NameRef
from .records import Candidate, Entity


class MatchConfig(BaseModel):
    """Thresholds and switches of the matcher (config key `match`)."""

    model_config = ConfigDict(extra="forbid")
    t_auto: float = Field(0.9, ge=0, le=1, description="score at or above which a mention is rewritten")
    t_review: float = Field(0.75, ge=0, le=1, description="score at or above which a mention is queued for review")
    fuzzy: bool = True
    fuzzy_min_chars: int = Field(5, ge=3)
    unknown_names: bool = Field(True, description="queue capitalised names the gazetteer lacks")
    domain_countries: list[str] = Field(
        default_factory=lambda: ["UA", "RU", "BY", "TR", "MD", "GE", "PL"],
        description="countries the news is about: a prior for ambiguous names")


# How much a name's origin is worth before context is considered.
TAG_SCORE = {
    "override": 1.0, "canonical": 1.0, "alias": 1.0, "short": 0.97, "historic": 0.97,
    "colloquial": 0.97, "variant": 0.96, "surname": 0.93, "morph": 0.96,
}
KIND_PRIOR = {"country": 0.4, "oblast": 0.3, "federal-subject": 0.3, "autonomous-republic": 0.3,
              "region": 0.25, "city": 0.2, "landmark": 0.2, "person": 0.2, "town": 0.15, "village": 0.1}
# Population assumed for entries that list none (regions and countries rarely do): Crimea
# must not lose to a village called Krym for want of a number.
KIND_POPULATION = {"country": 10_000_000, "oblast": 1_000_000, "federal-subject": 1_000_000,
                   "autonomous-republic": 1_000_000, "republic": 1_000_000, "krai": 1_000_000,
                   "state": 1_000_000, "region": 500_000, "province": 500_000, "self-proclaimed": 1_000_000,
                   "person": 100_000}  # a listed person: as newsworthy as a sizeable town
# Kinds that qualify a place written just before them ("Odessa, Texas").
CONTAINER_KINDS = {"country", "state", "oblast", "federal-subject", "province", "region", "autonomous-republic"}
SENTENCE_OPENERS = set('.!?:;"“”«»(\n#*>•—–-')

# Extra lookup keys per token (lemmas of inflected Cyrillic words); default: the folded token.
KeysFn = Callable[[Sequence[Token]], list[tuple[str, ...]]]


@dataclass
class _Hit:
    start_tok: int
    end_tok: int  # exclusive
    refs: dict[int, NameRef]  # entry index -> best ref
    method: str
    base: float = 1.0
    candidates: list[Candidate] = field(default_factory=list)
    methods: dict[int, str] = field(default_factory=dict)  # entries found by another reading than `method`


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper()


def _sentence_initial(text: str, tok: Token) -> bool:
    i = tok.start - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    return i < 0 or text[i] in SENTENCE_OPENERS


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Line spans written in Title Case (headlines): no unknown-name guesses there."""
    spans, pos = [], 0
    for line in text.split("\n"):
        words = [w for w in line.split() if w[:1].isalpha()]
        if len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.6:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def link(text: str, index: Index, cfg: MatchConfig, keys_fn: KeysFn | None = None,
         propose: Callable[[str], str] | None = None) -> list[Entity]:
    """Find every name in `text` and link it to the gazetteer. Entities are sorted, disjoint."""
    tokens = tokenize(text)
    keys = keys_fn(tokens) if keys_fn else [(t.key,) for t in tokens]
    given_names = index.lexicon.given_names
    given = [_capitalised(t) and any(k in given_names for k in ks) for t, ks in zip(tokens, keys)]
    hits = _first_names_dropped(_exact(tokens, keys, index), tokens, index)
    hits = _surnames_after_a_first_name_dropped(hits, tokens, keys, given, index)
    taken = [False] * len(tokens)
    for h in hits:
        for j in range(h.start_tok, h.end_tok):
            taken[j] = True
    leftovers = _capitalised_runs(text, tokens, taken, index)
    unknown: list[tuple[int, int]] = []
    for a, b in leftovers:
        if b - a == 1 and given[a]:
            continue  # a first name alone: no misspelt place ("Yaroslav", "Maria"), no place to queue
        hit = _fuzzy(tokens, a, b, index, cfg, person=given[a]) if cfg.fuzzy else None
        if hit:
            hits.append(hit)
        else:
            unknown.append((a, b))
    hits.sort(key=lambda h: h.start_tok)
    entities = _resolve(text, tokens, hits, index, cfg)
    if cfg.unknown_names:
        entities += _unknown(text, tokens, unknown, propose)
        entities.sort(key=lambda e: e.start)
    return entities


def _exact(tokens: list[Token], keys: list[tuple[str, ...]], index: Index) -> list[_Hit]:
    hits: list[_Hit] = []
    lex = index.lexicon
    n, i = len(tokens), 0
    while i < n:
        if not _capitalised(tokens[i]):
            i += 1
            continue
        run = 1  # how many tokens from i can belong to one name
        while i + run < n and run < index.max_tokens and tokens[i + run].joined:
            run += 1
        found = None
        for length in range(run, 0, -1):
            # Every reading of the run is a candidate (the written form and its lemmas): "Луганске"
            # is Luhansk (a lemma) as much as the village Luhanske (the written form); _resolve decides.
            for combo in _combos(keys[i:i + length]):
                refs = index.lookup(" ".join(combo))
                refs = [r for r in refs if not r.upper or tokens[i].text.isupper()]
                refs = [r for r in refs if not _rejected(index, tokens, i, i + length, r)]
                if refs and _common_word_read_as_lemma(combo, tokens[i:i + length], lex):
                    # "Родина" (a common word) read as the lemma "родино" is no GeoNames Rodino,
                    # "Из" no Iza: the rule compile_index applies to written names, for readings
                    refs = [r for r in refs if index.entries[r.entry].source not in GENERATED_SOURCES]
                if not refs:
                    continue
                method = _method(refs, combo, tokens[i:i + length])
                if found is None:
                    found = _Hit(i, i + length, _best_per_entry(refs), method)
                    continue
                for ei, r in _best_per_entry(refs).items():
                    if ei not in found.refs:
                        found.refs[ei] = r
                        found.methods[ei] = method
            if found:
                break
        if found:
            hits.append(found)
            i = found.end_tok
        else:
            i += 1
    return hits


def _first_names_dropped(hits: list[_Hit], tokens: list[Token], index: Index) -> list[_Hit]:
    """'Ivan Petrenkovych': a one-word match that only a generated village knows, followed by
    a capitalised word nobody knows, is the start of a name, not a place (GeoNames lists
    villages called Ivan, Maria, Nadiia...). The whole run goes to the unknown-name queue."""
    starts = {h.start_tok for h in hits}
    stop = index.lexicon.stopwords
    out = []
    for h in hits:
        nxt = h.end_tok
        if (h.end_tok - h.start_tok == 1 and nxt < len(tokens) and tokens[nxt].joined
                and _capitalised(tokens[nxt]) and nxt not in starts and tokens[nxt].key not in stop
                and all(index.entries[ei].source in GENERATED_SOURCES for ei in h.refs)):
            continue
        out.append(h)
    return out


FIRST_NAME_SIMILAR = 60  # rapidfuzz ratio: Alexander ~ Oleksandr (84), Georgy ~ Heorhii (67); Olena !~ Oleksandr (57)


def _surnames_after_a_first_name_dropped(hits: list[_Hit], tokens: list[Token], keys: list[tuple[str, ...]],
                                         given: list[bool], index: Index) -> list[_Hit]:
    """'Viktor Sokolov', 'Maria Zakharchenko': a first name (lexicon given_names) that no match
    covers, followed by a one-word match that is only a generated place's name (GeoNames lists
    Sokolov among the names of Sokołów Podlaski) or only the surname of listed people none of
    whom has that first name, is one person nobody listed: the hit is dropped and the whole
    run goes to the unknown-name queue as a person."""
    covered = {j for h in hits for j in range(h.start_tok, h.end_tok)}
    out = []
    for h in hits:
        prv = h.start_tok - 1
        if (h.end_tok - h.start_tok == 1 and prv >= 0 and given[prv] and prv not in covered
                and tokens[h.start_tok].joined):
            entries = [index.entries[ei] for ei in h.refs]
            if all(e.source in GENERATED_SOURCES for e in entries):
                continue
            if (all(e.type == "person" and r.tag in ("surname", "short") for e, r in zip(entries, h.refs.values()))
                    and not any(_first_name_of(e, keys[prv]) for e in entries)):
                continue
        out.append(h)
    return out


def _first_name_of(e: Entry, first: tuple[str, ...]) -> bool:
    """Is one of the readings `first` (folded) close to the first word of one of e's full names?"""
    for name, _, _ in e.names():
        words = name.split()
        if len(words) >= 2:
            head = fold_name(words[0])
            if any(fuzz.ratio(k, head) >= FIRST_NAME_SIMILAR for k in first):
                return True
    return False


def _combos(keys: Sequence[tuple[str, ...]], limit: int = 16) -> list[tuple[str, ...]]:
    """All key combinations for a token run (lemma alternatives), capped to stay cheap."""
    if all(len(k) == 1 for k in keys):
        return [tuple(k[0] for k in keys)]
    out = []
    for c in product(*keys):
        out.append(c)
        if len(out) >= limit:
            break
    return out


def _common_word_read_as_lemma(combo: tuple[str, ...], toks: Sequence[Token], lex) -> bool:
    """Is this a lemma reading of a run written as one of the lexicon's common_words or stopwords?"""
    surface = tuple(t.key for t in toks)
    if surface == combo:
        return False
    key = " ".join(surface)
    return key in lex.common_words or key in lex.stopwords


def _rejected(index: Index, tokens: list[Token], a: int, b: int, ref: NameRef) -> bool:
    if not index.rejected:
        return False
    key = " ".join(t.key for t in tokens[a:b])
    return (key, index.entries[ref.entry].id) in index.rejected


def _best_per_entry(refs: list[NameRef]) -> dict[int, NameRef]:
    best: dict[int, NameRef] = {}
    for r in refs:
        if r.entry not in best or TAG_SCORE.get(r.tag, 0.9) > TAG_SCORE.get(best[r.entry].tag, 0.9):
            best[r.entry] = r
    return best


def _method(refs: list[NameRef], combo: tuple[str, ...], toks: Sequence[Token]) -> str:
    tag = max(refs, key=lambda r: TAG_SCORE.get(r.tag, 0.9)).tag
    if tuple(t.key for t in toks) != combo:
        return "morph"  # matched through a lemma, not the written form
    return {"canonical": "exact", "alias": "exact"}.get(tag, tag)


def _capitalised_runs(text: str, tokens: list[Token], taken: list[bool], index: Index) -> list[tuple[int, int]]:
    """Runs of joined capitalised tokens not matched exactly and not made of stopwords."""
    runs, i, n = [], 0, len(tokens)
    stop = index.lexicon.stopwords
    while i < n:
        t = tokens[i]
        if taken[i] or not _capitalised(t) or t.text.isdigit():
            i += 1
            continue
        j = i + 1
        while j < n and not taken[j] and tokens[j].joined and _capitalised(tokens[j]):
            j += 1
        # Trim stopwords at either end ("President Ivan Petrenko" -> "Ivan Petrenko").
        a, b = i, j
        while a < b and tokens[a].key in stop:
            a += 1
        while b > a and tokens[b - 1].key in stop:
            b -= 1
        if a < b and fold_name(text[tokens[a].start:tokens[b - 1].end]) not in stop:
            runs.append((a, b))
        i = j
    return runs


SURNAME_MIN = 85  # rapidfuzz ratio a fuzzy person match needs on the surname alone (Yermack ~ Yermak: 91)


def _surname_kept(span_last: str, name_key: str) -> bool:
    """A fuzzy person match may respell a surname, not swap it for another: its first two
    letters stay and the surname alone scores SURNAME_MIN ("Lavrenko" is no Marchenko,
    "Sokolov" no Zolotov, "Kulebin" no Kuleba)."""
    last = name_key.rsplit(" ", 1)[-1]
    return last[:2] == span_last[:2] and fuzz.ratio(span_last, last) >= SURNAME_MIN


def _fuzzy(tokens: list[Token], a: int, b: int, index: Index, cfg: MatchConfig,
           person: bool = False) -> _Hit | None:
    """Near misses of curated names and big places. `person`: the run starts with a first
    name, so only a listed person's full name may match it."""
    key = " ".join(t.key for t in tokens[a:b])
    if len(key) < cfg.fuzzy_min_chars or b - a > index.max_tokens:
        return None
    block = index.blocks.get(key[:3])
    if not block:
        return None
    cutoff = cfg.t_review * 100
    found = process.extract(key, block, scorer=fuzz.ratio, limit=5, score_cutoff=cutoff)
    if not found:
        return None
    refs: dict[int, NameRef] = {}
    scores: dict[int, float] = {}
    for k, s, _ in found:
        for r in index.lookup(k):
            if r.upper or _rejected(index, tokens, a, b, r):
                continue
            e = index.entries[r.entry]
            if person and (e.type != "person" or " " not in k):
                continue  # "Ivan Franko" is no Ivano-Frankivsk
            if e.type == "person" and not _surname_kept(tokens[b - 1].key, k):
                continue  # "Viktor Sokolov" is not Viktor Zolotov
            if s / 100 > scores.get(r.entry, 0):
                refs[r.entry], scores[r.entry] = r, s / 100
    if not refs:
        return None
    top = max(scores.values())
    refs = {e: r for e, r in refs.items() if scores[e] >= top - 0.02}
    cands = [Candidate(index.entries[e].id, index.entries[e].canonical, s)
             for e, s in sorted(scores.items(), key=lambda x: -x[1])]
    # A fuzzy link is never as sure as a written alias: it tops out just under t_auto
    # unless the spelling differs by a single letter in a long name.
    base = top * (0.97 if top >= 0.93 else 0.92)
    return _Hit(a, b, refs, "fuzzy", base, cands)


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
RIVER_CUE = 6.0  # "crossed the Dnipro", "берега Днепра": outweighs the city's size and the city named elsewhere
FOREIGN_AUTO_POPULATION = 100_000  # a generated place outside domain_countries needs this, or context
PLURAL_REGION_RE = re.compile(r"\s+(?:regions|oblasts|provinces|Regions|Oblasts|Provinces)\b")
LIST_GAP_RE = re.compile(r"\s*(?:,|,?\s+and|&)\s*")


def _prior(e: Entry, ref: NameRef, cfg: MatchConfig) -> float:
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


def _context(hits: list[_Hit], index: Index, cfg: MatchConfig | None = None,
             river_cues: Sequence[bool] = ()) -> list[tuple[set[str], set[str]]]:
    """What each clear mention says about the document: its ids and countries.

    A mention is clear when it has one candidate, or (with cfg) when the priors alone (and
    a river cue: `river_cues` per hit) put one candidate CLEAR_MARGIN ahead (Kharkiv the
    city, not a village of that name). Returned per hit, so a mention is judged by the
    *other* mentions, never by itself.
    """
    out = []
    for k, h in enumerate(hits):
        ids: set[str] = set()
        countries: set[str] = set()
        best = None
        cued = k < len(river_cues) and river_cues[k]
        if h.method != "fuzzy":
            if len(h.refs) == 1:
                best = next(iter(h.refs))
            elif cfg is not None and h.refs:
                ranked = sorted(((_prior(index.entries[ei], r, cfg) + _cue(index.entries[ei], cued), ei)
                                 for ei, r in h.refs.items()), reverse=True)
                if ranked[0][0] - ranked[1][0] >= CLEAR_MARGIN:
                    best = ranked[0][1]
        if best is not None:
            e = index.entries[best]
            ids = {e.id} | ({e.parent} if e.parent else set())
            # a person's country says little about which Geneva or Odessa a text means
            countries = {e.country} if e.country and e.type != "person" else set()
        out.append((ids, countries))
    return out


def _river_cue(text: str, tokens: list[Token], h: _Hit, index: Index) -> bool:
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


def _river_cue_after(text: str, tokens: list[Token], h: _Hit, lex) -> bool:
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


def _neighbour_cue(text: str, tokens: list[Token], hits: list[_Hit], k: int, index: Index) -> Entry | None:
    """'Odessa, Texas': a place written right after ', ' qualifies the one before it."""
    h = hits[k]
    if k + 1 >= len(hits):
        return None
    nxt = hits[k + 1]
    gap = text[tokens[h.end_tok - 1].end:tokens[nxt.start_tok].start]
    if gap.strip() != "," or len(nxt.refs) != 1:
        return None
    e = index.entries[next(iter(nxt.refs))]
    return e if e.kind in CONTAINER_KINDS else None


def _qualified(text: str, tokens: list[Token], hits: list[_Hit], k: int, index: Index) -> Entry | None:
    """'Atlanta, Georgia': the clear place right before ', ' that this mention qualifies."""
    if k == 0:
        return None
    prev, h = hits[k - 1], hits[k]
    gap = text[tokens[prev.end_tok - 1].end:tokens[h.start_tok].start]
    if gap.strip() != "," or len(prev.refs) != 1:
        return None
    e = index.entries[next(iter(prev.refs))]
    return e if e.type == "place" and e.kind not in CONTAINER_KINDS and e.country else None


def _region_lists(text: str, tokens: list[Token], hits: list[_Hit], index: Index) -> None:
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


_REGION_KINDS = {"oblast", "federal-subject", "autonomous-republic", "region", "province", "krai"}


def _weak_position(text: str, tokens: list[Token], h: _Hit, heads: list[tuple[int, int]],
                   covered: set[int]) -> bool:
    """A one-word mention where a common word or a person's name is as likely as a place:
    first word of a sentence, a Title Case headline, or glued to an unknown capitalised word
    ("Mary Smith", where only Mary is in the gazetteer)."""
    if h.end_tok - h.start_tok != 1:
        return False
    t = tokens[h.start_tok]
    if _sentence_initial(text, t) or any(a <= t.start < b for a, b in heads):
        return True
    nxt = h.end_tok
    if nxt < len(tokens) and tokens[nxt].joined and _capitalised(tokens[nxt]) and nxt not in covered:
        return True
    prv = h.start_tok - 1  # a sentence's first word ("Shelling Ivanivka") is capitalised for grammar
    return (prv >= 0 and t.joined and _capitalised(tokens[prv]) and prv not in covered
            and not _sentence_initial(text, tokens[prv]))


def _resolve(text: str, tokens: list[Token], hits: list[_Hit], index: Index, cfg: MatchConfig) -> list[Entity]:
    """Pick each mention's entry: priors (kind, population, curated or generated, domain
    country), the document's other clear mentions (their ids, parents and countries), a
    qualifying place after a comma, 'X and Y regions', and a river cue before a name a river
    shares with a town ('crossed the Dnipro'; without one the town wins). A close call, or a
    generated entry in a weak position or abroad without context, is capped below t_auto (review)."""
    _region_lists(text, tokens, hits, index)
    river_cues = [_river_cue(text, tokens, h, index) for h in hits]
    per_hit = _context(hits, index, cfg, river_cues)
    id_count = Counter(i for ids, _ in per_hit for i in ids)
    country_count = Counter(c for _, cs in per_hit for c in cs)
    heads = _headline_lines(text)
    covered = {j for h in hits for j in range(h.start_tok, h.end_tok)}
    out: list[Entity] = []
    for k, h in enumerate(hits):
        own_ids, own_countries = per_hit[k]
        ctx_ids = {i for i, n in id_count.items() if n > (i in own_ids)}
        ctx_countries = {c for c, n in country_count.items() if n > (c in own_countries)}
        cue = _neighbour_cue(text, tokens, hits, k, index)
        qualified = _qualified(text, tokens, hits, k, index)
        place_word = h.start_tok > 0 and tokens[h.start_tok - 1].text.lower() in PLACE_PREPOSITIONS
        scored = []
        for ei, ref in h.refs.items():
            e = index.entries[ei]
            ev = _prior(e, ref, cfg) + _cue(e, river_cues[k])
            if e.country in ctx_countries:
                ev += 0.3
            if e.id in ctx_ids:
                ev += 2.0
            elif e.parent and e.parent in ctx_ids:
                ev += GENERATED_PARENT_IN_CONTEXT if e.source in GENERATED_SOURCES else PARENT_IN_CONTEXT
            if place_word and e.type == "place":
                ev += PLACE_PREPOSITION
            if qualified is not None and e.kind in CONTAINER_KINDS and e.country == qualified.country:
                ev += 2.0  # "Atlanta, Georgia": the state of the place before the comma
            against = False
            if cue is not None and cue.id == e.parent:
                ev += 2.0
            elif cue is not None and cue.country and e.country and cue.country != e.country:
                ev -= 3.0  # "Odessa, Texas" is not the Ukrainian Odesa
                against = True
            scored.append((ev, ei, ref, against))
        scored.sort(key=lambda x: -x[0])
        ev, ei, ref, against = scored[0]
        base = h.base if h.method == "fuzzy" else TAG_SCORE.get(ref.tag, 0.9)
        score = base
        if len(scored) > 1 and ev - scored[1][0] < CLEAR_MARGIN:
            score = min(score, 0.85)  # a close call between entries: a person decides
        if against:
            score = min(score, 0.5)  # the context contradicts the only candidates
        e = index.entries[ei]
        method = h.methods.get(ei, h.method)
        if e.source in GENERATED_SOURCES and not (e.id in ctx_ids or (e.parent and e.parent in ctx_ids)):
            if h.method == "fuzzy" and _weak_position(text, tokens, h, heads, covered):
                continue  # "Shelling" is not a misspelt Malaysian town
            foreign = (e.country not in cfg.domain_countries and e.country not in ctx_countries
                       and (e.population or 0) < FOREIGN_AUTO_POPULATION)
            if foreign and ref.tag not in ("canonical", "override"):
                score = min(score, 0.7)  # "Yamal" is one of GeoNames' names of a Tunisian town: no link
            elif _weak_position(text, tokens, h, heads, covered):
                score = min(score, 0.85)  # "Police said...", "Victory Day": review, not a rewrite
            elif foreign:
                score = min(score, 0.85)  # a small town abroad, nothing else in the text near it
        start, end = tokens[h.start_tok].start, tokens[h.end_tok - 1].end
        status = "auto" if score >= cfg.t_auto else "review" if score >= cfg.t_review else "unresolved"
        cands = h.candidates or [
            Candidate(index.entries[x].id, index.entries[x].canonical, round(base if x == ei else base * 0.85, 3))
            for _, x, _, _ in scored]
        out.append(Entity(
            start=start, end=end, surface=text[start:end], type=e.type, gazetteer_id=e.id,
            canonical=e.canonical, score=score, method=method, status=status,
            candidates=cands[:5], rewrite=(e.short or e.canonical) if ref.short else e.canonical,
        ))
    return out


def _unknown(text: str, tokens: list[Token], runs: list[tuple[int, int]],
             propose: Callable[[str], str] | None) -> list[Entity]:
    """Capitalised names the gazetteer lacks, queued for a reviewer with a proposed spelling."""
    heads = _headline_lines(text)
    out = []
    for a, b in runs:
        start, end = tokens[a].start, tokens[b - 1].end
        if any(s <= start < e for s, e in heads):
            continue
        if b - a == 1 and _sentence_initial(text, tokens[a]):
            continue  # a capitalised first word is usually just a first word
        if all(t.text.isupper() for t in tokens[a:b]) and end - start <= 5:
            continue  # abbreviations are organisations far more often than places
        surface = text[start:end]
        out.append(Entity(
            start=start, end=end, surface=surface, type="person" if b - a >= 2 else "place",
            gazetteer_id=None, canonical=propose(surface) if propose else surface, score=0.0,
            method="unknown", status="unresolved",
        ))
    return out
