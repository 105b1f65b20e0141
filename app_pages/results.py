"""Results: issue a call list with a control group, record what was done, see what worked.

Storyboard: issue a list from the churn ranking (with a random hold-out) -> pick a list ->
mark outcomes on its rows, or import them from a CRM export -> treated against control per
risk level, with the interval and a verdict -> measured success beside the typed one.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from clv_engine import results
from ui import queries
from ui import results_panels as panels
from ui.context import page_context
from ui.queries.customers import treated_head
from ui.widgets import Headline, metric_row, translated_choice
from wording import fmt

ctx = page_context()
st.title(ctx.t("results.title"))
st.caption(ctx.t("results.intro"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any (values are CLV)
panels.show_flash()

# 1. Issue a list from the churn ranking. Ranked only while the expander is open (at a million
# customers the ranking is seconds of a first render): open at first, while no list exists.
issue = st.expander(
    ctx.t("results.issue"),
    expanded=queries.call_lists(ctx.db).empty,
    key="results_issue_open",
    on_change="rerun",
)
with issue:
    if issue.open:
        panels.issue_panel(ctx)

lists = queries.call_lists(ctx.db)
if lists.empty:
    st.info(ctx.t("results.none"))
    st.stop()

ids = lists["list_id"].tolist()
labels = {
    r.list_id: ctx.t(
        "results.list.label",
        name=r.name,
        date=pd.Timestamp(r.issued_on).date().isoformat(),
        n=fmt.number(r.members),
        control=fmt.number(r.controls),
    )
    for r in lists.itertuples()
}
list_id = translated_choice(
    "selectbox",
    ctx.t("results.list"),
    ids,
    key="results_list",
    lang=ctx.lang,
    format_func=labels.__getitem__,
)
info = lists.set_index("list_id").loc[list_id]
treated_count = int(info["members"]) - int(info["controls"])
st.caption(
    ctx.t(
        "results.list.caption",
        share=fmt.pct(float(info["holdout_share"])),
        control=fmt.number(int(info["controls"])),
        days=int(info["window_days"]),
    )
)

# 2. Outcomes: marked on the table, one at a time, or imported.
st.subheader(ctx.t("results.outcomes"))
# Only the open tab is drawn (the one-customer picker holds every treated member: a hundred
# thousand options at a million customers); a click on a tab reruns the page.
tab_table, tab_one, tab_file = st.tabs(
    [ctx.t("results.tab.table"), ctx.t("results.tab.one"), ctx.t("results.tab.file")],
    key="results_tab",
    on_change="rerun",
)
if tab_table.open:  # the list's first rows only: every member is read by the other two tabs
    with tab_table:
        head = treated_head(ctx.db, list_id, panels.EDITOR_ROWS)
        panels.outcomes_table(ctx, head, treated_count, list_id)
if tab_one.open or tab_file.open:
    members = queries.list_members(ctx.db, list_id)
    treated = members[~members["control"].astype(bool)].reset_index(drop=True)
    if tab_one.open:
        with tab_one:
            panels.outcome_one(ctx, treated, pd.Timestamp(info["issued_on"]).date(), list_id)
    if tab_file.open:
        with tab_file:
            panels.outcome_file(ctx, members, info["name"], list_id)

# 3. Results: treated against control, per level.
st.subheader(ctx.t("results.results"))
pooled = st.toggle(ctx.t("results.pooled"), value=False, key="results_pooled")
table = queries.list_results(ctx.db, tuple(ids) if pooled else (list_id,))
if table.empty:
    st.info(ctx.t("results.empty"))
    st.stop()
overall = table.set_index("level").loc[results.ALL]
low, high = fmt.pct(overall["uplift_low"], 1), fmt.pct(overall["uplift_high"], 1)
verdict_text = {v: ctx.t(f"results.verdict.{v}") for v in results.VERDICTS}
metric_row(
    [  # a grid that wraps rather than cuts a label at 1280×720
        Headline(
            ctx.t("results.m.uplift"),
            fmt.pct(overall["uplift"], 1),
            ctx.t("results.m.uplift.help", low=low, high=high),
        ),
        Headline(ctx.t("results.m.contact_rate"), fmt.pct(overall["contact_rate"])),
        Headline(
            ctx.t("results.m.cost_per_kept"),
            ctx.money(overall["cost_per_kept"]),
            ctx.t("results.m.cost_per_kept.help"),
        ),
        Headline(
            ctx.t("results.m.realised"),
            ctx.money(overall["realised_value"]),
            ctx.t("results.m.realised.help"),
        ),
        Headline(
            ctx.t("results.m.predicted"),
            ctx.money(overall["predicted_value"]),
            ctx.t("results.m.predicted.help"),
        ),
    ],
    border=False,
)
st.markdown(f"**{verdict_text[overall['verdict']]}**")
st.caption(ctx.t("results.interval", low=low, high=high, min=results.MIN_GROUP))
panels.level_table(ctx, table, verdict_text)
if int(overall["controls_contacted"]):
    st.warning(ctx.t("results.controls_contacted", n=fmt.number(int(overall["controls_contacted"]))))

# 4. The typed success rates against the measured ones.
st.subheader(ctx.t("results.success"))
st.caption(ctx.t("results.success.caption"))
panels.success_table(ctx, table, verdict_text)
