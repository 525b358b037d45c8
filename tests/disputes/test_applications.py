"""Applications for mediation and arbitration (disputes.services.applications): validation paths, registration with
parties, claims, deadlines on the real calendar, the receipt and the audit trail; public tracking; the open-dispute
check inspection asks; prefill from a redirected complaint and from a failed mediation; when arbitration opens."""
import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from arrears.models import ArrearsLineItem
from casework.errors import Conflict, DomainError, NotAllowed
from casework.fields import pii_hash
from casework.models import Deadline, LegalParameter, Person
from casework.services import tracks
from casework.services.deadlines import deadlines_for
from disputes.models import (CaseDocument, DisputeCase, DisputeEvent, DisputeState,
                             MediationAgreement)
from disputes.services.common import save
from disputes.services.applications import (application_submit, application_validate, arbitration_unlocked,
                                            arbitration_unlocked_reason, dispute_for_tracking, open_dispute_for,
                                            prefill_from_case, prefill_from_complaint)
from tests.factories import VALID_ID, VALID_USCC, submit

pytestmark = pytest.mark.django_db

WORKER_ID_2 = "11010519491231002X"


def app_payload(**over):
    p = {
        "applicant_side": "worker", "region_code": "540102",
        "applicant": {"name": "扎西", "id_type": "resident", "id_number": VALID_ID, "phone": "13800000001",
                      "address": "拉萨市城关区", "occupation": "钢筋工", "work_unit": "西藏示例建筑工程有限公司",
                      "preferred_language": "bo"},
        "employer": {"name": "西藏示例建筑工程有限公司", "uscc": VALID_USCC, "address": "拉萨市城关区",
                     "legal_rep_name": "王某", "contact_phone": "0891-6000000"},
        "workers_count": 1, "employment_status": "left", "employment_start": "2024-03-01",
        "employment_end": "2025-06-30", "knew_on": "2025-07-31",
        "claims_text": "支付拖欠工资18000元。", "facts_text": "2025年4月至6月在安置房项目做钢筋工，工资未付。",
        "evidence_text": "工资条、考勤表", "witnesses_text": "",
        "items": [{"category": "wages", "period_start": "2025-04-01", "period_end": "2025-06-30",
                   "amount": "18000"}],
    }
    p.update(over)
    return p


def errors_of(payload, **kw) -> dict:
    with pytest.raises(DomainError) as e:
        application_validate(payload, **kw)
    return e.value.errors


def due_of(case, rule_id):
    return deadlines_for(case).get(rule_id=rule_id).due_date


# --- a valid application on each track ------------------------------------------------------------------------------

@freeze_time("2025-09-26 10:00:00+08:00")
def test_worker_applies_for_arbitration(commission):
    result = application_submit(track="arbitration", payload=app_payload())
    case = DisputeCase.objects.get(pk=result.case.pk)
    assert case.state == DisputeState.ARB_RECEIVED and case.track == "arbitration"
    assert case.commission == commission and case.body is None and case.region_id == "540100"
    assert case.received_at == dt.date(2025, 9, 26) and case.clock_start is None and case.accepted_at is None
    assert case.procedure == DisputeCase.Procedure.ORDINARY and not case.priority
    assert case.channel == "online" and case.preferred_language == "bo" and case.limitation_warning == ""
    assert case.case_number.startswith("2025-5401-2-")
    applicant = case.parties.get(side="applicant")
    respondent = case.parties.get(side="respondent")
    assert applicant.person.name == "扎西" and applicant.person.id_number_hash == pii_hash(VALID_ID)
    assert applicant.occupation == "钢筋工" and applicant.employer is None
    assert respondent.employer.uscc == VALID_USCC and respondent.employer.contact_phone == "0891-6000000"
    item = ArrearsLineItem.objects.get(dispute=case)
    assert item.worker == applicant.person and item.amount_claimed == Decimal("18000.00")
    assert item.category == "wages" and item.complaint is None
    # the workflow is started, and its first task is the clerk's review
    assert case.process is not None and case.process.artifact == case
    assert case.process.task_set.filter(flow_task_type="HUMAN", status="NEW").count() == 1
    # received Fri 2025-09-26: 5 working days on the national calendar (Sun 28 Sep is a make-up working day,
    # 1-8 Oct are off) end on Fri 2025-10-10, for both the supplement notice and the acceptance decision
    assert due_of(case, "ARB-ACCEPT") == dt.date(2025, 10, 10) == result.acceptance_due
    assert due_of(case, "ARB-SUPPLEMENT") == dt.date(2025, 10, 10)
    assert not deadlines_for(case).filter(rule_id="ARB-AWARD").exists()
    ev = DisputeEvent.objects.get(case=case, code="applied")
    assert ev.public and ev.detail["acceptance_due"] == "2025-10-10"
    assert dispute_for_tracking(case.case_number, result.access_code) == case


