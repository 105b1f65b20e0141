"""Budget allocator: which projects to fund for the budget on the slider, and why (SPEC §4).

Storyboard: scenario -> projects table, locks -> budget slider and box -> projects derived
from the data or from a measured call programme -> headline and the ROI ranking's verdict ->
funded projects by ROI, budget–value curve -> reasons, verdict table, board pack -> save and
compare scenarios. Panels: ui/allocation_panels.py (inputs), ui/allocation_derive.py
(projects made from data), ui/allocation_results.py (answer); cached queries: ui/queries/.
"""

from __future__ import annotations

import streamlit as st

from clv_engine import allocation as al
from ui import allocation_derive as derived
from ui import allocation_panels as inputs
from ui import allocation_results as answer
from ui import queries
from ui.context import page_context
from ui.scenario_panel import show_flash
from ui.widgets import presenting

ctx = page_context()

# -- header and scenario --------------------------------------------------------------------------
st.title(ctx.t("allocator.page.title"))
if not presenting():  # a projector shows the figures; the caption is for the desk
    st.caption(ctx.t("allocator.page.caption"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
show_flash("al")  # what a save or a load left
inputs.scenario_picker(ctx)

# -- projects and locks -----------------------------------------------------------------------------
# Presentation mode: the table folds away so the budget and its totals share one screen.
if presenting():
    table_box = st.expander(ctx.t("allocator.page.projects"))
else:
    table_box = st.container()
    table_box.subheader(ctx.t("allocator.page.projects"))
pairs = inputs.project_table(ctx, table_box)  # (id, project); stops on a table to fix
projects = inputs.locks(ctx, table_box, pairs)

# -- budget -----------------------------------------------------------------------------------------
if presenting():
    # The decision in one screen: the budget on the left, its totals beside it.
    inputs_col, totals = st.columns([1, 3], gap="large")
    slide_col = box_col = inputs_col
else:
    slide_col, box_col = st.columns([3, 1])
    totals = st.container()
budget = inputs.budget_inputs(ctx, projects, slide_col, box_col)
if budget is None:
    # An emptied box is not a budget: say so rather than compute for some other figure.
    st.warning(ctx.t("allocator.page.budget_empty"), icon=":material/edit:")
    st.stop()

# -- projects made from data ------------------------------------------------------------------------
derived.derive_panel(ctx)
derived.measured_panel(ctx)

# -- the answer -------------------------------------------------------------------------------------
alloc = queries.allocation(tuple(projects), float(budget))
if not isinstance(alloc, al.Allocation):
    answer.refused(ctx, alloc)
    st.stop()
verdicts, next_net = queries.allocation_explained(tuple(projects), alloc)
answer.headline(ctx, alloc, projects, next_net, totals)
answer.ranking_verdict(ctx, alloc)

left, right = st.columns(2, gap="large")
with left:
    answer.roi_chart(ctx, alloc.optimum)
with right:
    curve = queries.budget_curve(tuple(projects))
    answer.curve_chart(ctx, curve, budget, alloc.optimum)

answer.reasons(ctx, verdicts)
answer.verdicts_and_packs(ctx, verdicts, projects, alloc, curve)

# -- scenarios --------------------------------------------------------------------------------------
answer.scenarios_section(ctx, alloc, budget)
