"""Pure money rules: additional compensation bounds (Inspection Reg. art. 26), the criminal amount threshold
(法释〔2013〕3号 art. 3). No database."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.calculators import (ItemView, ThresholdFigures, additional_compensation_bounds, criminal_threshold_met,
                                 money, months_covered)

D = dt.date
T = ThresholdFigures(per_worker_min=Decimal("5000.00"), min_months=3, ten_plus_total_min=Decimal("30000.00"),
                     min_workers=10)


def item(worker, start, end, amount, remuneration=True):
    return ItemView(worker_key=str(worker), period_start=start, period_end=end, outstanding=Decimal(amount),
                    is_remuneration=remuneration)


def months(worker, first_month, n, per_month, remuneration=True):
    """``n`` monthly items for one worker, 2026 from ``first_month``."""
    return [item(worker, D(2026, first_month + i, 1), D(2026, first_month + i, 28), per_month, remuneration)
            for i in range(n)]


# --- money ------------------------------------------------------------------------------------------------------

def test_money_rounds_half_up_to_the_cent():
    assert money("0.005") == Decimal("0.01")
    assert money("2.675") == Decimal("2.68")   # a float would give 2.67
    assert money(Decimal("-0.005")) == Decimal("-0.01")
    assert money(10) == Decimal("10.00")


@pytest.mark.parametrize("start,end,expected", [
    (D(2026, 1, 3), D(2026, 3, 28), 3),
    (D(2026, 1, 1), D(2026, 1, 31), 1),
    (D(2025, 12, 31), D(2026, 1, 1), 2),
    (D(2025, 11, 1), D(2026, 2, 28), 4),
])
def test_months_covered(start, end, expected):
    assert months_covered(start, end) == expected


# --- additional compensation ------------------------------------------------------------------------------------

def test_additional_compensation_bounds_at_exactly_50_and_100_percent():
    low, high = additional_compensation_bounds(Decimal("17000.00"), Decimal("0.50"), Decimal("1.00"))
    assert (low, high) == (Decimal("8500.00"), Decimal("17000.00"))
    assert low == money(Decimal("17000.00") * Decimal("0.5")) and high == Decimal("17000.00")


def test_additional_compensation_bounds_round_to_the_cent():
    low, high = additional_compensation_bounds(Decimal("1000.01"), Decimal("0.50"), Decimal("1.00"))
    assert (low, high) == (Decimal("500.01"), Decimal("1000.01"))  # 500.005 rounds half up
    assert low.as_tuple().exponent == -2 and high.as_tuple().exponent == -2


def test_additional_compensation_of_nothing_is_nothing():
    assert additional_compensation_bounds(Decimal("0"), Decimal("0.5"), Decimal("1")) == (Decimal("0.00"),) * 2


@settings(max_examples=100, deadline=None)
@given(unpaid=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2))
def test_property_bounds_ordered_and_within_the_amount(unpaid):
    low, high = additional_compensation_bounds(unpaid, Decimal("0.50"), Decimal("1.00"))
    assert Decimal(0) <= low <= high == unpaid
    assert abs(low * 2 - unpaid) <= Decimal("0.01")


# --- criminal threshold: one worker ----------------------------------------------------------------------------

def test_one_worker_three_months_at_exactly_the_figure_is_met():
    items = months("w1", 1, 3, "1666.66") + [item("w1", D(2026, 3, 1), D(2026, 3, 28), "0.02")]
    assert sum(i.outstanding for i in items) == Decimal("5000.00")
    assert criminal_threshold_met(items, T) == (True, "per_worker")


def test_one_worker_three_months_one_cent_below_is_not_met():
    items = months("w1", 1, 3, "1666.66") + [item("w1", D(2026, 3, 1), D(2026, 3, 28), "0.01")]
    assert sum(i.outstanding for i in items) == Decimal("4999.99")
    assert criminal_threshold_met(items, T) == (False, "")


def test_one_worker_two_months_is_not_met_whatever_the_amount():
    assert criminal_threshold_met(months("w1", 1, 2, "50000"), T) == (False, "")


def test_one_item_spanning_three_months_counts_three_months():
    assert criminal_threshold_met([item("w1", D(2026, 1, 15), D(2026, 3, 14), "5000")], T) == (True, "per_worker")
    assert criminal_threshold_met([item("w1", D(2026, 1, 15), D(2026, 2, 28), "5000")], T) == (False, "")


def test_same_month_twice_counts_once():
    items = [item("w1", D(2026, 1, 1), D(2026, 1, 31), "3000"), item("w1", D(2026, 1, 1), D(2026, 1, 31), "3000"),
             item("w1", D(2026, 2, 1), D(2026, 2, 28), "3000")]
    assert criminal_threshold_met(items, T) == (False, "")


def test_months_and_amount_must_belong_to_the_same_worker():
    items = months("w1", 1, 3, "100") + months("w2", 1, 1, "6000")
    assert criminal_threshold_met(items, T) == (False, "")


def test_non_remuneration_categories_are_ignored():
    # 3 months of wages below the figure, topped up by severance: still not met
    items = months("w1", 1, 3, "1000") + [item("w1", D(2026, 3, 1), D(2026, 3, 31), "10000", remuneration=False)]
    assert criminal_threshold_met(items, T) == (False, "")
    # 3 months only thanks to a non-remuneration item: not met either
    items = months("w1", 1, 2, "5000") + [item("w1", D(2026, 3, 1), D(2026, 3, 31), "1", remuneration=False)]
    assert criminal_threshold_met(items, T) == (False, "")


def test_paid_items_do_not_count():
    items = months("w1", 1, 2, "3000") + [item("w1", D(2026, 3, 1), D(2026, 3, 31), "0")]
    assert criminal_threshold_met(items, T) == (False, "")


# --- criminal threshold: ten or more workers ---------------------------------------------------------------------

def test_ten_workers_cumulative_at_exactly_the_total_is_met():
    items = [item(f"w{i}", D(2026, 1, 1), D(2026, 1, 31), "3000") for i in range(10)]
    assert criminal_threshold_met(items, T) == (True, "cumulative")


def test_ten_workers_one_cent_below_the_total_is_not_met():
    items = [item(f"w{i}", D(2026, 1, 1), D(2026, 1, 31), "3000") for i in range(9)]
    items.append(item("w9", D(2026, 1, 1), D(2026, 1, 31), "2999.99"))
    assert criminal_threshold_met(items, T) == (False, "")


def test_nine_workers_are_not_enough_whatever_the_total():
    items = [item(f"w{i}", D(2026, 1, 1), D(2026, 1, 31), "4999.99") for i in range(9)]
    assert sum(i.outstanding for i in items) >= T.ten_plus_total_min
    assert criminal_threshold_met(items, T) == (False, "")


def test_tenth_worker_owed_only_non_remuneration_does_not_count():
    items = [item(f"w{i}", D(2026, 1, 1), D(2026, 1, 31), "4000") for i in range(9)]
    items.append(item("w9", D(2026, 1, 1), D(2026, 1, 31), "4000", remuneration=False))
    assert criminal_threshold_met(items, T) == (False, "")


def test_figures_come_from_configuration():
    items = [item(f"w{i}", D(2026, 1, 1), D(2026, 1, 31), "4000") for i in range(8)]
    liaoning_like = ThresholdFigures(Decimal("10000"), 3, Decimal("32000"), 8)
    assert criminal_threshold_met(items, liaoning_like) == (True, "cumulative")
    assert criminal_threshold_met(items, T) == (False, "")
