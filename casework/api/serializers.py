"""Serializers: input shapes (parsed, then handed to a service that holds the rules) and output shapes (rendered
from selectors). No business rule lives here. Every person is rendered through ``casework.privacy.person_view``,
so what a viewer sees of a worker is decided in one place."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from arrears.services import complaint_totals

from ..models import Attachment, Complaint, InspectionDocument, InspectionRecord
from ..privacy import person_view
from ..selectors import case_timeline, deadlines_of

__all__ = [
    "IntakeSerializer", "IntakeMultipartSerializer", "IntakeResultSerializer", "TrackingSerializer",
    "CaseRowSerializer", "CaseDetailSerializer", "TaskRowSerializer", "TaskListSerializer", "TaskDetailSerializer",
    "TaskCompleteResultSerializer", "InspectionRecordInSerializer", "InspectionRecordSerializer",
    "ItemVerifyInSerializer", "ItemSerializer", "PaymentInSerializer", "PaymentSerializer", "EvidenceInSerializer",
    "AttachmentSerializer", "TokenRequestSerializer", "TokenSerializer", "ErrorSerializer", "open_tasks_of",
]

OPEN_TASK_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


# --- errors (documentation of the one error shape) -----------------------------------------------------------------

class ErrorSerializer(serializers.Serializer):
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text=_("Messages per field path, e.g. \"complainant.id_number\" or "
                                               "\"items.0.amount_claimed\"; \"__all__\" for the request as a whole."))
    detail = serializers.CharField(help_text=_("All messages in one sentence."))


# --- intake --------------------------------------------------------------------------------------------------------
# These describe the body for the OpenAPI document only: the body is checked, field by field, by
# casework.services.intake.intake_validate (the same rules as the online form and the intake officer's form).

class IntakePersonSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(help_text=_("18-character resident ID number (GB 11643)."))
    phone = serializers.CharField(help_text=_("11-digit mainland mobile number."))
    preferred_language = serializers.ChoiceField(choices=["zh-hans", "bo", "en"], required=False)


class IntakeEmployerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    uscc = serializers.CharField(required=False, allow_blank=True,
                                 help_text=_("Unified social credit code (GB 32100), optional."))
    address = serializers.CharField(required=False, allow_blank=True)
    legal_rep_name = serializers.CharField(required=False, allow_blank=True)


class IntakeItemSerializer(serializers.Serializer):
    category = serializers.CharField(help_text=_("wages, overtime, min_wage_gap, severance, ..."))
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    amount_claimed = serializers.DecimalField(max_digits=14, decimal_places=2)
    worker_id_number = serializers.CharField(required=False, allow_blank=True)
    worker_name = serializers.CharField(required=False, allow_blank=True)


class IntakeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Complaint.Kind.choices)
    region_code = serializers.CharField(help_text=_("GB/T 2260 code of the prefecture or county of the workplace."))
    sector = serializers.ChoiceField(choices=Complaint.Sector.choices)
    project_name = serializers.CharField(required=False, allow_blank=True)
    project_location = serializers.CharField(required=False, allow_blank=True)
    complainant = IntakePersonSerializer(required=False, help_text=_("Required for a complaint; optional for a "
                                                                     "report."))
    employer = IntakeEmployerSerializer()
    employment_status = serializers.ChoiceField(choices=Complaint.EmploymentStatus.choices)
    employment_end_date = serializers.DateField(required=False, allow_null=True)
    violation_start = serializers.DateField()
    violation_end = serializers.DateField(required=False, allow_null=True)
    is_continuing = serializers.BooleanField(required=False)
    workers_affected = serializers.IntegerField(required=False, min_value=1)
    is_collective = serializers.BooleanField(required=False)
    representatives = IntakePersonSerializer(many=True, required=False)
    facts = serializers.CharField()
    requests = serializers.CharField(required=False, allow_blank=True)
    items = IntakeItemSerializer(many=True, required=False)
    channel = serializers.ChoiceField(choices=Complaint.Channel.choices, required=False,
                                      help_text=_("Intake officers only (default: online)."))
    received_at = serializers.DateField(required=False, help_text=_("Intake officers only (default: today)."))
    national_clue_id = serializers.CharField(required=False, help_text=_("Intake officers only; required for the "
                                                                         "national_platform channel."))


class IntakeMultipartSerializer(serializers.Serializer):
    data = serializers.CharField(help_text=_("The JSON body of a complaint (see the JSON form), as a string."))
    evidence = serializers.ListField(child=serializers.FileField(), required=False,
                                     help_text=_("Evidence files: JPEG, PNG, WebP, HEIC or PDF, checked by content. "
                                                 "Repeat the part for several files."))


class IntakeResultSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    access_code = serializers.CharField(help_text=_("Shown once: with the case number it opens the tracking page."))
    status = serializers.CharField()
    acceptance_due = serializers.DateField()


# --- tracking ------------------------------------------------------------------------------------------------------

class _NextDeadlineSerializer(serializers.Serializer):
    date = serializers.DateField()
    what = serializers.CharField()
    provisional = serializers.BooleanField()


class _PublicEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    code = serializers.CharField()
    text = serializers.CharField()
    request = serializers.CharField(required=False)


class _PublicDocumentSerializer(serializers.Serializer):
    doc_no = serializers.CharField()
    type = serializers.CharField()
    issued_at = serializers.DateField()
    payment_deadline = serializers.DateField(allow_null=True)
    text = serializers.CharField()


class TrackingSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    next_deadline = _NextDeadlineSerializer(allow_null=True)
    correction_request = serializers.CharField(allow_blank=True)
    events = _PublicEventSerializer(many=True)
    documents = _PublicDocumentSerializer(many=True)


# --- auth ----------------------------------------------------------------------------------------------------------

class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


# --- cases ---------------------------------------------------------------------------------------------------------

class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="display_name")


class CaseRowSerializer(serializers.Serializer):
    """One row of the case list: no personal data."""

    case_number = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    employer_name = serializers.CharField(source="employer.name")
    handling_region = RegionRefSerializer()
    received_at = serializers.DateField()
    next_due = serializers.DateField(allow_null=True)
    next_rule = serializers.CharField(allow_null=True)
    is_overdue = serializers.BooleanField()
    lead_inspector = serializers.CharField(source="lead_inspector.username", allow_null=True)


class PersonSerializer(serializers.Serializer):
    """What the viewer may see of a person (casework.privacy.person_view): full for case-handling staff of the
    region, masked for other staff, nothing but ``confidential`` for an informant."""

    name = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    preferred_language = serializers.CharField(required=False)
    gender = serializers.CharField(required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    confidential = serializers.BooleanField(required=False)


class EmployerSerializer(serializers.Serializer):
    name = serializers.CharField()
    uscc = serializers.CharField(allow_null=True)
    registration_region_code = serializers.CharField()
    address = serializers.CharField()
    legal_rep_name = serializers.CharField()
    is_construction = serializers.BooleanField()


class _ViewerMixin:
    """``context``: request (its user is the viewer) and complaint."""

    def _person(self, person):
        complaint = self.context["complaint"]
        return person_view(person, viewer=self.context["request"].user, complaint=complaint,
                           informant=complaint.confidential_informant)


class ItemSerializer(_ViewerMixin, serializers.Serializer):
    """What one worker is owed for one period and category, and what was verified, ordered and paid."""

    id = serializers.IntegerField()
    category = serializers.CharField()
    category_display = serializers.CharField(source="get_category_display")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    amount_claimed = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount_verified = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    amount_ordered = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    amount_paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    verification_note = serializers.CharField()
    worker = serializers.SerializerMethodField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_worker(self, item):
        return self._person(item.worker)


class TotalsSerializer(serializers.Serializer):
    claimed = serializers.DecimalField(max_digits=14, decimal_places=2)
    verified = serializers.DecimalField(max_digits=14, decimal_places=2)
    due = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    all_verified = serializers.BooleanField()


class DeadlineSerializer(serializers.Serializer):
    rule_id = serializers.CharField()
    n = serializers.IntegerField()
    unit = serializers.CharField()
    anchor_date = serializers.DateField()
    due_date = serializers.DateField()
    extended_to = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    provisional = serializers.BooleanField()
    citation = serializers.CharField()


class DocumentSerializer(serializers.Serializer):
    doc_no = serializers.CharField()
    doc_type = serializers.CharField()
    doc_type_display = serializers.CharField(source="get_doc_type_display")
    issued_at = serializers.DateField()
    payment_deadline = serializers.DateField(allow_null=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    text = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    mime = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    audience = serializers.CharField()
    description = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    uploaded_by = serializers.CharField(source="uploaded_by.username", allow_null=True)


class InspectionRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    held_on = serializers.DateField()
    place = serializers.CharField()
    summary = serializers.CharField()
    inspectors = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.username")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_inspectors(self, record):
        return sorted(u.get_username() for u in record.inspectors.all())


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    method = serializers.CharField()
    reference = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")


class _ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    kind = serializers.CharField()
    object = serializers.CharField()
    object_id = serializers.IntegerField()
    action = serializers.CharField()
    changes = _ChangeSerializer(many=True)
    request_id = serializers.CharField()


class CaseTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    step = serializers.CharField(source="flow_task.name")
    title = serializers.SerializerMethodField()
    status = serializers.CharField()
    owner = serializers.CharField(source="owner.username", allow_null=True)

    def get_title(self, task) -> str:
        return str(getattr(task.flow_task, "task_title", "") or task.flow_task.name)


def open_tasks_of(complaint):
    """The case's human tasks that are not done (a read for rendering the case)."""
    if not complaint.process_id:
        return Task.objects.none()
    return (Task.objects.filter(process_id=complaint.process_id, flow_task_type="HUMAN",
                                status__in=OPEN_TASK_STATUSES).select_related("owner").order_by("created", "id"))


