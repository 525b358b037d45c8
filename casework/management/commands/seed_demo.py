"""Demo users (one per role, named after it) and a handful of cases in different states. Idempotent."""
import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from guardian.shortcuts import assign_perm

from casework.models import Complaint, Region

DEMO_USERS = [
    # username, group, region, region permission, is_staff (admin access)
    ("worker", "worker", None, None, False),
    ("intake_officer", "intake_officer", "540100", "handle_cases", False),
    ("inspector", "inspector", "540100", "handle_cases", False),
    ("inspector_b", "inspector", "540100", "handle_cases", False),
    ("inspection_head", "inspection_head", "540100", "handle_cases", False),
    ("inspector2", "inspector", "540200", "handle_cases", False),
    ("auditor", "auditor", "540000", "view_cases", False),
    ("credit_officer", "credit_officer", "540100", "handle_cases", False),
    ("publisher", "publisher", "540100", "handle_cases", False),
    ("police_liaison", "police_liaison", "540100", "handle_cases", False),
    ("grading_officer", "grading_officer", "540100", "handle_cases", False),
    ("mediator", "mediator", "540100", "handle_cases", False),
    ("arbitration_clerk", "arbitration_clerk", "540100", "handle_cases", False),
    ("arbitration_chair", "arbitration_chair", "540100", "handle_cases", False),
    ("arbitrator", "arbitrator", None, None, False),
    ("arbitrator_b", "arbitrator", None, None, False),
    ("arbitrator_c", "arbitrator", None, None, False),
    ("worker_rep", "worker_rep", None, None, False),
    ("employer_user", "employer_user", None, None, False),
    ("sysadmin", "sysadmin", None, None, True),
]


def demo_payload(**over):
    payload = {
        "kind": "complaint", "region_code": "540102", "sector": "construction",
        "project_name": "拉萨市城关区安置房项目", "project_location": "拉萨市城关区",
        "complainant": {"name": "扎西", "id_number": "540102199001011233", "phone": "13800000001",
                        "preferred_language": "bo"},
        "employer": {"name": "西藏示例建筑工程有限公司", "uscc": "91540100MA6T00012D", "address": "拉萨市城关区",
                     "legal_rep_name": "王某"},
        "employment_status": "left", "employment_end_date": "2026-09-30",
        "violation_start": "2026-07-01", "violation_end": "2026-09-30", "is_continuing": False,
        "workers_affected": 1, "facts": "2026年7月至9月在安置房项目做钢筋工，工资未付。",
        "requests": "支付拖欠工资。",
        "items": [{"category": "wages", "period_start": "2026-07-01", "period_end": "2026-07-31",
                   "amount_claimed": "6000"},
                  {"category": "wages", "period_start": "2026-08-01", "period_end": "2026-08-31",
                   "amount_claimed": "6000"},
                  {"category": "wages", "period_start": "2026-09-01", "period_end": "2026-09-30",
                   "amount_claimed": "6000"}],
    }
    payload.update(over)
    return payload


class Command(BaseCommand):
    help = "Create demo users (password from DEMO_PASSWORD) and demo cases."

    def add_arguments(self, parser):
        parser.add_argument("--no-cases", action="store_true")

    @transaction.atomic
    def handle(self, *args, **opts):
        User = get_user_model()
        users = {}
        for username, group, region, perm, is_staff in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(settings.DEMO_PASSWORD)
            user.is_staff = is_staff
            user.save()
            user.groups.add(Group.objects.get(name=group))
            if region and perm:
                assign_perm(f"casework.{perm}", user, Region.objects.get(code=region))
            users[username] = user
        self.stdout.write(f"demo users: {', '.join(users)} (password: DEMO_PASSWORD)")
        if opts["no_cases"]:
            return
        self._disputes_reference()
        from arrears.demo import seed_demo_project  # construction projects (issue #7)
        self.stdout.write("\n".join(seed_demo_project(users)))
        from casework.demo_campaigns import seed_demo_campaign  # the "两清零" campaign (issue #7)
        self.stdout.write("\n".join(seed_demo_campaign(users)))
        if Complaint.objects.exists():
            self._blacklist(users)
            self._disputes(users)
            return
        from casework.services.intake import complaint_submit
        from casework.workflow import queue_for, task_complete

        today = dt.date.today()
        r1 = complaint_submit(payload=demo_payload())
        r2 = complaint_submit(payload=demo_payload(
            complainant={"name": "卓玛", "id_number": "11010519491231002X", "phone": "13800000002"},
            employer={"name": "拉萨某餐饮管理有限公司", "uscc": "", "address": "", "legal_rep_name": ""},
            sector="other", project_name=""), actor=users["intake_officer"], channel="phone_12333")
        complaint_submit(payload=demo_payload(
            kind="report", complainant={}, region_code="540202",
            employer={"name": "日喀则某矿业公司", "uscc": "", "address": "", "legal_rep_name": ""},
            sector="other", project_name="", items=[]))
        # one case accepted and under investigation in Lhasa
        task = queue_for(users["inspector"]).filter(process=r2.complaint.process).first()
        task_complete(user=users["inspector"], task_id=task.pk, data={"decision": "accept"})
        self.stdout.write(f"demo cases: {r1.complaint.case_number} (access code {r1.access_code}), "
                          f"{r2.complaint.case_number} (access code {r2.access_code}) and a report in Shigatse")
        del today
        self._blacklist(users)
        self._disputes(users)

    def _disputes_reference(self):
        from disputes.demo import seed_bodies

        seed_bodies()

    def _disputes(self, users):
        from disputes.demo import seed_demo_disputes

        for line in seed_demo_disputes(users):
            self.stdout.write(line)

    def _blacklist(self, users):
        from blacklist.demo import seed_demo_listing

        if seed_demo_listing(officer=users["credit_officer"], head=users["inspection_head"],
                             publisher=users["publisher"]):
            self.stdout.write("demo blacklist: one published listing (see /registry/)")
