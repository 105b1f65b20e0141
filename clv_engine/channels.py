"""Acquisition channels: CAC, LTV, LTV/CAC, payback and the budget-shift simulator (SPEC §6).

- CAC = channel spend ÷ new customers won (``channel_spend``), by period and over a window.
  Spend is recorded for the whole group, not per store, so CAC ignores the store scope.
- LTV per channel = mean of ``cohorts.customer_ltv`` over the channel's customers in scope
  (gross profit, discounted, at the horizon the user sets; definition in ``cohorts``).
- LTV/CAC and its band (seed 001): < 1 stop; 1-3 marginal; 3-5 healthy; > 5 excellent.
  A ratio of exactly 3 or 5 counts as healthy (the seed's ranges overlap at their ends).
- CAC payback in months = CAC ÷ (mean yearly gross profit per customer ÷ 12).
- Budget shift: customers won in a channel = current customers × (new spend ÷ current
  spend)^β. β = 1 is the SPEC's linear reasoning (every yuan wins what the average yuan wins
  now); β < 1 means each extra yuan wins fewer customers than the last, and a cut loses the
  least productive customers first. New customers are assumed worth the channel's LTV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from clv_engine import cohorts, errors
from clv_engine.cohorts import LtvParams
from clv_engine.db import Database
from clv_engine.errors import InputError

# Stable channel ids (customers.channel, channel_spend.channel); their names are drawn by
# ``wording.channels.channel_label``. A dealer's own codes are ids too.
CHANNEL_CODES = ("referral", "social", "store", "search", "show", "ecommerce")

BANDS = ("stop", "marginal", "healthy", "excellent")
BAND_LIMITS = (1.0, 3.0, 5.0)  # reference lines on the chart
BAND_COLOURS = {"stop": "#c62828", "marginal": "#ef8f00", "healthy": "#2e7d32", "excellent": "#1565c0"}

# SPEC §6 (seed 001, "a new-energy brand, 2023"): CAC, LTV and the seed's own advice.
SPEC_CHANNELS = pd.DataFrame(
    {
        "channel": list(CHANNEL_CODES),
        "cac": [1_200.0, 2_800.0, 8_500.0, 5_200.0, 12_000.0, 6_800.0],
        "ltv": [24_800.0, 18_600.0, 21_200.0, 14_300.0, 16_800.0, 11_200.0],
        "advice": [
            "invest_more",
            "keep_investing",
            "improve_conversion",
            "test_optimise",
            "cut",
            "phase_out",
        ],
    }
)
# The seed's strategy: 30% of the budget of shows and e-commerce moved to referral and social.
SPEC_SHIFT_FROM = ("show", "ecommerce")
SPEC_SHIFT_TO = ("referral", "social")
SPEC_SHIFT_SHARE = 0.30
SPEC_BLENDED_BEFORE = 3.2
SPEC_BLENDED_AFTER = 4.8


def ltv_cac_ratio(ltv: float, cac: float) -> float:
    """LTV ÷ CAC; NaN when CAC is unknown or not positive (a free channel has no ratio)."""
    if cac is None or ltv is None or not np.isfinite(cac) or cac <= 0 or not np.isfinite(ltv):
        return float("nan")
    return float(ltv) / float(cac)


def verdict_band(ratio: float | None) -> str | None:
    """The seed's band of an LTV/CAC ratio; None when there is no ratio."""
    if ratio is None or not np.isfinite(ratio):
        return None
    if ratio < 1:
        return "stop"
    if ratio < 3:
        return "marginal"
    if ratio <= 5:
        return "healthy"
    return "excellent"


def payback_months(cac: float, annual_gp: float) -> float:
    """Months of gross profit that repay the CAC; NaN when the customer earns nothing a year."""
    if cac is None or annual_gp is None or not np.isfinite(cac) or not np.isfinite(annual_gp):
        return float("nan")
    if annual_gp <= 0:
        return float("nan")
    return float(cac) / (float(annual_gp) / 12.0)


