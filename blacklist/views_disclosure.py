"""Pages of the disclosure of major violations (spec §9): the public list and detail at /disclosures/ (no account,
zh-Hans and Tibetan), and the staff queue at /staff/disclosures/ (batches, records, the steps of the table in
blacklist.disclosure_steps). Thin: the rules are in blacklist.services_disclosure, the public fields in
blacklist.selectors_disclosure."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from casework.access import has_role, regions_within
from casework.errors import DomainError, NotAllowed
from casework.ratelimits import limited

from . import services_disclosure as svc
from .disclosure_steps import STEPS, queue_from_data, step_form, steps_offered
from .forms_disclosure import AdHocForm, PublicSearchForm, QueueForm
from .models_disclosure import DisclosureBatch, DisclosureCategory, DisclosureState
from .selectors_disclosure import disclosure_public_get, disclosure_search

__all__ = ["public_list", "public_detail", "staff_queue", "staff_queue_add", "staff_adhoc", "staff_batch",
           "staff_batch_action", "staff_disclosure", "staff_step"]


def _rate_limited(request) -> bool:
    return limited(request, group="blacklist.disclosures", rate=getattr(settings, "REGISTRY_RATE", "120/m"))


def _messages_of(e: DomainError) -> list[str]:
    return [m for msgs in e.errors.values() for m in msgs]


# --- public --------------------------------------------------------------------------------------------------------

def public_list(request):
    if _rate_limited(request):
        return render(request, "blacklist/too_many.html", status=429)
    form = PublicSearchForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    result = disclosure_search(q=params.get("q", ""), uscc=params.get("uscc", ""), region=params.get("region", ""),
                               page=page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "blacklist/disclosure/public_list.html", {"form": form, "result": result,
                                                                     "query": query.urlencode()})


def public_detail(request, pk: int):
    if _rate_limited(request):
        return render(request, "blacklist/too_many.html", status=429)
    found = disclosure_public_get(pk)
    if found["row"] is None:
        raise Http404
    return render(request, "blacklist/disclosure/public_detail.html", {"row": found["row"],
                                                                       "last_updated": found["last_updated"]})


# --- staff ---------------------------------------------------------------------------------------------------------

def _staff(request):
    if not has_role(request.user, *svc.DISCLOSURE_ROLES):
        raise Http404


@login_required
@never_cache
def staff_queue(request):
    """Batches with their records (filter by state), the decisions that may be queued, ad hoc releases."""
    _staff(request)
    user = request.user
    state = request.GET.get("state", "")
    qs = svc.disclosures_for(user).select_related("batch", "region", "employer").order_by("-batch__period_start",
                                                                                          "batch_id", "-id")
    if state in DisclosureState.values:
        qs = qs.filter(state=state)
    groups: dict = {}
    for d in qs[:500]:
        groups.setdefault(d.batch, []).append(d)
    is_drafter = has_role(user, *svc.DRAFTERS)
    return render(request, "blacklist/disclosure/staff_queue.html", {
        "groups": list(groups.items()), "state": state, "states": DisclosureState.choices,
        "decisions": list(svc.candidate_decisions_for(user)[:100]) if is_drafter else [],
        "transfers": list(svc.candidate_transfers_for(user)[:100]) if is_drafter else [],
        "categories": DisclosureCategory.choices, "is_drafter": is_drafter,
        "adhoc_form": AdHocForm(regions=regions_within(user)) if is_drafter else None,
        "manual_form": QueueForm(initial={"source": "MANUAL"}) if is_drafter else None,
        "pending_batches": list(svc.batches_for(user).filter(kind=DisclosureBatch.Kind.AD_HOC,
                                                             approved_by__isnull=True).select_related("region")),
    })


@login_required
@require_POST
def staff_queue_add(request):
    _staff(request)
    form = QueueForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError({k: list(v) for k, v in form.errors.items()})
        d = queue_from_data(request.user, form.cleaned_data)
    except NotAllowed as e:
        messages.error(request, e.message)
        return redirect("disclosure-staff")
    except DomainError as e:
        for m in _messages_of(e):
            messages.error(request, m)
        return redirect("disclosure-staff")
    messages.success(request, _("Queued in the batch %(batch)s.") % {"batch": d.batch.label})
    return redirect("disclosure-staff-detail", pk=d.pk)


@login_required
@require_POST
def staff_adhoc(request):
    _staff(request)
    form = AdHocForm(request.POST, regions=regions_within(request.user))
    try:
        if not form.is_valid():
            raise DomainError({k: list(v) for k, v in form.errors.items()})
        batch = svc.batch_adhoc_create(user=request.user, **form.cleaned_data)
    except DomainError as e:
        for m in _messages_of(e):
            messages.error(request, m)
        return redirect("disclosure-staff")
    messages.success(request, _("Ad hoc release %(batch)s requested: a head must approve it.")
                     % {"batch": batch.label})
    return redirect("disclosure-staff-batch", pk=batch.pk)


@login_required
@never_cache
def staff_batch(request, pk: int):
    _staff(request)
    batch = get_object_or_404(svc.batches_for(request.user).select_related("region", "created_by", "approved_by"),
                              pk=pk)
    user = request.user
    return render(request, "blacklist/disclosure/staff_batch.html", {
        "batch": batch, "rows": list(batch.disclosures.select_related("employer").order_by("pk")),
        "can_approve": batch.kind == DisclosureBatch.Kind.AD_HOC and not batch.approved_by_id
        and svc.can_act(user, batch.region_id, svc.HEAD) and batch.created_by_id != user.pk,
        "can_publish": svc.can_act(user, batch.region_id, svc.PUBLISHER)
        and batch.disclosures.filter(state=DisclosureState.APPROVED).exists(),
    })


@login_required
@require_POST
def staff_batch_action(request, pk: int, action: str):
    _staff(request)
    batch = get_object_or_404(svc.batches_for(request.user), pk=pk)
    try:
        if action == "approve":
            svc.batch_adhoc_approve(batch=batch, user=request.user)
            messages.success(request, _("Ad hoc release approved."))
        elif action == "publish":
            result = svc.batch_publish(batch=batch, user=request.user)
            messages.success(request, _("%(n)s disclosure(s) published.") % {"n": len(result["done"])})
            for msgs in result["errors"].values():
                for m in msgs:
                    messages.error(request, m)
        else:
            raise Http404
    except DomainError as e:
        for m in _messages_of(e):
            messages.error(request, m)
    return redirect("disclosure-staff-batch", pk=pk)


def _disclosure_or_404(user, pk):
    return get_object_or_404(svc.disclosures_for(user).select_related(
        "batch", "region", "employer", "complaint", "document", "transfer", "drafted_by", "approved_by",
        "published_by", "objection_decided_by"), pk=pk)


@login_required
@never_cache
def staff_disclosure(request, pk: int, *, errors=None, failed=None, failed_form=None, status=200):
    _staff(request)
    d = _disclosure_or_404(request.user, pk)
    steps = []
    for name in steps_offered(request.user, d):
        form = failed_form if name == failed else step_form(name, d, prefix=name)
        steps.append({"name": name, "title": STEPS[name].title, "form": form,
                      "errors": errors if name == failed else None})
    return render(request, "blacklist/disclosure/staff_detail.html", {
        "d": d, "steps": steps, "objection_due": svc.objection_due(d),
        "problems": svc.privacy_problems(d) if d.state == DisclosureState.QUEUED else {},
        "media": list(d.media.all()), "four_eyes": d.state == DisclosureState.PRIVACY_REVIEW
        and request.user.pk == d.drafted_by_id}, status=status)


@login_required
@require_POST
def staff_step(request, pk: int, step: str):
    _staff(request)
    if step not in STEPS:
        raise Http404
    d = _disclosure_or_404(request.user, pk)
    form = step_form(step, d, request.POST, prefix=step)
    try:
        if not form.is_valid():
            raise DomainError({k: list(v) for k, v in form.errors.items()})
        STEPS[step].handler(d, request.user, form.cleaned_data)
    except NotAllowed as e:
        messages.error(request, e.message)
        return redirect("disclosure-staff-detail", pk=pk)
    except DomainError as e:
        return staff_disclosure(request, pk, errors=_messages_of(e), failed=step, failed_form=form, status=400)
    messages.success(request, _("Done: %(step)s.") % {"step": STEPS[step].title})
    return redirect("disclosure-staff-detail", pk=pk)
