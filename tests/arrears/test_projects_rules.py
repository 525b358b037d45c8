"""Construction safeguard rules (spec §11): each from configuration, each at its boundary."""
import datetime as dt
from decimal import Decimal

import pytest

from arrears.findings import project_findings
from arrears.models_projects import WageGuarantee
from arrears.services_projects import (account_due, account_record, guarantee_due, guarantee_exemption_claim,
                                       guarantee_record, guarantee_requirement, payroll_keep_until)
from casework.errors import DomainError
from casework.models import LegalParameter

from ._projects import compliant, full_board, gc_user, make_project

pytestmark = pytest.mark.django_db


def codes(project, on):
    return {f.code for f in project_findings(project, on=on)}


@pytest.fixture
def gc(db):
    return gc_user()


def test_account_within_30_calendar_days_is_in_time_and_day_31_is_late(gc):
    p = make_project(gc, signed=dt.date(2025, 6, 2))
    assert account_due(p) == dt.date(2025, 7, 2)  # 30 calendar days; a Wednesday, no roll needed
    account_record(project=p, user=gc, bank_name="农行", account_number="6228480012345678",
                   opened_on=dt.date(2025, 7, 2))
    assert not {"account_late", "no_account"} & codes(p, dt.date(2025, 8, 1))
    account_record(project=p, user=gc, bank_name="农行", account_number="6228480012345678",
                   opened_on=dt.date(2025, 7, 3))
    found = {f.code: f for f in project_findings(p, on=dt.date(2025, 8, 1))}
    assert "account_late" in found and found["account_late"].evidence["due"] == "2025-07-02"


def test_no_account_is_a_finding_only_after_the_period(gc):
    p = make_project(gc, signed=dt.date(2025, 6, 2))
    assert "no_account" not in codes(p, dt.date(2025, 7, 2))
    assert "no_account" in codes(p, dt.date(2025, 7, 3))


def test_the_account_period_comes_from_the_rule_table(gc):
    from casework.models import DeadlineRule

    DeadlineRule.objects.create(rule_id="PROJ-ACCOUNT-OPEN", n=40, unit="CD", anchor_event="x", citation="test",
                                description="test", effective_from=dt.date(2025, 1, 1))
    p = make_project(gc, signed=dt.date(2025, 6, 2))
    assert account_due(p) == dt.date(2025, 7, 14)  # 12 July is a Saturday: rolled to Monday


def test_guarantee_20th_working_day_across_the_national_day_holiday_is_in_time_21st_is_late(gc):
    # started Mon 2025-09-22: 28 Sep and 11 Oct are make-up working days, 1-8 Oct are off
    p = make_project(gc, signed=dt.date(2025, 9, 1), started=dt.date(2025, 9, 22))
    assert guarantee_due(p) == dt.date(2025, 10, 24)
    req = guarantee_requirement(p, on=dt.date(2025, 10, 24))
    guarantee_record(project=p, user=gc, form="cash", amount=req.required, deposited_on=dt.date(2025, 10, 24))
    assert "guarantee_late" not in codes(p, dt.date(2025, 11, 30))
    guarantee_record(project=p, user=gc, form="cash", amount=req.required, deposited_on=dt.date(2025, 10, 27))
    assert "guarantee_late" in codes(p, dt.date(2025, 11, 30))


def test_no_guarantee_after_the_deposit_period(gc):
    p = make_project(gc, signed=dt.date(2025, 9, 1), started=dt.date(2025, 9, 22))
    assert "no_guarantee" not in codes(p, dt.date(2025, 10, 24))
    assert "no_guarantee" in codes(p, dt.date(2025, 10, 27))


def test_guarantee_exactly_at_the_floor_ratio_passes_one_cent_under_is_short(gc):
    LegalParameter.objects.create(key="project.guarantee_ratio", region_id="540000", value=Decimal("0.005"),
                                  effective_from=dt.date(2024, 1, 1), citation="test: Tibet at the floor")
    p = make_project(gc, contract_value="10000000")
    req = guarantee_requirement(p, on=dt.date(2025, 6, 10))
    assert req.ratio == Decimal("0.005") and req.required == Decimal("50000.00")
    g = guarantee_record(project=p, user=gc, form="bank_guarantee", amount="50000.00",
                         deposited_on=dt.date(2025, 6, 10), bank_name="中国银行")
    assert g.required_amount == Decimal("50000.00") and g.ratio_applied == Decimal("0.005")
    assert "guarantee_short" not in codes(p, dt.date(2025, 7, 1))
    guarantee_record(project=p, user=gc, form="bank_guarantee", amount="49999.99",
                     deposited_on=dt.date(2025, 6, 10), bank_name="中国银行")
    found = {f.code: f for f in project_findings(p, on=dt.date(2025, 7, 1))}
    assert found["guarantee_short"].evidence["required"] == "50000.00"


