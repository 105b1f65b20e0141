"""A real browser: click a tier bar and see the customers behind it; the overview's CLV bridge."""

import re

from clv_engine import clv
from clv_engine import segmentation as seg
from clv_engine.db import Database
from tests.browser.util import screenshot, wait_ready


def _tier_counts(sample_db_path) -> dict[str, int]:
    db = Database(sample_db_path)
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    frame = seg.with_values(
        seg.score_customers(db, as_of, None, seg.RfmlRules()), clv.customer_values(db, as_of)
    )
    b = seg.tier_breakdown(frame, "rfml")
    return dict(zip(b["tier"], b["customers"]))


def test_click_a_tier_bar_lists_its_customers(page, app_url, sample_db_path):
    page.goto(app_url + "/segmentation")
    wait_ready(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    assert page.get_by_text("Click a bar or cell to list the customers behind it.").first.is_visible()
    # The first trace's bars, one per tier in the scheme's order: platinum, gold, ...
    bars = chart.locator("g.trace.bars").first.locator("g.point path")
    # Plotly's drag layer lies over the bars: click where a person would, on the bar's middle.
    box = bars.nth(1).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_ready(page)
    title = (
        page.locator("[data-testid='stMarkdownContainer']")
        .filter(has_text="customers behind the selection")
        .first
    )
    title.wait_for(timeout=30_000)
    n = int(re.search(r"([\d,]+) customers behind", title.inner_text()).group(1).replace(",", ""))
    assert n == _tier_counts(sample_db_path)["gold"]
    assert "Gold" in title.inner_text()
    assert page.get_by_role("button", name="Download the list (CSV)").first.is_visible()
    assert page.get_by_role("button", name="Download the list (Excel)").first.is_visible()
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "drill_tier_full")).replace("_full", "_view"))


def test_overview_bridge(page, app_url):
    page.goto(app_url + "/")
    wait_ready(page)
    assert page.get_by_text(re.compile(r"What moved the total CLV since \d{4}-\d\d-\d\d")).first.is_visible()
    assert page.locator("[data-testid='stMetricDelta']").count() >= 5
    page.get_by_text("What moved the total CLV").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "drill_bridge_full")).replace("_full", "_view"))


def test_click_a_cohort_cell_lists_its_customers(page, app_url):
    page.goto(app_url + "/channels")
    wait_ready(page)
    chart = page.locator(".st-key-ch_cohort_heat [data-testid='stPlotlyChart']")
    chart.scroll_into_view_if_needed()
    cell = chart.locator("g.trace.scatter path.point").first
    box = cell.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_ready(page)
    title = (
        page.locator("[data-testid='stMarkdownContainer']")
        .filter(has_text="customers behind the selection")
        .first
    )
    title.wait_for(timeout=30_000)
    assert re.search(r"\d+ customers behind the selection: .+ · year \d", title.inner_text())
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "drill_cohort_full")).replace("_full", "_view"))
    n = int(re.search(r"([\d,]+) customers behind", title.inner_text()).group(1).replace(",", ""))
    assert n > 0 and page.get_by_role("button", name="Download the list (Excel)").first.is_visible()


def test_headlines_readable_in_chinese_at_1280(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    pg = context.new_page()
    try:
        pg.goto(app_url + "/")
        wait_ready(pg)
        # The browser asks for Chinese (locale zh-CN): the app opens in Chinese.
        assert pg.get_by_text(re.compile(r"自 \d{4}-\d\d-\d\d 以来 CLV 合计的变化来源")).first.is_visible()
        pg.screenshot(path=str(screenshot(pg, "drill_overview_zh_full")).replace("_full", "_view"))
        pg.locator(".st-key-ov_bridge").scroll_into_view_if_needed()
        pg.screenshot(path=str(screenshot(pg, "drill_overview_zh_full")).replace("_full", "_bridge"))
        pg.goto(app_url + "/kpi")
        wait_ready(pg)
        assert pg.locator("[data-testid='stMetricDelta']").filter(has_text="个百分点").count() >= 1
        pg.screenshot(path=str(screenshot(pg, "drill_kpi_zh_full")).replace("_full", "_view"))
    finally:
        context.close()


def test_click_a_store_row_lists_its_customers(page, app_url, sample_db_path):
    page.goto(app_url + "/segmentation")
    wait_ready(page)
    chart = page.locator(".st-key-seg_chart_compare [data-testid='stPlotlyChart']")
    chart.scroll_into_view_if_needed()
    # The first trace (Platinum) has one horizontal bar per store; click the first store's.
    bar = chart.locator("g.trace.bars").first.locator("g.point path").first
    title = _platinum_of_a_store_listed(page, bar, sample_db_path)
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "drill_store_full")).replace("_full", "_view"))


