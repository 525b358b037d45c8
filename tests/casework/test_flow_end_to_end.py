"""The inspection track end to end through the task service (the same one pages and the API use)."""
import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from arrears.services import payment_record
from casework.errors import Conflict, DomainError, NotAllowed
from casework.models import CaseEvent, Complaint, ComplaintState as S, Deadline
from casework.workflow import inbox_for, queue_for, task_assign, task_complete
from tests.factories import advance, complete, submit

pytestmark = pytest.mark.django_db


def test_full_track_to_non_compliance_and_closure(staff):
    insp, insp_b, head = staff["inspector"], staff["inspector_b"], staff["head"]
    r = submit()
    c = r.complaint
    assert c.state == S.RECEIVED and c.process_id
    assert queue_for(insp).filter(process_id=c.process_id).count() == 1
    assert queue_for(staff["shigatse"]).filter(process_id=c.process_id).count() == 0

    c = advance(c, "compliance", inspector=insp, inspector_b=insp_b, head=head)
    assert c.state == S.DECIDED
    assert c.lead_inspector == insp
    decision = c.documents.get(doc_type="handling_decision")
    assert "行政复议" in decision.text and "行政诉讼" in decision.text

    item = c.items.first()
    payment_record(item=item, amount=Decimal("1000"), paid_on=dt.date.today(), user=insp)
    with pytest.raises(DomainError):  # deadline not passed yet
        complete(insp, c, {"decision": "non_compliant", "compensation_rate": "0.5"})
    with freeze_time(dt.date.today() + dt.timedelta(days=20)):
        with pytest.raises(DomainError) as e:
            complete(insp, c, {"decision": "non_compliant", "compensation_rate": "0.49"})
        assert "compensation_rate" in e.value.errors
        with pytest.raises(DomainError) as e:
            complete(insp, c, {"decision": "non_compliant", "fine_amount": "1999.99"})
        assert "fine_amount" in e.value.errors
        with pytest.raises(DomainError):
            complete(insp, c, {"decision": "non_compliant", "fine_amount": "20000.01"})
        c = complete(insp, c, {"decision": "non_compliant", "compensation_rate": "1.00", "fine_amount": "20000"})
    assert c.state == S.NON_COMPLIANT
    assert c.additional_compensation_amount == Decimal("17000.00")  # 100% of 18,000 - 1,000
    assert c.fine_amount == Decimal("20000.00")
    # one worker, 3 months, 17,000 outstanding >= placeholder 5,000: suspected crime and blacklist candidate
    assert c.suspected_crime and c.blacklist_candidate
    c = complete(insp, c, {"outcome": ""})
    assert c.state == S.CLOSED and c.outcome == Complaint.Outcome.PAID_IN_PART
    assert c.amount_recovered == Decimal("1000.00")
    assert not c.process.task_set.filter(status__in=["NEW", "ASSIGNED"]).exists()
    codes = list(CaseEvent.objects.filter(complaint=c, public=True).order_by("id").values_list("code", flat=True))
    assert codes[:2] == ["received", "accepted"] and codes[-1] == "closed"


def test_complied_case_closes_paid_in_full(staff):
    c = advance(submit().complaint, "compliance", inspector=staff["inspector"], inspector_b=staff["inspector_b"],
                head=staff["head"])
    for item in c.items.all():
        payment_record(item=item, amount=item.amount_ordered, paid_on=dt.date.today(), user=staff["inspector"])
    c = complete(staff["inspector"], c, {"decision": "complied"})
    assert c.state == S.COMPLIED
    c = complete(staff["inspector"], c, {})
    assert c.outcome == Complaint.Outcome.PAID_IN_FULL and c.amount_recovered == Decimal("18000.00")


def test_two_clerks_same_task_one_wins(staff):
    c = submit().complaint
    task = queue_for(staff["inspector"]).get(process_id=c.process_id)
    task_assign(user=staff["inspector"], task_id=task.pk)
    with pytest.raises(Conflict):
        task_assign(user=staff["inspector_b"], task_id=task.pk)
    task_complete(user=staff["inspector"], task_id=task.pk, data={"decision": "accept"})
    with pytest.raises(Conflict):
        task_complete(user=staff["inspector"], task_id=task.pk, data={"decision": "accept"})
    assert c.process.task_set.filter(flow_task_type="HUMAN").count() == 2  # triage done + investigate


