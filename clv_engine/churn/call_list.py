"""The call list: expected value per customer, filters, totals, where to stop calling, the
details a store needs to make the call, and the success rates in use (SPEC §3)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clv_engine.churn.calibration import Calibration, p_churn
from clv_engine.churn.order import descending
from clv_engine.churn.rules import INTERVENTIONS, LEVELS, Intervention, _as_float
from clv_engine.churn.signals import CONTRIBUTIONS, contributions_of
from clv_engine.db import Database
from clv_engine.results import success_evidence


def expected_value(
    p_churn: np.ndarray | pd.Series | float,
    success: np.ndarray | pd.Series | float,
    remaining_clv: np.ndarray | pd.Series | float,
    cost: np.ndarray | pd.Series | float,
) -> np.ndarray | float:
    """SPEC §3: P(churn) × success × remaining CLV − cost."""
    value = _as_float(p_churn) * _as_float(success) * _as_float(remaining_clv) - _as_float(cost)
    return float(value) if np.ndim(value) == 0 else value


# -- the call list --------------------------------------------------------------------------

_VALUE_COLUMNS = ("name", "vin", "region", "clv", "p_alive")
# What a ranked list needs of the values (the names and the rest: churn.details, for the rows drawn).
NARROW_VALUE_COLUMNS = ("clv", "p_alive")


def per_level(levels: pd.Series, value: dict, default=np.nan) -> np.ndarray:
    """``value[level]`` for each row (``default`` for a level not in it): one comparison per
    level, where Series.map looks up a million strings one by one."""
    kind = float if isinstance(default, float) else object
    if isinstance(levels.dtype, pd.CategoricalDtype):
        # A scored frame's levels (churn.score_risk): one take by code (-1, missing: the default).
        names = list(levels.cat.categories)
        table = np.array([value.get(name, default) for name in names] + [default], dtype=kind)
        return table[levels.cat.codes.to_numpy()]
    out = np.full(len(levels), default, dtype=kind)
    for level, v in value.items():
        out[(levels == level).to_numpy(dtype=bool)] = v
    return out


def _same_ids(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether ``a`` and ``b`` hold the same customer ids in the same order."""
    x, y = a["customer_id"], b["customer_id"]
    return len(x) == len(y) and bool(x.array.equals(y.array))  # same dtype and values


def _looked_up(frame: pd.DataFrame, other: pd.DataFrame, column: str) -> pd.Series | None:
    """``other[column]`` for each row of ``frame`` by customer id (missing: NA), what a left
    join adds, by Arrow's hash lookup (a quarter of the join's time on a million ids); None
    when the ids are not Arrow text or ``other`` holds an id twice (then: the join)."""
    if _same_ids(frame, other):
        return pd.Series(other[column].array, index=frame.index)
    ids, keys = frame["customer_id"].array, other["customer_id"].array
    if not all(isinstance(a, pd.arrays.ArrowStringArray) for a in (ids, keys, other[column].array)):
        return None
    keys = pa.array(keys)
    if pc.count_distinct(keys, mode="all").as_py() != len(keys):
        return None
    at = pc.index_in(pa.array(ids), value_set=keys)
    return pd.Series(pc.take(pa.array(other[column].array), at).to_pandas(), index=frame.index)


