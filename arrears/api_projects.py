"""Construction projects API under /api/v1/projects/ (included from casework/api/urls.py; see docs/api.md and
docs/construction.md). The general contractor's account registers a project and records its safeguards, roster and
payroll; inspectors read the findings and open ex officio cases. Thin: the rules are in arrears.services_projects,
arrears.imports, arrears.findings and casework.services.ex_officio. A project the caller may not see answers 404;
the account number is never returned in full, worker ID numbers only masked."""
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.access import has_role
from casework.api.errors import NotFound, raise_for_serializer
from casework.audit import acting
from casework.errors import DomainError, NotAllowed
from casework.identity import mask_id_for_employer

from . import imports
from . import services_projects as svc
from . import services_settlement as ss
from .findings import finding_origin, project_findings
from .models_projects import RosterEntry, SettlementObjection, WageGuarantee
from .selectors_projects import GC_ROLE, project_get, projects_for

__all__ = ["urlpatterns"]

TAGS = ["projects"]
STAFF_ROLES = ("inspector", "inspection_head", "intake_officer", "auditor")


def _rel(obj, name):
    try:
        return getattr(obj, name)
    except Exception:
        return None


def _project_row(p) -> dict:
    return {"id": p.pk, "name": p.name, "region_code": p.region_id, "location": p.location, "state": p.state,
            "developer": {"name": p.developer.name, "uscc": p.developer.uscc or ""},
            "general_contractor": {"name": p.general_contractor.name, "uscc": p.general_contractor.uscc or ""},
            "contract_value": str(p.contract_value), "contract_signed_on": p.contract_signed_on.isoformat(),
            "started_on": p.started_on.isoformat() if p.started_on else None,
            "labour_cost_cycle_days": p.labour_cost_cycle_days}


def _project_detail(p) -> dict:
    account, g, board = _rel(p, "wage_account"), _rel(p, "wage_guarantee"), _rel(p, "notice_board")
    return {**_project_row(p),
            "subcontractors": [{"name": s.subcontractor.name, "uscc": s.subcontractor.uscc or "", "scope": s.scope}
                               for s in p.subcontracts.select_related("subcontractor")],
            "account": {"bank_name": account.bank_name, "account_name": account.account_name,
                        "account_number_masked": account.masked_number, "opened_on": account.opened_on.isoformat(),
                        "closed_on": _iso(account.closed_on)}
            if account else None,
            "guarantee": {"form": g.form, "amount": str(g.amount), "state": g.state,
                          "required_amount": str(g.required_amount) if g.required_amount is not None else None,
                          "ratio_applied": str(g.ratio_applied) if g.ratio_applied is not None else None,
                          "deposited_on": g.deposited_on.isoformat() if g.deposited_on else None,
                          "bank_name": g.bank_name, "balance": str(g.balance),
                          "refund_applied_on": _iso(g.refund_applied_on), "refunded_on": _iso(g.refunded_on),
                          "refunded_amount": str(g.refunded_amount) if g.refunded_amount is not None else None}
            if g else None,
            "notice_board": {"has_photo": bool(board.photo), "shows_parties": board.shows_parties,
                             "shows_minimum_wage": board.shows_minimum_wage, "shows_pay_date": board.shows_pay_date,
                             "pay_day_of_month": board.pay_day_of_month, "hotline": board.hotline,
                             "mediation_channel": board.mediation_channel, "legal_aid": board.legal_aid}
            if board else None,
            "roster_on_site": p.roster.filter(left_on__isnull=True).count(),
            "payroll_months": [b.period.strftime("%Y-%m") for b in p.payrolls.order_by("period")]}


def _iso(d):
    return d.isoformat() if d else None


def _objection(row) -> dict:
    o = row["obj"]
    return {"id": o.pk, "received_on": o.received_on.isoformat(), "text": row["text"], "resolution": o.resolution,
            "resolution_note": o.resolution_note, "resolved_on": _iso(o.resolved_on)}


