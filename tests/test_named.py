"""Names inside longer names (issue 15, family 4): clubs, plants, stations, units, ships.

A listed organisation or facility links as the whole name; a place next to a cue word of
lexicon.yaml `named_things` becomes one `named` entity for the whole name (never a mention of
the place), with the place among its candidates. Sentences written for the purpose.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from transnorm.config import load_config
from transnorm.evaluation.score import is_prediction
from transnorm.gazetteer.entries import load_entries
from transnorm.pipeline import link_segment

ROOT = Path(__file__).resolve().parents[1]
CFG = load_config(None)


def linked(index, text: str, lang: str):
    ents = link_segment(text, lang, index, CFG)
    for e in ents:
        assert text[e.start:e.end] == e.surface
    for a, b in zip(ents, ents[1:]):
        assert a.end <= b.start  # sorted and disjoint
    return ents


def by_surface(ents):
    return {e.surface: e for e in ents}


@pytest.mark.parametrize("text, lang, surface, gid", [
    ("Shakhtar Donetsk beat Dynamo Kiev 2:1.", "en", "Shakhtar Donetsk", "org-club-shakhtar-donetsk"),
    ("Shakhtar Donetsk beat Dynamo Kiev 2:1.", "en", "Dynamo Kiev", "org-club-dynamo-kyiv"),
    ("Kharkiv Metalist escaped defeat against Zhytomyr Polesie.", "en", "Zhytomyr Polesie",
     "org-club-polissya-zhytomyr"),
    ("Services in the Lavra by the Moscow Patriarchate were banned.", "en", "Moscow Patriarchate",
     "org-church-moscow-patriarchate"),
    ("Donetsk «Шахтер» здесь ни при чем: «Шахтер» обыграл «Зенит».", "ru", "Зенит", "org-club-zenit"),
    ("Штаб Черноморского флота в Севастополе был поражен.", "ru", "Черноморского флота", "org-unit-black-sea-fleet"),
    ("Команды «Лос-Анджелес Клипперс» и «Лос-Анджелес Лейкерс» сыграли.", "ru", "Лос-Анджелес Лейкерс",
     "org-club-la-lakers"),
    ("Удар по Харківському тракторному заводу.", "uk", "Харківському тракторному заводу",
     "org-company-kharkiv-tractor-plant"),
    ("Kursk NPP and Boryspil airport were named.", "en", "Kursk NPP", "ru-facility-kursk-npp"),
    ("Kursk NPP and Boryspil airport were named.", "en", "Boryspil airport", "ua-facility-boryspil-airport"),
    ("Хмельницька АЕС працює у штатному режимі.", "uk", "Хмельницька АЕС", "ua-facility-khmelnytskyi-npp"),
])
def test_listed_whole_names_link_as_a_whole(index, text, lang, surface, gid):
    e = by_surface(linked(index, text, lang))[surface]
    assert e.gazetteer_id == gid and e.status in ("auto", "review")


def test_organisation_links_are_not_place_mentions(index):
    ents = linked(index, "Shakhtar Donetsk beat Dynamo Kiev at the Kyiv Olympic stadium.", "en")
    assert {e.type for e in ents if e.surface in ("Shakhtar Donetsk", "Dynamo Kiev")} == {"organisation"}
    assert not any(e.gazetteer_id in ("ua-city-donetsk", "ua-city-kyiv") and e.surface != "Kyiv" for e in ents)
    assert not any(is_prediction(e) for e in ents if e.type == "organisation")  # the eval scores places/people


@pytest.mark.parametrize("text, lang, surface, type_, kind, place", [
    ("The Black Sea Fleet lost the cruiser Moskva in 2022.", "en", "Moskva", "organisation", "ship", "ru-city-moscow"),
    ("Drones hit the Rivne Tractor Plant overnight.", "en", "Rivne Tractor Plant", "place", "plant", "ua-city-rivne"),
    ("Trains will pass the Dnepr station without stopping.", "en", "Dnepr station", "place", "station",
     "ua-city-dnipro"),
    ("information from Russia's “Dnepr” military grouping, he said", "en", "Dnepr", "organisation", "unit",
     "ua-city-dnipro"),
    ("FC Dnipro lost at home.", "en", "FC Dnipro", "organisation", "club", "ua-city-dnipro"),
    ("Fighters of the Azov regiment came home.", "en", "Azov regiment", "organisation", "unit", None),
    ("Бойцы батальона «Донбасс» вернулись домой.", "ru", "Донбасс", "organisation", "unit", None),
    ("Крейсер «Москва» затонул в апреле.", "ru", "Москва", "organisation", "ship", "ru-city-moscow"),
    ("Группировка войск «Днепр» наступает.", "ru", "Днепр", "organisation", "unit", "ua-city-dnipro"),
    ("Речник угруповання військ «Дніпро» Віктор Трегубов.", "uk", "Дніпро", "organisation", "unit",
     "ua-city-dnipro"),
    ("Дроны атаковали Волгоградский нефтеперерабатывающий завод.", "ru",
     "Волгоградский нефтеперерабатывающий завод", "place", "plant", None),
    ("Аэропорт «Борисполь» закрыт.", "ru", "Борисполь", "place", "airport", "ua-city-boryspil"),
    ("Members of the Sumy Fellowship met in Kyiv.", "en", "Sumy Fellowship", "organisation", "institution",
     "ua-city-sumy"),
    ("Гурт Kalush Orchestra виступив у Турині.", "uk", "Kalush Orchestra", "organisation", "institution",
     "ua-city-kalush"),
    ("The opening took place in the Ivan Franko Central Library.", "en", "Ivan Franko Central Library",
     "organisation", "institution", "person-ivan-franko"),  # named after a person: neither is mentioned
    ("The film premiered at the Bohdan Khmelnytskyi Cinema yesterday.", "en", "Bohdan Khmelnytskyi Cinema",
     "organisation", "institution", "person-bohdan-khmelnytskyi"),
    ("The project is funded by the U-LEAD with Europe Programme.", "en", "Europe Programme", "organisation",
     "institution", "continent-europe"),
    ("Виставку відкрив Сумський обласний художній музей.", "uk", "Сумський обласний художній музей",
     "organisation", "institution", "ua-oblast-sumy"),  # a museum, a theatre named after a place: neither
    ("Прем'єра відбулася в Одеському театрі.", "uk", "Одеському театрі", "organisation", "institution", None),
    ("The meeting at the Valery Lobanovsky Stadium in Kyiv ended 3:1.", "en", "Valery Lobanovsky Stadium", "place",
     "stadium", "person-valeriy-lobanovskyi"),
    # a year joined to the name: an event, not the country or the city
    ("Она выиграла этап Гран-при Skate Canada-2021 в Ванкувере.", "ru", "Canada-2021", "organisation", "event",
     "country-ca"),
    ("Вона зустрінеться з чемпіонкою Wimbledon-2024 з Чехії.", "uk", "Wimbledon-2024", "organisation", "event",
     None),  # not a person after a role word
    # an outlet named right after its word, unquoted
    ("За словами начальника поліції, пише газета Полісся.", "uk", "Полісся", "organisation", "media",
     "ua-region-polissia"),
])
def test_a_place_next_to_a_cue_word_is_one_named_thing(index, text, lang, surface, type_, kind, place):
    ents = by_surface(linked(index, text, lang))
    e = ents[surface]
    assert (e.type, e.kind, e.method, e.status, e.gazetteer_id) == (type_, kind, "named", "unresolved", None)
    assert e.reason and kind in e.reason
    if place:
        assert place in [c.gazetteer_id for c in e.candidates]  # the place it is named after, as evidence
    # no mention of the city or town inside the name
    assert not any(is_prediction(x) for x in ents.values() if x.start < e.end and e.start < x.end)


def test_a_capitalised_adjective_at_a_sentence_start_names_nothing(index):
    """Any adjective is capitalised at a sentence's start: "Новый завод" is a new plant."""
    assert not linked(index, "Новый завод открыли вчера.", "ru")


