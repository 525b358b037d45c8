"""Dashboard figures per region and period (issue #6). See docs/dashboards.md for what each figure counts.

Who: inspection heads, arbitration chairs and auditors, within their region reach (a ``handle_cases`` or
``view_cases`` grant covers the region and everything below it; casework.access). Sysadmins see none.
The figures are counts and sums only (no case, no person): they cover every track of the region, whichever
track the viewer works in.

Each figure is ONE function below with a fixed number of queries, whatever the number of cases: the database
aggregates (Count / Sum with filters, TruncMonth), never a Python loop over cases.

Periods are local dates (Asia/Shanghai, settings.TIME_ZONE): a date column is compared with the dates; a timestamp
column (published_at, removed_at) with [start 00:00, end + 1 day 00:00) in Asia/Shanghai.
"""
import datetime as dt
import re
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ..access import _prefix_q, has_role, region_prefixes
from ..errors import DomainError, NotAllowed
from ..models import Complaint, ComplaintState, Deadline, Region, prefix_of

__all__ = ["DASHBOARD_ROLES", "SOON_CHOICES", "TABLES", "DashboardInputError", "may_see_dashboard", "reach_of",
           "regions_in_reach", "dashboard_params", "open_cases", "deadlines_due", "workers_helped", "amounts",
           "listings_published_removed", "monthly_trends", "dashboard_for", "table_rows", "period_bounds"]

DASHBOARD_ROLES = ("inspection_head", "arbitration_chair", "auditor")
SOON_CHOICES = (3, 5, 10)  # "due within N working days": a display choice, not a legal period
MAX_MONTHS = 36
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)

# Complaint states that are no longer open (inspection's "closed" stage, casework.selectors.STAGES) and drafts.
CLOSED_COMPLAINT = [ComplaintState.CLOSED, ComplaintState.REJECTED_LIMITATION, ComplaintState.REDIRECTED_DISPUTE,
                    ComplaintState.FORWARDED_JURISDICTION, ComplaintState.CLOSED_WITHDRAWN_CASE,
                    ComplaintState.TRANSFERRED_OTHER_DEPT, ComplaintState.DRAFT]
LIVE_DEADLINE = [Deadline.Status.OPEN, Deadline.Status.EXTENDED, Deadline.Status.BREACHED]

TRACKS = {"inspection": _l("Inspection complaints"), "mediation": _l("Mediation"),
          "arbitration": _l("Arbitration"), "transfer": _l("Criminal transfers")}

FIG = [("label", _l("Figure")), ("value", _l("Number"))]
TABLES = {
    "open_by_track": {"title": _l("Open cases by track"), "columns": FIG, "chart": "bar"},
    "open_by_state": {"title": _l("Open cases by stage"), "columns": [("track", _l("Track")), ("label", _l("Stage")),
                                                                     ("value", _l("Number"))], "chart": "bar"},
    "deadlines": {"title": _l("Deadlines"), "columns": FIG, "chart": "bar"},
    "workers": {"title": _l("Workers helped"), "columns": FIG, "chart": None},
    "amounts": {"title": _l("Amounts (yuan)"),
                "columns": [("label", _l("Amount")), ("inspection", _l("Inspection")), ("disputes", _l("Disputes")),
                            ("value", _l("Total"))], "chart": "bar"},
    "listings": {"title": _l("Blacklist listings"), "columns": FIG, "chart": "bar"},
    "trend": {"title": _l("Trend by month"),
              "columns": [("month", _l("Month")), ("new", _l("New cases")), ("closed", _l("Closed cases")),
                          ("recovered", _l("Amount recovered (yuan)"))], "chart": "trend"},
}


class DashboardInputError(DomainError):
    """Bad picker input: the messages per field, translated."""


# --- who and where ---------------------------------------------------------------------------------------------

def may_see_dashboard(user) -> bool:
    return has_role(user, *DASHBOARD_ROLES) and bool(reach_of(user))


def reach_of(user) -> list[str]:
    """Region code prefixes the user reaches (handle or view grants); the broadest first."""
    if not has_role(user, *DASHBOARD_ROLES):
        return []
    prefixes = set(region_prefixes(user, "handle_cases")) | set(region_prefixes(user, "view_cases"))
    # a prefix inside another one adds nothing
    kept = [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]
    return sorted(kept, key=lambda p: (len(p), p))


def regions_in_reach(user):
    """The regions the picker offers: every region in the user's reach (one query)."""
    return Region.objects.filter(_prefix_q(reach_of(user), "code")).order_by("code")


