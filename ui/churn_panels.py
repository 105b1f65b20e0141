"""Panels of the churn page (app_pages/churn.py): each draws one step of its storyboard and
returns what the next step needs. Figures come from clv_engine.churn; words from the catalogue
and wording.churn."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import churn, results
from clv_engine import segmentation as seg
from clv_engine.export import to_csv_bytes, to_excel_bytes
from ui.access import audited_export
from ui.context import Context
from wording import fmt
from wording.churn import export_frame
from wording.segmentation import tier_label
from wording.status import dropout_reasons_text

URL = "query-params"
SHOWN_ROWS = 200
DEFAULT_WEIGHTS = churn.RiskWeights().as_dict()
DEFAULT_LEVELS = churn.RiskLevels()
DEFAULT_ACTIONS = {i.level: i for i in churn.INTERVENTIONS}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_COLUMNS = ("clv", "cost", "ev", "clv_saved")


def signal_name(ctx: Context, s: str) -> str:
    return ctx.t(f"churn.signal.{s}")


def level_name(ctx: Context, level: str) -> str:
    return ctx.t(f"churn.level.{level}")


def reset_weights() -> None:
    for s, w in DEFAULT_WEIGHTS.items():
        st.session_state[f"churn_w_{s}"] = round(w * 100)


def missing_signals(ctx: Context, available: tuple[str, ...]) -> None:
    """Each signal without data, and the file that would enable it."""
    for s in churn.SIGNALS:
        if s not in available:
            st.info(ctx.t("churn.signal.na", signal=signal_name(ctx, s),
                          file=ctx.t(f"churn.signal.na.file.{churn.SIGNAL_TABLE[s]}"),
                          weight=fmt.pct(DEFAULT_WEIGHTS[s])))


def definitions(ctx: Context, rules: churn.SignalRules) -> dict[str, str]:
    """How each signal is measured, in the reader's language."""
    return {
        "spend_drop": ctx.t("churn.signal.spend_drop.def"),
        "frequency_drop": ctx.t("churn.signal.frequency_drop.def"),
        "complaints": ctx.t("churn.signal.complaints.def", cap=rules.complaint_cap),
        "competitor": ctx.t("churn.signal.competitor.def", days=rules.competitor_horizon_days),
        "cancellations": ctx.t("churn.signal.cancellations.def", n=rules.min_appointments),
    }


def weights(ctx: Context, defs: dict[str, str]) -> churn.RiskWeights | None:
    """The weight sliders; None (with the error shown) when they do not sum to 100%."""
    with st.expander(ctx.t("churn.weights")):
        st.caption(ctx.t("churn.weights.caption"))
        percent = {}
        for col, s in zip(st.columns(len(churn.SIGNALS)), churn.SIGNALS):
            percent[s] = col.slider(
                signal_name(ctx, s), 0, 100, round(DEFAULT_WEIGHTS[s] * 100), 1, format="%d%%",
                key=f"churn_w_{s}", help=defs[s], bind=URL,
            )
        total = sum(percent.values())
        left, right = st.columns([3, 1])
        left.caption(ctx.t("churn.weights.sum", sum=f"{total}%"))
        right.button(ctx.t("churn.weights.reset"), on_click=reset_weights, key="churn_reset")
        st.caption(ctx.t("churn.evidence.note"))
    if total != 100:
        st.error(ctx.t("churn.weights.error", sum=f"{total}%"))
        return None
    return churn.RiskWeights(**{s: p / 100 for s, p in percent.items()})


def levels_and_actions(ctx: Context) -> tuple[churn.RiskLevels, list[churn.Intervention]]:
    """Level thresholds and each level's intervention (cost, success rate)."""
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
            name = level_name(ctx, level)
            col.markdown(f"**{name}** · {ctx.t(f'churn.action.{level}')} · "
                         f"{ctx.t('churn.lead', n=default.lead_months)}")
            cost = col.number_input(ctx.t("churn.cost", level=name), 0.0, 1_000_000.0,
                                    default.cost, 50.0, key=f"churn_cost_{level}", bind=URL)
            success = col.slider(ctx.t("churn.success", level=name), 0, 100,
                                 round(default.success * 100), 1, format="%d%%",
                                 key=f"churn_success_{level}", bind=URL)
            actions.append(replace(default, cost=float(cost), success=success / 100))
    return churn.RiskLevels(high_min, mid_min, low_min), actions


