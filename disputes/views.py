"""Pages of the disputes tracks. Thin: the rules are disputes.services.*, reach is disputes.access, reads are
disputes.selectors, the acts offered on a case are disputes.actions.

- Public (no account): apply for mediation or arbitration (one page, saved as you go, nothing lost on an error),
  the receipt (shown once), the tracking result after casework's tracking page matched a dispute number, and the
  main-file documents of the tracked case.
- Parties with an account (the worker, a representative, an employer's clerk): their cases, the main file, and
  the respondent's defence.
- Staff: the case list and the case page with its documents, deadlines, timeline and acts.
Anything a user may not see answers 404."""
import logging
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from casework.access import has_role
from casework.errors import Conflict, DomainError, NotAllowed
from casework.models import Complaint, Language
from casework.views import drafts
from casework.views.forms import bind_step, error_summary, read_step
from casework.ratelimits import limited

from .access import Role, can_view, is_staff_for_disputes, party_cases_for, party_of
from .actions import ACTIONS, action_form, action_run, actions_for
from .forms import CaseFilterForm, DefenceForm, application_steps
from .models import CaseDocument, DisputeCase, DisputeParty, DisputeState as S, Track
from .selectors import case_list_for_user, case_view, tracking_view

__all__ = ["apply", "apply_receipt", "apply_discard", "track_result", "track_document", "my_cases", "my_case",
           "my_document", "staff_cases", "staff_case", "staff_document"]

log = logging.getLogger(__name__)

RECEIPT_KEY = "dispute_receipt"
TRACK_KEY = "track_dispute"
TRACK_SESSION_SECONDS = 60 * 60


def _draft_key(track):
    return f"dispute_draft_{track}"


def _is_intake_staff(user, track) -> bool:
    from .services.applications import registers_applications

    return getattr(user, "is_authenticated", False) and registers_applications(user, track)


# What a pre-filled form leaves out: the earlier case is reached with a case number and an access code only, and a
# public page never shows an ID number, a phone number or an address (spec §14); the applicant types them again.
PREFILL_WITHHELD = {"applicant": ("id_number", "phone", "address"), "worker": ("id_number", "phone", "address"),
                    "agent": ("id_number", "phone", "address"), "employer": ("address", "contact_phone")}


def _withhold_identifiers(payload: dict) -> dict:
    out = dict(payload)
    for key, fields in PREFILL_WITHHELD.items():
        if isinstance(out.get(key), dict):
            out[key] = {k: ("" if k in fields else v) for k, v in out[key].items()}
    return out


