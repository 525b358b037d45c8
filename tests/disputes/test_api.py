"""Both dispute tracks driven only through the API: the application (POST /api/v1/disputes/applications/<track>/),
the generic task API (/api/v1/tasks/: list, detail with the step's fields, assign, complete), the case acts
(/api/v1/disputes/cases/<no>/actions/ and .../actions/<name>/), document downloads (staff, public with the access
code, a party's own), public tracking and the parties' own views (/api/v1/disputes/mine/...). Arbitration is free:
a fee field is refused with LDMAL art. 53. The OpenAPI schema still generates without a warning and lists the new
operations."""
import datetime as dt
import io

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from disputes.models import DisputeCase, DisputeState as S
from tests.api.conftest import make_client
from tests.factories import make_user

pytestmark = pytest.mark.django_db

D = dt.date
LDMAL_53 = "第五十三条"


def at(day: str, time: str = "10:00"):
    return freeze_time(f"{day} {time}:00+08:00")


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:3000]
    return response.json() if response["Content-Type"].startswith("application/json") else response


def application(**over) -> dict:
    body = {
        "region_code": "540102",
        "applicant": {"name": "次仁多吉", "id_number": "540102199001011233", "phone": "13900000011",
                      "address": "拉萨市城关区八廓街1号", "occupation": "钢筋工", "preferred_language": "bo"},
        "employer": {"name": "西藏示例建筑工程有限公司", "uscc": "91540100MA6T00012D",
                     "address": "拉萨市城关区金珠西路8号", "legal_rep_name": "王某"},
        "workers_count": 1, "employment_status": "left", "employment_start": "2024-09-01",
        "employment_end": "2025-05-31", "knew_on": "2025-04-15",
        "items": [{"category": "wages", "period_start": "2025-03-01", "period_end": "2025-05-31", "amount": "6000"}],
        "claims_text": "请求裁决被申请人支付拖欠工资6000元。", "facts_text": "三个月工资未付。",
    }
    body.update(over)
    return body


def task_of(client, number: str, step: str, where: str = "queue") -> dict:
    listing = ok(client.get("/api/v1/tasks/"))
    rows = [t for t in listing[where] if t["case_number"] == number and t["step"] == step]
    assert len(rows) == 1, listing
    return rows[0]


def complete(client, task_id: int, data: dict, status=200):
    return ok(client.post(f"/api/v1/tasks/{task_id}/complete/", data, format="json"), status)


def act(client, number: str, name: str, data: dict, status=200):
    return ok(client.post(f"/api/v1/disputes/cases/{number}/actions/{name}/", data, format="json"), status)


def party_ids(client, number: str) -> dict:
    detail = ok(client.get(f"/api/v1/disputes/cases/{number}/"))
    return {p["side"]: p["id"] for p in detail["parties"]}


# --- mediation ------------------------------------------------------------------------------------------------------

