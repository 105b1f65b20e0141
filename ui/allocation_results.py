"""The allocator page's answer: headline, the ROI ranking's verdict, charts, reasons, the
verdict table and board pack, and saving and comparing scenarios (ui/scenario_panel.py)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import allocation as al
from clv_engine import scenarios
from ui import queries
from ui.allocation_panels import apply_flags, frame_from_payload, identified, payload_now
from ui.charts import kept_figure, money_axis
from ui.downloads import pack_downloads, table_downloads
from ui.safe import md, plot_text
from ui.scenario_panel import ScenarioPanel, comparison_table, scenario_panel
from ui.widgets import Headline, metric_row, presenting
from wording import boardpack, fmt, t
from wording.allocation import explain_error, option_label, reason_text, verdict_table
from wording.report.charts import vline

# Material icons: emoji need a colour font that a meeting-room browser may lack.
ICONS = {
    "funded": ":green[:material/check_circle:]",
    "partly_funded": ":green[:material/contrast:]",
    "locked": ":blue[:material/lock:]",
    "left_out": ":gray[:material/cancel:]",
    "below_cost": ":gray[:material/money_off:]",
    "too_expensive": ":gray[:material/cancel:]",
    "no_room": ":gray[:material/cancel:]",
    "excluded": ":red[:material/block:]",
}


def refused(ctx, error: al.AllocationError) -> None:
    """Why there is no portfolio: the locks alone over the budget, or the input's problem."""
    if isinstance(error, al.LockedOverBudget):
        st.error(
            ctx.t(
                "allocator.page.locked_over",
                cost=ctx.money(error.locked_cost),
                budget=ctx.money(error.budget),
            )
        )
    else:
        st.error(ctx.t("allocator.page.invalid", error=explain_error(error, ctx.lang, ctx.currency)))


def headline(ctx, alloc: al.Allocation, projects: list[al.Project], next_net: float, totals) -> None:
    """The figures of the best portfolio; net value is what the allocator maximises, gain
    and ROI its two ingredients. Then what is left unspent and what the locks cost."""
    best, budget = alloc.optimum, alloc.budget
    totals.subheader(ctx.t("allocator.page.answer", budget=ctx.money(budget)))
    step = ctx.money(al.NEXT_STEP)
    metric_row(
        [
            Headline(ctx.t("allocator.fig.net"), ctx.money(best.total_net), ctx.t("allocator.def.net")),
            Headline(ctx.t("allocator.fig.gain"), ctx.money(best.total_gain), ctx.t("allocator.def.gain")),
            Headline(
                ctx.t("allocator.fig.combined_roi"),
                fmt.pct(best.combined_roi),
                ctx.t("allocator.def.combined_roi"),
            ),
            Headline(
                ctx.t("allocator.fig.funded"),
                ctx.t("allocator.fig.funded_of", n=best.funded_count, total=len(projects)),
            ),
            Headline(ctx.t("allocator.fig.unspent"), ctx.money(best.unspent), ctx.t("allocator.def.unspent")),
            Headline(
                ctx.t("allocator.fig.next", step=step),
                ctx.money(next_net),
                ctx.t("allocator.def.next", step=step),
            ),
        ],
        container=totals,
        share=0.75 if presenting() else 1.0,
    )
    if best.unspent >= 1:
        st.info(ctx.t("allocator.page.unspent", unspent=ctx.money(best.unspent)), icon=":material/savings:")
    if any(p.locked for p in projects):
        if alloc.lock_cost >= 1:
            st.warning(
                ctx.t(
                    "allocator.page.locks_cost",
                    loss=ctx.money(alloc.lock_cost),
                    free=ctx.money(alloc.net_without_locks),
                    now=ctx.money(best.total_net),
                ),
                icon=":material/lock:",
            )
        else:
            st.caption(ctx.t("allocator.page.locks_free"))


def _names(ctx, lines) -> str:
    return ", ".join(md(option_label(x.project, x.option, ctx.lang)) for x in lines)


def ranking_verdict(ctx, alloc: al.Allocation) -> None:
    """Whether sorting by ROI would have found the same portfolio, and what it misses."""
    if alloc.ranking_is_optimal:
        st.caption(ctx.t("allocator.page.ranking_same"))
        return
    st.warning(
        ctx.t(
            "allocator.page.ranking_worse",
            ranking=_names(ctx, alloc.roi_ranking.lines) or "—",
            ranking_net=ctx.money(alloc.roi_ranking.total_net),
            best=_names(ctx, alloc.optimum.lines),
            missed=ctx.money(alloc.net_missed_by_ranking),
        )
    )


