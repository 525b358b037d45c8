"""Mediation and arbitration rows of the rule table and their legal parameters (spec §2.1, §5, §6.2), in the style
of casework.reference_data: loaded by migration disputes/0002 and again after a database flush (disputes.apps).

Units follow the Arbitration Rules art. 80: "三日", "五日", "十日" are working days; "十五日", "四十五日" are calendar
days. The Enterprise Mediation Rules say "3个工作日"; their unqualified "15日" is calendar days (spec §2.1)."""
import datetime as dt

__all__ = ["RULES", "PARAMS", "RULES_FROM", "load_rules"]

LDMAL = "《劳动争议调解仲裁法》"
RULES_ARB = "《劳动人事争议仲裁办案规则》（人社部令第33号）"
EMR = "《企业劳动争议协商调解规定》（人社部令第17号）"
SPC_I = "《最高人民法院关于审理劳动争议案件适用法律问题的解释（一）》（法释〔2020〕26号）"

RULES = [
    # rule_id, n, unit, anchor event, citation, description
    ("MED-ACCEPT", 3, "WD", "mediation application received", f"{EMR}第二十二条 [C]",
     "the mediation body accepts or refuses the application"),
    ("MED-END", 15, "CD", "mediation application received", f"{LDMAL}第十四条 [C]",
     "mediation ends without agreement after 15 days: the parties may apply for arbitration"),
    ("MED-REVIEW-FILE", 15, "CD", "agreement took effect", f"{RULES_ARB}第七十四条 [C]",
     "joint application for arbitral review of a mediation agreement"),
    ("MED-REVIEW", 5, "WD", "joint review application received", f"{RULES_ARB}第七十六条 [C]",
     "the commission concludes the review"),
    ("MED-REVIEW-EXT", 5, "WD", "review due date", f"{RULES_ARB}第七十六条 [C]",
     "extension of the review, once, with approval"),
    ("ARB-SUPPLEMENT", 5, "WD", "application received", f"{RULES_ARB}第二十九条 [C]",
     "one-time written notice of everything missing"),
    ("ARB-ACCEPT", 5, "WD", "application received (or complete)", f"{LDMAL}第二十九条；{RULES_ARB}第三十条 [C]",
     "accept, refuse with reasons, or explain lack of jurisdiction; silence lets the applicant sue"),
    ("ARB-SERVE", 5, "WD", "application accepted", f"{LDMAL}第三十条 [C]",
     "serve a copy of the application on the respondent"),
    ("ARB-DEFENCE", 10, "WD", "application served on the respondent", f"{LDMAL}第三十条；{RULES_ARB}第三十三条 [C]",
     "the respondent's defence (no defence does not stop the case)"),
    ("ARB-DEFENCE-COPY", 5, "WD", "defence received", f"{LDMAL}第三十条 [C]",
     "serve a copy of the defence on the applicant"),
    ("ARB-TRIBUNAL", 5, "WD", "application accepted", f"{LDMAL}第三十二条；{RULES_ARB}第三十七条 [C]",
     "form the tribunal and notify its composition in writing"),
    ("ARB-COUNTERCLAIM", 5, "WD", "counterclaim received", f"{RULES_ARB}第三十六条 [C]",
     "decide whether to accept a counterclaim"),
    ("ARB-RECUSAL", 3, "WD", "recusal requested", f"{RULES_ARB}第十一条 [C]", "decide a recusal request"),
    ("ARB-HEARING-NOTICE", 5, "WD", "hearing notice served", f"{LDMAL}第三十五条；{RULES_ARB}第三十八条 [C]",
     "written notice at least 5 working days before the hearing"),
    ("ARB-POSTPONE", 3, "WD", "postponement requested", f"{LDMAL}第三十五条 [C]",
     "a postponement must be requested at least 3 working days before the hearing"),
    ("ARB-AWARD", 45, "CD", "application accepted", f"{LDMAL}第四十三条；{RULES_ARB}第四十五条 [C]",
     "award within 45 days of acceptance"),
    ("ARB-AWARD-EXT", 15, "CD", "award due date", f"{LDMAL}第四十三条 [C]",
     "extension of the award period: at most 15 days, approved by the chair, parties notified in writing"),
    ("ARB-ENTRUSTED-MED", 10, "WD", "entrusted mediation started", f"{RULES_ARB}第七十条 [C]",
     "pre-hearing entrusted mediation; without agreement a hearing must be held"),
    ("ARB-DEEMED-SERVICE", 3, "WD", "document posted at the address", f"{RULES_ARB}第二十条 [C]",
     "a document left or posted at the address is served when this period has passed"),
    ("ARB-SUE-WORKER", 15, "CD", "award received", f"{LDMAL}第四十八条、第五十条 [C]",
     "the worker may sue at the basic court"),
    ("ARB-REVOKE", 30, "CD", "final award received", f"{LDMAL}第四十九条 [C]",
     "the employer may apply to the intermediate court to revoke a final award"),
    ("ARB-SUE-NONFINAL", 15, "CD", "award received", f"{LDMAL}第五十条 [C]",
     "either party may sue against a non-final award; unused, the award takes effect"),
    ("ARB-SUE-AFTER-REVOKE", 15, "CD", "revocation ruling received", f"{LDMAL}第四十九条 [C]",
     "after the court revokes a final award, either party may sue over the dispute"),
    ("ARB-REVOKE-AFTER-SUIT", 30, "CD", "ruling ending the worker's suit received", f"{SPC_I}第二十一条 [C]",
     "the worker's suit dismissed or withdrawn: the employer may then apply to revoke the final award"),
    ("ARB-LIMITATION", 1, "YEAR", "infringement known", f"{LDMAL}第二十七条 [C]",
     "limitation period for applying for arbitration"),
    ("ARB-RETENTION-AWARD", 10, "YEAR", "case closed", f"{RULES_ARB}第二十四条 [C]",
     "file retention for cases closed by award"),
    ("ARB-RETENTION-OTHER", 5, "YEAR", "case closed", f"{RULES_ARB}第二十四条 [C]",
     "file retention for cases closed otherwise"),
]
RULES_FROM = dt.date(2017, 7, 1)

