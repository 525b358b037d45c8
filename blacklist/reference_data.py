"""The blacklist's rows of the rule table (spec §8.2), in the style of casework.reference_data: loaded by migration
blacklist/0002 and again after a database flush (blacklist.apps). Day counts live here as data with their
citation, never in the services."""
import datetime as dt

__all__ = ["RULES", "EARLY_RULES", "RULES_FROM", "load_rules"]

O45 = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人社部令第45号）"
RULES = [
    # rule_id, n, unit, anchor event, citation, description
    ("BL-OBJECTION", 5, "WD", "prior notice received", f"{O45}第六条 [C]",
     "the employer may object within 5 working days of receiving the prior notice"),
    ("BL-OBJECTION-VERIFY", 5, "WD", "objection received", f"{O45}第六条 [C]",
     "the department verifies an objection and informs the party"),
    ("BL-DECISION", 20, "WD", "payment deadline expired", f"{O45}第八条 [C]",
     "listing decision after the order's payment deadline expired"),
    ("BL-DECISION-EXT", 20, "WD", "decision due date", f"{O45}第八条 [C]",
     "extension of the listing decision for a complex case, with the head's approval"),
    ("BL-PERIOD", 3, "YEAR", "listing decided", f"{O45}第十一条 [C]", "listing period"),
    ("BL-REMOVAL", 10, "WD", "listing ended", f"{O45}第十七条 [C]",
     "removal from the published list after expiry, early removal or revocation"),
]
# Early removal (arts. 12-14), migration blacklist/0005. "满6个月" is read as completed months (spec §2.3): the due
# date of BL-EARLY-WAIT is the day the months complete, and an application is accepted from the day after it.
EARLY_RULES = [
    ("BL-EARLY-WAIT", 6, "MONTH", "arrears corrected", f"{O45}第十二条 [C]",
     "early removal: at least 6 full months since the correction; applications accepted from the day after the "
     "due date"),
    ("BL-EARLY-DECISION", 15, "WD", "early-removal application received", f"{O45}第十四条 [C]",
     "decision on an early-removal application"),
]
RULES_FROM = dt.date(2022, 1, 1)


def load_rules(get_model):
    DeadlineRule = get_model("casework", "DeadlineRule")
    for rule_id, n, unit, anchor, citation, desc in RULES + EARLY_RULES:
        DeadlineRule.objects.update_or_create(rule_id=rule_id, effective_from=RULES_FROM, defaults={
            "n": n, "unit": unit, "anchor_event": anchor, "citation": citation, "description": desc})
