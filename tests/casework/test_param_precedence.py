"""casework.services.config.param(): the most specific region of the chain (county → prefecture → province) with
a row in force decides, like the layered calendar; within one region the newest row in force; the general row
only when no region of the chain has one."""
import datetime as dt
from decimal import Decimal

import pytest

from casework.models import LegalParameter, Region
from casework.services.config import MissingConfiguration, param

KEY = "test.precedence"
D = dt.date


@pytest.fixture
def rows(db):
    def add(value, effective_from, code=None):
        LegalParameter.objects.create(key=KEY, value=value, effective_from=effective_from, citation="test",
                                      region=Region.objects.get(code=code) if code else None)
    return add


def test_prefecture_beats_a_newer_province_row(rows):
    rows(1, D(2020, 1, 1))
    rows(2, D(2024, 1, 1), "540100")   # Lhasa
    rows(3, D(2025, 1, 1), "540000")   # Tibet, newer
    assert param(KEY, on=D(2026, 1, 1), region_code="540102") == Decimal("2")
    assert param(KEY, on=D(2026, 1, 1), region_code="540100") == Decimal("2")
    # Shigatse has no row of its own: the province decides
    assert param(KEY, on=D(2026, 1, 1), region_code="540202") == Decimal("3")
    # no region given: the general row
    assert param(KEY, on=D(2026, 1, 1)) == Decimal("1")


def test_prefecture_beats_a_province_row_of_the_same_date(rows):
    rows(2, D(2025, 1, 1), "540100")
    rows(3, D(2025, 1, 1), "540000")
    assert param(KEY, on=D(2025, 1, 1), region_code="540102") == Decimal("2")


def test_county_beats_prefecture_and_province(rows):
    rows(4, D(2023, 1, 1), "540102")
    rows(2, D(2025, 1, 1), "540100")
    rows(3, D(2025, 6, 1), "540000")
    assert param(KEY, on=D(2026, 1, 1), region_code="540102") == Decimal("4")
    assert param(KEY, on=D(2026, 1, 1), region_code="540103") == Decimal("2")  # another Lhasa county


def test_within_one_region_the_newest_row_in_force(rows):
    rows(2, D(2024, 1, 1), "540100")
    rows(5, D(2025, 1, 1), "540100")
    rows(6, D(2027, 1, 1), "540100")  # not yet in force
    rows(3, D(2025, 6, 1), "540000")
    assert param(KEY, on=D(2026, 1, 1), region_code="540102") == Decimal("5")
    assert param(KEY, on=D(2024, 6, 1), region_code="540102") == Decimal("2")


def test_a_row_not_yet_in_force_does_not_hide_the_level_above(rows):
    rows(2, D(2027, 1, 1), "540100")  # prefecture row from next year
    rows(3, D(2025, 1, 1), "540000")
    rows(1, D(2020, 1, 1))
    assert param(KEY, on=D(2026, 1, 1), region_code="540102") == Decimal("3")
    assert param(KEY, on=D(2027, 1, 1), region_code="540102") == Decimal("2")


def test_general_row_when_no_region_of_the_chain_has_one(rows):
    rows(1, D(2020, 1, 1))
    rows(9, D(2025, 1, 1), "540200")  # Shigatse: not in Lhasa's chain
    assert param(KEY, on=D(2026, 1, 1), region_code="540102") == Decimal("1")
    with pytest.raises(MissingConfiguration):
        param(KEY, on=D(2019, 1, 1), region_code="540102")
