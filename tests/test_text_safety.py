"""Customer text reaches the screen as text; a page error reaches the reader as a short message.

A database whose customer ids and names, store names and regions, vehicle models, VINs,
channel codes and order kinds are Markdown links and images, HTML tags, bare URLs and
spreadsheet formulas is rendered page by page (AppTest): no Markdown element (title, caption,
alert, metric, label, tab, expander, radio option) holds an unescaped link, image or tag, and
no Plotly chart holds an HTML link. tests/browser/test_browser_text_safety.py checks the DOM
of a real browser on the same database.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from pathlib import Path

import duckdb
import pytest
from google.protobuf.json_format import MessageToDict

from sample_data.generate import generate
from tests.helpers import ROOT, run_app
from ui.safe import RAISE_ENV, WORD_JOINER, md, plot_text

EVIL = [
    "![i](http://evil.example/x.png)",
    "[link](http://evil.example)",
    '<a href="http://evil.example">x</a>',
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://evil.example")',
    "http://evil.example/bare",
    "www.evil.example",
    "x@evil.example",
]
# The customer the lookup test opens: its id and its name are both links.
EVIL_ID = "[id](http://evil.example/id)"
PAGES = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "app_pages").glob("*.py"))

# What a Markdown renderer would turn into a link, an image or a tag. An escaped mark (\] \(
# \<) is literal text. Autolinks (http://, www., name@host) are found after the escapes are
# resolved (Streamlit's renderer does), so they are looked for in the unescaped text.
UNSAFE_MARKUP = [
    re.compile(r"(?<!\\)\]\([^)]*evil", re.I),  # [x](http://evil…) and ![x](…)
    re.compile(r"(?<!\\)<\s*(?:a|img)\b", re.I),  # raw HTML
]
UNSAFE_AUTOLINK = [re.compile(r"https?://", re.I), re.compile(r"www\.", re.I), re.compile(r"[-.\w+]@[-\w]")]


def markdown_unsafe(text: str) -> bool:
    resolved = re.sub(r"\\(.)", r"\1", text)
    return any(p.search(text) for p in UNSAFE_MARKUP) or any(p.search(resolved) for p in UNSAFE_AUTOLINK)


# Plotly draws <a href> in any label, legend or hover text.
UNSAFE_PLOTLY = re.compile(r"<\s*(?:a|img)\b", re.I)


def build_evil_database(path: Path, customers: int = 400, seed: int = 11) -> Path:
    """The sample data with customer and imported text replaced by hostile strings."""
    generate(customers, seed, path)
    con = duckdb.connect(str(path))
    try:
        stores = [r[0] for r in con.execute("SELECT store_id FROM stores ORDER BY store_id").fetchall()]
        for i, store in enumerate(stores):
            con.execute(
                "UPDATE stores SET name = ?, region = ? WHERE store_id = ?",
                [EVIL[i % len(EVIL)], EVIL[(i + 3) % len(EVIL)], store],
            )
        # One store id is hostile too (it shows where a store has no name).
        evil_store = "[store](http://evil.example/s)"
        for table in ("stores", "store_kpis"):
            con.execute(f"UPDATE {table} SET store_id = ? WHERE store_id = ?", [evil_store, stores[0]])
        for table, column in (
            ("customers", "home_store_id"),
            ("orders", "store_id"),
            ("complaints", "store_id"),
            ("appointments", "store_id"),
        ):
            con.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [evil_store, stores[0]])

        # Names, models and VINs of every customer; the ids of a few (one with a rich history).
        con.execute(
            "UPDATE customers SET name = list_extract(?, (hash(customer_id) % ?)::INTEGER + 1), "
            "vehicle_model = list_extract(?, (hash(vin) % ?)::INTEGER + 1), vin = ? || customer_id",
            [EVIL, len(EVIL), EVIL, len(EVIL), EVIL[4]],
        )
        busiest = [
            r[0]
            for r in con.execute(
                "SELECT customer_id FROM orders GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT ?",
                [len(EVIL) + 1],
            ).fetchall()
        ]
        for old, new in zip(busiest, [EVIL_ID] + EVIL, strict=True):
            for table, column in (
                ("customers", "customer_id"),
                ("orders", "customer_id"),
                ("warranties", "customer_id"),
                ("referrals", "referrer_id"),
                ("referrals", "referred_id"),
                ("complaints", "customer_id"),
                ("event_attendance", "customer_id"),
                ("competitor_sightings", "customer_id"),
                ("appointments", "customer_id"),
            ):
                con.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [new, old])
        con.execute("UPDATE customers SET name = ? WHERE customer_id = ?", [EVIL[1], EVIL_ID])

        # Channel codes (customers and spend) and one order kind are the dealer's own words.
        channels = [
            r[0] for r in con.execute("SELECT DISTINCT channel FROM channel_spend ORDER BY 1").fetchall()
        ]
        for i, code in enumerate(channels[:3]):
            for table in ("customers", "channel_spend"):
                con.execute(f"UPDATE {table} SET channel = ? WHERE channel = ?", [EVIL[i + 1], code])
        con.execute("UPDATE orders SET kind = ? WHERE kind = 'accessories'", [EVIL[2]])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def evil_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_evil_database(tmp_path_factory.mktemp("evil") / "evil.duckdb")


# -- the escaping helpers -----------------------------------------------------------------
@pytest.mark.parametrize("text", EVIL + [EVIL_ID, ":red[x] $x$ **b** # h", "a\n![i](http://evil.example)"])
def test_md_leaves_no_markdown_syntax(text):
    escaped = md(text)
    assert not markdown_unsafe(escaped), escaped
    # Removing the escapes and word joiners gives back the text (line breaks are spaces).
    assert re.sub(r"\\(.)", r"\1", escaped).replace(WORD_JOINER, "") == text.replace("\n", " ")


def test_md_keeps_chinese_and_plain_words():
    assert md("王伟 Li Na 3") == "王伟 Li Na 3"
    assert md(None) == ""


def test_plot_text_escapes_tags():
    assert (
        plot_text('<a href="http://evil.example">x</a> & co')
        == '&lt;a href="http://evil.example"&gt;x&lt;/a&gt; &amp; co'
    )
    assert plot_text("王伟") == "王伟"


# -- every page on the hostile database ---------------------------------------------------------
def _strings(value, skip=()):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in skip:
                yield from _strings(v, skip)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, skip)


# Widget values and selectbox options are plain text to Streamlit, never Markdown.
PLAIN_FIELDS = {
    "selectbox": {"options", "default", "value", "rawValue", "rawValues"},
    "multiselect": {"options", "default", "value", "rawValues"},
    "textInput": {"value", "default"},
    "textArea": {"value", "default"},
    "arrowDataFrame": {"data", "columns"},
    "dataframe": {"data", "columns"},
}


def _elements(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _elements(child)
    proto = getattr(node, "proto", None)
    if proto is not None and not isinstance(children, dict):
        yield proto


def unsafe_parts(at) -> list[str]:
    found = []
    for proto in _elements(at._tree):
        data = MessageToDict(proto)
        kind = type(proto).__name__
        if kind == "PlotlyChart" or "spec" in data:
            spec = json.loads(data.get("spec", "{}"))
            found += [f"plotly: {s}" for s in _strings(spec) if UNSAFE_PLOTLY.search(s)]
            continue
        skip = set().union(
            *(fields for name, fields in PLAIN_FIELDS.items() if name.lower() in kind.lower()), {"data"}
        )
        for s in _strings(data, skip):
            if markdown_unsafe(s):
                found.append(f"{kind}: {s}")
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_no_page_draws_customer_text_as_markup(evil_db, page, lang):
    at = run_app(evil_db, f"app_pages/{page}.py", lang=lang)
    assert unsafe_parts(at) == []


def test_lookup_of_a_hostile_customer(evil_db):
    at = run_app(evil_db, "app_pages/lookup.py")
    at.text_input(key="lookup_query").set_value(EVIL_ID).run()
    assert not at.exception, [e.message for e in at.exception]
    shown = " ".join(s.value for s in at.subheader)
    assert md(EVIL_ID) in shown  # the page did open that customer
    assert unsafe_parts(at) == []


def test_segmentation_by_region_and_store(evil_db):
    at = run_app(evil_db, "app_pages/segmentation.py")
    assert unsafe_parts(at) == []
    radio = next(r for r in at.radio if "seg_by" in str(r.key))
    radio.set_value("region").run()
    assert not at.exception
    assert unsafe_parts(at) == []


def test_the_checker_finds_raw_text():
    """The page checks above can fail: raw customer text in Markdown and Plotly is found."""
    from streamlit.testing.v1 import AppTest

    def script():
        import plotly.graph_objects as go
        import streamlit as st

        st.caption("[link](http://evil.example)")
        st.plotly_chart(go.Figure(go.Bar(x=['<a href="http://evil.example">x</a>'], y=[1])))

    at = AppTest.from_function(script).run()
    found = unsafe_parts(at)
    assert any(f.startswith("plotly") for f in found) and any(
        "link" in f and "plotly" not in f for f in found
    )


# -- errors: a short message with an id, the trace in the server log ---------------------------
def test_config_hides_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # "none": no type, message or traceback in the browser; "false" would still show the trace.
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("lang, words", [("en", "error id"), ("zh", "错误编号")])
def test_a_page_error_shows_an_id_and_logs_the_trace(sample_db_path, monkeypatch, caplog, lang, words):
    import ui.drill

    def broken(ctx, day):
        raise RuntimeError("/srv/secret/path/clv.duckdb is broken")

    monkeypatch.delenv(RAISE_ENV, raising=False)
    monkeypatch.setattr(ui.drill, "values_on", broken)  # the overview's first read of the data
    with caplog.at_level(logging.ERROR, logger="clv.app"):
        at = run_app(sample_db_path, "app_pages/overview.py", lang=lang)  # asserts no exception shown
    messages = [e.value for e in at.error]
    assert len(messages) == 1 and words in messages[0]
    assert "secret" not in messages[0] and "Traceback" not in messages[0]
    error_id = re.search(r"[0-9a-f]{8}", messages[0]).group()
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info and "secret" in str(logged[0].exc_info[1])


def test_streamlit_control_flow_is_not_an_exception():
    """st.stop, st.rerun and st.switch_page raise these; run_page catches Exception only, so
    they pass through. If Streamlit ever made them Exceptions, run_page must re-raise them."""
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    assert not issubclass(StopException, Exception) and not issubclass(RerunException, Exception)


def test_streamlit_control_flow_still_works(sample_db_path, monkeypatch):
    """st.stop (lookup without a query) and st.switch_page pass through the error wrapper."""
    monkeypatch.delenv(RAISE_ENV, raising=False)
    at = run_app(sample_db_path, "app_pages/lookup.py")
    assert not at.error
    assert [i.value for i in at.info]  # the prompt, then st.stop()


def test_evaluator_charts_show_typed_names_as_text():
    """Cost line and group names are typed (or come from a link): no HTML in the charts."""
    import dataclasses

    from clv_engine import evaluation as ev
    from clv_engine.evaluation import CostLine, CustomerGroup
    from wording import report

    p = dataclasses.replace(
        ev.preset("mobile_van"),
        cost_lines=(CostLine(EVIL[2], 100_000, "upfront"), CostLine("Labour", 20_000, "yearly")),
        groups=(CustomerGroup(EVIL[3], 500, 2_000.0),),
    )
    a = ev.analyse_programme(p, draws=200)
    for fig in (
        report.waterfall_figure(a.evaluation, "en"),
        report.tornado_figure(p, a.tornado, a.spread, "en"),
    ):
        strings = list(_strings(json.loads(fig.to_json())))
        assert not [s for s in strings if UNSAFE_PLOTLY.search(s)]
        assert any(plot_text(EVIL[2]) in s for s in strings)


@pytest.mark.parametrize("dim", ["channel", "region", "vehicle_model"])
def test_channel_cohorts_by_hostile_names(evil_db, dim):
    at = run_app(evil_db, "app_pages/channels.py")
    at.segmented_control(key="ch_cohort_dim.en").set_value(dim).run()
    assert not at.exception, [e.message for e in at.exception]
    assert unsafe_parts(at) == []


# -- every file a page hands out, on the hostile database ----------------------------------------
# A cell a spreadsheet would run: it starts (after any blanks) with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# The hostile names again, with line breaks that would start a new row or a formula line.
BROKEN = ["ok\r\n=1+1", "a\n@SUM(1)", "b\r+cmd|' /C calc'!A0"]
# The files of customers each page hands out by default (the tier movers: issue 12's plain to_csv).
CUSTOMER_FILES = {"segmentation": "tier_down_", "churn": "churn_call_list_", "actions": "service_due_"}


@pytest.fixture(scope="module")
def broken_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_evil_database(tmp_path_factory.mktemp("broken") / "broken.duckdb", customers=300, seed=12)
    con = duckdb.connect(str(path))
    try:  # every third customer's name has a line break before a formula
        con.execute(
            "UPDATE customers SET name = list_extract(?, (hash(customer_id) % 3)::INTEGER + 1) "
            "WHERE hash(customer_id) % 3 = 0",
            [BROKEN],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def _text_is_safe(text: str) -> bool:
    return not text.lstrip(" \u3000").startswith(FORMULA_STARTS) and not re.search("[\r\n\v\f]", text)


@pytest.mark.parametrize("page", PAGES)
def test_every_download_neutralises_customer_text(broken_db, page, monkeypatch):
    import csv
    import io

    import openpyxl

    from tests.download_capture import capture_downloads

    files = capture_downloads(monkeypatch)
    run_app(broken_db, f"app_pages/{page}.py")
    unsafe, listed = [], []
    for name in list(files):
        if name.endswith(".csv"):
            text = files[name].decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text, newline="")))
            # Every line of the file is a row: no cell's line break started a new one.
            assert len(rows) == len(text.rstrip("\r\n").splitlines()), name
            cells = [c for row in rows for c in row]
        elif name.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(files[name]))
            cells = []
            for ws in book.worksheets:
                for row in ws.iter_rows():
                    # The evaluator's business case keeps its live NPV/IRR formulas (its own).
                    if not name.startswith("business_case_"):
                        assert not [c.coordinate for c in row if c.data_type == "f"], name
                    cells += [c.value for c in row if c.data_type == "s"]  # text, not a formula
        else:
            continue
        # A number written as text ("-5") is not customer text; anything else must be inert.
        unsafe += [f"{name}: {c!r}" for c in cells if not _text_is_safe(c) and not _is_number(c)]
        if name.startswith(CUSTOMER_FILES.get(page, "\0")):
            listed.append(sum(c.endswith("ok =1+1") for c in cells))
    assert unsafe == []
    if page in CUSTOMER_FILES:  # the lists of customers carry the broken names, made inert
        assert listed and all(listed), (page, listed)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