def _month(value: str, field: str, errors: dict) -> dt.date | None:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        errors.setdefault(field, []).append(_("Enter a month as YYYY-MM, for example 2026-03."))
        return None
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def _month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def dashboard_params(user, data) -> dict:
    """Validate the picker (region, year or from/to months, soon) against the user's reach. Raises NotAllowed
    (not a dashboard user, or a region outside the reach) or DashboardInputError (bad input, translated)."""
    reach = reach_of(user)
    if not reach:
        raise NotAllowed({"__all__": [_("You may not see dashboards.")]})
    errors: dict = {}
    code = (data.get("region") or "").strip()
    if code:
        if not re.fullmatch(r"\d{6}", code):
            errors.setdefault("region", []).append(_("Choose a region from the list."))
            region = None
        else:
            if not any(code.startswith(p) for p in reach):
                raise NotAllowed({"region": [_("This region is not in your reach.")]})
            region = Region.objects.filter(code=code).first()
            if region is None:
                errors.setdefault("region", []).append(_("Choose a region from the list."))
    else:
        region = Region.objects.filter(code=reach[0].ljust(6, "0")).first()
    today = timezone.localdate()
    start = end = None
    year, frm, to = (data.get("year") or "").strip(), (data.get("from") or "").strip(), (data.get("to") or "").strip()
    if frm or to:
        a, b = _month(frm, "from", errors), _month(to, "to", errors)
        if a and b:
            if b < a:
                errors.setdefault("to", []).append(_("The end month is before the start month."))
            elif (b.year - a.year) * 12 + b.month - a.month + 1 > MAX_MONTHS:
                errors.setdefault("to", []).append(
                    _("Choose at most %(n)s months.") % {"n": MAX_MONTHS})
            else:
                start, end = a, _month_end(b)
    elif year:
        if not re.fullmatch(r"\d{4}", year) or not 2000 <= int(year) <= today.year + 1:
            errors.setdefault("year", []).append(
                _("Enter a year between %(a)s and %(b)s.") % {"a": 2000, "b": today.year + 1})
        else:
            start, end = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    else:
        start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    soon = (data.get("soon") or "").strip()
    if soon and soon not in {str(n) for n in SOON_CHOICES}:
        errors.setdefault("soon", []).append(_("Choose one of the offered numbers of working days."))
    if errors:
        raise DashboardInputError(errors)
    return {"region": region, "start": start, "end": end, "soon": int(soon) if soon else SOON_CHOICES[1]}


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end + 1 day 00:00) in the local time zone (Asia/Shanghai), as aware datetimes."""
    tz = timezone.get_default_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


# --- the figures: one function each, a fixed number of queries -------------------------------------------------

def _models():
    """The tracks' models, looked up by name: casework does not import the tracks (docs/architecture.md)."""
    return (apps.get_model("disputes", "DisputeCase"), apps.get_model("blacklist", "CriminalTransfer"),
            apps.get_model("blacklist", "ListingDecision"), apps.get_model("blacklist", "BlacklistEntry"))


def open_cases(prefix: str) -> dict:
    """Open cases now, by track and by state. 3 queries."""
    from blacklist.models_transfer import TRANSFER_LIVE_STATES
    from disputes.models import OPEN_STATES

    DisputeCase, CriminalTransfer, _L, _E = _models()
    by_state = []
    for row in (Complaint.objects.filter(handling_region__code__startswith=prefix)
                .exclude(state__in=CLOSED_COMPLAINT).values("state").annotate(n=Count("id")).order_by("state")):
        by_state.append(("inspection", row["state"], ComplaintState(row["state"]).label, row["n"]))
    states = dict(DisputeCase._meta.get_field("state").choices)
    for row in (DisputeCase.objects.filter(region__code__startswith=prefix, state__in=OPEN_STATES)
                .values("track", "state").annotate(n=Count("id")).order_by("track", "state")):
        by_state.append((row["track"], row["state"], states.get(row["state"], row["state"]), row["n"]))
    tstates = dict(CriminalTransfer._meta.get_field("state").choices)
    for row in (CriminalTransfer.objects.filter(region__code__startswith=prefix, state__in=TRANSFER_LIVE_STATES)
                .values("state").annotate(n=Count("id")).order_by("state")):
        by_state.append(("transfer", row["state"], tstates.get(row["state"], row["state"]), row["n"]))
    by_track = {k: 0 for k in TRACKS}
    for track, _s, _label, n in by_state:
        by_track[track] += n
    return {"by_track": by_track, "by_state": by_state}


