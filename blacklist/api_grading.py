"""The integrity-grading API (spec §10): every staff step of a grade, the yearly run, the employer's integrity
file and account links under /api/v1/grading/ (included from casework/api/urls.py), the enterprise's own grades
(/api/v1/grading/my/) and the public list of grades (/api/v1/public/grades/, only where turned on; included from
blacklist/api_urls.py). Thin: the steps are the table of blacklist.grading_steps (the same forms as the pages),
the rules are in blacklist.services_grading. Errors use the API's one shape (casework.api.errors); an object the
caller may not see answers 404, a visible one it may not act on 403."""
from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.access import has_role
from casework.api.errors import NotFound, raise_for_serializer
from casework.api.throttling import enforce_rate
from casework.audit import acting
from casework.errors import DomainError
from casework.privacy import pii_access_record
from casework.workflow import describe_fields

from . import jobs as grading_jobs
from . import selectors_grading as sel
from . import services_grading as svc
from .grading_steps import STEPS, step_form, steps_offered
from .models_grading import EmployerAccount, GradeState

__all__ = ["urlpatterns", "PublicGradesView"]

TAGS = ["grading"]


def _run_row(run) -> dict:
    return {"id": run.pk, "year": run.year, "record_year": run.record_year, "region_code": run.region_id,
            "state": run.state, "created_by": run.created_by.get_username() if run.created_by_id else None,
            "collected_at": run.collected_at.isoformat() if run.collected_at else None,
            "summary": sel.run_summary(run)}


def _user(u):
    return u.get_username() if u is not None else None


def _proposal_row(p) -> dict:
    return {"id": p.pk, "run": p.run_id, "year": p.year, "employer": {"id": p.employer_id, "name": p.employer.name,
                                                                       "uscc": p.employer.uscc or ""},
            "state": p.state, "proposed_grade": p.proposed_grade, "final_grade": p.final_grade,
            "rule_id": p.rule_id, "citation": p.rule_citation, "rules_met": p.rules_met,
            "punished_count": p.punished_count}


def _proposal_detail(p, user) -> dict:
    evidence = [{"id": e.pk, "ground": e.ground, "ground_label": str(e.get_ground_display()),
                 "occurred_on": e.occurred_on.isoformat(), "reference": e.reference,
                 "case_number": e.complaint.case_number if e.complaint_id else None,
                 "document_no": e.document.doc_no if e.document_id else None,
                 "listing_decision_no": e.listing.decision_no if e.listing_id else None,
                 "transfer_doc_no": e.transfer.transfer_doc_no if e.transfer_id else None,
                 "manual": e.manual, "reason": e.reason,
                 "added_by": _user(e.added_by), "excluded": e.excluded, "excluded_reason": e.excluded_reason,
                 "excluded_by": _user(e.excluded_by)}
                for e in p.evidence.select_related("complaint", "document", "listing", "transfer", "added_by",
                                                   "excluded_by")]
    steps = [{"name": n, "title": str(STEPS[n].title), "fields": describe_fields(step_form(n, p))}
             for n in steps_offered(user, p)]
    return {**_proposal_row(p), "evidence": evidence, "steps": steps,
            "reviewed_by": _user(p.reviewed_by), "reviewed_at": p.reviewed_at, "review_note": p.review_note,
            "return_note": p.return_note, "approved_by": _user(p.approved_by), "approved_at": p.approved_at,
            "notified_at": p.notified_at, "notice_channels": p.notice_channels, "notice_note": p.notice_note,
            "objection_received_at": p.objection_received_at, "objection_text": p.objection_text,
            "re_reviewed_by": _user(p.re_reviewed_by), "re_review_note": p.re_review_note,
            "archived_at": p.archived_at}


def _grader(request):
    if not has_role(request.user, *svc.GRADING_ROLES):
        raise NotFound({"__all__": [_("Not found.")]})


def _run(request, pk):
    _grader(request)
    run = svc.runs_for(request.user).select_related("region", "created_by").filter(pk=pk).first()
    if run is None:
        raise NotFound({"__all__": [_("Not found.")]})
    return run


