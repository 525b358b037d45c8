"""Enterprise integrity grading (spec §10, 人社部规〔2016〕1号): a pure classifier, the yearly collection of the
previous year's records, and one service per step of a grade's life. Keyword-only, atomic; every refusal is a
DomainError naming the rule and its citation. Pages (blacklist/views_grading.py), the API (blacklist/api_grading.py)
and the beat task (blacklist.tasks.start_grading_runs) call these and nothing else.

Who: a ``grading_officer`` starts a run, adds or sets aside grounds, reviews, notifies, records objections,
re-reviews and archives; an ``inspection_head`` approves (never a grade they reviewed or re-reviewed: four eyes)
or sends a grade back. Reach is per region exactly like casework.access: a guardian ``handle_cases`` grant on a
region covers the region and everything below it.

The record window of grading year Y is the calendar year Y-1 (1 January to 31 December, local time)."""
import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.access import has_role, region_prefixes
from casework.errors import DomainError, NotAllowed
from casework.models import CaseEvent, Complaint, Employer, InspectionDocument, Region
from casework.services.config import param
from casework.services.common import lock

from .models import CriminalTransfer, ListingDecision, ListingState
from .models_grading import (EDITABLE_STATES, EmployerAccount, GradeEvidence, GradeProposal, GradeState as G,
                             GradingRun)
from .reference_data_grading import GRADE_RULES, GROUND_RULES, MEASURES

__all__ = [
    "GRADING_OFFICER", "HEAD", "EMPLOYER_USER", "Classification", "classify", "record_window",
    "employers_in_scope", "collect_findings", "criminal_findings", "grading_run_start", "grading_run_close",
    "grading_run_check",
    "proposal_ground_add", "evidence_exclude", "proposal_review", "proposal_return", "proposal_approve",
    "proposal_notify", "proposal_objection_record", "proposal_re_review", "proposal_archive", "proposals_bulk",
    "employer_account_link", "employer_account_unlink", "runs_for", "proposals_for", "can_grade",
    "employer_in_reach", "employers_for", "FILE_ROLES", "BULK_STEPS",
]

GRADING_OFFICER, HEAD, EMPLOYER_USER = "grading_officer", "inspection_head", "employer_user"
GRADING_ROLES = (GRADING_OFFICER, HEAD)
# who may open an employer's integrity file (staff only; reach by region)
FILE_ROLES = ("inspector", "inspection_head", "grading_officer", "credit_officer", "auditor")
STAFF_ROLES = ("intake_officer", "inspector", "inspection_head", "auditor", "sysadmin", "mediator",
               "arbitration_clerk", "arbitrator", "arbitration_chair", "credit_officer", "publisher",
               "grading_officer", "police_liaison", "procuratorate_liaison")
PUNISHING_DOCS = [InspectionDocument.DocType.HANDLING_DECISION, InspectionDocument.DocType.PENALTY_DECISION]
FOUR_EYES = "spec §1 separation of duties [D]"
MOBILE = re.compile(r"^1[3-9]\d{9}$")
CONVICTED = CriminalTransfer.Outcome.CONVICTED


def _today() -> dt.date:
    return timezone.localdate()


def _cite(rule_id: str) -> str:
    return GRADE_RULES[rule_id][1]


# --- the classifier (pure) -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Classification:
    grade: str
    rule_id: str            # the first rule that holds, in the Measures' order
    rules_met: tuple        # every rule that holds
    punished_count: int

    @property
    def citation(self) -> str:
        return _cite(self.rule_id)


