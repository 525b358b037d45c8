"""Imports of a project's real-name roster and monthly payroll from CSV or Excel (.xlsx) files, with a row-by-row
report (issue #7: "a bad ID on row 37 is reported as row 37, and the good rows are not lost").

Two steps, one set of rules:
1. ``roster_preview`` / ``payroll_preview`` read and check the whole file and write nothing. The report lists every
   bad row (error) and every doubtful one (warning) with the row number the user sees in the spreadsheet (the
   header is row 1; blank rows keep their numbers), in the user's language.
2. ``roster_import`` / ``payroll_import`` check the file again (the database may have changed) and write the valid
   rows only, after the user confirmed. Rows already recorded are reported, not written again: importing the same
   file twice changes nothing the second time.

A roster or a month's payroll of a project is hundreds of rows, checked in a fixed number of queries (not one per
row) and written in the request. From ``JOB_FROM_ROWS`` valid rows on, the confirmed import runs as a background job
(casework.services.jobs: progress page, the row report as a CSV download). The file type is checked by content: an .xlsx is a zip package, a CSV
is text (UTF-8, with or without BOM, or GB18030 as Excel on Chinese Windows saves it); anything else is refused
with a clear message.
"""
import csv
import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from casework.audit import acting
from casework.errors import DomainError
from casework.fields import pii_hash
from casework.identity import mask_id_for_employer, validate_id_number, validate_uscc
from casework.models import SubcontractRole

from .models_projects import PayrollBatch, PayrollLine, RosterEntry
from .services_projects import _check_edit, _save, payroll_keep_until

__all__ = ["ROSTER_COLUMNS", "PAYROLL_COLUMNS", "RowIssue", "ImportReport", "read_table", "roster_preview",
           "payroll_preview", "roster_import", "payroll_import", "template_csv", "template_xlsx", "MAX_ROWS",
           "report_csv", "stash", "unstash", "drop_stash", "JOB_KIND", "JOB_FROM_ROWS"]

MAX_ROWS = 20000  # a sanity bound on one upload (not a legal number): a project's roster is far smaller

# key, label (shown in the template and the report), accepted header spellings, required
ROSTER_COLUMNS = [
    ("name", pgettext_lazy("import column", "Name"), ["姓名", "name"], True),
    ("id_number", pgettext_lazy("import column", "ID number"),
     ["身份证号", "身份证号码", "公民身份号码", "id_number", "id number"], True),
    ("entered_on", pgettext_lazy("import column", "Entered on"),
     ["进场日期", "entered_on", "entered on", "entry date"], True),
    ("left_on", pgettext_lazy("import column", "Left on"), ["退场日期", "left_on", "left on", "exit date"], False),
    ("employer_uscc", pgettext_lazy("import column", "Employing unit USCC"),
     ["用工单位统一社会信用代码", "用工单位信用代码", "employer_uscc",
                                                  "employing unit uscc"], False),
    ("trade", pgettext_lazy("import column", "Trade"), ["工种", "trade"], False),
    ("bank_last4", pgettext_lazy("import column", "Bank card last 4"),
     ["银行卡后四位", "bank_last4", "bank card last 4"], False),
]
PAYROLL_COLUMNS = [
    ("month", pgettext_lazy("import column", "Month"), ["月份", "工资月份", "month"], True),
    ("name", pgettext_lazy("import column", "Name"), ["姓名", "name"], True),
    ("id_number", pgettext_lazy("import column", "ID number"),
     ["身份证号", "身份证号码", "公民身份号码", "id_number", "id number"], True),
    ("days_worked", pgettext_lazy("import column", "Days worked"),
     ["出勤天数", "工作天数", "days_worked", "days worked"], True),
    ("gross", pgettext_lazy("import column", "Gross pay"), ["应发工资", "应发金额", "gross", "gross pay"], True),
    ("deductions", pgettext_lazy("import column", "Deductions"), ["扣款", "代扣款", "deductions"], False),
    ("net", pgettext_lazy("import column", "Net pay"), ["实发工资", "实发金额", "net", "net pay"], True),
    ("paid_to_own_account", pgettext_lazy("import column", "Paid into own account"),
     ["是否发放至本人账户", "本人账户", "paid_to_own_account",
                                                          "paid into own account"], False),
    ("payee_last4", pgettext_lazy("import column", "Payee account last 4"),
     ["收款账户后四位", "payee_last4", "payee account last 4"], False),
    ("paid_on", pgettext_lazy("import column", "Paid on"), ["发放日期", "paid_on", "paid on"], False),
    ("employer_uscc", pgettext_lazy("import column", "Employing unit USCC"),
     ["用工单位统一社会信用代码", "用工单位信用代码", "employer_uscc",
                                                  "employing unit uscc"], False),
]


