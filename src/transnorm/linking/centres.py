"""Hromadas, starosta districts and village councils whose centre the gazetteer lacks.

Ukraine's 1,469 hromadas and their starosta districts are named after a centre, often a village
under GeoNames' population floor: "Тойкутський старостинський округ з центром у селі Тойкут",
"ліквідували Чорноглазівський старостат", "староста Старосільської сільради". When no listed
settlement gives the adjective (units.choose found none), the head noun still says what it is, and
the adjective's base gives the centre's likely name (adjectives.yaml `centres`: -івський is
-івка two times in three). Proposed for review as a generated name, never linked outright: the
hromada as "<centre> hromada", a starosta district or council as its centre village. Ukrainian text,
and English text that keeps the adjective ("Staromayakivska hromadas": the same rows in KMU 2010
letters); Russian text names Ukrainian villages in Russian spelling (Песчанский: Піщане), which this
does not undo.
"""
from __future__ import annotations

import re

import translitua

from transnorm.gazetteer.adjectives import AdjectiveRules
from transnorm.linking.places import GENERATED_SCORE, slug
from transnorm.records import Entity
from transnorm.text.morph import analyzer, is_cyrillic_word

ADJECTIVE_BASE_RE = re.compile(r"(.+?)(?:ський|ский)$")  # "старосільский": a common misspelling
#: a hromada's Ukrainian adjective in English letters, as reports keep it: "Staromayakivska", "Richkivskoi"
LATIN_ADJECTIVE_RE = re.compile(r"([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*?)(?:ska|skyi|ske|skoi|skoho|skyi|skiy|skaya)")
LATIN_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
_KMU = str.maketrans(translitua.UkrainianKMU.MAIN_TRANSLIT_TABLE | {"ь": "", "'": "", "’": ""})


def centre_head(head: str, bare: bool, village: bool) -> bool:
    """Does this head name a unit after its centre: a hromada, a starosta district (a bare "округ"
    in Ukrainian text is one), or a village's or small town's council?"""
    return head in ("hromada", "starosta") or (head == "okrug" and bare) or (head == "city" and village)


def unlisted_centre(word: str, lang: str | None, rules: AdjectiveRules) -> str | None:
    """The likely centre (Ukrainian nominative) named by a capitalised adjective in Ukrainian text:
    "Тойкутського" -> Тойкут, "Чорноглазівський" -> Чорноглазівка; None when the rules make no guess."""
    if lang != "uk" or not word[:1].isupper() or not is_cyrillic_word(word):
        return None
    for p in analyzer("uk").parse(word.lower()):
        if p.tag.POS != "ADJF":
            continue
        m = ADJECTIVE_BASE_RE.match(p.normal_form)
        name = rules.centre_of(m.group(1)) if m else None
        return "-".join(w[:1].upper() + w[1:] for w in name.split("-")) if name else None
    return None


def latin_centre(word: str, rules: AdjectiveRules) -> str | None:
    """"Staromayakivska" -> Staromayakivka, by the `centres` rows in KMU 2010 letters; None: no guess."""
    m = LATIN_ADJECTIVE_RE.fullmatch(word)
    if m is None:
        return None
    base = m.group(1)
    for end, name_end in _latin_rows(rules):
        if base.endswith(end) and (end or base[-1:].lower() in LATIN_CONSONANTS):
            return None if name_end is None else base[: len(base) - len(end)] + name_end
    return None


def _latin_rows(rules: AdjectiveRules) -> tuple[tuple[str, str | None], ...]:
    return tuple((end.translate(_KMU), None if name_end is None else name_end.translate(_KMU))
                 for end, name_end in rules.centres)


def centre_entity(text: str, start: int, end: int, centre: str, head: str, head_word: str) -> Entity:
    """The generated entity: "<centre> hromada" under a hromada head, else the centre village."""
    from transnorm.text.translit import propose_english

    name = propose_english(centre, "uk")
    hromada = head == "hromada"
    canonical = f"{name} hromada" if hromada else name
    what = "hromada" if hromada else "starosta district" if head in ("starosta", "okrug") else "council"
    return Entity(start=start, end=end, surface=text[start:end], type="place",
                  gazetteer_id=f"gen:place:{slug(canonical)}", canonical=canonical, score=GENERATED_SCORE,
                  method="generated", status="review", kind="hromada" if hromada else "village",
                  reason=f"a {what} whose centre the gazetteer lacks: {centre} + head '{head_word}'")
