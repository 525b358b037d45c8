"""Remedy steps on the API (/api/v1/cases/<no>/remedies/) and on the staff case page's panel."""
import datetime as dt
from decimal import Decimal

import pytest

from arrears.models import WageGuarantee
from arrears.models_remedies import Remedy
from tests.api.conftest import make_client
from tests.arrears.test_remedies import make_project, unperformed_case


@pytest.fixture(autouse=True)
def _api_cache(db):
    from django.core.cache import cache

    cache.clear()


def test_remedies_on_the_api(staff):
    p = make_project()
    c = unperformed_case(staff, project=p)
    api = make_client(staff["inspector"])
    url = f"/api/v1/cases/{c.case_number}/remedies/"
    r = api.get(url)
    assert r.status_code == 200
    body = r.json()
    assert [s["kind"] for s in body["steps"]] == ["contractor_pays_first", "guarantee_draw", "emergency_fund"]
    assert [s["available"] for s in body["steps"]] == [True, False, False]
    r = api.post(url, {"kind": "guarantee_draw"}, format="json")
    assert r.status_code == 400  # first tell the general contractor
    r = api.post(url, {"kind": "contractor_pays_first"}, format="json")
    assert r.status_code == 201, r.content
    r = api.post(url, {"kind": "guarantee_draw", "amount": "3000"}, format="json")
    assert r.status_code == 201, r.content
    draw = r.json()
    assert draw["deadlines"][0]["rule"] == "REM-GUARANTEE-BANK-PAY" and draw["deadlines"][0]["n"] == 5
    r = api.post(url, {"kind": "guarantee_draw", "amount": "1000"}, format="json")
    assert r.status_code == 400 and "第三十二条" in r.json()["detail"]
    r = api.post(f"{url}{draw['id']}/pay/", {"paid_on": str(dt.date.today()), "amount": "3000"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "paid"
    assert WageGuarantee.objects.get(project=p).balance == Decimal("47000.00")
    items = api.get(url).json()["items"]
    assert sum(Decimal(i["paid_by"].get("guarantee", "0")) for i in items) == Decimal("3000.00")
    assert "name" not in str(items)
    assert make_client(staff["shigatse"]).get(url).status_code == 404


def test_remedies_panel_on_the_case_page(client, staff):
    p = make_project()
    c = unperformed_case(staff, project=p, employer_is_gc=True)
    client.force_login(staff["inspector"])
    r = client.get(f"/staff/cases/{c.case_number}/")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="remedies"' in html and "第三十二条" in html
    r = client.post(f"/staff/cases/{c.case_number}/remedies/", {"action": "issue", "kind": "guarantee_draw",
                                                               "amount": "2000", "bank_name": "农行"})
    assert r.status_code == 302
    draw = Remedy.objects.get()
    items = list(c.items.order_by("id"))
    r = client.post(f"/staff/cases/{c.case_number}/remedies/", {
        "action": "pay", "remedy": str(draw.pk), "paid_on": str(dt.date.today()),
        f"item_{items[0].pk}": "1500", f"item_{items[-1].pk}": "500"})
    assert r.status_code == 302
    items[0].refresh_from_db()
    items[-1].refresh_from_db()
    assert items[0].amount_paid == Decimal("1500.00") and items[-1].amount_paid == Decimal("500.00")
    html = client.get(f"/staff/cases/{c.case_number}/").content.decode()
    assert draw.notice_no in html
    client.force_login(staff["shigatse"])
    assert client.post(f"/staff/cases/{c.case_number}/remedies/", {"action": "issue", "kind": "emergency_fund"}
                       ).status_code == 404


def test_no_panel_without_a_project_and_chinese_texts(client, staff):
    from tests.factories import submit

    c = submit().complaint
    client.force_login(staff["inspector"])
    html = client.get(f"/staff/cases/{c.case_number}/").content.decode()
    assert 'id="remedies"' not in html
    p = make_project()
    c2 = unperformed_case(staff, project=p)
    html = client.get(f"/staff/cases/{c2.case_number}/").content.decode()
    assert "总承包单位先行清偿" in html and "动用工资保证金" in html and "应急周转金垫付" in html
