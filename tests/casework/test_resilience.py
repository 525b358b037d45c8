"""Faults a worker must never notice: the cache/broker (Redis) goes down while complaints are filed and tracked.
A real redis-server is started on a spare port for this test and then stopped; the machine's shared Redis is never
touched."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from casework.models import Complaint
from tests.factories import payload

pytestmark = pytest.mark.django_db


def test_intake_and_tracking_survive_a_redis_outage(client, own_redis):
    proc, url = own_redis
    redis_cache = {"default": {"BACKEND": "casework.cache_redis.RedisCache", "LOCATION": url,
                               "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    with override_settings(CACHES=redis_cache, INTAKE_RATE="100/h", TRACKING_RATE="100/m"):
        r = client.post("/api/v1/complaints/", payload(), content_type="application/json")
        assert r.status_code == 201, r.content
        proc.terminate()
        proc.wait(5)
        with pytest.raises(Exception):
            caches["default"].get("probe")  # Redis really is down
        r2 = client.post("/api/v1/complaints/", payload(), content_type="application/json")
        assert r2.status_code == 201, r2.content
        body = r2.json()
        track = client.get(f"/api/v1/track/{body['case_number']}/", {"code": body["access_code"]})
        assert track.status_code == 200
        page = client.post(reverse("track"), {"case_number": body["case_number"], "access_code": body["access_code"]})
        assert page.status_code in (200, 302)
    assert Complaint.objects.count() == 2