def test_mediation_track_through_the_api(dstaff, body, commission):
    anon, mediator = make_client(), make_client(dstaff["mediator"])
    with at("2025-06-09"):
        created = ok(anon.post("/api/v1/disputes/applications/mediation/",
                               application(respondent_consented=True), format="json"), 201)
        number, code = created["case_number"], created["access_code"]
        assert created["status"] == S.MED_APPLIED and created["receipt"]["kind"] == "receipt"
        assert len(code) == 8 and number.split("-")[2] == "1"
        tracked = ok(anon.get(f"/api/v1/disputes/track/{number}/", {"code": code}))
        assert tracked["next_deadline"] == {"date": "2025-06-12", "what": "decision on accepting mediation",
                                            "provisional": False}

        task = task_of(mediator, number, "accept")
        detail = ok(mediator.get(f"/api/v1/tasks/{task['id']}/"))
        assert [f["name"] for f in detail["fields"]] == ["decision", "respondent_consented", "reason"]
        assert detail["can_assign"] and detail["case"]["state"] == S.MED_APPLIED
        assert ok(mediator.post(f"/api/v1/tasks/{task['id']}/assign/"))["owner"] == "mediator"
        assert task_of(mediator, number, "accept", "inbox")["id"] == task["id"]
        assert complete(mediator, task["id"], {"decision": "accept", "respondent_consented": True})["state"] \
            == S.MED_IN_MEDIATION

        mediate = task_of(mediator, number, "mediate")
        fields = {f["name"]: f for f in ok(mediator.get(f"/api/v1/tasks/{mediate['id']}/"))["fields"]}
        assert fields["instalments"]["type"] == "string" and "date | amount" in fields["instalments"]["help"]
        agreement = {"outcome": "agreement", "text": "被申请人分两期支付工资6000元。", "total_amount": "6000.00",
                     "signed_on": "2025-06-09", "instalments": "2025-06-20 | 3000\n2025-07-10 | 3000",
                     "signed_by_applicant": True, "signed_by_respondent": True, "signed_by_mediator": True,
                     "sealed_by_body": False}
        refused = complete(mediator, mediate["id"], agreement, 400)
        assert "第十四条" in refused["errors"]["signatures"][0]     # LDMAL 14: the body's seal is missing
        assert complete(mediator, mediate["id"], {**agreement, "sealed_by_body": True})["state"] == S.MED_AGREEMENT

        acts = ok(mediator.get(f"/api/v1/disputes/cases/{number}/actions/"))
        pay = next(a for a in acts if a["name"] == "instalment_pay")
        assert [c["value"] for c in pay["fields"][0]["choices"]] == ["1", "2"]
    with at("2025-06-20"):
        done = act(mediator, number, "instalment_pay", {"seq": 1, "amount": "3000", "paid_on": "2025-06-20"})
        assert done["state"] == S.MED_AGREEMENT
        over = act(mediator, number, "instalment_pay", {"seq": 2, "amount": "3000.01", "paid_on": "2025-06-20"}, 400)
        assert "amount" in over["errors"]
    with at("2025-07-10"):
        act(mediator, number, "instalment_pay", {"seq": 2, "amount": "3000", "paid_on": "2025-07-10"})
        performance = task_of(mediator, number, "performance")
        assert complete(mediator, performance["id"], {"outcome": "performed"})["state"] == S.CLOSED
        tracked = ok(anon.get(f"/api/v1/disputes/track/{number}/", {"code": code}))
    assert tracked["status"] == S.CLOSED and tracked["next_deadline"] is None
    assert [(i["seq"], i["paid_amount"]) for i in tracked["instalments"]] == [(1, "3000.00"), (2, "3000.00")]
    assert {d["kind"] for d in tracked["documents"]} == {"receipt", "mediation_agreement"}
    assert ok(mediator.get("/api/v1/tasks/"))["inbox_count"] == 0


# --- arbitration ----------------------------------------------------------------------------------------------------

