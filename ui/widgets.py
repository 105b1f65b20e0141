"""Small widget helpers shared by the frame and the pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from wording import t


def translated_choice(
    fn: str,
    label: str,
    options: Sequence[Any],
    key: str,
    lang: str,
    container: Any = st,
    *,
    index: int = 0,
    link: bool = False,
    always: bool = False,
    **kw: Any,
) -> Any:
    """A selectbox or radio whose option labels are translated.

    The browser holds a choice by its label, so after a language switch it would send back a
    label of the other language (the widget then shows a stale label, or loses its value).
    One widget per language (key ``<key>.<lang>``) avoids that; the value lives in
    ``st.session_state[key]``, so it survives the switch and page switches. A callback sets
    the choice with ``st.session_state[key] = value``.

    ``index``: the default option. ``link``: the choice is kept in the page's link by its
    option id (``?<key>=member_day``, the same link in every language; ``bind`` would write
    the label), read when the session has no choice yet; like a bound widget only a choice
    other than the default goes into the link, unless ``always``.
    """
    options = list(options)
    widget_key = f"{key}.{lang}"
    if st.session_state.get(key) not in options:
        names = [str(o) for o in options]
        wanted = st.query_params.get(key) if link else None
        st.session_state[key] = options[names.index(wanted)] if wanted in names else options[index]
    if st.session_state.get(widget_key) != st.session_state[key]:
        st.session_state[widget_key] = st.session_state[key]

    def sync() -> None:
        st.session_state[key] = st.session_state[widget_key]

    getattr(container, fn)(label, options, key=widget_key, on_change=sync, **kw)
    value = st.session_state[key]
    if link:
        if always or value != options[index]:
            if st.query_params.get(key) != str(value):
                st.query_params[key] = str(value)
        elif key in st.query_params:
            del st.query_params[key]
    return value


def seed_state(defaults: dict[str, Any]) -> None:
    """Put defaults into session state once, so widgets need no ``value`` and a reset works."""
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value


def reset_state(defaults: dict[str, Any]) -> None:
    for key, value in defaults.items():
        st.session_state[key] = value


# -- headline figures --------------------------------------------------------------------------
# st.metric cuts a value or label that does not fit its card ("¥10.9…") instead of wrapping
# it. metric_row puts only as many cards side by side as fit the longest value and label at
# 1280 px wide (sidebar open), and the rest on a second row, so a figure is never cut. Widths are estimated from the text: Source Sans
# draws digits at about 0.5 em and a CJK character at 1 em.
VALUE_PX = 36  # st.metric's value: 2.25rem
LABEL_PX = 14  # its label: 0.875rem
PRESENT_VALUE_PX = 48  # presentation mode (see present_style)
CARD_PADDING_PX = 36  # border, padding and a little slack
HELP_ICON_PX = 26
MIN_CARD_PX = 150
SCREEN_PX = 1280  # the narrowest screen the layout is made for (a 1280×720 projector)
SIDEBAR_PX = 300
PAGE_PADDING_PX = 160  # the wide layout's 5rem on each side
GAP_PX = 16


def text_width(text: str, font_px: float) -> float:
    """An upper estimate of ``text``'s width in pixels at ``font_px``."""
    width = 0.0
    for ch in str(text):
        if ord(ch) > 0x2E80:  # CJK and full-width forms
            width += 1.0
        elif ch in ".,:;'!|il ":
            width += 0.32
        elif ch in "%MW¥@mw":
            width += 0.9
        elif ch.isupper():
            width += 0.62
        else:
            width += 0.53
    return width * font_px


@dataclass(frozen=True)
class Headline:
    """One headline figure: what st.metric takes."""

    label: str
    value: str
    help: str | None = None
    delta: str | None = None
    border: bool | None = None  # None: as the row says
    delta_color: str = "normal"
    delta_arrow: str = "auto"
    delta_description: str | None = None  # e.g. "YoY": what the delta compares with


def card_width(figures: Sequence[Headline], large: bool = False) -> int:
    """One card width (px) that shows every figure's value and label uncut."""
    value_px = PRESENT_VALUE_PX if large else VALUE_PX
    need = MIN_CARD_PX
    for f in figures:
        label = text_width(f.label, LABEL_PX) + (HELP_ICON_PX if f.help else 0)
        need = max(need, text_width(f.value, value_px), label, text_width(f.delta or "", LABEL_PX) + 24)
    return int(need + CARD_PADDING_PX)


