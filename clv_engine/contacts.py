"""Closing the loop, part one: issued call lists, their control groups, and what was done.

When a call list is issued, every customer on it is recorded with what the list predicted
(P(churn), success, remaining CLV, cost, expected value), and a random share of each risk
level is held out as a control group: they are not called, so their return rate is what the
others would have done without a call. The draw is seeded by the list id, so anyone can redo
it from the stored list and get the same control group (:func:`holdout_mask`).

A contact is one thing done for one customer: a call, a visit or a message, by an owner, on a
date, at a cost, with an outcome. Contacts are recorded on the page or read from a CRM export
(:func:`read_contacts_file`); every bad cell is reported with its row and column and nothing
is written until the rows are clean.

Everything is written through ``Database.write_transaction()``: all or nothing.
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from clv_engine.cells import as_date, is_blank
from clv_engine.db import Database, apply_schema
from clv_engine.errors import InputError, declare
from clv_engine.imports.read import ImportFileError, load_raw, quote_ident

CHANNELS: tuple[str, ...] = ("call", "visit", "message")
OUTCOMES: tuple[str, ...] = ("reached", "booked", "came_back", "declined", "unreachable")
# A contact "reached" the customer unless nobody answered (declined is reached, and said no).
NOT_REACHED = "unreachable"
LEVELS: tuple[str, ...] = ("high", "mid", "low")  # the churn levels, one intervention each

DEFAULT_HOLDOUT = 0.10
DEFAULT_WINDOW_DAYS = 90
MAX_TEXT = 120

# Column lists and codes: tables, kept compact as written.
# fmt: off
MEMBER_COLUMNS = ["list_id", "customer_id", "store_id", "rank", "level", "control", "p_churn",
                  "success", "clv", "cost", "expected_value"]
CONTACT_COLUMNS = ["contact_id", "list_id", "customer_id", "contact_date", "store_id", "channel",
                   "intervention", "owner", "outcome", "cost"]
# The columns a contacts file must have, and those it may have.
REQUIRED_IN_FILE = ("customer_id", "contact_date", "outcome")
OPTIONAL_IN_FILE = ("channel", "owner", "cost", "store_id", "intervention", "contact_id")


CODES = declare("contacts", "bad_holdout", "bad_window", "empty_list", "missing_columns", "duplicate_customers",
                "missing", "too_long", "duplicate_contacts")
# fmt: on


class ContactError(InputError):
    """Input that cannot be stored: ``ContactError("missing", field=...)`` raises the declared
    code ``contacts.missing``; the page says it with wording.errors.explain."""

    def __init__(self, name: str, **details: object) -> None:
        super().__init__(CODES[name], **details)

    @property
    def detail(self) -> dict[str, object]:
        return self.details


@dataclass(frozen=True)
class Problem:
    """One bad cell of a contacts file or table: the row as the user sees it, the column, why."""

    row: int
    column: str
    code: str  # missing | bad_date | future_date | bad_choice | bad_number | negative | unknown_customer | too_long
    value: str


# -- the hold-out ----------------------------------------------------------------------------


def list_seed(list_id: str) -> int:
    """A 64-bit seed from the list id (the same id gives the same draw on any machine)."""
    return int.from_bytes(hashlib.sha256(str(list_id).encode("utf-8")).digest()[:8], "big")


def holdout_mask(
    list_id: str, customer_ids: Sequence[str], levels: Sequence[str], share: float
) -> np.ndarray:
    """True for the customers held out as control: round(share × n) of each level, at random.

    Drawn level by level so every intervention has its own control group. The draw depends
    only on the list id and the set of (customer, level) pairs, not on the order they come in.
    """
    if not 0 <= share < 1:
        raise ContactError("bad_holdout", share=share)
    ids = np.asarray(customer_ids, dtype=object)
    lv = np.asarray(levels, dtype=object)
    mask = np.zeros(len(ids), dtype=bool)
    rng = np.random.default_rng(list_seed(list_id))
    for level in sorted(set(lv.tolist())):
        where = np.flatnonzero(lv == level)
        where = where[np.argsort(ids[where].astype(str), kind="stable")]
        k = int(round(share * len(where)))
        if k:
            mask[where[rng.permutation(len(where))[:k]]] = True
    return mask


# -- issuing a list ----------------------------------------------------------------------------


def issue_call_list(
    db: Database,
    ranked: pd.DataFrame,
    issued_on: date,
    name: str,
    holdout_share: float = DEFAULT_HOLDOUT,
    window_days: int = DEFAULT_WINDOW_DAYS,
    p_method: str | None = None,
    list_id: str | None = None,
) -> str:
    """Record ``ranked`` (churn.call_list, possibly filtered) as an issued list; returns its id.

    ``ranked`` needs customer_id, level, p_churn, success, clv, cost, expected_value (and
    home_store_id, rank when there). The hold-out is drawn here and stored with the members.
    """
    name = _text(name, "name", required=True)
    if not isinstance(window_days, (int, np.integer)) or window_days < 1:
        raise ContactError("bad_window", days=window_days)
    if ranked.empty:
        raise ContactError("empty_list")
    missing = [
        c
        for c in ("customer_id", "level", "p_churn", "success", "clv", "cost", "expected_value")
        if c not in ranked.columns
    ]
    if missing:
        raise ContactError("missing_columns", columns=", ".join(missing))
    if ranked["customer_id"].duplicated().any():
        raise ContactError("duplicate_customers")
    list_id = list_id or str(uuid.uuid4())
    members = pd.DataFrame(
        {
            "list_id": list_id,
            "customer_id": ranked["customer_id"].astype(str).to_numpy(),
            "store_id": ranked["home_store_id"].to_numpy() if "home_store_id" in ranked else None,
            "rank": ranked["rank"].to_numpy() if "rank" in ranked else np.arange(1, len(ranked) + 1),
            "level": ranked["level"].astype(str).to_numpy(),
            "control": holdout_mask(
                list_id, ranked["customer_id"].astype(str), ranked["level"].astype(str), holdout_share
            ),
        }
    )
    for column in ("p_churn", "success", "clv", "cost", "expected_value"):
        members[column] = ranked[column].to_numpy(dtype=float)
    now = datetime.now().replace(microsecond=0)
    with db.write_transaction() as con:
        apply_schema(con)  # a file written before this feature gets the tables here
        con.execute(
            "INSERT INTO call_lists VALUES (?, ?, ?, ?, ?, ?, ?)",
            [list_id, name, issued_on, now, float(holdout_share), int(window_days), p_method],
        )
        con.register("members_df", members[MEMBER_COLUMNS])
        con.execute(
            f"INSERT INTO call_list_members ({', '.join(MEMBER_COLUMNS)}) "
            f"SELECT {', '.join(MEMBER_COLUMNS)} FROM members_df"
        )
        con.unregister("members_df")
    return list_id


def list_call_lists(db: Database) -> pd.DataFrame:
    """Issued lists, newest first, with their member and control counts."""
    columns = [
        "list_id",
        "name",
        "issued_on",
        "issued_at",
        "holdout_share",
        "window_days",
        "members",
        "controls",
    ]
    if "call_lists" not in db.tables():
        return pd.DataFrame(columns=columns)
    return db.query_df(
        "SELECT l.list_id, l.name, l.issued_on, l.issued_at, l.holdout_share, l.window_days, "
        "count(m.customer_id) AS members, count(*) FILTER (WHERE m.control) AS controls "
        "FROM call_lists l LEFT JOIN call_list_members m USING (list_id) "
        "GROUP BY ALL ORDER BY l.issued_at DESC, l.name"
    )


def list_members(db: Database, list_id: str) -> pd.DataFrame:
    """The members of one list in rank order, with each one's latest recorded contact."""
    if "call_list_members" not in db.tables():
        return pd.DataFrame(columns=MEMBER_COLUMNS)
    return db.query_df(
        """
        SELECT m.*, c.contact_id, c.contact_date, c.channel, c.owner, c.outcome, c.cost AS contact_cost
        FROM call_list_members m
        LEFT JOIN (
            SELECT * FROM contacts WHERE list_id = ?
            QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY contact_date DESC, contact_id DESC) = 1
        ) c USING (customer_id)
        WHERE m.list_id = ?
        ORDER BY m.rank, m.customer_id
        """,
        [list_id, list_id],
    )


