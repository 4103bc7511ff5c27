"""The queue page in headless Chromium against a real server process (daphne's runserver, the
test database, Redis): a new urgent item appears without a reload and raises the banner; hostile
message text in the console renders as text."""

import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from messaging import realtime
from moderation.models import Action
from testkit.servers import database_url, run_servers, wait_for_other_sessions_to_end

from .conftest import login, moderate, send

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.integration,
]


@pytest.fixture
def server():
    """A server process on a free loopback port, on the test database; stopped afterwards. Its
    log is kept for a failure's message."""
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


def _console(browser, server, moderator):
    """The moderator's queue page, once its socket is live; dialogs opened are recorded."""
    client = in_thread(lambda: _logged_in(moderator))
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.http}]
    )
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server.http}/staff/")
    page.wait_for_function(
        "document.getElementById('live-status').textContent.startsWith('Live')", timeout=15000
    )
    return page


def _row(page, server, item, timeout: float):
    """The item's row, once the page shows it; a failure says what the page and server saw."""
    row = page.locator(f'#queue tr[data-item="{item.pk}"]')
    try:
        row.wait_for(timeout=timeout)
    except Exception as exc:
        pytest.fail(
            f"item #{item.pk} not on the page within {timeout / 1000:.0f} s ({exc!r}); "
            f"status: {page.locator('#live-status').inner_text()!r}; rows: "
            f"{page.locator('#queue tbody').inner_html()[:500]!r}; "
            f"server log:\n{server.log_text()[-3000:]}"
        )
    return row


def test_a_new_urgent_item_appears_live_and_hostile_text_stays_text(
    conversation, mentor, moderator, server, browser
):
    page = _console(browser, server, moderator)
    assert page.locator("#urgent-banner").is_hidden()

    body = '<img src=x onerror="alert(1)"> meet me at the mall'
    item = in_thread(
        lambda: moderate(send(mentor, conversation, body), action=Action.HOLD, priority="urgent")
    )

    row = _row(page, server, item, timeout=15000)
    assert row.locator("td").nth(1).inner_text() == "Urgent"
    page.locator("#urgent-banner").wait_for(state="visible", timeout=5000)
    assert f"#{item.pk}" in page.locator("#urgent-text").inner_text()

    page.goto(f"{server.http}/staff/items/{item.pk}/")
    assert page.locator("#flagged .body").inner_text() == body
    assert page.locator("#flagged img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []
    page.context.close()


def test_an_item_whose_live_event_was_lost_still_appears_and_in_queue_order(
    conversation, mentor, moderator, make_item, server, browser, monkeypatch
):
    """Pub/sub forgets a ring it could not hand over: the page's own refresh brings the item, in
    the server's order (priority, then age), and drops one resolved behind its back."""
    older = in_thread(lambda: make_item("call me at 555 0100", priority="normal"))
    page = _console(browser, server, moderator)
    assert page.locator("#queue tbody tr[data-item]").count() == 1

    # The doorbell fails for these two items: nothing is published.
    monkeypatch.setattr(realtime, "_send_now", lambda groups, event: None)
    newer = in_thread(lambda: make_item("text me 555 0199", priority="normal"))
    high = in_thread(lambda: make_item("snap me at xyz", priority="high"))
    in_thread(lambda: type(older).objects.filter(pk=older.pk).update(status="resolved"))

    _row(page, server, newer, timeout=25000)
    _row(page, server, high, timeout=5000)
    page.wait_for_function(
        f"!document.querySelector('#queue tr[data-item=\"{older.pk}\"]')", timeout=5000
    )
    order = page.locator("#queue tbody tr[data-item]").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.item))"
    )
    assert order == [high.pk, newer.pk]
    page.context.close()


def test_the_time_to_first_action_table_updates_live_as_a_reload_renders_it(
    conversation, mentor, moderator, make_item, server, browser
):
    from playwright.sync_api import expect

    from moderation.review.actions import review_claim

    item = in_thread(lambda: make_item("call me at 555 0100", priority="normal"))
    page = _console(browser, server, moderator)
    normal = page.locator('#levels tr[data-priority="normal"]')
    assert normal.locator("td").nth(2).inner_text() == "0"  # acted on
    assert normal.locator("td").nth(3).inner_text() == "1"  # waiting

    in_thread(lambda: review_claim(item=item, actor=moderator))
    expect(normal.locator("td").nth(2)).to_have_text("1", timeout=15000)
    expect(normal.locator("td").nth(3)).to_have_text("0")
    live = page.locator("#levels").inner_html()
    page.reload()
    assert page.locator("#levels").inner_html() == live
    page.context.close()
