"""REST API of the disputes tracks (under /api/v1/disputes/). Thin like casework.api.views: each view parses its
input, calls one service or selector and renders; DomainError becomes the API's one error shape. The workflow
steps of both tracks are driven through the generic task API (/api/v1/tasks/); this module adds applications,
public tracking, the staff case view, case acts (the same table as the case page: disputes.actions), documents
and the parties' own views.

Privacy: public and party responses never carry ID numbers, phone numbers or addresses of anyone, nor staff names
or internal-file (副卷) documents. Arbitration is free: any fee, invoice or charge field is refused (LDMAL 53)."""
from django.http import FileResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.errors import NotFound
from casework.api.serializers import ErrorSerializer
from casework.api.throttling import enforce_rate
from casework.errors import DomainError, NotAllowed
from casework.workflow import describe_fields

from .access import Role, can_view, is_staff_for_disputes, party_cases_for, party_of
from .actions import ACTIONS, action_form, action_run, actions_for
from .models import CaseDocument, DisputeCase, Track
from .selectors import case_list_for_user, case_view, tracking_view

__all__ = ["ApplicationView", "DisputeTrackView", "DisputeTrackDocumentView", "CaseListView", "CaseDetailView",
           "CaseActionsView", "CaseActionRunView", "CaseDocumentView", "MineListView", "MineDetailView",
           "MineDefenceView", "MineDocumentView"]

ERR = {c: ErrorSerializer for c in (400, 401, 403, 404, 409, 429)}


def _err(*codes):
    return {c: ERR[c] for c in codes}


# --- serializers (output) ------------------------------------------------------------------------------------------

class DisputeDocumentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    title = serializers.CharField()
    doc_no = serializers.CharField()
    issued_at = serializers.DateTimeField()


class DisputeStaffDocumentSerializer(DisputeDocumentRefSerializer):
    audience = serializers.CharField(help_text=_l("main = the parties' file (正卷); internal = staff only (副卷)"))


class DisputeEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    code = serializers.CharField()
    text = serializers.CharField()
    notice = serializers.CharField(allow_blank=True, help_text=_l("what the party may do now, when the event says"))


class DisputeStaffEventSerializer(DisputeEventSerializer):
    actor = serializers.CharField()
    detail = serializers.DictField()


class DisputeAwardRefSerializer(serializers.Serializer):
    award_no = serializers.CharField()
    finality = serializers.CharField()
    finality_display = serializers.CharField(source="get_finality_display")
    award_date = serializers.DateField()
    effective_on = serializers.DateField(allow_null=True)
    rights_notice = serializers.CharField()


class DisputeInstalmentSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    due_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class DisputeNextDeadlineSerializer(serializers.Serializer):
    date = serializers.DateField()
    what = serializers.CharField()
    provisional = serializers.BooleanField()


class DisputeTrackingSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    track = serializers.CharField()
    body = serializers.CharField(help_text=_l("the commission or mediation body"))
    status = serializers.CharField()
    status_display = serializers.CharField()
    next_deadline = DisputeNextDeadlineSerializer(allow_null=True)
    limitation_warning = serializers.CharField()
    supplement_items = serializers.CharField()
    arbitration_unlocked = serializers.BooleanField()
    arbitration_unlocked_reason = serializers.CharField()
    events = DisputeEventSerializer(many=True)
    documents = DisputeDocumentRefSerializer(many=True)
    awards = DisputeAwardRefSerializer(many=True)
    instalments = DisputeInstalmentSerializer(many=True)


class DisputeApplicationResultSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    access_code = serializers.CharField(help_text=_l("Shown once; needed with the case number to track the case."))
    track = serializers.CharField()
    status = serializers.CharField()
    limitation_warning = serializers.CharField()
    receipt = DisputeDocumentRefSerializer(allow_null=True)


class DisputeCaseRowSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    docket_no = serializers.CharField()
    track = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    received_at = serializers.DateField()
    priority = serializers.BooleanField()
    region = serializers.CharField(source="region_id")


class DisputePartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    side = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    id_number = serializers.CharField(required=False, help_text=_l("in full only for the handling staff"))
    phone = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    uscc = serializers.CharField(required=False)


