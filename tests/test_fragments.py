"""A widget inside a fragment reruns only its panel, not the page.

AppTest reruns whole scripts; a fragment rerun is what the browser asks for when a widget in a
fragment changes (a rerun request naming the fragment). The test sends that request (the page's
fragments, as registered by a full run) and checks: the panel's figures follow the widget, and
the page-level work above it (a spy on a function only the page calls) did not run again.
Without the fragment there is no fragment to name, and the test fails."""

from __future__ import annotations

import functools

import streamlit.testing.v1.local_script_runner as local_runner
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

from tests.helpers import metric_values, run_app
from wording import fmt


def money(text: str) -> float:
    return float(text.replace("¥", "").replace(",", ""))


class Spy:
    """Counts the calls of ``module.name`` (still doing its work)."""

    def __init__(self, monkeypatch, module, name: str) -> None:
        self.calls = 0
        real = getattr(module, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


def fragment_rerun(at, monkeypatch, change) -> None:
    """Change a widget (``change(at)`` returns the widget, its value set) and rerun only the
    fragments the page registered, as the browser does for a widget inside a fragment."""
    fragments = list(at._fragment_storage._fragments)
    assert fragments, "the page has no fragment"
    widget = change(at)
    with monkeypatch.context() as m:
        m.setattr(local_runner, "RerunData", functools.partial(RerunData, fragment_id_queue=fragments))
        widget.run()
    assert not at.exception, [e.message for e in at.exception]


def test_a_dcf_slider_reruns_the_explorer_not_the_overview(sample_db_path, monkeypatch):
    from ui import queries

    at = run_app(sample_db_path, "app_pages/overview.py")
    headline = Spy(monkeypatch, queries, "overview_figures")  # the page's (cached) headline query
    at.run()  # a full rerun: the page computes its headline
    assert headline.calls >= 1
    before = metric_values(at)
    headline.calls = 0
    fragment_rerun(at, monkeypatch, lambda at: at.slider(key="dcf_margin").set_value(0.50))
    assert headline.calls == 0  # the page above the explorer did not run
    shown = metric_values(at)
    # SPEC's worked DCF: ¥18,702 at a 40% margin; every year's gross profit scales with the
    # margin, so 50% gives 18,702 × 5/4 (± the first figure's rounding).
    assert abs(money(shown["DCF CLV"]) - 18_702 * 0.50 / 0.40) <= 0.5 * 1.25 + 0.5
    # Only the explorer was sent again (the browser keeps the rest of the page as drawn).
    assert "Customers" in before and "Customers" not in shown


def test_a_simulator_input_reruns_the_simulator_not_the_channels_page(sample_db_path, monkeypatch):
    from ui import queries

    at = run_app(sample_db_path, "app_pages/channels.py")
    at.radio(key="ch_sim_base.en").set_value("spec_customers").run()
    page_work = Spy(monkeypatch, queries, "channel_ltv")
    fragment_rerun(at, monkeypatch, lambda at: at.slider(key="ch_sim_beta").set_value(1.0))
    assert page_work.calls == 0  # the LTV table, CAC and cohorts above and below did not run
    m = metric_values(at)
    # SPEC §6: equal customers, 30% of shows and e-commerce to referral and social, half each,
    # linear returns: 106,900 / 36,500 = 2.9× before, 4.8× after.
    assert m["Blended LTV/CAC, before → after"] == "2.9× → 4.8×"
    assert m["New customers after the shift"] == fmt.number(
        6_000 - 600 + 2_820_000 / 1_200 + 2_820_000 / 2_800
    )
    at.run()  # a full rerun does run the page
    assert page_work.calls >= 1


def test_a_model_slider_reruns_its_section_not_the_model_page(sample_db_path, monkeypatch):
    from ui import queries
    from wording import t

    at = run_app(sample_db_path, "app_pages/model.py")
    page_work = Spy(monkeypatch, queries, "customers_with_orders")
    fragment_rerun(at, monkeypatch, lambda at: at.select_slider(key="model_lookback").set_value(30))
    assert page_work.calls == 0  # the fit's headline and parameters above did not run
    assert t("predictive.drops.caption", "en", days=30) in [c.value for c in at.caption]
    fragment_rerun(at, monkeypatch, lambda at: at.slider(key="model_age").set_value(2))
    assert page_work.calls == 0
    assert t("predictive.map.caption", "en", years=2) in [c.value for c in at.caption]


def test_picking_a_kpi_store_reruns_its_section_not_the_scorecard(sample_db_path, monkeypatch):
    from ui import queries

    at = run_app(sample_db_path, "app_pages/kpi.py")
    ranking = next(d.value for d in at.dataframe if "Rank" in d.value.columns)
    score = ranking.loc[ranking["Store"].str.startswith("深圳南山店"), "Score"].iloc[0]
    page_work = Spy(monkeypatch, queries, "kpi_scorecard")
    fragment_rerun(at, monkeypatch, lambda at: at.selectbox(key="kpi_store").set_value("S04"))
    assert page_work.calls == 0  # the group's KPIs, ranking and trend did not run again
    assert any(c.value.startswith("深圳南山店") for c in at.caption)
    detail = next(d.value for d in at.dataframe if "Points" in d.value.columns)
    assert abs(detail["Points"].sum() - score) < 0.5  # the store's parts add up to its ranked score


def test_segmentation_migration_and_budget_rerun_alone(sample_db_path, monkeypatch):
    from datetime import timedelta

    from ui import queries

    at = run_app(sample_db_path, "app_pages/segmentation.py")
    customers = int(metric_values(at)["Customers scored"].replace(",", ""))
    earlier = at.date_input(key="as_of").value - timedelta(days=200)
    scoring = Spy(monkeypatch, queries, "missing_flag_tables")  # called by the page only
    # SPEC §2b: the six groups' yearly care budget, ¥5,000,000 tiered.
    fragment_rerun(at, monkeypatch, lambda at: at.radio(key="seg_budget_preset.en").set_value("2b"))
    assert scoring.calls == 0  # the page's rules, scoring and charts did not run again
    assert metric_values(at)["Tiered budget / yr"] == "¥5,000,000"
    fragment_rerun(at, monkeypatch, lambda at: at.date_input(key="seg_mig_from").set_value(earlier))
    assert scoring.calls == 0
    m = metric_values(at)
    moved = sum(int(m[k].replace(",", "")) for k in ("Moved up", "Slipped", "Stayed", "New since then"))
    assert any(earlier.isoformat() in c.value for c in at.caption)  # compared with that date
    assert moved == customers  # every customer scored today is in one migration count


def test_evaluator_retention_panel_reruns_alone_and_its_button_redraws_the_page(sample_db_path, monkeypatch):
    from datetime import date

    from clv_engine import evaluation
    from clv_engine.clv import CLVParams, add_historical_clv, customer_values
    from clv_engine.db import Database

    at = run_app(sample_db_path, "app_pages/evaluator.py")
    at.selectbox(key="ev_preset.en").set_value("pickup_delivery").run()
    page_work = Spy(monkeypatch, evaluation, "analyse_programme")
    fragment_rerun(at, monkeypatch, lambda at: at.selectbox(key="ev_seg_dim.en").set_value("channel"))
    fragment_rerun(at, monkeypatch, lambda at: at.selectbox(key="ev_seg_value_channel").set_value("referral"))
    fragment_rerun(at, monkeypatch, lambda at: at.slider(key="ev_ret_to").set_value(92.0))
    assert page_work.calls == 0  # the programme's cash flows, tornado and Monte Carlo did not run
    # The button puts the segment into the case: the whole page is drawn again with it.
    fragment_rerun(at, monkeypatch, lambda at: at.button(key="ev_ret_apply").click())
    assert page_work.calls >= 1
    # Independently: the segment's mean CLV at the data's retention and at 92 %.
    db = Database(sample_db_path)
    end = db.query_value("SELECT max(order_date) FROM orders")
    values = customer_values(db, end if isinstance(end, date) else end.date(), params=CLVParams())
    db.close()
    segment = values[values["channel"] == "referral"]
    after = add_historical_clv(segment, 0.92, CLVParams())["clv"].mean()
    assert at.number_input(key="ev_pickup_delivery_g0_u").value == round(after - segment["clv"].mean())
    assert at.number_input(key="ev_pickup_delivery_g0_n").value == len(segment)


def test_a_cohort_dimension_reruns_the_cohorts_not_the_channels_page(sample_db_path, monkeypatch):
    from clv_engine.db import Database
    from ui import queries

    at = run_app(sample_db_path, "app_pages/channels.py")
    page_work = Spy(monkeypatch, queries, "channel_ltv")
    fragment_rerun(
        at, monkeypatch, lambda at: at.segmented_control(key="ch_cohort_dim.en").set_value("region")
    )
    assert page_work.calls == 0  # the LTV/CAC table and the simulator above did not run again
    # Same reader configuration as the app's: DuckDB refuses a second, different one in-process.
    regions = Database(sample_db_path).query_value(
        "SELECT count(DISTINCT s.region) FROM customers c LEFT JOIN stores s ON s.store_id = c.home_store_id"
    )
    table = next(d.value for d in at.dataframe if d.value.columns[0] == "Cohort")
    assert len(table) == regions  # one row a region


def test_an_actions_rule_reruns_its_tab_not_the_page(sample_db_path, monkeypatch):
    import ui.context
    from wording import t

    at = run_app(sample_db_path, "app_pages/actions.py")
    page_work = Spy(monkeypatch, ui.context, "page_context")  # the page's first call
    fragment_rerun(at, monkeypatch, lambda at: at.number_input(key="act_tier_spend").set_value(20_000))
    assert page_work.calls == 0  # the page (sidebar, title, the other tabs' frame) did not run
    assert at.number_input(key="act_tier_spend").value == 20_000  # the tier tab was drawn again
    labels = set(metric_values(at))
    assert {t("actions.tier.up_count", "en"), t("actions.tier.down_count", "en")} <= labels
