"""People the gazetteer lacks, recognised by the shape of their name.

A run of capitalised words is a person when its words read, in order, as
* first name (+ patronymic) + surname: "Олега Кіпера", "Андрея Ещенко", "Wojciech Nowicki";
* surname + first name + patronymic (the Russian official order): "Иванов Иван Иванович";
* initials + surname: "Н. И. Пирогова";
* a role word + surname: "губернатор Гладков", "spokesman Voloshyn" (the role word may open the run).
Words are classified (`classify`) by data, never by a hand list: first names from the lexicon,
the people files and name dictionaries (derived.py), pymorphy3's Name/Surn/Patr tags, the
lexicon's role words (`person_cues`).

The nominative and the English form of a found name: linking/person_names.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from transnorm.linking.declension import ENKO, cyr_parses, plain, surname_reading
from transnorm.linking.derived import foreign_name_reader, is_first_name_key, people_names
from transnorm.linking.hits import capitalised, sentence_initial
from transnorm.linking.places import cue_before
from transnorm.text.fold import Token, fold
from transnorm.text.morph import APOSTROPHES, analyzer, is_cyrillic_word, known_word, word_langs

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index

# Word kinds: G first name, P patronymic, S surname-like, A an adjective that may be a surname
# (Плішкову, Зеленської: only after a first name or initials), W another capitalised word (a
# foreign surname pymorphy reads as something else: Моро; only after a first name), N a word read
# first as a place (Чкалову; a surname only after initials), I initial, R role word, X other.
PATRONYMIC_RE = re.compile(r"(?:ович|евич|ьевич|йович|івна|ївна|овна|евна|ична|інічна)$", re.I)
#: The same endings romanised (Dmitrievich, Mykolayovych, Ivanivna, Sergeevna).
LATIN_PATRONYMIC_RE = re.compile(r"[a-z](?:ovich|evich|ovych|evych|ovna|evna|ivna|ichna|ychna)$", re.I)
SLAVIC_SURNAME_RE = re.compile(
    r"(?:ов|ев|ёв|єв|ин|ін|ын|ова|ева|ёва|єва|ина|іна|ына|ский|цкий|ская|цкая|ський|цький|ська|цька|енко|ко|ук|юк|чук|"
    r"як|ич|ець|ак|ик|ний|ная|на|ний)$", re.I)
LATIN_TOPONYM_RE = re.compile(r"(?:ivka|yivka|iivka|ovka|evka|ivske|ynske|ove|yne|ivtsi|ychi)$", re.I)


@dataclass
class PersonSpan:
    """One person's name found in a token run: token positions of each part."""

    start: int  # first token of the name (role words excluded)
    end: int  # exclusive
    given: list[int] = field(default_factory=list)
    patronymic: list[int] = field(default_factory=list)
    surname: list[int] = field(default_factory=list)
    initials: list[int] = field(default_factory=list)
    reason: str = ""


def is_initial(text: str, tok: Token) -> bool:
    return len(tok.text) == 1 and tok.text.isupper() and text[tok.end:tok.end + 1] == "."


def _tags(word: str, lang: str) -> set[str]:
    tags: set[str] = set()
    for p in cyr_parses(word, lang):
        tags |= set(p.tag.grammemes)
    return tags


def role_word(tok: Token, lang: str, index: "Index") -> bool:
    """Is the token one of the lexicon's person_cues (Cyrillic: by lemma too), or a nationality
    noun ("британка Сонай Картал", "чех Ян Новак": a foreign_demonyms lemma read as a noun)?"""
    cues = index.lexicon.person_cues
    if tok.key in cues:
        return True
    if not is_cyrillic_word(tok.text):
        return False
    low = tok.text.lower()
    return _lemma_in(low, lang, cues) or (tok.text.islower() and any(
        plain(p.tag.POS) == "NOUN" and fold(p.normal_form) in index.lexicon.foreign_demonyms
        for p in cyr_parses(low, lang)))


#: Endings of Slavic surnames in Latin letters ("Voloshyn", "Lysak", "Tkachenko").
SURNAME_ENDING_RE = re.compile(r"(?:ov|ev|yov|in|yn|sky|skyi|skiy|ski|ska|skaya|enko|uk|chuk|ych|ich|ova|eva|ina|"
                               r"yna|ko|yk|ak|ik)$", re.I)


