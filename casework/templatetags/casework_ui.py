"""Presentation helpers for the pages: status badges, digit grouping, ISO dates, accessible form fields."""
import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.forms import CheckboxInput, CheckboxSelectMultiple, RadioSelect
from django.utils.dateparse import parse_date, parse_datetime

from ..models import ComplaintState as S, Deadline
from ..views.lang import available_languages as _available_languages

register = template.Library()

TONES = {
    S.RECEIVED: "info", S.NEEDS_CORRECTION: "warn", S.ACCEPTED_FILED: "info", S.INVESTIGATING: "info",
    S.ORDER_ISSUED: "warn", S.DECISION_PENDING: "warn", S.DECIDED: "warn", S.COMPLIED: "ok",
    S.NON_COMPLIANT: "danger", S.CLOSED: "neutral", S.REJECTED_LIMITATION: "neutral",
    S.REDIRECTED_DISPUTE: "neutral", S.FORWARDED_JURISDICTION: "neutral", S.CLOSED_WITHDRAWN_CASE: "neutral",
    S.TRANSFERRED_OTHER_DEPT: "neutral", S.DRAFT: "neutral",
    Deadline.Status.OPEN: "info", Deadline.Status.MET: "ok", Deadline.Status.BREACHED: "danger",
    Deadline.Status.EXTENDED: "warn", Deadline.Status.PAUSED: "neutral", Deadline.Status.WAIVED: "neutral",
}


@register.simple_tag
def available_languages():
    return _available_languages()


@register.filter
def tone(state) -> str:
    return TONES.get(str(state), "neutral")


@register.filter
def groups(value, size=4):
    """"2026-5401-00042-7" → its dash groups; "12345678" → ["1234", "5678"] (easier to read out and copy)."""
    value = str(value or "")
    if "-" in value:
        return value.split("-")
    size = int(size)
    return [value[i:i + size] for i in range(0, len(value), size)]


@register.filter
def isodate(value):
    """An ISO date or datetime string (as the selectors return them) → a date/datetime for the |date filter."""
    if not value or isinstance(value, (dt.date, dt.datetime)):
        return value
    return parse_datetime(value) or parse_date(value) or value


@register.filter
def money(value) -> str:
    """Yuan with thousands separators and two decimals (18,000.00); "—" when there is no amount yet."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.inclusion_tag("includes/form_field.html")
def form_field(bound_field, errors=None, hint=""):
    """A Django form field with its label, hint and errors tied to the input (aria-describedby, aria-invalid).
    ``errors``: messages for this field from a DomainError (the service's word); defaults to the form's own."""
    messages = list(errors) if errors is not None else list(bound_field.errors)
    widget = bound_field.field.widget
    hint = hint or bound_field.help_text
    fid = bound_field.id_for_label or f"id_{bound_field.html_name}"
    described = " ".join(x for x in [f"{fid}-hint" if hint else "", f"{fid}-error" if messages else ""] if x)
    attrs = {}
    if described:
        attrs["aria-describedby"] = described
    if messages:
        attrs["aria-invalid"] = "true"
    choice_list = isinstance(widget, (RadioSelect, CheckboxSelectMultiple))
    return {
        "f": bound_field, "errors": messages, "hint": hint, "fid": fid, "widget": bound_field.as_widget(attrs=attrs),
        "is_checkbox": isinstance(widget, CheckboxInput), "is_choice_list": choice_list,
        "hidden": bound_field.is_hidden,
    }


@register.simple_tag
def error_list(form, errors=None):
    from ..views.forms import form_error_summary

    return form_error_summary(form, errors)


@register.simple_tag(takes_context=True)
def next_path(context):
    """The current path for the language switcher's ``next``, without a ``?lang=`` that would undo the choice."""
    request = context.get("request")
    if request is None:
        return "/"
    params = request.GET.copy()
    params.pop("lang", None)
    query = params.urlencode()
    return request.path + (f"?{query}" if query else "")


@register.simple_tag
def user_has_role(user, *roles):
    from ..access import has_role

    return has_role(user, *roles)
