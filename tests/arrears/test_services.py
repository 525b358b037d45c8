"""Writes on money records: verification, payments, totals, and the criminal test on configuration."""
import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from arrears.models import CriminalThreshold, Payment
from arrears.services import complaint_totals, criminal_test, item_verify, payment_record, threshold_for
from casework.errors import DomainError
from tests.factories import submit

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2026-11-20 10:00:00+08:00"):
        yield


@pytest.fixture
def complaint(staff):
    return submit(actor=staff["intake"]).complaint  # three wage items of 6,000 (Jul-Sep 2026)


@pytest.fixture
def item(complaint):
    return complaint.items.order_by("id").first()


def test_payment_up_to_the_claim_when_nothing_verified(item, staff):
    p = payment_record(item=item, amount="6000", paid_on=TODAY, user=staff["inspector"])
    item.refresh_from_db()
    assert p.amount == Decimal("6000.00") and item.amount_paid == Decimal("6000.00") and item.outstanding is None


def test_partial_payments_accumulate_and_overpayment_is_refused(item, staff):
    payment_record(item=item, amount=Decimal("1000.50"), paid_on=TODAY - dt.timedelta(days=3), user=staff["inspector"])
    payment_record(item=item, amount="2000", paid_on=TODAY, user=staff["inspector"])
    item.refresh_from_db()
    assert item.amount_paid == Decimal("3000.50")
    with pytest.raises(DomainError) as e:
        payment_record(item=item, amount="2999.51", paid_on=TODAY, user=staff["inspector"])
    assert set(e.value.errors) == {"amount"} and "2999.50" in e.value.message
    payment_record(item=item, amount="2999.50", paid_on=TODAY, user=staff["inspector"])  # exactly what is left
    item.refresh_from_db()
    assert item.amount_paid == Decimal("6000.00")
    with pytest.raises(DomainError):
        payment_record(item=item, amount="0.01", paid_on=TODAY, user=staff["inspector"])
    assert Payment.objects.filter(item=item).count() == 3


def test_payment_limited_by_the_verified_amount(item, staff):
    item_verify(item=item, amount_verified="4000", user=staff["inspector"])
    with pytest.raises(DomainError):
        payment_record(item=item, amount="4000.01", paid_on=TODAY, user=staff["inspector"])
    payment_record(item=item, amount="4000", paid_on=TODAY, user=staff["inspector"])
    item.refresh_from_db()
    assert item.outstanding == Decimal("0.00")


@pytest.mark.parametrize("amount", ["-1", "0", "0.00", "-0.01"])
def test_negative_or_zero_payment_refused(item, staff, amount):
    with pytest.raises(DomainError) as e:
        payment_record(item=item, amount=amount, paid_on=TODAY, user=staff["inspector"])
    assert set(e.value.errors) == {"amount"}
    assert not Payment.objects.exists()


def test_not_an_amount_refused(item, staff):
    with pytest.raises(DomainError) as e:
        payment_record(item=item, amount="abc", paid_on=TODAY, user=staff["inspector"])
    assert set(e.value.errors) == {"amount"}


def test_future_payment_date_refused_today_accepted(item, staff):
    with pytest.raises(DomainError) as e:
        payment_record(item=item, amount="10", paid_on=TODAY + dt.timedelta(days=1), user=staff["inspector"])
    assert set(e.value.errors) == {"paid_on"}
    payment_record(item=item, amount="10", paid_on=TODAY, user=staff["inspector"])


def test_payment_amount_rounded_to_the_cent(item, staff):
    p = payment_record(item=item, amount="10.005", paid_on=TODAY, user=staff["inspector"])
    assert p.amount == Decimal("10.01")


def test_payment_is_attributed(item, staff):
    p = payment_record(item=item, amount="10", paid_on=TODAY, user=staff["inspector"])
    assert p.recorded_by == staff["inspector"]
    assert p.history.first().history_user == staff["inspector"]
    item.refresh_from_db()
    assert item.history.first().history_user == staff["inspector"]


# --- verification --------------------------------------------------------------------------------------------

def test_verify_bounds(item, staff):
    with pytest.raises(DomainError):
        item_verify(item=item, amount_verified="-1", user=staff["inspector"])
    with pytest.raises(DomainError):
        item_verify(item=item, amount_verified="60000.01", user=staff["inspector"])  # > 10 x claimed
    with pytest.raises(DomainError):
        item_verify(item=item, amount_verified="x", user=staff["inspector"])
    v = item_verify(item=item, amount_verified="60000", note="加班", user=staff["inspector"])
    assert v.amount_verified == Decimal("60000.00") and v.verified_by == staff["inspector"]
    v = item_verify(item=item, amount_verified="0", user=staff["inspector"])  # verified: nothing owed
    assert v.amount_verified == Decimal("0.00")


# --- totals and the criminal test ----------------------------------------------------------------------------------

def test_totals(complaint, staff):
    items = list(complaint.items.order_by("id"))
    t = complaint_totals(complaint)
    assert t["claimed"] == Decimal("18000.00") and not t["all_verified"] and t["due"] == 0
    for it, amount in zip(items, ["6000", "5000", "4000.50"]):
        item_verify(item=it, amount_verified=amount, user=staff["inspector"])
    payment_record(item=items[0], amount="1000", paid_on=TODAY, user=staff["inspector"])
    t = complaint_totals(complaint)
    assert t["all_verified"] and t["verified"] == t["due"] == Decimal("15000.50")
    assert t["paid"] == Decimal("1000.00") and t["outstanding"] == Decimal("14000.50")


def _verify_all(complaint, user):
    for it in complaint.items.all():
        item_verify(item=it, amount_verified=it.amount_claimed, user=user)


def test_criminal_test_uses_the_provincial_threshold_in_force(complaint, staff):
    _verify_all(complaint, staff["inspector"])
    t = threshold_for("540000", TODAY)
    assert t.is_placeholder and t.per_worker_min_yuan == Decimal("5000.00")
    met, limb, used = criminal_test(complaint, on=TODAY)
    assert (met, limb, used) == (True, "per_worker", t)
    # a later, higher provincial figure applies from its effective date, not before
    CriminalThreshold.objects.create(province_code="540000", per_worker_min_yuan=Decimal("18000.01"), min_months=3,
                                     ten_plus_total_min_yuan=Decimal("100000"), min_workers=10,
                                     effective_from=dt.date(2026, 11, 1), source_doc="test")
    assert criminal_test(complaint, on=TODAY)[:2] == (False, "")
    assert criminal_test(complaint, on=dt.date(2026, 10, 31))[:2] == (True, "per_worker")


def test_criminal_test_counts_what_is_still_outstanding(complaint, staff):
    _verify_all(complaint, staff["inspector"])
    items = list(complaint.items.order_by("id"))
    payment_record(item=items[0], amount="6000", paid_on=TODAY, user=staff["inspector"])
    # two months left unpaid: the 3-month condition fails
    assert criminal_test(complaint, on=TODAY)[:2] == (False, "")


def test_no_threshold_configured_means_no_finding(complaint, staff):
    _verify_all(complaint, staff["inspector"])
    assert criminal_test(complaint, on=dt.date(2013, 1, 1)) == (False, "", None)  # before the first row
