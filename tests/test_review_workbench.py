"""Deciding in report.html, as a reviewer does it, in headless Chromium: keys, the decisions file,
`transnorm review apply`, and the next run linking what was decided.

Needs Debian's chromium and the playwright package, like test_report_html.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHROMIUM
from test_report_html import Page, big_records, summary

from transnorm.config import ReportConfig, load_config
from transnorm.ingest import iter_inputs
from transnorm.ops.output import RunWriter
from transnorm.pipeline import get_index, process_batch
from transnorm.review.report_html import write_html_report

ROOT = Path(__file__).resolve().parents[1]
DOCS_SCREENSHOT = ROOT / "docs" / "review.png"
EXE = str(Path(sys.executable).parent / "transnorm")
TEXT = ("Fighting near Zaparozhye went on overnight, officials said. Talks with Ivan Petrenkovych went on in the "
        "city. The head of Hatyshche Kiper said two houses burned in Novoselivka. They said Operation "
        "Dawnbreak would continue in the area. Residents of Zorianka left their homes.\n")
# Two villages of one name: only their oblasts tell them apart.
EXTRA = """entries:
- {id: test-novoselivka-odesa, type: place, kind: village, canonical: Novoselivka, country: UA,
   parent: ua-oblast-odesa, population: 3000}
- {id: test-novoselivka-kharkiv, type: place, kind: village, canonical: Novoselivka, country: UA,
   parent: ua-oblast-kharkiv, population: 1200}