def rfml_tiers(db: Database, as_of: date, store_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """customer_id and RFM+L tier (default rules) of every customer segmentation's
    ``score_customers`` scores: its query with only these two columns brought back (through
    Arrow), a fifth of the time of the whole scores on a million customers. In customer id
    order, the signals' order, so :func:`list_base` puts the tiers beside them without a
    lookup by id (a sort of 0.15 s against a lookup of 0.6 s on a million)."""
    from clv_engine.derived.store import _read_frame
    from clv_engine.segmentation.scoring import score_query

    sql, params = score_query(db, as_of, list(store_ids) if store_ids else None)
    return _read_frame(db, f"SELECT customer_id, tier FROM ({sql}) AS scored ORDER BY customer_id", params)


def list_base(
    signals: pd.DataFrame,
    values: pd.DataFrame,
    tiers: pd.DataFrame | None = None,
    details: pd.DataFrame | None = None,
    value_columns: Sequence[str] = _VALUE_COLUMNS,
) -> pd.DataFrame:
    """The signals with what the call list shows of each customer (the value columns, the tier,
    the call details), joined ONCE on the customer id, for :func:`call_list` with
    ``values=None``: a change of weights or levels then re-scores and ranks without a join.

    Rows stay in the signals' order (left joins keep it); ``attrs["by_id"]`` records that this
    order is ascending customer id (checked here), which lets the ranking break ties by row
    order instead of comparing ids. ``valued`` marks the customers ``values`` holds (the call
    list keeps only those, as its inner join did). ``value_columns``: the value columns kept
    (:data:`NARROW_VALUE_COLUMNS` with no details: a narrow list, its details read for the
    rows drawn, churn.details)."""
    keep = ["customer_id"] + [c for c in value_columns if c in values.columns]
    if _same_ids(signals, values) and not set(keep[1:]) & set(signals.columns):
        # The same customers in the same order (the signals and values SQL keep the same
        # customers, in id order): the left join would put every row against itself.
        frame = signals.reset_index(drop=True)
        for column in keep[1:]:
            frame[column] = values[column].array
        frame["valued"] = np.ones(len(frame), dtype=bool)
    else:
        frame = signals.merge(values[keep].assign(valued=True), on="customer_id", how="left")
        frame["valued"] = frame["valued"].fillna(False).astype(bool)
    looked_up = (
        _looked_up(frame, tiers, "tier") if tiers is not None and "tier" not in frame.columns else None
    )
    if looked_up is not None:
        frame["tier"] = looked_up
    elif tiers is not None:
        frame = frame.merge(tiers[["customer_id", "tier"]], on="customer_id", how="left")
    if details is not None:
        frame = frame.merge(
            details[[c for c in details.columns if c == "customer_id" or c not in frame.columns]],
            on="customer_id",
            how="left",
        )
    for name in ("tier", "home_store_id"):
        if name in frame.columns and not isinstance(frame[name].dtype, pd.CategoricalDtype):
            # A handful of tiers, of stores: codes, so that every ranking takes small
            # integers, not text (ten million store ids taken: 0.4 s; their codes: 0.03 s).
            frame[name] = frame[name].astype("category")
    frame.attrs.update(signals.attrs)
    frame.attrs["by_id"] = bool(frame["customer_id"].is_monotonic_increasing)
    frame.attrs["details"] = details is not None
    return frame


def call_list(
    scored: pd.DataFrame,
    values: pd.DataFrame | None,
    method: str = "calibrated",
    calibration: Calibration | None = None,
    interventions: Sequence[Intervention] = INTERVENTIONS,
    tiers: pd.DataFrame | None = None,
    narrow: bool = False,
) -> pd.DataFrame:
    """Customers with a risk level, ranked by the expected value of their level's intervention.

    ``values`` is clv.customer_values (remaining CLV = its ``clv``); ``tiers`` optional
    (customer_id, tier). Adds p_churn, cost, success, customers_saved (P × success),
    clv_saved (P × success × CLV), expected_value (clv_saved − cost) and rank.
    ``values=None``: ``scored`` was scored from :func:`list_base`, which carries them already.
    ``narrow`` (with ``values=None``): only :data:`NARROW_LIST_COLUMNS` of ``scored`` and
    ``row``, the customer's row in ``scored`` (:func:`with_signals` brings back the rest for
    the rows drawn): what filters, totals, capacity and "where to stop" read.
    """
    by_level = {}
    for i in interventions:
        i.validate()
        by_level[i.level] = i
    missing = [lv for lv in LEVELS if lv not in by_level]
    if missing:
        raise ValueError(f"interventions missing for level(s): {', '.join(missing)}")
    on_list = scored["level"].isin(LEVELS)
    if values is None and scored.attrs.get("by_id"):
        return _ranked_from_base(scored, on_list, method, calibration, by_level, narrow)
    if values is None:
        frame = scored[on_list & scored["valued"]].drop(columns="valued")
    else:
        frame = scored[on_list]
        keep = ["customer_id"] + [c for c in _VALUE_COLUMNS if c in values.columns]
        # customer_id is the primary key of both frames (validating it costs more than the merge).
        frame = frame.merge(values[keep], on="customer_id", how="inner")
        if tiers is not None:
            frame = frame.merge(tiers[["customer_id", "tier"]], on="customer_id", how="left")
    frame["p_churn"] = p_churn(frame, method, calibration)
    frame["cost"] = per_level(frame["level"], {k: v.cost for k, v in by_level.items()})
    frame["success"] = per_level(frame["level"], {k: v.success for k, v in by_level.items()})
    frame["customers_saved"] = frame["p_churn"] * frame["success"]
    frame["clv_saved"] = frame["customers_saved"] * frame["clv"]
    frame["expected_value"] = expected_value(frame["p_churn"], frame["success"], frame["clv"], frame["cost"])
    frame = frame.sort_values(["expected_value", "customer_id"], ascending=[False, True], kind="mergesort")
    frame["rank"] = np.arange(1, len(frame) + 1)
    frame.attrs.update(scored.attrs)
    frame.attrs["method"] = method
    return frame.reset_index(drop=True)


# The columns P(churn) may read (clv_engine.churn.calibration.p_churn) and the value needs.
_RANKING_INPUTS = ("score", "p_alive", "level", "clv")
# What a narrow ranked list keeps of the scored base (with the figures call_list adds): numbers
# and codes. Not the customer id: text, which at ten million costs a quarter second to put in
# order; :func:`with_ids` and :func:`with_signals` take it by ``row`` for the rows drawn.
NARROW_LIST_COLUMNS = ("home_store_id", "tier", "level", "score", "clv", "p_alive")


def _ranked_from_base(
    scored: pd.DataFrame,
    on_list: pd.Series,
    method: str,
    calibration: Calibration | None,
    by_level: dict[str, Intervention],
    narrow: bool = False,
) -> pd.DataFrame:
    """:func:`call_list` on a scored :func:`list_base` (rows in ascending id, values, tier and
    call details on every row): the ranking is computed on the few numeric columns it needs,
    and the wide frame (names, phones, vehicles ...) is taken ONCE, already in rank order, not
    filtered and then sorted (each take of a million wide rows costs about a quarter second)."""
    rows = np.flatnonzero((on_list & scored["valued"]).to_numpy())
    # Columns cut by position as arrays (a frame's take also rebuilds its index and blocks).
    cut = {c: _taken(scored[c], rows) for c in _RANKING_INPUTS if c in scored.columns}
    inputs = pd.DataFrame(cut, copy=False)
    p = p_churn(inputs, method, calibration)
    cost = per_level(inputs["level"], {k: v.cost for k, v in by_level.items()})
    success = per_level(inputs["level"], {k: v.success for k, v in by_level.items()})
    clv_ = inputs["clv"].to_numpy(dtype=float)
    value = expected_value(p, success, clv_, cost)
    # Rows in ascending id: ties in value broken by row, as a stable sort would.
    order = descending(value)
    at = rows[order]
    if narrow:
        return _narrow_ranked(scored, cut, at, order, p[order], by_level, method)
    p, cost, success = p[order], cost[order], success[order]
    figures = {"p_churn": p, "cost": cost, "success": success, "customers_saved": p * success}
    figures["clv_saved"] = figures["customers_saved"] * clv_[order]
    figures |= {"expected_value": value[order], "rank": np.arange(1, len(at) + 1)}
    frame = scored.take(at).drop(columns="valued").reset_index(drop=True)
    for name, column in figures.items():
        frame[name] = column
    frame.attrs.update(scored.attrs)
    frame.attrs["method"] = method
    return frame


def _narrow_ranked(scored, cut, at, order, p, by_level, method) -> pd.DataFrame:
    """The narrow list in rank ``order`` (``p``: P(churn) in it): the ranking's inputs put in
    order from their cut, the other columns taken from the base, the figures made again from
    them (the same, element by element). At ten million each column made here costs about
    0.1 s of fresh memory: as few as can be."""
    columns = {
        c: _reordered(cut[c], order) if c in cut else _taken(scored[c], at)
        for c in NARROW_LIST_COLUMNS
        if c in scored.columns
    }
    levels = pd.Series(columns["level"], copy=False)
    cost = per_level(levels, {k: v.cost for k, v in by_level.items()})
    success = per_level(levels, {k: v.success for k, v in by_level.items()})
    clv_ = pd.Series(columns["clv"], copy=False).to_numpy(dtype=float)
    saved = p * success
    clv_saved = saved * clv_
    # expected_value's (P × success) × CLV − cost, in its order of operations: to the bit.
    figures = {"p_churn": p, "cost": cost, "success": success, "customers_saved": saved}
    figures |= {"clv_saved": clv_saved, "expected_value": clv_saved - cost}
    frame = pd.DataFrame(columns | {"row": at} | figures | {"rank": np.arange(1, len(at) + 1)}, copy=False)
    frame.attrs.update(scored.attrs)
    frame.attrs["method"] = method
    return frame


def _taken(column: pd.Series, at: np.ndarray):
    """The column's values at positions ``at``: a NumPy array for a NumPy column, else its
    own array's take (text, categorical, nullable)."""
    if isinstance(column.dtype, np.dtype):
        return column.to_numpy()[at]
    return column.array.take(at)


def _reordered(values, order: np.ndarray):
    """:func:`_taken`'s array put in ``order`` (a NumPy array, or its own array's take)."""
    return values[order] if isinstance(values, np.ndarray) else values.take(order)


def with_ids(rows: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """Rows of a narrow list with their customer id (first), taken from the scored base by
    ``row``; rows that have it already as they are."""
    if "customer_id" in rows.columns:
        return rows
    ids = _taken(scored["customer_id"], rows["row"].to_numpy())
    out = rows.copy(deep=False)
    out.insert(0, "customer_id", pd.Series(ids, index=rows.index, copy=False))
    return out


def with_signals(rows: pd.DataFrame, scored: pd.DataFrame, db: Database | None = None) -> pd.DataFrame:
    """Rows of a narrow list (``call_list(..., narrow=True)``) with every other column of the
    scored base they were ranked from (the facts and contributions the reasons quote). A base
    kept in the file (churn.kept) has its facts read from ``db`` for these rows only."""
    lazy = scored.attrs.get("kept_facts") or ()
    order = list(scored.attrs["kept_order"]) if lazy else []
    columns = order + [c for c in scored.columns if c not in order]
    computed = list(CONTRIBUTIONS) if scored.attrs.get("lazy_contributions") else []
    if computed:  # where score_risk puts them: before the score
        at_score = columns.index("score")
        columns = columns[:at_score] + computed + columns[at_score:]
    rest = [c for c in columns if c not in rows.columns and c != "valued"]
    at = rows["row"].to_numpy()
    extra = scored[[c for c in rest if c in scored.columns]].take(at).set_axis(rows.index)
    if any(c in rest for c in computed):
        made = contributions_of(scored, at).set_axis(rows.index)
        extra = pd.concat([extra, made[[c for c in computed if c in rest]]], axis=1)
    missing = [c for c in rest if c not in scored.columns and c not in computed]
    if missing:
        if db is None:
            raise ValueError("the facts of a kept churn base are read from its database: pass db")
        from clv_engine.churn.kept import _read_facts

        facts = _read_facts(db, at, missing, scored.attrs.get("kept_nullable", ())).set_axis(rows.index)
        extra = pd.concat([extra, facts], axis=1)
    out = pd.concat([with_ids(rows, scored), extra[[c for c in rest if c != "customer_id"]]], axis=1)
    out.attrs.update(rows.attrs)
    return out


def filter_list(
    frame: pd.DataFrame,
    store_ids: Sequence[str] | None = None,
    tiers: Sequence[str] | None = None,
    levels: Sequence[str] | None = None,
    paying_only: bool = False,
) -> pd.DataFrame:
    """The call list narrowed by home store, tier, level and to positive expected value."""
    mask = np.ones(len(frame), dtype=bool)
    if store_ids:
        mask &= frame["home_store_id"].isin(list(store_ids)).to_numpy()
    if tiers:
        if "tier" not in frame.columns:
            raise ValueError("filtering by tier needs a tier column in the call list")
        mask &= frame["tier"].isin(list(tiers)).to_numpy()
    if levels:
        mask &= frame["level"].isin(list(levels)).to_numpy()
    if paying_only:
        mask &= frame["expected_value"].to_numpy(dtype=float) > 0
    # No filter chosen: the list as it is, not a copy of every row. Only "where acting pays"
    # (the default) on a list ranked by value: its first rows, a slice (no copy either).
    kept = int(mask.sum())
    if kept == len(frame):
        out = frame.reset_index(drop=True)
    elif mask[:kept].all():
        out = frame.iloc[:kept].reset_index(drop=True)
    else:
        out = frame[mask].reset_index(drop=True)
    out.attrs.update(frame.attrs)
    return out


@dataclass(frozen=True)
class ListTotals:
    """Acting on every customer of a list."""

    customers: int
    cost: float
    customers_saved: float  # expected number of customers kept
    clv_saved: float  # expected remaining CLV kept
    net_value: float  # clv_saved − cost

    @property
    def multiple(self) -> float:
        """Benefit/cost multiple: CLV saved / cost (SPEC §5's definition)."""
        return self.clv_saved / self.cost if self.cost > 0 else float("nan")


def list_totals(frame: pd.DataFrame) -> ListTotals:
    cost = float(frame["cost"].sum())
    saved = float(frame["clv_saved"].sum())
    return ListTotals(
        customers=int(len(frame)),
        cost=cost,
        customers_saved=float(frame["customers_saved"].sum()),
        clv_saved=saved,
        net_value=saved - cost,
    )


def best_call_count(frame: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Where to stop calling: the net value of acting on the first n customers of the ranked
    list (n = 1..len) and the n at which it peaks (0 for an empty list)."""
    cumulative = np.cumsum(frame["expected_value"].to_numpy(dtype=float))
    return cumulative, (int(np.argmax(cumulative)) + 1 if len(cumulative) else 0)


def level_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per level: customers, cost, customers saved, CLV saved, multiple (for the table)."""
    rows = []
    # The sums read three numeric columns: a level's rows are cut from those alone, not from
    # every column of a list of half a million customers (names, ids, stores).
    figures = frame[["cost", "customers_saved", "clv_saved"]]
    for level in LEVELS:
        totals = list_totals(figures[(frame["level"] == level).to_numpy(dtype=bool)])
        rows.append(
            {
                "level": level,
                "customers": totals.customers,
                "cost": totals.cost,
                "customers_saved": totals.customers_saved,
                "clv_saved": totals.clv_saved,
                "multiple": totals.multiple,
            }
        )
    return pd.DataFrame(rows)


# -- what a store needs to make the call ----------------------------------------------------

# The list is this week's work: every customer on it is due within a working week of the
# date it is issued (the as-of date), whatever the level. The level decides who calls
# (SPEC §3: a GM call for high risk, an account manager's visit for mid, automated care for low).
DUE_DAYS = 7
OWNER_ROLE: dict[str, str] = {"high": "gm", "mid": "account_manager", "low": "automated"}


def add_call_details(
    frame: pd.DataFrame, details: pd.DataFrame | None, issued_on: date, due_days: int = DUE_DAYS
) -> pd.DataFrame:
    """The call list with phone, last visit, vehicle, store name, owner and due date.

    ``owner`` is the store's account owner when the data has one, else the role the level's
    intervention belongs to (``owner_role``: gm / account_manager / automated).
    ``details=None``: the list came from :func:`list_base` with its details joined already."""
    if details is None:
        out = frame.copy(deep=False)
    else:
        out = frame.drop(columns=[c for c in details.columns if c != "customer_id" and c in frame.columns])
        out = out.merge(details, on="customer_id", how="left")
    due = issued_on + timedelta(days=due_days)
    if isinstance(out["level"].dtype, pd.CategoricalDtype):
        # Scored levels are codes (churn.score_risk): the owner and the due date are codes too
        # (a role per level, one date), not half a million strings and dates built per rerun.
        levels = out["level"].cat
        roles = sorted(set(OWNER_ROLE.values()))
        role_code = [roles.index(OWNER_ROLE[c]) if c in OWNER_ROLE else -1 for c in levels.categories]
        codes = np.array(role_code + [-1], dtype=np.int8)[levels.codes.to_numpy()]
        out["owner_role"] = pd.Categorical.from_codes(codes, categories=roles)
        out["due_on"] = pd.Categorical.from_codes(
            np.zeros(len(out), dtype=np.int8), categories=pd.Index([due], dtype=object)
        )
    else:
        out["owner_role"] = per_level(out["level"], OWNER_ROLE, None)
        out["due_on"] = due
    out.attrs.update(frame.attrs)
    out.attrs["due_days"] = due_days
    return out


_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def list_file_name(prefix: str, store_names: Sequence[str] | None, all_stores: str, on: date) -> str:
    """``prefix_store_date`` (no extension): the store's name, "store+store" for a few, the
    ``all_stores`` words when the list is not narrowed; characters a file name cannot hold
    become "_"."""
    names = [str(n) for n in (store_names or []) if str(n).strip()]
    if not names:
        part = all_stores
    elif len(names) <= 3:
        part = "+".join(names)
    else:
        part = "+".join(names[:3]) + f"+{len(names) - 3}"
    return re.sub("_+", "_", _FILE_UNSAFE.sub("_", f"{prefix}_{part}_{on.isoformat()}")).strip("_.")


# -- measured success in place of the typed one ----------------------------------------------


def measured_interventions(
    interventions: Sequence[Intervention], evidence: Sequence, use_measured: bool = True
) -> tuple[list[Intervention], dict[str, str]]:
    """The interventions with each level's success rate as it will be used, and its source.

    ``evidence`` is clv_engine.results.success_evidence (one MeasuredSuccess per level). A
    level whose evidence is enough (``usable``: the interval of the uplift excludes 0 with
    enough customers in treated and control, the window over) uses the measured rate, clipped
    to 0..100% (a harmful call keeps nobody); the others keep the typed prior.
    Returns (interventions, {level: "measured" | "typed"})."""
    by_level = {e.level: e for e in evidence}
    out, source = [], {}
    for i in interventions:
        e = by_level.get(i.level)
        if use_measured and e is not None and e.usable and np.isfinite(e.measured):
            out.append(Intervention(i.level, i.cost, float(np.clip(e.measured, 0.0, 1.0)), i.lead_months))
            source[i.level] = "measured"
        else:
            out.append(i)
            source[i.level] = "typed"
    return out, source


def interventions_in_use(
    db: Database, interventions: Sequence[Intervention] = INTERVENTIONS
) -> list[Intervention]:
    """The interventions with the measured success rates where the issued lists give enough
    evidence: what the churn page uses by default, so lookup and a newly issued list agree."""
    evidence = success_evidence(db, {i.level: i.success for i in interventions})
    return measured_interventions(interventions, evidence)[0]
