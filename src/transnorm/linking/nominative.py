"""The nominative of a Cyrillic place name the gazetteer lacks, and whether a word ends like one.

pymorphy3's analyses and the usual toponym endings (-ці/-ку/-ки -> -ка, -ому/-ого -> -е, -ах ->
-и) give candidate readings; the one that ends most like a settlement name wins, and adjectives
before the noun agree with it ("Северную Салтовку" -> "Северная Салтовка").
"""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from transnorm.text.morph import analyzer, is_cyrillic_word, word_langs

# How much an ending says "settlement name" (a reading with a stronger one wins). -щина is a
# feminine nominative's (Чернещина, Олексіївщина), not the genitive of an -ино/-ине village.
TOPONYM_ENDINGS = {
    "uk": (("івка", 3), ("ївка", 3), ("ське", 3), ("цьке", 3), ("зьке", 3), ("ове", 3), ("еве", 3), ("єве", 3),
           ("ине", 3), ("не", 2), ("щина", 3), ("ка", 2), ("ськ", 3), ("піль", 3), ("поле", 3), ("город", 3),
           ("ичі", 2), ("ці", 1), ("ки", 1), ("ів", 2), ("їв", 2), ("ин", 2), ("и", 1), ("а", 1), ("е", 1),
           ("я", 1), ("ого", 0), ("о", 1)),  # -я: Філія; a Russian name in Ukrainian keeps its -о: Узміно
    "ru": (("овка", 3), ("евка", 3), ("ёвка", 3), ("ское", 3), ("цкое", 3), ("ово", 3), ("ево", 3), ("ино", 3),
           ("ное", 2), ("ое", 2), ("щина", 3), ("ка", 2), ("ск", 3), ("поль", 3), ("поле", 3), ("город", 3), ("ичи", 2),
           ("цы", 1), ("ки", 1), ("ов", 2), ("ев", 2), ("ин", 2), ("ая", 1), ("яя", 1), ("ый", 1), ("ий", 1),
           ("ые", 1), ("ие", 1), ("ы", 1), ("и", 1), ("а", 1), ("е", 1), ("я", 1)),
}
# Oblique endings of settlement names and their nominative (per language), longest first.
DEINFLECT = {
    "uk": (("івці", "івка"), ("ївці", "ївка"), ("івки", "івка"), ("ївки", "ївка"), ("івку", "івка"),
           ("ївку", "ївка"), ("івкою", "івка"), ("цях", "ці"), ("ках", "ки"), ("ому", "е"), ("ого", "е"),
           ("ім", "е"), ("ську", "ськ"), ("ська", "ськ"), ("ськом", "ськ"),
           ("ій", "а"), ("ої", "а"), ("ою", "а"), ("ці", "ка"), ("ку", "ка"), ("ки", "ка"),
           ("ах", "и"), ("ях", "і"), ("ів", "и"), ("у", "а"), ("ю", "я"), ("і", "а")),
    "ru": (("овке", "овка"), ("евке", "евка"), ("овки", "овка"), ("евки", "евка"), ("овку", "овка"),
           ("евку", "евка"), ("ском", "ское"), ("ского", "ское"), ("ому", "ое"), ("ого", "ое"),
           ("ом", "о"), ("ой", "ая"), ("ую", "ая"), ("цах", "цы"), ("ках", "ки"), ("ке", "ка"), ("ку", "ка"),
           ("ки", "ка"), ("ах", "ы"), ("е", "о"), ("у", "а"), ("ы", "а"), ("и", "а")),
}


def nominative(words: Sequence[str], lang: str) -> str:
    """The nominative of a Cyrillic place name: the last word's, and the adjectives before it
    agreeing with it ("Северную Салтовку" -> "Северная Салтовка", "Красного Лимана" -> "Красный
    Лиман")."""
    if len(words) < 2 or lang not in DEINFLECT:
        return " ".join(_word_nominative(w, lang) for w in words)
    noun = _by_adjective_case(words[-2], words[-1], lang) or _noun_nominative(words[-1], lang) \
        or _word_nominative(words[-1], lang)
    form = _agreement(noun, lang)
    return " ".join([_adjective_nominative(w, lang, form) or _word_nominative(w, lang) for w in words[:-1]] + [noun])


def _recased(template: str, word: str) -> str:
    """`word` capitalised as `template` is (a lemma or inflected form of a written name)."""
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


@lru_cache(maxsize=20_000)
def _by_adjective_case(adj: str, word: str, lang: str) -> str | None:
    """The noun's nominative read in the case and number of the adjective before it: "Старої
    Гути" is one Гута (genitive singular), though Гути may also be a plural."""
    if not (is_cyrillic_word(adj) and is_cyrillic_word(word)):
        return None
    a = analyzer(lang)
    adjs = [p for p in a.parse(adj.lower()) if p.tag.POS == "ADJF" and p.tag.case != "nomn"]
    for q in adjs:
        for p in a.parse(word.lower()):
            # an adjective-shaped last word agrees in gender too: "Русском Поречном" is Русское Поречное
            adj_shaped = p.tag.POS == "ADJF" and p.tag.gender == "neut" == q.tag.gender
            if (p.tag.POS == "NOUN" or adj_shaped) and p.tag.case == q.tag.case and p.tag.number == q.tag.number and (
                    q.tag.number == "plur" or q.tag.gender in (None, p.tag.gender)):
                f = p.inflect({"nomn"} | ({"neut", "sing"} if adj_shaped else set()))
                if f is not None:
                    return _recased(word, f.word)
    return None