"""

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")]


def setup(tmp_path: Path):
    gaz = tmp_path / "gazetteers"
    gaz.mkdir()
    for name in ("places-ua.yaml", "lexicon.yaml"):
        shutil.copy(ROOT / "gazetteers" / name, gaz / name)
    (gaz / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    cfg_path = tmp_path / "config.yaml"
    cfg_path.write_text(f"gazetteer:\n  dir: {gaz}\n  generated: false\nstate_dir: {tmp_path / 'state'}\n",
                        encoding="utf-8")
    doc = tmp_path / "wire.txt"
    doc.write_text(TEXT, encoding="utf-8")
    return cfg_path, doc


def run(cfg_path: Path, doc: Path, out: Path):
    """The pipeline and the run writer, as `transnorm run` calls them (without Prefect)."""
    cfg = load_config(cfg_path)
    writer = RunWriter(out, limits=cfg.report, gazetteer=lambda: get_index(cfg))
    writer.write(process_batch(list(iter_inputs([str(doc)], cfg.ingest)), cfg))
    writer.close()
    (rec,) = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    return {e["surface"]: e for e in rec["entities"]}


def key(page, k: str):
    page.keyboard.press(k)


def test_decide_export_apply_rerun(chromium, tmp_path):
    cfg_path, doc = setup(tmp_path)
    before = run(cfg_path, doc, tmp_path / "r1")
    assert {s: (e["status"], e["method"]) for s, e in before.items() if e["status"] != "auto"} == {
        "Zaparozhye": ("review", "fuzzy"), "Ivan Petrenkovych": ("review", "generated"),
        "Hatyshche Kiper": ("unresolved", "unknown"), "Novoselivka": ("review", "exact"),
        "Operation Dawnbreak": ("unresolved", "unknown"), "Zorianka": ("unresolved", "unknown")}

    pg = Page(chromium, tmp_path / "r1" / "report.html")
    page = pg.page
    try:
        def go_to(surface: str):
            row = page.locator("#review-queue-body tr", has=page.locator(".q-surface", has_text=surface))
            row.click()
            assert page.inner_text("[data-testid=detail-surface]") == surface

        # The ambiguous name: candidates told apart by their oblast, picked with its number key.
        go_to("Novoselivka")
        cands = page.locator("[data-testid=candidate]")
        assert cands.count() == 2
        texts = [cands.nth(i).inner_text() for i in range(2)]
        assert any("Odesa Oblast" in t for t in texts) and any("Kharkiv Oblast" in t for t in texts)
        kharkiv = next(i for i, t in enumerate(texts) if "Kharkiv Oblast" in t)
        shot = tmp_path / "review.png"
        page.locator("#review-queue").screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("TRANSNORM_UPDATE_SCREENSHOT") or not DOCS_SCREENSHOT.exists():  # docs/review.md shows it
            shutil.copyfile(shot, DOCS_SCREENSHOT)
        key(page, str(kharkiv + 1))
        # The garbled spelling: accept the proposal (a).
        go_to("Zaparozhye")
        assert "Zaporizhzhia" in page.inner_text("[data-testid=candidates]")
        key(page, "a")
        # A person nobody listed, proposed by the pipeline (gen:person:...): accept makes the entry (a).
        go_to("Ivan Petrenkovych")
        assert "proposed name" in page.inner_text("[data-testid=candidates]")
        key(page, "a")
        # A village nobody listed: a new entry (e) with its kind and oblast.
        go_to("Zorianka")
        key(page, "e")
        assert page.input_value("[data-testid=new-type]") == "place"
        page.fill("[data-testid=new-kind]", "village")
        page.fill("[data-testid=new-parent]", "ua-oblast-kharkiv")
        page.press("[data-testid=new-parent]", "Enter")
        # Not a name (n).
        go_to("Operation Dawnbreak")
        key(page, "n")
        # One span that is a village and a surname: split after the first word (s, 1, Enter).
        go_to("Hatyshche Kiper")
        key(page, "s")
        key(page, "1")
        assert page.inner_text("[data-testid=split-preview]") == "Parts: Hatyshche | Kiper"
        key(page, "Enter")
        assert page.get_attribute("[data-testid=decided-count]", "data-count") == "6"
        assert pg.errors() == []

        # Decisions survive a reload (localStorage), then go out as one file.
        page.reload()
        page.wait_for_selector("body[data-ready='1']")
        assert page.get_attribute("[data-testid=decided-count]", "data-count") == "6"
        with page.expect_download() as dl:
            page.click("[data-testid=export-decisions]")
        decisions = tmp_path / "decisions.jsonl"
        dl.value.save_as(decisions)
        assert all(u.startswith(("file://", "blob:")) for u in pg.requests), pg.requests
    finally:
        pg.close()
    lines = [json.loads(x) for x in decisions.read_text(encoding="utf-8").splitlines()]
    assert {x["surface"]: x["decision"] for x in lines} == {
        "Novoselivka": "pick:test-novoselivka-kharkiv", "Zaparozhye": "accept", "Ivan Petrenkovych": "accept",
        "Zorianka": "new:Zorianka | type=place | kind=village | parent=ua-oblast-kharkiv",
        "Operation Dawnbreak": "ignore", "Hatyshche Kiper": "split:Hatyshche | Kiper"}

    res = subprocess.run([EXE, "review", "apply", str(decisions), "--config", str(cfg_path)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    for said in ("2 accepted", "2 new", "1 ignored", "1 split"):
        assert said in res.stdout, res.stdout

    after = run(cfg_path, doc, tmp_path / "r2")
    got = {s: (e["status"], e["gazetteer_id"]) for s, e in after.items()}
    assert got["Novoselivka"] == ("auto", "test-novoselivka-kharkiv")
    assert got["Zaparozhye"] == ("auto", "ua-city-zaporizhzhia")
    ivan, zorianka = after["Ivan Petrenkovych"], after["Zorianka"]
    assert (ivan["status"], ivan["gazetteer_id"], ivan["type"], ivan["kind"]) == (
        "auto", "review-ivan-petrenkovych", "person", "person")  # the generated proposal, a real entry now
    assert (zorianka["status"], zorianka["kind"]) == ("auto", "village")
    assert "Operation Dawnbreak" not in after  # not a name: neither linked nor queued
    assert "Hatyshche Kiper" not in after and "Hatyshche" in after and "Kiper" in after
    queued = (tmp_path / "r2" / "review.csv").read_text(encoding="utf-8-sig")
    assert "Zaparozhye" not in queued and "Operation Dawnbreak" not in queued and "Hatyshche" in queued


@pytest.mark.slow
def test_two_thousand_names_stay_paged_and_keyboard_driven(chromium, tmp_path):
    """2,000 queued names: the list renders a page at a time, keys cross pages, export takes them all."""
    recs = big_records(n_docs=500, per_doc=20)
    out = write_html_report(recs, tmp_path / "big.html", summary(), ReportConfig(max_documents=500))
    pg = Page(chromium, out)
    page = pg.page
    try:
        n = int(page.get_attribute("#queue-count", "data-count"))
        assert n >= 900  # every unknown and review name of the corpus, one row each
        assert page.locator("#review-queue-body tr").count() == 100  # a page, not every row
        for _ in range(100):
            key(page, "j")
        assert "101" in page.inner_text("#queue-count")  # moved onto the second page
        key(page, "n")
        key(page, "n")
        key(page, "k")
        key(page, "k")
        key(page, "u")
        assert page.get_attribute("[data-testid=decided-count]", "data-count") == "1"
        page.select_option("[data-testid=queue-show]", "decided")
        assert page.locator("#review-queue-body tr").count() == 1
        assert pg.errors() == []
    finally:
        pg.close()
