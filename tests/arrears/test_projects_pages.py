"""Contractor and inspector pages, ex officio cases from findings, reach, privacy, the worker's tracking page."""
import datetime as dt
import re

import pytest
from django.test import Client

from arrears.imports import payroll_import
from arrears.selectors_projects import projects_for
from casework.errors import Conflict, NotAllowed
from casework.models import Attachment, Complaint, ComplaintState
from casework.services.ex_officio import ex_officio_open

from ._projects import IDS, OTHER_GC_USCC, compliant, gc_user, make_project, payroll_csv, roster

pytestmark = pytest.mark.django_db
ACCOUNT = "6228480012345678"
ID_RE = re.compile(r"\d{17}[\dX]")


def login(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def gc(db):
    return gc_user()


@pytest.fixture
def project(gc):
    p = make_project(gc)
    compliant(gc, p)  # account number ACCOUNT
    roster(gc, p, n=3)
    payroll_import(project=p, user=gc, file_name="p.csv",
                   data=payroll_csv([("2025-06", i, 22, "6000", "0", "6000") for i in range(2)]))
    return p


def test_contractor_registers_a_project_on_the_page_with_uscc_checked(gc):
    c = login(gc)
    data = {"name": "新项目", "region_code": "540102", "developer_uscc": "91540100MA6T00042X",
            "contractor_uscc": "91540100MA6T00031C", "contractor_name": "西藏示例建工集团", "contract_value": "5000000",
            "contract_signed_on": "2026-01-05", "labour_cost_cycle_days": "30"}
    r = c.post("/projects/new/", data)
    assert r.status_code == 400 and "developer_uscc" in r.context["form"].errors
    data["developer_uscc"], data["developer_name"] = "91540100MA6T00042G", "拉萨示例城投"
    r = c.post("/projects/new/", data)
    assert r.status_code == 302
    assert projects_for(gc, "edit").get().name == "新项目"


def test_a_contractor_sees_only_its_own_projects(gc, project):
    other = gc_user("gc_other")
    theirs = make_project(other, name="别人的项目", gc_uscc=OTHER_GC_USCC)
    assert list(projects_for(gc, "edit")) == [project]
    c = login(gc)
    assert c.get(f"/projects/{project.pk}/").status_code == 200
    for url in (f"/projects/{theirs.pk}/", f"/projects/{theirs.pk}/roster/", f"/projects/{theirs.pk}/account/",
                f"/projects/{theirs.pk}/import/payroll/", f"/staff/projects/{theirs.pk}/"):
        assert c.get(url).status_code == 404, url
    assert c.get("/staff/projects/").status_code == 404


def test_inspector_reach_by_region(gc, project, staff):
    shigatse = make_project(gc, name="日喀则项目", region_code="540202")
    lhasa = login(staff["inspector"])
    r = lhasa.get("/staff/projects/")
    assert r.status_code == 200
    assert lhasa.get(f"/staff/projects/{project.pk}/").status_code == 200
    assert lhasa.get(f"/staff/projects/{shigatse.pk}/").status_code == 404
    assert "日喀则项目" not in r.content.decode()
    assert login(staff["shigatse"]).get(f"/staff/projects/{shigatse.pk}/").status_code == 200
    assert login(staff["shigatse"]).get(f"/staff/projects/{project.pk}/").status_code == 404
    # the auditor reads but cannot open cases
    r = login(staff["auditor"]).get(f"/staff/projects/{project.pk}/")
    assert r.status_code == 200 and not r.context["can_open"]


def test_account_number_never_shown_in_full(gc, project, staff):
    pages = [login(gc).get(u) for u in (f"/projects/{project.pk}/", f"/projects/{project.pk}/account/")]
    pages.append(login(staff["inspector"]).get(f"/staff/projects/{project.pk}/"))
    for r in pages:
        body = r.content.decode()
        assert r.status_code == 200 and ACCOUNT not in body
    assert "****5678" in pages[0].content.decode()


def test_roster_page_masks_id_numbers(gc, project):
    body = login(gc).get(f"/projects/{project.pk}/roster/").content.decode()
    assert not ID_RE.search(body) and IDS[0][:4] + "*" * 10 + IDS[0][-4:] in body


def test_roster_add_and_exit_on_the_page(gc, project):
    c = login(gc)
    r = c.post(f"/projects/{project.pk}/roster/", {"name": "达瓦", "id_number": "540102199001011230",
                                                   "entered_on": "2025-06-01"})
    assert r.status_code == 400 and "id_number" in r.context["form"].errors
    r = c.post(f"/projects/{project.pk}/roster/", {"name": "达瓦", "id_number": IDS[4], "entered_on": "2025-06-01"})
    assert r.status_code == 302
    entry = project.roster.get(worker__id_number_hash__isnull=False, trade="", bank_last4="")
    r = c.post(f"/projects/{project.pk}/roster/{entry.pk}/exit/", {"left_on": "2025-07-31"})
    entry.refresh_from_db()
    assert entry.left_on == dt.date(2025, 7, 31)
    assert entry.history.first().history_user == gc  # audited with the acting user


def test_payroll_upload_preview_then_confirm(gc, project):
    c = login(gc)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = payroll_csv([("2025-07", 0, 22, "6000", "0", "6000"), ("2025-07", 1, 22, "-1", "0", "-1")])
    r = c.post(f"/projects/{project.pk}/import/payroll/", {"file": SimpleUploadedFile("p.csv", data)})
    assert r.status_code == 200 and r.context["report"].error_rows == [3]
    token = r.context["token"]
    from arrears.models_projects import PayrollLine

    assert PayrollLine.objects.filter(batch__period=dt.date(2025, 7, 1)).count() == 0
    r = c.post(f"/projects/{project.pk}/import/payroll/", {"token": token, "signed_by_subcontractor": "on"})
    assert r.status_code == 200 and r.context["report"].written == 1
    r = c.post(f"/projects/{project.pk}/import/payroll/", {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" +
                                                                                      b"\0" * 50)})
    assert r.status_code == 400