@dataclass
class RowIssue:
    row: int
    column: str
    message: str
    level: str = "error"  # "error" (not imported), "warning" (imported), "skipped" (already recorded)


@dataclass
class ImportReport:
    kind: str
    file_name: str
    rows_read: int = 0
    valid: list = field(default_factory=list)       # cleaned rows (dicts with "row"), importable
    already: list = field(default_factory=list)     # row numbers already recorded (not written again)
    issues: list = field(default_factory=list)
    file_error: str = ""
    written: int = 0

    @property
    def errors(self):
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self):
        return [i for i in self.issues if i.level == "warning"]

    @property
    def error_rows(self) -> list[int]:
        return sorted({i.row for i in self.errors})

    def as_dict(self) -> dict:
        """The report for the API: no personal data (row numbers, columns, messages; IDs only masked)."""
        return {"kind": self.kind, "file_name": self.file_name, "rows_read": self.rows_read,
                "valid_rows": [r["row"] for r in self.valid], "already_recorded_rows": self.already,
                "error_rows": self.error_rows, "written": self.written, "file_error": self.file_error,
                "issues": [asdict(i) for i in self.issues]}


# --- reading ----------------------------------------------------------------------------------------------------

def _norm_header(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower().replace("（", "(").replace("）", ")")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def read_table(name: str, data: bytes) -> list[tuple[int, list]]:
    """Rows of a CSV or .xlsx file as (row number as the user sees it, cells). Raises DomainError for a file of
    the wrong type (whatever its name says)."""
    if not data:
        raise DomainError({"file": [_("The file is empty.")]})
    if data[:4] == b"PK\x03\x04":
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise DomainError({"file": [_("This file is not an Excel workbook (.xlsx) or a CSV file. Save it as "
                                          ".xlsx or CSV and upload it again.")]})
        ws = wb.worksheets[0]
        rows = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell(v) for v in values]))
            if number > MAX_ROWS + 1:
                break
        wb.close()
        return rows
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DomainError({"file": [_("Old Excel files (.xls) are not read. In Excel choose “Save as” → "
                                      "“Excel workbook (.xlsx)” or CSV, and upload that.")]})
    from casework.services.evidence import sniff_mime

    if sniff_mime(data[:8192]) or b"\x00" in data[:8192]:
        raise DomainError({"file": [_("This file is not an Excel workbook (.xlsx) or a CSV file. Save it as "
                                      ".xlsx or CSV and upload it again.")]})
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError({"file": [_("This CSV file's characters could not be read. Save it as “CSV UTF-8”.")]})
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        rows.append((number, [v.strip() for v in values]))
        if number > MAX_ROWS + 1:
            break
    return rows


def _columns(rows, spec, report) -> tuple[dict[str, int], list]:
    if not rows:
        raise DomainError({"file": [_("The file is empty.")]})
    header_no, header = rows[0]
    index = {}
    for i, cell in enumerate(header):
        h = _norm_header(cell)
        for key, label, aliases, _req in spec:
            if h in {_norm_header(a) for a in aliases} | {_norm_header(label)} and key not in index:
                index[key] = i
    missing = [str(label) for key, label, _a, req in spec if req and key not in index]
    if missing:
        raise DomainError({"file": [_("Row %(row)s (the header) lacks these columns: %(cols)s. Download the "
                                      "template to see the expected columns.")
                                    % {"row": header_no, "cols": "、".join(missing)}]})
    body = [(n, cells) for n, cells in rows[1:] if any(str(c).strip() for c in cells if not isinstance(c, dt.date))
            or any(isinstance(c, dt.date) for c in cells)]
    if len(rows) - 1 > MAX_ROWS:
        raise DomainError({"file": [_("At most %(n)s rows per file. Split the file.") % {"n": MAX_ROWS}]})
    return index, body


def _get(cells, index, key):
    i = index.get(key)
    if i is None or i >= len(cells):
        return ""
    return cells[i]


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    raw = str(value or "").strip()
    if not raw:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", raw)
    if not m:
        raise ValueError(raw)
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def _parse_month(value) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    raw = str(value or "").strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(?:月|[-/.](\d{1,2})日?)?", raw)
    if not m:
        raise ValueError(raw)
    return dt.date(int(m[1]), int(m[2]), 1)