def _proposal(request, pk):
    _grader(request)
    p = (svc.proposals_for(request.user).select_related("run__region", "employer", "reviewed_by", "approved_by",
                                                        "re_reviewed_by").filter(pk=pk).first())
    if p is None:
        raise NotFound({"__all__": [_("Not found.")]})
    return p


class _RunIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=2017, max_value=2100)
    region = serializers.RegexField(r"^\d{6}$")


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="grading_runs", summary=_l("Grading runs in your regions"),
                      responses={200: OpenApiTypes.OBJECT}),
    post=extend_schema(tags=TAGS, operation_id="grading_run_start",
                       summary=_l("Start or continue the grading of a year in a region (grading officer)"),
                       description=_l("Idempotent: the same year and region again adds employers newly in scope "
                                      "and updates grades nobody has reviewed yet. A region with more employers "
                                      "in scope than GRADING_DIRECT_MAX (500) is graded in the background: the "
                                      "answer is 202 with `job` and `job_url` (GET it for the progress; when "
                                      "done, `result_url` is the run)."),
                       request=_RunIn, responses={201: OpenApiTypes.OBJECT, 202: OpenApiTypes.OBJECT}))
class RunListView(APIView):
    def get(self, request):
        _grader(request)
        return Response({"results": [_run_row(r) for r in
                                     svc.runs_for(request.user).select_related("region", "created_by")[:200]]})

    def post(self, request):
        _grader(request)
        data = raise_for_serializer(_RunIn(data=request.data))
        if len(svc.employers_in_scope(region_code=data["region"], year=data["year"])) > grading_jobs.direct_max():
            svc.grading_run_check(year=data["year"], region_code=data["region"], user=request.user)
            job = grading_jobs.start_grading_job(user=request.user, year=data["year"], region_code=data["region"])
            return Response({"job": str(job.pk), "job_url": reverse("api:job-detail", args=[job.pk])},
                            status=status.HTTP_202_ACCEPTED)
        with acting(request.user, channel="api"):
            run = svc.grading_run_start(year=data["year"], region_code=data["region"], user=request.user)
        return Response(_run_row(run), status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=TAGS, operation_id="grading_run", summary=_l("One grading run"),
                                      responses={200: OpenApiTypes.OBJECT}))
class RunDetailView(APIView):
    def get(self, request, pk):
        return Response(_run_row(_run(request, pk)))


class _BulkIn(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(svc.BULK_STEPS))
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000)


@extend_schema_view(post=extend_schema(
    tags=TAGS, operation_id="grading_run_bulk", summary=_l("One step on many grades of a run"),
    description=_l("review, approve, notify or archive; each grade through its own service, so one refusal does "
                   "not undo the others. Answers the ids done and the messages per id refused."),
    request=_BulkIn, responses={200: OpenApiTypes.OBJECT}))
class RunBulkView(APIView):
    def post(self, request, pk):
        run = _run(request, pk)
        data = raise_for_serializer(_BulkIn(data=request.data))
        with acting(request.user, channel="api"):
            result = svc.proposals_bulk(run=run, user=request.user, step=data["step"], ids=data["ids"])
        return Response({"done": result["done"], "errors": {str(k): v for k, v in result["errors"].items()}})


@extend_schema_view(post=extend_schema(tags=TAGS, operation_id="grading_run_close",
                                       summary=_l("Close a run: archive its notified grades"), request=None,
                                       responses={200: OpenApiTypes.OBJECT}))
class RunCloseView(APIView):
    def post(self, request, pk):
        run = _run(request, pk)
        with acting(request.user, channel="api"):
            run = svc.grading_run_close(run=run, user=request.user)
        return Response(_run_row(run))


class _ProposalFilter(serializers.Serializer):
    run = serializers.IntegerField(required=False, min_value=1)
    state = serializers.ChoiceField(choices=GradeState.values, required=False)
    grade = serializers.ChoiceField(choices=["A", "B", "C"], required=False)
    page = serializers.IntegerField(required=False, min_value=1, default=1)


@extend_schema_view(get=extend_schema(
    tags=TAGS, operation_id="grading_proposals", summary=_l("Grades in your regions"),
    parameters=[OpenApiParameter("run", OpenApiTypes.INT), OpenApiParameter("state", OpenApiTypes.STR),
                OpenApiParameter("grade", OpenApiTypes.STR), OpenApiParameter("page", OpenApiTypes.INT)],
    responses={200: OpenApiTypes.OBJECT}))
