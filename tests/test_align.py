"""Carrying source links over to the machine translation (align.align_names).

The translator is a double: Translation/SentencePair objects written by hand, so each test
controls exactly how the "MT" rendered (or dropped) a name.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transnorm.config import MatchConfig
from transnorm.gazetteer.compile import compile_index
from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.linking.align import align_names
from transnorm.linking.match import link
from transnorm.linking.rewrite import rewrite
from transnorm.records import Entity
from transnorm.translation.translate import SentencePair, Translation

CFG = MatchConfig()
NO_FUZZY = MatchConfig(fuzzy=False)


def E(id, canonical, kind="city", type="place", **kw):
    return Entry(id=id, type=type, kind=kind, canonical=canonical, **kw)


ENTRIES = [
    E("donetsk-obl", "Donetsk Oblast", kind="oblast", country="UA",
      aliases={"en": ["Donetsk region"], "ru": ["Донецкая область"]}, colloquial=["Донеччина"]),
    E("zaporizhzhia", "Zaporizhzhia", country="UA", population=700000,
      aliases={"en": ["Zaporozhye"], "ru": ["Запорожье"], "uk": ["Запоріжжя"]}),
    E("zelenskyy", "Volodymyr Zelenskyy", kind="person", type="person", country="UA", short="Zelenskyy",
      aliases={"en": ["Vladimir Zelensky"], "ru": ["Владимир Зеленский"]},
      short_aliases={"en": ["Zelensky"], "ru": ["Зеленский"]}),
    E("turkey", "Turkey", kind="country", country="TR", aliases={"ru": ["Турция"]}),
    E("ciragan", "Çırağan Palace", kind="landmark", country="TR", short="Çırağan",
      aliases={"ru": ["дворец Чыраган"]}, short_aliases={"en": ["Chyragan"], "ru": ["Чыраган"]}),
    E("kharkiv", "Kharkiv", country="UA", population=1400000, parent="kharkiv-obl",
      aliases={"en": ["Kharkov"], "ru": ["Харьков"], "uk": ["Харків"]}),
    E("kharkiv-obl", "Kharkiv Oblast", kind="oblast", country="UA", colloquial=["Харьковщина", "Харківщина"]),
    E("kyiv", "Kyiv", country="UA", population=2900000, aliases={"en": ["Kiev"], "ru": ["Киев"]}),
]
LEX = Lexicon(region_words={"en": ["Oblast", "region", "province"]}, region_kinds={"oblast"},
              of_forms=["Palace"], stopwords={"russian", "president", "at", "the"})


@pytest.fixture(scope="module")
def plain():
    """Only the written names: every MT transliteration must be found by alignment."""
    return compile_index(ENTRIES, LEX, "plain", variants=lambda n, ln: ())


@pytest.fixture(scope="module")
def full():
    """With the real transliteration variants, as the pipeline builds it."""
    return compile_index(ENTRIES, LEX, "full")


def translation(pairs: list[tuple[str, str]]) -> tuple[str, Translation]:
    """A translator double: source and English sentences joined by one space."""
    src, en, sp = "", "", []
    for s, e in pairs:
        if src:
            src, en = src + " ", en + " "
        sp.append(SentencePair(len(src), len(src) + len(s), len(en), len(en) + len(e)))
        src, en = src + s, en + e
    return src, Translation(text_en=en, sentences=sp, model_id="double")


def src_ent(text: str, surface: str, gid: str, idx, nth: int = 0, short: bool = False,
            score: float = 1.0, status: str = "auto") -> Entity:
    """A source entity as a morphology-aware linker would produce it."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    e = idx.entries[idx.by_id[gid]]
    return Entity(start, start + len(surface), surface, e.type, gid, e.canonical, score, "morph", status,
                  rewrite=(e.short or e.canonical) if short else e.canonical)


def check_invariants(text: str, ents: list[Entity]) -> None:
    for e in ents:
        assert text[e.start:e.end] == e.surface
    for a, b in zip(ents, ents[1:]):
        assert a.end <= b.start


SEED = [
    ("Ночью враг атаковал Донеччину и Запорожье.",
     "At night the enemy attacked Donetchina and Zaporozhye."),
    ("Владимир Зеленский поблагодарил Турцию за переговоры во дворце Чыраган.",
     "Vladimir Zelensky thanked Turkey for negotiations in the Chyragan palace."),
]


def seed_sources(src: str, idx) -> list[Entity]:
    """Nominative names from link() on the Cyrillic; inflected ones by hand (a morph linker)."""
    by_hand = [src_ent(src, "Донеччину", "donetsk-obl", idx), src_ent(src, "Турцию", "turkey", idx)]
    linked = [e for e in link(src, idx, CFG) if e.gazetteer_id
              and not any(e.start < h.end and h.start < e.end for h in by_hand)]
    return sorted(linked + by_hand, key=lambda e: e.start)


