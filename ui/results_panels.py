"""The Results page's panels: issuing a call list, recording outcomes (table, one at a time,
from a CRM file) and the tables of what worked.

Buttons act through callbacks: a click's effect must not depend on the rerun. Each callback
leaves its message in ``results_flash`` for the page to show until the next action.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clv_engine import churn, contacts, results
from clv_engine.errors import InputError
from clv_engine.export import to_csv_bytes
from clv_engine.imports.read import ImportFileError
from ui import queries
from ui.downloads import table_downloads
from ui.queries.customers import issue_ranking
from ui.widgets import translated_choice, uploader_style
from wording import fmt
from wording.errors import explain

FLASH = "results_flash"
EDITOR = "results_editor"
MAX_LIST = 5_000
# The rows the outcomes table edits (every row of a list issued here, at most MAX_LIST).
EDITOR_ROWS = MAX_LIST
DEFAULT_LIST = 300


def level_name(ctx: Any, level: str) -> str:
    return ctx.t("results.level.all") if level == results.ALL else ctx.t(f"churn.level.{level}")


def error_text(ctx: Any, error: InputError) -> str:
    return explain(error, ctx.lang)


def problem_rows(ctx: Any, problems: list[contacts.Problem], file: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ctx.t("results.problem.file"): file,
            ctx.t("results.problem.row"): [p.row for p in problems],
            ctx.t("results.problem.column"): [ctx.t(f"results.field.{p.column}") for p in problems],
            ctx.t("results.problem.what"): [ctx.t(f"results.problem.{p.code}") for p in problems],
            ctx.t("results.problem.value"): [p.value for p in problems],
        }
    )


def show_flash() -> None:
    """The last action's message; it stays until the next action (a rerun must not swallow it)."""
    flash = st.session_state.get(FLASH)
    if flash:
        (st.success if flash[0] == "success" else st.error)(flash[1])


# -- callbacks ------------------------------------------------------------------------------------


def _issue(ctx: Any, ranked: pd.DataFrame, as_of: date, method: str) -> None:
    try:
        list_id = contacts.issue_call_list(
            ctx.db,
            ranked,
            as_of,
            st.session_state["results_name"],
            holdout_share=st.session_state["results_holdout"] / 100,
            window_days=int(st.session_state["results_window"]),
            p_method=method,
        )
    except InputError as error:  # bad inputs, or the file busy with another write
        st.session_state[FLASH] = ("error", error_text(ctx, error))
        return
    st.session_state["results_list"] = list_id
    st.session_state[FLASH] = ("success", ctx.t("results.issued", n=fmt.number(len(ranked))))


def _save_checked(ctx: Any, changed: pd.DataFrame, list_id: str, customer_of) -> None:
    clean, problems = contacts.check_contacts(changed, today=date.today())
    if problems:
        p = problems[0]
        st.session_state[FLASH] = (
            "error",
            ctx.t(
                "results.save.problem",
                customer=customer_of(p),
                column=ctx.t(f"results.field.{p.column}"),
                what=ctx.t(f"results.problem.{p.code}"),
            ),
        )
        return
    _store(ctx, clean, list_id)


def _store(ctx: Any, clean: pd.DataFrame, list_id: str) -> None:
    try:
        saved = contacts.save_contacts(ctx.db, clean, list_id)
    except InputError as error:  # the file busy with another write: nothing was saved
        st.session_state[FLASH] = ("error", error_text(ctx, error))
        return
    st.session_state[FLASH] = ("success", ctx.t("results.saved", n=saved))


def _save_edits(ctx: Any, rows: pd.DataFrame, list_id: str) -> None:
    edits = st.session_state.get(EDITOR, {}).get("edited_rows", {})
    changed = contacts.edited_contacts(rows, edits, list_id)
    _save_checked(ctx, changed, list_id, lambda p: str(changed.iloc[p.row - 2]["customer_id"]))


