"""A real Streamlit server and Debian's Chromium, driven by Playwright.

Missing Chromium is a failure, not a skip: CI installs it (.ci/run).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.chromium import CHROMIUM
from deploy.chromium import CHROMIUM_FLAGS as BASE_FLAGS
from tests.browser.util import streamlit_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [*BASE_FLAGS, "--disable-quic"]


@pytest.fixture(scope="session")
def app_url(sample_db_path: Path, tmp_path_factory: pytest.TempPathFactory):
    # A private copy: browser tests may save scenarios or import data.
    db = tmp_path_factory.mktemp("browser_db") / "browser.duckdb"
    db.write_bytes(sample_db_path.read_bytes())
    with streamlit_server(db, db.parent / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: install Debian's chromium (see .ci/run)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
