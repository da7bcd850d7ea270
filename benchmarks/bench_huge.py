"""Huge inputs: peak memory and throughput for a big JSONL corpus and one big document.

    python benchmarks/bench_huge.py                       # 1 GB JSONL and a 50 MB document
    python benchmarks/bench_huge.py --jsonl-size 20M --doc-size 5M
    python benchmarks/bench_huge.py --only doc --doc-size 50M --reports
    python benchmarks/bench_huge.py --only cli --jsonl-size 1G --config c.yaml   # `transnorm run` itself
    python benchmarks/bench_huge.py --only cli-doc --doc-size 50M   # one document: first run, reuse; before/after

Inputs are generated in a temporary folder (`--tmp`) from the paragraphs in samples/
(English articles and wires, Russian and Ukrainian Telegram posts), so the corpus has the
name density and language mix of the bundled samples. Each scenario runs in its own child
process, which streams ingest -> pipeline.process_batch (in batches of `--batch-size`) ->
output.RunWriter.write, exactly what a flow task and the writer do, without Prefect. The
child warms up first (gazetteer index, lingua models, pymorphy dictionaries) and reports:

* baseline RSS after warm-up and peak RSS (ru_maxrss) during the run, and their difference;
* the peak reached after the first quarter of the input (a streaming run plateaus: the
  growth over the last three quarters is small however big the input);
* throughput: input MB/s and documents/s; progress lines go to stderr as it runs.

`--only cli` runs the real command instead, `transnorm run corpus.jsonl --out ... --config ...`
(Prefect flow, ledger, task runner from the config, e.g. `runner: {task_runner: processes}`),
and samples the resident memory of its whole process tree every 2 s from /proc: it reports
the largest single process and the tree's total, overall and after the first quarter of the
records were written.

`--only cli-doc` runs `transnorm run doc.txt` on one generated document (`make_document`; with
`--english`, English paragraphs only), twice with one state folder (the first run processes it,
the second reuses its stored record), each with its own temporary Prefect server, `ingest.max_document_chars` set from
`--max-document-chars`; for the commit `--baseline` (default 5808d7d, checked out in a temporary
git worktree and run with its own `src/` first on PYTHONPATH) and for this checkout, the index
built beforehand. It reports the peak RSS of the whole process tree (sampled every 0.2 s) and of
the CLI process (its exact ru_maxrss from wait4), wall and CPU time, and records.jsonl's size.

`--reports` also closes the writer, which writes report.md, report.html and review.csv
(reported as a separate phase: report.html embeds every document, so its cost grows with
the corpus). No translation model is used unless `--models-dir` names a folder with some
(`text_en` is then produced for ru/uk); by default an empty folder, so numbers do not
depend on what is installed on the machine.
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
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parse_size(s: str) -> int:
    s = s.strip().upper().removesuffix("B")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:], 1)
    return int(float(s[:-1] if s[-1:] in "KMG" else s) * mult)


def rss_mb() -> float:
    """Current resident set size (Linux /proc; falls back to the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_mb()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ----------------------------------------------------------------------------- input

def paragraphs() -> list[str]:
    """Every paragraph of the bundled samples (en, ru, uk), the building blocks of the corpus."""
    out = []
    for p in sorted((ROOT / "samples" / "articles").glob("*")):
        out += [x.strip() for x in p.read_text(encoding="utf-8").split("\n\n") if x.strip()]
    for line in (ROOT / "samples" / "telegram.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line)["text"])
    import csv

    with (ROOT / "samples" / "wires.csv").open(encoding="utf-8", newline="") as fh:
        out += [row["text"] for row in csv.DictReader(fh)]
    return out


FIRST = ["Ivan", "Olena", "Serhiy", "Natalia", "Mykola", "Iryna", "Dmitry", "Oksana", "Andriy", "Svetlana"]
SYLLABLES = ["ko", "va", "len", "dor", "shen", "mar", "tyn", "bur", "zel", "pol", "rad", "vich", "gor", "lyk",
             "sten", "hrab", "nov", "char", "dub", "myr"]


def unknown_sentence(rng: random.Random) -> str:
    """A sentence with a person and a place no gazetteer has: real news is full of them, and they
    are what fills the review queue (about 8,000 surnames and 8,000 village names in play)."""
    surname = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + rng.choice(["enko", "uk", "ov", "ych"])
    village = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + rng.choice(["ivka", "ove", "ne"])
    return f"{rng.choice(FIRST)} {surname}, head of the {village} community, said the shelling had stopped."


def make_jsonl(path: Path, size: int, seed: int = 1) -> int:
    """About `size` bytes of JSONL, documents of 1-6 sample paragraphs, half of them with a sentence
    naming an unknown person and village; returns the count."""
    rng, paras, n, written = random.Random(seed), paragraphs(), 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while written < size:
            n += 1
            parts = [rng.choice(paras) for _ in range(rng.randint(1, 6))]
            if rng.random() < 0.5:
                parts.append(unknown_sentence(rng))
            text = "\n\n".join(parts)
            line = json.dumps({"id": f"doc-{n}", "text": text, "channel": f"ch-{n % 17}"}, ensure_ascii=False)
            fh.write(line + "\n")
            written += len(line.encode("utf-8")) + 1
    return n


def make_document(path: Path, size: int, seed: int = 2, english: bool = False) -> None:
    """One text file of about `size` bytes: mostly English paragraphs, some ru/uk ones (`english`: none)."""
    rng, paras = random.Random(seed), paragraphs()
    if english:
        paras = [p for p in paras if not any("\u0400" <= c <= "\u04ff" for c in p)]
    written = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < size:
            p = rng.choice(paras) + "\n\n"
            fh.write(p)
            written += len(p.encode("utf-8"))


# ----------------------------------------------------------------------------- child

def child(kind: str, path: Path, out: Path, batch_size: int, reports: bool, max_chars: int,
          config: Path | None = None) -> dict:
    from transnorm.config import load_config
    from transnorm.ingest import iter_inputs
    from transnorm.ops.output import RunWriter
    from transnorm.pipeline import process_batch
    from transnorm.records import Document

    cfg = load_config(config, {"state_dir": str(out / "state"), "batch_size": batch_size,
                               "ingest": {"max_document_chars": max_chars}})
    warm = "\n\n".join(paragraphs())
    process_batch([Document(id=f"warm-{i}", text=warm, source="warm") for i in range(3)]
                  + [Document(id=f"w-{i}", text=p, source="warm") for i, p in enumerate(paragraphs())], cfg)
    base = peak_mb()
    size = path.stat().st_size
    writer = RunWriter(out / "run", header={"gazetteer": "bench", "config": cfg.digest()})
    t0, cpu0 = time.perf_counter(), time.process_time()
    docs = errors = 0
    quarter_peak = None
    last_log = t0
    items = iter_inputs([path], cfg.ingest)
    read_bytes = 0
    while batch := list(islice(items, cfg.batch_size)):
        records = process_batch(batch, cfg)
        writer.write(records)
        docs += len(records)
        errors += sum(1 for r in records if r.errors)
        read_bytes += sum(len(d.text.encode("utf-8")) for d in batch if isinstance(d, Document))
        if quarter_peak is None and read_bytes >= size / 4:
            quarter_peak = peak_mb()
        now = time.perf_counter()
        if now - last_log > 30:
            last_log = now
            print(f"  {kind}: {read_bytes / 2**20:8.1f} MB of text, {docs} docs, {now - t0:7.0f} s, "
                  f"rss {rss_mb():.0f} MB, peak {peak_mb():.0f} MB", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak = peak_mb()
    result = {
        "scenario": kind, "input_bytes": size, "documents": docs, "error_rows": errors,
        "entities": writer.stats.mentions_by_status.total(), "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1), "mb_per_s": round(size / 2**20 / seconds, 3),
        "mb_per_cpu_s": round(size / 2**20 / cpu, 3), "docs_per_s": round(docs / seconds, 1),
        "rss_baseline_mb": round(base), "rss_peak_mb": round(peak), "growth_mb": round(peak - base),
        "growth_after_first_quarter_mb": round(peak - (quarter_peak or peak)),
    }
    if reports:
        t1 = time.perf_counter()
        writer.close()
        result["reports_seconds"] = round(time.perf_counter() - t1, 1)
        result["rss_peak_with_reports_mb"] = round(peak_mb())
    else:
        getattr(writer, "sync", lambda: writer._fh.flush())()
    return result


# ----------------------------------------------------------------------------- the real command

def tree_rss_mb(pid: int) -> tuple[float, float]:
    """(largest process, sum) of resident memory over `pid` and its descendants, from /proc."""
    page = os.sysconf("SC_PAGE_SIZE") / 2**20
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    sizes, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                sizes.append(int(fh.read().split()[1]) * page)
        except OSError:
            pass
        todo += children.get(p, [])
    return (max(sizes, default=0.0), sum(sizes))


def run_cli(path: Path, out: Path, args) -> dict:
    """`transnorm run` on the corpus, sampling the process tree's memory as it goes."""
    env = {**os.environ, "TRANSNORM_MODELS_DIR": str(args.models_dir or out / "no-models")}
    exe = Path(sys.executable).with_name("transnorm")
    cmd = [str(exe), "run", str(path), "--out", str(out / "run")]
    cmd += ["--config", str(args.config)] if args.config else []
    part = out / "run" / ".records.jsonl.part"
    samples = []  # (seconds, bytes of records written, largest process MB, tree MB)
    t0, cpu0 = time.perf_counter(), os.times()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    last_log = t0
    while proc.poll() is None:
        time.sleep(2)
        size = (
            part.stat().st_size
            if part.exists()
            else (out / "run" / "records.jsonl").stat().st_size
            if (out / "run" / "records.jsonl").exists()
            else 0
        )
        big, total = tree_rss_mb(proc.pid)
        now = time.perf_counter()
        samples.append((now - t0, size, big, total))
        if now - last_log > 60:
            last_log = now
            print(
                f"  cli: {size / 2**20:8.1f} MB of records, {now - t0:7.0f} s, largest process {big:.0f} MB, "
                f"tree {total:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"transnorm run failed (exit {proc.returncode})")
    cpu1 = os.times()
    final = (out / "run" / "records.jsonl").stat().st_size
    manifest = json.loads((out / "run" / "run.json").read_text(encoding="utf-8"))
    docs = manifest["processed"] + manifest["reused"]

    before = [s for s in samples if s[1] < final / 4] or samples[:1]
    peak_big, peak_tree = max(s[2] for s in samples), max(s[3] for s in samples)
    size = path.stat().st_size
    return {
        "scenario": f"transnorm run, {args.jsonl_size} JSONL",
        "input_bytes": size,
        "documents": docs,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu1.children_user + cpu1.children_system - cpu0.children_user - cpu0.children_system, 1),
        "mb_per_s": round(size / 2**20 / seconds, 3),
        "docs_per_s": round(docs / seconds, 1),
        "records_mb": round(final / 2**20),
        "rss_largest_process_peak_mb": round(peak_big),
        "rss_tree_peak_mb": round(peak_tree),
        "rss_tree_at_first_quarter_mb": round(max(s[3] for s in before)),
        "tree_growth_after_first_quarter_mb": round(peak_tree - max(s[3] for s in before)),
        "report_seconds": manifest.get("report_seconds"),
        "task_runner": manifest.get("task_runner"),
        "workers": manifest.get("workers"),
    }


def run_cli_document(tree: Path, doc: Path, work: Path, args) -> list[dict]:
    """`transnorm run` of the checkout at `tree` on one document, twice with one state folder: the first
    run processes it, the second reuses its stored record. Peak RSS of the whole process tree (sampled
    from /proc every 0.2 s) and of the CLI process itself (ru_maxrss, exact)."""
    work.mkdir(parents=True, exist_ok=True)
    cfg = work / "c.yaml"
    cfg.write_text(f"state_dir: {work / 'state'}\noutputs_dir: {work / 'outputs'}\n"
                   f"ingest:\n  max_document_chars: {args.max_document_chars}\n", encoding="utf-8")
    env = {**os.environ, "TRANSNORM_MODELS_DIR": str(args.models_dir or work / "no-models"),
           "PYTHONPATH": str(tree / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "PREFECT_HOME": str(work / "prefect"), "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)  # each run starts its temporary server, as a first-time user's does
    # The index first, so that neither run pays for (nor measures) a cold build of it
    subprocess.run([sys.executable, "-m", "transnorm.cli.main", "gazetteer", "build", "--config", str(cfg)], env=env,
                   cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    results = []
    for phase in ("first run", "reuse"):
        out = work / phase.replace(" ", "-")
        cmd = [sys.executable, "-m", "transnorm.cli.main", "run", str(doc), "--out", str(out), "--config", str(cfg)]
        t0 = time.perf_counter()
        with (work / f"{phase}.stderr").open("wb") as err:
            proc = subprocess.Popen(cmd, env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=err)
        peak_tree = peak_big = 0.0
        while True:  # wait4, not poll(): its rusage has the CLI process's exact peak (ru_maxrss)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            big, total = tree_rss_mb(proc.pid)
            peak_tree, peak_big = max(peak_tree, total), max(peak_big, big)
            time.sleep(0.2)
        if proc.returncode != 0:
            raise SystemExit(f"transnorm run ({tree}) failed: {(work / f'{phase}.stderr').read_text()[-2000:]}")
        manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
        results.append({
            "phase": phase, "seconds": round(time.perf_counter() - t0, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "processed": manifest["processed"], "reused": manifest["reused"],
            "records_mb": round((out / "records.jsonl").stat().st_size / 2**20, 1),
            "rss_tree_peak_mb": round(peak_tree), "rss_cli_peak_mb": round(max(usage.ru_maxrss / 1024, peak_big)),
        })
        print(f"  {tree.name}: {phase}: {results[-1]}", file=sys.stderr, flush=True)
    return results


def cli_document(args) -> None:
    """The `cli-doc` scenario: one generated document through `transnorm run`, first run and reuse, for
    the baseline commit (a temporary git worktree) and this checkout."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from benchtools import baseline_tree, print_table

    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        tmp = Path(tmp)
        doc = tmp / "document.txt"
        make_document(doc, parse_size(args.doc_size), english=args.english)
        size = doc.stat().st_size
        kind = "English" if args.english else "mixed"
        print(f"generated a {size / 2**20:,.1f} MB {kind} document", file=sys.stderr, flush=True)
        got = {}
        if args.baseline != "none":
            with baseline_tree(args.baseline, tmp / "baseline") as tree:
                got["before"] = run_cli_document(tree, doc, tmp / "before", args)
        got["after"] = run_cli_document(ROOT, doc, tmp / "after", args)
    cols = list(got)
    rows = [["`transnorm run`, one " + f"{size / 2**20:,.0f} MB {kind} document"] +
            [f"{c} ({args.baseline})" if c == "before" else c for c in cols]]
    for i, phase in enumerate(("first run", "reuse")):
        rows.append([f"{phase}: process tree, peak RSS MB"] + [str(got[c][i]["rss_tree_peak_mb"]) for c in cols])
        rows.append([f"{phase}: the CLI process, peak RSS MB"] + [str(got[c][i]["rss_cli_peak_mb"]) for c in cols])
        rows.append([f"{phase}: wall s (CLI CPU s)"] +
                    [f"{got[c][i]['seconds']:.0f} ({got[c][i]['cpu_seconds']:.0f})" for c in cols])
    rec_mb = got["after"][0]["records_mb"]
    rows.append(["records.jsonl MB (x the document)"] +
                [f"{got[c][0]['records_mb']:,.1f} ({got[c][0]['records_mb'] * 2**20 / size:.1f}x)" for c in cols])
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; records {rec_mb} MB")
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")


def cli_table(r: dict) -> str:
    return "\n".join(
        [
            "| scenario | input | docs | wall time | throughput | task runner | largest process, peak | process tree, "
            "peak | tree at 1st quarter | growth after | reports |",
            "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
            f"| {r['scenario']} | {r['input_bytes'] / 2**20:,.0f} MB | {r['documents']:,} | {r['seconds']:,.0f} s | "
            f"{r['mb_per_s']:.2f} MB/s, {r['docs_per_s']:,.0f} docs/s | {r['task_runner']} x{r['workers']} | "
            f"{r['rss_largest_process_peak_mb']} MB | {r['rss_tree_peak_mb']} MB | "
            f"{r['rss_tree_at_first_quarter_mb']} MB"
            f" | {r['tree_growth_after_first_quarter_mb']} MB | {r['report_seconds']:.0f} s |",
        ]
    )


# ----------------------------------------------------------------------------- parent


def run_child(kind: str, path: Path, out: Path, args) -> dict:
    env = {
        **os.environ,
        "TRANSNORM_MODELS_DIR": str(args.models_dir or out / "no-models"),
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    cmd = (
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            str(path),
            str(out),
            "--batch-size",
            str(args.batch_size),
            "--max-document-chars",
            str(args.max_document_chars),
        ]
        + (["--reports"] if args.reports else [])
        + (["--config", str(args.config)] if args.config else [])
    )
    res = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise SystemExit(f"{kind} run failed (exit {res.returncode})")
    return json.loads(res.stdout.strip().splitlines()[-1])


def table(results: list[dict]) -> str:
    lines = [
        "| scenario | input | docs | wall time | CPU time | throughput (wall) | MB per CPU-s | RSS baseline "
        "| RSS peak | growth | growth after 1st quarter |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['scenario']} | {r['input_bytes'] / 2**20:,.1f} MB | {r['documents']:,} | {r['seconds']:,.0f} s"
            f" | {r['cpu_seconds']:,.0f} s | {r['mb_per_s']:.2f} MB/s, {r['docs_per_s']:,.0f} docs/s"
            f" | {r['mb_per_cpu_s']:.2f} | {r['rss_baseline_mb']} MB"
            f" | {r['rss_peak_mb']} MB | {r['growth_mb']} MB | {r['growth_after_first_quarter_mb']} MB |"
        )
        if "reports_seconds" in r:
            lines.append(
                f"| {r['scenario']} + reports | | | {r['reports_seconds']:,.0f} s | | | | | "
                f"{r['rss_peak_with_reports_mb']} MB | | |"
            )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jsonl-size", default="1G", help="size of the generated JSONL corpus (default 1G)")
    ap.add_argument("--doc-size", default="50M", help="size of the generated single document (default 50M)")
    ap.add_argument(
        "--only",
        choices=["jsonl", "doc", "both", "cli", "cli-doc"],
        default="both",
        help="cli: `transnorm run` on the JSONL corpus (whole process tree measured); cli-doc: `transnorm run` "
        "on the document, first run and reuse, before (--baseline) and after",
    )
    ap.add_argument("--baseline", default="5808d7d", help="cli-doc: the commit to compare with ('none': skip)")
    ap.add_argument("--english", action="store_true", help="cli-doc: an English-only document (text_en and "
                    "its names too: about twice the record of the default mix, whose ru/uk paragraphs get no "
                    "English without a model)")
    ap.add_argument("--batch-size", type=int, default=200)
    ap.add_argument(
        "--max-document-chars",
        type=int,
        default=100_000_000,
        help="ingest.max_document_chars for the run (the default config's 5,000,000 would "
        "turn the 50 MB document into an error row)",
    )
    ap.add_argument("--reports", action="store_true", help="also write report.md/.html and review.csv")
    ap.add_argument("--models-dir", type=Path, help="translation models to use (default: none)")
    ap.add_argument(
        "--config",
        type=Path,
        help="a transnorm config (e.g. a frozen copy of the gazetteer "
        "folder: a gazetteer edited during the run loads a new index)",
    )
    ap.add_argument("--tmp", type=Path, help="where to generate inputs and outputs (default: a temp folder)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--child", nargs=3, metavar=("KIND", "INPUT", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, path, out = args.child
        print(
            json.dumps(
                child(kind, Path(path), Path(out), args.batch_size, args.reports, args.max_document_chars, args.config)
            )
        )
        return
    if args.only == "cli-doc":
        cli_document(args)
        return
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        tmp = Path(tmp)
        results = []
        if args.only == "cli":
            path = tmp / "corpus.jsonl"
            n = make_jsonl(path, parse_size(args.jsonl_size))
            print(
                f"generated {path.stat().st_size / 2**20:,.0f} MB JSONL, {n:,} documents", file=sys.stderr, flush=True
            )
            result = run_cli(path, tmp, args)
            print(cli_table(result))
            if args.json:
                args.json.write_text(json.dumps([result], indent=2) + "\n", encoding="utf-8")
            return
        if args.only in ("jsonl", "both"):
            size = parse_size(args.jsonl_size)
            path = tmp / "corpus.jsonl"
            t = time.perf_counter()
            n = make_jsonl(path, size)
            print(
                f"generated {path.stat().st_size / 2**20:,.0f} MB JSONL, {n:,} documents "
                f"({time.perf_counter() - t:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
            (tmp / "jsonl-out").mkdir()
            results.append(run_child(f"JSONL {args.jsonl_size}", path, tmp / "jsonl-out", args))
            path.unlink()
        if args.only in ("doc", "both"):
            path = tmp / "document.txt"
            make_document(path, parse_size(args.doc_size))
            print(f"generated a {path.stat().st_size / 2**20:,.0f} MB document", file=sys.stderr, flush=True)
            (tmp / "doc-out").mkdir()
            results.append(run_child(f"document {args.doc_size}", path, tmp / "doc-out", args))
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
