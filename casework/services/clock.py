"""The legal clock (spec §2): working days on the layered calendar, calendar days rolled forward past rest days,
months and years per 民法典 art. 202.

The project's own calendar table (``Holiday`` + ``CalendarCoverage``) is the authority. A period that runs into a
year whose national calendar nobody has loaded is counted on plain weekdays and comes back ``provisional``: the
caller stores that on the deadline and raises an alert. It never raises an error.
"""
import calendar as pycal
import datetime as dt
from dataclasses import dataclass, field

from ..models import CalendarCoverage, Holiday, TimeUnit, region_chain

__all__ = ["ClockResult", "WorkingCalendar", "compute_due", "add_months"]

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class ClockResult:
    due: dt.date
    provisional: bool = False
    uncovered_years: tuple = field(default_factory=tuple)


def layers_for(region_code: str | None) -> list[str | None]:
    """Most specific first: county → prefecture → province → national (None)."""
    if not region_code:
        return [None]
    return [*region_chain(region_code), None]


class WorkingCalendar:
    """Answers "is this a working day here?" for one region, loading the calendar rows it needs in one query per
    span of years (never one query per day)."""

    def __init__(self, region_code: str | None):
        self.region_code = region_code
        self.layers = layers_for(region_code)
        self._days: dict[dt.date, str] = {}
        self._loaded_years: set[int] = set()
        self._covered_years: set[int] | None = None

    def _load(self, year_from: int, year_to: int):
        years = [y for y in range(year_from, year_to + 1) if y not in self._loaded_years]
        if not years:
            return
        codes = [c for c in self.layers if c]
        rank = {c: i for i, c in enumerate(self.layers)}
        rows = Holiday.objects.filter(date__year__gte=min(years), date__year__lte=max(years))
        from django.db.models import Q

        rows = rows.filter(Q(region__isnull=True) | Q(region_id__in=codes)).values_list("date", "kind", "region_id")
        best: dict[dt.date, tuple[int, str]] = {}
        for date, kind, region_id in rows:
            r = rank[region_id]
            if date not in best or r < best[date][0]:
                best[date] = (r, kind)
        for date, (_, kind) in best.items():
            self._days[date] = kind
        self._loaded_years.update(range(min(years), max(years) + 1))

    def covered_years(self) -> set[int]:
        if self._covered_years is None:
            self._covered_years = set(CalendarCoverage.objects.filter(region__isnull=True)
                                      .values_list("year", flat=True))
        return self._covered_years

    def is_working_day(self, day: dt.date) -> bool:
        self._load(day.year, day.year)
        kind = self._days.get(day)
        if kind == Holiday.Kind.OFF:
            return False
        if kind == Holiday.Kind.MAKEUP_WORKDAY:
            return True
        return day.weekday() < 5

    def add_working_days(self, anchor: dt.date, n: int) -> dt.date:
        """The n-th working day after ``anchor`` (the anchor day itself is not counted: spec §2.2 rule 1)."""
        self._load(anchor.year, anchor.year + 1 + n // 200)
        day, counted = anchor, 0
        while counted < n:
            day += ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return day

    def roll_forward(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        if end <= start:
            return 0
        self._load(start.year, end.year)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def uncovered(self, start: dt.date, end: dt.date) -> tuple:
        covered = self.covered_years()
        return tuple(y for y in range(start.year, end.year + 1) if y not in covered)


def add_months(anchor: dt.date, months: int) -> dt.date:
    """Same-numbered day of the final month; the month's last day where it has no such day (民法典 art. 202)."""
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    day = min(anchor.day, pycal.monthrange(year, month)[1])
    return dt.date(year, month, day)


def compute_due(anchor: dt.date, n: int, unit: str, region_code: str | None,
                cal: WorkingCalendar | None = None) -> ClockResult:
    cal = cal or WorkingCalendar(region_code)
    if unit == TimeUnit.WORKING_DAYS:
        due = cal.add_working_days(anchor, n)
    elif unit == TimeUnit.CALENDAR_DAYS:
        due = cal.roll_forward(anchor + dt.timedelta(days=n))
    elif unit == TimeUnit.MONTHS:
        due = add_months(anchor, n)
    elif unit == TimeUnit.YEARS:
        due = add_months(anchor, 12 * n)
    else:
        raise ValueError(f"unknown unit {unit!r}")
    # Month and year periods are calendar periods whose end is not rolled (spec §2.3: a listing decided
    # 2025-07-15 ends 2028-07-15); only day counts depend on the working-day calendar.
    if unit in (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS):
        uncovered = cal.uncovered(anchor, due)
    else:
        uncovered = ()
    return ClockResult(due=due, provisional=bool(uncovered), uncovered_years=uncovered)