def test_proposed_name_respells_the_place_part(index):
    e = by_surface(linked(index, "Drones hit the Kharkov Tractor Works.", "en"))["Kharkov Tractor Works"]
    assert e.canonical == "Kharkiv Tractor Works"
    ship = by_surface(linked(index, "the cruiser Moskva sank", "en"))["Moskva"]
    assert ship.canonical == "Moskva"  # a name that is only the place's name is kept as written


@pytest.mark.parametrize("text, lang, surface, gid", [
    ("A police station in central Kyiv was hit.", "en", "Kyiv", "ua-city-kyiv"),
    ("The Kyiv police station was hit.", "en", "Kyiv", "ua-city-kyiv"),  # a police station in Kyiv
    ("Он родился на станции Зима Иркутской области.", "ru", "Зима", None),  # a town, unquoted
    ("Защитники Мариуполя удерживали завод «Азовсталь».", "ru", "Мариуполя", "ua-city-mariupol"),
    ("Защитники Мариуполя удерживали завод «Азовсталь».", "ru", "Азовсталь", "ua-facility-azovstal"),
    ("Команда Украины обыграла Исландию.", "ru", "Украины", "country-ua"),  # the national team: the country
    ("У Чернігові пошкоджено будівлю університету.", "uk", "Чернігові", "ua-city-chernihiv"),
])
def test_places_without_a_cue_stay_places(full_index, text, lang, surface, gid):
    e = by_surface(linked(full_index, text, lang))[surface]
    assert e.method != "named"
    if gid:
        assert e.gazetteer_id == gid


