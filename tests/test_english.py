"""Clean English: text_en reads as English a sub-editor would pass (linking/english.py).

Sentences written for issue 15's "Clean English" section: official long names, articles
before rewritten region names, region lists, possessives, capitals, line breaks, qualifiers,
on English input (link + rewrite, as the pipeline does) and on aligned machine translation.
"""
from __future__ import annotations

import pytest

from transnorm.config import MatchConfig
from transnorm.linking.align import align_names
from transnorm.linking.english import takes_the
from transnorm.linking.match import link
from transnorm.linking.rewrite import rewrite
from transnorm.pipeline import link_segment
from transnorm.translation.translate import SentencePair, Translation

KEEP = MatchConfig()
SHORT = MatchConfig(official_names="short")


def clean(index, text: str, cfg: MatchConfig = KEEP) -> str:
    ents = link(text, index, cfg)
    out, new_ents = rewrite(text, ents, index.lexicon)
    for e in new_ents:
        assert out[e.start:e.end] == e.surface
    return out


@pytest.mark.parametrize("text, expected", [
    ("the press service of the Ministry of Defense of the Russian Federation said.",
     "the press service of the Ministry of Defense of the Russian Federation said."),
    ("Troops gathered on the territory of the Republic of Belarus.",
     "Troops gathered on the territory of the Republic of Belarus."),
])
def test_official_long_names_are_linked_but_kept_as_written(index, text, expected):
    assert clean(index, text) == expected
    (e,) = [e for e in link(text, index, KEEP) if e.gazetteer_id]
    assert e.gazetteer_id in ("country-ru", "country-by") and e.status == "auto" and e.method == "official"


@pytest.mark.parametrize("text, expected", [
    ("the press service of the Ministry of Defense of the Russian Federation said.",
     "the press service of the Ministry of Defense of Russia said."),
    ("Troops gathered on the territory of the Republic of Belarus.",
     "Troops gathered on the territory of Belarus."),
    ("The Russian Federation denied it.", "Russia denied it."),
])
def test_short_forms_on_request_drop_the_article(index, text, expected):
    assert clean(index, text, SHORT) == expected


@pytest.mark.parametrize("text, expected", [
    ("Air raid alert in Kiev and the Kiev region.", "Air raid alert in Kyiv and Kyiv Oblast."),
    ("Shelling hit the Kharkov region overnight.", "Shelling hit Kharkiv Oblast overnight."),
    ("The Kharkov region was shelled.", "Kharkiv Oblast was shelled."),
    ("Villages of the Kharkov region's north were shelled.", "Villages of Kharkiv Oblast's north were shelled."),
    # the article belongs to the noun after the name
    ("The Kiev region administration said so.", "The Kyiv Oblast administration said so."),
    ("said the head of the Kharkov Region Military Administration.",
     "said the head of the Kharkiv Oblast Military Administration."),
])
def test_articles_before_rewritten_region_names(index, text, expected):
    assert clean(index, text) == expected


def test_article_added_where_the_new_name_takes_one(index):
    assert clean(index, "Troops crossed Dnieper at night. Dnieper is wide.") == \
        "Troops crossed the Dnipro River at night. The Dnipro River is wide."
    # already there, or a possessive/determiner before the name: nothing added
    assert clean(index, "They reached the Dnieper.") == "They reached the Dnipro River."


def test_dated_articles_are_dropped_but_not_the_article_of_a_following_noun(index):
    assert clean(index, "He lived in the Ukraine and in the Crimea.") == "He lived in Ukraine and in Crimea."
    assert clean(index, "the Ukraine crisis") == "the Ukraine crisis"


@pytest.mark.parametrize("text, expected", [
    ("Drones hit the Kherson and Zaporizhzhia regions.", "Drones hit the Kherson and Zaporizhzhia oblasts."),
    ("Alerts in the Belgorod, Kursk and Bryansk regions.", "Alerts in the Belgorod, Kursk and Bryansk oblasts."),
    ("They will go for Kharkiv, Sumy, or Kyiv regions.", "They will go for Kharkiv, Sumy, or Kyiv oblasts."),
    # raions, one of them named by its adjective cut short (Kupyan: Куп'янський)
    ("Strikes hit the Kharkiv, Kupyan and Chuguyiv districts.",
     "Strikes hit the Kharkiv, Kupiansk and Chuhuiv raions."),
    # an axis named by its town's adjective: the town, and the adjective goes
    ("In the Pokrovsky direction, the invaders attacked.", "In the Pokrovsk direction, the invaders attacked."),
    # a body of the oblast named by its centre: the oblast, written bare before "Regional"
    ("Oleksandr Hanzha, head of the Dnipropetrovsk Regional Military Administration, said.",
     "Oleksandr Hanzha, head of the Dnipropetrovsk Regional Military Administration, said."),
])
def test_region_lists_write_the_head_word_once(index, text, expected):
    assert clean(index, text) == expected


def test_possessive_capitals_and_line_breaks_keep_their_form(index):
    assert clean(index, "Zaporozhye's governor said.") == "Zaporizhzhia's governor said."
    assert clean(index, "KHARKOV, March 3 (Reuters) - Blasts.") == "KHARKIV, March 3 (Reuters) - Blasts."
    assert clean(index, "Shelling in the Zaporozhye\nregion overnight.") == \
        "Shelling in Zaporizhzhia\nOblast overnight."
    assert clean(index, "in Dnepropetrovsk\nregion") == "in Dnipropetrovsk\nOblast"


