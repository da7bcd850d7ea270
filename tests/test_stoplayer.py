"""The stop layer: common words that also name some village link only with evidence, never auto.

Built from data (wordfreq's en/ru/uk frequency lists, the lexicon's first names and stopwords),
minus every name the gazetteer holds on purpose. Checked on the real gazetteer: a property test
over sentences of frequent words in every position, and sentences written for each family.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wordfreq import top_n_list

from transnorm.config import MatchConfig
from transnorm.gazetteer.stoplayer import frequent_words, protected_names
from transnorm.linking import keys as linking_keys
from transnorm.linking.match import link
from transnorm.text.fold import fold_name

MATCH = MatchConfig()


def links(full_index, text: str, lang: str = "en"):
    kf = linking_keys.keys_fn(full_index, lang) if lang in ("ru", "uk") else None
    return {e.surface: e for e in link(text, full_index, MATCH, keys_fn=kf) if e.gazetteer_id}


def test_frequent_words_come_from_the_frequency_lists():
    words = frequent_words(min_zipf=5.0)  # only the commonest: fast, and enough to show the source
    assert {fold_name("the"), fold_name("которые"), fold_name("який")} <= words
    assert fold_name("Bakhmut") not in words


def test_curated_names_countries_and_big_places_are_protected(full_index):
    protected = protected_names(full_index.entries)
    for name in ("Georgia", "Kyiv", "Paris", "Ukraine", "Київ", "Харків"):
        assert fold_name(name) in protected, name
        assert fold_name(name) not in full_index.stop, name
    for word in ("victory", "match", "progress", "часа", "совета", "мир", "победа", "далі", "балка"):
        assert fold_name(word) in full_index.stop, word


def test_a_big_towns_case_forms_are_no_common_words(full_index):
    """"Томске", "Оренбурге" are frequent words only because the cities are: as case forms of a
    protected name they leave the stop layer and link; "мира" (the noun мир) and "иванова" (a
    surname first, then Иваново) stay in it."""
    stop = full_index.stop
    for word in ("томске", "оренбурге", "курска", "тюмени", "перми"):  # also names ending in a soft sign
        assert fold_name(word) not in stop
    for word in ("мира", "иванова", "долины"):
        assert fold_name(word) in stop
    for text, surface, gid_country in (("В Томске прошёл митинг.", "Томске", "RU"),
                                       ("Губернатор выступил в Оренбурге.", "Оренбурге", "RU"),
                                       ("В Тюмени продолжается чемпионат России.", "Тюмени", "RU")):
        e = links(full_index, text, "ru")[surface]
        assert e.status == "auto" and full_index.get(e.gazetteer_id).country == gid_country


def test_a_countrys_own_cyrillic_name_in_any_case_is_no_common_word(full_index):
    """Frequent words include every country's name: Хорватія, Ирак, Куба (pycountry's, not
    curated) leave the stop layer with their case forms and link; a country name that is also a
    function word or a verb (Того "that", Мали "had") stays in it."""
    stop = full_index.stop
    for word in ("хорватія", "хорватії", "хорватію", "ирака", "кубы", "іраку"):
        assert fold_name(word) not in stop, word
    for word in ("того", "мали", "малі", "самой"):
        assert fold_name(word) in stop, word
    for text, lang, surface, canonical in (
            ("До Києва прибув прем'єр-міністр Хорватії Андрей Пленкович.", "uk", "Хорватії", "Croatia"),
            ("Посол Ирака вручил верительные грамоты.", "ru", "Ирака", "Iraq"),
            ("Делегація повернулася з Іраку.", "uk", "Іраку", "Iraq")):
        assert links(full_index, text, lang)[surface].canonical == canonical, text
    for text, lang, word in (("Того дня обстріли тривали.", "uk", "Того"), ("Вони мали рацію.", "uk", "мали"),
                             ("Самой большой проблемой остается жилье.", "ru", "Самой"),
                             ("Обстріляли Гуляйполе, Оріхів, Малі Щербаки, Новоандріївку.", "uk", "Малі")):
        assert word not in links(full_index, text, lang), text


@pytest.mark.parametrize("text,lang,surface,canonical", [
    ("Вчора до Києва прибув міністр Хорватії Гордан Грліч-Радман, повідомило МЗС.", "uk", "Хорватії", "Croatia"),
    ("Вчера в Москве министр Кубы Бруно Родригес провел переговоры.", "ru", "Кубы", "Cuba"),
])
def test_a_country_before_a_foreign_persons_name_is_the_country_auto(full_index, text, lang, surface, canonical):
    """An inflected country and then a first name nobody lists: the country, linked `auto`
    (pycountry gives countries no population; that is no "small town abroad"), and not the first
    name of the person that follows."""
    e = links(full_index, text, lang)[surface]
    assert (e.canonical, e.status) == (canonical, "auto")


def test_a_country_name_ending_a_hyphenated_name_is_not_rewritten(full_index):
    e = links(full_index, "Вчера глава Ирака Мохаммед Шиа ас-Судани прибыл в Москву.", "ru").get("Судани")
    assert e is None or e.status != "auto"


@pytest.mark.parametrize("text,lang,word", [
    ("The Match between the two clubs ended in a draw.", "en", "Match"),
    ("The Biathlon World Cup moved to Oberhof.", "en", "Cup"),
    ("He won three world Cup medals before the final.", "en", "Cup"),  # a title's capital, mid-sentence
    ("Около Часа ночи прогремели взрывы.", "ru", "Часа"),
    ("Решение Совета безопасности ООН ожидается завтра.", "ru", "Совета"),
    ("Далі буде оголошено результати.", "uk", "Далі"),
    ("Газета «Победа» вышла спецвыпуском.", "ru", "Победа"),
    ("У Перемога Арені відбувся концерт.", "uk", "Перемога"),
])
def test_a_common_word_links_no_generated_place_without_evidence(full_index, text, lang, word):
    got = links(full_index, text, lang)
    assert word not in got, (word, got.get(word))


@pytest.mark.parametrize("text,lang,surface", [
    ("Окупанти обстріляли село Перемога на Харківщині.", "uk", "Перемога"),
    ("Российские войска атаковали село Дружба в Сумской области.", "ru", "Дружба"),
    ("Shelling hit the village of Progress overnight.", "en", "Progress"),
])
def test_with_a_settlement_cue_it_is_queued_for_review_not_rewritten(full_index, text, lang, surface):
    e = links(full_index, text, lang)[surface]
    assert e.type == "place" and e.status == "review" and e.score < MATCH.t_auto


def test_curated_and_protected_names_still_link_auto(full_index):
    got = links(full_index, "Talks in Georgia and Paris continued, Kyiv said.")
    assert {got[n].status for n in ("Georgia", "Paris", "Kyiv")} == {"auto"}


# Property: whatever sentence the frequent words make, none of them links `auto` (a curated entry's
# name in any inflected form is that entry's name, not a common word: it may).
SURFACES = [w for lang in ("en", "ru", "uk") for w in top_n_list(lang, 3000) if w.isalpha() and len(w) >= 3]
word = st.sampled_from(SURFACES)
cased = st.one_of(word, word.map(str.capitalize), word.map(str.upper))
context = st.sampled_from(["", "in ", "near ", "в ", "у ", "під ", "село ", "the village of ", ", ", " and ",
                           "Kyiv ", "Харків ", ". "])
sentence = st.lists(st.tuples(context, cased), min_size=1, max_size=8).map(
    lambda parts: " ".join(c + w for c, w in parts))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=sentence, lang=st.sampled_from(["en", "ru", "uk"]))
def test_no_stop_layer_word_links_auto(full_index, text, lang):
    kf = linking_keys.keys_fn(full_index, lang) if lang in ("ru", "uk") else None
    for e in link(text, full_index, MATCH, keys_fn=kf):
        if e.status == "auto" and " " not in e.surface and fold_name(e.surface) in full_index.stop:
            entry = full_index.get(e.gazetteer_id)
            assert entry is not None and entry.source == "curated", (text, e.surface, e.canonical, e.method)


def test_a_hand_listed_common_word_links_only_after_a_cue_or_in_a_list(full_index):
    assert "Маяк" not in links(full_index, "Маяк сообщил о пожаре.", "ru")
    listed = links(full_index, "Бои шли у Никаноровки, Маяк, Владимировка и Шахово.", "ru")
    assert listed["Маяк"].status == "review" and listed["Маяк"].type == "place"


@pytest.mark.parametrize("text", ["Село Олександрівка знеструмлене.", "Росіяни обстріляли Олександрівку."])
def test_a_village_name_is_no_nickname_of_a_city(full_index, text):
    """GeoNames lists "Aleksandrovka" among Donetsk's names; villages bear it as their own."""
    (e,) = [e for e in links(full_index, text, "uk").values() if e.surface.startswith("Олександрівк")]
    assert e.gazetteer_id != "ua-city-donetsk" and e.canonical == "Oleksandrivka"