def with_ratios(table: pd.DataFrame, band_of_rounded: bool = False) -> pd.DataFrame:
    """``table`` (with ``ltv`` and ``cac``) plus ``ltv_cac`` and its ``band``: the one place
    LTV/CAC is computed. ``band_of_rounded``: band the ratio as the seed prints it (one decimal)."""
    out = table.copy()
    out["ltv_cac"] = [ltv_cac_ratio(v, c) for v, c in zip(out["ltv"], out["cac"])]
    out["band"] = [
        verdict_band(round(r, 1) if band_of_rounded and np.isfinite(r) else r) for r in out["ltv_cac"]
    ]
    return out


def spec_channel_table(
    cac: Sequence[float] | None = None, ltv: Sequence[float] | None = None
) -> pd.DataFrame:
    """SPEC §6 as a preset: channel, cac, ltv, ltv_cac, band (of the ratio rounded as the seed
    prints it), advice. ``cac`` / ``ltv``: the reader's own figures in the seed's channel order."""
    table = SPEC_CHANNELS.copy()
    if cac is not None:
        table["cac"] = pd.to_numeric(pd.Series(list(cac)), errors="coerce").to_numpy(dtype=float)
    if ltv is not None:
        table["ltv"] = pd.to_numeric(pd.Series(list(ltv)), errors="coerce").to_numpy(dtype=float)
    return with_ratios(table, band_of_rounded=True)


# -- CAC from channel_spend ------------------------------------------------------------------

PERIODS = ("month", "quarter", "year")


def _window_start(as_of: date, months: int | None) -> date | None:
    if months is None:
        return None
    if not isinstance(months, (int, np.integer)) or months < 1:
        raise ValueError(f"months must be a positive whole number or None, got {months!r}")
    # The window holds the ``months`` calendar months up to and including as_of's month.
    index = as_of.year * 12 + (as_of.month - 1) - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def channel_cac(db: Database, as_of: date, months: int | None = None) -> pd.DataFrame:
    """Spend, new customers and CAC per channel over the ``months`` up to ``as_of`` (None: all).

    Columns: channel, spend, new_customers, cac (NaN where no customer was won).
    """
    start = _window_start(as_of, months)
    return db.query_df(
        """
        SELECT channel, sum(spend) AS spend, CAST(sum(new_customers) AS BIGINT) AS new_customers,
               CASE WHEN sum(new_customers) > 0 THEN sum(spend) / sum(new_customers) END AS cac
        FROM channel_spend
        WHERE month <= CAST(? AS DATE) AND (CAST(? AS DATE) IS NULL OR month >= CAST(? AS DATE))
        GROUP BY channel ORDER BY channel
        """,
        [as_of, start, start],
    )


def cac_by_period(db: Database, as_of: date, period: str = "year") -> pd.DataFrame:
    """CAC per channel and period (month, quarter or year): period, channel, spend,
    new_customers, cac."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    return db.query_df(
        """
        SELECT CAST(date_trunc(?, month) AS DATE) AS period, channel, sum(spend) AS spend,
               CAST(sum(new_customers) AS BIGINT) AS new_customers,
               CASE WHEN sum(new_customers) > 0 THEN sum(spend) / sum(new_customers) END AS cac
        FROM channel_spend WHERE month <= CAST(? AS DATE)
        GROUP BY ALL ORDER BY period, channel
        """,
        [period, as_of],
    )


# -- the channel table -----------------------------------------------------------------------


def channel_ltv(
    db: Database, as_of: date, params: LtvParams = LtvParams(), store_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Customers, mean LTV, total LTV and mean yearly gross profit per channel (store scope)."""
    return channel_ltv_from_cube(cohorts.cohort_cube(db, as_of, params, store_ids))


def channel_ltv_from_cube(cube: cohorts.CohortCube) -> pd.DataFrame:
    """``channel_ltv`` from a cohort cube already computed (the page's cache)."""
    ltv = cohorts.summary_from_cube(cube, "channel")
    out = ltv.rename(columns={"cohort": "channel"})[["channel", "customers", "ltv", "total_ltv", "annual_gp"]]
    out.attrs.update(ltv.attrs)
    return out


