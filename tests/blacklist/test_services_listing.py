"""Order 45 due process (spec §8): every rule and boundary of the listing procedure, on the real services."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from freezegun import freeze_time

from arrears.services import payment_record
from blacklist import services as svc
from blacklist.models import BlacklistEntry, ListingDecision, ListingState as S
from blacklist.selectors import blacklist_search
from blacklist.tasks import expire_listings
from casework.errors import DomainError, NotAllowed
from casework.models import Deadline
from casework.services.clock import compute_due
from casework.services.config import rule
from casework.services.deadlines import deadlines_for
from tests.factories import make_user

from .conftest import REP_ID, make_candidate, make_listing, payment_deadline_of, wd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the rule citations stay Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _dl(listing, rule_id):
    return deadlines_for(listing).get(rule_id=rule_id)


# --- proposal (art. 5) ----------------------------------------------------------------------------------------------

def test_propose_only_when_conditions_hold(bl):
    c = make_candidate(bl)
    pd = payment_deadline_of(c)
    with pytest.raises(DomainError) as e:  # deadline not passed: on the deadline day itself
        svc.listing_propose(complaint=c, user=bl["officer"], basis_limb="amount", today=pd)
    assert "Order 45 art. 5" in e.value.message and str(pd) in e.value.message
    with pytest.raises(DomainError) as e:
        svc.listing_propose(complaint=c, user=bl["officer"], basis_limb="incident", today=pd + dt.timedelta(days=1))
    assert "art. 5(2)" in e.value.message  # the incident limb needs its description
    listing = svc.listing_propose(complaint=c, user=bl["officer"], basis_limb="amount",
                                  today=pd + dt.timedelta(days=1))
    assert listing.state == S.CANDIDATE and listing.payment_deadline == pd
    assert listing.arrears_amount == Decimal("18000.00") and listing.unit_name == c.employer.name
    assert listing.entries.get().role == "UNIT"
    assert _dl(listing, "BL-DECISION").due_date == wd(pd, 20)
    with pytest.raises(DomainError):  # one live listing per case
        svc.listing_propose(complaint=c, user=bl["officer"], basis_limb="amount", today=pd + dt.timedelta(days=2))


def test_propose_refused_when_not_candidate_or_paid(bl):
    c = make_candidate(bl)
    pd = payment_deadline_of(c)
    for item in c.items.all():
        payment_record(item=item, amount=item.amount_ordered, paid_on=dt.date.today(), user=bl["inspector"])
    with pytest.raises(DomainError) as e:
        svc.listing_propose(complaint=c, user=bl["officer"], basis_limb="amount", today=pd + dt.timedelta(days=1))
    assert "Nothing is outstanding" in e.value.message
    c.blacklist_candidate = False
    c.save()
    with pytest.raises(DomainError) as e:
        svc.listing_propose(complaint=c, user=bl["officer"], basis_limb="amount", today=pd + dt.timedelta(days=1))
    assert "not flagged" in e.value.message and "Order 45 art. 5" in e.value.message


def test_roles_and_region_reach(bl):
    c = make_candidate(bl)
    day = payment_deadline_of(c) + dt.timedelta(days=1)
    for user in (bl["officer_shigatse"], bl["publisher"], bl["inspector"], bl["head"]):
        with pytest.raises(NotAllowed):
            svc.listing_propose(complaint=c, user=user, basis_limb="amount", today=day)
    assert list(svc.candidates_for(bl["officer"])) == [c]
    assert not svc.candidates_for(bl["officer_shigatse"]).exists()
    assert not svc.candidates_for(bl["publisher"]).exists()
    listing = svc.listing_propose(complaint=c, user=bl["officer"], basis_limb="amount", today=day)
    assert not svc.candidates_for(bl["officer"]).exists()  # proposed: no longer a candidate
    assert list(svc.listings_for(bl["publisher"])) == [listing]
    assert not svc.listings_for(bl["publisher_shigatse"]).exists()


def test_party_add_masks_and_encrypts(bl):
    listing = make_listing(bl, to="candidate")
    rep = listing.entries.get(role="LEGAL_REP")
    assert rep.public_id_masked == "540102********1239" and rep.id_number == REP_ID
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM blacklist_blacklistentry WHERE id = %s", [rep.pk])
        assert REP_ID not in cur.fetchone()[0]  # encrypted at rest
    with pytest.raises(DomainError) as e:
        svc.listing_party_add(listing=listing, user=bl["officer"], role="OTHER", name="李某",
                              id_number="540102198001011230")
    assert "id_number" in e.value.errors


# --- notice and objection (art. 6) ----------------------------------------------------------------------------------

def test_objection_day_5_accepted_day_6_refused(bl):
    listing = make_listing(bl, to="notice")
    received = listing.notice_served_at
    day5, day6 = wd(received, 5), wd(received, 6)
    assert _dl(listing, "BL-OBJECTION").due_date == day5
    with pytest.raises(DomainError) as e:
        svc.objection_record(listing=listing, user=bl["officer"], received_on=day6, text="金额有误")
    assert str(day5) in e.value.message and "第六条" in e.value.message
    svc.objection_record(listing=listing, user=bl["officer"], received_on=day5, text="金额有误")
    assert _dl(listing, "BL-OBJECTION").status == Deadline.Status.MET
    verify = _dl(listing, "BL-OBJECTION-VERIFY")
    assert verify.due_date == wd(day5, 5) and verify.status == Deadline.Status.OPEN


def test_objection_verification_and_upheld_objection_blocks_listing(bl):
    listing = make_listing(bl, to="notice")
    day = wd(listing.notice_served_at, 2)
    svc.objection_record(listing=listing, user=bl["officer"], received_on=day, text="已部分支付")
    with pytest.raises(DomainError) as e:  # no decision while the objection waits
        svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="X1",
                           decided_on=wd(day, 1))
    assert "Verify the objection" in e.value.message
    svc.objection_verify(listing=listing, user=bl["officer"], result="upheld", note="核实属实", on=wd(day, 5))
    assert _dl(listing, "BL-OBJECTION-VERIFY").status == Deadline.Status.MET
    with pytest.raises(DomainError) as e:
        svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="X1",
                           decided_on=wd(day, 6))
    assert "upheld" in e.value.message
    svc.listing_decide(listing=listing, user=bl["head"], decision="not_list", reason="异议成立",
                       decided_on=wd(day, 6))
    assert listing.state == S.NOT_LISTED


def test_no_decision_while_objection_window_open(bl):
    listing = make_listing(bl, to="notice")
    with pytest.raises(DomainError) as e:
        svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="X2",
                           decided_on=wd(listing.notice_served_at, 5))
    assert "objection window" in e.value.message


# --- the decision (arts. 7-8) ---------------------------------------------------------------------------------------

def test_decision_day_20_accepted_day_21_refused(bl):
    listing = make_listing(bl, to="notice")
    pd = listing.payment_deadline
    with pytest.raises(DomainError) as e:
        svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="D21",
                           decided_on=wd(pd, 21))
    assert str(wd(pd, 20)) in e.value.message and "第八条" in e.value.message
    svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="D20", decided_on=wd(pd, 20))
    assert listing.state == S.LISTED and listing.decided_at == wd(pd, 20)
    assert _dl(listing, "BL-DECISION").status == Deadline.Status.MET


def test_extension_adds_20_working_days_once(bl):
    listing = make_listing(bl, to="notice")
    pd = listing.payment_deadline
    with pytest.raises(NotAllowed):  # a credit officer cannot approve
        svc.extension_approve(listing=listing, user=bl["officer"], reason="复杂")
    svc.extension_approve(listing=listing, user=bl["head"], reason="涉及多个分包单位", on=wd(pd, 20))
    extended = wd(wd(pd, 20), 20)
    assert _dl(listing, "BL-DECISION").extended_to == extended
    assert svc.decision_due(listing) == extended
    with pytest.raises(DomainError):
        svc.extension_approve(listing=listing, user=bl["head"], reason="再次")
    with pytest.raises(DomainError) as e:
        svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="E1",
                           decided_on=wd(extended, 1))
    assert str(extended) in e.value.message
    svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="E1", decided_on=extended)
    assert listing.state == S.LISTED


def test_extension_refused_after_the_period(bl):
    listing = make_listing(bl, to="notice")
    with pytest.raises(DomainError) as e:
        svc.extension_approve(listing=listing, user=bl["head"], reason="复杂", on=wd(listing.payment_deadline, 21))
    assert "第八条" in e.value.message


def test_drafter_never_approves(bl):
    both = make_user("credit_and_head", "credit_officer", "540100")
    from django.contrib.auth.models import Group

    both.groups.add(Group.objects.get(name="inspection_head"))
    c = make_candidate(bl)
    pd = payment_deadline_of(c)
    with freeze_time(pd + dt.timedelta(days=1)):
        listing = svc.listing_propose(complaint=c, user=both, basis_limb="amount")
        svc.listing_party_add(listing=listing, user=both, role="LEGAL_REP", name="王建国", id_number=REP_ID)
        svc.notice_serve(listing=listing, user=both, received_on=pd + dt.timedelta(days=1))
    day = wd(pd + dt.timedelta(days=1), 6)
    with pytest.raises(NotAllowed) as e:
        svc.listing_decide(listing=listing, user=both, decision="list", decision_no="F1", decided_on=day)
    assert "four eyes" in e.value.message
    with pytest.raises(NotAllowed):
        svc.extension_approve(listing=listing, user=both, reason="复杂", on=day)
    # the database holds the rule too
    with pytest.raises(IntegrityError), transaction.atomic():
        ListingDecision.objects.filter(pk=listing.pk).update(approved_by=both)


def test_paid_in_full_with_commitment_is_not_listed(bl):
    listing = make_listing(bl, to="notice")
    for item in listing.complaint.items.all():
        payment_record(item=item, amount=item.outstanding, paid_on=dt.date.today(), user=bl["inspector"])
    day = wd(listing.notice_served_at, 6)
    with pytest.raises(DomainError) as e:
        svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="C1", decided_on=day,
                           commitment_signed_on=day)
    assert "art. 7" in e.value.message
    svc.listing_decide(listing=listing, user=bl["head"], decision="not_list", decided_on=day,
                       commitment_signed_on=day)
    assert listing.state == S.NOT_LISTED and "art. 7" in listing.non_listing_reason
    assert listing.commitment_signed_on == day and listing.approved_by == bl["head"]


def test_paid_without_commitment_may_still_be_listed(bl):
    listing = make_listing(bl, to="notice")
    for item in listing.complaint.items.all():
        payment_record(item=item, amount=item.outstanding, paid_on=dt.date.today(), user=bl["inspector"])
    svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="C2",
                       decided_on=wd(listing.notice_served_at, 6))
    assert listing.state == S.LISTED


def test_listing_needs_legal_representative(bl):
    c = make_candidate(bl)
    pd = payment_deadline_of(c)
    with freeze_time(pd + dt.timedelta(days=1)):
        listing = svc.listing_propose(complaint=c, user=bl["officer"], basis_limb="amount")
        svc.notice_serve(listing=listing, user=bl["officer"], received_on=pd + dt.timedelta(days=1))
    with pytest.raises(DomainError) as e:
        svc.listing_decide(listing=listing, user=bl["head"], decision="list", decision_no="L1",
                           decided_on=wd(pd + dt.timedelta(days=1), 6))
    assert "legal representative" in e.value.message


# --- period, publication, expiry, revocation (arts. 9, 11, 16, 17) ---------------------------------------------------

def test_period_end_is_three_calendar_years():
    r = rule("BL-PERIOD", on=dt.date(2025, 7, 15))
    assert (r.n, r.unit) == (3, "YEAR")
    assert compute_due(dt.date(2025, 7, 15), r.n, r.unit, "540100").due == dt.date(2028, 7, 15)  # spec §2.3
    assert compute_due(dt.date(2024, 2, 29), r.n, r.unit, "540100").due == dt.date(2027, 2, 28)
    # decision +20 WD and +20 more (spec §2.3 worked example)
    d = rule("BL-DECISION", on=dt.date(2025, 6, 13))
    due = compute_due(dt.date(2025, 6, 13), d.n, d.unit, None).due
    assert due == dt.date(2025, 7, 11)
    e = rule("BL-DECISION-EXT", on=due)
    assert compute_due(due, e.n, e.unit, None).due == dt.date(2025, 8, 8)


def test_listed_period_end(bl):
    listing = make_listing(bl, to="listed")
    d = listing.decided_at
    expected = d.replace(year=d.year + 3) if not (d.month == 2 and d.day == 29) else dt.date(d.year + 3, 2, 28)
    assert listing.period_end == expected


def test_publish_only_by_publisher_of_the_region(bl):
    listing = make_listing(bl, to="listed")
    for user in (bl["officer"], bl["head"], bl["publisher_shigatse"]):
        with pytest.raises(NotAllowed):
            svc.listing_publish(listing=listing, user=user)
    svc.listing_publish(listing=listing, user=bl["publisher"])
    assert listing.state == S.PUBLISHED and listing.published_by == bl["publisher"]
    with pytest.raises(DomainError):  # twice: the transition table refuses
        svc.listing_publish(listing=listing, user=bl["publisher"])


def test_transition_table_refuses_skips(bl):
    listing = make_listing(bl, to="candidate")
    with pytest.raises(DomainError):
        svc.listing_publish(listing=listing, user=bl["publisher"])
    with pytest.raises(DomainError):
        listing.set_state(S.LISTED)


def test_expiry_sweep_after_three_years_is_idempotent(bl):
    listing = make_listing(bl, to="published")
    assert blacklist_search(q=listing.unit_name)["count"] == 1
    assert svc.listing_expire_sweep(today=listing.period_end) == 0  # the last day is still listed
    assert svc.listing_expire_sweep(today=listing.period_end + dt.timedelta(days=1)) == 1
    listing.refresh_from_db()
    assert listing.state == S.EXPIRED and listing.ended_at == listing.period_end
    entries = list(listing.entries.all())
    assert all(e.removed_at and e.removal_reason == BlacklistEntry.RemovalReason.EXPIRED for e in entries)
    removal = _dl(listing, "BL-REMOVAL")
    assert removal.due_date == wd(listing.period_end, 10) and removal.status == Deadline.Status.MET
    assert svc.listing_expire_sweep(today=listing.period_end + dt.timedelta(days=2)) == 0
    assert deadlines_for(listing).filter(rule_id="BL-REMOVAL").count() == 1
    assert blacklist_search(q=listing.unit_name)["count"] == 0  # the cache was invalidated at once


def test_expiry_beat_task(bl):
    listing = make_listing(bl, to="published")
    with freeze_time(listing.period_end + dt.timedelta(days=1)):
        assert expire_listings() == 1
        assert expire_listings() == 0
    assert listing.history.first().history_type == "~"


def test_revocation_removes_every_party(bl):
    listing = make_listing(bl, to="published")
    with pytest.raises(NotAllowed):
        svc.listing_revoke(listing=listing, user=bl["officer"], reason="原处理决定已被撤销")
    svc.listing_revoke(listing=listing, user=bl["head"], reason="原处理决定已被复议机关撤销")
    assert listing.state == S.REVOKED
    assert not listing.entries.filter(removed_at__isnull=True).exists()
    assert set(listing.entries.values_list("removal_reason", flat=True)) == {"REVOKED"}
    assert blacklist_search(q=listing.unit_name)["count"] == 0
    with pytest.raises(DomainError):
        svc.listing_publish(listing=listing, user=bl["publisher"])


def test_every_step_is_audited(bl):
    listing = make_listing(bl, to="published")
    users = set(listing.history.values_list("history_user__username", flat=True))
    assert {"credit_lhasa", "head_lhasa", "publisher_lhasa"} <= users
    assert listing.entries.first().history.exists()