def roi_chart(ctx, best: al.Portfolio) -> None:
    st.markdown(f"**{ctx.t('allocator.page.chart_roi')}**")
    if not best.lines:
        st.info(ctx.t("allocator.page.nothing_funded"))
        return
    fig = roi_figure(list(best.lines), ctx.lang, ctx.currency)
    st.plotly_chart(fig, width="stretch", key="al_chart_roi")


@kept_figure
def roi_figure(funded: list[al.FundedLine], lang: str, currency: str) -> go.Figure:
    """The funded lines' net ROI as bars (the figure of :func:`roi_chart`)."""

    def money(value: float) -> str:
        return fmt.money(value, lang, currency=currency)

    lines = list(reversed(funded))  # plotly draws the first bar at the bottom
    fig = go.Figure(
        go.Bar(
            x=[x.net_roi for x in lines],
            y=[plot_text(option_label(x.project, x.option, lang)) for x in lines],
            orientation="h",
            text=[fmt.pct(x.net_roi) for x in lines],
            textposition="auto",
            customdata=[[money(x.cost), money(x.gain), fmt.pct(x.fraction), money(x.net)] for x in lines],
            hovertemplate=t("allocator.page.chart_roi.hover", lang),
        )
    )
    fig.update_layout(
        xaxis_title=t("allocator.fig.roi", lang),
        xaxis_tickformat=",.0%",
        height=80 + 42 * len(lines),
        margin=dict(l=10, r=10, t=10, b=10),
    )
    return fig


def curve_chart(ctx, curve: al.BudgetCurve, budget: float, best: al.Portfolio) -> None:
    """The optimal net value over budgets, a dot where projects enter, leave or change tier."""
    st.markdown(f"**{ctx.t('allocator.page.chart_curve')}**")
    fig = curve_figure(
        curve.points[["budget", "net"]],
        curve.events,
        curve.exact_steps,
        float(budget),
        best.total_net,
        ctx.lang,
        ctx.currency,
        curve,
    )
    st.plotly_chart(fig, width="stretch", key="al_chart_curve")
    st.caption(
        ctx.t("allocator.page.curve.caption" if curve.exact_steps else "allocator.page.curve.caption_grid")
    )


@kept_figure
def curve_figure(
    pts: pd.DataFrame,
    events: pd.DataFrame,
    exact_steps: bool,
    budget: float,
    best_net: float,
    lang: str,
    currency: str,
    _curve: al.BudgetCurve,
) -> go.Figure:
    """The figure of :func:`curve_chart`. ``_curve`` (not part of the key) only reads the net
    value at a budget off ``pts``, its budget and net columns, which are."""
    fig = go.Figure(
        go.Scatter(
            x=pts["budget"],
            y=pts["net"],
            mode="lines",
            line_shape="hv" if exact_steps else "linear",
            name=t("allocator.page.optimum", lang),
            hovertemplate=t("allocator.page.chart_curve.hover", lang, mark=fmt.currency_mark(currency)),
        )
    )
    if not events.empty and events["budget"].nunique() <= 80:
        said = events.assign(
            text=[
                t(f"allocator.page.event.{c}", lang, name=plot_text(option_label(p, o, lang)))
                for p, c, o in events[["project", "change", "option"]].itertuples(index=False)
            ]
        )
        at = said.groupby("budget")["text"].apply(lambda s: "<br>".join(s))
        fig.add_trace(
            go.Scatter(
                x=at.index,
                y=[_curve.value_at(b) for b in at.index],
                mode="markers",
                marker=dict(size=8),
                name=t("allocator.page.enters", lang),
                text=list(at.values),
                hovertemplate=t("allocator.page.chart_enters.hover", lang, mark=fmt.currency_mark(currency)),
            )
        )
    vline(fig, budget, line_dash="dot")
    fig.add_trace(
        go.Scatter(
            x=[budget],
            y=[best_net],
            mode="markers",
            marker=dict(size=13, symbol="diamond"),
            name=t("allocator.page.current", lang),
        )
    )
    fig.update_layout(
        xaxis_title=t("allocator.page.budget", lang, cur=fmt.currency_unit(currency, lang)),
        yaxis_title=t("allocator.fig.net", lang),
        height=360,
        margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", y=-0.25),
    )
    money_axis(fig, "x", max(float(pts["budget"].max()), budget), lang=lang, currency=currency)
    money_axis(fig, "y", float(pts["net"].max()), float(pts["net"].min()), lang=lang, currency=currency)
    return fig