def test_other_region_cannot_see_or_act(staff):
    c = submit().complaint
    task = queue_for(staff["inspector"]).get(process_id=c.process_id)
    with pytest.raises(NotAllowed):
        task_assign(user=staff["shigatse"], task_id=task.pk)
    with pytest.raises(NotAllowed):
        task_complete(user=staff["shigatse_head"], task_id=task.pk, data={"decision": "accept"})
    assert not inbox_for(staff["shigatse"]).exists()


def test_extension_once_and_four_eyes(staff):
    insp, head = staff["inspector"], staff["head"]
    c = advance(submit().complaint, "investigate", inspector=insp, inspector_b=staff["inspector_b"], head=head)
    d = Deadline.objects.get(case_number=c.case_number, rule_id="INSP-INVESTIGATION")
    c = complete(insp, c, {"decision": "request_extension", "reason": "涉及多个分包单位"})
    # the head of another region cannot take it; the head of Lhasa approves
    c = complete(head, c, {"approve": "yes"})
    d.refresh_from_db()
    assert d.status == Deadline.Status.EXTENDED and d.extended_to > d.due_date
    with pytest.raises(DomainError) as e:
        complete(insp, c, {"decision": "request_extension", "reason": "again"})
    assert "once" in str(e.value) or "一次" in str(e.value)


def test_requester_cannot_approve_own_extension(staff):
    from casework.services.inspection import extension_decide, investigation_conclude

    head = staff["head"]
    c = advance(submit().complaint, "investigate", inspector=staff["inspector"], inspector_b=staff["inspector_b"],
                head=head)
    investigation_conclude(complaint=c, user=head, decision="request_extension", reason="复杂")
    with pytest.raises(DomainError):
        extension_decide(complaint=c, user=head, approve=True)


def test_limitation_refusal_and_boundary(staff):
    # violation ended 2023-06-10: 2 years end 2025-06-10. Received that day: within; the next day: expired.
    base = dict(violation_start="2023-01-01", violation_end="2023-06-10", employment_end_date="2023-06-10",
                items=[{"category": "wages", "period_start": "2023-05-01", "period_end": "2023-05-31",
                        "amount_claimed": "3000"}])
    within = submit(received_at=dt.date(2025, 6, 10), **base).complaint
    late = submit(received_at=dt.date(2025, 6, 11), **base).complaint
    with pytest.raises(DomainError):
        complete(staff["inspector"], within, {"decision": "refuse_limitation"})
    with pytest.raises(DomainError):
        complete(staff["inspector"], late, {"decision": "accept"})
    late = complete(staff["inspector"], late, {"decision": "refuse_limitation", "note": ""})
    assert late.state == S.REJECTED_LIMITATION
    assert late.documents.get(doc_type="refusal_notice").addressed_to_worker


def test_correction_round_trip_restarts_clock(staff):
    from casework.services.inspection import complaint_resubmit

    c = submit().complaint
    c = complete(staff["inspector"], c, {"decision": "needs_correction", "correction_request": "请补充单位地址"})
    assert c.state == S.NEEDS_CORRECTION
    complaint_resubmit(complaint=c, facts="补充：单位地址在城关区。", employer_name="西藏示例建筑工程有限公司",
                       employer_address="拉萨市城关区某路1号")
    c.refresh_from_db()
    assert c.state == S.RECEIVED
    assert Deadline.objects.filter(case_number=c.case_number, rule_id="INSP-ACCEPT").count() == 2
    assert queue_for(staff["inspector"]).filter(process_id=c.process_id).exists()


def test_forward_within_system_moves_to_other_region(staff):
    c = submit().complaint
    c = complete(staff["inspector"], c, {"decision": "forward", "forward_region_code": "540202"})
    assert c.handling_region_id == "540202" and c.state == S.RECEIVED
    assert queue_for(staff["shigatse"]).filter(process_id=c.process_id).exists()
    assert not queue_for(staff["inspector"]).filter(process_id=c.process_id).exists()


def test_site_visit_needs_two_inspectors(staff):
    from casework.services.inspection import inspection_record_add

    c = advance(submit().complaint, "investigate", inspector=staff["inspector"], inspector_b=staff["inspector_b"],
                head=staff["head"])
    with pytest.raises(DomainError) as e:
        inspection_record_add(complaint=c, user=staff["inspector"], kind="site_visit", held_on=dt.date.today(),
                              place="x", summary="y", inspectors=[staff["inspector"]])
    assert "inspectors" in e.value.errors
    with pytest.raises(DomainError):  # a Shigatse inspector does not count for a Lhasa case
        inspection_record_add(complaint=c, user=staff["inspector"], kind="site_visit", held_on=dt.date.today(),
                              place="x", summary="y", inspectors=[staff["inspector"], staff["shigatse"]])