def _settlement(user, p) -> dict:
    """Completion and settlement as the caller sees them, with the steps the caller may take now."""
    s = ss.settlement_panel(user, p)
    n = s["notice"]
    return {"state": p.state, "completed_on": _iso(p.completed_on), "settled_on": _iso(p.settled_on),
            "notice": {"posted_on": n.posted_on.isoformat(), "ends_on": n.ends_on.isoformat(),
                       "ends_on_provisional": n.ends_on_provisional, "days_left": s["days_left"],
                       "rule": {"rule_id": ss.RULE_NOTICE, **{k: s["notice_rule"][k] for k in ("n", "unit",
                                                                                                 "citation")}}}
            if n else None,
            "objections": [_objection(r) for r in s["objections"]], "blockers": s["blockers"],
            "roster_keep_until": _iso(s["roster_keep_until"]), "roster_keep": s["roster_keep_text"],
            "actions": [k for k, v in s["actions"].items() if v]}


def _finding(f) -> dict:
    return {"code": f.code, "label": f.label, "severity": f.severity, "detail": f.detail, "evidence": f.evidence,
            "origin": finding_origin(f)}


def _project(request, pk, action="view"):
    p = project_get(request.user, pk, action)
    if p is None:
        if action != "view" and project_get(request.user, pk, "view") is not None:
            raise NotAllowed(_("You may not do this on this project."))
        raise NotFound({"__all__": [_("Not found.")]})
    return p


class _SubIn(serializers.Serializer):
    uscc = serializers.CharField(max_length=24)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    scope = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class _ProjectIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    region_code = serializers.RegexField(r"^\d{6}$")
    location = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    developer_uscc = serializers.CharField(max_length=24)
    developer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contractor_uscc = serializers.CharField(max_length=24)
    contractor_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contract_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    contract_signed_on = serializers.DateField()
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    labour_cost_cycle_days = serializers.IntegerField(min_value=1)
    subcontractors = _SubIn(many=True, required=False, default=list)


class _AccountIn(serializers.Serializer):
    bank_name = serializers.CharField(max_length=100)
    account_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    account_number = serializers.CharField(max_length=48, write_only=True)
    opened_on = serializers.DateField()


class _GuaranteeIn(serializers.Serializer):
    form = serializers.ChoiceField(choices=WageGuarantee.Form.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    deposited_on = serializers.DateField()
    bank_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class _BoardIn(serializers.Serializer):
    photo = serializers.FileField(required=False, allow_null=True, default=None)
    photo_taken_on = serializers.DateField(required=False, allow_null=True, default=None)
    shows_parties = serializers.BooleanField(default=False)
    shows_minimum_wage = serializers.BooleanField(default=False)
    shows_pay_date = serializers.BooleanField(default=False)
    pay_day_of_month = serializers.IntegerField(min_value=1, max_value=31, required=False, allow_null=True,
                                                default=None)
    hotline = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    mediation_channel = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    legal_aid = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class _RosterIn(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(max_length=24)
    entered_on = serializers.DateField()
    employer_uscc = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
    trade = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    bank_last4 = serializers.CharField(max_length=4, required=False, allow_blank=True, default="")


class _ExitIn(serializers.Serializer):
    left_on = serializers.DateField()


class _ImportIn(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True, help_text=_l("true: check and report only (nothing written); "
                                                                  "false: write the valid rows"))
    signed_by_subcontractor = serializers.BooleanField(default=False)


class _OpenCaseIn(serializers.Serializer):
    origin = serializers.CharField(max_length=120)


def _roster_row(e) -> dict:
    return {"id": e.pk, "name": e.worker.name, "id_number_masked": mask_id_for_employer(e.worker.id_number),
            "employer": e.employer.name, "trade": e.trade, "entered_on": e.entered_on.isoformat(),
            "left_on": e.left_on.isoformat() if e.left_on else None}


OBJ = {200: OpenApiTypes.OBJECT}


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="projects_list", summary=_l("Construction projects you may see"),
                      responses=OBJ),
    post=extend_schema(tags=TAGS, operation_id="project_register",
                       summary=_l("Register a construction project (general contractor's account)"),
                       request=_ProjectIn, responses={201: OpenApiTypes.OBJECT}))
