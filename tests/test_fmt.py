import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wording import fmt


def test_money_english():
    assert fmt.money(1_640_000, "en") == "¥1.64M"
    assert fmt.money(16_400_000, "en") == "¥16.40M"
    assert fmt.money(9_200, "en") == "¥9,200"
    assert fmt.money(-400, "en") == "-¥400"
    assert fmt.money(2_500_000_000, "en") == "¥2.50B"


def test_money_chinese_carries_the_currency():
    # Issue 11: "CLV 合计 2,259万" had no ¥ while its neighbour had one.
    assert fmt.money(16_400_000, "zh") == "¥1,640万"
    assert fmt.money(22_590_000, "zh") == "¥2,259万"
    assert fmt.money(139_300, "zh") == "¥13.9万"
    assert fmt.money(18_702, "zh") == "¥1.87万"
    assert fmt.money(9_200, "zh") == "¥9,200"
    assert fmt.money(-400, "zh") == "-¥400"
    assert fmt.money(-0.3, "zh") == "¥0"  # no "-¥0"


def test_no_trailing_zero_wan_or_yi():
    assert fmt.money(100_000, "zh") == "¥10万"  # was 10.0万
    assert fmt.money(250_000, "zh") == "¥25万"  # was 25.0万
    assert fmt.money(20_000, "zh") == "¥2万"  # was 2.00万
    assert fmt.money(15_000, "zh") == "¥1.5万"
    assert fmt.money(250_000_000, "zh") == "¥2.5亿"
    assert fmt.money(300_000_000, "zh") == "¥3亿"


def test_rounding_across_unit_boundaries():
    assert fmt.money(9_999.6, "zh") == "¥1万"  # not ¥10,000
    assert fmt.money(99_995_000, "zh") == "¥1亿"  # not 10,000万


def test_other_currencies():
    assert fmt.money(1_640_000, "en", currency="USD") == "$1.64M"
    assert fmt.money(16_400_000, "zh", currency="EUR") == "€1,640万"
    assert fmt.money(-400, "en", currency="usd") == "-$400"
    assert fmt.money(1_640_000, "en", currency="HKD") == "1.64M HKD"
    assert fmt.money_full(9_200, currency="HKD") == "9,200 HKD"
    assert fmt.money_full(-9_200, currency="GBP") == "-£9,200"
    assert fmt.currency_mark("CNY") == "¥" and fmt.currency_mark("SGD") == "SGD"


def test_missing_values():
    assert fmt.money(None) == "—"
    assert fmt.money_full(math.nan) == "—"
    assert fmt.pct(math.nan) == "—"
    assert fmt.pp(None) == "—"


def test_pct_multiple():
    assert fmt.pct(0.61) == "61%"
    assert fmt.pct(15.4) == "1,540%"
    assert fmt.multiple(24) == "24.0×"
    assert fmt.money_full(16_400_000) == "¥16,400,000"


def test_percentage_points():
    # Retention 85% → 92% is 7 points (SPEC §5, pickup case), not "+7%" or "+8.2%".
    assert fmt.pp(0.92 - 0.85) == "+7.0 pp"
    assert fmt.pp(0.92 - 0.85, "zh") == "+7.0 个百分点"
    assert fmt.pp(-0.03, digits=0) == "-3 pp"
    assert fmt.pp(0.0) == "0.0 pp"
    assert fmt.pp(-0.00001) == "0.0 pp"  # no "-0.0"


def test_money_full_with_jiao():
    assert fmt.money_full(12.5, digits=1) == "¥12.5"
    assert fmt.money_full(667) == "¥667"


def test_column_formats():
    assert fmt.money_column() == "¥%,d"
    assert fmt.money_column("USD") == "$%,d"
    assert fmt.money_column("HKD") == "%,d HKD"
    assert fmt.pp_column("en") == "%+.1f pp"
    assert fmt.pp_column("zh", 0) == "%+.0f 个百分点"
    assert fmt.excel_money_format() == '"¥"#,##0;-"¥"#,##0'
    assert fmt.excel_money_format("SGD") == '#,##0 "SGD";-#,##0 "SGD"'


