"""The steps of a disclosure (spec §9) as one table for every interface: the form each step takes, the service it
calls, who may take it and in which states. The pages (blacklist/views_disclosure.py) and the API
(blacklist/api_disclosure.py) both read it, so a step exists once; the rules stay in blacklist.services_disclosure.
Like grading (blacklist/grading_steps.py), not a task-engine flow: disclosures are worked in batches of a quarter
or half-year, the steps are linear, and there is no timer a flow would add."""
from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.errors import DomainError
from casework.models import Employer

from . import services_disclosure as svc
from .forms_disclosure import (ApproveForm, EditForm, EmptyForm, MediaForm, MoveForm, NoteForm, ObjectionDecideForm,
                               ObjectionForm, WithdrawForm)
from .models_disclosure import LIVE_DISCLOSURE_STATES, PUBLIC_DISCLOSURE_STATES, DisclosureBatch, DisclosureState as D

__all__ = ["StepSpec", "STEPS", "steps_offered", "step_form", "queue_from_data"]


@dataclass(frozen=True)
class StepSpec:
    form: type
    handler: Callable            # (disclosure, user, cleaned_data) -> None
    roles: tuple
    states: tuple
    title: str
    offered: Callable | None = None  # (user, disclosure) -> bool, beyond role, reach and state


def _move(d, u, data):
    batch = DisclosureBatch.objects.filter(pk=data["batch"]).first()
    if batch is None:
        raise DomainError({"batch": [_("Choose one of the listed options.")]})
    svc.disclosure_move(disclosure=d, user=u, batch=batch)


STEPS: dict[str, StepSpec] = {
    "edit": StepSpec(EditForm, lambda d, u, data: svc.disclosure_edit(disclosure=d, user=u, **data),
                     svc.DRAFTERS, (D.QUEUED,), _l("Edit the text")),
    "submit": StepSpec(EmptyForm, lambda d, u, data: svc.disclosure_submit(disclosure=d, user=u),
                       svc.DRAFTERS, (D.QUEUED,), _l("Send to the privacy review")),
    "return": StepSpec(NoteForm, lambda d, u, data: svc.disclosure_return(disclosure=d, user=u, **data),
                       svc.APPROVERS, (D.PRIVACY_REVIEW, D.APPROVED), _l("Send back to the drafter")),
    "approve": StepSpec(ApproveForm, lambda d, u, data: svc.disclosure_approve(disclosure=d, user=u, **data),
                        svc.APPROVERS, (D.PRIVACY_REVIEW,), _l("Privacy checked: approve for publication"),
                        lambda u, d: u.pk != d.drafted_by_id),
    "publish": StepSpec(EmptyForm, lambda d, u, data: svc.disclosure_publish(disclosure=d, user=u),
                        (svc.PUBLISHER,), (D.APPROVED,), _l("Publish")),
    "move": StepSpec(MoveForm, _move, svc.DRAFTERS, (D.QUEUED, D.PRIVACY_REVIEW, D.APPROVED),
                     _l("Move to another batch")),
    "media": StepSpec(MediaForm, lambda d, u, data: svc.media_add(disclosure=d, user=u, **data),
                      (svc.PUBLISHER, "credit_officer"), tuple(PUBLIC_DISCLOSURE_STATES),
                      _l("Record a newspaper or TV publication")),
    "objection": StepSpec(ObjectionForm, lambda d, u, data: svc.disclosure_objection_record(disclosure=d, user=u,
                                                                                             **data),
                          svc.DRAFTERS, (D.PUBLISHED,), _l("Record the employer's objection"),
                          lambda u, d: d.objection_received_at is None),
    "objection_decide": StepSpec(ObjectionDecideForm,
                                 lambda d, u, data: svc.disclosure_objection_decide(disclosure=d, user=u, **data),
                                 (svc.HEAD,), (D.OBJECTED,), _l("Decide on the objection")),
    "archive": StepSpec(EmptyForm, lambda d, u, data: svc.disclosure_archive(disclosure=d, user=u),
                        svc.DISCLOSURE_ROLES, (D.PUBLISHED,), _l("Archive in the integrity file")),
    "withdraw": StepSpec(WithdrawForm, lambda d, u, data: svc.disclosure_withdraw(disclosure=d, user=u, **data),
                         (svc.HEAD,), tuple(LIVE_DISCLOSURE_STATES), _l("Withdraw")),
}


def step_form(name: str, disclosure, data=None, prefix=None):
    return STEPS[name].form(data, disclosure=disclosure, prefix=prefix)


def steps_offered(user, disclosure) -> list[str]:
    """The steps ``user`` may take on ``disclosure`` now (the services check again)."""
    return [name for name, spec in STEPS.items()
            if disclosure.state in spec.states and svc.can_act(user, disclosure.region_id, *spec.roles)
            and (spec.offered is None or spec.offered(user, disclosure))]


def queue_from_data(user, data: dict):
    """Queue a disclosure from a QueueForm's cleaned data, resolving the ids within the user's reach (an id out of
    reach reads as unknown)."""
    source = data["source"]
    kwargs = {"user": user, "source": source, "category": data["category"], "facts": data["facts"],
              "handling": data["handling"]}
    if source == "DECISION":
        doc = svc.candidate_decisions_for(user).filter(pk=data.get("document") or 0).first()
        if doc is None:
            raise DomainError({"document": [_("Choose a handling or penalty decision of your regions that is not "
                                              "disclosed yet.")]})
        kwargs["document"] = doc
    elif source == "TRANSFER":
        transfer = svc.candidate_transfers_for(user).filter(pk=data.get("transfer") or 0).first()
        if transfer is None:
            raise DomainError({"transfer": [_("Choose a criminal transfer of your regions approved by the head and "
                                              "not disclosed yet.")]})
        kwargs["transfer"] = transfer
    else:
        kwargs.update(employer=Employer.objects.filter(pk=data.get("employer") or 0).first(),
                      region_code=data.get("region_code") or "", decision_no=data.get("decision_no") or "",
                      decision_date=data.get("decision_date"))
    return svc.disclosure_queue(**kwargs)
