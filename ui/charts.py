"""Chart helpers shared by the pages: money on an axis the way the reader reads money."""

from __future__ import annotations

import math
from typing import Any

from wording import fmt

NICE = (1, 2, 5)


def nice_step(span: float, parts: int) -> int:
    """The smallest 1-2-5 × 10^k step that cuts ``span`` into at most ``parts`` pieces."""
    power = 10 ** max(int(math.floor(math.log10(max(span / parts, 1.0)))), 0)
    for factor in (*NICE, 10):
        if factor * power * parts >= span:
            return int(factor * power)
    return int(10 * power)


def money_ticks(top: float, bottom: float = 0.0, parts: int = 5) -> list[int]:
    """Round tick values from ``bottom`` (never above zero) to just past ``top``."""
    bottom = min(bottom, 0.0)
    step = nice_step(max(top - bottom, 1.0), parts)
    return list(range(int(math.floor(bottom / step)) * step, int(top) + step, step))


def money_axis(
    fig: Any, axis: str, top: float, bottom: float = 0.0, lang: str = "en", currency: str = "CNY"
) -> None:
    """Ticks in the reader's money (¥1.2M / ¥120万) rather than plotly's SI units ("1.2M", "G").

    ``axis``: "x" or "y"; ``bottom`` below zero: an axis that goes negative (a net loss).
    """
    ticks = money_ticks(top, bottom)
    fig.update_layout(
        {f"{axis}axis": dict(tickvals=ticks, ticktext=[fmt.money(v, lang, currency) for v in ticks])}
    )
