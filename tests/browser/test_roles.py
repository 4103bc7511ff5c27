"""Each role finds its way without typing an address, in headless Chromium at phone size and on a
Chromebook: a student reaches the next meeting from home and answers it; a student reports a
message and the moderator, who lands on the queue, sees it arrive; the live row reads as the row
the reloaded page renders."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from playwright.sync_api import expect

from messaging.models import Message
from moderation.models import ReviewItem
from scheduling import services as scheduling
from scheduling.models import Rsvp, Venue
from testkit.sessions import session_cookie

from .test_conversation_page import bodies, open_page, send_from_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
CHROMEBOOK = {"width": 1366, "height": 768}


def signed_in_page(browser, server, user, path, viewport=CHROMEBOOK):
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": server.http}]
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"{server.http}{path}")
    return page


def test_a_student_finds_the_next_meeting_from_home_and_rsvps(
    browser, server, conversation, program, coordinator, student
):
    venue = Venue.objects.create(school=program.school, name="Library", approved=True)
    tz = zoneinfo.ZoneInfo("America/Chicago")
    today = datetime.datetime.now(tz).date() + datetime.timedelta(days=1)
    first = today + datetime.timedelta(days=(3 - today.weekday()) % 7)
    meeting = scheduling.series_create(
        conversation=conversation,
        venue=venue,
        title="Career lunch",
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=1",
        first_date=first,
        start_time=datetime.time(12, 15),
        duration_minutes=40,
        actor=coordinator,
    ).meetings.get()
    local = meeting.starts_at.astimezone(tz)

    page = signed_in_page(browser, server, student, "/", viewport=PHONE)
    # One line of header at 360 px: brand, navigation and the account menu side by side.
    header = page.locator("header.top").bounding_box()
    assert header["height"] < 48
    assert page.locator("body").evaluate("el => el.scrollWidth") <= PHONE["width"]
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator("#next-meeting")).to_contain_text(
        f"{local:%a} {local.day} {local:%b}, 12:15 {local:%Z}"
    )
    page.locator(".next-meeting").get_by_role("button", name="Going", exact=True).click()
    page.wait_for_url(f"{server.http}/meetings/")
    expect(page.get_by_role("button", name="Going", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert list(Rsvp.objects.filter(meeting=meeting).values_list("user_id", "response")) == [
        (student.pk, "yes")
    ]
    # The composer stays in view at the bottom of a phone screen while the history is long.
    for i in range(12):
        send_from_server(
            sender=student, conversation_id=conversation.pk, client_id=f"p{i}", body=f"line {i}"
        )
    page.get_by_role("link", name="Home").click()
    page.locator(".match-card").get_by_role("link", name="Open the conversation").click()
    expect(page.locator("#messages .body")).to_have_count(12, timeout=10000)
    box = page.locator("#composer").bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] + 1
    assert box["y"] > PHONE["height"] / 2


def test_a_reported_message_reaches_the_moderator_live_and_reads_the_same_after_a_reload(
    browser, server, conversation, mentor, student, moderator
):
    queue = signed_in_page(browser, server, moderator, "/")
    queue.wait_for_url(f"{server.http}/staff/")
    queue.wait_for_function(
        "document.getElementById('live-status').textContent.startsWith('Live')", timeout=15000
    )
    send_from_server(
        sender=mentor,
        conversation_id=conversation.pk,
        client_id="rp1",
        body="What did you do this weekend?",
    )
    page = open_page(browser, server, student, conversation)
    # On a wide screen the conversation list stands beside the thread.
    side = page.get_by_role("navigation", name="Your conversations").bounding_box()
    thread = page.locator("#conversation").bounding_box()
    assert side["x"] + side["width"] <= thread["x"]
    message = page.locator("#messages .message").filter(has_text="What did you do this weekend?")
    message.get_by_role("button", name="Report this message").click()
    message.get_by_label("What is wrong? (optional)").fill("It made me uncomfortable")
    message.get_by_role("button", name="Send report to staff").click()
    expect(message.locator(".report-status")).to_contain_text("Reported.", timeout=10000)
    item = ReviewItem.objects.get(source=ReviewItem.Source.REPORT)
    assert item.report.reason == "It made me uncomfortable"
    assert item.message.body == "What did you do this weekend?"

    row = queue.locator(f'#queue tr[data-item="{item.pk}"]')
    row.wait_for(timeout=15000)
    live = row.locator("td").all_inner_texts()
    assert live[1:4] == ["High", "Reported by a member", "report"]
    assert live[5] == "just now"
    queue.reload()
    reloaded = queue.locator(f'#queue tr[data-item="{item.pk}"] td').all_inner_texts()
    assert reloaded == live


def test_a_moderator_claims_and_releases_a_held_message_and_the_student_sees_it_appear(
    browser, server, conversation, mentor, student, moderator
):
    student_page = open_page(browser, server, student, conversation)
    expect(student_page.locator("#connection-status")).to_have_text("Connected", timeout=10000)
    held = send_from_server(
        sender=mentor,
        conversation_id=conversation.pk,
        client_id="cr1",
        body="text me on 555 014 2233 tonight",
    ).message
    assert held.state == Message.State.HELD
    item = ReviewItem.objects.get(message=held)
    student_page.wait_for_timeout(500)
    expect(bodies(student_page)).to_have_count(0)

    console = signed_in_page(browser, server, moderator, "/")
    console.wait_for_url(f"{server.http}/staff/")
    console.locator(f'#queue tr[data-item="{item.pk}"] a').first.click()
    console.wait_for_url(f"{server.http}/staff/items/{item.pk}/")
    console.get_by_role("button", name="Claim / assign").click()
    expect(console.locator("body")).to_contain_text(moderator.public_name)
    console.get_by_label("Why (required)").fill("The school's own office line.")
    console.get_by_role("button", name="Release (deliver now)").click()

    # The student's open page receives it live, without a reload.
    expect(bodies(student_page)).to_have_text(["text me on 555 014 2233 tonight"], timeout=10000)
    held.refresh_from_db()
    item.refresh_from_db()
    assert held.state == Message.State.RELEASED
    assert item.status == ReviewItem.Status.RESOLVED