class CaseDetailSerializer(_ViewerMixin, serializers.Serializer):
    """A case with its parties (as the viewer may see them), money, deadlines, documents, records, timeline and
    open tasks."""

    case_number = serializers.CharField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    channel = serializers.CharField()
    national_clue_id = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    region = RegionRefSerializer()
    handling_region = RegionRefSerializer()
    sector = serializers.CharField()
    project_name = serializers.CharField()
    project_location = serializers.CharField()
    employment_status = serializers.CharField()
    employment_end_date = serializers.DateField(allow_null=True)
    violation_start = serializers.DateField()
    violation_end = serializers.DateField(allow_null=True)
    is_continuing = serializers.BooleanField()
    workers_affected = serializers.IntegerField()
    is_collective = serializers.BooleanField()
    confidential_informant = serializers.BooleanField()
    preferred_language = serializers.CharField()
    facts = serializers.CharField()
    requests = serializers.CharField()
    received_at = serializers.DateField()
    filed_at = serializers.DateField(allow_null=True)
    triage_note = serializers.CharField()
    correction_request = serializers.CharField()
    forwarded_to = serializers.CharField()
    lead_inspector = serializers.CharField(source="lead_inspector.username", allow_null=True)
    additional_compensation_rate = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    additional_compensation_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fine_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    suspected_crime = serializers.BooleanField()
    blacklist_candidate = serializers.BooleanField()
    court_enforcement_requested = serializers.BooleanField()
    outcome = serializers.CharField()
    amount_recovered = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    closed_at = serializers.DateField(allow_null=True)

    complainant = serializers.SerializerMethodField()
    representatives = serializers.SerializerMethodField()
    employer = EmployerSerializer()
    items = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    inspection_records = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_complainant(self, c):
        return self._person(c.complainant)

    @extend_schema_field(PersonSerializer(many=True))
    def get_representatives(self, c):
        return [self._person(r.person) for r in c.representatives.select_related("person").order_by("id")]

    @extend_schema_field(ItemSerializer(many=True))
    def get_items(self, c):
        return ItemSerializer(c.items.select_related("worker").order_by("id"), many=True, context=self.context).data

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, c):
        return TotalsSerializer(complaint_totals(c)).data

    @extend_schema_field(PaymentSerializer(many=True))
    def get_payments(self, c):
        return PaymentSerializer(c.payments.select_related("recorded_by").order_by("paid_on", "id"), many=True).data

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, c):
        return DeadlineSerializer(deadlines_of(c), many=True).data

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, c):
        return DocumentSerializer(InspectionDocument.objects.filter(complaint=c).order_by("issued_at", "id"),
                                  many=True).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_evidence(self, c):
        return AttachmentSerializer(Attachment.objects.filter(complaint=c).select_related("uploaded_by")
                                    .order_by("uploaded_at", "id"), many=True).data

    @extend_schema_field(InspectionRecordSerializer(many=True))
    def get_inspection_records(self, c):
        records = (InspectionRecord.objects.filter(complaint=c).select_related("recorded_by")
                   .prefetch_related("inspectors").order_by("held_on", "id"))
        return InspectionRecordSerializer(records, many=True).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, c):
        return TimelineEntrySerializer(case_timeline(c), many=True).data

    @extend_schema_field(CaseTaskSerializer(many=True))
    def get_tasks(self, c):
        return CaseTaskSerializer(open_tasks_of(c), many=True).data


