"""The loop on imported data (not the sample): a dealer's CSV export imported as a user would,
a call list issued on the Results page with its hold-out, the visits after it and the CRM's
contacts imported through the main importer, and the results page measuring a set uplift.

The effect is simulated here and known: a treated member comes back in the window with
probability 45%, a control member with 20% (set uplift 25 points). Every figure the page and
the engine give is checked against counts taken from the simulation itself.
"""

from __future__ import annotations

import csv
import itertools
import uuid
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from clv_engine import churn, contacts, results
from clv_engine.db import Database
from clv_engine.imports import ImportOptions, Source, run_import
from tests.helpers import metric_values, run_app
from tests.test_page_churn import _csv as churn_csv
from tests.test_page_churn import downloads  # noqa: F401 (a fixture)
from tests.test_page_results import open_issue
from tests.test_results import newcombe_by_hand
from wording import fmt

PAGE = "app_pages/results.py"
END = date(2025, 6, 30)  # the export's last possible day
TODAY = date(2026, 1, 1)  # the importer's today: later dates are errors
P_CONTROL, P_TREATED = 0.20, 0.45
SET_UPLIFT = P_TREATED - P_CONTROL
REACH = 0.85
HOLDOUT = 20  # percent, set on the page
WINDOW = 90
LIST_SIZE = 1_200


def _write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _dealer(folder: Path, n: int = 1_500, seed: int = 1) -> list[Source]:
    """Stores, customers (phone, vehicle, home store) and orders: every customer serviced every
    three to five months; seven in ten stopped coming 200-330 days before the export ends."""
    rng = np.random.default_rng(seed)
    stores = [
        {"store_id": "S01", "name": "东城店", "region": "华北", "city": "北京"},
        {"store_id": "S02", "name": "West Lake", "region": "华东", "city": "杭州"},
    ]
    customers, orders = [], []
    for i in range(n):
        cid, store = f"K{i:05d}", ("S01", "S02")[i % 2]
        bought = END - timedelta(days=int(rng.integers(900, 2_500)))
        customers.append(
            {
                "customer_id": cid,
                "name": f"客户{i}",
                "phone": f"138{i:08d}",
                "home_store_id": store,
                "vin": f"LVIN{i:013d}",
                "vehicle_model": ("Model A", "Model B")[i % 2],
                "purchase_date": bought.isoformat(),
            }
        )
        stopped = int(rng.integers(200, 330)) if rng.random() < 0.7 else int(rng.integers(0, 60))
        day, k = bought + timedelta(days=int(rng.integers(30, 120))), 0
        while day <= END - timedelta(days=stopped):
            amount = float(np.round(rng.lognormal(np.log(2_500), 0.5), 2))
            orders.append(
                {
                    "order_id": f"O{i:05d}_{k}",
                    "customer_id": cid,
                    "order_date": day.isoformat(),
                    "store_id": store,
                    "kind": "maintenance",
                    "revenue": f"{amount:.2f}",
                    "gross_profit": f"{amount * 0.4:.2f}",
                }
            )
            day, k = day + timedelta(days=int(rng.integers(90, 150))), k + 1
    return [
        Source("stores", _write(folder / "stores.csv", stores)),
        Source("customers", _write(folder / "customers.csv", customers)),
        Source("orders", _write(folder / "orders.csv", orders)),
    ]


