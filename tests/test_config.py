"""Config: the documented defaults are the real ones, and bad files stop with the key named."""

from pathlib import Path

import pytest

from transnorm.config import Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]


def test_default_yaml_documents_the_builtin_defaults():
    assert load_config(ROOT / "config" / "default.yaml") == Config()


def test_relative_paths_resolve_against_the_config_file(tmp_path):
    (tmp_path / "c.yaml").write_text("gazetteer:\n  dir: gaz\n", encoding="utf-8")
    assert load_config(tmp_path / "c.yaml").gazetteer.dir == tmp_path / "gaz"


@pytest.mark.parametrize("body,key", [
    ("match:\n  t_autoo: 0.9\n", "match.t_autoo"),
    ("match:\n  t_auto: high\n", "match.t_auto"),
    ("batch_size: 0\n", "batch_size"),
    ("colour: blue\n", "colour"),
])
def test_bad_key_or_type_names_the_key(tmp_path, body, key):
    p = tmp_path / "c.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"key '{key}'"):
        load_config(p)


def test_malformed_yaml_names_file_and_line(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("match:\n  t_auto: [0.9\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.yaml:\d+: invalid YAML"):
        load_config(p)


def test_python_tags_are_refused(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("batch_size: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(p)
