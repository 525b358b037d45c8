"""Staff pages: inbox and queue, the task page, the case list and case page with its actions, evidence download
and system alerts.

Thin by design: reach and rules come from casework.access, casework.selectors, casework.workflow and
casework.services.case_actions. Anything a user may not see answers 404, so a case number or task id from another
region reveals nothing.
"""
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from arrears.services import complaint_totals

from ..access import Role, can_view_complaint, has_role, sees_pii
from ..privacy import pii_access_record
from ..errors import Conflict, DomainError, NotAllowed
from ..models import Attachment, SystemAlert
from ..privacy import person_view
from ..selectors import (case_get_for_user, case_list_for_user, case_messages, case_timeline, deadlines_of,
                         supervision_overview)
from ..services import case_actions
from ..services.inspection import assignable_inspectors
from ..workflow import (case_of_task, inbox_for, queue_for, step_spec, task_assign, task_complete, task_for_user,
                        task_unassign, track_of)
from .forms import CaseFilterForm, EvidenceForm, InspectionRecordForm, PaymentForm, VerifyItemForm

__all__ = ["home", "task_detail", "task_take", "task_release", "case_list", "case_detail", "evidence_download",
           "alerts"]

SOON_DAYS = 7  # "due soon" on the home page: a display choice, not a legal period
OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def _next_due(tasks_cases):
    """Each case's next open deadline (one query per track, whatever the number of rows)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Min
    from django.db.models.functions import Coalesce

    from ..models import Deadline

    by_model: dict = {}
    for case in tasks_cases:
        by_model.setdefault(type(case), set()).add(case.pk)
    today = timezone.localdate()
    out = {}
    for model, ids in by_model.items():
        rows = (Deadline.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids,
                                        status__in=[Deadline.Status.OPEN, Deadline.Status.EXTENDED,
                                                    Deadline.Status.BREACHED])
                .values("object_id").annotate(next_due=Min(Coalesce("extended_to", "due_date"))))
        for r in rows:
            out[(model, r["object_id"])] = {"next_due": r["next_due"], "is_overdue": r["next_due"] < today}
    return out


def _task_rows(user, tasks):
    from django.db.models import prefetch_related_objects

    pairs = []
    for t in tasks:
        spec = track_of(t)
        pairs.append((t, spec, getattr(t.process, spec.accessor)))
    # cases that name their respondent through their parties: one query for all rows, not one per row
    prefetch_related_objects([c for _t, _s, c in pairs if hasattr(c, "respondent_label")], "parties__employer")
    rows = []
    for t, spec, case in pairs:
        rows.append({"task": t, "case": case, "case_url": spec.case_url(case), "title": t.flow_task.task_title,
                     "party": _party_label(case)})
    due = _next_due([r["case"] for r in rows])
    for r in rows:
        r["due"] = due.get((type(r["case"]), r["case"].pk), {})
    return rows


def _party_label(case) -> str:
    employer = getattr(case, "employer", None)
    if employer is not None:
        return employer.name
    label = getattr(case, "respondent_label", None)
    return label() if callable(label) else ""


@login_required
@never_cache
def home(request):
    user = request.user
    party_roles = ("worker", "worker_rep", "employer_user")
    staff_roles = ("intake_officer", "inspector", "inspection_head", "auditor", "sysadmin", "mediator",
                   "arbitration_clerk", "arbitrator", "arbitration_chair", "credit_officer", "publisher",
                   "grading_officer", "police_liaison", "procuratorate_liaison")
    if has_role(user, *party_roles) and not has_role(user, *staff_roles):
        return redirect("disputes:my-cases")  # a party's account has no staff work: show its own cases
    if has_role(user, "general_contractor_user") and not has_role(user, *staff_roles):
        return redirect("arrears:my-projects")  # a contractor's clerk keeps its projects (docs/construction.md)
    today = timezone.localdate()
    cases = case_list_for_user(user)
    return render(request, "staff/home.html", {
        "inbox": _task_rows(user, inbox_for(user)[:200]),
        "queue": _task_rows(user, queue_for(user)[:200]),
        "overdue": cases.filter(is_overdue=True).count(),
        "soon": cases.filter(is_overdue=False, next_due__gte=today,
                             next_due__lte=today + dt.timedelta(days=SOON_DAYS)).count(),
        "soon_days": SOON_DAYS, "today": today,
        "can_register": has_role(user, Role.INTAKE_OFFICER),
        "supervision": supervision_overview(user, soon_days=SOON_DAYS) if has_role(user, Role.INSPECTION_HEAD)
        else None,
        "notifications": list(user.notifications.order_by("-created_at", "-id")[:10]),
    })


# --- tasks ---------------------------------------------------------------------------------------------------------

def _task_or_404(user, task_id):
    try:
        return task_for_user(user, task_id)
    except NotAllowed:
        raise Http404


def _with_blank_choices(form):
    """A required choice starts empty on the page, so nobody accepts or refuses a complaint by pressing the button
    on an untouched form. Display only: task_complete validates with the step's own form."""
    for field in form.fields.values():
        choices = list(getattr(field, "choices", []) or [])
        if field.required and choices and not any(v == "" for v, _label in choices) \
                and not isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            field.choices = [("", _("Choose…"))] + choices
    return form


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def task_detail(request, task_id: int):
    user = request.user
    task = _task_or_404(user, task_id)
    spec = step_spec(task)
    if spec is None:
        raise Http404
    errors = {}
    if request.method == "POST":
        try:
            # the QueryDict itself: a multiple-choice field (a task team) keeps every value
            case = task_complete(user=user, task_id=task.pk, data=request.POST)
        except Conflict as e:
            return render(request, "staff/task_conflict.html", {
                "message": e.message, "task": task, "case_url": track_of(task).case_url(case_of_task(task))},
                status=409)
        except NotAllowed:
            raise Http404
        except DomainError as e:
            errors = e.errors
        else:
            messages.success(request, _("“%(step)s” is done for case %(case)s.")
                             % {"step": task.flow_task.task_title, "case": case.case_number})
            return redirect(track_of(task).case_url(case))
        task.refresh_from_db()
    track = track_of(task)
    case = case_of_task(task)
    mine = task.owner_id == user.pk and task.status in (STATUS.ASSIGNED, STATUS.STARTED)
    can_take = task.status == STATUS.NEW and not task.owner_id and task.flow_task.can_assign(user, task)
    can_do = (mine and task.flow_task.can_execute(user, task)) or can_take
    form = _with_blank_choices(spec.form(request.POST if request.method == "POST" else None))
    is_complaint = track.key == "inspection"
    return render(request, "staff/task.html", {
        "task": task, "title": task.flow_task.task_title, "case": case, "case_url": track.case_url(case),
        "summary_template": track.summary_template, "complaint": case if is_complaint else None, "form": form,
        "errors": errors, "top_errors": errors.get("__all__", []) + [
            m for k, v in errors.items() if k != "__all__" and k not in form.fields for m in v],
        "field_errors": {k: v for k, v in errors.items() if k in form.fields},
        "mine": mine, "can_take": can_take, "can_do": can_do,
        "totals": complaint_totals(case) if is_complaint else None, "deadlines": deadlines_of(case),
    }, status=400 if errors else 200)


