"""Page helpers of the actions page: lists on screen, their downloads and the rule inputs."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from clv_engine.export import to_csv_bytes, to_excel_bytes
from ui.context import Context
from ui.widgets import dashed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def show(table: pd.DataFrame, config: dict | None = None) -> None:
    """A list on screen, missing values as "—" (the download keeps the frame as it is)."""
    frame, config = dashed(table, config)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


def file_name(ctx: Context, kind: str) -> str:
    """<list>_<stores or all>_<date>: store codes kept to letters, digits and dashes."""
    scope = "-".join(re.sub(r"[^0-9A-Za-z_-]", "", s) for s in ctx.store_ids) if ctx.store_ids else "all"
    return f"{ctx.t('actions.file.' + kind)}_{scope or 'stores'}_{ctx.as_of.isoformat()}"


def downloads(ctx: Context, frame: pd.DataFrame, kind: str, container=st) -> None:
    """CSV and Excel of a shown list (headers as shown)."""
    left, right, _ = container.columns([1, 1, 4])
    name = file_name(ctx, kind)
    left.download_button(
        ctx.t("actions.download.csv"),
        to_csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"act_dl_{kind}_csv",
    )
    right.download_button(
        ctx.t("actions.download.xlsx"),
        to_excel_bytes({kind[:31]: frame}),
        file_name=f"{name}.xlsx",
        mime=XLSX,
        key=f"act_dl_{kind}_xlsx",
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
