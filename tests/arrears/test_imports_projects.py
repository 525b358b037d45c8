"""Roster and payroll imports: row numbers as the user sees them, bad rows reported, good rows kept, no doubles."""
import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from arrears.imports import (payroll_import, payroll_preview, read_table, roster_import, roster_preview,
                             template_csv, template_xlsx)
from arrears.models_projects import PayrollBatch, PayrollLine, RosterEntry
from casework.errors import DomainError, NotAllowed

from ._projects import IDS, NAMES, gc_user, make_project, payroll_csv, roster
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db
ROSTER_HEADER = "姓名,身份证号,进场日期,退场日期,用工单位统一社会信用代码,工种,银行卡后四位\n"


@pytest.fixture
def gc(db):
    return gc_user()


@pytest.fixture
def project(gc):
    return make_project(gc)


def _roster_rows(n):
    """n valid rows with distinct valid ID numbers (generated with the check digit)."""
    from stdnum.cn import ric

    rows = []
    for k in range(n):
        base = f"540102199{k // 28 % 10}01{k % 28 + 1:02d}{100 + k:03d}"
        number = base + ric.calc_check_digit(base + "0")
        rows.append(f"工人{k},{number},2025-06-01,,,钢筋工,{1000 + k}")
    return rows


def test_a_bad_id_on_row_37_is_reported_as_row_37_and_the_good_rows_are_kept(gc, project):
    rows = _roster_rows(40)
    rows[35] = rows[35].replace(rows[35].split(",")[1], "540102199001011230")  # data row 36 = file row 37
    data = (ROSTER_HEADER + "\n".join(rows) + "\n").encode("utf-8")
    report = roster_preview(project=project, file_name="r.csv", data=data)
    assert report.error_rows == [37]
    assert report.errors[0].column == "id_number" and "check digit" in report.errors[0].message.lower() \
        or "校验" in report.errors[0].message
    assert len(report.valid) == 39 and RosterEntry.objects.count() == 0  # the preview writes nothing
    done = roster_import(project=project, user=gc, file_name="r.csv", data=data)
    assert done.written == 39 and RosterEntry.objects.filter(project=project).count() == 39
    # the same file again adds nothing, and says so
    again = roster_import(project=project, user=gc, file_name="r.csv", data=data)
    assert again.written == 0 and len(again.already) == 39 and again.error_rows == [37]
    assert RosterEntry.objects.filter(project=project).count() == 39


def test_blank_rows_keep_their_numbers_and_xlsx_rows_are_numbered_as_excel_shows_them(gc, project):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "进场日期"])
    ws.append([NAMES[0], IDS[0], dt.date(2025, 6, 1)])
    ws.append([None, None, None])
    ws.append([NAMES[1], "123", "2025-06-01"])
    buf = io.BytesIO()
    wb.save(buf)
    report = roster_preview(project=project, file_name="r.xlsx", data=buf.getvalue())
    assert report.error_rows == [4] and [r["row"] for r in report.valid] == [2]


def test_duplicate_worker_in_the_file_is_reported_on_the_later_row(gc, project):
    data = (ROSTER_HEADER + f"{NAMES[0]},{IDS[0]},2025-06-01\n{NAMES[1]},{IDS[1]},2025-06-01\n"
            f"{NAMES[0]},{IDS[0].lower()},2025-06-02\n").encode()
    report = roster_preview(project=project, file_name="r.csv", data=data)
    assert report.error_rows == [4] and "2" in report.errors[0].message


def test_payroll_bad_rows_each_reported(gc, project):
    roster(gc, project, n=4)
    data = payroll_csv([
        ("2025-06", 0, 22, "6000", "0", "6000"),
        ("2025-06", 1, 22, "-100", "0", "-100"),       # row 3: negative pay
        ("2025-06", 2, 22, "6000", "500", "6000"),     # row 4: net != gross - deductions
        ("2025-06", 0, 22, "6000", "0", "6000"),       # row 5: same worker and month as row 2
        ("2025-07", 3, 22, "6000", "0", "6000"),
        ("2025-06", 3, 22, "6000", "0", "6000"),       # row 7: months out of order
    ])
    report = payroll_preview(project=project, file_name="p.csv", data=data)
    by_row = {i.row: i for i in report.errors}
    assert sorted(by_row) == [3, 4, 5, 7]
    assert by_row[3].column in ("gross", "net") and by_row[4].column == "net" and by_row[5].column == "id_number"
    assert by_row[7].column == "month" and "6" in by_row[7].message
    assert [r["row"] for r in report.valid] == [2, 6]
    done = payroll_import(project=project, user=gc, file_name="p.csv", data=data, signed_by_subcontractor=True)
    assert done.written == 2 and PayrollLine.objects.filter(batch__project=project).count() == 2
    batch = PayrollBatch.objects.get(project=project, period=dt.date(2025, 6, 1))
    assert batch.signed_by_subcontractor and batch.keep_until == dt.date(2028, 6, 30)


