"""The HTML report, checked in a real headless Chromium: it must work offline from disk,
filter and sort, and show hostile document text as text.

Browser tests need Debian's chromium at /usr/bin/chromium and the `playwright` Python
package (no `playwright install`: the browser comes from apt). CI installs both.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import CHROMIUM

from transnorm.config import ReportConfig
from transnorm.records import Candidate, Entity, Record
from transnorm.review.report_html import (
    RunSummary,
    json_for_script,
    render_html,
    write_html_report,
)

DOCS_SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "report.png"


# --------------------------------------------------------------------------- data


def ent(text: str, surface: str, type_: str = "place", gid: str | None = None, canonical: str | None = None,
        score: float = 1.0, method: str = "exact", status: str = "auto", nth: int = 0,
        candidates: list[tuple[str, str, float]] | None = None) -> Entity:
    """An Entity at the nth occurrence of `surface` in `text` (keeps the offset invariant)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Entity(start, start + len(surface), surface, type_, gid, canonical, score, method, status,
                  [Candidate(*c) for c in (candidates or [])])


def sample_records() -> list[Record]:
    ru = "Вчера в Киеве и Одессе прошли встречи. Мэр Бахмута сказал, что Петренко приедет в Бахмут. 🙂 Киев ждёт."
    ru_en = ("Yesterday meetings were held in Kyiv and Odesa. The mayor of Bakhmut said Petrenko would come to "
             "Bakhmut. 🙂 Kyiv is waiting.")
    uk = "У Харкові та Донеччині відновили світло. Петренко прокоментував."
    uk_en = "Power was restored in Kharkiv and Donetsk Oblast. Petrenko commented from Sloviansk."
    en = "Officials in Odessa said Donechchyna was shelled. Ivan Petrenko visited Odessa and Donechchyna."
    return [
        Record(
            id="ru-001",
            source="samples/news.jsonl:1",
            lang="ru",
            text=ru,
            text_en=ru_en,
            entities=[
                ent(ru, "Киеве", gid="ua-city-kyiv", canonical="Kyiv", method="morph", score=0.97),
                ent(ru, "Одессе", gid="ua-city-odesa", canonical="Odesa", method="morph", score=0.95),
                ent(
                    ru,
                    "Бахмута",
                    gid="ua-city-bakhmut",
                    canonical="Bakhmut",
                    method="fuzzy",
                    score=0.72,
                    status="review",
                    candidates=[("ua-city-bakhmut", "Bakhmut", 0.72), ("ru-city-bakhmutovo", "Bakhmutovo", 0.55)],
                ),
                ent(ru, "Петренко", "person", None, None, 0.0, "unknown", "unresolved"),
                ent(ru, "Бахмут", gid="ua-city-bakhmut", canonical="Bakhmut", method="exact", score=0.99, nth=1),
                ent(ru, "Киев", gid="ua-city-kyiv", canonical="Kyiv", method="historic", score=0.9, nth=1),
            ],
            entities_en=[
                ent(ru_en, "Kyiv", gid="ua-city-kyiv", canonical="Kyiv", method="aligned", score=0.97),
                ent(ru_en, "Odesa", gid="ua-city-odesa", canonical="Odesa", method="aligned", score=0.95),
                ent(
                    ru_en,
                    "Bakhmut",
                    gid="ua-city-bakhmut",
                    canonical="Bakhmut",
                    method="aligned",
                    score=0.72,
                    status="review",
                ),
                ent(ru_en, "Bakhmut", gid="ua-city-bakhmut", canonical="Bakhmut", method="aligned", score=0.99, nth=1),
            ],
            provenance={"model": "argos-ru-en"},
        ),
        Record(
            id="uk-002",
            source="samples/news.jsonl:2",
            lang="uk",
            text=uk,
            text_en=uk_en,
            entities=[
                ent(uk, "Харкові", gid="ua-city-kharkiv", canonical="Kharkiv", method="morph", score=0.96),
                ent(
                    uk,
                    "Донеччині",
                    gid="ua-oblast-donetsk",
                    canonical="Donetsk Oblast",
                    method="variant",
                    score=0.81,
                    status="review",
                    candidates=[("ua-oblast-donetsk", "Donetsk Oblast", 0.81)],
                ),
                ent(uk, "Петренко", "person", None, None, 0.0, "unknown", "unresolved"),
            ],
            entities_en=[
                ent(uk_en, "Kharkiv", gid="ua-city-kharkiv", canonical="Kharkiv", method="aligned", score=0.96),
                # The English linker found a name no source mention accounts for: translation only.
                ent(uk_en, "Sloviansk", gid="ua-city-sloviansk", canonical="Sloviansk", score=1.0),
            ],
        ),
        Record(
            id="en-003",
            source="samples/news.jsonl:3",
            lang="en",
            text=en,
            text_en=en,
            entities=[
                ent(en, "Odessa", gid="ua-city-odesa", canonical="Odesa", method="variant", score=0.93),
                ent(
                    en,
                    "Donechchyna",
                    gid="ua-oblast-donetsk",
                    canonical="Donetsk Oblast",
                    method="fuzzy",
                    score=0.64,
                    status="review",
                    candidates=[("ua-oblast-donetsk", "Donetsk Oblast", 0.64)],
                ),
                ent(
                    en,
                    "Ivan Petrenko",
                    "person",
                    None,
                    None,
                    0.3,
                    "fuzzy",
                    "unresolved",
                    candidates=[("person-petro-petrenko", "Petro Petrenko", 0.3)],
                ),
                ent(en, "Odessa", gid="ua-city-odesa", canonical="Odesa", method="variant", score=0.93, nth=1),
                ent(
                    en,
                    "Donechchyna",
                    gid="ua-oblast-donetsk",
                    canonical="Donetsk Oblast",
                    method="fuzzy",
                    score=0.66,
                    status="review",
                    nth=1,
                    candidates=[("ua-oblast-donetsk", "Donetsk Oblast", 0.66)],
                ),
            ],
            # English source: the same spans listed again must not be counted twice.
            entities_en=[ent(en, "Odessa", gid="ua-city-odesa", canonical="Odesa", method="variant", score=0.93)],
        ),
        Record(
            id="bad-004",
            source="samples/news.jsonl:4",
            lang="ru",
            text="Сбой перевода.",
            text_en=None,
            errors=["translation failed: model timeout"],
        ),
    ]


