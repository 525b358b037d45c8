"""The disclosure API (spec §9): every staff step under /api/v1/disclosures/ (included from casework/api/urls.py;
token or session) and the public list and detail under /api/v1/public/disclosures/ (no account; included from
blacklist/api_urls.py; cached and rate-limited like the registry). Thin: the steps are the table of
blacklist.disclosure_steps (the same forms as the pages), the rules are in blacklist.services_disclosure. Errors
use the API's one shape (casework.api.errors); an object the caller may not see answers 404, a visible one it may
not act on 403."""
from django.urls import path
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
from casework.errors import DomainError, NotAllowed
from casework.workflow import describe_fields

from . import services_disclosure as svc
from .disclosure_steps import STEPS, queue_from_data, step_form, steps_offered
from .forms_disclosure import QueueForm
from .models_disclosure import DisclosureState
from .selectors_disclosure import disclosure_public_get, disclosure_search

__all__ = ["urlpatterns", "PublicDisclosureListView", "PublicDisclosureDetailView"]

TAGS = ["disclosures"]


def _user(u):
    return u.get_username() if u is not None else None


def _batch_row(b) -> dict:
    return {"id": b.pk, "region_code": b.region_id, "kind": b.kind, "label": b.label,
            "period_start": b.period_start.isoformat(), "period_end": b.period_end.isoformat(),
            "reason": b.reason, "created_by": _user(b.created_by), "approved_by": _user(b.approved_by),
            "ready": b.ready}


def _row(d) -> dict:
    return {"id": d.pk, "state": d.state, "category": d.category, "source": d.source, "batch": d.batch_id,
            "batch_label": d.batch.label, "region_code": d.region_id, "employer": d.employer_id,
            "unit_name": d.unit_name, "decision_no": d.decision_no, "decision_date": d.decision_date.isoformat()}


def _detail(d, user) -> dict:
    due = svc.objection_due(d)
    return {**_row(d), "uscc": d.uscc, "address": d.address, "legal_rep_name": d.legal_rep_name, "facts": d.facts,
            "handling": d.handling, "deciding_department": d.deciding_department,
            "case_number": d.complaint.case_number if d.complaint_id else None,
            "document_no": d.document.doc_no if d.document_id else None,
            "transfer": d.transfer_id, "drafted_by": _user(d.drafted_by), "approved_by": _user(d.approved_by),
            "no_secrets_confirmed": d.no_secrets_confirmed, "return_note": d.return_note,
            "publish_due": d.publish_due, "published_at": d.published_at, "published_by": _user(d.published_by),
            "published_late": d.published_late, "display_until": d.display_until, "objection_due": due,
            "objection_received_at": d.objection_received_at, "objection_text": d.objection_text,
            "objection_result": d.objection_result, "objection_note": d.objection_note,
            "corrected_at": d.corrected_at, "archived_at": d.archived_at, "withdrawn_at": d.withdrawn_at,
            "withdrawal_reason": d.withdrawal_reason, "unpublished_at": d.unpublished_at,
            "privacy_problems": svc.privacy_problems(d) if d.state == DisclosureState.QUEUED else {},
            "media": [{"medium": m.medium, "name": m.name, "published_on": m.published_on} for m in d.media.all()],
            "steps": [{"name": n, "title": str(STEPS[n].title), "fields": describe_fields(step_form(n, d))}
                      for n in steps_offered(user, d)]}


def _staff(request):
    if not has_role(request.user, *svc.DISCLOSURE_ROLES):
        raise NotFound({"__all__": [_("Not found.")]})


def _disclosure(request, pk):
    _staff(request)
    d = (svc.disclosures_for(request.user).select_related("batch", "complaint", "document", "drafted_by",
                                                            "approved_by", "published_by").filter(pk=pk).first())
    if d is None:
        raise NotFound({"__all__": [_("Not found.")]})
    return d


def _batch(request, pk):
    _staff(request)
    b = svc.batches_for(request.user).select_related("created_by", "approved_by").filter(pk=pk).first()
    if b is None:
        raise NotFound({"__all__": [_("Not found.")]})
    return b


