"""Channel LTV/CAC (SPEC §6): the seed's ratios and bands, CAC on the sample against pandas,
the budget-shift simulator by hand, a database without channel spend."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from clv_engine import channels as ch
from clv_engine.cohorts import LtvParams
from clv_engine.db import READER_CONFIG, Database
from tests.helpers import Table, make_db

# -- SPEC §6 ---------------------------------------------------------------------------------


def test_spec_ratios_and_bands():
    table = ch.spec_channel_table().set_index("channel")
    # SPEC §6: 24,800/1,200 = 20.7; 18,600/2,800 = 6.6; ... as the seed prints them
    assert [round(r, 1) for r in table["ltv_cac"]] == [20.7, 6.6, 2.5, 2.8, 1.4, 1.6]
    # Thresholds: < 1 stop; 1-3 marginal; 3-5 healthy; > 5 excellent
    assert list(table["band"]) == ["excellent", "excellent", "marginal", "marginal", "marginal", "marginal"]
    assert table.loc["show", "advice"] == "cut" and table.loc["ecommerce", "advice"] == "phase_out"


@pytest.mark.parametrize(
    "ratio, band",
    [
        (0.0, "stop"),
        (0.99, "stop"),
        (1.0, "marginal"),
        (2.99, "marginal"),
        (3.0, "healthy"),
        (5.0, "healthy"),
        (5.01, "excellent"),
        (20.7, "excellent"),
        (float("nan"), None),
        (None, None),
    ],
)
def test_band_edges(ratio, band):
    assert ch.verdict_band(ratio) == band


def test_ratio_and_payback():
    assert ch.ltv_cac_ratio(24_800, 1_200) == pytest.approx(24_800 / 1_200)
    assert np.isnan(ch.ltv_cac_ratio(1_000, 0))
    assert np.isnan(ch.ltv_cac_ratio(1_000, float("nan")))
    # 1,200 of CAC repaid by 2,400 a year = 200 a month: 6 months
    assert ch.payback_months(1_200, 2_400) == pytest.approx(6.0)
    assert np.isnan(ch.payback_months(1_200, -50))


def test_spec_blended_ratio_from_its_own_table():
    cac = np.array([1_200, 2_800, 8_500, 5_200, 12_000, 6_800.0])
    ltv = np.array([24_800, 18_600, 21_200, 14_300, 16_800, 11_200.0])
    rec = ch.spec_reconciliation("equal")
    # Equal customers: Σ LTV / Σ CAC = 106,900 / 36,500
    assert rec.equal_customers_before == pytest.approx(106_900 / 36_500)
    # Equal spend: the mean of the six ratios
    assert rec.equal_spend_before == pytest.approx(np.mean(ltv / cac))
    # 30% of shows' (12,000) and e-commerce's (6,800) spend = 5,640 moved, 2,820 each to
    # referral and social; the same 36,500 of spend.
    after = (106_900 - 0.3 * 16_800 - 0.3 * 11_200 + 2_820 / 1_200 * 24_800 + 2_820 / 2_800 * 18_600) / 36_500
    assert rec.equal_customers_after == pytest.approx(after)
    assert round(rec.equal_customers_after, 1) == 4.8  # the seed's "after"
    assert round(rec.equal_customers_before, 1) != 3.2  # ... but not its "before"


# -- simulator -------------------------------------------------------------------------------

BASE = pd.DataFrame(
    {
        "channel": ["a", "b", "c"],
        "spend": [100.0, 100.0, 300.0],
        "new_customers": [10.0, 10.0, 20.0],
        "ltv": [50.0, 100.0, 80.0],
    }
)


def test_shift_with_diminishing_returns_by_hand():
    result = ch.shift_budget(BASE, ch.BudgetShift(("a",), ("b",), 0.5, "equal", 0.5))
    rows = result.table.set_index("channel")
    assert rows.loc["a", "spend_after"] == 50 and rows.loc["b", "spend_after"] == 150
    assert rows.loc["a", "customers_after"] == pytest.approx(10 * 0.5**0.5)
    assert rows.loc["b", "customers_after"] == pytest.approx(10 * 1.5**0.5)
    assert rows.loc["c", "customers_after"] == 20
    ltv_after = 10 * 0.5**0.5 * 50 + 10 * 1.5**0.5 * 100 + 20 * 80
    assert result.ltv_after == pytest.approx(ltv_after)
    assert result.ltv_before == 10 * 50 + 10 * 100 + 20 * 80
    assert result.ratio_after == pytest.approx(ltv_after / 500)
    assert result.spend == 500


def test_linear_shift_keeps_cac():
    result = ch.shift_budget(BASE, ch.BudgetShift(("c",), ("a", "b"), 0.2, "equal", 1.0))
    rows = result.table.set_index("channel")
    # 60 moved, 30 each: a and b win 3 more customers each at their CAC of 10
    assert rows.loc["a", "customers_after"] == pytest.approx(13)
    assert rows.loc["b", "customers_after"] == pytest.approx(13)
    assert rows.loc["c", "customers_after"] == pytest.approx(16)
    assert rows["cac_after"].round(9).tolist() == [10.0, 10.0, 15.0]


def test_split_in_proportion_to_spend():
    base = BASE.assign(spend=[100.0, 300.0, 300.0])
    result = ch.shift_budget(base, ch.BudgetShift(("c",), ("a", "b"), 0.4, "spend", 1.0))
    rows = result.table.set_index("channel")
    # 120 moved: a gets 1/4 (30), b 3/4 (90)
    assert rows.loc["a", "spend_after"] == pytest.approx(130)
    assert rows.loc["b", "spend_after"] == pytest.approx(390)


def test_diminishing_returns_win_fewer_customers_than_linear():
    shift = dict(from_channels=("a",), to_channels=("b", "c"), share=0.6)
    linear = ch.shift_budget(BASE, ch.BudgetShift(**shift, returns_exponent=1.0))
    concave = ch.shift_budget(BASE, ch.BudgetShift(**shift, returns_exponent=0.7))
    gained_linear = linear.table.set_index("channel").loc["b", "customers_after"] - 10
    gained_concave = concave.table.set_index("channel").loc["b", "customers_after"] - 10
    assert 0 < gained_concave < gained_linear


def test_no_move_changes_nothing():
    result = ch.shift_budget(BASE, ch.BudgetShift((), (), 0.3))
    assert result.ltv_after == result.ltv_before
    assert result.customers_after == result.customers_before


@pytest.mark.parametrize(
    "shift, code, details",
    [
        (ch.BudgetShift(("zz",), ("b",), 0.3), "unknown_channel", {"channel": "zz"}),
        (ch.BudgetShift(("a",), ("a",), 0.3), "both_lists", {"channel": "a"}),
        (ch.BudgetShift(("a",), ("b",), 1.3), "share_range", {"share": 1.3}),
        (ch.BudgetShift(("a",), ("b",), 0.3, "random"), "split", {"split": "random"}),
        (ch.BudgetShift(("a",), ("b",), 0.3, "equal", 0.0), "returns_exponent", {"beta": 0.0}),
        (ch.BudgetShift(("a",), ("b",), 0.3, "equal", 1.5), "returns_exponent", {"beta": 1.5}),
        (ch.BudgetShift(("a",), (), 0.3), "no_destination", {}),
    ],
)
def test_bad_shift_names_the_field(shift, code, details):
    from wording.errors import explain

    with pytest.raises(ValueError) as err:
        ch.shift_budget(BASE, shift)
    assert err.value.code == f"channels.{code}" and err.value.details == details
    for lang in ("en", "zh"):  # the reader gets a sentence with the value in it
        assert all(str(v) in explain(err.value, lang) for v in details.values())


def test_destination_without_spend_is_refused():
    base = pd.concat(
        [BASE, pd.DataFrame({"channel": ["new"], "spend": [0.0], "new_customers": [0.0], "ltv": [10.0]})]
    )
    with pytest.raises(ValueError) as err:
        ch.shift_budget(base, ch.BudgetShift(("a",), ("new",), 0.3))
    assert err.value.code == "channels.no_spend" and err.value.details == {"channel": "new"}


def test_spec_bases():
    by_customers = ch.spec_simulator_base("customers", 1_000).set_index("channel")
    assert by_customers.loc["show", "spend"] == 12_000_000
    by_spend = ch.spec_simulator_base("spend", 1_200).set_index("channel")
    assert by_spend.loc["referral", "new_customers"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="mix"):
        ch.spec_simulator_base("random")


# -- names -----------------------------------------------------------------------------------


def test_channel_labels():
    from wording.channels import channel_label

    assert channel_label("referral", "en") == "Referral"
    assert channel_label("referral", "zh") == "老客户转介绍"
    assert channel_label("ecommerce", "zh") == "电商平台"
    assert channel_label("dealer_tv", "zh") == "dealer_tv"  # a dealer's own code
    assert channel_label(None, "en") == "(not recorded)"
    assert [channel_label(c, "zh") for c in ch.CHANNEL_CODES] == [
        "老客户转介绍",
        "社交媒体种草",
        "线下体验店",
        "搜索广告",
        "展会活动",
        "电商平台",
    ]


# -- CAC on the sample against pandas ----------------------------------------------------------


@pytest.fixture(scope="module")
def spend(sample_db_path):
    con = duckdb.connect(str(sample_db_path), read_only=True, config=READER_CONFIG)
    frame = con.execute("SELECT * FROM channel_spend").df()
    end = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    con.close()
    frame["month"] = pd.to_datetime(frame["month"])
    return frame, end


def test_sample_cac_matches_pandas(sample_db_path, spend):
    frame, end = spend
    db = Database(sample_db_path)
    got = ch.channel_cac(db, end).set_index("channel")
    sums = frame.groupby("channel")[["spend", "new_customers"]].sum()
    want = sums["spend"] / sums["new_customers"]
    assert set(got.index) == set(want.index) == set(ch.CHANNEL_CODES)
    for code, value in want.items():
        assert got.loc[code, "cac"] == pytest.approx(value)
    # Last 12 months: December of last year through as_of's month
    start = pd.Timestamp(end.year - 1, end.month, 1) + pd.offsets.MonthBegin(1)
    recent = frame[(frame["month"] >= start) & (frame["month"] <= pd.Timestamp(end))]
    assert recent["month"].min() == pd.Timestamp(2025, 12, 1)
    sums = recent.groupby("channel")[["spend", "new_customers"]].sum()
    got12 = ch.channel_cac(db, end, 12).set_index("channel")
    for code in sums.index:
        assert got12.loc[code, "cac"] == pytest.approx(
            sums.loc[code, "spend"] / sums.loc[code, "new_customers"]
        )


def test_sample_cac_by_year_matches_pandas(sample_db_path, spend):
    frame, end = spend
    got = ch.cac_by_period(Database(sample_db_path), end, "year")
    got["year"] = pd.to_datetime(got["period"]).dt.year
    got = got.set_index(["year", "channel"])
    sums = (
        frame.assign(year=frame["month"].dt.year)
        .groupby(["year", "channel"])[["spend", "new_customers"]]
        .sum()
    )
    for key, row in sums.iterrows():
        assert got.loc[key, "cac"] == pytest.approx(row["spend"] / row["new_customers"])
    with pytest.raises(ValueError, match="period"):
        ch.cac_by_period(Database(sample_db_path), end, "week")


def test_sample_channel_table(sample_db_path, spend):
    frame, end = spend
    db = Database(sample_db_path)
    table = ch.channel_table(db, end, LtvParams(horizon_years=7)).set_index("channel")
    assert list(table.index) == list(ch.CHANNEL_CODES)  # the seed's order
    # The generator counts every customer it creates in channel_spend.new_customers
    assert table["customers"].to_dict() == frame.groupby("channel")["new_customers"].sum().to_dict()
    for _code, row in table.iterrows():
        assert row["ltv_cac"] == pytest.approx(row["ltv"] / row["cac"])
        assert row["band"] == ch.verdict_band(row["ltv"] / row["cac"])
        assert row["payback_months"] == pytest.approx(row["cac"] / (row["annual_gp"] / 12))
    # Referral customers are the generator's most valuable and cheapest to win
    assert table["ltv_cac"].idxmax() == "referral"
    base = ch.data_simulator_base(table.reset_index())
    assert len(base) == 6


# -- a database with only customers and orders ---------------------------------------------------


@pytest.fixture()
def no_spend_db(tmp_path: Path) -> Database:
    path = tmp_path / "orders_only.duckdb"
    make_db(
        path,
        customers=Table(
            ("customer_id", "channel", "vehicle_model", "purchase_date"),
            [
                ["A", "referral", "X5", date(2021, 1, 1)],
                ["B", "dealer_tv", "X5", date(2022, 1, 1)],
                ["C", None, "S7", date(2022, 6, 1)],
            ],
        ),
        orders=Table(
            ("order_id", "customer_id", "order_date", "revenue", "gross_profit"),
            [
                ["1", "A", date(2021, 3, 1), 500.0, 200.0],
                ["2", "A", date(2022, 3, 1), 700.0, 300.0],
                ["3", "B", date(2022, 3, 1), 400.0, 100.0],
            ],
        ),
    )
    return Database(path)


def test_channel_table_without_spend(no_spend_db):
    table = ch.channel_table(no_spend_db, date(2023, 6, 30), LtvParams(retention=0.8))
    assert list(table["channel"][:2]) == ["referral", "dealer_tv"]  # seed's codes first, None last
    assert table["channel"].iloc[2] is None or pd.isna(table["channel"].iloc[2])
    assert table["cac"].isna().all() and table["band"].isna().all()
    assert table["ltv"].notna().all()
    assert table["customers"].tolist() == [1, 1, 1]


def test_cohort_cac_weights_customers_by_channel_and_year():
    mix = pd.DataFrame(
        {
            "cohort": ["X", "X", "X", "Y"],
            "channel": ["a", "b", "b", "c"],
            "purchase_year": [2020, 2020, 2021, 2020],
            "customers": [1, 2, 1, 3],
        }
    )
    by_year = pd.DataFrame(
        {
            "period": pd.to_datetime(["2020-01-01", "2020-01-01", "2021-01-01"]),
            "channel": ["a", "b", "b"],
            "cac": [100.0, 400.0, 700.0],
        }
    )
    overall = pd.DataFrame({"channel": ["a", "b"], "cac": [150.0, 500.0]})
    got = ch.cohort_cac(mix, by_year, overall)
    assert got["X"] == pytest.approx((1 * 100 + 2 * 400 + 1 * 700) / 4)
    assert np.isnan(got["Y"])  # channel c has no CAC
    # a year without spend recorded falls back to the channel's overall CAC
    no_2021 = by_year[by_year["period"].dt.year == 2020]
    assert ch.cohort_cac(mix, no_2021, overall)["X"] == pytest.approx((100 + 800 + 500) / 4)