@login_required
@require_POST
def task_take(request, task_id: int):
    try:
        task = task_assign(user=request.user, task_id=task_id)
    except Conflict as e:
        messages.error(request, e.message)
        return redirect("staff-home")
    except NotAllowed:
        raise Http404
    messages.success(request, _("The task is now yours."))
    return redirect("staff-task", task_id=task.pk)


@login_required
@require_POST
def task_release(request, task_id: int):
    try:
        task_unassign(user=request.user, task_id=task_id)
    except Conflict as e:
        messages.error(request, e.message)
        return redirect("staff-task", task_id=task_id)
    except NotAllowed:
        raise Http404
    messages.info(request, _("The task is back in the queue."))
    return redirect("staff-home")


# --- cases ---------------------------------------------------------------------------------------------------------

@login_required
@never_cache
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = case_list_for_user(request.user, stage=f.get("stage") or None, region=f.get("region") or None,
                            overdue={"1": True, "0": False}.get(f.get("overdue") or ""), q=f.get("q") or None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "staff/case_list.html", {"form": form, "page": page, "today": timezone.localdate()})


def _item_rows(user, complaint):
    rows = []
    for item in complaint.items.select_related("worker"):
        informant = complaint.confidential_informant and item.worker_id == complaint.complainant_id
        worker = person_view(item.worker, viewer=user, complaint=complaint, informant=informant) or {}
        rows.append({"item": item, "worker": worker})
    return rows