def deadlines_due(prefix: str, *, today: dt.date, soon_until: dt.date) -> dict:
    """Live deadlines of every track in the region: overdue (past their effective due date, or breached) and due
    from today to ``soon_until``. 1 query."""
    due = Coalesce("extended_to", "due_date")
    qs = Deadline.objects.filter(region__code__startswith=prefix, status__in=LIVE_DEADLINE).annotate(due=due)
    return qs.aggregate(
        overdue=Count("id", filter=Q(due__lt=today) | Q(status=Deadline.Status.BREACHED)),
        soon=Count("id", filter=Q(due__gte=today, due__lte=soon_until) & ~Q(status=Deadline.Status.BREACHED)))


def workers_helped(prefix: str, start: dt.date, end: dt.date) -> int:
    """Distinct workers on cases closed in the period with money recovered or paid: an inspection case closed with
    an amount recovered, or a line item with a payment; a dispute closed with a line item paid or a mediation
    instalment paid. 1 query."""
    from arrears.models import ArrearsLineItem

    complaint = (Q(complaint__handling_region__code__startswith=prefix, complaint__closed_at__gte=start,
                   complaint__closed_at__lte=end)
                 & (Q(complaint__amount_recovered__gt=0) | Q(amount_paid__gt=0)))
    dispute = (Q(dispute__region__code__startswith=prefix, dispute__closed_at__gte=start,
                 dispute__closed_at__lte=end)
               & (Q(amount_paid__gt=0) | Q(dispute__agreement__instalments__paid_amount__gt=0)))
    return (ArrearsLineItem.objects.filter(worker__isnull=False).filter(complaint | dispute)
            .aggregate(n=Count("worker_id", distinct=True))["n"])


def amounts(prefix: str, start: dt.date, end: dt.date) -> dict:
    """Amounts claimed, ordered and recovered on the line items of cases received in the period, inspection and
    disputes apart. Recovered: payments on the items; for mediation, instalments paid under the agreement.
    2 queries."""
    from arrears.models import ArrearsLineItem

    Instalment = apps.get_model("disputes", "Instalment")
    insp = Q(complaint__handling_region__code__startswith=prefix, complaint__received_at__gte=start,
             complaint__received_at__lte=end)
    disp = Q(dispute__region__code__startswith=prefix, dispute__received_at__gte=start,
             dispute__received_at__lte=end)

    def s(field, q):
        return Coalesce(Sum(field, filter=q), Value(ZERO), output_field=MONEY)

    sums = ArrearsLineItem.objects.filter(insp | disp).aggregate(
        claimed_i=s("amount_claimed", insp), claimed_d=s("amount_claimed", disp),
        ordered_i=s("amount_ordered", insp), ordered_d=s("amount_ordered", disp),
        paid_i=s("amount_paid", insp), paid_d=s("amount_paid", disp))
    inst = Instalment.objects.filter(agreement__case__region__code__startswith=prefix,
                                     agreement__case__received_at__gte=start,
                                     agreement__case__received_at__lte=end).aggregate(
        n=Coalesce(Sum("paid_amount"), Value(ZERO), output_field=MONEY))["n"]
    out = {"claimed": (sums["claimed_i"], sums["claimed_d"]), "ordered": (sums["ordered_i"], sums["ordered_d"]),
           "recovered": (sums["paid_i"], sums["paid_d"] + inst)}
    return {k: {"inspection": a, "disputes": b, "total": a + b} for k, (a, b) in out.items()}


def listings_published_removed(prefix: str, start: dt.date, end: dt.date) -> dict:
    """Blacklist listings published in the period, and listings removed from the public list in the period (their
    unit entry's removal: expiry, revocation or early removal). 2 queries."""
    _D, _T, ListingDecision, BlacklistEntry = _models()
    a, b = period_bounds(start, end)
    published = ListingDecision.objects.filter(region__code__startswith=prefix, published_at__gte=a,
                                               published_at__lt=b).count()
    removed = (BlacklistEntry.objects.filter(listing__region__code__startswith=prefix, role="UNIT",
                                             removed_at__gte=a, removed_at__lt=b)
               .aggregate(n=Count("listing_id", distinct=True))["n"])
    return {"published": published, "removed": removed}


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], dt.date(start.year, start.month, 1)
    while d <= end:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def monthly_trends(prefix: str, start: dt.date, end: dt.date) -> list[dict]:
    """Per month of the period: new cases (complaints and disputes received), closed cases, amount recovered
    (payments recorded on inspection cases, instalments paid under mediation agreements). 6 queries."""
    from arrears.models import Payment

    DisputeCase, _T, _L, _E = _models()
    Instalment = apps.get_model("disputes", "Instalment")
    rows = {m: {"month": m, "new": 0, "closed": 0, "recovered": ZERO} for m in _months(start, end)}

    def add(qs, date_field, key, agg):
        for r in (qs.filter(**{f"{date_field}__gte": start, f"{date_field}__lte": end})
                  .annotate(m=TruncMonth(date_field)).values("m").annotate(v=agg).order_by("m")):
            m = r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"]
            if m in rows:
                rows[m][key] += r["v"] or 0

    complaints = Complaint.objects.filter(handling_region__code__startswith=prefix).exclude(
        state=ComplaintState.DRAFT)
    disputes = DisputeCase.objects.filter(region__code__startswith=prefix)
    add(complaints, "received_at", "new", Count("id"))
    add(disputes, "received_at", "new", Count("id"))
    add(complaints, "closed_at", "closed", Count("id"))
    add(disputes, "closed_at", "closed", Count("id"))
    add(Payment.objects.filter(complaint__handling_region__code__startswith=prefix), "paid_on", "recovered",
        Sum("amount"))
    add(Instalment.objects.filter(agreement__case__region__code__startswith=prefix, paid_amount__gt=0),
        "paid_on", "recovered", Sum("paid_amount"))
    return list(rows.values())


