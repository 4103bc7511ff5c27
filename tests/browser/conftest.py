"""Browser fixtures: a real server process on the test database, and headless Chromium."""

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import sync_playwright

from testkit.servers import database_url, run_servers, wait_for_other_sessions_to_end

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread, which makes Django refuse ORM
    # calls; the test's ORM calls are plain synchronous ones, so the guard does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _sends_from_the_test_are_not_rate_limited(settings):
    # The tests put long histories in place with message_send, which checks the sender's send
    # rate (messaging.limits); the pages under test are not about the rate limit.
    settings.TRELLIS_REALTIME = settings.TRELLIS_REALTIME | {"SEND_BURST": 1000}


@pytest.fixture
def server(transactional_db):
    env = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CHANNEL_LAYER_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "true",
    }
    with run_servers(["runserver"], env=env, lifetime=240) as [started]:
        yield started
    wait_for_other_sessions_to_end(connection)


@pytest.fixture
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
