"""Lone surnames: a surname the text writes alone is the person it names in full elsewhere.

OpenWorld.generate asks here three things about one text: the keys a surname token may stand
for (as written, its dictionary lemmas, its guessed stems: "Кіпера" is Кіпер), which listed
people the text names in full (so "Tkachenko said" is that Tkachenko), and which one-word links
to a listed namesake a generated person named in full takes over ("Ustyna Stefanchuk ...
Stefanchuk" is not Ruslan Stefanchuk).
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from transnorm.gazetteer.index import GENERATED_SOURCES
from transnorm.linking.declension import cyr_parses
from transnorm.linking.derived import entry_surnames
from transnorm.records import Candidate, Entity
from transnorm.text.fold import Token, fold
from transnorm.text.morph import guess_stems, is_cyrillic_word

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index


class SurnameLinks:
    def __init__(self, text: str, tokens: list[Token], index: "Index", lang: str):
        self.text, self.tokens, self.index, self.lang = text, tokens, index, lang

    def keys(self, tok: Token) -> set[str]:
        """The folded keys a surname token may stand for: as written, its lemmas, its stems."""
        keys = {tok.key}
        if is_cyrillic_word(tok.text):
            low = tok.text.lower()
            keys |= {fold(p.normal_form) for p in cyr_parses(low, self.lang)[:4]}
            keys |= set(guess_stems(low))
        return keys

    def coref(self, a: int, b: int, surnames: dict[str, Entity]) -> Entity | None:
        """Token a alone (b = a + 1) as the surname of a person in `surnames`, at its own span."""
        if b - a != 1 or not surnames:
            return None
        for k in self.keys(self.tokens[a]):
            ent = surnames.get(k)
            if ent is not None:
                start, end = self.tokens[a].start, self.tokens[a].end
                return replace(ent, start=start, end=end, surface=self.text[start:end], candidates=[],
                               reason=f"surname of {ent.surface!r} named in the text")
        return None

    def listed(self, entities: list[Entity]) -> dict[str, Entity]:
        """Surname keys of listed people the text names in full -> that mention."""
        out: dict[str, Entity] = {}
        for e in entities:
            if e.type != "person" or not e.gazetteer_id or e.gazetteer_id.startswith("gen:") or " " not in e.surface:
                continue
            entry = self.index.get(e.gazetteer_id)
            last = e.surface.split()[-1]
            keys = self.keys(Token(0, len(last), last, fold(last), False))
            if entry is not None:
                keys |= entry_surnames(self.index, e.gazetteer_id)
            short = entry.short if entry is not None else None  # "Tkachenko" stays Tkachenko in text_en
            alone = replace(e, method="surname", score=min(e.score, 0.93), rewrite=short)  # one copy for all its keys
            for k in keys:
                out.setdefault(k, alone)
        return out

    def repoint(self, entities: list[Entity], surnames: dict[str, Entity]) -> None:
        """A one-word link to a listed person (or a village) whose surname a generated person
        named in full in this text shares, and whose own full name the text never writes, is
        that generated person ("Ustyna Stefanchuk ... Stefanchuk" is not Ruslan Stefanchuk)."""
        if not surnames:
            return
        full_ids = {e.gazetteer_id for e in entities if " " in e.surface.strip()}
        for n, e in enumerate(entities):
            if " " in e.surface.strip() or e.gazetteer_id in full_ids or e.gazetteer_id is None:
                continue
            entry = self.index.get(e.gazetteer_id)
            if entry is None or not (entry.type == "person" or entry.source in GENERATED_SOURCES):
                continue
            toks = [t for t in self.tokens if t.start == e.start]
            if not toks:
                continue
            for k in self.keys(toks[0]):
                gen = surnames.get(k)
                if gen is not None:
                    entities[n] = replace(gen, start=e.start, end=e.end, surface=e.surface,
                                          candidates=[Candidate(e.gazetteer_id, e.canonical or "", e.score)],
                                          reason=f"surname of {gen.surface!r} named in the text")
                    break
