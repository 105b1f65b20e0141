"""What is due from the vehicle: the next service, the first service of a new car, and the end of
the factory warranty (the moment to offer an extended one).

- A service is an order of kind ``maintenance``. The next one is due ``interval_months`` after
  the last; where the orders carry the odometer (``orders.mileage``) and the last two services
  show a pace (km per day), also when the car reaches ``interval_km`` more, whichever comes
  first (the reminder rule of "12 months or 10,000 km").
- A car with no service yet is due its first service ``first_service_months`` after purchase.
- The factory warranty ends ``warranty_years`` after purchase; in the last ``offer_months``
  before that, an owner without an extended warranty is offered one.

Every parameter is a bound ``?``; the store scope filters on the customer's home store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from clv_engine.db import Database

BASES = ("time", "mileage", "first_service")


@dataclass(frozen=True)
class ServiceRules:
    interval_months: int = 12  # time between services
    interval_km: float = 10_000.0  # distance between services, where the orders carry mileage
    first_service_months: int = 3  # first service after the purchase of a new car
    horizon_days: int = 30  # due within this many days from the as-of date (and overdue)
    max_overdue_days: int = 180  # further overdue than this is a lapsed customer, not "due"
    warranty_years: int = 3  # factory warranty from the purchase date
    offer_months: int = 3  # offer an extended warranty in these months before it ends

    def validate(self) -> None:
        for name in ("interval_months", "first_service_months", "warranty_years", "offer_months"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.interval_km <= 0:
            raise ValueError(f"interval_km must be positive, got {self.interval_km}")
        if self.horizon_days < 0 or self.max_overdue_days < 0:
            raise ValueError("horizon_days and max_overdue_days must not be negative")


def table_columns(db: Database, table: str) -> set[str]:
    """The columns ``table`` has in this file (a file written before a column was added lacks it)."""
    frame = db.query_df(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?",
        [table],
    )
    return set(frame["column_name"])


def _scope(store_ids: Sequence[str] | None) -> tuple[str, list]:
    if not store_ids:
        return "", []
    return f" AND c.home_store_id IN ({', '.join('?' for _ in store_ids)})", list(store_ids)


# The last two service days of every customer (``last2``): computed from the orders, or read
# from ``derived_service`` (clv_engine.derived.service) where the file keeps them for the date.
_LAST2 = """s AS (  -- services to the as-of date; one per day (two lines of one visit)
    SELECT customer_id, order_date, max({mileage}) AS mileage
    FROM orders, p
    WHERE kind = 'maintenance' AND order_date <= p.as_of
    GROUP BY customer_id, order_date
),
top2 AS (  -- the two latest service days (a top-2 aggregate: no sort of every service)
    SELECT customer_id, max_by({{'d': order_date, 'km': mileage}}, order_date, 2) AS top
    FROM s GROUP BY customer_id
),
last2 AS (
    SELECT customer_id,
           top[1].d AS last_service, top[1].km AS last_km,
           top[2].d AS prev_service, top[2].km AS prev_km
    FROM top2
),
"""
_KEPT_LAST2 = """last2 AS (SELECT crow, customer_id, last_service, last_km, prev_service, prev_km FROM {table}),
"""

# Each car's due date from its time rule and, where the odometer tells, its mileage rule
# (the earlier wins; a car never serviced: its first service), over a CTE ``v`` of cars
# with purchase_date, last_service and km_per_day, and ``p`` the rules.
_DUE = """d AS (
    SELECT v.*,
           CASE WHEN last_service IS NULL THEN CAST(purchase_date + to_months(p.first_months) AS DATE)
                ELSE CAST(last_service + to_months(p.months) AS DATE) END AS time_due,
           CASE WHEN km_per_day > 0
                THEN last_service + CAST(ceil(p.km / km_per_day) AS INTEGER) END AS km_due
    FROM v, p
),
e AS (
    SELECT d.*,
           CASE WHEN last_service IS NULL THEN 'first_service'
                WHEN km_due < time_due THEN 'mileage' ELSE 'time' END AS basis,
           CASE WHEN km_due < time_due THEN km_due ELSE time_due END AS due_date
    FROM d
)"""

_SERVICE_LIST_KEPT = (
    """