@freeze_time("2025-06-06 10:00:00+08:00")
def test_worker_applies_for_mediation(body):
    result = application_submit(track="mediation", payload=app_payload(respondent_consented="true",
                                                                        knew_on="", employment_end="2025-05-31",
                                                                        items=[{"category": "wages",
                                                                                "period_start": "2025-04-01",
                                                                                "period_end": "2025-05-31",
                                                                                "amount": "12000.5"}]))
    case = result.case
    case.refresh_from_db()
    assert case.state == DisputeState.MED_APPLIED and case.track == "mediation"
    assert case.body == body and case.commission is None and case.region_id == "540102"
    assert case.respondent_consented is True and case.limitation_warning == ""
    assert case.case_number.startswith("2025-5401-1-")
    assert ArrearsLineItem.objects.get(dispute=case).amount_claimed == Decimal("12000.50")
    # received Fri 2025-06-06: acceptance within 3 working days (Wed 2025-06-11); mediation ends 15 calendar days
    # later, Sat 2025-06-21, which rolls forward to Mon 2025-06-23
    assert due_of(case, "MED-ACCEPT") == dt.date(2025, 6, 11) == result.acceptance_due
    assert due_of(case, "MED-END") == dt.date(2025, 6, 23)
    assert not deadlines_for(case).filter(rule_id__startswith="ARB-").exists()


@freeze_time("2026-02-12 10:00:00+08:00")
def test_mediation_deadlines_follow_the_lhasa_calendar(body):
    """Lhasa has 2026-02-15..26 off, with Sat 14 Feb and Sat 28 Feb as working days."""
    case = application_submit(track="mediation", payload=app_payload(
        employment_end="2026-01-31", knew_on="", items=[{"category": "wages", "period_start": "2025-12-01",
                                                         "period_end": "2026-01-31", "amount": "9000"}])).case
    # Thu 12 Feb + 3 WD: Fri 13, Sat 14 (make-up), then the holiday until Thu 26: Fri 27 Feb
    assert due_of(case, "MED-ACCEPT") == dt.date(2026, 2, 27)
    # + 15 CD = Fri 27 Feb, a working day
    assert due_of(case, "MED-END") == dt.date(2026, 2, 27)


@freeze_time("2026-02-01 10:00:00+08:00")
def test_mediation_end_falling_in_the_lhasa_holiday_rolls_past_it(body):
    case = application_submit(track="mediation", payload=app_payload(
        employment_end="2026-01-15", knew_on="", items=[{"category": "wages", "period_start": "2025-12-01",
                                                         "period_end": "2026-01-15", "amount": "9000"}])).case
    # Sun 1 Feb + 15 CD = Mon 16 Feb, in the holiday: the first working day after it is Fri 27 Feb
    assert due_of(case, "MED-END") == dt.date(2026, 2, 27)


