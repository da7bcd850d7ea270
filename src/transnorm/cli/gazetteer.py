"""`transnorm gazetteer ...`: build, check, look up and count the compiled gazetteer, and import
GeoNames dump files as a generated layer. Thin: the work is in index.py, gazetteer.py and
sources.py."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import List, Optional

import typer

from transnorm.cli.common import ConfigOpt, err, fail

gazetteer_app = typer.Typer(no_args_is_help=True,
                            help="The gazetteer: build the index, check the YAML, look names up, count entries, "
                                 "import GeoNames dumps.")




def _config(config: Optional[Path]):
    from transnorm.config import ConfigError, load_config

    try:
        return load_config(config)
    except ConfigError as exc:
        fail(str(exc))


def _spec(cfg):
    from transnorm.gazetteer.layers import LayerSpec

    return LayerSpec.from_config(cfg.gazetteer)


class _Bar:
    """build.Progress drawn as a rich progress bar, one task per phase."""

    def __init__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=err, transient=False)
        self.tasks: dict[str, int] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase not in self.tasks:
            if not self.tasks:
                err.print("building the gazetteer index (first run or gazetteer changed)", highlight=False)
                self.bar.start()
            self.tasks[phase] = self.bar.add_task(phase, total=max(total, 1))
        self.bar.update(self.tasks[phase], completed=done, total=max(total, 1))

    def stop(self) -> None:
        if self.tasks:
            self.bar.stop()


def _index(cfg, quiet: bool = False, force: bool = False):
    """The compiled index (built on first use, with a progress bar), how long getting it took,
    and whether it was already built."""
    from transnorm.gazetteer.schema import GazetteerError
    from transnorm.gazetteer.store import build_needed, load_or_build

    folder, cache_dir, spec = cfg.gazetteer.dir, cfg.state_dir / "index", _spec(cfg)
    bar = None if quiet else _Bar()
    try:
        cached = not force and not build_needed(folder, cache_dir, spec)
        t = time.perf_counter()
        try:
            index = load_or_build(folder, cache_dir, layers=spec, progress=bar, force=force)
        finally:
            if bar is not None:
                bar.stop()
        return index, time.perf_counter() - t, cached
    except GazetteerError as exc:
        fail(str(exc))


@gazetteer_app.command("build")
def build(config: Optional[Path] = ConfigOpt,
          force: bool = typer.Option(False, "--force",
                                     help="rebuild every layer even when the cache is current")) -> None:
    """Compile the index (only the layers whose inputs changed) and print counts and times."""
    cfg = _config(config)
    index, took, cached = _index(cfg, force=force)
    by_source = Counter(e.source for e in index.entries)
    typer.echo(f"index {index.digest}: {sum(by_source.values()):,} entries, {index.size:,} keys "
               f"({', '.join(f'{k} {v:,}' for k, v in by_source.most_common())})")
    absorbed = index.info.get("absorbed") or {}
    if absorbed:
        typer.echo("merged: " + ", ".join(f"{k} {v:,}" for k, v in absorbed.items()))
    where = index.info.get("store", "")
    if cached:
        typer.echo(f"up to date: loaded in {took:.2f} s from {where}")
    else:
        typer.echo(f"built in {took:.1f} s (generated layers {index.info.get('base_seconds', 0):.1f} s, "
                   f"curated {index.info.get('curated_seconds', 0):.1f} s); cached in {Path(where).parent}")
    from transnorm.gazetteer.adjectives import table_for
    from transnorm.linking.derived import warm_tables

    t = time.perf_counter()  # the tables stored beside the index: made now, so the first run does not wait
    warm_tables(index)
    table = table_for(index)
    if table is not None:
        typer.echo(f"adjective table: {len(table.places):,} place stems, {len(table.units):,} unit stems; "
                   f"name tables ({time.perf_counter() - t:.2f} s)")


@gazetteer_app.command("check")
def check(config: Optional[Path] = ConfigOpt,
          folder: Optional[Path] = typer.Argument(None, help="gazetteer folder (default: gazetteer.dir)"),
          notes: bool = typer.Option(True, "--notes/--no-notes", help="also show allowed ambiguities")) -> None:
    """Validate the YAML: unsafe YAML, unknown keys, missing fields, duplicate ids, unknown parents,
    names shared by two entries. Exit 1 when there are errors."""
    from transnorm.gazetteer.check import check_folder
    from transnorm.gazetteer.layers import layer_files

    cfg = _config(config)
    folder = folder or cfg.gazetteer.dir
    if not folder.is_dir():
        fail(f"no such gazetteer folder: {folder}")
    entries, problems = check_folder(folder, layer_files(folder, _spec(cfg)))
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        if p.severity == "error" or notes:
            typer.echo(str(p))
    typer.echo(f"{len(entries):,} entries checked: {len(errors)} error(s), {len(problems) - len(errors)} note(s)")
    if errors:
        raise typer.Exit(1)


def _matched_name(index, entry, key: str) -> str:
    """The written name of `entry` whose key (or generated spelling's key) is `key`."""
    from transnorm.gazetteer.compile import default_variants, variant_lang
    from transnorm.text.fold import fold_name

    names = list(entry.names())
    for written, _lang, tag in names:
        if fold_name(written) == key:
            return f"{tag} {written!r}"
    for written, lang, tag in names:
        for v in default_variants(written, variant_lang(entry, written, lang)):
            if fold_name(v) == key:
                return f"variant {v!r} of {tag} {written!r}"
    if entry.type == "person":
        for written, _lang, tag in names:
            if fold_name(written.rsplit(" ", 1)[-1]) == key:
                return f"surname of {written!r}"
    try:
        from transnorm.text.morph import name_keys

        for written, lang, tag in names:
            if key in name_keys(written, lang):
                return f"lemma key of {tag} {written!r}"
    except ImportError:  # pragma: no cover
        pass
    return "(generated form)"


@gazetteer_app.command("lookup")
def lookup(name: str = typer.Argument(..., help="a name as written in text, e.g. Kharkov, Харькове, Odessa"),
           lang: str = typer.Option("en", "--lang", help="language of the name: en, ru, uk"),
           config: Optional[Path] = ConfigOpt,
           limit: int = typer.Option(8, "--limit", help="candidates to show")) -> None:
    """Candidates for NAME with scores, how each was matched and the name it matched."""
    from rapidfuzz import fuzz, process

    from transnorm.linking.resolve import prior
    from transnorm.pipeline import link_segment
    from transnorm.text.fold import fold_name

    cfg = _config(config)
    index, _, _ = _index(cfg)
    text = name if name[:1].isupper() else name[:1].upper() + name[1:]
    ents = [e for e in link_segment(f"Shelling near {text}.", lang, index, cfg) if e.gazetteer_id] if lang == "en" \
        else [e for e in link_segment(text, lang, index, cfg) if e.gazetteer_id]
    for e in ents:
        typer.echo(f"linked {e.surface!r} -> {e.gazetteer_id} {e.canonical!r}: {e.status} {e.score:.2f} ({e.method})"
                   + (f"; {e.reason}" if e.reason else ""))
    if lang in ("ru", "uk"):
        from transnorm.linking.units_explain import explain

        explained = explain(text, index, lang)
        for line in explained:
            typer.echo(line)
        if explained and (any(e.method == "adjective" for e in ents) or not ents):
            return
    keys = [fold_name(name)]
    if lang in ("ru", "uk"):  # inflected forms: the lemma keys the matcher would try
        from itertools import product

        from transnorm.linking.keys import keys_fn
        from transnorm.text.fold import tokenize

        per_token = keys_fn(index, lang)(tokenize(name))
        keys += [" ".join(c) for c in list(product(*per_token))[:16] if " ".join(c) not in keys]
    key = keys[0]
    rows, seen = [], set()
    for k in keys:
        for r in index.lookup(k):
            e = index.entries[r.entry]
            if e.id not in seen:
                seen.add(e.id)
                how = "exact" if k == key else f"lemma {k!r}"
                rows.append((prior(e, r, cfg.match), e, r.tag, how, _matched_name(index, e, k)))
    if not rows:
        for k, s, _ in process.extract(key, index.blocks.get(key[:3], []), scorer=fuzz.ratio, limit=limit,
                                       score_cutoff=cfg.match.t_review * 100):
            for r in index.lookup(k):
                e = index.entries[r.entry]
                rows.append((s / 100, e, r.tag, f"fuzzy {s:.0f}", _matched_name(index, e, k)))
    if not rows and not ents:
        typer.echo(f"no candidates for {name!r} (key {key!r})")
        raise typer.Exit(1)
    rows.sort(key=lambda x: -x[0])
    if rows:
        typer.echo(f"key {key!r}: {len(rows)} candidate(s)")
    for score, e, tag, how, matched in rows[:limit]:
        where = ", ".join(x for x in (e.kind, e.country, f"pop {e.population:,}" if e.population else "") if x)
        typer.echo(f"  {score:5.2f}  {e.id:28} {e.canonical!r} ({where}; {e.source}) via {how}: {matched}")


@gazetteer_app.command("stats")
def stats(config: Optional[Path] = ConfigOpt,
          top: int = typer.Option(15, "--top", help="countries and kinds to list")) -> None:
    """Counts of entries by source, type, country and kind (and of names and keys)."""
    cfg = _config(config)
    index, took, _ = _index(cfg)
    entries = list(index.entries)
    places = [e for e in entries if e.type == "place"]
    typer.echo(f"entries {len(entries):,}  keys {index.size:,}  (loaded in {took:.2f} s; digest {index.digest})")
    for title, counter in (
        ("by source", Counter(e.source for e in entries)),
        ("by type", Counter(e.type for e in entries)),
        ("places by country", Counter(e.country or "-" for e in places)),
        ("places by kind", Counter(e.kind for e in places)),
    ):
        items = counter.most_common(top)
        typer.echo(f"{title}: " + ", ".join(f"{k} {v:,}" for k, v in items)
                   + (f" (+{len(counter) - len(items)} more)" if len(counter) > len(items) else ""))
    for cc in ("UA", "RU"):
        mine = Counter(e.kind for e in places if e.country == cc)
        typer.echo(f"{cc} places {sum(mine.values()):,}: " + ", ".join(f"{k} {v:,}" for k, v in mine.most_common()))
    typer.echo(f"people {sum(1 for e in entries if e.type == 'person'):,}")
    _unit_stats(index, places)
    info = index.info
    if info.get("layers"):
        typer.echo("layers: " + ", ".join(f"{k} {v:,}" for k, v in info["layers"].items())
                   + f"; curated {info.get('curated', 0):,}")
    if info.get("absorbed"):
        typer.echo("merged into other entries: " + ", ".join(f"{k} {v:,}" for k, v in info["absorbed"].items()))


def _unit_stats(index, places) -> None:
    """Administrative units: the listed ones by kind, and the hromadas the adjective table can name."""
    from transnorm.gazetteer.adjectives import table_for
    from transnorm.gazetteer.entries import ADMIN_UNIT_KINDS

    units = Counter(e.kind for e in places if e.kind in ADMIN_UNIT_KINDS)
    typer.echo("admin units: " + ", ".join(f"{k} {units.get(k, 0):,}" for k in sorted(ADMIN_UNIT_KINDS)
                                           if k != "hromada"))
    table = table_for(index)
    if table is None:
        typer.echo("hromadas: no adjectives.yaml, none")
        return
    centres = {p for v in table.places.values() for p, rank in ((x >> 1, x & 1) for x in v)
               if rank == 0 and index.entries[p].country == "UA" and index.entries[p].kind in ("city", "town",
                                                                                             "village", "settlement")}
    typer.echo(f"hromadas: generated on demand from {len(centres):,} Ukrainian settlements' adjectives "
               f"(kind hromada, id hromada:<centre id>); adjective table {len(table.places):,} place stems, "
               f"{len(table.units):,} unit stems (built in {table.seconds:.2f} s)")


@gazetteer_app.command("import-geonames")
def import_geonames(
    main_file: Path = typer.Argument(..., help="GeoNames dump: UA.txt, RU.txt, allCountries.txt (or .zip)"),
    alternate_names: Optional[Path] = typer.Option(None, "--alternate-names",
                                                   help="alternateNamesV2.txt (or .zip): tagged names"),
    admin1: Optional[Path] = typer.Option(None, "--admin1", help="admin1CodesASCII.txt: parents of other countries"),
    countries: Optional[List[str]] = typer.Option(None, "--country", help="keep only these ISO codes (repeatable)"),
    min_population: int = typer.Option(0, "--min-population", help="populated places below this are skipped"),
    out: Optional[Path] = typer.Option(None, "--out", help="layer file (default: <gazetteer.dir>/generated/"
                                                           "geonames-<name>.jsonl.gz)"),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Import GeoNames dump files as a generated layer file (streamed; the index picks it up)."""
    from transnorm.gazetteer.schema import GazetteerError
    from transnorm.gazetteer.sources.dump import from_geonames_dump
    from transnorm.gazetteer.sources.layerfile import write_layer

    cfg = _config(config)
    for p in (main_file, alternate_names, admin1):
        if p is not None and not p.is_file():
            fail(f"no such file: {p}")
    stem = main_file.name.split(".")[0]
    target = out or cfg.gazetteer.dir / "generated" / f"geonames-{stem}.jsonl.gz"
    t = time.perf_counter()
    try:
        n = write_layer(from_geonames_dump(main_file, alternate_names, admin1, countries=countries or None,
                                           min_population=min_population), target)
    except (GazetteerError, OSError, ValueError) as exc:
        fail(f"{main_file}: {exc}")
    typer.echo(f"wrote {n:,} entries to {target} in {time.perf_counter() - t:.1f} s")
    if out is not None and out.parent.resolve() != (cfg.gazetteer.dir / "generated").resolve():
        typer.echo(f"add it to gazetteer.geonames_dump in your config to use it: {target}")
