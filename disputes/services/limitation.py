"""The limitation period for applying for arbitration (spec §6.2; 《劳动争议调解仲裁法》第二十七条).

- One year (rule ARB-LIMITATION, a YEAR period: 民法典 art. 202, counted from the day after the start; a last day
  that is a rest day or holiday moves to the next working day, 民法典 art. 203) from the day the party knew or
  should have known of the infringement (LDMAL 27 ¶1).
- Labour remuneration owed while the employment lasts is not time-barred at all; once the employment has ended the
  claim must be brought within one year of the end date (LDMAL 27 ¶4).
- The period is interrupted by a claim against the other party, a request for relief to an authority (an inspection
  complaint on the same matter counts) or the other party's consent to perform; it runs again in full from the
  interruption (LDMAL 27 ¶2). A failed mediation, or an agreement that was not performed, interrupts it too
  (《企业劳动争议协商调解规定》第三十一条).
- Suspension for force majeure or another just cause (LDMAL 27 ¶3) is not known to the system: the commission weighs
  it when it decides.

The system never refuses an application on limitation: the commission decides (LDMAL 27), so the result is a warning
text stored on the case and shown to staff and the applicant, or "" when the application is in time.
"""
import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _

from arrears.models import REMUNERATION_CATEGORIES
from casework.models import Complaint
from casework.services.clock import WorkingCalendar, compute_due
from casework.services.config import rule
from casework.services.common import cite

from ..models import DisputeCase, DisputeParty, Track

__all__ = ["limitation_check", "limitation_for_case", "limitation_interruptions", "limitation_end", "same_employer_q",
           "RULE_ID"]

RULE_ID = "ARB-LIMITATION"


def _citation(on: dt.date) -> str:
    return cite(RULE_ID, on)


def _period_end(start: dt.date, region_code: str | None, cal: WorkingCalendar) -> dt.date:
    """The last day of the period begun on ``start``: the same-numbered day a year later (compute_due), moved to
    the next working day when it is a rest day or holiday (民法典 art. 203: a period for a party's act whose last
    day is a statutory rest day ends on the day after it). The clock does not roll year periods in general
    (a listing simply ends); a period within which a party must act does."""
    r = rule(RULE_ID, on=start)
    return cal.roll_forward(compute_due(start, r.n, r.unit, region_code, cal=cal).due)


def limitation_end(anchor: dt.date, interruptions: Iterable[dt.date] = (), *, received_on: dt.date,
                   region_code: str | None = None) -> tuple[dt.date, dt.date]:
    """(start, last day) of the limitation period counted from ``anchor`` (LDMAL 27 ¶1-2). An interruption that
    happens while the period is running (on or after its start, on or before its last day, and not after the
    application) starts it again in full from the interruption; one after the period ran out revives nothing."""
    cal = WorkingCalendar(region_code)
    start = anchor
    end = _period_end(start, region_code, cal)
    for when in sorted(set(d for d in interruptions if d is not None)):
        if when > received_on:
            break
        if start <= when <= end:
            start = when
            end = _period_end(start, region_code, cal)
    return start, end


def limitation_check(*, employment_status: str, employment_end: dt.date | None, knew_on: dt.date | None,
                     received_on: dt.date, interruptions: Iterable[dt.date] = (), region_code: str | None,
                     categories: Iterable[str] | None = None, applicant_side: str = "worker") -> str:
    """"" when an application received on ``received_on`` is in time, else a warning that names the day the year
    ran out, what it was counted from, and LDMAL art. 27 (the commission decides; never a refusal).

    ``categories`` (arrears.models.Category values of the claims) tells labour remuneration (no limit while
    employed, one year from the end of the employment: LDMAL 27 ¶4) from other claims (one year from when the
    party knew: LDMAL 27 ¶1). Without categories the claim is taken to be wage arrears. The remuneration rule is the
    worker's: an employer's claims always count from when it knew."""
    cats = set(categories) if categories is not None else {"wages"}
    remuneration = applicant_side == "worker" and bool(cats & set(REMUNERATION_CATEGORIES))
    other = applicant_side != "worker" or bool(cats - set(REMUNERATION_CATEGORIES))
    left = employment_status == DisputeCase.EmploymentStatus.LEFT
    interruptions = list(interruptions or ())

    # (anchor, what it is) for each group of claims that has a running period
    anchors: list[tuple[dt.date, str]] = []
    if remuneration and left:
        if employment_end is not None:
            anchors.append((employment_end, _("the end of the employment on %(date)s, for labour remuneration")))
        elif knew_on is not None:
            anchors.append((knew_on, _("the day the applicant knew of the infringement, %(date)s")))
    if other:
        if knew_on is not None:
            anchors.append((knew_on, _("the day the applicant knew of the infringement, %(date)s")))
        elif left and employment_end is not None:
            anchors.append((employment_end, _("the end of the employment on %(date)s (the day the applicant knew "
                                              "of the infringement was not given)")))

    warnings = []
    for anchor, what in anchors:
        start, end = limitation_end(anchor, interruptions, received_on=received_on, region_code=region_code)
        if received_on <= end:
            continue
        counted = what % {"date": anchor.isoformat()}
        if start != anchor:
            counted = _("%(from)s, interrupted and restarted on %(restart)s") % {"from": counted,
                                                                              "restart": start.isoformat()}
        warnings.append(_(
            "The one-year limitation period for applying for arbitration appears to have run out on %(end)s "
            "(counted from %(counted)s; the application was received on %(received)s). Under %(citation)s the "
            "commission decides whether the period was interrupted or suspended; the application is received "
            "and examined all the same.") % {"end": end.isoformat(), "counted": counted,
                                             "received": received_on.isoformat(),
                                             "citation": _citation(received_on)})
    return " ".join(dict.fromkeys(warnings))


