"""Russian and Ukrainian spellings of one place name: a shared key, and a Ukrainian reconstruction.

Russian news about Ukraine writes Ukrainian villages in their Russian form: Богдановка for
Богданівка, Белогоровка for Білогорівка, Приволье for Привілля, Нескучное for Нескучне. The
letters differ in regular ways (и/і/ї, е/є/і, ы/и, о/і in the last closed syllable, -ое/-е,
-ская/-ська, -ье/-лля), so:

* `cross_key` (a Russian spelling) and `cross_keys` (a Ukrainian one) meet: е/є/э, и/ы/ї
  and о each keep a class, Ukrainian і is read as any of the three, Russian endings become
  the Ukrainian ones (-ое/-е, -ая/-а, -ье/-я, final -о/-е), soft signs and apostrophes go,
  doubled letters are single. It only finds candidates: the caller keeps Ukrainian places.
* `uk_from_ru` rewrites a Russian name the way the Ukrainian one is most often written
  (Миролюбовка -> Миролюбівка, Нескучное -> Нескучне, Ивановка -> Іванівка), for a proposal
  when no gazetteer name matches; a reviewer confirms it (never an automatic rewrite).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, Mapping, Sequence

# Letters that stay the same class in both languages. Ukrainian і stands where Russian writes
# е (Біла/Белая), и (Іванівка/Ивановка) or о (Богданівка/Богдановка): it is expanded to all
# three on the Ukrainian side (`cross_keys`), so the Russian side needs one key only.
_CLASS = str.maketrans({
    "е": "Е", "є": "Е", "э": "Е", "ё": "Е", "и": "И", "ы": "И", "ї": "И", "о": "О",
    "я": "а", "ю": "у", "ґ": "г", "й": "И",
    "ь": None, "ъ": None, "'": None, "’": None, "ʼ": None, "`": None,
})
_I_OPTIONS = ("Е", "И", "О")
MAX_EXPANSIONS = 27  # a name with more than three і keeps the first three expanded
_DOUBLE_RE = re.compile(r"(.)\1+")
_RU_ENDINGS_RE = re.compile(r"(?:ь[еяи]|ое|ее|ая|яя|ый|ой|ий|ие|ые)$")
_RU_ENDING_MAP = {"ье": "я", "ья": "я", "ьи": "и", "ое": "е", "ее": "е", "ая": "а", "яя": "я",
                  "ый": "ий", "ой": "ий", "ий": "ий", "ие": "и", "ые": "и"}
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")


def _ending(w: str) -> str:
    """Russian adjective and -ье endings to the Ukrainian ones; a final -о is the Ukrainian -е
    (Иваново/Іванове, Зыбино/Зибине)."""
    m = _RU_ENDINGS_RE.search(w)
    if m:
        w = w[: m.start()] + _RU_ENDING_MAP[m.group()]
    elif w.endswith("о") and len(w) > 3:
        w = w[:-1] + "е"
    return w


@lru_cache(maxsize=200_000)
def cross_word(word: str) -> str:
    """The cross-language key of one Russian word (lower-cased here); і counts as и."""
    w = _ending(word.lower()).replace("і", "и")
    return _DOUBLE_RE.sub(r"\1", w.translate(_CLASS))


def cross_key(name: str) -> str:
    """The key of a Russian spelling: Богдановка, Белогоровка, Приволье, Кривой Рог."""
    return " ".join(cross_word(w) for w in _WORD_RE.findall(name))


@lru_cache(maxsize=200_000)
def _uk_word_keys(word: str) -> tuple[str, ...]:
    w = word.lower()
    slots = [i for i, c in enumerate(w) if c == "і"][:3]
    out = []
    for n in range(len(_I_OPTIONS) ** len(slots)):
        chars = list(w)
        for k, i in enumerate(slots):
            chars[i] = _I_OPTIONS[(n // len(_I_OPTIONS) ** k) % len(_I_OPTIONS)]
        s = "".join(chars).replace("і", "И").translate(_CLASS)
        out.append(_DOUBLE_RE.sub(r"\1", s))
    return tuple(dict.fromkeys(out))


def cross_keys(name: str) -> set[str]:
    """Every key a Ukrainian (or any Cyrillic) spelling may meet a Russian one on:
    Богданівка, Білогорівка, Привілля, Кривий Ріг (each і read as е, и or о)."""
    per = [_uk_word_keys(w) for w in _WORD_RE.findall(name)]
    out = {""}
    for opts in per:
        out = {f"{a} {b}".strip() for a in out for b in opts}
        if len(out) > MAX_EXPANSIONS:
            out = set(sorted(out)[:MAX_EXPANSIONS])
    return out - {""}


# Russian endings and their usual Ukrainian counterparts, longest first, per word.
_RU_UK_ENDINGS: tuple[tuple[str, str], ...] = (
    ("еевка", "іївка"), ("ёвка", "івка"), ("евка", "івка"), ("овка", "івка"),
    # Podillia's plural names: Ревковцы -> Ревківці, Дунаевцы -> Дунаївці, Ярмолинцы -> Ярмолинці
    ("овцы", "івці"), ("евцы", "івці"), ("ёвцы", "івці"), ("цы", "ці"),
    ("ическое", "ічне"), ("ическая", "ічна"), ("ический", "ічний"),
    # adjectives of a name in -ов/-ев keep its Ukrainian -ів: Новотошковское -> Новотошківське
    ("овское", "івське"), ("евское", "івське"), ("ёвское", "івське"), ("овская", "івська"), ("евская", "івська"),
    ("ёвская", "івська"), ("овский", "івський"), ("евский", "івський"), ("ёвский", "івський"),
    ("цкое", "цьке"), ("ское", "ське"), ("цкая", "цька"), ("ская", "ська"), ("цкий", "цький"), ("ский", "ський"),
    ("ое", "е"), ("ее", "є"), ("ая", "а"), ("яя", "я"), ("ый", "ий"), ("ой", "ий"), ("ие", "і"), ("ые", "і"),
    ("полье", "пілля"), ("ьёво", "йове"), ("ово", "ове"), ("ево", "еве"), ("ёво", "ьове"),
    ("ино", "ине"), ("ыно", "ине"),
    ("поль", "піль"), ("ск", "ськ"), ("цк", "цьк"), ("ов", "ів"), ("ев", "ів"), ("ёв", "ів"),
)
# stems whose о stays in Ukrainian before -ське: Покровское -> Покровське, Московская -> Московська
_KEEP_O = ("покров", "москов")
_RU_UK_LETTERS = str.maketrans({"ы": "и", "э": "е", "ъ": "'"})
_VOWELS = set("аеиоуюяєіїё")
_LABIALS = set("бпвмфр")  # before я/ю/є/ї Ukrainian writes an apostrophe after these, not a soft sign
# -ье: Ukrainian doubles the consonant (Приволье -> Приволля, Заречье -> Заречча, Полесье ->
# Полесся), or writes an apostrophe after a labial or р (Приазовье -> Приазов'я, Подгорье -> Подгор'я)
_SOFT_E_END_RE = re.compile(r"([бвгджзклмнпрстфхцчшщ])ь[ея]$")
# a soft sign before the Ukrainian і the ending rules wrote: after a labial or р it is an
# apostrophe and ї (Юрьевка -> Юр'ївка, Соловьевка -> Солов'ївка), otherwise it goes (Васильевка -> Василівка)
_SOFT_I_RE = re.compile(r"([бпвмфр])ьі|ьі")
_I_AFTER_VOWEL_RE = re.compile(r"(?<=[аеиоуяюєії'])і")
# Мариуполь -> Маріуполь, Змиевка -> Зміївка; the prefix при- keeps its и (Приозёрное -> Приозерне)
_I_BEFORE_VOWEL_RE = re.compile(r"(?<!^пр)и(?=[аеоуяюєії])")
_APOSTROPHE_RE = re.compile(r"(^|[аеиоуяюєії])([бпвмф])(?=[яюєї])")  # Пятихатки -> П'ятихатки
_DOUBLE_S_RE = ((re.compile("сськ"), "ськ"), (re.compile("чськ"), "цьк"))  # Черкасский, Маневичский


def _soft_e_end(m: re.Match) -> str:
    c = m.group(1)
    return c + "'я" if c in _LABIALS else c + c + "я"


def _name_stem(low: str, stems: Mapping[str, str]) -> str:
    """A Russian forename stem at the start of the word, or after a compound's "Ново-", "Старо-"
    (Николаевка -> Миколаївка, Новоалександровка -> Новоолександрівка), in its Ukrainian form."""
    for pos in (0, *(i for i in range(4, len(low) - 3) if low[i - 1] in "ое")):
        for n in range(min(len(low) - pos, 12), 3, -1):
            uk = stems.get(low[pos:pos + n] + "~")
            if uk is not None:
                return low[:pos] + uk + low[pos + n:]
    return low


def _uk_word(word: str, translated: Mapping[str, str] | None = None) -> str:
    low = word.lower()
    if translated and (uk := _translated(low, translated)) is not None:
        return _recase(word, uk)
    stemmed = _name_stem(low, translated) if translated else low
    for ru, uk in _RU_UK_ENDINGS:
        if stemmed.endswith(ru) and len(stemmed) > len(ru) + 1:
            if ru[:2] in ("ов", "ев") and (stemmed[: -len(ru)] + ru[:2]).endswith(_KEEP_O):
                continue
            stemmed = stemmed[: -len(ru)] + uk
            break
    else:
        stemmed = _SOFT_E_END_RE.sub(_soft_e_end, stemmed)
    low = stemmed
    out = []
    for i, c in enumerate(low):
        if c == "ё":
            out.append("йо" if i == 0 or low[i - 1] in _VOWELS or low[i - 1] == "ь" else "е")
        elif c == "и" and i == 0:
            out.append("і")  # Ивановка -> Іванівка, Ильинка -> Іллінка (first letter only)
        elif c == "е" and (i == 0 or low[i - 1] in _VOWELS):
            out.append("є")  # Елизаветовка -> Єлизаветівка
        else:
            out.append(c)
    s = "".join(out).translate(_RU_UK_LETTERS).replace("ьйо", "йо")
    s = _SOFT_I_RE.sub(lambda m: m.group(1) + "'ї" if m.group(1) else "і", s)  # Харьків -> Харків
    s = _I_BEFORE_VOWEL_RE.sub("і", s)
    s = _I_AFTER_VOWEL_RE.sub("ї", s)  # Николаівка -> Николаївка, Дунаєвці -> Дунаївці
    s = _APOSTROPHE_RE.sub(r"\1\2'", s)
    for rx, rep in _DOUBLE_S_RE:
        s = rx.sub(rep, s)
    return _recase(word, s)


def _recase(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


def uk_from_ru(name: str, translated: Mapping[str, str] | None = None) -> str:
    """A Ukrainian spelling of a Russian place name, by the usual correspondences.

    Миролюбовка -> Миролюбівка, Фиголевка -> Фиголівка, Нескучное -> Нескучне, Терновая ->
    Тернова, Ивановка -> Іванівка, Зыбино -> Зибине. A guess: translated names (Западное for
    Західне) and stem vowels (Белогоровка for Білогорівка) come out wrong, so callers prefer a
    gazetteer name found through `cross_key` and send a reconstruction to review.
    """
    parts = re.split(r"([\s-]+)", name)
    return "".join(_uk_word(p, translated) if _WORD_RE.fullmatch(p or "-") else p for p in parts)


_RU_ADJECTIVE_ENDINGS = {"ый": "ий", "ой": "ий", "ий": "ій", "ая": "а", "яя": "я", "ое": "е", "ее": "є",
                         "ие": "і", "ые": "і"}


def _translated(low: str, translated: Mapping[str, str]) -> str | None:
    """The Ukrainian word for a Russian toponym word the Ukrainian name translates: a whole word
    ("колодец" -> "колодязь") or an adjective stem with its ending ("западное" -> "західне")."""
    if low in translated:
        return translated[low]
    for end, uk_end in _RU_ADJECTIVE_ENDINGS.items():
        base = low[: -len(end)]
        if low.endswith(end) and (stem := translated.get(base + "-")) is not None:
            return stem[:-1] + ("ий" if end == "ий" and base[-1:] in "кгхжшчщ" else uk_end)  # Октябрьский
    return None


# The other way: a Russian place written in Ukrainian letters (Сизрань, Єлабуга, Всеволожськ,
# Альметьєвськ in Ukrainian news) back to its Russian spelling, which is the one the gazetteer
# holds (Сызрань, Елабуга, Всеволожск, Альметьевск). Letter for letter, so the Ukrainian case
# ending stays and the Russian dictionary can read it (Сизрані -> Сызрани -> Сызрань).
_UK_RU_LETTERS = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г",
                                "'": None, "’": None, "ʼ": None, "`": None})
# Ukrainian и is Russian и (Липецьк, Новоселиця) or ы (Сизрань, Рибінськ); never ы after these.
_UK_Y_RE = re.compile(r"(?<![гкхжчшщцаеиоуяюєії'’ʼ`])и")
_UK_SOFT_SUFFIX_RE = re.compile(r"([сцз])ьк")  # -ськ, -цьк, -зьк: Russian -ск, -цк, -зк
_UK_ADJ_Y_RE = re.compile(r"(?<![гкхжчшщц])ий$")  # Красний -> Красный, but Нижній, Великий stay
# Ukrainian -ов after a hushing consonant, and -ьов, are Russian -ёв: Слащов/Слащёв, Ковальов/Ковалёв
_UK_YO_RE = re.compile(r"(?<=\w\w)(ь|[жчшщ])ов(а?)$")
MAX_Y_SLOTS = 3  # и that may be ы: a word with more keeps the rest as и


def _ru_letters(w: str) -> str:
    if w.startswith("е"):
        w = "э" + w[1:]  # Еліста -> Элиста
    return _UK_SOFT_SUFFIX_RE.sub(r"\1к", w.translate(_UK_RU_LETTERS))


@lru_cache(maxsize=100_000)
def ru_spellings(word: str) -> tuple[str, ...]:
    """The Russian spellings one word of a Russian name written the Ukrainian way may have
    (lower case out), each Ukrainian и read as и or ы: Сизрані -> (сизрани, сызрани),
    Всеволожську -> (всеволожску,), Троїцьк -> (троицк,). Only lookup keys: the caller keeps
    what the gazetteer knows."""
    low = word.lower()
    slots = [m.start() for m in _UK_Y_RE.finditer(low)][:MAX_Y_SLOTS]
    return tuple(dict.fromkeys(_ru_letters(v) for v in letter_choices(low, slots, "ы")))


def letter_choices(word: str, slots: Sequence[int], letter: str) -> Iterator[str]:
    """`word` with `letter` written at each subset of the positions `slots`, the empty subset
    (the word as it is) first: the spellings a letter two languages write alike may stand for."""
    for n in range(2 ** len(slots)):
        chars = list(word)
        for k, i in enumerate(slots):
            if n >> k & 1:
                chars[i] = letter
        yield "".join(chars)


# Ukrainian endings of a place name and the Russian ones (after the letters): adjectives, and the
# і of a closed last syllable, which is Russian о (Гончарівка/Гончаровка, Щигрів/Щигров).
_UK_RU_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ске", "ское"), ("цке", "цкое"), ("ска", "ская"), ("цка", "цкая"), ("ивка", "овка"), ("ив", "ов"),
)


def _yo(m: re.Match) -> str:
    return ("" if m.group(1) == "ь" else m.group(1)) + "ёв" + m.group(2)


def ru_name_from_uk(name: str) -> str:
    """The likeliest Russian spelling of a Russian place name written in Ukrainian (nominative
    in): Узміно -> Узмино, Покровське -> Покровское, Красний Бор -> Красный Бор. For a proposal
    when the gazetteer lacks the place; a reviewer confirms it."""
    def word(w: str) -> str:
        low = _UK_YO_RE.sub(_yo, _ru_letters(_UK_ADJ_Y_RE.sub("ый", w.lower())))
        for uk_end, ru_end in _UK_RU_ENDINGS:
            if low.endswith(uk_end):
                low = low[: -len(uk_end)] + ru_end
                break
        return _recase(w, low)

    parts = re.split(r"([\s-]+)", name)
    return "".join(word(p) if _WORD_RE.fullmatch(p or "-") else p for p in parts)
