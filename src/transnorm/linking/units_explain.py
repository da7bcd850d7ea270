"""`transnorm gazetteer lookup`: what the unit pass (units.py) makes of a text, in words.

Kept apart from units.py, which runs on every document: this only explains, for a person
checking why "Охтирському" became Okhtyrka Raion or why a bare adjective linked nothing.
"""
from __future__ import annotations

from transnorm.gazetteer.adjectives import AdjectiveTable, rules_for, table_for
from transnorm.gazetteer.index import Index
from transnorm.linking.units import UnitMatch, adjective_at, centre_weight, choose, find_units


def explain(text: str, index: Index, lang: str | None = None) -> list[str]:
    """`gazetteer lookup`: what the adjective path makes of `text`, with its head noun if the text
    has one, else what each head noun would make of it ("Охтирському -> Okhtyrka Raion via
    adjective of Okhtyrka + head район")."""
    from transnorm.text.fold import tokenize

    rules, tokens = rules_for(index), tokenize(text)
    if rules is None or not tokens:
        return []
    table = table_for(index)
    found = find_units(text, tokens, index, lang)
    out = []
    for m in found:
        surface = text[tokens[m.start_tok].start:tokens[m.adj_end - 1].end]
        out.append(f"{surface} -> {_targets(m, index)} via adjective of {_source(m, index, table)} "
                   f"+ head {m.head_word} ({m.head})")
    if found:
        return out
    got = adjective_at(tokens, len(tokens) - 1, rules, text)
    if got is None:
        return []
    surface = text[tokens[got[0]].start:tokens[-1].end]
    out.append(f"{surface}: adjective stem {got[1]!r}; no head noun, so not linked by this path. With one:")
    for head in ("oblast", "raion", "okrug", "hromada", "axis", "city"):
        m = UnitMatch(got[0], len(tokens), len(tokens), head, head, got[1])
        if choose(m, table, index, rules, lang):
            out.append(f"  + a {head} head -> {_targets(m, index)} "
                       f"via adjective of {_source(m, index, table)}")
    return out


def _targets(m: UnitMatch, index: Index) -> str:
    if m.head == "hromada":
        return f"{index.entries[m.centre].canonical} hromada" + ("" if m.clear else " (review)")
    names = [index.entries[p].canonical for p in m.entries[:3]]
    return " | ".join(names) + (" (context decides)" if len(m.entries) > 1 else "")


def _source(m: UnitMatch, index: Index, table: AdjectiveTable) -> str:
    """The place the adjective comes from: the chosen centre, else the likeliest settlement or
    region with that adjective (a raion is listed under its own name, named after its centre)."""
    if m.centre is not None:
        return index.entries[m.centre].canonical
    places = [p for p, rank in table.place_refs(m.stem) if rank == 0]
    if places:
        return index.entries[max(places, key=lambda p: centre_weight(index.entries[p]))].canonical
    return "its own name"
