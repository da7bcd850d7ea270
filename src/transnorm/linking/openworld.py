"""The open-world passes of match.link: names the gazetteer lacks, and people beside places.

match.link calls one `OpenWorld` per text at three points:
1. `screen(hits)` before the leftovers are collected (issue 15, people vs places and people):
   a one-word match right after a first name, an initial or a role word ("Сергей Киров",
   "маршал Жуков", "Bence Halasz") keeps only the listed people it can be, and is dropped
   when those are none (a place named like a surname, or another person of that surname: Oleg
   X is not the entry's Ivan X), so the whole name goes on to the generated-person path;
2. `near_miss(a, b)` for a leftover run the fuzzy pass did not place: in Russian text a Ukrainian
   settlement found through the cross-language key (Белогоровка -> Білогорівка), else a
   phonetic near miss ("Pakhmut"); both are Hits for resolve.py, capped below auto;
3. `generate(runs, entities)` after resolve: people by structure (people.py), lone surnames of
   people named in full in the same text, then places by settlement cues or beside settlements
   in a list (places.py). Each becomes an Entity with method "generated", a stable
   "gen:<type>:<slug>" id, status review and a reason; what is left stays unknown.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from rapidfuzz import fuzz, process

from transnorm.gazetteer.entries import REGION_KINDS, SETTLEMENT_KINDS
from transnorm.gazetteer.index import GENERATED_SOURCES
from transnorm.linking import people, person_names, phonetic, places
from transnorm.linking.declension import cyr_parses, list_case, name_groups
from transnorm.linking.derived import listed_with_surname
from transnorm.linking.hits import Hit, best_refs, capitalised, demonym_shaped, own_part_close, sentence_initial
from transnorm.linking.nominative import nominative
from transnorm.linking.surnames import SurnameLinks
from transnorm.records import Candidate, Entity
from transnorm.text.crosslang import uk_from_ru
from transnorm.text.fold import Token, fold, fold_name
from transnorm.text.morph import is_cyrillic_word, known_word

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.config import MatchConfig
    from transnorm.gazetteer.index import Index, NameRef

INITIALS_SCORE = 0.92  # initials + a listed person's surname, no other listed person so called
NEAR_MISS_MAX = 0.85  # a phonetic or cross-language match is reviewed, not rewritten...
CROSSLANG_CUED = 0.9  # ...unless the reconstruction spells the Ukrainian name exactly after a settlement cue
FIRST_NAME_SIMILAR = 60  # rapidfuzz ratio: Alexander ~ Oleksandr; Olena !~ Oleksandr (match.py uses the same)
SURNAME_ENDING_RE = people.SURNAME_ENDING_RE
DASH_GAP_RE = re.compile(r"\s+[-‐‑–—]\s+|\s*[–—]\s*")


HOME_COUNTRIES = frozenset({"UA", "RU", "BY"})  # their people's Cyrillic names are their own
SENTENCE_END_RE = re.compile(r"[.!?;]\s")
FOREIGN_SCORE = 0.5  # below t_review: queued as unresolved, the proposal no link


class OpenWorld:
    def __init__(self, text: str, tokens: list[Token], index: "Index", cfg: "MatchConfig", lang: str | None):
        self.text, self.tokens, self.index, self.cfg = text, tokens, index, cfg
        self.lang = lang if lang in ("ru", "uk") else "en"
        self._kinds: dict[int, str] = {}
        self._spans: dict[tuple[int, int], list] = {}
        self.lone = SurnameLinks(text, tokens, index, self.lang)

    def kind(self, i: int) -> str:
        k = self._kinds.get(i)
        if k is None:
            k = self._kinds[i] = people.classify(self.text, self.tokens, i, self.lang, self.index)
        return k

    # ------------------------------------------------------------------ 1. screening exact hits

    def screen(self, hits: list[Hit]) -> list[Hit]:
        """People beside places and people (see the module docstring)."""
        covered = {j for h in hits for j in range(h.start_tok, h.end_tok)}
        out = []
        for h in hits:
            i = h.start_tok
            prv = i - 1
            if h.end_tok - i == 1 and self._village_speaking(h):
                continue  # "Коваль заявила": a woman named Koval, not the village Kovali
            if h.end_tok - i == 1 and h.end_tok < len(self.tokens) and self.tokens[h.end_tok].joined \
                    and self.kind(h.end_tok) == "I" and not self._initial_fits(h, self.tokens[h.end_tok].text):
                continue  # "Клименко Ф.М.": initials after the surname that are not the listed person's
            if h.end_tok - i == 1 and self._first_name_before_surname(h, covered):
                continue  # "Софія Балабан": a first name (Sofia is also a city) and a surname: a person
            if h.end_tok - i != 1 or prv < 0 or prv in covered:
                out.append(h)
                continue
            k = self.kind(prv)  # cached per word: most hits have an ordinary word before them
            joined = self.tokens[i].joined
            first = joined and k == "G"
            initial = joined and k == "I"
            role = k == "R" and not text_gap(self.text, self.tokens, prv, i)
            # a role word, then a first name nobody lists, then a generated place's name: the
            # person's surname, whatever its shape ("британка Сонай Картал": not Orlivka's old name)
            named = (not first and joined and k != "R" and prv > 0 and prv - 1 not in covered
                     and capitalised(self.tokens[prv]) and self.tokens[prv].joined and self.kind(prv - 1) == "R"
                     and not sentence_initial(self.text, self.tokens[prv]) and not self._curated_place(h))
            first = first or named
            if not (first or initial or role) or not (named or self._surname_like(
                    h, strong=first or initial, initial=initial)) or (
                    role and not (first or initial) and self._curated_place(h)):
                out.append(h)  # "мэра Львова": a role word before a listed city is about the city
                continue
            persons = {e: r for e, r in h.refs.items() if self.index.entries[e].type == "person"}
            if first:
                persons = {e: r for e, r in persons.items() if self._first_name_fits(e, prv)}
            if persons:
                out.append(replace(h, refs=persons, methods={e: m for e, m in h.methods.items() if e in persons}))
            # else: dropped; the run (with its first name or initial) goes to the person path
        return out

    def _first_name_before_surname(self, h: Hit, covered: set[int]) -> bool:
        """A one-word place match that is a first name, followed by a surname nothing matched."""
        nxt = h.end_tok
        if nxt >= len(self.tokens) or nxt in covered or not self.tokens[nxt].joined \
                or not capitalised(self.tokens[nxt]) or any(self.index.entries[e].type == "person" for e in h.refs):
            return False
        latin_word = not is_cyrillic_word(self.tokens[nxt].text) and self.tokens[nxt].key in self.index.stop
        return self.kind(h.start_tok) == "G" and self.kind(nxt) == "S" and not latin_word  # not "Sofia Zoo"

    def _village_speaking(self, h: Hit) -> bool:
        """A GeoNames place's name read as a surname beside a speech verb: villages do not speak,
        people named like them do (a noun of the other gender than the verb's is a woman's surname)."""
        i = h.start_tok
        if not all(self.index.entries[e].type == "place" and self.index.entries[e].source in GENERATED_SOURCES
                   for e in h.refs):
            return False
        k = self.kind(i)
        if k == "S":
            return people._speech_beside(self.text, self.tokens, i, i + 1, self.lang, self.index)
        return k == "W" and is_cyrillic_word(self.tokens[i].text) and people._speaker_of_other_gender(
            self.text, self.tokens, i, self.lang, self.index)

    def _initial_fits(self, h: Hit, initial: str) -> bool:
        """Does some person of the hit have a first name (in any listed script) starting with
        `initial`? (Places are not persons: a hit with none is let go too.)"""
        want = fold(initial)
        for ei in h.refs:
            e = self.index.entries[ei]
            if e.type != "person":
                continue
            if any(len(n.split()) >= 2 and fold(n.split()[0])[:1] == want for n, _l, _t in e.names()):
                return True
        return False

    def _curated_place(self, h: Hit) -> bool:
        """A place the gazetteer is sure of: curated, or a country or first-level region from any
        source ("прем'єр-міністр Хорватії Андрей Пленкович": Croatia, not a surname)."""
        return any(e.type == "place" and (e.source not in GENERATED_SOURCES or e.kind == "country"
                                          or e.kind in REGION_KINDS)
                   for e in (self.index.entries[i] for i in h.refs))

    def _surname_like(self, h: Hit, strong: bool = False, initial: bool = False) -> bool:
        """Can the one-word match be a surname? `strong`: a first name or an initial stands
        before it, so any surname reading or an unknown word will do (Кирова is also a town's
        genitive; Ленини no dictionary knows); after an
        initial any capitalised name will ("В. Чкалову": the town was named after him)."""
        tok = self.tokens[h.start_tok]
        entries = [self.index.entries[e] for e in h.refs]
        if all(e.type == "person" for e in entries):
            return True
        if is_cyrillic_word(tok.text):
            # after a first name, a word no dictionary knows is a (foreign) surname too: "Кевин Ленини"
            return initial or people.cyr_surname(tok.text, self.lang, strong) or (
                strong and not known_word(tok.text, self.lang))
        if all(e.source in GENERATED_SOURCES or e.type == "person" for e in entries):
            return True
        return bool(SURNAME_ENDING_RE.search(tok.text)) and all(
            e.type == "person" or e.kind in SETTLEMENT_KINDS for e in entries)

    def _first_name_fits(self, ei: int, prv: int) -> bool:
        first = self.tokens[prv].key
        e = self.index.entries[ei]
        for name, _, _ in e.names():
            words = name.split()
            if len(words) >= 2 and fuzz.ratio(first, fold(words[0])) >= FIRST_NAME_SIMILAR:
                return True
            if len(words) >= 2 and is_cyrillic_word(self.tokens[prv].text):
                lemmas = {fold(p.normal_form) for p in cyr_parses(self.tokens[prv].text.lower(), self.lang)}
                if fold(words[0]) in lemmas:
                    return True
        return False

    # ------------------------------------------------------------------ 2. near misses

    def prepare(self, runs: Sequence[tuple[int, int]], hits: list[Hit]) -> None:
        """Note the surnames of the people the text names in full (a run read as a person's
        name, a listed person's full name), so a lone surname elsewhere is kept for them and
        never fuzzy-matched to something else ("Adelia Petrosyan. Petrosyan, 16, ...").
        Computed on the first question (claims_surname), as most texts never ask."""
        self._prep = (runs, hits)
        self._full_keys: set[str] | None = None

    def _full_surname_keys(self) -> set[str]:
        if self._full_keys is not None:
            return self._full_keys
        runs, hits = self._prep
        keys: set[str] = set()
        for a, b in runs:
            for sp in self._people(a, b):
                if sp.surname and (sp.given or sp.initials or sp.patronymic):
                    keys |= self.lone.keys(self.tokens[sp.surname[-1]])
        for h in hits:
            if h.end_tok - h.start_tok >= 2 and any(self.index.entries[e].type == "person" for e in h.refs):
                keys |= self.lone.keys(self.tokens[h.end_tok - 1])
        self._full_keys = keys
        return keys

    def claims_surname(self, a: int, b: int) -> bool:
        if b - a != 1 or self.kind(a) not in ("S", "W", "N", "A"):
            return False
        return bool(self.lone.keys(self.tokens[a]) & self._full_surname_keys())

    def _people(self, a: int, b: int) -> list["people.PersonSpan"]:
        """people.find_people on tokens[a:b], once per run (three passes ask)."""
        got = self._spans.get((a, b))
        if got is None:
            got = self._spans[(a, b)] = people.find_people(self.text, self.tokens, a, b, self.lang, self.index,
                                                           [self.kind(i) for i in range(a, b)])
        return got

    def looks_like_person(self, a: int, b: int) -> bool:
        return any(p.end - p.start >= 2 or p.reason.startswith(("role", "surname beside"))
                   for p in self._people(a, b))

    def near_miss(self, a: int, b: int) -> Hit | None:
        if self.lang == "ru" and all(is_cyrillic_word(t.text) for t in self.tokens[a:b]):
            hit = self._crosslang(a, b)
            if hit is not None:
                return hit
        return self._phonetic(a, b)

    def _crosslang(self, a: int, b: int) -> Hit | None:
        words = [t.text for t in self.tokens[a:b]]
        lex = self.index.lexicon
        if any(t.key in lex.stopwords for t in self.tokens[a:b]):
            return None
        nom = nominative(words, "ru")
        translated = uk_from_ru(nom, lex.translated_toponym_words)
        if translated != uk_from_ru(nom):  # "Западное" is Західне, "Свободное" Вільне: a translated name
            refs = {r.entry: r for r in places.uk_settlement_refs(translated, self.index)}
            if refs:
                cued = places.cue_before(self.text, self.tokens, a, "ru", self.index) is not None
                return Hit(a, b, refs, "crosslang", CROSSLANG_CUED if cued else NEAR_MISS_MAX)
        if any(t.key in lex.common_words for t in self.tokens[a:b]):
            return None
        if any(_common_ru_word(w) for w in words):
            return None  # "Сил", "Мирно", "Украинские": words first, names only by accident
        refs: dict[int, "NameRef"] = {}
        for form in dict.fromkeys((nom, " ".join(words))):
            for r in places.crosslang_refs(form, self.index):
                refs.setdefault(r.entry, r)
        if not refs:
            return None
        uk = fold_name(uk_from_ru(nom))
        exact = any(uk in {fold_name(n) for n, lg, _ in self.index.entries[e].names() if lg == "uk"} for e in refs)
        cued = places.cue_before(self.text, self.tokens, a, "ru", self.index) is not None
        base = CROSSLANG_CUED if exact and cued else NEAR_MISS_MAX
        return Hit(a, b, refs, "crosslang", base)

    def _phonetic(self, a: int, b: int) -> Hit | None:
        key = " ".join(t.key for t in self.tokens[a:b])
        lex = self.index.lexicon
        if len(key) < self.cfg.fuzzy_min_chars or any(
                t.key in lex.stopwords or t.key in lex.common_words for t in self.tokens[a:b]):
            return None
        if b - a == 1 and sentence_initial(self.text, self.tokens[a]):
            return None  # "Город ..." opens a sentence; "Shelling" is no misspelt town
        if any(is_cyrillic_word(t.text) for t in self.tokens[a:b]) or b - a > 2:
            return None  # inflected Cyrillic words meet too many skeletons; MT forms are Latin
        if b - a == 1 and demonym_shaped(self.tokens[a]):
            return None  # "Norwegians" is no misspelt Norway
        return self._phonetic_hit(a, b, key)

    def _phonetic_hit(self, a: int, b: int, key: str) -> Hit | None:
        pool = phonetic.candidates(key, self.index)
        if not pool:
            return None
        need = dict(pool)
        floor = self.cfg.t_review * 100  # never looser than the fuzzy pass itself
        found = [(k, s, i) for k, s, i in process.extract(key, list(need), scorer=fuzz.ratio, limit=5,
                                                           score_cutoff=max(phonetic.MIN_RATIO, floor))
                 if s >= max(need[k], floor)]
        refs: dict[int, "NameRef"] = {}
        scores: dict[int, float] = {}
        rejected = self.index.rejected
        for k, s, _ in found:
            if not own_part_close(key, k, self.index, floor):
                continue
            for r in self.index.lookup(k):
                e = self.index.entries[r.entry]
                if r.upper or e.type != "place" or (key, e.id) in rejected:
                    continue
                if s / 100 > scores.get(r.entry, 0):
                    refs[r.entry], scores[r.entry] = r, s / 100
        if not refs:
            return None
        refs, top, cands = best_refs(refs, scores, self.index)
        return Hit(a, b, refs, "phonetic", min(NEAR_MISS_MAX, top), cands)

    # ------------------------------------------------------------------ 3. generated names

    def generate(self, runs: Sequence[tuple[int, int]], entities: list[Entity]
                 ) -> tuple[list[Entity], list[tuple[int, int]]]:
        """Generated people and places for the unknown runs; the runs left unknown."""
        pieces = [p for a, b in runs for p in self._split(self._with_initials(a), self._initials_after(b))]
        found: list[Entity] = []
        rest: list[tuple[int, int]] = []
        surnames: dict[str, Entity] = {}
        listed: dict[str, Entity] | None = None
        maker = places.GeneratedPlaces(self.text, self.tokens, self.index, self.lang)
        country = maker.country(entities) if self.lang == "ru" else maker.russian_side(entities) \
            if self.lang == "uk" else None
        pieced = [(a, b, self._people(a, b)) for a, b in pieces]
        case = self._list_case([sp for _a, _b, spans in pieced for sp in spans])
        for a, b, spans in pieced:
            pos = a
            for sp in spans:
                if sp.start > pos:
                    rest.append((pos, sp.start))
                if sp.reason in people.LONE_REASONS:  # "Tkachenko said": the person named in full, if any
                    listed = self.lone.listed(entities) if listed is None else listed
                    ent = self.lone.coref(sp.start, sp.end, surnames) or self.lone.coref(sp.start, sp.end, listed)
                    if ent is not None:
                        found.append(ent)
                        pos = sp.end
                        continue
                abroad = self._abroad(sp.start, sp.end, entities)
                # a foreigner's Slavic first name is not respelt the Ukrainian way (Петр Мацинка of
                # Czechia is no Petro): the text's country only speaks for people at home
                name = person_names.propose(self.text, self.tokens, sp, self.lang, self.index,
                                            None if abroad else country, case.get(sp.start))
                if not name.foreign and abroad and not name.caucasian:
                    name = replace(name, foreign=True)
                ent = self._listed_by_initials(sp, name) or self._person(sp.start, sp.end, name, sp.reason)
                found.append(ent)
                if name.surname_key and len(sp.surname) and (sp.given or sp.initials or sp.patronymic):
                    surnames.setdefault(name.surname_key, ent)
                pos = sp.end
            if pos < b:
                rest.append((pos, b))
        # Lone surnames of people named in full in this text ("... Олег Кіпер. Кіпер заявив").
        left = []
        for a, b in rest:
            ent = self.lone.coref(a, b, surnames)
            if ent is None and b - a == 1:
                listed = self.lone.listed(entities) if listed is None else listed
                ent = self.lone.coref(a, b, listed)
            if ent is not None:
                found.append(ent)
            else:
                left.append((a, b))
        self.lone.repoint(entities, surnames)
        placed, left = places.GeneratedPlaces(self.text, self.tokens, self.index, self.lang).find(
            left, entities + found)
        return found + placed, left

    def _abroad(self, a: int, b: int, entities: list[Entity]) -> bool:
        """Does the sentence put the name abroad? A nationality word (lexicon foreign_demonyms:
        "британка", "угорський") or a foreign country ("Прем'єр-міністр Угорщини", "з Чехії")
        within two words of it: Miroslav, Karolina, Viktor are Slavic-looking first names of
        foreigners, whose Cyrillic spelling is no spelling to stand behind."""
        if self.lang not in ("ru", "uk"):
            return False
        demonyms, home = self.index.lexicon.foreign_demonyms, self.index.lexicon.home_demonyms
        lo, hi = self.tokens[a].start, self.tokens[b - 1].end
        near = [j for j in (*range(max(0, a - 4), a), *range(b, min(len(self.tokens), b + 3)))
                if not SENTENCE_END_RE.search(self.text[min(self.tokens[j].end, lo):max(self.tokens[j].start, hi)])]
        if home and any(self.tokens[j].text.islower() and people._lemma_in(self.tokens[j].text, self.lang, home)
                        for j in near):
            return False  # "українського прозаїка зі США Петра Камінського": ours, living abroad
        for j in near:
            t = self.tokens[j]
            if j < a - 2:
                continue
            if t.text.islower() and demonyms and people._lemma_in(t.text, self.lang, demonyms):
                return True
            for e in entities:
                if e.start == t.start and e.gazetteer_id and e.type == "place":
                    entry = self.index.get(e.gazetteer_id)
                    if entry is not None and entry.kind == "country" and entry.country not in HOME_COUNTRIES:
                        return True
        return False

    def _list_case(self, spans: list["people.PersonSpan"]) -> dict[int, str]:
        """span start -> the case of the list it is an item of ("назначил:\n- Валерию Бандурко
        ...;\n- Татьяну Новикову ...", "Аліса Віденєєва, Ярослава Недвига та Олег Фесенко": one
        governing word, one case for every item; declension.name_groups finds the lists)."""
        named = sorted((sp for sp in spans if sp.given), key=lambda sp: sp.start)
        bounds = [(self.tokens[sp.start].start, self.tokens[sp.end - 1].end) for sp in named]
        out: dict[int, str] = {}
        for group in name_groups(self.text, bounds):
            case = list_case([self.tokens[named[i].given[0]].text for i in group], self.lang)
            for i in group:
                if case:
                    out.setdefault(named[i].start, case)
        return out

    def _with_initials(self, a: int) -> int:
        """Initials the run lost as stopwords ("В. Чкалову": В is also a preposition) are put back."""
        while a > 0 and self.tokens[a].joined and self.kind(a - 1) == "I":
            a -= 1
        return a

    def _initials_after(self, b: int) -> int:
        """... and initials after a surname ("Бакаев С.И.": С and И are also a preposition and a
        conjunction) are put back too."""
        while b < len(self.tokens) and self.tokens[b].joined and self.kind(b) == "I":
            b += 1  # ("В.А.": tokenize joins single letters across a bare dot)
        return b

    def _split(self, a: int, b: int) -> list[tuple[int, int]]:
        """A run joined by a spaced dash is two names ("Гладково - Поминово", "Орлівка-Ісакча" is one)."""
        out, start = [], a
        for j in range(a + 1, b):
            if DASH_GAP_RE.fullmatch(self.text[self.tokens[j - 1].end:self.tokens[j].start]):
                out.append((start, j))
                start = j
        out.append((start, b))
        return out

    def _listed_by_initials(self, sp: "people.PersonSpan", name: "person_names.PersonName") -> Entity | None:
        """"L. Ukrainka", "Н. Лисенко": initials and the surname of a listed person whose first name
        (in any of its names' scripts) begins with the first initial are that person; `auto` when
        no other listed person bears the surname, else `review`."""
        if not sp.initials or sp.given or not name.surname_key:
            return None
        letter = fold(self.tokens[sp.initials[0]].text)[:1]
        listed = listed_with_surname(self.index, name.surname_key)
        fits = [p for p in listed if any(
            len(w := n.split()) >= 2 and fold(w[0])[:1] == letter and fold(w[-1]) == name.surname_key
            for n, _l, _t in self.index.entries[p].names())]
        if len(fits) != 1:
            return None
        e = self.index.entries[fits[0]]
        start, end = self.tokens[sp.start].start, self.tokens[sp.end - 1].end
        sure = len(listed) == 1
        return Entity(start=start, end=end, surface=self.text[start:end], type="person", gazetteer_id=e.id,
                      canonical=e.canonical, score=INITIALS_SCORE if sure else NEAR_MISS_MAX, method="initials",
                      status="auto" if sure else "review", kind=e.kind,
                      candidates=[Candidate(e.id, e.canonical, INITIALS_SCORE)],
                      reason=f"initial {self.tokens[sp.initials[0]].text}. and the surname of the listed {e.canonical}")

    def _person(self, a: int, b: int, name: "person_names.PersonName", reason: str) -> Entity:
        start, end = self.tokens[a].start, self.tokens[b - 1].end
        cands = [Candidate(self.index.entries[e].id, self.index.entries[e].canonical, 0.5)
                 for e in listed_with_surname(self.index, name.surname_key)[:3]]
        if name.foreign and name.given_key and name.surname_key:
            pos = phonetic.listed_person_by_sound(f"{name.given_key} {name.surname_key}", self.index)
            if pos is not None:  # a listed foreigner, transcribed another way: review, never a rewrite
                e = self.index.entries[pos]
                return Entity(start=start, end=end, surface=self.text[start:end], type="person",
                              gazetteer_id=e.id, canonical=e.canonical, score=NEAR_MISS_MAX, method="phonetic",
                              status="review", candidates=cands, kind=e.kind,
                              reason=reason + f"; sounds like the listed {e.canonical}")
        if name.foreign:
            # A letter-by-letter romanisation of "Матео Кассьерра" is no spelling to stand behind
            # (Mateo Cassierra): queued for a person with the transliteration as a proposal, no link.
            return Entity(start=start, end=end, surface=self.text[start:end], type="person", gazetteer_id=None,
                          canonical=name.canonical, score=FOREIGN_SCORE, method="generated", status="unresolved",
                          candidates=cands, kind="person",
                          reason=reason + "; foreign name in Cyrillic: the transliteration is only a proposal")
        return Entity(start=start, end=end, surface=self.text[start:end], type="person",
                      gazetteer_id=f"gen:person:{places.slug(name.canonical)}", canonical=name.canonical,
                      score=places.GENERATED_SCORE, method="generated", status="review", candidates=cands,
                      kind="person", reason=reason)


@lru_cache(maxsize=50_000)
def _common_ru_word(word: str) -> bool:
    """A word the Russian dictionary knows, on its best reading not as a place name."""
    from transnorm.text.morph import analyzer

    low = word.lower()
    a = analyzer("ru")
    if not a.word_is_known(low):
        return False
    return "Geox" not in a.parse(low)[0].tag.grammemes


def text_gap(text: str, tokens: Sequence[Token], i: int, j: int) -> bool:
    """Anything but spaces between tokens i and j?"""
    return bool(text[tokens[i].end:tokens[j].start].strip())
