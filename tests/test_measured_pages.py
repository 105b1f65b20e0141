"""AppTest: the measured call programme on the allocator and evaluator pages.

On the simulated list of tests/test_results.py (treated 35% back, control 20%, remaining CLV
20,000, contact cost 300): the figures expected are computed here from the simulation's truth.
"""

from __future__ import annotations

from tests.helpers import metric_values, run_app
from tests.test_results import simulated_database
from wording import fmt


def _simulated(tmp_path, **kw):
    db, list_id, truth = simulated_database(tmp_path / "sim.duckdb", **kw)
    db.close()
    treated, control = truth[~truth["control"]], truth[truth["control"]]
    return tmp_path / "sim.duckdb", treated, treated["returned"].mean() - control["returned"].mean()


def _ok(at):
    assert not at.exception, [e.message for e in at.exception]


def test_allocator_adds_a_measured_project(tmp_path):
    path, treated, uplift = _simulated(tmp_path)
    at = run_app(path, "app_pages/allocator.py")
    at.session_state["al_measured_open"] = True
    at.run()
    _ok(at)
    m = metric_values(at)
    assert m["CLV uplift per customer"] == fmt.money_full(uplift * 20_000)
    assert m["Customers reached"] == fmt.number(len(treated))
    table = next(d.value for d in at.dataframe if "Typed prior" in d.value.columns)
    assert table["Typed prior"].iloc[0] == fmt.pct(0.15, 1)  # P(churn) 0.5 × typed success 0.3
    assert table["Measured"].iloc[0] == fmt.pct(uplift, 1)
    assert set(table["Used"]) == {"measured"}
    assert any("Enough evidence" in s.value for s in at.success)
    at.button(key="al_measured_add").click().run()
    _ok(at)
    current = at.session_state["al_table"]["current"]
    added = current[current["name"].astype(str).str.startswith("Measured calls")].iloc[0]
    assert added["investment"] == len(treated) * 300
    assert added["uplift_per_customer"] == round(uplift * 20_000, 2)
    assert added["reach"] == len(treated)


def test_evaluator_case_from_a_thin_list_uses_the_typed_prior(tmp_path):
    path, treated, _ = _simulated(tmp_path, n=600, p_control=0.3, p_treated=0.3, seed=3)
    at = run_app(path, "app_pages/evaluator.py", lang="zh")
    at.session_state["ev_measured_open"] = True
    at.run()
    _ok(at)
    assert any("证据不足" in w.value for w in at.warning)
    at.button(key="ev_m_apply").click().run()
    _ok(at)
    assert at.session_state["ev_custom_g0_n"] == len(treated)
    assert at.session_state["ev_custom_g0_u"] == 20_000
    assert at.session_state["ev_custom_g0_t"] == 15.0  # the typed prior, 0.5 × 0.3
    assert at.session_state["ev_custom_c0"] == len(treated) * 300
    assert at.session_state["ev_custom_name"] == "实测回访 · 全部等级"


def test_evaluator_case_from_a_conclusive_list_uses_the_measured_take_up(tmp_path):
    # Treated 35% back against control 20%: the interval excludes 0, so the case takes the
    # measured uplift, not the typed prior (P(churn) 0.5 × typed success 0.3 = 15%).
    path, treated, uplift = _simulated(tmp_path)
    at = run_app(path, "app_pages/evaluator.py")
    at.session_state["ev_measured_open"] = True
    at.run()
    _ok(at)
    table = next(d.value for d in at.dataframe if "Typed prior" in d.value.columns).set_index("Figure")
    row = table.loc["Return rate uplift (called − control)"]
    assert (row["Typed prior"], row["Measured"]) == (fmt.pct(0.15, 1), fmt.pct(uplift, 1))
    assert set(table["Used"]) == {"measured"}
    assert any("Enough evidence" in s.value for s in at.success)
    assert any(fmt.number(len(treated)) in c.value for c in at.caption)  # the evidence: group sizes
    at.button(key="ev_m_apply").click().run()
    _ok(at)
    take_up = round(uplift * 100, 1)  # the case's take-up field holds one decimal
    assert take_up != 15.0
    assert at.session_state["ev_custom_g0_t"] == take_up
    assert at.session_state["ev_custom_g0_n"] == len(treated)
    assert at.session_state["ev_custom_c0"] == len(treated) * 300
    # The case's figures from the measured take-up: gain = called × take-up × CLV 20,000.
    gain = len(treated) * take_up / 100 * 20_000
    cost = len(treated) * 300
    m = metric_values(at)
    assert m["CLV gain (horizon)"] == fmt.money(gain)
    assert m["Net ROI"] == fmt.pct((gain - cost) / cost)
