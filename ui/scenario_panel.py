"""Save, load and compare scenarios: one component for every page that keeps its inputs.

A page gives what it saves (``payload``, a dict of ids and numbers, never labels), how to put
a loaded payload back on its widgets (``restore``, a callback run before the next draw), and
optionally how to compare saved cases (``compare``). The panel owns its widget keys, all
under the page's ``prefix`` (``ev_scenario_name``, ``ev_save``, ``ev_scenario_pick``,
``ev_load``, ``ev_compare``) and the message it leaves for the next run (``<prefix>_flash``,
shown by :func:`show_flash` at the top of the page). Its words are the page's catalogue keys
``<words>.scenarios``, ``.scenario_name``, ``.save``, ``.saved``, ``.save_failed``,
``.no_scenarios``, ``.saved_list``, ``.load``, ``.loaded``, ``.load_failed``, ``.compare``,
``.compare.placeholder`` and ``.compare.caption`` (and ``.save.caption`` with ``save_caption``).

A page that loads saved cases itself (the allocator's scenario box at the top, kept in its
link) sets ``picker=False``: the panel then saves and compares only, and ``on_saved`` gets
the new case's id, e.g. to show it as the loaded one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import scenarios
from clv_engine.errors import InputError
from ui.queries import saved_scenarios
from ui.safe import md
from wording.errors import explain

Payload = dict[str, Any] | Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class ScenarioPanel:
    kind: str  # the scenarios table's kind: "evaluator", "allocator"
    prefix: str  # widget keys: "ev" -> ev_save, ev_load ...
    words: str  # catalogue keys: "evaluator.page" -> evaluator.page.save ...
    restore: Callable[[dict[str, Any]], None] | None = None  # puts a loaded payload on the widgets
    compare: Callable[[list[str], dict[str, str]], pd.DataFrame] | None = None
    picker: bool = True  # False: the page has its own way to load a saved case
    on_saved: Callable[[str], None] | None = None  # called with a new case's id (in the callback)
    max_compare: int | None = None  # how many saved cases the comparison takes at most
    save_caption: bool = False  # a caption under the save button: <words>.save.caption
    # At the click, before saving: the role of a message (<words>.<role>) when the inputs
    # cannot be saved as they are now (a box emptied in the same interaction), else None.
    refuse: Callable[[], str | None] | None = None

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def word(self, ctx: Any, role: str, **values: Any) -> str:
        return ctx.t(f"{self.words}.{role}", **values)


def comparison_table(
    ctx: Any,
    words: str,
    figures: list[str],
    now: list[str],
    chosen: list[str],
    names: dict[str, str],
    column: Callable[[str], list[str]],
) -> pd.DataFrame:
    """What ``compare`` usually returns: the figures' names (``<words>.compare.figure``), this
    screen's column (``<words>.compare.now``), then ``column(id)`` for each chosen saved case
    under its name (a case named like another column gets a "·" more)."""
    table = {ctx.t(f"{words}.compare.figure"): figures, ctx.t(f"{words}.compare.now"): now}
    for sid in chosen:
        title = names.get(sid, sid)
        while title in table:
            title += " ·"
        table[title] = column(sid)
    return pd.DataFrame(table)


def flash(panel: ScenarioPanel, kind: str, text: str) -> None:
    """A message for the next run (a callback's message survives the rerun it causes)."""
    st.session_state[panel.key("flash")] = (kind, text)


def show_flash(prefix: str) -> None:
    """The message a save or load left, once, where the page wants it."""
    message = st.session_state.pop(f"{prefix}_flash", None)
    if message:
        getattr(st, message[0])(message[1])


def _save(ctx: Any, panel: ScenarioPanel, default_name: str, payload: Payload) -> None:
    # Read at the click: a name typed and Save clicked in one interaction arrive together,
    # after the button's arguments were made.
    name = (st.session_state.get(panel.key("scenario_name")) or "").strip() or default_name
    refused = panel.refuse() if panel.refuse is not None else None
    if refused:
        flash(panel, "error", panel.word(ctx, refused))
        return
    try:
        data = payload() if callable(payload) else payload
        sid = scenarios.save_scenario(ctx.db, panel.kind, name, data | {"name": name}, actor=ctx.viewer.login)
    except InputError as err:
        flash(panel, "error", panel.word(ctx, "save_failed", error=md(explain(err, ctx.lang))))
        return
    if panel.on_saved is not None:
        panel.on_saved(sid)
    flash(panel, "success", panel.word(ctx, "saved", name=md(name)))


def _load(ctx: Any, panel: ScenarioPanel) -> None:
    chosen = st.session_state.get(panel.key("scenario_pick"))
    if not chosen or panel.restore is None:
        return
    try:
        payload = scenarios.load_scenario(ctx.db, chosen)
        panel.restore(payload)
    except InputError as err:
        flash(panel, "error", panel.word(ctx, "load_failed", error=md(explain(err, ctx.lang))))
        return
    flash(panel, "success", panel.word(ctx, "loaded", name=md(payload.get("name", ""))))


def scenario_panel(ctx: Any, panel: ScenarioPanel, payload: Payload, default_name: str) -> None:
    """Name and save the current inputs; pick and load a saved case; compare saved cases.

    ``payload``: what to save, or a function that gives it at the click (inputs changed in
    the same interaction as the click count then)."""
    st.subheader(panel.word(ctx, "scenarios"))
    left, right = st.columns(2, gap="large")
    with left:
        st.text_input(
            panel.word(ctx, "scenario_name"), key=panel.key("scenario_name"), placeholder=default_name
        )
        st.button(
            panel.word(ctx, "save"),
            key=panel.key("save"),
            icon=":material/save:",
            on_click=_save,
            args=(ctx, panel, default_name, payload),
            disabled=not ctx.viewer.can_save_scenarios,
        )
        if panel.save_caption:
            st.caption(panel.word(ctx, "save.caption"))
    saved = saved_scenarios(ctx.db, panel.kind)
    with right:
        if saved.empty:
            st.caption(panel.word(ctx, "no_scenarios"))
        elif panel.picker:
            labels = dict(zip(saved["scenario_id"], saved["name"] + " · " + saved["saved_at"].astype(str)))
            st.selectbox(
                panel.word(ctx, "saved_list"),
                list(labels),
                format_func=lambda s: labels.get(s, s),
                key=panel.key("scenario_pick"),
            )
            st.button(
                panel.word(ctx, "load"),
                key=panel.key("load"),
                on_click=_load,
                args=(ctx, panel),
                icon=":material/folder_open:",
            )
    if saved.empty or panel.compare is None:
        return
    with st.container() if panel.picker else right:
        _comparison(ctx, panel, saved)


def _comparison(ctx: Any, panel: ScenarioPanel, saved: pd.DataFrame) -> None:
    st.markdown(f"**{panel.word(ctx, 'compare')}**")
    names = dict(zip(saved["scenario_id"], saved["name"]))
    chosen = st.multiselect(
        panel.word(ctx, "compare"),
        list(names),
        key=panel.key("compare"),
        format_func=lambda s: names.get(s, s),
        label_visibility="collapsed",
        placeholder=panel.word(ctx, "compare.placeholder"),
        max_selections=panel.max_compare,
    )
    if chosen:
        st.dataframe(panel.compare(chosen, names), hide_index=True, width="stretch")
        st.caption(panel.word(ctx, "compare.caption"))
