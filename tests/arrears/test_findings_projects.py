"""Inspectors' findings from the roster and payroll, the contract other modules use, and its query cost."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrears.findings import Finding, project_findings, projects_with_findings
from arrears.imports import payroll_import

from ._projects import IDS, compliant, gc_user, make_project, payroll_csv, roster

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 10, 5)  # July and August are due; September is not yet (its pay may fall in October)


@pytest.fixture
def gc(db):
    return gc_user()


@pytest.fixture
def project(gc):
    p = make_project(gc)
    compliant(gc, p)
    roster(gc, p, n=3)
    return p


def by_code(project, on=ON):
    out = {}
    for f in project_findings(project, on=on):
        out.setdefault(f.code, []).append(f)
    return out


def test_full_payroll_every_due_month_gives_no_finding(gc, project):
    rows = [(m, i, 22, "6000", "0", "6000") for m in ("2025-06", "2025-07", "2025-08") for i in range(3)]
    payroll_import(project=project, user=gc, file_name="p.csv", data=payroll_csv(rows))
    assert project_findings(project, on=ON) == []


def test_month_without_payroll_and_worker_missing_per_month(gc, project):
    rows = [(m, i, 22, "6000", "0", "6000") for m in ("2025-06",) for i in range(3)]
    rows += [("2025-07", 0, 22, "6000", "0", "6000"), ("2025-07", 1, 22, "6000", "0", "6000")]
    rows += [("2025-09", i, 22, "6000", "0", "6000") for i in range(3)]
    payroll_import(project=project, user=gc, file_name="p.csv", data=payroll_csv(rows))
    found = by_code(project)
    assert [f.evidence["month"] for f in found["month_without_payroll"]] == ["2025-08"]
    missing = found["roster_worker_missing_from_payroll"]
    assert [f.evidence["month"] for f in missing] == ["2025-07"]
    assert len(missing[0].evidence["workers"]) == 1
    ref = missing[0].evidence["workers"][0]
    assert ref["id_masked"] == IDS[2][:6] + "********" + IDS[2][-4:] and IDS[2] not in str(missing[0].evidence)
    # September is not due on 5 October
    assert all(f.evidence.get("month") != "2025-09" for fs in found.values() for f in fs)


def test_a_worker_who_left_is_not_expected_on_later_payrolls(gc, project):
    from arrears.services_projects import roster_exit

    entry = project.roster.order_by("id").last()
    roster_exit(entry=entry, user=gc, left_on=dt.date(2025, 6, 30))
    rows = [(m, i, 22, "6000", "0", "6000") for m in ("2025-06",) for i in range(3)]
    rows += [(m, i, 22, "6000", "0", "6000") for m in ("2025-07", "2025-08") for i in range(2)]
    payroll_import(project=project, user=gc, file_name="p.csv", data=payroll_csv(rows))
    assert project_findings(project, on=ON) == []


def test_below_minimum_wage_pro_rated_by_days_worked(gc, project):
    # Tibet 1,850 a month from 2021-07-01; 21.75 monthly pay days. 10 days -> 850.57 required.
    rows = [("2025-06", 0, 22, "1849.99", "0", "1849.99"),   # full month, one cent under
            ("2025-06", 1, 10, "850.57", "0", "850.57"),     # 10 days, exactly the pro-rated minimum
            ("2025-06", 2, 10, "900", "50", "850")]          # 10 days, net under the pro-rated minimum
    payroll_import(project=project, user=gc, file_name="p.csv", data=payroll_csv(rows))
    f = by_code(project, on=dt.date(2025, 8, 1))["below_minimum_wage"]
    assert len(f) == 1 and f[0].evidence["month"] == "2025-06"
    assert sorted(w["required"] for w in f[0].evidence["workers"]) == ["1850.00", "850.57"]
    assert len(f[0].evidence["workers"]) == 2


def test_paid_to_another_account_by_flag_or_by_card_digits(gc, project):
    rows = [("2025-06", 0, 22, "6000", "0", "6000", "否", "1000"),
            ("2025-06", 1, 22, "6000", "0", "6000", "是", "9999"),  # roster card ends 1001
            ("2025-06", 2, 22, "6000", "0", "6000")]
    payroll_import(project=project, user=gc, file_name="p.csv", data=payroll_csv(rows))
    f = by_code(project, on=dt.date(2025, 8, 1))["paid_to_other_account"]
    assert len(f) == 1 and len(f[0].evidence["workers"]) == 2


def test_finding_shape_is_the_contract(gc, project):
    f = project_findings(make_project(gc, name="空项目"), on=ON)
    assert f and all(isinstance(x, Finding) and x.severity in ("high", "medium", "low") and isinstance(x.evidence,
                                                                                                      dict) for x in f)
    assert {x.code for x in f} >= {"no_account", "no_guarantee", "board_incomplete"}


def test_projects_with_findings_by_region_prefix(gc, project):
    bad = make_project(gc, name="无账户项目")
    shigatse = make_project(gc, name="日喀则项目", region_code="540202")
    rows = [(m, i, 22, "6000", "0", "6000") for m in ("2025-06", "2025-07", "2025-08") for i in range(3)]
    payroll_import(project=project, user=gc, file_name="p.csv", data=payroll_csv(rows))
    lhasa = projects_with_findings("5401", on=ON)
    assert [p.pk for p, _f in lhasa] == [bad.pk]
    assert [p.pk for p, _f in projects_with_findings("5402", on=ON)] == [shigatse.pk]
    assert {p.pk for p, _f in projects_with_findings("54", on=ON)} == {bad.pk, shigatse.pk}


def _queries(prefix):
    with CaptureQueriesContext(connection) as ctx:
        projects_with_findings(prefix, on=ON)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_projects(gc):
    def seed(n, region):
        for k in range(n):
            p = make_project(gc, name=f"项目{region}-{k}", region_code=region)
            roster(gc, p, n=2)
            payroll_import(project=p, user=gc, file_name="p.csv",
                           data=payroll_csv([("2025-06", 0, 22, "1000", "0", "1000")]))
    seed(3, "540102")
    seed(30, "540103")
    few, many = _queries("540102"), _queries("540103")
    print(f"projects_with_findings queries: 3 projects -> {few}, 30 projects -> {many}")
    assert many == few, (few, many)
    assert few <= 20
