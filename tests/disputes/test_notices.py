"""SMS to the parties of a labour dispute (disputes.notices, docs/notifications.md): which events tell whom, in whose
language, never with an ID number, a phone or the other side's personal data, never for internal events; written in
the event's transaction, so a broker outage leaves the message pending in the outbox instead of losing it."""
import datetime as dt
import re

import pytest
from django.conf import settings
from freezegun import freeze_time

from casework.models import Employer, Person
from disputes.models import DisputeCase, DisputeEvent, DisputeParty
from disputes.notices import PARTY_EVENTS
from disputes.services import arbitration as arb
from disputes.services.applications import application_submit
from disputes.services.common import event
from notifications import outbox
from notifications.models import Message
from tests.disputes.test_applications import app_payload
from tests.factories import VALID_ID

pytestmark = pytest.mark.django_db

TIBETAN = re.compile("[\u0F00-\u0FFF]")
CJK = re.compile("[\u4E00-\u9FFF]")
ID_RE = re.compile(r"\d{17}[\dX]")
PHONE_RE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-\d{7,8}")
D = dt.date
EMPLOYER_PHONE = "0891-6000000"


@pytest.fixture(autouse=True)
def _html_only_documents(monkeypatch):
    """Documents are still rendered and stored, not turned into PDF (as in test_arbitration.py)."""
    monkeypatch.setattr("disputes.documents.render_pdf",
                        lambda html, **kw: b"%PDF-1.4\n% html only: " + str(len(html)).encode())


def sms(case, event_code=None):
    qs = Message.objects.filter(case_number=case.case_number, channel="sms").order_by("id")
    return list(qs.filter(event=f"dispute_{event_code}") if event_code else qs)


def assert_clean(m, *, other_side: list[str]):
    """No ID number or phone of anyone, and nothing of the other side, in what the SMS says."""
    text = f"{m.subject} {m.body}"
    assert not ID_RE.search(text) and not PHONE_RE.search(text), text
    for value in other_side:
        assert value not in text, (value, text)


def accept(case, dstaff, on=D(2025, 6, 13)):
    arb.review_decide(case=case, user=dstaff["clerk"], decision="accept", on=on)
    case.refresh_from_db()
    return case


def with_employer_phone(case):
    employer = case.parties.get(side="respondent").employer
    employer.contact_phone = EMPLOYER_PHONE
    employer.save()
    return case


@freeze_time("2025-09-26 10:00:00+08:00")
def test_application_received_tells_the_applicant_only_in_tibetan(commission):
    result = application_submit(track="arbitration", payload=app_payload())  # the applicant chose Tibetan
    case = result.case
    [m] = sms(case)
    assert m.event == "dispute_applied" and m.recipient_kind == "worker" and m.address == "13800000001"
    assert m.language == "bo" and TIBETAN.search(m.body) and m.status == "pending"
    assert case.case_number in m.body and f"{settings.PUBLIC_BASE_URL}/track/" in m.body
    assert result.access_code not in m.body  # the access code is a credential: never sent
    assert_clean(m, other_side=["西藏示例建筑工程有限公司", "王某"])
    ev = DisputeEvent.objects.get(case=case, code="applied")
    assert m.idempotency_key.endswith(f":sms:{ev.pk}")  # one message per event and party, whatever retries


def test_acceptance_tells_both_sides_each_in_its_language(make_case, dstaff):
    case = with_employer_phone(make_case(received_at=D(2025, 6, 9), preferred_language="bo"))
    worker = case.parties.get(side="applicant").person
    accept(case, dstaff)
    to_worker, to_employer = sms(case, "accepted")
    assert (to_worker.recipient_kind, to_worker.language, to_worker.address) == ("worker", "bo", worker.phone)
    assert TIBETAN.search(to_worker.body) and f"{settings.PUBLIC_BASE_URL}/track/" in to_worker.body
    assert (to_employer.recipient_kind, to_employer.language, to_employer.address) == (
        "employer", settings.LANGUAGE_CODE, EMPLOYER_PHONE)
    assert CJK.search(to_employer.body) and case.case_number in to_employer.body
    assert f"{settings.PUBLIC_BASE_URL}/my/disputes/" in to_employer.body  # the respondent has no access code
    assert_clean(to_employer, other_side=[worker.name, worker.phone, worker.id_number])
    assert_clean(to_worker, other_side=["拉萨某建筑工程有限公司", EMPLOYER_PHONE])


def test_a_person_respondent_is_told_in_its_own_language(make_case, dstaff):
    """An employer's application against a worker: the worker (respondent) reads Tibetan, the applicant Chinese."""
    case = make_case(received_at=D(2025, 6, 9), preferred_language="zh-hans")
    respondent = Person.objects.create(name="次旦", phone="13911112222", preferred_language="bo", region_id="540102")
    DisputeParty.objects.create(case=case, side="respondent", person=respondent)
    accept(case, dstaff)
    by_phone = {m.address: m for m in sms(case, "accepted")}
    assert by_phone["13911112222"].language == "bo" and TIBETAN.search(by_phone["13911112222"].body)
    applicant = case.parties.get(side="applicant").person
    assert by_phone[applicant.phone].language == "zh-hans" and CJK.search(by_phone[applicant.phone].body)
    assert_clean(by_phone["13911112222"], other_side=[applicant.name, applicant.phone])


