"""Linking throughput and accuracy: transnorm's matcher vs a naive rapidfuzz baseline, same run.

    /work/venv/bin/python benchmarks/bench_linking.py [--sizes 10000,100000,1000000] [--repeats 3]
        [--sample-spans 100] [--sample-budget 30] [--baseline-budget 15] [--scorer WRatio] [--cutoff 90]

Inputs: the texts of the labelled set eval/cases.jsonl (en, ru, uk). Gazetteer: the real one
(the entries and lexicon of the index the pipeline uses with the default config) grown to each size with
synthetic GeoNames-like place names (random
syllable names such as "Novozelivka", "Velyka Dobrotivka"), added as extra Entry objects and
compiled with `compile_index`. Transliteration variants are generated for the real entries only
(memoised across sizes); the synthetic ones get `variants=()`, which keeps the 1M build to a
minute or two. Synthetic names whose folded key another name already has are skipped, so a size
is exact: the number of distinct index keys (every name the matcher can look up).

* ours: `match.link` over the compiled index, exactly as the pipeline calls it
  (`pipeline.link_segment`: morphological keys for ru/uk), on the whole labelled set after one
  untimed pass; best of --repeats.
* baseline: every capitalised span (maximal run of capitalised words) is compared with
  `rapidfuzz.process.extractOne` against every gazetteer name (the same names: the index's keys,
  i.e. every listed and generated spelling, folded), scorer --scorer, cutoff --cutoff; the span is
  folded the same way (fold.fold_name), so both sides share the spelling normalisation and differ
  only in how they search. The best name above the cutoff is linked to its entry (the most
  populous when the name has several).
  Its cost grows with the gazetteer, so it is timed on a random sample of up to --sample-spans
  spans (stopping after --sample-budget seconds, at least 10 spans) and extrapolated to all
  spans (the row says from how many). Its F1 is computed on as many cases (in a fixed shuffled
  order) as fit in --baseline-budget seconds; ours is scored on the same cases alongside
  ("F1 sample") and on all cases ("F1 all").

"mentions" = capitalised spans in the input (the same count for both rows), so mentions/s of the
two rows compare directly; MB/s counts UTF-8 bytes of input text. F1 uses the scoring of
`transnorm eval` (src/transnorm/evaluate.py).
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import resource
import sys
import time
from functools import lru_cache
from pathlib import Path
from timeit import repeat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transnorm.config import load_config
from transnorm.evaluation.cases import load_cases
from transnorm.evaluation.score import EvalResult, score_case
from transnorm.gazetteer.compile import compile_index, default_variants
from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.index import Index
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.pipeline import link_segment
from transnorm.records import Entity
from transnorm.text.fold import fold_name

CASES = ROOT / "eval" / "cases.jsonl"
CAP = "A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐĞİŞÇÖÜ"
SPAN_RE = re.compile(rf"[{CAP}][\w'’ʼ]*(?:(?:[ \t]+|-)[{CAP}][\w'’ʼ]*)*")

# ------------------------------------------------------------------ synthetic names

ONSETS = [
    "b",
    "v",
    "h",
    "d",
    "zh",
    "z",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "f",
    "kh",
    "ts",
    "ch",
    "sh",
    "br",
    "dr",
    "hr",
    "kr",
    "pr",
    "tr",
    "st",
    "sl",
    "zv",
    "bl",
    "hl",
]
VOWELS = ["a", "o", "e", "y", "i", "u", "ia", "ie"]
SUFFIXES = [
    "ivka",
    "ivske",
    "ne",
    "ove",
    "ka",
    "yne",
    "pil",
    "horod",
    "ets",
    "ychi",
    "any",
    "ske",
    "ino",
    "ovo",
    "ivtsi",
    "ishche",
    "anka",
    "ivka",
    "ivka",
    "enky",
    "ova",
    "yk",
    "ynets",
]
PREFIXES = ["Nova", "Stara", "Velyka", "Mala", "Verkhnia", "Nyzhnia", "Krasna", "Bila", "Chorna", "Zelena"]


def synthetic_names(n: int, seed: int = 7) -> list[str]:
    """n distinct plausible place names (Ukrainian/Russian village style, Latin script)."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        root = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.choice((1, 2, 2, 3))))
        name = (root + rng.choice(SUFFIXES)).capitalize()
        r = rng.random()
        if r < 0.18:
            name = f"{rng.choice(PREFIXES)} {name}"
        elif r < 0.22:
            name = f"{name}-{rng.choice(PREFIXES)}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def distinct_keys(names: list[str], taken: set[str]) -> list[str]:
    """Keep names whose folded key is new (Kotivka/Kotyvka fold alike), so a size is exact."""
    out = []
    seen = set(taken)
    for nm in names:
        k = fold_name(nm)
        if k not in seen:
            seen.add(k)
            out.append(nm)
    return out