def test_a_listed_historic_name_still_beats_villages_named_like_it(full_index):
    e = links(full_index, "Послы прибыли в Константинополь.", "ru")["Константинополь"]
    assert e.gazetteer_id == "tr-city-istanbul"


def test_a_nationality_word_is_no_town_without_a_cue(full_index):
    """"Українка" is a Ukrainian woman before it is the town of Ukrainka (13,000 people)."""
    got = links(full_index, "Українка Ярослава Магучіх виграла етап Діамантової ліги.", "uk")
    assert "Українка" not in got
    e = links(full_index, "Мешканці міста Українка на Київщині залишилися без світла.", "uk")["Українка"]
    assert e.gazetteer_id and e.status == "review"


def test_an_english_demonym_is_no_misspelt_place_and_is_not_queued(full_index):
    """"Galician", "Norwegians", "Chinese" are near misses of Galicia, Norway, China: the fuzzy and
    phonetic passes let them be, and the review queue does not list them as unknown names."""
    text = "The Galician intelligentsia met Norwegians and Chinese diplomats in Lviv."
    got = link(text, full_index, MATCH)
    assert [e.surface for e in got] == ["Lviv"], got
    # the Ukrainian and Russian names of a town's people: "Житомиряни" is no misspelt Zhytomyr
    for text, lang in (("Житомиряни привезли новачків до Києва.", "uk"), ("Харьковчане вышли на улицы Киева.", "ru")):
        got = [e.surface for e in link(text, full_index, MATCH, keys_fn=linking_keys.keys_fn(full_index, lang),
                                       lang=lang)]
        assert got in (["Києва"], ["Киева"]), got


