"""Enforcement campaigns and the grade-based inspection plan on the API, under /api/v1/campaigns/ (docs/api.md,
docs/campaigns.md). Thin: the rules are in casework.services.campaigns and casework.services.inspection_plan.
A campaign the caller may not see answers 404; a visible one they may not act on, 403."""

from django.contrib.auth import get_user_model
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..audit import acting
from ..models import CampaignTarget
from ..services import campaigns as svc
from ..services.inspection_plan import plan_generate, plan_to_campaign
from .errors import NotFound, raise_for_serializer

__all__ = ["urlpatterns"]

TAGS = ["campaigns"]


def _campaign(request, pk):
    c = svc.campaigns_for(request.user).prefetch_related("regions").filter(pk=pk).first()
    if c is None:
        raise NotFound({"__all__": [_("Not found.")]})
    return c


def _campaign_row(c) -> dict:
    return {"id": c.pk, "name": c.name, "kind": c.kind, "state": c.state, "starts_on": c.starts_on,
            "ends_on": c.ends_on, "regions": [r.code for r in c.regions.all()], "target_rules": c.target_rules,
            "checklist": c.checklist, "targets_generated_at": c.targets_generated_at}


def _target_row(t) -> dict:
    return {"id": t.pk, "key": t.key, "employer": {"id": t.employer_id, "name": t.employer.name},
            "project": {"id": t.project_id, "name": t.project.name} if t.project_id else None,
            "region": t.region_id, "reasons": t.reasons, "due": t.due_label, "state": t.state,
            "team": t.team_id}


def _progress(c) -> dict:
    p = svc.campaign_progress(c)
    money = lambda r: {**r, "recovered": str(r["recovered"])}  # noqa: E731
    return {"total": money(p["total"]), "by_region": [money(r) for r in p["by_region"]]}


def _users(ids):
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(set(ids)):
        raise NotFound({"members": [_("No such user.")]})
    return users


class _ChecklistItem(serializers.Serializer):
    key = serializers.RegexField(r"^[a-z0-9_]{1,40}$")
    label = serializers.CharField(max_length=200, required=False, allow_blank=True)


class _CampaignIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    regions = serializers.ListField(child=serializers.RegexField(r"^\d{6}$"), min_length=1, max_length=100)
    target_rules = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    checklist = _ChecklistItem(many=True, required=False)


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="campaigns", summary=_l("Campaigns in your regions"),
                      responses={200: OpenApiTypes.OBJECT}),
    post=extend_schema(tags=TAGS, operation_id="campaign_create",
                       summary=_l("Create a campaign (inspection head, regions in reach)"),
                       request=_CampaignIn, responses={201: OpenApiTypes.OBJECT}))
class CampaignListView(APIView):
    def get(self, request):
        qs = svc.campaigns_for(request.user).prefetch_related("regions")[:200]
        return Response({"results": [_campaign_row(c) for c in qs],
                         "target_rules": [{"key": r.key, "label": str(r.label)} for r in svc.TARGET_RULES.values()]})

    def post(self, request):
        d = raise_for_serializer(_CampaignIn(data=request.data))
        with acting(request.user, channel="api"):
            c = svc.campaign_create(user=request.user, name=d["name"], starts_on=d["starts_on"],
                                    ends_on=d["ends_on"], region_codes=d["regions"],
                                    target_rules=d["target_rules"], checklist=d.get("checklist"))
        return Response(_campaign_row(c), status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=TAGS, operation_id="campaign", summary=_l("One campaign with its teams "
                                                                                      "and progress"),
                                      responses={200: OpenApiTypes.OBJECT}))
class CampaignDetailView(APIView):
    def get(self, request, pk):
        c = _campaign(request, pk)
        teams = [{"id": t.pk, "name": t.name, "region": t.region_id,
                  "members": [u.get_username() for u in t.members.all()]} for t in c.teams.all()]
        return Response({**_campaign_row(c), "teams": teams, "progress": _progress(c)})


@extend_schema_view(post=extend_schema(tags=TAGS, operation_id="campaign_generate_targets",
                                       summary=_l("Generate the targets from the campaign's rules (idempotent)"),
                                       request=None, responses={200: OpenApiTypes.OBJECT}))
class GenerateView(APIView):
    def post(self, request, pk):
        c = _campaign(request, pk)
        with acting(request.user, channel="api"):
            n = svc.campaign_generate_targets(user=request.user, campaign=c)
        return Response({"created": n, "targets": c.targets.count()})


@extend_schema_view(get=extend_schema(tags=TAGS, operation_id="campaign_targets", summary=_l("A campaign's targets"),
                                      parameters=[OpenApiParameter("state", OpenApiTypes.STR),
                                                  OpenApiParameter("team", OpenApiTypes.INT)],
                                      responses={200: OpenApiTypes.OBJECT}))
class TargetListView(APIView):
    def get(self, request, pk):
        c = _campaign(request, pk)
        qs = c.targets.select_related("employer", "project")
        if request.query_params.get("state"):
            qs = qs.filter(state=request.query_params["state"])
        if str(request.query_params.get("team", "")).isdigit():
            qs = qs.filter(team_id=int(request.query_params["team"]))
        return Response({"count": qs.count(), "results": [_target_row(t) for t in qs[:1000]]})


class _TeamIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    region = serializers.RegexField(r"^\d{6}$")
    members = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=50)


@extend_schema_view(post=extend_schema(tags=TAGS, operation_id="campaign_team_create",
                                       summary=_l("Form an inspection team (inspectors of the region)"),
                                       request=_TeamIn, responses={201: OpenApiTypes.OBJECT}))
