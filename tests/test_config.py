"""Config: the documented defaults are the real ones, and bad files stop with file, line and key named."""

from pathlib import Path

import pytest
from casedata import table

from transnorm.config import Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]


def test_default_yaml_documents_the_builtin_defaults():
    assert load_config(ROOT / "config" / "default.yaml") == Config()


def test_relative_paths_resolve_against_the_config_file(tmp_path):
    (tmp_path / "c.yaml").write_text("gazetteer:\n  dir: gaz\n", encoding="utf-8")
    assert load_config(tmp_path / "c.yaml").gazetteer.dir == tmp_path / "gaz"


@pytest.mark.parametrize("body,line,key", table("config", "bad_key_or_type_names_file_line_and_key", "body,line,key"))
def test_bad_key_or_type_names_file_line_and_key(tmp_path, body, line, key):
    p = tmp_path / "c.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    msg = str(exc.value)
    assert msg.startswith(f"{p}:{line}: key '{key}': ") and "\n" not in msg


def test_error_count_is_kept_on_one_line(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("colour: blue\nbatch_size: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.yaml:2: key 'batch_size': .*\(and 1 more\)$"):
        load_config(p)


def test_override_errors_have_no_file_line(tmp_path):
    with pytest.raises(ConfigError, match=r"^config: key 'batch_size': .*greater than"):
        load_config(None, {"batch_size": 0})
    p = tmp_path / "c.yaml"
    p.write_text("batch_size: 5\n", encoding="utf-8")  # the bad value is the override, not line 1
    with pytest.raises(ConfigError) as exc:
        load_config(p, {"batch_size": 0})
    assert str(exc.value).startswith(f"{p}: key 'batch_size': ")


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
