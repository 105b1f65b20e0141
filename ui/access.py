"""Who is using the app in this run: a login through Streamlit's OpenID Connect, or local mode.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` every visitor logs in with the
company's identity provider (``st.login``) and must be in the ``users`` table; without one the
app runs in local mode for one user with every right (and .streamlit/config.toml binds it to
localhost). :func:`require_viewer` is called once per run, before the page list is built.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from clv_engine import access
from clv_engine.db import Database
from wording import t

# Why a visitor gets no viewer (each has a screen).
NOT_LOGGED_IN = "not_logged_in"
NO_LOGIN = "no_login"
UNKNOWN_USER = "unknown_user"
NO_STORES = "no_stores"
LOCAL_ONLY = "local_only"


def auth_section() -> Mapping[str, Any] | None:
    """The ``[auth]`` secrets section, or None when no login is configured."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets.toml at all
        return None
    return section or None


def login_provider(section: Mapping[str, Any]) -> str | None:
    """The provider name for ``st.login``: None when ``[auth]`` itself holds the client,
    else the first ``[auth.<name>]`` section."""
    if "client_id" in section:
        return None
    named = [k for k, v in section.items() if isinstance(v, Mapping)]
    return named[0] if named else None


def derive_viewer(
    db: Database, login_configured: bool, user: Mapping[str, Any], remote_ip: str | None = None
) -> access.Viewer | str:
    """The viewer of this run, or why there is none (one of the reasons above).

    ``user`` is ``st.user`` (a mapping of the identity provider's claims + is_logged_in);
    ``remote_ip`` is the visitor's address (None on this computer).
    """
    if not login_configured:
        # Local mode gives every right, so it serves only this computer. The bind to
        # localhost (.streamlit/config.toml) is the guard; this catches a server started
        # with --server.address 0.0.0.0 and no login.
        return access.local_viewer() if is_loopback(remote_ip) else LOCAL_ONLY
    if not user.get("is_logged_in"):
        return NOT_LOGGED_IN
    login = user.get("email") or user.get("preferred_username") or user.get("sub")
    if not login:
        return NO_LOGIN
    viewer = access.find_viewer(db, login)
    if viewer is None:
        return UNKNOWN_USER
    if viewer.stores == ():
        return NO_STORES
    return viewer


def _user_claims() -> dict[str, Any]:
    try:
        return st.user.to_dict()
    except Exception:
        return {}


def is_loopback(ip: str | None) -> bool:
    """True for a visitor on this computer (Streamlit reports None for localhost)."""
    if not ip or ip == "localhost":
        return True
    try:
        address = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _remote_ip() -> str | None:
    try:
        ip = st.context.ip_address
    except Exception:  # no browser (scripts)
        return None
    return ip if isinstance(ip, str) else None  # AppTest has no real connection


def _language_control() -> str:
    # Same widget as the sidebar's, so the choice carries over after logging in.
    return (
        st.segmented_control(
            "Language · 语言",
            ["en", "zh"],
            format_func=lambda c: {"en": "English", "zh": "中文"}[c],
            key="lang",
        )
        or "en"
    )


def require_viewer(db: Database) -> access.Viewer:
    """The viewer of this run; otherwise draws the login or refusal screen and stops the run."""
    section = auth_section()
    claims = _user_claims()
    result = derive_viewer(db, section is not None, claims, _remote_ip())
    if isinstance(result, access.Viewer):
        return result
    with st.sidebar:
        lang = _language_control()
    st.title(t("access.login.title", lang))
    if result == NOT_LOGGED_IN:
        st.write(t("access.login.text", lang))
        st.button(
            t("access.login.button", lang),
            key="access_login",
            type="primary",
            on_click=st.login,
            args=(login_provider(section),),
        )
    else:
        # The login comes from the identity provider: every markup character escaped.
        login = re.sub(
            r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(claims.get("email") or claims.get("sub") or "")
        )
        st.error(t(f"access.{result}", lang, login=login), icon=":material/block:")
        st.button(t("access.logout", lang), key="access_logout", on_click=st.logout)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the run


def draw_viewer(viewer: access.Viewer, lang: str) -> None:
    """The sidebar line: local mode, or who is logged in with which role, and a logout button."""
    if viewer.local:
        st.caption(t("access.local_mode", lang), help=t("access.local_mode.help", lang))
        return
    role = t(f"access.role.{viewer.role}", lang)
    st.caption(t("access.signed_in", lang, name=viewer.display_name, role=role))
    if viewer.stores is not None:
        st.caption(t("access.your_stores", lang, stores=", ".join(viewer.stores)))
    st.button(t("access.logout", lang), key="access_logout", on_click=st.logout)


def audited_export(
    ctx: Any, what: str, rows: int, data: bytes | str | Callable[[], bytes | str]
) -> Callable[[], bytes | str]:
    """The ``data`` of a download button that lets a customer list leave the app: produced
    only when the button is clicked (Streamlit's deferred download), and logged then as
    ``export_customers`` with who, which list, how many rows and which stores."""
    db, login, stores = ctx.db, ctx.viewer.login, ctx.store_ids

    def produce() -> bytes | str:
        payload = data() if callable(data) else data
        access.audit(db, login, "export_customers", access.export_details(what, rows, stores))
        return payload

    return produce


def audit_import(ctx: Any, report: Any) -> None:
    """Log a finished import (written to the new file, after the swap)."""
    access.audit(ctx.db, ctx.viewer.login, "import", access.import_details(report))
