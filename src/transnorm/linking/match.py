"""Finding names in a text: exact scan, fuzzy pass, unknown names.

Three passes over one token stream (see text/fold.tokenize):
1. exact: longest run of tokens whose folded key is a gazetteer name (whole words only);
2. fuzzy: capitalised runs left over, compared (rapidfuzz) only with names in the same
   block (first three folded letters), so cost stays flat as the gazetteer grows;
   (then, openworld.py: a Russian spelling of a Ukrainian village, a phonetic near miss);
3. generated: people and places the gazetteer lacks, recognised by structure and cue words
   (openworld.py), proposed with status review; a weak or far guess gives way to one (guesses.py);
4. unknown: capitalised runs nobody recognised, queued as `unresolved` for review.
A place named inside a longer name ("Kursk NPP", "FC Dnipro") is then folded into one entity
for the whole name (named.py).
A first name (lexicon given_names) is never fuzzy-matched alone, and starts a person's name:
"Viktor Sokolov" is an unknown person, not a place or another Viktor. resolve.py then picks
each found name's entry.
"""
from __future__ import annotations

from itertools import product
from typing import Callable, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from transnorm.config import MatchConfig
from transnorm.gazetteer.entries import REGION_KINDS, Entry
from transnorm.gazetteer.index import GENERATED_SOURCES, Index, NameRef
from transnorm.linking.coref import first_name_mentions
from transnorm.linking.glued import join_prefixed, split_glued
from transnorm.linking.guesses import dropped_guesses, generate
from transnorm.linking.hits import (
    Hit,
    best_refs,
    capitalised,
    continues_name,
    demonym_shaped,
    headline_lines,
    own_part_close,
    sentence_initial,
)
from transnorm.linking.named import mark_named
from transnorm.linking.openworld import OpenWorld
from transnorm.linking.people import plural_noun_opening
from transnorm.linking.places import cue_after, cue_before
from transnorm.linking.resolve import TAG_SCORE, resolve
from transnorm.linking.reviewed import drop_decided, split_runs
from transnorm.linking.stop import apply_stop_layer, cue_hits, release_prefixed
from transnorm.linking.units import UnitMatch, find_units, hromada_of, unit_entity
from transnorm.linking.units_en import english_axes, english_region_of, english_unit_lists, prefer_units
from transnorm.records import Entity
from transnorm.text.fold import Token, fold_name, tokenize
from transnorm.text.morph import is_cyrillic_word, is_function_or_verb, word_lemmas

# Extra lookup keys per token (lemmas of inflected Cyrillic words); default: the folded token.
KeysFn = Callable[[Sequence[Token]], list[tuple[str, ...]]]