def test_arbitration_track_through_the_api(dstaff, body, commission):
    anon = make_client()
    clerk, chair = make_client(dstaff["clerk"]), make_client(dstaff["chair"])
    presiding, member = make_client(dstaff["arb1"]), make_client(dstaff["arb2"])
    employer = make_client(make_user("xizang_jianzhu", "employer_user", perm=None))

    with at("2025-09-26"):
        created = ok(anon.post("/api/v1/disputes/applications/arbitration/", application(), format="json"), 201)
        number, code = created["case_number"], created["access_code"]
        # 5 working days across the National Day holiday: Fri 10 October
        assert created["status"] == S.ARB_RECEIVED and created["limitation_warning"] == ""
        tracked = ok(anon.get(f"/api/v1/disputes/track/{number}/", {"code": code}))
        assert tracked["next_deadline"]["date"] == "2025-10-10"
        receipt = tracked["documents"][0]
        pdf = anon.get(f"/api/v1/disputes/track/{number}/documents/{receipt['id']}/", {"code": code})
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
        assert anon.get(f"/api/v1/disputes/track/{number}/documents/{receipt['id']}/",
                        {"code": "00000000"}).status_code == 404

    with at("2025-10-10"):
        review = task_of(clerk, number, "review")
        assert review["track"] == "arbitration" and review["title"]
        # the chair does not review applications: the task is not in the chair's queue
        assert all(t["case_number"] != number for t in ok(chair.get("/api/v1/tasks/"))["queue"])
        accepted = complete(clerk, review["id"], {"decision": "accept"})
        assert accepted["state"] == S.ARB_ACCEPTED and [t["step"] for t in accepted["tasks"]] == ["form_tribunal"]

    with at("2025-10-13"):
        tribunal = task_of(chair, number, "form_tribunal")
        fields = {f["name"]: f for f in ok(chair.get(f"/api/v1/tasks/{tribunal['id']}/"))["fields"]}
        assert [c["value"] for c in fields["presiding"]["choices"]] == ["arb1", "arb2", "arb3", "arb4"]
        # a tribunal of two is refused with the law's reason; nothing is seated
        two = complete(chair, tribunal["id"], {"procedure": "ordinary", "presiding": "arb1", "member_1": "arb2"}, 400)
        assert "第三十一条" in two["errors"]["members"][0]
        complete(chair, tribunal["id"], {"procedure": "ordinary", "presiding": "arb1", "member_1": "arb2",
                                         "member_2": "arb3"})
        ids = party_ids(clerk, number)
        names = [a["name"] for a in ok(clerk.get(f"/api/v1/disputes/cases/{number}/actions/"))]
        assert {"service", "defence", "link_account", "withdraw"} <= set(names) and "resume" not in names
        act(clerk, number, "service", {"party_id": ids["respondent"], "doc_kind": "respondent_notice",
                                       "method": "in_person", "sent_on": "2025-10-13", "served_on": "2025-10-13",
                                       "confirmed": True})
        act(clerk, number, "link_account", {"party_id": ids["respondent"], "username": "xizang_jianzhu"})
        schedule = task_of(clerk, number, "schedule_hearing")
        complete(clerk, schedule["id"], {"starts_at": "2025-10-21T09:30:00", "place": "第一仲裁庭",
                                         "notice_sent_on": "2025-10-13", "notice_method": "written",
                                         "public": True})

    with at("2025-10-14"):
        mine = ok(employer.get("/api/v1/disputes/mine/"))
        assert [c["case_number"] for c in mine] == [number]
        view = ok(employer.post(f"/api/v1/disputes/mine/{number}/defence/",
                                {"text": "被申请人认为工资已部分支付。"}, format="json"))
        assert view["status"] == S.ARB_HEARING_SCHEDULED
        again = ok(employer.post(f"/api/v1/disputes/mine/{number}/defence/", {"text": "再次答辩"}, format="json"), 409)
        assert again["errors"]["__all__"]
        assert DisputeCase.objects.get(case_number=number).defence_text == "被申请人认为工资已部分支付。"

    with at("2025-10-21", "15:00"):
        hearing = task_of(clerk, number, "hold_hearing")
        complete(clerk, hearing["id"], {"outcome": "heard", "record_text": "开庭审理，双方到庭。",
                                        "applicant_present": True, "respondent_present": True,
                                        "mediation_attempted": True})

    with at("2025-10-24"):
        award_task = task_of(presiding, number, "award")
        assert all(t["case_number"] != number for t in ok(member.get("/api/v1/tasks/"))["queue"])
        assert ok(member.post(f"/api/v1/tasks/{award_task['id']}/assign/"), 403)
        items = ("wages | 2025年3月至5月工资 | 6000 | yes | 考勤表证明欠薪\n"
                 "relationship | 确认劳动关系 | - | yes | 双方存在劳动关系")
        result = complete(presiding, award_task["id"], {
            "award_date": "2025-10-24", "items": items, "facts": "查明欠薪事实。", "reasons": "应当支付劳动报酬。"})
        assert result["state"] == S.ARB_AWARDED
        detail = ok(clerk.get(f"/api/v1/disputes/cases/{number}/"))
        awards = {a["finality"]: a for a in detail["awards"]}
        # one document per finality class: the wages are final (≤ 12 × 1,850), the relationship is not
        assert set(awards) == {"final", "non_final"}
        assert "三十日" in awards["final"]["rights_notice"] and "十五日" in awards["non_final"]["rights_notice"]
        served = next(a for a in ok(clerk.get(f"/api/v1/disputes/cases/{number}/actions/"))
                      if a["name"] == "award_served")
        award_ids = [c["value"] for c in served["fields"][0]["choices"]]
        assert len(award_ids) == 2

    with at("2025-10-27"):
        for award_id in award_ids:
            for party in ids.values():
                act(clerk, number, "award_served", {"award_id": award_id, "party_id": party,
                                                    "served_on": "2025-10-27", "method": "in_person"})
        post = task_of(clerk, number, "post_award")
        assert complete(clerk, post["id"], {"confirm": True})["state"] == S.CLOSED

    with at("2025-10-28"):
        tracked = ok(anon.get(f"/api/v1/disputes/track/{number}/", {"code": code}))
        assert tracked["status"] == S.CLOSED and len(tracked["awards"]) == 2 and tracked["next_deadline"] is None
        party_view = ok(employer.get(f"/api/v1/disputes/mine/{number}/"))
        assert {d["id"] for d in party_view["documents"]} == {d["id"] for d in tracked["documents"]}
        award_doc = next(d for d in party_view["documents"] if d["kind"] == "award")
        for client, url in ((employer, f"/api/v1/disputes/mine/{number}/documents/{award_doc['id']}/"),
                            (clerk, f"/api/v1/disputes/cases/{number}/documents/{award_doc['id']}/")):
            r = client.get(url)
            assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        staff_docs = ok(clerk.get(f"/api/v1/disputes/cases/{number}/"))["documents"]
        assert {d["audience"] for d in staff_docs} == {"main"}
        listing = ok(clerk.get("/api/v1/disputes/cases/", {"track": "arbitration", "state": S.CLOSED}))
        assert [c["case_number"] for c in listing] == [number]


