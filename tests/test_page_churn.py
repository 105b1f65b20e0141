"""AppTest: the churn early warning page — weights, filters, downloads, a database with only orders."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote

import duckdb
import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from clv_engine.db import Database, create_database
from tests.helpers import metric_values, run_app
from tests.test_churn_db import build_db
from wording import fmt

PAGE = "app_pages/churn.py"
COSTS = {"High": 800, "Mid": 300, "Low": 50}


@pytest.fixture()
def downloads(monkeypatch):
    """{file name: callable returning the bytes} of every download button drawn."""
    captured: dict[str, object] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def eager(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            captured.pop(file_name, None)  # the latest drawn comes last
            captured[file_name] = lambda: data
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            captured.pop(file_name, None)
            captured[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", eager)
    monkeypatch.setattr(MediaFileManager, "add_deferred", deferred)
    return captured


def _file(downloads, suffix: str) -> bytes:
    """The latest file drawn with this suffix (the name changes with the store filter)."""
    names = [n for n in downloads if n.endswith(suffix)]
    assert names, list(downloads)
    return downloads[names[-1]]()


def _amount(text: str) -> float:
    """¥311,211 -> 311211; ¥1.64M -> 1,640,000."""
    scale = {"M": 1e6, "B": 1e9}.get(text[-1], 1.0)
    return float(text.lstrip("¥").rstrip("MB").replace(",", "")) * scale


def _csv(downloads) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(_file(downloads, ".csv")), encoding="utf-8-sig", dtype={"Store": str})


def test_default_page_totals_match_the_downloaded_list(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    m = metric_values(at)
    listed = _csv(downloads)
    # The whole filtered list is in the file, ranked by expected value, every row with reasons.
    assert m["Customers on the list"] == fmt.number(len(listed))
    assert listed["Rank"].tolist() == list(range(1, len(listed) + 1))
    assert listed["Expected value"].is_monotonic_decreasing
    assert (listed["Expected value"] >= 0).all()  # "only where acting pays" is on by default
    assert listed["Reasons"].str.len().gt(0).all()
    # Cost = customers per level × the SPEC cost of the level's intervention.
    cost = sum(COSTS[level] * n for level, n in listed["Risk level"].value_counts().items())
    assert m["Intervention cost"] == fmt.money(cost)
    saved = (listed["P(churn)"] * listed["Success rate"] * listed["Remaining CLV"]).sum()
    # The file rounds P(churn) to 4 decimals and CLV to the yuan: equal to 0.5%.
    assert _amount(m["Expected CLV saved"]) == pytest.approx(saved, rel=0.005)
    assert float(m["Benefit/cost multiple"].rstrip("×")) == pytest.approx(saved / cost, abs=0.06)
    assert not at.error


def test_weights_must_sum_to_100(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    before = _csv(downloads)
    at.slider(key="churn_w_spend_drop").set_value(35).run()
    assert at.error and "105%" in at.error[0].value
    assert not at.metric  # nothing is computed from weights that do not add up
    at.slider(key="churn_w_frequency_drop").set_value(20).run()
    assert not at.error
    after = _csv(downloads)
    assert not before[["Customer", "Risk score"]].equals(after[["Customer", "Risk score"]])


def test_reset_weights(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.slider(key="churn_w_complaints").set_value(50).run()
    assert at.error
    at.button(key="churn_reset").click().run()
    assert not at.error
    assert at.slider(key="churn_w_complaints").value == 20


def test_filter_by_store_and_tier(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    everyone = _csv(downloads)
    at.multiselect(key="churn_stores").set_value(["S01"]).run()
    s01 = _csv(downloads)
    assert 0 < len(s01) < len(everyone)
    # The store's name, not its code (the list is for the people of that store).
    s01_name = _sql(sample_db_path, "SELECT name FROM stores WHERE store_id = 'S01'")["name"][0]
    assert set(s01["Store"]) == {s01_name}
    at.multiselect(key="churn_tiers").set_value(["platinum", "gold"]).run()
    top = _csv(downloads)
    assert 0 < len(top) < len(s01)
    assert set(top["Tier"]) <= {"Platinum", "Gold"}
    assert metric_values(at)["Customers on the list"] == fmt.number(len(top))


def test_excel_download_holds_the_same_list(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    at.toggle(key="churn_paying").set_value(False).run()
    listed = _csv(downloads)
    assert (listed["Expected value"] < 0).any()  # the whole list now, losers included
    book = openpyxl.load_workbook(io.BytesIO(_file(downloads, ".xlsx")))
    assert book.sheetnames == ["Call list", "By level", "Method"]
    rows = list(book["Call list"].iter_rows(values_only=True))
    assert list(rows[0]) == list(listed.columns)
    assert len(rows) - 1 == len(listed)
    assert [r[1] for r in rows[1:]] == listed["Customer"].tolist()
    # Numbers stay numbers, shown as a percentage and as money.
    sheet, header = book["Call list"], list(rows[0])
    p_churn = sheet.cell(row=2, column=header.index("P(churn)") + 1)
    assert isinstance(p_churn.value, float) and p_churn.number_format == "0.0%"
    assert "¥" in sheet.cell(row=2, column=header.index("Expected value") + 1).number_format
    levels = {r[0]: r[2] for r in list(book["By level"].iter_rows(values_only=True))[1:]}
    assert levels == {k: int((listed["Risk level"] == k).sum()) for k in ("High", "Mid", "Low")}
    method = {r[0]: r[1] for r in book["Method"].iter_rows(values_only=True)}
    assert method["Weight used: Drop in spend, last 3 months"] == "30.0%"
    assert method["Due"] == "as-of date + 7 days (a working week)"
    # The sample's pilot list is too small to replace a typed rate.
    assert method["Success rate used: High"] == "typed: 78%"


def test_p_churn_method_changes_the_value(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    assert at.radio(key="churn_p_method.en").value == "calibrated"
    calibrated = metric_values(at)["Expected CLV saved"]
    at.radio(key="churn_p_method.en").set_value("score").run()
    assert metric_values(at)["Expected CLV saved"] != calibrated


def test_chinese_page(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE, lang="zh")
    assert at.title[0].value == "流失预警：本周该联系谁"
    assert "预计挽回 CLV" in metric_values(at)
    listed = pd.read_csv(io.BytesIO(_file(downloads, ".csv")), encoding="utf-8-sig")
    assert "原因" in listed.columns
    assert {"电话", "负责人", "截止日期", "最近到店", "车辆"} <= set(listed.columns)
    at.radio(key="churn_capacity_kind.zh").set_value("budget").run()
    assert any("未入选的最佳客户价值" in i.value for i in at.info)
    assert not at.exception


def test_orders_only_database(tmp_path, downloads):
    path = build_db(tmp_path / "orders_only.duckdb", side_tables=False)
    at = run_app(path, PAGE)
    infos = " ".join(i.value for i in at.info)
    for signal, file in [
        ("Unresolved complaints", "complaints"),
        ("Competitor attention", "competitor sightings"),
        ("Appointment cancellation rate", "appointments"),
    ]:
        assert f"{signal}: not available. Import the {file} file" in infos
    captions = " ".join(c.value for c in at.caption)
    # 30 / 55 and 25 / 55 of the score: the missing weight is shared out, not zero risk.
    assert "Drop in spend, last 3 months 54.5%" in captions
    assert "Drop in visit frequency 45.5%" in captions
    assert not at.exception


def test_empty_database(tmp_path):
    path = tmp_path / "empty.duckdb"
    create_database(path)
    at = run_app(path, PAGE)
    assert any("No customers" in i.value for i in at.info)


def test_p_churn_and_value_do_not_depend_on_the_store_scope(sample_db_path, downloads):
    # Calibrated once on every customer, filtered afterwards: the same customer has the same
    # P(churn) and expected value whether the sidebar shows all stores or only theirs.
    at = run_app(sample_db_path, PAGE)
    everyone = _csv(downloads).set_index("Customer")
    at.multiselect(key="stores").set_value(["S02"]).run()
    assert not at.exception
    s02 = _csv(downloads).set_index("Customer")
    assert 0 < len(s02) < len(everyone)
    both = s02.index.intersection(everyone.index)
    assert len(both) == len(s02)
    for column in ("P(churn)", "Expected value", "Remaining CLV", "Risk score"):
        assert s02.loc[both, column].tolist() == everyone.loc[both, column].tolist(), column


def test_model_p_churn_is_withheld_when_the_fit_cannot_tell_dropout(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    assert "model" not in at.radio(key="churn_p_method.en").options
    assert any("1 − P(alive) is not offered" in c.value and "a + b =" in c.value for c in at.caption)
    zh = run_app(sample_db_path, PAGE, lang="zh")
    assert any("未提供“1 − 存活概率”" in c.value for c in zh.caption)


# -- the call list a store works from -------------------------------------------------------


def _sql(path, sql: str, params=()) -> pd.DataFrame:
    """A query of the test's own, through a reader configured as the app's (DuckDB refuses a
    second configuration on a file that is open)."""
    db = Database(path)
    try:
        return db.query_df(sql, list(params))
    finally:
        db.close()


def _call_table(at) -> pd.DataFrame:
    (table,) = [d for d in at.dataframe if "Lookup" in d.value.columns]
    return table


def test_call_list_columns_match_sql(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    as_of = at.session_state["as_of"]
    listed = _csv(downloads).set_index("Customer")
    truth = _sql(
        sample_db_path,
        """
        SELECT c.customer_id, c.phone, s.name AS store_name, c.vehicle_model, c.vin,
               (SELECT max(order_date) FROM orders o WHERE o.customer_id = c.customer_id
                AND o.order_date <= ?) AS last_visit
        FROM customers c LEFT JOIN stores s ON s.store_id = c.home_store_id""",
        [as_of],
    ).set_index("customer_id")
    truth = truth.loc[listed.index]
    assert listed["Phone"].astype(str).tolist() == truth["phone"].astype(str).tolist()
    assert listed["Store"].tolist() == truth["store_name"].tolist()
    assert listed["Last visit"].tolist() == [pd.Timestamp(d).date().isoformat() for d in truth["last_visit"]]
    assert listed["Vehicle"].tolist() == [
        f"{m} · …{v[-6:]}" for m, v in zip(truth["vehicle_model"], truth["vin"])
    ]
    # No owner in the stores file: the level's intervention owner; due a working week after the as-of date.
    roles = {"High": "General manager", "Mid": "Account manager", "Low": "Automated"}
    assert listed["Owner"].tolist() == [roles[lv] for lv in listed["Risk level"]]
    assert set(listed["Due"]) == {(as_of + pd.Timedelta(days=7)).isoformat()}


def test_each_row_opens_the_customers_lookup(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    table = _call_table(at)
    frame = table.value
    assert frame["Lookup"].tolist() == ["lookup?lookup_query=" + quote(c, safe="") for c in frame["Customer"]]
    config = json.loads(table.proto.columns)
    assert config["Lookup"]["type_config"] == {"type": "link", "display_text": "Open"}
    # The link opens the lookup page on that customer (its search box is bound to lookup_query).
    first = frame["Customer"].iloc[0]
    lookup = run_app(sample_db_path)
    lookup.query_params["lookup_query"] = first
    lookup.switch_page("app_pages/lookup.py").run()
    assert not lookup.exception
    assert any(first in h.value for h in lookup.subheader)


def test_link_encodes_an_id_and_never_renders_it(tmp_path):
    path = build_db(tmp_path / "odd.duckdb")
    odd = "A&lookup_query=x #[y](javascript:alert(1))"
    con = duckdb.connect(str(path))
    for table in ("customers", "orders", "complaints", "competitor_sightings", "appointments"):
        con.execute(f"UPDATE {table} SET customer_id = ? WHERE customer_id = 'A'", [odd])
    con.close()
    at = run_app(path, PAGE)
    at.toggle(key="churn_paying").set_value(False).run()
    frame = _call_table(at).value
    row = frame[frame["Customer"] == odd]
    assert len(row) == 1
    assert row["Lookup"].iloc[0] == "lookup?lookup_query=" + quote(odd, safe="")
    assert "&lookup_query=x" not in row["Lookup"].iloc[0] and " " not in row["Lookup"].iloc[0]
    assert not any(odd in m.value for m in at.markdown)


def test_file_name_says_store_and_date(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    day = at.session_state["as_of"].isoformat()
    assert f"churn_call_list_all_stores_{day}.csv" in downloads
    assert f"churn_call_list_all_stores_{day}.xlsx" in downloads
    name = _sql(sample_db_path, "SELECT name FROM stores WHERE store_id = 'S02'")["name"][0]
    at.multiselect(key="churn_stores").set_value(["S02"]).run()
    assert list(downloads)[-2:] == [f"churn_call_list_{name}_{day}.csv", f"churn_call_list_{name}_{day}.xlsx"]
    zh = run_app(sample_db_path, PAGE, lang="zh")
    assert f"流失预警名单_全部门店_{day}.csv" in downloads
    assert not zh.exception


def test_calls_per_store_are_the_best_of_each_store(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    everyone = _csv(downloads)
    at.radio(key="churn_capacity_kind.en").set_value("calls").run()
    at.number_input(key="churn_capacity_calls").set_value(5).run()
    picked = _csv(downloads)
    # Per store the five largest expected values of the whole list (not the top of the list).
    expected = (
        everyone[everyone["Expected value"] > 0]
        .sort_values("Expected value", ascending=False, kind="mergesort")
        .groupby("Store")
        .head(5)
    )
    assert sorted(picked["Customer"]) == sorted(expected["Customer"])
    assert picked.groupby("Store").size().max() == 5
    # A store of its own capacity: two calls at S01, the others keep five.
    at.number_input(key="churn_capacity_calls_S01").set_value(2).run()
    own = _csv(downloads)
    s01 = _sql(sample_db_path, "SELECT name FROM stores WHERE store_id = 'S01'")["name"][0]
    assert sorted(own.loc[own["Store"] == s01, "Customer"]) == sorted(
        expected.loc[expected["Store"] == s01, "Customer"].head(2)
    )
    assert (
        own[own["Store"] != s01]["Customer"].tolist() == picked[picked["Store"] != s01]["Customer"].tolist()
    )
    at.number_input(key="churn_capacity_calls_S01").set_value(None).run()
    assert metric_values(at)["Customers on the list"] == fmt.number(len(picked))
    # The next call: the best customer left out.
    left = everyone[~everyone["Customer"].isin(picked["Customer"]) & (everyone["Expected value"] > 0)]
    best = left["Expected value"].max()
    assert any(f"The next call would be worth {fmt.money(best)}" in i.value for i in at.info)


def _best_within(costs: list[int], values: list[float], budget: int) -> float:
    """Textbook 0/1 knapsack DP on whole yuan (costs are multiples of 50 here)."""
    unit = 50
    slots = budget // unit
    best = [0.0] * (slots + 1)
    for c, v in zip(costs, values):
        w = c // unit
        for b in range(slots, w - 1, -1):
            best[b] = max(best[b], best[b - w] + v)
    return best[slots]


def test_budget_per_store_is_a_knapsack(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    everyone = _csv(downloads)
    at.radio(key="churn_capacity_kind.en").set_value("budget").run()
    at.number_input(key="churn_capacity_budget").set_value(2_000.0).run()
    picked = _csv(downloads)
    for store, part in everyone[everyone["Expected value"] > 0].groupby("Store"):
        mine = picked[picked["Store"] == store]
        assert mine["Cost"].sum() <= 2_000
        optimum = _best_within(part["Cost"].astype(int).tolist(), part["Expected value"].tolist(), 2_000)
        # The file rounds each expected value to the yuan.
        assert mine["Expected value"].sum() == pytest.approx(optimum, abs=0.5 * len(part))
    assert any("raising that store's budget" in i.value for i in at.info)
    assert not at.exception


def _database_with_measured_results(tmp_path) -> tuple:
    """The sample with one more issued list of high-risk customers whose calls worked: 60% of
    the called came back in the window, the control group as it would have."""
    from clv_engine import contacts
    from clv_engine.db import Database
    from sample_data.generate import generate

    path = tmp_path / "measured.duckdb"
    generate(3_000, 7, path)
    db = Database(path)
    end = db.query_value("SELECT max(order_date) FROM orders")
    issued = end - pd.Timedelta(days=150)
    customers = db.query_df("SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1200")[
        "customer_id"
    ]
    ranked = pd.DataFrame(
        {
            "customer_id": customers,
            "level": "high",
            "p_churn": 0.5,
            "success": 0.78,
            "clv": 20_000.0,
            "cost": 800.0,
            "expected_value": 0.5 * 0.78 * 20_000 - 800,
        }
    )
    list_id = contacts.issue_call_list(db, ranked, issued, "test", holdout_share=0.2, window_days=90)
    members = db.query_df("SELECT customer_id, control FROM call_list_members WHERE list_id = ?", [list_id])
    treated = members[~members["control"]]["customer_id"]
    brought = treated.sample(frac=0.6, random_state=3)
    with db.write_transaction() as con:
        con.register("brought", pd.DataFrame({"customer_id": brought}))
        con.execute(
            "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) "
            "SELECT 'T' || row_number() OVER (), customer_id, ?, NULL, 'maintenance', 400, 160 FROM brought",
            [issued + pd.Timedelta(days=10)],
        )
    db.close()
    return path, list_id, issued


def _assert_expected_value_uses(listed: pd.DataFrame, success: dict[str, float]) -> None:
    """Every row's expected value is P(churn) × this success rate × CLV − cost (SPEC §3), to
    the file's rounding (P(churn) to 4 decimals, CLV and the value to the yuan)."""
    rate = listed["Risk level"].map(success)
    p, clv = listed["P(churn)"], listed["Remaining CLV"]
    expected = p * rate * clv - listed["Cost"]
    slack = 0.5 + 0.5e-4 * rate * clv + 0.5 * p * rate + 1e-6
    assert ((listed["Expected value"] - expected).abs() <= slack).all()
    assert listed["Risk level"].isin(list(success)).all()


