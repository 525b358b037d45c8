"""Disclosure of major violations (spec §9, Order 29): the transition table and every refusal, batch assignment
(quarter and half-year boundaries, the schedule as effective-dated data), the privacy review, four eyes, the display
period and its expiry, the objection window on the real calendar and its outcomes, withdrawal racing publication,
the integrity file, and the staff pages and API with their role checks."""
import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from freezegun import freeze_time
from rest_framework.test import APIClient

from blacklist import services_disclosure as svc
from blacklist.models_disclosure import (DISCLOSURE_TRANSITIONS, Disclosure, DisclosureBatch,
                                         DisclosureState as D)
from casework.errors import DomainError, NotAllowed
from casework.models import DeadlineRule, Employer, InspectionDocument, LegalParameter, Region
from tests.factories import make_user, submit

from .test_registry_public import assert_private
from .test_transfer import many_worker_items, to_state as transfer_to_state, tr  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

FACTS = "该单位克扣、拖欠38名农民工工资共计人民币56万元，经责令限期支付后逾期未支付。"
HANDLING = "拉萨市城关区人力资源和社会保障局依法作出行政处理决定，责令支付拖欠的工资，并处罚款人民币2万元。"
PUBLIC = "/api/v1/public/disclosures/"
STAFF_API = "/api/v1/disclosures/"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def dl(tr):
    return {**tr,
            "head_tar": make_user("head_tar", "inspection_head", "540000"),
            "head_tar_b": make_user("head_tar_b", "inspection_head", "540000"),
            "publisher_tar": make_user("publisher_tar", "publisher", "540000")}


_seq = iter(range(1, 10_000))


def decision_doc(user, *, issued_at=dt.date(2026, 6, 15), region="540102", doc_type="handling_decision", **over):
    c = submit(region_code=region, **over).complaint
    return InspectionDocument.objects.create(
        complaint=c, doc_type=doc_type, doc_no=f"城人社监处〔{issued_at.year}〕{next(_seq)}号", issued_at=issued_at,
        text="行政处理决定。", issued_by=user)


def queued(dl, doc=None, *, user=None, category=1, facts=FACTS, handling=HANDLING, **doc_kw):
    doc = doc or decision_doc(dl["head"], **doc_kw)
    return svc.disclosure_queue(user=user or dl["officer"], source="DECISION", document=doc, category=category,
                                facts=facts, handling=handling)


def drive(dl, d, to: str):
    """Move ``d`` along the happy path to ``to`` (publication today)."""
    order = [D.PRIVACY_REVIEW, D.APPROVED, D.PUBLISHED]
    for s in order[: order.index(to) + 1]:
        if s == D.PRIVACY_REVIEW:
            svc.disclosure_submit(disclosure=d, user=dl["officer"])
        elif s == D.APPROVED:
            svc.disclosure_approve(disclosure=d, user=dl["head"], no_secrets=True)
        else:
            svc.disclosure_publish(disclosure=d, user=dl["publisher"])
    d.refresh_from_db()
    assert d.state == to
    return d


def published(dl, **kw):
    return drive(dl, queued(dl, **kw), D.PUBLISHED)


def refused(fn, *args, match: str = "", exc=DomainError, **kwargs):
    from django.utils import translation

    translation.activate("en")  # a test client's request in between resets the thread's language
    with pytest.raises(exc) as e:
        fn(*args, **kwargs)
    assert match in e.value.message, e.value.message
    return e.value


# --- the transition table and the happy path -----------------------------------------------------------------------

def test_transition_table_is_the_diagram():
    assert DISCLOSURE_TRANSITIONS[D.QUEUED] == {D.PRIVACY_REVIEW, D.WITHDRAWN}
    assert DISCLOSURE_TRANSITIONS[D.PUBLISHED] == {D.OBJECTED, D.ARCHIVED, D.WITHDRAWN, D.UNPUBLISHED}
    assert DISCLOSURE_TRANSITIONS[D.OBJECTED] == {D.PUBLISHED, D.WITHDRAWN}
    assert DISCLOSURE_TRANSITIONS[D.WITHDRAWN] == DISCLOSURE_TRANSITIONS[D.UNPUBLISHED] == set()
    d = Disclosure(state=D.QUEUED)
    with pytest.raises(DomainError):
        d.set_state(D.PUBLISHED)


