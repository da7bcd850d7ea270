"""Clean English around the names text_en rewrites: what a sub-editor would change with them.

Replacing "Kiev region" by "Kyiv Oblast" inside "the Kiev region" gives "the Kyiv Oblast";
replacing "Russian Federation" by "Russia" gives "of the Russia". This module decides, for
every mention rewrite.rewrite replaces, the edits around it (all data in lexicon.yaml
`english`, compared ignoring case):

* which names are kept as written (`written_form`): official long names that are already
  correct English ("the Russian Federation", "the Republic of Belarus": an English alias holding
  a `formal_words` word) unless config `match.official_names` is `short`, and English
  abbreviations (DPR, US, ZNPP), which are linked but never expanded;
* articles: a name takes "the" when its last word is a `the_words` word or it holds " of ".
  Rewritten to one that takes none, the "the" before it goes ("the Kharkov region" ->
  "Kharkiv Oblast", "the Kiev region's" -> "Kyiv Oblast's") unless it belongs to a noun after
  the name ("the Kiev region administration" -> "the Kyiv Oblast administration": a
  `keep_before` noun or a capitalised word follows). Rewritten to one that takes it, "the" is
  added after an `insert_after` word or at a sentence start ("crossed Dnieper" -> "crossed the
  Dnipro River"). The `dated` names lose an old "the" even when not rewritten ("the Ukraine");
* region lists: "the Kherson and Zaporizhzhia regions" -> "the Kherson and Zaporizhzhia oblasts"
  (each name of the list is its oblast; the head word is written once, in the plural);
* qualifiers: "Paris, Texas" stays "Paris, Texas" when the text already names Texas after it;
* casing: a name written in capitals keeps them (the dateline "KHARKOV" -> "KHARKIV");
* line breaks: a name broken across lines keeps the break ("Kiev\\nregion" -> "Kyiv\\nOblast").
A possessive needs nothing: "'s" is not part of a name, so "Zaporozhye's" -> "Zaporizhzhia's".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.index import NameRef
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.records import Entity

OFFICIAL_METHOD = "official"  # Entity.method of an official long name kept as written

_ARTICLE_BEFORE = re.compile(r"(?<![\w'’])([Tt]he)([ \t\u00a0]+|[ \t]*\r?\n[ \t]*)$")
_WORD_BEFORE = re.compile(r"([\w'’]+)[ \t\u00a0]+$")
_SENTENCE_START = re.compile(r"(?:[.!?]\s+|\n\s*)$")
_NEXT_WORD = re.compile(r"[ \t\u00a0]+([\w][\w'’]*)")
_POSSESSIVE = re.compile(r"['’]s?\b")
_LIST_GAP = re.compile(r"\s*(?:,|,?\s+(?:and|or)|&)\s*")
_PLURAL_HEAD = re.compile(r"[ \t\u00a0]+(regions|oblasts|provinces|districts|raions|rayons|hromadas|communities|"
                          r"Regions|Oblasts|Provinces|Districts|Raions|Regional|regional)\b")
_SINGULAR_HEADS = frozenset({"Regional", "regional"})  # "the Dnipropetrovsk Regional Military Administration"
_UNIT_WORDS = frozenset({"raion", "district", "hromada", "okrug"})  # canonical last words besides region_words
LOOK_BACK = 40  # characters before a name searched for its article
QUALIFIER_REACH = 40  # characters after a name searched for the qualifier its canonical carries


def is_formal(surface: str, lex: Lexicon) -> bool:
    """An official long name written in English: "Russian Federation", "Republic of Belarus"."""
    words = surface.lower().split()
    return " ".join(words) in lex.formal_words or any(w in lex.formal_words for w in words)


def written_form(e: Entry, ref: NameRef, surface: str, lex: Lexicon, official: str) -> tuple[str | None, bool]:
    """What text_en shows for a mention of `e` written `surface` (matched through `ref`), and
    whether it is an official long name kept as written. None: kept as written."""
    if ref.upper:
        return None, False  # an abbreviation (DPR, US) is correct English: linked, never expanded
    if official == "keep" and ref.lang == "en" and ref.tag == "alias" and is_formal(surface, lex):
        return None, True
    return ((e.short or e.canonical) if ref.short else e.canonical), False


def takes_the(name: str, lex: Lexicon) -> bool:
    """Does English write "the" before this name? ("the Kherson region", "the Sea of Azov")."""
    words = name.split()
    if not words:
        return False
    last = _POSSESSIVE.sub("", words[-1]).lower()
    return last in lex.the_words or (len(words) > 2 and "of" in (w.lower() for w in words[1:-1]))


@dataclass
class Edit:
    """Replace text[start:end] by `new`; `entity` is the position of the mention it writes, if any."""

    start: int
    end: int
    new: str
    entity: int | None = None


def plan(text: str, entities: list[Entity], lex: Lexicon) -> list[Edit]:
    """Every edit of the text, sorted and disjoint: one per entity (its new form, or its surface
    unchanged) and the article and plural-word edits around them."""
    news = [e.rewrite if (e.status == "auto" and e.rewrite) else e.surface for e in entities]
    extra: list[Edit] = []
    heads = {w.lower() for w in lex.region_words.get("en", [])} | _UNIT_WORDS
    _region_lists(text, entities, news, heads, extra)
    _region_of(text, entities, news, heads)
    for k, e in enumerate(entities):
        if e.status != "auto":
            continue
        new = _qualifier_kept(text, e, news[k])
        if e.surface.isupper() and sum(c.isalpha() for c in e.surface) > 1:
            new = new.upper()  # "KHARKOV" -> "KHARKIV"
        news[k] = _breaks_kept(e.surface, new)
        if e.type == "place":
            art = _article(text, e, news[k], entities[k - 1].end if k else 0, lex)
            if art is not None:
                extra.append(art)
    edits = [Edit(e.start, e.end, news[k], k) for k, e in enumerate(entities)] + extra
    edits.sort(key=lambda d: (d.start, d.end, d.entity is not None))
    return edits


def _region_lists(text: str, ents: list[Entity], news: list[str], heads: set[str], extra: list[Edit]) -> None:
    """'the Kherson and Zaporizhzhia regions': each name is rewritten to its oblast, so write the
    names bare and the head word once ("oblasts"), or keep "regions" when the heads differ.
    `heads`: the words a region's or unit's name ends in (lower case)."""
    k = 0
    while k < len(ents):
        m = _PLURAL_HEAD.match(text, ents[k].end)
        if not m or not _bare_region(ents[k], news[k], heads):
            k += 1
            continue
        members = [k]
        while members[0] > 0:  # back through the list: "Kharkiv, Kupyan and Chuguyiv districts"
            j = members[0] - 1
            a, b = ents[j], ents[members[0]]
            if not (_LIST_GAP.fullmatch(text[a.end:b.start]) and a.type == "place"
                    and (_bare_region(a, news[j], heads) or a.status != "auto")):
                break  # a member left as written (queued for review) keeps the list going
            members.insert(0, j)
        members = [j for j in members if _bare_region(ents[j], news[j], heads)]
        words = {news[j].rsplit(" ", 1)[1] for j in members}
        for j in members:
            news[j] = news[j].rsplit(" ", 1)[0]
        word = m.group(1)
        if len(words) == 1 and word not in _SINGULAR_HEADS:
            head = next(iter(words)).lower()
            plural = head + ("es" if head.endswith("s") else "s")
            word = plural if word.islower() else plural.capitalize()
        if word != m.group(1):
            extra.append(Edit(m.start(1), m.end(1), word))
        k += 1


_REGION_OF = re.compile(r"\b(?:region|oblast|province)\s+of\s+(?:the\s+)?$", re.IGNORECASE)


def _region_of(text: str, ents: list[Entity], news: list[str], heads: set[str]) -> None:
    """'the region of Lipetsk' links Lipetsk Oblast: the name stays bare ("region of Lipetsk
    Oblast" is no English)."""
    for k, e in enumerate(ents):
        if _bare_region(e, news[k], heads) and _REGION_OF.search(text, max(0, e.start - 40), e.start):
            news[k] = news[k].rsplit(" ", 1)[0]


def _bare_region(e: Entity, new: str, heads: set[str]) -> bool:
    """A bare name ("Kherson") rewritten to a region's name ("Kherson Oblast")."""
    parts = new.rsplit(" ", 1)
    return (e.status == "auto" and e.type == "place" and len(parts) == 2 and parts[1].lower() in heads
            and not any(w.lower() in heads for w in e.surface.split()))


def _qualifier_kept(text: str, e: Entity, new: str) -> str:
    """'Odessa, Texas' written where the text goes on ', Texas': the qualifier is not repeated."""
    if ", " not in new or ", " in e.surface:
        return new
    head, tail = new.rsplit(", ", 1)
    after = text[e.end:e.end + QUALIFIER_REACH].lower()
    return head if tail.lower() in after else new


def _breaks_kept(surface: str, new: str) -> str:
    """A name written across a line break keeps a break in the same place ("Kiev\\nregion")."""
    if "\n" not in surface:
        return new
    gaps = re.findall(r"\s+", surface)
    words = new.split(" ")
    if len(words) == len(gaps) + 1:
        return "".join(w + (gaps[i] if i < len(gaps) else "") for i, w in enumerate(words))
    if len(words) > 1:  # a different number of words: break at the space nearest the old break
        rel = surface.index("\n") / max(1, len(surface))
        spaces = [i for i, c in enumerate(new) if c == " "]
        cut = min(spaces, key=lambda i: abs(i / len(new) - rel))
        return new[:cut] + "\n" + new[cut + 1:]
    return new


def _article(text: str, e: Entity, new: str, floor: int, lex: Lexicon) -> Edit | None:
    """The "the" to drop before a rewritten name, or to add; None when the text is right."""
    old_the = takes_the(e.surface, lex) or e.surface.lower() in lex.dated_the
    new_the = takes_the(new, lex)
    lo = max(floor, e.start - LOOK_BACK)
    before = text[lo:e.start]
    m = _ARTICLE_BEFORE.search(before)
    if m and old_the and not new_the and not _article_owned_after(text, e.end, lex):
        return Edit(lo + m.start(1), e.start, "")
    if not m and new_the and not old_the and new != e.surface:
        if (lo == 0 and not before.strip()) or _SENTENCE_START.search(before):
            return Edit(e.start, e.start, "The ")
        w = _WORD_BEFORE.search(before)
        if w and w.group(1).lower() in lex.the_after:
            return Edit(e.start, e.start, "the ")
    return None


def _article_owned_after(text: str, end: int, lex: Lexicon) -> bool:
    """Does the word after the name own the article before it? ("the Kiev region administration")."""
    if text[end:end + 1] in ("-", "‐"):
        return True  # "the Kiev region-based"
    m = _NEXT_WORD.match(text, end)
    if not m:
        return False
    word = m.group(1)
    return word[:1].isupper() or word.lower() in lex.keep_the_before
