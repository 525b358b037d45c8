"""Imports of configuration tables from a CSV or Excel file (issue #6; docs/configuration.md): holidays and make-up
working days per region and year (casework.Holiday, the working-day calendar of spec §2.2) and minimum wages per
region with their effective dates (arrears.MinimumWageStandard, which sets the final-award cap of spec §6.4).

Three steps, each one function:

1. ``import_read(table, name, data)``: the uploaded bytes → rows, each with its spreadsheet row number (the header
   is row 1, so the first data row is row 2: the number Excel shows). The type is decided by the content, not the
   file name: an .xlsx is a ZIP, a CSV is text (UTF-8, or GB 18030 as Excel saves it in China); anything else (a
   program renamed .csv, an old .xls, an image) is refused with a clear message.
2. ``import_preview(table, rows, overwrite=...)``: every row checked, nothing written. Each row is *new*, *changed*
   (it replaces different values already in the table: a conflict, applied only with ``overwrite``), *unchanged*,
   a *duplicate* of an earlier row of the same file, or *invalid* with its reasons in the user's language. The good
   rows are kept: the user imports the valid rows, or fixes the file and uploads it again.
3. ``import_apply(table, rows, user=..., overwrite=..., progress=...)``: the rows checked again against the table as
   it is now and written one by one through ``full_clean()``/``save()`` under ``acting(user)``, so every change has
   a history row with the acting user (django-simple-history); then, for holidays, the deadlines that were counted
   on plain weekdays are recounted (``deadlines_recompute_provisional``, as ``manage.py load_holidays`` does).
   Long imports run as a background job (``config.import``, casework.services.jobs) that reports its progress on
   /staff/jobs/<id>/.

Only a system administrator imports (the job's roles, and the pages).
"""
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ..access import has_role
from ..audit import acting
from ..errors import DomainError, NotAllowed
from ..models import CalendarCoverage, Holiday, Region
from .calendar import KIND_ALIASES
from .jobs import JobFailed, register_job

__all__ = ["TABLES", "ImportRow", "RowResult", "Preview", "import_read", "import_preview", "import_apply",
           "import_template_csv", "import_start", "IMPORT_JOB", "SYSADMIN", "MAX_ROWS", "MAX_BYTES"]

SYSADMIN = "sysadmin"
IMPORT_JOB = "config.import"
MAX_BYTES = 5 * 1024 * 1024  # a configuration table is a few hundred rows; 5 MB is generous
MAX_ROWS = 20000


@dataclass(frozen=True)
class Table:
    key: str
    label: object
    columns: tuple[str, ...]
    required: tuple[str, ...]
    example: tuple[str, ...]


TABLES: dict[str, Table] = {
    "holidays": Table(
        "holidays", _l("Holidays and make-up working days"),
        ("date", "kind", "name", "region_code", "source_doc"), ("date", "kind", "source_doc"),
        ("2027-10-01", "off", "国庆节", "", "国办发明电〔2026〕N号")),
    "minimum_wages": Table(
        "minimum_wages", _l("Minimum wages"),
        ("region_code", "monthly_yuan", "hourly_yuan", "effective_from", "source_doc"),
        ("region_code", "monthly_yuan", "hourly_yuan", "effective_from", "source_doc"),
        ("540000", "2100.00", "20.00", "2027-01-01", "藏政办发〔2026〕N号")),
}

NEW, CHANGED, UNCHANGED, DUPLICATE, INVALID = "new", "changed", "unchanged", "duplicate", "invalid"
STATUS_LABELS = {NEW: _l("new"), CHANGED: _l("changes an existing row"), UNCHANGED: _l("already there"),
                 DUPLICATE: _l("duplicate in the file"), INVALID: _l("error")}


@dataclass
class ImportRow:
    row: int                  # spreadsheet row number (header = 1)
    values: dict              # column -> text as in the file


@dataclass
class RowResult:
    row: int
    values: dict
    status: str
    errors: list = field(default_factory=list)
    before: dict = field(default_factory=dict)   # the existing values a CHANGED row replaces
    clean: dict = field(default_factory=dict)    # typed values (for the apply step)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def importable(self) -> bool:
        return self.status in (NEW, CHANGED)


