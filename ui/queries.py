"""Every cached Streamlit query of the app, in one place (st.cache_data / st.cache_resource).

Each area appends its wrappers under its own section comment.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clv_engine.imports import ImportFileError
from clv_engine.imports.stage import read_sample

# -- imports --

IMPORT_PREVIEW_ROWS = 8


@st.cache_data(show_spinner=False, max_entries=64)
def import_sample(path: str) -> pd.DataFrame | tuple[str, dict]:
    """First rows of a saved upload (the path is its content hash), or why it cannot be read:
    the error's code and details (ImportFileError is not kept by the cache, its parts are)."""
    try:
        return read_sample(path, IMPORT_PREVIEW_ROWS)
    except ImportFileError as error:
        return (error.code, dict(error.details))
