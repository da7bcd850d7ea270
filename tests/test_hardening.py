"""Hardening (issue 8): hostile and huge input, injection into reports, no network, 127.0.0.1 only.

Each bad input of the catalogue gets a clear message naming the file and line, and
nothing else in the run is lost. Cases already covered in test_ingest.py are not repeated
(invalid UTF-8 in .txt/.jsonl, UTF-16 .txt, lists and numbers as JSONL lines, duplicate
ids in one file, empty/binary/missing files), nor config errors (test_config.py).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
from html.parser import HTMLParser
from itertools import islice
from pathlib import Path

import pytest

from transnorm import pipeline
from transnorm.config import IngestConfig, load_config
from transnorm.gazetteer.entries import load_entries
from transnorm.gazetteer.schema import GazetteerError
from transnorm.ingest import iter_inputs
from transnorm.ops.output import RunWriter
from transnorm.pipeline import CHUNK_CHARS, chunk_spans, process_batch
from transnorm.records import Document, IngestError, record_from_dict

ROOT = Path(__file__).resolve().parents[1]
TRANSNORM = str(Path(sys.executable).parent / "transnorm")
CFG = IngestConfig()


def read(*paths, cfg=CFG):
    return list(iter_inputs(paths, cfg))


def errors_by_line(items) -> dict[str, str]:
    return {e.source.rsplit(":", 1)[-1]: e.message for e in items if isinstance(e, IngestError)}


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hardening")
    return load_config(None, {"state_dir": str(tmp / "state"), "translate": {"models_dir": str(tmp / "none")}})


def assert_exact(rec):
    for e in rec.entities:
        assert rec.text[e.start:e.end] == e.surface, e
    for e in rec.entities_en:
        assert rec.text_en[e.start:e.end] == e.surface, e


# ============================================================================ bad input catalogue


def test_invalid_utf8_in_csv_loses_only_that_record(tmp_path):
    p = tmp_path / "wires.csv"
    p.write_bytes(b'id,text\nw1,Shelling in Kharkov.\nw2,"bad \xff\xfe byte"\nw3,"Odessa port\nsecond line"\n'
                  b"w4,Kiev today.\n")
    items = read(p)
    assert [d.id for d in items if isinstance(d, Document)] == ["w1", "w3", "w4"]
    assert list(errors_by_line(items)) == ["3"] and "UTF-8" in errors_by_line(items)["3"]
    w3 = items[2]
    assert w3.text == "Odessa port\nsecond line" and w3.source.endswith("wires.csv:4")  # first line of the record


def test_utf16_jsonl_and_csv_with_a_bom_are_read(tmp_path):
    (tmp_path / "feed.jsonl").write_bytes(
        ('{"id": "j1", "text": "Київ\\r\\nОдеса"}\r\n{"id": "j2", "text": "Kharkov"}\r\n').encode("utf-16"))
    (tmp_path / "wires.csv").write_bytes('id,text\r\nc1,"Львів,\r\nТернопіль"\r\n'.encode("utf-16-be")
                                         .join([b"\xfe\xff", b""]))
    docs = read(tmp_path)
    assert [(d.id, d.text) for d in docs] == [("j1", "Київ\r\nОдеса"), ("j2", "Kharkov"),
                                              ("c1", "Львів,\r\nТернопіль")]


def test_nul_characters(tmp_path, cfg):
    """A NUL escape in JSON is text (kept); a raw NUL byte is an error naming the line; CSV keeps it."""
    (tmp_path / "feed.jsonl").write_bytes(b'{"id": "esc", "text": "Kiev\\u0000Kharkov"}\n'
                                          b'{"id": "raw", "text": "Kiev\x00"}\n'
                                          b'{"id": "ok", "text": "Odessa"}\n')
    (tmp_path / "w.csv").write_bytes(b'id,text\nc1,"Lviv\x00 today"\n')
    items = read(tmp_path)
    docs = {d.id: d for d in items if isinstance(d, Document)}
    assert docs["esc"].text == "Kiev\x00Kharkov" and docs["c1"].text == "Lviv\x00 today" and "ok" in docs
    assert list(errors_by_line(items)) == ["2"]
    recs = process_batch(items, cfg)
    for rec in recs:
        assert_exact(rec)
        json.dumps(rec.to_dict(), ensure_ascii=False).encode("utf-8")
    esc = next(r for r in recs if r.id == "esc")
    assert [e.canonical for e in esc.entities] == ["Kyiv", "Kharkiv"] and esc.text_en == "Kyiv\x00Kharkiv"


def test_crlf_and_lone_cr_keep_the_text_and_offsets_exact(tmp_path, cfg):
    crlf = "Shelling in Kharkov.\r\nKiev said so.\r\n\r\nOdessa port is closed.\r\n"
    cr = "Shelling in Kharkov.\rKiev said so.\r\rOdessa port is closed.\r"
    (tmp_path / "crlf.txt").write_bytes(crlf.encode())
    (tmp_path / "cr.txt").write_bytes(cr.encode())
    (tmp_path / "feed.jsonl").write_bytes(json.dumps({"id": "j", "text": cr}).encode() + b"\r\n")
    (tmp_path / "w.csv").write_bytes(b'id,text\r\nc,"' + crlf.encode() + b'"\r\n')
    docs = read(tmp_path)
    assert {d.id: d.text for d in docs} == {"cr": cr, "crlf": crlf, "j": cr, "c": crlf}
    for rec in process_batch(docs, cfg):
        assert rec.text in (cr, crlf)
        assert_exact(rec)
        assert [e.surface for e in rec.entities] == ["Kharkov", "Kiev", "Odessa"]
        assert rec.text_en == rec.text.replace("Kharkov", "Kharkiv").replace("Kiev", "Kyiv").replace("Odessa", "Odesa")


def test_crlf_paragraphs_in_different_languages_are_split(cfg):
    en = "Russian forces shelled Kharkov overnight, the regional governor said on Telegram."
    ru = "Ночью враг атаковал Харьков и Харьковскую область, сообщил губернатор области."
    for sep in ("\r\n\r\n", "\r\r", "\n\n"):
        (rec,) = process_batch([Document(id="m", text=en + sep + ru, source="m.txt")], cfg)
        assert any("paragraphs in different languages" in w for w in rec.warnings), sep
        assert_exact(rec)


def test_jsonl_lone_surrogate_escapes_become_u_fffd_with_a_warning(tmp_path, cfg):
    p = tmp_path / "feed.jsonl"
    p.write_text('{"id": "s\\ud800", "text": "Kiev \\ud800 and Kharkov \\udfff\\ud83d\\ude00", "tag": "\\udc80"}\n',
                 encoding="ascii")
    (doc,) = read(p)
    assert doc.text == "Kiev \ufffd and Kharkov \ufffd😀" and doc.id == "s\ufffd" and doc.meta == {"tag": "\ufffd"}
    assert "surrogate" in doc.warnings[0] and doc.warnings[0].startswith(f"{p}:1")
    out = tmp_path / "out"
    writer = RunWriter(out)
    writer.write(process_batch([doc], cfg))
    writer.close()
    (line,) = (out / "records.jsonl").read_bytes().decode("utf-8").splitlines()  # strict UTF-8
    rec = record_from_dict(json.loads(line))
    assert rec.text == doc.text and [e.canonical for e in rec.entities] == ["Kyiv", "Kharkiv"]


def test_jsonl_odd_values_are_errors_naming_the_line(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_bytes(b'{"id": 7, "text": "Kiev"}\n'
                  b'{"id": "big", "text": "x", "n": ' + b"9" * 5000 + b"}\n"
                  + b"[" * 100_000 + b"\n"
                  + b'{"id": "t", "text": ["not", "a", "string"]}\n'
                  + b'\xef\xbb\xbf{"id": "bom-not-first", "text": "x"}\n'
                  + b'{"id": "last", "text": "Odessa"}\n')
    items = read(p)
    assert [d.id for d in items if isinstance(d, Document)] == ["7", "last"]
    errs = errors_by_line(items)
    assert set(errs) == {"2", "3", "4", "5"}
    assert "4300 digits" in errs["2"] and "nested too deeply" in errs["3"] and "not a string" in errs["4"]


def test_over_long_jsonl_line_and_text_file_are_skipped_unread(tmp_path):
    cfg = IngestConfig(max_document_chars=100)
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"id": "huge", "text": "Kiev " * 2_000_000}) + "\n"
                 + json.dumps({"id": "ok", "text": "Odessa"}) + "\n", encoding="utf-8")
    items = read(p, cfg=cfg)
    assert isinstance(items[0], IngestError) and items[0].source.endswith("feed.jsonl:1")
    assert "max_document_chars" in items[0].message and items[1].id == "ok"
    big = tmp_path / "big.txt"
    big.write_bytes(b"Kiev " * 1000)
    (err,) = read(big, cfg=cfg)
    assert err.id == "big" and "max_document_chars" in err.message


def test_csv_missing_and_extra_columns(tmp_path):
    p = tmp_path / "wires.csv"
    p.write_text('id,text,agency\n'
                 'w1,Shelling in Kharkov.,a\n'
                 'w2\n'  # no text value
                 'w3,"Odessa, ""the pearl""",b,extra1,extra2\n'
                 '\n'
                 'w5,Kiev.,c\n', encoding="utf-8")
    items = read(p)
    assert [d.id for d in items if isinstance(d, Document)] == ["w1", "w3", "w5"]
    errs = errors_by_line(items)
    assert list(errs) == ["3"] and "'text'" in errs["3"]
    w3 = items[2]
    assert w3.text == 'Odessa, "the pearl"' and w3.meta == {"agency": "b", "_extra": ["extra1", "extra2"]}
    assert "more than the header" in w3.warnings[0] and w3.warnings[0].startswith(f"{p}:4")
    assert items[3].source.endswith("wires.csv:6")
    no_id = tmp_path / "noid.csv"
    no_id.write_text("text\nKiev\nOdessa\n", encoding="utf-8")
    assert [d.id for d in read(no_id)] == ["noid:2", "noid:3"]


