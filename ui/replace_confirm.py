"""The confirmation a director sees before an import replaces the data: what changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from clv_engine.imports import ImportOptions, ImportWriteError, Source
from clv_engine.imports.preview import preview_replacement
from ui.safe import md
from wording.errors import explain
from wording.imports import before_after


def confirm_replacement(
    ctx: Any, sources: Sequence[Source], options: ImportOptions, request: Callable[[str], None]
) -> None:
    """Before and after, and two buttons: replace (``request("import")``) or keep the data."""
    try:
        with st.spinner(ctx.t("replace.preparing")):
            now, after = preview_replacement(sources, ctx.db, options)
    except ImportWriteError as error:  # disk full even for the scratch copy: nothing changed
        st.error(md(explain(error, ctx.lang)))
        st.stop()
    st.warning(ctx.t("replace.warning"), icon=":material/warning:")
    st.dataframe(before_after(now, after, ctx.lang), hide_index=True, key="imp_replace_table")
    left, right = st.columns(2)
    left.button(
        ctx.t("replace.confirm"),
        type="primary",
        key="imp_confirm_replace",
        icon=":material/swap_horiz:",
        on_click=request,
        args=("import",),
    )
    right.button(ctx.t("replace.cancel"), key="imp_cancel_replace", on_click=request, args=("cancel",))
