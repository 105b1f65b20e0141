"""In a real browser, hostile customer text makes no link, no image and runs no script.

The server runs on the database of tests/test_text_safety.py (customer ids and names, store
names and regions, vehicle models, VINs, channel codes and an order kind are Markdown links
and images, HTML tags, bare URLs and formulas). Every page, and the lookup of such a
customer, is checked in the DOM, Plotly's SVG included (its links use xlink:href).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.util import screenshot, streamlit_server, wait_ready
from tests.test_text_safety import EVIL_ID, PAGES, build_evil_database
from ui.safe import RAISE_ENV, WORD_JOINER

# Any namespace's href (HTML href, SVG xlink:href) and any image source.
LINKS = 'a[href*="evil.example"], a[*|href*="evil.example"]'
IMAGES = 'img[src*="evil.example"], img[onerror], image[*|href*="evil.example"]'


@pytest.fixture(scope="module")
def evil_url(tmp_path_factory: pytest.TempPathFactory):
    db = build_evil_database(tmp_path_factory.mktemp("evil_browser") / "evil.duckdb")
    # The server as a reader meets it: page errors caught and shown with an id.
    with streamlit_server(db, db.parent / "streamlit.log", unset=(RAISE_ENV,)) as url:
        yield url


@pytest.fixture()
def evil_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    context.close()


def _assert_clean(pg, where: str) -> None:
    links = pg.eval_on_selector_all(LINKS, "els => els.map(e => e.outerHTML)")
    images = pg.eval_on_selector_all(IMAGES, "els => els.map(e => e.outerHTML)")
    assert links == [], f"{where}: links {links}"
    assert images == [], f"{where}: images {images}"
    assert pg.dialogs == [], f"{where}: a script ran: {pg.dialogs}"
    # No traceback or server path reached the page.
    assert pg.get_by_test_id("stException").count() == 0, where
    assert "Traceback" not in pg.inner_text("body"), where


def test_every_page_shows_hostile_text_as_text(evil_page, evil_url):
    for name in PAGES:
        evil_page.goto(f"{evil_url}/{name}")
        wait_ready(evil_page)
        _assert_clean(evil_page, name)


def test_lookup_of_a_hostile_customer(evil_page, evil_url):
    evil_page.goto(f"{evil_url}/lookup?lookup_query={quote(EVIL_ID, safe='')}")
    wait_ready(evil_page)
    screenshot(evil_page, "text_safety_lookup")
    # The customer is open and their id shows as the literal text it is.
    # (md() puts an invisible word joiner inside "http://" so it is no autolink.)
    headings = [h.replace(WORD_JOINER, "") for h in evil_page.get_by_role("heading").all_inner_texts()]
    assert any(EVIL_ID in h for h in headings), headings
    _assert_clean(evil_page, "lookup")


def test_a_page_error_shows_an_id_not_a_traceback(browser, tmp_path_factory):
    """A broken database (a renamed column) makes the churn page fail: the reader sees a short
    message with an error id; the server log holds the trace under that id."""
    import re

    import duckdb

    from sample_data.generate import generate

    folder = tmp_path_factory.mktemp("broken_browser")
    db = generate(300, 5, folder / "broken.duckdb")
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE complaints RENAME COLUMN opened TO opened_on")
    con.close()
    log = folder / "streamlit.log"
    with streamlit_server(db, log, unset=(RAISE_ENV,)) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        pg = context.new_page()
        pg.goto(f"{url}/churn")
        wait_ready(pg)
        alert = pg.get_by_test_id("stAlertContentError").filter(has_text="error id")
        text = alert.inner_text()
        body = pg.inner_text("body")
        exceptions = pg.get_by_test_id("stException").count()
        context.close()
    error_id = re.search(r"error id ([0-9a-f]{8})", text).group(1)
    assert exceptions == 0
    assert "Traceback" not in body and "opened" not in body and str(folder) not in body
    server_log = log.read_text()
    assert f"page error {error_id}" in server_log and "Traceback" in server_log and "opened" in server_log
