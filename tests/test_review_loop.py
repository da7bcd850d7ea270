"""The review loop as a reviewer lives it: run, decide in review.csv, apply, run again."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_hardening import read_artifacts

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).parent / "transnorm")
TEXT = ("Fighting near Zaparozhye overnight. Talks with Ivan Petrenkovych went on.\n\n"
        "Later the convoy reached Zaparozhye again.\n")


@pytest.fixture
def setup(tmp_path, prefect_server):
    # A small gazetteer (curated Ukrainian places, no generated layers): each run builds its index
    # in a second instead of compiling the full one in a subprocess.
    gaz = tmp_path / "gazetteers"
    gaz.mkdir()
    for name in ("places-ua.yaml", "lexicon.yaml"):
        shutil.copy(ROOT / "gazetteers" / name, gaz / name)
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"gazetteer:\n  dir: {gaz}\n  generated: false\nstate_dir: {tmp_path / 'state'}\n",
                   encoding="utf-8")
    doc = tmp_path / "wire.txt"
    doc.write_text(TEXT, encoding="utf-8")
    return tmp_path, cfg, doc, prefect_server


def run(args, env):
    res = subprocess.run([EXE, *map(str, args)], env=env, capture_output=True, text=True, timeout=300)
    return res


def mentions(out):
    (rec,) = [json.loads(ln) for ln in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    return rec, {(e["surface"], e["start"]): e for e in rec["entities"]}


def decide(csv_in, csv_out, decisions):
    with open(csv_in, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["decision"] = decisions.get(r["surface"], "")
    with open(csv_out, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


@pytest.mark.flow
def test_accept_and_new_entry_make_the_next_run_auto(setup):
    tmp, cfg, doc, env = setup
    assert run(["run", doc, "--out", tmp / "r1", "--config", cfg], env).returncode == 0
    _, before = mentions(tmp / "r1")
    assert {e["status"] for e in before.values()} == {"review"}  # Zaparozhye fuzzy; Ivan Petrenkovych generated
    assert {e["method"] for (s, _), e in before.items() if s == "Ivan Petrenkovych"} == {"generated"}
    # The Prefect UI gets the same queue as review.csv, candidates by name, and report.md itself.
    arts = read_artifacts(env, ("transnorm-review-queue", "transnorm-report"))
    with open(tmp / "r1" / "review.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    table = json.loads(arts["transnorm-review-queue"])
    assert [(r["name"], r["count"]) for r in table] == [(r["surface"], int(r["count"])) for r in rows]
    assert any(r["proposed"].startswith("Zaporizhzhia (city") for r in table)
    assert arts["transnorm-report"] == (tmp / "r1" / "report.md").read_text(encoding="utf-8")
    decide(tmp / "r1" / "review.csv", tmp / "decided.csv",
           {"Zaparozhye": "accept", "Ivan Petrenkovych": "new:Ivan Petrenkovych"})
    res = run(["review", "apply", tmp / "decided.csv", "--config", cfg], env)
    assert res.returncode == 0, res.stderr
    assert "1 accepted" in res.stdout and "1 new" in res.stdout

    assert run(["run", doc, "--out", tmp / "r2", "--config", cfg], env).returncode == 0
    rec, after = mentions(tmp / "r2")
    zap = [e for (s, _), e in after.items() if s == "Zaparozhye"]
    assert len(zap) == 2 and all(e["status"] == "auto" and e["gazetteer_id"] == "ua-city-zaporizhzhia" for e in zap)
    (ivan,) = [e for (s, _), e in after.items() if s == "Ivan Petrenkovych"]
    assert ivan["status"] == "auto" and ivan["gazetteer_id"].startswith("review-")
    assert rec["text_en"].count("Zaporizhzhia") == 2
    assert "settled by earlier review decisions:** 3" in (tmp / "r2" / "report.md").read_text(encoding="utf-8")
    # Nothing left to decide: the queue is empty.
    assert len((tmp / "r2" / "review.csv").read_text(encoding="utf-8-sig").splitlines()) == 1


@pytest.mark.flow
def test_reject_means_never_linked_again(setup):
    tmp, cfg, doc, env = setup
    assert run(["run", doc, "--out", tmp / "r1", "--config", cfg], env).returncode == 0
    decide(tmp / "r1" / "review.csv", tmp / "decided.csv", {"Zaparozhye": "reject"})
    assert run(["review", "apply", tmp / "decided.csv", "--config", cfg], env).returncode == 0
    assert run(["run", doc, "--out", tmp / "r2", "--config", cfg], env).returncode == 0
    _, after = mentions(tmp / "r2")
    assert not [e for (s, _), e in after.items() if s == "Zaparozhye" and e["gazetteer_id"] == "ua-city-zaporizhzhia"]


def test_bad_decision_names_the_row_and_writes_nothing(setup):
    tmp, cfg, doc, env = setup
    bad = tmp / "bad.csv"
    with open(bad, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["surface", "language", "type", "count", "example_context", "proposed_gazetteer_id",
                    "proposed_canonical", "candidates", "decision"])
        w.writerow(["Zaparozhye", "en", "place", "2", "", "ua-city-zaporizhzhia", "Zaporizhzhia", "", "accept"])
        w.writerow(["Foo", "en", "place", "1", "", "", "", "", "no-such-id"])
    res = run(["review", "apply", bad, "--config", cfg], env)
    assert res.returncode == 2
    assert "row 3" in res.stderr and "no-such-id" in res.stderr
    assert not (tmp / "gazetteers" / "overrides.yaml").exists()
