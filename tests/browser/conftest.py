"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser)
against the live server. They run in their own pytest invocation (-m browser): the
live server's transactional tests empty the database after each test, so each test
reloads the reference and demo data it needs."""

import os
import shutil
from pathlib import Path

import pytest

from indicators.reference import load_all
from reporting.demo import load_demo
from tests.browser.helpers import assert_accessible

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# test itself happen before and after it drives the page, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def demo_data(transactional_db):
    load_all()
    load_demo()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],  # fmt: skip
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_violations.append(msg.text))
    yield page
    context.close()


@pytest.fixture
def shoot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
        # Every page a walk-through looks at is also read by axe-core (tests/browser/vendor):
        # no serious or critical violation.
        assert_accessible(page, name)

    return take
