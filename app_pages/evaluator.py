"""Investment evaluator: the business case for one programme, ready for the CFO (SPEC §5).

Storyboard: pick a case -> move its inputs (every one bound to the URL) -> headline cards ->
J-curve and waterfall -> tornado and Monte Carlo -> tables -> export or save.
"""
from __future__ import annotations

import dataclasses
import zlib
from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import evaluation as ev
from clv_engine import measured, scenarios
from clv_engine.evaluation import CostLine, CustomerGroup, Programme
from ui.context import cached, page_context
from ui.measured_evidence import pick_programme, programme_name, show_evidence
from ui.safe import md
from ui.widgets import Headline, metric_row, presenting
from wording import CATALOGUE, LANGUAGES, boardpack, fmt, report
from wording import evaluation as wev

ctx = page_context()
lang = ctx.lang
URL = "query-params"
KIND = "evaluator"
SEGMENT_COLUMNS = ("all", "region", "channel", "vehicle_model", "home_store_id")
MAX_EXTRA_LINES = 5
MAX_EXTRA_GROUPS = 4


@cached
def _warranty_comparison(db, as_of, store_ids, params) -> ev.WarrantyComparison | str:
    try:
        return ev.warranty_clv_comparison(db, as_of, list(store_ids) if store_ids else None, params)
    except ValueError as err:  # no contracts, or no one to compare with: say so, don't fail
        return str(err)


@cached
def _saved(db) -> pd.DataFrame:
    return scenarios.list_scenarios(db, KIND)


def key(preset_key: str, name: str) -> str:
    # The preset is part of every key: switching case never carries a van's labour cost
    # into the member day's discount.
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
        state[k("name")] = p.name if p.name not in CATALOGUE else ""
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


def is_choice(name: str) -> bool:
    """Names drawn by :func:`url_selectbox` rather than plain widget keys."""
    return name == "ev_preset" or name.endswith(("_timing", "_key_driver"))


def apply_state(state: dict[str, Any]) -> None:
    """Callback: set widgets before they are drawn in the next run."""
    for name, value in state.items():
        if is_choice(name):
            set_choice(name, value)
        else:
            st.session_state[name] = value


def load_scenario_callback() -> None:
    chosen = st.session_state.get("ev_scenario_pick")
    if not chosen:
        return
    try:
        payload = scenarios.load_scenario(ctx.db, chosen)
        preset_key = payload["preset"]
        p = Programme.from_dict(payload["programme"])
        state = widget_state(p, preset_key)
    except (ValueError, KeyError) as err:
        st.session_state["ev_flash"] = ("error", ctx.t("evaluator.page.load_failed", error=md(err)))
        return
    state["ev_preset"] = preset_key
    for name in ("spread", "seed"):
        if name in payload:
            state[f"ev_{name}"] = payload[name]
    apply_state(state)
    st.session_state["ev_flash"] = ("success", ctx.t("evaluator.page.loaded", name=md(payload.get("name", ""))))


def url_selectbox(label: str, options: list, key: str, format_func, index: int = 0,
                  always: bool = False, **kwargs) -> Any:
    """A selectbox kept in the link by its option *key* (``?ev_preset=member_day``).

    ``bind`` would write the shown label, which changes with the language, so an English
    link would not open in Chinese; and a selectbox keeps showing its old label after a
    language switch, so the widget is one per language (``key__en``), seeded from the
    choice remembered in this session, else from the link. Like a bound widget, only a
    choice other than the default goes into the link, unless ``always``.
    """
    names = [str(o) for o in options]
    widget_key = f"{key}__{lang}"
    if widget_key not in st.session_state:
        remembered = st.session_state.get(f"{key}__value")
        wanted = st.query_params.get(key)
        if remembered is not None and str(remembered) in names:
            st.session_state[widget_key] = remembered
        elif wanted in names:
            st.session_state[widget_key] = options[names.index(wanted)]
    value = st.selectbox(label, options, index=index, format_func=format_func, key=widget_key, **kwargs)
    st.session_state[f"{key}__value"] = value
    keep = value is not None and (always or str(value) != names[index])
    if keep and st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)
    elif not keep and key in st.query_params:
        del st.query_params[key]
    return value


