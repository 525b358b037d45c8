"""Deadlines per case: opened from the rule table, closed when met, extended, waived, and swept for breaches."""
import datetime as dt
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Deadline, SystemAlert, clean_local
from .clock import compute_due
from .config import rule as get_rule

__all__ = ["deadline_open", "deadline_close", "deadline_extend", "deadline_waive", "deadlines_for",
           "deadline_sweep", "deadlines_recompute_provisional", "open_deadline"]

log = logging.getLogger(__name__)

ALERT_KEY_PREFIX = "calendar-missing:"


def _today() -> dt.date:
    return timezone.localdate()


def deadlines_for(case):
    ct = ContentType.objects.get_for_model(case)
    return Deadline.objects.filter(content_type=ct, object_id=case.pk)


def open_deadline(case, rule_id: str) -> Deadline | None:
    return deadlines_for(case).filter(rule_id=rule_id, status__in=[Deadline.Status.OPEN, Deadline.Status.EXTENDED,
                                                                   Deadline.Status.BREACHED]).first()


def _alert_provisional(deadline: Deadline, years):
    key = f"{ALERT_KEY_PREFIX}{deadline.region_id}:{','.join(map(str, years))}"
    alert, created = SystemAlert.objects.get_or_create(key=key, defaults={
        "code": "calendar_year_missing",
        "message": _("Holidays for %(years)s are not loaded: deadlines into those years are computed on weekdays "
                     "and marked provisional (first: %(case)s %(rule)s). Load the State Council's and the "
                     "prefecture's holiday notices.") % {"years": ", ".join(map(str, years)),
                                                          "case": deadline.case_number, "rule": deadline.rule_id}})
    if not created and alert.resolved_at is not None:
        # Marked resolved, yet the years are still missing: the alert must show again.
        alert.resolved_at = None
        alert.save(update_fields=["resolved_at"])
    log.warning("provisional deadline %s %s: calendar years %s not loaded", deadline.case_number,
                deadline.rule_id, years)


@transaction.atomic
def deadline_open(*, case, rule_id: str, anchor_date: dt.date, region_code: str, case_number: str) -> Deadline:
    r = get_rule(rule_id, on=anchor_date)
    result = compute_due(anchor_date, r.n, r.unit, region_code)
    d = Deadline(content_type=ContentType.objects.get_for_model(case), object_id=case.pk, case_number=case_number,
                 region_id=region_code, rule_id=r.rule_id, n=r.n, unit=r.unit, anchor_event=r.anchor_event,
                 anchor_date=anchor_date, due_date=result.due, provisional=result.provisional, citation=r.citation)
    clean_local(d)
    d.save()
    if result.provisional:
        _alert_provisional(d, result.uncovered_years)
    return d


@transaction.atomic
def deadline_close(*, case, rule_id: str, on: dt.date | None = None) -> Deadline | None:
    """The act the deadline asks for was done on ``on``. Late acts keep the BREACHED status (met late)."""
    d = open_deadline(case, rule_id)
    if d is None:
        return None
    on = on or _today()
    d.met_at = on
    if d.status != Deadline.Status.BREACHED:
        d.status = Deadline.Status.MET if on <= d.effective_due else Deadline.Status.BREACHED
    d.save()
    return d


@transaction.atomic
def deadline_waive(*, case, rule_id: str) -> Deadline | None:
    d = open_deadline(case, rule_id)
    if d is not None:
        d.status = Deadline.Status.WAIVED
        d.save()
    return d


@transaction.atomic
def deadline_extend(*, case, rule_id: str, extension_rule_id: str) -> Deadline:
    """Extend an open deadline by the extension rule, counted from the current due date (Reg. 17: +30 WD)."""
    d = open_deadline(case, rule_id)
    if d is None:
        raise ValueError(f"no open deadline {rule_id}")
    ext = get_rule(extension_rule_id, on=d.due_date)
    result = compute_due(d.due_date, ext.n, ext.unit, d.region_id)
    d.extended_to = result.due
    d.status = Deadline.Status.EXTENDED
    d.reminder_stage = None  # the new due date gets its own reminders
    d.provisional = d.provisional or result.provisional
    d.save()
    if result.provisional:
        _alert_provisional(d, result.uncovered_years)
    return d


def _past_due_q(today: dt.date):
    from django.db.models import Q

    return (Q(status=Deadline.Status.OPEN, due_date__lt=today)
            | Q(status=Deadline.Status.EXTENDED, extended_to__lt=today))


def _past_due_ids(today: dt.date) -> list[int]:
    return list(Deadline.objects.filter(_past_due_q(today)).values_list("pk", flat=True))


def deadline_sweep(*, today: dt.date | None = None) -> int:
    """Mark breached deadlines. One indexed query selects what is due; only those rows are touched, each locked and
    re-checked first (a clerk may have met or waived it since the selection: a stale write would turn MET back
    into BREACHED) and saved so that its history records the change. Idempotent."""
    today = today or _today()
    n = 0
    for pk in _past_due_ids(today):
        with transaction.atomic():
            d = Deadline.objects.select_for_update().filter(_past_due_q(today), pk=pk).first()
            if d is None:
                continue
            d.status = Deadline.Status.BREACHED
            d.save(update_fields=["status"])
            n += 1
    return n


def deadlines_recompute_provisional() -> int:
    """After an administrator loads a year's holidays: recompute provisional open deadlines on the real calendar,
    and resolve the missing-calendar alerts whose years are now all loaded.

    An extended deadline keeps its flag while its extension still needs recounting: the extension's own rule is
    not stored on the deadline, so its end cannot be recounted here (it is listed as provisional, not passed off
    as final)."""
    n = 0
    live = [Deadline.Status.OPEN, Deadline.Status.EXTENDED]
    for pk in list(Deadline.objects.filter(provisional=True, status__in=live).values_list("pk", flat=True)):
        with transaction.atomic():
            d = Deadline.objects.select_for_update().filter(pk=pk, provisional=True, status__in=live).first()
            if d is None:  # met, waived or recomputed since the selection
                continue
            result = compute_due(d.anchor_date, d.n, d.unit, d.region_id)
            d.due_date = result.due
            d.provisional = result.provisional or d.extended_to is not None
            d.save(update_fields=["due_date", "provisional"])
            n += 1
    _resolve_covered_alerts()
    return n


def _resolve_covered_alerts():
    from ..models import CalendarCoverage

    covered = set(CalendarCoverage.objects.filter(region__isnull=True).values_list("year", flat=True))
    for alert in SystemAlert.objects.filter(key__startswith=ALERT_KEY_PREFIX, resolved_at__isnull=True):
        years = {int(y) for y in alert.key.rsplit(":", 1)[-1].split(",") if y.isdigit()}
        if years and years <= covered:
            alert.resolved_at = timezone.now()
            alert.save(update_fields=["resolved_at"])
