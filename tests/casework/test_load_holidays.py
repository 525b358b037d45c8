"""``manage.py load_holidays``: a year of one calendar layer from a CSV, coverage, and the provisional deadlines
recounted afterwards."""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casework.models import CalendarCoverage, Employer, Holiday
from casework.services.clock import WorkingCalendar
from casework.services.deadlines import deadline_open

pytestmark = pytest.mark.django_db

NATIONAL_2027 = """date,kind,name,region_code,source_doc
2027-01-01,off,元旦,,
2027-02-06,off,春节,,
2027-02-07,off,春节,,
2027-02-08,off,春节,,
2027-02-09,off,春节,,
2027-02-10,off,春节,,
2027-02-11,off,春节,,
2027-02-12,off,春节,,
2027-02-13,workday,春节调休,,
"""
SOURCE = "国务院办公厅关于2027年部分节假日安排的通知（测试数据）"


def write(tmp_path, text, name="h.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args):
    out = StringIO()
    call_command("load_holidays", *args, stdout=out)
    return out.getvalue()


def test_national_year_loaded_covered_and_deadlines_recounted(tmp_path):
    case = Employer.objects.create(name="示例单位")
    d = deadline_open(case=case, rule_id="INSP-INVESTIGATION", anchor_date=dt.date(2026, 12, 1),
                      region_code="540102", case_number="C-1")
    provisional_due = d.due_date
    assert d.provisional

    out = run(write(tmp_path, NATIONAL_2027), "--national", "--year", "2027", "--source", SOURCE)
    assert "9 added" in out and "provisional deadlines recomputed: 1" in out
    assert Holiday.objects.filter(region__isnull=True, date__year=2027).count() == 9
    assert Holiday.objects.get(region__isnull=True, date=dt.date(2027, 2, 13)).kind == Holiday.Kind.MAKEUP_WORKDAY
    assert Holiday.objects.get(region__isnull=True, date=dt.date(2027, 1, 1)).source_doc == SOURCE
    assert CalendarCoverage.objects.get(region__isnull=True, year=2027).source_doc == SOURCE
    d.refresh_from_db()
    assert not d.provisional
    # 1 Jan and the five weekdays of 8-12 Feb are off, Sat 13 Feb works: net four working days later
    cal = WorkingCalendar("540102")
    assert cal.working_days_between(d.anchor_date, d.due_date) == 60
    assert d.due_date > provisional_due
    h = Holiday.objects.get(region__isnull=True, date=dt.date(2027, 1, 1)).history.first()
    assert h.channel == "command" and h.request_id


def test_running_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, NATIONAL_2027)
    run(path, "--national", "--year", "2027", "--source", SOURCE)
    count = Holiday.history.count()
    out = run(path, "--national", "--year", "2027", "--source", SOURCE)
    assert "0 added, 0 changed, 9 unchanged" in out
    assert Holiday.history.count() == count
    assert CalendarCoverage.objects.filter(year=2027).count() == 1


def test_a_corrected_row_is_updated_in_place_with_history(tmp_path):
    run(write(tmp_path, NATIONAL_2027), "--national", "--year", "2027", "--source", SOURCE)
    fixed = NATIONAL_2027.replace("2027-02-13,workday", "2027-02-13,off")
    out = run(write(tmp_path, fixed, "fixed.csv"), "--national", "--year", "2027", "--source", SOURCE)
    assert "1 changed" in out
    h = Holiday.objects.get(region__isnull=True, date=dt.date(2027, 2, 13))
    assert h.kind == Holiday.Kind.OFF
    assert [r.kind for r in h.history.order_by("history_id")] == [Holiday.Kind.MAKEUP_WORKDAY, Holiday.Kind.OFF]


def test_prefecture_layer_with_row_sources_and_no_coverage_of_the_national_layer(tmp_path):
    csv = ("date,kind,name,region_code,source_doc\n"
           "2027-03-08,off,藏历新年,540100,拉萨市2027年藏历新年放假通知（测试）\n"
           "2027-03-13,workday,藏历新年调休,540100,拉萨市2027年藏历新年放假通知（测试）\n")
    run(write(tmp_path, csv), "--region", "540100", "--year", "2027")
    assert Holiday.objects.filter(region_id="540100", date__year=2027).count() == 2
    assert not CalendarCoverage.objects.filter(year=2027).exists()  # no --source: the year is not marked loaded
    assert not WorkingCalendar("540102").is_working_day(dt.date(2027, 3, 8))
    assert WorkingCalendar("540202").is_working_day(dt.date(2027, 3, 8))
    assert WorkingCalendar("540103").is_working_day(dt.date(2027, 3, 13))  # a Saturday, Lhasa make-up day


def test_regional_coverage_does_not_make_the_national_year_covered(tmp_path):
    csv = "date,kind,name\n2027-03-08,off,藏历新年\n"
    out = run(write(tmp_path, csv), "--region", "540100", "--year", "2027", "--source", "拉萨市通知（测试）")
    assert "year marked as loaded" in out
    assert CalendarCoverage.objects.filter(region_id="540100", year=2027).exists()
    assert not CalendarCoverage.objects.filter(region__isnull=True, year=2027).exists()


def test_no_coverage_flag(tmp_path):
    run(write(tmp_path, NATIONAL_2027), "--national", "--year", "2027", "--source", SOURCE, "--no-coverage")
    assert Holiday.objects.filter(date__year=2027).count() == 9
    assert not CalendarCoverage.objects.filter(year=2027).exists()


# messages are matched on what does not depend on the language: the row, the line, the code
@pytest.mark.parametrize("csv,args,message", [
    ("date,kind,name\n2028-01-01,off,元旦\n", ["--national"], "row 1 (2028-01-01)"),
    ("date,kind,name\n2027-01-01,holiday?,元旦\n", ["--national"], "line 2"),
    ("date,kind,name\n2027-02-30,off,x\n", ["--national"], "line 2"),
    ("date,kind,name,region_code\n2027-01-01,off,元旦,540200\n", ["--region", "540100"], "540200"),
    ("date,kind,name,region_code\n2027-01-01,off,元旦,540100\n", ["--national"], "540100"),
    ("date,kind,name\n2027-01-01,off,元旦\n2027-01-01,off,元旦\n", ["--national"], "row 2 (2027-01-01)"),
    ("day,type\n2027-01-01,off\n", ["--national"], "header"),
    ("date,kind,name\n2027-01-01,off,元旦\n", ["--region", "999999"], "999999"),
])
def test_invalid_files_load_nothing(tmp_path, csv, args, message):
    good = "2027-05-01,off,劳动节\n"
    with pytest.raises(CommandError) as e:
        run(write(tmp_path, csv + good if "header" not in message else csv), *args, "--year", "2027", "--source",
            SOURCE)
    assert message in str(e.value)
    assert not Holiday.objects.filter(date__year__in=[2027, 2028]).exists()
    assert not CalendarCoverage.objects.filter(year=2027).exists()


def test_rows_without_any_source_are_refused(tmp_path):
    with pytest.raises(CommandError) as e:
        run(write(tmp_path, "date,kind,name\n2027-01-01,off,元旦\n"), "--national", "--year", "2027")
    assert "row 1 (2027-01-01)" in str(e.value)
    assert not Holiday.objects.filter(date__year=2027).exists()


def test_layer_is_required(tmp_path):
    with pytest.raises(CommandError):
        run(write(tmp_path, NATIONAL_2027), "--year", "2027", "--source", SOURCE)


def test_missing_file(tmp_path):
    with pytest.raises(CommandError):
        run(str(tmp_path / "nope.csv"), "--national", "--year", "2027")
