"""Browser tests: Playwright for Python driving the system Chromium against live_server.

Every page load is watched: a request to any host but the test server fails the test.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it.")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the Django ORM
    # calls made by the live server thread and by test set-up are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ForeignRequests(list):
    """Every request the page made to a host other than the test server."""


@pytest.fixture
def page(browser, live_server, tmp_path):
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", timezone_id="Europe/Berlin", accept_downloads=True
    )
    own_host = urlsplit(live_server.url).netloc
    foreign = ForeignRequests()

    def watch(request):
        netloc = urlsplit(request.url).netloc
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if netloc != own_host:
            foreign.append(request.url)

    context.on("request", watch)
    page = context.new_page()
    page.foreign_requests = foreign
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not foreign, f"pages requested other hosts: {foreign}"


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    def check(page):
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()

    return check