def test_a_fee_field_is_refused_with_ldmal_53(dstaff, body, commission):
    anon, clerk = make_client(), make_client(dstaff["clerk"])
    with at("2025-06-09"):
        for extra in ({"fee": "300"}, {"invoice_no": "A1"}, {"applicant": {**application()["applicant"],
                                                                            "application_fee": "50"}}):
            r = ok(anon.post("/api/v1/disputes/applications/arbitration/", application(**extra), format="json"), 400)
            key = next(iter(r["errors"]))
            assert LDMAL_53 in r["errors"][key][0] and "free of charge" in r["errors"][key][0]
        assert not DisputeCase.objects.exists()
        number = ok(anon.post("/api/v1/disputes/applications/arbitration/", application(), format="json"),
                    201)["case_number"]
        review = task_of(clerk, number, "review")
        complete(clerk, review["id"], {"decision": "accept"})
        ids = party_ids(clerk, number)
        r = act(clerk, number, "service", {"party_id": ids["respondent"], "doc_kind": "respondent_notice",
                                           "method": "in_person", "sent_on": "2025-06-09", "service_fee": "20"}, 400)
        assert LDMAL_53 in r["errors"]["service_fee"][0]
        assert not DisputeCase.objects.get(case_number=number).services.exists()
        # mediation is free too, but only arbitration has the LDMAL 53 rule: its application has no such field
        ok(anon.post("/api/v1/disputes/applications/mediation/", application(respondent_consented=True),
                     format="json"), 201)


def test_public_tracking_gives_one_answer_for_a_wrong_code_and_an_unknown_case(dstaff, body, commission):
    anon = make_client()
    with at("2025-06-09"):
        created = ok(anon.post("/api/v1/disputes/applications/arbitration/", application(), format="json"), 201)
    number = created["case_number"]
    wrong = anon.get(f"/api/v1/disputes/track/{number}/", {"code": "00000000"})
    unknown = anon.get("/api/v1/disputes/track/2025-5401-2-09999-0/", {"code": created["access_code"]})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    # the staff API is closed to the public
    assert anon.get(f"/api/v1/disputes/cases/{number}/").status_code == 401
    assert anon.get("/api/v1/disputes/mine/").status_code == 401


def test_openapi_schema_generates_without_warnings_and_lists_the_disputes_operations(db):
    anon = make_client()
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    r = anon.get("/api/v1/schema/", {"format": "json"})
    assert r.status_code == 200
    paths = r.json()["paths"]
    operations = {op["operationId"] for p in paths.values() for op in p.values() if isinstance(op, dict)}
    for path in ["/api/v1/disputes/applications/{track}/", "/api/v1/disputes/track/{case_number}/",
                 "/api/v1/disputes/track/{case_number}/documents/{doc_id}/", "/api/v1/disputes/cases/",
                 "/api/v1/disputes/cases/{case_number}/", "/api/v1/disputes/cases/{case_number}/actions/",
                 "/api/v1/disputes/cases/{case_number}/actions/{name}/",
                 "/api/v1/disputes/cases/{case_number}/documents/{doc_id}/", "/api/v1/disputes/mine/",
                 "/api/v1/disputes/mine/{case_number}/", "/api/v1/disputes/mine/{case_number}/defence/",
                 "/api/v1/disputes/mine/{case_number}/documents/{doc_id}/", "/api/v1/tasks/{task_id}/complete/"]:
        assert path in paths, path
    assert {"dispute_apply", "dispute_track", "dispute_track_document", "dispute_list", "dispute_detail",
            "dispute_actions", "dispute_action_run", "dispute_document", "dispute_mine", "dispute_mine_detail",
            "dispute_mine_defence", "dispute_mine_document", "task_complete", "complaint_track"} <= operations
    # the inspection tracking answer keeps its own component (no clash with the disputes one)
    schemas = r.json()["components"]["schemas"]
    assert "Tracking" in schemas and "DisputeTracking" in schemas