def classify(grounds: Iterable[str], *, c_threshold: int) -> Classification:
    """The grade of §10 from the grounds found in the record year (``GradeEvidence.Ground`` values, one per
    record; set-aside records are not passed in). A: none; B: investigated and punished (PUNISHED) but no C
    situation; C: PUNISHED at least ``c_threshold`` times, or any C ground (incident, child or forced labour or a
    similar serious violation, refusal of an order or decision, obstruction, criminal liability)."""
    if c_threshold < 1:
        raise ValueError("c_threshold must be at least 1")
    grounds = list(grounds)
    unknown = set(grounds) - set(GROUND_RULES)
    if unknown:
        raise ValueError(f"unknown grounds: {sorted(unknown)}")
    punished = grounds.count("PUNISHED")
    met = []
    if punished >= c_threshold:
        met.append("GR-C1")
    for rule_id in ("GR-C2", "GR-C3", "GR-C4", "GR-C5", "GR-C6"):
        if any(GROUND_RULES[g] == rule_id for g in grounds):
            met.append(rule_id)
    if met:
        return Classification("C", met[0], tuple(met), punished)
    if punished:
        return Classification("B", "GR-B", ("GR-B",), punished)
    return Classification("A", "GR-A", ("GR-A",), 0)


# --- the record year -----------------------------------------------------------------------------------------------

def record_window(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the records a grade for ``year`` rests on: the whole previous calendar year."""
    return dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)


def _aware_window(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January Y-1 00:00, 1 January Y 00:00) in local time, for timestamps (case events)."""
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(dt.datetime(year - 1, 1, 1), tz), timezone.make_aware(dt.datetime(year, 1, 1), tz))


def _prefix_q(prefixes, field) -> Q:
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"{field}__startswith": p})
    return q


def employers_in_scope(*, region_code: str, year: int) -> set[int]:
    """Every employer with a record in the region in the record year: a complaint handled there that was received
    in Y-1, had an order or decision issued in Y-1, or any step of it recorded in Y-1 (its timeline of case
    events: acceptance, orders, non-compliance, flags); a criminal transfer from there whose
    proceedings ended in Y-1; or a listing decided there that was in force at some time in Y-1."""
    from casework.models import prefix_of

    first, last = record_window(year)
    start, end = _aware_window(year)
    prefix = prefix_of(region_code)
    complaints = Complaint.objects.filter(handling_region__code__startswith=prefix)
    ids = set(complaints.filter(received_at__range=(first, last)).values_list("employer_id", flat=True))
    ids |= set(complaints.filter(documents__issued_at__range=(first, last)).values_list("employer_id", flat=True))
    ids |= set(complaints.filter(events__at__gte=start, events__at__lt=end).values_list("employer_id", flat=True))
    ids |= set(CriminalTransfer.objects.filter(region__code__startswith=prefix, outcome_on__range=(first, last))
               .values_list("employer_id", flat=True))
    ids |= set(ListingDecision.objects.filter(region__code__startswith=prefix, decided_at__isnull=False,
                                              decided_at__lte=last)
               .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=first))
               .exclude(state=ListingState.NOT_LISTED).values_list("employer_id", flat=True))
    return ids


def criminal_findings(employer_ids, year: int) -> dict[int, list[dict]]:
    """GR-C6 (held criminally liable) from the criminal-transfer track (spec §7, blacklist.models_transfer): a
    transfer whose criminal proceedings ended in a conviction (outcome ``convicted``) dated in Y-1. A liability the
    system did not record (e.g. a judgment in a case transferred before this system) is added by an officer
    (``proposal_ground_add`` with CRIMINAL and the judgment in the reason)."""
    first, last = record_window(year)
    out: dict[int, list[dict]] = {}
    for t in (CriminalTransfer.objects.filter(employer_id__in=list(employer_ids), outcome=CONVICTED,
                                              outcome_on__range=(first, last))
              .select_related("complaint").order_by("outcome_on", "id")):
        out.setdefault(t.employer_id, []).append(dict(
            ground="CRIMINAL", complaint=t.complaint, transfer=t, occurred_on=t.outcome_on,
            reference=" ".join(x for x in (t.case_number, t.transfer_doc_no or "", t.judgment_no) if x)[:100]))
    return out


