"""AppTest: the channels and cohorts page (SPEC §6)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from clv_engine.db import READER_CONFIG
from tests.helpers import Table, make_db, metric_values, run_app
from wording import fmt, t

PAGE = "app_pages/channels.py"


def _value(path: Path, sql: str):
    # The app holds the file open read-only with READER_CONFIG; a second reader must match it.
    con = duckdb.connect(str(path), read_only=True, config=READER_CONFIG)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _frame(at, first_column: str, having: str | None = None):
    """The first read-only table whose first column is ``first_column`` (and has ``having``)."""
    for df in at.dataframe:
        if df.editing_mode != "read_only":
            continue
        if df.value.columns[0] == first_column and (having is None or having in df.value.columns):
            return df.value
    raise AssertionError(f"no table starting with {first_column!r}")


def test_headline_spend_matches_sql(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    spend = _value(sample_db_path, "SELECT sum(spend) FROM channel_spend")
    m = metric_values(at)
    assert m["Acquisition spend"] == fmt.money(spend, "en")
    assert m["Best channel"] == "Referral"
    table = _frame(at, "Channel")
    assert list(table["Channel"]) == [
        "Referral",
        "Social media",
        "Experience store",
        "Search ads",
        "Auto shows",
        "E-commerce",
    ]
    assert {"CAC", "LTV/CAC", "Verdict", "CAC payback (months)"} <= set(table.columns)


def test_spec_preset_table_and_edit(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.radio(key="ch_source.en").set_value("spec").run()
    assert not at.exception
    table = _frame(at, "Channel", "Reference case's advice")
    assert list(table["LTV/CAC"]) == [20.7, 6.6, 2.5, 2.8, 1.4, 1.6]
    assert list(table["Verdict"][:2]) == ["> 5 · excellent: invest more"] * 2
    assert table["Reference case's advice"].iloc[4] == "Cut"
    # Shows at a CAC of 4,000: 16,800 / 4,000 = 4.2, healthy
    at.session_state["ch_spec_editor"] = {
        "edited_rows": {4: {"CAC": 4000}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    table = _frame(at, "Channel", "Reference case's advice")
    assert table["LTV/CAC"].iloc[4] == 4.2
    assert table["Verdict"].iloc[4] == "3-5 · healthy"


def test_simulator_reproduces_the_seed_after_ratio(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.radio(key="ch_sim_base.en").set_value("spec_customers").run()
    at.slider(key="ch_sim_beta").set_value(1.0).run()
    assert not at.exception
    m = metric_values(at)
    # Equal customers: 106,900 / 36,500 = 2.9 before; 30% of shows and e-commerce to
    # referral and social, half each: 4.8 after (test_channels works it out by hand)
    assert m["Blended LTV/CAC, before → after"] == "2.9× → 4.8×"
    # 1,000 customers a channel: shows lose 300, e-commerce 300; referral gains 2,350, social 1,007
    assert m["New customers after the shift"] == fmt.number(
        6_000 - 600 + 2_820_000 / 1_200 + 2_820_000 / 2_800
    )
    # A smaller β wins fewer customers for the same shift
    at.slider(key="ch_sim_beta").set_value(0.5).run()
    fewer = metric_values(at)["New customers after the shift"]
    assert int(fewer.replace(",", "")) < 6_000 - 600 + 2_350 + 1_007


def test_simulator_on_the_data(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.slider(key="ch_sim_share").set_value(0).run()
    m = metric_values(at)
    before, after = m["Blended LTV/CAC, before → after"].split(" → ")
    assert before == after  # nothing moved
    at.slider(key="ch_sim_share").set_value(50).run()
    before, after = metric_values(at)["Blended LTV/CAC, before → after"].split(" → ")
    assert float(after.rstrip("×")) > float(before.rstrip("×"))  # shows → referral pays


def test_simulator_refuses_a_channel_in_both_lists(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.multiselect(key="ch_sim_to").set_value([]).run()
    assert not at.exception
    # The message is escaped for Markdown (it may name channel codes, which are the dealer's text).
    expected = t("error.channels.no_destination", "en")
    assert any(expected in w.value.replace("\\", "") for w in at.warning)


COHORT_COLUMN = {
    "purchase_year": "year(purchase_date)",
    "vehicle_model": "vehicle_model",
    "channel": "channel",
    "region": "s.region",
}


def test_cohort_dimensions(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    for dim, column in COHORT_COLUMN.items():
        at.segmented_control(key="ch_cohort_dim.en").set_value(dim).run()
        assert not at.exception
        groups = _value(
            sample_db_path,
            f"SELECT count(DISTINCT {column}) FROM customers c LEFT JOIN stores s ON s.store_id = c.home_store_id",
        )
        table = _frame(at, "Cohort")
        assert len(table) == groups, dim
        assert {
            "First-year spend",
            "First-service return rate",
            "Repeat purchase rate",
            "LTV at 7 years",
            "CAC",
            "Payback year",
        } <= set(table.columns)
        if dim == "channel":  # the seed's order, its names
            assert list(table["Cohort"]) == [
                "Referral",
                "Social media",
                "Experience store",
                "Search ads",
                "Auto shows",
                "E-commerce",
            ]


def test_horizon_changes_ltv(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    seven = _frame(at, "Cohort")["LTV at 7 years"].sum()
    at.slider(key="ch_horizon").set_value(3).run()
    three = _frame(at, "Cohort")["LTV at 3 years"].sum()
    assert three < seven


def test_downloads_are_offered(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    keys = {b.key for b in at.get("download_button")}
    assert {"ch_dl_channels_csv", "ch_dl_channels_xlsx", "ch_dl_sim_csv", "ch_dl_cohorts_xlsx"} <= keys


def test_chinese(sample_db_path):
    at = run_app(sample_db_path, PAGE, lang="zh")
    assert at.title[0].value == "渠道与客群：哪些获客渠道值得投入"
    table = _frame(at, "渠道")
    assert list(table["渠道"]) == [
        "老客户转介绍",
        "社交媒体种草",
        "线下体验店",
        "搜索广告",
        "展会活动",
        "电商平台",
    ]


@pytest.fixture()
def orders_only_db(tmp_path: Path) -> Path:
    path = tmp_path / "orders_only.duckdb"
    return make_db(
        path,
        customers=Table(
            ("customer_id", "channel", "vehicle_model", "purchase_date"),
            [
                ["A", "referral", "X5", date(2021, 1, 1)],
                ["B", "dealer_tv", "X5", date(2022, 1, 1)],
                ["C", "social", "S7", date(2022, 6, 1)],
            ],
        ),
        orders=Table(
            ("order_id", "customer_id", "order_date", "revenue", "gross_profit"),
            [
                ["1", "A", date(2021, 3, 1), 500.0, 200.0],
                ["2", "A", date(2022, 3, 1), 700.0, 300.0],
                ["3", "B", date(2022, 3, 1), 400.0, 100.0],
                ["4", "C", date(2023, 1, 5), 300.0, 90.0],
            ],
        ),
    )


def test_without_channel_spend(orders_only_db):
    at = run_app(orders_only_db, PAGE)
    assert any(
        i.value.startswith("CAC not available — import channel spend (month, channel, spend, new customers)")
        for i in at.info
    )
    table = _frame(at, "Channel")
    assert list(table["Channel"]) == ["Referral", "Social media", "dealer_tv"]
    assert "CAC" not in table.columns
    cohorts = _frame(at, "Cohort")
    assert list(cohorts["Cohort"]) == ["2021", "2022"]
    assert "CAC" not in cohorts.columns
    # The simulator still runs on the seed's table
    at.radio(key="ch_sim_base.en").set_value("spec_spend").run()
    assert not at.exception
    assert "Blended LTV/CAC, before → after" in metric_values(at)
    at.segmented_control(key="ch_cohort_dim.en").set_value("channel").run()
    assert not at.exception
    # No stores table: every region is missing, still one cohort with its curve
    at.segmented_control(key="ch_cohort_dim.en").set_value("region").run()
    assert list(_frame(at, "Cohort")["Cohort"]) == ["(not recorded)"]
    traces = [[t.get("name") for t in json.loads(c.proto.spec)["data"]] for c in at.get("plotly_chart")]
    assert ["(not recorded)"] in traces


def test_choices_survive_a_language_switch(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.radio(key="ch_source.en").set_value("spec").run()
    at.radio(key="ch_sim_base.en").set_value("spec_spend").run()
    at.segmented_control(key="ch_cohort_dim.en").set_value("region").run()
    at.selectbox(key="ch_cac_window.en").set_value(24).run()
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.radio(key="ch_source.zh").value == "spec"
    assert at.radio(key="ch_sim_base.zh").value == "spec_spend"
    assert at.segmented_control(key="ch_cohort_dim.zh").value == "region"
    assert at.selectbox(key="ch_cac_window.zh").value == 24
    # The link holds the ids, the same in both languages
    assert str(at.query_params["ch_source"]).strip("[]'") == "spec"
    assert str(at.query_params["ch_cohort_dim"]).strip("[]'") == "region"
    at.session_state["lang"] = "en"
    at.run()
    assert at.radio(key="ch_source.en").value == "spec"
    assert at.segmented_control(key="ch_cohort_dim.en").value == "region"
