"""Chart helpers shared by the pages: money on an axis the way the reader reads money, and
figures built once per process for the same inputs (:func:`kept_figure`)."""

from __future__ import annotations

import functools
import json
import math
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from wording import fmt

F = TypeVar("F", bound=Callable[..., Any])
FIGURES_KEPT = 32  # per builder: inputs (languages, scopes, choices) a process keeps figures of
KEEP = True  # False: every builder builds afresh, as before (tests compare the two)


def pickled(value: object) -> bytes:
    """A small frame's (list's, dict's) key for the caches: its pickle (every value, the
    index, the columns and their types). Streamlit hashes a frame in pandas, 3 to 4 ms for a
    chart's twenty rows (a dict or a list item by item, 0.05 ms an item), more than drawing
    it from a kept figure; pickling it takes 0.05 ms. Equal values built the same way pickle
    the same; any other difference only misses the cache."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


FAST_HASH_FUNCS = {pd.DataFrame: pickled, pd.Series: pickled, dict: pickled, list: pickled}


class KeptFigure(go.Figure):
    """A figure shared by every session: its dict is made once, ready for JSON.

    ``st.plotly_chart`` asks a figure for ``to_dict()`` on every run (a deep copy of every
    trace, then a walk that makes dates and numbers JSON-ready: most of the call); a kept
    figure hands out the same plain dict each time (lists, text, numbers: what the figure's
    JSON reads back as), which gives the same JSON. Plotly's ``to_json`` only ever removes
    trace ids from it, which it holds none of."""

    def to_dict(self) -> dict:
        return self._clv_dict


def _kept(fig: go.Figure) -> KeptFigure:
    kept = KeptFigure(fig)
    kept._clv_dict = json.loads(pio.to_json(fig, validate=False))
    return kept


def kept_figure(builder: F) -> F:
    """A figure builder whose figure is built once per process and arguments, then shared by
    every session's run (st.cache_resource, keyed by the arguments' values).

    Building a Plotly figure (every property validated) and copying it for the browser were
    a large part of a warm run of the chart pages, the same figure each time for the same
    inputs (issue 14: fifty sessions on one process). The builder must be a pure function of
    its arguments: the data drawn, the labels and the language, never a Context or the
    session state, and small frames only (each is pickled for its key:
    :func:`pickled`). Nobody changes the figure it returns (a :class:`KeptFigure`): a change would
    not show, and would be every session's."""

    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> KeptFigure:
        return _kept(builder(*args, **kwargs))

    cached = st.cache_resource(
        show_spinner=False, max_entries=FIGURES_KEPT, ttl="1h", hash_funcs=FAST_HASH_FUNCS
    )(build)

    @functools.wraps(builder)
    def figure(*args: Any, **kwargs: Any) -> go.Figure:
        return cached(*args, **kwargs) if KEEP else builder(*args, **kwargs)

    figure.clear = cached.clear  # type: ignore[attr-defined]
    KEPT.append(cached)
    return figure  # type: ignore[return-value]


KEPT: list = []  # every kept figure builder's cache (forget_figures)


def forget_figures() -> None:
    """Build every kept figure afresh on its next use."""
    for kept in KEPT:
        kept.clear()


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
