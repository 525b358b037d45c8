"""Who is told what about a case (the casework side of issue #5). notifications knows channels and texts; this
module knows the case: who its worker, employer, lead inspector and regional heads are.

- ``case_event_notify``: called wherever a public CaseEvent is written (inspection.event and intake): the
  worker (complainant) gets an SMS in their language if they gave a phone; an anonymous report gets nothing. The
  employer gets the notices addressed to it (order, decision), which never name or describe the complainant.
  Nobody else is told anything about the case.
- ``tasks_assigned_notify``: the lead inspector is told in-app when the flow assigns them a task.
- ``deadline_reminders``: the set-based sweep for reminders at T-3 and T-1 working days and breach alerts, which
  put the case under supervision (挂牌督办) until the breached deadline is dealt with.
"""
import datetime as dt
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.services import Recipient, notify, notify_staff

from ..access import Role
from ..models import Complaint, ComplaintState as S, Deadline, Region, region_chain

__all__ = ["WORKER_EVENTS", "EMPLOYER_EVENTS", "case_event_notify", "tasks_assigned_notify", "deadline_reminders",
           "complaint_supervision_set", "complaint_supervision_clear", "staff_for_failed_message",
           "reminder_still_due", "region_heads"]

log = logging.getLogger(__name__)

WORKER_EVENTS = {"received", "resubmitted", "accepted", "needs_correction", "refused_limitation",
                 "redirected_dispute", "forwarded", "forwarded_outside", "investigation_extended", "order_issued",
                 "decided", "payment_recorded", "complied", "non_compliant", "withdraw_case", "transfer",
                 "no_violation", "closed"}
EMPLOYER_EVENTS = {"order_issued", "decided"}
REMINDER_STAGES = (3, 1)  # working days before the due date (spec §12.10: T-3 WD, T-1 WD)
LOOKAHEAD_DAYS = 31  # calendar days that certainly contain 3 working days, whatever the holidays
TERMINAL = [S.CLOSED, S.REJECTED_LIMITATION, S.REDIRECTED_DISPUTE, S.FORWARDED_JURISDICTION,
            S.CLOSED_WITHDRAWN_CASE, S.TRANSFERRED_OTHER_DEPT]
LIVE = [Deadline.Status.OPEN, Deadline.Status.EXTENDED]


def _date(value):
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _accept_due(complaint):
    from .deadlines import open_deadline

    d = open_deadline(complaint, "INSP-ACCEPT")
    return d.effective_due if d else ""


def _context(ev) -> dict:
    d = ev.detail or {}
    code = ev.code
    ctx = {}
    if code == "received":
        ctx["date"] = _date(d.get("acceptance_due", ""))
    elif code in ("resubmitted", "forwarded"):
        ctx["date"] = _accept_due(ev.complaint)
    elif code == "needs_correction":
        ctx["request"] = d.get("request", "")
    elif code == "forwarded_outside":
        ctx["to"] = d.get("to", "")
    elif code == "investigation_extended":
        ctx["date"] = _date(d.get("new_due", ""))
    elif code in ("order_issued", "decided"):
        ctx["date"] = _date(d.get("payment_deadline", ""))
    elif code == "payment_recorded":
        ctx["amount"] = d.get("amount", "")
    elif code == "closed":
        ctx["amount"] = d.get("recovered", "")
    return ctx


def case_event_notify(ev) -> list:
    """Messages for one public CaseEvent, written in the caller's transaction."""
    if not ev.public or ev.code not in WORKER_EVENTS | EMPLOYER_EVENTS:
        return []
    complaint = ev.complaint
    recipients = []
    person = complaint.complainant
    if ev.code in WORKER_EVENTS and person is not None and person.phone:
        recipients.append(Recipient(kind="worker", channel="sms", address=person.phone, ref=f"p{person.pk}",
                                    language=complaint.preferred_language or settings.LANGUAGE_CODE))
        email = getattr(person, "email", "")  # no e-mail field yet; used as soon as Person has one
        if email:
            recipients.append(Recipient(kind="worker", channel="email", address=email, ref=f"p{person.pk}",
                                        language=complaint.preferred_language or settings.LANGUAGE_CODE))
    employer = complaint.employer
    if ev.code in EMPLOYER_EVENTS and employer.contact_phone:
        recipients.append(Recipient(kind="employer", channel="sms", address=employer.contact_phone,
                                    ref=f"e{employer.pk}", language=settings.LANGUAGE_CODE))
    if not recipients:
        return []
    return notify(event=ev.code, case_number=complaint.case_number, recipients=recipients, context=_context(ev),
                  sequence=ev.pk, region_code=complaint.handling_region_id)


