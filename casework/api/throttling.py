"""Per-IP rate limits for the public endpoints (casework.ratelimits, counted in the shared cache so that the limit
holds across web processes). The rates are settings read on every request (TRACKING_RATE, INTAKE_RATE,
API_TOKEN_RATE), so an operator sets them from the environment and tests override them.

The client address is ``REMOTE_ADDR``. Behind a reverse proxy, set
``RATELIMIT_IP_META_KEY`` (for example to the header the proxy sets) or every caller shares the proxy's address.
"""
from django.conf import settings
from django.utils.translation import gettext as _

from ..ratelimits import limited, rate_period
from .errors import RateLimited

__all__ = ["enforce_rate"]


def enforce_rate(request, *, group: str, setting: str, default: str) -> None:
    """Count this request against ``group``'s per-IP budget; raise RateLimited (429) when it is spent."""
    rate = getattr(settings, setting, None) or default
    django_request = getattr(request, "_request", request)
    if limited(django_request, group=group, rate=rate):
        raise RateLimited({"__all__": [_("Too many requests from your network address. Please wait a while and "
                                         "try again, or call 12333.")]}, retry_after=rate_period(rate)[1])
