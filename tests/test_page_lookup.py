"""AppTest: the customer lookup page — by id, by VIN, by name fragment, no match, thin data."""

from __future__ import annotations

import duckdb
import pytest

from clv_engine.db import Database
from tests.helpers import metric_values, run_app
from tests.test_churn_db import build_db
from wording import fmt, t

PAGE = "app_pages/lookup.py"


@pytest.fixture(scope="module")
def sample_customer(sample_db_path):
    """The sample customer who referred the most people, with what SQL says about them."""
    db = Database(sample_db_path)  # the app's reader settings: DuckDB shares one per file
    cid, referred = db.query_df(
        "SELECT referrer_id, count(*) AS n FROM referrals GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
    ).iloc[0]
    name, vin = db.query_df("SELECT name, vin FROM customers WHERE customer_id = ?", [cid]).iloc[0]
    orders = db.query_value("SELECT count(*) FROM orders WHERE customer_id = ?", [cid])
    db.close()
    return {"id": cid, "name": name, "vin": vin, "referred": referred, "orders": orders}


def _amount(text: str) -> float:
    """¥38,001 -> 38001; ¥1.64M -> 1,640,000."""
    scale = {"M": 1e6, "B": 1e9}.get(text[-1], 1.0)
    return float(text.lstrip("¥").rstrip("MB").replace(",", "")) * scale


def _search(at, text: str):
    at.text_input(key="lookup_query").input(text).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_prompt_before_a_search(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    assert any("Search for a customer" in i.value for i in at.info)


def test_lookup_by_id(sample_db_path, sample_customer):
    at = _search(run_app(sample_db_path, PAGE), sample_customer["id"].lower())
    assert at.subheader[0].value == f"{sample_customer['name']} · {sample_customer['id']}"
    m = metric_values(at)
    assert m["Customers referred"] == fmt.number(sample_customer["referred"])
    for label in ("CLV", "Tier (RFM+L)", "RFM+L total", "Churn risk score", "Network value"):
        assert m[label] not in ("", "—"), label
    # The four scores in the table add up to the total shown.
    table = next(d.value for d in at.dataframe if "Score or flag" in d.value.columns)["Value"].tolist()
    assert m["RFM+L total"] == f"{sum(int(v) for v in table[:4])} / 20"
    # The network value is the CLV of the customers listed as referred directly.
    network = next(d.value for d in at.dataframe if "Links away" in d.value.columns)
    direct = network[network["Links away"] == 1]
    assert len(direct) == sample_customer["referred"]
    # The table rounds each CLV to the yuan, so the sums may differ by half a yuan a row.
    assert _amount(m["Network value"]) == pytest.approx(direct["CLV"].sum(), abs=0.5 * len(direct) + 1)
    # Every service order is listed; the risk reasons and an action are shown.
    orders = next(d.value for d in at.dataframe if "Work" in d.value.columns)
    assert len(orders) == sample_customer["orders"]
    assert at.text and at.text[0].value
    assert any(md.value.startswith("1. ") for md in at.markdown)
    assert any("Complaint rule for this tier" in md.value for md in at.markdown)


def test_lookup_by_vin_and_its_tail(sample_db_path, sample_customer):
    at = _search(run_app(sample_db_path, PAGE), sample_customer["vin"])
    assert at.subheader[0].value.endswith(sample_customer["id"])
    at = _search(at, sample_customer["vin"][-6:])
    assert at.subheader[0].value.endswith(sample_customer["id"])


def test_lookup_by_name_fragment_lists_matches(sample_db_path):
    db = Database(sample_db_path)
    expected = db.query_value("SELECT count(*) FROM customers WHERE name LIKE '%王%'")
    second = db.query_value(
        "SELECT customer_id FROM customers WHERE name LIKE '%王%' ORDER BY customer_id LIMIT 1 OFFSET 1"
    )
    db.close()
    at = _search(run_app(sample_db_path, PAGE), "王")
    pick = at.selectbox(key="lookup_pick")
    assert len(pick.options) == min(expected, 20)
    assert f"{expected} customers match" in " ".join(c.value for c in at.caption)
    pick.set_value(second).run()
    assert at.subheader[0].value.endswith(second)


def test_no_match(sample_db_path):
    at = _search(run_app(sample_db_path, PAGE), "nobody-like-this")
    assert at.warning[0].value == "No customer matches \u201cnobody\\-like\\-this\u201d in this scope."
    assert not at.subheader


def test_chinese_lookup(sample_db_path, sample_customer):
    at = _search(run_app(sample_db_path, PAGE, lang="zh"), sample_customer["id"])
    assert at.title[0].value == "客户查询"
    assert "关系网价值" in metric_values(at)
    # The acquisition channel by its Chinese name, not the stored code ("social").
    db = Database(sample_db_path)
    code = db.query_value("SELECT channel FROM customers WHERE customer_id = ?", [sample_customer["id"]])
    db.close()
    profile = " ".join(c.value for c in at.caption)
    assert f"渠道 {t(f'channels.name.{code}', 'zh')}" in profile and f"渠道 {code}" not in profile


def test_orders_only_database_says_what_is_missing(tmp_path):
    path = build_db(tmp_path / "orders_only.duckdb", side_tables=False)
    at = _search(run_app(path, PAGE), "A")
    assert at.subheader[0].value == "王伟 · A"
    infos = " ".join(i.value for i in at.info)
    assert "import the complaints file" in infos
    assert "import the referrals file" in infos
    flags = next(d.value for d in at.dataframe if "Score or flag" in d.value.columns).set_index(
        "Score or flag"
    )["Value"]
    assert flags["Has a complaint on record"] == "not available (no complaints data)"
    assert flags["Seen at a competitor"] == "not available (no competitor_sightings data)"


def test_imported_name_is_shown_as_text(tmp_path):
    path = build_db(tmp_path / "names.duckdb")
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO customers (customer_id, name, home_store_id, purchase_date) "
        "VALUES ('X1', '[click](http://evil.example) *now*', 'S01', DATE '2024-01-01')"
    )
    con.close()
    at = _search(run_app(path, PAGE), "X1")
    # Every mark escaped, and a word joiner (U+2060) inside "http://": a browser's Markdown
    # autolinks "http\://" after resolving the escape (seen in Chromium), never "http:\u2060//".
    assert at.subheader[0].value == r"\[click\]\(http\:" + "\u2060" + r"//evil\.example\) \*now\* · X1"


