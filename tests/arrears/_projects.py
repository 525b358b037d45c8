"""Shared test data for construction projects (not a test module)."""
import datetime as dt
import io

from arrears.services_projects import account_record, board_record, guarantee_record, project_register, roster_add
from tests.factories import make_user, png_bytes

GC_USCC = "91540100MA6T00031C"
DEV_USCC = "91540100MA6T00042G"
SUB_USCC = "91540100MA6T00053L"
OTHER_GC_USCC = "91540100MA6T00064Q"
IDS = ["540102199001011233", "540102198505051111", "540102199203032227", "540102199304043339",
       "540102199405054440", "540102199506065552", "540102199607076664", "540102199708087776",
       "540102199809098888", "54010219881010999X"]
NAMES = ["扎西", "卓玛", "次仁", "普布", "达瓦", "央金", "格桑", "拉姆", "尼玛", "旺堆"]


def gc_user(username="gc_user"):
    return make_user(username, "general_contractor_user", None, perm=None)


def make_project(user, *, name="拉萨测试安置房项目", region_code="540102", contract_value="10000000",
                 signed=dt.date(2025, 6, 2), started=None, cycle=30, gc_uscc=GC_USCC, subs=True):
    return project_register(
        user=user, name=name, region_code=region_code, location="拉萨市城关区", developer_uscc=DEV_USCC,
        developer_name="拉萨示例城投公司", contractor_uscc=gc_uscc, contractor_name="西藏示例建工集团",
        contract_value=contract_value, contract_signed_on=signed, labour_cost_cycle_days=cycle, started_on=started,
        subcontractors=[{"uscc": SUB_USCC, "name": "西藏示例劳务公司", "scope": "主体劳务"}] if subs else [])


class Upload(io.BytesIO):
    def __init__(self, data, name="board.png"):
        super().__init__(data)
        self.name = name
        self.size = len(data)


def full_board(user, project, **over):
    kw = dict(photo=Upload(png_bytes()), photo_taken_on=dt.date(2025, 6, 10), shows_parties=True,
              shows_minimum_wage=True, shows_pay_date=True, pay_day_of_month=10, hotline="12333",
              mediation_channel="城关区劳动人事争议调解中心；拉萨市劳动人事争议仲裁委员会", legal_aid="12348")
    kw.update(over)
    return board_record(project=project, user=user, **kw)


def compliant(user, project):
    """Account, guarantee (2%... at the configured ratio) and board in time."""
    from arrears.services_projects import guarantee_requirement

    account_record(project=project, user=user, bank_name="中国农业银行拉萨分行", account_number="6228480012345678",
                   opened_on=project.contract_signed_on + dt.timedelta(days=5))
    req = guarantee_requirement(project, on=project.contract_signed_on + dt.timedelta(days=5))
    guarantee_record(project=project, user=user, form="cash", amount=req.required,
                     deposited_on=project.contract_signed_on + dt.timedelta(days=5), bank_name="中国农业银行")
    full_board(user, project)


def roster(user, project, n=3, entered=dt.date(2025, 6, 1), **kw):
    return [roster_add(project=project, user=user, name=NAMES[i], id_number=IDS[i], entered_on=entered,
                       bank_last4=f"{1000 + i}", **kw) for i in range(n)]


PAYROLL_HEADER = "月份,姓名,身份证号,出勤天数,应发工资,扣款,实发工资,是否发放至本人账户,收款账户后四位,发放日期\n"


def payroll_csv(rows) -> bytes:
    """rows: (month, index into IDS, days, gross, deductions, net[, own, last4])"""
    out = [PAYROLL_HEADER]
    for r in rows:
        month, i, days, gross, ded, net, *rest = r
        own = rest[0] if rest else "是"
        last4 = rest[1] if len(rest) > 1 else f"{1000 + i}"
        out.append(f"{month},{NAMES[i]},{IDS[i]},{days},{gross},{ded},{net},{own},{last4},\n")
    return "".join(out).encode("utf-8")