def _mark_one(ctx: Any, list_id: str) -> None:
    customer = st.session_state.get("results_one_customer")
    if not customer:
        return
    s = st.session_state
    row = pd.DataFrame(
        {
            "contact_id": [contacts.page_contact_id(list_id, customer)],
            "customer_id": [customer],
            "contact_date": [s["results_one_date"]],
            "channel": [s["results_one_channel"]],
            "outcome": [s["results_one_outcome"]],
            "owner": [s.get("results_one_owner")],
            "cost": [s["results_one_cost"]],
        }
    )
    _save_checked(ctx, row, list_id, lambda p: customer)


def _save_import(ctx: Any, clean: pd.DataFrame, list_id: str) -> None:
    _store(ctx, clean, list_id)


# -- panels ---------------------------------------------------------------------------------------


def issue_panel(ctx: Any) -> None:
    """A list from the churn ranking (its default weights, levels and interventions)."""
    # The churn page's shared base, scored and ranked once per data version (issue 14): a
    # rerun only takes the head of the ranking.
    signals = queries.churn_base(ctx.db, ctx.as_of, ctx.store_ids, ctx.clv_params, ctx.clv_model)
    if signals.empty or ctx.customer_values().empty:
        st.info(ctx.t("churn.empty"))
        return
    ranked = issue_ranking(ctx.db, ctx.as_of, ctx.store_ids, ctx.clv_params, ctx.clv_model)
    method = ranked.attrs["method"]
    st.caption(
        ctx.t(
            "results.issue.caption",
            n=fmt.number(len(ranked)),
            as_of=ctx.as_of.isoformat(),
            method=ctx.t(f"churn.p.{method}"),
        )
    )
    c1, c2, c3, c4 = st.columns(4)
    stores = ctx.stores()
    scope = (
        ", ".join(stores[stores["store_id"].isin(ctx.store_ids)]["name"])
        if ctx.store_ids
        else ctx.t("sidebar.stores.all")
    )
    c1.text_input(
        ctx.t("results.name"),
        value=f"{scope} {ctx.as_of.isoformat()}",
        key="results_name",
        max_chars=contacts.MAX_TEXT,
    )
    size = c2.number_input(
        ctx.t("results.size"), 1, MAX_LIST, min(DEFAULT_LIST, max(len(ranked), 1)), 10,
        key="results_size", help=ctx.t("results.size.help"),
    )  # fmt: skip
    c3.slider(
        ctx.t("results.holdout"), 0, 50, round(contacts.DEFAULT_HOLDOUT * 100), 1, format="%d%%",
        key="results_holdout", help=ctx.t("results.holdout.help"),
    )  # fmt: skip
    c4.number_input(
        ctx.t("results.window"), 7, 730, contacts.DEFAULT_WINDOW_DAYS, 7,
        key="results_window", help=ctx.t("results.window.help"),
    )  # fmt: skip
    chosen = ranked.head(int(size))
    st.button(
        ctx.t("results.issue.button", n=fmt.number(len(chosen))),
        on_click=_issue,
        args=(ctx, chosen, ctx.as_of, method),
        key="results_issue",
        disabled=chosen.empty,
        type="primary",
    )


