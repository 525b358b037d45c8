"""Reads (HackSoft's selectors): case lists, case detail, the timeline, and the worker's tracking view. Lists are
constrained by casework.access and cost a fixed number of queries whatever the number of cases."""
import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from viewflow.workflow.models import Task

from arrears.models import ArrearsLineItem, Payment

from .access import complaints_for
from .errors import NotAllowed
from .models import (Attachment, CaseEvent, Complaint, ComplaintState as S, Deadline, ExtensionRequest,
                     InspectionDocument, InspectionRecord, Representative, StatementDefence)

__all__ = ["case_list_for_user", "case_get_for_user", "case_timeline", "tracking_view", "WORKER_STATUS",
           "EVENT_TEXT", "deadlines_of", "STAGES", "case_messages", "worker_messages", "supervision_overview"]

# What a worker reads for each state: plain words, no internal names.
WORKER_STATUS = {
    S.RECEIVED: _l("Received. The labour inspection office is checking your complaint."),
    S.NEEDS_CORRECTION: _l("Please add or correct some information (see below)."),
    S.INVESTIGATING: _l("Accepted. An inspector is investigating."),
    S.ACCEPTED_FILED: _l("Accepted. An inspector is investigating."),
    S.ORDER_ISSUED: _l("The employer has been ordered to pay."),
    S.DECISION_PENDING: _l("The employer has been ordered to pay; a decision is being prepared."),
    S.DECIDED: _l("A decision has been issued; the employer must pay by the deadline."),
    S.COMPLIED: _l("The employer has paid."),
    S.NON_COMPLIANT: _l("The employer did not pay in time; enforcement measures are being taken."),
    S.REJECTED_LIMITATION: _l("Not accepted: the matter is older than the legal time limit (see the notice)."),
    S.REDIRECTED_DISPUTE: _l("Please go to labour dispute mediation or arbitration for this matter."),
    S.FORWARDED_JURISDICTION: _l("Sent on to the department responsible."),
    S.CLOSED_WITHDRAWN_CASE: _l("Closed: the employer corrected the problem."),
    S.TRANSFERRED_OTHER_DEPT: _l("Sent on to another department responsible for this matter."),
    S.CLOSED: _l("Closed."),
    S.DRAFT: _l("Not submitted yet."),
}

EVENT_TEXT = {
    "received": _l("Complaint received"),
    "accepted": _l("Complaint accepted; case filed"),
    "needs_correction": _l("You were asked to add or correct information"),
    "resubmitted": _l("Your corrected complaint was received"),
    "refused_limitation": _l("Complaint not accepted (time limit); written notice issued"),
    "redirected_dispute": _l("You were directed to mediation or arbitration"),
    "forwarded": _l("Complaint sent to the competent office"),
    "forwarded_outside": _l("Complaint sent to the competent department"),
    "investigation_extended": _l("The investigation period was extended"),
    "order_issued": _l("The employer was ordered to pay"),
    "decided": _l("A decision was issued"),
    "payment_recorded": _l("A payment was recorded"),
    "complied": _l("The employer paid"),
    "non_compliant": _l("The employer did not pay in time"),
    "withdraw_case": _l("Case closed: corrected"),
    "transfer": _l("Case sent to another department"),
    "no_violation": _l("No violation was found"),
    "closed": _l("Case closed"),
    "inspection_record": _l("Inspection record added"),
    "extension_requested": _l("Extension requested"),
    "extension_refused": _l("Extension refused"),
    "defence_recorded": _l("Employer's statement and defence recorded"),
    "flag_suspected_crime": _l("Flagged: suspected refusal to pay wages"),
    "flag_blacklist_candidate": _l("Flagged: blacklist candidate"),
    "task_assigned": _l("Task taken"),
    "task_done": _l("Task completed"),
    "evidence_added": _l("Evidence added"),
    "item_verified": _l("Arrears item verified"),
}

