"""Page helpers of the actions page: lists on screen, their downloads and the rule inputs."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from ui.context import Context
from ui.downloads import table_downloads
from ui.widgets import dashed

AGGREGATES = ("rates",)  # lists of stores, not of customers


def show(table: pd.DataFrame, config: dict | None = None) -> None:
    """A list on screen, missing values as "—" (the download keeps the frame as it is)."""
    frame, config = dashed(table, config)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


def file_name(ctx: Context, kind: str) -> str:
    """<list>_<stores or all>_<date>: store codes kept to letters, digits and dashes."""
    scope = "-".join(re.sub(r"[^0-9A-Za-z_-]", "", s) for s in ctx.store_ids) if ctx.store_ids else "all"
    return f"{ctx.t('actions.file.' + kind)}_{scope or 'stores'}_{ctx.as_of.isoformat()}"


def downloads(ctx: Context, frame: pd.DataFrame, kind: str) -> None:
    """CSV and Excel of a shown list (headers as shown); a list of customers is audited and
    offered only to a viewer who may export customers."""
    table_downloads(
        ctx,
        frame,
        file_name(ctx, kind),
        f"act_dl_{kind}",
        kind,
        labels=("actions.download.csv", "actions.download.xlsx"),
        audit=None if kind in AGGREGATES else f"actions_{kind}",
    )


def shown(ctx: Context, frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns to show, headed in the reader's language."""
    out = frame[list(columns)].rename(columns={c: ctx.t(k) for c, k in columns.items()})
    out.attrs = {}  # the engine's notes (dates) are not for the table
    return out


def number_inputs(ctx: Context, spec: list[tuple[str, str, int, int, int]], container) -> None:
    cols = container.columns(len(spec))
    for col, (key, label, low, high, step) in zip(cols, spec):
        col.number_input(
            ctx.t(label), min_value=low, max_value=high, step=step, key=key, persist_state="session"
        )
