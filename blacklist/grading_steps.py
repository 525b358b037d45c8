"""The steps of a grade (spec §10) as one table for every interface: the form each step takes, the service it calls,
who may take it and in which states. The pages (blacklist/views_grading.py) and the API (blacklist/api_grading.py)
both read this table, so a step exists once; the rules stay in blacklist.services_grading."""
from dataclasses import dataclass
from typing import Callable

from django import forms
from django.utils.translation import gettext_lazy as _l

from . import services_grading as svc
from .models_grading import EDITABLE_STATES, GradeEvidence, GradeState as G

__all__ = ["StepSpec", "STEPS", "steps_offered", "step_form", "RunStartForm", "BulkForm", "AccountLinkForm"]

DATE = forms.DateInput(attrs={"type": "date"})


class _ProposalForm(forms.Form):
    def __init__(self, *args, proposal=None, **kwargs):
        self.proposal = proposal
        super().__init__(*args, **kwargs)


class GroundForm(_ProposalForm):
    ground = forms.ChoiceField(label=_l("Ground"), choices=[
        (g, GradeEvidence.Ground(g).label) for g in GradeEvidence.MANUAL_GROUNDS])
    occurred_on = forms.DateField(label=_l("Date (in the record year)"), widget=DATE)
    reason = forms.CharField(label=_l("Reason and the record it rests on"), widget=forms.Textarea(attrs={"rows": 3}))
    reference = forms.CharField(label=_l("Reference (document number)"), required=False, max_length=100)


class ExcludeForm(_ProposalForm):
    evidence = forms.TypedChoiceField(label=_l("Record"), coerce=int, choices=())
    reason = forms.CharField(label=_l("Why it is set aside"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.proposal is not None:
            self.fields["evidence"].choices = [
                (e.pk, f"{e.get_ground_display()} · {e.occurred_on.isoformat()} · {e.reference}")
                for e in self.proposal.evidence.filter(excluded=False)]


class NoteForm(_ProposalForm):
    note = forms.CharField(label=_l("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(_ProposalForm):
    note = forms.CharField(label=_l("How the enterprise was told (needed when it has no linked account and no "
                                    "mobile number)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequiredNoteForm(_ProposalForm):
    note = forms.CharField(label=_l("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class EmptyForm(_ProposalForm):
    pass


class ObjectionForm(_ProposalForm):
    received_on = forms.DateField(label=_l("Objection received on"), widget=DATE)
    text = forms.CharField(label=_l("What the enterprise says"), widget=forms.Textarea(attrs={"rows": 3}))


@dataclass(frozen=True)
class StepSpec:
    form: type
    handler: Callable            # (proposal, user, cleaned_data) -> None
    roles: tuple
    states: tuple
    title: str
    offered: Callable | None = None  # (user, proposal) -> bool, beyond role, reach and state


def _not_reviewer(user, p) -> bool:
    return user.pk not in (p.reviewed_by_id, p.re_reviewed_by_id)


STEPS: dict[str, StepSpec] = {
    "ground": StepSpec(GroundForm, lambda p, u, d: svc.proposal_ground_add(proposal=p, user=u, **d),
                       (svc.GRADING_OFFICER,), tuple(EDITABLE_STATES), _l("Add a C ground")),
    "exclude": StepSpec(ExcludeForm, lambda p, u, d: svc.evidence_exclude(
                            evidence=p.evidence.get(pk=d["evidence"]), user=u, reason=d["reason"]),
                        (svc.GRADING_OFFICER,), tuple(EDITABLE_STATES), _l("Set a record aside"),
                        lambda u, p: p.evidence.filter(excluded=False).exists()),
    "review": StepSpec(NoteForm, lambda p, u, d: svc.proposal_review(proposal=p, user=u, **d),
                       (svc.GRADING_OFFICER,), (G.PROPOSED,), _l("Reviewed: send to the head for approval")),
    "return": StepSpec(RequiredNoteForm, lambda p, u, d: svc.proposal_return(proposal=p, user=u, **d),
                       (svc.HEAD,), (G.REVIEWED, G.RE_REVIEWED), _l("Send back to the grading officer")),
    "approve": StepSpec(EmptyForm, lambda p, u, d: svc.proposal_approve(proposal=p, user=u),
                        (svc.HEAD,), (G.REVIEWED, G.RE_REVIEWED), _l("Approve the grade"), _not_reviewer),
    "notify": StepSpec(NoticeForm, lambda p, u, d: svc.proposal_notify(proposal=p, user=u, **d),
                       (svc.GRADING_OFFICER, svc.HEAD), (G.APPROVED,), _l("Notify the enterprise")),
    "objection": StepSpec(ObjectionForm, lambda p, u, d: svc.proposal_objection_record(proposal=p, user=u, **d),
                          (svc.GRADING_OFFICER,), (G.NOTIFIED,), _l("Record an objection"),
                          lambda u, p: p.objection_received_at is None),
    "re_review": StepSpec(RequiredNoteForm, lambda p, u, d: svc.proposal_re_review(proposal=p, user=u, **d),
                          (svc.GRADING_OFFICER,), (G.OBJECTED,), _l("Re-reviewed: answer to the objection")),
    "archive": StepSpec(EmptyForm, lambda p, u, d: svc.proposal_archive(proposal=p, user=u),
                        (svc.GRADING_OFFICER,), (G.NOTIFIED,), _l("Archive in the integrity file")),
}


def step_form(name: str, proposal, data=None, prefix=None):
    return STEPS[name].form(data, proposal=proposal, prefix=prefix)


def steps_offered(user, proposal) -> list[str]:
    """The steps ``user`` may take on ``proposal`` now (the services check again)."""
    out = []
    for name, spec in STEPS.items():
        if proposal.state in spec.states and svc.can_grade(user, proposal.run.region_id, *spec.roles) \
                and (spec.offered is None or spec.offered(user, proposal)):
            out.append(name)
    return out


# --- forms of the run and account pages ----------------------------------------------------------------------------

class RunStartForm(forms.Form):
    year = forms.IntegerField(label=_l("Grading year (graded from the previous year's records)"), min_value=2017,
                              max_value=2100)
    region = forms.ChoiceField(label=_l("Region"), choices=())

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name_zh} {r.code}") for r in regions]


class BulkForm(forms.Form):
    step = forms.ChoiceField(label=_l("Step"), choices=[
        ("review", _l("Reviewed: send to the head for approval")), ("approve", _l("Approve the grade")),
        ("notify", _l("Notify the enterprise")), ("archive", _l("Archive in the integrity file"))])
    ids = forms.TypedMultipleChoiceField(label=_l("Grades"), coerce=int, choices=())

    def __init__(self, *args, run=None, **kwargs):
        super().__init__(*args, **kwargs)
        if run is not None:
            self.fields["ids"].choices = [(pk, str(pk)) for pk in run.proposals.values_list("pk", flat=True)]


class AccountLinkForm(forms.Form):
    username = forms.CharField(label=_l("Username of the employer's clerk account (employer_user)"), max_length=150)
