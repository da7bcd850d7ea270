"""End-to-end throughput: documents/s of the pipeline (process_batch, no Prefect) and peak memory.

    /work/venv/bin/python benchmarks/bench_e2e.py [--docs 10000] [--batch-size 200] [--given-lang]
        [--cli | --no-cli]

Corpus: --docs English news-like documents generated from templates (a headline, then two or
three paragraphs) whose slots are filled with names from the real gazetteer: canonical names,
English aliases (Russian-style spellings such as Kharkov, Zaporozhye), historic names and
people's full names and surnames, plus sentences with neutral words only (Russian, Ministry of
Defense, ...). Every document is distinct.

Rows: compiling the gazetteer index into an empty state folder (what a first run pays; the
per-user shared index cache is switched off for this process), loading it back from the cache, then every
document through `process_batch` in batches of --batch-size
(language detection included unless --given-lang). Peak memory is the process's maximum RSS
(resource.getrusage) after each row; for `transnorm run`, the largest child process's.

With --cli (default: only when PREFECT_API_URL is set, i.e. a Prefect server is running) it also
runs the full `transnorm run` on the same corpus (written as JSONL) in a subprocess against that
server and reports the wall time, including Prefect's flow and task overhead and the writing of
records.jsonl and the reports.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transnorm.config import load_config
from transnorm.gazetteer.entries import entry_files, load_entries
from transnorm.records import Document

HEADLINES = [
    "Drone attack on {city} leaves {n} injured",
    "Shelling of {city} continues for a {nth} day",
    "{person} visits {city} as fighting intensifies",
    "Talks in {world} end without agreement",
    "Power restored in parts of {region}",
]
SENTENCES = [
    "Russian forces struck {city} overnight, injuring {n} people, the regional administration said.",
    "An air raid alert was declared in {city} and the surrounding {region} at {h}:{m:02d}.",
    "{person} said the situation near {city} remained difficult but under control.",
    "According to the Ministry of Defense, air defence units shot down {n} drones over {region}.",
    "{person} met {person2} in {world} on {day} to discuss a prisoner exchange.",
    "Residents of {city} were told to stay in shelters until the all-clear was given.",
    "The General Staff reported {n} clashes along the front line, most of them near {city} and {city2}.",
    "{surname} told reporters that {country} would not accept the proposal.",
    "Evacuation trains left {city} for {city2} carrying {n} passengers, including {n2} children.",
    "Ukrainian and Russian officials exchanged the bodies of fallen soldiers on {day}.",
    "Debris from a downed missile damaged {n} houses in {region}, rescuers said.",
    "The National Guard said its units had repelled {n} assaults in the past day.",
    "Delegations from {country} and {country2} are expected in {world} next week.",
    "Armed Forces spokesman said {n} settlements in {region} had been shelled since midnight.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def latin(s: str) -> bool:
    return all(not ("\u0400" <= c <= "\u04ff") for c in s)


def name_pools() -> dict[str, list[str]]:
    entries = []
    for p in entry_files(ROOT / "gazetteers"):
        entries.extend(load_entries(p))
    pools: dict[str, list[str]] = {"city": [], "region": [], "world": [], "country": [], "person": [], "surname": []}
    for e in entries:
        en = [e.canonical] + list(e.aliases.get("en", [])) + [h for h in e.historic if latin(h)]
        en = [n for n in en if latin(n) and not n.isupper()]
        if e.type == "person":
            pools["person"] += en
            if e.short and latin(e.short):
                pools["surname"].append(e.short)
        elif e.kind == "country":
            pools["country"] += en[:3]
        elif e.kind in ("oblast", "krai", "autonomous-republic") and e.country in ("UA", "RU"):
            pools["region"] += [n for n in en if " " in n or n == e.canonical]
        elif e.kind in ("city", "settlement", "village") and e.country == "UA":
            pools["city"] += en
        elif e.kind == "city":
            pools["world"] += en
    return pools


def make_corpus(n_docs: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    pools = name_pools()
    docs = []
    k = 0
    for _ in range(n_docs):

        def fill(t: str) -> str:
            nonlocal k
            k += 1
            return t.format(
                city=rng.choice(pools["city"]),
                city2=rng.choice(pools["city"]),
                region=rng.choice(pools["region"]),
                world=rng.choice(pools["world"]),
                country=rng.choice(pools["country"]),
                country2=rng.choice(pools["country"]),
                person=rng.choice(pools["person"]),
                person2=rng.choice(pools["person"]),
                surname=rng.choice(pools["surname"]),
                day=rng.choice(DAYS),
                n=k % 97 + 2,
                n2=k % 13 + 1,
                h=k % 24,
                m=k % 60,
                nth=("second", "third", "fourth")[k % 3],
            )

        paras = [fill(rng.choice(HEADLINES))]
        for _ in range(rng.randint(2, 3)):
            paras.append(" ".join(fill(rng.choice(SENTENCES)) for _ in range(rng.randint(2, 4))))
        docs.append("\n\n".join(paras))
    return docs


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--batch-size", type=int, default=200)
    ap.add_argument("--given-lang", action="store_true", help="documents carry lang=en (no language detection)")
    cli = ap.add_mutually_exclusive_group()
    cli.add_argument(
        "--cli",
        dest="cli",
        action="store_true",
        default=None,
        help="also time `transnorm run` in a subprocess (needs a Prefect server or starts a temporary one)",
    )
    cli.add_argument("--no-cli", dest="cli", action="store_false")
    args = ap.parse_args(argv)
    run_cli = args.cli if args.cli is not None else bool(os.environ.get("PREFECT_API_URL"))

    # The cold-build row must really build: no per-user shared index cache for this process.
    os.environ["TRANSNORM_CACHE_DIR"] = "off"
    from transnorm import pipeline
    from transnorm.pipeline import get_index, process_batch

    t0 = time.perf_counter()
    docs_text = make_corpus(args.docs)
    t_gen = time.perf_counter() - t0
    n_bytes = sum(len(t.encode()) for t in docs_text)
    rows = []
    with tempfile.TemporaryDirectory(prefix="transnorm-bench-") as tmp:
        tmp = Path(tmp)
        cfg = load_config(None, {"state_dir": str(tmp / "state"), "batch_size": args.batch_size})
        t0 = time.perf_counter()
        index = get_index(cfg)
        t_build = time.perf_counter() - t0
        rows.append(
            (
                "compile gazetteer index (empty state folder)",
                t_build,
                None,
                f"{index.size:,} keys, {len(index.entries):,} entries",
                maxrss_mb(),
            )
        )
        pipeline._index_for.cache_clear()  # the in-process memo: the next call reads the disk cache
        t0 = time.perf_counter()
        get_index(cfg)
        t_load = time.perf_counter() - t0
        rows.append(("load index from the cache", t_load, None, "pickle", maxrss_mb()))

        lang = "en" if args.given_lang else None
        docs = [Document(id=f"d{i}", text=t, source=f"bench:{i + 1}", lang=lang) for i, t in enumerate(docs_text)]
        t0 = time.perf_counter()
        process_batch(docs[:20], cfg)  # warm-up: language detector, morph analyzers
        t_warm = time.perf_counter() - t0
        rows.append(("warm-up (20 documents: lingua, caches)", t_warm, None, "", maxrss_mb()))

        n_ent = n_auto = n_err = 0
        t0 = time.perf_counter()
        for i in range(0, len(docs), args.batch_size):
            for rec in process_batch(docs[i : i + args.batch_size], cfg):
                n_ent += len(rec.entities)
                n_auto += sum(e.status == "auto" for e in rec.entities)
                n_err += bool(rec.errors)
        t_proc = time.perf_counter() - t0
        detect = "lang given" if args.given_lang else "incl. language detection"
        rows.append(
            (
                f"process_batch x {-(-len(docs) // args.batch_size)} batches of {args.batch_size}",
                t_proc,
                len(docs),
                f"{detect}; {n_ent:,} entities ({n_auto:,} auto), {n_err} error rows",
                maxrss_mb(),
            )
        )

        cli_note = "not run (no PREFECT_API_URL; pass --cli to run it with a temporary Prefect server)"
        if run_cli:
            corpus = tmp / "corpus.jsonl"
            with corpus.open("w", encoding="utf-8") as fh:
                for d in docs:
                    fh.write(
                        json.dumps({"id": d.id, "text": d.text, **({"lang": lang} if lang else {})}, ensure_ascii=False)
                        + "\n"
                    )
            cfg_file = tmp / "bench.yaml"
            cfg_file.write_text(f"state_dir: {tmp / 'state'}\nbatch_size: {args.batch_size}\n", encoding="utf-8")
            exe = Path(sys.executable).parent / "transnorm"
            cmd = [str(exe), "run", str(corpus), "--out", str(tmp / "out"), "--config", str(cfg_file)]
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            t_cli = time.perf_counter() - t0
            out = tmp / "out" / "records.jsonl"
            n_rec = sum(1 for _ in out.open(encoding="utf-8")) if out.exists() else 0
            where = os.environ.get("PREFECT_API_URL") or "temporary Prefect server"
            note = f"exit {proc.returncode}, {n_rec:,} records; Prefect: {where}"
            if proc.returncode != 0:
                note += "; " + (proc.stderr.strip().splitlines() or ["?"])[-1][:120]
            child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            rows.append(("transnorm run (subprocess, full flow + reports)", t_cli, len(docs), note, child_rss))
            cli_note = ""

    print(
        f"corpus: {len(docs_text):,} generated English documents, {n_bytes / 1e6:.2f} MB "
        f"(generated in {t_gen:.1f} s); batch_size {args.batch_size}; translation not involved (English input)"
    )
    head = f"{'step':<48} {'seconds':>8} {'docs/s':>8} {'MB/s':>6} {'peak RSS MB':>11}  note"
    print(head)
    print("-" * (len(head) + 40))
    for name, secs, n, note, rss in rows:
        dps = f"{n / secs:8.0f}" if n else f"{'':>8}"
        mbs = f"{n_bytes / 1e6 / secs:6.2f}" if n else f"{'':>6}"
        rss_s = f"{rss:11.0f}" if rss is not None else f"{'(child)':>11}"
        print(f"{name:<48} {secs:8.2f} {dps} {mbs} {rss_s}  {note}")
    print("-" * (len(head) + 40))
    if cli_note:
        print(f"transnorm run: {cli_note}")


if __name__ == "__main__":
    main()
