"""/api/v1/transfers/: the criminal-transfer track's own API (spec §7). Its steps are workflow tasks, so they are
taken and completed on the generic task API (/api/v1/tasks/); here: the transfers in reach, one transfer, and
opening a transfer from a flagged case (the act that starts the flow). Thin: rules in
blacklist.services_transfer, reach in blacklist.selectors_transfer. Included from casework/api/urls.py.

Nothing here is public. No worker is named in any field: the amounts are totals, the letter names no worker."""
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.access import complaints_for
from casework.api.errors import NotFound, raise_for_serializer
from casework.api.serializers import CaseTaskSerializer, DeadlineSerializer, ErrorSerializer, open_tasks_of
from casework.audit import acting
from casework.selectors import deadlines_of

from . import services_transfer as svc
from .models_transfer import CriminalTransfer as C
from .selectors_transfer import transfer_list_for_user, transfers_for

__all__ = ["TransferListView", "TransferDetailView", "urlpatterns"]

PLACEHOLDER_WARNING = _l("Placeholder threshold: Tibet's figures for refusal to pay wages (法释〔2013〕3号 art. 3) have "
                         "not been obtained; this row holds the bottom of the national ranges.")
ERRORS = {c: ErrorSerializer for c in (400, 401, 403, 404)}


class ThresholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    province_code = serializers.CharField()
    per_worker_min_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    min_months = serializers.IntegerField()
    ten_plus_total_min_yuan = serializers.DecimalField(max_digits=12, decimal_places=2)
    min_workers = serializers.IntegerField()
    effective_from = serializers.DateField()
    source_doc = serializers.CharField()
    is_placeholder = serializers.BooleanField()


class TransferRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case_number = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    employer = serializers.CharField(source="employer.name")
    region = serializers.CharField(source="region_id")
    limb = serializers.CharField()
    threshold_placeholder = serializers.BooleanField()
    transfer_doc_no = serializers.CharField(allow_null=True)
    next_due = serializers.DateField(allow_null=True, required=False)
    is_overdue = serializers.BooleanField(required=False)


class TransferDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case_number = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    employer = serializers.CharField(source="employer.name")
    employer_uscc = serializers.CharField(source="employer.uscc")
    region = serializers.CharField(source="region_id")
    threshold = ThresholdSerializer()
    threshold_on = serializers.DateField()
    threshold_placeholder = serializers.BooleanField()
    threshold_warning = serializers.SerializerMethodField()
    limb = serializers.CharField()
    remuneration_outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    workers_owed = serializers.IntegerField()
    worker_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    worker_months = serializers.IntegerField()
    order_doc_no = serializers.CharField()
    payment_deadline = serializers.DateField()
    order_service = serializers.CharField()
    order_served_on = serializers.DateField(allow_null=True)
    posted_on = serializers.DateField(allow_null=True)
    posted_place = serializers.CharField()
    conduct = serializers.CharField()
    evasion_kinds = serializers.ListField(child=serializers.CharField())
    evasion_facts = serializers.CharField()
    consequence_kinds = serializers.ListField(child=serializers.CharField())
    consequence_facts = serializers.CharField()
    report_text = serializers.CharField()
    evidence_list = serializers.CharField()
    officers = serializers.SerializerMethodField()
    reported_at = serializers.DateTimeField(allow_null=True)
    head_approved = serializers.BooleanField(allow_null=True)
    head_decided_at = serializers.DateTimeField(allow_null=True)
    head_reasons = serializers.CharField()
    head_decision_late = serializers.BooleanField()
    transfer_doc_no = serializers.CharField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    police_agency = serializers.CharField()
    materials = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    transfer_letter = serializers.CharField()
    transfer_late = serializers.BooleanField()
    police_received_on = serializers.DateField(allow_null=True)
    police_decision = serializers.CharField()
    police_notice_no = serializers.CharField()
    police_decided_on = serializers.DateField(allow_null=True)
    police_reasons = serializers.CharField()
    police_decision_late = serializers.BooleanField()
    reconsideration_requested_on = serializers.DateField(allow_null=True)
    reconsideration_result = serializers.CharField()
    reconsideration_decided_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    outcome_on = serializers.DateField(allow_null=True)
    judgment_no = serializers.CharField()
    deadlines = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()

    def get_threshold_warning(self, t) -> str:
        return str(PLACEHOLDER_WARNING) if t.threshold_placeholder else ""

    def get_officers(self, t) -> list[str]:
        return [o.user.get_username() for o in t.team.select_related("user")]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, t):
        return DeadlineSerializer(deadlines_of(t), many=True).data

    @extend_schema_field(CaseTaskSerializer(many=True))
    def get_tasks(self, t):
        return CaseTaskSerializer(open_tasks_of(t), many=True).data


