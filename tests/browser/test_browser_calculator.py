"""A real browser: the CLV calculator's reference figures in each tab, in both languages."""

from playwright.sync_api import expect

from tests.browser.util import screenshot, wait_ready


def _metric(page, label: str):
    return page.locator("[data-testid='stMetric']").filter(has_text=label).first


def test_calculator_tabs(page, app_url):
    page.goto(app_url + "/calculator")
    wait_ready(page)
    expect(_metric(page, "CLV per customer")).to_contain_text("¥10,500")
    screenshot(page, "calculator_simple_en")
    page.get_by_role("tab", name="Discounted (DCF)").click()
    expect(_metric(page, "DCF CLV")).to_contain_text("¥18,702")  # a tab switch: no rerun
    screenshot(page, "calculator_dcf_en")
    page.get_by_role("tab", name="Extended warranty").click()
    expect(_metric(page, "Net value per buyer")).to_contain_text("¥9,200")
    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    wait_ready(page)
    page.get_by_role("tab", name="层级价值").click()
    expect(_metric(page, "一位白金客户相当于普通客户")).to_contain_text("78.6×")
    screenshot(page, "calculator_tier_zh")
