"""Criminal transfer (spec §7, Track D): the thresholds per limb on the province's rows (exactly at the figure, one
cent below, the 3-month condition, the 10-worker condition), the placeholder warning, every transition and refusal,
four eyes, the deadlines on the real 2025 calendar (3 calendar days rolled forward past rest days; 24 hours on the
clock), the police liaison's reach, the blacklist flag of Order 45 art. 13(2) set and cleared, the whole track
through the task API, the alerts, history with the acting users, and a privacy scan of what the police see."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from freezegun import freeze_time
from rest_framework.test import APIClient
from stdnum.cn import ric

from arrears.models import CriminalThreshold
from arrears.services import payment_record
from blacklist import services as bl_svc
from blacklist import tasks as bl_tasks
from blacklist import services_transfer as svc
from blacklist.models import ListingDecision
from blacklist.models_transfer import (TRANSFER_TRANSITIONS, CriminalTransfer, TransferOfficer,
                                       TransferState as T)
from casework.errors import DomainError, NotAllowed
from casework.models import LegalParameter
from casework.services.clock import compute_due
from casework.services.config import rule
from casework.services.deadlines import deadlines_for
from casework.services.evidence import evidence_store
from notifications.models import Message
from notifications.texts import render
from tests.factories import advance, complete, make_user, png_bytes, submit

from .conftest import make_listing, payment_deadline_of

pytestmark = pytest.mark.django_db

WORKER_NAME, WORKER_ID, WORKER_PHONE = "扎西", "540102199001011233", "13800000001"  # the demo complainant
PII = [WORKER_NAME, WORKER_ID, WORKER_PHONE]
ID18 = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
API = "/api/v1/tasks/"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def tr(bl):
    return {**bl,
            "head_b": make_user("head_lhasa_b", "inspection_head", "540100"),
            "police": make_user("police_lhasa", "police_liaison", "540100"),
            "police_shigatse": make_user("police_shigatse", "police_liaison", "540200")}


def worker_id(n: int) -> str:
    body = f"54010219900101{n:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function reads the first 17 digits


def candidate(tr, *, items=None, workers=1, flagged=True, start=None):
    """A Lhasa complaint driven through the real inspection track to NON_COMPLIANT (the flag is set by the track's
    own threshold test). The decision's payment deadline is ``start`` + 15; non-compliance is concluded at + 20."""
    start = start or dt.date.today()
    over = {}
    if items is not None:
        over["items"] = items
        over["workers_affected"] = workers
        if workers >= 2:
            over["is_collective"] = True
    if start.year == 2025:  # the dates of the 2025 calendar scenarios
        over.update(violation_start="2025-05-01", violation_end="2025-07-31", employment_end_date="2025-07-31",
                    items=over.get("items") or [
                        {"category": "wages", "period_start": f"2025-0{m}-01", "period_end": f"2025-0{m}-28",
                         "amount_claimed": "6000"} for m in (5, 6, 7)])
    with freeze_time(start):
        c = advance(submit(**over).complaint, "compliance", inspector=tr["inspector"],
                    inspector_b=tr["inspector_b"], head=tr["head"])
        with freeze_time(start + dt.timedelta(days=20)):
            c = complete(tr["inspector"], c, {"decision": "non_compliant"})
    assert c.suspected_crime is flagged
    return c


def one_worker_items(*amounts, months=None):
    months = months or [7, 8, 9][:len(amounts)]
    return [{"category": "wages", "period_start": f"2026-{m:02d}-01", "period_end": f"2026-{m:02d}-28",
             "amount_claimed": str(a)} for m, a in zip(months, amounts)]


def many_worker_items(n: int, each: str):
    return [{"category": "wages", "period_start": "2026-09-01", "period_end": "2026-09-30", "amount_claimed": each,
             "worker_name": f"工人{i}", "worker_id_number": worker_id(i)} for i in range(1, n + 1)]


def after_deadline(c, days=1) -> dt.date:
    return payment_deadline_of(c) + dt.timedelta(days=days)


def open_transfer(tr, c=None, *, on=None, user=None, **kw):
    c = c or candidate(tr)
    on = on or after_deadline(c)
    kw.setdefault("order_service", "served")
    if kw["order_service"] == "served":
        kw.setdefault("order_served_on", bl_svc.order_for(c).issued_at)
    with freeze_time(on):
        return svc.transfer_open(complaint=c, user=user or tr["inspector"], **kw)


REPORT = {"report_text": "经调查，该单位拖欠劳动报酬，经责令支付后逾期仍不支付。", "evidence_list": "1. 工资表\n2. 询问笔录",
          "conduct": "evasion", "evasion_kinds": ["abscond"], "evasion_facts": "法定代表人关闭手机，不知去向。"}


def at(day: dt.date, hour: int = 2) -> dt.datetime:
    """``hour`` o'clock UTC on ``day`` (02:00 UTC is 10:00 in Lhasa's time zone, Asia/Shanghai)."""
    return dt.datetime.combine(day, dt.time(hour, 0))


def report(tr, t, on=None, user=None, officers=None, **over):
    """The report service called directly (for its refusals)."""
    data = {**REPORT, **over}
    with freeze_time(on or at(after_deadline(t.complaint))):
        return svc.report_submit(transfer=t, user=user or tr["inspector"],
                                 officers=officers if officers is not None else [tr["inspector"], tr["inspector_b"]],
                                 **data)


def do(user, t, on=None, **data):
    """Complete the transfer's open task as ``user`` through the task engine (casework.workflow.task_complete), as
    the task page and the task API do: the step's form, its service, and the flow moves on."""
    from casework.workflow import task_complete

    with freeze_time(on or at(after_deadline(t.complaint))):
        task_complete(user=user, task_id=_open_task(t).pk, data=data)
    t.refresh_from_db()
    return t


def submit_report(tr, t, on=None, user=None, officers=("insp_a", "insp_b"), **over):
    return do(user or tr["inspector"], t, on=on, officers=list(officers), **{**REPORT, **over})


