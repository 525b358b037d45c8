"""Enterprise integrity grading (企业劳动保障守法诚信等级评价, spec §10, Track G): one ``GradingRun`` per year and
region, one ``GradeProposal`` per employer graded in it, the ``GradeEvidence`` rows that justify the grade, and
``EmployerAccount`` (an ``employer_user`` account linked to the employer whose own grade it may see).

The proposal's lifecycle is an explicit transition table (django-oscar's pipeline pattern, style.md), not a
Viewflow flow: a yearly run creates hundreds or thousands of proposals at once and they are worked in batches; one
process and task per employer would flood every officer's shared queue and cost several rows per employer, and the
steps are linear with no timer (the national text sets no period). Every step is a service
(blacklist.services_grading) reached from the pages and the API (blacklist/api_grading.py). Every model is audited
(django-simple-history)."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casework.errors import DomainError
from casework.models import AuditedModel, Complaint, Employer, InspectionDocument, Region, TimeStamped

__all__ = ["Grade", "GradeState", "GRADE_TRANSITIONS", "GradingRun", "GradeProposal", "GradeEvidence",
           "EmployerAccount"]


class Grade(models.TextChoices):
    A = "A", _("A: law-abiding")
    B = "B", _("B: basically law-abiding")
    C = "C", _("C: not law-abiding")


class GradeState(models.TextChoices):
    PROPOSED = "PROPOSED", _("proposed")
    REVIEWED = "REVIEWED", _("reviewed")
    APPROVED = "APPROVED", _("approved")
    NOTIFIED = "NOTIFIED", _("enterprise notified")
    ARCHIVED = "ARCHIVED", _("archived")
    OBJECTED = "OBJECTED", _("objection received")
    RE_REVIEWED = "RE_REVIEWED", _("re-reviewed")


G = GradeState

# state -> the states it may move to (spec §10). The head may send a reviewed proposal back (REVIEWED → PROPOSED,
# RE_REVIEWED → OBJECTED). A re-reviewed grade is approved again by a head (four eyes) and notified again.
GRADE_TRANSITIONS: dict[str, set[str]] = {
    G.PROPOSED: {G.REVIEWED},
    G.REVIEWED: {G.APPROVED, G.PROPOSED},
    G.APPROVED: {G.NOTIFIED},
    G.NOTIFIED: {G.ARCHIVED, G.OBJECTED},
    G.OBJECTED: {G.RE_REVIEWED},
    G.RE_REVIEWED: {G.APPROVED, G.OBJECTED},
    G.ARCHIVED: set(),
}
# states whose grounds may still change (the grade is recomputed from the evidence)
EDITABLE_STATES = [G.PROPOSED, G.OBJECTED]
# states in which the grade was decided by a head and told (or about to be told) to the enterprise
DECIDED_STATES = [G.APPROVED, G.NOTIFIED, G.ARCHIVED]


class GradingRun(AuditedModel, TimeStamped):
    """The yearly job of one region (spec §10: once a year, from the previous year's records). ``year`` is the
    grading year Y; the records read are those dated in Y-1."""

    class State(models.TextChoices):
        OPEN = "OPEN", _("open")
        CLOSED = "CLOSED", _("closed: every grade archived")

    year = models.PositiveSmallIntegerField(_("grading year"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    collected_at = models.DateTimeField(_("records last collected at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "region_id"]
        verbose_name = _("grading run")
        verbose_name_plural = _("grading runs")
        constraints = [
            models.UniqueConstraint(fields=["year", "region"], name="grading_run_one_per_year_region"),
            models.CheckConstraint(condition=Q(year__gte=2017), name="grading_run_year_from_2017"),
        ]

    def __str__(self):
        return f"{self.year} {self.region_id}"

    @property
    def record_year(self) -> int:
        return self.year - 1


class GradeProposal(AuditedModel, TimeStamped):
    """One employer's grade for one year: proposed by the classifier from the evidence, reviewed by a
    ``grading_officer``, approved by an ``inspection_head`` who is never the reviewer (four eyes, also a database
    constraint), notified to the enterprise, archived; an objection reopens it for re-review."""

    run = models.ForeignKey(GradingRun, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("run"))
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="grade_proposals",
                                 verbose_name=_("employer"))
    year = models.PositiveSmallIntegerField(_("grading year"))
    state = models.CharField(_("state"), max_length=12, choices=GradeState.choices, default=G.PROPOSED,
                             db_index=True)
    proposed_grade = models.CharField(_("proposed grade"), max_length=1, choices=Grade.choices)
    rule_id = models.CharField(_("deciding rule"), max_length=8)
    rule_citation = models.CharField(_("citation"), max_length=255)
    rules_met = models.JSONField(_("every rule that holds"), default=list, blank=True)
    punished_count = models.PositiveSmallIntegerField(_("times investigated and punished"), default=0)

    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    return_note = models.TextField(_("sent back because"), blank=True)

    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    final_grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)

    notified_at = models.DateTimeField(_("enterprise notified at"), null=True, blank=True)
    notified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("notified by"))
    notice_channels = models.CharField(_("notified through"), max_length=100, blank=True)
    notice_note = models.TextField(_("how the enterprise was told"), blank=True)

    objection_received_at = models.DateField(_("objection received on"), null=True, blank=True)
    objection_text = models.TextField(_("objection"), blank=True)
    objection_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+", verbose_name=_("objection recorded by"))
    grade_before_objection = models.CharField(_("grade objected to"), max_length=1, choices=Grade.choices,
                                              blank=True)
    re_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("re-reviewed by"))
    re_reviewed_at = models.DateTimeField(_("re-reviewed at"), null=True, blank=True)
    re_review_note = models.TextField(_("re-review note"), blank=True)

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        ordering = ["employer__name", "id"]
        verbose_name = _("grade proposal")
        verbose_name_plural = _("grade proposals")
        constraints = [
            models.UniqueConstraint(fields=["employer", "year"], name="grade_one_per_employer_year"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | Q(reviewed_by__isnull=True)
                                   | ~Q(approved_by=F("reviewed_by")), name="grade_reviewer_not_approver"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | Q(re_reviewed_by__isnull=True)
                                   | ~Q(approved_by=F("re_reviewed_by")), name="grade_re_reviewer_not_approver"),
            models.CheckConstraint(condition=~Q(state__in=DECIDED_STATES)
                                   | (~Q(final_grade="") & Q(approved_by__isnull=False)),
                                   name="grade_decided_has_grade_and_approver"),
            models.CheckConstraint(condition=~Q(state__in=[G.NOTIFIED, G.ARCHIVED]) | Q(notified_at__isnull=False),
                                   name="grade_notified_has_date"),
            models.CheckConstraint(condition=Q(proposed_grade__in=["A", "B", "C"]), name="grade_proposed_is_abc"),
        ]
        indexes = [models.Index(fields=["run", "state"])]

    def __str__(self):
        return f"{self.year} {self.employer_id}: {self.final_grade or self.proposed_grade}"

    def set_state(self, new: str) -> None:
        """Move to ``new`` if the transition table allows it; the caller saves."""
        if new not in GRADE_TRANSITIONS.get(self.state, set()):
            raise DomainError({"__all__": [
                _("This grade is now “%(state)s”; it cannot become “%(new)s”.")
                % {"state": self.get_state_display(), "new": GradeState(new).label}]})
        self.state = new


class GradeEvidence(AuditedModel, TimeStamped):
    """One record that supports a grade: a case investigated and punished (with the decision), an incident, a
    refusal, a criminal transfer outcome, or a ground an officer added by hand with a reason. An officer may set a
    record aside (``excluded``, with a reason), e.g. a decision revoked on reconsideration; the grade is then
    computed without it."""

    class Ground(models.TextChoices):
        PUNISHED = "PUNISHED", _("investigated and punished (handling or penalty decision)")
        INCIDENT = "INCIDENT", _("mass or extreme incident, or serious social impact")
        CHILD_LABOUR = "CHILD_LABOUR", _("child labour")
        FORCED_LABOUR = "FORCED_LABOUR", _("forced labour")
        SERIOUS_OTHER = "SERIOUS_OTHER", _("other serious violation similar to child or forced labour")
        REFUSED_ORDER = "REFUSED_ORDER", _("refused to carry out an order or decision")
        OBSTRUCTION = "OBSTRUCTION", _("resisted or obstructed inspection")
        CRIMINAL = "CRIMINAL", _("held criminally liable")

    MANUAL_GROUNDS = ("CHILD_LABOUR", "FORCED_LABOUR", "SERIOUS_OTHER", "OBSTRUCTION", "CRIMINAL", "INCIDENT")

    proposal = models.ForeignKey(GradeProposal, on_delete=models.CASCADE, related_name="evidence",
                                 verbose_name=_("grade proposal"))
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices)
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("case"))
    document = models.ForeignKey(InspectionDocument, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("order or decision"))
    listing = models.ForeignKey("blacklist.ListingDecision", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("listing decision"))
    transfer = models.ForeignKey("blacklist.CriminalTransfer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("criminal transfer"))
    occurred_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    manual = models.BooleanField(_("added by an officer"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("added by"))
    excluded = models.BooleanField(_("set aside"), default=False)
    excluded_reason = models.TextField(_("why it was set aside"), blank=True)
    excluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("set aside by"))

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("grade evidence")
        verbose_name_plural = _("grade evidence")
        constraints = [
            models.CheckConstraint(condition=Q(manual=False) | (~Q(reason="") & Q(added_by__isnull=False)),
                                   name="grade_evidence_manual_has_reason"),
            models.CheckConstraint(condition=Q(excluded=False) | (~Q(excluded_reason="")
                                                                  & Q(excluded_by__isnull=False)),
                                   name="grade_evidence_excluded_has_reason"),
            models.UniqueConstraint(fields=["proposal", "ground", "complaint"],
                                    condition=Q(manual=False, complaint__isnull=False),
                                    name="grade_evidence_one_per_case_ground"),
        ]

    def __str__(self):
        return f"{self.get_ground_display()} {self.reference}"


class EmployerAccount(AuditedModel, TimeStamped):
    """An ``employer_user`` account acting for an employer (用人单位经办人): it sees that employer's notified grades
    and nothing else of grading. Linked and unlinked by staff only (never deleted: ``revoked_at``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employer_accounts",
                             verbose_name=_("account"))
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="accounts",
                                 verbose_name=_("employer"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("linked by"))
    revoked_at = models.DateTimeField(_("unlinked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("unlinked by"))

    class Meta:
        ordering = ["employer__name", "id"]
        verbose_name = _("employer account")
        verbose_name_plural = _("employer accounts")
        constraints = [
            models.UniqueConstraint(fields=["user", "employer"], condition=Q(revoked_at__isnull=True),
                                    name="employer_account_one_live_link"),
        ]

    def __str__(self):
        return f"Employer account #{self.pk}"
