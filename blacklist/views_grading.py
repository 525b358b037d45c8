"""Pages of integrity grading (spec §10) and the employer's integrity file: the grading runs and proposal pages for
``grading_officer`` and ``inspection_head``, the employer search and file for staff, the enterprise's own page
for ``employer_user``, and the public list of grades only where ``grading.public_display`` is on. Thin: the rules
are in blacklist.services_grading, the reads in blacklist.selectors_grading, the step table in grading_steps."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from casework.access import has_role, regions_within
from casework.errors import DomainError, NotAllowed
from casework.privacy import pii_access_record
from casework.ratelimits import limited

from . import jobs as grading_jobs
from . import selectors_grading as sel
from . import services_grading as svc
from .grading_steps import STEPS, AccountLinkForm, BulkForm, RunStartForm, step_form, steps_offered
from .models_grading import EmployerAccount, GradeState

__all__ = ["runs", "run_detail", "run_bulk", "run_close", "proposal_detail", "proposal_step", "employer_search",
           "employer_file", "employer_account_link", "employer_account_unlink", "my_grade", "public_grades"]


def _messages_of(e: DomainError) -> list[str]:
    return [m for msgs in e.errors.values() for m in msgs]


def _grader(request):
    if not has_role(request.user, *svc.GRADING_ROLES):
        raise Http404


# --- runs ----------------------------------------------------------------------------------------------------------

@login_required
@never_cache
def runs(request):
    _grader(request)
    user = request.user
    form = None
    if has_role(user, svc.GRADING_OFFICER):
        form = RunStartForm(request.POST or None, regions=regions_within(user),
                            initial={"year": timezone.localdate().year})
        if request.method == "POST":
            try:
                if not form.is_valid():
                    raise DomainError({k: list(v) for k, v in form.errors.items()})
                year, region = form.cleaned_data["year"], form.cleaned_data["region"]
                if len(svc.employers_in_scope(region_code=region, year=year)) > grading_jobs.direct_max():
                    svc.grading_run_check(year=year, region_code=region, user=user)
                    job = grading_jobs.start_grading_job(user=user, year=year, region_code=region)
                    return redirect("staff-job", job_id=job.pk)
                run = svc.grading_run_start(year=year, region_code=region, user=user)
            except NotAllowed:
                raise Http404
            except DomainError as e:
                for m in _messages_of(e):
                    messages.error(request, m)
            else:
                messages.success(request, _("Grading run %(year)s started: %(n)s employer(s).")
                                 % {"year": run.year, "n": run.proposals.count()})
                return redirect("grading-run", pk=run.pk)
    elif request.method == "POST":
        raise Http404
    rows = [{"run": r, "summary": sel.run_summary(r)} for r in svc.runs_for(user).select_related("region")[:100]]
    return render(request, "blacklist/grading/runs.html", {"rows": rows, "form": form})


@login_required
@never_cache
def run_detail(request, pk: int, *, bulk_result=None):
    _grader(request)
    run = get_object_or_404(svc.runs_for(request.user).select_related("region"), pk=pk)
    state = request.GET.get("state", "")
    grade = request.GET.get("grade", "")
    qs = run.proposals.select_related("employer", "reviewed_by", "approved_by")
    if state in GradeState.values:
        qs = qs.filter(state=state)
    if grade in ("A", "B", "C"):
        qs = qs.filter(proposed_grade=grade)
    page = Paginator(qs, 200).get_page(request.GET.get("page"))
    return render(request, "blacklist/grading/run.html", {
        "run": run, "summary": sel.run_summary(run), "proposals": list(page.object_list), "page": page,
        "states": GradeState.choices,
        "state": state, "grade": grade, "bulk_form": BulkForm(run=run), "bulk_result": bulk_result,
        "is_officer": svc.can_grade(request.user, run.region_id, svc.GRADING_OFFICER)})


@login_required
@require_POST
def run_bulk(request, pk: int):
    _grader(request)
    run = get_object_or_404(svc.runs_for(request.user), pk=pk)
    form = BulkForm(request.POST, run=run)
    if not form.is_valid():
        for msgs in form.errors.values():
            for m in msgs:
                messages.error(request, m)
        return redirect("grading-run", pk=pk)
    try:
        result = svc.proposals_bulk(run=run, user=request.user, step=form.cleaned_data["step"],
                                    ids=form.cleaned_data["ids"])
    except NotAllowed:
        raise Http404
    except DomainError as e:
        for m in _messages_of(e):
            messages.error(request, m)
        return redirect("grading-run", pk=pk)
    if result["done"]:
        messages.success(request, _("Done for %(n)s grade(s).") % {"n": len(result["done"])})
    if result["errors"]:
        return run_detail(request, pk, bulk_result=result)
    return redirect("grading-run", pk=pk)


@login_required
@require_POST
def run_close(request, pk: int):
    _grader(request)
    run = get_object_or_404(svc.runs_for(request.user), pk=pk)
    try:
        svc.grading_run_close(run=run, user=request.user)
    except NotAllowed as e:
        messages.error(request, e.message)
    except DomainError as e:
        for m in _messages_of(e):
            messages.error(request, m)
    else:
        messages.success(request, _("The run is closed; its grades are archived."))
    return redirect("grading-run", pk=pk)


# --- proposals -----------------------------------------------------------------------------------------------------

def _proposal_or_404(user, pk):
    return get_object_or_404(svc.proposals_for(user).select_related("run__region", "employer", "reviewed_by",
                                                                    "approved_by", "re_reviewed_by"), pk=pk)


@login_required
@never_cache
def proposal_detail(request, pk: int, *, failed=None, errors=None, status=200):
    _grader(request)
    proposal = _proposal_or_404(request.user, pk)
    steps = []
    for name in steps_offered(request.user, proposal):
        form = failed["form"] if failed and failed["name"] == name else step_form(name, proposal, prefix=name)
        steps.append({"name": name, "title": STEPS[name].title, "form": form,
                      "errors": errors if failed and failed["name"] == name else None})
    evidence = list(proposal.evidence.select_related("complaint", "document", "listing", "added_by",
                                                     "excluded_by"))
    return render(request, "blacklist/grading/proposal.html", {
        "proposal": proposal, "evidence": evidence, "steps": steps,
        "four_eyes": proposal.state in (GradeState.REVIEWED, GradeState.RE_REVIEWED)
        and request.user.pk in (proposal.reviewed_by_id, proposal.re_reviewed_by_id)}, status=status)


@login_required
@require_POST
def proposal_step(request, pk: int, step: str):
    _grader(request)
    if step not in STEPS:
        raise Http404
    proposal = _proposal_or_404(request.user, pk)
    form = step_form(step, proposal, request.POST, prefix=step)
    try:
        if not form.is_valid():
            raise DomainError({k: list(v) for k, v in form.errors.items()})
        STEPS[step].handler(proposal, request.user, form.cleaned_data)
    except NotAllowed as e:
        messages.error(request, e.message)
        return redirect("grading-proposal", pk=pk)
    except DomainError as e:
        return proposal_detail(request, pk, failed={"name": step, "form": form}, errors=_messages_of(e),
                               status=400)
    messages.success(request, _("Done: %(step)s.") % {"step": STEPS[step].title})
    return redirect("grading-proposal", pk=pk)


# --- employers: search and the integrity file (staff) --------------------------------------------------------------

def _file_reader(request):
    if not has_role(request.user, *svc.FILE_ROLES):
        raise Http404


@login_required
@never_cache
def employer_search(request):
    _file_reader(request)
    q = request.GET.get("q", "").strip()
    return render(request, "blacklist/grading/employers.html", {
        "q": q, "employers": sel.employer_search(request.user, q=q) if q else []})


def _employer_or_404(user, pk):
    return get_object_or_404(svc.employers_for(user), pk=pk)


@login_required
@never_cache
def employer_file(request, pk: int, *, link_form=None, status=200):
    _file_reader(request)
    employer = _employer_or_404(request.user, pk)
    file = sel.integrity_file(employer, request.user)
    for complaint in file["pii_complaints"]:
        pii_access_record(user=request.user, complaint=complaint, what="case_page",
                          detail=f"integrity file of employer {employer.pk}")
    can_link = has_role(request.user, *svc.GRADING_ROLES)
    return render(request, "blacklist/grading/employer_file.html", {
        "employer": employer, "file": file, "can_link": can_link,
        "link_form": link_form or (AccountLinkForm() if can_link else None)}, status=status)


@login_required
@require_POST
def employer_account_link(request, pk: int):
    _file_reader(request)
    employer = _employer_or_404(request.user, pk)
    form = AccountLinkForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError({k: list(v) for k, v in form.errors.items()})
        account = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
        if account is None:
            raise DomainError({"username": [_("No account with this username.")]})
        svc.employer_account_link(employer=employer, account=account, user=request.user)
    except NotAllowed:
        raise Http404
    except DomainError as e:
        for k, msgs in e.errors.items():
            form.add_error(k if k in form.fields else None, msgs)
        return employer_file(request, pk, link_form=form, status=400)
    messages.success(request, _("The account is linked to this employer."))
    return redirect("employer-file", pk=pk)


@login_required
@require_POST
def employer_account_unlink(request, pk: int, link_id: int):
    _file_reader(request)
    employer = _employer_or_404(request.user, pk)
    link = get_object_or_404(EmployerAccount, pk=link_id, employer=employer)
    try:
        svc.employer_account_unlink(link=link, user=request.user)
    except NotAllowed:
        raise Http404
    except DomainError as e:
        for m in _messages_of(e):
            messages.error(request, m)
    else:
        messages.success(request, _("The account is no longer linked to this employer."))
    return redirect("employer-file", pk=pk)


# --- the enterprise's own grade ------------------------------------------------------------------------------------

@login_required
@never_cache
def my_grade(request):
    if not has_role(request.user, svc.EMPLOYER_USER):
        raise Http404
    return render(request, "blacklist/grading/my_grade.html", {"grades": sel.my_grades(request.user)})


# --- public (only where a province or prefecture turned it on) -----------------------------------------------------

def public_grades(request):
    if limited(request, group="grading.public", rate=getattr(settings, "REGISTRY_RATE", "120/m")):
        return render(request, "blacklist/too_many.html", status=429)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    result = sel.public_grades(q=request.GET.get("q", ""), page=page)
    if result is None:
        raise Http404
    return render(request, "blacklist/grading/public.html", {"result": result, "q": request.GET.get("q", "")})