def test_rule_rows_and_parameters_are_data_with_citations():
    obj = DeadlineRule.objects.get(rule_id="DC-OBJECTION")
    assert (obj.n, obj.unit) == (15, "WD") and "人社部令第29号" in obj.citation and "[M" in obj.citation
    disp = DeadlineRule.objects.get(rule_id="DC-DISPLAY")
    assert disp.unit == "MONTH" and "[D" in disp.citation
    values = {p.key: int(p.value) for p in LegalParameter.objects.filter(key__startswith="disclosure.")}
    assert values == {"disclosure.batch_months.province": 6, "disclosure.batch_months.prefecture": 3,
                      "disclosure.batch_months.county": 3, "disclosure.publish_within_wd": 0}


def test_happy_path_queue_review_approve_publish_archive_unpublish(dl):
    d = queued(dl)
    assert d.state == D.QUEUED and d.batch.label == "2026年第2季度" and d.batch.region_id == "540102"
    assert (d.unit_name, d.uscc, d.legal_rep_name) == ("西藏示例建筑工程有限公司", "91540100MA6T00012D", "王某")
    assert d.decision_no == d.document.doc_no and d.deciding_department.endswith("人力资源和社会保障局")
    refused(svc.disclosure_publish, disclosure=d, user=dl["publisher"], match="this step is not possible")
    drive(dl, d, D.PUBLISHED)
    assert d.approved_by == dl["head"] and d.no_secrets_confirmed and d.published_by == dl["publisher"]
    pub = d.published_at.date()
    assert d.display_until == pub.replace(year=pub.year + 1)  # DC-DISPLAY: 12 months, a calendar period
    assert d.history.first().history_user == dl["publisher"]
    due = svc.objection_due(d)
    refused(svc.disclosure_archive, disclosure=d, user=dl["officer"], today=due, match="objection period")
    svc.disclosure_archive(disclosure=d, user=dl["officer"], today=due + dt.timedelta(days=1))
    assert d.state == D.ARCHIVED and d.archived_at
    assert Client().get(f"{PUBLIC}{d.pk}/").status_code == 200  # archived: still displayed
    assert svc.disclosure_sweep(today=d.display_until) == {"archived": 0, "unpublished": 0}
    assert svc.disclosure_sweep(today=d.display_until + dt.timedelta(days=1)) == {"archived": 0, "unpublished": 1}
    d.refresh_from_db()
    assert d.state == D.UNPUBLISHED and d.unpublished_at
    assert svc.disclosure_sweep(today=d.display_until + dt.timedelta(days=2)) == {"archived": 0, "unpublished": 0}


def test_sweep_archives_after_the_objection_period(dl):
    d = published(dl)
    due = svc.objection_due(d)
    assert svc.disclosure_sweep(today=due)["archived"] == 0
    assert svc.disclosure_sweep(today=due + dt.timedelta(days=1))["archived"] == 1
    d.refresh_from_db()
    assert d.state == D.ARCHIVED


def test_return_to_drafter_and_steps_out_of_order(dl):
    d = drive(dl, queued(dl), D.PRIVACY_REVIEW)
    refused(svc.disclosure_submit, disclosure=d, user=dl["officer"], match="this step is not possible")
    refused(svc.disclosure_return, disclosure=d, user=dl["head"], note=" ", match="required")
    svc.disclosure_return(disclosure=d, user=dl["head"], note="处理情况写得不完整")
    assert d.state == D.QUEUED and d.return_note
    svc.disclosure_edit(disclosure=d, user=dl["officer"], handling=HANDLING + "已执行完毕。")
    refused(svc.disclosure_edit, disclosure=d, user=dl["officer"], drafted_by=dl["head"], match="cannot be changed")
    drive(dl, d, D.APPROVED)
    refused(svc.disclosure_edit, disclosure=d, user=dl["officer"], facts="x", match="this step is not possible")
    refused(svc.disclosure_objection_record, disclosure=d, user=dl["officer"], received_on=dt.date.today(),
            text="异议", match="this step is not possible")


def test_queue_refusals(dl, tr):
    doc = decision_doc(dl["head"])
    refused(svc.disclosure_queue, user=dl["officer"], source="DECISION", document=doc, category=9, facts=FACTS,
            handling=HANDLING, match="Choose one")
    refused(svc.disclosure_queue, user=dl["officer"], source="DECISION", document=doc, category=1, facts=" ",
            handling=HANDLING, match="required")
    order = decision_doc(dl["head"], doc_type="payment_order")
    refused(svc.disclosure_queue, user=dl["officer"], source="DECISION", document=order, category=1, facts=FACTS,
            handling=HANDLING, match="handling decision or a penalty decision")
    future = decision_doc(dl["head"], issued_at=dt.date.today() + dt.timedelta(days=3))
    refused(svc.disclosure_queue, user=dl["officer"], source="DECISION", document=future, category=1, facts=FACTS,
            handling=HANDLING, match="already have been made")
    refused(svc.disclosure_queue, user=dl["officer_shigatse"], source="DECISION", document=doc, category=1,
            facts=FACTS, handling=HANDLING, exc=NotAllowed)
    refused(svc.disclosure_queue, user=dl["publisher"], source="DECISION", document=doc, category=1, facts=FACTS,
            handling=HANDLING, exc=NotAllowed)
    queued(dl, doc)
    refused(svc.disclosure_queue, user=dl["officer"], source="DECISION", document=doc, category=1, facts=FACTS,
            handling=HANDLING, match="already disclosed or queued")
    refused(svc.disclosure_queue, user=dl["head"], source="MANUAL", category=4, facts=FACTS, handling=HANDLING,
            match="required")


