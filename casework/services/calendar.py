"""Loading one year of one layer of the working-day calendar (spec §2.2 rule 5) from an official notice.

Used by ``manage.py load_holidays``; any other interface (an admin import, the API) calls the same function.
All rows are checked before anything is written, and the load is all-or-nothing."""
import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import CalendarCoverage, Holiday, Region

__all__ = ["HolidayRow", "CalendarLoadResult", "holidays_parse_csv", "holidays_load"]

KIND_ALIASES = {
    "off": Holiday.Kind.OFF, "holiday": Holiday.Kind.OFF, "rest": Holiday.Kind.OFF,
    "workday": Holiday.Kind.MAKEUP_WORKDAY, "makeup_workday": Holiday.Kind.MAKEUP_WORKDAY,
    "makeup": Holiday.Kind.MAKEUP_WORKDAY,
}
CSV_COLUMNS = ("date", "kind", "name", "region_code", "source_doc")


@dataclass(frozen=True)
class HolidayRow:
    date: dt.date
    kind: str
    name: str = ""
    region_code: str = ""
    source_doc: str = ""


@dataclass
class CalendarLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    coverage_marked: bool = False
    errors: dict = field(default_factory=dict)


def holidays_parse_csv(text: str) -> list[HolidayRow]:
    """Rows of a CSV with the header ``date,kind,name,region_code,source_doc`` (region_code and source_doc may be
    left empty or omitted). Raises DomainError keyed by ``line N``."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("date", "kind") if c not in header]
    if missing:
        raise DomainError({"header": [_("The file must have the columns %(cols)s.") % {"cols": ",".join(CSV_COLUMNS)}]})
    rows, errors = [], {}
    for line_no, raw in enumerate(reader, start=2):
        raw = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        if not any(raw.values()):
            continue
        where = f"line {line_no}"
        try:
            day = dt.date.fromisoformat(raw.get("date", ""))
        except ValueError:
            errors.setdefault(where, []).append(_("Enter a date as YYYY-MM-DD."))
            continue
        kind = KIND_ALIASES.get(raw.get("kind", "").lower())
        if kind is None:
            errors.setdefault(where, []).append(_("The kind must be “off” or “workday”."))
            continue
        rows.append(HolidayRow(date=day, kind=kind, name=raw.get("name", ""), region_code=raw.get("region_code", ""),
                               source_doc=raw.get("source_doc", "")))
    if errors:
        raise DomainError(errors)
    return rows


def holidays_load(*, rows: list[HolidayRow], year: int, region_code: str | None, source_doc: str = "",
                  mark_covered: bool = False) -> CalendarLoadResult:
    """Write ``rows`` into the layer ``region_code`` (None = national) for ``year``; with ``mark_covered``, record
    that this layer's calendar for the year is complete (for the national layer this is what makes deadlines into
    that year final instead of provisional). Existing rows of the layer are updated in place (their history keeps
    the old value); rows of other layers are never touched. Recomputing provisional deadlines is the caller's next
    step (after the transaction commits)."""
    errors: dict[str, list[str]] = {}
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise DomainError({"region": [_("Unknown region code %(code)s.") % {"code": region_code}]})
    if mark_covered and not source_doc.strip():
        errors.setdefault("source", []).append(_("Name the official notice the calendar comes from."))
    seen = set()
    for i, row in enumerate(rows):
        where = f"row {i + 1} ({row.date})"
        if row.date.year != year:
            errors.setdefault(where, []).append(_("This date is not in %(year)s.") % {"year": year})
        if row.region_code and row.region_code != (region_code or ""):
            errors.setdefault(where, []).append(
                _("This row is for region %(row)s but the file is loaded into %(layer)s.")
                % {"row": row.region_code, "layer": region_code or _("the national layer")})
        if not (row.source_doc or source_doc).strip():
            errors.setdefault(where, []).append(_("Name the source document (column source_doc or --source)."))
        if row.date in seen:
            errors.setdefault(where, []).append(_("This date appears twice."))
        seen.add(row.date)
    if errors:
        raise DomainError(errors)

    result = CalendarLoadResult()
    with transaction.atomic():
        existing = {h.date: h for h in Holiday.objects.filter(region=region, date__year=year)}
        for row in rows:
            values = {"kind": row.kind, "name": row.name[:64], "source_doc": (row.source_doc or source_doc)[:255]}
            h = existing.get(row.date)
            if h is None:
                h = Holiday(region=region, date=row.date, **values)
                result.created += 1
            elif any(getattr(h, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(h, k, v)
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            h.full_clean()
            h.save()
        if mark_covered:
            cov = CalendarCoverage.objects.filter(region=region, year=year).first() or CalendarCoverage(
                region=region, year=year)
            if cov.source_doc != source_doc.strip()[:255]:
                cov.source_doc = source_doc.strip()[:255]
                cov.full_clean()
                cov.save()
            result.coverage_marked = True
    return result
