"""Morphology for Cyrillic names: inflected words in text meet gazetteer names.

Russian and Ukrainian inflect names ("в Харькове", "на Харківщині", "Кривому Розі",
"Донецкой области"). The matcher looks words up by folded key; this module gives it, per
token, the folded surface *and* folded lemmas (pymorphy3), and gives the index the lemma
keys of each Cyrillic gazetteer name, built with the same lemma function so both sides
meet.

The lemma of one analysis (`_lemma`):
- nouns: pymorphy's normal form (nominative singular): Харькове -> харьков;
- adjectives and participles: the nominative of the SAME gender and number:
  Донецкой -> донецкая, Кривому -> кривий, Великих -> великие. Keeping the gender stops
  Зеленской (Olena Zelenska) from becoming зеленский (Volodymyr Zelenskyy);
- feminine surnames and patronymics likewise (ru pymorphy lemmatises Зеленская to the
  masculine зеленский): Зеленской -> зеленская.

Ukrainian analyses all score 1.0 and the first one is often wrong (Харкові -> харко, the
right харків is third), so text tokens get every distinct lemma (capped) and the index
lookup picks the one that is a gazetteer name. With `vocab` (the words of the index's
keys, see `index_vocab`) lemmas that are in no gazetteer name are dropped up front, which
keeps the scanner's combinations few.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from itertools import product
from typing import TYPE_CHECKING, Collection, Sequence

from transnorm.text.crosslang import ru_spellings
from transnorm.text.fold import Token, fold, tokenize

if TYPE_CHECKING:  # pragma: no cover
    pass


LANGS = ("ru", "uk")
UK_LETTERS = frozenset("іїєґІЇЄҐ")
RU_LETTERS = frozenset("ыэъёЫЭЪЁ")


# Analyses tagged as proper names come first: they are what a gazetteer holds.
PROPER = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"})
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "ʹ": "'", "ʻ": "'", "‘": "'"})
TEXT_CAP = {"ru": 3, "uk": 4}  # distinct lemmas per text token when no vocab filters them
NAME_CAP = 3  # lemmas per name token
NAME_COMBOS = 16  # keys per gazetteer name
_analyzers: dict[str, object] = {}
_lock = threading.Lock()


def analyzer(lang: str):
    """The pymorphy3 analyzer for 'ru' or 'uk', created once per process."""
    a = _analyzers.get(lang)
    if a is None:
        with _lock:
            a = _analyzers.get(lang)
            if a is None:
                import pymorphy3

                a = _analyzers[lang] = pymorphy3.MorphAnalyzer(lang=lang)
    return a


def is_people_noun(word: str, langs: Sequence[str] = ("ru", "uk")) -> bool:
    """Is the word, on a dictionary's best reading, a common noun for people ("Жители",
    "Керівник", "Мешканці"), not a name ("Гракове", "Бахмут")? The Ukrainian dictionary lists
    many village names as plain nouns, so "known and not proper" would not tell them apart."""
    low = word.lower()
    for lg in langs:
        a = analyzer(lg)
        if a.word_is_known(low):
            tag = a.parse(low)[0].tag
            if tag.POS == "NOUN" and "anim" in tag.grammemes and not PROPER & tag.grammemes:
                return True
    return False


#: Parts of speech no name is: a capitalised one starts a sentence ("Похоронят Евтушенко", "Вчора
#: Сирський"), it is not part of the name after it.
NOT_NAME_POS = frozenset({"VERB", "INFN", "GRND", "PRTS", "ADVB", "PREP", "CONJ", "PRCL", "INTJ", "PRED", "COMP"})


@lru_cache(maxsize=50_000)
def is_function_or_verb(word: str, langs: Sequence[str] = ("ru", "uk")) -> bool:
    """Is the Cyrillic word, on every reading a dictionary that knows it gives, a verb, adverb,
    preposition, conjunction or particle (never a name)?"""
    low = word.lower()
    known = False
    for lg in langs:
        a = analyzer(lg)
        if a.word_is_known(low):
            known = True
            if any(pr.tag.POS not in NOT_NAME_POS or PROPER & pr.tag.grammemes for pr in a.parse(low)):
                return False
    return known


@lru_cache(maxsize=200_000)  # asked of the same words by most passes of every document
def is_cyrillic_word(word: str) -> bool:
    """Only Cyrillic letters (and inner apostrophes): the words pymorphy can analyse."""
    has = False
    for c in word:
        if "\u0400" <= c <= "\u04ff":
            has = True
        elif c not in "'’ʼ`´ʹʻ‘":
            return False
    return has


def name_langs(name: str, lang: str) -> tuple[str, ...]:
    """Analyzers for a gazetteer name: its own language, or by letters for '*' and others."""
    if lang in LANGS:
        return (lang,)
    if any(c in UK_LETTERS for c in name):
        return ("uk",)
    if any(c in RU_LETTERS for c in name):
        return ("ru",)
    return LANGS


@lru_cache(maxsize=200_000)
def word_langs(word: str, lang: str) -> tuple[str, ...]:
    """Which analyzers read `word` (lower case) in a document of language `lang`.

    Letters only one language has decide first; otherwise the document's language, plus
    the other one when only the other dictionary knows the word (a misdetected or mixed
    document, or a form one dictionary lacks: ru does not know Залужному, uk does).
    """
    if any(c in UK_LETTERS for c in word):
        return ("uk",)
    if any(c in RU_LETTERS for c in word):
        return ("ru",)
    if lang not in LANGS:
        lang = "ru"
    other = "uk" if lang == "ru" else "ru"
    if not analyzer(lang).word_is_known(word) and analyzer(other).word_is_known(word):
        return (lang, other)
    return (lang,)


def known_word(word: str, lang: str) -> bool:
    """Does the dictionary of the word's own language (word_langs) know it, not only guess it from
    its ending?"""
    low = word.lower()
    return analyzer(word_langs(low, lang)[0]).word_is_known(low)


_nominatives: dict[tuple, str] = {}  # (analyzer, lemma, POS, gender, number) -> nominative form


def _lemma(p) -> str:
    """The lemma of one analysis; keeps gender and number of adjectives and female surnames."""
    tag = p.tag
    pos = tag.POS
    if pos == "ADJF":
        if tag.gender == "masc" and tag.number != "plur":  # the normal form already is that
            return p.normal_form
    elif not (pos == "PRTF" or (pos == "NOUN" and ("Surn" in tag or "Patr" in tag)
                                and tag.gender not in ("masc", None) and tag.number != "plur")):
        return p.normal_form
    if tag.case == "nomn":
        return p.word
    # Building a lexeme is the slow part of pymorphy: one per lemma, gender and number.
    key = (type(p), p.normal_form, pos, tag.gender, tag.number)
    got = _nominatives.get(key)
    if got is None:
        try:
            f = p.inflect({"nomn"})
        except (ValueError, KeyError):  # pragma: no cover - odd tags from the predictor
            f = None
        got = f.word if f is not None else p.normal_form
        if len(_nominatives) < 200_000:
            _nominatives[key] = got
    return got


def _parses(word: str, lang: str):
    a = analyzer(lang)
    w = word.translate(APOSTROPHES) if lang == "uk" else word
    parses = a.parse(w)
    # Proper names first, then pymorphy's order (ru: by score; uk: all score 1.0).
    return sorted(parses, key=lambda p: 0 if PROPER & p.tag.grammemes else 1)


@lru_cache(maxsize=100_000)
def is_adjective(word: str) -> bool:
    """Can this Cyrillic word (any case) be an adjective, in Russian or Ukrainian?
    ("Запорожская", "тракторному", "атомна": yes; "удерживали", "будівлю": no)."""
    low = word.lower()
    return any(p.tag.POS in ("ADJF", "PRTF") for lang in ("ru", "uk") for p in _parses(low, lang))


@lru_cache(maxsize=300_000)
def word_lemmas(word: str, lang: str, written_plural: bool = True) -> tuple[str, ...]:
    """Folded distinct lemmas of a lower-case Cyrillic word (all analyses, best first).

    `written_plural=False` (a name in running text): a noun read as a plural gives its plural
    nominative, not the singular lemma, since a place keeps its number: "Подолы" is a village
    Подолы, never a place named Подол; "в Сумах" is Суми, "в Лисках" Лиски."""
    out: list[str] = []
    for p in _parses(word, lang):
        k = fold(_lemma(p) if written_plural or p.tag.POS != "NOUN" or p.tag.number != "plur"
                 else _plural_nominative(p))
        if k and k not in out:
            out.append(k)
            if len(out) >= 8:
                break
    return tuple(out)


@lru_cache(maxsize=100_000)
def name_word_lemmas(word: str, lang: str, first: bool = True) -> tuple[str, ...]:
    """Folded lemmas of one word of a place name, other than the word itself.

    Gazetteer names are written in the nominative, so a word that is its own lemma in
    some nominative analysis (Суми, Одеса, Донецька, Сталино) adds nothing. Otherwise the
    lemmas of its nominative analyses (plurals: Луки -> лука, Воды -> вода, Штаты -> штат;
    Счастье -> счастие), and, for a word after the first with no nominative analysis at
    all (a genitive complement: Ростов-на-Дону, Штаты Америки), the lemmas of all its
    analyses. A first word with no nominative analysis adds nothing: its "lemmas" would be
    guesses (Проскурів -> проскури).
    """
    parses = _parses(word, lang)
    own = fold(word)
    nom = [p for p in parses if p.tag.case in ("nomn", None)]  # uk "Часів": ADJF,masc, no case
    if any(fold(_lemma(p)) == own for p in nom):
        return ()
    if not nom and first:
        return ()
    out: list[str] = []
    for p in nom or parses:
        k = fold(_lemma(p))
        if k and k != own and k not in out:
            out.append(k)
    return tuple(out[:NAME_CAP])


# Case endings a name may carry in text, longest first, and what may replace them to give
# the nominative (ru and uk). Only used to propose keys that a vocabulary then filters.
_ENDINGS = ("ами", "ями", "ові", "еві", "єві", "ого", "ому", "ему", "ою", "ею", "єю", "ой", "ей", "ом",
            "ем", "ём", "єм", "ым", "им", "а", "я", "у", "ю", "е", "є", "і", "и", "ы", "ї")
_RESTORE = ("", "а", "я", "ь", "й", "о")
_RESTORE_FOLDED = tuple(dict.fromkeys(fold(r) if r else "" for r in _RESTORE))


@lru_cache(maxsize=300_000)
def guess_stems(word: str) -> tuple[str, ...]:
    """Nominative guesses for an inflected name pymorphy may not know (lower case in).

    Кулебы -> кулеба, Хегсетта -> хегсетт, Аваковым -> аваков, Шмигалем -> шмигаль.
    Many guesses are wrong; callers keep only those that are words of gazetteer names.
    """
    out: list[str] = []
    for end in _ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= 3:
            raw = word[: len(word) - len(end)]
            stem = fold(raw)  # Cyrillic folding is per letter
            for r in _RESTORE_FOLDED:
                k = stem + r
                if k not in out:
                    out.append(k)
            out += [k for k in _alternations(raw, end) if k not in out]
    return tuple(out)


#: Ukrainian к, г, х become ц, з, с before the locative and dative -і (Бурлук: у Великому Бурлуці).
_BEFORE_I = {"ц": "к", "з": "г", "с": "х"}
_VOWELS = set("аеєиіїоуыэюяё")


def _alternations(stem: str, end: str) -> list[str]:
    """Nominatives a consonant change hides: the fleeting е of -ець/-ец and о of -ок (Торопця,
    Ельца -> торопець, елец; Городка -> городок), and к/г/х before Ukrainian -і (Бурлуці -> бурлук)."""
    out = []
    if end == "і" and stem[-1:] in _BEFORE_I:
        out.append(fold(stem[:-1] + _BEFORE_I[stem[-1]]))
    if len(stem) >= 3 and stem[-2:-1] not in _VOWELS:
        if stem.endswith("ц"):
            out.append(fold(stem[:-1] + "ец"))
        elif stem.endswith("к") and end in ("а", "у", "ом", "ові", "е", "і"):
            out.append(fold(stem[:-1] + "ок"))
    return out


# Oblique endings of an adjective-shaped place name and its neuter nominative: villages are
# mostly neuter (Каменское, Степное, Кам'янське), the dictionary often reads only a surname or a
# masculine adjective (Каменского -> Каменский).
_NEUTER_ENDINGS = {
    "ru": (("ского", "ское"), ("цкого", "цкое"), ("ском", "ское"), ("цком", "цкое"), ("ому", "ое"),
           ("ого", "ое"), ("его", "ее"), ("ему", "ее")),
    "uk": (("ськім", "ське"), ("цькім", "цьке"), ("ому", "е"), ("ого", "е")),
}


# A short possessive adjective (Часов Яр, Ukrainian Часів Яр) is declined in the news as a full one:
# "у Часового Яра", "в Часовом Яре", "біля Часового Яру".
_POSSESSIVE_ENDINGS = {
    "ru": (("ового", "ов"), ("овому", "ов"), ("овом", "ов"), ("евого", "ев"), ("евом", "ев"), ("иного", "ин"),
           ("ином", "ин")),
    "uk": (("ового", "ів"), ("овому", "ів"), ("овім", "ів"), ("иного", "ин"), ("иному", "ин"), ("инім", "ин")),
}


@lru_cache(maxsize=100_000)
def neuter_readings(word: str, lang: str, possessive: bool = False) -> tuple[str, ...]:
    """Folded nominatives of an adjective-shaped word in an oblique case (lower case in), as a
    neuter (каменского -> каменское, степного -> степное, кам'янському -> кам'янське) and, with
    `possessive` (a capitalised word follows: the name goes on), as a short possessive
    (часового -> часов, Ukrainian часового -> часів; alone, Гуковому is Гукове, not Гуків)."""
    out = []
    for table in (_NEUTER_ENDINGS, _POSSESSIVE_ENDINGS) if possessive else (_NEUTER_ENDINGS,):
        for end, nom in table.get(lang, ()):
            if word.endswith(end) and len(word) - len(end) >= 3:
                out.append(fold(word[: -len(end)] + nom))
                break
    return tuple(out)


def _plural_nominative(p) -> str:
    """The nominative plural of a plural noun reading (лисках -> лиски; "" when none): a town named
    in the plural (Лиски, Липці) is declined as one, and pymorphy's lemma is the common noun's
    singular (лиска)."""
    if p.tag.case == "nomn":
        return p.word
    key = (type(p), p.normal_form, "NOUN", "plur-nomn", None)
    got = _nominatives.get(key)
    if got is None:
        try:
            f = p.inflect({"nomn", "plur"})
        except (ValueError, KeyError):  # pragma: no cover - odd tags from the predictor
            f = None
        got = f.word if f is not None else ""
        if len(_nominatives) < 200_000:
            _nominatives[key] = got
    return got


@lru_cache(maxsize=100_000)
def plural_singulars(word: str, lang: str) -> frozenset[str]:
    """The folded singular lemmas of a word's plural noun readings (подолы -> подол)."""
    return frozenset(fold(p.normal_form) for p in _parses(word, lang) if p.tag.POS == "NOUN" and p.tag.number == "plur")


