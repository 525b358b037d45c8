"""Both dispute tracks end to end through the real pages (Django's test client, every form read from the page that
offers it): the worker applies on line, keeps the receipt and tracks the case with its number and access code on
casework's tracking page; staff take and complete every workflow task on /staff/tasks/<id>/ and record the acts
between them on /staff/disputes/<no>/.

- mediation: accepted, an agreement with two instalments, payments, performed and closed; failed, then a
  pre-filled arbitration application linked to it (tracked with the code, or from the worker's account); an
  agreement confirmed by joint arbitral review (调解书); a review refused, then the agreement not performed
  (arbitration, or a payment order for wages);
- arbitration: a one-time request for missing materials, acceptance, tribunal, service of the notice to respond,
  the respondent's on-line defence, hearing (too early a date refused), award by the presiding arbitrator, service
  of the award and closure; a settlement at the hearing effective when both sides signed for it; a withdrawal; an
  award left at the address, served 3 working days later.

Dates are frozen on the real calendar: 2025 national holidays 1-8 October with make-up working days Sun 28 September
and Sat 11 October."""
import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from disputes.models import DisputeCase, DisputeEvent, DisputeState as S, Instalment, MediationAgreement
from disputes.selectors import STATUS_TEXT
from tests.factories import make_user

from .pages import (APPLICATION, apply_online, case_act, code_from_receipt, form_with, staff_client, submit,
                    take_and_complete, task_ids, text, track)

pytestmark = pytest.mark.django_db

D = dt.date


def at(day: str, time: str = "10:00"):
    return freeze_time(f"{day} {time}:00+08:00")


def zh(message) -> str:
    """A message as the pages show it (their language is Chinese unless the visitor chose another)."""
    with translation.override("zh-hans"):
        return str(message)


def case_of(number: str) -> DisputeCase:
    return DisputeCase.objects.get(case_number=number)


def events(case) -> list[str]:
    return list(DisputeEvent.objects.filter(case=case).values_list("code", flat=True))


def pdf(client: Client, url: str) -> bytes:
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf", r.status_code
    body = b"".join(r.streaming_content)
    assert body.startswith(b"%PDF")
    return body


# --- mediation ------------------------------------------------------------------------------------------------------