def combine_channel_table(ltv: pd.DataFrame, cac: pd.DataFrame | None) -> pd.DataFrame:
    """``channel_ltv`` and ``channel_cac`` side by side with LTV/CAC, band and payback months.

    ``cac`` None (no channel spend): the CAC columns are NaN and the band None. Columns:
    channel, customers, ltv, total_ltv, annual_gp, spend, new_customers, cac, ltv_cac, band,
    payback_months.
    """
    cac = _empty_cac() if cac is None else cac
    # No channel imported: the customers' channel column is all missing and reads as float,
    # which pandas will not merge with the spend table's text channels.
    table = ltv.astype({"channel": object}).merge(cac.astype({"channel": object}), on="channel", how="outer")
    table["customers"] = table["customers"].fillna(0).astype("int64")
    table = with_ratios(table)
    table["payback_months"] = [payback_months(c, g) for c, g in zip(table["cac"], table["annual_gp"])]
    table.attrs.update(ltv.attrs)
    return in_display_order(table)


def channel_table(
    db: Database,
    as_of: date,
    params: LtvParams = LtvParams(),
    store_ids: Sequence[str] | None = None,
    cac_months: int | None = None,
) -> pd.DataFrame:
    """One row per channel: customers and LTV (scope), spend, new customers and CAC (group,
    over ``cac_months`` up to ``as_of``, None: all), LTV/CAC, band and payback months.
    CAC columns are NaN when ``channel_spend`` is empty (see ``combine_channel_table``)."""
    cac = channel_cac(db, as_of, cac_months) if db.table_rows("channel_spend") else None
    return combine_channel_table(channel_ltv(db, as_of, params, store_ids), cac)


def _empty_cac() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": pd.Series([], dtype=object),
            "spend": pd.Series([], dtype=float),
            "new_customers": pd.Series([], dtype="int64"),
            "cac": pd.Series([], dtype=float),
        }
    )


def in_display_order(table: pd.DataFrame, column: str = "channel") -> pd.DataFrame:
    """Rows by channel: the seed's channels first, in its order; a dealer's own codes after
    them by name; a missing channel last."""
    order = {code: i for i, code in enumerate(CHANNEL_CODES)}
    rank = [order.get(c, len(order)) if isinstance(c, str) else len(order) + 1 for c in table[column]]
    names = [c if isinstance(c, str) else "" for c in table[column]]
    out = (
        table.assign(_rank=rank, _name=names).sort_values(["_rank", "_name"]).drop(columns=["_rank", "_name"])
    )
    return out.reset_index(drop=True)


def blended_ratio(total_ltv: float, total_spend: float) -> float:
    """Blended LTV/CAC of several channels = all customers' LTV ÷ all acquisition spend."""
    return ltv_cac_ratio(total_ltv, total_spend)


# -- budget shift simulator ------------------------------------------------------------------

SPLITS = ("equal", "spend")
CODES = errors.declare(
    "channels",
    "unknown_channel",
    "both_lists",
    "share_range",
    "split",
    "returns_exponent",
    "no_destination",
    "no_spend",
    "no_ltv",
)


@dataclass(frozen=True)
class BudgetShift:
    """Move ``share`` of each source channel's spend to the destination channels.

    ``split``: "equal" (each destination gets the same amount) or "spend" (in proportion to
    its current spend). ``returns_exponent`` β in (0, 1]: customers = N0 × (S/S0)^β.
    """

    from_channels: tuple[str, ...]
    to_channels: tuple[str, ...]
    share: float
    split: str = "equal"
    returns_exponent: float = 1.0


@dataclass(frozen=True)
class ShiftResult:
    table: pd.DataFrame  # channel, spend/customers/ltv before and after
    spend: float  # total, unchanged by a shift
    customers_before: float
    customers_after: float
    ltv_before: float
    ltv_after: float

    @property
    def ratio_before(self) -> float:
        return blended_ratio(self.ltv_before, self.spend)

    @property
    def ratio_after(self) -> float:
        return blended_ratio(self.ltv_after, self.spend)

    @property
    def value_change(self) -> float:
        """Relative change of the total LTV won by the same budget."""
        return self.ltv_after / self.ltv_before - 1 if self.ltv_before else float("nan")


