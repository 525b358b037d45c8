"""POST /api/v1/complaints/: the intake rules (casework.services.intake) through the API, field by field, and
evidence uploads that are all or nothing."""
import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.models import Attachment, Complaint
from tests.api.conftest import make_client
from tests.factories import png_bytes, VALID_ID, payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def post(client, body):
    return client.post(URL, body, format="json")


def errors_of(response):
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"errors", "detail"}
    return body["errors"]


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_submit_json_201(anon):
    r = post(anon, payload())
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"case_number", "access_code", "status", "acceptance_due"}
    assert body["status"] == "RECEIVED" and len(body["access_code"]) == 8
    c = Complaint.objects.get(case_number=body["case_number"])
    assert c.channel == "online" and c.received_at == timezone.localdate() and c.created_by is None
    assert body["acceptance_due"] == c.events.get(code="received").detail["acceptance_due"]
    assert c.items.count() == 3 and c.complainant.id_number == VALID_ID


@pytest.mark.parametrize("over, path, message", [
    ({"complainant": {"name": "扎西", "id_number": "540102199001011230", "phone": "13800000001"}},
     "complainant.id_number", "check digit is wrong"),
    ({"employer": {"name": "某公司", "uscc": "91540100MA6T00012E"}}, "employer.uscc", "not valid"),
    ({"violation_start": "2026-07-01", "violation_end": "2026-06-30"}, "violation_end",
     "The end date is before the start date."),
    ({"items": [{"category": "wages", "period_start": "2026-07-01", "period_end": "2026-07-31",
                 "amount_claimed": "-100"}]}, "items.0.amount_claimed", "The amount must be more than zero."),
    ({"items": [{"category": "wages", "period_start": "2026-07-01", "period_end": "2026-07-31",
                 "amount_claimed": "1000000.01"}]}, "items.0.amount_claimed", "larger than 1,000,000"),
    ({"items": [{"category": "wages", "period_start": "2026-08-01", "period_end": "2026-07-31",
                 "amount_claimed": "100"}]}, "items.0.period_end", "The end date is before the start date."),
    ({"facts": ""}, "facts", "Describe what happened"),
    ({"region_code": ""}, "region_code", "This field is required."),
])
def test_one_error_per_field(anon, over, path, message):
    errors = errors_of(post(anon, payload(**over)))
    assert set(errors) == {path}, errors
    assert any(message in m for m in errors[path]), errors
    assert not Complaint.objects.exists()


def test_future_date_rejected(anon):
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    errors = errors_of(post(anon, payload(employment_end_date=future)))
    assert errors == {"employment_end_date": ["This date is in the future."]}


def test_missing_required_field(anon):
    body = payload()
    del body["employer"]
    errors = errors_of(post(anon, body))
    assert errors == {"employer.name": ["This field is required."]}


def test_report_without_complainant_accepted(anon):
    r = post(anon, payload(kind="report", complainant={}, items=[]))
    assert r.status_code == 201, r.content
    c = Complaint.objects.get(case_number=r.json()["case_number"])
    assert c.complainant is None and c.confidential_informant


def test_complaint_without_complainant_rejected(anon):
    body = payload()
    del body["complainant"]
    errors = errors_of(post(anon, body))
    assert set(errors) == {"complainant.name", "complainant.id_number", "complainant.phone"}
    assert not Complaint.objects.exists()


def test_malformed_json_is_400_in_the_same_shape(anon):
    r = anon.post(URL, "{not json", content_type="application/json")
    assert r.status_code == 400 and "__all__" in r.json()["errors"]
    r = anon.post(URL, json.dumps([1, 2]), content_type="application/json")
    assert r.status_code == 400 and "__all__" in r.json()["errors"]


# --- multipart with evidence ----------------------------------------------------------------------------------------

def multipart(client, body, *files):
    return client.post(URL, {"data": json.dumps(body, ensure_ascii=False), "evidence": list(files)},
                       format="multipart")