def test_templates_download(gc):
    c = login(gc)
    assert c.get("/projects/templates/payroll.csv").content.startswith("\ufeff".encode())
    assert c.get("/projects/templates/roster.xlsx").content[:2] == b"PK"


def test_finding_opens_an_ex_officio_case_once(gc, project, staff):
    c = login(staff["inspector"])
    r = c.get(f"/staff/projects/{project.pk}/")
    origins = {row["origin"] for row in r.context["finding_rows"]}
    origin = next(o for o in origins if o.startswith("finding:roster_worker_missing_from_payroll"))
    r = c.post(f"/staff/projects/{project.pk}/open-case/", {"origin": origin})
    assert r.status_code == 302
    case = Complaint.objects.get(project=project)
    assert case.channel == Complaint.Channel.EX_OFFICIO and case.kind == Complaint.Kind.REPORT
    assert case.complainant is None and case.state == ComplaintState.RECEIVED and case.process_id
    assert case.employer == project.general_contractor and case.handling_region_id == project.region_id
    att = Attachment.objects.get(complaint=case)
    assert att.mime == "text/csv" and not ID_RE.search(att.file.read().decode("utf-8"))
    # the inspection track started like any intake: the acceptance deadline is open
    from casework.services.deadlines import open_deadline

    assert open_deadline(case, "INSP-ACCEPT") is not None
    # a second case for the same finding is refused while the first is open
    r = c.post(f"/staff/projects/{project.pk}/open-case/", {"origin": origin}, follow=True)
    assert Complaint.objects.filter(project=project).count() == 1
    page = c.get(f"/staff/projects/{project.pk}/")
    row = next(x for x in page.context["finding_rows"] if x["origin"] == origin)
    assert row["case"] == case


def test_ex_officio_open_contract(gc, project, staff):
    emp = project.general_contractor
    with pytest.raises(NotAllowed):
        ex_officio_open(user=staff["shigatse"], employer=emp, region=project.region, facts="x", project=project,
                        origin="campaign:1")
    with pytest.raises(NotAllowed):
        ex_officio_open(user=gc, employer=emp, region=project.region, facts="x", project=project, origin="c:1")
    c1 = ex_officio_open(user=staff["inspector"], employer=emp, region="540102", facts="专项行动检查发现问题",
                         project=project, origin="campaign:1", evidence=[("visit.csv", "a,b\n1,2\n".encode())])
    assert c1.project == project and c1.attachments.count() == 1
    with pytest.raises(Conflict):
        ex_officio_open(user=staff["head"], employer=emp, region="540102", facts="x", project=project,
                        origin="campaign:1")
    # another origin is another case; once the first is closed, the same origin may be opened again
    c2 = ex_officio_open(user=staff["inspector"], employer=emp, region="540102", facts="y", project=project,
                         origin="campaign:2")
    assert c2.pk != c1.pk
    c1.state = ComplaintState.CLOSED
    c1.save()
    c3 = ex_officio_open(user=staff["inspector"], employer=emp, region="540102", facts="z", project=project,
                         origin="campaign:1")
    assert c3.pk not in (c1.pk, c2.pk)
    with pytest.raises(Exception):
        ex_officio_open(user=staff["inspector"], employer=emp, region="540102", facts="z", project=project,
                        origin="campaign:9", evidence=[("x.exe", b"MZ\x90\x00" + b"\x00" * 100)])


