"""Every page, any valid data, any as-of date (issue 12).

Hypothesis draws a dealer's export (a few weeks to fifteen years of orders, data that ended years
ago, one store or no store column, no optional files, zero and negative amounts, channels with
no spend row, a single customer, one-time buyers only), writes it as CSV files and imports it
through ``clv_engine.imports`` as a user would. Every page in ``app_pages/`` (enumerated, so a
new page is covered) is then rendered with AppTest in both languages at as-of dates inside and
outside the data. A render fails on an exception, an error box, the text "Traceback", a "nan" or
"None" shown as a figure or label, or, in Chinese, a message with no Chinese in it.

The suite keeps the example count small; ``scripts/any_data_run.py --examples N`` runs more.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from clv_engine.db import Database
from clv_engine.derived import store as derived_store
from clv_engine.imports import ImportOptions, Source, run_import
from tests.helpers import app_on

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
    stores_file: bool = False  # a stores file with names and regions (one store left without)

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
    stores_file=st.booleans(),
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
            row = {
                "customer_id": cid,
                "order_date": (d.start + timedelta(days=day)).isoformat(),
                "revenue": f"{amount:.2f}",
            }
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
        customers = [
            {"customer_id": f"C{i + 1:04d}", "channel": CHANNELS[int(rng.integers(0, len(CHANNELS)))]}
            for i in range(d.customers)
        ]
        sources.append(Source("customers", _write_csv(folder / "customers.csv", customers)))
    if d.spend_channels:
        months = sorted({date(d.end.year, d.end.month, 1) - timedelta(days=31 * k) for k in range(0, 13)})
        spend = [
            {
                "month": m.replace(day=1).strftime("%Y-%m"),
                "channel": ch,
                "spend": f"{float(rng.integers(0, 50_000)):.0f}",
                "new_customers": int(rng.integers(0, 30)),
            }
            for m in months
            for ch in CHANNELS[: d.spend_channels]
        ]
        sources.append(Source("channel_spend", _write_csv(folder / "channel_spend.csv", spend)))
    if d.stores_file and d.stores != "none":
        stores = [
            {"store_id": "S01", "name": "东城店", "region": "华北", "city": "北京"},
            {"store_id": "S02", "name": "West", "region": "", "city": ""},
        ]
        sources.append(Source("stores", _write_csv(folder / "stores.csv", stores)))
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
            yield from _strings(
                value
                if not isinstance(value, dict)
                else {k: v for k, v in value.items() if k in ("title", "text", "ticktext")}
            )


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
            # A missing number is drawn as "None" by st.dataframe (in English, in any language).
            missing = [str(c) for c in frame.columns if frame[c].dtype.kind in "fc" and frame[c].isna().any()]
            if missing:
                problems.append(f"table shows None for missing numbers in {missing}")
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
    at = app_on(db, timeout=180)
    at.session_state["lang"] = lang
    # The sidebar moves the as-of date to the data's end when the data change; tell it the
    # data are already known so the date chosen here stays.
    at.session_state["_as_of_data_end"] = end
    at.session_state["as_of"] = as_of
    at.run()
    if not at.exception:
        at.switch_page(f"app_pages/{page}.py").run()
    return at


class _Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_and_check_kept(d: Dealer, folder: Path) -> tuple[Path, list[str]]:
    """:func:`build_database`, and what went wrong with the tables an import keeps beside the
    data (clv_engine.derived: built, then the pages' first figures primed): a build that failed
    (the import drops them silently and the pages compute) or a prime that logged a failure.
    With them in place a render at the data's end date reads the kept paths."""
    logged = _Logged()
    logger = logging.getLogger("clv_engine")
    logger.addHandler(logged)
    try:
        db = build_database(d, folder)
    finally:
        logger.removeHandler(logged)
    problems = [f"import logged: {m}" for m in logged.messages]
    database = Database(db)
    try:
        kept = derived_store.stored(database)
        if kept is None:
            problems.append("import: no derived tables kept beside the data")
        elif kept.as_of != d.end:
            problems.append(f"import: derived tables kept for {kept.as_of}, not the data's end {d.end}")
    finally:
        database.close()
    return db, problems


def check_dealer(d: Dealer, folder: Path, pages=PAGES, langs=LANGS, dates: dict | None = None) -> list[str]:
    """Build the dealer's database (its derived tables kept and primed, as an import does) and
    render every page; returns the problems found."""
    db, found = build_and_check_kept(d, folder)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    end = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    con.close()
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


def test_every_page_of_the_app_is_rendered():
    # The pages rendered here are the pages app.py lists (a page added to the app is covered).
    listed = re.findall(r'\("app_pages/(\w+)\.py"', (ROOT / "app.py").read_text())
    assert len(listed) == 14 and sorted(listed) == PAGES


# -- the suite's bounded run ------------------------------------------------------------------


@settings(
    max_examples=6, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
@given(
    d=dealers,
    when=st.sampled_from(("end", "inside", "today", "before_start", "eleven_years_back")),
    lang=st.sampled_from(LANGS),
)
def test_every_page_on_any_data(tmp_path_factory, d, when, lang):
    folder = tmp_path_factory.mktemp("dealer")
    problems = check_dealer(d, folder, langs=(lang,), dates={when: as_of_dates(d)[when]})
    assert not problems, "\n".join(problems)


# -- regressions: each crash or silent drop the property test found --------------------------


def _clean(d: Dealer, tmp_path: Path, page: str, when: str, lang: str = "en") -> AppTest:
    db = build_database(d, tmp_path)
    at = render(db, page, lang, as_of_dates(d)[when], d.end)
    problems = page_problems(at, lang)
    assert not problems, "\n".join(problems)
    return at


BASE = Dealer(
    customers=30,
    history_days=300,
    ended_days_ago=0,
    stores="none",
    one_time_only=False,
    amounts="normal",
    customers_file=False,
    spend_channels=0,
    seed=5,
)


def test_model_page_with_less_than_two_years_of_history(tmp_path):
    # The oldest customer has 300 days: one age to show, so no slider (min = max crashed).
    at = _clean(BASE, tmp_path, "model", "end")
    from wording import t

    assert not [s for s in at.slider if s.key == "model_age"]
    assert t("predictive.map.caption", "en", years=1) in [c.value for c in at.caption]


def test_model_page_with_several_years_keeps_the_age_slider(tmp_path):
    d = Dealer(**{**BASE.__dict__, "history_days": 4 * 365})
    at = _clean(d, tmp_path, "model", "end")
    # Whole years of the oldest customer's age (first order to the as-of date): 1,460 days.
    assert at.slider(key="model_age").max == int(4 * 365 / 365.25) == 3


@pytest.mark.parametrize("lang", LANGS)
def test_segmentation_as_of_more_than_ten_years_back(tmp_path, lang):
    # Fifteen years of data viewed at an as-of date eleven years back: the migration picker's
    # default (a year before) lies more than ten years before today.
    d = Dealer(
        customers=25,
        history_days=15 * 365,
        ended_days_ago=0,
        stores="several",
        one_time_only=False,
        amounts="normal",
        customers_file=False,
        spend_channels=0,
        seed=11,
    )
    at = _clean(d, tmp_path, "segmentation", "eleven_years_back", lang)
    picker = at.date_input(key="seg_mig_from")
    assert picker.value == as_of_dates(d)["eleven_years_back"] - timedelta(days=365)
    assert picker.min <= picker.value


def test_channel_without_a_spend_row(tmp_path):
    # Four acquisition channels, spend for only the first: the others have no CAC and no band.
    d = Dealer(
        customers=40,
        history_days=3 * 365,
        ended_days_ago=0,
        stores="one",
        one_time_only=False,
        amounts="normal",
        customers_file=True,
        spend_channels=1,
        seed=3,
    )
    at = _clean(d, tmp_path, "channels", "end")
    table = next(df.value for df in at.dataframe if "Verdict" in df.value.columns).set_index("Channel")
    # The channels without a spend row have no CAC and no verdict, shown as a dash.
    assert list(table.loc[["event", "online", "walk_in"], "Verdict"]) == ["—"] * 3
    assert list(table.loc[["event", "online", "walk_in"], "CAC"]) == ["—"] * 3


def test_cohort_years_with_no_completed_year(tmp_path):
    # Sixty days of data: no customer has completed a year, the years table is empty and typed
    # (the cumulative sum ran on object columns and crashed the channels page).
    from clv_engine import cohorts
    from clv_engine.db import Database

    d = Dealer(
        customers=10,
        history_days=60,
        ended_days_ago=0,
        stores="none",
        one_time_only=False,
        amounts="normal",
        customers_file=True,
        spend_channels=2,
        seed=4,
    )
    db = Database(build_database(d, tmp_path))
    years = cohorts.cohort_years(db, d.end, "channel")
    assert years.empty
    assert years["cumulative_gp"].dtype == float and years["year"].dtype == "int64"
    _clean(d, tmp_path / "page", "channels", "end")


@pytest.mark.parametrize("lang", LANGS)
def test_segmentation_without_a_store_column_explains(tmp_path, lang):
    at = _clean(BASE, tmp_path, "segmentation", "end", lang)
    from wording import t

    infos = [i.value for i in at.info]
    assert t("seg.no_store", lang) in infos and t("seg.by.none.home_store_id", lang) in infos
    assert not [s for s in at.selectbox if s.key and s.key.startswith("seg_pick_")]


def test_segmentation_with_one_store_compares_it(tmp_path):
    d = Dealer(**{**BASE.__dict__, "stores": "one"})
    at = _clean(d, tmp_path, "segmentation", "end")
    # A store named only by the orders is shown by its code (no empty region after it).
    assert at.selectbox(key="seg_pick_home_store_id").options == ["S01"]
    # Stores named only by the orders have no region: the region view says so.
    at.radio(key="seg_by.en").set_value("region").run()
    from wording import t

    assert t("seg.by.none.region", "en") in [i.value for i in at.info]
    assert not page_problems(at, "en")


def test_zero_amount_customers_stay_in_the_visit_model(tmp_path):
    # 30 paying customers, 5 whose every order is free (warranty work, a free check) and 2
    # with refunds only. A visit is an order day of any non-negative amount: the free ones are
    # in the visit model with their own frequency and recency, out of the spend model with a
    # count; the refund-only ones are counted on the page. Model + refunds-only = customers.
    from clv_engine.db import Database
    from clv_engine.predictive import rfm_summary
    from wording import t

    end = date.today()
    rng = np.random.default_rng(8)
    rows, days_of = [], {}
    for i in range(37):
        cid = f"C{i:02d}"
        visits = 1 if i >= 35 else int(rng.integers(1, 8))
        days = sorted({int(x) for x in rng.integers(0, 900, size=visits)})
        days_of[cid] = days
        for day in days:
            amount = 0.0 if 30 <= i < 35 else (-150.0 if i >= 35 else round(float(rng.lognormal(7, 0.6)), 2))
            rows.append(
                {
                    "customer_id": cid,
                    "order_date": (end - timedelta(days=day)).isoformat(),
                    "revenue": f"{amount:.2f}",
                }
            )
    db_path = tmp_path / "zero.duckdb"
    run_import(
        [Source("orders", _write_csv(tmp_path / "orders.csv", rows))], db_path, ImportOptions(today=end)
    )

    summary = rfm_summary(Database(db_path), end, time_unit_days=1).set_index("customer_id")
    assert sorted(summary.index) == [f"C{i:02d}" for i in range(35)]
    for i in range(30, 35):  # free customers: frequency and recency from their own days
        days = days_of[f"C{i}"]
        assert summary.loc[f"C{i}", "frequency"] == len(days) - 1
        assert summary.loc[f"C{i}", "recency"] == max(days) - min(days)
    free_repeaters = sum(len(days_of[f"C{i}"]) > 1 for i in range(30, 35))
    assert free_repeaters > 0

    at = render(db_path, "model", "zh", end, end)
    assert not page_problems(at, "zh")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("predictive.m.customers", "zh")] == "35"
    assert t("predictive.refunds_only", "zh", n="2") in [c.value for c in at.caption]
    assert t("predictive.note.left_out", "zh", n=free_repeaters) in [w.value for w in at.warning]


def test_channel_spend_without_any_customer_channel(tmp_path):
    # A spend file but no customers file: no customer has a channel (the column reads as
    # float) and the merges with the spend table's channels crashed the page.
    d = Dealer(
        customers=1,
        history_days=3133,
        ended_days_ago=0,
        stores="none",
        one_time_only=False,
        amounts="normal",
        customers_file=False,
        spend_channels=1,
        seed=55106,
    )
    _clean(d, tmp_path, "channels", "end", "zh")


def test_combine_channel_table_with_no_channel_known():
    from clv_engine import channels as ch

    ltv = pd.DataFrame(
        {"channel": [np.nan], "customers": [3], "ltv": [900.0], "total_ltv": [2700.0], "annual_gp": [300.0]}
    )
    cac = pd.DataFrame({"channel": ["referral"], "spend": [1000.0], "new_customers": [4], "cac": [250.0]})
    table = ch.combine_channel_table(ltv, cac).set_index("channel", drop=False)
    assert table.loc["referral", "customers"] == 0 and table.loc["referral", "cac"] == 250.0
    unknown = table[table["channel"].isna()].iloc[0]
    assert unknown["customers"] == 3 and np.isnan(unknown["cac"]) and not isinstance(unknown["band"], str)


def test_churn_level_table_with_no_multiple(tmp_path):
    # One customer over three years: a level with no cost has no benefit/cost multiple, which
    # the table drew as "None".
    d = Dealer(
        customers=1,
        history_days=1095,
        ended_days_ago=0,
        stores="none",
        one_time_only=False,
        amounts="normal",
        customers_file=False,
        spend_channels=0,
        seed=0,
    )
    at = _clean(d, tmp_path, "churn", "end", "zh")
    table = next(df.value for df in at.dataframe if "倍数" in df.value.columns)
    assert "—" in set(table["倍数"])


@pytest.mark.parametrize("lang", LANGS)
def test_model_page_when_the_drops_lookback_starts_before_the_data(tmp_path, lang):
    # Two weeks of data viewed a week in: the P(alive) drops compare with 90 days earlier, when
    # no customer had an order yet; the empty "before" (ids of no type) crashed Arrow's lookup
    # (found by scripts/any_data_run.py --seed 2026).
    d = Dealer(**{**BASE.__dict__, "customers": 22, "history_days": 14, "seed": 0})
    at = _clean(d, tmp_path, "model", "inside", lang)
    assert at.metric  # the page was drawn


def test_alive_drops_with_no_customer_at_the_earlier_date(tmp_path):
    from clv_engine import predictive
    from clv_engine.db import Database

    d = Dealer(**{**BASE.__dict__, "customers": 22, "history_days": 14, "seed": 0})
    db = Database(build_database(d, tmp_path))
    model = predictive.fit_predictive_model(db, d.start + timedelta(days=7))
    drops = predictive.p_alive_drops(db, model, lookback_days=90)
    assert drops.empty and list(drops.columns) == predictive.DROP_COLUMNS
    # A lookback inside the data still compares the customers seen at both dates.
    assert set(predictive.p_alive_drops(db, model, lookback_days=3, top=None)["customer_id"]) <= set(
        model.summary["customer_id"]
    )