def test_manual_decision_and_transfer_sources(dl, tr):
    employer = Employer.objects.create(name="西藏某矿业有限公司", uscc="91540100MA6T000208", address="拉萨市",
                                       legal_rep_name="李某某")
    d = svc.disclosure_queue(user=dl["head"], source="MANUAL", employer=employer, region_code="540100",
                             decision_no="拉人社监罚〔2026〕9号", decision_date=dt.date(2026, 5, 4), category=6,
                             facts="该单位违法招用未满十六周岁的未成年人2名。", handling="依法处以罚款。")
    assert d.batch.region_id == "540100" and d.batch.months == 3 and d.get_category_display() == "child labour"
    t = transfer_to_state(tr, "APPROVED")
    with freeze_time(t.head_decided_at + dt.timedelta(days=1)):  # the transfer scenario's dates lie ahead
        refused(svc.disclosure_queue, user=dl["officer"], source="TRANSFER", transfer=t, category=1, facts=FACTS,
                handling=HANDLING, match="category 2")
        d2 = svc.disclosure_queue(user=dl["officer"], source="TRANSFER", transfer=t, category=2, facts=FACTS,
                                  handling="依法移送公安机关追究刑事责任。")
    assert d2.complaint_id == t.complaint_id and d2.decision_date == t.head_decided_at.date()
    assert d2.employer_id == t.employer_id


# --- batches -------------------------------------------------------------------------------------------------------

def test_quarter_boundary_last_day_vs_first_day_of_next(dl):
    a = queued(dl, issued_at=dt.date(2026, 3, 31))
    b = queued(dl, issued_at=dt.date(2026, 4, 1))
    assert (a.batch.period_start, a.batch.period_end, a.batch.label) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31),
                                                                         "2026年第1季度")
    assert (b.batch.period_start, b.batch.period_end, b.batch.label) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30),
                                                                         "2026年第2季度")
    c = queued(dl, issued_at=dt.date(2026, 2, 10))
    assert c.batch_id == a.batch_id  # one periodic batch per department and period
    assert DisclosureBatch.objects.filter(region_id="540102", kind="PERIODIC").count() == 2


def test_province_publishes_half_yearly(dl):
    employer = Employer.objects.create(name="西藏某集团有限公司", legal_rep_name="赵某")

    def manual(day, no):
        return svc.disclosure_queue(user=dl["head_tar"], source="MANUAL", employer=employer, region_code="540000",
                                    decision_no=no, decision_date=day, category=3, facts=FACTS, handling=HANDLING)

    h1, h2 = manual(dt.date(2026, 6, 30), "藏人社罚〔2026〕1号"), manual(dt.date(2026, 7, 1), "藏人社罚〔2026〕2号")
    assert (h1.batch.period_start, h1.batch.period_end, h1.batch.label) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30),
                                                                            "2026年上半年")
    assert (h2.batch.period_start, h2.batch.period_end, h2.batch.label) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31),
                                                                            "2026年下半年")
    assert h1.deciding_department == "西藏自治区人力资源和社会保障厅"


def test_schedule_is_an_effective_dated_row(dl):
    LegalParameter.objects.create(key="disclosure.batch_months.county", region=Region.objects.get(code="540100"),
                                  value=6, effective_from=dt.date(2026, 1, 1), citation="拉萨市规定（测试）")
    before = queued(dl, issued_at=dt.date(2025, 12, 31))
    after = queued(dl, issued_at=dt.date(2026, 3, 31))
    assert before.batch.label == "2025年第4季度" and after.batch.label == "2026年上半年"
    LegalParameter.objects.create(key="disclosure.batch_months.county", region=None, value=5,
                                  effective_from=dt.date(2025, 1, 1), citation="错误（测试）")
    LegalParameter.objects.filter(region__isnull=False, key="disclosure.batch_months.county").delete()
    refused(svc.batch_period, Region.objects.get(code="540102"), dt.date(2026, 5, 5), match="divide the year")


