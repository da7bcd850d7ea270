"""Administrative units named by a place adjective and a head noun.

"у Конотопському районі", "Охтирська міська громада", "в Херсонской и Запорожской областях",
"на Покровському напрямку", "Миколаївський міський голова": the adjective (gazetteer/adjectives.py
derives every settlement's and region's) says which place, the head noun after it which unit:
область -> the oblast, район -> the raion (or Russian district), округ -> the okrug, громада/
община -> the hromada of the settlement (generated: `hromada:<centre id>`, canonical "X hromada"),
напрямок/направление -> the settlement, міський голова -> the city. A head shared by a list of
adjectives applies to each. An adjective with no head is left to the other passes: it is no
evidence for a village of a similar name, and no unit is guessed. A Russian adjective before
"район" that names no listed unit is a district the gazetteer lacks: proposed as "<adjective>
District" (generated, review), not the settlement the adjective derives from.

Existing units (raion, district, oblast entries whose own uk/ru name is "<adjective> <noun>")
always win over derivation; within a kind, a parent shared with the other names of the list or
named right after ("Рыльский район Курской области") decides, and resolve.py weighs the rest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from transnorm.gazetteer.adjectives import AdjectiveRules, AdjectiveTable, rules_for, table_for
from transnorm.gazetteer.entries import SETTLEMENT_KINDS
from transnorm.gazetteer.index import GENERATED_SOURCES, Index
from transnorm.linking.centres import centre_entity, centre_head, one_centre_per_adjective, unlisted_centre
from transnorm.linking.hits import capitalised
from transnorm.linking.places import GENERATED_SCORE, crosslang_refs, ru_settlement_names, slug
from transnorm.linking.units_ru import russian_unit, unlisted_district
from transnorm.records import Candidate, Entity
from transnorm.text.crosslang import uk_from_ru
from transnorm.text.fold import Token, fold, fold_name
from transnorm.text.morph import analyzer, is_cyrillic_word

#: Heads that name a body of the unit, not the unit ("Чернігівської обласної військової адміністрації",
#: "Ковельський райвідділ поліції"): the unit is named by the place adjective alone (and so is a
#: settlement by a city head that is no person's, see _names_a_body: "Ковельської міської ради").
ADJECTIVE_HEADS = tuple(fold_name(w) for w in (
    "обласн", "областн", "райвідділ", "райотдел", "райосвет", "райсуд", "райвоєнкомат", "райвоенкомат",
    "райдержадміністрац", "райадміністрац", "райадминистрац"))
CONNECTORS = frozenset({"і", "й", "та", "и", "або", "или", "чи", "а"})
HROMADA_PREFIX = "hromada:"
VILLAGE_BODY_POPULATION = 50_000  # no village or settlement council governs a town this big
HOME_HEADS = frozenset({"city", "starosta"})  # settlement heads whose places Ukrainian text keeps at home
HROMADA_CLEAR = 10.0  # population ratio by which a centre must lead its namesakes to be linked without review


@dataclass
class UnitMatch:
    """One adjective and the unit its head names."""

    start_tok: int
    end_tok: int  # exclusive: the adjective, or adjective + modifiers + head when the head is its own
    adj_end: int  # exclusive end of the adjective itself
    head: str  # oblast, raion, okrug, hromada, axis, city
    head_word: str  # the head as written
    stem: str
    entries: list[int] = field(default_factory=list)  # candidate entry positions (best kind only)
    others: list[int] = field(default_factory=list)  # the head's other kinds (a Russian district)
    centre: int | None = None  # hromada: the centre settlement chosen
    clear: bool = True  # hromada: the centre leads its namesakes clearly
    pool: list[tuple[int, int]] = field(default_factory=list)  # hromada: every (settlement, rank) of the stem
    unlisted: str | None = None  # a Russian district the gazetteer lacks (its nominative), or a centre (centres.py)
    village: bool = False  # city head: the body of a village or small town ("сільську", "селищної ради")

    def reason(self, index: Index) -> str:
        what = index.entries[self.centre].canonical if self.centre is not None else self.stem
        if not self.stem:  # English: the name itself before the head ("Znob-Novhorodske communities")
            return f"{what} + head '{self.head_word}'"
        return f"adjective of {what} + head '{self.head_word}'"


def adjective_at(tokens: Sequence[Token], i: int, rules: AdjectiveRules, text: str) -> tuple[int, str] | None:
    """(start token, stem key) when tokens[..i] end a place adjective: "Конотопському", or two
    hyphen-joined tokens "Новгород-Сіверському" (stem "новгород сіверск")."""
    stem = rules.stem_of(tokens[i].key)
    if stem is None:
        return None
    if i > 0 and tokens[i].joined and "-" in text[tokens[i - 1].end:tokens[i].start]:
        return i - 1, f"{tokens[i - 1].key} {stem}"
    return i, stem


def _head_after(tokens: Sequence[Token], j: int, rules: AdjectiveRules, text: str = ""
                ) -> tuple[int, str, bool] | None:
    """(head token, head, a city modifier seen) for the head noun at j, after up to 3 modifiers.
    A settlement modifier that ends the phrase stands for the body's noun, left out in a list
    ("очолили: Удачненську селищну – Валерій Дугельний; Новогродівську міську – ..."): the
    modifier is the head, and the settlement is meant."""
    city_mod = False
    for _ in range(4):
        if j >= len(tokens):
            return None
        k = tokens[j].key
        if j + 1 < len(tokens) and tokens[j + 1].joined and text[tokens[j].end:tokens[j + 1].start] == "-" \
                and (head := rules.head_of(f"{k}-{tokens[j + 1].key}")) is not None:
            return j + 1, head, city_mod  # an abbreviation in two tokens: "р-н", "р-на"
        head = rules.head_of(k)
        if head is not None and not (head == "city" and not city_mod and not k.startswith(rules.city_bodies)):
            return j, head, city_mod
        if not rules.is_modifier(k):
            return None
        city_mod = city_mod or k.startswith(rules.city_modifiers)
        if city_mod and text and (j + 1 == len(tokens)
                                  or ELLIPSIS_GAP_RE.search(text, tokens[j].end, tokens[j + 1].start)):
            return j, "city", True
        j += 1
    return None


def _names_a_body(key: str, rules: AdjectiveRules) -> bool:
    """Is the head word a body of the unit (its administration, council, police), not the unit
    or its head (міський голова)? The adjective alone is then the mention."""
    return key.startswith(ADJECTIVE_HEADS) or (rules.head_of(key) == "city" and not key.startswith(rules.city_people))


def _ukrainian_body(key: str, rules: AdjectiveRules) -> bool:
    """Is the raion head a body only Ukraine's raions have (РГА, РДА, РВА, райрада)?"""
    return key.startswith(rules.ukrainian_bodies)