def test_measured_success_is_used_and_shown_beside_the_typed_one(tmp_path, downloads):
    path, list_id, issued = _database_with_measured_results(tmp_path)
    # Measured by SQL written here: high-risk members of every list, came back in the window.
    counts = _sql(
        path,
        """
        SELECT m.control, count(*) AS n,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = m.customer_id
                   AND o.order_date > l.issued_on AND o.order_date <= l.issued_on + l.window_days)) AS back
        FROM call_list_members m JOIN call_lists l USING (list_id)
        WHERE m.level = 'high' GROUP BY m.control""",
    ).set_index("control")
    p1 = counts.loc[False, "back"] / counts.loc[False, "n"]
    p0 = counts.loc[True, "back"] / counts.loc[True, "n"]
    measured = (p1 - p0) / (1 - p0)
    at = run_app(path, PAGE)
    (evidence,) = [d.value for d in at.dataframe if "Typed" in d.value.columns]
    high = evidence[evidence["Risk level"] == "High"].iloc[0]
    assert high["Typed"] == pytest.approx(0.78)
    assert high["Measured"] == fmt.pct(measured, 1)
    # The interval: Newcombe's, by the second implementation of tests/test_results.py, over 1 − p0.
    from tests.test_results import newcombe_by_hand

    low, up = newcombe_by_hand(
        int(counts.loc[False, "back"]),
        int(counts.loc[False, "n"]),
        int(counts.loc[True, "back"]),
        int(counts.loc[True, "n"]),
    )
    assert high["95% interval"] == f"{fmt.pct(low / (1 - p0), 1)} – {fmt.pct(up / (1 - p0), 1)}"
    # Counts written with thousands separators, as on every page (fmt.number: 1,234).
    assert (high["Called"], high["Control"]) == (
        f"{counts.loc[False, 'n']:,}",
        f"{counts.loc[True, 'n']:,}",
    )
    assert high["Used"] == f"measured: {fmt.pct(measured)}"
    listed = _csv(downloads)
    assert listed.loc[listed["Risk level"] == "High", "Success rate"].tolist() == pytest.approx(
        [measured] * int((listed["Risk level"] == "High").sum())
    )
    assert (listed["Risk level"] == "High").sum() > 10
    _assert_expected_value_uses(listed, {"High": measured, "Mid": 0.53, "Low": 0.31})
    # Switched off: the typed prior is back.
    at.toggle(key="churn_use_measured").set_value(False).run()
    listed = _csv(downloads)
    assert set(listed.loc[listed["Risk level"] == "High", "Success rate"]) == {0.78}
    _assert_expected_value_uses(listed, {"High": 0.78, "Mid": 0.53, "Low": 0.31})
    (evidence,) = [d.value for d in at.dataframe if "Typed" in d.value.columns]
    assert evidence.loc[evidence["Risk level"] == "High", "Used"].iloc[0] == "typed: 78%"


