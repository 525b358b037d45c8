"""Reference data of the disclosure track (spec §9, 人社部令第29号 [P]): its rows of the rule table
(``casework.DeadlineRule``) and its legal parameters (``casework.LegalParameter``), effective-dated, with their
citations. Loaded by migration ``blacklist/0008_disclosure`` and again after a database flush (blacklist.apps).
Every number here is data: change it by adding a row with a later ``effective_from`` (or a region row for a
parameter), never in code."""
import datetime as dt

__all__ = ["ORDER29", "RULES", "PARAMS", "FROM", "load", "reload_after_flush"]

ORDER29 = "《重大劳动保障违法行为社会公布办法》（人社部令第29号）"
FROM = dt.date(2017, 1, 1)

RULES = [
    # rule_id, n, unit, anchor event, citation, description
    ("DC-OBJECTION", 15, "WD", "disclosure published",
     f"{ORDER29} [M: 15 working days confirmed only for Wuhan's local rule [P]; to be checked against Order 29]",
     "the employer may ask for review of a disclosure within 15 working days of its publication"),
    ("DC-DISPLAY", 12, "MONTH", "disclosure published",
     f"{ORDER29} [D: the national text sets no display period [M]; configurable]",
     "how long a disclosure stays on the public page (display_until = publication + this period)"),
]

PARAMS = [
    # key, value, citation, description
    ("disclosure.batch_months.province", "6", f"{ORDER29} [P: the province publishes every half-year]",
     "months per periodic disclosure batch of a provincial department (periods start on 1 January)"),
    ("disclosure.batch_months.prefecture", "3", f"{ORDER29} [P: prefecture departments publish quarterly]",
     "months per periodic disclosure batch of a prefecture department (periods start on 1 January)"),
    ("disclosure.batch_months.county", "3", f"{ORDER29} [P: county departments publish quarterly]",
     "months per periodic disclosure batch of a county department (periods start on 1 January)"),
    ("disclosure.publish_within_wd", "0", f"{ORDER29} [M: a per-case period was not found in the national text]",
     "optional provincial rule: publish within this many working days of the decision; 0 = off (the batch "
     "cadence applies)"),
]


def load(get_model):
    from casework.reference_data import load_rule_rows

    load_rule_rows(get_model, rules=RULES, params=PARAMS, effective_from=FROM)


def reload_after_flush(sender, using="default", **kwargs):
    """post_migrate: after a flush (transactional tests) the rows are gone: load them again. Idempotent; never
    overwrites a row an administrator changed."""
    from django.apps import apps

    if not apps.get_model("casework", "DeadlineRule").objects.using(using).filter(rule_id="DC-OBJECTION").exists():
        load(apps.get_model)
