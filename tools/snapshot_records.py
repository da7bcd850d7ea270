"""Records for samples/ and eval/cases.jsonl, in-process, for a before/after check of a refactor.

    python tools/snapshot_records.py OUT_DIR     # then: cmp OUT_DIR/*.jsonl against another checkout's

provenance.gazetteer is left out: it hashes the code that shapes the index, so it changes with
any move of that code even when every record stays the same.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from transnorm.config import load_config
from transnorm.evaluation.cases import load_cases
from transnorm.ingest import iter_inputs
from transnorm.pipeline import process_batch
from transnorm.records import Document, Record

ROOT = Path(__file__).resolve().parents[1]


def _line(rec: Record) -> str:
    d = rec.to_dict()
    d["provenance"].pop("gazetteer", None)
    return json.dumps(d, ensure_ascii=False)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    cfg = load_config(None)
    os.chdir(ROOT)  # sources are recorded as given: samples/..., as from the README command
    recs = process_batch(list(iter_inputs(["samples"], cfg.ingest)), cfg)
    (out / "samples.jsonl").write_text("".join(_line(r) + "\n" for r in recs), encoding="utf-8")
    cases = load_cases("eval/cases.jsonl")
    recs = process_batch([Document(id=c.id, text=c.text, source=c.where, lang=c.lang) for c in cases], cfg)
    (out / "cases.jsonl").write_text("".join(_line(r) + "\n" for r in recs), encoding="utf-8")
    print(f"{out}: {len(recs)} case records")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
