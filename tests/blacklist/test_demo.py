"""seed_demo gives a newcomer a non-empty registry (one published listing with a co-listed legal representative)
and the credit_officer and publisher demo users of Lhasa; running it again changes nothing."""
import io

import pytest
from django.core.management import call_command
from django.test import Client

from blacklist.models import ListingDecision
from blacklist.services import can_act

from .test_registry_public import assert_private, body_of

pytestmark = pytest.mark.django_db


def test_seed_demo_registry_not_empty_and_idempotent(settings):
    settings.NOTIFY_ENQUEUE = False
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert ListingDecision.objects.filter(state="PUBLISHED").count() == 1
    from django.contrib.auth import get_user_model

    User = get_user_model()
    assert can_act(User.objects.get(username="credit_officer"), "540102", "credit_officer")
    assert can_act(User.objects.get(username="publisher"), "540102", "publisher")
    c = Client()
    data = c.get("/api/v1/public/blacklist/").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["legal_representative"] == "次仁多吉"
    assert row["co_listed"][0]["id_number_masked"] == "540102********4566"
    for url in ("/registry/", f"/registry/{row['id']}/", "/api/v1/public/blacklist.csv",
                "/api/v1/public/blacklist.json"):
        text = body_of(c.get(url))
        assert "拉萨示例劳务工程有限公司" in text
        assert_private(text, url)
        assert "普布" not in text  # the demo listing's worker
