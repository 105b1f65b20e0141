"""Helpers for page tests (AppTest) shared by every page's test module."""
from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def run_app(db_path: Path, page: str | None = None, lang: str = "en", timeout: float = 90) -> AppTest:
    """Run app.py on ``db_path`` in ``lang`` and switch to ``page`` (e.g. "app_pages/churn.py")."""
    os.environ["CLV_DB"] = str(db_path)
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    """{label: value} of every st.metric on the page."""
    return {m.label: m.value for m in at.metric}
