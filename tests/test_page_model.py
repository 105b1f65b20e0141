"""AppTest: the predictive model page — headline, parameters, maps, holdout, P(alive) drops."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from clv_engine.db import READER_CONFIG, Database, create_database
from clv_engine.predictive import fit_predictive_model, predictive_customer_values
from tests.helpers import metric_values, run_app
from wording import fmt

PAGE = "app_pages/model.py"


@pytest.fixture(scope="module")
def facts(sample_db_path):
    con = duckdb.connect(str(sample_db_path), read_only=True, config=READER_CONFIG)
    as_of = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    visitors = con.execute(
        "SELECT count(DISTINCT o.customer_id), count(DISTINCT o.customer_id) "
        "FILTER (WHERE c.home_store_id = 'S01') FROM orders o JOIN customers c USING (customer_id) "
        "WHERE o.revenue > 0"
    ).fetchone()
    con.close()
    return {"as_of": as_of, "visitors": visitors[0], "visitors_s01": visitors[1]}


def test_headline_parameters_and_sections(sample_db_path, facts):
    at = run_app(sample_db_path, PAGE)
    assert at.title[0].value == "Predictive CLV model"
    m = metric_values(at)
    assert m["Customers in scope"] == f"{facts['visitors']:,}"
    # Sidebar defaults: 5 years at 12%.
    values = predictive_customer_values(Database(sample_db_path), facts["as_of"], 5, 0.12)
    assert m["Predictive CLV, total"] == fmt.money(values["predictive_clv"].sum())
    assert m["Expected visits, next 5 yr"] == fmt.number(values["expected_visits"].sum())
    assert m["P(alive) 50% or more"] == fmt.pct((values["p_alive"] >= 0.5).mean())
    # Its definition names the status beside it: the share of these customers active by the
    # calendar (last order or car purchase within 365 days), computed here in SQL.
    con = duckdb.connect(str(sample_db_path), read_only=True, config=READER_CONFIG)
    active = con.execute(
        "SELECT avg(CASE WHEN date_diff('day', greatest(max(o.order_date), any_value(c.purchase_date)), ?) "
        "<= 365 THEN 1.0 ELSE 0.0 END) OVER () FROM orders o JOIN customers c USING (customer_id) "
        "WHERE o.customer_id IN (SELECT customer_id FROM orders WHERE revenue > 0) GROUP BY o.customer_id LIMIT 1",
        [facts["as_of"]],
    ).fetchone()[0]
    con.close()
    helps = {x.label: x.help for x in at.metric}
    assert f"which {fmt.pct(active)} of these customers have" in helps["P(alive) 50% or more"]
    # The sample's customers come yearly and rarely leave: the fit cannot tell dropout apart,
    # and the page says so (a + b and the share with P(alive) near 1, computed independently).
    fit0 = fit_predictive_model(Database(sample_db_path), facts["as_of"])
    v0 = fit0.visits.params
    warning = next(w.value for w in at.warning if "cannot tell who has left" in w.value)
    assert f"a + b = {v0.a + v0.b:,.0f}" in warning
    assert fmt.pct((values["p_alive"] >= 0.9).mean(), 1) in warning
    params = at.dataframe[0].value
    assert list(params["Parameter"]) == ["r", "α", "a", "b", "p", "q", "γ"]
    fit = fit_predictive_model(Database(sample_db_path), facts["as_of"])
    assert params["Estimate"].iloc[0] == f"{fit.visits.params.r:.4g}"
    assert params["Std. error"].iloc[6] == f"{fit.spend.standard_errors.gamma:.3g}"
    assert "Forecast error" in m and "Predicted visits" in m
    drops = at.dataframe[1].value
    assert len(drops) == 20 and (drops["Change"] < 0).all()
    assert drops["Change"].is_monotonic_increasing
    assert drops["Chance of a visit, next 12 months"].between(0, 1).all()


def test_store_scope(sample_db_path, facts):
    at = run_app(sample_db_path, PAGE)
    at.multiselect(key="stores").set_value(["S01"]).run()
    assert not at.exception
    assert metric_values(at)["Customers in scope"] == f"{facts['visitors_s01']:,}"
    assert any(f"all {facts['visitors']:,} customers" in c.value for c in at.caption)
    assert set(at.dataframe[1].value["Store"]) == {"上海浦东店"}


def test_holdout_and_lookback_controls(sample_db_path, facts):
    at = run_app(sample_db_path, PAGE)
    at.select_slider(key="model_holdout_months").set_value(6).run()
    calibration_end = (pd.Timestamp(facts["as_of"]) - pd.DateOffset(months=6)).date()
    assert any(f"up to {calibration_end.isoformat()} only" in c.value for c in at.caption)
    at.select_slider(key="model_lookback").set_value(30).run()
    assert any("90 days ago" not in c.value and "30 days ago" in c.value for c in at.caption)
    at.slider(key="model_age").set_value(1).run()
    assert not at.exception
    assert any("first seen 1 years ago" in c.value for c in at.caption)


def test_chinese_page_translates_notes(sample_db_path):
    at = run_app(sample_db_path, PAGE, lang="zh")
    assert at.title[0].value == "预测型 CLV 模型"
    assert "预测型 CLV 合计" in metric_values(at)
    # The sample has repeat customers who lose money on average: the note is in Chinese.
    assert any("位回头客" in w.value for w in at.warning)


def test_no_fit_possible_explains_why(tmp_path: Path):
    path = tmp_path / "tiny.duckdb"
    create_database(path)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO stores VALUES ('S01', '上海浦东店', '华东', '上海')")
    con.executemany(
        "INSERT INTO customers (customer_id, name, home_store_id) VALUES (?, ?, 'S01')",
        [("A", "Ann"), ("B", "Bo")],
    )
    con.executemany(
        "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) VALUES (?, ?, ?, 'S01', 'maintenance', ?, ?)",
        [
            ("o1", "A", date(2024, 1, 5), 500.0, 200.0),
            ("o2", "A", date(2024, 6, 5), 600.0, 250.0),
            ("o3", "B", date(2024, 3, 1), 400.0, 150.0),
        ],
    )
    con.close()
    at = run_app(path, PAGE)
    mine = [w.value for w in at.warning if "cannot be fitted" in w.value]
    assert len(mine) == 1 and "Too few customers to fit the visit model: 2 " in mine[0]
    assert not at.metric  # no figures from a model that does not exist
    at = run_app(path, PAGE, lang="zh")
    assert any("无法拟合预测模型" in w.value and "客户太少" in w.value for w in at.warning)


def test_every_fit_error_and_note_has_both_languages():
    import re

    from clv_engine.models import CODES
    from wording import CATALOGUE

    source = "".join(path.read_text("utf-8") for path in Path("clv_engine/models").glob("*.py"))
    reasons = set(CODES)
    # Every reason raised is declared (an undeclared one would fail at the raise).
    assert set(re.findall(r'FitError\("(\w+)"', source)) <= reasons
    notes = set(re.findall(r'FitNote\.of\("(\w+)"', source))
    assert {"too_few_customers", "no_repeat_visits", "no_customers"} <= reasons
    assert {"correlated", "left_out", "homogeneous_dropout"} <= notes
    for key in [f"error.models.{r}" for r in reasons] + [f"predictive.note.{n}" for n in notes]:
        english, chinese = CATALOGUE[key]
        assert english and chinese, key


def test_p_alive_and_status_are_defined_in_chinese(sample_db_path):
    at = run_app(sample_db_path, PAGE, lang="zh")
    helps = {x.label: x.help for x in at.metric}
    assert "状态" in helps["存活概率 ≥ 50%"]
    assert any("到店模型无法判断谁已离开" in w.value for w in at.warning)
