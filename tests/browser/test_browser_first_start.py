"""A real browser on the very first start: while the sample database is built, the sidebar
shows the real menu or nothing, never Streamlit's raw lowercase list of files (issue 17).

The app runs from a copy of the project's tracked files without a sample database and without
CLV_DB, as on a fresh machine; the test looks while the progress bar is up, then stops.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.util import ROOT, SCREENSHOTS, free_port, wait_for_url
from wording import t

# What a folder named pages/ would make Streamlit list: the files' stems, lowercase.
RAW_NAMES = ("overview", "segmentation", "churn", "lookup", "kpi", "allocator", "evaluator", "import data")


def _fresh_copy(target: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file() and not name.startswith("tests/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    assert not (target / "sample_data" / "clv_sample.duckdb").exists()


def test_sidebar_while_the_sample_is_built(browser, tmp_path):
    app = tmp_path / "app"
    _fresh_copy(app)
    port = free_port()
    log = tmp_path / "streamlit.log"
    env = {k: v for k, v in os.environ.items() if k != "CLV_DB"}  # no CLV_DB: the bundled sample
    with open(log, "w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=app,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    pg = context.new_page()
    try:
        wait_for_url(url + "/_stcore/health", "Streamlit server", server, log)
        pg.goto(url)
        building = pg.get_by_text(t("building.sample", "en", n=10_000).split("(")[0].strip())
        expect(building.first).to_be_visible(timeout=60_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / "first_start_building_en.png"))
        links = [x.strip() for x in pg.get_by_test_id("stSidebarNav").locator("a").all_inner_texts()]
        titles = [x.split("\n")[-1] for x in links]
        # Nothing, or the real menu: never the files' lowercase stems.
        assert not any(x.lower() in RAW_NAMES for x in titles if x == x.lower()), titles
        assert not titles or t("page.overview", "en") in titles, titles
        assert building.first.is_visible()  # still building: the sidebar was read meanwhile
    finally:
        context.close()
        server.terminate()
        server.wait(10)
