"""lexicon.yaml: the words the matcher must know that are not names.

Stopwords (demonyms, institutions, titles), common words and first names a generated place
may not be named by alone, region words ("Kherson region" -> Kherson Oblast), "Palace of X"
forms, river cue words, the cue words of the open-world passes (role words before a person's
surname: губернатор, mayor; settlement words before or after a place: село, смт, "the village
of", "near"), the English words that decide articles around rewritten names, and the cue
words of names inside longer names ("Kursk NPP", "FC Dnipro"). Folded once here; the index
carries the Lexicon.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from transnorm.gazetteer.schema import GazetteerError, LexiconFile, validate
from transnorm.text.fold import fold_name
from transnorm.yamlio import load_yaml


@dataclass(frozen=True)
class NamedCue:
    """A word that makes the place name beside it part of a longer name (lexicon `named_things`)."""

    kind: str  # club, npp, station...
    type: str  # organisation | place
    words: tuple[str, ...]  # folded words of the cue ("nuclear", "power", "plant")
    capital: bool  # written with a capital in the lexicon: the text must capitalise it too
    quoted_only: bool = False  # a `before_quoted` word: only before a name in quotes


@dataclass
class Lexicon:
    region_words: dict[str, list[str]] = field(default_factory=dict)
    region_kinds: set[str] = field(default_factory=set)
    of_forms: list[str] = field(default_factory=list)
    stopwords: set[str] = field(default_factory=set)  # folded
    common_words: set[str] = field(default_factory=set)  # folded: never a generated entry's name alone
    # folded first names: never fuzzy-matched alone, the start of a person's name; load() adds them
    # to common_words too (one list in lexicon.yaml serves both)
    given_names: set[str] = field(default_factory=set)
    river_cues: set[str] = field(default_factory=set)  # folded words before a name that make it the river
    river_cue_skip: set[str] = field(default_factory=set)  # folded words allowed between cue and name
    river_cues_after: set[str] = field(default_factory=set)  # folded lower-case words after the name
    river_cue_after_skip: set[str] = field(default_factory=set)  # folded words allowed between name and those
    speech_verbs: set[str] = field(default_factory=set)  # folded: a lone surname beside one is a person
    person_cues: set[str] = field(default_factory=set)  # folded role words before a surname (губернатор, mayor)
    place_cues: dict[str, str] = field(default_factory=dict)  # folded word before a name -> kind (село: village)
    place_cues_after: dict[str, str] = field(default_factory=dict)  # folded word after a name -> kind
    place_near: set[str] = field(default_factory=set)  # folded prepositions: "near X", "біля X"
    place_cue_skip: set[str] = field(default_factory=set)  # folded words between a cue and the name
    settlement_cues: set[str] = field(default_factory=set)  # folded words right before a settlement's name
    # Clean English around rewritten names (linking/english.py); lower-cased words
    the_words: set[str] = field(default_factory=set)  # a name ending in one takes "the"
    dated_the: set[str] = field(default_factory=set)  # names whose old "the" editors drop
    keep_the_before: set[str] = field(default_factory=set)  # nouns after a name that own its "the"
    the_after: set[str] = field(default_factory=set)  # words after which an added "the" belongs
    formal_words: set[str] = field(default_factory=set)  # official long names: kept as written
    # names inside longer names (linking/named.py): first folded word of a cue -> cues
    named_before: dict[str, list[NamedCue]] = field(default_factory=dict)
    named_after: dict[str, list[NamedCue]] = field(default_factory=dict)
    named_verbs: dict[str, list[NamedCue]] = field(default_factory=dict)  # "передає <outlet>"
    named_kinds: set[str] = field(default_factory=set)  # their kinds: a mention of one is the named thing
    # homonyms abroad (linking/abroad.py): folded words between a place and its qualifier, and
    # folded word beginnings of adjectives that put a place in a country -> ISO code
    abroad_between: set[str] = field(default_factory=set)
    abroad_adjectives: dict[str, str] = field(default_factory=dict)
    # folded lemmas of nationality nouns and adjectives of other countries (британка, угорський):
    # one beside a person's name makes it a foreign name written in Cyrillic (linking/openworld.py)
    foreign_demonyms: set[str] = field(default_factory=set)
    home_demonyms: set[str] = field(default_factory=set)  # українець, российский: they win over the above
    lowercase_names: set[str] = field(default_factory=set)  # folded names linked even lower-case (рф, росія)
    translated_toponym_words: dict[str, str] = field(default_factory=dict)  # ru word/stem- -> uk (crosslang.py)
    name_ordinals: set[str] = field(default_factory=set)  # folded: "Лиман Перший" is one numbered village
    name_prefixes: set[str] = field(default_factory=set)  # folded: "Novo-Andriyivka" is Novoandriivka

    @classmethod
    def load(cls, path: Path) -> "Lexicon":
        if not path.exists():
            return cls()
        lx = validate(LexiconFile, load_yaml(path, GazetteerError) or {}, path)
        given = {fold_name(w) for w in lx.given_names}
        return cls(
            region_words=lx.region_words,
            region_kinds=set(lx.region_kinds),
            of_forms=list(lx.of_forms),
            stopwords={fold_name(w) for w in lx.stopwords},
            common_words={fold_name(w) for w in lx.common_words} | given,
            given_names=given,
            river_cues={fold_name(w) for w in lx.river_cues.words},
            river_cue_skip={fold_name(w) for w in lx.river_cues.skip},
            river_cues_after={fold_name(w) for w in lx.river_cues.after},
            river_cue_after_skip={fold_name(w) for w in lx.river_cues.after_skip},
            person_cues={fold_name(w) for w in lx.person_cues},
            speech_verbs={fold_name(w) for w in lx.speech_verbs},
            place_cues={_cue_key(w): kind for kind, ws in lx.place_cues.before.items() for w in ws},
            place_cues_after={fold_name(w): kind for kind, ws in lx.place_cues.after.items() for w in ws},
            place_near={fold_name(w) for w in lx.place_cues.near},
            place_cue_skip={fold_name(w) for w in lx.place_cues.skip},
            settlement_cues={fold_name(w) for w in lx.settlement_cues},
            the_words=_lower(lx.english.the_words),
            dated_the=_lower(lx.english.dated),
            keep_the_before=_lower(lx.english.keep_before),
            the_after=_lower(lx.english.insert_after),
            formal_words=_lower(lx.english.formal_words),
            named_before=_cues(lx.named_things, "before"),
            named_after=_cues(lx.named_things, "after"),
            named_verbs=_cues(lx.named_things, "verb"),
            named_kinds=set(lx.named_things),
            abroad_between={fold_name(w) for w in lx.abroad.between},
            abroad_adjectives={fold_name(w): cc for cc, ws in lx.abroad.adjectives.items() for w in ws},
            foreign_demonyms={fold_name(w) for w in lx.foreign_demonyms},
            home_demonyms={fold_name(w) for w in lx.home_demonyms},
            lowercase_names={fold_name(w) for w in lx.lowercase_names},
            translated_toponym_words={k.lower(): v.lower() for k, v in lx.translated_toponym_words.items()},
            name_ordinals={fold_name(w) for w in lx.name_ordinals},
            name_prefixes={fold_name(w) for w in lx.name_prefixes},
        )


def _cue_key(word: str) -> str:
    """Folded cue word; an abbreviation keeps its dot ("с." only matches "с" followed by a dot)."""
    return fold_name(word) + ("." if word.endswith(".") else "")


def _cues(things: dict, side: str) -> dict[str, list[NamedCue]]:
    out: dict[str, list[NamedCue]] = {}
    for kind, t in things.items():
        lists = ([(t.after, False)] if side == "after" else [(t.after_verb, False)] if side == "verb"
                 else [(t.before, False), (t.before_quoted, True)])
        for words, quoted in lists:
            for w in words:
                key = tuple(fold_name(w).split())
                if key:
                    cue = NamedCue(kind, t.type, key, w[:1].isupper(), quoted)
                    out.setdefault(key[0], []).append(cue)
    return out


def _lower(words: list[str]) -> set[str]:
    return {" ".join(w.lower().split()) for w in words}
