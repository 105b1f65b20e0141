"""AppTest: the budget allocator page — SPEC §4 case, budget, locks, scenarios, derived uplift."""
from __future__ import annotations

from clv_engine import scenarios
from clv_engine.db import Database
from tests.helpers import metric_values, run_app

PAGE = "app_pages/allocator.py"


def _page(db_path, lang: str = "en"):
    return run_app(db_path, PAGE, lang=lang)


def _ok(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


def _reasons(at) -> dict[str, str]:
    """{project: reason} from the reason lines ("icon **name**: text", markdown-escaped)."""
    out = {}
    for m in at.markdown:
        text = m.value.replace("\\", "").replace("**：", "**: ")
        if "**: " in text:
            head, reason = text.split("**: ", 1)
            out[head.split("**", 1)[1]] = reason
    return out


def test_spec_case_headline(sample_db_path):
    at = _page(sample_db_path)
    m = metric_values(at)
    # SPEC §4: all four fit in ¥1,000,000; total gain 16.4M, combined net ROI 1,540%.
    assert m["Total gain"] == "¥16.40M"
    assert m["Combined net ROI"] == "1,540%"
    assert m["Projects funded"] == "4 of 4"
    assert m["Budget left unspent"] == "¥0"
    assert m["Next ¥100,000 adds"] == "¥0"
    detail = at.dataframe[-1].value.set_index("Project")
    # Ranked by ROI: service experience, membership, churn warning, mobile.
    assert detail["ROI rank"].sort_values().index.tolist() == [
        "Service experience", "Membership benefits", "Churn warning system", "Mobile service"]
    assert any("same portfolio" in c.value for c in at.caption)


def test_moving_the_budget(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(700_000).run()
    _ok(at)
    m = metric_values(at)
    # 700k: service + membership + mobile = 6.4M + 4.5M + 1.5M; the next 100k swaps mobile
    # for churn warning (14.9M).
    assert m["Total gain"] == "¥12.40M"
    assert m["Projects funded"] == "3 of 4"
    assert m["Next ¥100,000 adds"] == "¥2.50M"
    churn = _reasons(at)["Churn warning system"]
    assert churn.startswith("Left out") and "¥2.00M more gain" in churn
    # The slider moves the same budget (and the box follows it).
    at.select_slider(key="al_budget_slider").set_value(450_000).run()
    _ok(at)
    assert metric_values(at)["Total gain"] == "¥10.90M"
    assert at.number_input(key="al_budget").value == 450_000
    assert str(at.query_params["al_budget"]).strip("[]'") == "450000"   # the link carries it


def test_budget_below_every_project(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(150_000).run()
    _ok(at)
    m = metric_values(at)
    assert m["Total gain"] == "¥0" and m["Projects funded"] == "0 of 4"
    assert m["Budget left unspent"] == "¥150,000"
    assert any("Nothing can be funded" in i.value for i in at.info)


def test_locking_and_excluding(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(450_000).run()
    at.multiselect(key="al_locked").set_value(["Mobile service"]).run()
    _ok(at)
    # Mobile locked: mobile + service (450k) = 1.5M + 6.4M.
    assert metric_values(at)["Total gain"] == "¥7.90M"
    reason = _reasons(at)["Mobile service"]
    assert "locked it in" in reason and "¥3.00M more" in reason
    # A locked project is not offered for exclusion.
    assert "Mobile service" not in at.multiselect(key="al_excluded").options
    at.multiselect(key="al_excluded").set_value(["Service experience"]).run()
    _ok(at)
    # Mobile + membership (500k) would not fit in 450k: mobile alone.
    assert metric_values(at)["Total gain"] == "¥1.50M"
    assert _reasons(at)["Service experience"] == "Left out: you excluded it."


def test_locked_over_budget_says_so(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(400_000).run()
    at.multiselect(key="al_locked").set_value(["Churn warning system", "Mobile service"]).run()
    _ok(at)
    assert any("locked projects alone cost ¥550,000" in e.value for e in at.error)


def test_save_and_reload_a_scenario(writable_db_path):
    at = _page(writable_db_path)
    at.number_input(key="al_budget").set_value(700_000).run()
    at.multiselect(key="al_locked").set_value(["Churn warning system"]).run()
    assert metric_values(at)["Total gain"] == "¥10.40M"   # churn + service (500k)
    at.text_input(key="al_save_name").set_value("Board, March").run()
    at.button(key="al_save").click().run()
    _ok(at)
    assert any("Saved “Board, March”" in s.value for s in at.success)
    # Back to the preset: budget and locks reset.
    at.selectbox(key="al_scenario").set_value("preset").run()
    _ok(at)
    assert metric_values(at)["Total gain"] == "¥16.40M"
    assert at.multiselect(key="al_locked").value == []
    # It is in the database file; reload it: budget, lock and figures come back.
    saved = scenarios.list_scenarios(Database(writable_db_path), "allocator")
    assert saved["name"].tolist() == ["Board, March"]
    at.selectbox(key="al_scenario").set_value(saved["scenario_id"][0]).run()
    _ok(at)
    assert at.number_input(key="al_budget").value == 700_000
    assert at.multiselect(key="al_locked").value == ["Churn warning system"]
    assert metric_values(at)["Total gain"] == "¥10.40M"


def test_saved_scenario_where_sorting_loses_and_compare(writable_db_path):
    # Sorting takes A (ROI 900%) and then nothing fits; B + C make 900 for the same 100.
    projects = [
        {"name": "A", "investment": 60_000, "uplift_per_customer": 600, "reach": 1_000},
        {"name": "B", "investment": 50_000, "uplift_per_customer": 450, "reach": 1_000},
        {"name": "C", "investment": 50_000, "uplift_per_customer": 450, "reach": 1_000},
    ]
    db = Database(writable_db_path)
    sid = scenarios.save_scenario(db, "allocator", "Knapsack",
                                  {"budget": 100_000, "projects": projects, "locked": [],
                                   "excluded": []})
    other = scenarios.save_scenario(db, "allocator", "Knapsack, more",
                                    {"budget": 160_000, "projects": projects, "locked": [],
                                     "excluded": []})
    db.close()
    at = _page(writable_db_path)
    at.selectbox(key="al_scenario").set_value(sid).run()
    _ok(at)
    m = metric_values(at)
    assert m["Total gain"] == "¥900,000" and m["Projects funded"] == "2 of 3"
    warning = " ".join(w.value for w in at.warning)
    assert "would fund A for ¥600,000" in warning and "¥300,000 less" in warning
    assert "Sorting by ROI would have left it out" in _reasons(at)["B"]
    at.multiselect(key="al_compare").set_value([sid, other]).run()
    _ok(at)
    table = at.dataframe[-1].value.set_index("Figure")
    assert list(table.columns) == ["This screen", "Knapsack", "Knapsack, more"]
    assert table.loc["Total gain", "Knapsack, more"] == "¥1.50M"       # all three
    assert table.loc["Gain missed by sorting on ROI", "Knapsack"] == "¥300,000"


def test_broken_saved_scenario_is_refused(writable_db_path):
    db = Database(writable_db_path)
    sid = scenarios.save_scenario(db, "allocator", "Broken", {
        "budget": 100_000, "projects": [{"name": "Z", "investment": 0,
                                         "uplift_per_customer": 1, "reach": 1}]})
    db.close()
    at = _page(writable_db_path)
    at.selectbox(key="al_scenario").set_value(sid).run()
    _ok(at)
    assert any("investment must be greater than zero" in e.value for e in at.error)
    assert metric_values(at)["Total gain"] == "¥16.40M"   # the table stayed as it was


def test_project_derived_from_data(sample_db_path):
    at = _page(sample_db_path)
    assert "al_seg_dim_en" not in [w.key for w in at.selectbox]   # closed: nothing computed
    at.session_state["al_derive_open"] = True   # what a click on the expander sets
    at.run()
    at.selectbox(key="al_seg_dim_en").set_value("region").run()
    region = at.selectbox(key="al_seg_value_region").options[0]
    at.number_input(key="al_points").set_value(5.0).run()
    _ok(at)
    m = metric_values(at)
    assert m["CLV uplift per customer"].startswith("¥")
    reach = int(m["Customers reached"].replace(",", ""))
    assert reach > 0
    at.button(key="al_add").click().run()
    _ok(at)
    # The name holds a region (imported text), so the message is escaped for Markdown.
    assert any(f"Retention +5.0 pp · {region}" in s.value.replace("\\", "") for s in at.success)
    assert metric_values(at)["Projects funded"].endswith("of 5")


def test_chinese_page(sample_db_path):
    at = _page(sample_db_path, lang="zh")
    m = metric_values(at)
    assert m["总收益"] == "¥1,640万"
    assert m["组合净ROI"] == "1,540%"
    assert "流失预警系统" in _reasons(at)
    at.number_input(key="al_budget").set_value(700_000).run()
    assert "未纳入" in _reasons(at)["流失预警系统"]


def test_language_switch_translates_the_unedited_preset(sample_db_path):
    at = _page(sample_db_path)
    at.multiselect(key="al_locked").set_value(["Mobile service"]).run()
    at.session_state["lang"] = "zh"
    at.run()
    _ok(at)
    assert at.multiselect(key="al_locked").value == ["移动服务"]
    assert "服务体验提升" in _reasons(at)


def _edit_table(at, **edits) -> None:
    """Edit the projects table the way the browser's editor reports it, then rerun."""
    key = f"al_table_{at.session_state['al_version']}"
    state = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    state.update(edits)
    at.session_state[key] = state
    at.run()
    _ok(at)


def test_editing_the_table(sample_db_path):
    at = _page(sample_db_path)
    at.multiselect(key="al_locked").set_value(["Mobile service"]).run()
    # Zero investment in row 2: a clear message naming the row and column, no figures.
    _edit_table(at, edited_rows={1: {"investment": 0}})
    assert any("project 2 (Membership benefits): investment must be greater than zero" in e.value
               for e in at.error)
    assert "Total gain" not in metric_values(at)
    # Fixed again: the lock made before the typo is still there.
    _edit_table(at, edited_rows={})
    assert at.multiselect(key="al_locked").value == ["Mobile service"]
    # Membership cheaper (¥150,000) and a fifth project added: all five fit in ¥1,200,000.
    _edit_table(at, edited_rows={1: {"investment": 150_000}},
                added_rows=[{"name": "Parts promotion", "investment": 150_000,
                             "uplift_per_customer": 100, "reach": 2_000}])
    at.number_input(key="al_budget").set_value(1_200_000).run()
    m = metric_values(at)
    assert m["Projects funded"] == "5 of 5"
    assert m["Total gain"] == "¥16.60M"           # 16.4M + 0.2M
    assert m["Budget left unspent"] == "¥150,000"  # 1.2M − (0.9M + 0.15M)
    # A fresh edit state with only row 4 deleted: the three others remain.
    _edit_table(at, deleted_rows=[3])
    assert metric_values(at)["Projects funded"] == "3 of 3"


def test_curve_marks_where_projects_enter_and_leave(sample_db_path):
    import json

    at = _page(sample_db_path)
    curve = json.loads(at.get("plotly_chart")[1].proto.spec)
    changes = next(tr for tr in curve["data"] if tr.get("name") == "Portfolio changes")
    # By hand (SPEC §4 costs): service at 200k, membership at 450k, mobile at 700k; at 750k
    # churn warning replaces mobile; at 1,000k mobile comes back.
    assert changes["text"] == [
        "+ Service experience enters", "+ Membership benefits enters", "+ Mobile service enters",
        "+ Churn warning system enters<br>− Mobile service leaves", "+ Mobile service enters"]
    current = next(tr for tr in curve["data"] if tr.get("name") == "Current budget")
    assert current["x"] == [1_000_000.0] and current["y"] == [16_400_000.0]