# -- contacts ----------------------------------------------------------------------------------


def _text(value: object, field: str, required: bool = False) -> str | None:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()
    if not text:
        if required:
            raise ContactError("missing", field=field)
        return None
    if len(text) > MAX_TEXT:
        raise ContactError("too_long", field=field, limit=MAX_TEXT)
    return text


def _parse_date(value: object) -> date | None:
    if (day := as_date(value)) is not None:
        return day
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 8 else None
    except ValueError:
        try:
            parts = [int(p) for p in text.split("-")]
            return date(*parts[:3]) if len(parts) >= 3 else None
        except (ValueError, TypeError):
            return None


def check_contacts(
    rows: pd.DataFrame,
    known_customers: set[str] | None = None,
    today: date | None = None,
    first_row: int = 2,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Clean contact rows and the problems of the bad ones (a bad row is left out, never guessed).

    ``rows`` has at least customer_id, contact_date, outcome; channel defaults to call, cost
    to 0. Row numbers count from ``first_row`` (2: a file's first data row under its header),
    or come from a ``_row`` column when there is one.
    """
    today = today or date.today()
    problems: list[Problem] = []
    clean = []
    numbers = (
        rows["_row"].tolist() if "_row" in rows.columns else list(range(first_row, first_row + len(rows)))
    )
    for number, record in zip(numbers, rows.to_dict("records")):
        contact, bad = _check_row(int(number), record, known_customers, today)
        problems.extend(bad)
        if not bad:
            clean.append(contact)
    frame = pd.DataFrame(clean, columns=[c for c in CONTACT_COLUMNS if c != "list_id"])
    return frame, problems


def _check_row(
    number: int, row: dict, known_customers: set[str] | None, today: date
) -> tuple[dict, list[Problem]]:
    """One row as a contact, or the problems that keep it out."""
    bad = []
    customer = row.get("customer_id")
    if is_blank(customer):
        bad.append(Problem(number, "customer_id", "missing", ""))
    elif known_customers is not None and str(customer).strip() not in known_customers:
        bad.append(Problem(number, "customer_id", "unknown_customer", str(customer)))
    raw_date = row.get("contact_date")
    when = None
    if is_blank(raw_date):
        bad.append(Problem(number, "contact_date", "missing", ""))
    else:
        when = _parse_date(raw_date)
        if when is None:
            bad.append(Problem(number, "contact_date", "bad_date", str(raw_date)))
        elif when > today:
            bad.append(Problem(number, "contact_date", "future_date", str(raw_date)))
    outcome = row.get("outcome")
    if is_blank(outcome):
        bad.append(Problem(number, "outcome", "missing", ""))
    elif str(outcome).strip().lower() not in OUTCOMES:
        bad.append(Problem(number, "outcome", "bad_choice", str(outcome)))
    channel = row.get("channel")
    channel = "call" if is_blank(channel) else str(channel).strip().lower()
    if channel not in CHANNELS:
        bad.append(Problem(number, "channel", "bad_choice", channel))
    intervention = row.get("intervention")
    intervention = None if is_blank(intervention) else str(intervention).strip().lower()
    if intervention is not None and intervention not in LEVELS:
        bad.append(Problem(number, "intervention", "bad_choice", intervention))
    cost, cost_problem = _cost(row.get("cost"))
    if cost_problem:
        bad.append(Problem(number, "cost", cost_problem, str(row.get("cost"))))
    texts = {}
    for column in ("owner", "store_id", "contact_id"):
        value = row.get(column)
        texts[column] = None if is_blank(value) else str(value).strip()
        if texts[column] is not None and len(texts[column]) > MAX_TEXT:
            bad.append(Problem(number, column, "too_long", texts[column][:20] + "…"))
    contact = {
        "contact_id": texts["contact_id"],
        "customer_id": None if is_blank(customer) else str(customer).strip(),
        "contact_date": when,
        "store_id": texts["store_id"],
        "channel": channel,
        "intervention": intervention,
        "owner": texts["owner"],
        "outcome": None if is_blank(outcome) else str(outcome).strip().lower(),
        "cost": cost,
    }
    return contact, bad


def _cost(value: object) -> tuple[float, str | None]:
    """A cost in CNY (blank: 0) and the problem code if it is not a non-negative number."""
    if is_blank(value):
        return 0.0, None
    try:
        cost = float(str(value).replace(",", "").replace("¥", "").strip())
    except ValueError:
        return 0.0, "bad_number"
    if not np.isfinite(cost):
        return 0.0, "bad_number"
    if cost < 0:
        return 0.0, "negative"
    return cost, None


def save_contacts(db: Database, contacts: pd.DataFrame, list_id: str | None = None) -> int:
    """Store clean contacts (from :func:`check_contacts`); returns how many were written.

    A contact with an id that is already stored replaces it (a corrected outcome); a contact
    without an id gets one. Members of ``list_id`` take their level's intervention and their
    home store when the row leaves them blank.
    """
    if contacts.empty:
        return 0
    frame = contacts.copy()
    frame["list_id"] = list_id
    ids = frame["contact_id"].where(frame["contact_id"].notna(), None).tolist()
    frame["contact_id"] = [i if i else str(uuid.uuid4()) for i in ids]
    if frame["contact_id"].duplicated().any():
        raise ContactError("duplicate_contacts")
    for column in CONTACT_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame["contact_date"] = pd.to_datetime(frame["contact_date"]).dt.date
    frame["cost"] = frame["cost"].astype(float)
    frame = frame[CONTACT_COLUMNS].astype(
        {c: object for c in CONTACT_COLUMNS if c not in ("cost", "contact_date")}
    )
    with db.write_transaction() as con:
        apply_schema(con)
        con.register("contacts_df", frame)
        con.execute("DELETE FROM contacts WHERE contact_id IN (SELECT contact_id FROM contacts_df)")
        con.execute(
            f"""
            INSERT INTO contacts ({", ".join(CONTACT_COLUMNS)})
            SELECT c.contact_id, c.list_id, c.customer_id, CAST(c.contact_date AS DATE),
                   coalesce(c.store_id, m.store_id), c.channel, coalesce(c.intervention, m.level),
                   c.owner, c.outcome, c.cost
            FROM contacts_df c
            LEFT JOIN call_list_members m ON m.list_id = c.list_id AND m.customer_id = c.customer_id
            """
        )
        con.unregister("contacts_df")
    return len(frame)


def page_contact_id(list_id: str, customer_id: str) -> str:
    """The id of the contact a store manager marks on the page: one per member and list, so
    marking the row again corrects it instead of adding a second contact."""
    return f"{list_id}:{customer_id}"


# -- contacts from a CRM export ------------------------------------------------------------------

# Headers a CRM export may use for each field (lower case; English and Chinese).
HEADERS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer_id", "customer id", "customer", "客户编号", "客户id", "客户"),
    "contact_date": ("contact_date", "date", "contact date", "联系日期", "日期"),
    "outcome": ("outcome", "result", "结果", "联系结果"),
    "channel": ("channel", "渠道", "方式", "联系方式"),
    "owner": ("owner", "agent", "负责人", "跟进人"),
    "cost": ("cost", "成本", "费用"),
    "store_id": ("store_id", "store", "门店", "门店编号"),
    "intervention": ("intervention", "干预", "干预措施"),
    "contact_id": ("contact_id", "contact id", "联系编号"),
}


@dataclass
class ContactsFile:
    """A contacts export read and checked: clean rows, problems, and the columns it lacks."""

    file: str
    rows: int
    clean: pd.DataFrame
    problems: list[Problem]
    missing_columns: list[str]


def read_contacts_file(
    path: str | Path,
    known_customers: set[str] | None = None,
    today: date | None = None,
    file_name: str | None = None,
) -> ContactsFile:
    """Read a CSV / Excel contacts export with the importer's reader, map its headers and check
    every row. Raises ImportFileError for a file that cannot be read at all."""
    path = Path(path)
    shown = file_name or path.name
    con = duckdb.connect()
    try:
        with tempfile.TemporaryDirectory() as work:
            try:
                raw = load_raw(con, path, "contacts", Path(work))
            except ImportFileError as error:
                error.file = shown
                raise
            by_header = {h.strip().lower(): h for h in raw.headers}
            mapping = {}
            for field, names in HEADERS.items():
                for name in names:
                    if name in by_header:
                        mapping[field] = by_header[name]
                        break
            missing = [f for f in REQUIRED_IN_FILE if f not in mapping]
            if missing:
                return ContactsFile(shown, raw.rows, pd.DataFrame(columns=CONTACT_COLUMNS), [], missing)
            select = ", ".join(f"{quote_ident(h)} AS {f}" for f, h in mapping.items())
            rows = con.execute(f"SELECT _row, {select} FROM {raw.view} ORDER BY _row").df()
    finally:
        con.close()
    clean, problems = check_contacts(rows, known_customers, today)
    return ContactsFile(shown, len(rows), clean, problems, [])


def known_customer_ids(db: Database) -> set[str]:
    return set(db.query_df("SELECT customer_id FROM customers")["customer_id"].astype(str))


# -- outcomes marked on the page -------------------------------------------------------------

EDITABLE = ("contact_date", "channel", "outcome", "owner", "cost")


def edited_contacts(rows: pd.DataFrame, edited_rows: dict, list_id: str) -> pd.DataFrame:
    """The rows a store manager changed in the page's table, as contacts to check and save.

    ``rows`` is the table shown (customer_id plus the EDITABLE columns, positional index);
    ``edited_rows`` is the editor's {row position: {column: new value}}. A row counts when
    its outcome is set after the edits; its id is :func:`page_contact_id`, so marking a row
    again replaces the earlier mark.
    """
    out = []
    for position, changes in sorted((int(k), v) for k, v in (edited_rows or {}).items()):
        if not 0 <= position < len(rows):
            continue
        row = rows.iloc[position].to_dict()
        row.update({k: v for k, v in changes.items() if k in EDITABLE})
        if is_blank(row.get("outcome")):
            continue
        row["contact_id"] = page_contact_id(list_id, str(row["customer_id"]))
        out.append({k: row.get(k) for k in ("contact_id", "customer_id") + EDITABLE})
    return pd.DataFrame(out, columns=["contact_id", "customer_id", *EDITABLE])


def contacts_template(members: pd.DataFrame) -> pd.DataFrame:
    """The treated members of a list in the layout :func:`read_contacts_file` reads back:
    fill in date, channel, outcome, owner and cost and import it."""
    treated = members[~members["control"].astype(bool)]
    return pd.DataFrame(
        {
            "customer_id": treated["customer_id"].to_numpy(),
            "store_id": treated["store_id"].to_numpy(),
            "intervention": treated["level"].to_numpy(),
            "contact_date": None,
            "channel": None,
            "outcome": None,
            "owner": None,
            "cost": None,
        }
    )
