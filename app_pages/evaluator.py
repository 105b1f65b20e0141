"""Investment evaluator: the business case for one programme, ready for the CFO (SPEC §5).

Storyboard: pick a case -> move its inputs (every one bound to the URL) -> headline cards ->
J-curve and waterfall -> tornado and Monte Carlo -> tables -> export -> CLV uplift from the
data -> a measured call programme -> save, load and compare cases.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from clv_engine import evaluation as ev
from clv_engine import measured
from ui import evaluation_inputs as inputs
from ui import evaluation_panels as panels
from ui.context import page_context
from ui.measured_evidence import pick_programme, programme_name, show_evidence
from ui.scenario_panel import ScenarioPanel, scenario_panel, show_flash
from ui.widgets import presenting
from wording import evaluation as wev
from wording import report

ctx = page_context()

# -- header and case ----------------------------------------------------------------------
st.title(ctx.t("evaluator.page.title"))
if not presenting():  # a projector shows the figures; the caption is for the desk
    st.caption(ctx.t("evaluator.page.caption"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
show_flash("ev")

preset_key = inputs.choose_case(ctx)
head = None if presenting() else st.container()  # the headline cards, filled once the inputs are read
input_column, results = st.columns([1, 3] if head is None else [1, 2], gap="large")
if head is None:
    head = results.container()  # presentation mode: the figures beside the inputs, in one screen

# -- inputs -------------------------------------------------------------------------------
with input_column:
    # Filled once the inputs are read: the reference case's wording only while they are its own.
    note_box = st.empty()
    draft = inputs.programme_inputs(ctx, preset_key)

# The results column is drawn in order (J-curve, waterfall, sensitivity settings, tornado,
# Monte Carlo) but filled after the settings are read: containers keep the order.
with results:
    cash_charts = st.container()
    settings = inputs.sensitivity_settings(ctx, draft, preset_key)
    sensitivity_charts = st.container()

programme = dataclasses.replace(draft, key_driver=settings.key_driver or ev.preset(preset_key).key_driver)
analysis = ev.analyse_programme(
    programme, spread=settings.spread, ranges=settings.ranges, draws=10_000, seed=settings.seed
)

# -- headline -----------------------------------------------------------------------------
with head:
    panels.headline(ctx, analysis, settings.key_driver)

note = report.note_text(programme, ctx.lang)
if note and not presenting():
    note_box.info(note)  # catalogue text of the preset, never typed

# -- charts, tables, exports --------------------------------------------------------------
charts = panels.chart_key(
    analysis, settings.ranges, ctx.lang, ctx.currency
)  # drawn once per inputs, every session
with cash_charts:
    panels.cash_charts(ctx, analysis, charts)
with sensitivity_charts:
    panels.sensitivity_charts(ctx, analysis, charts)
    panels.tables(ctx, analysis)
    panels.exports(ctx, analysis)

# -- CLV uplift from the data -------------------------------------------------------------
st.divider()
st.subheader(ctx.t("evaluator.page.data"))
st.caption(ctx.t("evaluator.page.data.caption"))
warranty_column, retention_column = st.columns(2, gap="large")
with warranty_column:
    panels.warranty_panel(ctx)
with retention_column:
    panels.retention_panel(ctx, programme, preset_key)

# -- a measured call programme ------------------------------------------------------------
# An issued list, its control group and recorded contacts as a case: the typed prior beside the
# measured take-up, and the evidence behind it.
from_calls = st.expander(ctx.t("measured.page.title"), key="ev_measured_open", on_change="rerun")
with from_calls:
    if from_calls.open:
        st.caption(ctx.t("measured.page.caption"))
        measured_case = pick_programme(ctx, "ev_measured")
        if measured_case is not None:
            show_evidence(ctx, measured_case)
            call_case = measured.evaluator_programme(measured_case, name=programme_name(ctx, measured_case))
            st.caption(ctx.t("measured.page.method"))
            st.button(
                ctx.t("measured.page.apply"),
                key="ev_m_apply",
                on_click=inputs.apply_state,
                args=(inputs.widget_state(call_case, "custom") | {"ev_preset": "custom"},),
                icon=":material/input:",
            )

# -- save, load and compare cases ---------------------------------------------------------
# A saved case carries the preset's id and the programme's numbers; its name is text.
st.divider()
scenario_panel(
    ctx,
    ScenarioPanel(
        kind="evaluator",
        prefix="ev",
        words="evaluator.page",
        restore=inputs.restore,
        compare=lambda chosen, names: panels.compare_table(ctx, analysis.evaluation, chosen, names),
    ),
    payload={
        "preset": preset_key,
        "programme": programme.to_dict(),
        "spread": settings.spread_pct,
        "seed": settings.seed,
    },
    default_name=wev.programme_label(programme, ctx.lang),
)
