"""Customer text on screen as text, never as Markdown, HTML or links; page errors without traces.

Names, ids, store and region names, vehicle models and channel names come from a dealer's
files. Streamlit draws titles, captions, alerts, metric, tab and expander labels as Markdown
(``![x](http://…)`` would load a remote image, ``[x](http://…)`` or a bare URL would become a
link), and Plotly draws ``<a href=…>`` in a label, legend or hover text as a clickable link.

    md(text)          for any Markdown place: every ASCII punctuation mark backslash-escaped
    plot_text(text)   for Plotly labels, legends, hover and titles: < > & as entities

Widgets that never read Markdown (``st.text``, ``st.dataframe`` cells, ``st.selectbox``
options) need neither.
"""

from __future__ import annotations

import html
import logging
import os
import re
import uuid
from collections.abc import Callable

import pandas as pd

# CommonMark lets ASCII punctuation be escaped with a backslash, and an escaped mark is never
# syntax. Escaped: every mark that starts or closes a link, image, emphasis, code, heading,
# list, table, HTML tag or entity, Streamlit directive (:red[…], :material/…:) or LaTeX ($);
# plain punctuation (, ; ? ' " / = %) is left as typed.
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&@^])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\u2028\u2029]")
# GitHub-flavoured autolinks (http://…, www.…, name@host) are found in the text *after* the
# escapes are resolved (seen in Chromium: "http\://evil" still became a link), so an
# invisible word joiner goes inside each pattern: "http:⁠//", "www⁠.", "x@⁠host".
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")


def _text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def md(value: object) -> str:
    """``value`` to show literally inside Markdown (a heading, caption, alert, label)."""
    text = _AUTOLINK.sub(WORD_JOINER, _LINE_BREAKS.sub(" ", _text(value)))
    return _PUNCTUATION.sub(r"\\\1", text)


def plot_text(value: object) -> str:
    """``value`` to show literally in a Plotly label, legend entry, hover text or title."""
    return html.escape(_text(value), quote=False)


def plot_texts(values) -> list[str]:
    """``plot_text`` over a column or list (axis categories, legend names)."""
    return [plot_text(v) for v in values]


# -- page errors --------------------------------------------------------------------------
log = logging.getLogger("clv.app")

# Tests set this so a page's exception still reaches AppTest's ``at.exception`` (every page
# test relies on that); the server never has it, so a reader sees the short message only.
RAISE_ENV = "CLV_RAISE_PAGE_ERRORS"


def run_page(run: Callable[[], None], message: Callable[[str], str]) -> None:
    """Run the page; on an error, log it in full with an id and show ``message(id)``.

    Streamlit's own control flow (st.stop, st.rerun, st.switch_page) raises exceptions that
    derive from BaseException, not Exception, so it passes through untouched.
    """
    import streamlit as st

    try:
        run()
    except Exception:
        if os.environ.get(RAISE_ENV) == "1":
            raise
        error_id = uuid.uuid4().hex[:8]
        log.exception("page error %s", error_id)
        st.error(message(error_id), icon=":material/error:")