def test_mediation_agreement_with_two_instalments_is_performed_and_closed(dstaff, body, commission):
    worker = Client()
    mediator = staff_client(dstaff["mediator"])

    with at("2025-06-09"):  # Monday
        receipt = apply_online(worker, "mediation", respondent_consented="on")
        html = text(receipt)
        number, code = code_from_receipt(html)
        assert number.split("-")[2] == "1"                      # the track digit: mediation
        # the mediation body decides within 3 working days (EMR art. 22): Thu 12 June
        assert "2025年6月12日" in html
        receipt_doc = re.search(r'href="(/disputes/track/documents/\d+/)"', html).group(1)
        assert b"%PDF" in pdf(worker, receipt_doc)[:8]
        again = text(worker.get(reverse("disputes:receipt")))     # shown once: the code is stored hashed only
        assert number not in again and code not in again

        status = text(track(Client(), number, code))
        assert "调解" in status and number in status

        # the mediator's queue on the staff home page lists the new task
        home = text(mediator.get(reverse("staff-home")))
        assert number in home
        take_and_complete(mediator, number, decision="accept", respondent_consented="on")

    case = case_of(number)
    assert case.state == S.MED_IN_MEDIATION and case.mediator == dstaff["mediator"]

    with at("2025-06-12"):
        case_act(mediator, number, "session", held_on="2025-06-12", place="城关区劳动争议调解中心",
                 summary="双方同意分两期支付。")
        # instalments that do not add up to the total: refused, nothing recorded, the task still open
        r = take_and_complete(mediator, number, expect=400, outcome="agreement", text="被申请人分两期支付工资6000元。",
                              total_amount="6000", signed_on="2025-06-12",
                              instalments="2025-06-20 | 3000\n2025-07-10 | 2000", signed_by_applicant="on",
                              signed_by_respondent="on", signed_by_mediator="on", sealed_by_body="on")
        assert "5,000.00" in text(r) and "6,000.00" in text(r)
        assert not MediationAgreement.objects.filter(case=case).exists()
        assert case_of(number).state == S.MED_IN_MEDIATION and not Instalment.objects.exists()
        take_and_complete(mediator, number, take=False, outcome="agreement", text="被申请人分两期支付工资6000元。",
                          total_amount="6000", signed_on="2025-06-12",
                          instalments="2025-06-20 | 3000\n2025-07-10 | 3000", signed_by_applicant="on",
                          signed_by_respondent="on", signed_by_mediator="on", sealed_by_body="on")
    case = case_of(number)
    assert case.state == S.MED_AGREEMENT
    assert [(i.due_on, i.amount) for i in case.agreement.instalments.all()] == [(D(2025, 6, 20), 3000),
                                                                                (D(2025, 7, 10), 3000)]
    assert case.documents.filter(kind="mediation_agreement", audience="main").count() == 1

    with at("2025-06-20"):
        case_act(mediator, number, "instalment_pay", seq="1", amount="3000", paid_on="2025-06-20")
    with at("2025-06-21"):
        page = text(track(Client(), number, code))
        table = page[page.index('id="instalments"'):]
        assert table.count("<tr>") == 3                          # header + two instalments
        # the worker sees the first paid and the second not yet due
        first, second = table.split("<tr>")[2], table.split("<tr>")[3]
        assert "3,000.00" in first and "2025年6月20日" in first
        assert "2025年7月10日" in second and "badge-danger" not in second
        # performing now is refused: the second instalment is unpaid
        r = take_and_complete(mediator, number, expect=400, outcome="performed")
        assert case_of(number).state == S.MED_AGREEMENT
    with at("2025-07-10"):
        case_act(mediator, number, "instalment_pay", seq="2", amount="3000", paid_on="2025-07-10")
        take_and_complete(mediator, number, take=False, outcome="performed")

    case = case_of(number)
    assert (case.state, case.closure, case.closed_at) == (S.CLOSED, "med_performed", D(2025, 7, 10))
    assert case.retention_until == D(2030, 7, 10)
    assert task_ids(mediator, number) == []
    assert case.process.status == "DONE"
    codes = events(case)
    assert codes.count("instalment_paid") == 2 and codes[-3:] == ["med_performed", "closed", "task_done"]
    with at("2025-07-11"):
        page = text(track(Client(), number, code))
    status = page.split('class="status-card"')[1].split("</section>")[0]
    assert zh(STATUS_TEXT[S.CLOSED]) in status and "2025年" not in status  # a closed case has no next date


