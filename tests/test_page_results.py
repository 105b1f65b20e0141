"""Results page (AppTest): issue a list on the sample with its hold-out, mark an outcome, see results."""

from __future__ import annotations

from datetime import date

from clv_engine import contacts
from clv_engine import db as dbmod
from clv_engine.db import Database
from tests.helpers import file_busy, run_app
from wording import t

PAGE = "app_pages/results.py"


def open_issue(at):
    """Open the "issue a list" expander (what a click on it sets): ranked only while open."""
    at.session_state["results_issue_open"] = True
    return at.run()


def open_tab(at, kind: str, lang: str = "en"):
    """Open an outcomes tab (what a click on it sets): only the open tab is drawn."""
    at.session_state["results_tab"] = t(f"results.tab.{kind}", lang)
    return at.run()


def test_issue_mark_and_see_results(writable_db_path):
    at = open_issue(run_app(writable_db_path, PAGE, lang="en"))
    assert not at.exception
    at.number_input(key="results_size").set_value(200).run()
    at.button(key="results_issue").click().run()
    assert not at.exception, [e.message for e in at.exception]
    db = Database(writable_db_path)
    lists = contacts.list_call_lists(db)
    issued = lists[lists["name"].str.contains(date(2026, 11, 30).isoformat())]
    assert len(issued) == 1
    assert issued.iloc[0]["members"] == 200
    list_id = issued.iloc[0]["list_id"]
    members = contacts.list_members(db, list_id)
    db.close()  # the app's writer cannot open the file while this reader holds it
    # The hold-out recorded is the draw seeded by the list id: 10% of each level.
    assert (
        members["control"].tolist()
        == contacts.holdout_mask(list_id, members["customer_id"], members["level"], 0.10).tolist()
    )
    assert at.session_state["results_list"] == list_id  # the new list is the one shown

    treated = members[~members["control"]]
    open_tab(at, "one")
    at.selectbox(key="results_one_customer").set_value(treated.iloc[0]["customer_id"]).run()
    at.selectbox(key="results_one_outcome.en").set_value("booked").run()
    at.number_input(key="results_one_cost").set_value(300.0).run()
    at.button(key="results_mark").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [m.value for m in at.success] == ["Contacts saved: 1."]
    saved = db.query_df("SELECT * FROM contacts WHERE list_id = ?", [list_id])
    db.close()
    assert saved[["customer_id", "outcome", "cost"]].values.tolist() == [
        [treated.iloc[0]["customer_id"], "booked", 300.0]
    ]
    # Results are shown; the window (90 days from the data's last day) has not passed.
    texts = " ".join(m.value for m in at.markdown)
    assert "not over yet" in texts
    assert any(df.value.shape[0] >= 2 for df in at.dataframe)


def test_an_outcome_saved_while_another_process_holds_the_file_says_so(writable_db_path, monkeypatch):
    at = open_issue(run_app(writable_db_path, PAGE, lang="en"))
    at.number_input(key="results_size").set_value(50).run()
    at.button(key="results_issue").click().run()
    list_id = at.session_state["results_list"]
    open_tab(at, "one")
    customer = at.selectbox(key="results_one_customer").options[0]
    at.selectbox(key="results_one_customer").set_value(customer).run()
    monkeypatch.setattr(dbmod, "WRITE_TIMEOUT", 0.5)
    with file_busy(writable_db_path):
        at.button(key="results_mark").click().run()
    assert not at.exception, [e.message for e in at.exception]
    busy = t("error.database.busy", "en", file=writable_db_path.name, seconds=round(dbmod.WRITE_TIMEOUT))
    assert [m.value for m in at.error] == [busy] and not at.success
    db = Database(writable_db_path)
    assert db.query_value("SELECT count(*) FROM contacts WHERE list_id = ?", [list_id]) == 0
    db.close()


def test_page_in_chinese_has_no_english(sample_db_path):
    at = run_app(sample_db_path, PAGE, lang="zh")
    assert not at.exception
    assert at.title[0].value.startswith("回访效果")