@lru_cache(maxsize=20_000)
def _noun_nominative(word: str, lang: str) -> str | None:
    """The head noun of a two-word name in the nominative, its number kept (Лимана -> Лиман,
    Щербаків -> Щербаки), when the dictionary reads it as a noun in another case."""
    if not is_cyrillic_word(word):
        return None
    parses = analyzer(lang).parse(word.lower())
    nouns = [p for p in parses if p.tag.POS == "NOUN"]
    if any(p.tag.case == "nomn" for p in nouns):
        return None  # "Гута" may be the genitive of some "гут", but it is written as it is
    if any(p.tag.POS == "ADJF" and p.tag.case == "nomn" and p.tag.gender == "neut" for p in parses):
        return None  # "Русское Поречное": a neuter adjective-shaped name, written in the nominative
    for p in nouns[:1]:
        f = p.inflect({"nomn"})
        if f is not None:
            return _recased(word, f.word)
    return None


@lru_cache(maxsize=20_000)
def _agreement(noun: str, lang: str) -> frozenset[str] | None:
    """The grammemes an adjective takes to agree with a nominative noun: {nomn, sing, femn}."""
    if not is_cyrillic_word(noun):
        return None
    for p in analyzer(lang).parse(noun.lower()):
        if p.tag.POS == "NOUN" and p.tag.case == "nomn":
            if p.tag.number == "plur":
                return frozenset({"nomn", "plur"})
            return frozenset({"nomn", "sing", p.tag.gender}) if p.tag.gender else None
    return None


@lru_cache(maxsize=20_000)
def _adjective_nominative(word: str, lang: str, form: frozenset[str] | None) -> str | None:
    if form is None or not is_cyrillic_word(word):
        return None
    for p in analyzer(lang).parse(word.lower()):
        if p.tag.POS == "ADJF":
            f = p.inflect(set(form))
            if f is not None:
                return _recased(word, f.word)
    return None


@lru_cache(maxsize=50_000)
def _word_nominative(word: str, lang: str) -> str:
    if not is_cyrillic_word(word) or lang not in DEINFLECT:
        return word
    low = word.lower()
    known = _dictionary_nominative(low, lang)
    if known:
        return _recased(word, known)
    cands: list[tuple[str, int]] = [(low, 1)]  # (reading, 1 = the written form itself)
    for lg in word_langs(low, lang):
        for p in analyzer(lg).parse(low):
            pos = p.tag.POS
            if pos == "ADJF":
                if p.tag.case == "nomn":
                    cands.append((low, 1))
                    continue
                f = p.inflect({"nomn", p.tag.number or "sing"} | ({p.tag.gender} if p.tag.gender else set()))
                if f is not None:
                    cands.append((f.word, 0))
            elif pos == "NOUN" and p.tag.case != "nomn" and p.tag.number == "plur":
                f = p.inflect({"nomn"})  # "Ступочек": the plural Ступочки, not a Ступочка
                cands.append((f.word if f is not None else p.normal_form, 0))
            elif pos == "NOUN":
                cands.append((p.normal_form if p.tag.case != "nomn" else low, 0))
    for end, nom in DEINFLECT[lang]:
        if low.endswith(end) and len(low) - len(end) >= 3:
            cands.append((low[: -len(end)] + nom, 0))
    # The written form gets a point: a plural like Щербаки is as likely as Щербака.
    def rank(c: tuple[str, int]) -> tuple[int, int]:
        score = _toponym_score(c[0], lang)
        return score + (c[1] if score else 0), c[1]

    best = max(cands, key=rank)[0]
    return _recased(word, best)


def _dictionary_nominative(low: str, lang: str) -> str | None:
    """The nominative of a noun the text's dictionary knows, when the dictionary leaves no doubt: a
    place named by a common word declines as the word does. Known only in other cases: the
    nominative in its own number ("поблизу Затишка": Затишок, "Городке": Городок, "Щербаків":
    Щербаки). A plural-only noun in the nominative: as written ("Лапні", "Піски")."""
    if lang not in DEINFLECT:
        return None
    an = analyzer(lang)
    if not an.word_is_known(low):
        return None
    parses = an.parse(low)
    if any(p.tag.POS == "NOUN" and p.tag.case == "nomn" and p.tag.number == "plur" and "Pltm" in p.tag.grammemes
           for p in parses):
        return low
    if not parses or any(p.tag.case == "nomn" or p.tag.POS not in ("NOUN", None) for p in parses) \
            or any({"Name", "Surn", "Patr"} & p.tag.grammemes for p in parses):
        return None
    f = parses[0].inflect({"nomn"})
    return f.word if f is not None else None


SETTLEMENT_ENDINGS_LATIN = ("ivka", "yivka", "ovka", "evka", "ivske", "ske", "ne", "ove", "eve", "yne", "ka", "ia",
                            "ia", "iv", "yi", "sk", "pil", "hrad", "horod", "e")


def ends_like_settlement(word: str) -> bool:
    """Does a word end like a settlement name ("Strileche", "Орлівка"), not like a prefix (Novo-)?"""
    low = word.lower()
    if is_cyrillic_word(word):
        return _toponym_score(low, "uk") >= 2 or _toponym_score(low, "ru") >= 2 or low.endswith("е")
    return len(low) >= 4 and low.endswith(SETTLEMENT_ENDINGS_LATIN)


def _toponym_score(word: str, lang: str) -> int:
    for end, score in TOPONYM_ENDINGS.get(lang, ()):
        if word.endswith(end):
            return score
    return 0
