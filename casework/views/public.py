"""Public pages for workers (no account): home, the guided complaint in five steps with save-and-resume, the
receipt, and tracking with the case number and access code.

Views only read input, call one service or selector and render. The rules are
``casework.services.intake`` (each step checked with ``intake_validate(payload, fields=STEP_FIELDS[n])``, the
whole complaint by ``complaint_submit``), ``casework.services.evidence.evidence_store`` and
``casework.services.inspection.complaint_resubmit``.

Nothing typed is ever lost: every POST of a step first stores what was typed in the draft, then checks it.
"""
import datetime as dt
import logging
import re
import time

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..errors import DomainError
from ..models import Complaint, ComplaintState, Language
from ..selectors import tracking_view
from ..services.config import MissingConfiguration, rule
from ..services.evidence import evidence_store
from ..services.inspection import complaint_resubmit
from ..access import Role, has_role
from ..ratelimits import limited
from ..services.case_actions import complaint_intake
from ..services.tracks import track_lookup, tracking_page
from ..services.intake import STEP_FIELDS, complaint_for_tracking, intake_validate, normalise_case_number
from . import drafts
from .forms import LAST_STEP, REVIEW_STEP, STEPS, ResubmitForm, TrackForm, bind_step, blank_row, error_summary, \
    read_step

__all__ = ["home", "intake_step", "intake_review", "intake_resume", "intake_receipt", "intake_discard", "track",
           "track_result", "track_forget"]

log = logging.getLogger(__name__)

RECEIPT_KEY = "intake_receipt"
TRACK_KEY = "track_case"
TRACK_SESSION_SECONDS = 60 * 60  # a verified case stays open on this device for an hour (shared phones)


def _periods() -> dict:
    """The legal periods the public pages mention, from the rule table (never written into a template)."""
    out = {}
    for key, rule_id in (("accept", "INSP-ACCEPT"), ("investigation", "INSP-INVESTIGATION")):
        try:
            out[key] = rule(rule_id)
        except MissingConfiguration:
            out[key] = None
    return out


def home(request):
    return render(request, "public/home.html", {"periods": _periods()})


# --- the guided complaint ------------------------------------------------------------------------------------------

def _defaults() -> dict:
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return {"kind": Complaint.Kind.COMPLAINT,
            "complainant.preferred_language": lang if lang in Language.values else Language.ZH}


def _step_context(request, draft, step, data, errors, *, upload_errors=None):
    errors = dict(errors or {})
    data = dict(data)
    for group in STEPS[step].groups:  # a list that must show at least one (empty) row to type into
        if group.repeat and len(data.get(group.key) or []) < group.min_rows:
            data[group.key] = list(data.get(group.key) or []) + [{i.name: "" for i in group.inputs}]
    if upload_errors:
        errors["evidence"] = upload_errors
    return {
        "step": STEPS[step], "steps": STEPS.values(), "last_step": LAST_STEP,
        "reached": draft.step if draft else 1, "draft": draft,
        "groups": bind_step(step, data, errors, defaults=_defaults()),
        "errors": error_summary(errors), "evidence_errors": errors.get("evidence", []),
        "attachments": list(draft.attachments.order_by("uploaded_at", "pk")) if draft else [],
        "resume_url": request.build_absolute_uri(reverse("intake-resume", args=[draft.token])) if draft else "",
        "max_files": settings.EVIDENCE_MAX_FILES, "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
    }


def _store_uploads(request, draft) -> list[str]:
    """Store each chosen file at once; a refused file is reported on the file field and nothing else is lost."""
    problems = []
    for upload in request.FILES.getlist("evidence"):
        try:
            evidence_store(upload=upload, draft=draft)
        except DomainError as e:
            problems.extend(e.errors.get("evidence") or [e.message])
    return problems


def _step_redirect(step: int, anchor: str = ""):
    url = reverse("intake-start") if step == 1 else (reverse("intake-review") if step >= REVIEW_STEP
                                                     else reverse("intake-step", args=[step]))
    return redirect(url + (f"#{anchor}" if anchor else ""))