def test_periodic_batch_published_after_its_period_and_ad_hoc_needs_approval(dl):
    today = dt.date.today()
    d = drive(dl, queued(dl, issued_at=today), D.APPROVED)
    refused(svc.disclosure_publish, disclosure=d, user=dl["publisher"], match="after its period ends")
    batch = svc.batch_adhoc_create(user=dl["officer"], region_code="540102", reason="重大案件，及时公布")
    refused(svc.batch_adhoc_create, user=dl["officer"], region_code="540102", reason=" ", match="required")
    svc.disclosure_move(disclosure=d, user=dl["officer"], batch=batch)
    refused(svc.disclosure_publish, disclosure=d, user=dl["publisher"], match="not been approved")
    refused(svc.batch_adhoc_approve, batch=batch, user=dl["officer"], exc=NotAllowed)
    other = svc.batch_adhoc_create(user=dl["head"], region_code="540102", reason="另一批")
    refused(svc.batch_adhoc_approve, batch=other, user=dl["head"], exc=NotAllowed, match="four eyes")
    svc.batch_adhoc_approve(batch=batch, user=dl["head"])
    result = svc.batch_publish(batch=batch, user=dl["publisher"])
    assert result == {"done": [d.pk], "errors": {}}
    d.refresh_from_db()
    assert d.state == D.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureBatch.objects.filter(pk=other.pk).update(approved_by=dl["head"])


def test_optional_publish_within_working_days(dl):
    LegalParameter.objects.create(key="disclosure.publish_within_wd", region=Region.objects.get(code="540000"),
                                  value=20, effective_from=dt.date(2026, 1, 1), citation="自治区规定（测试）")
    today = dt.date.today()
    d = queued(dl, issued_at=today)
    assert d.publish_due and d.publish_due > today
    drive(dl, d, D.PUBLISHED)  # the provincial rule allows publication within the period, before the quarter ends
    assert not d.published_late
    late = drive(dl, queued(dl, issued_at=dt.date(2026, 1, 5)), D.APPROVED)
    svc.disclosure_publish(disclosure=late, user=dl["publisher"])
    assert late.published_late and late.publish_due < today


# --- privacy review ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field,text,kind", [
    ("facts", FACTS + "投诉人身份证号540102199001011233。", "ID number"),
    ("facts", FACTS + "联系电话：138 0000 0001。", "mobile phone number"),
    ("handling", HANDLING + "联系电话：１３８００００００７１。", "mobile phone number"),
    ("facts", FACTS + "投诉人扎西反映。", "name of a worker"),
    ("address", "拉萨市城关区扎西家附近", "name of a worker"),
])
def test_privacy_review_blocks_without_echoing_the_data(dl, field, text, kind):
    d = queued(dl)
    svc.disclosure_edit(disclosure=d, user=dl["officer"], **{field: text})
    e = refused(svc.disclosure_submit, disclosure=d, user=dl["officer"], match=kind)
    label = str(Disclosure._meta.get_field(field).verbose_name)
    assert field in e.errors and label in e.errors[field][0]
    assert "人社部令第29号" in e.message
    for secret in ("540102199001011233", "13800000001", "扎西", "１３８"):
        assert secret not in e.message
    d.refresh_from_db()
    assert d.state == D.QUEUED


def test_privacy_review_blocks_a_worker_of_the_arrears_items(dl):
    doc = decision_doc(dl["head"], items=many_worker_items(2, "5000"), workers_affected=2, is_collective=True)
    d = queued(dl, doc, facts=FACTS + "工人2等人反映。")
    refused(svc.disclosure_submit, disclosure=d, user=dl["officer"], match="name of a worker")


def test_privacy_review_passes_a_clean_text_and_the_surname_form(dl):
    d = queued(dl, facts=FACTS + "经扎某等人投诉。")
    assert svc.privacy_problems(d) == {}
    drive(dl, d, D.PRIVACY_REVIEW)


def test_reviewer_tick_is_required_and_the_scan_runs_again(dl):
    d = drive(dl, queued(dl), D.PRIVACY_REVIEW)
    refused(svc.disclosure_approve, disclosure=d, user=dl["head"], no_secrets=False, match="state secret")
    Disclosure.objects.filter(pk=d.pk).update(facts=FACTS + "13800000001")  # changed behind the services' back
    refused(svc.disclosure_approve, disclosure=d, user=dl["head"], no_secrets=True, match="mobile phone")