class DisputeDeadlineSerializer(serializers.Serializer):
    rule_id = serializers.CharField()
    due = serializers.DateField(source="effective_due")
    status = serializers.CharField()
    provisional = serializers.BooleanField()
    citation = serializers.CharField()


class DisputeClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    amount_claimed = serializers.DecimalField(max_digits=14, decimal_places=2)


class DisputeTribunalSerializer(serializers.Serializer):
    arbitrator = serializers.CharField(source="arbitrator.username")
    role = serializers.CharField()
    active = serializers.BooleanField()


class DisputeCaseDetailSerializer(DisputeCaseRowSerializer):
    full_pii = serializers.BooleanField()
    claims_text = serializers.CharField()
    facts_text = serializers.CharField()
    limitation_warning = serializers.CharField()
    parties = DisputePartySerializer(many=True)
    claims = DisputeClaimSerializer(many=True)
    deadlines = DisputeDeadlineSerializer(many=True)
    tribunal = DisputeTribunalSerializer(many=True)
    awards = DisputeAwardRefSerializer(many=True)
    documents = DisputeStaffDocumentSerializer(many=True)
    events = DisputeStaffEventSerializer(many=True)
    actions = serializers.ListField(child=serializers.CharField(),
                                    help_text=_l("acts you may do now: POST .../actions/<name>/"))


class DisputeActionDescriptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    fields = serializers.ListField(child=serializers.DictField())


# --- helpers -------------------------------------------------------------------------------------------------------

def _never_cache(response):
    add_never_cache_headers(response)
    return response


def _staff_case(request, case_number) -> DisputeCase:
    case = DisputeCase.objects.filter(case_number=case_number).first()
    if case is None or not is_staff_for_disputes(request.user) or not can_view(request.user, case):
        raise NotFound({"__all__": [_("No such case, or it is not yours to see.")]})
    return case


def _tracked(request, case_number) -> DisputeCase:
    from .services.applications import dispute_for_tracking

    enforce_rate(request, group="api.track", setting="TRACKING_RATE", default="10/m")
    case = dispute_for_tracking(case_number, request.query_params.get("code", ""))
    if case is None:
        raise NotFound({"__all__": [_("The case number and access code do not match any case. Check both "
                                      "against your receipt.")]})
    return case


def _pdf(doc: CaseDocument):
    response = FileResponse(doc.file.open("rb"), content_type="application/pdf", filename=f"{doc.kind}-{doc.pk}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


# --- public --------------------------------------------------------------------------------------------------------

@extend_schema_view(post=extend_schema(
    tags=["disputes"], operation_id="dispute_apply", summary=_l("Apply for mediation or arbitration"),
    description=_l("Public (rate limited per IP) or staff. The body is the application as JSON (docs/api.md: "
                   "applicant, employer, agent, items, claims_text, facts_text, ...). Arbitration is free: a fee, "
                   "invoice or charge field is refused (LDMAL art. 53). Returns the case number and the access "
                   "code once."),
    parameters=[OpenApiParameter("track", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["mediation", "arbitration"])],
    request=OpenApiTypes.OBJECT, responses={201: DisputeApplicationResultSerializer, **_err(400, 404, 429)}))
class ApplicationView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    def post(self, request, track):
        from .services.applications import application_submit, application_validate, registers_applications

        if track not in Track.values:
            raise NotFound({"__all__": [_("Unknown track: use mediation or arbitration.")]})
        user = request.user if request.user.is_authenticated else None
        staff = user is not None and registers_applications(user, track)
        if not staff:
            enforce_rate(request, group="api.dispute_apply", setting="INTAKE_RATE", default="20/h")
        if not isinstance(request.data, dict):
            raise DomainError({"__all__": [_("Send the application as a JSON object.")]})
        cleaned = application_validate(dict(request.data), track=track, staff=staff)
        result = application_submit(track=track, cleaned=cleaned, actor=user)
        receipt = result.case.documents.filter(kind=CaseDocument.Kind.RECEIPT).first()
        data = {"case_number": result.case.case_number, "access_code": result.access_code, "track": track,
                "status": result.case.state, "limitation_warning": result.case.limitation_warning,
                "receipt": receipt}
        return _never_cache(Response(DisputeApplicationResultSerializer(data).data, status=status.HTTP_201_CREATED))


CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True,
                        description=_l("the 8-digit access code shown once when the application was made"))


