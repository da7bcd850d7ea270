"""Units that reports name by a bare place adjective (issue 13): hromada adjectives English text
keeps in Ukrainian form ("Krasnopilska community"), list items under a head said once ("громад:
- Хотінська - Миропільська"), and starosta districts ("Зеленський старостинський округ")."""
from __future__ import annotations

import pytest

from transnorm.config import load_config
from transnorm.pipeline import link_segment

CFG = load_config(None)


def at(ents, word: str):
    got = [e for e in ents if e.surface.split(" ")[0] == word]
    assert got, f"nothing over {word!r}: {[e.surface for e in ents]}"
    return got[0]


@pytest.mark.parametrize("text, word, canonical", [
    ("Shelling damaged houses in the Velykopysarivska and Yunakivska communities.", "Velykopysarivska",
     "Velyka Pysarivka hromada"),
    ("Shelling damaged houses in the Velykopysarivska and Yunakivska communities.", "Yunakivska",
     "Yunakivka hromada"),
    ("The Chohodarivska hromada lost power after a strike.", "Chohodarivska", "Chohodarivka hromada"),
    ("Residents of the Bilopilska territorial community were evacuated.", "Bilopilska", "Bilopillia hromada"),
])
def test_an_english_hromada_named_by_its_ukrainian_adjective_is_the_hromada_of_its_centre(full_index, text, word,
                                                                                          canonical):
    """English reports keep the hromada's Ukrainian adjective (Великописарівська -> Velykopysarivska):
    the adjective table's stems, romanised, find the centre it is made from."""
    e = at(link_segment(text, "en", full_index, CFG), word)
    assert (e.kind, e.canonical) == ("hromada", canonical)


def test_a_hyphenated_adjective_listed_after_a_hromada_head_is_that_hromada_not_its_parts(full_index):
    """"communities of Chernihiv region: Novhorod-Siverska, Semenivska, ...": the compound is the
    adjective of Novhorod-Siverskyi; its parts' own matches (Novhorod: Veliky Novgorod, Siverska:
    Siversky) give way to it."""
    text = "Russians shelled 4 communities of Chernihiv region: Novhorod-Siverska, Semenivska and Snovska."
    ents = link_segment(text, "en", full_index, CFG)
    e = at(ents, "Novhorod-Siverska")
    assert (e.surface, e.kind, e.canonical) == ("Novhorod-Siverska", "hromada", "Novhorod-Siverskyi hromada")
    assert not [e for e in ents if e.canonical in ("Veliky Novgorod", "Siversky")]


def test_a_latin_adjective_no_ukrainian_settlement_makes_is_no_hromada(full_index):
    ents = link_segment("The Londonska community and the Parisian community met.", "en", full_index, CFG)
    assert not any(e.kind == "hromada" for e in ents)


def test_bare_ukrainian_adjectives_listed_after_a_hromada_head_are_those_hromadas(full_index):
    text = ("Під ударами ворога були населені пункти таких громад:\n- Хотінська\n- Миропільська\n"
            "- Свеська\n- Великописарівська.")
    ents = link_segment(text, "uk", full_index, CFG)
    got = {e.surface: (e.kind, e.canonical) for e in ents}
    assert got["Миропільська"] == ("hromada", "Myropillia hromada")
    assert got["Свеська"] == ("hromada", "Svesa hromada")
    assert got["Великописарівська"] == ("hromada", "Velyka Pysarivka hromada")  # not the former raion
    assert got["Хотінська"][0] == "hromada"


def test_a_bare_feminine_adjective_that_is_also_a_towns_genitive_or_part_of_a_village_name_is_no_hromada(
        full_index):
    # Покровська is also the genitive of Покровськ; Ковельська after Воля names the village Воля Ковельська
    for text, word in (("Обстріляли такі громади: Сумська, Покровська.", "Покровська"),
                       ("У Ковельській громаді до округу входять села Зелена, Воля Ковельська.", "Ковельська")):
        ents = link_segment(text, "uk", full_index, CFG)
        a = text.rindex(word)
        assert not any(e.kind == "hromada" and e.start <= a < e.end for e in ents), [e.surface for e in ents]


def test_a_starosta_district_links_its_centre_village_not_a_person(full_index):
    """"Зеленський старостинський округ" is the district of the village Зелена, not Zelenskyy."""
    text = ("У громаді буде два старостинські округи: Зеленський старостинський округ з центром у селі "
            "Зелена та Ружинський старостинський округ з центром у селі Ружин.")
    ents = link_segment(text, "uk", full_index, CFG)
    zelena, ruzhyn = at(ents, "Зеленський"), at(ents, "Ружинський")
    assert not any(e.type == "person" for e in ents)
    assert zelena.type == "place" and zelena.canonical == "Zelena"
    assert ruzhyn.canonical == "Ruzhyn"


