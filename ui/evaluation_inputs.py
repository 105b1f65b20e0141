"""The evaluator's inputs: the case, its programme's numbers, and the sensitivity settings.

Every widget key carries the preset's stable id (``ev_mobile_van_c0``): switching case never
carries a van's labour cost into the member day's discount, and a language switch changes
only labels. Choices (ui.widgets.translated_choice) are kept in the link by their id
(``?ev_preset=member_day``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import evaluation as ev
from clv_engine.evaluation import CostLine, CustomerGroup, Programme
from ui.safe import md
from ui.widgets import translated_choice
from wording import evaluation as wev
from wording.errors import explain

URL = "query-params"
MAX_EXTRA_LINES = 5
MAX_EXTRA_GROUPS = 4


def key(preset_key: str, name: str) -> str:
    return f"ev_{preset_key}_{name}"


def widget_state(p: Programme, preset_key: str) -> dict[str, Any]:
    """The widget values that reproduce ``p`` on this page (scenario load, data apply)."""
    base = ev.preset(preset_key)
    k = lambda name: key(preset_key, name)  # noqa: E731
    state: dict[str, Any] = {
        k("horizon"): p.horizon_years,
        k("rate"): round(p.discount_rate * 100, 2),
        k("volume"): int(round(p.volume_per_year)),
        k("price"): int(round(p.unit_revenue)),
        k("extra_lines"): max(0, len(p.cost_lines) - len(base.cost_lines)),
        k("extra_groups"): max(0, len(p.groups) - len(base.groups)),
        k("key_driver"): p.key_driver,
    }
    if preset_key == "custom":
        state[k("name")] = wev.typed_name(p)
    for i, line in enumerate(p.cost_lines):
        state[k(f"c{i}")] = int(round(line.amount))
        state[k(f"c{i}_year")] = max(1, line.year)
        if i >= len(base.cost_lines):
            state[k(f"c{i}_name")] = line.name
            state[k(f"c{i}_timing")] = line.timing
    for i, g in enumerate(p.groups):
        state[k(f"g{i}_per_unit")] = g.customers is None
        state[k(f"g{i}_n")] = 0 if g.customers is None else int(round(g.customers))
        state[k(f"g{i}_u")] = int(round(g.clv_uplift))
        state[k(f"g{i}_t")] = round(g.take_up * 100, 1)
        state[k(f"g{i}_base")] = 0 if g.baseline_clv is None else int(round(g.baseline_clv))
        if i >= len(base.groups):
            state[k(f"g{i}_name")] = g.name
    return state


def apply_state(state: dict[str, Any]) -> None:
    """Callback: set widgets (and choices, by their value key) before the next run draws them."""
    for name, value in state.items():
        st.session_state[name] = value


def restore(payload: dict[str, Any]) -> None:
    """A saved case back on the widgets: its preset id, programme and sensitivity settings."""
    try:
        preset_key = payload["preset"]
        programme = payload["programme"]
    except KeyError as exc:
        raise ev.ProgrammeError("missing_field", field=str(exc).strip("'")) from exc
    state = widget_state(Programme.from_dict(programme), preset_key)
    state["ev_preset"] = preset_key
    for name in ("spread", "seed"):
        if name in payload:
            state[f"ev_{name}"] = payload[name]
    apply_state(state)


def choose_case(ctx: Any) -> str:
    """The preset's stable id, chosen by its label and kept in the link."""
    return translated_choice(
        "selectbox",
        ctx.t("evaluator.page.preset"),
        list(ev.PRESETS),
        "ev_preset",
        ctx.lang,
        link=True,
        format_func=lambda p: ctx.t(f"evaluator.preset.{p}"),
        always=True,
        help=ctx.t("evaluator.page.preset.help"),
    )


