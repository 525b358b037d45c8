"""Who may see and do what through the API (spec §1, §14), and what each may see of a worker.

Status conventions: 404 for anything the caller may not see (whether it exists or not), 403 for what the caller
sees but may not do, 401 without credentials."""
import datetime as dt

import pytest
from viewflow.workflow.models import Task

from casework.models import InspectionRecord
from tests.api.conftest import make_client
from tests.factories import VALID_ID, advance, payload, submit

pytestmark = pytest.mark.django_db

PHONE = "13800000001"
NAME = "扎西"

USERS = ["inspector", "inspector_b", "head", "shigatse", "auditor", "sysadmin", "anonymous"]

EXPECTED = {  # user: (case list, case detail, task detail, assign, complete, inspection record)
    "inspector": (200, 200, 200, 200, 200, 201),
    "inspector_b": (200, 200, 200, 200, 200, 201),
    "head": (200, 200, 200, 200, 200, 201),
    "shigatse": (200, 404, 404, 404, 404, 404),
    "auditor": (200, 200, 200, 403, 403, 403),
    "sysadmin": (200, 404, 404, 404, 404, 404),
    "anonymous": (401, 401, 401, 401, 401, 401),
}
SEES_CASE_IN_LIST = {"inspector", "inspector_b", "head", "auditor"}
ACTIONS = ["case_list", "case_detail", "task_detail", "assign", "complete", "inspection_record"]


def open_task(complaint):
    return Task.objects.get(process_id=complaint.process_id, flow_task_type="HUMAN",
                            status__in=["NEW", "ASSIGNED", "STARTED"])


def record_body():
    return {"kind": "site_visit", "held_on": dt.date.today().isoformat(), "place": "工地",
            "summary": "现场检查工资表", "inspectors": ["insp_a", "insp_b"]}


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(staff, clients, who, action):
    client = clients[who]
    expected = EXPECTED[who][ACTIONS.index(action)]
    if action == "inspection_record":
        c = advance(submit().complaint, "investigate", inspector=staff["inspector"],
                    inspector_b=staff["inspector_b"], head=staff["head"])
        r = client.post(f"/api/v1/cases/{c.case_number}/inspection-records/", record_body(), format="json")
        assert r.status_code == expected, r.content
        assert InspectionRecord.objects.filter(complaint=c).count() == (1 if expected == 201 else 0)
        return
    c = submit().complaint
    task = open_task(c)
    if action == "case_list":
        r = client.get("/api/v1/cases/")
        assert r.status_code == expected, r.content
        if expected == 200:
            numbers = [row["case_number"] for row in r.json()["results"]]
            assert (c.case_number in numbers) == (who in SEES_CASE_IN_LIST)
        return
    if action == "case_detail":
        r = client.get(f"/api/v1/cases/{c.case_number}/")
    elif action == "task_detail":
        r = client.get(f"/api/v1/tasks/{task.pk}/")
    elif action == "assign":
        r = client.post(f"/api/v1/tasks/{task.pk}/assign/")
    else:
        r = client.post(f"/api/v1/tasks/{task.pk}/complete/", {"decision": "accept"}, format="json")
    assert r.status_code == expected, r.content
    task.refresh_from_db()
    if action == "assign":
        assert (task.owner is not None) == (expected == 200)
    if action == "complete":
        assert (task.status == "DONE") == (expected == 200)
        c.refresh_from_db()
        assert (c.state == "INVESTIGATING") == (expected == 200)


def test_task_detail_tells_the_caller_what_they_may_do(staff, clients):
    c = submit().complaint
    task = open_task(c)
    body = clients["inspector"].get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["step"] == "triage" and body["case_number"] == c.case_number
    assert body["can_assign"] and body["can_execute"]
    decision = next(f for f in body["fields"] if f["name"] == "decision")
    assert decision["type"] == "choice" and decision["required"]
    assert "accept" in [ch["value"] for ch in decision["choices"]]
    body = clients["auditor"].get(f"/api/v1/tasks/{task.pk}/").json()
    assert not body["can_assign"] and not body["can_execute"]


def test_invisible_and_missing_give_the_same_404(clients):
    c = submit().complaint
    task = open_task(c)
    shigatse = clients["shigatse"]
    assert shigatse.get(f"/api/v1/tasks/{task.pk}/").content == \
        shigatse.get(f"/api/v1/tasks/{task.pk + 1000}/").content
    assert shigatse.get(f"/api/v1/cases/{c.case_number}/").content == \
        shigatse.get("/api/v1/cases/2026-5401-99999-0/").content