class ProjectListView(APIView):
    parser_classes = [JSONParser]

    def get(self, request):
        qs = projects_for(request.user).select_related("developer", "general_contractor")[:500]
        return Response({"results": [_project_row(p) for p in qs]})

    def post(self, request):
        if not has_role(request.user, GC_ROLE):
            raise NotAllowed(_("Only a general contractor's account registers projects."))
        data = raise_for_serializer(_ProjectIn(data=request.data))
        with acting(request.user, channel="api"):
            p = svc.project_register(user=request.user, **data)
        return Response(_project_detail(p), status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=TAGS, operation_id="project_detail",
                                      summary=_l("A project with its safeguards (account number masked)"),
                                      responses=OBJ))
class ProjectDetailView(APIView):
    def get(self, request, pk):
        p = _project(request, pk)
        return Response({**_project_detail(p), "settlement": _settlement(request.user, p)})


def _part_view(name, serializer, service, summary, parsers=(JSONParser,)):
    @extend_schema_view(put=extend_schema(tags=TAGS, operation_id=f"project_{name}", summary=summary,
                                          request=serializer, responses=OBJ))
    class PartView(APIView):
        parser_classes = list(parsers)

        def put(self, request, pk):
            p = _project(request, pk, "edit")
            data = raise_for_serializer(serializer(data=request.data))
            with acting(request.user, channel="api"):
                service(project=p, user=request.user, **data)
            p = project_get(request.user, pk, "edit")
            return Response(_project_detail(p))

    PartView.__name__ = f"Project{name.title()}View"
    return PartView


AccountView = _part_view("account", _AccountIn, svc.account_record,
                         _l("Record the dedicated wage account (the number is stored encrypted, shown masked)"))
GuaranteeView = _part_view("guarantee", _GuaranteeIn, svc.guarantee_record, _l("Record the wage guarantee"))
BoardView = _part_view("board", _BoardIn, svc.board_record, _l("Record the rights notice board (photo optional)"),
                       parsers=(MultiPartParser, FormParser, JSONParser))


@extend_schema_view(post=extend_schema(tags=TAGS, operation_id="project_subcontractor_add",
                                       summary=_l("Add a subcontractor"), request=_SubIn,
                                       responses={201: OpenApiTypes.OBJECT}))
class SubcontractorView(APIView):
    parser_classes = [JSONParser]

    def post(self, request, pk):
        p = _project(request, pk, "edit")
        data = raise_for_serializer(_SubIn(data=request.data))
        with acting(request.user, channel="api"):
            svc.subcontractor_add(project=p, user=request.user, **data)
        return Response(_project_detail(p), status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="project_roster", summary=_l("The real-name roster (IDs masked)"),
                      responses=OBJ),
    post=extend_schema(tags=TAGS, operation_id="project_roster_add", summary=_l("Add a worker to the roster"),
                       request=_RosterIn, responses={201: OpenApiTypes.OBJECT}))
class RosterView(APIView):
    parser_classes = [JSONParser]

    def get(self, request, pk):
        p = _project(request, pk, "edit")
        return Response({"results": [_roster_row(e) for e in p.roster.select_related("worker", "employer")]})

    def post(self, request, pk):
        p = _project(request, pk, "edit")
        data = raise_for_serializer(_RosterIn(data=request.data))
        with acting(request.user, channel="api"):
            e = svc.roster_add(project=p, user=request.user, **data)
        return Response(_roster_row(e), status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(tags=TAGS, operation_id="project_roster_exit",
                                       summary=_l("Record a worker's exit from the site"), request=_ExitIn,
                                       responses=OBJ))