def collect_findings(employer_ids, year: int) -> dict[int, list[dict]]:
    """The automatic grounds of the record year per employer, as GradeEvidence field values, from every region
    (an enterprise's integrity record is one, whoever handled the case):

    - PUNISHED: a complaint with a handling decision or penalty decision (InspectionDocument) issued in Y-1; one
      per complaint (a case is one investigation however many decisions it produced);
    - REFUSED_ORDER: a complaint concluded not complied (its ``non_compliant`` event) in Y-1; a refusal fine is
      named in the reference;
    - INCIDENT: a complaint flagged a blacklist candidate on the incident limb in Y-1, or a listing on the incident
      limb (Order 45 art. 5(2)) decided in Y-1 and not revoked; one per complaint;
    - CRIMINAL: a criminal transfer ended in a conviction in Y-1 (``criminal_findings``)."""
    ids = list(employer_ids)
    first, last = record_window(year)
    start, end = _aware_window(year)
    out: dict[int, list[dict]] = {i: [] for i in ids}
    seen: set = set()

    def add(employer_id, key, row):
        if key not in seen:
            seen.add(key)
            out[employer_id].append(row)

    docs = (InspectionDocument.objects.filter(complaint__employer_id__in=ids, doc_type__in=PUNISHING_DOCS,
                                              issued_at__range=(first, last))
            .select_related("complaint").order_by("issued_at", "id"))
    for d in docs:
        c = d.complaint
        add(c.employer_id, ("PUNISHED", c.pk), dict(
            ground="PUNISHED", complaint=c, document=d, occurred_on=d.issued_at,
            reference=f"{c.case_number} {d.doc_no}"[:100]))
    refusals = (CaseEvent.objects.filter(complaint__employer_id__in=ids, code="non_compliant", at__gte=start,
                                         at__lt=end).select_related("complaint").order_by("at", "id"))
    for ev in refusals:
        c = ev.complaint
        decision = (c.documents.filter(doc_type__in=PUNISHING_DOCS).order_by("-issued_at", "-id").first())
        ref = c.case_number + (f" {decision.doc_no}" if decision else "")
        if c.fine_amount:
            ref += " " + _("refusal fine %(amount)s yuan") % {"amount": f"{c.fine_amount:,.2f}"}
        add(c.employer_id, ("REFUSED_ORDER", c.pk), dict(
            ground="REFUSED_ORDER", complaint=c, document=decision,
            occurred_on=timezone.localtime(ev.at).date(), reference=ref[:100]))
    listings = (ListingDecision.objects.filter(employer_id__in=ids, basis_limb=ListingDecision.Limb.INCIDENT,
                                               decided_at__range=(first, last))
                .exclude(state__in=[ListingState.NOT_LISTED, ListingState.REVOKED]).select_related("complaint")
                .order_by("decided_at", "id"))
    for listing in listings:
        add(listing.employer_id, ("INCIDENT", listing.complaint_id), dict(
            ground="INCIDENT", complaint=listing.complaint, listing=listing, occurred_on=listing.decided_at,
            reference=f"{listing.complaint.case_number} {listing.decision_no}"[:100]))
    flags = (CaseEvent.objects.filter(complaint__employer_id__in=ids, code="flag_blacklist_candidate",
                                      detail__incident_limb=True, at__gte=start, at__lt=end)
             .select_related("complaint").order_by("at", "id"))
    for ev in flags:
        c = ev.complaint
        add(c.employer_id, ("INCIDENT", c.pk), dict(
            ground="INCIDENT", complaint=c, occurred_on=timezone.localtime(ev.at).date(), reference=c.case_number))
    for employer_id, rows in criminal_findings(ids, year).items():
        for row in rows:
            add(employer_id, ("CRIMINAL", row["transfer"].pk), row)
    return out


# --- reach ---------------------------------------------------------------------------------------------------------

def can_grade(user, region_code: str, *roles: str) -> bool:
    return has_role(user, *roles) and any(region_code.startswith(p) for p in region_prefixes(user, "handle_cases"))


def _require(user, region_code: str, *roles: str):
    if not can_grade(user, region_code, *roles):
        raise NotAllowed({"__all__": [_("You may not do this on this grade.")]})


def runs_for(user):
    if not has_role(user, *GRADING_ROLES):
        return GradingRun.objects.none()
    return GradingRun.objects.filter(_prefix_q(region_prefixes(user, "handle_cases"), "region__code"))