def _cost_lines(ctx: Any, base: Programme, k, horizon: int) -> list[CostLine]:
    extra = st.number_input(
        ctx.t("evaluator.page.extra_lines"), 0, MAX_EXTRA_LINES, 0, 1, key=k("extra_lines"), bind=URL
    )
    lines: list[CostLine] = []
    templates = list(base.cost_lines) + [CostLine("—", 0, "yearly")] * int(extra)
    for i, template in enumerate(templates):
        custom_line = i >= len(base.cost_lines)
        if custom_line:
            st.divider()
            line_name = st.text_input(
                ctx.t("evaluator.page.line_name", n=i + 1), value="", key=k(f"c{i}_name"), bind=URL
            )
            line_name = line_name.strip() or ctx.t("evaluator.page.line_default", n=i + 1)
            timing = translated_choice(
                "selectbox",
                ctx.t("evaluator.page.timing", n=i + 1),
                list(ev.TIMINGS),
                k(f"c{i}_timing"),
                ctx.lang,
                link=True,
                format_func=lambda x: ctx.t(f"evaluator.timing.{x}"),
                index=ev.TIMINGS.index("yearly"),
            )
            amount_label = ctx.t("evaluator.page.line_amount", n=i + 1, cur=ctx.unit)
        else:
            line_name, timing = template.name, template.timing
            amount_label = f"{md(wev.label(template.name, ctx.lang))} · {ctx.t(f'evaluator.timing.{timing}')}"
        amount = st.number_input(
            amount_label,
            0,
            1_000_000_000,
            int(round(template.amount)),
            1_000 if template.amount >= 10_000 or custom_line else 10,
            key=k(f"c{i}"),
            bind=URL,
            help=ctx.t(f"evaluator.page.timing.{timing}.help"),
        )
        year = 0
        if timing == "one_off":
            year = st.number_input(
                ctx.t("evaluator.page.one_off_year", n=i + 1),
                1,
                int(horizon),
                min(max(template.year, 1), int(horizon)),
                1,
                key=k(f"c{i}_year"),
                bind=URL,
            )
        lines.append(CostLine(line_name, float(amount), timing, int(year)))
    return lines


def _group_number(
    ctx: Any, box: Any, role: str, i: int, bounds: tuple[int, int], value: int, step: int, widget_key: str
) -> int:
    """One of a customer group's numbers (``evaluator.page.<role>``), kept in the link."""
    return box.number_input(
        ctx.t(f"evaluator.page.{role}", n=i + 1, cur=ctx.unit),
        *bounds,
        value,
        step,
        key=widget_key,
        bind=URL,
        help=ctx.t(f"evaluator.page.{role}.help"),
    )


def _groups(ctx: Any, base: Programme, k, unit: str) -> list[CustomerGroup]:
    extra = st.number_input(
        ctx.t("evaluator.page.extra_groups"), 0, MAX_EXTRA_GROUPS, 0, 1, key=k("extra_groups"), bind=URL
    )
    groups: list[CustomerGroup] = []
    templates = list(base.groups) + [CustomerGroup("—", 0, 0)] * int(extra)
    for i, template in enumerate(templates):
        if i:
            st.divider()
        if i >= len(base.groups):
            group_name = st.text_input(
                ctx.t("evaluator.page.group_name", n=i + 1), value="", key=k(f"g{i}_name"), bind=URL
            )
            group_name = group_name.strip() or ctx.t("evaluator.page.group_default", n=i + 1)
        else:
            group_name = template.name
            st.markdown(f"**{md(wev.label(group_name, ctx.lang))}**")
        per_unit = st.toggle(
            ctx.t("evaluator.page.per_unit", unit=unit),
            template.customers is None,
            key=k(f"g{i}_per_unit"),
            bind=URL,
            help=ctx.t("evaluator.page.per_unit.help"),
        )
        customers = None
        if not per_unit:
            customers = _group_number(
                ctx, st, "customers", i, (0, 100_000_000), int(template.customers or 0), 10, k(f"g{i}_n")
            )
        left, right = st.columns(2)
        uplift = _group_number(
            ctx,
            left,
            "uplift",
            i,
            (-10_000_000, 10_000_000),
            int(round(template.clv_uplift)),
            100,
            k(f"g{i}_u"),
        )
        take_up = st.slider(
            ctx.t("evaluator.page.take_up", n=i + 1),
            0.0,
            100.0,
            round(template.take_up * 100, 1),
            1.0,
            format="%.0f%%",
            key=k(f"g{i}_t"),
            bind=URL,
            help=ctx.t("evaluator.page.take_up.help"),
        )
        baseline = _group_number(
            ctx, right, "baseline", i, (0, 100_000_000), int(template.baseline_clv or 0), 100, k(f"g{i}_base")
        )
        groups.append(
            CustomerGroup(
                group_name,
                None if customers is None else float(customers),
                float(uplift),
                take_up / 100,
                float(baseline) or None,
            )
        )
    return groups