def synthetic_entries(names: list[str]) -> list[Entry]:
    rng = random.Random(11)
    return [
        Entry(
            id=f"syn-{i}",
            type="place",
            kind="village",
            canonical=nm,
            country=rng.choice("UA RU BY PL".split()),
            population=rng.randint(50, 20000),
            source="synthetic",
        )
        for i, nm in enumerate(names)
    ]


def real_gazetteer(cfg) -> tuple[list[Entry], Lexicon]:
    """The entries and lexicon of the index the pipeline uses (every configured layer)."""
    from transnorm.pipeline import get_index

    idx = get_index(cfg)
    return list(idx.entries), idx.lexicon


@lru_cache(maxsize=None)
def _real_variants(name: str, lang: str) -> tuple[str, ...]:
    return tuple(default_variants(name, lang))


def build(real: list[Entry], lex: Lexicon, synth: list[Entry]) -> Index:
    """Compile real + synthetic entries; variants for the real names only (memoised across sizes)."""
    synth_names = {e.canonical for e in synth}

    def variants(name: str, lang: str):
        return () if name in synth_names else _real_variants(name, lang)

    return compile_index(real + synth, lex, "bench", variants=variants)


# ------------------------------------------------------------------ ours and the baseline


def spans_of(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in SPAN_RE.finditer(text)]


def link_ours(cases, index: Index, cfg) -> list[list[Entity]]:
    return [link_segment(c.text, c.lang, index, cfg) for c in cases]


class Baseline:
    """extractOne of every capitalised span against every gazetteer name.

    The names are the index's keys (every name and generated spelling, folded: lower case, no
    diacritics, transliteration pairs merged) and the span is folded the same way, so the
    baseline gets the same spelling normalisation as ours and differs only in the search.
    """

    def __init__(self, index: Index, scorer: str, cutoff: float):
        from rapidfuzz import fuzz

        self.scorer = getattr(fuzz, scorer)
        self.cutoff = cutoff
        self.names: list[str] = []
        self.entry: list[int] = []
        for key in index.keys:
            refs = index.lookup(key)
            if not refs:
                continue
            best = max(refs, key=lambda r: index.entries[r.entry].population or 0)
            self.names.append(key)
            self.entry.append(best.entry)
        self.index = index

    def link_span(self, text: str, a: int, b: int) -> Entity | None:
        from rapidfuzz import process

        q = fold_name(text[a:b])
        if not q:
            return None
        hit = process.extractOne(q, self.names, scorer=self.scorer, processor=None, score_cutoff=self.cutoff)
        if hit is None:
            return None
        e = self.index.entries[self.entry[hit[2]]]
        return Entity(
            start=a,
            end=b,
            surface=text[a:b],
            type=e.type,
            gazetteer_id=e.id,
            canonical=e.canonical,
            score=hit[1] / 100,
            method="baseline",
            status="auto",
        )

    def link(self, text: str) -> list[Entity]:
        return [e for a, b in spans_of(text) if (e := self.link_span(text, a, b)) is not None]