def to_state(tr, state, c=None, on=None):
    """A transfer driven by the services to ``state`` (each step a day after the previous, at 10:00 Beijing)."""
    t = open_transfer(tr, c, on=on)
    day = on or after_deadline(t.complaint)
    steps = [T.HEAD_DECISION, T.APPROVED, T.TRANSFERRED, T.POLICE_DECISION, T.FILED]
    for s in steps[: steps.index(state) + 1] if state in steps else steps[:4]:
        if s == T.HEAD_DECISION:
            submit_report(tr, t, on=at(day))
        elif s == T.APPROVED:
            do(tr["head"], t, on=at(day, 3), approve="yes")
        elif s == T.TRANSFERRED:
            do(tr["inspector"], t, on=at(day, 5), police_agency="拉萨市公安局城关分局")
        elif s == T.POLICE_DECISION:
            day += dt.timedelta(days=1)
            do(tr["police"], t, on=at(day), received_on=day, receipt_no="回执001")
        elif s == T.FILED:
            day += dt.timedelta(days=1)
            do(tr["police"], t, on=at(day), decision="filed", notice_no=f"拉公立字〔2026〕{t.pk}号", decided_on=day)
    if state == T.NOT_FILED:
        day += dt.timedelta(days=1)
        do(tr["police"], t, on=at(day), decision="not_filed", notice_no=f"拉公不立字〔2026〕{t.pk}号", decided_on=day,
           reasons="证据不足")
    t.refresh_from_db()
    assert t.state == state
    return t


def _open_task(t):
    from viewflow.workflow.models import Task

    return (Task.objects.filter(process_id=t.process_id, flow_task_type="HUMAN",
                                status__in=["NEW", "ASSIGNED", "STARTED"]).first())


def _queue_ids(user) -> set[int]:
    from casework.workflow import queue_for

    return set(queue_for(user).values_list("pk", flat=True))


def _api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # the English msgids (the staff default is Chinese)
    client.force_authenticate(user)
    return client


def _client(user) -> Client:
    from django.conf import settings

    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the English msgids (the staff default is Chinese)
    return client


# --- the rule table ------------------------------------------------------------------------------------------------

def test_rule_rows_and_team_size_are_data_with_citations():
    rows = {r: rule(r, on=dt.date(2025, 1, 1)) for r in ("TR-HEAD-DECISION", "TR-TRANSFER", "TR-POLICE-DECISION",
                                                          "TR-RECONSIDERATION", "TR-RECONSIDERATION-DECISION")}
    assert {k: (v.n, v.unit) for k, v in rows.items()} == {
        "TR-HEAD-DECISION": (3, "CD"), "TR-TRANSFER": (1, "CD"), "TR-POLICE-DECISION": (3, "CD"),
        "TR-RECONSIDERATION": (3, "CD"), "TR-RECONSIDERATION-DECISION": (3, "CD")}
    for r in rows.values():
        assert "国务院令第310号" in r.citation
    assert rows["TR-HEAD-DECISION"].citation.endswith("第五条 [P]")
    assert rows["TR-POLICE-DECISION"].citation.endswith("第八条 [P]")
    assert rows["TR-RECONSIDERATION"].citation.endswith("[M]")
    p = LegalParameter.objects.get(key="transfer.min_officers")
    assert p.value == 2 and "第五条" in p.citation



# --- thresholds (法释〔2013〕3号 art. 3, the province's effective-dated row) ------------------------------------------

def test_per_worker_limb_exactly_at_the_figure_then_one_cent_below(tr):
    th = CriminalThreshold.objects.get(province_code="540000")
    assert (th.per_worker_min_yuan, th.min_months, th.is_placeholder) == (Decimal("5000.00"), 3, True)
    c = candidate(tr, items=one_worker_items("1666.66", "1666.67", "1666.67"))  # 3 months, 5,000.00 exactly
    t = open_transfer(tr, c)
    submit_report(tr, t)
    do(tr["head"], t, approve="no", reasons="先行督促支付")
    assert t.state == T.REFUSED
    assert (t.limb, t.threshold, t.threshold_placeholder) == ("per_worker", th, True)
    assert (t.remuneration_outstanding, t.workers_owed, t.worker_amount, t.worker_months) == (
        Decimal("5000.00"), 1, Decimal("5000.00"), 3)
    assert t.threshold_on == payment_deadline_of(c) + dt.timedelta(days=1)
    with freeze_time(after_deadline(c)):
        payment_record(item=c.items.first(), amount=Decimal("0.01"), paid_on=after_deadline(c), user=tr["inspector"])
    with pytest.raises(DomainError) as e:  # 4,999.99 owed now: below the figure
        open_transfer(tr, c)
    assert "4999.99" in e.value.message and "法释〔2013〕3号第三条" in e.value.message
    assert CriminalTransfer.objects.filter(complaint=c).count() == 1


def test_per_worker_limb_needs_the_months(tr):
    c = candidate(tr, items=one_worker_items("6000", "6000"), flagged=False)  # 12,000 yuan but only 2 months
    with pytest.raises(DomainError) as e:
        open_transfer(tr, c)
    msg = e.value.message
    assert "not flagged" in msg and "2 month(s)" in msg and "at least 3 months" in msg and "第三条" in msg
    assert not CriminalTransfer.objects.exists()


def test_cumulative_limb_exactly_at_the_figure_then_one_cent_below(tr):
    th = CriminalThreshold.objects.get(province_code="540000")
    assert (th.ten_plus_total_min_yuan, th.min_workers) == (Decimal("30000.00"), 10)
    c = candidate(tr, items=many_worker_items(10, "3000.00"), workers=10)  # each below 5,000: only the 10+ limb
    t = open_transfer(tr, c)
    assert (t.limb, t.workers_owed, t.remuneration_outstanding, t.worker_amount) == (
        "cumulative", 10, Decimal("30000.00"), Decimal("3000.00"))
    assert WORKER_NAME not in str(svc.threshold_figures(c))
    with freeze_time(after_deadline(c)):
        payment_record(item=c.items.first(), amount=Decimal("0.01"), paid_on=after_deadline(c), user=tr["inspector"])
    check = svc.transfer_check(c, on=after_deadline(c))
    assert not check["met"] and "29999.99" in check["errors"][0] and "at least 10 workers" in check["errors"][0]


def test_nine_workers_do_not_make_the_cumulative_limb(tr):
    c = candidate(tr, items=many_worker_items(9, "3500.00"), workers=9, flagged=False)  # 31,500 but 9 workers
    check = svc.transfer_check(c, on=after_deadline(c))
    assert not check["met"] and "9 worker(s)" in check["errors"][-1]
    with pytest.raises(DomainError):
        open_transfer(tr, c)


