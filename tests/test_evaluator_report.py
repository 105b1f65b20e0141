"""The exported business case: a self-contained HTML file and an Excel workbook."""
from __future__ import annotations

import dataclasses
import io
import re
from datetime import datetime

import openpyxl
import plotly
import pytest

from clv_engine import evaluator as ev
from clv_engine import report
from clv_engine.evaluator import CostLine

WHEN = datetime(2026, 12, 1, 9, 30)
VAN_NPV = -800_000 + sum(550_000 / 1.12**t for t in (1, 2, 3))  # by hand


@pytest.fixture(scope="module")
def van() -> ev.Analysis:
    return ev.analyse_programme(ev.preset("mobile_van"), draws=2_000, seed=5)


@pytest.fixture(scope="module")
def van_html(van) -> dict[str, str]:
    return {lang: report.html_report(van, lang, generated=WHEN) for lang in ("en", "zh")}


def test_html_is_self_contained(van_html):
    page = van_html["en"]
    assert not re.search(r"<script[^>]+src=", page), "no external script"
    assert "<link" not in page
    # plotly.js inlined exactly once, however many charts there are.
    bundle_head = plotly.offline.get_plotlyjs()[:200]
    assert page.count(bundle_head) == 1
    assert page.count("Plotly.newPlot") == 4
    # Binned histogram: the file is plotly.js plus well under 300 KB of case.
    assert len(page) - len(plotly.offline.get_plotlyjs()) < 300_000


def test_html_carries_the_figures_and_assumptions(van_html):
    page = van_html["en"]
    assert "Business case: Mobile service van" in page
    assert f"¥{VAN_NPV:,.0f}" in page
    assert "61%" in page and "1.87 yr" in page and "¥1,400,000" in page and "¥2,250,000" in page
    assert "¥389 per service" in page
    assert "year 0, not discounted" in page
    assert "Prepared 2026-12-01 09:30" in page


def test_html_in_chinese(van_html):
    page = van_html["zh"]
    assert '<html lang="zh-CN">' in page
    assert "投资评估：移动服务车" in page and "净现值" in page and "1.87年" in page
    for english in ("Business case", "Net ROI", "Payback", "Cumulative discounted"):
        assert english not in page


def test_html_escapes_typed_names():
    p = dataclasses.replace(
        ev.preset("mobile_van"),
        cost_lines=(CostLine("<script>alert(1)</script>", 100_000, "upfront"),),
    )
    page = report.html_report(ev.analyse_programme(p, draws=200), "en", generated=WHEN)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_states_the_irr_warning_when_there_is_none():
    page = report.html_report(ev.analyse_programme(ev.preset("pickup_delivery"), draws=200), "en")
    assert "No IRR: the cash flows never change sign" in page


def _workbook(a: ev.Analysis, lang: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(report.excel_report(a, lang)))


def test_excel_sheets_in_the_chosen_language(van):
    assert _workbook(van, "en").sheetnames == ["Inputs", "Cash flows", "Results", "Sensitivity", "Monte Carlo"]
    assert _workbook(van, "zh").sheetnames == ["输入", "现金流", "结果", "敏感性", "蒙特卡洛"]


def test_excel_cash_flows_and_audit_formulas(van):
    ws = _workbook(van, "en")["Cash flows"]
    headers = [c.value for c in ws[1]]
    net = headers.index("Net cash flow") + 1
    assert [ws.cell(r, net).value for r in range(2, 6)] == pytest.approx([-800_000, 550_000, 550_000, 550_000])
    # Find the NPV formula and evaluate it from the cells it names, as Excel would.
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    formula = ws.cell(rows["NPV (Excel formula)"], 2).value
    m = re.fullmatch(r"=NPV\(B(\d+),([A-Z]+)(\d+):\2(\d+)\)\+\2(\d+)", formula)
    assert m, formula
    rate = ws[f"B{m[1]}"].value
    column = m[2]
    later = [ws[f"{column}{r}"].value for r in range(int(m[3]), int(m[4]) + 1)]
    today = ws[f"{column}{m[5]}"].value
    assert rate == pytest.approx(0.12)
    assert today + sum(v / (1 + rate) ** t for t, v in enumerate(later, start=1)) == pytest.approx(VAN_NPV)
    assert ws.cell(rows["IRR (Excel formula)"], 2).value.startswith("=IRR(")
    assert ws.cell(rows["MIRR (Excel formula)"], 2).value.startswith("=MIRR(")


def test_excel_inputs_and_results(van):
    book = _workbook(van, "en")
    inputs = {row[0]: row[1] for row in book["Inputs"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert inputs["Van and equipment"] == 800_000
    assert inputs["Labour"] == 150_000
    assert inputs["Unique customers served: CLV uplift"] == 1_500
    results = {row[0]: row[1] for row in book["Results"].iter_rows(min_row=2, values_only=True)}
    assert results["Net ROI"] == "61%"
    assert results["Total cost (horizon)"] == "¥1,400,000"
    mc = {row[0]: row[1] for row in book["Monte Carlo"].iter_rows(max_row=6, values_only=True)}
    assert mc["P10"] == pytest.approx(van.monte_carlo.p10)
    assert mc["Draws / seed"] == "2,000 / 5"


def test_excel_without_irr_writes_the_reason():
    book = _workbook(ev.analyse_programme(ev.preset("pickup_delivery"), draws=200), "zh")
    ws = book["现金流"]
    values = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    assert any(isinstance(v, str) and v.startswith("无内部收益率") for v in values)


def test_every_preset_exports_in_both_languages():
    for key in ev.PRESETS:
        a = ev.analyse_programme(ev.preset(key), draws=200)
        for lang in ("en", "zh"):
            assert report.html_report(a, lang).startswith("<!DOCTYPE html>")
            assert report.excel_report(a, lang)[:2] == b"PK"  # a zip: an .xlsx


def test_report_filename():
    assert report.report_filename(ev.preset("mobile_van"), "en", "html") == "business_case_mobile_van.html"
    assert report.report_filename(ev.preset("custom"), "zh", "xlsx") == "投资评估_custom.xlsx"