@never_cache
@require_http_methods(["GET", "POST"])
def intake_step(request, step: int = 1):
    if step not in STEPS:
        raise Http404
    draft = drafts.draft_current(request)
    if step > 1 and (draft is None or draft.step < step):
        return _step_redirect(draft.step if draft else 1)
    data = drafts.draft_data(draft)
    if request.method == "GET":
        return render(request, "public/intake_step.html", _step_context(request, draft, step, data, {}))

    action = request.POST.get("action", "next")
    data = read_step(step, request.POST, data)
    if draft is None:
        draft = drafts.draft_create(request, data)
    upload_errors = _store_uploads(request, draft) if STEPS[step].uploads else []
    if action == "upload" and not upload_errors and not request.FILES.getlist("evidence"):
        upload_errors = [_("Choose one or more files first, then press “Add the files”.")]

    group = next((g for g in STEPS[step].groups if g.repeat), None)
    if group and action == f"add-{group.key}":
        rows = data.get(group.key) or []
        if group.max_rows is None or len(rows) < group.max_rows():
            rows.append({i.name: "" for i in group.inputs})
        data[group.key] = rows
        drafts.draft_save(draft, data)
        return _step_redirect(step, f"f-{group.key}-{len(rows) - 1}-{group.inputs[0].name}")
    if group and action.startswith(f"remove-{group.key}-"):
        idx = action.rsplit("-", 1)[1]
        rows = data.get(group.key) or []
        if idx.isdigit() and int(idx) < len(rows):
            rows.pop(int(idx))
        data[group.key] = rows
        drafts.draft_save(draft, data)
        messages.info(request, _("The row was removed."))
        return _step_redirect(step, f"s-{group.key}")
    if action.startswith("remove-file-"):
        if drafts.draft_attachment_remove(draft, action.rsplit("-", 1)[1]):
            messages.info(request, _("The file was removed."))
        drafts.draft_save(draft, data)
        return _step_redirect(step, "s-evidence")
    if action in ("upload", "save", "back") or upload_errors:
        drafts.draft_save(draft, data)
        if upload_errors:
            ctx = _step_context(request, draft, step, data, {}, upload_errors=upload_errors)
            return render(request, "public/intake_step.html", ctx, status=400)
        if action == "back":
            return _step_redirect(max(step - 1, 1))
        if action == "save":
            return render(request, "public/intake_saved.html", _step_context(request, draft, step, data, {}))
        messages.success(request, _("The file was added."))
        return _step_redirect(step, "s-evidence")

    # "next": drop rows left completely empty, then check this step's fields only
    if group:
        data[group.key] = [row for row in data.get(group.key) or [] if not blank_row(row)]
    try:
        intake_validate(data, fields=STEP_FIELDS[step])
    except DomainError as e:
        drafts.draft_save(draft, data)
        return render(request, "public/intake_step.html", _step_context(request, draft, step, data, e.errors),
                      status=400)
    drafts.draft_save(draft, data, reached=step + 1)
    return _step_redirect(step + 1)


def _is_intake_officer(request) -> bool:
    return has_role(request.user, Role.INTAKE_OFFICER)


def _review_context(request, draft, data, errors):
    officer = _is_intake_officer(request)
    sections = [(s, [g for g in bind_step(s.number, data, {}) if g.fields or g.rows]) for s in STEPS.values()]
    return {"draft": draft, "sections": sections, "errors": error_summary(errors or {}, across_steps=True),
            "steps": STEPS.values(),
            "last_step": LAST_STEP, "reached": draft.step, "review": True,
            "attachments": list(draft.attachments.order_by("uploaded_at", "pk")),
            "resume_url": request.build_absolute_uri(reverse("intake-resume", args=[draft.token])),
            "officer": officer, "channels": Complaint.Channel.choices, "entry": {"channel": "phone_12333"},
            "field_errors": errors or {}}


@never_cache
@require_http_methods(["GET", "POST"])
def intake_review(request):
    draft = drafts.draft_current(request)
    if draft is None or draft.step < REVIEW_STEP:
        return _step_redirect(draft.step if draft else 1)
    data = drafts.draft_data(draft)
    if request.method == "GET":
        errors = {}
        try:
            intake_validate(data)
        except DomainError as e:
            errors = e.errors
        return render(request, "public/intake_review.html", _review_context(request, draft, data, errors))
    officer = _is_intake_officer(request)
    entry = {k: request.POST.get(k, "") for k in ("channel", "received_at", "national_clue_id")} if officer else {}
    try:
        # A worker online, or an intake officer registering a phone, letter or walk-in complaint: same rules.
        result = complaint_intake(payload=data, attachments=list(draft.attachments.all()),
                                  actor=request.user if officer else None, **entry)
    except DomainError as e:
        ctx = _review_context(request, draft, data, e.errors)
        ctx["entry"] = entry
        return render(request, "public/intake_review.html", ctx, status=400)
    except Exception:  # the database or the flow failed: the draft is untouched, say so plainly
        log.exception("complaint submit failed for draft %s", draft.pk)
        ctx = _review_context(request, draft, data, {})
        ctx["failure"] = True
        return render(request, "public/intake_review.html", ctx, status=503)
    request.session[RECEIPT_KEY] = {
        "case_number": result.complaint.case_number, "access_code": result.access_code,
        "acceptance_due": result.acceptance_due.isoformat(), "kind": result.complaint.kind,
    }
    drafts.draft_discard(request, draft, delete_files=False)
    return redirect("intake-receipt")