def test_reimporting_the_same_payroll_does_not_double_count(gc, project):
    roster(gc, project, n=2)
    data = payroll_csv([("2025-06", 0, 22, "6000", "0", "6000"), ("2025-06", 1, 22, "6000", "0", "6000")])
    assert payroll_import(project=project, user=gc, file_name="p.csv", data=data).written == 2
    again = payroll_import(project=project, user=gc, file_name="p.csv", data=data)
    assert again.written == 0 and again.already == [2, 3]
    assert PayrollLine.objects.filter(batch__project=project).count() == 2
    assert PayrollBatch.objects.filter(project=project).count() == 1
    # a corrected file with one more worker for the same month adds only that worker
    roster(gc, project, n=3)
    more = payroll_csv([("2025-06", 0, 22, "6000", "0", "6000"), ("2025-06", 2, 22, "6000", "0", "6000")])
    assert payroll_import(project=project, user=gc, file_name="p.csv", data=more).written == 1
    assert PayrollLine.objects.filter(batch__project=project).count() == 3


def test_a_worker_not_on_the_roster_is_a_warning_and_still_imported(gc, project):
    data = payroll_csv([("2025-06", 5, 22, "6000", "0", "6000")])
    report = payroll_import(project=project, user=gc, file_name="p.csv", data=data)
    assert report.written == 1 and not report.errors
    assert report.warnings[0].row == 2 and IDS[5] not in report.warnings[0].message


def test_future_month_and_a_month_with_too_many_days(gc, project):
    future = (dt.date.today().replace(day=1) + dt.timedelta(days=40)).strftime("%Y-%m")
    data = payroll_csv([(future, 0, 22, "6000", "0", "6000"), ("2025-02", 1, 30, "6000", "0", "6000")])
    report = payroll_preview(project=project, file_name="p.csv", data=data)
    assert {(i.row, i.column) for i in report.errors} == {(2, "month"), (3, "days_worked")}


def test_wrong_file_type_is_a_clear_error(gc, project):
    for data in (png_bytes(), b"%PDF-1.4\n...", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100):
        report = roster_preview(project=project, file_name="roster.csv", data=data)
        assert report.file_error and not report.valid
        with pytest.raises(DomainError):
            roster_import(project=project, user=gc, file_name="roster.csv", data=data)
    report = roster_preview(project=project, file_name="r.csv", data="名字,号码\n张三,1\n".encode())
    assert "身份证号" in report.file_error and report.file_error.startswith("第 1 行")


def test_gb18030_csv_is_read(gc, project):
    data = (ROSTER_HEADER + f"{NAMES[0]},{IDS[0]},2025-06-01\n").encode("gb18030")
    assert len(roster_preview(project=project, file_name="r.csv", data=data).valid) == 1


def test_errors_in_the_users_language(gc, project):
    data = (ROSTER_HEADER + f"{NAMES[0]},540102199001011230,2025-06-01\n").encode()
    with translation.override("en"):
        en = roster_preview(project=project, file_name="r.csv", data=data).errors[0].message
    with translation.override("zh-hans"):
        zh = roster_preview(project=project, file_name="r.csv", data=data).errors[0].message
    assert en != zh and "check digit" in en


def test_templates_round_trip(gc, project):
    for kind in ("roster", "payroll"):
        rows = read_table("t.csv", template_csv(kind))
        assert len(rows) == 2
        wb = load_workbook(io.BytesIO(template_xlsx(kind)))
        assert wb.active.max_row == 2
    report = roster_preview(project=project, file_name="t.xlsx", data=template_xlsx("roster"))
    assert not report.file_error and len(report.valid) == 1


def test_another_contractor_cannot_import_into_the_project(gc, project):
    other = gc_user("gc_other")
    with pytest.raises(NotAllowed):
        roster_import(project=project, user=other, file_name="r.csv",
                      data=(ROSTER_HEADER + f"{NAMES[0]},{IDS[0]},2025-06-01\n").encode())
