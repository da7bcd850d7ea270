"""Ingest: every supported format, and every bad input becomes an error naming file and line."""

import json

from transnorm.config import IngestConfig
from transnorm.ingest import iter_inputs
from transnorm.records import Document, IngestError

CFG = IngestConfig()


def read(*paths, cfg=CFG):
    return list(iter_inputs(paths, cfg))


def test_text_files_in_a_folder_get_ids_relative_to_the_root(tmp_path):
    (tmp_path / "wires" / "2025").mkdir(parents=True)
    (tmp_path / "wires" / "2025" / "a.txt").write_text("Kyiv today.", encoding="utf-8")
    (tmp_path / "wires" / "b.md").write_text("# Odesa", encoding="utf-8")
    (tmp_path / "wires" / ".hidden.txt").write_text("skip me", encoding="utf-8")
    docs = read(tmp_path / "wires")
    assert [d.id for d in docs] == ["2025/a", "b"]
    assert docs[0].text == "Kyiv today." and docs[0].source.endswith("a.txt")


def test_jsonl_keeps_metadata_and_lang(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"id": "x1", "text": "Харків", "lang": "uk", "channel": "t.me/a"}) + "\n"
                 + json.dumps({"text": "no id here"}) + "\n", encoding="utf-8")
    a, b = read(p)
    assert (a.id, a.lang, a.meta) == ("x1", "uk", {"channel": "t.me/a"})
    assert b.id == "feed:2" and b.source.endswith("feed.jsonl:2")


def test_csv_with_configured_columns_and_quoted_newlines(tmp_path):
    p = tmp_path / "items.csv"
    p.write_text('key,body,src\nk1,"line one\nline two",wire\nk2,Odesa,tg\n', encoding="utf-8")
    docs = read(p, cfg=IngestConfig(csv_id_column="key", csv_text_column="body"))
    assert [(d.id, d.text, d.meta) for d in docs] == [
        ("k1", "line one\nline two", {"src": "wire"}), ("k2", "Odesa", {"src": "tg"})]


def test_csv_without_text_column_is_an_error_naming_the_column(tmp_path):
    p = tmp_path / "items.csv"
    p.write_text("id,body\n1,x\n", encoding="utf-8")
    (err,) = read(p)
    assert isinstance(err, IngestError) and "'text'" in err.message and err.source.endswith("items.csv:1")


def test_bad_jsonl_lines_are_errors_and_good_lines_survive(tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_bytes(b'{"id": "ok1", "text": "Kyiv"}\n'
                  b'{not json\n'
                  b'{"id": "no-text"}\n'
                  b'[1, 2]\n'
                  b'42\n'
                  b'{"id": "bad-utf8", "text": "\xff\xfe"}\n'
                  b'{"id": "ok2", "text": "Lviv"}\n')
    items = read(p)
    assert [d.id for d in items if isinstance(d, Document)] == ["ok1", "ok2"]
    errors = {e.source.rsplit(":", 1)[1]: e.message for e in items if isinstance(e, IngestError)}
    assert set(errors) == {"2", "3", "4", "5", "6"}
    assert "not valid JSON" in errors["2"]
    assert "text" in errors["3"]
    assert "list" in errors["4"] and "int" in errors["5"]
    assert "UTF-8" in errors["6"]


def test_invalid_utf8_text_file_names_the_line(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"first line\nsecond \xc3\x28 line\n")
    (err,) = read(p)
    assert isinstance(err, IngestError) and err.source.endswith("bad.txt:2") and "UTF-8" in err.message


def test_empty_binary_unreadable_and_missing(tmp_path, monkeypatch):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "data.bin").write_bytes(b"\x00\x01")
    locked = tmp_path / "locked.txt"
    locked.write_text("secret", encoding="utf-8")
    real_read = type(locked).read_bytes

    def read_bytes(self):  # tests run as root, who can read a chmod 0 file: simulate the refusal
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(type(locked), "read_bytes", read_bytes)
    items = read(tmp_path, tmp_path / "nope.txt")
    msgs = {e.source.split("/")[-1]: e.message for e in items if isinstance(e, IngestError)}
    assert msgs["empty.txt"] == "empty file"
    assert msgs["blank.txt"] == "empty document"
    assert "binary" in msgs["image.txt:3"]
    assert "unsupported" in msgs["data.bin"]
    assert "no such file" in msgs["nope.txt"]
    assert "cannot read" in msgs["locked.txt"] and "Permission denied" in msgs["locked.txt"]


def test_utf16_with_bom_and_crlf_are_read_unchanged(tmp_path):
    p = tmp_path / "win.txt"
    p.write_bytes("Київ\r\nОдеса".encode("utf-16"))
    (doc,) = read(p)
    assert doc.text == "Київ\r\nОдеса"


def test_duplicate_ids_are_kept_with_a_warning(tmp_path):
    p = tmp_path / "dup.jsonl"
    p.write_text('{"id": "a", "text": "one"}\n{"id": "a", "text": "two"}\n', encoding="utf-8")
    a, b = read(p)
    assert a.warnings == [] and "duplicate id" in b.warnings[0]
