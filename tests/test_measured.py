"""A recorded call programme as allocator project and evaluator case (clv_engine.measured).

Built on the simulated lists of tests/test_results.py (treated and control groups with a set
return uplift); every expected figure is computed here from the simulation's own truth frame
and the members' stored CLVs, not read back from the engine.
"""

from __future__ import annotations

import pytest

from clv_engine import evaluation as ev
from clv_engine import measured, results
from clv_engine.allocation import AllocationError
from tests.test_results import simulated_database


def _vary_clv(db, list_id):
    """Give each member a different remaining CLV (10,000 + 7 × rank), so the mean is a real check."""
    with db.write_transaction() as con:
        con.execute("UPDATE call_list_members SET clv = 10000 + 7 * rank WHERE list_id = ?", [list_id])
    return db.query_df(
        "SELECT customer_id, level, control, clv, success, p_churn FROM call_list_members WHERE list_id = ?",
        [list_id],
    )


def test_enough_evidence_uses_the_measured_uplift(tmp_path):
    db, list_id, truth = simulated_database(tmp_path / "m.duckdb", n=2_000, p_control=0.20, p_treated=0.35)
    members = _vary_clv(db, list_id)
    frame = truth.merge(members[["customer_id", "clv"]], on="customer_id")
    treated, control = frame[~frame["control"]], frame[frame["control"]]
    uplift = treated["returned"].mean() - control["returned"].mean()
    mean_clv = treated["clv"].mean()  # 10,000 + 7 × mean rank of the treated
    cost = len(treated) * 300.0  # every treated contact recorded at 300

    m = measured.measured_programme(db, [list_id])
    assert (m.treated, m.control) == (len(treated), len(control)) == (1_799, 201)
    assert m.verdict == "kept" and m.usable
    assert m.take_up == pytest.approx(uplift)
    assert m.mean_clv == pytest.approx(mean_clv)
    assert m.cost == pytest.approx(cost) and not m.cost_from_plan
    # Typed prior: the list's P(churn) 0.5 × success 0.3.
    assert m.typed_uplift == pytest.approx(0.15)
    assert m.typed_success == pytest.approx(0.30)
    _, low, high = results.newcombe_interval(
        int(treated["returned"].sum()), len(treated), int(control["returned"].sum()), len(control)
    )
    assert (m.uplift_per_customer_low, m.uplift_per_customer_high) == pytest.approx(
        (low * mean_clv, high * mean_clv)
    )
    assert m.uplift_per_customer_low < m.uplift_per_customer < m.uplift_per_customer_high
    # Recovery: the simulated effect (35% − 20%) per customer lies inside the carried interval.
    assert m.uplift_per_customer_low <= 0.15 * mean_clv <= m.uplift_per_customer_high

    project = measured.allocator_project(m, "calls")
    assert project.investment == pytest.approx(cost)
    assert project.uplift_per_customer == pytest.approx(uplift * mean_clv)
    assert project.reach == 1_799
    # Net value of repeating the calls = the results page's value realised for the same list.
    realised = results.results(db, [list_id]).set_index("level").loc["all", "realised_value"]
    assert project.net == pytest.approx(1_799 * uplift * mean_clv - cost)
    assert realised == pytest.approx(project.net)

    case = ev.evaluate_programme(measured.evaluator_programme(m))
    gain = 1_799 * uplift * mean_clv
    assert case.gain_over_horizon == pytest.approx(gain)
    assert case.cost_over_horizon == pytest.approx(cost)
    # The gain is a present value: the one-year case discounts nothing away from it.
    assert case.npv == pytest.approx(gain - cost)


def test_too_thin_falls_back_to_the_typed_prior(tmp_path):
    db, list_id, truth = simulated_database(
        tmp_path / "t.duckdb", n=600, p_control=0.3, p_treated=0.3, seed=3
    )
    m = measured.measured_programme(db, [list_id])
    assert m.verdict == "too_thin" and not m.usable
    assert m.take_up == pytest.approx(0.5 * 0.3)
    assert m.uplift_per_customer == pytest.approx(0.15 * 20_000)
    treated = truth[~truth["control"]]
    assert m.uplift == pytest.approx(treated["returned"].mean() - truth[truth["control"]]["returned"].mean())
    project = measured.allocator_project(m, "calls")
    assert project.uplift_per_customer == pytest.approx(3_000)
    group = measured.evaluator_programme(m).groups[0]
    assert (group.customers, group.take_up, group.clv_uplift) == (len(treated), pytest.approx(0.15), 20_000)


def test_one_level_and_its_typed_success(tmp_path):
    db, list_id, truth = simulated_database(
        tmp_path / "l.duckdb", n=3_000, p_control=0.2, p_treated=0.4, seed=5
    )
    with db.write_transaction() as con:
        con.execute("UPDATE call_list_members SET success = 0.78 WHERE level = 'high'")
    levels = db.query_df("SELECT customer_id, level FROM call_list_members")
    high = truth.merge(levels, on="customer_id").query("level == 'high'")
    m = measured.measured_programme(db, [list_id], level="high")
    t, c = high[~high["control"]], high[high["control"]]
    assert (m.treated, m.control) == (len(t), len(c)) == (900, 100)
    assert m.typed_success == pytest.approx(0.78)
    assert m.typed_uplift == pytest.approx(0.5 * 0.78)
    rc = c["returned"].mean()
    assert m.measured_success == pytest.approx((t["returned"].mean() - rc) / (1 - rc))


def test_lost_customers_keep_their_sign_and_no_project(tmp_path):
    db, list_id, truth = simulated_database(
        tmp_path / "x.duckdb", n=2_000, p_control=0.5, p_treated=0.2, seed=7
    )
    m = measured.measured_programme(db, [list_id])
    assert m.verdict == "lost"
    with pytest.raises(AllocationError):
        measured.allocator_project(m, "calls")
    t, c = truth[~truth["control"]], truth[truth["control"]]
    u = t["returned"].mean() - c["returned"].mean()
    case = ev.evaluate_programme(measured.evaluator_programme(m))
    assert case.gain_over_horizon == pytest.approx(len(t) * u * 20_000)
    assert case.gain_over_horizon < 0


def test_no_list(tmp_path):
    from clv_engine.db import Database, create_database

    create_database(tmp_path / "e.duckdb")
    with pytest.raises(measured.MeasuredError) as err:
        measured.measured_programme(Database(tmp_path / "e.duckdb"))
    assert err.value.code == "measured.no_list"
