"""The two decks: the evaluator's business case and the allocator's portfolio, in the
reader's language; the figures are the engine's, never recomputed here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from clv_engine import allocation as al
from clv_engine.evaluation import Analysis
from wording.allocation import option_label, reason_text
from wording.boardpack.deck import (
    COST_COLOUR,
    DOWN_COLOUR,
    GAIN_COLOUR,
    LINE_COLOUR,
    MUTED,
    UP_COLOUR,
    Chart,
    Deck,
    Slide,
    Table,
    _paginate,
)
from wording.catalogue import t
from wording.evaluation import driver_label, programme_label
from wording.fmt import currency_unit, money_full, number, pct
from wording.report.texts import (
    headline_rows,
    input_rows,
    note_text,
    payback_text,
    sensitivity_headers,
    sensitivity_rows,
    warnings,
)


# --------------------------------------------------------------------------------------
# The evaluator's business case
# --------------------------------------------------------------------------------------
def cash_flow_series(a: Analysis, lang: str) -> tuple[list[str], list[tuple[str, list[float]]]]:
    """Years and (name, values) of the cash-flow column chart, from the one cash-flow table."""
    flows = a.evaluation.cash_flows
    years = [t("evaluator.report.year_n", lang, n=int(y)) for y in flows["year"]]
    costs = flows["upfront_cost"] + flows["one_off_cost"] + flows["running_cost"] + flows["unit_cost"]
    return years, [
        (t("evaluator.report.gain", lang), [float(v) for v in flows["gain"]]),
        (t("evaluator.report.costs", lang), [float(v) for v in costs]),
        (t("evaluator.col.net", lang), [float(v) for v in flows["net"]]),
    ]


def tornado_series(a: Analysis, lang: str) -> tuple[list[str], list[tuple[str, list[float]]], float]:
    """Drivers (largest swing first) and the change in NPV with each moved down and up."""
    shown = a.tornado[a.tornado["swing"] > 0]
    base = float(a.tornado["base_npv"].iloc[0]) if len(a.tornado) else 0.0
    labels = [driver_label(a.programme, k, lang) for k in shown["driver"]]
    return (
        labels,
        [
            (
                t("evaluator.chart.driver_down", lang, pct=pct(a.spread)),
                [float(v) - base for v in shown["npv_low"]],
            ),
            (
                t("evaluator.chart.driver_up", lang, pct=pct(a.spread)),
                [float(v) - base for v in shown["npv_high"]],
            ),
        ],
        base,
    )


def evaluator_deck(
    a: Analysis, lang: str = "en", generated: datetime | None = None, currency: str = "CNY"
) -> Deck:
    e, p = a.evaluation, a.programme
    generated = generated or datetime.now()
    title = t("evaluator.report.title", lang, name=programme_label(p, lang))
    slides = [
        Slide(
            title,
            subtitle=t("boardpack.subtitle", lang, when=generated.strftime("%Y-%m-%d %H:%M")),
            cover=True,
        )
    ]
    intro = [x for x in (note_text(p, lang), t("evaluator.convention", lang)) if x]
    inputs = Table(
        [t("evaluator.col.input", lang), t("evaluator.col.value", lang), t("evaluator.col.how", lang)],
        input_rows(p, lang, currency),
        (4, 2, 4),
        frozenset({1}),
    )
    slides += _paginate(t("evaluator.report.assumptions", lang), intro, inputs, lang)
    figures = Table(
        [
            t("evaluator.col.figure", lang),
            t("evaluator.col.value", lang),
            t("evaluator.col.definition", lang),
        ],
        headline_rows(a, lang, currency),
        (2.6, 2.6, 6.0),
        frozenset({1}),
    )
    slides += _paginate(t("boardpack.figures", lang), warnings(e, lang, currency), figures, lang)
    years, series = cash_flow_series(a, lang)
    flows = e.cash_flows
    cumulative = [
        (t("evaluator.report.cumulative", lang), [float(v) for v in flows["cumulative"]]),
        (
            t("evaluator.report.cumulative_discounted", lang),
            [float(v) for v in flows["cumulative_discounted"]],
        ),
    ]
    slides.append(
        Slide(
            t("evaluator.report.cash_flows", lang),
            text=[
                t(
                    "boardpack.cash_flows.note",
                    lang,
                    payback=payback_text(e.payback_years, e, lang),
                    npv=money_full(e.npv, currency),
                )
            ],
            charts=[
                Chart(
                    "column",
                    t("evaluator.report.cash_flows", lang),
                    years,
                    series,
                    (GAIN_COLOUR, COST_COLOUR, LINE_COLOUR),
                ),
                Chart("line", t("boardpack.cumulative", lang), years, cumulative, (LINE_COLOUR, MUTED)),
            ],
        )
    )
    drivers, moves, base = tornado_series(a, lang)
    if drivers:
        slides.append(
            Slide(
                t("evaluator.chart.tornado", lang, pct=pct(a.spread)),
                text=[t("boardpack.tornado.note", lang, base=money_full(base, currency), pct=pct(a.spread))],
                charts=[
                    Chart("bar", t("boardpack.tornado.axis", lang), drivers, moves, (DOWN_COLOUR, UP_COLOUR))
                ],
            )
        )
    sensitivity = Table(
        sensitivity_headers(lang, a.spread),
        sensitivity_rows(a, lang, currency),
        (3.4, 1.6, 1.8, 1.8, 1.6, 1.2),
        frozenset({1, 2, 3, 4, 5}),
    )
    slides += _paginate(t("evaluator.report.sensitivity", lang), [], sensitivity, lang)
    return Deck(title, slides, currency)


# --------------------------------------------------------------------------------------
# The allocator's portfolio
# --------------------------------------------------------------------------------------
def curve_series(curve: al.BudgetCurve) -> tuple[list[float], list[float]]:
    """The budget–value curve as (x, y) points; a step curve is drawn as steps (each new
    value starts at its own budget, the old value held until then)."""
    xs = [float(v) for v in curve.points["budget"]]
    ys = [float(v) for v in curve.points["net"]]
    if not curve.exact_steps or len(xs) < 2:
        return xs, ys
    sx, sy = [xs[0]], [ys[0]]
    for x, y in zip(xs[1:], ys[1:], strict=True):
        if y != sy[-1]:
            sx.append(x)
            sy.append(sy[-1])
        sx.append(x)
        sy.append(y)
    return sx, sy


def allocator_deck(
    projects: Sequence[al.Project],
    alloc: al.Allocation,
    curve: al.BudgetCurve,
    lang: str = "en",
    verdicts: Sequence[al.Verdict] | None = None,
    generated: datetime | None = None,
    currency: str = "CNY",
) -> Deck:
    best, ranking = alloc.optimum, alloc.roi_ranking
    generated = generated or datetime.now()
    m = lambda v: money_full(v, currency)  # noqa: E731
    title = t("boardpack.al.title", lang, budget=m(alloc.budget))
    slides = [
        Slide(
            title,
            subtitle=t("boardpack.subtitle", lang, when=generated.strftime("%Y-%m-%d %H:%M")),
            cover=True,
        )
    ]
    intro = [t("boardpack.al.budget", lang) + ": " + m(alloc.budget)]
    locked = [p.name for p in projects if p.locked]
    excluded = [p.name for p in projects if p.excluded]
    if locked:
        intro.append(t("boardpack.al.locked", lang, names=", ".join(locked)))
    if excluded:
        intro.append(t("boardpack.al.excluded", lang, names=", ".join(excluded)))
    rows = []
    for p in projects:
        pilot = p.tiers[0] if p.tiers else None
        rows.append(
            [
                p.name,
                m(p.investment),
                m(p.uplift_per_customer),
                number(p.reach),
                "✓" if p.divisible else "",
                ""
                if pilot is None
                else f"{m(pilot.investment)} · {m(pilot.uplift_per_customer)} · {number(pilot.reach)}",
            ]
        )
    inputs = Table(
        [
            t("allocator.col.name", lang),
            t("allocator.col.investment", lang, cur=currency_unit(currency, lang)),
            t("allocator.col.uplift", lang, cur=currency_unit(currency, lang)),
            t("allocator.col.reach", lang),
            t("allocator.col.divisible", lang),
            t("allocator.col.pilot_investment", lang, cur=currency_unit(currency, lang)),
        ],
        rows,
        (3, 1.8, 1.8, 1.4, 1.0, 3.0),
        frozenset({1, 2, 3}),
    )
    slides += _paginate(t("allocator.page.projects", lang), intro, inputs, lang)

    figures = [
        (t("allocator.fig.net", lang), m(best.total_net), t("allocator.def.net", lang)),
        (t("allocator.fig.gain", lang), m(best.total_gain), t("allocator.def.gain", lang)),
        (t("allocator.col.cost", lang), m(best.total_cost), ""),
        (
            t("allocator.fig.combined_roi", lang),
            pct(best.combined_roi),
            t("allocator.def.combined_roi", lang),
        ),
        (
            t("allocator.fig.funded", lang),
            t("allocator.fig.funded_of", lang, n=best.funded_count, total=len(projects)),
            "",
        ),
        (t("allocator.fig.unspent", lang), m(best.unspent), t("allocator.def.unspent", lang)),
    ]
    if locked:
        figures.append(
            (t("boardpack.al.lock_cost", lang), m(alloc.lock_cost), t("boardpack.al.def.lock_cost", lang))
        )
    slides += _paginate(
        t("boardpack.figures", lang),
        [],
        Table(
            [
                t("evaluator.col.figure", lang),
                t("evaluator.col.value", lang),
                t("evaluator.col.definition", lang),
            ],
            figures,
            (2.6, 2.4, 6.2),
            frozenset({1}),
        ),
        lang,
    )

    funded = Table(
        [
            t("allocator.col.name", lang),
            t("allocator.col.option", lang),
            t("boardpack.al.share", lang),
            t("allocator.col.cost", lang),
            t("allocator.col.gain", lang),
            t("allocator.col.net", lang),
            t("allocator.fig.roi", lang),
        ],
        [
            [
                x.project,
                "" if x.option == al.FULL else option_label("", x.option, lang).strip(" ()"),
                pct(x.fraction),
                m(x.cost),
                m(x.gain),
                m(x.net),
                pct(x.net_roi),
            ]
            for x in best.lines
        ],
        (3.2, 1.2, 1.2, 1.7, 1.7, 1.7, 1.2),
        frozenset({2, 3, 4, 5, 6}),
    )
    unspent = [t("allocator.page.unspent", lang, unspent=m(best.unspent))] if best.unspent >= 1 else []
    slides += _paginate(t("boardpack.al.funded", lang), unspent, funded, lang)

    if alloc.ranking_is_optimal:
        verdict = t("allocator.page.ranking_same", lang)
    else:
        verdict = t(
            "allocator.page.ranking_worse",
            lang,
            ranking=", ".join(option_label(x.project, x.option, lang) for x in ranking.lines) or "—",
            ranking_net=m(ranking.total_net),
            best=", ".join(option_label(x.project, x.option, lang) for x in best.lines),
            missed=m(alloc.net_missed_by_ranking),
        )
    compare = Table(
        ["", t("boardpack.al.optimum", lang), t("boardpack.al.ranking", lang)],
        [
            [t("allocator.fig.net", lang), m(best.total_net), m(ranking.total_net)],
            [t("allocator.fig.gain", lang), m(best.total_gain), m(ranking.total_gain)],
            [t("allocator.col.cost", lang), m(best.total_cost), m(ranking.total_cost)],
            [t("allocator.fig.unspent", lang), m(best.unspent), m(ranking.unspent)],
            [
                t("boardpack.al.projects_funded", lang),
                ", ".join(option_label(x.project, x.option, lang) for x in best.lines) or "—",
                ", ".join(option_label(x.project, x.option, lang) for x in ranking.lines) or "—",
            ],
        ],
        (2.4, 4.4, 4.4),
        frozenset({1, 2}),
    )
    slides.append(Slide(t("boardpack.al.comparison", lang), text=[verdict], table=compare))
    slides.append(
        Slide(
            t("boardpack.al.comparison", lang),
            charts=[
                Chart(
                    "column",
                    t("allocator.fig.net", lang),
                    [t("boardpack.al.optimum", lang), t("boardpack.al.ranking", lang)],
                    [
                        (t("allocator.fig.net", lang), [best.total_net, ranking.total_net]),
                        (t("allocator.fig.unspent", lang), [best.unspent, ranking.unspent]),
                    ],
                    (GAIN_COLOUR, MUTED),
                )
            ],
        )
    )
    xs, ys = curve_series(curve)
    slides.append(
        Slide(
            t("allocator.page.chart_curve", lang),
            text=[t("boardpack.al.curve_note", lang, budget=m(alloc.budget), net=m(best.total_net))],
            charts=[
                Chart(
                    "xy",
                    t("allocator.page.chart_curve", lang),
                    series=[(t("allocator.page.optimum", lang), ys)],
                    x=xs,
                    colours=(LINE_COLOUR,),
                    x_title=t("boardpack.al.budget", lang),
                    y_title=t("allocator.fig.net", lang),
                )
            ],
        )
    )
    if verdicts:
        reasons = Table(
            [t("allocator.col.name", lang), t("allocator.col.status", lang), ""],
            [[v.project, t(f"allocator.status.{v.status}", lang), reason_text(v, lang)] for v in verdicts],
            (2.4, 1.6, 7.2),
        )
        slides += _paginate(t("allocator.page.reasons", lang), [], reasons, lang)
    return Deck(title, slides, currency)
