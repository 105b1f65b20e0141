"""Every page, any valid data, any as-of date (issue 12).

Hypothesis draws a dealer's export (a few weeks to fifteen years of orders, data that ended years
ago, one store or no store column, no optional files, zero and negative amounts, channels with
no spend row, a single customer, one-time buyers only), writes it as CSV files and imports it
through ``clv_engine.importer`` as a user would. Every page in ``app_pages/`` (enumerated, so a
new page is covered) is then rendered with AppTest in both languages at as-of dates inside and
outside the data. A render fails on an exception, an error box, the text "Traceback", a "nan" or
"None" shown as a figure or label, or, in Chinese, a message with no Chinese in it.

The suite keeps the example count small; ``scripts/any_data_run.py --examples N`` runs more.
"""
from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from clv_engine.importer import ImportOptions, Source, run_import

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
LANGS = ("en", "zh")
CHANNELS = ("referral", "online", "walk_in", "event")


# -- the data a dealer might import -----------------------------------------------------------

@dataclass(frozen=True)
class Dealer:
    """What to generate; ``seed`` draws the rows. Printed by Hypothesis when a case fails."""

    customers: int
    history_days: int  # first order to last order
    ended_days_ago: int  # last order to today
    stores: str  # none | one | several
    one_time_only: bool
    amounts: str  # normal | with_zero_and_negative | all_zero_some
    customers_file: bool  # a customers file with a channel column
    spend_channels: int  # channels with a spend row (the rest have none); 0 = no spend file
    seed: int

    @property
    def end(self) -> date:
        return date.today() - timedelta(days=self.ended_days_ago)

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.history_days)


dealers = st.builds(
    Dealer,
    customers=st.one_of(st.just(1), st.integers(2, 40)),
    history_days=st.one_of(st.integers(14, 90), st.integers(91, 3 * 365), st.integers(3 * 365, 15 * 365)),
    ended_days_ago=st.one_of(st.just(0), st.integers(1, 60), st.integers(365, 8 * 365)),
    stores=st.sampled_from(("none", "one", "several")),
    one_time_only=st.booleans(),
    amounts=st.sampled_from(("normal", "with_zero_and_negative", "all_zero_some")),
    customers_file=st.booleans(),
    spend_channels=st.integers(0, len(CHANNELS)),
    seed=st.integers(0, 2**31 - 1),
)


def _orders(d: Dealer) -> list[dict]:
    rng = np.random.default_rng(d.seed)
    rows = []
    for i in range(d.customers):
        cid = f"C{i + 1:04d}"
        visits = 1 if d.one_time_only else int(rng.integers(1, 12))
        days = sorted(int(x) for x in rng.integers(0, d.history_days + 1, size=visits))
        if i == 0:  # the data reach from start to end
            days[0] = 0
        if i == d.customers - 1:
            days[-1] = d.history_days
        zero_customer = d.amounts == "all_zero_some" and i % 3 == 1
        for day in days:
            amount = round(float(rng.lognormal(7, 1)), 2)
            if zero_customer:
                amount = 0.0
            elif d.amounts == "with_zero_and_negative":
                amount = float(rng.choice([amount, amount, 0.0, -round(amount / 3, 2)]))
            row = {"customer_id": cid, "order_date": (d.start + timedelta(days=day)).isoformat(),
                   "revenue": f"{amount:.2f}"}
            if d.stores == "one":
                row["store_id"] = "S01"
            elif d.stores == "several":
                row["store_id"] = f"S0{1 + int(rng.integers(0, 3))}"
            rows.append(row)
    return rows


