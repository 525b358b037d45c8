"""Order 45 art. 13(2): a listing proposed AFTER the police filed the employer's criminal transfer (and while the
proceedings are pending, or after a conviction) carries criminal_proceedings_pending from the proposal on, with
the same note the transfer track writes; a transfer that ended without a conviction leaves a new listing unflagged.
(Listings that already exist at the filing are flagged by blacklist.services_transfer; see test_transfer.py.)"""
import datetime as dt

import pytest
from freezegun import freeze_time

from blacklist import services as bl_svc
from blacklist import services_transfer as svc
from blacklist.models_transfer import TransferState as T

from .test_transfer import _english, at, candidate, to_state, tr  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def propose_after(tr, t, days=1):
    on = t.police_decided_on + dt.timedelta(days=days)
    with freeze_time(at(on)):
        listing = bl_svc.listing_propose(complaint=t.complaint, user=tr["officer"], basis_limb="amount")
    listing.refresh_from_db()
    return listing


def test_listing_proposed_after_the_filing_is_flagged(tr):
    t = to_state(tr, T.FILED)
    assert not t.complaint.listings.exists()  # no listing existed when the police filed
    listing = propose_after(tr, t)
    assert listing.criminal_proceedings_pending
    assert t.police_notice_no in listing.criminal_proceedings_note and "公安机关已立案" in listing.criminal_proceedings_note
    assert listing.history.first().history_user == tr["officer"]  # recorded by the proposing officer
    # the outcome clears it like the flag of a listing that existed at the filing
    with freeze_time(at(t.police_decided_on + dt.timedelta(days=2))):
        svc.outcome_record(transfer=t, user=tr["inspector"], outcome="not_prosecuted",
                           outcome_on=t.police_decided_on + dt.timedelta(days=2))
    listing.refresh_from_db()
    assert not listing.criminal_proceedings_pending and listing.criminal_proceedings_note == ""


def test_listing_proposed_after_a_conviction_is_flagged(tr):
    t = to_state(tr, T.FILED)
    with freeze_time(at(t.police_decided_on)):
        svc.outcome_record(transfer=t, user=tr["inspector"], outcome="convicted", outcome_on=t.police_decided_on,
                           judgment_no="（2026）藏0102刑初9号")
    listing = propose_after(tr, t)
    assert listing.criminal_proceedings_pending and "已被判处刑罚" in listing.criminal_proceedings_note
    assert "（2026）藏0102刑初9号" in listing.criminal_proceedings_note


def test_listing_after_proceedings_ended_without_conviction_or_without_filing_is_not_flagged(tr):
    t = to_state(tr, T.FILED)
    with freeze_time(at(t.police_decided_on)):
        svc.outcome_record(transfer=t, user=tr["inspector"], outcome="dropped", outcome_on=t.police_decided_on)
    listing = propose_after(tr, t)
    assert not listing.criminal_proceedings_pending and listing.criminal_proceedings_note == ""

    not_filed = to_state(tr, T.NOT_FILED)
    listing = propose_after(tr, not_filed)
    assert not listing.criminal_proceedings_pending
