"""The board pack in PowerPoint, read back as a person's PowerPoint would read it.

Charts must be chart objects (editable, their data inside the file) with the series the slide
says; their values are checked against figures computed here by hand (the SPEC's mobile van,
a brute-force knapsack for the allocator), and no text box or table may run off its box.
"""

from __future__ import annotations

import io
import itertools
import math
import unicodedata

import pytest
from pptx import Presentation
from pptx.util import Emu

from clv_engine import allocation as al
from clv_engine import evaluation as ev
from wording import boardpack as bp
from wording import t
from wording.allocation import spec_case_projects
from wording.evaluation import driver_label

LANGS = ("en", "zh")


def charts_of(data: bytes) -> list:
    """Every chart in the deck, in slide order, as python-pptx chart objects."""
    prs = Presentation(io.BytesIO(data))
    found = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                found.append(shape.chart)
    return found


def series_map(chart) -> dict[str, list[float]]:
    return {s.name: [float(v) for v in s.values] for s in chart.plots[0].series}


def chart_titled(charts, title: str):
    matches = [c for c in charts if c.has_title and c.chart_title.text_frame.text == title]
    assert matches, f"no chart titled {title!r} among {[c.chart_title.text_frame.text for c in charts]}"
    return matches[0]


# -- the mobile van by hand (SPEC §5): 800k today, 200k a year, CLV uplift 1,500 × 1,500 ---------
def van_by_hand() -> dict[str, list[float]]:
    rate, years = 0.12, 3
    annuity = sum((1 + rate) ** -k for k in range(1, years + 1))
    stream = 1_500 * 1_500 / annuity  # the yearly gross profit whose present value is the uplift
    gain = [0.0] + [stream] * years
    costs = [-800_000.0] + [-200_000.0] * years
    net = [g + c for g, c in zip(gain, costs, strict=True)]
    return {
        "gain": gain,
        "costs": costs,
        "net": net,
        "cumulative": list(itertools.accumulate(net)),
        "annuity": annuity,
    }


@pytest.fixture(scope="module")
def van():
    return ev.analyse_programme(ev.preset("mobile_van"), draws=2_000)


@pytest.mark.parametrize("lang", LANGS)
def test_evaluator_cash_flow_chart_is_a_native_column_chart_with_the_hand_figures(van, lang):
    from pptx.enum.chart import XL_CHART_TYPE

    charts = charts_of(bp.evaluator_pptx(van, lang))
    chart = chart_titled(charts, t("evaluator.report.cash_flows", lang))
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert list(chart.plots[0].categories) == [t("evaluator.report.year_n", lang, n=y) for y in range(4)]
    got = series_map(chart)
    hand = van_by_hand()
    assert list(got) == [
        t("evaluator.report.gain", lang),
        t("evaluator.report.costs", lang),
        t("evaluator.col.net", lang),
    ]
    for name, key in zip(got, ("gain", "costs", "net"), strict=True):
        assert got[name] == pytest.approx(hand[key], abs=0.01)
    # ... and the engine's one cash-flow table, column by column.
    flows = van.evaluation.cash_flows
    assert got[t("evaluator.col.net", lang)] == pytest.approx(list(flows["net"]), abs=1e-6)

    cumulative = chart_titled(charts, t("boardpack.cumulative", lang))
    assert cumulative.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert series_map(cumulative)[t("evaluator.report.cumulative", lang)] == pytest.approx(
        hand["cumulative"], abs=0.01
    )


@pytest.mark.parametrize("lang", LANGS)
def test_evaluator_tornado_is_a_bar_chart_of_npv_changes(van, lang):
    from pptx.enum.chart import XL_CHART_TYPE

    charts = charts_of(bp.evaluator_pptx(van, lang))
    chart = chart_titled(charts, t("boardpack.tornado.axis", lang))
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    p = van.programme
    labels = list(chart.plots[0].categories)
    got = series_map(chart)
    down = got[t("evaluator.chart.driver_down", lang, pct="20%")]
    up = got[t("evaluator.chart.driver_up", lang, pct="20%")]
    by_label = {lab: (d, u) for lab, d, u in zip(labels, down, up, strict=True)}
    annuity = van_by_hand()["annuity"]
    # By hand: NPV = customers × uplift − 800k − 200k × annuity, linear in each driver.
    expected = {
        "group.0.customers": 0.2 * 1_500 * 1_500,
        "group.0.clv_uplift": 0.2 * 1_500 * 1_500,
        "cost.0": -0.2 * 800_000,
        "cost.1": -0.2 * 150_000 * annuity,
        "cost.2": -0.2 * 50_000 * annuity,
    }
    for key, change_up in expected.items():
        d, u = by_label[driver_label(p, key, lang)]
        assert u == pytest.approx(change_up, abs=0.01)
        assert d == pytest.approx(-change_up, abs=0.01)
    swings = [abs(u - d) for d, u in zip(down, up, strict=True)]
    assert swings == sorted(swings, reverse=True)  # largest on top
    assert "discount_rate" in set(van.tornado["driver"])  # the rate is there too (not linear)
    assert driver_label(p, "discount_rate", lang) in labels