ACTIONS = {
    "inspection_record": InspectionRecordForm, "verify_item": VerifyItemForm, "record_payment": PaymentForm,
    "add_evidence": EvidenceForm,
}


def _forms(user, complaint, items, bound_action=None, data=None, files=None):
    """The action forms the user may use on this case now (None where not)."""
    may = {a: case_actions.can_act_on_case(user, complaint, a) for a in ACTIONS}
    state = complaint.state
    out = {}

    def make(action, cls, **kw):
        if action == bound_action:
            return cls(data, files, **kw)
        return cls(**kw)

    out["inspection_record"] = make("inspection_record", InspectionRecordForm,
                                    inspectors=assignable_inspectors(complaint),
                                    initial={"held_on": timezone.localdate(), "inspectors": [str(user.pk)]}) \
        if may["inspection_record"] and state in case_actions.VERIFY_STATES else None
    out["verify_item"] = may["verify_item"] and state in case_actions.VERIFY_STATES
    pay_items = [(r["item"], "%s · %s %s–%s" % (r["worker"].get("name") or "—", r["item"].get_category_display(),
                                                r["item"].period_start, r["item"].period_end)) for r in items]
    out["record_payment"] = make("record_payment", PaymentForm, items=pay_items,
                                 initial={"paid_on": timezone.localdate()}) \
        if may["record_payment"] and state in case_actions.PAYMENT_STATES and items else None
    out["add_evidence"] = make("add_evidence", EvidenceForm) \
        if may["add_evidence"] and state in case_actions.EVIDENCE_STATES else None
    return out