def test_choices_survive_a_language_switch(sample_db_path, downloads):
    """Tiers, levels, stores and the P(churn) method are ids in state: a language switch
    changes the labels and keeps every selection (and so the list)."""
    at = run_app(sample_db_path, PAGE)
    at.multiselect(key="churn_tiers").set_value(["platinum", "gold"]).run()
    at.multiselect(key="churn_levels").set_value(["high", "mid"]).run()
    at.multiselect(key="churn_stores").set_value(["S01"]).run()
    at.radio(key="churn_p_method.en").set_value("score").run()
    at.radio(key="churn_capacity_kind.en").set_value("calls").run()
    english = _csv(downloads)
    n = metric_values(at)["Customers on the list"]
    at.segmented_control(key="lang").set_value("zh").run()
    assert not at.exception and not at.error
    assert at.multiselect(key="churn_tiers").value == ["platinum", "gold"]
    assert at.multiselect(key="churn_levels").value == ["high", "mid"]
    assert at.multiselect(key="churn_stores").value == ["S01"]
    assert at.radio(key="churn_p_method.zh").value == "score"
    assert at.radio(key="churn_capacity_kind.zh").value == "calls"
    assert metric_values(at)["名单客户数"] == n
    chinese = pd.read_csv(io.BytesIO(_file(downloads, ".csv")), encoding="utf-8-sig", dtype={"客户编号": str})
    assert chinese["客户编号"].tolist() == english["Customer"].astype(str).tolist()
    assert set(chinese["等级"]) <= {"白金", "黄金"}
    at.segmented_control(key="lang").set_value("en").run()
    assert at.multiselect(key="churn_tiers").value == ["platinum", "gold"]
    assert metric_values(at)["Customers on the list"] == n


