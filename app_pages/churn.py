"""Churn early warning: who to call this week, and what acting on the list is worth (SPEC §3).

Storyboard: missing signals -> weights, levels and interventions -> success rates, typed and
measured on the issued lists (the measured one used once the evidence is enough) -> how P(churn)
is read -> filters -> a week's capacity per store (calls or budget) and what the next call would
be worth -> totals for acting on the list -> where to stop calling (cumulative value) and the
levels -> the call list a store works from (phone, last visit, vehicle, store, owner, due date,
a link to the customer's lookup, reasons) -> CSV / Excel named by store and date.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import quote

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import churn, results
from clv_engine import drill as drill_engine
from clv_engine import segmentation as seg
from clv_engine import status as cs
from clv_engine.db import Database
from clv_engine.export import to_csv_bytes, to_excel_bytes
from ui import drill
from ui.access import audited_export
from ui.context import cached, dropout, page_context
from ui.queries import group_churn_calibration
from wording import fmt

ctx = page_context()
lang = ctx.lang
URL = "query-params"
SHOWN_ROWS = 200
DEFAULT_WEIGHTS = churn.RiskWeights().as_dict()
DEFAULT_LEVELS = churn.RiskLevels()
DEFAULT_ACTIONS = {i.level: i for i in churn.INTERVENTIONS}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- cached engine calls (SQL); everything after them is pandas on a few columns ----------
@cached
def _signals(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    return churn.churn_signals(db, as_of, stores)


@cached
def _details(db: Database, as_of: date) -> pd.DataFrame:
    return churn.call_details(db, as_of)


@cached
def _evidence(db: Database, typed: tuple[tuple[str, float], ...]) -> list:
    return results.success_evidence(db, dict(typed))


@cached
def _tiers(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    return seg.score_customers(db, as_of, stores)[["customer_id", "tier"]]


def signal_name(s: str) -> str:
    return ctx.t(f"churn.signal.{s}")


def level_name(level: str) -> str:
    return ctx.t(f"churn.level.{level}")


def tier_name(tier: object) -> str:
    return ctx.t(seg.tier_label_key("rfml", tier)) if isinstance(tier, str) else ""


def reset_weights() -> None:
    for s, w in DEFAULT_WEIGHTS.items():
        st.session_state[f"churn_w_{s}"] = round(w * 100)


# -- page -----------------------------------------------------------------------------------
st.title(ctx.t("churn.title"))
st.caption(ctx.t("churn.intro"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any

signals = _signals(ctx.db, ctx.as_of, ctx.store_ids)
values = ctx.customer_values()
if signals.empty or values.empty:
    st.info(ctx.t("churn.empty"))
    st.stop()
available = signals.attrs["available"]
rules: churn.SignalRules = signals.attrs["rules"]

for s in churn.SIGNALS:
    if s not in available:
        table = churn.SIGNAL_TABLE[s]
        st.info(
            ctx.t(
                "churn.signal.na",
                signal=signal_name(s),
                file=ctx.t(f"churn.signal.na.file.{table}"),
                weight=fmt.pct(DEFAULT_WEIGHTS[s]),
            )
        )

definitions = {
    "spend_drop": ctx.t("churn.signal.spend_drop.def"),
    "frequency_drop": ctx.t("churn.signal.frequency_drop.def"),
    "complaints": ctx.t("churn.signal.complaints.def", cap=rules.complaint_cap),
    "competitor": ctx.t("churn.signal.competitor.def", days=rules.competitor_horizon_days),
    "cancellations": ctx.t("churn.signal.cancellations.def", n=rules.min_appointments),
}

with st.expander(ctx.t("churn.weights")):
    st.caption(ctx.t("churn.weights.caption"))
    cols = st.columns(len(churn.SIGNALS))
    percent = {}
    for col, s in zip(cols, churn.SIGNALS):
        percent[s] = col.slider(
            signal_name(s), 0, 100, round(DEFAULT_WEIGHTS[s] * 100), 1, format="%d%%",
            key=f"churn_w_{s}", help=definitions[s], bind=URL,
        )
    total = sum(percent.values())
    left, right = st.columns([3, 1])
    left.caption(ctx.t("churn.weights.sum", sum=f"{total}%"))
    right.button(ctx.t("churn.weights.reset"), on_click=reset_weights, key="churn_reset")
    st.caption(ctx.t("churn.evidence.note"))

weights = churn.RiskWeights(**{s: p / 100 for s, p in percent.items()})
if total != 100:
    st.error(ctx.t("churn.weights.error", sum=f"{total}%"))
    st.stop()

with st.expander(ctx.t("churn.levels")):
    st.caption(ctx.t("churn.levels.caption"))
    c1, c2, c3 = st.columns(3)
    high_min = c1.slider(ctx.t("churn.threshold.high"), 0.05, 1.0, DEFAULT_LEVELS.high_min, 0.05,
                         key="churn_high_min", bind=URL)
    mid_min = c2.slider(ctx.t("churn.threshold.mid"), 0.05, 1.0, DEFAULT_LEVELS.mid_min, 0.05,
                        key="churn_mid_min", bind=URL)
    low_min = c3.slider(ctx.t("churn.threshold.low"), 0.05, 1.0, DEFAULT_LEVELS.low_min, 0.05,
                        key="churn_low_min", bind=URL)
    actions = []
    for col, level in zip((c1, c2, c3), churn.LEVELS):
        default = DEFAULT_ACTIONS[level]
        col.markdown(f"**{level_name(level)}** · {ctx.t(f'churn.action.{level}')} · "
                     f"{ctx.t('churn.lead', n=default.lead_months)}")
        cost = col.number_input(ctx.t("churn.cost", level=level_name(level)), 0.0, 1_000_000.0,
                                default.cost, 50.0, key=f"churn_cost_{level}", bind=URL)
        success = col.slider(ctx.t("churn.success", level=level_name(level)), 0, 100,
                             round(default.success * 100), 1, format="%d%%",
                             key=f"churn_success_{level}", bind=URL)
        actions.append(replace(default, cost=float(cost), success=success / 100))

# Success rates: the typed prior, or what the issued lists measured once the evidence is enough.
evidence = _evidence(ctx.db, tuple((a.level, a.success) for a in actions))
use_measured = st.toggle(ctx.t("churn.measured.use"), value=True, key="churn_use_measured", bind=URL,
                         help=ctx.t("churn.measured.help"))
actions, rate_source = churn.measured_interventions(actions, evidence, use_measured)
with st.expander(ctx.t("churn.measured"), expanded=any(s == "measured" for s in rate_source.values())):
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("churn.col.level"): [level_name(e.level) for e in evidence],
                ctx.t("churn.measured.typed"): [e.typed for e in evidence],
                # Text, so a level with nothing measured reads "—" (a missing number draws "None").
                ctx.t("churn.measured.measured"): [fmt.pct(e.measured, 1) if np.isfinite(e.measured) else "—"
                                                   for e in evidence],
                ctx.t("churn.measured.interval"): [
                    "—" if not np.isfinite(e.low) else f"{fmt.pct(e.low, 1)} – {fmt.pct(e.high, 1)}"
                    for e in evidence],
                ctx.t("churn.measured.treated"): [e.treated for e in evidence],
                ctx.t("churn.measured.control"): [e.control for e in evidence],
                ctx.t("churn.measured.evidence"): [ctx.t(f"results.verdict.{e.verdict}") for e in evidence],
                ctx.t("churn.measured.used"): [
                    ctx.t(f"churn.measured.source.{rate_source[e.level]}",
                          rate=fmt.pct(next(a.success for a in actions if a.level == e.level)))
                    for e in evidence],
            }
        ),
        hide_index=True,
        column_config={
            ctx.t("churn.measured.typed"): st.column_config.NumberColumn(format="percent"),
        },
    )
    st.caption(ctx.t("churn.measured.caption", n=results.MIN_GROUP))

levels = churn.RiskLevels(high_min, mid_min, low_min)
try:
    scored = churn.score_risk(signals, weights, levels)
except ValueError as error:
    st.error(str(error))
    st.stop()
used = scored.attrs["weights"]
st.caption(
    ctx.t("churn.effective") + ": "
    + " · ".join(f"{signal_name(s)} {fmt.pct(used[s], 1)}" for s in churn.SIGNALS if s in available)
)

# How P(churn) is read from the score. Calibrated on every customer (not the store scope), so
# a customer's P(churn) and expected value are the same here, in lookup and in the exports.
calibration = group_churn_calibration(ctx.db, ctx.as_of, weights, levels)  # a group figure
has_p_alive = "p_alive" in values.columns
fit_check = dropout(ctx.db, ctx.as_of) if has_p_alive else None
why_not = churn.p_churn_methods(calibration, has_p_alive, fit_check)
methods = [m for m in churn.P_CHURN_METHODS if why_not[m] is None]
method = st.radio(ctx.t("churn.p.method"), methods, format_func=lambda m: ctx.t(f"churn.p.{m}"),
                  horizontal=True, key="churn_p_method", bind=URL)
if why_not["model"] == "not_identifiable":
    st.caption(ctx.t("churn.p.model.disabled", reasons=cs.dropout_reasons_text(fit_check, lang)))
if calibration is not None and not calibration.auc > 0.55:
    st.warning(ctx.t("churn.p.calibrated.weak", auc=f"{calibration.auc:.2f}"))
if method == "calibrated" and calibration is not None:
    st.caption(
        ctx.t(
            "churn.p.calibrated.caption",
            ref=calibration.reference_date.isoformat(),
            days=calibration.horizon_days,
            a=f"{calibration.intercept:.2f}",
            b=f"{calibration.slope:.2f}",
            n=fmt.number(calibration.customers),
            base=fmt.pct(calibration.base_rate, 1),
            auc=f"{calibration.auc:.2f}",
        )
        + " " + ctx.t("churn.p.calibrated.all")
    )
    # Its bands count every customer of the group: named so when only some stores are shown.
    with st.expander(ctx.t("group.churn_calibration" if ctx.store_ids else "churn.calibration")):
        bands = calibration.table[calibration.table["customers"] > 0]
        st.dataframe(
            pd.DataFrame(
                {
                    ctx.t("churn.calibration.band"): [f"{lo:.1f}–{hi:.1f}" for lo, hi in
                                                      zip(bands["band_low"], bands["band_high"])],
                    ctx.t("churn.calibration.customers"): bands["customers"],
                    ctx.t("churn.calibration.rate"): bands["rate"],
                    ctx.t("churn.calibration.p"): bands["p_churn"],
                }
            ),
            hide_index=True,
            column_config={
                ctx.t("churn.calibration.rate"): st.column_config.NumberColumn(format="percent"),
                ctx.t("churn.calibration.p"): st.column_config.NumberColumn(format="percent"),
            },
        )
else:
    if calibration is None:
        st.caption(ctx.t("churn.p.calibrated.none"))
    st.caption(ctx.t(f"churn.p.{method}.caption"))

tiers = _tiers(ctx.db, ctx.as_of, ctx.store_ids)
full_list = churn.call_list(scored, values, method, calibration, actions, tiers)
# What the caller needs; the list is issued on the as-of date and due a working week later.
full_list = churn.add_call_details(full_list, _details(ctx.db, ctx.as_of), ctx.as_of)

# Filters on the list.
stores = ctx.stores()
if ctx.store_ids:
    stores = stores[stores["store_id"].isin(ctx.store_ids)]
store_names = dict(zip(stores["store_id"], stores["name"]))
f1, f2, f3 = st.columns(3)
chosen_stores = f1.multiselect(ctx.t("churn.filter.stores"), list(store_names),
                               format_func=lambda s: store_names.get(s, s), key="churn_stores",
                               placeholder=ctx.t("churn.filter.all"), bind=URL)
chosen_tiers = f2.multiselect(ctx.t("churn.filter.tiers"), list(seg.RFML_TIERS), format_func=tier_name,
                              key="churn_tiers", placeholder=ctx.t("churn.filter.all"), bind=URL)
chosen_levels = f3.multiselect(ctx.t("churn.filter.levels"), list(churn.LEVELS), format_func=level_name,
                               key="churn_levels", placeholder=ctx.t("churn.filter.all"), bind=URL)
paying = st.toggle(ctx.t("churn.filter.paying"), value=True, key="churn_paying", bind=URL)
shown = churn.filter_list(full_list, chosen_stores, chosen_tiers, chosen_levels, paying)

# A week's capacity per store: the calls that make the most expected value within it.
c1, c2 = st.columns([2, 1])
capacity_kind = c1.radio(ctx.t("churn.capacity"), ["none", *churn.CAPACITY_KINDS], horizontal=True,
                         format_func=lambda k: ctx.t(f"churn.capacity.{k}"), key="churn_capacity_kind",
                         bind=URL, help=ctx.t("churn.capacity.help"))
per_store = None


def store_capacities(common: float, kind: str, step: float) -> dict[str, float]:
    """Each store in the list: its own capacity where one is typed, else the common one."""
    out = {}
    with st.expander(ctx.t("churn.capacity.by_store")):
        st.caption(ctx.t("churn.capacity.by_store.caption"))
        in_list = sorted(set(shown["home_store_id"].fillna("").astype(str)))
        cols = st.columns(4)
        for n, store in enumerate(in_list):
            label = store_names.get(store, store) or ctx.t("churn.store.none")
            own = cols[n % 4].number_input(label, min_value=0.0, value=None, step=step,
                                           key=f"churn_capacity_{kind}_{store}", placeholder=f"{common:,.0f}")
            out[store] = float(common if own is None else own)
    return out


if capacity_kind == "calls":
    calls = c2.number_input(ctx.t("churn.capacity.calls.value"), 0, 100_000, 20, 1, key="churn_capacity_calls",
                            bind=URL)
    shown, per_store = churn.within_capacity(shown, "calls", store_capacities(int(calls), "calls", 1.0))
elif capacity_kind == "budget":
    budget = c2.number_input(ctx.t("churn.capacity.budget.value", currency=ctx.currency), 0.0, 100_000_000.0,
                             10_000.0, 500.0, key="churn_capacity_budget", bind=URL)
    shown, per_store = churn.within_capacity(shown, "budget", store_capacities(float(budget), "budget", 500.0))

# Totals for acting on the whole (filtered) list.
st.subheader(ctx.t("churn.totals"))
totals = churn.list_totals(shown)
m = st.columns(5)
m[0].metric(ctx.t("churn.m.customers"), fmt.number(totals.customers))
m[1].metric(ctx.t("churn.m.cost"), ctx.money(totals.cost))
m[2].metric(ctx.t("churn.m.saved_customers"), fmt.people(totals.customers_saved),
            help=ctx.t("churn.m.customers_saved.help"))
m[3].metric(ctx.t("churn.m.saved"), ctx.money(totals.clv_saved), help=ctx.t("churn.m.saved.help"))
m[4].metric(ctx.t("churn.m.multiple"), fmt.multiple(totals.multiple), help=ctx.t("churn.m.multiple.help"))
lapsed = int((scored["level"] == churn.LAPSED).sum())
st.caption(ctx.t("churn.lapsed.note", n=fmt.number(lapsed), days=rules.watch_days) + " "
           + ctx.t("churn.spec_seed"),
           help=ctx.t("status.lapsed.help", lapsed=rules.watch_days))

if per_store is not None and len(per_store):
    names = dict(zip(ctx.stores()["store_id"], ctx.stores()["name"]))
    best = per_store.sort_values("next_value", ascending=False, na_position="last").iloc[0]
    if np.isfinite(best["next_value"]):
        key = "churn.capacity.next.budget" if capacity_kind == "budget" else "churn.capacity.next.calls"
        st.info(ctx.t(key, value=ctx.money(best["next_value"]), store=names.get(best["store_id"], best["store_id"]),
                      cost=ctx.money(best["next_cost"]), gain=ctx.money(best["next_gain"])))
    else:
        st.caption(ctx.t("churn.capacity.all_in"))
    money = st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("churn.col.store"): [names.get(s, s) or ctx.t("churn.store.none") for s in per_store["store_id"]],
                ctx.t(f"churn.capacity.col.{capacity_kind}"): per_store["capacity"],
                ctx.t("churn.capacity.col.calls_made"): per_store["calls"],
                ctx.t("churn.col.cost"): per_store["cost"],
                ctx.t("churn.capacity.col.net"): per_store["net_value"].round(0),
                ctx.t("churn.capacity.col.next"): per_store["next_value"].round(0),
                **({ctx.t("churn.capacity.col.gain"): per_store["next_gain"].round(0)}
                   if capacity_kind == "budget" else {}),
            }
        ),
        hide_index=True,
        column_config={
            ctx.t("churn.col.cost"): money,
            ctx.t("churn.capacity.col.net"): money,
            ctx.t("churn.capacity.col.next"): money,
            ctx.t("churn.capacity.col.gain"): money,
            ctx.t("churn.capacity.col.budget"): money,
        },
    )

if shown.empty:
    st.info(ctx.t("churn.list.empty"))
    st.stop()

left, right = st.columns(2)
with left:
    st.markdown(f"**{ctx.t('churn.chart.title')}**")
    # The net value of acting on the top n customers of the ranking.
    cumulative = np.cumsum(shown["expected_value"].to_numpy(dtype=float))
    step = max(1, len(cumulative) // 400)
    x = np.arange(1, len(cumulative) + 1)
    # Chinese readers get the money axis in 万.
    scale, axis = (1e4, dict(tickprefix="¥", ticksuffix="万", tickformat=",.0f")) if lang == "zh" else (1.0, dict(tickprefix="¥", tickformat="~s"))
    # Markers (small) so a point can be clicked: customdata n lists the first n customers (ui.drill).
    fig = go.Figure(go.Scatter(x=x[::step], y=cumulative[::step] / scale, mode="lines+markers",
                               marker=dict(size=4), customdata=x[::step]))
    best = int(np.argmax(cumulative))
    fig.add_vline(x=best + 1, line_dash="dot")
    fig.add_annotation(x=best + 1, y=cumulative[best] / scale, text=ctx.t("churn.chart.best", n=fmt.number(best + 1)),
                       showarrow=True, xanchor="right")
    fig.update_layout(
        xaxis_title=ctx.t("churn.chart.called"),
        yaxis_title=ctx.t("churn.chart.cumulative"),
        yaxis=axis,
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
    )
    curve_event = st.plotly_chart(fig, width="stretch", key="churn_chart_curve", on_select="rerun",
                                  selection_mode="points")
with right:
    st.markdown(f"**{ctx.t('churn.by_level')}**")
    summary = churn.level_summary(shown)
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("churn.col.level"): [level_name(lv) for lv in summary["level"]],
                ctx.t("churn.calibration.customers"): summary["customers"],
                ctx.t("churn.col.cost"): summary["cost"],
                ctx.t("churn.col.clv_saved"): summary["clv_saved"].round(0),
                # No cost, no multiple: "—" (st.dataframe would draw a missing number as "None").
                ctx.t("churn.col.multiple"): [fmt.multiple(v) for v in summary["multiple"]],
            }
        ),
        hide_index=True,
        column_config={
            ctx.t("churn.col.cost"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency)),
            ctx.t("churn.col.clv_saved"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency)),
        },
    )

# -- click through: the first n customers of the ranking, from the clicked point --
drill.customer_list_for(ctx, curve_event, shown, ("n",), key="churn_drill",
                        describe=lambda k: ctx.t("drill.first_n", n=fmt.number(k["n"])),
                        select=lambda frame, points: drill_engine.top_of_ranking(frame, points))
# --

st.subheader(ctx.t("churn.list"))
st.caption(ctx.t("churn.list.caption", n=fmt.number(len(shown)), shown=min(SHOWN_ROWS, len(shown))))
st.caption(ctx.t("churn.list.due", days=churn.DUE_DAYS, due=(ctx.as_of + pd.Timedelta(days=churn.DUE_DAYS)).isoformat()))
table = churn.export_frame(shown.head(SHOWN_ROWS), lang)
# Each row opens the customer's lookup (its search box reads lookup_query from the address).
# The id is URL-encoded and only ever a link's address: the cell shows a fixed word.
table.insert(2, ctx.t("churn.col.open"),
             ["lookup?lookup_query=" + quote(str(c), safe="") for c in shown.head(SHOWN_ROWS)["customer_id"]])
st.dataframe(
    table,
    hide_index=True,
    height=420,
    column_config={
        ctx.t("churn.col.open"): st.column_config.LinkColumn(display_text=ctx.t("churn.open")),
        ctx.t("churn.col.due"): st.column_config.DateColumn(format="YYYY-MM-DD"),
        ctx.t("churn.col.last_visit"): st.column_config.DateColumn(format="YYYY-MM-DD"),
        ctx.t("churn.col.p_churn"): st.column_config.NumberColumn(format="percent"),
        ctx.t("churn.col.success"): st.column_config.NumberColumn(format="percent"),
        ctx.t("churn.col.clv"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency)),
        ctx.t("churn.col.ev"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency)),
        ctx.t("churn.col.cost"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency)),
        ctx.t("churn.col.reasons"): st.column_config.TextColumn(width="large"),
    },
)


def _method_sheet() -> pd.DataFrame:
    used = scored.attrs["weights"]
    rows = [
        (ctx.t("churn.method.as_of"), ctx.as_of.isoformat()),
        (ctx.t("churn.method.p"), ctx.t(f"churn.p.{method}")),
        (ctx.t("churn.method.formula"), ctx.t("churn.method.formula.value")),
    ]
    rows += [(ctx.t("churn.method.weight", signal=signal_name(s)), fmt.pct(used[s], 1)) for s in churn.SIGNALS]
    rows += [(signal_name(s), definitions[s]) for s in churn.SIGNALS]
    rows += [(ctx.t("churn.method.success", level=level_name(a.level)),
              ctx.t(f"churn.measured.source.{rate_source[a.level]}", rate=fmt.pct(a.success))) for a in actions]
    rows.append((ctx.t("churn.col.due"), ctx.t("churn.method.due", days=churn.DUE_DAYS)))
    if capacity_kind == "calls":
        rows.append((ctx.t("churn.capacity"), ctx.t("churn.method.capacity.calls", n=int(calls))))
    elif capacity_kind == "budget":
        rows.append((ctx.t("churn.capacity"), ctx.t("churn.method.capacity.budget", budget=ctx.money(budget))))
    return pd.DataFrame(rows, columns=[ctx.t("churn.method.item"), ctx.t("churn.method.value")])


def _levels_sheet() -> pd.DataFrame:
    summary = churn.level_summary(shown)
    return pd.DataFrame(
        {
            ctx.t("churn.col.level"): [level_name(lv) for lv in summary["level"]],
            ctx.t("churn.col.action"): [ctx.t(f"churn.action.{lv}") for lv in summary["level"]],
            ctx.t("churn.m.customers"): summary["customers"],
            ctx.t("churn.col.cost"): summary["cost"],
            ctx.t("churn.col.customers_saved"): summary["customers_saved"].round(0),  # people are whole
            ctx.t("churn.col.clv_saved"): summary["clv_saved"],
            ctx.t("churn.col.multiple"): summary["multiple"],
        }
    )


# The files hold the whole filtered list; they are built only when a button is clicked.
def _csv() -> bytes:
    return to_csv_bytes(churn.export_frame(shown, lang))


def _xlsx() -> bytes:
    return to_excel_bytes(
        {
            ctx.t("churn.sheet.list"): churn.export_frame(shown, lang),
            ctx.t("churn.sheet.levels"): _levels_sheet(),
            ctx.t("churn.sheet.method"): _method_sheet(),
        },
        number_formats={ctx.t("churn.col.p_churn"): "0.0%", ctx.t("churn.col.success"): "0%"}
        | {ctx.t(f"churn.col.{k}"): fmt.excel_money_format(ctx.currency)
           for k in ("clv", "cost", "ev", "clv_saved")},
    )


# The file says whose list it is and of which day.
scope_ids = chosen_stores or list(ctx.store_ids or [])
name = churn.list_file_name(ctx.t("churn.file"), [store_names.get(s, s) for s in scope_ids],
                            ctx.t("churn.file.all_stores"), ctx.as_of)
d1, d2, _ = st.columns([1, 1, 4])
# The call list is a customer list: logged when downloaded, not offered to an analyst.
no_export = not ctx.viewer.can_export_customers
d1.download_button(ctx.t("churn.download.csv"), audited_export(ctx, "churn_call_list", len(shown), _csv),
                   file_name=f"{name}.csv", mime="text/csv",
                   key="churn_dl_csv", on_click="ignore", disabled=no_export)
d2.download_button(ctx.t("churn.download.xlsx"), audited_export(ctx, "churn_call_list", len(shown), _xlsx),
                   file_name=f"{name}.xlsx", mime=XLSX,
                   key="churn_dl_xlsx", on_click="ignore", disabled=no_export)