@freeze_time("2025-09-26 10:00:00+08:00")
def test_employer_applies_against_a_worker(commission):
    payload = app_payload(applicant_side="employer", applicant=None,
                          worker={"name": "次仁", "id_number": WORKER_ID_2, "phone": "13900000002",
                                  "address": "拉萨市"},
                          claims_text="返还预支工资5000元。", facts_text="劳动者离职前预支工资未返还。",
                          items=[{"category": "other", "period_start": "2025-05-01", "period_end": "2025-05-31",
                                  "amount": "5000"}])
    case = application_submit(track="arbitration", payload=payload).case
    applicant = case.parties.get(side="applicant")
    respondent = case.parties.get(side="respondent")
    assert case.applicant_side == "employer"
    assert applicant.employer.uscc == VALID_USCC and applicant.person is None
    assert respondent.person.name == "次仁" and respondent.employer is None
    assert ArrearsLineItem.objects.get(dispute=case).worker == respondent.person


def test_an_employer_applicant_needs_a_worker_and_a_contact_phone(commission):
    errors = errors_of(app_payload(applicant_side="employer", applicant=None, items=[],
                                   employer={"name": "西藏示例建筑工程有限公司", "uscc": VALID_USCC}),
                       track="arbitration")
    assert "worker.name" in errors and "employer.contact_phone" in errors
    assert "items" not in errors  # an employer may claim something other than money


# --- refusals -------------------------------------------------------------------------------------------------------

def test_an_agent_needs_the_scope_of_the_power_of_attorney(commission):
    agent = {"name": "律师甲", "id_number": WORKER_ID_2, "phone": "13900000003"}
    errors = errors_of(app_payload(agent=agent), track="arbitration")
    assert list(errors) == ["agent.scope"]
    assert "第二十四条" in errors["agent.scope"][0]
    out = application_validate(app_payload(agent={**agent, "scope": "特别授权：代为承认、放弃、变更仲裁请求"}),
                               track="arbitration")
    assert out["agent"]["scope"].startswith("特别授权")


@freeze_time("2025-09-26 10:00:00+08:00")
def test_the_agent_is_recorded_on_the_applicant_party(commission):
    agent = {"name": "律师甲", "id_number": WORKER_ID_2, "phone": "13900000003", "scope": "一般授权"}
    case = application_submit(track="arbitration", payload=app_payload(agent=agent)).case
    applicant = case.parties.get(side="applicant")
    assert applicant.agent.name == "律师甲" and applicant.agent_scope == "一般授权"
    assert case.parties.count() == 2  # the agent is not a party


@pytest.mark.parametrize("over, path", [
    ({"employment_start": "2025-07-01", "employment_end": "2025-06-30"}, "employment_end"),
    ({"knew_on": "2024-01-01"}, "knew_on"),
    ({"items": [{"category": "wages", "period_start": "2025-06-30", "period_end": "2025-04-01",
                 "amount": "100"}]}, "items.0.period_end"),
    ({"employment_end": ""}, "employment_end"),
])
def test_dates_must_be_in_order_and_present(commission, over, path):
    assert path in errors_of(app_payload(**over), track="arbitration")


@freeze_time("2025-09-26 10:00:00+08:00")
def test_dates_may_not_be_in_the_future(commission):
    errors = errors_of(app_payload(knew_on="2025-09-27"), track="arbitration")
    assert "knew_on" in errors


@pytest.mark.parametrize("amount", ["0", "-5", "0.00", "12.345", "abc"])
def test_item_amount_must_be_positive_with_two_decimals(commission, amount):
    items = [{"category": "wages", "period_start": "2025-04-01", "period_end": "2025-06-30", "amount": amount}]
    assert list(errors_of(app_payload(items=items), track="arbitration")) == ["items.0.amount"]


def test_a_worker_applicant_claims_at_least_one_item(commission):
    assert "items" in errors_of(app_payload(items=[]), track="arbitration")


@pytest.mark.parametrize("path", ["claims_text", "facts_text"])
def test_claims_and_facts_are_required_citing_the_law(commission, path):
    errors = errors_of(app_payload(**{path: "  "}), track="arbitration")
    assert "第二十八条" in errors[path][0]
    errors = errors_of(app_payload(**{path: ""}), track="mediation")
    assert "第十二条" in errors[path][0]