PARAMS = [
    # key, value, effective_from, citation, description
    ("arbitration.final_cap_months", "12", "2008-05-01", f"{LDMAL}第四十七条 [C]",
     "final-award cap per item, in months of the local monthly minimum wage"),
    ("arbitration.final_cap_reference", "0", "2008-05-01", "spec §3 [D/M]",
     "which date picks the minimum wage for the cap: 0 = the award date, 1 = the date the application was "
     "received"),
    ("arbitration.max_extension_days", "15", "2008-05-01", f"{LDMAL}第四十三条 [C]",
     "longest extension of the award period (calendar days)"),
    ("arbitration.collective_min_workers", "10", "2017-07-01", f"{RULES_ARB}第六十三条、第六十五条 [C]",
     "workers with a common claim that make a collective case (three arbitrators, priority)"),
    ("arbitration.posting_min_workers", "10", "2017-07-01", f"{RULES_ARB}第二十条 [C]",
     "service by leaving or posting a document at the address when the business has stopped: at least this many "
     "workers involved (otherwise only when the recipient refuses to sign)"),
    ("arbitration.simple_procedure_cap", "0", "2017-07-01", f"{RULES_ARB}第五十六条 [C]; Tibet value unknown",
     "previous-year average annual wage of the province (0 = not configured: the amount test is not applied)"),
    ("mediation.agreement_max_instalments", "24", "2008-05-01", "[D] plausibility check",
     "most instalments in one mediation agreement"),
]


def load_rules(get_model):
    DeadlineRule = get_model("casework", "DeadlineRule")
    LegalParameter = get_model("casework", "LegalParameter")
    for rule_id, n, unit, anchor, citation, desc in RULES:
        DeadlineRule.objects.update_or_create(rule_id=rule_id, effective_from=RULES_FROM, defaults={
            "n": n, "unit": unit, "anchor_event": anchor, "citation": citation, "description": desc})
    for key, value, since, citation, desc in PARAMS:
        LegalParameter.objects.update_or_create(key=key, region=None, effective_from=dt.date.fromisoformat(since),
                                                defaults={"value": value, "citation": citation,
                                                          "description": desc})