def test_refusal_tells_the_applicant_without_the_reasons(make_case, dstaff):
    case = with_employer_phone(make_case(received_at=D(2025, 6, 9)))
    reason = "申请人扎西的请求不属于劳动争议（身份证号540102199001011233）"
    arb.review_decide(case=case, user=dstaff["clerk"], decision="not_accept", reason=reason, on=D(2025, 6, 13))
    [m] = sms(case)
    assert m.event == "dispute_not_accepted" and m.recipient_kind == "worker"
    assert reason not in m.body and "扎西" not in m.body  # the written notice gives the reasons
    assert_clean(m, other_side=[])


def test_hearing_and_its_documents_tell_both_sides(make_case, dstaff):
    from tests.disputes.test_arbitration import formed

    case = formed(accept(with_employer_phone(make_case(received_at=D(2025, 6, 9))), dstaff), dstaff)
    # acceptance came with the notice to respond (announced by the acceptance message itself); the tribunal's
    # composition notice is a document of its own, to both sides
    composition = sms(case, "document_issued")
    assert len(composition) == 2 and all(m.body.count("仲裁庭组成通知书") == 1 for m in composition)
    starts = dt.datetime(2025, 6, 30, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    arb.hearing_schedule(case=case, user=dstaff["clerk"], starts_at=starts, place="第一仲裁庭",
                         notice_sent_on=D(2025, 6, 16), notice_method="written")
    hearing = sms(case, "hearing_scheduled")
    assert {m.recipient_kind for m in hearing} == {"worker", "employer"}
    assert all("2025-06-30 09:30" in m.body for m in hearing)
    # the hearing notice itself is announced by the hearing's own message, not a second one
    assert len(sms(case, "document_issued")) == 2


def test_suspension_and_resumption(make_case, dstaff):
    case = with_employer_phone(accept(make_case(received_at=D(2025, 6, 9)), dstaff))
    arb.suspend(case=case, user=dstaff["chair"], ground="工伤认定尚未作出", on=D(2025, 6, 20))
    arb.resume(case=case, user=dstaff["chair"], on=D(2025, 7, 1))
    assert len(sms(case, "suspended")) == 2 and len(sms(case, "resumed")) == 2
    assert all("工伤" not in m.body for m in sms(case))


def test_internal_and_unlisted_events_send_nothing(make_case, dstaff):
    case = with_employer_phone(make_case(received_at=D(2025, 6, 9)))
    event(case, "task_done", user=dstaff["clerk"])                 # not public
    event(case, "recusal_requested", user=dstaff["clerk"])         # public, but not one that is texted
    event(case, "document_issued", public=False, kind="internal_note", doc_no="X-1", title="合议笔录")
    event(case, "document_issued", kind="receipt", doc_no="X-2", title="收件回执")  # announced by "applied"
    event(case, "accepted", public=False)                            # an internal copy of a party event
    assert sms(case) == []
    assert "recusal_requested" not in PARTY_EVENTS


def test_a_party_without_a_phone_gets_nothing_and_the_other_still_does(make_case, dstaff):
    case = make_case(received_at=D(2025, 6, 9))  # the employer has no contact phone
    accept(case, dstaff)
    [m] = sms(case, "accepted")
    assert m.recipient_kind == "worker"


def test_broker_outage_loses_neither_event_nor_message(make_case, dstaff, settings, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    settings.NOTIFY_ENQUEUE = True

    class Down:
        def send_task(self, *a, **kw):
            raise ConnectionError("redis down")

    monkeypatch.setattr(outbox, "_celery_app", lambda: Down())
    case = with_employer_phone(make_case(received_at=D(2025, 6, 9)))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        accept(case, dstaff)
    assert callbacks  # the hand-over to the broker ran after commit, and failed quietly
    assert DisputeCase.objects.get(pk=case.pk).state == "ARB_ACCEPTED"
    assert DisputeEvent.objects.filter(case=case, code="accepted").exists()
    messages = sms(case, "accepted")
    assert len(messages) == 2 and {m.status for m in messages} == {"pending"}
    assert {m.pk for m in messages} <= set(outbox.due_ids())  # the next redispatch sends them


def test_repeated_notification_of_one_event_writes_nothing_new(make_case, dstaff):
    from disputes.notices import dispute_event_notify

    case = accept(with_employer_phone(make_case(received_at=D(2025, 6, 9))), dstaff)
    ev = DisputeEvent.objects.get(case=case, code="accepted")
    assert dispute_event_notify(ev) == [] and len(sms(case, "accepted")) == 2


def test_employer_phone_is_a_party_record_not_a_guess(make_case, dstaff):
    """The respondent's number is its own contact phone; a different employer's phone is never used."""
    case = make_case(received_at=D(2025, 6, 9))
    Employer.objects.create(name="别的公司", address="拉萨市", contact_phone="0891-7000000")
    accept(case, dstaff)
    assert all(m.address != "0891-7000000" for m in sms(case))
    assert VALID_ID not in "".join(m.body for m in sms(case))
