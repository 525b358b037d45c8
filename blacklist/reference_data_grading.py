"""Integrity grading's reference data (spec §10, 人社部规〔2016〕1号): its legal parameters as rows of the
effective-dated ``casework.LegalParameter`` table, loaded by migration ``blacklist/0007_grading`` (its RunPython
step) and again after a database flush (blacklist.apps), like blacklist/reference_data.py does for the rule table;
and the grade rules' citations (the rules' structure is law, the numbers in them are parameters).

Nothing here is a deadline: the national text sets no period for grading, notification or objections (§10 tags the
objection [M]); no deadline row is invented."""
import datetime as dt

__all__ = ["MEASURES", "PARAMS", "PARAMS_FROM", "GROUND_RULES", "GRADE_RULES", "load_params", "reload_after_flush"]

MEASURES = "《企业劳动保障守法诚信等级评价办法》（人社部规〔2016〕1号）"


def _art(item: str) -> str:
    return f"{MEASURES}第五条{item} [P; article number M]"


PARAMS_FROM = dt.date(2017, 1, 1)

PARAMS = [
    # key, value, citation, description
    ("grading.c_punished_times", "3", _art("（三）1"),
     "grade C: investigated and punished at least this many times in the previous year"),
    ("grading.public_display", "0", f"{MEASURES} [P: public display not required nationally; D: default off]",
     "1 = approved integrity grades are shown on the public page of the region (set per province or "
     "prefecture as a region row); 0 = not public"),
]

# rule id -> (grade, citation, description). The order is the Measures' order; the first that holds names the grade.
GRADE_RULES = {
    "GR-C1": ("C", _art("（三）1"), "investigated and punished at least the configured number of times"),
    "GR-C2": ("C", _art("（三）2"), "a violation caused a mass or extreme incident or serious social impact"),
    "GR-C3": ("C", _art("（三）3"), "investigated and punished for child labour, forced labour or a similar "
                                     "serious violation"),
    "GR-C4": ("C", _art("（三）4"), "refused to carry out a rectification order, handling decision or penalty "
                                     "decision"),
    "GR-C5": ("C", _art("（三）5"), "unreasonably resisted or obstructed labour inspection"),
    "GR-C6": ("C", _art("（三）6"), "held criminally liable for a labour-security violation"),
    "GR-B": ("B", _art("（二）"), "investigated and punished, none of the C situations"),
    "GR-A": ("A", _art("（一）"), "complied; not investigated and punished for any violation"),
}

# evidence ground -> the rule it feeds (PUNISHED feeds GR-B, and GR-C1 when counted often enough)
GROUND_RULES = {
    "PUNISHED": "GR-B",
    "INCIDENT": "GR-C2",
    "CHILD_LABOUR": "GR-C3",
    "FORCED_LABOUR": "GR-C3",
    "SERIOUS_OTHER": "GR-C3",
    "REFUSED_ORDER": "GR-C4",
    "OBSTRUCTION": "GR-C5",
    "CRIMINAL": "GR-C6",
}


def load_params(get_model):
    LegalParameter = get_model("casework", "LegalParameter")
    for key, value, citation, desc in PARAMS:
        LegalParameter.objects.get_or_create(key=key, region=None, effective_from=PARAMS_FROM, defaults={
            "value": value, "citation": citation, "description": desc[:255]})


def reload_after_flush(sender, using="default", **kwargs):
    """post_migrate: after a flush (transactional tests) the rows the migration loaded are gone: load them again.
    Idempotent; never overwrites a row an administrator changed."""
    from django.apps import apps

    if not apps.get_model("casework", "LegalParameter").objects.using(using).filter(
            key="grading.public_display").exists():
        load_params(apps.get_model)