def proposals_for(user):
    if not has_role(user, *GRADING_ROLES):
        return GradeProposal.objects.none()
    return GradeProposal.objects.filter(_prefix_q(region_prefixes(user, "handle_cases"), "run__region__code"))


def _file_prefixes(user) -> list[str]:
    if not has_role(user, *FILE_ROLES):
        return []
    return sorted(set(region_prefixes(user, "handle_cases")) | set(region_prefixes(user, "view_cases")))


def _employer_reach_q(prefixes) -> Q:
    """Employers with a record in one of the regions: registered there (credit code), a complaint handled there,
    a criminal transfer or a listing decided there, or a grade made there."""
    if not prefixes:
        return Q(pk__in=[])
    return (_prefix_q(prefixes, "registration_region_code")
            | Q(Exists(Complaint.objects.filter(_prefix_q(prefixes, "handling_region__code"),
                                                employer=OuterRef("pk"))))
            | Q(Exists(ListingDecision.objects.filter(_prefix_q(prefixes, "region__code"), employer=OuterRef("pk"))))
            | Q(Exists(CriminalTransfer.objects.filter(_prefix_q(prefixes, "region__code"), employer=OuterRef("pk"))))
            | Q(Exists(GradeProposal.objects.filter(_prefix_q(prefixes, "run__region__code"),
                                                    employer=OuterRef("pk")))))


def employers_for(user):
    """Employers whose integrity file ``user`` may open: staff of FILE_ROLES, employers with a record in their
    regions (handle or view grants)."""
    return Employer.objects.filter(_employer_reach_q(_file_prefixes(user)))


def employer_in_reach(user, employer: Employer) -> bool:
    return employers_for(user).filter(pk=employer.pk).exists()


# --- helpers -------------------------------------------------------------------------------------------------------

def _save(obj, user):
    obj._history_user = user if getattr(user, "pk", None) else None
    obj.full_clean()
    obj.save()
    return obj


def _expect(proposal, *states):
    if proposal.state not in states:
        raise DomainError({"__all__": [_("This grade is now “%(state)s”; this step is not possible any more.")
                                       % {"state": proposal.get_state_display()}]})


def _threshold(year: int, region_code: str) -> int:
    return int(param("grading.c_punished_times", on=dt.date(year, 1, 1), region_code=region_code))


def _recompute(proposal: GradeProposal) -> bool:
    """Classify again from the proposal's evidence that is not set aside; True if anything changed."""
    grounds = [e.ground for e in proposal.evidence.filter(excluded=False)]
    c = classify(grounds, c_threshold=_threshold(proposal.year, proposal.run.region_id))
    new = (c.grade, c.rule_id, list(c.rules_met), c.punished_count, c.citation)
    old = (proposal.proposed_grade, proposal.rule_id, list(proposal.rules_met or []), proposal.punished_count,
           proposal.rule_citation)
    proposal.proposed_grade, proposal.rule_id, proposal.rules_met, proposal.punished_count, \
        proposal.rule_citation = new[0], new[1], new[2], new[3], new[4]
    return new != old


def _required(value: str, field: str):
    if not (value or "").strip():
        raise DomainError({field: [_("This field is required.")]})


# --- the yearly run ------------------------------------------------------------------------------------------------

def grading_run_check(*, year: int, region_code: str, user=None, today: dt.date | None = None):
    """The refusals of ``grading_run_start`` without the grading (checked before a large region's run is queued as a
    background job, so the officer sees a refusal at once). Returns (region, the C-grade threshold)."""
    today = today or _today()
    if user is not None:
        _require(user, region_code, GRADING_OFFICER)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise DomainError({"region": [_("Unknown region.")]})
    if year > today.year:
        raise DomainError({"year": [_("A grade for %(year)s rests on the whole of %(prev)s's records; that year "
                                      "has not ended (%(cite)s).")
                                    % {"year": year, "prev": year - 1, "cite": f"{MEASURES} [P]"}]})
    return region, _threshold(year, region.code)  # also refuses a year before the Measures (missing parameter)


