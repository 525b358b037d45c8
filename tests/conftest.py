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