def _prefill(request, track) -> dict:
    """A redirected complaint or an unsuccessful mediation the visitor is tracking pre-fills the application, without
    anyone's ID number, phone or address (PREFILL_WITHHELD)."""
    from .services.applications import arbitration_unlocked, prefill_from_case, prefill_from_complaint

    source = request.GET.get("from")
    if source == "complaint":
        entry = request.session.get("track_case") or {}
        complaint = Complaint.objects.filter(pk=entry.get("id")).first() if entry else None
        if complaint is not None:
            return _withhold_identifiers(prefill_from_complaint(complaint)) | {"_source_complaint": complaint.pk}
    if source == "case" and track == Track.ARBITRATION:
        case = _tracked(request)
        if case is None and request.GET.get("case"):  # a party following its case from its account
            case = party_cases_for(request.user).filter(case_number=request.GET["case"]).first()
        if case is not None and case.track == Track.MEDIATION and arbitration_unlocked(case):
            return _withhold_identifiers(prefill_from_case(case)) | {"_source_case": case.pk}
    return {}


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request, track: str):
    if track not in Track.values:
        raise Http404
    from .services.applications import application_submit, application_validate

    staff = _is_intake_staff(request.user, track)
    steps = application_steps(track, staff=staff)
    key = _draft_key(track)
    draft = drafts.draft_current(request, key)
    data = drafts.draft_data(draft)
    if request.method == "GET" and request.GET.get("from"):
        pre = _prefill(request, track)
        if pre:
            data = pre
            draft = drafts.draft_create(request, data, key) if draft is None else drafts.draft_save(draft, data)
    errors = {}
    if request.method == "POST":
        if limited(request, group="disputes.views.apply", rate="20/h"):
            return render(request, "public/too_many.html", status=429)
        action = request.POST.get("action", "submit")
        data = read_step(1, request.POST, data, steps)
        if draft is None:
            draft = drafts.draft_create(request, data, key)
        else:
            drafts.draft_save(draft, data)
        group = next(g for g in steps[1].groups if g.repeat)
        if action == f"add-{group.key}":
            rows = data.get(group.key) or []
            rows.append({i.name: "" for i in group.inputs})
            data[group.key] = rows
            drafts.draft_save(draft, data)
            return redirect(request.path + f"#f-{group.key}-{len(rows) - 1}-{group.inputs[0].name}")
        if action.startswith(f"remove-{group.key}-"):
            idx = action.rsplit("-", 1)[1]
            rows = data.get(group.key) or []
            if idx.isdigit() and int(idx) < len(rows) and len(rows) > 1:
                rows.pop(int(idx))
            data[group.key] = rows
            drafts.draft_save(draft, data)
            return redirect(request.path + f"#s-{group.key}")
        if action == "save":
            messages.success(request, _("Saved. You can come back to this page on this device for 30 days."))
            return redirect(request.path)
        payload = {k: v for k, v in data.items() if not k.startswith("_")}
        try:
            cleaned = application_validate(payload, track=track, staff=staff)
            source_complaint = Complaint.objects.filter(pk=data.get("_source_complaint")).first() \
                if data.get("_source_complaint") else None
            source_case = DisputeCase.objects.filter(pk=data.get("_source_case")).first() \
                if data.get("_source_case") else None
            result = application_submit(track=track, cleaned=cleaned,
                                        actor=request.user if request.user.is_authenticated else None,
                                        source_complaint=source_complaint, source_case=source_case)
        except DomainError as e:
            errors = e.errors
        else:
            drafts.draft_discard(request, draft, delete_files=False, key=key)
            request.session[RECEIPT_KEY] = {"case_number": result.case.case_number,
                                            "access_code": result.access_code, "track": track}
            request.session[TRACK_KEY] = {"id": result.case.pk, "at": time.time()}
            return redirect("disputes:receipt")
    data.setdefault("workers_count", "1")
    for group in steps[1].groups:  # a list that must show at least one (empty) row to type into
        if group.repeat and len(data.get(group.key) or []) < group.min_rows:
            data[group.key] = list(data.get(group.key) or []) + [{i.name: "" for i in group.inputs}]
    lang = translation.get_language()
    defaults = {"applicant.preferred_language": lang if lang in Language.values else Language.ZH}
    return render(request, "disputes/public/apply.html", {
        "track": track, "step": steps[1], "groups": bind_step(1, data, errors, steps=steps, defaults=defaults),
        "errors": error_summary(errors, steps=steps), "staff": staff,
        "prefilled": bool(data.get("_source_complaint") or data.get("_source_case")),
    }, status=400 if errors else 200)


@require_POST
def apply_discard(request, track: str):
    drafts.draft_discard(request, key=_draft_key(track))
    messages.info(request, _("Your unfinished application was deleted from this system."))
    return redirect("home")


@never_cache
def apply_receipt(request):
    """Shown once: the access code is not stored anywhere in clear."""
    receipt = request.session.pop(RECEIPT_KEY, None)
    case = None
    if receipt:
        case = DisputeCase.objects.filter(case_number=receipt["case_number"]).first()
    return render(request, "disputes/public/receipt.html", {
        "receipt": receipt, "case": case, "view": tracking_view(case) if case else None})


# --- tracking ------------------------------------------------------------------------------------------------------

def remember_tracked(request, case: DisputeCase) -> None:
    """Called by the public tracking page when a dispute number and code matched."""
    request.session.cycle_key()
    request.session[TRACK_KEY] = {"id": case.pk, "at": time.time()}


def _tracked(request) -> DisputeCase | None:
    entry = request.session.get(TRACK_KEY) or {}
    if not entry or time.time() - entry.get("at", 0) > TRACK_SESSION_SECONDS:
        request.session.pop(TRACK_KEY, None)
        return None
    return DisputeCase.objects.filter(pk=entry.get("id")).first()


@never_cache
def track_result(request):
    case = _tracked(request)
    if case is None:
        messages.info(request, _("Enter your case number and access code to see your case."))
        return redirect("track")
    return render(request, "disputes/public/track_result.html", {"view": tracking_view(case), "party_page": False})


def _file_response(doc: CaseDocument):
    response = FileResponse(doc.file.open("rb"), content_type="application/pdf", as_attachment=False,
                            filename=f"{doc.kind}-{doc.pk}.pdf")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _main_document(case, doc_id) -> CaseDocument:
    doc = case.documents.filter(pk=doc_id, audience=CaseDocument.Audience.MAIN).first()
    if doc is None:  # an internal (副卷) document, or another case's: the same answer
        raise Http404
    return doc