def test_failed_mediation_leads_to_a_prefilled_arbitration_application(dstaff, body, commission):
    worker = Client()
    mediator = staff_client(dstaff["mediator"])
    with at("2025-06-09"):
        number, code = code_from_receipt(text(apply_online(worker, "mediation", respondent_consented="on")))
    with at("2025-06-10"):
        take_and_complete(mediator, number, decision="accept", respondent_consented="on")
    with at("2025-06-16"):
        take_and_complete(mediator, number, outcome="failed", reason="双方对金额分歧较大，无法达成协议。")
        mediation = case_of(number)
        assert (mediation.state, mediation.mediation_failed_at) == (S.MED_FAILED, D(2025, 6, 16))
        assert mediation.documents.filter(kind="mediation_failed").count() == 1

        # the worker tracks the case on another day's phone: the page offers arbitration, pre-filled
        phone = Client()
        page = text(track(phone, number, code))
        link = reverse("disputes:apply", args=["arbitration"]) + "?from=case"
        assert f'href="{link}"' in page
        prefilled = phone.get(link)
        assert prefilled.status_code == 200
        form = form_with(text(prefilled), "claims_text")
        values = form.fields
        assert values["applicant.name"] == "次仁多吉" and values["employer.name"] == "西藏示例建筑工程有限公司"
        assert values["employer.uscc"] == "91540100MA6T00012D" and values["region_code"] == "540102"
        assert values["items.0.category"] == "wages" and values["items.0.amount"] == "6000.00"
        assert values["employment_end"] == "2025-05-31" and values["knew_on"] == "2025-04-15"
        assert values["claims_text"] == APPLICATION["claims_text"]
        assert number in values["facts_text"] and "城关区劳动争议调解中心" in values["facts_text"]
        # identifiers are not printed on a page reached with a number and a code: typed again
        assert values["applicant.id_number"] == values["applicant.phone"] == values["applicant.address"] == ""
        assert values["employer.address"] == ""
        for secret in ("540102199001011233", "13900000011", "八廓街", "金珠西路"):
            assert secret not in text(prefilled)

        # sending it as pre-filled fails only on what was withheld, and keeps the rest
        r = submit(phone, link, form, expect=400, button=("action", "submit"))
        assert "applicant.id_number" in text(r) and DisputeCase.objects.filter(track="arbitration").count() == 0
        form = form_with(text(r), "claims_text")
        assert form.fields["employer.name"] == "西藏示例建筑工程有限公司"
        submit(phone, link, form, button=("action", "submit"), **{
            "applicant.id_number": APPLICATION["applicant.id_number"], "applicant.phone": "13900000011",
            "applicant.address": "拉萨市城关区八廓街1号", "employer.address": "拉萨市城关区金珠西路8号"})
        receipt = text(phone.get(reverse("disputes:receipt")))
    new_number, _code = code_from_receipt(receipt)
    arbitration = case_of(new_number)
    assert arbitration.track == "arbitration" and arbitration.source_case == mediation
    assert arbitration.state == S.ARB_RECEIVED
    applicant = arbitration.parties.get(side="applicant")
    assert applicant.person == mediation.parties.get(side="applicant").person  # the same worker, by ID number
    assert "followed_by_arbitration" in events(mediation)
    clerk = staff_client(dstaff["clerk"])
    page = text(clerk.get(reverse("disputes:staff-case", args=[new_number])))
    assert reverse("disputes:staff-case", args=[number]) in page  # "follows case ..."


# --- arbitration ----------------------------------------------------------------------------------------------------

