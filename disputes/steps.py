"""The human steps of the mediation and arbitration flows: the form each step's completion takes (the same form
drives the page and the task API, casework.workflow.describe_fields) and the one service it calls.

Lists that a form cannot hold in one field (instalments, award items, corrections, signatures) are entered one per
line in a small, documented text format and parsed here into the lists the services take; the API may send the
same text (docs/api.md)."""
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.errors import DomainError
from casework.workflow import TaskSpec

from .models import AwardCategory, DisputeCase, Hearing, HearingSignature

__all__ = ["MEDIATION_STEPS", "ARBITRATION_STEPS", "parse_lines", "parse_instalments", "parse_award_items"]

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 4})


def _money(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace("，", "").replace("元", "").strip())
    except InvalidOperation:
        raise DomainError({where: [_("“%(v)s” is not an amount in yuan.") % {"v": text}]})
    if value != value.quantize(Decimal("0.01")):
        raise DomainError({where: [_("Amounts have at most 2 decimal places (fen).")]})
    return value.quantize(Decimal("0.01"))


def parse_lines(text: str) -> list[list[str]]:
    """Non-empty lines split on "|" (or the full-width ｜), each part stripped."""
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            out.append([p.strip() for p in re.split(r"[|｜]", line)])
    return out


def parse_instalments(text: str) -> list[dict]:
    """One instalment per line: ``YYYY-MM-DD | amount``."""
    rows = []
    for i, parts in enumerate(parse_lines(text), start=1):
        if len(parts) != 2:
            raise DomainError({"instalments": [_("Line %(n)s: write “date | amount”, e.g. 2026-01-15 | 3000.") % {"n": i}]})
        try:
            due_on = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise DomainError({"instalments": [_("Line %(n)s: “%(v)s” is not a date (YYYY-MM-DD).") % {"n": i, "v": parts[0]}]})
        rows.append({"due_on": due_on, "amount": _money(parts[1], "instalments")})
    return rows


def parse_award_items(text: str) -> list[dict]:
    """One award item per line: ``category | description | amount or - | granted (yes/no) | reasons``; a category
    of working time, rest or social insurance may add ``| national standard``."""
    from .services.awards import CATEGORY_ZH

    items = []
    valid = set(AwardCategory.values)
    # An arbitrator writes the category as the award prints it (劳动报酬, 经济补偿...) or as its code (wages...).
    by_name = {zh: code for code, zh in CATEGORY_ZH.items()}
    for i, parts in enumerate(parse_lines(text), start=1):
        if len(parts) < 4:
            raise DomainError({"items": [_("Line %(n)s: write “category | item | amount or - | yes/no | reasons”.")
                                         % {"n": i}]})
        category = by_name.get(parts[0], parts[0])
        if category not in valid:
            raise DomainError({"items": [_("Line %(n)s: unknown category “%(c)s” (one of: %(all)s).")
                                         % {"n": i, "c": category,
                                            "all": "、".join(f"{CATEGORY_ZH[c]} ({c})" for c in sorted(valid))}]})
        amount = None if parts[2] in ("", "-", "—") else _money(parts[2], "items")
        granted = parts[3].lower() in ("yes", "y", "是", "支持", "1", "true")
        items.append({"category": category, "description": parts[1], "amount": amount, "granted": granted,
                      "reasons": parts[4] if len(parts) > 4 else "",
                      "national_standard_dispute": len(parts) > 5 and bool(parts[5])})
    if not items:
        raise DomainError({"items": [_("List at least one award item.")]})
    return items


class _Lazy:
    """The services are imported when a step runs, not when the flows are registered at start-up."""

    def __init__(self, module):
        self.module = module

    def __getattr__(self, name):
        import importlib

        return getattr(importlib.import_module(f"disputes.services.{self.module}"), name)


arb, awards, med = _Lazy("arbitration"), _Lazy("awards"), _Lazy("mediation")


# --- mediation ----------------------------------------------------------------------------------------------------

class MediationAcceptForm(forms.Form):
    decision = forms.ChoiceField(label=_l("Decision"), choices=[
        ("accept", _l("Accept: both sides consent and the dispute is within our scope")),
        ("refuse", _l("Refuse (the applicant is told in writing and may apply for arbitration)"))])
    respondent_consented = forms.BooleanField(label=_l("The other side consents to mediation"), required=False)
    reason = forms.CharField(label=_l("Reason for refusing"), required=False, widget=TEXT)