ELLIPSIS_GAP_RE = re.compile(r"[–—:;]|\s-\s")  # a dash or a colon after the modifier: the noun was left out


def count_at(text: str, tokens: Sequence[Token], i: int) -> bool:
    """Is tokens[i] a number in brackets after a list member? Defence ministry tallies write
    "над Белгородской (51) и Брянской (36) областями", "over the Kursk (12) and Bryansk (3) regions"."""
    if i < 1 or i >= len(tokens) or not tokens[i].text.isdigit():
        return False
    after = text[tokens[i].end:tokens[i + 1].start if i + 1 < len(tokens) else len(text)]
    return text[tokens[i - 1].end:tokens[i].start].strip() == "(" and after.strip().startswith(")")


def _past_count(text: str, tokens: Sequence[Token], j: int) -> tuple[int, str]:
    """(the next word, the punctuation before it) after tokens[:j], a number in brackets skipped."""
    if count_at(text, tokens, j):
        end = tokens[j + 1].start if j + 1 < len(tokens) else len(text)
        return j + 1, text[tokens[j].end:end].strip()[1:].strip()
    return j, text[tokens[j - 1].end:tokens[j].start].strip()


def find_units(text: str, tokens: Sequence[Token], index: Index, lang: str | None = None) -> list[UnitMatch]:
    """Every place adjective followed (directly, or through a list) by a head noun. `lang`: the
    text's language; a unit whose own name in that language is the adjective's wins ("Хмельницький
    район" in Ukrainian is Khmelnytskyi Raion, though Russian calls Khmilnyk Raion so too)."""
    rules = rules_for(index)
    table = table_for(index) if rules is not None else None
    if rules is None or table is None:
        return []
    out: list[UnitMatch] = []
    unlisted: list[UnitMatch] = []
    i, n = 0, len(tokens)
    while i < n:
        got = adjective_at(tokens, i, rules, text)
        if got is None:
            i += 1
            continue
        group = [(got[0], i + 1, got[1])]  # (start, end, stem)
        j = i + 1
        counted = False  # a member followed by a count in brackets: "Белгородской (51) и Брянской (36)"
        while j < n:  # a list: "Херсонской и Запорожской", "Сумській, Полтавській та Харківській"
            k, gap = _past_count(text, tokens, j)
            counted = counted or k > j
            if k >= n:
                break
            if gap == "," and tokens[k].key in CONNECTORS:
                k += 1  # ", і"
            elif gap == "" and tokens[k].key in CONNECTORS:
                k += 1
            elif gap != ",":
                break
            nxt = None
            for e in (k, k + 1):
                a = adjective_at(tokens, e, rules, text) if e < n else None
                if a is not None and a[0] == k:
                    nxt = (k, e + 1, a[1])
                    break
            if nxt is None:
                break
            group.append(nxt)
            j = nxt[1]
        hj, gap = _past_count(text, tokens, j) if j < n else (j, "")
        counted = counted or hj > j
        head = _head_after(tokens, hj, rules, text) if gap == "" else None
        if head is not None:
            h, kind, _ = head
            group = _agreeing(group, tokens, rules)
            made = []
            for gi, (a, b, stem) in enumerate(group):
                if not capitalised(tokens[a]) and stem not in table.units:
                    continue
                own = gi == len(group) - 1 and not _names_a_body(tokens[h].key, rules) and not counted
                m = UnitMatch(a, h + 1 if own else b, b, kind, tokens[h].text, stem,
                              village=any(t.key.startswith(rules.village_modifiers) for t in tokens[hj:h + 1]))
                if choose(m, table, index, rules, lang) or _starosta_okrug(m, h == hj, table, index, rules, lang):
                    made.append(m)
                elif centre_head(m.head, m.village) and (nom := unlisted_centre(tokens[a].text, lang, rules)):
                    m.unlisted = nom  # a village under GeoNames' floor (centres.py)
                    unlisted.append(m)
                elif kind == "raion" and lang in ("ru", "uk") and not _ukrainian_body(tokens[h].key, rules) \
                        and (nom := unlisted_district(tokens[a].text, lang)):
                    m.unlisted = nom
                    unlisted.append(m)
            _by_context(made, tokens, h, index, rules, table)
            out.extend(made)
        i = j if head is None else head[0] + 1
    _in_named_regions(out, index)
    _in_units_beside(out, tokens, text, index)
    one_centre_per_adjective(out)
    out += _again(text, tokens, out, rules, lang, table, index)
    return out + _colloquial(text, tokens, out, rules, table, index, lang) + unlisted


