"""Money, percent and ratio formatting for pages and exports alike.

Money carries its currency in both languages. English readers get ``¥1.64M``; Chinese
readers think in 万 (1e4) and 亿 (1e8), so they get ``¥1,640万``. The currency is CNY unless
the database says otherwise (``currency="USD"`` gives ``$1.64M``; a currency without a
symbol here is written after the figure: ``1.64M HKD``).

A change in a percentage is in percentage points (``pp``): retention 85% → 92% is
``+7.0 pp`` / ``+7.0 个百分点``, never ``+7%`` (which would read as a relative change).
"""

from __future__ import annotations

import math

MINUS = "-"

# Symbols written before the figure. JPY shares ¥ with CNY, so it is written as its code.
CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£"}


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def currency_mark(currency: str = "CNY") -> str:
    """How a currency is marked: its symbol (``¥``) or, without one, its code (``HKD``)."""
    code = (currency or "CNY").upper()
    return CURRENCY_SYMBOLS.get(code, code)


def currency_unit(currency: str = "CNY", lang: str = "en") -> str:
    """The currency as a label's unit ("Budget (¥)", "预算（元）", "Budget ($)"): 元 for yuan in
    Chinese, else its mark (:func:`currency_mark`)."""
    code = (currency or "CNY").upper()
    if lang == "zh" and code in ("CNY", "RMB"):
        return "元"
    return currency_mark(code)


def _with_currency(sign: str, figure: str, currency: str) -> str:
    if not any(c in "123456789" for c in figure):
        sign = ""  # -0.3 shows as ¥0, not -¥0
    code = (currency or "CNY").upper()
    if code in CURRENCY_SYMBOLS:
        return f"{sign}{CURRENCY_SYMBOLS[code]}{figure}"
    return f"{sign}{figure} {code}"


def _trim(figure: str) -> str:
    """``10.0`` → ``10``, ``2.50`` → ``2.5``: no trailing zeros after the decimal point."""
    return figure.rstrip("0").rstrip(".") if "." in figure else figure


def _chinese_units(v: float) -> str:
    """A non-negative amount in 亿 / 万 / yuan, rounded as a Chinese reader would read it."""
    if round(v) >= 1e4:
        wan = v / 1e4
        digits = 0 if wan >= 100 else (1 if wan >= 10 else 2)
        if round(wan, digits) < 1e4:
            return _trim(f"{wan:,.{digits}f}") + "万"
    if round(v) >= 1e4:  # 9,999.5万 and above round to 1亿
        return _trim(f"{v / 1e8:,.2f}") + "亿"
    return f"{v:,.0f}"


def money(value: float | None, lang: str = "en", currency: str = "CNY") -> str:
    """Compact money: ``¥1.64M`` / ``¥1,640万``; small amounts in full (``¥9,200``)."""
    if _is_missing(value):
        return "—"
    sign = MINUS if value < 0 else ""
    v = abs(float(value))
    if lang == "zh":
        return _with_currency(sign, _chinese_units(v), currency)
    if v >= 1e9:
        figure = f"{v / 1e9:,.2f}B"
    elif v >= 1e6:
        figure = f"{v / 1e6:,.2f}M"
    else:
        figure = f"{v:,.0f}"
    return _with_currency(sign, figure, currency)


def money_full(value: float | None, currency: str = "CNY", digits: int = 0) -> str:
    """Every yuan shown: ``¥16,400,000`` (tables a CFO reconciles); ``digits=1`` for amounts
    whose jiao matter (``¥12.5`` a customer)."""
    if _is_missing(value):
        return "—"
    sign = MINUS if value < 0 else ""
    return _with_currency(sign, f"{abs(float(value)):,.{digits}f}", currency)


def money_column(currency: str = "CNY") -> str:
    """A printf format for a money column of ``st.column_config.NumberColumn``: ``¥%,d``."""
    code = (currency or "CNY").upper()
    if code in CURRENCY_SYMBOLS:
        return f"{CURRENCY_SYMBOLS[code]}%,d"
    return f"%,d {code}"


def excel_money_format(currency: str = "CNY") -> str:
    """An Excel number format that keeps the cell a number and shows its currency."""
    code = (currency or "CNY").upper()
    if code in CURRENCY_SYMBOLS:
        return f'"{CURRENCY_SYMBOLS[code]}"#,##0;-"{CURRENCY_SYMBOLS[code]}"#,##0'
    return f'#,##0 "{code}";-#,##0 "{code}"'


def pct(value: float | None, digits: int = 0) -> str:
    """A fraction as a percent: 0.61 → ``61%``."""
    if _is_missing(value):
        return "—"
    return f"{value * 100:,.{digits}f}%"


def pp(change: float | None, lang: str = "en", digits: int = 1) -> str:
    """A change in a percentage, in percentage points: 0.07 → ``+7.0 pp`` / ``+7.0 个百分点``.

    ``change`` is the difference of two fractions (0.92 − 0.85), not a relative change.
    """
    if _is_missing(change):
        return "—"
    points = change * 100
    text = f"{points:+,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        text = f"{0:.{digits}f}"  # no "+0.0" or "-0.0" for no change
    return f"{text} 个百分点" if lang == "zh" else f"{text} pp"


def pp_column(lang: str = "en", digits: int = 1) -> str:
    """A printf format for a column of changes already in points (the fraction × 100)."""
    return f"%+.{digits}f 个百分点" if lang == "zh" else f"%+.{digits}f pp"


def multiple(value: float | None, digits: int = 1) -> str:
    """A benefit/cost multiple: 24.0 → ``24.0×``."""
    if _is_missing(value):
        return "—"
    return f"{value:,.{digits}f}×"


def number(value: float | None, digits: int = 0) -> str:
    if _is_missing(value):
        return "—"
    return f"{value:,.{digits}f}"


def people(value: float | None) -> str:
    """A count of people is a whole number, even when it is an expectation (1,239.6 → ``1,240``)."""
    return number(value, 0)