def _amount(value) -> Decimal:
    raw = str(value or "").strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    if not raw:
        raise InvalidOperation
    d = Decimal(raw)
    if not d.is_finite() or d.as_tuple().exponent < -2:
        raise InvalidOperation
    return d


YES = {"1", "yes", "y", "true", "是", "对", "√"}
NO = {"0", "no", "n", "false", "否", "不是", "×"}


def _check_id(raw, row, report) -> str | None:
    if not isinstance(raw, str) or (raw and raw.isdigit() and len(raw) < 18 and len(raw) > 14):
        report.issues.append(RowIssue(row, "id_number", _("The ID number was stored as a number and Excel rounded "
                                                          "it. Format the column as text and type it again.")))
        return None
    if not raw:
        report.issues.append(RowIssue(row, "id_number", _("This field is required.")))
        return None
    try:
        return validate_id_number(raw).number
    except ValidationError as e:
        report.issues.append(RowIssue(row, "id_number", e.messages[0]))
        return None


def _employers(project) -> dict[str, int]:
    """USCC → employer id of the units that may employ on the project (one query)."""
    units = {project.general_contractor.uscc: project.general_contractor_id} if project.general_contractor.uscc \
        else {}
    for uscc, pk in SubcontractRole.objects.filter(project=project).values_list("subcontractor__uscc",
                                                                                 "subcontractor_id"):
        if uscc:
            units[uscc] = pk
    return units


def _employer_of(raw, row, report, units, project) -> int | None:
    raw = str(raw or "").strip()
    if not raw:
        return project.general_contractor_id
    try:
        code = validate_uscc(raw).code
    except ValidationError as e:
        report.issues.append(RowIssue(row, "employer_uscc", e.messages[0]))
        return None
    if code not in units:
        report.issues.append(RowIssue(row, "employer_uscc", _("This unit is not the general contractor or a "
                                                              "registered subcontractor of the project.")))
        return None
    return units[code]


# --- roster -----------------------------------------------------------------------------------------------------

def roster_preview(*, project, file_name: str, data: bytes) -> ImportReport:
    report = ImportReport(kind="roster", file_name=file_name)
    try:
        index, body = _columns(read_table(file_name, data), ROSTER_COLUMNS, report)
    except DomainError as e:
        report.file_error = e.message
        return report
    report.rows_read = len(body)
    today = timezone.localdate()
    units = _employers(project)
    seen: dict[str, int] = {}
    candidates = []
    for row, cells in body:
        n_before = len(report.errors)
        name = str(_get(cells, index, "name")).strip()
        if not name:
            report.issues.append(RowIssue(row, "name", _("This field is required.")))
        elif len(name) > 64:
            report.issues.append(RowIssue(row, "name", _("At most 64 characters.")))
        number = _check_id(_get(cells, index, "id_number"), row, report)
        dates = {}
        for key, required in (("entered_on", True), ("left_on", False)):
            try:
                dates[key] = _parse_date(_get(cells, index, key))
            except ValueError:
                report.issues.append(RowIssue(row, key, _("Enter a date as YYYY-MM-DD.")))
                continue
            if dates[key] is None and required:
                report.issues.append(RowIssue(row, key, _("This field is required.")))
            elif dates[key] and dates[key] > today:
                report.issues.append(RowIssue(row, key, _("This date is in the future.")))
        if dates.get("entered_on") and dates.get("left_on") and dates["left_on"] < dates["entered_on"]:
            report.issues.append(RowIssue(row, "left_on", _("The exit date is before the entry date.")))
        employer_id = _employer_of(_get(cells, index, "employer_uscc"), row, report, units, project)
        last4 = str(_get(cells, index, "bank_last4")).strip()
        if last4 and (len(last4) != 4 or not last4.isdigit()):
            report.issues.append(RowIssue(row, "bank_last4", _("Enter the last 4 digits of the worker's bank card.")))
        if number:
            h = pii_hash(number)
            if h in seen:
                report.issues.append(RowIssue(row, "id_number", _("The same worker is already on row %(row)s of "
                                                                  "this file.") % {"row": seen[h]}))
            else:
                seen[h] = row
        if len(report.errors) == n_before:
            candidates.append({"row": row, "name": name, "id_number": number, "hash": pii_hash(number),
                               "entered_on": dates["entered_on"], "left_on": dates.get("left_on"),
                               "employer_id": employer_id, "trade": str(_get(cells, index, "trade"))[:64],
                               "bank_last4": last4})
    # one query for what the roster already holds
    existing = defaultdict(list)
    for entry in RosterEntry.objects.filter(project=project, worker__id_number_hash__in=[c["hash"] for c in
                                                                                     candidates]).select_related(
            "worker").only("entered_on", "left_on", "worker__id_number_hash"):
        existing[entry.worker.id_number_hash].append(entry)
    for c in candidates:
        entries = existing.get(c["hash"], [])
        if any(e.entered_on == c["entered_on"] for e in entries):
            report.issues.append(RowIssue(c["row"], "id_number", _("This worker is already on the roster with this "
                                                                  "entry date: not added again."), level="skipped"))
            report.already.append(c["row"])
            continue
        open_entry = next((e for e in entries if e.left_on is None), None)
        if open_entry is not None:
            report.issues.append(RowIssue(c["row"], "id_number", _("This worker is already on the roster (since "
                                                                    "%(date)s): record the exit first.")
                                          % {"date": open_entry.entered_on.isoformat()}))
            continue
        report.valid.append(c)
    return report


