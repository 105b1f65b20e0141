"""Panels of the churn page (app_pages/churn.py): each draws one step of its storyboard and
returns what the next step needs. Figures come from clv_engine.churn; words from the catalogue
and wording.churn."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from clv_engine import churn, results
from clv_engine import segmentation as seg
from ui.context import Context
from ui.widgets import translated_choice
from wording import fmt
from wording.segmentation import tier_label
from wording.status import dropout_reasons_text

URL = "query-params"
DEFAULT_WEIGHTS = churn.RiskWeights().as_dict()
DEFAULT_LEVELS = churn.RiskLevels()
DEFAULT_ACTIONS = {i.level: i for i in churn.INTERVENTIONS}


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
            st.info(
                ctx.t(
                    "churn.signal.na",
                    signal=signal_name(ctx, s),
                    file=ctx.t(f"churn.signal.na.file.{churn.SIGNAL_TABLE[s]}"),
                    weight=fmt.pct(DEFAULT_WEIGHTS[s]),
                )
            )


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
                signal_name(ctx, s),
                0,
                100,
                round(DEFAULT_WEIGHTS[s] * 100),
                1,
                format="%d%%",
                key=f"churn_w_{s}",
                help=defs[s],
                bind=URL,
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
        high_min = c1.slider(
            ctx.t("churn.threshold.high"),
            0.05,
            1.0,
            DEFAULT_LEVELS.high_min,
            0.05,
            key="churn_high_min",
            bind=URL,
        )
        mid_min = c2.slider(
            ctx.t("churn.threshold.mid"),
            0.05,
            1.0,
            DEFAULT_LEVELS.mid_min,
            0.05,
            key="churn_mid_min",
            bind=URL,
        )
        low_min = c3.slider(
            ctx.t("churn.threshold.low"),
            0.05,
            1.0,
            DEFAULT_LEVELS.low_min,
            0.05,
            key="churn_low_min",
            bind=URL,
        )
        actions = []
        for col, level in zip((c1, c2, c3), churn.LEVELS):
            default = DEFAULT_ACTIONS[level]
            name = level_name(ctx, level)
            col.markdown(
                f"**{name}** · {ctx.t(f'churn.action.{level}')} · "
                f"{ctx.t('churn.lead', n=default.lead_months)}"
            )
            cost = col.number_input(
                ctx.t("churn.cost", level=name),
                0.0,
                1_000_000.0,
                default.cost,
                50.0,
                key=f"churn_cost_{level}",
                bind=URL,
            )
            success = col.slider(
                ctx.t("churn.success", level=name),
                0,
                100,
                round(default.success * 100),
                1,
                format="%d%%",
                key=f"churn_success_{level}",
                bind=URL,
            )
            actions.append(replace(default, cost=float(cost), success=success / 100))
    return churn.RiskLevels(high_min, mid_min, low_min), actions


def measured_success(
    ctx: Context, evidence: list, actions: list[churn.Intervention], rate_source: dict[str, str]
) -> None:
    """Typed and measured success rates side by side, and the one in use."""
    used = {a.level: a.success for a in actions}
    with st.expander(ctx.t("churn.measured"), expanded=any(s == "measured" for s in rate_source.values())):
        st.dataframe(
            pd.DataFrame(
                {
                    ctx.t("churn.col.level"): [level_name(ctx, e.level) for e in evidence],
                    ctx.t("churn.measured.typed"): [e.typed for e in evidence],
                    # Text, so a level with nothing measured reads "—" (a missing number draws "None").
                    ctx.t("churn.measured.measured"): [
                        fmt.pct(e.measured, 1) if np.isfinite(e.measured) else "—" for e in evidence
                    ],
                    ctx.t("churn.measured.interval"): [
                        "—" if not np.isfinite(e.low) else f"{fmt.pct(e.low, 1)} – {fmt.pct(e.high, 1)}"
                        for e in evidence
                    ],
                    # Counts as every page writes them (1,234), as the results page's evidence does.
                    ctx.t("churn.measured.treated"): [fmt.number(e.treated) for e in evidence],
                    ctx.t("churn.measured.control"): [fmt.number(e.control) for e in evidence],
                    ctx.t("churn.measured.evidence"): [
                        ctx.t(f"results.verdict.{e.verdict}") for e in evidence
                    ],
                    ctx.t("churn.measured.used"): [
                        ctx.t(f"churn.measured.source.{rate_source[e.level]}", rate=fmt.pct(used[e.level]))
                        for e in evidence
                    ],
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
    method = translated_choice(
        "radio",
        ctx.t("churn.p.method"),
        methods,
        "churn_p_method",
        ctx.lang,
        link=True,
        format_func=lambda m: ctx.t(f"churn.p.{m}"),
        horizontal=True,
    )
    if why_not["model"] == "not_identifiable":
        st.caption(ctx.t("churn.p.model.disabled", reasons=dropout_reasons_text(fit_check, ctx.lang)))
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
            + " "
            + ctx.t("churn.p.calibrated.all")
        )
        # Its bands count every customer of the group: named so when only some stores are shown.
        with st.expander(ctx.t("group.churn_calibration" if ctx.store_ids else "churn.calibration")):
            bands = calibration.table[calibration.table["customers"] > 0]
            percent = st.column_config.NumberColumn(format="percent")
            st.dataframe(
                pd.DataFrame(
                    {
                        ctx.t("churn.calibration.band"): [
                            f"{lo:.1f}–{hi:.1f}" for lo, hi in zip(bands["band_low"], bands["band_high"])
                        ],
                        ctx.t("churn.calibration.customers"): bands["customers"],
                        ctx.t("churn.calibration.rate"): bands["rate"],
                        ctx.t("churn.calibration.p"): bands["p_churn"],
                    }
                ),
                hide_index=True,
                column_config={
                    ctx.t("churn.calibration.customers"): st.column_config.NumberColumn(format="localized"),
                    ctx.t("churn.calibration.rate"): percent,
                    ctx.t("churn.calibration.p"): percent,
                },
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
    chosen_stores = f1.multiselect(
        ctx.t("churn.filter.stores"),
        list(names),
        format_func=lambda s: names.get(s, s),
        key="churn_stores",
        placeholder=everyone,
        bind=URL,
    )
    chosen_tiers = f2.multiselect(
        ctx.t("churn.filter.tiers"),
        list(seg.RFML_TIERS),
        format_func=lambda x: tier_label("rfml", x, ctx.lang),
        key="churn_tiers",
        placeholder=everyone,
        bind=URL,
    )
    chosen_levels = f3.multiselect(
        ctx.t("churn.filter.levels"),
        list(churn.LEVELS),
        format_func=lambda x: level_name(ctx, x),
        key="churn_levels",
        placeholder=everyone,
        bind=URL,
    )
    paying = st.toggle(ctx.t("churn.filter.paying"), value=True, key="churn_paying", bind=URL)
    return churn.filter_list(full_list, chosen_stores, chosen_tiers, chosen_levels, paying), chosen_stores


def _store_capacities(
    ctx: Context, shown: pd.DataFrame, names: dict[str, str], common: float, kind: str, step: float
) -> dict[str, float]:
    """Each store in the list: its own capacity where one is typed, else the common one."""
    out = {}
    with st.expander(ctx.t("churn.capacity.by_store")):
        st.caption(ctx.t("churn.capacity.by_store.caption"))
        cols = st.columns(4)
        for n, store in enumerate(sorted(set(shown["home_store_id"].astype(object).fillna("").astype(str)))):
            label = names.get(store, store) or ctx.t("churn.store.none")
            own = cols[n % 4].number_input(
                label,
                min_value=0.0,
                value=None,
                step=step,
                key=f"churn_capacity_{kind}_{store}",
                placeholder=f"{common:,.0f}",
            )
            out[store] = float(common if own is None else own)
    return out


def capacity(ctx: Context, shown: pd.DataFrame, names: dict[str, str]):
    """A week's capacity per store: (list within it, per-store table or None, kind, amount)."""
    c1, c2 = st.columns([2, 1])
    kind = translated_choice(
        "radio",
        ctx.t("churn.capacity"),
        ["none", *churn.CAPACITY_KINDS],
        "churn_capacity_kind",
        ctx.lang,
        c1,
        link=True,
        horizontal=True,
        format_func=lambda k: ctx.t(f"churn.capacity.{k}"),
        help=ctx.t("churn.capacity.help"),
    )
    if kind == "calls":
        amount = c2.number_input(
            ctx.t("churn.capacity.calls.value"), 0, 100_000, 20, 1, key="churn_capacity_calls", bind=URL
        )
        limits = _store_capacities(ctx, shown, names, int(amount), "calls", 1.0)
    elif kind == "budget":
        amount = c2.number_input(
            ctx.t("churn.capacity.budget.value", currency=ctx.currency),
            0.0,
            100_000_000.0,
            10_000.0,
            500.0,
            key="churn_capacity_budget",
            bind=URL,
        )
        limits = _store_capacities(ctx, shown, names, float(amount), "budget", 500.0)
    else:
        return shown, None, kind, None
    picked, per_store = churn.within_capacity(shown, kind, limits)
    return picked, per_store, kind, amount