def _members(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    db = Database(path)
    try:
        lists = contacts.list_call_lists(db)
        members = db.query_df("SELECT * FROM call_list_members ORDER BY customer_id")
    finally:
        db.close()
    return lists, members


def _after_the_list(folder: Path, members: pd.DataFrame, issued: date, seed: int = 2) -> tuple[list, dict]:
    """The visits in the window (the set effect) and the CRM's contacts of the treated, as the
    files a dealer would import next; returns them and the simulation's own counts."""
    rng = np.random.default_rng(seed)
    control = members["control"].to_numpy(dtype=bool)
    back = rng.random(len(members)) < np.where(control, P_CONTROL, P_TREATED)
    visits = [
        {
            "order_id": f"R{n:05d}",
            "customer_id": c,
            "order_date": (issued + timedelta(days=int(rng.integers(5, WINDOW)))).isoformat(),
            "store_id": s,
            "kind": "maintenance",
            "revenue": "800.00",
            "gross_profit": "320.00",
        }
        for n, (c, s) in enumerate(zip(members["customer_id"][back], members["store_id"][back]))
    ]
    # One later visit: the data reach past the window, so it is judged.
    visits.append({**visits[0], "order_id": "R_END", "order_date": str(issued + timedelta(days=WINDOW + 30))})
    treated = members[~control]
    reached = rng.random(len(treated)) < REACH
    crm = [
        {
            "客户编号": c,
            "联系日期": str(issued + timedelta(days=2)),
            "渠道": "电话",
            "结果": "已接通" if r else "未接通",
            "负责人": "王经理",
            "成本": "300" if r else "5",
        }
        for c, r in zip(treated["customer_id"], reached)
    ]
    truth = {
        "n1": len(treated),
        "n0": int(control.sum()),
        "k1": int(back[~control].sum()),
        "k0": int(back[control].sum()),
        "reached": int(reached.sum()),
        "cost": 300.0 * reached.sum() + 5.0 * (~reached).sum(),
    }
    sources = [
        Source("orders", _write(folder / "orders_after.csv", visits)),
        Source("contacts", _write(folder / "crm_export.csv", crm)),
    ]
    return sources, truth


def test_issue_import_contacts_and_measure_a_set_uplift_on_imported_data(tmp_path, monkeypatch):
    # The list id seeds the hold-out: a fixed one, so every run draws the same groups.
    ids = itertools.count(16)
    monkeypatch.setattr(contacts, "uuid", SimpleNamespace(uuid4=lambda: uuid.UUID(int=next(ids))))
    path = tmp_path / "dealer.duckdb"
    assert run_import(_dealer(tmp_path), path, ImportOptions(today=TODAY)).imported

    # Issued on the page, with a fifth of each level held out.
    at = open_issue(run_app(path, PAGE))
    assert not at.exception, [e.message for e in at.exception]
    at.number_input(key="results_size").set_value(LIST_SIZE).run()
    at.slider(key="results_holdout").set_value(HOLDOUT).run()
    at.button(key="results_issue").click().run()
    assert not at.exception, [e.message for e in at.exception]
    lists, members = _members(path)
    assert len(lists) == 1 and lists.iloc[0]["members"] == LIST_SIZE
    list_id, issued = lists.iloc[0]["list_id"], pd.Timestamp(lists.iloc[0]["issued_on"]).date()
    assert list_id == str(uuid.UUID(int=16))
    # The control group recorded is the draw seeded by the list id (anyone can redo it).
    again = contacts.holdout_mask(list_id, members["customer_id"], members["level"], HOLDOUT / 100)
    assert members["control"].tolist() == again.tolist()
    for _, part in members.groupby("level"):
        assert int(part["control"].sum()) == round(HOLDOUT / 100 * len(part))
    assert set(members["store_id"]) == {"S01", "S02"}

    # The visits after the list and the CRM's contacts, imported as the next month's files.
    sources, truth = _after_the_list(tmp_path, members, issued)
    report = run_import(sources, path, ImportOptions(mode="append", today=TODAY))
    assert report.imported and report.rejected_rows == 0

    db = Database(path)
    try:
        stored = db.query_df("SELECT list_id, intervention, outcome FROM contacts")
        table = results.results(db).set_index("level")  # every list: the counts kept beside the file
    finally:
        db.close()
    # Every CRM row is matched to the list, with its member's level as the intervention.
    assert len(stored) == truth["n1"] and set(stored["list_id"]) == {list_id}
    assert set(stored["intervention"]) <= {"high", "mid", "low"}
    assert (stored["outcome"] == "reached").sum() == truth["reached"]

    row = table.loc[results.ALL]
    n1, n0, k1, k0 = truth["n1"], truth["n0"], truth["k1"], truth["k0"]
    assert (row["treated"], row["control"]) == (n1, n0)
    assert (row["returned_treated"], row["returned_control"]) == (k1, k0)
    uplift = k1 / n1 - k0 / n0
    low, high = newcombe_by_hand(k1, n1, k0, n0)
    assert abs(row["uplift"] - uplift) < 1e-12
    assert abs(row["uplift_low"] - low) < 1e-9 and abs(row["uplift_high"] - high) < 1e-9
    # The set uplift is recovered: inside the interval, which excludes 0.
    assert low <= SET_UPLIFT <= high and low > 0
    assert row["verdict"] == "kept"
    assert row["contact_rate"] == truth["reached"] / n1
    assert abs(row["cost_per_kept"] - truth["cost"] / (uplift * n1)) < 1e-6
    # What the list predicted for the treated, and what the calls realised at their mean CLV.
    treated = members[~members["control"]]
    predicted = treated["expected_value"].sum()
    realised = uplift * n1 * treated["clv"].mean() - truth["cost"]
    assert abs(row["predicted_value"] - predicted) < 1e-6 * abs(predicted)
    assert abs(row["realised_value"] - realised) < 1e-6 * abs(realised)

    # The page says the same, in the reader's words and money.
    page = run_app(path, PAGE)
    assert not page.exception, [e.message for e in page.exception]
    m = metric_values(page)
    assert m["Uplift in return rate"] == fmt.pct(uplift, 1)
    assert m["Contact rate"] == fmt.pct(truth["reached"] / n1)
    assert m["Cost per customer kept"] == fmt.money(truth["cost"] / (uplift * n1))
    assert m["Value realised"] == fmt.money(realised)
    assert m["Value the list predicted"] == fmt.money(predicted)
    assert any("The calls brought customers back." in md.value for md in page.markdown)
    print(
        f"imported data: set uplift {SET_UPLIFT:.3f}, recovered {uplift:.3f} [{low:.3f}, {high:.3f}] "
        f"(treated {n1}, control {n0})"
    )


def test_the_call_list_a_store_works_from_on_imported_data(tmp_path, downloads, monkeypatch):  # noqa: F811
    """On the imported export (the churn base kept beside the file by the import's priming):
    the list shows and downloads phone, last visit, vehicle, store name, owner and due date,
    each row opens the customer's lookup, and the file is named by store and date."""
    assert run_import(_dealer(tmp_path), tmp_path / "dealer.duckdb", ImportOptions(today=TODAY)).imported
    kept, real = [], churn.kept_base

    def spy(*args):
        found = real(*args)
        kept.append(found is not None)
        return found

    monkeypatch.setattr(churn, "kept_base", spy)
    at = run_app(tmp_path / "dealer.duckdb", "app_pages/churn.py")
    assert kept and all(kept)  # the narrow list ranked from the base the import kept
    assert not at.exception, [e.message for e in at.exception]
    as_of = at.session_state["as_of"]
    day = as_of.isoformat()
    assert f"churn_call_list_all_stores_{day}.csv" in downloads
    at.multiselect(key="churn_stores").set_value(["S01"]).run()
    assert list(downloads)[-2:] == [f"churn_call_list_东城店_{day}.csv", f"churn_call_list_东城店_{day}.xlsx"]
    listed = churn_csv(downloads).set_index("Customer")
    assert len(listed) > 100
    # The facts from the export's own files, read here with pandas.
    customers = pd.read_csv(tmp_path / "customers.csv", dtype=str).set_index("customer_id")
    orders = pd.read_csv(tmp_path / "orders.csv", dtype={"customer_id": str})
    last = orders[orders["order_date"] <= day].groupby("customer_id")["order_date"].max()
    mine = customers.loc[listed.index]
    assert (mine["home_store_id"] == "S01").all()
    assert listed["Store"].tolist() == ["东城店"] * len(listed)
    assert listed["Phone"].astype(str).tolist() == mine["phone"].tolist()
    assert listed["Vehicle"].tolist() == [
        f"{m} · …{v[-6:]}" for m, v in zip(mine["vehicle_model"], mine["vin"])
    ]
    assert listed["Last visit"].tolist() == last.loc[listed.index].tolist()
    roles = {"High": "General manager", "Mid": "Account manager", "Low": "Automated"}
    assert listed["Owner"].tolist() == [roles[lv] for lv in listed["Risk level"]]
    assert set(listed["Due"]) == {(as_of + timedelta(days=7)).isoformat()}
    # The rows drawn: the same customers first, each opening its lookup.
    (table,) = [d.value for d in at.dataframe if "Lookup" in d.value.columns]
    assert table["Customer"].tolist() == listed.index[: len(table)].tolist()
    assert table["Lookup"].tolist() == [f"lookup?lookup_query={c}" for c in table["Customer"]]
    assert (table["Phone"].astype(str) == listed["Phone"].astype(str).iloc[: len(table)].to_numpy()).all()