@extend_schema_view(get=extend_schema(
    tags=["disputes"], operation_id="dispute_track", summary=_l("Track a mediation or arbitration case"),
    description=_l("Public. A wrong access code and an unknown case give the same 404. Rate limited per IP."),
    parameters=[CODE], responses={200: DisputeTrackingSerializer, **_err(404, 429)}))
class DisputeTrackView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, case_number):
        case = _tracked(request, case_number)
        return _never_cache(Response(DisputeTrackingSerializer(tracking_view(case)).data))


@extend_schema_view(get=extend_schema(
    tags=["disputes"], operation_id="dispute_track_document", summary=_l("Download a document of your case file"),
    description=_l("Public with the access code. Only documents of the main file (正卷)."),
    parameters=[CODE], responses={(200, "application/pdf"): OpenApiTypes.BINARY, **_err(404, 429)}))
class DisputeTrackDocumentView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, case_number, doc_id):
        case = _tracked(request, case_number)
        doc = case.documents.filter(pk=doc_id, audience=CaseDocument.Audience.MAIN).first()
        if doc is None:
            raise NotFound({"__all__": [_("No such document.")]})
        return _pdf(doc)


# --- staff ---------------------------------------------------------------------------------------------------------

@extend_schema_view(get=extend_schema(
    tags=["disputes"], operation_id="dispute_list", summary=_l("Mediation and arbitration cases you may see"),
    parameters=[OpenApiParameter("track", OpenApiTypes.STR, enum=["mediation", "arbitration"]),
                OpenApiParameter("state", OpenApiTypes.STR), OpenApiParameter("q", OpenApiTypes.STR)],
    responses={200: DisputeCaseRowSerializer(many=True), **_err(401)}))
class CaseListView(APIView):
    def get(self, request):
        qs = case_list_for_user(request.user, track=request.query_params.get("track", ""),
                                state=request.query_params.get("state", ""), q=request.query_params.get("q", ""))
        return Response(DisputeCaseRowSerializer(qs[:200], many=True).data)


def _detail(user, case):
    v = case_view(user, case)
    data = {**{f: getattr(case, f) for f in ("case_number", "docket_no", "track", "state", "received_at",
                                              "priority", "region_id", "claims_text", "facts_text",
                                              "limitation_warning")},
            "get_state_display": case.get_state_display(), "full_pii": v["full_pii"],
            "parties": v["parties"], "claims": v["items"], "deadlines": v["deadlines"], "tribunal": v["tribunal"],
            "awards": v["awards"], "documents": v["documents"], "events": v["events"],
            "actions": actions_for(user, case)}
    return DisputeCaseDetailSerializer(data).data


@extend_schema_view(get=extend_schema(tags=["disputes"], operation_id="dispute_detail",
                                      summary=_l("One case, as the staff case page shows it"),
                                      responses={200: DisputeCaseDetailSerializer, **_err(401, 404)}))
class CaseDetailView(APIView):
    def get(self, request, case_number):
        case = _staff_case(request, case_number)
        return _never_cache(Response(_detail(request.user, case)))


@extend_schema_view(get=extend_schema(tags=["disputes"], operation_id="dispute_actions",
                                      summary=_l("The acts you may do on this case now, with their fields"),
                                      responses={200: DisputeActionDescriptionSerializer(many=True), **_err(401, 404)}))
class CaseActionsView(APIView):
    def get(self, request, case_number):
        case = _staff_case(request, case_number)
        return Response([{"name": n, "label": str(ACTIONS[n].label), "fields": describe_fields(action_form(n, case))}
                         for n in actions_for(request.user, case)])