def test_worker_tracking_page_shows_yes_no_and_channels_never_numbers(gc, project):
    from tests.factories import submit

    r = submit(project_name=project.name, region_code="540102")
    c = Client()
    resp = c.post("/track/", {"case_number": r.complaint.case_number, "access_code": r.access_code}, follow=True)
    body = resp.content.decode()
    assert resp.status_code == 200 and 'id="project-safeguards"' in body
    assert "12333" in body and "仲裁委员会" in body
    assert ACCOUNT not in body and "5678" not in body and "中国农业银行" not in body
    g = project.wage_guarantee
    assert str(g.amount) not in body and f"{g.amount:,.2f}" not in body
    # in Tibetan too
    resp = c.get("/track/result/", {"lang": "bo"})
    section = resp.content.decode().split('id="project-safeguards"')[1].split("</section>")[0]
    assert re.search("[\u0F00-\u0FFF]", section.split("</h2>")[0])
    for text in ("Dedicated wage account:", "Wage guarantee:", "Complaint hotline:", "Mediation and arbitration:",
                 "Your project's wage safeguards", "yes", "no"):
        assert text not in section, text


def test_demo_seed_is_idempotent_and_has_a_finding(db):
    from arrears.demo import DEMO_PROJECT, seed_demo_project
    from arrears.findings import project_findings
    from casework.models import Project

    assert seed_demo_project()
    assert seed_demo_project() == []
    p = Project.objects.get(name=DEMO_PROJECT)
    assert p.roster.count() == 8 and p.payrolls.values("period").distinct().count() == 3
    assert [f.code for f in project_findings(p)] == ["roster_worker_missing_from_payroll"]


def test_a_large_confirmed_import_runs_as_a_background_job(gc, project, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from arrears import imports
    from arrears.models_projects import PayrollLine
    from casework.models import BackgroundJob
    from casework.services.jobs import run_job_now

    monkeypatch.setattr(imports, "JOB_FROM_ROWS", 2)
    c = login(gc)
    data = payroll_csv([("2025-08", i, 22, "6000", "0", "6000") for i in range(3)])
    r = c.post(f"/projects/{project.pk}/import/payroll/", {"file": SimpleUploadedFile("p.csv", data)})
    r = c.post(f"/projects/{project.pk}/import/payroll/", {"token": r.context["token"]})
    job = BackgroundJob.objects.get(kind=imports.JOB_KIND)
    assert r.status_code == 302 and str(job.pk) in r["Location"]
    assert PayrollLine.objects.filter(batch__period=dt.date(2025, 8, 1)).count() == 0
    assert run_job_now(job.pk) == "done"
    job.refresh_from_db()
    assert PayrollLine.objects.filter(batch__period=dt.date(2025, 8, 1)).count() == 3
    assert job.result_name == "payroll-import-report.csv" and job.done == 3


def test_every_contractor_page_renders_and_the_board_form_takes_a_photo(gc, project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import png_bytes

    c = login(gc)
    for url in ("/projects/", "/projects/new/", f"/projects/{project.pk}/", f"/projects/{project.pk}/account/",
                f"/projects/{project.pk}/guarantee/", f"/projects/{project.pk}/board/",
                f"/projects/{project.pk}/subcontractor/", f"/projects/{project.pk}/roster/",
                f"/projects/{project.pk}/import/roster/", f"/projects/{project.pk}/import/payroll/"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert ACCOUNT not in r.content.decode()
    assert c.get(f"/projects/{project.pk}/nonsense/").status_code == 404
    r = c.post(f"/projects/{project.pk}/board/", {"photo": SimpleUploadedFile("b.jpg", b"not an image at all"),
                                                  "shows_parties": "on"})
    assert r.status_code == 400 and "photo" in r.context["form"].errors
    r = c.post(f"/projects/{project.pk}/board/", {"photo": SimpleUploadedFile("b.png", png_bytes()),
                                                  "shows_parties": "on", "shows_minimum_wage": "on",
                                                  "shows_pay_date": "on", "hotline": "12333",
                                                  "mediation_channel": "调解中心", "legal_aid": "12348"})
    assert r.status_code == 302
    project.notice_board.refresh_from_db()
    assert project.notice_board.photo and project.notice_board.history.first().history_user == gc
    # the staff home sends the contractor's clerk to its projects
    assert c.get("/staff/")["Location"].endswith("/projects/")


def test_inspectors_project_table_exports_with_the_pages_reach_and_no_secrets(gc, staff):
    """/staff/projects/ offers CSV and Excel; the export lists the same projects as the page (reach by region),
    with the findings by label, and never an account number or an ID number."""
    import csv
    import io

    lhasa_project = make_project(gc, name="拉萨无专户项目")  # no account, no guarantee: findings
    make_project(gc, name="日喀则项目", region_code="540202")
    client = login(staff["inspector"])
    page = client.get("/staff/projects/").content.decode()
    assert "/staff/exports/projects.findings/csv/" in page and "/staff/exports/projects.findings/xlsx/" in page
    r = client.get("/staff/exports/projects.findings/csv/")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert names == [lhasa_project.name]  # the Shigatse project is outside the inspector's reach
    assert int(rows[1][4]) >= 2 and rows[1][6]  # findings counted and named
    assert not ID_RE.search(str(rows)) and ACCOUNT not in str(rows)
    assert client.get("/staff/exports/projects.findings/xlsx/").status_code == 200
    assert login(gc).get("/staff/exports/projects.findings/csv/").status_code in (403, 404)
