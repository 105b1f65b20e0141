"""Users and audit log: a director decides who logs in with which role and stores, and reads
what was done (imports, restores, scenarios, user changes, exports of customer lists).

Storyboard: who may log in (table) -> add or change a user -> remove a user -> the audit log.
Logins and names are user text: shown in dataframes and select boxes only (plain text).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clv_engine import access
from clv_engine.errors import InputError
from ui.context import page_context
from ui.widgets import translated_choice
from wording.errors import explain

ctx = page_context()
viewer = ctx.viewer
st.title(ctx.t("users.title"))
if not viewer.can_admin_users:  # listed only for directors; a typed URL is refused here too
    st.error(ctx.t("access.refused", role=ctx.t(f"access.role.{viewer.role}")))
    st.stop()
st.caption(ctx.t("users.caption"))
if viewer.local:
    st.info(ctx.t("users.local_note"))


def role_label(role: str) -> str:
    return ctx.t(f"access.role.{role}")


def stores_text(stores: object) -> str:
    # A missing list (director, analyst) comes back from DuckDB as None or pandas' NA.
    try:
        items = [str(s) for s in stores]
    except TypeError:
        items = []
    return ", ".join(items) or ctx.t("users.all_stores")


def report(message: str, ok: bool) -> None:
    st.session_state["users_message"] = (message, ok)


def error_text(error: InputError) -> str:
    return ctx.t("users.error", reason=explain(error, ctx.lang))


def save() -> None:
    role = st.session_state.get("users_role", access.DIRECTOR)
    try:
        login = access.save_user(
            ctx.db,
            st.session_state.get("users_login", ""),
            st.session_state.get("users_name", ""),
            role,
            st.session_state.get("users_stores", []),
            actor=viewer.login,
        )
    except InputError as error:  # a refused user, or the file busy with another write
        report(error_text(error), False)
        return
    report(ctx.t("users.saved", login=login), True)
    st.session_state["users_login"] = ""
    st.session_state["users_name"] = ""
    st.session_state["users_stores"] = []


def remove() -> None:
    login = st.session_state.get("users_remove_pick")
    if not login:
        return
    try:
        access.delete_user(ctx.db, login, actor=viewer.login)
    except InputError as error:  # a refused user, or the file busy with another write
        report(error_text(error), False)
        return
    report(ctx.t("users.removed", login=login), True)


users = access.list_users(ctx.db)
if users.empty:
    st.info(ctx.t("users.none"))
else:
    shown = pd.DataFrame(
        {
            ctx.t("users.col.login"): users["login"],
            ctx.t("users.col.display_name"): users["display_name"],
            ctx.t("users.col.role"): users["role"].map(role_label),
            ctx.t("users.col.stores"): [stores_text(s) for s in users["stores"]],
            ctx.t("users.col.updated_at"): users["updated_at"],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")

message = st.session_state.pop("users_message", None)
if message:
    (st.success if message[1] else st.error)(message[0])

st.subheader(ctx.t("users.edit"))
left, right = st.columns(2)
with left:
    st.text_input(
        ctx.t("users.login"), key="users_login", help=ctx.t("users.login.help"), max_chars=access.MAX_TEXT
    )
    st.text_input(ctx.t("users.name"), key="users_name", max_chars=access.MAX_TEXT)
with right:
    role = translated_choice(
        "selectbox",
        ctx.t("users.role"),
        list(access.ROLES),
        key="users_role",
        lang=ctx.lang,
        format_func=role_label,
    )
    stores = ctx.stores()
    names = dict(zip(stores["store_id"], stores["name"]))
    st.multiselect(
        ctx.t("users.stores"),
        list(names),
        key="users_stores",
        format_func={s: f"{s} · {name}" for s, name in names.items()}.__getitem__,
        disabled=role != access.STORE_MANAGER,
        placeholder=ctx.t("users.stores.placeholder"),
    )
st.button(ctx.t("users.save"), key="users_save", type="primary", on_click=save)

if not users.empty:
    st.subheader(ctx.t("users.remove"))
    st.selectbox(
        ctx.t("users.remove.pick"),
        list(users["login"]),
        key="users_remove_pick",
        index=None,
        placeholder=ctx.t("users.remove.placeholder"),
    )
    st.button(ctx.t("users.remove.button"), key="users_remove", on_click=remove)

st.subheader(ctx.t("users.audit"))
st.caption(ctx.t("users.audit.caption"))
log = access.audit_log(ctx.db)
if log.empty:
    st.info(ctx.t("users.audit.none"))
else:
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("users.audit.col.logged_at"): log["logged_at"],
                ctx.t("users.audit.col.actor"): log["actor"],
                ctx.t("users.audit.col.action"): [ctx.t(f"audit.action.{a}") for a in log["action"]],
                ctx.t("users.audit.col.details"): log["details"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