def test_abbreviations_are_linked_not_expanded(index):
    text = "the Donetsk People's Republic (DPR) and the DPR leader"
    assert clean(index, text) == text
    ents = [e for e in link(text, index, KEEP) if e.gazetteer_id]
    assert [e.surface for e in ents] == ["Donetsk People's Republic", "DPR", "DPR"]
    assert {e.gazetteer_id for e in ents} == {"sp-dpr"}


def test_a_qualified_name_is_not_qualified_twice(index):
    assert clean(index, "Paris, Texas is small. Odessa, Texas, too.") == "Paris, Texas is small. Odessa, Texas, too."


def test_the_rules_are_data(index):
    assert takes_the("Kherson region", index.lexicon) and takes_the("Republic of Belarus", index.lexicon)
    assert not takes_the("Kherson Oblast", index.lexicon) and not takes_the("Belarus", index.lexicon)


# ------------------------------------------------------------------ machine translation


def translation(src: str, en: str) -> Translation:
    return Translation(text_en=en, sentences=[SentencePair(0, len(src), 0, len(en))], model_id="double")


@pytest.mark.parametrize("cfg, expected", [
    (KEEP, "The press service of the Ministry of Defense of the Russian Federation reported."),
    (SHORT, "The press service of the Ministry of Defense of Russia reported."),
])
def test_aligned_official_name_in_machine_translation(index, cfg, expected):
    src = "Пресс-служба Министерства обороны Российской Федерации сообщила."
    en = "The press service of the Ministry of Defense of the Russian Federation reported."
    ents = link_segment(src, "ru", index, _cfg(cfg))
    assert any(e.gazetteer_id == "country-ru" for e in ents)
    aligned, warnings = align_names(src, ents, translation(src, en), index, cfg, "ru")
    assert warnings == []
    assert rewrite(en, aligned, index.lexicon)[0] == expected


def test_aligned_region_loses_its_article(index):
    src = "Обстрел Харьковской области продолжается."
    en = "The shelling of the Kharkov region continues."
    ents = link_segment(src, "ru", index, _cfg(KEEP))
    aligned, _ = align_names(src, ents, translation(src, en), index, KEEP, "ru")
    assert rewrite(en, aligned, index.lexicon)[0] == "The shelling of Kharkiv Oblast continues."


def _cfg(match: MatchConfig):
    from transnorm.config import load_config

    return load_config(None, {"match": match.model_dump()})


def test_the_pipeline_writes_clean_english(tmp_path):
    from transnorm import normalise
    from transnorm.config import load_config

    cfg = load_config(None, {"state_dir": str(tmp_path / "state"), "translate": {"models_dir": str(tmp_path / "m")}})
    (rec,) = normalise(["Shelling hit the Kharkov region and the Russian Federation."], lang="en", config=cfg)
    assert rec.text_en == "Shelling hit Kharkiv Oblast and the Russian Federation."
    assert [e.surface for e in rec.entities_en] == ["Kharkiv Oblast", "Russian Federation"]


@pytest.mark.parametrize("text, expected, gid", [
    ("A drone fell in the central Russian region of Lipetsk, injuring one.",
     "A drone fell in the central Russian region of Lipetsk, injuring one.", "ru-oblast-lipetsk"),
    ("Shelling hit the oblast of Kharkov overnight.", "Shelling hit the oblast of Kharkiv overnight.",
     "ua-oblast-kharkiv"),
])
def test_a_name_after_region_of_is_the_region_and_stays_bare(index, text, expected, gid):
    """"the region of Lipetsk" is Lipetsk Oblast, not the city; written "region of Lipetsk", never
    "region of Lipetsk Oblast"."""
    ents = link(text, index, KEEP)
    assert any(e.gazetteer_id == gid for e in ents), [(e.surface, e.gazetteer_id) for e in ents]
    assert clean(index, text) == expected
    city = link("Lipetsk is a city in Russia.", index, KEEP)
    assert city[0].gazetteer_id != "ru-oblast-lipetsk"


def test_a_name_a_page_glued_to_the_next_word_is_cut_off_and_linked(full_index):
    """Scraped pages lose the space at a line or tag break: "LvivThe", "Shaparenkofrom". The
    name is cut off (offsets kept, the rest of the word untouched); a brand's own capital
    (RegioNews) and a word the index knows (Poland, Iceland) are not cut."""
    cfg = MatchConfig()
    text = "Born in LvivThe artist moved to Paris. The coach praised Nikolai Shaparenkofrom Dynamo."
    ents = {e.surface: e for e in link(text, full_index, cfg, lang="en")}
    assert ents["Lviv"].gazetteer_id == "ua-city-lviv" and text[ents["Lviv"].start:ents["Lviv"].end] == "Lviv"
    assert ents["Nikolai Shaparenko"].gazetteer_id == "person-mykola-shaparenko"
    ents = {e.surface: e for e in link("RegioNews reported that Poland and Iceland agreed.", full_index, cfg,
                                       lang="en")}
    assert "Regio" not in ents and ents["Poland"].gazetteer_id == "country-pl"


def test_a_compound_name_written_apart_with_a_hyphen_is_joined(full_index):
    """"Novo-Andriyivka" is Novoandriivka (it was fuzzy-matched to Novooleksandrivka); a prefix
    is joined only when the index knows the joined name."""
    cfg = MatchConfig()
    text = "Shelling hit the villages of Andriyivka, Varvarivka, Novo-Andriyivka and Rohanske."
    ents = {e.surface: e for e in link(text, full_index, cfg, lang="en")}
    assert ents["Novo-Andriyivka"].canonical == "Novoandriivka" and ents["Novo-Andriyivka"].method == "exact"
    ents = {e.surface: e for e in link("He met Novo-Smith in Kyiv.", full_index, cfg, lang="en")}
    assert "Novo-Smith" not in ents or ents["Novo-Smith"].gazetteer_id is None