def test_a_ratio_configured_below_the_floor_is_lifted_to_the_floor(gc):
    LegalParameter.objects.create(key="project.guarantee_ratio", region_id="540100", value=Decimal("0.002"),
                                  effective_from=dt.date(2024, 1, 1), citation="test: too low")
    p = make_project(gc, contract_value="10000000")
    assert guarantee_requirement(p, on=dt.date(2025, 6, 10)).required == Decimal("50000.00")


def test_general_ratio_applies_without_a_regional_row(gc):
    p = make_project(gc, contract_value="10000000")
    req = guarantee_requirement(p, on=dt.date(2025, 6, 10))
    assert req.ratio == Decimal("0.01") and req.required == Decimal("100000.00")


def test_exemption_below_the_threshold_without_arrears_and_refused_with_an_order_in_the_last_year(gc, staff):
    p = make_project(gc, contract_value="2999999.99")
    assert guarantee_requirement(p).exempt_eligible
    big = make_project(gc, name="大项目", contract_value="3000000")
    assert not guarantee_requirement(big).exempt_eligible
    with pytest.raises(DomainError):
        guarantee_exemption_claim(project=big, user=gc)
    g = guarantee_exemption_claim(project=p, user=gc)
    assert g.state == WageGuarantee.State.EXEMPT
    assert not {"no_guarantee", "guarantee_short"} & codes(p, dt.date(2026, 1, 1))
    # an amount ordered on the general contractor in the last 12 months bars the exemption
    from casework.models import InspectionDocument
    from tests.factories import submit

    c = submit(employer={"name": "西藏示例建工集团", "uscc": p.general_contractor.uscc, "address": "",
                         "legal_rep_name": ""})
    item = c.complaint.items.first()
    item.amount_ordered = Decimal("6000")
    item.save()
    InspectionDocument.objects.create(complaint=c.complaint, doc_type="payment_order", doc_no="T-1",
                                      issued_at=dt.date.today() - dt.timedelta(days=30), text="x",
                                      issued_by=staff["inspector"])
    assert not guarantee_requirement(p).exempt_eligible
    assert guarantee_requirement(p, on=dt.date.today() + dt.timedelta(days=400)).exempt_eligible


def test_cycle_31_days_is_allowed_32_is_a_finding(gc):
    ok = make_project(gc, cycle=31)
    long = make_project(gc, name="周期过长项目", cycle=32)
    assert "cycle_too_long" not in codes(ok, dt.date(2025, 7, 1))
    f = {f.code: f for f in project_findings(long, on=dt.date(2025, 7, 1))}["cycle_too_long"]
    assert f.evidence == {"cycle_days": 32, "max_days": 31} and f.severity == "medium"


def test_board_missing_then_incomplete_then_complete(gc):
    p = make_project(gc)
    f = {f.code: f for f in project_findings(p, on=dt.date(2025, 7, 1))}
    assert f["board_incomplete"].evidence["missing"] == ["board"]
    full_board(gc, p, legal_aid="")
    f = {f.code: f for f in project_findings(p, on=dt.date(2025, 7, 1))}
    assert f["board_incomplete"].evidence["missing"] == ["legal_aid"]
    full_board(gc, p)
    assert "board_incomplete" not in codes(p, dt.date(2025, 7, 1))


def test_board_photo_is_checked_by_content(gc):
    from ._projects import Upload

    p = make_project(gc)
    with pytest.raises(DomainError) as e:
        full_board(gc, p, photo=Upload(b"%PDF-1.4 not a photo", name="board.jpg"))
    assert "photo" in e.value.errors


def test_payroll_kept_three_years_from_the_payment(gc):
    assert payroll_keep_until(dt.date(2025, 7, 1), dt.date(2025, 8, 10)) == dt.date(2028, 8, 10)
    assert payroll_keep_until(dt.date(2025, 7, 1)) == dt.date(2028, 7, 31)


def test_a_compliant_project_has_no_findings(gc):
    p = make_project(gc)
    compliant(gc, p)
    assert project_findings(p, on=dt.date(2025, 7, 20)) == []