# --- opening -------------------------------------------------------------------------------------------------------

def test_open_refusals_and_the_posted_order(tr, media):
    c = candidate(tr)
    pd = payment_deadline_of(c)
    issued = bl_svc.order_for(c).issued_at
    with pytest.raises(DomainError) as e:  # the payment deadline has not passed
        open_transfer(tr, c, on=pd)
    assert "has not passed yet" in e.value.message and "第四条" in e.value.message
    for user in (tr["officer"], tr["police"], tr["shigatse"], tr["auditor"]):
        with pytest.raises(NotAllowed):
            open_transfer(tr, c, user=user)
    with pytest.raises(DomainError) as e:
        open_transfer(tr, c, order_served_on=None)
    assert e.value.errors["order_served_on"] == ["This field is required."]
    with pytest.raises(DomainError) as e:
        open_transfer(tr, c, order_served_on=issued - dt.timedelta(days=1))
    assert "order_served_on" in e.value.errors
    with pytest.raises(DomainError) as e:  # posted, but nothing records the posting
        open_transfer(tr, c, order_service="posted", posted_on=issued, posted_place="拉萨市城关区工地项目部")
    assert "photo or video" in e.value.errors["posted_evidence"][0] and "第四条" in e.value.errors["posted_evidence"][0]

    class Upload:
        def __init__(self, name, data):
            self.name, self.size, self._data = name, len(data), data

        def read(self, n=-1):
            return self._data

    with freeze_time(after_deadline(c)):
        pdf = evidence_store(upload=Upload("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"), complaint=c,
                             user=tr["inspector"])
    with pytest.raises(DomainError) as e:  # a PDF is not a photo or video
        open_transfer(tr, c, order_service="posted", posted_on=issued, posted_place="工地", posted_evidence=pdf)
    assert "photo or video" in e.value.errors["posted_evidence"][0]
    assert not CriminalTransfer.objects.exists()
    t = open_transfer(tr, c, order_service="posted", posted_on=issued, posted_place="拉萨市城关区工地项目部",
                      posted_upload=Upload("posting.png", png_bytes()))
    assert t.order_service == "posted" and t.posted_evidence.mime == "image/png"
    assert t.posted_evidence.complaint_id == c.pk and t.posted_evidence.audience == "internal"
    assert t.state == T.TASK_TEAM and t.opened_by == tr["inspector"] and t.case_number == c.case_number
    with pytest.raises(DomainError) as e:
        open_transfer(tr, c)
    assert "already in progress" in e.value.message


def test_transition_table_allows_only_the_diagram():
    expected = {
        T.TASK_TEAM: {T.HEAD_DECISION}, T.HEAD_DECISION: {T.APPROVED, T.REFUSED}, T.APPROVED: {T.TRANSFERRED},
        T.TRANSFERRED: {T.POLICE_DECISION}, T.POLICE_DECISION: {T.FILED, T.NOT_FILED},
        T.NOT_FILED: {T.RECONSIDERATION, T.CLOSED_NOT_FILED}, T.RECONSIDERATION: {T.FILED, T.CLOSED_NOT_FILED},
        T.FILED: {T.CONCLUDED}, T.REFUSED: set(), T.CLOSED_NOT_FILED: set(), T.CONCLUDED: set()}
    assert TRANSFER_TRANSITIONS == expected
    for src in T.values:
        for dst in T.values:
            t = CriminalTransfer(state=src)
            if dst in expected[src]:
                t.set_state(dst)
                assert t.state == dst
            else:
                with pytest.raises(DomainError):
                    t.set_state(dst)


# --- the report and the head's decision ----------------------------------------------------------------------------

def test_report_needs_a_team_of_two_of_the_region_and_the_facts(tr):
    t = open_transfer(tr)
    with pytest.raises(DomainError) as e:
        report(tr, t, officers=[tr["inspector"]])
    assert "at least 2 are required" in e.value.errors["officers"][0] and "第五条" in e.value.errors["officers"][0]
    with pytest.raises(DomainError) as e:
        report(tr, t, officers=[tr["inspector"], tr["shigatse"], tr["officer"]])
    assert "insp_shigatse" in e.value.errors["officers"][0] and "credit_lhasa" in e.value.errors["officers"][0]
    with pytest.raises(DomainError) as e:
        report(tr, t, evasion_kinds=[], evasion_facts="", consequence_kinds=["violence"], report_text="",
               evidence_list="")
    errs = e.value.errors
    assert "第二条" in errs["evasion_kinds"][0] and "第二条" in errs["evasion_facts"][0]
    assert "第五条" in errs["consequence_facts"][0] and "第六条" in errs["evidence_list"][0] and "report_text" in errs
    for user in (tr["shigatse"], tr["police"], tr["officer"]):
        with pytest.raises(NotAllowed):
            report(tr, t, user=user)
    t.refresh_from_db()
    assert t.state == T.TASK_TEAM and not TransferOfficer.objects.exists()
    day = after_deadline(t.complaint, 3)
    report(tr, t, on=at(day), conduct="able_not_paying", evasion_kinds=["abscond"], consequence_kinds=["livelihood"],
           consequence_facts="工人无法支付房租。")
    t.refresh_from_db()
    assert t.state == T.HEAD_DECISION and t.evasion_kinds == [] and t.consequence_kinds == ["livelihood"]
    assert set(t.team.values_list("user__username", flat=True)) == {"insp_a", "insp_b"}
    d = deadlines_for(t).get(rule_id="TR-HEAD-DECISION")
    assert (d.anchor_date, d.status, d.case_number) == (day, "OPEN", t.case_number)
    with pytest.raises(DomainError):
        report(tr, t)


