"""AppTest: the segmentation page — scheme switch, an edited threshold, a store, the budget
cases, migration, the missing-data notes, both languages."""

from __future__ import annotations

import io
from datetime import timedelta

import duckdb
import pandas as pd
import pytest

from clv_engine.db import Database, create_database
from tests.helpers import metric_values, run_app
from tests.test_page_churn import downloads  # noqa: F401  (a fixture)
from tests.test_segmentation_sample import pandas_tiers

PAGE = "app_pages/segmentation.py"


@pytest.fixture(scope="module")
def data_end(sample_db_path):
    return Database(sample_db_path).query_value("SELECT max(order_date) FROM orders")


@pytest.fixture(scope="module")
def expected(sample_db_path, data_end):
    return pandas_tiers(sample_db_path, data_end)


def _count(m: dict, name: str) -> int:
    return int(m[f"{name}: customers"].replace(",", ""))


def test_default_tiers_match_pandas(sample_db_path, expected):
    at = run_app(sample_db_path, PAGE)
    m = metric_values(at)
    assert m["Customers scored"] == f"{len(expected):,}"
    counts = expected["tier"].value_counts()
    for tier, name in [
        ("platinum", "Platinum"),
        ("gold", "Gold"),
        ("silver", "Silver"),
        ("ordinary", "Ordinary"),
        ("churned", "Churned"),
    ]:
        assert _count(m, name) == counts.get(tier, 0), tier
    share = (counts.get("platinum", 0) + counts.get("gold", 0)) / len(expected)
    assert m["Platinum + Gold: share of customers"] == f"{share * 100:.1f}%"
    table = at.dataframe[0].value
    assert list(table["Tier"]) == ["Platinum", "Gold", "Silver", "Ordinary", "Churned"]
    assert list(table["Typical share (reference)"]) == ["5%", "15%", "30%", "40%", "10%"]
    # The care budget on our own tiers: SPEC §2b costs per customer, against 500 flat.
    cost = {"platinum": 3_000, "gold": 1_500, "silver": 600, "ordinary": 150, "churned": 20}
    total = sum(counts.get(t, 0) * c for t, c in cost.items())
    assert m["Tiered budget / yr"] == f"¥{total:,}"
    assert m["Flat budget / yr"] == f"¥{len(expected) * 500:,}"


def test_changing_a_threshold_moves_customers(sample_db_path, expected):
    at = run_app(sample_db_path, PAGE)
    at.number_input(key="seg_t_gold").set_value(13).run()
    assert not at.exception
    m = metric_values(at)
    churned = expected["tier"] == "churned"
    gold = ((expected["total"] >= 13) & (expected["total"] < 16) & ~churned).sum()
    silver = ((expected["total"] >= 8) & (expected["total"] < 13) & ~churned).sum()
    assert _count(m, "Gold") == gold
    assert _count(m, "Silver") == silver
    # The edit survives a trip to another page and back.
    at.switch_page("app_pages/overview.py").run()
    at.switch_page(PAGE).run()
    assert at.number_input(key="seg_t_gold").value == 13
    assert _count(metric_values(at), "Gold") == gold
    # Reset restores the SPEC defaults.
    at.button(key="seg_rules_reset").click().run()
    assert at.number_input(key="seg_t_gold").value == 12
    assert _count(metric_values(at), "Gold") == (expected["tier"] == "gold").sum()
    # A rule that cannot work is explained, not computed.
    at.number_input(key="seg_t_gold").set_value(17).run()
    assert not at.exception
    assert any("gold_min" in e.value for e in at.error)
    assert "Customers scored" not in metric_values(at)


def test_six_groups(sample_db_path, expected):
    at = run_app(sample_db_path, PAGE)
    at.selectbox(key="seg_scheme.en").set_value("six").run()
    assert not at.exception
    m = metric_values(at)
    names = ["VIP", "High value", "Potential", "Churn risk", "Dormant", "Invalid"]
    assert sum(_count(m, n) for n in names) == len(expected)
    # VIP is R, F and M all high (>= 4) in the pandas scores.
    vip = ((expected.r >= 4) & (expected.f >= 4) & (expected.m >= 4)).sum()
    assert _count(m, "VIP") == vip
    table = at.dataframe[0].value
    assert list(table["Typical share (reference)"]) == [
        "5%–10%",
        "10%–15%",
        "15%–20%",
        "15%–20%",
        "20%–30%",
        "10%–20%",
    ]
    # "High" from 5: fewer VIPs.
    at.number_input(key="seg_high_min").set_value(5).run()
    vip5 = ((expected.r == 5) & (expected.f == 5) & (expected.m == 5)).sum()
    assert _count(metric_values(at), "VIP") == vip5