def test_a_wrong_id_number_is_reported_at_its_path(commission):
    errors = errors_of(app_payload(applicant={**app_payload()["applicant"], "id_number": "540102199001011234"}),
                       track="arbitration")
    assert list(errors) == ["applicant.id_number"]


def test_other_identity_documents_are_accepted_without_the_resident_id_check(commission):
    out = application_validate(app_payload(applicant={**app_payload()["applicant"], "id_type": "passport",
                                                      "id_number": "e1234567"}), track="arbitration")
    assert out["applicant"]["id_number"] == "E1234567" and out["applicant"]["id_type"] == "passport"


def test_fee_fields_are_refused_for_arbitration_with_ldmal_53(commission):
    payload = app_payload(fee="100", items=[{"category": "wages", "period_start": "2025-04-01",
                                             "period_end": "2025-06-30", "amount": "100", "invoice_no": "F1"}])
    errors = errors_of(payload, track="arbitration")
    assert set(errors) == {"fee", "items.0.invoice_no"}
    assert all("第五十三条" in m for msgs in errors.values() for m in msgs)
    with pytest.raises(DomainError):
        application_submit(track="arbitration", payload=payload)
    assert not DisputeCase.objects.exists()


def test_no_commission_for_the_region_is_a_clear_error(commission):
    errors = errors_of(app_payload(region_code="540202"), track="arbitration")  # Shigatse: none registered here
    assert "region_code" in errors and "第二十一条" in errors["region_code"][0]
    assert "region_code" in errors_of(app_payload(region_code="999999"), track="arbitration")


def test_a_named_commission_is_used(commission, commission_shigatse):
    out = application_validate(app_payload(commission_id=str(commission_shigatse.pk)), track="arbitration")
    assert out["commission_id"] == commission_shigatse.pk and out["case_region"] == "540200"
    assert "commission_id" in errors_of(app_payload(commission_id="999999"), track="arbitration")


def test_an_enterprise_committee_only_mediates_its_own_enterprise(body):
    from casework.models import Employer
    from disputes.models import MediationBody

    other = Employer.objects.create(name="另一家公司")
    committee = MediationBody.objects.create(name="某公司劳动争议调解委员会", kind="enterprise",
                                             region_id="540102", employer=other)
    errors = errors_of(app_payload(body_id=str(committee.pk)), track="mediation")
    assert "body_id" in errors and "第十条" in errors["body_id"][0]
    # chosen automatically, the region's township centre is used, not another enterprise's committee
    assert application_validate(app_payload(), track="mediation")["body_id"] == body.pk


def test_staff_fields_are_ignored_from_a_party_and_checked_from_staff(commission):
    out = application_validate(app_payload(received_at="2025-01-02", channel="letter"), track="arbitration")
    assert out["received_at"] is None and out["channel"] == "online"
    out = application_validate(app_payload(received_at="2025-09-01", channel="letter"), track="arbitration",
                               staff=True)
    assert out["received_at"] == dt.date(2025, 9, 1) and out["channel"] == "letter"
    errors = errors_of(app_payload(channel="online", oral_application=True), track="arbitration", staff=True)
    assert "oral_application" in errors
    assert "channel" in errors_of(app_payload(channel="fax"), track="arbitration", staff=True)


# --- collective cases -----------------------------------------------------------------------------------------------

@freeze_time("2025-09-26 10:00:00+08:00")
def test_ten_workers_make_a_collective_priority_case(commission):
    case = application_submit(track="arbitration", payload=app_payload(workers_count=10)).case
    assert case.procedure == DisputeCase.Procedure.COLLECTIVE and case.priority and case.workers_count == 10
    nine = application_submit(track="arbitration", payload=app_payload(workers_count="9")).case
    assert nine.procedure == DisputeCase.Procedure.ORDINARY and not nine.priority


