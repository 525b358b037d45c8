"""The public registry API (no account): search, one listing, and the open-data exports. Only the published
fields of spec §8.2 (blacklist.selectors.public_row); cached (blacklist.cache) and rate-limited per IP
(REGISTRY_RATE, REGISTRY_EXPORT_RATE). Errors use the API's one shape (casework.api.errors)."""
import csv
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.errors import NotFound, raise_for_serializer
from casework.api.throttling import enforce_rate
from casework.ratelimits import limited, limited_with

from .selectors import (CSV_FIELDS, blacklist_search, blacklist_search_if_cached, export_rows, public_get,
                        registry_last_updated)

__all__ = ["RegistryListView", "RegistryDetailView", "registry_csv", "registry_json"]


class _Filter(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    uscc = serializers.CharField(required=False, allow_blank=True, max_length=18)
    region = serializers.RegexField(r"^\d{2,6}$", required=False, allow_blank=True)
    page = serializers.IntegerField(required=False, min_value=1, default=1)


def _rate(request):
    enforce_rate(request, group="blacklist.registry", setting="REGISTRY_RATE", default="120/m")


def _plain_params(query) -> dict | None:
    """The search parameters, when every one is plainly valid (what ``_Filter`` would accept unchanged); None when
    anything needs the serializer, to be cleaned or to be refused with its message."""
    q, uscc, region, page = (query.get(k, "") for k in ("q", "uscc", "region", "page"))
    if "\x00" in q + uscc + region:
        return None
    q, uscc, region = q.strip(), uscc.strip(), region.strip()
    if len(q) > 100 or len(uscc) > 18:
        return None
    if region and not (region.isascii() and region.isdigit() and 2 <= len(region) <= 6):
        return None
    if "page" in query:
        if not (page.isascii() and page.isdigit() and len(page) <= 9 and int(page) >= 1):
            return None
        page = int(page)
    else:
        page = 1
    return {"q": q, "uscc": uscc, "region": region, "page": page}


def _cached_search(request):
    """The public search's fast path: a JSON client's request whose page is in the cache is answered here, without
    DRF's request wrapping, content negotiation and serializer (about a third of a cached request's time, bench/
    registry.py). Counted against the same rate limit; anything else (HTML for the browsable API, a parameter to
    clean or refuse, a cache miss, a spent budget) goes the full way, which counts the request only once
    (casework.ratelimits)."""
    if request.method != "GET" or "html" in request.headers.get("Accept", "") or "format" in request.GET:
        return None
    params = _plain_params(request.GET)
    if params is None:
        return None
    spent = []

    def count_and_fetch(keys):  # the rate limit's count and the cache read in one round trip
        over, found = limited_with(request, group="blacklist.registry",
                                   rate=getattr(settings, "REGISTRY_RATE", None) or "120/m", keys=keys)
        spent.append(over)
        return found

    page = blacklist_search_if_cached(**params, fetch=count_and_fetch)
    if page is None or not spent or spent[0]:
        return None
    body = json.dumps(page, ensure_ascii=False, separators=(",", ":"))
    # byte for byte what DRF's JSONRenderer writes (it escapes the two line separators JavaScript rejects)
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return HttpResponse(body, content_type="application/json",
                        headers={"Vary": "Accept", "Allow": "GET, HEAD, OPTIONS"})


@extend_schema_view(get=extend_schema(
    tags=["public"], operation_id="blacklist_search", summary=_l("Search the wage-arrears blacklist"),
    description=_l("Public. Published, current listings only, with the published fields. `q`: employer name or "
                   "part of it; `uscc`: credit code; `region`: region code or prefix. 20 per page. `count` stops at 1,000 (setting "
                   "REGISTRY_COUNT_CAP): when `count_is_lower_bound` is true there are more; narrow the search or "
                   "use the open-data download."),
    parameters=[OpenApiParameter("q", OpenApiTypes.STR), OpenApiParameter("uscc", OpenApiTypes.STR),
                OpenApiParameter("region", OpenApiTypes.STR), OpenApiParameter("page", OpenApiTypes.INT)],
    responses={200: OpenApiTypes.OBJECT}))
class RegistryListView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def dispatch(self, request, *args, **kwargs):
        fast = _cached_search(request)
        return fast if fast is not None else super().dispatch(request, *args, **kwargs)

    def get(self, request):
        _rate(request)
        p = raise_for_serializer(_Filter(data=request.query_params.dict()))
        return Response(blacklist_search(q=p.get("q", ""), uscc=p.get("uscc", ""), region=p.get("region", ""),
                                         page=p["page"]))


@extend_schema_view(get=extend_schema(tags=["public"], operation_id="blacklist_detail",
                                      summary=_l("One published listing"), responses={200: OpenApiTypes.OBJECT}))
class RegistryDetailView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, pk: int):
        _rate(request)
        found = public_get(pk)
        if found["row"] is None:
            raise NotFound({"__all__": [_("Not found.")]})
        return Response({**found["row"], "last_updated": found["last_updated"]})


def _export_limited(request):
    rate = getattr(settings, "REGISTRY_EXPORT_RATE", None) or "10/m"
    if limited(request, group="blacklist.export", rate=rate):
        msg = _("Too many requests from your network address. Please wait a while and try again, or call 12333.")
        return JsonResponse({"errors": {"__all__": [msg]}, "detail": msg}, status=429)
    return None


EXPORT_BATCH = 200  # rows per chunk written to the socket: one write per row costs more than the row itself


def _batched(pieces):
    """Join the export's pieces into chunks of EXPORT_BATCH, so the server writes a few hundred kilobytes at a time
    instead of one small write per listing; memory stays bounded by one chunk."""
    batch = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= EXPORT_BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


class _Echo:
    def write(self, value):
        return value


def registry_csv(request):
    """The whole current list as CSV (UTF-8 with BOM for spreadsheet programs), streamed row by row."""
    refused = _export_limited(request)
    if refused:
        return refused

    def rows():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([*CSV_FIELDS, "last_updated"])
        updated = registry_last_updated() or ""
        for row in export_rows():
            persons = "; ".join(f"{p['name']} {p['id_number_masked']}".strip() for p in row["co_listed"])
            yield writer.writerow([*(persons if f == "co_listed" else row[f] for f in CSV_FIELDS), updated])

    response = StreamingHttpResponse(_batched(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="blacklist.csv"'
    return response


def registry_json(request):
    """The whole current list as one JSON document, streamed listing by listing."""
    refused = _export_limited(request)
    if refused:
        return refused

    def chunks():
        yield '{"last_updated": %s, "results": [' % json.dumps(registry_last_updated())
        first = True
        for row in export_rows():
            yield ("" if first else ",") + json.dumps(row, ensure_ascii=False)
            first = False
        yield "]}"

    return StreamingHttpResponse(_batched(chunks()), content_type="application/json; charset=utf-8")