def f1_of(cases, entities: list[list[Entity]]) -> float:
    r = EvalResult()
    for c, ents in zip(cases, entities):
        score_case(c, ents, r)
    return r.overall.f1


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="gazetteer sizes (index keys), comma-separated")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sample-spans", type=int, default=100, help="spans timed for the baseline per size")
    ap.add_argument(
        "--sample-budget",
        type=float,
        default=30.0,
        help="stop timing the baseline's sample after this many seconds (at least 10 spans)",
    )
    ap.add_argument("--baseline-budget", type=float, default=15.0, help="seconds for the baseline F1 per size")
    ap.add_argument("--scorer", default="WRatio", help="rapidfuzz.fuzz scorer of the baseline")
    ap.add_argument("--cutoff", type=float, default=90.0, help="baseline score cutoff (0-100)")
    ap.add_argument("--open-world", action="store_true",
                    help="only compare linking speed with the open-world passes off and on (real gazetteer)")
    args = ap.parse_args(argv)
    if args.open_world:
        open_world_table(args.repeats)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]

    cfg = load_config(None, {})
    cases = load_cases(CASES)
    texts = [c.text for c in cases]
    n_bytes = sum(len(t.encode()) for t in texts)
    all_spans = [(i, a, b) for i, t in enumerate(texts) for a, b in spans_of(t)]
    n_spans = len(all_spans)
    order = list(range(len(cases)))
    random.Random(3).shuffle(order)

    t0 = time.perf_counter()
    real, lex = real_gazetteer(cfg)
    base = build(real, lex, [])
    real_keys = base.size
    t_real = time.perf_counter() - t0
    print(
        f"input: {len(cases)} labelled cases (eval/cases.jsonl), {n_bytes / 1e3:.1f} kB, {n_spans} capitalised "
        f"spans (= mentions); real gazetteer {len(real)} entries, {real_keys} keys (compiled in {t_real:.1f} s)"
    )
    small = [z for z in sizes if z < real_keys]
    if small:
        print(f"note: sizes {small} are below the real gazetteer's {real_keys} keys: measured at {real_keys}")
    print(
        f"baseline: rapidfuzz.process.extractOne(scorer={args.scorer}, cutoff {args.cutoff:g}) of each folded span "
        f"over all folded names (index keys); timed on up to {args.sample_spans} random spans "
        f"({args.sample_budget:g} s at most) and extrapolated; its F1 on the cases that fit in "
        f"{args.baseline_budget:g} s. ours: match.link (pipeline.link_segment), best of {args.repeats}."
    )
    print()
    rows = []
    need = max(0, max(sizes) - real_keys)
    synth_all = distinct_keys(synthetic_names(int(need * 1.3) + 100), set(base.keys))[:need]
    del base
    for size in sizes:
        n_syn = max(0, size - real_keys)
        gc.collect()
        t0 = time.perf_counter()
        synth = synthetic_entries(synth_all[:n_syn])
        index = build(real, lex, synth)
        t_build = time.perf_counter() - t0
        # ours: one untimed pass (morph analyzers and caches, index vocabulary), then time the whole set
        link_ours(cases, index, cfg)
        ents_ours: list[list[Entity]] = []

        def run_ours():
            ents_ours[:] = link_ours(cases, index, cfg)

        t_ours = min(repeat(run_ours, number=1, repeat=args.repeats))
        f1_ours = f1_of(cases, ents_ours)
        # baseline: time a sample of spans
        bl = Baseline(index, args.scorer, args.cutoff)
        sample = random.Random(size).sample(all_spans, min(args.sample_spans, n_spans))
        t0 = time.perf_counter()
        timed = 0
        for i, a, b in sample:
            bl.link_span(texts[i], a, b)
            timed += 1
            if timed >= 10 and time.perf_counter() - t0 > args.sample_budget:
                break
        per_span_bl = (time.perf_counter() - t0) / timed
        t_bl = per_span_bl * n_spans  # extrapolated to the whole input
        # baseline F1 on as many cases as fit in the budget
        chosen, spent = [], 0.0
        for k in order:
            cost = per_span_bl * len(spans_of(texts[k]))
            if chosen and spent + cost > args.baseline_budget:
                break
            chosen.append(k)
            spent += cost
        sub = [cases[k] for k in chosen]
        ents_bl = [bl.link(c.text) for c in sub]
        f1_bl = f1_of(sub, ents_bl)
        f1_ours_sub = f1_of(sub, [ents_ours[k] for k in chosen])
        rows.append(
            dict(
                size=index.size,
                entries=len(index.entries),
                build=t_build,
                t_ours=t_ours,
                t_bl=t_bl,
                per_ours=t_ours / n_spans,
                per_bl=per_span_bl,
                f1_ours=f1_ours,
                f1_ours_sub=f1_ours_sub,
                f1_bl=f1_bl,
                n_sub=len(sub),
                timed=timed,
                found=sum(len(e) for e in ents_ours),
                rss=maxrss_mb(),
            )
        )
        print(f"  size {index.size:,} keys done (build {t_build:.1f} s)", flush=True)
        index = bl = synth = None  # free them before the next round (del would confuse the closures above)
        gc.collect()

    head = (
        f"{'keys':>9} {'entries':>9} {'build s':>7} | {'row':<9} {'mentions/s':>11} {'MB/s':>7} {'µs/mention':>11}"
        f" | {'F1 all':>6} {'F1 sample':>9} {'cases':>5} | {'ours/base':>9}"
    )
    print()
    print(head)
    print("-" * len(head))
    for r in rows:
        ratio = r["t_bl"] / r["t_ours"]
        print(
            f"{r['size']:9,d} {r['entries']:9,d} {r['build']:7.1f} | {'ours':<9} {n_spans / r['t_ours']:11,.0f} "
            f"{n_bytes / 1e6 / r['t_ours']:7.3f} {r['per_ours'] * 1e6:11.1f} | {r['f1_ours']:6.3f} "
            f"{r['f1_ours_sub']:9.3f} {r['n_sub']:5d} | {ratio:8.0f}x"
        )
        print(
            f"{'':9} {'':9} {'':7} | {'baseline':<9} {n_spans / r['t_bl']:11,.1f} {n_bytes / 1e6 / r['t_bl']:7.4f} "
            f"{r['per_bl'] * 1e6:11.0f} | {'-':>6} {r['f1_bl']:9.3f} {r['n_sub']:5d} | {'':>9} "
            f"extrapolated from {r['timed']} spans"
        )
    print("-" * len(head))
    flat = rows[-1]["per_ours"] / rows[0]["per_ours"] if len(rows) > 1 else 1.0
    print(
        f"ours per-mention time, largest vs smallest gazetteer: {flat:.2f}x; "
        f"baseline: {rows[-1]['per_bl'] / rows[0]['per_bl']:.0f}x"
        if len(rows) > 1
        else ""
    )
    print(
        f"baseline time = µs/mention measured on a random sample of spans (count in the row) x {n_spans} spans; "
        f"'F1 sample' = F1 on the first 'cases' cases of a fixed shuffle (ours and baseline on the same cases); "
        f"peak RSS {rows[-1]['rss']:.0f} MB"
    )


