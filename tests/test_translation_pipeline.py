"""Russian and Ukrainian documents through the pipeline: with and without a translation model."""

import socket
import subprocess
import sys
from pathlib import Path

from transnorm.config import load_config
from transnorm.pipeline import process_batch
from transnorm.records import Document

MIXED = [
    Document("ru1", "Ночью враг атаковал Харьков и Харьковскую область. В Донецкой области погибли два человека.", "a"),
    Document(
        "uk1",
        "Зеленський подякував усім, хто допоміг повернути військових додому. "
        "На Харківщині та Сумщині тривають обстріли.",
        "b",
    ),
    Document("en1", "Air raid alert in Kiev and the Kiev region.", "c"),
    Document(
        "ru2", "Переговоры прошли во дворце Чыраган в Стамбуле. Российскую делегацию возглавил Владимир Мединский.", "d"
    ),
]


def cfg_for(tmp_path, models_dir):
    return load_config(None, {"state_dir": str(tmp_path / "state"), "translate": {"models_dir": str(models_dir)}})


def test_without_a_model_source_names_are_linked_and_text_en_is_null(tmp_path):
    recs = process_batch(MIXED, cfg_for(tmp_path, tmp_path / "no-models"))
    by = {r.id: r for r in recs}
    assert [r.lang for r in recs] == ["ru", "uk", "en", "ru"]
    for rid in ("ru1", "uk1", "ru2"):
        r = by[rid]
        assert r.text_en is None and r.entities_en == []
        assert any("transnorm models install" in w for w in r.warnings)
        assert all(e.gazetteer_id for e in r.entities)
    assert {e.canonical for e in by["ru1"].entities} == {"Kharkiv", "Kharkiv Oblast", "Donetsk Oblast"}
    assert {e.canonical for e in by["uk1"].entities} == {"Volodymyr Zelenskyy", "Kharkiv Oblast", "Sumy Oblast"}
    assert by["en1"].text_en == "Air raid alert in Kyiv and Kyiv Oblast."  # "the Kiev region": no "the"


def test_with_tiny_models_every_cyrillic_record_gets_english(tmp_path, tiny_models_dir):
    recs = process_batch(MIXED, cfg_for(tmp_path, tiny_models_dir))
    for r in recs:
        assert r.text_en, r.id
        for e in r.entities_en:
            assert r.text_en[e.start : e.end] == e.surface
        for e in r.entities:
            assert r.text[e.start : e.end] == e.surface
    ru1 = recs[0]
    assert ru1.provenance["translation_model"].startswith("translate-ru_en")
    # The random-weight model cannot render the names: each is a warning, never a silent loss.
    linked = [e for e in ru1.entities if e.gazetteer_id]
    found = {e.gazetteer_id for e in ru1.entities_en}
    for e in linked:
        assert e.gazetteer_id in found or any(e.surface in w for w in ru1.warnings)


def test_translation_is_cached_across_runs(tmp_path, tiny_models_dir, monkeypatch):
    cfg = cfg_for(tmp_path, tiny_models_dir)
    first = process_batch(MIXED, cfg)
    import ctranslate2

    def boom(*a, **k):
        raise AssertionError("the model was called although every sentence is cached")

    monkeypatch.setattr(ctranslate2, "Translator", boom)
    from transnorm import pipeline

    pipeline._translator_for.cache_clear()  # a new process would start with no translator either
    second = process_batch(MIXED, cfg)
    assert [r.text_en for r in first] == [r.text_en for r in second]


def test_paragraphs_in_different_languages_are_handled_each_in_its_own(tmp_path):
    text = (
        "Ночью враг атаковал Харьков и Харьковскую область, сообщили местные власти.\n\n"
        "Air raid alert in Kiev and the Kiev region was lifted after two hours."
    )
    (rec,) = process_batch([Document("mix", text, "m")], cfg_for(tmp_path, tmp_path / "none"))
    assert {e.canonical for e in rec.entities} >= {"Kharkiv", "Kharkiv Oblast", "Kyiv", "Kyiv Oblast"}
    assert any("different languages" in w for w in rec.warnings)


def test_a_full_cyrillic_run_opens_no_network_connection(tmp_path, tiny_models_dir, monkeypatch):
    def refuse(*a, **k):
        raise AssertionError(f"network access attempted: {a!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    recs = process_batch(MIXED, cfg_for(tmp_path, tiny_models_dir))
    assert all(r.text_en for r in recs) and not any(r.errors for r in recs)


def test_models_cli_installs_from_a_file_offline(tmp_path, tiny_argosmodel):
    exe = str(Path(sys.executable).parent / "transnorm")
    md = tmp_path / "models"
    res = subprocess.run(
        [exe, "models", "install", str(tiny_argosmodel), "--models-dir", str(md)], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    listed = subprocess.run([exe, "models", "list", "--models-dir", str(md)], capture_output=True, text=True)
    assert listed.stdout.startswith("ru -> en")
    removed = subprocess.run(
        [exe, "models", "remove", "ru", "en", "--models-dir", str(md)], capture_output=True, text=True
    )
    assert removed.returncode == 0
    again = subprocess.run([exe, "models", "list", "--models-dir", str(md)], capture_output=True, text=True)
    assert again.stdout == "" and "no models" in again.stderr
