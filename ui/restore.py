"""The Import page's "Earlier versions" section: list the kept versions, restore one after a
before/after confirmation (like a replace import). Directors only: the page checks it first.

Buttons act through callbacks (they run before the script), as on the rest of the Import page.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from clv_engine.imports import ImportBusy, versions
from clv_engine.imports.summary import summary
from ui.safe import md
from wording import fmt
from wording.errors import explain
from wording.imports import before_after, date_range


def _when(text: str | None) -> str:
    return text.replace("T", " ")[:16] if text else "–"


def _request(what: str) -> None:
    st.session_state["ver_action"] = what


def _table(ctx: Any, kept: list[versions.Version]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ctx.t("versions.col.number"): [v.number for v in kept],
            ctx.t("versions.col.saved_at"): [_when(v.saved_at) for v in kept],
            ctx.t("versions.col.saved_by"): [v.saved_by for v in kept],
            ctx.t("versions.col.reason"): [ctx.t(f"versions.reason.{v.reason}") for v in kept],
            ctx.t("versions.col.customers"): [fmt.number(v.customers) for v in kept],
            ctx.t("versions.col.orders"): [fmt.number(v.orders) for v in kept],
            ctx.t("versions.col.dates"): [date_range(v.summary) for v in kept],
            ctx.t("versions.col.imported_at"): [_when(v.imported_at) for v in kept],
        }
    )


def _confirm(ctx: Any, version: versions.Version) -> None:
    now = summary(ctx.db)
    st.warning(ctx.t("versions.warning", n=version.number), icon=":material/warning:")
    st.dataframe(
        before_after(now, version.summary, ctx.lang, "versions.after"),
        hide_index=True,
        key="ver_confirm_table",
    )
    left, right = st.columns(2)
    left.button(
        ctx.t("versions.confirm", n=version.number),
        type="primary",
        key="ver_confirm",
        icon=":material/settings_backup_restore:",
        on_click=_request,
        args=("restore",),
    )
    right.button(ctx.t("versions.cancel"), key="ver_cancel", on_click=_request, args=("cancel",))


def _restore(ctx: Any, version: versions.Version) -> None:
    try:
        with st.spinner(ctx.t("versions.running")):
            kept = versions.restore(ctx.db.path, version.name, actor=ctx.viewer.login)
    except versions.VersionError as error:
        st.error(md(explain(error, ctx.lang)))
        return
    except ImportBusy:
        st.error(ctx.t("versions.busy"))
        return
    # Every cached figure and the sidebar's date and store choices belong to the old data.
    st.cache_data.clear()
    for key in ("as_of", "stores"):
        st.session_state.pop(key, None)
    # Numbers, not the sentence: it is worded when drawn, in the language of that moment.
    st.session_state["ver_done"] = {"n": version.number, "kept": kept.number if kept else "–"}
    st.rerun()


def versions_section(ctx: Any) -> None:
    """The expander with the kept versions and the restore."""
    action = st.session_state.pop("ver_action", None)
    done = st.session_state.pop("ver_done", None)
    if done:
        st.success(ctx.t("versions.done", **done))
    kept = versions.list_versions(ctx.db.path)
    if not kept:  # one line, not an empty section, until a replace import has kept a version
        st.caption(ctx.t("versions.none"))
        return
    with st.expander(ctx.t("versions.title"), expanded=action in ("confirm", "restore")):
        st.caption(ctx.t("versions.intro", keep=versions.keep_count()))
        st.dataframe(_table(ctx, kept), hide_index=True, key="ver_table")
        by_name = {v.name: v for v in kept}
        name = st.selectbox(
            ctx.t("versions.pick"),
            list(by_name),
            format_func=lambda n: ctx.t(
                "versions.option",
                n=by_name[n].number,
                when=_when(by_name[n].saved_at),
                orders=fmt.number(by_name[n].orders),
            ),
            key="ver_pick",
        )
        st.button(
            ctx.t("versions.restore"),
            key="ver_restore",
            icon=":material/history:",
            on_click=_request,
            args=("confirm",),
        )
        if action == "confirm":
            _confirm(ctx, by_name[name])
        elif action == "restore":
            _restore(ctx, by_name[name])
