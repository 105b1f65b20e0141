"""A real browser takes the board pack from the evaluator and the allocator: the files open
(python-pptx, pdftotext) and carry the case on the screen, in both languages."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pptx import Presentation

from tests.browser.util import wait_ready
from wording import t

ANNUITY_12_3 = sum(1 / 1.12**k for k in (1, 2, 3))
VAN_NPV = 1_500 * 1_500 - 800_000 - 200_000 * ANNUITY_12_3  # by hand, SPEC §5


def _take(page, label: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text=label).locator("button").click()
    download = info.value
    with open(download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


def _chart_series(data: bytes) -> set[str]:
    prs = Presentation(io.BytesIO(data))
    return {
        s.name
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_chart
        for s in shape.chart.plots[0].series
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_evaluator_board_pack_downloads(page, app_url, lang, tmp_path):
    page.goto(app_url + "/evaluator?ev_preset=mobile_van")
    wait_ready(page)
    if lang == "zh":
        page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
        wait_ready(page)
        page.get_by_text(t("boardpack.download_pptx", "zh")).wait_for(timeout=30_000)
    name, data = _take(page, t("boardpack.download_pptx", lang))
    assert name.endswith("mobile_van.pptx")
    assert t("evaluator.report.gain", lang) in _chart_series(data)
    name, data = _take(page, t("boardpack.download_pdf", lang))
    assert name.endswith(".pdf") and data[:5] == b"%PDF-"
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(
        [shutil.which("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"¥{VAN_NPV:,.0f}" in text


def test_allocator_board_pack_downloads(page, app_url):
    page.goto(app_url + "/allocator")
    wait_ready(page)
    name, data = _take(page, "Board pack (PowerPoint)")
    assert name == "board_pack_allocation.pptx"
    assert "Best net value" in _chart_series(data)
