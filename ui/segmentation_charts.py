"""The segmentation page's charts, each built once per process and inputs and shared by every
session's run (ui.charts.kept_figure, issue 14): pure functions of the rows drawn, their labels
and the language's words, never a Context. ui/segmentation_panels.py and
ui/segmentation_sections.py put the labels together and call them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.charts import kept_figure
from ui.safe import plot_text

COLORS = {
    "platinum": "#4B5D8C",
    "gold": "#E0A526",
    "silver": "#9AA7B5",
    "ordinary": "#8DBF8B",
    "churned": "#D0574F",
    "vip": "#6A3D9A",
    "high_value": "#1F78B4",
    "potential": "#33A02C",
    "churn_risk": "#FF7F00",
    "dormant": "#B5B5B5",
    "invalid": "#E31A1C",
    "standard": "#8DBF8B",
    "new": "#CCCCCC",
}
CHART = dict(height=340, margin=dict(l=10, r=10, t=30, b=10))


@kept_figure
def share_figure(
    b: pd.DataFrame, names: list[str], legend: tuple[str, str, str], with_typical: bool
) -> go.Figure:
    """Each tier's share of customers beside its share of gross profit (and the typical
    customer's range); ``names`` the tiers' labels, ``legend`` the three series' names."""
    fig = go.Figure()
    # customdata: the tier's id, so a click lists its customers (ui.drill)
    fig.add_bar(x=names, y=b["share"], name=legend[0], marker_color="#9AA7B5", customdata=list(b["tier"]))
    fig.add_bar(
        x=names, y=b["profit_share"], name=legend[1], marker_color="#1F78B4", customdata=list(b["tier"])
    )
    if with_typical:
        mid = (b["typical_low"] + b["typical_high"]) / 2
        fig.add_scatter(
            x=names,
            y=mid,
            mode="markers",
            name=legend[2],
            marker=dict(symbol="diamond", size=11, color="#E0A526"),
            error_y=dict(
                type="data",
                array=b["typical_high"] - mid,
                arrayminus=mid - b["typical_low"],
                visible=bool((b["typical_high"] > b["typical_low"]).any()),
            ),
        )
    fig.update_layout(barmode="group", yaxis_tickformat=".0%", legend=dict(orientation="h", y=1.12), **CHART)
    return fig


@kept_figure
def treemap_figure(part: pd.DataFrame, names: dict, tier_names: dict) -> go.Figure:
    """Stores sized by customers, each split into its tiers (built by hand: plotly express
    takes longer than the rest of the page); ``part``: home_store_id, tier, customers (> 0)."""
    stores = part.groupby("home_store_id", dropna=False)["customers"].sum()
    store_ids = [f"s:{s}" for s in stores.index]
    fig = go.Figure(
        go.Treemap(
            ids=store_ids + [f"s:{s}/{t}" for s, t in zip(part["home_store_id"], part["tier"])],
            labels=[plot_text(names.get(s, s)) if isinstance(s, str) else "—" for s in stores.index]
            + [tier_names[t] for t in part["tier"]],
            parents=[""] * len(store_ids) + [f"s:{s}" for s in part["home_store_id"]],
            values=list(stores.to_numpy()) + list(part["customers"]),
            branchvalues="total",
            marker=dict(colors=["#EEEEEE"] * len(store_ids) + [COLORS[t] for t in part["tier"]]),
            textinfo="label+value",
        )
    )
    fig.update_layout(**CHART)
    return fig


FLOW_COLORS = {
    "up": "rgba(51,160,44,0.45)",
    "down": "rgba(208,87,79,0.45)",
    "same": "rgba(150,150,150,0.30)",
    "new": "rgba(31,120,180,0.30)",
}


def _node_positions(sizes: list[float]) -> list[float]:
    """Node centres top to bottom in tier order (plotly would otherwise reorder them)."""
    total = sum(sizes) or 1.0
    pad = 0.02
    span = 1 - pad * (len(sizes) + 1)
    ys, top = [], pad
    for size in sizes:
        height = span * size / total
        ys.append(min(max(top + height / 2, 0.001), 0.999))
        top += height + pad
    return ys