def test_pick_a_store(sample_db_path):
    rows = Database(sample_db_path).query_df("SELECT home_store_id, count(*) AS n FROM customers GROUP BY 1")
    per_store = dict(zip(rows.home_store_id, rows.n))
    at = run_app(sample_db_path, PAGE)
    first = at.dataframe[1].value
    at.selectbox(key="seg_pick_home_store_id").set_value("S03").run()
    table = at.dataframe[1].value
    assert not table.equals(first)
    assert sum(int(x.replace(",", "")) for x in table["Customers"]) == per_store["S03"]
    assert any("S03" not in c.value and "customers" in c.value for c in at.caption)
    at.radio(key="seg_by.en").set_value("region").run()
    assert not at.exception
    assert at.selectbox(key="seg_pick_region").value is not None


def test_sidebar_store_scope(sample_db_path):
    n = Database(sample_db_path).query_value("SELECT count(*) FROM customers WHERE home_store_id = 'S02'")
    at = run_app(sample_db_path, PAGE)
    at.multiselect(key="stores").set_value(["S02"]).run()
    assert metric_values(at)["Customers scored"] == f"{n:,}"


def test_budget_presets_show_the_spec_totals(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.radio(key="seg_budget_preset.en").set_value("2b").run()
    m = metric_values(at)
    assert m["Tiered budget / yr"] == "¥5,000,000"
    assert m["Flat budget / yr"] == "¥5,000,000"
    table = next(d.value for d in at.dataframe if "Share of budget" in d.value.columns)
    assert list(table["Budget / yr"]) == [
        "¥1,500,000",
        "¥1,500,000",
        "¥900,000",
        "¥600,000",
        "¥450,000",
        "¥50,000",
    ]
    assert list(table["Share of budget"]) == ["30%", "30%", "18%", "12%", "9%", "1%"]
    # An edited cost changes the total.
    at.number_input(key="seg_b2b_v_vip").set_value(4_000).run()
    assert metric_values(at)["Tiered budget / yr"] == "¥5,500,000"

    at.radio(key="seg_budget_preset.en").set_value("2c").run()
    table = next(d.value for d in at.dataframe if "Share of budget" in d.value.columns)
    assert list(table["Cost per customer / yr"]) == ["¥667", "¥156", "¥12.5"]
    assert metric_values(at)["Tiered budget / yr"] == "¥2,000,000"


def test_migration_and_playbook(sample_db_path, data_end):
    at = run_app(sample_db_path, PAGE)
    m = metric_values(at)
    moved = sum(int(m[k].replace(",", "")) for k in ("Moved up", "Slipped", "Stayed", "New since then"))
    assert moved == int(m["Customers scored"].replace(",", ""))
    at.date_input(key="seg_mig_from").set_value(data_end - timedelta(days=30)).run()
    assert not at.exception
    # The sidebar's date moves before the comparison date: it falls back to a year before.
    at.date_input(key="as_of").set_value(data_end - timedelta(days=200)).run()
    assert not at.exception
    assert at.date_input(key="seg_mig_from").value == data_end - timedelta(days=565)
    # Playbook text is editable and the complaint level of a tier can be changed.
    key = "seg_playbook_en_rfml_platinum"
    assert at.text_area(key=key).value.startswith("Goal: keep the relationship")
    at.selectbox(key="seg_complaint_rfml_silver.en").set_value("vip").run()
    table = next(d.value for d in at.dataframe if "Respond within" in d.value.columns)
    assert list(table["Respond within"]) == ["2 h", "4 h", "2 h", "48 h", "48 h"]
    assert list(table["Compensation authority"])[1] == "¥5,000"
    assert any("233%" in c.value for c in at.caption)


def test_the_movers_list_downloads_as_csv_and_excel_and_is_audited(writable_db_path, downloads):  # noqa: F811
    from tests.test_access_audit import audit_rows

    at = run_app(writable_db_path, PAGE)
    slipped = int(metric_values(at)["Slipped"].replace(",", ""))
    keys = [b.proto.id.split("-")[-1] for b in at.get("download_button")]
    assert {"seg_movers_download_csv", "seg_movers_download_xlsx"} <= set(keys)
    [csv_name] = [n for n in downloads if n.startswith("tier_down_") and n.endswith(".csv")]
    assert audit_rows(writable_db_path) == []  # logged when downloaded, not when drawn
    listed = pd.read_csv(io.BytesIO(downloads[csv_name]()), encoding="utf-8-sig")
    assert len(listed) == slipped  # every customer who slipped, not only the 200 shown
    [(_, action, details)] = audit_rows(writable_db_path)
    assert action == "export_customers" and '"tier_movers"' in details


def test_chinese(sample_db_path):
    at = run_app(sample_db_path, PAGE, lang="zh")
    assert at.title[0].value == "客户分层：不是所有客户都值得同样对待"
    table = at.dataframe[0].value
    assert list(table["层级"]) == ["白金", "黄金", "白银", "普通", "流失"]
    at.selectbox(key="seg_scheme.zh").set_value("six").run()
    assert list(at.dataframe[0].value["层级"]) == ["VIP", "高价值", "潜力", "流失风险", "沉睡", "无效"]


def test_choices_survive_a_language_switch(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.selectbox(key="seg_scheme.en").set_value("six").run()
    at.radio(key="seg_budget_preset.en").set_value("2b").run()
    at.segmented_control(key="lang").set_value("zh").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="seg_scheme.zh").value == "six"
    assert at.selectbox(key="seg_fallback.zh").value == "dormant"
    assert at.radio(key="seg_budget_preset.zh").value == "2b"
    assert metric_values(at)["分层预算 / 年"] == "¥5,000,000"
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="seg_scheme.en").value == "six"
    assert "VIP + High value: share of customers" in metric_values(at)