def link(text: str, index: Index, cfg: MatchConfig, keys_fn: KeysFn | None = None,
         propose: Callable[[str], str] | None = None, lang: str | None = None) -> list[Entity]:
    """Find every name in `text` and link it to the gazetteer. Entities are sorted, disjoint.

    `lang` (ru, uk, en) is the text's language: the open-world passes (openworld.py) use it to
    read and romanise names the gazetteer lacks."""
    # review decisions: runs that are several names; words a page glued together ("LvivThe")
    tokens = join_prefixed(text, split_glued(split_runs(tokenize(text), index), index), index)
    keys = keys_fn(tokens) if keys_fn else [(t.key,) for t in tokens]
    given_names = index.lexicon.given_names
    given = [t.text[:1].isupper() and not given_names.isdisjoint(ks) and not plural_noun_opening(text, t, lang)
             for t, ks in zip(tokens, keys)]  # capitalised
    hits = _first_names_dropped(text, _exact(text, tokens, keys, index), tokens, index)
    hits = _surnames_after_a_first_name_dropped(hits, tokens, keys, given, index)
    ow = OpenWorld(text, tokens, index, cfg, lang) if cfg.generate_names else None
    if ow is not None:
        hits = ow.screen(hits)  # a surname beside a first name, initial or role word is a person
    # Common words without evidence let go of their tokens now, so that the capitalised run they
    # stand in is read whole: "Стара Гута" is one village, not the common word "Стара" + "Гута".
    hits = release_prefixed(text, tokens, apply_stop_layer(text, tokens, hits, index, cfg.domain_countries),
                            index, lang)
    units = find_units(text, tokens, index, lang)  # "у Конотопському районі", "Охтирська громада"
    hits, hromadas, unclear = _with_units(text, hits, units, tokens, index)
    taken = [False] * len(tokens)
    for h in [*hits, *hromadas]:
        for j in range(h.start_tok, h.end_tok):
            taken[j] = True
    for h in cue_hits(text, tokens, keys, taken, index, hits, lang):
        hits.append(h)
        taken[h.start_tok] = True
    leftovers = _capitalised_runs(text, tokens, taken, index, lang)
    if ow is not None:
        ow.prepare(leftovers, hits)
    unknown: list[tuple[int, int]] = []
    guessed: list[Hit] = []  # near misses of leftover runs
    for a, b in leftovers:
        if b - a == 1 and given[a]:
            continue  # a first name alone: no misspelt place ("Yaroslav", "Maria"), no place to queue
        if ow is not None and ow.claims_surname(a, b):
            unknown.append((a, b))  # the surname of a person the text names in full
            continue
        person = given[a] or (ow is not None and ow.looks_like_person(a, b))
        hit = _fuzzy(tokens, a, b, index, cfg, person=person) if cfg.fuzzy else None
        if hit is None and ow is not None and cfg.fuzzy and not person:
            hit = ow.near_miss(a, b)  # a Russian spelling of a Ukrainian village, a phonetic near miss
        if hit:
            hits.append(hit)
            guessed.append(hit)
        else:
            unknown.append((a, b))
    hits.sort(key=lambda h: h.start_tok)
    entities = resolve(text, tokens, apply_stop_layer(text, tokens, hits, index, cfg.domain_countries), index, cfg)
    unknown = dropped_guesses(guessed, entities, tokens, unknown)
    if unclear:
        entities = [hromada_of(e, index) if (e.start, e.end) in unclear else e for e in entities]
    if hromadas:
        entities = sorted(entities + [unit_entity(m, text, tokens, index, cfg) for m in hromadas],
                          key=lambda e: e.start)
    if ow is not None:
        entities, unknown = generate(ow, tokens, entities, unknown)
    firsts = first_name_mentions(text, tokens, entities, index, lang)  # "Ольга Харлан ... Ольга"
    if firsts:
        entities = sorted(entities + firsts, key=lambda e: e.start)
        unknown = [(a, b) for a, b in unknown
                   if not any(f.start < tokens[b - 1].end and tokens[a].start < f.end for f in firsts)]
    if cfg.unknown_names:
        entities += _unknown(text, tokens, unknown, propose, index.stop)
        entities.sort(key=lambda e: e.start)
    entities = mark_named(text, tokens, entities, index.lexicon, propose)
    return drop_decided(entities, index)  # review decisions: "not a name", rejected proposals


def _initialism(text: str, tokens: list[Token], a: int, b: int) -> bool:
    """Single capital letters joined by dots ("U.S.", "E.U."): an abbreviation, only ever meant by
    a name listed as one."""
    return all(len(t.text) == 1 for t in tokens[a:b]) and all(
        text[tokens[j - 1].end:tokens[j].start] == "." for j in range(a + 1, b))


