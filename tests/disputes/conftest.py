"""Fixtures for the disputes tracks: staff of each dispute role (Lhasa unless named otherwise), a Lhasa arbitration
commission and mediation body, and ``make_case`` which writes a case straight to the database in a given state
(for service tests that start mid-way; whole tracks are driven through disputes.services.applications)."""
import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import make_user


@pytest.fixture
def dstaff(db):
    return {
        "mediator": make_user("mediator", "mediator"),
        "mediator_b": make_user("mediator_b", "mediator"),
        "mediator_shigatse": make_user("mediator_sh", "mediator", region="540200"),
        "clerk": make_user("clerk", "arbitration_clerk"),
        "clerk_shigatse": make_user("clerk_sh", "arbitration_clerk", region="540200"),
        "chair": make_user("chair", "arbitration_chair"),
        "arb1": make_user("arb1", "arbitrator", perm=None),
        "arb2": make_user("arb2", "arbitrator", perm=None),
        "arb3": make_user("arb3", "arbitrator", perm=None),
        "arb4": make_user("arb4", "arbitrator", perm=None),
        "auditor": make_user("d_auditor", "auditor", region="540000", perm="view_cases"),
        "inspector": make_user("d_inspector", "inspector"),
    }


@pytest.fixture
def commission(db):
    from disputes.models import ArbitrationCommission

    return ArbitrationCommission.objects.create(
        name="拉萨市劳动人事争议仲裁委员会", region_id="540100", docket_prefix="拉劳人仲案字",
        address="拉萨市城关区", court_name="拉萨市中级人民法院", basic_court_name="拉萨市城关区人民法院")


@pytest.fixture
def commission_shigatse(db):
    from disputes.models import ArbitrationCommission

    return ArbitrationCommission.objects.create(name="日喀则市劳动人事争议仲裁委员会", region_id="540200",
                                                docket_prefix="日劳人仲案字")


@pytest.fixture
def body(db):
    from disputes.models import MediationBody

    return MediationBody.objects.create(name="城关区劳动争议调解中心", kind="township", region_id="540102")


def _person(name="次仁", id_number="11010519491231002X", phone="13800000001"):
    from casework.fields import pii_hash
    from casework.models import Person

    return Person.objects.create(name=name, id_number=id_number, id_number_hash=pii_hash(id_number), phone=phone,
                                 phone_hash=pii_hash(phone), region_id="540102")


@pytest.fixture
def make_case(db, commission, body):
    """make_case(track="arbitration", state=..., received_at=..., **fields) -> DisputeCase with an applicant worker,
    a respondent employer and one wages claim of 6,000 yuan."""
    from arrears.models import ArrearsLineItem
    from casework.models import Employer
    from disputes.models import DisputeCase, DisputeParty, DisputeState
    from disputes.services.common import access_code_hash, next_case_number

    counter = {"n": 0}

    def make(track="arbitration", state=None, received_at=dt.date(2025, 6, 9), items=None, region="540100",
             **fields):
        counter["n"] += 1
        arbitration = track == "arbitration"
        case = DisputeCase.objects.create(
            track=track, case_number=next_case_number(track, region, received_at.year),
            access_code_hash=access_code_hash("12345678"),
            state=state or (DisputeState.ARB_RECEIVED if arbitration else DisputeState.MED_APPLIED),
            region_id=region, commission=commission if arbitration else None, body=None if arbitration else body,
            claims_text="支付拖欠工资", facts_text="2025年3月至5月工资未发", received_at=received_at,
            employment_status="left", employment_end=received_at - dt.timedelta(days=30), **fields)
        worker = _person(phone=f"1380000{counter['n']:04d}")
        employer, _ = Employer.objects.get_or_create(name="拉萨某建筑工程有限公司", defaults={"address": "拉萨市"})
        DisputeParty.objects.create(case=case, side="applicant", person=worker, occupation="钢筋工")
        DisputeParty.objects.create(case=case, side="respondent", employer=employer)
        for it in items if items is not None else [{"category": "wages", "amount": Decimal("6000.00")}]:
            ArrearsLineItem.objects.create(dispute=case, worker=worker, category=it["category"],
                                           period_start=dt.date(2025, 3, 1), period_end=dt.date(2025, 5, 31),
                                           amount_claimed=it["amount"])
        return case

    return make