def test_import_outcomes_from_a_crm_file(writable_db_path):
    db = Database(writable_db_path)
    (list_id,) = contacts.list_call_lists(db)["list_id"]
    members = contacts.list_members(db, list_id)
    before = db.query_value("SELECT count(*) FROM contacts")
    db.close()
    treated = members.loc[~members["control"], "customer_id"].tolist()
    text = (
        "客户编号,联系日期,联系结果,联系方式,费用\n"
        f"{treated[0]},2026-07-10,booked,call,300\n"
        f"{treated[1]},2026-07-11,came_back,visit,800\n"
        f"{treated[2]},2026-13-40,reached,call,50\n"
        "C9999999,2026-07-11,reached,call,50\n"
    )
    at = open_tab(run_app(writable_db_path, PAGE, lang="en"), "file")
    at.file_uploader(key="results_upload").set_value(("crm.csv", text.encode("gb18030"), "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    (problems,) = [d.value for d in at.dataframe if "Problem" in d.value.columns]
    assert problems[["Row", "Column", "Problem"]].values.tolist() == [
        [4, "Contact date", "not a date (use 2026-06-30)"],
        [5, "Customer", "not on this call list"],
    ]
    assert set(problems["File"]) == {"crm.csv"}
    at.button(key="results_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    db = Database(writable_db_path)
    rows = db.query_df("SELECT customer_id, outcome, cost FROM contacts WHERE contact_id NOT LIKE '%:%'")
    assert db.query_value("SELECT count(*) FROM contacts") == before + 2
    db.close()
    assert sorted(rows.values.tolist()) == sorted(
        [[treated[0], "booked", 300.0], [treated[1], "came_back", 800.0]]
    )


def test_churn_and_results_share_one_backtest(sample_db_path, monkeypatch):
    """The calibration's backtest (a year of history per customer) is computed once: for both
    pages, and not again when a weight changes (only the calibration is redone)."""
    import streamlit as st

    from clv_engine import churn

    calls = []
    real = churn.backtest_groups  # the group's backtest, counted per distinct set of signals

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(churn, "backtest_groups", counted)
    st.cache_data.clear()
    st.cache_resource.clear()  # the backtest's customer rows are kept once per process (@shared)
    at = run_app(sample_db_path, "app_pages/churn.py")
    at.slider(key="churn_high_min").set_value(0.5).run()
    at.switch_page("app_pages/results.py").run()
    open_issue(at)
    assert not at.exception
    assert len(calls) == 1


def test_the_issued_list_is_the_top_of_the_churn_ranking_of_every_customer(writable_db_path):
    """The page ranks from the churn page's shared base; the list it issues must be the top of
    the ranking computed the plain way (signals, values, scoring and sort, written here)."""
    from clv_engine import churn, clv, predictive

    at = open_issue(run_app(writable_db_path, PAGE, lang="en"))
    at.number_input(key="results_size").set_value(120).run()
    at.button(key="results_issue").click().run()
    assert not at.exception, [e.message for e in at.exception]
    list_id = at.session_state["results_list"]
    db = Database(writable_db_path)
    issued = contacts.list_members(db, list_id)
    as_of = date(2026, 11, 30)
    values = clv.customer_values(db, as_of)
    model = predictive.fit_predictive_model(db, as_of)
    values = predictive.values_for_model(
        values, "predictive", predictive.customer_predictions(model, 5, 0.12)
    )
    calibration = churn.calibrate(churn.backtest_signals(db, as_of, None))
    method = "calibrated" if calibration is not None else "score"
    scored = churn.score_risk(churn.churn_signals(db, as_of))
    plain = churn.call_list(scored, values, method, calibration, churn.interventions_in_use(db))
    plain = churn.filter_list(plain, None, paying_only=True)
    db.close()
    assert sorted(issued["customer_id"]) == sorted(plain["customer_id"].head(120))


def test_a_long_list_edits_its_first_rows_on_the_table(writable_db_path, monkeypatch):
    from ui import results_panels

    monkeypatch.setattr(results_panels, "EDITOR_ROWS", 10)
    at = open_issue(run_app(writable_db_path, PAGE, lang="en"))
    at.number_input(key="results_size").set_value(50).run()
    at.button(key="results_issue").click().run()
    assert not at.exception, [e.message for e in at.exception]
    db = Database(writable_db_path)
    members = contacts.list_members(db, at.session_state["results_list"])
    db.close()
    treated = members[~members["control"].astype(bool)]
    captions = " ".join(c.value for c in at.caption)
    assert f"The first 10 of {len(treated)} customers" in captions
    editors = [df for df in at.dataframe if df.editing_mode != "read_only"]
    assert len(editors) == 1 and editors[0].value.shape[0] == 10
    assert editors[0].value["customer_id"].tolist() == treated["customer_id"].head(10).tolist()
    # every member can still be marked one at a time
    open_tab(at, "one")
    assert at.selectbox(key="results_one_customer").options == treated["customer_id"].tolist()


def test_a_closed_expander_ranks_nothing_and_a_closed_tab_draws_nothing(writable_db_path, monkeypatch):
    """With a list issued, the "issue" expander starts closed: the churn ranking (seconds at a
    million customers) is not computed until it opens; only the open outcomes tab is drawn."""
    from ui import results_panels

    drawn = []
    for name in ("issue_panel", "outcomes_table", "outcome_one", "outcome_file"):
        real = getattr(results_panels, name)
        monkeypatch.setattr(
            results_panels, name, lambda *a, _n=name, _r=real, **k: (drawn.append(_n), _r(*a, **k))[1]
        )
    at = run_app(writable_db_path, PAGE, lang="en")
    assert drawn == ["outcomes_table"]
    assert not [w for w in at.number_input if w.key == "results_size"]
    drawn.clear()
    open_issue(at)
    assert drawn == ["issue_panel", "outcomes_table"]
    assert [w.key for w in at.number_input if w.key == "results_size"] == ["results_size"]
    drawn.clear()
    open_tab(at, "file")
    assert drawn == ["issue_panel", "outcome_file"]