def _exact(text: str, tokens: list[Token], keys: list[tuple[str, ...]], index: Index) -> list[Hit]:
    hits: list[Hit] = []
    lex = index.lexicon
    vocab = index.words()
    n, i = len(tokens), 0
    keys = _lowercase_names(tokens, keys, lex.lowercase_names)
    known = _known_words(keys, vocab)
    reach = [not known.isdisjoint(ks) for ks in keys]  # has a reading some key has
    lowercase = lex.lowercase_names
    while i < n:
        if not tokens[i].text[:1].isupper() and not (lowercase and not lowercase.isdisjoint(keys[i])):
            i += 1  # a name is capitalised, but for the few Ukrainian media write in lower case (рф, росією)
            continue
        # How many tokens from i can belong to one name: joined ones, each with a reading some
        # key has (a longer run has no combination whose every word is in `vocab`: no lookup).
        run = 1 if reach[i] else 0
        while (run and i + run < n and run < index.max_tokens and reach[i + run]
               and continues_name(text, tokens, i + run)):
            run += 1
        found = None
        upper = tokens[i].text.isupper()
        for length in range(run, 0, -1):
            # Every reading of the run is a candidate (the written form and its lemmas): "Луганске"
            # is Luhansk (a lemma) as much as the village Luhanske (the written form); resolve decides.
            combos = _combos(keys[i:i + length])
            for combo in combos:
                # (one combination: every token has one reading, a known one)
                if len(combos) > 1 and not all(w in known for w in combo):
                    continue  # a word no key has: no lookup (most readings of most runs)
                refs = index.lookup(" ".join(combo))
                if not upper:
                    refs = [r for r in refs if not r.upper]
                elif length > 1 and _initialism(text, tokens, i, i + length):
                    refs = [r for r in refs if r.upper]  # "E.U." is no spelling of the town Ye-u
                if index.rejected:
                    refs = [r for r in refs if not _rejected(index, tokens, i, i + length, r)]
                if refs and _common_word_read_as_lemma(combo, tokens[i:i + length], lex):
                    # "Родина" (a common word) read as the lemma "родино" is no GeoNames Rodino,
                    # "Из" no Iza: the rule compile_index applies to written names, for readings
                    refs = [r for r in refs if index.entries[r.entry].source not in GENERATED_SOURCES]
                if not refs:
                    continue
                method = _method(refs, combo, tokens[i:i + length])
                if found is None:
                    found = Hit(i, i + length, _best_per_entry(refs), method)
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


def _known_words(keys: list[tuple[str, ...]], vocab) -> frozenset[str]:
    """The readings of this text that are words of some index key: each asked of the (mapped)
    vocabulary once, then tested as a plain set in the scan's inner loop."""
    words = {k for ks in keys for k in ks}
    subset = getattr(vocab, "subset", None)  # overlay.LayeredWords: the same, without a call per word
    return subset(words) if subset is not None else frozenset(k for k in words if k in vocab)


def _lowercase_names(tokens: list[Token], keys: list[tuple[str, ...]], names: frozenset[str] | set[str]
                     ) -> list[tuple[str, ...]]:
    """`keys` with the lemma added for lower-case words that are one of lexicon lowercase_names
    in any case ("росією" -> "росія"): the lemma keys only cover capitalised words."""
    if not names:
        return keys
    heads = {n[:3] for n in names}
    out = keys
    for i, t in enumerate(tokens):
        if t.key[:3] in heads and t.text.islower() and is_cyrillic_word(t.text):
            found = [k for lg in ("uk", "ru") for k in word_lemmas(t.text, lg) if k in names]
            if found and found[0] not in keys[i]:
                out = list(keys) if out is keys else out
                out[i] = (*keys[i], found[0])
    return out


def _with_units(text: str, hits: list[Hit], units: list[UnitMatch], tokens: list[Token],
                index: Index) -> tuple[list[Hit], list[UnitMatch], set[tuple[int, int]]]:
    """Adjective + head noun matches (units.py) over the exact scan's hits: a hit on the same
    words that already knows the unit keeps only it; any other hit there (a village named like
    the adjective, a person called Rylskyi) gives way. Returns the hits and the hromadas (made
    entities after resolve: no index entry stands behind them). A hromada whose centre is not
    clear is a hit on the candidate centres instead, so that resolve (or a reviewer) picks one; its
    character span is returned too, and the centre picked becomes its hromada (units.hromada_of)."""
    hromadas: list[UnitMatch] = []
    unclear: set[tuple[int, int]] = set()
    for m in units:
        made = (m.head == "hromada" and m.clear) or m.unlisted is not None  # (an unclear centre: its
        # settlements, for resolve and review; an unlisted district: generated, units.unit_entity)
        over = [h for h in hits if h.start_tok < m.end_tok and m.start_tok < h.end_tok]
        known = [h for h in over if any(p in h.refs for p in m.entries)]
        if m.head != "hromada" and known:
            for h in known:
                h.refs = {p: r for p, r in h.refs.items() if p in m.entries}
            continue
        hits = [h for h in hits if h not in over]
        if made:
            hromadas.append(m)
        else:
            hits.append(Hit(m.start_tok, m.end_tok, {p: NameRef(p, "alias", "*") for p in m.entries[:5]},
                            "adjective"))
            if m.head == "hromada":
                unclear.add((tokens[m.start_tok].start, tokens[m.end_tok - 1].end))
    hits, more, unclear_en = english_unit_lists(text, tokens, hits, index)  # "Kharkiv, Kupyan and Chuguyiv districts"
    hromadas += more
    unclear |= unclear_en
    hits = english_axes(text, tokens, hits, index)  # "the Pokrovsky direction"
    english_region_of(tokens, hits, index)  # "the Russian region of Lipetsk"
    prefer_units(hits, tokens, index)
    hits.sort(key=lambda h: h.start_tok)
    return hits, hromadas, unclear


