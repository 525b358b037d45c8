"""Demo data for the disputes tracks (``manage.py seed_demo``): the Lhasa and Shigatse arbitration commissions and
mediation bodies, and three cases at different points, driven through the same services a user would use."""
import datetime as dt

from django.utils import timezone

from .models import ArbitrationCommission, DisputeCase, MediationBody

__all__ = ["seed_bodies", "seed_demo_disputes", "demo_application"]

COMMISSIONS = [
    # region, name, docket prefix, address, intermediate court, basic court
    ("540100", "拉萨市劳动人事争议仲裁委员会", "拉劳人仲案字", "拉萨市城关区", "拉萨市中级人民法院", "拉萨市城关区人民法院"),
    ("540200", "日喀则市劳动人事争议仲裁委员会", "日劳人仲案字", "日喀则市桑珠孜区", "日喀则市中级人民法院",
     "日喀则市桑珠孜区人民法院"),
]
BODIES = [
    ("540102", "城关区劳动人事争议调解中心", "township"),
    ("540100", "拉萨市人民调解委员会", "grassroots"),
    ("540202", "桑珠孜区劳动争议调解中心", "township"),
]


def seed_bodies() -> None:
    """Idempotent: the commissions and bodies a demo (and a fresh installation to edit) starts with."""
    for region, name, prefix, address, court, basic in COMMISSIONS:
        if not ArbitrationCommission.objects.filter(region_id=region).exists():
            ArbitrationCommission.objects.create(region_id=region, name=name, docket_prefix=prefix, address=address,
                                                 court_name=court, basic_court_name=basic)
    for region, name, kind in BODIES:
        if not MediationBody.objects.filter(name=name).exists():
            MediationBody.objects.create(region_id=region, name=name, kind=kind)


def demo_application(**over) -> dict:
    today = timezone.localdate()
    payload = {
        "applicant_side": "worker", "region_code": "540102",
        "applicant": {"name": "次仁多吉", "id_number": "540102198805051236", "phone": "13900000011",
                      "address": "拉萨市城关区八廓街1号", "occupation": "钢筋工", "preferred_language": "bo"},
        "employer": {"name": "西藏示例建筑工程有限公司", "uscc": "91540100MA6T00012D", "address": "拉萨市城关区",
                     "legal_rep_name": "王某", "contact_phone": ""},
        "workers_count": "1", "employment_status": "left",
        "employment_start": (today - dt.timedelta(days=300)).isoformat(),
        "employment_end": (today - dt.timedelta(days=60)).isoformat(),
        "knew_on": (today - dt.timedelta(days=55)).isoformat(),
        "claims_text": "请求裁决被申请人支付拖欠工资18000元。",
        "facts_text": "申请人在被申请人承建的项目做钢筋工，最后三个月工资未付。",
        "evidence_text": "考勤表、微信聊天记录。", "witnesses_text": "",
        "items": [{"category": "wages", "period_start": (today - dt.timedelta(days=150)).replace(day=1).isoformat(),
                   "period_end": (today - dt.timedelta(days=60)).isoformat(), "amount": "18000"}],
    }
    payload.update(over)
    return payload


def _step(case: DisputeCase, user, data: dict) -> DisputeCase:
    """Complete the case's one open workflow task as ``user`` (the generic task engine: the flow moves on exactly
    as when the task is done on its page)."""
    from viewflow.workflow.models import Task

    from casework.workflow import task_complete

    task = Task.objects.get(process_id=case.process_id, flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"])
    return task_complete(user=user, task_id=task.pk, data=data)


def seed_demo_disputes(users) -> list[str]:
    """Three demo cases at different points, driven through the same services and workflow steps a user would use
    (idempotent: nothing is added once any dispute exists):

    - an arbitration case accepted by the Lhasa commission, its tribunal formed (arbitrator presiding, arbitrator_b
      and arbitrator_c), the notice to respond served: employer_user can file the defence under /my/disputes/,
      worker and worker_rep follow it there, and the clerk schedules the hearing;
    - a mediation case accepted and in mediation (the mediator records the agreement or the failure);
    - a mediation case that failed: tracked with its number and access code, it offers the pre-filled arbitration
      application."""
    from .models import DisputeParty
    from .services.applications import application_submit
    from .services.arbitration import service_record
    from .services.parties import party_account_link

    if DisputeCase.objects.exists():
        return []
    out = []
    today = timezone.localdate()
    clerk, chair, mediator = users["arbitration_clerk"], users["arbitration_chair"], users["mediator"]

    arb = application_submit(track="arbitration", payload=demo_application(agent={
        "name": "格桑", "id_number": "540102197506061237", "phone": "13900000019",
        "scope": "代为申请仲裁、参加庭审、签收法律文书"}))
    _step(arb.case, clerk, {"decision": "accept"})
    _step(arb.case, chair, {"procedure": "ordinary", "presiding": users["arbitrator"].username,
                            "member_1": users["arbitrator_b"].username, "member_2": users["arbitrator_c"].username})
    respondent = arb.case.parties.get(side=DisputeParty.Side.RESPONDENT)
    applicant = arb.case.parties.get(side=DisputeParty.Side.APPLICANT)
    service_record(case=arb.case, user=clerk, party_id=respondent.pk, doc_kind="respondent_notice",
                   method="in_person", sent_on=today, served_on=today, confirmed=True)
    # The employer's clerk and the worker's representative see the arbitration case from their accounts.
    party_account_link(case=arb.case, user=clerk, party_id=respondent.pk, username="employer_user")
    party_account_link(case=arb.case, user=clerk, party_id=applicant.pk, username="worker")
    party_account_link(case=arb.case, user=clerk, party_id=applicant.pk, username="worker_rep")
    out.append(f"demo arbitration: {arb.case.case_number} (access code {arb.access_code}), accepted, tribunal "
               f"formed; employer_user (defence), worker_rep and worker see it under /my/disputes/")

    worker_b = {"name": "卓嘎", "id_number": "11010519491231002X", "phone": "13900000012",
                "address": "拉萨市城关区", "occupation": "服务员", "preferred_language": "zh-hans"}
    restaurant = {"name": "拉萨某餐饮管理有限公司", "uscc": "", "address": "拉萨市城关区", "legal_rep_name": "",
                  "contact_phone": ""}
    items = [{"category": "wages", "period_start": demo_application()["items"][0]["period_start"],
              "period_end": demo_application()["items"][0]["period_end"], "amount": "6000"}]
    med = application_submit(track="mediation", payload=demo_application(
        applicant=worker_b, employer=restaurant, claims_text="请求支付拖欠工资6000元。", items=items,
        respondent_consented=True))
    _step(med.case, mediator, {"decision": "accept", "respondent_consented": True})
    out.append(f"demo mediation: {med.case.case_number} (access code {med.access_code}), in mediation")

    failed = application_submit(track="mediation", payload=demo_application(
        applicant={**worker_b, "name": "普布", "id_number": "540102198801011237", "phone": "13900000013"},
        employer=restaurant, claims_text="请求支付拖欠工资4500元。",
        items=[{**items[0], "amount": "4500"}], respondent_consented=True))
    _step(failed.case, mediator, {"decision": "accept", "respondent_consented": True})
    _step(failed.case, mediator, {"outcome": "failed", "reason": "双方对欠薪数额分歧较大，未达成协议。"})
    out.append(f"demo failed mediation: {failed.case.case_number} (access code {failed.access_code}): track it "
               f"to apply for arbitration with a pre-filled form")
    return out