@dataclass
class Preview:
    table: str
    results: list
    overwrite: bool

    def count(self, status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def counts(self) -> dict:
        return {s: self.count(s) for s in STATUS_LABELS}

    @property
    def to_write(self) -> list:
        """The rows an import writes: new ones, and changed ones when overwriting is chosen."""
        return [r for r in self.results if r.status == NEW or (r.status == CHANGED and self.overwrite)]

    @property
    def problems(self) -> list:
        return [r for r in self.results if r.status in (INVALID, DUPLICATE)]


# --- reading the file ----------------------------------------------------------------------------------------------

def _norm_header(h) -> str:
    return str(h or "").strip().lstrip("\ufeff").strip().lower()


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _rows_from_matrix(table: Table, matrix) -> list[ImportRow]:
    it = iter(matrix)
    header = None
    for header_cells in it:
        header = [_norm_header(h) for h in header_cells]
        break
    if not header or not any(header):
        raise DomainError({"file": [_("The file is empty.")]})
    missing = [c for c in table.required if c not in header]
    if missing:
        raise DomainError({"file": [_("The first row must name the columns %(cols)s; missing: %(missing)s. Download "
                                      "the template to start from.") % {"cols": ", ".join(table.columns),
                                                                        "missing": ", ".join(missing)}]})
    rows = []
    for number, cells in enumerate(it, start=2):
        values = {}
        for name, v in zip(header, cells):
            if name in table.columns:
                values[name] = _cell(v)
        if not any(values.values()):
            continue
        rows.append(ImportRow(row=number, values={c: values.get(c, "") for c in table.columns}))
        if len(rows) > MAX_ROWS:
            raise DomainError({"file": [_("The file has more than %(n)s rows: split it.") % {"n": MAX_ROWS}]})
    if not rows:
        raise DomainError({"file": [_("The file has a header but no rows.")]})
    return rows


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("csv", data, 0, 1, "neither UTF-8 nor GB 18030")


def import_read(table: str, name: str, data: bytes) -> list[ImportRow]:
    """The rows of an uploaded CSV or Excel (.xlsx) file; DomainError({"file": [...]}) when it is neither."""
    if table not in TABLES:
        raise DomainError({"table": [_("Choose the table to import.")]})
    spec = TABLES[table]
    if not data:
        raise DomainError({"file": [_("The file is empty.")]})
    if len(data) > MAX_BYTES:
        raise DomainError({"file": [_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}]})
    not_a_table = _("“%(name)s” is not a CSV or Excel (.xlsx) file. Save the table as CSV (UTF-8) or as an Excel "
                    "workbook and upload that.") % {"name": name}
    if data[:4] == b"PK\x03\x04":  # an .xlsx workbook is a ZIP archive
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
            raise DomainError({"file": [not_a_table]})
        try:
            ws = wb.worksheets[0]
            return _rows_from_matrix(spec, ws.iter_rows(values_only=True))
        finally:
            wb.close()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # the old binary .xls format
        raise DomainError({"file": [_("“%(name)s” is an old Excel file (.xls). Save it as .xlsx or CSV and upload "
                                      "that.") % {"name": name}]})
    if b"\x00" in data[:4096]:  # a program, an image, UTF-16...: not a text table
        raise DomainError({"file": [not_a_table]})
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise DomainError({"file": [not_a_table]})
    if any(ord(c) < 32 and c not in "\r\n\t" for c in text[:4096]):
        raise DomainError({"file": [not_a_table]})
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _rows_from_matrix(spec, csv.reader(io.StringIO(text), dialect))


def import_template_csv(table: str) -> bytes:
    """The empty template of a table: its header and one example row, UTF-8 with a BOM so that Excel opens it in
    Chinese correctly."""
    spec = TABLES[table]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(spec.columns)
    w.writerow(spec.example)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- checking the rows ---------------------------------------------------------------------------------------------

def _date(text: str, errors: list, what) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        errors.append(_("%(what)s “%(v)s” is not a date: write it as YYYY-MM-DD, e.g. 2027-10-01.")
                      % {"what": what, "v": text})
        return None


def _yuan(text: str, errors: list, what) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        errors.append(_("%(what)s “%(v)s” is not an amount in yuan.") % {"what": what, "v": text})
        return None
    if not value.is_finite() or value <= 0:
        errors.append(_("%(what)s must be more than 0.") % {"what": what})
        return None
    if value != value.quantize(Decimal("0.01")):
        errors.append(_("%(what)s has more than 2 decimal places.") % {"what": what})
        return None
    return value.quantize(Decimal("0.01"))


def _regions() -> set[str]:
    return set(Region.objects.values_list("code", flat=True))


def _check_holiday(values: dict, regions: set, errors: list) -> tuple | None:
    day = _date(values["date"], errors, _("Date")) if values["date"] else None
    if not values["date"]:
        errors.append(_("The date is missing."))
    kind = KIND_ALIASES.get(values["kind"].strip().lower())
    if kind is None:
        errors.append(_("The kind “%(v)s” must be “off” (a rest day) or “workday” (a make-up working day).")
                      % {"v": values["kind"]})
    region = values["region_code"].strip()
    if region and region not in regions:
        errors.append(_("Unknown region code %(code)s (GB/T 2260; leave it empty for the national calendar).")
                      % {"code": region})
    if not values["source_doc"].strip():
        errors.append(_("Name the official notice the row comes from (source_doc)."))
    if len(values["name"]) > 64:
        errors.append(_("The name is longer than %(n)s characters.") % {"n": 64})
    if errors:
        return None
    return (region, day), {"kind": kind, "name": values["name"].strip(), "source_doc": values["source_doc"].strip()[:255]}


