"""Staff pages of the criminal-transfer track under /staff/transfers/: the list of transfers in reach, the opening
page reached from a flagged complaint, and a transfer's page (facts, threshold, evidence, report, decisions,
materials, deadlines, open tasks, timeline). The steps themselves are done on the task page (/staff/tasks/<id>/)
like every other flow. Thin: the rules are in blacklist.services_transfer, the reach in
blacklist.selectors_transfer. Anything a user may not see answers 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.access import complaints_for, has_role
from casework.errors import DomainError, NotAllowed
from casework.selectors import deadlines_of

from . import services_transfer as svc
from .forms_transfer import OpenForm
from .selectors_transfer import sees_complaint, transfer_list_for_user, transfer_timeline, transfers_for

__all__ = ["transfer_list", "transfer_open_page", "transfer_detail"]

READERS = ("inspector", "inspection_head", "auditor", "police_liaison")


@login_required
@never_cache
def transfer_list(request):
    if not has_role(request.user, *READERS):
        raise Http404
    return render(request, "blacklist/transfer/list.html", {
        "rows": list(transfer_list_for_user(request.user)[:300]), "today": timezone.localdate(),
        "is_police": has_role(request.user, svc.POLICE) and not sees_complaint(request.user)})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def transfer_open_page(request, case_number: str):
    complaint = (complaints_for(request.user, "handle").select_related("employer", "handling_region")
                 .filter(case_number=case_number).first())
    if complaint is None or not svc.can_open(request.user, complaint):
        raise Http404
    live = svc.live_transfer_of(complaint)
    if live is not None:
        return redirect("transfer-staff-detail", pk=live.pk)
    form = OpenForm(request.POST or None, request.FILES or None, complaint=complaint)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            evidence = complaint.attachments.filter(pk=d["posted_evidence"]).first() if d["posted_evidence"] else None
            try:
                transfer = svc.transfer_open(
                    complaint=complaint, user=request.user, order_service=d["order_service"],
                    order_served_on=d["order_served_on"], posted_on=d["posted_on"], posted_place=d["posted_place"],
                    posted_evidence=evidence, posted_upload=d["posted_upload"])
            except NotAllowed:
                raise Http404
            except DomainError as e:
                for key, msgs in e.errors.items():
                    if key in form.fields:
                        for m in msgs:
                            form.add_error(key, m)
                    else:
                        errors.extend(msgs)
            else:
                messages.success(request, _("Criminal transfer opened for case %(case)s: the task team's report is "
                                            "in the queue.") % {"case": complaint.case_number})
                return redirect("transfer-staff-detail", pk=transfer.pk)
        status = 400
    return render(request, "blacklist/transfer/open.html", {
        "c": complaint, "check": svc.transfer_check(complaint), "form": form, "errors": errors}, status=status)


@login_required
@never_cache
def transfer_detail(request, pk: int):
    user = request.user
    t = get_object_or_404(transfers_for(user).select_related(
        "complaint", "employer", "region", "threshold", "order_document", "posted_evidence", "police_region",
        "opened_by", "reported_by", "head_decided_by", "sent_by", "police_received_by", "police_decided_by",
        "reconsideration_by", "reconsideration_decided_by", "outcome_by"), pk=pk)
    staff = sees_complaint(user)
    tasks = (Task.objects.filter(process_id=t.process_id, flow_task_type="HUMAN",
                                 status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED])
             .select_related("owner").order_by("created")) if t.process_id else []
    return render(request, "blacklist/transfer/detail.html", {
        "t": t, "staff": staff, "team": list(t.team.select_related("user")),
        "deadlines": deadlines_of(t), "today": timezone.localdate(),
        "tasks": [{"task": x, "title": x.flow_task.task_title} for x in tasks],
        "timeline": transfer_timeline(t),
        "attachments": list(t.complaint.attachments.order_by("uploaded_at", "pk")) if staff else [],
    })
