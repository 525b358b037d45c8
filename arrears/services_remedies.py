"""Remedies when an order to pay wages on a construction project goes unperformed (spec §11; Migrant Wage
Regulation arts. 30, 32, 63), in the order the regulation gives them:

1. ``contractor_pays_first`` (先行清偿, art. 30): the employer on the case is a subcontractor of the project, so the
   general contractor is told to pay the subcontractor's arrears first and recovers them later;
2. ``guarantee_draw`` (art. 32): the project's wage guarantee is drawn: a notice to the bank, which pays the workers
   within the rule table's period (REM-GUARANTEE-BANK-PAY); the contractor tops the guarantee up within its period
   (REM-GUARANTEE-TOPUP), counted from the day the bank paid. One draw per order (service check and a database
   constraint); never more than the guarantee's free balance;
3. ``emergency_fund`` (应急周转金, art. 63): when nothing else pays, the county advances wages and keeps a claim to
   recover them from the employer.

A remedy is offered only while its precondition holds: the case has a project; the latest order to pay (a payment
order or handling decision with a payment deadline) is past its deadline with money still owed; and the step's own
condition (a subcontractor employer; a guarantee held with a free balance, after the general contractor was told
to pay first where that applies; the earlier steps tried or impossible).

Every payment reaches the worker's arrears line items through ``arrears.services.payment_record`` (one
``Payment`` row per item with its ``source`` and ``remedy``), so the case shows what each worker is still owed and
who paid. Overdue bank payments and top-ups raise a ``SystemAlert`` (``remedy_overdue_alerts``).

Who may act [D]: inspectors and inspection heads who may handle the case (``casework.access``)."""
import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.access import Role, can_handle_complaint, has_role
from casework.audit import acting
from casework.errors import Conflict, DomainError, NotAllowed
from casework.models import Complaint, ComplaintState as S, Deadline, InspectionDocument, SystemAlert
from casework.services.config import rule as get_rule
from casework.services.deadlines import deadline_close, deadline_open, deadlines_for
from casework.selectors import EVENT_TEXT
from casework.services.inspection import event

from .calculators import money
from .models import ArrearsLineItem, PaymentSource, WageGuarantee
from .models_remedies import Remedy
from .services import complaint_totals, payment_record

__all__ = ["RULE_BANK", "RULE_TOPUP", "BASIS", "REMEDY_STATES", "unperformed_order", "remedies_offered",
           "can_act", "remedy_contractor_demand", "remedy_guarantee_draw", "remedy_emergency_advance",
           "remedy_pay", "remedy_topup", "remedy_recover", "remedy_overdue_alerts", "worker_balances"]

RULE_BANK = "REM-GUARANTEE-BANK-PAY"
RULE_TOPUP = "REM-GUARANTEE-TOPUP"
K = Remedy.Kind

# The legal basis printed on each notice (the structure is law; the numbers are in the rule table).
BASIS = {
    K.CONTRACTOR_PAYS_FIRST: "《保障农民工工资支付条例》第三十条 [C]",
    K.GUARANTEE_DRAW: "《保障农民工工资支付条例》第三十二条；《工程建设领域农民工工资保证金规定》（人社部发〔2021〕65号） [C/P]",
    K.EMERGENCY_FUND: "《保障农民工工资支付条例》第六十三条 [C]",
}
SOURCE = {K.CONTRACTOR_PAYS_FIRST: PaymentSource.GENERAL_CONTRACTOR, K.GUARANTEE_DRAW: PaymentSource.GUARANTEE,
          K.EMERGENCY_FUND: PaymentSource.EMERGENCY_FUND}
ABBREV = {K.CONTRACTOR_PAYS_FIRST: "XQ", K.GUARANTEE_DRAW: "BZ", K.EMERGENCY_FUND: "YJ"}
ORDER_TYPES = (InspectionDocument.DocType.PAYMENT_ORDER, InspectionDocument.DocType.HANDLING_DECISION)
# The case is between an order to pay and its closure [D].
REMEDY_STATES = (S.ORDER_ISSUED, S.DECISION_PENDING, S.DECIDED, S.NON_COMPLIANT)
ROLES = (Role.INSPECTOR, Role.INSPECTION_HEAD)


