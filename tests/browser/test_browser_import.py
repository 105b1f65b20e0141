"""A real browser: upload a small CSV, map a column by hand, import, see the overview change.

The import replaces the data, so this module runs its own server on its own copy of the
sample database (the shared ``app_url`` server stays as the other browser tests expect it).
"""

from __future__ import annotations

import pytest

from tests.browser.util import screenshot, streamlit_server, wait_ready

# Three customers; "Kunde" is a header the importer cannot guess, so it is mapped by hand.
CSV = (
    "Kunde,工单日期,金额,毛利\n"
    'K1,2026-09-01,1200,480\nK1,2026-10-15,800,300\nK2,2026-11-02,"2,500.00",900\n'
    "K3,2026-11-20,-150,-60\n"
)


@pytest.fixture(scope="module")
def import_url(sample_db_path, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser_import") / "import.duckdb"
    db.write_bytes(sample_db_path.read_bytes())
    with streamlit_server(db, db.parent / "streamlit.log") as url:
        yield url, db


@pytest.fixture()
def import_page(browser, import_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg, import_url
    context.close()


def metric(pg, label: str) -> str:
    return pg.locator("[data-testid='stMetric']").filter(has_text=label).first.inner_text()


def test_upload_map_import_and_the_overview_changes(import_page, tmp_path):
    pg, (url, db) = import_page
    pg.goto(url + "/overview")
    wait_ready(pg)
    assert "3,000" in metric(pg, "Customers")

    pg.goto(url + "/import_data")
    wait_ready(pg)
    assert pg.get_by_text("Import data: bring your own export").is_visible()
    path = tmp_path / "dealer_export.csv"
    path.write_text(CSV, encoding="utf-8")
    pg.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
    # The upload starts a rerun a moment later: wait for what it draws, then for the run to end.
    pg.get_by_text("dealer_export.csv · Orders").first.wait_for()
    pg.locator("[data-testid='stSelectbox']").filter(has_text="Customer id *").wait_for()
    wait_ready(pg)

    # Map "Customer id" to the column the importer could not guess.
    pg.locator("[data-testid='stSelectbox']").filter(has_text="Customer id *").click()
    pg.get_by_role("option", name="Kunde", exact=True).click()
    wait_ready(pg)
    pg.get_by_role("button", name="Check the files").click()
    pg.get_by_text("Check report").wait_for()
    wait_ready(pg)
    assert "4" in metric(pg, "Clean rows")
    assert pg.get_by_text("All 4 rows are fine and can be imported.").is_visible()
    pg.get_by_text("Check report").scroll_into_view_if_needed()
    screenshot(pg, "import_report")

    pg.get_by_role("button", name="Import clean rows").click()
    # Replacing data asks first, showing what changes (issue 15).
    pg.get_by_role("button", name="Replace the data").wait_for()
    wait_ready(pg)
    screenshot(pg, "import_confirm_replace")
    pg.get_by_role("button", name="Replace the data").click()
    pg.get_by_text("Imported. The database now holds 4 orders of 3 customers.").wait_for(timeout=60_000)
    wait_ready(pg)
    screenshot(pg, "import_done")
    assert (db.parent / (db.name + ".bak")).exists()

    pg.get_by_text("See the overview").click()
    pg.get_by_text("Overview: what our customers are worth").wait_for()
    wait_ready(pg)
    customers = metric(pg, "Customers")
    assert "3" in customers and "3,000" not in customers
    screenshot(pg, "import_overview_after")