def same_employer_q(employer, field: str = "employer") -> Q:
    """Rows whose ``field`` is the same employer: the same row, the same unified social credit code, or the same
    name where one side has no code (employers registered from a name alone are separate rows; two codes that
    differ are two employers whatever their names)."""
    q = Q(**{field: employer.pk})
    no_code = Q(**{f"{field}__uscc__isnull": True}) | Q(**{f"{field}__uscc": ""})
    if employer.uscc:
        q |= Q(**{f"{field}__uscc": employer.uscc}) | (Q(**{f"{field}__name": employer.name}) & no_code)
    elif employer.name:
        q |= Q(**{f"{field}__name": employer.name})
    return q


def limitation_interruptions(*, worker, employer, received_on: dt.date, source_complaint=None, source_case=None,
                             exclude_case_id: int | None = None) -> list[dt.date]:
    """Dates that interrupted the period (LDMAL 27 ¶2; EMR 31), up to ``received_on``:
    - complaints to labour inspection (a request for relief to an authority) by or for the same worker (by ID
      number hash) against the same employer, and the complaint this case was redirected from;
    - earlier mediation or arbitration applications between the same worker and employer (a claim against the
      other party), with the day mediation failed and the day the other party agreed to pay in a signed
      agreement (consent to perform) or, for an unperformed agreement, the day it was closed."""
    dates: list[dt.date] = []
    worker_hash = getattr(worker, "id_number_hash", "") if worker is not None else ""
    if source_complaint is not None:
        dates.append(source_complaint.received_at)
    if worker_hash and employer is not None:
        complaints = (Complaint.objects.filter(same_employer_q(employer, "employer"))
                      .filter(Q(complainant__id_number_hash=worker_hash) | Q(items__worker__id_number_hash=worker_hash))
                      .filter(received_at__lte=received_on).values_list("received_at", flat=True).distinct())
        dates.extend(complaints)
        same_parties = DisputeParty.objects.filter(person__id_number_hash=worker_hash).values("case_id")
        earlier = (DisputeCase.objects.filter(pk__in=same_parties, received_at__lte=received_on)
                   .filter(pk__in=DisputeParty.objects.filter(same_employer_q(employer, "employer")).values("case_id")))
        if exclude_case_id is not None:
            earlier = earlier.exclude(pk=exclude_case_id)
        cases = list(earlier.select_related("agreement"))
    else:
        cases = []
    if source_case is not None and all(c.pk != source_case.pk for c in cases):
        cases.append(source_case)
    for case in cases:
        dates.append(case.received_at)
        if case.mediation_failed_at:
            dates.append(case.mediation_failed_at)
        agreement = getattr(case, "agreement", None)  # a missing one-to-one raises an AttributeError subclass
        if agreement is not None:
            dates.append(agreement.signed_on)
        if case.closed_at and case.closure in (DisputeCase.Closure.MED_FAILED, DisputeCase.Closure.MED_NOT_PERFORMED,
                                               DisputeCase.Closure.MED_REFUSED):
            dates.append(case.closed_at)
    return sorted(d for d in set(dates) if d is not None and d <= received_on)


def _case_worker_and_employer(case: DisputeCase):
    worker = employer = None
    for party in case.parties.select_related("person", "employer"):
        if party.person_id and worker is None and party.side in (DisputeParty.Side.APPLICANT,
                                                                 DisputeParty.Side.RESPONDENT):
            worker = party.person
        if party.employer_id and employer is None and party.side in (DisputeParty.Side.APPLICANT,
                                                                     DisputeParty.Side.RESPONDENT):
            employer = party.employer
    return worker, employer


def limitation_for_case(case: DisputeCase) -> str:
    """The limitation warning for an arbitration case (LDMAL 27), with the interruptions the system knows of
    gathered by ``limitation_interruptions``; "" for a mediation case (the limitation period governs arbitration)."""
    if case.track != Track.ARBITRATION:
        return ""
    worker, employer = _case_worker_and_employer(case)
    interruptions = limitation_interruptions(worker=worker, employer=employer, received_on=case.received_at,
                                             source_complaint=case.source_complaint, source_case=case.source_case,
                                             exclude_case_id=case.pk)
    categories = list(case.items.values_list("category", flat=True)) if case.pk else None
    return limitation_check(employment_status=case.employment_status, employment_end=case.employment_end,
                            knew_on=case.knew_on, received_on=case.received_at, interruptions=interruptions,
                            region_code=case.region_id, categories=categories or None,
                            applicant_side=case.applicant_side)
