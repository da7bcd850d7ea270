"""Model management: install, list, remove, refuse bad packages, explain what to do offline."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socket
import threading
import zipfile
from pathlib import Path

import pytest
from argos_tiny import build_tiny_package

from transnorm.config import TranslateConfig
from transnorm.translation import models
from transnorm.translation.models import (
    ModelError,
    install_from_index,
    install_from_path,
    list_models,
    remove,
)
from transnorm.translation.translate import Translator


def test_install_from_file_then_list_and_translate(tiny_argosmodel, tmp_path):
    md = tmp_path / "models"
    info = install_from_path(tiny_argosmodel, md)
    listed = list_models(md)
    assert [(m.from_code, m.to_code, m.package_version) for m in listed] == [("ru", "en", "1.0")]
    assert listed[0].model_id == info.model_id == "translate-ru_en@1.0"
    assert (listed[0].path / "model" / "model.bin").is_file()
    tr = Translator(TranslateConfig(models_dir=md))
    assert tr.available("ru") and not tr.available("uk")
    assert tr.translate_documents(["Взрыв в Харькове."], "ru")[0].text_en.strip()


def test_install_unpacked_folder(tiny_argosmodel, tmp_path):
    with zipfile.ZipFile(tiny_argosmodel) as zf:
        zf.extractall(tmp_path / "unpacked")
    folder = next((tmp_path / "unpacked").iterdir())
    install_from_path(folder, tmp_path / "models")
    assert [m.name for m in list_models(tmp_path / "models")] == ["translate-ru_en"]
    assert folder.is_dir()  # the user's folder is copied, not moved


def test_reinstall_replaces_the_pair(tiny_argosmodel, tmp_path):
    md = tmp_path / "models"
    install_from_path(tiny_argosmodel, md)
    newer = build_tiny_package(tmp_path / "v2", package_version="2.0")
    install_from_path(newer, md)
    assert [m.package_version for m in list_models(md)] == ["2.0"]
    assert Translator(TranslateConfig(models_dir=md)).model_id("ru") == "translate-ru_en@2.0"


def test_remove(tiny_argosmodel, tmp_path):
    md = tmp_path / "models"
    install_from_path(tiny_argosmodel, md)
    gone = remove("ru", "en", md)
    assert [m.name for m in gone] == ["translate-ru_en"]
    assert list_models(md) == []
    assert not Translator(TranslateConfig(models_dir=md)).available("ru")
    with pytest.raises(ModelError, match="no ru->en model installed"):
        remove("ru", "en", md)


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_not_a_zip_is_refused(tmp_path):
    bad = tmp_path / "bad.argosmodel"
    bad.write_text("this is not a zip")
    with pytest.raises(ModelError, match="not a valid .argosmodel"):
        install_from_path(bad, tmp_path / "models")
    assert list_models(tmp_path / "models") == []


def test_zip_without_metadata_is_refused(tmp_path):
    bad = _zip(tmp_path / "nometa.argosmodel", {"pkg/model/model.bin": b"x", "pkg/sentencepiece.model": b"x"})
    with pytest.raises(ModelError, match="metadata.json"):
        install_from_path(bad, tmp_path / "models")
    assert not any(p for p in (tmp_path / "models").iterdir())  # nothing left behind


def test_zip_without_model_is_refused(tmp_path):
    meta = json.dumps({"from_code": "ru", "to_code": "en", "type": "translate"}).encode()
    bad = _zip(tmp_path / "nomodel.argosmodel", {"pkg/metadata.json": meta, "pkg/sentencepiece.model": b"x"})
    with pytest.raises(ModelError, match=r"model/model\.bin"):
        install_from_path(bad, tmp_path / "models")
    assert list_models(tmp_path / "models") == []


def test_metadata_without_language_codes_is_refused(tmp_path):
    bad = _zip(tmp_path / "nocodes.argosmodel", {"pkg/metadata.json": b'{"type": "translate"}'})
    with pytest.raises(ModelError, match="missing from_code, to_code"):
        install_from_path(bad, tmp_path / "models")


def test_zip_slip_is_refused(tmp_path):
    bad = _zip(tmp_path / "evil.argosmodel", {"../../evil.txt": b"x"})
    with pytest.raises(ModelError, match="unsafe path"):
        install_from_path(bad, tmp_path / "a" / "models")
    assert not (tmp_path / "evil.txt").exists()


def test_default_models_dir_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("TRANSNORM_MODELS_DIR", str(tmp_path / "m"))
    assert models.default_models_dir() == tmp_path / "m"
    assert Translator().models_dir == tmp_path / "m"


def test_install_from_index_offline_explains_what_to_do(monkeypatch, tmp_path):
    """No network: the user is told to fetch the .argosmodel elsewhere and install the file."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    def blocked(*args, **kwargs):
        raise OSError("network blocked by test")

    monkeypatch.setattr(socket.socket, "connect", blocked)
    monkeypatch.setattr(socket, "getaddrinfo", blocked)
    with pytest.raises(ModelError) as err:
        install_from_index("ru", "en", tmp_path / "models")
    msg = str(err.value)
    assert "offline" in msg and "transnorm models install PATH.argosmodel" in msg
    assert list_models(tmp_path / "models") == []
    assert not (tmp_path / "home").exists()  # argostranslate's folders went beside models_dir, not $HOME


def test_install_from_index_downloads_and_installs(tiny_argosmodel, tmp_path):
    """The online path end to end, against a local HTTP server playing the Argos index."""
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(tiny_argosmodel, served / "ru_en.argosmodel")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        index = [
            {"from_code": "ru", "to_code": "en", "from_name": "Russian", "to_name": "English",
             "package_version": "1.0", "argos_version": "1.0", "type": "translate",
             "links": [f"{base}/ru_en.argosmodel"]},
        ]
        (served / "index.json").write_text(json.dumps(index))
        md = tmp_path / "models"
        info = install_from_index("ru", "en", md, index_url=f"{base}/index.json")
        assert info.model_id == "translate-ru_en@1.0"
        assert [m.name for m in list_models(md)] == ["translate-ru_en"]
        with pytest.raises(ModelError, match="no uk->en model"):
            install_from_index("uk", "en", md, index_url=f"{base}/index.json")
    finally:
        server.shutdown()
        server.server_close()