class MediateForm(forms.Form):
    outcome = forms.ChoiceField(label=_l("Outcome"), choices=[
        ("agreement", _l("Agreement signed by both sides")),
        ("failed", _l("No agreement: mediation has failed"))])
    text = forms.CharField(label=_l("Terms of the agreement"), required=False, widget=TEXT)
    total_amount = forms.DecimalField(label=_l("Total amount (yuan)"), required=False, max_digits=14,
                                      decimal_places=2, min_value=0)
    signed_on = forms.DateField(label=_l("Signed on"), required=False, widget=DATE)
    instalments = forms.CharField(
        label=_l("Payment schedule"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("One instalment per line: date | amount, e.g. 2026-01-15 | 3000. The amounts must add up "
                     "to the total."))
    signed_by_applicant = forms.BooleanField(label=_l("Signed by the applicant"), required=False)
    signed_by_respondent = forms.BooleanField(label=_l("Signed or sealed by the respondent"), required=False)
    signed_by_mediator = forms.BooleanField(label=_l("Signed by the mediator"), required=False)
    sealed_by_body = forms.BooleanField(label=_l("Sealed by the mediation body"), required=False)
    reason = forms.CharField(label=_l("Why mediation failed"), required=False, widget=TEXT)


class PerformanceForm(forms.Form):
    outcome = forms.ChoiceField(label=_l("Outcome"), choices=[
        ("performed", _l("Performed: every instalment paid")),
        ("not_performed", _l("Not performed: the worker may apply for arbitration or a payment order")),
        ("joint_review", _l("Both sides jointly applied for arbitral review of the agreement"))])
    filed_on = forms.DateField(label=_l("Joint application filed on"), required=False, widget=DATE)


class JointReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_l("Decision"), choices=[
        ("confirm", _l("Confirm: issue a mediation document (调解书)")),
        ("refuse", _l("Refuse the review (Rules art. 75)"))])
    reason = forms.CharField(label=_l("Reasons"), required=False, widget=TEXT)


def _h_med_accept(case, user, d):
    med.mediation_accept(case=case, user=user, accept=d["decision"] == "accept",
                         respondent_consented=d.get("respondent_consented"), reason=d.get("reason", ""))


def _h_mediate(case, user, d):
    if d["outcome"] == "failed":
        med.mediation_fail(case=case, user=user, reason=d.get("reason", ""))
        return
    missing = [f for f in ("text", "total_amount", "signed_on") if d.get(f) in (None, "")]
    if missing:
        raise DomainError({f: [_("Required for an agreement.")] for f in missing})
    med.agreement_record(case=case, user=user, text=d["text"], total_amount=d["total_amount"],
                         signed_on=d["signed_on"], instalments=parse_instalments(d.get("instalments", "")),
                         signed_by_applicant=d["signed_by_applicant"], signed_by_respondent=d["signed_by_respondent"],
                         signed_by_mediator=d["signed_by_mediator"], sealed_by_body=d["sealed_by_body"])


def _h_performance(case, user, d):
    med.performance_conclude(case=case, user=user, outcome=d["outcome"], filed_on=d.get("filed_on"))


def _h_review(case, user, d):
    med.joint_review_decide(case=case, user=user, confirmed=d["decision"] == "confirm", reason=d.get("reason", ""))


MEDIATION_STEPS = {
    "accept": TaskSpec(MediationAcceptForm, _h_med_accept),
    "mediate": TaskSpec(MediateForm, _h_mediate),
    "performance": TaskSpec(PerformanceForm, _h_performance),
    "review": TaskSpec(JointReviewForm, _h_review),
}


# --- arbitration --------------------------------------------------------------------------------------------------

class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_l("Decision"), choices=[
        ("accept", _l("Accept the case (受理)")),
        ("supplement", _l("Ask for missing materials: one notice listing everything")),
        ("not_accept", _l("Do not accept, with reasons")),
        ("no_jurisdiction", _l("Explain in writing that another commission is competent"))])
    missing = forms.CharField(label=_l("Everything that is missing"), required=False, widget=TEXT)
    reason = forms.CharField(label=_l("Reasons"), required=False, widget=TEXT)
    competent_commission = forms.CharField(label=_l("Competent commission"), required=False, max_length=200)