def test_a_russian_district_adjective_before_city_or_urban_district_is_that_district(full_index):
    """Russia turned many districts into urban okrugs ("Шебекинский городской округ"): English
    writes "the Shebekinsky city district"; "Kharkiv city district" (no adjective) stays the city."""
    ents = link_segment("Drones attacked the Shebekinsky city district and the Grayvoronsky urban district.",
                        "en", full_index, CFG)
    assert at(ents, "Shebekinsky").gazetteer_id == "ru-district-belgorod-shebekinsky"
    assert at(ents, "Grayvoronsky").gazetteer_id == "ru-district-belgorod-grayvoronsky"
    ents = link_segment("Kharkiv city district heads met on Monday.", "en", full_index, CFG)
    assert at(ents, "Kharkiv").gazetteer_id == "ua-city-kharkiv"


def test_an_unlisted_adjective_before_a_ukrainian_raions_body_is_no_russian_district(full_index):
    """"Счастьенской РГА" (a Ukrainian raion's state administration) is no Russian district to
    propose, as an unlisted adjective before "районе" in Russia is ("Новоспасском районе")."""
    ents = link_segment("Её назначили главой Счастьенской РГА Луганской области.", "ru", full_index, CFG)
    assert not any(e.canonical and e.canonical.endswith(" District") for e in ents)
    ents = link_segment("Взрывы прогремели в Новоспасском районе Ульяновской области.", "ru", full_index, CFG)
    assert at(ents, "Новоспасском").canonical == "Novospassky District"


def test_a_ukrainian_raions_body_never_links_a_russian_district_of_that_adjective(full_index):
    """"Ровенской РГА" is a Ukrainian raion's administration: never Russia's Rovensky District
    (Belgorod Oblast), which the same adjective names before "района"."""
    ents = link_segment("Главой Ровенской РГА назначили Татьяну Новикову.", "ru", full_index, CFG)
    assert not any(e.gazetteer_id == "ru-district-belgorod-rovensky" and e.status != "unresolved" for e in ents)
    ents = link_segment("Главой Харьковской РГА назначили нового чиновника.", "ru", full_index, CFG)
    assert at(ents, "Харьковской").gazetteer_id == "ua-raion-kharkiv"
    ents = link_segment("Дроны атаковали Ровенский район Белгородской области.", "ru", full_index, CFG)
    assert at(ents, "Ровенский").gazetteer_id == "ru-district-belgorod-rovensky"


def test_an_unlisted_district_in_ukrainian_text_is_a_russian_one_in_its_russian_form(full_index):
    """Every Ukrainian raion, old and new, is listed: an unlisted "-ському районі" in Ukrainian news
    is a Russian district, proposed from its Russian spelling (Альметьевский -> Almetyevsky), while
    listed raions still link (Konotop Raion, the former Mezhova Raion)."""
    ents = link_segment("Дрон атакував НПЗ в Альметьєвському районі, а уламки впали у Ломоносовському районі.",
                        "uk", full_index, CFG)
    e = at(ents, "Альметьєвському")
    assert (e.canonical, e.kind, e.method, e.status) == ("Almetyevsky District", "district", "generated", "review")
    assert at(ents, "Ломоносовському").canonical == "Lomonosovsky District"
    ents = link_segment("Обстріляли громади у Конотопському районі та у Межівському районі.", "uk", full_index, CFG)
    assert at(ents, "Конотопському").gazetteer_id == "ua-raion-konotop"
    assert at(ents, "Межівському").gazetteer_id == "ua-former-raion-dnipropetrovsk-mezhova"


@pytest.mark.parametrize("text,lang,word", [
    ("Його призначили головою Броварської районної державної адміністрації.", "uk", "Броварської"),
    ("Его назначили главой Броварской районной государственной администрации.", "ru", "Броварской"),
])
def test_a_raion_adjective_before_the_raions_body_is_the_raion(full_index, text, lang, word):
    """"районна державна адміністрація" spelt out, as РДА/РГА abbreviate it: the raion, not the
    city the adjective comes from."""
    assert at(link_segment(text, lang, full_index, CFG), word).gazetteer_id == "ua-raion-brovary"


def test_the_raion_abbreviated_r_n_is_a_raion_head(full_index):
    """Reports abbreviate "район" as "р-н" (two tokens to the tokenizer): "Изюмский р-н", "Купянского р-на"."""
    ents = link_segment("Обстрелы в Изюмский р-н и Купянского р-на Харьковской обл.", "ru", full_index, CFG)
    assert at(ents, "Изюмский").gazetteer_id == "ua-raion-izium"
    assert at(ents, "Купянского").gazetteer_id == "ua-raion-kupiansk"


