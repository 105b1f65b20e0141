"""Save, load and compare scenarios: one component for every page that keeps its inputs.

A page gives what it saves (``payload``, a dict of ids and numbers, never labels), how to put
a loaded payload back on its widgets (``restore``, a callback run before the next draw), and
optionally how to compare saved cases (``compare``). The panel owns its widget keys, all
under the page's ``prefix`` (``ev_scenario_name``, ``ev_save``, ``ev_scenario_pick``,
``ev_load``, ``ev_compare``) and the message it leaves for the next run (``<prefix>_flash``,
shown by :func:`show_flash` at the top of the page). Its words are the page's catalogue keys
``<words>.scenarios``, ``.scenario_name``, ``.save``, ``.saved``, ``.save_failed``,
``.no_scenarios``, ``.saved_list``, ``.load``, ``.loaded``, ``.load_failed``, ``.compare``,
``.compare.placeholder`` and ``.compare.caption``.
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


@dataclass(frozen=True)
class ScenarioPanel:
    kind: str  # the scenarios table's kind: "evaluator", "allocator"
    prefix: str  # widget keys: "ev" -> ev_save, ev_load ...
    words: str  # catalogue keys: "evaluator.page" -> evaluator.page.save ...
    restore: Callable[[dict[str, Any]], None]  # puts a loaded payload on the widgets
    compare: Callable[[list[str], dict[str, str]], pd.DataFrame] | None = None

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def word(self, ctx: Any, role: str, **values: Any) -> str:
        return ctx.t(f"{self.words}.{role}", **values)


def flash(panel: ScenarioPanel, kind: str, text: str) -> None:
    """A message for the next run (a callback's message survives the rerun it causes)."""
    st.session_state[panel.key("flash")] = (kind, text)


def show_flash(prefix: str) -> None:
    """The message a save or load left, once, where the page wants it."""
    message = st.session_state.pop(f"{prefix}_flash", None)
    if message:
        getattr(st, message[0])(message[1])


def _save(ctx: Any, panel: ScenarioPanel, name: str, payload: dict[str, Any]) -> None:
    try:
        scenarios.save_scenario(ctx.db, panel.kind, name, payload, actor=ctx.viewer.login)
    except InputError as err:
        flash(panel, "error", panel.word(ctx, "save_failed", error=md(explain(err, ctx.lang))))
    else:
        flash(panel, "success", panel.word(ctx, "saved", name=md(name)))


def _load(ctx: Any, panel: ScenarioPanel) -> None:
    chosen = st.session_state.get(panel.key("scenario_pick"))
    if not chosen:
        return
    try:
        payload = scenarios.load_scenario(ctx.db, chosen)
        panel.restore(payload)
    except InputError as err:
        flash(panel, "error", panel.word(ctx, "load_failed", error=md(explain(err, ctx.lang))))
        return
    flash(panel, "success", panel.word(ctx, "loaded", name=md(payload.get("name", ""))))


def scenario_panel(ctx: Any, panel: ScenarioPanel, payload: dict[str, Any], default_name: str) -> None:
    """Name and save the current inputs; pick and load a saved case; compare saved cases."""
    st.subheader(panel.word(ctx, "scenarios"))
    left, right = st.columns(2, gap="large")
    with left:
        typed = st.text_input(
            panel.word(ctx, "scenario_name"), key=panel.key("scenario_name"), placeholder=default_name
        )
        name = typed.strip() or default_name
        st.button(
            panel.word(ctx, "save"),
            key=panel.key("save"),
            icon=":material/save:",
            on_click=_save,
            args=(ctx, panel, name, payload | {"name": name}),
            disabled=not ctx.viewer.can_save_scenarios,
        )
    saved = saved_scenarios(ctx.db, panel.kind)
    with right:
        if saved.empty:
            st.caption(panel.word(ctx, "no_scenarios"))
        else:
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
    st.markdown(f"**{panel.word(ctx, 'compare')}**")
    names = dict(zip(saved["scenario_id"], saved["name"]))
    chosen = st.multiselect(
        panel.word(ctx, "compare"),
        list(names),
        key=panel.key("compare"),
        format_func=lambda s: names.get(s, s),
        label_visibility="collapsed",
        placeholder=panel.word(ctx, "compare.placeholder"),
    )
    if chosen:
        st.dataframe(panel.compare(chosen, names), hide_index=True, width="stretch")
        st.caption(panel.word(ctx, "compare.caption"))
