"""The Ukrainian spelling behind a Russian-press spelling of a Ukrainian surname (Ризнык -> Різник,
Диденко -> Діденко), for people a Russian text names: their English form is KMU of that spelling."""
from __future__ import annotations

import re

from transnorm.text.crosslang import letter_choices
from transnorm.text.morph import analyzer

_PHONETIC = str.maketrans({"и": "і", "ы": "и", "И": "І", "Ы": "И", "э": "е", "Э": "Е", "ъ": "'"})
_ESTABLISHED = str.maketrans({"ы": "и", "Ы": "И", "э": "е", "Э": "Е", "ъ": "'"})


def ukrainian_surname(surname: str) -> str:
    """The Ukrainian spelling behind a Russian-press spelling of a Ukrainian surname. Russian
    writes most Ukrainian surnames letter for letter (Крищенко, Калитко: и is и), but a press that
    transcribes by ear writes і as и and и as ы (Ризнык for Різник): a ы says which one it is."""
    table = _PHONETIC if "ы" in surname.lower() else _ESTABLISHED
    out = re.sub(r"ь?ё", "ьо", surname.translate(table)).replace("Ё", "Йо")
    if table is _PHONETIC:
        return out
    # Russian has no ій: inside a Ukrainian surname its ий is ій (Коломийчук, Андрийчук, Матвийчук)
    out = re.sub(r"ий(?=[^\W\d_])", "ій", out)
    return _dictionary_i(out)


MAX_I_SLOTS = 3  # и that may be і: a longer surname keeps the rest as written


def _dictionary_i(surname: str) -> str:
    """Russian writes a Ukrainian і as и (Диденко for Діденко, Кушниренко for Кушніренко): when
    the Ukrainian dictionary does not know the surname as written but knows exactly one spelling
    with some и as і, that one. Both known (Симоненко, Сімоненко): as written."""
    an = analyzer("uk")
    low = surname.lower()
    slots = [i for i, c in enumerate(low) if c == "и"][:MAX_I_SLOTS]
    if not slots or an.word_is_known(low):
        return surname
    known = [c for c in letter_choices(low, slots, "і") if c != low and an.word_is_known(c)]
    if len(known) != 1:
        return surname
    return "".join(c.upper() if o.isupper() else c for o, c in zip(surname, known[0]))