WITH p AS (
    SELECT CAST(? AS DATE) AS as_of, CAST(? AS INTEGER) AS months, CAST(? AS DOUBLE) AS km,
           CAST(? AS INTEGER) AS first_months, CAST(? AS INTEGER) AS horizon, CAST(? AS INTEGER) AS overdue
),
{last2}v AS (
    SELECT c.customer_id, c.name, c.phone, c.home_store_id, c.vehicle_model, c.vin, c.purchase_date,
           l.last_service, l.last_km,
           -- km per day between the last two services (only when the odometer went up)
           CASE WHEN l.last_km > l.prev_km AND l.last_service > l.prev_service
                THEN (l.last_km - l.prev_km) / date_diff('day', l.prev_service, l.last_service) END AS km_per_day
    FROM customers c
    LEFT JOIN last2 l USING (customer_id)
    CROSS JOIN p
    WHERE c.purchase_date <= p.as_of {scope}
),
"""
    + _DUE
    + """
SELECT e.customer_id, e.name, e.phone, e.home_store_id, st.name AS store_name, e.vehicle_model, e.vin,
       e.purchase_date, e.last_service, e.last_km, e.km_per_day, e.basis, e.due_date,
       date_diff('day', p.as_of, e.due_date) AS days_to_due
FROM e CROSS JOIN p
LEFT JOIN stores st ON st.store_id = e.home_store_id
WHERE e.due_date <= p.as_of + p.horizon AND e.due_date >= p.as_of - p.overdue
"""
)
_SERVICE_LIST = _SERVICE_LIST_KEPT.replace("{last2}", _LAST2)
SERVICE_SQL = _SERVICE_LIST + "ORDER BY e.due_date, e.customer_id\n"


# The list's first rows in the same order, with the totals of the whole list on each row (one
# pass: a long list's hundred thousand rows are counted in DuckDB, not brought to pandas).
def _top(list_sql: str) -> str:
    return (
        "WITH l AS MATERIALIZED (" + list_sql + "),\n"
        "t AS (SELECT count(*) AS n_due, count(*) FILTER (WHERE days_to_due < 0) AS n_overdue,\n"
        "             count(last_km) AS n_km FROM l),\n"
        "f AS (SELECT * FROM l ORDER BY due_date, customer_id LIMIT ?)\n"
        "-- the totals always (one row of NULLs beside them when no row is asked for or due)\n"
        "SELECT f.*, t.* FROM t LEFT JOIN f ON TRUE\n"
        "ORDER BY f.due_date, f.customer_id\n"
    )


SERVICE_TOP_SQL = _top(_SERVICE_LIST)


def _list_sql(db: Database, as_of: date, has_mileage: bool) -> str:
    """The list's SQL: the last two service days read from ``derived_service`` where the file
    keeps them for ``as_of`` (clv_engine.derived.service), else computed from the orders."""
    from clv_engine.derived import service as kept  # the derived package reads this module

    found = kept.kept_table(db, as_of, has_mileage)
    if found is None:
        return _SERVICE_LIST
    table, by_row = found
    sql = _SERVICE_LIST_KEPT.replace("{last2}", _KEPT_LAST2.replace("{table}", table))
    if by_row:  # the customers' row numbers, not their text ids (clv_engine.derived.service)
        sql = sql.replace("LEFT JOIN last2 l USING (customer_id)", "LEFT JOIN last2 l ON l.crow = c.rowid")
    return sql


# The kept list joined on the customers' row numbers (unscoped): numbers only (row number,
# dates, odometer) for every car due, counted there; the text of a customer (id, name, phone,
# vehicle, store) read only for the rows of the earliest due dates that can be shown.
_KEPT_BY_ROW_TOP = (
    """
