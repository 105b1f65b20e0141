"""Shared chart helpers: one money axis for every plotly chart."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from wording import fmt

NICE = (1, 2, 5)


def nice_step(span: float, parts: int) -> int:
    """The smallest 1-2-5 × 10^k step that cuts ``span`` into at most ``parts`` pieces."""
    power = 10 ** max(int(math.floor(math.log10(max(span / parts, 1.0)))), 0)
    for factor in (*NICE, 10):
        if factor * power * parts >= span:
            return int(factor * power)
    return int(10 * power)


def money_axis(
    fig: go.Figure, axis: str, top: float, bottom: float = 0.0, lang: str = "en", currency: str = "CNY"
) -> None:
    """Ticks on ``axis`` ('x' or 'y') in the reader's money (¥1.2M / 120万) rather than
    plotly's SI units, from ``bottom`` (0, or below zero for a loss) to ``top``."""
    bottom = min(bottom, 0.0)
    step = nice_step(max(top - bottom, 1.0), 5)
    ticks = list(range(int(math.floor(bottom / step)) * step, int(top) + step, step))
    fig.update_layout(
        {f"{axis}axis": dict(tickvals=ticks, ticktext=[fmt.money(v, lang, currency) for v in ticks])}
    )
