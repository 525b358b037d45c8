"""The public registry (no account): pages, API and open data. Only published, current listings, only the published
fields of §8.2; no ID number, phone or worker name anywhere; removed listings never appear; query counts do not
grow with the number of listings; cached and invalidated on publish and removal; rate-limited."""
import csv
import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blacklist import services as svc
from blacklist.models import BlacklistEntry, ListingDecision
from casework.models import InspectionDocument
from tests.factories import submit

from .conftest import REP_ID, make_listing

pytestmark = pytest.mark.django_db

ID_RE = re.compile(r"\d{17}[\dX]")
PHONE_RE = re.compile(r"1[3-9]\d{9}")
WORKER = "扎西"  # the complainant of demo_payload
API = "/api/v1/public/blacklist/"


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def assert_private(text: str, where: str):
    assert not ID_RE.search(text), f"{where}: ID-shaped number {ID_RE.search(text).group()}"
    assert not PHONE_RE.search(text), f"{where}: phone-shaped number {PHONE_RE.search(text).group()}"
    assert WORKER not in text, f"{where}: worker's name"


def published(n: int, *, name="西藏批量建筑有限公司", region="540102", user=None):
    """``n`` published listings written directly (for counts and volumes; the procedure is tested elsewhere)."""
    out = []
    today = timezone.localdate()
    for i in range(n):
        c = submit(employer={"name": f"{name}{i}", "uscc": "", "address": "", "legal_rep_name": ""},
                   region_code=region).complaint
        doc = InspectionDocument.objects.create(complaint=c, doc_type="handling_decision", doc_no=f"BULK-{c.pk}",
                                                issued_at=today, payment_deadline=today, text="责令支付。",
                                                issued_by=user)
        listing = ListingDecision.objects.create(
            complaint=c, employer=c.employer, region=c.handling_region, state="PUBLISHED", basis_limb="amount",
            order_document=doc, order_doc_no=doc.doc_no, payment_deadline=today, arrears_amount=18000,
            unit_name=c.employer.name, deciding_department="拉萨市人力资源和社会保障局", drafted_by=user,
            decision_no=f"BULK〔2026〕{c.pk}号", decided_at=today, period_end=today.replace(year=today.year + 3),
            published_at=timezone.now())
        BlacklistEntry.objects.create(listing=listing, subject_type="UNIT", role="UNIT", employer=c.employer,
                                      public_display_name=c.employer.name)
        BlacklistEntry.objects.create(listing=listing, subject_type="PERSON", role="LEGAL_REP",
                                      public_display_name="王建国", id_number=REP_ID,
                                      public_id_masked="540102********1239")
        out.append(listing)
    return out


@pytest.fixture
def listing(bl):
    return make_listing(bl, to="published")


def _all_public(listing):
    c = Client()
    return {
        "page list": c.get("/registry/", {"q": "示例建筑"}),
        "page detail": c.get(f"/registry/{listing.pk}/"),
        "api list": c.get(API, {"q": "示例建筑"}),
        "api detail": c.get(f"{API}{listing.pk}/"),
        "csv": c.get("/api/v1/public/blacklist.csv"),
        "json": c.get("/api/v1/public/blacklist.json"),
    }


def test_privacy_scan_of_every_public_response(listing):
    for where, r in _all_public(listing).items():
        assert r.status_code == 200, where
        text = body_of(r)
        assert listing.unit_name in text, where
        assert "540102********1239" in text, where  # the co-listed person's masked ID is published
        assert_private(text, where)


def test_published_fields_only(listing):
    row = Client().get(f"{API}{listing.pk}/").json()
    assert set(row) == {"id", "unit_name", "uscc", "region_code", "region_name", "legal_representative",
                        "co_listed", "reason", "legal_basis", "deciding_department", "decision_no", "decided_at",
                        "period_start", "period_end", "last_updated"}
    assert row["legal_representative"] == "王建国" and row["uscc"] == "91540100MA6T00012D"
    assert row["co_listed"] == [{"name": "王建国", "role": "LEGAL_REP", "id_number_masked": "540102********1239"}]
    assert row["period_end"] == listing.period_end.isoformat() and row["last_updated"]
    assert "18,000.00" in row["reason"] and "1人" in row["reason"]


def test_search_by_partial_name_uscc_and_region(listing):
    c = Client()
    assert c.get(API, {"q": "示例"}).json()["count"] == 1
    assert c.get(API, {"q": "不存在的公司"}).json()["count"] == 0
    assert c.get(API, {"uscc": "91540100ma6t00012d"}).json()["count"] == 1
    assert c.get(API, {"uscc": "91540100MA6T00099X"}).json()["count"] == 0
    assert c.get(API, {"region": "540100"}).json()["count"] == 1
    assert c.get(API, {"region": "540200"}).json()["count"] == 0
    assert c.get(API, {"region": "abc"}).status_code == 400
    page = c.get("/registry/", {"q": "示例建筑"})
    assert listing.unit_name in page.content.decode()


