"""Matching: longest whole-word match, fuzzy pass, thresholds, context, offsets."""

from pathlib import Path

import pytest

from transnorm.config import MatchConfig
from transnorm.gazetteer.compile import compile_index
from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.linking.match import link
from transnorm.linking.rewrite import rewrite
from transnorm.text.fold import fold

ROOT = Path(__file__).resolve().parents[1]


def E(id, canonical, kind="city", type="place", **kw):
    return Entry(id=id, type=type, kind=kind, canonical=canonical, **kw)


@pytest.fixture(scope="module")
def small():
    """A hand-made gazetteer that exercises each mechanism in isolation."""
    entries = [
        E("kherson", "Kherson", country="UA", parent="kherson-obl", population=280000,
          aliases={"ru": ["Херсон"]}),
        E("kherson-obl", "Kherson Oblast", kind="oblast", country="UA", aliases={"en": ["Kherson region"]}),
        E("odesa", "Odesa", country="UA", population=1000000, aliases={"en": ["Odessa"]}),
        E("odessa-tx", "Odessa, Texas", country="US", parent="texas", population=110000,
          aliases={"en": ["Odessa"]}),
        E("texas", "Texas", kind="state", country="US", population=29000000),
        E("ciragan", "Çırağan Palace", kind="landmark", country="TR", short="Çırağan",
          short_aliases={"en": ["Chyragan"]}),
        E("zaporizhzhia", "Zaporizhzhia", country="UA", population=700000, aliases={"en": ["Zaporozhye"]}),
        E("zelenskyy", "Volodymyr Zelenskyy", kind="person", type="person", country="UA", short="Zelenskyy",
          aliases={"en": ["Vladimir Zelensky"]}),
        E("dpr", "Donetsk People's Republic", kind="self-proclaimed", aliases={"en": ["DPR"]}),
        E("kyiv", "Kyiv", country="UA", population=2900000, aliases={"en": ["Kiev"]}),
        E("bar", "Bar", country="UA", population=16000),
    ]
    lex = Lexicon(region_words={"en": ["Oblast", "region", "province"]}, region_kinds={"oblast"},
                  of_forms=["Palace"], stopwords={"russian", "ministry", "armed", "forces", "president"})
    return compile_index(entries, lex, "test", variants=lambda n, ln: ())


CFG = MatchConfig()


def spans(text, idx, cfg=CFG):
    return [(e.surface, e.gazetteer_id, e.status) for e in link(text, idx, cfg)]


def test_longest_match_wins(small):
    assert spans("Shelling in Kherson region continued.", small)[0] == ("Kherson region", "kherson-obl", "auto")
    assert spans("Shelling in Kherson continued.", small)[0] == ("Kherson", "kherson", "auto")


def test_region_words_are_interchangeable(small):
    assert spans("in the Kherson Oblast and Kherson province", small) == [
        ("Kherson Oblast", "kherson-obl", "auto"), ("Kherson province", "kherson-obl", "auto")]


def test_palace_of_x_is_the_palace(small):
    (surface, gid, status), = spans("talks in the Palace of Chyragan ended", small)
    assert (surface, gid, status) == ("Palace of Chyragan", "ciragan", "auto")


def test_whole_words_only(small):
    assert spans("Khersonese and Barista are not places; Kyivan is not Kyiv", small)[-1][0] == "Kyiv"
    assert all(s[0] != "Kherson" for s in spans("Khersonese ruins", small))


def test_lowercase_common_word_is_not_a_place(small):
    assert not [s for s in spans("they met at a bar in town", small) if s[1] == "bar"]


def test_abbreviation_only_in_capitals(small):
    assert spans("the DPR leader", small)[0][1] == "dpr"
    assert not [s for s in spans("the Dpr leader", small) if s[1] == "dpr"]


def test_fuzzy_pass_links_a_misspelling_for_review(small):
    ents = link("Fighting near Zaparozhye overnight.", small, CFG)
    (e,) = [e for e in ents if e.gazetteer_id]
    assert e.method == "fuzzy" and e.gazetteer_id == "zaporizhzhia"
    assert CFG.t_review <= e.score < 1.0
    assert e.candidates and e.candidates[0].gazetteer_id == "zaporizhzhia"


def test_thresholds_map_scores_to_status(small):
    text = "Fighting near Zaparozhye overnight."
    strict = MatchConfig(t_auto=0.99, t_review=0.98)
    loose = MatchConfig(t_auto=0.5, t_review=0.4)
    assert [e.status for e in link(text, small, loose) if e.gazetteer_id] == ["auto"]
    assert [e.gazetteer_id for e in link(text, small, strict) if e.gazetteer_id] == []


def test_demonyms_and_institutions_are_not_places(small):
    ents = link("The Russian Ministry said the Armed Forces moved.", small, CFG)
    assert ents == []


def test_ambiguous_name_uses_document_context(small):
    assert spans("Odessa was shelled.", small)[0][1] == "odesa"
    assert spans("Oil prices in Odessa, Texas rose.", small)[0][1] == "odessa-tx"


def test_context_against_the_only_candidate_is_unresolved():
    entries = [E("odesa", "Odesa", country="UA", aliases={"en": ["Odessa"]}),
               E("texas", "Texas", kind="state", country="US")]
    idx = compile_index(entries, Lexicon(), "t", variants=lambda n, ln: ())
    (e, t) = link("Oil prices in Odessa, Texas rose.", idx, CFG)
    assert e.gazetteer_id == "odesa" and e.status == "unresolved"


