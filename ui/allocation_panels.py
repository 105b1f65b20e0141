"""The allocator page's inputs: scenario, project table, locks, budget, derived projects.

State, one key per piece: ``al_table`` (the project table: base frame, current edit, editor
version, what was loaded), ``al_budget`` (the budget; the box is its widget, the slider only
moves it), ``al_locked`` / ``al_excluded`` (project ids), ``al_scenario``. Projects carry a
stable id (the SPEC §4 preset: ``churn``, ``membership`` ...; a typed project: its own id)
in the table's hidden ``id`` column, in saved scenarios and in links; names are labels, so a
language switch renames the preset and keeps every lock.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import allocation as al
from clv_engine import scenarios
from clv_engine.cells import is_blank
from ui import queries
from ui.charts import nice_step
from ui.safe import md
from wording import fmt
from wording.allocation import explain_error, spec_case_projects

URL = "query-params"
KIND = "allocator"
PRESET = "preset"
STEP = 10_000
MAX_BUDGET = 100_000_000_000
TABLE = [
    "name",
    "investment",
    "uplift_per_customer",
    "reach",
    "divisible",
    "pilot_investment",
    "pilot_uplift",
    "pilot_reach",
]
COLUMNS = ["id", *TABLE]
FLAGS = ("al_locked", "al_excluded")


# -- the table and what is saved ----------------------------------------------------------------
def preset_frame(lang: str) -> pd.DataFrame:
    frame = al.projects_to_frame(spec_case_projects(lang))[TABLE]
    frame.insert(0, "id", list(al.SPEC_CASE))
    return frame


def with_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """Every row with an id; a row added in the editor takes one from its row number (the
    editor keeps that number while the edit lasts)."""
    frame = frame.reindex(columns=COLUMNS)
    taken = set(frame["id"].dropna().astype(str))
    ids = []
    for index, value in frame["id"].items():
        if is_blank(value):
            value = f"p{int(index) + 1}"
            while value in taken:
                value += "+"
            taken.add(value)
        ids.append(str(value))
    return frame.assign(id=ids)


def _clean(value: Any) -> Any:
    """A cell as JSON: NaN/NA → None, numpy numbers → Python numbers."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{c: _clean(row.get(c)) for c in COLUMNS} for row in frame.to_dict("records")]


def frame_from_payload(payload: dict[str, Any]) -> pd.DataFrame:
    """The table of a saved scenario. Scenarios saved before ids (version 1) locked projects
    by name: their projects take their name as id, so those locks still hold."""
    frame = pd.DataFrame(payload.get("projects", [])).reindex(columns=COLUMNS)
    frame["id"] = [n if is_blank(i) and not is_blank(n) else i for i, n in zip(frame["id"], frame["name"])]
    frame["id"] = [i.strip() if isinstance(i, str) else i for i in frame["id"]]
    frame["divisible"] = frame["divisible"].fillna(False).astype(bool)
    al.projects_from_frame(frame)  # a broken payload fails here, with the row named
    return with_ids(frame)


def table() -> dict[str, Any]:
    """The project table's state: base, current (the editor's result), version, loaded."""
    return st.session_state["al_table"]


def set_table(frame: pd.DataFrame, loaded: str) -> None:
    """Replace the table; a new editor version drops the old editor's pending edits."""
    base = with_ids(frame.reset_index(drop=True))
    version = st.session_state.get("al_table", {}).get("version", 0) + 1
    st.session_state["al_table"] = {"base": base, "current": base, "version": version, "loaded": loaded}


def identified(frame: pd.DataFrame) -> list[tuple[str, al.Project]]:
    """(id, project) for each filled row of the table (raises AllocationError)."""
    projects = al.projects_from_frame(frame)
    by_name = {str(n).strip(): str(i) for n, i in zip(frame["name"], frame["id"]) if not is_blank(n)}
    return [(by_name[p.name], p) for p in projects]


def apply_flags(
    pairs: list[tuple[str, al.Project]], locked: list[str], excluded: list[str]
) -> list[al.Project]:
    return [replace(p, locked=i in locked, excluded=i in excluded and i not in locked) for i, p in pairs]


def flash(kind: str, text: str) -> None:
    st.session_state["al_flash"] = (kind, text)


def saved_names(ctx) -> dict[str, str]:
    saved = queries.saved_scenarios(ctx.db, "allocator")
    return dict(zip(saved["scenario_id"], saved["name"]))


def payload_now() -> dict[str, Any]:
    return {
        "version": 2,
        "budget": int(st.session_state.get("al_budget", al.SPEC_CASE_BUDGET)),
        "locked": list(st.session_state.get("al_locked", [])),
        "excluded": list(st.session_state.get("al_excluded", [])),
        "projects": frame_to_records(with_ids(table()["current"])),
    }