WITH p AS (
    SELECT CAST(? AS DATE) AS as_of, CAST(? AS INTEGER) AS months, CAST(? AS DOUBLE) AS km,
           CAST(? AS INTEGER) AS first_months, CAST(? AS INTEGER) AS horizon, CAST(? AS INTEGER) AS overdue
),
v AS (
    SELECT c.rowid AS crow, c.purchase_date, l.last_service, l.last_km,
           CASE WHEN l.last_km > l.prev_km AND l.last_service > l.prev_service
                THEN (l.last_km - l.prev_km) / date_diff('day', l.prev_service, l.last_service) END AS km_per_day
    FROM customers c
    LEFT JOIN {table} l ON l.crow = c.rowid
    CROSS JOIN p
    WHERE c.purchase_date <= p.as_of {scope}
      -- only cars whose due date can fall in the window (loose day bounds: _window_bounds)
      AND ((l.last_service IS NULL AND c.purchase_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE))
           OR l.last_service >= CAST(? AS DATE))
),
"""
    + _DUE
    + """,
l AS MATERIALIZED (
    SELECT e.crow, e.purchase_date, e.last_service, e.last_km, e.km_per_day, e.basis, e.due_date,
           date_diff('day', p.as_of, e.due_date) AS days_to_due
    FROM e CROSS JOIN p
    WHERE e.due_date <= p.as_of + p.horizon AND e.due_date >= p.as_of - p.overdue
),
t AS (SELECT count(*) AS n_due, count(*) FILTER (WHERE days_to_due < 0) AS n_overdue,
             count(last_km) AS n_km FROM l),
cut AS (SELECT max(due_date) AS last_day FROM (SELECT due_date FROM l ORDER BY due_date LIMIT ?)),
f AS (
    SELECT c.customer_id, c.name, c.phone, c.home_store_id, st.name AS store_name, c.vehicle_model, c.vin,
           l.purchase_date, l.last_service, l.last_km, l.km_per_day, l.basis, l.due_date, l.days_to_due
    FROM l JOIN customers c ON c.rowid = l.crow
    LEFT JOIN stores st ON st.store_id = c.home_store_id
    WHERE l.due_date <= (SELECT last_day FROM cut)
    ORDER BY l.due_date, c.customer_id
    LIMIT ?
)
SELECT f.*, t.* FROM t LEFT JOIN f ON TRUE
ORDER BY f.due_date, f.customer_id
"""
)


def _window_bounds(as_of: date, rules: ServiceRules) -> list[date]:
    """Day bounds wider than the window's (a month is 28 to 31 days, a month's end clips by
    at most 3): the purchase days of a car with no service whose first service can fall in the
    window, and the earliest last service of a car whose next one can (a due date is at most
    its time rule's; the list's own filter then applies exactly)."""
    low = as_of - timedelta(days=rules.max_overdue_days)
    high = as_of + timedelta(days=rules.horizon_days)
    first = rules.first_service_months
    return [
        low - timedelta(days=31 * first + 5),
        high - timedelta(days=max(27 * first - 5, 0)),
        low - timedelta(days=31 * rules.interval_months + 5),
    ]


def _top_sql(db: Database, as_of: date, has_mileage: bool, rules: ServiceRules) -> tuple[str, list]:
    """:func:`_top` of :func:`_list_sql`, or the kept list by row number (numbers first, the
    text of the shown rows only); and the parameters it takes after the scope's, but the limit."""
    from clv_engine.derived import service as kept  # the derived package reads this module

    found = kept.kept_table(db, as_of, has_mileage)
    if found is not None and found[1]:
        return _KEPT_BY_ROW_TOP.replace("{table}", found[0]), _window_bounds(as_of, rules)
    return _top(_list_sql(db, as_of, has_mileage)), []


def _service_params(as_of: date, rules: ServiceRules, extra: list) -> list:
    return [
        as_of,
        rules.interval_months,
        float(rules.interval_km),
        rules.first_service_months,
        rules.horizon_days,
        rules.max_overdue_days,
        *extra,
    ]


