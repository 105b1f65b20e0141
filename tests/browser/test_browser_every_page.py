"""A real browser on every page at meeting-room sizes, in both languages (issue 17).

Each of the fourteen pages of app.py is opened at 1280×720 (a projector) and 1440×900, in
English and in Chinese, and read as a person in the room would:

- no page error and no traceback;
- every headline figure (st.metric value and label) shows in full: the box that would cut it
  with "…" is as wide as its text (scrollWidth ≤ clientWidth);
- no raw catalogue key ("allocator.page.title") anywhere on the page;
- in Chinese, the page's title is Chinese, no English sentence of the catalogue shows, and
  none of Streamlit's own English words (a placeholder, a file uploader's button);
- a screenshot of the first screen (tests/screenshots/every_<page>_<lang>_<W>x<H>.png), to be
  looked at.

One browser window per language and size walks the fourteen pages, to stay reasonably fast.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser_meeting import LOCALES, SIZES
from tests.browser.util import SCREENSHOTS, wait_ready
from wording import CATALOGUE, t

# (path, title key): app.py's PAGES, in its order.
PAGES = [
    ("/", "page.overview"),
    ("/segmentation", "page.segmentation"),
    ("/churn", "page.churn"),
    ("/lookup?lookup_query={customer}", "page.lookup"),  # a customer's profile, not the empty search
    ("/kpi", "page.kpi"),
    ("/model", "page.model"),
    ("/calculator", "page.calculator"),
    ("/actions", "page.actions"),
    ("/allocator", "page.allocator"),
    ("/evaluator", "page.evaluator"),
    ("/channels", "page.channels"),
    ("/results", "page.results"),
    ("/import_data", "page.import"),
    ("/users", "page.users"),
]
CUTTABLE = (
    "[data-testid='stMetricValue'] [data-testid='stMarkdownContainer'], "
    "[data-testid='stMetricLabel'] [data-testid='stMarkdownContainer']"
)
CJK = re.compile(r"[\u4e00-\u9fff]")
# Whole English sentences of the catalogue (no placeholder, several words): one of them on a
# Chinese page is a string that missed its translation.
ENGLISH_SENTENCES = sorted(
    {en for en, zh in CATALOGUE.values() if "{" not in en and en != zh and len(en.split()) >= 4}
)

STREAMLIT_ENGLISH = ("Choose options", "Choose an option", "No results")
UPLOADER_WORDS = (
    "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p, "
    "[data-testid='stFileUploaderDropzoneInstructions'] span"
)


def test_the_page_list_is_app_pys():
    import ast
    from pathlib import Path

    tree = ast.parse((Path(__file__).resolve().parents[2] / "app.py").read_text())
    listed = next(
        node.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "PAGES"
    )
    listed = [(entry.elts[0].value, entry.elts[1].value) for entry in listed.elts]
    assert listed == [(f"app_pages/{(p.split('?')[0].strip('/') or 'overview')}.py", k) for p, k in PAGES]


def _cut(pg) -> list[str]:
    return [
        text
        for text, scroll, client in (
            b.evaluate("e => [e.innerText, e.scrollWidth, e.clientWidth]") for b in pg.locator(CUTTABLE).all()
        )
        if scroll > client
    ]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_reads_in_full(browser, app_url, sample_db_path, lang, size):
    from clv_engine.db import Database

    db = Database(sample_db_path)
    customer = db.query_value("SELECT min(customer_id) FROM customers")
    db.close()
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=LOCALES[lang])
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    problems: list[str] = []
    try:
        for path, title_key in PAGES:
            pg.goto(app_url + path.format(customer=customer))
            wait_ready(pg)
            name = path.split("?")[0].strip("/") or "overview"
            main = pg.get_by_test_id("stMain")
            text = main.inner_text()
            heading = main.locator("h1").first.inner_text().strip()
            if pg.get_by_test_id("stException").count():
                problems.append(f"{name}: a traceback")
            if t("error.with_id", lang, id="X").split("X")[0][:30] in text:
                problems.append(f"{name}: a page error")
            problems += [f"{name}: cut {c!r}" for c in _cut(pg)]
            problems += [
                f"{name}: raw key {k!r}"
                for k in CATALOGUE
                if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text) and "." in k
            ]
            # The page is in the menu under its title, and the menu is not folded behind
            # Streamlit's own English "View 4 more".
            menu = pg.get_by_test_id("stSidebarNav").inner_text()
            if t(title_key, lang) not in menu or re.search(r"View \d+ more", menu):
                problems.append(f"{name}: menu {menu!r}")
            if lang == "zh":
                if not CJK.search(heading):
                    problems.append(f"{name}: title in English {heading!r}")
                problems += [f"{name}: English {s!r}" for s in ENGLISH_SENTENCES if s in text]
                # Streamlit's own English: an empty multiselect's or selectbox's placeholder ...
                problems += [f"{name}: Streamlit's {s!r}" for s in STREAMLIT_ENGLISH if s in text]
                # ... and a file uploader's words, drawn over in Chinese (ui.widgets.uploader_style).
                for shown in pg.locator(UPLOADER_WORDS).all():
                    drawn = shown.evaluate(
                        "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
                    )
                    if drawn[0] != "0px" or not CJK.search(drawn[1]):
                        problems.append(f"{name}: uploader {shown.inner_text()!r} {drawn}")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(SCREENSHOTS / f"every_{name}_{lang}_{size[0]}x{size[1]}.png"))
        assert problems == []
    finally:
        context.close()
