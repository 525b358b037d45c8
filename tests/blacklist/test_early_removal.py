"""Early removal (Order 45 arts. 12-15, spec §8): the 6-full-month wait counted from the correction (a rule row,
BL-EARLY-WAIT, accepted from the day after its due date), the written commitment, the bars (new arrears, criminal
proceedings), the 15-WD decision by the head (four eyes), removal of every co-listed party from the public registry
at once, and the art. 15 revocation that restarts the period and republishes."""
import csv
import datetime as dt
import io

import pytest
from django.test import Client
from freezegun import freeze_time

from arrears.services import payment_record
from blacklist import services as svc
from blacklist.models import BlacklistEntry, EarlyRemovalApplication, ListingState as S
from casework.errors import DomainError, NotAllowed
from casework.services.clock import add_months
from casework.services.config import rule
from casework.services.deadlines import deadlines_for
from tests.factories import make_user

from .conftest import make_candidate, make_listing, wd

pytestmark = pytest.mark.django_db
API = "/api/v1/public/blacklist/"
SUPERVISOR_ID = "11010519491231002X"  # a valid resident ID (GB 11643 check digit X)


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _pay_all(listing, bl, on):
    with freeze_time(on):
        for item in listing.complaint.items.all():
            due = item.amount_due if item.amount_due is not None else item.amount_claimed
            if due - item.amount_paid > 0:
                payment_record(item=item, amount=due - item.amount_paid, paid_on=on, user=bl["inspector"])


def _published_and_corrected(bl, *, persons=True):
    """A published listing with a legal representative and a supervisor; arrears paid 10 days after the decision."""
    listing = make_listing(bl, to="published")
    if persons:  # a second co-listed person, added through the model (the party step is before the decision)
        BlacklistEntry.objects.create(listing=listing, subject_type="PERSON", role="SUPERVISOR",
                                      public_display_name="李主管", public_id_masked="110105********002X")
    corrected = listing.decided_at + dt.timedelta(days=10)
    _pay_all(listing, bl, corrected)
    listing.refresh_from_db()
    return listing, corrected


def _apply(listing, bl, on, corrected, **over):
    kw = {"applied_at": on, "correction_date": corrected, "commitment": True,
          "commitment_text": "本单位承诺不再拖欠农民工工资。", "evidence_note": "工资支付凭证"}
    kw.update(over)
    with freeze_time(on):
        return svc.early_removal_apply(listing=listing, user=bl["officer"], **kw)


def _public_ids():
    c = Client()
    api = {r["id"] for r in c.get(API).json()["results"]}
    body = b"".join(c.get("/api/v1/public/blacklist.csv").streaming_content).decode("utf-8-sig")
    rows = {int(r["id"]) for r in csv.DictReader(io.StringIO(body))}
    return api, rows, body


def test_wait_is_a_rule_row_and_follows_the_spec_example(bl):
    listing = make_listing(bl, to="listed")
    r = rule("BL-EARLY-WAIT", on=dt.date(2025, 9, 10))
    assert (r.n, r.unit) == (6, "MONTH") and "第十二条" in r.citation
    assert svc.early_removal_earliest(listing, dt.date(2025, 9, 10)) == dt.date(2026, 3, 11)  # spec §2.3
    assert svc.early_removal_earliest(listing, dt.date(2025, 8, 31)) == dt.date(2026, 3, 1)  # 28 Feb + 1


def test_one_day_before_six_months_refused_first_day_accepted(bl):
    listing, corrected = _published_and_corrected(bl)
    first = add_months(corrected, 6) + dt.timedelta(days=1)
    with pytest.raises(DomainError) as e:
        _apply(listing, bl, first - dt.timedelta(days=1), corrected)
    msg = e.value.message
    assert str(first) in msg and "第十二条" in msg and "45号" in msg
    assert not EarlyRemovalApplication.objects.exists()
    app = _apply(listing, bl, first, corrected)
    assert app.pending and app.commitment and app.recorded_by == bl["officer"]
    d = deadlines_for(listing).get(rule_id="BL-EARLY-DECISION")
    assert d.due_date == wd(first, 15) and "第十四条" in d.citation and d.status == "OPEN"
    with pytest.raises(DomainError):  # one pending application at a time
        _apply(listing, bl, first, corrected)


