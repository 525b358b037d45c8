"""Demo data for the public registry (called by ``manage.py seed_demo``; idempotent): one published listing of a
Lhasa employer with its co-listed legal representative, so that a newcomer's /registry/ is not empty.

The procedure's dates lie in the past (an order's payment deadline that expired, a notice, a decision), and the
services only act on today's date, so these rows are written directly, with history, rather than through
blacklist.services. Their case is a real demo complaint (it stays at intake)."""
import datetime as dt

from django.db import transaction
from django.utils import timezone

from casework.models import InspectionDocument
from casework.services.clock import compute_due
from casework.services.config import rule

from .cache import registry_bump
from .models import BlacklistEntry, ListingDecision
from .services import _department

__all__ = ["seed_demo_listing", "seed_demo_disclosures", "DEMO_DECISION_NO", "DEMO_DISCLOSURES"]

DEMO_DECISION_NO = "藏人社黑〔2026〕示例1号"
DEMO_REP_ID = "540102198505054566"


def _save(obj, user):
    obj._history_user = user
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def seed_demo_listing(*, officer, head, publisher) -> ListingDecision | None:
    seed_demo_disclosures(officer=officer, head=head, publisher=publisher)
    if ListingDecision.objects.filter(decision_no=DEMO_DECISION_NO).exists():
        return None
    from casework.identity import mask_id_public
    from casework.fields import pii_hash
    from casework.management.commands.seed_demo import demo_payload
    from casework.services.intake import complaint_submit

    today = timezone.localdate()
    complaint = complaint_submit(payload=demo_payload(
        complainant={"name": "普布", "id_number": "540102199203034417", "phone": "13800000003"},
        employer={"name": "拉萨示例劳务工程有限公司", "uscc": "91540100MA6T000208", "address": "拉萨市堆龙德庆区",
                  "legal_rep_name": "次仁多吉"})).complaint
    pd = today - dt.timedelta(days=40)
    order = _save(InspectionDocument(complaint=complaint, doc_type="handling_decision",
                                     doc_no=f"{complaint.case_number}-CL1", issued_at=pd - dt.timedelta(days=15),
                                     served_at=pd - dt.timedelta(days=14), payment_deadline=pd, amount=18000,
                                     text="责令限期支付拖欠的农民工工资。", issued_by=head), head)
    decided = today - dt.timedelta(days=10)
    period = rule("BL-PERIOD", on=decided)
    listing = _save(ListingDecision(
        complaint=complaint, employer=complaint.employer, region=complaint.handling_region, state="PUBLISHED",
        basis_limb="amount", order_document=order, order_doc_no=order.doc_no, payment_deadline=pd,
        arrears_amount=18000, workers_affected=complaint.workers_affected, unit_name=complaint.employer.name,
        uscc=complaint.employer.uscc or "", deciding_department=_department(complaint.handling_region),
        drafted_by=officer, notice_served_at=pd + dt.timedelta(days=2), approved_by=head,
        decision_no=DEMO_DECISION_NO, decided_at=decided,
        period_end=compute_due(decided, period.n, period.unit, complaint.handling_region_id).due,
        published_at=timezone.now(), published_by=publisher), officer)
    _save(BlacklistEntry(listing=listing, subject_type="UNIT", role="UNIT", employer=complaint.employer,
                         public_display_name=complaint.employer.name), officer)
    _save(BlacklistEntry(listing=listing, subject_type="PERSON", role="LEGAL_REP", public_display_name="次仁多吉",
                         id_number=DEMO_REP_ID, id_number_hash=pii_hash(DEMO_REP_ID),
                         public_id_masked=mask_id_public(DEMO_REP_ID)), officer)
    registry_bump()
    return listing


# --- disclosures of major violations (spec §9) -----------------------------------------------------------------------

# (org code body of the credit code, employer, address, legal representative, category, decision number, days before
#  today the decision was made, main facts, handling). Decisions the system does not hold (MANUAL source), so no
#  worker is on file; the texts name nobody but the legal representative.
DEMO_DISCLOSURES = [
    ("91540100MA6T0003", "拉萨示例商贸有限公司", "拉萨市城关区北京中路示例大厦", "格桑", 1, "拉城人社监处〔2026〕示例1号", 120,
     "该单位克扣、无故拖欠12名劳动者工资共计人民币21.6万元，数额较大。",
     "责令限期支付全部拖欠工资；该单位已于限期内支付完毕，并处罚款人民币2万元。"),
    ("91540100MA6T0004", "拉萨示例餐饮管理有限公司", "拉萨市堆龙德庆区示例路8号", "刘某某", 4, "拉人社监罚〔2026〕示例2号", 150,
     "该单位长期安排劳动者每日工作12小时以上且未安排休息日，情节严重。",
     "责令改正，依法处以罚款人民币3万元；已整改。"),
    ("91540100MA6T0005", "拉萨示例砂石料有限公司", "拉萨市达孜区示例工业园", "索朗", 6, "拉人社监罚〔2026〕示例3号", 200,
     "该单位违法招用未满十六周岁的未成年人2名从事砂石装卸工作。",
     "依法处以罚款人民币1万元，责令将童工送交其父母或者其他监护人。"),
]


def seed_demo_disclosures(*, officer, head, publisher) -> int:
    """Three published disclosures of Lhasa employers in different categories, so that /disclosures/ is not empty.
    Written directly (the decisions lie in the past; the services act on today), with history; idempotent."""
    from stdnum.cn import uscc as uscc_check

    from casework.models import Employer, Region
    from casework.services.clock import compute_due as due_of

    from .models_disclosure import Disclosure
    from .services_disclosure import periodic_batch_for

    today = timezone.localdate()
    region = Region.objects.get(code="540100")
    n = 0
    for body, name, address, rep, category, no, days, facts, handling in DEMO_DISCLOSURES:
        if Disclosure.objects.filter(decision_no=no).exists():
            continue
        code = body + "01"
        code = code[:17] + uscc_check.calc_check_digit(code[:17] + "0")
        employer = Employer.objects.filter(uscc=code).first() or _save(
            Employer(name=name, uscc=code, address=address, legal_rep_name=rep, registration_region_code="540100"),
            officer)
        decided = today - dt.timedelta(days=days)
        display = rule("DC-DISPLAY", on=today)
        _save(Disclosure(
            state="PUBLISHED", category=category, source="MANUAL", employer=employer, region=region,
            batch=periodic_batch_for(region, decided, officer), deciding_department=_department(region),
            decision_no=no, decision_date=decided, unit_name=name, uscc=code, address=address, legal_rep_name=rep,
            facts=facts, handling=handling, drafted_by=officer, submitted_at=timezone.now(), no_secrets_confirmed=True,
            approved_by=head, approved_at=timezone.now(), published_at=timezone.now(), published_by=publisher,
            display_until=due_of(today, display.n, display.unit, region.code).due), officer)
        n += 1
    if n:
        registry_bump()
    return n
