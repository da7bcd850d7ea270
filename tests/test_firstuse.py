"""Translation models on first use: a run with Russian or Ukrainian input and no model installs the
model it needs from the package index, before translating; offline (or told not to) it keeps the
clear message. The package index is an HTTP server on 127.0.0.1 started by the test, holding tiny
test-built packages (tests/argos_tiny.py)."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from argos_tiny import build_tiny_package
from conftest import free_port

from transnorm.config import load_config
from transnorm.translation.firstuse import ensure_models
from transnorm.translation.models import list_models

TRANSNORM = str(Path(sys.executable).parent / "transnorm")
RU = "Ночью враг атаковал Харьков и Харьковскую область."
UK = "Вночі ворог атакував Харків і Харківську область."


@pytest.fixture(scope="module")
def package_index(tmp_path_factory):
    """An Argos-style index.json and ru->en, uk->en packages served on 127.0.0.1; yields its URL."""
    served = tmp_path_factory.mktemp("index")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    index = []
    for code in ("ru", "uk"):
        pkg = build_tiny_package(tmp_path_factory.mktemp(f"pkg-{code}"), from_code=code)
        shutil.copy(pkg, served / f"{code}_en.argosmodel")
        index.append({"from_code": code, "to_code": "en", "from_name": code, "to_name": "English",
                      "package_version": "1.0", "argos_version": "1.0", "type": "translate",
                      "links": [f"{base}/{code}_en.argosmodel"]})
    (served / "index.json").write_text(json.dumps(index))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"{base}/index.json"
    server.shutdown()
    server.server_close()


def config(tmp_path: Path, index_url: str, **translate) -> Path:
    cfg = tmp_path / "c.yaml"
    lines = [f"state_dir: {tmp_path / 'state'}", "translate:", f"  models_dir: {tmp_path / 'models'}",
             f"  package_index: {index_url}"] + [f"  {k}: {json.dumps(v)}" for k, v in translate.items()]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def test_installs_only_the_languages_the_input_has_with_progress(package_index, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ru.txt").write_text(RU, encoding="utf-8")
    (tmp_path / "in" / "en.txt").write_text("Shelling in Kharkov.", encoding="utf-8")
    cfg = load_config(config(tmp_path, package_index))
    seen: list[tuple[str, int, int | None]] = []

    def progress(name):
        return lambda done, total=None: seen.append((name, done, total))

    got = ensure_models([str(tmp_path / "in")], cfg, progress=progress)
    assert got.needed == ["ru"] and [m.model_id for m in got.installed] == ["translate-ru_en@1.0"]
    assert [(m.from_code, m.to_code) for m in list_models(tmp_path / "models")] == [("ru", "en")]
    assert seen and seen[-1][0] == "downloading the ru->en model" and seen[-1][1] == seen[-1][2] > 0
    assert ensure_models([str(tmp_path / "in")], cfg).needed == []  # installed: nothing more to do


def test_offline_or_auto_install_off_installs_nothing(package_index, tmp_path):
    (tmp_path / "ru.txt").write_text(RU, encoding="utf-8")
    cfg = load_config(config(tmp_path, package_index))
    assert ensure_models([str(tmp_path / "ru.txt")], cfg, offline=True).installed == []
    cfg = load_config(config(tmp_path, package_index, auto_install=False))
    assert ensure_models([str(tmp_path / "ru.txt")], cfg).installed == []
    assert list_models(tmp_path / "models") == []


def test_an_unreachable_index_is_reported_not_raised(tmp_path, caplog):
    (tmp_path / "uk.txt").write_text(UK, encoding="utf-8")
    cfg = load_config(config(tmp_path, f"http://127.0.0.1:{free_port()}/index.json"))
    with caplog.at_level("DEBUG"):
        got = ensure_models([str(tmp_path / "uk.txt")], cfg)
    assert got.needed == ["uk"] and got.installed == []
    assert "offline" in got.failed["uk"] and "transnorm models install PATH.argosmodel" in got.failed["uk"]
    # our message is the one the user reads: no raw ERROR line of argostranslate's beside it
    assert not [r for r in caplog.records if r.name.startswith("argostranslate") and r.levelname == "ERROR"]


@pytest.mark.slow
@pytest.mark.flow
def test_transnorm_run_installs_the_model_then_translates(package_index, prefect_server, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ru.txt").write_text(RU, encoding="utf-8")
    (tmp_path / "in" / "uk.txt").write_text(UK, encoding="utf-8")
    env = {k: v for k, v in prefect_server.items() if k != "TRANSNORM_MODELS_DIR"}

    def run(*extra: str) -> dict:
        out = tmp_path / f"out{len(list(tmp_path.glob('out*')))}"
        res = subprocess.run([TRANSNORM, "run", str(tmp_path / "in"), "--out", str(out), "--config",
                              str(config(tmp_path, package_index)), *extra], env=env, capture_output=True,
                             text=True, timeout=300)
        assert res.returncode == 0, res.stderr
        return {json.loads(ln)["id"]: json.loads(ln) for ln in (out / "records.jsonl").read_text().splitlines()}

    # Offline first: no download, today's message, no English.
    offline = run("--offline")
    assert list_models(tmp_path / "models") == []
    for rec in offline.values():
        assert rec["text_en"] is None
        assert any(f"transnorm models install {rec['lang']} en" in w for w in rec["warnings"]), rec["warnings"]
    # Online: both models are installed before translating, and every record has English.
    online = run()
    assert sorted(m.model_id for m in list_models(tmp_path / "models")) == ["translate-ru_en@1.0",
                                                                            "translate-uk_en@1.0"]
    for lang in ("ru", "uk"):
        assert online[lang]["text_en"] and online[lang]["provenance"]["translation_model"] == f"translate-{lang}_en@1.0"
