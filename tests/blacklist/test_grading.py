"""Integrity grading (spec §10) and the employer's integrity file: every grade rule with its boundary (2 vs 3
punishments), the record year's window (a decision of 31 December of Y-1 counts, one of 1 January of Y does not),
the yearly run (scope, idempotent, beat task), four eyes, notification and objection, the employer's own grade,
nothing public by default (and what shows when a province turns it on), the file's reach and masking, history with
the actors, and every step on the API.

Grading year in these tests: 2026, from the records of 2025. Records are real complaints (the intake service);
orders and decisions are written directly with their dates (the inspection track that issues them acts on today's
date and is tested elsewhere), except in ``test_real_track_records_are_graded`` which drives the real track on
frozen 2025 dates."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from freezegun import freeze_time
from rest_framework.test import APIClient

from blacklist import services_grading as svc
from blacklist.models import CriminalTransfer, ListingDecision
from blacklist.models_grading import EmployerAccount, GradeEvidence, GradeProposal, GradingRun
from blacklist.selectors_grading import integrity_file
from blacklist.tasks import start_grading_runs
from casework.errors import DomainError, NotAllowed
from casework.models import CaseEvent, Employer, InspectionDocument, LegalParameter, PiiAccess, Region
from notifications.models import Message, Notification
from tests.factories import advance, complete, make_user, submit

pytestmark = pytest.mark.django_db

Y = 2026  # grading year; records of 2025
LHASA_USCC = "91540100MA6T00012D"  # the demo employer's credit code (Lhasa)
LHASA_USCC_2 = "91540100MA6T00023H"
SHIGATSE_USCC = "91540200MA6T00012J"
ID_RE = re.compile(r"\d{17}[\dX]")
PHONE_RE = re.compile(r"1[3-9]\d{9}")
WORKER = "扎西"  # the complainant of demo_payload


@pytest.fixture
def gr(staff):
    return {**staff,
            "grader": make_user("grader_lhasa", "grading_officer", "540100"),
            "grader_b": make_user("grader_lhasa_b", "grading_officer", "540100"),
            "grader_shigatse": make_user("grader_shigatse", "grading_officer", "540200"),
            "head_b": make_user("head_lhasa_b", "inspection_head", "540100"),
            "clerk": make_user("clerk_a", "employer_user", None, perm=None),
            "clerk_b": make_user("clerk_b", "employer_user", None, perm=None)}


def employer_payload(name, uscc=""):
    return {"name": name, "uscc": uscc, "address": "", "legal_rep_name": ""}


def case(name="西藏示例建筑工程有限公司", uscc=LHASA_USCC, region="540102"):
    """A real complaint (received today) against the employer."""
    return submit(employer=employer_payload(name, uscc), region_code=region).complaint


_seq = iter(range(1, 100000))


def decide(complaint, on: dt.date, doc_type="handling_decision", user=None):
    """A decision of ``doc_type`` issued on ``on`` in ``complaint`` (written directly with its date), issued by a
    Lhasa inspector of the ``staff`` fixture."""
    from django.contrib.auth import get_user_model

    user = user or get_user_model().objects.get(username="insp_a")
    return InspectionDocument.objects.create(
        complaint=complaint, doc_type=doc_type, doc_no=f"藏人社监〔{on.year}〕{next(_seq)}号", issued_at=on,
        payment_deadline=on + dt.timedelta(days=15), amount=Decimal("18000"), text="责令支付拖欠工资。",
        issued_by=user)


def punished(n, on=dt.date(2025, 6, 1), **kw):
    """``n`` complaints against one employer, each decided on ``on``; returns the employer."""
    cases = [case(**kw) for _ in range(n)]
    for c in cases:
        decide(c, on)
    return cases[0].employer


def event_at(complaint, code, when: dt.datetime, **detail):
    with freeze_time(when):
        return CaseEvent.objects.create(complaint=complaint, code=code, detail=detail)


def local(y, m, d, hh=12, mm=0):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm), timezone.get_fixed_timezone(8 * 60))


def run_lhasa(gr, year=Y):
    return svc.grading_run_start(year=year, region_code="540100", user=gr["grader"])


def proposal_of(employer, year=Y) -> GradeProposal:
    return GradeProposal.objects.get(employer=employer, year=year)


def approved(gr, employer):
    p = proposal_of(employer)
    svc.proposal_review(proposal=p, user=gr["grader"])
    svc.proposal_approve(proposal=p, user=gr["head"])
    return p


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def api_for(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def assert_private(text: str, where: str):
    assert not ID_RE.search(text), f"{where}: ID-shaped number {ID_RE.search(text).group()}"
    assert not PHONE_RE.search(text), f"{where}: phone-shaped number {PHONE_RE.search(text).group()}"
    assert WORKER not in text, f"{where}: worker's name"


# --- the classifier ------------------------------------------------------------------------------------------------

def test_classifier_grades_and_the_2_vs_3_boundary():
    assert svc.classify([], c_threshold=3).grade == "A"
    assert svc.classify([], c_threshold=3).rule_id == "GR-A"
    one = svc.classify(["PUNISHED"], c_threshold=3)
    assert (one.grade, one.rule_id, one.punished_count) == ("B", "GR-B", 1)
    two = svc.classify(["PUNISHED"] * 2, c_threshold=3)
    assert (two.grade, two.rule_id) == ("B", "GR-B")
    three = svc.classify(["PUNISHED"] * 3, c_threshold=3)
    assert (three.grade, three.rule_id, three.rules_met) == ("C", "GR-C1", ("GR-C1",))
    assert "第五条" in three.citation and "人社部规〔2016〕1号" in three.citation
    # the threshold is a parameter: with 4, three punishments are still B
    assert svc.classify(["PUNISHED"] * 3, c_threshold=4).grade == "B"


@pytest.mark.parametrize("ground,rule_id", [("INCIDENT", "GR-C2"), ("CHILD_LABOUR", "GR-C3"),
                                            ("FORCED_LABOUR", "GR-C3"), ("SERIOUS_OTHER", "GR-C3"),
                                            ("REFUSED_ORDER", "GR-C4"), ("OBSTRUCTION", "GR-C5"),
                                            ("CRIMINAL", "GR-C6")])
def test_classifier_each_c_situation_alone_gives_c(ground, rule_id):
    c = svc.classify([ground], c_threshold=3)
    assert (c.grade, c.rule_id, c.punished_count) == ("C", rule_id, 0)
    both = svc.classify(["PUNISHED", "PUNISHED", "PUNISHED", ground], c_threshold=3)
    assert both.rule_id == "GR-C1" and rule_id in both.rules_met  # the Measures' order; all rules kept


def test_classifier_rejects_unknown_grounds_and_bad_threshold():
    with pytest.raises(ValueError):
        svc.classify(["LATE_FILING"], c_threshold=3)
    with pytest.raises(ValueError):
        svc.classify([], c_threshold=0)


def test_parameters_are_rows_with_citations():
    rows = {p.key: p for p in LegalParameter.objects.filter(key__startswith="grading.")}
    assert rows["grading.c_punished_times"].decimal == 3 and "人社部规〔2016〕1号" in rows["grading.c_punished_times"].citation
    assert rows["grading.public_display"].decimal == 0


def test_parameters_come_back_after_a_flush():
    from blacklist.reference_data_grading import reload_after_flush

    for row in LegalParameter.objects.filter(key__startswith="grading."):
        row.delete()
    reload_after_flush(sender=None)
    assert set(LegalParameter.objects.filter(key__startswith="grading.").values_list("key", flat=True)) == {
        "grading.c_punished_times", "grading.public_display"}


# --- the yearly run: rules on real records -------------------------------------------------------------------------

def test_two_punishments_b_three_c(gr):
    b = punished(2, uscc=LHASA_USCC)
    c = punished(3, name="拉萨三次公司", uscc=LHASA_USCC_2)
    run_lhasa(gr)
    pb, pc = proposal_of(b), proposal_of(c)
    assert (pb.proposed_grade, pb.rule_id, pb.punished_count) == ("B", "GR-B", 2)
    assert (pc.proposed_grade, pc.rule_id, pc.punished_count) == ("C", "GR-C1", 3)
    ev = list(pc.evidence.all())
    assert len(ev) == 3 and all(e.ground == "PUNISHED" and e.document and e.complaint for e in ev)
    assert all(e.document.doc_type == "handling_decision" for e in ev)


def test_one_complaint_with_two_decisions_is_one_punishment(gr):
    c1, c2 = case(), case()
    decide(c1, dt.date(2025, 3, 1), "handling_decision")
    decide(c1, dt.date(2025, 4, 1), "penalty_decision")
    decide(c2, dt.date(2025, 5, 1), "penalty_decision")
    run_lhasa(gr)
    p = proposal_of(c1.employer)
    assert (p.punished_count, p.proposed_grade) == (2, "B")


def test_orders_without_a_decision_do_not_count_as_punished(gr):
    c = case()
    decide(c, dt.date(2025, 6, 1), "payment_order")
    decide(c, dt.date(2025, 6, 2), "rectification")
    run_lhasa(gr)
    p = proposal_of(c.employer)  # in scope (documents issued in 2025) but not punished: A
    assert (p.proposed_grade, p.rule_id, p.evidence.count()) == ("A", "GR-A", 0)


def test_record_year_window_31_december_counts_1_january_does_not(gr):
    in_ = case()
    decide(in_, dt.date(2025, 12, 31))
    out = case(name="一月一日公司", uscc=LHASA_USCC_2)
    decide(out, dt.date(2026, 1, 1))
    early = case(name="年初公司", uscc="")
    decide(early, dt.date(2025, 1, 1))
    late_prev = case(name="前年公司", uscc="")
    decide(late_prev, dt.date(2024, 12, 31))
    run_lhasa(gr)
    assert proposal_of(in_.employer).proposed_grade == "B"
    assert proposal_of(early.employer).proposed_grade == "B"
    # 2026-01-01 and 2024-12-31 lie outside the 2025 records: no record in the window, not graded for 2026
    assert not GradeProposal.objects.filter(employer__in=[out.employer, late_prev.employer], year=Y).exists()
    # the decision of 2026-01-01 is part of the 2027 grading instead (its records year has not ended: refused)
    with pytest.raises(DomainError) as e:
        svc.grading_run_start(year=2027, region_code="540100", user=gr["grader"])
    assert "2026" in e.value.message and "人社部规〔2016〕1号" in e.value.message
    with freeze_time("2027-01-02"):
        svc.grading_run_start(year=2027, region_code="540100", user=gr["grader"], today=dt.date(2027, 1, 2))
    assert proposal_of(out.employer, 2027).proposed_grade == "B"


def test_refusal_window_is_local_time(gr):
    """Case events carry timestamps: 31 Dec 23:30 in Lhasa (15:30 UTC) is 2025; 1 Jan 00:10 local is 2026 even
    though it is still 31 Dec in UTC."""
    late = case()
    event_at(late, "non_compliant", local(2025, 12, 31, 23, 30))
    early = case(name="零点公司", uscc=LHASA_USCC_2)
    event_at(early, "non_compliant", local(2026, 1, 1, 0, 10))
    run_lhasa(gr)
    p = proposal_of(late.employer)
    assert (p.proposed_grade, p.rule_id) == ("C", "GR-C4")
    assert p.evidence.get().occurred_on == dt.date(2025, 12, 31)
    assert not GradeProposal.objects.filter(employer=early.employer, year=Y).exists()


def test_refused_order_with_fine_and_incident_flag(gr):
    refused = case()
    decide(refused, dt.date(2025, 5, 1))
    refused.fine_amount = Decimal("5000")
    refused.save()
    event_at(refused, "non_compliant", local(2025, 6, 1))
    flagged = case(name="群体事件公司", uscc=LHASA_USCC_2)
    event_at(flagged, "flag_blacklist_candidate", local(2025, 7, 1), incident_limb=True)
    not_incident = case(name="未引发事件公司", uscc="")
    event_at(not_incident, "flag_blacklist_candidate", local(2025, 7, 1), incident_limb=False)
    decide(not_incident, dt.date(2025, 7, 2))
    run_lhasa(gr)
    p = proposal_of(refused.employer)
    assert (p.proposed_grade, p.rule_id) == ("C", "GR-C4")
    refusal = p.evidence.get(ground="REFUSED_ORDER")
    assert "5,000.00" in refusal.reference and refusal.document is not None
    assert proposal_of(flagged.employer).rule_id == "GR-C2"
    assert proposal_of(not_incident.employer).proposed_grade == "B"


def _listing(complaint, *, decided_at, state="LISTED", limb="incident", user):
    doc = decide(complaint, decided_at - dt.timedelta(days=40), "payment_order")
    return ListingDecision.objects.create(
        complaint=complaint, employer=complaint.employer, region=complaint.handling_region, state=state,
        basis_limb=limb, incident_note="百余名工人聚集讨薪" if limb == "incident" else "", order_document=doc,
        order_doc_no=doc.doc_no, payment_deadline=doc.payment_deadline, arrears_amount=Decimal("18000"),
        unit_name=complaint.employer.name, deciding_department="拉萨市人力资源和社会保障局", drafted_by=user,
        decision_no=f"藏人社黑〔{decided_at.year}〕{complaint.pk}号", decided_at=decided_at,
        period_end=decided_at.replace(year=decided_at.year + 3))


def test_incident_listing_gives_c_and_a_revoked_one_does_not(gr):
    listed = case()
    _listing(listed, decided_at=dt.date(2025, 9, 1), user=gr["head"])
    revoked = case(name="撤销名单公司", uscc=LHASA_USCC_2)
    _listing(revoked, decided_at=dt.date(2025, 9, 1), state="REVOKED", user=gr["head"])
    amount = case(name="数额名单公司", uscc="")
    _listing(amount, decided_at=dt.date(2024, 9, 1), limb="amount", user=gr["head"])  # in force in 2025
    run_lhasa(gr)
    p = proposal_of(listed.employer)
    assert (p.proposed_grade, p.rule_id) == ("C", "GR-C2")
    assert p.evidence.get(ground="INCIDENT").listing.decision_no.startswith("藏人社黑")
    assert proposal_of(revoked.employer).proposed_grade == "A"  # graded (a record), but no ground
    # a listing in force in 2025 brings the employer into scope; the amount limb is not itself a C ground
    assert proposal_of(amount.employer).proposed_grade == "A"


def _transfer(complaint, *, outcome, outcome_on, user):
    from arrears.models import CriminalThreshold

    doc = decide(complaint, outcome_on - dt.timedelta(days=200), "handling_decision")
    return CriminalTransfer.objects.create(
        complaint=complaint, case_number=complaint.case_number, employer=complaint.employer,
        region=complaint.handling_region, state="CONCLUDED" if outcome else "FILED", opened_by=user,
        threshold=CriminalThreshold.objects.first(), threshold_on=doc.issued_at, limb="per_worker",
        remuneration_outstanding=Decimal("18000"), workers_owed=1, worker_amount=Decimal("18000"), worker_months=3,
        order_document=doc, order_doc_no=doc.doc_no, payment_deadline=doc.payment_deadline, order_service="served",
        order_served_on=doc.issued_at, transfer_doc_no=f"藏人社移〔2024〕{complaint.pk}号",
        sent_at=timezone.now(), police_region=complaint.handling_region, outcome=outcome or "",
        outcome_on=outcome_on if outcome else None, judgment_no="（2025）藏0102刑初1号" if outcome else "")


def test_criminal_conviction_in_the_record_year_gives_c(gr):
    convicted = case()
    _transfer(convicted, outcome="convicted", outcome_on=dt.date(2025, 11, 3), user=gr["head"])
    acquitted = case(name="宣告无罪公司", uscc=LHASA_USCC_2)
    _transfer(acquitted, outcome="acquitted", outcome_on=dt.date(2025, 11, 3), user=gr["head"])
    run_lhasa(gr)
    p = proposal_of(convicted.employer)
    assert (p.proposed_grade, p.rule_id) == ("C", "GR-C6")
    ev = p.evidence.get(ground="CRIMINAL")
    assert ev.transfer.outcome == "convicted" and "刑初" in ev.reference
    assert "GR-C6" not in proposal_of(acquitted.employer).rules_met


def test_threshold_is_a_regional_parameter(gr):
    employer = punished(3)
    LegalParameter.objects.create(key="grading.c_punished_times", region=Region.objects.get(code="540100"),
                                  value=4, effective_from=dt.date(2026, 1, 1), citation="拉萨市实施细则 [test]")
    run_lhasa(gr)
    assert proposal_of(employer).proposed_grade == "B"


def test_real_track_records_are_graded(gr):
    """A complaint driven through the real inspection track on 2025 dates: the handling decision and the
    non-compliance it records are what the grade rests on."""
    items = [{"category": "wages", "period_start": "2025-06-01", "period_end": "2025-06-30", "amount_claimed": "6000"}]
    with freeze_time("2025-11-03"):
        c = submit(violation_start="2025-06-01", violation_end="2025-06-30", employment_end_date="2025-06-30",
                   items=items).complaint
        c = advance(c, "compliance", inspector=gr["inspector"], inspector_b=gr["inspector_b"], head=gr["head"])
    with freeze_time("2025-12-31"):
        c = complete(gr["inspector"], c, {"decision": "non_compliant"})
    assert c.state == "NON_COMPLIANT"
    run_lhasa(gr)
    p = proposal_of(c.employer)
    assert (p.proposed_grade, p.rule_id) == ("C", "GR-C4")
    assert sorted(e.ground for e in p.evidence.all()) == ["PUNISHED", "REFUSED_ORDER"]
    assert p.evidence.get(ground="PUNISHED").document.issued_at == dt.date(2025, 11, 3)


# --- the run: scope, idempotence, the beat task --------------------------------------------------------------------

def test_run_scope_is_the_region(gr):
    lhasa = punished(1)
    shigatse = punished(1, name="日喀则某矿业公司", uscc=SHIGATSE_USCC, region="540202")
    today_only = case(name="今年才投诉公司", uscc=LHASA_USCC_2)  # received in 2026, nothing dated 2025
    run = run_lhasa(gr)
    assert set(run.proposals.values_list("employer_id", flat=True)) == {lhasa.pk}
    assert not GradeProposal.objects.filter(employer__in=[shigatse, today_only.employer]).exists()


def test_run_is_idempotent_and_picks_up_late_records_until_review(gr):
    a = punished(1)
    b = punished(1, name="第二公司", uscc=LHASA_USCC_2)
    run = run_lhasa(gr)
    counts = (GradeProposal.objects.count(), GradeEvidence.objects.count(),
              GradeProposal.history.count(), GradeEvidence.history.count(), GradingRun.history.count())
    again = run_lhasa(gr)
    assert again.pk == run.pk and GradingRun.objects.count() == 1
    assert counts == (GradeProposal.objects.count(), GradeEvidence.objects.count(), GradeProposal.history.count(),
                      GradeEvidence.history.count(), GradingRun.history.count())
    # records entered late: two more decisions of 2025 for each; a's proposal was reviewed meanwhile
    svc.proposal_review(proposal=proposal_of(a), user=gr["grader"])
    for employer in (a, b):
        for _ in range(2):
            c = case(name=employer.name, uscc=employer.uscc)
            decide(c, dt.date(2025, 12, 30))
    run_lhasa(gr)
    assert proposal_of(b).proposed_grade == "C" and proposal_of(b).punished_count == 3
    assert proposal_of(a).proposed_grade == "B" and proposal_of(a).state == "REVIEWED"  # reviewed: left alone


def test_an_employer_is_graded_once_a_year(gr):
    employer = punished(1)
    run_lhasa(gr)
    province_grader = make_user("grader_tibet", "grading_officer", "540000")
    run = svc.grading_run_start(year=Y, region_code="540000", user=province_grader)
    assert GradeProposal.objects.filter(employer=employer, year=Y).count() == 1
    assert not run.proposals.filter(employer=employer).exists()


def test_beat_task_runs_every_prefecture_idempotently(gr):
    punished(1)
    punished(1, name="日喀则某矿业公司", uscc=SHIGATSE_USCC, region="540202")
    prefectures = Region.objects.filter(level="prefecture").count()
    assert start_grading_runs(year=Y) == prefectures
    assert GradingRun.objects.filter(year=Y).count() == prefectures
    n = GradeProposal.objects.count()
    assert n == 2
    assert start_grading_runs(year=Y) == prefectures
    assert GradingRun.objects.filter(year=Y).count() == prefectures and GradeProposal.objects.count() == n
    h = GradingRun.history.filter(year=Y).first()
    assert h.history_user is None and h.channel == "task"
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["grading-yearly-runs"]
    assert entry["task"] == start_grading_runs.name and entry["schedule"].month_of_year == {1}


def test_run_reach_and_roles(gr):
    punished(1)
    with pytest.raises(NotAllowed):
        svc.grading_run_start(year=Y, region_code="540100", user=gr["grader_shigatse"])
    with pytest.raises(NotAllowed):
        svc.grading_run_start(year=Y, region_code="540100", user=gr["inspector"])
    run = run_lhasa(gr)
    assert run.created_by == gr["grader"]
    assert not svc.runs_for(gr["grader_shigatse"]).exists() and not svc.proposals_for(gr["grader_shigatse"]).exists()
    p = run.proposals.get()
    with pytest.raises(NotAllowed):
        svc.proposal_review(proposal=p, user=gr["grader_shigatse"])
    with pytest.raises(NotAllowed):
        svc.proposal_review(proposal=p, user=gr["head"])  # reviewing is the grading officer's


# --- grounds added by hand, records set aside ----------------------------------------------------------------------

def test_manual_ground_needs_reason_and_a_date_in_the_record_year(gr):
    employer = punished(1)
    run_lhasa(gr)
    p = proposal_of(employer)
    with pytest.raises(DomainError) as e:
        svc.proposal_ground_add(proposal=p, user=gr["grader"], ground="CHILD_LABOUR", reason=" ",
                                occurred_on=dt.date(2025, 5, 1))
    assert "reason" in e.value.errors and "人社部规〔2016〕1号" in e.value.message
    for bad in (dt.date(2024, 12, 31), dt.date(2026, 1, 1)):
        with pytest.raises(DomainError) as e:
            svc.proposal_ground_add(proposal=p, user=gr["grader"], ground="CHILD_LABOUR", reason="使用童工",
                                    occurred_on=bad)
        assert "occurred_on" in e.value.errors
    with pytest.raises(DomainError):
        svc.proposal_ground_add(proposal=p, user=gr["grader"], ground="PUNISHED", reason="x",
                                occurred_on=dt.date(2025, 5, 1))
    ev = svc.proposal_ground_add(proposal=p, user=gr["grader"], ground="CHILD_LABOUR",
                                 reason="2025年5月专项检查查实使用童工2名（处罚决定书另案）", occurred_on=dt.date(2025, 12, 31))
    p.refresh_from_db()
    assert (p.proposed_grade, p.rule_id, ev.added_by) == ("C", "GR-C3", gr["grader"])
    for ground, rule_id in (("OBSTRUCTION", "GR-C5"), ("FORCED_LABOUR", "GR-C3")):
        svc.proposal_ground_add(proposal=p, user=gr["grader"], ground=ground, reason="查实",
                                occurred_on=dt.date(2025, 1, 1))
        p.refresh_from_db()
        assert rule_id in p.rules_met


def test_setting_a_record_aside_regrades(gr):
    employer = punished(3)
    run_lhasa(gr)
    p = proposal_of(employer)
    assert p.proposed_grade == "C"
    ev = p.evidence.first()
    with pytest.raises(DomainError):
        svc.evidence_exclude(evidence=ev, user=gr["grader"], reason="")
    svc.evidence_exclude(evidence=ev, user=gr["grader"], reason="该处理决定经行政复议撤销")
    p.refresh_from_db()
    assert (p.proposed_grade, p.punished_count) == ("B", 2)
    with pytest.raises(DomainError):
        svc.evidence_exclude(evidence=ev, user=gr["grader"], reason="again")
    svc.proposal_review(proposal=p, user=gr["grader"])
    with pytest.raises(DomainError):  # reviewed: grounds are frozen
        svc.evidence_exclude(evidence=p.evidence.filter(excluded=False).first(), user=gr["grader"], reason="x")


# --- four eyes, the transition table -------------------------------------------------------------------------------

def test_four_eyes_the_reviewer_never_approves(gr):
    employer = punished(1)
    run_lhasa(gr)
    p = proposal_of(employer)
    both = make_user("grader_and_head", "grading_officer", "540100")
    from django.contrib.auth.models import Group

    both.groups.add(Group.objects.get(name="inspection_head"))
    svc.proposal_review(proposal=p, user=both)
    with translation.override("en"), pytest.raises(NotAllowed) as e:  # the English msgid
        svc.proposal_approve(proposal=p, user=both)
    assert "four eyes" in e.value.message
    with pytest.raises(NotAllowed):
        svc.proposal_approve(proposal=p, user=gr["grader_b"])  # not a head
    # the database refuses it too
    p.refresh_from_db()
    p.approved_by, p.state, p.final_grade = both, "APPROVED", "B"
    with pytest.raises(ValidationError):
        p.full_clean()
    p.refresh_from_db()
    svc.proposal_approve(proposal=p, user=gr["head"])
    p.refresh_from_db()
    assert (p.state, p.final_grade, p.approved_by) == ("APPROVED", "B", gr["head"])


def test_transition_table_refuses_skips_and_head_may_send_back(gr):
    employer = punished(1)
    run_lhasa(gr)
    p = proposal_of(employer)
    with pytest.raises(DomainError):
        svc.proposal_approve(proposal=p, user=gr["head"])  # not reviewed
    with pytest.raises(DomainError):
        svc.proposal_notify(proposal=p, user=gr["grader"], note="x")
    with pytest.raises(DomainError):
        p.set_state("ARCHIVED")
    svc.proposal_review(proposal=p, user=gr["grader"])
    with pytest.raises(DomainError):
        svc.proposal_return(proposal=p, user=gr["head"], note="")
    svc.proposal_return(proposal=p, user=gr["head"], note="请核对第二份决定书")
    p.refresh_from_db()
    assert (p.state, p.reviewed_by, p.return_note) == ("PROPOSED", None, "请核对第二份决定书")


# --- notification, objection, re-review, archive; history ----------------------------------------------------------

def test_whole_life_with_objection_and_history(gr):
    employer = punished(2)
    employer.contact_phone = "13900000009"
    employer.save()
    svc.employer_account_link(employer=employer, account=gr["clerk"], user=gr["grader"])
    run_lhasa(gr)
    p = approved(gr, employer)
    svc.proposal_notify(proposal=p, user=gr["grader"])
    p.refresh_from_db()
    assert (p.state, p.notice_channels) == ("NOTIFIED", "inapp, sms")
    msgs = Message.objects.filter(event="grade_notified")
    assert {m.channel for m in msgs} == {"inapp", "sms"}
    assert all("B" in m.body and str(Y) in m.body and employer.name in m.body for m in msgs)
    assert Notification.objects.filter(recipient=gr["clerk"], event="grade_notified").count() == 1
    # the objection
    with pytest.raises(DomainError):
        svc.proposal_objection_record(proposal=p, user=gr["grader"], received_on=timezone.localdate(), text="")
    with pytest.raises(DomainError):
        svc.proposal_objection_record(proposal=p, user=gr["grader"],
                                      received_on=timezone.localdate() - dt.timedelta(days=1), text="不服")
    svc.proposal_objection_record(proposal=p, user=gr["grader"], received_on=timezone.localdate(),
                                  text="第二份决定书已被复议撤销")
    p.refresh_from_db()
    assert (p.state, p.grade_before_objection) == ("OBJECTED", "B")
    ev = p.evidence.order_by("-id").first()
    svc.evidence_exclude(evidence=ev, user=gr["grader_b"], reason="复议撤销")
    svc.proposal_re_review(proposal=p, user=gr["grader_b"], note="复议撤销属实，维持B级（仍有一次查处）")
    with pytest.raises(NotAllowed):
        svc.proposal_approve(proposal=p, user=gr["grader_b"])
    svc.proposal_approve(proposal=p, user=gr["head_b"])
    svc.proposal_notify(proposal=p, user=gr["head_b"])
    assert Notification.objects.filter(recipient=gr["clerk"], event="grade_notified").count() == 2
    with pytest.raises(DomainError):  # one objection per grade
        svc.proposal_objection_record(proposal=p, user=gr["grader"], received_on=timezone.localdate(), text="again")
    svc.proposal_archive(proposal=p, user=gr["grader"])
    p.refresh_from_db()
    assert p.state == "ARCHIVED" and p.final_grade == "B" and p.punished_count == 1
    actors = [(h.state, h.history_user) for h in p.history.order_by("history_id")]
    assert ("REVIEWED", gr["grader"]) in actors and ("APPROVED", gr["head"]) in actors
    assert ("OBJECTED", gr["grader"]) in actors and ("RE_REVIEWED", gr["grader_b"]) in actors
    assert ("APPROVED", gr["head_b"]) in actors and ("ARCHIVED", gr["grader"]) in actors
    assert ev.history.latest().history_user == gr["grader_b"]
    assert EmployerAccount.history.latest().history_user == gr["grader"]


def test_notify_without_account_or_mobile_needs_a_recorded_notice(gr):
    employer = punished(1)
    run_lhasa(gr)
    p = approved(gr, employer)
    with pytest.raises(DomainError) as e:
        svc.proposal_notify(proposal=p, user=gr["grader"])
    assert "note" in e.value.errors
    svc.proposal_notify(proposal=p, user=gr["grader"], note="2026-02-03 书面告知书送达单位")
    p.refresh_from_db()
    assert (p.state, p.notice_channels) == ("NOTIFIED", "recorded") and "书面告知书" in p.notice_note
    assert not Message.objects.filter(event="grade_notified").exists()


def test_bulk_steps_and_run_close(gr):
    e1 = punished(1)
    e2 = punished(1, name="第二公司", uscc=LHASA_USCC_2)
    run = run_lhasa(gr)
    ids = list(run.proposals.values_list("pk", flat=True))
    assert svc.proposals_bulk(run=run, user=gr["grader"], step="review", ids=ids)["done"] == sorted(ids)
    with pytest.raises(DomainError):
        svc.grading_run_close(run=run, user=gr["grader"])
    assert sorted(svc.proposals_bulk(run=run, user=gr["head"], step="approve", ids=ids)["done"]) == sorted(ids)
    svc.employer_account_link(employer=e1, account=gr["clerk"], user=gr["grader"])
    result = svc.proposals_bulk(run=run, user=gr["grader"], step="notify", ids=ids + [999999])
    assert result["done"] == [proposal_of(e1).pk]
    assert set(result["errors"]) == {proposal_of(e2).pk, 999999}  # no account, no phone: needs a note
    svc.proposal_notify(proposal=proposal_of(e2), user=gr["grader"], note="书面告知")
    svc.grading_run_close(run=run, user=gr["grader"])
    run.refresh_from_db()
    assert run.state == "CLOSED" and set(run.proposals.values_list("state", flat=True)) == {"ARCHIVED"}
    assert run_lhasa(gr).proposals.count() == 2  # closed: left alone


# --- the employer's own grade --------------------------------------------------------------------------------------

def test_employer_sees_only_its_own_notified_grade(gr):
    mine = punished(1)
    other = punished(3, name="别家公司", uscc=LHASA_USCC_2)
    svc.employer_account_link(employer=mine, account=gr["clerk"], user=gr["grader"])
    svc.employer_account_link(employer=other, account=gr["clerk_b"], user=gr["head"])
    run_lhasa(gr)
    p_mine, p_other = approved(gr, mine), approved(gr, other)
    page = client_for(gr["clerk"]).get("/my/grade/").content.decode()
    assert mine.name not in page  # approved, not yet told
    svc.proposal_notify(proposal=p_mine, user=gr["grader"])
    svc.proposal_notify(proposal=p_other, user=gr["grader"])
    page = client_for(gr["clerk"]).get("/my/grade/").content.decode()
    assert mine.name in page and other.name not in page
    data = api_for(gr["clerk"]).get("/api/v1/grading/my/").json()["results"]
    assert [(r["employer"], r["grade"], r["year"]) for r in data] == [(mine.name, "B", Y)]
    assert api_for(gr["clerk_b"]).get("/api/v1/grading/my/").json()["results"][0]["grade"] == "C"
    # while an objection is re-reviewed, the grade told stays shown, marked
    svc.proposal_objection_record(proposal=p_mine, user=gr["grader"], received_on=timezone.localdate(), text="不服")
    row = api_for(gr["clerk"]).get("/api/v1/grading/my/").json()["results"][0]
    assert (row["grade"], row["under_review"]) == ("B", True)
    # an unlinked clerk sees nothing; clerks reach no staff page or API; staff have no /my/grade/
    link = EmployerAccount.objects.get(user=gr["clerk_b"])
    svc.employer_account_unlink(link=link, user=gr["grader"])
    assert api_for(gr["clerk_b"]).get("/api/v1/grading/my/").json()["results"] == []
    assert client_for(gr["clerk"]).get("/staff/grading/").status_code == 404
    assert client_for(gr["clerk"]).get(f"/staff/employers/{mine.pk}/").status_code == 404
    assert api_for(gr["clerk"]).get("/api/v1/grading/runs/").status_code == 404
    assert api_for(gr["clerk"]).get(f"/api/v1/grading/employers/{mine.pk}/").status_code == 404
    assert client_for(gr["grader"]).get("/my/grade/").status_code == 404
    assert Client().get("/my/grade/").status_code == 302


def test_only_employer_clerks_are_linked_by_staff_in_reach(gr):
    employer = punished(1)
    with pytest.raises(DomainError):
        svc.employer_account_link(employer=employer, account=gr["inspector"], user=gr["grader"])
    with pytest.raises(NotAllowed):
        svc.employer_account_link(employer=employer, account=gr["clerk"], user=gr["grader_shigatse"])
    with pytest.raises(NotAllowed):
        svc.employer_account_link(employer=employer, account=gr["clerk"], user=gr["inspector"])
    svc.employer_account_link(employer=employer, account=gr["clerk"], user=gr["grader"])
    with pytest.raises(DomainError):
        svc.employer_account_link(employer=employer, account=gr["clerk"], user=gr["grader"])


# --- public display ------------------------------------------------------------------------------------------------

def _notified(gr):
    employer = punished(1)
    proposed = punished(3, name="尚未审核公司", uscc=LHASA_USCC_2)
    run_lhasa(gr)
    p = approved(gr, employer)
    svc.proposal_notify(proposal=p, user=gr["grader"], note="书面告知")
    return employer, proposed


def test_grades_are_not_public_by_default(gr):
    employer, _ = _notified(gr)
    assert Client().get("/integrity/grades/").status_code == 404
    assert APIClient().get("/api/v1/public/grades/").status_code == 404
    assert employer.name not in Client().get("/registry/").content.decode()


def test_public_when_the_province_turns_it_on_and_without_personal_data(gr):
    employer, proposed = _notified(gr)
    LegalParameter.objects.create(key="grading.public_display", region=Region.objects.get(code="540000"), value=1,
                                  effective_from=dt.date(2026, 1, 1), citation="西藏自治区通知 [test]")
    page = Client().get("/integrity/grades/")
    api = APIClient().get("/api/v1/public/grades/")
    assert page.status_code == 200 and api.status_code == 200
    text = page.content.decode()
    assert employer.name in text and proposed.name not in text  # only grades approved and told
    assert [(r["employer"], r["grade"], r["year"]) for r in api.json()["results"]] == [(employer.name, "B", Y)]
    assert set(api.json()["results"][0]) == {"employer", "uscc", "year", "grade", "region_code", "department"}
    for where, body in (("page", text), ("api", api.content.decode("utf-8")),
                        ("search", Client().get("/integrity/grades/", {"q": employer.name[:4]}).content.decode())):
        assert_private(body, where)


def test_a_later_prefecture_row_overrides_the_province(gr):
    employer, _ = _notified(gr)
    tibet, lhasa = Region.objects.get(code="540000"), Region.objects.get(code="540100")
    LegalParameter.objects.create(key="grading.public_display", region=tibet, value=1,
                                  effective_from=dt.date(2026, 1, 1), citation="test")
    assert [r["employer"] for r in APIClient().get("/api/v1/public/grades/").json()["results"]] == [employer.name]
    LegalParameter.objects.create(key="grading.public_display", region=lhasa, value=0,
                                  effective_from=dt.date(2026, 6, 1), citation="test")
    r = APIClient().get("/api/v1/public/grades/")
    assert r.status_code == 200 and r.json()["results"] == []  # public in Tibet, but Lhasa keeps its grades private


# --- the integrity file --------------------------------------------------------------------------------------------

def test_integrity_file_reach(gr):
    lhasa = punished(1)
    assert client_for(gr["grader"]).get(f"/staff/employers/{lhasa.pk}/").status_code == 200
    assert client_for(gr["grader_shigatse"]).get(f"/staff/employers/{lhasa.pk}/").status_code == 404
    assert api_for(gr["grader_shigatse"]).get(f"/api/v1/grading/employers/{lhasa.pk}/").status_code == 404
    assert client_for(gr["shigatse"]).get(f"/staff/employers/{lhasa.pk}/").status_code == 404
    assert client_for(gr["intake"]).get(f"/staff/employers/{lhasa.pk}/").status_code == 404  # not a file role
    assert Client().get(f"/staff/employers/{lhasa.pk}/").status_code == 302
    found = client_for(gr["grader"]).get("/staff/employers/", {"q": "示例建筑"}).content.decode()
    assert f"/staff/employers/{lhasa.pk}/" in found
    assert f"/staff/employers/{lhasa.pk}/" not in client_for(gr["grader_shigatse"]).get(
        "/staff/employers/", {"q": "示例建筑"}).content.decode()
    by_code = api_for(gr["grader"]).get("/api/v1/grading/employers/", {"q": LHASA_USCC.lower()}).json()
    assert [r["id"] for r in by_code["results"]] == [lhasa.pk]
    # a Shigatse employer with a Shigatse case is in the Shigatse officer's reach, not in Lhasa's
    shigatse = punished(1, name="日喀则某矿业公司", uscc=SHIGATSE_USCC, region="540202")
    assert api_for(gr["grader_shigatse"]).get(f"/api/v1/grading/employers/{shigatse.pk}/").status_code == 200
    assert api_for(gr["grader"]).get(f"/api/v1/grading/employers/{shigatse.pk}/").status_code == 404


def test_integrity_file_contents_and_masking(gr):
    employer = punished(1)
    report = submit(kind="report", complainant={}, employer=employer_payload(employer.name, LHASA_USCC),
                    items=[]).complaint
    decide(report, dt.date(2025, 8, 1), "penalty_decision")
    _listing(case(), decided_at=dt.date(2025, 9, 1), user=gr["head"])
    _transfer(case(), outcome="convicted", outcome_on=dt.date(2025, 11, 3), user=gr["head"])
    run_lhasa(gr)
    # a grading officer is not a case handler: the worker is masked, the informant hidden, nothing logged
    data = api_for(gr["grader"]).get(f"/api/v1/grading/employers/{employer.pk}/").json()
    assert len(data["complaints"]) == 4 and data["transfers_available"]
    assert data["transfers"][0]["outcome"] == "convicted"
    assert data["listings"][0]["decision_no"].startswith("藏人社黑") and data["grades"][0]["year"] == Y
    assert data["disclosures_available"] is True and data["disclosures"] == []  # none disclosed (§9 built)
    names = {c["complainant"]["name"] for c in data["complaints"] if c["complainant"]}
    assert names == {"扎某"}
    assert all(c["complainant"] is None for c in data["complaints"] if c["kind"] == "report")
    assert {d["doc_type"] for c in data["complaints"] for d in c["documents"]} >= {"handling_decision",
                                                                                    "penalty_decision"}
    body = client_for(gr["grader"]).get(f"/staff/employers/{employer.pk}/").content.decode()
    assert_private(body, "file page (grading officer)")
    assert not PiiAccess.objects.exists()
    # the region's case handler sees the worker in full, and the read is logged
    data = api_for(gr["head"]).get(f"/api/v1/grading/employers/{employer.pk}/").json()
    assert WORKER in {c["complainant"]["name"] for c in data["complaints"] if c["complainant"]}
    assert PiiAccess.objects.filter(user=gr["head"], what="case_api").count() == 3  # the identified complaints
    client_for(gr["head"]).get(f"/staff/employers/{employer.pk}/")
    assert PiiAccess.objects.filter(user=gr["head"], what="case_page").count() == 3
    # an auditor of the province: masked
    assert "扎某" in client_for(gr["auditor"]).get(f"/staff/employers/{employer.pk}/").content.decode()


def test_integrity_file_selector_masks_informants_for_non_handlers(gr):
    c = submit(kind="report", complainant={"name": "卓玛", "id_number": "11010519491231002X",
                                           "phone": "13800000002"}).complaint
    file = integrity_file(c.employer, gr["grader"])
    row = next(r for r in file["complaints"] if r["case_number"] == c.case_number)
    assert row["complainant"] is None or row["complainant"]["confidential"]
    assert "卓玛" not in str(file["complaints"])


# --- pages and API -------------------------------------------------------------------------------------------------

def test_pages_start_review_approve(gr):
    employer = punished(1)
    grader = client_for(gr["grader"])
    page = grader.get("/staff/grading/").content.decode()
    assert 'name="year"' in page
    r = grader.post("/staff/grading/", {"year": str(Y), "region": "540100"})
    run = GradingRun.objects.get(year=Y, region="540100")
    assert r.status_code == 302 and r["Location"] == f"/staff/grading/runs/{run.pk}/"
    assert employer.name in grader.get(r["Location"]).content.decode()
    assert client_for(gr["grader_shigatse"]).get(r["Location"]).status_code == 404
    assert client_for(gr["inspector"]).get("/staff/grading/").status_code == 404
    # the runs table exports (CSV, Excel) with the page's reach
    assert "/staff/exports/grading.runs/csv/" in grader.get("/staff/grading/").content.decode()
    import csv as _csv
    import io as _io
    exported = grader.get("/staff/exports/grading.runs/csv/")
    rows = list(_csv.reader(_io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == str(Y) and rows[1][3] == "1"
    shigatse = client_for(gr["grader_shigatse"]).get("/staff/exports/grading.runs/csv/")
    assert len(list(_csv.reader(_io.StringIO(b"".join(shigatse.streaming_content).decode("utf-8-sig"))))) == 1
    p = proposal_of(employer)
    url = f"/staff/grading/proposals/{p.pk}/"
    page = grader.get(url).content.decode()
    assert f'action="{url}review/"' in page and f'action="{url}approve/"' not in page
    r = grader.post(url + "ground/", {"ground-ground": "OBSTRUCTION", "ground-occurred_on": "2026-01-05",
                                      "ground-reason": "拒绝检查"})
    assert r.status_code == 400 and "error-message" in r.content.decode()
    assert grader.post(url + "review/", {"review-note": "已核"}).status_code == 302
    head = client_for(gr["head"])
    assert f'action="{url}approve/"' in head.get(url).content.decode()
    assert head.post(url + "approve/", {}).status_code == 302
    p.refresh_from_db()
    assert (p.state, p.final_grade) == ("APPROVED", "B")
    assert grader.post(url + "notify/", {"notify-note": "书面告知"}).status_code == 302
    p.refresh_from_db()
    assert p.state == "NOTIFIED"


def test_pages_bulk_and_account_link(gr):
    e1 = punished(1)
    run = run_lhasa(gr)
    grader = client_for(gr["grader"])
    r = grader.post(f"/staff/grading/runs/{run.pk}/bulk/", {"step": "review", "ids": [proposal_of(e1).pk]})
    assert r.status_code == 302 and proposal_of(e1).state == "REVIEWED"
    r = grader.post(f"/staff/employers/{e1.pk}/accounts/", {"username": "insp_a"})
    assert r.status_code == 400 and "employer_user" in r.content.decode()
    assert grader.post(f"/staff/employers/{e1.pk}/accounts/", {"username": "clerk_a"}).status_code == 302
    assert EmployerAccount.objects.filter(user=gr["clerk"], employer=e1, revoked_at__isnull=True).exists()


def test_every_step_on_the_api(gr):
    employer = punished(2)
    grader, head = api_for(gr["grader"]), api_for(gr["head"])
    r = grader.post("/api/v1/grading/runs/", {"year": Y, "region": "540100"}, format="json")
    assert r.status_code == 201 and r.json()["summary"]["total"] == 1
    assert api_for(gr["grader_shigatse"]).post("/api/v1/grading/runs/", {"year": Y, "region": "540100"},
                                               format="json").status_code == 403
    assert grader.post("/api/v1/grading/runs/", {"year": 2027, "region": "540100"}, format="json").status_code == 400
    run_id = r.json()["id"]
    listed = grader.get("/api/v1/grading/proposals/", {"run": run_id}).json()
    assert [r["employer"]["id"] for r in listed["results"]] == [employer.pk]
    pid = listed["results"][0]["id"]
    detail = grader.get(f"/api/v1/grading/proposals/{pid}/").json()
    assert {s["name"] for s in detail["steps"]} == {"ground", "exclude", "review"}
    ground = next(s for s in detail["steps"] if s["name"] == "ground")
    assert {f["name"] for f in ground["fields"]} == {"ground", "occurred_on", "reason", "reference"}
    assert len(detail["evidence"]) == 2 and detail["evidence"][0]["document_no"]
    base = f"/api/v1/grading/proposals/{pid}/"
    r = grader.post(base + "ground/", {"ground": "OBSTRUCTION", "occurred_on": "2025-03-03", "reason": "阻挠检查"},
                    format="json")
    assert r.status_code == 200 and r.json()["proposed_grade"] == "C"
    ev = next(e for e in r.json()["evidence"] if e["manual"])
    r = grader.post(base + "exclude/", {"evidence": ev["id"], "reason": "误录"}, format="json")
    assert r.json()["proposed_grade"] == "B"
    assert grader.post(base + "approve/", {}, format="json").status_code in (400, 403)
    assert grader.post(base + "review/", {"note": "已核"}, format="json").json()["state"] == "REVIEWED"
    r = head.post(base + "return/", {"note": "补充说明"}, format="json")
    assert r.json()["state"] == "PROPOSED"
    grader.post(base + "review/", {}, format="json")
    assert head.get(base).json()["steps"][0]["name"] in ("return", "approve")
    r = head.post(base + "approve/", {}, format="json")
    assert r.status_code == 200 and r.json()["final_grade"] == "B"
    r = grader.post(base + "notify/", {"note": "书面告知书已送达"}, format="json")
    assert r.json()["state"] == "NOTIFIED"
    r = grader.post(base + "objection/", {"received_on": timezone.localdate().isoformat(), "text": "不服"},
                    format="json")
    assert r.json()["state"] == "OBJECTED"
    assert grader.post(base + "re_review/", {"note": "维持"}, format="json").json()["state"] == "RE_REVIEWED"
    assert api_for(gr["head_b"]).post(base + "approve/", {}, format="json").json()["state"] == "APPROVED"
    grader.post(base + "notify/", {"note": "再次书面告知"}, format="json")
    assert grader.post(base + "archive/", {}, format="json").json()["state"] == "ARCHIVED"
    assert grader.post(base + "nonsense/", {}, format="json").status_code == 404
    r = grader.post(f"/api/v1/grading/runs/{run_id}/close/", format="json")
    assert r.status_code == 200 and r.json()["state"] == "CLOSED"
    # errors in the API's one shape
    r = grader.post(base + "objection/", {"received_on": "2026-01-01", "text": "x"}, format="json")
    assert r.status_code == 400 and "errors" in r.json() and "detail" in r.json()
    # other regions see nothing
    assert api_for(gr["grader_shigatse"]).get(base).status_code == 404
    assert api_for(gr["grader_shigatse"]).get(f"/api/v1/grading/runs/{run_id}/").status_code == 404


def test_api_bulk_and_account_link(gr):
    e1 = punished(1)
    run = run_lhasa(gr)
    ids = list(run.proposals.values_list("pk", flat=True))
    r = api_for(gr["grader"]).post(f"/api/v1/grading/runs/{run.pk}/bulk/", {"step": "review", "ids": ids},
                                   format="json")
    assert r.status_code == 200 and r.json()["done"] == ids
    r = api_for(gr["grader"]).post(f"/api/v1/grading/runs/{run.pk}/bulk/", {"step": "review", "ids": ids},
                                   format="json")
    assert r.json()["done"] == [] and list(r.json()["errors"]) == [str(ids[0])]
    r = api_for(gr["head"]).post(f"/api/v1/grading/employers/{e1.pk}/accounts/", {"username": "clerk_a"},
                                 format="json")
    assert r.status_code == 201
    r = api_for(gr["head"]).post(f"/api/v1/grading/employers/{e1.pk}/accounts/{r.json()['id']}/unlink/",
                                 format="json")
    assert r.status_code == 200 and r.json()["revoked_at"]


def test_employer_model_untouched_by_grading(gr):
    """Grading reads the employer, never writes it (its history shows only intake's rows)."""
    employer = punished(1)
    before = Employer.history.filter(id=employer.pk).count()
    run_lhasa(gr)
    assert Employer.history.filter(id=employer.pk).count() == before