def _starosta_okrug(m: UnitMatch, bare: bool, table: AdjectiveTable, index: Index, rules: AdjectiveRules,
                    lang: str | None) -> bool:
    """"Заїчинський округ, Устимівський округ" in Ukrainian text, no listed okrug so named: Ukraine's
    okrugs today are a hromada's starosta districts, named after their centre village (the head
    right after the adjective; "військовий округ" is not one)."""
    if m.head != "okrug" or lang != "uk" or not bare:
        return False
    m.head = "starosta"
    return choose(m, table, index, rules, lang)


def _in_named_regions(found: list[UnitMatch], index: Index) -> None:
    """A unit of two countries' namesakes ("Каменский район": Kamianske Raion and Rostov's
    Kamensky District) is the one in a region the text names or lists beside it
    ("Ростовской области ... в Каменском, Миллеровском районе"); else the head's first kind."""
    if not any(m.others for m in found):
        return
    regions = set()
    for m in found:
        if len(m.entries) == 1 and not m.others:
            e = index.entries[m.entries[0]]
            regions.add(e.id if e.kind not in SETTLEMENT_KINDS and m.head == "oblast" else e.parent)
    for m in found:
        if m.others and not any(index.entries[p].parent in regions for p in m.entries):
            there = [p for p in m.others if index.entries[p].parent in regions]
            if there:
                m.entries = there