@freeze_time("2025-09-26 10:00:00+08:00")
def test_the_collective_threshold_is_read_from_the_parameter_table(commission):
    from casework.services.config import param

    threshold = int(param("arbitration.collective_min_workers", on=dt.date(2025, 9, 26)))
    assert threshold == 10
    LegalParameter.objects.create(key="arbitration.collective_min_workers", value=5,
                                  effective_from=dt.date(2025, 9, 1), citation="test: a later rule")
    after = application_submit(track="arbitration", payload=app_payload(workers_count=5)).case
    assert after.procedure == DisputeCase.Procedure.COLLECTIVE and after.priority
    # an application received before the new row took effect keeps the old threshold
    before = application_submit(track="arbitration", payload=app_payload(workers_count=5),
                                received_at=dt.date(2025, 8, 29)).case
    assert before.procedure == DisputeCase.Procedure.ORDINARY and not before.priority


# --- receipt, audit, atomicity --------------------------------------------------------------------------------------

@freeze_time("2025-09-26 10:00:00+08:00")
def test_the_receipt_is_issued_to_the_main_file_without_the_access_code(commission, monkeypatch):
    import disputes.documents

    seen = {}
    real = disputes.documents.document_issue

    def spy(case, kind, **kw):
        seen.update(kind=kind, **kw)
        return real(case, kind, **kw)

    monkeypatch.setattr(disputes.documents, "document_issue", spy)
    result = application_submit(track="arbitration", payload=app_payload())
    doc = CaseDocument.objects.get(case=result.case)
    assert doc.kind == CaseDocument.Kind.RECEIPT and doc.audience == CaseDocument.Audience.MAIN
    ctx = seen["context"]
    assert seen["kind"] == "receipt"
    assert ctx["case_number"] == result.case.case_number and ctx["received_at"] == dt.date(2025, 9, 26)
    assert ctx["applicant_name"] == "扎西" and ctx["respondent_name"] == "西藏示例建筑工程有限公司"
    assert ctx["claims_text"] == "支付拖欠工资18000元。" and ctx["acceptance_due"] == dt.date(2025, 10, 10)
    assert ctx["total_claimed"] == Decimal("18000.00") and "第二十九条" in ctx["citations"]["accept"]
    assert result.access_code not in repr(ctx)


@freeze_time("2025-09-26 10:00:00+08:00")
def test_history_rows_carry_the_acting_clerk(commission, dstaff):
    clerk = dstaff["clerk"]
    result = application_submit(track="arbitration", actor=clerk,
                                payload=app_payload(received_at="2025-09-25", channel="walk_in",
                                                    oral_application=True))
    case = result.case
    assert case.received_at == dt.date(2025, 9, 25) and case.oral_application and case.channel == "walk_in"
    assert case.created_by == clerk
    h = case.history.get()
    assert h.history_user == clerk and h.channel == "walk_in" and h.request_id
    party = case.parties.get(side="applicant")
    assert party.history.get().history_user == clerk
    assert party.person.history.first().history_user == clerk
    assert ArrearsLineItem.objects.get(dispute=case).history.get().history_user == clerk
    assert {d.history.first().history_user for d in deadlines_for(case)} == {clerk}
    # one change id ties together everything this registration wrote
    assert party.history.get().request_id == h.request_id
    assert DisputeEvent.objects.get(case=case, code="applied").actor == clerk


@freeze_time("2025-09-26 10:00:00+08:00")
def test_staff_of_another_region_cannot_register(commission, dstaff):
    with pytest.raises(NotAllowed):
        application_submit(track="arbitration", actor=dstaff["clerk_shigatse"], payload=app_payload())
    assert not DisputeCase.objects.exists()


@freeze_time("2025-09-26 10:00:00+08:00")
def test_a_party_cannot_backdate_the_receipt(commission):
    case = application_submit(track="arbitration", payload=app_payload(received_at="2025-01-02")).case
    assert case.received_at == dt.date(2025, 9, 26)
    with pytest.raises(DomainError) as e:
        application_submit(track="arbitration", payload=app_payload(), received_at=dt.date(2025, 9, 27))
    assert "received_at" in e.value.errors


