"""The stages end to end without Prefect: the dev-set article and bad input in one batch."""

import json
import unicodedata

import pytest

from transnorm.config import load_config
from transnorm.pipeline import process_batch
from transnorm.records import Candidate, Document, Entity, IngestError, Record


def _norm(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s or "") if not unicodedata.combining(c)).casefold()


def check_against_devset(rec, seed):
    """Every expected mention: an overlapping entity, status auto, an accepted canonical."""
    missing = []
    for exp in seed["expect"]:
        hits = [e for e in rec.entities if e.start < exp["end"] and exp["start"] < e.end and e.status == "auto"
                and _norm(e.canonical) in {_norm(c) for c in exp["canonical"]}]
        if not hits:
            missing.append((exp["surface"], exp["start"]))
    return missing


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return load_config(None, {"state_dir": str(tmp_path_factory.mktemp("state"))})


def test_seed_article_links_every_expected_name(seed, cfg):
    (rec,) = process_batch([Document(id="seed", text=seed["text"], source="seed.txt")], cfg)
    assert rec.lang == "en"
    assert check_against_devset(rec, seed) == []


def test_seed_neutral_words_are_not_linked(seed, cfg):
    (rec,) = process_batch([Document(id="seed", text=seed["text"], source="seed.txt")], cfg)
    linked = {e.surface for e in rec.entities if e.gazetteer_id}
    for word in seed["neutral"]:
        assert word not in linked
    # and no linked mention is *only* a neutral word (e.g. "Russian" inside "Russian side")
    assert not [e for e in rec.entities if e.gazetteer_id and e.surface in seed["neutral"]]


def test_seed_clean_text_reads_canonical_names(seed, cfg):
    (rec,) = process_batch([Document(id="seed", text=seed["text"], source="seed.txt")], cfg)
    for name in ["Donetsk Oblast", "Zaporizhzhia", "Volodymyr Zelenskyy", "Çırağan Palace", "Dolmabahçe"]:
        assert name in rec.text_en, name
    for debris in ["Donetchina", "Zaporozhye", "Vladimir Zelensky", "Chyragan", "Dolmabakhche"]:
        assert debris not in rec.text_en, debris
    for e in rec.entities_en:
        assert rec.text_en[e.start:e.end] == e.surface
    for e in rec.entities:
        assert rec.text[e.start:e.end] == e.surface


def test_record_has_the_documented_shape_and_provenance(seed, cfg):
    (rec,) = process_batch([Document(id="seed", text=seed["text"], source="seed.txt")], cfg)
    d = rec.to_dict()
    assert list(d)[:10] == ["id", "source", "lang", "text", "text_en", "entities", "entities_en",
                            "warnings", "errors", "provenance"]
    ent = d["entities"][0]
    assert {"start", "end", "surface", "type", "gazetteer_id", "canonical", "score", "method",
            "status"} <= set(ent)
    assert d["provenance"]["gazetteer"] and d["provenance"]["config"] and d["provenance"]["transnorm"]


def test_errors_become_rows_in_order_and_the_rest_is_processed(cfg):
    items = [Document(id="a", text="Kiev today.", source="a.txt"),
             IngestError("feed.jsonl:2", "not valid JSON"),
             Document(id="b", text="Kharkov tomorrow.", source="b.txt")]
    a, err, b = process_batch(items, cfg)
    assert a.text_en == "Kyiv today." and b.text_en == "Kharkiv tomorrow."
    assert err.errors == ["feed.jsonl:2: not valid JSON"] and err.source == "feed.jsonl:2"



def test_record_json_line_is_plain_json_dumps_of_the_record(monkeypatch):
    """Record.to_json builds the line in blocks (memory); it must be identical to json.dumps."""
    from transnorm import records

    ents = [Entity(i, i + 4, "Kyiv", "place", "ua-city-kyiv", "Kyiv", 0.98765, "exact", "auto",
                   [Candidate("ua-city-kyiv", "Kyiv", 0.98765), Candidate("x", 'Ky"iv', 0.5)]) for i in range(5)]
    recs = [Record('d"1', "s:1", "en", "Kyiv — «Київ» \u2028 😀", None, warnings=["w"], meta={"k": [1, None]}),
            Record("d2", "s:2", None, "", None, errors=["e"]),
            Record("d3", "s:3", "ru", "x", "y", entities=ents, entities_en=ents[:2],
                   provenance={"transnorm": "0", "translation_model": None})]
    monkeypatch.setattr(records, "JSON_BLOCK", 2)  # several blocks, and a partial last one
    for rec in recs:
        assert rec.to_json() == json.dumps(rec.to_dict(), ensure_ascii=False)
        assert rec.to_line() == json.dumps(rec.to_dict(), ensure_ascii=False).encode("utf-8")
        assert records.record_from_dict(json.loads(rec.to_json())).to_dict() == rec.to_dict()


def test_a_mixed_document_lingua_calls_other_is_processed_paragraph_by_paragraph():
    """Whole, this ru + en text reads to lingua as neither; its paragraphs are plainly ru and en."""
    text = ("Ночью враг атаковал Харьков и Харьковскую область. В Донецкой области погибли два человека.\n\n"
            "The governor of the Belgorod region, Vyacheslav Gladkov, said Ukrainian drones attacked Shebekino.\n\n"
            "# Frontline digest\n\n"
            "Dmitry Lenhrabstenenko, head of the Marzelnovivka community, said the shelling had stopped.")
    cfg = load_config()
    from transnorm.detect import detect_language

    assert detect_language(text, cfg.detect) == "other"  # the premise: lingua's verdict on the whole
    [rec] = process_batch([Document(id="mix", text=text, source="t:1")], cfg)
    assert rec.lang == "en" and not rec.errors
    got = {e.surface: e.gazetteer_id for e in rec.entities}
    assert got["Донецкой области"] == "ua-oblast-donetsk"  # ru morphology on the ru paragraph
    assert got["Харьковскую область"] == "ua-oblast-kharkiv" and got["Belgorod region"] == "ru-oblast-belgorod"
    assert any("different languages" in w for w in rec.warnings)
    assert all(text[e.start:e.end] == e.surface for e in rec.entities)


def test_an_english_document_keeps_its_english_when_a_russian_paragraph_has_no_model(pipeline_cfg):
    """A stray Russian paragraph in an English document without a ru->en model stays as written in
    text_en (a warning says so); the English paragraphs are not lost with it."""
    from transnorm.pipeline import process_batch
    from transnorm.records import Document

    text = ("Russian forces shelled Kharkiv overnight, the regional governor said.\n\n"
            "Обстрел Харьковской области продолжался всю ночь, сообщили местные власти.\n")
    rec = process_batch([Document(id="mix", text=text, source="test", lang="en")], pipeline_cfg)[0]
    assert rec.lang == "en" and rec.text_en is not None
    assert rec.text_en.startswith("Russian forces shelled Kharkiv overnight")
    assert "Обстрел Харьковской области" in rec.text_en
    assert any("text_en keeps the ru paragraphs as written" in w for w in rec.warnings)
    for e in rec.entities_en:
        assert rec.text_en[e.start:e.end] == e.surface
