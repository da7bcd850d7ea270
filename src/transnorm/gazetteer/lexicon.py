"""lexicon.yaml: the words the matcher must know that are not names.

Stopwords (demonyms, institutions, titles), common words and first names a generated place
may not be named by alone, region words ("Kherson region" -> Kherson Oblast), "Palace of X"
forms and river cue words. Folded once here; the index carries the Lexicon.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from transnorm.gazetteer.schema import GazetteerError, LexiconFile, validate
from transnorm.text.fold import fold_name
from transnorm.yamlio import load_yaml


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
        )
