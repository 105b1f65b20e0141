"""A real browser: the overview's figures, a language switch, a deep link; screenshots."""

from tests.browser.util import screenshot, wait_ready


def test_overview_and_language_switch(page, app_url):
    page.goto(app_url)
    wait_ready(page)
    assert page.get_by_text("Overview: what our customers are worth").is_visible()
    metric = page.locator("[data-testid='stMetric']").filter(has_text="DCF CLV")
    assert "¥18,702" in metric.inner_text()
    screenshot(page, "overview_en")
    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    wait_ready(page)
    page.get_by_text("总览：我们的客户价值几何").wait_for(timeout=30_000)
    screenshot(page, "overview_zh")


def test_deep_link_keeps_the_frame(page, app_url):
    page.goto(app_url + "/overview")
    wait_ready(page)
    assert (
        page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).is_visible()
    )  # the sidebar frame is there
    assert page.get_by_text("Overview: what our customers are worth").is_visible()
