"""API test helpers: clients authenticated the way real clients are (a token per user, so every request loads a
fresh user, as in production), a private media folder per test, and a clean rate-limit cache."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def api_cache(db):
    """Rate limits are counted in the cache (a database table by default): clear it with the database open."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_client(user=None, language="en") -> APIClient:
    """A client speaking ``language`` (messages are asserted in English), with ``user``'s token if given."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE=language)
    return client


@pytest.fixture
def anon():
    return make_client()


@pytest.fixture
def clients(staff):
    """One authenticated client per staff role, plus "anonymous"."""
    out = {name: make_client(user) for name, user in staff.items()}
    out["anonymous"] = make_client()
    return out
