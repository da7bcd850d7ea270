"""Folding: one key for every way a name is written.

Text and gazetteer names are folded the same way, token by token, so that
"Zaporizhzhia"/"Zaporizhzhya", "Kharkiv"/"Harkiv", "Chyragan"/"Çırağan" and
"Kam'ianske"/"Kamianske" meet on one key. The rules are data (FOLD_RULES) applied by a
tiny engine; keep them ordered: longer digraphs first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters that must become digraphs *before* diacritics are stripped (ç would become c).
PRE_STRIP = {
    "ç": "ch", "č": "ch", "ş": "sh", "š": "sh", "ș": "sh", "ž": "zh", "ı": "i",
    "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d",
    "ё": "е", "ґ": "г",
}
# Apostrophes, soft and hard signs, primes: they carry no identity in a name.
DROPPED = "'’ʼ`´ʹʻ‘″ьъЬЪ\u0301"
# Transliteration pairs, applied in order to Latin text after diacritics are stripped.
# The upper-case markers keep one pass from re-reading its own output ("shch" is not "s" +
# "hch"); the final lower-casing then lets "sh"/"s", "zh"/"z" and "ch"/"c"/"ts" meet, like
# "kh"/"h" and "y"/"i"/"j". That leniency is measured, not an accident: keeping the hissing
# pairs apart (Shumy vs Sumy) cost recall on the real-text dev set (Kolodyazh for Kolodiaz,
# German Tschernihiw) and fixed no link there; resolve.py and the stop layer carry precision.
FOLD_RULES: tuple[tuple[str, str], ...] = (
    ("shch", "Š"), ("sch", "Š"), ("sz", "S"),
    ("kh", "h"), ("zh", "Z"), ("ch", "C"), ("sh", "S"), ("tch", "C"),
    ("ts", "c"), ("tz", "c"), ("cz", "C"),
    ("w", "v"), ("x", "ks"), ("q", "k"),
    ("y", "i"), ("j", "i"),
    ("iie", "ie"), ("ii", "i"), ("ie", "e"), ("ye", "e"),
)
_RULE_RE = re.compile("|".join(re.escape(a) for a, _ in FOLD_RULES))
_RULE_MAP = dict(FOLD_RULES)
_PRE_RE = re.compile("|".join(map(re.escape, PRE_STRIP)))
_DROP_TABLE = {ord(c): None for c in DROPPED}
_DOUBLE_RE = re.compile(r"([a-zA-ZŠ])\1+")


# Combining marks of the BMP (what NFKD splits off letters): dropped with one str.translate.
_MARKS_TABLE = {cp: None for cp in range(0x300, 0x10000) if unicodedata.combining(chr(cp))}
_LATIN_RE = re.compile("[a-z]")
_CYRILLIC_ONLY_RE = re.compile("[\u0430-\u044f\u0454\u0456\u0457\u045e ]+")  # lower-case, no ё ґ (PRE_STRIP)


def _step(token: str) -> str:
    if token.isascii():  # most tokens: nothing to normalise, no PRE_STRIP letter, no mark
        s = _RULE_RE.sub(_rule, token.lower().translate(_DROP_TABLE))
        return _DOUBLE_RE.sub(r"\1", s).lower()
    # NFC first: "ç" typed as c + U+0327 (decomposed, NFD) must meet PRE_STRIP like "ç" does.
    s = unicodedata.normalize("NFC", token).lower().translate(_DROP_TABLE)
    s = _PRE_RE.sub(lambda m: PRE_STRIP[m.group()], s)
    s = unicodedata.normalize("NFKD", s).translate(_MARKS_TABLE)
    if s.isascii() or _LATIN_RE.search(s):
        s = _RULE_RE.sub(_rule, s)
        s = _DOUBLE_RE.sub(r"\1", s)  # Zaporizhzhia/Zaporizhia, Kryvyi/Kryvii
    return s.lower()


def _rule(m: re.Match) -> str:
    return _RULE_MAP[m.group()]


@lru_cache(maxsize=500_000)
def fold(token: str) -> str:
    """Fold one token (or a whole name) to its matching key.

    The rules run to a fixed point, so fold(fold(x)) == fold(x) by construction.
    """
    for _ in range(8):
        nxt = _step(token)
        if nxt == token or _CYRILLIC_ONLY_RE.fullmatch(nxt):
            return nxt  # (a step's output in Cyrillic letters only is a fixed point: no rule sees it)
        token = nxt
    return token


def _mark_class() -> str:
    """Combining marks (Unicode categories Mn, Mc, Me) of the BMP, as a regex class body."""
    ranges: list[list[int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)


# A word: letters/digits, with inner apostrophes (Kam'ianske, Мар'їнка) but not an
# English possessive ('s at the end of a word stays outside the name). Combining marks
# belong to the letter before them (\w alone does not match them), so decomposed text
# ("Київ" as К-и-і-U+0308-в, as macOS often writes it) is one word, never cut mid-letter.
_W = rf"\w[\w{_mark_class()}]*"
WORD_RE = re.compile(rf"{_W}(?:['’ʼ`](?!s\b){_W})*", re.UNICODE)
# What may stand between two words of one name: spaces/tabs (no line break) or a hyphen.
JOIN_RE = re.compile(r"[ \t\u00a0]*[-‐‑–][ \t\u00a0]*|[ \t\u00a0]+|\.[ \t\u00a0]+")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    key: str  # folded
    joined: bool  # True if it may continue the name started by the previous token


# Token's slot setters: tokenize makes tens of thousands of Tokens per document, and a frozen
# dataclass's __init__ (object.__setattr__ per field) costs about twice as much.
_NEW_TOKEN = object.__new__
_SET_START, _SET_END, _SET_TEXT, _SET_KEY, _SET_JOINED = (
    Token.__dict__[f].__set__ for f in ("start", "end", "text", "key", "joined"))


def tokenize(text: str) -> list[Token]:
    """Split text into word tokens with str offsets and folded keys."""
    out: list[Token] = []
    append, join_match = out.append, JOIN_RE.fullmatch
    prev_end = -1
    prev_len = 0
    for m in WORD_RE.finditer(text):
        start, end = m.span()
        if prev_end < 0:
            joined = False
        else:
            gap = text[prev_end:start]
            joined = gap == " " or join_match(gap) is not None  # one space: most gaps
            if joined and "." in gap and prev_len > 3:  # "St. Petersburg", not "Kyiv. Then"
                joined = False
            elif gap == "." and prev_len == 1 and (end - start == 1 or (
                    text[prev_end - 1].isupper() and text[start].isupper())):
                joined = True  # initialisms (U.S., В.А.) and an initial glued to its surname (Т.Шевченка)
        word = m.group()
        t = _NEW_TOKEN(Token)  # = Token(start, end, word, fold(word), joined)
        _SET_START(t, start)
        _SET_END(t, end)
        _SET_TEXT(t, word)
        _SET_KEY(t, fold(word))
        _SET_JOINED(t, joined)
        append(t)
        prev_end, prev_len = end, end - start
    return out


@lru_cache(maxsize=100_000)  # the same candidate spans and canonicals come back in every document
def fold_name(name: str) -> str:
    """Fold a multiword name the way the scanner sees it: folded tokens joined by spaces."""
    return " ".join(t.key for t in tokenize(name))


def fold_words(name: str) -> str:
    """fold_name without building Token objects: the same keys, for the index build's ~10^6 names."""
    return " ".join([fold(w) for w in WORD_RE.findall(name)])


def letter_count(s: str) -> int:
    return sum(c.isalpha() for c in s)


_CYRILLIC_BLOCK_RE = re.compile("[\u0400-\u04ff]")


def is_cyrillic(s: str) -> bool:
    """Any letter of the basic Cyrillic block (the letters Russian and Ukrainian names use)."""
    return _CYRILLIC_BLOCK_RE.search(s) is not None
