"""Two signed-in people talk on the conversation page, in real headless Chromium, over a real
daphne server (Django's runserver, which daphne provides, so that static files are served).
"""

import re
import zoneinfo
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import expect

from actions.messages import message_send
from messaging import realtime
from messaging import services as messaging
from messaging.models import Message
from testkit.sessions import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKUP = '<img src=x onerror="window.pwned=1"> <b>bold?</b> \u202eright-to-left'


def open_page(browser, server, user, conversation):
    context = browser.new_context()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": server.http}]
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"{server.http}/conversations/{conversation.pk}/")
    expect(page.locator("#connection-status")).to_have_text("Connected", timeout=15000)
    return page


def in_thread(func, **kwargs):
    """A service call from a plain thread: Playwright's loop in this thread would make the
    after-commit fan-out (async_to_sync) fail, which is a different test."""

    def run():
        try:
            return func(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result(30)


def send_from_server(**kwargs):
    return in_thread(message_send, **kwargs)


def bodies(page):
    return page.locator("#messages .body")


def send(page, text):
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_two_people_exchange_messages(browser, server, conversation, mentor, student):
    mentor_page = open_page(browser, server, mentor, conversation)
    student_page = open_page(browser, server, student, conversation)
    assert student_page.locator("#messages").get_attribute("aria-live") == "polite"
    # The first page is not announced message by message: the list is busy until it is shown.
    expect(student_page.locator("#messages")).to_have_attribute("aria-busy", "false")

    send(mentor_page, "Hello! What did you think of this week's question?")
    expect(bodies(student_page)).to_have_text(
        ["Hello! What did you think of this week's question?"], timeout=10000
    )
    expect(mentor_page.locator("#messages .message.mine .state")).to_have_text(["Sent"])

    # Typing reaches the other side.
    student_page.get_by_label("Your message").press_sequentially("ok")
    expect(mentor_page.locator("#typing")).to_have_text("Your match is typing…", timeout=5000)

    send(student_page, MARKUP)
    expect(bodies(mentor_page)).to_have_text(
        ["Hello! What did you think of this week's question?", MARKUP], timeout=10000
    )
    # Rendered as text: no element was made from the message, no script ran.
    assert mentor_page.locator("#messages img, #messages b").count() == 0
    assert mentor_page.evaluate("window.pwned") is None
    # The student has read the mentor's message: the mentor sees the receipt.
    expect(mentor_page.locator("#messages .message.mine .seen")).to_have_text([" · Seen"])
    # The message that arrives ends the typing notice.
    expect(mentor_page.locator("#typing")).to_have_text("")


def test_reconnect_resumes_what_was_missed(browser, server, conversation, mentor, student):
    student_page = open_page(browser, server, student, conversation)
    send_from_server(sender=mentor, conversation_id=conversation.pk, client_id="b1", body="before")
    expect(bodies(student_page)).to_have_text(["before"], timeout=10000)
    # Drop the socket; messages sent meanwhile arrive through resume after the reconnect.
    student_page.evaluate("window.trellisConversation.socket.close()")
    for i in range(3):
        send_from_server(
            sender=mentor, conversation_id=conversation.pk, client_id=f"w{i}", body=f"while {i}"
        )
    expect(bodies(student_page)).to_have_text(
        ["before", "while 0", "while 1", "while 2"], timeout=15000
    )
    expect(student_page.locator("#connection-status")).to_have_text("Connected")
    assert student_page.evaluate("window.trellisConversation.through") == 4


def test_gap_in_live_messages_is_filled(
    browser, server, conversation, mentor, student, monkeypatch
):
    """A message the page never got live (as after a dropped event) is fetched on the next one."""
    student_page = open_page(browser, server, student, conversation)
    send_from_server(sender=mentor, conversation_id=conversation.pk, client_id="g1", body="1")
    expect(bodies(student_page)).to_have_text(["1"], timeout=10000)
    # Store message 2 without telling anyone (the fan-out lost), then deliver message 3 live.
    with monkeypatch.context() as patch:
        patch.setattr(realtime, "notify_after_commit", lambda **kw: None)
        send_from_server(sender=mentor, conversation_id=conversation.pk, client_id="g2", body="2")
    send_from_server(sender=mentor, conversation_id=conversation.pk, client_id="g3", body="3")
    expect(bodies(student_page)).to_have_text(["1", "2", "3"], timeout=10000)


def test_held_message_is_shown_to_its_sender_as_held(
    browser, server, conversation, mentor, student
):
    mentor_page = open_page(browser, server, mentor, conversation)
    student_page = open_page(browser, server, student, conversation)
    message = send_from_server(
        sender=mentor, conversation_id=conversation.pk, client_id="h1", body="call me"
    ).message
    Message.objects.filter(pk=message.pk).update(state=Message.State.HELD)
    mentor_page.reload()
    expect(mentor_page.locator("#messages .message.mine .state")).to_have_text(
        ["Held for review: only you can see this"], timeout=10000
    )
    student_page.reload()
    expect(student_page.locator("#connection-status")).to_have_text("Connected", timeout=10000)
    student_page.wait_for_timeout(500)
    expect(bodies(student_page)).to_have_count(0)


def test_long_conversation_opens_on_the_newest_page(browser, server, conversation, mentor, student):
    for i in range(1, 61):
        send_from_server(
            sender=mentor, conversation_id=conversation.pk, client_id=f"l{i}", body=f"m{i}"
        )
    page = open_page(browser, server, student, conversation)
    expect(bodies(page)).to_have_count(50, timeout=10000)
    expect(bodies(page).first).to_have_text("m11")
    page.get_by_role("button", name="Show earlier messages").click()
    expect(bodies(page)).to_have_count(60, timeout=10000)
    expect(bodies(page).first).to_have_text("m1")
    expect(page.get_by_role("button", name="Show earlier messages")).to_be_hidden()


def test_a_message_released_while_the_page_was_away_appears_after_the_reconnect(
    browser, server, conversation, mentor, student, moderator, monkeypatch
):
    from moderation.models import ReviewItem
    from moderation.review.actions import review_release

    student_page = open_page(browser, server, student, conversation)
    held = send_from_server(
        sender=mentor,
        conversation_id=conversation.pk,
        client_id="r1",
        body="text me on 555 014 2233 tonight",
    ).message
    assert held.state == Message.State.HELD
    send_from_server(sender=mentor, conversation_id=conversation.pk, client_id="r2", body="later")
    expect(bodies(student_page)).to_have_text(["later"], timeout=10000)
    # Released with no live event (as while the page was away): only the resume can bring it.
    with monkeypatch.context() as patch:
        patch.setattr(realtime, "notify_after_commit", lambda **kw: None)
        in_thread(
            review_release,
            item=ReviewItem.objects.get(message=held),
            actor=moderator,
            reason="A school phone line.",
        )
    student_page.evaluate("window.trellisConversation.socket.close()")
    expect(bodies(student_page)).to_have_text(
        ["text me on 555 014 2233 tonight", "later"], timeout=15000
    )


def test_a_withdrawn_message_leaves_the_page(
    browser, server, conversation, mentor, student, moderator
):
    from moderation.review.actions import review_uphold
    from tests.review.conftest import moderate

    student_page = open_page(browser, server, student, conversation)
    message = send_from_server(
        sender=mentor, conversation_id=conversation.pk, client_id="w1", body="You did great"
    ).message
    expect(bodies(student_page)).to_have_text(["You did great"], timeout=10000)
    item = moderate(message, action="flag")
    in_thread(review_uphold, item=item, actor=moderator, reason="Not appropriate.")
    expect(bodies(student_page)).to_have_text(
        ["This message was removed by the program staff."], timeout=10000
    )


def test_a_crisis_message_shows_the_student_a_support_card_only_they_see(
    browser, server, conversation, mentor, student
):
    student_page = open_page(browser, server, student, conversation)
    mentor_page = open_page(browser, server, mentor, conversation)
    send(student_page, "sometimes I think about killing myself")

    card = student_page.locator("#messages .message.card.support")
    expect(card).to_have_count(1, timeout=10000)
    expect(card.locator(".only-you")).to_have_text("Only you can see this")
    expect(card.locator(".author")).to_have_text("Support for you")
    expect(card.locator(".state")).to_have_text("")
    expect(card.locator(".body")).to_contain_text("Crisis Text Line: text HOME to 741741")
    expect(card.locator(".body")).to_contain_text(
        "A staff member has been told and will check in with you."
    )
    # After the student's own message, in sequence order, and drawn apart from it.
    expect(student_page.locator("#messages > li")).to_have_count(2)
    expect(student_page.locator("#messages > li").nth(1)).to_have_class("message card support")
    assert card.evaluate("el => getComputedStyle(el).borderLeftWidth") == "8px"

    # The mentor gets the guidance card, never the student's.
    guidance = mentor_page.locator("#messages .message.card.guidance")
    expect(guidance).to_have_count(1, timeout=10000)
    expect(guidance.locator(".body")).to_contain_text("Don't promise to keep it a secret.")
    expect(mentor_page.locator("#messages .message.support")).to_have_count(0)
    expect(mentor_page.locator("#messages")).not_to_contain_text("741741")


def test_a_closed_match_takes_the_history_off_the_open_page(
    browser, server, conversation, active_match, mentor, student
):
    student_page = open_page(browser, server, student, conversation)
    send_from_server(
        sender=mentor, conversation_id=conversation.pk, client_id="c1", body="See you Thursday"
    )
    expect(bodies(student_page)).to_have_text(["See you Thursday"], timeout=10000)
    in_thread(messaging.match_close, match=active_match, actor=None, reason="Program ended")
    expect(student_page.locator("#connection-status")).to_have_text(
        "This conversation has ended.", timeout=10000
    )
    expect(bodies(student_page)).to_have_count(0)
    expect(student_page.get_by_role("button", name="Send")).to_be_disabled()
    # A reload is refused like any conversation the student is not part of.
    assert student_page.goto(student_page.url).status == 404


def test_a_held_message_never_reads_seen_and_every_message_shows_its_time(
    browser, server, conversation, mentor, student
):
    held = send_from_server(
        sender=mentor, conversation_id=conversation.pk, client_id="hs1", body="my number is"
    ).message
    Message.objects.filter(pk=held.pk).update(state=Message.State.HELD)
    send_from_server(sender=mentor, conversation_id=conversation.pk, client_id="hs2", body="hi")
    mentor_page = open_page(browser, server, mentor, conversation)
    expect(mentor_page.locator("#messages .message.mine")).to_have_count(2, timeout=10000)
    # The student opens the page and reads both (the held one is not theirs to see).
    open_page(browser, server, student, conversation)
    mine = mentor_page.locator("#messages .message.mine")
    expect(mine.nth(1).locator(".seen")).to_have_text(" · Seen", timeout=10000)
    expect(mine.nth(0).locator(".state")).to_have_text("Held for review: only you can see this")
    expect(mine.nth(0).locator(".seen")).to_have_text("")
    # Times in the school's zone (America/Chicago), named; the first message starts the day.
    times = mentor_page.locator("#messages time.sent-at")
    expect(times).to_have_count(2)
    expect(times.first).to_have_text(re.compile(r"^\w{3} \d{1,2} \w{3}, \d\d:\d\d C[SD]T$"))
    local = held.created_at.astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    assert times.first.inner_text() == f"{local:%a} {local.day} {local:%b}, {local:%H:%M %Z}"
    assert mine.nth(0).get_attribute("data-day") == f"{local:%A} {local.day} {local:%B}"
    assert mine.nth(1).get_attribute("data-day") is None
