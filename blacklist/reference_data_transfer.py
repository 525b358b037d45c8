"""The criminal-transfer rows of the rule table and its legal parameter (spec §7.2), in the style of
blacklist.reference_data: loaded by the migration ``blacklist/*_criminal_transfer`` and again after a database
flush (blacklist.registration_transfer). Day counts and the team size live here as data with their citation,
never in the services.

Units (spec §2.1-2.2): 国务院令第310号 says "3日" and "24小时" without "工作日", so the 3-day periods are calendar days
whose last day, if it is a rest day or a holiday, rolls forward to the next working day (§2.2 rule 3 [M]).
The 24 hours are hours: ``TR-TRANSFER`` is stored as 1 calendar day (n × 24 hours); the service checks the 24
hours on the stored times (approval and transfer are datetimes) and the Deadline row is due the calendar day after
the approval, *not* rolled (the police receive transfers on any day)."""
import datetime as dt
from decimal import Decimal

__all__ = ["C310", "TRANSFER_RULES", "TRANSFER_PARAMS", "TRANSFER_RULES_FROM", "load_transfer_rules",
           "reload_after_flush"]

C310 = "《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号）"
TRANSFER_RULES = [
    # rule_id, n, unit, anchor event, citation, description
    ("TR-HEAD-DECISION", 3, "CD", "transfer report submitted", f"{C310}第五条 [P]",
     "the head approves or refuses the transfer within 3 days of the task team's report (calendar days, rolled "
     "forward past rest days)"),
    ("TR-TRANSFER", 1, "CD", "transfer approved", f"{C310}第五条 [P]",
     "transfer to the police within 24 hours of the approval (n × 24 hours, checked on the times; the deadline row "
     "is due the calendar day after the approval, not rolled)"),
    ("TR-POLICE-DECISION", 3, "CD", "transfer received by the police", f"{C310}第八条 [P]",
     "the police decide whether to file the case within 3 days of receiving it and notify in writing"),
    ("TR-RECONSIDERATION", 3, "CD", "notice of non-filing", f"{C310}第九条 [M]",
     "the department may ask the police to reconsider a non-filing within 3 days of the notice"),
    ("TR-RECONSIDERATION-DECISION", 3, "CD", "reconsideration request received", f"{C310}第九条 [M]",
     "the police decide on the reconsideration within 3 days of receiving the request"),
]
TRANSFER_PARAMS = [
    # key, value, citation, description
    ("transfer.min_officers", "2", f"{C310}第五条 [P]",
     "officers of the task team that writes the transfer report (at least)"),
]
TRANSFER_RULES_FROM = dt.date(2001, 7, 9)  # 国务院令第310号 promulgated and in force


def load_transfer_rules(get_model):
    DeadlineRule = get_model("casework", "DeadlineRule")
    for rule_id, n, unit, anchor, citation, desc in TRANSFER_RULES:
        DeadlineRule.objects.update_or_create(rule_id=rule_id, effective_from=TRANSFER_RULES_FROM, defaults={
            "n": n, "unit": unit, "anchor_event": anchor, "citation": citation, "description": desc})
    LegalParameter = get_model("casework", "LegalParameter")
    for key, value, citation, desc in TRANSFER_PARAMS:
        LegalParameter.objects.update_or_create(key=key, region=None, effective_from=TRANSFER_RULES_FROM, defaults={
            "value": Decimal(value), "citation": citation, "description": desc})


def reload_after_flush(sender, using="default", **kwargs):
    """After a flush (transactional tests) the rows the migration loaded are gone: load them again. Idempotent."""
    from django.apps import apps

    DeadlineRule = apps.get_model("casework", "DeadlineRule")
    if not DeadlineRule.objects.using(using).filter(rule_id="TR-RECONSIDERATION-DECISION").exists():
        load_transfer_rules(apps.get_model)
