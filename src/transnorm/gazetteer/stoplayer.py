"""The stop layer: words too common to be a place's name on their own.

GeoNames lists villages called Мир, Победа, Слава, Дружба, Progress, Match; morphology reads "Часа"
as the lemma of an Indian town Chas and "Совета" as Soweto. The stop layer is built from data, not
by hand: every word at or above STOP_ZIPF in wordfreq's frequency lists of English, Russian and
Ukrainian (folded the way the index folds names), plus the lexicon's first names, stopwords and
nationality words (українка, британка), minus the place names the gazetteer deliberately holds
(protected_names: Georgia, Kyiv, Paris stay linkable). linking/resolve.py then lets a stop-layer
word link a generated entry only with evidence (a settlement cue word, a list of places around it),
and never `auto`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from transnorm.gazetteer.entries import REGION_KINDS, Entry
from transnorm.gazetteer.index import GENERATED_SOURCES
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.text.fold import fold_words
from transnorm.text.translit import likeness

STOP_ZIPF = 3.0  # once per million words: above it a word is common, whatever else it names
LANGS = ("en", "ru", "uk")
PROTECT_POPULATION = 100_000
OWN_NAME_RATIO = 80  # a uk/ru name this like the canonical is the town's own, not one of GeoNames' others
DOMAIN_TOWN_POPULATION = 10_000  # towns of REGION_COUNTRIES this big keep their uk/ru names linkable (Жидачів)
REGION_COUNTRIES = frozenset({"UA", "RU", "BY", "MD", "TR", "PL", "GE"})  # whose regions the news names


def frequent_words(langs: Iterable[str] = LANGS, min_zipf: float = STOP_ZIPF) -> set[str]:
    """Folded single words at or above `min_zipf` in wordfreq's lists (shipped in the wheel, offline).

    Reads each list without wordfreq's caches (get_frequency_dict keeps every word of every
    language, ~200 MB, for the life of the process); the same words as the dict gives: a word
    listed twice has the frequency of its last bucket, as there."""
    from wordfreq import cB_to_freq, get_frequency_list

    out: set[str] = set()
    threshold = 10 ** (min_zipf - 9)  # zipf = log10(frequency per billion words)
    for lang in langs:
        buckets = get_frequency_list.__wrapped__(lang)  # uncached: freed when this returns
        last = next((i for i in range(len(buckets)) if cB_to_freq(-i) < threshold), len(buckets))
        frequent = {w for bucket in buckets[:last] for w in bucket}
        frequent.difference_update(w for bucket in buckets[last:] for w in bucket)
        del buckets
        for word in frequent:
            key = fold_words(word)
            if key and " " not in key:
                out.add(key)
    return out


def protected_names(entries: Iterable[Entry], towns: bool = True) -> set[str]:
    """Folded one-word place names the gazetteer holds on purpose: never put in the stop layer.

    Every name of a curated place; the Ukrainian and Russian names of countries that read as
    nouns (_country_noun); the canonical name of countries, of the regions of
    REGION_COUNTRIES and of places of PROTECT_POPULATION or more (not GeoNames' alternate
    names: Warsaw's district Wola is no reason for "Воля" to link, nor Ho in Ghana, also called
    "No", for "No"), and the own Ukrainian and Russian names of towns of DOMAIN_TOWN_POPULATION
    or more in those countries (Жидачів, Золоте are in the news as towns) and of places of
    PROTECT_POPULATION or more anywhere (Торонто, Монреаль, Чикаго). People protect
    nothing: a person's name links through the curated entry, which the stop layer never blocks.
    Abbreviations (NO, US) match only in capitals anyway. `towns=False`: the region's towns count
    from PROTECT_POPULATION, not DOMAIN_TOWN_POPULATION.
    """
    every, big = _protected(entries)
    return every if towns else big


def _protected(entries: Iterable[Entry]) -> tuple[set[str], set[str]]:
    """protected_names(entries) and protected_names(entries, towns=False), in one pass (the
    likeness test of a town's uk/ru names is the dear part: it runs once per name)."""
    every: set[str] = set()
    big_only: set[str] = set()
    for e in entries:
        if e.type != "place":
            continue
        curated = e.source not in GENERATED_SOURCES
        region = e.kind in REGION_KINDS and e.country in REGION_COUNTRIES
        population = e.population or 0
        town = e.country in REGION_COUNTRIES and population >= DOMAIN_TOWN_POPULATION
        big = population >= PROTECT_POPULATION
        if not (curated or e.kind == "country" or region or town or big):
            continue
        counts_big = curated or e.kind == "country" or region or big
        for name, lang, tag in e.names():
            if name.isupper() and len(name.replace(".", "")) <= 5:
                continue
            key = fold_words(name)
            if not key or " " in key or key in big_only or (key in every and not counts_big):
                continue
            # (the likeness of a romanised name last: it is the dear test, and most names never need it)
            if curated or tag == "canonical" or (e.kind == "country" and _country_noun(name, lang)):
                every.add(key)
                if counts_big:
                    big_only.add(key)
            elif lang in ("uk", "ru") and (town or (big and e.kind != "country" and _proper_only(key))) \
                    and likeness(name, e.canonical) >= OWN_NAME_RATIO:
                every.add(key)  # (a big city abroad too: Торонто, Монреаль, Чикаго; not Тур, Tours)
                if big:
                    big_only.add(key)
    return every, big_only


@lru_cache(maxsize=50_000)
def _proper_only(word: str) -> bool:
    """Is the (folded) word a name before a common word? The Russian dictionary tags names: its
    first reading must be one (Торонто, Чикаго, Бостон; not тур, того). A word it does not know
    (a Ukrainian spelling: Мілан) must be a noun to the Ukrainian one, whose tags name no places."""
    from transnorm.text.morph import PROPER, analyzer

    ru = analyzer("ru")
    if ru.word_is_known(word):
        return bool(PROPER & ru.parse(word)[0].tag.grammemes)
    return all(p.tag.POS == "NOUN" for p in analyzer("uk").parse(word))


def _country_noun(name: str, lang: str) -> bool:
    """A country's own Ukrainian or Russian name that is nothing but a noun: Хорватія, Ирак, Куба
    are the countries; Того ("that"), Мали and Малі ("had", "small") are not Togo and Mali, so
    they stay stop words (English aliases: only the canonical name counts)."""
    return lang in ("uk", "ru") and _noun_only(name.lower())


@lru_cache(maxsize=50_000)  # asked of a country's names by _protected and again by stop_layer
def _noun_only(word: str) -> bool:
    """Is every dictionary reading of the word a noun, in each of uk and ru that knows it? A
    folded word is tried with ї for each і and й for each и as well ("самоі", "самои" are самої,
    самой, "the very", not Samoa's case; "конеи" is коней, horses, not Konya's)."""
    from transnorm.text.morph import analyzer

    forms = {word} | {word[:i] + {"і": "ї", "и": "й"}[c] + word[i + 1:] for i, c in enumerate(word) if c in "іи"}
    for lg in ("uk", "ru"):
        a = analyzer(lg)
        if any(a.word_is_known(f) and any(p.tag.POS != "NOUN" for p in a.parse(f)) for f in forms):
            return False
    return True


def stop_layer(entries: Iterable[Entry], lexicon: Lexicon, min_zipf: float = STOP_ZIPF,
               frequent: set[str] | None = None) -> frozenset[str]:
    """`frequent`: frequent_words(min_zipf=min_zipf) when the caller has it (a build worker made it)."""
    entries = list(entries)
    words = set(frequent) if frequent is not None else frequent_words(min_zipf=min_zipf)
    words |= {w for w in lexicon.given_names | lexicon.stopwords if " " not in w}
    # nationality nouns, even where a town bears one: "Українка Ярослава Магучіх" is a Ukrainian
    # woman; the town of Ukrainka needs a cue ("місто Українка") or a list of places
    demonyms = {w for w in lexicon.home_demonyms | lexicon.foreign_demonyms if " " not in w}
    protected, big = _protected(entries)
    countries = frozenset(fold_words(n) for e in entries if e.kind == "country" for n, lang, _ in e.names()
                          if lang in ("uk", "ru") and _country_noun(n, lang))
    # case forms of curated and big places only: a small town's (Бар, Луга, Чудово) are common words
    return frozenset((words - protected - case_forms(words, big, countries)) | demonyms)


# Хорватією, Хорватией, Хорватії, Хорватію: endings many words of other parts of speech share
# (самої, коней), so a word with one is a case form only when read as nothing but a noun.
NOUN_ONLY_ENDINGS = (("єю", "я"), ("еи", "я"), ("і", "я"), ("ю", "я"))
# Russian and Ukrainian case endings of a place name, and what the nominative ends in instead:
# Томск-е, Оренбург-а, Вологд-ы -> Вологда, Иванов-е -> Иваново (folded: і and ї are і, no ь)
CASE_ENDINGS = (("ами", ""), ("ові", ""), ("ом", ""), ("ым", ""), ("ем", ""), ("им", ""), ("ой", "а"),
                ("ою", "а"), ("ей", "я"), ("а", ""), ("у", ""), ("е", ""), ("і", ""), ("ы", "а"), ("и", "а"),
                ("е", "а"), ("і", "а"), ("у", "а"), ("а", "о"), ("е", "о"), ("у", "о"), ("і", "о"), ("и", "я"),
                ("и", ""), ("ью", ""),  # a soft sign folds away: Тюмени, Перми, Казанью (Тюмень, Пермь, Казань)
                *NOUN_ONLY_ENDINGS)


def case_forms(words: set[str], names: set[str], countries: frozenset[str] = frozenset()) -> set[str]:
    """The Cyrillic `words` that are a case form of one of `names` ("томске", "оренбурга" are
    frequent because Tomsk and Orenburg are): a protected town's name in another case is that
    town, not a common word. The endings find the few candidates; morphology keeps those it
    reads first as a place name ("мира" is the noun мир, "иванова" the surname, before Мир or
    Иваново)."""
    from transnorm.text.morph import analyzer

    by_end: dict[str, list[tuple[int, str, str]]] = {}  # an ending -> (its rank, it, the nominative's)
    for rank, (end, nominative) in enumerate(CASE_ENDINGS):
        by_end.setdefault(end, []).append((rank, end, nominative))
    longest = max(len(e) for e, _ in CASE_ENDINGS)
    out = set()
    for w in words:
        if not ("а" <= w[:1] <= "я" or w[:1] in "іїєґё"):
            continue
        # the endings w has, in CASE_ENDINGS order (a dictionary look-up per suffix length: this
        # runs on every frequent word at every index build)
        endings = sorted(x for k in range(1, longest + 1) for x in by_end.get(w[-k:], ()))
        for _rank, end, nominative in endings:
            nom = w[:len(w) - len(end)] + nominative
            if len(w) - len(end) >= 3 and nom in names:
                # a place name first, or a country's name in another case (the Ukrainian dictionary
                # knows Хорватія as a plain noun, and the fold makes "хорватії" a word it does not know)
                country = nom in countries
                place = country or any("Geox" in analyzer(lg).parse(w)[0].tag.grammemes for lg in ("ru", "uk"))
                if place and (not country and (end, nominative) not in NOUN_ONLY_ENDINGS or _noun_only(w)):
                    out.add(w)
                break
    return out
