"""Property tests: arbitrary Unicode never breaks the matcher, offsets or records.

Text is built from gazetteer names (composed, decomposed, upper-cased, inflected) glued
with hostile pieces: mixed scripts, right-to-left text and bidi controls, combining marks,
emoji sequences, zero-width characters, NUL, CR, lone surrogates and any code point at all.
Example counts are kept moderate (CI has two cores); each test states what must hold for
every input.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from transnorm.config import IngestConfig, MatchConfig, load_config
from transnorm.ingest import iter_inputs
from transnorm.linking import keys as linking_keys
from transnorm.linking.match import link
from transnorm.linking.rewrite import rewrite
from transnorm.pipeline import process_batch
from transnorm.records import Candidate, Document, Entity, IngestError, record_from_dict
from transnorm.text import translit
from transnorm.text.fold import fold, tokenize

MATCH = MatchConfig()
NAMES = [
    "Kyiv", "Kiev", "Kharkov", "Kharkiv Oblast", "Odessa, Texas", "Zaporizhzhia", "Zaporozhye NPP",
    "Çırağan Palace", "Palace of Chyragan", "Dolmabahçe", "İstanbul", "Volodymyr Zelenskyy",
    "Vladimir Zelensky", "Donetsk region", "Kryvyi Rih", "Georgia", "DPR", "St. Petersburg",
    "Харьков", "Харьковскую область", "на Харківщині", "Кривому Розі", "Зеленського", "Київ",
    "Запоріжжя", "Чыраган", "Мар'їнка", "Донеччина", "Ivan Petrenko", "Mr. Smith",
]
ODD = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066", "\u2069", "\ufeff", "\u00a0",
    "\u0301", "\u0308", "\u0327", "\u0306", "\x00", "\r", "\r\n", "\n", "\n\n", "\t", "\u2028", "\u2029",
    "😀", "👩\u200d👩\u200d👧", "🇺🇦", "\ufe0f", "ـ", "שלום", "مرحبا", "'", "’", "ʼ", "-", "–", ". ", ", ",
    "«", "»", "(", "#", "|", "`", "İ", "ß", "ǅ", "Ⅻ", "½", "𝐊𝐲𝐢𝐯", "Ｋｙｉｖ",
]
any_char = st.characters(codec=None, exclude_categories=())  # every code point, surrogates too
name = st.sampled_from(NAMES)
fragment = st.one_of(
    name, name.map(lambda s: unicodedata.normalize("NFD", s)), name.map(str.upper), name.map(str.lower),
    st.sampled_from(ODD), st.text(any_char, max_size=6), st.characters(categories=["Cs"]),
    st.just(" "), st.just(" "),
)
texts = st.lists(fragment, max_size=24).map("".join)
LANGS = ("en", "ru", "uk")


def link_as_pipeline(text: str, lang: str, index) -> list[Entity]:
    """The matcher exactly as pipeline.link_segment calls it for each language."""
    if lang in ("ru", "uk"):
        return link(text, index, MATCH, keys_fn=linking_keys.keys_fn(index, lang),
                    propose=lambda s: translit.propose_english(s, lang))
    return link(text, index, MATCH)


def check_entities(text: str, entities: list[Entity]) -> None:
    """The documented invariants: exact, sorted, disjoint spans that never split a character."""
    prev_end = 0
    for e in entities:
        assert 0 <= e.start < e.end <= len(text), e
        assert text[e.start:e.end] == e.surface, e
        assert e.start >= prev_end, f"overlapping or unsorted: {entities}"
        prev_end = e.end
        assert not unicodedata.combining(text[e.start]), f"starts on a combining mark: {e}"
        if e.end < len(text):
            assert not unicodedata.combining(text[e.end]), f"cuts off a combining mark: {e}"
        assert e.status in ("auto", "review", "unresolved")
        assert 0.0 <= e.score <= 1.0
        if e.gazetteer_id is None:
            assert e.status == "unresolved"


def scrub(text: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


# ----------------------------------------------------------------------------- folding


@settings(max_examples=300, deadline=None)
@given(st.text(any_char, max_size=30) | texts)
def test_fold_is_idempotent_and_token_keys_are_fixed_points(s):
    f = fold(s)
    assert fold(f) == f
    for tok in tokenize(s):
        assert s[tok.start:tok.end] == tok.text
        assert fold(tok.key) == tok.key


@pytest.mark.parametrize("text,lang", [
    ("Talks at Çırağan Palace and Dolmabahçe in İstanbul", "en"),
    ("Атака на Київ і Кривий Ріг, Зеленський у Запоріжжі", "uk"),
    ("Переговоры во дворце Чыраган в Стамбуле, удар по Харькову", "ru"),
])
def test_decomposed_text_links_like_composed_text(index, text, lang):
    """NFD input (macOS, some CMSs) is the same text: same links, spans around whole letters."""
    nfc = link_as_pipeline(unicodedata.normalize("NFC", text), lang, index)
    nfd_text = unicodedata.normalize("NFD", text)
    nfd = link_as_pipeline(nfd_text, lang, index)
    check_entities(nfd_text, nfd)
    assert [(e.gazetteer_id, e.status) for e in nfd] == [(e.gazetteer_id, e.status) for e in nfc]
    assert [unicodedata.normalize("NFC", e.surface) for e in nfd] == [e.surface for e in nfc]
    assert all(e.gazetteer_id for e in nfc)


# ----------------------------------------------------------------------------- matcher


@settings(max_examples=150, deadline=None)
@given(texts, st.sampled_from(LANGS))
def test_matcher_never_raises_and_spans_are_exact_and_disjoint(index, text, lang):
    check_entities(text, link_as_pipeline(text, lang, index))


# ----------------------------------------------------------------------------- rewrite


def _undo(new_text: str, new_ents: list[Entity], old_ents: list[Entity]) -> str:
    """Put every original surface back where rewrite put its replacement."""
    parts, pos = [], 0
    for new, old in zip(new_ents, old_ents):
        parts += [new_text[pos:new.start], old.surface]
        pos = new.end
    return "".join(parts) + new_text[pos:]


@settings(max_examples=150, deadline=None)
@given(texts)
def test_rewrite_keeps_every_english_offset_valid(index, text):
    ents = link_as_pipeline(text, "en", index)
    new_text, new_ents = rewrite(text, ents)
    check_entities(new_text, new_ents)
    assert len(new_ents) == len(ents)
    for old, new in zip(ents, new_ents):
        assert new.surface == (old.rewrite if old.status == "auto" and old.rewrite else old.surface)
    assert _undo(new_text, new_ents, ents) == text  # nothing else changed


@settings(max_examples=150, deadline=None)
@given(texts)
def test_clean_english_keeps_every_offset_valid_and_every_mention(index, text):
    """With the lexicon, rewrite also edits articles, plural head words, capitals and breaks:
    every mention still comes out once, in order, with exact offsets."""
    ents = link_as_pipeline(text, "en", index)
    new_text, new_ents = rewrite(text, ents, index.lexicon)
    check_entities(new_text, new_ents)
    assert [e.gazetteer_id for e in new_ents] == [e.gazetteer_id for e in ents]


@st.composite
def text_with_entities(draw):
    text = draw(st.text(any_char, max_size=40))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=10))))
    ents = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        if a < b:
            ents.append(Entity(a, b, text[a:b], "place", "x", "X", draw(st.floats(0, 1)), "exact",
                               draw(st.sampled_from(["auto", "review", "unresolved"])),
                               [Candidate("x", "X", 1.0)], draw(st.none() | st.text(any_char, max_size=8))))
    return text, ents


@settings(max_examples=300, deadline=None)
@given(text_with_entities())
def test_rewrite_of_any_disjoint_spans_is_exact(case):
    text, ents = case
    new_text, new_ents = rewrite(text, ents)
    for e in new_ents:
        assert new_text[e.start:e.end] == e.surface
    assert _undo(new_text, new_ents, ents) == text


@settings(max_examples=300, deadline=None)
@given(text_with_entities())
def test_clean_english_of_any_disjoint_spans_is_exact(index, case):
    text, ents = case
    new_text, new_ents = rewrite(text, ents, index.lexicon)
    assert len(new_ents) == len(ents)
    for e in new_ents:
        assert new_text[e.start:e.end] == e.surface


# ----------------------------------------------------------------------------- pipeline


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    """Default config, no translation model (ru/uk records keep source entities only)."""
    tmp = tmp_path_factory.mktemp("props")
    return load_config(None, {"state_dir": str(tmp / "state"), "translate": {"models_dir": str(tmp / "none")}})


@pytest.fixture(scope="module")
def cfg_tiny(tmp_path_factory, tiny_models_dir):
    """With the tiny random-weight ru/uk -> en models: translation and alignment run for real."""
    tmp = tmp_path_factory.mktemp("props-tiny")
    return load_config(None, {"state_dir": str(tmp / "state"),
                              "translate": {"models_dir": str(tiny_models_dir), "max_decoding_length": 24}})


def check_records(docs: list[Document], records) -> None:
    assert [r.id for r in records] == [d.id for d in docs]
    for doc, rec in zip(docs, records):
        assert rec.errors == []  # no document may fail: an internal error row is a bug
        assert rec.text == scrub(doc.text)  # unchanged, but for lone surrogates (one for one)
        check_entities(rec.text, rec.entities)
        if rec.text_en is not None:
            check_entities(rec.text_en, rec.entities_en)
        else:
            assert rec.entities_en == []
        if rec.lang == "en" and not rec.errors:
            assert rec.text_en is not None
        line = json.dumps(rec.to_dict(), ensure_ascii=False)
        line.encode("utf-8")  # records.jsonl stays valid UTF-8: no surrogate survives
        back = record_from_dict(json.loads(line))
        assert (back.text, back.text_en, len(back.entities)) == (rec.text, rec.text_en, len(rec.entities))


docs_strategy = st.lists(st.tuples(texts, st.sampled_from([None, "en", "ru", "uk"])), min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs_strategy)
def test_process_batch_keeps_offsets_exact_for_any_text(cfg, items):
    docs = [Document(id=f"d{i}", text=t, source=f"s{i}", lang=lang) for i, (t, lang) in enumerate(items)]
    assume(all(d.text.strip() for d in docs))
    check_records(docs, process_batch(docs, cfg))


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(texts, st.sampled_from(["ru", "uk"])), min_size=1, max_size=3))
def test_translated_records_keep_english_offsets_exact(cfg_tiny, items):
    docs = [Document(id=f"d{i}", text="Харьков и Київ. " + t, source=f"s{i}", lang=lang)
            for i, (t, lang) in enumerate(items)]
    records = process_batch(docs, cfg_tiny)
    check_records(docs, records)
    assert all(r.text_en is not None for r in records)


# ----------------------------------------------------------------------------- ingest


json_line = st.one_of(
    # ASCII JSON: every lone surrogate is written as an escape ("\ud800"), which JSON allows
    st.tuples(texts, st.none() | texts, st.dictionaries(texts, texts, max_size=2)).map(
        lambda t: json.dumps({"id": t[1], "text": t[0], **t[2]}).encode()),
    # the same written raw: a surrogate encoded as bytes is invalid UTF-8
    texts.map(lambda t: json.dumps({"text": t}, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    st.binary(max_size=30),
    st.sampled_from([b"[1, 2]", b"42", b'"text"', b"null", b'{"text": 5}', b"{", b"\xef\xbb\xbf{}", b"\x00",
                     b'{"id": ' + b"9" * 5000 + b', "text": "x"}', b"[" * 5000]),
).map(lambda b: b.replace(b"\n", b" "))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(json_line, max_size=8))
def test_ingest_never_raises_and_gives_one_item_per_line(tmp_path, lines):
    p = tmp_path / "feed.jsonl"
    data = b"".join(ln + b"\n" for ln in lines)
    p.write_bytes(data)
    items = list(iter_inputs([p], IngestConfig()))
    expected = 1 if not data else len([ln for ln in lines if ln.strip()])
    assert len(items) == expected
    for it in items:
        if isinstance(it, Document):
            it.text.encode("utf-8")  # lone surrogates never reach a Document
            it.id.encode("utf-8")
            json.dumps(it.meta, ensure_ascii=False).encode("utf-8")
        else:
            assert isinstance(it, IngestError) and it.source.startswith(str(p))
