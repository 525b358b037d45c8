"""An intake officer registers a complaint received by the 12333 hotline through the same guided pages and rules:
the review page asks how and when it was received; a worker online never can set those."""
import datetime as dt

import pytest
from django.urls import reverse

from casework.models import Complaint
from tests.casework.test_pages_public import fill_to

pytestmark = pytest.mark.django_db


def test_officer_registers_phone_complaint(client, staff):
    client.force_login(staff["intake"])
    home = client.get(reverse("staff-home")).content.decode()
    assert reverse("intake-start") in home
    fill_to(client, 5)
    review = client.get(reverse("intake-review")).content.decode()
    assert 'name="channel"' in review and 'name="received_at"' in review
    # a future receipt date is refused on its field, and nothing is lost
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = client.post(reverse("intake-review"), {"action": "submit", "channel": "phone_12333", "received_at": tomorrow})
    assert r.status_code == 400 and "received_at-error" in r.content.decode()
    assert not Complaint.objects.exists()
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    r = client.post(reverse("intake-review"), {"action": "submit", "channel": "phone_12333", "received_at": yesterday})
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert c.channel == "phone_12333" and c.received_at.isoformat() == yesterday
    assert c.created_by == staff["intake"]
    receipt = client.get(r["Location"]).content.decode()
    assert c.case_number in receipt


def test_worker_cannot_set_channel(client):
    fill_to(client, 5)
    review = client.get(reverse("intake-review")).content.decode()
    assert 'name="channel"' not in review
    r = client.post(reverse("intake-review"), {"action": "submit", "channel": "letter", "received_at": "2020-01-01"})
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert c.channel == "online" and c.received_at == dt.date.today() and c.created_by is None