# Hand-counted from sample_records: a mention is counted once, in the text it was found in.
N_MENTIONS = 6 + 3 + 5  # ru-001, uk-002, en-003 (bad-004 has none)
N_ENGLISH = 4 + 2 + 1  # entities_en: renderings of those mentions, and Sloviansk (translation only)
N_REVIEW = 1 + 1 + 2  # Бахмута, Донеччині, Donechchyna x2
N_UNRESOLVED = 3  # Петренко x2, Ivan Petrenko


def summary(**kw) -> RunSummary:
    base = dict(
        run_id="2024-05-01T10-00-00Z-abc123",
        started_utc="2024-05-01T10:00:00Z",
        finished_utc="2024-05-01T10:02:13Z",
        transnorm_version="0.1.0",
        gazetteer_hash="sha256:1f2e3d",
        translation_models={"ru": "argos-ru-en-1.9", "uk": "argos-uk-en-1.9"},
        config_hash="sha256:9a8b7c",
        errors=[("samples/news.jsonl:7", "invalid JSON: Expecting ',' delimiter")],
        settled_by_overrides=3,
    )
    base.update(kw)
    return RunSummary(**base)


# --------------------------------------------------------------------------- without a browser


def test_json_block_cannot_close_script():
    s = json_for_script({"t": "</script><script>alert(1)</script> & <!-- \u2028"})
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"t": "</script><script>alert(1)</script> & <!-- \u2028"}


def test_html_is_self_contained(tmp_path):
    out = write_html_report(sample_records(), tmp_path / "report.html", summary())
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "no external resources"
    assert 'http-equiv="Content-Security-Policy"' in text
    assert text.count("<script") == 2  # the JSON block and the one page script
    data = json.loads(
        re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text, re.S).group(1)
    )
    assert len(data["mentions"]) == N_MENTIONS + N_ENGLISH
    assert sum(1 for m in data["mentions"] if m[1] == 0) == N_MENTIONS == data["totals"]["mentions"]
    assert [m[4] for m in data["mentions"] if m[1] == 1] == ["Sloviansk"]  # side 1: translation only
    assert data["totals"]["translation_only"] == 1 and data["totals"]["renderings"] == N_ENGLISH - 1
    # A source mention carries what text_en shows for it.
    assert [m[12] for m in data["mentions"] if m[0] == 0 and m[1] == 0][:3] == ["Kyiv", "Odesa", "Bakhmut"]
    # Offsets are UTF-16 for JS: the emoji in ru-001 shifts the second "Киев" by one.
    ru = data["docs"][0]["text"]
    last = [m for m in data["mentions"] if m[0] == 0 and m[1] == 0 and m[4] == "Киев"][0]
    assert ru.encode("utf-16-le")[last[2] * 2 : last[3] * 2].decode("utf-16-le") == "Киев"