@freeze_time("2025-09-26 10:00:00+08:00")
def test_a_failure_part_way_leaves_nothing_behind(commission, monkeypatch):
    import disputes.documents

    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(disputes.documents, "document_issue", broken)
    people = Person.objects.count()
    with pytest.raises(RuntimeError):
        application_submit(track="arbitration", payload=app_payload())
    assert not DisputeCase.objects.exists() and not ArrearsLineItem.objects.exists()
    assert Person.objects.count() == people and not Deadline.objects.exists()


# --- tracking -------------------------------------------------------------------------------------------------------

@freeze_time("2025-09-26 10:00:00+08:00")
def test_tracking_lookup(commission):
    result = application_submit(track="arbitration", payload=app_payload())
    number = result.case.case_number
    assert dispute_for_tracking(number, result.access_code) == result.case
    assert dispute_for_tracking(number.replace("-", " "), result.access_code) == result.case
    wrong = f"{(int(result.access_code) + 1) % 10**8:08d}"
    assert dispute_for_tracking(number, wrong) is None
    # a well-formed number nobody holds (the next serial), and the case's number with a wrong check digit
    from disputes.services.common import next_case_number

    unknown = next_case_number("arbitration", "540100", 2025)
    assert DisputeCase.objects.filter(case_number=unknown).count() == 0
    assert dispute_for_tracking(unknown, result.access_code) is None
    bad_check = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert dispute_for_tracking(bad_check, result.access_code) is None
    assert dispute_for_tracking("", result.access_code) is None


@freeze_time("2025-09-26 10:00:00+08:00")
def test_a_complaint_number_is_not_a_dispute_number(commission):
    complaint_result = submit(received_at=dt.date(2025, 9, 26), employment_end_date="2025-06-30",
                              violation_start="2025-04-01", violation_end="2025-06-30",
                              items=[{"category": "wages", "period_start": "2025-04-01", "period_end": "2025-04-30",
                                      "amount_claimed": "6000"}])
    number, code = complaint_result.complaint.case_number, complaint_result.access_code
    assert dispute_for_tracking(number, code) is None
    # the registry the public page asks: the disputes tracker is registered, and answers for dispute numbers only
    result = application_submit(track="arbitration", payload=app_payload())
    assert tracks.track_lookup(result.case.case_number, result.access_code) == result.case
    assert tracks.track_lookup(result.case.case_number, code) is None


def test_the_tracker_registry_returns_the_first_match(monkeypatch):
    monkeypatch.setattr(tracks, "_trackers", [])
    tracks.register_tracker(lambda n, c: None)
    tracks.register_tracker(lambda n, c: f"case {n}" if c == "1" else None)
    found = []
    tracks.register_tracker(lambda n, c: found.append(n) or "never reached")
    assert tracks.track_lookup("A", "1") == "case A" and found == []
    assert tracks.track_lookup("A", "2") == "never reached" and found == ["A"]


# --- the open-dispute check inspection asks -------------------------------------------------------------------------

@freeze_time("2025-09-26 10:00:00+08:00")
def test_open_dispute_for_a_complaint(commission, dstaff):
    complaint = submit(received_at=dt.date(2025, 9, 26), employment_end_date="2025-06-30",
                       violation_start="2025-04-01", violation_end="2025-06-30",
                       items=[{"category": "wages", "period_start": "2025-04-01", "period_end": "2025-04-30",
                               "amount_claimed": "6000"}]).complaint
    assert open_dispute_for(complaint) is False
    # another worker against the same employer is not the same dispute
    other = app_payload(applicant={**app_payload()["applicant"], "id_number": WORKER_ID_2})
    application_submit(track="arbitration", payload=other)
    assert open_dispute_for(complaint) is False
    case = application_submit(track="arbitration", payload=app_payload()).case
    assert open_dispute_for(complaint) is True
    case.state = DisputeState.CLOSED
    save(case, dstaff["clerk"])
    assert open_dispute_for(complaint) is False


