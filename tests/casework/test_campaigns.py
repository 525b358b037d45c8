"""Enforcement campaigns (casework.services.campaigns): creation within reach, target selection by each rule and
deduplication, teams and assignment, visits with checklist and a case opened ex officio, progress by region."""
import datetime as dt
from decimal import Decimal

import pytest

from arrears.models import Payment
from arrears.services import item_verify, payment_record
from casework.errors import DomainError, NotAllowed
from casework.models import Campaign, CampaignTarget, Complaint, Employer, Project
from casework.services import campaigns as svc
from tests.factories import submit

D = Decimal
TODAY = dt.date.today()
CHECK_OK = {"dedicated_account": "yes", "guarantee": "yes", "roster": "yes", "payroll": "yes",
            "notice_board": "yes", "wages_paid": "yes"}


def project(name, region="540102", gc=None, state="active"):
    gc = gc or Employer.objects.create(name=f"{name}总承包公司", is_construction=True)
    dev = Employer.objects.create(name=f"{name}开发公司")
    return Project.objects.create(name=name, region_id=region, developer=dev, general_contractor=gc,
                                  contract_value=D("5000000"), contract_signed_on=dt.date(2026, 3, 1),
                                  labour_cost_cycle_days=30, state=state)


def grade(employer, g, staff, region="540100", year=2026):
    from blacklist.models_grading import GradeProposal, GradingRun

    run, _ = GradingRun.objects.get_or_create(year=year, region_id=region)
    return GradeProposal.objects.create(run=run, employer=employer, year=year, state="APPROVED", proposed_grade=g,
                                        final_grade=g, rule_id=f"GR-{g}", rule_citation="x",
                                        approved_by=staff["head"])


def create(staff, rules=("active_projects",), regions=("540100",), user="head", **kw):
    return svc.campaign_create(user=staff[user], name="两清零（藏历新年前）", starts_on=TODAY - dt.timedelta(days=10),
                               ends_on=TODAY + dt.timedelta(days=30), region_codes=list(regions),
                               target_rules=list(rules), **kw)


def test_create_within_reach_only(staff):
    c = create(staff)
    assert [i["key"] for i in c.checklist] == [k for k, _l in svc.DEFAULT_CHECKLIST]
    with pytest.raises(DomainError) as e:
        create(staff, regions=("540200",))  # Shigatse: not the Lhasa head's
    assert "regions" in e.value.errors
    with pytest.raises(NotAllowed):
        create(staff, user="inspector")
    with pytest.raises(DomainError):
        create(staff, rules=("no_such_rule",))


def test_target_rules_select_and_deduplicate(staff):
    shared_gc = Employer.objects.create(name="共用总包", is_construction=True)
    p1 = project("安置房", gc=shared_gc)
    p2 = project("学校", gc=shared_gc)
    project("已完工", state="completed")
    project("日喀则项目", region="540202")  # outside the campaign's region
    graded_c = Employer.objects.create(name="C级企业", registration_region_code="540102")
    graded_b = Employer.objects.create(name="B级企业")
    grade(graded_c, "C", staff)
    grade(graded_b, "B", staff)
    c_case = submit().complaint  # open complaint, no project: employer target
    # an open complaint on project p1: deduplicated with the active-project target of p1
    other = submit(employer={"name": "分包公司", "uscc": "", "address": "", "legal_rep_name": ""}).complaint
    Complaint.objects.filter(pk=other.pk).update(project=p1)
    camp = create(staff, rules=("active_projects", "grade_c", "open_complaints"))
    n = svc.campaign_generate_targets(user=staff["head"], campaign=camp)
    targets = {t.key: t for t in camp.targets.all()}
    assert set(targets) == {f"p{p1.pk}", f"p{p2.pk}", f"e{graded_c.pk}", f"e{c_case.employer_id}"}
    assert n == 4
    assert targets[f"p{p1.pk}"].reasons == ["active_projects", "open_complaints"]
    assert targets[f"e{graded_c.pk}"].reasons == ["grade_c"]
    # idempotent
    assert svc.campaign_generate_targets(user=staff["head"], campaign=camp) == 0
    assert camp.targets.count() == 4


def test_safeguard_findings_rule_uses_the_findings_contract(staff):
    p_bad = project("无专户项目")  # no account, no guarantee: findings
    camp = create(staff, rules=("safeguard_findings",))
    svc.campaign_generate_targets(user=staff["head"], campaign=camp)
    t = camp.targets.get()
    assert t.project_id == p_bad.pk and t.reasons == ["safeguard_findings"]


