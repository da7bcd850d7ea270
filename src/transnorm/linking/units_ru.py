"""Russian units in Ukrainian and Russian text that the adjective table does not find as written:
a listed district Ukrainian text spells with і ("Сіверському районі": Северский район), and an
unlisted district, proposed in its Russian form (units.py makes the entity)."""
from __future__ import annotations

from transnorm.gazetteer.adjectives import AdjectiveTable
from transnorm.gazetteer.index import Index
from transnorm.text.crosslang import letter_choices, ru_name_from_uk
from transnorm.text.morph import analyzer, is_cyrillic_word


def russian_unit(stem: str, table: AdjectiveTable, index: Index) -> list[tuple[int, str]]:
    """A Russian unit Ukrainian text spells with і where the listed spelling has е ("Сіверському
    районі" for Сєверський, Северский район): the Russian units of the stem with е for і."""
    slots = [i for i, ch in enumerate(stem) if ch == "і"][:3]
    for alt in list(letter_choices(stem, slots, "е"))[1:]:
        got = [(p, lg) for p, lg in table.units.get(alt, ()) if index.entries[p].country == "RU"]
        if got:
            return got
    return []


def unlisted_district(word: str, lang: str = "ru") -> str | None:
    """The Russian nominative of a capitalised adjective before "район" that names no listed unit
    ("Новоспасском районе" -> Новоспасский): Russia has some 1,800 districts, the gazetteer the
    border regions' (districts-ru.yaml). Ukrainian text: every Ukrainian raion, old and new, is
    listed, so an unlisted one is Russian, written in Ukrainian ("Альметьєвського району" ->
    Альметьевский)."""
    if not word[:1].isupper() or not is_cyrillic_word(word):
        return None
    for p in analyzer(lang).parse(word.lower()):
        if p.tag.POS != "ADJF":
            continue
        if lang == "uk":  # the Ukrainian dictionary's normal form of an adjective is masc. nominative
            return ru_name_from_uk(p.normal_form.capitalize())
        if (f := p.inflect({"nomn", "masc", "sing"})) is not None:
            return f.word.capitalize()
    return None
