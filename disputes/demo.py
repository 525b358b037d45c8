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


def seed_demo_disputes(users) -> list[str]:
    """Three demo cases (idempotent: nothing is added once any dispute exists)."""
    from .models import DisputeParty
    from .services.applications import application_submit
    from .services.parties import party_account_link

    if DisputeCase.objects.exists():
        return []
    out = []
    arb = application_submit(track="arbitration", payload=demo_application(agent={
        "name": "格桑", "id_number": "540102197506061237", "phone": "13900000019",
        "scope": "代为申请仲裁、参加庭审、签收法律文书"}))
    med = application_submit(track="mediation", payload=demo_application(
        applicant={"name": "卓嘎", "id_number": "11010519491231002X", "phone": "13900000012",
                   "address": "拉萨市城关区", "occupation": "服务员", "preferred_language": "zh-hans"},
        employer={"name": "拉萨某餐饮管理有限公司", "uscc": "", "address": "拉萨市城关区", "legal_rep_name": "",
                  "contact_phone": ""},
        claims_text="请求支付拖欠工资6000元。", items=[{"category": "wages",
                                                   "period_start": demo_application()["items"][0]["period_start"],
                                                   "period_end": demo_application()["items"][0]["period_end"],
                                                   "amount": "6000"}]))
    # The employer's clerk and the worker's representative see the arbitration case from their accounts.
    respondent = arb.case.parties.get(side=DisputeParty.Side.RESPONDENT)
    applicant = arb.case.parties.get(side=DisputeParty.Side.APPLICANT)
    clerk = users["arbitration_clerk"]
    party_account_link(case=arb.case, user=clerk, party_id=respondent.pk, username="employer_user")
    party_account_link(case=arb.case, user=clerk, party_id=applicant.pk, username="worker")
    party_account_link(case=arb.case, user=clerk, party_id=applicant.pk, username="worker_rep")
    out.append(f"demo arbitration: {arb.case.case_number} (access code {arb.access_code}); "
               f"employer_user, worker_rep and worker see it under /my/disputes/")
    out.append(f"demo mediation: {med.case.case_number} (access code {med.access_code})")
    return out
