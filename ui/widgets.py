"""Small widget helpers shared by the frame and the pages."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st


def translated_choice(
    fn: str, label: str, options: Sequence[Any], key: str, lang: str, container: Any = st, **kw: Any
) -> Any:
    """A selectbox or radio whose option labels are translated.

    The browser holds a choice by its label, so after a language switch it would send back a
    label of the other language (the widget then shows a stale label, or loses its value).
    One widget per language (key ``<key>.<lang>``) avoids that; the value lives in
    ``st.session_state[key]``, so it survives the switch and page switches.
    """
    options = list(options)
    widget_key = f"{key}.{lang}"
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    if st.session_state.get(widget_key) != st.session_state[key]:
        st.session_state[widget_key] = st.session_state[key]

    def sync() -> None:
        st.session_state[key] = st.session_state[widget_key]

    getattr(container, fn)(label, options, key=widget_key, on_change=sync, **kw)
    return st.session_state[key]


def seed_state(defaults: dict[str, Any]) -> None:
    """Put defaults into session state once, so widgets need no ``value`` and a reset works."""
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value


def reset_state(defaults: dict[str, Any]) -> None:
    for key, value in defaults.items():
        st.session_state[key] = value