def _write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def build_database(d: Dealer, folder: Path) -> Path:
    """Write the dealer's CSV files and import them; returns the database path."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(d.seed + 1)
    sources = [Source("orders", _write_csv(folder / "orders.csv", _orders(d)))]
    if d.customers_file:
        customers = [{"customer_id": f"C{i + 1:04d}", "channel": CHANNELS[int(rng.integers(0, len(CHANNELS)))]}
                     for i in range(d.customers)]
        sources.append(Source("customers", _write_csv(folder / "customers.csv", customers)))
    if d.spend_channels:
        months = sorted({date(d.end.year, d.end.month, 1) - timedelta(days=31 * k) for k in range(0, 13)})
        spend = [{"month": m.replace(day=1).strftime("%Y-%m"), "channel": ch,
                  "spend": f"{float(rng.integers(0, 50_000)):.0f}", "new_customers": int(rng.integers(0, 30))}
                 for m in months for ch in CHANNELS[: d.spend_channels]]
        sources.append(Source("channel_spend", _write_csv(folder / "channel_spend.csv", spend)))
    target = folder / "dealer.duckdb"
    run_import(sources, target, ImportOptions(today=date.today()))
    return target


def as_of_dates(d: Dealer) -> dict[str, date]:
    """As-of dates inside and outside the data."""
    dates = {
        "end": d.end,
        "inside": d.start + timedelta(days=d.history_days // 2),
        "today": date.today(),
        "before_start": d.start - timedelta(days=30),
        "eleven_years_back": d.end - timedelta(days=11 * 365),
    }
    return dates


# -- what a page shows -----------------------------------------------------------------------

_WORD_NAN = re.compile(r"(?<![A-Za-z])(nan|NaN|None|NaT|inf)(?![A-Za-z])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MESSAGE_TYPES = ("error", "warning", "info", "success", "exception")


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _strings(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _strings(value)


def _chart_strings(spec: str):
    """Labels in a Plotly figure: category values, names, titles, texts (not numbers)."""
    fig = json.loads(spec)
    for trace in fig.get("data", []):
        for key in ("x", "y", "labels", "text", "name", "hovertext"):
            if key in trace:
                values = trace[key]
                if isinstance(values, dict):  # typed array: numbers only
                    continue
                yield from (v for v in _strings(values))
    layout = fig.get("layout", {})
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis", "title", "annotations", "legend")):
            yield from _strings(value if not isinstance(value, dict) else {k: v for k, v in value.items()
                                                                          if k in ("title", "text", "ticktext")})


def page_problems(at: AppTest, lang: str) -> list[str]:
    """Everything wrong with what the page shows (empty when the render is clean)."""
    problems = [f"exception: {e.message}" for e in at.exception]
    problems += [f"error box: {e.value}" for e in at.error]
    texts: list[tuple[str, str]] = []
    for node in _walk(at._tree):
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if kind == "plotly_chart":
            texts += [("chart", s) for s in _chart_strings(proto.spec)]
            continue
        if kind in ("arrow_data_frame", "dataframe", "table"):
            try:
                frame = node.value
            except Exception:  # pragma: no cover - an element AppTest cannot read
                continue
            texts += [("table header", str(c)) for c in frame.columns]
            for col in frame.columns:
                if frame[col].dtype == object or str(frame[col].dtype).startswith(("str", "string")):
                    texts += [("table cell", v) for v in frame[col].dropna().unique() if isinstance(v, str)]
            continue
        for attr in ("value", "label", "body", "help"):
            value = getattr(node, attr, None)
            if isinstance(value, str) and value:
                texts.append((kind, value))
    for kind, text in texts:
        if "Traceback" in text:
            problems.append(f"{kind} shows a traceback: {text[:200]!r}")
        match = _WORD_NAN.search(text)
        if match:
            problems.append(f"{kind} shows {match.group(0)!r}: {text[:200]!r}")
        if "Page not found" in text:
            problems.append(f"{kind}: {text[:200]!r}")
    if lang == "zh":
        for kind in MESSAGE_TYPES[:-1]:
            for element in getattr(at, kind):
                if not _CJK.search(str(element.value)):
                    problems.append(f"{kind} in English in Chinese mode: {str(element.value)[:200]!r}")
    return problems


def render(db: Path, page: str, lang: str, as_of: date, end: date) -> AppTest:
    """Run app.py on ``db`` at ``as_of`` and switch to ``page``."""
    os.environ["CLV_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = lang
    # The sidebar moves the as-of date to the data's end when the data change; tell it the
    # data are already known so the date chosen here stays.
    at.session_state["_as_of_data_end"] = end
    at.session_state["as_of"] = as_of
    at.run()
    if not at.exception:
        at.switch_page(f"app_pages/{page}.py").run()
    return at


def check_dealer(d: Dealer, folder: Path, pages=PAGES, langs=LANGS, dates: dict | None = None) -> list[str]:
    """Build the dealer's database and render every page; returns the problems found."""
    db = build_database(d, folder)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    end = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    con.close()
    found = []
    for when, as_of in (dates or as_of_dates(d)).items():
        for lang in langs:
            for page in pages:
                try:
                    at = render(db, page, lang, as_of, end)
                    problems = page_problems(at, lang)
                except Exception as error:  # a crash of AppTest itself (timeout, ...)
                    problems = [f"render failed: {type(error).__name__}: {error}"]
                found += [f"{page} [{lang}, as-of {when} {as_of}]: {p}" for p in dict.fromkeys(problems)]
    return found


# -- the suite's bounded run ------------------------------------------------------------------

@settings(max_examples=3, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(d=dealers, when=st.sampled_from(("end", "inside", "today", "before_start", "eleven_years_back")),
       lang=st.sampled_from(LANGS))
def test_every_page_on_any_data(tmp_path_factory, d, when, lang):
    folder = tmp_path_factory.mktemp("dealer")
    problems = check_dealer(d, folder, langs=(lang,), dates={when: as_of_dates(d)[when]})
    assert not problems, "\n".join(problems)
