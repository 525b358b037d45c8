"""Remedies on an unperformed order to pay on a construction project (spec §11; arrears.services_remedies): the
order they come in and their preconditions, the legal clock of the guarantee (bank 5 WD, top-up 10 WD, across the
Lhasa Spring Festival/Losar holidays), payments reaching each worker's items with their source, the one-draw rule
and two clerks drawing at once."""
import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from arrears import services_remedies as rem
from arrears.models import ArrearsLineItem, Payment, WageGuarantee
from arrears.models_remedies import Remedy
from casework.errors import DomainError, NotAllowed
from casework.models import Complaint, Employer, InspectionDocument, Person, Project, SystemAlert
from casework.services.deadlines import deadlines_for
from tests.factories import advance, submit

D = Decimal


def make_project(*, guarantee=D("50000.00"), gc_name="西藏总承包建设集团有限公司"):
    developer = Employer.objects.create(name="拉萨城投开发有限公司")
    gc = Employer.objects.create(name=gc_name, is_construction=True)
    project = Project.objects.create(name="拉萨市城关区安置房项目", region_id="540102", developer=developer,
                                     general_contractor=gc, contract_value=D("20000000"),
                                     contract_signed_on=dt.date(2026, 1, 5), labour_cost_cycle_days=30)
    if guarantee is not None:
        WageGuarantee.objects.create(project=project, form="bank_guarantee", amount=guarantee, balance=guarantee,
                                     bank_name="中国农业银行拉萨分行", reference="BH-2026-001",
                                     deposited_on=dt.date(2026, 1, 20))
    return project


def unperformed_case(staff, *, project, employer_is_gc=False, deadline=dt.date(2026, 2, 1)):
    """A case on ``project`` with two workers (18,000 + 5,000 yuan), decided, its orders past their deadline."""
    c = submit().complaint
    second = Person.objects.create(name="次仁", id_number="540102198805052211")
    ArrearsLineItem.objects.create(complaint=c, worker=second, category="wages", period_start=dt.date(2026, 9, 1),
                                   period_end=dt.date(2026, 9, 30), amount_claimed=D("5000"))
    employer = project.general_contractor if employer_is_gc else c.employer
    Complaint.objects.filter(pk=c.pk).update(project=project, employer=employer)
    c = advance(c, "compliance", inspector=staff["inspector"], inspector_b=staff["inspector_b"], head=staff["head"])
    assert c.state == "DECIDED"
    InspectionDocument.objects.filter(complaint=c).exclude(payment_deadline=None).update(payment_deadline=deadline)
    c.refresh_from_db()
    return c


def steps(c, on=None):
    return {s["kind"]: s for s in rem.remedies_offered(c, on=on)["steps"]}


@pytest.fixture
def project(db):
    return make_project()


# --- the order and its preconditions --------------------------------------------------------------------------

def test_no_remedy_before_the_order_deadline(staff, project):
    c = unperformed_case(staff, project=project, deadline=dt.date.today() + dt.timedelta(days=5))
    offer = rem.remedies_offered(c)
    assert offer["order"] is None and offer["steps"] == []
    assert "deadline" in offer["why_none"] or offer["why_none"]
    with pytest.raises(DomainError):
        rem.remedy_guarantee_draw(user=staff["inspector"], complaint=c)


def test_no_remedy_without_a_project(staff):
    c = submit().complaint
    offer = rem.remedies_offered(c)
    assert offer["order"] is None and offer["steps"] == []