def test_four_eyes_the_head_is_never_an_officer_nor_the_reporter(tr):
    t = open_transfer(tr)
    submit_report(tr, t, officers=["insp_a", "head_lhasa"])
    with freeze_time(at(after_deadline(t.complaint), 4)):
        with pytest.raises(NotAllowed) as e:
            svc.head_decide(transfer=t, user=tr["head"], approve=True)
        assert "four eyes" in e.value.message
        with pytest.raises(NotAllowed):  # an inspector is not a head
            svc.head_decide(transfer=t, user=tr["inspector_b"], approve=True)
        with pytest.raises(NotAllowed):  # a head of another region
            svc.head_decide(transfer=t, user=tr["shigatse_head"], approve=True)
        task = _open_task(t)
        assert task.flow_task.name == "head_decision"
        assert not task.flow_task.can_assign(tr["head"], task) and task.flow_task.can_assign(tr["head_b"], task)
        assert task.pk not in _queue_ids(tr["head"]) and task.pk in _queue_ids(tr["head_b"])
        assert _api(tr["head"]).post(f"{API}{task.pk}/assign/").status_code == 403
    do(tr["head_b"], t, on=at(after_deadline(t.complaint), 5), approve="yes")
    assert t.state == T.APPROVED and t.head_decided_by == tr["head_b"]

    t2 = open_transfer(tr, candidate(tr))  # the head who submitted the report, not an officer, may not decide it
    submit_report(tr, t2, user=tr["head"])
    with freeze_time(at(after_deadline(t2.complaint), 4)):
        with pytest.raises(NotAllowed):
            svc.head_decide(transfer=t2, user=tr["head"], approve=True)
        assert not _open_task(t2).flow_task.can_assign(tr["head"], _open_task(t2))


def test_refusal_needs_reasons_ends_the_flow_and_a_new_transfer_may_follow(tr):
    t = to_state(tr, T.HEAD_DECISION)
    with freeze_time(at(after_deadline(t.complaint), 5)):
        with pytest.raises(DomainError) as e:
            svc.head_decide(transfer=t, user=tr["head"], approve=False, reasons="  ")
        assert "reasons" in e.value.errors and "第五条" in e.value.errors["reasons"][0]
    do(tr["head"], t, on=at(after_deadline(t.complaint), 6), approve="no", reasons="证据尚不充分，补充调查后再报。")
    assert t.state == T.REFUSED and t.head_approved is False and t.head_reasons.startswith("证据")
    assert _open_task(t) is None
    assert not deadlines_for(t).filter(rule_id="TR-TRANSFER").exists()
    t2 = open_transfer(tr, t.complaint)
    assert t2.state == T.TASK_TEAM and t2.pk != t.pk



def test_send_receive_and_outcome_refusals_and_steps_out_of_order(tr):
    t = to_state(tr, T.APPROVED)
    day = after_deadline(t.complaint)
    with freeze_time(at(day, 4)):
        with pytest.raises(DomainError) as e:  # out of order: the state table answers
            svc.head_decide(transfer=t, user=tr["head_b"], approve=True)
        assert "not possible any more" in e.value.message
        with pytest.raises(DomainError) as e:
            svc.transfer_send(transfer=t, user=tr["inspector"], police_agency=" ")
        assert "police_agency" in e.value.errors
        with pytest.raises(NotAllowed):
            svc.transfer_send(transfer=t, user=tr["police"], police_agency="拉萨市公安局")
        with pytest.raises(NotAllowed):
            svc.transfer_send(transfer=t, user=tr["shigatse"], police_agency="拉萨市公安局")
    first = to_state(tr, T.TRANSFERRED)
    with freeze_time(at(day, 4)):
        with pytest.raises(DomainError) as e:  # the letter number is unique
            svc.transfer_send(transfer=t, user=tr["inspector"], police_agency="拉萨市公安局",
                              transfer_doc_no=first.transfer_doc_no)
        assert "transfer_doc_no" in e.value.errors
        with pytest.raises(DomainError) as e:  # the police cannot receive before it was sent, nor in the future
            svc.police_receive(transfer=first, user=tr["police"], received_on=day - dt.timedelta(days=1))
        assert "received_on" in e.value.errors
        with pytest.raises(DomainError) as e:
            svc.police_receive(transfer=first, user=tr["police"], received_on=day + dt.timedelta(days=1))
        assert e.value.errors["received_on"] == ["The date cannot be in the future."]
    t2 = to_state(tr, T.FILED)
    with freeze_time(at(t2.police_decided_on)):
        with pytest.raises(DomainError) as e:
            svc.outcome_record(transfer=t2, user=tr["inspector"], outcome="pardoned", outcome_on=t2.police_decided_on)
        assert "outcome" in e.value.errors
        with pytest.raises(DomainError) as e:
            svc.outcome_record(transfer=t2, user=tr["inspector"], outcome="dropped",
                               outcome_on=t2.police_decided_on - dt.timedelta(days=1))
        assert "outcome_on" in e.value.errors
        with pytest.raises(NotAllowed):
            svc.outcome_record(transfer=t2, user=tr["police"], outcome="dropped", outcome_on=t2.police_decided_on)
    t2.refresh_from_db()
    assert t2.state == T.FILED and t2.outcome == ""

# --- the whole track through the task API, with the blacklist flag and history -----------------------------------

def _take_and_complete(user, step: str, data: dict) -> dict:
    client = _api(user)
    rows = client.get(API).json()
    row = next(r for r in rows["queue"] if r["track"] == "criminal_transfer" and r["step"] == step)
    detail = client.get(f"{API}{row['id']}/").json()
    assert detail["can_assign"] and {f["name"] for f in detail["fields"]} >= set(data)
    assert client.post(f"{API}{row['id']}/assign/").status_code == 200
    r = client.post(f"{API}{row['id']}/complete/", data, format="json")
    assert r.status_code == 200, r.json()
    return r.json()


