"""The customers behind a selection, against SQL written here."""

import io
from datetime import date

import pytest

from clv_engine import clv, drill
from clv_engine import segmentation as seg
from clv_engine.db import Database

AS_OF = date(2026, 11, 30)


def point(customdata, **extra):
    """A point as Streamlit reports a clicked bar (event.selection.points[i])."""
    return {"curve_number": 0, "point_number": 1, "point_index": 1, "customdata": customdata, **extra}


def test_selected_keys_from_points():
    points = [point("gold"), point(["S01", "gold"]), point(None), {"x": 1}, point("gold")]
    assert drill.selected_keys(points, ("tier",)) == [{"tier": "gold"}, {"tier": "S01"}]
    assert drill.selected_keys([point(["S01", "gold"]), point("x")], ("home_store_id", "tier")) == [
        {"home_store_id": "S01", "tier": "gold"}
    ]
    assert drill.selected_keys([], ("tier",)) == [] and drill.selected_keys(None, ("tier",)) == []


STATUS_SQL = """
WITH last AS (SELECT customer_id, max(order_date) AS last_order FROM orders
              WHERE order_date <= CAST(? AS DATE) GROUP BY customer_id),
c AS (SELECT c.customer_id, c.home_store_id,
             date_diff('day', greatest(l.last_order, c.purchase_date), CAST(? AS DATE)) AS days
      FROM customers c LEFT JOIN last l USING (customer_id)
      WHERE coalesce(c.purchase_date, l.last_order) <= CAST(? AS DATE))
SELECT customer_id FROM c
WHERE home_store_id = ? AND days > 365 AND days <= 730
ORDER BY customer_id
"""


def test_lapsing_customers_of_a_store_match_sql(sample_db_path):
    db = Database(sample_db_path)
    store = db.query_value("SELECT min(store_id) FROM stores")
    values = clv.customer_values(db, AS_OF)
    rows = drill.customers_for(values, [{"home_store_id": store, "status": "lapsing"}])
    expected = db.query_df(STATUS_SQL, [AS_OF, AS_OF, AS_OF, store])["customer_id"].tolist()
    assert expected and sorted(rows["customer_id"]) == expected
    assert list(rows["clv"]) == sorted(rows["clv"], reverse=True)  # highest value first
    assert list(rows.columns[:3]) == ["customer_id", "name", "home_store_id"]


def test_store_scope_is_applied(sample_db_path):
    """A selection never reaches outside the sidebar's stores, even if the frame did."""
    db = Database(sample_db_path)
    stores = db.query_df("SELECT store_id FROM stores ORDER BY store_id")["store_id"].tolist()
    values = clv.customer_values(db, AS_OF)
    both = drill.customers_for(values, [{"status": "active"}], stores[:2])
    expected = db.query_value(
        """SELECT count(*) FROM customers c
           LEFT JOIN (SELECT customer_id, max(order_date) AS d FROM orders WHERE order_date <= ? GROUP BY ALL) o
             USING (customer_id)
           WHERE c.home_store_id IN (?, ?) AND coalesce(c.purchase_date, o.d) <= ?
             AND date_diff('day', greatest(o.d, c.purchase_date), CAST(? AS DATE)) <= 365""",
        [AS_OF, stores[0], stores[1], AS_OF, AS_OF],
    )
    assert len(both) == expected
    assert set(both["home_store_id"]) <= set(stores[:2])


def test_tier_list_has_as_many_customers_as_the_bar_says(sample_db_path):
    """Clicking a tier bar lists exactly the customers the bar counts; two bars, their union."""
    db = Database(sample_db_path)
    frame = seg.with_values(
        seg.score_customers(db, AS_OF, None, seg.RfmlRules()), clv.customer_values(db, AS_OF)
    )
    counts = dict(zip(*[seg.tier_breakdown(frame, "rfml")[c] for c in ("tier", "customers")]))
    keys = drill.selected_keys([point("gold"), point("platinum")], ("tier",))
    rows = drill.customers_for(frame, keys)
    assert len(rows) == counts["gold"] + counts["platinum"]
    assert set(rows["tier"]) == {"gold", "platinum"}
    assert "status" in rows.columns  # added from the days since last activity


def test_numbers_come_back_from_json(sample_db_path):
    """customdata is JSON: a cohort year may come back as 2023.0, an id as text."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "home_store_id": ["S1", "S1", "S2"],
            "cohort": [2023, 2024, 2023],
            "clv": [1.0, 3.0, 2.0],
        }
    )
    rows = drill.customers_for(frame, drill.selected_keys([point([2023.0])], ("cohort",)))
    assert list(rows["customer_id"]) == ["c", "a"]
    assert drill.customers_for(frame, []).empty


def test_top_of_ranking():
    import pandas as pd

    ranked = pd.DataFrame(
        {"customer_id": list("edcba"), "home_store_id": ["S1"] * 5, "clv": [1.0, 5, 2, 4, 3]}
    )
    assert list(drill.top_of_ranking(ranked, [point([3.0])])["customer_id"]) == list("edc")
    assert list(drill.top_of_ranking(ranked, [point(2), point(4)])["customer_id"]) == list("edcb")
    assert drill.top_of_ranking(ranked, []).empty
    # the ranking's order is kept when asked (the churn list is ranked by expected value, not CLV)
    rows = drill.customers_for(
        drill.top_of_ranking(ranked, [point(3)]), [{}], ["S1"], highest_clv_first=False
    )
    assert list(rows["customer_id"]) == list("edc")


CELL_SQL = """
WITH f AS (SELECT customer_id, min(order_date) AS first_order FROM orders WHERE order_date <= $as_of GROUP BY ALL),
b AS (SELECT c.customer_id, coalesce(c.purchase_date, f.first_order) AS start
      FROM customers c LEFT JOIN f USING (customer_id)
      WHERE coalesce(c.purchase_date, f.first_order) <= $as_of AND year(coalesce(c.purchase_date, f.first_order)) = $y
        AND floor(date_diff('day', coalesce(c.purchase_date, f.first_order), $as_of) / 365.25) >= $k)