def test_unpublished_and_removed_never_appear(bl):
    listed = make_listing(bl, to="listed")  # decided, not yet published
    for where, r in _all_public(listed).items():
        assert listed.unit_name not in body_of(r), where
    svc.listing_publish(listing=listed, user=bl["publisher"])
    assert Client().get(API, {"q": "示例"}).json()["count"] == 1  # the cached empty answer was invalidated
    svc.listing_revoke(listing=listed, user=bl["head"], reason="原决定已撤销")
    for where, r in _all_public(listed).items():
        assert listed.unit_name not in body_of(r), where
        if where in ("page detail", "api detail"):
            assert r.status_code == 404


def test_expired_listing_leaves_the_registry(listing):
    Client().get(API)  # cached
    svc.listing_expire_sweep(today=listing.period_end + dt.timedelta(days=1))
    for where, r in _all_public(listing).items():
        assert listing.unit_name not in body_of(r), where


def test_a_removed_person_is_not_shown(listing):
    rep = listing.entries.get(role="LEGAL_REP")
    rep.removed_at, rep.removal_reason = timezone.now(), "EARLY"
    rep.save()
    from blacklist.cache import _bump_now

    _bump_now()
    assert Client().get(f"{API}{listing.pk}/").json()["co_listed"] == []


@pytest.mark.parametrize("url", ["/registry/", API])
def test_query_count_does_not_grow(bl, url):
    from django.core.cache import cache

    published(3, user=bl["head"])
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert Client().get(url).status_code == 200
    published(27, user=bl["head"])
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert Client().get(url).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    with CaptureQueriesContext(connection) as cached:
        Client().get(url)
    assert len(cached) < len(few)  # the second answer comes from the cache


def test_pagination(bl):
    published(23, user=bl["head"])
    c = Client()
    p1, p2 = c.get(API).json(), c.get(API, {"page": 2}).json()
    assert (p1["count"], p1["num_pages"], len(p1["results"]), len(p2["results"])) == (23, 2, 20, 3)
    assert not {r["id"] for r in p1["results"]} & {r["id"] for r in p2["results"]}
    page2 = c.get("/registry/", {"page": 2}).content.decode()
    assert 'rel="prev"' in page2


