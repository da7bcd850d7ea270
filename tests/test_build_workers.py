"""The cold index build in worker processes: the index is the one a single process builds, a
failing entry is named with its file, a dead worker is an error (not a hang), and a script that
builds at import time does not run again in the workers. Also the pieces made leaner for it:
frequent words read without wordfreq's caches, YAML read by libyaml."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from transnorm.gazetteer import build as B
from transnorm.gazetteer import store as S
from transnorm.gazetteer import workers as W
from transnorm.gazetteer.entries import Entry
from transnorm.gazetteer.layers import LayerSpec
from transnorm.gazetteer.lexicon import Lexicon
from transnorm.text.fold import fold_words

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "geonames"
SMALL = LayerSpec(generated=True, geonames_countries=(), others_min_population=None, pycountry_countries=())
PLACES = """entries:
- {id: ua-oblast-kharkiv, type: place, kind: oblast, canonical: Kharkiv Oblast, country: UA, note: UA-63,
   aliases: {uk: [Харківська область], ru: [Харьковская область]}}
- {id: ua-city-kharkiv, type: place, kind: city, canonical: Kharkiv, country: UA, parent: ua-oblast-kharkiv,
   geonames_id: 706483, aliases: {en: [Kharkov], ru: [Харьков], uk: [Харків]}}
- {id: person-ivan-sirko, type: person, kind: person, canonical: Ivan Sirko, short: Sirko,
   aliases: {uk: [Іван Сірко], ru: [Иван Сирко]}}
"""


@pytest.fixture
def gaz(tmp_path) -> Path:
    from transnorm.gazetteer.sources.dump import from_geonames_dump
    from transnorm.gazetteer.sources.layerfile import write_layer

    folder = tmp_path / "gaz"
    folder.mkdir()
    (folder / "places.yaml").write_text(PLACES, encoding="utf-8")
    (folder / "lexicon.yaml").write_text("stopwords: [President]\n", encoding="utf-8")
    write_layer(from_geonames_dump(DATA / "UA.txt", DATA / "alternateNamesV2.txt", DATA / "admin1CodesASCII.txt"),
                folder / "generated" / "geonames-UA.jsonl.gz")
    return folder


def contents(idx) -> dict:
    """Everything a lookup can see (order within a block or an entry's Latin keys follows set
    order, which changes with the hash seed, so those compare as sets)."""
    return {
        "keys": {k: [(r.entry, r.tag, r.lang, r.short, r.upper) for r in idx.lookup(k)] for k in idx.keys},
        "entries": [repr(e) for e in idx.entries],
        "ids": dict(idx.by_id.items()),
        "blocks": {b: sorted(idx.blocks[b]) for b in idx.blocks},
        "latin": [sorted(idx.latin_keys(i)) for i in range(len(idx.entries))],
        "stop": sorted(idx.stop), "cue": sorted(idx.cue_only), "max_tokens": idx.max_tokens,
    }


def test_workers_build_the_index_one_process_builds(gaz, tmp_path, monkeypatch):
    monkeypatch.setattr(B, "SLICE", 7)  # many slices: they must be combined in order
    monkeypatch.setenv(W.WORKERS_ENV, "1")
    serial = S.load_or_build(gaz, tmp_path / "one", layers=SMALL, shared=None)
    monkeypatch.setenv(W.WORKERS_ENV, "2")
    parallel = S.load_or_build(gaz, tmp_path / "two", layers=SMALL, shared=None)
    assert len(serial.entries) > 3 * 7 and serial.lookup(fold_words("Kharkov"))
    assert contents(parallel) == contents(serial)


def test_a_failing_entry_is_named_with_its_file():
    lex = Lexicon()
    good = Entry(id="ua-city-kharkiv", type="place", kind="city", canonical="Kharkiv", origin="places.yaml:2")
    bad = Entry(id="ua-city-broken", type="place", kind="city", canonical="Broken", aliases={"en": [None]},
                origin="gazetteers/places.yaml:7")
    with W.BuildPool(2) as pool, pytest.raises(W.BuildError, match=r"ua-city-broken.*places\.yaml:7.*TypeError"):
        B.compile_slices([good, bad], lex, "compiling", B.no_progress, pool=pool)


def test_a_dead_worker_is_an_error_not_a_hang():
    with W.BuildPool(2) as pool, pytest.raises(W.BuildError, match="worker process died while testing"):
        W.result(pool.submit(os._exit, 3), "testing")


def test_workers_do_not_run_the_main_script_again(gaz, tmp_path):
    script = tmp_path / "build_at_import.py"  # no `if __name__ == "__main__"` guard, on purpose
    script.write_text(textwrap.dedent(f"""
        from pathlib import Path
        from transnorm.gazetteer.layers import LayerSpec
        from transnorm.gazetteer.store import load_or_build
        print("script ran", flush=True)
        spec = LayerSpec(generated=True, geonames_countries=(), others_min_population=None, pycountry_countries=())
        idx = load_or_build(Path({str(gaz)!r}), Path({str(tmp_path / 'cache')!r}), layers=spec, shared=None)
        print("keys", idx.size > 0, flush=True)
    """), encoding="utf-8")
    env = {**os.environ, W.WORKERS_ENV: "2", "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.count("script ran") == 1 and "keys True" in out.stdout


def test_frequent_words_are_the_ones_the_frequency_dict_gives():
    from wordfreq import get_frequency_dict

    from transnorm.gazetteer.stoplayer import frequent_words
    from transnorm.text.fold import fold_words

    threshold = 10 ** (3.0 - 9)
    expected = {k for w, f in get_frequency_dict("uk").items() if f >= threshold
                if (k := fold_words(w)) and " " not in k}
    assert frequent_words(("uk",), 3.0) == expected


def test_yaml_reads_the_same_through_libyaml_and_refuses_anchors(tmp_path):
    import yaml

    from transnorm.yamlio import YamlFileError, _LineLoader, load_yaml

    text = "entries:\n  - {id: x, canonical: \"AT&T Tower\", aliases: {en: [No, On]}}  # a comment: * &\n" \
           "  - id: y\n    canonical: Norway\n    short: NO\n"
    path = tmp_path / "x.yaml"
    for body in (text, text.replace("AT&T", "ATT")):  # with `&` it is read by _LineLoader, else by libyaml
        path.write_text(body, encoding="utf-8")
        assert load_yaml(path) == yaml.load(body, Loader=_LineLoader)  # noqa: S506 - a SafeLoader
    assert load_yaml(path)["entries"][1] == {"id": "y", "canonical": "Norway", "short": "NO", "__line__": 3}
    path.write_text("a: &x [1]\nb: *x\n", encoding="utf-8")
    with pytest.raises(YamlFileError, match="anchors and aliases are not allowed"):
        load_yaml(path)
