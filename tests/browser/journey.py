"""Helpers shared by the browser journeys: the five intake steps filled the way a person does it (by the visible
<label> text, in the page's language), staff log-in, layout checks and axe-core.

The field values are the ones the test-client tests use (tests/casework/test_pages_public.py STEP1..STEP5); labels
are looked up through Django's own catalog, so a reworded translation does not break the journeys, while a label
that stops being tied to its input (for= / id) does.
"""
import re
from contextlib import contextmanager

from django.utils import translation
from django.utils.translation import gettext

from tests.casework.test_pages_public import STEP1, STEP2, STEP3, STEP4, STEP5
from tests.factories import png_bytes

__all__ = ["T", "label", "fill_step", "fill_steps", "press_continue", "tap", "wait_for_errors", "assert_no_hscroll",
           "assert_touch_sized", "digits", "staff_page", "login", "axe_check", "write_png",
           "STEP1", "STEP2", "STEP3", "STEP4", "STEP5", "WRONG_ID", "RIGHT_ID"]

WRONG_ID = "540102199001011230"  # check digit should be 3
RIGHT_ID = "540102199001011233"
TAP = 44  # CSS px; site.css --tap


def T(msgid, lang: str = "zh-hans") -> str:
    """What the page shows for ``msgid`` (a string or a lazy translation) in ``lang``: Django's catalogs, the
    project's and Django's own."""
    with translation.override(lang):
        return str(gettext(msgid)) if isinstance(msgid, str) else str(msgid)


def label(page, msgid: str, *, lang: str = "zh-hans", optional: bool = False):
    """The control whose <label> reads ``msgid``. An optional field's label ends in "(optional)", so it is
    matched from the start."""
    text = T(msgid, lang)
    if optional:
        return page.get_by_label(re.compile("^" + re.escape(text)))
    return page.get_by_label(text, exact=True)


def tap(locator):
    """A finger on a touch context, a click elsewhere. Either way Playwright first checks that the control is
    visible, enabled and not covered."""
    if locator.page.evaluate("navigator.maxTouchPoints > 0"):
        locator.tap()
    else:
        locator.click()


def button(page, msgid: str, lang: str = "zh-hans"):
    return page.get_by_role("button", name=T(msgid, lang), exact=True)


# --- the five steps ------------------------------------------------------------------------------------------------

def fill_step(page, n: int, *, lang: str = "zh-hans", id_number: str | None = None, evidence=None):
    """Fill step ``n`` of the guided complaint on the current page (does not press Continue)."""
    L = lambda msgid, **kw: label(page, msgid, lang=lang, **kw)  # noqa: E731
    if n == 1:
        tap(L("Complaint: I (or my group of workers) am owed wages"))
        L("Full name").fill(STEP1["complainant.name"])
        L("Resident ID number").fill(id_number or STEP1["complainant.id_number"])
        L("Mobile phone").fill(STEP1["complainant.phone"])
        L("Address", optional=True).fill(STEP1["complainant.address"])
        L("Language for letters and calls").select_option(STEP1["complainant.preferred_language"])
        L("How many workers are owed wages?").fill(STEP1["workers_affected"])
    elif n == 2:
        L("Employer's name").fill(STEP2["employer.name"])
        L("Unified social credit code", optional=True).fill(STEP2["employer.uscc"])
        L("Employer's address", optional=True).fill(STEP2["employer.address"])
        L("Name of the boss or legal representative", optional=True).fill(STEP2["employer.legal_rep_name"])
        L("Where did you work?").select_option(STEP2["region_code"])
        tap(L("Construction project (buildings, roads, bridges, water works)"))
        L("Project name (construction only)", optional=True).fill(STEP2["project_name"])
        L("Project location (construction only)", optional=True).fill(STEP2["project_location"])
    elif n == 3:
        tap(L("I have left"))
        L("Last day of work", optional=True).fill(STEP3["employment_end_date"])
        L("Since when have wages not been paid?").fill(STEP3["violation_start"])
        L("Until when were wages not paid?", optional=True).fill(STEP3["violation_end"])
    elif n == 4:
        L("Kind of pay").select_option(STEP4["items.0.category"])
        L("From").fill(STEP4["items.0.period_start"])
        L("To").fill(STEP4["items.0.period_end"])
        L("Amount owed (yuan)").fill(STEP4["items.0.amount_claimed"])
    elif n == 5:
        L("What happened?").fill(STEP5["facts"])
        L("What do you ask for?", optional=True).fill(STEP5["requests"])
        if evidence is not None:
            L("Add files").set_input_files(str(evidence))
    else:  # pragma: no cover
        raise ValueError(n)