class ProposalListView(APIView):
    PAGE = 100

    def get(self, request):
        _grader(request)
        f = raise_for_serializer(_ProposalFilter(data=request.query_params.dict()))
        qs = svc.proposals_for(request.user).select_related("employer").order_by("pk")
        if f.get("run"):
            qs = qs.filter(run_id=f["run"])
        if f.get("state"):
            qs = qs.filter(state=f["state"])
        if f.get("grade"):
            qs = qs.filter(proposed_grade=f["grade"])
        start = (f["page"] - 1) * self.PAGE
        return Response({"count": qs.count(), "page": f["page"],
                         "results": [_proposal_row(p) for p in qs[start:start + self.PAGE]]})


@extend_schema_view(get=extend_schema(
    tags=TAGS, operation_id="grading_proposal", summary=_l("One grade with its evidence and the steps you may take"),
    description=_l("`steps`: each step you may take now, with the fields its POST takes."),
    responses={200: OpenApiTypes.OBJECT}))
class ProposalDetailView(APIView):
    def get(self, request, pk):
        return Response(_proposal_detail(_proposal(request, pk), request.user))


@extend_schema_view(post=extend_schema(
    tags=TAGS, operation_id="grading_proposal_step", summary=_l("Take a step on a grade"),
    description=_l("Steps: ground, exclude, review, return, approve, notify, objection, re_review, archive. Send "
                   "the step's fields (see `steps` of the grade) as a JSON object."),
    request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}))
class ProposalStepView(APIView):
    parser_classes = [JSONParser, FormParser]

    def post(self, request, pk, step):
        p = _proposal(request, pk)
        if step not in STEPS:
            raise NotFound({"__all__": [_("No such step.")]})
        if not hasattr(request.data, "get"):
            raise DomainError({"__all__": [_("Send the step's fields as a JSON object.")]})
        form = step_form(step, p, request.data)
        if not form.is_valid():
            raise DomainError({k: [str(m) for m in v] for k, v in form.errors.items()})
        with acting(request.user, channel="api"):
            STEPS[step].handler(p, request.user, form.cleaned_data)
        return Response(_proposal_detail(_proposal(request, pk), request.user))


# --- employers -----------------------------------------------------------------------------------------------------

def _file_reader(request):
    if not has_role(request.user, *svc.FILE_ROLES):
        raise NotFound({"__all__": [_("Not found.")]})


def _employer(request, pk):
    _file_reader(request)
    employer = svc.employers_for(request.user).filter(pk=pk).first()
    if employer is None:
        raise NotFound({"__all__": [_("Not found.")]})
    return employer


@extend_schema_view(get=extend_schema(
    tags=TAGS, operation_id="employer_search", summary=_l("Employers in your regions by name or credit code"),
    parameters=[OpenApiParameter("q", OpenApiTypes.STR)], responses={200: OpenApiTypes.OBJECT}))
class EmployerSearchView(APIView):
    def get(self, request):
        _file_reader(request)
        q = request.query_params.get("q", "")
        return Response({"results": [{"id": e.pk, "name": e.name, "uscc": e.uscc or ""}
                                     for e in sel.employer_search(request.user, q=q)]})


@extend_schema_view(get=extend_schema(
    tags=TAGS, operation_id="employer_integrity_file", summary=_l("An employer's integrity file (staff)"),
    description=_l("Complaints with orders and decisions, criminal transfers, listings and early removals, "
                   "disclosures and grades. Workers as your role allows (full to the region's case handlers, "
                   "logged; masked to others; an informant never)."),
    responses={200: OpenApiTypes.OBJECT}))
class EmployerFileView(APIView):
    def get(self, request, pk):
        employer = _employer(request, pk)
        data = sel.integrity_file(employer, request.user)
        for complaint in data.pop("pii_complaints"):
            pii_access_record(user=request.user, complaint=complaint, what="case_api",
                              detail=f"integrity file of employer {employer.pk}")
        response = Response(data)
        add_never_cache_headers(response)
        return response


