"""The CLV bridge against an independent pandas computation on a small constructed database,
and Hypothesis that it always adds up."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import bridge as br
from clv_engine import clv
from clv_engine.db import Database
from tests.helpers import Table, make_db

END = date(2026, 11, 30)
YEAR = date(2025, 11, 30)
QUARTER = date(2026, 8, 30)  # the same day three months earlier

# customer, purchase date, store; then their orders (date, revenue, gross profit)
CUSTOMERS = [
    ("A", date(2020, 1, 10), "S1"),  # comes every year: active at both dates
    ("B", date(2026, 3, 1), "S1"),  # bought after the year-earlier date: gained (new)
    ("C", date(2021, 5, 1), "S2"),  # last visit 2025-06: active a year ago, lapsing now: lost
    ("D", date(2019, 2, 1), "S2"),  # away since 2023, back in 2026-05: gained (came back)
    ("E", date(2018, 7, 1), "S1"),  # last visit 2022: lapsed at both dates
]
ORDERS = [
    ("A", date(2024, 12, 5), 1_000, 400),
    ("A", date(2025, 10, 1), 1_200, 500),
    ("A", date(2026, 9, 15), 2_000, 900),
    ("B", date(2026, 6, 1), 800, 300),
    ("C", date(2023, 4, 1), 600, 200),
    ("C", date(2025, 6, 1), 700, 250),
    ("D", date(2022, 3, 1), 900, 300),
    ("D", date(2023, 1, 5), 500, 150),
    ("D", date(2026, 5, 20), 1_500, 600),
    ("E", date(2021, 8, 1), 400, 100),
    ("E", date(2022, 2, 1), 300, 90),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Database:
    path = tmp_path_factory.mktemp("bridge") / "b.duckdb"
    make_db(
        path,
        stores=[("S1", "One", "East", "X"), ("S2", "Two", "East", "X")],
        customers=Table(
            ("customer_id", "name", "home_store_id", "channel", "purchase_date"),
            [(c, f"name {c}", s, "web", p) for c, p, s in CUSTOMERS],
        ),
        orders=Table(
            ("order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit"),
            [(f"o{i}", c, d, "S1", "maintenance", r, g) for i, (c, d, r, g) in enumerate(ORDERS)],
        ),
    )
    return Database(path)


def by_hand(as_of: date) -> pd.DataFrame:
    """Known customers at ``as_of`` with status and gross profit of the last 365 days, in pandas."""
    orders = pd.DataFrame(ORDERS, columns=["customer_id", "d", "revenue", "gp"])
    orders = orders[orders.d <= as_of]
    rows = []
    for cid, purchase, _ in CUSTOMERS:
        mine = orders[orders.customer_id == cid]
        if purchase > as_of and mine.empty:
            continue
        last = max([purchase, *mine.d])
        recent = mine[[(as_of - d).days < 365 for d in mine.d]]
        rows.append(
            {"customer_id": cid, "active": (as_of - last).days <= 365, "gp_12m": float(recent.gp.sum())}
        )
    return pd.DataFrame(rows).set_index("customer_id")


def test_comparison_dates():
    assert br.comparison_date(END, "year") == YEAR
    assert br.comparison_date(END, "quarter") == QUARTER
    assert br.comparison_date(date(2024, 2, 29), "year") == date(2023, 2, 28)
    assert br.comparison_date(date(2026, 5, 31), "quarter") == date(2026, 2, 28)
    assert br.comparison_date(date(2026, 1, 15), "quarter") == date(2025, 10, 15)
    with pytest.raises(ValueError):
        br.comparison_date(END, "month")


@pytest.mark.parametrize("start_date", [YEAR, QUARTER])
def test_bridge_of_gross_profit_matches_pandas(db, start_date):
    start, end = by_hand(start_date), by_hand(END)
    b = br.bridge(
        clv.customer_values(db, start_date), clv.customer_values(db, END), start_date, END, "gp_12m"
    )
    s = start.reindex(end.index).fillna({"active": False, "gp_12m": 0.0})
    gained = end.active & ~s.active.astype(bool)
    lost_ids = [c for c in start.index if start.active[c] and not end.active.get(c, False)]
    other = ~gained & ~end.index.isin(lost_ids)
    assert b.start == pytest.approx(start.gp_12m.sum())
    assert b.end == pytest.approx(end.gp_12m.sum())
    assert b.gained == pytest.approx((end.gp_12m - s.gp_12m)[gained].sum())
    assert b.lost == pytest.approx((start.gp_12m[lost_ids] - end.gp_12m[lost_ids]).sum())
    assert b.per_customer == pytest.approx((end.gp_12m - s.gp_12m)[other].sum())
    assert (b.customers_start, b.customers_end) == (len(start), len(end))
    assert (b.active_start, b.active_end) == (start.active.sum(), end.active.sum())
    assert b.gained_customers == gained.sum() and b.lost_customers == len(lost_ids)


def test_year_bridge_groups_the_constructed_customers(db):
    """Read off the table above: B new and D back are gained, C lapsed is lost."""
    groups = br.customer_groups(clv.customer_values(db, YEAR), clv.customer_values(db, END))
    assert groups["group"].to_dict() == {
        "A": "other",
        "B": "gained",
        "C": "lost",
        "D": "gained",
        "E": "other",
    }
    assert groups.loc["B", "start"] == 0.0  # not a customer yet


def test_clv_bridge_adds_up_to_both_headlines(db):
    start, end = clv.customer_values(db, YEAR), clv.customer_values(db, END)
    b = br.bridge(start, end, YEAR, END)
    assert b.start == pytest.approx(start.clv.sum()) and b.end == pytest.approx(end.clv.sum())
    assert b.start + b.gained - b.lost + b.per_customer == pytest.approx(b.end)
    # C lapsed: what they were worth a year ago less what they are worth now.
    c0, c1 = start.set_index("customer_id").clv["C"], end.set_index("customer_id").clv["C"]
    assert b.lost == pytest.approx(c0 - c1)
    assert sum(v for _, v in b.steps()[1:4]) == pytest.approx(b.change)


def test_store_scope(db):
    """In one store's scope only that store's customers count (C and D are in S2)."""
    start, end = clv.customer_values(db, YEAR, ["S2"]), clv.customer_values(db, END, ["S2"])
    b = br.bridge(start, end, YEAR, END, "gp_12m")
    assert (b.gained_customers, b.lost_customers) == (1, 1)
    assert b.gained == pytest.approx(600.0)  # D's visit in 2026-05, nothing in the year before
    assert b.lost == pytest.approx(250.0 - 0.0)  # C's visit in 2025-06 counted a year ago only


statuses = st.sampled_from(["active", "lapsing", "lapsed"])
amounts = st.floats(-1e7, 1e7, allow_nan=False)


@st.composite
def frame_pairs(draw):
    ids = draw(st.lists(st.integers(0, 40), unique=True, max_size=25))
    start_ids = [i for i in ids if draw(st.booleans())]

    def frame(ix):
        return pd.DataFrame(
            {
                "customer_id": [f"c{i}" for i in ix],
                "clv": [draw(amounts) for _ in ix],
                "status": [draw(statuses) for _ in ix],
            }
        )

    return frame(start_ids), frame(ids)


@settings(max_examples=150, deadline=None)
@given(frame_pairs())
def test_bridge_always_adds_up(pair):
    start, end = pair
    b = br.bridge(start, end, YEAR, END)
    scale = 1.0 + np.abs(start.clv).sum() + np.abs(end.clv).sum()
    assert abs(b.start + b.gained - b.lost + b.per_customer - b.end) <= 1e-9 * scale
    # Counted by brute force: a customer is gained, lost or neither, never two.
    a0 = {c for c, s in zip(start.customer_id, start.status) if s == "active"}
    a1 = {c for c, s in zip(end.customer_id, end.status) if s == "active"}
    assert b.gained_customers == len(a1 - a0) and b.lost_customers == len(a0 - a1)
    assert b.active_end - b.active_start == b.gained_customers - b.lost_customers


# -- the pages --------------------------------------------------------------------------------
def waterfall(at) -> dict:
    import json

    for chart in at.get("plotly_chart"):
        data = json.loads(chart.proto.spec)["data"]
        if data and data[0].get("type") == "waterfall":
            return data[0]
    raise AssertionError("no waterfall on the page")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_shows_the_change_and_its_bridge(sample_db_path, lang):
    from tests.helpers import run_app
    from wording import fmt

    at = run_app(sample_db_path, "app_pages/overview.py", lang=lang)
    at.sidebar.radio(key=f"clv_model.{lang}").set_value("historical").run()
    assert not at.exception
    db = Database(sample_db_path)
    end_date = db.query_value("SELECT max(order_date) FROM orders")
    for period in ("year", "quarter"):
        at.radio(key=f"ov_compare.{lang}").set_value(period).run()
        since = br.comparison_date(end_date, period)
        start, end = clv.customer_values(db, since), clv.customer_values(db, end_date)
        deltas = {m.label: m.proto.delta for m in at.metric}
        label = "Total CLV" if lang == "en" else "CLV 合计"
        change = end.clv.sum() - start.clv.sum()
        assert deltas[label] == ("+" if change > 0 else "") + fmt.money(change, lang)
        people = "Active customers" if lang == "en" else "活跃客户"
        active_change = (end.status == "active").sum() - (start.status == "active").sum()
        assert deltas[people] == ("+" if active_change > 0 else "") + fmt.number(active_change)
        w = waterfall(at)
        assert w["measure"] == ["absolute", "relative", "relative", "relative", "total"]
        # Yuan in both languages (the axis's labels say 万 in Chinese: ui.charts.money_axis).
        assert w["y"][0] == pytest.approx(start.clv.sum())
        assert sum(w["y"][:4]) == pytest.approx(end.clv.sum())
        assert since.isoformat() in w["x"][0] and end_date.isoformat() in w["x"][4]


def test_scope_kpis_read_off_the_constructed_database(db):
    """By hand: of A and C (visits in the year before last) only A came back: 50% pooled;
    S1 kept 1 of 1, S2 0 of 1 (so a plain average of the stores would also be 50%, but
    in S1 alone it is 100%). Orders of the last 12 months: A 900 + B 300 + D 600."""
    from clv_engine import kpi

    raw = kpi.raw_kpis(db, [END])
    k = br.scope_kpis(raw, END)
    assert k.retention == pytest.approx(0.5)
    assert br.scope_kpis(raw, END, ["S1"]).retention == pytest.approx(1.0)
    assert br.scope_kpis(raw, END, ["S2"]).retention == pytest.approx(0.0)
    assert k.after_sales_gp == pytest.approx(1_800.0)
    now, then = clv.customer_values(db, END).clv.sum(), clv.customer_values(db, YEAR).clv.sum()
    assert k.clv_total == pytest.approx(now)
    assert k.clv_growth == pytest.approx(now / then - 1)
    s2_now = clv.customer_values(db, END, ["S2"]).clv.sum()
    assert br.scope_kpis(raw, END, ["S2"]).clv_total == pytest.approx(s2_now)


def test_kpi_headline_shows_changes_in_points(sample_db_path):
    from clv_engine import kpi
    from tests.helpers import run_app
    from wording import fmt

    at = run_app(sample_db_path, "app_pages/kpi.py", lang="en")
    at.radio(key="kpi_compare.en").set_value("year").run()
    assert not at.exception
    db = Database(sample_db_path)
    end_date = db.query_value("SELECT max(order_date) FROM orders")
    since = kpi.year_before(end_date)
    deltas = {m.label: m.proto.delta for m in at.metric}
    # Retention pooled over every store, by hand in SQL at both dates.
    sql = """
        WITH v AS (SELECT customer_id,
                          bool_or(order_date > CAST(? AS DATE) - INTERVAL 365 DAY) AS this_year,
                          bool_or(order_date <= CAST(? AS DATE) - INTERVAL 365 DAY) AS last_year
                   FROM orders JOIN customers USING (customer_id)
                   WHERE order_date > CAST(? AS DATE) - INTERVAL 730 DAY AND order_date <= CAST(? AS DATE)
                     AND home_store_id IS NOT NULL
                   GROUP BY customer_id)
        SELECT avg(CASE WHEN this_year THEN 1.0 ELSE 0.0 END) FILTER (WHERE last_year) FROM v"""
    now, then = (db.query_value(sql, [d] * 4) for d in (end_date, since))
    assert deltas["Retention"] == fmt.pp(now - then, "en")
    assert deltas["Retention"].endswith(" pp")
    assert deltas["CLV growth"].endswith(" pp")


@pytest.mark.parametrize("period", ["year", "quarter"])
def test_kpi_page_shows_what_moved_its_clv_headline(sample_db_path, period):
    """The KPI page's CLV headline and its change come with the small bridge: start, customers
    gained, lost, value per customer, end; the ends are the historical CLV of the customers with
    a home store, summed by hand at both dates, and the counts are the status changes."""
    from tests.helpers import run_app
    from wording import fmt

    at = run_app(sample_db_path, "app_pages/kpi.py", lang="en")
    at.radio(key="kpi_compare.en").set_value(period).run()
    assert not at.exception, [e.message for e in at.exception]
    db = Database(sample_db_path)
    end_date = db.query_value("SELECT max(order_date) FROM orders")
    since = br.comparison_date(end_date, period)
    start, end = (clv.customer_values(db, d) for d in (since, end_date))
    start, end = (f[f.home_store_id.notna()].set_index("customer_id") for f in (start, end))
    w = waterfall(at)
    assert w["measure"] == ["absolute", "relative", "relative", "relative", "total"]
    assert w["y"][0] == pytest.approx(start.clv.sum())
    assert sum(w["y"][:4]) == pytest.approx(end.clv.sum())
    # The end of the bridge is the headline's figure and the change is the headline's delta.
    metric = next(m for m in at.metric if m.label.startswith("Total CLV of the stores"))
    assert metric.value == fmt.money(end.clv.sum(), "en")
    change = end.clv.sum() - start.clv.sum()
    assert metric.proto.delta == ("+" if change > 0 else "") + fmt.money(change, "en")
    # Gained: active at the end and not at the start (new ones count as not active then).
    active_then = start.status.eq("active").reindex(end.index, fill_value=False)
    gained = int((end.status.eq("active") & ~active_then).sum())
    lost = int(
        (start.status.eq("active") & ~end.status.eq("active").reindex(start.index, fill_value=False)).sum()
    )
    assert w["x"][1] == f"Customers gained ({fmt.number(gained)})"
    assert w["x"][2] == f"Customers lost ({fmt.number(lost)})"
    assert since.isoformat() in w["x"][0] and end_date.isoformat() in w["x"][4]