@pytest.mark.parametrize("text,lang,surface,canonical", [
    ("Українка здобула перемогу на турнірі в Торонто.", "uk", "Торонто", "Toronto"),
    ("Концерт пройдёт в Чикаго и Монреале.", "ru", "Монреале", "Montréal"),
    ("Концерт пройдёт в Чикаго и Монреале.", "ru", "Чикаго", "Chicago"),
])
def test_a_big_city_abroad_is_no_common_word(full_index, text, lang, surface, canonical):
    """wordfreq counts Торонто, Чикаго, Монреаль among frequent words; a city of 100,000 or more
    keeps its own Cyrillic names (never a country's: "Того" is "that", not Togo; nor a word the
    dictionary reads as common first: "Тур" is a tour, not Tours)."""
    assert links(full_index, text, lang)[surface].canonical == canonical
    got = links(full_index, "Після того Тур де Франс завершився.", "uk")
    assert "того" not in got and not any(e.canonical in ("Togo", "Tours") for e in got.values()), got


def test_a_frequent_word_is_no_surname_a_transliteration_variant_spells(full_index):
    """"Born in Lviv ...": Борн, Élisabeth Borne's Russian short form, romanises to Born; a
    frequent English word written so is no mention of her. Her listed spelling still is."""
    got = links(full_index, "Born in Lviv, the artist moved to Paris. Borne said on Monday.", "en")
    assert "Born" not in got and got["Borne"].gazetteer_id == "person-elisabeth-borne"


@pytest.mark.parametrize("text, lang, word", [
    ("Ранее URA.RU рассказывало об этом.", "ru", "URA"),
    ("По данным RIA.ru, удар пришёлся на склад.", "ru", "RIA"),
    ("Подробности на сайте www.kyiv.ua сегодня.", "ru", "kyiv"),
])
def test_a_name_in_a_web_address_is_an_outlet_not_a_place(full_index, text, lang, word):
    assert word not in links(full_index, text, lang)
    assert "Riga" == links(full_index, "Он приехал в Ригу.", "ru")["Ригу"].canonical  # the city itself still links


def test_a_common_word_village_proven_once_is_that_village_throughout_the_text(full_index):
    """One sense per document: "взяв Батурин, спалив" proves the town (capitalised mid-sentence,
    its own name), so the sentence-initial "Батурин" and the genitive "Батурина" are the town too."""
    text = ("Батурин – невелике містечко на Чернігівщині. Мазепа планував розквіт Батурина. "
            "Меншиков взяв Батурин, спалив його вщент.")
    got = [e for e in link(text, full_index, MATCH, keys_fn=linking_keys.keys_fn(full_index, "uk"))
           if e.surface.startswith("Батурин")]
    assert len(got) == 3 and {e.canonical for e in got} == {"Baturyn"}
    assert "Батурин" not in links(full_index, "Батурин – невелике містечко на Чернігівщині.", "uk")


def test_a_place_joined_to_another_by_a_dash_is_listed_beside_it(full_index):
    """A road or a route named by its ends ("траса «Київ-Чоп»") lists the two places."""
    assert links(full_index, "на 234 кілометрі траси «Київ-Чоп», поблизу села", "uk")["Чоп"].canonical == "Chop"


def test_a_pronouns_case_form_is_no_name(full_index):
    """"Мене" is the pronoun "me", though the dictionary also reads it as a case of Мен (Maine)."""
    assert "Мене" not in links(full_index, "Мене вразила ця історія.", "uk")
    assert links(full_index, "Штат Мен відомий своїми лісами.", "uk")["Мен"].canonical == "Maine"