def test_open_data_exports_are_streamed_and_complete(bl):
    rows = published(5, user=bl["head"])
    c = Client()
    r = c.get("/api/v1/public/blacklist.csv")
    assert r.streaming and r["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(body_of(r).lstrip("\ufeff"))))
    assert table[0][:3] == ["id", "unit_name", "uscc"] and len(table) == 6
    r = c.get("/api/v1/public/blacklist.json")
    assert r.streaming
    data = json.loads(body_of(r))
    assert {x["id"] for x in data["results"]} == {x.pk for x in rows} and data["last_updated"]


def test_rate_limited(listing, settings):
    settings.REGISTRY_RATE = "2/m"
    settings.REGISTRY_EXPORT_RATE = "1/m"
    c = Client()
    assert [c.get(API).status_code for _ in range(3)] == [200, 200, 429]
    r = c.get(API)
    assert r.json()["errors"]["__all__"] and r["Retry-After"] == "60"
    assert c.get("/registry/").status_code == 429
    assert [c.get("/api/v1/public/blacklist.json").status_code for _ in range(2)] == [200, 429]


def test_pages_translated(listing):
    zh = Client().get("/registry/", {"lang": "zh-hans"}).content.decode()
    assert "欠薪黑名单" in zh or "失信" in zh
    bo = Client().get("/registry/", {"lang": "bo"}).content.decode()
    assert '<html lang="bo"' in bo and re.search("[\u0F00-\u0FFF]", re.search(r"<h1>(.*?)</h1>", bo).group(1))


if connection.vendor == "postgresql":
    # pg_trgm fuzzy search exists only on PostgreSQL (SQLite uses icontains, tested above): the test exists
    # only where the behaviour does, so it is never reported as skipped.
    def test_fuzzy_name_search_on_postgresql(bl):
        from blacklist.selectors import trigram_available

        assert trigram_available()
        published(1, name="Lhasa Gaoyuan Construction Group ", user=bl["head"])
        c = Client()
        assert c.get(API, {"q": "Gaoyuan Constrution"}).json()["count"] == 1  # a typo still finds it
        assert c.get(API, {"q": "Shigatse Mining"}).json()["count"] == 0


def test_a_broad_search_counts_up_to_the_cap_and_says_more(settings, bl):
    """The count of a search stops at REGISTRY_COUNT_CAP (a broad search at 100,000 listings would otherwise read
    them all): past it the API says ``count_is_lower_bound`` and the page asks for a narrower search; the pages
    stop at the cap; a search under the cap counts exactly."""
    from django.core.cache import cache

    settings.REGISTRY_COUNT_CAP = 25
    published(30, user=bl["head"])
    cache.clear()
    body = Client().get(API).json()
    assert body["count"] == 25 and body["count_is_lower_bound"] is True and body["num_pages"] == 2
    assert len(body["results"]) == 20
    assert Client().get(API, {"page": 9}).json()["page"] == 2  # past the last page: the last page
    page = Client().get("/registry/").content.decode()
    assert "超过25家" in page
    settings.REGISTRY_COUNT_CAP = 1000
    cache.clear()
    body = Client().get(API).json()
    assert body["count"] == 30 and body["count_is_lower_bound"] is False


def test_pages_follow_the_registry_order(bl):
    """A narrow search cuts its page from the matches' keys (blacklist.selectors.blacklist_search); the order must be
    the registry's — newest decision first, then the newest id — across pages."""
    rows = published(23, user=bl["head"])
    today = timezone.localdate()
    for i, listing in enumerate(rows):  # decision dates out of id order, with ties
        listing.decided_at = today - dt.timedelta(days=(i * 7) % 5)
        listing.save()
    from blacklist.cache import registry_bump

    registry_bump()
    expected = list(ListingDecision.objects.filter(pk__in=[x.pk for x in rows])
                    .order_by("-decided_at", "-id").values_list("id", flat=True))
    c = Client()
    got = [r["id"] for p in (1, 2) for r in c.get(API, {"q": "批量", "page": p}).json()["results"]]
    assert got == expected


def test_cached_answer_is_served_whole_and_unchanged(bl, listing, django_assert_num_queries):
    """The API's fast path (blacklist.api._cached_search) answers a cached search without the database, with the
    very bytes the full path wrote; HTML for the browsable API, and parameters to refuse, still take the full
    path."""
    c = Client()
    first = c.get(API, {"q": "示例", "page": "1"}, HTTP_ACCEPT="application/json")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = c.get(API, {"q": "示例", "page": "1"}, HTTP_ACCEPT="application/json")
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"] == "application/json"
    assert again["Vary"] == first["Vary"]  # what a shared cache in front keys on, the same either way
    browsable = c.get(API, {"q": "示例", "page": "1"}, HTTP_ACCEPT="text/html")
    assert browsable["Content-Type"].startswith("text/html") and listing.unit_name in browsable.content.decode()
    assert c.get(API, {"q": "示例", "page": "0"}).status_code == 400
    assert c.get(API, {"q": "示例", "page": "x"}).status_code == 400
    assert c.get(API, {"q": "示" * 101}).status_code == 400
    assert c.get(API, {"region": "54x"}).status_code == 400
    # a removal changes the answer at once, fast path or not
    svc.listing_revoke(listing=listing, user=bl["head"], reason="原决定已撤销")
    assert c.get(API, {"q": "示例", "page": "1"}).json()["count"] == 0


def test_fast_path_counts_a_request_once(listing, settings):
    """A cached answer and a miss each spend one request of the budget, not two."""
    settings.REGISTRY_RATE = "3/m"
    c = Client()
    assert [c.get(API, {"q": "示例"}).status_code for _ in range(4)] == [200, 200, 200, 429]


if connection.vendor == "postgresql":
    def test_one_and_two_character_names_on_postgresql(bl):
        """One- and two-character searches use the character-pair index (migration blacklist/0010) and find exactly
        what ``icontains`` finds, upper/lower case included."""
        from blacklist.selectors import _search, public_listings

        published(2, name="拉萨宏达建筑有限公司", user=bl["head"])
        published(1, name="Lhasa abc Trading ", user=bl["head"])
        published(1, name="日喀则雪域商贸有限公司", user=bl["head"])
        for q in ("宏达", "宏", "雪域", "AB", "ab", "c", "达建", "司0", "无此"):
            via_index = set(_search(public_listings(), q=q).values_list("id", flat=True))
            plain = set(public_listings().filter(unit_name__icontains=q).values_list("id", flat=True))
            assert via_index == plain, q
            assert "registry_grams" in str(_search(public_listings(), q=q).query)
        assert Client().get(API, {"q": "宏达"}).json()["count"] == 2


def test_last_updated_is_the_newest_change_to_a_published_listing(bl):
    """"Last updated" comes with the matches' query (blacklist.selectors) and agrees with the stand-alone reading,
    for a search with matches and for one without."""
    from blacklist.selectors import registry_last_updated

    rows = published(2, user=bl["head"])
    newest = max(ListingDecision.objects.filter(pk__in=[x.pk for x in rows]).values_list("updated_at", flat=True))
    c = Client()
    assert c.get(API).json()["last_updated"] == newest.isoformat(timespec="seconds") == registry_last_updated()
    assert c.get(API, {"q": "不存在的公司"}).json()["last_updated"] == registry_last_updated()
