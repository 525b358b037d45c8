"""Every staff table exports to CSV and Excel from one registry. See docs/dashboards.md.

    register_export("cases", title=_l("Cases"), roles=(...), columns=[("case_number", _l("Case")), ...],
                    rows=lambda user, params: ..., count=lambda user, params: ...)

- ``rows(user, params)`` yields dicts keyed by column key (or sequences in column order). It must use the same
  reach queryset as the page (a user never exports a row they could not see) and the same masking as the page
  (``casework.privacy.person_view`` and friends). The registered tables carry the page's columns only.
- ``count(user, params)`` (optional) says how many rows there will be: above ``EXPORT_DIRECT_MAX_ROWS`` (setting,
  default 2000) the export runs as a background job with progress (``casework.services.jobs``), below it the file
  is streamed at once. Without ``count`` the export always streams.
- CSV is UTF-8 with a byte-order mark (Excel then opens Chinese correctly) and streamed row by row; Excel is
  written with openpyxl in write-only mode (constant memory). In both, a text cell that starts with = + - @ (or a
  tab / carriage return) is prefixed with ' so that a spreadsheet never runs it as a formula.

Other apps register their tables from a module of their own imported in their AppConfig.ready()
(disputes/exports.py, blacklist/exports.py).
"""
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _l

from ..access import has_role
from ..errors import NotAllowed
from .jobs import JobFailed, register_job

__all__ = ["register_export", "export_get", "exports_for", "export_rows", "csv_chunks", "csv_bytes", "xlsx_bytes",
           "safe_cell", "export_filename", "direct_max_rows", "ExportSpec", "FORMATS", "EXPORT_JOB"]

FORMATS = ("csv", "xlsx")
EXPORT_JOB = "export"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportSpec:
    key: str
    title: object
    roles: tuple
    columns: tuple  # ((key, label), ...)
    rows: Callable
    count: Callable | None = None
    extra: dict = field(default_factory=dict)


_EXPORTS: dict[str, ExportSpec] = {}


def register_export(key: str, *, title, roles, columns, rows, count=None) -> None:
    _EXPORTS[key] = ExportSpec(key=key, title=title, roles=tuple(roles), columns=tuple(columns), rows=rows,
                               count=count)


def exports_for(user) -> list[ExportSpec]:
    return [s for s in _EXPORTS.values() if has_role(user, *s.roles)]


def export_get(key: str, user) -> ExportSpec:
    spec = _EXPORTS.get(key)
    if spec is None or not has_role(user, *spec.roles):
        raise NotAllowed({"__all__": [_l("No such table, or it is not yours to export.")]})
    return spec


def direct_max_rows() -> int:
    return int(getattr(settings, "EXPORT_DIRECT_MAX_ROWS", 2000))


def safe_cell(value):
    """A cell value as a spreadsheet should get it: numbers and dates as they are, text with formula
    characters defused, lazy translations as text, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, (int, float, Decimal, dt.date, dt.datetime)):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = str(value)
    if text.startswith(_DANGEROUS):
        return "'" + text
    return text


def _ordered(spec: ExportSpec, row) -> list:
    if isinstance(row, dict):
        return [safe_cell(row.get(k)) for k, _label in spec.columns]
    return [safe_cell(v) for v in row]


def export_rows(spec: ExportSpec, user, params: dict):
    """The header then every row, as lists of cell values. ``rows`` is called at once (not when the first line is
    written), so that a DomainError / NotAllowed about the parameters surfaces before a response has started."""
    rows = spec.rows(user, params)

    def gen():
        yield [safe_cell(str(label)) for _k, label in spec.columns]
        for row in rows:
            yield _ordered(spec, row)
    return gen()


def _csv_text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Echo:
    def write(self, value):
        return value


def csv_chunks(spec: ExportSpec, user, params: dict, *, progress=None, total=None):
    """UTF-8 CSV with a byte-order mark, one line at a time (for StreamingHttpResponse)."""
    writer = csv.writer(_Echo())
    lines = export_rows(spec, user, params)

    def gen():
        yield "\ufeff"
        for i, row in enumerate(lines):
            yield writer.writerow([_csv_text(v) for v in row])
            if progress is not None and i:
                progress(i, total)
    return gen()


def csv_bytes(spec: ExportSpec, user, params: dict, *, progress=None, total=None) -> bytes:
    buf = io.StringIO()
    for chunk in csv_chunks(spec, user, params, progress=progress, total=total):
        buf.write(chunk)
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(spec: ExportSpec, user, params: dict, *, progress=None, total=None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(spec.title)[:31] or "export")
    for i, row in enumerate(export_rows(spec, user, params)):
        ws.append(row)
        if progress is not None and i:
            progress(i, total)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_filename(spec: ExportSpec, fmt: str) -> str:
    return f"{spec.key.replace('.', '-')}-{timezone.localdate():%Y%m%d}.{fmt}"


def _run_export_job(job, progress):
    """The background side of a large export: same rows, same reach (the job's creator), same language."""
    p = job.params or {}
    fmt = p.get("fmt")
    if fmt not in FORMATS:
        raise JobFailed(_l("Unknown export format."))
    user = job.created_by
    try:
        spec = export_get(p.get("key", ""), user)
    except NotAllowed:
        raise JobFailed(_l("No such table, or it is not yours to export."))
    with translation.override(p.get("lang") or settings.LANGUAGE_CODE):
        params = p.get("params") or {}
        total = spec.count(user, params) if spec.count else None
        progress(0, total, _l("Writing the file"))
        writer = csv_bytes if fmt == "csv" else xlsx_bytes
        content = writer(spec, user, params, progress=progress, total=total)
        progress(total or 0, total, _l("File ready"))
        return export_filename(spec, fmt), content


register_job(EXPORT_JOB, _run_export_job, title=_l("Export"),
             roles=("intake_officer", "inspector", "inspection_head", "auditor", "mediator", "arbitration_clerk",
                    "arbitrator", "arbitration_chair", "credit_officer", "publisher", "grading_officer",
                    "police_liaison", "procuratorate_liaison", "sysadmin"))


# --- casework's own list: the case list of /staff/cases/ -------------------------------------------------------

def _case_params(params):
    from ..views.forms import CaseFilterForm

    form = CaseFilterForm(params or None)
    f = form.cleaned_data if form.is_valid() else {}
    return {"stage": f.get("stage") or None, "region": f.get("region") or None,
            "overdue": {"1": True, "0": False}.get(f.get("overdue") or ""), "q": f.get("q") or None}


def _cases_qs(user, params):
    from ..selectors import case_list_for_user

    return case_list_for_user(user, **_case_params(params))


def _case_rows(user, params):
    for c in _cases_qs(user, params).iterator(chunk_size=500):
        yield {"case_number": c.case_number, "state": c.get_state_display(), "employer": c.employer.name,
               "region": c.handling_region.display_name, "received": c.received_at, "next_due": c.next_due,
               "next_rule": c.next_rule or "", "overdue": bool(c.is_overdue)}


register_export(
    "cases", title=_l("Cases"), roles=("intake_officer", "inspector", "inspection_head", "auditor"),
    columns=[("case_number", _l("Case")), ("state", _l("Status")), ("employer", _l("Employer")),
             ("region", _l("Region")), ("received", _l("Received")), ("next_due", _l("Next deadline")),
             ("next_rule", _l("Rule")), ("overdue", _l("overdue"))],
    rows=_case_rows, count=lambda user, params: _cases_qs(user, params).count())
