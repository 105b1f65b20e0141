"""A real browser on the channels page: switch the cohort dimension, move a simulator slider,
a deep link that reproduces the simulator; screenshots."""

import re
from urllib.parse import urlencode

from playwright.sync_api import expect

from tests.browser.util import screenshot, wait_ready

TITLE = "Channels and cohorts: which acquisition channels pay"


def _metric(page, label: str) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text=label).inner_text()


def test_cohort_dimension_and_simulator_slider(page, app_url):
    page.goto(app_url + "/channels")
    wait_ready(page)
    assert page.get_by_text(TITLE).is_visible()
    before = _metric(page, "New customers after the shift")

    # Cohorts by channel: the table's first column shows the channel names.
    page.locator(".st-key-ch_cohort_dim-en").get_by_role("radio", name="Channel", exact=True).click()
    wait_ready(page)
    # A translated choice is written to the URL as its id, the same link in every language.
    page.wait_for_url("**ch_cohort_dim=channel**")
    cohort_table = page.get_by_test_id("stDataFrame").last
    cohort_table.scroll_into_view_if_needed()
    assert cohort_table.is_visible()

    # The share slider: 30% → 40% with the keyboard (two steps of 5).
    slider = (
        page.get_by_test_id("stSlider").filter(has_text="Share of their spend moved").get_by_role("slider")
    )
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('ch_sim_share=40')", timeout=10_000)
    metric = page.locator("[data-testid='stMetric']").filter(has_text="New customers after the shift")
    expect(metric).not_to_have_text(before, timeout=20_000)  # the rerun with 40% has drawn
    wait_ready(page)
    assert "40%" in page.get_by_test_id("stSlider").filter(has_text="Share of their spend moved").inner_text()
    screenshot(page, "channels_en")


def test_deep_link_reproduces_the_seed_shift(page, app_url):
    # Reference table, equal customers per channel, linear returns: 2.9× → 4.8× (SPEC §6).
    query = urlencode(
        {"ch_sim_base": "spec_customers", "ch_sim_beta": "1.0", "ch_cohort_dim": "region", "ch_horizon": "5"}
    )
    page.goto(app_url + "/channels?" + query)
    wait_ready(page)
    text = _metric(page, "Blended LTV/CAC, before → after")
    assert re.search(r"2\.9× → 4\.8×", text), text
    assert page.get_by_text("LTV per customer at 5 years", exact=False).first.is_visible()
    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    wait_ready(page)
    page.get_by_text("渠道与客群：哪些获客渠道值得投入").wait_for(timeout=30_000)
    # The choices survive the language switch and the next interaction (one widget per
    # language: ui.widgets.translated_choice).
    horizon = page.locator(".st-key-ch_horizon").get_by_role("slider")
    horizon.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".st-key-ch_horizon")).to_contain_text("6", timeout=20_000)
    wait_ready(page)
    base = page.locator(".st-key-ch_sim_base-zh input")
    assert [base.nth(i).is_checked() for i in range(3)] == [False, True, False]
    assert "2.9× → 4.8×" in _metric(page, "整体 LTV/CAC（调整前 → 后）")
    assert page.locator(".st-key-ch_cohort_dim-zh [aria-checked='true']").inner_text() == "区域"
    screenshot(page, "channels_zh")