def tasks_assigned_notify(complaint, *, actor=None) -> int:
    """Tell the owners of the flow's open assigned tasks that someone else's act gave them (a lead inspector's next
    step). The task id is the idempotency sequence: one message per task, however often this is called."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    if not complaint.process_id:
        return 0
    n = 0
    tasks = (Task.objects.filter(process_id=complaint.process_id, status=STATUS.ASSIGNED, owner__isnull=False)
             .exclude(owner_id=getattr(actor, "pk", None)).select_related("owner"))
    for t in tasks:
        n += notify_staff(recipients=[t.owner], event="task_assigned", case_number=complaint.case_number,
                          context={"task": getattr(t.flow_task, "task_title", t.flow_task.name)}, sequence=t.pk,
                          region_code=complaint.handling_region_id)
    return n


# --- supervision ---------------------------------------------------------------------------------------------------

def complaint_supervision_set(*, complaint: Complaint, on: dt.date, reason: str = "") -> bool:
    if complaint.under_supervision:
        return False
    complaint.under_supervision = True
    complaint.supervision_since = on
    complaint._change_reason = reason[:100]
    complaint.save(update_fields=["under_supervision", "supervision_since", "updated_at"])
    return True


def complaint_supervision_clear(*, complaint: Complaint) -> bool:
    if not complaint.under_supervision:
        return False
    complaint.under_supervision = False
    complaint.supervision_since = None
    complaint.save(update_fields=["under_supervision", "supervision_since", "updated_at"])
    return True


# --- deadline reminders and breach escalation ------------------------------------------------------------------------

def region_heads(region_codes) -> dict[str, list]:
    """Active inspection heads whose reach covers each region (a grant on the region or one above it): one query."""
    from guardian.models import UserObjectPermission

    codes = set(region_codes)
    chains = {c: region_chain(c) for c in codes}
    wanted = {x for chain in chains.values() for x in chain}
    rows = (UserObjectPermission.objects
            .filter(content_type=ContentType.objects.get_for_model(Region), permission__codename="handle_cases",
                    object_pk__in=wanted, user__is_active=True, user__groups__name=Role.INSPECTION_HEAD)
            .select_related("user"))
    by_code: dict[str, list] = {}
    for r in rows:
        by_code.setdefault(r.object_pk, []).append(r.user)
    out = {}
    for c, chain in chains.items():
        seen, users = set(), []
        for code in chain:
            for u in by_code.get(code, []):
                if u.pk not in seen:
                    seen.add(u.pk)
                    users.append(u)
        out[c] = users
    return out


def _due_q(today):
    past_due = (Q(status=Deadline.Status.OPEN, due_date__lt=today)
                | Q(status=Deadline.Status.EXTENDED, extended_to__lt=today)
                | Q(status=Deadline.Status.BREACHED, met_at__isnull=True))
    horizon = today + dt.timedelta(days=LOOKAHEAD_DAYS)
    soon = (Q(status=Deadline.Status.OPEN, due_date__gte=today, due_date__lte=horizon)
            | Q(status=Deadline.Status.EXTENDED, extended_to__gte=today, extended_to__lte=horizon))
    not_reminded = Q(reminder_stage__isnull=True) | Q(reminder_stage__gt=1)
    return (past_due & (Q(reminder_stage__isnull=True) | Q(reminder_stage__gt=0))) | (soon & not_reminded)


def _stage_for(d: Deadline, today, calendars) -> tuple[int | None, int]:
    """(stage to send, working days left). Stage 0: breached. None: nothing to send today."""
    due = d.effective_due
    if due < today or d.status == Deadline.Status.BREACHED:
        return (0 if d.reminder_stage != 0 else None), 0
    cal = calendars.get(d.region_id)
    if cal is None:
        from .clock import WorkingCalendar

        cal = calendars[d.region_id] = WorkingCalendar(d.region_id)
    left = cal.working_days_between(today, due)
    for stage in sorted(REMINDER_STAGES):  # 1 before 3: a late sweep sends the most urgent stage only
        if left <= stage and (d.reminder_stage is None or d.reminder_stage > stage):
            return stage, left
    return None, left


def reminder_still_due(message) -> bool:
    """Guard asked just before an e-mail reminder is sent: the deadline is still live with the same due date."""
    args = message.guard_args or {}
    d = Deadline.objects.filter(pk=args.get("deadline")).first()
    if d is None or d.met_at is not None or d.status in (Deadline.Status.MET, Deadline.Status.WAIVED):
        return False
    if args.get("stage") == 0:
        return True
    return d.status in LIVE and d.effective_due.isoformat() == args.get("due")


def deadline_reminders(*, today: dt.date | None = None, limit: int = 2000) -> dict:
    """Reminders at T-3 and T-1 working days, breach alerts and supervision, in a fixed number of queries whatever
    the number of deadlines: one indexed query selects what is due, the rows are then locked and re-checked in one
    query (a deadline met, waived, extended or whose case closed since the selection gets no stale reminder), the
    messages are written in one batch and the deadlines updated with their history in one batch. Running it twice
    on a day sends nothing more (``reminder_stage`` and the messages' idempotency keys). Breaches (rare) also put
    their case under supervision, one save each so that the case history records it."""
    from simple_history.utils import bulk_update_with_history

    from ..audit import current
    from ..models import DeadlineRule
    from notifications.services import notify_batch, staff_recipients

    today = today or timezone.localdate()
    ct = ContentType.objects.get_for_model(Complaint)
    stats = {"reminders": 0, "breaches": 0}
    with transaction.atomic():
        due = list(Deadline.objects.select_for_update().filter(_due_q(today), content_type=ct)
                   .order_by("id")[:limit])
        calendars: dict = {}
        plan = []
        for d in due:
            stage, left = _stage_for(d, today, calendars)
            if stage is not None:
                plan.append((d, stage, left))
        complaints = {c.pk: c for c in Complaint.objects.filter(pk__in={d.object_id for d, _, _ in plan})
                      .exclude(state__in=TERMINAL).select_related("lead_inspector")} if plan else {}
        plan = [p for p in plan if p[0].object_id in complaints]
        if plan:
            heads = region_heads({c.handling_region_id for c in complaints.values()})
            labels = dict(DeadlineRule.objects.filter(rule_id__in={d.rule_id for d, _, _ in plan})
                          .order_by("rule_id", "effective_from").values_list("rule_id", "description"))
            items, changed, breached = [], [], []
            for d, stage, left in plan:
                c = complaints[d.object_id]
                users = [c.lead_inspector] if c.lead_inspector_id and c.lead_inspector.is_active else []
                if stage == 0 or not users:
                    users += [u for u in heads.get(c.handling_region_id, []) if u.pk not in {x.pk for x in users}]
                items.append(dict(
                    event="deadline_breached" if stage == 0 else "deadline_reminder", case_number=c.case_number,
                    recipients=staff_recipients(users, email=True), region_code=c.handling_region_id,
                    sequence=f"{d.pk}-{stage}-{d.effective_due.isoformat()}",
                    context={"rule": labels.get(d.rule_id, d.rule_id), "date": d.effective_due, "n": left},
                    guard="casework.services.notices.reminder_still_due",
                    guard_args={"deadline": d.pk, "stage": stage, "due": d.effective_due.isoformat()}))
                d.reminder_stage, d.reminded_at = stage, today
                changed.append(d)
                if stage == 0:
                    breached.append(c)
                    stats["breaches"] += 1
                else:
                    stats["reminders"] += 1
            notify_batch(items)
            ctx = current()
            bulk_update_with_history(changed, Deadline, ["reminder_stage", "reminded_at"],
                                     custom_historical_attrs={"request_id": ctx.request_id if ctx else "",
                                                              "channel": ctx.channel if ctx else "task"})
            for c in {c.pk: c for c in breached}.values():
                complaint_supervision_set(complaint=c, on=today, reason="deadline breached")
    stats["supervision_cleared"] = _clear_supervision(today)
    return stats


def _clear_supervision(today) -> int:
    """Lift supervision from cases whose breached deadlines are all dealt with (met late, waived) or that ended."""
    ct = ContentType.objects.get_for_model(Complaint)
    unresolved = Deadline.objects.filter(content_type=ct, met_at__isnull=True).filter(
        Q(status=Deadline.Status.BREACHED) | Q(status=Deadline.Status.OPEN, due_date__lt=today)
        | Q(status=Deadline.Status.EXTENDED, extended_to__lt=today))
    n = 0
    for c in Complaint.objects.filter(under_supervision=True).filter(
            Q(state__in=TERMINAL) | ~Q(pk__in=unresolved.values("object_id"))):
        with transaction.atomic():
            n += complaint_supervision_clear(complaint=c)
    return n


def staff_for_failed_message(message) -> list:
    """Who hears that a message of a case could not be delivered: the lead inspector, else the region's heads."""
    c = Complaint.objects.select_related("lead_inspector").filter(case_number=message.case_number).first()
    if c is None:
        return []
    if c.lead_inspector_id and c.lead_inspector.is_active:
        return [c.lead_inspector]
    return region_heads([c.handling_region_id]).get(c.handling_region_id, [])