# Timeline texts of the remedy events (the case page's timeline and the worker's tracking page read EVENT_TEXT).
EVENT_TEXT.update({
    "remedy_contractor_demand": _l("The general contractor was told to pay the wages first"),
    "remedy_guarantee_draw": _l("The bank was told to pay the wages from the wage guarantee"),
    "remedy_emergency_advance": _l("Wages are advanced from the emergency revolving fund"),
    "remedy_topped_up": _l("The wage guarantee was topped up"),
    "remedy_recovered": _l("Part of the emergency advance was recovered from the employer"),
})


def _today() -> dt.date:
    return timezone.localdate()


def can_act(user, complaint: Complaint) -> bool:
    return has_role(user, *ROLES) and can_handle_complaint(user, complaint)


def _require(user, complaint):
    if not can_act(user, complaint):
        raise NotAllowed({"__all__": [_("You may not take remedy steps on this case.")]})


def unperformed_order(complaint: Complaint, *, on: dt.date | None = None) -> InspectionDocument | None:
    """The latest order to pay on the case, if its deadline has passed and money is still owed; else None."""
    on = on or _today()
    doc = (complaint.documents.filter(doc_type__in=ORDER_TYPES).exclude(payment_deadline=None)
           .order_by("-issued_at", "-id").first())
    if doc is None or doc.payment_deadline >= on:
        return None
    if complaint_totals(complaint)["outstanding"] <= 0:
        return None
    return doc


def _guarantee(complaint) -> WageGuarantee | None:
    if complaint.project_id is None:
        return None
    return WageGuarantee.objects.filter(project_id=complaint.project_id).first()


def _committed(guarantee: WageGuarantee, exclude_pk=None) -> Decimal:
    """Draws notified to the bank and not paid yet hold part of the balance."""
    qs = guarantee.draws.filter(state=Remedy.State.ISSUED)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return sum((r.amount - r.amount_paid for r in qs), Decimal(0))


def _free_balance(guarantee: WageGuarantee) -> Decimal:
    return money(guarantee.balance - _committed(guarantee))


def _is_subcontractor_case(complaint) -> bool:
    p = complaint.project
    return p is not None and complaint.employer_id != p.general_contractor_id


def remedies_offered(complaint: Complaint, *, on: dt.date | None = None) -> dict:
    """What the case page and the API show: the unperformed order (or why there is none), and each remedy in the
    regulation's order with ``available`` and, where not, ``why_not``."""
    on = on or _today()
    out = {"order": None, "why_none": "", "steps": [], "outstanding": complaint_totals(complaint)["outstanding"]}
    if complaint.project_id is None:
        out["why_none"] = _("The case is not linked to a construction project.")
        return out
    if complaint.state not in REMEDY_STATES:
        out["why_none"] = _("Remedies are taken between an order to pay and the closure of the case.")
        return out
    order = unperformed_order(complaint, on=on)
    if order is None:
        out["why_none"] = _("No order to pay on this case is past its deadline with money still owed.")
        return out
    out["order"] = order
    taken = {k: list(complaint.remedies.filter(order=order, kind=k)) for k in K.values}

    # 1. paying first
    sub = _is_subcontractor_case(complaint)
    if not sub:
        why1 = _("The employer is the general contractor itself: there is no subcontractor's debt to pay first.")
    elif taken[K.CONTRACTOR_PAYS_FIRST]:
        why1 = _("The general contractor has been told to pay first (%(no)s).") % {
            "no": taken[K.CONTRACTOR_PAYS_FIRST][0].notice_no}
    else:
        why1 = ""
    # 2. guarantee
    g = _guarantee(complaint)
    if g is None or g.state != WageGuarantee.State.HELD:
        why2 = _("The project has no wage guarantee held.")
    elif taken[K.GUARANTEE_DRAW]:
        why2 = _("The guarantee was already drawn for this order (%(no)s); %(basis)s allows one draw per order.") % {
            "no": taken[K.GUARANTEE_DRAW][0].notice_no, "basis": BASIS[K.GUARANTEE_DRAW]}
    elif _free_balance(g) <= 0:
        why2 = _("The guarantee has no free balance.")
    elif sub and not taken[K.CONTRACTOR_PAYS_FIRST]:
        why2 = _("First tell the general contractor to pay (step 1).")
    else:
        why2 = ""
    # 3. emergency fund: when nothing else pays
    pending = []
    if sub and not taken[K.CONTRACTOR_PAYS_FIRST]:
        pending.append(_("the general contractor has not been told to pay first"))
    if not why2:
        pending.append(_("the guarantee can still be drawn"))
    for r in taken[K.GUARANTEE_DRAW]:
        if r.state == Remedy.State.ISSUED and not _bank_overdue(r, on):
            pending.append(_("the bank's payment period has not ended"))
    why3 = (_("Not yet: %(what)s.") % {"what": "; ".join(str(p) for p in pending)}) if pending else ""
    out["steps"] = [
        {"kind": K.CONTRACTOR_PAYS_FIRST, "label": K.CONTRACTOR_PAYS_FIRST.label, "basis": BASIS[K.CONTRACTOR_PAYS_FIRST],
         "available": not why1, "why_not": why1},
        {"kind": K.GUARANTEE_DRAW, "label": K.GUARANTEE_DRAW.label, "basis": BASIS[K.GUARANTEE_DRAW],
         "available": not why2, "why_not": why2, "free_balance": _free_balance(g) if g else None},
        {"kind": K.EMERGENCY_FUND, "label": K.EMERGENCY_FUND.label, "basis": BASIS[K.EMERGENCY_FUND],
         "available": not why3, "why_not": why3},
    ]
    return out


