"""Public pages through the Django test client: the five-step complaint with save-and-resume and evidence, the
receipt, tracking (same answer for a wrong code and an unknown case, rate limited), correction and resubmission, the
language of a shared link, and that no public page shows the complainant's personal data."""
import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from casework.models import Attachment, CaseEvent, Complaint, ComplaintDraft, ComplaintState as S
from casework.services.intake import _luhn_digit
from tests.factories import png_bytes, VALID_ID, VALID_USCC, complete, submit

pytestmark = pytest.mark.django_db

NAME, PHONE = "扎西", "13800000001"
TODAY = dt.date.today()


def d(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


STEP1 = {"kind": "complaint", "complainant.name": NAME, "complainant.id_number": VALID_ID,
         "complainant.phone": PHONE, "complainant.address": "拉萨市城关区", "complainant.preferred_language": "zh-hans",
         "workers_affected": "1"}
STEP2 = {"employer.name": "西藏示例建筑工程有限公司", "employer.uscc": VALID_USCC, "employer.address": "拉萨市城关区",
         "employer.legal_rep_name": "王某", "region_code": "540102", "sector": "construction",
         "project_name": "安置房项目", "project_location": "拉萨市城关区"}
STEP3 = {"employment_status": "left", "employment_end_date": d(40), "violation_start": d(120),
         "violation_end": d(40)}
STEP4 = {"items.0.category": "wages", "items.0.period_start": d(120), "items.0.period_end": d(90),
         "items.0.amount_claimed": "6000", "items.0.worker_name": "", "items.0.worker_id_number": ""}
STEP5 = {"facts": "在安置房项目做钢筋工，三个月工资未付。", "requests": "支付拖欠工资。"}


def step_url(n):
    return reverse("intake-start") if n == 1 else reverse("intake-step", args=[n])


def post_step(client, n, data, action="next", **extra):
    return client.post(step_url(n), {**data, "action": action}, **extra)


def fill_to(client, last_step):
    for n, data in enumerate([STEP1, STEP2, STEP3, STEP4, STEP5][:last_step], start=1):
        r = post_step(client, n, data)
        assert r.status_code == 302, (n, r.content.decode()[:2000])


def text(response) -> str:
    return response.content.decode()


# --- home and language ----------------------------------------------------------------------------------------------

def test_home_explains_and_links(client):
    r = client.get("/")
    body = text(r)
    assert r.status_code == 200
    assert '<html lang="zh-hans"' in body
    assert "12333" in body and reverse("intake-start") in body and reverse("track") in body
    assert 'href="#main"' in body and '<main id="main"' in body
    assert 'action="/i18n/setlang/"' in body and 'name="language" value="en"' in body


@override_settings(MIDDLEWARE=[
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware", "casework.views.lang.QueryLanguageMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware"])
def test_shared_link_language_sticks(client):
    r = client.get("/track/?lang=en")
    assert '<html lang="en"' in text(r)
    assert r.cookies["django_language"].value == "en"
    assert '<html lang="en"' in text(client.get("/"))  # the cookie keeps it
    # the switcher's "next" drops ?lang= so that switching back is not undone by the link
    assert 'name="next" value="/track/"' in text(r)
    # Tibetan has a catalog (locale/bo): its link is honoured (tests/casework/test_i18n_bo.py checks the texts)
    assert '<html lang="bo"' in text(Client().get("/?lang=bo"))
    assert '<html lang="zh-hans"' in text(Client().get("/?lang=xx"))


def test_language_switcher_posts_to_setlang(client):
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/track/"})
    assert r.status_code == 302 and r["Location"] == "/track/"
    assert '<html lang="en"' in text(client.get("/track/"))


# --- the guided complaint ------------------------------------------------------------------------------------------

def test_whole_intake_with_an_error_at_each_step(client, private_media):
    r = client.get(reverse("intake-start"))
    assert r.status_code == 200 and 'name="complainant.id_number"' in text(r)

    # step 1: a wrong check digit; everything typed comes back, the error is next to the field and summarised
    r = post_step(client, 1, {**STEP1, "complainant.id_number": "540102199001011234"})
    body = text(r)
    assert r.status_code == 400
    assert 'role="alert"' in body and 'href="#f-complainant-id_number"' in body
    assert 'id="f-complainant-id_number-error"' in body
    assert 'aria-describedby="f-complainant-id_number-hint f-complainant-id_number-error"' in body
    assert 'value="540102199001011234"' in body and f'value="{NAME}"' in body and f'value="{PHONE}"' in body
    draft = ComplaintDraft.objects.get()
    assert client.session["intake_draft"] == str(draft.token)
    assert post_step(client, 1, STEP1)["Location"] == step_url(2)

    # step 2: no employer name; the chosen county stays selected
    r = post_step(client, 2, {**STEP2, "employer.name": ""})
    body = text(r)
    assert r.status_code == 400 and 'href="#f-employer-name"' in body
    assert '<option value="540102" selected>' in body and 'value="安置房项目"' in body
    assert "<optgroup" in body
    assert post_step(client, 2, STEP2)["Location"] == step_url(3)

    # step 3: a start date in the future
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    r = post_step(client, 3, {**STEP3, "violation_start": future})
    assert r.status_code == 400 and f'value="{future}"' in text(r) and 'href="#f-violation_start"' in text(r)
    assert post_step(client, 3, STEP3)["Location"] == step_url(4)

    # step 4: "add another row" works without JavaScript and keeps the first row
    r = post_step(client, 4, STEP4, action="add-items")
    assert r.status_code == 302
    body = text(client.get(step_url(4)))
    assert 'name="items.1.amount_claimed"' in body and 'value="6000"' in body
    # a bad amount in the second row; the first row is kept
    r = post_step(client, 4, {**STEP4, "items.1.category": "overtime", "items.1.period_start": d(89),
                              "items.1.period_end": d(60), "items.1.amount_claimed": "abc"})
    body = text(r)
    assert r.status_code == 400 and 'value="abc"' in body and 'href="#f-items-1-amount_claimed"' in body
    assert 'id="f-items-1-amount_claimed-error"' in body
    # remove the bad row, then continue
    r = post_step(client, 4, {**STEP4, "items.1.category": "overtime", "items.1.amount_claimed": "abc"},
                  action="remove-items-1")
    assert r.status_code == 302
    assert 'name="items.1.amount_claimed"' not in text(client.get(step_url(4)))
    assert post_step(client, 4, STEP4)["Location"] == step_url(5)

    # step 5: facts missing, but the evidence file is stored at once and listed
    upload = SimpleUploadedFile("payslip.png", png_bytes(), content_type="image/png")
    r = post_step(client, 5, {"facts": "", "requests": "支付拖欠工资。", "evidence": upload})
    body = text(r)
    assert r.status_code == 400 and 'href="#f-facts"' in body and "payslip.png" in body
    assert "支付拖欠工资。" in body
    assert Attachment.objects.filter(draft=draft).count() == 1
    assert post_step(client, 5, STEP5)["Location"] == reverse("intake-review")

    # review shows what was typed, then submit
    body = text(client.get(reverse("intake-review")))
    assert "西藏示例建筑工程有限公司" in body and "payslip.png" in body and "6000" in body
    r = client.post(reverse("intake-review"), {"action": "submit"})
    assert r.status_code == 302 and r["Location"] == reverse("intake-receipt")

    complaint = Complaint.objects.get()
    assert complaint.state == S.RECEIVED and complaint.complainant.name == NAME
    att = complaint.attachments.get()
    assert att.original_name == "payslip.png" and att.draft is None
    assert (private_media / att.file.name).exists()
    assert not ComplaintDraft.objects.exists() and "intake_draft" not in client.session

    r = client.get(reverse("intake-receipt"))
    body = text(r)
    assert r.status_code == 200 and r["Cache-Control"].startswith("max-age=0")
    number = complaint.case_number
    assert number in body  # written out once in full, and in big grouped digits
    assert "".join(f'<span class="digit-group">{g}</span>' for g in number.split("-")[:1]) in body
    code = re.search(r'<span class="digit-group">(\d{4})</span><span class="sep"> </span><wbr>'
                     r'<span class="digit-group">(\d{4})</span>', body)
    assert code and complaint.access_code_hash
    from casework.services.intake import check_access_code
    assert check_access_code(complaint, code.group(1) + code.group(2))
    deadline = complaint.events.get(code="received").detail["acceptance_due"]
    assert deadline
    for secret in (VALID_ID, PHONE, NAME):
        assert secret not in body
    # shown once
    assert number not in text(client.get(reverse("intake-receipt")))


def test_resume_by_token_in_a_new_client(client):
    fill_to(client, 1)
    # a step-2 POST with an error still keeps what was typed
    r = post_step(client, 2, {**STEP2, "employer.name": "拉萨某餐饮管理有限公司", "region_code": ""})
    assert r.status_code == 400
    token = ComplaintDraft.objects.get().token

    other = Client()
    assert other.get(step_url(2)).status_code == 302  # no draft in this browser yet
    r = other.get(reverse("intake-resume", args=[token]))
    assert r.status_code == 302 and r["Location"] == step_url(2)
    body = text(other.get(step_url(2)))
    assert 'value="拉萨某餐饮管理有限公司"' in body and 'class="notice notice-info"' in body
    assert other.session["intake_draft"] == str(token)
    # step 1 answers are there too
    assert f'value="{NAME}"' in text(other.get(step_url(1)))
    # an unknown token
    assert Client().get(reverse("intake-resume", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


def test_save_and_continue_later_shows_the_link(client):
    r = post_step(client, 1, {**STEP1, "complainant.phone": ""}, action="save")
    assert r.status_code == 200
    token = ComplaintDraft.objects.get().token
    assert reverse("intake-resume", args=[token]) in text(r)


def test_disguised_upload_is_refused_and_nothing_else_is_lost(client):
    fill_to(client, 4)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="image/jpeg")
    r = post_step(client, 5, {**STEP5, "evidence": fake})
    body = text(r)
    assert r.status_code == 400
    assert "photo.jpg" in body and 'id="f-evidence-error"' in body and 'href="#f-evidence"' in body
    assert STEP5["facts"] in body  # the typed facts are still in the form
    assert not Attachment.objects.exists()
    draft = ComplaintDraft.objects.get()
    assert STEP5["facts"] in draft.data and draft.step == 5
    # the rest of the complaint is intact
    assert 'value="6000"' in text(client.get(step_url(4)))


def test_remove_an_uploaded_file(client, private_media, django_capture_on_commit_callbacks):
    fill_to(client, 4)
    r = post_step(client, 5, {**STEP5, "evidence": SimpleUploadedFile("a.png", png_bytes())}, action="upload")
    assert r.status_code == 302
    att = Attachment.objects.get()
    path = private_media / att.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the row's deletion is committed
        r = post_step(client, 5, STEP5, action=f"remove-file-{att.pk}")
    assert r.status_code == 302 and not Attachment.objects.exists() and not path.exists()


def test_steps_cannot_be_skipped(client):
    assert client.get(step_url(3))["Location"] == step_url(1)
    fill_to(client, 1)
    assert client.get(step_url(4))["Location"] == step_url(2)
    assert client.get(reverse("intake-review"))["Location"] == step_url(2)


def test_anonymous_report_needs_no_personal_data(client):
    r = post_step(client, 1, {"kind": "report", "workers_affected": "3"})
    assert r.status_code == 302
    for n, data in ((2, STEP2), (3, STEP3), (4, {}), (5, STEP5)):
        assert post_step(client, n, data).status_code == 302, n
    r = client.post(reverse("intake-review"), {"action": "submit"})
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert c.kind == "report" and c.complainant is None and c.confidential_informant


def test_collective_complaint_with_representatives(client):
    r = post_step(client, 1, {**STEP1, "is_collective": "1", "workers_affected": "12"}, action="add-representatives")
    assert r.status_code == 302
    r = post_step(client, 1, {**STEP1, "is_collective": "1", "workers_affected": "12",
                              "representatives.0.name": "卓玛", "representatives.0.id_number": "11010519491231002X",
                              "representatives.0.phone": "abc"})
    assert r.status_code == 400 and 'href="#f-representatives-0-phone"' in text(r)
    assert 'value="卓玛"' in text(r)


def test_a_failing_database_keeps_the_draft(client, monkeypatch):
    fill_to(client, 5)

    def broken(**kwargs):
        raise RuntimeError("database is down")
    monkeypatch.setattr("casework.services.case_actions.complaint_submit", broken)
    r = client.post(reverse("intake-review"), {"action": "submit"})
    assert r.status_code == 503 and 'role="alert"' in text(r) and "12333" in text(r)
    assert ComplaintDraft.objects.count() == 1 and not Complaint.objects.exists()
    monkeypatch.undo()
    assert client.post(reverse("intake-review"), {"action": "submit"}).status_code == 302
    assert Complaint.objects.count() == 1


def test_discard_the_draft(client):
    fill_to(client, 2)
    r = client.post(reverse("intake-discard"))
    assert r.status_code == 302 and not ComplaintDraft.objects.exists()


# --- tracking ------------------------------------------------------------------------------------------------------

def _unknown_case_number():
    body = f"{TODAY.year}540199999"
    return f"{body[:4]}-{body[4:8]}-{body[8:]}-{_luhn_digit(body)}"


def test_tracking_right_code_wrong_code_and_unknown_case(client):
    r = submit()
    number = r.complaint.case_number
    wrong = client.post(reverse("track"), {"case_number": number, "access_code": "00000000"})
    unknown = client.post(reverse("track"), {"case_number": _unknown_case_number(), "access_code": r.access_code})
    assert wrong.status_code == unknown.status_code == 400

    def message(resp):
        return re.search(r'<div class="error-summary".*?</div>', text(resp), re.S).group(0)
    assert message(wrong) == message(unknown)
    assert client.get(reverse("track-result")).status_code == 302  # nothing verified yet

    ok = client.post(reverse("track"), {"case_number": number.replace("-", ""), "access_code": r.access_code})
    assert ok.status_code == 302 and ok["Location"] == reverse("track-result")
    res = client.get(reverse("track-result"))
    body = text(res)
    assert res.status_code == 200 and number.split("-")[2] in body
    assert "<time" in body and 'class="status-text"' in body
    for secret in (VALID_ID, PHONE, NAME):
        assert secret not in body
    # forgetting hides it again
    client.post(reverse("track-forget"))
    assert client.get(reverse("track-result")).status_code == 302


def test_tracking_rate_limit_gives_a_friendly_429(client, settings):
    settings.TRACKING_RATE = "3/m"
    number = submit().complaint.case_number
    for _ in range(3):
        assert client.post(reverse("track"), {"case_number": number, "access_code": "12345678"}).status_code == 400
    r = client.post(reverse("track"), {"case_number": number, "access_code": "12345678"})
    assert r.status_code == 429 and 'role="alert"' in text(r) and "12333" in text(r)
    assert client.get(reverse("track")).status_code == 200  # reading the form is not limited


def test_correction_and_resubmission(client, staff):
    r = submit()
    c = complete(staff["inspector"], r.complaint, {"decision": "needs_correction",
                                                    "correction_request": "请补充用人单位的全称和地址。"})
    assert c.state == S.NEEDS_CORRECTION
    # a POST to the result page without a verified code changes nothing
    Client().post(reverse("track-result"), {"facts": "x"})
    c.refresh_from_db()
    assert c.state == S.NEEDS_CORRECTION

    client.post(reverse("track"), {"case_number": c.case_number, "access_code": r.access_code})
    body = text(client.get(reverse("track-result")))
    assert "请补充用人单位的全称和地址。" in body and 'name="facts"' in body and c.facts in body
    # empty facts: the service's error is shown next to the field, the rest kept
    res = client.post(reverse("track-result"), {"facts": "  ", "employer_name": "西藏新名称建筑有限公司"})
    assert res.status_code == 400 and 'id="id_facts-error"' in text(res) and "西藏新名称建筑有限公司" in text(res)
    res = client.post(reverse("track-result"), {"facts": c.facts + " 用人单位全称：西藏示例建筑工程有限公司。",
                                                "employer_name": "西藏示例建筑工程有限公司",
                                                "employer_address": "拉萨市城关区北京中路1号"})
    assert res.status_code == 302
    c.refresh_from_db()
    assert c.state == S.RECEIVED and "全称" in c.facts and c.employer.address == "拉萨市城关区北京中路1号"
    assert CaseEvent.objects.filter(complaint=c, code="resubmitted", public=True).exists()
    body = text(client.get(reverse("track-result")))
    assert 'name="facts"' not in body


def test_documents_addressed_to_the_worker_are_shown(client, staff):
    from tests.factories import advance

    r = submit()
    advance(r.complaint, "record_defence", inspector=staff["inspector"], inspector_b=staff["inspector_b"],
            head=staff["head"])
    client.post(reverse("track"), {"case_number": r.complaint.case_number, "access_code": r.access_code})
    body = text(client.get(reverse("track-result")))
    assert "责令限期支付工资。" in body
    for secret in (VALID_ID, PHONE, NAME, "insp_a"):
        assert secret not in body


def test_file_limit_applies_to_the_draft(client, settings):
    settings.EVIDENCE_MAX_FILES = 1
    fill_to(client, 4)
    r = post_step(client, 5, {**STEP5, "evidence": [SimpleUploadedFile("a.png", png_bytes()),
                                                    SimpleUploadedFile("b.png", png_bytes())]}, action="upload")
    assert r.status_code == 400 and 'id="f-evidence-error"' in text(r) and "a.png" in text(r)
    assert Attachment.objects.count() == 1
