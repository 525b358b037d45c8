"""Browser tests: Playwright driving Debian's Chromium against a live server. Screenshots of every journey are kept
in test-artifacts/ (CI keeps them). When Chromium is not installed (and .ci/browser-deps could not install it),
`make test` says so plainly; the tests are then reported as skipped with that reason, never as passed."""
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)), None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None or os.environ.get("CASEWORK_NO_BROWSER"):
        pytest.skip("Chromium is not installed on this machine (run .ci/browser-deps as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def phone(browser, live_server):
    """A 360x740 phone viewport, Chinese by default."""
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", base_url=live_server.url,
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    yield page
    ctx.close()


@pytest.fixture
def desktop(browser, live_server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server.url)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    yield page
    ctx.close()


def shot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


__all__ = ["shot", "shutil"]
