"""Staff pages through the Django test client: inbox and queue, taking and completing a task, the case list and
case page with masking by role, the case actions, evidence download, alerts, and 404 for anything out of reach."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from viewflow.workflow.models import Task

from casework.models import Attachment, CaseEvent, ComplaintState as S, InspectionRecord, SystemAlert
from casework.services.evidence import evidence_store
from tests.factories import png_bytes, VALID_ID, advance, submit

pytestmark = pytest.mark.django_db

PHONE = "13800000001"
MASKED_ID = "540102********1233"


def login(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def open_task(complaint):
    return Task.objects.get(process_id=complaint.process_id, flow_task_type="HUMAN",
                            status__in=["NEW", "ASSIGNED", "STARTED"])


def test_login_page_and_login_required(client, staff):
    r = client.get(reverse("staff-home"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("staff-login"))
    page = client.get(reverse("staff-login"))
    assert page.status_code == 200 and 'for="id_username"' in text(page)
    bad = client.post(reverse("staff-login"), {"username": "insp_a", "password": "wrong"})
    assert bad.status_code == 200 and 'role="alert"' in text(bad)
    ok = client.post(reverse("staff-login"), {"username": "insp_a", "password": "pw-12345678"})
    assert ok.status_code == 302 and ok["Location"] == reverse("staff-home")
    out = client.post(reverse("staff-logout"))
    assert out.status_code == 302 and out["Location"] == reverse("home")


def test_inbox_queue_take_and_complete_triage(client, staff):
    c = submit().complaint
    task = open_task(c)
    login(client, staff["inspector"])
    r = client.get(reverse("staff-home"))
    body = text(r)
    assert [row["task"].pk for row in r.context["queue"]] == [task.pk] and r.context["inbox"] == []
    assert c.case_number in body and "西藏示例建筑工程有限公司" in body
    assert reverse("staff-task-take", args=[task.pk]) in body

    # the Shigatse inspector sees neither the task nor the case
    other = login(type(client)(), staff["shigatse"])
    assert c.case_number not in text(other.get(reverse("staff-home")))
    assert other.get(reverse("staff-task", args=[task.pk])).status_code == 404
    assert other.post(reverse("staff-task-take", args=[task.pk])).status_code == 404
    assert other.get(reverse("staff-case", args=[c.case_number])).status_code == 404

    # take it: it moves to the inbox
    r = client.post(reverse("staff-task-take", args=[task.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("staff-task", args=[task.pk])
    task.refresh_from_db()
    assert task.owner == staff["inspector"]
    r = client.get(reverse("staff-home"))
    assert [row["task"].pk for row in r.context["inbox"]] == [task.pk] and r.context["queue"] == []
    assert reverse("staff-task-take", args=[task.pk]) not in text(r)

    # the task page shows the case and the step's form
    page = client.get(reverse("staff-task", args=[task.pk]))
    body = text(page)
    assert page.status_code == 200 and 'name="decision"' in body and c.case_number in body
    assert 'for="id_correction_request"' in body

    # a rule of the service: a correction request needs the text; the error is next to the field and on top
    r = client.post(reverse("staff-task", args=[task.pk]), {"decision": "needs_correction", "note": "看一下"})
    body = text(r)
    assert r.status_code == 400 and 'id="id_correction_request-error"' in body
    assert 'href="#id_correction_request"' in body and "看一下" in body

    r = client.post(reverse("staff-task", args=[task.pk]), {"decision": "accept"})
    assert r.status_code == 302 and r["Location"] == reverse("staff-case", args=[c.case_number])
    c.refresh_from_db()
    assert c.state == S.INVESTIGATING and c.lead_inspector == staff["inspector"]

    # someone else submits the same (finished) task: a clear conflict with a way back
    b = login(type(client)(), staff["inspector_b"])
    r = b.post(reverse("staff-task", args=[task.pk]), {"decision": "accept"})
    assert r.status_code == 409 and reverse("staff-home") in text(r)


def test_completing_from_the_queue_assigns_in_one_go(client, staff):
    c = submit().complaint
    task = open_task(c)
    login(client, staff["head"])
    r = client.post(reverse("staff-task", args=[task.pk]), {"decision": "needs_correction",
                                                            "correction_request": "请补充工资条。"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.state == S.NEEDS_CORRECTION


def test_release_a_task(client, staff):
    c = submit().complaint
    task = open_task(c)
    login(client, staff["inspector"])
    client.post(reverse("staff-task-take", args=[task.pk]))
    r = client.post(reverse("staff-task-release", args=[task.pk]))
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.owner is None and task.status == "NEW"


def test_taking_a_task_someone_else_took(client, staff):
    c = submit().complaint
    task = open_task(c)
    login(type(client)(), staff["inspector_b"]).post(reverse("staff-task-take", args=[task.pk]))
    login(client, staff["inspector"])
    r = client.post(reverse("staff-task-take", args=[task.pk]), follow=True)
    assert r.status_code == 200 and 'class="notice notice-error"' in text(r)
    body = text(client.get(reverse("staff-task", args=[task.pk])))
    assert 'name="decision"' not in body and "insp_b" in body


def test_overdue_and_soon_counts(client, staff):
    from freezegun import freeze_time

    from casework.selectors import deadlines_of

    submit(received_at=dt.date.today() - dt.timedelta(days=30))
    fresh = submit().complaint
    due = deadlines_of(fresh).get().due_date
    login(client, staff["inspector"])
    r = client.get(reverse("staff-home"))
    assert r.context["overdue"] == 1
    assert r.context["soon"] == (1 if (due - dt.date.today()).days <= r.context["soon_days"] else 0)
    with freeze_time(dt.date.today() + dt.timedelta(days=60)):
        login(client, staff["inspector"])  # the session of 60 days ago has expired
        assert client.get(reverse("staff-home")).context["overdue"] == 2


def test_case_list_filters_and_reach(client, staff):
    a = submit().complaint
    b = submit(region_code="540202", project_name="", sector="other",
               employer={"name": "日喀则某矿业公司", "uscc": "", "address": "", "legal_rep_name": ""}).complaint
    login(client, staff["inspector"])
    body = text(client.get(reverse("staff-cases")))
    assert a.case_number in body and b.case_number not in body
    auditor = login(type(client)(), staff["auditor"])
    body = text(auditor.get(reverse("staff-cases")))
    assert a.case_number in body and b.case_number in body
    assert b.case_number not in text(auditor.get(reverse("staff-cases"), {"region": "540100"}))
    assert a.case_number not in text(auditor.get(reverse("staff-cases"), {"q": "矿业"}))
    assert a.case_number not in text(auditor.get(reverse("staff-cases"), {"stage": "closed"}))
    assert a.case_number in text(auditor.get(reverse("staff-cases"), {"stage": "intake", "overdue": "0"}))


def test_case_page_for_handling_staff_and_auditor(client, staff):
    c = advance(submit().complaint, "record_defence", inspector=staff["inspector"],
                inspector_b=staff["inspector_b"], head=staff["head"])
    login(client, staff["inspector"])
    r = client.get(reverse("staff-case", args=[c.case_number]))
    body = text(r)
    assert r.status_code == 200
    assert VALID_ID in body and PHONE in body  # case-handling staff of the region see the full data
    for part in ("INSP-ACCEPT", "INSP-INVESTIGATION", "INSP-ORDER-PAYMENT", "现场检查", "责令限期支付工资。",
                 "18,000.00", 'id="timeline"', "insp_a"):
        assert part in body, part
    assert "<del>" in body and "<ins>" in body  # old → new in the timeline

    auditor = login(type(client)(), staff["auditor"])
    body = text(auditor.get(reverse("staff-case", args=[c.case_number])))
    assert MASKED_ID in body and VALID_ID not in body and PHONE not in body and "138****0001" in body
    assert "扎某" in body and "扎西" not in body
    assert 'value="record_payment"' not in body and 'value="inspection_record"' not in body  # auditors only read


def test_informant_identity_hidden_from_auditor(client, staff):
    c = submit(kind="report").complaint
    body = text(login(client, staff["auditor"]).get(reverse("staff-case", args=[c.case_number])))
    assert VALID_ID not in body and MASKED_ID not in body and "扎" not in body.split('id="parties"')[1].split(
        'id="items"')[0]


def test_case_actions_through_the_page(client, staff, private_media):
    c = advance(submit().complaint, "investigate", inspector=staff["inspector"],
                inspector_b=staff["inspector_b"], head=staff["head"])
    url = reverse("staff-case", args=[c.case_number])
    login(client, staff["inspector"])
    body = text(client.get(url))
    assert 'value="inspection_record"' in body and 'value="verify_item"' in body and 'value="add_evidence"' in body

    # an inspection record with only one inspector breaks Reg. 16: shown on the field, nothing saved
    r = client.post(url, {"action": "inspection_record", "kind": "site_visit", "held_on": dt.date.today().isoformat(),
                          "place": "工地", "summary": "询问工人", "inspectors": [str(staff["inspector"].pk)]})
    assert r.status_code == 400 and 'id="id_inspectors-error"' in text(r) and "询问工人" in text(r)
    assert not InspectionRecord.objects.exists()
    r = client.post(url, {"action": "inspection_record", "kind": "site_visit", "held_on": dt.date.today().isoformat(),
                          "place": "工地", "summary": "询问工人",
                          "inspectors": [str(staff["inspector"].pk), str(staff["inspector_b"].pk)]})
    assert r.status_code == 302
    assert InspectionRecord.objects.get().inspectors.count() == 2

    # verify an item
    item = c.items.first()
    r = client.post(url, {"action": "verify_item", "item_id": item.pk, "amount_verified": "-5"})
    assert r.status_code == 400 and 'role="alert"' in text(r) and 'value="-5"' in text(r)
    r = client.post(url, {"action": "verify_item", "item_id": item.pk, "amount_verified": "5500", "note": "工资表"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.amount_verified == Decimal("5500.00")
    assert CaseEvent.objects.filter(complaint=c, code="item_verified").exists()

    # record a payment
    r = client.post(url, {"action": "record_payment", "item_id": item.pk, "amount": "1000",
                          "paid_on": dt.date.today().isoformat(), "method": "bank_transfer", "reference": "T1"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.amount_paid == Decimal("1000.00")

    # evidence: a disguised file is refused on the field; a photo is stored
    r = client.post(url, {"action": "add_evidence", "audience": "parties",
                          "file": SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>")})
    assert r.status_code == 400 and 'id="id_file-error"' in text(r)
    r = client.post(url, {"action": "add_evidence", "audience": "internal", "description": "现场照片",
                          "file": SimpleUploadedFile("site.png", png_bytes())})
    assert r.status_code == 302
    att = c.attachments.get()
    assert att.audience == "internal" and (private_media / att.file.name).exists()

    # an auditor's crafted POST changes nothing
    auditor = login(type(client)(), staff["auditor"])
    r = auditor.post(url, {"action": "verify_item", "item_id": item.pk, "amount_verified": "1"})
    item.refresh_from_db()
    assert r.status_code == 302 and item.amount_verified == Decimal("5500.00")


def test_evidence_download_by_role(client, staff):
    c = submit().complaint
    att = evidence_store(upload=SimpleUploadedFile("payslip.png", png_bytes()), complaint=c)
    url = reverse("staff-evidence", args=[att.pk])
    for user in (staff["inspector"], staff["auditor"], staff["intake"]):
        r = login(type(client)(), user).get(url)
        assert r.status_code == 200, user
        assert r["Content-Disposition"].startswith("attachment") and "payslip.png" in r["Content-Disposition"]
        assert r["X-Content-Type-Options"] == "nosniff" and r["Content-Type"] == "image/png"
        assert b"".join(r.streaming_content) == png_bytes()
    for user in (staff["shigatse"], staff["sysadmin"]):
        assert login(type(client)(), user).get(url).status_code == 404
    assert client.get(url).status_code == 302  # anonymous: to the login page
    # a file still in someone's unfinished draft is nobody's to download
    loose = evidence_store(upload=SimpleUploadedFile("x.png", png_bytes()))
    assert login(type(client)(), staff["inspector"]).get(reverse("staff-evidence", args=[loose.pk])).status_code == 404
    assert Attachment.objects.count() == 2


def test_alerts_for_heads_and_sysadmins_only(client, staff):
    SystemAlert.objects.create(code="calendar_missing", key="cal-2027", message="2027 national holidays not loaded")
    for user in (staff["head"], staff["sysadmin"]):
        r = login(type(client)(), user).get(reverse("staff-alerts"))
        assert r.status_code == 200 and "2027 national holidays not loaded" in text(r)
    assert login(client, staff["inspector"]).get(reverse("staff-alerts")).status_code == 404
    assert reverse("staff-alerts") not in text(client.get(reverse("staff-home")))


def test_task_decision_starts_empty(client, staff):
    c = submit().complaint
    task = open_task(c)
    login(client, staff["inspector"])
    body = text(client.get(reverse("staff-task", args=[task.pk])))
    assert '<option value="" selected>' in body
    r = client.post(reverse("staff-task", args=[task.pk]), {"decision": ""})
    assert r.status_code == 400 and 'id="id_decision-error"' in text(r)
    c.refresh_from_db()
    assert c.state == S.RECEIVED
