"""Reading the public registry (spec §8.2, §14). Only listings that are published and whose unit entry is not
removed; only the published fields. Every public page, API response and open-data export is built by
``public_row`` so the field list exists once. A search page costs four queries whatever the number of listings:
the matches' keys up to the count cap, the page's rows, one prefetch of co-listed persons, and "last updated"
(folding the last into the first was tried: it decodes the timestamp once per match, twice the time of a broad
search)."""
import logging
import weakref

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, Max, OuterRef, Prefetch, Q, Value

from casework.models import prefix_of

from .cache import registry_cached, registry_peek
from .models import BlacklistEntry, ListingDecision, ListingState

__all__ = ["public_listings", "blacklist_search", "blacklist_search_if_cached", "public_row", "public_get",
           "registry_last_updated", "trigram_available", "PAGE_SIZE", "CSV_FIELDS"]

log = logging.getLogger(__name__)
PAGE_SIZE = 20


def count_cap() -> int:
    """How far a public search counts (setting REGISTRY_COUNT_CAP, default 1,000): an operational limit, not law."""
    return int(getattr(settings, "REGISTRY_COUNT_CAP", 1000))
LEGAL_BASIS = {
    "amount": "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条第（一）项",
    "incident": "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条第（二）项",
}
_trgm: bool | None = None


def trigram_available() -> bool:
    """pg_trgm installed (migration blacklist/0003 creates it on PostgreSQL when it may)."""
    global _trgm
    if connection.vendor != "postgresql":
        return False
    if _trgm is None:
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trgm = cur.fetchone() is not None
    return _trgm


def public_listings():
    live_unit = BlacklistEntry.objects.filter(listing=OuterRef("pk"), role="UNIT", removed_at__isnull=True)
    persons = BlacklistEntry.objects.filter(subject_type="PERSON", removed_at__isnull=True).only(
        "id", "listing_id", "role", "public_display_name", "public_id_masked")
    return (ListingDecision.objects.filter(state=ListingState.PUBLISHED, published_at__isnull=False)
            .filter(Exists(live_unit)).select_related("region")
            .prefetch_related(Prefetch("entries", queryset=persons, to_attr="public_persons"))
            .order_by("-decided_at", "-id"))


class _WordSimilar(Func):
    """``unit_name %> q``: pg_trgm's word similarity of ``q`` to the name reaches the session's
    ``pg_trgm.word_similarity_threshold`` (set to WORD_SIMILARITY by ``_trigram_session``). Unlike
    ``word_similarity(q, unit_name) >= x``, the operator can use the GIN trigram index (migration blacklist/0003),
    so a fuzzy search does not compute the similarity of every listing."""
    arg_joiner = " %%> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


WORD_SIMILARITY = "0.4"
_threshold_set: "weakref.WeakSet" = weakref.WeakSet()  # the driver connections that have it (a reconnect has not)


def _trigram_session() -> None:
    """Set the word-similarity threshold the ``%>`` operator compares with, once per database connection. The
    setting is made in autocommit (outside any transaction, so no rollback can undo it); inside a transaction it is
    made for that transaction only and again next time."""
    connection.ensure_connection()
    if connection.connection in _threshold_set:
        return
    with connection.cursor() as cur:
        cur.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [WORD_SIMILARITY])
    if connection.get_autocommit():
        _threshold_set.add(connection.connection)