def test_whole_track_through_the_task_api(tr):
    c = candidate(tr)
    listing = make_listing(tr, to="published", complaint=c)  # the same employer is on the blacklist
    assert not listing.criminal_proceedings_pending
    day = payment_deadline_of(c) + dt.timedelta(days=14)
    with freeze_time(at(day, 1)):
        r = _api(tr["inspector"]).post("/api/v1/transfers/", {
            "case_number": c.case_number, "order_service": "served",
            "order_served_on": bl_svc.order_for(c).issued_at.isoformat()}, format="json")
        assert r.status_code == 201, r.json()
        body = r.json()
        assert body["state"] == "TASK_TEAM" and body["threshold_placeholder"]
        assert "Placeholder" in body["threshold_warning"]
        assert [x["step"] for x in body["tasks"]] == ["report"]
        t = CriminalTransfer.objects.get(pk=body["id"])
        fields = {f["name"]: f for f in _api(tr["inspector"]).get(f"{API}{_open_task(t).pk}/").json()["fields"]}
        assert fields["officers"]["type"] == "multiple_choice" and {"insp_a", "insp_b", "head_lhasa"} <= {
            ch["value"] for ch in fields["officers"]["choices"]}
        out = _take_and_complete(tr["inspector"], "report", {
            "officers": ["insp_a", "insp_b"], "report_text": REPORT["report_text"],
            "evidence_list": REPORT["evidence_list"], "conduct": "evasion", "evasion_kinds": ["abscond", "records"],
            "evasion_facts": REPORT["evasion_facts"]})
        assert out["state"] == "HEAD_DECISION" and [x["step"] for x in out["tasks"]] == ["head_decision"]
    with freeze_time(at(day, 3)):
        assert _take_and_complete(tr["head"], "head_decision", {"approve": "yes"})["state"] == "APPROVED"
    with freeze_time(at(day + dt.timedelta(days=1), 2) + dt.timedelta(minutes=59)):  # 23 h 59 min later: in time
        out = _take_and_complete(tr["inspector"], "transfer", {"police_agency": "拉萨市公安局城关分局",
                                                               "procuratorate_copied": True})
        assert out["state"] == "TRANSFERRED" and [x["step"] for x in out["tasks"]] == ["police_receive"]
    t.refresh_from_db()
    assert t.transfer_doc_no == f"{c.case_number}-YS1" and not t.transfer_late and t.procuratorate_copied
    assert [m["kind"] for m in t.materials] == ["transfer_letter", "investigation_report", "evidence_list", "order"]
    assert "拉萨市公安局城关分局：" in t.transfer_letter and "拒不支付劳动者3个月的劳动报酬18,000.00元" in t.transfer_letter
    assert WORKER_NAME not in t.transfer_letter and t.order_doc_no in t.transfer_letter
    received = day + dt.timedelta(days=1)
    with freeze_time(at(received, 4)):
        _take_and_complete(tr["police"], "police_receive", {"received_on": received.isoformat(), "receipt_no": "回执7"})
    decided = received + dt.timedelta(days=1)
    with freeze_time(at(decided)):
        out = _take_and_complete(tr["police"], "police_decision", {
            "decision": "filed", "notice_no": "拉公（城）立字〔2026〕88号", "decided_on": decided.isoformat()})
        assert out["state"] == "FILED" and [x["step"] for x in out["tasks"]] == ["outcome"]
    listing.refresh_from_db()
    assert listing.criminal_proceedings_pending and "拉公（城）立字〔2026〕88号" in listing.criminal_proceedings_note
    assert listing.history.first().history_user == tr["police"]  # the police's act changed the listing
    ended = decided + dt.timedelta(days=30)
    with freeze_time(at(ended)):
        out = _take_and_complete(tr["inspector"], "outcome", {"outcome": "dropped", "outcome_on": ended.isoformat(),
                                                              "note": "公安机关撤销案件"})
        assert out["state"] == "CONCLUDED" and out["tasks"] == []
    listing.refresh_from_db()
    assert not listing.criminal_proceedings_pending and listing.criminal_proceedings_note == ""
    # every step's history row carries the person who acted
    actors = [(h.state, h.history_user.username) for h in t.history.order_by("history_date", "history_id")]
    assert actors == [("TASK_TEAM", "insp_a"), ("HEAD_DECISION", "insp_a"), ("APPROVED", "head_lhasa"),
                      ("TRANSFERRED", "insp_a"), ("POLICE_DECISION", "police_lhasa"), ("FILED", "police_lhasa"),
                      ("CONCLUDED", "insp_a")]
    assert {h.history_user.username for h in TransferOfficer.history.filter(transfer_id=t.pk)} == {"insp_a"}
    assert dict(deadlines_for(t).values_list("rule_id", "status")) == {
        "TR-HEAD-DECISION": "MET", "TR-TRANSFER": "MET", "TR-POLICE-DECISION": "MET"}
    assert all(d.case_number == c.case_number for d in deadlines_for(t))


# --- the police liaison's reach ------------------------------------------------------------------------------------

def test_police_liaison_sees_only_transfers_sent_to_them_and_no_complaint(tr):
    t = to_state(tr, T.APPROVED)
    police, far = _api(tr["police"]), _api(tr["police_shigatse"])
    assert police.get("/api/v1/transfers/").json()["count"] == 0  # approved, not sent yet
    assert police.get(f"/api/v1/transfers/{t.pk}/").status_code == 404
    assert _client(tr["police"]).get(f"/staff/transfers/{t.pk}/").status_code == 404
    assert police.get(API).json()["queue"] == []
    do(tr["inspector"], t, on=at(after_deadline(t.complaint), 6), police_agency="拉萨市公安局")
    assert [r["id"] for r in police.get("/api/v1/transfers/").json()["results"]] == [t.pk]
    assert police.get(f"/api/v1/transfers/{t.pk}/").status_code == 200
    task = _open_task(t)
    assert [r["id"] for r in police.get(API).json()["queue"]] == [task.pk]
    # Shigatse's police liaison: nothing
    assert far.get("/api/v1/transfers/").json()["count"] == 0
    assert far.get(f"/api/v1/transfers/{t.pk}/").status_code == 404
    assert far.get(f"{API}{task.pk}/").status_code == 404 and far.get(API).json()["queue"] == []
    assert not task.flow_task.can_assign(tr["police_shigatse"], task)
    with pytest.raises(NotAllowed):
        svc.police_receive(transfer=t, user=tr["police_shigatse"], received_on=after_deadline(t.complaint))
    # the police see no complaint, no evidence, and take no staff step
    page = _client(tr["police"])
    assert page.get(f"/staff/cases/{t.case_number}/").status_code == 404
    assert police.get("/api/v1/cases/").json()["count"] == 0
    assert police.get(f"/api/v1/cases/{t.case_number}/").status_code == 404
    assert page.get(f"/staff/transfers/open/{t.case_number}/").status_code == 404
    detail = page.get(f"/staff/transfers/{t.pk}/")
    assert detail.status_code == 200 and f"/staff/cases/{t.case_number}/" not in detail.content.decode()
    for call in (lambda: svc.outcome_record(transfer=t, user=tr["police"], outcome="dropped",
                                            outcome_on=after_deadline(t.complaint)),
                 lambda: svc.transfer_open(complaint=t.complaint, user=tr["police"], order_service="served",
                                           order_served_on=after_deadline(t.complaint))):
        with pytest.raises(NotAllowed):
            call()
    # staff steps of another transfer are invisible to the police, even by task id
    other = open_transfer(tr, candidate(tr))
    assert police.post(f"{API}{_open_task(other).pk}/complete/", {}, format="json").status_code == 404