# -- the allocator --------------------------------------------------------------------------
def brute_best(projects: list[al.Project], budget: float) -> float:
    """Best net value of all-or-nothing projects by trying every subset."""
    best = 0.0
    for k in range(len(projects) + 1):
        for subset in itertools.combinations(projects, k):
            if sum(p.investment for p in subset) <= budget + 1e-9:
                best = max(best, sum(p.gain - p.investment for p in subset))
    return best


def allocator_pack(projects, budget, lang):
    alloc = al.allocate_budget(projects, budget)
    curve = al.budget_value_curve(projects)
    verdicts = al.project_verdicts(projects, alloc)
    return alloc, curve, bp.allocator_pptx(projects, alloc, curve, lang, verdicts)


@pytest.mark.parametrize("lang", LANGS)
def test_allocator_curve_is_an_xy_line_through_the_brute_force_optimum(lang):
    from pptx.enum.chart import XL_CHART_TYPE

    projects = spec_case_projects(lang)
    alloc, curve, data = allocator_pack(projects, al.SPEC_CASE_BUDGET, lang)
    chart = chart_titled(charts_of(data), t("allocator.page.chart_curve", lang))
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS
    series = chart.plots[0].series[0]
    assert series.name == t("allocator.page.optimum", lang)
    ys = [float(v) for v in series.values]
    # The x values live in the series' xVal element.
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    xs = [float(v.text) for v in series._element.findall("./c:xVal//c:pt/c:v", ns)]
    assert len(xs) == len(ys) > 4
    assert xs == sorted(xs)
    for x, y in zip(xs, ys, strict=True):
        # On a step the value is the optimum there or, at the riser, the one just below.
        assert min(abs(y - brute_best(projects, x)), abs(y - brute_best(projects, x - 1e-3))) < 0.01, (x, y)
    assert ys[-1] == pytest.approx(brute_best(projects, xs[-1]))
    assert ys[-1] == pytest.approx(15_400_000)  # SPEC §4: all four funded, net ¥15.4M
    # Every point the engine evaluated is on the drawn line.
    drawn = set(zip(xs, ys, strict=True))
    for b, n in zip(curve.points["budget"], curve.points["net"], strict=True):
        assert (float(b), float(n)) in drawn


@pytest.mark.parametrize("lang", LANGS)
def test_allocator_comparison_chart_shows_what_sorting_by_roi_misses(lang):
    # By hand: A (60 → 120) has the best ROI and takes the budget of 100; B and C (50 → 90
    # each) together earn 80 net, sorting gets A's 60 and leaves 40 unspent.
    projects = [al.Project("A", 60, 2, 60), al.Project("B", 50, 1.8, 50), al.Project("C", 50, 1.8, 50)]
    alloc, _, data = allocator_pack(projects, 100, lang)
    assert brute_best(projects, 100) == pytest.approx(80)
    chart = [
        c
        for c in charts_of(data)
        if list(c.plots[0].categories) == [t("boardpack.al.optimum", lang), t("boardpack.al.ranking", lang)]
    ][0]
    got = series_map(chart)
    assert got[t("allocator.fig.net", lang)] == pytest.approx([80, 60])
    assert got[t("allocator.fig.unspent", lang)] == pytest.approx([0, 40])
    text = deck_text(data)
    assert (
        t("allocator.page.ranking_worse", lang, ranking="A", ranking_net="¥60", best="B, C", missed="¥20")
        in text
    )


def deck_text(data: bytes) -> str:
    prs = Presentation(io.BytesIO(data))
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for r in shape.table.rows for c in r.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", LANGS)
def test_packs_carry_inputs_figures_definitions_in_the_readers_language(van, lang):
    text = deck_text(bp.evaluator_pptx(van, lang))
    for key in (
        "evaluator.def.npv",
        "evaluator.def.payback",
        "evaluator.def.net_roi",
        "evaluator.def.cost",
        "evaluator.fig.npv",
        "evaluator.in.discount_rate",
        "evaluator.line.van_equipment",
    ):
        assert t(key, lang) in text, key
    assert "¥969,634" in text  # NPV of the van: 2,250,000 − 800,000 − 200,000 × 2.4018
    projects = spec_case_projects(lang)
    _, _, data = allocator_pack(projects, al.SPEC_CASE_BUDGET, lang)
    text = deck_text(data)
    for key in (
        "allocator.def.net",
        "allocator.def.unspent",
        "allocator.def.combined_roi",
        "allocator.fig.unspent",
    ):
        assert t(key, lang) in text, key
    assert "¥15,400,000" in text and "¥1,000,000" in text
    for p in projects:
        assert p.name in text
    if lang == "zh":  # no English heading left in a Chinese pack
        for key in ("boardpack.figures", "evaluator.report.cash_flows", "allocator.page.reasons"):
            assert t(key, "en") not in text and t(key, "en") not in deck_text(bp.evaluator_pptx(van, lang))


