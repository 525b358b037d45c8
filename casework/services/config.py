"""Reading effective-dated configuration: legal parameters and deadline rules."""
import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import DeadlineRule, LegalParameter, region_chain

__all__ = ["param", "params", "rule", "MissingConfiguration"]


class MissingConfiguration(DomainError):
    status = 503


def param(key: str, *, on: dt.date | None = None, region_code: str | None = None) -> Decimal:
    """The value of legal parameter ``key`` in force on ``on``. Like the layered calendar, the most specific region
    of the chain (county → prefecture → province) that has a row in force decides, whatever the dates of rows of
    other levels; within one region the newest row in force; with no regional row, the general (national) one."""
    on = on or dt.date.today()
    rows = list(LegalParameter.objects.filter(key=key, effective_from__lte=on).order_by("-effective_from", "-id"))
    return pick_param(rows, key=key, on=on, region_code=region_code)


def pick_param(rows, *, key: str, on: dt.date, region_code: str | None) -> Decimal:
    """The rule of ``param`` over rows already read (in force on ``on``, newest first): for callers that read a
    key's rows once and ask for many regions (arrears.findings)."""
    if region_code:
        for code in region_chain(region_code):
            specific = [r for r in rows if r.region_id == code]
            if specific:
                return specific[0].decimal
    general = [r for r in rows if r.region_id is None]
    if not general:
        raise MissingConfiguration(_("Configuration missing: legal parameter %(key)s for %(date)s. "
                                     "An administrator must add it.") % {"key": key, "date": on})
    return general[0].decimal


def params(*keys: str, on: dt.date | None = None) -> dict[str, Decimal]:
    """Several general (not region-specific) legal parameters in one query."""
    on = on or dt.date.today()
    found: dict[str, Decimal] = {}
    for row in (LegalParameter.objects.filter(key__in=keys, region__isnull=True, effective_from__lte=on)
                .order_by("key", "-effective_from")):
        found.setdefault(row.key, row.decimal)
    missing = [k for k in keys if k not in found]
    if missing:
        raise MissingConfiguration(_("Configuration missing: legal parameter %(key)s for %(date)s. "
                                     "An administrator must add it.") % {"key": ", ".join(missing), "date": on})
    return found


def rule(rule_id: str, *, on: dt.date | None = None) -> DeadlineRule:
    on = on or dt.date.today()
    found = DeadlineRule.objects.filter(rule_id=rule_id, effective_from__lte=on).order_by("-effective_from").first()
    if found is None:
        raise MissingConfiguration(_("Configuration missing: deadline rule %(rule)s for %(date)s.")
                                   % {"rule": rule_id, "date": on})
    return found