def test_customer_after_the_as_of_date(tmp_path):
    path = build_db(tmp_path / "future.duckdb")
    at = run_app(path, PAGE)
    at.date_input(key="as_of").set_value("2026-06-30").run()
    _search(at, "G")  # bought on 2026-07-15
    assert any("starts after the as-of date" in i.value for i in at.info)


def test_lookup_shows_the_same_p_churn_and_value_as_the_churn_list(sample_db_path):
    # The churn list's first customer (scope S03) looked up: the same P(churn) and expected value.
    import io

    from streamlit.runtime.media_file_manager import MediaFileManager

    captured = {}
    add_deferred = MediaFileManager.add_deferred

    def deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if file_name and file_name.endswith(".csv"):
            captured["csv"] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    MediaFileManager.add_deferred = deferred
    try:
        at = run_app(sample_db_path, "app_pages/churn.py")
        at.multiselect(key="stores").set_value(["S03"]).run()
    finally:
        MediaFileManager.add_deferred = add_deferred
    import pandas as pd

    listed = pd.read_csv(io.BytesIO(captured["csv"]()), encoding="utf-8-sig", dtype={"Store": str})
    first = listed.iloc[0]
    at = _search(run_app(sample_db_path, PAGE), first["Customer"])
    risk_line = next(md.value for md in at.markdown if "P(churn)" in md.value)
    assert fmt.pct(first["P(churn)"], 1) in risk_line
    actions = [md.value for md in at.markdown if md.value[:3] in ("1. ", "2. ")]
    assert any(fmt.money(first["Expected value"]) in a for a in actions), actions


def test_status_and_p_alive_are_shown_under_their_names(sample_db_path):
    # A lapsed customer of the sample: the status says lapsed, P(alive) is named and defined,
    # and the page explains why the model still calls them alive.
    db = Database(sample_db_path)
    cid = db.query_value(
        "SELECT customer_id FROM orders GROUP BY 1 HAVING count(*) >= 3 AND "
        "max(order_date) < (SELECT max(order_date) FROM orders) - INTERVAL 800 DAY ORDER BY 1 LIMIT 1"
    )
    db.close()
    at = _search(run_app(sample_db_path, PAGE), cid)
    m = metric_values(at)
    assert m["Status"] == "Lapsed"
    helps = {x.label: x.help for x in at.metric}
    assert "730 days" in helps["Status"]
    assert "not the chance of a visit" in helps["P(alive), visit model"]
    assert any("cannot tell customers who left" in c.value for c in at.caption)
    assert (
        any("not the status" in c.value for c in at.caption)
        or float(m["P(alive), visit model"].rstrip("%")) < 90
    )
    zh = _search(run_app(sample_db_path, PAGE, lang="zh"), cid)
    assert metric_values(zh)["状态"] == "已流失"


def test_a_rerun_picks_nothing_from_the_million_rows_again(sample_db_path, sample_customer, monkeypatch):
    """The customer's value row and network are read once per customer (issue 14: a rerun
    merged the network with every customer's row), and are those of the whole values frame."""
    import streamlit as st

    from clv_engine import lookup
    from ui.queries import model_values

    calls = []
    real = lookup.referral_network
    monkeypatch.setattr(lookup, "referral_network", lambda *a, **k: (calls.append(a[1]), real(*a, **k))[1])
    st.cache_data.clear()
    at = _search(run_app(sample_db_path, PAGE), sample_customer["id"])
    at.run()
    _search(at, sample_customer["name"]).run()  # another search, the same customer
    assert calls == [sample_customer["id"]]
    # the figures are the frame's: the CLV shown is the customer's row of every store's values
    from datetime import date

    from clv_engine import clv

    db = Database(sample_db_path)
    values = model_values(db, date(2026, 11, 30), None, clv.CLVParams(), "predictive")
    mine = values[values["customer_id"] == sample_customer["id"]]
    network = real(db, sample_customer["id"], date(2026, 11, 30), values, 3)
    db.close()
    m = metric_values(at)
    assert m["CLV"] == fmt.money(mine.iloc[0]["clv"], "en")
    assert m["Network value"] == fmt.money(network.direct_clv, "en")