def test_organisations_file_is_well_formed():
    entries = load_entries(ROOT / "gazetteers" / "organisations.yaml")
    assert len(entries) >= 40
    for e in entries:
        assert e.type == "organisation" and e.id.startswith("org-"), e.id
        assert e.kind in ("club", "media", "church", "unit", "company", "university"), e.id
        assert e.country, e.id


def test_a_mention_inside_a_quoted_name_after_a_cue_is_part_of_that_name(full_index):
    """'группы "Хорея Козацька"', 'партия «Патриоты Украины»': the quoted name holds more words than
    the mention; the band or the party is the named thing, not Dmytro Kozatskyi or Ukraine."""
    text = "Лауреатами стали исполнители группы \"Хорея Козацька\" и партия «Патриоты Украины»."
    ents = by_surface(linked(full_index, text, "ru"))
    for surface in ("Хорея Козацька", "Патриоты Украины"):
        e = ents[surface]
        assert (e.type, e.kind, e.method, e.gazetteer_id) == ("organisation", "group", "named", None)
    assert "Козацька" not in ents and "Украины" not in ents
    # without a cue the quoted words keep their mention
    text = "Он спел «Песню о Харькове» на концерте."
    assert by_surface(linked(full_index, text, "ru"))["Харькове"].gazetteer_id == "ua-city-kharkiv"


def test_the_outlet_a_reporting_verb_names_is_no_place_mention(full_index):
    """'передають Патріоти України', 'как сообщает Depo.Львов', 'як повідомляє Суспільне Харків':
    the outlet's name holds the place; a person after the same verb stays the person."""
    for text, lang, surface in (
            ("Зустріч відбудеться восени, передають Патріоти України.", "uk", "Патріоти України"),
            ("Как сообщает Depo.Львов Львовский городской совет может признать работу.", "ru", "Depo.Львов"),
            ("Як повідомляє Суспільне Харків, вибухи пролунали в Харкові.", "uk", "Суспільне Харків")):
        e = by_surface(linked(full_index, text, lang))[surface]
        assert (e.type, e.kind, e.gazetteer_id) == ("organisation", "media", None), text
    ents = by_surface(linked(full_index, "Як повідомляє Суспільне Харків, вибухи пролунали в Харкові.", "uk"))
    assert ents["Харкові"].gazetteer_id == "ua-city-kharkiv"  # the report's own mention of the city stays
    e = by_surface(linked(full_index, "Про це повідомляє Олег Синєгубов.", "uk"))["Олег Синєгубов"]
    assert e.type == "person" and e.gazetteer_id


@pytest.mark.parametrize("text, lang, surface, place", [
    ("Український дім (вул. Хрещатик, 2) запрошує на виставку.", "uk", "Хрещатик", None),
    ("Будинок на вулиці Шевченка пошкоджено уламками.", "uk", "Шевченка", None),
    ("Обстрел на улице Гоголя в Херсоне.", "ru", "Гоголя", None),  # a listed person's case form, one word
    ("Участок по улице Вербицкого уже в серой зоне.", "ru", "Вербицкого", None),  # a surname nobody lists
    ("Remains were found on Kharkivska Street in Sumy.", "en", "Kharkivska Street", "ua-oblast-kharkiv"),
])
def test_a_street_named_after_a_place_or_a_person_is_neither(full_index, text, lang, surface, place):
    ents = by_surface(linked(full_index, text, lang))
    e = ents[surface]
    assert (e.kind, e.method, e.gazetteer_id) == ("street", "named", None)
    if place:
        assert place in [c.gazetteer_id for c in e.candidates]


@pytest.mark.parametrize("text, lang, surface, gid", [
    ("У Харкові вулиці перекриті після обстрілу.", "uk", "Харкові", "ua-city-kharkiv"),
    ("Снег лежит на 60% площади Российской Федерации.", "ru", "Российской Федерации", "country-ru"),
])
def test_a_street_word_after_a_place_or_an_area_word_names_no_street(full_index, text, lang, surface, gid):
    assert by_surface(linked(full_index, text, lang))[surface].gazetteer_id == gid


