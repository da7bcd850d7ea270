"""Every linked entity of the dev texts, as JSON, for a before/after check of a speed change.

    python tools/link_snapshot.py OUT.json            # then: diff OUT.json against another checkout's
    python tools/link_snapshot.py OUT.json --check    # also re-link in reverse order and compare

Texts: eval/real/*.jsonl and eval/cases.jsonl through `pipeline.link_segment` (what
benchmarks/bench_versions.py times), samples/ through the pipeline's per-document linking
(language detection, paragraphs, chunks). Per entity: surface, offsets, type, kind, id,
canonical, status, method, score (6 places), reason, candidates and `rewrite`; per text the
clean-English rewrite of the text with its entities (english.py). `--check` links every
text a second time in reverse order, with every cache warm, and fails on any difference:
a memoised step whose answer depends on what ran before shows up there.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from transnorm.config import load_config
from transnorm.detect import detect_batch
from transnorm.ingest import iter_inputs
from transnorm.linking.rewrite import rewrite
from transnorm.pipeline import _link_document, get_index, link_segment
from transnorm.records import Document, Entity

ROOT = Path(__file__).resolve().parents[1]


def _entity(e: Entity) -> list:
    return [e.start, e.end, e.surface, e.type, e.kind, e.gazetteer_id, e.canonical, e.status, e.method,
            round(e.score, 6), e.reason, e.rewrite,
            [[c.gazetteer_id, c.canonical, round(c.score, 6)] for c in e.candidates]]


def _texts() -> list[tuple[str, str, str]]:
    """(id, lang, text) of eval/real and eval/cases, in file order."""
    out = []
    for f in [*sorted((ROOT / "eval" / "real").glob("*.jsonl")), ROOT / "eval" / "cases.jsonl"]:
        for line in f.read_text(encoding="utf-8").splitlines():
            c = json.loads(line)
            out.append((f"{f.relative_to(ROOT)}:{c['id']}", c["lang"], c["text"]))
    return out


def snapshot(order: int = 1) -> dict[str, dict]:
    cfg = load_config(None)
    index = get_index(cfg)
    result: dict[str, dict] = {}
    for tid, lang, text in _texts()[::order]:
        ents = link_segment(text, lang, index, cfg)
        text_en, _ = rewrite(text, ents, index.lexicon)
        result[tid] = {"entities": [_entity(e) for e in ents], "rewritten": text_en}
    docs = [d for d in iter_inputs([ROOT / "samples"], cfg.ingest) if isinstance(d, Document)]
    for doc in docs[::order]:
        (lang,) = detect_batch([doc], cfg.detect)
        w = _link_document(doc, lang, index, cfg)
        segs = [{"start": s.start, "lang": s.lang, "entities": [_entity(e) for e in s.entities],
                 "rewritten": rewrite(doc.text[s.start:s.end], s.entities, index.lexicon)[0]}
                for s in w.segments]
        result[f"samples:{doc.source}:{doc.id}"] = {"segments": segs}
    return dict(sorted(result.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--check", action="store_true", help="link again in reverse order and compare")
    a = ap.parse_args()
    first = snapshot()
    a.out.write_text(json.dumps(first, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n = sum(len(v.get("entities", [])) + sum(len(s["entities"]) for s in v.get("segments", []))
            for v in first.values())
    print(f"{a.out}: {len(first)} texts, {n} entities")
    if a.check:
        again = snapshot(order=-1)
        bad = [k for k in first if first[k] != again.get(k)]
        print(f"reverse-order re-link: {len(bad)} texts differ" + (f" (first: {bad[0]})" if bad else ""))
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