def test_surname_alone_links_the_person_and_rewrites_to_short_form(small):
    text = "Vladimir Zelensky spoke. Later Zelensky thanked them."
    ents = link(text, small, CFG)
    assert [(e.gazetteer_id, e.status) for e in ents] == [("zelenskyy", "auto"), ("zelenskyy", "auto")]
    clean, _ = rewrite(text, ents)
    assert clean == "Volodymyr Zelenskyy spoke. Later Zelenskyy thanked them."


def test_unknown_capitalised_name_is_queued(small):
    ents = link("Talks with Ivan Petrenkovych went on.", small, CFG)
    (e,) = ents  # a first name and a surname: a person the gazetteer lacks, proposed for review
    assert (e.status, e.gazetteer_id, e.method, e.surface) == (
        "review", "gen:person:ivan-petrenkovych", "generated", "Ivan Petrenkovych")
    (u,) = link("Talks with Petrenkovych went on.", small, CFG)  # no structure: only queued
    assert u.status == "unresolved" and u.gazetteer_id is None and u.method == "unknown"


def test_offsets_invariant_and_disjoint(small):
    text = "В Херсоне. Kherson region, Odessa, Texas; the Palace of Chyragan — Zelensky's DPR."
    ents = link(text, small, CFG)
    assert ents
    for e in ents:
        assert text[e.start:e.end] == e.surface
    for a, b in zip(ents, ents[1:]):
        assert a.end <= b.start


def test_rewrite_keeps_offsets_valid(small):
    text = "From Kiev to Zaporozhye and the Palace of Chyragan, Kiev again."
    ents = link(text, small, CFG)
    clean, ents_en = rewrite(text, ents)
    assert clean == "From Kyiv to Zaporizhzhia and the Çırağan Palace, Kyiv again."
    for e in ents_en:
        assert clean[e.start:e.end] == e.surface


def test_review_mentions_stay_as_written(small):
    text = "Fighting near Zaparozhye overnight."
    ents = link(text, small, CFG)
    assert rewrite(text, ents)[0] == text


def test_rejected_pair_is_never_linked():
    entries = [E("odesa", "Odesa", country="UA", aliases={"en": ["Odessa"]})]
    idx = compile_index(entries, Lexicon(), "t", variants=lambda n, ln: (), rejected=[("Odessa", "odesa")])
    assert [e.gazetteer_id for e in link("In Odessa today.", idx, CFG)] == [None]
    idx2 = compile_index(entries, Lexicon(), "t", variants=lambda n, ln: (), accepted=[("Odesy", "odesa")])
    (e,) = link("In Odesy today.", idx2, CFG)
    assert (e.gazetteer_id, e.method, e.status) == ("odesa", "override", "auto")


# --- a river named like a town: the words before the name decide ------------------------------------

@pytest.fixture(scope="module")
def river():
    """The city of Dnipro and the Dnipro River share 'Dnipro'; lexicon river_cues pick the river."""
    entries = [
        E("dnipro", "Dnipro", country="UA", parent="dnipro-obl", population=968000, aliases={"en": ["Dnepr"]}),
        E("dnipro-obl", "Dnipropetrovsk Oblast", kind="oblast", country="UA"),
        E("dnipro-river", "Dnipro River", kind="river", country="UA", aliases={"en": ["Dnipro", "Dnieper"]}),
        E("kherson", "Kherson", country="UA", population=280000),
    ]
    lex = Lexicon(stopwords={"russian"}, river_cues={fold(w) for w in ("bank", "banks", "crossed", "along", "river")},
                  river_cue_skip={"the", "of"})
    return compile_index(entries, lex, "test", variants=lambda n, ln: ())


@pytest.mark.parametrize("text", [
    "Ukrainian marines crossed the Dnipro near Kherson.",
    "Russian troops control the left bank of the Dnipro.",
    "Fighting continued along the Dnipro.",
    "Boats sailed down the river Dnipro.",
    "Russian missiles hit Dnipro overnight. Kherson is shelled from the left bank of the Dnipro.",
])
def test_a_river_cue_before_a_shared_name_picks_the_river(river, text):
    last = [s for s in spans(text, river) if s[0] == "Dnipro"][-1]
    assert last == ("Dnipro", "dnipro-river", "auto")


@pytest.mark.parametrize("text", [
    "A missile hit an apartment block in Dnipro.",
    "The city of Dnipro lies on the Dnieper.",
    "Dnipro's mayor Borys Filatov spoke to reporters.",
    "The banks. Dnipro officials said nothing.",  # punctuation between the cue and the name
    "Troops crossed into Dnipro.",  # 'into' is no skip word
    "Russian missiles hit Dnipro overnight.",
])
def test_without_a_cue_the_town_wins(river, text):
    got = [s for s in spans(text, river) if s[0] == "Dnipro"]
    assert got and got[0] == ("Dnipro", "dnipro", "auto"), got


def test_the_cue_only_concerns_rivers(river):
    """A cue word before a name no river has changes nothing."""
    assert spans("the left bank of the Kherson", river)[0] == ("Kherson", "kherson", "auto")
    assert spans("on the banks of the Dnieper", river)[0] == ("Dnieper", "dnipro-river", "auto")
