"""Names inside longer names: the place in "Kursk NPP", "FC Dnipro", "клуб «Динамо»" is not a mention.

Clubs, plants, stations, units and ships are often named after a place. When the gazetteer
lists the whole name (organisations.yaml: "Shakhtar Donetsk", "Moscow Patriarchate";
landmarks.yaml: "Boryspil airport") the exact scan links it as it is. Otherwise a place name
standing next to a cue word of lexicon.yaml `named_things` ("NPP", "airport", "FC", "завод",
"группировка «...»") is folded with it into one entity for the whole name:

    {type: organisation | place (facilities), kind: the cue's kind (club, npp, station...),
     gazetteer_id: null, status: unresolved, method: "named", canonical: the proposed name,
     reason: the cue, candidates: the place it was named after (and that mention's candidates)}

so entities stay sorted and disjoint, the city inside a club's name is no mention of the city,
and a reviewer can add the organisation to the gazetteer from the queue. Where the cue may
stand and how far from the name: see lexicon.yaml `named_things`.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Callable

from transnorm.gazetteer.lexicon import Lexicon, NamedCue
from transnorm.linking.hits import sentence_initial
from transnorm.records import Candidate, Entity
from transnorm.text.fold import Token
from transnorm.text.morph import is_adjective, is_cyrillic_word, is_function_or_verb, word_lemmas

METHOD = "named"
OPEN_QUOTES = frozenset('«"“„\'‘')
CLOSE_QUOTES = frozenset('»"”“\'’')
MAX_BETWEEN = 3  # lower-case words between a quoted name and its cue ("operational and tactical")
MAX_CAPITALISED = 3  # capitalised words between a name and a capitalised cue ("Kharkiv Tractor Plant")
MAX_CYRILLIC = 2  # lower-case words between a name and its cue in Cyrillic ("атомная", "тракторный")


def mark_named(text: str, tokens: list[Token], entities: list[Entity], lex: Lexicon,
               propose: Callable[[str], str] | None = None) -> list[Entity]:
    """`entities` (sorted, disjoint) with every place named inside a longer name replaced by an
    entity for the whole name, and the mentions inside that name dropped."""
    if not (lex.named_after or lex.named_before):
        return entities
    entities = _adjective_names(text, tokens, entities, lex, propose)
    if not any(_candidate(e, lex) or e.type == "person" for e in entities):
        return entities
    starts = [t.start for t in tokens]
    mentions = {x.start for x in entities if x.method != "unknown"}  # an outlet's name holds no other one
    out: list[Entity] = []
    k = 0
    while k < len(entities):
        e = entities[k]
        found = None
        a, b = bisect_left(starts, e.start), bisect_left(starts, e.end) - 1  # first and last token
        whole = a < len(tokens) and tokens[a].start == e.start and b >= a and tokens[b].end == e.end
        if _candidate(e, lex) and whole:
            found = (_ends_with_cue(text, tokens, e, a, b + 1, lex) or _after(text, tokens, a, b + 1, lex)
                     or _before(text, tokens, a, b + 1, lex))
        elif e.type == "person" and whole:
            # "the Ivan Franko Central Library", "cruiser Admiral Kuznetsov", "на улице Гоголя"
            found = _after(text, tokens, a, b + 1, lex) or _before(text, tokens, a, b + 1, lex)
        if found is None and whole and e.type in ("place", "person") and (q := _in_quotes(text, e)):
            qa, qb = bisect_left(starts, q[0]), bisect_left(starts, q[1])  # the quoted name's tokens
            if qa < qb and (qa, qb) != (a, b + 1):
                found = _before(text, tokens, qa, qb, lex)  # 'группы "Хорея Козацька"': the band, not a person
                if found is None and e.type == "place":
                    found = _quoted_title(text, tokens, a, b + 1, qa, qb, lex)
        if found is None and whole and e.type == "place" and e.kind in QUOTED_NOT_PLACE_KINDS \
                and _quoted(text, e.start, e.end) and is_cyrillic_word(e.surface.split()[0]):
            found = (e.start, e.end, QUOTED_NAME, "a name in quotes")
        if found is None and whole and e.type in ("place", "person") and e.method != "morph" \
                and (m := YEAR_AFTER_RE.match(text, e.end)):
            found = (e.start, m.end(), EVENT, m.group())  # "Skate Canada-2021", "Вімблдон-2024", "Євро-2024"
        if found is None and whole and e.type in ("place", "person") and lex.named_verbs:
            found = _outlet(text, tokens, a, b + 1, lex, mentions)
        if found is None:
            out.append(e)
            k += 1
            continue
        start, end, cue, cue_text = found
        inside = [x for x in entities if start <= x.start and x.end <= end]
        if any(x.start < end and start < x.end for x in entities if x not in inside) or \
                any(x is not e and x.type == "organisation" and x.gazetteer_id for x in inside):
            out.append(e)  # the name would cut another mention in two, or holds a listed one
            k += 1
            continue
        while out and out[-1].start >= start:
            out.pop()  # a mention before the trigger that the name swallows (a capitalised-cue run)
        out.append(_named(text, start, end, e, cue, cue_text, propose))
        while k < len(entities) and entities[k].start < end:
            k += 1
    return out


def _adjective_names(text: str, tokens: list[Token], entities: list[Entity], lex: Lexicon,
                     propose: Callable[[str], str] | None) -> list[Entity]:
    """Names made of a place adjective nobody linked and a cue ("Волгоградский
    нефтеперерабатывающий завод", "Новолипецкий металлургический комбинат"): the whole name is
    the named thing, with no place to show as evidence. Not at a sentence's start, where any
    adjective is capitalised ("Новый завод ...")."""
    covered = [(e.start, e.end) for e in entities]
    found = []
    for i, tok in enumerate(tokens):
        if not (tok.text[:1].isupper() and is_cyrillic_word(tok.text) and is_adjective(tok.text)) \
                or sentence_initial(text, tok) or any(a < tok.end and tok.start < b for a, b in covered):
            continue
        hit = _after(text, tokens, i, i + 1, lex)
        if hit is None:
            continue
        start, end, cue, cue_text = hit
        if any(a < end and start < b for a, b in covered):
            continue
        bare = Entity(start=tok.start, end=tok.end, surface=tok.text, type="place", gazetteer_id=None,
                      canonical=None, score=0.0, method=METHOD, status="unresolved")
        found.append(_named(text, start, end, bare, cue, cue_text, propose))
        covered.append((start, end))
    return sorted(entities + found, key=lambda e: e.start) if found else entities


def _candidate(e: Entity, lex: Lexicon) -> bool:
    """A place mention that may be part of a longer name (not already a facility's whole name)."""
    return e.type == "place" and e.kind not in lex.named_kinds


def _named(text: str, start: int, end: int, e: Entity, cue: NamedCue, cue_text: str,
           propose: Callable[[str], str] | None) -> Entity:
    surface = text[start:end]
    if any(is_cyrillic_word(w) for w in surface.split()):
        canonical = propose(surface) if propose else surface
    elif (start, end) != (e.start, e.end) and e.gazetteer_id:
        # the place part respelt as its link would write it: "Kharkov Tractor Plant" -> "Kharkiv ..."
        new = e.rewrite if (e.status == "auto" and e.rewrite) else e.surface
        canonical = surface.replace(e.surface, new, 1)
    else:  # the name is the place's name alone (the cruiser "Moskva"): kept as written
        canonical = surface
    cands = [Candidate(e.gazetteer_id, e.canonical or e.surface, e.score)] if e.gazetteer_id else []
    cands += [c for c in e.candidates if c.gazetteer_id != e.gazetteer_id]
    place = e.canonical or e.surface
    return Entity(start=start, end=end, surface=surface, type=cue.type, gazetteer_id=None, canonical=canonical,
                  score=0.0, method=METHOD, status="unresolved", candidates=cands[:5], kind=cue.kind,
                  reason=f"{cue.kind} named after {place}: '{cue_text}'")


@lru_cache(maxsize=50_000)
def _word_keys(text: str, key: str) -> tuple[str, ...]:
    if not is_cyrillic_word(text):
        return (key,)
    low = text.lower()
    return (key,) + word_lemmas(low, "ru") + word_lemmas(low, "uk")


def _keys(tok: Token) -> tuple[str, ...]:
    """The folded word and, for Cyrillic, its lemmas (ru and uk): "завода" is "завод"."""
    return _word_keys(tok.text, tok.key)


def _cue_at(tokens: list[Token], k: int, cues: dict[str, list[NamedCue]]) -> tuple[NamedCue, int] | None:
    """The longest cue whose words start at token k: (cue, index after its last token)."""
    if k >= len(tokens):
        return None
    keys = _keys(tokens[k])
    best = None
    for key in keys:
        for cue in cues.get(key, ()):
            n = len(cue.words)
            if k + n > len(tokens) or (cue.capital and not tokens[k].text[:1].isupper()):
                continue
            if all(tokens[k + j].joined and cue.words[j] in _keys(tokens[k + j]) for j in range(1, n)):
                if best is None or (n, cue.capital) > (len(best[0].words), best[0].capital):
                    best = (cue, k + n)  # the longest; "Plant" (a capitalised name's) before "plant"
    return best


def _ends_with_cue(text: str, tokens: list[Token], e: Entity, a: int, b: int, lex: Lexicon):
    """A near match that took the cue in with the name ("Ровенская АЭС" read as Rivne Oblast by the
    fuzzy pass, an unknown "Rivne NPP"): the whole mention is the named thing."""
    if e.method not in ("fuzzy", "unknown") or b - a < 2:
        return None
    for k in range(a + 1, b):
        hit = _cue_at(tokens, k, lex.named_after)
        if hit is not None and hit[1] == b:
            return e.start, e.end, hit[0], text[tokens[k].start:e.end]
    return None


MAX_OUTLET_WORDS = 4  # "Depo.Львов", "Патріоти України", "Суспільне Харків"


def _attached(text: str, left: Token, right: Token, gaps: tuple[str, ...] = (" ", "-", ".")) -> bool:
    """Do two capitalised tokens belong to one name: a space, a hyphen or a dot with no space."""
    gap = text[left.end:right.start]
    return left.text[:1].isupper() and right.text[:1].isupper() and gap in gaps


def _outlet(text: str, tokens: list[Token], a: int, b: int, lex: Lexicon, mentions: set[int]):
    """'как сообщает Depo.Львов', 'передають Патріоти України': a capitalised name right after a
    present-tense reporting verb (lexicon `after_verb`) that holds a mention and more words is the
    outlet, and the mention inside it (Lviv, Ukraine) part of its name."""
    r = a  # the name holds no other mention ("Depo.Львов Львовский городской совет": two names)
    while r > 0 and a - r < MAX_OUTLET_WORDS and _attached(text, tokens[r - 1], tokens[r]) \
            and tokens[r - 1].start not in mentions:
        r -= 1
    end = b  # to the right only across a hyphen or dot ("Depo.Львов"): a space may start the report
    while end < len(tokens) and end - r < MAX_OUTLET_WORDS and _attached(text, tokens[end - 1], tokens[end],
                                                                         ("-", ".")) \
            and tokens[end].start not in mentions:
        end += 1
    if (r, end) == (a, b) or r == 0:
        return None  # the mention is the whole name: "повідомляє Олег Синєгубов" is the person
    hit = _cue_at(tokens, r - 1, lex.named_verbs)
    if hit is None or hit[1] != r or not tokens[r - 1].text.islower():
        return None
    return tokens[r].start, tokens[end - 1].end, hit[0], tokens[r - 1].text


#: Russian and Ukrainian news never put a city, region, river or country in quotes, only a club,
#: a company, a channel or a hotel named after one (житомирское "Полесье", «Днепр» — «Львов»,
#: «Николаевский Ванёк»); a quoted village may be a checkpoint or a station, which is the place.
QUOTED_NOT_PLACE_KINDS = frozenset({"city", "region", "oblast", "raion", "former-raion", "hromada", "river",
                                    "country"})
QUOTED_NAME = NamedCue(kind="organisation", type="organisation", words=(), capital=False)
#: A year joined to a place's name makes it an event's or a season's name: "Skate Canada-2021",
#: "Wimbledon-2024", "Харків-2022" (a forum); a numbered village takes no year. Not an inflected
#: name: "чемпионата Европы-2023" is a championship of Europe, which the text names.
YEAR_AFTER_RE = re.compile(r"[-‐‑–]((?:19|20)\d\d)(?![\d-])")
EVENT = NamedCue(kind="event", type="organisation", words=(), capital=False)
MAX_QUOTED_WORDS = 5  # a quoted name around a mention: "Хорея Козацька", «Патріоти України»


def _in_quotes(text: str, e: Entity) -> tuple[int, int] | None:
    """The quoted name a mention stands inside, with other words (content start, end), if any."""
    lo = max(0, e.start - 60)
    opened = max((text.rfind(q, lo, e.start) for q in OPEN_QUOTES), default=-1)
    if opened < 0 or (opened == e.start - 1 and text[e.end:e.end + 1] in CLOSE_QUOTES):
        return None  # no quote, or it holds the mention alone (the other paths see that)
    # Guillemets pair unambiguously: a title in them may hold a full stop ("«Шлях додому. Крим»")
    guillemets = text[opened] == "«"
    stops = "!?\n" if guillemets else ".!?\n"
    inside = text[opened + 1:e.start]
    if any(c in inside for c in CLOSE_QUOTES if c not in OPEN_QUOTES) or any(c in inside for c in stops):
        return None
    closes = [i for i in (text.find(q, e.end, e.end + 60) for q in CLOSE_QUOTES) if i >= 0]
    if not closes:
        return None
    closed = min(closes)
    content = text[opened + 1:closed]
    if guillemets and text[closed] != "»":
        return None
    if any(c in content for c in stops) or not 1 < len(re.split(r"[\s\-‐‑–]+", content.strip())) <= MAX_QUOTED_WORDS:
        return None
    return opened + 1, closed


PLACE_ADJECTIVE_RE = re.compile(r"(?:ськ|цьк|зьк|ск|цк)(?:ий|а|е|і|ого|ої|ому|ій|у|ою|им|их|ими|ая|ое|ие|ой|ую|ом|ым|"
                                r"ых|ыми)$")  # "Конотопську", "Кавказького" (not "Харків", a noun)


def _quoted_title(text: str, tokens: list[Token], a: int, b: int, qa: int, qb: int,
                  lex: Lexicon) -> tuple[int, int, NamedCue, str] | None:
    """«Конотопську відьму», «Кавказького крейдяного кола»: a place adjective in quotes with a
    common noun or adjective of its own is a title (an opera, a play, a newspaper), not the place,
    with or without a cue word before it ("чекаємо на «Казки Гофмана» ... й «Конотопську відьму»")."""
    if b - a != 1 or not PLACE_ADJECTIVE_RE.search(tokens[a].text.lower()):
        return None
    if not any(tokens[j].text[:1].islower() and len(tokens[j].text) > 2 for j in range(qa, qb) if not a <= j < b):
        return None
    work = next((c for cues in lex.named_before.values() for c in cues if c.kind == "work"), None)
    if work is None:
        return None
    return tokens[qa].start, tokens[qb - 1].end, work, "a title in quotes"


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1] in OPEN_QUOTES and text[end] in CLOSE_QUOTES


def _after(text: str, tokens: list[Token], a: int, b: int, lex: Lexicon):
    """A cue after the name (tokens a..b-1): (span start, span end, cue, cue as written) or None."""
    if b >= len(tokens):
        return None
    start, end = tokens[a].start, tokens[b - 1].end
    quoted = _quoted(text, start, end)
    if quoted:
        gap = text[end:tokens[b].start]
        if not (len(gap) > 1 and gap[0] in CLOSE_QUOTES and gap[1:].isspace()):
            return None
    elif not tokens[b].joined or not text[end:tokens[b].start].isspace():
        return None  # (a dash parts a list item from its own word: "у Чугуївському - ліцей")
    cyrillic = is_cyrillic_word(tokens[a].text)
    if cyrillic and not quoted and not is_adjective(tokens[b - 1].text):
        return None  # "Запорожская АЭС", "Харьковскому заводу": Cyrillic names a plant by an adjective
    limit = MAX_BETWEEN if quoted else MAX_CYRILLIC if cyrillic else MAX_CAPITALISED
    for k in range(b, min(len(tokens), b + limit + 1)):
        if k > b and not tokens[k].joined:
            return None
        hit = _cue_at(tokens, k, lex.named_after)
        if hit is not None:
            cue, stop = hit
            if k > b and not quoted and not cyrillic and not cue.capital:
                return None  # "the Kyiv police station" is a police station in Kyiv
            written = text[tokens[k].start:tokens[stop - 1].end]
            return start, (end if quoted else tokens[stop - 1].end), cue, written
        word = tokens[k].text
        if quoted:  # (not across a preposition: «Крим» у музеї is a title shown in a museum)
            ok = word.islower() and not (cyrillic and is_function_or_verb(word))
        elif cyrillic:
            ok = word.islower() and is_adjective(word)  # "атомная", "тракторный"; not "удерживали"
        else:
            ok = word[:1].isupper()
        if not ok:
            return None
    return None


def _before(text: str, tokens: list[Token], a: int, b: int, lex: Lexicon):
    """A cue before the name (tokens a..b-1): (span start, span end, cue, cue as written) or None."""
    if a == 0:
        return None
    start, end = tokens[a].start, tokens[b - 1].end
    if not _quoted(text, start, end):
        if not tokens[a].joined:
            return None
        hit = _cue_at(tokens, a - 1, lex.named_before)
        if hit is None or hit[0].quoted_only or len(hit[0].words) != 1:
            return None
        cue, cue_tok = hit[0], tokens[a - 1]
        return (cue_tok.start if cue.capital else start), end, cue, cue_tok.text  # "FC Dnipro", "cruiser [Moskva]"
    gap = text[tokens[a - 1].end:start]
    if not (len(gap) > 1 and gap[-1] in OPEN_QUOTES and gap[:-1].isspace()):
        return None
    for k in range(a - 1, max(-1, a - 2 - MAX_BETWEEN), -1):
        hit = _cue_at(tokens, k, lex.named_before)
        if hit is not None and hit[1] == k + 1:
            return start, end, hit[0], tokens[k].text
        if not tokens[k].text.islower() or not tokens[k].joined:
            return None
    return None