def test_four_eyes_drafter_never_approves(dl):
    d = drive(dl, queued(dl, user=dl["head"]), D.PRIVACY_REVIEW)
    refused(svc.disclosure_approve, disclosure=d, user=dl["head"], no_secrets=True, exc=NotAllowed,
            match="four eyes")
    refused(svc.disclosure_approve, disclosure=d, user=dl["officer_b"], no_secrets=True, exc=NotAllowed)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.filter(pk=d.pk).update(approved_by=dl["head"])
    svc.disclosure_approve(disclosure=d, user=dl["publisher"], no_secrets=True)  # a publisher may approve
    assert d.state == D.APPROVED


def test_only_a_publisher_of_the_region_publishes(dl):
    d = drive(dl, queued(dl), D.APPROVED)
    refused(svc.disclosure_publish, disclosure=d, user=dl["officer"], exc=NotAllowed)
    refused(svc.disclosure_publish, disclosure=d, user=dl["head"], exc=NotAllowed)
    refused(svc.disclosure_publish, disclosure=d, user=dl["publisher_shigatse"], exc=NotAllowed)
    svc.disclosure_publish(disclosure=d, user=dl["publisher_tar"])  # a provincial publisher reaches Lhasa
    assert d.state == D.PUBLISHED


def test_media_references(dl):
    d = published(dl)
    today = dt.date.today()
    refused(svc.media_add, disclosure=d, user=dl["publisher"], medium="tv", name="西藏电视台",
            published_on=today - dt.timedelta(days=1), match="between the publication and today")
    svc.media_add(disclosure=d, user=dl["publisher"], medium="newspaper", name="西藏日报", published_on=today)
    assert d.media.get().name == "西藏日报"
    refused(svc.media_add, disclosure=d, user=dl["head"], medium="tv", name="x", published_on=today, exc=NotAllowed)


# --- display period ------------------------------------------------------------------------------------------------

def test_display_period_is_a_rule_row_and_expiry_unpublishes(dl):
    from blacklist.reference_data_disclosure import ORDER29

    today = dt.date.today()
    DeadlineRule.objects.create(rule_id="DC-DISPLAY", n=6, unit="MONTH", anchor_event="published",
                                citation=ORDER29, description="test", effective_from=today)
    d = published(dl)
    assert d.display_until == svc.compute_due(today, 6, "MONTH", "540102").due
    assert Client().get(PUBLIC).json()["count"] == 1  # cached now
    with freeze_time(d.display_until):
        assert Client().get(f"{PUBLIC}{d.pk}/").status_code == 200
    with freeze_time(d.display_until + dt.timedelta(days=1)):
        # not swept yet: the public query already hides it (its date is part of the cache key)
        assert Client().get(PUBLIC).json()["count"] == 0
        assert svc.disclosure_sweep()["unpublished"] == 1
        assert Client().get(f"{PUBLIC}{d.pk}/").status_code == 404
    d.refresh_from_db()
    assert d.state == D.UNPUBLISHED and d.archived_at  # archived in the integrity file on the way out


# --- objection -----------------------------------------------------------------------------------------------------

def _published_on(dl, day: dt.datetime, **kw):
    d = drive(dl, queued(dl, issued_at=dt.date(2025, 6, 30), **kw), D.APPROVED)
    with freeze_time(day):
        svc.disclosure_publish(disclosure=d, user=dl["publisher"])
    return d


def test_objection_window_across_the_october_holiday(dl):
    """Published Fri 2025-09-26 (10:00 Beijing): 15 working days on the national 2025 calendar (make-up days Sun 28
    Sep and Sat 11 Oct count, 1-8 Oct do not) end on Thu 2025-10-23."""
    on_time = _published_on(dl, dt.datetime(2025, 9, 26, 2))
    late = _published_on(dl, dt.datetime(2025, 9, 26, 2))
    assert svc.objection_due(on_time) == dt.date(2025, 10, 23)
    with freeze_time(dt.datetime(2025, 10, 24, 2)):
        svc.disclosure_objection_record(disclosure=on_time, user=dl["officer"], received_on=dt.date(2025, 10, 23),
                                        text="该公司已全部支付，申请撤下。")
        e = refused(svc.disclosure_objection_record, disclosure=late, user=dl["officer"],
                    received_on=dt.date(2025, 10, 24), text="逾期的异议", match="2025-10-23")
        assert "人社部令第29号" in e.message and "15 working days" in e.message
        refused(svc.disclosure_objection_record, disclosure=late, user=dl["officer"],
                received_on=dt.date(2025, 9, 25), text="早于公布", match="before the publication")
        refused(svc.disclosure_objection_record, disclosure=late, user=dl["officer"],
                received_on=dt.date(2025, 10, 25), text="未来", match="future")
    assert on_time.state == D.OBJECTED
    refused(svc.disclosure_objection_record, disclosure=on_time, user=dl["officer"],
            received_on=dt.date(2025, 10, 23), text="again", match="this step is not possible")


