"""One CSV and one Excel button for a table shown on a page, built by ``clv_engine.export``
(formula-like text neutralised, numbers kept as numbers), like the call list's."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from clv_engine.export import SHEET_NAME_MAX, to_csv_bytes, to_excel_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_name(title: str) -> str:
    """A valid Excel sheet name from a table's title (31 characters, none of []:*?/\\)."""
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:SHEET_NAME_MAX] or "Sheet1"


def table_downloads(ctx, frame: pd.DataFrame, name: str, key: str, title: str = "") -> None:
    """Two buttons, ``{key}_csv`` and ``{key}_xlsx``, for the table ``frame`` as shown."""
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(ctx.t("table.download.csv"), to_csv_bytes(frame), file_name=f"{name}.csv",
                         mime="text/csv", key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    right.download_button(ctx.t("table.download.xlsx"), to_excel_bytes({sheet_name(title or name): frame}),
                          file_name=f"{name}.xlsx", mime=XLSX, key=f"{key}_xlsx", on_click="ignore",
                          icon=":material/table_view:")
