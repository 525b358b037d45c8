"""Pages: the public registry (no account) and the credit officer's staff pages. Thin: the rules are in
blacklist.services, the public fields in blacklist.selectors."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from casework.errors import DomainError, NotAllowed
from casework.ratelimits import limited
from casework.services.deadlines import deadlines_for

from . import services as svc
from .forms import (CriminalForm, DecideForm, EarlyApplyForm, EarlyDecideForm, EarlyRevokeForm, ExtensionForm,
                    NoticeForm, ObjectionForm, PartyForm, ProposeForm, PublishForm, RegistrySearchForm, RevokeForm,
                    VerifyForm)
from .models import ListingState as S
from .selectors import blacklist_search, public_get

__all__ = ["registry_list", "registry_detail", "staff_home", "staff_propose", "staff_listing", "staff_step"]


def _rate_limited(request) -> bool:
    return limited(request, group="blacklist.registry", rate=getattr(settings, "REGISTRY_RATE", "120/m"))


# --- public --------------------------------------------------------------------------------------------------------

def registry_list(request):
    if _rate_limited(request):
        return render(request, "blacklist/too_many.html", status=429)
    form = RegistrySearchForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    result = blacklist_search(q=params.get("q", ""), uscc=params.get("uscc", ""), region=params.get("region", ""),
                              page=page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "blacklist/registry_list.html", {"form": form, "result": result,
                                                            "query": query.urlencode()})


def registry_detail(request, pk: int):
    if _rate_limited(request):
        return render(request, "blacklist/too_many.html", status=429)
    found = public_get(pk)
    if found["row"] is None:
        raise Http404
    return render(request, "blacklist/registry_detail.html", {"row": found["row"],
                                                              "last_updated": found["last_updated"]})


# --- staff ---------------------------------------------------------------------------------------------------------

@login_required
@never_cache
def staff_home(request):
    user = request.user
    if not svc.has_role(user, *svc.BL_ROLES):
        raise Http404
    return render(request, "blacklist/staff_home.html", {
        "candidates": list(svc.candidates_for(user)[:200]),
        "listings": list(svc.listings_for(user).select_related("region")[:200]),
        "is_officer": svc.has_role(user, svc.CREDIT_OFFICER),
    })


@login_required
@require_POST
def staff_propose(request, case_number: str):
    complaint = svc.candidates_for(request.user).filter(case_number=case_number).first()
    if complaint is None:
        raise Http404
    form = ProposeForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError({k: list(v) for k, v in form.errors.items()})
        listing = svc.listing_propose(complaint=complaint, user=request.user, **form.cleaned_data)
    except NotAllowed:
        raise Http404
    except DomainError as e:
        for m in e.errors.values():
            for msg in m:
                messages.error(request, msg)
        return redirect("blacklist-staff")
    messages.success(request, _("Listing proposed for case %(case)s.") % {"case": complaint.case_number})
    return redirect("blacklist-staff-listing", pk=listing.pk)


# step name -> (form, service, roles, states in which it is offered, title)
STEPS = {
    "party": (PartyForm, svc.listing_party_add, (svc.CREDIT_OFFICER,), (S.CANDIDATE, S.NOTICE_SERVED),
              _l("Add a co-listed person")),
    "notice": (NoticeForm, svc.notice_serve, (svc.CREDIT_OFFICER,), (S.CANDIDATE,), _l("Prior notice served")),
    "objection": (ObjectionForm, svc.objection_record, (svc.CREDIT_OFFICER,), (S.NOTICE_SERVED,),
                  _l("Record an objection")),
    "verify": (VerifyForm, svc.objection_verify, (svc.CREDIT_OFFICER,), (S.NOTICE_SERVED,),
               _l("Verify the objection")),
    "extension": (ExtensionForm, svc.extension_approve, (svc.HEAD,), (S.CANDIDATE, S.NOTICE_SERVED),
                  _l("Approve 20 more working days")),
    "decide": (DecideForm, svc.listing_decide, (svc.HEAD,), (S.NOTICE_SERVED,), _l("Decide")),
    "publish": (PublishForm, svc.listing_publish, (svc.PUBLISHER,), (S.LISTED,), _l("Publish on the registry")),
    "revoke": (RevokeForm, svc.listing_revoke, (svc.HEAD,), (S.LISTED, S.PUBLISHED),
               _l("Revoke: the underlying order was revoked")),
    "criminal": (CriminalForm, svc.criminal_proceedings_set, (svc.CREDIT_OFFICER, svc.HEAD), (S.LISTED, S.PUBLISHED),
                 _l("Criminal proceedings")),
    "early_apply": (EarlyApplyForm, svc.early_removal_apply, (svc.CREDIT_OFFICER,), (S.LISTED, S.PUBLISHED),
                    _l("Record an early-removal application")),
    "early_decide": (EarlyDecideForm, svc.early_removal_decide, (svc.HEAD,), (S.LISTED, S.PUBLISHED),
                     _l("Decide on early removal")),
    "early_revoke": (EarlyRevokeForm, svc.early_removal_revoke, (svc.HEAD,), (S.EARLY_REMOVED,),
                     _l("Revoke the early removal: obtained by fraud")),
}


def _listing_or_404(user, pk):
    return get_object_or_404(svc.listings_for(user).select_related("complaint", "region", "employer"), pk=pk)


def _offered(user, listing):
    steps = []
    pending = svc.early_removal_pending(listing)
    for name, (form_cls, _svc, roles, states, title) in STEPS.items():
        if listing.state in states and svc.can_act(user, listing.region_id, *roles):
            if name == "objection" and listing.objection_received_at:
                continue
            if name == "verify" and (not listing.objection_received_at or listing.objection_verified_at):
                continue
            if name == "extension" and listing.extension_approved_by_id:
                continue
            if name in ("early_apply", "early_decide") and (name == "early_apply") == bool(pending):
                continue
            steps.append({"name": name, "title": title, "form": form_cls(prefix=name)})
    return steps


@login_required
@never_cache
def staff_listing(request, pk: int, *, errors=None, failed_step=None, status=200):
    listing = _listing_or_404(request.user, pk)
    steps = _offered(request.user, listing)
    if failed_step:
        for s in steps:
            if s["name"] == failed_step["name"]:
                s.update(form=failed_step["form"], errors=errors)
    return render(request, "blacklist/staff_listing.html", {
        "listing": listing, "entries": list(listing.entries.all()), "steps": steps,
        "deadlines": deadlines_for(listing).order_by("due_date", "id"), "decision_due": svc.decision_due(listing),
        "objection_due": svc.objection_due(listing),
        "early_removals": list(listing.early_removals.select_related("recorded_by", "decided_by"))}, status=status)


@login_required
@require_POST
def staff_step(request, pk: int, step: str):
    if step not in STEPS:
        raise Http404
    listing = _listing_or_404(request.user, pk)
    form_cls, service, _roles, _states, title = STEPS[step]
    form = form_cls(request.POST, prefix=step)
    try:
        if not form.is_valid():
            raise DomainError({k: list(v) for k, v in form.errors.items()})
        service(listing=listing, user=request.user, **form.cleaned_data)
    except NotAllowed as e:
        messages.error(request, e.message)
        return redirect("blacklist-staff-listing", pk=pk)
    except DomainError as e:
        return staff_listing(request, pk, errors=[m for v in e.errors.values() for m in v],
                             failed_step={"name": step, "form": form}, status=400)
    messages.success(request, _("Done: %(step)s.") % {"step": title})
    return redirect("blacklist-staff-listing", pk=pk)