def outcomes_table(ctx: Any, treated: pd.DataFrame, total: int, list_id: str) -> None:
    """Outcomes marked on the list's rows, saved with one button: ``treated`` the first
    EDITOR_ROWS treated members (results.treated_head), of ``total``."""
    st.caption(ctx.t("results.table.caption"))
    if total > EDITOR_ROWS:  # an imported or generated list: the others one by one or by file
        st.caption(ctx.t("results.table.first", shown=fmt.number(EDITOR_ROWS), n=fmt.number(total)))
        treated = treated.head(EDITOR_ROWS)
    names = {lv: ctx.t(f"churn.level.{lv}") for lv in treated["level"].unique()}
    rows = pd.DataFrame(
        {
            "customer_id": treated["customer_id"],
            "level": treated["level"].map(names),
            "expected_value": treated["expected_value"].round(0),
            "contact_date": pd.to_datetime(treated["contact_date"]).dt.date,
            "channel": treated["channel"],
            "outcome": treated["outcome"],
            "owner": treated["owner"],
            "cost": treated["contact_cost"],
        }
    )
    column = st.column_config
    st.data_editor(
        rows,
        key=EDITOR,
        hide_index=True,
        placeholder="",  # a cell not filled yet, not Streamlit's English "None"
        num_rows="fixed",
        height=360,
        disabled=["customer_id", "level", "expected_value"],
        column_config={
            "customer_id": column.TextColumn(ctx.t("results.field.customer_id")),
            "level": column.TextColumn(ctx.t("results.col.level")),
            "expected_value": column.NumberColumn(
                ctx.t("results.col.predicted_ev", cur=ctx.unit), format="localized"
            ),
            "contact_date": column.DateColumn(ctx.t("results.field.contact_date"), max_value=date.today()),
            "channel": column.SelectboxColumn(
                ctx.t("results.field.channel"),
                options=list(contacts.CHANNELS),
                format_func=lambda c: ctx.t(f"results.channel.{c}"),
            ),
            "outcome": column.SelectboxColumn(
                ctx.t("results.field.outcome"),
                options=list(contacts.OUTCOMES),
                format_func=lambda o: ctx.t(f"results.outcome.{o}"),
            ),
            "owner": column.TextColumn(ctx.t("results.field.owner"), max_chars=contacts.MAX_TEXT),
            "cost": column.NumberColumn(
                ctx.t("results.field.cost", cur=ctx.unit), min_value=0, format="localized"
            ),
        },
    )
    st.button(ctx.t("results.save"), on_click=_save_edits, args=(ctx, rows, list_id), key="results_save")


def outcome_one(ctx: Any, treated: pd.DataFrame, issued_on: date, list_id: str) -> None:
    """One customer's outcome at a time."""
    o1, o2, o3 = st.columns(3)
    o1.selectbox(
        ctx.t("results.field.customer_id"), treated["customer_id"].tolist(), key="results_one_customer"
    )
    o2.date_input(
        ctx.t("results.field.contact_date"),
        value=min(date.today(), max(ctx.as_of, issued_on)),
        max_value=date.today(),
        key="results_one_date",
    )
    translated_choice(
        "selectbox", ctx.t("results.field.channel"), contacts.CHANNELS, key="results_one_channel",
        lang=ctx.lang, container=o3, format_func=lambda c: ctx.t(f"results.channel.{c}"),
    )  # fmt: skip
    o4, o5, o6 = st.columns(3)
    translated_choice(
        "selectbox", ctx.t("results.field.outcome"), contacts.OUTCOMES, key="results_one_outcome",
        lang=ctx.lang, container=o4, format_func=lambda o: ctx.t(f"results.outcome.{o}"),
    )  # fmt: skip
    o5.text_input(ctx.t("results.field.owner"), key="results_one_owner", max_chars=contacts.MAX_TEXT)
    o6.number_input(
        ctx.t("results.field.cost", cur=ctx.unit), 0.0, 1_000_000.0, 0.0, 50.0, key="results_one_cost"
    )
    st.button(ctx.t("results.mark"), on_click=_mark_one, args=(ctx, list_id), key="results_mark")