STAGES = {
    "intake": [S.RECEIVED, S.NEEDS_CORRECTION],
    "investigation": [S.INVESTIGATING, S.ACCEPTED_FILED],
    "order": [S.ORDER_ISSUED, S.DECISION_PENDING],
    "decision": [S.DECIDED],
    "enforcement": [S.NON_COMPLIANT, S.COMPLIED],
    "closed": [S.CLOSED, S.REJECTED_LIMITATION, S.REDIRECTED_DISPUTE, S.FORWARDED_JURISDICTION,
               S.CLOSED_WITHDRAWN_CASE, S.TRANSFERRED_OTHER_DEPT],
}

LIVE = [Deadline.Status.OPEN, Deadline.Status.EXTENDED, Deadline.Status.BREACHED]


def _ct():
    return ContentType.objects.get_for_model(Complaint)


def case_list_for_user(user, *, stage: str | None = None, region: str | None = None, overdue: bool | None = None,
                       q: str | None = None):
    """Complaints ``user`` may see, with the next live deadline annotated. Constant query count."""
    today = timezone.localdate()
    deadlines = Deadline.objects.filter(content_type=_ct(), object_id=OuterRef("pk"), status__in=LIVE)
    qs = (complaints_for(user, "view")
          .select_related("employer", "handling_region", "lead_inspector")
          .annotate(next_due=Subquery(deadlines.order_by("due_date").values("due_date")[:1]),
                    next_rule=Subquery(deadlines.order_by("due_date").values("rule_id")[:1]),
                    is_overdue=Exists(deadlines.filter(Q(status=Deadline.Status.BREACHED)
                                                       | Q(status=Deadline.Status.OPEN, due_date__lt=today)
                                                       | Q(status=Deadline.Status.EXTENDED, extended_to__lt=today))))
          .order_by("-received_at", "-id"))
    if stage:
        qs = qs.filter(state__in=STAGES.get(stage, [stage]))
    if region:
        qs = qs.filter(handling_region__code__startswith=region.rstrip("0") or region)
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue)
    if q:
        qs = qs.filter(Q(case_number__icontains=q) | Q(employer__name__icontains=q))
    return qs


def case_get_for_user(user, case_number: str) -> Complaint:
    c = (complaints_for(user, "view").select_related("employer", "handling_region", "region", "complainant",
                                                      "lead_inspector")
         .filter(case_number=case_number).first())
    if c is None:
        raise NotAllowed({"__all__": [_("No such case, or it is not yours to see.")]})
    return c


def deadlines_of(case):
    """The deadlines of any case (complaint or dispute): the Deadline table is generic over the case model."""
    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(case),
                                   object_id=case.pk).order_by("due_date", "id")


HIDDEN_FIELDS = {"access_code_hash", "updated_at", "created_at", "id", "history_id", "history_date",
                 "history_user", "history_type", "history_change_reason", "request_id", "channel", "file"}


def _diffs(records):
    """(record, [(field, old, new)]) for each history record, oldest first."""
    out = []
    prev_by_obj = {}
    for rec in records:
        prev = prev_by_obj.get(rec.id)
        changes = []
        if prev is not None:
            delta = rec.diff_against(prev)
            changes = [(c.field, c.old, c.new) for c in delta.changes if c.field not in HIDDEN_FIELDS]
        prev_by_obj[rec.id] = rec
        out.append((rec, changes))
    return out


