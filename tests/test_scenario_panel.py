"""AppTest.from_function: the shared save/load/compare panel (ui/scenario_panel.py) on its own."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from clv_engine import scenarios
from clv_engine.db import Database, create_database
from wording import t


def _script(db, lang: str) -> None:
    from types import SimpleNamespace

    import pandas as pd
    import streamlit as st

    from ui.scenario_panel import ScenarioPanel, scenario_panel, show_flash
    from wording import t

    ctx = SimpleNamespace(
        db=db,
        lang=lang,
        t=lambda key, **v: t(key, lang, **v),
        viewer=SimpleNamespace(login="tester", can_save_scenarios=True),
    )

    def restore(payload: dict) -> None:
        st.session_state["budget"] = payload["budget"]

    def compare(chosen: list[str], names: dict[str, str]) -> pd.DataFrame:
        return pd.DataFrame({names[sid]: [sid] for sid in chosen})

    show_flash("t")
    budget = st.number_input("budget", 0, 1_000_000, 100, key="budget")
    panel = ScenarioPanel(kind="test", prefix="t", words="evaluator.page", restore=restore, compare=compare)
    scenario_panel(ctx, panel, payload={"budget": budget}, default_name="Default")


def _panel(db: Database, lang: str = "en") -> AppTest:
    # One Database object for the test and the script: DuckDB opens a file once per process.
    at = AppTest.from_function(_script, args=(db, lang), default_timeout=30).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _database(tmp_path) -> Database:
    create_database(tmp_path / "s.duckdb")
    return Database(tmp_path / "s.duckdb")


def test_save_then_load_puts_the_payload_back(tmp_path):
    db = _database(tmp_path)
    at = _panel(db)
    assert at.caption[0].value == "No saved cases yet."
    at.number_input(key="budget").set_value(250).run()
    at.button(key="t_save").click().run()  # no name typed: saved under the default name
    assert [s.value for s in at.success] == ["Saved “Default”."]
    saved = scenarios.list_scenarios(db, "test")
    assert saved["name"].tolist() == ["Default"]
    assert scenarios.load_scenario(db, saved["scenario_id"][0]) == {"budget": 250, "name": "Default"}
    at.number_input(key="budget").set_value(7).run()
    at.button(key="t_load").click().run()
    assert at.number_input(key="budget").value == 250
    assert [s.value for s in at.success] == ["Loaded “Default”."]


def test_a_failed_load_is_said_in_the_readers_language(tmp_path):
    db = _database(tmp_path)
    at = _panel(db, "zh")
    at.text_input(key="t_scenario_name").set_value("甲").run()
    at.button(key="t_save").click().run()
    # The saved case disappears before it is loaded: the reason comes from the catalogue.
    scenarios.delete_scenario(db, at.selectbox(key="t_scenario_pick").value)
    at.button(key="t_load").click().run()
    assert len(at.error) == 1
    assert at.error[0].value.startswith("载入失败：") and "没有已保存的方案" in at.error[0].value


def test_compare_shows_the_chosen_cases(tmp_path):
    db = _database(tmp_path)
    first = scenarios.save_scenario(db, "test", "A", {"budget": 1})
    scenarios.save_scenario(db, "other page", "B", {"budget": 2})
    at = _panel(db)
    assert at.multiselect(key="t_compare").options == ["A"]  # only this page's kind
    at.multiselect(key="t_compare").set_value([first]).run()
    assert list(at.dataframe[0].value.columns) == ["A"]


def _save_only_script(db) -> None:
    from types import SimpleNamespace

    import pandas as pd
    import streamlit as st

    from ui.scenario_panel import ScenarioPanel, scenario_panel, show_flash
    from wording import t

    ctx = SimpleNamespace(
        db=db,
        lang="en",
        t=lambda key, **v: t(key, "en", **v),
        viewer=SimpleNamespace(login="tester", can_save_scenarios=True),
    )

    def on_saved(sid: str) -> None:
        st.session_state["loaded"] = sid

    def refuse() -> str | None:
        return "save_no_budget" if not st.session_state.get("budget") else None

    show_flash("s")
    budget = st.number_input("budget", 0, 1_000_000, 100, key="budget")
    st.text(f"loaded={st.session_state.get('loaded')}")
    panel = ScenarioPanel(
        kind="test",
        prefix="s",
        words="allocator.page",  # a page with its own scenario box: no picker, a save caption
        compare=lambda chosen, names: pd.DataFrame({names[c]: [1] for c in chosen}),
        picker=False,
        on_saved=on_saved,
        max_compare=1,
        save_caption=True,
        refuse=refuse,
    )
    scenario_panel(ctx, panel, payload={"budget": budget}, default_name="Default")


def test_a_panel_without_picker_saves_reports_the_id_and_can_refuse(tmp_path):
    db = _database(tmp_path)
    at = AppTest.from_function(_save_only_script, args=(db,), default_timeout=30).run()
    assert not at.exception
    assert t("allocator.page.save.caption", "en") in [c.value for c in at.caption]
    at.button(key="s_save").click().run()
    saved = scenarios.list_scenarios(db, "test")
    assert saved["name"].tolist() == ["Default"]
    assert at.text[0].value == f"loaded={saved['scenario_id'][0]}"  # on_saved got the new id
    assert not at.selectbox  # no picker, no load button
    assert [b.key for b in at.button] == ["s_save"]
    assert at.multiselect(key="s_compare").max_selections == 1
    # A box emptied (here: zeroed) in the same interaction as the click: refused, nothing saved.
    at.number_input(key="budget").set_value(0)
    at.button(key="s_save").click().run()
    assert [e.value for e in at.error] == [t("allocator.page.save_no_budget", "en")]
    assert len(scenarios.list_scenarios(db, "test")) == 1


def test_comparison_table_puts_each_case_beside_this_screen():
    from types import SimpleNamespace

    from ui.scenario_panel import comparison_table

    ctx = SimpleNamespace(t=lambda key, **v: t(key, "en", **v))
    names = {"s1": "This screen", "s2": "Plan B"}  # a case named like the screen's column
    table = comparison_table(ctx, "allocator.page", ["Net"], ["1"], ["s1", "s2"], names, lambda sid: [sid])
    assert list(table.columns) == ["Figure", "This screen", "This screen ·", "Plan B"]
    assert table.iloc[0].tolist() == ["Net", "1", "s1", "s2"]


def test_a_name_typed_and_saved_in_one_interaction_is_the_name_saved(tmp_path):
    db = _database(tmp_path)
    at = _panel(db)
    at.text_input(key="t_scenario_name").set_value("Board, March")  # no run: the click sends both
    at.button(key="t_save").click().run()
    assert scenarios.list_scenarios(db, "test")["name"].tolist() == ["Board, March"]
