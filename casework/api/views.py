"""The REST API: thin views. Each parses its input, calls one service or selector, and renders. The rules (who may
see or do what, what a valid complaint is, the workflow) live in the services; a DomainError they raise becomes
the API's one error shape (casework.api.errors).

Visibility: an object the caller may not see answers 404, exactly as an object that does not exist (the API does
not confirm that a case or task exists). A visible object the caller may not act on answers 403.
"""
import json

from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import Role, has_role, sees_pii
from ..privacy import pii_access_record
from ..audit import acting
from ..errors import DomainError, NotAllowed
from ..models import Complaint, ComplaintState
from ..selectors import STAGES, case_get_for_user, case_list_for_user, tracking_view
from ..services.case_actions import (can_act_on_case, case_add_evidence, case_add_inspection_record,
                                     case_record_payment, case_verify_item, complaint_intake)
from ..services.intake import complaint_for_tracking, normalise_case_number
from ..workflow import inbox_for, queue_for, task_assign, task_complete, task_for_user
from . import serializers as s
from .errors import NotFound, raise_for_serializer
from .throttling import enforce_rate

__all__ = [
    "ComplaintIntakeView", "TrackView", "TokenView", "CaseListView", "CaseDetailView", "TaskListView",
    "TaskDetailView", "TaskAssignView", "TaskCompleteView", "InspectionRecordCreateView", "ItemVerifyView",
    "PaymentCreateView", "EvidenceCreateView",
]

ERRORS = {400: s.ErrorSerializer, 401: s.ErrorSerializer, 403: s.ErrorSerializer, 404: s.ErrorSerializer,
          409: s.ErrorSerializer, 429: s.ErrorSerializer}
INTAKE_EXTRA = ("channel", "received_at", "national_clue_id")


def _errors(*codes):
    return {c: ERRORS[c] for c in codes}


def _case(request, case_number: str) -> Complaint:
    """The case if the caller may see it; 404 otherwise (whether it exists or not)."""
    number = normalise_case_number(case_number) or case_number
    try:
        return case_get_for_user(request.user, number)
    except NotAllowed as e:
        raise NotFound(e.errors)


def _task(request, task_id: int):
    try:
        return task_for_user(request.user, task_id)
    except NotAllowed as e:
        raise NotFound(e.errors)


def _may_act(request, complaint, action):
    if not can_act_on_case(request.user, complaint, action):
        raise NotAllowed({"__all__": [_("You may not do this on this case.")]})


# --- public: intake and tracking -----------------------------------------------------------------------------------

@extend_schema_view(post=extend_schema(
    tags=["public"], operation_id="complaint_submit",
    summary=_l("Submit a complaint or report"),
    description=_l(
        "Public. JSON body, or multipart/form-data with the JSON body as a string in a `data` part and evidence "
        "files in `evidence` parts (one part per file). All or nothing: a bad field or a bad file rejects the "
        "whole submission (400, one message list per field path; file errors under `evidence`). Rate limited per "
        "IP (INTAKE_RATE) except for intake officers. Intake officers may set `channel`, `received_at` and "
        "`national_clue_id`; other callers always submit online, received today."),
    request={"application/json": s.IntakeSerializer, "multipart/form-data": s.IntakeMultipartSerializer},
    responses={201: s.IntakeResultSerializer, **_errors(400, 429)},
))
class ComplaintIntakeView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request):
        user = request.user if request.user.is_authenticated else None
        if not has_role(user, Role.INTAKE_OFFICER):
            enforce_rate(request, group="api.intake", setting="INTAKE_RATE", default="20/h")
        payload, uploads = self._body(request)
        extra = {k: payload.pop(k, None) for k in INTAKE_EXTRA}
        result = complaint_intake(payload=payload, uploads=uploads, actor=user, channel=extra["channel"],
                                  received_at=extra["received_at"], national_clue_id=extra["national_clue_id"] or "")
        data = {"case_number": result.complaint.case_number, "access_code": result.access_code,
                "status": result.complaint.state, "acceptance_due": result.acceptance_due}
        response = Response(s.IntakeResultSerializer(data).data, status=status.HTTP_201_CREATED)
        add_never_cache_headers(response)
        return response

    @staticmethod
    def _body(request):
        if request.content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
            raw = request.data.get("data")
            if not raw:
                raise DomainError({"data": [_("Send the complaint as JSON in the “data” part.")]})
            try:
                payload = json.loads(raw)
            except (TypeError, ValueError):
                raise DomainError({"data": [_("The “data” part is not valid JSON.")]})
            uploads = request.FILES.getlist("evidence")
        else:
            payload, uploads = request.data, []
        if not isinstance(payload, dict):
            raise DomainError({"__all__": [_("Send the complaint as a JSON object.")]})
        return dict(payload), uploads


# A stand-in for an unknown case, so that a wrong case number costs the same work as a wrong code.


