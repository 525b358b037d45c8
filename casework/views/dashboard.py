"""The dashboard page (/staff/dashboard/): figures per region and period as server-drawn SVG charts, each with its
numbers in a real table beside it (the accessible alternative) and CSV / Excel links. No JavaScript, no chart
library: the charts are inline SVG with a viewBox, so they scale to a 360 px phone. Thin: the figures come from
casework.services.dashboard; here only the picker form and the chart geometry."""
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache

from ..errors import NotAllowed
from ..services.dashboard import (SOON_CHOICES, DashboardInputError, dashboard_for, dashboard_params,
                                  may_see_dashboard, regions_in_reach)

__all__ = ["dashboard", "DashboardForm", "bar_chart", "trend_chart", "column_chart"]

W = 360  # the viewBox width: 1:1 on a 360 px phone, scaled up on wider screens


class DashboardForm(forms.Form):
    region = forms.ChoiceField(label=_l("Region"), required=False)
    year = forms.CharField(label=_l("Year"), required=False, max_length=4,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    soon = forms.ChoiceField(label=_l("“Due soon” means within"), required=False,
                             choices=[(str(n), _l("%(n)s working days") % {"n": n}) for n in SOON_CHOICES])

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{'— ' * (r.level != 'province') * (1 + (r.level == 'county'))}"
                                                  f"{r.display_name}") for r in regions]
        # "from" is a Python keyword: the month fields are added by name
        self.fields["from"] = forms.CharField(label=_l("From month"), required=False, max_length=7,
                                              help_text=_l("YYYY-MM; leave empty to show a whole year"),
                                              widget=forms.TextInput(attrs={"placeholder": "2026-01",
                                                                            "autocomplete": "off"}))
        self.fields["to"] = forms.CharField(label=_l("To month"), required=False, max_length=7,
                                            widget=forms.TextInput(attrs={"placeholder": "2026-12",
                                                                          "autocomplete": "off"}))
        self.order_fields(["region", "year", "from", "to", "soon"])


def _num(v) -> float:
    return float(v or 0)


def _fmt(v) -> str:
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def bar_chart(rows, *, label_key="label", value_key="value") -> dict:
    """Horizontal bars, the label above each bar (long Chinese labels fit a phone)."""
    top = max([_num(r[value_key]) for r in rows] + [0]) or 1
    bars, y = [], 8
    for r in rows:
        width = round((W - 110) * _num(r[value_key]) / top, 1)
        label = str(r[label_key]) if label_key != "track_label" else f"{r['track']} · {r['label']}"
        bars.append({"label": label, "value": _fmt(r[value_key]), "ty": y + 13, "by": y + 19, "w": max(width, 1),
                     "vx": max(width, 1) + 6, "vy": y + 34})
        y += 48
    return {"height": y + 4, "bars": bars, "width": W}


def _ticks(top: float, n: int = 4):
    step = max(1.0, top / n)
    return [round(step * i, 2) for i in range(n + 1)]


