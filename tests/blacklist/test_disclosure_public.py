"""The public disclosure page and API (no account): only displayed disclosures, only the four field groups of Order 29
and the decision's metadata; a privacy scan of every public page and API response (no ID number, phone or worker
name, in Chinese and Tibetan); search; query counts that do not grow with the rows; caching and invalidation;
rate limits; the Tibetan page; the demo data."""
import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blacklist import services_disclosure as svc
from blacklist.models_disclosure import Disclosure
from blacklist.selectors_disclosure import PUBLIC_FIELDS
from casework.models import InspectionDocument
from tests.factories import submit

from .test_disclosure import FACTS, HANDLING, decision_doc, drive, dl, queued, tr  # noqa: F401  (fixtures)
from .test_registry_public import assert_private, body_of

pytestmark = pytest.mark.django_db

API = "/api/v1/public/disclosures/"


@pytest.fixture
def pub(dl):
    return drive(dl, queued(dl), "PUBLISHED")


def _all_public(d):
    c = Client()
    out = {}
    for lang in ("zh-hans", "bo"):
        out.update({
            f"page list {lang}": c.get("/disclosures/", {"q": "示例建筑", "lang": lang}),
            f"page detail {lang}": c.get(f"/disclosures/{d.pk}/", {"lang": lang}),
        })
    out.update({"api list": c.get(API, {"q": "示例建筑"}), "api list all": c.get(API),
                "api detail": c.get(f"{API}{d.pk}/"), "api by uscc": c.get(API, {"uscc": d.uscc}),
                "api by region": c.get(API, {"region": "540100"})})
    return out


def test_privacy_scan_of_every_public_response(pub):
    for where, r in _all_public(pub).items():
        assert r.status_code == 200, where
        text = body_of(r)
        assert pub.unit_name in text, where
        assert_private(text, where)
        assert "普布" not in text and "13800000001" not in text, where


def test_published_fields_only(pub):
    row = Client().get(f"{API}{pub.pk}/").json()
    assert set(row) == set(PUBLIC_FIELDS) | {"last_updated"}
    assert (row["unit_name"], row["uscc"], row["address"], row["legal_representative"]) == (
        "西藏示例建筑工程有限公司", "91540100MA6T00012D", "拉萨市城关区", "王某")
    assert row["facts"] == FACTS and row["handling"] == HANDLING and row["category"] == 1
    assert row["category_label"].startswith("克扣、无故拖欠") and row["decision_no"] == pub.decision_no
    assert row["display_until"] == pub.display_until.isoformat() and row["last_updated"]
    for private in ("drafted_by", "approved_by", "objection_text", "complaint", "case_number", "withdrawal_reason"):
        assert private not in row


def test_search_by_partial_name_uscc_and_region(pub):
    c = Client()
    assert c.get(API, {"q": "示例"}).json()["count"] == 1
    assert c.get(API, {"q": "不存在的公司"}).json()["count"] == 0
    assert c.get(API, {"uscc": "91540100ma6t00012d"}).json()["count"] == 1
    assert c.get(API, {"uscc": "91540100MA6T00099X"}).json()["count"] == 0
    assert c.get(API, {"region": "540100"}).json()["count"] == 1
    assert c.get(API, {"region": "540200"}).json()["count"] == 0
    assert c.get(API, {"region": "abc"}).status_code == 400
    assert pub.unit_name in c.get("/disclosures/", {"q": "示例建筑"}).content.decode()
    assert pub.unit_name not in c.get("/disclosures/", {"q": "没有"}).content.decode()


def test_not_yet_published_and_withdrawn_never_appear(dl):
    d = drive(dl, queued(dl), "APPROVED")
    c = Client()
    assert c.get(API).json()["count"] == 0 and c.get(f"{API}{d.pk}/").status_code == 404
    assert c.get(f"/disclosures/{d.pk}/").status_code == 404
    svc.disclosure_publish(disclosure=d, user=dl["publisher"])
    assert c.get(API).json()["count"] == 1  # the cached empty answer was invalidated
    svc.disclosure_withdraw(disclosure=d, user=dl["head"], reason="撤回")
    for where, r in _all_public(d).items():
        assert d.unit_name not in body_of(r), where
    assert c.get(f"{API}{d.pk}/").status_code == 404


