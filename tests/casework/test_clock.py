"""The legal clock (spec §2): working days on the layered calendar, calendar days rolled forward, months per
民法典 art. 202, and what happens in a year nobody has loaded yet."""
import datetime as dt

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.models import CalendarCoverage, Deadline, Employer, Holiday, Region, SystemAlert, TimeUnit
from casework.services.clock import WorkingCalendar, add_months, compute_due, layers_for
from casework.services.deadlines import deadline_open, deadlines_recompute_provisional

pytestmark = pytest.mark.django_db

D = dt.date
WD, CD, MONTH, YEAR = TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS, TimeUnit.MONTHS, TimeUnit.YEARS
LHASA_COUNTY = "540102"      # 城关区, Lhasa
SHIGATSE_COUNTY = "540202"   # 桑珠孜区, Shigatse: national layer only in 2026


def weekdays_after(anchor: dt.date, n: int, off=()) -> dt.date:
    """Independent oracle: the n-th Monday-Friday after ``anchor`` that is not in ``off``."""
    day, counted = anchor, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            counted += 1
    return day


# --- spec §2.3, every worked example --------------------------------------------------------------------------

SPEC_EXAMPLES = [
    # id, anchor, n, unit, expected
    ("receipt-5wd", D(2025, 6, 9), 5, WD, D(2025, 6, 16)),
    ("receipt-5wd-over-national-day", D(2025, 9, 26), 5, WD, D(2025, 10, 10)),
    ("investigation-60wd", D(2025, 6, 16), 60, WD, D(2025, 9, 8)),
    ("investigation-extended-30wd", D(2025, 9, 8), 30, WD, D(2025, 10, 24)),
    ("award-45cd", D(2025, 6, 13), 45, CD, D(2025, 7, 28)),
    ("award-extended-15cd", D(2025, 7, 28), 15, CD, D(2025, 8, 12)),
    ("sue-15cd-saturday-rolls", D(2025, 8, 1), 15, CD, D(2025, 8, 18)),
    ("revocation-30cd-sunday-rolls", D(2025, 8, 1), 30, CD, D(2025, 9, 1)),
    ("blacklist-20wd", D(2025, 6, 13), 20, WD, D(2025, 7, 11)),
    ("blacklist-extended-20wd", D(2025, 7, 11), 20, WD, D(2025, 8, 8)),
    ("listing-3-years", D(2025, 7, 15), 3, YEAR, D(2028, 7, 15)),
    ("early-removal-6-months", D(2025, 9, 10), 6, MONTH, D(2026, 3, 10)),
]


@pytest.mark.parametrize("region", [None, LHASA_COUNTY])
@pytest.mark.parametrize("anchor,n,unit,expected", [e[1:] for e in SPEC_EXAMPLES], ids=[e[0] for e in SPEC_EXAMPLES])
def test_spec_worked_examples(anchor, n, unit, expected, region):
    result = compute_due(anchor, n, unit, region)
    assert result.due == expected
    assert not result.provisional


def test_holiday_blind_count_would_be_wrong():
    # the spec's warning: ignoring the National Day holiday gives Fri 2025-10-03
    assert weekdays_after(D(2025, 9, 26), 5) == D(2025, 10, 3)
    assert compute_due(D(2025, 9, 26), 5, WD, None).due == D(2025, 10, 10)


@pytest.mark.parametrize("region", [None, LHASA_COUNTY])
def test_listing_removal_within_10wd_of_period_end_is_provisional(region):
    """Listing decided 2025-07-15: 3 years end 2028-07-15; removal within 10 WD → 2028-07-28 with no holidays.
    Nobody has loaded 2028: weekday count, provisional."""
    end = compute_due(D(2025, 7, 15), 3, YEAR, region)
    assert end.due == D(2028, 7, 15) and not end.provisional  # calendar periods do not depend on holidays
    removal = compute_due(end.due, 10, WD, region)
    assert removal.due == D(2028, 7, 28)
    assert removal.provisional and removal.uncovered_years == (2028,)


# --- layers ---------------------------------------------------------------------------------------------------

def test_layers_most_specific_first():
    assert layers_for(None) == [None]
    assert layers_for("540000") == ["540000", None]
    assert layers_for("540100") == ["540100", "540000", None]
    assert layers_for("540102") == ["540102", "540100", "540000", None]


def _day(date, kind, region=None):
    return Holiday.objects.create(region=Region.objects.get(code=region) if region else None, date=date, kind=kind,
                                  name="test", source_doc="test fixture")


