"""The index store: layered builds equal one full build, an edit rebuilds only its layer, review
decisions need no rebuild, old builds are pruned, a damaged store is rebuilt, and two builders
at once share one result."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from transnorm.config import MatchConfig
from transnorm.gazetteer import store as S
from transnorm.gazetteer.layers import LayerSpec
from transnorm.linking.match import link
from transnorm.text.fold import fold_words

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "geonames"
SMALL = LayerSpec(generated=True, geonames_countries=(), others_min_population=None, pycountry_countries=())
CFG = MatchConfig()
KHARKOV = fold_words("Kharkov")

PLACES = """entries:
- {id: ua-oblast-kharkiv, type: place, kind: oblast, canonical: Kharkiv Oblast, country: UA, note: UA-63,
   aliases: {uk: [Харківська область], ru: [Харьковская область]}}
- {id: ua-city-kharkiv, type: place, kind: city, canonical: Kharkiv, country: UA, parent: ua-oblast-kharkiv,
   geonames_id: 706483, aliases: {en: [Kharkov], ru: [Харьков], uk: [Харків]}}
"""
PEOPLE = """entries:
- {id: person-ivan-sirko, type: person, kind: person, canonical: Ivan Sirko, short: Sirko,
   aliases: {uk: [Іван Сірко], ru: [Иван Сирко]}}
"""
LEXICON = "stopwords: [President]\n"


@pytest.fixture
def gaz(tmp_path) -> Path:
    from transnorm.gazetteer.sources.dump import from_geonames_dump
    from transnorm.gazetteer.sources.layerfile import write_layer

    folder = tmp_path / "gaz"
    folder.mkdir()
    (folder / "places.yaml").write_text(PLACES, encoding="utf-8")
    (folder / "people.yaml").write_text(PEOPLE, encoding="utf-8")
    (folder / "lexicon.yaml").write_text(LEXICON, encoding="utf-8")
    write_layer(from_geonames_dump(DATA / "UA.txt", DATA / "alternateNamesV2.txt", DATA / "admin1CodesASCII.txt"),
                folder / "generated" / "geonames-UA.jsonl.gz")
    return folder


class Phases(list):
    """A progress hook that records the phases a build went through."""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if done == 0:
            self.append(phase)


def build(gaz: Path, cache: Path, **kw):
    phases = Phases()
    return S.load_or_build(gaz, cache, layers=SMALL, shared=None, progress=phases, **kw), phases


def refs(idx, key: str) -> set:
    return {(idx.entries[r.entry].id, r.tag, r.lang, r.short, r.upper) for r in idx.lookup(key)}


def assert_same_index(full, layered) -> None:
    """Every lookup, id, entry, fuzzy block and rejected pair of the two indexes agree."""
    for key in set(full.keys) | set(layered.keys):
        assert refs(full, key) == refs(layered, key), key
    for gid in full.by_id:
        assert full.entries[full.by_id[gid]].id == layered.entries[layered.by_id[gid]].id, gid
    assert {e.id: vars(e) for e in full.entries} == {e.id: vars(e) for e in layered.entries}
    for block in set(full.blocks) | set(layered.blocks):
        got = {k for k in layered.blocks.get(block) or [] if layered.lookup(k)}
        assert {k for k in full.blocks.get(block) or [] if full.lookup(k)} == got, block
    assert full.rejected == layered.rejected and full.digest == layered.digest
    assert full.max_tokens == layered.max_tokens
    assert all(w in layered.words() for k in full.keys for w in k.split(" "))
    for e in full.entries:
        assert set(full.latin_keys(full.by_id[e.id])) == set(layered.latin_keys(layered.by_id[e.id])), e.id


OVERRIDES = """accept:
  - {surface: "Харкова-Сортувальна", lang: uk, gazetteer_id: ua-city-kharkiv}
  - {surface: "Kharkivv", lang: en, gazetteer_id: gn-706483}
reject:
  - {surface: "Kharkov", lang: en, gazetteer_id: ua-city-kharkiv}
entries:
  - {id: review-petro-bezruk, type: person, kind: person, canonical: "Petro Bezruk", short: Bezruk,
     aliases: {uk: ["Петро Безрук"]}, source: review}
  - {id: review-kharkiv-oblast, type: place, kind: oblast, canonical: "Kharkiv Region", country: UA,
     aliases: {uk: ["Харківщина"]}, source: review, note: UA-63}
