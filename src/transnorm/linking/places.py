"""Places the gazetteer lacks: settlement cues and a spelling to propose.

A capitalised name nobody linked is a place when a settlement word stands before it ("село",
"смт", "с.", "the village of"), a settlement noun after it ("Bohdanivka village"), a `near`
word before it ("near Klishchiivka", "біля Кучерівки"; lexicon `place_cues`), or when it is
listed beside settlements ("Antonivka, Sadove, Prydniprovske ..."; the caller finds lists).

Russian text about Ukraine writes Ukrainian villages in Russian: `crosslang_refs` looks the
name up through text/crosslang.cross_key among Ukrainian places (Белогоровка finds
Білогорівка), and only when nothing matches is a KMU spelling of the Ukrainian reconstruction
proposed (Кисловка -> Кислівка -> Kyslivka). Names are put in the nominative first
(linking/nominative.py).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator, Mapping, Sequence

from transnorm.gazetteer.entries import SETTLEMENT_KINDS
from transnorm.linking import phonetic
from transnorm.linking.declension import cyr_parses
from transnorm.linking.derived import cross_map
from transnorm.linking.hits import capitalised, sentence_initial
from transnorm.linking.nominative import ends_like_settlement, nominative
from transnorm.records import Candidate, Entity
from transnorm.text.crosslang import cross_key, ru_name_from_uk, uk_from_ru
from transnorm.text.fold import Token, fold, fold_name
from transnorm.text.morph import analyzer, is_cyrillic_word, is_function_or_verb, is_people_noun, word_langs

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index, NameRef

#: Endings only settlement names have ("-івка"): enough to propose one without a cue word.
SHAPED_ENDINGS = {"uk": ("івка", "ївка"), "ru": ("овка", "евка", "ёвка")}



@dataclass
class PlaceCue:
    kind: str  # village, town, city, settlement
    reason: str  # "after 'село'", "before 'village'", "after 'near'"
    strong: bool = False  # a settlement word right before the name: it names even a common word


def cue_before(text: str, tokens: Sequence[Token], a: int, lang: str, index: "Index") -> PlaceCue | None:
    """A settlement word (or `near` word) before tokens[a], with only `skip` words between."""
    lex = index.lexicon
    j = a - 1
    for _ in range(3):
        if j < 0:
            return None
        t = tokens[j]
        gap = text[t.end:tokens[j + 1].start]
        if any(c in gap for c in ",;:()\n«»\"") or not t.text[:1].islower() and not t.text[:1].isupper():
            return None
        if gap.startswith("."):
            if t.key + "." in lex.place_cues and not (j > 0 and tokens[j - 1].text.isdigit()):
                return PlaceCue(lex.place_cues[t.key + "."], f"after '{t.text}.'", strong=j == a - 1)
            return None
        if not t.text[:1].islower() and (t.key not in lex.place_cues or (
                t.joined and j > 0 and tokens[j - 1].text[:1].isupper() and not sentence_initial(text, t))):
            return None  # ("Kyiv City State Administration": a capitalised cue inside a name is no cue)
        twos = _two_word_keys(tokens[j - 1], t, lang) if j > 0 else ()
        for k in (*twos, t.key, *_lemmas(t.text, lang)):
            if k and k in lex.place_cues:
                shown = text[tokens[j - 1].start:t.end] if k in twos else t.text
                return PlaceCue(lex.place_cues[k], f"after '{shown}'", strong=j == a - 1 and t.text.islower())
        if t.key in lex.place_near or any(k in lex.place_near for k in _lemmas(t.text, lang)):
            return PlaceCue("settlement", f"after '{t.text}'")
        if t.key not in lex.place_cue_skip:
            return None
        j -= 1
    return None


#: Ordinals that number villages of one name, hyphened to it: "Новостроевка-Вторая" is one village.
ORDINAL_RE = re.compile(r"(?:перш|перв|друг|втор|трет)[а-яіїє]{1,3}$")

#: Where a place lies from another, right after its name: "Ptyche (southeast of Pokrovsk)",
#: "Krasnyi Yar, east of Pokrovsk" (the way war reports place villages).
BEARING_RE = re.compile(r"\s*(?:,|\()\s*(?P<bearing>(?:(?:north|south)(?:[- ]?(?:east|west))?|east|west)(?:ern)? of)"
                        r"\s+(?=[A-Z])")


def cue_after(text: str, tokens: Sequence[Token], b: int, index: "Index") -> PlaceCue | None:
    """A lower-case settlement noun right after the name ("Bohdanivka village"), the unit it lies
    in, in the genitive ("Гракове Чкаловської громади", "Кучерівка Куп'янського району"), or a
    bearing from another place ("Ptyche (southeast of Pokrovsk)")."""
    if b < len(tokens) and (m := BEARING_RE.match(text, tokens[b - 1].end)) is not None:
        return PlaceCue("settlement", f"before '{m.group('bearing')}'")
    if b >= len(tokens) or text[tokens[b - 1].end:tokens[b].start].strip():
        return None
    t = tokens[b]
    kind = index.lexicon.place_cues_after.get(t.key)
    if kind and t.text.islower():
        return PlaceCue(kind, f"before '{t.text}'")
    if b + 1 < len(tokens) and t.text[:1].isupper() and not text[t.end:tokens[b + 1].start].strip():
        from transnorm.gazetteer.adjectives import rules_for

        rules = rules_for(index)
        stem = rules.stem_of(t.key) if rules is not None else None
        if stem and t.key[len(stem):] in GENITIVE_ENDINGS and rules.head_of(tokens[b + 1].key) in PARENT_HEADS \
                and not is_people_noun(tokens[b - 1].text):  # "Жители Изюмского района"
            return PlaceCue("settlement", f"before '{t.text} {tokens[b + 1].text}'")
    return None


#: A place adjective in the genitive, and the units a settlement lies in (folded).
GENITIVE_ENDINGS = frozenset(fold(e) for e in ("ого", "ої", "ой"))
PARENT_HEADS = frozenset({"raion", "hromada", "oblast", "okrug"})


def _two_word_keys(first: Token, second: Token, lang: str) -> tuple[str, ...]:
    """A two-word cue as written and in its lemmas: "населенных пунктов" is the listed
    "населенный пункт", "населеними пунктами" the listed "населений пункт"."""
    keys = [f"{first.key} {second.key}"]
    for a in _lemmas(first.text, lang):
        keys.extend(f"{a} {b}" for b in _lemmas(second.text, lang))
    return tuple(keys)


@lru_cache(maxsize=50_000)
def _lemmas(word: str, lang: str) -> tuple[str, ...]:
    if not is_cyrillic_word(word):
        return ()
    low = word.lower()
    out: list[str] = []
    for lg in word_langs(low, lang):
        for p in analyzer(lg).parse(low):
            k = fold(p.normal_form)
            if k not in out:
                out.append(k)
    return tuple(out)


# ---------------------------------------------------------------- Russian spellings of Ukrainian places


def uk_settlement_refs(name: str, index: "Index") -> list["NameRef"]:
    """Ukrainian settlements bearing `name` (a Ukrainian spelling) as written."""
    return [r for r in index.lookup(fold_name(name)) if _ua_settlement(index, r)]


def _ua_settlement(index: "Index", r: "NameRef") -> bool:
    e = index.entries[r.entry]
    return e.type == "place" and e.country == "UA" and e.kind in SETTLEMENT_KINDS and not r.upper


def crosslang_refs(name: str, index: "Index") -> list["NameRef"]:
    """Ukrainian settlements whose written names meet `name` (a Russian nominative) on the
    cross-language key: Белогоровка -> Білогорівка, Приволье -> Привілля."""
    keys = cross_map(index).get(cross_key(name), [])
    return [r for k in keys for r in index.lookup(k) if _ua_settlement(index, r)]


def ru_settlement_names(stem: str) -> list[str]:
    """The Russian settlement names a Russian place adjective's stem may come from (folded stem
    in, lower case out): кондрашевск -> кондрашевка, песчанск -> песчаное, изюмск -> изюм."""
    base = stem[:-2] if stem.endswith(("ск", "цк")) else stem
    return ([base + "ка"] if base.endswith(("ев", "ов")) else []) + [base + "ое", base + "о", base]


def propose_place(words: Sequence[str], lang: str, country: str | None,
                  translated: Mapping[str, str] | None = None) -> tuple[str, str, str]:
    """(nominative, English spelling, note) for a Cyrillic place name the gazetteer lacks.

    Ukrainian text: KMU 2010 of the nominative; about Russia (`country` RU), the Wikipedia
    romanisation of the Russian reconstruction. Russian text: about Ukraine (`country` UA),
    KMU of the Ukrainian reconstruction; about Russia, the Wikipedia romanisation.
    """
    from transnorm.text.translit import propose_english

    nom = nominative(words, lang)
    if lang == "uk" and country == "RU":  # Узміно in a list with Всеволожськ and Тосно
        ru = ru_name_from_uk(nom)
        return nom, propose_english(ru, "ru"), f"Russian form {ru!r} reconstructed from the Ukrainian"
    if lang == "uk":
        return nom, propose_english(nom, "uk"), ""
    if country == "UA":
        uk = uk_from_ru(nom, translated)
        return nom, propose_english(uk, "uk"), f"Ukrainian form {uk!r} reconstructed from the Russian"
    return nom, propose_english(nom, "ru"), ""


# ---------------------------------------------------------------- generated places

GENERATED_SCORE = 0.8  # between t_review and t_auto: a proposal, never a rewrite
NEAR_SETTLEMENT_MAX = 0.85  # a misspelt small settlement is reviewed, as any phonetic match
OWN_NAME = 70  # translit.likeness of a proposal to a namesake's English name: the same name
#: Units whose mention votes twice for the country a text is about (a raion says more than a village).
COUNTRY_VOTE_KINDS = frozenset({"oblast", "federal-subject", "raion", "district", "region", "krai", "republic"})
UNIT_ADJECTIVE_RE = re.compile(r"(?:ськ|цьк|зьк|ск|цк|sk|ck)(?:а|ої|ій|у|ою|ий|ого|ому|им|ім|ая|ой|ую|ым|ое|ого|"
                               r"ому|ом|е|a|oi|iy|yi|y|iy|ogo|oho|omu|e)$")
NEUTER_ADJECTIVE_RE = re.compile(r"(?:ське|цьке|зьке|ское|цкое|ske|ckoye|skoye|skoe)$")
# the genitive, dative and locative a neuter adjective shares with the masculine (Молодецького)
OBLIQUE_NEUTER_RE = re.compile(r"(?:ськ|цьк|зьк|ск|цк)(?:ого|ому|ім|ом)$")
HEAD_AFTER_RE = re.compile(r"\s+[^\W\d_A-ZА-ЯІЇЄҐ]")  # a lower-case word right after the list: its head noun
#: What separates the items of a list of places: commas, "and"/"or", and a spaced dash between two
#: settlements ("між населеними пунктами Стара Гута – Нова Гута", a road or a front line).
LIST_GAP_RE = re.compile(r"\s*(?:[,;]|[,;]?\s+(?:and|or|и|или|і|й|та|або|a также|а також)\s+|\s+[-–—]\s+)\s*")


def _noun_first(word: str, lang: str) -> bool:
    parses = cyr_parses(word.lower(), lang) if is_cyrillic_word(word) else ()
    return bool(parses) and parses[0].tag.POS == "NOUN"


def slug(name: str) -> str:
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or fold(name).replace(" ", "-")



def _names_its_settlement(cue_word: str, adjective: str, lang: str) -> bool:
    """"поселка Цветковский", "станицы Каневская": an adjective in the nominative singular of the
    settlement word's gender, right after it, is the settlement's name in apposition (a unit's
    adjective there would agree in case: "поселке Покровского района")."""
    if lang not in ("ru", "uk"):
        return False
    genders = {p.tag.gender for p in cyr_parses(cue_word.lower(), lang) if p.tag.POS == "NOUN"}
    return any(p.tag.POS == "ADJF" and p.tag.case == "nomn" and p.tag.number == "sing" and p.tag.gender in genders
               for p in cyr_parses(adjective, lang))


class GeneratedPlaces:
    """Places proposed for the unknown runs of one text (see the module docstring)."""

    def __init__(self, text: str, tokens: Sequence[Token], index: "Index", lang: str):
        self.text, self.tokens, self.index, self.lang = text, tokens, index, lang

    def find(self, runs: list[tuple[int, int]], known: list[Entity]
             ) -> tuple[list[Entity], list[tuple[int, int]]]:
        """Generated places among the unknown runs (cue words, lists of settlements); the runs left."""
        lex = self.index.lexicon
        out: list[Entity] = []
        left: list[tuple[int, int]] = []
        pending: list[tuple[int, int]] = []
        for a, b in (p for r in runs for p in self._hyphen_split(*r)):
            b = self._trim_adjective(a, b)
            if b <= a:
                continue
            cue = None
            if self.tokens[a].key in lex.place_cues and b - a > 1 and is_cyrillic_word(self.tokens[a].text):
                cue = PlaceCue(lex.place_cues[self.tokens[a].key], f"after '{self.tokens[a].text}'")
                a += 1
            cue = cue or cue_before(self.text, self.tokens, a, self.lang, self.index) \
                or cue_after(self.text, self.tokens, b, self.index) or self._shaped(a, b)
            if cue is not None and self._nameish(a, b, cued=True, strong=cue.strong) and not self._common_opener(a, b):
                out.append(self.place(a, b, cue.kind, cue.reason, known + out))
            else:
                pending.append((a, b))
        pending = self._again(pending, known + out, out)
        if not pending:
            return out, left
        # Beside settlements in a list: "Antonivka, Sadove, Prydniprovske and the city of Kherson".
        anchors = [(e.start, e.end) for e in known + out if self._settlement(e)]
        items = sorted([(s, e, True) for s, e in anchors] +
                       [(self.tokens[a].start, self.tokens[b - 1].end, False) for a, b in pending])
        in_list: dict[int, bool] = {}  # start of a listed run -> its list ends the phrase
        group: list[tuple[int, int, bool]] = []
        for it in items + [(len(self.text) + 1, len(self.text) + 1, False)]:
            if group and LIST_GAP_RE.fullmatch(self.text[group[-1][1]:it[0]]):
                group.append(it)
                continue
            if any(g[2] for g in group):
                closed = not HEAD_AFTER_RE.match(self.text, group[-1][1])
                in_list.update((g[0], closed) for g in group if not g[2])
            group = [it]
        for a, b in pending:
            start = self.tokens[a].start
            if start in in_list and self._nameish(a, b, cued=True, listed=in_list[start]):  # a list is a cue
                out.append(self.place(a, b, "settlement", "listed beside settlements", known + out))
            else:
                left.append((a, b))
        return out, left

    def _again(self, pending: list[tuple[int, int]], known: list[Entity], out: list[Entity]) -> list[tuple[int, int]]:
        """A place proposed once is the same place in another case later ("с. Кучерівка ...
        Внаслідок обстрілу Кучерівки"): the runs whose nominative is a proposed place's join it
        (appended to `out`); the others are returned."""
        proposed = {}
        for e in known:
            if e.method == "generated" and e.type == "place" and e.gazetteer_id:
                words = e.surface.split()
                if any(is_cyrillic_word(w) for w in words):
                    proposed.setdefault(fold_name(nominative(words, self.lang)), e)
        if not proposed:
            return pending
        rest = []
        for a, b in pending:
            words = [t.text for t in self.tokens[a:b]]
            e = proposed.get(fold_name(nominative(words, self.lang))) if any(map(is_cyrillic_word, words)) else None
            if e is None:
                rest.append((a, b))
                continue
            start, end = self.tokens[a].start, self.tokens[b - 1].end
            out.append(replace(e, start=start, end=end, surface=self.text[start:end],
                               reason=f"the place {e.surface!r} proposed earlier in the text"))
        return rest

    def _shaped(self, a: int, b: int) -> PlaceCue | None:
        """A name only a village has: -івка/-ївка (Russian -овка/-евка), inside a sentence, no
        word of the dictionary ("Учкуївка", "Новомиколаївка"; not "Остановка")."""
        if self.lang not in ("ru", "uk") or b - a > 2 or sentence_initial(self.text, self.tokens[a]):
            return None
        words = [t.text for t in self.tokens[a:b]]
        last = nominative(words, self.lang).split()[-1].lower()
        if not last.endswith(SHAPED_ENDINGS[self.lang]) or len(last) < 7:
            return None
        if self.lang == "ru" and analyzer("ru").word_is_known(words[-1].lower()):
            return None
        return PlaceCue("settlement", f"named like a village (-{last[-4:]})")

    def _nameish(self, a: int, b: int, cued: bool = False, strong: bool = False, listed: bool = False) -> bool:
        """Could tokens[a:b] be a settlement's name? Not an abbreviation, not stopwords only,
        and, without a settlement word before it, not a unit's adjective ("Білопільська",
        "Київській", "Svitlodarska"): those name hromadas, raions and oblasts, and streets. In
        a list of settlements that no head noun closes (`listed`: "біля Удачного, Молодецького,
        Дачного та Філії.") an oblique neuter adjective is a village (Молодецьке); a list
        closed by one ("Петрівського та Протопопівського старостинських округів") is of units."""
        lex = self.index.lexicon
        toks = self.tokens[a:b]
        common = all(t.key in lex.stopwords or t.key in lex.common_words for t in toks)
        # A cued run of common words in mid-sentence is a name ("Червоний Маяк"), and so is one right
        # after a settlement word ("поселок Середа": Середа is also Wednesday).
        if common and not strong and (b - a == 1 or not cued or sentence_initial(self.text, toks[0])):
            return False
        if b - a > 3 or any(t.text.isupper() and len(t.text) > 1 for t in toks) or len(toks[-1].text) < 2:
            return False  # (one letter: a capitalised preposition, "… В результате", or an initial)
        if b - a == 1 and is_cyrillic_word(toks[0].text) and is_function_or_verb(toks[0].text):
            return False  # "с. Циркуни, Внаслідок обстрілу": a comma for a full stop, not a list
        last = toks[-1].text.lower()
        if not UNIT_ADJECTIVE_RE.search(last) or (cued and b - a == 2 and _noun_first(toks[0].text, self.lang)):
            return True  # a noun and its adjective are a village's name: "Воля Ковельська"
        return cued and (NEUTER_ADJECTIVE_RE.search(last) is not None
                         or (listed and OBLIQUE_NEUTER_RE.search(last) is not None)
                         or (strong and a > 0 and _names_its_settlement(self.tokens[a - 1].text, last, self.lang)))

    def _common_opener(self, a: int, b: int) -> bool:
        """One stop-layer word opening a sentence ("Обстріл Суджанського району"): its capital is
        the sentence's, not a name's. (The Ukrainian dictionary knows many villages as plain
        nouns, so it cannot tell; the stop layer's frequent words can.)"""
        t = self.tokens[a]
        return b - a == 1 and t.key in self.index.stop and sentence_initial(self.text, t)

    def _hyphen_split(self, a: int, b: int) -> list[tuple[int, int]]:
        """"Strileche-Liptsia", "Орлівка-Ісакча": two places when the first part ends like one."""
        out, start = [], a
        for j in range(a + 1, b):
            gap = self.text[self.tokens[j - 1].end:self.tokens[j].start]
            if gap == "-" and capitalised(self.tokens[j]) and ends_like_settlement(self.tokens[j - 1].text) \
                    and not ORDINAL_RE.match(self.tokens[j].text.lower()):  # "Новостроевка-Вторая" is one
                out.append((start, j))
                start = j
        out.append((start, b))
        return out

    def _trim_adjective(self, a: int, b: int) -> int:
        """"Новомиколаївка Шевченківської громади": the unit's adjective is not part of the place."""
        last = self.tokens[b - 1]
        if b - a >= 2 and b < len(self.tokens) and self.tokens[b].text[:1].islower() and \
                not self.text[last.end:self.tokens[b].start].strip() and UNIT_ADJECTIVE_RE.search(last.text.lower()):
            return b - 1
        return b

    def _settlement(self, e: Entity) -> bool:
        return e.type == "place" and (e.kind in SETTLEMENT_KINDS) and e.status in ("auto", "review")

    def place(self, a: int, b: int, kind: str, reason: str, known: list[Entity], near: bool = True) -> Entity:
        """The generated place for tokens a..b, with its proposed English name; near=False when
        the caller has ruled out the listed settlements it would be spelt like."""
        start, end = self.tokens[a].start, self.tokens[b - 1].end
        surface = self.text[start:end]
        words = [t.text for t in self.tokens[a:b]]
        if any(is_cyrillic_word(w) for w in words):
            country = self.russian_side(known) if self.lang == "uk" else self._country_near(start, known)
            _nom, canonical, note = propose_place(words, self.lang, country,
                                                  self.index.lexicon.translated_toponym_words)
            if note:
                reason += f"; {note}"
        else:
            canonical = " ".join(surface.split())
            like = self._near_settlement(a, b, canonical, reason, known) if near else None
            if like is not None:
                return like
        return Entity(start=start, end=end, surface=surface, type="place",
                      gazetteer_id=f"gen:place:{slug(canonical)}", canonical=canonical, score=GENERATED_SCORE,
                      method="generated", status="review", kind=kind, reason=reason)

    def _near_settlement(self, a: int, b: int, proposal: str, reason: str, known: list[Entity]) -> Entity | None:
        """A Latin name the cue calls a settlement, spelt like a listed one however small
        ("Barvinkova" is Barvinkove, "Dergachiv" Derhachi, "Strileche" Strilecha): that place, for
        review, with the proposal as written among the candidates. The fuzzy pass only knows big
        places; here the cue has already said "a settlement", so a village may answer."""
        key = " ".join(t.key for t in self.tokens[a:b])
        scores: dict[int, float] = {}
        for k, s in phonetic.near_settlements(key, self.index):
            for r in self.index.lookup(k):
                e = self.index.entries[r.entry]
                if e.type == "place" and e.kind in SETTLEMENT_KINDS and e.country in phonetic.SETTLEMENT_COUNTRIES \
                        and (key, e.id) not in self.index.rejected and s > scores.get(r.entry, 0):
                    scores[r.entry] = s
        if not scores:
            return None
        start, end = self.tokens[a].start, self.tokens[b - 1].end
        country = self._country_near(start, known)
        scores = {i: s for i, s in scores.items() if self.index.entries[i].country == country} or scores
        top = max(scores.values())
        pick = max((i for i, s in scores.items() if s >= top - 0.02),
                   key=lambda i: (scores[i], self.index.entries[i].population or 0))
        e = self.index.entries[pick]
        cands = [Candidate(self.index.entries[i].id, self.index.entries[i].canonical, round(s, 3))
                 for i, s in sorted(scores.items(), key=lambda x: -x[1])[:4]]
        cands.append(Candidate(f"gen:place:{slug(proposal)}", proposal, GENERATED_SCORE))
        return Entity(start=start, end=end, surface=self.text[start:end], type="place", gazetteer_id=e.id,
                      canonical=e.canonical, score=min(NEAR_SETTLEMENT_MAX, top), method="phonetic", status="review",
                      kind=e.kind, reason=f"{reason}; spelt like {e.canonical}, a listed {e.kind}", candidates=cands)

    def _votes(self, known: list[Entity], sure: bool = False) -> Iterator[tuple[Entity, str, int]]:
        """(mention, UA or RU, its vote) for each linked place of the text in UA or RU: a unit votes
        twice (a raion says more than a village). `sure`: auto links only, and no country ("армія рф"
        says nothing of where a village is)."""
        for e in known:
            if e.type != "place" or not e.gazetteer_id or e.gazetteer_id.startswith("gen:") \
                    or (sure and e.status != "auto"):
                continue
            entry = self.index.get(e.gazetteer_id)
            if entry is None or entry.country not in ("UA", "RU") or (sure and entry.kind == "country"):
                continue
            yield e, entry.country, 2 if entry.kind in COUNTRY_VOTE_KINDS else 1

    def _country_near(self, pos: int, known: list[Entity]) -> str | None:
        """UA or RU: the country most linked places of the text are in, the nearest one on a tie
        (Russian text about a Belgorod village is romanised as Russian, about a Kharkiv one as
        the Ukrainian reconstruction); with none, UA for Ukrainian text and RU for Russian."""
        votes = {"UA": 0, "RU": 0}
        best = None
        for e, country, vote in self._votes(known):
            votes[country] += vote
            d = abs(e.start - pos)
            if best is None or d < best[0]:
                best = (d, country)
        if votes["UA"] != votes["RU"]:
            return max(votes, key=votes.get)
        if best is not None:
            return best[1]
        return "UA" if self.lang == "uk" else "RU"

    def russian_side(self, known: list[Entity]) -> str:
        """RU when a Ukrainian text is about Russia: its sure place links (_votes) give Russia two
        votes at least and more than Ukraine. Else UA."""
        votes = {"UA": 0, "RU": 0}
        for _e, country, vote in self._votes(known, sure=True):
            votes[country] += vote
        return "RU" if votes["RU"] >= 2 and votes["RU"] > votes["UA"] else "UA"

    def country(self, known: list[Entity]) -> str | None:
        """The text's country by its linked places (see _country_near)."""
        return self._country_near(0, known)


def spelt_as_namesake(g: "Entity", namesake: "Entity", index: "Index") -> None:
    """A generated place where the gazetteer has the same name elsewhere ("Новоукраинка Донецкой
    области": the listed Novoukrainka is a town of Kirovohrad Oblast) is spelt as that namesake:
    its English name is the one the gazetteer chose for this name, where the proposal would only
    be a transliteration (Novoukraynka of a Russian spelling, Novoukrainky of a case form)."""
    from transnorm.text.translit import likeness

    if g.method != "generated":
        return  # a listed settlement it is spelt like (phonetic) keeps its own name
    e = index.get(namesake.gazetteer_id)
    if e is None or e.kind not in SETTLEMENT_KINDS or likeness(g.canonical or "", e.canonical) < OWN_NAME:
        return  # (reached through another of its names: "Пролетарское" is a former name of Novozlatopil)
    where = index.get(e.parent) if e.parent else None
    g.canonical = e.canonical
    g.gazetteer_id = f"gen:place:{slug(e.canonical)}"
    cue = (g.reason or "").split("; ")[0]  # the cue stays; a reconstruction's note no longer applies
    g.reason = (f"{cue}; " if cue else "") + (
        f"spelt as its namesake {e.canonical}" + (f" of {where.canonical}" if where is not None else "")
        + ", which the context rules out")
    g.candidates = [Candidate(g.gazetteer_id, g.canonical, g.score)] + [
        c for c in g.candidates if c.gazetteer_id != g.gazetteer_id][:4]
