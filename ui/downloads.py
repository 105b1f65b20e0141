"""One CSV and one Excel button for a table shown on a page, built by ``clv_engine.export``
(formula-like text neutralised, numbers kept as numbers), like the call list's."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from clv_engine.export import SHEET_NAME_MAX, to_csv_bytes, to_excel_bytes
from wording import boardpack

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
) -> None:
    """Two buttons, ``{key}_csv`` and ``{key}_xlsx``, for the table ``frame`` as shown.

    ``name``: the files' name without extension; ``title``: the Excel sheet's name (default
    ``name``); ``sheets``: a workbook of several sheets instead; ``labels``: catalogue keys of
    the two buttons. A click downloads without rerunning the page.
    """
    workbook = dict(sheets) if sheets is not None else {sheet_name(title or name): frame}
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        ctx.t(labels[0]),
        to_csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        ctx.t(labels[1]),
        to_excel_bytes(workbook),
        file_name=f"{name}.xlsx",
        mime=XLSX,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )


PACK_ICONS = {"pptx": ":material/slideshow:", "pdf": ":material/picture_as_pdf:"}


def pack_downloads(ctx, page: str, build: Callable[[str], bytes], key: str, *name: str) -> None:
    """The board pack's two buttons, ``{key}_pptx`` and ``{key}_pdf``, each file built on
    click by ``build(kind)``; a kind this machine cannot make says why instead.
    ``page`` and ``name`` make the file's name (``boardpack.filename``)."""
    missing = boardpack.unavailable(ctx.lang)
    for column, kind in zip(st.columns(2), ("pptx", "pdf"), strict=True):
        if kind in missing:
            column.caption(missing[kind])
            continue
        column.download_button(
            ctx.t(f"boardpack.download_{kind}"),
            data=lambda kind=kind: build(kind),
            file_name=boardpack.filename(page, ctx.lang, kind, *name),
            mime=boardpack.MIME[kind],
            key=f"{key}_{kind}",
            on_click="ignore",
            icon=PACK_ICONS[kind],
        )
