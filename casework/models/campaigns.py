"""Enforcement campaigns (专项行动, e.g. the "两清零" drives before the Spring Festival and before Losar) and the
grade-based routine inspection plan turned into a campaign (spec §10, §11; issue #7).

A head creates a campaign for regions in their reach, chooses target rules from the registry
(``casework.services.campaigns.TARGET_RULES``), generates the targets (one per project or per employer), forms
teams of inspectors, assigns targets to teams, and the teams record each visit with its checklist answers and
findings, opening an ex officio case where needed. The rules are in ``casework.services.campaigns``."""
from django.conf import settings
from django.db import models
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .base import AuditedModel, TimeStamped
from .complaints import Complaint
from .parties import Employer
from .projects import Project
from .reference import Region

__all__ = ["Campaign", "CampaignTeam", "CampaignTarget", "CampaignVisit"]


class Campaign(AuditedModel, TimeStamped):
    class Kind(models.TextChoices):
        SPECIAL = "special", _("special enforcement campaign (专项行动)")
        ROUTINE_PLAN = "routine_plan", _("routine inspection plan by integrity grade")

    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SPECIAL)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    regions = models.ManyToManyField(Region, related_name="campaigns", verbose_name=_("regions"))
    target_rules = models.JSONField(_("target rules"), default=list, blank=True)
    checklist = models.JSONField(_("checklist"), default=list, blank=True,
                                 help_text=_("items as [{\"key\": ..., \"label\": ...}]"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    targets_generated_at = models.DateTimeField(_("targets generated at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_period_ordered")]

    def __str__(self):
        return self.name


class CampaignTeam(AuditedModel, TimeStamped):
    """An inspection team of a campaign: a set of inspectors of one region."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="campaign_teams",
                                     verbose_name=_("members"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("campaign team")
        verbose_name_plural = _("campaign teams")
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="campaign_team_name_once")]

    def __str__(self):
        return self.name


class CampaignTarget(AuditedModel, TimeStamped):
    """One place to visit: a construction project, or an employer. Deduplicated per campaign by ``key``
    ("p<project id>" or "e<employer id>"); ``reasons`` lists every rule (or plan grade) that selected it."""

    class State(models.TextChoices):
        PENDING = "pending", _("not assigned")
        ASSIGNED = "assigned", _("assigned to a team")
        VISITED = "visited", _("visited")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    key = models.CharField(max_length=24)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="campaign_targets",
                                 verbose_name=_("employer"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="campaign_targets", verbose_name=_("construction project"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    reasons = models.JSONField(_("why selected"), default=list, blank=True)
    due_label = models.CharField(_("due"), max_length=16, blank=True, help_text=_("plan targets: month or quarter"))
    team = models.ForeignKey(CampaignTeam, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="targets", verbose_name=_("team"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING,
                             db_index=True)

    class Meta:
        ordering = ["region_id", "id"]
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="campaign_target_once")]

    def __str__(self):
        return f"{self.campaign_id}:{self.key}"


class CampaignVisit(AuditedModel):
    """A visit to a target: the checklist answers ({item key: "yes" | "no" | "na"}), findings, and the case opened."""

    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("inspectors"))
    answers = models.JSONField(_("checklist answers"), default=dict, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    has_findings = models.BooleanField(_("something wrong found"), default=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="campaign_visits", verbose_name=_("case opened"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visited_on", "id"]
        verbose_name = _("campaign visit")
        verbose_name_plural = _("campaign visits")


def _reload_params(sender, using="default", **kwargs):
    """After a flush (transactional tests) the parameter rows migration loaded are gone: load them again."""
    if getattr(sender, "name", "") != "casework":
        return
    from django.apps import apps

    from ..reference_campaigns import load_params

    if not apps.get_model("casework", "LegalParameter").objects.using(using).filter(
            key="inspection_plan.visits_per_year.B").exists():
        load_params(apps.get_model)


post_migrate.connect(_reload_params, dispatch_uid="casework-campaigns-reload-params")
