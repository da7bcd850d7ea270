"""Incremental, idempotent and crash-safe runs: the ledger, the consolidated store, the state lock, retries."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import lock_held_elsewhere
from synthetic import english_docs, write_jsonl

from transnorm.ops.ledger import (
    CONSOLIDATED,
    RETRY_HASH,
    Ledger,
    StateLock,
    StateLocked,
    content_hash,
    plan,
)
from transnorm.records import Document, IngestError, Record, read_record

ROOT = Path(__file__).resolve().parents[1]

TRANSNORM = str(Path(sys.executable).parent / "transnorm")


def doc(i: int, text: str = "Shelling in Kharkov.") -> Document:
    return Document(id=f"d{i}", text=text, source=f"in.jsonl:{i}")


def rec(d: Document, note: str = "") -> Record:
    return Record(id=d.id, source=d.source, lang="en", text=d.text, text_en=d.text + note)


def test_content_hash_covers_what_reaches_the_record():
    a = doc(1)
    assert content_hash(a) == content_hash(doc(1))
    assert content_hash(a) != content_hash(doc(1, "Shelling in Kherson."))
    assert content_hash(a) != content_hash(Document(id="d1", text=a.text, source=a.source, meta={"k": 1}))
    assert content_hash(IngestError("x.txt", "empty file")) != content_hash(IngestError("x.txt", "binary"))


def test_plan_reuses_unchanged_documents_and_reprocesses_changed_ones(tmp_path):
    docs = [doc(i) for i in range(5)]
    with Ledger(tmp_path) as led:
        led.commit([(d.id, content_hash(d), rec(d, " (stored)")) for d in docs[:3]], "P1", "run1")
        docs[1] = doc(1, "Now in Odessa.")  # changed content
        batches = list(plan(docs, led, "P1", batch_size=2))
        todo = [d.id for b in batches for d in b.todo]
        assert todo == ["d1", "d3", "d4"]
        # Unchanged documents keep their place in input order, filled with the stored record.
        merged = [r if isinstance(r, Record) else read_record(r.chunks())
                  for b in batches for r in b.merge([rec(d) for d in b.todo])]
        assert [r.id for r in merged] == ["d0", "d1", "d2", "d3", "d4"]
        assert merged[0].text_en.endswith("(stored)") and not merged[1].text_en.endswith("(stored)")
        # Inbox runs leave unchanged documents out; --force and a new pipeline digest process all.
        assert [r.id for b in plan(docs, led, "P1", 2, keep_unchanged=False) for r in b.merge(
            [rec(d) for d in b.todo])] == ["d1", "d3", "d4"]
        assert sum(b.unchanged for b in plan(docs, led, "P1", 2, keep_unchanged=False)) == 2
        assert sum(len(b.todo) for b in plan(docs, led, "P1", 2, force=True)) == 5
        assert sum(len(b.todo) for b in plan(docs, led, "P2", 2)) == 5
        # A row kept for retry never matches.
        led.commit([("d0", RETRY_HASH, rec(docs[0]))], "P1", "run2")
        assert [d.id for b in plan(docs[:1], led, "P1", 2) for d in b.todo] == ["d0"]


def test_consolidated_store_holds_each_document_once_latest_wins(tmp_path):
    with Ledger(tmp_path) as led:
        a, b = doc(2), doc(1)
        led.commit([(a.id, content_hash(a), rec(a, " v1")), (b.id, content_hash(b), rec(b))], "P", "r1")
        led.commit([(a.id, content_hash(a), rec(a, " v2"))], "P", "r2")
        path = led.export()
    assert path == tmp_path / CONSOLIDATED
    lines = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == ["d1", "d2"]  # sorted by id, once each
    assert lines[1]["text_en"].endswith(" v2")
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind


def test_lines_stored_as_text_by_older_versions_are_reused_and_exported(tmp_path):
    """Lines are stored as UTF-8 BLOBs now; a ledger written when they were TEXT keeps working."""
    a, b = doc(1, "Обстріл Харкова."), doc(2, "Обстрел Харькова.")
    with Ledger(tmp_path) as led:
        led.commit([(a.id, content_hash(a), rec(a).to_json())], "P", "old")  # as older versions stored it
        led.commit([(b.id, content_hash(b), rec(b).to_line())], "P", "new")
        [batch] = list(plan([a, b], led, "P", 10))
        path = led.export()
        assert batch.todo == []
        assert [read_record(slot.chunks()).text for slot in batch.slots] == [a.text, b.text]
    assert path.read_bytes().decode("utf-8") == rec(a).to_json() + "\n" + rec(b).to_json() + "\n"


def test_state_lock_is_exclusive_and_names_the_holder(tmp_path):
    with StateLock(tmp_path):
        with pytest.raises(StateLocked, match=rf"pid {os.getpid()}"):
            StateLock(tmp_path).acquire()
    StateLock(tmp_path).acquire().release()  # released on exit


def write_cfg(path: Path, state: Path, batch_size: int = 100, extra: str = "") -> Path:
    path.write_text(f"state_dir: {state}\noutputs_dir: {state.parent / 'outputs'}\nbatch_size: {batch_size}\n"
                    f"runner:\n  retries: 1\n  retry_delay_seconds: 0\n{extra}", encoding="utf-8")
    return path


def test_a_second_run_on_the_same_state_exits_2(tmp_path):
    """A run holds the lock (here a helper process): `transnorm run` refuses with the reason, exit 2."""
    state = tmp_path / "state"
    cfg = write_cfg(tmp_path / "c.yaml", state)
    with lock_held_elsewhere("StateLock", state) as holder:
        (tmp_path / "a.txt").write_text("Shelling in Kharkov.", encoding="utf-8")
        res = subprocess.run([TRANSNORM, "run", str(tmp_path / "a.txt"), "--config", str(cfg)],
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 2, res.stderr
        assert "another transnorm run is using the state folder" in res.stderr
        assert f"pid {holder.pid}" in res.stderr


def ledger_rows(state: Path) -> dict[str, tuple[str, str]]:
    con = sqlite3.connect(state / "ledger.sqlite")
    try:
        # keys are identities (records.Identity): [file, id]
        return {json.loads(k)[1]: (h, run) for k, h, run in con.execute("SELECT id, content_hash, run FROM documents")}
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.flow
def test_killed_run_resumes_and_every_document_is_stored_exactly_once(prefect_server, tmp_path):
    """SIGKILL part-way through 3,000 documents; the rerun processes only what was not committed."""
    n = 3000
    docs = english_docs(n, seed=5)
    inp = write_jsonl(tmp_path / "in" / "docs.jsonl", docs)
    state = tmp_path / "state"
    cfg = write_cfg(tmp_path / "c.yaml", state, batch_size=50)
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}
    out1, out2 = tmp_path / "run1", tmp_path / "run2"
    part = out1 / ".records.jsonl.part"
    proc = subprocess.Popen([TRANSNORM, "run", str(inp), "--config", str(cfg), "--out", str(out1)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    try:
        while time.time() < deadline and proc.poll() is None:
            if part.exists() and part.read_bytes().count(b"\n") >= 150:  # a few batches written
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read()[-2000:]}"
        assert part.exists(), "no records written within 240 s"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert not (out1 / "records.jsonl").exists()  # the killed run never looks complete
    committed = ledger_rows(state)
    assert 0 < len(committed) < n and len(committed) % 50 == 0  # whole batches only
    # Every committed record is durable in the killed run's part file.
    part_ids = {json.loads(ln)["id"] for ln in part.read_text(encoding="utf-8").splitlines() if ln.endswith("}")}
    assert set(committed) <= part_ids

    res = subprocess.run([TRANSNORM, "run", str(inp), "--config", str(cfg), "--out", str(out2)], env=env,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    stats = json.loads((out2 / "run.json").read_text())
    assert stats["processed"] == n - len(committed) and stats["reused"] == len(committed)
    run_ids = [json.loads(ln)["id"] for ln in (out2 / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert run_ids == [d["id"] for d in docs]  # the run's output: every input document, in order
    store = [json.loads(ln) for ln in (state / CONSOLIDATED).read_text(encoding="utf-8").splitlines()]
    ids = [r["id"] for r in store]
    assert len(ids) == len(set(ids)) == n and set(ids) == {d["id"] for d in docs}
    assert all(r["text_en"] and not r["errors"] for r in store)
    rows = ledger_rows(state)
    assert all(rows[i][1] == str(out1) for i in committed)  # not processed twice
    assert sum(run == str(out2) for _, run in rows.values()) == n - len(committed)


FLAKY_RUN = """
import json, sys
from pathlib import Path
import transnorm.pipeline as pipeline
from transnorm.ops import flow as flows