def _bank_overdue(remedy: Remedy, on: dt.date) -> bool:
    d = deadlines_for(remedy).filter(rule_id=RULE_BANK).first()
    return d is not None and d.effective_due < on


def _offered_or_raise(complaint, kind, on):
    offer = remedies_offered(complaint, on=on)
    if offer["order"] is None:
        raise DomainError({"__all__": [offer["why_none"]]})
    step = next(s for s in offer["steps"] if s["kind"] == kind)
    if not step["available"]:
        raise DomainError({"__all__": [step["why_not"]]})
    return offer


def _amount(value, default: Decimal) -> Decimal:
    if value in (None, ""):
        return money(default)
    try:
        a = money(value)
    except Exception:
        raise DomainError({"amount": [_("Enter an amount in yuan.")]})
    if a <= 0:
        raise DomainError({"amount": [_("The amount must be more than zero.")]})
    return a


def _notice_no(complaint, kind) -> str:
    n = Remedy.objects.filter(complaint=complaint, kind=kind).count() + 1
    return f"{complaint.case_number}-{ABBREV[kind]}{n}"


def _create(*, user, complaint, order, kind, amount, text, on, **extra) -> Remedy:
    r = Remedy(complaint=complaint, order=order, kind=kind, notice_no=_notice_no(complaint, kind),
               notice_text=text.strip(), legal_basis=BASIS[kind][:255], issued_on=on, amount=amount,
               issued_by=user, **extra)
    r._history_user = user
    r.full_clean(validate_constraints=False)
    r.save()
    return r


