"""Results: issue a call list with a control group, record what was done, see what worked.

Storyboard: issue a list from the churn ranking (with a random hold-out) -> pick a list ->
mark outcomes on its rows, or import them from a CRM export -> treated against control per
risk level, with the interval and a verdict -> measured success beside the typed one.
"""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from clv_engine import churn, contacts, results
from clv_engine.db import Database
from clv_engine.export import to_csv_bytes
from clv_engine.imports.read import ImportFileError
from ui.context import cached, page_context
from ui.queries import group_churn_calibration
from ui.widgets import Headline, metric_row, translated_choice
from wording import fmt

ctx = page_context()
EDITOR = "results_editor"
MAX_LIST = 5_000
DEFAULT_LIST = 300


@cached
def _signals(db: Database, as_of: date, stores: tuple[str, ...] | None) -> pd.DataFrame:
    return churn.churn_signals(db, as_of, stores)


@cached
def _lists(db: Database) -> pd.DataFrame:
    return contacts.list_call_lists(db)


@cached
def _members(db: Database, list_id: str) -> pd.DataFrame:
    return contacts.list_members(db, list_id)


@cached
def _results(db: Database, list_ids: tuple[str, ...]) -> pd.DataFrame:
    return results.results(db, list(list_ids))


def level_name(level: str) -> str:
    return ctx.t("results.level.all") if level == results.ALL else ctx.t(f"churn.level.{level}")


def error_text(error: contacts.ContactError) -> str:
    return ctx.t(f"results.error.{error.code}", **{k: str(v) for k, v in error.detail.items()})


def problem_rows(problems: list[contacts.Problem], file: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ctx.t("results.problem.file"): file,
            ctx.t("results.problem.row"): [p.row for p in problems],
            ctx.t("results.problem.column"): [ctx.t(f"results.field.{p.column}") for p in problems],
            ctx.t("results.problem.what"): [ctx.t(f"results.problem.{p.code}") for p in problems],
            ctx.t("results.problem.value"): [p.value for p in problems],
        }
    )


# -- actions (callbacks: a click's effect must not depend on the rerun) -----------------------


def issue(ranked: pd.DataFrame, as_of: date, method: str) -> None:
    try:
        list_id = contacts.issue_call_list(
            ctx.db, ranked, as_of, st.session_state["results_name"],
            holdout_share=st.session_state["results_holdout"] / 100,
            window_days=int(st.session_state["results_window"]), p_method=method,
        )
    except contacts.ContactError as error:
        st.session_state["results_flash"] = ("error", error_text(error))
        return
    st.session_state["results_list"] = list_id
    st.session_state["results_flash"] = ("success", ctx.t("results.issued", n=fmt.number(len(ranked))))


def save_edits(rows: pd.DataFrame, list_id: str) -> None:
    edits = st.session_state.get(EDITOR, {}).get("edited_rows", {})
    changed = contacts.edited_contacts(rows, edits, list_id)
    clean, problems = contacts.check_contacts(changed, today=date.today())
    if problems:
        p = problems[0]
        st.session_state["results_flash"] = ("error", ctx.t(
            "results.save.problem", customer=str(changed.iloc[p.row - 2]["customer_id"]),
            column=ctx.t(f"results.field.{p.column}"), what=ctx.t(f"results.problem.{p.code}")))
        return
    saved = contacts.save_contacts(ctx.db, clean, list_id)
    st.session_state["results_flash"] = ("success", ctx.t("results.saved", n=saved))


def mark_one(list_id: str) -> None:
    customer = st.session_state.get("results_one_customer")
    if not customer:
        return
    row = pd.DataFrame({
        "contact_id": [contacts.page_contact_id(list_id, customer)], "customer_id": [customer],
        "contact_date": [st.session_state["results_one_date"]], "channel": [st.session_state["results_one_channel"]],
        "outcome": [st.session_state["results_one_outcome"]], "owner": [st.session_state.get("results_one_owner")],
        "cost": [st.session_state["results_one_cost"]],
    })
    clean, problems = contacts.check_contacts(row, today=date.today())
    if problems:
        p = problems[0]
        st.session_state["results_flash"] = ("error", ctx.t(
            "results.save.problem", customer=customer, column=ctx.t(f"results.field.{p.column}"),
            what=ctx.t(f"results.problem.{p.code}")))
        return
    contacts.save_contacts(ctx.db, clean, list_id)
    st.session_state["results_flash"] = ("success", ctx.t("results.saved", n=1))


