"""Small things people notice in a meeting: the CLV histogram's labelled top bin, the KPI
charts' room for rank 1 and long labels, the presentation-mode toggle.

Expected figures come from an independent calculation on the database (numpy's quantile of
the historical CLV, the stores table), never from the page's own code.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
from streamlit.testing.v1 import AppTest

from clv_engine.clv import CLVParams, customer_values
from clv_engine.db import Database
from tests.helpers import app_on, run_app
from wording import fmt


def _array(value) -> list:
    """A plotly array: a list, or plotly's typed-array form {dtype, bdata (base64)}."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _historical_overview(db_path, lang: str) -> AppTest:
    at = app_on(db_path)
    at.session_state["lang"] = lang
    at.session_state["clv_model"] = "historical"  # the sidebar's model choice
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_histogram_labels_its_top_bin_with_the_99th_percentile(sample_db_path):
    db = Database(str(sample_db_path))
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    clv = customer_values(db, as_of, None, CLVParams(discount_rate=0.12, horizon_years=5))["clv"]
    clv = clv[np.isfinite(clv)].to_numpy()
    p99 = float(np.quantile(clv, 0.99))
    top_count = int((clv >= p99).sum())
    assert 0 < top_count <= math.ceil(0.01 * len(clv)) + 1  # the top 1%, give or take ties

    for lang, words in (("en", "{v} and above"), ("zh", "{v}及以上")):
        at = _historical_overview(sample_db_path, lang)
        histogram = next(
            c
            for c in _charts(at)
            if any(a.get("name") == "top_bin" for a in c["layout"].get("annotations", []))
        )
        label = next(a for a in histogram["layout"]["annotations"] if a.get("name") == "top_bin")
        assert label["text"] == words.format(v=fmt.money(math.floor(p99), lang))
        bars = _array(histogram["data"][0]["y"])
        # Every customer is in a bar once, and the labelled (last) bar holds exactly the top 1%.
        assert sum(bars) == len(clv)
        assert bars[-1] == top_count
        assert label["y"] == top_count


def test_kpi_charts_leave_room_for_rank_one_and_long_labels(sample_db_path):
    stores = Database(str(sample_db_path)).query_value("SELECT count(*) FROM stores")
    at = run_app(sample_db_path, "app_pages/kpi.py")
    charts = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    rank = next(spec for spec in charts.values() if spec["layout"].get("yaxis", {}).get("dtick") == 1)
    # Rank 1 on top with half a rank above it, the last rank with half a rank below.
    assert rank["layout"]["yaxis"]["range"] == [stores + 0.5, 0.5]
    for spec in charts.values():
        layout = spec["layout"]
        assert layout["yaxis"].get("automargin") is True
        assert layout["xaxis"].get("automargin") is True
        # The legend sits under the plot, not over its top lines.
        assert layout.get("legend", {}).get("y", -1) < 0

    # Months on the trend axes as digits ("2026-01"), not Plotly's English "Jan 2026".
    def months_on_x(spec) -> bool:
        x = spec["data"][0].get("x") if spec["data"] else None
        return isinstance(x, list) and bool(x) and str(x[0])[:4].isdigit() and str(x[0])[4:5] == "-"

    dated = [s for s in charts.values() if months_on_x(s)]
    assert len(dated) >= 2
    for spec in dated:
        assert spec["layout"]["xaxis"]["tickformat"] == "%Y-%m"


def test_presentation_link_turns_the_mode_on_and_the_toggle_off(sample_db_path):
    at = app_on(sample_db_path)
    at.query_params["present"] = "1"
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.toggle(key="present").value is True
    at.toggle(key="present").set_value(False).run()
    assert not at.exception
    assert at.session_state["present"] is False


def test_no_pages_folder_so_no_raw_file_list_while_the_sample_is_built():
    """A folder named ``pages`` next to app.py makes Streamlit list its files in the sidebar
    ("overview", "kpi", ...) on every run that has not reached st.navigation yet, such as the
    first start that builds the sample database. The pages live in app_pages/ for that reason.
    """
    from tests.helpers import ROOT

    assert not (ROOT / "pages").exists()
    assert (ROOT / "app_pages" / "overview.py").exists()


def test_editable_tables_leave_an_empty_cell_empty(sample_db_path):
    """A table a person edits shows an empty cell as empty: without a placeholder Streamlit
    writes its English "None" in it, in a Chinese session too (the allocator's pilot columns)."""
    pages = {
        "app_pages/allocator.py": 1,
        "app_pages/calculator.py": 1,
        "app_pages/channels.py": 1,
        "app_pages/evaluator.py": 1,
        "app_pages/results.py": 1,
    }
    for page, least in pages.items():
        at = run_app(sample_db_path, page, lang="zh")
        if page == "app_pages/channels.py":  # its table to edit is the reference table's
            at.radio(key="ch_source.zh").set_value("spec").run()
        assert not at.exception, (page, [e.message for e in at.exception])
        editors = [d.proto for d in at.dataframe if d.proto.editing_mode != d.proto.EditingMode.READ_ONLY]
        assert len(editors) >= least, page
        for proto in editors:
            assert proto.HasField("placeholder") and proto.placeholder == "", (page, proto.id)