def _locked_case(complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def remedy_contractor_demand(*, user, complaint: Complaint, amount=None, text: str = "") -> Remedy:
    """先行清偿: a written demand to the general contractor to pay the subcontractor's arrears first."""
    _require(user, complaint)
    on = _today()
    with acting(user):
        complaint = _locked_case(complaint)
        offer = _offered_or_raise(complaint, K.CONTRACTOR_PAYS_FIRST, on)
        amount = _amount(amount, offer["outstanding"])
        if amount > offer["outstanding"]:
            raise DomainError({"amount": [_("More than is still owed (%(left)s yuan).") % {"left": offer["outstanding"]}]})
        gc = complaint.project.general_contractor
        text = text or _("Under %(basis)s, %(gc)s, general contractor of %(project)s, is to pay first the wages of "
                         "%(amount)s yuan its subcontractor %(sub)s owes under %(order)s, and may then recover them "
                         "from the subcontractor.") % {
            "basis": BASIS[K.CONTRACTOR_PAYS_FIRST], "gc": gc.name, "project": complaint.project.name,
            "amount": amount, "sub": complaint.employer.name, "order": offer["order"].doc_no}
        r = _create(user=user, complaint=complaint, order=offer["order"], kind=K.CONTRACTOR_PAYS_FIRST,
                    amount=amount, text=text, on=on, payer=gc)
        event(complaint, "remedy_contractor_demand", user=user, public=True, notice=r.notice_no,
              amount=str(amount))
    return r


@transaction.atomic
def remedy_guarantee_draw(*, user, complaint: Complaint, amount=None, bank_name: str = "", text: str = "") -> Remedy:
    """A notice to the bank to pay the workers out of the project's wage guarantee. The guarantee row is locked, so
    two clerks drawing at once give one draw (the other: the rule cited, or a conflict)."""
    _require(user, complaint)
    on = _today()
    with acting(user):
        complaint = _locked_case(complaint)
        g = _guarantee(complaint)
        if g is not None:
            WageGuarantee.objects.select_for_update().get(pk=g.pk)  # serialise draws on one guarantee
        offer = _offered_or_raise(complaint, K.GUARANTEE_DRAW, on)
        g = WageGuarantee.objects.get(pk=g.pk)
        free = _free_balance(g)
        amount = _amount(amount, min(offer["outstanding"], free))
        if amount > free:
            raise DomainError({"amount": [_("The draw (%(amount)s yuan) is more than the guarantee's free balance "
                                            "(%(free)s yuan).") % {"amount": amount, "free": free}]})
        if amount > offer["outstanding"]:
            raise DomainError({"amount": [_("More than is still owed (%(left)s yuan).") % {"left": offer["outstanding"]}]})
        bank = (bank_name or g.bank_name or "").strip()
        r_bank = get_rule(RULE_BANK, on=on)
        text = text or _("Under %(basis)s, the order %(order)s was not performed. %(bank)s is to pay %(amount)s "
                         "yuan out of the wage guarantee %(ref)s of %(project)s into the workers' own accounts within "
                         "%(n)s working days.") % {
            "basis": BASIS[K.GUARANTEE_DRAW], "order": offer["order"].doc_no, "bank": bank or _("The bank"),
            "amount": amount, "ref": g.reference or "", "project": complaint.project.name, "n": r_bank.n}
        try:
            with transaction.atomic():
                r = _create(user=user, complaint=complaint, order=offer["order"], kind=K.GUARANTEE_DRAW,
                            amount=amount, text=text, on=on, guarantee=g, bank_name=bank[:100],
                            payer=complaint.project.general_contractor)
        except IntegrityError:
            raise Conflict({"__all__": [_("The guarantee was already drawn for this order; %(basis)s allows one "
                                          "draw per order.") % {"basis": BASIS[K.GUARANTEE_DRAW]}]})
        deadline_open(case=r, rule_id=RULE_BANK, anchor_date=on, region_code=complaint.handling_region_id,
                      case_number=complaint.case_number)
        event(complaint, "remedy_guarantee_draw", user=user, public=True, notice=r.notice_no, amount=str(amount))
    return r


@transaction.atomic
def remedy_emergency_advance(*, user, complaint: Complaint, amount=None, fund_name: str = "",
                             text: str = "") -> Remedy:
    """应急周转金: the county advances wages; recorded as a claim to recover from the employer."""
    _require(user, complaint)
    on = _today()
    with acting(user):
        complaint = _locked_case(complaint)
        offer = _offered_or_raise(complaint, K.EMERGENCY_FUND, on)
        amount = _amount(amount, offer["outstanding"])
        if amount > offer["outstanding"]:
            raise DomainError({"amount": [_("More than is still owed (%(left)s yuan).") % {"left": offer["outstanding"]}]})
        text = text or _("Under %(basis)s, the county's emergency revolving fund advances %(amount)s yuan of wages "
                         "unpaid under %(order)s; the advance is a claim to be recovered from %(employer)s.") % {
            "basis": BASIS[K.EMERGENCY_FUND], "amount": amount, "order": offer["order"].doc_no,
            "employer": complaint.employer.name}
        r = _create(user=user, complaint=complaint, order=offer["order"], kind=K.EMERGENCY_FUND, amount=amount,
                    text=text, on=on, fund_name=fund_name.strip()[:100], payer=complaint.employer)
        event(complaint, "remedy_emergency_advance", user=user, public=True, notice=r.notice_no, amount=str(amount))
    return r


def _allocate(complaint, total: Decimal) -> list[tuple[ArrearsLineItem, Decimal]]:
    """Spread ``total`` over the items still owed, in order (oldest first)."""
    out, left = [], total
    for item in complaint.items.order_by("period_start", "id"):
        owed = item.outstanding if item.amount_due is not None else item.amount_claimed - item.amount_paid
        if owed <= 0 or left <= 0:
            continue
        take = min(owed, left)
        out.append((item, money(take)))
        left -= take
    return out


@transaction.atomic
def remedy_pay(*, user, remedy: Remedy, paid_on: dt.date, allocations: dict | None = None, amount=None,
               reference: str = "") -> Remedy:
    """Money the remedy brought reaches the workers: ``allocations`` {item id: amount}, or ``amount`` spread over
    the items still owed. Each line becomes a Payment with the remedy's source. A guarantee draw: the balance falls
    by what the bank paid, the bank's deadline is met, and the top-up period starts."""
    complaint = remedy.complaint
    _require(user, complaint)
    with acting(user):
        complaint = _locked_case(complaint)
        remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
        if remedy.state != Remedy.State.ISSUED:
            raise Conflict({"__all__": [_("This remedy is already paid.")]})
        if paid_on is None:
            raise DomainError({"paid_on": [_("This field is required.")]})
        if paid_on < remedy.issued_on:
            raise DomainError({"paid_on": [_("Before the notice was issued.")]})
        if allocations:
            items = {i.pk: i for i in complaint.items.all()}
            lines = []
            for item_id, value in allocations.items():
                item = items.get(int(item_id))
                if item is None:
                    raise DomainError({"allocations": [_("No such item on this case.")]})
                lines.append((item, _amount(value, Decimal(0))))
        else:
            lines = _allocate(complaint, _amount(amount, remedy.outstanding))
        total = money(sum((a for _i, a in lines), Decimal(0)))
        if total <= 0:
            raise DomainError({"amount": [_("Nothing is owed on this case any more.")]})
        if total > remedy.outstanding:
            raise DomainError({"amount": [_("More than the notice demands (%(left)s yuan left).")
                                          % {"left": remedy.outstanding}]})
        for item, value in lines:
            payment_record(item=item, amount=value, paid_on=paid_on, user=user, source=SOURCE[remedy.kind],
                           remedy=remedy, reference=(reference or remedy.notice_no))
        remedy.amount_paid = money(remedy.amount_paid + total)
        # A notice is settled by one payment run: what it did not bring stays owed on the items (the next remedy).
        remedy.state = Remedy.State.PAID
        if remedy.kind == K.GUARANTEE_DRAW:
            g = WageGuarantee.objects.select_for_update().get(pk=remedy.guarantee_id)
            if total > g.balance:
                raise DomainError({"amount": [_("More than the guarantee's balance (%(b)s yuan).") % {"b": g.balance}]})
            g.balance = money(g.balance - total)
            g._history_user = user
            g.save()
            remedy.bank_paid_on = paid_on
            deadline_close(case=remedy, rule_id=RULE_BANK, on=paid_on)
            deadline_open(case=remedy, rule_id=RULE_TOPUP, anchor_date=paid_on,
                          region_code=complaint.handling_region_id, case_number=complaint.case_number)
        remedy._history_user = user
        remedy.save()
        # the worker sees (and is told) "a payment was recorded", like an employer's payment
        event(complaint, "payment_recorded", user=user, public=True, notice=remedy.notice_no, amount=str(total),
              source=SOURCE[remedy.kind])
    return remedy


@transaction.atomic
def remedy_topup(*, user, remedy: Remedy, amount, on: dt.date) -> Remedy:
    """The general contractor tops the guarantee up; the balance rises. Met when what was paid out is restored."""
    _require(user, remedy.complaint)
    with acting(user):
        remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
        if remedy.kind != K.GUARANTEE_DRAW or remedy.state not in (Remedy.State.PAID,):
            raise DomainError({"__all__": [_("Only a guarantee the bank has paid out is topped up.")]})
        amount = _amount(amount, remedy.amount_paid - remedy.topped_up_amount)
        if on is None or on < (remedy.bank_paid_on or remedy.issued_on) or on > _today():
            raise DomainError({"on": [_("Enter the date the guarantee was topped up (not in the future).")]})
        if remedy.topped_up_amount + amount > remedy.amount_paid:
            raise DomainError({"amount": [_("More than was paid out of the guarantee (%(left)s yuan to top up).")
                                          % {"left": remedy.amount_paid - remedy.topped_up_amount}]})
        g = WageGuarantee.objects.select_for_update().get(pk=remedy.guarantee_id)
        g.balance = money(g.balance + amount)
        g._history_user = user
        g.save()
        remedy.topped_up_amount = money(remedy.topped_up_amount + amount)
        if remedy.topped_up_amount >= remedy.amount_paid:
            remedy.state = Remedy.State.TOPPED_UP
            remedy.topped_up_on = on
            deadline_close(case=remedy, rule_id=RULE_TOPUP, on=on)
        remedy._history_user = user
        remedy.save()
        event(remedy.complaint, "remedy_topped_up", user=user, notice=remedy.notice_no, amount=str(amount))
    return remedy


@transaction.atomic
def remedy_recover(*, user, remedy: Remedy, amount) -> Remedy:
    """The county recovers (part of) an emergency advance from the employer."""
    _require(user, remedy.complaint)
    with acting(user):
        remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
        if remedy.kind != K.EMERGENCY_FUND or remedy.state not in (Remedy.State.PAID,):
            raise DomainError({"__all__": [_("Only a paid emergency advance is recovered.")]})
        amount = _amount(amount, remedy.recovery_outstanding)
        if amount > remedy.recovery_outstanding:
            raise DomainError({"amount": [_("More than is left to recover (%(left)s yuan).")
                                          % {"left": remedy.recovery_outstanding}]})
        remedy.recovered_amount = money(remedy.recovered_amount + amount)
        if remedy.recovered_amount >= remedy.amount_paid:
            remedy.state = Remedy.State.RECOVERED
        remedy._history_user = user
        remedy.save()
        event(remedy.complaint, "remedy_recovered", user=user, notice=remedy.notice_no, amount=str(amount))
    return remedy


def remedy_overdue_alerts(*, today: dt.date | None = None) -> int:
    """A bank that has not paid, or a contractor that has not topped up, by the rule's due date: one SystemAlert per
    remedy and rule (idempotent). Call it from the deadline sweep."""
    from django.contrib.contenttypes.models import ContentType

    today = today or _today()
    ct = ContentType.objects.get_for_model(Remedy)
    n = 0
    for d in Deadline.objects.filter(content_type=ct, rule_id__in=[RULE_BANK, RULE_TOPUP],
                                     status__in=[Deadline.Status.OPEN, Deadline.Status.BREACHED], met_at=None):
        if d.effective_due >= today:
            continue
        remedy = Remedy.objects.filter(pk=d.object_id).first()
        if remedy is None:
            continue
        if d.rule_id == RULE_BANK:
            code = "remedy_bank_overdue"
            msg = _("%(case)s %(notice)s: the bank has not paid out of the wage guarantee by %(due)s (%(cite)s).")
        else:
            code = "remedy_topup_overdue"
            msg = _("%(case)s %(notice)s: the general contractor has not topped up the wage guarantee by %(due)s "
                    "(%(cite)s).")
        _alert, created = SystemAlert.objects.get_or_create(key=f"remedy-overdue:{remedy.pk}:{d.rule_id}", defaults={
            "code": code, "message": msg % {"case": d.case_number, "notice": remedy.notice_no, "due": d.effective_due,
                                            "cite": d.citation}})
        n += int(created)
    return n


def worker_balances(complaint: Complaint) -> list[dict]:
    """Per arrears item: what is due, paid by each source, and still owed (the case panel and the API)."""
    rows = []
    paid = {}
    for row in (complaint.payments.values("item_id", "source").annotate(s=Sum("amount"))):
        paid.setdefault(row["item_id"], {})[row["source"]] = money(row["s"])
    for item in complaint.items.order_by("id"):
        due = item.amount_due if item.amount_due is not None else item.amount_claimed
        rows.append({"item": item, "worker_id": item.worker_id, "due": due,
                     "paid_by": paid.get(item.pk, {}), "paid": item.amount_paid,
                     "owed": max(due - item.amount_paid, Decimal(0))})
    return rows