#: "Нікопольщина", "Шосткинщины", "Прилуччині", "Бахмутчина": the land around a town, named like
#: the oblasts' Харківщина; the raion of that town, unless an oblast bears the name.
COLLOQUIAL_RE = re.compile(r"^(.{3,}?)(щин|ччин|чин)(?:а|и|і|у|ою|ы|е|ой)$")
COLLOQUIAL_STEMS = {"щин": ("ск",), "ччин": ("цк",), "чин": ("ск", "цк")}


def _colloquial(text: str, tokens: Sequence[Token], found: list[UnitMatch], rules: AdjectiveRules,
                table: AdjectiveTable, index: Index, lang: str | None) -> list[UnitMatch]:
    covered = {j for m in found for j in range(m.start_tok, m.end_tok)}
    out = []
    for i, t in enumerate(tokens):
        if i in covered or not capitalised(t) or (m := COLLOQUIAL_RE.match(t.key)) is None:
            continue
        a = i - 1 if i > 0 and t.joined and "-" in text[tokens[i - 1].end:t.start] and i - 1 not in covered else i
        for tail in COLLOQUIAL_STEMS[m.group(2)]:
            stem = " ".join([tokens[a].key] * (a < i) + [m.group(1) + tail])  # Ивано-Франковщина
            got = [u for head in ("oblast", "raion")  # Харківщина, Донеччина: the oblast
                   if choose(u := UnitMatch(a, i + 1, i + 1, head, t.text, stem), table, index, rules, lang)]
            if got:
                out.append(got[0])
                break
    return out


def _again(text: str, tokens: Sequence[Token], found: list[UnitMatch], rules: AdjectiveRules,
           lang: str | None, table: AdjectiveTable, index: Index) -> list[UnitMatch]:
    """A bare adjective names a unit the text has set up: the same unit the document already used
    with a head ("руководителем следствия в Николаевской" after "Николаевской области"), or a unit
    of a kind whose head noun came before and that the adjective agrees with in gender ("над
    Белгородской областью, 14 – над Нижегородской, 9 – над Воронежской"; "у Куп'янському районі
    ..., в Ізюмському - ...", "Повреждения в 10 громадах: – Краснопольская – ...")."""
    seen = {m.stem: m for m in found}
    heads = [(i, h) for i, t in enumerate(tokens) if (h := rules.head_of(t.key)) in rules.elliptic]
    if not seen and not heads:
        return []
    covered = {j for m in found for j in range(m.start_tok, m.end_tok)}
    out = []
    for i, t in enumerate(tokens):
        if i in covered or not capitalised(t):
            continue
        got = adjective_at(tokens, i, rules, text)
        if got is None or got[0] in covered:
            continue
        ending = t.key[len(got[1].rsplit(" ", 1)[-1]):]
        if ending not in rules.again_endings or (ending in rules.town_case_endings and _town_named(got[1], index)):
            continue
        if i + 1 < len(tokens) and not text[t.end:tokens[i + 1].start].strip() and _nominal(tokens[i + 1].text, lang):
            continue  # it qualifies another noun: "Борисовскую центральную больницу", "Львовский горсовет"
        p = got[0] - 1
        if p >= 0 and not text[tokens[p].end:tokens[got[0]].start].strip() and _nominal(tokens[p].text, lang):
            continue  # "улица Николаевская", the village "Воля Ковельська": the adjective qualifies that noun
        m = seen.get(got[1])
        if m is not None:
            out.append(UnitMatch(got[0], i + 1, i + 1, m.head, m.head_word, m.stem, list(m.entries), m.centre,
                                 m.clear))
            continue
        for h, kind in reversed([x for x in heads if x[0] < got[0]]):
            if ending in rules.elliptic[kind]:
                e = UnitMatch(got[0], i + 1, i + 1, kind, tokens[h].text, got[1])
                if choose(e, table, index, rules, lang):
                    out.append(e)
                break
    _vote_centres([m for m in found + out if m.centre is not None and m.head == "hromada"], index)
    return out