def _validate_shift(base: pd.DataFrame, shift: BudgetShift) -> None:
    for column in ("channel", "spend", "new_customers", "ltv"):
        if column not in base.columns:
            raise ValueError(f"simulator base needs a column {column!r}")
    if base["channel"].duplicated().any():
        raise ValueError(
            "simulator base lists a channel twice: "
            + ", ".join(base.loc[base["channel"].duplicated(), "channel"].astype(str))
        )
    known = set(base["channel"])
    for channels in (shift.from_channels, shift.to_channels):
        for code in channels:
            if code not in known:  # no spend in the simulator base
                raise InputError(CODES["unknown_channel"], channel=code)
    both = set(shift.from_channels) & set(shift.to_channels)
    if both:
        raise InputError(CODES["both_lists"], channel=sorted(both)[0])
    if not np.isfinite(shift.share) or not 0 <= shift.share <= 1:
        raise InputError(CODES["share_range"], share=shift.share)
    if shift.split not in SPLITS:
        raise InputError(CODES["split"], split=shift.split)
    if not np.isfinite(shift.returns_exponent) or not 0 < shift.returns_exponent <= 1:
        raise InputError(CODES["returns_exponent"], beta=shift.returns_exponent)
    rows = base.set_index("channel")
    for code in (*shift.from_channels, *shift.to_channels):
        row = rows.loc[code]
        if not (row["spend"] > 0 and row["new_customers"] > 0):
            # (S/S0)^β needs a current spend that won customers to scale from.
            raise InputError(CODES["no_spend"], channel=code)
        if not np.isfinite(row["ltv"]):  # no customers in scope
            raise InputError(CODES["no_ltv"], channel=code)


def shift_budget(base: pd.DataFrame, shift: BudgetShift) -> ShiftResult:
    """Spend, customers and LTV per channel before and after moving budget (module docstring).

    ``base``: channel, spend, new_customers, ltv (per customer). Channels not named in the
    shift keep their spend and customers.
    """
    _validate_shift(base, shift)
    table = base[["channel", "spend", "new_customers", "ltv"]].copy().reset_index(drop=True)
    table = table.rename(columns={"spend": "spend_before", "new_customers": "customers_before"})
    spend = table.set_index("channel")["spend_before"].astype(float)
    after = spend.copy()
    sources = list(shift.from_channels)
    moved = spend[sources] * shift.share if sources else pd.Series(dtype=float)
    after[sources] -= moved
    total_moved = float(moved.sum())
    targets = list(shift.to_channels)
    if targets and total_moved > 0:
        if shift.split == "equal":
            weights = pd.Series(1.0 / len(targets), index=targets)
        else:
            weights = spend[targets] / spend[targets].sum()
        after[targets] += total_moved * weights
    elif total_moved > 0:
        raise InputError(CODES["no_destination"])
    table["spend_after"] = table["channel"].map(after).astype(float)
    scale = table["spend_after"] / table["spend_before"].where(table["spend_before"] > 0)
    customers = table["customers_before"].astype(float)
    table["customers_after"] = np.where(
        table["spend_after"] == table["spend_before"],
        customers,
        customers * np.power(scale.fillna(1.0), shift.returns_exponent),
    )
    ltv = table["ltv"].astype(float).fillna(0.0)
    table["ltv_before"] = customers * ltv
    table["ltv_after"] = table["customers_after"] * ltv
    table["cac_before"] = table["spend_before"] / customers.where(customers > 0)
    table["cac_after"] = table["spend_after"] / table["customers_after"].where(table["customers_after"] > 0)
    table = table.rename(columns={"ltv": "ltv_per_customer"})
    return ShiftResult(
        table=table,
        spend=float(table["spend_before"].sum()),
        customers_before=float(customers.sum()),
        customers_after=float(table["customers_after"].sum()),
        ltv_before=float(table["ltv_before"].sum()),
        ltv_after=float(table["ltv_after"].sum()),
    )


MIXES = ("customers", "spend")