def test_remedies_in_the_regulations_order(staff, project):
    c = unperformed_case(staff, project=project)
    s = steps(c)
    assert [k for k in s] == ["contractor_pays_first", "guarantee_draw", "emergency_fund"]
    assert s["contractor_pays_first"]["available"]
    assert not s["guarantee_draw"]["available"]          # first tell the general contractor
    assert not s["emergency_fund"]["available"]          # something else can still pay
    r1 = rem.remedy_contractor_demand(user=staff["inspector"], complaint=c)
    assert r1.payer == project.general_contractor and r1.amount == D("23000.00")
    assert "第三十条" in r1.legal_basis and r1.notice_no.endswith("-XQ1")
    s = steps(c)
    assert not s["contractor_pays_first"]["available"] and s["guarantee_draw"]["available"]
    assert not s["emergency_fund"]["available"]


def test_paying_first_not_offered_when_the_employer_is_the_general_contractor(staff, project):
    c = unperformed_case(staff, project=project, employer_is_gc=True)
    s = steps(c)
    assert not s["contractor_pays_first"]["available"]
    assert s["guarantee_draw"]["available"]


def test_guarantee_draw_needs_a_guarantee(staff):
    p = make_project(guarantee=None)
    c = unperformed_case(staff, project=p, employer_is_gc=True)
    s = steps(c)
    assert not s["guarantee_draw"]["available"] and s["emergency_fund"]["available"]
    with pytest.raises(DomainError):
        rem.remedy_guarantee_draw(user=staff["inspector"], complaint=c)


def test_only_case_handlers_take_remedies(staff, project):
    c = unperformed_case(staff, project=project)
    with pytest.raises(NotAllowed):
        rem.remedy_contractor_demand(user=staff["shigatse"], complaint=c)
    with pytest.raises(NotAllowed):
        rem.remedy_contractor_demand(user=staff["auditor"], complaint=c)


# --- payments reach each worker ----------------------------------------------------------------------------------

def test_payments_from_two_sources_reach_each_worker(staff, project):
    c = unperformed_case(staff, project=project)
    insp = staff["inspector"]
    first_item = c.items.order_by("period_start", "id").first()
    second_item = c.items.get(worker__isnull=False, amount_claimed=D("5000"))
    demand = rem.remedy_contractor_demand(user=insp, complaint=c)
    # the general contractor pays part: 4,000 to worker 1 (July) and 1,000 to worker 2
    rem.remedy_pay(user=insp, remedy=demand, paid_on=dt.date.today(),
                   allocations={first_item.pk: "4000", second_item.pk: "1000"})
    demand.refresh_from_db()
    assert demand.state == "paid" and demand.amount_paid == D("5000.00")
    # the guarantee pays the rest of the second worker and part of the first
    draw = rem.remedy_guarantee_draw(user=insp, complaint=c, amount="6000")
    rem.remedy_pay(user=insp, remedy=draw, paid_on=dt.date.today(),
                   allocations={second_item.pk: "4000", first_item.pk: "2000"})
    first_item.refresh_from_db()
    second_item.refresh_from_db()
    assert first_item.amount_paid == D("6000.00") and first_item.outstanding == D("0.00")
    assert second_item.amount_paid == D("5000.00") and second_item.outstanding == D("0.00")
    by_source = {(p.item_id, p.source): p.amount for p in Payment.objects.filter(complaint=c)}
    assert by_source == {(first_item.pk, "general_contractor"): D("4000.00"),
                         (second_item.pk, "general_contractor"): D("1000.00"),
                         (second_item.pk, "guarantee"): D("4000.00"),
                         (first_item.pk, "guarantee"): D("2000.00")}
    balances = {r["item"].pk: r for r in rem.worker_balances(c)}
    assert balances[second_item.pk]["owed"] == 0
    assert balances[second_item.pk]["paid_by"] == {"general_contractor": D("1000.00"), "guarantee": D("4000.00")}
    total_owed = sum(r["owed"] for r in balances.values())
    assert total_owed == D("12000.00")  # Aug + Sep of worker 1
    g = WageGuarantee.objects.get(project=project)
    assert g.balance == D("44000.00")  # fell by what the bank paid


