"""Gazetteer index store, before and after, in one run: cold build, load, per-process memory,
a review decision and a YAML edit until the next run has its index.

    python benchmarks/bench_store.py                      # baselines: 60fb437 (the one-pickle store)
                                                          # and 5808d7d (the layered store, one process)
    python benchmarks/bench_store.py --baseline HEAD~3    # another commit as the only baseline

Each baseline is checked out in a temporary `git worktree` and run from its own `src/` with this
interpreter; one that did not depend on the DAWG2 extension yet (pymorphy3's fast dictionary
reader, added with the layered store) runs without it, as it shipped. Each measurement is a
fresh process on the default config's gazetteer of that checkout (a copy, so edits never touch
it; the `keys` row shows when the gazetteers differ),
with no per-user cache (TRANSNORM_CACHE_DIR=off):

* cold build: nothing cached; wall and CPU seconds (the process and the worker processes it
  waited for), peak RSS of the whole process tree (sampled every 20 ms: a build compiles in worker
  processes, and the peak is the sum over them; for a one-process build it is the process's own);
* load: a second process gets the built index (best of 3 processes); per-process memory is what
  getting the index and linking the bundled samples (ru, uk, en: lemma vocabulary, Latin keys)
  adds to the process: RSS, and USS (pages only this process has; the store's mapped pages are
  shared by every process on the machine), in the third process, which finds the tables stored
  beside the index ready as a worker does; a row shows the first, which makes them;
* review decision -> index: an accept decision written to overrides.yaml (as `review apply` does),
  then a fresh process gets the index: what `review apply` adds to the next `transnorm run`;
* YAML edit -> index: one entry appended to people.yaml, then the same.

Timings are wall-clock on a shared machine: the machine line shows the load average; CPU
seconds are less sensitive to it.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run by runpy from a baseline's checkout too
from benchtools import baseline_tree, print_table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASELINES = ("60fb437", "5808d7d")  # the one-pickle store; the layered store compiled in one process


def _mem() -> dict:
    """This process's RSS and USS (private) in MB, from /proc."""
    out = {}
    with open("/proc/self/smaps_rollup", encoding="ascii") as fh:
        for line in fh:
            k, _, v = line.partition(":")
            if k in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                out[k] = int(v.split()[0]) / 1024
    return {"rss": out["Rss"], "pss": out["Pss"], "uss": out["Private_Clean"] + out["Private_Dirty"]}