@pytest.mark.parametrize("idx_name", ["plain", "full"])
@pytest.mark.parametrize("cfg", [CFG, NO_FUZZY], ids=["fuzzy", "nofuzzy"])
def test_seed_sentences_align_and_rewrite(idx_name, cfg, request):
    idx = request.getfixturevalue(idx_name)
    src, tr = translation(SEED)
    sources = seed_sources(src, idx)
    assert {e.gazetteer_id for e in sources} == {"donetsk-obl", "zaporizhzhia", "zelenskyy", "turkey", "ciragan"}
    ents, warnings = align_names(src, sources, tr, idx, cfg, "ru")
    assert warnings == []
    check_invariants(tr.text_en, ents)
    got = {e.surface: (e.gazetteer_id, e.method, e.status) for e in ents}
    assert got == {
        "Donetchina": ("donetsk-obl", "aligned", "auto"),
        "Zaporozhye": ("zaporizhzhia", "aligned", "auto"),
        "Vladimir Zelensky": ("zelenskyy", "aligned", "auto"),
        "Turkey": ("turkey", "aligned", "auto"),
        "Chyragan palace": ("ciragan", "aligned", "auto"),
    }
    clean, out = rewrite(tr.text_en, ents)
    assert clean == ("At night the enemy attacked Donetsk Oblast and Zaporizhzhia. "
                     "Volodymyr Zelenskyy thanked Turkey for negotiations in the Çırağan Palace.")
    check_invariants(clean, out)


def test_transliterated_name_unknown_to_english_linker_is_found(plain):
    """'Donetchina' is no English key of the plain index: only the source surface's
    transliteration (Donechchinu, minus its case ending) finds it."""
    src, tr = translation(SEED[:1])
    assert not [e for e in link(tr.text_en, plain, CFG)
                if e.surface == "Donetchina" and e.gazetteer_id and e.method != "generated"]
    sources = [src_ent(src, "Донеччину", "donetsk-obl", plain)]
    ents, warnings = align_names(src, sources, tr, plain, CFG, "ru")
    (d,) = [e for e in ents if e.gazetteer_id == "donetsk-obl"]
    assert (d.surface, d.method, d.rewrite) == ("Donetchina", "aligned", "Donetsk Oblast")
    assert d.score >= CFG.t_auto and not warnings
    # the English linker's own guess for the same span (an unknown name) gives way
    assert [e.surface for e in ents].count("Donetchina") == 1


def test_dropped_name_is_a_warning(plain):
    src, tr = translation([
        ("Ночью враг атаковал Донеччину и Запорожье.", "At night the enemy attacked Zaporozhye."),
        ("Владимир Зеленский поблагодарил Турцию.", "Vladimir Zelensky thanked Turkey."),
        ("Взрывы прогремели в Харьковщине.", "Explosions were heard in the region."),
    ])
    sources = seed_sources(src, plain)[:1] + [
        src_ent(src, "Запорожье", "zaporizhzhia", plain),
        src_ent(src, "Харьковщине", "kharkiv-obl", plain)]
    ents, warnings = align_names(src, sources, tr, plain, CFG, "ru")
    assert warnings == [
        "name 'Донеччину' (Donetsk Oblast) not found in the translation of sentence 1",
        "name 'Харьковщине' (Kharkiv Oblast) not found in the translation of sentence 3",
    ]
    assert [e.gazetteer_id for e in ents if e.method == "aligned"] == ["zaporizhzhia"]
    # English-only mentions (no source entity given for them here) stay as linked
    assert [(e.surface, e.method) for e in ents if e.method != "aligned"] == [
        ("Vladimir Zelensky", "exact"), ("Turkey", "exact")]


@pytest.mark.parametrize("cfg", [CFG, NO_FUZZY], ids=["fuzzy", "nofuzzy"])
@pytest.mark.parametrize("idx_name", ["plain", "full"])
def test_inflected_transliteration_aligns(cfg, idx_name, request):
    idx = request.getfixturevalue(idx_name)
    src, tr = translation([("Взрывы прогремели в Харькове.", "Explosions rang out in Kharkove.")])
    ents, warnings = align_names(src, [src_ent(src, "Харькове", "kharkiv", idx)], tr, idx, cfg, "ru")
    assert not warnings
    (k,) = ents
    assert (k.surface, k.gazetteer_id, k.method, k.status) == ("Kharkove", "kharkiv", "aligned", "auto")
    assert rewrite(tr.text_en, ents)[0] == "Explosions rang out in Kharkiv."


