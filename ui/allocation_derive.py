"""The allocator page's projects made from data: a segment's retention or visits raised (the
CLV engine derives the uplift), or a measured call programme; each added to the table."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import allocation as al
from clv_engine import measured
from ui.allocation_panels import COLUMNS, MAX_BUDGET, flash, set_table, table
from ui.measured_evidence import pick_programme, programme_name, show_evidence
from ui.safe import md
from ui.widgets import Headline, metric_row, translated_choice
from wording import fmt
from wording.allocation import explain_error


def add_project(ctx, row: dict[str, Any]) -> None:
    """Append a row to the table (callback), its name made unique."""
    current = table()["current"]
    names = set(current["name"].dropna().astype(str))
    base, n = row["name"], 2
    while row["name"] in names:
        row["name"] = f"{base} ({n})"
        n += 1
    frame = pd.concat([current, pd.DataFrame([row]).reindex(columns=COLUMNS)], ignore_index=True)
    set_table(frame, table()["loaded"])
    flash("success", ctx.t("allocator.page.added", name=md(row["name"])))


def _add_button(ctx, key: str, row: dict[str, Any]) -> None:
    st.button(
        ctx.t("allocator.page.add"),
        key=key,
        on_click=add_project,
        args=(ctx, row),
        icon=":material/playlist_add:",
    )


def _candidate(ctx, uplift: float, reach: int, investment: float, key: str, name: str) -> dict[str, Any]:
    """The figures of a project made from data, and the button that adds it to the table."""
    metric_row(
        [
            Headline(ctx.t("allocator.page.d.uplift"), fmt.money_full(uplift, ctx.currency)),
            Headline(ctx.t("allocator.page.d.reach"), fmt.number(reach)),
            Headline(ctx.t("allocator.page.d.gain"), ctx.money(uplift * reach))
            if key == "al_add"
            else Headline(ctx.t("allocator.col.investment", cur=ctx.unit), ctx.money(investment)),
            Headline(
                ctx.t("allocator.fig.roi"),
                fmt.pct(al.net_roi(uplift * reach, investment)),
                ctx.t("allocator.def.roi"),
            ),
        ],
        border=False,
    )
    return {
        "name": name,
        "investment": round(float(investment), 2),
        "uplift_per_customer": round(uplift, 2),
        "reach": float(reach),
        "divisible": False,
    }


def derive_panel(ctx) -> None:
    """A project whose uplift the CLV engine derives from a segment (drawn only while open:
    the customer frame is not needed for a slider move)."""
    lang = ctx.lang
    derive = st.expander(ctx.t("allocator.page.derive"), key="al_derive_open", on_change="rerun")
    with derive:
        st.caption(ctx.t("allocator.page.derive.caption"))
        if not derive.open:
            return
        values = ctx.customer_values()
        if values.empty:
            st.info(ctx.t("allocator.page.derive.empty"))
            return
        d1, d2, d3 = st.columns(3)
        dim = translated_choice(
            "selectbox",
            ctx.t("allocator.page.segment_by"),
            ("all", *al.SEGMENT_COLUMNS),
            "al_seg_dim",
            lang,
            d1,
            format_func=lambda d: ctx.t(f"allocator.page.segment.{d}"),
        )
        segment, segment_label = values, ctx.t("allocator.page.segment.all")
        if dim != "all":
            choices = sorted(values[dim].dropna().astype(str).unique())
            segment_label = d2.selectbox(
                ctx.t("allocator.page.segment_value"), choices, key=f"al_seg_value_{dim}"
            )
            segment = values[values[dim].astype(str) == segment_label]
        change = translated_choice(
            "radio",
            ctx.t("allocator.page.change"),
            ("retention", "frequency"),
            "al_change",
            lang,
            d3,
            format_func=lambda c: ctx.t(f"allocator.page.change.{c}"),
        )
        e1, e2, e3 = st.columns(3)
        r = values.attrs.get("retention", math.nan)
        if change == "retention":
            amount = e1.number_input(
                ctx.t("allocator.page.points"),
                0.5,
                50.0,
                3.0,
                0.5,
                key="al_points",
                help=ctx.t("allocator.page.points.help", r=fmt.pct(r, 1)),
            )
        else:
            amount = e1.number_input(
                ctx.t("allocator.page.visits"),
                0.1,
                12.0,
                0.5,
                0.1,
                key="al_visits",
                help=ctx.t("allocator.page.visits.help"),
            )
        invest = e2.number_input(
            ctx.t("allocator.col.investment", cur=ctx.unit),
            1_000,
            MAX_BUDGET,
            200_000,
            10_000,
            key="al_derive_cost",
        )
        default_name = ctx.t(
            f"allocator.page.derived_name.{change}", amount=fmt.number(amount, 1), segment=segment_label
        )
        new_name = (
            e3.text_input(ctx.t("allocator.col.name"), key="al_derive_name", placeholder=default_name).strip()
            or default_name
        )
        try:
            derive_uplift = al.uplift_from_retention if change == "retention" else al.uplift_from_frequency
            uplift, reach = derive_uplift(segment, amount)
        except al.AllocationError as err:
            st.warning(ctx.t("allocator.page.derive.failed", error=md(explain_error(err, lang))))
            return
        row = _candidate(ctx, uplift, reach, invest, "al_add", new_name)
        params = values.attrs.get("params")
        st.caption(
            ctx.t(
                f"allocator.page.derive.method.{change}",
                r=fmt.pct(r, 1),
                d=fmt.pct(getattr(params, "discount_rate", math.nan)),
                h=getattr(params, "horizon_years", "—"),
            )
        )
        _add_button(ctx, "al_add", row)


def measured_panel(ctx) -> None:
    """A project from a measured call programme: the typed prior beside the measured uplift
    of an issued list and its control group."""
    from_calls = st.expander(ctx.t("measured.page.title"), key="al_measured_open", on_change="rerun")
    with from_calls:
        if not from_calls.open:
            return
        st.caption(ctx.t("measured.page.caption"))
        programme = pick_programme(ctx, "al_measured")
        if programme is None:
            return
        show_evidence(ctx, programme)
        try:
            uplift, reach = measured.uplift_from_measured(programme)
            project = measured.allocator_project(programme, programme_name(ctx, programme))
        except al.AllocationError as err:
            st.warning(ctx.t("measured.page.failed", error=md(explain_error(err, ctx.lang))))
            return
        row = _candidate(ctx, uplift, reach, project.investment, "al_measured_add", project.name)
        st.caption(ctx.t("measured.page.method"))
        _add_button(ctx, "al_measured_add", row)
