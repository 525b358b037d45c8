"""Writes on money records: verification per worker and month, payments. Callers check who may act."""
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import DomainError

from .calculators import ItemView, ThresholdFigures, criminal_threshold_met, money
from .models import REMUNERATION_CATEGORIES, ArrearsLineItem, CriminalThreshold, Payment

__all__ = ["item_verify", "payment_record", "complaint_totals", "threshold_for", "criminal_test"]


@transaction.atomic
def item_verify(*, item: ArrearsLineItem, amount_verified, note: str = "", user) -> ArrearsLineItem:
    try:
        amount = money(amount_verified)
    except Exception:
        raise DomainError({"amount_verified": [_("Enter an amount in yuan.")]})
    if amount < 0:
        raise DomainError({"amount_verified": [_("The amount cannot be negative.")]})
    if amount > item.amount_claimed * 10:
        raise DomainError({"amount_verified": [_("This is more than ten times the amount claimed: please check.")]})
    item = ArrearsLineItem.objects.select_for_update().get(pk=item.pk)
    item.amount_verified = amount
    item.verified_by = user
    item.verification_note = note[:255]
    item._history_user = user
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def payment_record(*, item: ArrearsLineItem, amount, paid_on: dt.date, user, method: str = "bank_transfer",
                   reference: str = "", source: str = "employer", remedy=None) -> Payment:
    """``source``: who paid (arrears.models.PaymentSource); ``remedy``: the remedy step that brought the money."""
    item = ArrearsLineItem.objects.select_for_update().get(pk=item.pk)
    try:
        amount = money(amount)
    except Exception:
        raise DomainError({"amount": [_("Enter an amount in yuan.")]})
    if amount <= 0:
        raise DomainError({"amount": [_("The amount must be more than zero.")]})
    if paid_on > timezone.localdate():
        raise DomainError({"paid_on": [_("This date is in the future.")]})
    due = item.amount_due if item.amount_due is not None else item.amount_claimed
    if item.amount_paid + amount > due:
        raise DomainError({"amount": [_("This payment would exceed what is owed on this item (%(left)s yuan left).")
                                      % {"left": due - item.amount_paid}]})
    payment = Payment(complaint_id=item.complaint_id, item=item, amount=amount, paid_on=paid_on,
                      method=method[:32], reference=reference[:128], recorded_by=user, source=source,
                      remedy=remedy)
    payment._history_user = user
    payment.full_clean()
    payment.save()
    item.amount_paid = money(item.amount_paid + amount)
    item._history_user = user
    item.save()
    return payment


def complaint_totals(complaint) -> dict:
    items = list(complaint.items.all())
    claimed = sum((i.amount_claimed for i in items), Decimal(0))
    verified = sum((i.amount_verified or 0 for i in items), Decimal(0))
    due = sum(((i.amount_due or 0) for i in items), Decimal(0))
    paid = complaint.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    outstanding = sum(((i.outstanding or 0) for i in items), Decimal(0))
    return {"claimed": money(claimed), "verified": money(verified), "due": money(due), "paid": money(paid),
            "outstanding": money(outstanding), "all_verified": all(i.amount_verified is not None for i in items)}


def threshold_for(province_code: str, on: dt.date) -> CriminalThreshold | None:
    return CriminalThreshold.objects.filter(province_code=province_code, effective_from__lte=on) \
        .order_by("-effective_from").first()


def criminal_test(complaint, *, on: dt.date) -> tuple[bool, str, CriminalThreshold | None]:
    """The amount limb of 法释〔2013〕3号 art. 3 on what is still outstanding. (The "ordered and still unpaid"
    condition of art. 4 is the caller's: it knows the order and its deadline.)"""
    t = threshold_for(complaint.handling_region_id[:2] + "0000", on)
    if t is None:
        return False, "", None
    views = [ItemView(worker_key=str(i.worker_id or f"item{i.pk}"), period_start=i.period_start,
                      period_end=i.period_end, outstanding=i.outstanding or Decimal(0),
                      is_remuneration=i.category in REMUNERATION_CATEGORIES) for i in complaint.items.all()]
    met, limb = criminal_threshold_met(views, ThresholdFigures(t.per_worker_min_yuan, t.min_months,
                                                               t.ten_plus_total_min_yuan, t.min_workers))
    return met, limb, t