def measured_success(ctx: Context, evidence: list, actions: list[churn.Intervention],
                     rate_source: dict[str, str]) -> None:
    """Typed and measured success rates side by side, and the one in use."""
    used = {a.level: a.success for a in actions}
    with st.expander(ctx.t("churn.measured"), expanded=any(s == "measured" for s in rate_source.values())):
        st.dataframe(
            pd.DataFrame(
                {
                    ctx.t("churn.col.level"): [level_name(ctx, e.level) for e in evidence],
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
                        ctx.t(f"churn.measured.source.{rate_source[e.level]}", rate=fmt.pct(used[e.level]))
                        for e in evidence],
                }
            ),
            hide_index=True,
            column_config={ctx.t("churn.measured.typed"): st.column_config.NumberColumn(format="percent")},
        )
        st.caption(ctx.t("churn.measured.caption", n=results.MIN_GROUP))


def p_churn_method(ctx: Context, calibration: churn.Calibration | None, has_p_alive: bool, fit_check) -> str:
    """How P(churn) is read from the score: the choice, why a method is withheld, the fit."""
    why_not = churn.p_churn_methods(calibration, has_p_alive, fit_check)
    methods = [m for m in churn.P_CHURN_METHODS if why_not[m] is None]
    method = st.radio(ctx.t("churn.p.method"), methods, format_func=lambda m: ctx.t(f"churn.p.{m}"),
                      horizontal=True, key="churn_p_method", bind=URL)
    if why_not["model"] == "not_identifiable":
        st.caption(ctx.t("churn.p.model.disabled", reasons=dropout_reasons_text(fit_check, ctx.lang)))
    if calibration is not None and not calibration.auc > 0.55:
        st.warning(ctx.t("churn.p.calibrated.weak", auc=f"{calibration.auc:.2f}"))
    if method == "calibrated" and calibration is not None:
        st.caption(
            ctx.t("churn.p.calibrated.caption", ref=calibration.reference_date.isoformat(),
                  days=calibration.horizon_days, a=f"{calibration.intercept:.2f}", b=f"{calibration.slope:.2f}",
                  n=fmt.number(calibration.customers), base=fmt.pct(calibration.base_rate, 1),
                  auc=f"{calibration.auc:.2f}")
            + " " + ctx.t("churn.p.calibrated.all")
        )
        # Its bands count every customer of the group: named so when only some stores are shown.
        with st.expander(ctx.t("group.churn_calibration" if ctx.store_ids else "churn.calibration")):
            bands = calibration.table[calibration.table["customers"] > 0]
            percent = st.column_config.NumberColumn(format="percent")
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
                column_config={ctx.t("churn.calibration.rate"): percent, ctx.t("churn.calibration.p"): percent},
            )
    else:
        if calibration is None:
            st.caption(ctx.t("churn.p.calibrated.none"))
        st.caption(ctx.t(f"churn.p.{method}.caption"))
    return method


def store_names(ctx: Context) -> dict[str, str]:
    """{store id: name} of the stores in the sidebar's scope."""
    stores = ctx.stores()
    if ctx.store_ids:
        stores = stores[stores["store_id"].isin(ctx.store_ids)]
    return dict(zip(stores["store_id"], stores["name"]))


