"""Translation throughput: transnorm's batched path vs argostranslate.translate(), same model, same run.

    /work/venv/bin/python benchmarks/bench_translate.py [--docs 100] [--repeats 3] [--model PATH.argosmodel]

By default it builds the tiny random-weight package from tests/argos_tiny.py (no download);
pass --model with a real .argosmodel for numbers that reflect a real model. All rows run in one
process on the same generated corpus, and ratios are taken against the argostranslate row.

Making the argostranslate baseline run offline: its default sentence splitter (MiniSBD) downloads
an ONNX model on first use, and ARGOS_CHUNK_TYPE offers only MiniSBD, Stanza or spaCy (all
download or are not installed; NONE is not implemented). So after argostranslate builds its
translation objects, each PackageTranslation's `sentencizer` is replaced by a razdel-based one:
the baseline then splits exactly like transnorm, and the difference measured is the batching
(argostranslate: one translate_batch per line of each document; transnorm: all sentences of all
documents, length-sorted, in batches of 32). Beam size and thread settings are set equal (beam 2,
intra_threads 2, inter_threads 1).

On the tiny model decoding is nearly free, so per-call overhead dominates and the batching ratio
is larger than on a real model (NOTES.md: ~6x on a base-size model, 2 cores).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
from pathlib import Path
from timeit import repeat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from transnorm.config import TranslateConfig
from transnorm.translation.models import import_argos_package, install_from_path
from transnorm.translation.translate import Translator, split_sentences

CITIES = ["Харькове", "Киеве", "Одессе", "Днепре", "Запорожье", "Херсоне", "Николаеве", "Львове"]
SUBJECTS = ["Власти", "Глава администрации", "Министр", "Жители", "Военные", "Спасатели"]
VERBS = ["заявили", "сообщили", "подтвердили", "опровергли", "уточнили"]
OBJECTS = ["взрыв", "обстрел", "атаку", "пожар", "эвакуацию", "ремонт моста"]


def make_corpus(n_docs: int, seed: int = 1) -> list[str]:
    """News-like Russian documents: a headline line, then 2 paragraphs of 2-4 sentences; every
    sentence distinct (a number in it), so deduplication and caching do not help any row."""
    rng = random.Random(seed)
    docs, k = [], 0
    for _ in range(n_docs):
        k += 1
        paras = [f"{rng.choice(OBJECTS).capitalize()} в {rng.choice(CITIES)} №{k}"]
        for _ in range(2):
            sents = []
            for _ in range(rng.randint(2, 4)):
                k += 1
                sents.append(
                    f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                    f"в {rng.choice(CITIES)} около {k % 24}:{k % 60:02d}, сообщение {k}."
                )
            paras.append(" ".join(sents))
        docs.append(paras[0] + "\n" + "\n\n".join(paras[1:]))
    return docs


class RazdelSentencizer:
    """Stands in for argostranslate's downloading splitter (same interface: split_sentences)."""

    def split_sentences(self, text: str) -> list[str]:
        return [text[s:e] for s, e in split_sentences(text)]


def argos_translate_fn(models_dir: Path, src: str, tgt: str, cfg: TranslateConfig):
    """argostranslate.translate.translate, offline, with settings equal to transnorm's."""
    import_argos_package(models_dir)
    import argostranslate.settings as s
    import argostranslate.translate as at

    s.beam_size, s.inter_threads, s.intra_threads = cfg.beam_size, cfg.inter_threads, cfg.intra_threads
    s.batch_size = cfg.batch_size
    at.get_installed_languages.cache_clear()
    for lang in at.get_installed_languages():
        for t in lang.translations_from:
            underlying = getattr(t, "underlying", None)
            if underlying is not None and hasattr(underlying, "sentencizer"):
                underlying.sentencizer = RazdelSentencizer()
    return lambda text: at.translate(text, src, tgt)


