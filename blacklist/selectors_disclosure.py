"""Reading disclosures of major violations (spec §9, §14). The public page and API show only disclosures in a public
state whose display period has not ended, and only the four field groups of Order 29 plus the decision's metadata
(``public_row``: the field list exists once). Cached under the public version counter of blacklist.cache (the
same counter as the registry: publication, correction, withdrawal and expiry bump it). Query count is constant:
a count and the rows (+ the "last updated" aggregate)."""
import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Max
from django.utils import timezone

from casework.models import prefix_of

from .cache import registry_cached
from .models_disclosure import CATEGORY_ZH, PUBLIC_DISCLOSURE_STATES, Disclosure

__all__ = ["public_disclosures", "public_row", "disclosure_search", "disclosure_public_get",
           "disclosures_last_updated", "employer_disclosures", "PAGE_SIZE", "PUBLIC_FIELDS"]

PAGE_SIZE = 20
PUBLIC_FIELDS = ["id", "category", "category_label", "unit_name", "uscc", "address", "legal_representative", "facts",
                 "handling", "deciding_department", "decision_no", "decision_date", "region_code", "region_name",
                 "published_on", "display_until"]
_ONLY = ("id", "category", "unit_name", "uscc", "address", "legal_rep_name", "facts", "handling",
         "deciding_department", "decision_no", "decision_date", "region__code", "region__name_zh", "published_at",
         "display_until", "state")


def public_disclosures(today: dt.date | None = None):
    today = today or timezone.localdate()
    return (Disclosure.objects.filter(state__in=PUBLIC_DISCLOSURE_STATES, published_at__isnull=False,
                                      display_until__gte=today)
            .select_related("region").only(*_ONLY).order_by("-published_at", "-id"))


def public_row(d: Disclosure) -> dict:
    """Order 29's four field groups (entity: name, credit code or registration number, address; legal
    representative; main facts; handling) and the decision's metadata — nothing else."""
    return {
        "id": d.pk, "category": d.category, "category_label": CATEGORY_ZH[d.category],
        "unit_name": d.unit_name, "uscc": d.uscc, "address": d.address, "legal_representative": d.legal_rep_name,
        "facts": d.facts, "handling": d.handling,
        "deciding_department": d.deciding_department, "decision_no": d.decision_no,
        "decision_date": d.decision_date.isoformat(), "region_code": d.region.code, "region_name": d.region.name_zh,
        "published_on": timezone.localdate(d.published_at).isoformat(), "display_until": d.display_until.isoformat(),
    }


def disclosures_last_updated() -> str | None:
    at = Disclosure.objects.filter(published_at__isnull=False).aggregate(m=Max("updated_at"))["m"]
    return at.isoformat(timespec="seconds") if at else None


def _search(qs, *, q="", uscc="", region=""):
    if q:
        qs = qs.filter(unit_name__icontains=q)
    if uscc:
        qs = qs.filter(uscc=uscc)
    if region:
        qs = qs.filter(region__code__startswith=prefix_of(region))
    return qs


def disclosure_search(*, q: str = "", uscc: str = "", region: str = "", page: int = 1) -> dict:
    """One page of the public list (20 per page), cached under the public version; today's date is part of the key,
    so a record whose display period ended leaves the list the next day even before the sweep ran."""
    today = timezone.localdate()
    params = {"q": (q or "").strip()[:100], "uscc": (uscc or "").strip().upper()[:32],
              "region": (region or "").strip()[:6], "page": page, "today": today.isoformat()}

    def compute():
        qs = _search(public_disclosures(today), **{k: params[k] for k in ("q", "uscc", "region")})
        paginator = Paginator(qs, PAGE_SIZE)
        p = paginator.get_page(params["page"])
        return {"count": paginator.count, "page": p.number, "num_pages": paginator.num_pages,
                "results": [public_row(x) for x in p.object_list], "last_updated": disclosures_last_updated()}

    return registry_cached("disclosure-search", params, compute)


def disclosure_public_get(pk: int) -> dict:
    today = timezone.localdate()

    def compute():
        d = public_disclosures(today).filter(pk=pk).first()
        return {"row": public_row(d) if d else None, "last_updated": disclosures_last_updated()}

    return registry_cached("disclosure-detail", {"pk": pk, "today": today.isoformat()}, compute)


def employer_disclosures(employer) -> list[dict]:
    """Every disclosure of the employer for its integrity file (staff): state, category, decision, dates, objection
    outcome. No personal data (the published text itself passed the privacy review)."""
    rows = []
    for d in (Disclosure.objects.filter(employer=employer).select_related("region", "batch")
              .order_by("-decision_date", "-id")):
        published = timezone.localdate(d.published_at).isoformat() if d.published_at else None
        label = f"{d.decision_no} · {d.get_category_display()} · {d.get_state_display()}"
        if published:
            label += f" · {published}"
        rows.append({"id": d.pk, "state": d.state, "state_label": str(d.get_state_display()),
                     "category": d.category, "category_label": str(d.get_category_display()),
                     "decision_no": d.decision_no, "decision_date": d.decision_date.isoformat(),
                     "deciding_department": d.deciding_department, "batch": d.batch.label,
                     "published_on": published,
                     "display_until": d.display_until.isoformat() if d.display_until else None,
                     "objection_result": d.objection_result,
                     "archived": d.archived_at is not None, "label": label})
    return rows
