"""Charts built once and drawn by every session (st.cache_resource): a plotly figure takes a
session's render most of its time once the data is cached (issue 14: fifty sessions on one
process). The key holds everything the figure is drawn from (the data's version where it
reads data, the inputs, the language and currency); the builder is not hashed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.queries.values import _HASH_FUNCS, SHARED_TTL


@st.cache_resource(show_spinner=False, max_entries=256, ttl=SHARED_TTL, hash_funcs=_HASH_FUNCS)
def figure(kind: str, key: tuple, _build: Callable[[], Any]) -> Any:
    """``_build()``, once per ``kind`` and ``key`` in the process. Never change what it returns
    (st.plotly_chart reads a figure, it does not change it)."""
    return _build()
