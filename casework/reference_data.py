"""Reference data every installation needs, loaded by migration 0002 and refreshable with
``manage.py load_reference_data``: Tibet's divisions, the rule table, legal parameters, the national calendar
(from chinesecalendar, for the years it knows) and the Tibet layers with their source documents.

Each function takes a model getter so it works both inside a migration (historical models) and at run time."""
import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

RULES = [
    # rule_id, n, unit, anchor event, citation, description
    ("INSP-ACCEPT", 5, "WD", "complaint received",
     "关于实施《劳动保障监察条例》若干规定（劳社部令第25号）第十八条 [P]", "accept or refuse a complaint"),
    ("INSP-REFUSAL-NOTICE", 5, "WD", "complaint received", "劳社部令第25号 第十八条 [P]",
     "written notice of non-acceptance"),
    ("INSP-INVESTIGATION", 60, "WD", "case filed", "《劳动保障监察条例》第十七条 [C]", "conclude the investigation"),
    ("INSP-EXTENSION", 30, "WD", "investigation due date", "《劳动保障监察条例》第十七条 [C]",
     "extension of a complex investigation, once, with the head's approval"),
    ("INSP-LIMITATION", 2, "YEAR", "violation ended", "《劳动保障监察条例》第二十条 [C]",
     "violations undetected and unreported for 2 years are not pursued"),
    ("INSP-RECONSIDERATION", 60, "CD", "decision received", "《行政复议法》 [M]",
     "administrative reconsideration against a decision"),
    ("INSP-LAWSUIT", 6, "MONTH", "decision received", "《行政诉讼法》 [M]", "administrative lawsuit"),
]
RULES_FROM = dt.date(2004, 12, 1)

PARAMS = [
    # key, value, effective_from, citation, description
    ("inspection.min_inspectors", "2", "2004-12-01", "《劳动保障监察条例》第十六条 [C]",
     "inspectors present at an investigation or site visit"),
    ("inspection.additional_comp_rate_min", "0.50", "2008-01-01", "《劳动保障监察条例》第二十六条；《劳动合同法》第八十五条 [C]",
     "additional compensation, lower bound (share of the unpaid amount)"),
    ("inspection.additional_comp_rate_max", "1.00", "2008-01-01", "《劳动保障监察条例》第二十六条；《劳动合同法》第八十五条 [C]",
     "additional compensation, upper bound"),
    ("inspection.refusal_fine_min", "2000", "2004-12-01", "《劳动保障监察条例》第三十条 [C]",
     "fine for refusing an order or decision, lower bound (yuan)"),
    ("inspection.refusal_fine_max", "20000", "2004-12-01", "《劳动保障监察条例》第三十条 [C]",
     "fine for refusing an order or decision, upper bound (yuan)"),
    ("intake.max_representatives", "5", "2004-12-01", "local practice [P]",
     "representatives of a collective complaint"),
    ("intake.min_worker_age", "16", "1995-01-01", "《劳动法》第十五条 [D: plausibility check]",
     "minimum age at the start of the claimed work"),
    ("intake.max_item_amount", "1000000", "2004-12-01", "[D] plausibility check",
     "largest amount accepted on one arrears line item (yuan)"),
]

# Tibet layers [P]: from spec §2.2; every row names its source. Shoton (雪顿节) dates are announced yearly by each
# prefecture and are not loaded: an administrator adds them from the notice.
TIBET_DAYS = [
    # region, first day, last day, kind, name, source
    ("540000", "2025-02-27", "2025-03-04", "off", "藏历新年", "西藏自治区 2025年藏历新年放假通知 [P]"),
    ("540100", "2026-02-15", "2026-02-26", "off", "春节、藏历新年", "拉萨市 2026年春节、藏历新年放假通知 [P]"),
    ("540100", "2026-02-14", "2026-02-14", "workday", "春节、藏历新年调休", "拉萨市 2026年春节、藏历新年放假通知 [P]"),
    ("540100", "2026-02-28", "2026-02-28", "workday", "春节、藏历新年调休", "拉萨市 2026年春节、藏历新年放假通知 [P]"),
]

MIN_WAGES = [
    ("540000", "1400.00", "13.00", "2015-01-01", "西藏自治区 2015年最低工资标准 [P]"),
    ("540000", "1650.00", "16.00", "2018-01-01", "藏政办发〔2018〕2号 [P]"),
    ("540000", "1850.00", "18.00", "2021-07-01", "藏政办发〔2021〕19号 [P]"),
]

# PLACEHOLDER: Tibet's high-court figures are unknown (spec §17). These sit at the bottom of the national ranges
# (法释〔2013〕3号 art. 3) and are flagged is_placeholder until the real ones are entered.
CRIMINAL_THRESHOLDS = [
    ("540000", "5000.00", 3, "30000.00", 10, "2013-01-23",
     "PLACEHOLDER: national minimum of 法释〔2013〕3号 art. 3; Tibet's filed figures not yet obtained"),
]


