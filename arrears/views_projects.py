"""Construction project pages (issue #7).

- The general contractor's account (/projects/…): register a project, its subcontractors, the dedicated wage
  account (number shown masked only), the guarantee, the notice board, the roster and the monthly payroll
  (upload → row report → confirm). It sees only its own projects.
- Inspectors (/staff/projects/…): the projects in their regions with their findings, and a button per finding that
  opens an ex officio inspection case with the finding's evidence attached.
- Completion and settlement (both sides, arrears.services_settlement): completion, the settlement notice and its
  objections, settlement, closing the account, the guarantee refund and the exemption claim. Each page shows only
  the steps its user may take now (``settlement_panel(...)["actions"]``).

Thin: reach from arrears.selectors_projects, rules in arrears.services_projects / imports / findings and
casework.services.ex_officio. Anything the user may not see answers 404."""
import csv
import io
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from casework.access import has_role
from casework.errors import DomainError
from casework.identity import mask_id_for_employer

from . import forms_settlement as fs
from . import imports
from . import services_projects as svc
from . import services_settlement as ss
from .findings import finding_origin, project_findings
from .models_projects import RosterEntry, SettlementObjection, WageGuarantee
from .selectors_projects import GC_ROLE, STAFF_ROLES, project_get, projects_for, staff_project_rows

__all__ = ["my_projects", "project_new", "project_detail", "project_edit_part", "roster_page", "roster_exit",
           "import_page", "import_template", "staff_projects", "staff_project", "staff_open_case", "project_step",
           "staff_project_step", "staff_objection_resolve"]

DATE = forms.DateInput(attrs={"type": "date"})


class ProjectForm(forms.Form):
    name = forms.CharField(label=_l("project name"), max_length=200)
    region_code = forms.CharField(label=_l("region code (county or prefecture)"), max_length=6,
                                  help_text=_l("6 digits, for example 540102 for 城关区"))
    location = forms.CharField(label=_l("project location"), max_length=255, required=False)
    developer_uscc = forms.CharField(label=_l("developer's unified social credit code"), max_length=24)
    developer_name = forms.CharField(label=_l("developer's name"), max_length=200, required=False)
    contractor_uscc = forms.CharField(label=_l("general contractor's unified social credit code"), max_length=24)
    contractor_name = forms.CharField(label=_l("general contractor's name"), max_length=200, required=False)
    contract_value = forms.CharField(label=_l("contract value (yuan)"), max_length=20)
    contract_signed_on = forms.DateField(label=_l("construction contract signed on"), widget=DATE)
    started_on = forms.DateField(label=_l("construction permitted or started on"), widget=DATE, required=False)
    labour_cost_cycle_days = forms.IntegerField(label=_l("labour-cost allocation cycle (days)"), min_value=1)


class SubcontractorForm(forms.Form):
    uscc = forms.CharField(label=_l("subcontractor's unified social credit code"), max_length=24)
    name = forms.CharField(label=_l("subcontractor's name"), max_length=200, required=False)
    scope = forms.CharField(label=_l("scope of work"), max_length=200, required=False)


