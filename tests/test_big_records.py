"""A huge document's record is never held whole: written in blocks, stored in blocks, reused in blocks.

A 50 MB document makes a ~500 MB records.jsonl line (docs/reliability.md). These tests use records of
a few MB with the block size turned down, so they run in a second and would fail if any step went
back to building, storing or parsing the line as one value."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from transnorm.config import ReportConfig
from transnorm.ops import ledger as ledger_mod
from transnorm.ops.ledger import Ledger, content_hash, plan
from transnorm.ops.output import RunWriter
from transnorm.records import Candidate, Document, Entity, LineRef, Record, StoredLine, read_record


def big_record(doc: Document, names: int = 30_000, settled: bool = False) -> Record:
    """A record dense with names, like a long news document: the entities dwarf the text.
    `settled`: every name linked as written (nothing for the reports to list or queue)."""
    ents, ents_en = [], []
    for i in range(names):
        start = (i * 7) % (len(doc.text) - 10)
        surface = doc.text[start:start + 6]
        e = Entity(start, start + 6, surface, "place", f"ua-city-{i % 500}", surface if settled else f"Kyiv{i % 500}",
                   0.9, "exact", "auto" if settled else ("auto", "review", "unresolved")[i % 3],
                   [Candidate(f"ua-city-{i % 500}", f"Kyiv{i % 500}", 0.9)] if i % 3 else [], kind="city")
        ents.append(e)
        ents_en.append(Entity(e.start, e.end, e.surface, e.type, e.gazetteer_id, e.canonical, e.score, e.method,
                              e.status, kind="city"))
    return Record(id=doc.id, source=doc.source, lang="en", text=doc.text, text_en=doc.text, entities=ents,
                  entities_en=ents_en, provenance={"pipeline": "test"})


@pytest.fixture
def doc() -> Document:
    return Document(id="huge", text="Shelling in Kharkov and Odessa, Обстріл Харкова. " * 4000, source="in.txt")


def test_read_record_reads_any_line_in_any_blocks(doc):
    rec = big_record(doc, names=300)
    rec.meta = {"n": 12345, "nested": {"a": [1, 2.5, None, True]}}
    line = bytes(rec.to_line())
    for size in (1, 3, 64, 4096, len(line)):
        assert read_record(line[i:i + size] for i in range(0, len(line), size)).to_dict() == rec.to_dict()
    for bad in (b"", b"[1]", b"{}", b'{"id": "x"', line + b" {}"):
        with pytest.raises(ValueError, match="malformed record line"):
            read_record([bad])


def test_a_new_record_is_written_and_stored_in_blocks_never_as_one_line(tmp_path, doc, monkeypatch):
    """The writer encodes the line block by block to the file, and the ledger copies it from the file
    into its row: traced memory stays a fraction of the line (before: the line was built whole, then
    SQLite took a copy)."""
    rec = big_record(doc, settled=True)  # the reports keep nothing of it: what is traced is the line
    expected = bytes(rec.to_line())
    monkeypatch.setattr(ledger_mod, "INLINE", 1 << 16)
    writer = RunWriter(tmp_path / "run", limits=ReportConfig(max_mentions=1000))  # too big to embed, as 50 MB is
    with Ledger(tmp_path / "state") as led:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            [ref] = writer.write([rec])
            writer.sync()
            led.commit([(doc.id, content_hash(doc), ref)], "P", "run")
            peak = tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()
        assert len(expected) > 6_000_000
        assert peak < len(expected) / 3, (peak, len(expected))
        assert ref == LineRef(writer._tmp, 0, len(expected))
        assert b"".join(led.read(led.lookup(doc.id)[2])) == expected
        stored = led.export()
    writer.close()
    assert (tmp_path / "run" / "records.jsonl").read_bytes() == expected + b"\n"
    assert stored.read_bytes() == expected + b"\n"


def test_a_reused_record_is_copied_in_blocks_and_never_parsed_whole(tmp_path, doc, monkeypatch):
    """Reusing a stored record copies its line to the run in blocks and reads it back entity by entity
    for the reports (before: the line was fetched whole and json.loads built a dict per mention)."""
    rec = big_record(doc)
    line = bytes(rec.to_line())
    with Ledger(tmp_path / "state") as led:
        led.commit([(doc.id, content_hash(doc), rec)], "P", "run1")

    loads, read_sizes = json.loads, []

    def small_loads_only(s, *a, **kw):
        assert len(s) < 10_000, f"json.loads of {len(s):,} characters: a record parsed whole"
        return loads(s, *a, **kw)

    monkeypatch.setattr(json, "loads", small_loads_only)
    real_read = Ledger.read

    def read(self, row, size=1 << 16):
        for chunk in real_read(self, row, size):
            read_sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(Ledger, "read", read)
    writer = RunWriter(tmp_path / "run")
    with Ledger(tmp_path / "state") as led:
        [batch] = list(plan([doc], led, "P", batch_size=10))
        assert batch.todo == [] and isinstance(batch.slots[0], StoredLine)
        refs = writer.write(batch.merge([]))
        led.commit([], "P", "run2")  # nothing processed: nothing stored again
    writer.close()
    assert (tmp_path / "run" / "records.jsonl").read_bytes() == line + b"\n"
    assert refs == [LineRef(writer._tmp, 0, len(line))]
    assert sum(read_sizes) == len(line) and max(read_sizes) <= 1 << 16 and len(read_sizes) > 10
    assert writer.stats.mentions == len(rec.entities) and writer.review_total > 0  # the reports saw it all


STORE_BIG_LINE = r"""
import resource, sys
from pathlib import Path
from transnorm.ops.ledger import Ledger
from transnorm.records import LineRef

