"""/api/v1/projects/: the contractor's steps, the import report, findings and cases; reach; privacy; schema."""
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.api.conftest import make_client

from ._projects import DEV_USCC, GC_USCC, IDS, OTHER_GC_USCC, SUB_USCC, gc_user, make_project, payroll_csv

pytestmark = pytest.mark.django_db
ACCOUNT = "6228480055554321"
ID_RE = re.compile(r"\d{17}[\dX]")


def test_contractor_steps_through_the_api(db, staff):
    gc = gc_user()
    api = make_client(gc)
    r = api.post("/api/v1/projects/", {
        "name": "接口项目", "region_code": "540102", "developer_uscc": DEV_USCC, "developer_name": "城投",
        "contractor_uscc": GC_USCC, "contractor_name": "建工", "contract_value": "8000000",
        "contract_signed_on": "2025-06-02", "labour_cost_cycle_days": 45,
        "subcontractors": [{"uscc": SUB_USCC, "name": "劳务", "scope": "劳务"}]}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    bad = api.put(f"/api/v1/projects/{pk}/account/", {"bank_name": "农行", "account_number": "12ab",
                                                      "opened_on": "2025-06-10"}, format="json")
    assert bad.status_code == 400 and "account_number" in bad.json()["errors"]
    r = api.put(f"/api/v1/projects/{pk}/account/", {"bank_name": "农行", "account_number": ACCOUNT,
                                                    "opened_on": "2025-06-10"}, format="json")
    assert r.status_code == 200 and r.json()["account"]["account_number_masked"] == "****4321"
    r = api.put(f"/api/v1/projects/{pk}/guarantee/", {"form": "cash", "amount": "80000", "deposited_on":
                                                      "2025-06-12"}, format="json")
    assert r.status_code == 200 and r.json()["guarantee"]["required_amount"] == "80000.00"
    r = api.post(f"/api/v1/projects/{pk}/roster/", {"name": "扎西", "id_number": IDS[0], "entered_on": "2025-06-01"},
                 format="json")
    assert r.status_code == 201 and r.json()["id_number_masked"] == IDS[0][:4] + "*" * 10 + IDS[0][-4:]
    data = payroll_csv([("2025-06", 0, 22, "6000", "0", "6000"), ("2025-06", 1, 22, "6000", "100", "6000")])
    r = api.post(f"/api/v1/projects/{pk}/imports/payroll/", {"file": SimpleUploadedFile("p.csv", data)},
                 format="multipart")
    assert r.status_code == 200 and r.json()["error_rows"] == [3] and r.json()["written"] == 0
    r = api.post(f"/api/v1/projects/{pk}/imports/payroll/", {"file": SimpleUploadedFile("p.csv", data),
                                                             "dry_run": "false"}, format="multipart")
    assert r.status_code == 201 and r.json()["written"] == 1 and r.json()["valid_rows"] == [2]
    r = api.post(f"/api/v1/projects/{pk}/imports/roster/", {"file": SimpleUploadedFile("x.csv", b"\x89PNG\r\n\x1a\n")},
                 format="multipart")
    assert r.status_code == 400 and "file" in r.json()["errors"]
    # findings: the contractor sees its own; the cycle of 45 days is flagged
    codes = {f["code"] for f in api.get(f"/api/v1/projects/{pk}/findings/").json()["findings"]}
    assert "cycle_too_long" in codes
    # the contractor may not open a case; the Lhasa inspector may, once
    assert api.post(f"/api/v1/projects/{pk}/findings/open-case/", {"origin": "finding:cycle_too_long"},
                    format="json").status_code == 403
    insp = make_client(staff["inspector"])
    r = insp.post(f"/api/v1/projects/{pk}/findings/open-case/", {"origin": "finding:cycle_too_long"}, format="json")
    assert r.status_code == 201, r.content
    again = insp.post(f"/api/v1/projects/{pk}/findings/open-case/", {"origin": "finding:cycle_too_long"},
                      format="json")
    assert again.status_code == 409
    # nothing the API returned shows the account number or an ID number in full
    for url in (f"/api/v1/projects/{pk}/", f"/api/v1/projects/{pk}/roster/", f"/api/v1/projects/{pk}/findings/",
                "/api/v1/projects/"):
        for client in (api, insp):
            body = client.get(url).content.decode()
            assert ACCOUNT not in body and not ID_RE.search(body), url


def test_reach_through_the_api(db, staff):
    gc, other = gc_user(), gc_user("gc_other")
    p = make_project(gc)
    theirs = make_project(other, name="别人的", gc_uscc=OTHER_GC_USCC)
    api = make_client(gc)
    assert [x["id"] for x in api.get("/api/v1/projects/").json()["results"]] == [p.pk]
    assert api.get(f"/api/v1/projects/{theirs.pk}/").status_code == 404
    assert api.put(f"/api/v1/projects/{theirs.pk}/guarantee/", {"form": "cash", "amount": "1", "deposited_on":
                                                                "2025-06-12"}, format="json").status_code == 404
    # inspectors read but do not write the contractor's records
    insp = make_client(staff["inspector"])
    assert insp.get(f"/api/v1/projects/{p.pk}/").status_code == 200
    assert insp.put(f"/api/v1/projects/{p.pk}/guarantee/", {"form": "cash", "amount": "1", "deposited_on":
                                                            "2025-06-12"}, format="json").status_code == 403
    assert make_client(staff["shigatse"]).get(f"/api/v1/projects/{p.pk}/").status_code == 404
    assert make_client().get("/api/v1/projects/").status_code == 401
    assert make_client(staff["inspector"]).post("/api/v1/projects/", {}, format="json").status_code == 403


def test_openapi_schema_is_valid_and_lists_the_project_operations(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    paths = json.loads(out.getvalue())["paths"]
    for p in ("/api/v1/projects/", "/api/v1/projects/{id}/", "/api/v1/projects/{id}/account/",
              "/api/v1/projects/{id}/imports/{kind}/", "/api/v1/projects/{id}/findings/",
              "/api/v1/projects/{id}/findings/open-case/", "/api/v1/projects/{id}/roster/{entry_id}/exit/"):
        assert p in paths, p