def _town_named(stem: str, index: Index) -> bool:
    """Is a settlement named by the stem itself ("покровськ": Покровська is also its genitive)?"""
    return any(index.entries[r.entry].kind in SETTLEMENT_KINDS for r in index.lookup(stem))


def _agreeing(group: list[tuple[int, int, str]], tokens: Sequence[Token],
              rules: AdjectiveRules) -> list[tuple[int, int, str]]:
    """The adjectives of a list agree in case with the one before the head: "в Каменске, Донецке,
    Каменском, Тарасовском районе" is two towns (locative nouns in -ске) and two districts."""
    def ending(g):
        key = tokens[g[1] - 1].key
        return key[len(rules.stem_of(key) or key):]

    last = ending(group[-1])
    keep = len(group) - 1
    while keep > 0 and ending(group[keep - 1]) == last:
        keep -= 1
    return group[keep:]


def _nominal(word: str, lang: str | None) -> bool:
    """Is this word read first as a noun or an adjective (what an adjective before it qualifies)?"""

    if not is_cyrillic_word(word):
        return word[:1].isalpha() and word[:1].islower()
    low = word.lower()
    langs = (lang,) if lang in ("ru", "uk") else ("ru", "uk")
    return any(analyzer(lg).parse(low)[0].tag.POS in ("NOUN", "ADJF", "PRTF") for lg in langs)


def choose(m: UnitMatch, table: AdjectiveTable, index: Index, rules: AdjectiveRules, lang: str | None) -> bool:
    """The candidates for one adjective under its head (False: none)."""
    if m.head in rules.targets:
        named = table.units.get(m.stem, ()) or (russian_unit(m.stem, table, index) if lang == "uk" else ())
        same = [p for p, lg in named if lg == lang]
        units = sorted(set(same or [p for p, _ in named]))
        if m.head == "raion" and _ukrainian_body(fold(m.head_word), rules):
            # a raion state or military administration is a Ukrainian body: "Ровенской РГА" is the
            # Rivne Raion, not Russia's Rovensky District
            units = [p for p in units if index.entries[p].country == "UA"]
        for kind in rules.targets[m.head]:
            got = [p for p in units if index.entries[p].kind == kind]
            if got and not m.entries:
                m.entries = got
            elif got:
                m.others += got
        return bool(m.entries)
    places = [(p, r) for p, r in table.place_refs(m.stem) if index.entries[p].kind in SETTLEMENT_KINDS]
    if not places and lang != "uk":  # Russian text spells a Ukrainian place its own way: Эсманская (Есмань)
        alt = fold(uk_from_ru(m.stem))
        if alt != m.stem:
            places = [(p, r) for p, r in table.place_refs(alt) if index.entries[p].kind in SETTLEMENT_KINDS
                      and index.entries[p].country == "UA"]
    if lang == "ru" and (not places or m.head == "hromada"):
        # Кондрашевская громада: Кондрашевка, which is Кіндрашівка; and a hromada's Russian
        # spelling may be another centre's too (Хотинская: Хотин, or Хотінь, whose і Russian writes и)
        places = list(dict.fromkeys(places + [(r.entry, 0) for n in ru_settlement_names(m.stem)
                                              for r in crosslang_refs(n, index)]))
    if m.village:
        places = [(p, r) for p, r in places if (index.entries[p].population or 0) < VILLAGE_BODY_POPULATION]
    if m.head == "hromada" or (m.head in HOME_HEADS and lang == "uk"):
        # a hromada is Ukrainian; so is the council or village head Ukrainian text names (Семенівської
        # селищної ради is a Semenivka's, not Russia's Semenov), when there is such a place
        ua = [(p, r) for p, r in places if index.entries[p].country == "UA"]
        places = ua if ua or m.head == "hromada" else places
    if not places:
        return False
    if m.head == "hromada":
        m.pool = places
    rank_centres(m, places, index)
    if m.head != "hromada":  # the settlement itself: the clear centre, or the likeliest few for resolve
        m.entries = [m.centre] if m.clear else m.entries[:5]
    return True


