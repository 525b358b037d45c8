import pytest

from tests.factories import make_user


@pytest.fixture
def staff(db):
    """One user per role: Lhasa inspectors and head, a Shigatse inspector, an auditor, an intake officer."""
    return {
        "inspector": make_user("insp_a", "inspector", "540100"),
        "inspector_b": make_user("insp_b", "inspector", "540100"),
        "head": make_user("head_lhasa", "inspection_head", "540100"),
        "shigatse": make_user("insp_shigatse", "inspector", "540200"),
        "shigatse_head": make_user("head_shigatse", "inspection_head", "540200"),
        "intake": make_user("intake", "intake_officer", "540100"),
        "auditor": make_user("auditor", "auditor", "540000", perm="view_cases"),
        "sysadmin": make_user("sysadmin", "sysadmin", None, perm=None),
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 with a million rounds costs ~0.3 s per user; tests use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache: every test starts with a clean one."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # a test that stops Redis on purpose must not fail here
        pass
    yield
