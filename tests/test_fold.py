"""Folding: every spelling people write of one name meets on one key."""

import pytest
from casedata import table

from transnorm.text.fold import fold, fold_name, tokenize

SAME = table("fold", "same", "a,b")


@pytest.mark.parametrize("a,b", SAME)
def test_variants_fold_to_one_key(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize("a,b", [("Kherson", "Kharkiv"), ("Lviv", "Kyiv"), ("Sumy", "Rivne"),
                                 ("Odesa", "Donetsk"), ("Russia", "Belarus")])
def test_different_names_stay_apart(a, b):
    assert fold(a) != fold(b)


@pytest.mark.parametrize("word", [a for pair in SAME for a in pair] + ["Yenakiieve", "iiiee", "shshch"])
def test_fold_is_idempotent(word):
    assert fold(fold(word)) == fold(word)


def test_tokens_keep_offsets_and_split_possessive_and_hyphen():
    text = "In Ivano-Frankivsk and Ukraine's Kam'ianske."
    toks = tokenize(text)
    assert [text[t.start:t.end] for t in toks] == ["In", "Ivano", "Frankivsk", "and", "Ukraine", "s", "Kam'ianske"]
    assert toks[2].joined  # the hyphen joins a name
    assert fold_name("Ivano-Frankivsk") == fold_name("Ivano Frankivsk")


def test_names_do_not_join_across_punctuation():
    toks = tokenize("Kherson. Region heads met. Mariupol,\nDonetsk")
    by_text = {t.text: t for t in toks}
    assert not by_text["Region"].joined  # ". " after a long word ends a sentence
    assert not by_text["Donetsk"].joined  # a comma and a line break
    assert tokenize("St. Petersburg")[1].joined  # but an abbreviation's dot does not