def rank_centres(m: UnitMatch, places: list[tuple[int, int]], index: Index) -> None:
    """The best-ranked derivations, heaviest first, as the match's centres."""
    best_rank = min(r for _, r in places)
    ranked = sorted((p for p, r in places if r == best_rank), key=lambda p: -centre_weight(index.entries[p]))
    m.entries = ranked
    m.centre = ranked[0]
    m.clear = True
    if len(ranked) > 1:
        w0, w1 = centre_weight(index.entries[ranked[0]]), centre_weight(index.entries[ranked[1]])
        m.clear = w0 >= HROMADA_CLEAR * max(w1, 1.0)


def _in_units_beside(found: list[UnitMatch], tokens: Sequence[Token], text: str, index: Index) -> None:
    """A hromada written next to the raion or oblast it lies in ("Ізюмський район, Донецька ТГ",
    "Донецька ТГ Ізюмського району") has its centre there: the village Donets, not the city of
    Donetsk. Only commas and spaces may stand between the two."""
    for m in found:
        if m.head != "hromada" or not m.pool:
            continue
        for q in found:
            if q is m or len(q.entries) != 1 or q.head not in ("raion", "oblast"):
                continue
            a, b = (q, m) if q.end_tok <= m.start_tok else (m, q)
            if b.start_tok - a.end_tok > 1 or text[tokens[a.end_tok - 1].end:tokens[b.start_tok].start].strip(" ,"):
                continue
            unit = index.entries[q.entries[0]]
            oblast = unit.id if q.head == "oblast" else unit.parent
            inside = [(p, r) for p, r in m.pool if index.entries[p].parent == oblast]
            if inside and m.centre is not None and index.entries[m.centre].parent != oblast:
                rank_centres(m, inside, index)
            break


def centre_weight(e) -> float:
    """How newsworthy a centre is: its population, a curated entry counted as a town of 10,000."""
    pop = float(e.population or 0)
    if e.source not in GENERATED_SOURCES:
        pop = max(pop, 10_000.0) * 10
    if e.country == "UA":
        pop *= 2
    return pop


def _by_context(group: list[UnitMatch], tokens: Sequence[Token], h: int, index: Index,
                rules: AdjectiveRules, table: AdjectiveTable) -> None:
    """Ambiguous units of one list: keep the ones whose parent the list's clear members share,
    or the oblast named right after the head ("Рыльский район Курской области")."""
    parents: set[str] = set()
    for m in group:
        if len(m.entries) == 1 and m.head in rules.targets:
            p = index.entries[m.entries[0]].parent
            if p:
                parents.add(p)
    nxt = h + 1
    got = adjective_at(tokens, nxt, rules, "") if nxt < len(tokens) else None
    if got is not None and _head_after(tokens, nxt + 1, rules) is not None:
        for p, _ in table.units.get(got[1], ()):
            parents.add(index.entries[p].id)
    if parents:
        for m in group:
            if len(m.entries) > 1 and m.head in rules.targets:
                keep = [p for p in m.entries if index.entries[p].parent in parents]
                if keep:
                    m.entries = keep
    _vote_centres([m for m in group if m.centre is not None], index)