@extend_schema_view(get=extend_schema(
    tags=["public"], operation_id="complaint_track",
    summary=_l("Track a case with its access code"),
    description=_l("Public. The case number may be written with or without dashes. A wrong access code and an "
                  "unknown case give the same 404. Rate limited per IP (TRACKING_RATE). Texts follow "
                  "Accept-Language (zh-hans, bo, en)."),
    parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True,
                                 description=_l("The 8-digit access code given at submission."))],
    responses={200: s.TrackingSerializer, **_errors(404, 429)},
))
class TrackView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, case_number):
        enforce_rate(request, group="api.track", setting="TRACKING_RATE", default="10/m")
        complaint = complaint_for_tracking(case_number, request.query_params.get("code", ""))
        if complaint is None:
            raise NotFound({"__all__": [_("The case number and access code do not match any case. Check both "
                                          "against your receipt.")]})
        response = Response(s.TrackingSerializer(tracking_view(complaint)).data)
        add_never_cache_headers(response)
        return response


@extend_schema_view(post=extend_schema(tags=["auth"], operation_id="auth_token", summary=_l("Get an API token"),
               description=_l("Send a username and password; use the token as `Authorization: Token <token>`. "
                             "Rate limited per IP (API_TOKEN_RATE)."),
               request=s.TokenRequestSerializer, responses={200: s.TokenSerializer, **_errors(400, 429)}))
class TokenView(ObtainAuthToken):
    def post(self, request, *args, **kwargs):
        enforce_rate(request, group="api.token", setting="API_TOKEN_RATE", default="10/m")
        response = super().post(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


# --- cases ---------------------------------------------------------------------------------------------------------

class CasePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class _CaseFilterSerializer(s.serializers.Serializer):
    stage = s.serializers.ChoiceField(choices=list(STAGES) + list(ComplaintState.values), required=False)
    region = s.serializers.RegexField(r"^\d{2,6}$", required=False)
    overdue = s.serializers.BooleanField(required=False)
    q = s.serializers.CharField(required=False, max_length=100, allow_blank=True)


@extend_schema_view(get=extend_schema(
    tags=["cases"], operation_id="case_list", summary=_l("Cases you may see"),
    description=_l("No personal data in the list. Paginated (`page`, `page_size` ≤ 200)."),
    parameters=[
        OpenApiParameter("stage", OpenApiTypes.STR, description=_l("intake, investigation, order, decision, "
                                                                  "enforcement, closed, or a state")),
        OpenApiParameter("region", OpenApiTypes.STR, description=_l("Region code or prefix, e.g. 540100 or 5401")),
        OpenApiParameter("overdue", OpenApiTypes.BOOL),
        OpenApiParameter("q", OpenApiTypes.STR, description=_l("Case number or employer name contains")),
        OpenApiParameter("page", OpenApiTypes.INT), OpenApiParameter("page_size", OpenApiTypes.INT),
    ],
    responses={200: s.CaseRowSerializer(many=True), **_errors(400, 401)},
))
class CaseListView(APIView):
    pagination_class = CasePagination

    def get(self, request):
        params = raise_for_serializer(_CaseFilterSerializer(data=request.query_params.dict()))
        qs = case_list_for_user(request.user, stage=params.get("stage"), region=params.get("region"),
                                overdue=params.get("overdue"), q=params.get("q") or None)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.CaseRowSerializer(page, many=True).data)


@extend_schema_view(get=extend_schema(tags=["cases"], operation_id="case_detail", summary=_l("One case"),
               description=_l("Persons are shown as your role allows: full to case-handling staff of the region, "
                             "masked to other staff (auditors); an informant's identity only to case handlers."),
               responses={200: s.CaseDetailSerializer, **_errors(401, 404)}))
class CaseDetailView(APIView):
    def get(self, request, case_number):
        complaint = _case(request, case_number)
        data = s.CaseDetailSerializer(complaint, context={"request": request, "complaint": complaint}).data
        if sees_pii(request.user, complaint):
            pii_access_record(user=request.user, complaint=complaint, what="case_api")
        response = Response(data)
        add_never_cache_headers(response)
        return response


# --- case actions --------------------------------------------------------------------------------------------------

@extend_schema_view(post=extend_schema(tags=["case actions"], operation_id="case_inspection_record_add",
               summary=_l("Add an inspection record (site visit, inquiry, document review)"),
               request=s.InspectionRecordInSerializer,
               responses={201: s.InspectionRecordSerializer, **_errors(400, 401, 403, 404)}))
class InspectionRecordCreateView(APIView):
    def post(self, request, case_number):
        complaint = _case(request, case_number)
        _may_act(request, complaint, "inspection_record")
        data = raise_for_serializer(s.InspectionRecordInSerializer(data=request.data))
        with acting(request.user, channel="api"):
            record = case_add_inspection_record(user=request.user, complaint=complaint, **data)
        return Response(s.InspectionRecordSerializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(tags=["case actions"], operation_id="case_item_verify", summary=_l("Verify an arrears item"),
               request=s.ItemVerifyInSerializer, responses={200: s.ItemSerializer, **_errors(400, 401, 403, 404)}))