def load_regions(get_model):
    Region = get_model("casework", "Region")
    with open(DATA / "regions_tibet.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_level = {"province": 0, "prefecture": 1, "county": 2}
    for row in sorted(rows, key=lambda r: by_level[r["level"]]):
        Region.objects.update_or_create(code=row["code"], defaults={
            "parent_id": row["parent_code"] or None, "level": row["level"], "name_zh": row["name_zh"],
            "name_en": row["name_en"]})


def load_rules(get_model):
    DeadlineRule = get_model("casework", "DeadlineRule")
    for rule_id, n, unit, anchor, citation, desc in RULES:
        DeadlineRule.objects.update_or_create(rule_id=rule_id, effective_from=RULES_FROM, defaults={
            "n": n, "unit": unit, "anchor_event": anchor, "citation": citation, "description": desc})
    LegalParameter = get_model("casework", "LegalParameter")
    for key, value, since, citation, desc in PARAMS:
        LegalParameter.objects.update_or_create(key=key, region=None, effective_from=dt.date.fromisoformat(since),
                                                defaults={"value": Decimal(value), "citation": citation,
                                                          "description": desc})


def load_money_config(get_model):
    MinimumWageStandard = get_model("arrears", "MinimumWageStandard")
    for region, monthly, hourly, since, source in MIN_WAGES:
        MinimumWageStandard.objects.update_or_create(region_code=region, effective_from=dt.date.fromisoformat(since),
                                                     defaults={"monthly_yuan": Decimal(monthly),
                                                               "hourly_yuan": Decimal(hourly), "source_doc": source})
    CriminalThreshold = get_model("arrears", "CriminalThreshold")
    for prov, per, months, total, workers, since, source in CRIMINAL_THRESHOLDS:
        CriminalThreshold.objects.update_or_create(province_code=prov, effective_from=dt.date.fromisoformat(since),
                                                   defaults={"per_worker_min_yuan": Decimal(per), "min_months": months,
                                                             "ten_plus_total_min_yuan": Decimal(total),
                                                             "min_workers": workers, "source_doc": source,
                                                             "is_placeholder": True})


def national_calendar_years():
    """Years chinesecalendar knows (its data ends with 2026 in version 1.11.0)."""
    from chinese_calendar import constants

    return sorted({d.year for d in list(constants.holidays) + list(constants.workdays)})


def load_calendar(get_model, years=None):
    from chinese_calendar import constants

    Holiday = get_model("casework", "Holiday")
    CalendarCoverage = get_model("casework", "CalendarCoverage")
    import chinese_calendar

    version = getattr(chinese_calendar, "__version__", "")
    years = set(years or [y for y in national_calendar_years() if y >= 2024])
    for kind, table in (("off", constants.holidays), ("workday", constants.workdays)):
        for day, holiday in table.items():
            if day.year not in years:
                continue
            value = getattr(holiday, "value", holiday)
            name = str(value[0] if isinstance(value, tuple) else value)
            Holiday.objects.update_or_create(region=None, date=day, defaults={
                "kind": kind, "name": name[:64],
                "source_doc": f"国务院办公厅 {day.year}年部分节假日安排的通知 (chinesecalendar {version})"})
    for y in sorted(years):
        CalendarCoverage.objects.update_or_create(region=None, year=y, defaults={
            "source_doc": f"国务院办公厅 {y}年部分节假日安排的通知 (chinesecalendar {version})"})
    for region, first, last, kind, name, source in TIBET_DAYS:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            Holiday.objects.update_or_create(region_id=region, date=day, defaults={
                "kind": kind, "name": name, "source_doc": source})
            day += dt.timedelta(days=1)


def load_all(get_model):
    load_regions(get_model)
    load_rules(get_model)
    load_money_config(get_model)
    load_calendar(get_model)


def load_rule_rows(get_model, *, rules=(), params=(), effective_from):
    """Load an app's rule-table rows (rule_id, n, unit, anchor event, citation, description) and legal parameters
    (key, value, citation, description), national and in force from ``effective_from``. Used by migrations (with
    the historical ``apps.get_model``) and after a test flush. Idempotent, and never overwrites a row an
    administrator changed."""
    DeadlineRule = get_model("casework", "DeadlineRule")
    for rule_id, n, unit, anchor, citation, desc in rules:
        DeadlineRule.objects.get_or_create(rule_id=rule_id, effective_from=effective_from, defaults={
            "n": n, "unit": unit, "anchor_event": anchor, "citation": citation[:255], "description": desc[:255]})
    LegalParameter = get_model("casework", "LegalParameter")
    for key, value, citation, desc in params:
        LegalParameter.objects.get_or_create(key=key, region=None, effective_from=effective_from, defaults={
            "value": value, "citation": citation[:255], "description": desc[:255]})