def test_arbitration_from_application_to_award_service_and_closure(dstaff, body, commission):
    employer_user = make_user("xizang_jianzhu", "employer_user", perm=None)
    worker = Client()
    clerk, chair = staff_client(dstaff["clerk"]), staff_client(dstaff["chair"])
    presiding, member = staff_client(dstaff["arb1"]), staff_client(dstaff["arb2"])

    with at("2025-09-26"):  # Friday before the National Day holiday
        receipt = text(apply_online(worker, "arbitration"))
        number, code = code_from_receipt(receipt)
        assert number.split("-")[2] == "2"
        # accept or refuse within 5 working days: Sun 28 Sep (make-up day), 29, 30 Sep, 9, 10 Oct -> Fri 10 Oct
        assert "2025年10月10日" in receipt

    with at("2025-09-29"):
        # one written notice listing everything missing (Rules art. 29)
        take_and_complete(clerk, number, decision="supplement", missing="1. 劳动合同或工资条复印件\n2. 身份证复印件")
        case = case_of(number)
        assert case.state == S.ARB_NEEDS_SUPPLEMENT and case.documents.filter(kind="supplement_notice").count() == 1
        page = text(track(Client(), number, code))
        assert "劳动合同或工资条复印件" in page
        assert task_ids(clerk, number) == []                    # the flow waits for the materials

    with at("2025-10-09"):
        case_act(clerk, number, "supplement_complete", on="2025-10-09", note="补齐工资条、身份证复印件")
        # the application now counts as received on 9 Oct: 10, Sat 11 (make-up), 13, 14, 15 Oct
        page = text(track(Client(), number, code))
        assert "2025年10月15日" in page
        # a second request for materials is refused: once only
        r = take_and_complete(clerk, number, expect=400, decision="supplement", missing="再补充")
        assert "第二十九条" in text(r)

    with at("2025-10-10"):
        take_and_complete(clerk, number, take=False, decision="accept")
    case = case_of(number)
    assert case.state == S.ARB_ACCEPTED and case.accepted_at == D(2025, 10, 10)
    assert case.docket_no == "拉劳人仲案字〔2025〕1号"
    kinds = set(case.documents.values_list("kind", flat=True))
    assert {"acceptance_notice", "respondent_notice"} <= kinds
    respondent, applicant = case.parties.get(side="respondent"), case.parties.get(side="applicant")

    with at("2025-10-13"):
        # the tribunal: the chair's task; a clerk cannot take it
        assert b'class="task-form"' not in clerk.get(reverse("staff-task", args=task_ids(clerk, number))).content
        take_and_complete(chair, number, procedure="ordinary", presiding="arb1", member_1="arb2", member_2="arb3")
        assert sorted(case_of(number).tribunal.values_list("arbitrator__username", "role")) == [
            ("arb1", "presiding"), ("arb2", "member"), ("arb3", "member")]
        # the notice to respond is served on the respondent: the defence period runs from today
        case_act(clerk, number, "service", party_id=str(respondent.pk), doc_kind="respondent_notice",
                 method="in_person", sent_on="2025-10-13", served_on="2025-10-13", confirmed="on")
        # the employer's clerk gets an account on the respondent's side
        case_act(clerk, number, "link_account", party_id=str(respondent.pk), username="xizang_jianzhu")
        # a hearing 5 working days after the notice is too early: the whole period lies between
        r = take_and_complete(clerk, number, expect=400, starts_at="2025-10-20T09:30", place="第一仲裁庭",
                              notice_sent_on="2025-10-13", notice_method="written", public="on")
        assert "2025-10-21" in text(r) or "2025年10月21日" in text(r)
        assert case_of(number).state == S.ARB_ACCEPTED
        take_and_complete(clerk, number, take=False, starts_at="2025-10-21T09:30", place="第一仲裁庭",
                          notice_sent_on="2025-10-13", notice_method="written", public="on")
    assert case_of(number).state == S.ARB_HEARING_SCHEDULED

    with at("2025-10-14"):
        employer = staff_client(employer_user)
        mine = employer.get(reverse("disputes:my-cases"))
        assert number in text(mine)
        url = reverse("disputes:my-case", args=[number])
        form = form_with(text(employer.get(url)), "text")
        submit(employer, url, form, text="被申请人认为工资已部分支付，请求驳回部分请求。")
        case = case_of(number)
        assert case.defence_received_at == D(2025, 10, 14) and "部分支付" in case.defence_text
        assert 'id="defence"' not in text(employer.get(url))  # filed once

    with at("2025-10-21", "15:00"):
        take_and_complete(clerk, number, outcome="heard", record_text="仲裁庭于2025年10月21日开庭审理，双方到庭。",
                          applicant_present="on", respondent_present="on", mediation_attempted="on",
                          signatures="arbitrator | arb1 | yes\nparty | 王某 | no | 拒绝签字",
                          deliberation_notes="合议：支持申请人的请求。")
    case = case_of(number)
    assert case.state == S.ARB_HEARD
    assert case.documents.filter(kind="hearing_record", audience="main").count() == 1
    assert case.documents.filter(kind="internal_note", audience="internal").count() == 1

    with at("2025-10-24"):
        # only the presiding arbitrator records the award: a member sees no form
        ids = task_ids(presiding, number)
        assert b'class="task-form"' not in member.get(reverse("staff-task", args=ids)).content
        assert member.post(reverse("staff-task-take", args=ids)).status_code == 404
        take_and_complete(presiding, number, award_date="2025-10-24",
                          items="wages | 2025年3月至5月工资 | 6000 | yes | 考勤表和工资条证明欠薪",
                          facts="申请人于2025年3月至5月在被申请人处工作，工资6000元未付。",
                          reasons="用人单位应当按时足额支付劳动报酬。")
    case = case_of(number)
    award = case.awards.get()
    assert case.state == S.ARB_AWARDED and award.finality == "final" and award.award_no == case.docket_no

    with at("2025-10-27"):
        # closing before the award is served on everyone is refused, naming who is missing
        case_act(clerk, number, "award_served", award_id=str(award.pk), party_id=str(applicant.pk),
                 served_on="2025-10-27", method="in_person")
        r = take_and_complete(clerk, number, expect=400, confirm="on")
        assert "西藏示例建筑工程有限公司" in text(r)
        case_act(clerk, number, "award_served", award_id=str(award.pk), party_id=str(respondent.pk),
                 served_on="2025-10-27", method="post")
        take_and_complete(clerk, number, take=False, confirm="on")

    case = case_of(number)
    assert (case.state, case.closure, case.closed_at) == (S.CLOSED, "award", D(2025, 10, 27))
    assert case.retention_until == D(2035, 10, 27)  # 10 years (Rules art. 24)
    assert case.process.status == "DONE" and task_ids(clerk, number) == []

    with at("2025-10-28"):
        tracked = Client()
        page = text(track(tracked, number, code))
        assert award.award_no in page and "终局裁决" in page
        assert "十五日" in page                                  # the worker's right to sue, printed per finality
        assert "2025年" not in page.split('class="status-card"')[1].split("</section>")[0]  # no next date: closed
        shown = {int(i) for i in re.findall(r'href="/disputes/track/documents/(\d+)/"', page)}
        main = set(case.documents.filter(audience="main").values_list("pk", flat=True))
        assert shown == main and case.documents.filter(audience="internal").exists()
        for doc_id in shown:
            pdf(tracked, reverse("disputes:track-document", args=[doc_id]))
    from casework.services.deadlines import deadlines_for
    assert not deadlines_for(case).filter(status__in=["OPEN", "EXTENDED", "PAUSED", "BREACHED"]).exists()


