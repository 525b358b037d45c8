"""The routine inspection plan by integrity grade (spec §10: C-graded employers are key targets inspected more often
than B, and B more often than A). Generated, never typed by hand.

- Frequency: legal parameters ``inspection_plan.visits_per_year.A`` / ``.B`` / ``.C`` (effective-dated rows, a region
  row beats the national one; the plan of year Y reads the rows in force on 1 January of Y). Seeded 1 / 2 / 4
  (casework/reference_campaigns.py): the measures fix no number [D].
- Grade: the employer's latest grade decided by a head (approved, notified or archived) in blacklist's grading
  records. **An employer without a grade gets the B frequency** (reason "not graded: B frequency").
- Employers of a region: registered there (``registration_region_code``), graded by a run of that region, or
  general contractor of an active construction project there.
- Due months: n visits spread evenly over the year (every 12/n months), staggered by employer so that not every
  visit falls in January. A quarterly plan keeps the visits due in that quarter.

``plan_to_campaign`` turns a plan into a campaign (kind ``routine_plan``) whose targets carry the due month and the
reason; it is then assigned and visited like any campaign's targets (casework.services.campaigns)."""
import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..access import Role, has_role, in_region
from ..errors import DomainError, NotAllowed
from ..models import Campaign, Employer, Project, Region, prefix_of
from .campaigns import TargetSpec, _latest_grades, campaign_add_targets, campaign_create
from .config import param

__all__ = ["PlanRow", "plan_generate", "plan_to_campaign", "visits_per_year", "UNGRADED_AS"]

UNGRADED_AS = "B"


@dataclass
class PlanRow:
    employer: Employer
    region_code: str
    grade: str  # "A" | "B" | "C" | "" (not graded)
    visits_per_year: int
    due_month: str  # "YYYY-MM"
    due_quarter: str  # "YYYY-Qn"
    reason: str


def visits_per_year(grade: str, *, year: int, region_code: str) -> int:
    return int(param(f"inspection_plan.visits_per_year.{grade or UNGRADED_AS}", on=dt.date(year, 1, 1),
                     region_code=region_code))


def _employers_of(region: Region) -> dict[int, tuple[Employer, str]]:
    p = prefix_of(region.code)
    out: dict[int, tuple[Employer, str]] = {}
    for e in Employer.objects.filter(registration_region_code__startswith=p):
        out[e.pk] = (e, e.registration_region_code)
    graded = _latest_grades(regions=[region])
    for e in Employer.objects.filter(pk__in=[k for k in graded if k not in out]):
        out[e.pk] = (e, graded[e.pk][1])
    for proj in Project.objects.filter(region__code__startswith=p, state=Project.State.ACTIVE) \
            .select_related("general_contractor"):
        out.setdefault(proj.general_contractor_id, (proj.general_contractor, proj.region_id))
    return out


def _months(n: int, stagger: int) -> list[int]:
    if n <= 0:
        return []
    n = min(n, 12)
    step = 12 // n
    return sorted({1 + (step * i + stagger % step) for i in range(n)})


def plan_generate(*, user, region_code: str, year: int, quarter: int | None = None) -> list[PlanRow]:
    """The plan of ``year`` (or of one quarter of it) for ``region_code``, in the user's reach."""
    if not has_role(user, Role.INSPECTION_HEAD, Role.INSPECTOR) or not in_region(user, region_code):
        raise NotAllowed({"__all__": [_("You may only plan inspections in your regions.")]})
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise DomainError({"quarter": [_("A quarter is 1 to 4.")]})
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise DomainError({"region": [_("No such region.")]})
    employers = _employers_of(region)
    grades = _latest_grades(list(employers))
    freq_cache: dict[tuple[str, str], int] = {}
    rows = []
    for eid, (employer, code) in sorted(employers.items(), key=lambda kv: (kv[1][1], kv[1][0].name, kv[0])):
        grade = grades.get(eid, ("", ""))[0]
        key = (grade or UNGRADED_AS, code)
        if key not in freq_cache:
            freq_cache[key] = visits_per_year(grade, year=year, region_code=code)
        n = freq_cache[key]
        reason = (_("grade %(g)s: %(n)s inspections a year") % {"g": grade, "n": n}) if grade else \
            (_("not graded: B frequency, %(n)s inspections a year") % {"n": n})
        for m in _months(n, eid):
            q = (m - 1) // 3 + 1
            if quarter is not None and q != quarter:
                continue
            rows.append(PlanRow(employer=employer, region_code=code, grade=grade, visits_per_year=n,
                                due_month=f"{year}-{m:02d}", due_quarter=f"{year}-Q{q}", reason=reason))
    rows.sort(key=lambda r: (r.due_month, {"C": 0, "B": 1, "": 1, "A": 2}[r.grade], r.employer.name))
    return rows


def plan_to_campaign(*, user, region_code: str, year: int, quarter: int | None = None, name: str = "") -> Campaign:
    """Create a campaign (kind routine_plan) over the plan's period with one target per employer and due month."""
    rows = plan_generate(user=user, region_code=region_code, year=year, quarter=quarter)
    if quarter:
        start = dt.date(year, 3 * quarter - 2, 1)
        end_month = 3 * quarter
    else:
        start, end_month = dt.date(year, 1, 1), 12
    end = dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
    label = f"{year}" + (f"-Q{quarter}" if quarter else "")
    campaign = campaign_create(user=user, name=name or _("Routine inspection plan %(period)s") % {"period": label},
                               starts_on=start, ends_on=end, region_codes=[region_code],
                               kind=Campaign.Kind.ROUTINE_PLAN)
    campaign_add_targets(user=user, campaign=campaign, specs=[
        TargetSpec(employer=r.employer, region_code=r.region_code, reason=r.reason, due_label=r.due_month)
        for r in rows])
    return campaign
