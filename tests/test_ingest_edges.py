"""Input that used to disappear silently: each case now gives an error row naming the file and line,
and the rest of the input is kept (issue 18, items 5-10)."""

from __future__ import annotations

import json
import math

import pytest

from transnorm.config import IngestConfig
from transnorm.ingest import iter_inputs
from transnorm.records import Document, IngestError, Record

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


def test_entries_that_are_not_readable_files_each_get_one_error_row(tmp_path, monkeypatch):
    """Dangling symlink, symlink loop, FIFO, symlinked folder, unreadable folder: one row each, the rest read."""
    import os

    from transnorm import ingest

    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    (src / "locked" / "x.txt").write_text("Kyiv", encoding="utf-8")
    (src / "ok.txt").write_text("Odesa", encoding="utf-8")
    (src / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (src / "loop.txt").symlink_to(src / "loop.txt")
    (src / "linked").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(src / "pipe.txt")
    real_scandir = os.scandir

    def scandir(path):  # root ignores permissions: a folder it cannot list is simulated
        if str(path) == str(src / "locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(ingest.os, "scandir", scandir)
    items = {i.source.removeprefix(str(src) + "/"): i for i in read(src)}
    assert isinstance(items.pop("ok.txt"), Document)
    assert all(isinstance(i, IngestError) for i in items.values())
    assert {k: v.message.split(":")[0].split(";")[0] for k, v in items.items()} == {
        "dangling.txt": "a dangling symbolic link", "loop.txt": "cannot read",
        "linked": "a symbolic link to a folder", "pipe.txt": "a FIFO", "locked": "cannot read this folder"}
    assert "Too many levels of symbolic links" in items["loop.txt"].message
    assert "Permission denied" in items["locked"].message


def test_a_run_folder_or_state_folder_inside_an_input_folder_is_skipped_with_a_warning(tmp_path, caplog):
    from transnorm.ops.ledger import OutLock, StateLock

    src = tmp_path / "in"
    (src / "news").mkdir(parents=True)
    (src / "news" / "a.txt").write_text("Kyiv", encoding="utf-8")
    OutLock(src / "run1").acquire().release()  # what a run with --out in/run1 leaves
    (src / "run1" / "records.jsonl").write_text('{"id": "a", "text": "Kyiv"}\n', encoding="utf-8")
    StateLock(src / "state").acquire().release()
    (src / "state" / "records").mkdir()
    (src / "state" / "records" / "records.jsonl").write_text('{"id": "a", "text": "Kyiv"}\n', encoding="utf-8")
    with caplog.at_level("WARNING", logger="transnorm.ingest"):
        assert [i.id for i in read(src)] == ["news/a"]
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert str(src / "run1") in warned and str(src / "state") in warned and "skipped" in warned