def _service_dates(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("purchase_date", "last_service", "due_date"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def service_due(
    db: Database, as_of: date, store_ids: Sequence[str] | None = None, rules: ServiceRules = ServiceRules()
) -> pd.DataFrame:
    """One row per car due a service within ``horizon_days`` (or overdue up to ``max_overdue_days``).

    ``days_to_due`` is negative when overdue; ``basis`` says which rule set the date (time,
    mileage or first_service). ``attrs["has_mileage"]``: whether the orders carry the odometer.
    """
    rules.validate()
    has_mileage = "mileage" in table_columns(db, "orders")
    scope, extra = _scope(store_ids)
    sql = (_list_sql(db, as_of, has_mileage) + "ORDER BY e.due_date, e.customer_id\n").format(
        mileage="mileage" if has_mileage else "CAST(NULL AS DOUBLE)", scope=scope
    )
    frame = _service_dates(db.query_df(sql, _service_params(as_of, rules, extra)))
    frame.attrs["has_mileage"] = has_mileage
    return frame


@dataclass(frozen=True)
class DueSummary:
    """The service list as a page shows it: its first rows and the whole list's totals."""

    first: pd.DataFrame  # the first ``limit`` rows of service_due, in its order and columns
    rows: int  # cars on the whole list
    overdue: int  # of which overdue (days_to_due < 0)
    with_km: int  # of which with a last odometer reading
    has_mileage: bool  # whether the orders carry the odometer

    def counts(self) -> dict[str, int]:
        """As ``due_counts`` of the whole list."""
        return {"overdue": self.overdue, "upcoming": self.rows - self.overdue}


def service_due_first(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: ServiceRules = ServiceRules(),
    limit: int = 1_000,
) -> DueSummary:
    """The first ``limit`` rows of :func:`service_due` and the totals of all of it, in one
    query (a million customers' list has some 200,000 cars; a page shows the first ones)."""
    rules.validate()
    has_mileage = "mileage" in table_columns(db, "orders")
    scope, extra = _scope(store_ids)
    top, bounds = _top_sql(db, as_of, has_mileage, rules)
    sql = top.format(mileage="mileage" if has_mileage else "CAST(NULL AS DOUBLE)", scope=scope)
    limits = [int(limit)] * (2 if bounds else 1)
    frame = db.query_df(sql, [*_service_params(as_of, rules, extra), *bounds, *limits])
    total = [int(frame[c].iloc[0]) for c in ("n_due", "n_overdue", "n_km")]
    first = frame.drop(columns=["n_due", "n_overdue", "n_km"])
    if first["customer_id"].isna().any():  # only the totals' row: no row shown
        first = first.iloc[:0]
    first = _service_dates(first.reset_index(drop=True))
    first.attrs["has_mileage"] = has_mileage
    return DueSummary(first, total[0], total[1], total[2], has_mileage)


WARRANTY_SQL = """
WITH p AS (SELECT CAST(? AS DATE) AS as_of, CAST(? AS INTEGER) AS years, CAST(? AS INTEGER) AS offer),
w AS (
    SELECT c.customer_id, c.name, c.phone, c.home_store_id, c.vehicle_model, c.vin, c.purchase_date,
           CAST(c.purchase_date + to_years(p.years) AS DATE) AS warranty_end
    FROM customers c, p
    WHERE c.purchase_date <= p.as_of {scope}
)
SELECT w.customer_id, w.name, w.phone, w.home_store_id, st.name AS store_name, w.vehicle_model, w.vin,
       w.purchase_date, w.warranty_end, date_diff('day', p.as_of, w.warranty_end) AS days_left
FROM w CROSS JOIN p
LEFT JOIN stores st ON st.store_id = w.home_store_id
WHERE w.warranty_end > p.as_of
  AND CAST(w.warranty_end - to_months(p.offer) AS DATE) <= p.as_of
  AND w.customer_id NOT IN ({extended})
ORDER BY w.warranty_end, w.customer_id
"""


def _extended(db: Database, as_of: date, params: list) -> str:
    """The SQL of the customers holding an extended warranty bought by ``as_of`` (its parameter
    appended to ``params``); none when the file has no warranties table."""
    if "warranties" not in db.tables():
        return "SELECT CAST(NULL AS VARCHAR) WHERE false"
    params.append(as_of)
    return "SELECT customer_id FROM warranties WHERE sold_date <= ?"


def warranty_offers(
    db: Database, as_of: date, store_ids: Sequence[str] | None = None, rules: ServiceRules = ServiceRules()
) -> pd.DataFrame:
    """Owners whose factory warranty ends within ``offer_months`` and who hold no extended warranty
    bought by the as-of date: the moment to offer one. ``days_left`` to the end of the warranty."""
    rules.validate()
    scope, extra = _scope(store_ids)
    params: list = [as_of, rules.warranty_years, rules.offer_months, *extra]
    extended = _extended(db, as_of, params)
    frame = db.query_df(WARRANTY_SQL.format(scope=scope, extended=extended), params)
    for col in ("purchase_date", "warranty_end"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


# WARRANTY_SQL's first rows and its length, in one query: the ids and dates of every offer
# counted in DuckDB, the text of a customer (name, phone, vehicle, store) read for the rows shown.
WARRANTY_TOP_SQL = """
WITH p AS (SELECT CAST(? AS DATE) AS as_of, CAST(? AS INTEGER) AS years, CAST(? AS INTEGER) AS offer),
w AS (
    SELECT c.customer_id, c.purchase_date, CAST(c.purchase_date + to_years(p.years) AS DATE) AS warranty_end
    FROM customers c, p
    WHERE c.purchase_date <= p.as_of {scope}
      AND c.purchase_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)  -- loose: _offer_bounds
),
l AS MATERIALIZED (
    SELECT w.customer_id, w.purchase_date, w.warranty_end
    FROM w CROSS JOIN p
    WHERE w.warranty_end > p.as_of
      AND CAST(w.warranty_end - to_months(p.offer) AS DATE) <= p.as_of
      AND w.customer_id NOT IN ({extended})
),
t AS (SELECT count(*) AS n_offers FROM l),
f AS (SELECT * FROM l ORDER BY warranty_end, customer_id LIMIT ?)
SELECT c.customer_id, c.name, c.phone, c.home_store_id, st.name AS store_name, c.vehicle_model, c.vin,
       f.purchase_date, f.warranty_end, date_diff('day', p.as_of, f.warranty_end) AS days_left, t.n_offers
FROM t CROSS JOIN p
LEFT JOIN f ON TRUE
LEFT JOIN (SELECT * FROM customers WHERE purchase_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)) c
    ON c.customer_id = f.customer_id
LEFT JOIN stores st ON st.store_id = c.home_store_id
ORDER BY f.warranty_end, f.customer_id
"""


def _offer_bounds(as_of: date, rules: ServiceRules) -> list[date]:
    """Purchase days wider than those of a warranty ending after ``as_of`` and offered by then
    (a year is 365 or 366 days, a month 28 to 31; the list's own filter then applies exactly)."""
    years, offer = rules.warranty_years, rules.offer_months
    return [
        as_of - timedelta(days=366 * years + 5),
        as_of - timedelta(days=365 * years - 31 * offer - 5),
    ]


def warranty_offers_first(
    db: Database,
    as_of: date,
    store_ids: Sequence[str] | None = None,
    rules: ServiceRules = ServiceRules(),
    limit: int = 1_000,
) -> tuple[pd.DataFrame, int]:
    """The first ``limit`` rows of :func:`warranty_offers` and how many offers there are in
    all, in one query (a page shows the first ones; the whole list is built for a download)."""
    rules.validate()
    scope, extra = _scope(store_ids)
    params: list = [as_of, rules.warranty_years, rules.offer_months, *extra]
    extended = _extended(db, as_of, params)
    bounds = _offer_bounds(as_of, rules)
    sql_params = [*params[:3], *extra, *bounds, *params[3 + len(extra) :], int(limit), *bounds]
    frame = db.query_df(WARRANTY_TOP_SQL.format(scope=scope, extended=extended), sql_params)
    rows = int(frame["n_offers"].iloc[0])
    first = frame.drop(columns=["n_offers"])
    if first["customer_id"].isna().any():  # only the count's row: no offer shown
        first = first.iloc[:0]
    first = first.reset_index(drop=True)
    for col in ("purchase_date", "warranty_end"):
        first[col] = pd.to_datetime(first[col]).dt.date
    return first, rows


def due_counts(due: pd.DataFrame) -> dict[str, int]:
    """Cars overdue, and due within the horizon, from a service_due frame."""
    overdue = int((due["days_to_due"] < 0).sum())
    return {"overdue": overdue, "upcoming": int(len(due) - overdue)}
