"""Latin spellings of Cyrillic (and Turkish) names, as people actually write them.

The gazetteer stores a name once in Cyrillic; news and machine translations spell it in
many romanisations (Kharkiv, Kharkov, Khar'kov, Charkiv...). These functions produce that
set from the transliteration libraries, so the index can match any of them:

* Ukrainian: ``translitua`` (KMU 2010, the national/passport tables, BGN/PCGN, British,
  ALA-LC, GOST, "simple" ASCII).
* Russian: ``iuliia`` (Wikipedia, BGN/PCGN, ICAO, GOST 7.79, Moscow metro, MVD, ALA-LC,
  Yandex...), ``translitua`` (Russian ICAO, passport, driver licence) and ``transliterate``.
* Turkish names seen through Russian (Çırağan -> Чыраган -> Chyragan): no library does this,
  so it is a small rule table (``TURKISH_RULES``).

Every variant also comes in a "plain" form without soft-sign marks, apostrophes and
diacritics (Khar'kov -> Kharkov, Mȳkolayiv -> Mykolayiv), because that is how they appear
in ASCII text. No output contains Cyrillic letters.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import warnings
from functools import lru_cache

import iuliia
import transliterate
import translitua

# --- schemes -----------------------------------------------------------------------------

#: KMU 2010 letter for letter (no word-initial forms), for stems and endings rather than words:
#: "городнянськ" -> horodniansk, "івка" -> ivka; the signs and apostrophes go, Russian ы/э read too.
KMU_LETTERS = str.maketrans(translitua.UkrainianKMU.MAIN_TRANSLIT_TABLE
                            | {"ь": "", "'": "", "’": "", "ы": "y", "э": "e"})

#: translitua tables for Ukrainian, KMU 2010 first (the official one, used by Ukrainian
#: authorities and most English-language media since 2010).
UK_TABLES = (
    translitua.UkrainianKMU,  # Kharkiv, Zaporizhzhia, Mykolaiv (also = BGN 2019, UNGEGN 2012)
    translitua.UkrainianNational1996,  # Zelens'kyi
    translitua.UkrainianPassport2007,  # Ienakiieve, Iurii (no word-initial Ye/Yu)
    translitua.UkrainianALALCModified,  # Library of Congress without diacritics
    translitua.UkrainianALALC,  # with ligature ties/diacritics (plain form is useful)
    translitua.UkrainianBGN,  # pre-2019 BGN/PCGN: Mykolayiv, Zaporizhzhya, Kyyiv
    translitua.UkrainianBritish,  # Zaporizhzhya, Kamyanets
    translitua.UkrainianSimple,  # ad-hoc ASCII: Zaporizhzhja, Jurij
    translitua.UkrainianGOST1971,  # Soviet-era: Mikolajiv
    translitua.UkrainianFrench,  # Zaporijjia: occurs in French-sourced wires
    translitua.UkrainianGerman,  # Charkiw, Saporishshja: German-sourced wires
)

#: iuliia schemes for Russian, common English (Wikipedia) first.
RU_IULIIA = (
    "WIKIPEDIA",  # Kharkov, Zaporozhye, Zelensky, Yeltsin
    "BGN_PCGN",  # Khar'kov, Zaporozh'ye, Zelenskiy (US/UK gazetteers)
    "BS_2979_ALT",  # British Standard ASCII: Khar'kov, Zelensky
    "ICAO_DOC_9303",  # passports since 2013: Zelenskii, Iurii
    "GOST_779",  # scholarly ISO 9 / GOST 7.79 System A: Zaporožʹe
    "GOST_779_ALT",  # GOST 7.79 System B (ASCII)
    "ALA_LC_ALT",  # Library of Congress without diacritics: Zelenskii
    "MOSMETRO",  # Moscow metro signage: Shchelkovo, Ilyich
    "MVD_310",  # old passports: Zaporozhye, Zelenskiy
    "MVD_782",
    "GOST_52290",  # road signs
    "YANDEX_MAPS",
    "SCIENTIFIC",  # Slavist notation: Xar'kov, Ščëlkovo
)

#: translitua tables for Russian.
RU_TABLES = (
    translitua.RussianICAO,
    translitua.RussianInternationalPassport1997,  # Zaporozh'ye, Zelenskiy
    translitua.RussianInternationalPassport1997Reduced,  # Zelensky, Nizhny
    translitua.RussianDriverLicense,
    translitua.RussianGOST2006,
)

UK_LETTERS = set("іїєґІЇЄҐ")  # letters Russian lacks
RU_LETTERS = set("ыэъёЫЭЪЁ")  # letters Ukrainian lacks

# Marks dropped in the "plain" form: soft/hard-sign renderings and apostrophes.
_MARKS = "'’‘ʼʹʺ′″\"`”“´"
_MARKS_RE = re.compile("[" + re.escape(_MARKS) + "]")
_CYRILLIC_RE = re.compile("[\u0400-\u052f\u2de0-\u2dff\ua640-\ua69f]")
_TOKEN_RE = re.compile(r"(\w+)")


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC_RE.search(text))


def detect_lang(name: str) -> str:
    """'uk' if the name has a letter only Ukrainian uses (і ї є ґ), else 'ru'."""
    return "uk" if any(ch in UK_LETTERS for ch in name) else "ru"


def plain(text: str) -> str:
    """Drop apostrophes/soft-sign marks and diacritics: the form ASCII text uses."""
    text = _MARKS_RE.sub("", text)
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", text)


def _cased(fn, name: str) -> str:
    """Run a transliterator, keeping ALL-CAPS words all caps (libraries give 'KhARKOV')."""
    if not any(t.isupper() and len(t) > 1 for t in _TOKEN_RE.findall(name)):
        return fn(name)
    parts = _TOKEN_RE.split(name)
    out = []
    for part in parts:
        if part.isupper() and len(part) > 1:
            out.append(fn(part.lower()).upper())
        elif _TOKEN_RE.fullmatch(part or " "):
            out.append(fn(part))
        else:
            out.append(part)
    return "".join(out)


@lru_cache(maxsize=None)
def _iuliia_schema(name: str):
    return getattr(iuliia, name)


def _iuliia(scheme: str, text: str) -> str:
    return _iuliia_schema(scheme).translate(text)


def _transliterate_ru(text: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return transliterate.translit(text, "ru", reversed=True)


def _raw_uk(name: str) -> list[str]:
    return [_cased(lambda s, t=t: translitua.translit(s, t), name) for t in UK_TABLES]


def _raw_ru(name: str) -> list[str]:
    out = []
    forms = [name]
    if "ё" in name or "Ё" in name:  # Russian usually writes ё as е: Щелково as well as Щёлково
        forms.append(name.replace("ё", "е").replace("Ё", "Е"))
    for form in forms:
        out += [_cased(lambda s, sc=sc: _iuliia(sc, s), form) for sc in RU_IULIIA]
        out += [_cased(lambda s, t=t: translitua.translit(s, t), form) for t in RU_TABLES]
        out.append(_cased(_transliterate_ru, form))
    return out


@lru_cache(maxsize=65536)
def _latin_variants(name: str, lang: str) -> frozenset[str]:
    raw = _raw_uk(name) if lang == "uk" else _raw_ru(name)
    out: set[str] = set()
    for v in raw:
        v = unicodedata.normalize("NFC", v)
        # ALA-LC ligature ties (t͡s) and other combining marks: nobody types them
        forms = (plain(v),) if any(unicodedata.combining(c) for c in v) else (v, plain(v))
        for form in forms:
            form = " ".join(form.split())
            if form and not has_cyrillic(form):
                out.add(form)
    return frozenset(out)


def latin_variants(name: str, lang: str | None = None) -> set[str]:
    """Every Latin spelling in use for a Cyrillic name (lang 'uk' or 'ru'; else detected).

    Spaces and hyphens are kept; results are distinct, non-empty and Cyrillic-free.
    A name with no Cyrillic in it is returned as is (with its plain form).
    """
    return _variants_with(_latin_variants, name, lang)


def _variants_with(schemes, name: str, lang: str | None) -> set[str]:
    """Run `schemes(name, lang)` on a cleaned Cyrillic name, falling back to the other language."""
    name = " ".join(name.split())
    if not name:
        return set()
    if not has_cyrillic(name):
        return {name, plain(name)} - {""}
    if lang not in ("uk", "ru"):
        lang = detect_lang(name)
    out = set(schemes(name, lang))
    if not out:  # e.g. lang='ru' forced on a Ukrainian spelling that schemes leave Cyrillic
        out = set(schemes(name, "uk" if lang == "ru" else "ru"))
    return out


#: The schemes whose outputs, once folded (fold.fold_name), give every key the full scheme
#: lists give: a greedy set cover measured on 3,000 random GeoNames names plus every
#: curated Cyrillic name per language (the other schemes only ever repeat these keys after
#: folding). The index uses them (key_variants) and builds in about half the time.
UK_KEY_TABLES = (translitua.UkrainianKMU, translitua.UkrainianFrench, translitua.UkrainianGerman,
                 translitua.UkrainianGOST1971, translitua.UkrainianBGN, translitua.UkrainianPassport2007)
RU_KEY_IULIIA = ("WIKIPEDIA", "GOST_779", "GOST_779_ALT", "BGN_PCGN", "ICAO_DOC_9303", "SCIENTIFIC",
                 "MOSMETRO", "BS_2979_ALT")
RU_KEY_TABLES = (translitua.RussianGOST2006,)


@lru_cache(maxsize=65536)
def _key_variants(name: str, lang: str) -> frozenset[str]:
    if lang == "uk":
        raw = [_cased(lambda s, t=t: translitua.translit(s, t), name) for t in UK_KEY_TABLES]
    else:
        raw = []
        forms = [name]
        if "ё" in name or "Ё" in name:
            forms.append(name.replace("ё", "е").replace("Ё", "Е"))
        for form in forms:
            raw += [_cased(lambda s, sc=sc: _iuliia(sc, s), form) for sc in RU_KEY_IULIIA]
            raw += [_cased(lambda s, t=t: translitua.translit(s, t), form) for t in RU_KEY_TABLES]
    out: set[str] = set()
    for v in raw:
        v = unicodedata.normalize("NFC", v)
        for form in ((plain(v),) if any(unicodedata.combining(c) for c in v) else (v, plain(v))):
            form = " ".join(form.split())
            if form and not has_cyrillic(form):
                out.add(form)
    return frozenset(out)


def key_variants(name: str, lang: str | None = None) -> set[str]:
    """Latin spellings of a Cyrillic name that differ once folded: what an index needs.

    Folding (fold.fold_name) maps every latin_variants() spelling to the key of one of these.
    """
    return _variants_with(_key_variants, name, lang)


def propose_english(name: str, lang: str | None = None) -> str:
    """The English spelling to propose for a Cyrillic name the gazetteer lacks.

    Ukrainian: KMU 2010 (the official romanisation, what English media use for Ukraine).
    Russian: the Wikipedia scheme (the common English one: Zelensky, Yeltsin, Zaporozhye).
    """
    name = " ".join(name.split())
    if not has_cyrillic(name):
        return name
    if lang not in ("uk", "ru"):
        lang = detect_lang(name)
    if lang == "uk":
        out = _cased(lambda s: translitua.translit(s, translitua.UkrainianKMU), name)
    else:
        out = _cased(lambda s: _iuliia("WIKIPEDIA", s), name)
        if has_cyrillic(out):  # Ukrainian letters in a "Russian" name
            out = _cased(lambda s: translitua.translit(s, translitua.UkrainianKMU), out)
    return out


# --- Turkish through Russian ----------------------------------------------------------------

#: How each Turkish letter comes back into English: plain ASCII fold first, then the
#: English-phonetic and Russian-mediated spellings (Russian Cyrillic re-romanised with the
#: Wikipedia scheme). A pair (a, b) means "a at word start or after a vowel, b after a
#: consonant": Russian writes ü as ю only after consonants (Üsküdar -> Ускюдар -> Uskyudar).
TURKISH_RULES: dict[str, tuple] = {
    "ç": ("c", "ch"),  # Çırağan -> Ciragan / Chiragan / Chyragan
    "ş": ("s", "sh"),  # Beşiktaş -> Besiktas / Beshiktash
    "ı": ("i", ("i", "y")),  # ı -> ы (y) after consonants in Russian, i elsewhere
    "ğ": ("g", ""),  # Russian writes г (Эрдоган); English often drops it
    "ö": ("o", ("o", "yo")),  # Köprülü -> Kyopryulyu
    "ü": ("u", ("u", "yu")),
    "c": ("c", "dzh", "j"),  # Turkish c is /dʒ/: Cevdet -> Dzhevdet, Jevdet
    "h": ("h", "kh"),  # Russian х: Dolmabahçe -> Dolmabakhche
    "â": ("a",),
    "î": ("i",),
    "û": ("u",),
}
_TR_VOWELS = set("aeıioöuüâîû")
_TR_MAX_VARIANTS = 256


def turkish_variants(name: str) -> set[str]:
    """Latin spellings a Turkish name takes in English, directly or back through Russian.

    Each Turkish letter class (ç, ş, ı, ...) is rendered one way throughout a variant, so a
    name with k special letter classes gives at most the product of their options (capped).
    The input itself is not included unless a rule set reproduces it.
    """
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    if not name:
        return set()
    lowered = name.replace("İ", "i").replace("I", "ı").lower()  # Turkish casing: I -> ı
    positions = [i for i, ch in enumerate(lowered) if ch in TURKISH_RULES]
    classes = sorted({lowered[i] for i in positions})
    # per class, the choices are indices into its rule tuple
    choice_ranges = [range(len(TURKISH_RULES[c])) for c in classes]
    out: set[str] = set()
    for combo in itertools.islice(itertools.product(*choice_ranges), _TR_MAX_VARIANTS):
        pick = dict(zip(classes, combo))
        pieces = []
        for i, ch in enumerate(lowered):
            if ch in pick:
                opts = TURKISH_RULES[ch]
                o = opts[pick[ch]]
                if isinstance(o, tuple):
                    prev = lowered[i - 1] if i else ""
                    o = o[1] if prev.isalpha() and prev not in _TR_VOWELS else o[0]
                rep = o
            else:
                rep = ch
            src = name[i] if i < len(name) else ch
            if src.isupper() and rep:
                rep = rep[0].upper() + rep[1:]
            pieces.append(rep)
        variant = "".join(pieces)
        if name.isupper() and len(name) > 1:
            variant = variant.upper()
        variant = plain(variant)  # fold anything the table does not cover
        if variant:
            out.add(variant)
    return out


@lru_cache(maxsize=65536)  # resolve asks it for the same surface and canonical in document after document
def likeness(written: str, latin: str) -> float:
    """How much `written` (romanised if Cyrillic, inflection and all) looks like the Latin name
    `latin`: the best rapidfuzz ratio of their folded forms, 0-100. "Олександрівку" is ~90 for
    Oleksandrivka and ~20 for Donetsk."""
    from rapidfuzz import fuzz

    from transnorm.text.fold import fold_name

    target = fold_name(latin)
    keys = {fold_name(v) for v in key_variants(written)} if has_cyrillic(written) else {fold_name(written)}
    return max((fuzz.ratio(k, target) for k in keys), default=0.0)