def spec_simulator_base(mix: str = "customers", amount: float = 1_000.0) -> pd.DataFrame:
    """The SPEC §6 table as a simulator base. The seed does not say how its budget is split, so:
    "customers" — ``amount`` customers won by every channel (spend = amount × CAC);
    "spend" — ``amount`` yuan spent in every channel (customers = amount ÷ CAC)."""
    if mix not in MIXES:
        raise ValueError(f"mix must be one of {', '.join(MIXES)}, got {mix!r}")
    if not amount > 0:
        raise ValueError(f"amount must be above 0, got {amount!r}")
    base = SPEC_CHANNELS[["channel", "cac", "ltv"]].copy()
    if mix == "customers":
        base["new_customers"] = float(amount)
        base["spend"] = base["new_customers"] * base["cac"]
    else:
        base["spend"] = float(amount)
        base["new_customers"] = base["spend"] / base["cac"]
    return base[["channel", "spend", "new_customers", "ltv"]]


def spec_shift(split: str = "equal", returns_exponent: float = 1.0) -> BudgetShift:
    return BudgetShift(SPEC_SHIFT_FROM, SPEC_SHIFT_TO, SPEC_SHIFT_SHARE, split, returns_exponent)


@dataclass(frozen=True)
class SpecReconciliation:
    """What the SPEC's own table gives for its "3.2 → 4.8" (linear returns)."""

    equal_customers_before: float
    equal_customers_after: float
    equal_customers_value_change: float
    equal_spend_before: float
    equal_spend_after: float


def spec_reconciliation(split: str = "equal") -> SpecReconciliation:
    by_customers = shift_budget(spec_simulator_base("customers"), spec_shift(split))
    by_spend = shift_budget(spec_simulator_base("spend"), spec_shift(split))
    return SpecReconciliation(
        equal_customers_before=by_customers.ratio_before,
        equal_customers_after=by_customers.ratio_after,
        equal_customers_value_change=by_customers.value_change,
        equal_spend_before=by_spend.ratio_before,
        equal_spend_after=by_spend.ratio_after,
    )


def data_simulator_base(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a ``channel_table`` (computed with the simulator's spend window) that can be
    simulated: spend and customers above 0 and an LTV."""
    usable = table[(table["spend"] > 0) & (table["new_customers"] > 0) & table["ltv"].notna()]
    return usable[["channel", "spend", "new_customers", "ltv"]].reset_index(drop=True)


def cohort_cac(mix: pd.DataFrame, cac_by_year: pd.DataFrame, cac: pd.DataFrame) -> pd.Series:
    """Acquisition cost per customer of each cohort: the mean over its customers of their
    channel's CAC in their purchase year (the channel's CAC over all months where that year has
    no spend recorded). NaN for a cohort with a customer whose channel has no CAC at all.

    ``mix``: cohort, channel, purchase_year, customers (``cohorts.cohort_channel_mix``);
    ``cac_by_year``: period, channel, cac (``cac_by_period(..., "year")``); ``cac``: channel, cac.
    """
    yearly = cac_by_year.assign(purchase_year=pd.to_datetime(cac_by_year["period"]).dt.year)
    # A channel column with no value at all reads as float: one key type for the merges.
    as_text = {"channel": object}
    joined = (
        mix.astype(as_text)
        .merge(
            yearly[["channel", "purchase_year", "cac"]].rename(columns={"cac": "cac_year"}).astype(as_text),
            on=["channel", "purchase_year"],
            how="left",
        )
        .merge(cac[["channel", "cac"]].astype(as_text), on="channel", how="left")
    )
    unit = joined["cac_year"].fillna(joined["cac"])
    joined["cost"] = joined["customers"] * unit
    joined["known"] = unit.notna()
    grouped = joined.groupby("cohort", dropna=False, sort=False)
    cost = grouped["cost"].sum() / grouped["customers"].sum()
    # A cohort with a customer of unknown cost would be understated: NaN instead.
    return cost.where(grouped["known"].all()).rename("cac")


def cohort_ratios(ltv: pd.Series, cac: pd.Series) -> pd.Series:
    """LTV/CAC of each cohort (``ltv`` and ``cac`` indexed alike), by ``ltv_cac_ratio``."""
    return pd.Series(
        [ltv_cac_ratio(v, c) for v, c in zip(ltv, cac.reindex(ltv.index))], index=ltv.index, dtype=float
    )