SPEECH_REASON = "surname beside a speech verb"
LONE_REASON = "a surname first to the dictionary"
LONE_REASONS = (SPEECH_REASON, LONE_REASON)  # a surname alone: the person the text names in full, if any


def speech_verb(tok: Token, lang: str, index: "Index") -> bool:
    """Is the token a lexicon speech verb ("added", "заявил", "розповів"; Cyrillic by lemma)?"""
    verbs = index.lexicon.speech_verbs
    if not verbs or not tok.text.islower():
        return False
    if tok.key in verbs:
        return True
    return is_cyrillic_word(tok.text) and _lemma_in(tok.text, lang, verbs)


def _after_preposition(text: str, tokens: Sequence[Token], a: int, lang: str) -> bool:
    """Is token a right after a Cyrillic preposition, only spaces between ("в Лисках, сообщили")?
    A word a preposition governs is no speaker."""
    if a == 0 or text[tokens[a - 1].end:tokens[a].start].strip() or not is_cyrillic_word(tokens[a - 1].text):
        return False
    return any(plain(p.tag.POS) == "PREP" for p in cyr_parses(tokens[a - 1].text.lower(), lang))


def _speech_beside(text: str, tokens: Sequence[Token], a: int, b: int, lang: str, index: "Index") -> bool:
    """A speech verb right before the run ("- розповів Волошин", "said Voloshyn") or right after it
    ("Voloshin complained", "Лысак отметил"), only spaces between; not after a preposition."""
    if not is_cyrillic_word(tokens[a].text) and not SURNAME_ENDING_RE.search(tokens[a].text):
        return False  # "Bloomberg reported", "Reuters said": an outlet, not a Slavic surname
    if _after_preposition(text, tokens, a, lang):
        return False
    if a > 0 and not text[tokens[a - 1].end:tokens[a].start].strip() and speech_verb(tokens[a - 1], lang, index):
        return True
    return b < len(tokens) and not text[tokens[b - 1].end:tokens[b].start].strip(" ,") \
        and speech_verb(tokens[b], lang, index)


def _speaker_of_other_gender(text: str, tokens: Sequence[Token], a: int, lang: str, index: "Index") -> bool:
    """A capitalised common noun whose gender no past-tense speech verb beside it can take is a
    surname that does not decline: "Пугач отметила", "Коваль заявила" (a woman's surname ending
    in a consonant), never the toy gun or the blacksmith."""
    if _after_preposition(text, tokens, a, lang):
        return False
    word = tokens[a].text.lower()
    for j in (a - 1, a + 1):
        if not 0 <= j < len(tokens) or text[tokens[min(a, j)].end:tokens[max(a, j)].start].strip(" ,"):
            continue
        if not speech_verb(tokens[j], lang, index):
            continue
        genders = {p.tag.gender for p in cyr_parses(tokens[j].text.lower(), lang)
                   if p.tag.POS == "VERB" and p.tag.tense == "past" and p.tag.number == "sing"}
        nouns = {p.tag.gender for p in cyr_parses(word, lang) if p.tag.POS == "NOUN"}
        if len(genders) == 1 and nouns and not genders & nouns:
            return True
    return False


def _lemma_in(low: str, lang: str, words: frozenset[str] | set[str]) -> bool:
    return any(fold(p.normal_form) in words for p in cyr_parses(low, lang))


def cyr_given(word: str, lang: str, index: "Index", initial: bool = False) -> bool:
    """A Cyrillic first name in any case: a name the data knows (lexicon, people files,
    shevchenko), directly or as the lemma of a Name analysis; or, inside a sentence, a Name
    analysis of a word the dictionary knows (Кароліну, Олівер). The dictionary's guesses for
    unknown words (Косинін, Гангнуса) do not count, and at a sentence's start a common noun
    wins unless the data knows the name (Надежда, Роман, Слава), and even then when it is read
    first as a plural (plural_noun_opening)."""
    low = word.lower().translate(APOSTROPHES)
    if initial and _plural_noun(low, lang):
        return False
    if is_first_name_key(fold(low), index, latin_ok=False):
        return True
    known = known_word(low, lang)
    for i, p in enumerate(cyr_parses(low, lang)):
        if "Name" not in p.tag.grammemes or "voct" in p.tag.grammemes or p.tag.number == "plur":
            continue  # a vocative (Манько of Манька) is how one calls a person, never how news names one;
            # a plural (Петров, Иванов: "of the Peters") is the surname those names gave
        if is_first_name_key(fold(p.normal_form), index, latin_ok=False):
            return True
        if known and (i == 0 or not initial):
            return True
    # a word the text's dictionary does not know that reads back as a world first name (Хесуса: Jesus)
    return not initial and not known and foreign_first_name(low, index) is not None