def per_row(figures: Sequence[Headline], share: float = 1.0, large: bool = False) -> int:
    """How many cards fit side by side in ``share`` of the page at 1280 px, the narrowest
    screen we design for (sidebar open, or folded away in presentation mode)."""
    page = SCREEN_PX - PAGE_PADDING_PX - (0 if large else SIDEBAR_PX)
    width = card_width(figures, large)
    return max(1, int((page * share + GAP_PX) // (width + GAP_PX)))


def metric_row(
    figures: Sequence[Headline],
    border: bool = True,
    container: Any = None,
    large: bool | None = None,
    like: Sequence[Headline] = (),
    share: float = 1.0,
) -> None:
    """Headline figures in a grid of equal columns that wraps onto more rows rather than cut.

    ``share``: the part of the page's width the row is drawn in (0.75 in a 3:1 column);
    ``like``: figures of another row whose cards this row's should line up with;
    ``large`` (default: presentation mode is on) sizes the cards for the larger type.
    """
    figures = [f for f in figures if f is not None]
    if not figures:
        return
    if large is None:
        large = presenting()
    fit = per_row([*figures, *(f for f in like if f is not None)], share, large)
    rows = -(-len(figures) // fit)
    # Balanced (4 cards that need two rows go 2 + 2), unless the row lines up with others.
    columns = fit if like else -(-len(figures) // rows)
    parent = container if container is not None else st
    with parent.container():
        for start in range(0, len(figures), columns):
            for col, f in zip(st.columns(columns), figures[start : start + columns]):
                col.metric(
                    f.label,
                    f.value,
                    delta=f.delta,
                    help=f.help,
                    delta_color=f.delta_color,
                    delta_arrow=f.delta_arrow,
                    delta_description=f.delta_description,
                    border=border if f.border is None else f.border,
                )


# -- presentation mode -------------------------------------------------------------------------
PRESENT_KEY = "present"
# A fixed style sheet, no customer text in it: bigger headline figures for a projector.
PRESENT_STYLE = (
    f"<style>[data-testid='stMetricValue']{{font-size:{PRESENT_VALUE_PX}px !important;line-height:1.2;}}"
    "[data-testid='stMetricLabel'] p{font-size:1rem !important;}</style>"
)


def presenting() -> bool:
    """Presentation mode: sidebar toggle, or a link with ``?present=1``."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def present_style() -> None:
    if presenting():
        st.html(PRESENT_STYLE)


# -- Streamlit's own words in a Chinese session ----------------------------------------------------
def uploader_style(lang: str) -> None:
    """A file uploader's button ("Upload") and limit ("200MB per file • CSV, …") are Streamlit's
    English, with no parameter to change them: in Chinese the style sheet draws the catalogue's
    words in their place (fixed words, no customer text). The accepted types are in the label."""
    if lang == "en":
        return
    limit = t("upload.limit", lang, mb=st.get_option("server.maxUploadSize")).replace('"', "")
    button = t("upload.button", lang).replace('"', "")
    words = "[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p"
    limits = "[data-testid=stFileUploaderDropzoneInstructions] span"
    st.html(
        f"<style>{words},{limits}{{font-size:0}}"
        f'{words}::after{{content:"{button}";font-size:0.875rem}}'
        f'{limits}::after{{content:"{limit}";font-size:0.875rem}}</style>'
    )


# -- tables with missing values ------------------------------------------------------------------
def by_value(values: pd.Series, label: Callable[[Any], str]) -> pd.Series:
    """``label(v)`` for every value, called once per distinct value (NaN included): a list of
    60,000 customers has a handful of tiers or levels, and a call per row cost a second."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    texts = np.array([label(v) for v in distinct], dtype=object)
    return pd.Series(texts[codes], index=values.index, name=values.name)


def _number_format(pattern: str) -> tuple[str, str, str, float]:
    """A column format of st.column_config ("%,d", "%.1f×", "%.1f%%", "percent") as Python's:
    (text before, format spec, text after, scale)."""
    if pattern == "percent":
        return "", ".1f", "%", 100.0
    m = re.search(r"%(,?)(\.\d+)?([df])", pattern)
    if m is None:
        return "", ",.1f", "", 1.0
    spec = (m.group(1) or "") + (m.group(2) or ".0") + "f"
    return pattern[: m.start()].replace("%%", "%"), spec, pattern[m.end() :].replace("%%", "%"), 1.0


def _number_texts(values: pd.Series, pattern: str) -> list[str]:
    # The pattern is read once per column, not once per cell: a call list of 60,000 rows at a
    # million customers took a second per rerun when every cell searched the pattern again.
    before, spec, after, scale = _number_format(pattern)
    return [
        "—" if v != v else before + format(v * scale, spec) + after  # v != v: NaN
        for v in values.to_numpy(dtype=float, na_value=np.nan)
    ]


def _date_texts(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    with_time = stamps.notna() & (stamps != stamps.dt.normalize())
    texts = stamps.dt.strftime("%Y-%m-%d").where(~with_time, stamps.dt.strftime("%Y-%m-%d %H:%M"))
    return texts.where(stamps.notna(), "—")


def dashed(frame: pd.DataFrame, config: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """The table with missing values shown as "—": st.dataframe draws them as "None", in
    English whatever the language. Only columns with a missing value change (to text, numbers
    in their column's format); downloads keep the original frame."""
    out, config = frame.copy(), dict(config or {})
    for col in frame.columns:
        values = frame[col]
        if not values.isna().any():
            continue
        if values.dtype.kind in "fciu":
            given = (config.get(col) or {}).get("type_config", {}).get("format")
            whole = bool((values.dropna() == values.dropna().round(0)).all())
            pattern = given or ("%,d" if whole else "%,.1f")
            out[col] = _number_texts(values, pattern)
            config[col] = st.column_config.TextColumn(
                help=(config.get(col) or {}).get("help"), alignment="right"
            )
        elif values.dtype.kind == "M":
            out[col] = _date_texts(values)
            config.pop(col, None)
        else:
            # All text (a date as 2026-11-30): a column of "—" and date objects is not one type,
            # and Arrow refuses it before Streamlit falls back to guessing.
            out[col] = [
                "—" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values
            ]
    return out, config