def _objected(dl):
    d = published(dl)
    svc.disclosure_objection_record(disclosure=d, user=dl["officer"], received_on=dt.date.today(), text="有异议")
    return d


def test_objection_upheld(dl):
    d = _objected(dl)
    refused(svc.disclosure_objection_decide, disclosure=d, user=dl["officer"], result="UPHELD", note="x",
            exc=NotAllowed)
    refused(svc.disclosure_objection_decide, disclosure=d, user=dl["head"], result="NOPE", note="x",
            match="Choose one")
    svc.disclosure_objection_decide(disclosure=d, user=dl["head"], result="UPHELD", note="事实清楚，维持公布。")
    assert d.state == D.PUBLISHED and d.objection_result == "UPHELD"
    assert Client().get(f"{PUBLIC}{d.pk}/").status_code == 200


def test_objection_corrected_changes_the_text_and_keeps_history(dl):
    d = _objected(dl)
    assert Client().get(f"{PUBLIC}{d.pk}/").json()["facts"] == FACTS  # cached
    refused(svc.disclosure_objection_decide, disclosure=d, user=dl["head"], result="CORRECTED", note="更正",
            match="corrected text")
    refused(svc.disclosure_objection_decide, disclosure=d, user=dl["head"], result="CORRECTED", note="更正",
            facts="更正后涉及扎西等人。", match="name of a worker")
    new = FACTS.replace("38名", "36名")
    svc.disclosure_objection_decide(disclosure=d, user=dl["head"], result="CORRECTED", note="人数更正", facts=new)
    assert d.state == D.PUBLISHED and d.corrected_at
    assert Client().get(f"{PUBLIC}{d.pk}/").json()["facts"] == new  # the cache was invalidated
    assert FACTS in {h.facts for h in d.history.all()}  # the old text stays in the history


def test_objection_withdrawn_leaves_the_public_page(dl):
    d = _objected(dl)
    assert Client().get(PUBLIC).json()["count"] == 1
    svc.disclosure_objection_decide(disclosure=d, user=dl["head"], result="WITHDRAWN", note="原处理决定已被撤销")
    assert d.state == D.WITHDRAWN and d.withdrawal_reason
    assert Client().get(PUBLIC).json()["count"] == 0
    assert Client().get(f"{PUBLIC}{d.pk}/").status_code == 404
    assert d.unit_name not in Client().get("/disclosures/").content.decode()


# --- withdrawal racing publication ---------------------------------------------------------------------------------

def test_withdrawal_wins_over_a_stale_publication(dl):
    d = drive(dl, queued(dl, issued_at=dt.date(2026, 1, 5)), D.APPROVED)
    stale = Disclosure.objects.get(pk=d.pk)  # the publisher's page, loaded before the withdrawal
    svc.disclosure_withdraw(disclosure=d, user=dl["head"], reason="处理决定被复议撤销")
    refused(svc.disclosure_publish, disclosure=stale, user=dl["publisher"], match="withdrawn")
    assert Disclosure.objects.get(pk=d.pk).state == D.WITHDRAWN
    assert Client().get(PUBLIC).json()["count"] == 0


def test_publication_then_withdrawal_takes_it_down(dl):
    d = drive(dl, queued(dl, issued_at=dt.date(2026, 1, 5)), D.APPROVED)
    stale = Disclosure.objects.get(pk=d.pk)
    svc.disclosure_publish(disclosure=d, user=dl["publisher"])
    assert Client().get(PUBLIC).json()["count"] == 1
    assert "reason" in refused(svc.disclosure_withdraw, disclosure=stale, user=dl["head"], reason=" ").errors
    svc.disclosure_withdraw(disclosure=stale, user=dl["head"], reason="处理决定被撤销")
    assert stale.state == D.WITHDRAWN
    assert Client().get(PUBLIC).json()["count"] == 0
    assert "__all__" in refused(svc.disclosure_withdraw, disclosure=stale, user=dl["head"], reason="again").errors
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.filter(pk=d.pk).update(withdrawal_reason="")


# --- integrity file ------------------------------------------------------------------------------------------------

def test_integrity_file_shows_the_disclosure(dl):
    from blacklist.selectors_grading import disclosures_of

    d = published(dl)
    available, rows = disclosures_of(d.employer)
    assert available and rows[0]["decision_no"] == d.decision_no and rows[0]["state"] == "PUBLISHED"
    c = Client()
    c.force_login(dl["head"])
    page = c.get(f"/staff/employers/{d.employer_id}/").content.decode()
    assert d.decision_no in page and "not recorded in this system yet" not in page
    api = APIClient()
    api.force_authenticate(dl["head"])
    data = api.get(f"/api/v1/grading/employers/{d.employer_id}/").json()
    assert data["disclosures_available"] and data["disclosures"][0]["id"] == d.pk