class TransferOpenInSerializer(serializers.Serializer):
    case_number = serializers.CharField(max_length=24)
    order_service = serializers.ChoiceField(choices=C.OrderService.choices)
    order_served_on = serializers.DateField(required=False, allow_null=True, default=None)
    posted_on = serializers.DateField(required=False, allow_null=True, default=None)
    posted_place = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    posted_evidence_id = serializers.IntegerField(required=False, allow_null=True, default=None,
                                                  help_text=_l("An attachment of the case: the photo or video of "
                                                               "the posting."))


class TransferPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema_view(
    get=extend_schema(tags=["criminal transfers"], operation_id="transfer_list",
                      summary=_l("Criminal transfers you may see"),
                      description=_l("Inspection staff and auditors: their regions; a police liaison: the transfers "
                                     "sent to the police of their regions. Paginated."),
                      responses={200: TransferRowSerializer(many=True), **ERRORS}),
    post=extend_schema(tags=["criminal transfers"], operation_id="transfer_open",
                       summary=_l("Open a criminal transfer from a flagged case"),
                       description=_l("Refused (400, with the rule and its citation) unless the case is flagged, the "
                                      "order's payment deadline passed unpaid, the remuneration owed meets the "
                                      "province's threshold, and the order was served or posted with a photo or "
                                      "video. Starts the flow: the report is the first task."),
                       request=TransferOpenInSerializer, responses={201: TransferDetailSerializer, **ERRORS}))
class TransferListView(APIView):
    pagination_class = TransferPagination

    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(transfer_list_for_user(request.user), request, view=self)
        return paginator.get_paginated_response(TransferRowSerializer(page, many=True).data)

    def post(self, request):
        data = raise_for_serializer(TransferOpenInSerializer(data=request.data))
        complaint = complaints_for(request.user, "handle").filter(case_number=data["case_number"]).first()
        if complaint is None:
            raise NotFound({"case_number": [_("No such case, or it is not yours to see.")]})
        evidence = None
        if data["posted_evidence_id"] is not None:
            evidence = complaint.attachments.filter(pk=data["posted_evidence_id"]).first()
            if evidence is None:
                raise NotFound({"posted_evidence_id": [_("This case has no such attachment.")]})
        with acting(request.user, channel="api"):
            transfer = svc.transfer_open(complaint=complaint, user=request.user, order_service=data["order_service"],
                                         order_served_on=data["order_served_on"], posted_on=data["posted_on"],
                                         posted_place=data["posted_place"], posted_evidence=evidence)
        return Response(TransferDetailSerializer(transfer).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=["criminal transfers"], operation_id="transfer_detail",
                                      summary=_l("One criminal transfer"),
                                      responses={200: TransferDetailSerializer, **ERRORS}))
class TransferDetailView(APIView):
    def get(self, request, pk):
        t = transfers_for(request.user).select_related("employer", "threshold").filter(pk=pk).first()
        if t is None:
            raise NotFound({"__all__": [_("No such transfer, or it is not yours to see.")]})
        return Response(TransferDetailSerializer(t).data)


urlpatterns = [
    path("", TransferListView.as_view(), name="transfer-list"),
    path("<int:pk>/", TransferDetailView.as_view(), name="transfer-detail"),
]