# --- the tables the page, the API and the exports show ---------------------------------------------------------

def _simple(key, rows) -> dict:
    spec = TABLES[key]
    return {"key": key, "title": spec["title"], "columns": spec["columns"], "chart": spec["chart"], "rows": rows}


def table_rows(key: str, *, region: Region, start: dt.date, end: dt.date, soon: int, today=None) -> list[dict]:
    """One table's rows (each computed by its one figure function)."""
    p = prefix_of(region.code)
    today = today or timezone.localdate()
    if key == "open_by_track":
        o = open_cases(p)["by_track"]
        return [{"key": k, "label": TRACKS[k], "value": o[k]} for k in TRACKS]
    if key == "open_by_state":
        return [{"key": f"{t}:{s}", "track": TRACKS[t], "label": label, "value": n}
                for t, s, label, n in open_cases(p)["by_state"]]
    if key == "deadlines":
        from .clock import WorkingCalendar

        until = WorkingCalendar(region.code).add_working_days(today, soon)
        d = deadlines_due(p, today=today, soon_until=until)
        return [{"key": "overdue", "label": _l("Overdue deadlines"), "value": d["overdue"]},
                {"key": "soon", "label": _("Due within %(n)s working days") % {"n": soon}, "value": d["soon"]}]
    if key == "workers":
        return [{"key": "workers", "label": _l("Workers helped (cases closed with money recovered)"),
                 "value": workers_helped(p, start, end)}]
    if key == "amounts":
        a = amounts(p, start, end)
        labels = {"claimed": _l("Claimed"), "ordered": _l("Ordered"), "recovered": _l("Recovered")}
        return [{"key": k, "label": labels[k], "inspection": a[k]["inspection"], "disputes": a[k]["disputes"],
                 "value": a[k]["total"]} for k in labels]
    if key == "listings":
        lp = listings_published_removed(p, start, end)
        return [{"key": "published", "label": _l("Listings published"), "value": lp["published"]},
                {"key": "removed", "label": _l("Listings removed"), "value": lp["removed"]}]
    if key == "trend":
        return [{**r, "key": r["month"].strftime("%Y-%m"), "month": r["month"].strftime("%Y-%m"),
                 "label": r["month"].strftime("%Y-%m"), "value": r["new"]} for r in monthly_trends(p, start, end)]
    raise KeyError(key)


def dashboard_for(user, *, region: Region, start: dt.date, end: dt.date, soon: int) -> dict:
    """Every table of the dashboard for a region in the user's reach (checked again here)."""
    if region is None or not any(region.code.startswith(p) for p in reach_of(user)):
        raise NotAllowed({"__all__": [_("This region is not in your reach.")]})
    today = timezone.localdate()
    tables = [_simple(k, table_rows(k, region=region, start=start, end=end, soon=soon, today=today))
              for k in TABLES]
    return {"region": region, "start": start, "end": end, "soon": soon, "today": today, "tables": tables}


# --- exports: every dashboard table, same params, same reach ----------------------------------------------------

def _export_rows(key):
    def rows(user, params):
        p = dashboard_params(user, params)
        if p["region"] is None:
            return []
        return table_rows(key, **p)
    return rows


def _register_exports():
    from .exports import register_export

    for key, spec in TABLES.items():
        register_export(f"dashboard.{key}", title=spec["title"], roles=DASHBOARD_ROLES, columns=spec["columns"],
                        rows=_export_rows(key))


_register_exports()
