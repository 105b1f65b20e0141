"""SPEC §1: every worked CLV case, with the SPEC's figures."""

import pytest

from clv_engine import clv


def test_historical_simple_case():
    assert clv.historical_clv(5_000, 6, 0.35) == pytest.approx(10_500)


def test_realised_value_case():
    assert clv.realised_value([40] * 10) == pytest.approx(400)


def test_simple_net():
    # 6,000 a year for 5 years, 3,000 to acquire, 4,000 to serve.
    assert clv.simple_net_clv(6_000, 5, 3_000, 4_000) == pytest.approx(23_000)


def test_dcf_spec_case_year_by_year():
    survival = clv.extend_survival_linearly(clv.SPEC_DCF_SURVIVAL, clv.SPEC_DCF_TAIL_STEP)
    rows = clv.dcf_clv(clv.SPEC_DCF_SPEND, clv.SPEC_DCF_MARGIN, survival, clv.SPEC_DCF_DISCOUNT)
    assert [round(r.gross_profit) for r in rows[:6]] == [3040, 3600, 4080, 3520, 3000, 2520]
    assert [round(r.discount_factor, 3) for r in rows[:6]] == [0.893, 0.797, 0.712, 0.636, 0.567, 0.507]
    assert [round(r.present_value) for r in rows[:6]] == [2714, 2870, 2904, 2237, 1702, 1277]
    assert round(clv.dcf_total(rows[:6])) == 13_704
    assert round(clv.dcf_total(rows[6:])) == 4_998
    assert round(clv.dcf_total(rows)) == 18_702


def test_dcf_tail_rule_runs_survival_down_to_zero():
    survival = clv.extend_survival_linearly([0.95, 0.90, 0.85, 0.80, 0.75, 0.70], 0.05)
    assert survival[6] == pytest.approx(0.65)
    assert survival[-1] == pytest.approx(0.05)
    assert len(survival) == 19  # 0.70 → 0.05 in 13 more years


def test_dcf_with_constant_retention():
    # S_t = r^t; one year at 1,000 spend, 50% margin, r = 0.8, d = 10%: 1000 × .5 × .8 / 1.1
    rows = clv.dcf_clv(1_000, 0.5, clv.survival_from_retention(0.8, 2), 0.10)
    assert rows[0].present_value == pytest.approx(400 / 1.1)
    assert rows[1].present_value == pytest.approx(1000 * 0.5 * 0.64 / 1.21)


def test_component_case():
    parts = clv.component_clv(450_000, 0.15, 10_000, 7, 0.30, 0.42, 1.8, 0.30, 2_000)
    assert parts.purchase_margin == pytest.approx(67_500)
    assert parts.after_sales == pytest.approx(21_000)
    assert parts.repurchase == pytest.approx(28_350)
    assert parts.referral == pytest.approx(36_450)
    assert parts.extra_service_cost == pytest.approx(14_000)
    assert parts.total == pytest.approx(139_300)


def test_tier_value_case():
    platinum = clv.historical_clv(15_000, 8, 0.55)
    ordinary = clv.historical_clv(800, 3, 0.35)
    assert platinum == pytest.approx(66_000)
    assert platinum * 500 == pytest.approx(33_000_000)
    assert ordinary == pytest.approx(840)
    assert ordinary * 3_000 == pytest.approx(2_520_000)
    assert round(platinum / ordinary, 1) == 78.6


def test_annuity_factor_by_hand():
    # r = 0.9, d = 0.1, 3 years: q = 0.9/1.1
    q = 0.9 / 1.1
    assert clv.annuity_factor(0.9, 0.1, 3) == pytest.approx(q + q**2 + q**3)


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_bad_retention_is_rejected(bad):
    with pytest.raises(ValueError, match="retention"):
        clv.survival_from_retention(bad, 3)


def test_top_share():
    # 10 customers, gross profit 10..1: the top 2 bring 19 of 55.
    assert clv.top_share(list(range(1, 11)), 0.2) == pytest.approx(19 / 55)
