"""A real browser: the churn call list and its Excel download; a customer looked up; screenshots."""

import io

import openpyxl
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.util import screenshot, wait_ready


def test_churn_page_and_excel_download(page, app_url):
    page.goto(app_url + "/churn")
    wait_ready(page)
    assert page.get_by_text("Churn early warning: who to call this week").is_visible()
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Customers on the list")
    listed = int(metric.locator("[data-testid='stMetricValue']").inner_text().replace(",", ""))
    assert listed > 0
    screenshot(page, "churn_en")
    # The Excel file is built when the button is clicked and holds the whole list.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download Excel").click()
    book = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert book.sheetnames == ["Call list", "By level", "Method"]
    assert book["Call list"].max_row - 1 == listed


def test_lookup_a_customer(page, app_url):
    page.goto(app_url + "/lookup")
    wait_ready(page)
    box = page.get_by_role("textbox", name="Customer id, VIN or name")
    box.fill("C0000310")
    box.press("Enter")
    wait_ready(page)
    # The rerun starts a moment after Enter: wait for the profile itself.
    expect(page.get_by_role("heading", name="C0000310").first).to_be_visible(timeout=60_000)
    wait_ready(page)
    expect(page.locator("[data-testid='stMetric']").filter(has_text="Network value").first).to_be_visible()
    expect(page.get_by_text("Recommended action")).to_be_visible()
    screenshot(page, "lookup_en")


def test_call_list_row_opens_the_customers_lookup(page, app_url):
    """Clicking "Open" on the call list's first row opens the lookup of that customer in a new
    tab (the link is relative, "lookup?lookup_query=<id>", so it resolves next to /churn)."""
    import csv

    page.goto(app_url + "/churn")
    wait_ready(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    assert "all_stores" in info.value.suggested_filename
    with open(info.value.path(), encoding="utf-8-sig") as f:
        first = next(csv.DictReader(f))["Customer"]
    grid = page.locator("[data-testid='stDataFrame']").last  # the call list is the last table
    grid.scroll_into_view_if_needed()
    expect(grid).to_be_in_viewport(ratio=1)
    box = grid.bounding_box()
    # The table is drawn on a canvas: click along the first row until the link cell opens a tab
    # (each click waits a moment for the tab's "page" event, and goes on when none comes).
    lookup = None
    for x in range(100, 400, 15):
        page.mouse.click(box["x"] + x, box["y"] + 35 + 18)
        try:
            lookup = page.context.wait_for_event("page", timeout=1_000)
            break
        except PlaywrightTimeout:
            if len(page.context.pages) > 1:  # it opened while no one was listening
                lookup = page.context.pages[-1]
                break
    assert lookup is not None, "no cell of the first row opened the lookup"
    lookup.set_default_timeout(60_000)
    assert lookup.url.endswith("/lookup?lookup_query=" + first)
    wait_ready(lookup)
    expect(lookup.get_by_role("heading", name=first).first).to_be_visible(timeout=60_000)
    screenshot(lookup, "churn_link_to_lookup")