def _first_names_dropped(text: str, hits: list[Hit], tokens: list[Token], index: Index) -> list[Hit]:
    """'Ivan Petrenkovych': a one-word match that only a generated village knows, followed by
    a capitalised word nobody knows, is the start of a name, not a place (GeoNames lists
    villages called Ivan, Maria, Nadiia...). The whole run goes to the unknown-name queue; not
    when the capitalised word is the unit the place lies in ("в Ямполе Лиманской громады": a
    place adjective and its head in the genitive, places.cue_after).
    A country or region in a Cyrillic case form is no first name: "міністр Хорватії Гордан
    Грліч-Радман", "министр Кубы Бруно Родригес" name the country, then the person (but "Малі
    Щербаки", as written, is a village's name)."""
    starts = {h.start_tok for h in hits}
    stop = index.lexicon.stopwords
    out = []
    for h in hits:
        nxt = h.end_tok
        if (h.end_tok - h.start_tok == 1 and nxt < len(tokens) and tokens[nxt].joined
                and capitalised(tokens[nxt]) and nxt not in starts and tokens[nxt].key not in stop
                and all(index.entries[ei].source in GENERATED_SOURCES for ei in h.refs)
                and not (h.method == "morph" and is_cyrillic_word(tokens[h.start_tok].text) and any(
                    index.entries[ei].kind == "country" or index.entries[ei].kind in REGION_KINDS for ei in h.refs))
                and cue_after(text, tokens, nxt, index) is None):
            continue
        out.append(h)
    return out


FIRST_NAME_SIMILAR = 60  # rapidfuzz ratio: Alexander ~ Oleksandr (84), Georgy ~ Heorhii (67); Olena !~ Oleksandr (57)


def _surnames_after_a_first_name_dropped(hits: list[Hit], tokens: list[Token], keys: list[tuple[str, ...]],
                                         given: list[bool], index: Index) -> list[Hit]:
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


def _capitalised_runs(text: str, tokens: list[Token], taken: list[bool], index: Index,
                      lang: str | None = None) -> list[tuple[int, int]]:
    """Runs of joined capitalised tokens not matched exactly and not made of stopwords."""
    runs, i, n = [], 0, len(tokens)
    stop = index.lexicon.stopwords
    while i < n:
        t = tokens[i]
        if taken[i] or not capitalised(t) or t.text.isdigit():
            i += 1
            continue
        j = i + 1
        while j < n and not taken[j] and tokens[j].joined and capitalised(tokens[j]):
            j += 1
        # Trim stopwords at either end ("President Ivan Petrenko" -> "Ivan Petrenko"); not one right
        # after a settlement word, which names it ("поселок Середа": Середа is also Wednesday).
        a, b = i, j
        cued = tokens[i].key in stop and (cue := cue_before(text, tokens, i, lang, index)) is not None and cue.strong
        while a < b and tokens[a].key in stop and not (cued and a == i):
            a += 1
        while b > a and tokens[b - 1].key in stop and not (cued and b - 1 == i) and not (
                b - 1 > a and "-" in text[tokens[b - 2].end:tokens[b - 1].start]):
            b -= 1  # (a stopword hyphened to the name is part of it: "Новостроевка-Вторая")
        if b - a > 1 and sentence_initial(text, tokens[a]) and is_cyrillic_word(tokens[a].text) \
                and is_function_or_verb(tokens[a].text):
            a += 1  # "Похоронят Евтушенко": the verb is capitalised only because it starts the sentence
        if a < b and (cued or fold_name(text[tokens[a].start:tokens[b - 1].end]) not in stop):
            runs.append((a, b))
        i = j
    return runs


