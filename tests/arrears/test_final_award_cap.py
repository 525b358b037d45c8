"""The final-award cap and the per-item finality test (LDMAL art. 47; Arbitration Rules art. 50; spec §3, §6.4):
12 × the local monthly minimum wage, "不超过" (exactly the cap is final, one cent more is not), per item; and the
minimum-wage lookup (most specific region, latest standard in force)."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.calculators import (CAPPED_CATEGORIES, FINAL, NON_FINAL, STANDARD_CATEGORIES, classify_award_item,
                                 final_award_cap, minimum_wage_on)

D = dt.date
CAP = Decimal("22200.00")
OTHER_CATEGORIES = ["relationship", "contract", "other"]

cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)
caps = st.integers(min_value=1, max_value=10**7).map(lambda c: Decimal(c) / 100)


def classify(category, amount, nsd=False, cap=CAP):
    return classify_award_item(category=category, amount=amount, national_standard_dispute=nsd, cap=cap)


# --- the cap --------------------------------------------------------------------------------------------------------

def test_cap_is_twelve_months_of_the_tibet_minimum_wage():
    assert final_award_cap(Decimal("1850.00"), Decimal("12")) == Decimal("22200.00")
    assert final_award_cap(Decimal("1650.00"), Decimal("12")) == Decimal("19800.00")


def test_cap_is_rounded_to_the_cent():
    cap = final_award_cap(Decimal("1234.567"), Decimal("12"))
    assert cap == Decimal("14814.80") and cap.as_tuple().exponent == -2


# --- the boundary: 不超过 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("category", sorted(CAPPED_CATEGORIES))
def test_exactly_the_cap_is_final_one_cent_more_is_not(category):
    assert classify(category, Decimal("22200.00")) == FINAL
    assert classify(category, Decimal("22200.01")) == NON_FINAL
    assert classify(category, Decimal("22199.99")) == FINAL
    assert classify(category, Decimal("0.00")) == FINAL


def test_the_1650_cap_before_july_2021():
    cap = final_award_cap(Decimal("1650.00"), Decimal("12"))
    assert classify("wages", Decimal("19800.00"), cap=cap) == FINAL
    assert classify("wages", Decimal("19800.01"), cap=cap) == NON_FINAL


@pytest.mark.parametrize("category", sorted(CAPPED_CATEGORIES))
def test_money_item_without_an_amount_cannot_be_final(category):
    assert classify(category, None) == NON_FINAL


@pytest.mark.parametrize("category", sorted(STANDARD_CATEGORIES))
def test_national_standard_disputes_are_final_whatever_the_amount(category):
    assert classify(category, Decimal("999999.99"), nsd=True) == FINAL
    assert classify(category, None, nsd=True) == FINAL
    assert classify(category, Decimal("100.00"), nsd=False) == NON_FINAL


@pytest.mark.parametrize("category", OTHER_CATEGORIES)
def test_relationship_contract_and_other_are_never_final(category):
    assert classify(category, None) == NON_FINAL
    assert classify(category, Decimal("0.00"), nsd=True) == NON_FINAL
    assert classify(category, Decimal("1.00")) == NON_FINAL


def test_plain_strings_match_the_disputes_choices():
    """arrears does not import disputes; the strings it returns and tests on must be the disputes values."""
    from disputes.models import AwardCategory, Finality

    assert {FINAL, NON_FINAL} == set(Finality.values)
    assert CAPPED_CATEGORIES | STANDARD_CATEGORIES | set(OTHER_CATEGORIES) == set(AwardCategory.values)


# --- properties -----------------------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(a=cents, b=cents, cap=caps, category=st.sampled_from(sorted(CAPPED_CATEGORIES)))
def test_finality_is_monotonic_in_the_amount(a, b, cap, category):
    low, high = min(a, b), max(a, b)
    if classify(category, high, cap=cap) == FINAL:
        assert classify(category, low, cap=cap) == FINAL
    if classify(category, low, cap=cap) == NON_FINAL:
        assert classify(category, high, cap=cap) == NON_FINAL


@settings(max_examples=300, deadline=None)
@given(cap=caps, category=st.sampled_from(sorted(CAPPED_CATEGORIES)))
def test_exactly_the_cap_final_and_a_cent_more_not_for_any_cap(cap, category):
    assert classify(category, cap, cap=cap) == FINAL
    assert classify(category, cap + Decimal("0.01"), cap=cap) == NON_FINAL


@settings(max_examples=200, deadline=None)
@given(monthly=st.integers(min_value=100, max_value=10**6).map(lambda c: Decimal(c) / 100),
       months=st.integers(min_value=1, max_value=24))
def test_a_money_item_of_exactly_the_computed_cap_is_final(monthly, months):
    cap = final_award_cap(monthly, Decimal(months))
    assert cap == monthly * months  # two-place inputs: no rounding is needed, none may happen
    assert classify("wages", cap, cap=cap) == FINAL
    assert classify("wages", cap + Decimal("0.01"), cap=cap) == NON_FINAL


@settings(max_examples=200, deadline=None)
@given(amounts=st.lists(st.integers(min_value=0, max_value=2220000).map(lambda c: Decimal(c) / 100), min_size=2,
                        max_size=6).filter(lambda xs: sum(xs) > CAP))
def test_items_within_the_cap_stay_final_however_large_their_total(amounts):
    """Per item, never on the total (Rules 50; SPC Interp. I art. 19): items each within the cap are all final even
    when together they exceed it."""
    assert sum(amounts) > CAP
    assert [classify("wages", a) for a in amounts] == [FINAL] * len(amounts)


# --- the minimum wage of the place on the date -------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("region,on,monthly", [
    ("540100", D(2021, 6, 30), Decimal("1650.00")),
    ("540100", D(2021, 7, 1), Decimal("1850.00")),
    ("540102", D(2025, 8, 1), Decimal("1850.00")),
    ("540000", D(2018, 1, 1), Decimal("1650.00")),
    ("540000", D(2017, 12, 31), Decimal("1400.00")),
])
def test_minimum_wage_on_picks_the_standard_in_force(region, on, monthly):
    assert minimum_wage_on(region, on).monthly_yuan == monthly


@pytest.mark.django_db
def test_a_region_specific_standard_beats_the_province():
    from arrears.models import MinimumWageStandard

    MinimumWageStandard.objects.create(region_code="540100", monthly_yuan=Decimal("2000.00"),
                                       hourly_yuan=Decimal("20.00"), effective_from=D(2024, 1, 1),
                                       source_doc="拉萨市 test")
    assert minimum_wage_on("540100", D(2024, 1, 1)).monthly_yuan == Decimal("2000.00")
    assert minimum_wage_on("540102", D(2025, 1, 1)).monthly_yuan == Decimal("2000.00")   # county → prefecture
    assert minimum_wage_on("540200", D(2025, 1, 1)).monthly_yuan == Decimal("1850.00")   # Shigatse: province
    assert minimum_wage_on("540100", D(2023, 12, 31)).monthly_yuan == Decimal("1850.00")  # not yet in force


@pytest.mark.django_db
def test_no_standard_is_a_configuration_error_not_a_guess():
    from casework.services.config import MissingConfiguration

    with pytest.raises(MissingConfiguration) as e:
        minimum_wage_on("540100", D(2014, 12, 31))
    assert "540100" in e.value.message and "第四十七条" in e.value.message
    with pytest.raises(MissingConfiguration):
        minimum_wage_on("110101", D(2025, 1, 1))