def page_data(text: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text, re.S).group(1)
    )


def test_a_run_bigger_than_the_limits_shows_its_head_and_says_so():
    """A huge run's page embeds the first documents only, but every count covers the whole run."""
    recs = big_records(n_docs=60, per_doc=10)
    limits = ReportConfig(max_documents=15, max_queue_rows=4)
    text = render_html(recs, summary(), limits)
    data = page_data(text)
    assert [d["id"] for d in data["docs"]] == [r.id for r in recs[:15]]
    assert len(data["mentions"]) == 150 and {m[0] for m in data["mentions"]} == set(range(15))
    assert data["totals"]["documents"] == 60 and data["totals"]["mentions"] == 600
    assert len(data["queue"]) == 4 and data["totals"]["queue"] > 4
    assert '<b id="stat-docs">60</b>' in text and '<b id="stat-mentions">600</b>' in text
    note = re.search(r'data-testid="partial-note">(.*?)</p>', text, re.S).group(1)
    assert "15 of 60 documents" in note and f"4 most frequent of {data['totals']['queue']:,} names" in note
    # The summary tables count every document, not only the embedded ones.
    assert re.search(r"<td>total</td>(<td>\d+</td>)*<td>60</td></tr>", text)
    assert 'data-testid="partial-note"' not in render_html(recs, summary())  # within the default limits


def test_a_document_too_big_for_the_text_budget_is_left_out_not_the_rest():
    recs = sample_records()
    huge = Record(
        id="huge",
        source="x:1",
        lang="en",
        text="Kyiv " * 3000,
        text_en=None,
        entities=[Entity(0, 4, "Kyiv", "place", "ua-city-kyiv", "Kyiv", 1.0, "exact", "auto")],
    )
    data = page_data(render_html([recs[0], huge, *recs[1:]], summary(), ReportConfig(max_text_chars=5000)))
    assert [d["id"] for d in data["docs"]] == [r.id for r in recs]
    assert data["totals"]["documents"] == len(recs) + 1


def test_summary_counts_and_errors():
    text = render_html(sample_records(), summary())
    assert "argos-uk-en-1.9" in text and "sha256:1f2e3d" in text and "sha256:9a8b7c" in text
    assert "invalid JSON: Expecting &#39;,&#39; delimiter" in text  # shown, and escaped
    assert "translation failed: model timeout" in text
    assert 'data-testid="chart-methods"' in text


# --------------------------------------------------------------------------- browser

browser = pytest.mark.browser
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
)


class Page:
    """A loaded report plus everything the page logged or requested."""

    def __init__(self, browser_, path: Path):
        self.console: list[str] = []
        self.requests: list[str] = []
        self.page = browser_.new_page(viewport={"width": 1400, "height": 1000})
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-ready='1']", timeout=60_000)

    def rows(self) -> int:
        return self.page.locator("#mentions-body tr").count()

    def count(self) -> int:
        return int(self.page.get_attribute("#mentions-count", "data-count"))

    def errors(self) -> list[str]:
        return [c for c in self.console if c.startswith(("error", "pageerror"))]

    def close(self):
        self.page.close()


@pytest.fixture
def report_page(chromium, tmp_path):
    out = write_html_report(sample_records(), tmp_path / "report.html", summary())
    pg = Page(chromium, out)
    yield pg
    pg.close()


@browser
@needs_chromium
def test_loads_offline_without_errors(report_page):
    assert report_page.errors() == []
    assert report_page.requests and all(u.startswith("file://") for u in report_page.requests), report_page.requests
    assert report_page.count() == N_MENTIONS == report_page.rows()


@browser
@needs_chromium
def test_status_filter_narrows_table(report_page):
    page = report_page.page
    page.select_option("#filter-status", "review")
    assert report_page.rows() == N_REVIEW == report_page.count()
    assert set(page.locator("#mentions-body .c-status").all_inner_texts()) == {"review"}
    page.select_option("#filter-status", "unresolved")
    assert report_page.rows() == N_UNRESOLVED
    page.select_option("#filter-status", "needs-decision")
    assert report_page.rows() == N_REVIEW + N_UNRESOLVED
    page.select_option("#filter-status", "")
    page.select_option("#filter-lang", "uk")
    assert report_page.rows() == 3
    page.select_option("#filter-lang", "")
    page.select_option("#filter-type", "person")
    assert report_page.rows() == 3


