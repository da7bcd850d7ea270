"""Person names back to the nominative: the declension half of people.py.

Ukrainian: shevchenko (Олега Кіпера -> Олег Кіпер, Кароліну Плішкову -> Кароліна Плішкова), for
first names it knows. Russian and the rest: pymorphy3's Name/Surn/Patr analyses agreeing in
gender and case, and for surnames pymorphy does not tag, a candidate nominative declined forward
with pytrovich that must give the written form back. Readings are tried best first; the words
around the name (context_gender) break a tie between "her, nominative" and "him, genitive".
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from transnorm.linking.derived import ukrainian_given_names
from transnorm.text.fold import Token, fold
from transnorm.text.morph import APOSTROPHES, analyzer, is_cyrillic_word, word_langs

MASC, FEMN = "masc", "femn"


@lru_cache(maxsize=100_000)
def cyr_parses(word: str, lang: str) -> tuple:
    """pymorphy3's analyses in the word's possible languages; the dictionaries spell the
    apostrophe "'", Ukrainian sites often "ʼ" or "’" (Дарʼї is Дар'ї, a Name)."""
    out = []
    word = word.translate(APOSTROPHES)
    for lg in word_langs(word, lang):
        out += analyzer(lg).parse(word)
    return tuple(out)


def plain(grammeme) -> str | None:
    """A grammeme as a plain str: pymorphy's own compare raises on grammemes its tagset lacks."""
    return None if grammeme is None else str(grammeme)


def nominative(given: str | None, patr: str | None, surname: str | None, lang: str,
               gender: str | None = None, case: str | None = None) -> tuple:
    """(given, patronymic, surname) in the nominative, gender kept (Плішкову -> Плішкова).
    `gender` (context_gender) is what the words around the name say, for names that read
    both ways ("Александра Трусова": she, or him in the genitive); `case` (list_case) the case
    its list puts every name in ("назначил: - Валерию ..., - Татьяну ...": accusative)."""
    return _nominative(given, patr, surname, lang, gender, case)


def given_cases(given: str, lang: str) -> set[str]:
    """The cases a first name can be in, by its Name analyses ("Валерию": datv of Валерий, accs of Валерия)."""
    return {c for p in cyr_parses(given.split()[0].lower(), lang)
            if "Name" in p.tag.grammemes and (c := plain(p.tag.case))}


LIST_CASES = ("accs", "gent", "datv", "ablt", "loct", "nomn")  # a tie goes to the first
LIST_ITEM_RE = re.compile(r"(?:^|\n)[ \t]*(?:[-–—•*·]|\d+[.)])[ \t]*\Z")  # a line's bullet before a name
# what stands between two coordinated names: a comma, "та"/"і"/"и"/"and", "а також", a short
# bracket after the first ("Дар'ї Долі (-78 кг) та В'ячеславу Бричуку"), a short dash item after
# it ("Анастасія Меркушина – 53-тя, Дарина Чалик – 59-та"), or a short label and a dash before
# the next ("Удачненську селищну – Валерій Дугельний; Новогродівську міську – Олександр Шевченко")
COORD_GAP_RE = re.compile(r"(?:\s*\([^()\n]{0,24}\))?(?:\s*[–—]\s*[^,;()\n–—]{1,24}?\s*[,;]|\s*[,;])?"
                          r"(?:\s*[^,;()\n–—]{1,40}?\s+[–—](?=\s))?"
                          r"\s*(?:(?:а також|а|та|і|й|и|and)\s+)?", re.IGNORECASE)


def name_groups(text: str, bounds: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Groups of names one governing word puts in one case, as indexes into `bounds` (the names'
    character spans, in text order): bulleted items, names opening consecutive lines ("Валентина
    Солод — Устимівський округ,\nІрина Бардацька — ..."), and names joined by commas and
    conjunctions ("Аліса Віденєєва (-70 кг), Ярослава Недвига (-48 кг) та Олег Фесенко")."""
    bullets = [i for i, (s, _e) in enumerate(bounds) if LIST_ITEM_RE.search(text, max(0, s - 12), s)]
    lines = [i for i, (s, _e) in enumerate(bounds) if not text[text.rfind("\n", 0, s) + 1:s].strip()]
    groups = [g for g in (bullets, lines) if len(g) >= 2]
    run = [0] if bounds else []
    for i in range(1, len(bounds) + 1):
        if i < len(bounds) and COORD_GAP_RE.fullmatch(text, bounds[i - 1][1], bounds[i][0]) \
                and bounds[i - 1][1] < bounds[i][0]:
            run.append(i)
            continue
        if len(run) >= 2:
            groups.append(run)
        run = [i]
    return groups


def list_case(givens: list[str], lang: str) -> str | None:
    """The case every first name of a list can be in, when they are two or more and some case
    is open to all (the list's governing word puts them all in it)."""
    if len(givens) < 2 or lang not in ("ru", "uk"):
        return None
    common = set(LIST_CASES)
    for g in givens:
        common &= given_cases(g, lang)
    return next((c for c in LIST_CASES if c in common), None)


def context_gender(tokens: Sequence[Token], start: int, end: int, lang: str, text: str = "") -> str | None:
    """The gender the sentence gives the name: a role noun right before it ("фигуристка",
    "тренер") or a past-tense verb right after it ("набрала", "заявил"), with no punctuation
    between (the list "...Луганской области;\n- Романа Власенко" gives the name no gender) and in
    the singular (the nominative plural "области" is no feminine role noun). A name opening a
    sentence is its subject: the clause's first past-tense verb, further on, says too ("Юлія
    Саніна в рамках проєкту ... виконала кавер": her, not Юлій Санін's genitive)."""
    if lang not in ("ru", "uk"):
        return None
    near = []
    if start > 0 and tokens[start].joined:
        near.append((tokens[start - 1].text, ("NOUN",)))
    if end < len(tokens) and tokens[end].joined:
        near.append((tokens[end].text, ("VERB",)))
    if text and _opens_sentence(text, tokens[start].start):
        near += _clause_verbs(text, tokens, end)
    for word, pos in near:
        if not word[:1].islower() or not is_cyrillic_word(word):
            continue
        parses = [p for p in cyr_parses(word, lang) if plain(p.tag.POS) in pos and plain(p.tag.number) != "plur"]
        genders = {plain(p.tag.gender) for p in parses if plain(p.tag.case) in (None, "nomn")}
        if len(genders) == 1 and (g := genders.pop()) in (MASC, FEMN):
            return g
    return None


CLAUSE_END_RE = re.compile(r"[.!?;:,()\n–—]")
CLAUSE_WORDS = 10  # how far a subject's verb may stand


def _opens_sentence(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t\u00a0\"'«„“")
    return not before or before[-1] in ".!?\n"


def _clause_verbs(text: str, tokens: Sequence[Token], end: int) -> list[tuple[str, tuple[str, ...]]]:
    """The first past-tense verb of the clause after tokens[:end], if it comes before any
    punctuation that ends the clause."""
    for j in range(end, min(end + CLAUSE_WORDS, len(tokens))):
        if CLAUSE_END_RE.search(text, tokens[j - 1].end, tokens[j].start):
            return []
        word = tokens[j].text
        if word[:1].islower() and is_cyrillic_word(word) and any(
                plain(p.tag.POS) == "VERB" and plain(p.tag.tense) == "past" for p in cyr_parses(word, "uk")
                + cyr_parses(word, "ru")):
            return [(word, ("VERB",))]
    return []


@lru_cache(maxsize=20_000)
def _nominative(given, patr, surname, lang, gender=None, case=None):
    options = _gender_case_options(given, patr, surname, lang)
    if case and any(c == case for _g, c in options):
        options.sort(key=lambda o: o[1] != case)  # the list's case first
    if gender:
        options.sort(key=lambda o: o[0] != gender)  # stable: the analyses' own order within a gender
    known = given is None or any(
        "Name" in p.tag.grammemes and fold(p.normal_form) in ukrainian_given_names()
        for p in cyr_parses(given.split("-")[0].lower(), lang))  # shevchenko garbles foreign names
    if lang == "uk" and known:
        for g, _case in options or [(None, None)]:
            got = _shevchenko(given, patr, surname, g)
            if got is not None and _nominative_surname(got[2]) and _agrees(given, surname, got, lang):
                return got[0], got[1], _as_common_noun(surname, got[2], lang)
    for identity in (False, True):  # a declined reading in any case before "does not decline"
        for g, c in options or [(None, None)]:
            if not identity and c == "nomn" and surname and g != gender and case != "nomn":
                continue  # a nominative takes the surname as written: as weak as "does not decline"
            got = _pymorphy_petrovich(given, patr, surname, lang, g, c, identity)
            if got is not None and _nominative_surname(got[2]) and _agrees(given, surname, got, lang):
                return got
    for g, c in options if given else ():  # a surname no reading declines (Яр-Кравченко): the first name still does
        first = _inflect(given, "Name", g, c, lang)
        got = (first, _inflect(patr, "Patr", g, c, lang) if patr else None, surname)
        if first is not None and (not patr or got[1]) and _agrees(given, surname, got, lang):
            return got
    return given, patr, surname


def _as_common_noun(written: str | None, surname: str | None, lang: str) -> str | None:
    """A surname that is a common noun declines as the noun: shevchenko's rules read "Долі" as
    Дола, the dictionary knows the genitive of доля. Only a last-letter difference is mended."""
    if not written or not surname or surname == written or " " in written or not is_cyrillic_word(written) \
            or not analyzer(lang).word_is_known(written.lower()):
        return surname  # (a word the dictionary only guesses has no noun to follow: Дмитренка)
    parses = cyr_parses(written.lower(), lang)
    if any("Surn" in p.tag.grammemes for p in parses):
        return surname  # the dictionary's own surname reading stands (Дмитренка: Дмитренко)
    for p in parses:
        nf = p.normal_form
        if plain(p.tag.POS) == "NOUN" and not {"Name", "Surn", "Patr", "Geox", "voct"} & p.tag.grammemes \
                and nf != surname.lower() and nf[:-1] == surname.lower()[:-1] and len(nf) == len(surname):
            return surname[:-1] + nf[-1]
    return surname


def _agrees(given: str | None, surname: str | None, got: tuple, lang: str) -> bool:
    """Both words read in one case. A reading that keeps a first name in -а/-я as written (a
    nominative: Петра, a woman) but changes the surname (an oblique case: Бевзи) reads them in
    two: "роботи Петра Бевзи" is Петро Бевза's work, not Петра Бевза's. So does one that takes
    the first name for a man's oblique case (Валерія -> Валерій) and keeps as written a surname
    a man's would decline ("Валерія Дмитренко" is Valeriia: his genitive is Дмитренка). A woman's
    adjectival surname (Вишневська, Наконечну) makes her reading the only one: "Олександра
    Вишневська" is no Олександр, and "Олександрі Наконечній" is Наконечна."""
    if surname and given and _womans_adjective(surname, lang):
        return got[2][-1:].lower() in ("а", "я") and got[2] != given
    if not (given and surname and given[-1:].lower() in ("а", "я")):
        return True
    if got[0] == given:
        return got[2] == surname and not MEN_OBLIQUE_SURNAME_RE.search(surname)
    return got[2] != surname or not _declines_for_men(surname, lang)


@lru_cache(maxsize=20_000)
def _womans_adjective(surname: str, lang: str) -> bool:
    """Is the surname as written only ever a woman's: read as a surname or a full adjective (normal
    form -ий/-ій; not the possessive Кузьміна, also a man's genitive) only in the feminine?"""
    parses = [p for p in cyr_parses(surname.split("-")[-1].lower(), lang)
              if ("Surn" in p.tag.grammemes and "Fixd" not in p.tag.grammemes)
              or (plain(p.tag.POS) == "ADJF" and p.normal_form.endswith(("ий", "ій", "ый", "ой")))]
    return bool(parses) and all(plain(p.tag.gender) == FEMN for p in parses)


#: a man's surname in an oblique case, never a woman's nominative: Дмитренка (Дмитренко),
#: Ковальчука, Петровича ("перемога Валерія Дмитренка" is Valerii's)
MEN_OBLIQUE_SURNAME_RE = re.compile(r"(?:енка|ука|юка|ича)$", re.IGNORECASE)


_VOWEL_END = tuple("аеиоуюяєіїыэ")


def _declines_for_men(surname: str, lang: str) -> bool:
    """Does a man's surname of this shape change in the oblique cases? Ending in a consonant
    (Солод, Коваль, Грицай), and in Ukrainian also -о (Дмитренко -> Дмитренка); not -их/-ых
    (Черных) and not other vowels (foreign names)."""
    last = surname.split("-")[-1].lower()
    if last.endswith(("их", "іх", "ых")):
        return False
    return not last.endswith(_VOWEL_END) or (lang == "uk" and last.endswith("о"))


#: Endings no surname has in the nominative: an adjectival surname's oblique cases (Камінського,
#: Ковальської, Лозинским; not -ской: Луговской, Трубецкой). A reading that leaves one is no
#: nominative ("Петра Камінського" is not a woman called Петра Камінського).
OBLIQUE_SURNAME_RE = re.compile(r"(?:ського|ському|ською|ської|ськім|цького|цькому|ского|скому|ским|ную|"
                                r"ого|ому)$", re.IGNORECASE)


def _nominative_surname(surname: str | None) -> bool:
    return not surname or not OBLIQUE_SURNAME_RE.search(surname.split("-")[-1])


def _gender_case_options(given, patr, surname, lang) -> list[tuple[str | None, str | None]]:
    """(gender, case) readings of the name, best first: from the first name's and patronymic's
    analyses, else from the surname's Surn analyses."""
    opts: list[tuple[str | None, str | None]] = []
    for word, tag in ((given, "Name"), (patr, "Patr"), (surname, "Surn")):
        if not word or opts:
            continue
        for p in cyr_parses(word.split()[0].lower(), lang):
            g, c = plain(p.tag.gender), plain(p.tag.case)
            if tag in p.tag.grammemes and g in (MASC, FEMN) and (g, c) not in opts:
                opts.append((g, c))
    if not opts and given:
        g = ukrainian_given_names().get(fold(given))
        if g:
            opts.append((MASC if g == "masculine" else FEMN, None))
    if not opts and surname and not given:  # initials + a surname pymorphy does not tag: try each case
        opts = [(None, c) for c in ("gent", "datv", "ablt", "loct", "accs")]
    return opts


def _shevchenko(given, patr, surname, gender):
    import shevchenko

    fields = {k: v for k, v in (("given_name", given), ("patronymic_name", patr), ("family_name", surname)) if v}
    if not fields:
        return None
    try:
        if gender:
            got = shevchenko.to_nominative(fields, gender="masculine" if gender == MASC else "feminine")
        else:
            got = shevchenko.to_nominative(fields)
    except (ValueError, KeyError, IndexError):  # InputValidationError is a ValueError
        return None
    return got.get("given_name"), got.get("patronymic_name"), got.get("family_name")


_RU_CASES = {"nomn": "NOMINATIVE", "gent": "GENITIVE", "datv": "DATIVE", "accs": "ACCUSATIVE",
             "ablt": "INSTRUMENTAL", "loct": "PREPOSITIONAL"}
_ENDINGS = ("ыми", "ими", "ого", "его", "ому", "ему", "ой", "ей", "ым", "им", "ом", "ем", "ую", "ою",
            "у", "ю", "а", "я", "е", "ы", "и")
_RESTORE = ("", "а", "я", "ь", "й", "ий", "ой", "о")


def _pymorphy_petrovich(given, patr, surname, lang, gender, case, identity=True):
    """Nominatives from pymorphy3's analyses agreeing in gender and case; a surname pymorphy
    does not tag is confirmed by declining candidates forward with pytrovich (Russian)."""
    g = _inflect(given, "Name", gender, case, lang) if given else None
    p = _inflect(patr, "Patr", gender, case, lang) if patr else None
    s = None
    if surname:
        s = _inflect(surname, "Surn", gender, case, lang) or _inflect(surname, "ADJF", gender, case, lang)
        if s is None:
            s = _petrovich_surname(surname, gender, case, identity)
    if given and g is None:
        return None
    if surname and s is None:
        if lang == "ru" or not g:
            return None
        s = surname  # a Ukrainian surname pymorphy does not decline (Башта): as written
    return g, p, s


def _inflect(word: str, tag: str, gender, case, lang) -> str | None:
    parts = word.split("-")
    out = []
    for part in parts:
        low = part.lower()
        found = None
        for pr in cyr_parses(low, lang):
            g, c = plain(pr.tag.gender), plain(pr.tag.case)
            if (tag not in pr.tag.grammemes and plain(pr.tag.POS) != tag) or plain(pr.tag.number) == "plur":
                continue
            if gender and g not in (gender, "ms-f", None):
                continue
            fixed = "Fixd" in pr.tag.grammemes
            if case and c != case and not fixed:
                continue
            if c == "nomn" or fixed:
                found = low
            else:
                infl = pr.inflect({"nomn", gender} if gender and tag != "Name" else {"nomn"})
                found = infl.word if infl is not None else pr.normal_form
            break
        if found is None:
            return None
        out.append(_cap(part, found))
    return "-".join(out)


def _petrovich_surname(surname: str, gender, case, identity: bool = True) -> str | None:
    if case not in _RU_CASES or not is_cyrillic_word(surname.replace("-", "")):
        return None
    from pytrovich.enums import Case, Gender, NamePart
    from pytrovich.maker import PetrovichDeclinationMaker

    maker = _maker(PetrovichDeclinationMaker)
    low = surname.lower()
    if case == "nomn":
        return surname
    cands = []
    for end in _ENDINGS:
        if low.endswith(end) and len(low) - len(end) >= 3:
            cands += [low[: -len(end)] + r for r in _RESTORE]
    if identity:
        cands.append(low)  # last: only when no nominative declines to it
    genders = [Gender.FEMALE if gender == FEMN else Gender.MALE] if gender else [Gender.MALE, Gender.FEMALE]
    pcase = getattr(Case, _RU_CASES[case])
    for gd in genders:
        for c in dict.fromkeys(cands):
            try:
                form = maker.make(NamePart.LASTNAME, gd, pcase, c)
            except (KeyError, ValueError, IndexError):  # pragma: no cover - odd input
                continue
            if form.lower() == low:
                return _cap(surname, c)  # c == low: a surname that does not decline (Малышко)
    return None


@lru_cache(maxsize=1)
def _maker(cls):
    return cls()


def _cap(template: str, word: str) -> str:
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


ENKO = "енко"


def surname_reading(parses):
    """The dictionary's surname reading of a capitalised word, if it comes first or only after
    readings a capitalised word in running text rarely has: the plural of a first name (Филиппов:
    "of Philips") or a possessive adjective (Філіппова: "Philip's"). An unknown word declined
    like a surname in -енко (Чоботенка) is one too: no other word ends so."""
    for rank, p in enumerate(parses[:4]):
        if "Surn" not in p.tag.grammemes:
            continue
        if rank == 0 or p.normal_form.endswith(ENKO) or all(
                "Name" in q.tag.grammemes or _possessive(q) for q in parses[:rank]):
            return p
        return None
    return None


def _possessive(p) -> bool:
    return plain(p.tag.POS) == "ADJF" and ("Poss" in p.tag.grammemes or bool(POSSESSIVE_RE.search(p.normal_form)))


#: Ukrainian possessive adjectives' lemmas (Філіппів, Ольжин), which pymorphy3-uk does not tag Poss.
POSSESSIVE_RE = re.compile(r"(?:ів|їв|ин|їн)$")
