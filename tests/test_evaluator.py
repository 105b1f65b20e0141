"""The investment evaluator against every figure of SPEC §5 and independent calculations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clv_engine import evaluation as ev
from clv_engine import finance
from clv_engine.evaluation import CostLine, CustomerGroup, Programme
from wording import CATALOGUE
from wording.errors import explain
from wording.evaluation import driver_label

# Σ 1/1.12^t for t = 1..3: the van's three years at its 12 % discount rate.
ANNUITY_12_3 = 1 / 1.12 + 1 / 1.12**2 + 1 / 1.12**3


# -- SPEC §5, case by case ----------------------------------------------------------------
def test_mobile_van_spec_figures():
    e = ev.evaluate_programme(ev.preset("mobile_van"))
    assert e.cost_over_horizon == pytest.approx(1_400_000)  # 800k + (150k + 50k) × 3
    assert round(e.unit_cost) == 389  # 1,400,000 / (1,200 × 3); the seed misprints 39
    assert e.gain_over_horizon == pytest.approx(2_250_000)  # 1,500 × 1,500
    assert round(e.net_roi * 100) == 61
    # The reference case's own payback stays reproducible: 1,400,000 / (2,250,000 / 3).
    assert round(e.reference_payback_years, 2) == 1.87
    assert e.volume_over_horizon == pytest.approx(3_600)


def test_member_day_spec_figures():
    e = ev.evaluate_programme(ev.preset("member_day"))
    assert e.group_gains == pytest.approx((0, 450_000, 225_000))  # 150 × 3,000; 50 × 30 % × 15,000
    assert e.gain_over_horizon == pytest.approx(675_000)
    assert e.cost_over_horizon == pytest.approx(300_000)
    assert round(e.net_roi * 100) == 125


def test_extended_warranty_spec_figures():
    p = ev.preset("extended_warranty")
    e = ev.evaluate_programme(p)
    buyers = e.volume_over_horizon
    assert e.cost_over_horizon / buyers == pytest.approx(400)  # claims 6,200 − price 5,800
    assert e.gain_over_horizon / buyers == pytest.approx(9_600)  # 23,400 − 13,800
    assert e.net_gain_over_horizon / buyers == pytest.approx(9_200)
    assert round(p.groups[0].uplift_pct * 100) == 70  # 9,600 / 13,800
    # The product itself loses 400 per buyer, and the engine says so.
    assert e.unit_loss == pytest.approx(6_200 - 5_800)


def test_extended_warranty_runs_as_long_as_its_six_year_gap():
    # A six-year lifetime-value gap is booked over six years, not inside one.
    p = ev.preset("extended_warranty")
    assert p.horizon_years == 6
    e = ev.evaluate_programme(p)
    # 100 buyers a year for 6 years; each year's flow: the stream of 600 × 9,600 (a present
    # value) over six years at 12 %, less 100 × 400 of net claims.
    annuity_12_6 = sum(1 / 1.12**t for t in range(1, 7))
    stream = 600 * 9_600 / annuity_12_6
    assert e.cash_flows["net"].tolist() == pytest.approx([0] + [stream - 40_000] * 6)
    assert e.npv == pytest.approx(600 * 9_600 - 40_000 * annuity_12_6)


def test_no_loss_flag_when_the_price_covers_the_cost():
    p = dataclasses.replace(ev.preset("extended_warranty"), unit_revenue=6_500)
    assert ev.evaluate_programme(p).unit_loss is None
    assert ev.evaluate_programme(ev.preset("mobile_van")).unit_loss is None  # no price at all


def test_pickup_delivery_spec_figures():
    e = ev.evaluate_programme(ev.preset("pickup_delivery"))
    assert e.cost_over_horizon == pytest.approx(150_000)  # 150 × 1,000
    assert e.gain_over_horizon == pytest.approx(3_600_000)  # 3,600 × 1,000
    assert e.benefit_cost_multiple == pytest.approx(24.0)
    assert e.net_roi == pytest.approx(23.0)  # 2,300 %: the seed's "24×" is the multiple


def test_vip_complaint_spec_figures():
    e = ev.evaluate_programme(ev.preset("vip_complaint"))
    assert round(e.net_roi * 100) == 233  # (100,000 − 30,000) / 30,000
    # The CLV kept is worth 100,000 today, so 112,000 at the end of the one year at 12 %:
    # NPV is the net gain, the IRR 112,000 / 30,000 − 1.
    assert e.npv == pytest.approx(70_000)
    assert e.irr.irr == pytest.approx(112_000 / 30_000 - 1)


def test_every_preset_evaluates_and_its_strings_exist():
    for key in ev.PRESETS:
        p = ev.preset(key)
        ev.evaluate_programme(p)
        # A preset has no name of its own: its label is drawn from its stable id.
        assert p.name == "" and p.preset == key
        names = [f"evaluator.preset.{key}", p.volume_unit, p.note] + [c.name for c in p.cost_lines]
        names += [g.name for g in p.groups]
        missing = [n for n in names if n not in CATALOGUE]
        assert not missing, f"{key}: no i18n string for {missing}"


# -- cash flows, NPV, IRR, paybacks on the van, by hand -----------------------------------
def test_van_cash_flows_and_npv_by_hand():
    p = ev.preset("mobile_van")
    e = ev.evaluate_programme(p)
    # The CLV uplift 1,500 × 1,500 = 2,250,000 is already a present value: counted once.
    # NPV = 2,250,000 − 800,000 today − 200,000 a year for 3 years at 12 % ≈ 969,634.
    by_hand = 2_250_000 - 800_000 - 200_000 * ANNUITY_12_3
    assert by_hand == pytest.approx(969_634, abs=1)
    assert e.npv == pytest.approx(by_hand)
    # In the table the uplift is the yearly gross profit whose present value it is.
    stream = 2_250_000 / ANNUITY_12_3  # ≈ 936,785 a year
    net = stream - 200_000
    assert e.gain_per_year == pytest.approx(stream)
    assert e.cash_flows["net"].tolist() == pytest.approx([-800_000, net, net, net])
    assert e.cash_flows["cumulative_discounted"].iloc[-1] == pytest.approx(by_hand)
    # IRR: 800,000 = net × annuity(r, 3); check by substitution, not by the solver.
    r = e.irr.irr
    assert -800_000 + sum(net / (1 + r) ** t for t in (1, 2, 3)) == pytest.approx(0, abs=1e-6)
    # MIRR at 12 %: inflows reinvested to year 3, the one outflow is today's.
    fv_in = net * 1.12**2 + net * 1.12 + net
    assert e.irr.mirr == pytest.approx((fv_in / 800_000) ** (1 / 3) - 1)
    # Payback: 800,000 − net short after year 1 (≈ 63,215), covered that share into year 2.
    assert e.payback_years == pytest.approx(1 + (800_000 - net) / net)
    assert round(e.payback_years, 2) == 1.09
    # Discounted payback: the same on the discounted flows; it comes later, as it must.
    d1, d2 = net / 1.12, net / 1.12**2
    assert e.discounted_payback_years == pytest.approx(1 + (800_000 - d1) / d2)
    assert round(e.discounted_payback_years, 2) == 1.24
    assert e.discounted_payback_years >= e.payback_years


@st.composite
def programmes(draw) -> Programme:
    h = draw(st.integers(1, 10))
    money = st.floats(0, 1e6, allow_nan=False)
    lines = [
        CostLine("up", draw(money), "upfront"),
        CostLine("yearly", draw(st.floats(0, 2e5)), "yearly"),
        CostLine("unit", draw(st.floats(0, 500)), "per_unit"),
    ]
    if draw(st.booleans()):
        lines.append(CostLine("late", draw(money), "one_off", year=draw(st.integers(1, h))))
    groups = tuple(
        CustomerGroup(
            f"g{i}",
            draw(st.one_of(st.none(), st.floats(0, 5_000))),
            draw(st.floats(-2_000, 20_000)),
            draw(st.floats(0, 1)),
        )
        for i in range(draw(st.integers(1, 3)))
    )
    return Programme(
        name="random",
        horizon_years=h,
        volume_per_year=draw(st.floats(0, 3_000)),
        cost_lines=tuple(lines),
        groups=groups,
        unit_revenue=draw(st.floats(0, 400)),
        discount_rate=draw(st.floats(0, 0.5)),
    )


# Found by a random run: a unit revenue of 1e-308 once crashed the IRR.
_TINY_REVENUE = Programme(
    name="random",
    horizon_years=1,
    volume_per_year=1.0,
    cost_lines=(
        CostLine("up", 4.0, "upfront"),
        CostLine("yearly", 0.0, "yearly"),
        CostLine("unit", 0.0, "per_unit"),
    ),
    groups=(CustomerGroup("g0", None, 0.0, 0.0),),
    unit_revenue=2.2250738585072014e-308,
    discount_rate=0.0,
)


@settings(max_examples=150, deadline=None)
@given(p=programmes())
@example(p=_TINY_REVENUE)
def test_every_time_figure_comes_from_the_one_table(p):
    e = ev.evaluate_programme(p)
    table = e.cash_flows
    net = table["net"].to_numpy()
    rate = p.discount_rate
    # The uplift counted once: NPV = gain (a present value) − present value of the costs.
    annuity = sum((1 + rate) ** -t for t in range(1, p.horizon_years + 1))
    one_offs = sum(c.amount * (1 + rate) ** -c.year for c in p.cost_lines if c.timing == "one_off")
    upfront = sum(c.amount for c in p.cost_lines if c.timing == "upfront")
    yearly = sum(c.amount for c in p.cost_lines if c.timing == "yearly")
    unit = sum(c.amount for c in p.cost_lines if c.timing == "per_unit") - p.unit_revenue
    pv_costs = upfront + one_offs + (yearly + unit * p.volume_per_year) * annuity
    scale = max(1.0, abs(e.gain_over_horizon), abs(pv_costs))
    assert e.npv == pytest.approx(e.gain_over_horizon - pv_costs, abs=1e-9 * scale)
    assert e.npv == pytest.approx(float(table["cumulative_discounted"].iloc[-1]), abs=1e-9 * scale)
    assert float(ev.npv_of_drivers(p)) == pytest.approx(e.npv, abs=1e-9 * scale)
    # The paybacks are read from the same table's columns.
    if e.cost_over_horizon > 0:
        assert e.payback_years == finance.payback_from_flows(net)
        assert e.discounted_payback_years == finance.payback_from_flows(net, rate)
    # Discounted payback is never shorter than payback.
    if e.discounted_payback_years is not None:
        assert e.payback_years is not None
        assert e.discounted_payback_years >= e.payback_years - 1e-9
    if e.irr.irr is not None:
        assert finance.npv(e.irr.irr, net) == pytest.approx(0, abs=1e-6 * max(1.0, np.abs(net).max()))


def test_npv_of_drivers_matches_explicit_cash_flows_on_random_programmes():
    rng = np.random.default_rng(7)
    for _ in range(40):
        h = int(rng.integers(1, 8))
        per_unit = bool(rng.random() < 0.5)
        p = Programme(
            name="random",
            horizon_years=h,
            volume_per_year=float(rng.integers(0, 2_000)),
            cost_lines=(
                CostLine("a", float(rng.uniform(0, 1e6)), "upfront"),
                CostLine("b", float(rng.uniform(0, 1e5)), "yearly"),
                CostLine("c", float(rng.uniform(0, 300)), "per_unit"),
                CostLine("d", float(rng.uniform(0, 1e5)), "one_off", year=int(rng.integers(1, h + 1))),
            ),
            unit_revenue=float(rng.uniform(0, 100)),
            groups=(
                CustomerGroup(
                    "g",
                    None if per_unit else float(rng.integers(0, 3_000)),
                    float(rng.uniform(-500, 5_000)),
                    float(rng.uniform(0, 1)),
                ),
                CustomerGroup("h", float(rng.integers(0, 500)), float(rng.uniform(0, 20_000))),
            ),
            discount_rate=float(rng.uniform(0, 0.3)),
        )
        flows = ev.cash_flow_table(p)["net"].to_numpy()
        by_hand = sum(cf / (1 + p.discount_rate) ** t for t, cf in enumerate(flows))
        assert float(ev.npv_of_drivers(p)) == pytest.approx(by_hand, rel=1e-9, abs=1e-6)
        assert ev.evaluate_programme(p).npv == pytest.approx(by_hand, rel=1e-9, abs=1e-6)


def test_irr_warns_and_gives_mirr_when_flows_change_sign_twice():
    # A one-off cost at the end turns the flows into the Lorie-Savage pump:
    # year 0 -1,600; year 1 +20,000 gain -10,000 running; year 2 the same less 20,000.
    p = Programme(
        name="pump",
        horizon_years=2,
        volume_per_year=0,
        discount_rate=0.10,
        cost_lines=(
            CostLine("dig", 1_600, "upfront"),
            CostLine("run", 10_000, "yearly"),
            CostLine("restore the site", 20_000, "one_off", year=2),
        ),
        # An uplift worth 20,000 a year for two years at 10 %: its present value.
        groups=(CustomerGroup("g", 1, 20_000 / 1.1 + 20_000 / 1.1**2),),
    )
    e = ev.evaluate_programme(p)
    assert e.cash_flows["net"].tolist() == pytest.approx([-1_600, 10_000, -10_000])
    assert e.cost_over_horizon == pytest.approx(1_600 + 20_000 + 20_000)
    assert e.dips_after_payback  # recovered in year 1, 10,000 short again in year 2
    assert e.irr.sign_changes == 2
    assert e.irr.irr is None
    assert e.irr.roots == pytest.approx((0.25, 4.0))  # -1,600 + 10,000 v - 10,000 v² = 0
    assert e.irr.warning == "irr_multiple"
    pv_out = 1_600 + 10_000 / 1.1**2  # finance rate = the discount rate
    fv_in = 10_000 * 1.1  # reinvested at the discount rate
    assert e.irr.mirr == pytest.approx((fv_in / pv_out) ** 0.5 - 1)
    assert e.irr.mirr_rate == 0.10
    assert float(ev.npv_of_drivers(p)) == pytest.approx(-1_600 + 10_000 / 1.1 - 10_000 / 1.1**2)


def test_one_off_year_must_fall_in_the_horizon():
    with pytest.raises(ValueError, match=r"cost_lines\[0\].year"):
        Programme(
            name="x",
            horizon_years=2,
            volume_per_year=0,
            cost_lines=(CostLine("late", 1, "one_off", year=3),),
            groups=(),
        )


# -- sensitivity ------------------------------------------------------------------------
def test_tornado_moves_each_driver_and_sorts_by_swing():
    p = ev.preset("mobile_van")
    frame = ev.tornado(p, spread=0.2)
    assert list(frame["swing"]) == sorted(frame["swing"], reverse=True)
    row = frame.set_index("driver").loc["group.0.clv_uplift"]
    # Uplift 1,200 and 1,800: a gain of 1,800,000 / 2,700,000 today, counted once.
    assert row["npv_low"] == pytest.approx(1_800_000 - 800_000 - 200_000 * ANNUITY_12_3)
    assert row["npv_high"] == pytest.approx(2_700_000 - 800_000 - 200_000 * ANNUITY_12_3)
    # The discount rate moves the NPV of the same yearly table (its zero is the IRR):
    # a higher rate, a lower NPV.
    stream = 2_250_000 / ANNUITY_12_3
    rate = frame.set_index("driver").loc["discount_rate"]
    for r, npv in ((0.096, rate["npv_low"]), (0.144, rate["npv_high"])):
        assert npv == pytest.approx(-800_000 + sum((stream - 200_000) / (1 + r) ** t for t in (1, 2, 3)))
    assert rate["npv_high"] < rate["npv_low"]
    investment = frame.set_index("driver").loc["cost.0"]
    assert investment["swing"] == pytest.approx(2 * 160_000)  # ±20 % of 800,000, undiscounted
    # The volume moves only the unit cost, never the NPV.
    assert frame.set_index("driver").loc["volume", "swing"] == pytest.approx(0)


def test_tornado_custom_range_per_driver():
    p = ev.preset("mobile_van")
    frame = ev.tornado(p, spreads={"cost.0": (-0.5, 0.0)}).set_index("driver")
    assert frame.loc["cost.0", "low_value"] == pytest.approx(400_000)
    assert frame.loc["cost.0", "high_value"] == pytest.approx(800_000)


def test_take_up_is_kept_within_zero_and_one():
    p = ev.preset("member_day")
    p = ev.with_driver(p, "group.2.take_up", 0.95)
    row = ev.tornado(p, spread=0.2).set_index("driver").loc["group.2.take_up"]
    assert row["high_value"] == pytest.approx(1.0)


def test_monte_carlo_is_reproducible_and_sensible():
    p = ev.preset("mobile_van")
    a = ev.monte_carlo(p, draws=5_000, seed=42)
    b = ev.monte_carlo(p, draws=5_000, seed=42)
    c = ev.monte_carlo(p, draws=5_000, seed=43)
    assert np.array_equal(a.npv, b.npv)
    assert not np.array_equal(a.npv, c.npv)
    assert a.p10 < a.p50 < a.p90
    base = ev.evaluate_programme(p).npv
    # Symmetric triangular ranges around an affine-ish NPV: the median sits near the base.
    assert abs(a.p50 - base) < 0.05 * base
    assert a.prob_loss == pytest.approx(np.mean(a.npv < 0))


def test_monte_carlo_without_uncertainty_is_the_base_npv():
    p = ev.preset("mobile_van")
    fixed = {k: (0.0, 0.0) for k in ev.driver_keys(p)}
    result = ev.monte_carlo(p, ranges=fixed, draws=100, seed=1)
    assert result.p10 == pytest.approx(ev.evaluate_programme(p).npv)
    assert result.prob_loss == 0.0


def test_monte_carlo_probability_of_loss_for_a_coin_flip_case():
    # NPV = uplift × 1 customer − 1,000 today, one year, rate 0: NPV < 0 iff uplift < 1,000.
    # Uplift triangular on (500, 1,000, 1,500): P(uplift < 1,000) = 1/2 exactly.
    p = Programme(
        name="flip",
        horizon_years=1,
        volume_per_year=1,
        discount_rate=0.0,
        cost_lines=(CostLine("cost", 1_000, "upfront"),),
        groups=(CustomerGroup("g", 1, 1_000),),
    )
    only_uplift = {k: (0.0, 0.0) for k in ev.driver_keys(p)} | {"group.0.clv_uplift": (-0.5, 0.5)}
    result = ev.monte_carlo(p, ranges=only_uplift, draws=200_000, seed=3)
    assert result.prob_loss == pytest.approx(0.5, abs=0.01)
    # P10 of a symmetric triangular on (500, 1500): 500 + 1000·sqrt(0.1·0.5) − 1,000.
    assert result.p10 == pytest.approx(500 + 1000 * np.sqrt(0.05) - 1_000, abs=10)


def test_monte_carlo_rejects_ranges_that_exclude_the_input():
    with pytest.raises(ValueError, match="ranges"):
        ev.monte_carlo(ev.preset("mobile_van"), ranges={"cost.0": (0.1, 0.2)})
    with pytest.raises(ValueError, match="ranges"):
        ev.monte_carlo(ev.preset("mobile_van"), ranges={"nope": (-0.1, 0.2)})


# -- break-even -------------------------------------------------------------------------
def test_break_even_clv_uplift_of_the_van_by_hand():
    p = ev.preset("mobile_van")
    # NPV = 0 when 1,500 u (a present value) = 800,000 + 200,000 × annuity.
    by_hand = (800_000 + 200_000 * ANNUITY_12_3) / 1_500
    assert ev.break_even(p, "group.0.clv_uplift") == pytest.approx(by_hand)
    at = ev.with_driver(p, "group.0.clv_uplift", by_hand)
    assert ev.evaluate_programme(at).npv == pytest.approx(0, abs=1e-6)


def test_break_even_investment_and_rate():
    p = ev.preset("mobile_van")
    npv = ev.evaluate_programme(p).npv
    # The up-front cost is undiscounted, so it may rise by exactly the NPV.
    assert ev.break_even(p, "cost.0") == pytest.approx(800_000 + npv)
    assert ev.break_even(p, "discount_rate") == pytest.approx(ev.evaluate_programme(p).irr.irr)
    # The volume never moves NPV here: no break-even.
    assert ev.break_even(p, "volume") is None


def test_break_even_outside_the_possible_range_is_none():
    # Even with full take-up the lapsed group cannot rescue a loss this deep.
    p = ev.with_driver(ev.preset("member_day"), "cost.0", 5_000_000)
    assert ev.break_even(p, "group.2.take_up") is None


def test_break_even_table_margin():
    frame = ev.break_even_table(ev.preset("mobile_van")).set_index("driver")
    be = frame.loc["group.0.clv_uplift", "break_even"]
    assert frame.loc["group.0.clv_uplift", "margin"] == pytest.approx((1_500 - be) / 1_500)


# -- the object: definitions, JSON, validation ------------------------------------------
def test_json_round_trip_keeps_every_input():
    for key in ev.PRESETS:
        p = ev.preset(key)
        assert Programme.from_json(p.to_json()) == p


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"horizon_years": 0}, "horizon_years"),
        ({"horizon_years": 2.5}, "horizon_years"),
        ({"volume_per_year": -1}, "volume_per_year"),
        ({"discount_rate": float("nan")}, "discount_rate"),
        ({"discount_rate": 3.0}, "discount_rate"),
        ({"name": " "}, "name"),
        ({"key_driver": "group.9.clv_uplift"}, "key_driver"),
        ({"cost_lines": (CostLine("x", -5, "upfront"),)}, r"cost_lines\[0\].amount"),
        ({"cost_lines": (CostLine("x", 5, "monthly"),)}, r"cost_lines\[0\].timing"),
        ({"groups": (CustomerGroup("g", 10, 100, take_up=1.5),)}, r"groups\[0\].take_up"),
        ({"groups": (CustomerGroup("g", -1, 100),)}, r"groups\[0\].customers"),
    ],
)
def test_bad_input_names_the_field(change, field):
    base = ev.preset("mobile_van")
    with pytest.raises(ValueError, match=field):
        dataclasses.replace(base, **change)


def test_bad_json_names_the_problem():
    # The engine gives a code and the field; the wording layer says it in the reader's words.
    with pytest.raises(ValueError) as err:
        Programme.from_json("{nope")
    assert "JSON" in explain(err.value, "en") and "JSON" in explain(err.value, "zh")
    with pytest.raises(ValueError) as err:
        Programme.from_dict(ev.preset("mobile_van").to_dict() | {"colour": "red"})
    assert "unknown field" in explain(err.value, "en") and "colour" in explain(err.value, "zh")
    with pytest.raises(ValueError) as err:
        Programme.from_dict(ev.preset("mobile_van").to_dict() | {"horizon_years": "three"})
    assert explain(err.value, "en").startswith("horizon_years")


def test_unknown_preset():
    with pytest.raises(ValueError, match="preset"):
        ev.preset("spaceship")


def test_no_cost_means_no_ratio_rather_than_a_division_error():
    e = ev.evaluate_programme(ev.preset("custom"))
    assert e.net_roi is None and e.benefit_cost_multiple is None and e.payback_years is None
    assert e.discounted_payback_years is None and e.reference_payback_years is None


def test_driver_labels_in_both_languages():
    p = ev.preset("member_day")
    assert driver_label(p, "group.2.take_up", "en") == "Lapsed (came back): take-up"
    assert driver_label(p, "group.2.take_up", "zh") == "流失客户（回来了）：转化比例"
    assert driver_label(p, "cost.0", "zh") == "会员日优惠（8.8折）"
    custom = dataclasses.replace(p, cost_lines=(CostLine("Flyers", 10, "upfront"),))
    assert driver_label(custom, "cost.0", "zh") == "Flyers"


def test_reference_case_only_while_every_input_is_the_reference_cases():
    p = ev.preset("mobile_van")
    assert ev.is_reference_case(p)
    assert ev.is_reference_case(dataclasses.replace(p, key_driver="cost.0"))  # changes no figure
    assert not ev.is_reference_case(ev.with_driver(p, "group.0.clv_uplift", 1_501))
    assert not ev.is_reference_case(ev.with_driver(p, "discount_rate", 0.10))
    assert not ev.is_reference_case(dataclasses.replace(p, horizon_years=4))
    assert not ev.is_reference_case(ev.preset("custom"))


def test_a_damaged_saved_programme_names_the_part_in_both_languages():
    from wording.errors import explain as say

    saved = ev.preset("mobile_van").to_dict()
    for damage, field in (
        ({"cost_lines": [{"name": "x", "timing": "upfront"}]}, "cost_lines[0].amount"),
        ({"cost_lines": [{"name": "x", "amount": "abc", "timing": "upfront"}]}, "cost_lines[0]"),
        ({"groups": [5]}, "groups[0]"),
    ):
        with pytest.raises(ev.ProgrammeError) as err:
            Programme.from_dict(saved | damage)
        assert err.value.details["field"] == field
        assert field in say(err.value, "en") and field in say(err.value, "zh")


def test_the_evaluation_engine_holds_no_words():
    """Numbers, codes and ids only: no module of the evaluator's engine imports the wording layer."""
    import pathlib
    import re

    root = pathlib.Path(ev.__file__).resolve().parent.parent
    modules = [*sorted((root / "evaluation").glob("*.py"))]
    modules += [root / f"{name}.py" for name in ("measured", "scenarios", "calculator", "export")]
    offenders = [m.name for m in modules if re.search(r"^\s*(from|import) wording\b", m.read_text(), re.M)]
    assert offenders == []