@transaction.atomic
def grading_run_start(*, year: int, region_code: str, user=None, today: dt.date | None = None,
                      progress=None) -> GradingRun:
    """Start (or continue) the grading of ``year`` in a region: the yearly job of §10. A grading officer of the
    region, or the system (``user`` None: the beat task in January).

    Idempotent: one run per (year, region); running it again adds proposals only for employers newly in scope and
    re-classifies proposals nobody has reviewed yet (records entered late), writing nothing when nothing changed.
    An employer already graded for the year (in another region's run) is not graded twice. A closed run is left
    alone. Refused before the record year has ended. ``progress(done, total, message)``: called as employers are
    graded (the background job of a large region, blacklist.jobs)."""
    region, threshold = grading_run_check(year=year, region_code=region_code, user=user, today=today)
    run = GradingRun.objects.filter(year=year, region=region).first()
    if run is None:
        try:
            with transaction.atomic():
                run = _save(GradingRun(year=year, region=region, created_by=user), user)
        except IntegrityError:  # started at the same moment by someone else: continue theirs
            run = GradingRun.objects.get(year=year, region=region)
    run = GradingRun.objects.select_for_update().get(pk=run.pk)
    if run.state == GradingRun.State.CLOSED:
        return run
    scope = employers_in_scope(region_code=region.code, year=year)
    existing = {p.employer_id: p for p in GradeProposal.objects.filter(year=year, employer_id__in=scope)}
    todo = [e for e in scope if e not in existing
            or (existing[e].run_id == run.pk and existing[e].state == G.PROPOSED)]
    if progress:
        progress(0, len(todo), _l("Collecting the year's records"))
    findings = collect_findings(todo, year)
    changed = False
    for done, employer_id in enumerate(sorted(todo), 1):
        if progress:
            progress(done - 1, len(todo), _l("Grading employers"))
        proposal = existing.get(employer_id)
        rows = findings.get(employer_id, [])
        if proposal is None:
            proposal = GradeProposal(run=run, employer_id=employer_id, year=year)
            c = classify([r["ground"] for r in rows], c_threshold=threshold)
            proposal.proposed_grade, proposal.rule_id, proposal.rules_met = c.grade, c.rule_id, list(c.rules_met)
            proposal.punished_count, proposal.rule_citation = c.punished_count, c.citation
            _save(proposal, user)
            for row in rows:
                _save(GradeEvidence(proposal=proposal, **row), user)
            changed = True
            continue
        have = {(e.ground, e.complaint_id, e.transfer_id) for e in proposal.evidence.filter(manual=False)}
        added = False
        for row in rows:
            key = (row["ground"], getattr(row.get("complaint"), "pk", None), getattr(row.get("transfer"), "pk", None))
            if key not in have:
                _save(GradeEvidence(proposal=proposal, **row), user)
                added = True
        if _recompute(proposal) or added:
            _save(proposal, user)
            changed = True
    if changed or run.collected_at is None:
        run.collected_at = timezone.now()
        _save(run, user)
    return run


@transaction.atomic
def grading_run_close(*, run: GradingRun, user) -> GradingRun:
    """Close a run: every notified grade is archived, and the run is closed once all are. Refused while any grade
    is still proposed, reviewed, approved but not notified, or under objection."""
    _require(user, run.region_id, GRADING_OFFICER)
    run = GradingRun.objects.select_for_update().get(pk=run.pk)
    if run.state == GradingRun.State.CLOSED:
        raise DomainError({"__all__": [_("This run is already closed.")]})
    open_ = run.proposals.exclude(state__in=[G.NOTIFIED, G.ARCHIVED]).count()
    if open_:
        raise DomainError({"__all__": [_("%(n)s grade(s) of this run are not notified yet or are under "
                                         "objection: notify or decide them first.") % {"n": open_}]})
    for proposal in run.proposals.filter(state=G.NOTIFIED):
        proposal_archive(proposal=proposal, user=user)
    run.state = GradingRun.State.CLOSED
    run.closed_at = timezone.now()
    return _save(run, user)


# --- grounds -------------------------------------------------------------------------------------------------------

