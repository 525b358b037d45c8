"""Who sees and handles which case (spec §1): the permission matrix at the selector level, per role and region,
and selectors whose cost does not grow with the number of cases."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.access import can_handle_complaint, can_view_complaint, complaints_for, sees_pii
from casework.errors import NotAllowed
from casework.workflow import inbox_for, queue_for, task_for_user
from tests.factories import complete, submit

pytestmark = pytest.mark.django_db

ROLES = ["inspector", "shigatse", "head", "auditor", "sysadmin", "intake"]
# role -> (cases seen, cases handled, triage tasks queued); L = Lhasa case, S = Shigatse case
MATRIX = {
    "inspector": ("L", "L", "L"),
    "shigatse": ("S", "S", "S"),
    "head": ("L", "L", "L"),
    "auditor": ("LS", "", ""),       # province-wide read, no handling
    "sysadmin": ("", "", ""),        # configuration, not cases (spec §1 #20)
    "intake": ("L", "L", ""),        # registers and handles intake, takes no inspection step
}


@pytest.fixture
def cases(staff):
    return {"L": submit(region_code="540102").complaint, "S": submit(region_code="540202").complaint}


def fresh(user):
    """The same user without the per-object caches (groups, region prefixes) a previous call filled."""
    return get_user_model().objects.get(pk=user.pk)


def letters(cases, pks):
    return "".join(k for k, c in sorted(cases.items()) if c.pk in set(pks))


@pytest.mark.parametrize("role", ROLES)
def test_complaints_for_view_and_handle(staff, cases, role):
    seen, handled, _ = MATRIX[role]
    user = staff[role]
    assert letters(cases, complaints_for(user, "view").values_list("pk", flat=True)) == seen
    assert letters(cases, complaints_for(user, "handle").values_list("pk", flat=True)) == handled
    for key, c in cases.items():
        assert can_view_complaint(user, c) is (key in seen)
        assert can_handle_complaint(user, c) is (key in handled)


@pytest.mark.parametrize("role", ROLES)
def test_queue_and_task_visibility(staff, cases, role):
    seen, _, queued = MATRIX[role]
    user = staff[role]
    queue = list(queue_for(user))
    assert letters(cases, [t.process.complaint.pk for t in queue]) == queued
    for key, c in cases.items():
        task = c.process.task_set.get(flow_task_type="HUMAN", status="NEW")
        if key in seen:
            assert task_for_user(user, task.pk).pk == task.pk
        else:
            with pytest.raises(NotAllowed):
                task_for_user(user, task.pk)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_full_personal_data(staff, cases, role):
    _, handled, _ = MATRIX[role]
    for key, c in cases.items():
        assert sees_pii(staff[role], c) is (key in handled)


def test_anonymous_sees_nothing(cases):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not complaints_for(anon, "view").exists() and not complaints_for(anon, "handle").exists()
    assert not queue_for(anon).exists()
    with pytest.raises(NotAllowed):
        task_for_user(anon, cases["L"].process.task_set.get(flow_task_type="HUMAN").pk)


def test_shigatse_inspector_never_sees_a_lhasa_case_at_any_step(staff, cases):
    lhasa, shig = cases["L"], staff["shigatse"]
    complete(staff["inspector"], lhasa, {"decision": "accept"})  # now investigating, lead = Lhasa inspector
    lhasa.refresh_from_db()
    task = lhasa.process.task_set.filter(flow_task_type="HUMAN").exclude(status="DONE").get()
    assert not complaints_for(shig, "view").filter(pk=lhasa.pk).exists()
    assert not queue_for(shig).filter(pk=task.pk).exists() and not inbox_for(shig).exists()
    with pytest.raises(NotAllowed):
        task_for_user(shig, task.pk)
    # the lead-only step went to the lead, not to the colleague's queue
    assert inbox_for(staff["inspector"]).filter(pk=task.pk).exists()
    assert not queue_for(staff["inspector_b"]).filter(pk=task.pk).exists()


def test_forwarded_case_moves_reach_with_it(staff, cases):
    lhasa = cases["L"]
    complete(staff["inspector"], lhasa, {"decision": "forward", "forward_region_code": "540202"})
    assert complaints_for(staff["shigatse"], "handle").filter(pk=lhasa.pk).exists()
    assert not complaints_for(staff["inspector"], "view").filter(pk=lhasa.pk).exists()
    assert complaints_for(staff["auditor"], "view").filter(pk=lhasa.pk).exists()


# --- cost: set-based selectors -----------------------------------------------------------------------------------

def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_selector_query_counts_do_not_grow_with_cases(staff):
    users = [staff["inspector"], staff["head"], staff["auditor"], staff["intake"]]
    for _ in range(3):
        submit(region_code="540102")

    def measure():
        out = {}
        for u in users:
            out[(u.username, "view")] = _count(lambda: list(complaints_for(fresh(u), "view")))
            out[(u.username, "handle")] = _count(lambda: list(complaints_for(fresh(u), "handle")))
            out[(u.username, "queue")] = _count(lambda: [t.process.complaint.handling_region.code
                                                         for t in queue_for(fresh(u))])
        return out

    small = measure()
    assert len(queue_for(staff["inspector"])) == 3
    for _ in range(27):
        submit(region_code="540102")
    large = measure()
    assert len(queue_for(staff["inspector"])) == 30 and complaints_for(staff["auditor"]).count() == 30
    assert small == large