def open_world_table(repeats: int) -> None:
    """Docs/s of match.link on the English and on the ru/uk cases, open-world passes off vs on.

    "off" is match.generate_names=false: the matcher as it was before the open-world passes
    (generated people and places, 15.2 screening, cross-language and phonetic near misses);
    both rows run in this process on the same index, after one untimed pass of each (the
    lazily built tables: first names, cross-language keys, phonetic blocks), interleaved run
    by run; best of --repeats.
    """
    base = load_config(None, {})
    cfgs = {"off": base.model_copy(update={"match": base.match.model_copy(update={"generate_names": False})}),
            "on": base}
    cases = load_cases(CASES)
    groups = {"en": [c for c in cases if c.lang == "en"], "ru/uk": [c for c in cases if c.lang in ("ru", "uk")]}
    real, lex = real_gazetteer(base)
    index = build(real, lex, [])
    print(f"open-world passes off vs on: match.link over {len(cases)} cases of eval/cases.jsonl, "
          f"real gazetteer ({index.size:,} keys), best of {repeats}")
    print(f"{'corpus':<7} {'docs':>5} | {'off docs/s':>10} {'on docs/s':>10} | {'on/off':>6}")
    for name, group in groups.items():
        best = {label: float("inf") for label in cfgs}
        for cfg in cfgs.values():
            link_ours(group, index, cfg)  # untimed: analyzers, caches, lazily built tables
        for _ in range(repeats):  # interleaved, so both rows see the same load on a shared machine
            for label, cfg in cfgs.items():
                t0 = time.perf_counter()
                link_ours(group, index, cfg)
                best[label] = min(best[label], time.perf_counter() - t0)
        rates = {label: len(group) / t for label, t in best.items()}
        ratio = rates["on"] / rates["off"]
        print(f"{name:<7} {len(group):5d} | {rates['off']:10.0f} {rates['on']:10.0f} | {ratio:6.2f}")


if __name__ == "__main__":
    main()