def outcome_file(ctx: Any, members: pd.DataFrame, list_name: str, list_id: str) -> None:
    """Outcomes from a CRM export: a template, the upload, its problems, and the save."""
    st.caption(ctx.t("results.file.caption"))
    st.download_button(
        ctx.t("results.template"),
        lambda: to_csv_bytes(contacts.contacts_template(members)),  # built on click
        file_name=f"{ctx.t('results.template.file')}_{list_name}.csv",
        mime="text/csv",
        key="results_template",
        on_click="ignore",
    )
    uploader_style(ctx.lang)  # the uploader's own words in the reader's language
    upload = st.file_uploader(ctx.t("results.upload"), type=["csv", "txt", "xlsx"], key="results_upload")
    if upload is None:
        return
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            read = contacts.read_contacts_file(path, set(members["customer_id"]), date.today(), upload.name)
        except ImportFileError as error:
            st.error(ctx.t("results.file.unreadable", file=upload.name, code=error.name))
            return
    if read.missing_columns:
        columns = ", ".join(ctx.t(f"results.field.{c}") for c in read.missing_columns)
        st.error(ctx.t("results.file.missing", file=read.file, columns=columns))
        return
    st.caption(
        ctx.t(
            "results.file.read",
            file=read.file,
            rows=fmt.number(read.rows),
            clean=fmt.number(len(read.clean)),
            bad=fmt.number(len(read.problems)),
        )
    )
    if read.problems:
        st.dataframe(problem_rows(ctx, read.problems, read.file), hide_index=True)
    st.button(
        ctx.t("results.file.save", n=fmt.number(len(read.clean))),
        on_click=_save_import,
        args=(ctx, read.clean, list_id),
        key="results_import",
        disabled=read.clean.empty,
    )


def level_table(ctx: Any, table: pd.DataFrame, verdict_text: dict[str, str]) -> None:
    """Treated against control per risk level, with the interval and the verdict."""
    t = ctx.t
    interval = [
        f"{fmt.pct(lo, 1)} … {fmt.pct(hi, 1)}" for lo, hi in zip(table["uplift_low"], table["uplift_high"])
    ]
    frame = pd.DataFrame(
        {
            t("results.col.level"): [level_name(ctx, lv) for lv in table["level"]],
            t("results.col.action"): [
                t(f"churn.action.{lv}") if lv != results.ALL else "" for lv in table["level"]
            ],
            t("results.col.treated"): table["treated"],
            t("results.col.control"): table["control"],
            t("results.col.contact_rate"): table["contact_rate"],
            t("results.col.return_treated"): table["return_treated"],
            t("results.col.return_control"): table["return_control"],
            t("results.col.uplift"): table["uplift"],
            t("results.col.interval"): interval,
            t("results.col.kept"): table["kept"].round(1),
            t("results.col.cost_per_kept", cur=ctx.unit): table["cost_per_kept"].round(0),
            t("results.col.predicted_value", cur=ctx.unit): table["predicted_value"].round(0),
            t("results.col.realised_value", cur=ctx.unit): table["realised_value"].round(0),
            t("results.col.verdict"): [verdict_text[v] for v in table["verdict"]],
        }
    )
    percent = st.column_config.NumberColumn(format="percent")
    localized = st.column_config.NumberColumn(format="localized")
    config = {
        t(f"results.col.{c}"): percent for c in ("contact_rate", "return_treated", "return_control", "uplift")
    }
    config |= {
        t(f"results.col.{c}"): localized for c in ("cost_per_kept", "predicted_value", "realised_value")
    }
    st.dataframe(frame, hide_index=True, column_config=config)
    table_downloads(ctx, frame, "results_by_level", "results_dl_levels", ctx.t("results.results"))


def success_table(ctx: Any, table: pd.DataFrame, verdict_text: dict[str, str]) -> None:
    """The typed success rates against the measured ones."""
    t = ctx.t
    typed = {i.level: i.success for i in churn.INTERVENTIONS}
    measured = results.measured_success(table, typed)
    few = [s.verdict == "too_few" for s in measured]  # too few customers: a figure would be noise
    frame = pd.DataFrame(
        {
            t("results.col.level"): [level_name(ctx, s.level) for s in measured],
            t("results.col.typed"): [fmt.pct(s.typed) for s in measured],
            t("results.col.measured"): ["—" if f else fmt.pct(s.measured) for s, f in zip(measured, few)],
            t("results.col.interval"): [
                "—" if f else f"{fmt.pct(s.low)} … {fmt.pct(s.high)}" for s, f in zip(measured, few)
            ],
            t("results.col.evidence"): [
                t("results.evidence", treated=fmt.number(s.treated), control=fmt.number(s.control))
                for s in measured
            ],
            t("results.col.verdict"): [verdict_text[s.verdict] for s in measured],
        }
    )
    st.dataframe(frame, hide_index=True)