class RosterExitView(APIView):
    parser_classes = [JSONParser]

    def post(self, request, pk, entry_id):
        p = _project(request, pk, "edit")
        entry = RosterEntry.objects.filter(project=p, pk=entry_id).select_related("worker", "employer").first()
        if entry is None:
            raise NotFound({"__all__": [_("Not found.")]})
        data = raise_for_serializer(_ExitIn(data=request.data))
        with acting(request.user, channel="api"):
            e = svc.roster_exit(entry=entry, user=request.user, left_on=data["left_on"])
        return Response(_roster_row(e))


@extend_schema_view(post=extend_schema(
    tags=TAGS, operation_id="project_import",
    summary=_l("Import a roster or a payroll (CSV or .xlsx) with a row-by-row report"),
    description=_l("dry_run=true (default) checks the file and writes nothing; dry_run=false writes the valid rows "
                   "and reports the others (row numbers as in the file: the header is row 1). Rows already recorded "
                   "are not written again."),
    parameters=[OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["roster", "payroll"])],
    request={"multipart/form-data": _ImportIn}, responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT}))
class ImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, pk, kind):
        if kind not in ("roster", "payroll"):
            raise NotFound({"__all__": [_("Not found.")]})
        p = _project(request, pk, "edit")
        data = raise_for_serializer(_ImportIn(data=request.data))
        upload = data["file"]
        raw = upload.read(20 * 1024 * 1024 + 1)
        if len(raw) > 20 * 1024 * 1024:
            raise DomainError({"file": [_("The file is larger than %(mb)s MB. Split it.") % {"mb": 20}]})
        if data["dry_run"]:
            preview = imports.roster_preview if kind == "roster" else imports.payroll_preview
            report = preview(project=p, file_name=upload.name, data=raw)
            if report.file_error:
                raise DomainError({"file": [report.file_error]})
            return Response(report.as_dict())
        kw = {"signed_by_subcontractor": data["signed_by_subcontractor"]} if kind == "payroll" else {}
        commit = imports.roster_import if kind == "roster" else imports.payroll_import
        with acting(request.user, channel="api"):
            report = commit(project=p, user=request.user, file_name=upload.name, data=raw, **kw)
        return Response(report.as_dict(), status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=TAGS, operation_id="project_findings",
                                      summary=_l("What is missing or late on a project (inspectors)"),
                                      responses=OBJ))
class FindingsView(APIView):
    def get(self, request, pk):
        if not has_role(request.user, *STAFF_ROLES, GC_ROLE):
            raise NotFound({"__all__": [_("Not found.")]})
        p = _project(request, pk)
        return Response({"project": p.pk, "findings": [_finding(f) for f in project_findings(p)]})


@extend_schema_view(post=extend_schema(tags=TAGS, operation_id="project_finding_open_case",
                                       summary=_l("Open an ex officio inspection case on a finding"),
                                       request=_OpenCaseIn, responses={201: OpenApiTypes.OBJECT}))
class OpenCaseView(APIView):
    parser_classes = [JSONParser]

    def post(self, request, pk):
        from casework.services.ex_officio import ex_officio_open

        from .views_projects import _evidence_csv

        p = _project(request, pk, "inspect")
        data = raise_for_serializer(_OpenCaseIn(data=request.data))
        finding = next((f for f in project_findings(p) if finding_origin(f) == data["origin"]), None)
        if finding is None:
            raise DomainError({"origin": [_("This finding no longer applies.")]})
        facts = _("Safeguard finding on construction project %(project)s: %(label)s. %(detail)s") % {
            "project": p.name, "label": finding.label, "detail": finding.detail}
        with acting(request.user, channel="api"):
            c = ex_officio_open(user=request.user, employer=p.general_contractor, region=p.region, facts=facts,
                                project=p, origin=data["origin"],
                                evidence=[(f"{finding.code}.csv", _evidence_csv(p, finding))])
        return Response({"case_number": c.case_number, "state": c.state}, status=status.HTTP_201_CREATED)