def filters(ctx: Context, full_list: pd.DataFrame, names: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """The list narrowed by store, tier, level and to where acting pays (ids in state)."""
    f1, f2, f3 = st.columns(3)
    everyone = ctx.t("churn.filter.all")
    chosen_stores = f1.multiselect(ctx.t("churn.filter.stores"), list(names), format_func=lambda s: names.get(s, s),
                                   key="churn_stores", placeholder=everyone, bind=URL)
    chosen_tiers = f2.multiselect(ctx.t("churn.filter.tiers"), list(seg.RFML_TIERS),
                                  format_func=lambda x: tier_label("rfml", x, ctx.lang),
                                  key="churn_tiers", placeholder=everyone, bind=URL)
    chosen_levels = f3.multiselect(ctx.t("churn.filter.levels"), list(churn.LEVELS),
                                   format_func=lambda x: level_name(ctx, x),
                                   key="churn_levels", placeholder=everyone, bind=URL)
    paying = st.toggle(ctx.t("churn.filter.paying"), value=True, key="churn_paying", bind=URL)
    return churn.filter_list(full_list, chosen_stores, chosen_tiers, chosen_levels, paying), chosen_stores


def _store_capacities(ctx: Context, shown: pd.DataFrame, names: dict[str, str], common: float, kind: str,
                      step: float) -> dict[str, float]:
    """Each store in the list: its own capacity where one is typed, else the common one."""
    out = {}
    with st.expander(ctx.t("churn.capacity.by_store")):
        st.caption(ctx.t("churn.capacity.by_store.caption"))
        cols = st.columns(4)
        for n, store in enumerate(sorted(set(shown["home_store_id"].fillna("").astype(str)))):
            label = names.get(store, store) or ctx.t("churn.store.none")
            own = cols[n % 4].number_input(label, min_value=0.0, value=None, step=step,
                                           key=f"churn_capacity_{kind}_{store}", placeholder=f"{common:,.0f}")
            out[store] = float(common if own is None else own)
    return out


def capacity(ctx: Context, shown: pd.DataFrame, names: dict[str, str]):
    """A week's capacity per store: (list within it, per-store table or None, kind, amount)."""
    c1, c2 = st.columns([2, 1])
    kind = c1.radio(ctx.t("churn.capacity"), ["none", *churn.CAPACITY_KINDS], horizontal=True,
                    format_func=lambda k: ctx.t(f"churn.capacity.{k}"), key="churn_capacity_kind",
                    bind=URL, help=ctx.t("churn.capacity.help"))
    if kind == "calls":
        amount = c2.number_input(ctx.t("churn.capacity.calls.value"), 0, 100_000, 20, 1,
                                 key="churn_capacity_calls", bind=URL)
        limits = _store_capacities(ctx, shown, names, int(amount), "calls", 1.0)
    elif kind == "budget":
        amount = c2.number_input(ctx.t("churn.capacity.budget.value", currency=ctx.currency), 0.0, 100_000_000.0,
                                 10_000.0, 500.0, key="churn_capacity_budget", bind=URL)
        limits = _store_capacities(ctx, shown, names, float(amount), "budget", 500.0)
    else:
        return shown, None, kind, None
    picked, per_store = churn.within_capacity(shown, kind, limits)
    return picked, per_store, kind, amount


def totals(ctx: Context, shown: pd.DataFrame, scored: pd.DataFrame, rules: churn.SignalRules) -> None:
    """What acting on the whole (filtered) list costs and keeps."""
    st.subheader(ctx.t("churn.totals"))
    sums = churn.list_totals(shown)
    m = st.columns(5)
    m[0].metric(ctx.t("churn.m.customers"), fmt.number(sums.customers))
    m[1].metric(ctx.t("churn.m.cost"), ctx.money(sums.cost))
    m[2].metric(ctx.t("churn.m.saved_customers"), fmt.people(sums.customers_saved),
                help=ctx.t("churn.m.customers_saved.help"))
    m[3].metric(ctx.t("churn.m.saved"), ctx.money(sums.clv_saved), help=ctx.t("churn.m.saved.help"))
    m[4].metric(ctx.t("churn.m.multiple"), fmt.multiple(sums.multiple), help=ctx.t("churn.m.multiple.help"))
    lapsed = int((scored["level"] == churn.LAPSED).sum())
    st.caption(ctx.t("churn.lapsed.note", n=fmt.number(lapsed), days=rules.watch_days) + " "
               + ctx.t("churn.spec_seed"), help=ctx.t("status.lapsed.help", lapsed=rules.watch_days))


def per_store_capacity(ctx: Context, per_store: pd.DataFrame, kind: str) -> None:
    """Per store: calls made within the capacity, and what the next call would be worth."""
    names = dict(zip(ctx.stores()["store_id"], ctx.stores()["name"]))
    best = per_store.sort_values("next_value", ascending=False, na_position="last").iloc[0]
    if np.isfinite(best["next_value"]):
        key = "churn.capacity.next.budget" if kind == "budget" else "churn.capacity.next.calls"
        st.info(ctx.t(key, value=ctx.money(best["next_value"]), store=names.get(best["store_id"], best["store_id"]),
                      cost=ctx.money(best["next_cost"]), gain=ctx.money(best["next_gain"])))
    else:
        st.caption(ctx.t("churn.capacity.all_in"))
    money = st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("churn.col.store"): [names.get(s, s) or ctx.t("churn.store.none") for s in per_store["store_id"]],
                ctx.t(f"churn.capacity.col.{kind}"): per_store["capacity"],
                ctx.t("churn.capacity.col.calls_made"): per_store["calls"],
                ctx.t("churn.col.cost"): per_store["cost"],
                ctx.t("churn.capacity.col.net"): per_store["net_value"].round(0),
                ctx.t("churn.capacity.col.next"): per_store["next_value"].round(0),
                **({ctx.t("churn.capacity.col.gain"): per_store["next_gain"].round(0)} if kind == "budget" else {}),
            }
        ),
        hide_index=True,
        column_config={ctx.t(k): money for k in ("churn.col.cost", "churn.capacity.col.net", "churn.capacity.col.next",
                                                  "churn.capacity.col.gain", "churn.capacity.col.budget")},
    )


