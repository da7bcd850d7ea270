"""Translation stage on a real (tiny, random-weight) Argos package run by CTranslate2."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import ctranslate2
import pytest

from transnorm.config import TranslateConfig
from transnorm.translation.models import install_from_path
from transnorm.translation.translate import ModelMissing, Translator, split_sentences

DOCS = [
    "Взрыв в Харькове\nСегодня утром власти заявили об атаке. Погибли двое жителей.\n\n"
    "Второй абзац: поезд прибыл на вокзал!",
    "Зеленский сообщил, что войска на границе.   Мост в Херсоне закрыт.",
    "",
    "   \n",
    "Київ, 12 березня.\nВранці у місті пролунав вибух.\n\n12:40",
]


@pytest.fixture(scope="module")
def models_dir(tiny_argosmodel, tmp_path_factory) -> Path:
    md = tmp_path_factory.mktemp("models")
    install_from_path(tiny_argosmodel, md)
    return md


@pytest.fixture
def spy(monkeypatch):
    """Counts CTranslate2 model loads and translate_batch calls (sizes) made by transnorm."""

    class Spy:
        loads = 0
        batches: list[int] = []

    Spy.batches = []

    class SpyTranslator(ctranslate2.Translator):
        def __init__(self, *args, **kwargs):
            Spy.loads += 1
            super().__init__(*args, **kwargs)

        def translate_batch(self, source, *args, **kwargs):
            Spy.batches.append(len(source))
            return super().translate_batch(source, *args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", SpyTranslator)
    return Spy


def test_translate_documents_offsets_and_structure(models_dir):
    tr = Translator(TranslateConfig(models_dir=models_dir))
    out = tr.translate_documents(DOCS, "ru")
    assert len(out) == len(DOCS)
    for doc, t in zip(DOCS, out):
        assert t.model_id == "translate-ru_en@1.0"
        assert [(p.src_start, p.src_end) for p in t.sentences] == split_sentences(doc)
        prev_end = 0
        for p in t.sentences:
            src, en = doc[p.src_start : p.src_end], t.text_en[p.en_start : p.en_end]
            assert src.strip() == src and src
            assert en.strip(), f"empty translation for {src!r}"
            assert p.en_start >= prev_end
            prev_end = p.en_end
            if any(c.isalpha() for c in src):
                assert en != src  # really translated, not passed through
        # line and paragraph structure survives
        assert t.text_en.count("\n\n") == doc.count("\n\n")
        assert t.text_en.count("\n") == doc.count("\n")
    assert out[2].text_en == "" and out[2].sentences == []
    assert out[3].text_en == "   \n"
    last = out[4]
    assert last.text_en.endswith("\n\n12:40")  # nothing to translate in a time: kept as is


def test_split_sentences_keeps_headlines_and_paragraphs():
    text = "Заголовок без точки\nПервое предложение. Второе, с переносом\nстроки.\n\nНовый абзац"
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == [
        "Заголовок без точки",
        "Первое предложение.",
        "Второе, с переносом\nстроки.",
        "Новый абзац",
    ]
    assert split_sentences("  \n\n ") == []


def test_long_sentence_is_cut_at_spaces():
    text = " ".join(["слово"] * 300) + "."
    spans = split_sentences(text, max_chars=100)
    assert len(spans) > 1 and all(e - s <= 100 for s, e in spans)
    assert " ".join(text[s:e] for s, e in spans) == text


def test_sentences_from_many_documents_are_batched(models_dir, spy):
    docs = [f"Власти заявили {i}. Поезд номер {i} прибыл. Мост {i} закрыт." for i in range(40)]
    tr = Translator(TranslateConfig(models_dir=models_dir, batch_size=16))
    out = tr.translate_documents(docs, "ru")
    n = sum(len(t.sentences) for t in out)
    assert n == 120
    assert sum(spy.batches) == 120  # every sentence translated exactly once
    assert len(spy.batches) == math.ceil(120 / 16)  # 8 calls, not 120 (or 40)
    assert max(spy.batches) <= 16
    assert spy.loads == 1
    tr.translate_documents(["Новый документ."], "ru")
    assert spy.loads == 1  # the model is loaded once and reused
    tr.close()
    tr.translate_documents(["Ещё один документ."], "ru")
    assert spy.loads == 2  # reloaded on demand after close()


def test_repeated_sentences_are_translated_once(models_dir, spy):
    docs = ["Взрыв в Харькове. Погибли двое."] * 10 + ["Погибли двое."]
    tr = Translator(TranslateConfig(models_dir=models_dir))
    out = tr.translate_documents(docs, "ru")
    assert sum(spy.batches) == 2
    assert len({t.text_en for t in out[:10]}) == 1


def test_cache_skips_ctranslate2_and_survives_new_translator(models_dir, tmp_path, spy):
    cfg = TranslateConfig(models_dir=models_dir, cache_path=tmp_path / "state" / "cache.sqlite")
    first = Translator(cfg).translate_documents(DOCS, "ru")
    assert sum(spy.batches) > 0 and spy.loads == 1
    spy.batches.clear()
    again = Translator(cfg)  # a new process would look the same: only the file is shared
    second = again.translate_documents(DOCS, "ru")
    assert spy.batches == [] and spy.loads == 1  # no translate_batch, model not even loaded
    assert [t.text_en for t in second] == [t.text_en for t in first]
    assert [t.sentences for t in second] == [t.sentences for t in first]
    assert again.last_stats.cache_hits == again.last_stats.unique - again.last_stats.passthrough
    # other decoding settings give other outputs: they do not reuse these entries
    Translator(cfg.model_copy(update={"beam_size": 1})).translate_documents(DOCS[:1], "ru")
    assert sum(spy.batches) > 0


def test_cache_allows_a_concurrent_reader(models_dir, tmp_path):
    cache = tmp_path / "cache.sqlite"
    cfg = TranslateConfig(models_dir=models_dir, cache_path=cache)
    Translator(cfg).translate_documents(DOCS[:1], "ru")
    reader = sqlite3.connect(cache, timeout=0.1)
    reader.execute("BEGIN")
    before = reader.execute("SELECT count(*) FROM translations").fetchone()[0]
    try:
        Translator(cfg).translate_documents(["Совсем другое предложение."], "ru")  # writes meanwhile
    finally:
        reader.rollback()
    assert reader.execute("SELECT count(*) FROM translations").fetchone()[0] == before + 1
    assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reader.close()


def test_missing_model_raises_model_missing_with_install_commands(tmp_path):
    tr = Translator(TranslateConfig(models_dir=tmp_path / "empty"))
    assert not tr.available("uk")
    with pytest.raises(ModelMissing) as err:
        tr.translate_documents(["Вибух у Харкові."], "uk")
    msg = str(err.value)
    assert "transnorm models install uk en" in msg
    assert "transnorm models install PATH.argosmodel" in msg
    with pytest.raises(ModelMissing):
        tr.model_id("uk")


def test_config_rejects_unknown_keys():
    with pytest.raises(ValueError):
        TranslateConfig(beam=4)


def test_model_id_is_stable(models_dir):
    a = Translator(TranslateConfig(models_dir=models_dir)).model_id("ru")
    b = Translator(TranslateConfig(models_dir=models_dir)).model_id("ru", "en")
    assert a == b == "translate-ru_en@1.0"


def test_empty_batch(models_dir, spy):
    assert Translator(TranslateConfig(models_dir=models_dir)).translate_documents([], "ru") == []
    assert spy.loads == 0


def test_corrupt_model_gives_a_clear_error(tiny_argosmodel, tmp_path):
    from transnorm.translation.models import ModelError

    info = install_from_path(tiny_argosmodel, tmp_path / "models")
    (info.model_path / "model.bin").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="could not be loaded.*reinstall"):
        Translator(TranslateConfig(models_dir=tmp_path / "models")).translate_documents(["Текст."], "ru")
