"""AppTest: the frame and the overview page, in both languages."""

from pathlib import Path

import pytest

from tests.helpers import metric_values, run_app
from wording import fmt


def test_overview_headline_matches_sql(sample_db_path):
    import duckdb

    from clv_engine.db import READER_CONFIG

    con = duckdb.connect(str(sample_db_path), read_only=True, config=READER_CONFIG)
    customers = con.execute("SELECT count(*) FROM customers").fetchone()[0]
    # Status by days since the later of the last visit and the car purchase (365 / 730 days).
    days = [
        d
        for (d,) in con.execute(
            "SELECT date_diff('day', greatest(max(o.order_date), any_value(c.purchase_date)), "
            "(SELECT max(order_date) FROM orders)) FROM customers c LEFT JOIN orders o USING (customer_id) "
            "GROUP BY c.customer_id"
        ).fetchall()
    ]
    con.close()
    at = run_app(sample_db_path, "app_pages/overview.py")
    m = metric_values(at)
    assert m["Customers"] == f"{customers:,}"
    assert m["Active customers"] == f"{sum(d <= 365 for d in days):,}"
    assert m["Lapsing customers"] == f"{sum(365 < d <= 730 for d in days):,}"
    assert m["Lapsed customers"] == f"{sum(d > 730 for d in days):,}"
    helps = {x.label: x.help for x in at.metric}
    assert "365 days" in helps["Active customers"] and "730 days" in helps["Lapsed customers"]
    # The same statuses, counts and definitions in Chinese.
    zh = run_app(sample_db_path, "app_pages/overview.py", lang="zh")
    m_zh, helps_zh = metric_values(zh), {x.label: x.help for x in zh.metric}
    assert m_zh["活跃客户"] == m["Active customers"] and m_zh["沉默客户"] == m["Lapsing customers"]
    assert m_zh["已流失客户"] == m["Lapsed customers"]
    assert "365 天以内" in helps_zh["活跃客户"] and "366-730 天前" in helps_zh["沉默客户"]
    assert "超过 730 天" in helps_zh["已流失客户"]


def test_overview_shows_the_measured_come_back_rate(sample_db_path):
    import pandas as pd

    from tests.test_customer_values import backtest_by_hand

    table = backtest_by_hand(sample_db_path)
    first = table.loc[1]
    at = run_app(sample_db_path, "app_pages/overview.py")
    m = metric_values(at)
    assert m["Come-back rate"] == fmt.pct(first["returned"] / first["customers"], 1)
    shown = at.dataframe[0].value
    assert list(shown["Customers then"]) == list(table["customers"])
    assert list(shown["Came back"]) == list(table["returned"])
    assert isinstance(shown, pd.DataFrame)
    zh = run_app(sample_db_path, "app_pages/overview.py", lang="zh")
    assert metric_values(zh)["回店率"] == m["Come-back rate"]


def test_dcf_explorer_shows_spec_years(sample_db_path):
    at = run_app(sample_db_path, "app_pages/overview.py")
    m = metric_values(at)
    assert m["DCF CLV"] == "¥18,702"
    assert m["Years 1-6"] == "¥13,704"
    assert m["Years 7+"] == "¥4,998"
    table = at.dataframe[-1].value
    assert list(table["Present value"][:6]) == [2714, 2870, 2904, 2237, 1702, 1277]


def test_dcf_constant_retention(sample_db_path):
    at = run_app(sample_db_path, "app_pages/overview.py")
    at.radio(key="dcf_preset.en").set_value("constant").run()
    at.slider(key="dcf_years").set_value(2).run()
    at.slider(key="dcf_retention").set_value(0.8).run()
    # 10,000 × 40% × (0.8/1.12 + 0.64/1.2544)
    expected = 10_000 * 0.4 * (0.8 / 1.12 + 0.64 / 1.12**2)
    assert metric_values(at)["DCF CLV"] == fmt.money_full(expected)


def test_store_scope_changes_the_headline(sample_db_path):
    at = run_app(sample_db_path, "app_pages/overview.py")
    all_customers = metric_values(at)["Customers"]
    at.multiselect(key="stores").set_value(["S01"]).run()
    assert metric_values(at)["Customers"] != all_customers


def test_chinese_overview(sample_db_path):
    at = run_app(sample_db_path, "app_pages/overview.py", lang="zh")
    assert at.title[0].value == "总览：我们的客户价值几何"
    assert "折现 CLV" in metric_values(at)


