"""AppTest: the budget allocator page — SPEC §4 case, budget, locks, scenarios, derived uplift.

The page maximises net value Σ(gain − cost) (issue 11). SPEC §4 net values: service 6.2M,
membership 4.25M, churn warning 3.7M, mobile 1.25M.
"""

from __future__ import annotations

from clv_engine import scenarios
from clv_engine.db import Database
from tests.helpers import metric_values, run_app
from wording.allocation import spec_case_projects
from wording.fmt import money

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
    assert m["Net value"] == "¥15.40M"  # 16.4M − 1.0M
    assert m["Total gain"] == "¥16.40M"
    assert m["Combined net ROI"] == "1,540%"
    assert m["Projects funded"] == "4 of 4"
    assert m["Budget left unspent"] == "¥0"
    assert m["Next ¥100,000: net value"] == "¥0"
    detail = at.dataframe[-1].value.set_index("Project")
    # Ranked by ROI: service experience, membership, churn warning, mobile.
    assert detail["ROI rank"].sort_values().index.tolist() == [
        "Service experience",
        "Membership benefits",
        "Churn warning system",
        "Mobile service",
    ]
    assert any("same portfolio" in c.value for c in at.caption)


def test_moving_the_budget(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(700_000).run()
    _ok(at)
    m = metric_values(at)
    # 700k: service + membership + mobile = 6.4M + 4.5M + 1.5M gain, net 11.7M; the next
    # 100k swaps mobile for churn warning (net 14.15M): 2.45M more net value.
    assert m["Total gain"] == "¥12.40M"
    assert m["Net value"] == "¥11.70M"
    assert m["Projects funded"] == "3 of 4"
    assert m["Next ¥100,000: net value"] == "¥2.45M"
    zh = _page(sample_db_path, lang="zh")
    zh.number_input(key="al_budget").set_value(700_000).run()
    _ok(zh)
    # In Chinese too the next ¥100,000 is quoted in net value (净值), not as revenue.
    assert metric_values(zh)[f"再加 {money(100_000, 'zh')} 的净值增量"] == money(2_450_000, "zh")
    churn = _reasons(at)["Churn warning system"]
    # Forced in: churn + service = net 9.9M, 1.8M short of 11.7M.
    assert churn.startswith("Left out") and "¥1.80M more gain" in churn
    # The slider moves the same budget (and the box follows it).
    at.select_slider(key="al_budget_slider").set_value(450_000).run()
    _ok(at)
    assert metric_values(at)["Total gain"] == "¥10.90M"
    assert at.number_input(key="al_budget").value == 450_000
    assert str(at.query_params["al_budget"]).strip("[]'") == "450000"  # the link carries it


def test_budget_below_every_project(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(150_000).run()
    _ok(at)
    m = metric_values(at)
    assert m["Total gain"] == "¥0" and m["Projects funded"] == "0 of 4"
    assert m["Net value"] == "¥0"
    assert m["Budget left unspent"] == "¥150,000"
    assert any("Left unspent: ¥150,000 stays in the company" in i.value for i in at.info)
    assert any("Nothing can be funded" in i.value for i in at.info)


def test_locking_and_excluding(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(450_000).run()
    at.multiselect(key="al_locked").set_value(["mobile"]).run()  # the preset's ids
    _ok(at)
    # Mobile locked: mobile + service (450k) = 1.5M + 6.4M gain, net 1.25M + 6.2M = 7.45M;
    # unlocked the best is service + membership, net 10.45M: the lock costs 3.0M.
    assert metric_values(at)["Total gain"] == "¥7.90M"
    assert metric_values(at)["Net value"] == "¥7.45M"
    reason = _reasons(at)["Mobile service"]
    assert "locked it in" in reason and "The lock costs ¥3.00M of net value" in reason
    assert any(
        "The locks cost ¥3.00M of net value" in w.value and "¥10.45M net" in w.value for w in at.warning
    )
    # A locked project is not offered for exclusion.
    assert "Mobile service" not in at.multiselect(key="al_excluded").options
    assert "Membership benefits" in at.multiselect(key="al_excluded").options  # drawn by name
    at.multiselect(key="al_excluded").set_value(["service"]).run()
    _ok(at)
    # Mobile + membership (500k) would not fit in 450k: mobile alone.
    assert metric_values(at)["Total gain"] == "¥1.50M"
    assert _reasons(at)["Service experience"] == "Left out: you excluded it."


def test_locked_over_budget_says_so(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(400_000).run()
    at.multiselect(key="al_locked").set_value(["churn", "mobile"]).run()
    _ok(at)
    assert any("locked projects alone cost ¥550,000" in e.value for e in at.error)


def test_save_and_reload_a_scenario(writable_db_path):
    at = _page(writable_db_path)
    at.number_input(key="al_budget").set_value(700_000).run()
    at.multiselect(key="al_locked").set_value(["churn"]).run()
    assert metric_values(at)["Total gain"] == "¥10.40M"  # churn + service (500k)
    assert metric_values(at)["Net value"] == "¥9.90M"  # 3.7M + 6.2M
    at.text_input(key="al_scenario_name").set_value("Board, March").run()
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
    assert at.multiselect(key="al_locked").value == ["churn"]
    assert metric_values(at)["Total gain"] == "¥10.40M"


def test_saved_scenario_where_sorting_loses_and_compare(writable_db_path):
    # Sorting takes A (ROI 900%) and then nothing fits; B + C make 900 for the same 100.
    projects = [
        {"name": "A", "investment": 60_000, "uplift_per_customer": 600, "reach": 1_000},
        {"name": "B", "investment": 50_000, "uplift_per_customer": 450, "reach": 1_000},
        {"name": "C", "investment": 50_000, "uplift_per_customer": 450, "reach": 1_000},
    ]
    db = Database(writable_db_path)
    sid = scenarios.save_scenario(
        db, "allocator", "Knapsack", {"budget": 100_000, "projects": projects, "locked": [], "excluded": []}
    )
    other = scenarios.save_scenario(
        db,
        "allocator",
        "Knapsack, more",
        {"budget": 160_000, "projects": projects, "locked": [], "excluded": []},
    )
    db.close()
    at = _page(writable_db_path)
    at.selectbox(key="al_scenario").set_value(sid).run()
    _ok(at)
    m = metric_values(at)
    assert m["Total gain"] == "¥900,000" and m["Projects funded"] == "2 of 3"
    # Net: A alone 600k − 60k = 540k; B + C 900k − 100k = 800k.
    assert m["Net value"] == "¥800,000"
    warning = " ".join(w.value for w in at.warning)
    assert "would fund A for a net value of ¥540,000" in warning
    assert "¥260,000 less net value" in warning
    assert "Sorting by ROI would have left it out" in _reasons(at)["B"]
    at.multiselect(key="al_compare").set_value([sid, other]).run()
    _ok(at)
    table = at.dataframe[-1].value.set_index("Figure")
    assert list(table.columns) == ["This screen", "Knapsack", "Knapsack, more"]
    assert table.loc["Total gain", "Knapsack, more"] == "¥1.50M"  # all three
    assert table.loc["Net value", "Knapsack, more"] == "¥1.34M"  # 1.5M − 160k
    assert table.loc["Net value missed by sorting on ROI", "Knapsack"] == "¥260,000"


def test_broken_saved_scenario_is_refused(writable_db_path):
    db = Database(writable_db_path)
    sid = scenarios.save_scenario(
        db,
        "allocator",
        "Broken",
        {
            "budget": 100_000,
            "projects": [{"name": "Z", "investment": 0, "uplift_per_customer": 1, "reach": 1}],
        },
    )
    db.close()
    at = _page(writable_db_path)
    at.selectbox(key="al_scenario").set_value(sid).run()
    _ok(at)
    assert any("investment must be greater than zero" in e.value for e in at.error)
    assert metric_values(at)["Total gain"] == "¥16.40M"  # the table stayed as it was


def test_project_derived_from_data(sample_db_path):
    at = _page(sample_db_path)
    assert "al_seg_dim.en" not in [w.key for w in at.selectbox]  # closed: nothing computed
    at.session_state["al_derive_open"] = True  # what a click on the expander sets
    at.run()
    at.selectbox(key="al_seg_dim.en").set_value("region").run()
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
    assert m["净值"] == "¥1,540万"
    assert m["组合净ROI"] == "1,540%"
    assert "流失预警系统" in _reasons(at)
    at.number_input(key="al_budget").set_value(700_000).run()
    assert "未纳入" in _reasons(at)["流失预警系统"]


def test_language_switch_translates_the_unedited_preset(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(450_000).run()
    at.multiselect(key="al_locked").set_value(["mobile"]).run()
    en = metric_values(at)
    at.session_state["lang"] = "zh"
    at.run()
    _ok(at)
    # The lock is the project's id: the switch renames the project and keeps the lock.
    assert at.multiselect(key="al_locked").value == ["mobile"]
    assert "服务体验提升" in _reasons(at)
    reason = _reasons(at)["移动服务"]
    assert "锁定" in reason
    # The same optimum: mobile + service, net 1.25M + 6.2M = 7.45M (see test_locking_and_excluding).
    zh = metric_values(at)
    assert en["Net value"] == "¥7.45M" and zh["净值"] == money(7_450_000, "zh")
    assert zh["总收益"] == money(7_900_000, "zh")
    assert at.number_input(key="al_budget").value == 450_000
    at.session_state["lang"] = "en"
    at.run()
    assert at.multiselect(key="al_locked").value == ["mobile"]
    assert metric_values(at)["Net value"] == "¥7.45M"


def _edit_table(at, **edits) -> None:
    """Edit the projects table the way the browser's editor reports it, then rerun."""
    key = f"al_editor_{at.session_state['al_table']['version']}"
    state = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    state.update(edits)
    at.session_state[key] = state
    at.run()
    _ok(at)


def test_editing_the_table(sample_db_path):
    at = _page(sample_db_path)
    at.multiselect(key="al_locked").set_value(["mobile"]).run()
    # Zero investment in row 2: a clear message naming the row and column, no figures.
    _edit_table(at, edited_rows={1: {"investment": 0}})
    assert any(
        "project 2 (Membership benefits): investment must be greater than zero" in e.value for e in at.error
    )
    assert "Total gain" not in metric_values(at)
    # Fixed again: the lock made before the typo is still there.
    _edit_table(at, edited_rows={})
    assert at.multiselect(key="al_locked").value == ["mobile"]
    # Membership cheaper (¥150,000) and a fifth project added: all five fit in ¥1,200,000.
    _edit_table(
        at,
        edited_rows={1: {"investment": 150_000}},
        added_rows=[
            {"name": "Parts promotion", "investment": 150_000, "uplift_per_customer": 100, "reach": 2_000}
        ],
    )
    at.number_input(key="al_budget").set_value(1_200_000).run()
    m = metric_values(at)
    assert m["Projects funded"] == "5 of 5"
    assert m["Total gain"] == "¥16.60M"  # 16.4M + 0.2M
    assert m["Net value"] == "¥15.55M"  # 16.6M − 1.05M
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
        "+ Service experience enters",
        "+ Membership benefits enters",
        "+ Mobile service enters",
        "+ Churn warning system enters<br>− Mobile service leaves",
        "+ Mobile service enters",
    ]
    current = next(tr for tr in curve["data"] if tr.get("name") == "Current budget")
    # The curve is net value: 16.4M − 1.0M at ¥1,000,000.
    assert current["x"] == [1_000_000.0] and current["y"] == [15_400_000.0]


def _issue_example(db_path) -> str:
    """The issue's example, in thousands: costs ¥100,000 / ¥100,000, gains ¥300,000 /
    ¥50,000, budget ¥1,000,000."""
    projects = [
        {"name": "Good", "investment": 100_000, "uplift_per_customer": 300, "reach": 1_000},
        {"name": "Poor", "investment": 100_000, "uplift_per_customer": 50, "reach": 1_000},
    ]
    db = Database(db_path)
    sid = scenarios.save_scenario(
        db, "allocator", "Issue", {"budget": 1_000_000, "projects": projects, "locked": [], "excluded": []}
    )
    db.close()
    return sid


def test_unspent_budget_and_the_lock_cost(writable_db_path):
    sid = _issue_example(writable_db_path)
    at = _page(writable_db_path)
    at.selectbox(key="al_scenario").set_value(sid).run()
    _ok(at)
    m = metric_values(at)
    # Only Good is funded: net 200,000 (both would make 150,000); 900,000 stays unspent.
    assert m["Net value"] == "¥200,000" and m["Projects funded"] == "1 of 2"
    assert m["Budget left unspent"] == "¥900,000"
    assert any("Left unspent: ¥900,000 stays in the company" in i.value for i in at.info)
    poor = _reasons(at)["Poor"]
    assert "less than it costs" in poor and f"net {money(-50_000, 'en')}" in poor
    # Locked, Poor is funded and the page says what that costs: 200,000 − 150,000.
    at.multiselect(key="al_locked").set_value(["Poor"]).run()
    _ok(at)
    m = metric_values(at)
    assert m["Net value"] == "¥150,000" and m["Budget left unspent"] == "¥800,000"
    assert any(
        "The locks cost ¥50,000 of net value" in w.value and "¥200,000 net instead of ¥150,000" in w.value
        for w in at.warning
    )
    assert "The lock costs ¥50,000 of net value" in _reasons(at)["Poor"]


def test_unspent_budget_and_the_lock_cost_in_chinese(writable_db_path):
    sid = _issue_example(writable_db_path)
    at = _page(writable_db_path, lang="zh")
    at.selectbox(key="al_scenario").set_value(sid).run()
    at.multiselect(key="al_locked").set_value(["Poor"]).run()
    _ok(at)
    m = metric_values(at)
    # Figures by hand (net 150,000, unspent 800,000, lock cost 50,000) in the 万 format.
    net, unspent, loss = (money(v, "zh") for v in (150_000, 800_000, 50_000))
    assert m["净值"] == net and m["未用预算"] == unspent
    assert any(f"未用预算：{unspent} 留在公司" in i.value for i in at.info)
    assert any(f"锁定的代价是净值 {loss}" in w.value for w in at.warning)
    assert f"锁定的代价是净值 {loss}" in _reasons(at)["Poor"]


# -- issue 17: the budget box and the link ----------------------------------------------------
def test_emptied_budget_box_says_so_instead_of_a_default(sample_db_path):
    at = _page(sample_db_path)
    at.number_input(key="al_budget").set_value(700_000).run()
    at.number_input(key="al_budget").set_value(None).run()
    _ok(at)
    # No figures for a budget nobody typed (the default ¥1,000,000 would show ¥16.40M).
    assert "Total gain" not in metric_values(at) and "Net value" not in metric_values(at)
    assert any("The budget box is empty" in w.value for w in at.warning)
    # The slider stays at the last budget; moving it fills the box again.
    assert at.select_slider(key="al_budget_slider").value == 700_000
    at.select_slider(key="al_budget_slider").set_value(450_000).run()
    _ok(at)
    assert at.number_input(key="al_budget").value == 450_000
    assert metric_values(at)["Total gain"] == "¥10.90M"  # service + membership


def test_save_with_an_emptied_budget_box_is_refused_clearly(writable_db_path):
    at = _page(writable_db_path)
    at.number_input(key="al_budget").set_value(700_000).run()
    # Box emptied and Save clicked in the same interaction.
    at.number_input(key="al_budget").set_value(None)
    at.button(key="al_save").click().run()
    _ok(at)
    assert any("Not saved: the budget box is empty" in e.value for e in at.error)
    assert scenarios.list_scenarios(Database(writable_db_path), "allocator").empty


def test_link_with_only_a_scenario_opens_its_saved_budget(writable_db_path):
    from tests.helpers import app_on

    db = Database(writable_db_path)
    preset = [
        {
            "name": p.name,
            "investment": p.investment,
            "uplift_per_customer": p.uplift_per_customer,
            "reach": p.reach,
        }
        for p in spec_case_projects()
    ]
    scenarios.save_scenario(
        db,
        "allocator",
        "Board, March",
        {"budget": 700_000, "projects": preset, "locked": ["Churn warning system"], "excluded": []},
    )
    db.close()
    at = app_on(writable_db_path)
    at.session_state["lang"] = "en"
    at.query_params["al_scenario"] = "Board, March"  # the link: ?al_scenario=Board%2C+March
    at.run()
    at.switch_page(PAGE).run()
    _ok(at)
    assert at.number_input(key="al_budget").value == 700_000
    assert at.multiselect(key="al_locked").value == ["Churn warning system"]
    # Churn warning locked at ¥700,000: churn + service, gain 4.0M + 6.4M, net 9.9M.
    assert metric_values(at)["Total gain"] == "¥10.40M"
    assert metric_values(at)["Net value"] == "¥9.90M"


def test_first_budget_change_after_a_save_reaches_the_link(writable_db_path):
    at = _page(writable_db_path)
    at.number_input(key="al_budget").set_value(700_000).run()
    at.text_input(key="al_scenario_name").set_value("Board, March").run()
    at.button(key="al_save").click().run()
    _ok(at)
    # The save put the scenario in the link; the next budget typed must follow it there.
    at.number_input(key="al_budget").set_value(600_000).run()
    _ok(at)
    assert str(at.query_params["al_budget"]).strip("[]'") == "600000"
    assert str(at.query_params["al_scenario"]).strip("[]'") == "Board, March"
    assert metric_values(at)["Total gain"] == "¥10.90M"  # service + membership (450k)


# -- issue 13: projects keep stable ids ---------------------------------------------------------
def _linked(db_path, monkeypatch, lang: str, **params):
    """The page opened from a link carrying ``params``."""
    from streamlit.testing.v1 import AppTest

    from tests.helpers import APP

    monkeypatch.setenv("CLV_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    _ok(at)
    return at


def test_a_link_carries_project_ids_in_any_language(sample_db_path, monkeypatch):
    # Churn warning locked at ¥700,000: churn + service, gain 4.0M + 6.4M, net 9.9M.
    at = _linked(sample_db_path, monkeypatch, "zh", al_budget="700000", al_locked="churn")
    assert at.multiselect(key="al_locked").value == ["churn"]
    assert metric_values(at)["净值"] == money(9_900_000, "zh")
    # A link made before ids named the project: it still finds it, and now carries the id.
    at = _linked(sample_db_path, monkeypatch, "en", al_budget="700000", al_locked="Churn warning system")
    assert at.multiselect(key="al_locked").value == ["churn"]
    assert metric_values(at)["Net value"] == "¥9.90M"
    assert str(at.query_params["al_locked"]).strip("[]'") == "churn"


def test_a_saved_scenario_keeps_ids_across_languages(writable_db_path):
    at = _page(writable_db_path, lang="zh")
    at.number_input(key="al_budget").set_value(700_000).run()
    at.multiselect(key="al_locked").set_value(["churn"]).run()
    at.text_input(key="al_scenario_name").set_value("董事会").run()
    at.button(key="al_save").click().run()
    _ok(at)
    db = Database(writable_db_path)
    saved = scenarios.list_scenarios(db, "allocator")
    payload = scenarios.load_scenario(db, saved["scenario_id"][0])
    db.close()
    assert payload["locked"] == ["churn"]
    assert [p["id"] for p in payload["projects"]] == ["churn", "membership", "service", "mobile"]
    # Opened in English: the lock holds and the optimum is the same (net 9.9M).
    at.session_state["lang"] = "en"
    at.run()
    _ok(at)
    assert at.multiselect(key="al_locked").value == ["churn"]
    assert metric_values(at)["Net value"] == "¥9.90M"