@browser
@needs_chromium
def test_text_search(report_page):
    page = report_page.page
    page.fill("#filter-text", "odes")  # matches surface Odessa/Одессе/Odesa and canonical Odesa
    page.press("#filter-text", "Enter")
    surfaces = sorted(page.locator("#mentions-body .c-surface").all_inner_texts())
    assert surfaces == ["Odessa", "Odessa", "Одессе"]  # each mention once, where it was found
    page.fill("#filter-text", "donetsk oblast")  # canonical, case-insensitive
    page.press("#filter-text", "Enter")
    assert report_page.rows() == 3
    page.fill("#filter-text", "uk-002")  # document id
    page.press("#filter-text", "Enter")
    assert report_page.rows() == 3
    page.select_option("#filter-side", "1")  # names found in the translation only
    assert page.locator("#mentions-body .c-surface").all_inner_texts() == ["Sloviansk"]
    page.select_option("#filter-side", "english")  # every name of the English text
    assert report_page.rows() == 2
    page.select_option("#filter-side", "0")
    page.fill("#filter-text", "no such name")
    page.press("#filter-text", "Enter")
    assert report_page.rows() == 0 and report_page.count() == 0


@browser
@needs_chromium
def test_review_queue_groups_surfaces(report_page):
    page = report_page.page
    rows = page.locator("#review-queue-body tr")
    got = {
        (rows.nth(i).locator(".q-surface").inner_text(), rows.nth(i).locator(".q-lang").inner_text()): int(
            rows.nth(i).locator(".q-count").inner_text()
        )
        for i in range(rows.count())
    }
    # One row per (surface, language): the two Donechchyna are one decision; Петренко in ru and
    # in uk are two; the aligned English "Bakhmut" follows its source and is not asked about.
    assert got == {
        ("Donechchyna", "en"): 2,
        ("Петренко", "ru"): 1,
        ("Петренко", "uk"): 1,
        ("Бахмута", "ru"): 1,
        ("Донеччині", "uk"): 1,
        ("Ivan Petrenko", "en"): 1,
    }
    assert rows.nth(0).locator(".q-surface").inner_text() == "Donechchyna"  # most frequent first
    assert page.get_attribute("#queue-count", "data-count") == "6"
    bakh = page.locator("#review-queue-body tr").filter(
        has=page.locator(".q-surface", has_text=re.compile("^Бахмута$"))
    )
    assert "Bakhmut" in bakh.inner_text()  # the proposal, by name
    bakh.click()
    detail = page.locator("[data-testid=queue-detail]")
    assert detail.locator("[data-testid=detail-surface]").inner_text() == "Бахмута"
    cands = detail.locator("[data-testid=candidate]")
    assert cands.count() == 2
    assert "Bakhmut" in cands.nth(0).inner_text() and "0.72" in cands.nth(0).inner_text()
    assert "Bakhmutovo" in cands.nth(1).inner_text() and "0.55" in cands.nth(1).inner_text()


@browser
@needs_chromium
def test_sort_by_score_and_name(report_page):
    page = report_page.page
    page.select_option("#sort-by", "score")
    page.select_option("#sort-dir", "asc")
    scores = [float(s) for s in page.locator("#mentions-body .c-score").all_inner_texts()]
    assert scores == sorted(scores) and scores[0] == 0.0
    page.click("[data-testid=sort-score]")  # header click flips direction
    scores = [float(s) for s in page.locator("#mentions-body .c-score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    page.click("[data-testid=sort-name]")
    names = page.locator("#mentions-body .c-surface").all_inner_texts()
    assert names == sorted(names) and names[0] == "Donechchyna" and names[-1] == "Харкові"


@browser
@needs_chromium
def test_document_view_and_screenshot(report_page, tmp_path):
    page = report_page.page
    page.fill("#doc-filter", "ru-001")
    page.locator("#doc-list-body button", has_text="ru-001").click()
    assert "ru-001" in page.inner_text("#doc-title")
    marks = page.locator("#doc-source mark").all_inner_texts()
    assert marks == ["Киеве", "Одессе", "Бахмута", "Петренко", "Бахмут", "Киев"]
    assert page.locator("#doc-english mark.st-review").all_inner_texts() == ["Bakhmut"]
    page.fill("#doc-filter", "")
    page.locator("#doc-list-body button", has_text="bad-004").click()
    assert "no English text" in page.inner_text("#doc-english")
    assert "model timeout" in page.inner_text("#doc-notes")
    page.locator("#doc-list-body button", has_text="ru-001").click()
    shot = tmp_path / "report.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    # The README screenshot is refreshed on demand, not on every run (keeps the tree clean).
    if os.environ.get("TRANSNORM_UPDATE_SCREENSHOT") or not DOCS_SCREENSHOT.exists():
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS_SCREENSHOT)
    assert report_page.errors() == []


HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "</td></script>",
]