def foreign_first_name(low: str, index: "Index") -> tuple[str, str] | None:
    """(nominative, Latin name) of a Cyrillic word read as a foreign first name (Петера: Peter)."""
    reader = foreign_name_reader(index)
    return reader.read(low) if reader is not None else None


def plural_noun_opening(text: str, tok: Token, lang: str | None) -> bool:
    """"Романи Гемінґвея", "Романы Ремарка" opening a sentence: a word read first as a plural
    common noun (novels) is no first name (Роман), so the listed writer after it keeps his link."""
    return lang in ("ru", "uk") and is_cyrillic_word(tok.text) and sentence_initial(text, tok) \
        and _plural_noun(tok.text.lower(), lang)


def _plural_noun(low: str, lang: str) -> bool:
    parses = cyr_parses(low, lang)
    return bool(parses) and parses[0].tag.POS == "NOUN" and parses[0].tag.number == "plur" \
        and parses[0].tag.animacy == "inan"


def classify(text: str, tokens: Sequence[Token], i: int, lang: str, index: "Index") -> str:
    """G, P, S, A, W, N, I, R or X for token i (see the module docstring)."""
    t = tokens[i]
    if is_initial(text, t):
        return "I"
    initial = t.text[:1].isupper() and is_cyrillic_word(t.text) and sentence_initial(text, t)
    return _word_kind(t.text, t.key, lang, initial, index)


_kinds: dict[tuple, str] = {}  # (word, lang, sentence-initial, index id) -> kind: words recur across texts


def _word_kind(word: str, key: str, lang: str, initial: bool, index: "Index") -> str:
    memo = (word, lang, initial, id(index))
    got = _kinds.get(memo)
    if got is None:
        got = _classify_word(word, key, lang, initial, index)
        if len(_kinds) > 200_000:
            _kinds.clear()
        _kinds[memo] = got
    return got


def _classify_word(word: str, key: str, lang: str, initial: bool, index: "Index") -> str:
    lex = index.lexicon
    tok = Token(0, len(word), word, key, False)
    if not word[:1].isupper():
        return "R" if role_word(tok, lang, index) else "X"
    if role_word(tok, lang, index):
        return "R"
    if key in lex.stopwords or (key in lex.common_words and key not in lex.given_names
                                and not _listed_surname(word, lang)):
        return "X"
    if key in lex.place_cues or key in lex.place_cues_after or word in lex.region_words.get("en", ()) \
            or word in lex.of_forms:
        return "X"  # Village, Oblast, Palace, Cathedral: heads of place names
    if word.isupper() and len(word) > 1:
        return "X"  # abbreviations: organisations
    if key in lex.name_ordinals:
        return "X"  # "Lyman Pershyi": a numbered village
    if is_cyrillic_word(word):
        low = word.lower()
        if PATRONYMIC_RE.search(low) or "Patr" in _tags(low, lang):
            return "P"
        if cyr_given(low, lang, index, initial):
            return "G"
        kind = _surname_kind(low, lang)
        if kind == "X" and not initial and _verb_first(low, lang):
            return "W"  # capitalised inside a sentence, a verb form is a surname: Ігоря Поклада
        return kind
    if LATIN_PATRONYMIC_RE.search(word) and key not in lex.given_names:
        return "P"
    if key in lex.given_names or is_first_name_key(key, index, written=word):
        return "G"
    if LATIN_TOPONYM_RE.search(word):
        return "X"  # Andriyivka, Rodynske: a settlement, not a surname
    return "S" if word[:1].isalpha() and len(word) > 1 else "X"