@lru_cache(maxsize=100_000)
def russian_spelling_keys(word: str) -> tuple[str, ...]:
    """Keys of a Russian name written in Ukrainian letters (Сизрані, Всеволожську, Єлабуга):
    its Russian spellings (crosslang.ru_spellings) and their Russian lemmas, a plural read as in
    running text (word_lemmas written_plural=False: Богомазов is no Богомаз)."""
    out: list[str] = []
    for ru in ru_spellings(word):
        out += (fold(ru), *word_lemmas(ru, "ru", written_plural=False))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=300_000)
def _text_alts(text: str, key: str, lang: str) -> tuple[str, ...]:
    low = text.lower()
    out = [key]
    for lg in word_langs(low, lang):
        out += [k for k in word_lemmas(low, lg, written_plural=False) if k not in out]
    return tuple(out)


@lru_cache(maxsize=100_000)
def guessable(word: str, lang: str) -> bool:
    """May ending-stripping guess this word's nominative? Not if it can be an adjective.

    Минской, Луцькому are adjectives (Минская область): stripping -ой/-ому would make
    them the city. Unknown words and plain nouns (Лапина, Кошты) may be guessed.
    """
    for lg in word_langs(word, lang):
        for p in _parses(word, lg):
            if p.tag.POS in ("ADJF", "PRTF"):
                return False
    return True


