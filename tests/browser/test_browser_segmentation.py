"""A real browser: the segmentation page, a store picked, its breakdown changes; screenshots."""

from tests.browser.util import pick, screenshot, wait_ready


def _store_caption(page) -> str:
    return page.locator("[data-testid='stCaptionContainer']").filter(has_text="customers;").first.inner_text()


def test_segmentation_pick_a_store(page, app_url):
    page.goto(app_url + "/segmentation")
    wait_ready(page)
    assert page.get_by_text("Segmentation: who is worth what").is_visible()
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Customers scored")
    assert "3,000" in metric.inner_text()
    before = _store_caption(page)
    screenshot(page, "segmentation_en")

    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Show the breakdown of")
    pick(page, box, "广州天河店")
    wait_ready(page)
    after = _store_caption(page)
    assert after != before
    assert after.startswith("广州天河店")
    box.scroll_into_view_if_needed()
    screenshot(page, "segmentation_store")


def test_segmentation_six_groups(page, app_url):
    page.goto(app_url + "/segmentation")
    wait_ready(page)
    pick(page, page.locator("[data-testid='stSelectbox']").filter(has_text="Scheme"), "six groups")
    wait_ready(page)
    assert (
        page.locator("[data-testid='stMetric']")
        .filter(has_text="VIP + High value: share of customers")
        .count()
        == 1
    )
    screenshot(page, "segmentation_six")
