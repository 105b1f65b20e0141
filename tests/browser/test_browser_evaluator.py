"""A real browser on the investment evaluator: move a driver, see NPV move, take the report."""

from __future__ import annotations

import re

from tests.browser.util import screenshot, wait_ready
from wording import fmt

ANNUITY_12_3 = sum(1 / 1.12**t for t in (1, 2, 3))


def van_npv(uplift: float) -> float:
    """By hand: 1,500 customers' CLV uplift (a present value, counted once) less 800,000
    today and 200,000 a year for three years at 12 %."""
    return 1_500 * uplift - 800_000 - 200_000 * ANNUITY_12_3


def _metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )


def _metric_value(page, label: str) -> str:
    return _metric(page, label).get_by_test_id("stMetricValue").inner_text().strip()


def test_van_driver_moves_npv_and_the_report_downloads(page, app_url):
    page.goto(app_url + "/evaluator?ev_preset=mobile_van")
    wait_ready(page)
    assert _metric_value(page, "NPV") == fmt.money(van_npv(1_500), "en")
    assert _metric_value(page, "Net ROI") == "61%"

    uplift = page.get_by_role("spinbutton", name="CLV uplift per customer (¥)")
    uplift.fill("1200")
    uplift.press("Enter")
    wait_ready(page)
    moved = fmt.money(van_npv(1_200), "en")
    page.wait_for_function(
        "v => [...document.querySelectorAll(\"[data-testid='stMetricValue']\")].some(e => e.innerText.trim() === v)",
        arg=moved,
    )
    assert _metric_value(page, "NPV") == moved
    assert re.search(r"ev_mobile_van_g0_u=1200", page.url), page.url

    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="HTML report").locator("button").click()
    download = info.value
    assert download.suggested_filename == "business_case_mobile_van.html"
    text = open(download.path(), encoding="utf-8").read()
    assert "Business case: Mobile service van" in text
    assert f"¥{van_npv(1_200):,.0f}" in text  # the moved case, not the preset
    assert "Reference case" not in text  # its wording described the preset's inputs
    assert not re.search(r"<script[^>]+src=", text)

    page.set_viewport_size({"width": 1400, "height": 3200})
    wait_ready(page)
    screenshot(page, "evaluator_van_en")


def test_link_reproduces_a_case_in_chinese(page, app_url):
    page.goto(app_url + "/evaluator?ev_preset=member_day")
    wait_ready(page)
    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    wait_ready(page)
    page.get_by_text("投资评估：项目商业论证").wait_for(timeout=30_000)
    assert _metric_value(page, "净投资回报率") == "125%"
    # The case picker speaks the new language too (a selectbox keeps its old label otherwise).
    case = page.get_by_test_id("stSelectbox").first.locator("input")
    assert case.get_attribute("value") == "会员日"
    assert "ev_preset=member_day" in page.url
    screenshot(page, "evaluator_member_day_zh")


def test_saved_cases_side_by_side(page, app_url):
    # Two cases saved from the page (uplift ¥1,500 and ¥2,000), then compared side by side as
    # the allocator compares portfolios: each column its case's NPV, by hand.
    page.goto(app_url + "/evaluator?ev_preset=mobile_van")
    wait_ready(page)
    name = page.get_by_role("textbox", name="Name to save under")
    uplift = page.get_by_role("spinbutton", name="CLV uplift per customer (¥)")
    for label, value in (("Van compared, 1,500", "1500"), ("Van compared, 2,000", "2000")):
        uplift.fill(value)
        uplift.press("Enter")
        wait_ready(page)
        name.fill(label)
        name.press("Enter")
        wait_ready(page)
        page.get_by_role("button", name="Save case").click()
        wait_ready(page)
        page.get_by_text(f"Saved “{label}”.").first.wait_for(timeout=30_000)
    chooser = page.locator(".st-key-ev_compare")
    for label in ("Van compared, 1,500", "Van compared, 2,000"):
        chooser.locator("input").click()
        page.keyboard.type(label)
        page.get_by_role("option").filter(has_text=label).first.click()
        wait_ready(page)
    page.keyboard.press("Escape")
    grid = page.get_by_test_id("stDataFrame").last
    grid.scroll_into_view_if_needed()
    cells = grid.locator("[role='gridcell'], [role='columnheader']").all_inner_texts()
    for expected in (
        "Van compared, 1,500",
        "Van compared, 2,000",
        "This screen",
        fmt.money(van_npv(1_500), "en"),  # ¥969,634
        fmt.money(van_npv(2_000), "en"),  # 750,000 more
    ):
        assert expected in cells, (expected, cells)
    screenshot(page, "evaluator_compare_en")