@freeze_time("2025-09-26 10:00:00+08:00")
def test_open_dispute_needs_the_same_employer(commission):
    complaint = submit(received_at=dt.date(2025, 9, 26), employment_end_date="2025-06-30",
                       violation_start="2025-04-01", violation_end="2025-06-30",
                       employer={"name": "另一家公司", "uscc": "", "address": "拉萨"},
                       items=[{"category": "wages", "period_start": "2025-04-01", "period_end": "2025-04-30",
                               "amount_claimed": "6000"}]).complaint
    application_submit(track="arbitration", payload=app_payload())
    assert open_dispute_for(complaint) is False


# --- when arbitration opens after mediation -------------------------------------------------------------------------

@pytest.mark.parametrize("state, article", [(DisputeState.MED_FAILED, "第十四条"),
                                            (DisputeState.MED_NOT_PERFORMED, "第十五条"),
                                            (DisputeState.MED_REFUSED, "第五条")])
def test_arbitration_opens_after_failed_refused_or_unperformed_mediation(make_case, state, article):
    case = make_case(track="mediation", state=state, received_at=dt.date(2025, 6, 6))
    assert arbitration_unlocked(case, on=dt.date(2025, 6, 7))
    assert article in arbitration_unlocked_reason(case, on=dt.date(2025, 6, 7))


def test_arbitration_opens_when_the_mediation_period_has_passed(make_case):
    case = make_case(track="mediation", state=DisputeState.MED_IN_MEDIATION, received_at=dt.date(2025, 6, 6))
    # no MED-END deadline row: the rule is counted from receipt (Sat 21 Jun rolls to Mon 23 Jun)
    assert not arbitration_unlocked(case, on=dt.date(2025, 6, 23))
    assert arbitration_unlocked_reason(case, on=dt.date(2025, 6, 23)) == ""
    assert arbitration_unlocked(case, on=dt.date(2025, 6, 24))
    assert "2025-06-23" in arbitration_unlocked_reason(case, on=dt.date(2025, 6, 24))


def test_an_extended_mediation_period_is_respected(make_case):
    from casework.services.deadlines import deadline_extend
    from disputes.services.common import open_dl

    case = make_case(track="mediation", state=DisputeState.MED_IN_MEDIATION, received_at=dt.date(2025, 6, 6))
    open_dl(case, "MED-END", case.received_at)
    deadline_extend(case=case, rule_id="MED-END", extension_rule_id="MED-END")  # both parties agreed to go on
    # extended by 15 CD from Mon 23 Jun: Tue 8 Jul
    assert not arbitration_unlocked(case, on=dt.date(2025, 6, 24))
    assert not arbitration_unlocked(case, on=dt.date(2025, 7, 8))
    assert arbitration_unlocked(case, on=dt.date(2025, 7, 9))


def test_a_signed_agreement_keeps_arbitration_closed_until_it_is_not_performed(make_case):
    case = make_case(track="mediation", state=DisputeState.MED_AGREEMENT, received_at=dt.date(2025, 6, 6))
    MediationAgreement.objects.create(case=case, text="分两期支付", total_amount=Decimal("6000"),
                                      signed_on=dt.date(2025, 6, 10), signed_by_applicant=True,
                                      signed_by_respondent=True, signed_by_mediator=True, sealed_by_body=True,
                                      effective_on=dt.date(2025, 6, 10))
    assert not arbitration_unlocked(case, on=dt.date(2025, 9, 1))
    assert not arbitration_unlocked(make_case(state=DisputeState.ARB_RECEIVED), on=dt.date(2025, 9, 1))


# --- prefill --------------------------------------------------------------------------------------------------------