def test_choices_survive_a_page_switch(sample_db_path):
    at = run_app(sample_db_path, PAGE)
    at.selectbox(key="seg_scheme.en").set_value("six").run()
    at.radio(key="seg_budget_preset.en").set_value("2b").run()
    at.switch_page("app_pages/churn.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="seg_scheme.en").value == "six"
    assert at.radio(key="seg_budget_preset.en").value == "2b"


def test_orders_only_database(tmp_path):
    """Customers and orders, nothing else: the page says which files would enable L."""
    path = tmp_path / "orders_only.duckdb"
    create_database(path)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO stores VALUES ('S01', 'One', 'East', 'A')")
    for i in range(4):
        con.execute(
            "INSERT INTO customers (customer_id, home_store_id, purchase_date) VALUES (?, 'S01', DATE '2024-01-01')",
            [f"C{i}"],
        )
        con.execute(
            "INSERT INTO orders (order_id, customer_id, order_date, store_id, kind, revenue, gross_profit) VALUES (?, ?, DATE '2026-01-10' + ?, 'S01', 'maintenance', ?, ?)",
            [f"O{i}", f"C{i}", i * 40, 800.0 * (i + 1), 300.0 * (i + 1)],
        )
    con.close()
    at = run_app(path, PAGE)
    notes = " ".join(i.value for i in at.info)
    assert "Loyalty flags need complaints, warranties, referrals, events and competitor data" in notes
    assert "warranties" in notes and "competitor sightings" in notes
    assert metric_values(at)["Customers scored"] == "4"
    at.selectbox(key="seg_scheme.en").set_value("six").run()
    assert not at.exception


def test_empty_database(tmp_path):
    path = tmp_path / "empty.duckdb"
    create_database(path)
    at = run_app(path, PAGE)
    assert any("import customers and orders" in i.value for i in at.info)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tiers_are_told_apart_from_statuses(sample_db_path, lang):
    """Issue 11: "churned" is a tier (a score band), not the status; the page says so."""
    from wording import t

    at = run_app(sample_db_path, "app_pages/segmentation.py", lang=lang)
    assert any(c.value == t("status.tier_is_not_status", lang) for c in at.caption)


@pytest.mark.parametrize("lang, words", [("en", "Tier cut-offs must satisfy"), ("zh", "等级分界须满足")])
def test_rules_that_cannot_be_used_are_explained_in_the_readers_language(sample_db_path, lang, words):
    at = run_app(sample_db_path, PAGE, lang=lang)
    at.number_input(key="seg_t_gold").set_value(16).run()  # as high as platinum
    assert not at.exception
    assert len(at.error) == 1 and words in at.error[0].value
    assert "segmentation.tier_cutoffs" not in at.error[0].value