def test_county_beats_prefecture_beats_province_beats_national():
    day = D(2025, 7, 9)  # an ordinary Wednesday
    _day(day, Holiday.Kind.OFF)
    _day(day, Holiday.Kind.MAKEUP_WORKDAY, "540000")
    _day(day, Holiday.Kind.OFF, "540100")
    _day(day, Holiday.Kind.MAKEUP_WORKDAY, "540102")
    expected = {
        None: False,        # national: off
        "540000": True,     # the province's row beats the national one
        "540200": True,     # Shigatse prefecture has no row: the province decides
        "540202": True,     # a Shigatse county: the province decides
        "540100": False,    # Lhasa prefecture beats the province
        "540103": False,    # another Lhasa county: the prefecture decides
        "540102": True,     # this county beats the prefecture
    }
    for region, working in expected.items():
        assert WorkingCalendar(region).is_working_day(day) is working, region
    # and the same through a deadline: 1 WD from the Tuesday before
    assert compute_due(D(2025, 7, 8), 1, WD, "540102").due == day
    assert compute_due(D(2025, 7, 8), 1, WD, "540103").due == D(2025, 7, 10)


def test_regional_makeup_day_on_a_weekend_and_regional_rest_day_on_a_weekday():
    saturday, monday = D(2025, 7, 12), D(2025, 7, 14)
    _day(saturday, Holiday.Kind.MAKEUP_WORKDAY, "540100")
    _day(monday, Holiday.Kind.OFF, "540100")
    assert compute_due(D(2025, 7, 11), 1, WD, "540102").due == saturday
    assert compute_due(D(2025, 7, 11), 2, WD, "540102").due == D(2025, 7, 15)
    assert compute_due(D(2025, 7, 11), 1, WD, "540202").due == monday


def test_lhasa_2026_combined_holiday_against_shigatse():
    """Seeded: Lhasa merged Spring Festival and Losar into 15-26 Feb 2026 with Sat 14 and Sat 28 Feb as working
    days; a Shigatse county follows the national layer (Spring Festival 15-23 Feb, same make-up days)."""
    lhasa, shigatse = WorkingCalendar(LHASA_COUNTY), WorkingCalendar(SHIGATSE_COUNTY)
    for day in (D(2026, 2, 24), D(2026, 2, 25), D(2026, 2, 26)):  # Tue-Thu after the national holiday
        assert not lhasa.is_working_day(day)
        assert shigatse.is_working_day(day)
    for day in (D(2026, 2, 14), D(2026, 2, 28)):  # Saturdays, make-up working days for both
        assert lhasa.is_working_day(day) and shigatse.is_working_day(day)
    for day in (D(2026, 2, 16), D(2026, 2, 23)):
        assert not lhasa.is_working_day(day) and not shigatse.is_working_day(day)
    # 5 WD from Fri 13 Feb: Lhasa counts 14, 27, 28 Feb, 2, 3 Mar; Shigatse 14, 24, 25, 26, 27 Feb
    assert compute_due(D(2026, 2, 13), 5, WD, LHASA_COUNTY).due == D(2026, 3, 3)
    assert compute_due(D(2026, 2, 13), 5, WD, "540100").due == D(2026, 3, 3)
    assert compute_due(D(2026, 2, 13), 5, WD, SHIGATSE_COUNTY).due == D(2026, 2, 27)
    # a calendar-day period ending inside Lhasa's holiday rolls to the make-up Saturday... in Lhasa only
    assert compute_due(D(2026, 2, 10), 15, CD, LHASA_COUNTY).due == D(2026, 2, 27)
    assert compute_due(D(2026, 2, 10), 15, CD, SHIGATSE_COUNTY).due == D(2026, 2, 25)


# --- where a deadline lands -----------------------------------------------------------------------------------

@pytest.mark.parametrize("region", [None, LHASA_COUNTY])
def test_calendar_days_landing_on_a_weekend_roll_to_monday(region):
    assert D(2025, 8, 16).weekday() == 5
    assert compute_due(D(2025, 8, 1), 15, CD, region).due == D(2025, 8, 18)
    assert compute_due(D(2025, 8, 2), 15, CD, region).due == D(2025, 8, 18)  # lands on the Sunday


@pytest.mark.parametrize("region", [None, LHASA_COUNTY])
def test_calendar_days_landing_in_a_holiday_roll_past_it(region):
    # 2025-10-01 is inside the 1-8 Oct holiday; Thu 9 Oct is the first working day after it
    assert compute_due(D(2025, 9, 16), 15, CD, region).due == D(2025, 10, 9)
    assert compute_due(D(2025, 9, 30), 8, CD, region).due == D(2025, 10, 9)


