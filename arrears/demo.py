"""Demo construction project (``manage.py seed_demo``; idempotent): the account ``general_contractor_user`` and a
Lhasa project with a subcontractor, a dedicated wage account, a guarantee, a notice board, a roster of 8 workers
and 3 months of payroll, written through the same services a user would use. One deliberate gap (a worker missing
from the middle month's payroll) so that the inspectors' /staff/projects/ page has a finding to show.

The project has the name the demo complaint gives (拉萨市城关区安置房项目, 城关区), so tracking that complaint shows
the project's safeguards."""
import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from stdnum.cn import ric, uscc

from casework.models import Project
from casework.services.clock import add_months

__all__ = ["seed_demo_project", "DEMO_PROJECT", "DEMO_USER"]

DEMO_PROJECT = "拉萨市城关区安置房项目"
DEMO_USER = "general_contractor_user"
GC = ("西藏示例建筑工程有限公司", "91540100MA6T00012D")
WORKERS = ["扎西顿珠", "次仁卓玛", "格桑多吉", "央金拉姆", "平措", "德吉", "罗布", "白玛"]


def _uscc(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17 + "0")


def _id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def _png() -> bytes:
    import struct
    import zlib

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


class _Upload:
    def __init__(self, data, name):
        self.data, self.name, self.size = data, name, len(data)

    def read(self, n=-1):
        return self.data if n < 0 else self.data[:n]


def _user():
    User = get_user_model()
    user, created = User.objects.get_or_create(username=DEMO_USER)
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name="general_contractor_user"))
    return user


def seed_demo_project(users: dict | None = None) -> list[str]:
    from .imports import payroll_import, roster_import
    from .services_projects import (account_record, board_record, guarantee_record, guarantee_requirement,
                                    project_register)

    user = (users or {}).get(DEMO_USER) or _user()
    if Project.objects.filter(name=DEMO_PROJECT, accounts__user=user).exists():
        return []
    today = timezone.localdate()
    first = add_months(today.replace(day=1), -4)   # the first month on site; the last due month is today -2
    signed = first - dt.timedelta(days=20)
    p = project_register(user=user, name=DEMO_PROJECT, region_code="540102", location="拉萨市城关区纳金路",
                         developer_uscc=_uscc("91540100MA6T00710"), developer_name="拉萨市城关区城市建设投资有限公司",
                         contractor_uscc=GC[1], contractor_name=GC[0], contract_value="12000000",
                         contract_signed_on=signed, labour_cost_cycle_days=30, started_on=signed + dt.timedelta(days=7),
                         subcontractors=[{"uscc": _uscc("91540100MA6T00820"), "name": "西藏示例劳务分包有限公司",
                                          "scope": "主体结构劳务分包"}])
    account_record(project=p, user=user, bank_name="中国农业银行拉萨城关支行", account_number="6228480098761234",
                   opened_on=signed + dt.timedelta(days=12))
    deposited = signed + dt.timedelta(days=14)
    guarantee_record(project=p, user=user, form="bank_guarantee",
                     amount=guarantee_requirement(p, on=deposited).required, deposited_on=deposited,
                     bank_name="中国银行西藏分行", reference="保函-示例-001")
    board_record(project=p, user=user, photo=_Upload(_png(), "board.png"), photo_taken_on=signed + dt.timedelta(days=8),
                 shows_parties=True, shows_minimum_wage=True, shows_pay_date=True, pay_day_of_month=10,
                 hotline="12333", mediation_channel="城关区劳动人事争议调解中心；拉萨市劳动人事争议仲裁委员会",
                 legal_aid="12348 公共法律服务热线")
    ids = [_id(f"5401021988{m:02d}{d:02d}{s:03d}") for m, d, s in
           [(1, 12, 301), (2, 3, 312), (3, 14, 323), (4, 25, 334), (5, 6, 345), (6, 17, 356), (7, 8, 367),
            (8, 19, 378)]]
    sub = _uscc("91540100MA6T00820")
    lines = ["姓名,身份证号,进场日期,用工单位统一社会信用代码,工种,银行卡后四位"]
    for i, (name, number) in enumerate(zip(WORKERS, ids)):
        lines.append(f"{name},{number},{first.isoformat()},{sub if i >= 4 else ''},钢筋工,{6100 + i}")
    roster_import(project=p, user=user, file_name="roster.csv", data=("\n".join(lines) + "\n").encode())
    pay = ["月份,姓名,身份证号,出勤天数,应发工资,扣款,实发工资,是否发放至本人账户,收款账户后四位,发放日期,"
           "用工单位统一社会信用代码"]
    for k in range(3):
        month = add_months(first, k)
        paid = add_months(month, 1).replace(day=10)
        for i, (name, number) in enumerate(zip(WORKERS, ids)):
            if k == 1 and i == 7:
                continue  # the deliberate gap: the last worker is missing from the middle month
            pay.append(f"{month:%Y-%m},{name},{number},24,7200.00,300.00,6900.00,是,{6100 + i},{paid.isoformat()},"
                       f"{sub if i >= 4 else ''}")
    payroll_import(project=p, user=user, file_name="payroll.csv", data=("\n".join(pay) + "\n").encode(),
                   signed_by_subcontractor=True)
    return [f"demo project: {DEMO_PROJECT} (general_contractor_user; /projects/ and, for inspectors, "
            f"/staff/projects/)"]