def test_mediation_agreement_confirmed_by_joint_arbitral_review(dstaff, body, commission):
    worker = Client()
    mediator, clerk = staff_client(dstaff["mediator"]), staff_client(dstaff["clerk"])
    with at("2025-06-09"):
        number, code = code_from_receipt(text(apply_online(worker, "mediation", respondent_consented="on")))
        take_and_complete(mediator, number, decision="accept", respondent_consented="on")
        take_and_complete(mediator, number, outcome="agreement", text="被申请人于6月30日前一次性支付工资6000元。",
                          total_amount="6000", signed_on="2025-06-09", instalments="2025-06-30 | 6000",
                          signed_by_applicant="on", signed_by_respondent="on", signed_by_mediator="on",
                          sealed_by_body="on")
        # before the joint application the commission's clerk does not see the mediation case
        assert clerk.get(reverse("disputes:staff-case", args=[number])).status_code == 404
    # the joint application is due within 15 days of the agreement taking effect: Tue 24 June
    with at("2025-06-25"):
        r = take_and_complete(mediator, number, expect=400, outcome="joint_review", filed_on="2025-06-25")
        assert "2025-06-24" in text(r) and case_of(number).state == S.MED_AGREEMENT
    with at("2025-06-24"):
        take_and_complete(mediator, number, take=False, outcome="joint_review", filed_on="2025-06-24")
        assert case_of(number).state == S.MED_JOINT_REVIEW
        # now it is the commission's: its clerk takes the review task (the mediator cannot)
        ids = task_ids(clerk, number)
        assert b'class="task-form"' not in mediator.get(reverse("staff-task", args=ids)).content
        take_and_complete(clerk, number, decision="confirm")
    case = case_of(number)
    assert (case.state, case.closure) == (S.CLOSED, "med_reviewed")
    assert case.joint_review.result == "confirmed" and case.mediation_documents.count() == 1
    assert case.documents.filter(kind="mediation_document", audience="main").count() == 1
    assert case.process.status == "DONE"
    with at("2025-06-25"):
        page = text(track(Client(), number, code))
    assert zh(STATUS_TEXT[S.CLOSED]) in page and "调解书" in page


