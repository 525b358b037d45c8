"""Acts on a dispute case outside the flow's main steps (spec §5-6: service of documents, the defence, recusal,
extension, suspension, clock restarts, postponement, withdrawal, mediation documents, advance execution, payments
under a mediation agreement, award service and court actions).

Each act is declared once here (form, the roles that may do it, the states it makes sense in, and the one service it
calls); the staff case page renders the acts the user may do, and the API (POST /api/v1/disputes/<no>/actions/<act>/)
validates with the same form. Services check the law again; this table only decides what to offer."""
from dataclasses import dataclass
from typing import Callable

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.access import has_role
from casework.audit import acting
from casework.errors import DomainError, NotAllowed

from .access import Role, can_handle
from .models import (CaseDocument, ClockRestart, DisputeCase, DisputeParty, DisputeState as S, RecusalRequest,
                     ServiceRecord, Track)
from .steps import DATE, TEXT, _Lazy

__all__ = ["ActionSpec", "ACTIONS", "actions_for", "action_run", "action_form"]

arb, awards, med = _Lazy("arbitration"), _Lazy("awards"), _Lazy("mediation")

ARB_LIVE = [S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_HEARD, S.ARB_SUSPENDED]
ARB_BEFORE_AWARD = [S.ARB_RECEIVED, S.ARB_NEEDS_SUPPLEMENT, *ARB_LIVE]


@dataclass(frozen=True)
class ActionSpec:
    label: str
    form: Callable                 # (case, data) -> bound or unbound form
    handler: Callable              # (case, user, cleaned_data) -> None
    roles: tuple
    tracks: tuple
    states: tuple


def _parties(case):
    return [(p.pk, f"{p.get_side_display()}: {party_name(p)}") for p in case.parties.select_related("person", "employer")]


def party_name(p: DisputeParty) -> str:
    return p.employer.name if p.employer_id else (p.person.name if p.person_id else "")


def _form(form_class, **case_choices):
    def make(case, data=None, files=None):
        f = form_class(data, files)
        for name, choices in case_choices.items():
            f.fields[name].choices = [("", "—")] + [(str(k), v) for k, v in choices(case)]
        return f
    make.form_class = form_class
    return make


class SupplementDoneForm(forms.Form):
    on = forms.DateField(label=_l("Materials complete on"), widget=DATE)
    note = forms.CharField(label=_l("Note"), required=False, widget=TEXT)


class ServiceForm(forms.Form):
    party_id = forms.TypedChoiceField(label=_l("Served on"), coerce=int, choices=())
    doc_kind = forms.ChoiceField(label=_l("Document"), choices=CaseDocument.Kind.choices)
    method = forms.ChoiceField(label=_l("How"), choices=ServiceRecord.Method.choices)
    sent_on = forms.DateField(label=_l("Sent, handed over or posted on"), widget=DATE)
    served_on = forms.DateField(label=_l("Served on (signed for)"), required=False, widget=DATE,
                                help_text=_l("Leave empty for posting: the deemed date is computed."))
    confirmed = forms.BooleanField(label=_l("Receipt confirmed"), required=False)
    refused_to_sign = forms.BooleanField(label=_l("The recipient refused to sign"), required=False)
    evidence = forms.FileField(label=_l("Photo or video of the posting"), required=False)
    note = forms.CharField(label=_l("Note"), required=False, max_length=255)


def _h_service(case, user, d):
    evidence = None
    if d.get("evidence"):
        from casework.services.evidence import evidence_store

        evidence = evidence_store(upload=d["evidence"], user=user, description=_("service evidence"),
                                  audience="internal")
    arb.service_record(case=case, user=user, party_id=d["party_id"], doc_kind=d["doc_kind"], method=d["method"],
                       sent_on=d["sent_on"], served_on=d.get("served_on"), confirmed=d["confirmed"],
                       refused_to_sign=d["refused_to_sign"], evidence=evidence, note=d.get("note", ""))


