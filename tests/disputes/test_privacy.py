"""Who sees what in the dispute tracks (spec §14; issue #3):

- every public page and public API answer (the application page, blank and pre-filled, the receipt, the tracking
  page and API, the parties' own pages and API) carries no ID number, phone number or address of any party, no
  staff user name, and never a document of the internal file (副卷);
- an arbitrator sees only the cases whose tribunal they sit on (list, case page, task page, API: 404 elsewhere);
- a Shigatse clerk sees no Lhasa case; an auditor reads with masked IDs and does nothing;
- the employer's clerk sees only its own case's main file and files the defence there; the limitation warning is
  the applicant's, never shown to the respondent;
- nobody downloads an internal document by guessing its id."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from casework.workflow import task_complete
from disputes.documents import document_text
from disputes.models import CaseDocument, DisputeCase
from disputes.services.applications import application_submit
from disputes.services.arbitration import service_record
from disputes.services.parties import party_account_link
from tests.api.conftest import make_client
from tests.factories import make_user

from .pages import case_act, form_with, staff_client, submit, text, track

pytestmark = pytest.mark.django_db

D = dt.date

WORKER_ID, WORKER_PHONE, WORKER_ADDRESS = "540102199001011233", "13900000011", "拉萨市城关区八廓街1号"
AGENT_ID, AGENT_PHONE = "540102197506061237", "13900000019"
EMPLOYER_ADDRESS, EMPLOYER_PHONE = "拉萨市城关区金珠西路8号", "08916330000"
PERSONAL = [WORKER_ID, WORKER_PHONE, "八廓街", AGENT_ID, AGENT_PHONE, "金珠西路", EMPLOYER_PHONE,
            WORKER_ID[:4] + "*" * 10 + WORKER_ID[-4:], WORKER_PHONE[:3] + "****" + WORKER_PHONE[-4:]]


def at(day: str, time: str = "10:00"):
    return freeze_time(f"{day} {time}:00+08:00")


@pytest.fixture
def people(db, commission, body):
    """Staff with names nobody else uses, so that a leak of a user name or a full name is visible anywhere."""
    def user(username, role, first, region="540100", perm="handle_cases"):
        u = make_user(username, role, region=region, perm=perm)
        u.first_name = first
        u.save()
        return u

    return {
        "mediator": user("lhamo_med_7", "mediator", "拉姆卓玛"),
        "clerk": user("dawa_clerk_7", "arbitration_clerk", "达瓦次仁"),
        "chair": user("norbu_chair_7", "arbitration_chair", "诺布旺堆"),
        "arb1": user("pema_arb_7", "arbitrator", "白玛央金", perm=None),
        "arb2": user("sonam_arb_7", "arbitrator", "索朗多吉", perm=None),
        "arb3": user("tenzin_arb_7", "arbitrator", "丹增平措", perm=None),
        "arb4": user("nyima_arb_7", "arbitrator", "尼玛顿珠", perm=None),
        "clerk_shigatse": user("phurbu_clerk_7", "arbitration_clerk", "普布扎西", region="540200"),
        "auditor": user("yeshi_audit_7", "auditor", "益西", region="540000", perm="view_cases"),
        "employer_user": user("xizang_jianzhu_7", "employer_user", "王会计", perm=None),
        "worker_rep": user("gesang_rep_7", "worker_rep", "格桑", perm=None),
    }


STAFF_NAMES = ["lhamo_med_7", "拉姆卓玛", "dawa_clerk_7", "达瓦次仁", "norbu_chair_7", "诺布旺堆", "pema_arb_7",
               "白玛央金", "sonam_arb_7", "索朗多吉", "tenzin_arb_7", "丹增平措"]


def payload(**over):
    body = {
        "region_code": "540102",
        "applicant": {"name": "次仁多吉", "id_number": WORKER_ID, "phone": WORKER_PHONE, "address": WORKER_ADDRESS,
                      "occupation": "钢筋工", "preferred_language": "zh-hans"},
        "employer": {"name": "西藏示例建筑工程有限公司", "uscc": "91540100MA6T00012D", "address": EMPLOYER_ADDRESS,
                     "legal_rep_name": "王某", "contact_phone": EMPLOYER_PHONE},
        "agent": {"name": "格桑", "id_number": AGENT_ID, "phone": AGENT_PHONE, "scope": "代为申请仲裁、参加庭审"},
        "workers_count": "1", "employment_status": "left", "employment_start": "2023-03-01",
        "employment_end": "2024-01-31", "knew_on": "2024-02-15",
        "items": [{"category": "wages", "period_start": "2023-11-01", "period_end": "2024-01-31", "amount": "6000"}],
        "claims_text": "请求裁决被申请人支付拖欠工资6000元。", "facts_text": "三个月工资未付。",
    }
    body.update(over)
    return body


def step(case, user, data):
    from viewflow.workflow.models import Task

    task = Task.objects.get(process_id=case.process_id, flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"])
    return task_complete(user=user, task_id=task.pk, data=data)


def open_task_id(case) -> int:
    from viewflow.workflow.models import Task

    return Task.objects.get(process_id=case.process_id, flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"]).pk


@pytest.fixture
def heard_case(people):
    """An arbitration case (applied 2025-06-09, with a representative and a late limitation) accepted, with the
    tribunal pema/sonam/tenzin, the notice to respond served, the employer's clerk and the representative linked,
    heard with deliberation notes in the internal file, and awarded on 2025-06-20."""
    with at("2025-06-09"):
        result = application_submit(track="arbitration", payload=payload())
        case = result.case
        step(case, people["clerk"], {"decision": "accept"})
        step(case, people["chair"], {"procedure": "ordinary", "presiding": "pema_arb_7", "member_1": "sonam_arb_7",
                                     "member_2": "tenzin_arb_7"})
        respondent = case.parties.get(side="respondent")
        applicant = case.parties.get(side="applicant")
        service_record(case=case, user=people["clerk"], party_id=respondent.pk, doc_kind="respondent_notice",
                       method="in_person", sent_on=D(2025, 6, 9), served_on=D(2025, 6, 9), confirmed=True)
        party_account_link(case=case, user=people["clerk"], party_id=respondent.pk, username="xizang_jianzhu_7")
        party_account_link(case=case, user=people["clerk"], party_id=applicant.pk, username="gesang_rep_7")
        step(case, people["clerk"], {"starts_at": "2025-06-17T09:30", "place": "第一仲裁庭",
                                     "notice_sent_on": "2025-06-09", "notice_method": "written", "public": "on"})
    with at("2025-06-17", "15:00"):
        step(case, people["clerk"], {"outcome": "heard", "record_text": "开庭审理。", "applicant_present": "on",
                                     "respondent_present": "on", "mediation_attempted": "on",
                                     "deliberation_notes": "合议：达瓦次仁记录，白玛央金主张全部支持。"})
    with at("2025-06-20"):
        step(case, people["arb1"], {"award_date": "2025-06-20", "items": "wages | 工资 | 6000 | yes | 欠薪属实",
                                    "facts": "查明事实。", "reasons": "理由。"})
    case = DisputeCase.objects.get(pk=case.pk)
    case.access_code = result.access_code
    return case


def assert_private(body: str, where: str):
    for secret in PERSONAL:
        assert secret not in body, f"{where} shows {secret}"
    for name in STAFF_NAMES:
        assert name not in body, f"{where} shows the staff name {name}"


def internal_doc(case) -> CaseDocument:
    return case.documents.get(audience=CaseDocument.Audience.INTERNAL)


# --- public pages and API -------------------------------------------------------------------------------------------

def test_public_pages_and_api_show_no_personal_data_no_staff_and_no_internal_file(people, heard_case):
    case = heard_case
    internal = internal_doc(case)
    assert case.limitation_warning  # left in January 2024: the year ran out
    hidden = [internal.doc_no, internal.title, f"/documents/{internal.pk}/"]
    with at("2025-06-21"):
        pages = {}
        visitor = Client()
        pages["apply (mediation)"] = visitor.get(reverse("disputes:apply", args=["mediation"]))
        pages["apply (arbitration)"] = visitor.get(reverse("disputes:apply", args=["arbitration"]))
        pages["tracking page"] = track(visitor, case.case_number, case.access_code)
        pages["disputes index"] = visitor.get(reverse("disputes:index"))
        anon = make_client(language="zh-hans")
        pages["tracking API"] = anon.get(f"/api/v1/disputes/track/{case.case_number}/", {"code": case.access_code})
        for who in ("employer_user", "worker_rep"):
            party = staff_client(people[who])
            pages[f"{who}: my cases"] = party.get(reverse("disputes:my-cases"))
            pages[f"{who}: my case"] = party.get(reverse("disputes:my-case", args=[case.case_number]))
            api = make_client(people[who], language="zh-hans")
            pages[f"{who}: mine API"] = api.get("/api/v1/disputes/mine/")
            pages[f"{who}: mine detail API"] = api.get(f"/api/v1/disputes/mine/{case.case_number}/")
    for where, response in pages.items():
        assert response.status_code == 200, where
        body = response.content.decode()
        assert_private(body, where)
        for h in hidden:
            assert h not in body, f"{where} shows the internal document {h}"
    # the main file is there (so the check above is not vacuous), with the award and the hearing record
    tracking = pages["tracking API"].json()
    assert {"award", "hearing_record", "receipt"} <= {d["kind"] for d in tracking["documents"]}
    assert all(d["id"] != internal.pk for d in tracking["documents"])
    assert "次仁多吉" not in text(pages["tracking page"])  # not even the applicant's own name on a public page
    # the limitation warning is the applicant's: the tracking code holder and the representative see it, the
    # respondent's clerk never does (the commission does not raise limitation for the respondent)
    warning_start = case.limitation_warning[:20]
    assert warning_start in text(pages["tracking page"]) and pages["tracking API"].json()["limitation_warning"]
    assert warning_start in text(pages["worker_rep: my case"])
    assert warning_start not in text(pages["employer_user: my case"])
    assert pages["employer_user: mine detail API"].json()["limitation_warning"] == ""


def test_the_receipt_shows_the_numbers_once_and_no_personal_data(people):
    visitor = Client()
    with at("2025-06-09"):
        url = reverse("disputes:apply", args=["arbitration"])
        form = form_with(text(visitor.get(url)), "claims_text")
        data = {"region_code": "540102", "applicant.name": "次仁多吉", "applicant.id_number": WORKER_ID,
                "applicant.phone": WORKER_PHONE, "applicant.address": WORKER_ADDRESS,
                "applicant.preferred_language": "zh-hans", "employer.name": "西藏示例建筑工程有限公司",
                "employer.address": EMPLOYER_ADDRESS, "employer.contact_phone": EMPLOYER_PHONE,
                "agent.name": "格桑", "agent.id_number": AGENT_ID, "agent.phone": AGENT_PHONE, "agent.scope": "代为申请",
                "workers_count": "1", "employment_status": "left", "employment_end": "2025-05-31",
                "items.0.category": "wages", "items.0.period_start": "2025-03-01",
                "items.0.period_end": "2025-05-31", "items.0.amount": "6000", "claims_text": "支付工资。",
                "facts_text": "工资未付。"}
        submit(visitor, url, form, button=("action", "submit"), **data)
        receipt = visitor.get(reverse("disputes:receipt"))
    body = text(receipt)
    case = DisputeCase.objects.get()
    assert case.case_number in body and case.parties.get(side="applicant").agent.name == "格桑"
    assert_private(body, "receipt")
    assert receipt["Cache-Control"].startswith("max-age=0") or "no-cache" in receipt["Cache-Control"]


def test_a_prefilled_application_page_does_not_print_identifiers(people, body):
    mediator = people["mediator"]
    with at("2025-06-09"):
        result = application_submit(track="mediation", payload=payload(respondent_consented=True,
                                                                       employment_end="2025-05-31",
                                                                       knew_on="2025-04-15"))
        step(result.case, mediator, {"decision": "accept", "respondent_consented": "on"})
        step(result.case, mediator, {"outcome": "failed", "reason": "未达成协议"})
        visitor = Client()
        track(visitor, result.case.case_number, result.access_code)
        page = visitor.get(reverse("disputes:apply", args=["arbitration"]) + "?from=case")
    body = text(page)
    assert "次仁多吉" in body and "西藏示例建筑工程有限公司" in body   # pre-filled: the names, the claims
    assert_private(body, "pre-filled application")


# --- arbitrators, regions, auditors ---------------------------------------------------------------------------------

def test_an_arbitrator_sees_only_the_cases_whose_tribunal_they_sit_on(people, heard_case):
    other = application_submit(track="arbitration", payload=payload(claims_text="另一案件"),
                               received_at=D(2025, 6, 9)).case
    with at("2025-06-10"):
        step(other, people["clerk"], {"decision": "accept"})
        step(other, people["chair"], {"procedure": "simple", "presiding": "nyima_arb_7"})
    other_task = open_task_id(other)
    sitting, outsider = staff_client(people["arb1"]), staff_client(people["arb4"])
    listing = text(sitting.get(reverse("disputes:staff-cases")))
    assert heard_case.case_number in listing and other.case_number not in listing
    assert sitting.get(reverse("disputes:staff-case", args=[heard_case.case_number])).status_code == 200
    assert sitting.get(reverse("disputes:staff-case", args=[other.case_number])).status_code == 404
    assert sitting.get(reverse("staff-task", args=[other_task])).status_code == 404
    assert sitting.post(reverse("staff-task-take", args=[other_task])).status_code == 404
    doc = other.documents.first()
    assert sitting.get(reverse("disputes:staff-document", args=[other.case_number, doc.pk])).status_code == 404
    # and the sole arbitrator of the other case sees it, not the first
    assert outsider.get(reverse("disputes:staff-case", args=[other.case_number])).status_code == 200
    assert outsider.get(reverse("disputes:staff-case", args=[heard_case.case_number])).status_code == 404

    api = make_client(people["arb1"])
    assert [c["case_number"] for c in api.get("/api/v1/disputes/cases/").json()] == [heard_case.case_number]
    assert api.get(f"/api/v1/disputes/cases/{other.case_number}/").status_code == 404
    assert api.get(f"/api/v1/disputes/cases/{other.case_number}/actions/").status_code == 404
    assert api.get(f"/api/v1/tasks/{other_task}/").status_code == 404
    assert api.post(f"/api/v1/tasks/{other_task}/assign/").status_code == 404
    tasks = api.get("/api/v1/tasks/").json()
    assert all(t["case_number"] != other.case_number for t in tasks["inbox"] + tasks["queue"])


def test_a_shigatse_clerk_sees_no_lhasa_case(people, heard_case, commission_shigatse):
    shigatse = application_submit(track="arbitration", received_at=D(2025, 6, 9), payload=payload(
        region_code="540202", agent={})).case
    assert shigatse.region_id == "540200"
    clerk = staff_client(people["clerk_shigatse"])
    listing = text(clerk.get(reverse("disputes:staff-cases")))
    assert shigatse.case_number in listing and heard_case.case_number not in listing
    assert clerk.get(reverse("disputes:staff-case", args=[heard_case.case_number])).status_code == 404
    lhasa_task = open_task_id(heard_case)
    assert clerk.get(reverse("staff-task", args=[lhasa_task])).status_code == 404
    home = text(clerk.get(reverse("staff-home")))
    assert shigatse.case_number in home and heard_case.case_number not in home
    api = make_client(people["clerk_shigatse"])
    assert [c["case_number"] for c in api.get("/api/v1/disputes/cases/").json()] == [shigatse.case_number]
    assert api.get(f"/api/v1/disputes/cases/{heard_case.case_number}/").status_code == 404
    assert api.post(f"/api/v1/disputes/cases/{heard_case.case_number}/actions/withdraw/",
                    {"on": "2025-06-21"}, format="json").status_code == 404
    assert api.get(f"/api/v1/tasks/{lhasa_task}/").status_code == 404
    # and the Lhasa clerk does not see the Shigatse case
    assert staff_client(people["clerk"]).get(
        reverse("disputes:staff-case", args=[shigatse.case_number])).status_code == 404


def test_an_auditor_reads_with_masked_ids_and_acts_on_nothing(people, heard_case):
    auditor = staff_client(people["auditor"])
    page = auditor.get(reverse("disputes:staff-case", args=[heard_case.case_number]))
    body = text(page)
    assert page.status_code == 200
    assert WORKER_ID[:4] + "*" * 10 + WORKER_ID[-4:] in body and WORKER_ID not in body
    assert WORKER_PHONE[:3] + "****" + WORKER_PHONE[-4:] in body and WORKER_PHONE not in body
    assert "八廓街" not in body and AGENT_PHONE not in body
    assert 'name="action"' not in body                           # no act is offered
    r = auditor.post(reverse("disputes:staff-case", args=[heard_case.case_number]),
                     {"action": "withdraw", "on": "2025-06-21"})
    assert r.status_code == 404 and DisputeCase.objects.get(pk=heard_case.pk).state == "ARB_AWARDED"
    assert auditor.post(reverse("staff-task-take", args=[open_task_id(heard_case)])).status_code == 404
    detail = make_client(people["auditor"]).get(f"/api/v1/disputes/cases/{heard_case.case_number}/").json()
    applicant = next(p for p in detail["parties"] if p["side"] == "applicant")
    assert detail["full_pii"] is False and detail["actions"] == []
    assert applicant["id_number"] == WORKER_ID[:4] + "*" * 10 + WORKER_ID[-4:]
    assert applicant["phone"] == "139****0011" and applicant["address"] == ""
    # the handling clerk sees them in full
    full = make_client(people["clerk"]).get(f"/api/v1/disputes/cases/{heard_case.case_number}/").json()
    assert next(p for p in full["parties"] if p["side"] == "applicant")["id_number"] == WORKER_ID


# --- parties --------------------------------------------------------------------------------------------------------

def test_the_employer_clerk_sees_only_its_own_case_main_file(people, heard_case):
    other = application_submit(track="arbitration", payload=payload(agent={}), received_at=D(2025, 6, 9)).case
    employer = staff_client(people["employer_user"])
    listing = text(employer.get(reverse("disputes:my-cases")))
    assert heard_case.case_number in listing and other.case_number not in listing
    assert employer.get(reverse("disputes:my-case", args=[other.case_number])).status_code == 404
    page = text(employer.get(reverse("disputes:my-case", args=[heard_case.case_number])))
    main = heard_case.documents.filter(audience="main")
    for doc in main:
        assert reverse("disputes:my-document", args=[heard_case.case_number, doc.pk]) in page
    award = main.get(kind="award")
    r = employer.get(reverse("disputes:my-document", args=[heard_case.case_number, award.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    # the internal file, another case's document, the staff pages: nothing
    internal = internal_doc(heard_case)
    assert employer.get(reverse("disputes:my-document", args=[heard_case.case_number, internal.pk])).status_code \
        == 404
    assert employer.get(reverse("disputes:my-document",
                                args=[heard_case.case_number, other.documents.first().pk])).status_code == 404
    assert employer.get(reverse("disputes:staff-case", args=[heard_case.case_number])).status_code == 404
    assert employer.get(reverse("disputes:staff-cases")).status_code == 404
    assert employer.get(reverse("staff-home"))["Location"] == reverse("disputes:my-cases")
    api = make_client(people["employer_user"])
    assert api.get(f"/api/v1/disputes/mine/{other.case_number}/").status_code == 404
    assert api.get(f"/api/v1/disputes/mine/{heard_case.case_number}/documents/{internal.pk}/").status_code == 404
    assert api.get(f"/api/v1/disputes/cases/{heard_case.case_number}/").status_code == 404
    assert api.get("/api/v1/tasks/").json()["queue_count"] == 0


def test_the_respondent_files_its_defence_from_its_account_and_the_applicant_side_cannot(people, commission):
    with at("2025-06-09"):
        result = application_submit(track="arbitration", payload=payload())
        case = result.case
        step(case, people["clerk"], {"decision": "accept"})
        respondent, applicant = case.parties.get(side="respondent"), case.parties.get(side="applicant")
        clerk = staff_client(people["clerk"])
        case_act(clerk, case.case_number, "link_account", party_id=str(respondent.pk), username="xizang_jianzhu_7")
        case_act(clerk, case.case_number, "link_account", party_id=str(applicant.pk), username="gesang_rep_7")
        # an employer's clerk cannot be linked to the worker, nor the worker's representative to the employer
        r = case_act(clerk, case.case_number, "link_account", expect=400, party_id=str(applicant.pk),
                     username="xizang_jianzhu_7")
        assert case.parties.get(side="applicant").accounts.count() == 1 and "username" in text(r)

        rep = staff_client(people["worker_rep"])
        url = reverse("disputes:my-case", args=[case.case_number])
        assert 'id="defence"' not in text(rep.get(url))
        assert rep.post(url, {"text": "冒名答辩"}).status_code == 404
        denied = make_client(people["worker_rep"]).post(f"/api/v1/disputes/mine/{case.case_number}/defence/",
                                                        {"text": "冒名答辩"}, format="json")
        assert denied.status_code == 403 and "第三十条" in denied.json()["errors"]["__all__"][0]

        employer = staff_client(people["employer_user"])
        form = form_with(text(employer.get(url)), "text")
        r = submit(employer, url, form, expect=400, text="")      # an empty defence: the form says so
        assert DisputeCase.objects.get(pk=case.pk).defence_received_at is None
        submit(employer, url, form_with(text(r), "text"), text="工资已部分支付，请求驳回部分请求。")
    case = DisputeCase.objects.get(pk=case.pk)
    assert case.defence_received_at == D(2025, 6, 9) and case.defence_text.startswith("工资已部分支付")
    assert case.history.first().history_user == people["employer_user"]
    # the defence is on the staff case page, with the copy to the applicant now due
    page = text(staff_client(people["clerk"]).get(reverse("disputes:staff-case", args=[case.case_number])))
    assert "工资已部分支付" in page and "ARB-DEFENCE-COPY" in page


def test_nobody_downloads_an_internal_document_by_id(people, heard_case):
    internal = internal_doc(heard_case)
    number, code = heard_case.case_number, heard_case.access_code
    visitor = Client()
    track(visitor, number, code)
    assert visitor.get(reverse("disputes:track-document", args=[internal.pk])).status_code == 404
    main = heard_case.documents.filter(audience="main").first()
    assert visitor.get(reverse("disputes:track-document", args=[main.pk])).status_code == 200
    assert Client().get(reverse("disputes:track-document", args=[main.pk])).status_code == 404  # not tracked
    anon = make_client()
    assert anon.get(f"/api/v1/disputes/track/{number}/documents/{internal.pk}/", {"code": code}).status_code == 404
    for who in ("employer_user", "worker_rep"):
        assert staff_client(people[who]).get(
            reverse("disputes:my-document", args=[number, internal.pk])).status_code == 404
    # the handling clerk and the sitting arbitrators read it; the auditor of the region too (staff only)
    for who in ("clerk", "arb2", "auditor"):
        r = staff_client(people[who]).get(reverse("disputes:staff-document", args=[number, internal.pk]))
        assert r.status_code == 200, who
    assert "合议" in document_text(internal)