def programme_inputs(ctx: Any, preset_key: str) -> Programme:
    """The programme as the inputs describe it; stops the page with the reason when they
    do not make one."""
    base = ev.preset(preset_key)
    k = lambda name: key(preset_key, name)  # noqa: E731
    with st.expander(ctx.t("evaluator.page.group.programme"), expanded=True):
        name = base.name
        if preset_key == "custom":
            typed = st.text_input(
                ctx.t("evaluator.page.name"),
                value="",
                key=k("name"),
                bind=URL,
                placeholder=ctx.t("evaluator.preset.custom"),
            )
            name = typed.strip() or base.name
        horizon = st.slider(
            ctx.t("evaluator.in.horizon"),
            1,
            ev.MAX_HORIZON_YEARS,
            base.horizon_years,
            key=k("horizon"),
            bind=URL,
            help=ctx.t("evaluator.page.horizon.help"),
        )
        rate = st.slider(
            ctx.t("evaluator.in.discount_rate"),
            0.0,
            30.0,
            round(base.discount_rate * 100, 2),
            0.5,
            format="%.1f%%",
            key=k("rate"),
            bind=URL,
            help=ctx.t("evaluator.page.rate.help"),
        )
        unit = wev.label(base.volume_unit, ctx.lang)
        volume = st.number_input(
            ctx.t("evaluator.page.volume", unit=unit),
            0,
            10_000_000,
            int(base.volume_per_year),
            10,
            key=k("volume"),
            bind=URL,
            help=ctx.t("evaluator.page.volume.help"),
        )
        price = st.number_input(
            ctx.t("evaluator.page.price"),
            0,
            10_000_000,
            int(base.unit_revenue),
            100,
            key=k("price"),
            bind=URL,
            help=ctx.t("evaluator.page.price.help"),
        )
    with st.expander(ctx.t("evaluator.page.group.costs"), expanded=True):
        lines = _cost_lines(ctx, base, k, int(horizon))
    with st.expander(ctx.t("evaluator.page.group.customers"), expanded=True):
        groups = _groups(ctx, base, k, unit)
    try:
        return Programme(
            name=name,
            preset=preset_key,
            note=base.note,
            volume_unit=base.volume_unit,
            horizon_years=int(horizon),
            volume_per_year=float(volume),
            cost_lines=tuple(lines),
            groups=tuple(groups),
            discount_rate=float(rate) / 100,
            unit_revenue=float(price),
        )
    except ev.ProgrammeError as err:
        st.error(ctx.t("evaluator.page.invalid", error=md(explain(err, ctx.lang))))
        st.stop()


@dataclass(frozen=True)
class Settings:
    spread_pct: int
    seed: int
    key_driver: str | None
    ranges: dict[str, tuple[float, float]]

    @property
    def spread(self) -> float:
        return self.spread_pct / 100


def sensitivity_settings(ctx: Any, draft: Programme, preset_key: str) -> Settings:
    """The ± spread, the seed, the most uncertain input and each driver's own range."""
    base = ev.preset(preset_key)
    with st.expander(ctx.t("evaluator.page.group.sensitivity"), expanded=False):
        spread_pct = st.slider(
            ctx.t("evaluator.page.spread"),
            5,
            50,
            20,
            5,
            format="±%d%%",
            key="ev_spread",
            bind=URL,
            help=ctx.t("evaluator.page.spread.help"),
        )
        seed = st.number_input(
            ctx.t("evaluator.page.seed"),
            0,
            1_000_000,
            0,
            1,
            key="ev_seed",
            bind=URL,
            help=ctx.t("evaluator.page.seed.help"),
        )
        drivers = ev.driver_keys(draft)
        key_driver = (
            translated_choice(
                "selectbox",
                ctx.t("evaluator.page.key_driver"),
                drivers,
                key(preset_key, "key_driver"),
                ctx.lang,
                link=True,
                format_func=lambda d: wev.driver_label(draft, d, ctx.lang),
                index=drivers.index(base.key_driver) if base.key_driver in drivers else 0,
                help=ctx.t("evaluator.page.key_driver.help"),
            )
            if drivers
            else None
        )
        st.caption(ctx.t("evaluator.page.ranges.caption"))
        editor = st.data_editor(
            pd.DataFrame(
                {
                    "driver": drivers,
                    "label": [wev.driver_label(draft, d, ctx.lang) for d in drivers],
                    "down": [-spread_pct] * len(drivers),
                    "up": [spread_pct] * len(drivers),
                }
            ),
            hide_index=True,
            disabled=["label"],
            column_order=["label", "down", "up"],
            column_config={
                "label": st.column_config.TextColumn(ctx.t("evaluator.col.driver"), width="medium"),
                "down": st.column_config.NumberColumn(
                    ctx.t("evaluator.xl.range_down"), min_value=-100, max_value=0, format="%d%%"
                ),
                "up": st.column_config.NumberColumn(
                    ctx.t("evaluator.xl.range_up"), min_value=0, max_value=500, format="%d%%"
                ),
            },
            # A new driver list or range starts a fresh editor: old edits would land on the wrong rows.
            key=key(preset_key, f"ranges_{ctx.lang}_{spread_pct}_{zlib.crc32(','.join(drivers).encode())}"),
            placeholder="",  # an emptied cell, not Streamlit's English "None"
        )
    ranges = {r.driver: (float(r.down or 0) / 100, float(r.up or 0) / 100) for r in editor.itertuples()}
    return Settings(int(spread_pct), int(seed), key_driver, ranges)
