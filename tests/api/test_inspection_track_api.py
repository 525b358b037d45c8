"""The whole inspection track driven through the API only, two clerks racing for one task, and lists whose query
count does not grow with the number of rows.

Two clients in real threads are tested at the service level (tests/casework/test_concurrency.py): a threaded test
needs a transactional database, whose flush at the end removes the reference data that later tests need."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task

from casework.models import CaseEvent, Complaint
from casework.workflow import task_assign
from tests.api.conftest import make_client
from tests.api.test_intake import png_bytes
from tests.factories import payload, submit

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def open_task_id(client, case_number, step):
    detail = ok(client.get(f"/api/v1/cases/{case_number}/"))
    ids = [t["id"] for t in detail["tasks"] if t["step"] == step]
    assert len(ids) == 1, detail["tasks"]
    return ids[0]


def complete(client, task_id, data):
    return ok(client.post(f"/api/v1/tasks/{task_id}/complete/", data, format="json"))


def test_whole_inspection_track_through_the_api(staff, anon):
    insp, head = make_client(staff["inspector"]), make_client(staff["head"])
    today = dt.date.today()

    # the worker submits
    submitted = ok(anon.post("/api/v1/complaints/", payload(), format="json"), 201)
    number, code = submitted["case_number"], submitted["access_code"]

    # triage: the task is in the inspector's queue; accept
    tasks = ok(insp.get("/api/v1/tasks/"))
    triage = next(t for t in tasks["queue"] if t["case_number"] == number)
    assert triage["step"] == "triage" and triage["owner"] is None
    assert ok(insp.post(f"/api/v1/tasks/{triage['id']}/assign/"))["owner"] == "insp_a"
    assert ok(insp.get("/api/v1/tasks/"))["inbox"][0]["id"] == triage["id"]
    assert complete(insp, triage["id"], {"decision": "accept", "note": "材料齐全"})["state"] == "INVESTIGATING"

    # investigation: a site visit needs two inspectors of the region
    url = f"/api/v1/cases/{number}/inspection-records/"
    body = {"kind": "site_visit", "held_on": today.isoformat(), "place": "安置房项目工地",
            "summary": "查阅工资表和考勤记录", "inspectors": ["insp_a"]}
    r = insp.post(url, body, format="json")
    assert r.status_code == 400 and set(r.json()["errors"]) == {"inspectors"}
    r = insp.post(url, {**body, "inspectors": ["insp_a", "nobody"]}, format="json")
    assert r.status_code == 400 and "nobody" in r.json()["errors"]["inspectors"][0]
    record = ok(insp.post(url, {**body, "inspectors": ["insp_a", "insp_b"]}, format="json"), 201)
    assert record["inspectors"] == ["insp_a", "insp_b"]

    # evidence gathered on site
    ev = insp.post(f"/api/v1/cases/{number}/evidence/",
                   {"file": SimpleUploadedFile("ledger.png", png_bytes()), "description": "工资表照片"},
                   format="multipart")
    assert ok(ev, 201)["mime"] == "image/png"

    # verify every item (per worker and month); an order cannot be issued before
    detail = ok(insp.get(f"/api/v1/cases/{number}/"))
    investigate = open_task_id(insp, number, "investigate")
    order = {"decision": "issue_order", "doc_type": "payment_order",
             "payment_deadline": (today + dt.timedelta(days=10)).isoformat(), "text": "责令限期支付拖欠工资。"}
    r = insp.post(f"/api/v1/tasks/{investigate}/complete/", order, format="json")
    assert r.status_code == 400 and "decision" in r.json()["errors"]
    for item in detail["items"]:
        verified = ok(insp.post(f"/api/v1/cases/{number}/items/{item['id']}/verify/",
                                {"amount_verified": item["amount_claimed"], "note": "与工资表一致"}, format="json"))
        assert verified["amount_verified"] == item["amount_claimed"]
    assert insp.post(f"/api/v1/cases/{number}/items/999999/verify/", {"amount_verified": "1"},
                     format="json").status_code == 404
    assert complete(insp, investigate, order)["state"] == "ORDER_ISSUED"

    # the employer's statement and defence, then the head decides
    defence = open_task_id(insp, number, "record_defence")
    assert complete(insp, defence, {"mode": "written", "received_on": today.isoformat(),
                                    "content": "单位称资金困难，承诺支付。"})["state"] == "DECISION_PENDING"
    decide = open_task_id(insp, number, "decide")
    decision = {"doc_type": "handling_decision", "text": "责令支付拖欠工资。",
                "payment_deadline": (today + dt.timedelta(days=15)).isoformat()}
    r = insp.post(f"/api/v1/tasks/{decide}/complete/", decision, format="json")
    assert r.status_code == 403  # only the head decides
    assert complete(head, decide, decision)["state"] == "DECIDED"

    # payments, item by item; more than is owed is refused
    items = ok(insp.get(f"/api/v1/cases/{number}/"))["items"]
    r = insp.post(f"/api/v1/cases/{number}/payments/", {"item_id": items[0]["id"], "amount": "6000.01",
                                                        "paid_on": today.isoformat()}, format="json")
    assert r.status_code == 400 and set(r.json()["errors"]) == {"amount"}
    for item in items:
        paid = ok(insp.post(f"/api/v1/cases/{number}/payments/",
                            {"item_id": item["id"], "amount": item["amount_ordered"], "paid_on": today.isoformat(),
                             "method": "bank_transfer", "reference": f"TX-{item['id']}"}, format="json"), 201)
        assert paid["amount"] == item["amount_ordered"]

    # compliance, then close
    compliance = open_task_id(insp, number, "compliance")
    assert complete(insp, compliance, {"decision": "complied"})["state"] == "COMPLIED"
    close = open_task_id(insp, number, "close")
    result = complete(insp, close, {})
    assert result["state"] == "CLOSED" and result["tasks"] == []

    detail = ok(insp.get(f"/api/v1/cases/{number}/"))
    assert detail["state"] == "CLOSED" and detail["outcome"] == "paid_in_full"
    assert Decimal(detail["amount_recovered"]) == Decimal("18000.00")
    assert detail["totals"]["outstanding"] == "0.00" and detail["totals"]["paid"] == "18000.00"
    assert len(detail["payments"]) == 3 and len(detail["inspection_records"]) == 1 and len(detail["evidence"]) == 1
    assert [d["doc_type"] for d in detail["documents"]] == ["payment_order", "handling_decision"]
    assert all(d["status"] in ("MET", "WAIVED") for d in detail["deadlines"])
    timeline_codes = {e["action"] for e in detail["timeline"] if e["kind"] == "event"}
    assert {"received", "accepted", "inspection_record", "evidence_added", "item_verified", "order_issued",
            "defence_recorded", "decided", "payment_recorded", "complied", "closed"} <= timeline_codes

    # every write went through the API channel, and the worker sees the payments and the closure
    c = Complaint.objects.get(case_number=number)
    assert c.history.filter(channel="api").exists()
    public = ok(anon.get(f"/api/v1/track/{number}/", {"code": code}))
    codes = [e["code"] for e in public["events"]]
    assert codes.count("payment_recorded") == 3 and codes[-1] == "closed"
    assert public["status"] == "CLOSED"


def test_two_clients_same_task_one_wins(staff):
    c = submit().complaint
    task = Task.objects.get(process_id=c.process_id, flow_task_type="HUMAN", status="NEW")
    a, b = make_client(staff["inspector"]), make_client(staff["inspector_b"])
    first = a.post(f"/api/v1/tasks/{task.pk}/complete/", {"decision": "accept"}, format="json")
    second = b.post(f"/api/v1/tasks/{task.pk}/complete/", {"decision": "accept"}, format="json")
    assert (first.status_code, second.status_code) == (200, 409)
    assert "insp_a" in second.json()["detail"]
    assert CaseEvent.objects.filter(complaint=c, code="accepted").count() == 1
    assert Task.objects.filter(process_id=c.process_id, flow_task_type="HUMAN").count() == 2  # triage + investigate


def test_taking_a_task_someone_else_has_is_409(staff):
    c = submit().complaint
    task = Task.objects.get(process_id=c.process_id, flow_task_type="HUMAN", status="NEW")
    assert make_client(staff["inspector"]).post(f"/api/v1/tasks/{task.pk}/assign/").status_code == 200
    r = make_client(staff["inspector_b"]).post(f"/api/v1/tasks/{task.pk}/assign/")
    assert r.status_code == 409 and set(r.json()) == {"errors", "detail"}


def test_task_complete_field_errors(staff):
    c = submit().complaint
    task = Task.objects.get(process_id=c.process_id, flow_task_type="HUMAN", status="NEW")
    client = make_client(staff["inspector"])
    r = client.post(f"/api/v1/tasks/{task.pk}/complete/", {"decision": "maybe"}, format="json")
    assert r.status_code == 400 and set(r.json()["errors"]) == {"decision"}
    r = client.post(f"/api/v1/tasks/{task.pk}/complete/", {"decision": "needs_correction"}, format="json")
    assert r.status_code == 400 and set(r.json()["errors"]) == {"correction_request"}
    c.refresh_from_db()
    assert c.state == "RECEIVED"


# --- query counts --------------------------------------------------------------------------------------------------

def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), r.json()


def _cases(n, staff, assign_every=3):
    for i in range(n):
        c = submit().complaint
        if i % assign_every == 0:  # some in the inspector's inbox, the rest in the queue
            task = Task.objects.get(process_id=c.process_id, flow_task_type="HUMAN", status="NEW")
            task_assign(user=staff["inspector"], task_id=task.pk)


@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/cases/?overdue=false&stage=intake&q=5401",
                                 "/api/v1/tasks/"])
def test_list_query_count_does_not_grow_with_rows(staff, url):
    client = make_client(staff["inspector"])
    _cases(3, staff)
    client.get(url)  # warm per-process caches (content types)
    few, body_few = _count(client, url)
    _cases(27, staff)
    many, body_many = _count(client, url)
    if url.startswith("/api/v1/tasks/"):
        assert (body_few["inbox_count"], body_few["queue_count"]) == (1, 2)
        assert (body_many["inbox_count"], body_many["queue_count"]) == (10, 20)
    else:
        assert body_few["count"] == 3 and body_many["count"] == 30
    assert few == many, (few, many)