def set_choice(key: str, value: Any) -> None:
    """Callback side of :func:`url_selectbox`: the next run shows ``value``."""
    st.session_state[f"{key}__value"] = value
    for code in LANGUAGES:
        st.session_state.pop(f"{key}__{code}", None)


def save_scenario_callback(name: str, payload: dict[str, Any]) -> None:
    # A callback, not `if st.button(...)`: the message survives any rerun of the frame.
    try:
        scenarios.save_scenario(ctx.db, KIND, name, payload, actor=ctx.viewer.login)
    except ValueError as err:
        st.session_state["ev_flash"] = ("error", ctx.t("evaluator.page.save_failed", error=md(err)))
    else:
        st.session_state["ev_flash"] = ("success", ctx.t("evaluator.page.saved", name=md(name)))


@cached
def _saved_evaluation(db, scenario_id: str) -> ev.Evaluation | str:
    """The engine's evaluation of a saved case's programme, as saved (or why it cannot be)."""
    try:
        payload = scenarios.load_scenario(db, scenario_id)
        return ev.evaluate_programme(Programme.from_dict(payload["programme"]))
    except (ValueError, KeyError, TypeError) as err:
        return str(err)


COMPARED = ("npv", "irr", "mirr", "payback", "discounted_payback", "net_roi")


def compare_column(result: ev.Evaluation | str) -> list[str]:
    """One case's decision figures, in the order of COMPARED, as the headline cards show them."""
    if isinstance(result, str):
        return [ctx.t("evaluator.page.compare.invalid")] + ["—"] * (len(COMPARED) - 1)
    return [ctx.money(result.npv), report.irr_text(result, lang), fmt.pct(result.irr.mirr, 1),
            report.payback_text(result.payback_years, result, lang),
            report.payback_text(result.discounted_payback_years, result, lang), fmt.pct(result.net_roi)]


def compare_table(current: ev.Evaluation, chosen: list[str], names: dict[str, str]) -> dict[str, list[str]]:
    table = {ctx.t("evaluator.page.compare.figure"): [ctx.t(f"evaluator.fig.{f}") for f in COMPARED],
             ctx.t("evaluator.page.compare.now"): compare_column(current)}
    for sid in chosen:
        title = names.get(sid, sid)
        while title in table:   # a case called like another column
            title += " ·"
        table[title] = compare_column(_saved_evaluation(ctx.db, sid))
    return table