def test_arbitration_settled_at_the_hearing_ends_when_both_sign_for_the_mediation_document(dstaff, body, commission):
    clerk, chair = staff_client(dstaff["clerk"]), staff_client(dstaff["chair"])
    with at("2025-06-09"):
        number, code = code_from_receipt(text(apply_online(Client(), "arbitration")))
        take_and_complete(clerk, number, decision="accept")
        take_and_complete(chair, number, procedure="simple", presiding="arb4")
        # simple procedure: a notice by SMS is allowed; 5 WD after Mon 9 June is Mon 16 June, so Tue 17 June
        take_and_complete(clerk, number, starts_at="2025-06-17T09:00", place="第二仲裁庭", notice_sent_on="2025-06-09",
                          notice_method="sms", public="on")
    case = case_of(number)
    assert case.procedure == "simple" and list(case.tribunal.values_list("role", flat=True)) == ["sole"]
    with at("2025-06-17", "11:00"):
        # the applicant is absent but was told by SMS: the application cannot be deemed withdrawn (Rules 39, 59)
        r = take_and_complete(clerk, number, expect=400, outcome="deemed_withdrawn", record_text="申请人未到庭。",
                              respondent_present="on")
        assert "第五十九条" in text(r) and case_of(number).state == S.ARB_HEARING_SCHEDULED
        take_and_complete(clerk, number, take=False, outcome="settled", record_text="经仲裁庭调解，双方自愿达成协议。",
                          applicant_present="on", respondent_present="on", mediation_attempted="on",
                          mediation_text="被申请人于2025年6月30日前支付申请人工资5500元。", mediation_amount="5500")
        case = case_of(number)
        assert case.state == S.ARB_HEARD and case.mediation_documents.get().amount == 5500
        md = case.mediation_documents.get()
        case_act(clerk, number, "mediation_document_sign", document_id=str(md.pk), side="applicant", on="2025-06-17")
        assert case_of(number).state == S.ARB_HEARD            # effective only when both have signed for it
        case_act(clerk, number, "mediation_document_sign", document_id=str(md.pk), side="respondent",
                 on="2025-06-17")
    case = case_of(number)
    assert (case.state, case.closure) == (S.ARB_SETTLED, "mediation_doc")
    assert case.closed_at == D(2025, 6, 17) and case.mediation_documents.get().effective_on == D(2025, 6, 17)
    assert task_ids(clerk, number) == [] and case.process.status in ("DONE", "CANCELED")
    assert not case.awards.exists()


def test_withdrawal_before_the_award_cancels_the_open_tasks(dstaff, body, commission):
    clerk = staff_client(dstaff["clerk"])
    with at("2025-06-09"):
        number, code = code_from_receipt(text(apply_online(Client(), "arbitration")))
        take_and_complete(clerk, number, decision="accept")
        assert len(task_ids(clerk, number)) == 1                 # form the tribunal
        assert number in text(staff_client(dstaff["chair"]).get(reverse("staff-home")))  # in the chair's queue
        case_act(clerk, number, "withdraw", on="2025-06-09", reason="双方已自行和解。")
    case = case_of(number)
    assert (case.state, case.closure, case.closed_at) == (S.ARB_WITHDRAWN, "withdrawal", D(2025, 6, 9))
    assert task_ids(clerk, number) == [] and case.process.status == "CANCELED"
    assert number not in text(staff_client(dstaff["chair"]).get(reverse("staff-home")))  # no tribunal to form
    with at("2025-06-10"):
        page = text(track(Client(), number, code))
    assert zh(STATUS_TEXT[S.ARB_WITHDRAWN]) in page