def save_import(clean: pd.DataFrame, list_id: str) -> None:
    saved = contacts.save_contacts(ctx.db, clean, list_id)
    st.session_state["results_flash"] = ("success", ctx.t("results.saved", n=saved))


# -- page -------------------------------------------------------------------------------------
st.title(ctx.t("results.title"))
st.caption(ctx.t("results.intro"))

# The last action's message stays until the next action: a rerun (the app may run a page twice)
# must not swallow it.
flash = st.session_state.get("results_flash")
if flash:
    (st.success if flash[0] == "success" else st.error)(flash[1])

# 1. Issue a list from the churn ranking (its default weights, levels and interventions).
with st.expander(ctx.t("results.issue"), expanded=_lists(ctx.db).empty):
    signals = _signals(ctx.db, ctx.as_of, ctx.store_ids)
    values = ctx.customer_values()
    if signals.empty or values.empty:
        st.info(ctx.t("churn.empty"))
    else:
        scored = churn.score_risk(signals)
        calibration = group_churn_calibration(ctx.db, ctx.as_of)  # a group figure
        method = "calibrated" if calibration is not None else "score"
        ranked = churn.filter_list(churn.call_list(scored, values, method, calibration,
                                                   churn.interventions_in_use(ctx.db)),
                                   ctx.store_ids, paying_only=True)
        st.caption(ctx.t("results.issue.caption", n=fmt.number(len(ranked)), as_of=ctx.as_of.isoformat(),
                         method=ctx.t(f"churn.p.{method}")))
        c1, c2, c3, c4 = st.columns(4)
        stores = ctx.stores()
        scope = ", ".join(stores[stores["store_id"].isin(ctx.store_ids)]["name"]) if ctx.store_ids else \
            ctx.t("sidebar.stores.all")
        c1.text_input(ctx.t("results.name"), value=f"{scope} {ctx.as_of.isoformat()}", key="results_name",
                      max_chars=contacts.MAX_TEXT)
        size = c2.number_input(ctx.t("results.size"), 1, MAX_LIST, min(DEFAULT_LIST, max(len(ranked), 1)), 10,
                               key="results_size", help=ctx.t("results.size.help"))
        c3.slider(ctx.t("results.holdout"), 0, 50, round(contacts.DEFAULT_HOLDOUT * 100), 1, format="%d%%",
                  key="results_holdout", help=ctx.t("results.holdout.help"))
        c4.number_input(ctx.t("results.window"), 7, 730, contacts.DEFAULT_WINDOW_DAYS, 7, key="results_window",
                        help=ctx.t("results.window.help"))
        chosen = ranked.head(int(size))
        st.button(ctx.t("results.issue.button", n=fmt.number(len(chosen))), on_click=issue,
                  args=(chosen, ctx.as_of, method), key="results_issue", disabled=chosen.empty, type="primary")

lists = _lists(ctx.db)
if lists.empty:
    st.info(ctx.t("results.none"))
    st.stop()

ids = lists["list_id"].tolist()
labels = {
    r.list_id: ctx.t("results.list.label", name=r.name, date=pd.Timestamp(r.issued_on).date().isoformat(),
                     n=fmt.number(r.members), control=fmt.number(r.controls))
    for r in lists.itertuples()
}
list_id = translated_choice("selectbox", ctx.t("results.list"), ids, key="results_list", lang=ctx.lang,
                            format_func=lambda i: labels[i])
info = lists.set_index("list_id").loc[list_id]
issued_on = pd.Timestamp(info["issued_on"]).date()
members = _members(ctx.db, list_id)
treated = members[~members["control"].astype(bool)].reset_index(drop=True)
st.caption(ctx.t("results.list.caption", share=fmt.pct(float(info["holdout_share"])),
                 control=fmt.number(int(info["controls"])), days=int(info["window_days"])))

# 2. Outcomes: marked on the table, one at a time, or imported.
st.subheader(ctx.t("results.outcomes"))
tab_table, tab_one, tab_file = st.tabs([ctx.t("results.tab.table"), ctx.t("results.tab.one"),
                                        ctx.t("results.tab.file")])