# -- header and case ----------------------------------------------------------------------
st.title(ctx.t("evaluator.page.title"))
if not presenting():   # a projector shows the figures; the caption is for the desk
    st.caption(ctx.t("evaluator.page.caption"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
flash = st.session_state.pop("ev_flash", None)
if flash:
    getattr(st, flash[0])(flash[1])

preset_key = url_selectbox(
    ctx.t("evaluator.page.preset"),
    list(ev.PRESETS),
    "ev_preset",
    lambda p: ctx.t(f"evaluator.preset.{p}"),
    always=True,
    help=ctx.t("evaluator.page.preset.help"),
)
base = ev.preset(preset_key)


def k(name: str) -> str:
    return key(preset_key, name)


head = None if presenting() else st.container()  # the headline cards, filled once the inputs are read
inputs, results = st.columns([1, 3] if head is None else [1, 2], gap="large")
if head is None:
    head = results.container()  # presentation mode: the figures beside the inputs, in one screen

# -- inputs -------------------------------------------------------------------------------
with inputs:
    # Filled once the inputs are read: the reference case's wording only while they are its own.
    note_box = st.empty()
    with st.expander(ctx.t("evaluator.page.group.programme"), expanded=True):
        name = base.name
        if preset_key == "custom":
            typed = st.text_input(ctx.t("evaluator.page.name"), value="", key=k("name"), bind=URL,
                                  placeholder=ctx.t("evaluator.preset.custom"))
            name = typed.strip() or base.name
        horizon = st.slider(ctx.t("evaluator.in.horizon"), 1, ev.MAX_HORIZON_YEARS, base.horizon_years,
                            key=k("horizon"), bind=URL, help=ctx.t("evaluator.page.horizon.help"))
        rate = st.slider(ctx.t("evaluator.in.discount_rate"), 0.0, 30.0, round(base.discount_rate * 100, 2), 0.5,
                         format="%.1f%%", key=k("rate"), bind=URL, help=ctx.t("evaluator.page.rate.help"))
        unit = wev.label(base.volume_unit, lang)
        volume = st.number_input(ctx.t("evaluator.page.volume", unit=unit), 0, 10_000_000,
                                 int(base.volume_per_year), 10, key=k("volume"), bind=URL,
                                 help=ctx.t("evaluator.page.volume.help"))
        price = st.number_input(ctx.t("evaluator.page.price"), 0, 10_000_000, int(base.unit_revenue), 100,
                                key=k("price"), bind=URL, help=ctx.t("evaluator.page.price.help"))

    with st.expander(ctx.t("evaluator.page.group.costs"), expanded=True):
        extra_lines = st.number_input(ctx.t("evaluator.page.extra_lines"), 0, MAX_EXTRA_LINES, 0, 1,
                                      key=k("extra_lines"), bind=URL)
        lines: list[CostLine] = []
        templates = list(base.cost_lines) + [CostLine("—", 0, "yearly")] * int(extra_lines)
        for i, template in enumerate(templates):
            custom_line = i >= len(base.cost_lines)
            if custom_line:
                st.divider()
                line_name = st.text_input(ctx.t("evaluator.page.line_name", n=i + 1), value="",
                                          key=k(f"c{i}_name"), bind=URL)
                line_name = line_name.strip() or ctx.t("evaluator.page.line_default", n=i + 1)
                timing = url_selectbox(ctx.t("evaluator.page.timing", n=i + 1), list(ev.TIMINGS),
                                       k(f"c{i}_timing"), lambda x: ctx.t(f"evaluator.timing.{x}"),
                                       index=ev.TIMINGS.index("yearly"))
                label = ctx.t("evaluator.page.line_amount", n=i + 1)
            else:
                line_name, timing = template.name, template.timing
                label = f"{md(wev.label(template.name, lang))} · {ctx.t(f'evaluator.timing.{timing}')}"
            amount = st.number_input(label, 0, 1_000_000_000, int(round(template.amount)), 1_000 if
                                     template.amount >= 10_000 or custom_line else 10,
                                     key=k(f"c{i}"), bind=URL, help=ctx.t(f"evaluator.page.timing.{timing}.help"))
            year = 0
            if timing == "one_off":
                year = st.number_input(ctx.t("evaluator.page.one_off_year", n=i + 1), 1, int(horizon),
                                       min(max(template.year, 1), int(horizon)), 1, key=k(f"c{i}_year"), bind=URL)
            lines.append(CostLine(line_name, float(amount), timing, int(year)))

    with st.expander(ctx.t("evaluator.page.group.customers"), expanded=True):
        extra_groups = st.number_input(ctx.t("evaluator.page.extra_groups"), 0, MAX_EXTRA_GROUPS, 0, 1,
                                       key=k("extra_groups"), bind=URL)
        groups: list[CustomerGroup] = []
        group_templates = list(base.groups) + [CustomerGroup("—", 0, 0)] * int(extra_groups)
        for i, template in enumerate(group_templates):
            if i:
                st.divider()
            if i >= len(base.groups):
                group_name = st.text_input(ctx.t("evaluator.page.group_name", n=i + 1), value="",
                                           key=k(f"g{i}_name"), bind=URL)
                group_name = group_name.strip() or ctx.t("evaluator.page.group_default", n=i + 1)
            else:
                group_name = template.name
                st.markdown(f"**{md(wev.label(group_name, lang))}**")
            per_unit = st.toggle(ctx.t("evaluator.page.per_unit", unit=unit), template.customers is None,
                                 key=k(f"g{i}_per_unit"), bind=URL, help=ctx.t("evaluator.page.per_unit.help"))
            customers = None
            if not per_unit:
                customers = st.number_input(ctx.t("evaluator.page.customers", n=i + 1), 0, 100_000_000,
                                            int(template.customers or 0), 10, key=k(f"g{i}_n"), bind=URL,
                                            help=ctx.t("evaluator.page.customers.help"))
            left, right = st.columns(2)
            uplift = left.number_input(ctx.t("evaluator.page.uplift", n=i + 1), -10_000_000, 10_000_000,
                                     int(round(template.clv_uplift)), 100, key=k(f"g{i}_u"), bind=URL,
                                     help=ctx.t("evaluator.page.uplift.help"))
            take_up = st.slider(ctx.t("evaluator.page.take_up", n=i + 1), 0.0, 100.0,
                                round(template.take_up * 100, 1), 1.0, format="%.0f%%",
                                key=k(f"g{i}_t"), bind=URL, help=ctx.t("evaluator.page.take_up.help"))
            baseline = right.number_input(ctx.t("evaluator.page.baseline", n=i + 1), 0, 100_000_000,
                                       int(template.baseline_clv or 0), 100, key=k(f"g{i}_base"), bind=URL,
                                       help=ctx.t("evaluator.page.baseline.help"))
            groups.append(CustomerGroup(group_name, None if customers is None else float(customers),
                                        float(uplift), take_up / 100, float(baseline) or None))

    try:
        draft = Programme(
            name=name, preset=preset_key, note=base.note, volume_unit=base.volume_unit,
            horizon_years=int(horizon), volume_per_year=float(volume), cost_lines=tuple(lines),
            groups=tuple(groups), discount_rate=float(rate) / 100, unit_revenue=float(price),
        )
    except ValueError as err:
        st.error(ctx.t("evaluator.page.invalid", error=md(err)))
        st.stop()

# The results column is drawn in order (J-curve, waterfall, sensitivity settings, tornado,
# Monte Carlo) but filled after the settings are read: containers keep the order.
with results:
    cash_charts = st.container()
    with st.expander(ctx.t("evaluator.page.group.sensitivity"), expanded=False):
        spread_pct = st.slider(ctx.t("evaluator.page.spread"), 5, 50, 20, 5, format="±%d%%",
                               key="ev_spread", bind=URL, help=ctx.t("evaluator.page.spread.help"))
        spread = spread_pct / 100
        seed = st.number_input(ctx.t("evaluator.page.seed"), 0, 1_000_000, 0, 1, key="ev_seed", bind=URL,
                               help=ctx.t("evaluator.page.seed.help"))
        drivers = ev.driver_keys(draft)
        key_driver = url_selectbox(ctx.t("evaluator.page.key_driver"), drivers, k("key_driver"),
                                   lambda d: wev.driver_label(draft, d, lang),
                                   index=drivers.index(base.key_driver) if base.key_driver in drivers else 0,
                                   help=ctx.t("evaluator.page.key_driver.help")) if drivers else None
        st.caption(ctx.t("evaluator.page.ranges.caption"))
        editor = st.data_editor(
            pd.DataFrame({
                "driver": drivers,
                "label": [wev.driver_label(draft, d, lang) for d in drivers],
                "down": [-spread_pct] * len(drivers),
                "up": [spread_pct] * len(drivers),
            }),
            hide_index=True,
            disabled=["label"],
            column_order=["label", "down", "up"],
            column_config={
                "label": st.column_config.TextColumn(ctx.t("evaluator.col.driver"), width="medium"),
                "down": st.column_config.NumberColumn(ctx.t("evaluator.xl.range_down"), min_value=-100,
                                                      max_value=0, format="%d%%"),
                "up": st.column_config.NumberColumn(ctx.t("evaluator.xl.range_up"), min_value=0,
                                                    max_value=500, format="%d%%"),
            },
            # A new driver list or range starts a fresh editor: old edits would land on the wrong rows.
            key=k(f"ranges_{lang}_{spread_pct}_{zlib.crc32(','.join(drivers).encode())}"),
        )
        ranges = {r.driver: (float(r.down or 0) / 100, float(r.up or 0) / 100) for r in editor.itertuples()}

    sensitivity_charts = st.container()

programme = dataclasses.replace(draft, key_driver=key_driver or base.key_driver)
analysis = ev.analyse_programme(programme, spread=spread, ranges=ranges, draws=10_000, seed=int(seed))
e = analysis.evaluation
mc = analysis.monte_carlo

# -- headline -----------------------------------------------------------------------------
with head:
    # Cards of one width in rows that wrap: nothing is cut at 1280×720 (ui.widgets.metric_row).
    decision = [
        Headline(ctx.t("evaluator.fig.net_roi"), fmt.pct(e.net_roi), ctx.t("evaluator.def.net_roi")),
        Headline(ctx.t("evaluator.fig.payback"), report.payback_text(e.payback_years, e, lang),
                 ctx.t("evaluator.def.payback")),
        Headline(ctx.t("evaluator.fig.npv"), ctx.money(e.npv), ctx.t("evaluator.def.npv") + " "
                 + ctx.t("evaluator.def.rate", rate=fmt.pct(programme.discount_rate, 1))),
        Headline(ctx.t("evaluator.fig.irr"), report.irr_text(e, lang), ctx.t("evaluator.def.irr")),
    ]
    totals = [
        Headline(ctx.t("evaluator.fig.cost"), ctx.money(e.cost_over_horizon), ctx.t("evaluator.def.cost")),
        Headline(ctx.t("evaluator.fig.gain"), ctx.money(e.gain_over_horizon), ctx.t("evaluator.def.gain")),
        Headline(ctx.t("evaluator.fig.multiple"), fmt.multiple(e.benefit_cost_multiple),
                 ctx.t("evaluator.def.multiple")),
        Headline(ctx.t("evaluator.fig.discounted_payback"),
                 report.payback_text(e.discounted_payback_years, e, lang),
                 ctx.t("evaluator.def.discounted_payback")),
    ]
    unit_cost = ctx.t("evaluator.none") if e.unit_cost is None else fmt.money_full(e.unit_cost)
    more = [
        Headline(ctx.t("evaluator.page.unit_cost", per=ctx.t(programme.volume_unit.replace(".unit.", ".per_unit."))),
                 unit_cost, ctx.t("evaluator.def.unit_cost")),
        Headline(ctx.t("evaluator.fig.net_gain"), ctx.money(e.net_gain_over_horizon),
                 ctx.t("evaluator.def.net_gain")),
        Headline(ctx.t("evaluator.fig.mirr"), fmt.pct(e.irr.mirr, 1),
                 ctx.t("evaluator.def.mirr", rate=fmt.pct(e.irr.mirr_rate, 1))),
    ]
    be_text = None
    if key_driver:
        be = analysis.break_even.set_index("driver").loc[key_driver, "break_even"]
        be_text = report.break_even_text(key_driver, None if pd.isna(be) else float(be), lang)
        more.append(Headline(
            ctx.t("evaluator.page.break_even", driver=ctx.t("evaluator.page.key_driver_short")), be_text,
            ctx.t("evaluator.def.break_even", driver=md(wev.driver_label(programme, key_driver, lang)))))
    if presenting():
        # One grid beside the inputs (3 of 4 parts of the screen), the decision's cards first.
        metric_row([dataclasses.replace(f, border=True) for f in decision] + totals + more,
                   border=False, share=0.75)
    else:
        metric_row(decision, like=totals + more)
        metric_row(totals, border=False, like=decision + more)
        metric_row(more, border=False, like=decision + totals)
    if key_driver:
        st.caption(ctx.t("evaluator.page.break_even.caption", driver=md(wev.driver_label(programme, key_driver, lang)),
                         value=be_text))
    for warning in report.warnings(e, lang):
        st.warning(warning)
    if e.net_roi is None:
        st.info(ctx.t("evaluator.warn.no_cost"))
    st.caption(ctx.t("evaluator.convention"))

note = report.note_text(programme, lang)
if note and not presenting():
    note_box.info(note)  # catalogue text of the preset, never typed

# -- charts and tables ----------------------------------------------------------------------
with cash_charts:
    st.plotly_chart(report.cash_flow_figure(e, lang), width="stretch", key="ev_chart_cash")
    st.plotly_chart(report.waterfall_figure(e, lang), width="stretch", key="ev_chart_waterfall")
with sensitivity_charts:
    st.plotly_chart(report.tornado_figure(programme, analysis.tornado, spread, lang), width="stretch",
                    key="ev_chart_tornado")
    st.plotly_chart(report.histogram_figure(mc, lang), width="stretch", key="ev_chart_mc")
    metric_row([*(Headline(ctx.t(f"evaluator.fig.{name}"), ctx.money(value), ctx.t(f"evaluator.def.{name}"))
                  for name, value in (("p10", mc.p10), ("p50", mc.p50), ("p90", mc.p90))),
                Headline(ctx.t("evaluator.fig.prob_loss"), fmt.pct(mc.prob_loss, 1),
                         ctx.t("evaluator.def.prob_loss"))],
               border=False, share=0.75 if presenting() else 2 / 3)
    st.caption(ctx.t("evaluator.report.mc_method", draws=fmt.number(mc.draws), seed=mc.seed))

    flows_tab, be_tab = st.tabs([ctx.t("evaluator.report.cash_flows"), ctx.t("evaluator.report.sensitivity")])
    with flows_tab:
        flows = e.cash_flows.copy()
        flows["year"] = flows["year"].astype(int)
        flows.columns = report.cash_flow_headers(lang)
        factor_col = ctx.t("evaluator.col.discount_factor")
        st.dataframe(
            flows, hide_index=True, width="stretch",
            column_config={c: st.column_config.NumberColumn(format="%.4f" if c == factor_col else "localized")
                           for c in flows.columns[1:]},
        )
    with be_tab:
        st.dataframe(pd.DataFrame(report.sensitivity_rows(analysis, lang),
                                  columns=report.sensitivity_headers(lang, spread)),
                     hide_index=True, width="stretch")

    # -- export -----------------------------------------------------------------------------
    st.subheader(ctx.t("evaluator.page.export"))
    d1, d2 = st.columns(2)
    d1.download_button(
        ctx.t("evaluator.page.download_html"),
        # Built on click: the inlined plotly.js makes the file ~5 MB and half a second.
        data=lambda: report.html_report(analysis, lang).encode("utf-8"),
        file_name=report.report_filename(programme, lang, "html"),
        mime="text/html",
        key="ev_download_html",
        on_click="ignore",
        icon=":material/description:",
    )
    d2.download_button(
        ctx.t("evaluator.page.download_xlsx"),
        data=lambda: report.excel_report(analysis, lang),
        file_name=report.report_filename(programme, lang, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="ev_download_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )
    # The board pack: slides with native charts, and the same pages as a PDF.
    missing = boardpack.unavailable(lang)
    for column, kind in zip(st.columns(2), ("pptx", "pdf"), strict=True):
        if kind in missing:
            column.caption(missing[kind])
            continue
        column.download_button(
            ctx.t(f"boardpack.download_{kind}"),
            data=lambda kind=kind: boardpack.evaluator_pack(kind, analysis, lang, ctx.currency),
            file_name=boardpack.filename("evaluator", lang, kind, programme.preset),
            mime=boardpack.MIME[kind], key=f"ev_download_{kind}", on_click="ignore",
            icon=":material/slideshow:" if kind == "pptx" else ":material/picture_as_pdf:",
        )

# -- CLV uplift from the data -------------------------------------------------------------
st.divider()
st.subheader(ctx.t("evaluator.page.data"))
st.caption(ctx.t("evaluator.page.data.caption"))
wcol, rcol = st.columns(2, gap="large")
with wcol:
    st.markdown(f"**{ctx.t('evaluator.page.warranty')}**")
    if not ctx.has("warranties"):
        st.info(ctx.t("evaluator.page.warranty.needs"))
    else:
        comparison = _warranty_comparison(ctx.db, ctx.as_of, ctx.store_ids, ctx.clv_params)
        if isinstance(comparison, str):
            st.info(ctx.t("evaluator.page.warranty.none", error=md(comparison)))
        else:
            st.dataframe(
                pd.DataFrame({
                    ctx.t("evaluator.col.figure"): [
                        ctx.t("evaluator.page.w.buyers"), ctx.t("evaluator.page.w.non_buyers"),
                        ctx.t("evaluator.page.w.clv_buyers"), ctx.t("evaluator.page.w.clv_non"),
                        ctx.t("evaluator.page.w.uplift"), ctx.t("evaluator.page.w.matched"),
                        ctx.t("evaluator.page.w.price"), ctx.t("evaluator.page.w.claims"),
                        ctx.t("evaluator.page.w.per_year"),
                    ],
                    ctx.t("evaluator.col.value"): [
                        fmt.number(comparison.buyers), fmt.number(comparison.non_buyers),
                        fmt.money_full(comparison.clv_buyers), fmt.money_full(comparison.clv_non_buyers),
                        f"{fmt.money_full(comparison.uplift)} ({fmt.pct(comparison.uplift_pct)})",
                        fmt.money_full(comparison.matched_uplift), fmt.money_full(comparison.avg_price),
                        fmt.money_full(comparison.avg_claims_cost), fmt.number(comparison.contracts_last_year),
                    ],
                }),
                hide_index=True, width="stretch",
            )
            st.caption(ctx.t("evaluator.page.warranty.caption", n=comparison.claims_complete_contracts))
            matched = st.toggle(ctx.t("evaluator.page.warranty.matched"), True, key="ev_w_matched")
            data_case = ev.warranty_programme(comparison, matched=matched)
            st.button(ctx.t("evaluator.page.warranty.apply"), key="ev_w_apply", on_click=apply_state,
                      args=(widget_state(data_case, "extended_warranty") | {"ev_preset": "extended_warranty"},),
                      icon=":material/input:")

with rcol:
    st.markdown(f"**{ctx.t('evaluator.page.retention')}**")
    values = ctx.customer_values()
    if values.empty:
        st.info(ctx.t("evaluator.page.retention.empty"))
    else:
        dim = st.selectbox(ctx.t("evaluator.page.segment_by"), SEGMENT_COLUMNS,
                           format_func=lambda d: ctx.t(f"evaluator.page.segment.{d}"), key=f"ev_seg_dim_{lang}")
        segment = values
        if dim != "all":
            options = sorted(values[dim].dropna().astype(str).unique())
            chosen = st.selectbox(ctx.t("evaluator.page.segment_value"), options, key=f"ev_seg_value_{dim}")
            segment = values[values[dim].astype(str) == chosen]
        current = float(values.attrs.get("retention", 0.8))
        target = st.slider(ctx.t("evaluator.page.retention_to", now=fmt.pct(current, 1)), 0.0, 100.0,
                           round(min(current + 0.05, 0.99) * 100, 1), 0.5, format="%.1f%%", key="ev_ret_to")
        result = ev.retention_uplift(segment, target / 100, current)
        metric_row([Headline(ctx.t("evaluator.page.r.customers"), fmt.number(result.customers)),
                    Headline(ctx.t("evaluator.page.r.clv"), fmt.money_full(result.clv_before)),
                    Headline(ctx.t("evaluator.page.r.uplift"), fmt.money_full(result.uplift),
                             delta=fmt.pct(result.uplift_pct, 1) if result.uplift_pct is not None else None)],
                   border=False, share=0.5)
        st.caption(ctx.t("evaluator.page.retention.caption"))
        target_group = st.selectbox(
            ctx.t("evaluator.page.retention.group"), list(range(len(programme.groups))),
            format_func=lambda i: wev.label(programme.groups[i].name, lang), key=k(f"ret_group_{lang}"),
        )
        set_customers = st.checkbox(ctx.t("evaluator.page.retention.set_customers"), True, key="ev_ret_customers")
        changes = {"clv_uplift": round(result.uplift), "baseline_clv": round(result.clv_before)}
        if set_customers:
            changes["customers"] = float(result.customers)
        updated = ev.with_group(programme, int(target_group), **changes)
        st.button(ctx.t("evaluator.page.retention.apply"), key="ev_ret_apply", on_click=apply_state,
                  args=(widget_state(updated, preset_key),), icon=":material/input:")

# -- a measured call programme ------------------------------------------------------------
# An issued list, its control group and recorded contacts as a case: the typed prior beside the
# measured take-up, and the evidence behind it.
from_calls = st.expander(ctx.t("measured.page.title"), key="ev_measured_open", on_change="rerun")
with from_calls:
    if from_calls.open:
        st.caption(ctx.t("measured.page.caption"))
        measured_case = pick_programme(ctx, "ev_measured")
        if measured_case is not None:
            show_evidence(ctx, measured_case)
            call_case = measured.evaluator_programme(measured_case,
                                                     name=programme_name(ctx, measured_case))
            st.caption(ctx.t("measured.page.method"))
            st.button(ctx.t("measured.page.apply"), key="ev_m_apply", on_click=apply_state,
                      args=(widget_state(call_case, "custom") | {"ev_preset": "custom"},), icon=":material/input:")

# -- scenarios ----------------------------------------------------------------------------
st.divider()
st.subheader(ctx.t("evaluator.page.scenarios"))
s1, s2 = st.columns(2, gap="large")
with s1:
    scenario_name = st.text_input(ctx.t("evaluator.page.scenario_name"), key="ev_scenario_name",
                                  placeholder=wev.label(programme.name, lang))
    name_to_save = scenario_name.strip() or wev.label(programme.name, lang)
    payload = {"preset": preset_key, "programme": programme.to_dict(), "spread": spread_pct,
               "seed": int(seed), "name": name_to_save}
    st.button(ctx.t("evaluator.page.save"), key="ev_save", icon=":material/save:",
              on_click=save_scenario_callback, args=(name_to_save, payload),
              disabled=not ctx.viewer.can_save_scenarios)
with s2:
    saved = _saved(ctx.db)
    if saved.empty:
        st.caption(ctx.t("evaluator.page.no_scenarios"))
    else:
        labels = dict(zip(saved["scenario_id"], saved["name"] + " · " + saved["saved_at"].astype(str)))
        st.selectbox(ctx.t("evaluator.page.saved_list"), list(labels), format_func=lambda s: labels.get(s, s),
                     key="ev_scenario_pick")
        st.button(ctx.t("evaluator.page.load"), key="ev_load", on_click=load_scenario_callback,
                  icon=":material/folder_open:")

# -- compare saved cases ------------------------------------------------------------------
if not saved.empty:
    st.markdown(f"**{ctx.t('evaluator.page.compare')}**")
    case_names = dict(zip(saved["scenario_id"], saved["name"]))
    compare = st.multiselect(ctx.t("evaluator.page.compare"), list(case_names), key="ev_compare",
                             format_func=lambda s: case_names.get(s, s), label_visibility="collapsed",
                             placeholder=ctx.t("evaluator.page.compare.placeholder"))
    if compare:
        st.dataframe(pd.DataFrame(compare_table(e, compare, case_names)), hide_index=True, width="stretch")
        st.caption(ctx.t("evaluator.page.compare.caption"))