def _verb_first(low: str, lang: str) -> bool:
    parses = cyr_parses(low, lang)
    return bool(parses) and parses[0].tag.POS == "VERB"


def _listed_surname(word: str, lang: str) -> bool:
    """A common_words entry that is a surname first (Иванов, Романов, Shevchenko: GeoNames names
    of places, listed so that no generated place takes them) is still a surname in a person's name."""
    if is_cyrillic_word(word):
        return any("Surn" in p.tag.grammemes for p in cyr_parses(word.lower(), lang)[:2])
    return bool(SLAVIC_LATIN_SURNAME_RE.search(word))


#: Latin spellings of Slavic surnames that cannot be an English word (Shevchenko, Ivanova, Romanov).
SLAVIC_LATIN_SURNAME_RE = re.compile(r"(?:enko|chuk|ov|ova|ev|eva|sky|skyi|skiy|ska|skaya)$", re.I)


ADJ_SURNAME_RE = re.compile(r"(?:ов|ев|єв|ін|ин|ськ|цьк|зьк|ск|цк)(?:а|у|ої|ій|ою|ой|ую|ая|ий|ый|ого|ому|им|ым)$")


def _surname_kind(low: str, lang: str) -> str:
    """S: a Cyrillic word that reads as a surname (tagged Surn, unknown to the dictionary, an
    animate noun); A: an adjective shaped like a surname; W: another capitalised noun or word
    the dictionary only guesses; N: a place name (Geox) first; X: a known adjective, verb or adverb."""
    parses = cyr_parses(low, lang)
    if not parses:
        return "S"
    if any("Surn" in p.tag.grammemes for p in parses[:4]):
        return "S"
    top = parses[0].tag
    known = known_word(low, lang)  # by the text's own dictionary
    if "Geox" in top.grammemes and parses[0].score > 0.5 and known:
        return "N"  # a place name first: a surname only after initials ("В. Чкалову"); a Geox
        # reading of a word the dictionary does not know is a guess from its ending ("Кевин Ленини")
    if top.POS in ("ADJF", "PRTF"):  # an adjective the dictionary only guesses is a surname's shape too (Дугельний)
        return "A" if ADJ_SURNAME_RE.search(low) or not known else "X"
    if not known:
        return "S" if top.POS in ("NOUN", None) else "W"
    if top.POS == "NOUN":
        return "S" if "anim" in top.grammemes else "W"
    if top.POS == "ADVB" and any(p.tag.POS == "NOUN" for p in parses[:4]):
        return "W"  # "Дар'ї Долі": an adverb first (долі, on the ground), but also a noun (доля)
    return "X"