def press_continue(page, n: int, lang: str = "zh-hans"):
    msgid = "Continue to check your answers" if n == 5 else "Continue"
    tap(page.locator("form.intake .actions").get_by_role("button", name=T(msgid, lang), exact=True))


def fill_steps(page, steps=range(1, 6), *, lang: str = "zh-hans", evidence=None):
    """Steps ``steps`` filled and continued, without screenshots: for journeys that only need a complete draft."""
    for n in steps:
        page.wait_for_url(re.compile(r"/complaint/(#.*)?$" if n == 1 else rf"/complaint/step/{n}/(#.*)?$"))
        fill_step(page, n, lang=lang, evidence=evidence if n == 5 else None)
        press_continue(page, n, lang)
    page.wait_for_url(re.compile(r"/complaint/review/(#.*)?$"))


def wait_for_errors(page):
    """After a submit that comes back with errors on the same address: the new page is there and loaded."""
    page.locator("#error-summary").wait_for()
    page.wait_for_load_state("load")
    return page.locator("#error-summary")


# --- layout --------------------------------------------------------------------------------------------------------

_WIDE = """w => Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > w + 0.5).slice(0, 8)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '')
              + ' right=' + Math.round(e.getBoundingClientRect().right))"""

_SMALL = """([scope, min]) => {
    const sel = ['button', 'input:not([type=hidden]):not([type=radio]):not([type=checkbox])', 'select', 'textarea',
                 '.choice label'].map(s => scope + ' ' + s).join(', ');
    return Array.from(document.querySelectorAll(sel))
        .filter(e => { const r = e.getBoundingClientRect();
                       return r.width > 2 && r.height > 2 && getComputedStyle(e).visibility !== 'hidden'
                              && !e.closest('details:not([open])'); })
        .filter(e => e.getBoundingClientRect().height < min - 0.5)
        .map(e => (e.name || e.id || e.textContent.trim().slice(0, 20)) + ':'
                  + Math.round(e.getBoundingClientRect().height));
}"""


def assert_no_hscroll(page, width: int = 360):
    """Nothing sticks out sideways at ``width`` CSS px: the page never scrolls horizontally."""
    sw = page.evaluate("document.documentElement.scrollWidth")
    if sw > width:  # name the culprits, so the failure says what to fix
        raise AssertionError(f"{page.url}: scrollWidth {sw} > {width}: {page.evaluate(_WIDE, width)}")


def assert_touch_sized(page, scope: str = "main", minimum: int = TAP):
    """Every visible button, text box, select and radio/checkbox label in ``scope`` is at least ``minimum`` CSS
    pixels tall (site.css --tap): big enough for a thumb. (The 1 px "Continue" that Enter presses is skipped.)"""
    small = page.evaluate(_SMALL, [scope, minimum])
    assert not small, f"{page.url}: controls smaller than {minimum}px: {small}"


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def write_png(path):
    path.write_bytes(png_bytes())
    return path


# --- staff ---------------------------------------------------------------------------------------------------------

@contextmanager
def staff_page(browser, live_server, **options):
    """A separate desktop browser context (its own cookies): one person at one computer."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url,
                              **options)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        ctx.close()


def login(page, username: str, password: str = "pw-12345678"):
    from django.contrib.auth.forms import AuthenticationForm

    page.goto("/staff/login/")
    with translation.override("zh-hans"):
        form = AuthenticationForm()
        names = str(form.fields["username"].label), str(form.fields["password"].label)
    page.get_by_label(names[0], exact=True).fill(username)
    page.get_by_label(names[1], exact=True).fill(password)
    tap(button(page, "Log in"))
    page.wait_for_url(re.compile(r"/staff/$"))


# --- accessibility -------------------------------------------------------------------------------------------------

_axe = None


def axe_check(page, name: str, impacts=("serious", "critical")):
    """Run axe-core (the copy bundled with axe-playwright-python: no network) on the page as it is now and fail
    on any violation of the given impacts, listing each with its elements."""
    global _axe
    from axe_playwright_python.sync_playwright import Axe

    _axe = _axe or Axe()
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in impacts]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
            f"    {n['target']}: {n.get('failureSummary', '').splitlines()[-1:] or ''}" for n in v["nodes"][:6])
        for v in results.response["violations"])
    if report:
        print(f"axe on {name} ({page.url}):\n{report}")
    assert not bad, f"axe: serious/critical violations on {name} ({page.url}):\n{report}"
    return results
