"""Campaign steps on the API (/api/v1/campaigns/…) and the staff pages, and the OpenAPI schema stays valid."""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from casework.models import Campaign
from tests.api.conftest import make_client
from tests.casework.test_campaigns import CHECK_OK, grade, project
from casework.models import Employer

TODAY = dt.date.today()


def _csv(response):
    import csv
    import io

    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.fixture(autouse=True)
def _api_cache(db):
    from django.core.cache import cache

    cache.clear()


def test_campaign_steps_on_the_api(staff):
    p = project("安置房")
    head = make_client(staff["head"])
    r = head.post("/api/v1/campaigns/", {
        "name": "两清零（藏历新年前）", "starts_on": str(TODAY - dt.timedelta(days=3)),
        "ends_on": str(TODAY + dt.timedelta(days=30)), "regions": ["540100"], "target_rules": ["active_projects"]},
        format="json")
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert make_client(staff["head"]).post(f"/api/v1/campaigns/{cid}/generate/").json()["created"] == 1
    targets = head.get(f"/api/v1/campaigns/{cid}/targets/").json()["results"]
    assert targets[0]["project"]["id"] == p.pk
    r = head.post(f"/api/v1/campaigns/{cid}/teams/", {"name": "一组", "region": "540100",
                                                       "members": [staff["inspector"].pk, staff["inspector_b"].pk]},
                  format="json")
    assert r.status_code == 201, r.content
    team = r.json()["id"]
    r = head.post(f"/api/v1/campaigns/{cid}/assign/", {"team": team, "targets": [targets[0]["id"]]}, format="json")
    assert r.json() == {"assigned": 1}
    insp = make_client(staff["inspector"])
    r = insp.post(f"/api/v1/campaigns/{cid}/targets/{targets[0]['id']}/visits/", {
        "visited_on": str(TODAY), "inspectors": [staff["inspector"].pk, staff["inspector_b"].pk],
        "answers": {**CHECK_OK, "guarantee": "no"}, "findings": "未存储工资保证金", "open_case": True},
        format="json")
    assert r.status_code == 201, r.content
    assert r.json()["case_number"]
    prog = insp.get(f"/api/v1/campaigns/{cid}/progress/").json()
    assert prog["total"]["visited"] == 1 and prog["total"]["cases"] == 1
    # reach: Shigatse sees nothing; an inspector may not create
    assert make_client(staff["shigatse"]).get(f"/api/v1/campaigns/{cid}/").status_code == 404
    assert make_client(staff["inspector"]).post("/api/v1/campaigns/", {
        "name": "x", "starts_on": str(TODAY), "ends_on": str(TODAY), "regions": ["540100"]},
        format="json").status_code == 403
    # a visit with one inspector: 400 with the field
    r = insp.post(f"/api/v1/campaigns/{cid}/targets/{targets[0]['id']}/visits/", {
        "visited_on": str(TODAY), "inspectors": [staff["inspector"].pk], "answers": CHECK_OK}, format="json")
    assert r.status_code == 400 and "inspectors" in r.json()["errors"]


def test_plan_on_the_api(staff):
    e = Employer.objects.create(name="C级企业", registration_region_code="540102")
    grade(e, "C", staff)
    head = make_client(staff["head"])
    r = head.get("/api/v1/campaigns/plan/", {"region": "540100", "year": 2027})
    assert r.status_code == 200 and r.json()["count"] == 4
    r = head.post("/api/v1/campaigns/plan/", {"region": "540100", "year": 2027, "quarter": 2}, format="json")
    assert r.status_code == 201 and r.json()["kind"] == "routine_plan"
    assert make_client(staff["shigatse_head"]).get("/api/v1/campaigns/plan/",
                                                   {"region": "540100", "year": 2027}).status_code == 403


def test_campaign_pages(client, staff):
    project("安置房")
    client.force_login(staff["head"])
    r = client.post("/staff/campaigns/", {"name": "两清零（藏历新年前）", "starts_on": str(TODAY - dt.timedelta(days=1)),
                                          "ends_on": str(TODAY + dt.timedelta(days=20)), "regions": ["540100"],
                                          "target_rules": ["active_projects"]})
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Campaign.objects.get()
    r = client.post(f"/staff/campaigns/{c.pk}/", {"action": "generate"})
    assert r.status_code == 302 and c.targets.count() == 1
    r = client.post(f"/staff/campaigns/{c.pk}/", {"action": "team", "name": "一组", "region": "540100",
                                                  "members": [str(staff["inspector"].pk), str(staff["inspector_b"].pk)]})
    assert r.status_code == 302
    t = c.targets.get()
    r = client.post(f"/staff/campaigns/{c.pk}/", {"action": "assign", "team": str(c.teams.get().pk),
                                                  "targets": [str(t.pk)]})
    assert r.status_code == 302
    r = client.get(f"/staff/campaigns/{c.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and "<svg" in html and "两清零" in html and "一组" in html
    assert f"/staff/exports/campaign.targets/csv/?campaign={c.pk}" in html
    rows = _csv(client.get("/staff/exports/campaign.targets/csv/", {"campaign": c.pk}))
    assert len(rows) == 2 and "安置房" in rows[1][1] and rows[1][5] == "一组"
    client.force_login(staff["inspector"])
    data = {"visited_on": str(TODAY), "inspectors": [str(staff["inspector"].pk), str(staff["inspector_b"].pk)],
            **{f"check_{k}": v for k, v in CHECK_OK.items()}}
    r = client.post(f"/staff/campaigns/{c.pk}/targets/{t.pk}/visit/", data)
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.state == "visited"
    client.force_login(staff["shigatse"])
    assert client.get(f"/staff/campaigns/{c.pk}/").status_code == 404


def test_plan_page(client, staff):
    e = Employer.objects.create(name="C级企业", registration_region_code="540102")
    grade(e, "C", staff)
    client.force_login(staff["head"])
    r = client.get("/staff/inspection-plan/", {"region": "540100", "year": "2027"})
    assert r.status_code == 200 and r.content.decode().count("C级企业") == 4
    assert "/staff/exports/inspection.plan/csv/?" in r.content.decode()
    rows = _csv(client.get("/staff/exports/inspection.plan/csv/", {"region": "540100", "year": "2027"}))
    assert [row[1] for row in rows[1:]] == ["C级企业"] * 4 and rows[1][3] == "C"
    client.force_login(staff["inspector"])
    assert client.get("/staff/inspection-plan/").status_code == 404


def test_openapi_schema_valid():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    assert "/api/v1/campaigns/{id}/targets/{target_id}/visits/" in out.getvalue()
    assert "/api/v1/cases/{case_number}/remedies/" in out.getvalue()