real = pipeline.process_batch
seen = set()

def flaky(items, cfg):
    ids = [getattr(i, "id", None) for i in items]
    if "poison" in ids:
        raise ValueError("this document always breaks the batch")
    if len(items) > 1 and ids[0] not in seen:  # every batch fails once: a transient error
        seen.add(ids[0])
        raise ConnectionError("transient")
    return real(items, cfg)

pipeline.process_batch = flaky
out = flows.translate_normalise(inputs=[sys.argv[1]], out=sys.argv[2], config=sys.argv[3],
                                force=sys.argv[4:] == ["--force"])
print(json.dumps(json.loads((Path(out) / "run.json").read_text())))
"""


@pytest.mark.slow
@pytest.mark.flow
def test_transient_failures_are_retried_and_a_poison_document_becomes_an_error_row(prefect_server, tmp_path):
    docs = english_docs(40, seed=3)
    docs[13]["id"] = "poison"
    inp = write_jsonl(tmp_path / "in" / "docs.jsonl", docs)
    state = tmp_path / "state"
    # the patched process_batch lives in this process: the batches run in its threads
    cfg = write_cfg(tmp_path / "c.yaml", state, batch_size=10, extra="  task_runner: threads\n")
    script = tmp_path / "flaky.py"
    script.write_text(FLAKY_RUN, encoding="utf-8")
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}

    def run(out, *extra):
        res = subprocess.run([sys.executable, str(script), str(inp), str(out), str(cfg), *extra], env=env,
                             capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr[-3000:]
        return json.loads(res.stdout.strip().splitlines()[-1])

    stats = run(tmp_path / "run1")
    assert stats["processed"] == 40 and stats["retry_next_run"] == 1
    records = {json.loads(ln)["id"]: json.loads(ln)
               for ln in (tmp_path / "run1" / "records.jsonl").read_text(encoding="utf-8").splitlines()}
    assert len(records) == 40
    assert records["poison"]["errors"] and "always breaks" in records["poison"]["errors"][0]
    assert all(not r["errors"] and r["text_en"] for i, r in records.items() if i != "poison")
    # The poison document is tried again by the next run; the rest is unchanged.
    stats = run(tmp_path / "run2")
    assert stats["processed"] == 1 and stats["reused"] == 39
    # --force processes every document again.
    stats = run(tmp_path / "run3", "--force")
    assert stats["processed"] == 40 and stats["reused"] == 0


def test_the_store_is_stale_from_a_commit_until_an_export_completes(tmp_path):
    """A run killed between its commit and the end of its export leaves the store marked stale."""
    with Ledger(tmp_path) as led:
        assert led.stale()  # no store yet
        led.commit([("d1", content_hash(doc(1)), rec(doc(1)))], "P", "r1")
        led.export()
        assert not led.stale()
        led.commit([], "P", "r1b")  # a batch of reused records commits nothing
        assert not led.stale()
        led.commit([("d2", content_hash(doc(2)), rec(doc(2)))], "P", "r2")
    with Ledger(tmp_path) as led:  # the next process sees it, though it commits nothing
        assert led.changed == 0 and led.stale()
        led.export(tmp_path / "elsewhere.jsonl")  # a copy elsewhere is not the store
        assert led.stale()
        led.export()
        assert not led.stale()
        (tmp_path / CONSOLIDATED).unlink()
        assert led.stale()