def _run_action(request, complaint, action, form):
    user = request.user
    d = form.cleaned_data
    if action == "inspection_record":
        chosen = {int(pk) for pk in d["inspectors"]}
        inspectors = [u for u in assignable_inspectors(complaint) if u.pk in chosen]
        case_actions.case_add_inspection_record(user=user, complaint=complaint, kind=d["kind"], held_on=d["held_on"],
                                                place=d["place"], summary=d["summary"], inspectors=inspectors)
        return _("The inspection record was added."), "records"
    if action == "verify_item":
        case_actions.case_verify_item(user=user, complaint=complaint, item_id=d["item_id"],
                                      amount_verified=d["amount_verified"], note=d["note"])
        return _("The verified amount was saved."), "items"
    if action == "record_payment":
        case_actions.case_record_payment(user=user, complaint=complaint, item_id=d["item_id"], amount=d["amount"],
                                         paid_on=d["paid_on"], method=d["method"], reference=d["reference"])
        return _("The payment was recorded."), "items"
    case_actions.case_add_evidence(user=user, complaint=complaint, upload=d["file"], description=d["description"],
                                   audience=d["audience"])
    return _("The file was added to the case."), "evidence"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case_detail(request, case_number: str):
    user = request.user
    try:
        complaint = case_get_for_user(user, case_number)
    except NotAllowed:
        raise Http404
    items = _item_rows(user, complaint)
    if request.method == "GET" and sees_pii(user, complaint):
        pii_access_record(user=user, complaint=complaint, what="case_page")
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and action not in ACTIONS:
        raise Http404
    action_forms = _forms(user, complaint, items, action, request.POST, request.FILES)
    verify_errors = {}
    status = 200
    if action:
        form = action_forms.get(action)
        if action == "verify_item":
            form = VerifyItemForm(request.POST) if action_forms["verify_item"] else None
        if form is None:
            messages.error(request, _("You may not do this on this case now."))
            return redirect("staff-case", case_number=complaint.case_number)
        if form.is_valid():
            try:
                done, anchor = _run_action(request, complaint, action, form)
            except DomainError as e:  # NotAllowed included: shown, never a crash
                for key, msgs in e.errors.items():
                    for m in msgs:
                        form.add_error(key if key in form.fields and not form.fields[key].widget.is_hidden
                                       else None, m)
            else:
                messages.success(request, done)
                return redirect(reverse("staff-case", args=[complaint.case_number]) + f"#{anchor}")
        status = 400
        if action == "verify_item":
            try:
                item_pk = int(form.data.get("item_id"))
            except (TypeError, ValueError):
                item_pk = None
            verify_errors[item_pk] = {
                "messages": [m for msgs in form.errors.values() for m in msgs],
                "value": form.data.get("amount_verified", ""), "note": form.data.get("note", "")}
            if item_pk is None or not complaint.items.filter(pk=item_pk).exists():
                for m in verify_errors[item_pk]["messages"]:
                    messages.error(request, m)
    complaint.refresh_from_db()
    items = _item_rows(user, complaint)
    tasks = (Task.objects.filter(process_id=complaint.process_id, flow_task_type="HUMAN", status__in=OPEN)
             .select_related("owner").order_by("created")) if complaint.process_id else []
    return render(request, "staff/case.html", {
        "c": complaint,
        "complainant": person_view(complaint.complainant, viewer=user, complaint=complaint,
                                   informant=complaint.confidential_informant),
        "representatives": [person_view(r.person, viewer=user, complaint=complaint)
                            for r in complaint.representatives.select_related("person")],
        "items": items, "totals": complaint_totals(complaint), "deadlines": deadlines_of(complaint),
        "documents": complaint.documents.select_related("issued_by"),
        "records": complaint.inspection_records.prefetch_related("inspectors").select_related("recorded_by"),
        "attachments": complaint.attachments.order_by("uploaded_at", "pk"),
        "payments": complaint.payments.select_related("item").order_by("paid_on", "pk"),
        "tasks": [{"task": t, "title": t.flow_task.task_title} for t in tasks],
        "timeline": case_timeline(complaint), "messages_sent": case_messages(complaint, viewer=user),
        "forms": action_forms, "verify_errors": verify_errors,
        "today": timezone.localdate(),
    }, status=status)


# --- evidence -------------------------------------------------------------------------------------------------------

@login_required
def evidence_download(request, attachment_id: int):
    """The file through Django's storage, only to case staff who may see the case (auditors included)."""
    att = Attachment.objects.select_related("complaint").filter(pk=attachment_id, complaint__isnull=False).first()
    user = request.user
    if att is None or not has_role(user, *Role.STAFF_CASE_ROLES) or not can_view_complaint(user, att.complaint):
        raise Http404
    try:
        handle = att.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    pii_access_record(user=user, complaint=att.complaint, what="evidence", detail=f"attachment {att.pk}")
    response = FileResponse(handle, as_attachment=True, filename=att.original_name, content_type=att.mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- alerts ---------------------------------------------------------------------------------------------------------

@login_required
@never_cache
def alerts(request):
    if not has_role(request.user, Role.INSPECTION_HEAD, Role.SYSADMIN):
        raise Http404
    rows = list(SystemAlert.objects.order_by("-created_at"))
    return render(request, "staff/alerts.html", {
        "open": [a for a in rows if a.resolved_at is None],
        "resolved": [a for a in rows if a.resolved_at is not None][:50],
    })