# --- tasks ---------------------------------------------------------------------------------------------------------

class TaskRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    track = serializers.SerializerMethodField(help_text=_("inspection, mediation or arbitration"))
    step = serializers.CharField(source="flow_task.name")
    title = serializers.SerializerMethodField()
    case_number = serializers.SerializerMethodField()
    status = serializers.CharField()
    created = serializers.DateTimeField()
    owner = serializers.CharField(source="owner.username", allow_null=True)

    def get_title(self, task) -> str:
        return str(getattr(task.flow_task, "task_title", "") or task.flow_task.name)

    def get_track(self, task) -> str:
        from ..workflow import track_of

        return track_of(task).key

    def get_case_number(self, task) -> str:
        from ..workflow import case_of_task

        return case_of_task(task).case_number


class TaskListSerializer(serializers.Serializer):
    inbox = TaskRowSerializer(many=True, help_text=_("Tasks assigned to you and not done."))
    queue = TaskRowSerializer(many=True, help_text=_("Unassigned tasks you may take."))
    inbox_count = serializers.IntegerField()
    queue_count = serializers.IntegerField()


class TaskFieldChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class TaskFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["string", "choice", "multiple_choice", "date", "datetime", "decimal",
                                            "boolean", "integer"])
    required = serializers.BooleanField()
    label = serializers.CharField()
    choices = TaskFieldChoiceSerializer(many=True, required=False)
    help = serializers.CharField(required=False)


class TaskCaseSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    handling_region = serializers.SerializerMethodField()
    lead_inspector = serializers.SerializerMethodField()

    @extend_schema_field(RegionRefSerializer(allow_null=True))
    def get_handling_region(self, c):
        region = getattr(c, "handling_region", None) or getattr(c, "region", None)
        return RegionRefSerializer(region).data if region is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_lead_inspector(self, c):
        lead = getattr(c, "lead_inspector", None)
        return lead.username if lead is not None else None


class TaskDetailSerializer(TaskRowSerializer):
    """A task with the fields its completion takes and what the caller may do with it."""

    case = serializers.SerializerMethodField()
    fields = serializers.SerializerMethodField(method_name="describe_fields")
    can_assign = serializers.SerializerMethodField(method_name="caller_can_assign",
                                                   help_text=_("You may take this task now."))
    can_execute = serializers.SerializerMethodField(
        method_name="caller_can_execute",
        help_text=_("You may complete this task now (taking it first if it is free)."))

    @extend_schema_field(TaskCaseSerializer())
    def get_case(self, task):
        from ..workflow import case_of_task

        return TaskCaseSerializer(case_of_task(task)).data

    @extend_schema_field(TaskFieldSerializer(many=True))
    def describe_fields(self, task):
        from ..workflow import describe_fields, step_spec

        spec = step_spec(task)
        return describe_fields(spec.form) if spec else []

    @extend_schema_field(serializers.BooleanField())
    def caller_can_assign(self, task) -> bool:
        return bool(task.status == STATUS.NEW and not task.owner_id
                    and task.flow_task.can_assign(self.context["request"].user, task))

    @extend_schema_field(serializers.BooleanField())
    def caller_can_execute(self, task) -> bool:
        user = self.context["request"].user
        if task.status in (STATUS.ASSIGNED, STATUS.STARTED):
            return bool(task.flow_task.can_execute(user, task))
        return self.caller_can_assign(task)


class TaskCompleteResultSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    tasks = serializers.SerializerMethodField()

    @extend_schema_field(CaseTaskSerializer(many=True))
    def get_tasks(self, c):
        return CaseTaskSerializer(open_tasks_of(c), many=True).data


# --- case actions (input) ------------------------------------------------------------------------------------------

class InspectionRecordInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InspectionRecord.Kind.choices)
    held_on = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    inspectors = serializers.ListField(child=serializers.CharField(), allow_empty=True,
                                       help_text=_("Usernames of the inspectors who took part (at least 2)."))


class ItemVerifyInSerializer(serializers.Serializer):
    amount_verified = serializers.CharField(help_text=_("Yuan, e.g. \"6000\" or \"5999.50\"."))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class PaymentInSerializer(serializers.Serializer):
    item_id = serializers.IntegerField()
    amount = serializers.CharField(help_text=_("Yuan, e.g. \"6000\"."))
    paid_on = serializers.DateField()
    method = serializers.CharField(required=False, default="bank_transfer", max_length=32)
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=128)


class EvidenceInSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("JPEG, PNG, WebP, HEIC or PDF; checked by content."))
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    audience = serializers.ChoiceField(choices=Attachment.Audience.choices, default=Attachment.Audience.PARTIES)

