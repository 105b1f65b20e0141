"""AppTest: the churn early warning page — weights, filters, downloads, a database with only orders."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from clv_engine import fmt
from clv_engine.db import create_database
from tests.helpers import metric_values, run_app
from tests.test_churn_db import build_db

PAGE = "app_pages/churn.py"
COSTS = {"High": 800, "Mid": 300, "Low": 50}


@pytest.fixture()
def downloads(monkeypatch):
    """{file name: callable returning the bytes} of every download button drawn."""
    captured: dict[str, object] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def eager(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            captured.pop(file_name, None)  # the latest drawn comes last
            captured[file_name] = lambda: data
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            captured.pop(file_name, None)
            captured[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", eager)
    monkeypatch.setattr(MediaFileManager, "add_deferred", deferred)
    return captured


def _file(downloads, suffix: str) -> bytes:
    """The latest file drawn with this suffix (the name changes with the store filter)."""
    names = [n for n in downloads if n.endswith(suffix)]
    assert names, list(downloads)
    return downloads[names[-1]]()


def _amount(text: str) -> float:
    """¥311,211 -> 311211; ¥1.64M -> 1,640,000."""
    scale = {"M": 1e6, "B": 1e9}.get(text[-1], 1.0)
    return float(text.lstrip("¥").rstrip("MB").replace(",", "")) * scale


def _csv(downloads) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(_file(downloads, ".csv")), encoding="utf-8-sig", dtype={"Store": str})


def test_default_page_totals_match_the_downloaded_list(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    m = metric_values(at)
    listed = _csv(downloads)
    # The whole filtered list is in the file, ranked by expected value, every row with reasons.
    assert m["Customers on the list"] == fmt.number(len(listed))
    assert listed["Rank"].tolist() == list(range(1, len(listed) + 1))
    assert listed["Expected value"].is_monotonic_decreasing
    assert (listed["Expected value"] >= 0).all()  # "only where acting pays" is on by default
    assert listed["Reasons"].str.len().gt(0).all()
    # Cost = customers per level × the SPEC cost of the level's intervention.
    cost = sum(COSTS[level] * n for level, n in listed["Risk level"].value_counts().items())
    assert m["Intervention cost"] == fmt.money(cost)
    saved = (listed["P(churn)"] * listed["Success rate"] * listed["Remaining CLV"]).sum()
    # The file rounds P(churn) to 4 decimals and CLV to the yuan: equal to 0.5%.
    assert _amount(m["Expected CLV saved"]) == pytest.approx(saved, rel=0.005)
    assert float(m["Benefit/cost multiple"].rstrip("×")) == pytest.approx(saved / cost, abs=0.06)
    assert not at.error


def test_weights_must_sum_to_100(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    before = _csv(downloads)
    at.slider(key="churn_w_spend_drop").set_value(35).run()
    assert at.error and "105%" in at.error[0].value
    assert not at.metric  # nothing is computed from weights that do not add up
    at.slider(key="churn_w_frequency_drop").set_value(20).run()
    assert not at.error
    after = _csv(downloads)
    assert not before[["Customer", "Risk score"]].equals(after[["Customer", "Risk score"]])


def test_reset_weights(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.slider(key="churn_w_complaints").set_value(50).run()
    assert at.error
    at.button(key="churn_reset").click().run()
    assert not at.error
    assert at.slider(key="churn_w_complaints").value == 20


def test_filter_by_store_and_tier(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    everyone = _csv(downloads)
    at.multiselect(key="churn_stores").set_value(["S01"]).run()
    s01 = _csv(downloads)
    assert 0 < len(s01) < len(everyone)
    assert set(s01["Store"]) == {"S01"}
    at.multiselect(key="churn_tiers").set_value(["platinum", "gold"]).run()
    top = _csv(downloads)
    assert 0 < len(top) < len(s01)
    assert set(top["Tier"]) <= {"Platinum", "Gold"}
    assert metric_values(at)["Customers on the list"] == fmt.number(len(top))


def test_excel_download_holds_the_same_list(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE)
    at.toggle(key="churn_paying").set_value(False).run()
    listed = _csv(downloads)
    assert (listed["Expected value"] < 0).any()  # the whole list now, losers included
    book = openpyxl.load_workbook(io.BytesIO(_file(downloads, ".xlsx")))
    assert book.sheetnames == ["Call list", "By level", "Method"]
    rows = list(book["Call list"].iter_rows(values_only=True))
    assert list(rows[0]) == list(listed.columns)
    assert len(rows) - 1 == len(listed)
    assert [r[1] for r in rows[1:]] == listed["Customer"].tolist()
    levels = {r[0]: r[2] for r in list(book["By level"].iter_rows(values_only=True))[1:]}
    assert levels == {k: int((listed["Risk level"] == k).sum()) for k in ("High", "Mid", "Low")}
    method = {r[0]: r[1] for r in book["Method"].iter_rows(values_only=True)}
    assert method["Weight used: Drop in spend, last 3 months"] == "30.0%"


def test_p_churn_method_changes_the_value(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    assert at.radio(key="churn_p_method").value == "calibrated"
    calibrated = metric_values(at)["Expected CLV saved"]
    at.radio(key="churn_p_method").set_value("score").run()
    assert metric_values(at)["Expected CLV saved"] != calibrated


def test_chinese_page(sample_db_path, downloads):
    at = run_app(sample_db_path, PAGE, lang="zh")
    assert at.title[0].value == "流失预警：本周该联系谁"
    assert "预计挽回 CLV" in metric_values(at)
    listed = pd.read_csv(io.BytesIO(_file(downloads, ".csv")), encoding="utf-8-sig")
    assert "原因" in listed.columns


def test_orders_only_database(tmp_path, downloads):
    path = build_db(tmp_path / "orders_only.duckdb", side_tables=False)
    at = run_app(path, PAGE)
    infos = " ".join(i.value for i in at.info)
    for signal, file in [("Unresolved complaints", "complaints"),
                         ("Competitor attention", "competitor sightings"),
                         ("Appointment cancellation rate", "appointments")]:
        assert f"{signal}: not available. Import the {file} file" in infos
    captions = " ".join(c.value for c in at.caption)
    # 30 / 55 and 25 / 55 of the score: the missing weight is shared out, not zero risk.
    assert "Drop in spend, last 3 months 54.5%" in captions
    assert "Drop in visit frequency 45.5%" in captions
    assert not at.exception


def test_empty_database(tmp_path):
    path = tmp_path / "empty.duckdb"
    create_database(path)
    at = run_app(path, PAGE)
    assert any("No customers" in i.value for i in at.info)


def test_p_churn_and_value_do_not_depend_on_the_store_scope(sample_db_path, downloads):
    # Calibrated once on every customer, filtered afterwards: the same customer has the same
    # P(churn) and expected value whether the sidebar shows all stores or only theirs.
    at = run_app(sample_db_path, PAGE)
    everyone = _csv(downloads).set_index("Customer")
    at.multiselect(key="stores").set_value(["S02"]).run()
    assert not at.exception
    s02 = _csv(downloads).set_index("Customer")
    assert 0 < len(s02) < len(everyone)
    both = s02.index.intersection(everyone.index)
    assert len(both) == len(s02)
    for column in ("P(churn)", "Expected value", "Remaining CLV", "Risk score"):
        assert s02.loc[both, column].tolist() == everyone.loc[both, column].tolist(), column


def test_model_p_churn_is_withheld_when_the_fit_cannot_tell_dropout(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    assert "model" not in at.radio(key="churn_p_method").options
    assert any("1 − P(alive) is not offered" in c.value and "a + b =" in c.value for c in at.caption)
    zh = run_app(sample_db_path, PAGE, lang="zh")
    assert any("未提供“1 − 存活概率”" in c.value for c in zh.caption)
