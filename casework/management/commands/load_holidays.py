"""Load one year of one calendar layer from a CSV made from the official notice, then recount the deadlines that
were computed on plain weekdays because that year was missing.

    manage.py load_holidays 2027.csv --national --year 2027 --source "国办发明电〔2026〕N号"
    manage.py load_holidays lhasa-2027.csv --region 540100 --year 2027 --source "拉萨市 2027年放假通知"

CSV header: ``date,kind,name,region_code,source_doc``. ``kind`` is ``off`` (rest day) or ``workday`` (make-up
working day, 调休). ``region_code`` may be empty; when given it must be the layer being loaded. ``source_doc`` may be
empty when --source is given. With --source the layer's year is also marked as loaded (CalendarCoverage): for the
national layer this is what turns provisional deadlines into final ones. Nothing is written unless every row is
valid. Running the same file again changes nothing.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework.audit import acting
from casework.errors import DomainError
from casework.services.calendar import holidays_load, holidays_parse_csv
from casework.services.deadlines import deadlines_recompute_provisional


class Command(BaseCommand):
    help = "Load a year's holidays and make-up working days for one calendar layer from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("csv_path", help="CSV file: date,kind,name,region_code,source_doc")
        layer = parser.add_mutually_exclusive_group(required=True)
        layer.add_argument("--national", action="store_true", help="the State Council's national layer")
        layer.add_argument("--region", metavar="CODE", help="a province, prefecture or county layer (GB/T 2260)")
        parser.add_argument("--year", type=int, required=True, help="the year the file covers")
        parser.add_argument("--source", default="",
                            help="the official notice; given, the layer's year is marked as loaded")
        parser.add_argument("--no-coverage", action="store_true",
                            help="load the rows but do not mark the year as loaded (a partial notice)")

    def handle(self, *args, csv_path, national, region, year, source, no_coverage, **options):
        path = Path(csv_path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}")
        region_code = None if national else region
        try:
            rows = holidays_parse_csv(text)
            with acting(None, channel="command"), transaction.atomic():
                result = holidays_load(rows=rows, year=year, region_code=region_code, source_doc=source,
                                       mark_covered=bool(source.strip()) and not no_coverage)
        except DomainError as exc:
            raise CommandError("nothing was loaded:\n" + "\n".join(
                f"  {where}: {' '.join(msgs)}" for where, msgs in exc.errors.items()))
        layer = region_code or "national"
        self.stdout.write(f"{layer} {year}: {result.created} added, {result.updated} changed, "
                          f"{result.unchanged} unchanged" + ("; year marked as loaded" if result.coverage_marked
                                                            else "; year NOT marked as loaded"))
        with acting(None, channel="command"):
            n = deadlines_recompute_provisional()
        self.stdout.write(f"provisional deadlines recomputed: {n}")