@pytest.mark.parametrize("lang, words", [("en", "thresholds must rise"), ("zh", "风险等级阈值须递增")])
def test_thresholds_that_do_not_rise_are_explained_in_the_readers_language(sample_db_path, lang, words):
    at = run_app(sample_db_path, PAGE, lang=lang)
    at.slider(key="churn_high_min").set_value(0.2).run()  # below mid (0.30)
    assert not at.exception
    assert len(at.error) == 1 and words in at.error[0].value
    assert "churn.thresholds" not in at.error[0].value  # the code is never shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_where_to_stop_axis_is_in_the_readers_money(sample_db_path, lang):
    """The cumulative net value's axis: round steps of 1, 2 or 5 × 10^k over the curve's own
    (unscaled) values, labelled ¥ (万 in Chinese) rather than plotly's "20k" / "1.2M"."""
    at = run_app(sample_db_path, PAGE, lang=lang)
    assert not at.exception
    [curve] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("churn_chart_curve")]
    figure = json.loads(curve.proto.spec)
    y, axis = figure["data"][0]["y"], figure["layout"]["yaxis"]
    if isinstance(y, dict):  # plotly may send an array as typed data
        import base64

        import numpy as np

        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    values, texts = axis["tickvals"], axis["ticktext"]
    (step,) = {b - a for a, b in zip(values, values[1:])}
    assert str(step).rstrip("0") in ("1", "2", "5")
    assert values[0] <= min(min(y), 0) and values[-1] >= max(y)  # the ticks span the curve
    assert max(y) > 10_000  # the values are yuan, not 万
    assert texts[values.index(0)] == "¥0" and all("¥" in t for t in texts)
    assert not any(t.endswith(("k", "万万")) for t in texts)
    if lang == "zh":
        assert any(t.endswith("万") for t in texts)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_where_to_stop_hover_says_how_many_and_how_much(sample_db_path, downloads, lang):
    """A point of the curve says, in the reader's words and money, how many customers are
    called and the expected value of calling them: the downloaded list's running sum."""
    at = run_app(sample_db_path, PAGE, lang=lang)
    [curve] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("churn_chart_curve")]
    trace = json.loads(curve.proto.spec)["data"][0]
    assert trace["hovertemplate"] == "%{text}<extra></extra>"
    if lang == "zh":
        assert trace["text"][0].startswith("前1位：期望价值 ¥")
        return
    running = _csv(downloads)["Expected value"].cumsum()
    for text in trace["text"][:5] + trace["text"][-2:]:
        n, value = re.fullmatch(r"First ([\d,]+) called: (\S+) expected", text).groups()
        assert _amount(value) == pytest.approx(running.iloc[int(n.replace(",", "")) - 1], rel=0.005, abs=1)


def test_method_and_capacity_travel_in_the_link_by_id(sample_db_path):
    """The P(churn) method and the capacity kind are kept in the page's link by their ids, the
    same link in either language; a link opens the page with them."""
    at = run_app(sample_db_path, PAGE)
    at.radio(key="churn_p_method.en").set_value("score").run()
    at.radio(key="churn_capacity_kind.en").set_value("calls").run()
    assert at.query_params["churn_p_method"] == "score"
    assert at.query_params["churn_capacity_kind"] == "calls"
    for lang in ("en", "zh"):
        opened = run_app(sample_db_path, lang=lang)
        opened.query_params["churn_p_method"] = "score"
        opened.query_params["churn_capacity_kind"] = "budget"
        opened.switch_page(PAGE).run()
        assert not opened.exception
        assert opened.radio(key=f"churn_p_method.{lang}").value == "score"
        assert opened.radio(key=f"churn_capacity_kind.{lang}").value == "budget"