@transaction.atomic
def proposal_ground_add(*, proposal: GradeProposal, user, ground: str, reason: str, occurred_on: dt.date,
                        reference: str = "") -> GradeEvidence:
    """A C ground the records do not hold (child or forced labour or a similar serious violation, obstruction of
    inspection, an incident, criminal liability), added by a grading officer with the reason and the date it
    occurred, which must lie in the record year. The grade is computed again."""
    _require(user, proposal.run.region_id, GRADING_OFFICER)
    lock(proposal)
    _expect(proposal, *EDITABLE_STATES)
    errors = {}
    if ground not in GradeEvidence.MANUAL_GROUNDS:
        errors["ground"] = [_("Choose one of the listed options.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason and the record it rests on (%(cite)s).")
                            % {"cite": _cite(GROUND_RULES.get(ground, "GR-C3"))}]
    first, last = record_window(proposal.year)
    if occurred_on is None or not (first <= occurred_on <= last):
        errors["occurred_on"] = [_("A grade for %(year)s rests on the records of %(prev)s: the date must lie "
                                   "between %(first)s and %(last)s (%(cite)s).")
                                 % {"year": proposal.year, "prev": proposal.year - 1, "first": first,
                                    "last": last, "cite": f"{MEASURES} [P]"}]
    if errors:
        raise DomainError(errors)
    evidence = _save(GradeEvidence(proposal=proposal, ground=ground, occurred_on=occurred_on, manual=True,
                                   reason=reason.strip(), reference=(reference or "").strip()[:100],
                                   added_by=user), user)
    _recompute(proposal)
    _save(proposal, user)
    return evidence


@transaction.atomic
def evidence_exclude(*, evidence: GradeEvidence, user, reason: str) -> GradeEvidence:
    """Set a record aside (e.g. the decision was revoked on reconsideration or by a court), with the reason; the
    grade is computed again without it."""
    proposal = evidence.proposal
    _require(user, proposal.run.region_id, GRADING_OFFICER)
    lock(proposal)
    _expect(proposal, *EDITABLE_STATES)
    evidence = GradeEvidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.excluded:
        raise DomainError({"__all__": [_("This record is already set aside.")]})
    _required(reason, "reason")
    evidence.excluded, evidence.excluded_reason, evidence.excluded_by = True, reason.strip(), user
    _save(evidence, user)
    _recompute(proposal)
    _save(proposal, user)
    return evidence


# --- review and approval -------------------------------------------------------------------------------------------

@transaction.atomic
def proposal_review(*, proposal: GradeProposal, user, note: str = "") -> GradeProposal:
    """The grading officer has checked the grounds: the proposed grade goes to a head for approval."""
    _require(user, proposal.run.region_id, GRADING_OFFICER)
    lock(proposal)
    _expect(proposal, G.PROPOSED)
    proposal.set_state(G.REVIEWED)
    proposal.reviewed_by, proposal.reviewed_at, proposal.review_note = user, timezone.now(), (note or "").strip()
    return _save(proposal, user)


@transaction.atomic
def proposal_return(*, proposal: GradeProposal, user, note: str) -> GradeProposal:
    """A head sends a reviewed (or re-reviewed) grade back to the grading officer, with the reason."""
    _require(user, proposal.run.region_id, HEAD)
    lock(proposal)
    _expect(proposal, G.REVIEWED, G.RE_REVIEWED)
    _required(note, "note")
    if proposal.state == G.REVIEWED:
        proposal.set_state(G.PROPOSED)
        proposal.reviewed_by, proposal.reviewed_at = None, None
    else:
        proposal.set_state(G.OBJECTED)
        proposal.re_reviewed_by, proposal.re_reviewed_at = None, None
    proposal.return_note = note.strip()
    return _save(proposal, user)