@browser
@needs_chromium
def test_hostile_text_is_shown_as_text(chromium, tmp_path):
    text = "Before " + " mid ".join(HOSTILE) + " after & <b>bold</b>"
    ents = [
        ent(text, h, gid=None, canonical=h, score=0.5, method="fuzzy", status="review", candidates=[(h, h, 0.5)])
        for h in HOSTILE
    ]
    rec = Record(
        id="</script><script>window.__pwned=1</script>",
        source="x<img src=x onerror=window.__pwned=1>",
        lang="en",
        text=text,
        text_en=text,
        entities=ents,
    )
    out = write_html_report(
        [rec],
        tmp_path / "evil.html",
        summary(
            run_id="<script>window.__pwned=1</script>", errors=[("<img src=x onerror=window.__pwned=1>", "</script>")]
        ),
    )
    pg = Page(chromium, out)
    try:
        page = pg.page
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("img").count() == 0 and page.locator("script").count() == 2
        surfaces = page.locator("#mentions-body .c-surface").all_inner_texts()
        assert sorted(surfaces) == sorted(HOSTILE)
        assert sorted(page.locator("#review-queue-body .q-surface").all_inner_texts()) == sorted(HOSTILE)
        assert "<b>bold</b>" in page.inner_text("#doc-source")
        assert [m for m in page.locator("#mentions-body mark").all_inner_texts()] and set(
            page.locator("#mentions-body mark").all_inner_texts()
        ) == set(HOSTILE)
        assert "<script>window.__pwned=1</script>" in page.inner_text("[data-testid=run-id]")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert pg.errors() == [] and all(u.startswith("file://") for u in pg.requests)
    finally:
        pg.close()


def big_records(n_docs: int = 2500, per_doc: int = 20) -> list[Record]:
    """n_docs x per_doc mentions with a mix of statuses, methods, types and languages."""
    statuses = ["auto"] * 7 + ["review", "review", "unresolved"]
    methods = ["exact", "variant", "morph", "fuzzy", "surname"]
    out = []
    for d in range(n_docs):
        words = [f"Name{(d * per_doc + k) % 997}x" for k in range(per_doc)]
        text = " lorem ipsum ".join(words) + "."
        ents, pos = [], 0
        for k, w in enumerate(words):
            start = text.index(w, pos)
            pos = start + len(w)
            st = statuses[(d + k) % len(statuses)]
            ents.append(
                Entity(
                    start,
                    pos,
                    w,
                    "person" if k % 4 == 0 else "place",
                    None if st == "unresolved" else f"id-{w.lower()}",
                    None if st == "unresolved" else w,
                    ((d * 31 + k * 17) % 100) / 100,
                    methods[k % len(methods)],
                    st,
                )
            )
        out.append(
            Record(
                id=f"doc-{d:05d}",
                source=f"big.jsonl:{d + 1}",
                lang=("ru", "uk", "en")[d % 3],
                text=text,
                text_en=None,
                entities=ents,
            )
        )
    return out


@browser
@needs_chromium
@pytest.mark.slow
def test_fifty_thousand_mentions(chromium, tmp_path):
    recs = big_records()
    n = sum(len(r.entities) for r in recs)
    assert n == 50_000
    expected_review = sum(1 for r in recs for e in r.entities if e.status == "review")
    out = write_html_report(recs, tmp_path / "big.html", summary(), ReportConfig(max_documents=2500))
    pg = Page(chromium, out)
    try:
        page = pg.page
        assert pg.count() == n and pg.rows() == 200  # paged, not 50,000 DOM rows
        page.select_option("#filter-status", "review")
        assert pg.count() == expected_review and pg.rows() == 200
        page.fill("#filter-text", "name5x")
        page.press("#filter-text", "Enter")
        assert 0 < pg.count() < expected_review
        assert set(page.locator("#mentions-body .c-surface").all_inner_texts()) == {"Name5x"}
        page.select_option("#filter-status", "")
        page.fill("#filter-text", "")
        page.press("#filter-text", "Enter")
        page.click("#mentions-next")
        assert pg.rows() == 200 and "201" in page.inner_text("#mentions-count")
        assert pg.errors() == []
    finally:
        pg.close()
