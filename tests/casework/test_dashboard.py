"""Dashboards (issue #6): every figure matches the cases it counts, region reach, a constant number of queries,
period boundaries in Asia/Shanghai, and bad input answered in words."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.models import Deadline, InspectionDocument
from casework.services.dashboard import (amounts, dashboard_for, listings_published_removed, monthly_trends,
                                         open_cases, period_bounds, workers_helped)
from tests.factories import make_user, submit

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _lhasa(n, **over):
    return [submit(**over).complaint for _ in range(n)]


def _shigatse(n, **over):
    return [submit(region_code="540202", **over).complaint for _ in range(n)]


def _board(user, **params):
    from casework.services.dashboard import dashboard_params

    return dashboard_for(user, **dashboard_params(user, params))


def _table(board, key):
    return {r["key"]: r for r in next(t for t in board["tables"] if t["key"] == key)["rows"]}


@pytest.fixture
def people(db):
    return {
        "head": make_user("dash_head", "inspection_head", "540100"),
        "shigatse_head": make_user("dash_head_sg", "inspection_head", "540200"),
        "auditor": make_user("dash_auditor", "auditor", "540000", perm="view_cases"),
        "chair": make_user("dash_chair", "arbitration_chair", "540100"),
        "inspector": make_user("dash_insp", "inspector", "540100"),
        "sysadmin": make_user("dash_sys", "sysadmin", None, perm=None),
    }


def test_figures_match_the_cases_they_count(people):
    today = timezone.localdate()
    lhasa = _lhasa(3)
    _shigatse(2)
    # one Lhasa case closed this year with money recovered: its worker was helped
    closed = lhasa[0]
    closed.state, closed.closed_at, closed.amount_recovered = "CLOSED", today, Decimal("18000.00")
    closed.save()
    item = closed.items.first()
    item.amount_ordered = Decimal("6000.00")
    item.save()
    head, auditor = people["head"], people["auditor"]

    board = _board(head, year=str(today.year))
    by_track = _table(board, "open_by_track")
    assert by_track["inspection"]["value"] == 2  # 3 Lhasa cases, one closed; Shigatse not counted
    assert by_track["mediation"]["value"] == by_track["arbitration"]["value"] == by_track["transfer"]["value"] == 0
    by_state = _table(board, "open_by_state")
    assert by_state["inspection:RECEIVED"]["value"] == 2
    amounts_t = _table(board, "amounts")
    assert amounts_t["claimed"]["value"] == Decimal("54000.00")  # 3 cases x 3 items x 6,000 (received this year)
    assert amounts_t["claimed"]["inspection"] == Decimal("54000.00") and amounts_t["claimed"]["disputes"] == 0
    assert amounts_t["ordered"]["value"] == Decimal("6000.00")
    assert _table(board, "workers")["workers"]["value"] == 1
    trend = _table(board, "trend")
    month = today.strftime("%Y-%m")
    assert trend[month]["new"] == 3 and trend[month]["closed"] == 1
    assert sum(r["new"] for r in trend.values()) == 3 and len(trend) == 12

    # the province auditor sees both prefectures
    board = _board(auditor, year=str(today.year))
    assert _table(board, "open_by_track")["inspection"]["value"] == 4
    assert _table(board, "amounts")["claimed"]["value"] == Decimal("90000.00")
    # and may narrow to Shigatse
    board = _board(auditor, region="540200", year=str(today.year))
    assert _table(board, "open_by_track")["inspection"]["value"] == 2


def test_deadlines_overdue_and_due_soon(people):
    today = timezone.localdate()
    cases = _lhasa(2)
    # each new complaint has its acceptance deadline; make one overdue and one due far away
    d1 = Deadline.objects.filter(object_id=cases[0].pk).first()
    d1.due_date = today - dt.timedelta(days=3)
    d1.save()
    d2 = Deadline.objects.filter(object_id=cases[1].pk).first()
    d2.due_date = today + dt.timedelta(days=60)
    d2.save()
    board = _board(people["head"])
    t = _table(board, "deadlines")
    live = Deadline.objects.filter(region__code__startswith="5401", status__in=["OPEN", "EXTENDED", "BREACHED"])
    assert t["overdue"]["value"] == 1
    from casework.services.clock import WorkingCalendar
    until = WorkingCalendar("540100").add_working_days(today, 5)
    expected_soon = sum(1 for d in live if today <= d.effective_due <= until and d.status != "BREACHED")
    assert t["soon"]["value"] == expected_soon
    # a 3-day window is never larger than a 10-day one
    small = _table(_board(people["head"], soon="3"), "deadlines")["soon"]["value"]
    big = _table(_board(people["head"], soon="10"), "deadlines")["soon"]["value"]
    assert small <= t["soon"]["value"] <= big


def _listing(complaint, user, *, published_at=None, removed_at=None):
    from blacklist.models import BlacklistEntry, ListingDecision

    doc = InspectionDocument.objects.create(complaint=complaint, doc_type="payment_order",
                                            doc_no=f"ORD-{complaint.pk}", issued_at=dt.date(2025, 6, 1),
                                            text="责令支付", issued_by=user)
    listing = ListingDecision.objects.create(
        complaint=complaint, employer=complaint.employer, region_id=complaint.handling_region_id,
        state="PUBLISHED", basis_limb="amount", order_document=doc, order_doc_no=doc.doc_no,
        payment_deadline=dt.date(2025, 7, 1), arrears_amount=Decimal("18000"), unit_name="示例单位",
        deciding_department="拉萨市人社局", drafted_by=user, decision_no=f"DEC-{complaint.pk}",
        decided_at=dt.date(2025, 8, 1), period_end=dt.date(2028, 8, 1), published_at=published_at)
    BlacklistEntry.objects.create(listing=listing, subject_type="UNIT", role="UNIT", employer=complaint.employer,
                                  public_display_name="示例单位", removed_at=removed_at,
                                  removal_reason="EXPIRED" if removed_at else "")
    return listing


def test_period_boundaries_are_in_asia_shanghai(people):
    head = people["head"]
    a, b, c = _lhasa(3)
    # 00:30 on 1 January 2026 in Lhasa is still 2025 in UTC: it counts in 2026
    _listing(a, head, published_at=dt.datetime(2026, 1, 1, 0, 30, tzinfo=TZ))
    # 23:30 on 31 December 2025 in Lhasa is 15:30 UTC: it counts in 2025
    _listing(b, head, published_at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=TZ),
             removed_at=dt.datetime(2026, 1, 1, 0, 10, tzinfo=TZ))
    assert listings_published_removed("5401", dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == {"published": 1,
                                                                                               "removed": 1}
    assert listings_published_removed("5401", dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == {"published": 1,
                                                                                               "removed": 0}
    assert listings_published_removed("5402", dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == {"published": 0,
                                                                                               "removed": 0}
    start, end = period_bounds(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert start.utcoffset() == dt.timedelta(hours=8) and end == dt.datetime(2026, 2, 1, tzinfo=TZ)
    # a case received on the last day of a month counts in that month; the next day in the next
    c.received_at = dt.date(2026, 3, 31)
    c.save()
    b.received_at = dt.date(2026, 4, 1)
    b.save()
    rows = {r["month"]: r for r in monthly_trends("5401", dt.date(2026, 3, 1), dt.date(2026, 4, 30))}
    assert rows[dt.date(2026, 3, 1)]["new"] == 1 and rows[dt.date(2026, 4, 1)]["new"] == 1
    assert amounts("5401", dt.date(2026, 3, 31), dt.date(2026, 3, 31))["claimed"]["total"] == Decimal("18000.00")


def test_each_figure_takes_a_constant_number_of_queries(people):
    head = people["head"]
    today = timezone.localdate()
    _lhasa(3)
    c = _client(head)
    url = f"/staff/dashboard/?year={today.year}"
    c.get(url)  # warm caches (content types, calendar)
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    for case in _lhasa(27):
        case.state, case.closed_at, case.amount_recovered = "CLOSED", today, Decimal("100")
        case.save()
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).status_code == 200
    print(f"dashboard page queries: {len(few)} with 3 cases, {len(many)} with 30")
    assert len(many) == len(few), (len(few), len(many))
    assert len(few) < 40
    for fn, args in [(open_cases, ("5401",)), (workers_helped, ("5401", dt.date(2026, 1, 1), today)),
                     (amounts, ("5401", dt.date(2026, 1, 1), today)),
                     (monthly_trends, ("5401", dt.date(2026, 1, 1), today))]:
        with CaptureQueriesContext(connection) as q:
            fn(*args)
        assert len(q) <= 6, (fn.__name__, len(q))


def test_region_reach_on_the_page(people):
    today = timezone.localdate()
    _lhasa(1)
    _shigatse(2)
    head = _client(people["head"])
    page = head.get("/staff/dashboard/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "<table" in text and "<title id=" in text and "统计看板" in text
    assert 'value="540200"' not in text  # the picker offers only the reach
    assert head.get("/staff/dashboard/?region=540200").status_code == 404
    assert head.get("/staff/dashboard/?region=540202").status_code == 404
    assert head.get("/staff/dashboard/?region=540102").status_code == 200
    assert head.get("/api/v1/dashboard/?region=540200").status_code == 404
    data = head.get("/api/v1/dashboard/", {"year": today.year}).json()
    by_track = next(t for t in data["tables"] if t["key"] == "open_by_track")
    assert by_track["rows"][0]["key"] == "inspection" and Decimal(by_track["rows"][0]["value"]) == 1
    # the chair sees its region; sysadmins and inspectors have no dashboard
    assert _client(people["chair"]).get("/staff/dashboard/").status_code == 200
    assert _client(people["sysadmin"]).get("/staff/dashboard/").status_code == 404
    assert _client(people["inspector"]).get("/staff/dashboard/").status_code == 404
    # the nav link is there for heads only
    assert "/staff/dashboard/" in head.get("/staff/").content.decode()
    assert "/staff/dashboard/" not in _client(people["inspector"]).get("/staff/").content.decode()


@pytest.mark.parametrize("query,field", [
    ({"year": "20x6"}, "year"), ({"year": "1850"}, "year"), ({"from": "2026-13", "to": "2026-12"}, "from"),
    ({"from": "2026-05", "to": "2026-02"}, "to"), ({"from": "2020-01", "to": "2026-12"}, "to"),
    ({"soon": "99"}, "soon"), ({"region": "abc"}, "region")])
def test_bad_input_is_a_clear_translated_error(people, query, field):
    r = _client(people["head"]).get("/staff/dashboard/", query)
    assert r.status_code == 400
    text = r.content.decode()
    assert 'id="error-summary"' in text and "<svg" not in text
    assert any(m in text for m in ["年份", "月份", "工作日数", "地区", "最多选择"])
    api = _client(people["head"]).get("/api/v1/dashboard/", query)
    assert api.status_code == 400 and field in api.json()["errors"]


def test_english_page(people):
    r = _client(people["head"]).get("/staff/dashboard/?lang=en")
    assert r.status_code == 200 and "Open cases by track" in r.content.decode()