# --- staff pages and API -------------------------------------------------------------------------------------------

def _client(user):
    from django.conf import settings

    c = Client()
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the English msgids (the staff default is Chinese)
    return c


def test_staff_pages_queue_review_publish(dl):
    doc = decision_doc(dl["head"], issued_at=dt.date(2026, 1, 5))
    officer = _client(dl["officer"])
    page = officer.get("/staff/disclosures/").content.decode()
    assert doc.doc_no in page
    r = officer.post("/staff/disclosures/queue/", {"source": "DECISION", "document": doc.pk, "category": 1,
                                                   "facts": FACTS, "handling": HANDLING})
    d = Disclosure.objects.get(document=doc)
    assert r.status_code == 302 and r["Location"] == f"/staff/disclosures/{d.pk}/"
    assert d.batch.label in officer.get("/staff/disclosures/").content.decode()
    r = officer.post(f"/staff/disclosures/{d.pk}/edit/", {
        "edit-category": 1, "edit-unit_name": d.unit_name, "edit-uscc": d.uscc, "edit-address": d.address,
        "edit-legal_rep_name": d.legal_rep_name, "edit-facts": FACTS + "电话13800000001", "edit-handling": HANDLING})
    assert r.status_code == 302
    assert "mobile phone" in officer.get(f"/staff/disclosures/{d.pk}/").content.decode()  # warned before submit
    r = officer.post(f"/staff/disclosures/{d.pk}/submit/", {})
    assert r.status_code == 400 and "mobile phone" in r.content.decode() and "13800000001" in r.content.decode()
    officer.post(f"/staff/disclosures/{d.pk}/edit/", {
        "edit-category": 1, "edit-unit_name": d.unit_name, "edit-uscc": d.uscc, "edit-address": d.address,
        "edit-legal_rep_name": d.legal_rep_name, "edit-facts": FACTS, "edit-handling": HANDLING})
    assert officer.post(f"/staff/disclosures/{d.pk}/submit/", {}).status_code == 302
    officer.post(f"/staff/disclosures/{d.pk}/approve/", {"approve-no_secrets": "on"})  # not an approver: refused
    d.refresh_from_db()
    assert d.state == D.PRIVACY_REVIEW
    head = _client(dl["head"])
    assert head.post(f"/staff/disclosures/{d.pk}/approve/", {"approve-no_secrets": "on"}).status_code == 302
    pub = _client(dl["publisher"])
    batch_page = pub.get(f"/staff/disclosures/batches/{d.batch_id}/").content.decode()
    assert "Publish every approved disclosure" in batch_page
    assert pub.post(f"/staff/disclosures/batches/{d.batch_id}/publish/").status_code == 302
    d.refresh_from_db()
    assert d.state == D.PUBLISHED
    assert _client(dl["inspector"]).get("/staff/disclosures/").status_code == 404
    assert _client(dl["officer_shigatse"]).get(f"/staff/disclosures/{d.pk}/").status_code == 404
    assert Client().get("/staff/disclosures/").status_code == 302  # to the login page


def test_staff_page_a_step_not_offered_is_refused(dl):
    d = queued(dl)
    # the officer is not a publisher: the service refuses (NotAllowed) and the page says so
    r = _client(dl["officer"]).post(f"/staff/disclosures/{d.pk}/publish/", {})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.state == D.QUEUED


def _api(user):
    c = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    c.force_authenticate(user)
    return c


