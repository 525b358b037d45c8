"""The inspection track's human steps (spec §4.1): the form each step's completion takes and the service it calls,
and the track's registration with the generic task engine (casework.workflow)."""
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _l

from .access import Role, complaints_for, has_role, region_prefixes
from .flows import InspectionFlow
from .models import Complaint, InspectionDocument, StatementDefence
from .services import inspection as svc
from .workflow import TaskSpec, TrackSpec, register_track

__all__ = ["STEPS", "INSPECTION"]


class TriageForm(forms.Form):
    decision = forms.ChoiceField(label=_l("Decision"), choices=[
        ("accept", _l("Accept and file the case")),
        ("needs_correction", _l("Ask the complainant to correct or add information")),
        ("refuse_limitation", _l("Refuse: the 2-year limitation has run out (written notice)")),
        ("redirect_dispute", _l("Redirect to mediation/arbitration (an open dispute exists)")),
        ("forward", _l("Forward to the competent region or department")),
    ])
    note = forms.CharField(label=_l("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    correction_request = forms.CharField(label=_l("What must be corrected"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))
    forward_region_code = forms.ChoiceField(label=_l("Forward to region (within this system)"), required=False,
                                            choices=())
    forwarded_to = forms.CharField(label=_l("Forward to department (outside this system)"), required=False,
                                   max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forward_region_code"].choices = region_choices()


def region_choices():
    from .models import Region

    return [("", "—")] + [(r.code, f"{r.name_zh} {r.code}") for r in
                          Region.objects.exclude(level=Region.Level.PROVINCE).order_by("code")]


class InvestigateForm(forms.Form):
    decision = forms.ChoiceField(label=_l("Conclusion"), choices=[
        ("issue_order", _l("Issue an order to pay / rectify")),
        ("request_extension", _l("Request the 30-working-day extension (head approves)")),
        ("withdraw_case", _l("Withdraw the case (minor and corrected)")),
        ("transfer", _l("Transfer: not an inspection matter")),
        ("no_violation", _l("No violation found")),
    ])
    doc_type = forms.ChoiceField(label=_l("Order type"), required=False, choices=[
        ("payment_order", _l("order to pay (责令支付)")), ("rectification", _l("rectification order (限期整改指令书)"))])
    payment_deadline = forms.DateField(label=_l("Payment deadline"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_l("Order text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label=_l("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    transfer_to = forms.CharField(label=_l("Transfer to"), required=False, max_length=255)


class ExtensionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_l("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _l("Approve")), ("no", _l("Refuse"))])
    note = forms.CharField(label=_l("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DefenceForm(forms.Form):
    mode = forms.ChoiceField(label=_l("How"), choices=StatementDefence.Mode.choices)
    received_on = forms.DateField(label=_l("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    content = forms.CharField(label=_l("What the employer stated"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    doc_type = forms.ChoiceField(label=_l("Decision type"), choices=[
        (InspectionDocument.DocType.HANDLING_DECISION, InspectionDocument.DocType.HANDLING_DECISION.label),
        (InspectionDocument.DocType.PENALTY_DECISION, InspectionDocument.DocType.PENALTY_DECISION.label)])
    text = forms.CharField(label=_l("Decision text"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_l("The reconsideration and lawsuit rights are added automatically."))
    payment_deadline = forms.DateField(label=_l("Payment deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class ComplianceForm(forms.Form):
    decision = forms.ChoiceField(label=_l("Outcome"), choices=[
        ("complied", _l("Paid in full")), ("non_compliant", _l("Not paid by the deadline"))])
    compensation_rate = forms.DecimalField(label=_l("Additional compensation rate (0.50-1.00 of the unpaid amount)"),
                                           required=False, max_digits=4, decimal_places=2)
    fine_amount = forms.DecimalField(label=_l("Fine for refusing the order (yuan)"), required=False,
                                     max_digits=12, decimal_places=2)
    request_court_enforcement = forms.BooleanField(label=_l("Apply to the court for enforcement"), required=False)
    incident_limb = forms.BooleanField(label=_l("Caused a mass or extreme incident with serious impact"),
                                       required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_l("Outcome"), required=False,
                                choices=[("", _l("(derived from the case)"))] + list(Complaint.Outcome.choices))
    note = forms.CharField(label=_l("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _h_triage(c, u, d):
    svc.complaint_triage(complaint=c, user=u, **d)


def _h_investigate(c, u, d):
    svc.investigation_conclude(complaint=c, user=u, decision=d["decision"], doc_type=d.get("doc_type") or
                               "payment_order", payment_deadline=d.get("payment_deadline"), text=d.get("text", ""),
                               reason=d.get("reason", ""), transfer_to=d.get("transfer_to", ""))


STEPS: dict[str, TaskSpec] = {
    "triage": TaskSpec(TriageForm, _h_triage),
    "investigate": TaskSpec(InvestigateForm, _h_investigate),
    "approve_extension": TaskSpec(ExtensionForm, lambda c, u, d: svc.extension_decide(complaint=c, user=u, **d)),
    "record_defence": TaskSpec(DefenceForm, lambda c, u, d: svc.defence_record(complaint=c, user=u, **d)),
    "decide": TaskSpec(DecisionForm, lambda c, u, d: svc.decision_issue(complaint=c, user=u, **d)),
    "compliance": TaskSpec(ComplianceForm, lambda c, u, d: svc.compliance_conclude(complaint=c, user=u, **d)),
    "close": TaskSpec(CloseForm, lambda c, u, d: svc.complaint_close(complaint=c, user=u, **d)),
}


def _queue_q(user, nodes: list[str]) -> Q:
    """Unassigned inspection tasks ``user`` may take: in their regions; a lead-only step with a lead inspector
    belongs to that inspector (or the head), not to every colleague."""
    prefixes = region_prefixes(user, "handle_cases")
    if not prefixes:
        return Q(pk__in=[])
    region_q = Q(pk__in=[])
    for p in prefixes:
        region_q |= Q(process__complaint__handling_region__code__startswith=p)
    lead_nodes = [n for n in nodes if getattr(InspectionFlow, n.rsplit(".", 1)[1]).lead_only]
    lead_q = Q(flow_task__in=lead_nodes) & Q(process__complaint__lead_inspector__isnull=False) \
        & ~Q(process__complaint__lead_inspector=user)
    if has_role(user, Role.INSPECTION_HEAD):
        lead_q = Q(pk__in=[])
    return region_q & ~lead_q


def _event(case, code, *, user, **detail):
    svc.event(case, code, user=user, **detail)


def _after_complete(case, user):
    from .services.notices import tasks_assigned_notify

    tasks_assigned_notify(case, actor=user)  # the lead inspector's next step, if someone else caused it


INSPECTION = register_track(TrackSpec(
    key="inspection", flow_class=InspectionFlow, model=Complaint, accessor="complaint", steps=STEPS,
    visible=lambda user: complaints_for(user, "view"), queue_q=_queue_q, event=_event,
    after_complete=_after_complete, case_url=lambda c: reverse("staff-case", args=[c.case_number]),
    summary_template="staff/_task_side_inspection.html",
    select_related=("process__complaint__handling_region", "process__complaint__employer"),
))