# --- not filed: reconsideration ------------------------------------------------------------------------------------

def test_police_decision_refusals_and_the_reconsideration(tr):
    t = to_state(tr, T.POLICE_DECISION)
    received = t.police_received_on
    decided = received + dt.timedelta(days=1)
    with freeze_time(at(decided)):
        with pytest.raises(DomainError) as e:
            svc.police_decide(transfer=t, user=tr["police"], decision="not_filed", notice_no="", decided_on=decided)
        assert "第八条" in e.value.errors["reasons"][0] and "第八条" in e.value.errors["notice_no"][0]
        with pytest.raises(DomainError) as e:
            svc.police_decide(transfer=t, user=tr["police"], decision="filed", notice_no="x",
                              decided_on=received - dt.timedelta(days=1))
        assert "decided_on" in e.value.errors
        with pytest.raises(NotAllowed):
            svc.police_decide(transfer=t, user=tr["head"], decision="filed", notice_no="x", decided_on=decided)
    do(tr["police"], t, on=at(decided), decision="not_filed", notice_no="拉公不立字〔2026〕3号", decided_on=decided,
       reasons="犯罪事实显著轻微")
    assert t.state == T.NOT_FILED and _open_task(t).flow_task.name == "reconsideration"
    due = deadlines_for(t).get(rule_id="TR-RECONSIDERATION").due_date
    assert due == compute_due(decided, 3, "CD", "540100").due
    late = due + dt.timedelta(days=1)
    with freeze_time(at(late)):
        with pytest.raises(NotAllowed):  # the head asks, not an inspector
            svc.reconsideration_request(transfer=t, user=tr["inspector"], request=True, requested_on=due,
                                        reasons="证据充分")
        with pytest.raises(DomainError) as e:
            svc.reconsideration_request(transfer=t, user=tr["head"], request=True, requested_on=late,
                                        reasons="证据充分")
        assert f"closed on {due}" in e.value.errors["requested_on"][0] and "第九条" in e.value.errors["requested_on"][0]
        with pytest.raises(DomainError) as e:
            svc.reconsideration_request(transfer=t, user=tr["head"], request=True, requested_on=due, reasons="")
        assert "reasons" in e.value.errors
    do(tr["head"], t, on=at(late), request="yes", requested_on=due, reasons="工资表证明拖欠三个月，数额较大。")
    assert t.state == T.RECONSIDERATION and _open_task(t).flow_task.name == "police_reconsideration"
    assert deadlines_for(t).get(rule_id="TR-RECONSIDERATION").status == "MET"
    answer_due = deadlines_for(t).get(rule_id="TR-RECONSIDERATION-DECISION").due_date
    with freeze_time(at(answer_due)):
        with pytest.raises(DomainError) as e:
            svc.police_reconsider(transfer=t, user=tr["police"], decision="upheld", notice_no="复1号",
                                  decided_on=answer_due)
        assert "reasons" in e.value.errors
    do(tr["police"], t, on=at(answer_due), decision="upheld", notice_no="复1号", decided_on=answer_due,
       reasons="维持不予立案")
    assert t.state == T.CLOSED_NOT_FILED and not t.reconsideration_late and _open_task(t) is None
    assert deadlines_for(t).get(rule_id="TR-RECONSIDERATION-DECISION").status == "MET"


def test_accepting_the_non_filing_closes_the_transfer(tr):
    t = to_state(tr, T.NOT_FILED)
    with freeze_time(at(t.police_decided_on)):
        with pytest.raises(DomainError):
            svc.reconsideration_request(transfer=t, user=tr["head"], request=False, reasons="")
    do(tr["head"], t, on=at(t.police_decided_on), request="no", reasons="同意公安机关意见")
    assert t.state == T.CLOSED_NOT_FILED and t.non_filing_note == "同意公安机关意见" and _open_task(t) is None
    assert deadlines_for(t).get(rule_id="TR-RECONSIDERATION").status == "WAIVED"


# --- deadlines on the real 2025 calendar ---------------------------------------------------------------------------

@pytest.mark.parametrize("reported, due", [
    (dt.date(2025, 6, 13), dt.date(2025, 6, 16)),  # Friday: the 3rd day is Monday (the report day is not counted)
    (dt.date(2025, 6, 11), dt.date(2025, 6, 16)),  # Wednesday: the 3rd day is Saturday, rolled to Monday
    (dt.date(2025, 9, 25), dt.date(2025, 9, 28)),  # Thursday: the 3rd day is Sunday 28 Sep, a make-up working day
    (dt.date(2025, 10, 3), dt.date(2025, 10, 9)),  # in the holiday: 6 Oct is off, rolled past 8 Oct to Thursday
    (dt.date(2025, 10, 8), dt.date(2025, 10, 11)),  # the 3rd day is Saturday 11 Oct, a make-up working day
])
def test_three_calendar_days_roll_forward_past_rest_days(reported, due):
    for rule_id in ("TR-HEAD-DECISION", "TR-POLICE-DECISION", "TR-RECONSIDERATION", "TR-RECONSIDERATION-DECISION"):
        r = rule(rule_id, on=reported)
        assert compute_due(reported, r.n, r.unit, "540100").due == due, rule_id