def roster_import(*, project, user, file_name: str, data: bytes, progress=None) -> ImportReport:
    """Write the valid rows of a roster file (after the user confirmed). Rows already on the roster are skipped."""
    _check_edit(user, project)
    report = roster_preview(project=project, file_name=file_name, data=data)
    if report.file_error:
        raise DomainError({"file": [report.file_error]})
    from casework.services.intake import _person_get_or_create

    with acting(user), transaction.atomic():
        for c in report.valid:
            info = validate_id_number(c["id_number"])
            worker = _person_get_or_create({"name": c["name"], "id_number": info.number,
                                            "birth_date": info.birth_date, "gender": info.gender})
            _save(RosterEntry(project=project, worker=worker, employer_id=c["employer_id"], trade=c["trade"],
                              entered_on=c["entered_on"], left_on=c["left_on"], bank_last4=c["bank_last4"]), user)
            report.written += 1
            if progress:
                progress(report.written, len(report.valid))
    return report


# --- payroll ----------------------------------------------------------------------------------------------------

def _month_end(month: dt.date) -> dt.date:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def payroll_preview(*, project, file_name: str, data: bytes) -> ImportReport:
    report = ImportReport(kind="payroll", file_name=file_name)
    try:
        index, body = _columns(read_table(file_name, data), PAYROLL_COLUMNS, report)
    except DomainError as e:
        report.file_error = e.message
        return report
    report.rows_read = len(body)
    today = timezone.localdate()
    units = _employers(project)
    seen: dict[tuple, int] = {}
    latest_month, latest_row = None, None
    candidates = []
    for row, cells in body:
        n_before = len(report.errors)
        month = None
        try:
            month = _parse_month(_get(cells, index, "month"))
        except ValueError:
            report.issues.append(RowIssue(row, "month", _("Enter the month as YYYY-MM, for example 2026-07.")))
        if month:
            if month > today.replace(day=1):
                report.issues.append(RowIssue(row, "month", _("This month is in the future.")))
            elif latest_month and month < latest_month:
                report.issues.append(RowIssue(row, "month", _("Months out of order: this row is for %(month)s but "
                                                              "row %(row)s before it is for %(latest)s. Sort the "
                                                              "file by month.")
                                              % {"month": f"{month:%Y-%m}", "row": latest_row,
                                                 "latest": f"{latest_month:%Y-%m}"}))
            else:
                latest_month, latest_row = month, row
        name = str(_get(cells, index, "name")).strip()
        if not name:
            report.issues.append(RowIssue(row, "name", _("This field is required.")))
        number = _check_id(_get(cells, index, "id_number"), row, report)
        amounts = {}
        for key, required in (("days_worked", True), ("gross", True), ("deductions", False), ("net", True)):
            raw = _get(cells, index, key)
            if str(raw).strip() == "" and not required:
                amounts[key] = Decimal(0)
                continue
            try:
                amounts[key] = _amount(raw)
            except (InvalidOperation, ValueError):
                report.issues.append(RowIssue(row, key, _("Enter a number, for example 3500 or 3500.50.")))
                continue
            if amounts[key] < 0:
                report.issues.append(RowIssue(row, key, _("A negative amount is not possible here.")))
        if "days_worked" in amounts and month and amounts["days_worked"] > _month_end(month).day:
            report.issues.append(RowIssue(row, "days_worked", _("More days than the month has.")))
        if all(k in amounts for k in ("gross", "deductions", "net")) and \
                amounts["net"] != amounts["gross"] - amounts["deductions"] and \
                min(amounts["gross"], amounts["deductions"], amounts["net"]) >= 0:
            report.issues.append(RowIssue(row, "net", _("Net pay %(net)s is not gross %(gross)s minus deductions "
                                                        "%(ded)s.") % {"net": amounts["net"], "gross": amounts["gross"],
                                                                       "ded": amounts["deductions"]}))
        own_raw = str(_get(cells, index, "paid_to_own_account")).strip().lower()
        own = True
        if own_raw in NO:
            own = False
        elif own_raw and own_raw not in YES:
            report.issues.append(RowIssue(row, "paid_to_own_account", _("Enter yes or no (是/否).")))
        last4 = str(_get(cells, index, "payee_last4")).strip()
        if last4 and (len(last4) != 4 or not last4.isdigit()):
            report.issues.append(RowIssue(row, "payee_last4", _("Enter the last 4 digits of the account paid into.")))
        paid_on = None
        try:
            paid_on = _parse_date(_get(cells, index, "paid_on"))
            if paid_on and paid_on > today:
                report.issues.append(RowIssue(row, "paid_on", _("This date is in the future.")))
        except ValueError:
            report.issues.append(RowIssue(row, "paid_on", _("Enter a date as YYYY-MM-DD.")))
        employer_id = _employer_of(_get(cells, index, "employer_uscc"), row, report, units, project)
        if number and month and employer_id:
            key = (pii_hash(number), employer_id, month)
            if key in seen:
                report.issues.append(RowIssue(row, "id_number", _("The same worker and month are already on row "
                                                                  "%(row)s of this file.") % {"row": seen[key]}))
            else:
                seen[key] = row
        if len(report.errors) == n_before:
            candidates.append({"row": row, "name": name[:64], "id_number": number, "hash": pii_hash(number),
                               "month": month, "employer_id": employer_id, "paid_on": paid_on, "own": own,
                               "payee_last4": last4, **amounts})
    # what is already recorded and who is on the roster: two queries for the whole file
    months = {c["month"] for c in candidates}
    recorded = set(PayrollLine.objects.filter(batch__project=project, batch__period__in=months).values_list(
        "worker__id_number_hash", "batch__employer_id", "batch__period"))
    roster = defaultdict(list)
    for h, entered, left in RosterEntry.objects.filter(project=project).values_list(
            "worker__id_number_hash", "entered_on", "left_on"):
        roster[h].append((entered, left))
    for c in candidates:
        if (c["hash"], c["employer_id"], c["month"]) in recorded:
            report.issues.append(RowIssue(c["row"], "month", _("Pay for this worker and month is already recorded "
                                                              "(uploaded before): it is not added again."),
                                          level="skipped"))
            report.already.append(c["row"])
            continue
        start, end = c["month"], _month_end(c["month"])
        if not any(e <= end and (lft is None or lft >= start) for e, lft in roster.get(c["hash"], [])):
            report.issues.append(RowIssue(c["row"], "id_number", _("Worker %(id)s is not on the project's roster "
                                                                  "for this month (imported all the same; add them "
                                                                  "to the roster).")
                                          % {"id": mask_id_for_employer(c["id_number"])}, level="warning"))
        report.valid.append(c)
    return report


