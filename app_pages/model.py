"""Predictive CLV model: what was fitted, what frequency and recency mean, does it predict,
and who is slipping away.

Storyboard: why no fit (if so) -> headline for the store scope -> fit warnings -> fitted
parameters with standard errors -> frequency/recency maps of expected visits and P(alive)
-> holdout check (predicted against actual visits) -> customers whose P(alive) fell most.
"""

from __future__ import annotations

import streamlit as st

from clv_engine import status as cs
from ui import model_panels as panels
from ui import queries
from ui.context import page_context
from ui.queries import fitted_model
from ui.queries import predictions as shared_predictions
from ui.widgets import Headline, metric_row
from wording import fmt
from wording.predictive import fit_error_text, note_text
from wording.status import dropout_reasons_text

ctx = page_context()


# -- page -----------------------------------------------------------------------------------
st.title(ctx.t("predictive.title"))
st.caption(ctx.t("predictive.intro", as_of=ctx.as_of.isoformat()))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any

model = fitted_model(ctx.db, ctx.as_of)  # the same cached fit as the sidebar's predictive CLV
if isinstance(model, dict):
    st.warning(f"**{ctx.t('predictive.fit_error.title')}** — {fit_error_text(model, ctx.lang)}")
    st.stop()

params = ctx.clv_params
rules = cs.StatusRules()
# The whole group with the predictions kept in the file: the headline is summed in DuckDB and
# the drops' few rows looked up there (no million-row frame); otherwise from the predictions.
figures = queries.model_headline(ctx.db, ctx.as_of, ctx.store_ids, params)
if figures is None:
    predictions = shared_predictions(ctx.db, ctx.as_of, params.horizon_years, params.discount_rate)
    scoped = panels.in_scope(ctx, predictions)
    if ctx.store_ids:
        st.caption(ctx.t("predictive.scope", n=fmt.number(len(predictions))))
    # The status (days since the last visit) beside P(alive) (the model's estimate): two
    # names, two definitions, so that "active" means one thing on every page.
    figures = panels.headline_of(
        scoped, queries.fitted_active_share(ctx.db, ctx.as_of, ctx.store_ids, params, ctx.clv_model)
    )
    predictions_of = panels.rows_of(predictions)
else:
    predictions_of = panels.kept_rows(ctx, params)
metric_row(
    [  # a grid that wraps rather than cuts a label at 1280×720
        Headline(ctx.t("predictive.m.customers"), fmt.number(figures.customers)),
        Headline(
            ctx.t("predictive.m.active"),
            fmt.pct(figures.likely_alive),
            ctx.t(
                "predictive.m.active.help", active=rules.active_days, status=fmt.pct(figures.status_active)
            ),
        ),
        Headline(
            ctx.t("predictive.m.visits", years=params.horizon_years),
            fmt.number(figures.expected_visits),
            ctx.t("predictive.m.visits.help"),
        ),
        Headline(
            ctx.t("predictive.m.clv"),
            ctx.money(figures.predictive_clv),
            ctx.t("predictive.m.clv.help"),
        ),
        # The spend model's mean is fitted on every store: a group figure beside the scoped ones.
        Headline(
            ctx.t("group.model_gp" if ctx.store_ids else "predictive.m.gp"),
            ctx.money(model.spend.mean_value_per_visit),
            ctx.t("predictive.m.gp.help"),
        ),
    ],
    border=False,
)
check = queries.model_dropout(ctx.db, ctx.as_of)
if check is not None and not check.identifiable:
    st.warning(
        f"**{ctx.t('predictive.dropout.title')}** — "
        + ctx.t("status.p_alive.uninformative", reasons=dropout_reasons_text(check, ctx.lang))
    )
for note in model.warnings:
    st.warning(note_text(note, ctx.lang))
# A visit is an order day of any non-negative amount: only refund-only customers are not in
# the model, and they are counted rather than dropped silently.
summary_facts = queries.model_summary_facts(ctx.db, ctx.as_of)  # (customers, longest T, visits' p99)
refunds_only = queries.customers_with_orders(ctx.db, ctx.as_of) - summary_facts[0]
if refunds_only > 0:
    st.caption(ctx.t("predictive.refunds_only", n=fmt.number(refunds_only)))

# -- fitted parameters ----------------------------------------------------------------------
st.subheader(ctx.t("predictive.params.title"))
panels.params_table(ctx, model)

# -- the maps, the holdout check and the P(alive) drops: each a fragment, its slider reruns
# only its own section ----------------------------------------------------------------------
panels.maps_section(ctx, model, summary_facts)
panels.holdout_section(ctx)
panels.drops_section(ctx, predictions_of)
