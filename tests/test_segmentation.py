"""RFM+L scoring at every boundary of SPEC §2a, the six groups of §2b, the breakdown,
the care budget cases of §2b/§2c, complaint rules and tier migration."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from clv_engine import clv
from clv_engine import segmentation as seg
from clv_engine.db import Database, create_database
from clv_engine.errors import InputError
from wording.errors import explain

AS_OF = date(2026, 6, 30)


class Builder:
    """A tiny database of hand-made customers, one per case."""

    def __init__(self) -> None:
        self.customers: list[tuple] = []
        self.orders: list[tuple] = []
        self.side: dict[str, list[tuple]] = {t: [] for t in seg.FLAG_TABLES.values()}

    def add(
        self,
        cid: str,
        recency: int | None = None,
        visits: int = 0,
        spend: float = 0.0,
        purchase_days_ago: int = 2_000,
        store: str = "S01",
        flags: tuple[str, ...] = (),
    ) -> str:
        """``visits`` orders in the last 12 months worth ``spend`` in all, the last one
        ``recency`` days before AS_OF; with no visits, one old order ``recency`` days ago."""
        self.customers.append((cid, store, AS_OF - timedelta(days=purchase_days_ago)))
        if visits:
            for i in range(visits):
                day = AS_OF - timedelta(days=recency + i)
                self.orders.append((f"{cid}-{i}", cid, day, store, spend / visits))
        elif recency is not None:
            self.orders.append((f"{cid}-old", cid, AS_OF - timedelta(days=recency), store, 50.0))
        day = AS_OF - timedelta(days=100)
        for flag in flags:
            self.side[seg.FLAG_TABLES[flag]].append((cid, day))
        return cid

    def build(self, path: Path) -> Database:
        create_database(path)
        con = duckdb.connect(str(path))
        con.execute("INSERT INTO stores VALUES ('S01', 'One', 'East', 'A'), ('S02', 'Two', 'West', 'B')")
        for cid, store, bought in self.customers:
            con.execute(
                "INSERT INTO customers (customer_id, home_store_id, purchase_date) VALUES (?, ?, ?)",
                [cid, store, bought],
            )
        for oid, cid, day, store, revenue in self.orders:
            con.execute(
                "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) VALUES (?, ?, ?, ?, 'maintenance', ?, ?)",
                [oid, cid, day, store, revenue, revenue * 0.4],
            )
        for i, (cid, day) in enumerate(self.side["warranties"]):
            con.execute("INSERT INTO warranties VALUES (?, ?, ?, 5800, 3, 0)", [f"W{i}", cid, day])
        for cid, day in self.side["referrals"]:
            con.execute("INSERT INTO referrals VALUES (?, 'someone', ?)", [cid, day])
        for cid, day in self.side["event_attendance"]:
            con.execute("INSERT INTO event_attendance VALUES (?, ?, 'club day')", [cid, day])
        for i, (cid, day) in enumerate(self.side["complaints"]):
            con.execute(
                "INSERT INTO complaints (complaint_id, customer_id, store_id, opened, resolved) VALUES (?, ?, 'S01', ?, NULL)",
                [f"Q{i}", cid, day],
            )
        for cid, day in self.side["competitor_sightings"]:
            con.execute("INSERT INTO competitor_sightings VALUES (?, ?, 'survey')", [cid, day])
        con.close()
        return Database(path)


def _scores(builder: Builder, tmp_path: Path, rules: seg.RfmlRules = seg.RfmlRules()) -> pd.DataFrame:
    path = tmp_path / f"t{len(list(tmp_path.glob('*.duckdb')))}.duckdb"
    return seg.score_customers(builder.build(path), AS_OF, rules=rules).set_index("customer_id")


@pytest.mark.parametrize(
    "days, expected",
    [(0, 5), (30, 5), (31, 4), (90, 4), (91, 3), (180, 3), (181, 2), (365, 2), (366, 1), (900, 1)],
)
def test_recency_boundaries(tmp_path, days, expected):
    b = Builder()
    b.add("C", recency=days, visits=1 if days <= 365 else 0, spend=500)
    row = _scores(b, tmp_path).loc["C"]
    assert row.recency_days == days
    assert row.r == expected


@pytest.mark.parametrize("visits, expected", [(0, 1), (1, 2), (2, 3), (3, 3), (4, 4), (5, 4), (6, 5), (9, 5)])
def test_visit_boundaries(tmp_path, visits, expected):
    b = Builder()
    b.add("C", recency=10 if visits else 400, visits=visits, spend=100 * visits)
    row = _scores(b, tmp_path).loc["C"]
    assert row.freq_12m == visits
    assert row.f == expected


@pytest.mark.parametrize(
    "spend, expected",
    [
        (0, 1),
        (999, 1),
        (1_000, 2),
        (1_999, 2),
        (2_000, 3),
        (4_999, 3),
        (5_000, 4),
        (9_999, 4),
        (10_000, 5),
        (40_000, 5),
    ],
)
def test_spend_boundaries(tmp_path, spend, expected):
    b = Builder()
    b.add("C", recency=10, visits=1, spend=spend)
    row = _scores(b, tmp_path).loc["C"]
    assert row.spend_12m == spend
    assert row.m == expected


@pytest.mark.parametrize("days, in_window, r", [(364, True, 2), (365, True, 2), (366, False, 1)])
def test_twelve_month_window_agrees_with_recency(tmp_path, days, in_window, r):
    # SPEC §2a: 181-365 days since the last visit is R = 2, over 365 is R = 1 ("no visit in
    # over 365 days"). A visit the recency still counts as within the last 12 months is in
    # F and M too (issue 12: a visit 365 days back gave R = 2 but counted in neither).
    b = Builder()
    b.add("C", recency=days, visits=1, spend=3_000)
    row = _scores(b, tmp_path).loc["C"]
    assert row.recency_days == days and row.r == r
    assert (row.freq_12m, row.spend_12m, row.f, row.m) == ((1, 3_000, 2, 3) if in_window else (0, 0, 1, 1))


def test_customer_values_use_the_same_12_month_window(tmp_path):
    # clv.customer_values' freq_12m / spend_12m (the overview's active customers) and the
    # segmentation's F / M agree on every day around the boundary.
    b = Builder()
    for days in (364, 365, 366):
        b.add(f"D{days}", recency=days, visits=1, spend=3_000)
    db = b.build(tmp_path / "window.duckdb")
    values = clv.customer_values(db, AS_OF).set_index("customer_id")
    scores = seg.score_customers(db, AS_OF).set_index("customer_id")
    for days in (364, 365, 366):
        cid = f"D{days}"
        assert values.loc[cid, "freq_12m"] == scores.loc[cid, "freq_12m"] == (1 if days <= 365 else 0)
        assert values.loc[cid, "spend_12m"] == scores.loc[cid, "spend_12m"] == (3_000 if days <= 365 else 0)


def test_customer_without_orders_counts_from_purchase(tmp_path):
    b = Builder()
    b.add("NEW", purchase_days_ago=20)
    b.add("OLD", purchase_days_ago=500)
    s = _scores(b, tmp_path)
    assert s.loc["NEW", "recency_days"] == 20 and s.loc["NEW", "r"] == 5
    assert s.loc["OLD", "recency_days"] == 500 and s.loc["OLD", "r"] == 1


def test_customer_not_yet_bought_is_left_out(tmp_path):
    b = Builder()
    b.add("FUTURE", purchase_days_ago=-10)
    b.add("NOW", purchase_days_ago=10)
    assert list(_scores(b, tmp_path).index) == ["NOW"]


def test_loyalty_flags_and_clamp(tmp_path):
    b = Builder()
    b.add(
        "ALLPLUS",
        recency=10,
        visits=1,
        spend=10,
        flags=("has_warranty", "referred_someone", "attended_event"),
    )  # 3 + 3 = 6 -> 5
    b.add(
        "ALLMINUS", recency=10, visits=1, spend=10, flags=("has_complaint", "seen_at_competitor")
    )  # 3 - 2 = 1
    b.add(
        "MIXED", recency=10, visits=1, spend=10, flags=("has_warranty", "has_complaint", "seen_at_competitor")
    )  # 3 + 1 - 2 = 2
    b.add("NONE", recency=10, visits=1, spend=10)
    s = _scores(b, tmp_path)
    assert s.loc["ALLPLUS", "l"] == 5
    assert s.loc["ALLMINUS", "l"] == 1
    assert s.loc["MIXED", "l"] == 2
    assert s.loc["NONE", "l"] == 3
    assert bool(s.loc["MIXED", "has_warranty"]) and not bool(s.loc["MIXED", "referred_someone"])
    assert s.attrs["missing_tables"] == []
    # A heavier negative weight clamps at 1, a base of 5 with one plus stays 5.
    s2 = _scores(b, tmp_path, seg.RfmlRules(complaint_weight=-3, loyalty_base=5))
    assert s2.loc["ALLMINUS", "l"] == 1
    assert s2.loc["NONE", "l"] == 5
    assert s2.loc["MIXED", "l"] == 2  # 5 + 1 - 3 - 1


def test_flags_after_the_as_of_date_do_not_count(tmp_path):
    b = Builder()
    b.add("C", recency=10, visits=1, spend=10)
    db = b.build(tmp_path / "t.duckdb")
    with db.write_transaction() as con:
        con.execute("INSERT INTO warranties VALUES ('W9', 'C', ?, 5800, 3, 0)", [AS_OF + timedelta(days=1)])
    assert seg.score_customers(db, AS_OF).loc[0, "l"] == 3
    assert seg.score_customers(db, AS_OF + timedelta(days=1)).loc[0, "l"] == 4


def test_missing_loyalty_tables_are_reported(tmp_path):
    b = Builder()
    b.add("C", recency=10, visits=2, spend=2_500)
    b.add("D", recency=10, visits=1, spend=100, flags=("has_warranty",))
    s = _scores(b, tmp_path)
    assert s.attrs["missing_tables"] == [
        "referrals",
        "event_attendance",
        "complaints",
        "competitor_sightings",
    ]
    assert not s["referred_someone"].any()
    assert list(s["l"]) == [3, 4]


def test_churned_rule(tmp_path):
    b = Builder()
    b.add("CH6", recency=400)  # R1 F1 M1 L3 = 6
    b.add("CH7", recency=400, flags=("has_warranty",))  # L4: total 7, still churned
    b.add("SV8", recency=400, flags=("has_warranty", "referred_someone"))  # total 8: silver
    b.add("OR7", recency=200, visits=1, spend=999, flags=("has_complaint",))  # R2 F2 M1 L2 = 7
    s = _scores(b, tmp_path)
    assert list(s.loc[["CH6", "CH7", "SV8", "OR7"], "total"]) == [6, 7, 8, 7]
    assert list(s.loc[["CH6", "CH7", "SV8", "OR7"], "tier"]) == ["churned", "churned", "silver", "ordinary"]
    # The rule is editable: R <= 2 and total <= 7 also catches OR7.
    s2 = _scores(b, tmp_path, seg.RfmlRules(churned_max_r=2))
    assert s2.loc["OR7", "tier"] == "churned"


def test_tier_cutoffs(tmp_path):
    b = Builder()
    # R5 F5 M5 L1 = 16; R5 F5 M4 L1 = 15; R5 F3 M3 L1 = 12; R5 F3 M2 L1 = 11; R3 F2 M2 L1 = 8;
    # R3 F2 M1 L1 = 7
    minus2 = ("has_complaint", "seen_at_competitor")
    b.add("T16", recency=5, visits=6, spend=10_000, flags=minus2)
    b.add("T15", recency=5, visits=6, spend=9_999, flags=minus2)
    b.add("T12", recency=5, visits=2, spend=2_000, flags=minus2)
    b.add("T11", recency=5, visits=2, spend=1_999, flags=minus2)
    b.add("T08", recency=100, visits=1, spend=1_000, flags=minus2)
    b.add("T07", recency=100, visits=1, spend=999, flags=minus2)
    s = _scores(b, tmp_path)
    ids = ["T16", "T15", "T12", "T11", "T08", "T07"]
    assert list(s.loc[ids, "total"]) == [16, 15, 12, 11, 8, 7]
    assert list(s.loc[ids, "tier"]) == ["platinum", "gold", "gold", "silver", "silver", "ordinary"]
    s2 = _scores(b, tmp_path, seg.RfmlRules(platinum_min=17, gold_min=13, silver_min=9))
    assert list(s2.loc[ids, "tier"]) == ["gold", "gold", "silver", "silver", "ordinary", "ordinary"]


def test_edited_cutoffs_are_used(tmp_path):
    b = Builder()
    b.add("C", recency=45, visits=3, spend=3_000)
    default = _scores(b, tmp_path).loc["C"]
    assert (default.r, default.f, default.m) == (4, 3, 3)
    rules = seg.RfmlRules(
        recency_days=(60, 90, 180, 365), visits=(1, 2, 3, 6), spend=(1_000, 2_000, 3_000, 10_000)
    )
    edited = _scores(b, tmp_path, rules).loc["C"]
    assert (edited.r, edited.f, edited.m) == (5, 4, 4)


def test_store_scope(tmp_path):
    b = Builder()
    b.add("A", recency=10, visits=1, spend=10, store="S01")
    b.add("B", recency=10, visits=1, spend=10, store="S02")
    db = b.build(tmp_path / "t.duckdb")
    s = seg.score_customers(db, AS_OF, store_ids=["S02"])
    assert list(s["customer_id"]) == ["B"]
    assert list(s["region"]) == ["West"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"recency_days": (30, 90, 90, 365)}, "recency_days"),
        ({"visits": (2, 1, 4, 6)}, "visits"),
        ({"spend": (1_000, 2_000, 5_000)}, "spend"),
        ({"spend": (-1, 2_000, 5_000, 10_000)}, "spend"),
        ({"gold_min": 16}, "gold_min"),
        ({"silver_min": 4}, "silver_min"),
        ({"platinum_min": 21}, "platinum_min"),
        ({"loyalty_base": 0}, "loyalty_base"),
        ({"complaint_weight": -9}, "complaint_weight"),
        ({"churned_max_r": 0}, "churned_max_r"),
        ({"churned_max_total": 25}, "churned_max_total"),
    ],
)
def test_rules_validation_names_the_field(change, field):
    with pytest.raises(InputError) as err:
        replace(seg.RfmlRules(), **change).validate()
    assert field in explain(err.value, "en") and field in explain(err.value, "zh")


def test_default_rules_are_the_spec():
    r = seg.RfmlRules()
    r.validate()
    assert r.recency_days == (30, 90, 180, 365)
    assert r.visits == (1, 2, 4, 6)
    assert r.spend == (1_000, 2_000, 5_000, 10_000)
    assert (
        r.loyalty_base,
        r.warranty_weight,
        r.referral_weight,
        r.event_weight,
        r.complaint_weight,
        r.competitor_weight,
    ) == (3, 1, 1, 1, -1, -1)
    assert (r.platinum_min, r.gold_min, r.silver_min) == (16, 12, 8)
    assert (r.churned_max_r, r.churned_max_total) == (1, 7)


def test_rules_from_dict():
    rules = seg.rules_from_dict({"visits": [1, 3, 5, 7], "gold_min": 13})
    assert rules.visits == (1, 3, 5, 7) and rules.gold_min == 13
    with pytest.raises(ValueError, match="colour"):
        seg.rules_from_dict({"colour": 1})


# -- six groups -----------------------------------------------------------------------------


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "r", "f", "m", "clv"])


def test_six_group_patterns():
    rows = [
        ("vip", 5, 4, 5, 9_000),
        ("high", 3, 5, 4, 7_000),
        ("potential", 5, 1, 2, 2_000),
        ("risk", 2, 4, 4, 6_000),
        ("dormant", 3, 3, 3, 800),
        ("invalid_neg", 1, 1, 2, -50),
        ("invalid_low", 2, 2, 1, 1),
    ] + [(f"x{i}", 3, 3, 3, 1_000 + i) for i in range(13)]
    out = seg.six_groups(_frame(rows)).set_index("customer_id")["group"]
    assert out["vip"] == "vip"
    assert out["high"] == "high_value"
    assert out["potential"] == "potential"
    assert out["risk"] == "churn_risk"
    assert out["dormant"] == "dormant"
    assert out["invalid_neg"] == "invalid"
    assert out["invalid_low"] == "invalid"


def test_invalid_needs_low_clv():
    # 10 customers: the bottom 20% of CLV are the two lowest (1 and 2).
    rows = [(f"c{i}", 1, 1, 1, float(i)) for i in range(1, 11)]
    out = seg.six_groups(_frame(rows)).set_index("customer_id")["group"]
    assert list(out[out == "invalid"].index) == ["c1", "c2"]
    assert set(out.drop(["c1", "c2"])) == {"dormant"}  # all-low but worth something
    # A bigger share pulls more in; negative CLV is invalid even with a share of 0.
    out = seg.six_groups(_frame(rows), seg.SixGroupRules(invalid_clv_share=0.5))["group"]
    assert (out == "invalid").sum() == 5
    rows.append(("neg", 1, 1, 1, -1.0))
    out = seg.six_groups(_frame(rows), seg.SixGroupRules(invalid_clv_share=0.0)).set_index("customer_id")[
        "group"
    ]
    assert list(out[out == "invalid"].index) == ["neg"]


def test_six_group_levels_are_editable():
    rows = [("a", 4, 4, 4, 100.0), ("b", 5, 5, 5, 100.0)]
    out = seg.six_groups(_frame(rows), seg.SixGroupRules(high_min=5)).set_index("customer_id")
    assert out.loc["a", "r_level"] == "mid" and out.loc["a", "group"] == "dormant"
    assert out.loc["b", "group"] == "vip"


def test_six_group_grid_is_editable():
    rules = seg.SixGroupRules()
    cells = rules.grid_map()
    cells[("high", "mid")] = "high_value"
    out = seg.six_groups(_frame([("a", 5, 3, 4, 100.0)]), rules.with_grid(cells))
    assert out.loc[0, "group"] == "high_value"


def test_every_customer_gets_one_group():
    rows = [
        (f"{r}{f}{m}", r, f, m, float(r * f * m))
        for r in range(1, 6)
        for f in range(1, 6)
        for m in range(1, 6)
    ]
    out = seg.six_groups(_frame(rows))
    assert len(out) == 125
    assert out["group"].isin(seg.SIX_GROUPS).all()


@pytest.mark.parametrize(
    "rules, field",
    [
        (seg.SixGroupRules(high_min=2, low_max=2), "low_max"),
        (seg.SixGroupRules(invalid_clv_share=1.5), "invalid_clv_share"),
        (seg.SixGroupRules(invalid_fallback="invalid"), "invalid_fallback"),
        (seg.SixGroupRules(grid=(("high", "high", "vip"),)), "grid"),
        (seg.SixGroupRules().with_grid({**seg.DEFAULT_GRID, ("low", "low"): "gold"}), "grid"),
    ],
)
def test_six_rules_validation(rules, field):
    with pytest.raises(InputError) as err:
        rules.validate()
    assert field in explain(err.value, "en") and field in explain(err.value, "zh")


def test_six_groups_needs_clv():
    with pytest.raises(ValueError, match="clv"):
        seg.six_groups(pd.DataFrame({"customer_id": ["a"], "r": [1], "f": [1], "m": [1]}))


# -- breakdown ------------------------------------------------------------------------------


def test_tier_breakdown_by_hand():
    frame = pd.DataFrame(
        {
            "tier": ["platinum", "platinum", "gold", "silver"],
            "home_store_id": ["S01", "S02", "S01", "S01"],
            "spend_12m": [10_000.0, 20_000.0, 5_000.0, 1_000.0],
            "gp_12m": [4_000.0, 8_000.0, 2_000.0, 1_000.0],
            "revenue": [50_000.0, 60_000.0, 9_000.0, 2_000.0],
            "gross_profit": [20_000.0, 24_000.0, 4_000.0, -1_000.0],
            "clv": [30_000.0, 10_000.0, 6_000.0, 4_000.0],
        }
    )
    out = seg.tier_breakdown(frame).set_index("tier")
    assert list(out.index) == list(seg.RFML_TIERS)
    assert list(out["customers"]) == [2, 1, 1, 0, 0]
    assert out.loc["platinum", "share"] == pytest.approx(0.5)
    assert out.loc["platinum", "revenue"] == pytest.approx(30_000)
    assert out.loc["platinum", "profit_share"] == pytest.approx(12_000 / 15_000)
    assert out.loc["platinum", "avg_clv"] == pytest.approx(20_000)
    assert out.loc["platinum", "clv_share"] == pytest.approx(40_000 / 50_000)
    assert out.loc["ordinary", "revenue"] == 0
    assert (out.loc["platinum", "typical_low"], out.loc["ordinary", "typical_low"]) == (0.05, 0.40)
    lifetime = seg.tier_breakdown(frame, period="all").set_index("tier")
    assert lifetime.loc["silver", "profit_share"] == pytest.approx(-1_000 / 47_000)

    by_store = seg.tier_breakdown(frame, by=["home_store_id"])
    s01 = by_store[by_store.home_store_id == "S01"].set_index("tier")
    s02 = by_store[by_store.home_store_id == "S02"].set_index("tier")
    assert len(by_store) == 10
    assert s01.loc["platinum", "share"] == pytest.approx(1 / 3)
    assert s01.loc["platinum", "profit_share"] == pytest.approx(4_000 / 7_000)
    assert s02.loc["platinum", "share"] == pytest.approx(1.0)
    assert s02.loc["gold", "customers"] == 0


def test_breakdown_errors():
    with pytest.raises(ValueError, match="scheme"):
        seg.tier_breakdown(pd.DataFrame(), scheme="abc")
    with pytest.raises(ValueError, match="clv"):
        seg.tier_breakdown(pd.DataFrame({"tier": [], "spend_12m": [], "gp_12m": []}))
    with pytest.raises(ValueError, match="by"):
        seg.tier_breakdown(
            pd.DataFrame({"tier": [], "spend_12m": [], "gp_12m": [], "clv": [], "name": []}), by=["name"]
        )


def test_six_typical_shares_are_ranges():
    frame = pd.DataFrame({"group": ["vip"], "spend_12m": [1.0], "gp_12m": [1.0], "clv": [1.0]})
    out = seg.tier_breakdown(frame, scheme="six").set_index("tier")
    assert (out.loc["vip", "typical_low"], out.loc["vip", "typical_high"]) == (0.05, 0.10)
    assert (out.loc["dormant", "typical_low"], out.loc["dormant", "typical_high"]) == (0.20, 0.30)


# -- care budget ----------------------------------------------------------------------------


def test_spec_2b_budget_case():
    plan = seg.run_case(seg.SPEC_2B_CASE)
    assert plan.customers == 10_000
    assert plan.flat_total == 5_000_000  # 10,000 cars × 500
    assert plan.total == 5_000_000
    lines = plan.lines.set_index("tier")
    assert list(lines["total"]) == [1_500_000, 1_500_000, 900_000, 600_000, 450_000, 50_000]
    assert [round(s, 2) for s in lines["share"]] == [0.30, 0.30, 0.18, 0.12, 0.09, 0.01]


def test_spec_2c_budget_case():
    plan = seg.run_case(seg.SPEC_2C_CASE)
    assert plan.total == 2_000_000
    assert plan.customers == 30_000
    each = plan.lines.set_index("tier")["cost_each"]
    assert round(each["platinum"]) == 667
    assert round(each["gold"]) == 156
    assert each["standard"] == pytest.approx(12.5)


def test_care_budget_validation():
    with pytest.raises(ValueError, match="gold"):
        seg.care_budget({"gold": 10}, {"vip": 5})
    with pytest.raises(ValueError, match="vip"):
        seg.care_budget({"vip": -1}, {"vip": 5})
    with pytest.raises(ValueError, match="flat"):
        seg.care_budget({"vip": 1}, {"vip": 5}, flat_cost_each=-1)
    with pytest.raises(ValueError, match="gold"):
        seg.budget_per_customer({"vip": 1}, {"gold": 100})


def test_empty_tier_budget():
    plan = seg.budget_per_customer({"a": 0, "b": 10}, {"a": 100, "b": 100})
    each = plan.lines.set_index("tier")["cost_each"]
    assert pd.isna(each["a"]) and each["b"] == 10


# -- complaint rules ------------------------------------------------------------------------


def test_complaint_rules_are_the_spec():
    r = seg.COMPLAINT_RULES
    assert (r["vip"].respond_hours, r["vip"].compensation_limit) == (2, None)
    assert (r["high_value"].respond_hours, r["high_value"].compensation_limit) == (4, 5_000)
    assert (r["ordinary"].respond_hours, r["ordinary"].compensation_limit) == (24, 1_000)
    assert (r["low_value"].respond_hours, r["low_value"].compensation_limit) == (48, 200)
    for scheme, tiers in seg.SCHEMES.items():
        assert set(seg.COMPLAINT_LEVEL[scheme]) == set(tiers)
    assert round(seg.complaint_roi(30_000, 100_000), 2) == 2.33


def test_tier_names_and_playbooks_in_both_languages():
    from wording import t
    from wording.segmentation import playbook_key, tier_label_key

    names = [t(tier_label_key("rfml", x), "zh") for x in seg.RFML_TIERS]
    assert names == ["白金", "黄金", "白银", "普通", "流失"]
    names = [t(tier_label_key("six", x), "zh") for x in seg.SIX_GROUPS]
    assert names == ["VIP", "高价值", "潜力", "流失风险", "沉睡", "无效"]
    for scheme, tiers in seg.SCHEMES.items():
        for tier in tiers:
            assert t(playbook_key(scheme, tier), "en") and t(playbook_key(scheme, tier), "zh")


# -- migration ------------------------------------------------------------------------------


def test_migration_between_two_dates(tmp_path):
    b = Builder()
    # No visit for years, then two just before AS_OF: churned a quarter ago, gold now.
    b.add("UP", recency=5, visits=2, spend=4_000)
    # Six visits 200-205 days ago, nothing since: R 3 (platinum) a quarter ago, R 2 (gold) now.
    b.add("DOWN", recency=200, visits=6, spend=12_000)
    b.add("NEW", recency=5, visits=1, spend=500, purchase_days_ago=30)
    db = b.build(tmp_path / "t.duckdb")
    a_date = AS_OF - timedelta(days=90)
    m = seg.migration(db, a_date, AS_OF)
    a = seg.score_customers(db, a_date).set_index("customer_id")["tier"]
    now = seg.score_customers(db, AS_OF).set_index("customer_id")["tier"]
    moves = m.moves.set_index("customer_id")
    rank = {t: i for i, t in enumerate(seg.RFML_TIERS)}
    assert rank[now["UP"]] < rank[a["UP"]]
    assert rank[now["DOWN"]] > rank[a["DOWN"]]
    assert moves.loc["UP", "direction"] == "up"
    assert moves.loc["DOWN", "direction"] == "down"
    assert "NEW" not in moves.index  # the movers only; the new are counted in the flows
    new = m.flows[m.flows["direction"] == "new"]
    assert (new["tier_a"].tolist(), new["customers"].tolist()) == (["new"], [1])
    assert m.counts() == {"up": 1, "down": 1, "same": 0, "new": 1}
    assert m.flows["customers"].sum() == 3
    with pytest.raises(ValueError, match="date_a"):
        seg.migration(db, AS_OF, AS_OF)
