"""Document identity (records.Identity): the input file, resolved, plus the id within it. What a user relies
on: no document is silently dropped from the store, a fixed error leaves the store, and the spelling of
an input path does not reprocess anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from transnorm.config import IngestConfig
from transnorm.ingest import iter_inputs
from transnorm.ops.ledger import CONSOLIDATED, Ledger, plan
from transnorm.pipeline import error_record
from transnorm.records import Document, Record

TRANSNORM = str(Path(sys.executable).parent / "transnorm")


def fake_run(state: Path, inputs: list) -> int:
    """What runner.run does with the ledger, with a trivial record per document; returns how many were processed."""
    processed = 0
    with Ledger(state) as led:
        for batch in plan(iter_inputs(inputs, IngestConfig()), led, "P", batch_size=10):
            recs = [Record(id=i.id, source=i.source, lang="en", text=i.text, text_en=i.text, warnings=i.warnings)
                    if isinstance(i, Document) else error_record(i) for i in batch.todo]
            led.commit([(k, h, r) for (k, h), r in zip(batch.keys, recs)], "P", "run")
            processed += len(recs)
        led.prune()
        if led.stale():
            led.export()
    return processed


def store(state: Path) -> list[dict]:
    return [json.loads(ln) for ln in (state / CONSOLIDATED).read_text(encoding="utf-8").splitlines()]


def test_two_documents_with_one_id_are_both_stored_the_later_with_a_warning(tmp_path):
    """Both kept: a repeated id in a feed is more often two items numbered wrongly than one item
    meant to replace another, and dropping either would lose text without a word."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text('{"id": "x", "text": "Kyiv"}\n{"id": "x", "text": "Odesa"}\n', encoding="utf-8")
    (src / "b.jsonl").write_text('{"id": "x", "text": "Lviv"}\n', encoding="utf-8")
    assert fake_run(tmp_path / "state", [src]) == 3
    rows = store(tmp_path / "state")
    assert sorted(r["text"] for r in rows) == ["Kyiv", "Lviv", "Odesa"]
    assert sorted(r["text"] for r in rows if r["warnings"]) == ["Lviv", "Odesa"]
    assert all("duplicate id 'x'" in r["warnings"][0] for r in rows if r["warnings"])
    assert fake_run(tmp_path / "state", [src]) == 0  # and each is unchanged next time


def test_an_error_row_leaves_the_store_once_its_line_is_fixed(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    feed = src / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "Kyiv"}\n{"id": "b", "text": \n{"id": "c", "text": "Lviv"}\n',
                    encoding="utf-8")
    fake_run(tmp_path / "state", [src])
    assert [bool(r["errors"]) for r in store(tmp_path / "state")].count(True) == 1
    feed.write_text('{"id": "a", "text": "Kyiv"}\n{"id": "b", "text": "Odesa"}\n{"id": "c", "text": "Lviv"}\n',
                    encoding="utf-8")
    assert fake_run(tmp_path / "state", [src]) == 1  # only the fixed line
    rows = store(tmp_path / "state")
    assert sorted(r["id"] for r in rows) == ["a", "b", "c"] and not any(r["errors"] for r in rows)
    # A document removed from a file leaves the store with it; a file that cannot be read keeps its rows.
    feed.write_text('{"id": "a", "text": "Kyiv"}\n', encoding="utf-8")
    fake_run(tmp_path / "state", [src])
    assert [r["id"] for r in store(tmp_path / "state")] == ["a"]


def test_relative_and_absolute_spellings_of_an_input_are_one_input(tmp_path, monkeypatch):
    src = tmp_path / "in"
    (src / "wires").mkdir(parents=True)
    (src / "wires" / "a.txt").write_text("Shelling in Kharkov.", encoding="utf-8")
    (src / "feed.jsonl").write_text('{"id": "x", "text": "Kyiv"}\n{"text": "no id"}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert fake_run(tmp_path / "state", ["in"]) == 3
    assert fake_run(tmp_path / "state", [str(src)]) == 0
    assert fake_run(tmp_path / "state", ["./in/../in/"]) == 0
    assert len(store(tmp_path / "state")) == 3


def test_a_ledger_keyed_by_bare_ids_is_rekeyed_without_duplicates(tmp_path):
    """Rows of an older ledger (key = id) give way to the same documents stored under their identity."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "feed.jsonl").write_text('{"id": "x", "text": "Kyiv"}\n', encoding="utf-8")
    with Ledger(tmp_path / "state") as led:
        old = Record(id="x", source="feed.jsonl:1", lang="en", text="Kyiv", text_en="Kyiv")
        other = Record(id="gone", source="old.jsonl:1", lang="en", text="Lviv", text_en="Lviv")
        led.commit([("x", "old-hash", old), ("gone", "h", other)], "P", "old")
    fake_run(tmp_path / "state", [src])
    ids = [r["id"] for r in store(tmp_path / "state")]
    assert ids.count("x") == 1 and "gone" in ids  # a bare-id row this run does not hold stays


@pytest.mark.slow
@pytest.mark.flow
def test_cli_relative_then_absolute_input_reuses_every_record(prefect_server, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Shelling in Kharkov.", encoding="utf-8")
    (tmp_path / "in" / "b.jsonl").write_text('{"id": "x", "text": "Shelling in Odessa."}\n', encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"state_dir: {tmp_path / 'state'}\noutputs_dir: {tmp_path / 'outputs'}\n", encoding="utf-8")
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}
    for inp, out in (("in", "run1"), (str(tmp_path / "in"), "run2")):
        res = subprocess.run([TRANSNORM, "run", inp, "--config", str(cfg), "--out", str(tmp_path / out)],
                             env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr[-3000:]
    stats = json.loads((tmp_path / "run2" / "run.json").read_text(encoding="utf-8"))
    assert stats["processed"] == 0 and stats["reused"] == 2
    assert len(store(tmp_path / "state")) == 2
    assert os.path.exists(tmp_path / "run2" / "records.jsonl")
