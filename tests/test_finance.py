"""NPV, IRR, MIRR and payback against textbook cases worked by hand in each test."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import finance


def test_npv_discounts_every_year_but_year_zero():
    flows = [-1000, 300, 400, 500]
    by_hand = -1000 + 300 / 1.1 + 400 / 1.1**2 + 500 / 1.1**3  # = -21.04
    assert finance.npv(0.10, flows) == pytest.approx(by_hand, abs=1e-9)
    assert by_hand == pytest.approx(-21.04, abs=0.01)


def test_npv_at_zero_rate_is_the_plain_sum():
    assert finance.npv(0.0, [-5, 2, 2, 2]) == pytest.approx(1.0)


def test_irr_one_period():
    # -100 today, 110 in a year: 10 %.
    assert finance.irr([-100, 110], 0.1).irr == pytest.approx(0.10, abs=1e-12)


def test_irr_two_periods_by_quadratic_formula():
    # -1000 + 600 v + 600 v^2 = 0, v = 1/(1+r): the positive root of 600v² + 600v − 1000.
    a, b, c = 600.0, 600.0, -1000.0
    v = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    result = finance.irr([-1000, 600, 600], 0.1)
    assert result.irr == pytest.approx(1 / v - 1, abs=1e-12)
    assert result.irr == pytest.approx(0.1307, abs=1e-4)
    assert result.warning is None and result.sign_changes == 1


def test_irr_textbook_five_year_case():
    # Excel's IRR documentation: -70,000 then 12,000 .. 26,000 → 8.66 %.
    flows = [-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]
    rate = finance.irr(flows, 0.1).irr
    assert rate == pytest.approx(0.0866, abs=5e-5)
    assert finance.npv(rate, flows) == pytest.approx(0.0, abs=1e-6)


def test_irr_zero_when_flows_just_repay():
    assert finance.irr([-100, 50, 50], 0.1).irr == pytest.approx(0.0, abs=1e-12)


def test_irr_negative_when_flows_fall_short():
    # -100 + 60 v + 30 v² = 0 → v = (-60 + sqrt(3600 + 12000)) / 60, r = 1/v - 1 < 0.
    v = (-60 + math.sqrt(3600 + 12_000)) / 60
    assert finance.irr([-100, 60, 30], 0.1).irr == pytest.approx(1 / v - 1, abs=1e-12)


def test_multiple_irrs_lorie_savage_pump():
    # The classic -1,600, +10,000, -10,000 has two IRRs, 25 % and 400 %.
    result = finance.irr([-1600, 10_000, -10_000], 0.10)
    assert result.sign_changes == 2
    assert result.irr is None
    assert result.roots == pytest.approx((0.25, 4.0), abs=1e-9)
    assert result.warning == "irr_multiple"
    # MIRR at 10 %: FV of inflow 10,000 × 1.1 = 11,000; PV of outflows
    # 1,600 + 10,000 / 1.21; MIRR = (11,000 / PV)^(1/2) − 1.
    pv_out = 1600 + 10_000 / 1.21
    assert result.mirr == pytest.approx((11_000 / pv_out) ** 0.5 - 1, abs=1e-12)
    assert result.mirr_rate == 0.10


def test_no_irr_when_no_real_root():
    # -100 + 250 v - 200 v²: discriminant 250² - 4·200·100 < 0, no real root.
    result = finance.irr([-100, 250, -200], 0.1)
    assert result.irr is None and result.roots == ()
    assert result.warning == "irr_none"


def test_no_irr_without_a_sign_change():
    result = finance.irr([100, 50], 0.1)
    assert result.irr is None and result.sign_changes == 0
    assert result.warning == "irr_no_sign_change"
    assert result.mirr is None


def test_mirr_textbook_case_by_hand():
    flows = [-1000, 500, 600, 700]
    fv_in = 500 * 1.12**2 + 600 * 1.12 + 700  # reinvested at 12 %
    pv_out = 1000.0  # only the year-0 outflow, financed at 10 %
    assert finance.mirr(flows, 0.10, 0.12) == pytest.approx((fv_in / pv_out) ** (1 / 3) - 1, abs=1e-12)


def test_mirr_excel_documentation_case():
    # Excel's MIRR documentation: 12.61 % over five years at 10 % finance, 12 % reinvest.
    flows = [-120_000, 39_000, 30_000, 21_000, 37_000, 46_000]
    assert finance.mirr(flows, 0.10, 0.12) == pytest.approx(0.1261, abs=5e-5)


def test_sign_changes_skip_zeros():
    assert finance.sign_changes([-1, 0, 0, 2, 0, -3, 4]) == 3
    assert finance.sign_changes([0, 0, 5]) == 0


def test_discounted_payback_textbook_case():
    flows = [-1000, 500, 500, 500]
    d1, d2, d3 = 500 / 1.1, 500 / 1.1**2, 500 / 1.1**3
    shortfall_after_2 = 1000 - d1 - d2
    assert finance.payback_from_flows(flows, 0.10) == pytest.approx(2 + shortfall_after_2 / d3, abs=1e-12)
    assert finance.payback_from_flows(flows, 0.10) == pytest.approx(2.352, abs=1e-3)


def test_undiscounted_payback_interpolates_within_the_year():
    # -1,000 then 400 a year: 600 short after year 1, 200 after year 2, half of year 3.
    assert finance.payback_from_flows([-1000, 400, 400, 400]) == pytest.approx(2.5)


def test_payback_never_and_immediately():
    assert finance.payback_from_flows([-1000, 100, 100]) is None
    assert finance.payback_from_flows([0, 100, 100]) == 0.0


def test_payback_is_the_first_recovery_and_a_later_dip_is_flagged():
    # Recovered a third of the way into year 1 (100 short, 150 earned), negative again after
    # year 2. The payback is the first recovery (the textbook one; with it the discounted
    # payback can never come first), and the dip is reported beside it.
    flows = [-100, 150, -100, 100]
    assert finance.payback_from_flows(flows) == pytest.approx(100 / 150)
    assert finance.dips_after_payback(flows)
    assert not finance.dips_after_payback([-100, 150, 10])


def test_discounted_payback_can_come_first_under_the_last_recovery_rule_but_not_here():
    # -10, +100, -95: in cash the programme ends 5 short (never paid back for good); at 12 %
    # the late -95 shrinks to -75.7 and the discounted sum ends positive. Under the first
    # recovery both pay back in year 1, the discounted one later.
    flows = [-10, 100, -95]
    cash = finance.payback_from_flows(flows)
    discounted = finance.payback_from_flows(flows, 0.12)
    assert cash == pytest.approx(10 / 100)
    assert discounted == pytest.approx(10 / (100 / 1.12))
    assert discounted >= cash


def _first_recovery_by_brute_force(flows: list[int], rate: float) -> float | None:
    """A second implementation: walk each year in 1,000 steps, the flow accruing evenly,
    and stop at the first step where the running total is no longer negative (the answer
    is then within a thousandth of a year)."""
    total = 0.0
    for year, flow in enumerate(flows):
        flow = flow * (1 + rate) ** -year
        if year == 0:
            total = flow
            if total >= 0:
                return 0.0
            continue
        for step in range(1, 1001):
            if total + flow * step / 1000 >= 0:
                return year - 1 + step / 1000
        total += flow
    return None


flow_lists = st.lists(st.integers(-1_000_000, 1_000_000), min_size=2, max_size=12)


@settings(max_examples=300, deadline=None)
@given(flows=flow_lists, rate=st.floats(0.0, 1.0))
def test_discounted_payback_is_never_shorter_than_payback(flows, rate):
    cash = finance.payback_from_flows(flows)
    discounted = finance.payback_from_flows(flows, rate)
    if discounted is not None:
        assert cash is not None, "the discounted sum cannot recover while the cash sum never does"
        assert discounted >= cash - 1e-9


@settings(max_examples=150, deadline=None)
@given(flows=flow_lists, rate=st.floats(0.0, 0.5))
def test_payback_matches_a_brute_force_walk(flows, rate):
    got = finance.payback_from_flows(flows, rate)
    expected = _first_recovery_by_brute_force(flows, rate)
    if expected is None:
        assert got is None
    else:
        assert got is not None and expected - 1e-3 - 1e-9 <= got <= expected + 1e-9


def test_annuity_factor_vectorised_matches_sum():
    rates = [0.0, 0.12]
    got = finance.annuity_factor(rates, 3)
    assert got[0] == pytest.approx(3.0)
    assert got[1] == pytest.approx(1 / 1.12 + 1 / 1.12**2 + 1 / 1.12**3)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: finance.npv(0.1, []), "cash_flows"),
        (lambda: finance.npv(0.1, [1, float("nan")]), "cash_flows"),
        (lambda: finance.npv(-1.0, [1, 2]), "rate"),
        (lambda: finance.mirr([-1, 2], -2.0, 0.1), "finance_rate"),
    ],
)
def test_bad_input_names_the_field(call, field):
    with pytest.raises(ValueError, match=field):
        call()


def test_a_negligible_inflow_gives_no_irr_instead_of_crashing():
    # Found by the property test: a 1e-308 inflow put a root of the IRR polynomial at
    # infinity. An amount that small is zero to any reader: no sign change, no IRR.
    flows = [-4.0, 2.2250738585072014e-308]
    assert finance.sign_changes(flows) == 0
    assert finance.irr_roots(flows) == ()
    result = finance.irr(flows, 0.08)
    assert result.irr is None
    assert result.warning == "irr_no_sign_change"