def _labeller(model):
    """Turn a field name and raw value into what a person reads: the field's verbose name, choice labels, and
    user names instead of user ids."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users: dict = {}

    def label(field_name, value):
        try:
            field = model._meta.get_field(field_name)
        except Exception:
            return field_name, "" if value is None else str(value)
        name = str(getattr(field, "verbose_name", field_name))
        if value is None or value == "":
            return name, ""
        if getattr(field, "choices", None):
            return name, str(dict(field.flatchoices).get(value, value))
        if field.is_relation and field.related_model is User:
            if value not in users:
                users[value] = User.objects.filter(pk=value).values_list("username", flat=True).first() or value
            return name, str(users[value])
        return name, str(value)

    return label


def case_timeline(complaint) -> list[dict]:
    """Who did what and when, old → new values, workflow transitions included; oldest first."""
    entries = []
    sources = [
        (_l("complaint"), Complaint.history.filter(id=complaint.pk)),
        (_l("arrears item"), ArrearsLineItem.history.filter(complaint_id=complaint.pk)),
        (_l("payment"), Payment.history.filter(complaint_id=complaint.pk)),
        (_l("deadline"), Deadline.history.filter(content_type_id=_ct().pk, object_id=complaint.pk)),
        (_l("inspection record"), InspectionRecord.history.filter(complaint_id=complaint.pk)),
        (_l("document"), InspectionDocument.history.filter(complaint_id=complaint.pk)),
        (_l("extension"), ExtensionRequest.history.filter(complaint_id=complaint.pk)),
        (_l("statement and defence"), StatementDefence.history.filter(complaint_id=complaint.pk)),
        (_l("evidence"), Attachment.history.filter(complaint_id=complaint.pk)),
        (_l("representative"), Representative.history.filter(complaint_id=complaint.pk)),
    ]
    for label, qs in sources:
        records = list(qs.select_related("history_user").order_by("history_date", "history_id"))
        label_of = _labeller(qs.model.instance_type) if records else None
        for rec, changes in _diffs(records):
            changes = [(*label_of(f, o)[:1], label_of(f, o)[1], label_of(f, n)[1]) for f, o, n in changes]
            entries.append({
                "at": rec.history_date, "actor": rec.history_user.get_username() if rec.history_user else "",
                "kind": "change", "object": str(label), "object_id": rec.id,
                "action": {"+": _("created"), "~": _("changed"), "-": _("deleted")}[rec.history_type],
                "changes": [{"field": f, "old": o, "new": n} for f, o, n in changes],
                "request_id": rec.request_id,
            })
    if complaint.process_id:
        for t in Task.objects.filter(process_id=complaint.process_id).select_related("owner").order_by("created"):
            if t.flow_task_type not in ("HUMAN", "FUNCTION"):
                continue
            title = str(getattr(t.flow_task, "task_title", "") or t.flow_task.name)
            entries.append({"at": t.created, "actor": "", "kind": "workflow", "object": title,
                            "object_id": t.pk, "action": _("task created"), "changes": [], "request_id": ""})
            if t.finished:
                entries.append({"at": t.finished, "actor": t.owner.get_username() if t.owner else "",
                                "kind": "workflow", "object": title, "object_id": t.pk,
                                "action": _("task completed"), "changes": [], "request_id": ""})
    for e in CaseEvent.objects.filter(complaint=complaint).select_related("actor"):
        entries.append({"at": e.at, "actor": e.actor.get_username() if e.actor else "", "kind": "event",
                        "object": str(EVENT_TEXT.get(e.code, e.code)), "object_id": e.pk, "action": e.code,
                        "changes": [], "request_id": e.request_id})
    for a in complaint.pii_accesses.select_related("user"):
        entries.append({"at": a.at, "actor": a.user.get_username(), "kind": "access",
                        "object": str(a.get_what_display()), "object_id": a.pk, "action": a.what,
                        "changes": [], "request_id": a.request_id})
    entries.sort(key=lambda x: (x["at"], x["kind"] != "event"))
    return entries


def tracking_view(complaint) -> dict:
    """What the worker sees with the case number and access code: no staff names, no internal notes."""
    live = deadlines_of(complaint).filter(status__in=LIVE)
    worker_rules = {"INSP-ACCEPT": _("decision on accepting your complaint"),
                    "INSP-INVESTIGATION": _("end of the investigation"),
                    "INSP-ORDER-PAYMENT": _("employer's payment deadline"),
                    "INSP-DECISION-PAYMENT": _("employer's payment deadline")}
    nxt = next((d for d in live if d.rule_id in worker_rules), None)
    events = [{"at": e.at.isoformat(), "code": e.code, "text": str(EVENT_TEXT.get(e.code, e.code)),
               **({"request": e.detail.get("request")} if e.code == "needs_correction" else {})}
              for e in complaint.events.filter(public=True).order_by("at", "id")]
    docs = [{"doc_no": d.doc_no, "type": d.get_doc_type_display(), "issued_at": d.issued_at.isoformat(),
             "payment_deadline": d.payment_deadline.isoformat() if d.payment_deadline else None, "text": d.text}
            for d in complaint.documents.filter(addressed_to_worker=True).order_by("issued_at", "id")]
    return {
        "case_number": complaint.case_number,
        "status": complaint.state,
        "status_display": str(WORKER_STATUS.get(complaint.state, complaint.get_state_display())),
        "next_deadline": ({"date": nxt.effective_due.isoformat(), "what": str(worker_rules[nxt.rule_id]),
                           "provisional": nxt.provisional} if nxt else None),
        "correction_request": complaint.correction_request if complaint.state == S.NEEDS_CORRECTION else "",
        "events": events,
        "documents": docs,
        "messages": worker_messages(complaint),
    }


def worker_messages(complaint) -> list[dict]:
    """The messages sent to this case's worker (never the employer's or staff's): what, when, how, delivered."""
    from notifications.models import Message

    return [{"at": m.created_at.isoformat(), "channel": m.channel, "channel_display": str(m.get_channel_display()),
             "text": m.body, "delivered": m.status == Message.Status.SENT,
             "delivered_at": m.delivered_at.isoformat() if m.delivered_at else None,
             "status_display": str(m.get_status_display())}
            for m in Message.objects.filter(case_number=complaint.case_number, recipient_kind=Message.Kind.WORKER)
            .order_by("created_at", "id")]


