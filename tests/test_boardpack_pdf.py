"""The board pack as PDF, opened as a person would: pages rendered to PNG (pdftoppm), the text
read back (pdftotext) and every word's box inside the page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from clv_engine import allocation as al
from clv_engine import evaluation as ev
from wording import boardpack as bp
from wording import t
from wording.allocation import spec_case_projects
from wording.evaluation import driver_label

LANGS = ("en", "zh")


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (poppler-utils) is needed: .ci/run installs it"
    return path


def pdf_pages(path: Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def pdf_text(path: Path) -> str:
    return subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def words_outside_page(path: Path) -> list[str]:
    """Words whose box is not wholly on the page (pdftotext -bbox gives every word's box)."""
    html = subprocess.run(
        [_tool("pdftotext"), "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    outside = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        w, h = float(page.group(1)), float(page.group(2))
        for m in re.finditer(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>',
            page.group(3),
        ):
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
                outside.append(m.group(5))
    return outside


def render(path: Path, out: Path) -> list[Path]:
    subprocess.run([_tool("pdftoppm"), "-r", "50", "-png", str(path), str(out / path.stem)], check=True)
    return sorted(out.glob(f"{path.stem}-*.png"))


@pytest.fixture(scope="module")
def van():
    return ev.analyse_programme(ev.preset("mobile_van"), draws=2_000)


@pytest.mark.parametrize("lang", LANGS)
def test_evaluator_pdf_has_every_page_all_text_and_nothing_clipped(van, lang, tmp_path):
    deck = bp.evaluator_deck(van, lang)
    path = tmp_path / f"evaluator_{lang}.pdf"
    path.write_bytes(bp.evaluator_pack("pdf", van, lang))
    assert path.read_bytes()[:5] == b"%PDF-"
    assert pdf_pages(path) == len(deck.slides)  # one page per slide: no table spilled
    text = re.sub(r"\s+", "", pdf_text(path))
    for needle in (
        t("evaluator.report.cash_flows", lang),
        t("evaluator.report.sensitivity", lang),
        t("evaluator.fig.npv", lang),
        t("boardpack.figures", lang),
        t("evaluator.chart.tornado", lang, pct="20%"),
        "¥969,634",
        "¥1,400,000",
    ):
        assert re.sub(r"\s+", "", needle) in text, needle
    # The full driver labels, not "rs / ift / nt".
    for key in ("group.0.customers", "group.0.clv_uplift", "cost.0", "discount_rate"):
        label = driver_label(van.programme, key, lang)
        assert re.sub(r"\s+", "", label) in text, label
    assert words_outside_page(path) == []
    pngs = render(path, tmp_path)
    assert len(pngs) == len(deck.slides)


@pytest.mark.parametrize("lang", LANGS)
def test_allocator_pdf_has_every_page_all_text_and_nothing_clipped(lang, tmp_path):
    projects = spec_case_projects(lang)
    alloc = al.allocate_budget(projects, al.SPEC_CASE_BUDGET)
    curve = al.budget_value_curve(projects)
    verdicts = al.project_verdicts(projects, alloc)
    deck = bp.allocator_deck(projects, alloc, curve, lang, verdicts)
    path = tmp_path / f"allocator_{lang}.pdf"
    path.write_bytes(bp.allocator_pack("pdf", projects, alloc, curve, lang, verdicts))
    assert pdf_pages(path) == len(deck.slides)
    text = re.sub(r"\s+", "", pdf_text(path))
    for needle in (
        t("allocator.page.chart_curve", lang),
        t("boardpack.al.comparison", lang),
        t("allocator.fig.unspent", lang),
        "¥15,400,000",
        *(p.name for p in projects),
    ):
        assert re.sub(r"\s+", "", needle) in text, needle
    assert words_outside_page(path) == []
    assert len(render(path, tmp_path)) == len(deck.slides)


def test_a_long_table_continues_on_the_next_page_inside_it(tmp_path):
    projects = [
        al.Project(f"Project number {i} with a long descriptive name", 100_000 + 5_000 * i, 900, 400)
        for i in range(40)
    ]
    alloc = al.allocate_budget(projects, 2_000_000)
    curve = al.budget_value_curve(projects)
    path = tmp_path / "long.pdf"
    path.write_bytes(bp.allocator_pack("pdf", projects, alloc, curve, "en"))
    assert pdf_pages(path) > 8
    assert words_outside_page(path) == []
    assert "Project number 39" in pdf_text(path)


def test_missing_writer_is_named_not_a_crash(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "reportlab" else real(name, *a)
    )
    assert bp.unavailable("en") == {"pdf": t("boardpack.unavailable", "en", package="reportlab")}
    assert "reportlab" in bp.unavailable("zh")["pdf"]


def test_typed_names_are_printed_as_typed(tmp_path):
    """A name with markup characters is text in the PDF, not reportlab markup (and no crash)."""
    p = ev.preset("mobile_van")
    p = ev.Programme.from_dict({**p.to_dict(), "name": "Van <b>north</b> & south", "preset": "custom"})
    path = tmp_path / "typed.pdf"
    path.write_bytes(bp.evaluator_pack("pdf", ev.analyse_programme(p, draws=200), "en"))
    assert "Van <b>north</b> & south" in pdf_text(path)
