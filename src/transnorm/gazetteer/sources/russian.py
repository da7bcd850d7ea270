"""Russian names of Ukrainian places, derived from the Ukrainian name where no source has one.

Letter and ending correspondences (і -> и/е, -ський -> -ский, -івка -> -овка) give candidates;
one is kept only when pymorphy3's Russian dictionary knows it or a hint confirms it, so an
unchecked guess never becomes a gazetteer name.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Iterable

from transnorm.gazetteer.sources.names import UK_ONLY, fold_latin

#: Letter correspondences tried when deriving a Russian spelling from a Ukrainian one; the
#: first option is the plain mapping. Candidates are then checked against the official
#: romanisation (ISO 3166-2 names of Russian subjects are BGN/PCGN-romanised Russian) or the
#: Russian dictionary (pymorphy3), so wrong guesses are discarded, not used.
UK_RU_LETTERS = {
    "і": ("и", "о", "е"),  # Харків/Харьков, Рівне/Ровно, Дніпро/Днепр
    "ї": ("и", "е", "йи"),  # Київ/Киев
    "є": ("е", "э"),
    "и": ("и", "ы"),  # Калмикія/Калмыкия
    "е": ("е", "э", "и"),  # Марій Ел/Марий Эл, Чернівецька/Черновицкая
    "ґ": ("г",),
    "'": ("ъ", "ь", ""), "’": ("ъ", "ь", ""), "ʼ": ("ъ", "ь", ""),
}


#: word endings: Ukrainian adjective suffix -> Russian options
UK_RU_ENDINGS = (
    ("зька", ("жская", "зская", "гская")),  # Запорізька/Запорожская, Оренбурзька/Оренбургская
    ("зький", ("жский", "зский", "гский")),
    ("цька", ("цкая",)), ("цький", ("цкий",)),
    ("ська", ("ская", "сская", "шская")),  # Одеська/Одесская, Чуваська/Чувашская
    ("ський", ("ский", "сский", "шский")),
)


#: endings of other adjectives, tried only in multi-word names ("автономна область"), where
#: a single word is more likely a noun (Утена is not утиная)
UK_RU_ADJ_ENDINGS = (("на", ("ная", "на")), ("ний", ("ный", "ний")), ("ка", ("кая", "ка")))


#: Russian noun ending -> adjective ending, to turn a centre city's Russian name into the
#: oblast adjective (Николаев -> Николаевская).
RU_NOUN_TO_ADJ = (
    ("цк", "цкая"), ("ск", "ская"), ("ий", "ая"), ("ца", "цкая"), ("цы", "ицкая"), ("ье", "ская"),
    ("сса", "сская"), ("ссы", "сская"), ("а", "ская"), ("ы", "ская"), ("о", "ская"), ("", "ская"),
)
_MAX_CANDIDATES = 512


@lru_cache(maxsize=1)
def _morph_ru():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _ru_word_known(word: str) -> bool:
    return _morph_ru().word_is_known(word.lower().replace("ё", "е"))


def _word_candidates(word: str, multiword: bool = False) -> list[str]:
    low = word.lower()
    stem, ending_opts = low, ("",)
    for uk_end, ru_opts in UK_RU_ENDINGS + (UK_RU_ADJ_ENDINGS if multiword else ()):
        if low.endswith(uk_end) and len(low) > len(uk_end) + 1:
            stem, ending_opts = low[: -len(uk_end)], ru_opts
            break
    letter_opts = [UK_RU_LETTERS.get(ch, (ch,)) for ch in stem]
    out = []
    for combo in itertools.islice(itertools.product(*letter_opts), _MAX_CANDIDATES):
        s = "".join(combo)
        for e in ending_opts:
            out.append(s + e)
    return list(dict.fromkeys(out))


def _recase(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    # keep capitals at the same word-part starts (Ивано-Франковская)
    parts_t, parts_w = template.split("-"), word.split("-")
    if len(parts_t) == len(parts_w):
        return "-".join(w[:1].upper() + w[1:] if t[:1].isupper() else w for t, w in zip(parts_t, parts_w))
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


def _adjectives_from_nouns(nouns: Iterable[str], masculine: bool) -> list[str]:
    out = []
    for noun in nouns:
        low = noun.lower()
        for end, adj in RU_NOUN_TO_ADJ:
            if low.endswith(end):
                base = low[: len(low) - len(end)] if end else low
                form = base + adj
                if masculine:
                    form = form[:-2] + "ий"
                out.append(form)
                break
    return out


def derive_ru_name(uk_name: str, romanized: str | None = None, hints: Iterable[str] = ()) -> str | None:
    """Russian spelling of a Ukrainian-language name, or None when it cannot be checked.

    Each word's candidates (letter and suffix correspondences, plus adjectives formed from
    `hints`, the Russian names of the centre city, best first) must be confirmed: the
    BGN/PCGN romanisation equals a word of `romanized` (the ISO name of a Russian subject),
    or the Russian dictionary knows the word, or the centre's name confirms the stem
    (Ровно -> Ровненская), or the word is spelled the same in both languages.
    """
    rom_words = {fold_latin(w) for w in re.split(r"[\s,]+", romanized) if w} if romanized else set()
    hints = [h for h in hints if h]
    tokens = uk_name.split()
    out = []
    for token in tokens:
        core = token.strip("()[],.")
        if not core:
            out.append(token)
            continue
        start = token.find(core)
        pre, post = token[:start], token[start + len(core):]
        candidates = _word_candidates(core, multiword=len(tokens) > 1)
        low = core.lower()
        masculine = low.endswith("ий")
        hinted = _adjectives_from_nouns(hints, masculine) if low.endswith(("ька", "ький")) else []
        pool = list(dict.fromkeys(hinted + candidates))
        chosen = None
        if rom_words:
            import iuliia

            chosen = next((c for c in pool if fold_latin(iuliia.BGN_PCGN.translate(c)) in rom_words), None)
        if chosen is None:
            chosen = next((c for c in pool if _ru_word_known(c)), None)
        if chosen is None and hints:
            # the centre city's Russian name confirms the stem: Ровно -> Ровненская
            stems = [h.lower()[:-1] for h in hints[:1] if len(h) >= 4]
            chosen = next((c for c in candidates if any(c.startswith(st) for st in stems)), None)
        if chosen is None and len(candidates) == 1 and not (set(low) & (UK_ONLY | set("иеʼ'’"))):
            chosen = candidates[0]  # spelled the same in both languages (Москва, Алтай)
        if chosen is None:
            return None
        out.append(pre + _recase(core, chosen) + post)
    return " ".join(out)