def test_ukrainian_source_transliteration(plain):
    src, tr = translation([("Ворог обстріляв Запоріжжі та Харківщину.",
                            "The enemy shelled Zaporizhzhi and Kharkivshchyna.")])
    sources = [src_ent(src, "Запоріжжі", "zaporizhzhia", plain), src_ent(src, "Харківщину", "kharkiv-obl", plain)]
    ents, warnings = align_names(src, sources, tr, plain, CFG, "uk")
    assert not warnings
    assert [(e.surface, e.gazetteer_id) for e in ents] == [
        ("Zaporizhzhi", "zaporizhzhia"), ("Kharkivshchyna", "kharkiv-obl")]
    assert rewrite(tr.text_en, ents)[0] == "The enemy shelled Zaporizhzhia and Kharkiv Oblast."


@pytest.mark.parametrize("cfg", [CFG, NO_FUZZY], ids=["fuzzy", "nofuzzy"])
def test_two_mentions_in_one_sentence_take_two_spans(plain, cfg):
    src, tr = translation([("Поезд из Харькова вернулся в Харьков.",
                            "The train from Kharkova returned to Kharkov.")])
    sources = [src_ent(src, "Харькова", "kharkiv", plain), src_ent(src, "Харьков", "kharkiv", plain, nth=1)]
    assert sources[1].start > sources[0].end
    ents, warnings = align_names(src, sources, tr, plain, cfg, "ru")
    assert not warnings
    assert [(e.surface, e.gazetteer_id, e.method) for e in ents] == [
        ("Kharkova", "kharkiv", "aligned"), ("Kharkov", "kharkiv", "aligned")]
    assert rewrite(tr.text_en, ents)[0] == "The train from Kharkiv returned to Kharkiv."


def test_repeated_transliterations_pair_in_source_order(plain):
    src, tr = translation([("Между Харькове и Харькове.", "Between Kharkove and Kharkove.")])
    sources = [src_ent(src, "Харькове", "kharkiv", plain), src_ent(src, "Харькове", "kharkiv", plain, nth=1)]
    ents, warnings = align_names(src, sources, tr, plain, NO_FUZZY, "ru")
    assert not warnings and len(ents) == 2 and ents[0].start != ents[1].start
    assert all(e.gazetteer_id == "kharkiv" for e in ents)


def test_source_authority_upgrades_a_weak_english_link(plain):
    src, tr = translation([("Бои у Запорожья.", "Fighting near Zaparozhye.")])
    en = [e for e in link(tr.text_en, plain, CFG) if e.gazetteer_id]
    assert en and en[0].status == "review"  # alone, the English side is unsure
    ents, _ = align_names(src, [src_ent(src, "Запорожья", "zaporizhzhia", plain)], tr, plain, CFG, "ru")
    (z,) = ents
    assert (z.gazetteer_id, z.status, z.method, z.score) == ("zaporizhzhia", "auto", "aligned", 1.0)
    assert rewrite(tr.text_en, ents)[0] == "Fighting near Zaporizhzhia."


def test_unsure_source_stays_unsure(plain):
    src, tr = translation([("Бои у Харькове.", "Fighting near Kharkove.")])
    s = src_ent(src, "Харькове", "kharkiv", plain, score=0.8, status="review")
    (k,), _ = align_names(src, [s], tr, plain, NO_FUZZY, "ru")
    assert (k.gazetteer_id, k.status) == ("kharkiv", "review")
    assert rewrite(tr.text_en, [k])[0] == tr.text_en  # review mentions are kept as written


def test_short_form_follows_the_source(plain):
    src, tr = translation([("Слова Зеленского услышали.", "The words of Zelenskogo were heard.")])
    s = src_ent(src, "Зеленского", "zelenskyy", plain, short=True)
    (z,), warnings = align_names(src, [s], tr, plain, NO_FUZZY, "ru")
    assert not warnings and (z.surface, z.gazetteer_id) == ("Zelenskogo", "zelenskyy")
    assert rewrite(tr.text_en, [z])[0] == "The words of Zelenskyy were heard."


def test_alignment_stays_in_the_aligned_sentence(plain):
    """A name the MT dropped is not taken from another sentence that has it anyway."""
    src, tr = translation([("Удар по Харькову.", "A strike on the city."),
                           ("Потом тишина.", "Then Kharkov was quiet.")])
    ents, warnings = align_names(src, [src_ent(src, "Харькову", "kharkiv", plain)], tr, plain, CFG, "ru")
    assert warnings == ["name 'Харькову' (Kharkiv) not found in the translation of sentence 1"]
    (k,) = ents
    assert (k.surface, k.method) == ("Kharkov", "exact")  # English-only, linked on its own


