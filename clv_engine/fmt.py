"""Money, percent and ratio formatting for pages and exports alike.

Money is CNY. English readers get ``¥1.64M``; Chinese readers think in 万 (1e4)
and 亿 (1e8), so they get ``1,640万``.
"""
from __future__ import annotations

import math

MINUS = "-"
SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€"}


def _mark(currency: str) -> str:
    """The currency's symbol, or its code and a space (``HKD 1,200``)."""
    return SYMBOLS.get(currency, f"{currency} ")


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None, lang: str = "en", currency: str = "CNY") -> str:
    """Compact money: ``¥1.64M`` / ``1,640万``; small amounts in full (``¥9,200``)."""
    if _is_missing(value):
        return "—"
    sign = MINUS if value < 0 else ""
    v = abs(float(value))
    mark = _mark(currency)
    if lang == "zh":
        big = "" if currency == "CNY" else mark  # 万 and 亿 alone mean yuan to a Chinese reader
        if v >= 1e8:
            return f"{sign}{big}{v / 1e8:,.2f}亿"
        if v >= 1e4:
            wan = v / 1e4
            digits = 0 if wan >= 100 else (1 if wan >= 10 else 2)
            return f"{sign}{big}{wan:,.{digits}f}万"
        return f"{sign}{mark}{v:,.0f}"
    if v >= 1e9:
        return f"{sign}{mark}{v / 1e9:,.2f}B"
    if v >= 1e6:
        return f"{sign}{mark}{v / 1e6:,.2f}M"
    return f"{sign}{mark}{v:,.0f}"


def money_full(value: float | None, currency: str = "CNY") -> str:
    """Every yuan shown: ``¥16,400,000`` (tables a CFO reconciles)."""
    if _is_missing(value):
        return "—"
    sign = MINUS if value < 0 else ""
    return f"{sign}{_mark(currency)}{abs(float(value)):,.0f}"


def pct(value: float | None, digits: int = 0) -> str:
    """A fraction as a percent: 0.61 → ``61%``."""
    if _is_missing(value):
        return "—"
    return f"{value * 100:,.{digits}f}%"


def multiple(value: float | None, digits: int = 1) -> str:
    """A benefit/cost multiple: 24.0 → ``24.0×``."""
    if _is_missing(value):
        return "—"
    return f"{value:,.{digits}f}×"


def number(value: float | None, digits: int = 0) -> str:
    if _is_missing(value):
        return "—"
    return f"{value:,.{digits}f}"
