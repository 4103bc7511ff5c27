"""Planning meetings in real headless Chromium over a real server: a coordinator's series with
its preview, a mentor's proposal approved by the coordinator, attendance in one click."""

import datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect

from scheduling.models import Attendance, Holiday, Meeting, MeetingProposal, MeetingSeries, Venue
from testkit.sessions import session_cookie
from tests.scheduling.conftest import next_weekday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, server, user, path):
    context = browser.new_context()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": server.http}]
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"{server.http}{path}")
    return page


@pytest.fixture
def venue(program):
    return Venue.objects.create(school=program.school, name="Library", approved=True)


def test_coordinator_previews_a_weekly_series_with_a_holiday_skipped_and_saves_it(
    browser, server, conversation, venue, coordinator, district
):
    first = next_weekday(3, venue.school.tz)
    Holiday.objects.create(
        district=district, date=first + datetime.timedelta(days=7), name="Winter break"
    )
    page = signed_in(browser, server, coordinator, "/meetings/")
    page.get_by_role("link", name="Plan a meeting series").click()
    page.get_by_role("link", name="Plan a series").click()
    page.get_by_label("Title").fill("Career lunch")
    page.get_by_label("Venue").select_option(
        label="Library (" + venue.school.name + ", 07:30-17:30)"
    )
    page.get_by_label("First date").fill(first.isoformat())
    page.get_by_label("Time").fill("12:15")
    page.get_by_label("Repeats").select_option("weekly")
    page.get_by_label("Number of meetings").fill("4")
    page.get_by_role("button", name="Preview dates").click()
    rows = page.locator("#preview tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(1)).to_contain_text("Skipped: Winter break")
    expect(page.locator("#preview")).to_contain_text("3 meetings will be kept.")
    assert MeetingSeries.objects.count() == 0  # a preview writes nothing
    page.get_by_role("button", name="Save series").click()
    expect(page.get_by_role("status")).to_have_text("The series is saved; its meetings are below.")
    series = MeetingSeries.objects.get()
    assert sorted(series.meetings.values_list("local_date", flat=True)) == [
        first,
        first + datetime.timedelta(days=14),
        first + datetime.timedelta(days=21),
    ]
    expect(page.locator("ul.managed li")).to_have_count(3)


def test_mentor_proposes_a_meeting_and_the_coordinator_approves_it(
    browser, server, conversation, venue, mentor, coordinator
):
    day = next_weekday(2, venue.school.tz)
    mentor_page = signed_in(browser, server, mentor, "/meetings/")
    mentor_page.get_by_role("link", name="Propose a meeting").click()
    mentor_page.get_by_label("Venue").select_option(index=1)
    mentor_page.get_by_label("Date").fill(day.isoformat())
    mentor_page.get_by_label("Time").fill("15:00")
    mentor_page.get_by_label("Length in minutes").fill("30")
    mentor_page.get_by_label("Note for the coordinator").fill("A visit to the library")
    mentor_page.get_by_role("button", name="Send the proposal").click()
    expect(mentor_page.get_by_role("status")).to_contain_text("Your proposal was sent")
    proposal = MeetingProposal.objects.get()
    assert (proposal.status, Meeting.objects.count()) == ("pending", 0)

    coordinator_page = signed_in(browser, server, coordinator, "/meetings/proposals/")
    item = coordinator_page.locator(f"#proposal-{proposal.pk}")
    expect(item).to_contain_text("A visit to the library")
    item.get_by_role("button", name="Approve").click()
    expect(coordinator_page.get_by_role("status")).to_contain_text("Approved")
    meeting = Meeting.objects.get()
    local = meeting.starts_at.astimezone(venue.school.tz)
    assert (local.date(), local.time()) == (day, datetime.time(15, 0))

    mentor_page.reload()
    expect(mentor_page.locator(f"#proposal-{proposal.pk} .status")).to_have_text("Approved")

    # The approval is on the mentor's home too, in the school's zone, new until seen once.
    mentor_page.goto(f"{server.http}/")
    change = mentor_page.locator("#meeting-changes li").first
    expect(change).to_contain_text("Approved: the meeting you proposed on")
    expect(change).to_contain_text("15:00 C")
    expect(change.locator(".badge")).to_have_text("New")
    mentor_page.reload()
    expect(mentor_page.locator("#meeting-changes li").first.locator(".badge")).to_have_count(0)


def test_mentor_records_attendance_in_one_click_per_person(
    browser, server, conversation, venue, mentor, student
):
    now = datetime.datetime.now(datetime.UTC)
    meeting = Meeting.objects.create(
        conversation=conversation,
        venue=venue,
        local_date=(now - datetime.timedelta(days=1)).astimezone(venue.school.tz).date(),
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now - datetime.timedelta(days=1) + datetime.timedelta(minutes=45),
    )
    page = signed_in(browser, server, mentor, "/meetings/")
    block = page.locator(f"#meeting-{meeting.pk}")
    student_row = block.locator(f'li[data-person="{student.pk}"]')
    student_row.get_by_role("button", name="Present").click()
    expect(
        page.locator(f"#meeting-{meeting.pk} li[data-person='{student.pk}'] .recorded")
    ).to_have_text("Recorded: present")
    mentor_row = page.locator(f"#meeting-{meeting.pk} li[data-person='{mentor.pk}']")
    mentor_row.get_by_role("button", name="Excused").click()
    expect(
        page.locator(f"#meeting-{meeting.pk} li[data-person='{mentor.pk}'] .recorded")
    ).to_have_text("Recorded: excused")
    expect(
        page.locator(
            f"#meeting-{meeting.pk} li[data-person='{student.pk}'] button[aria-pressed='true']"
        )
    ).to_have_text("Present")
    assert sorted(Attendance.objects.values_list("user_id", "present", "excused")) == sorted(
        [(student.pk, True, False), (mentor.pk, False, True)]
    )