def test_an_award_left_at_the_address_is_served_three_working_days_later(dstaff, body, commission):
    """Rules art. 20: a document the recipient refused to sign for is left at the address, recorded with a photo,
    and counts as served when 3 working days have passed: posted Fri 26 Sep 2025, served Tue 30 Sep (Sun 28 Sep is a
    make-up working day)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casework.workflow import task_complete
    from disputes.services.applications import application_submit
    from tests.factories import png_bytes

    def step(user, data):
        from viewflow.workflow.models import Task

        task = Task.objects.get(process_id=case.process_id, flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"])
        task_complete(user=user, task_id=task.pk, data=data)

    with at("2025-09-01"):
        case = application_submit(track="arbitration", payload={
            "region_code": "540102", "applicant": {"name": "次仁多吉", "id_number": "540102199001011233",
                                                   "phone": "13900000011", "address": "拉萨市城关区"},
            "employer": {"name": "西藏示例建筑工程有限公司", "address": "拉萨市城关区"}, "workers_count": "1",
            "employment_status": "employed", "claims_text": "支付工资。", "facts_text": "工资未付。",
            "items": [{"category": "wages", "period_start": "2025-06-01", "period_end": "2025-06-30",
                       "amount": "6000"}]}).case
        step(dstaff["clerk"], {"decision": "accept"})
        step(dstaff["chair"], {"procedure": "simple", "presiding": "arb4"})
        step(dstaff["clerk"], {"starts_at": "2025-09-09T09:00", "place": "第二仲裁庭", "notice_sent_on": "2025-09-01",
                               "notice_method": "written", "public": "on"})
    with at("2025-09-09", "15:00"):
        step(dstaff["clerk"], {"outcome": "heard", "record_text": "开庭。", "applicant_present": "on",
                               "respondent_present": "on", "mediation_attempted": "on"})
    with at("2025-09-26"):
        step(dstaff["arb4"], {"award_date": "2025-09-26", "items": "wages | 工资 | 6000 | yes | 欠薪属实",
                              "facts": "查明。", "reasons": "理由。"})
        award = case.awards.get()
        respondent = case.parties.get(side="respondent")
        clerk = staff_client(dstaff["clerk"])
        url = reverse("disputes:staff-case", args=[case.case_number])
        form = form_with(text(clerk.get(url)), "action", "award_served")
        assert "electronic" not in form.choices["method"]           # never an award by SMS (Rules 59)
        values = form.data(award_id=str(award.pk), party_id=str(respondent.pk), served_on="2025-09-26",
                           method="posting", refused_to_sign="on", note="被申请人拒绝签收，留置送达并拍照。")
        # without the photo: refused with Rules 20, nothing recorded
        r = clerk.post(url, values)
        assert r.status_code == 400 and "第二十条" in text(r) and not case.services.filter(doc_kind="award").exists()
        photo = SimpleUploadedFile("posting.png", png_bytes(), content_type="image/png")
        r = clerk.post(url, {**values, "evidence": photo})
        assert r.status_code == 302, text(r)[:3000]
    record = case.services.get(doc_kind="award")
    assert (record.method, record.sent_on, record.served_on) == ("posting", D(2025, 9, 26), D(2025, 9, 30))
    assert record.evidence.mime == "image/png" and record.evidence.audience == "internal"
    assert record.document == award.document


def test_a_worker_with_an_account_applies_for_arbitration_from_its_failed_mediation(dstaff, body, commission):
    account = make_user("cirenduoji", "worker", perm=None)
    mediator = staff_client(dstaff["mediator"])
    with at("2025-06-09"):
        number, _code = code_from_receipt(text(apply_online(Client(), "mediation", respondent_consented="on")))
        applicant = case_of(number).parties.get(side="applicant")
        case_act(mediator, number, "link_account", party_id=str(applicant.pk), username="cirenduoji")
        take_and_complete(mediator, number, decision="accept", respondent_consented="on")
        take_and_complete(mediator, number, outcome="failed", reason="未达成协议。")
        worker = staff_client(account)
        page = text(worker.get(reverse("disputes:my-case", args=[number])))
        link = reverse("disputes:apply", args=["arbitration"]) + f"?from=case&amp;case={number}"
        assert link in page
        form = form_with(text(worker.get(link.replace("&amp;", "&"))), "claims_text")
        assert form.fields["applicant.name"] == "次仁多吉" and form.fields["applicant.id_number"] == ""
        # another account cannot pre-fill from a case it is not a party to
        stranger = staff_client(make_user("someone_else", "worker", perm=None))
        other = form_with(text(stranger.get(link.replace("&amp;", "&"))), "claims_text")
        assert other.fields["applicant.name"] == "" and other.fields["claims_text"] == ""
        submit(worker, reverse("disputes:apply", args=["arbitration"]), form, button=("action", "submit"), **{
            "applicant.id_number": "540102199001011233", "applicant.phone": "13900000011",
            "applicant.address": "拉萨市城关区八廓街1号", "employer.address": "拉萨市城关区金珠西路8号"})
    arbitration = DisputeCase.objects.get(track="arbitration")
    assert arbitration.source_case == case_of(number) and arbitration.created_by == account


def test_review_refused_then_agreement_not_performed_opens_arbitration_and_a_payment_order(dstaff, body,
                                                                                             commission):
    mediator, clerk = staff_client(dstaff["mediator"]), staff_client(dstaff["clerk"])
    with at("2025-06-09"):
        number, code = code_from_receipt(text(apply_online(Client(), "mediation", respondent_consented="on")))
        take_and_complete(mediator, number, decision="accept", respondent_consented="on")
        take_and_complete(mediator, number, outcome="agreement", text="被申请人于6月30日前支付工资6000元。",
                          total_amount="6000", signed_on="2025-06-09", instalments="2025-06-30 | 6000",
                          signed_by_applicant="on", signed_by_respondent="on", signed_by_mediator="on",
                          sealed_by_body="on")
        take_and_complete(mediator, number, outcome="joint_review", filed_on="2025-06-09")
    with at("2025-06-10"):
        # a refusal needs its reason (Rules 75): refused without one, nothing recorded
        r = take_and_complete(clerk, number, expect=400, decision="refuse")
        assert "第七十五条" in text(r) and case_of(number).state == S.MED_JOINT_REVIEW
        take_and_complete(clerk, number, take=False, decision="refuse", reason="该协议已经人民法院确认。")
    case = case_of(number)
    assert case.state == S.MED_AGREEMENT and case.joint_review.result == "refused"
    with at("2025-06-30"):
        # not yet overdue on its due date
        r = take_and_complete(mediator, number, expect=400, outcome="not_performed")
        assert "2025-06-30" in text(r) and case_of(number).state == S.MED_AGREEMENT
    with at("2025-07-01"):
        take_and_complete(mediator, number, take=False, outcome="not_performed")
        page = text(track(Client(), number, code))
    case = case_of(number)
    assert (case.state, case.closure) == (S.MED_NOT_PERFORMED, "med_not_performed")
    assert case.process.status == "DONE"
    assert reverse("disputes:apply", args=["arbitration"]) + "?from=case" in page
    assert "支付令" in page and "第十六条" in page                # wages: the worker may ask the court for a payment order