@never_cache
def intake_receipt(request):
    """Shown once: the access code is not stored anywhere in clear, and a shared phone should not keep it."""
    receipt = request.session.pop(RECEIPT_KEY, None)
    if receipt:
        receipt["acceptance_due"] = dt.date.fromisoformat(receipt["acceptance_due"])
    return render(request, "public/intake_receipt.html", {"receipt": receipt, "periods": _periods()})


@never_cache
def intake_resume(request, token):
    draft = drafts.draft_by_token(token)
    if draft is None:
        return render(request, "public/intake_resume_invalid.html", status=404)
    drafts.draft_remember(request, draft)
    messages.info(request, _("Welcome back. Everything you entered before is still here."))
    return _step_redirect(min(draft.step, REVIEW_STEP))


@require_POST
def intake_discard(request):
    drafts.draft_discard(request)
    messages.info(request, _("Your unfinished complaint was deleted from this system."))
    return redirect("home")


# --- tracking ------------------------------------------------------------------------------------------------------

def _tracking_rate(group, request):
    return settings.TRACKING_RATE


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    # An explicit check, so the answer is a friendly 429 page; a cache outage does not block tracking
    # (casework.ratelimits).
    if request.method == "POST" and limited(request, group="casework.views.public.track",
                                            rate=_tracking_rate(None, request)):
        return render(request, "public/too_many.html", status=429)
    form = TrackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        number = normalise_case_number(form.cleaned_data["case_number"])
        other = None
        if number is None:  # a mediation or arbitration number (15 digits)? Other tracks answer through the registry
            other = track_lookup(form.cleaned_data["case_number"], form.cleaned_data["access_code"])
        if other is not None:
            return redirect(tracking_page(request, other))
        if number is None and len(re.sub(r"\D", "", form.cleaned_data["case_number"])) == 15:
            form.add_error(None, _("The case number and access code do not match any case. Check both against "
                                   "your receipt and try again, or call 12333."))
        elif number is None:
            form.add_error("case_number", _("A case number has 14 digits (15 for mediation and arbitration) and "
                                            "its last digit is a check digit. Please compare it with your "
                                            "receipt."))
        else:
            complaint = complaint_for_tracking(number, form.cleaned_data["access_code"])
            if complaint is not None:
                request.session.cycle_key()
                request.session[TRACK_KEY] = {"id": complaint.pk, "at": time.time()}
                return redirect("track-result")
            form.add_error(None, _("The case number and access code do not match any case. Check both against "
                                   "your receipt and try again, or call 12333."))
    return render(request, "public/track.html", {"form": form}, status=400 if form.errors else 200)


def _tracked_complaint(request):
    entry = request.session.get(TRACK_KEY) or {}
    if not entry or time.time() - entry.get("at", 0) > TRACK_SESSION_SECONDS:
        request.session.pop(TRACK_KEY, None)
        return None
    return Complaint.objects.select_related("employer").filter(pk=entry.get("id")).first()


@never_cache
@require_http_methods(["GET", "POST"])
def track_result(request):
    from arrears.selectors_projects import project_for_complaint, project_public_view

    complaint = _tracked_complaint(request)
    if complaint is None:
        messages.info(request, _("Enter your case number and access code to see your case."))
        return redirect("track")
    needs_correction = complaint.state == ComplaintState.NEEDS_CORRECTION
    form, status = None, 200
    if needs_correction:
        form = ResubmitForm(request.POST if request.method == "POST" else None, initial={"facts": complaint.facts})
        if request.method == "POST" and form.is_valid():
            try:
                complaint_resubmit(complaint=complaint, **form.cleaned_data)
            except DomainError as e:
                for key, msgs in e.errors.items():
                    for m in msgs:
                        form.add_error(key if key in form.fields else None, m)
            else:
                messages.success(request, _("Thank you. Your corrected complaint was received; the office now "
                                            "decides again whether to accept it."))
                return redirect("track-result")
        if form.errors:
            status = 400
    elif request.method == "POST":
        return redirect("track-result")
    return render(request, "public/track_result.html",
                  {"view": tracking_view(complaint), "form": form, "employer_name": complaint.employer.name,
                   "project_safeguards": project_public_view(project_for_complaint(complaint))},
                  status=status)


@require_POST
def track_forget(request):
    request.session.pop(TRACK_KEY, None)
    messages.info(request, _("This device no longer shows your case."))
    return redirect("home")