def find_people(text: str, tokens: Sequence[Token], a: int, b: int, lang: str, index: "Index",
                kinds: Sequence[str] | None = None) -> list[PersonSpan]:
    """The person names inside tokens[a:b] (a capitalised run, maybe with a role word before it)."""
    ks = list(kinds) if kinds is not None else [classify(text, tokens, i, lang, index) for i in range(a, b)]
    cyr = any(is_cyrillic_word(tokens[i].text) for i in range(a, b))
    out: list[PersonSpan] = []
    role = a > 0 and _joined_role(text, tokens, a, lang, index)
    i = 0
    n = b - a
    while i < n:
        k = ks[i]
        if k == "R":
            role, i = True, i + 1
            continue
        span = None
        if k == "I":
            j = i
            while j < n and ks[j] == "I":
                j += 1
            if j < n and ks[j] in ("S", "A", "G", "N"):
                span = PersonSpan(a + i, a + j + 1, initials=list(range(a + i, a + j)), surname=[a + j],
                                  reason="initials + surname")
        elif k == "G" and not (i + 1 < n and ks[i + 1] != "G" and _hyphen(text, tokens, a + i + 1)):
            j = i + 1  # (a first name hyphened to another word is a compound: Novo-Andriyivka)
            while j < n and ks[j] == "G" and _hyphen(text, tokens, a + j):
                j += 1  # "Жан-Поль", "Jean-Paul"
            if j < n and ks[j] == "G" and not cyr and j + 1 < n and ks[j + 1] == "S" \
                    and not _hyphen(text, tokens, a + j + 1):
                j += 1  # "Mary Ann Smith" (but "Iryna Davyd-Trach": a double surname)
            given = list(range(a + i, a + j))
            # "Людмила Милашевич": nothing follows, the dictionary has no such patronymic
            vich = j < n and ks[j] == "P" and _surname_ending_in_vich(tokens[a + j], ks, j, n, lang)
            patr = [a + j] if j < n and ks[j] == "P" and not vich else []
            j += len(patr)
            if j < n and (ks[j] in ("S", "A", "W") or (ks[j] == "G" and not cyr and tokens[a + j].key not in
                                                          index.lexicon.given_names)
                          or (ks[j] == "X" and not patr and _adjective_surname(text, tokens, a + j - 1, a + j, lang))
                          or _name_as_surname(ks, j, n, patr, cyr) or _surname_read_as_place(tokens[a + j], ks[j])
                          or (ks[j] == "G" and j + 1 < n and _hyphen(text, tokens, a + j + 1))
                          or vich):
                sur = [a + j]
                while j + 1 < n and ks[j + 1] in ("S", "G", "W") and _hyphen(text, tokens, a + j + 1):
                    j += 1
                    sur.append(a + j)
                span = PersonSpan(a + i, a + j + 1, given=given, patronymic=patr, surname=sur,
                                  reason="given name + patronymic + surname" if patr else "given name + surname")
        elif k in ("S", "A", "W", "N") and i + 1 < n and ks[i + 1] == "I" and not _initials_before_surname(ks, i + 1):
            j = i + 1  # lists write the initials after the surname: "Клименко Ф.М.", "Чуйков Е.В."
            while j < n and ks[j] == "I":
                j += 1
            span = PersonSpan(a + i, a + j, initials=list(range(a + i + 1, a + j)), surname=[a + i],
                              reason="surname + initials")
        elif k in ("S", "W") and cyr and n - i == 2 and ks[i + 1] == "S" and _unknown_first_name(tokens, a + i, lang):
            # "Абуязид Манцигов", "Гюзель Хабутдінова": a first name no dictionary knows (Tatar,
            # Caucasian) before a surname of the Russian shape in the nominative
            span = PersonSpan(a + i, a + i + 2, given=[a + i], surname=[a + i + 1], reason="given name + surname")
        elif k == "S" and cyr and i + 2 < n and ks[i + 1] == "G" and ks[i + 2] == "P":
            span = PersonSpan(a + i, a + i + 3, given=[a + i + 1], patronymic=[a + i + 2], surname=[a + i],
                              reason="surname + given name + patronymic")
        elif k in ("S", "A") and cyr and i + 1 < n and ks[i + 1] == "G" and (i + 2 >= n or ks[i + 2] == "X") \
                and not _hyphen(text, tokens, a + i + 1) and _common_first_name(tokens[a + i + 1], lang, index):
            # lists and protocols write the surname first: "Арбітр: Залозний Віталій", "Єременко Микола"
            span = PersonSpan(a + i, a + i + 2, given=[a + i + 1], surname=[a + i], reason="surname + given name")
        elif k == "S" and role and (i + 1 >= n or ks[i + 1] not in ("S", "G")) and _plain_surname(tokens[a + i], lang):
            span = PersonSpan(a + i, a + i + 1, surname=[a + i], reason="role word + surname")
        elif k == "S" and n == 1 and _plain_surname(tokens[a], lang) and _speech_beside(
                text, tokens, a, b, lang, index):
            span = PersonSpan(a, a + 1, surname=[a], reason=SPEECH_REASON)
        elif k == "W" and n == 1 and cyr and _speaker_of_other_gender(text, tokens, a, lang, index):
            span = PersonSpan(a, a + 1, surname=[a], reason=SPEECH_REASON)
        elif k == "S" and n == 1 and cyr and _surname_first(text, tokens, a, lang, index):
            span = PersonSpan(a, a + 1, surname=[a], reason=LONE_REASON)
        if span is not None:
            if role and span.reason != "role word + surname":
                span.reason += ", after a role word"
            out.append(span)
            i = span.end - a
            role = False
        else:
            role = False
            i += 1
    return out