def reasons(ctx, verdicts: list[al.Verdict]) -> None:
    st.subheader(ctx.t("allocator.page.reasons"))
    st.caption(ctx.t("allocator.def.roi"))
    for v in verdicts:
        st.markdown(
            ctx.t(
                "allocator.page.reason_line",
                icon=ICONS[v.status],
                name=md(v.project),
                text=md(reason_text(v, ctx.lang, ctx.currency)),
            )
        )


def verdicts_and_packs(
    ctx, verdicts: list[al.Verdict], projects: list[al.Project], alloc: al.Allocation, curve: al.BudgetCurve
) -> None:
    """The verdicts as a table (and its downloads), then the board pack of this portfolio."""
    with st.expander(ctx.t("allocator.page.table")):
        st.dataframe(verdict_table(verdicts, ctx.lang, ctx.currency), hide_index=True, width="stretch")
        # The download carries the amounts as numbers (a spreadsheet sums them), the screen as text.
        table_downloads(
            ctx,
            verdict_table(verdicts, ctx.lang, ctx.currency, numbers=True),
            "allocation",
            "al_dl_table",
            ctx.t("allocator.page.table"),
        )
    pack_downloads(
        ctx,
        "allocator",
        lambda kind: boardpack.allocator_pack(kind, projects, alloc, curve, ctx.lang, verdicts, ctx.currency),
        "al_download",
    )


# -- scenarios ----------------------------------------------------------------------------------
def _refuse() -> str | None:
    # The box was emptied in the same interaction as the click: nothing to save yet.
    return "save_no_budget" if st.session_state.get("al_budget") is None else None


def _on_saved(sid: str) -> None:
    """The case just saved is the one loaded now (the scenario box and its link show it)."""
    st.session_state["al_scenario"] = sid
    st.session_state["al_table"]["loaded"] = sid
    st.session_state["al_link_check"] = st.session_state.get("al_budget")  # see budget_inputs


def _compare_column(ctx, a: al.Allocation | Exception) -> list[str]:
    if not isinstance(a, al.Allocation):
        return [ctx.t("allocator.page.compare.invalid")] + ["—"] * 7
    o = a.optimum
    return [
        ctx.money(a.budget),
        ctx.money(o.total_net),
        ctx.money(o.total_gain),
        fmt.pct(o.combined_roi),
        fmt.number(o.funded_count),
        ctx.money(o.unspent),
        ctx.money(a.net_missed_by_ranking),
        ", ".join(option_label(x.project, x.option, ctx.lang) for x in o.lines) or "—",
    ]


def _saved_allocation(ctx, sid: str) -> al.Allocation | Exception:
    try:
        payload = scenarios.load_scenario(ctx.db, sid)
        projects = apply_flags(
            identified(frame_from_payload(payload)), payload.get("locked", []), payload.get("excluded", [])
        )
        return queries.allocation(tuple(projects), float(payload.get("budget", 0)))
    except (ValueError, KeyError, TypeError) as err:
        return err


COMPARED = (
    "allocator.page.budget",
    "allocator.fig.net",
    "allocator.fig.gain",
    "allocator.fig.combined_roi",
    "allocator.fig.funded",
    "allocator.fig.unspent",
    "allocator.page.compare.missed",
    "allocator.page.compare.funded",
)


def scenarios_section(ctx, alloc: al.Allocation, budget: int) -> None:
    """Save this screen as a scenario (the shared panel); compare up to three saved ones with
    it. Saved scenarios load from the scenario box at the top of the page."""

    def compare(chosen: list[str], names: dict[str, str]) -> pd.DataFrame:
        return comparison_table(
            ctx,
            "allocator.page",
            [ctx.t(k, cur=ctx.unit) for k in COMPARED],
            _compare_column(ctx, alloc),
            chosen,
            names,
            lambda sid: _compare_column(ctx, _saved_allocation(ctx, sid)),
        )

    st.divider()
    scenario_panel(
        ctx,
        ScenarioPanel(
            kind="allocator",
            prefix="al",
            words="allocator.page",
            compare=compare,
            picker=False,
            on_saved=_on_saved,
            max_compare=3,
            save_caption=True,
            refuse=_refuse,
        ),
        payload_now,  # at the click, like the budget box the same interaction may have changed
        ctx.t("allocator.page.default_name", budget=ctx.money(budget)),
    )