def where_to_stop(ctx: Context, shown: pd.DataFrame):
    """The net value of calling the first n of the ranking, peak marked (clickable points)."""
    st.markdown(f"**{ctx.t('churn.chart.title')}**")
    cumulative, best_n = churn.best_call_count(shown)
    step = max(1, len(cumulative) // 400)
    x = np.arange(1, len(cumulative) + 1)
    # Chinese readers get the money axis in 万.
    if ctx.lang == "zh":
        scale, axis = 1e4, dict(tickprefix="¥", ticksuffix="万", tickformat=",.0f")
    else:
        scale, axis = 1.0, dict(tickprefix="¥", tickformat="~s")
    # Markers (small) so a point can be clicked: customdata n lists the first n customers (ui.drill).
    fig = go.Figure(go.Scatter(x=x[::step], y=cumulative[::step] / scale, mode="lines+markers",
                               marker=dict(size=4), customdata=x[::step]))
    fig.add_vline(x=best_n, line_dash="dot")
    fig.add_annotation(x=best_n, y=cumulative[best_n - 1] / scale, text=ctx.t("churn.chart.best", n=fmt.number(best_n)),
                       showarrow=True, xanchor="right")
    fig.update_layout(xaxis_title=ctx.t("churn.chart.called"), yaxis_title=ctx.t("churn.chart.cumulative"),
                      yaxis=axis, height=320, margin=dict(l=10, r=10, t=10, b=10))
    return st.plotly_chart(fig, width="stretch", key="churn_chart_curve", on_select="rerun", selection_mode="points")


def by_level(ctx: Context, shown: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('churn.by_level')}**")
    summary = churn.level_summary(shown)
    money = st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("churn.col.level"): [level_name(ctx, lv) for lv in summary["level"]],
                ctx.t("churn.calibration.customers"): summary["customers"],
                ctx.t("churn.col.cost"): summary["cost"],
                ctx.t("churn.col.clv_saved"): summary["clv_saved"].round(0),
                # No cost, no multiple: "—" (st.dataframe would draw a missing number as "None").
                ctx.t("churn.col.multiple"): [fmt.multiple(v) for v in summary["multiple"]],
            }
        ),
        hide_index=True,
        column_config={ctx.t("churn.col.cost"): money, ctx.t("churn.col.clv_saved"): money},
    )


def call_list_table(ctx: Context, shown: pd.DataFrame) -> None:
    """The first rows of the list a store works from, each opening the customer's lookup."""
    from urllib.parse import quote

    st.subheader(ctx.t("churn.list"))
    st.caption(ctx.t("churn.list.caption", n=fmt.number(len(shown)), shown=min(SHOWN_ROWS, len(shown))))
    due = ctx.as_of + pd.Timedelta(days=churn.DUE_DAYS)
    st.caption(ctx.t("churn.list.due", days=churn.DUE_DAYS, due=due.isoformat()))
    head = shown.head(SHOWN_ROWS)
    table = export_frame(head, ctx.lang)
    # Each row opens the customer's lookup (its search box reads lookup_query from the address).
    # The id is URL-encoded and only ever a link's address: the cell shows a fixed word.
    table.insert(2, ctx.t("churn.col.open"),
                 ["lookup?lookup_query=" + quote(str(c), safe="") for c in head["customer_id"]])
    money = st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))
    percent = st.column_config.NumberColumn(format="percent")
    day = st.column_config.DateColumn(format="YYYY-MM-DD")
    st.dataframe(
        table,
        hide_index=True,
        height=420,
        column_config={
            ctx.t("churn.col.open"): st.column_config.LinkColumn(display_text=ctx.t("churn.open")),
            ctx.t("churn.col.due"): day, ctx.t("churn.col.last_visit"): day,
            ctx.t("churn.col.p_churn"): percent, ctx.t("churn.col.success"): percent,
            ctx.t("churn.col.clv"): money, ctx.t("churn.col.ev"): money, ctx.t("churn.col.cost"): money,
            ctx.t("churn.col.reasons"): st.column_config.TextColumn(width="large"),
        },
    )


