"""Deep links and a server's first requests, in a real browser (issue 12).

- Opening ``/overview`` (the default page's own path) or any page's path directly shows that
  page in the frame, with no "Page not found" dialog, in Chinese as in English.
- Right after a server starts, several sessions opening different pages at once all render
  (concurrent first requests raised ``KeyError: st.session_state has no key "_context"``).
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ROOT
from tests.browser.util import screenshot, streamlit_server, wait_ready
from wording import t

PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
TITLE_KEYS = {"overview": "ov.title"}


def _no_error_shown(page) -> None:
    assert page.get_by_test_id("stException").count() == 0, page.get_by_test_id(
        "stException"
    ).first.inner_text()
    body = page.locator("body").inner_text()
    assert "Page not found" not in body and "页面未找到" not in body
    assert "Traceback" not in body and "_context" not in body
    assert page.get_by_role("dialog").count() == 0


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("en-US", "en")])
def test_overview_deep_link(browser, app_url, locale, lang):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(app_url + "/overview")
        wait_ready(page)
        _no_error_shown(page)
        # The page in the browser's language, inside the frame (sidebar with its language switch).
        page.get_by_text(t("ov.title", lang), exact=True).wait_for()
        assert page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).is_visible()
        assert re.search(r"/overview$", page.url)
        screenshot(page, f"deeplink_overview_{lang}")
    finally:
        context.close()


def test_every_page_path_opens_its_page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        for name in PAGES:
            page.goto(f"{app_url}/{name}")
            wait_ready(page)
            _no_error_shown(page)
            assert re.search(rf"/{name}(\?.*)?$", page.url), (name, page.url)
            screenshot(page, f"deeplink_{name}")
    finally:
        context.close()


def test_concurrent_first_requests_after_a_server_start(browser, sample_db_path, tmp_path):
    db = tmp_path / "fresh.duckdb"
    db.write_bytes(sample_db_path.read_bytes())
    opened = ["overview", "segmentation", "churn", "kpi", "channels", "lookup"]
    log = tmp_path / "streamlit.log"
    with streamlit_server(db, log) as url:
        contexts = [
            browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN" if i % 2 else "en-US")
            for i in range(len(opened))
        ]
        try:
            pages = [c.new_page() for c in contexts]
            # Every session asks at once, before any has finished its first run.
            for page, name in zip(pages, opened):
                page.set_default_timeout(120_000)
                page.goto(f"{url}/{name}", wait_until="commit")
            for page, name in zip(pages, opened):
                wait_ready(page)
                _no_error_shown(page)
                assert re.search(rf"/{name}(\?.*)?$", page.url), (name, page.url)
        finally:
            for c in contexts:
                c.close()
    text = log.read_text()
    assert "KeyError" not in text and "Traceback" not in text, text[-3000:]