SURNAME_MIN = 85  # rapidfuzz ratio a fuzzy person match needs on the surname alone (Yermack ~ Yermak: 91)


def _surname_kept(span_last: str, name_key: str) -> bool:
    """A fuzzy person match may respell a surname, not swap it for another: its first two
    letters stay and the surname alone scores SURNAME_MIN ("Lavrenko" is no Marchenko,
    "Sokolov" no Zolotov, "Kulebin" no Kuleba)."""
    last = name_key.rsplit(" ", 1)[-1]
    if last[:2] != span_last[:2] or fuzz.ratio(span_last, last) < SURNAME_MIN:
        return False
    # Written in Cyrillic, a surname is rarely misspelt: one letter is a typo, two are another
    # person ("Максим Козиряцький" is not Maksym Kozytskyi); Latin MT spellings vary more.
    return not is_cyrillic_word(span_last) or Levenshtein.distance(span_last, last) <= 1


def _fuzzy(tokens: list[Token], a: int, b: int, index: Index, cfg: MatchConfig,
           person: bool = False) -> Hit | None:
    """Near misses of curated names and big places. `person`: the run starts with a first
    name, so only a listed person's full name may match it."""
    key = " ".join(t.key for t in tokens[a:b])
    if len(key) < cfg.fuzzy_min_chars or b - a > index.max_tokens:
        return None
    if b - a == 1 and (key in index.stop or demonym_shaped(tokens[a])):
        return None  # a common word is no misspelt name ("Роботи" is not Robotyne, "Кубка" not Cuba,
        # "Galician" not Galicia)
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
        if not own_part_close(key, k, index, cutoff):
            continue
        for r in index.lookup(k):
            if r.upper or _rejected(index, tokens, a, b, r):
                continue
            e = index.entries[r.entry]
            if e.type == "organisation":
                continue  # a club's name misspelt is another club's ("Sparta" battalion is no Spartak)
            if person and (e.type != "person" or " " not in k):
                continue  # "Ivan Franko" is no Ivano-Frankivsk
            if e.type == "person" and (b - a == 1 or not _surname_kept(tokens[b - 1].key, k)):
                continue  # "Viktor Sokolov" is not Viktor Zolotov; a respelt surname alone is too little
                # ("Voloshin" is not Volodin, "Chernysh" no Chernyshov, "Дурово" no Durov)
            if s / 100 > scores.get(r.entry, 0):
                refs[r.entry], scores[r.entry] = r, s / 100
    if not refs:
        return None
    refs, top, cands = best_refs(refs, scores, index)
    # A fuzzy link is never as sure as a written alias: it tops out just under t_auto
    # unless the spelling differs by a single letter in a long name.
    base = top * (0.97 if top >= 0.93 else 0.92)
    return Hit(a, b, refs, "fuzzy", base, cands)


def _unknown(text: str, tokens: list[Token], runs: list[tuple[int, int]],
             propose: Callable[[str], str] | None, stop: frozenset[str] = frozenset()) -> list[Entity]:
    """Capitalised names the gazetteer lacks, queued for a reviewer with a proposed spelling."""
    heads = headline_lines(text)
    out = []
    for a, b in runs:
        if b - a == 1 and (tokens[a].key in stop or demonym_shaped(tokens[a])):
            continue  # a common word written with a capital ("Progress", "Победа", "Norwegians"): not a name
        start, end = tokens[a].start, tokens[b - 1].end
        if any(s <= start < e for s, e in heads):
            continue
        if b - a == 1 and sentence_initial(text, tokens[a]):
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