class DefenceForm(forms.Form):
    received_on = forms.DateField(label=_l("Defence received on"), widget=DATE)
    text = forms.CharField(label=_l("Defence"), widget=TEXT)


class RecusalRequestForm(forms.Form):
    member_id = forms.TypedChoiceField(label=_l("Arbitrator challenged"), coerce=int, choices=())
    ground = forms.ChoiceField(label=_l("Ground"), choices=RecusalRequest.Ground.choices)
    details = forms.CharField(label=_l("Details"), required=False, widget=TEXT)
    requested_on = forms.DateField(label=_l("Requested on"), widget=DATE)
    party_id = forms.TypedChoiceField(label=_l("Requested by"), coerce=int, choices=(), required=False,
                                      empty_value=None)


def _members(case):
    return [(m.pk, f"{m.arbitrator.get_username()} ({m.get_role_display()})")
            for m in case.tribunal.filter(active=True).select_related("arbitrator")]


class RecusalDecideForm(forms.Form):
    request_id = forms.TypedChoiceField(label=_l("Request"), coerce=int, choices=())
    upheld = forms.TypedChoiceField(label=_l("Decision"), coerce=lambda v: v == "yes",
                                    choices=[("yes", _l("Upheld: the arbitrator withdraws")),
                                             ("no", _l("Rejected"))])
    reason = forms.CharField(label=_l("Reasons"), widget=TEXT)
    replacement = forms.ModelChoiceField(label=_l("Replacement arbitrator"), required=False, queryset=None,
                                         to_field_name="username")

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.fields["replacement"].queryset = get_user_model().objects.filter(groups__name="arbitrator")


def _pending_recusals(case):
    return [(r.pk, f"{r.member.arbitrator.get_username()}: {r.get_ground_display()}")
            for r in case.recusals.filter(decided_on__isnull=True).select_related("member__arbitrator")]


class ExtensionForm(forms.Form):
    requested_by = forms.ModelChoiceField(label=_l("Requested by"), queryset=None, to_field_name="username")
    days = forms.IntegerField(label=_l("Days (calendar)"), min_value=1)
    reason = forms.CharField(label=_l("Reason"), widget=TEXT)

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.fields["requested_by"].queryset = get_user_model().objects.filter(
            groups__name__in=["arbitrator", "arbitration_clerk"]).distinct()


class SuspendForm(forms.Form):
    on = forms.DateField(label=_l("Suspended from"), widget=DATE)
    ground = forms.CharField(label=_l("Ground (Rules art. 47)"), widget=TEXT)


class ResumeForm(forms.Form):
    on = forms.DateField(label=_l("Resumed on"), widget=DATE)


class RestartForm(forms.Form):
    kind = forms.ChoiceField(label=_l("What happened"), choices=ClockRestart.Kind.choices)
    on = forms.DateField(label=_l("Decided or received on"), widget=DATE)
    note = forms.CharField(label=_l("Note"), required=False, widget=TEXT)


class PostponeForm(forms.Form):
    requested_on = forms.DateField(label=_l("Postponement requested on"), widget=DATE)
    granted = forms.BooleanField(label=_l("Granted"), required=False)
    reason = forms.CharField(label=_l("Reason"), required=False, widget=TEXT)


def _h_postpone(case, user, d):
    from .models import Hearing

    hearing = case.hearings.filter(status=Hearing.Status.SCHEDULED).order_by("-starts_at").first()
    if hearing is None:
        raise DomainError({"__all__": [_("No scheduled hearing to postpone.")]})
    arb.postponement_request(case=case, user=user, hearing_id=hearing.pk, requested_on=d["requested_on"],
                             granted=d["granted"], reason=d.get("reason", ""))


class WithdrawForm(forms.Form):
    on = forms.DateField(label=_l("Withdrawn on"), widget=DATE)
    reason = forms.CharField(label=_l("Reason"), required=False, widget=TEXT)


