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
    Both files are built only when clicked (Streamlit's deferred download): a rerun formats
    nothing. ``frame`` and ``sheets`` may also be functions that build them, called then.
    ``audit``: the table is a customer list, named so in the audit log: its files are built and
    logged only when clicked (ui.access.audited_export), and the buttons are disabled for a
    viewer who may not export customers; ``rows``: its length for the log (default: the frame's,
    counted on click).
    """

    def table(shown: pd.DataFrame | None = None) -> pd.DataFrame:
        if shown is not None:  # already built on this click (counted for the log)
            return shown
        return frame() if callable(frame) else frame

    def csv(shown: pd.DataFrame | None = None) -> bytes:
        return to_csv_bytes(table(shown))

    def xlsx(shown: pd.DataFrame | None = None) -> bytes:
        book = (
            {sheet_name(title or name): table(shown)}
            if sheets is None
            else dict(sheets() if callable(sheets) else sheets)
        )
        return to_excel_bytes(book, number_formats=number_formats)

    def on_click(build: Callable[..., bytes]) -> Callable[[], bytes | str]:
        """The button's data: nothing is built (nor logged) until the button is clicked."""
        if audit is None:
            return build

        def produce() -> bytes | str:
            shown = table() if rows is None else None
            count = rows if shown is None else len(shown)
            return audited_export(ctx, audit, count, lambda: build(shown))()

        return produce

    csv_data, xlsx_data = on_click(csv), on_click(xlsx)
    disabled = audit is not None and not ctx.viewer.can_export_customers
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
