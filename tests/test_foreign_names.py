"""Foreign first names written in Cyrillic, read back into the Latin name they transcribe
(text/foreign.py with gazetteers/rules/foreign-names.yaml)."""
from __future__ import annotations

import pytest

from transnorm import paths
from transnorm.text.foreign import NameReader, load_scheme

NAMES = {"jesus": 13, "jesusa": 3, "peter": 143, "giovanni": 25, "marcel": 77, "marsel": 10, "ann": 76,
         "enn": 7, "sonya": 23, "conyu": 2, "facundo": 1, "bana": 3}


@pytest.fixture(scope="module")
def reader():
    return NameReader(load_scheme(paths.gazetteers_dir() / "rules" / "foreign-names.yaml"), NAMES)


@pytest.mark.parametrize("word,nominative,latin", [
    ("Хесус", "хесус", "Jesus"),  # х is Spanish j
    ("Хесуса", "хесус", "Jesus"),  # a case form: the common name wins over the rare Jesusa
    ("Петером", "петер", "Peter"),
    ("Джованні", "джованні", "Giovanni"),  # дж is Italian gi
    ("Марселем", "марсель", "Marcel"),  # -ем back to -ь; Marcel is commoner than Marsel
    ("Енн", "енн", "Ann"),  # a double letter may be one
    ("Соню", "соня", "Sonya"),  # not "Conyu": the accusative of Соня
    ("Факундо", "факундо", "Facundo"),  # a rare name, but only one unusual spelling (c)
])
def test_a_case_form_reads_back_to_the_name_it_transcribes(reader, word, nominative, latin):
    assert reader.read(word) == (nominative, latin)


@pytest.mark.parametrize("word", ["Москва", "Осігве", "Бабана"])
def test_a_word_no_name_spells_cheaply_reads_as_none(reader, word):
    """Бабана could spell the rare Bana only by dropping letters no table drops."""
    assert reader.read(word) is None


def test_two_unusual_spellings_need_a_common_name(reader):
    """"Кака" spells Caca only with к read as c twice: enough for a common name, not a rare one."""
    scheme = reader.scheme
    assert NameReader(scheme, {"caca": 3}).read("Кака") is None
    assert NameReader(scheme, {"caca": 30}).read("Кака") == ("кака", "Caca")