class _HasGram(Func):
    """``registry_grams(unit_name) @> ARRAY[UPPER(q)]``: the name holds ``q`` (one or two characters), answered by the
    GIN index of migration blacklist/0010 — exactly ``icontains`` for such a ``q``."""
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        (name_sql, name_params), (q_sql, q_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"(registry_grams({name_sql}) @> ARRAY[UPPER({q_sql})]::text[])", (*name_params, *q_params)


def _search(qs, *, q: str = "", uscc: str = "", region: str = ""):
    q, uscc, region = (q or "").strip(), (uscc or "").strip().upper(), (region or "").strip()
    if q:
        # PostgreSQL: UPPER(unit_name) LIKE UPPER('%q%') uses the trigram index on UPPER(unit_name) (migration
        # blacklist/0008) for 3+ characters
        cond = Q(unit_name__icontains=q)
        if connection.vendor == "postgresql" and len(q) <= 2:
            cond = Q(_HasGram(F("unit_name"), Value(q)))
        elif trigram_available() and len(q) >= 3:
            _trigram_session()
            cond |= Q(_WordSimilar(F("unit_name"), Value(q)))
        qs = qs.filter(cond)
    if uscc:
        qs = qs.filter(uscc=uscc)
    if region:
        qs = qs.filter(region__code__startswith=prefix_of(region))
    return qs


def public_row(listing) -> dict:
    """The published fields of §8.2 for one listing, and nothing else."""
    persons = getattr(listing, "public_persons", None)
    if persons is None:
        persons = list(listing.entries.filter(subject_type="PERSON", removed_at__isnull=True))
    legal_rep = next((p.public_display_name for p in persons if p.role in ("LEGAL_REP", "PRINCIPAL")), "")
    reason = (f"拖欠农民工工资{listing.arrears_amount:,.2f}元，涉及劳动者{listing.workers_affected}人，"
              f"经责令限期支付（{listing.order_doc_no}）逾期未支付")
    if listing.basis_limb == "incident":
        reason += "，引发群体性事件、极端事件造成严重不良社会影响"
    return {
        "id": listing.pk, "unit_name": listing.unit_name, "uscc": listing.uscc,
        "region_code": listing.region_id, "region_name": listing.region.name_zh,
        "legal_representative": legal_rep,
        "co_listed": [{"name": p.public_display_name, "role": p.role, "id_number_masked": p.public_id_masked}
                      for p in persons],
        "reason": reason, "legal_basis": LEGAL_BASIS[listing.basis_limb],
        "deciding_department": listing.deciding_department, "decision_no": listing.decision_no,
        "decided_at": listing.decided_at.isoformat(), "period_start": (listing.period_restarted_on or listing.decided_at).isoformat(),
        "period_end": listing.period_end.isoformat(),
    }


def registry_last_updated() -> str | None:
    """When the public list last changed: the newest change to a listing that was ever published."""
    at = ListingDecision.objects.filter(published_at__isnull=False).aggregate(m=Max("updated_at"))["m"]
    return at.isoformat(timespec="seconds") if at else None


def _search_params(q: str, uscc: str, region: str, page: int) -> dict:
    return {"q": (q or "").strip()[:100], "uscc": (uscc or "").strip().upper()[:18],
            "region": (region or "").strip()[:6], "page": page}


def blacklist_search_if_cached(*, q: str = "", uscc: str = "", region: str = "", page: int = 1,
                               fetch=None) -> dict | None:
    """The page ``blacklist_search`` would return, if it is in the cache under the current version; else None
    (the API's fast path serves hits without the rest of the stack, blacklist.api; ``fetch``: blacklist.cache
    registry_peek)."""
    return registry_peek("search", _search_params(q, uscc, region, page), fetch)


def blacklist_search(*, q: str = "", uscc: str = "", region: str = "", page: int = 1) -> dict:
    """One page of the public registry (cached under the registry version)."""
    params = _search_params(q, uscc, region, page)

    def compute():
        qs = _search(public_listings(), **{k: params[k] for k in ("q", "uscc", "region")})
        # An exact count of a broad search reads every matching listing (with its live-entry check): at 100,000
        # listings that one query was most of a search's time (docs/blacklist.md, "Registry benchmark"). The
        # count stops at the cap instead; past it the page says "more than N" and asks for a narrower search (the
        # whole list is the open-data download).
        cap = count_cap()
        # The count's query returns the matches' keys rather than a number. Up to the cap, the page is then cut
        # from them here and read by primary key: left to itself, PostgreSQL reads a narrow name search's page by
        # walking the registry order and testing every listing's name until 20 match (it expects far more
        # matches than a name has), 0.4 s for a name with three listings.
        hits = list(qs.order_by().values_list("decided_at", "id")[:cap + 1])
        more = len(hits) > cap
        count = min(len(hits), cap)
        num_pages = max(1, -(-count // PAGE_SIZE))
        try:
            number = min(max(1, int(params["page"])), num_pages)
        except (TypeError, ValueError):
            number = 1
        if more:  # a broad search: its matches are dense in the registry order, so walking that order is quick
            rows = list(qs[(number - 1) * PAGE_SIZE:number * PAGE_SIZE])
        else:
            hits.sort(reverse=True)  # the registry order: newest decision first, then the newest id
            ids = [pk for _, pk in hits[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]]
            rows = list(public_listings().filter(pk__in=ids)) if ids else []
        return {"count": count, "count_is_lower_bound": more, "page": number, "num_pages": num_pages,
                "results": [public_row(x) for x in rows], "last_updated": registry_last_updated()}

    return registry_cached("search", params, compute)


def public_get(pk: int) -> dict | None:
    def compute():
        listing = public_listings().filter(pk=pk).first()
        return {"row": public_row(listing) if listing else None, "last_updated": registry_last_updated()}

    return registry_cached("detail", {"pk": pk}, compute)


CSV_FIELDS = ["id", "unit_name", "uscc", "region_code", "region_name", "legal_representative", "co_listed",
              "reason", "legal_basis", "deciding_department", "decision_no", "decided_at", "period_start",
              "period_end"]


def export_rows():
    """Every current listing, one public row at a time: ``.iterator()`` with chunked prefetching keeps memory
    constant whatever the size of the list."""
    for listing in public_listings().iterator(chunk_size=500):
        yield public_row(listing)
