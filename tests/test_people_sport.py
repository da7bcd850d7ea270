"""Foreign athletes written in Cyrillic link to their gazetteer entry (gazetteers/people-sport.yaml).

A foreign name in Cyrillic ("Кэти Бултер", "Кароліну Плішкову") cannot be romanised letter by
letter: only the entry gives "Katie Boulter" and "Karolína Plíšková". These tests check that
inflected press forms, surname-only mentions and multi-word surnames reach the entry, and that
a surname that is also a city stays a city when the person is not named.
"""

from __future__ import annotations

from transnorm.config import load_config
from transnorm.pipeline import link_segment

CFG = load_config(None)


def _links(text: str, lang: str, index) -> dict[str, tuple[str | None, str | None]]:
    return {text[e.start : e.end]: (e.gazetteer_id, e.rewrite) for e in link_segment(text, lang, index, CFG)}


def test_inflected_foreign_tennis_players(full_index):
    text = "Рыбакина победила британку Кэти Бултер в двух сетах. Бултер не смогла ответить."
    got = _links(text, "ru", full_index)
    assert got["Кэти Бултер"] == ("person-katie-boulter", "Katie Boulter")
    assert got["Бултер"][0] == "person-katie-boulter"  # the surname alone, after the full name
    text = "Українка Еліна Світоліна перемогла Кароліну Плішкову з Чехії та вийшла у фінал."
    got = _links(text, "uk", full_index)
    assert got["Кароліну Плішкову"] == ("person-karolina-pliskova", "Karolína Plíšková")


def test_biathletes_with_multi_word_names(full_index):
    text = "Себастьяна Самуельссона обійшов Кантен Фійон-Майє, а Йоганнес Тінгнес Бо був третім."
    got = _links(text, "uk", full_index)
    assert got["Себастьяна Самуельссона"] == ("person-sebastian-samuelsson", "Sebastian Samuelsson")
    assert got["Кантен Фійон-Майє"][0] == "person-quentin-fillon-maillet"
    assert got["Йоганнес Тінгнес Бо"] == ("person-johannes-thingnes-bo", "Johannes Thingnes Bø")


def test_high_jumpers_beside_mahuchikh(full_index):
    text = "Ярослава Магучіх випередила Ніколу Оліслагерс та Елеанор Паттерсон."
    got = _links(text, "uk", full_index)
    assert got["Ніколу Оліслагерс"][0] == "person-nicola-olyslagers"
    assert got["Елеанор Паттерсон"][0] == "person-eleanor-patterson"


def test_a_surname_that_is_a_city_links_the_person_only_in_full(full_index):
    text = "Японка Наоми Осака выиграла турнир в Осаке."
    got = _links(text, "ru", full_index)
    assert got["Наоми Осака"][0] == "person-naomi-osaka"
    assert got["Осаке"][0] != "person-naomi-osaka"  # no short form: the city keeps its name