"""


def test_layered_build_equals_one_full_build(gaz, tmp_path):
    layered, _ = build(gaz, tmp_path / "cache")
    assert layered.info["absorbed"] and layered.get("gn-706483").id == "ua-city-kharkiv"
    assert_same_index(S.build_index(gaz, layers=SMALL), layered)
    (gaz / "overrides.yaml").write_text(OVERRIDES.replace("review-kharkiv-oblast", "ua-oblast-kharkiv"),
                                        encoding="utf-8")
    over, _ = build(gaz, tmp_path / "cache")
    assert over.get("ua-oblast-kharkiv").canonical == "Kharkiv Region"  # an override entry replaces one
    assert_same_index(S.build_index(gaz, layers=SMALL), over)


def test_editing_one_yaml_file_rebuilds_only_the_curated_layer(gaz, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first, phases = build(gaz, cache)
    assert "compiling generated entries" in phases and "compiling curated entries" in phases
    parsed: list[str] = []
    real = S.load_entries
    monkeypatch.setattr(S, "load_entries", lambda p: parsed.append(p.name) or real(p))
    with (gaz / "people.yaml").open("a", encoding="utf-8") as fh:
        fh.write("- {id: person-petro-bezruk, type: person, kind: person, canonical: Petro Bezruk}\n")
    second, phases = build(gaz, cache)
    assert "compiling generated entries" not in phases and S.READING_LAYERS not in phases
    assert "compiling curated entries" in phases
    assert parsed == ["people.yaml"]  # places.yaml's parsed entries came from the cache
    assert second.digest != first.digest and second.get("person-petro-bezruk")
    assert_same_index(S.build_index(gaz, layers=SMALL), second)
    (gaz / "lexicon.yaml").write_text(LEXICON + "common_words: [Bezruky]\n", encoding="utf-8")
    _, phases = build(gaz, cache)
    assert "compiling generated entries" in phases  # the lexicon shapes generated keys: the base rebuilds
    assert S.READING_LAYERS not in phases  # ... from the cached layers


def test_review_decisions_take_effect_without_a_rebuild(gaz, tmp_path):
    cache = tmp_path / "cache"
    before, _ = build(gaz, cache)
    (gaz / "overrides.yaml").write_text(OVERRIDES, encoding="utf-8")
    after, phases = build(gaz, cache)
    assert phases == []  # nothing compiled: the decisions are laid over the stored layers
    assert after.digest != before.digest  # ... and still part of the provenance digest

    def linked(text, idx):
        return [(e.surface, e.gazetteer_id, e.method) for e in link(text, idx, CFG) if e.gazetteer_id]

    assert ("Kharkivv", "ua-city-kharkiv", "override") in linked("Shelling in Kharkivv today.", after)
    assert not [x for x in linked("Shelling in Kharkov today.", after) if x[1] == "ua-city-kharkiv"]
    assert [x for x in linked("Shelling in Kharkov today.", before) if x[1] == "ua-city-kharkiv"]
    assert ("Petro Bezruk", "review-petro-bezruk") in [x[:2] for x in linked("Petro Bezruk said so.", after)]
    assert after.get("review-kharkiv-oblast").canonical == "Kharkiv Region"
    assert refs(after, fold_words("Харкова-Сортувальна")) == {("ua-city-kharkiv", "override", "*", False, False)}
    assert_same_index(S.build_index(gaz, layers=SMALL), after)


def test_old_builds_are_pruned(gaz, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "index-0123456789abcdef.pickle").write_bytes(b"old format")
    stale = cache / ".tmp-curated-dead-1"
    stale.mkdir()
    os.utime(stale, (1, 1))
    for i in range(5):
        with (gaz / "people.yaml").open("a", encoding="utf-8") as fh:
            fh.write(f"- {{id: person-p{i}, type: person, kind: person, canonical: Person Number{i}}}\n")
        build(gaz, cache)
    names = [p.name for p in cache.iterdir()]
    assert sum(n.startswith("curated-") for n in names) == S.KEEP["curated-"]
    assert sum(n.startswith("base-") for n in names) == 1
    assert not any(n.startswith(("index-", ".tmp-", ".gone-")) for n in names)
    idx, phases = build(gaz, cache)
    assert phases == [] and idx.get("person-p4")  # the newest build was kept


@pytest.mark.parametrize("damage", ["truncate keys", "garbage meta", "missing entries", "garbage pickle"])
def test_a_damaged_store_is_rebuilt(gaz, tmp_path, damage):
    cache = tmp_path / "cache"
    first, _ = build(gaz, cache)
    digest, kharkov = first.digest, refs(first, KHARKOV)
    cur = S.cache_path(gaz, cache, SMALL)
    if damage == "truncate keys":
        with (cur / "keys.marisa").open("r+b") as fh:
            fh.truncate(100)
    elif damage == "garbage meta":
        (cur / "meta.json").write_text("{not json", encoding="utf-8")
    elif damage == "missing entries":
        (next(cache.glob("base-*")) / "entries.bin").unlink()
    else:
        for p in cache.glob("entries-*.pickle"):
            p.write_bytes(b"\x80\x05garbage")
        (cur / "meta.json").unlink()
    again, phases = build(gaz, cache)
    assert phases  # rebuilt, not crashed
    assert again.digest == digest and refs(again, KHARKOV) == kharkov != set()
    assert_same_index(S.build_index(gaz, layers=SMALL), again)


CHILD = """
import sys
from pathlib import Path
from transnorm.gazetteer.layers import LayerSpec
from transnorm.gazetteer.store import load_or_build
from transnorm.text.fold import fold_name
spec = LayerSpec(generated=True, geonames_countries=(), others_min_population=None, pycountry_countries=())
idx = load_or_build(Path(sys.argv[1]), Path(sys.argv[2]), layers=spec, shared=False)
print(idx.digest, len(idx.lookup(fold_name("Kharkov"))))
"""


def test_two_builders_at_once_share_one_store(gaz, tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "TRANSNORM_CACHE_DIR": "off"}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(gaz), str(cache)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outs]
    assert outs[0][0] == outs[1][0] and int(outs[0][0].split()[1]) > 0
    assert len(list(cache.glob("base-*"))) == 1 and len(list(cache.glob("curated-*"))) == 1
    assert not list(cache.glob(".tmp-*"))
    _, phases = build(gaz, cache)
    assert phases == []



def test_a_walk_over_every_entry_keeps_none_of_them_decoded(gaz, tmp_path):
    """The adjective table reads every entry once: a loaded index must not keep them all decoded
    afterwards (it did: 150 MB more in the first process after each build)."""
    build(gaz, tmp_path / "cache")
    idx, _ = build(gaz, tmp_path / "cache")  # loaded from the store, nothing built
    entries = idx.entries
    walked = [entries.peek(i).id for i in range(len(entries))]
    stored = entries.base
    assert type(stored).__name__ == "StoredEntries" and not stored._made and not entries._seen
    assert walked == [entries[i].id for i in range(len(entries))]  # what indexing reads, position by position
    assert stored._made and entries[0] is entries[0]  # indexing keeps what linking touches


def test_the_generated_layers_cache_key_covers_all_the_code_that_shapes_them():
    """A cached generated layer is reused while LAYER_MODULES' code is unchanged: every transnorm
    module the sources import (directly or not) must be among them, or a change to it (the
    cross-language reconstruction once) leaves stale canonical names in every later build."""
    import ast

    from transnorm.gazetteer.digests import LAYER_MODULES

    pkg = Path(S.__file__).resolve().parents[1]

    def covered(rel: str) -> bool:
        return any(rel == m or rel.startswith(m + "/") for m in LAYER_MODULES)

    todo = [p for p in (pkg / "gazetteer" / "sources").glob("*.py")] + [pkg / "gazetteer" / "entries.py"]
    seen: set[Path] = set()
    missing = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("transnorm."):
                parts = node.module.split(".")[1:]
                target = pkg.joinpath(*parts)
                target = target.with_suffix(".py") if target.with_suffix(".py").exists() else target / "__init__.py"
                rel = target.relative_to(pkg).as_posix()
                if rel.startswith("gazetteer/schema") or rel in ("yamlio.py", "paths.py", "__init__.py"):
                    continue  # reading files and where they are: no say in a generated entry's names
                if not covered(rel):
                    missing.add(rel)
                todo.append(target)
    assert not missing, f"not in LAYER_MODULES: {sorted(missing)}"


def test_tables_derived_from_the_index_are_stored_for_the_next_process(gaz, tmp_path, monkeypatch):
    """What the people files say about names and gender-guesser's first names cost a second to
    build: the first process stores them beside the index, the next one only loads them."""
    from transnorm.linking import derived

    cache = tmp_path / "cache"
    first, _ = build(gaz, cache)
    assert derived.people_names(first).surnames.get("sirko")
    assert "wojciech" in derived.guesser_first_names(first)
    stored = {p.name.split("-")[0] for p in Path(first.info["store"]).glob("*.pickle")}
    assert {"people", "guesser"} <= stored

    def not_again():
        raise AssertionError("made again although stored")

    monkeypatch.setattr(derived, "_people_names", lambda _index: not_again())
    monkeypatch.setattr(derived, "_guesser_first_names", not_again)
    second, _ = build(gaz, cache)  # a new index object, as in a new process
    assert second is not first
    assert derived.people_names(second) == derived.people_names(first)
    assert derived.is_first_name_key("wojciech", second, written="Wojciech")


def test_a_stored_table_follows_the_review_decisions_and_survives_damage(gaz, tmp_path):
    """overrides.yaml may add places: the adjective table of the index with them is another table
    ("Безруківський район" finds the accepted village), and a damaged stored table is made again."""
    from transnorm.gazetteer.adjectives import RULES_FILE, table_for

    (gaz / RULES_FILE).parent.mkdir(parents=True, exist_ok=True)
    (gaz / RULES_FILE).write_bytes((ROOT / "gazetteers" / RULES_FILE).read_bytes())
    cache = tmp_path / "cache"
    before, _ = build(gaz, cache)
    stem = fold_words("безруківськ")
    assert not table_for(before).place_refs(stem)
    village = """  - {id: review-bezrukivka, type: place, kind: village, country: UA,
     canonical: Bezrukivka, aliases: {uk: ["Безруківка"]}, source: review}
"""
    (gaz / "overrides.yaml").write_text(OVERRIDES + village, encoding="utf-8")
    after, _ = build(gaz, cache)
    assert table_for(after).place_refs(stem)
    tables = sorted(Path(after.info["store"]).glob("adjectives-*.pickle"))
    assert len(tables) == 2  # one per index: with and without the decisions
    for p in tables:
        p.write_bytes(b"not a pickle")
    again, _ = build(gaz, cache)
    assert table_for(again).place_refs(stem)
