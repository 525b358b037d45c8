"""Criminal transfer for refusal to pay wages (spec §7, Track D): each function is one legal act. Keyword-only,
atomic; every refusal is a DomainError naming the rule and its citation. The flow (blacklist.flows.TransferFlow),
the pages and the API call these and nothing else.

Who (spec §1): inspectors and inspection heads of the case's region open the transfer, form the task team and write
the report; an ``inspection_head`` who is neither an officer of the report nor the one who submitted it decides
(four eyes); the department sends the 移送书; a ``police_liaison`` of the police region the transfer was sent to
acknowledges receipt and records the filing decision (read/ack only: nothing else); the head decides whether to ask
for reconsideration of a non-filing; inspection staff record the outcome. Reach is per region exactly like
casework.access: a guardian ``handle_cases`` grant on a region covers the region and everything below it.

Deadlines are rows of the generic Deadline table (rule rows TR-*, blacklist.reference_data_transfer), carrying the
complaint's case number; a late act is recorded (the deadline closes BREACHED and the transfer says so), never
refused, because the act is still owed — except a reconsideration request, whose 3-day window is a condition of
the request itself."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.calculators import money
from arrears.models import REMUNERATION_CATEGORIES
from arrears.services import criminal_test
from casework.access import Role, has_role, in_region
from casework.errors import DomainError, NotAllowed
from casework.models import Attachment, Complaint, Deadline, LegalParameter, region_chain
from casework.services.config import param, rule
from casework.services.common import cite, lock
from casework.services.deadlines import deadline_close, deadline_open, deadline_waive, open_deadline

from .models import LIVE_STATES, ListingDecision
from .reference_data_transfer import C310
from .models_transfer import (TRANSFER_LIVE_STATES, TRANSFER_SENT_STATES, CriminalTransfer, TransferOfficer,
                              TransferState as T)
from .services import _department, criminal_proceedings_record, order_for

__all__ = [
    "INSPECTOR", "HEAD", "POLICE", "STAFF", "J2013", "CRIME", "transfer_check", "threshold_figures",
    "can_open", "may_act_staff", "may_act_police", "transfer_open", "report_submit", "head_decide",
    "transfer_send", "police_receive", "police_decide", "reconsideration_request", "police_reconsider",
    "outcome_record", "transfer_deadline_alerts", "live_transfer_of",
]

INSPECTOR, HEAD, POLICE = Role.INSPECTOR, Role.INSPECTION_HEAD, "police_liaison"
STAFF = (INSPECTOR, HEAD)
J2013 = "法释〔2013〕3号"
CRIME = "《刑法》第二百七十六条之一"
C = CriminalTransfer


def _today() -> dt.date:
    return timezone.localdate()


def _paramcite(key: str, on: dt.date) -> str:
    row = (LegalParameter.objects.filter(key=key, region__isnull=True, effective_from__lte=on)
           .order_by("-effective_from").first())
    return row.citation if row else key


# --- reach ---------------------------------------------------------------------------------------------------------

def may_act_staff(user, transfer: CriminalTransfer, *roles: str) -> bool:
    return has_role(user, *(roles or STAFF)) and in_region(user, transfer.region_id)


def may_act_police(user, transfer: CriminalTransfer) -> bool:
    """A police liaison acts only on transfers sent to the police of a region in their reach."""
    return (has_role(user, POLICE) and transfer.police_region_id is not None
            and transfer.state in TRANSFER_SENT_STATES and in_region(user, transfer.police_region_id))


def can_open(user, complaint: Complaint) -> bool:
    return has_role(user, *STAFF) and in_region(user, complaint.handling_region_id)


def _require_staff(user, transfer, *roles):
    if not may_act_staff(user, transfer, *roles):
        raise NotAllowed({"__all__": [_("You may not do this on this transfer.")]})


def _require_police(user, transfer):
    if not may_act_police(user, transfer):
        raise NotAllowed({"__all__": [_("You may not do this on this transfer.")]})


def _save(obj, user):
    obj._history_user = user
    obj.full_clean()
    obj.save()
    return obj


def _expect(transfer, *states):
    if transfer.state not in states:
        raise DomainError({"__all__": [_("This transfer is now “%(state)s”; this step is not possible any more.")
                                       % {"state": transfer.get_state_display()}]})


def _deadline(transfer, rule_id, anchor):
    return deadline_open(case=transfer, rule_id=rule_id, anchor_date=anchor, region_code=transfer.region_id,
                         case_number=transfer.case_number)


def _deadline_hours(transfer, rule_id, approved_at: dt.datetime):
    """TR-TRANSFER: n × 24 hours from the approval. The Deadline row holds the calendar day on which the hours run
    out (the day after the approval for n = 1), not rolled: the police receive transfers on any day."""
    r = rule(rule_id, on=timezone.localdate(approved_at))
    due = timezone.localdate(approved_at + dt.timedelta(days=r.n))
    d = Deadline(content_type=ContentType.objects.get_for_model(transfer), object_id=transfer.pk,
                 case_number=transfer.case_number, region_id=transfer.region_id, rule_id=r.rule_id, n=r.n,
                 unit=r.unit, anchor_event=r.anchor_event, anchor_date=timezone.localdate(approved_at), due_date=due,
                 citation=r.citation)
    d.full_clean()
    d.save()
    return d


def _close(transfer, rule_id, on: dt.date) -> bool:
    """Close the deadline; True when the act came late (the deadline ends BREACHED)."""
    d = deadline_close(case=transfer, rule_id=rule_id, on=on)
    return d is not None and d.status == Deadline.Status.BREACHED


def _not_future(errors, field, value, floor=None, floor_label=""):
    if value is None:
        errors[field] = [_("This field is required.")]
    elif value > _today():
        errors[field] = [_("The date cannot be in the future.")]
    elif floor is not None and value < floor:
        errors[field] = [_("The date cannot be before %(what)s (%(d)s).") % {"what": floor_label, "d": floor}]


# --- the threshold test (法释〔2013〕3号 arts. 3-4) -------------------------------------------------------------------

def threshold_figures(complaint: Complaint) -> dict:
    """What the case shows against the threshold, for the record (the test itself is arrears.criminal_test):
    labour remuneration still owed, workers owed, and the worker owed the most (amount and months owed)."""
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    months: dict[str, set] = defaultdict(set)
    for i in complaint.items.all():
        out = i.outstanding or Decimal(0)
        if i.category not in REMUNERATION_CATEGORIES or out <= 0:
            continue
        key = str(i.worker_id or f"item{i.pk}")
        amounts[key] += out
        y, m = i.period_start.year, i.period_start.month
        while (y, m) <= (i.period_end.year, i.period_end.month):
            months[key].add((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    top = max(amounts, key=lambda k: (amounts[k], len(months[k])), default=None)
    return {"remuneration_outstanding": money(sum(amounts.values(), Decimal(0))), "workers_owed": len(amounts),
            "worker_amount": money(amounts[top]) if top else money(0), "worker_months": len(months[top]) if top else 0}


def transfer_check(complaint: Complaint, *, on: dt.date | None = None) -> dict:
    """The conditions of a transfer on ``on`` (default today), each failure a message with its citation:
    the complaint is flagged (Complaint.suspected_crime); an order or decision to pay with a payment deadline was
    issued and the deadline has passed (art. 4); the labour remuneration still owed meets the province's threshold in
    force on the day after the payment deadline, when the refusal was complete (art. 3; the row may be a
    PLACEHOLDER, said so). Returns the facts for the page and for ``transfer_open``."""
    on = on or _today()
    errors = []
    if not complaint.suspected_crime:
        errors.append(_("The case is not flagged as a suspected refusal to pay wages: the inspection track flags it "
                        "when the payment deadline passed unpaid and the remuneration owed reached the provincial "
                        "threshold (%(cite)s).") % {"cite": f"{CRIME}；{J2013}第三条、第四条"})
    order = order_for(complaint)
    if order is None:
        errors.append(_("No order or decision to pay with a payment deadline was issued in this case (%(cite)s).")
                      % {"cite": f"{J2013}第四条"})
    elif on <= order.payment_deadline:
        errors.append(_("The payment deadline (%(d)s) has not passed yet: the employer was not “ordered to pay and "
                        "still did not pay” (%(cite)s).") % {"d": order.payment_deadline, "cite": f"{J2013}第四条"})
    threshold_on = order.payment_deadline + dt.timedelta(days=1) if order else on
    met, limb, threshold = criminal_test(complaint, on=threshold_on)
    figures = threshold_figures(complaint)
    if threshold is None:
        errors.append(_("No criminal threshold is configured for province %(p)s on %(d)s: an administrator must "
                        "enter the provincial high court's figures (%(cite)s).")
                      % {"p": complaint.handling_region_id[:2] + "0000", "d": threshold_on,
                         "cite": f"{J2013}第三条"})
    elif not met:
        errors.append(_("The labour remuneration still owed (%(total)s yuan to %(n)s worker(s); to one worker at "
                        "most %(one)s yuan over %(m)s month(s)) does not reach the threshold: one worker owed at least "
                        "%(months)s months and %(per)s yuan, or at least %(workers)s workers owed %(cum)s yuan in "
                        "total (%(cite)s; threshold row from %(since)s). Payment before the police file the case may "
                        "mean it is not treated as a crime (art. 6).")
                      % {"total": figures["remuneration_outstanding"], "n": figures["workers_owed"],
                         "one": figures["worker_amount"], "m": figures["worker_months"],
                         "months": threshold.min_months, "per": threshold.per_worker_min_yuan,
                         "workers": threshold.min_workers, "cum": threshold.ten_plus_total_min_yuan,
                         "cite": f"{J2013}第三条", "since": threshold.effective_from})
    return {"errors": errors, "order": order, "threshold": threshold, "threshold_on": threshold_on, "met": met,
            "limb": limb, "figures": figures, "placeholder": bool(threshold and threshold.is_placeholder)}


def live_transfer_of(complaint: Complaint) -> CriminalTransfer | None:
    return complaint.criminal_transfers.filter(state__in=TRANSFER_LIVE_STATES).first()


# --- the steps -----------------------------------------------------------------------------------------------------

@transaction.atomic
def transfer_open(*, complaint: Complaint, user, order_service: str, order_served_on: dt.date | None = None,
                  posted_on: dt.date | None = None, posted_place: str = "", posted_evidence: Attachment | None = None,
                  posted_upload=None, today: dt.date | None = None) -> CriminalTransfer:
    """Open a transfer of a flagged complaint and start its flow (the task team's report is the first task).
    Refused unless ``transfer_check`` passes and the order reached the employer: served on a date, or — the
    employer having fled — posted at its residence or premises, recorded by a photo or video of this case
    (法释〔2013〕3号 art. 4, second paragraph): an attachment of the case, or ``posted_upload`` stored now as
    internal evidence of the case (casework.services.evidence). One live transfer per complaint."""
    today = today or _today()
    if not can_open(user, complaint):
        raise NotAllowed({"__all__": [_("You may not do this on this case.")]})
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)  # two openings at once: one wins
    if live_transfer_of(complaint) is not None:
        raise DomainError({"__all__": [_("A criminal transfer of this case is already in progress.")]})
    check = transfer_check(complaint, on=today)
    errors: dict[str, list] = {}
    order = check["order"]
    issued = order.issued_at if order else None
    art4 = f"{J2013}第四条"
    if order_service == C.OrderService.SERVED:
        _not_future(errors, "order_served_on", order_served_on, issued, _("the order's issue date"))
    elif order_service == C.OrderService.POSTED:
        _not_future(errors, "posted_on", posted_on, issued, _("the order's issue date"))
        if not posted_place.strip():
            errors["posted_place"] = [_("Say where the order was posted: the employer's residence or business "
                                        "premises (%(cite)s).") % {"cite": art4}]
        if posted_evidence is None and posted_upload is None:
            errors["posted_evidence"] = [_("An order posted because the employer fled counts only when the posting "
                                           "is recorded by photo or video (%(cite)s).") % {"cite": art4}]
    else:
        errors["order_service"] = [_("Choose one of the listed options.")]
    if check["errors"]:
        errors["__all__"] = check["errors"]
    if errors:
        raise DomainError(errors)
    if order_service == C.OrderService.POSTED:
        if posted_evidence is None:
            from casework.services.evidence import evidence_store

            posted_evidence = evidence_store(upload=posted_upload, complaint=complaint, user=user,
                                             field="posted_evidence", audience=Attachment.Audience.INTERNAL,
                                             description="张贴文书的照片或录像记录", video=True)
        if posted_evidence.complaint_id != complaint.pk or not (posted_evidence.mime.startswith("image/")
                                                                or posted_evidence.mime.startswith("video/")):
            raise DomainError({"posted_evidence": [_("Choose a photo or video of this case that records the "
                                                     "posting (%(cite)s).") % {"cite": art4}]})
    from .flows import TransferFlow

    figures = check["figures"]
    process = TransferFlow.start.run()
    transfer = CriminalTransfer(
        complaint=complaint, case_number=complaint.case_number, employer=complaint.employer,
        region=complaint.handling_region, opened_by=user, process=process, threshold=check["threshold"],
        threshold_on=check["threshold_on"], threshold_placeholder=check["placeholder"], limb=check["limb"],
        remuneration_outstanding=figures["remuneration_outstanding"], workers_owed=figures["workers_owed"],
        worker_amount=figures["worker_amount"], worker_months=figures["worker_months"], order_document=order,
        order_doc_no=order.doc_no, payment_deadline=order.payment_deadline, order_service=order_service,
        order_served_on=order_served_on if order_service == C.OrderService.SERVED else None,
        posted_on=posted_on if order_service == C.OrderService.POSTED else None,
        posted_place=posted_place.strip() if order_service == C.OrderService.POSTED else "",
        posted_evidence=posted_evidence if order_service == C.OrderService.POSTED else None)
    return _save(transfer, user)


@transaction.atomic
def report_submit(*, transfer: CriminalTransfer, user, officers, report_text: str, evidence_list: str,
                  conduct: str, evasion_kinds=(), evasion_facts: str = "", consequence_kinds=(),
                  consequence_facts: str = "", other_materials: str = "") -> CriminalTransfer:
    """The task team's written transfer report (国务院令第310号 art. 5): at least ``transfer.min_officers`` (2)
    distinct, active inspectors or inspection heads of the region; the investigation report and the list of
    evidence and items (art. 6); the conduct — evasion by the means of 法释〔2013〕3号 art. 2 (at least one, with
    the facts), or able to pay but not paying; serious consequences (art. 5) with their facts if any. Opens
    TR-HEAD-DECISION (3 days from the report)."""
    _require_staff(user, transfer)
    lock(transfer)
    _expect(transfer, T.TASK_TEAM)
    now = timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, list] = {}
    cite5 = _paramcite("transfer.min_officers", today)
    team = list({u.pk: u for u in officers}.values())
    outsiders = [u.get_username() for u in team
                 if not (u.is_active and has_role(u, *STAFF) and in_region(u, transfer.region_id))]
    if outsiders:
        errors.setdefault("officers", []).append(
            _("Not inspectors or inspection heads of this region: %(names)s (%(cite)s).")
            % {"names": ", ".join(outsiders), "cite": cite5})
    minimum = int(param("transfer.min_officers", on=today, region_code=transfer.region_id))
    if len(team) < minimum:
        errors.setdefault("officers", []).append(
            _("The task team has %(n)s officer(s); at least %(min)s are required (%(cite)s).")
            % {"n": len(team), "min": minimum, "cite": cite5})
    if not report_text.strip():
        errors["report_text"] = [_("The written transfer report is required (%(cite)s).") % {"cite": cite5}]
    if not evidence_list.strip():
        errors["evidence_list"] = [_("List the evidence and items that go with the transfer (%(cite)s).")
                                   % {"cite": f"{C310}第六条"}]
    evasion_kinds = list(dict.fromkeys(evasion_kinds or []))
    consequence_kinds = list(dict.fromkeys(consequence_kinds or []))
    if any(k not in C.Evasion.values for k in evasion_kinds):
        errors["evasion_kinds"] = [_("Choose one of the listed options.")]
    if any(k not in C.Consequence.values for k in consequence_kinds):
        errors["consequence_kinds"] = [_("Choose one of the listed options.")]
    if conduct == C.Conduct.EVASION:
        if not evasion_kinds:
            errors.setdefault("evasion_kinds", []).append(
                _("Say how the employer evaded payment (%(cite)s).") % {"cite": f"{J2013}第二条"})
        if not evasion_facts.strip():
            errors["evasion_facts"] = [_("Describe the facts of the evasion (%(cite)s).") % {"cite": f"{J2013}第二条"}]
    elif conduct == C.Conduct.ABLE_NOT_PAYING:
        evasion_kinds = []
    else:
        errors["conduct"] = [_("Choose one of the listed options.")]
    if consequence_kinds and not consequence_facts.strip():
        errors["consequence_facts"] = [_("Describe the facts of the serious consequences (%(cite)s).")
                                       % {"cite": f"{J2013}第五条"}]
    if errors:
        raise DomainError(errors)
    transfer.conduct = conduct
    transfer.evasion_kinds = evasion_kinds
    transfer.evasion_facts = evasion_facts.strip() if conduct == C.Conduct.EVASION else ""
    transfer.consequence_kinds = consequence_kinds
    transfer.consequence_facts = consequence_facts.strip() if consequence_kinds else ""
    transfer.report_text = report_text.strip()
    transfer.evidence_list = evidence_list.strip()
    transfer.other_materials = other_materials.strip()
    transfer.reported_by = user
    transfer.reported_at = now
    transfer.set_state(T.HEAD_DECISION)
    _save(transfer, user)
    for u in team:
        _save(TransferOfficer(transfer=transfer, user=u), user)
    _deadline(transfer, "TR-HEAD-DECISION", today)
    return transfer


@transaction.atomic
def head_decide(*, transfer: CriminalTransfer, user, approve: bool, reasons: str = "") -> CriminalTransfer:
    """The head's decision on the report (国务院令第310号 art. 5): an inspection head of the region who is neither an
    officer of the report nor the one who submitted it (four eyes, spec §1); a refusal records its reasons. Due
    within 3 days of the report (TR-HEAD-DECISION): a late decision is taken and recorded as late. An approval
    opens TR-TRANSFER (24 hours)."""
    _require_staff(user, transfer, HEAD)
    lock(transfer)
    _expect(transfer, T.HEAD_DECISION)
    if user.pk == transfer.reported_by_id or user.pk in transfer.officer_ids():
        raise NotAllowed({"__all__": [_("An officer of the report, or the one who submitted it, cannot decide on it "
                                        "(four eyes).")]})
    now = timezone.now()
    today = timezone.localdate(now)
    citation = cite("TR-HEAD-DECISION", timezone.localdate(transfer.reported_at))
    if not approve and not reasons.strip():
        raise DomainError({"reasons": [_("A refusal records its reasons (%(cite)s).") % {"cite": citation}]})
    transfer.head_decided_by = user
    transfer.head_decided_at = now
    transfer.head_approved = bool(approve)
    transfer.head_reasons = reasons.strip()
    transfer.set_state(T.APPROVED if approve else T.REFUSED)
    transfer.head_decision_late = _close(transfer, "TR-HEAD-DECISION", today)
    _save(transfer, user)
    if approve:
        _deadline_hours(transfer, "TR-TRANSFER", now)
    return transfer


def _next_doc_no(transfer) -> str:
    n = CriminalTransfer.objects.filter(complaint_id=transfer.complaint_id, transfer_doc_no__isnull=False).count()
    return f"{transfer.case_number}-YS{n + 1}"


def _limb_text(t: CriminalTransfer) -> str:
    if t.limb == C.Limb.PER_WORKER:
        return f"拒不支付劳动者{t.worker_months}个月的劳动报酬{t.worker_amount:,.2f}元"
    return f"拒不支付{t.workers_owed}名劳动者的劳动报酬共计{t.remuneration_outstanding:,.2f}元"


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _materials(t: CriminalTransfer) -> list[dict]:
    """The materials that go with a transfer (国务院令第310号 art. 6), in the order the regulation lists them."""
    items = [{"kind": "transfer_letter", "title": f"涉嫌犯罪案件移送书（{t.transfer_doc_no}）"},
             {"kind": "investigation_report", "title": f"涉嫌犯罪案件情况的调查报告（专案组{t.team.count()}人）"},
             {"kind": "evidence_list", "title": "涉案物品及证据清单"},
             {"kind": "order", "title": f"责令支付文书（{t.order_doc_no}）"}]
    if t.order_service == C.OrderService.POSTED:
        items.append({"kind": "posting_record", "title": f"张贴文书的照片或录像记录（{_cn_date(t.posted_on)}）"})
    for line in [x.strip() for x in t.other_materials.splitlines() if x.strip()]:
        items.append({"kind": "other", "title": line[:200]})
    return items


def _letter(t: CriminalTransfer, on: dt.date) -> str:
    """The 移送书: operative legal text in Chinese (spec §17). No worker is named."""
    unit = t.employer.name + (f"（统一社会信用代码：{t.employer.uscc}）" if t.employer.uscc else "")
    if t.order_service == C.OrderService.POSTED:
        service = f"因该单位逃匿，该文书已于{_cn_date(t.posted_on)}张贴于{t.posted_place}并以照片或录像记录"
    else:
        service = f"该文书已于{_cn_date(t.order_served_on)}送达"
    lines = [f"{i}. {m['title']}" for i, m in enumerate(t.materials, start=1)]
    return "\n".join([
        "涉嫌犯罪案件移送书", t.transfer_doc_no, "", f"{t.police_agency}：",
        f"{unit}拒不支付劳动报酬一案，经查，该单位{_limb_text(t)}。本机关以{t.order_doc_no}责令其于"
        f"{_cn_date(t.payment_deadline)}前支付，{service}，逾期仍不支付，涉嫌拒不支付劳动报酬罪（《中华人民共和国刑法》"
        f"第二百七十六条之一；{J2013}）。根据《行政执法机关移送涉嫌犯罪案件的规定》，现将该案移送你单位，请依法审查。",
        "", "附：", *lines, "", _department(t.region), _cn_date(on)])


@transaction.atomic
def transfer_send(*, transfer: CriminalTransfer, user, police_agency: str, transfer_doc_no: str = "",
                  procuratorate_copied: bool = False) -> CriminalTransfer:
    """Send the approved transfer to the police of the same level (国务院令第310号 arts. 5-6): generates the 移送书
    (numbered, or the number given) with its materials list — the letter, the investigation report, the list of
    evidence and items, the order, the posting record, the other materials. Due within 24 hours of the approval
    (TR-TRANSFER, checked on the times): a late transfer is made and recorded as late."""
    _require_staff(user, transfer)
    lock(transfer)
    _expect(transfer, T.APPROVED)
    errors = {}
    if not police_agency.strip():
        errors["police_agency"] = [_("This field is required.")]
    doc_no = transfer_doc_no.strip() or _next_doc_no(transfer)
    if CriminalTransfer.objects.filter(transfer_doc_no=doc_no).exclude(pk=transfer.pk).exists():
        errors["transfer_doc_no"] = [_("This number is already used.")]
    if errors:
        raise DomainError(errors)
    now = timezone.now()
    r = rule("TR-TRANSFER", on=timezone.localdate(transfer.head_decided_at))
    late = now > transfer.head_decided_at + dt.timedelta(days=r.n)
    transfer.transfer_doc_no = doc_no
    transfer.police_agency = police_agency.strip()
    transfer.police_region = transfer.region
    transfer.sent_at = now
    transfer.sent_by = user
    transfer.procuratorate_copied = bool(procuratorate_copied)
    transfer.materials = _materials(transfer)
    transfer.transfer_letter = _letter(transfer, timezone.localdate(now))
    transfer.set_state(T.TRANSFERRED)
    d = deadline_close(case=transfer, rule_id="TR-TRANSFER", on=timezone.localdate(now))
    if d is not None and late and d.status != Deadline.Status.BREACHED:  # late by the hour on the due day
        d.status = Deadline.Status.BREACHED
        d.save()
    transfer.transfer_late = late
    return _save(transfer, user)


@transaction.atomic
def police_receive(*, transfer: CriminalTransfer, user, received_on: dt.date, receipt_no: str = "") -> CriminalTransfer:
    """The police sign the receipt (回执) of the 移送书: the 3-day filing decision (TR-POLICE-DECISION) runs from
    ``received_on``."""
    _require_police(user, transfer)
    lock(transfer)
    _expect(transfer, T.TRANSFERRED)
    errors = {}
    _not_future(errors, "received_on", received_on, timezone.localdate(transfer.sent_at), _("the transfer"))
    if errors:
        raise DomainError(errors)
    transfer.police_received_on = received_on
    transfer.police_receipt_no = receipt_no.strip()
    transfer.police_received_by = user
    transfer.set_state(T.POLICE_DECISION)
    _save(transfer, user)
    _deadline(transfer, "TR-POLICE-DECISION", received_on)
    return transfer


def _proceedings_flag(transfer: CriminalTransfer, user, *, pending: bool, note: str = "") -> int:
    """Order 45 art. 13(2): while criminal proceedings for refusal to pay wages are pending against the employer (or
    after a conviction), early removal is refused. Set or clear the flag on the employer's live listings; a clear
    leaves listings alone while another transfer of the same employer is filed or ended in a conviction."""
    if not pending and (CriminalTransfer.objects.filter(employer_id=transfer.employer_id)
                        .filter(Q(state=T.FILED) | Q(state=T.CONCLUDED, outcome=C.Outcome.CONVICTED))
                        .exclude(pk=transfer.pk).exists()):
        return 0
    n = 0
    for listing in ListingDecision.objects.filter(employer_id=transfer.employer_id, state__in=LIVE_STATES):
        criminal_proceedings_record(listing=listing, user=user, pending=pending, note=note)
        n += 1
    return n


def _police_common(errors, decision_field, decision, choices, notice_no, decided_on, floor, floor_label, reasons,
                   reasons_needed_for, cite):
    if decision not in choices:
        errors[decision_field] = [_("Choose one of the listed options.")]
    if not notice_no.strip():
        errors["notice_no"] = [_("The decision is notified in writing: give the notice number (%(cite)s).")
                               % {"cite": cite}]
    _not_future(errors, "decided_on", decided_on, floor, floor_label)
    if decision == reasons_needed_for and not reasons.strip():
        errors["reasons"] = [_("The police give their reasons for not filing (%(cite)s).") % {"cite": cite}]


@transaction.atomic
def police_decide(*, transfer: CriminalTransfer, user, decision: str, notice_no: str, decided_on: dt.date,
                  reasons: str = "") -> CriminalTransfer:
    """The police's filing decision with its written notice (国务院令第310号 art. 8): filed → criminal proceedings,
    the employer's live blacklist listings are flagged (Order 45 art. 13(2)); not filed (reasons required) → the
    3-day reconsideration window (TR-RECONSIDERATION) runs from the notice. A decision after 3 days is recorded as
    late."""
    _require_police(user, transfer)
    lock(transfer)
    _expect(transfer, T.POLICE_DECISION)
    citation = cite("TR-POLICE-DECISION", transfer.police_received_on)
    errors = {}
    _police_common(errors, "decision", decision, C.PoliceDecision.values, notice_no, decided_on,
                   transfer.police_received_on, _("the receipt"), reasons, C.PoliceDecision.NOT_FILED, citation)
    if errors:
        raise DomainError(errors)
    transfer.police_decision = decision
    transfer.police_notice_no = notice_no.strip()
    transfer.police_decided_on = decided_on
    transfer.police_reasons = reasons.strip()
    transfer.police_decided_by = user
    transfer.police_decision_late = _close(transfer, "TR-POLICE-DECISION", decided_on)
    if decision == C.PoliceDecision.FILED:
        transfer.set_state(T.FILED)
        _save(transfer, user)
        _proceedings_flag(transfer, user, pending=True,
                          note=f"公安机关已立案（{transfer.police_agency}，{transfer.police_notice_no}，"
                               f"{decided_on.isoformat()}；移送书{transfer.transfer_doc_no}）")
    else:
        transfer.set_state(T.NOT_FILED)
        _save(transfer, user)
        _deadline(transfer, "TR-RECONSIDERATION", decided_on)
    return transfer


@transaction.atomic
def reconsideration_request(*, transfer: CriminalTransfer, user, request: bool, requested_on: dt.date | None = None,
                            reasons: str = "") -> CriminalTransfer:
    """Not filed: the head asks the police to reconsider (国务院令第310号 art. 9 [M]) — only within 3 days of the
    notice (TR-RECONSIDERATION), with the grounds; the police answer within 3 days of the request
    (TR-RECONSIDERATION-DECISION) — or accepts the non-filing (with a note), which closes the transfer."""
    _require_staff(user, transfer, HEAD)
    lock(transfer)
    _expect(transfer, T.NOT_FILED)
    citation = cite("TR-RECONSIDERATION", transfer.police_decided_on)
    if not request:
        if not reasons.strip():
            raise DomainError({"reasons": [_("Say why the non-filing is accepted.")]})
        transfer.reconsideration_by = user
        transfer.non_filing_note = reasons.strip()
        transfer.set_state(T.CLOSED_NOT_FILED)
        _save(transfer, user)
        deadline_waive(case=transfer, rule_id="TR-RECONSIDERATION")
        return transfer
    errors = {}
    _not_future(errors, "requested_on", requested_on, transfer.police_decided_on, _("the police's notice"))
    if "requested_on" not in errors:
        d = open_deadline(transfer, "TR-RECONSIDERATION")
        due = d.effective_due if d else transfer.police_decided_on
        if requested_on > due:
            errors["requested_on"] = [_("The reconsideration window closed on %(due)s: 3 days from the notice of "
                                        "non-filing (%(cite)s).") % {"due": due, "cite": citation}]
    if not reasons.strip():
        errors["reasons"] = [_("Give the grounds for reconsideration (%(cite)s).") % {"cite": citation}]
    if errors:
        raise DomainError(errors)
    transfer.reconsideration_requested_on = requested_on
    transfer.reconsideration_reasons = reasons.strip()
    transfer.reconsideration_by = user
    transfer.set_state(T.RECONSIDERATION)
    _save(transfer, user)
    deadline_close(case=transfer, rule_id="TR-RECONSIDERATION", on=requested_on)
    _deadline(transfer, "TR-RECONSIDERATION-DECISION", requested_on)
    return transfer


@transaction.atomic
def police_reconsider(*, transfer: CriminalTransfer, user, decision: str, notice_no: str, decided_on: dt.date,
                      reasons: str = "") -> CriminalTransfer:
    """The police's decision on the reconsideration (国务院令第310号 art. 9 [M]): filed → criminal proceedings (the
    listings are flagged); non-filing upheld (reasons required) → closed; the procuratorate's supervision may follow
    outside this system. Late answers are recorded as late."""
    _require_police(user, transfer)
    lock(transfer)
    _expect(transfer, T.RECONSIDERATION)
    citation = cite("TR-RECONSIDERATION-DECISION", transfer.reconsideration_requested_on)
    errors = {}
    _police_common(errors, "decision", decision, C.ReconsiderationResult.values, notice_no, decided_on,
                   transfer.reconsideration_requested_on, _("the request"), reasons, C.ReconsiderationResult.UPHELD,
                   citation)
    if errors:
        raise DomainError(errors)
    transfer.reconsideration_result = decision
    transfer.reconsideration_notice_no = notice_no.strip()
    transfer.reconsideration_decided_on = decided_on
    transfer.reconsideration_reasons_police = reasons.strip()
    transfer.reconsideration_decided_by = user
    transfer.reconsideration_late = _close(transfer, "TR-RECONSIDERATION-DECISION", decided_on)
    if decision == C.ReconsiderationResult.FILED:
        transfer.set_state(T.FILED)
        _save(transfer, user)
        _proceedings_flag(transfer, user, pending=True,
                          note=f"公安机关经复议已立案（{transfer.police_agency}，{transfer.reconsideration_notice_no}，"
                               f"{decided_on.isoformat()}；移送书{transfer.transfer_doc_no}）")
    else:
        transfer.set_state(T.CLOSED_NOT_FILED)
        _save(transfer, user)
    return transfer


@transaction.atomic
def outcome_record(*, transfer: CriminalTransfer, user, outcome: str, outcome_on: dt.date, judgment_no: str = "",
                   note: str = "") -> CriminalTransfer:
    """The criminal proceedings ended (spec §7.2 "outcome recorded"): a judgment (conviction, acquittal: its number is
    required), a decision not to prosecute, or the police dropping the case. The listing flag of Order 45 art. 13(2)
    is cleared — except after a conviction, which bars early removal too (spec §8.2), so the flag stays with a note
    saying so."""
    _require_staff(user, transfer)
    lock(transfer)
    _expect(transfer, T.FILED)
    errors = {}
    if outcome not in C.Outcome.values:
        errors["outcome"] = [_("Choose one of the listed options.")]
    filed_on = transfer.reconsideration_decided_on or transfer.police_decided_on
    _not_future(errors, "outcome_on", outcome_on, filed_on, _("the filing"))
    if outcome in (C.Outcome.CONVICTED, C.Outcome.ACQUITTED) and not judgment_no.strip():
        errors["judgment_no"] = [_("Give the number of the judgment.")]
    if errors:
        raise DomainError(errors)
    transfer.outcome = outcome
    transfer.outcome_on = outcome_on
    transfer.judgment_no = judgment_no.strip()
    transfer.outcome_note = note.strip()
    transfer.outcome_by = user
    transfer.set_state(T.CONCLUDED)
    _save(transfer, user)
    if outcome == C.Outcome.CONVICTED:
        _proceedings_flag(transfer, user, pending=True,
                          note=f"已被判处刑罚：拒不支付劳动报酬罪（{transfer.judgment_no}，{outcome_on.isoformat()}），"
                               f"不予提前移出（人社部令第45号第十三条）")
    else:
        _proceedings_flag(transfer, user, pending=False)
    return transfer


# --- alerts --------------------------------------------------------------------------------------------------------

def _users_with_role_over(region_code: str, role: str) -> list:
    """Active users of ``role`` with a handle_cases grant on the region or a region above it (one query)."""
    from guardian.models import UserObjectPermission

    from casework.models import Region

    rows = (UserObjectPermission.objects
            .filter(content_type=ContentType.objects.get_for_model(Region), permission__codename="handle_cases",
                    object_pk__in=region_chain(region_code), user__is_active=True, user__groups__name=role)
            .select_related("user"))
    return list({r.user.pk: r.user for r in rows}.values())


POLICE_RULES = {"TR-POLICE-DECISION", "TR-RECONSIDERATION-DECISION"}


def transfer_deadline_alerts(*, today: dt.date | None = None) -> dict:
    """Alerts for the transfer deadlines (the generic reminder job covers complaints only): on the due day or the
    day before, a reminder; once past due (or marked BREACHED by the sweep) and not yet met, a breach alert — to
    the task team and the region's inspection heads, and for the police's own deadlines to the police liaisons of
    the police region. Each stage is sent once per deadline (``reminder_stage``); running it again sends nothing."""
    from notifications.services import notify_batch, staff_recipients

    from casework.models import DeadlineRule

    today = today or _today()
    ct = ContentType.objects.get_for_model(CriminalTransfer)
    stats = {"reminders": 0, "breaches": 0}
    live = [Deadline.Status.OPEN, Deadline.Status.EXTENDED]
    with transaction.atomic():
        rows = list(Deadline.objects.select_for_update().filter(content_type=ct, met_at__isnull=True).filter(
            (Q(status__in=live) & Q(due_date__lte=today + dt.timedelta(days=1)))
            | Q(status=Deadline.Status.BREACHED)).order_by("id"))
        if not rows:
            return stats
        transfers = {t.pk: t for t in CriminalTransfer.objects.filter(pk__in={d.object_id for d in rows},
                                                                       state__in=TRANSFER_LIVE_STATES)}
        labels = dict(DeadlineRule.objects.filter(rule_id__in={d.rule_id for d in rows})
                      .order_by("rule_id", "effective_from").values_list("rule_id", "description"))
        items = []
        for d in rows:
            t = transfers.get(d.object_id)
            if t is None:
                continue
            stage = 0 if (d.status == Deadline.Status.BREACHED or d.effective_due < today) else 1
            if d.reminder_stage is not None and d.reminder_stage <= stage:
                continue
            users = list(get_user_model().objects.filter(pk__in=t.officer_ids(), is_active=True))
            users += _users_with_role_over(t.region_id, HEAD)
            if d.rule_id in POLICE_RULES and t.police_region_id:
                users += _users_with_role_over(t.police_region_id, POLICE)
            users = list({u.pk: u for u in users}.values())
            items.append(dict(event="transfer_deadline_breached" if stage == 0 else "deadline_reminder",
                              case_number=t.case_number, recipients=staff_recipients(users, email=True),
                              region_code=t.region_id, sequence=f"tr-{d.pk}-{stage}-{d.effective_due.isoformat()}",
                              context={"rule": labels.get(d.rule_id, d.rule_id), "date": d.effective_due,
                                       "n": 0 if stage == 0 else max((d.effective_due - today).days, 0)}))
            d.reminder_stage, d.reminded_at = stage, today
            d.save(update_fields=["reminder_stage", "reminded_at"])
            stats["breaches" if stage == 0 else "reminders"] += 1
        notify_batch(items)
    return stats
