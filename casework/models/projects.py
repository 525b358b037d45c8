"""Construction projects (spec §11, §12.3): the core record that complaints, inspections, safeguards
(arrears.models_projects: dedicated wage account, guarantee, roster, payroll) and enforcement campaigns refer to."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import AuditedModel, TimeStamped
from .parties import Employer
from .reference import Region

__all__ = ["Project", "SubcontractRole", "ProjectAccess"]


class Project(AuditedModel, TimeStamped):
    class State(models.TextChoices):
        ACTIVE = "active", _("under construction")
        COMPLETED = "completed", _("completed, wages being settled")
        SETTLED = "settled", _("completed and settled")

    name = models.CharField(_("project name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="projects",
                               verbose_name=_("project region"))
    location = models.CharField(_("project location"), max_length=255, blank=True)
    developer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="developed_projects",
                                  verbose_name=_("developer (建设单位)"))
    general_contractor = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="contracted_projects",
                                           verbose_name=_("general contractor (施工总承包单位)"))
    contract_value = models.DecimalField(_("contract value"), max_digits=16, decimal_places=2)
    contract_signed_on = models.DateField(_("construction contract signed on"))
    labour_cost_cycle_days = models.PositiveIntegerField(_("labour-cost allocation cycle (days)"))
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    settled_on = models.DateField(_("wages settled on"), null=True, blank=True,
                                  help_text=_("full wage settlement after the public notice (arrears.services_settlement)"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ACTIVE, db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("registered by"))

    class Meta:
        ordering = ["-contract_signed_on", "id"]
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")
        indexes = [models.Index(fields=["region", "state"], name="project_region_state")]

    def __str__(self):
        return self.name


class SubcontractRole(AuditedModel, TimeStamped):
    """A subcontractor (分包单位) on a project (the M2M of spec §12.3)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="subcontracts")
    subcontractor = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="subcontracts",
                                      verbose_name=_("subcontractor"))
    scope = models.CharField(_("scope of work"), max_length=200, blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("subcontract")
        verbose_name_plural = _("subcontracts")
        constraints = [models.UniqueConstraint(fields=["project", "subcontractor"], name="subcontract_once")]


class ProjectAccess(AuditedModel, TimeStamped):
    """Which accounts act for the general contractor on a project (role general_contractor_user)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="accounts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_access")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="project_access_once")]
