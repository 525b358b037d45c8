"""The routine inspection plan by integrity grade (casework.services.inspection_plan; spec §10)."""
import datetime as dt
from decimal import Decimal

import pytest

from casework.errors import NotAllowed
from casework.models import Employer, LegalParameter
from casework.services.inspection_plan import plan_generate, plan_to_campaign
from tests.casework.test_campaigns import grade


@pytest.fixture
def employers(staff):
    out = {}
    for g in ("A", "B", "C"):
        e = Employer.objects.create(name=f"{g}级企业", registration_region_code="540102")
        grade(e, g, staff)
        out[g] = e
    out["none"] = Employer.objects.create(name="未评级企业", registration_region_code="540103")
    out["shigatse"] = Employer.objects.create(name="日喀则企业", registration_region_code="540202")
    return out


def counts(rows):
    out = {}
    for r in rows:
        out[r.employer.name] = out.get(r.employer.name, 0) + 1
    return out


def test_c_more_often_than_b_more_than_a(staff, employers):
    rows = plan_generate(user=staff["head"], region_code="540100", year=2027)
    n = counts(rows)
    assert n["C级企业"] > n["B级企业"] > n.get("A级企业", 0)
    assert (n["C级企业"], n["B级企业"], n.get("A级企业", 0)) == (4, 2, 1)  # the seeded parameters
    assert n["未评级企业"] == n["B级企业"]  # ungraded: B frequency
    assert "日喀则企业" not in n
    c_rows = [r for r in rows if r.grade == "C"]
    assert sorted(r.due_quarter for r in c_rows) == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert "C" in c_rows[0].reason
    assert any("B" in r.reason for r in rows if r.grade == "")


def test_quarterly_plan(staff, employers):
    q1 = plan_generate(user=staff["head"], region_code="540100", year=2027, quarter=1)
    assert {r.due_quarter for r in q1} == {"2027-Q1"}
    assert counts(q1)["C级企业"] == 1


def test_a_changed_parameter_changes_the_plan(staff, employers):
    before = counts(plan_generate(user=staff["head"], region_code="540100", year=2027))
    LegalParameter.objects.create(key="inspection_plan.visits_per_year.C", value=Decimal("6"),
                                  effective_from=dt.date(2027, 1, 1), citation="test notice")
    LegalParameter.objects.create(key="inspection_plan.visits_per_year.A", region_id="540100", value=Decimal("0"),
                                  effective_from=dt.date(2027, 1, 1), citation="拉萨 test notice")
    after = counts(plan_generate(user=staff["head"], region_code="540100", year=2027))
    assert before["C级企业"] == 4 and after["C级企业"] == 6
    assert "A级企业" not in after
    # the year before still reads the old rows
    assert counts(plan_generate(user=staff["head"], region_code="540100", year=2026))["C级企业"] == 4


def test_region_reach(staff, employers):
    with pytest.raises(NotAllowed):
        plan_generate(user=staff["shigatse_head"], region_code="540100", year=2027)
    rows = plan_generate(user=staff["shigatse_head"], region_code="540200", year=2027)
    assert counts(rows) == {"日喀则企业": 2}


def test_plan_becomes_a_campaign(staff, employers):
    camp = plan_to_campaign(user=staff["head"], region_code="540100", year=2027, quarter=1)
    assert camp.kind == "routine_plan" and camp.starts_on == dt.date(2027, 1, 1)
    assert camp.ends_on == dt.date(2027, 3, 31)
    keys = list(camp.targets.values_list("key", flat=True))
    assert len(keys) == len(plan_generate(user=staff["head"], region_code="540100", year=2027, quarter=1))
    t = camp.targets.get(employer=employers["C"])
    assert t.due_label.startswith("2027-0") and "C" in t.reasons[0]