# --- completion and settlement (arrears.services_settlement; docs/construction.md) ---------------------------------

class _CompleteIn(serializers.Serializer):
    completed_on = serializers.DateField()


class _NoticeIn(serializers.Serializer):
    posted_on = serializers.DateField()
    photo = serializers.FileField(help_text=_l("photo of the posted notice (checked by content)"))
    commitment = serializers.FileField(help_text=_l("the signed no-arrears commitment: PDF or photo"))


class _ObjectionIn(serializers.Serializer):
    received_on = serializers.DateField()
    text = serializers.CharField(max_length=2000)


class _ResolveIn(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=SettlementObjection.Resolution.choices)
    note = serializers.CharField(max_length=2000)


class _CloseIn(serializers.Serializer):
    closed_on = serializers.DateField()


class _ExemptionIn(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class _NoInput(serializers.Serializer):
    pass


def _settlement_step(name, serializer, service, summary, parsers=(JSONParser,)):
    """POST one step; the answer is the project's ``settlement`` block after it. Reach: a project the caller may
    not see is 404; the service answers 403 (not this caller's step), 400 (a rule, cited) or 409 (done already)."""
    @extend_schema_view(post=extend_schema(tags=TAGS, operation_id=f"project_{name}", summary=summary,
                                           request=serializer, responses=OBJ))
    class StepView(APIView):
        parser_classes = list(parsers)

        def post(self, request, pk):
            p = _project(request, pk)
            data = raise_for_serializer(serializer(data=request.data))
            with acting(request.user, channel="api"):
                service(user=request.user, project=p, **data)
            p = project_get(request.user, pk)
            return Response(_settlement(request.user, p))

    StepView.__name__ = "Project" + "".join(w.title() for w in name.split("_")) + "View"
    return StepView


CompleteView = _settlement_step("complete", _CompleteIn, ss.project_complete,
                                _l("Record the project's completion (contractor, inspector or head)"))
NoticeView = _settlement_step("settlement_notice", _NoticeIn, ss.settlement_notice_post,
                              _l("Post the wage-settlement public notice (contractor)"),
                              parsers=(MultiPartParser, FormParser))
SettleView = _settlement_step("settle", _NoInput, ss.project_settle,
                              _l("Record the wage settlement, after the notice period (contractor, inspector or "
                                 "head)"))
AccountCloseView = _settlement_step("account_close", _CloseIn, ss.account_close,
                                    _l("Record the dedicated wage account closed, after settlement (contractor)"))
RefundApplyView = _settlement_step("guarantee_refund_apply", _NoInput, ss.guarantee_refund_apply,
                                   _l("Apply for the guarantee refund, after settlement (contractor)"))
RefundApproveView = _settlement_step("guarantee_refund_approve", _NoInput, ss.guarantee_refund_approve,
                                     _l("Approve the guarantee refund (an inspection head of the region)"))


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="project_guarantee_exemption_status",
                      summary=_l("Whether the project qualifies for the guarantee exemption, and why not"),
                      responses=OBJ),
    post=extend_schema(tags=TAGS, operation_id="project_guarantee_exemption_claim",
                       summary=_l("Claim the guarantee exemption (contractor)"), request=_ExemptionIn,
                       responses=OBJ))