def test_csv_over_long_field_loses_only_its_record(tmp_path):
    p = tmp_path / "wires.csv"
    p.write_text("id,text\nw1,Kiev\nw2," + "x" * 500 + "\nw3,Odessa\n", encoding="utf-8")
    items = read(p, cfg=IngestConfig(max_document_chars=100))
    assert [d.id for d in items if isinstance(d, Document)] == ["w1", "w3"]
    assert list(errors_by_line(items)) == ["3"]


def test_duplicate_ids_across_files_are_kept_with_a_warning(tmp_path, cfg):
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "Kiev"}\n', encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,text\nx,Odessa\n", encoding="utf-8")
    recs = process_batch(read(tmp_path), cfg)
    assert [r.id for r in recs] == ["x", "x"] and [r.text_en for r in recs] == ["Kyiv", "Odesa"]
    assert recs[0].warnings == [] and "duplicate id 'x'" in recs[1].warnings[0]


def test_gazetteer_alias_bomb_and_python_tag_are_rejected_with_file_and_line(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines += ["entries:", "  - id: ua-city-x", "    type: place", "    kind: city", "    canonical: X",
              "    aliases: {en: *i}"]
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"bomb\.yaml:\d+"):
        load_entries(bomb)
    marker = tmp_path / "pwned"
    tag = tmp_path / "tag.yaml"
    tag.write_text(f'entries:\n  - id: ua-city-x\n    type: place\n    kind: city\n'
                   f'    canonical: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"tag\.yaml:5"):
        load_entries(tag)
    assert not marker.exists()


# ============================================================================ long documents


def test_chunks_tile_the_text_and_cut_at_boundaries():
    text = ("Kiev said so. " * 3000 + "\n\n") * 5 + "x" * 130_000 + " tail"
    spans = chunk_spans(text, 0, len(text), 20_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(0 < b - a <= 20_000 for a, b in spans)
    for a, b in spans[:-1]:
        if b <= 5 * 42_002:  # the sentence part: never inside a word
            assert text[b - 1] in " \n"


def test_a_long_document_is_linked_and_translated_chunk_by_chunk(cfg, tiny_models_dir, monkeypatch, tmp_path):
    seen_link, seen_translate = [], []
    real_link = pipeline.link_segment
    monkeypatch.setattr(pipeline, "link_segment", lambda text, *a: seen_link.append(len(text)) or real_link(text, *a))
    en = "Shelling in Kharkov and Kiev overnight, the governor said. " * 4000  # one 240,000-char paragraph
    (rec,) = process_batch([Document(id="en", text=en, source="en.txt", lang="en")], cfg)
    assert max(seen_link) <= CHUNK_CHARS and sum(seen_link) == len(en) and len(seen_link) >= 4
    assert rec.text == en and len(rec.entities) == 8000 and len(rec.entities_en) == 8000
    assert rec.text_en == en.replace("Kharkov", "Kharkiv").replace("Kiev", "Kyiv")
    assert_exact(rec)

    from transnorm.translation.translate import Translator

    real_tr = Translator.translate_documents
    monkeypatch.setattr(pipeline, "TRANSLATE_CHARS", 60_000)
    monkeypatch.setattr(Translator, "translate_documents",
                        lambda self, texts, *a: seen_translate.append(sum(map(len, texts))) or real_tr(self, texts, *a))
    tcfg = load_config(None, {"state_dir": str(tmp_path / "state"),
                              "translate": {"models_dir": str(tiny_models_dir), "max_decoding_length": 8}})
    ru = "Обстрел Харькова. " * 8000  # 144,000 characters
    (rec,) = process_batch([Document(id="ru", text=ru, source="ru.txt", lang="ru")], tcfg)
    assert len(seen_translate) >= 3 and max(seen_translate) <= 60_000 + CHUNK_CHARS
    assert rec.text == ru and rec.text_en and len(rec.entities) == 8000
    assert_exact(rec)


# ============================================================================ reports: escaping


# The formula documents name people no gazetteer knows (unresolved: they are review.csv rows
# whose example context starts with the formula).
HOSTILE = [
    Document(
        "x | y",
        "| x | `rm -rf /` <script>alert(1)</script> [click](javascript:alert(1)) in Kiev and Kharkov.",
        "h1.txt",
        lang="en",
    ),
    Document(
        "evil\n# Injected heading",
        "<img src=x onerror=alert(1)> Odessa ``` code ``` "
        "![pixel](http://tracker.invalid/p.png) near Zaporozhye. Mister Bohdan Zhyrkevych said.",
        "h2.txt",
        lang="en",
    ),
    Document(
        "f1",
        '=HYPERLINK("http://evil.invalid","x") then Xqzvor Wqxzkij met the other side in the city today.',
        "f1.txt",
        lang="en",
    ),
    Document("f2", "+cmd|' /C calc'!A0 Xqzbel Wqxzmor said it.", "f2.txt", lang="en"),
    Document("f3", "-2+3+cmd|' /C calc'!A0 Xqzdan Wqxzpul said it.", "f3.txt", lang="en"),
    Document("f4", "@SUM(1+1)*cmd|' /C calc'!A0 Xqzfim Wqxzrot said it.", "f4.txt", lang="en"),
]
HOSTILE_ERROR = IngestError(
    "in/`<script>alert(2)</script>|[x](javascript:y).jsonl:3",
    "not valid JSON: | injected | [x](javascript:z) <b>bold</b>",
)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def check_markdown(md: str) -> None:
    assert "<script" not in md.lower() and "<img" not in md.lower() and "<b>" not in md
    assert not re.search(r"(?<!\\)\]\(", md), "a live Markdown link or image"
    assert not re.search(r"(?<!\\)`", md), "a live code span"
    assert "\n# Injected" not in md
    cells, prev = None, ""
    for line in md.splitlines():
        if line.startswith("|"):
            n = len(re.findall(r"(?<!\\)\|", line))  # unescaped pipes
            if not prev.startswith("|"):
                cells = n  # a table's header row
            assert n == cells, f"a row with injected cells: {line}"
        prev = line


def test_reports_escape_document_text(tmp_path, cfg):
    out = tmp_path / "out"
    writer = RunWriter(out, header={"gazetteer": "g", "config": "c", "inputs": "in/<script>|x`y`"})
    writer.write(process_batch([*HOSTILE, HOSTILE_ERROR], cfg))
    writer.close()

    md = (out / "report.md").read_text(encoding="utf-8")
    check_markdown(md)
    # there, inert: a pipe escaped, brackets as entities, a "#" that cannot start a line left as it is
    assert "x \\| y" in md and "&lt;script&gt;" in md and "evil # Injected" in md
    assert md.count("javascript:y).jsonl:3") == 1  # an error's source is not repeated in its message

    page = (out / "report.html").read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    scripts = [a for t, a in parser.tags if t == "script"]
    assert len(scripts) == 2 and all("src" not in a for a in scripts)  # the data block and the page script
    assert not [t for t, _ in parser.tags if t in ("img", "iframe", "object", "embed")]
    assert "<b>bold</b>" not in page
    assert not [(t, a) for t, a in parser.tags for k in a if k.startswith("on")]
    assert not [(t, a) for t, a in parser.tags for v in a.values() if v and "javascript:" in v.lower()]
    assert "<script>alert" not in page and "\\u003cscript\\u003ealert(1)" in page

    with (out / "review.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert all(len(r) == len(rows[0]) for r in rows)
    cells = [c for r in rows[1:] for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    neutralised = {c[:2] for c in cells if c[:1] == "'"}
    assert {"'=", "'+", "'-", "'@"} <= neutralised, neutralised  # every kind was exercised


# ============================================================================ the CLI: ids, empty corpus


def run_cli(args, env, timeout=300):
    return subprocess.run([TRANSNORM, *map(str, args)], env=env, capture_output=True, text=True, timeout=timeout)


def tree(root: Path, skip: tuple[Path, ...]) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if not any(p.is_relative_to(s) for s in skip)}


def read_artifacts(env, keys: tuple[str, ...] = ("transnorm-run-summary", "transnorm-review-queue")) -> dict:
    code = """
import asyncio, json
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.client.schemas.sorting import ArtifactSort
async def main():
    async with get_client() as c:
        out = {}
        for key in KEYS:
            arts = await c.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
                                          sort=ArtifactSort.CREATED_DESC, limit=1)
            out[key] = arts[0].data if arts else None
        print(json.dumps(out, default=str))
asyncio.run(main())
"""
    code = code.replace("KEYS", repr(tuple(keys)))
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.flow
def test_cli_ids_are_never_paths_and_outputs_are_escaped(prefect_server, tmp_path):
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}
    inp = tmp_path / "in"
    inp.mkdir()
    ids = ["../../etc/x", "../escape", "a/b/c", "/tmp/transnorm-abs", "..", ".", "CON", "a\\b", "report.md"]
    lines = [json.dumps({"id": i, "text": f"Shelling in Kharkov, item {n}."}) for n, i in enumerate(ids)]
    lines += [json.dumps({"id": d.id, "text": d.text}) for d in HOSTILE]
    (inp / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    conf = tmp_path / "c.yaml"
    conf.write_text(f"state_dir: {tmp_path / 'state'}\noutputs_dir: {tmp_path / 'outputs'}\n", encoding="utf-8")
    out = tmp_path / "deep" / "out"
    before = tree(tmp_path, (tmp_path / "state",))
    abs_existed = Path("/tmp/transnorm-abs").exists()
    res = run_cli(["run", inp, "--out", out, "--config", conf], env)
    assert res.returncode == 0, res.stderr
    created = tree(tmp_path, (tmp_path / "state", out)) - before
    assert created <= {"deep", "deep/out"}, created  # nothing outside --out
    assert Path("/tmp/transnorm-abs").exists() == abs_existed
    assert all(p.parent == out for p in out.rglob("*")), list(out.rglob("*"))  # no folders made from ids
    assert {p.name for p in out.iterdir()} >= {"records.jsonl", "report.md", "report.html", "review.csv"}
    recs = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in recs] == ids + [d.id for d in HOSTILE]
    assert all(not r["errors"] for r in recs)
    check_markdown((out / "report.md").read_text(encoding="utf-8"))

    arts = read_artifacts(env)
    assert arts["transnorm-run-summary"] and arts["transnorm-review-queue"]
    for data in arts.values():
        assert "<script" not in data and "<img" not in data and not re.search(r"(?<!\\)\]\(", data)


@pytest.mark.flow
def test_empty_corpus_is_a_completed_run_with_zero_documents(prefect_server, tmp_path):
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / ".hidden.txt").write_text("Kiev", encoding="utf-8")  # hidden: not an input
    out = tmp_path / "out"
    conf = tmp_path / "c.yaml"
    conf.write_text(f"state_dir: {tmp_path / 'state'}\n", encoding="utf-8")
    res = run_cli(["run", inp, "--out", out, "--config", conf], env)
    assert res.returncode == 0, res.stderr
    assert (out / "records.jsonl").read_bytes() == b""
    assert "**documents:** 0" in (out / "report.md").read_text(encoding="utf-8")
    assert (out / "report.html").stat().st_size > 0
    with (out / "review.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) == 1  # the header only


# ============================================================================ network


GUARD = r"""
import json, socket, sys
attempts = []
LOCAL = ("127.0.0.1", "::1", "localhost")
def guard(event, args):
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        addr = args[1] if len(args) > 1 else None
        if isinstance(addr, tuple) and addr and addr[0] in LOCAL:
            return
        if isinstance(addr, (str, bytes)):  # AF_UNIX
            return
        attempts.append([event, repr(addr)])
        raise ConnectionRefusedError(f"network blocked by the test: {event} {addr!r}")
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
        host = args[0] if args else None
        if host in (None, *LOCAL, *(h.encode() for h in LOCAL)):
            return
        attempts.append([event, repr(host)])
        raise socket.gaierror(f"name lookup blocked by the test: {host!r}")
sys.addaudithook(guard)

from pathlib import Path
from itertools import islice
from transnorm.config import load_config
from transnorm.ingest import iter_inputs
from transnorm.ops.output import RunWriter
from transnorm.pipeline import process_batch

samples, models, tmp = map(Path, sys.argv[1:4])
cfg = load_config(None, {"state_dir": str(tmp / "state"), "batch_size": 3,
                         "translate": {"models_dir": str(models), "max_decoding_length": 16}})
writer = RunWriter(tmp / "out", header={"gazetteer": "g", "config": cfg.digest()})
items = iter_inputs([samples], cfg.ingest)
n = 0
while batch := list(islice(items, cfg.batch_size)):
    records = process_batch(batch, cfg)
    writer.write(records)
    n += len(records)
writer.close()
translated = sum(1 for _ in open(tmp / "out" / "records.jsonl") if '"translation_model": "translate' in _)
print(json.dumps({"records": n, "attempts": attempts, "translated": translated}))
"""


@pytest.mark.slow
def test_a_full_run_opens_no_network_connection(tiny_models_dir, tmp_path):
    """Every socket connect and name lookup outside 127.0.0.1 raises (audit hook, set before any
    transnorm import): ingest of samples/, index, lingua, pymorphy, translation, writer and reports."""
    script = tmp_path / "guarded.py"
    script.write_text(GUARD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL",)}
    res = subprocess.run(
        [sys.executable, str(script), str(ROOT / "samples"), str(tiny_models_dir), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    result = json.loads(res.stdout.strip().splitlines()[-1])
    assert result["attempts"] == []
    assert result["records"] >= 10 and result["translated"] >= 2  # ru/uk documents went through a model
    for name in ("records.jsonl", "report.md", "report.html", "review.csv"):
        assert (tmp_path / "out" / name).exists()


def listening_addresses(port: int) -> list[str]:
    """Local addresses of LISTEN sockets on `port`, from /proc/net/tcp and tcp6 (Linux)."""
    found = []
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:
                raw = bytes.fromhex(addr)
                if name == "tcp":
                    found.append(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:  # four little-endian 32-bit words
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.append(socket.inet_ntop(socket.AF_INET6, words))
    return found


def non_loopback_ip() -> str | None:
    """This machine's address on its default route (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            ip = s.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") or ip == "0.0.0.0" else ip


def assert_loopback_only(port: int) -> None:
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc/net/tcp")
    addrs = listening_addresses(port)
    assert addrs and set(addrs) == {"127.0.0.1"}, addrs
    ip = non_loopback_ip()
    if ip:
        with pytest.raises(OSError):
            socket.create_connection((ip, port), timeout=3).close()
    socket.create_connection(("127.0.0.1", port), timeout=3).close()


@pytest.mark.flow
def test_the_prefect_server_listens_on_loopback_only(prefect_server):
    """The session's server is started as `transnorm server start` starts one (`prefect server start
    --host 127.0.0.1`): its listening sockets are on 127.0.0.1 only, and the machine's other
    address refuses the connection."""
    assert_loopback_only(int(prefect_server["PREFECT_API_URL"].rsplit(":", 1)[1].split("/")[0]))


# ============================================================================ huge input


@pytest.mark.slow
def test_a_folder_of_10000_files_streams(tmp_path, cfg, monkeypatch):
    root = tmp_path / "wires"
    for d in range(100):
        (root / f"d{d:02}").mkdir(parents=True)
        for f in range(100):
            (root / f"d{d:02}" / f"{f:02}.txt").write_text(f"Shelling in Kharkov, wire {d}-{f}.", encoding="utf-8")
    listed, read_files = [], []
    real_scandir, real_read = os.scandir, Path.read_bytes
    monkeypatch.setattr(os, "scandir", lambda p=".": listed.append(p) or real_scandir(p))
    monkeypatch.setattr(Path, "read_bytes", lambda self: read_files.append(self) or real_read(self))
    items = iter_inputs([root], cfg.ingest)
    first = list(islice(items, 3))
    assert [d.id for d in first] == ["d00/00", "d00/01", "d00/02"]
    assert len(listed) <= 2 and len(read_files) == 3  # lazy: one folder listed, three files read

    n, ids = 3, [d.id for d in first]
    records = process_batch(first, cfg)
    while batch := list(islice(items, cfg.batch_size)):
        records = process_batch(batch, cfg)
        n += len(records)
        ids += [r.id for r in records]
        assert all(r.text_en and r.text_en.startswith("Shelling in Kharkiv") for r in records)
    assert n == 10_000 and ids == sorted(ids) and len(set(ids)) == 10_000


MEMORY_CHILD = r"""
import hashlib, json, resource, sys
from itertools import islice
from pathlib import Path
from transnorm.config import load_config
from transnorm.ingest import iter_inputs
from transnorm.ops.output import RunWriter
from transnorm.pipeline import process_batch
from transnorm.records import Document

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (ru_maxrss is KiB on Linux)

inp, out = Path(sys.argv[1]), Path(sys.argv[2])
cfg = load_config(None, {"state_dir": str(out / "state"), "translate": {"models_dir": str(out / "none")},
                         "ingest": {"max_document_chars": 20_000_000}})
# Warm up on a slice of the same input: index, lingua and pymorphy models, caches.
sample = inp.read_bytes()[:300_000].decode("utf-8", "ignore")
if inp.suffix == ".jsonl":
    sample = "\n\n".join(json.loads(l)["text"] for l in sample.splitlines()[:-1])
process_batch([Document(id="warm", text=sample, source="warm")], cfg)
base = peak()
size, done, quarter, n, bad, entities, first_sha = inp.stat().st_size, 0, None, 0, 0, 0, None
writer = RunWriter(out / "run")
items = iter_inputs([inp], cfg.ingest)
while batch := list(islice(items, cfg.batch_size)):
    records = process_batch(batch, cfg)
    writer.write(records)  # records.jsonl lines, as a run writes them
    for r in records:
        bad += sum(r.text[e.start:e.end] != e.surface for e in r.entities)
        bad += sum(r.text_en[e.start:e.end] != e.surface for e in r.entities_en)
        entities += len(r.entities)
        first_sha = first_sha or hashlib.sha256(r.text.encode()).hexdigest()
    n += len(records)
    done += sum(len(r.text.encode()) for r in records)
    if quarter is None and done >= size / 4:
        quarter = peak()
end = peak()
print(json.dumps({"records": n, "growth": end - base, "late_growth": end - (quarter or end), "bad_offsets": bad,
                  "entities": entities, "errors": writer.stats.errors_total, "first_sha": first_sha}))
"""

_WORDS = (
    "administration infrastructure reconstruction humanitarian international negotiations representatives "
    "agreement settlement frontline evacuation electricity substation reportedly overnight according "
    "spokesperson governor statement"
).split()
_NAMES = ["Kiev", "Kharkov", "Zaporozhye", "Odessa", "Vladimir Zelensky", "Donetchina", "Dnepr"]


def _text(rng, n: int) -> str:
    out, size = [], 0
    while size < n:
        s = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 16))).capitalize()
        s += f" near {rng.choice(_NAMES)}." if rng.random() < 0.5 else "."
        out.append(s)
        size += len(s) + 1
    return " ".join(out)


def _memory_run(tmp_path: Path, inp: Path) -> dict:
    script = tmp_path / "child.py"
    script.write_text(MEMORY_CHILD, encoding="utf-8")
    (tmp_path / "out").mkdir()
    res = subprocess.run(
        [sys.executable, str(script), str(inp), str(tmp_path / "out")], capture_output=True, text=True, timeout=900
    )
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_4_mb_document_is_processed_in_bounded_memory_with_exact_offsets(tmp_path):
    import random

    rng = random.Random(7)
    parts, size = [], 0
    while size < 4 * 2**20:  # one line after another, no paragraph breaks: chunked at line/sentence ends
        part = _text(rng, 200_000) + rng.choice([" \r\n", " Київ ", "\u0301 ", " "])
        parts.append(part)
        size += len(part.encode())
    doc = tmp_path / "long.txt"
    doc.write_bytes("".join(parts).encode())
    result = _memory_run(tmp_path, doc)
    assert result["records"] == 1 and result["errors"] == 0 and result["bad_offsets"] == 0
    assert result["first_sha"] == hashlib.sha256(doc.read_bytes()).hexdigest()  # the text, unchanged
    assert result["entities"] > 10_000
    # Measured about 120 MB: the record itself (text, text_en, ~30,000 entities on each side)
    # and its JSON line; linking works on one chunk (pipeline.CHUNK_CHARS) at a time.
    assert result["growth"] < 250, result


@pytest.mark.slow
def test_a_jsonl_corpus_streams_in_bounded_memory(tmp_path):
    import random

    rng = random.Random(8)
    corpus = tmp_path / "corpus.jsonl"
    size, n = 0, 0
    with corpus.open("w", encoding="utf-8") as fh:
        while size < 6 * 2**20:
            n += 1
            line = json.dumps({"id": f"d{n}", "text": _text(rng, 4000), "lang": "en"}) + "\n"
            fh.write(line)
            size += len(line)
    result = _memory_run(tmp_path, corpus)
    assert result["records"] == n and result["errors"] == 0 and result["bad_offsets"] == 0
    # Streaming: memory reaches its plateau within the first quarter of the input. Holding the
    # documents or records would add tens of MB over the last three quarters (4.5 MB of text,
    # as much English text and ~20,000 entities on each side).
    assert result["late_growth"] < 15, result
    assert result["growth"] < 100, result


def test_reports_are_written_with_ordinary_permissions(tmp_path):
    """Atomic writes must not leave reports readable by their owner only (a team reviews them)."""
    from transnorm.ops.output import RunWriter

    old = os.umask(0o022)
    try:
        writer = RunWriter(tmp_path / "run")
        writer.close()
    finally:
        os.umask(old)
    for name in ("records.jsonl", "report.md", "report.html", "review.csv"):
        assert (tmp_path / "run" / name).stat().st_mode & 0o777 == 0o644, name
    assert [p.name for p in (tmp_path / "run").iterdir() if p.name.startswith(".")] == []