def saved_flags(payload: dict[str, Any]) -> dict[str, Any]:
    """Budget, locks and exclusions of a saved scenario (ids of projects it still has)."""
    ids = set(table()["base"]["id"])
    return {
        "al_budget": int(payload.get("budget", al.SPEC_CASE_BUDGET)),
        "al_locked": [i for i in payload.get("locked", []) if i in ids],
        "al_excluded": [i for i in payload.get("excluded", []) if i in ids],
    }


# -- scenario -----------------------------------------------------------------------------------
def scenario_picker(ctx) -> str:
    """The scenario box; a first run, a link naming a scenario or a language switch fills the
    table (budget and locks come from the link itself). The preset follows the language
    while it is unedited: its names change, its ids (and so the locks) stay."""
    lang = ctx.lang

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
            flash("error", ctx.t("allocator.page.load_failed", error=md(explain_error(err, lang))))
            return
        set_table(frame, chosen)
        st.session_state.update(saved_flags(payload))
        flash("success", ctx.t("allocator.page.loaded", name=md(saved_names(ctx).get(chosen, ""))))

    labels = {PRESET: ctx.t("allocator.page.preset")} | saved_names(ctx)
    if st.session_state.get("al_scenario") not in (None, *labels):
        st.session_state["al_scenario"] = PRESET  # a scenario deleted since
    scenario = st.selectbox(
        ctx.t("allocator.page.scenario"),
        list(labels),
        format_func=lambda s: labels.get(s, s),
        key="al_scenario",
        bind=URL,
        on_change=on_scenario,
        help=ctx.t("allocator.page.scenario.help"),
    )
    wanted = f"{PRESET}:{lang}" if scenario == PRESET else scenario
    state = st.session_state.get("al_table")
    if state is not None and state["loaded"] == wanted:
        return scenario
    if scenario == PRESET:
        loaded = state["loaded"] if state else ""
        old = loaded.split(":", 1)[1] if loaded.startswith(f"{PRESET}:") else None
        if state is None or (
            old and frame_to_records(state["current"]) == frame_to_records(preset_frame(old))
        ):
            set_table(preset_frame(lang), wanted)
        else:
            state["loaded"] = wanted
        return scenario
    try:
        payload = scenarios.load_scenario(ctx.db, scenario)
        set_table(frame_from_payload(payload), wanted)
        # A link naming only the scenario opens it as saved: what the link does not carry
        # (budget, locks, exclusions) comes from the scenario.
        for k, v in saved_flags(payload).items():
            if k not in st.query_params:
                st.session_state[k] = v
    except (ValueError, KeyError, TypeError) as err:
        st.error(ctx.t("allocator.page.load_failed", error=md(explain_error(err, lang))))
        set_table(preset_frame(lang), f"{PRESET}:{lang}")
    return scenario


# -- projects -----------------------------------------------------------------------------------
def project_table(ctx, box) -> list[tuple[str, al.Project]]:
    """The editable table; stops the page with the reason when it cannot be allocated."""
    money_col = dict(min_value=0, step=1_000, format="yen")
    pilot_help = ctx.t("allocator.col.pilot.help")
    state = table()
    edited = box.data_editor(
        state["base"],
        key=f"al_editor_{state['version']}",
        placeholder="",  # an empty pilot cell, not Streamlit's English "None"
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_order=TABLE,  # the id column stays hidden
        column_config={
            "name": st.column_config.TextColumn(ctx.t("allocator.col.name"), required=True),
            "investment": st.column_config.NumberColumn(
                ctx.t("allocator.col.investment", cur=ctx.unit),
                **money_col,
                help=ctx.t("allocator.col.investment.help"),
            ),
            "uplift_per_customer": st.column_config.NumberColumn(
                ctx.t("allocator.col.uplift", cur=ctx.unit),
                **money_col,
                help=ctx.t("allocator.col.uplift.help"),
            ),
            "reach": st.column_config.NumberColumn(
                ctx.t("allocator.col.reach"),
                min_value=0,
                step=1,
                format="localized",
                help=ctx.t("allocator.col.reach.help"),
            ),
            "divisible": st.column_config.CheckboxColumn(
                ctx.t("allocator.col.divisible"), help=ctx.t("allocator.col.divisible.help")
            ),
            "pilot_investment": st.column_config.NumberColumn(
                ctx.t("allocator.col.pilot_investment", cur=ctx.unit), **money_col, help=pilot_help
            ),
            "pilot_uplift": st.column_config.NumberColumn(
                ctx.t("allocator.col.pilot_uplift", cur=ctx.unit), **money_col, help=pilot_help
            ),
            "pilot_reach": st.column_config.NumberColumn(
                ctx.t("allocator.col.pilot_reach"), min_value=0, step=1, format="localized", help=pilot_help
            ),
        },
    )
    state["current"] = with_ids(edited)
    try:
        return identified(state["current"])
    except al.AllocationError as err:
        # Nothing below can be computed; the locks wait (kept) until the table is fixed.
        st.error(ctx.t("allocator.page.invalid", error=explain_error(err, ctx.lang, ctx.currency)))
        st.stop()


