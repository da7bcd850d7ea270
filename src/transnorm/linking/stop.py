"""Common words that name some village: linked only with evidence, never rewritten.

A one-word mention whose folded form is in the stop layer (gazetteer/stoplayer.py: frequent
words of en/ru/uk that no curated entry, country, region or sizeable place is called) keeps a
generated candidate only with evidence that a settlement is meant: a settlement cue right
before it ("село Балка", "the village of Progress") or a list of places around it ("Балка, Гута
та Золотий Потік"); for a place in the domain countries (match.domain_countries) a capital in
mid-sentence is evidence enough when the word is written as the place's own name (not a lemma
reading: "Курской" is no Kurskaya), for a place abroad it is not. Even then it is capped below
auto: a person decides. Without evidence the generated candidates go, and with them usually
the mention.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Collection

from transnorm.gazetteer.adjectives import rules_for
from transnorm.gazetteer.entries import SETTLEMENT_KINDS
from transnorm.gazetteer.index import GENERATED_SOURCES, Index
from transnorm.linking.declension import cyr_parses
from transnorm.linking.hits import Hit, headline_lines, sentence_initial
from transnorm.text.fold import Token, fold_name
from transnorm.text.morph import analyzer, is_cyrillic_word, known_word, word_langs
from transnorm.text.translit import likeness

OWN_NAME_RATIO = 80  # text/translit.likeness of the written word to the place's canonical
STOP_CAP = 0.85  # the most a stop-layer word can score: review, never auto
CUE_SKIP = frozenset({"of"})  # "the village of Progress"
LIST_GAP_RE = re.compile(r"\s*(?:,|,?\s+(?:and|та|і|й|и|or|або|или)|[-–—])\s*")  # a road "Київ-Чоп" too
#: A name glued to a top-level domain ("URA.RU", "RIA.ru", "Censor.net") or after "www." is a web address: an outlet.
WEB_AFTER_RE = re.compile(r"\.(?:ru|ua|com|net|org|info|by|kz|su|рф|укр|news|media|tv|fm|io|eu)(?![\w.-]*\w)|"
                          r"\.(?:ru|ua|com|net|org|info|by|kz|su|рф|укр|news|media|tv|fm|io|eu)/", re.I)
WEB_BEFORE_RE = re.compile(r"(?:www\.|://|@)$", re.I)


def stopped(tokens: list[Token], h: Hit, index: Index) -> bool:
    """A one-word mention written as a stop-layer word that no curated entry answers to (an
    inflected form of a curated name, "Харківщині", is that name, not a common word)."""
    return (h.end_tok - h.start_tok == 1 and tokens[h.start_tok].key in index.stop
            and all(index.entries[ei].source in GENERATED_SOURCES for ei in h.refs))


def web_address(text: str, tokens: list[Token], h: Hit) -> bool:
    """"URA.RU", "RIA.ru", "www.kyiv.com": the name of a site, not of the place it sounds like."""
    start, end = tokens[h.start_tok].start, tokens[h.end_tok - 1].end
    if text.startswith(".", end) and WEB_AFTER_RE.match(text, end):
        return True
    return text[start - 1:start] in (".", "/", "@") and WEB_BEFORE_RE.search(text[max(0, start - 4):start]) is not None


def _pronoun(tokens: list[Token], h: Hit) -> bool:
    """"Мене вразила": a pronoun's case form read as a name's ("мене" as Мен, Maine) is the pronoun."""
    if h.end_tok - h.start_tok != 1 or h.method != "morph" or not is_cyrillic_word(tokens[h.start_tok].text):
        return False
    return _pronoun_word(tokens[h.start_tok].text.lower())


@lru_cache(maxsize=50_000)  # the same words come back in every document
def _pronoun_word(low: str) -> bool:
    return any(p.tag.POS == "NPRO" for lg in ("uk", "ru") for p in analyzer(lg).parse(low))


def _settlement_cue(text: str, tokens: list[Token], h: Hit, index: Index) -> bool:
    cues = index.lexicon.settlement_cues
    j = h.start_tok
    for _ in range(2):
        if j == 0 or text[tokens[j - 1].end:tokens[j].start].strip(" .\u00a0"):
            return False  # punctuation other than an abbreviation's dot ("с. Перемога") breaks the cue
        j -= 1
        if tokens[j].key in cues:
            return True
        if tokens[j].key not in CUE_SKIP:
            return False
    return False


def _in_place_list(text: str, tokens: list[Token], hits: list[Hit], k: int, flags: list[bool],
                   index: Index) -> bool:
    """A neighbour joined by ',' / 'and' / 'та' is a place the stop layer does not doubt."""
    for m in (k - 1, k + 1):
        if not 0 <= m < len(hits) or flags[m]:
            continue
        a, b = (hits[m], hits[k]) if m < k else (hits[k], hits[m])
        gap = text[tokens[a.end_tok - 1].end:tokens[b.start_tok].start]
        if LIST_GAP_RE.fullmatch(gap) and any(index.entries[ei].type == "place" for ei in hits[m].refs):
            return True
    return False


def _listed_beside_a_place(text: str, tokens: list[Token], i: int, hits: list[Hit], index: Index) -> bool:
    """Token i stands in a list (", ", " and ", " та ") right beside a found place."""
    for h in hits:
        if not any(index.entries[ei].type == "place" for ei in h.refs):
            continue
        if h.end_tok == i and LIST_GAP_RE.fullmatch(text[tokens[i - 1].end:tokens[i].start]):
            return True
        if h.start_tok == i + 1 and LIST_GAP_RE.fullmatch(text[tokens[i].end:tokens[i + 1].start]):
            return True
    return False


def cue_hits(text: str, tokens: list[Token], keys: list[tuple[str, ...]], taken: list[bool],
             index: Index, hits: list[Hit], lang: str | None = None) -> list[Hit]:
    """Places whose one-word name is a lexicon common word (Перемога, Маяк, Progress): the index
    keeps them apart (Index.cue_only) and they are found only right after a settlement cue ("в
    селі Перемога", "the village of Progress") or in a list beside other places ("Никаноровка,
    Маяк, Владимировка"), capped at STOP_CAP like the stop layer."""
    if not index.cue_only:
        return []
    out = []
    for i, tok in enumerate(tokens):
        if taken[i] or not tok.text[:1].isupper():
            continue
        if i > 0 and tok.joined and not taken[i - 1] and tokens[i - 1].text[:1].isupper() \
                and not text[tokens[i - 1].end:tok.start].strip():
            continue  # the end of a longer name ("Червоний Маяк"): the run is read whole later
        for reading, key in enumerate(keys[i]):
            refs = index.cue_only.get(key)
            if refs:
                h = Hit(i, i + 1, {r.entry: r for r in refs}, "exact" if reading == 0 else "morph", cap=STOP_CAP)
                if lang in ("ru", "uk") and _place_adjective_after(text, tokens, h, set(), index, lang):
                    break  # "Воля Ковельська": one longer name, read whole later
                if _settlement_cue(text, tokens, h, index) or _listed_beside_a_place(text, tokens, i, hits, index):
                    out.append(h)
                break
    return out


def _glued(text: str, tokens: list[Token], h: Hit) -> bool:
    """Joined to a capitalised word before or after: part of a longer name ("World Cup",
    "Эрмитаж Урал"), not a place on its own."""
    a, b = h.start_tok - 1, h.end_tok
    before = a >= 0 and tokens[h.start_tok].joined and tokens[a].text[:1].isupper()
    after = b < len(tokens) and tokens[b].joined and tokens[b].text[:1].isupper()
    return before or after


def _no_variant_surname(tokens: list[Token], h: Hit, index: Index) -> Hit:
    """A frequent word is no surname that only a transliteration variant spells so ("Born ...":
    Борн, Élisabeth Borne's Russian short form, romanised): those refs go; listed spellings stay."""
    if h.end_tok - h.start_tok != 1 or tokens[h.start_tok].key not in index.stop:
        return h
    keep = {ei: r for ei, r in h.refs.items() if not (r.tag == "variant" and r.short)}
    return h if len(keep) == len(h.refs) else replace(h, refs=keep, methods={
        ei: m for ei, m in h.methods.items() if ei in keep})


def apply_stop_layer(text: str, tokens: list[Token], hits: list[Hit], index: Index,
                     domain: Collection[str] = ()) -> list[Hit]:
    """Hits with stop-layer surfaces lose their generated candidates unless evidence says a
    settlement is meant, and are capped at STOP_CAP; hits left with no candidate go. A name that is
    part of a web address goes whatever it is."""
    hits = [h for h in hits if not web_address(text, tokens, h) and not _pronoun(tokens, h)]
    if not index.stop:
        return hits
    hits = [h for h in (_no_variant_surname(tokens, h, index) for h in hits) if h.refs]
    flags = [stopped(tokens, h, index) for h in hits]
    heads = headline_lines(text)
    kept: list[dict | None] = [None] * len(hits)  # a flagged hit's candidates that evidence keeps
    for k, h in enumerate(hits):
        if not flags[k]:
            continue
        if _settlement_cue(text, tokens, h, index) or _in_place_list(text, tokens, hits, k, flags, index):
            kept[k] = h.refs
            continue
        tok = tokens[h.start_tok]
        inside = (not sentence_initial(text, tok) and not _glued(text, tokens, h)
                  and not any(a <= tok.start < b for a, b in heads))
        mid = h.method == "exact" and inside
        # English capitalises common words in titles ("world Cup"): its spelling must be the
        # place's own, letter for letter (Cup is no Chupa)
        own = OWN_NAME_RATIO if is_cyrillic_word(tok.text) else 100
        # a country's name in any case, capitalised inside a sentence ("посол Дании"): the
        # word it shares a folded key with (даний, "given") is capitalised only at a start
        kept[k] = {ei: r for ei, r in h.refs.items() if index.entries[ei].source not in GENERATED_SOURCES
                   or (inside and index.entries[ei].kind == "country" and h.end_tok - h.start_tok == 1)
                   or (mid and index.entries[ei].country in domain
                       and likeness(tok.text, index.entries[ei].canonical) >= own)}
    # one sense per document: a place that evidence keeps once ("взяв Батурин, спалив") is that
    # place wherever else the text names it ("Батурин – ... містечко", "розквіт Батурина")
    shown = {ei for refs in kept if refs for ei in refs if index.entries[ei].source in GENERATED_SOURCES}
    out = []
    for k, h in enumerate(hits):
        if flags[k]:
            h.refs = {ei: r for ei, r in h.refs.items() if ei in kept[k] or ei in shown}
            if not h.refs:
                continue
            h.cap = min(h.cap, STOP_CAP)
        out.append(h)
    return out


def release_prefixed(text: str, tokens: list[Token], hits: list[Hit], index: Index, lang: str | None) -> list[Hit]:
    """A settlement found under a capitalised adjective that agrees with it ("Нову Гусарівку",
    "Золотую Балку", "Малі Щербаки") is a longer name the gazetteer lacks, not that settlement:
    the hit goes, and the whole capitalised run is read as one name (generated, or queued). The
    exact pass takes the longest listed name first, so a listed "Нова Каховка" never gets here.
    English text: a romanised Slavic adjective that opens listed names ("the village of Mokraya
    Orlovka", "Velyka Pysarivka"), not at a sentence's start."""
    if lang not in ("ru", "uk", "en"):
        return hits
    starts = {h.start_tok for h in hits}
    out = []
    for h in hits:
        i = h.start_tok - 1
        if (i >= 0 and i not in starts and text[tokens[i].end:tokens[h.start_tok].start] == " "
                and tokens[i].text[:1].isupper()
                and all(index.entries[ei].kind in SETTLEMENT_KINDS for ei in h.refs)
                and (_agrees(tokens[i].text.lower(), tokens[h.start_tok].text.lower(), lang, index,
                             guessed=not sentence_initial(text, tokens[i]))
                     if is_cyrillic_word(tokens[i].text) else _latin_prefix(text, tokens[i], index))):
            continue
        if lang in ("ru", "uk") and _place_adjective_after(text, tokens, h, starts, index, lang):
            continue
        if _ordinal_after(text, tokens, h, index, lang):
            continue
        out.append(h)
    return out


def _ordinal_after(text: str, tokens: list[Token], h: Hit, index: Index, lang: str) -> bool:
    """"Лиман Перший", "Лиман Первый", "Новостроевка-Первая", "Molodavo Pershe": a settlement name
    with a capitalised ordinal after it is a numbered village of that name, another place."""
    j = h.end_tok
    ordinals = index.lexicon.name_ordinals
    if not ordinals or j >= len(tokens) or not tokens[j].text[:1].isupper() \
            or text[tokens[j - 1].end:tokens[j].start] not in (" ", "-"):
        return False
    if not all(index.entries[ei].kind in SETTLEMENT_KINDS for ei in h.refs):
        return False
    t = tokens[j]
    return t.key in ordinals or (is_cyrillic_word(t.text) and bool(ordinals & _lemmas(t.text.lower(), lang)))


@lru_cache(maxsize=50_000)
def _lemmas(low: str, lang: str) -> frozenset[str]:
    """Folded lemmas of a word's first readings (memoised: the words recur in every document)."""
    return frozenset(fold_name(p.normal_form) for lg in word_langs(low, lang) for p in analyzer(lg).parse(low)[:3])


def _place_adjective_after(text: str, tokens: list[Token], h: Hit, starts: set[int], index: Index, lang: str) -> bool:
    """"Воля Ковельська", "Слобода Бакаївська": a one-word village the gazetteer found (GeoNames
    has many a Воля) followed by the capitalised adjective of a town, agreeing with it, is one
    longer name; not when a lower-case word follows the adjective (its own head: "Сумська громада")."""
    j = h.end_tok
    if h.end_tok - h.start_tok != 1 or j >= len(tokens) or j in starts \
            or text[tokens[j - 1].end:tokens[j].start] != " ":
        return False
    adj = tokens[j]
    if not (adj.text[:1].isupper() and is_cyrillic_word(adj.text) and all(
            index.entries[ei].source in GENERATED_SOURCES and index.entries[ei].kind in SETTLEMENT_KINDS
            for ei in h.refs)):
        return False
    if j + 1 < len(tokens) and text[adj.end:tokens[j + 1].start] == " " and tokens[j + 1].text[:1].islower():
        return False
    rules = rules_for(index)
    if rules is None or rules.stem_of(adj.key) is None:
        return False
    forms = {(p.tag.case, p.tag.number, p.tag.gender) for p in cyr_parses(adj.text.lower(), lang)
             if p.tag.POS == "ADJF"}
    return any((p.tag.case, p.tag.number, p.tag.gender) in forms
               for p in cyr_parses(tokens[h.start_tok].text.lower(), lang) if p.tag.POS == "NOUN")


#: Romanised endings of Slavic adjectives: Mokraya, Novoye, Staryy, Velykyi, Nova, Mala, Stari.
LATIN_ADJECTIVE_RE = re.compile(r"(?:aya|aia|oye|oe|yy|iy|yi|ij|ii|a|e|i|o)$")


def _latin_prefix(text: str, tok: Token, index: Index) -> bool:
    """A Latin word that opens place names as their adjective: a word of some listed name, shaped
    like a Slavic adjective, no common word, not capitalised only by a sentence's start."""
    return (LATIN_ADJECTIVE_RE.search(tok.text) is not None and tok.key in index.words()
            and tok.key not in index.stop and tok.key not in index.lexicon.stopwords
            and not sentence_initial(text, tok))


def _agrees(adjective: str, noun: str, lang: str, index: Index, guessed: bool = False) -> bool:
    """Is `adjective` an adjective that opens place names (its lemma is a word of some listed
    name: Нова, Мала, Золота, not "Легендарная") in a case and number `noun` can take?
    `guessed` (mid-sentence): so is one the dictionary does not know, a possessive made of a
    name ("Михальчина Слобода")."""
    words = index.words()
    unknown = guessed and not known_word(adjective, lang)
    forms = {(p.tag.case, p.tag.number) for p in cyr_parses(adjective, lang)
             if p.tag.POS == "ADJF" and (unknown or fold_name(p.normal_form) in words)}
    return bool(forms) and any((p.tag.case, p.tag.number) in forms for p in cyr_parses(noun, lang)
                               if p.tag.POS == "NOUN")