def test_a_russian_adjective_of_a_ukrainian_settlement_listed_only_in_ukrainian_finds_it(full_index):
    """Russian text makes the adjective from the Russian name (Кондрашевка: "Кондрашевской
    громады"), which the gazetteer may lack; the cross-language key finds the Ukrainian one
    (Кіндрашівка), also for a head in the accusative ("поселковую военную администрацию")."""
    ents = link_segment("Жители Кондрашевской громады эвакуированы.", "ru", full_index, CFG)
    assert at(ents, "Кондрашевской").canonical == "Kindrashivka hromada"
    ents = link_segment("Образовать Нововасильевскую поселковую военную администрацию Мелитопольского района.",
                        "ru", full_index, CFG)
    assert at(ents, "Нововасильевскую").canonical == "Novovasylivka"


def test_after_a_hromada_noun_a_bare_english_ska_adjective_is_that_hromada(full_index):
    """English reports name a list's communities once, then each by its adjective alone."""
    text = ("Shelling hit several communities of Sumy region. Mortars were used in Khotynska and Bilopilska, "
            "and an aerial bomb was dropped on Yunakivska.")
    ents = link_segment(text, "en", full_index, CFG)
    assert at(ents, "Bilopilska").canonical == "Bilopillia hromada"
    assert at(ents, "Yunakivska").canonical == "Yunakivka hromada"
    assert at(ents, "Khotynska").kind == "hromada"
    # no hromada noun before it: a woman's surname in -ska is no hromada
    ents = link_segment("Agnieszka Radwanska and Anna Bilopilska won in Kharkiv.", "en", full_index, CFG)
    assert not any(e.kind == "hromada" for e in ents)


def test_a_municipal_okrug_of_an_occupied_ukrainian_raion_is_that_raion(full_index):
    """Occupation officials call Zaporizhzhia's raions "муниципальные округа", the pre-2020 ones
    included: "Пологовском муниципальном округе" is Polohy Raion; a list shares the one head."""
    ents = link_segment("В Пологовском муниципальном округе Запорожской области обесточены села.", "ru",
                        full_index, CFG)
    assert at(ents, "Пологовском").canonical == "Polohy Raion"
    ents = link_segment("Отключения затронули Васильевский, Михайловский, Приазовский и Токмакский муниципальные "
                        "округа, город Энергодар.", "ru", full_index, CFG)
    assert at(ents, "Приазовский").canonical == "Pryazovske Raion"
    assert at(ents, "Токмакский").canonical == "Tokmak Raion"
    ents = link_segment("В Одинцовском городском округе открыли школу.", "ru", full_index, CFG)
    assert at(ents, "Одинцовском").kind == "district"  # a Russian okrug's own entry still comes first


@pytest.mark.parametrize("text, lang, word, canonical", [
    ("Труханов сформулировал главную задачу Одесской мэрии.", "ru", "Одесской", "Odesa"),
    ("Представники Львівської мерії провели нараду.", "uk", "Львівської", "Lviv"),
])
def test_a_city_hall_named_by_the_citys_adjective_is_the_city(full_index, text, lang, word, canonical):
    assert at(link_segment(text, lang, full_index, CFG), word).canonical == canonical


@pytest.mark.parametrize("text, word, canonical", [
    ("Two villages that are part of the Polohiv and Vasyliv districts lost power.", "Polohiv", "Polohy Raion"),
    ("Two villages that are part of the Polohiv and Vasyliv districts lost power.", "Vasyliv", "Vasylivka Raion"),
    ("The affected communities include Khotyn, Yunakiv, Velykopysariv and Esman.", "Yunakiv", "Yunakivka hromada"),
    ("The affected communities include Khotyn, Yunakiv, Velykopysariv and Esman.", "Velykopysariv",
     "Velyka Pysarivka hromada"),
])
def test_an_english_unit_named_by_a_ukrainian_adjective_cut_to_its_stem(full_index, text, word, canonical):
    """Machine translation cuts Пологівський, Юнаківська to "Polohiv", "Yunakiv": before a unit
    noun, or listed after a hromada noun, the stem is the adjective's."""
    assert at(link_segment(text, "en", full_index, CFG), word).canonical == canonical


def test_a_stem_of_an_adjective_outside_a_list_after_a_hromada_noun_is_no_hromada(full_index):
    ents = link_segment("The community head Ivan Petrov met Oleh Kiper.", "en", full_index, CFG)
    assert not any(e.kind == "hromada" for e in ents)


def test_a_listed_russian_district_spelt_with_i_in_ukrainian_is_that_district(full_index):
    """Ukrainian news writes Russian е as і or є: "Сіверському районі" is the listed Сєверський
    (Северский) district of Krasnodar Krai, not a district the gazetteer lacks."""
    e = at(link_segment("Пожежа у Сіверському районі Краснодарського краю.", "uk", full_index, CFG), "Сіверському")
    assert e.gazetteer_id == "ru-district-krasnodar-seversky"
    e = at(link_segment("У Сіверській громаді Донеччини.", "uk", full_index, CFG), "Сіверській")
    assert e.canonical == "Siversk hromada"  # a hromada is Ukrainian: Siversk's