@kept_figure
def sankey_figure(
    flows: pd.DataFrame, left_nodes: list[str], right_nodes: list[str], tier_names: dict
) -> go.Figure:
    """Tiers then (left) to tiers now (right); green links moved up, red slipped."""
    out = flows.groupby("tier_a")["customers"].sum()
    into = flows.groupby("tier_b")["customers"].sum()
    index_a = {t: i for i, t in enumerate(left_nodes)}
    index_b = {t: len(left_nodes) + i for i, t in enumerate(right_nodes)}
    nodes = left_nodes + right_nodes
    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node=dict(
                label=[tier_names[t] for t in nodes],
                color=[COLORS[t] for t in nodes],
                pad=12,
                x=[0.001] * len(left_nodes) + [0.999] * len(right_nodes),
                y=_node_positions([out[t] for t in left_nodes])
                + _node_positions([into[t] for t in right_nodes]),
            ),
            link=dict(
                source=[index_a[t] for t in flows["tier_a"]],
                target=[index_b[t] for t in flows["tier_b"]],
                value=flows["customers"].tolist(),
                color=[FLOW_COLORS[d] for d in flows["direction"]],
            ),
        )
    )
    fig.update_layout(height=440, margin=dict(l=10, r=10, t=10, b=10))
    return fig


@kept_figure
def compare_figure(
    per: pd.DataFrame, by: str, tiers: list[str], keys: list, shown: dict, tier_names: dict
) -> go.Figure:
    """Each store's (region's) tiers as stacked shares; ``shown``: its name as drawn, by key;
    customdata: its position in ``keys`` (names are a dealer's text) and the tier."""
    fig = go.Figure()
    for tier in tiers:
        part = per[per["tier"] == tier]
        fig.add_bar(
            y=[shown[k] for k in part[by]],
            x=part["share"],
            name=tier_names[tier],
            orientation="h",
            marker_color=COLORS[tier],
            customdata=[[keys.index(k) if k in keys else -1, tier] for k in part[by]],
        )
    fig.update_layout(barmode="stack", xaxis_tickformat=".0%", legend=dict(orientation="h", y=1.12), **CHART)
    return fig


@kept_figure
def heat_figure(
    grid: pd.DataFrame, tiers: list[str], keys: list, shown: dict, texts: list, tier_names: dict
) -> go.Figure:
    """Each store's (region's) share of each tier's gross profit; ``texts`` the cells' words."""
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[tier_names[x] for x in tiers],
            y=[shown[k] for k in grid.index],
            colorscale="Blues",
            text=texts,
            texttemplate="%{text}",
            showscale=False,
        )
    )
    # A heat map cannot be selected in Plotly: invisible markers on the cells carry the ids.
    cells = [(k, tier) for k in grid.index for tier in tiers]
    fig.add_scatter(
        x=[tier_names[t] for _, t in cells],
        y=[shown[k] for k, _ in cells],
        customdata=[[keys.index(k) if k in keys else -1, t] for k, t in cells],
        mode="markers",
        hoverinfo="none",
        showlegend=False,
        marker=dict(size=22, symbol="square", color="rgba(0,0,0,0)"),
    )
    fig.update_layout(height=60 + 28 * len(grid), margin=dict(l=10, r=10, t=10, b=10))
    return fig


@kept_figure
def budget_figure(lines: pd.DataFrame, names: list[str], legend: tuple[str, str]) -> go.Figure:
    """Each tier's share of customers beside its share of the care budget."""
    fig = go.Figure()
    fig.add_bar(x=names, y=lines["customer_share"], name=legend[0], marker_color="#9AA7B5")
    fig.add_bar(x=names, y=lines["share"], name=legend[1], marker_color="#E0A526")
    fig.update_layout(barmode="group", yaxis_tickformat=".0%", legend=dict(orientation="h", y=1.12), **CHART)
    return fig
