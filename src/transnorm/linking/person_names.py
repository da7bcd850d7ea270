"""The nominative and English form of a person name found in text (linking/people.py finds them).

The nominative comes from shevchenko and pymorphy3 checked by pytrovich (linking/declension.py).
Romanisation: Ukrainian text KMU 2010; Russian text the English-media spelling (the people files'
own first names, else iuliia's Wikipedia scheme). A name with no Slavic first name and no Slavic
surname shape in Cyrillic (Олівер Вільямс) is foreign: its transliteration is only a proposal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from transnorm.linking.declension import context_gender, nominative
from transnorm.linking.derived import people_names, slavic_first_name, ukrainian_given_names
from transnorm.linking.people import SLAVIC_SURNAME_RE, PersonSpan, foreign_first_name
from transnorm.text.crosslang import ru_name_from_uk
from transnorm.text.fold import Token, fold
from transnorm.text.morph import analyzer, is_cyrillic_word
from transnorm.text.ukrainian_spelling import ukrainian_surname

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index


@dataclass
class PersonName:
    """The nominative and English form proposed for a PersonSpan."""

    canonical: str
    surname_key: str  # folded nominative surname (coreference: "Кіпера" later is Oleh Kiper)
    given_key: str | None  # folded nominative first name
    foreign: bool = False
    caucasian: bool = False  # a Caucasian or Central Asian surname: spelt from Russian, even abroad


def propose(text: str, tokens: Sequence[Token], span: PersonSpan, lang: str, index: "Index",
            country: str | None = None, case: str | None = None) -> PersonName:
    """The nominative (Cyrillic) and the English spelling proposed for one found name.

    `country` (UA, RU) is what the text is about: a Russian text about Ukraine names Ukrainians,
    spelt the Ukrainian way (Дмитрий Ризнык -> Dmytro Riznyk)."""
    words = lambda idx: [tokens[j].text for j in idx]  # noqa: E731
    sur_text = text[tokens[span.surname[0]].start:tokens[span.surname[-1]].end] if span.surname else ""
    if not is_cyrillic_word(sur_text.replace("-", "")) and not any(is_cyrillic_word(w) for w in words(span.given)):
        given = _span_text(text, tokens, span.given)
        canonical = " ".join(x for x in (given, sur_text) if x)
        return PersonName(canonical, _sur_key(sur_text), fold(given) if given else None)
    given = _span_text(text, tokens, span.given)
    patr = _span_text(text, tokens, span.patronymic)
    g, _p, s = nominative(given, patr, sur_text or None, lang, context_gender(tokens, span.start, span.end, lang, text),
                          case)
    foreign = _foreign(g, s, index)
    caucasian = bool(s) and CAUCASIAN_SURNAME_RE.search(s.split("-")[-1]) is not None
    # Georgian, Armenian, Azerbaijani and Central Asian names are written in English as romanised
    # from Russian (Gogi Koguashvili, Idris Kadyrkulov): in a Ukrainian text, through their
    # Russian spelling, as a Russian's name is; and they are no foreign name to leave unspelt
    foreign = foreign and not caucasian
    if lang == "uk" and country != "RU" and not caucasian and _post_soviet(g, s):
        # the first name as from Russian (Idris, not Idrys), the surname by KMU: Ukrainian и is ы there
        canonical = f"{romanise(g, None, lang, index, russian=True)} {romanise(None, s, lang, index)}"
    else:
        how = dict(ukrainian=country == "UA" and lang == "ru" and not foreign,
                   russian=lang == "uk" and not foreign and (country == "RU" or caucasian))
        canonical = romanise(g, s, lang, index, **how)
        read = None if any(how.values()) else _foreign_given(words(span.given), g, foreign, index)
        if read:  # a foreign first name read back into its own letters (Хесуса -> Jesus, not Khesus)
            canonical = " ".join(x for x in (read, romanise(None, s, lang, index, **how)) if x)
    return PersonName(canonical, _sur_key(s or ""), fold(g) if g else None, foreign, caucasian)


#: Surname endings of the Caucasus and Central Asia (Когуашвили, Чиладзе, Мкртчян, Алиоглу, Назарбаев
#: is Slavic-shaped already), in Russian and Ukrainian spelling.
CAUCASIAN_SURNAME_RE = re.compile(r"(?:швили|швілі|дзе|янц|ян|заде|оглу|огли|оглы|улы|ули|кызы|кизи)$", re.I)


def _post_soviet(given: str | None, surname: str | None) -> bool:
    """A first name no Ukrainian list has before a Russian-shaped surname in -ов/-ев (Ідрис
    Кадиркулов, Тогрул Аскеров): a Russian or Central Asian name, spelt in English from Russian."""
    if not (given and surname) or fold(given.split()[0]) in ukrainian_given_names():
        return False
    return re.search(r"(?:ов|ев|єв|ова|ева|єва)$", surname.split("-")[-1]) is not None


def _span_text(text: str, tokens: Sequence[Token], idx: list[int]) -> str | None:
    return " ".join(text[tokens[idx[0]].start:tokens[idx[-1]].end].split()) if idx else None


def _sur_key(s: str) -> str:
    return fold(s.replace("-", " ")).replace(" ", "-")


def _foreign(given: str | None, surname: str | None, index: "Index") -> bool:
    """No Slavic first name and no Slavic surname shape: a foreign name written in Cyrillic."""
    if given and slavic_first_name(given, index):
        return False
    if surname and SLAVIC_SURNAME_RE.search(surname.split("-")[-1]):
        return False
    return not (surname and " " not in surname and _common_noun(surname.lower()))


def _foreign_given(written: list[str], given: str | None, foreign: bool, index: "Index") -> str | None:
    """The Latin name a one-word foreign first name transcribes (Хесуса: Jesus). Not for a name
    with a Slavic surname: English writes Central Asian and Tatar names as transliterated (Алия
    Иксанова: Aliya, Жанат: Zhanat), and a Slavic first name is spelt by the tables."""
    if not foreign or len(written) != 1 or "-" in written[0] or not given or slavic_first_name(given, index):
        return None
    read = foreign_first_name(written[0].lower(), index)
    return read[1] if read else None


def _common_noun(low: str) -> bool:
    """A word the dictionary knows as a common noun of the language (Коваль, Пугач, Мороз): a
    surname made of one is Slavic, whatever its ending."""
    if not is_cyrillic_word(low):
        return False
    for lg in ("ru", "uk"):
        an = analyzer(lg)
        if an.word_is_known(low) and any(p.tag.POS == "NOUN" and not {"Surn", "Name", "Geox"} & p.tag.grammemes
                                         for p in an.parse(low)[:2]):
            return True
    return False


def romanise(given: str | None, surname: str | None, lang: str, index: "Index", ukrainian: bool = False,
             russian: bool = False) -> str:
    """KMU 2010 for Ukrainian text; for Russian text the people files' English first names and
    iuliia's Wikipedia scheme, or (`ukrainian`: a Russian text about Ukraine) the first names
    the people files give Ukrainians (Дмитрий -> Dmytro) with the Wikipedia surname. `russian`: a
    Ukrainian text about Russia, whose people are spelt as Russians (Олександр Меншиков ->
    Alexander Menshikov, Рустем Нурієв -> Rustem Nuriyev), from their Russian spelling."""
    from transnorm.text.translit import propose_english

    names = people_names(index)
    if russian:
        first = given and (names.uk_ru_first_en.get(fold(given)) or propose_english(ru_name_from_uk(given), "ru"))
        return " ".join(x for x in (first, surname and propose_english(ru_name_from_uk(surname), "ru")) if x)
    parts = []
    if given:
        table = names.ua_first_en if ukrainian else names.ru_first_en if lang == "ru" else {}
        parts.append(table.get(fold(given)) or propose_english(given, lang))
    if surname and ukrainian and lang == "ru" and is_cyrillic_word(surname.replace("-", "")):
        parts.append(propose_english(ukrainian_surname(surname), "uk"))  # Крищенко -> Kryshchenko
    elif surname:
        parts.append(propose_english(surname, lang))
    return " ".join(parts)