@transaction.atomic
def proposal_approve(*, proposal: GradeProposal, user) -> GradeProposal:
    """A head approves the reviewed (or re-reviewed) grade: it becomes the enterprise's grade for the year. Never
    the person who reviewed or re-reviewed it (four eyes; a database constraint too)."""
    _require(user, proposal.run.region_id, HEAD)
    lock(proposal)
    _expect(proposal, G.REVIEWED, G.RE_REVIEWED)
    if user.pk in (proposal.reviewed_by_id, proposal.re_reviewed_by_id):
        raise NotAllowed({"__all__": [_("The person who reviewed this grade cannot approve it (four eyes: "
                                        "%(cite)s).") % {"cite": FOUR_EYES}]})
    proposal.set_state(G.APPROVED)
    proposal.approved_by, proposal.approved_at = user, timezone.now()
    proposal.final_grade = proposal.proposed_grade
    return _save(proposal, user)


# --- notification, objection, archive ------------------------------------------------------------------------------

def _notice_ref(proposal) -> str:
    return f"GR{proposal.year}-{proposal.pk}"[:24]


@transaction.atomic
def proposal_notify(*, proposal: GradeProposal, user, note: str = "") -> GradeProposal:
    """The enterprise is told its approved grade (§10: "in an appropriate way"): an in-app message to each linked
    ``employer_user`` account and an SMS to the employer's mobile contact number, through notifications/; a grade
    re-approved after an objection is told again. With no account and no mobile number, say how it was told
    (``note``, e.g. a written notice served on a date): the notice is then recorded, not sent."""
    from notifications.outbox import Recipient, notify

    _require(user, proposal.run.region_id, GRADING_OFFICER, HEAD)
    lock(proposal)
    _expect(proposal, G.APPROVED)
    employer = proposal.employer
    accounts = list(EmployerAccount.objects.filter(employer=employer, revoked_at__isnull=True)
                    .select_related("user"))
    recipients = [Recipient(kind="employer", channel="inapp", user=a.user, ref=f"u{a.user_id}",
                            language=settings.LANGUAGE_CODE) for a in accounts if a.user.is_active]
    phone = (employer.contact_phone or "").replace(" ", "")
    if MOBILE.match(phone):
        recipients.append(Recipient(kind="employer", channel="sms", address=phone, ref=f"e{employer.pk}",
                                    language=settings.LANGUAGE_CODE))
    if not recipients and not (note or "").strip():
        raise DomainError({"note": [_("The enterprise has no linked account and no mobile number: say how it was "
                                      "told, e.g. the written notice and its date (%(cite)s).")
                                    % {"cite": f"{MEASURES} [P]"}]})
    proposal.set_state(G.NOTIFIED)
    proposal.notified_at, proposal.notified_by = timezone.now(), user
    channels = sorted({r.channel for r in recipients})
    proposal.notice_channels = (", ".join(channels) or "recorded")[:100]
    if (note or "").strip():
        proposal.notice_note = (proposal.notice_note + "\n" + note.strip()).strip()
    _save(proposal, user)
    if recipients:
        notify(event="grade_notified", case_number=_notice_ref(proposal), recipients=recipients,
               region_code=proposal.run.region_id,
               sequence="re" if proposal.objection_received_at else "",
               context={"employer": employer.name, "grade": proposal.final_grade, "year": proposal.year,
                        "record_year": proposal.year - 1})
    return proposal


@transaction.atomic
def proposal_objection_record(*, proposal: GradeProposal, user, received_on: dt.date, text: str) -> GradeProposal:
    """The enterprise objects to its notified grade (§10, optional [M]: re-review). Recorded by a grading officer;
    one objection per grade; not before the notification nor in the future."""
    _require(user, proposal.run.region_id, GRADING_OFFICER)
    lock(proposal)
    _expect(proposal, G.NOTIFIED)
    if proposal.objection_received_at:
        raise DomainError({"__all__": [_("An objection to this grade was already recorded and re-reviewed "
                                         "(%(cite)s).") % {"cite": f"{MEASURES} [M]"}]})
    _required(text, "text")
    if received_on is None or received_on > _today():
        raise DomainError({"received_on": [_("The date cannot be in the future.")]})
    if received_on < timezone.localtime(proposal.notified_at).date():
        raise DomainError({"received_on": [_("The objection cannot precede the notification.")]})
    proposal.set_state(G.OBJECTED)
    proposal.objection_received_at, proposal.objection_text = received_on, text.strip()
    proposal.objection_recorded_by = user
    proposal.grade_before_objection = proposal.final_grade
    return _save(proposal, user)


