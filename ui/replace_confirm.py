"""The confirmation a director sees before an import replaces the data: what changes."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import importer
from clv_engine.import_preview import DataSummary, preview_replacement
from ui.safe import md
from wording import fmt


def _rows(ctx: Any, summary: DataSummary) -> list[str]:
    def day(d) -> str:
        return d.isoformat() if d else "–"

    return [fmt.number(summary.customers), fmt.number(summary.orders),
            f"{day(summary.first_order)} – {day(summary.last_order)}"]


def confirm_replacement(ctx: Any, sources: Sequence[importer.Source],
                        options: importer.ImportOptions, request: Callable[[str], None]) -> None:
    """Before and after, and two buttons: replace (``request("import")``) or keep the data."""
    try:
        with st.spinner(ctx.t("replace.preparing")):
            now, after = preview_replacement(sources, ctx.db, options)
    except importer.ImportWriteError as error:  # disk full even for the scratch copy: nothing changed
        st.error(md(error.text(ctx.lang)))
        st.stop()
    st.warning(ctx.t("replace.warning"), icon=":material/warning:")
    st.dataframe(pd.DataFrame({
        "": [ctx.t("replace.customers"), ctx.t("replace.orders"), ctx.t("replace.dates")],
        ctx.t("replace.now"): _rows(ctx, now),
        ctx.t("replace.after"): _rows(ctx, after),
    }), hide_index=True, key="imp_replace_table")
    left, right = st.columns(2)
    left.button(ctx.t("replace.confirm"), type="primary", key="imp_confirm_replace",
                icon=":material/swap_horiz:", on_click=request, args=("import",))
    right.button(ctx.t("replace.cancel"), key="imp_cancel_replace", on_click=request,
                 args=("cancel",))