class _LinkIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)


@extend_schema_view(post=extend_schema(
    tags=TAGS, operation_id="employer_account_link",
    summary=_l("Link an employer's clerk account (employer_user) to the employer"), request=_LinkIn,
    responses={201: OpenApiTypes.OBJECT}))
class EmployerAccountLinkView(APIView):
    def post(self, request, pk):
        employer = _employer(request, pk)
        data = raise_for_serializer(_LinkIn(data=request.data))
        account = get_user_model().objects.filter(username=data["username"]).first()
        if account is None:
            raise DomainError({"username": [_("No account with this username.")]})
        with acting(request.user, channel="api"):
            link = svc.employer_account_link(employer=employer, account=account, user=request.user)
        return Response({"id": link.pk, "employer": employer.pk, "username": account.get_username()},
                        status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(tags=TAGS, operation_id="employer_account_unlink",
                                       summary=_l("Unlink an employer account"), request=None,
                                       responses={200: OpenApiTypes.OBJECT}))
class EmployerAccountUnlinkView(APIView):
    def post(self, request, pk, link_id):
        employer = _employer(request, pk)
        link = EmployerAccount.objects.filter(pk=link_id, employer=employer).first()
        if link is None:
            raise NotFound({"__all__": [_("Not found.")]})
        with acting(request.user, channel="api"):
            link = svc.employer_account_unlink(link=link, user=request.user)
        return Response({"id": link.pk, "revoked_at": link.revoked_at})


@extend_schema_view(get=extend_schema(
    tags=TAGS, operation_id="grading_my", summary=_l("Your unit's grades (employer_user)"),
    description=_l("The grades of the employers your account is linked to, once notified."),
    responses={200: OpenApiTypes.OBJECT}))
class MyGradesView(APIView):
    def get(self, request):
        if not has_role(request.user, svc.EMPLOYER_USER):
            raise NotFound({"__all__": [_("Not found.")]})
        return Response({"results": sel.my_grades(request.user)})


# --- public --------------------------------------------------------------------------------------------------------

@extend_schema_view(get=extend_schema(
    tags=["public"], operation_id="grades_public", summary=_l("Enterprise integrity grades (where public)"),
    description=_l("Public, only where the province or prefecture turned public display on "
                   "(`grading.public_display`); otherwise 404. Employer name, credit code, year, grade and grading "
                   "department of grades approved and notified. 50 per page."),
    parameters=[OpenApiParameter("q", OpenApiTypes.STR), OpenApiParameter("page", OpenApiTypes.INT)],
    responses={200: OpenApiTypes.OBJECT}))
class PublicGradesView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        enforce_rate(request, group="grading.public", setting="REGISTRY_RATE", default="120/m")
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1
        result = sel.public_grades(q=request.query_params.get("q", ""), page=page)
        if result is None:
            raise NotFound({"__all__": [_("Not found.")]})
        return Response(result)


urlpatterns = [
    path("runs/", RunListView.as_view(), name="grading-runs"),
    path("runs/<int:pk>/", RunDetailView.as_view(), name="grading-run"),
    path("runs/<int:pk>/bulk/", RunBulkView.as_view(), name="grading-run-bulk"),
    path("runs/<int:pk>/close/", RunCloseView.as_view(), name="grading-run-close"),
    path("proposals/", ProposalListView.as_view(), name="grading-proposals"),
    path("proposals/<int:pk>/", ProposalDetailView.as_view(), name="grading-proposal"),
    path("proposals/<int:pk>/<str:step>/", ProposalStepView.as_view(), name="grading-proposal-step"),
    path("employers/", EmployerSearchView.as_view(), name="grading-employers"),
    path("employers/<int:pk>/", EmployerFileView.as_view(), name="grading-employer-file"),
    path("employers/<int:pk>/accounts/", EmployerAccountLinkView.as_view(), name="grading-employer-account-link"),
    path("employers/<int:pk>/accounts/<int:link_id>/unlink/", EmployerAccountUnlinkView.as_view(),
         name="grading-employer-account-unlink"),
    path("my/", MyGradesView.as_view(), name="grading-my"),
]
