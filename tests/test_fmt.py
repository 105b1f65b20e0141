import math

from clv_engine import fmt


def test_money_english():
    assert fmt.money(1_640_000, "en") == "¥1.64M"
    assert fmt.money(16_400_000, "en") == "¥16.40M"
    assert fmt.money(9_200, "en") == "¥9,200"
    assert fmt.money(-400, "en") == "-¥400"
    assert fmt.money(2_500_000_000, "en") == "¥2.50B"


def test_money_chinese():
    assert fmt.money(16_400_000, "zh") == "1,640万"
    assert fmt.money(139_300, "zh") == "13.9万"
    assert fmt.money(18_702, "zh") == "1.87万"
    assert fmt.money(250_000_000, "zh") == "2.50亿"
    assert fmt.money(9_200, "zh") == "¥9,200"


def test_missing_values():
    assert fmt.money(None) == "—"
    assert fmt.pct(math.nan) == "—"


def test_pct_multiple():
    assert fmt.pct(0.61) == "61%"
    assert fmt.pct(15.4) == "1,540%"
    assert fmt.multiple(24) == "24.0×"
    assert fmt.money_full(16_400_000) == "¥16,400,000"
