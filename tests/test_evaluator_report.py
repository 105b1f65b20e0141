"""The exported business case: a self-contained HTML file and an Excel workbook."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import plotly
import pytest

from clv_engine import evaluation as ev
from clv_engine.evaluation import CostLine
from wording import report

WHEN = datetime(2026, 12, 1, 9, 30)
ANNUITY_12_3 = sum(1 / 1.12**t for t in (1, 2, 3))
# By hand: the CLV uplift 1,500 × 1,500 is a present value, counted once, less 800,000
# today and 200,000 a year for three years at 12 %.
VAN_NPV = 1_500 * 1_500 - 800_000 - 200_000 * ANNUITY_12_3
VAN_NET = 1_500 * 1_500 / ANNUITY_12_3 - 200_000  # each year's net flow
VAN_PAYBACK = 1 + (800_000 - VAN_NET) / VAN_NET
VAN_DISCOUNTED_PAYBACK = 1 + (800_000 - VAN_NET / 1.12) / (VAN_NET / 1.12**2)


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
    assert "61%" in page and "¥1,400,000" in page and "¥2,250,000" in page
    assert f"{VAN_PAYBACK:.2f} yr" in page and f"{VAN_DISCOUNTED_PAYBACK:.2f} yr" in page
    assert "¥389 per service" in page
    assert "year 0, not discounted" in page and "counted once" in page
    assert "Prepared 2026-12-01 09:30" in page
    # The reference case's own payback is in its note, named as its definition.
    assert "The reference case counts payback as total cost ÷ yearly gain" in page and "1.87 yr" in page


def test_html_texts_follow_the_inputs_not_the_reference_case():
    moved = ev.with_driver(ev.preset("mobile_van"), "group.0.clv_uplift", 1_800)
    page = report.html_report(ev.analyse_programme(moved, draws=200), "en", generated=WHEN)
    text = re.sub(r"<script.*?</script>", "", page, flags=re.S)  # the words, not chart data
    assert "Reference case" not in text and "1.87" not in text and "1,500 each" not in text
    assert "Inputs changed from the reference case “Mobile service van”" in page
    assert f"¥{2_700_000 - 800_000 - 200_000 * ANNUITY_12_3:,.0f}" in page
    zh = report.html_report(ev.analyse_programme(moved, draws=200), "zh", generated=WHEN)
    assert "参考案例：" not in zh and "输入已在参考案例“移动服务车”基础上修改" in zh


def _workbook_text(a: ev.Analysis, lang: str) -> str:
    """Every text cell of the workbook, sheet by sheet."""
    book = openpyxl.load_workbook(io.BytesIO(report.excel_report(a, lang)))
    return "\n".join(
        c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    )


def test_excel_texts_follow_the_inputs_not_the_reference_case():
    # The reference case's wording (its note, with the 1.87-year payback) only while the
    # inputs are the case's own; once the uplift moves, a sentence that says so.
    ref = _workbook_text(ev.analyse_programme(ev.preset("mobile_van"), draws=200), "en")
    assert "The reference case counts payback as total cost ÷ yearly gain" in ref and "1.87 yr" in ref
    moved = ev.with_driver(ev.preset("mobile_van"), "group.0.clv_uplift", 1_800)
    for lang, gone, said in (
        ("en", ("Reference case", "1.87"), "Inputs changed from the reference case “Mobile service van”"),
        ("zh", ("参考案例：", "1.87"), "输入已在参考案例“移动服务车”基础上修改"),
    ):
        text = _workbook_text(ev.analyse_programme(moved, draws=200), lang)
        assert not any(g in text for g in gone), lang
        assert said in text, lang


def test_no_internal_references_in_any_export():
    for key in ev.PRESETS:
        a = ev.analyse_programme(ev.preset(key), draws=200)
        for lang in ("en", "zh"):
            page = report.html_report(a, lang)
            for text in (re.sub(r"<script.*?</script>", "", page, flags=re.S), _workbook_text(a, lang)):
                for word in ("Seed", "source article", "文章", "SPEC"):
                    assert word not in text, (key, lang, word)
                assert not re.search(r"seed \d{3}", text, flags=re.I), (key, lang)


def test_html_flags_a_product_sold_below_its_cost():
    page = report.html_report(ev.analyse_programme(ev.preset("extended_warranty"), draws=200), "en")
    assert "The product itself loses ¥400 per contract" in page
    zh = report.html_report(ev.analyse_programme(ev.preset("extended_warranty"), draws=200), "zh")
    assert "产品本身每份亏损¥400" in zh


def test_html_in_chinese(van_html):
    page = van_html["zh"]
    assert '<html lang="zh-CN">' in page
    assert "投资评估：移动服务车" in page and "净现值" in page and "1.87年" in page
    assert f"{VAN_PAYBACK:.2f}年" in page
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
    assert _workbook(van, "en").sheetnames == [
        "Inputs",
        "Cash flows",
        "Results",
        "Sensitivity",
        "Monte Carlo",
    ]
    assert _workbook(van, "zh").sheetnames == ["输入", "现金流", "结果", "敏感性", "蒙特卡洛"]


def _values(a: ev.Analysis, lang: str) -> openpyxl.Workbook:
    """The cached values xlsxwriter stores beside each formula."""
    return openpyxl.load_workbook(io.BytesIO(report.excel_report(a, lang)), data_only=True)


def _by_label(ws, column: int = 2) -> dict:
    return {row[0].value: row[column - 1] for row in ws.iter_rows() if row[0].value is not None}


def test_excel_is_a_live_model(van):
    book = _workbook(van, "en")
    flows, results = book["Cash flows"], book["Results"]
    headers = [c.value for c in flows[1]]
    # Every cash-flow cell is a formula of the Inputs sheet, every result one of the flows.
    for row in flows.iter_rows(min_row=2, min_col=2, max_col=headers.index("Cumulative discounted") + 1):
        for cell in row:
            assert isinstance(cell.value, str) and cell.value.startswith("="), cell.coordinate
    gain = flows.cell(3, headers.index("CLV gain (yearly gross profit)") + 1).value
    assert "PMT(" in gain and "Inputs!" in gain
    figures = _by_label(results)
    assert figures["NPV"].value.startswith("=SUM(")
    assert figures["IRR"].value.startswith("=IFERROR(IRR(")
    assert figures["MIRR"].value.startswith("=IFERROR(MIRR(")
    for name in ("Payback", "Discounted payback", "Net ROI", "Total cost (horizon)"):
        assert figures[name].value.startswith("="), name
    # Numbers carry number formats.
    assert "¥" in figures["NPV"].number_format and "%" in figures["IRR"].number_format
    assert "yr" in figures["Payback"].number_format


def test_excel_cached_values_are_the_engines_figures_by_hand(van):
    book = _values(van, "en")
    figures = {k: c.value for k, c in _by_label(book["Results"]).items()}
    assert figures["NPV"] == pytest.approx(VAN_NPV)
    assert figures["Payback"] == pytest.approx(VAN_PAYBACK)
    assert figures["Discounted payback"] == pytest.approx(VAN_DISCOUNTED_PAYBACK)
    assert figures["Net ROI"] == pytest.approx(850_000 / 1_400_000)
    assert figures["Total cost (horizon)"] == pytest.approx(1_400_000)
    flows = book["Cash flows"]
    net = [c.value for c in flows["G"][1:]]
    assert net == pytest.approx([-800_000, VAN_NET, VAN_NET, VAN_NET])
    # A reader that does not recalculate sees the same figures: formula inputs and the
    # payback crossings carry their values too.
    inputs = {row[0]: row[1] for row in book["Inputs"].iter_rows(values_only=True) if row[0]}
    assert inputs["CLV uplift, all groups (present value)"] == pytest.approx(2_250_000)
    assert [c.value for c in flows["L"][1:]] == [None, None, pytest.approx(VAN_PAYBACK), None]


def test_excel_inputs_and_results(van):
    book = _values(van, "en")
    inputs = {row[0]: row[1] for row in book["Inputs"].iter_rows(min_row=5, values_only=True) if row[0]}
    assert inputs["Van and equipment"] == 800_000
    assert inputs["Labour"] == 150_000
    assert inputs["Unique customers served: CLV uplift"] == 1_500
    assert inputs["Unique customers served: customers"] == 1_500
    mc = {row[0]: row[1:3] for row in book["Monte Carlo"].iter_rows(max_row=6, values_only=True)}
    assert mc["P10"][0] == pytest.approx(van.monte_carlo.p10)
    assert mc["Draws / seed"] == (2_000, 5)


def test_excel_never_turns_typed_text_into_a_formula():
    p = dataclasses.replace(
        ev.preset("mobile_van"),
        cost_lines=(CostLine('=HYPERLINK("http://x","y")', 100_000, "upfront"),),
    )
    ws = _workbook(ev.analyse_programme(p, draws=200), "en")["Inputs"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_excel_without_irr_writes_the_reason():
    book = _values(ev.analyse_programme(ev.preset("pickup_delivery"), draws=200), "zh")
    ws = book["结果"]
    values = [c.value for row in ws.iter_rows() for c in row]
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


# -- a real spreadsheet engine recalculates the workbook --------------------------------
def _recalculate(path: Path) -> Path:
    """Open, recalculate and save ``path`` with LibreOffice headless; returns the new file.

    A private profile per process keeps parallel test workers apart, and tells LibreOffice
    to recalculate every formula on load (not to trust cached values).
    """
    soffice = shutil.which("soffice")
    assert soffice, (
        "LibreOffice is needed to recalculate the workbook (apt-get install libreoffice-calc-nogui)"
    )
    profile = path.parent / f"lo_profile_{os.getpid()}"
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
        "</oor:items>\n",
        encoding="utf-8",
    )
    out = path.parent / "recalculated"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    converted = out / path.name
    assert result.returncode == 0 and converted.exists(), result.stderr
    return converted


def _set_input(book: openpyxl.Workbook, sheet: str, name: str, value: float) -> None:
    for row in book[sheet].iter_rows():
        if row[0].value == name:
            row[1].value = value
            return
    raise AssertionError(f"no input {name!r}")


def _van_with_a_late_cost() -> ev.Programme:
    return dataclasses.replace(
        ev.preset("mobile_van"),
        cost_lines=ev.preset("mobile_van").cost_lines + (CostLine("Overhaul", 1_200_000, "one_off", year=2),),
    )


CASES = {
    "van": lambda: ev.preset("mobile_van"),
    "warranty": lambda: ev.preset("extended_warranty"),
    "late_cost": _van_with_a_late_cost,
}


@pytest.mark.parametrize(
    ("case", "lang", "name", "driver", "value"),
    [
        ("van", "en", "Unique customers served: CLV uplift", "group.0.clv_uplift", 1_800),
        ("van", "en", "Discount rate", "discount_rate", 0.08),
        ("van", "zh", "车辆+设备", "cost.0", 1_900_000),
        # Customers follow the volume (a formula on the Inputs sheet); the price now covers
        # the claims, so nothing is spent: no payback, no IRR, in both.
        ("warranty", "en", "Volume", "volume", 250),
        ("warranty", "zh", "每单位收入", "unit_revenue", 6_500),
        # A one-off cost, placed in its year by a formula on its year cell; three sign changes.
        ("late_cost", "en", "Overhaul", "cost.3", 2_500_000),
    ],
)
def test_libreoffice_recalculates_the_changed_workbook_like_the_engine(
    tmp_path, case, lang, name, driver, value
):
    base = CASES[case]()
    book = openpyxl.load_workbook(
        io.BytesIO(report.excel_report(ev.analyse_programme(base, draws=200), lang))
    )
    _set_input(book, book.sheetnames[0], name, value)
    path = tmp_path / "case.xlsx"
    book.save(path)  # openpyxl drops the cached values: only a recalculation can fill them
    values = openpyxl.load_workbook(_recalculate(path), data_only=True)
    results = {row[0]: row[1] for row in values[book.sheetnames[2]].iter_rows(values_only=True) if row[0]}

    e = ev.evaluate_programme(ev.with_driver(base, driver, value))
    t = lambda key: report.t(key, lang)  # noqa: E731
    assert results[t("evaluator.fig.npv")] == pytest.approx(e.npv, rel=1e-9)
    irr = results[t("evaluator.fig.irr")]
    if e.irr.sign_changes == 0:
        assert irr == "—"
    elif e.irr.sign_changes == 1:
        assert irr == pytest.approx(e.irr.irr, rel=1e-7)
    else:
        # Several sign changes: a spreadsheet's IRR searches from a 10 % guess and may miss
        # the root (the page and the workbook both say to quote the MIRR); if it finds one,
        # it is one of the engine's.
        assert e.irr.warning is not None
        assert irr == "—" or any(irr == pytest.approx(r, rel=1e-7) for r in e.irr.roots)
    if e.irr.mirr is None:
        assert results[t("evaluator.fig.mirr")] == "—"
    else:
        assert results[t("evaluator.fig.mirr")] == pytest.approx(e.irr.mirr, rel=1e-9)
    for key, engine in (
        ("evaluator.fig.payback", e.payback_years),
        ("evaluator.fig.discounted_payback", e.discounted_payback_years),
    ):
        if e.cost_over_horizon <= 0:
            assert results[t(key)] == "—"
        elif engine is None:
            assert results[t(key)] == t("evaluator.never")
        else:
            assert results[t(key)] == pytest.approx(engine, rel=1e-9, abs=1e-12)
    assert results[t("evaluator.fig.cost")] == pytest.approx(e.cost_over_horizon)
    assert results[t("evaluator.fig.gain")] == pytest.approx(e.gain_over_horizon)
    flows = values[book.sheetnames[1]]
    net_col = [c.value for c in flows[1]].index(t("evaluator.col.net")) + 1
    got = [flows.cell(r, net_col).value for r in range(2, base.horizon_years + 3)]
    assert got == pytest.approx(e.cash_flows["net"].tolist())