def payroll_import(*, project, user, file_name: str, data: bytes, signed_by_subcontractor: bool = False,
                   progress=None) -> ImportReport:
    """Write the valid rows of a payroll file into one batch per employing unit and month (adding to a batch that
    exists: a row already recorded is never written twice)."""
    _check_edit(user, project)
    report = payroll_preview(project=project, file_name=file_name, data=data)
    if report.file_error:
        raise DomainError({"file": [report.file_error]})
    from casework.services.intake import _person_get_or_create

    groups = defaultdict(list)
    for c in report.valid:
        groups[(c["employer_id"], c["month"])].append(c)
    with acting(user), transaction.atomic():
        for (employer_id, month), rows in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            paid_on = max((r["paid_on"] for r in rows if r["paid_on"]), default=None)
            batch = PayrollBatch.objects.filter(project=project, employer_id=employer_id, period=month).first()
            if batch is None:
                batch = PayrollBatch(project=project, employer_id=employer_id, period=month, paid_on=paid_on,
                                     signed_by_subcontractor=signed_by_subcontractor, uploaded_by=user,
                                     keep_until=payroll_keep_until(month, paid_on))
                batch.source_file.save("payroll", ContentFile(data), save=False)
                _save(batch, user)
            elif paid_on and (batch.paid_on is None or paid_on > batch.paid_on):
                batch.paid_on = paid_on
                batch.keep_until = max(batch.keep_until or paid_on, payroll_keep_until(month, paid_on))
                _save(batch, user)
            for r in rows:
                info = validate_id_number(r["id_number"])
                worker = _person_get_or_create({"name": r["name"], "id_number": info.number,
                                                "birth_date": info.birth_date, "gender": info.gender})
                _save(PayrollLine(batch=batch, worker=worker, days_worked=r["days_worked"], gross=r["gross"],
                                  deductions=r["deductions"], net=r["net"], paid_to_own_account=r["own"],
                                  payee_last4=r["payee_last4"]), user)
                report.written += 1
                if progress:
                    progress(report.written, len(report.valid))
    return report