def test_a_transfer_on_the_2025_calendar(tr):
    """Report Friday 26 Sep; the head decides late on Tuesday 30 Sep; the 24 hours end on 1 Oct (a holiday: not
    rolled) and the transfer is sent an hour late; received Thursday 2 Oct, the police's 3 days end on Sunday 5 Oct,
    a holiday, so on Thursday 9 Oct; the reconsideration window from 9 Oct ends on Sunday 12 Oct, a rest day, so on
    Monday 13 Oct; the police answer a day late."""
    c = candidate(tr, start=dt.date(2025, 8, 4))
    assert payment_deadline_of(c) == dt.date(2025, 8, 19)
    t = open_transfer(tr, c, on=dt.date(2025, 9, 25))
    submit_report(tr, t, on=dt.datetime(2025, 9, 26, 2, 0))
    assert deadlines_for(t).get(rule_id="TR-HEAD-DECISION").due_date == dt.date(2025, 9, 29)
    do(tr["head"], t, on=dt.datetime(2025, 9, 30, 2, 0), approve="yes")  # 10:00 in Lhasa
    assert t.head_decision_late and deadlines_for(t).get(rule_id="TR-HEAD-DECISION").status == "BREACHED"
    d = deadlines_for(t).get(rule_id="TR-TRANSFER")
    assert (d.anchor_date, d.due_date, d.status) == (dt.date(2025, 9, 30), dt.date(2025, 10, 1), "OPEN")
    do(tr["inspector"], t, on=dt.datetime(2025, 10, 1, 3, 0), police_agency="拉萨市公安局")  # 25 hours later
    assert t.transfer_late and deadlines_for(t).get(rule_id="TR-TRANSFER").status == "BREACHED"
    do(tr["police"], t, on=dt.datetime(2025, 10, 2, 2, 0), received_on=dt.date(2025, 10, 2))
    assert deadlines_for(t).get(rule_id="TR-POLICE-DECISION").due_date == dt.date(2025, 10, 9)
    do(tr["police"], t, on=dt.datetime(2025, 10, 9, 2, 0), decision="not_filed", notice_no="拉公不立字〔2025〕9号",
       decided_on=dt.date(2025, 10, 9), reasons="证据不足")
    assert not t.police_decision_late and deadlines_for(t).get(rule_id="TR-POLICE-DECISION").status == "MET"
    assert deadlines_for(t).get(rule_id="TR-RECONSIDERATION").due_date == dt.date(2025, 10, 13)
    with freeze_time(dt.datetime(2025, 10, 14, 2, 0)):
        with pytest.raises(DomainError) as e:
            svc.reconsideration_request(transfer=t, user=tr["head"], request=True, requested_on=dt.date(2025, 10, 14),
                                        reasons="数额较大")
        assert "2025-10-13" in e.value.message
    do(tr["head"], t, on=dt.datetime(2025, 10, 14, 2, 0), request="yes", requested_on=dt.date(2025, 10, 13),
       reasons="数额较大")
    assert deadlines_for(t).get(rule_id="TR-RECONSIDERATION-DECISION").due_date == dt.date(2025, 10, 16)
    do(tr["police"], t, on=dt.datetime(2025, 10, 17, 2, 0), decision="filed", notice_no="拉公立字〔2025〕3号",
       decided_on=dt.date(2025, 10, 17))
    assert t.state == T.FILED and t.reconsideration_late and _open_task(t).flow_task.name == "outcome"
    assert deadlines_for(t).get(rule_id="TR-RECONSIDERATION-DECISION").status == "BREACHED"


# --- alerts --------------------------------------------------------------------------------------------------------

def test_late_steps_alert_the_team_the_heads_and_the_police(tr):
    t = to_state(tr, T.HEAD_DECISION)
    due = deadlines_for(t).get(rule_id="TR-HEAD-DECISION").due_date
    assert svc.transfer_deadline_alerts(today=due - dt.timedelta(days=2)) == {"reminders": 0, "breaches": 0}
    assert svc.transfer_deadline_alerts(today=due) == {"reminders": 1, "breaches": 0}
    reminded = set(Message.objects.filter(event="deadline_reminder", channel="inapp", case_number=t.case_number)
                   .values_list("recipient_user__username", flat=True))
    assert reminded == {"insp_a", "insp_b", "head_lhasa", "head_lhasa_b"}
    assert svc.transfer_deadline_alerts(today=due) == {"reminders": 0, "breaches": 0}  # once per stage
    with freeze_time(at(due + dt.timedelta(days=1))):  # the hourly beat job: the sweep marks it, the alert goes out
        assert bl_tasks.transfer_deadline_alerts() == {"reminders": 0, "breaches": 1}
    assert deadlines_for(t).get(rule_id="TR-HEAD-DECISION").status == "BREACHED"
    breached = Message.objects.filter(event="transfer_deadline_breached", channel="inapp")
    assert {m.recipient_user.username for m in breached} == reminded
    # rendered in the staff member's language (Chinese by default), so compared with the text of this event
    assert all(t.case_number in m.body
               and m.subject == render("staff", "transfer_deadline_breached", m.language, {"case": t.case_number})[0]
               for m in breached)
    assert svc.transfer_deadline_alerts(today=due + dt.timedelta(days=2)) == {"reminders": 0, "breaches": 0}
    late = due + dt.timedelta(days=1)
    do(tr["head"], t, on=at(late), approve="yes")
    do(tr["inspector"], t, on=at(late, 3), police_agency="拉萨市公安局")
    do(tr["police"], t, on=at(late, 4), received_on=late)
    police_due = deadlines_for(t).get(rule_id="TR-POLICE-DECISION").due_date
    svc.transfer_deadline_alerts(today=police_due + dt.timedelta(days=1))
    told = set(Message.objects.filter(event="transfer_deadline_breached", channel="inapp")
               .values_list("recipient_user__username", flat=True))
    assert "police_lhasa" in told and "police_shigatse" not in told


# --- the blacklist flag (Order 45 art. 13(2)) ----------------------------------------------------------------------

def test_a_conviction_keeps_the_early_removal_bar(tr):
    c1 = candidate(tr)
    listing = make_listing(tr, to="published", complaint=c1)
    t1 = to_state(tr, T.FILED, c1, on=payment_deadline_of(c1) + dt.timedelta(days=14))
    t2 = to_state(tr, T.FILED, candidate(tr), on=payment_deadline_of(c1) + dt.timedelta(days=14))
    assert t1.employer_id == t2.employer_id == listing.employer_id
    ended = t1.police_decided_on + dt.timedelta(days=60)
    do(tr["inspector"], t1, on=at(ended), outcome="not_prosecuted", outcome_on=ended)
    listing.refresh_from_db()
    assert listing.criminal_proceedings_pending  # the other transfer of the employer is still filed
    with freeze_time(at(ended)):
        with pytest.raises(DomainError) as e:
            svc.outcome_record(transfer=t2, user=tr["inspector"], outcome="convicted", outcome_on=ended)
        assert "judgment_no" in e.value.errors
    do(tr["head"], t2, on=at(ended), outcome="convicted", outcome_on=ended, judgment_no="（2026）藏0102刑初88号")
    listing.refresh_from_db()
    assert listing.criminal_proceedings_pending and "已被判处刑罚" in listing.criminal_proceedings_note
    assert ListingDecision.objects.get(pk=listing.pk).history.first().history_user == tr["head"]
    with freeze_time(at(ended)):
        with pytest.raises(DomainError) as e:
            bl_svc.early_removal_apply(listing=listing, user=tr["officer"], applied_at=ended,
                                       correction_date=ended - dt.timedelta(days=1), commitment=True)
    assert "Order 45 art. 13(2)" in e.value.message


