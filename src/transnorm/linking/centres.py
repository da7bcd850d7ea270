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

from transnorm.gazetteer.adjectives import AdjectiveRules
from transnorm.linking.places import GENERATED_SCORE, slug
from transnorm.records import Entity
from transnorm.text.morph import analyzer, is_cyrillic_word
from transnorm.text.translit import KMU_LETTERS, propose_english

ADJECTIVE_BASE_RE = re.compile(r"(.+?)(?:ський|ский)$")  # "старосільский": a common misspelling
#: a hromada's Ukrainian adjective in English letters, as reports keep it: "Staromayakivska", "Richkivskoi"
LATIN_ADJECTIVE_RE = re.compile(r"([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*?)(?:ska|skyi|ske|skoi|skoho|skiy|skaya)")
LATIN_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")


def centre_head(head: str, village: bool) -> bool:
    """Does this head name a unit after its centre: a hromada, a starosta district (a bare "округ"
    in Ukrainian text is one: units._starosta_okrug has made its head "starosta"), or a village's
    or small town's council?"""
    return head in ("hromada", "starosta") or (head == "city" and village)


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
    rows = tuple((end.translate(KMU_LETTERS), None if name_end is None else name_end.translate(KMU_LETTERS))
                 for end, name_end in rules.centres)
    return rules.centre_of(m.group(1), rows, LATIN_CONSONANTS)


def centre_entity(text: str, start: int, end: int, centre: str, head: str, head_word: str) -> Entity:
    """The generated entity: "<centre> hromada" under a hromada head, else the centre village."""
    name = propose_english(centre, "uk")
    hromada = head == "hromada"
    canonical = f"{name} hromada" if hromada else name
    what = "hromada" if hromada else "starosta district" if head == "starosta" else "council"
    return Entity(start=start, end=end, surface=text[start:end], type="place",
                  gazetteer_id=f"gen:place:{slug(canonical)}", canonical=canonical, score=GENERATED_SCORE,
                  method="generated", status="review", kind="hromada" if hromada else "village",
                  reason=f"a {what} whose centre the gazetteer lacks: {centre} + head '{head_word}'")


def one_centre_per_adjective(found: list) -> None:
    """A hromada a text names twice by one adjective is one hromada: in "под обстрелами были
    Белопольская, Хотинская и Знобь-Новгородская общины ... По Хотинской общине", the centre the
    list decided (Хотінь, beside its Sumy neighbours) holds for the lone mention, which alone
    would go to the bigger Хотин. `found`: units.UnitMatch objects."""
    decided = {m.stem: m.centre for m in found if m.head == "hromada" and m.clear and m.centre is not None}
    for m in found:
        centre = decided.get(m.stem)
        if m.head == "hromada" and not m.clear and centre in m.entries:
            m.entries, m.centre, m.clear = [centre], centre, True
