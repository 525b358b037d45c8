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

__all__ = ["seed_demo_listing", "DEMO_DECISION_NO"]

DEMO_DECISION_NO = "藏人社黑〔2026〕示例1号"
DEMO_REP_ID = "540102198505054566"


def _save(obj, user):
    obj._history_user = user
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def seed_demo_listing(*, officer, head, publisher) -> ListingDecision | None:
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