# --- pages ---------------------------------------------------------------------------------------------------------

def test_pages_link_open_list_detail_and_the_task_page(tr):
    c = candidate(tr)
    day = after_deadline(c)
    with freeze_time(at(day)):
        inspector = _client(tr["inspector"])
        case_page = inspector.get(f"/staff/cases/{c.case_number}/").content.decode()
        assert "Open criminal transfer" in case_page and f"/staff/transfers/open/{c.case_number}/" in case_page
        auditor_page = _client(tr["auditor"]).get(f"/staff/cases/{c.case_number}/").content.decode()
        assert "Open criminal transfer" not in auditor_page
        assert _client(tr["auditor"]).get(f"/staff/transfers/open/{c.case_number}/").status_code == 404
        assert _client(tr["shigatse"]).get(f"/staff/transfers/open/{c.case_number}/").status_code == 404
        page = inspector.get(f"/staff/transfers/open/{c.case_number}/")
        html = page.content.decode()
        assert page.status_code == 200 and "Placeholder threshold" in html and "18,000.00" in html
        bad = inspector.post(f"/staff/transfers/open/{c.case_number}/", {"order_service": "served"})
        assert bad.status_code == 400 and "This field is required." in bad.content.decode()
        r = inspector.post(f"/staff/transfers/open/{c.case_number}/", {
            "order_service": "served", "order_served_on": bl_svc.order_for(c).issued_at.isoformat()})
        t = CriminalTransfer.objects.get(complaint=c)
        assert r.status_code == 302 and r["Location"] == f"/staff/transfers/{t.pk}/"
        assert inspector.get(f"/staff/transfers/open/{c.case_number}/")["Location"] == f"/staff/transfers/{t.pk}/"
        listing_html = inspector.get("/staff/transfers/").content.decode()
        assert c.case_number in listing_html and "placeholder threshold" in listing_html
        task = _open_task(t)
        task_page = inspector.get(f"/staff/tasks/{task.pk}/").content.decode()
        assert "Placeholder threshold" in task_page and 'name="officers"' in task_page
        done = inspector.post(f"/staff/tasks/{task.pk}/", {  # the checkboxes of the task team: several values
            "officers": ["insp_a", "insp_b"], "report_text": "调查报告", "evidence_list": "工资表",
            "conduct": "able_not_paying"})
        assert done.status_code == 302 and done["Location"] == f"/staff/transfers/{t.pk}/"
    t.refresh_from_db()
    assert t.state == T.HEAD_DECISION and set(t.team.values_list("user__username", flat=True)) == {"insp_a", "insp_b"}
    inspector = _client(tr["inspector"])
    detail = inspector.get(f"/staff/transfers/{t.pk}/").content.decode()
    for text in ("Placeholder threshold", "TR-HEAD-DECISION", "Timeline", "Head: approve or refuse the transfer",
                 f"/staff/cases/{c.case_number}/", "insp_b"):
        assert text in detail, text
    assert _client(tr["officer"]).get(f"/staff/transfers/{t.pk}/").status_code == 404  # a credit officer
    assert _client(tr["shigatse"]).get(f"/staff/transfers/{t.pk}/").status_code == 404
    assert _client(tr["auditor"]).get(f"/staff/transfers/{t.pk}/").status_code == 200  # reads, never acts


def test_no_placeholder_warning_once_real_figures_are_used(tr):
    th = CriminalThreshold.objects.get(province_code="540000")
    th.is_placeholder, th.source_doc = False, "西藏自治区高级人民法院 备案标准（测试）"
    th.save()
    t = open_transfer(tr)
    assert not t.threshold_placeholder
    assert "Placeholder threshold" not in _client(tr["inspector"]).get(f"/staff/transfers/{t.pk}/").content.decode()
    assert _api(tr["inspector"]).get(f"/api/v1/transfers/{t.pk}/").json()["threshold_warning"] == ""


# --- privacy -------------------------------------------------------------------------------------------------------

def _scan(body: str, where: str):
    for value in PII:
        assert value not in body, (where, value)
    assert not ID18.search(body), (where, ID18.search(body).group())
    assert not MOBILE.search(body), (where, MOBILE.search(body).group())


def test_nothing_the_police_or_the_public_get_names_the_worker(tr):
    t = to_state(tr, T.FILED)
    assert WORKER_NAME in t.complaint.complainant.name  # the case does name the worker
    police_page, police_api, anon = _client(tr["police"]), _api(tr["police"]), Client()
    task = _open_task(t)
    pages = ["/staff/transfers/", f"/staff/transfers/{t.pk}/", "/staff/"]
    apis = ["/api/v1/transfers/", f"/api/v1/transfers/{t.pk}/", API]
    for url in pages:
        r = police_page.get(url)
        assert r.status_code == 200, url
        _scan(r.content.decode(), url)
    for url in apis:
        r = police_api.get(url)
        assert r.status_code == 200, url
        _scan(r.content.decode(), url)
    # no page or API of the track is public: the public gets a login redirect or 401, and nothing else
    for url in pages + [f"/staff/transfers/open/{t.case_number}/", f"/staff/tasks/{task.pk}/"]:
        r = anon.get(url)
        assert r.status_code == 302 and "/staff/login/" in r["Location"], url
        _scan(r.content.decode(), url)
    for url in apis + [f"{API}{task.pk}/"]:
        r = anon.get(url)
        assert r.status_code == 401, url
        _scan(r.content.decode(), url)
    assert anon.post("/api/v1/transfers/", {"case_number": t.case_number}).status_code == 401
