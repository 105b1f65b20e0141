"""AppTest: a programme is kept by stable ids, so a language switch changes only its labels
(issue 13): the chosen case, a typed name and every edit survive it, and a saved case carries
the preset's id and the typed name as text."""

from __future__ import annotations

import json

from clv_engine import scenarios
from clv_engine.db import Database
from tests.helpers import metric_values, run_app
from wording import fmt, t

PAGE = "app_pages/evaluator.py"
ANNUITY_12_3 = sum(1 / 1.12**t for t in (1, 2, 3))


def test_a_typed_case_and_its_edits_survive_a_language_switch(writable_db_path):
    at = run_app(writable_db_path, PAGE)
    at.selectbox(key="ev_preset.en").set_value("custom").run()
    at.text_input(key="ev_custom_name").set_value("Tyre hotel").run()
    at.number_input(key="ev_custom_c0").set_value(100_000).run()  # up-front
    at.number_input(key="ev_custom_g0_n").set_value(200).run()
    at.number_input(key="ev_custom_g0_u").set_value(1_000).run()
    # 200 × 1,000 = 200,000 gain (a present value) on 100,000 paid today: NPV 100,000.
    assert metric_values(at)["NPV"] == fmt.money(100_000, "en")
    at.text_input(key="ev_scenario_name").set_value("").run()
    at.button(key="ev_save").click().run()

    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.selectbox(key="ev_preset.zh").value == "custom"
    assert at.text_input(key="ev_custom_name").value == "Tyre hotel"  # text, never translated
    m = metric_values(at)
    assert m["净现值"] == fmt.money(100_000, "zh")
    assert m["净投资回报率"] == "100%"

    saved = scenarios.list_scenarios(Database(writable_db_path), "evaluator")
    assert saved["name"].tolist() == ["Tyre hotel"]  # the typed name is the default save name
    payload = scenarios.load_scenario(Database(writable_db_path), saved["scenario_id"][0])
    assert payload["preset"] == "custom" and payload["programme"]["name"] == "Tyre hotel"


def test_a_preset_saves_its_id_and_no_label(writable_db_path):
    at = run_app(writable_db_path, PAGE, lang="zh")
    at.button(key="ev_save").click().run()
    saved = scenarios.list_scenarios(Database(writable_db_path), "evaluator")
    payload = scenarios.load_scenario(Database(writable_db_path), saved["scenario_id"][0])
    # The case is the mobile van by its id; its name is empty (drawn from the id in any language).
    assert payload["preset"] == "mobile_van" and payload["programme"]["name"] == ""
    # Saved under the label the reader saw, as text.
    assert saved["name"].tolist() == [t("evaluator.preset.mobile_van", "zh")]


def test_a_case_saved_before_ids_loads(writable_db_path):
    """A saved case whose name was the preset's catalogue key opens as that preset."""
    from clv_engine import evaluation as ev

    old = ev.preset("mobile_van").to_dict() | {"name": "evaluator.preset.mobile_van"}
    old["groups"][0]["clv_uplift"] = 1_200
    sid = scenarios.save_scenario(
        Database(writable_db_path),
        "evaluator",
        "old van",
        json.loads(json.dumps({"preset": "mobile_van", "programme": old})),
    )
    at = run_app(writable_db_path, PAGE)
    at.selectbox(key="ev_scenario_pick").set_value(sid).run()
    at.button(key="ev_load").click().run()
    assert not at.exception and not at.error
    npv = 1_500 * 1_200 - 800_000 - 200_000 * ANNUITY_12_3
    assert metric_values(at)["NPV"] == fmt.money(npv, "en")