# -- nothing runs off its box -----------------------------------------------------------------
def est_width_pt(text: str, size: float) -> float:
    """A deliberately plain estimate: CJK a full em, anything else 0.55 em."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.55 for c in text) * size


def est_lines(text: str, width_pt: float, size: float) -> int:
    return sum(max(1, math.ceil(est_width_pt(part, size) / width_pt)) for part in text.split("\n"))


def overflow_problems(data: bytes) -> list[str]:
    prs = Presentation(io.BytesIO(data))
    slide_w, slide_h = Emu(prs.slide_width).pt, Emu(prs.slide_height).pt
    problems = []
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            left, top = Emu(shape.left).pt, Emu(shape.top).pt
            width, height = Emu(shape.width).pt, Emu(shape.height).pt
            if left < 0 or top < 0 or left + width > slide_w + 0.5 or top + height > slide_h + 0.5:
                problems.append(f"slide {n}: {shape.name} leaves the slide")
            if shape.has_text_frame and shape.text_frame.text.strip():
                needed = 0.0
                for para in shape.text_frame.paragraphs:
                    size = para.font.size.pt
                    needed += est_lines(para.text, width - 14.4, size) * size * 1.2
                if needed > height + 1:
                    problems.append(
                        f"slide {n}: text needs {needed:.0f}pt in a {height:.0f}pt box: "
                        f"{shape.text_frame.text[:60]!r}"
                    )
            if shape.has_table:
                total = 0.0
                for row in shape.table.rows:
                    lines = 1
                    for c, cell in enumerate(row.cells):
                        col_w = Emu(shape.table.columns[c].width).pt - 7.2
                        for para in cell.text_frame.paragraphs:
                            size = para.font.size.pt
                            lines = max(lines, est_lines(para.text, col_w, size))
                    total += lines * size * 1.2 + 7.2
                if top + total > slide_h:
                    problems.append(
                        f"slide {n}: table needs {total:.0f}pt from {top:.0f}pt on a {slide_h:.0f}pt slide"
                    )
    return problems


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["mobile_van", "member_day", "extended_warranty"])
def test_no_text_box_or_table_overflows_in_the_evaluator_pack(lang, case):
    a = ev.analyse_programme(ev.preset(case), draws=500)
    assert overflow_problems(bp.evaluator_pptx(a, lang)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_box_or_table_overflows_in_the_allocator_pack(lang):
    # Twelve projects with long names push the tables onto continuation slides.
    projects = [
        al.Project(
            f"{spec_case_projects(lang)[i % 4].name} — {t('allocator.page.projects', lang)} {i}",
            100_000 + 25_000 * i,
            500 + 40 * i,
            300 + 11 * i,
        )
        for i in range(12)
    ]
    _, _, data = allocator_pack(projects, 900_000, lang)
    assert overflow_problems(data) == []
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) > 8  # tables went on to further slides rather than off the slide


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_typed_name_shrinks_rather_than_overflows(lang):
    p = ev.preset("mobile_van")
    name = "Mobile service van for the northern region dealers, second phase with weekend visits " * 2
    p = ev.Programme.from_dict({**p.to_dict(), "name": name.strip(), "preset": "custom"})
    assert overflow_problems(bp.evaluator_pptx(ev.analyse_programme(p, draws=200), lang)) == []


def test_overflow_check_catches_an_overfull_box():
    """The check itself can fail: a long paragraph squeezed into a small box."""
    from pptx.util import Inches, Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(2), Inches(0.4))
    box.text_frame.text = "A definition far too long for this box " * 4
    box.text_frame.paragraphs[0].font.size = Pt(12)
    buffer = io.BytesIO()
    prs.save(buffer)
    assert overflow_problems(buffer.getvalue())


def test_typed_names_stay_text():
    p = ev.preset("mobile_van")
    p = ev.Programme.from_dict({**p.to_dict(), "name": '=HYPERLINK("http://x")<b>x</b>', "preset": "custom"})
    a = ev.analyse_programme(p, draws=200)
    text = deck_text(bp.evaluator_pptx(a, "en"))
    assert '=HYPERLINK("http://x")<b>x</b>' in text