def _known_adjective(word: str, lang: str) -> bool:
    """An adjective the dictionary knows (слов'янські), not one it guesses from the ending of an
    unknown name (Всеволожську)."""
    a = analyzer(lang)
    return a.word_is_known(word.translate(APOSTROPHES)) and not guessable(word, lang)


_TOKEN_MEMO: tuple = (None, {})  # (vocab, (word, key, lang) -> keys): one vocabulary at a time, swapped whole


def _token_memo(vocab: Collection[str]) -> dict:
    """The per-word results of token_keys for this vocabulary (a word's keys depend only on the
    word, its language and the vocabulary; the words recur in every document)."""
    global _TOKEN_MEMO
    got = _TOKEN_MEMO  # one read: another thread may swap in another vocabulary's memo meanwhile
    if got[0] is not vocab:
        got = _TOKEN_MEMO = (vocab, {})
    return got[1]


def token_keys(tokens: Sequence[Token], lang: str, vocab: Collection[str] | None = None,
               max_tokens: int = 8, stopwords: Collection[str] = frozenset()) -> list[tuple[str, ...]]:
    """Per token: the folded surface key first, then folded lemmas (Cyrillic tokens only).

    `lang` is the document's language ('ru' or 'uk'; anything else: decided per word by
    letters and dictionaries). Without `vocab`: at most TEXT_CAP lemmas per token.

    With `vocab` (every word of every index key, see index_vocab): only lemmas in it are
    kept; a capitalised word none of whose keys is in it, and which cannot be an adjective,
    gets ending-stripped guesses (guess_stems) from it instead, for surnames pymorphy does
    not know (Кулебы -> кулеба, Хегсетта -> хегсетт); a capitalised word also gets the neuter
    nominative of an adjective-shaped case form (neuter_readings: Каменского -> каменское), and in
    Ukrainian text, when nothing else is in `vocab`, its Russian spellings (russian_spelling_keys:
    Сизрані -> сызрань); and a word is analysed only if
    the exact scanner can reach it: capitalised, or joined to a reachable word that has a
    key in `vocab`, fewer than `max_tokens` words after a capitalised one. Every word of
    a matching key is in `vocab`, so the links found are the same, for a fraction of the
    pymorphy calls (most lower-case words are never analysed).

    A token whose folded surface is one of `stopwords` (the lexicon's: Из, Под, Президент)
    keeps that key alone: its lemmas are other words (из -> иза, a village's name).
    """
    cap = TEXT_CAP.get(lang, 4)
    memo = _token_memo(vocab) if vocab is not None else {}
    out: list[tuple[str, ...]] = []
    depth = max_tokens  # words since the last capitalised one, along a chain of vocab words
    for n, t in enumerate(tokens):
        upper = t.text[:1].isupper()
        if vocab is not None:
            depth = 0 if upper else depth + 1 if t.joined and out and any(k in vocab for k in out[-1]) \
                else max_tokens
        if t.key in stopwords or not is_cyrillic_word(t.text):
            out.append((t.key,))
            continue
        if vocab is not None:
            if depth >= max_tokens:
                out.append((t.key,))
                continue
            named_on = upper and n + 1 < len(tokens) and tokens[n + 1].joined and tokens[n + 1].text[:1].isupper()
            got = memo.get((t.text, t.key, lang, named_on))
            if got is None:
                alts = _text_alts(t.text, t.key, lang)
                keep = [k for k in alts[1:] if k in vocab]
                if upper:
                    keep += [k for k in neuter_readings(t.text.lower(), lang, named_on) if k in vocab and k not in keep]
                if upper and not keep and alts[0] not in vocab and guessable(t.text.lower(), lang):
                    plural_of = plural_singulars(t.text.lower(), lang)  # Подолы is not Подол (see word_lemmas)
                    keep = [k for k in guess_stems(t.text.lower()) if k in vocab and k != t.key and k not in plural_of]
                if upper and not keep and alts[0] not in vocab and lang == "uk" and not t.text.isupper() \
                        and not _known_adjective(t.text.lower(), lang):  # Russian name in Ukrainian letters
                    keep = [k for k in russian_spelling_keys(t.text) if k in vocab and k != t.key]
                got = (alts[0], *keep)
                if len(memo) < 200_000:
                    memo[(t.text, t.key, lang, named_on)] = got
            out.append(got)
            continue
        alts = _text_alts(t.text, t.key, lang)
        out.append(alts[:1 + cap])
    return out


