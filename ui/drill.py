"""What lies behind a figure: the CLV bridge against an earlier date, and the customers behind a
clicked bar, cell or row."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import bridge as br
from clv_engine import status as cs
from clv_engine.overview_figures import Figures
from ui import queries
from ui.charts import kept_by_key, money_axis
from ui.context import Context
from ui.safe import plot_text
from ui.widgets import translated_choice
from wording import fmt

# -- the bridge -------------------------------------------------------------------------------


def comparison(ctx: Context, key: str) -> date:
    """A "compare with a year / a quarter earlier" choice; returns the earlier date."""
    period = translated_choice(
        "radio",
        ctx.t("bridge.compare"),
        list(br.PERIODS),
        key,
        ctx.lang,
        format_func=lambda p: ctx.t(f"bridge.period.{p}"),
        horizontal=True,
    )
    return br.comparison_date(ctx.as_of, period)


def vs_text(ctx: Context, since: date) -> str:
    """The note beside a delta: "YoY" / "QoQ" (同比 / 环比)."""
    return ctx.t("bridge.vs.year" if since == br.comparison_date(ctx.as_of, "year") else "bridge.vs.quarter")


def values_on(ctx: Context, day: date, full: bool = True) -> Figures:
    """The overview's figures on ``day`` (``queries.overview_figures``: the headline, the
    concentration curve and the CLV histogram; ``full`` False: the headline only), in the same
    scope, with the same model and inputs: a few numbers, not a frame of every customer."""
    with st.spinner(ctx.t("speed.values")):  # long only the first time (no stored date)
        return queries.overview_figures(ctx.db, day, ctx.store_ids, ctx.clv_params, ctx.clv_model, full)


def signed(text: str, value: float | None) -> str | None:
    """A delta for st.metric: "+" before a rise (a fall already reads "-")."""
    if value is None or value != value:
        return None
    return text if value < 0 or text.startswith(("-", "+")) else "+" + text


def money_delta(ctx: Context, now: float, before: float | None) -> str | None:
    return None if before is None else signed(ctx.money(now - before), now - before)


def number_delta(now: float, before: float | None) -> str | None:
    return None if before is None else signed(fmt.number(now - before), now - before)


def pp_delta(ctx: Context, now: float | None, before: float | None) -> str | None:
    """A change in a percentage, in percentage points."""
    if now is None or before is None or now != now or before != before:
        return None
    return fmt.pp(now - before, ctx.lang)


def draw_bridge(ctx: Context, b: br.Bridge, key: str) -> None:
    """The bridge as a small waterfall, each bar's definition on hover: built once per bridge,
    language and currency for every session."""
    fig = kept_by_key("bridge", (b, ctx.lang, ctx.currency), lambda: bridge_figure(ctx, b))
    st.plotly_chart(fig, width="stretch", key=key)


def bridge_figure(ctx: Context, b: br.Bridge) -> go.Figure:
    start, end = b.start_date.isoformat(), b.end_date.isoformat()
    labels = [
        ctx.t("bridge.start", date=start),
        ctx.t("bridge.gained", n=fmt.number(b.gained_customers)),
        ctx.t("bridge.lost", n=fmt.number(b.lost_customers)),
        ctx.t("bridge.per_customer"),
        ctx.t("bridge.end", date=end),
    ]
    helps = [
        ctx.t("bridge.help.start", date=start),
        ctx.t("bridge.help.gained"),
        ctx.t("bridge.help.lost"),
        ctx.t("bridge.help.per_customer"),
        ctx.t("bridge.help.end", date=end),
    ]
    amounts = [v for _, v in b.steps()]
    texts = [ctx.money(v) if i in (0, 4) else signed(ctx.money(v), v) for i, v in enumerate(amounts)]
    fig = go.Figure(
        go.Waterfall(
            measure=["absolute", "relative", "relative", "relative", "total"],
            x=labels,
            y=amounts[:4] + [0],
            text=texts,
            textposition="outside",
            hovertext=[
                f"<b>{plot_text(lab)}</b>: {plot_text(t)}<br>{_wrap(plot_text(h))}"
                for lab, t, h in zip(labels, texts, helps)
            ],
            hoverinfo="text",
            connector=dict(line=dict(dash="dot")),
            increasing=dict(marker_color="#33A02C"),
            decreasing=dict(marker_color="#E31A1C"),
            totals=dict(marker_color="#1F78B4"),
        )
    )
    low = min(0.0, *[sum(amounts[: i + 1]) for i in range(4)])
    high = max(*[sum(amounts[: i + 1]) for i in range(4)], 0.0)
    pad = 0.15 * (high - low or 1.0)
    fig.update_layout(
        height=300,
        margin=dict(l=10, r=10, t=30, b=10),
        showlegend=False,
        # automargin: the long bar names ("Customers gained (1,234)") get room instead of a cut.
        xaxis=dict(automargin=True),
        yaxis=dict(range=[low - (pad if low < 0 else 0), high + pad], automargin=True),
    )
    money_axis(
        fig, "y", high, low, ctx.lang, ctx.currency
    )  # the reader's money (¥120万), exact labels on bars
    return fig


def _wrap(text: str, width: int = 60) -> str:
    """Hover text in lines of about ``width`` characters (Chinese has no spaces: cut anywhere)."""
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines, line = [], ""
    for word in words:
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line}{joiner}{word}" if line else word
    return "<br>".join(lines + [line])


def bridge_section(ctx: Context, values: Figures, before: Figures, since: date, key: str) -> None:
    """The bridge of the total CLV between ``since`` and the as-of date, or why there is none."""
    st.subheader(ctx.t("bridge.title", date=since.isoformat()))
    if before.empty:
        st.info(ctx.t("bridge.no_start", date=since.isoformat()))
        return
    if before.attrs.get("model") != values.attrs.get("model"):
        st.info(ctx.t("bridge.models_differ", date=since.isoformat()))
        return
    # cached, not joined again on every rerun
    b = queries.overview_clv_bridge(ctx.db, since, ctx.as_of, ctx.store_ids, ctx.clv_params, ctx.clv_model)
    st.caption(ctx.t("bridge.caption", active=cs.StatusRules().active_days))
    draw_bridge(ctx, b, key)


# -- the customers behind a selection --------------------------------------------------------


def points_of(event) -> list:
    """``event.selection.points`` of st.plotly_chart(on_select="rerun"), or [] (no event yet)."""
    if isinstance(event, (list, tuple)):  # several charts feeding one list
        return [p for e in event for p in points_of(e)]

    def part(thing, name):
        if thing is None:
            return None
        if isinstance(thing, dict):
            return thing.get(name)
        return getattr(thing, name, None)

    return list(part(part(event, "selection"), "points") or [])


def customer_list_for(
    ctx: Context,
    event,
    frame: pd.DataFrame,
    fields: tuple[str, ...],
    key: str,
    describe=None,
    extra_labels: dict | None = None,
    select=None,
    decode: dict | None = None,
    hint: str = "drill.hint",
) -> pd.DataFrame | None:
    """Under a chart: the customers behind its selected points (scoped by ``ctx.store_ids``),
    downloadable as CSV and Excel (audited, only for a viewer who may export customers); a hint
    when nothing is selected.

    ``fields``: the frame's columns the chart's ``customdata`` holds, in order (stable ids).
    ``describe(key) -> str``: the selection in words (plain text; shown escaped).
    ``extra_labels``: translated headers of extra columns {column: header}.
    ``select(frame, points) -> rows``: instead of matching ``fields`` (e.g. the top n of a ranking).
    ``decode``: {field: function} for fields sent as a position (a dealer's text never goes into
    a chart's data: positions, not store names or regions), turning it back into the value.
    """
    from clv_engine import drill as engine
    from ui.downloads import table_downloads
    from ui.safe import md
    from wording.status import status_definitions

    points = points_of(event)
    keys = engine.selected_keys(points, fields)
    if decode:
        keys = [{f: decode[f](v) if f in decode else v for f, v in k.items()} for k in keys]
    if not keys:
        st.caption(ctx.t(hint))
        return None
    if select is not None:
        picked = select(frame, points)
        rows = engine.customers_for(
            picked, [{}], ctx.store_ids, highest_clv_first=False, extra_columns=tuple(extra_labels or ())
        )
    else:
        rows = engine.customers_for(frame, keys, ctx.store_ids, extra_columns=tuple(extra_labels or ()))
    chosen = "; ".join(describe(k) for k in keys) if describe else ""
    st.markdown(f"**{ctx.t('drill.title', n=fmt.number(len(rows)))}**" + (f" {md(chosen)}" if chosen else ""))
    if rows.empty:
        st.caption(ctx.t("drill.none"))
        return rows
    shown = rows.copy()
    has_status = "status" in shown.columns
    if has_status:
        shown["status"] = [ctx.t(f"status.{s}") if isinstance(s, str) else s for s in shown["status"]]
    labels = {c: ctx.t(f"drill.col.{c}") for c in engine.LIST_COLUMNS}
    labels.update(extra_labels or {})
    shown = shown.rename(columns={c: labels.get(c, c) for c in shown.columns})
    money = [labels[c] for c in ("gross_profit", "gp_12m", "clv") if c in rows.columns]
    st.dataframe(
        shown,
        hide_index=True,
        key=f"{key}_table",
        height=min(38 + 35 * len(shown), 360),
        column_config={c: st.column_config.NumberColumn(format=fmt.money_column(ctx.currency)) for c in money}
        # The status is the one defined in clv_engine.status: its definitions on hover.
        | (
            {labels["status"]: st.column_config.TextColumn(help=status_definitions(ctx.lang))}
            if has_status
            else {}
        ),
    )
    # A customer list: logged when it leaves the app, not offered to a viewer who may not export.
    table_downloads(
        ctx,
        shown,
        key,
        key,
        ctx.t("drill.sheet"),
        labels=("drill.csv", "drill.xlsx"),
        audit="drill_customers",
    )
    return rows
