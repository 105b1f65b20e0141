"""AppTest: the CLV calculator shows SPEC §1 and §5's worked figures, in both languages.

Expected figures are SPEC's (10,500; 139,300; 18,702 = 13,704 + 4,998; 66,000 / 840 /
78.6×; warranty −400 + 9,600 = 9,200) or worked out here by hand.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine import calculator as calc
from tests.helpers import metric_values, run_app

PAGE = "app_pages/calculator.py"

SPEC = {
    "en": {
        "CLV per customer": "¥10,500",
        "Net CLV per customer": "¥10,500",
        "Component CLV": "¥139,300",
        "DCF CLV": "¥18,702",
        "Years 1-6": "¥13,704",
        "Years 7+": "¥4,998",
        "Platinum: value per customer": "¥66,000",
        "Platinum: whole tier": "¥33,000,000",
        "Ordinary: value per customer": "¥840",
        "Ordinary: whole tier": "¥2,520,000",
        "One platinum customer is worth": "78.6×",
        "Product margin per contract": "-¥400",
        "Lifetime value added per buyer": "¥9,600",
        "Net value per buyer": "¥9,200",
    },
    "zh": {
        "单客 CLV": "¥10,500",
        "单客净 CLV": "¥10,500",
        "分项 CLV": "¥139,300",
        "折现 CLV": "¥18,702",
        "第 1-6 年": "¥13,704",
        "第 7 年起": "¥4,998",
        "白金客户：单客价值": "¥66,000",
        "白金客户：层级合计": "¥33,000,000",
        "普通客户：单客价值": "¥840",
        "普通客户：层级合计": "¥2,520,000",
        "一位白金客户相当于普通客户": "78.6×",
        "每份产品毛利": "-¥400",
        "每位买家终身价值提升": "¥9,600",
        "每位买家净值": "¥9,200",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reference_cases_on_screen(sample_db_path, lang):
    at = run_app(sample_db_path, PAGE, lang=lang)
    shown = metric_values(at)
    for label, value in SPEC[lang].items():
        assert shown.get(label) == value, (label, shown.get(label))
    # The DCF years of the SPEC table, present value by present value.
    years = next(d.value for d in at.dataframe if len(d.value) == 19)
    assert list(years.iloc[:6, -1]) == [2714, 2870, 2904, 2237, 1702, 1277]
    # The warranty's product loses money: said so.
    assert len(at.warning) == 1 and ("6,200" in at.warning[0].value and "5,800" in at.warning[0].value)
    text = " ".join(c.value for c in at.caption)
    assert "¥23,400" in text and "¥13,800" in text and "¥9,200" in text


def test_component_parts(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    parts = next(d.value for d in at.dataframe if len(d.value) == 6)
    assert list(parts.iloc[:, -1]) == ["¥67,500", "¥21,000", "¥28,350", "¥36,450", "-¥14,000", "¥139,300"]


def test_edit_then_back_to_the_reference(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.number_input(key="calc_simple_spend").set_value(6_000).run()
    assert metric_values(at)["CLV per customer"] == "¥12,600"  # 6,000 × 6 × 35%
    assert any(c.value.startswith("Your inputs") for c in at.caption)
    at.button(key="calc_simple_reference").click().run()
    assert metric_values(at)["CLV per customer"] == "¥10,500"
    assert at.number_input(key="calc_simple_spend").value == 5_000


def test_simple_net_subtracts_acquisition(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.number_input(key="calc_net_acquisition").set_value(3_000).run()
    assert metric_values(at)["Net CLV per customer"] == "¥7,500"  # 30,000 − 3,000 − 19,500


def test_component_without_repurchase(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.number_input(key="calc_comp_repurchase").set_value(0).run()
    assert metric_values(at)["Component CLV"] == "¥110,950"  # 139,300 − 28,350


def test_dcf_constant_retention(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.radio(key="calc_dcf_mode.en").set_value("constant").run()
    at.number_input(key="calc_dcf_years").set_value(2).run()
    at.number_input(key="calc_dcf_retention").set_value(80).run()
    expected = 10_000 * 0.4 * (0.8 / 1.12 + 0.64 / 1.12**2)  # 5,426.02
    assert metric_values(at)["DCF CLV"] == f"¥{expected:,.0f}"
    at.button(key="calc_dcf_reference").click().run()
    assert metric_values(at)["DCF CLV"] == "¥18,702"


def test_dcf_without_tail(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.number_input(key="calc_dcf_tail_step").set_value(0.0).run()
    m = metric_values(at)
    assert m["DCF CLV"] == "¥13,704"  # years 1-6 only
    assert "Years 7+" not in m


def test_tier_ratio_needs_a_positive_base(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.number_input(key="calc_tier_base_margin").set_value(0).run()
    assert metric_values(at)["One platinum customer is worth"] == "—"
    assert at.info


def test_inputs_survive_a_page_switch(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.number_input(key="calc_war_price").set_value(6_500).run()
    at.switch_page("app_pages/overview.py").run()
    at.switch_page(PAGE).run()
    assert metric_values(at)["Net value per buyer"] == "¥9,900"  # (6,500 − 6,200) + 9,600


def test_warranty_that_pays_for_itself(sample_db_path):
    at = run_app(sample_db_path, PAGE, lang="zh")
    at.number_input(key="calc_war_claims").set_value(5_000).run()
    m = metric_values(at)
    assert m["每份产品毛利"] == "¥800"
    assert m["每位买家净值"] == "¥10,400"  # 800 + 9,600
    assert not at.warning


# -- the engine behind the page (clv_engine.calculator), against SPEC and by hand ------------


def test_warranty_reference_case():
    w = calc.WarrantyBuyer(5_800, 6_200, 23_400, 13_800)
    assert w.product_margin == -400
    assert w.ltv_uplift == 9_600
    assert w.net_per_buyer == 9_200
    assert round(w.uplift_share, 2) == 0.70  # SPEC: uplift +70%
    assert w.claims_exceed_price


def test_tier_reference_case():
    top, base = calc.TIER_REFERENCE["top"], calc.TIER_REFERENCE["base"]
    assert top.value_per_customer == pytest.approx(66_000)
    assert top.total_value == pytest.approx(33_000_000)
    assert base.value_per_customer == pytest.approx(840)
    assert base.total_value == pytest.approx(2_520_000)
    assert round(calc.tier_ratio(top, base), 1) == 78.6


def test_tier_ratio_to_nothing_is_none():
    nothing = calc.Tier(annual_spend=800, margin=0.0, years=3, customers=10)
    assert calc.tier_ratio(calc.TIER_REFERENCE["top"], nothing) is None


@settings(max_examples=50, deadline=None)
@given(price=st.floats(0, 1e5), claims=st.floats(0, 1e5), buyers=st.floats(0, 1e6), non=st.floats(1, 1e6))
def test_warranty_net_is_product_plus_uplift(price, claims, buyers, non):
    w = calc.WarrantyBuyer(price, claims, buyers, non)
    # The buyer's whole value against a non-buyer's: what they pay, less what they cost, plus the gap.
    assert w.net_per_buyer == pytest.approx((price + buyers) - (claims + non), abs=1e-6)
    assert w.claims_exceed_price == (claims > price)
