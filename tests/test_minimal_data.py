"""Every page on a database imported from the minimum file: customer id, order date, amount.

The database is built the way a dealer would build it, through the importer, from the sample's
orders with those three columns only (no customers, stores, complaints, channel spend, ...).
A page must render in both languages without an exception or an error box, and without
"nan"/"None" in its figures: what it cannot compute it says it cannot, naming the file.

A page that fails here is listed in KNOWN_FAILING with the reason, so the list is visible;
the mark is strict, so a fixed page makes the test fail until it is taken off the list.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from clv_engine.imports import ImportOptions, Source, run_import
from tests.helpers import ROOT

PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
KNOWN_FAILING: dict[str, str] = {}  # page -> reason (reported to the lead)


@pytest.fixture(scope="module")
def minimal_db_path(sample_db_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("minimal")
    csv = out / "orders.csv"
    # Attached from a connection that may write files: this process may already hold the
    # sample open read-only with file access disabled (the app's reader), and DuckDB allows
    # one configuration per file and process.
    con = duckdb.connect()
    con.execute("ATTACH ? AS src (READ_ONLY)", [str(sample_db_path)])
    con.execute(
        f"COPY (SELECT customer_id AS 客户编号, order_date AS 工单日期, revenue AS 金额 FROM src.orders) "
        f"TO '{csv}' (HEADER)"
    )
    con.close()
    target = out / "minimal.duckdb"
    report = run_import([Source("orders", csv)], target, ImportOptions(today=date(2030, 1, 1)))
    assert any(n.code == "default_margin" for n in report.notes)
    con = duckdb.connect()
    con.execute("ATTACH ? AS d (READ_ONLY)", [str(target)])
    con.execute("USE d")
    filled = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("orders", "customers", "stores", "complaints", "channel_spend", "warranties")
    }
    con.close()
    assert filled["orders"] > 0 and filled["customers"] > 0
    assert filled["stores"] == filled["complaints"] == filled["channel_spend"] == filled["warranties"] == 0
    return target


def _params():
    for page in PAGES:
        for lang in ("en", "zh"):
            marks = (
                [pytest.mark.xfail(reason=f"{page}: {KNOWN_FAILING[page]}", strict=True)]
                if page in KNOWN_FAILING
                else []
            )
            yield pytest.param(page, lang, marks=marks, id=f"{page}-{lang}")


@pytest.mark.parametrize("page, lang", list(_params()))
def test_page_works_on_orders_only(minimal_db_path, page, lang, monkeypatch):
    monkeypatch.setenv("CLV_DB", str(minimal_db_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, f"{page} ({lang}): " + "; ".join(e.message for e in at.exception)
    assert not at.error, f"{page} ({lang}) shows an error: " + "; ".join(e.value for e in at.error)
    for metric in at.metric:
        assert str(metric.value).strip().lower() not in ("nan", "none", "¥nan", "nan%"), (
            f"{page} ({lang}): metric {metric.label!r} shows {metric.value!r}"
        )