@pytest.mark.parametrize("region", [None, LHASA_COUNTY])
def test_landing_on_a_makeup_working_day_stays_there(region):
    assert D(2025, 9, 28).weekday() == 6 and D(2025, 10, 11).weekday() == 5
    # a calendar-day period ending on the make-up Sunday is not rolled: it is a working day
    assert compute_due(D(2025, 9, 13), 15, CD, region).due == D(2025, 9, 28)
    assert compute_due(D(2025, 9, 26), 15, CD, region).due == D(2025, 10, 11)
    # working days count the make-up days
    assert compute_due(D(2025, 9, 26), 1, WD, region).due == D(2025, 9, 28)
    assert compute_due(D(2025, 10, 10), 1, WD, region).due == D(2025, 10, 11)


def test_anchor_day_is_not_counted():
    assert compute_due(D(2025, 6, 9), 1, WD, None).due == D(2025, 6, 10)
    assert compute_due(D(2025, 6, 9), 1, CD, None).due == D(2025, 6, 10)
    # anchored on a Saturday: the first working day after it is Monday
    assert compute_due(D(2025, 6, 14), 1, WD, None).due == D(2025, 6, 16)


# --- months and years (民法典 art. 202) -----------------------------------------------------------------------

@pytest.mark.parametrize("anchor,months,expected", [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2028, 1, 31), 1, D(2028, 2, 29)),   # leap year
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2026, 1, 30), 1, D(2026, 2, 28)),
    (D(2026, 1, 15), 1, D(2026, 2, 15)),
    (D(2025, 12, 31), 2, D(2026, 2, 28)),
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
])
def test_month_end_rule(anchor, months, expected):
    assert add_months(anchor, months) == expected
    result = compute_due(anchor, months, MONTH, LHASA_COUNTY)
    assert result.due == expected and not result.provisional


def test_year_period_from_29_february():
    assert compute_due(D(2024, 2, 29), 2, YEAR, None).due == D(2026, 2, 28)
    # a month/year period end is not rolled even when it is a rest day (spec §2.3, listing example)
    assert compute_due(D(2025, 7, 15), 3, YEAR, None).due.weekday() == 5


def test_unknown_unit_is_an_error():
    with pytest.raises(ValueError):
        compute_due(D(2025, 6, 9), 5, "FORTNIGHT", None)


# --- a year nobody has loaded: provisional, alert, recompute ----------------------------------------------------

def test_deadline_into_unloaded_year_is_provisional_alerts_and_is_recomputed_later():
    assert not CalendarCoverage.objects.filter(year=2027).exists()
    case = Employer.objects.create(name="示例单位")
    anchor = D(2026, 12, 1)
    d = deadline_open(case=case, rule_id="INSP-INVESTIGATION", anchor_date=anchor, region_code=LHASA_COUNTY,
                      case_number="2026-5401-00001-0")
    assert d.n == 60 and d.unit == WD
    assert d.provisional
    assert d.due_date == weekdays_after(anchor, 60)  # no holidays in Dec 2026; 2027 counted Monday-Friday
    assert d.due_date.year == 2027
    alert = SystemAlert.objects.get(code="calendar_year_missing")
    assert "2027" in alert.message and alert.resolved_at is None
    # a second provisional deadline for the same years does not multiply alerts
    deadline_open(case=case, rule_id="INSP-ACCEPT", anchor_date=D(2026, 12, 28), region_code=LHASA_COUNTY,
                  case_number="2026-5401-00001-0")
    assert SystemAlert.objects.filter(code="calendar_year_missing").count() == 1

    # the administrator loads 2027 (test rows, not the real notice) and marks it covered
    off = {D(2027, 1, 1)} | {D(2027, 2, 8) + dt.timedelta(days=i) for i in range(5)}
    for day in sorted(off):
        _day(day, Holiday.Kind.OFF)
    CalendarCoverage.objects.create(year=2027, source_doc="test notice")
    n = deadlines_recompute_provisional()
    assert n == 2
    d.refresh_from_db()
    assert not d.provisional
    assert d.due_date == weekdays_after(anchor, 60, off=off)
    assert d.due_date > weekdays_after(anchor, 60)
    assert d.status == Deadline.Status.OPEN
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    # nothing left to do: running again changes nothing
    assert deadlines_recompute_provisional() == 0