class TeamCreateView(APIView):
    def post(self, request, pk):
        c = _campaign(request, pk)
        d = raise_for_serializer(_TeamIn(data=request.data))
        with acting(request.user, channel="api"):
            t = svc.team_create(user=request.user, campaign=c, name=d["name"], region_code=d["region"],
                                members=_users(d["members"]))
        return Response({"id": t.pk, "name": t.name, "region": t.region_id}, status=status.HTTP_201_CREATED)


class _AssignIn(serializers.Serializer):
    team = serializers.IntegerField(min_value=1)
    targets = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000)


@extend_schema_view(post=extend_schema(tags=TAGS, operation_id="campaign_assign",
                                       summary=_l("Assign targets to a team"), request=_AssignIn,
                                       responses={200: OpenApiTypes.OBJECT}))
class AssignView(APIView):
    def post(self, request, pk):
        c = _campaign(request, pk)
        d = raise_for_serializer(_AssignIn(data=request.data))
        team = c.teams.filter(pk=d["team"]).first()
        if team is None:
            raise NotFound({"team": [_("No such team in this campaign.")]})
        with acting(request.user, channel="api"):
            n = svc.targets_assign(user=request.user, campaign=c, target_ids=d["targets"], team=team)
        return Response({"assigned": n})


class _VisitIn(serializers.Serializer):
    visited_on = serializers.DateField()
    inspectors = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=20)
    answers = serializers.DictField(child=serializers.ChoiceField(choices=list(svc.ANSWERS)))
    findings = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    open_case = serializers.BooleanField(required=False, default=False)


@extend_schema_view(post=extend_schema(
    tags=TAGS, operation_id="campaign_visit_record", summary=_l("Record a visit to a target"),
    description=_l("`answers`: every checklist item of the campaign, yes / no / na. With `open_case` an ex officio "
                   "inspection case is opened on the target; its case number is returned."),
    request=_VisitIn, responses={201: OpenApiTypes.OBJECT}))
class VisitCreateView(APIView):
    def post(self, request, pk, target_id):
        c = _campaign(request, pk)
        target = CampaignTarget.objects.filter(campaign=c, pk=target_id).first()
        if target is None:
            raise NotFound({"__all__": [_("Not found.")]})
        d = raise_for_serializer(_VisitIn(data=request.data))
        with acting(request.user, channel="api"):
            v = svc.visit_record(user=request.user, target=target, visited_on=d["visited_on"],
                                 inspectors=_users(d["inspectors"]), answers=d["answers"], findings=d["findings"],
                                 open_case=d["open_case"])
        return Response({"id": v.pk, "has_findings": v.has_findings,
                         "case_number": v.complaint.case_number if v.complaint_id else None},
                        status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=TAGS, operation_id="campaign_progress",
                                      summary=_l("Progress: targets visited, findings, cases, workers paid, amounts "
                                                 "recovered, by region"),
                                      responses={200: OpenApiTypes.OBJECT}))
class ProgressView(APIView):
    def get(self, request, pk):
        return Response(_progress(_campaign(request, pk)))


class _PlanQuery(serializers.Serializer):
    region = serializers.RegexField(r"^\d{6}$")
    year = serializers.IntegerField(min_value=2017, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False)


class _PlanIn(_PlanQuery):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="inspection_plan",
                      summary=_l("The routine inspection plan by integrity grade"),
                      parameters=[OpenApiParameter("region", OpenApiTypes.STR, required=True),
                                  OpenApiParameter("year", OpenApiTypes.INT, required=True),
                                  OpenApiParameter("quarter", OpenApiTypes.INT)],
                      responses={200: OpenApiTypes.OBJECT}),
    post=extend_schema(tags=TAGS, operation_id="inspection_plan_to_campaign",
                       summary=_l("Turn the plan into a campaign to assign and visit"), request=_PlanIn,
                       responses={201: OpenApiTypes.OBJECT}))
class PlanView(APIView):
    def get(self, request):
        d = raise_for_serializer(_PlanQuery(data=request.query_params.dict()))
        rows = plan_generate(user=request.user, region_code=d["region"], year=d["year"], quarter=d.get("quarter"))
        return Response({"count": len(rows), "results": [
            {"employer": {"id": r.employer.pk, "name": r.employer.name}, "region": r.region_code,
             "grade": r.grade or None, "visits_per_year": r.visits_per_year, "due_month": r.due_month,
             "due_quarter": r.due_quarter, "reason": r.reason} for r in rows]})

    def post(self, request):
        d = raise_for_serializer(_PlanIn(data=request.data))
        with acting(request.user, channel="api"):
            c = plan_to_campaign(user=request.user, region_code=d["region"], year=d["year"],
                                 quarter=d.get("quarter"), name=d["name"])
        return Response(_campaign_row(c), status=status.HTTP_201_CREATED)


urlpatterns = [
    path("", CampaignListView.as_view(), name="campaigns"),
    path("plan/", PlanView.as_view(), name="inspection-plan"),
    path("<int:pk>/", CampaignDetailView.as_view(), name="campaign"),
    path("<int:pk>/generate/", GenerateView.as_view(), name="campaign-generate"),
    path("<int:pk>/targets/", TargetListView.as_view(), name="campaign-targets"),
    path("<int:pk>/teams/", TeamCreateView.as_view(), name="campaign-teams"),
    path("<int:pk>/assign/", AssignView.as_view(), name="campaign-assign"),
    path("<int:pk>/targets/<int:target_id>/visits/", VisitCreateView.as_view(), name="campaign-visit"),
    path("<int:pk>/progress/", ProgressView.as_view(), name="campaign-progress"),
]