# --- templates --------------------------------------------------------------------------------------------------

EXAMPLES = {
    "roster": ["扎西", "540102199001011233", "2026-07-01", "", "", "钢筋工", "1234"],
    "payroll": ["2026-07", "扎西", "540102199001011233", "22", "6000.00", "0", "6000.00", "是", "1234",
                "2026-08-10", ""],
}


def _spec(kind):
    return ROSTER_COLUMNS if kind == "roster" else PAYROLL_COLUMNS


def template_csv(kind: str) -> bytes:
    """A template in the user's language (headers) with one example row; UTF-8 with BOM so Excel opens it right."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([str(label) for _k, label, _a, _r in _spec(kind)])
    w.writerow(EXAMPLES[kind])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(_l("Roster") if kind == "roster" else _l("Payroll"))
    ws.append([str(label) for _k, label, _a, _r in _spec(kind)])
    ws.append(EXAMPLES[kind])
    for col in ws.iter_cols(min_row=1, max_row=2):  # ID numbers and codes as text: Excel must not round them
        for c in col:
            c.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- large imports as background jobs (casework.services.jobs) ---------------------------------------------------

JOB_KIND = "projects.import"
JOB_FROM_ROWS = 2000  # a display/latency choice, not a legal number: above this the confirmed import runs as a job


def stash(data: bytes) -> str:
    """Keep an uploaded file in private storage between the preview and the confirmation (or the job)."""
    import uuid

    from django.core.files.storage import default_storage

    token = uuid.uuid4().hex
    default_storage.save(f"imports/{token}", ContentFile(data))
    return token


def unstash(token: str) -> bytes | None:
    from django.core.files.storage import default_storage

    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    try:
        with default_storage.open(f"imports/{token}") as fh:
            return fh.read()
    except OSError:
        return None


def drop_stash(token: str) -> None:
    from django.core.files.storage import default_storage

    if re.fullmatch(r"[0-9a-f]{32}", token or ""):
        try:
            default_storage.delete(f"imports/{token}")
        except OSError:
            pass


def report_csv(report: ImportReport) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([_("Row"), _("Column"), _("Problem"), "level"])
    for i in report.issues:
        w.writerow([i.row, i.column, i.message, i.level])
    w.writerow([])
    w.writerow([_("%(n)s rows written.") % {"n": report.written}])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _import_job(job, progress):
    from casework.models import Project
    from casework.services.jobs import JobFailed

    p = job.params
    project = Project.objects.filter(pk=p.get("project")).first()
    data = unstash(p.get("token", ""))
    if project is None or data is None:
        raise JobFailed(_l("The uploaded file has expired. Upload it again."))
    commit = roster_import if p.get("kind") == "roster" else payroll_import
    kw = {"signed_by_subcontractor": bool(p.get("signed"))} if p.get("kind") == "payroll" else {}
    try:
        report = commit(project=project, user=job.created_by, file_name=p.get("name", "upload"), data=data,
                        progress=progress, **kw)
    except DomainError:
        raise JobFailed(_l("The file could not be imported. Upload it again to see the row report."))
    drop_stash(p.get("token", ""))
    return f"{p.get('kind')}-import-report.csv", report_csv(report)


def register():
    from casework.services.jobs import register_job

    register_job(JOB_KIND, _import_job, title=_l("Import a roster or payroll"), roles=("general_contractor_user",))