class AccountForm(forms.Form):
    bank_name = forms.CharField(label=_l("bank"), max_length=100)
    account_name = forms.CharField(label=_l("account name"), max_length=255, required=False,
                                   help_text=_l("empty: contractor name + project name + 农民工工资专用账户"))
    account_number = forms.CharField(label=_l("account number"), max_length=48,
                                     widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    opened_on = forms.DateField(label=_l("opened on"), widget=DATE)


class GuaranteeForm(forms.Form):
    form = forms.ChoiceField(label=_l("form"), choices=WageGuarantee.Form.choices)
    amount = forms.CharField(label=_l("amount (yuan)"), max_length=20)
    deposited_on = forms.DateField(label=_l("deposited on"), widget=DATE)
    bank_name = forms.CharField(label=_l("bank"), max_length=100, required=False)
    reference = forms.CharField(label=_l("guarantee or deposit reference"), max_length=100, required=False)


class BoardForm(forms.Form):
    photo = forms.FileField(label=_l("photo of the board"), required=False)
    photo_taken_on = forms.DateField(label=_l("photo taken on"), widget=DATE, required=False)
    shows_parties = forms.BooleanField(label=_l("shows the developer, contractor and subcontractors"),
                                       required=False)
    shows_minimum_wage = forms.BooleanField(label=_l("shows the local minimum wage"), required=False)
    shows_pay_date = forms.BooleanField(label=_l("shows the pay date"), required=False)
    pay_day_of_month = forms.IntegerField(label=_l("pay day of the month"), min_value=1, max_value=31,
                                          required=False)
    hotline = forms.CharField(label=_l("complaint hotline"), max_length=32, required=False)
    mediation_channel = forms.CharField(label=_l("mediation and arbitration channels"), max_length=255,
                                        required=False)
    legal_aid = forms.CharField(label=_l("legal aid"), max_length=255, required=False)


class RosterForm(forms.Form):
    name = forms.CharField(label=_l("worker's name"), max_length=64)
    id_number = forms.CharField(label=_l("ID number"), max_length=24, widget=forms.TextInput(
        attrs={"autocomplete": "off"}))
    entered_on = forms.DateField(label=_l("entered the site on"), widget=DATE)
    employer_uscc = forms.CharField(label=_l("employing unit's code (empty: the general contractor)"),
                                    max_length=24, required=False)
    trade = forms.CharField(label=_l("trade"), max_length=64, required=False)
    bank_last4 = forms.CharField(label=_l("worker's bank card (last 4)"), max_length=4, required=False)


class ExitForm(forms.Form):
    left_on = forms.DateField(label=_l("left the site on"), widget=DATE)


class ImportForm(forms.Form):
    file = forms.FileField(label=_l("file (.xlsx or .csv)"))
    signed_by_subcontractor = forms.BooleanField(label=_l("the payroll is signed by the subcontractor and by each "
                                                          "worker"), required=False)


PARTS = {
    # name: (form, service, title, initial from the project)
    "subcontractor": (SubcontractorForm, svc.subcontractor_add, _l("Add a subcontractor"), None),
    "account": (AccountForm, svc.account_record, _l("Dedicated wage account"), "wage_account"),
    "guarantee": (GuaranteeForm, svc.guarantee_record, _l("Wage guarantee"), "wage_guarantee"),
    "board": (BoardForm, svc.board_record, _l("Rights notice board"), "notice_board"),
}


def _errors_to_form(form, error: DomainError):
    for key, msgs in error.errors.items():
        field = key.split(".")[-1]
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


def _own_project(request, pk):
    project = project_get(request.user, pk, "edit")
    if project is None:
        raise Http404
    return project


def _related(project, name):
    try:
        return getattr(project, name)
    except Exception:
        return None


@login_required
@never_cache
def my_projects(request):
    if not has_role(request.user, GC_ROLE):
        raise Http404
    projects = projects_for(request.user, "edit").select_related("region").order_by("-contract_signed_on", "id")
    return render(request, "arrears/projects/my_list.html", {"projects": projects})


@login_required
@never_cache
def project_new(request):
    if not has_role(request.user, GC_ROLE):
        raise Http404
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = svc.project_register(user=request.user, **form.cleaned_data)
        except DomainError as e:
            _errors_to_form(form, e)
        else:
            messages.success(request, _("The project is registered. Now record its wage account, guarantee, "
                                        "notice board and roster."))
            return redirect("arrears:project", pk=project.pk)
    return render(request, "arrears/projects/form.html", {"form": form, "title": _("Register a project"),
                                                          "multipart": False},
                  status=400 if form.errors else 200)


def _project_context(project) -> dict:
    account = _related(project, "wage_account")
    return {"project": project, "account": account, "guarantee": _related(project, "wage_guarantee"),
            "board": _related(project, "notice_board"),
            "subcontracts": project.subcontracts.select_related("subcontractor"),
            "payrolls": project.payrolls.select_related("employer").order_by("-period")[:36],
            "roster_count": project.roster.filter(left_on__isnull=True).count()}


def _settlement_context(user, project, contractor: bool) -> dict:
    panel = ss.settlement_panel(user, project)
    return {"settlement": panel, "step_view": "arrears:project-step" if contractor else "arrears:staff-project-step",
            "exemption": ss.exemption_status(project) if contractor and panel["actions"]["exemption"] else None,
            "forms": {"complete": fs.CompleteForm(), "notice": fs.NoticeForm(), "objection": fs.ObjectionForm(),
                      "resolve": fs.ResolveForm(), "close_account": fs.CloseAccountForm(),
                      "exemption": fs.ExemptionForm()}}


@login_required
@never_cache
def project_detail(request, pk):
    project = _own_project(request, pk)
    return render(request, "arrears/projects/detail.html", {
        **_project_context(project), **_settlement_context(request.user, project, True),
        "findings": project_findings(project), "contractor_view": True})


@login_required
@never_cache
def project_edit_part(request, pk, part):
    project = _own_project(request, pk)
    if part not in PARTS:
        raise Http404
    form_cls, service, title, attr = PARTS[part]
    initial = {}
    current = _related(project, attr) if attr else None
    if current is not None:
        initial = {f: getattr(current, f) for f in form_cls.base_fields if hasattr(current, f)
                   and f not in ("account_number", "photo")}
    form = form_cls(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            service(project=project, user=request.user, **data)
        except DomainError as e:
            _errors_to_form(form, e)
        else:
            messages.success(request, _("Saved."))
            return redirect("arrears:project", pk=project.pk)
    return render(request, "arrears/projects/form.html", {
        "form": form, "title": title, "project": project, "multipart": part == "board",
        "masked": current.masked_number if part == "account" and current is not None else ""},
        status=400 if form.errors else 200)


@login_required
@never_cache
def roster_page(request, pk):
    project = _own_project(request, pk)
    form = RosterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.roster_add(project=project, user=request.user, **form.cleaned_data)
        except DomainError as e:
            _errors_to_form(form, e)
        else:
            messages.success(request, _("The worker is on the roster."))
            return redirect("arrears:roster", pk=project.pk)
    # the contractor registered these workers: it sees their names, and ID numbers masked as on documents served
    # on an employer (spec §14)
    entries = [{"entry": e, "name": e.worker.name, "id_masked": mask_id_for_employer(e.worker.id_number)}
               for e in project.roster.select_related("worker", "employer").order_by("-left_on", "entered_on")]
    return render(request, "arrears/projects/roster.html", {"project": project, "form": form, "entries": entries,
                                                            "exit_form": ExitForm()},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def roster_exit(request, pk, entry_id):
    project = _own_project(request, pk)
    entry = RosterEntry.objects.filter(project=project, pk=entry_id).first()
    if entry is None:
        raise Http404
    form = ExitForm(request.POST)
    if form.is_valid():
        try:
            svc.roster_exit(entry=entry, user=request.user, left_on=form.cleaned_data["left_on"])
            messages.success(request, _("The exit is recorded."))
        except DomainError as e:
            messages.error(request, e.message)
    else:
        messages.error(request, _("Enter a date as YYYY-MM-DD."))
    return redirect("arrears:roster", pk=project.pk)


def _stash(request, kind, project, name, data, rows) -> str:
    token = imports.stash(data)
    request.session[f"import-{token}"] = {"kind": kind, "project": project.pk, "name": name[:200], "rows": rows}
    return token


def _unstash(request, token, kind, project):
    meta = request.session.get(f"import-{token}")
    if not meta or meta["kind"] != kind or meta["project"] != project.pk:
        return None, None
    data = imports.unstash(token)
    return (meta, data) if data is not None else (None, None)


def _drop_stash(request, token):
    request.session.pop(f"import-{token}", None)
    imports.drop_stash(token)


@login_required
@never_cache
def import_page(request, pk, kind):
    """Upload → the row report (nothing written) → "import the N valid rows" (the same file, checked again)."""
    project = _own_project(request, pk)
    if kind not in ("roster", "payroll"):
        raise Http404
    preview = imports.roster_preview if kind == "roster" else imports.payroll_preview
    commit = imports.roster_import if kind == "roster" else imports.payroll_import
    form = ImportForm(request.POST or None, request.FILES or None)
    report, token = None, request.POST.get("token", "")
    if request.method == "POST" and token:
        meta, data = _unstash(request, token, kind, project)
        if data is None:
            messages.error(request, _("The uploaded file has expired. Upload it again."))
            return redirect("arrears:import", pk=project.pk, kind=kind)
        signed = request.POST.get("signed_by_subcontractor") == "on"
        if meta.get("rows", 0) >= imports.JOB_FROM_ROWS:
            from casework.services.jobs import start_job

            request.session.pop(f"import-{token}", None)  # the job owns the stashed file now
            job = start_job(imports.JOB_KIND, request.user, {"project": project.pk, "kind": kind, "token": token,
                                                             "name": meta["name"], "signed": signed})
            return redirect("staff-job", job_id=job.pk)
        kw = {"signed_by_subcontractor": signed} if kind == "payroll" else {}
        try:
            done = commit(project=project, user=request.user, file_name=meta["name"], data=data, **kw)
        except DomainError as e:
            messages.error(request, e.message)
            return redirect("arrears:import", pk=project.pk, kind=kind)
        _drop_stash(request, token)
        messages.success(request, _("%(n)s rows imported.") % {"n": done.written})
        return render(request, "arrears/projects/import.html", {"project": project, "kind": kind, "form": ImportForm(),
                                                                "report": done, "done": True})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(20 * 1024 * 1024 + 1)
        if len(data) > 20 * 1024 * 1024:
            form.add_error("file", _("The file is larger than %(mb)s MB. Split it.") % {"mb": 20})
        else:
            report = preview(project=project, file_name=upload.name, data=data)
            if report.file_error:
                form.add_error("file", report.file_error)
                report = None
            elif report.valid:
                token = _stash(request, kind, project, upload.name, data, len(report.valid))
    return render(request, "arrears/projects/import.html", {
        "project": project, "kind": kind, "form": form, "report": report, "token": token,
        "signed": request.POST.get("signed_by_subcontractor") == "on"}, status=400 if form.errors else 200)


@login_required
def import_template(request, kind, fmt):
    if kind not in ("roster", "payroll") or fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        resp = HttpResponse(imports.template_csv(kind), content_type="text/csv; charset=utf-8")
    else:
        resp = HttpResponse(imports.template_xlsx(kind), content_type="application/vnd.openxmlformats-officedocument"
                                                                      ".spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return resp


# --- inspectors -------------------------------------------------------------------------------------------------

@login_required
@never_cache
def staff_projects(request):
    if not has_role(request.user, *STAFF_ROLES):
        raise Http404
    rows = staff_project_rows(request.user)
    total = projects_for(request.user).count()
    return render(request, "arrears/projects/staff_list.html", {"rows": rows, "total": total})


@login_required
@never_cache
def staff_project(request, pk):
    if not has_role(request.user, *STAFF_ROLES):
        raise Http404
    project = project_get(request.user, pk)
    if project is None:
        raise Http404
    from casework.services.ex_officio import open_case_for_origin

    from .selectors_projects import can_inspect_project

    found = project_findings(project)
    can_open = can_inspect_project(request.user, project)
    rows = []
    for f in found:
        origin = finding_origin(f)
        case = open_case_for_origin(origin=origin, employer=project.general_contractor, project=project)
        rows.append({"finding": f, "origin": origin, "case": case})
    return render(request, "arrears/projects/detail.html", {
        **_project_context(project), **_settlement_context(request.user, project, False),
        "finding_rows": rows, "can_open": can_open, "contractor_view": False})


def _evidence_csv(project, finding) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([_("project"), project.name])
    w.writerow([_("finding"), finding.label])
    w.writerow([_("detail"), finding.detail])
    for key, value in finding.evidence.items():
        if isinstance(value, list):
            for item in value:
                w.writerow([key, json.dumps(item, ensure_ascii=False) if isinstance(item, dict) else item])
        else:
            w.writerow([key, value])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@login_required
@require_POST
def staff_open_case(request, pk):
    from casework.services.ex_officio import ex_officio_open

    project = project_get(request.user, pk, "inspect")
    if project is None:
        raise Http404
    origin = request.POST.get("origin", "")
    finding = next((f for f in project_findings(project) if finding_origin(f) == origin), None)
    if finding is None:
        messages.error(request, _("This finding no longer applies."))
        return redirect("arrears:staff-project", pk=project.pk)
    facts = _("Safeguard finding on construction project %(project)s: %(label)s. %(detail)s") % {
        "project": project.name, "label": finding.label, "detail": finding.detail}
    try:
        complaint = ex_officio_open(user=request.user, employer=project.general_contractor, region=project.region,
                                    facts=facts, project=project, origin=origin,
                                    evidence=[(f"{finding.code}.csv", _evidence_csv(project, finding))])
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("arrears:staff-project", pk=project.pk)
    messages.success(request, _("Inspection case %(number)s opened.") % {"number": complaint.case_number})
    return redirect("staff-case", case_number=complaint.case_number)


# --- completion and settlement (arrears.services_settlement) ------------------------------------------------------

def _step(service):
    return lambda user, project, data: service(user=user, project=project, **data)


STEPS = {
    # name: (form, call(user, project, cleaned data), title, success message, multipart)
    "complete": (fs.CompleteForm, _step(ss.project_complete), _l("Record the completion"),
                 _l("The completion is recorded."), False),
    "notice": (fs.NoticeForm, _step(ss.settlement_notice_post), _l("Post the wage-settlement notice"),
               _l("The settlement notice is recorded; its period has started."), True),
    "objection": (fs.ObjectionForm, _step(ss.objection_record), _l("Record an objection to the notice"),
                  _l("The objection is recorded."), False),
    "settle": (fs.ConfirmForm, _step(ss.project_settle), _l("Record the wage settlement"),
               _l("The project is settled."), False),
    "close-account": (fs.CloseAccountForm, _step(ss.account_close), _l("Close the dedicated wage account"),
                      _l("The account closure is recorded."), False),
    "refund-apply": (fs.ConfirmForm, _step(ss.guarantee_refund_apply), _l("Apply for the guarantee refund"),
                     _l("The refund application is recorded."), False),
    "refund-approve": (fs.ConfirmForm, _step(ss.guarantee_refund_approve), _l("Approve the guarantee refund"),
                       _l("The guarantee is refunded."), False),
    "exemption": (fs.ExemptionForm, lambda user, project, d: svc.guarantee_exemption_claim(
        user=user, project=project, **d), _l("Claim the guarantee exemption"), _l("The exemption is recorded."),
        False),
}
CONTRACTOR_STEPS = {"complete", "notice", "settle", "close-account", "refund-apply", "exemption"}
STAFF_STEP_NAMES = {"complete", "objection", "settle", "refund-approve"}


def _run_step(request, project, step, *, back: str):
    form_cls, call, title, done, multipart = STEPS[step]
    posted = request.method == "POST"
    form = form_cls(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                call(request.user, project, dict(form.cleaned_data))
            except DomainError as e:
                _errors_to_form(form, e)
                status = e.status
            else:
                messages.success(request, done)
                return redirect(back)
        else:
            status = 400
    context = {"form": form, "title": title, "project": project, "multipart": multipart, "back": back,
               "settlement": ss.settlement_panel(request.user, project)}
    if step == "exemption":
        context["exemption"] = ss.exemption_status(project)
    return render(request, "arrears/projects/settlement_step.html", context, status=status)


@login_required
@never_cache
def project_step(request, pk, step):
    """The contractor's steps (/projects/<id>/settlement/<step>/)."""
    project = _own_project(request, pk)
    if step not in CONTRACTOR_STEPS:
        raise Http404
    from django.urls import reverse

    return _run_step(request, project, step, back=reverse("arrears:project", args=[project.pk]) + "#settlement")


def _staff_project(request, pk):
    if not has_role(request.user, *STAFF_ROLES):
        raise Http404
    project = project_get(request.user, pk)
    if project is None:
        raise Http404
    return project


@login_required
@never_cache
def staff_project_step(request, pk, step):
    """Inspectors' and heads' steps (/staff/projects/<id>/settlement/<step>/); staff who may see the project but
    not act on it get 403 (the service decides)."""
    project = _staff_project(request, pk)
    if step not in STAFF_STEP_NAMES:
        raise Http404
    from django.urls import reverse

    return _run_step(request, project, step,
                     back=reverse("arrears:staff-project", args=[project.pk]) + "#settlement")


@login_required
@require_POST
def staff_objection_resolve(request, pk, objection_id):
    project = _staff_project(request, pk)
    objection = SettlementObjection.objects.filter(notice__project=project, pk=objection_id).first()
    if objection is None:
        raise Http404
    form = fs.ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for msgs in form.errors.values() for m in msgs))
    else:
        try:
            ss.objection_resolve(user=request.user, objection=objection, **form.cleaned_data)
        except DomainError as e:
            if e.status == 403:
                return HttpResponseForbidden(e.message)
            messages.error(request, e.message)
        else:
            messages.success(request, _("The objection is resolved."))
    return redirect("arrears:staff-project", pk=project.pk)