def test_emergency_fund_when_nothing_else_pays_and_its_recovery(staff):
    p = make_project(guarantee=D("3000.00"))
    c = unperformed_case(staff, project=p, employer_is_gc=True)
    insp = staff["inspector"]
    draw = rem.remedy_guarantee_draw(user=insp, complaint=c)
    assert draw.amount == D("3000.00")  # no more than the balance
    assert not steps(c)["emergency_fund"]["available"]  # the bank's period is running
    rem.remedy_pay(user=insp, remedy=draw, paid_on=dt.date.today())
    s = steps(c)
    assert not s["guarantee_draw"]["available"] and s["emergency_fund"]["available"]
    adv = rem.remedy_emergency_advance(user=insp, complaint=c, fund_name="城关区应急周转金")
    assert adv.amount == D("20000.00") and adv.payer == c.employer
    rem.remedy_pay(user=insp, remedy=adv, paid_on=dt.date.today())
    c.refresh_from_db()
    assert all(i.outstanding == 0 for i in c.items.all())
    assert set(Payment.objects.filter(complaint=c).values_list("source", flat=True)) == {"guarantee", "emergency_fund"}
    adv.refresh_from_db()
    assert adv.recovery_outstanding == D("20000.00")
    rem.remedy_recover(user=insp, remedy=adv, amount="15000")
    adv.refresh_from_db()
    assert adv.recovery_outstanding == D("5000.00") and adv.state == "paid"
    rem.remedy_recover(user=insp, remedy=adv, amount="5000")
    adv.refresh_from_db()
    assert adv.state == "recovered"
    with pytest.raises(DomainError):
        rem.remedy_recover(user=insp, remedy=adv, amount="1")


# --- the guarantee: balance, one draw per order, deadlines ---------------------------------------------------------

def test_draw_larger_than_the_balance_is_refused(staff):
    p = make_project(guarantee=D("3000.00"))
    c = unperformed_case(staff, project=p, employer_is_gc=True)
    with pytest.raises(DomainError) as e:
        rem.remedy_guarantee_draw(user=staff["inspector"], complaint=c, amount="3000.01")
    assert "3000.00" in str(e.value)
    assert not Remedy.objects.exists()


def test_second_draw_for_the_same_order_is_refused_with_the_rule(staff, project):
    c = unperformed_case(staff, project=project, employer_is_gc=True)
    rem.remedy_guarantee_draw(user=staff["inspector"], complaint=c, amount="1000")
    with pytest.raises(DomainError) as e:
        rem.remedy_guarantee_draw(user=staff["inspector_b"], complaint=c, amount="1000")
    assert "第三十二条" in str(e.value)
    assert Remedy.objects.filter(kind="guarantee_draw").count() == 1


def test_database_refuses_a_second_draw_for_one_order(staff, project):
    c = unperformed_case(staff, project=project, employer_is_gc=True)
    r = rem.remedy_guarantee_draw(user=staff["inspector"], complaint=c, amount="1000")
    with pytest.raises(IntegrityError), transaction.atomic():
        Remedy.objects.create(complaint=c, order=r.order, kind="guarantee_draw", notice_no="X-2", notice_text="x",
                              legal_basis="x", issued_on=r.issued_on, amount=D("5"), guarantee=r.guarantee,
                              issued_by=staff["inspector"])