def child(task: str, gaz: str, state: str) -> dict:
    os.environ["TRANSNORM_CACHE_DIR"] = "off"
    from transnorm.config import load_config
    from transnorm.gazetteer.layers import LayerSpec
    from transnorm.gazetteer.store import load_or_build

    cfg = load_config(None, {"state_dir": state, "gazetteer": {"dir": gaz}})
    spec = LayerSpec.from_config(cfg.gazetteer)
    folder, cache = Path(gaz), Path(state) / "index"
    if task == "edit-yaml":
        with (folder / "people.yaml").open("a", encoding="utf-8") as fh:
            fh.write("  - {id: person-bench-edit, type: person, kind: person, canonical: Bench Editovych}\n")
    if task == "apply":
        with (folder / "overrides.yaml").open("a", encoding="utf-8") as fh:
            fh.write("accept:\n  - {surface: \"Kharkivv\", lang: en, gazetteer_id: ua-city-kharkiv}\n")
    before = _mem()
    sampler = TreePeak()
    c0, t0 = _cpu(), time.perf_counter()
    idx = load_or_build(folder, cache, layers=spec, shared=False)
    took, cpu = time.perf_counter() - t0, _cpu() - c0
    peak = max(sampler.stop(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out = {"s": took, "cpu": cpu, "peak_mb": peak, "keys": idx.size, "digest": idx.digest}
    if task == "load":
        out["rss_load"] = _mem()["rss"] - before["rss"]
        from transnorm.pipeline import link_segment

        linked = []
        for lang in ("ru", "uk", "en"):
            for text in SAMPLE_TEXTS[lang]:
                linked += [e for e in link_segment(text, lang, idx, cfg) if e.gazetteer_id]
        if hasattr(idx, "latin_keys"):  # what align.py reads for each linked source name
            for e in linked:
                idx.latin_keys(idx.by_id[e.gazetteer_id])
        else:
            from transnorm.linking import align

            align._latin_keys(idx)
        after = _mem()
        out.update(linked=len(linked), rss_used=after["rss"] - before["rss"], uss_used=after["uss"] - before["uss"],
                   pss_used=after["pss"] - before["pss"])
    return out


def _cpu() -> float:
    """CPU seconds of this process and of the children it has waited for (build workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class TreePeak:
    """The largest sum of RSS over this process and its descendants, sampled in a thread."""

    def __init__(self, every: float = 0.02):
        import threading

        self.peak, self._every, self._done = 0.0, every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _tree(pid: int) -> list[int]:
        out = [pid]
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                    for child in fh.read().split():
                        out += TreePeak._tree(int(child))
        except OSError:  # the process ended meanwhile
            pass
        return out

    @staticmethod
    def _rss(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
                return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except OSError:
            return 0.0

    def _run(self) -> None:
        while not self._done.wait(self._every):
            self.peak = max(self.peak, sum(self._rss(p) for p in self._tree(os.getpid())))

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak


SAMPLE_TEXTS = {
    "ru": ["Ночью враг атаковал Харьков и Харьковскую область. В Донецкой области погибли два человека.",
           "Взрывы прогремели в Кривом Роге, Запорожье и Никополе; в Одессе объявлена тревога.",
           "Зеленский провёл переговоры с Эрдоганом во дворце Чыраган в Стамбуле."],
    "uk": ["Окупанти обстріляли Херсонщину та Миколаївщину, у Львові пролунали вибухи.",
           "У Києві та Київській області оголосили повітряну тривогу; Сирський прибув на Донеччину."],
    "en": ["Air raid alert in Kiev and the Kiev region. Explosions were heard in Dnipropetrovsk and Krivoy Rog.",
           "Talks were held at the Palace of Chyragan; Vladimir Zelensky met Erdogan in Istanbul."],
}


def run(tree: Path, task: str, gaz: Path, state: Path, no_dawg: bool) -> dict:
    pre = "import sys; sys.modules['dawg'] = None; " if no_dawg else ""  # pymorphy3 then reads with dawg_python
    code = pre + f"import runpy, sys; sys.argv = {[__file__, '--child', task, str(gaz), str(state)]!r}; " \
                 f"runpy.run_path({str(Path(__file__))!r}, run_name='__main__')"
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "TRANSNORM_CACHE_DIR": "off"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tree, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{task} ({tree}) failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(tree: Path, work: Path, no_dawg: bool) -> dict:
    gaz, state = work / "gaz", work / "state"
    shutil.copytree(tree / "gazetteers", gaz)  # its own: 60fb437 cannot read today's (organisation entries)
    cold = run(tree, "cold", gaz, state, no_dawg)
    loads = [run(tree, "load", gaz, state, no_dawg) for _ in range(3)]
    load = min(loads, key=lambda r: r["s"])
    # memory of a process that finds the index and its stored tables ready (a worker's case); the
    # first process after a build makes the tables the store keeps beside the index (sidecar.py)
    steady, first = loads[-1], loads[0]
    apply = run(tree, "apply", gaz, state, no_dawg)
    edit = run(tree, "edit-yaml", gaz, state, no_dawg)
    disk = sum(p.stat().st_size for p in (state / "index").rglob("*") if p.is_file()) / 1e6
    return {"cold_s": cold["s"], "cold_cpu": cold["cpu"], "cold_peak": cold["peak_mb"], "keys": cold["keys"],
            "load_s": load["s"], "rss": steady["rss_used"], "uss": steady["uss_used"], "pss": steady["pss_used"],
            "rss_first": first["rss_used"],
            "linked": load["linked"], "apply_s": apply["s"], "edit_s": edit["s"], "disk_mb": disk}


ROWS = [("keys", "keys", "{:,}", None), ("cold build, wall s", "cold_s", "{:.1f}", 20),
        ("cold build, CPU s (all processes)", "cold_cpu", "{:.1f}", None),
        ("cold build, peak RSS MB (process tree)", "cold_peak", "{:.0f}", 500),
        ("load, s (best of 3 processes)", "load_s", "{:.3f}", 0.3),
        ("per-process RSS added by index + linking, MB", "rss", "{:.0f}", 150),
        ("  of which private (USS), MB", "uss", "{:.0f}", None),
        ("  proportional (PSS), MB", "pss", "{:.0f}", None),
        ("per-process RSS, the first process after a build (makes the stored tables), MB", "rss_first", "{:.0f}",
         None),
        ("mentions linked in the sample sentences", "linked", "{:,}", None),
        ("review decision -> next run's index, s", "apply_s", "{:.2f}", 10),
        ("one YAML edit -> next run's index, s", "edit_s", "{:.1f}", None),
        ("cache on disk after these builds, MB", "disk_mb", "{:.1f}", None)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", action="append",
                    help=f"commit of a baseline, repeatable (default: {' and '.join(BASELINES)})")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(*a.child)))
        return
    refs = a.baseline or list(BASELINES)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")
    befores = []
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        tmp = Path(tmp)
        for n, ref in enumerate(refs):
            with baseline_tree(ref, tmp / f"baseline{n}") as tree:
                (tmp / f"b{n}").mkdir()
                # a baseline that did not depend on DAWG2 yet is measured without it, as it shipped
                no_dawg = "dawg2" not in (tree / "pyproject.toml").read_text(encoding="utf-8").lower()
                befores.append(measure(tree, tmp / f"b{n}", no_dawg=no_dawg))
        (tmp / "a").mkdir()
        after = measure(ROOT, tmp / "a", no_dawg=False)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    last = refs[-1]
    head = ("", *(f"before ({r})" for r in refs), "after", f"after/{last}", "target")
    table = [head]
    for label, key, fmt, target in ROWS:
        b, n = befores[-1][key], after[key]
        ratio = f"{n / b:.2f}x" if b else "-"
        table.append((label, *(fmt.format(x[key]) for x in befores), fmt.format(n), ratio,
                      f"<= {target}" if target is not None else ""))
    print_table(table)


if __name__ == "__main__":
    main()