def test_shigatse_never_sees_a_lhasa_case(staff, clients):
    c = advance(submit().complaint, "investigate", inspector=staff["inspector"], inspector_b=staff["inspector_b"],
                head=staff["head"])
    item = c.items.first()
    task = open_task(c)
    client = clients["shigatse"]
    base = f"/api/v1/cases/{c.case_number}"
    responses = [
        client.get(f"{base}/"), client.get(f"{base.replace('-', '')}/"),
        client.post(f"{base}/inspection-records/", record_body(), format="json"),
        client.post(f"{base}/items/{item.pk}/verify/", {"amount_verified": "1"}, format="json"),
        client.post(f"{base}/payments/", {"item_id": item.pk, "amount": "1", "paid_on": "2026-10-01"}, format="json"),
        client.post(f"{base}/evidence/", {}, format="multipart"),
        client.get(f"/api/v1/tasks/{task.pk}/"), client.post(f"/api/v1/tasks/{task.pk}/assign/"),
        client.post(f"/api/v1/tasks/{task.pk}/complete/", {}, format="json"),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    for url in ("/api/v1/cases/", f"/api/v1/cases/?q={c.case_number}", "/api/v1/cases/?region=5401",
                "/api/v1/tasks/"):
        r = client.get(url)
        assert r.status_code == 200 and c.case_number.encode() not in r.content
    # the Shigatse head either
    assert make_client(staff["shigatse_head"]).get(f"{base}/").status_code == 404


def test_auditor_sees_but_cannot_act(staff, clients):
    c = advance(submit().complaint, "investigate", inspector=staff["inspector"], inspector_b=staff["inspector_b"],
                head=staff["head"])
    item = c.items.first()
    base = f"/api/v1/cases/{c.case_number}"
    auditor = clients["auditor"]
    assert auditor.get(f"{base}/").status_code == 200
    assert auditor.post(f"{base}/items/{item.pk}/verify/", {"amount_verified": "1"}, format="json").status_code == 403
    assert auditor.post(f"{base}/payments/", {"item_id": item.pk, "amount": "1", "paid_on": "2026-10-01"},
                        format="json").status_code == 403
    assert auditor.post(f"{base}/evidence/", {}, format="multipart").status_code == 403
    item.refresh_from_db()
    assert item.amount_verified is None


# --- privacy ----------------------------------------------------------------------------------------------------------

def _assert_no_pii(content: bytes, *, name=False):
    text = content.decode()
    assert VALID_ID not in text and PHONE not in text
    if name:
        assert NAME not in text and "\\u624e\\u897f" not in text


def test_auditor_and_shigatse_never_get_full_id_or_phone(staff, clients):
    c = advance(submit().complaint, "investigate", inspector=staff["inspector"], inspector_b=staff["inspector_b"],
                head=staff["head"])
    task = open_task(c)
    for who in ("auditor", "shigatse"):
        client = clients[who]
        for url in ("/api/v1/cases/", f"/api/v1/cases/{c.case_number}/", "/api/v1/tasks/",
                    f"/api/v1/tasks/{task.pk}/"):
            _assert_no_pii(client.get(url).content)
    detail = clients["auditor"].get(f"/api/v1/cases/{c.case_number}/").json()
    assert detail["complainant"]["id_number"] == "540102********1233"
    assert detail["complainant"]["phone"] == "138****0001"
    assert detail["complainant"]["name"] == "扎某"
    assert all(i["worker"]["id_number"] == "540102********1233" for i in detail["items"])


def test_case_list_has_no_personal_data(staff, clients):
    submit()
    r = clients["inspector"].get("/api/v1/cases/")
    _assert_no_pii(r.content, name=True)
    row = r.json()["results"][0]
    assert set(row) == {"case_number", "kind", "state", "state_display", "employer_name", "handling_region",
                        "received_at", "next_due", "next_rule", "is_overdue", "lead_inspector"}


def test_lhasa_inspector_sees_full_id(staff, clients):
    c = submit().complaint
    r = clients["inspector"].get(f"/api/v1/cases/{c.case_number}/")
    assert r.status_code == 200
    assert VALID_ID.encode() in r.content and PHONE.encode() in r.content
    assert r.json()["complainant"]["name"] == NAME


def test_anonymous_tracking_shows_no_person(staff, anon):
    r = submit()
    advance(r.complaint, "record_defence", inspector=staff["inspector"], inspector_b=staff["inspector_b"],
            head=staff["head"])
    resp = anon.get(f"/api/v1/track/{r.complaint.case_number}/", {"code": r.access_code})
    assert resp.status_code == 200
    _assert_no_pii(resp.content, name=True)
    assert resp.json()["documents"]  # the order is there, the worker's identity is not
    assert b"insp_a" not in resp.content  # nor staff names


def test_informant_identity_only_for_case_handlers(staff, clients):
    c = submit(kind="report").complaint  # a report keeps the informant's identity secret
    assert c.confidential_informant
    detail = clients["auditor"].get(f"/api/v1/cases/{c.case_number}/").json()
    assert detail["complainant"] == {"name": "", "id_number": "", "phone": "", "confidential": True}
    assert all(i["worker"]["confidential"] for i in detail["items"])
    _assert_no_pii(clients["auditor"].get(f"/api/v1/cases/{c.case_number}/").content, name=True)
    assert clients["inspector"].get(f"/api/v1/cases/{c.case_number}/").json()["complainant"]["name"] == NAME


def test_payload_helper_is_the_demo_worker():
    assert payload()["complainant"]["id_number"] == VALID_ID and payload()["complainant"]["phone"] == PHONE
