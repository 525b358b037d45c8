"""The credit officer's pages: candidates of their region, proposing, the listing page with its steps as forms;
other regions see nothing (404); the head decides and the publisher publishes on the same page."""
import datetime as dt

import pytest
from django.test import Client
from freezegun import freeze_time

from blacklist.models import ListingDecision

from .conftest import REP_ID, make_candidate, make_listing, payment_deadline_of, wd

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_candidates_and_proposal(bl):
    complaint = make_candidate(bl)
    officer = client_for(bl["officer"])
    page = officer.get("/staff/blacklist/", {"lang": "zh-hans"}).content.decode()
    assert complaint.case_number in page and "候选案件" in page
    assert complaint.case_number not in client_for(bl["officer_shigatse"]).get("/staff/blacklist/").content.decode()
    assert Client().get("/staff/blacklist/").status_code == 302  # to the log-in page
    assert client_for(bl["inspector"]).get("/staff/blacklist/").status_code == 404
    with freeze_time(payment_deadline_of(complaint) + dt.timedelta(days=1)):
        officer = client_for(bl["officer"])  # a session opened on the day (sessions expire)
        r = officer.post(f"/staff/blacklist/propose/{complaint.case_number}/", {"basis_limb": "amount"})
    listing = ListingDecision.objects.get(complaint=complaint)
    assert r.status_code == 302 and r["Location"] == f"/staff/blacklist/{listing.pk}/"
    page = client_for(bl["officer"]).get(r["Location"]).content.decode()
    assert listing.unit_name in page and 'action="/staff/blacklist/%d/notice/"' % listing.pk in page
    assert client_for(bl["officer_shigatse"]).get(r["Location"]).status_code == 404


def test_steps_through_the_pages(bl):
    complaint = make_candidate(bl)
    day = payment_deadline_of(complaint) + dt.timedelta(days=1)
    with freeze_time(day):
        officer = client_for(bl["officer"])
        officer.post(f"/staff/blacklist/propose/{complaint.case_number}/", {"basis_limb": "amount"})
        listing = ListingDecision.objects.get(complaint=complaint)
        url = f"/staff/blacklist/{listing.pk}/"
        r = officer.post(url + "party/", {"party-role": "LEGAL_REP", "party-name": "王建国",
                                          "party-id_number": "540102198001011230"})
        assert r.status_code == 400 and "error-message" in r.content.decode()  # wrong check digit
        officer.post(url + "party/", {"party-role": "LEGAL_REP", "party-name": "王建国", "party-id_number": REP_ID})
        assert officer.post(url + "notice/", {"notice-received_on": day.isoformat()}).status_code == 302
    decide_on = wd(day, 6)
    with freeze_time(decide_on):
        officer, head, publisher = client_for(bl["officer"]), client_for(bl["head"]), client_for(bl["publisher"])
        assert officer.post(url + "decide/", {"decide-decision": "list"}).status_code == 404 or \
            ListingDecision.objects.get(pk=listing.pk).state == "NOTICE_SERVED"
        r = head.post(url + "decide/", {"decide-decision": "list", "decide-decision_no": "藏人社黑〔2026〕9号"})
        assert r.status_code == 302, r.content.decode()[:2000]
        r = publisher.post(url + "publish/", {})
        assert r.status_code == 302
    listing.refresh_from_db()
    assert listing.state == "PUBLISHED"
    page = client_for(bl["publisher"]).get(url).content.decode()
    assert "540102********1239" in page and REP_ID not in page


def test_decision_refused_shows_the_rule(bl):
    listing = make_listing(bl, to="notice")
    head = client_for(bl["head"])
    r = head.post(f"/staff/blacklist/{listing.pk}/decide/",
                  {"decide-decision": "list", "decide-decision_no": "X"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "异议期" in r.content.decode()
