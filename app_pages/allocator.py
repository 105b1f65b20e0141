"""Budget allocator: which projects to fund for the budget on the slider, and why (SPEC §4).

Storyboard: scenario -> projects table, locks -> budget slider and box -> headline and the
ROI ranking's verdict -> funded projects by ROI, budget–value curve -> reasons -> a project
derived from the data -> save and compare scenarios.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from clv_engine import allocator as al
from clv_engine import measured, scenarios
from ui.context import cached, page_context
from ui.downloads import table_downloads
from ui.measured_evidence import pick_programme, programme_name, show_evidence
from ui.safe import md, plot_text
from ui.widgets import Headline, metric_row, presenting
from wording import boardpack, fmt

ctx = page_context()
lang = ctx.lang
URL = "query-params"
KIND = "allocator"
PRESET = "preset"
STEP = 10_000
MAX_BUDGET = 100_000_000_000
TABLE = ["name", "investment", "uplift_per_customer", "reach", "divisible",
         "pilot_investment", "pilot_uplift", "pilot_reach"]
# Material icons: emoji need a colour font that a meeting-room browser may lack.
ICONS = {"funded": ":green[:material/check_circle:]", "partly_funded": ":green[:material/contrast:]",
         "locked": ":blue[:material/lock:]", "left_out": ":gray[:material/cancel:]",
         "below_cost": ":gray[:material/money_off:]",
         "too_expensive": ":gray[:material/cancel:]", "no_room": ":gray[:material/cancel:]",
         "excluded": ":red[:material/block:]"}
NICE = (1, 2, 5)


# -- cached engine calls ------------------------------------------------------------------
@cached
def _saved(db) -> pd.DataFrame:
    return scenarios.list_scenarios(db, KIND)


@cached
def _curve(projects: tuple[al.Project, ...]) -> al.BudgetCurve:
    # The curve does not depend on the budget: a slider move reuses it.
    return al.budget_value_curve(list(projects))


@cached
def _allocation(projects: tuple[al.Project, ...], budget: float) -> al.Allocation | str:
    try:
        return al.allocate_budget(list(projects), budget)
    except ValueError as err:
        return str(err)


@cached
def _explained(projects: tuple[al.Project, ...], alloc: al.Allocation
               ) -> tuple[list[al.Verdict], float]:
    """The reasons and the net value of the next ¥100,000 (reruns that keep the inputs reuse them)."""
    return (al.project_verdicts(list(projects), alloc),
            al.value_of_next(list(projects), alloc.budget))


# -- the table and what is saved ------------------------------------------------------------
def preset_frame(language: str) -> pd.DataFrame:
    return al.projects_to_frame(al.spec_case_projects(language))[TABLE]


def _clean(value: Any) -> Any:
    """A cell as JSON: NaN/NA → None, numpy numbers → Python numbers."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    return value


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{c: _clean(row.get(c)) for c in TABLE} for row in frame.to_dict("records")]


