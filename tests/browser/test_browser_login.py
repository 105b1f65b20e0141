"""Logging in for real: Streamlit's st.login against a standards-conformant OpenID Connect
provider (panva/oidc-provider from npm, tests/oidc/provider.mjs) on loopback.

A director and a store manager each log in through the provider's sign-in and consent pages
and see what their role allows; someone the provider knows but the app does not is refused.
Needs `npm ci --prefix tests/oidc` (done by .ci/run); missing, it is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clv_engine import access
from clv_engine.db import Database
from tests.browser.util import free_port, screenshot, wait_for_url, wait_ready

ROOT = Path(__file__).resolve().parents[2]
OIDC = ROOT / "tests" / "oidc"
CLIENT_ID = "clv-app"
CLIENT_SECRET = "clv-test-secret"


@pytest.fixture(scope="module")
def login_app(sample_db_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """The app with [auth] pointing at a local OpenID Connect provider; yields its URL."""
    assert (OIDC / "node_modules" / "oidc-provider").exists(), (
        "oidc-provider is not installed: npm ci --prefix tests/oidc (see .ci/run)"
    )
    work = tmp_path_factory.mktemp("login")
    db_path = work / "login.duckdb"
    db_path.write_bytes(sample_db_path.read_bytes())
    db = Database(db_path)
    access.save_user(db, "boss@dealer.cn", "Wang Fang", "director")
    access.save_user(db, "li@dealer.cn", "Li Lei", "store_manager", ["S02"])
    db.close()

    idp_port, app_port = free_port(), free_port()
    redirect_uri = f"http://localhost:{app_port}/oauth2callback"
    idp_log = work / "oidc.log"
    idp = subprocess.Popen(
        ["node", str(OIDC / "provider.mjs")],
        cwd=OIDC,
        stdout=open(idp_log, "w"),
        stderr=subprocess.STDOUT,
        env=dict(
            os.environ,
            PORT=str(idp_port),
            REDIRECT_URI=redirect_uri,
            CLIENT_ID=CLIENT_ID,
            CLIENT_SECRET=CLIENT_SECRET,
        ),
    )
    secrets = work / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect_uri}"\n'
        f'cookie_secret = "{os.urandom(24).hex()}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "http://localhost:{idp_port}/.well-known/openid-configuration"\n'
        # Streamlit asks for prompt=select_account by default, which oidc-provider does not
        # offer (its discovery lists login, consent, none).
        'client_kwargs = { prompt = "login" }\n'
    )
    app_log = work / "streamlit.log"
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(app_port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--secrets.files",
            str(secrets),
        ],
        cwd=ROOT,
        env=dict(os.environ, CLV_DB=str(db_path)),
        stdout=open(app_log, "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_url(
            f"http://localhost:{idp_port}/.well-known/openid-configuration", "oidc-provider", idp, idp_log
        )
        wait_for_url(f"http://localhost:{app_port}/_stcore/health", "Streamlit", app, app_log)
        yield f"http://localhost:{app_port}", db_path
    finally:
        for process in (app, idp):
            process.terminate()
            process.wait(10)


@pytest.fixture()
def fresh_page(browser):
    # Each user in a new browser context: no cookie of the previous login.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def log_in(pg, app_url: str, account: str) -> None:
    pg.goto(app_url)
    wait_ready(pg)
    # Not logged in: nothing but the login screen (no page, no navigation).
    assert pg.get_by_test_id("stSidebarNav").count() == 0
    pg.get_by_role("button", name="Log in").click()
    # The provider's own sign-in page, then its consent page.
    pg.wait_for_selector("input[name=login]")
    pg.fill("input[name=login]", account)
    pg.fill("input[name=password]", "any")
    pg.get_by_role("button", name="Sign-in").click()
    pg.get_by_role("button", name="Continue").click()
    pg.wait_for_url(f"{app_url}/**")
    wait_ready(pg)


def nav_labels(pg) -> list[str]:
    # A long menu is folded after a few pages ("View 5 more"): unfold it first.
    more = pg.get_by_test_id("stSidebarNav").get_by_text(re.compile(r"View \d+ more"))
    if more.count():
        more.first.click()
        pg.get_by_test_id("stSidebarNav").get_by_text("View less").wait_for()
    # Each link reads "<icon name>\n\n<title>": keep the title.
    return [
        t.strip().split("\n")[-1] for t in pg.get_by_test_id("stSidebarNav").locator("a").all_inner_texts()
    ]


def test_director_logs_in_and_sees_users_and_import(login_app, fresh_page):
    app_url, _ = login_app
    pg = fresh_page
    log_in(pg, app_url, "director")
    sidebar = pg.get_by_test_id("stSidebar")
    sidebar.get_by_text("Logged in: Wang Fang · director").wait_for()
    labels = nav_labels(pg)
    assert "Users" in labels and "Import data" in labels
    pg.goto(app_url + "/users")
    wait_ready(pg)
    pg.get_by_role("heading", name="Users and audit log").wait_for()
    # The users table is a data grid (drawn on a canvas); its cells are in the grid's hidden
    # accessibility table once it has rendered: wait for them, retrying.
    expect(pg.get_by_test_id("stDataFrame").first.get_by_text("li@dealer.cn")).to_have_count(1)
    screenshot(pg, "login_director_users")
    pg.goto(app_url + "/import_data")
    wait_ready(pg)
    assert pg.get_by_test_id("stFileUploader").count() >= 1
    assert pg.get_by_text("Only a director can import data").count() == 0
    # Logging out ends the app session: back to the login screen.
    pg.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    # The provider ends its session too (its own confirmation page), then sends us back.
    pg.get_by_role("button", name="Yes, sign me out").click()
    pg.wait_for_url(f"{app_url}/**")
    wait_ready(pg)
    pg.get_by_role("button", name="Log in").wait_for()
    screenshot(pg, "login_after_logout")
    assert pg.get_by_test_id("stSidebarNav").count() == 0


def test_store_manager_is_refused_import_and_sees_only_their_store(login_app, fresh_page):
    app_url, db_path = login_app
    pg = fresh_page
    log_in(pg, app_url, "manager")
    sidebar = pg.get_by_test_id("stSidebar")
    sidebar.get_by_text("Logged in: Li Lei · store manager").wait_for()
    sidebar.get_by_text("Your stores: S02").wait_for()
    assert "Users" not in nav_labels(pg)
    # The store scope offers only S02.
    db = Database(db_path)
    names = dict(db.query_df("SELECT store_id, name FROM stores").itertuples(index=False))
    db.close()
    sidebar.get_by_test_id("stMultiSelect").locator("input").click()
    options = pg.get_by_role("option").all_inner_texts()
    pg.keyboard.press("Escape")
    assert len(options) == 1 and names["S02"] in options[0]
    screenshot(pg, "login_manager_overview")
    pg.goto(app_url + "/import_data")
    wait_ready(pg)
    pg.get_by_text("Only a director can import data. Your role: store manager.").wait_for()
    assert pg.get_by_test_id("stFileUploader").count() == 0
    screenshot(pg, "login_manager_import_refused")


def test_someone_the_app_does_not_know_is_refused(login_app, fresh_page):
    app_url, _ = login_app
    pg = fresh_page
    log_in(pg, app_url, "stranger")
    pg.get_by_text("is logged in but is not a user of this app").wait_for()
    assert pg.get_by_test_id("stSidebarNav").count() == 0
    assert pg.get_by_role("button", name="Log out").count() == 1
