"""World cultural figures culture news name, often by the surname alone and in a case form
(gazetteers/people-culture.yaml): "Твори Шекспіра, Ібсена", "творили Клод Моне, Пьер Боннар".
A foreign name in Cyrillic cannot be romanised letter by letter (Klod Mone); only the entry gives
Claude Monet. A surname that is a common word or someone else's stays unlinked."""

from __future__ import annotations

from transnorm.config import load_config
from transnorm.pipeline import link_segment

CFG = load_config(None)


def _links(text: str, lang: str, index) -> dict[str, tuple[str | None, str]]:
    return {text[e.start:e.end]: (e.gazetteer_id, e.status) for e in link_segment(text, lang, index, CFG)}


def test_writers_by_surname_in_a_case_form(full_index):
    got = _links("Твори Шекспіра та Ібсена отримають нове дихання у прочитаннях режисерів.", "uk", full_index)
    assert got["Шекспіра"] == ("person-william-shakespeare", "auto")
    assert got["Ібсена"] == ("person-henrik-ibsen", "auto")


def test_foreign_painters_in_cyrillic_are_their_own_names(full_index):
    got = _links("Виды парка переносят в места, где творили Клод Моне, Пьер Боннар и другие мастера.", "ru",
                 full_index)
    assert got["Клод Моне"] == ("person-claude-monet", "auto")
    assert got["Пьер Боннар"] == ("person-pierre-bonnard", "auto")
    got = _links("The orchestra played Mozart and Beethoven.", "en", full_index)
    assert got["Mozart"][0] == "person-wolfgang-amadeus-mozart" and got["Beethoven"][0] == "person-ludwig-van-beethoven"


def test_a_surname_that_is_a_common_word_or_another_persons_is_not_linked_alone(full_index):
    """Bach ("бах!") and Miller (also Gazprom's Alexei Miller) have no surname-only form."""
    got = _links("Бах! — і світло згасло. Міллер нічого не сказав.", "uk", full_index)
    assert got.get("Бах", (None,))[0] != "person-johann-sebastian-bach"
    assert got.get("Міллер", (None,))[0] != "person-arthur-miller"


def test_a_plural_noun_opening_a_sentence_is_no_first_name_before_a_writer(full_index):
    """"Романи Гемінґвея" are Hemingway's novels, not a Romana Hemingveia: a sentence's first word read
    first as a plural common noun is no first name (Роман), so the writer keeps his link; a first name
    read first as one still opens a person's name."""
    got = _links("Романи Гемінґвея перекладені українською.", "uk", full_index)
    assert got["Гемінґвея"] == ("person-ernest-hemingway", "auto")
    got = _links("Романы Ремарка снова популярны.", "ru", full_index)
    assert got["Ремарка"] == ("person-erich-maria-remarque", "auto")
    got = _links("Роман Старовойт прибыл в Курск.", "ru", full_index)
    assert got["Роман Старовойт"] == ("person-roman-starovoit", "auto")


def test_performers_named_by_a_stage_name_alone_in_a_case_form(full_index):
    """Culture news names singers by a stage name alone and declines it: "концерт Земфиры",
    "разом з Джамалою", "Потап и Настя Каменских" (gazetteers/people-ua.yaml, people-ru.yaml)."""
    got = _links("Концерт Земфиры перенесли, Земфира выступит в Риге.", "ru", full_index)
    assert got["Земфиры"] == ("person-zemfira", "auto") and got["Земфира"] == ("person-zemfira", "auto")
    got = _links("Разом з Джамалою вони вперше виконали спільну композицію.", "uk", full_index)
    assert got["Джамалою"] == ("person-jamala", "auto")
    got = _links("Потап и Настя Каменских дали концерт в Одессе.", "ru", full_index)
    assert got["Потап"][0] == "person-oleksii-potapenko" and got["Настя Каменских"][0] == "person-nastya-kamenskykh"


def test_ukrainian_writers_and_painters_by_surname_in_a_case_form(full_index):
    """Classics culture news names by the surname alone, declined: "повісті Гоголя", "картини
    Малевича і Куїнджі", "п'єси Старицького"."""
    got = _links("У музеї показали повісті Гоголя, картини Малевича і Куїнджі та п'єси Старицького.", "uk",
                 full_index)
    assert got["Гоголя"][0] == "person-mykola-hohol" and got["Малевича"][0] == "person-kazimir-malevich"
    assert got["Куїнджі"][0] == "person-arkhip-kuindzhi" and got["Старицького"][0] == "person-mykhailo-starytskyi"