def test_select_a_kpi_store_row_lists_its_customers(page, app_url, sample_db_path):
    page.goto(app_url + "/kpi")
    wait_ready(page)
    grid = page.locator(".st-key-kpi_table")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The row-selection marker sits left of the first row (header ~35 px, rows ~35 px).
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)
    wait_ready(page)
    title = (
        page.locator("[data-testid='stMarkdownContainer']")
        .filter(has_text="customers behind the selection")
        .first
    )
    title.wait_for(timeout=30_000)
    text = title.inner_text()
    n = int(re.search(r"([\d,]+) customers behind", text).group(1).replace(",", ""))
    db = Database(sample_db_path)
    store, name = next(
        (s, nm) for s, nm in db.query_df("SELECT store_id, name FROM stores").values if nm in text
    )
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    known = db.query_value(
        "SELECT count(*) FROM customers c WHERE home_store_id = ? AND coalesce(purchase_date, "
        "(SELECT min(order_date) FROM orders o WHERE o.customer_id = c.customer_id)) <= ?",
        [store, as_of],
    )
    assert n == known
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "drill_kpi_row_full")).replace("_full", "_view"))


def test_click_the_churn_curve_lists_the_first_n(page, app_url):
    page.goto(app_url + "/churn")
    wait_ready(page)
    chart = page.locator(".st-key-churn_chart_curve [data-testid='stPlotlyChart']")
    chart.scroll_into_view_if_needed()
    points = chart.locator("g.trace.scatter path.point")
    target = points.nth(min(5, points.count() - 1))
    box = target.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_ready(page)
    title = (
        page.locator("[data-testid='stMarkdownContainer']")
        .filter(has_text="customers behind the selection")
        .first
    )
    title.wait_for(timeout=30_000)
    m = re.search(
        r"([\d,]+) customers behind the selection: the first ([\d,]+) of the ranking", title.inner_text()
    )
    assert m and m.group(1) == m.group(2)
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "drill_churn_full")).replace("_full", "_view"))


def test_click_a_group_cell_lists_its_customers(page, app_url, sample_db_path):
    # The store × tier heat map of profit shares: a cell opens the customers of that store
    # in that tier, as many as the scored customers of that store and tier.
    page.goto(app_url + "/segmentation")
    wait_ready(page)
    chart = page.locator(".st-key-seg_chart_heat [data-testid='stPlotlyChart']")
    chart.scroll_into_view_if_needed()
    # Invisible markers on the cells carry the ids; the first is the first store's first tier.
    cell = chart.locator("g.trace.scatter path.point").first
    title = _platinum_of_a_store_listed(page, cell, sample_db_path)
    assert page.get_by_role("button", name="Download the list (Excel)").first.is_visible()
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "drill_group_cell_full")).replace("_full", "_view"))


def _platinum_of_a_store_listed(page, mark, sample_db_path):
    """Click ``mark`` (a store's platinum bar or cell); the list under the chart must hold as
    many customers as the scored platinum customers of the store it names. Returns its title."""
    box = mark.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_ready(page)
    title = (
        page.locator("[data-testid='stMarkdownContainer']")
        .filter(has_text="customers behind the selection")
        .first
    )
    title.wait_for(timeout=30_000)
    text = title.inner_text()
    assert "Platinum" in text and "·" in text
    n = int(re.search(r"([\d,]+) customers behind", text).group(1).replace(",", ""))
    db = Database(sample_db_path)
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    frame = seg.with_values(
        seg.score_customers(db, as_of, None, seg.RfmlRules()), clv.customer_values(db, as_of)
    )
    store = next(s for s, name in db.query_df("SELECT store_id, name FROM stores").values if name in text)
    assert n == int(((frame["home_store_id"] == store) & (frame["tier"] == "platinum")).sum())
    return title
