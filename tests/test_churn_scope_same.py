"""A customer's P(churn) and expected value are the same on the churn list, in its export and
in lookup, whatever the store scope (issue 11: calibrate once per database, filter afterwards).

A director (every store) and a store manager of S02 open the churn page; the S02 customers'
rows of the two downloaded lists must agree figure for figure, and lookup, opened by the
manager on some of them, must show the same P(churn) and expected value. Run on the sample
as generated (everything computed) and on the same file with its derived tables built and
primed (the kept churn base, the narrow list, lookup's kept tables). On both, the model
page and the churn page treat the sample's uninformative P(alive) as such.
"""

from __future__ import annotations

import io
import os

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cli import derive as cli
from clv_engine import access
from clv_engine.db import Database
from clv_engine.derived import churn as derived_churn
from clv_engine.derived import store
from tests.helpers import APP
from tests.test_page_users import AUTH
from tests.test_scope_pages import MANAGER, STORE, downloads  # noqa: F401 (a fixture)
from wording import fmt

CHURN = "app_pages/churn.py"
LOOKUP = "app_pages/lookup.py"
SAME = ("P(churn)", "Expected value", "Remaining CLV", "Risk score", "Risk level")


@pytest.fixture(scope="module", params=["computed", "derived"])
def path(request, pristine_db_bytes, tmp_path_factory):
    path = tmp_path_factory.mktemp(f"churn_scope_{request.param}") / "sample.duckdb"
    path.write_bytes(pristine_db_bytes)
    if request.param == "derived":
        assert cli.main([str(path)]) == 0  # derived tables built beside the file, and primed
    db = Database(path)
    access.save_user(db, "li@dealer.cn", "Li Lei", "store_manager", [STORE])
    db.close()
    return path


def _fresh() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    store.forget()
    derived_churn.forget()


def _app(path, page: str, manager: bool, params: dict[str, str] | None = None) -> AppTest:
    os.environ["CLV_DB"] = str(path)
    at = AppTest.from_file(APP, default_timeout=180)
    if manager:  # a store manager of S02 (the director: the app without login, every store)
        at.secrets.update(AUTH)
        at.user = MANAGER
    at.session_state["lang"] = "en"
    at.run()
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["_context"].store_ids == ((STORE,) if manager else None)
    return at


def _listed(downloads, suffix: str = ".csv") -> pd.DataFrame:  # noqa: F811
    """The churn call list downloaded in this format (and forgotten, for the next page)."""
    (name,) = [n for n in downloads if n.startswith("churn_call_list_") and n.endswith(suffix)]
    data = io.BytesIO(downloads.pop(name))
    if suffix == ".csv":
        return pd.read_csv(data, encoding="utf-8-sig", dtype={"Store": str}).set_index("Customer")
    return pd.read_excel(data, dtype={"Store": str}).set_index("Customer")


def test_the_same_customer_has_the_same_p_churn_and_value_in_every_scope(path, downloads):  # noqa: F811
    _fresh()
    director = _app(path, CHURN, manager=False)
    everyone, everyone_xl = _listed(downloads), _listed(downloads, ".xlsx")
    _fresh()
    manager = _app(path, CHURN, manager=True)
    mine, mine_xl = _listed(downloads), _listed(downloads, ".xlsx")
    # The sample's visit model cannot tell dropout apart (P(alive) ≈ 1 for nearly everyone):
    # 1 − P(alive) is not offered as a P(churn), whether the P(alive) is kept or computed.
    for at in (director, manager):
        assert "model" not in at.radio(key="churn_p_method.en").options
        assert any("1 − P(alive) is not offered" in c.value for c in at.caption)
    db = Database(path)
    try:
        s02 = set(
            db.query_df("SELECT customer_id FROM customers WHERE home_store_id = ?", [STORE])["customer_id"]
        )
    finally:
        db.close()
    # The manager's list is the director's list filtered to S02: same customers, same order,
    # same figures (a calibration on S02 alone would move every P(churn)).
    assert len(mine) > 10 and set(mine.index) <= s02
    theirs = everyone[everyone.index.isin(s02)]
    assert mine.index.tolist() == theirs.index.tolist()
    for column in SAME:
        assert mine[column].tolist() == theirs[column].tolist(), column
    assert mine["P(churn)"].nunique() > 1  # figures, not a constant
    # The Excel export holds the same figures as the CSV, in both scopes.
    for xl, csv in ((mine_xl, mine), (everyone_xl, everyone)):
        assert xl.index.tolist() == csv.index.tolist()
        for column in ("P(churn)", "Expected value", "Remaining CLV"):
            assert xl[column].to_numpy() == pytest.approx(csv[column].to_numpy(), abs=0.01), column

    # Lookup, opened by the manager, shows the list's P(churn) and expected value.
    for customer in mine.index[[0, len(mine) // 2, -1]]:
        _fresh()
        at = _app(path, LOOKUP, manager=True, params={"lookup_query": customer})
        row = mine.loc[customer]
        text = "\n".join(m.value for m in at.markdown)
        assert f"P(churn) {fmt.pct(row['P(churn)'], 1)}" in text, (customer, text)
        assert f"expected value {fmt.money(row['Expected value'], 'en')}" in text, (customer, text)


def test_the_model_page_says_p_alive_is_uninformative_kept_or_computed(path):
    """The sample's customers come yearly and rarely leave: the fitted visit model cannot tell
    dropout apart, and the model page says so plainly whether its figures are primed with the
    derived tables or worked out, for the director and for a store manager."""
    for manager in (False, True):
        _fresh()
        at = _app(path, "app_pages/model.py", manager=manager)
        assert any("cannot tell customers who left" in w.value and "a + b =" in w.value for w in at.warning)
