"""Construction projects' reference data (spec §3 ``WageGuaranteeRatio``, §11): the legal numbers of the safeguard
rules as effective-dated rows, never constants in code.

- Periods are ``casework.DeadlineRule`` rows (number + unit + anchor + citation), computed by the legal clock.
- Amounts, ratios and counts are ``casework.LegalParameter`` rows (``param(key, on=, region_code=)``); a province,
  prefecture or county row beats the general (national) row, so Tibet's own guarantee ratio is one more row with
  ``region=540000`` once it is known.

Loaded by migration ``arrears/0005_project_reference_data`` (``SETTLEMENT_RULES``: by
``arrears/0008_settlement_reference_data``) and again after a database flush (arrears.apps), like
blacklist/reference_data_grading.py. ``get_or_create``: a row an administrator changed is never overwritten."""
import datetime as dt

__all__ = ["RULES", "PARAMS", "SETTLEMENT_RULES", "load_project_reference", "load_settlement_reference",
           "reload_after_flush", "MWR"]

MWR = "《保障农民工工资支付条例》（国务院令第724号）"
GUARANTEE_RULES = "《工程建设领域农民工工资保证金规定》（人社部发〔2021〕65号）"
ACCOUNT_RULES = "《工程建设领域农民工工资专用账户管理暂行办法》（人社部发〔2021〕53号）"
FROM = dt.date(2020, 5, 1)  # the Regulation's entry into force

RULES = [
    # rule_id, n, unit, anchor event, citation, description
    ("PROJ-ACCOUNT-OPEN", 30, "CD", "construction contract signed",
     f"{MWR}第二十六条；{ACCOUNT_RULES} [P]",
     "open the dedicated wage account (农民工工资专用账户) after the contract is signed"),
    ("PROJ-GUARANTEE-DEPOSIT", 20, "WD", "construction permitted/started (contract date if not recorded)",
     f"{MWR}第三十二条；{GUARANTEE_RULES} [P; anchor M]",
     "deposit the wage guarantee or lodge the bank guarantee"),
    ("PROJ-PAYROLL-KEEP", 3, "YEAR", "payroll month paid",
     f"{MWR}第十五条 [C]", "keep the payroll ledger (工资支付台账) at least this long"),
]

PARAMS = [
    # key, value, citation, description (with the unit)
    ("project.labour_cycle_max_days", "31", f"{MWR}第二十四条 [C: 'not longer than one month'; D: 31 days]",
     "longest labour-cost allocation cycle (calendar days); a longer cycle is a finding"),
    ("project.guarantee_ratio", "0.01",
     f"{GUARANTEE_RULES} [P] PLACEHOLDER: national lower bound; Tibet's own ratio not yet obtained (spec §17)",
     "wage guarantee as a share of the contract value (0.01 = 1%); set per province as a region row"),
    ("project.guarantee_ratio_min", "0.01", f"{GUARANTEE_RULES} [P]",
     "lowest ordinary ratio (share of the contract value)"),
    ("project.guarantee_ratio_max", "0.03", f"{GUARANTEE_RULES} [P]",
     "highest ordinary ratio (share of the contract value)"),
    ("project.guarantee_ratio_floor", "0.005", f"{GUARANTEE_RULES} [P]",
     "a lowered ratio may not go below this share of the contract value"),
    ("project.guarantee_exempt_below", "3000000", f"{GUARANTEE_RULES} [P]",
     "contracts below this value (yuan) with no arrears in the look-back period may be exempt"),
    ("project.guarantee_exempt_lookback_months", "12", f"{GUARANTEE_RULES} [P: 'no arrears in the last year']",
     "look-back period for the exemption (months): an amount ordered on the contractor in it bars the exemption"),
    ("wages.monthly_pay_days", "21.75", "《关于职工全年月平均工作时间和工资折算问题的通知》（劳社部发〔2008〕3号）[C]",
     "monthly pay days (计薪天数): a month's minimum wage is pro-rated per day worked by this divisor"),
]


# Completion and settlement (docs/construction.md "Completion and settlement"), loaded by arrears/0008.
SETTLEMENT_RULES = [
    ("PROJ-SETTLE-NOTICE", 30, "CD", "wage-settlement notice posted on site",
     f"{MWR}第二十七条；{GUARANTEE_RULES} [C: art. 27; P: 65号]",
     "public notice of the wage settlement before the project is settled, the dedicated account closed and the "
     "guarantee refunded"),
    ("PROJ-ROSTER-KEEP", 3, "YEAR", "project completed and wages fully settled",
     f"{MWR}第二十八条 [C]", "keep the real-name roster (用工管理台账) at least this long after settlement"),
]


def load_settlement_reference(get_model):
    from casework.reference_data import load_rule_rows

    load_rule_rows(get_model, rules=SETTLEMENT_RULES, effective_from=FROM)


def load_project_reference(get_model):
    from casework.reference_data import load_rule_rows

    load_rule_rows(get_model, rules=RULES, params=PARAMS, effective_from=FROM)


def reload_after_flush(sender, using="default", **kwargs):
    """post_migrate: after a flush (transactional tests) the rows the migration loaded are gone: load them again."""
    from django.apps import apps

    if not apps.get_model("casework", "LegalParameter").objects.using(using).filter(
            key="project.guarantee_ratio").exists():
        load_project_reference(apps.get_model)
    if not apps.get_model("casework", "DeadlineRule").objects.using(using).filter(
            rule_id="PROJ-SETTLE-NOTICE").exists():
        load_settlement_reference(apps.get_model)