def _check_min_wage(values: dict, regions: set, errors: list) -> tuple | None:
    region = values["region_code"].strip()
    if not region:
        errors.append(_("The region code is missing."))
    elif region not in regions:
        errors.append(_("Unknown region code %(code)s (GB/T 2260).") % {"code": region})
    monthly = _yuan(values["monthly_yuan"], errors, _("The monthly minimum wage"))
    hourly = _yuan(values["hourly_yuan"], errors, _("The hourly minimum wage"))
    start = _date(values["effective_from"], errors, _("Effective from")) if values["effective_from"] else None
    if not values["effective_from"]:
        errors.append(_("The date it takes effect (effective_from) is missing."))
    if not values["source_doc"].strip():
        errors.append(_("Name the official notice the row comes from (source_doc)."))
    if errors:
        return None
    return (region, start), {"monthly_yuan": monthly, "hourly_yuan": hourly,
                             "source_doc": values["source_doc"].strip()[:255]}


def _existing(table: str, keys) -> dict:
    """The rows already in the table for these keys: key -> {field: value}."""
    out = {}
    if table == "holidays":
        days = {d for _r, d in keys}
        for h in Holiday.objects.filter(date__in=days):
            out[(h.region_id or "", h.date)] = {"kind": h.kind, "name": h.name,
                                                                   "source_doc": h.source_doc}
    else:
        from arrears.models import MinimumWageStandard

        starts = {d for _r, d in keys}
        for m in MinimumWageStandard.objects.filter(effective_from__in=starts):
            out[(m.region_code, m.effective_from)] = {"monthly_yuan": m.monthly_yuan, "hourly_yuan": m.hourly_yuan,
                                                      "source_doc": m.source_doc}
    return out


def import_preview(table: str, rows: list[ImportRow], *, overwrite: bool = False) -> Preview:
    """Check every row; write nothing."""
    if table not in TABLES:
        raise DomainError({"table": [_("Choose the table to import.")]})
    check = _check_holiday if table == "holidays" else _check_min_wage
    regions = _regions()
    results, first_row = [], {}
    for r in rows:
        errors: list[str] = []
        checked = check(r.values, regions, errors)
        if checked is None:
            results.append(RowResult(row=r.row, values=r.values, status=INVALID, errors=errors))
            continue
        key, clean = checked
        if key in first_row:
            results.append(RowResult(row=r.row, values=r.values, status=DUPLICATE, errors=[
                _("Row %(row)s already gives %(what)s: keep one of the two rows.")
                % {"row": first_row[key], "what": _describe(table, key)}]))
            continue
        first_row[key] = r.row
        results.append(RowResult(row=r.row, values=r.values, status=NEW, clean={"key": key, **clean}))
    existing = _existing(table, [r.clean["key"] for r in results if r.clean])
    for res in results:
        if not res.clean:
            continue
        old = existing.get(res.clean["key"])
        if old is None:
            continue
        new = {k: v for k, v in res.clean.items() if k != "key"}
        if all(old.get(k) == v for k, v in new.items()):
            res.status = UNCHANGED
        else:
            res.status = CHANGED
            res.before = {k: old.get(k) for k in new if old.get(k) != new[k]}
            res.errors = [_("Conflicts with the row already in the table for %(what)s (%(diff)s): it is imported only "
                            "if you choose to replace existing rows.")
                          % {"what": _describe(table, res.clean["key"]),
                             "diff": "; ".join(f"{k}: {old.get(k)} → {new[k]}" for k in res.before)}]
    return Preview(table=table, results=results, overwrite=overwrite)


def _describe(table: str, key) -> str:
    region, day = key
    if table == "holidays":
        return f"{day.isoformat()} ({region or _('national')})"
    return f"{region} {day.isoformat()}"


# --- writing -------------------------------------------------------------------------------------------------------

def _to_json(preview: Preview) -> list[dict]:
    """Every row of the file, as the job's parameters (JSON): the job checks them again and reports on each."""
    return [{"row": r.row, "values": r.values} for r in preview.results]