class SignForm(forms.Form):
    document_id = forms.TypedChoiceField(label=_l("Mediation document"), coerce=int, choices=())
    side = forms.ChoiceField(label=_l("Signed for by"), choices=[("applicant", _l("applicant")),
                                                                 ("respondent", _l("respondent"))])
    on = forms.DateField(label=_l("On"), widget=DATE)


def _mediation_docs(case):
    return [(m.pk, m.doc_no) for m in case.mediation_documents.filter(effective_on__isnull=True)]


class AdvanceApplyForm(forms.Form):
    party_id = forms.TypedChoiceField(label=_l("Applicant"), coerce=int, choices=())
    categories = forms.MultipleChoiceField(label=_l("Claims"), choices=[
        ("wages", _l("labour remuneration")), ("injury_medical", _l("work-injury medical costs")),
        ("compensation", _l("economic compensation")), ("damages", _l("damages"))],
        widget=forms.CheckboxSelectMultiple)
    amount = forms.DecimalField(label=_l("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0)
    applied_on = forms.DateField(label=_l("Applied on"), widget=DATE)
    reasons = forms.CharField(label=_l("Why the applicant's living depends on it"), widget=TEXT)


class AdvanceDecideForm(forms.Form):
    request_id = forms.TypedChoiceField(label=_l("Application"), coerce=int, choices=())
    granted = forms.TypedChoiceField(label=_l("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _l("Granted: sent to the court")), ("no", _l("Refused"))])
    on = forms.DateField(label=_l("Decided on"), widget=DATE)
    court_name = forms.CharField(label=_l("Court"), required=False, max_length=200)


def _advance_pending(case):
    return [(a.pk, f"{a.applied_on} {a.amount}") for a in case.advance_executions.filter(granted__isnull=True)]


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_l("Held on"), widget=DATE)
    place = forms.CharField(label=_l("Place"), max_length=255)
    summary = forms.CharField(label=_l("Summary"), widget=TEXT)


class InstalmentPayForm(forms.Form):
    seq = forms.TypedChoiceField(label=_l("Instalment"), coerce=int, choices=())
    amount = forms.DecimalField(label=_l("Amount paid (yuan)"), max_digits=14, decimal_places=2, min_value=0)
    paid_on = forms.DateField(label=_l("Paid on"), widget=DATE)


def _instalments(case):
    agreement = getattr(case, "agreement", None)
    if agreement is None:
        return []
    return [(i.seq, f"{i.seq}: {i.due_on} {i.amount}") for i in agreement.instalments.all()]


class AwardServedForm(forms.Form):
    award_id = forms.TypedChoiceField(label=_l("Award"), coerce=int, choices=())
    party_id = forms.TypedChoiceField(label=_l("Served on"), coerce=int, choices=())
    served_on = forms.DateField(label=_l("Received on (or posted on, for posting)"), widget=DATE)
    method = forms.ChoiceField(label=_l("How"), choices=[c for c in ServiceRecord.Method.choices
                                                         if c[0] != ServiceRecord.Method.ELECTRONIC])
    refused_to_sign = forms.BooleanField(label=_l("The recipient refused to sign"), required=False)
    business_stopped = forms.BooleanField(label=_l("The business has stopped (10 or more workers involved)"),
                                          required=False)
    evidence = forms.FileField(label=_l("Photo or video of the posting"), required=False)
    note = forms.CharField(label=_l("Note"), required=False, max_length=255)


def _h_award_served(case, user, d):
    evidence = None
    if d.get("evidence"):
        from casework.services.evidence import evidence_store

        evidence = evidence_store(upload=d["evidence"], user=user, description=_("service evidence"),
                                  audience="internal")
    awards.award_served(award=_award_of(case, d["award_id"]), user=user, party_id=d["party_id"],
                        served_on=d["served_on"], method=d["method"], note=d.get("note", ""),
                        refused_to_sign=d["refused_to_sign"], business_stopped=d["business_stopped"],
                        evidence=evidence)


class CourtOutcomeForm(forms.Form):
    action_id = forms.TypedChoiceField(label=_l("Court action"), coerce=int, choices=())
    outcome = forms.CharField(label=_l("Outcome"), max_length=255)


def _court_actions(case):
    from .models import CourtAction

    return [(a.pk, f"{a.award.award_no} · {a.get_kind_display()} · {a.filed_on}")
            for a in CourtAction.objects.filter(award__case=case, outcome="").select_related("award")]


def _h_court_outcome(case, user, d):
    from .models import CourtAction

    action = CourtAction.objects.filter(pk=d["action_id"], award__case=case).first()
    if action is None:
        raise DomainError({"action_id": [_("No such court action on this case.")]})
    awards.court_action_outcome(action=action, user=user, outcome=d["outcome"])


def _awards(case):
    return [(a.pk, f"{a.award_no} ({a.get_finality_display()})") for a in case.awards.all()]


class CourtActionForm(forms.Form):
    award_id = forms.TypedChoiceField(label=_l("Award"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_l("Action"), choices=[("suit", _l("suit at the basic court")),
                                                          ("revocation", _l("application to revoke (final award)")),
                                                          ("enforcement", _l("application for enforcement"))])
    by_side = forms.ChoiceField(label=_l("By"), choices=DisputeParty.Side.choices)
    party_id = forms.TypedChoiceField(label=_l("Which party (several workers)"), coerce=int, choices=(),
                                      required=False, empty_value=None)
    filed_on = forms.DateField(label=_l("Filed on"), widget=DATE)
    court_name = forms.CharField(label=_l("Court"), required=False, max_length=200)
    outcome = forms.CharField(label=_l("Outcome"), required=False, max_length=255)


class PartialAwardForm(forms.Form):
    award_date = forms.DateField(label=_l("Award date"), widget=DATE)
    items = forms.CharField(label=_l("Award items"), widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_l("One per line: category | item | amount or - | granted yes/no | reasons."))
    facts = forms.CharField(label=_l("Facts found"), widget=TEXT)
    reasons = forms.CharField(label=_l("Reasons"), widget=TEXT)


def _h_partial_award(case, user, d):
    from .steps import parse_award_items

    awards.award_issue(case=case, user=user, award_date=d["award_date"], items=parse_award_items(d["items"]),
                       facts=d["facts"], reasons=d["reasons"], partial=True)


def _award_of(case, award_id):
    award = case.awards.filter(pk=award_id).first()
    if award is None:
        raise DomainError({"award_id": [_("No such award on this case.")]})
    return award


class LinkAccountForm(forms.Form):
    party_id = forms.TypedChoiceField(label=_l("Party"), coerce=int, choices=())
    username = forms.CharField(label=_l("User name of the account"), max_length=150,
                               help_text=_l("The party's own account, its representative's (worker_rep) or the "
                                            "employer's clerk (employer_user). They then see this case's main "
                                            "file."))


def _h_link(case, user, d):
    from .services.parties import party_account_link

    party_account_link(case=case, user=user, party_id=d["party_id"], username=d["username"])


A, M = (Track.ARBITRATION,), (Track.MEDIATION,)
CLERK, CHAIR, MEDIATOR = (Role.CLERK,), (Role.CHAIR,), (Role.MEDIATOR,)

ACTIONS: dict[str, ActionSpec] = {
    "supplement_complete": ActionSpec(
        _l("Materials supplemented: the file is complete"), _form(SupplementDoneForm),
        lambda c, u, d: arb.supplement_complete(case=c, user=u, on=d["on"], note=d.get("note", "")),
        CLERK, A, (S.ARB_NEEDS_SUPPLEMENT,)),
    "service": ActionSpec(
        _l("Record service of a document"), _form(ServiceForm, party_id=_parties), _h_service, CLERK, A,
        (*ARB_LIVE, S.ARB_AWARDED, S.ARB_RECEIVED, S.ARB_NEEDS_SUPPLEMENT)),
    "defence": ActionSpec(
        _l("Record the respondent's defence"), _form(DefenceForm),
        lambda c, u, d: arb.defence_record(case=c, user=u, received_on=d["received_on"], text=d["text"]),
        CLERK, A, tuple(ARB_LIVE)),
    "recusal_request": ActionSpec(
        _l("Record a recusal request"), _form(RecusalRequestForm, member_id=_members, party_id=_parties),
        lambda c, u, d: arb.recusal_request(case=c, user=u, member_id=d["member_id"], ground=d["ground"],
                                            details=d.get("details", ""), requested_on=d["requested_on"],
                                            party_id=d.get("party_id")),
        CLERK + CHAIR, A, tuple(ARB_LIVE)),
    "recusal_decide": ActionSpec(
        _l("Decide a recusal request"), _form(RecusalDecideForm, request_id=_pending_recusals),
        lambda c, u, d: arb.recusal_decide(case=c, user=u, request_id=d["request_id"], upheld=d["upheld"],
                                           reason=d["reason"], replacement=d.get("replacement")),
        CHAIR, A, tuple(ARB_LIVE)),
    "extension": ActionSpec(
        _l("Approve the extension of the award period"), _form(ExtensionForm),
        lambda c, u, d: arb.extension_approve(case=c, user=u, requested_by=d["requested_by"], days=d["days"],
                                              reason=d["reason"]),
        CHAIR, A, tuple(ARB_LIVE)),
    "suspend": ActionSpec(
        _l("Suspend the case (中止)"), _form(SuspendForm),
        lambda c, u, d: arb.suspend(case=c, user=u, ground=d["ground"], on=d["on"]),
        CHAIR, A, (S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_HEARD)),
    "resume": ActionSpec(
        _l("Resume the suspended case"), _form(ResumeForm),
        lambda c, u, d: arb.resume(case=c, user=u, on=d["on"]), CHAIR, A, (S.ARB_SUSPENDED,)),
    "clock_restart": ActionSpec(
        _l("Record a change that restarts the award period"), _form(RestartForm),
        lambda c, u, d: arb.clock_restart(case=c, user=u, kind=d["kind"], on=d["on"], note=d.get("note", "")),
        CLERK, A, tuple(ARB_LIVE)),
    "postpone": ActionSpec(
        _l("Record a request to postpone the hearing"), _form(PostponeForm), _h_postpone, CLERK, A,
        (S.ARB_HEARING_SCHEDULED,)),
    "withdraw": ActionSpec(
        _l("Record the applicant's withdrawal"), _form(WithdrawForm),
        lambda c, u, d: arb.withdraw(case=c, user=u, on=d["on"], reason=d.get("reason", "")),
        CLERK, A, tuple(ARB_BEFORE_AWARD)),
    "mediation_document_sign": ActionSpec(
        _l("Record that a party signed for the mediation document"), _form(SignForm, document_id=_mediation_docs),
        lambda c, u, d: arb.mediation_document_sign(case=c, user=u, document_id=d["document_id"], side=d["side"],
                                                    on=d["on"]),
        CLERK, A, (S.ARB_HEARD, S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED)),
    "advance_apply": ActionSpec(
        _l("Record an application for advance execution"), _form(AdvanceApplyForm, party_id=_parties),
        lambda c, u, d: arb.advance_execution_apply(case=c, user=u, party_id=d["party_id"],
                                                    categories=d["categories"], amount=d["amount"],
                                                    applied_on=d["applied_on"], reasons=d["reasons"]),
        CLERK, A, tuple(ARB_LIVE)),
    "advance_decide": ActionSpec(
        _l("Decide an application for advance execution"), _form(AdvanceDecideForm, request_id=_advance_pending),
        lambda c, u, d: arb.advance_execution_decide(case=c, user=u, request_id=d["request_id"],
                                                     granted=d["granted"], on=d["on"],
                                                     court_name=d.get("court_name", "")),
        CHAIR, A, tuple(ARB_LIVE)),
    "award_served": ActionSpec(
        _l("Record that a party received an award"), _form(AwardServedForm, award_id=_awards, party_id=_parties),
        _h_award_served, CLERK, A, (S.ARB_AWARDED, S.CLOSED, *ARB_LIVE)),
    "court_action": ActionSpec(
        _l("Record a court action against an award"),
        _form(CourtActionForm, award_id=_awards, party_id=_parties),
        lambda c, u, d: awards.court_action_record(award=_award_of(c, d["award_id"]), user=u, kind=d["kind"],
                                                   by_side=d["by_side"], filed_on=d["filed_on"],
                                                   court_name=d.get("court_name", ""),
                                                   outcome=d.get("outcome", ""), party_id=d.get("party_id")),
        CLERK, A, (S.ARB_AWARDED, S.CLOSED, *ARB_LIVE)),
    "court_outcome": ActionSpec(
        _l("Record the outcome of a court action"), _form(CourtOutcomeForm, action_id=_court_actions),
        _h_court_outcome, CLERK, A, (S.ARB_AWARDED, S.CLOSED, *ARB_LIVE)),
    "partial_award": ActionSpec(
        _l("Make a partial award on facts already clear (先行裁决)"), _form(PartialAwardForm), _h_partial_award,
        (Role.ARBITRATOR,), A, (S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_HEARD)),
    "session": ActionSpec(
        _l("Record a mediation session"), _form(SessionForm),
        lambda c, u, d: med.session_add(case=c, user=u, held_on=d["held_on"], place=d["place"],
                                        summary=d["summary"]),
        MEDIATOR, M, (S.MED_IN_MEDIATION,)),
    "instalment_pay": ActionSpec(
        _l("Record a payment under the agreement"), _form(InstalmentPayForm, seq=_instalments),
        lambda c, u, d: med.instalment_pay(case=c, user=u, seq=d["seq"], amount=d["amount"], paid_on=d["paid_on"]),
        MEDIATOR, M, (S.MED_AGREEMENT, S.MED_NOT_PERFORMED)),
    "link_account": ActionSpec(
        _l("Link a party's account"), _form(LinkAccountForm, party_id=_parties), _h_link,
        CLERK + CHAIR + MEDIATOR, A + M, tuple(S.values)),
    "review_extend": ActionSpec(
        _l("Extend the joint review by 5 working days"), _form(forms.Form),
        lambda c, u, d: med.joint_review_extend(case=c, user=u), CHAIR, M, (S.MED_JOINT_REVIEW,)),
}


def actions_for(user, case: DisputeCase) -> list[str]:
    """The acts ``user`` may be offered on ``case`` now (role, track, state and reach)."""
    if not can_handle(user, case):
        return []
    return [name for name, a in ACTIONS.items()
            if case.track in a.tracks and case.state in a.states and has_role(user, *a.roles)]


def action_form(name: str, case: DisputeCase, data=None, files=None):
    return ACTIONS[name].form(case, data, files)


def action_run(*, user, case: DisputeCase, name: str, data, files=None) -> DisputeCase:
    """Validate ``data`` with the act's form and run its service. Raises NotAllowed when the act is not offered to
    this user now, DomainError with per-field messages when the input or the law says no."""
    if name not in ACTIONS:
        raise NotAllowed({"__all__": [_("No such action.")]})
    if case.is_arbitration:
        from .services.common import refuse_fee_fields

        refuse_fee_fields(data)
    if name not in actions_for(user, case):
        raise NotAllowed({"__all__": [_("You may not do this on this case now.")]})
    form = action_form(name, case, data, files)
    if not form.is_valid():
        raise DomainError({k: [str(m) for m in v] for k, v in form.errors.items()})
    with acting(user):
        ACTIONS[name].handler(case, user, form.cleaned_data)
    return DisputeCase.objects.get(pk=case.pk)