def test_disguised_upload_rejects_everything(anon, media):
    fake = SimpleUploadedFile("photo.jpg", b"this is plain text, not a photo", content_type="image/jpeg")
    good = SimpleUploadedFile("ok.png", png_bytes(), content_type="image/png")
    errors = errors_of(multipart(anon, payload(), good, fake))
    assert set(errors) == {"evidence"} and "photo.jpg" in errors["evidence"][0]
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []  # the good file written before the bad one was removed again


def test_oversized_upload_rejected(anon, media, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * 2048, content_type="image/png")
    errors = errors_of(multipart(anon, payload(), big))
    assert set(errors) == {"evidence"} and "big.png" in errors["evidence"][0]
    assert not Complaint.objects.exists() and not Attachment.objects.exists() and stored_files(media) == []


def test_bad_field_and_bad_file_reported_together(anon, media):
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    bad = payload(complainant={"name": "扎西", "id_number": "540102199001011230", "phone": "13800000001"})
    errors = errors_of(multipart(anon, bad, fake))
    assert set(errors) == {"evidence", "complainant.id_number"}
    assert not Complaint.objects.exists() and stored_files(media) == []


def test_real_png_and_pdf_accepted(anon, media):
    r = multipart(anon, payload(), SimpleUploadedFile("wage-slip.png", png_bytes(), content_type="image/png"),
                  SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf"))
    assert r.status_code == 201, r.content
    c = Complaint.objects.get(case_number=r.json()["case_number"])
    atts = list(c.attachments.order_by("original_name"))
    assert [(a.original_name, a.mime) for a in atts] == [("contract.pdf", "application/pdf"),
                                                         ("wage-slip.png", "image/png")]
    assert len(stored_files(media)) == 2
    assert all(a.uploaded_by is None for a in atts)


def test_multipart_without_data_part(anon):
    r = anon.post(URL, {"evidence": [SimpleUploadedFile("a.png", png_bytes())]}, format="multipart")
    assert errors_of(r).keys() == {"data"}
    r = anon.post(URL, {"data": "{oops"}, format="multipart")
    assert errors_of(r).keys() == {"data"}


# --- who may set the channel --------------------------------------------------------------------------------------

def test_intake_officer_records_phone_complaint(staff):
    client = make_client(staff["intake"])
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = post(client, payload(channel="phone_12333", received_at=yesterday))
    assert r.status_code == 201, r.content
    c = Complaint.objects.get(case_number=r.json()["case_number"])
    assert c.channel == "phone_12333" and c.received_at.isoformat() == yesterday
    assert c.created_by == staff["intake"]


def test_intake_officer_national_platform_needs_clue_id(staff):
    client = make_client(staff["intake"])
    errors = errors_of(post(client, payload(channel="national_platform")))
    assert set(errors) == {"national_clue_id"}
    r = post(client, payload(channel="national_platform", national_clue_id="GZQX-2026-000123"))
    assert r.status_code == 201
    assert Complaint.objects.get().national_clue_id == "GZQX-2026-000123"


def test_intake_officer_received_at_not_in_future(staff):
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    errors = errors_of(post(make_client(staff["intake"]), payload(channel="letter", received_at=future)))
    assert set(errors) == {"received_at"}


def test_public_cannot_choose_channel_or_date(anon, staff):
    errors = errors_of(post(anon, payload(channel="letter", received_at="2026-01-05")))
    assert set(errors) == {"channel", "received_at"}
    # another staff role is not an intake officer either
    errors = errors_of(post(make_client(staff["inspector"]), payload(channel="walk_in")))
    assert set(errors) == {"channel"}
    assert not Complaint.objects.exists()


# --- rate limit ----------------------------------------------------------------------------------------------------

def test_rate_limited_per_ip(anon, staff, settings):
    settings.INTAKE_RATE = "2/d"
    for _ in range(2):
        assert post(anon, {"kind": "complaint"}).status_code == 400
    r = post(anon, payload())
    assert r.status_code == 429
    assert "Too many requests" in r.json()["detail"] and r["Retry-After"] == "86400"
    assert not Complaint.objects.exists()
    # intake officers at the office (one address for all) are not limited
    assert post(make_client(staff["intake"]), payload()).status_code == 201