@pytest.mark.parametrize("text, word, gid", [
    ("A drone hit Lomakovka, Starodubsky Municipal District, Bryansk Region.", "Starodubsky",
     "ru-district-bryansk-starodubsky"),
    ("Shelling was reported in the Grayvoronsky City District.", "Grayvoronsky", "ru-district-belgorod-grayvoronsky"),
])
def test_a_capitalised_english_district_head_after_a_modifier_is_the_district(full_index, text, word, gid):
    assert at(link_segment(text, "en", full_index, CFG), word).gazetteer_id == gid


def test_an_unlisted_russian_district_in_english_text_is_proposed_for_review(full_index):
    """"the Dobrinsky District": a romanised Russian district adjective the gazetteer lacks is a
    district proposed for review (-skiy written -sky), as "Добринском районе" is; listed districts
    still link, and a Ukrainian raion in Russian spelling is still the raion."""
    ents = link_segment("Shelling hit the Dobrinsky District of Lipetsk region.", "en", full_index, CFG)
    e = at(ents, "Dobrinsky")
    assert (e.surface, e.canonical, e.kind, e.method, e.status) == (
        "Dobrinsky District", "Dobrinsky District", "district", "generated", "review")
    e = at(link_segment("The Ivashkovskiy district head said so.", "en", full_index, CFG), "Ivashkovskiy")
    assert (e.canonical, e.status) == ("Ivashkovsky District", "review")
    ents = link_segment("Drones hit the Rylsky District and the Pokrovsky district.", "en", full_index, CFG)
    assert (at(ents, "Rylsky").gazetteer_id, at(ents, "Pokrovsky").gazetteer_id) == (
        "ru-district-kursk-rylsky", "ua-raion-pokrovsk")


def test_a_hromada_adjective_in_ivska_of_a_name_in_a(full_index):
    """"Дружбівська громада": a name in -а takes -івськ (Дружба, renamed Khutir-Mykhailivskyi in
    2024), not only -ськ/-инськ/-янськ; it is the hromada of that town, not Druzhkivka by fuzzy match."""
    ents = link_segment("Обстрілів зазнали Дружбівська та Свеська громади.", "uk", full_index, CFG)
    assert at(ents, "Дружбівська").canonical == "Khutir-Mykhailivskyi hromada"


def test_the_adjective_of_a_renamed_places_old_name_is_that_place(full_index):
    """"на красноармейском направлении": Krasnoarmiisk is Pokrovsk's old name (2016), as much its own
    as the new one, so it outranks a Kuban stanitsa whose own name gives the same adjective; the
    Kursk axis is still Kursk."""
    ents = link_segment("Бои идут на красноармейском направлении.", "ru", full_index, CFG)
    assert at(ents, "красноармейском").gazetteer_id == "ua-city-pokrovsk"
    ents = link_segment("Бої тривають на Красноармійському напрямку.", "uk", full_index, CFG)
    assert at(ents, "Красноармійському").gazetteer_id == "ua-city-pokrovsk"
    ents = link_segment("Бои идут на курском направлении.", "ru", full_index, CFG)
    assert at(ents, "курском").gazetteer_id == "ru-city-kursk"


def test_hromada_adjectives_of_names_in_cha_and_in_tsi(full_index):
    """"Сенчанська" (Сенча: -ча takes -чанськ) and "Великосорочинська" (Великі Сорочинці: -ці may
    drop for -ськ, beside Чернівці -> чернівецьк) name their centres' hromadas."""
    ents = link_segment("Під обстрілом Сенчанська, Великосорочинська та Лохвицька громади.", "uk", full_index, CFG)
    assert at(ents, "Сенчанська").canonical == "Sencha hromada"
    assert at(ents, "Великосорочинська").canonical == "Velyki Sorochyntsi hromada"
    ents = link_segment("Чернівецька та Ківерцівська громади.", "uk", full_index, CFG)
    assert at(ents, "Чернівецька").canonical == "Chernivtsi hromada"


def test_a_list_of_hromadas_keeps_a_namesakes_centre_in_the_oblast_the_list_shares(full_index):
    """"Білопільської, Ворожбянської, Річківської та Миколаївської громад" are all Sumy Oblast's: the
    Mykolaivka there (two of them: for review), not the far bigger city of Mykolaiv."""
    text = ("У Сумській області росіяни обстріляли території Білопільської, Ворожбянської, Річківської "
            "та Миколаївської громад.")
    e = at(link_segment(text, "uk", full_index, CFG), "Миколаївської")
    assert e.canonical == "Mykolaivka hromada" and e.status == "review"
