"""A real browser: the CLV calculator's reference figures in each tab, in both languages."""
from tests.browser.util import screenshot, wait_ready


def _metric(page, label: str) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text=label).first.inner_text()


def test_calculator_tabs(page, app_url):
    page.goto(app_url + "/calculator")
    wait_ready(page)
    assert "¥10,500" in _metric(page, "CLV per customer")
    screenshot(page, "calculator_simple_en")
    page.get_by_role("tab", name="Discounted (DCF)").click()
    page.wait_for_timeout(500)
    assert "¥18,702" in _metric(page, "DCF CLV")
    screenshot(page, "calculator_dcf_en")
    page.get_by_role("tab", name="Extended warranty").click()
    page.wait_for_timeout(500)
    assert "¥9,200" in _metric(page, "Net value per buyer")
    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    wait_ready(page)
    page.get_by_role("tab", name="层级价值").click()
    page.wait_for_timeout(500)
    assert "78.6×" in _metric(page, "一位白金客户相当于普通客户")
    screenshot(page, "calculator_tier_zh")
