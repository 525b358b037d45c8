"""Pages of background jobs (/staff/jobs/) and the export links of every staff table (/staff/exports/).

Thin: the rules are in casework.services.jobs and casework.services.exports. A job someone else started answers
404, like a job that does not exist."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..errors import DomainError, NotAllowed
from ..models import BackgroundJob
from ..services.exports import (EXPORT_JOB, FORMATS, csv_chunks, direct_max_rows, export_filename, export_get,
                                xlsx_bytes)
from ..services.jobs import job_for_user, job_text, result_url, start_job

__all__ = ["job_detail", "job_list", "job_download", "export"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _job_or_404(user, job_id):
    try:
        return job_for_user(user, job_id)
    except NotAllowed:
        raise Http404


def job_context(job: BackgroundJob) -> dict:
    from django.urls import reverse

    return {"job": job, "percent": job.percent, "message": job_text(job.message), "error": job_text(job.error),
            "title": job_text(job.title),
            "download_url": reverse("staff-job-download", args=[job.pk]) if job.state == job.State.DONE
            and job.result_file else "",
            "api_url": reverse("api:job-detail", args=[job.pk]), "result_url": result_url(job)}


@login_required
@never_cache
def job_detail(request, job_id):
    job = _job_or_404(request.user, job_id)
    return render(request, "staff/jobs_detail.html", job_context(job))


@login_required
@never_cache
def job_list(request):
    jobs = BackgroundJob.objects.filter(created_by=request.user).order_by("-created_at")[:50]
    return render(request, "staff/jobs_list.html", {"rows": [job_context(j) for j in jobs]})


@login_required
def job_download(request, job_id):
    job = _job_or_404(request.user, job_id)
    if job.state != job.State.DONE or not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    ctype = XLSX if job.result_name.endswith(".xlsx") else "text/csv; charset=utf-8"
    response = FileResponse(handle, as_attachment=True, filename=job.result_name, content_type=ctype)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@never_cache
@require_GET
def export(request, key: str, fmt: str):
    """The table ``key`` as CSV or Excel, with the page's filters (the query string). Large tables become a job."""
    if fmt not in FORMATS:
        raise Http404
    user = request.user
    try:
        spec = export_get(key, user)
    except NotAllowed:
        raise Http404
    params = {k: request.GET.get(k) for k in request.GET if k not in ("page", "lang")}
    if spec.count is not None and spec.count(user, params) > direct_max_rows():
        job = start_job(EXPORT_JOB, user, {"key": key, "fmt": fmt, "params": params, "lang": get_language()},
                        title=spec.title)
        return redirect("staff-job", job_id=job.pk)
    filename = export_filename(spec, fmt)
    try:
        if fmt == "csv":
            response = StreamingHttpResponse(csv_chunks(spec, user, params), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(xlsx_bytes(spec, user, params), content_type=XLSX)
    except NotAllowed:
        raise Http404
    except DomainError as e:  # bad filters: say so in words, never a 500
        return render(request, "staff/jobs_export_error.html", {"messages_list": [m for v in e.errors.values()
                                                                                  for m in v]}, status=400)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