def release_argos() -> None:
    """Free argostranslate's CTranslate2 model: its idle worker threads would otherwise compete
    for the 2 cores with the rows measured after it."""
    import argostranslate.translate as at

    for it in at.installed_translates:
        underlying = getattr(it.cached_translation, "underlying", None)
        if getattr(underlying, "translator", None) is not None:
            underlying.translator.unload_model()
            underlying.translator = None
    at.installed_translates.clear()
    at.get_installed_languages.cache_clear()
    gc.collect()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--model", type=Path, help="a .argosmodel to use instead of the tiny random one")
    ap.add_argument("--src", default="ru")
    args = ap.parse_args()
    r = args.repeats

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.model:
            package, label = args.model, args.model.name
        else:
            from argos_tiny import build_tiny_package

            package, label = build_tiny_package(tmp / "build", from_code=args.src), "tiny random-weight test package"
        models_dir = tmp / "models"
        info = install_from_path(package, models_dir)
        src, tgt = info.from_code, info.to_code
        docs = make_corpus(args.docs)
        n_sent = sum(len(split_sentences(d)) for d in docs)
        cfg = TranslateConfig(models_dir=models_dir)  # no cache unless a row sets one
        rows = []

        # Each path is warmed up first (model loaded) and its model freed before the next.
        argos = argos_translate_fn(models_dir, src, tgt, cfg)
        argos("Прогрев.")
        t_argos = min(repeat(lambda: [argos(d) for d in docs], number=1, repeat=r))
        rows.append(("argostranslate.translate() per document", t_argos, "one translate_batch per line"))
        release_argos()

        ours = Translator(cfg)
        ours.translate_documents(["Прогрев."], src, tgt)
        t_doc = min(repeat(lambda: [ours.translate_documents([d], src, tgt) for d in docs], number=1, repeat=r))
        rows.append(("transnorm, one document per call", t_doc, "-"))
        t_batch = min(repeat(lambda: ours.translate_documents(docs, src, tgt), number=1, repeat=r))
        calls = f"{ours.last_stats.batches} translate_batch calls"
        rows.append(("transnorm, batched across documents", t_batch, calls))
        ours = None  # free the model before the next path is measured
        gc.collect()

        runs = iter(range(r))

        def fill() -> None:
            t = Translator(cfg.model_copy(update={"cache_path": tmp / f"fill{next(runs)}.sqlite"}))
            t.translate_documents(docs, src, tgt)

        t_fill = min(repeat(fill, number=1, repeat=r))  # includes loading the model: a fresh cache, as on a first run
        rows.append(("transnorm, batched, cache cold (filling)", t_fill, "incl. model load + SQLite writes"))
        gc.collect()
        warm_cfg = cfg.model_copy(update={"cache_path": tmp / "fill0.sqlite"})
        stats = []

        def warm() -> None:
            t = Translator(warm_cfg)  # a new instance each time: only the SQLite file carries over
            t.translate_documents(docs, src, tgt)
            stats.append(t.last_stats)

        t_warm = min(repeat(warm, number=1, repeat=r))
        s = stats[-1]
        rows.append(("transnorm, cache warm (new Translator)", t_warm, f"{s.cache_hits} hits, {s.batches} model calls"))

        print(
            f"model: {label} ({info.model_id}, {src}->{tgt}); {len(docs)} documents, {n_sent} sentences; "
            f"beam {cfg.beam_size}, batch {cfg.batch_size}, intra_threads {cfg.intra_threads}; best of {r}"
        )
        print(f"{'path':<44} {'seconds':>8} {'sent/s':>9} {'vs argos':>9}  note")
        print("-" * 104)
        for name, secs, note in rows:
            print(f"{name:<44} {secs:8.3f} {n_sent / secs:9.0f} {t_argos / secs:8.1f}x  {note}")
        print("-" * 104)
        print(
            f"cache-hit speed-up: {t_batch / t_warm:.0f}x over batched translation, "
            f"{t_argos / t_warm:.0f}x over argostranslate"
        )


if __name__ == "__main__":
    main()