def test_commitment_correction_and_bars(bl):
    listing = make_listing(bl, to="published")
    corrected = listing.decided_at + dt.timedelta(days=10)
    first = add_months(corrected, 6) + dt.timedelta(days=1)
    with pytest.raises(DomainError) as e:  # arrears still outstanding: nothing corrected
        _apply(listing, bl, first, corrected)
    assert "not paid in full" in e.value.message
    _pay_all(listing, bl, corrected)
    with pytest.raises(DomainError) as e:
        _apply(listing, bl, first, corrected, commitment=False)
    assert "written commitment" in e.value.message and "第十二条" in e.value.message

    svc.criminal_proceedings_set(listing=listing, user=bl["officer"], pending=True, note="公安机关已立案")
    with pytest.raises(DomainError) as e:
        _apply(listing, bl, first, corrected)
    assert "Criminal proceedings" in e.value.message and "Order 45 art. 13(2)" in e.value.message
    svc.criminal_proceedings_set(listing=listing, user=bl["officer"], pending=False)

    # new arrears: another complaint against the same employer, after the listing, concluded not complied
    with freeze_time(listing.decided_at + dt.timedelta(days=30)):
        other = make_candidate(bl)
    assert other.employer_id == listing.employer_id
    with pytest.raises(DomainError) as e:
        _apply(listing, bl, first, corrected)
    assert other.case_number in e.value.message and "Order 45 art. 13(1)" in e.value.message
    assert not EarlyRemovalApplication.objects.exists()


def test_refusal_with_reasons_within_deadline(bl):
    listing, corrected = _published_and_corrected(bl)
    first = add_months(corrected, 6) + dt.timedelta(days=1)
    _apply(listing, bl, first, corrected)
    on = wd(first, 15)
    with freeze_time(on):
        with pytest.raises(DomainError):  # reasons required
            svc.early_removal_decide(listing=listing, user=bl["head"], approve=False, on=on)
        app = svc.early_removal_decide(listing=listing, user=bl["head"], approve=False, reason="证明材料不全", on=on)
    assert app.result == "REFUSED" and app.refusal_reason == "证明材料不全"
    assert deadlines_for(listing).get(rule_id="BL-EARLY-DECISION").status == "MET"
    listing.refresh_from_db()
    assert listing.state == S.PUBLISHED and not listing.entries.filter(removed_at__isnull=False).exists()
    assert _apply(listing, bl, on, corrected).pending  # may apply again


def test_approval_removes_every_party_from_the_registry_and_revocation_republishes(bl):
    listing, corrected = _published_and_corrected(bl)
    assert listing.entries.count() == 3  # unit, legal representative, supervisor
    api, rows, body = _public_ids()
    assert listing.pk in api and listing.pk in rows and "李主管" in body  # cached now
    first = add_months(corrected, 6) + dt.timedelta(days=1)
    _apply(listing, bl, first, corrected)
    on = wd(first, 3)
    with freeze_time(on):
        with pytest.raises(NotAllowed):  # the drafter may not decide (four eyes)
            svc.early_removal_decide(listing=listing, user=bl["officer"], approve=True, on=on)
        with pytest.raises(NotAllowed):  # nor an officer of the listing region without the head role
            svc.early_removal_decide(listing=listing, user=bl["officer_b"], approve=True, on=on)
        app = svc.early_removal_decide(listing=listing, user=bl["head"], approve=True, on=on)
    listing.refresh_from_db()
    assert app.result == "REMOVED" and app.decided_by == bl["head"] and app.state_before == S.PUBLISHED
    assert listing.state == S.EARLY_REMOVED and listing.ended_at == on
    assert set(listing.entries.values_list("removal_reason", flat=True)) == {"EARLY"}
    assert not listing.entries.filter(removed_at__isnull=True).exists()
    dls = {d.rule_id: d for d in deadlines_for(listing)}
    assert dls["BL-EARLY-DECISION"].status == "MET" and dls["BL-EARLY-DECISION"].met_at == on
    assert dls["BL-REMOVAL"].status == "MET"
    api, rows, body = _public_ids()  # gone at once, despite the cached answers
    assert listing.pk not in api and listing.pk not in rows and "李主管" not in body
    assert Client().get(f"{API}{listing.pk}/").status_code == 404

    # art. 15: fraud → revoked; back to PUBLISHED; the 3-year period restarts from the revocation date
    revoke_on = on + dt.timedelta(days=40)
    with freeze_time(revoke_on):
        with pytest.raises(DomainError):
            svc.early_removal_revoke(listing=listing, user=bl["head"], reason=" ")
        with pytest.raises(NotAllowed):
            svc.early_removal_revoke(listing=listing, user=bl["officer"], reason="伪造支付凭证")
        app = svc.early_removal_revoke(listing=listing, user=bl["head"], reason="伪造支付凭证")
    listing.refresh_from_db()
    p = rule("BL-PERIOD", on=revoke_on)
    assert listing.state == S.PUBLISHED and listing.ended_at is None
    assert listing.period_restarted_on == revoke_on and listing.period_end == add_months(revoke_on, 12 * p.n)
    assert app.revoked_at == revoke_on and app.revoked_by == bl["head"]
    assert not listing.entries.filter(removed_at__isnull=False).exists()
    api, rows, body = _public_ids()
    assert listing.pk in api and listing.pk in rows and "李主管" in body
    row = Client().get(f"{API}{listing.pk}/").json()
    assert row["period_start"] == revoke_on.isoformat() and row["period_end"] == listing.period_end.isoformat()
    with pytest.raises(DomainError):  # nothing left to revoke
        svc.early_removal_revoke(listing=listing, user=bl["head"], reason="again")

    # history: every act is in the audit trail
    hist = app.history.order_by("history_date")
    assert [h.result for h in hist] == ["", "REMOVED", "REMOVED"]
    assert hist.last().revocation_reason == "伪造支付凭证" and hist.last().history_user == bl["head"]
    states = list(listing.history.order_by("history_date").values_list("state", flat=True))
    assert states[-2:] == [S.EARLY_REMOVED, S.PUBLISHED]
    assert BlacklistEntry.history.filter(listing_id=listing.pk, removal_reason="EARLY").count() == 3