def test_missing_calendar_alert_lifecycle():
    case = Employer.objects.create(name="示例单位")
    # spans 2027 and 2028
    deadline_open(case=case, rule_id="INSP-INVESTIGATION", anchor_date=D(2027, 11, 1), region_code="540100",
                  case_number="X-3")
    alert = SystemAlert.objects.get(code="calendar_year_missing")
    assert alert.key.endswith(":2027,2028")
    # marked resolved by hand while the years are still missing: the next provisional deadline shows it again
    SystemAlert.objects.filter(pk=alert.pk).update(resolved_at=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc))
    deadline_open(case=case, rule_id="INSP-INVESTIGATION", anchor_date=D(2027, 11, 1), region_code="540100",
                  case_number="X-4")
    alert.refresh_from_db()
    assert alert.resolved_at is None
    # one of the two years loaded: still open; both: resolved
    CalendarCoverage.objects.create(year=2027, source_doc="test notice")
    deadlines_recompute_provisional()
    alert.refresh_from_db()
    assert alert.resolved_at is None
    CalendarCoverage.objects.create(year=2028, source_doc="test notice")
    deadlines_recompute_provisional()
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    assert not Deadline.objects.filter(provisional=True).exists()


def test_recompute_leaves_met_deadlines_alone():
    from casework.services.deadlines import deadline_close

    case = Employer.objects.create(name="示例单位")
    d = deadline_open(case=case, rule_id="INSP-INVESTIGATION", anchor_date=D(2026, 12, 1), region_code="540100",
                      case_number="X-1")
    deadline_close(case=case, rule_id="INSP-INVESTIGATION", on=D(2026, 12, 20))
    due_before = Deadline.objects.get(pk=d.pk).due_date
    CalendarCoverage.objects.create(year=2027, source_doc="test notice")
    _day(D(2027, 1, 4), Holiday.Kind.OFF)
    assert deadlines_recompute_provisional() == 0
    d.refresh_from_db()
    assert d.status == Deadline.Status.MET and d.due_date == due_before


def test_extended_deadline_stays_provisional_when_its_extension_cannot_be_recounted():
    from casework.services.deadlines import deadline_extend

    case = Employer.objects.create(name="示例单位")
    deadline_open(case=case, rule_id="INSP-INVESTIGATION", anchor_date=D(2026, 11, 2), region_code="540100",
                  case_number="X-2")
    d = deadline_extend(case=case, rule_id="INSP-INVESTIGATION", extension_rule_id="INSP-EXTENSION")
    assert d.provisional and d.extended_to.year == 2027
    CalendarCoverage.objects.create(year=2027, source_doc="test notice")
    deadlines_recompute_provisional()
    d.refresh_from_db()
    assert d.provisional  # not passed off as final: the extension end was counted on weekdays


def test_provisional_never_raises_far_in_the_future():
    result = compute_due(D(2031, 12, 30), 300, WD, LHASA_COUNTY)
    assert result.provisional and set(result.uncovered_years) == {2031, 2032, 2033}
    assert result.due == weekdays_after(D(2031, 12, 30), 300)


def test_covered_years_are_the_seeded_ones():
    covered = set(CalendarCoverage.objects.filter(region__isnull=True).values_list("year", flat=True))
    assert {2025, 2026} <= covered and 2027 not in covered


# --- properties ----------------------------------------------------------------------------------------------

PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
covered_anchor = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 8, 31))
regions = st.sampled_from([None, "540000", "540100", LHASA_COUNTY, SHIGATSE_COUNTY])


@PROPS
@given(anchor=covered_anchor, n=st.integers(min_value=1, max_value=80), region=regions)
def test_property_working_days(anchor, n, region):
    cal = WorkingCalendar(region)
    due = cal.add_working_days(anchor, n)
    assert due > anchor
    assert cal.is_working_day(due)
    assert cal.working_days_between(anchor, due) == n
    # the first such day: one day earlier there were only n - 1
    assert cal.working_days_between(anchor, due - dt.timedelta(days=1)) == n - 1
    if region is None:  # the national layer agrees with chinesecalendar, an independent source
        assert chinese_calendar.is_workday(due)
        assert sum(chinese_calendar.is_workday(anchor + dt.timedelta(days=i))
                   for i in range(1, (due - anchor).days + 1)) == n


@PROPS
@given(anchor=covered_anchor, n=st.integers(min_value=1, max_value=60), region=regions)
def test_property_calendar_days_never_end_on_a_rest_day(anchor, n, region):
    cal = WorkingCalendar(region)
    result = compute_due(anchor, n, CD, region, cal=cal)
    plain = anchor + dt.timedelta(days=n)
    assert result.due >= plain
    assert cal.is_working_day(result.due)
    # rolled only past rest days
    day = plain
    while day < result.due:
        assert not cal.is_working_day(day)
        day += dt.timedelta(days=1)
    if region is None:
        assert chinese_calendar.is_workday(result.due)