def test_source_decides_between_english_candidates(plain):
    """The English linker picked another entry; the source's link wins the same span."""
    idx = compile_index(ENTRIES + [E("kharkiv-ru", "Kharkov (village)", country="RU", aliases={"en": ["Kharkov"]})],
                        LEX, "amb", variants=lambda n, ln: ())
    src, tr = translation([("Удар по Харькову.", "A strike on Kharkov.")])
    ents, _ = align_names(src, [src_ent(src, "Харькову", "kharkiv-ru", idx)], tr, idx, CFG, "ru")
    (k,) = ents
    got = (k.surface, k.gazetteer_id, k.canonical, k.method)
    assert got == ("Kharkov", "kharkiv-ru", "Kharkov (village)", "aligned")


def test_unlinked_source_entities_are_ignored(plain):
    src, tr = translation([("Иван Петренкович приехал.", "Ivan Petrenkovych arrived.")])
    unknown = Entity(0, 16, "Иван Петренкович", "person", None, "Ivan Petrenkovych", 0.0, "unknown", "unresolved")
    ents, warnings = align_names(src, [unknown], tr, plain, CFG, "ru")
    assert warnings == [] and [e.method for e in ents] == ["unknown"]


def test_no_sentence_pairs_searches_the_whole_text(plain):
    src = "Удар по Харькову."
    tr = Translation(text_en="A strike on Kharkovu.", sentences=[], model_id="double")
    (k,), warnings = align_names(src, [src_ent(src, "Харькову", "kharkiv", plain)], tr, plain, NO_FUZZY, "ru")
    assert not warnings and (k.surface, k.gazetteer_id) == ("Kharkovu", "kharkiv")
    tr2 = Translation(text_en="A strike.", sentences=[], model_id="double")
    _, warnings = align_names(src, [src_ent(src, "Харькову", "kharkiv", plain)], tr2, plain, NO_FUZZY, "ru")
    assert warnings == ["name 'Харькову' (Kharkiv) not found in the translation of the text"]


# ---------------------------------------------------------------- properties

NOISE = st.lists(
    st.sampled_from(list("abz XYKQ.,-'’\n\t") + ["Kharkov", "Zaporozhye ", " Turkey", "Зл", "Ё"]),
    min_size=1,
    max_size=6,
).map("".join)


def insert(tr: Translation, pos: int, noise: str) -> Translation:
    """Insert noise into the English text, keeping the sentence offsets consistent."""
    n = len(noise)
    text = tr.text_en[:pos] + noise + tr.text_en[pos:]
    pairs = [
        SentencePair(p.src_start, p.src_end, p.en_start + n * (p.en_start > pos), p.en_end + n * (p.en_end >= pos))
        for p in tr.sentences
    ]
    return Translation(text_en=text, sentences=pairs, model_id=tr.model_id)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_noise_anywhere_keeps_offsets_valid(plain, data):
    src, tr = translation(SEED)
    sources = seed_sources(src, plain)
    for _ in range(data.draw(st.integers(1, 4))):
        tr = insert(tr, data.draw(st.integers(0, len(tr.text_en))), data.draw(NOISE))
    cfg = data.draw(st.sampled_from([CFG, NO_FUZZY]))
    ents, warnings = align_names(src, sources, tr, plain, cfg, "ru")
    check_invariants(tr.text_en, ents)
    assert all(isinstance(w, str) for w in warnings)
    assert len({(e.start, e.end) for e in ents}) == len(ents)
    # every source name is either aligned or reported
    assert sum(e.method == "aligned" for e in ents) + len(warnings) == len(sources)
    for e in ents:
        if e.method == "aligned":
            win = [p for p in tr.sentences if p.en_start <= e.start and e.end <= p.en_end]
            assert win, "an aligned name lies inside an aligned sentence"
    clean, out = rewrite(tr.text_en, ents)
    check_invariants(clean, out)


WORD_GAPS = st.lists(
    st.sampled_from(["very", "reportedly", "(sic)", "—", "42", "and,", "of the"]), min_size=1, max_size=5
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_noise_words_between_words_keep_every_name(plain, data):
    src, tr = translation(SEED)
    sources = seed_sources(src, plain)
    for word in data.draw(WORD_GAPS):
        gaps = [i for i, c in enumerate(tr.text_en) if c == " "]
        tr = insert(tr, data.draw(st.sampled_from(gaps)), " " + word)
    ents, warnings = align_names(src, sources, tr, plain, CFG, "ru")
    assert warnings == []
    check_invariants(tr.text_en, ents)
    assert sorted(e.gazetteer_id for e in ents if e.method == "aligned") == sorted(e.gazetteer_id for e in sources)
