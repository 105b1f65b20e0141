"""One CSV and one Excel button for a table shown on a page, built by ``clv_engine.export``
(formula-like text neutralised, numbers kept as numbers), like the call list's."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from clv_engine.export import SHEET_NAME_MAX, to_csv_bytes, to_excel_bytes
from ui.access import audited_export
from wording import boardpack

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LABELS = ("table.download.csv", "table.download.xlsx")
Table = pd.DataFrame | Callable[[], pd.DataFrame]
Sheets = Mapping[str, pd.DataFrame] | Callable[[], Mapping[str, pd.DataFrame]]


def sheet_name(title: str) -> str:
    """A valid Excel sheet name from a table's title (31 characters, none of []:*?/\\)."""
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:SHEET_NAME_MAX] or "Sheet1"


def table_downloads(
    ctx,
    frame: Table,
    name: str,
    key: str,
    title: str = "",
    *,
    sheets: Sheets | None = None,
    labels: tuple[str, str] = LABELS,
    audit: str | None = None,
    rows: int | None = None,
    number_formats: Mapping[str, str] | None = None,
) -> None:
    """Two buttons, ``{key}_csv`` and ``{key}_xlsx``, for the table ``frame`` as shown.

    ``name``: the files' name without extension; ``title``: the Excel sheet's name (default
    ``name``); ``sheets``: a workbook of several sheets instead; ``labels``: catalogue keys of
    the two buttons; ``number_formats``: Excel number formats by column header. A click
    downloads without rerunning the page.
    ``frame`` and ``sheets`` may be functions that build them: the files are then built only
    when clicked (a long list is not formatted on every run).
    ``audit``: the table is a customer list, named so in the audit log: its files are built and
    logged only when clicked (ui.access.audited_export), and the buttons are disabled for a
    viewer who may not export customers; ``rows``: its length for the log (default: the frame's).
    """

    def table() -> pd.DataFrame:
        return frame() if callable(frame) else frame

    def workbook() -> dict[str, pd.DataFrame]:
        if sheets is None:
            return {sheet_name(title or name): table()}
        return dict(sheets() if callable(sheets) else sheets)

    def csv() -> bytes:
        return to_csv_bytes(table())

    def xlsx() -> bytes:
        return to_excel_bytes(workbook(), number_formats=number_formats)

    csv_data, xlsx_data = csv, xlsx
    disabled = False
    if audit is not None:
        count = len(table()) if rows is None else rows
        csv_data, xlsx_data = audited_export(ctx, audit, count, csv), audited_export(ctx, audit, count, xlsx)
        disabled = not ctx.viewer.can_export_customers
    elif not (callable(frame) or callable(sheets)):
        csv_data, xlsx_data = csv(), xlsx()
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        ctx.t(labels[0]),
        csv_data,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
        disabled=disabled,
    )
    right.download_button(
        ctx.t(labels[1]),
        xlsx_data,
        file_name=f"{name}.xlsx",
        mime=XLSX,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
        disabled=disabled,
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