def test_people_are_whole():
    assert fmt.people(1_239.6) == "1,240"
    assert fmt.people(12) == "12"


# -- properties ------------------------------------------------------------------------------

UNITS = {"万": 1e4, "亿": 1e8, "M": 1e6, "B": 1e9, "": 1.0}
MARKS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HKD"}


def parse_money(text: str, currency: str) -> float:
    """Read a money string back, independently of fmt: sign, mark, digits, unit."""
    mark = MARKS[currency]
    assert mark in text, text
    body = text.replace(mark, "").strip()
    negative = body.startswith("-")
    body = body.lstrip("-")
    match = re.fullmatch(r"([\d,]+(?:\.\d+)?)(万|亿|M|B|)", body)
    assert match, text
    value = float(match.group(1).replace(",", "")) * UNITS[match.group(2)]
    return -value if negative else value


amounts = st.one_of(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.integers(min_value=-(10**11), max_value=10**11).map(float),
    st.sampled_from([1e4, 1e5, 1e6, 1e8, 9_999.5, 99_995_000.0, 100_000.0, 250_000.0]),
)


@settings(max_examples=300, deadline=None)
@given(value=amounts, lang=st.sampled_from(["en", "zh"]), currency=st.sampled_from(list(MARKS)))
def test_money_always_marked_and_round_trips(value, lang, currency):
    text = fmt.money(value, lang, currency=currency)
    assert MARKS[currency] in text
    assert not re.search(r"\.0+(万|亿)$", text), text
    assert not re.search(r"\.\d*0(万|亿)$", text), text  # no trailing zero before the unit
    # Three significant digits at least: within half a unit of the last digit shown,
    # i.e. 0.5% of the amount, or half a yuan for small amounts.
    assert abs(parse_money(text, currency) - value) <= max(0.5, 0.005 * abs(value)) + 1e-6


@settings(max_examples=200, deadline=None)
@given(value=amounts, currency=st.sampled_from(list(MARKS)))
def test_money_full_is_every_yuan(value, currency):
    text = fmt.money_full(value, currency=currency)
    assert MARKS[currency] in text
    assert abs(parse_money(text, currency) - value) <= 0.5 + 1e-6


@settings(max_examples=200, deadline=None)
@given(before=st.floats(0, 1), after=st.floats(0, 1), lang=st.sampled_from(["en", "zh"]))
def test_pp_is_the_difference_in_points(before, after, lang):
    text = fmt.pp(after - before, lang)
    unit = " 个百分点" if lang == "zh" else " pp"
    assert text.endswith(unit) and "%" not in text
    points = float(text[: -len(unit)])
    assert abs(points - (after - before) * 100) <= 0.05 + 1e-9
    if points > 0:
        assert text.startswith("+")


def test_currency_as_a_labels_unit():
    # "Budget (¥)" / "预算（元）" for yuan; any other currency by its mark in both languages.
    assert fmt.currency_unit("CNY", "en") == "¥" and fmt.currency_unit("CNY", "zh") == "元"
    assert fmt.currency_unit("usd", "en") == "$" and fmt.currency_unit("USD", "zh") == "$"
    assert fmt.currency_unit("HKD", "zh") == "HKD"


def test_evaluator_charts_in_the_datas_currency():
    from clv_engine import evaluation as ev
    from wording import report

    a = ev.analyse_programme(ev.preset("mobile_van"), draws=200)
    for lang, prefix in (("en", "$"), ("zh", "$")):
        fig = report.cash_flow_figure(a.evaluation, lang, "USD")
        assert fig.layout.yaxis.tickprefix == prefix
        assert all(v.startswith(("$", "-$")) for v in fig.data[0].customdata)
    fig = report.histogram_figure(a.monte_carlo, "en", "HKD")
    assert fig.layout.xaxis.tickprefix == "HKD " and "¥" not in repr(fig.to_dict())
