"""Staff pages of enforcement campaigns and the grade-based inspection plan (docs/campaigns.md):
/staff/campaigns/ (list, create), /staff/campaigns/<id>/ (progress with a chart and its table, teams, targets,
generate and assign), /staff/campaigns/<id>/targets/<id>/visit/ (record a visit), /staff/inspection-plan/.
Thin: every rule is in casework.services.campaigns / inspection_plan; a campaign outside the user's reach is 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..access import Role, has_role, in_region, regions_within
from ..errors import DomainError
from ..models import CampaignTarget, Region
from ..services import campaigns as svc
from ..services.inspection_plan import plan_generate, plan_to_campaign

__all__ = ["urlpatterns", "bar_chart"]

VIEW_ROLES = (Role.INSPECTOR, Role.INSPECTION_HEAD, Role.AUDITOR)
CHART_W = 560


def bar_chart(rows, key: str) -> dict:
    """Data for templates/includes/chart_bar.html: horizontal bars with the label above each."""
    top = max([float(r[key]) for r in rows] + [0]) or 1
    bars, y = [], 8
    for r in rows:
        w = max(round((CHART_W - 90) * float(r[key]) / top, 1), 1)
        bars.append({"label": r["region_name"], "value": r[key], "ty": y + 13, "by": y + 19, "w": w, "vx": w + 6})
        y += 48
    return {"height": y + 4, "bars": bars, "width": CHART_W}


class CampaignForm(forms.Form):
    name = forms.CharField(label=_l("Name"), max_length=200, initial="两清零")
    starts_on = forms.DateField(label=_l("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_l("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    regions = forms.MultipleChoiceField(label=_l("Regions"), widget=forms.CheckboxSelectMultiple)
    target_rules = forms.MultipleChoiceField(label=_l("Targets"), widget=forms.CheckboxSelectMultiple,
                                             required=False)

    def __init__(self, *a, user=None, **kw):
        super().__init__(*a, **kw)
        self.fields["regions"].choices = [(r.code, r.display_name) for r in regions_within(user)
                                          if r.level != Region.Level.COUNTY]
        self.fields["target_rules"].choices = [(k, r.label) for k, r in svc.TARGET_RULES.items()]


def _add_errors(form, e: DomainError):
    for key, msgs in e.errors.items():
        for m in msgs:
            form.add_error(key if key in form.fields else None, m)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def campaign_list(request):
    user = request.user
    if not has_role(user, *VIEW_ROLES):
        raise Http404
    is_head = has_role(user, Role.INSPECTION_HEAD)
    form = CampaignForm(request.POST if request.method == "POST" else None, user=user) if is_head else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                c = svc.campaign_create(user=user, name=d["name"], starts_on=d["starts_on"], ends_on=d["ends_on"],
                                        region_codes=d["regions"], target_rules=d["target_rules"])
            except DomainError as e:
                _add_errors(form, e)
            else:
                messages.success(request, _("The campaign was created."))
                return redirect("staff-campaign", pk=c.pk)
        status = 400
    campaigns = svc.campaigns_for(user).prefetch_related("regions")[:200]
    return render(request, "staff/campaigns/list.html", {"campaigns": campaigns, "form": form}, status=status)


class TeamForm(forms.Form):
    name = forms.CharField(label=_l("Team name"), max_length=100)
    region = forms.ChoiceField(label=_l("Region"))
    members = forms.MultipleChoiceField(label=_l("Inspectors"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *a, campaign=None, **kw):
        super().__init__(*a, **kw)
        regions = list(campaign.regions.all())
        self.fields["region"].choices = [(r.code, r.display_name) for r in regions]
        users = get_user_model().objects.filter(groups__name__in=[Role.INSPECTOR, Role.INSPECTION_HEAD],
                                                is_active=True).distinct().order_by("username")
        self.fields["members"].choices = [(str(u.pk), u.get_username()) for u in users
                                          if any(in_region(u, r.code) for r in regions)]


def _campaign_or_404(user, pk):
    c = svc.campaigns_for(user).prefetch_related("regions").filter(pk=pk).first()
    if c is None:
        raise Http404
    return c


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def campaign_detail(request, pk: int):
    user = request.user
    c = _campaign_or_404(user, pk)
    manage = svc.can_manage(user, c)
    team_form = TeamForm(campaign=c) if manage else None
    status = 200
    if request.method == "POST":
        if not manage:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "generate":
                n = svc.campaign_generate_targets(user=user, campaign=c)
                messages.success(request, _("%(n)s new targets.") % {"n": n})
                return redirect(reverse("staff-campaign", args=[c.pk]) + "#targets")
            if action == "team":
                team_form = TeamForm(request.POST, campaign=c)
                if team_form.is_valid():
                    d = team_form.cleaned_data
                    members = list(get_user_model().objects.filter(pk__in=[int(x) for x in d["members"]]))
                    svc.team_create(user=user, campaign=c, name=d["name"], region_code=d["region"], members=members)
                    messages.success(request, _("The team was formed."))
                    return redirect(reverse("staff-campaign", args=[c.pk]) + "#teams")
                status = 400
            elif action == "assign":
                team = c.teams.filter(pk=request.POST.get("team") or 0).first()
                ids = [int(x) for x in request.POST.getlist("targets") if x.isdigit()]
                if team is None or not ids:
                    messages.error(request, _("Choose a team and at least one target."))
                else:
                    n = svc.targets_assign(user=user, campaign=c, target_ids=ids, team=team)
                    messages.success(request, _("%(n)s targets assigned.") % {"n": n})
                    return redirect(reverse("staff-campaign", args=[c.pk]) + "#targets")
                status = 400
            else:
                raise Http404
        except DomainError as e:
            if team_form is not None and action == "team":
                _add_errors(team_form, e)
            else:
                for m in e.message.split("\n"):
                    messages.error(request, m)
            status = 400
    progress = svc.campaign_progress(c)
    targets = c.targets.select_related("employer", "project", "team").order_by("state", "region_id", "id")
    return render(request, "staff/campaigns/detail.html", {
        "c": c, "campaign_query": f"campaign={c.pk}", "manage": manage, "progress": progress, "targets": targets, "teams": c.teams.prefetch_related("members"),
        "team_form": team_form, "chart_visited": bar_chart(progress["by_region"], "visited"),
        "chart_recovered": bar_chart(progress["by_region"], "recovered"),
        "rules": {k: r.label for k, r in svc.TARGET_RULES.items()},
    }, status=status)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_l("Visited on"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.MultipleChoiceField(label=_l("Inspectors present"), widget=forms.CheckboxSelectMultiple)
    findings = forms.CharField(label=_l("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    open_case = forms.BooleanField(label=_l("Open an inspection case on these findings"), required=False)

    ANSWER_CHOICES = [("yes", _l("yes")), ("no", _l("no")), ("na", _l("not applicable"))]

    def __init__(self, *a, target=None, **kw):
        super().__init__(*a, **kw)
        users = get_user_model().objects.filter(groups__name__in=[Role.INSPECTOR, Role.INSPECTION_HEAD],
                                                is_active=True).distinct().order_by("username")
        self.fields["inspectors"].choices = [(str(u.pk), u.get_username()) for u in users
                                             if in_region(u, target.region_id)]
        for item in target.campaign.checklist:
            self.fields[f"check_{item['key']}"] = forms.ChoiceField(label=item["label"], choices=self.ANSWER_CHOICES,
                                                                    widget=forms.RadioSelect)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def target_visit(request, pk: int, target_id: int):
    user = request.user
    c = _campaign_or_404(user, pk)
    target = CampaignTarget.objects.filter(campaign=c, pk=target_id).select_related("employer", "project", "team") \
        .first()
    if target is None or not svc.can_visit(user, target):
        raise Http404
    form = VisitForm(request.POST or None, target=target,
                     initial={"visited_on": timezone.localdate(), "inspectors": [str(user.pk)]})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            answers = {i["key"]: d[f"check_{i['key']}"] for i in c.checklist}
            inspectors = list(get_user_model().objects.filter(pk__in=[int(x) for x in d["inspectors"]]))
            try:
                v = svc.visit_record(user=user, target=target, visited_on=d["visited_on"], inspectors=inspectors,
                                     answers=answers, findings=d["findings"], open_case=d["open_case"])
            except DomainError as e:
                _add_errors(form, e)
            else:
                if v.complaint_id:
                    messages.success(request, _("The visit was recorded and case %(no)s opened.")
                                     % {"no": v.complaint.case_number})
                else:
                    messages.success(request, _("The visit was recorded."))
                return redirect(reverse("staff-campaign", args=[c.pk]) + "#targets")
        status = 400
    return render(request, "staff/campaigns/visit.html", {"c": c, "t": target, "form": form,
                                                          "visits": target.visits.select_related("complaint")},
                  status=status)


class PlanForm(forms.Form):
    region = forms.ChoiceField(label=_l("Region"))
    year = forms.IntegerField(label=_l("Year"), min_value=2017, max_value=2100)
    quarter = forms.TypedChoiceField(label=_l("Quarter"), required=False, coerce=int, empty_value=None,
                                     choices=[("", _l("whole year")), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")])

    def __init__(self, *a, user=None, **kw):
        super().__init__(*a, **kw)
        self.fields["region"].choices = [(r.code, r.display_name) for r in regions_within(user)]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def inspection_plan(request):
    user = request.user
    if not has_role(user, Role.INSPECTION_HEAD):
        raise Http404
    data = request.POST if request.method == "POST" else (request.GET if "year" in request.GET else None)
    form = PlanForm(data, user=user, initial={"year": timezone.localdate().year + 1})
    rows, status = None, 200
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            if request.method == "POST":
                c = plan_to_campaign(user=user, region_code=d["region"], year=d["year"], quarter=d["quarter"])
                messages.success(request, _("The plan was turned into a campaign."))
                return redirect("staff-campaign", pk=c.pk)
            rows = plan_generate(user=user, region_code=d["region"], year=d["year"], quarter=d["quarter"])
        except DomainError as e:
            _add_errors(form, e)
            status = 400
    elif data is not None:
        status = 400
    return render(request, "staff/campaigns/plan.html", {"form": form, "rows": rows}, status=status)


urlpatterns = [
    path("staff/campaigns/", campaign_list, name="staff-campaigns"),
    path("staff/campaigns/<int:pk>/", campaign_detail, name="staff-campaign"),
    path("staff/campaigns/<int:pk>/targets/<int:target_id>/visit/", target_visit, name="staff-campaign-visit"),
    path("staff/inspection-plan/", inspection_plan, name="staff-inspection-plan"),
]