def _vote_centres(ranked: list[UnitMatch], index: Index) -> None:
    """Centres of one list ("Межевская, Славянская, Покровская, Васильковская громады") lie in one
    oblast: the oblast most of them may lie in decides each one's namesake there."""
    if len(ranked) < 2:
        return
    votes: dict[str, int] = {}
    for m in ranked:
        for ob in {index.entries[p].parent for p in m.entries if index.entries[p].parent}:
            votes[ob] = votes.get(ob, 0) + 1
    top = max(votes.items(), key=lambda kv: kv[1], default=(None, 0))
    if top[1] * 2 <= len(ranked):
        return
    for m in ranked:
        keep = [p for p in m.entries if index.entries[p].parent == top[0]]
        if keep:  # the namesakes elsewhere go: resolve would pick the biggest (Mykolaiv for Миколаївської)
            m.entries = keep
            m.centre = keep[0]
            m.clear = len(keep) == 1 or centre_weight(index.entries[keep[0]]) >= HROMADA_CLEAR * max(
                centre_weight(index.entries[keep[1]]), 1.0)


def unit_entity(m: UnitMatch, text: str, tokens: Sequence[Token], index: Index, cfg) -> Entity:
    """The entity of a made unit: a hromada of its centre, or an unlisted Russian district, proposed
    as "<Wikipedia romanisation> District" for review like any generated name."""
    if m.unlisted is None:
        return hromada_entity(m, text, tokens, index, cfg)
    start, end = tokens[m.start_tok].start, tokens[m.end_tok - 1].end
    if m.head != "raion":
        return centre_entity(text, start, end, m.unlisted, m.head, m.head_word)
    from transnorm.text.translit import propose_english

    name = propose_english(m.unlisted, "ru") if is_cyrillic_word(m.unlisted) else m.unlisted  # English text: as written
    canonical = f"{name} District"
    return Entity(start=start, end=end, surface=text[start:end], type="place",
                  gazetteer_id=f"gen:place:{slug(canonical)}", canonical=canonical, score=GENERATED_SCORE,
                  method="generated", status="review", kind="district",
                  reason=f"a district the gazetteer lacks: {m.unlisted} + head '{m.head_word}'")


def hromada_entity(m: UnitMatch, text: str, tokens: Sequence[Token], index: Index, cfg) -> Entity:
    """The generated hromada of the centre `m` chose (a clear one: see match._with_units)."""
    centre = index.entries[m.centre]
    start, end = tokens[m.start_tok].start, tokens[m.end_tok - 1].end
    score = 0.97
    cands = [Candidate(HROMADA_PREFIX + index.entries[p].id, f"{index.entries[p].canonical} hromada",
                       0.97 if p == m.centre else 0.8) for p in m.entries[:5]]
    return Entity(start=start, end=end, surface=text[start:end], type="place",
                  gazetteer_id=HROMADA_PREFIX + centre.id, canonical=f"{centre.canonical} hromada",
                  score=score, method="adjective", status="auto" if score >= cfg.t_auto else "review",
                  candidates=cands, kind="hromada", reason=m.reason(index))


def hromada_of(e: Entity, index: Index) -> Entity:
    """A hromada whose centre was unclear ("Краснопільська громада": two towns Krasnopillia), once
    resolve has picked a centre, is that centre's hromada, not the town: the head noun said so."""
    centre = index.get(e.gazetteer_id) if e.gazetteer_id else None
    if centre is None or centre.kind not in SETTLEMENT_KINDS:
        return e
    cands = [replace(c, gazetteer_id=HROMADA_PREFIX + c.gazetteer_id, canonical=f"{c.canonical} hromada")
             for c in e.candidates if not c.gazetteer_id.startswith(HROMADA_PREFIX)]
    return replace(e, gazetteer_id=HROMADA_PREFIX + centre.id, canonical=f"{centre.canonical} hromada",
                   kind="hromada", candidates=cands)
