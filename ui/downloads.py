"""One CSV and one Excel button for a table shown on a page, built by ``clv_engine.export``
(formula-like text neutralised, numbers kept as numbers), like the call list's."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from clv_engine.export import SHEET_NAME_MAX, to_csv_bytes, to_excel_bytes
from ui.access import audited_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LABELS = ("table.download.csv", "table.download.xlsx")


def sheet_name(title: str) -> str:
    """A valid Excel sheet name from a table's title (31 characters, none of []:*?/\\)."""
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:SHEET_NAME_MAX] or "Sheet1"


def table_downloads(
    ctx,
    frame: pd.DataFrame,
    name: str,
    key: str,
    title: str = "",
    *,
    sheets: Mapping[str, pd.DataFrame] | None = None,
    labels: tuple[str, str] = LABELS,
    audit: str | None = None,
) -> None:
    """Two buttons, ``{key}_csv`` and ``{key}_xlsx``, for the table ``frame`` as shown.

    ``name``: the files' name without extension; ``title``: the Excel sheet's name (default
    ``name``); ``sheets``: a workbook of several sheets instead; ``labels``: catalogue keys of
    the two buttons. A click downloads without rerunning the page.
    ``audit``: the table is a customer list, named so in the audit log: its files are built and
    logged only when clicked (ui.access.audited_export), and the buttons are disabled for a
    viewer who may not export customers.
    """
    workbook = dict(sheets) if sheets is not None else {sheet_name(title or name): frame}
    csv, xlsx = (lambda: to_csv_bytes(frame)), (lambda: to_excel_bytes(workbook))
    disabled = False
    if audit is None:
        csv, xlsx = csv(), xlsx()
    else:
        csv = audited_export(ctx, audit, len(frame), csv)
        xlsx = audited_export(ctx, audit, len(frame), xlsx)
        disabled = not ctx.viewer.can_export_customers
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        ctx.t(labels[0]),
        csv,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
        disabled=disabled,
    )
    right.download_button(
        ctx.t(labels[1]),
        xlsx,
        file_name=f"{name}.xlsx",
        mime=XLSX,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
        disabled=disabled,
    )
