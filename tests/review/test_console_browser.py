"""The queue page in headless Chromium against a real server process (daphne's runserver, the
test database, Redis): a new urgent item appears without a reload and raises the banner; hostile
message text in the console renders as text."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from moderation.models import Action

from .conftest import login, moderate, send

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.integration,
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    """A server process on a free loopback port, on the test database; stopped afterwards."""
    db = connection.settings_dict
    port = _free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("DATABASE_TEST_NAME", None)
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        else:
            pytest.fail("server did not start within 30 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is needed for the browser tests (make test installs it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield instance
        finally:
            instance.close()


def _logged_in(user) -> Client:
    client = Client()
    login(client, user)
    return client


def in_thread(fn):
    """Run ORM work off this thread: Playwright's sync API keeps an event loop on it, where
    Django refuses synchronous database calls and after-commit fan-out cannot run."""
    result, errors = [], []

    def run():
        try:
            result.append(fn())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    if errors:
        raise errors[0]
    return result[0]


def test_a_new_urgent_item_appears_live_and_hostile_text_stays_text(
    conversation, mentor, moderator, server, browser
):
    client = in_thread(lambda: _logged_in(moderator))
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server}]
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/staff/")
    page.wait_for_function(
        "document.getElementById('live-status').textContent.startsWith('Live')", timeout=15000
    )
    assert page.locator("#urgent-banner").is_hidden()

    body = '<img src=x onerror="alert(1)"> meet me at the mall'
    item = in_thread(
        lambda: moderate(send(mentor, conversation, body), action=Action.HOLD, priority="urgent")
    )

    row = page.locator(f'#queue tr[data-item="{item.pk}"]')
    row.wait_for(timeout=15000)
    assert row.locator("td").nth(1).inner_text() == "Urgent"
    page.locator("#urgent-banner").wait_for(state="visible", timeout=5000)
    assert f"#{item.pk}" in page.locator("#urgent-text").inner_text()

    page.goto(f"{server}/staff/items/{item.pk}/")
    assert page.locator("#flagged .body").inner_text() == body
    assert page.locator("#flagged img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    context.close()