def case_messages(complaint, *, viewer) -> list[dict]:
    """Every message of the case for the staff case page, addresses masked unless the viewer sees personal data
    (casework.access.sees_pii); an informant's number is shown only to case-handling staff."""
    from notifications.models import Message

    from .access import sees_pii
    from .identity import mask_phone

    full = sees_pii(viewer, complaint)
    rows = []
    for m in (Message.objects.filter(case_number=complaint.case_number).select_related("recipient_user")
              .order_by("created_at", "id")):
        if m.recipient_kind == Message.Kind.STAFF:
            to = m.recipient_user.get_username() if m.recipient_user else ""
        elif m.channel == Message.Channel.SMS:
            to = m.address if full else mask_phone(m.address)
        else:
            to = m.address if full else (m.address[:1] + "***@" + m.address.split("@")[-1] if "@" in m.address
                                         else "***")
        rows.append({"at": m.created_at, "kind": m.recipient_kind, "kind_display": m.get_recipient_kind_display(),
                     "to": to, "channel": m.get_channel_display(), "event": m.event, "text": m.body,
                     "status": m.status, "status_display": m.get_status_display(), "attempts": m.attempts,
                     "delivered_at": m.delivered_at, "last_error": m.last_error if m.status != "sent" else ""})
    return rows


def supervision_overview(user, *, soon_days: int = 7, limit: int = 20) -> dict:
    """For heads: the region's cases under supervision or overdue, and those due soon (one query each)."""
    today = timezone.localdate()
    cases = case_list_for_user(user)
    return {
        "overdue": list(cases.filter(Q(is_overdue=True) | Q(under_supervision=True)).order_by("next_due")[:limit]),
        "soon": list(cases.filter(is_overdue=False, under_supervision=False, next_due__gte=today,
                                  next_due__lte=today + dt.timedelta(days=soon_days)).order_by("next_due")[:limit]),
    }