SELECT b.customer_id,
       EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = b.customer_id AND o.order_date <= $as_of
               AND greatest(floor(date_diff('day', b.start, o.order_date) / 365.25), 0) + 1 = $k) AS came
FROM b ORDER BY b.customer_id
"""


@pytest.mark.parametrize("year, k", [(2022, 1), (2022, 3), (2024, 2)])
def test_cohort_cell_matches_sql_and_the_heat_map(sample_db_path, year, k):
    from clv_engine import cohorts

    db = Database(sample_db_path)
    params = cohorts.LtvParams()
    rows = drill.cohort_cell(db, AS_OF, params, None, "purchase_year", str(year), k)
    expected = db.query_df(CELL_SQL, {"as_of": AS_OF, "y": year, "k": k})
    assert len(expected) > 0
    assert list(rows["customer_id"]) == list(expected["customer_id"])
    assert list(rows["ordered_in_year"]) == list(expected["came"])
    # the share that came is the heat map's cell
    cube = cohorts.cohort_cube(db, AS_OF, params)
    matrix = cohorts.retention_matrix(cohorts.years_from_cube(cube, "purchase_year"))
    assert rows["ordered_in_year"].mean() == pytest.approx(matrix.loc[year, k])


# -- the list's files: a customer list, so audited and only for a viewer who may export -----------


def _drill_app(db_path: str, role: str) -> None:
    from types import SimpleNamespace

    import pandas as pd

    from clv_engine import access
    from clv_engine.db import Database
    from ui import drill as ui_drill
    from wording import t

    viewer = access.Viewer("li@dealer.cn", "Li", role, ("S02",))
    ctx = SimpleNamespace(
        lang="en",
        t=lambda key, **v: t(key, "en", **v),
        currency="CNY",
        db=Database(db_path),
        viewer=viewer,
        store_ids=("S02",),
    )
    frame = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3"],
            "name": ["A", "B", "C"],
            "home_store_id": ["S02", "S02", "S01"],
            "tier": ["gold", "gold", "gold"],
            "clv": [300.0, 200.0, 100.0],
        }
    )
    event = {"selection": {"points": [{"customdata": "gold"}]}}
    ui_drill.customer_list_for(ctx, event, frame, ("tier",), key="dl_test")


@pytest.mark.parametrize("role, allowed", [("store_manager", True), ("analyst", False)])
def test_the_customer_list_download_is_audited_and_needs_the_export_right(
    writable_db_path, monkeypatch, role, allowed
):
    import json

    import pandas as pd
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import AppTest

    from tests.test_access_audit import audit_rows

    deferred: dict[str, object] = {}
    real = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        deferred[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    at = AppTest.from_function(_drill_app, args=(str(writable_db_path), role)).run(timeout=60)
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.id.endswith(("dl_test_csv", "dl_test_xlsx"))]
    assert len(buttons) == 2
    assert all(b.proto.disabled is not allowed for b in buttons)
    # Drawing the list logs nothing; the files are built on click (deferred), each click logged.
    assert audit_rows(writable_db_path) == []
    if not allowed:  # a disabled button holds no file
        assert deferred == {}
        return
    assert set(deferred) == {"dl_test.csv", "dl_test.xlsx"}
    listed = pd.read_csv(io.BytesIO(deferred["dl_test.csv"]()), encoding="utf-8-sig")
    assert listed.iloc[:, 0].tolist() == ["C1", "C2"]  # S01's C3 is outside the scope
    [(actor, action, details)] = audit_rows(writable_db_path)
    assert (actor, action) == ("li@dealer.cn", "export_customers")
    assert json.loads(details) == {"list": "drill_customers", "rows": 2, "stores": ["S02"]}


def _status_app(lang: str) -> None:
    from types import SimpleNamespace

    import pandas as pd

    from clv_engine import access
    from ui import drill as ui_drill
    from wording import t

    ctx = SimpleNamespace(
        lang=lang,
        t=lambda key, **v: t(key, lang, **v),
        currency="CNY",
        db=None,
        viewer=access.Viewer("boss@dealer.cn", "Boss", "director", None),
        store_ids=None,
    )
    frame = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3"],
            "tier": ["churned"] * 3,
            "clv": [300.0, 200.0, 100.0],
            "recency_days": [30, 400, 900],
        }
    )
    event = {"selection": {"points": [{"customdata": "churned"}]}}
    ui_drill.customer_list_for(ctx, event, frame, ("tier",), key="status_test")


@pytest.mark.parametrize(
    "lang, header, names, words",
    [
        (
            "en",
            "Status",
            ["Active", "Lapsing", "Lapsed"],
            ["within the last 365 days", "366-730 days", "over 730 days"],
        ),
        ("zh", "状态", ["活跃", "沉默", "已流失"], ["365 天以内", "366-730 天前", "超过 730 天"]),
    ],
)
def test_a_customer_list_names_the_status_and_defines_it_on_hover(lang, header, names, words):
    """Issue 11: the status of clv_engine.status (30 / 400 / 900 days: active / lapsing /
    lapsed at 365 and 730 days), in the reader's language, its definitions on the header."""
    import json

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_status_app, args=(lang,)).run(timeout=60)
    assert not at.exception
    (table,) = at.dataframe
    assert table.value[header].tolist() == names
    help_text = json.loads(table.proto.columns)[header]["help"]
    assert all(w in help_text for w in words), help_text