def test_api_every_step_and_permissions(dl):
    doc = decision_doc(dl["head"], issued_at=dt.date(2026, 1, 5))
    anon = APIClient()
    assert anon.get(STAFF_API).status_code in (401, 403)
    assert anon.post(STAFF_API, {}, format="json").status_code in (401, 403)
    assert _api(dl["inspector"]).get(STAFF_API).status_code == 404
    assert _api(dl["publisher"]).post(STAFF_API, {"source": "DECISION", "document": doc.pk, "category": 1,
                                                  "facts": FACTS, "handling": HANDLING},
                                      format="json").status_code == 400  # a publisher has no candidates
    r = _api(dl["officer"]).post(STAFF_API, {"source": "DECISION", "document": doc.pk, "category": 1,
                                             "facts": FACTS, "handling": HANDLING}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert [s["name"] for s in r.json()["steps"]] == ["edit", "submit", "move", "withdraw"] or \
        {"edit", "submit"} <= {s["name"] for s in r.json()["steps"]}
    assert _api(dl["officer"]).post(f"{STAFF_API}{pk}/submit/", {}, format="json").json()["state"] == "PRIVACY_REVIEW"
    assert _api(dl["officer"]).post(f"{STAFF_API}{pk}/approve/", {"no_secrets": True},
                                    format="json").status_code == 403
    r = _api(dl["head"]).post(f"{STAFF_API}{pk}/approve/", {"no_secrets": False}, format="json")
    assert r.status_code == 400 and r.json()["errors"]["no_secrets"]
    assert _api(dl["head"]).post(f"{STAFF_API}{pk}/approve/", {"no_secrets": True},
                                 format="json").json()["state"] == "APPROVED"
    assert _api(dl["head"]).post(f"{STAFF_API}{pk}/publish/", {}, format="json").status_code == 403
    r = _api(dl["publisher"]).post(f"{STAFF_API}{pk}/publish/", {}, format="json")
    assert r.json()["state"] == "PUBLISHED" and r.json()["display_until"]
    assert _api(dl["officer_shigatse"]).get(f"{STAFF_API}{pk}/").status_code == 404
    today = dt.date.today().isoformat()
    assert _api(dl["officer"]).post(f"{STAFF_API}{pk}/objection/", {"received_on": today, "text": "异议"},
                                    format="json").json()["state"] == "OBJECTED"
    r = _api(dl["head"]).post(f"{STAFF_API}{pk}/objection_decide/", {"result": "WITHDRAWN", "note": "撤回"},
                              format="json")
    assert r.json()["state"] == "WITHDRAWN"
    assert _api(dl["officer"]).post(f"{STAFF_API}{pk}/nope/", {}, format="json").status_code == 404
    assert _api(dl["officer"]).get(STAFF_API, {"state": "WITHDRAWN"}).json()["count"] == 1
    # batches: ad hoc asked by the officer, approved by the head, published by the publisher
    r = _api(dl["officer"]).post(f"{STAFF_API}batches/", {"region_code": "540102", "reason": "及时公布"},
                                 format="json")
    assert r.status_code == 201
    bid = r.json()["id"]
    assert _api(dl["officer"]).post(f"{STAFF_API}batches/{bid}/approve/").status_code == 403
    assert _api(dl["head"]).post(f"{STAFF_API}batches/{bid}/approve/").json()["ready"] is True
    assert _api(dl["officer"]).post(f"{STAFF_API}batches/{bid}/publish/").status_code == 403
    assert _api(dl["publisher"]).post(f"{STAFF_API}batches/{bid}/publish/").json() == {"done": [], "errors": {}}
    assert bid in {b["id"] for b in _api(dl["officer"]).get(f"{STAFF_API}batches/").json()["results"]}


def test_public_api_never_needs_an_account_and_staff_api_never_public(dl):
    d = published(dl)
    anon = APIClient()
    assert anon.get(PUBLIC).status_code == 200
    assert anon.get(f"{PUBLIC}{d.pk}/").status_code == 200
    assert anon.get(f"{STAFF_API}{d.pk}/").status_code in (401, 403)
    assert_private(anon.get(f"{PUBLIC}{d.pk}/").content.decode(), "public detail")


@pytest.mark.django_db(transaction=True)
def test_withdrawal_and_publication_at_the_same_moment(dl):
    """Two real threads with their own connections: a publisher publishes while a head withdraws. Whichever wins,
    the record ends withdrawn and the public page never shows it (the row lock serialises the two steps)."""
    import threading

    from django.db import connection

    d = drive(dl, queued(dl, issued_at=dt.date(2026, 1, 5)), D.APPROVED)
    barrier, results = threading.Barrier(2), {}

    def run(name, call):
        try:
            barrier.wait(timeout=10)
            call()
            results[name] = "done"
        except DomainError as e:  # the state guard of the second step (threads run in the default language)
            results[name] = "refused" if "__all__" in e.errors else e.message
        finally:
            connection.close()

    calls = {
        "publish": lambda: svc.disclosure_publish(disclosure=Disclosure.objects.get(pk=d.pk), user=dl["publisher"]),
        "withdraw": lambda: svc.disclosure_withdraw(disclosure=Disclosure.objects.get(pk=d.pk), user=dl["head"],
                                                    reason="决定被撤销"),
    }
    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results["withdraw"] == "done"
    assert results["publish"] in ("done", "refused")
    d.refresh_from_db()
    assert d.state == D.WITHDRAWN
    states = [h.state for h in d.history.order_by("history_date", "history_id")]
    assert (D.PUBLISHED in states) == (results["publish"] == "done")
    assert Client().get(PUBLIC).json()["count"] == 0
    assert Client().get(f"{PUBLIC}{d.pk}/").status_code == 404