def trend_chart(rows, series) -> dict:
    """Lines per series over the months (``series``: [(key, label, css class)])."""
    left, right, top_y, bottom = 36, W - 10, 30, 170
    n = len(rows)
    top = max([_num(r[k]) for r in rows for k, _l2, _c in series] + [1])
    dx = (right - left) / max(n - 1, 1)

    def x(i):
        return round(left + dx * i, 1)

    def y(v):
        return round(bottom - (bottom - top_y) * _num(v) / top, 1)

    lines = []
    for j, (k, label, css) in enumerate(series):
        pts = [(x(i), y(r[k]), _fmt(r[k]), r["month"]) for i, r in enumerate(rows)]
        lines.append({"label": label, "css": css, "points": " ".join(f"{a},{b}" for a, b, _v, _m in pts),
                      "dots": [{"x": a, "y": b, "v": v, "m": m} for a, b, v, m in pts],
                      "lx": left + j * 150, "ly": 14})
    every = max(1, (n + 5) // 6)
    labels = [{"x": x(i), "text": r["month"][2:] if n > 12 else r["month"][5:]} for i, r in enumerate(rows)
              if i % every == 0]
    grid = [{"y": y(t), "text": _fmt(int(t)) if float(t).is_integer() else _fmt(t)} for t in _ticks(top)]
    return {"width": W, "height": 200, "lines": lines, "labels": labels, "grid": grid, "left": left,
            "right": right, "bottom": bottom, "ly": bottom + 18}


def column_chart(rows, *, value_key) -> dict:
    """Vertical columns per month (the amounts recovered)."""
    left, right, top_y, bottom = 36, W - 10, 30, 170
    n = max(len(rows), 1)
    slot = (right - left) / n
    top = max([_num(r[value_key]) for r in rows] + [1])
    cols = []
    for i, r in enumerate(rows):
        h = round((bottom - top_y) * _num(r[value_key]) / top, 1)
        cols.append({"x": round(left + slot * i + slot * 0.15, 1), "w": round(slot * 0.7, 1), "y": bottom - h,
                     "h": max(h, 0), "v": _fmt(r[value_key]), "m": r["month"]})
    every = max(1, (n + 5) // 6)
    labels = [{"x": round(left + slot * (i + 0.5), 1), "text": r["month"][2:] if n > 12 else r["month"][5:]}
              for i, r in enumerate(rows) if i % every == 0]
    peak = max([_num(r[value_key]) for r in rows] + [0])
    return {"width": W, "height": 200, "cols": cols, "labels": labels, "left": left, "right": right,
            "bottom": bottom, "ly": bottom + 18, "top_y": top_y,
            "peak": _fmt(Decimal(str(peak)).quantize(Decimal("0.01"))) if peak else ""}


def _figures(board) -> list[dict]:
    out = []
    for t in board["tables"]:
        item = {**t, "export_key": f"dashboard.{t['key']}"}
        if t["key"] == "open_by_state":
            item["bar"] = bar_chart(t["rows"], label_key="track_label")
        elif t["chart"] == "bar":
            item["bar"] = bar_chart(t["rows"])
        elif t["chart"] == "trend":
            item["trend"] = trend_chart(t["rows"], [("new", _l("New cases"), "s1"),
                                                   ("closed", _l("Closed cases"), "s2")])
            item["columns_chart"] = column_chart(t["rows"], value_key="recovered")
        item["cells"] = [[{"text": _fmt(r.get(k)) if not isinstance(r.get(k), str) else r.get(k), "label": lbl,
                           "num": k not in ("label", "track", "month")} for k, lbl in t["columns"]]
                         for r in t["rows"]]
        out.append(item)
    return out


@login_required
@never_cache
def dashboard(request):
    user = request.user
    if not may_see_dashboard(user):
        raise Http404
    regions = list(regions_in_reach(user))
    form = DashboardForm(request.GET or None, regions=regions)
    status, board, errors = 200, None, []
    try:
        params = dashboard_params(user, request.GET)
    except NotAllowed:
        raise Http404  # a region outside the reach: as if it did not exist
    except DashboardInputError as e:
        status = 400
        form.is_valid()
        for field, msgs in e.errors.items():
            for m in msgs:
                form.add_error(field if field in form.fields else None, m)
                errors.append({"href": f"#id_{field}", "label": form.fields[field].label if field in form.fields
                               else "", "message": m})
    else:
        if params["region"] is None:
            raise Http404
        board = dashboard_for(user, **params)
        if not request.GET:
            form = DashboardForm(initial={"region": params["region"].code, "year": str(params["start"].year),
                                          "soon": str(params["soon"])}, regions=regions)
    query = request.GET.urlencode() if board else ""
    return render(request, "staff/dashboard.html", {
        "form": form, "from_field": form["from"], "board": board, "figures": _figures(board) if board else [],
        "errors": errors, "query": query}, status=status)
