"""A real browser: a store manager types an owner on the call list's table and saves it."""

import re

from playwright.sync_api import expect

from tests.browser.util import screenshot, wait_ready


def test_mark_a_row_on_the_list_and_save(page, app_url):
    page.goto(app_url + "/results")
    wait_ready(page)
    expect(page.get_by_text("Results: did the calls bring customers back?")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The first data row's first cell (header row ~35 px), then across to the owner column.
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)
    expect(grid.get_by_test_id("data-grid-canvas")).to_be_focused()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    page.keyboard.type("Z")  # typing on a selected cell opens its editor
    editor = page.locator("textarea.gdg-input")
    expect(editor).to_be_visible()
    editor.fill("Zhang Wei")
    page.keyboard.press("Enter")
    wait_ready(page)  # the edit reaches the server (a rerun) before the click
    page.get_by_role("button", name="Save the marked rows").click()
    wait_ready(page)
    expect(page.get_by_text("Contacts saved: 1.")).to_be_visible(timeout=30_000)
    screenshot(page, "results_en")


def test_the_issue_panel_and_the_other_tabs_open_on_a_click(page, app_url):
    """Ranked and drawn only when opened (issue 14): a click on the expander shows the issue
    button, a click on a tab shows that tab's inputs."""
    page.goto(app_url + "/results")
    wait_ready(page)
    issue = page.get_by_role("button", name=re.compile(r"^Issue the list of"))
    expect(issue).to_have_count(0)  # a list exists: the expander starts closed, nothing ranked
    page.get_by_text("Issue a call list", exact=True).click()
    wait_ready(page)
    expect(issue).to_be_visible()
    expect(page.get_by_role("button", name="Save this contact")).to_have_count(0)
    page.get_by_role("tab", name="One customer").click()
    wait_ready(page)
    expect(page.get_by_role("button", name="Save this contact")).to_be_visible()
