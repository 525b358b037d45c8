"""Demo data of enforcement campaigns (issue #7): one campaign "两清零（藏历新年前）" in Lhasa, its targets generated
by the rules (with two more small demo projects so that there are a few), one team, and one visited target.
Called by ``manage.py seed_demo`` (after the demo construction project); idempotent."""
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from .models import Campaign, Employer, Project

__all__ = ["seed_demo_campaign", "DEMO_CAMPAIGN"]

DEMO_CAMPAIGN = "两清零（藏历新年前）"
EXTRA_PROJECTS = [
    ("拉萨市城关区第二小学改扩建项目", "540102", "西藏雪域建工集团有限公司"),
    ("堆龙德庆区乃琼镇道路工程", "540103", "西藏高原路桥工程有限公司"),
]


def seed_demo_campaign(users: dict) -> list[str]:
    from .services.campaigns import campaign_create, campaign_generate_targets, targets_assign, team_create, \
        visit_record

    if Campaign.objects.filter(name=DEMO_CAMPAIGN).exists():
        return []
    head, insp, insp_b = users["inspection_head"], users["inspector"], users["inspector_b"]
    today = timezone.localdate()
    developer, _ = Employer.objects.get_or_create(name="拉萨市教育基础设施建设有限公司")
    for name, region, gc_name in EXTRA_PROJECTS:
        gc, _ = Employer.objects.get_or_create(name=gc_name, defaults={"is_construction": True})
        Project.objects.get_or_create(name=name, defaults={
            "region_id": region, "developer": developer, "general_contractor": gc,
            "contract_value": Decimal("8600000"), "contract_signed_on": today - dt.timedelta(days=200),
            "labour_cost_cycle_days": 30, "registered_by": head})
    c = campaign_create(user=head, name=DEMO_CAMPAIGN, starts_on=today - dt.timedelta(days=7),
                        ends_on=today + dt.timedelta(days=70), region_codes=["540100"],
                        target_rules=["active_projects", "safeguard_findings", "grade_c", "open_complaints"])
    campaign_generate_targets(user=head, campaign=c)
    team = team_create(user=head, campaign=c, name="城关区一组", region_code="540100", members=[insp, insp_b])
    targets = list(c.targets.order_by("id"))
    targets_assign(user=head, campaign=c, target_ids=[t.pk for t in targets], team=team)
    if targets:
        answers = {i["key"]: "yes" for i in c.checklist}
        answers["notice_board"] = "no"
        visit_record(user=insp, target=targets[0], visited_on=today, inspectors=[insp, insp_b], answers=answers,
                     findings="维权信息告示牌未公示劳动争议调解仲裁渠道。")
    return [f"demo campaign: {DEMO_CAMPAIGN} with {len(targets)} targets, one visited (/staff/campaigns/{c.pk}/)"]