# Every page file: a page added later is drawn here without editing this list.
PAGES = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "app_pages").glob("*.py"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(sample_db_path, page, lang):
    """Every page draws, and what it sends (text, tables, charts) names no internal reference
    ("seed 003", "文章 001", "source article") and no Chinese money figure without its
    currency or with a trailing ".0万" (issue 11: words and numbers)."""
    import re

    from tests.test_i18n import UNMARKED_WAN, _text, internal_references
    from tests.test_scope_pages import sent

    at = run_app(sample_db_path, f"app_pages/{page}.py", lang=lang)
    # The Monte Carlo simulation's random seed, its number filled in, is the one "seed" allowed.
    drawn = _text(re.sub(r"draws with seed \d+", "", sent(at).decode("utf-8", errors="ignore")))
    assert internal_references(drawn) == []
    assert [m.group(0) for m in UNMARKED_WAN.finditer(drawn)] == []
    assert re.findall(r"\d\.0+\s?[万亿]", drawn) == []


def test_clv_model_switch_is_in_the_sidebar(sample_db_path):
    at = run_app(sample_db_path, "app_pages/overview.py")
    assert at.sidebar.radio(key="clv_model.en").value == "predictive"
    at.sidebar.radio(key="clv_model.en").set_value("historical").run()
    at.sidebar.button_group[0].set_value("zh").run()
    assert at.sidebar.radio(key="clv_model.zh").value == "historical"  # kept across the switch
    at.sidebar.button_group[0].set_value("en").run()
    assert not at.exception
    assert "Historical-model CLV" in at.metric[2].help


def test_first_start_builds_the_sample_database(tmp_path, monkeypatch):
    # Issue 12: the demo is built only when CLV_DB is unset (a missing CLV_DB file is an error,
    # tests/test_importer_settings.py), at the demo's own path, pointed here at a fresh file.
    from streamlit.testing.v1 import AppTest

    from clv_engine import db as db_module
    from tests.helpers import APP

    path = tmp_path / "fresh" / "sample.duckdb"
    monkeypatch.delenv("CLV_DB", raising=False)
    monkeypatch.setattr(db_module, "sample_db_path", lambda: path)
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, [e.message for e in at.exception]
    assert path.exists()
    assert metric_values(at)["Customers"] == "10,000"


def test_sidebar_choices_survive_reruns_and_page_switches(sample_db_path):
    # Streamlit's old pages/ folder mode would drop these on the next run (ui/context.py).
    at = run_app(sample_db_path, "app_pages/overview.py")
    at.sidebar.button_group[0].set_value("zh").run()
    at.multiselect(key="stores").set_value(["S02"]).run()
    at.run()
    at.switch_page("app_pages/overview.py").run()
    assert at.session_state["lang"] == "zh"
    assert at.multiselect(key="stores").value == ["S02"]
    assert at.title[0].value == "总览：我们的客户价值几何"


def test_as_of_follows_new_data(tmp_path, sample_db_path):
    # After an import whose data end on another day, the sidebar date moves with the data.
    import duckdb

    path = tmp_path / "moving.duckdb"
    path.write_bytes(sample_db_path.read_bytes())
    at = run_app(path)
    first = at.date_input(key="as_of").value
    new = tmp_path / "new.duckdb"
    new.write_bytes(path.read_bytes())
    con = duckdb.connect(str(new))
    con.execute("DELETE FROM orders WHERE order_date > DATE '2025-06-30'")
    con.close()
    new.replace(path)  # what an import does
    at.run()
    assert at.date_input(key="as_of").value < first
    assert str(at.date_input(key="as_of").value) <= "2025-06-30"


def test_money_axes_are_labelled_in_the_readers_money(sample_db_path):
    """The CLV distribution's x axis, the DCF present values' and the CLV bridge's y axes: round steps of
    1, 2 or 5 × 10^k, labelled ¥ (万 in Chinese), not plotly's "20k" / "1.2M"."""
    import json

    for lang in ("en", "zh"):
        at = run_app(sample_db_path, "app_pages/overview.py", lang=lang)
        layouts = [json.loads(c.proto.spec)["layout"] for c in at.get("plotly_chart")]
        axes = [lay[a] for lay in layouts for a in ("xaxis", "yaxis") if "ticktext" in lay.get(a, {})]
        assert len(axes) == 3
        for axis in axes:
            values, texts = axis["tickvals"], axis["ticktext"]
            steps = {b - a for a, b in zip(values, values[1:])}
            assert len(steps) == 1
            (step,) = steps
            assert str(step).rstrip("0") in ("1", "2", "5")
            assert 0 in values and texts[values.index(0)] == "¥0"
            assert all("¥" in t for t in texts)
            assert not any(t.endswith("k") for t in texts)  # plotly's SI units are gone
            if lang == "zh":
                assert any("万" in t for t in texts if t != "¥0") or max(values) < 10_000