def _arbitrators():
    return get_user_model().objects.filter(groups__name="arbitrator", is_active=True).order_by("username")


class TribunalForm(forms.Form):
    procedure = forms.ChoiceField(label=_l("Procedure"), choices=[
        ("ordinary", _l("Three arbitrators with a presiding arbitrator")),
        ("simple", _l("Sole arbitrator (simple procedure)"))])
    presiding = forms.ModelChoiceField(label=_l("Presiding or sole arbitrator"), queryset=None,
                                       to_field_name="username")
    member_1 = forms.ModelChoiceField(label=_l("Arbitrator"), queryset=None, required=False, to_field_name="username")
    member_2 = forms.ModelChoiceField(label=_l("Arbitrator"), queryset=None, required=False, to_field_name="username")
    conflicts = forms.CharField(
        label=_l("Declared grounds for recusal"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("One per line: username | ground (relative, interest, relation, contact). Leave empty when no "
                     "arbitrator declared any."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("presiding", "member_1", "member_2"):
            self.fields[name].queryset = _arbitrators()


def _h_tribunal(case, user, d):
    conflicts = {}
    users = {u.username: u for u in _arbitrators()}
    for parts in parse_lines(d.get("conflicts", "")):
        if parts[0] in users:
            conflicts[users[parts[0]].pk] = parts[1] if len(parts) > 1 else "relation"
    if d["procedure"] == "simple":
        arb.tribunal_form(case=case, user=user, procedure="simple", sole=d["presiding"],
                          declared_conflicts=conflicts)
    else:
        members = [m for m in (d.get("member_1"), d.get("member_2")) if m is not None]
        arb.tribunal_form(case=case, user=user, procedure="ordinary", presiding=d["presiding"], members=members,
                          declared_conflicts=conflicts)


class ScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_l("Hearing date and time"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_l("Place"), max_length=255)
    notice_sent_on = forms.DateField(label=_l("Written notice sent on"), widget=DATE)
    notice_method = forms.ChoiceField(label=_l("Notice"), choices=Hearing.NoticeMethod.choices)
    public = forms.BooleanField(label=_l("Public hearing"), required=False, initial=True,
                                help_text=_l("Hearings are public unless the parties agreed otherwise or the case "
                                             "involves state secrets, business secrets or personal privacy."))


def _h_schedule(case, user, d):
    arb.hearing_schedule(case=case, user=user, starts_at=d["starts_at"], place=d["place"],
                         notice_sent_on=d["notice_sent_on"], notice_method=d["notice_method"], public=d["public"])


class HearingRecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_l("Outcome"), choices=[
        ("heard", _l("Heard: the tribunal will award")),
        ("adjourned", _l("Adjourned: another hearing is needed")),
        ("settled", _l("Settled: a mediation document is made")),
        ("withdrawn", _l("The applicant withdrew")),
        ("deemed_withdrawn", _l("Applicant absent without cause after confirmed written notice: deemed withdrawn"))])
    record_text = forms.CharField(label=_l("Hearing record (庭审笔录)"), widget=forms.Textarea(attrs={"rows": 8}))
    applicant_present = forms.BooleanField(label=_l("Applicant present"), required=False)
    respondent_present = forms.BooleanField(label=_l("Respondent present"), required=False)
    mediation_attempted = forms.BooleanField(label=_l("Mediation was attempted before the award"), required=False)
    corrections = forms.CharField(
        label=_l("Correction requests"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("One per line: applicant or respondent | what they asked to correct | granted yes/no | reason "
                     "if refused. Refused requests are kept in the record too."))
    signatures = forms.CharField(
        label=_l("Signatures"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("One per line: arbitrator, clerk, party or other | name | signed yes/no | note if refused "
                     "(a refusal to sign is noted in the file)."))
    mediation_text = forms.CharField(label=_l("Terms of the mediation document"), required=False, widget=TEXT)
    mediation_amount = forms.DecimalField(label=_l("Amount in the mediation document (yuan)"), required=False,
                                          max_digits=14, decimal_places=2, min_value=0)
    deliberation_notes = forms.CharField(
        label=_l("Deliberation notes (合议笔录)"), required=False, widget=TEXT,
        help_text=_l("Kept in the internal file (副卷): staff only, never shown to the parties."))


def _party_id(case: DisputeCase, side: str, where: str):
    side = {"申请人": "applicant", "被申请人": "respondent"}.get(side, side)
    party = case.parties.filter(side=side).order_by("id").first()
    if party is None:
        raise DomainError({where: [_("Unknown party “%(p)s”: write applicant or respondent.") % {"p": side}]})
    return party.pk


def _h_hearing(case, user, d):
    hearing = case.hearings.filter(status=Hearing.Status.SCHEDULED).order_by("-starts_at").first()
    if hearing is None:
        from .models import DisputeState

        if case.state == DisputeState.ARB_ACCEPTED and d["outcome"] == "adjourned":
            return  # the hearing was postponed without a new date: the flow goes back to scheduling
        raise DomainError({"__all__": [_("No scheduled hearing to record. If the hearing was postponed without a "
                                         "new date, choose “Adjourned” to schedule it again.")]})
    yes = ("yes", "y", "是", "1", "true", "granted")
    corrections = [{"party_id": _party_id(case, p[0], "corrections"), "request_text": p[1] if len(p) > 1 else "",
                    "granted": len(p) > 2 and p[2].lower() in yes, "reason": p[3] if len(p) > 3 else ""}
                   for p in parse_lines(d.get("corrections", ""))]
    who_values = set(HearingSignature.Who.values)
    signatures = []
    for p in parse_lines(d.get("signatures", "")):
        if p[0] not in who_values:
            raise DomainError({"signatures": [_("Unknown signer “%(w)s” (arbitrator, clerk, party, other).")
                                              % {"w": p[0]}]})
        signatures.append({"who": p[0], "name": p[1] if len(p) > 1 else "",
                           "signed": len(p) > 2 and p[2].lower() in yes, "refusal_note": p[3] if len(p) > 3 else ""})
    arb.hearing_record(case=case, user=user, hearing_id=hearing.pk, outcome=d["outcome"],
                       record_text=d["record_text"], applicant_present=d["applicant_present"],
                       respondent_present=d["respondent_present"], mediation_attempted=d["mediation_attempted"],
                       corrections=corrections, signatures=signatures, mediation_text=d.get("mediation_text", ""),
                       mediation_amount=d.get("mediation_amount"), deliberation_notes=d.get("deliberation_notes", ""))


class AwardForm(forms.Form):
    award_date = forms.DateField(label=_l("Award date"), widget=DATE)
    items = forms.CharField(
        label=_l("Award items"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_l("One per line: category | item | amount or - | granted yes/no | reasons [| national standard]. "
                     "Categories: wages, injury_medical, compensation, damages, working_time, rest_leave, "
                     "social_insurance, relationship, contract, other. Each item is classified final or not final "
                     "against 12 × the monthly minimum wage; final and non-final items go into separate award "
                     "documents."))
    facts = forms.CharField(label=_l("Facts found"), widget=TEXT)
    reasons = forms.CharField(label=_l("Reasons"), widget=TEXT)
    dissent_text = forms.CharField(label=_l("Minority opinion (if any)"), required=False, widget=TEXT)
    decided_by_presiding = forms.BooleanField(
        label=_l("No majority: the presiding arbitrator's opinion decided"), required=False)


def _h_award(case, user, d):
    awards.award_issue(case=case, user=user, award_date=d["award_date"], items=parse_award_items(d["items"]),
                       facts=d["facts"], reasons=d["reasons"], dissent_text=d.get("dissent_text", ""),
                       decided_by_presiding=d["decided_by_presiding"])


class PostAwardForm(forms.Form):
    confirm = forms.BooleanField(
        label=_l("Every award has been served on every party: close the case"), required=True,
        help_text=_l("Record service of each award on the case page first; court actions can be recorded there "
                     "after closing too."))


def _h_post_award(case, user, d):
    awards.post_award_close(case=case, user=user)


ARBITRATION_STEPS = {
    "review": TaskSpec(ReviewForm, lambda c, u, d: arb.review_decide(
        case=c, user=u, decision=d["decision"], missing=d.get("missing", ""), reason=d.get("reason", ""),
        competent_commission=d.get("competent_commission", ""))),
    "form_tribunal": TaskSpec(TribunalForm, _h_tribunal),
    "schedule_hearing": TaskSpec(ScheduleForm, _h_schedule),
    "hold_hearing": TaskSpec(HearingRecordForm, _h_hearing),
    "award": TaskSpec(AwardForm, _h_award),
    "post_award": TaskSpec(PostAwardForm, _h_post_award),
}