@freeze_time("2025-09-26 10:00:00+08:00")
def test_prefill_from_a_redirected_complaint_round_trips(commission, body):
    complaint = submit(received_at=dt.date(2025, 9, 1), employment_end_date="2025-06-30",
                       violation_start="2025-04-01", violation_end="2025-06-30",
                       items=[{"category": "wages", "period_start": "2025-04-01", "period_end": "2025-04-30",
                               "amount_claimed": "6000"},
                              {"category": "overtime", "period_start": "2025-05-01", "period_end": "2025-05-31",
                               "amount_claimed": "1500.50"}]).complaint
    payload = prefill_from_complaint(complaint)
    assert payload["applicant"]["id_number"] == VALID_ID and payload["applicant"]["name"] == "扎西"
    assert payload["employer"]["uscc"] == VALID_USCC and payload["region_code"] == "540102"
    assert payload["employment_end"] == "2025-06-30" and payload["knew_on"] == "2025-04-01"
    assert complaint.case_number in payload["facts_text"]
    cleaned = application_validate(payload, track="arbitration")
    assert [i["amount"] for i in cleaned["items"]] == [Decimal("6000.00"), Decimal("1500.50")]
    case = application_submit(track="arbitration", cleaned=cleaned, source_complaint=complaint).case
    assert case.source_complaint == complaint
    assert case.parties.get(side="respondent").employer == complaint.employer
    assert case.parties.get(side="applicant").person == complaint.complainant
    assert sorted(case.items.values_list("category", flat=True)) == ["overtime", "wages"]
    # mediation takes the same payload
    assert application_validate(payload, track="mediation")["applicant"]["id_number"] == VALID_ID


@freeze_time("2025-09-26 10:00:00+08:00")
def test_prefill_from_a_complaint_without_a_credit_code_reuses_its_employer(body):
    complaint = submit(received_at=dt.date(2025, 9, 1), employment_end_date="2025-06-30",
                       violation_start="2025-04-01", violation_end="2025-06-30",
                       employer={"name": "拉萨某餐馆", "uscc": "", "address": "拉萨"},
                       items=[{"category": "wages", "period_start": "2025-04-01", "period_end": "2025-04-30",
                               "amount_claimed": "3000"}]).complaint
    case = application_submit(track="mediation", payload=prefill_from_complaint(complaint),
                              source_complaint=complaint).case
    assert case.parties.get(side="respondent").employer == complaint.employer


@freeze_time("2025-09-26 10:00:00+08:00")
def test_prefill_from_a_failed_mediation_round_trips(body, commission, dstaff):
    med = application_submit(track="mediation", payload=app_payload(),
                             received_at=dt.date(2025, 9, 1)).case
    med.state = DisputeState.MED_FAILED
    med.mediation_failed_at = dt.date(2025, 9, 10)
    save(med, dstaff["mediator"])
    payload = prefill_from_case(med)
    assert med.case_number in payload["facts_text"] and "2025-09-10" in payload["facts_text"]
    assert payload["applicant"]["id_number"] == VALID_ID and "agent" not in payload
    cleaned = application_validate(payload, track="arbitration")
    assert cleaned["commission_id"] == commission.pk
    result = application_submit(track="arbitration", cleaned=cleaned, source_case=med)
    arb = result.case
    assert arb.source_case == med and arb.claims_text == med.claims_text
    assert arb.parties.get(side="respondent").employer == med.parties.get(side="respondent").employer
    assert arb.parties.get(side="applicant").person == med.parties.get(side="applicant").person
    assert list(arb.items.values_list("amount_claimed", flat=True)) == [Decimal("18000.00")]
    assert DisputeEvent.objects.filter(case=med, code="followed_by_arbitration").exists()
    # the same mediation cannot be carried over twice while the first arbitration is open
    with pytest.raises(Conflict):
        application_submit(track="arbitration", payload=payload, source_case=med)


@freeze_time("2025-09-05 10:00:00+08:00")
def test_a_running_mediation_cannot_be_carried_over(body, commission):
    med = application_submit(track="mediation", payload=app_payload(), received_at=dt.date(2025, 9, 1)).case
    with pytest.raises(DomainError) as e:
        application_submit(track="arbitration", payload=prefill_from_case(med), source_case=med)
    assert "source_case" in e.value.errors and "第十四条" in e.value.errors["source_case"][0]
    assert DisputeCase.objects.filter(track="arbitration").count() == 0
    with pytest.raises(DomainError):
        prefill_from_case(application_submit(track="arbitration", payload=app_payload()).case)