class ItemVerifyView(APIView):
    def post(self, request, case_number, item_id):
        complaint = _case(request, case_number)
        if not complaint.items.filter(pk=item_id).exists():
            raise NotFound({"__all__": [_("This case has no such arrears item.")]})
        _may_act(request, complaint, "verify_item")
        data = raise_for_serializer(s.ItemVerifyInSerializer(data=request.data))
        with acting(request.user, channel="api"):
            item = case_verify_item(user=request.user, complaint=complaint, item_id=item_id, **data)
        return Response(s.ItemSerializer(item, context={"request": request, "complaint": complaint}).data)


@extend_schema_view(post=extend_schema(tags=["case actions"], operation_id="case_payment_record", summary=_l("Record a payment"),
               request=s.PaymentInSerializer, responses={201: s.PaymentSerializer, **_errors(400, 401, 403, 404)}))
class PaymentCreateView(APIView):
    def post(self, request, case_number):
        complaint = _case(request, case_number)
        _may_act(request, complaint, "record_payment")
        data = raise_for_serializer(s.PaymentInSerializer(data=request.data))
        with acting(request.user, channel="api"):
            payment = case_record_payment(user=request.user, complaint=complaint, **data)
        return Response(s.PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(tags=["case actions"], operation_id="case_evidence_add", summary=_l("Add an evidence file"),
               request={"multipart/form-data": s.EvidenceInSerializer},
               responses={201: s.AttachmentSerializer, **_errors(400, 401, 403, 404)}))
class EvidenceCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, case_number):
        complaint = _case(request, case_number)
        _may_act(request, complaint, "add_evidence")
        data = raise_for_serializer(s.EvidenceInSerializer(data=request.data))
        with acting(request.user, channel="api"):
            att = case_add_evidence(user=request.user, complaint=complaint, upload=data["file"],
                                    description=data["description"], audience=data["audience"])
        return Response(s.AttachmentSerializer(att).data, status=status.HTTP_201_CREATED)


# --- tasks ---------------------------------------------------------------------------------------------------------

@extend_schema_view(get=extend_schema(tags=["tasks"], operation_id="task_list", summary=_l("Your inbox and the queue you may take from"),
               parameters=[OpenApiParameter("limit", OpenApiTypes.INT,
                                            description=_l("At most this many of each list (default 100, max 500); "
                                                          "the counts are always complete."))],
               responses={200: s.TaskListSerializer, **_errors(400, 401)}))
class TaskListView(APIView):
    def get(self, request):
        raw = request.query_params.get("limit", "100")
        if not raw.isdigit() or not 1 <= int(raw) <= 500:
            raise DomainError({"limit": [_("Enter a whole number from 1 to 500.")]})
        limit = int(raw)
        inbox, queue = inbox_for(request.user), queue_for(request.user)
        return Response({"inbox": s.TaskRowSerializer(inbox[:limit], many=True).data,
                         "queue": s.TaskRowSerializer(queue[:limit], many=True).data,
                         "inbox_count": inbox.count(), "queue_count": queue.count()})


@extend_schema_view(get=extend_schema(tags=["tasks"], operation_id="task_detail", summary=_l("One task, with the fields its completion takes"),
               responses={200: s.TaskDetailSerializer, **_errors(401, 404)}))
class TaskDetailView(APIView):
    def get(self, request, task_id):
        task = _task(request, task_id)
        return Response(s.TaskDetailSerializer(task, context={"request": request}).data)


@extend_schema_view(post=extend_schema(tags=["tasks"], operation_id="task_assign", summary=_l("Take a task"), request=None,
               responses={200: s.TaskDetailSerializer, **_errors(401, 403, 404, 409)}))
class TaskAssignView(APIView):
    def post(self, request, task_id):
        _task(request, task_id)
        with acting(request.user, channel="api"):
            task_assign(user=request.user, task_id=task_id)
        return Response(s.TaskDetailSerializer(_task(request, task_id), context={"request": request}).data)


@extend_schema_view(post=extend_schema(
    tags=["tasks"], operation_id="task_complete", summary=_l("Complete a task"),
    description=_l("Send the task's fields (see `fields` of the task) as a JSON object. A free task is taken "
                  "first. 409 when someone else was faster."),
    request=OpenApiTypes.OBJECT,
    examples=[OpenApiExample(_l("Triage: accept"), value={"decision": "accept", "note": ""}, request_only=True)],
    responses={200: s.TaskCompleteResultSerializer, **_errors(400, 401, 403, 404, 409)}))
class TaskCompleteView(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request, task_id):
        _task(request, task_id)
        if not hasattr(request.data, "get"):
            raise DomainError({"__all__": [_("Send the task's fields as a JSON object.")]})
        with acting(request.user, channel="api"):
            complaint = task_complete(user=request.user, task_id=task_id, data=request.data)
        return Response(s.TaskCompleteResultSerializer(complaint).data)
