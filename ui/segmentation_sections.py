"""The lower sections of the segmentation page: by store and region, tier migration, the care
budget, and the playbook and complaint rule of each tier."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import streamlit as st

from clv_engine import segmentation as seg
from ui import drill
from ui import segmentation_charts as charts
from ui.context import Context
from ui.downloads import table_downloads
from ui.queries import first_order_date, seg_migration, seg_movers
from ui.safe import md, plot_text
from ui.segmentation_panels import (
    TOP_TIERS,
    cost_text,
    customers_behind,
    label,
    num,
    sankey,
    share_chart,
    shown_breakdown,
    tier_names,
)
from ui.widgets import Headline, metric_row, translated_choice
from ui.widgets import reset_state as reset
from ui.widgets import seed_state as seed
from wording import fmt
from wording.segmentation import playbook_text

# Movers listed on screen (of each kind); a download holds them all, built when clicked.
SHOWN_MOVERS = 200


def by_store_and_region(
    ctx: Context,
    by_store: pd.DataFrame,
    by_region: pd.DataFrame,
    scheme: str,
    top: pd.DataFrame,
    top_names: str,
    rules: seg.RfmlRules | None = None,
    six_rules: seg.SixGroupRules | None = None,
) -> None:
    """Tiers per store or region: the picked one beside the whole, shares compared, profit by cell."""
    tiers = list(seg.SCHEMES[scheme])
    column = seg.tier_column(scheme)
    st.divider()
    st.subheader(ctx.t("seg.by_store"))
    by = translated_choice(
        "radio",
        ctx.t("seg.by"),
        ["home_store_id", "region"],
        "seg_by",
        ctx.lang,
        format_func=lambda b: ctx.t(f"seg.by.{b}"),
        horizontal=True,
    )
    per = by_store if by == "home_store_id" else by_region
    # A customer with no home store (no store column imported) or a store with no region has no
    # place in this comparison: they are counted and left out, and with none known it explains why.
    known = per[by].map(lambda k: isinstance(k, str) and k != "")
    unassigned = int(per.loc[~known, "customers"].sum())
    per = per[known]
    keys = per[by].drop_duplicates().tolist()
    if not keys:
        st.info(ctx.t(f"seg.by.none.{by}"))
    else:
        # each store's shown name, once per run (asked for every bar, cell and option)
        shown_names = {
            s: f"{name} · {region}" if isinstance(region, str) and region else str(name)
            for s, name, region in ctx.stores()[["store_id", "name", "region"]].itertuples(index=False)
        }

        def store_name(s: str) -> str:
            # A store named only by the orders has its code as name and no region.
            return shown_names.get(s, str(s))

        name_of = store_name if by == "home_store_id" else str
        pick = st.selectbox(ctx.t("seg.pick"), keys, format_func=name_of, key=f"seg_pick_{by}")
        one = per[per[by] == pick]
        one_top = one[one["tier"].isin(TOP_TIERS[scheme])]
        st.caption(
            ctx.t(
                "seg.pick.caption",
                name=md(name_of(pick)),
                n=fmt.number(one["customers"].sum()),
                tiers=top_names,
                profit=fmt.pct(one_top["profit_share"].sum(), 1),
                all=fmt.pct(top["profit_share"].sum(), 1),
            )
        )
        st.dataframe(shown_breakdown(ctx, one, scheme), hide_index=True, key="seg_store_table")

        left, right = st.columns(2)
        with left:
            st.markdown(f"**{md(name_of(pick))}: {ctx.t('seg.chart.share_vs_profit')}**")
            st.plotly_chart(
                share_chart(ctx, one, scheme, with_typical=False), width="stretch", key="seg_chart_store"
            )
        with right:
            st.markdown(f"**{ctx.t('seg.compare.share', by=ctx.t(f'seg.by.name.{by}'))}**")
            shown = {k: plot_text(name_of(k)) for k in keys}
            fig = charts.compare_figure(
                per[[by, "tier", "share"]], by, tiers, keys, shown, tier_names(ctx, tiers, scheme)
            )
            row_event = st.plotly_chart(
                fig, width="stretch", key="seg_chart_compare", on_select="rerun", selection_mode="points"
            )
        st.markdown(f"**{ctx.t('seg.compare.profit', one=ctx.t(f'seg.by.one.{by}'))}**")
        grid = per.pivot(index=by, columns="tier", values="profit_share").reindex(columns=tiers)
        texts = [[fmt.pct(v) for v in row] for row in grid.to_numpy()]
        fig = charts.heat_figure(grid, tiers, keys, shown, texts, tier_names(ctx, tiers, scheme))
        cell_event = st.plotly_chart(
            fig, width="stretch", key="seg_chart_heat", on_select="rerun", selection_mode="points"
        )
        # -- click through: the customers behind the clicked store rows and cells --
        # The store or region goes into the chart as its position in `keys` (names are a dealer's text).
        events = [row_event, cell_event]
        decode = {by: lambda i: keys[int(i)] if 0 <= int(i) < len(keys) else None}
        drill.customer_list_for(
            ctx,
            events,
            customers_behind(ctx, events, scheme, rules, six_rules, (by, column), decode),
            (by, column),
            key=f"seg_drill_{by}_{scheme}",
            describe=lambda k: f"{name_of(k[by])} · {label(ctx, k[column], scheme)}",
            decode=decode,
        )
        # --
        if unassigned:
            st.caption(ctx.t("seg.by.unassigned", n=fmt.number(unassigned), one=ctx.t(f"seg.by.one.{by}")))


@st.fragment
def migration(ctx: Context, scheme: str, rules: seg.RfmlRules, six_rules: seg.SixGroupRules) -> None:
    """Who moved between tiers since an earlier date: counts, flows, matrix, the movers. A
    fragment: another date reruns only this section."""
    tiers = list(seg.SCHEMES[scheme])
    st.divider()
    st.subheader(ctx.t("seg.migration"))
    # The earliest date worth comparing with: the first order (or a year back when the data are
    # younger). Without a minimum the picker allows only ten years back from today.
    earliest = min(first_order_date(ctx.db) or ctx.as_of, ctx.as_of - timedelta(days=365))
    if not earliest <= st.session_state.get("seg_mig_from", ctx.as_of) < ctx.as_of:
        # A year back by default, and again when the sidebar's date moved before the chosen one.
        st.session_state["seg_mig_from"] = ctx.as_of - timedelta(days=365)
    date_a = st.date_input(
        ctx.t("seg.migration.from"),
        key="seg_mig_from",
        min_value=earliest,
        max_value=ctx.as_of,
        persist_state="session",
    )
    if date_a >= ctx.as_of:
        st.warning(ctx.t("seg.migration.bad_dates", b=ctx.as_of.isoformat()))
    else:
        with st.spinner(ctx.t("seg.migration.computing")):  # seconds the first time for a date
            mig = seg_migration(
                ctx.db,
                date_a,
                ctx.as_of,
                ctx.store_ids,
                scheme,
                rules,
                six_rules,
                ctx.clv_params,
                SHOWN_MOVERS,
            )
        st.caption(ctx.t("seg.migration.caption", a=date_a.isoformat(), b=ctx.as_of.isoformat()))
        counts = mig.counts()
        metric_row(
            [
                Headline(ctx.t("seg.moved_up"), fmt.number(counts["up"])),
                Headline(ctx.t("seg.slipped"), fmt.number(counts["down"])),
                Headline(ctx.t("seg.stayed"), fmt.number(counts["same"])),
                Headline(ctx.t("seg.new"), fmt.number(counts["new"])),
            ],
            border=False,
        )
        flows = mig.flows[mig.flows["tier_b"] != "gone"]
        left_nodes = [t for t in ["new", *tiers] if t in set(flows["tier_a"])]
        right_nodes = [t for t in tiers if t in set(flows["tier_b"])]
        st.plotly_chart(
            sankey(ctx, flows, left_nodes, right_nodes, scheme), width="stretch", key="seg_chart_sankey"
        )
        st.markdown(f"**{ctx.t('seg.matrix')}**")
        # the customers from each tier then (rows) to each tier now (columns), 0 where none
        cells = np.zeros((len(left_nodes), len(right_nodes)), dtype="int64")
        row_of = {t: i for i, t in enumerate(left_nodes)}
        column_of = {t: j for j, t in enumerate(right_nodes)}
        for a, b, n in zip(flows["tier_a"], flows["tier_b"], flows["customers"]):
            if a in row_of and b in column_of:
                cells[row_of[a], column_of[b]] += n
        matrix = pd.DataFrame(cells, index=left_nodes, columns=right_nodes)
        matrix.index = [label(ctx, t, scheme) for t in matrix.index]
        matrix.columns = [label(ctx, t, scheme) for t in matrix.columns]
        st.dataframe(matrix, key="seg_matrix")

        st.markdown(f"**{ctx.t('seg.movers')}**")
        kind = translated_choice(
            "radio",
            ctx.t("seg.movers.kind"),
            ["down", "up"],
            "seg_mig_kind",
            ctx.lang,
            horizontal=True,
            format_func=lambda k: ctx.t("seg.slipped" if k == "down" else "seg.moved_up"),
        )
        # Already in the order shown (tier left, best first; then CLV) with name and CLV now.
        # The first SHOWN_MOVERS of the kind; the whole list is built when a download is clicked.
        movers = mig.moves[mig.moves["direction"] == kind]
        if movers.empty:
            st.caption(ctx.t("seg.movers.none"))
        else:
            labels = {t: label(ctx, t, scheme) for t in tiers}

            def movers_table(rows: pd.DataFrame | None = None) -> pd.DataFrame:
                rows = seg_movers(ctx.db, ctx.as_of, mig, kind) if rows is None else rows
                return pd.DataFrame(
                    {
                        ctx.t("seg.col.customer"): rows["customer_id"],
                        ctx.t("seg.col.name"): rows["name"],
                        ctx.t("seg.col.store"): rows["home_store_id"],
                        ctx.t("seg.col.from"): rows["tier_a"].map(labels),
                        ctx.t("seg.col.to"): rows["tier_b"].map(labels),
                        ctx.t("seg.col.total_a"): rows["total_a"],
                        ctx.t("seg.col.total_b"): rows["total_b"],
                        ctx.t("seg.col.clv"): rows["clv"].round(0),
                    }
                )

            table = movers_table(movers.head(SHOWN_MOVERS))  # shown; the files are built when clicked
            st.caption(ctx.t("seg.movers.shown", shown=fmt.number(len(table)), n=fmt.number(counts[kind])))
            st.dataframe(
                table,
                hide_index=True,
                height=260,
                key="seg_movers_table",
                column_config={
                    ctx.t("seg.col.clv"): st.column_config.NumberColumn(format=fmt.money_column(ctx.currency))
                },
            )
            table_downloads(
                ctx,
                movers_table,
                f"tier_{kind}_{date_a}_{ctx.as_of}",
                "seg_movers_download",
                ctx.t("seg.movers"),
                audit="tier_movers",
                rows=counts[kind],
            )


@st.fragment
def care_budget(ctx: Context, breakdown: pd.DataFrame, scheme: str) -> None:
    """The yearly care budget by tier (from the data, or the SPEC §2b / §2c cases). A fragment:
    its inputs rerun only this section."""
    tiers = list(seg.SCHEMES[scheme])
    st.divider()
    st.subheader(ctx.t("seg.budget"))
    preset = translated_choice(
        "radio",
        ctx.t("seg.budget.preset"),
        ["data", "2b", "2c"],
        "seg_budget_preset",
        ctx.lang,
        horizontal=True,
        format_func=lambda p: ctx.t(f"seg.budget.preset.{p}"),
    )
    counts = dict(zip(breakdown["tier"], breakdown["customers"]))
    if preset == "data":
        budget_scheme, budget_tiers = scheme, tiers
        defaults = {f"seg_cost_{scheme}_{t}": int(seg.DEFAULT_COST_EACH[scheme][t]) for t in tiers}
        defaults["seg_flat_cost"] = int(seg.DEFAULT_FLAT_COST_EACH)
    else:
        case = seg.BUDGET_CASES[preset]
        budget_scheme, budget_tiers = ("six" if preset == "2b" else "rfml"), list(case.customers)
        defaults = {f"seg_b{preset}_n_{t}": n for t, n in case.customers.items()}
        amounts = case.cost_each or case.budget
        defaults.update({f"seg_b{preset}_v_{t}": int(v) for t, v in amounts.items()})
        if case.flat_cost_each is not None:
            defaults[f"seg_b{preset}_flat"] = int(case.flat_cost_each)
    seed(defaults)
    st.button(ctx.t("seg.rules.reset"), on_click=reset, args=(defaults,), key=f"seg_budget_reset_{preset}")
    cols = st.columns(len(budget_tiers) + 1)
    ss = st.session_state
    for col, t in zip(cols, budget_tiers):
        name = label(ctx, t, budget_scheme)
        if preset == "data":
            col.metric(ctx.t("seg.budget.count", tier=name), fmt.number(counts.get(t, 0)))
            num(col, ctx.t("seg.budget.cost_each", tier=name), f"seg_cost_{scheme}_{t}", min_value=0, step=10)
        else:
            num(col, ctx.t("seg.budget.count", tier=name), f"seg_b{preset}_n_{t}", min_value=0, step=100)
            what = "seg.budget.cost_each" if preset == "2b" else "seg.budget.amount"
            num(
                col,
                ctx.t(what, tier=name),
                f"seg_b{preset}_v_{t}",
                min_value=0,
                step=10 if preset == "2b" else 10_000,
            )
    flat_key = "seg_flat_cost" if preset == "data" else f"seg_b{preset}_flat"
    if flat_key in defaults:
        num(cols[-1], ctx.t("seg.budget.flat"), flat_key, min_value=0, step=10)
    if preset == "data":
        plan = seg.care_budget(counts, {t: ss[f"seg_cost_{scheme}_{t}"] for t in tiers}, ss["seg_flat_cost"])
    elif preset == "2b":
        plan = seg.care_budget(
            {t: ss[f"seg_b2b_n_{t}"] for t in budget_tiers},
            {t: ss[f"seg_b2b_v_{t}"] for t in budget_tiers},
            ss["seg_b2b_flat"],
        )
    else:
        plan = seg.budget_per_customer(
            {t: ss[f"seg_b2c_n_{t}"] for t in budget_tiers}, {t: ss[f"seg_b2c_v_{t}"] for t in budget_tiers}
        )
    lines = plan.lines
    top_lines = lines.head(2)
    flat = plan.flat_total is not None
    metric_row(
        [
            Headline(ctx.t("seg.budget.total"), fmt.money_full(plan.total, ctx.currency)),
            Headline(ctx.t("seg.budget.flat_total"), fmt.money_full(plan.flat_total, ctx.currency))
            if flat
            else None,
            Headline(
                ctx.t("seg.budget.difference"), fmt.money_full(plan.total - plan.flat_total, ctx.currency)
            )
            if flat
            else None,
            Headline(ctx.t("seg.budget.top"), fmt.pct(top_lines["share"].sum())),
        ],
        border=False,
    )
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("seg.col.tier"): [label(ctx, t, budget_scheme) for t in lines["tier"]],
                ctx.t("seg.col.customers"): [fmt.number(x) for x in lines["customers"]],
                ctx.t("seg.col.cost_each"): [cost_text(ctx, x) for x in lines["cost_each"]],
                ctx.t("seg.col.budget"): [fmt.money_full(x, ctx.currency) for x in lines["total"]],
                ctx.t("seg.col.budget_share"): [fmt.pct(x) for x in lines["share"]],
                ctx.t("seg.col.customer_share"): [fmt.pct(x) for x in lines["customer_share"]],
            }
        ),
        hide_index=True,
        key="seg_budget_table",
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{ctx.t('seg.budget.chart')}**")
        names = [label(ctx, t, budget_scheme) for t in lines["tier"]]
        legend = (ctx.t("seg.col.customer_share"), ctx.t("seg.col.budget_share"))
        fig = charts.budget_figure(lines[["customer_share", "share"]], names, legend)
        st.plotly_chart(fig, width="stretch", key="seg_chart_budget")
    with right:
        st.caption(
            ctx.t(
                "seg.budget.caption",
                top=fmt.pct(top_lines["share"].sum()),
                share=fmt.pct(top_lines["customer_share"].sum()),
            )
        )
        if preset != "data":
            st.caption(ctx.t(f"seg.budget.case_{preset}"))
        if preset == "2c":
            st.caption(ctx.t("seg.budget.promotion"))


def playbooks(ctx: Context, breakdown: pd.DataFrame, scheme: str) -> None:
    """Each tier's complaint rule and playbook (editable), and the rules side by side."""
    tiers = list(seg.SCHEMES[scheme])
    st.divider()
    st.subheader(ctx.t("seg.playbook"))
    playbook_defaults = {
        f"seg_playbook_{ctx.lang}_{scheme}_{t}": playbook_text(scheme, t, ctx.lang) for t in tiers
    }
    level_defaults = {f"seg_complaint_{scheme}_{t}": seg.COMPLAINT_LEVEL[scheme][t] for t in tiers}
    seed({**playbook_defaults, **level_defaults})
    st.button(
        ctx.t("seg.playbook.reset"),
        on_click=reset,
        args=({**playbook_defaults, **level_defaults},),
        key="seg_playbook_reset",
    )
    rows = []
    for tab, t in zip(st.tabs([label(ctx, t, scheme) for t in tiers]), tiers):
        with tab:
            b = breakdown.set_index("tier").loc[t]
            st.caption(
                ctx.t(
                    "seg.tier.summary",
                    n=fmt.number(b["customers"]),
                    share=fmt.pct(b["share"], 1),
                    clv=ctx.money(b["avg_clv"]),
                    profit=fmt.pct(b["profit_share"], 1),
                )
            )
            level = translated_choice(
                "selectbox",
                ctx.t("seg.complaint.level"),
                list(seg.COMPLAINT_RULES),
                f"seg_complaint_{scheme}_{t}",
                ctx.lang,
                format_func=lambda lv: ctx.t(f"seg.complaint.{lv}"),
            )
            rule = seg.COMPLAINT_RULES[level]
            limit = (
                ctx.t("seg.unlimited")
                if rule.compensation_limit is None
                else fmt.money_full(rule.compensation_limit, ctx.currency)
            )
            st.markdown(
                ctx.t(
                    "seg.complaint.rule",
                    hours=rule.respond_hours,
                    limit=limit,
                    owner=ctx.t(f"seg.owner.{rule.owner}"),
                )
            )
            st.text_area(
                ctx.t("seg.playbook.text"),
                key=f"seg_playbook_{ctx.lang}_{scheme}_{t}",
                height=150,
                persist_state="session",
            )
            rows.append(
                (
                    label(ctx, t, scheme),
                    ctx.t("seg.hours", n=rule.respond_hours),
                    limit,
                    ctx.t(f"seg.owner.{rule.owner}"),
                )
            )
    st.dataframe(
        pd.DataFrame(
            rows,
            columns=[
                ctx.t("seg.col.tier"),
                ctx.t("seg.col.respond"),
                ctx.t("seg.col.compensation"),
                ctx.t("seg.col.owner"),
            ],
        ),
        hide_index=True,
        key="seg_complaint_table",
    )
    st.caption(ctx.t("seg.complaint.case", roi=fmt.pct(seg.complaint_roi(30_000, 100_000))))