@transaction.atomic
def _write_one(table: str, res: RowResult, regions_by_code: dict) -> str:
    region_code, day = res.clean["key"]
    values = {k: v for k, v in res.clean.items() if k != "key"}
    if table == "holidays":
        region = regions_by_code.get(region_code) if region_code else None
        obj = Holiday.objects.filter(region=region, date=day).first() or Holiday(region=region, date=day)
    else:
        from arrears.models import MinimumWageStandard

        obj = (MinimumWageStandard.objects.filter(region_code=region_code, effective_from=day).first()
               or MinimumWageStandard(region_code=region_code, effective_from=day))
    created = obj.pk is None
    for k, v in values.items():
        setattr(obj, k, v)
    obj.full_clean()
    obj.save()
    return "created" if created else "updated"


def import_apply(table: str, rows: list[ImportRow], *, user, overwrite: bool = False, mark_covered: bool = False,
                 progress=None) -> dict:
    """Write the valid rows (checked again now: the table may have changed since the preview); rows that are
    invalid, duplicated, unchanged, or (without ``overwrite``) conflicting are left out and counted. Each row is
    saved with ``full_clean()`` under ``acting(user)`` (history with the acting user). For holidays, with
    ``mark_covered`` the (layer, year)s of the file are marked loaded (CalendarCoverage) with the rows' notice, and
    provisional deadlines are recounted afterwards. Returns the counts and the per-row outcomes."""
    if not has_role(user, SYSADMIN):
        raise NotAllowed({"__all__": [_("Only a system administrator imports configuration tables.")]})
    progress = progress or (lambda done, total=None, message="": None)
    preview = import_preview(table, rows, overwrite=overwrite)
    todo = preview.to_write
    total = len(todo)
    counts = {"written": total, "created": 0, "updated": 0, "skipped": len(preview.results) - total}
    outcomes = {r.row: r.status for r in preview.results}
    regions_by_code = {r.code: r for r in Region.objects.all()}
    progress(0, total, _l("Importing rows"))
    with acting(user, channel="import"):
        for i, res in enumerate(todo, start=1):
            outcome = _write_one(table, res, regions_by_code)
            counts[outcome] += 1
            outcomes[res.row] = outcome
            progress(i, total, _l("Importing rows"))
        if table == "holidays" and mark_covered:
            layers = {}
            for res in preview.results:
                if res.clean and res.status != INVALID:
                    region_code, day = res.clean["key"]
                    layers.setdefault((region_code, day.year), res.clean["source_doc"])
            for (region_code, year), source in sorted(layers.items()):
                region = regions_by_code.get(region_code) if region_code else None
                cov = CalendarCoverage.objects.filter(region=region, year=year).first() or CalendarCoverage(
                    region=region, year=year)
                if cov.pk is None or cov.source_doc != source:
                    cov.source_doc = source
                    cov.full_clean()
                    cov.save()
            counts["years_marked"] = len(layers)
        if table == "holidays":
            from .deadlines import deadlines_recompute_provisional

            progress(total, total, _l("Recounting provisional deadlines"))
            counts["deadlines_recomputed"] = deadlines_recompute_provisional()
    counts["outcomes"] = outcomes
    return counts


# --- the background job --------------------------------------------------------------------------------------------

def import_start(*, user, table: str, preview: Preview, mark_covered: bool = False):
    """Start the import of ``preview``'s rows as a background job; returns the BackgroundJob (its page shows the
    progress)."""
    from .jobs import start_job

    if not preview.to_write:
        raise DomainError({"__all__": [_("There is no valid row to import.")]})
    return start_job(IMPORT_JOB, user, {"table": table, "rows": _to_json(preview), "overwrite": preview.overwrite,
                                        "mark_covered": bool(mark_covered)},
                     title=_l("Import of a configuration table"))


def _run_import_job(job, progress):
    p = job.params or {}
    table = p.get("table")
    if table not in TABLES:
        raise JobFailed(_l("Unknown configuration table."))
    rows = [ImportRow(row=int(r["row"]), values=dict(r["values"])) for r in p.get("rows", [])]
    try:
        result = import_apply(table, rows, user=job.created_by, overwrite=bool(p.get("overwrite")),
                              mark_covered=bool(p.get("mark_covered")), progress=progress)
    except NotAllowed:
        raise JobFailed(_l("Only a system administrator imports configuration tables."))
    progress(result["written"], result["written"], _l("Import finished"))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["row", "outcome"])
    for row, outcome in sorted(result["outcomes"].items()):
        w.writerow([row, outcome])
    w.writerow([])
    for key in ("created", "updated", "skipped", "years_marked", "deadlines_recomputed"):
        if key in result:
            w.writerow([key, result[key]])
    return f"import-{table}-report.csv", ("\ufeff" + out.getvalue()).encode("utf-8")


register_job(IMPORT_JOB, _run_import_job, title=_l("Import of a configuration table"), roles=(SYSADMIN,))