def _bulk(dl, n: int):
    """``n`` published disclosures written directly (for counts; the procedure is tested in test_disclosure)."""
    today = timezone.localdate()
    for i in range(n):
        c = submit(employer={"name": f"西藏批量公司{i}", "uscc": "", "address": "拉萨", "legal_rep_name": "张某"}).complaint
        doc = InspectionDocument.objects.create(complaint=c, doc_type="penalty_decision", doc_no=f"BULK-{c.pk}",
                                                issued_at=dt.date(2026, 1, 5), text="处罚决定。", issued_by=dl["head"])
        batch = svc.periodic_batch_for(c.handling_region, dt.date(2026, 1, 5))
        Disclosure.objects.create(
            category=1 + i % 8, source="DECISION", complaint=doc.complaint, document=doc, employer=c.employer,
            region=c.handling_region, batch=batch, deciding_department="拉萨市城关区人力资源和社会保障局",
            decision_no=doc.doc_no, decision_date=doc.issued_at, unit_name=c.employer.name, legal_rep_name="张某",
            facts=FACTS, handling=HANDLING, drafted_by=dl["officer"], approved_by=dl["head"],
            no_secrets_confirmed=True, state="PUBLISHED", published_at=timezone.now(),
            display_until=today + dt.timedelta(days=30))


@pytest.mark.parametrize("url", ["/disclosures/", API])
def test_query_count_does_not_grow(dl, url):
    _bulk(dl, 3)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert Client().get(url).status_code == 200
    _bulk(dl, 27)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert Client().get(url).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    with CaptureQueriesContext(connection) as cached:
        Client().get(url)
    assert len(cached) < len(few)  # the second answer comes from the cache


def test_pagination(dl):
    _bulk(dl, 23)
    c = Client()
    p1, p2 = c.get(API).json(), c.get(API, {"page": 2}).json()
    assert (p1["count"], p1["num_pages"], len(p1["results"]), len(p2["results"])) == (23, 2, 20, 3)
    assert 'rel="prev"' in c.get("/disclosures/", {"page": 2}).content.decode()


def test_rate_limited(pub, settings):
    settings.REGISTRY_RATE = "2/m"
    c = Client()
    assert [c.get(API).status_code for _ in range(3)] == [200, 200, 429]
    assert c.get(API).json()["errors"]["__all__"]
    assert c.get("/disclosures/").status_code == 429


def test_pages_translated_chinese_and_tibetan(pub):
    zh = Client().get("/disclosures/", {"lang": "zh-hans"}).content.decode()
    assert "重大劳动保障违法行为" in re.search(r"<h1>(.*?)</h1>", zh).group(1)
    bo = Client().get("/disclosures/", {"lang": "bo"}).content.decode()
    assert '<html lang="bo"' in bo and re.search("[\u0F00-\u0FFF]", re.search(r"<h1>(.*?)</h1>", bo).group(1))
    detail = Client().get(f"/disclosures/{pub.pk}/", {"lang": "bo"}).content.decode()
    assert FACTS in detail  # the legal text stays Chinese
    assert re.search("[\u0F00-\u0FFF]", re.search(r"<dt>(.*?)</dt>", detail).group(1))
    assert "/disclosures/" in Client().get("/registry/").content.decode()  # linked from the public navigation


def test_staff_nav_links_the_queue(dl):
    c = Client()
    c.force_login(dl["officer"])
    assert 'href="/staff/disclosures/"' in c.get("/staff/blacklist/").content.decode()


def test_seed_demo_disclosures_public_and_idempotent(settings):
    settings.NOTIFY_ENQUEUE = False
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    data = Client().get(API).json()
    assert data["count"] == 3
    assert len({r["category"] for r in data["results"]}) == 3
    assert all(r["region_code"].startswith("5401") for r in data["results"])
    for r in data["results"]:
        for url in (f"/disclosures/{r['id']}/", f"{API}{r['id']}/"):
            assert_private(body_of(Client().get(url)), url)


def test_staff_queue_exports_csv_with_reach_and_state_filter(dl, pub):
    """The disclosure queue's table as CSV (and Excel): the drafter's region only, the page's state filter applied,
    the published entity fields only."""
    import csv

    queued(dl)  # a second, still queued
    client = Client()
    client.force_login(dl["officer"])
    page = client.get("/staff/disclosures/").content.decode()
    assert "/staff/exports/disclosures/csv/" in page
    r = client.get("/staff/exports/disclosures/csv/")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3 and pub.decision_no in str(rows)
    published = client.get("/staff/exports/disclosures/csv/", {"state": "PUBLISHED"})
    rows = list(csv.reader(io.StringIO(b"".join(published.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][6] == pub.decision_no
    assert not re.search(r"\d{17}[\dX]", str(rows))
    assert client.get("/staff/exports/disclosures/xlsx/").status_code == 200
    outsider = Client()
    outsider.force_login(dl["police"])
    assert outsider.get("/staff/exports/disclosures/csv/").status_code in (403, 404)