with tab_table:
    st.caption(ctx.t("results.table.caption"))
    rows = pd.DataFrame({
        "customer_id": treated["customer_id"],
        "level": [ctx.t(f"churn.level.{lv}") for lv in treated["level"]],
        "expected_value": treated["expected_value"].round(0),
        "contact_date": pd.to_datetime(treated["contact_date"]).dt.date,
        "channel": treated["channel"],
        "outcome": treated["outcome"],
        "owner": treated["owner"],
        "cost": treated["contact_cost"],
    })
    st.data_editor(
        rows, key=EDITOR, hide_index=True, num_rows="fixed", height=360,
        disabled=["customer_id", "level", "expected_value"],
        column_config={
            "customer_id": st.column_config.TextColumn(ctx.t("results.field.customer_id")),
            "level": st.column_config.TextColumn(ctx.t("results.col.level")),
            "expected_value": st.column_config.NumberColumn(ctx.t("results.col.predicted_ev"), format="localized"),
            "contact_date": st.column_config.DateColumn(ctx.t("results.field.contact_date"), max_value=date.today()),
            "channel": st.column_config.SelectboxColumn(ctx.t("results.field.channel"), options=list(contacts.CHANNELS),
                                                        format_func=lambda c: ctx.t(f"results.channel.{c}")),
            "outcome": st.column_config.SelectboxColumn(ctx.t("results.field.outcome"), options=list(contacts.OUTCOMES),
                                                        format_func=lambda o: ctx.t(f"results.outcome.{o}")),
            "owner": st.column_config.TextColumn(ctx.t("results.field.owner"), max_chars=contacts.MAX_TEXT),
            "cost": st.column_config.NumberColumn(ctx.t("results.field.cost"), min_value=0, format="localized"),
        },
    )
    st.button(ctx.t("results.save"), on_click=save_edits, args=(rows, list_id), key="results_save")

with tab_one:
    o1, o2, o3 = st.columns(3)
    o1.selectbox(ctx.t("results.field.customer_id"), treated["customer_id"].tolist(), key="results_one_customer")
    o2.date_input(ctx.t("results.field.contact_date"), value=min(date.today(), max(ctx.as_of, issued_on)),
                  max_value=date.today(), key="results_one_date")
    translated_choice("selectbox", ctx.t("results.field.channel"), contacts.CHANNELS, key="results_one_channel",
                      lang=ctx.lang, container=o3, format_func=lambda c: ctx.t(f"results.channel.{c}"))
    o4, o5, o6 = st.columns(3)
    translated_choice("selectbox", ctx.t("results.field.outcome"), contacts.OUTCOMES, key="results_one_outcome",
                      lang=ctx.lang, container=o4, format_func=lambda o: ctx.t(f"results.outcome.{o}"))
    o5.text_input(ctx.t("results.field.owner"), key="results_one_owner", max_chars=contacts.MAX_TEXT)
    o6.number_input(ctx.t("results.field.cost"), 0.0, 1_000_000.0, 0.0, 50.0, key="results_one_cost")
    st.button(ctx.t("results.mark"), on_click=mark_one, args=(list_id,), key="results_mark")

with tab_file:
    st.caption(ctx.t("results.file.caption"))
    st.download_button(ctx.t("results.template"), to_csv_bytes(contacts.contacts_template(members)),
                       file_name=f"{ctx.t('results.template.file')}_{info['name']}.csv", mime="text/csv",
                       key="results_template", on_click="ignore")
    upload = st.file_uploader(ctx.t("results.upload"), type=["csv", "txt", "xlsx"], key="results_upload")
    if upload is not None:
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            try:
                read = contacts.read_contacts_file(path, set(members["customer_id"]), date.today(), upload.name)
            except ImportFileError as error:
                read = None
                st.error(ctx.t("results.file.unreadable", file=upload.name, code=error.name))
        if read is not None and read.missing_columns:
            st.error(ctx.t("results.file.missing", file=read.file,
                           columns=", ".join(ctx.t(f"results.field.{c}") for c in read.missing_columns)))
        elif read is not None:
            st.caption(ctx.t("results.file.read", file=read.file, rows=fmt.number(read.rows),
                             clean=fmt.number(len(read.clean)), bad=fmt.number(len(read.problems))))
            if read.problems:
                st.dataframe(problem_rows(read.problems, read.file), hide_index=True)
            st.button(ctx.t("results.file.save", n=fmt.number(len(read.clean))), on_click=save_import,
                      args=(read.clean, list_id), key="results_import", disabled=read.clean.empty)

# 3. Results: treated against control, per level.
st.subheader(ctx.t("results.results"))
pooled = st.toggle(ctx.t("results.pooled"), value=False, key="results_pooled")
table = _results(ctx.db, tuple(ids) if pooled else (list_id,))
if table.empty:
    st.info(ctx.t("results.empty"))
    st.stop()