@pytest.mark.parametrize("text, lang, surface", [
    ("Запрошуємо до музею на виставку «Шлях додому. Крим» до кінця місяця.", "uk", "Шлях додому. Крим"),
    ("Запрошуємо на виставку «Крим» у музеї.", "uk", "Крим"),
    ('The documentary film "Mariupolis" won a prize in Kyiv.', "en", "Mariupolis"),
])
def test_a_quoted_title_of_a_work_names_no_place(full_index, text, lang, surface):
    """A title after a work's word (exhibition, film, опера, виставка) is the work: the place in it is
    no mention (guillemets pair, so a title in them may hold a full stop)."""
    e = by_surface(linked(full_index, text, lang))[surface]
    assert (e.kind, e.method, e.gazetteer_id) == ("work", "named", None)


@pytest.mark.parametrize("text, lang, surface", [
    ("У театрах чекаємо на «Казки Гофмана» Івана Уривського й «Конотопську відьму» Георгія Ковтуна.", "uk",
     "Конотопську відьму"),
    ("У театрах чекаємо на «Кавказьке крейдяне коло» Дати Тавадзе.", "uk", "Кавказьке крейдяне коло"),
    ("Вечером покажут «Конотопскую ведьму» в новой постановке.", "ru", "Конотопскую ведьму"),
])
def test_a_place_adjective_in_a_quoted_title_is_the_title_without_a_cue_word(full_index, text, lang, surface):
    """A place adjective in quotes with a noun of its own is a title (an opera, a play), even when no
    work's word stands before it: not Konotop, not the Caucasus."""
    ents = linked(full_index, text, lang)
    e = by_surface(ents)[surface]
    assert (e.kind, e.method, e.gazetteer_id) == ("work", "named", None)
    assert not [x for x in ents if x.gazetteer_id and e.start <= x.start < e.end]


@pytest.mark.parametrize("text, lang, surface", [
    ("Газопровід «Сила Сибіру-2» так і не збудували.", "uk", "Сила Сибіру-2"),
    ("Движение «Матери Донбасса» выступило с заявлением.", "ru", "Матери Донбасса"),
])
def test_a_pipeline_or_a_movement_named_after_a_region_names_no_region(full_index, text, lang, surface):
    """Lexicon cues (named_things): a pipeline's or a movement's quoted name holds no mention of Siberia
    or Donbas."""
    ents = linked(full_index, text, lang)
    e = by_surface(ents)[surface]
    assert e.method == "named" and e.gazetteer_id is None
    assert not [x for x in ents if x.gazetteer_id and e.start <= x.start < e.end]


@pytest.mark.parametrize("text, lang, surface", [
    ('Донецкий "Шахтер" в Киеве принимал житомирское "Полесье".', "ru", "Полесье"),
    ("Матч «Днепр» — «Львов» перенесли.", "ru", "Днепр"),
    ("Матч «Днепр» — «Львов» перенесли.", "ru", "Львов"),
    ("Про це повідомив Telegram-канал «Николаевский Ванёк».", "uk", "Николаевский Ванёк"),
])
def test_a_city_region_or_country_alone_in_quotes_is_something_named_after_it(full_index, text, lang, surface):
    """Russian and Ukrainian news quote a club, a company or a channel named after a place, never the
    place: the quoted name is an organisation, no mention of the place."""
    e = by_surface(linked(full_index, text, lang))[surface]
    assert (e.type, e.method, e.gazetteer_id) == ("organisation", "named", None)


def test_a_quoted_village_stays_the_place(full_index):
    """A checkpoint or a station bears a village's name: that is the place."""
    e = by_surface(linked(full_index, 'Роботу поромного пункту пропуску "Орлівка" призупинили.', "uk"))["Орлівка"]
    assert e.type == "place" and e.gazetteer_id


def test_a_quoted_place_noun_in_speech_stays_the_place(full_index):
    text = "«Харків вистоїть», — сказав мер."  # a noun, not an adjective: the city
    assert by_surface(linked(full_index, text, "uk"))["Харків"].gazetteer_id == "ua-city-kharkiv"


def test_quoted_speech_with_a_full_stop_keeps_its_places(full_index):
    text = "«Ми звільнили Бахмут. Це перемога», — заявив генерал."
    assert by_surface(linked(full_index, text, "uk"))["Бахмут"].gazetteer_id == "ua-city-bakhmut"


def test_a_hyphened_quoted_name_after_a_cue_is_the_named_thing(full_index):
    """«Агро-Белогорья» is a company (its cue "предприятие" before it), not the place Belogorye."""
    text = "Дрон-камикадзе залетел на предприятие «Агро-Белогорья» и уничтожил камеры."
    e = by_surface(linked(full_index, text, "ru"))["Агро-Белогорья"]
    assert (e.kind, e.method, e.gazetteer_id) == ("company", "named", None)
