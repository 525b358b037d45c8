"""Public tracking (one answer for every kind of miss, rate limited, in the caller's language), token auth and the
OpenAPI document."""
import pytest

from tests.api.conftest import make_client
from tests.factories import submit

pytestmark = pytest.mark.django_db


def track(client, number, code):
    return client.get(f"/api/v1/track/{number}/", {"code": code})


def _other_valid_number(number: str) -> str:
    """A well-formed case number (right check digit) that no case has."""
    from casework.services.intake import _luhn_digit

    digits = number.replace("-", "")
    body = digits[:8] + "99999"
    return f"{body[:4]}-{body[4:8]}-{body[8:13]}-{_luhn_digit(body)}"


def test_right_code_200_with_or_without_dashes(anon):
    r = submit()
    number = r.complaint.case_number
    for n in (number, number.replace("-", "")):
        resp = track(anon, n, r.access_code)
        assert resp.status_code == 200, resp.content
        body = resp.json()
        assert body["case_number"] == number and body["status"] == "RECEIVED"
        assert body["status_display"] == "Received. The labour inspection office is checking your complaint."
        assert body["next_deadline"]["date"] == r.acceptance_due.isoformat()
        assert [e["code"] for e in body["events"]] == ["received"]
        assert body["documents"] == []
        assert "no-store" in resp["Cache-Control"]


def test_wrong_code_and_unknown_case_identical_404(anon):
    r = submit()
    wrong_code = track(anon, r.complaint.case_number, "00000000" if r.access_code != "00000000" else "11111111")
    unknown = track(anon, _other_valid_number(r.complaint.case_number), r.access_code)
    malformed = track(anon, "2026-5401-00001-0" if not r.complaint.case_number.endswith("-0") else "x", "1")
    no_code = anon.get(f"/api/v1/track/{r.complaint.case_number}/")
    for resp in (wrong_code, unknown, malformed, no_code):
        assert resp.status_code == 404
    assert wrong_code.content == unknown.content == malformed.content == no_code.content
    assert "do not match" in wrong_code.json()["detail"]


def test_tracking_rate_limited(anon, settings):
    settings.TRACKING_RATE = "3/d"
    r = submit()
    assert track(anon, r.complaint.case_number, "12345678").status_code == 404
    assert track(anon, r.complaint.case_number, "23456789").status_code == 404
    assert track(anon, r.complaint.case_number, r.access_code).status_code == 200
    blocked = track(anon, r.complaint.case_number, r.access_code)
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.json()["detail"]


def test_tracking_answers_in_callers_language():
    """LocaleMiddleware picks the language from Accept-Language among those with a catalog (Tibetan needs
    locale/bo compiled; until then it falls back to the default, Chinese)."""
    r = submit()
    for language in ("en", "zh-hans"):
        resp = track(make_client(language=language), r.complaint.case_number, r.access_code)
        assert resp.status_code == 200 and resp["Content-Language"] == language
        assert "Accept-Language" in resp["Vary"]


def test_token_auth(staff, anon):
    assert anon.get("/api/v1/cases/").status_code == 401
    r = anon.post("/api/v1/auth/token/", {"username": "insp_a", "password": "pw-12345678"}, format="json")
    assert r.status_code == 200, r.content
    token = r.json()["token"]
    client = make_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/cases/").status_code == 200
    bad = anon.post("/api/v1/auth/token/", {"username": "insp_a", "password": "nope"}, format="json")
    assert bad.status_code == 400 and "__all__" in bad.json()["errors"]
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/cases/").status_code == 401


def test_token_endpoint_rate_limited(staff, anon, settings):
    settings.API_TOKEN_RATE = "2/d"
    for _ in range(2):
        assert anon.post("/api/v1/auth/token/", {"username": "insp_a", "password": "x"}).status_code == 400
    r = anon.post("/api/v1/auth/token/", {"username": "insp_a", "password": "pw-12345678"})
    assert r.status_code == 429


def test_openapi_schema_lists_the_paths(anon):
    r = anon.get("/api/v1/schema/", {"format": "json"})
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in ["/api/v1/complaints/", "/api/v1/track/{case_number}/", "/api/v1/auth/token/", "/api/v1/cases/",
              "/api/v1/cases/{case_number}/", "/api/v1/cases/{case_number}/inspection-records/",
              "/api/v1/cases/{case_number}/items/{item_id}/verify/", "/api/v1/cases/{case_number}/payments/",
              "/api/v1/cases/{case_number}/evidence/", "/api/v1/tasks/", "/api/v1/tasks/{task_id}/",
              "/api/v1/tasks/{task_id}/assign/", "/api/v1/tasks/{task_id}/complete/"]:
        assert p in paths, p
    assert set(paths["/api/v1/complaints/"]["post"]["requestBody"]["content"]) == {"application/json",
                                                                                   "multipart/form-data"}


def test_docs_pages_use_no_cdn(anon):
    for url in ("/api/v1/docs/",):
        r = anon.get(url)
        assert r.status_code == 200
        html = r.content.decode()
        assert "drf_spectacular_sidecar" in html
        for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis"):
            assert cdn not in html
