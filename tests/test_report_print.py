"""The HTML business case printed on A4 (Chromium's print to PDF), read back as a person would:
every word inside the printable area, the tornado's driver names whole, pages rendered to PNG."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from clv_engine import evaluation as ev
from deploy.chromium import CHROMIUM
from wording import report, t
from wording.evaluation import driver_label

MM = 72 / 25.4  # points per millimetre
A4 = (210 * MM, 297 * MM)


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (poppler-utils) is needed: .ci/run installs it"
    return path


def print_to_pdf(html_path: Path, pdf_path: Path) -> None:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: install Debian's chromium (see .ci/run)"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--virtual-time-budget=5000",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert pdf_path.exists()


def words(pdf_path: Path) -> list[tuple[int, float, float, float, float, float, float, str]]:
    """(page, page width, page height, x0, y0, x1, y1, word) of every word."""
    out = subprocess.run(
        [_tool("pdftotext"), "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for n, page in enumerate(
        re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S)
    ):
        w, h = float(page.group(1)), float(page.group(2))
        for m in re.finditer(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>',
            page.group(3),
        ):
            found.append((n + 1, w, h, *(float(m.group(i)) for i in range(1, 5)), m.group(5)))
    return found


@pytest.fixture(scope="module")
def van():
    return ev.analyse_programme(ev.preset("mobile_van"), draws=2_000)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_prints_on_a4_with_nothing_cut(van, lang, tmp_path):
    html_path = tmp_path / f"report_{lang}.html"
    html_path.write_text(report.html_report(van, lang), encoding="utf-8")
    pdf_path = tmp_path / f"report_{lang}.pdf"
    print_to_pdf(html_path, pdf_path)
    found = words(pdf_path)
    assert found
    pages = max(w[0] for w in found)
    assert 3 <= pages <= 10
    for _, w, h, *_ in found:
        assert (w, h) == pytest.approx(A4, abs=1.0)  # A4, not Letter
    # Every word inside the page less the 12 mm side margins: no axis tick or label cut off.
    margin = 12 * MM - 2
    outside = [
        (p, word, round(x0), round(x1))
        for p, w, h, x0, y0, x1, y1, word in found
        if x0 < margin or x1 > w - margin or y0 < 0 or y1 > h
    ]
    assert outside == []
    # The driver names appear whole (twice: the tornado's axis and the sensitivity table).
    raw = subprocess.run(
        [_tool("pdftotext"), str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = re.sub(r"\s+", "", raw)
    for key in van.tornado["driver"]:
        label = re.sub(r"\s+", "", driver_label(van.programme, key, lang))
        assert text.count(label) >= 2 or key == "volume", (key, label)  # volume: no swing, table only
    # The waterfall's labels above and below its bars are printed (labour over the horizon,
    # 3 × 150,000, is on no table: only the waterfall shows it; 万 may be extracted apart).
    for value in (r"¥2\.25M", r"[-−]¥450,000") if lang == "en" else (r"¥225(万)?", r"[-−]¥45(万)?"):
        assert re.search(rf"^{value}$", raw, re.M), value
    # And the pages render (looked at in review: see the report's list of PNGs).
    subprocess.run([_tool("pdftoppm"), "-r", "50", "-png", str(pdf_path), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == pages


def test_print_stylesheet_sets_a4_breaks_and_whole_rows(van):
    page = report.html_report(van, "en")
    css = page[page.index("<style>") : page.index("</style>")]
    assert "@page{size:A4" in css
    assert "h2:not(:first-of-type){break-before:page}" in css
    assert "tr,td,th{break-inside:avoid}" in css
    assert ".modebar" in css


def _label_px(text: str, size: float = 12) -> float:
    # Independent of the code's estimate: DejaVu/Arial average 0.55 em, CJK a full em.
    return sum(size if unicodedata.east_asian_width(c) in ("W", "F") else 0.55 * size for c in text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tornado_left_margin_holds_the_longest_driver_name(van, lang):
    fig = report.tornado_figure(van.programme, van.tornado, van.spread, lang)
    longest = max(_label_px(driver_label(van.programme, k, lang)) for k in van.tornado["driver"])
    assert fig.layout.margin.l >= longest
    assert fig.layout.yaxis.automargin is True


def test_waterfall_range_leaves_room_for_the_labels(van):
    fig = report.waterfall_figure(van.evaluation, "en")
    low, high = fig.layout.yaxis.range
    # By hand: costs 800k + 450k + 150k take the running total to −1.4M; the gain brings it to
    # +0.85M; the gain bar itself tops at 0.85M and the net bar is 0.85M.
    assert low < -1_400_000 * 1.05 and high > 850_000 * 1.05
    assert np.isclose(sum(fig.data[0].y[:-1]), 850_000)
    assert t("evaluator.fig.net_gain", "en") in fig.data[0].x
