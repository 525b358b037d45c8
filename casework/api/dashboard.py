"""/api/v1/jobs/<id>/ (a background job's progress, for the job page's polling and for API clients) and
/api/v1/dashboard/ (the dashboard figures as JSON). Included from casework/api/urls.py. See docs/api.md and
docs/dashboards.md. Thin: rules in casework.services.jobs and casework.services.dashboard."""
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..errors import NotAllowed
from ..services.jobs import job_for_user
from .errors import NotFound
from .serializers import ErrorSerializer

__all__ = ["JobDetailView", "DashboardView", "urlpatterns"]

ERRORS = {c: ErrorSerializer for c in (400, 401, 403, 404)}


class JobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    title = serializers.CharField(help_text=_l("In the caller's language."))
    state = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    done = serializers.IntegerField()
    total = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True, help_text=_l("0-100; null while the total is unknown."))
    message = serializers.CharField(allow_blank=True, help_text=_l("Progress text, or the error of a failed job, "
                                                                   "in the caller's language."))
    download_url = serializers.CharField(allow_blank=True, help_text=_l("Set when the job is done and has a file."))
    result_url = serializers.CharField(allow_blank=True, help_text=_l("Set when the job is done and its result is "
                                                                      "a page (a grading run)."))


def job_data(job) -> dict:
    from django.urls import reverse

    from ..services.jobs import job_text, result_url

    failed = job.state == job.State.FAILED
    return {"id": job.pk, "kind": job.kind, "title": job_text(job.title), "state": job.state, "done": job.done,
            "total": job.total, "percent": job.percent,
            "message": job_text(job.error if failed else job.message),
            "download_url": reverse("staff-job-download", args=[job.pk])
            if job.state == job.State.DONE and job.result_file else "", "result_url": result_url(job)}


@extend_schema_view(get=extend_schema(tags=["jobs"], operation_id="job_detail",
                                      summary=_l("A background job's progress"),
                                      description=_l("Only the user who started the job (or a sysadmin) sees it; "
                                                     "anyone else gets 404."),
                                      responses={200: JobSerializer, **{c: ERRORS[c] for c in (401, 404)}}))
class JobDetailView(APIView):
    def get(self, request, job_id):
        try:
            job = job_for_user(request.user, job_id)
        except NotAllowed:
            raise NotFound({"__all__": [_l("No such job, or it is not yours to see.")]})
        response = Response(JobSerializer(job_data(job)).data)
        add_never_cache_headers(response)
        return response


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
                                 help_text=_l("One object per row: \"key\" and one entry per column key; numbers "
                                              "and amounts as decimal strings."))


class DashboardSerializer(serializers.Serializer):
    region = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    tables = TableSerializer(many=True)


@extend_schema_view(get=extend_schema(
    tags=["dashboard"], operation_id="dashboard", summary=_l("Dashboard figures for a region and period"),
    description=_l("For inspection heads, arbitration chairs and auditors, within their region's reach. "
                   "Period: year=YYYY, or from=YYYY-MM&to=YYYY-MM; default this year."),
    parameters=[OpenApiParameter("region", str, description=_l("Region code within your reach")),
                OpenApiParameter("year", int), OpenApiParameter("from", str, description="YYYY-MM"),
                OpenApiParameter("to", str, description="YYYY-MM"),
                OpenApiParameter("soon", int, description=_l("Working days for “due soon”"))],
    responses={200: DashboardSerializer, **ERRORS}))
class DashboardView(APIView):
    def get(self, request):
        from ..services.dashboard import DashboardInputError, dashboard_for, dashboard_params

        try:
            params = dashboard_params(request.user, request.GET)
        except NotAllowed:
            raise NotFound({"__all__": [_l("No such region, or it is not in your reach.")]})
        except DashboardInputError as e:
            from ..errors import DomainError

            raise DomainError(e.errors)
        board = dashboard_for(request.user, **params)
        data = {"region": board["region"].code, "start": board["start"], "end": board["end"],
                "tables": [{"key": t["key"], "title": str(t["title"]),
                            "columns": [{"key": k, "label": str(label)} for k, label in t["columns"]],
                            "rows": [{k: "" if r.get(k) is None else str(r.get(k))
                                      for k in ["key", *[c for c, _x in t["columns"]]]} for r in t["rows"]]}
                           for t in board["tables"]]}
        response = Response(DashboardSerializer(data).data)
        add_never_cache_headers(response)
        return response


urlpatterns = [
    path("jobs/<uuid:job_id>/", JobDetailView.as_view(), name="job-detail"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
]
