"""A person named in full, then by the first name (and patronymic): the same person."""
from __future__ import annotations

from transnorm.config import load_config
from transnorm.pipeline import link_segment

CFG = load_config(None)


def _at(ents, text: str, word: str, nth: int = 1):
    a = -1
    for _ in range(nth):
        a = text.index(word, a + 1)
    return [e for e in ents if e.start == a and e.end == a + len(word)]


def test_a_lone_first_name_is_the_person_named_in_full(full_index):
    text = "Фехтувальниця Ольга Харлан перевершила результат. Саме Ольга відіграла вирішальну роль."
    ents = link_segment(text, "uk", full_index, CFG)
    got = _at(ents, text, "Ольга", 2)
    assert got and got[0].gazetteer_id == "person-olha-kharlan" and got[0].method == "coref"
    assert got[0].rewrite == "Olha"  # English shows the first name, spelt as the person's canonical
    text = "Украинская теннисистка Элина Свитолина вышла в четвертьфинал. Элина дошла до финала."
    got = _at(link_segment(text, "ru", full_index, CFG), text, "Элина", 2)
    assert got and got[0].gazetteer_id == "person-elina-svitolina"


def test_first_name_and_patronymic_of_a_person_named_by_surname(full_index):
    text = "Ця гра стала для Реброва вже 30-ю. Сергій Станіславович виявився п'ятим тренером."
    got = _at(link_segment(text, "uk", full_index, CFG), text, "Сергій Станіславович")
    assert got and got[0].gazetteer_id == "person-serhiy-rebrov"


def test_a_generated_person_is_taken_up_by_the_first_name_too(full_index):
    text = "Артист Ярослав Карпук виступить у Києві. Святослав Вакарчук та Ярослав виконають трек."
    ents = link_segment(text, "uk", full_index, CFG)
    full = _at(ents, text, "Ярослав Карпук")[0]
    lone = _at(ents, text, "Ярослав", 2)
    assert lone and lone[0].gazetteer_id == full.gazetteer_id and lone[0].status == full.status == "review"


def test_an_ambiguous_or_unnamed_first_name_links_nobody(full_index):
    text = "Ольга Петренко и Ольга Иванова приехали в Киев. Ольга сказала, что всё хорошо."
    assert not _at(link_segment(text, "ru", full_index, CFG), text, "Ольга", 3)
    text = "Олександр Сирський прибув. Олександр Петренко сказав. Олександр додав."
    assert not _at(link_segment(text, "uk", full_index, CFG), text, "Олександр", 3)
    # a first name no person of the text bears
    text = "Володимир Зеленський приїхав до Києва. Ольга зустріла його."
    assert not _at(link_segment(text, "uk", full_index, CFG), text, "Ольга")


def test_first_name_and_patronymic_of_a_person_just_named_with_a_surname(full_index):
    """"Главой Кизляра избран Иван Лазурков: «Иван Иванович проходил службу»": the patronymic is no
    second surname beside the first name, so the text names one Ivan."""
    text = "Главой Кизляра избран Иван Лазурков: «Иван Иванович проходил службу в органах»."
    ents = link_segment(text, "ru", full_index, CFG)
    full, again = _at(ents, text, "Иван Лазурков"), _at(ents, text, "Иван Иванович")
    assert full and again and again[0].gazetteer_id == full[0].gazetteer_id and again[0].method == "coref"


def test_first_name_and_patronymic_spelt_by_the_initials_of_a_named_person(full_index):
    """"И.В. Мичурина ... Ивана Владимировича": two Ivans in the text, the initials say which."""
    text = ("Накануне дня рождения И.В. Мичурина открылась выставка. Портрет Ивана Владимировича написал "
            "художник. Там же картины Ивана Еханина.")
    got = _at(link_segment(text, "ru", full_index, CFG), text, "Ивана Владимировича")
    assert got and got[0].gazetteer_id == "person-ivan-michurin" and got[0].method == "coref"
