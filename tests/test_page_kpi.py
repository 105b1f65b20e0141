"""AppTest: the KPI scorecard — ranking, edited weights, a store picked, missing data."""

from __future__ import annotations

from datetime import date, timedelta

from tests.helpers import Table, make_db, metric_values, run_app

PAGE = "app_pages/kpi.py"
KPIS = [
    "clv_growth",
    "retention",
    "nps",
    "after_sales_gp",
    "ticket_frequency",
    "first_time_fix",
    "technician_efficiency",
]


def _ranking(at):
    return next(d.value for d in at.dataframe if "Rank" in d.value.columns)


def test_ranking_and_weights(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    table = _ranking(at)
    assert list(table["Rank"]) == list(range(1, 9))
    assert table["Score"].is_monotonic_decreasing
    assert metric_values(at)["Stores ranked"] == "8"
    assert metric_values(at)["Its score"] == f"{table['Score'].iloc[0]:.1f}"

    # All the weight on retention: the ranking follows the retention column.
    for k in KPIS:
        at.number_input(key=f"kpi_w_{k}").set_value(100 if k == "retention" else 0)
    at.run()
    assert not at.error
    table = _ranking(at)
    retention = [float(x.rstrip("%")) for x in table["Retention"]]
    assert retention == sorted(retention, reverse=True)
    assert table["Score"].iloc[0] == 100.0 and table["Score"].iloc[-1] == 0.0

    # Weights that do not sum to 100% are refused, with the sum shown.
    at.number_input(key="kpi_w_nps").set_value(10).run()
    assert any("110%" in e.value for e in at.error)
    assert not [d for d in at.dataframe if "Rank" in d.value.columns]
    at.button(key="kpi_weights_reset").click().run()
    assert not at.error
    assert at.number_input(key="kpi_w_clv_growth").value == 25


def test_pick_a_store(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.selectbox(key="kpi_store").set_value("S04").run()
    assert not at.exception
    assert any(c.value.startswith("深圳南山店") for c in at.caption)
    detail = next(d.value for d in at.dataframe if "Points" in d.value.columns)
    ranking = _ranking(at)
    score = ranking.loc[ranking["Store"].str.startswith("深圳南山店"), "Score"].iloc[0]
    assert abs(detail["Points"].sum() - score) < 0.5  # parts add up to the score (rounded)
    at.selectbox(key="kpi_trend_kpi.en").set_value("nps").run()
    assert not at.exception


def test_months_of_trend(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.slider(key="kpi_months").set_value(3).run()
    assert not at.exception


def test_chinese(sample_db_path):
    at = run_app(sample_db_path, PAGE, lang="zh")
    assert at.title[0].value == "KPI 计分卡：以 CLV 为导向的门店排名"
    assert "排名第一" in metric_values(at)


def test_orders_only_database(tmp_path):
    path = tmp_path / "orders_only.duckdb"
    stores = ["S01" if i % 2 else "S02" for i in range(6)]
    columns = ("order_id", "customer_id", "order_date", "store_id", "kind", "revenue", "gross_profit")
    make_db(
        path,
        stores=[("S01", "One", "East", "A"), ("S02", "Two", "West", "B")],
        customers=Table(
            ("customer_id", "home_store_id", "purchase_date"),
            [(f"C{i}", s, date(2024, 1, 1)) for i, s in enumerate(stores)],
        ),
        orders=Table(
            columns,
            [(f"A{i}", f"C{i}", date(2025, 3, 1), s, "repair", 500, 200) for i, s in enumerate(stores)]
            + [
                (
                    f"B{i}",
                    f"C{i}",
                    date(2026, 3, 1) + timedelta(days=i),
                    s,
                    "repair",
                    900.0 * (i + 1),
                    300.0 * (i + 1),
                )
                for i, s in enumerate(stores)
                if i < 4
            ],
        ),
    )
    at = run_app(path, PAGE)
    notes = " ".join(i.value for i in at.info)
    assert "store KPI file (store_kpis)" in notes
    assert "NPS" in notes
    assert metric_values(at)["Stores ranked"] == "2"


def test_empty_database(tmp_path):
    path = make_db(tmp_path / "empty.duckdb")
    at = run_app(path, PAGE)
    assert any("import the stores file" in i.value for i in at.info)
