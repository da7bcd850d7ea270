"""Hromadas, starosta districts and village councils whose centre village the gazetteer lacks
(linking/centres.py): proposed for review from the adjective, never linked outright."""
from __future__ import annotations

from pathlib import Path

import pytest

from transnorm.config import load_config
from transnorm.gazetteer.adjectives import AdjectiveRules
from transnorm.gazetteer.schema import GazetteerError
from transnorm.linking.centres import latin_centre
from transnorm.pipeline import link_segment

CFG = load_config(None)
RULES = Path(__file__).resolve().parents[1] / "gazetteers" / "rules" / "adjectives.yaml"


def over(ents, text: str, word: str):
    a = text.index(word)
    return [e for e in ents if e.start <= a < e.end]


@pytest.mark.parametrize("base, centre", [
    ("Тойкут", "Тойкут"),  # a consonant: the name itself
    ("Чорноглазів", "Чорноглазівка"),  # -івський: -івка, two times in three
    ("Старосіль", "Старосілля"),
    ("Жидичин", "Жидичин"),
    ("Піщан", None),  # Піщане, Піщана, Піщанка: no guess
    ("Городнян", None),
])
def test_the_centre_guessed_from_an_adjectives_base(base, centre):
    assert AdjectiveRules.load(RULES).centre_of(base) == centre


@pytest.mark.parametrize("text, word, canonical", [
    ("– Тойкутський старостинський округ з центром у селі Тойкут, до складу якого входять", "Тойкутський", "Toikut"),
    ("У громаді ліквідували Бричківський і Чорноглазівський старостати.", "Чорноглазівський", "Chornohlazivka"),
    ("Валківський старостат буде включено до Чорноглазівського округу.", "Чорноглазівського", "Chornohlazivka"),
    ("Сесія Тойкутської сільської ради ухвалила бюджет.", "Тойкутської", "Toikut"),
    ("Голова Тойкутської громади заявив про обстріл.", "Тойкутської", "Toikut hromada"),
])
def test_an_unlisted_centre_is_proposed_for_review(full_index, text, word, canonical):
    ents = over(link_segment(text, "uk", full_index, CFG), text, word)
    assert [(e.canonical, e.method, e.status) for e in ents] == [(canonical, "generated", "review")], ents
    assert ents[0].reason and "lacks" in ents[0].reason


@pytest.mark.parametrize("text, lang", [
    ("Командувач Центрального військового округу прибув.", "uk"),  # a military okrug is no starosta district
    ("Курманський старостинський округ утворили торік.", "uk"),  # -анський: no guess
    ("Жители Тойкутского старостинского округа пострадали.", "ru"),  # Russian spelling is not undone
])
def test_no_centre_is_guessed_where_the_rules_cannot_say(full_index, text, lang):
    assert not [e for e in link_segment(text, lang, full_index, CFG) if e.method == "generated" and e.type == "place"
                and e.reason and "lacks" in e.reason]


@pytest.mark.parametrize("word, centre", [
    ("Staromayakivska", "Staromayakivka"), ("Toikutska", "Toikut"), ("Zhydychynska", "Zhydychyn"),
    ("Andriyevo-Ivanivska", "Andriyevo-Ivanivka"), ("Pishchanska", None), ("Kyiv", None),
])
def test_the_centre_guessed_from_an_adjective_in_english_letters(word, centre):
    """The same rows, in KMU 2010 letters: English reports keep a hromada's Ukrainian adjective."""
    assert latin_centre(word, AdjectiveRules.load(RULES)) == centre


def test_an_unlisted_centre_in_english_text_is_proposed_and_a_listed_one_linked(full_index):
    text = "Shelling hit the Velykopysarivska and Staromayakivska hromadas."
    ents = link_segment(text, "en", full_index, CFG)
    e = over(ents, text, "Staromayakivska")[0]
    assert (e.canonical, e.method, e.status) == ("Staromayakivka hromada", "generated", "review")
    e = over(ents, text, "Velykopysarivska")[0]
    assert (e.canonical, e.method) == ("Velyka Pysarivka hromada", "adjective")


def test_a_listed_centre_wins_over_a_guess(full_index):
    text = "Бої тривали біля Юнаківської громади."
    e = over(link_segment(text, "uk", full_index, CFG), text, "Юнаківської")[0]
    assert (e.canonical, e.method) == ("Yunakivka hromada", "adjective")


def test_a_malformed_centres_table_names_the_file(tmp_path):
    bad = tmp_path / "adjectives.yaml"
    bad.write_text(RULES.read_text(encoding="utf-8").replace("  - [ів, івка]", "  - ів", 1), encoding="utf-8")
    with pytest.raises(GazetteerError, match="centres"):
        AdjectiveRules.load(bad)
