"""A member of the public, on a 360 px phone and with no account, finds a listed employer in the blacklist registry
by typing part of its Chinese name, opens it and sees the co-listed legal representative with a masked ID number;
then the same search with a shared ``?lang=bo`` link shows the registry in Tibetan. Screenshots: registry-zh,
registry-detail-zh, registry-bo."""
import re

import pytest

from tests.blacklist.conftest import REP_ID, bl, make_listing  # noqa: F401 (bl is a fixture)

from .conftest import shot
from .journey import T, assert_no_hscroll, label, tap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIBETAN = re.compile("[\u0F00-\u0FFF]")


def test_public_finds_a_listed_employer_on_a_phone(phone, bl):
    listing = make_listing(bl, to="published")
    page = phone

    page.goto("/registry/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("main h1").inner_text() == T("Wage-arrears blacklist")
    label(page, "Employer name (or part of it)", optional=True).fill("示例建筑")
    tap(page.locator("form.filters").get_by_role("button", name=T("Search"), exact=True))
    page.wait_for_url(re.compile(r"/registry/\?(.*&)?q="))
    link = page.get_by_role("link", name=listing.unit_name)
    assert link.is_visible()
    assert_no_hscroll(page, 360)
    shot(page, "registry-zh")

    tap(link)
    page.wait_for_url(re.compile(rf"/registry/{listing.pk}/$"))
    body = page.locator("main").inner_text()
    assert "王建国" in body and "540102********1239" in body and REP_ID not in body
    assert_no_hscroll(page, 360)
    shot(page, "registry-detail-zh")

    page.goto("/registry/?lang=bo")
    assert page.locator("html").get_attribute("lang") == "bo"
    assert TIBETAN.search(page.locator("main h1").inner_text())
    label(page, "Employer name (or part of it)", lang="bo", optional=True).fill("示例")
    tap(page.locator("form.filters").get_by_role("button", name=T("Search", "bo"), exact=True))
    page.wait_for_url(re.compile(r"/registry/\?(.*&)?q="))
    assert page.get_by_role("link", name=listing.unit_name).is_visible()
    assert_no_hscroll(page, 360)
    shot(page, "registry-bo")