def _form_errors(form):
    raise DomainError({k: [str(m) for m in v] for k, v in form.errors.items()})


class _Filter(serializers.Serializer):
    batch = serializers.IntegerField(required=False, min_value=1)
    state = serializers.ChoiceField(choices=DisclosureState.values, required=False)
    page = serializers.IntegerField(required=False, min_value=1, default=1)


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="disclosures", summary=_l("Disclosures in your regions"),
                      parameters=[OpenApiParameter("batch", OpenApiTypes.INT),
                                  OpenApiParameter("state", OpenApiTypes.STR),
                                  OpenApiParameter("page", OpenApiTypes.INT)],
                      responses={200: OpenApiTypes.OBJECT}),
    post=extend_schema(tags=TAGS, operation_id="disclosure_queue",
                       summary=_l("Queue a final decision for disclosure (credit officer or head)"),
                       description=_l("`source`: DECISION (`document`: a handling or penalty decision), TRANSFER "
                                      "(`transfer`: a criminal transfer approved by the head; category 2) or MANUAL "
                                      "(`employer`, `region_code`, `decision_no`, `decision_date`); `category` 1-8, "
                                      "`facts`, `handling`. The record joins its department's next batch."),
                       request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT}))
class DisclosureListView(APIView):
    parser_classes = [JSONParser, FormParser]
    PAGE = 100

    def get(self, request):
        _staff(request)
        f = raise_for_serializer(_Filter(data=request.query_params.dict()))
        qs = svc.disclosures_for(request.user).select_related("batch").order_by("-id")
        if f.get("batch"):
            qs = qs.filter(batch_id=f["batch"])
        if f.get("state"):
            qs = qs.filter(state=f["state"])
        start = (f["page"] - 1) * self.PAGE
        return Response({"count": qs.count(), "page": f["page"],
                         "results": [_row(d) for d in qs[start:start + self.PAGE]]})

    def post(self, request):
        _staff(request)
        if not hasattr(request.data, "get"):
            raise DomainError({"__all__": [_("Send the fields as a JSON object.")]})
        form = QueueForm(request.data)
        if not form.is_valid():
            _form_errors(form)
        with acting(request.user, channel="api"):
            d = queue_from_data(request.user, form.cleaned_data)
        return Response(_detail(_disclosure(request, d.pk), request.user), status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(
    tags=TAGS, operation_id="disclosure", summary=_l("One disclosure with the steps you may take"),
    description=_l("`steps`: each step you may take now, with the fields its POST takes."),
    responses={200: OpenApiTypes.OBJECT}))
class DisclosureDetailView(APIView):
    def get(self, request, pk):
        return Response(_detail(_disclosure(request, pk), request.user))


@extend_schema_view(post=extend_schema(
    tags=TAGS, operation_id="disclosure_step", summary=_l("Take a step on a disclosure"),
    description=_l("Steps: edit, submit, return, approve, publish, move, media, objection, objection_decide, "
                   "archive, withdraw. Send the step's fields (see `steps` of the disclosure) as a JSON object."),
    request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}))
class DisclosureStepView(APIView):
    parser_classes = [JSONParser, FormParser]

    def post(self, request, pk, step):
        d = _disclosure(request, pk)
        if step not in STEPS:
            raise NotFound({"__all__": [_("No such step.")]})
        if not hasattr(request.data, "get"):
            raise DomainError({"__all__": [_("Send the step's fields as a JSON object.")]})
        form = step_form(step, d, request.data)
        if not form.is_valid():
            _form_errors(form)
        with acting(request.user, channel="api"):
            STEPS[step].handler(d, request.user, form.cleaned_data)
        return Response(_detail(_disclosure(request, pk), request.user))


class _AdHocIn(serializers.Serializer):
    region_code = serializers.RegexField(r"^\d{6}$")
    reason = serializers.CharField(max_length=2000)


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="disclosure_batches", summary=_l("Disclosure batches in your regions"),
                      responses={200: OpenApiTypes.OBJECT}),
    post=extend_schema(tags=TAGS, operation_id="disclosure_batch_adhoc",
                       summary=_l("Ask for an ad hoc release (a head approves it)"), request=_AdHocIn,
                       responses={201: OpenApiTypes.OBJECT}))
