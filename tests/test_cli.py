"""The `transnorm run` command through the Prefect flow, as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PREFECT
from test_pipeline import check_against_devset

from transnorm.records import record_from_dict

ROOT = Path(__file__).resolve().parents[1]
TRANSNORM = str(Path(sys.executable).parent / "transnorm")


def run_cli(args, env, cwd=None, timeout=300):
    return subprocess.run([TRANSNORM, *map(str, args)], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def records(out: Path):
    return [record_from_dict(json.loads(ln)) for ln in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def env(prefect_server, tmp_path):
    return {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models")}


@pytest.mark.flow
def test_run_on_seed_txt_and_jsonl(seed, env, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "seed.txt").write_text(seed["text"], encoding="utf-8")
    (tmp_path / "in" / "feed.jsonl").write_text(json.dumps({"id": "seed-jsonl", "text": seed["text"]}) + "\n",
                                                encoding="utf-8")
    out = tmp_path / "out"
    res = run_cli(["run", tmp_path / "in", "--out", out], env)
    assert res.returncode == 0, res.stderr
    by_id = {r.id: r for r in records(out)}
    assert set(by_id) == {"seed", "seed-jsonl"}
    for rec in by_id.values():
        assert check_against_devset(rec, seed) == []
        assert "Volodymyr Zelenskyy" in rec.text_en and "Çırağan Palace" in rec.text_en
    for name in ("report.md", "report.html", "review.csv"):
        assert (out / name).exists()
    # The run published its summary, review queue and report link to the Prefect server.
    listed = subprocess.run([*PREFECT, "artifact", "ls"], env={**env, "COLUMNS": "300"}, capture_output=True,
                            text=True, timeout=120)
    for key in ("transnorm-run-summary", "transnorm-review-queue", "transnorm-report"):
        assert key in listed.stdout, listed.stdout + listed.stderr


@pytest.mark.flow
def test_bad_inputs_are_listed_and_the_rest_is_written(env, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text("Shelling in Kharkov.", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "broken.txt").write_bytes(b"ok\n\xff\xfe bad")
    (d / "blob.txt").write_bytes(b"\x00\x01\x02")
    (d / "feed.jsonl").write_bytes(b'{"id": "j1", "text": "Odessa port"}\n{oops\n{"id": "j3"}\n')
    out = tmp_path / "out"
    res = run_cli(["run", d, "--out", out], env)
    assert res.returncode == 0, res.stderr
    recs = records(out)
    good = {r.id: r for r in recs if not r.errors}
    assert good["good"].text_en == "Shelling in Kharkiv." and good["j1"].text_en == "Odesa port"
    errors = [e for r in recs for e in r.errors]
    assert len(errors) == 5
    for where in ("empty.txt", "broken.txt:2", "blob.txt:1", "feed.jsonl:2", "feed.jsonl:3"):
        assert any(where in e for e in errors), where
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Errors (5)" in report and "feed.jsonl:2" in report


def test_config_error_exits_2_with_the_key(tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("match:\n  t_autoo: 0.5\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Kyiv", encoding="utf-8")
    res = run_cli(["run", tmp_path / "a.txt", "--config", cfg], os.environ.copy())
    assert res.returncode == 2
    assert "match.t_autoo" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_missing_input_exits_2(tmp_path):
    res = run_cli(["run", tmp_path / "nope"], os.environ.copy())
    assert res.returncode == 2 and "no such input" in res.stderr


def test_broken_gazetteer_exits_2_naming_file_and_line(tmp_path):
    gaz = tmp_path / "gaz"
    gaz.mkdir()
    (gaz / "places.yaml").write_text("entries:\n  - id: x\n    type: place\n    canonical: X\n    colour: red\n",
                                     encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"gazetteer:\n  dir: {gaz}\nstate_dir: {tmp_path / 'state'}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Kyiv", encoding="utf-8")
    res = run_cli(["run", tmp_path / "a.txt", "--config", cfg], os.environ.copy())
    assert res.returncode == 2
    assert "places.yaml:5" in res.stderr and "colour" in res.stderr  # the line of the unknown key


@pytest.mark.slow
@pytest.mark.flow
def test_run_without_a_prefect_server(tmp_path):
    """No PREFECT_API_URL: Prefect starts its own temporary server, and the run still completes."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    (tmp_path / "a.txt").write_text("From Kiev to Odessa.", encoding="utf-8")
    res = run_cli(["run", tmp_path / "a.txt", "--out", tmp_path / "out"], env)
    assert res.returncode == 0, res.stderr
    (rec,) = records(tmp_path / "out")
    assert rec.text_en == "From Kyiv to Odesa."


@pytest.mark.flow
def test_default_out_is_a_new_utc_folder_under_outputs(env, tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"outputs_dir: {tmp_path / 'outputs'}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Kiev", encoding="utf-8")
    res = run_cli(["run", tmp_path / "a.txt", "--config", cfg], env)
    assert res.returncode == 0, res.stderr
    (run_dir,) = (tmp_path / "outputs").iterdir()
    assert run_dir.name[:8].isdigit() and run_dir.name.endswith("Z")
    assert (run_dir / "records.jsonl").exists()


def test_eval_command_scores_the_devset(tmp_path):
    from conftest import DEVSET
    from conftest import ROOT as R
    cases = DEVSET / "seed-prisoner-exchange.expected.json"
    if not cases.exists():
        cases = R / "tests" / "data" / "seed-prisoner-exchange.expected.json"
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"state_dir: {tmp_path / 'state'}\n", encoding="utf-8")
    res = run_cli(["eval", cases, "--config", cfg], os.environ.copy())
    assert res.returncode == 0, res.stderr
    overall = next(ln for ln in res.stdout.splitlines() if ln.startswith("all "))
    assert overall.split()[1:4] == ["1.000", "1.000", "1.000"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "lang": "en", "text": "Kyiv", "expect": [{"surface": "Lviv"}]}\n', encoding="utf-8")
    res = run_cli(["eval", bad, "--config", cfg], os.environ.copy())
    assert res.returncode == 2 and "bad.jsonl:1" in res.stderr