def name_keys(name: str, lang: str, person: bool = False, limit: int = NAME_COMBOS) -> set[str]:
    """Keys of a gazetteer name that its inflected forms in text lemmatise to.

    Always includes fold_name(name). For a place, each Cyrillic word also contributes its
    name lemmas (name_word_lemmas) and the keys are the combinations (at most `limit`).
    A person's name is written in the nominative singular, which is exactly what
    token_keys lemmatises text to (gender kept: Зеленской -> зеленская), so it gets no
    extra keys: guessed lemmas of surnames are noise (Аваков -> авак, Рябков -> рябок).
    """
    toks = tokenize(name)
    if not toks:
        return set()
    keys = {" ".join(t.key for t in toks)}
    if person or not any(is_cyrillic_word(t.text) for t in toks):
        return keys
    for lg in name_langs(name, lang):
        per: list[tuple[str, ...]] = []
        for i, t in enumerate(toks):
            if not is_cyrillic_word(t.text):
                per.append((t.key,))
                continue
            low = t.text.lower()
            alts = [t.key]
            for wl in word_langs(low, lg):
                alts += [k for k in name_word_lemmas(low, wl, i == 0) if k not in alts]
            per.append(tuple(alts))
        for n, combo in enumerate(product(*per)):
            if n >= limit:
                break
            keys.add(" ".join(combo))
    return keys
