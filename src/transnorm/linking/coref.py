"""People named in full, mentioned again by their first name (and patronymic).

"Фехтувальниця Ольга Харлан ... саме Ольга відіграла вирішальну роль", "Ця гра стала для Реброва
30-ю ... Сергій Станіславович виявився п'ятим тренером", "Elina Svitolina ... Elina reached the
quarter-finals": sport, culture and feature writing name a person in full, then by a first name.
Such a mention is that person when exactly one person of the text bears the first name (and a
written patronymic agrees with the one the gazetteer knows); two Oleksandrs leave both alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from transnorm.gazetteer.index import Index
from transnorm.linking.hits import capitalised, sentence_initial
from transnorm.records import Entity
from transnorm.text.fold import Token, fold
from transnorm.text.morph import is_cyrillic_word

COREF_SCORE = 0.9  # as sure as the full mention, but never surer than a direct link
PERSON_STATUSES = ("auto", "review")


@dataclass
class _Person:
    mention: Entity
    given: set[str] = field(default_factory=set)
    patronymics: set[str] = field(default_factory=set)
    initials: str = ""  # "И.В. Мичурина": the folded letters of a first name and patronymic


INITIALS_BEFORE_RE = re.compile(r"(?:^|\W)(\w)\.\s*(\w)\.\s*$")


def _word_keys(word: str, lang: str | None) -> tuple[set[str], bool]:
    """The folded word and, for a Cyrillic word, the lemmas of its first-name readings; and
    whether the dictionary reads it as a first name."""
    keys = {fold(word)}
    named = False
    if is_cyrillic_word(word) and lang in ("ru", "uk"):
        from transnorm.linking.declension import cyr_parses

        lemmas = {fold(p.normal_form) for p in cyr_parses(word.lower(), lang)[:4] if "Name" in p.tag.grammemes}
        keys |= lemmas
        named = bool(lemmas)
    return keys, named


def _people(text: str, entities: Sequence[Entity], tokens: Sequence[Token], index: Index,
            lang: str | None) -> list[_Person]:
    """The people the text names with a first name: the first word of a mention of two or more
    words, and the first (and middle) words of the person's gazetteer names."""
    given_names = index.lexicon.given_names
    by_id: dict[str, _Person] = {}
    starts = {t.start: t for t in tokens}
    for e in entities:
        if e.type != "person" or not e.gazetteer_id or e.status not in PERSON_STATUSES:
            continue
        p = by_id.setdefault(e.gazetteer_id, _Person(e))
        if lang in ("ru", "uk") and (m := INITIALS_BEFORE_RE.search(text, max(0, e.start - 8), e.start)):
            p.initials = fold(m.group(1) + m.group(2))
        words = e.surface.split()
        if len(words) >= 2 and e.start in starts:
            first, named = _word_keys(starts[e.start].text, lang)
            if named or first & given_names:
                p.given |= first
        entry = index.get(e.gazetteer_id)
        if entry is None:
            continue
        for names in (entry.aliases or {}).values():
            for name in names:
                parts = name.split()
                if len(parts) >= 2 and fold(parts[0]) in given_names:
                    p.given.add(fold(parts[0]))
                    if len(parts) == 3:
                        p.patronymics.add(fold(parts[1]))
        parts = entry.canonical.split()
        if len(parts) >= 2 and fold(parts[0]) in given_names:
            p.given.add(fold(parts[0]))
    return [p for p in by_id.values() if p.given or p.initials]


def first_name_mentions(text: str, tokens: Sequence[Token], entities: list[Entity], index: Index,
                        lang: str | None) -> list[Entity]:
    """Entities for the lone first names (with a patronymic, if written) of people the text names
    in full; `entities` are the text's other entities (sorted, disjoint)."""
    people = _people(text, entities, tokens, index, lang)
    if not people:
        return []
    given_names = index.lexicon.given_names
    covered = [False] * len(tokens)
    ti = 0
    for e in entities:
        while ti < len(tokens) and tokens[ti].end <= e.start:
            ti += 1
        j = ti
        while j < len(tokens) and tokens[j].start < e.end:
            covered[j] = True
            j += 1
    out: list[Entity] = []
    pairs: dict[str, set[str]] | None = None
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if covered[i] or not capitalised(t) or (i > 0 and t.joined and capitalised(tokens[i - 1])
                                                  and not sentence_initial(text, tokens[i - 1])):
            i += 1
            continue
        keys, named = _word_keys(t.text, lang)
        if not (named or keys & given_names):
            i += 1
            continue
        if pairs is None:
            pairs = _first_name_pairs(tokens, lang)
        if len(set().union(*(pairs.get(k, set()) for k in keys))) > 1:
            i += 1
            continue  # "Ольга Петренко и Ольга Иванова": a lone "Ольга" could be either
        end = i + 1
        patr: set[str] = set()
        if end < len(tokens) and tokens[end].joined and capitalised(tokens[end]) and not covered[end]:
            patr = _patronymic(tokens[end].text, lang)
            if not patr:
                i += 1
                continue  # "Ольга Петренко": a full name of somebody else, not a first name alone
            end += 1
        fits = [p for p in people if keys & p.given and (not patr or not p.patronymics or patr & p.patronymics)]
        if patr and len(fits) != 1:  # "И.В. Мичурина ... Ивана Владимировича": the patronymic or initials decide
            letters = fold(t.text)[:1] + fold(tokens[end - 1].text)[:1]
            fits = [p for p in people if (keys & p.given or not p.given) and (patr & p.patronymics
                                                                              or p.initials == letters)]
        if len(fits) == 1:
            m = fits[0].mention
            start, stop = t.start, tokens[end - 1].end
            first = (m.canonical or "").split()[0] if m.canonical else None
            out.append(replace(m, start=start, end=stop, surface=text[start:stop], method="coref",
                               score=min(m.score, COREF_SCORE), candidates=[], rewrite=first if not patr else None,
                               reason=f"first name of {m.surface!r} named in the text"))
        i = end
    return out


def _first_name_pairs(tokens: Sequence[Token], lang: str | None) -> dict[str, set[str]]:
    """First-name key -> the surnames (first four folded letters) the text writes after it (a
    patronymic is none: "Иван Лазурков ... Иван Иванович" is one Ivan)."""
    out: dict[str, set[str]] = {}
    for j in range(len(tokens) - 1):
        if tokens[j + 1].joined and capitalised(tokens[j + 1]) and capitalised(tokens[j]) \
                and not _patronymic(tokens[j + 1].text, lang):
            for k in _word_keys(tokens[j].text, lang)[0]:
                out.setdefault(k, set()).add(tokens[j + 1].key[:4])
    return out


def _patronymic(word: str, lang: str | None) -> set[str]:
    """The folded lemma of a patronymic ("Станіславович", "Юрьевич"), or nothing."""
    if not is_cyrillic_word(word) or lang not in ("ru", "uk"):
        return set()
    from transnorm.linking.declension import cyr_parses

    return {fold(p.normal_form) for p in cyr_parses(word.lower(), lang)[:4] if "Patr" in p.tag.grammemes}