def frame_from_payload(payload: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(payload.get("projects", []))
    frame = frame.reindex(columns=TABLE)
    frame["divisible"] = frame["divisible"].fillna(False).astype(bool)
    al.projects_from_frame(frame)   # a broken payload fails here, with the row named
    return frame


def set_table(frame: pd.DataFrame, loaded: str) -> None:
    """Replace the table; a new editor key drops the old editor's pending edits."""
    st.session_state["al_base"] = frame.reset_index(drop=True)
    st.session_state["al_current"] = st.session_state["al_base"]
    st.session_state["al_version"] = st.session_state.get("al_version", 0) + 1
    st.session_state["al_loaded"] = loaded


def flash(kind: str, text: str) -> None:
    st.session_state["al_flash"] = (kind, text)


def payload_now() -> dict[str, Any]:
    return {
        "version": 1,
        "budget": int(st.session_state.get("al_budget", al.SPEC_CASE_BUDGET)),
        "locked": list(st.session_state.get("al_locked", [])),
        "excluded": list(st.session_state.get("al_excluded", [])),
        "projects": frame_to_records(st.session_state["al_current"]),
    }


def apply_flags(projects: list[al.Project], locked: list[str], excluded: list[str]) -> list[al.Project]:
    return [replace(p, locked=p.name in locked, excluded=p.name in excluded and p.name not in locked)
            for p in projects]


# -- callbacks (they run before the next run draws any widget) ----------------------------------
def on_scenario() -> None:
    chosen = st.session_state.get("al_scenario", PRESET)
    if chosen == PRESET:
        set_table(preset_frame(lang), f"{PRESET}:{lang}")
        st.session_state.update(al_budget=int(al.SPEC_CASE_BUDGET), al_locked=[], al_excluded=[])
        return
    try:
        payload = scenarios.load_scenario(ctx.db, chosen)
        frame = frame_from_payload(payload)
    except (ValueError, KeyError, TypeError) as err:
        flash("error", ctx.t("allocator.page.load_failed", error=md(err)))
        return
    set_table(frame, chosen)
    names = set(frame["name"].dropna().astype(str))
    st.session_state.update(
        al_budget=int(payload.get("budget", al.SPEC_CASE_BUDGET)),
        al_locked=[n for n in payload.get("locked", []) if n in names],
        al_excluded=[n for n in payload.get("excluded", []) if n in names],
    )
    flash("success", ctx.t("allocator.page.loaded", name=md(saved_names().get(chosen, ""))))


def on_slider() -> None:
    st.session_state["al_budget"] = int(st.session_state["al_budget_slider"])


def nice_step(span: float, parts: int) -> int:
    """The smallest 1-2-5 × 10^k step that cuts ``span`` into at most ``parts`` pieces."""
    power = 10 ** max(int(math.floor(math.log10(max(span / parts, 1.0)))), 0)
    for factor in (*NICE, 10):
        if factor * power * parts >= span:
            return int(factor * power)
    return int(10 * power)


def money_axis(fig: go.Figure, axis: str, top: float, bottom: float = 0.0) -> None:
    """Ticks in the reader's money (¥1.2M / 120万) rather than plotly's SI units.

    ``bottom`` below zero: net value under a lock that loses money.
    """
    bottom = min(bottom, 0.0)
    step = nice_step(max(top - bottom, 1.0), 5)
    ticks = list(range(int(math.floor(bottom / step)) * step, int(top) + step, step))
    fig.update_layout({f"{axis}axis": dict(tickvals=ticks, ticktext=[ctx.money(v) for v in ticks])})


def on_save() -> None:
    if st.session_state.get("al_budget") is None:
        # The box was emptied (in the same interaction as the click): nothing to save yet.
        flash("error", ctx.t("allocator.page.save_no_budget"))
        return
    name = (st.session_state.get("al_save_name") or "").strip()
    if not name:
        name = ctx.t("allocator.page.default_name",
                     budget=fmt.money(st.session_state.get("al_budget"), lang))
    try:
        sid = scenarios.save_scenario(ctx.db, KIND, name, payload_now(), actor=ctx.viewer.login)
    except ValueError as err:
        flash("error", ctx.t("allocator.page.save_failed", error=md(err)))
        return
    st.session_state["al_scenario"] = sid
    st.session_state["al_loaded"] = sid
    # Setting the scenario from here rewrites the link, and the browser then leaves the next
    # typed budget out of it; the page writes that one change itself (below).
    st.session_state["al_link_check"] = st.session_state.get("al_budget")
    flash("success", ctx.t("allocator.page.saved", name=md(name)))


def on_add(row: dict[str, Any]) -> None:
    current = st.session_state["al_current"]
    names = set(current["name"].dropna().astype(str))
    base, n = row["name"], 2
    while row["name"] in names:
        row["name"] = f"{base} ({n})"
        n += 1
    frame = pd.concat([current, pd.DataFrame([row]).reindex(columns=TABLE)], ignore_index=True)
    set_table(frame, st.session_state.get("al_loaded", PRESET))
    flash("success", ctx.t("allocator.page.added", name=md(row["name"])))


def saved_names() -> dict[str, str]:
    saved = _saved(ctx.db)
    return dict(zip(saved["scenario_id"], saved["name"]))


# -- small helpers ------------------------------------------------------------------------
def slider_top(total: float) -> int:
    """Slider range: a little above everything funded, rounded to two significant digits.

    Rounded, so that editing one figure seldom moves the end (a new end is a new slider).
    """
    target = max(total * 1.2, 10 * STEP)
    scale = 10 ** max(int(math.floor(math.log10(target))) - 1, 4)
    return int(math.ceil(target / scale) * scale)


def option_label(project: str, option: str | None) -> str:
    if option in (None, al.FULL):
        return project
    return f"{project} ({ctx.t('allocator.tier.pilot') if option == al.PILOT else option})"


# -- header and scenario --------------------------------------------------------------------
st.title(ctx.t("allocator.page.title"))
if not presenting():   # a projector shows the figures; the caption is for the desk
    st.caption(ctx.t("allocator.page.caption"))
ctx.disclose_assumptions()  # the gross margin assumed at import, if any
message = st.session_state.pop("al_flash", None)
if message:
    getattr(st, message[0])(message[1])

labels = {PRESET: ctx.t("allocator.page.preset")} | saved_names()
if st.session_state.get("al_scenario") not in (None, *labels):
    st.session_state["al_scenario"] = PRESET   # a scenario deleted since
scenario = st.selectbox(ctx.t("allocator.page.scenario"), list(labels),
                        format_func=lambda s: labels.get(s, s), key="al_scenario", bind=URL,
                        on_change=on_scenario, help=ctx.t("allocator.page.scenario.help"))

# A first run, or a link naming a scenario: fill the table (budget and locks come from the
# link itself). The preset follows the language while it is unedited.
wanted = f"{PRESET}:{lang}" if scenario == PRESET else scenario
if st.session_state.get("al_loaded") != wanted:
    loaded = st.session_state.get("al_loaded") or ""
    current = st.session_state.get("al_current")
    if scenario == PRESET:
        old = loaded.split(":", 1)[1] if loaded.startswith(f"{PRESET}:") else None
        if current is None or (old and frame_to_records(current) == frame_to_records(preset_frame(old))):
            if old:
                rename = dict(zip(preset_frame(old)["name"], preset_frame(lang)["name"]))
                for k in ("al_locked", "al_excluded"):
                    if k in st.session_state:
                        st.session_state[k] = [rename.get(n, n) for n in st.session_state[k]]
            set_table(preset_frame(lang), wanted)
        else:
            st.session_state["al_loaded"] = wanted
    else:
        try:
            payload = scenarios.load_scenario(ctx.db, scenario)
            set_table(frame_from_payload(payload), wanted)
            # A link naming only the scenario opens it as saved: what the link does not
            # carry (budget, locks, exclusions) comes from the scenario.
            names = set(st.session_state["al_base"]["name"].dropna().astype(str))
            saved_flags = {"al_budget": int(payload.get("budget", al.SPEC_CASE_BUDGET)),
                           "al_locked": [n for n in payload.get("locked", []) if n in names],
                           "al_excluded": [n for n in payload.get("excluded", []) if n in names]}
            for k, v in saved_flags.items():
                if k not in st.query_params:
                    st.session_state[k] = v
        except (ValueError, KeyError, TypeError) as err:
            st.error(ctx.t("allocator.page.load_failed", error=md(err)))
            set_table(preset_frame(lang), f"{PRESET}:{lang}")

# -- projects -------------------------------------------------------------------------------
# Presentation mode: the table folds away so the budget and its totals share one screen.
if presenting():
    table_box = st.expander(ctx.t("allocator.page.projects"))
else:
    table_box = st.container()
    table_box.subheader(ctx.t("allocator.page.projects"))
money_col = dict(min_value=0, step=1_000, format="yen")
edited = table_box.data_editor(
    st.session_state["al_base"],
    key=f"al_table_{st.session_state['al_version']}",
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_config={
        "name": st.column_config.TextColumn(ctx.t("allocator.col.name"), required=True),
        "investment": st.column_config.NumberColumn(ctx.t("allocator.col.investment"), **money_col,
                                                    help=ctx.t("allocator.col.investment.help")),
        "uplift_per_customer": st.column_config.NumberColumn(
            ctx.t("allocator.col.uplift"), **money_col, help=ctx.t("allocator.col.uplift.help")),
        "reach": st.column_config.NumberColumn(ctx.t("allocator.col.reach"), min_value=0, step=1,
                                               format="localized",
                                               help=ctx.t("allocator.col.reach.help")),
        "divisible": st.column_config.CheckboxColumn(ctx.t("allocator.col.divisible"),
                                                     help=ctx.t("allocator.col.divisible.help")),
        "pilot_investment": st.column_config.NumberColumn(
            ctx.t("allocator.col.pilot_investment"), **money_col,
            help=ctx.t("allocator.col.pilot.help")),
        "pilot_uplift": st.column_config.NumberColumn(ctx.t("allocator.col.pilot_uplift"),
                                                      **money_col,
                                                      help=ctx.t("allocator.col.pilot.help")),
        "pilot_reach": st.column_config.NumberColumn(ctx.t("allocator.col.pilot_reach"),
                                                     min_value=0, step=1, format="localized",
                                                     help=ctx.t("allocator.col.pilot.help")),
    },
)
st.session_state["al_current"] = edited
try:
    table_projects = al.projects_from_frame(edited)
except ValueError as err:
    # Nothing below can be computed; the locks wait (persisted) until the table is fixed.
    st.error(ctx.t("allocator.page.invalid", error=str(err)))
    st.stop()

names = [p.name for p in table_projects]
for k in ("al_locked", "al_excluded"):
    if k in st.session_state:
        st.session_state[k] = [n for n in st.session_state[k] if n in names]
lock_col, drop_col = table_box.columns(2)
locked = lock_col.multiselect(ctx.t("allocator.page.locked"), names, key="al_locked", bind=URL,
                              persist_state="page",
                              help=ctx.t("allocator.page.locked.help"),
                              placeholder=ctx.t("allocator.page.none"))
if "al_excluded" in st.session_state:
    st.session_state["al_excluded"] = [n for n in st.session_state["al_excluded"] if n not in locked]
excluded = drop_col.multiselect(ctx.t("allocator.page.excluded"), [n for n in names if n not in locked],
                                key="al_excluded", bind=URL, persist_state="page",
                                help=ctx.t("allocator.page.excluded.help"),
                                placeholder=ctx.t("allocator.page.none"))
projects = apply_flags(table_projects, locked, excluded)

# -- budget ---------------------------------------------------------------------------------
total_cost = sum(p.largest_cost for p in projects)
top = slider_top(total_cost)
if presenting():
    # The decision in one screen: the budget on the left, its totals beside it.
    inputs_col, totals = st.columns([1, 3], gap="large")
    slide_col = box_col = inputs_col
else:
    slide_col, box_col = st.columns([3, 1])
    totals = st.container()
saved_budget = st.session_state.get("al_link_check")
typed = st.session_state.get("al_budget")
if saved_budget is not None and typed is not None and typed != saved_budget:
    # The first budget change after a save: set again from here if the link does not show
    # it, which writes it there.
    if str(st.query_params.get("al_budget", "")) != str(int(typed)):
        st.session_state["al_budget"] = int(typed)
    del st.session_state["al_link_check"]
with box_col:
    # The box is the budget (exact, bound to the URL); the slider is a quick way to move it.
    # A default only until the budget is in the session (set by a callback or the link), so
    # Streamlit never sees a default and a session value for the same widget.
    budget = st.number_input(ctx.t("allocator.page.budget_box"), min_value=1, max_value=MAX_BUDGET,
                             value=None if "al_budget" in st.session_state else int(al.SPEC_CASE_BUDGET),
                             step=STEP, key="al_budget", bind=URL,
                             help=ctx.t("allocator.page.budget.help"))
# An emptied box is not a budget: say so rather than compute for some other figure. The
# slider stays where the last budget was, and moving it fills the box again.
if budget is not None:
    st.session_state["al_last_budget"] = int(budget)
shown = st.session_state.get("al_last_budget", int(al.SPEC_CASE_BUDGET))
# About 250 stops from zero to a little above the cost of everything, labelled in money.
stop = max(nice_step(top, 250), 1_000)
stops = list(range(stop, top + stop, stop))
st.session_state["al_budget_slider"] = min(max(round(shown / stop) * stop, stop), stops[-1])
with slide_col:
    st.select_slider(ctx.t("allocator.page.budget"), stops, key="al_budget_slider",
                     on_change=on_slider, format_func=fmt.money_full,   # every stop distinct
                     help=ctx.t("allocator.page.budget.help"))
if budget is None:
    st.warning(ctx.t("allocator.page.budget_empty"), icon=":material/edit:")
    st.stop()
budget = int(budget)

# -- derive a project from the data ---------------------------------------------------------------
# Drawn only while open: the customer frame is not needed for a slider move.
derive = st.expander(ctx.t("allocator.page.derive"), key="al_derive_open", on_change="rerun")
with derive:
    st.caption(ctx.t("allocator.page.derive.caption"))
    values = ctx.customer_values() if derive.open else pd.DataFrame()
    if not derive.open:
        pass
    elif values.empty:
        st.info(ctx.t("allocator.page.derive.empty"))
    else:
        d1, d2, d3 = st.columns(3)
        dim = d1.selectbox(ctx.t("allocator.page.segment_by"), ("all", *al.SEGMENT_COLUMNS),
                           format_func=lambda d: ctx.t(f"allocator.page.segment.{d}"),
                           key=f"al_seg_dim_{lang}")   # per language: translated options
        segment = values
        segment_label = ctx.t("allocator.page.segment.all")
        if dim != "all":
            choices = sorted(values[dim].dropna().astype(str).unique())
            segment_label = d2.selectbox(ctx.t("allocator.page.segment_value"), choices,
                                         key=f"al_seg_value_{dim}")
            segment = values[values[dim].astype(str) == segment_label]
        change = d3.radio(ctx.t("allocator.page.change"), ("retention", "frequency"),
                          format_func=lambda c: ctx.t(f"allocator.page.change.{c}"),
                          key=f"al_change_{lang}")
        e1, e2, e3 = st.columns(3)
        if change == "retention":
            amount = e1.number_input(ctx.t("allocator.page.points"), 0.5, 50.0, 3.0, 0.5,
                                     key="al_points", help=ctx.t("allocator.page.points.help",
                                     r=fmt.pct(values.attrs.get("retention", math.nan), 1)))
        else:
            amount = e1.number_input(ctx.t("allocator.page.visits"), 0.1, 12.0, 0.5, 0.1,
                                     key="al_visits", help=ctx.t("allocator.page.visits.help"))
        invest = e2.number_input(ctx.t("allocator.col.investment"), 1_000, MAX_BUDGET, 200_000, 10_000,
                                 key="al_derive_cost")
        default_name = ctx.t(f"allocator.page.derived_name.{change}", amount=fmt.number(amount, 1),
                             segment=segment_label)
        new_name = e3.text_input(ctx.t("allocator.col.name"), key="al_derive_name",
                                 placeholder=default_name).strip() or default_name
        try:
            if change == "retention":
                uplift, reach = al.uplift_from_retention(segment, amount)
            else:
                uplift, reach = al.uplift_from_frequency(segment, amount)
        except ValueError as err:
            st.warning(ctx.t("allocator.page.derive.failed", error=md(err)))
        else:
            m = st.columns(4)
            m[0].metric(ctx.t("allocator.page.d.uplift"), fmt.money_full(uplift))
            m[1].metric(ctx.t("allocator.page.d.reach"), fmt.number(reach))
            m[2].metric(ctx.t("allocator.page.d.gain"), ctx.money(uplift * reach))
            m[3].metric(ctx.t("allocator.fig.roi"), fmt.pct(al.net_roi(uplift * reach, invest)),
                        help=ctx.t("allocator.def.roi"))
            params = values.attrs.get("params")
            st.caption(ctx.t(f"allocator.page.derive.method.{change}",
                             r=fmt.pct(values.attrs.get("retention", math.nan), 1),
                             d=fmt.pct(getattr(params, "discount_rate", math.nan)),
                             h=getattr(params, "horizon_years", "—")))
            row = {"name": new_name, "investment": float(invest), "uplift_per_customer": round(uplift, 2),
                   "reach": float(reach), "divisible": False}
            st.button(ctx.t("allocator.page.add"), key="al_add", on_click=on_add, args=(row,),
                      icon=":material/playlist_add:")

# -- a project from a measured call programme ------------------------------------------------------
# The typed prior beside the measured uplift of an issued list and its control group.
from_calls = st.expander(ctx.t("measured.page.title"), key="al_measured_open", on_change="rerun")
with from_calls:
    if from_calls.open:
        st.caption(ctx.t("measured.page.caption"))
        programme = pick_programme(ctx, "al_measured")
        if programme is not None:
            show_evidence(ctx, programme)
            try:
                uplift, reach = measured.uplift_from_measured(programme)
                project = measured.allocator_project(programme, programme_name(ctx, programme))
            except ValueError as err:
                st.warning(ctx.t("measured.page.failed", error=md(err)))
            else:
                m = st.columns(4)
                m[0].metric(ctx.t("allocator.page.d.uplift"), fmt.money_full(uplift))
                m[1].metric(ctx.t("allocator.page.d.reach"), fmt.number(reach))
                m[2].metric(ctx.t("allocator.col.investment"), ctx.money(project.investment))
                m[3].metric(ctx.t("allocator.fig.roi"), fmt.pct(project.net_roi), help=ctx.t("allocator.def.roi"))
                st.caption(ctx.t("measured.page.method"))
                row = {"name": project.name, "investment": round(project.investment, 2),
                       "uplift_per_customer": round(uplift, 2), "reach": float(reach), "divisible": False}
                st.button(ctx.t("allocator.page.add"), key="al_measured_add", on_click=on_add, args=(row,),
                          icon=":material/playlist_add:")

# -- results ----------------------------------------------------------------------------------
alloc = _allocation(tuple(projects), float(budget))
if isinstance(alloc, str):
    locked_cost = sum(p.cheapest_cost for p in projects if p.locked)
    if locked_cost > budget:
        st.error(ctx.t("allocator.page.locked_over", cost=ctx.money(locked_cost),
                       budget=ctx.money(budget)))
    else:
        st.error(ctx.t("allocator.page.invalid", error=alloc))
    st.stop()

best = alloc.optimum
verdicts, next_net = _explained(tuple(projects), alloc)

totals.subheader(ctx.t("allocator.page.answer", budget=ctx.money(budget)))
# Net value is what the allocator maximises; gain and ROI are its two ingredients.
metric_row([
    Headline(ctx.t("allocator.fig.net"), ctx.money(best.total_net), ctx.t("allocator.def.net")),
    Headline(ctx.t("allocator.fig.gain"), ctx.money(best.total_gain), ctx.t("allocator.def.gain")),
    Headline(ctx.t("allocator.fig.combined_roi"), fmt.pct(best.combined_roi),
             ctx.t("allocator.def.combined_roi")),
    Headline(ctx.t("allocator.fig.funded"),
             ctx.t("allocator.fig.funded_of", n=best.funded_count, total=len(projects))),
    Headline(ctx.t("allocator.fig.unspent"), ctx.money(best.unspent), ctx.t("allocator.def.unspent")),
    Headline(ctx.t("allocator.fig.next", step=ctx.money(al.NEXT_STEP)), ctx.money(next_net),
             ctx.t("allocator.def.next", step=ctx.money(al.NEXT_STEP))),
], container=totals, share=0.75 if presenting() else 1.0)
if best.unspent >= 1:
    st.info(ctx.t("allocator.page.unspent", unspent=ctx.money(best.unspent)),
            icon=":material/savings:")
if any(p.locked for p in projects):
    if alloc.lock_cost >= 1:
        st.warning(ctx.t("allocator.page.locks_cost", loss=ctx.money(alloc.lock_cost),
                         free=ctx.money(alloc.net_without_locks), now=ctx.money(best.total_net)),
                   icon=":material/lock:")
    else:
        st.caption(ctx.t("allocator.page.locks_free"))

ranking = alloc.roi_ranking
if alloc.ranking_is_optimal:
    st.caption(ctx.t("allocator.page.ranking_same"))
else:
    st.warning(ctx.t(
        "allocator.page.ranking_worse",
        ranking=", ".join(md(option_label(x.project, x.option)) for x in ranking.lines) or "—",
        ranking_net=ctx.money(ranking.total_net),
        best=", ".join(md(option_label(x.project, x.option)) for x in best.lines),
        missed=ctx.money(alloc.net_missed_by_ranking),
    ))

left, right = st.columns(2, gap="large")
with left:
    st.markdown(f"**{ctx.t('allocator.page.chart_roi')}**")
    if best.lines:
        lines = list(reversed(best.lines))   # plotly draws the first bar at the bottom
        fig = go.Figure(go.Bar(
            x=[x.net_roi for x in lines],
            y=[plot_text(option_label(x.project, x.option)) for x in lines],
            orientation="h",
            text=[fmt.pct(x.net_roi) for x in lines],
            textposition="auto",
            customdata=[[ctx.money(x.cost), ctx.money(x.gain), fmt.pct(x.fraction), ctx.money(x.net)]
                        for x in lines],
            hovertemplate=ctx.t("allocator.page.chart_roi.hover"),
        ))
        fig.update_layout(xaxis_title=ctx.t("allocator.fig.roi"), xaxis_tickformat=",.0%",
                          height=80 + 42 * len(lines), margin=dict(l=10, r=10, t=10, b=10))
        st.plotly_chart(fig, width="stretch", key="al_chart_roi")
    else:
        st.info(ctx.t("allocator.page.nothing_funded"))
with right:
    st.markdown(f"**{ctx.t('allocator.page.chart_curve')}**")
    curve = _curve(tuple(projects))
    pts = curve.points
    fig = go.Figure(go.Scatter(
        x=pts["budget"], y=pts["net"], mode="lines",
        line_shape="hv" if curve.exact_steps else "linear", name=ctx.t("allocator.page.optimum"),
        hovertemplate=ctx.t("allocator.page.chart_curve.hover"),
    ))
    events = curve.events
    if not events.empty and events["budget"].nunique() <= 80:
        # One dot per step: which projects come in, drop out or change tier there.
        said = events.assign(text=[
            ctx.t(f"allocator.page.event.{c}", name=plot_text(option_label(p, o)))
            for p, c, o in events[["project", "change", "option"]].itertuples(index=False)])
        at = said.groupby("budget")["text"].apply(lambda s: "<br>".join(s))
        fig.add_trace(go.Scatter(
            x=at.index, y=[curve.value_at(b) for b in at.index], mode="markers",
            marker=dict(size=8), name=ctx.t("allocator.page.enters"), text=list(at.values),
            hovertemplate=ctx.t("allocator.page.chart_enters.hover"),
        ))
    fig.add_vline(x=float(budget), line_dash="dot")
    fig.add_trace(go.Scatter(x=[float(budget)], y=[best.total_net], mode="markers",
                             marker=dict(size=13, symbol="diamond"),
                             name=ctx.t("allocator.page.current")))
    fig.update_layout(xaxis_title=ctx.t("allocator.page.budget"), yaxis_title=ctx.t("allocator.fig.net"),
                      height=360, margin=dict(l=10, r=10, t=10, b=10),
                      legend=dict(orientation="h", y=-0.25))
    money_axis(fig, "x", max(float(pts["budget"].max()), float(budget)))
    money_axis(fig, "y", float(pts["net"].max()), float(pts["net"].min()))
    st.plotly_chart(fig, width="stretch", key="al_chart_curve")
    st.caption(ctx.t("allocator.page.curve.caption" if curve.exact_steps else "allocator.page.curve.caption_grid"))

st.subheader(ctx.t("allocator.page.reasons"))
st.caption(ctx.t("allocator.def.roi"))
for v in verdicts:
    st.markdown(ctx.t("allocator.page.reason_line", icon=ICONS[v.status], name=md(v.project),
                      text=md(al.reason_text(v, lang))))

with st.expander(ctx.t("allocator.page.table")):
    rows = []
    for v in verdicts:
        rows.append({
            ctx.t("allocator.col.name"): v.project,
            ctx.t("allocator.col.status"): ctx.t(f"allocator.status.{v.status}"),
            ctx.t("allocator.col.option"): option_label("", v.option).strip(" ()") if v.option else "",
            ctx.t("allocator.col.cost"): fmt.money_full(v.cost),
            ctx.t("allocator.col.gain"): fmt.money_full(v.gain),
            ctx.t("allocator.col.net"): fmt.money_full(v.net),
            ctx.t("allocator.fig.roi"): fmt.pct(v.net_roi),
            ctx.t("allocator.col.rank"): v.roi_rank,
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    # The download carries the amounts as numbers (a spreadsheet sums them), the screen as text.
    table_downloads(ctx, pd.DataFrame(rows).assign(**{
        ctx.t("allocator.col.cost"): [v.cost for v in verdicts], ctx.t("allocator.col.gain"): [v.gain for v in verdicts],
        ctx.t("allocator.col.net"): [v.net for v in verdicts], ctx.t("allocator.fig.roi"): [v.net_roi for v in verdicts],
    }), "allocation", "al_dl_table", ctx.t("allocator.page.table"))

# The board pack of this portfolio: slides with native charts, and the same pages as a PDF.
missing = boardpack.unavailable(lang)
for column, kind in zip(st.columns(2), ("pptx", "pdf"), strict=True):
    if kind in missing:
        column.caption(missing[kind])
        continue
    column.download_button(
        ctx.t(f"boardpack.download_{kind}"),
        data=lambda kind=kind: boardpack.allocator_pack(kind, projects, alloc, curve, lang, verdicts, ctx.currency),
        file_name=boardpack.filename("allocator", lang, kind), mime=boardpack.MIME[kind],
        key=f"al_download_{kind}", on_click="ignore",
        icon=":material/slideshow:" if kind == "pptx" else ":material/picture_as_pdf:",
    )

# -- scenarios --------------------------------------------------------------------------------
st.divider()
st.subheader(ctx.t("allocator.page.scenarios"))
s1, s2 = st.columns([1, 2], gap="large")
with s1:
    st.text_input(ctx.t("allocator.page.scenario_name"), key="al_save_name",
                  placeholder=ctx.t("allocator.page.default_name", budget=ctx.money(budget)))
    st.button(ctx.t("allocator.page.save"), key="al_save", on_click=on_save, icon=":material/save:",
              disabled=not ctx.viewer.can_save_scenarios)
    st.caption(ctx.t("allocator.page.save.caption"))
with s2:
    saved = saved_names()
    if not saved:
        st.caption(ctx.t("allocator.page.no_scenarios"))
    else:
        compare = st.multiselect(ctx.t("allocator.page.compare"), list(saved), max_selections=3,
                                 format_func=lambda s: saved.get(s, s), key="al_compare",
                                 placeholder=ctx.t("allocator.page.compare.placeholder"))
        if compare:
            def column(a: al.Allocation | str) -> list[str]:
                if isinstance(a, str):
                    return [ctx.t("allocator.page.compare.invalid")] + ["—"] * 7
                o = a.optimum
                return [ctx.money(a.budget), ctx.money(o.total_net), ctx.money(o.total_gain),
                        fmt.pct(o.combined_roi), fmt.number(o.funded_count), ctx.money(o.unspent),
                        ctx.money(a.net_missed_by_ranking),
                        ", ".join(option_label(x.project, x.option) for x in o.lines) or "—"]

            table = {ctx.t("allocator.page.compare.figure"): [
                ctx.t("allocator.page.budget"), ctx.t("allocator.fig.net"), ctx.t("allocator.fig.gain"),
                ctx.t("allocator.fig.combined_roi"), ctx.t("allocator.fig.funded"),
                ctx.t("allocator.fig.unspent"), ctx.t("allocator.page.compare.missed"),
                ctx.t("allocator.page.compare.funded")]}
            table[ctx.t("allocator.page.compare.now")] = column(alloc)
            for sid in compare:
                title = saved[sid]
                while title in table:   # a scenario called like another column
                    title += " ·"
                try:
                    payload = scenarios.load_scenario(ctx.db, sid)
                    ps = apply_flags(al.projects_from_frame(frame_from_payload(payload)),
                                     payload.get("locked", []), payload.get("excluded", []))
                    result = _allocation(tuple(ps), float(payload.get("budget", 0)))
                except (ValueError, KeyError, TypeError) as err:
                    result = str(err)
                table[title] = column(result)
            st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