@never_cache
def track_document(request, doc_id: int):
    case = _tracked(request)
    if case is None:
        raise Http404
    return _file_response(_main_document(case, doc_id))


# --- parties with an account ---------------------------------------------------------------------------------------

@login_required
@never_cache
def my_cases(request):
    cases = party_cases_for(request.user).select_related("commission", "body").order_by("-received_at")
    return render(request, "disputes/party/cases.html", {"cases": cases})


def _party_case(request, case_number):
    case = party_cases_for(request.user).filter(case_number=case_number).first()
    if case is None:
        raise Http404
    return case


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_case(request, case_number: str):
    case = _party_case(request, case_number)
    party = party_of(request.user, case)
    can_defend = (case.track == Track.ARBITRATION and party is not None
                  and party.side == DisputeParty.Side.RESPONDENT and case.accepted_at is not None
                  and case.defence_received_at is None
                  and case.state in (S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED))
    form = DefenceForm(request.POST if request.method == "POST" else None) if can_defend else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            from .services.arbitration import defence_submit_by_party

            try:
                defence_submit_by_party(case=case, user=request.user, text=form.cleaned_data["text"])
            except DomainError as e:
                for m in e.errors.get("text", []) + e.errors.get("__all__", []):
                    form.add_error("text" if "text" in e.errors else None, m)
            else:
                messages.success(request, _("Your defence was received. A copy is served on the applicant."))
                return redirect("disputes:my-case", case_number=case.case_number)
        status = 400
    return render(request, "disputes/public/track_result.html", {
        "view": tracking_view(case, side=party.side if party else ""), "party_page": True, "party": party,
        "defence_form": form}, status=status)


@login_required
@never_cache
def my_document(request, case_number: str, doc_id: int):
    return _file_response(_main_document(_party_case(request, case_number), doc_id))


# --- staff ---------------------------------------------------------------------------------------------------------

def _staff_required(request):
    if not is_staff_for_disputes(request.user):
        raise Http404


@login_required
@never_cache
def staff_cases(request):
    _staff_required(request)
    form = CaseFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    cases = case_list_for_user(request.user, track=f.get("track", ""), q=f.get("q", ""))
    return render(request, "disputes/staff/cases.html", {"form": form, "cases": cases[:200],
                                                         "count": cases.count(),
                                                         "can_register": has_role(request.user, Role.CLERK,
                                                                                  Role.MEDIATOR)})


def _staff_case(request, case_number) -> DisputeCase:
    _staff_required(request)
    case = DisputeCase.objects.select_related("region", "commission", "body", "mediator").filter(
        case_number=case_number).first()
    if case is None or not can_view(request.user, case):
        raise Http404
    return case


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def staff_case(request, case_number: str):
    case = _staff_case(request, case_number)
    user = request.user
    bound, errors, status = None, {}, 200
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in ACTIONS:
            raise Http404
        try:
            case = action_run(user=user, case=case, name=name, data=request.POST, files=request.FILES)
        except NotAllowed:
            raise Http404
        except Conflict as e:
            messages.error(request, e.message)
            return redirect("disputes:staff-case", case_number=case.case_number)
        except DomainError as e:
            bound, errors, status = name, e.errors, 400
        else:
            messages.success(request, _("Recorded: %(what)s.") % {"what": ACTIONS[name].label})
            return redirect("disputes:staff-case", case_number=case.case_number)
    offered = []
    for name in actions_for(user, case):
        form = action_form(name, case, request.POST if name == bound else None,
                           request.FILES if name == bound else None)
        if name == bound:
            form.is_valid()
            for key, msgs in errors.items():
                for m in msgs:
                    form.add_error(key if key in form.fields else None, m)
        offered.append({"name": name, "label": ACTIONS[name].label, "form": form, "open": name == bound})
    from viewflow.workflow.models import Task

    tasks = (Task.objects.filter(process_id=case.process_id, flow_task_type="HUMAN",
                                 status__in=["NEW", "ASSIGNED", "STARTED"]).select_related("owner")
             if case.process_id else [])
    return render(request, "disputes/staff/case.html", {**case_view(user, case), "actions": offered,
                                                        "tasks": tasks}, status=status)


@login_required
@never_cache
def staff_document(request, case_number: str, doc_id: int):
    case = _staff_case(request, case_number)
    doc = case.documents.filter(pk=doc_id).first()
    if doc is None:
        raise Http404
    return _file_response(doc)


def staff_case_url(case) -> str:
    return reverse("disputes:staff-case", args=[case.case_number])


def index(request):
    from .selectors import public_periods

    return render(request, "disputes/public/index.html", {"periods": public_periods()})