def _ids_from_link(key: str, pairs: list[tuple[str, al.Project]]) -> list[str]:
    """The link's ids; a link made before ids names projects, which still finds them."""
    by_name = {p.name: i for i, p in pairs}
    ids = {i for i, _ in pairs}
    return [v if v in ids else by_name[v] for v in st.query_params.get_all(key) if v in ids or v in by_name]


def _to_link(key: str, values: list[str]) -> None:
    if values:
        st.query_params[key] = values
    elif key in st.query_params:
        del st.query_params[key]


def locks(ctx, box, pairs: list[tuple[str, al.Project]]) -> list[al.Project]:
    """Locked and excluded projects (ids, shown by name; carried in the link as ids)."""
    ids = [i for i, _ in pairs]
    names = {i: p.name for i, p in pairs}
    for key in FLAGS:
        chosen = st.session_state[key] if key in st.session_state else _ids_from_link(key, pairs)
        st.session_state[key] = [i for i in chosen if i in names]
    st.session_state["al_excluded"] = [
        i for i in st.session_state["al_excluded"] if i not in st.session_state["al_locked"]
    ]
    lock_col, drop_col = box.columns(2)
    locked = lock_col.multiselect(
        ctx.t("allocator.page.locked"),
        ids,
        format_func=names.get,
        key="al_locked",
        persist_state="page",
        help=ctx.t("allocator.page.locked.help"),
        placeholder=ctx.t("allocator.page.none"),
    )
    excluded = drop_col.multiselect(
        ctx.t("allocator.page.excluded"),
        [i for i in ids if i not in locked],
        format_func=names.get,
        key="al_excluded",
        persist_state="page",
        help=ctx.t("allocator.page.excluded.help"),
        placeholder=ctx.t("allocator.page.none"),
    )
    _to_link("al_locked", locked)
    _to_link("al_excluded", excluded)
    return apply_flags(pairs, locked, excluded)


# -- budget -------------------------------------------------------------------------------------
def slider_top(total: float) -> int:
    """Slider range: a little above everything funded, rounded to two significant digits.

    Rounded, so that editing one figure seldom moves the end (a new end is a new slider).
    """
    target = max(total * 1.2, 10 * STEP)
    scale = 10 ** max(int(math.floor(math.log10(target))) - 1, 4)
    return int(math.ceil(target / scale) * scale)


def budget_inputs(ctx, projects: list[al.Project], slide_col, box_col) -> int | None:
    """The budget: held once, in ``al_budget`` (the box, exact, bound to the link). The
    slider is a quick way to move it: its position follows the budget only when the budget
    changed elsewhere, and an emptied box leaves it where the last budget was."""
    top = slider_top(sum(p.largest_cost for p in projects))
    typed, saved_at = st.session_state.get("al_budget"), st.session_state.get("al_link_check")
    if saved_at is not None and typed is not None and typed != saved_at:
        # The first budget change after a save (the budget saved is the marker): setting the
        # scenario from the save rewrote the link, and the browser then leaves this budget
        # out of it, so set it again from here if the link does not show it.
        if str(st.query_params.get("al_budget", "")) != str(int(typed)):
            st.session_state["al_budget"] = int(typed)
        del st.session_state["al_link_check"]
    with box_col:
        # A default only until the budget is in the session (set by a callback or the link),
        # so Streamlit never sees a default and a session value for the same widget.
        budget = st.number_input(
            ctx.t("allocator.page.budget_box", cur=ctx.unit),
            min_value=1,
            max_value=MAX_BUDGET,
            value=None if "al_budget" in st.session_state else int(al.SPEC_CASE_BUDGET),
            step=STEP,
            key="al_budget",
            bind=URL,
            help=ctx.t("allocator.page.budget.help"),
        )
    # About 250 stops from zero to a little above the cost of everything, labelled in money.
    stop = max(nice_step(top, 250), 1_000)
    stops = list(range(stop, top + stop, stop))
    at = st.session_state.get("al_budget_slider", al.SPEC_CASE_BUDGET if budget is None else budget)
    if budget is not None or at not in stops:
        at = budget if budget is not None else at
        position = min(max(round(at / stop) * stop, stop), stops[-1])
        if st.session_state.get("al_budget_slider") != position:
            st.session_state["al_budget_slider"] = position

    def on_slider() -> None:
        st.session_state["al_budget"] = int(st.session_state["al_budget_slider"])

    with slide_col:
        st.select_slider(
            ctx.t("allocator.page.budget", cur=ctx.unit),
            stops,
            key="al_budget_slider",
            on_change=on_slider,
            format_func=lambda v: fmt.money_full(v, ctx.currency),  # every stop distinct
            help=ctx.t("allocator.page.budget.help"),
        )
    return None if budget is None else int(budget)