def _method_sheet(ctx: Context, scored: pd.DataFrame, method: str, defs: dict[str, str],
                  actions: list[churn.Intervention], rate_source: dict[str, str], kind: str, amount) -> pd.DataFrame:
    used = scored.attrs["weights"]
    rows = [
        (ctx.t("churn.method.as_of"), ctx.as_of.isoformat()),
        (ctx.t("churn.method.p"), ctx.t(f"churn.p.{method}")),
        (ctx.t("churn.method.formula"), ctx.t("churn.method.formula.value")),
    ]
    rows += [(ctx.t("churn.method.weight", signal=signal_name(ctx, s)), fmt.pct(used[s], 1)) for s in churn.SIGNALS]
    rows += [(signal_name(ctx, s), defs[s]) for s in churn.SIGNALS]
    rows += [(ctx.t("churn.method.success", level=level_name(ctx, a.level)),
              ctx.t(f"churn.measured.source.{rate_source[a.level]}", rate=fmt.pct(a.success))) for a in actions]
    rows.append((ctx.t("churn.col.due"), ctx.t("churn.method.due", days=churn.DUE_DAYS)))
    if kind == "calls":
        rows.append((ctx.t("churn.capacity"), ctx.t("churn.method.capacity.calls", n=int(amount))))
    elif kind == "budget":
        rows.append((ctx.t("churn.capacity"), ctx.t("churn.method.capacity.budget", budget=ctx.money(amount))))
    return pd.DataFrame(rows, columns=[ctx.t("churn.method.item"), ctx.t("churn.method.value")])


def _levels_sheet(ctx: Context, shown: pd.DataFrame) -> pd.DataFrame:
    summary = churn.level_summary(shown)
    return pd.DataFrame(
        {
            ctx.t("churn.col.level"): [level_name(ctx, lv) for lv in summary["level"]],
            ctx.t("churn.col.action"): [ctx.t(f"churn.action.{lv}") for lv in summary["level"]],
            ctx.t("churn.m.customers"): summary["customers"],
            ctx.t("churn.col.cost"): summary["cost"],
            ctx.t("churn.col.customers_saved"): summary["customers_saved"].round(0),  # people are whole
            ctx.t("churn.col.clv_saved"): summary["clv_saved"],
            ctx.t("churn.col.multiple"): summary["multiple"],
        }
    )


def downloads(ctx: Context, shown: pd.DataFrame, scope_names: list[str], method_sheet: dict) -> None:
    """CSV and Excel of the whole filtered list, named by store and date, built on click and
    logged (a customer list: not offered to an analyst). ``method_sheet``: the arguments of
    the method sheet (scored, method, defs, actions, rate_source, kind, amount)."""
    def csv() -> bytes:
        return to_csv_bytes(export_frame(shown, ctx.lang))

    def xlsx() -> bytes:
        return to_excel_bytes(
            {
                ctx.t("churn.sheet.list"): export_frame(shown, ctx.lang),
                ctx.t("churn.sheet.levels"): _levels_sheet(ctx, shown),
                ctx.t("churn.sheet.method"): _method_sheet(ctx, **method_sheet),
            },
            number_formats={ctx.t("churn.col.p_churn"): "0.0%", ctx.t("churn.col.success"): "0%"}
            | {ctx.t(f"churn.col.{k}"): fmt.excel_money_format(ctx.currency) for k in MONEY_COLUMNS},
        )

    name = churn.list_file_name(ctx.t("churn.file"), scope_names, ctx.t("churn.file.all_stores"), ctx.as_of)
    d1, d2, _ = st.columns([1, 1, 4])
    no_export = not ctx.viewer.can_export_customers
    d1.download_button(ctx.t("churn.download.csv"), audited_export(ctx, "churn_call_list", len(shown), csv),
                       file_name=f"{name}.csv", mime="text/csv", key="churn_dl_csv", on_click="ignore",
                       disabled=no_export)
    d2.download_button(ctx.t("churn.download.xlsx"), audited_export(ctx, "churn_call_list", len(shown), xlsx),
                       file_name=f"{name}.xlsx", mime=XLSX, key="churn_dl_xlsx", on_click="ignore",
                       disabled=no_export)