def test_recorder_cannot_decide_and_region_reach(bl):
    listing, corrected = _published_and_corrected(bl, persons=False)
    first = add_months(corrected, 6) + dt.timedelta(days=1)
    # a second head who also holds the credit-officer role records the application: they may not decide it
    both = make_user("head_and_officer", "inspection_head", "540100")
    from django.contrib.auth.models import Group

    both.groups.add(Group.objects.get(name="credit_officer"))
    with freeze_time(first):
        svc.early_removal_apply(listing=listing, user=both, applied_at=first, correction_date=corrected,
                                commitment=True)
        with pytest.raises(NotAllowed) as e:
            svc.early_removal_decide(listing=listing, user=both, approve=True)
        assert "recorded" in e.value.message
        with pytest.raises(NotAllowed):
            svc.early_removal_decide(listing=listing, user=bl["officer_shigatse"], approve=True)
        assert svc.early_removal_decide(listing=listing, user=bl["head"], approve=True).result == "REMOVED"
    with pytest.raises(DomainError):  # no longer in force: no new application
        _apply(listing, bl, first, corrected)


def test_staff_page_steps(bl):
    listing, corrected = _published_and_corrected(bl, persons=False)
    first = add_months(corrected, 6) + dt.timedelta(days=1)
    url = f"/staff/blacklist/{listing.pk}/"
    with freeze_time(first):
        officer, head = Client(), Client()
        officer.force_login(bl["officer"])
        head.force_login(bl["head"])
        page = officer.get(url).content.decode()
        assert f'action="{url}early_apply/"' in page and "early_decide" not in page
        r = officer.post(f"{url}early_apply/", {"early_apply-applied_at": first.isoformat(),
                                                "early_apply-correction_date": corrected.isoformat()})
        assert r.status_code == 400 and "书面信用承诺" in r.content.decode()  # Chinese by default
        r = officer.post(f"{url}early_apply/", {"early_apply-applied_at": first.isoformat(),
                                                "early_apply-correction_date": corrected.isoformat(),
                                                "early_apply-commitment": "on"})
        assert r.status_code == 302
        page = head.get(url).content.decode()
        assert f'action="{url}early_decide/"' in page and "early_apply/" not in page
        r = head.post(f"{url}early_decide/", {"early_decide-approve": "approve"})
        assert r.status_code == 302
        listing.refresh_from_db()
        assert listing.state == S.EARLY_REMOVED
        page = head.get(url, {"lang": "zh-hans"}).content.decode()
        assert f'action="{url}early_revoke/"' in page
        r = head.post(f"{url}early_revoke/", {"early_revoke-reason": "伪造支付凭证"})
        assert r.status_code == 302
    listing.refresh_from_db()
    assert listing.state == S.PUBLISHED and listing.period_restarted_on == first
