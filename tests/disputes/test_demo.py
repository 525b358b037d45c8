"""seed_demo on an empty database gives the disputes demo users something to do: an accepted arbitration case with
its tribunal (the arbitrator demo users sit on it; the employer's clerk can file the defence), a mediation in
progress and a failed mediation whose tracking page offers the pre-filled arbitration application. Running it
again adds nothing."""
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from disputes.models import DisputeCase, DisputeState as S

from .pages import staff_client, text, track

pytestmark = pytest.mark.django_db


def test_seed_demo_puts_the_dispute_tracks_in_motion_and_is_idempotent(settings):
    settings.NOTIFY_ENQUEUE = False
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    cases = {c.state: c for c in DisputeCase.objects.all()}
    assert len(cases) == 3 and set(cases) == {S.ARB_ACCEPTED, S.MED_IN_MEDIATION, S.MED_FAILED}
    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}

    arbitration = cases[S.ARB_ACCEPTED]
    assert sorted(arbitration.tribunal.values_list("arbitrator__username", flat=True)) == [
        "arbitrator", "arbitrator_b", "arbitrator_c"]
    assert staff_client(users["arbitrator"]).get(
        reverse("disputes:staff-case", args=[arbitration.case_number])).status_code == 200
    assert staff_client(users["arbitration_clerk"]).get(reverse("staff-home")).status_code == 200
    employer = staff_client(users["employer_user"])
    page = text(employer.get(reverse("disputes:my-case", args=[arbitration.case_number])))
    assert 'id="defence"' in page                               # the notice to respond was served: defend
    for name in ("worker", "worker_rep"):
        assert arbitration.case_number in text(staff_client(users[name]).get(reverse("disputes:my-cases")))

    failed = cases[S.MED_FAILED]
    code = re.search(rf"{failed.case_number} \(access code (\d{{8}})\)", out.getvalue()).group(1)
    page = text(track(Client(), failed.case_number, code))
    assert reverse("disputes:apply", args=["arbitration"]) + "?from=case" in page