@extend_schema_view(post=extend_schema(
    tags=["disputes"], operation_id="dispute_action_run", summary=_l("Do an act on the case"),
    description=_l("Send the act's fields (GET .../actions/) as JSON, or multipart when a file is part of it."),
    request=OpenApiTypes.OBJECT, responses={200: DisputeCaseDetailSerializer, **_err(400, 401, 403, 404, 409)}))
class CaseActionRunView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request, case_number, name):
        case = _staff_case(request, case_number)
        if name not in ACTIONS:
            raise NotFound({"__all__": [_("No such action.")]})
        data = request.data
        if hasattr(data, "dict") and not hasattr(data, "getlist"):
            data = data.dict()
        case = action_run(user=request.user, case=case, name=name, data=data, files=request.FILES)
        return _never_cache(Response(_detail(request.user, case)))


@extend_schema_view(get=extend_schema(tags=["disputes"], operation_id="dispute_document",
                                      summary=_l("Download a document of the case (staff)"),
                                      responses={(200, "application/pdf"): OpenApiTypes.BINARY, **_err(401, 404)}))
class CaseDocumentView(APIView):
    def get(self, request, case_number, doc_id):
        case = _staff_case(request, case_number)
        doc = case.documents.filter(pk=doc_id).first()
        if doc is None:
            raise NotFound({"__all__": [_("No such document.")]})
        return _pdf(doc)


# --- parties with an account ---------------------------------------------------------------------------------------

@extend_schema_view(get=extend_schema(tags=["disputes"], operation_id="dispute_mine",
                                      summary=_l("Cases you are a party to (or represent)"),
                                      responses={200: DisputeCaseRowSerializer(many=True), **_err(401)}))
class MineListView(APIView):
    def get(self, request):
        cases = party_cases_for(request.user).order_by("-received_at")
        return Response(DisputeCaseRowSerializer(cases, many=True).data)


def _party_view(user, case) -> dict:
    party = party_of(user, case)
    return tracking_view(case, side=party.side if party else "")


def _mine(request, case_number) -> DisputeCase:
    case = party_cases_for(request.user).filter(case_number=case_number).first()
    if case is None:
        raise NotFound({"__all__": [_("No such case, or it is not yours to see.")]})
    return case


@extend_schema_view(get=extend_schema(tags=["disputes"], operation_id="dispute_mine_detail",
                                      summary=_l("Your case: status, timeline and the main file"),
                                      responses={200: DisputeTrackingSerializer, **_err(401, 404)}))
class MineDetailView(APIView):
    def get(self, request, case_number):
        case = _mine(request, case_number)
        return _never_cache(Response(DisputeTrackingSerializer(_party_view(request.user, case)).data))


class DisputeDefenceInSerializer(serializers.Serializer):
    text = serializers.CharField()


@extend_schema_view(post=extend_schema(tags=["disputes"], operation_id="dispute_mine_defence",
                                       summary=_l("File your defence (respondent)"),
                                       request=DisputeDefenceInSerializer,
                                       responses={200: DisputeTrackingSerializer, **_err(400, 401, 403, 404)}))
class MineDefenceView(APIView):
    def post(self, request, case_number):
        from .services.arbitration import defence_submit_by_party

        case = _mine(request, case_number)
        if party_of(request.user, case) is None:
            raise NotAllowed({"__all__": [_("You do not act for a party of this case.")]})
        text = request.data.get("text", "") if isinstance(request.data, dict) else ""
        case = defence_submit_by_party(case=case, user=request.user, text=text)
        return _never_cache(Response(DisputeTrackingSerializer(_party_view(request.user, case)).data))


@extend_schema_view(get=extend_schema(tags=["disputes"], operation_id="dispute_mine_document",
                                      summary=_l("Download a document of your case file"),
                                      responses={(200, "application/pdf"): OpenApiTypes.BINARY, **_err(401, 404)}))
class MineDocumentView(APIView):
    def get(self, request, case_number, doc_id):
        doc = _mine(request, case_number).documents.filter(pk=doc_id, audience=CaseDocument.Audience.MAIN).first()
        if doc is None:
            raise NotFound({"__all__": [_("No such document.")]})
        return _pdf(doc)
