"""Blacklist test data: a complaint driven through the real inspection track to non-compliance (a blacklist
candidate), the blacklist roles of Lhasa and Shigatse, and a listing at any step of Order 45's procedure."""
import datetime as dt

import pytest
from freezegun import freeze_time

from blacklist import services as svc
from casework.services.clock import WorkingCalendar
from tests.factories import VALID_ID, advance, complete, make_user, submit

REP_ID = "540102198001011239"  # a valid resident ID (check digit computed)


def wd(anchor: dt.date, n: int, region: str = "540100") -> dt.date:
    """The n-th working day after ``anchor`` on the region's calendar."""
    return WorkingCalendar(region).add_working_days(anchor, n)


@pytest.fixture
def bl(staff):
    return {**staff,
            "officer": make_user("credit_lhasa", "credit_officer", "540100"),
            "officer_b": make_user("credit_lhasa_b", "credit_officer", "540100"),
            "publisher": make_user("publisher_lhasa", "publisher", "540100"),
            "officer_shigatse": make_user("credit_shigatse", "credit_officer", "540200"),
            "publisher_shigatse": make_user("publisher_shigatse", "publisher", "540200")}


def make_candidate(bl, **over):
    """A Lhasa complaint that reached NON_COMPLIANT with blacklist_candidate=True (amount limb). Its handling
    decision's payment deadline is today + 15 days; non-compliance was concluded at today + 20."""
    c = advance(submit(**over).complaint, "compliance", inspector=bl["inspector"], inspector_b=bl["inspector_b"],
                head=bl["head"])
    with freeze_time(dt.date.today() + dt.timedelta(days=20)):
        c = complete(bl["inspector"], c, {"decision": "non_compliant"})
    assert c.blacklist_candidate and c.suspected_crime
    return c


def payment_deadline_of(complaint) -> dt.date:
    return svc.order_for(complaint).payment_deadline


def make_listing(bl, *, to="candidate", complaint=None):
    """A listing at step ``to``: candidate, notice (served the day after the payment deadline), listed (decided on
    the first day after the objection window), published."""
    c = complaint or make_candidate(bl)
    pd = payment_deadline_of(c)
    propose_on = pd + dt.timedelta(days=1)
    with freeze_time(propose_on):
        listing = svc.listing_propose(complaint=c, user=bl["officer"], basis_limb="amount")
        svc.listing_party_add(listing=listing, user=bl["officer"], role="LEGAL_REP", name="王建国",
                              id_number=REP_ID)
        if to == "candidate":
            return listing
        svc.notice_serve(listing=listing, user=bl["officer"], received_on=propose_on)
    if to == "notice":
        return listing
    decide_on = wd(propose_on, 6)
    with freeze_time(decide_on):
        svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no=f"藏人社黑〔2026〕{c.pk}号",
                           decided_on=decide_on)
        if to == "listed":
            return listing
        svc.listing_publish(listing=listing, user=bl["publisher"])
    return listing


__all__ = ["wd", "make_candidate", "make_listing", "payment_deadline_of", "REP_ID", "VALID_ID"]