@transaction.atomic
def proposal_re_review(*, proposal: GradeProposal, user, note: str) -> GradeProposal:
    """The grading officer re-reviews an objected grade (after adding or setting aside grounds as the objection
    shows) and writes the answer; a head then approves the result (four eyes) and the enterprise is told again."""
    _require(user, proposal.run.region_id, GRADING_OFFICER)
    lock(proposal)
    _expect(proposal, G.OBJECTED)
    _required(note, "note")
    proposal.set_state(G.RE_REVIEWED)
    proposal.re_reviewed_by, proposal.re_reviewed_at = user, timezone.now()
    proposal.re_review_note = note.strip()
    return _save(proposal, user)


@transaction.atomic
def proposal_archive(*, proposal: GradeProposal, user) -> GradeProposal:
    """File the notified grade in the enterprise's integrity archive (§10); it can no longer be objected to here."""
    _require(user, proposal.run.region_id, GRADING_OFFICER)
    lock(proposal)
    _expect(proposal, G.NOTIFIED)
    proposal.set_state(G.ARCHIVED)
    proposal.archived_at = timezone.now()
    return _save(proposal, user)


BULK_STEPS = {
    "review": proposal_review,
    "approve": proposal_approve,
    "notify": proposal_notify,
    "archive": proposal_archive,
}


def proposals_bulk(*, run: GradingRun, user, step: str, ids: list[int]) -> dict:
    """One step (review, approve, notify, archive) on many proposals of a run: each through its own service in its
    own transaction, so one refusal does not undo the others. Returns ``{"done": [ids], "errors": {id: [msgs]}}``."""
    if step not in BULK_STEPS:
        raise DomainError({"step": [_("Choose one of the listed options.")]})
    _require(user, run.region_id, *GRADING_ROLES)
    service = BULK_STEPS[step]
    done, errors = [], {}
    for proposal in run.proposals.filter(pk__in=ids).select_related("run", "employer").order_by("pk"):
        try:
            with transaction.atomic():
                service(proposal=proposal, user=user)
            done.append(proposal.pk)
        except DomainError as e:
            errors[proposal.pk] = [m for msgs in e.errors.values() for m in msgs]
    for missing in set(ids) - set(done) - set(errors):
        errors[missing] = [_("No such grade in this run.")]
    return {"done": done, "errors": errors}


# --- employer accounts ---------------------------------------------------------------------------------------------

@transaction.atomic
def employer_account_link(*, employer: Employer, account, user) -> EmployerAccount:
    """Link an ``employer_user`` account to the employer it acts for (staff only: a grading officer or head who
    reaches the employer). The account then sees that employer's notified grades, and nothing else of grading.
    A staff account is never linked."""
    if not has_role(user, *GRADING_ROLES) or not employer_in_reach(user, employer):
        raise NotAllowed({"__all__": [_("You may not link accounts to this employer.")]})
    if not has_role(account, EMPLOYER_USER) or has_role(account, *STAFF_ROLES):
        raise DomainError({"username": [_("Only an employer's clerk account (employer_user) can be linked to an "
                                          "employer (spec §1, role 4).")]})
    if EmployerAccount.objects.filter(user=account, employer=employer, revoked_at__isnull=True).exists():
        raise DomainError({"username": [_("This account is already linked to this employer.")]})
    return _save(EmployerAccount(user=account, employer=employer, linked_by=user), user)


@transaction.atomic
def employer_account_unlink(*, link: EmployerAccount, user) -> EmployerAccount:
    if not has_role(user, *GRADING_ROLES) or not employer_in_reach(user, link.employer):
        raise NotAllowed({"__all__": [_("You may not link accounts to this employer.")]})
    link = EmployerAccount.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at:
        raise DomainError({"__all__": [_("This account is not linked any more.")]})
    link.revoked_at, link.revoked_by = timezone.now(), user
    return _save(link, user)