def test_bank_5_and_topup_10_working_days_across_losar(staff, project, monkeypatch):
    """Lhasa 2026: 15–26 Feb are rest days, Sat 14 and Sat 28 Feb are working days (reference data)."""
    c = unperformed_case(staff, project=project, employer_is_gc=True)
    monkeypatch.setattr(rem, "_today", lambda: dt.date(2026, 2, 11))
    draw = rem.remedy_guarantee_draw(user=staff["inspector"], complaint=c, amount="5000")
    bank = deadlines_for(draw).get(rule_id=rem.RULE_BANK)
    # Thu 12, Fri 13, Sat 14 (make-up), [15–26 off], Fri 27, Sat 28 (make-up)
    assert (bank.n, bank.unit, bank.due_date) == (5, "WD", dt.date(2026, 2, 28))
    assert "第三十二条" in bank.citation
    rem.remedy_pay(user=staff["inspector"], remedy=draw, paid_on=dt.date(2026, 2, 13))
    bank.refresh_from_db()
    assert bank.status == "MET"
    topup = deadlines_for(draw).get(rule_id=rem.RULE_TOPUP)
    # from Fri 13: Sat 14, Fri 27, Sat 28, Mon 2 … Tue 10 March
    assert (topup.n, topup.unit, topup.due_date) == (10, "WD", dt.date(2026, 3, 10))
    g = WageGuarantee.objects.get(project=project)
    assert g.balance == D("45000.00")
    monkeypatch.setattr(rem, "_today", lambda: dt.date(2026, 3, 12))
    rem.remedy_topup(user=staff["inspector"], remedy=draw, amount="2000", on=dt.date(2026, 3, 5))
    g.refresh_from_db()
    assert g.balance == D("47000.00")
    draw.refresh_from_db()
    assert draw.state == "paid"  # not all restored yet
    rem.remedy_topup(user=staff["inspector"], remedy=draw, amount="3000", on=dt.date(2026, 3, 12))
    g.refresh_from_db()
    draw.refresh_from_db()
    assert g.balance == D("50000.00") and draw.state == "topped_up"
    topup.refresh_from_db()
    assert topup.status == "BREACHED" and topup.met_at == dt.date(2026, 3, 12)  # topped up late


def test_overdue_bank_and_topup_raise_alerts(staff, project, monkeypatch):
    c = unperformed_case(staff, project=project, employer_is_gc=True)
    monkeypatch.setattr(rem, "_today", lambda: dt.date(2026, 2, 11))
    draw = rem.remedy_guarantee_draw(user=staff["inspector"], complaint=c, amount="5000")
    assert rem.remedy_overdue_alerts(today=dt.date(2026, 2, 28)) == 0  # due that day: not late yet
    assert rem.remedy_overdue_alerts(today=dt.date(2026, 3, 2)) == 1
    assert rem.remedy_overdue_alerts(today=dt.date(2026, 3, 2)) == 0  # idempotent
    alert = SystemAlert.objects.get(code="remedy_bank_overdue")
    assert draw.notice_no in alert.message
    rem.remedy_pay(user=staff["inspector"], remedy=draw, paid_on=dt.date(2026, 3, 3))
    assert rem.remedy_overdue_alerts(today=dt.date(2026, 3, 18)) == 1  # 10 WD from 3 March: 17 March
    assert SystemAlert.objects.filter(code="remedy_topup_overdue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clerks_drawing_at_once_make_one_draw(staff):
    p = make_project()
    c = unperformed_case(staff, project=p, employer_is_gc=True)
    barrier = threading.Barrier(2)
    results = []

    def press(user):
        try:
            barrier.wait(timeout=10)
            rem.remedy_guarantee_draw(user=user, complaint=Complaint.objects.get(pk=c.pk), amount="2000")
            results.append("ok")
        except DomainError as e:  # Conflict included
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (staff["inspector"], staff["inspector_b"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["ok", "refused"], results
    assert Remedy.objects.filter(kind="guarantee_draw").count() == 1


def test_the_scheduled_job_raises_the_alerts(staff, project, monkeypatch):
    from arrears.tasks import remedy_overdue_alerts

    c = unperformed_case(staff, project=project, employer_is_gc=True)
    monkeypatch.setattr(rem, "_today", lambda: dt.date(2026, 2, 11))
    rem.remedy_guarantee_draw(user=staff["inspector"], complaint=c, amount="5000")
    monkeypatch.undo()
    assert remedy_overdue_alerts() == 1  # today is long after 28 Feb 2026
    assert remedy_overdue_alerts() == 0