def test_teams_assignment_and_visit_opening_a_case(staff):
    p1 = project("安置房")
    camp = create(staff)
    svc.campaign_generate_targets(user=staff["head"], campaign=camp)
    target = camp.targets.get()
    with pytest.raises(DomainError):  # a Shigatse inspector is not of this region
        svc.team_create(user=staff["head"], campaign=camp, name="一组", region_code="540100",
                        members=[staff["shigatse"]])
    team = svc.team_create(user=staff["head"], campaign=camp, name="一组", region_code="540100",
                           members=[staff["inspector"], staff["inspector_b"]])
    assert svc.targets_assign(user=staff["head"], campaign=camp, target_ids=[target.pk], team=team) == 1
    target.refresh_from_db()
    assert target.state == "assigned"
    answers = {**CHECK_OK, "dedicated_account": "no", "wages_paid": "no"}
    with pytest.raises(DomainError) as e:  # one inspector is not enough (Reg. 16)
        svc.visit_record(user=staff["inspector"], target=target, visited_on=TODAY, inspectors=[staff["inspector"]],
                         answers=answers)
    assert "inspectors" in e.value.errors
    with pytest.raises(DomainError):  # every checklist item answered
        svc.visit_record(user=staff["inspector"], target=target, visited_on=TODAY,
                         inspectors=[staff["inspector"], staff["inspector_b"]], answers={"guarantee": "yes"})
    with pytest.raises(NotAllowed):
        svc.visit_record(user=staff["shigatse"], target=target, visited_on=TODAY,
                         inspectors=[staff["inspector"], staff["inspector_b"]], answers=answers)
    v = svc.visit_record(user=staff["inspector"], target=target, visited_on=TODAY,
                         inspectors=[staff["inspector"], staff["inspector_b"]], answers=answers,
                         findings="三名工人九月工资未付。", open_case=True)
    assert v.has_findings and v.complaint is not None
    case = v.complaint
    assert case.channel == "ex_officio" and case.project_id == p1.pk and case.employer_id == p1.general_contractor_id
    assert "专用账户" in case.facts or "dedicated" in case.facts
    assert "三名工人九月工资未付" in case.facts
    target.refresh_from_db()
    assert target.state == "visited"


def test_progress_counts_and_recovered_amounts(staff):
    project("安置房")
    project("学校")
    camp = create(staff)
    svc.campaign_generate_targets(user=staff["head"], campaign=camp)
    t1, t2 = list(camp.targets.order_by("pk"))
    team = svc.team_create(user=staff["head"], campaign=camp, name="一组", region_code="540100",
                           members=[staff["inspector"], staff["inspector_b"]])
    svc.targets_assign(user=staff["head"], campaign=camp, target_ids=[t1.pk, t2.pk], team=team)
    v = svc.visit_record(user=staff["inspector"], target=t1, visited_on=TODAY,
                         inspectors=[staff["inspector"], staff["inspector_b"]],
                         answers={**CHECK_OK, "wages_paid": "no"}, open_case=True)
    # the opened case recovers money for one worker
    from arrears.models import ArrearsLineItem
    from casework.models import Person

    w = Person.objects.create(name="多吉")
    item = ArrearsLineItem.objects.create(complaint=v.complaint, worker=w, category="wages",
                                          period_start=dt.date(2026, 9, 1), period_end=dt.date(2026, 9, 30),
                                          amount_claimed=D("8000"))
    item_verify(item=item, amount_verified=D("8000"), user=staff["inspector"])
    payment_record(item=item, amount=D("3000"), paid_on=TODAY, user=staff["inspector"])
    payment_record(item=item, amount=D("2000"), paid_on=TODAY, user=staff["inspector"])
    p = svc.campaign_progress(camp)
    assert p["total"] == {"targets": 2, "visited": 1, "findings": 1, "cases": 1, "workers_paid": 1,
                          "recovered": D("5000.00")}
    assert [r["region"] for r in p["by_region"]] == ["540100"]
    assert p["by_region"][0]["region_name"]


def test_campaigns_visible_in_reach(staff):
    camp = create(staff)
    assert camp in svc.campaigns_for(staff["inspector"])
    assert camp not in svc.campaigns_for(staff["shigatse"])
    assert not svc.can_manage(staff["shigatse_head"], camp)


def test_demo_campaign(staff):
    from casework.demo_campaigns import DEMO_CAMPAIGN, seed_demo_campaign

    users = {"inspection_head": staff["head"], "inspector": staff["inspector"], "inspector_b": staff["inspector_b"]}
    lines = seed_demo_campaign(users)
    camp = Campaign.objects.get(name=DEMO_CAMPAIGN)
    assert lines and camp.targets.count() >= 2
    assert camp.targets.filter(state="visited").count() == 1
    assert seed_demo_campaign(users) == []  # idempotent
