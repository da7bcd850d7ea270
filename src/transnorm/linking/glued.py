"""Words that scraped text glues together: "LvivThe", "Andrivkaand", "Nikolai Shaparenkofrom";
and compound names it writes apart: "Novo-Andriyivka" (join_prefixed).

A page loses the space at a line or tag break and a name runs into the next word. A capitalised
Latin token that no index key holds is cut where a capitalised word sentences open with starts
inside it (LvivThe -> Lviv + The; not a brand's own capital: RegioNews), or before a trailing
English function word (Andrivkaand -> Andrivka + and), when the part left is a word of some
listed name or is shaped like a Slavic place or surname. Words the index or the stop layer know
are never cut (Poland, Iceland, Boston).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from transnorm.text.fold import Token, fold

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index

GLUE_WORDS = ("from", "with", "and", "the", "for", "in", "on", "at", "of", "to")
CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
#: the words a glued next sentence or clause opens with ("LvivThe artist ...")
SENTENCE_OPENERS = frozenset(GLUE_WORDS) | {"a", "an", "this", "he", "she", "it", "they", "we", "but", "as", "after"}
LATIN_RE = re.compile(r"[A-Za-z'’-]+")
#: Slavic place and surname endings in Latin letters: a part shaped like a name without a listed one
NAME_SHAPE_RE = re.compile(r"(?:ivka|yivka|ovka|evka|ske|ivtsi|ychi|enko|chuk|iuk|yuk|ov|ova|ev|eva|sky|skyi|ska)$")
MIN_PART = 4  # letters the name part keeps


def split_glued(tokens: list[Token], index: "Index") -> list[Token]:
    """`tokens` with every glued name cut in two (the same list when none is)."""
    out: list[Token] | None = None
    for i, t in enumerate(tokens):
        cut = _cut(t, index)
        if cut is None:
            if out is not None:
                out.append(t)
            continue
        if out is None:
            out = list(tokens[:i])
        k = cut
        out.append(Token(t.start, t.start + k, t.text[:k], fold(t.text[:k]), t.joined))
        out.append(Token(t.start + k, t.end, t.text[k:], fold(t.text[k:]), False))
    return tokens if out is None else out


def _cut(t: Token, index: "Index") -> int | None:
    """Where to cut a glued token, or None."""
    text = t.text
    if len(text) < MIN_PART + 2 or not text[:1].isupper() or not LATIN_RE.fullmatch(text):
        return None
    words = index.words()
    if t.key in words or t.key in index.stop:
        return None
    m = CAMEL_RE.search(text)
    if m is not None and m.start() >= MIN_PART:  # not a brand's own capital: RegioNews, YouTube
        k = m.start()
        return k if text[k:].lower() in SENTENCE_OPENERS and fold(text[:k]) in words else None
    low = text.lower()
    for w in GLUE_WORDS:
        if low.endswith(w) and len(text) - len(w) >= MIN_PART:
            left = text[: len(text) - len(w)]
            if fold(left) in words or NAME_SHAPE_RE.search(left.lower()):
                return len(left)
            return None
    return None


_PREFIX_RES: dict[int, tuple[set[str], re.Pattern]] = {}


def _prefix_re(prefixes: set[str]) -> re.Pattern:
    """A prefix hyphened to a word anywhere in a text (most texts have none); one per lexicon."""
    got = _PREFIX_RES.get(id(prefixes))
    if got is None or got[0] is not prefixes:
        alts = "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
        got = _PREFIX_RES[id(prefixes)] = (prefixes, re.compile(rf"(?<!\w)(?:{alts})-\w", re.IGNORECASE))
    return got[1]


def join_prefixed(text: str, tokens: list[Token], index: "Index") -> list[Token]:
    """`tokens` with a name prefix hyphened to the next word joined to it ("Novo-Andriyivka",
    "Ново-Олександрівка") when the index knows the joined name and not the two words apart."""
    prefixes = index.lexicon.name_prefixes
    if not prefixes or "-" not in text or not _prefix_re(prefixes).search(text):
        return tokens
    out: list[Token] | None = None
    skip = False
    for i, t in enumerate(tokens):
        if skip:
            skip = False
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) and t.key in prefixes else None
        joined = fold(t.text + nxt.text.lower()) if nxt is not None and text[t.end:nxt.start] == "-" \
            and nxt.text[:1].isupper() else None
        if joined is not None and index.lookup(joined) and not index.lookup(f"{t.key} {nxt.key}"):
            out = list(tokens[:i]) if out is None else out
            out.append(Token(t.start, nxt.end, text[t.start:nxt.end], joined, t.joined))
            skip = True
            continue
        if out is not None:
            out.append(t)
    return tokens if out is None else out