class BatchListView(APIView):
    def get(self, request):
        _staff(request)
        qs = svc.batches_for(request.user).select_related("created_by", "approved_by")[:200]
        return Response({"results": [_batch_row(b) for b in qs]})

    def post(self, request):
        _staff(request)
        data = raise_for_serializer(_AdHocIn(data=request.data))
        with acting(request.user, channel="api"):
            b = svc.batch_adhoc_create(user=request.user, **data)
        return Response(_batch_row(b), status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(
    tags=TAGS, operation_id="disclosure_batch_action", summary=_l("Approve an ad hoc batch, or publish a batch"),
    description=_l("`approve`: a head, not the one who asked; `publish`: a publisher publishes every approved "
                   "disclosure of the batch, each on its own; answers the ids done and the messages per id "
                   "refused."), request=None, responses={200: OpenApiTypes.OBJECT}))
class BatchActionView(APIView):
    def post(self, request, pk, action):
        b = _batch(request, pk)
        with acting(request.user, channel="api"):
            if action == "approve":
                b = svc.batch_adhoc_approve(batch=b, user=request.user)
                return Response(_batch_row(b))
            if action == "publish":
                if not svc.can_act(request.user, b.region_id, svc.PUBLISHER):
                    raise NotAllowed({"__all__": [_("You may not do this on this disclosure.")]})
                result = svc.batch_publish(batch=b, user=request.user)
                return Response({"done": result["done"],
                                 "errors": {str(k): v for k, v in result["errors"].items()}})
        raise NotFound({"__all__": [_("No such step.")]})


# --- public --------------------------------------------------------------------------------------------------------

class _PublicFilter(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    uscc = serializers.CharField(required=False, allow_blank=True, max_length=32)
    region = serializers.RegexField(r"^\d{2,6}$", required=False, allow_blank=True)
    page = serializers.IntegerField(required=False, min_value=1, default=1)


def _rate(request):
    enforce_rate(request, group="blacklist.disclosures", setting="REGISTRY_RATE", default="120/m")


@extend_schema_view(get=extend_schema(
    tags=["public"], operation_id="disclosures_public", summary=_l("Search the disclosed major violations"),
    description=_l("Public. Disclosures of major labour-security violations (Order 29) while displayed: the "
                   "entity (name, credit code or registration number, address), the legal representative, the main "
                   "facts, the handling, and the decision's category, department, number and date. `q`: employer "
                   "name or part of it; `uscc`; `region`: region code or prefix. 20 per page."),
    parameters=[OpenApiParameter("q", OpenApiTypes.STR), OpenApiParameter("uscc", OpenApiTypes.STR),
                OpenApiParameter("region", OpenApiTypes.STR), OpenApiParameter("page", OpenApiTypes.INT)],
    responses={200: OpenApiTypes.OBJECT}))
class PublicDisclosureListView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        _rate(request)
        p = raise_for_serializer(_PublicFilter(data=request.query_params.dict()))
        return Response(disclosure_search(q=p.get("q", ""), uscc=p.get("uscc", ""), region=p.get("region", ""),
                                          page=p["page"]))


@extend_schema_view(get=extend_schema(tags=["public"], operation_id="disclosure_public_detail",
                                      summary=_l("One disclosed major violation"),
                                      responses={200: OpenApiTypes.OBJECT}))
class PublicDisclosureDetailView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, pk: int):
        _rate(request)
        found = disclosure_public_get(pk)
        if found["row"] is None:
            raise NotFound({"__all__": [_("Not found.")]})
        return Response({**found["row"], "last_updated": found["last_updated"]})


urlpatterns = [
    path("", DisclosureListView.as_view(), name="disclosures-api"),
    path("batches/", BatchListView.as_view(), name="disclosure-batches-api"),
    path("batches/<int:pk>/<str:action>/", BatchActionView.as_view(), name="disclosure-batch-action-api"),
    path("<int:pk>/", DisclosureDetailView.as_view(), name="disclosure-api"),
    path("<int:pk>/<str:step>/", DisclosureStepView.as_view(), name="disclosure-step-api"),
]
