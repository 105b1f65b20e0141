"""Issue 14 (the channels page's reruns): the cached cohort tables, budget shift and the seed's
reconciliation are the engine's own results for the same inputs, computed here directly."""

from __future__ import annotations

import pandas as pd
import pytest

from clv_engine import channels as ch
from clv_engine import cohorts
from clv_engine.cohorts import LtvParams
from clv_engine.db import Database
from ui import queries


@pytest.fixture(scope="module")
def db(sample_db_path) -> Database:
    return Database(sample_db_path)


def test_cohort_views_are_the_cubes_sums(db):
    as_of = db.query_value("SELECT max(order_date) FROM orders")
    store = db.query_value("SELECT min(store_id) FROM stores")
    for params in (LtvParams(), LtvParams(horizon_years=3, discount_rate=0.05)):
        for stores in (None, (store,)):
            cube = cohorts.cohort_cube(db, as_of, params, stores)
            for dim in cohorts.DIMENSIONS:
                summary, years, mix = queries.cohort_views(db, as_of, params, stores, dim)
                pd.testing.assert_frame_equal(summary, cohorts.summary_from_cube(cube, dim))
                pd.testing.assert_frame_equal(years, cohorts.years_from_cube(cube, dim))
                pd.testing.assert_frame_equal(mix, cohorts.mix_from_cube(cube, dim))


def test_budget_shift_and_reconciliation_are_the_engines():
    for mix in ("customers", "spend"):
        base = ch.spec_simulator_base(mix)
        for split in ch.SPLITS:
            for beta in (1.0, 0.8):
                shift = ch.BudgetShift(tuple(ch.SPEC_SHIFT_FROM), tuple(ch.SPEC_SHIFT_TO), 0.3, split, beta)
                got, want = queries.budget_shift(base, shift), ch.shift_budget(base, shift)
                pd.testing.assert_frame_equal(got.table, want.table)
                assert (
                    got.spend,
                    got.customers_before,
                    got.customers_after,
                    got.ltv_before,
                    got.ltv_after,
                ) == (
                    want.spend,
                    want.customers_before,
                    want.customers_after,
                    want.ltv_before,
                    want.ltv_after,
                )
    for split in ("equal", "spend"):
        assert queries.spec_reconciliation(split) == ch.spec_reconciliation(split)


def _cohort_tables_as_before(db, as_of, params, stores, dim, lang):
    """The cohort section's tables as ui/cohort_panels.cohort_section computed them on every run
    before they were cached (queries.cohort_section_tables), kept here as they were."""
    from wording.catalogue import t
    from wording.channels import channel_label

    summary, years, mix = queries.cohort_views(db, as_of, params, stores, dim)
    raw_cohorts = ["" if v is None or pd.isna(v) else str(v) for v in summary["cohort"]]
    if dim == "channel":
        summary = ch.in_display_order(summary, "cohort")

    def cohort_label(value) -> str:
        if dim == "channel":
            return channel_label(value, lang)
        if value is None or pd.isna(value):
            return t("channels.unrecorded", lang)
        return str(value)

    for frame in (summary, years, mix):
        frame["cohort"] = [cohort_label(v) for v in frame["cohort"]]
    cohort_cac = pd.Series(dtype=float)
    overall_cac = queries.channel_cac(db, as_of, None)
    if overall_cac is not None:
        cohort_cac = ch.cohort_cac(mix, queries.cac_by_year(db, as_of), overall_cac)
    payback = cohorts.cohort_payback_year(years, cohort_cac)
    matrix = cohorts.retention_matrix(years)
    matrix = matrix.reindex([c for c in summary["cohort"] if c in matrix.index])
    return summary, years, mix, raw_cohorts, cohort_cac, payback, matrix, overall_cac is not None


@pytest.fixture(scope="module")
def other_db(tmp_path_factory) -> Database:
    """Another generated database (another seed, a few hundred customers)."""
    from sample_data.generate import generate

    path = tmp_path_factory.mktemp("other") / "other.duckdb"
    generate(300, 5, path)
    return Database(path)


@pytest.mark.parametrize("which", ["sample", "other"])
def test_cached_channel_and_cohort_tables_are_the_pages_own(db, other_db, which):
    """queries.channel_ltv, channel_table and cohort_section_tables give what the page computed
    on every run before (the engine's functions, and the cohort section's code kept above)."""
    base = db if which == "sample" else other_db
    as_of = base.query_value("SELECT max(order_date) FROM orders")
    store = base.query_value("SELECT min(store_id) FROM stores")
    for params in (LtvParams(), LtvParams(horizon_years=3, discount_rate=0.05)):
        for stores in (None, (store,)):
            cube = cohorts.cohort_cube(base, as_of, params, stores)
            ltv = ch.channel_ltv_from_cube(cube)
            pd.testing.assert_frame_equal(queries.channel_ltv(base, as_of, params, stores), ltv)
            for months in (None, 12):
                pd.testing.assert_frame_equal(
                    queries.channel_table(base, as_of, params, stores, months),
                    ch.combine_channel_table(ltv, queries.channel_cac(base, as_of, months)),
                )
            for dim in cohorts.DIMENSIONS:
                for lang in ("en", "zh"):
                    got = queries.cohort_section_tables(base, as_of, params, stores, dim, lang)
                    want = _cohort_tables_as_before(base, as_of, params, stores, dim, lang)
                    for g, w in zip(got, want):
                        if isinstance(w, pd.DataFrame):
                            pd.testing.assert_frame_equal(g, w)
                        elif isinstance(w, pd.Series):
                            pd.testing.assert_series_equal(g, w)
                        else:
                            assert g == w
