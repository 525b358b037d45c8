"""Legal parameters of the grade-based routine inspection plan (spec §10), loaded by migration
``casework/0009_campaigns`` and again after a database flush (``casework.models.campaigns``).

The measures (人社部规〔2016〕1号) say only that A-graded enterprises are inspected less, B more and C as key targets
more often [P/M]; they fix no number. The visits per year are a department's choice [D], kept as effective-dated
rows an administrator changes (a region row beats the national one), never constants in code."""
import datetime as dt
from decimal import Decimal

__all__ = ["PARAMS", "PARAMS_FROM", "load_params"]

MEASURES = "《企业劳动保障守法诚信等级评价办法》（人社部规〔2016〕1号）第十条 [P/M: frequency not fixed; values D]"

PARAMS_FROM = dt.date(2017, 1, 1)

PARAMS = [
    ("inspection_plan.visits_per_year.A", "1", "routine inspections per year of an A-graded employer"),
    ("inspection_plan.visits_per_year.B", "2", "routine inspections per year of a B-graded (or ungraded) employer"),
    ("inspection_plan.visits_per_year.C", "4", "routine inspections per year of a C-graded employer (key target)"),
]


def load_params(get_model):
    LegalParameter = get_model("casework", "LegalParameter")
    for key, value, desc in PARAMS:
        LegalParameter.objects.get_or_create(key=key, region=None, effective_from=PARAMS_FROM, defaults={
            "value": Decimal(value), "citation": MEASURES, "description": desc})
