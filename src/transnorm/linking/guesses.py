"""Guesses that give way: near misses resolve threw out, and weak or far ones a cue claims.

match.link asks here twice. A near miss resolve dropped gives its run back (dropped_guesses);
then the open-world passes run over the unknown runs and over the guesses only weakly linked
(generate): a fuzzy match too weak to review, a namesake the context rules out, a near miss of a
country or a town abroad, gives way to a generated name when a cue or a list says what the run is.
"""
from __future__ import annotations

from transnorm.linking.declension import cyr_parses, plain
from transnorm.linking.hits import Hit
from transnorm.linking.openworld import OpenWorld
from transnorm.linking.places import LIST_GAP_RE, GeneratedPlaces, spelt_as_namesake
from transnorm.linking.resolve import NAMESAKE_ELSEWHERE
from transnorm.records import Entity
from transnorm.text.fold import Token
from transnorm.text.morph import is_cyrillic_word


def dropped_guesses(guessed: list[Hit], entities: list[Entity], tokens: list[Token],
                     unknown: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A near miss resolve threw out ("Костирка" ~ Costa Rica, too far) gives its run back: the
    name is still there, for the open-world passes and the unknown queue, not lost."""
    back = [(h.start_tok, h.end_tok) for h in guessed
            if not any(e.start < tokens[h.end_tok - 1].end and tokens[h.start_tok].start < e.end for e in entities)]
    return sorted(unknown + back) if back else unknown


WEAK_METHODS = frozenset({"fuzzy", "exact", "morph", "variant"})  # gazetteer links resolve left unresolved


def generate(ow: OpenWorld, tokens: list[Token], entities: list[Entity], unknown: list[tuple[int, int]]
              ) -> tuple[list[Entity], list[tuple[int, int]]]:
    """People and places by structure and cues (openworld.py) for the unknown runs, and for runs
    only guessed at: a fuzzy match too weak to review ("Kotlyne" ~ Jilin, "у с. Новомиколаївка" ~
    Novosibirsk), or a namesake the context rules out ("села Иваново ... Одесского района" is not
    the city of Ivanovo), gives way to a generated name when a cue or a list of settlements says
    what the run is; else the guess stays, queued as before."""
    guesses = [e for e in entities if e.status == "unresolved" and e.gazetteer_id and e.method in WEAK_METHODS]
    guesses += far_near_misses(ow, entities) + nominative_list_readings(ow, entities)
    if not guesses:
        generated, unknown = ow.generate(unknown, entities)
        return sorted(entities + generated, key=lambda e: e.start), unknown
    at = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i + 1 for i, t in enumerate(tokens)}
    weak = {(at[e.start], ends[e.end]): e for e in guesses if e.start in at and e.end in ends}
    held = {id(w) for w in weak.values()}
    kept = [e for e in entities if id(e) not in held]
    generated, left = ow.generate(sorted(unknown + list(weak)), kept)
    by_span = {(e.start, e.end): e for e in weak.values()}
    for g in generated:
        w = by_span.get((g.start, g.end))
        if w is not None and g.type == w.type == "place" and (w.reason or "").startswith(NAMESAKE_ELSEWHERE):
            spelt_as_namesake(g, w, ow.index)
    claimed = [(g.start, g.end) for g in generated]
    stays = [(a, b) for (a, b), e in weak.items() if not any(s < e.end and e.start < t for s, t in claimed)]
    ruled_out = [r for r in stays if (weak[r].reason or "").startswith(NAMESAKE_ELSEWHERE)]
    maker = GeneratedPlaces(ow.text, ow.tokens, ow.index, ow.lang) if ruled_out else None
    for r in ruled_out:
        # "Bogdanovka in Donetsk Oblast", the only Bohdanivkas listed elsewhere: the oblast written
        # after it is the cue, and the namesake gives the spelling
        g = maker.place(*r, "settlement", "named with its oblast", kept, near=False)
        spelt_as_namesake(g, weak[r], ow.index)
        generated.append(g)
        stays.remove(r)
    kept += [weak[r] for r in stays]  # nothing better: the weak guess is queued as before
    taken = stays + [(at[g.start], ends[g.end]) for g in generated if g.start in at and g.end in ends]
    left = [(a, b) for a, b in left if not any(c <= a and b <= d for c, d in taken)]
    return sorted(kept + generated, key=lambda e: e.start), left


def far_near_misses(ow: OpenWorld, entities: list[Entity]) -> list[Entity]:
    """Near misses (fuzzy, phonetic) of a country, or of a place in another country than the text's,
    for review: in a list of the text's villages "Turya" is no misspelt Turkey and "Ryasne" no
    Ryazan. Like a weak guess, one gives way to a generated place when a cue or list claims it."""
    near = [e for e in entities if e.status == "review" and e.method in ("fuzzy", "phonetic") and e.type == "place"
            and e.gazetteer_id]
    if not near:
        return []
    country = GeneratedPlaces(ow.text, ow.tokens, ow.index, ow.lang).country(entities)
    out = []
    for e in near:
        entry = ow.index.get(e.gazetteer_id)
        if entry is not None and (entry.kind == "country" or entry.country != country):
            out.append(e)
    return out


def nominative_list_readings(ow: OpenWorld, entities: list[Entity]) -> list[Entity]:
    """A village found only through a dictionary reading of the word ("Кримки" as Кримка's
    genitive) between villages written as their own names ("Крива Лука, Кримки, Лозове") is
    read like them, as written: a nominative list is no place for a genitive. Like a weak guess,
    it gives way to the generated place the list claims (Krymky)."""
    places = [e for e in entities if e.type == "place" and e.gazetteer_id]
    out = []
    for k, e in enumerate(places):
        if not (e.method == "morph" and e.status == "review" and " " not in e.surface
                and is_cyrillic_word(e.surface)):
            continue
        beside = [x for x in (places[k - 1] if k else None, places[k + 1] if k + 1 < len(places) else None)
                  if x is not None and x.method == "exact"
                  and LIST_GAP_RE.fullmatch(ow.text[min(x.end, e.end):max(x.start, e.start)])]
        if beside and any(plain(p.tag.case) == "nomn" for p in cyr_parses(e.surface.lower(), ow.lang)):
            out.append(e)
    return out
