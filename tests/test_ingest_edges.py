"""Input that used to disappear silently: each case now gives an error row naming the file and line,
and the rest of the input is kept (issue 18, items 5-10)."""

from __future__ import annotations

import json
import math

import pytest

from transnorm.config import IngestConfig
from transnorm.ingest import iter_inputs
from transnorm.records import IngestError, Record

CFG = IngestConfig()


def read(*paths, cfg=CFG):
    return list(iter_inputs(paths, cfg))


def test_an_unterminated_csv_quote_is_an_error_at_its_line_and_the_rest_is_kept(tmp_path):
    p = tmp_path / "feed.csv"
    p.write_text('id,text\nq1,"Kyiv\nq2,Odesa\nq3,Lviv\n', encoding="utf-8")
    err, *docs = read(p)
    assert isinstance(err, IngestError) and err.source == f"{p}:2" and "unterminated quoted field" in err.message
    assert [(d.id, d.text, d.source) for d in docs] == [("q2", "Odesa", f"{p}:3"), ("q3", "Lviv", f"{p}:4")]


def test_an_unterminated_quote_after_a_multi_line_field_names_the_line_it_opens(tmp_path):
    p = tmp_path / "feed.csv"
    p.write_text('id,text,note\nq0,"two\r\nlines",ok\nq1,"a\nb","never closed\nq2,Odesa,x\n', encoding="utf-8")
    items = read(p)
    assert [type(i).__name__ for i in items] == ["Document", "IngestError", "Document"]
    assert items[1].source == f"{p}:5"  # q1 starts on line 4; its third field's quote opens on line 5
    assert (items[2].id, items[2].source) == ("q2", f"{p}:6")


def test_a_duplicate_csv_header_is_an_error_never_a_silently_dropped_column(tmp_path):
    p = tmp_path / "feed.csv"
    p.write_text("id,text,text\nq1,Kyiv,Odesa\n", encoding="utf-8")
    (err,) = read(p)
    assert isinstance(err, IngestError) and err.source == f"{p}:1"
    assert "duplicate column" in err.message and "'text'" in err.message


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
def test_non_standard_json_numbers_are_rejected_naming_the_line(tmp_path, value):
    p = tmp_path / "feed.jsonl"
    p.write_text('{"id": "a", "text": "Kyiv"}\n' f'{{"id": "b", "text": "Odesa", "score": {value}}}\n'
                 '{"id": "c", "text": "Lviv", "score": 1e300}\n', encoding="utf-8")
    a, err, c = read(p)
    assert isinstance(err, IngestError) and err.source == f"{p}:2" and "not strict JSON" in err.message
    assert (a.id, c.id, c.meta) == ("a", "c", {"score": 1e300})


def test_records_are_strict_json_or_not_written():
    rec = Record(id="x", source="s", lang="en", text="t", text_en="t", meta={"score": math.nan})
    with pytest.raises(ValueError, match="JSON compliant"):
        rec.to_line()
    rec.meta = {"score": 1.5}
    assert json.loads(bytes(rec.to_line()), parse_constant=lambda c: pytest.fail(c)) == rec.to_dict()