#: Masculine and feminine surnames in -ов/-ев/-ин, any case: "Дрынов" is a place to the dictionary
#: (the plural of дрын), and after a first name it is a surname.
OV_SURNAME_RE = re.compile(r"(?:ов|ев|ёв|єв|ин|ін|ын)(?:а|у|ым|им|ом|ой|ою|ої|ій)?$")


def _adjective_surname(text: str, tokens: Sequence[Token], g: int, j: int, lang: str) -> bool:
    """"Владимир Каменной": a capitalised adjective after a first name that cannot agree with it
    (каменной is feminine and oblique, Владимир masculine nominative), and no noun after it that
    it could belong to, is a surname of the -ой kind (Каменной, Лановой, Боровой)."""
    tok = tokens[j]
    if not (is_cyrillic_word(tok.text) and tok.text[:1].isupper() and tok.text[1:].islower()):
        return False
    adj = [p for p in cyr_parses(tok.text.lower(), lang) if plain(p.tag.POS) in ("ADJF", "PRTF")]
    names = [p for p in cyr_parses(tokens[g].text.lower(), lang) if "Name" in p.tag.grammemes]
    if not adj or not names or len(adj) < len(cyr_parses(tok.text.lower(), lang)):
        return False
    feats = {(plain(p.tag.gender), plain(p.tag.case)) for p in names}
    if any((plain(p.tag.gender), plain(p.tag.case)) in feats or plain(p.tag.number) == "plur" for p in adj):
        return False
    # "Владимир Красной площади": the adjective has its noun
    return not (j + 1 < len(tokens) and tokens[j + 1].joined and is_cyrillic_word(tokens[j + 1].text)
                and _agrees_with_noun(adj, tokens[j + 1].text, lang))


def _initials_before_surname(ks: Sequence[str], j: int) -> bool:
    """Initials at j with a surname after them belong to it ("Ім'я Т. Шевченка"), not to the word before."""
    while j < len(ks) and ks[j] == "I":
        j += 1
    return j < len(ks) and ks[j] in ("S", "A")


def _surname_read_as_place(tok: Token, kind: str) -> bool:
    return kind == "N" and bool(OV_SURNAME_RE.search(tok.text.lower()))


def _surname_ending_in_vich(tok: Token, ks: Sequence[str], j: int, n: int, lang: str) -> bool:
    """A word in -ович/-евич right after a first name, with no surname after it, that the
    dictionary does not know as a patronymic: a surname (Милашевич, Ярошевич, Карпович)."""
    return (j + 1 >= n or ks[j + 1] not in ("S", "A", "W", "N")) and "Patr" not in _tags(tok.text.lower(), lang)


def _name_as_surname(ks: Sequence[str], j: int, n: int, patr: list[int], cyr: bool) -> bool:
    """Cyrillic news never writes two first names in a row: the second of "Сергея Леся", "Петро
    Марко" is a surname that is also a first name (Лесь, Марко, Назар, Роман), unless a surname
    follows it or a patronymic came between."""
    return cyr and not patr and j < n and ks[j] == "G" and (j + 1 >= n or ks[j + 1] not in ("S", "A", "W", "P"))


def _common_first_name(tok: Token, lang: str, index: "Index") -> bool:
    """A first name the lexicon or the people files use (Віталій, Захар), by its lemma: after a
    surname only such a name turns the pair round ("Попов Яр" is a ravine, Яр a rare name)."""
    lexicon, files = index.lexicon.given_names, people_names(index).first_cyrillic
    return any(k in lexicon or k in files for k in (tok.key, *(
        fold(p.normal_form) for p in cyr_parses(tok.text.lower(), lang) if "Name" in p.tag.grammemes)))


def _surname_first(text: str, tokens: Sequence[Token], a: int, lang: str, index: "Index") -> bool:
    """A lone word inside a sentence the dictionary reads as a surname (declension.surname_reading):
    sports and local reports name people by surname alone ("а от Шепелєв розпочав", "пас на
    Філіппова"). Not beside another capitalised word: that is a longer name read in part ("Тогрул
    Аскеров"); not right after a settlement word ("жители города Филиппов": the town)."""
    tok = tokens[a]
    low = tok.text.lower()
    parses = cyr_parses(low, lang)
    sur = surname_reading(parses)
    if sur is None or sentence_initial(text, tok) or _settlement_word_before(text, tokens, a, lang, index):
        return False  # a guessed oblique form's nominative is a guess too (Задераку: Задерак? Задерака?)
    before = a > 0 and capitalised(tokens[a - 1]) and text[tokens[a - 1].end:tok.start] == " "
    after = a + 1 < len(tokens) and capitalised(tokens[a + 1]) and text[tok.end:tokens[a + 1].start] == " "
    if before or after or _adjective_of_next(tokens, a, parses, lang):
        return False
    return plain(sur.tag.case) == "nomn" or known_word(low, lang) or sur.normal_form.endswith(ENKO)


