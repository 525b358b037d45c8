"""The rule-table rows of the construction remedies (spec §11), loaded by migration ``arrears/0005`` and again
after a database flush (``arrears.models_remedies``). Numbers live here as data rows with their citation, never in
the services."""
import datetime as dt

__all__ = ["RULES", "RULES_FROM", "load_rules"]

GUARANTEE_RULES = "《工程建设领域农民工工资保证金规定》（人社部发〔2021〕65号）"

RULES_FROM = dt.date(2021, 11, 1)

RULES = [
    # rule_id, n, unit, anchor event, citation, description
    ("REM-GUARANTEE-BANK-PAY", 5, "WD", "bank notified of the guarantee draw",
     f"《保障农民工工资支付条例》第三十二条；{GUARANTEE_RULES} [P; article number M]",
     "the bank pays the workers out of the wage guarantee"),
    ("REM-GUARANTEE-TOPUP", 10, "WD", "guarantee paid out",
     f"《保障农民工工资支付条例》第三十二条；{GUARANTEE_RULES} [P; article number M]",
     "the general contractor tops the wage guarantee up"),
]


def load_rules(get_model):
    from casework.reference_data import load_rule_rows

    load_rule_rows(get_model, rules=RULES, effective_from=RULES_FROM)
