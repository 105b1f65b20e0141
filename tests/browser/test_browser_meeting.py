"""A real browser at meeting-room sizes: headline figures are never cut, presentation mode.

At 1280×720 (a projector) and 1440×900, in both languages, every st.metric value and label on
the overview and the allocator must show in full: the element that would cut it with "…" is
as wide as its text (scrollWidth ≤ clientWidth), and the text is the whole figure. The
reference figures are SPEC's (the allocator's reference case: gain 16.4M for a 1.0M budget,
net value 15.4M) and the test database's size (3,000 customers).
"""

from __future__ import annotations

import pytest

from tests.browser.util import screenshot, wait_ready
from wording import fmt

SIZES = [(1280, 720), (1440, 900)]
LOCALES = {"en": "en-US", "zh": "zh-CN"}  # the app opens in the browser's language
# The markdown box inside a metric's value and label: it has overflow hidden and an ellipsis.
CUTTABLE = (
    "[data-testid='stMetricValue'] [data-testid='stMarkdownContainer'], "
    "[data-testid='stMetricLabel'] [data-testid='stMarkdownContainer']"
)
REFERENCE_NET = 16_400_000 - 1_000_000


def open_page(browser, app_url, path: str, lang: str, size: tuple[int, int]):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=LOCALES[lang])
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(app_url + path)
    wait_ready(pg)
    return pg


def cut_texts(pg) -> list[str]:
    """Every metric value or label whose text is wider than its box (shown with "…")."""
    boxes = pg.locator(CUTTABLE)
    assert boxes.count() > 0, "no metric on the page"
    return [
        text
        for text, scroll, client in (
            b.evaluate("e => [e.innerText, e.scrollWidth, e.clientWidth]") for b in boxes.all()
        )
        if scroll > client
    ]


def metric_value(pg, label: str) -> str:
    card = (
        pg.locator("[data-testid='stMetric']")
        .filter(has=pg.locator("[data-testid='stMetricLabel']", has_text=label))
        .first
    )
    return card.locator("[data-testid='stMetricValue']").inner_text().strip()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_headline_figures_are_never_cut(browser, app_url, lang, size):
    net_label = {"en": "Net value", "zh": "净值"}[lang]
    customers_label = {"en": "Customers", "zh": "客户数"}[lang]
    pg = open_page(browser, app_url, "/allocator", lang, size)
    try:
        assert metric_value(pg, net_label) == fmt.money(REFERENCE_NET, lang)  # ¥15.40M / ¥1,540万
        assert cut_texts(pg) == []
        pg.locator("[data-testid='stMetric']").first.scroll_into_view_if_needed()
        screenshot(pg, f"meeting_allocator_{lang}_{size[0]}x{size[1]}")
        pg.goto(app_url + "/")
        wait_ready(pg)
        assert metric_value(pg, customers_label) == "3,000"
        assert cut_texts(pg) == []
        screenshot(pg, f"meeting_overview_{lang}_{size[0]}x{size[1]}")
    finally:
        pg.context.close()


def _in_view(pg, locator, height: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presentation_mode_puts_the_decision_in_one_screen(browser, app_url, lang):
    pg = open_page(browser, app_url, "/allocator?present=1", lang, (1280, 720))
    try:
        assert pg.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true"
        values = pg.locator("[data-testid='stMetricValue']")
        assert values.count() == 6
        # The budget and every total on the first screen, without scrolling.
        assert _in_view(pg, pg.get_by_role("slider"), 720)
        for i in range(6):
            assert _in_view(pg, values.nth(i), 720), values.nth(i).inner_text()
        # Larger type than the 36 px of a normal card, and still nothing cut.
        size = values.first.evaluate("e => parseFloat(getComputedStyle(e.querySelector('p') || e).fontSize)")
        assert size >= 44
        assert cut_texts(pg) == []
        # The light theme stays (a projector washes out a dark one).
        background = pg.get_by_test_id("stApp").evaluate("e => getComputedStyle(e).backgroundColor")
        assert background == "rgb(255, 255, 255)"
        screenshot(pg, f"meeting_present_allocator_{lang}")

        pg.goto(app_url + "/evaluator?present=1")
        wait_ready(pg)
        npv = {"en": "NPV", "zh": "净现值"}[lang]
        card = (
            pg.locator("[data-testid='stMetric']")
            .filter(has=pg.locator("[data-testid='stMetricLabel']", has_text=npv))
            .first
        )
        assert _in_view(pg, card, 720)
        assert _in_view(pg, pg.get_by_role("slider").first, 720)  # the horizon, an input
        assert cut_texts(pg) == []
        screenshot(pg, f"meeting_present_evaluator_{lang}")
    finally:
        pg.context.close()


def test_presentation_toggle_folds_the_sidebar_and_writes_the_link(browser, app_url):
    pg = open_page(browser, app_url, "/allocator", "en", (1280, 720))
    try:
        sidebar = pg.get_by_test_id("stSidebar")
        assert sidebar.get_attribute("data-collapsed") == "false"
        sidebar.get_by_text("Presentation mode").click()
        wait_ready(pg)
        pg.wait_for_function("location.search.includes('present=1')", timeout=15_000)
        pg.wait_for_function(
            "document.querySelector(\"[data-testid='stSidebar']\").getAttribute('data-collapsed') === 'true'",
            timeout=15_000,
        )
        screenshot(pg, "meeting_present_toggle")
    finally:
        pg.context.close()