overall = table.set_index("level").loc[results.ALL]
verdict_text = {v: ctx.t(f"results.verdict.{v}") for v in results.VERDICTS}
metric_row([  # a grid that wraps rather than cuts a label at 1280×720
    Headline(ctx.t("results.m.uplift"), fmt.pct(overall["uplift"], 1),
             ctx.t("results.m.uplift.help", low=fmt.pct(overall["uplift_low"], 1),
                   high=fmt.pct(overall["uplift_high"], 1))),
    Headline(ctx.t("results.m.contact_rate"), fmt.pct(overall["contact_rate"])),
    Headline(ctx.t("results.m.cost_per_kept"), ctx.money(overall["cost_per_kept"]),
             ctx.t("results.m.cost_per_kept.help")),
    Headline(ctx.t("results.m.realised"), ctx.money(overall["realised_value"]),
             ctx.t("results.m.realised.help")),
    Headline(ctx.t("results.m.predicted"), ctx.money(overall["predicted_value"]),
             ctx.t("results.m.predicted.help")),
], border=False)
st.markdown(f"**{verdict_text[overall['verdict']]}**")
st.caption(ctx.t("results.interval", low=fmt.pct(overall["uplift_low"], 1), high=fmt.pct(overall["uplift_high"], 1),
                 min=results.MIN_GROUP))
st.dataframe(
    pd.DataFrame({
        ctx.t("results.col.level"): [level_name(lv) for lv in table["level"]],
        ctx.t("results.col.action"): [ctx.t(f"churn.action.{lv}") if lv != results.ALL else "" for lv in table["level"]],
        ctx.t("results.col.treated"): table["treated"],
        ctx.t("results.col.control"): table["control"],
        ctx.t("results.col.contact_rate"): table["contact_rate"],
        ctx.t("results.col.return_treated"): table["return_treated"],
        ctx.t("results.col.return_control"): table["return_control"],
        ctx.t("results.col.uplift"): table["uplift"],
        ctx.t("results.col.interval"): [f"{fmt.pct(lo, 1)} … {fmt.pct(hi, 1)}"
                                        for lo, hi in zip(table["uplift_low"], table["uplift_high"])],
        ctx.t("results.col.kept"): table["kept"].round(1),
        ctx.t("results.col.cost_per_kept"): table["cost_per_kept"].round(0),
        ctx.t("results.col.predicted_value"): table["predicted_value"].round(0),
        ctx.t("results.col.realised_value"): table["realised_value"].round(0),
        ctx.t("results.col.verdict"): [verdict_text[v] for v in table["verdict"]],
    }),
    hide_index=True,
    column_config={
        ctx.t("results.col.contact_rate"): st.column_config.NumberColumn(format="percent"),
        ctx.t("results.col.return_treated"): st.column_config.NumberColumn(format="percent"),
        ctx.t("results.col.return_control"): st.column_config.NumberColumn(format="percent"),
        ctx.t("results.col.uplift"): st.column_config.NumberColumn(format="percent"),
        ctx.t("results.col.cost_per_kept"): st.column_config.NumberColumn(format="localized"),
        ctx.t("results.col.predicted_value"): st.column_config.NumberColumn(format="localized"),
        ctx.t("results.col.realised_value"): st.column_config.NumberColumn(format="localized"),
    },
)
if int(overall["controls_contacted"]):
    st.warning(ctx.t("results.controls_contacted", n=fmt.number(int(overall["controls_contacted"]))))

# 4. The typed success rates against the measured ones.
st.subheader(ctx.t("results.success"))
st.caption(ctx.t("results.success.caption"))
typed = {i.level: i.success for i in churn.INTERVENTIONS}
measured = results.measured_success(table, typed)
st.dataframe(
    pd.DataFrame({
        ctx.t("results.col.level"): [level_name(s.level) for s in measured],
        ctx.t("results.col.typed"): [fmt.pct(s.typed) for s in measured],
        # Too few customers: a figure would be noise, so none is shown.
        ctx.t("results.col.measured"): ["—" if s.verdict == "too_few" else fmt.pct(s.measured) for s in measured],
        ctx.t("results.col.interval"): ["—" if s.verdict == "too_few" else f"{fmt.pct(s.low)} … {fmt.pct(s.high)}"
                                        for s in measured],
        ctx.t("results.col.evidence"): [ctx.t("results.evidence", treated=fmt.number(s.treated),
                                              control=fmt.number(s.control)) for s in measured],
        ctx.t("results.col.verdict"): [verdict_text[s.verdict] for s in measured],
    }),
    hide_index=True,
)