part = Path(sys.argv[1])
size = part.stat().st_size
with Ledger(Path(sys.argv[2])) as led:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    key = '["/in/big.txt", "big.txt"]'  # an identity: the row's `file` column is set, as in a run
    led.commit([(key, "h", LineRef(part, 0, size))], "P", "run")
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    stored = sum(len(c) for c in led.read(led.lookup(key)[2]))
print(grew * 1024, stored)
"""


def test_storing_a_64_mb_line_takes_a_few_mb_of_memory(tmp_path):
    """The ledger row is a zeroblob filled in blocks, and `record` is the table's last column, so SQLite
    never builds the row in memory (it did: twice the line when `record` was not last, and the line was
    bound as one value before that). Peak RSS of a fresh process, so nothing else is counted."""
    import subprocess
    import sys

    part = tmp_path / "line.part"
    with part.open("wb") as fh:
        for _ in range(64):
            fh.write(b"x" * (1 << 20))
    res = subprocess.run([sys.executable, "-c", STORE_BIG_LINE, str(part), str(tmp_path / "state")],
                         capture_output=True, text=True, check=True)
    grew, stored = map(int, res.stdout.split())
    assert stored == 64 << 20
    assert grew < 16 << 20, f"storing a 64 MB line grew the process by {grew / 2**20:.0f} MB"


def test_a_ledger_with_the_older_column_order_still_stores_and_reads_big_lines(tmp_path, monkeypatch):
    """Ledgers made before `record` became the last column keep working (SQLite builds such a row in memory)."""
    import sqlite3

    state = tmp_path / "state"
    state.mkdir()
    con = sqlite3.connect(state / "ledger.sqlite")
    con.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, pipeline TEXT NOT NULL, "
                "run TEXT NOT NULL, processed_utc TEXT NOT NULL, record TEXT NOT NULL)")
    con.execute("ALTER TABLE documents ADD COLUMN file TEXT")
    con.commit()
    con.close()
    monkeypatch.setattr(ledger_mod, "INLINE", 1000)
    part = tmp_path / "line.part"
    line = json.dumps({"id": "d", "text": "Київ " * 2000}, ensure_ascii=False).encode("utf-8")
    part.write_bytes(b"junk" + line + b"\n")
    with Ledger(state) as led:
        led.commit([("d", "h", LineRef(part, 4, len(line)))], "P", "run")
        assert b"".join(led.read(led.lookup("d")[2], size=999)) == line
        assert led.export().read_bytes() == line + b"\n"