def _settlement_word_before(text: str, tokens: Sequence[Token], a: int, lang: str, index: "Index") -> bool:
    """"жители города Филиппов": a settlement word right before the word makes it the place."""
    cue = cue_before(text, tokens, a, lang, index)
    return cue is not None and cue.strong


NOMINATIVE_OV_RE = re.compile(r"(?:ов|ев|ёв|єв|ин|ін|ын|ова|ева|ёва|єва|ина|іна|ына)$")


def _unknown_first_name(tokens: Sequence[Token], i: int, lang: str) -> bool:
    """Token i is a word the text's dictionary does not know, or the Russian one reads first as a
    first name (Айдар, Гюзель in Ukrainian text), and the next one a surname in -ов/-ин/-ова."""
    first, sur = tokens[i].text.lower().translate(APOSTROPHES), tokens[i + 1].text.lower()
    if not NOMINATIVE_OV_RE.search(sur) or NOMINATIVE_OV_RE.search(first) or len(first) < 3:
        return False
    ru = analyzer("ru").parse(first)
    own = lang if lang in ("ru", "uk") else word_langs(first, lang)[0]  # Cyrillic words in an English text
    return not analyzer(own).word_is_known(first) or bool(ru and "Name" in ru[0].tag.grammemes)


def _adjective_of_next(tokens: Sequence[Token], a: int, parses, lang: str) -> bool:
    """"Золотою медаллю", "Срібною медаллю": an adjective reading that agrees with the lower-case
    noun after it is that noun's adjective (a title, an award), not a surname."""
    return a + 1 < len(tokens) and tokens[a + 1].joined and tokens[a + 1].text.islower() \
        and _agrees_with_noun(parses, tokens[a + 1].text, lang)


def _agrees_with_noun(parses, word: str, lang: str) -> bool:
    """Does an adjective reading among `parses` agree in gender and case with a noun reading of `word`?"""
    adj = {(plain(p.tag.gender), plain(p.tag.case)) for p in parses if plain(p.tag.POS) in ("ADJF", "PRTF")}
    return bool(adj) and any((plain(p.tag.gender), plain(p.tag.case)) in adj
                             for p in cyr_parses(word.lower(), lang) if plain(p.tag.POS) == "NOUN")


def _plain_surname(tok: Token, lang: str) -> bool:
    """After a role word only a word that cannot be an adjective is a surname: "начальниця
    Степногірської" and "керівник Волинської обласної прокуратури" name an institution's place."""
    if not is_cyrillic_word(tok.text):
        return True
    return not any(plain(p.tag.POS) in ("ADJF", "PRTF") for p in cyr_parses(tok.text.lower(), lang))


def _joined_role(text: str, tokens: Sequence[Token], a: int, lang: str, index: "Index") -> bool:
    """A role word right before position a, nothing but a space between ("губернатор Гладков")."""
    prev = tokens[a - 1]
    return text[prev.end:tokens[a].start].strip() == "" and role_word(prev, lang, index)


def _hyphen(text: str, tokens: Sequence[Token], j: int) -> bool:
    return tokens[j].joined and "-" in text[tokens[j - 1].end:tokens[j].start]


def cyr_surname(word: str, lang: str, strong: bool = False) -> bool:
    """A Cyrillic word that pymorphy reads as a surname and (unless `strong`) not first as a
    place: Кирова, Жуков."""
    parses = cyr_parses(word.lower(), lang)
    if not any("Surn" in p.tag.grammemes for p in parses[:6]):
        return False
    return strong or not (parses and "Geox" in parses[0].tag.grammemes and parses[0].score > 0.5)