class ExemptionView(APIView):
    parser_classes = [JSONParser]

    def get(self, request, pk):
        st = ss.exemption_status(_project(request, pk, "edit"))
        return Response({"eligible": st["eligible"], "why_not": st["why_not"],
                         "exempt_below": str(st["exempt_below"])})

    def post(self, request, pk):
        p = _project(request, pk, "edit")
        data = raise_for_serializer(_ExemptionIn(data=request.data))
        with acting(request.user, channel="api"):
            svc.guarantee_exemption_claim(project=p, user=request.user, **data)
        return Response(_project_detail(project_get(request.user, pk, "edit")))


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="project_objections",
                      summary=_l("Objections to the settlement notice (ID and phone numbers masked)"),
                      responses=OBJ),
    post=extend_schema(tags=TAGS, operation_id="project_objection_record",
                       summary=_l("Record a worker's objection to the settlement notice (inspector or head)"),
                       request=_ObjectionIn, responses={201: OpenApiTypes.OBJECT}))
class ObjectionsView(APIView):
    parser_classes = [JSONParser]

    def get(self, request, pk):
        p = _project(request, pk)
        return Response({"results": _settlement(request.user, p)["objections"]})

    def post(self, request, pk):
        p = _project(request, pk)
        data = raise_for_serializer(_ObjectionIn(data=request.data))
        with acting(request.user, channel="api"):
            o = ss.objection_record(user=request.user, project=p, **data)
        return Response(_objection({"obj": o, "text": ss.mask_contact(o.text)}), status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(tags=TAGS, operation_id="project_objection_resolve",
                                       summary=_l("Resolve an objection: paid or unfounded, with a note"),
                                       request=_ResolveIn, responses=OBJ))
class ObjectionResolveView(APIView):
    parser_classes = [JSONParser]

    def post(self, request, pk, objection_id):
        p = _project(request, pk)
        o = SettlementObjection.objects.filter(notice__project=p, pk=objection_id).first()
        if o is None:
            raise NotFound({"__all__": [_("Not found.")]})
        data = raise_for_serializer(_ResolveIn(data=request.data))
        with acting(request.user, channel="api"):
            o = ss.objection_resolve(user=request.user, objection=o, **data)
        return Response(_objection({"obj": o, "text": ss.mask_contact(o.text)}))


urlpatterns = [
    path("", ProjectListView.as_view(), name="project-list"),
    path("<int:pk>/", ProjectDetailView.as_view(), name="project-detail"),
    path("<int:pk>/subcontractors/", SubcontractorView.as_view(), name="project-subcontractors"),
    path("<int:pk>/account/", AccountView.as_view(), name="project-account"),
    path("<int:pk>/guarantee/", GuaranteeView.as_view(), name="project-guarantee"),
    path("<int:pk>/board/", BoardView.as_view(), name="project-board"),
    path("<int:pk>/roster/", RosterView.as_view(), name="project-roster"),
    path("<int:pk>/roster/<int:entry_id>/exit/", RosterExitView.as_view(), name="project-roster-exit"),
    path("<int:pk>/imports/<str:kind>/", ImportView.as_view(), name="project-import"),
    path("<int:pk>/findings/", FindingsView.as_view(), name="project-findings"),
    path("<int:pk>/findings/open-case/", OpenCaseView.as_view(), name="project-open-case"),
    path("<int:pk>/complete/", CompleteView.as_view(), name="project-complete"),
    path("<int:pk>/settlement-notice/", NoticeView.as_view(), name="project-settlement-notice"),
    path("<int:pk>/objections/", ObjectionsView.as_view(), name="project-objections"),
    path("<int:pk>/objections/<int:objection_id>/resolve/", ObjectionResolveView.as_view(),
         name="project-objection-resolve"),
    path("<int:pk>/settle/", SettleView.as_view(), name="project-settle"),
    path("<int:pk>/account/close/", AccountCloseView.as_view(), name="project-account-close"),
    path("<int:pk>/guarantee/exemption/", ExemptionView.as_view(), name="project-guarantee-exemption"),
    path("<int:pk>/guarantee/refund/", RefundApplyView.as_view(), name="project-guarantee-refund"),
    path("<int:pk>/guarantee/refund/approve/", RefundApproveView.as_view(), name="project-guarantee-refund-approve"),
]
