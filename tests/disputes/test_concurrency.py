"""Two clerks pressing the same button: on the review task of an arbitration application (through the task page and
through the task API, in two real threads with their own database connections, and with a page left open while the
other clerk decided) exactly one decision is recorded and the other clerk gets a clear conflict answer (409); a
case act pressed twice is recorded once.

Threaded tests need a transactional database; its flush at the end is followed by the reference data being loaded
again (casework.signals, disputes.apps)."""
import threading

import pytest
from django.db import connection
from django.urls import reverse
from viewflow.workflow.models import Task

from disputes.models import DisputeCase, DisputeEvent
from disputes.services.applications import application_submit
from tests.api.conftest import make_client
from tests.factories import make_user

from .pages import form_with, staff_client, text

PAYLOAD = {
    "region_code": "540102",
    "applicant": {"name": "次仁多吉", "id_number": "540102199001011233", "phone": "13900000011",
                  "address": "拉萨市城关区八廓街1号"},
    "employer": {"name": "西藏示例建筑工程有限公司", "address": "拉萨市城关区"},
    "workers_count": "1", "employment_status": "employed",
    "items": [{"category": "wages", "period_start": "2026-07-01", "period_end": "2026-07-31", "amount": "6000"}],
    "claims_text": "支付拖欠工资6000元。", "facts_text": "七月工资未付。",
}


def review_task(case) -> Task:
    return Task.objects.get(process_id=case.process_id, flow_task__endswith=".review", status="NEW")


def recorded_once(case):
    """Everything an acceptance writes, written once."""
    case = DisputeCase.objects.get(pk=case.pk)
    assert case.state == "ARB_ACCEPTED" and case.docket_no.endswith("〔%d〕1号" % case.accepted_at.year)
    codes = list(DisputeEvent.objects.filter(case=case).values_list("code", flat=True))
    assert codes.count("accepted") == 1 and codes.count("task_done") == 1
    assert case.documents.filter(kind="acceptance_notice").count() == 1
    assert case.documents.filter(kind="respondent_notice").count() == 1
    human = Task.objects.filter(process_id=case.process_id, flow_task_type="HUMAN")
    assert sorted(t.flow_task.name for t in human) == ["form_tribunal", "review"]
    assert human.get(flow_task__endswith=".review").status == "DONE"
    return case


def race(calls):
    """Run the calls at the same moment in two threads; each returns a status code."""
    barrier = threading.Barrier(len(calls))
    results = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            results.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    # No timeout: a thread left running would keep its connection past the test (on PostgreSQL the test database
    # could then not be dropped); the barrier's and the lock's timeouts bound the wait.
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_complete_the_same_review_task_on_its_page(dstaff, commission):
    other = make_user("clerk_b", "arbitration_clerk")
    case = application_submit(track="arbitration", payload=PAYLOAD).case
    url = reverse("staff-task", args=[review_task(case).pk])
    clients = [staff_client(dstaff["clerk"]), staff_client(other)]
    forms = [form_with(text(c.get(url)), css="task-form") for c in clients]  # both have the form open
    responses = {}

    def press(i):
        def call():
            r = clients[i].post(url, forms[i].data(decision="accept"))
            responses[r.status_code] = r
            return r.status_code
        return call

    assert race([press(0), press(1)]) == [302, 409]
    page = text(responses[409])
    assert 'role="alert"' in page and ("clerk_b" in page or ">clerk" in page or " clerk" in page)
    assert reverse("disputes:staff-case", args=[case.case_number]) in page
    recorded_once(case)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_complete_the_same_review_task_through_the_api(dstaff, commission):
    other = make_user("clerk_b", "arbitration_clerk")
    case = application_submit(track="arbitration", payload=PAYLOAD).case
    task_id = review_task(case).pk
    clients = [make_client(dstaff["clerk"]), make_client(other)]
    bodies = {}

    def press(client):
        def call():
            r = client.post(f"/api/v1/tasks/{task_id}/complete/", {"decision": "accept"}, format="json")
            bodies[r.status_code] = r.json()
            return r.status_code
        return call

    assert race([press(c) for c in clients]) == [200, 409]
    assert bodies[409]["errors"]["__all__"] and bodies[200]["state"] == "ARB_ACCEPTED"
    recorded_once(case)


@pytest.mark.django_db
def test_a_page_left_open_while_another_clerk_decided_gets_a_conflict_page(dstaff, commission):
    other = make_user("clerk_b", "arbitration_clerk")
    case = application_submit(track="arbitration", payload=PAYLOAD).case
    url = reverse("staff-task", args=[review_task(case).pk])
    late = staff_client(other)
    stale = form_with(text(late.get(url)), css="task-form")
    first = staff_client(dstaff["clerk"])
    r = first.post(url, form_with(text(first.get(url)), css="task-form").data(decision="accept"))
    assert r.status_code == 302
    # the second clerk sends the form that was open: refused, told who decided, nothing written
    r = late.post(url, stale.data(decision="not_accept", reason="材料不全"))
    assert r.status_code == 409 and "clerk" in text(r)
    assert reverse("disputes:staff-case", args=[case.case_number]) in text(r)
    case = recorded_once(case)
    assert case.not_accepted_at is None and case.refusal_reason == ""
    # a finished task shows as finished, with no form
    page = text(late.get(url))
    assert 'class="task-form"' not in page


@pytest.mark.django_db(transaction=True)
def test_a_case_act_pressed_twice_is_recorded_once(dstaff, commission):
    from casework.workflow import task_complete

    other = make_user("clerk_b", "arbitration_clerk")
    case = application_submit(track="arbitration", payload=PAYLOAD).case
    task_complete(user=dstaff["clerk"], task_id=review_task(case).pk, data={"decision": "accept"})
    number = case.case_number
    clients = [make_client(dstaff["clerk"]), make_client(other)]
    body = {"received_on": DisputeCase.objects.get(pk=case.pk).accepted_at.isoformat(), "text": "被申请人的答辩。"}

    def press(client):
        return lambda: client.post(f"/api/v1/disputes/cases/{number}/actions/defence/", body,
                                   format="json").status_code

    assert race([press(c) for c in clients]) == [200, 409]
    case = DisputeCase.objects.get(pk=case.pk)
    assert case.defence_text == "被申请人的答辩。"
    assert list(DisputeEvent.objects.filter(case=case, code="defence_received").values_list("code", flat=True)) \
        == ["defence_received"]

    # pressed again from the case page: refused with a message on the page, nothing written
    clerk = staff_client(dstaff["clerk"])
    url = reverse("disputes:staff-case", args=[number])
    form = form_with(text(clerk.get(url)), "action", "defence")
    r = clerk.post(url, form.data(received_on=body["received_on"], text="再次答辩"), follow=True)
    assert r.status_code == 200 and DisputeCase.objects.get(pk=case.pk).defence_text == "被申请人的答辩。"
    shown = [(m.level_tag, str(m)) for m in r.context["messages"]]
    assert len(shown) == 1 and shown[0][0] == "error" and body["received_on"] in shown[0][1]
