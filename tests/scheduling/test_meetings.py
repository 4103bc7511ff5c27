"""Meetings at approved venues: races, RSVPs, attendance, reminders and calendar feeds."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from scheduling import services
from scheduling.models import Attendance, Holiday, Meeting, ReminderSent, Rsvp, Venue

from .conftest import next_weekday


def test_series_materialises_its_meetings_in_local_time(series, venue):
    meetings = list(series.meetings.order_by("starts_at"))
    assert len(meetings) == 4
    assert {m.starts_at.astimezone(venue.school.tz).time() for m in meetings} == {
        datetime.time(12, 0)
    }
    assert services.meetings_materialize(series=series) == 0  # idempotent


def test_holidays_are_skipped_when_materialising(conversation, venue, coordinator, district):
    first = next_weekday(3, venue.school.tz)
    Holiday.objects.create(district=district, date=first + datetime.timedelta(days=7), name="Break")
    series = services.series_create(
        conversation=conversation,
        venue=venue,
        title="Lunch",
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=3",
        first_date=first,
        start_time=datetime.time(12, 0),
        duration_minutes=30,
        actor=coordinator,
    )
    assert [m.local_date for m in series.meetings.order_by("local_date")] == [
        first,
        first + datetime.timedelta(days=14),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"approved": False}, "not approved"),
        ({"opens": datetime.time(13, 0)}, "between 13:00"),
    ],
)
def test_venue_rules_refuse_meetings(conversation, venue, coordinator, change, message):
    Venue.objects.filter(pk=venue.pk).update(**change)
    venue.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        services.series_create(
            conversation=conversation,
            venue=venue,
            title="x",
            rule="FREQ=WEEKLY;COUNT=2",
            first_date=next_weekday(1, venue.school.tz),
            start_time=datetime.time(12, 0),
            duration_minutes=30,
            actor=coordinator,
        )
    assert not Meeting.objects.exists()


def test_venue_of_another_district_is_refused(
    conversation, coordinator, make_district, make_program
):
    foreign = Venue.objects.create(
        school=make_program(make_district()).school, name="Gym", approved=True
    )
    with pytest.raises(ValidationError, match="another district"):
        services.series_create(
            conversation=conversation,
            venue=foreign,
            title="x",
            rule="FREQ=WEEKLY;COUNT=2",
            first_date=next_weekday(1, foreign.school.tz),
            start_time=datetime.time(12, 0),
            duration_minutes=30,
            actor=coordinator,
        )


def test_only_coordinators_schedule(conversation, venue, mentor):
    with pytest.raises(PermissionDenied):
        services.series_create(
            conversation=conversation,
            venue=venue,
            title="x",
            rule="FREQ=WEEKLY;COUNT=2",
            first_date=next_weekday(1, venue.school.tz),
            start_time=datetime.time(12, 0),
            duration_minutes=30,
            actor=mentor,
        )


def test_reschedule_outside_opening_hours_is_refused(series, coordinator, venue):
    meeting = series.meetings.first()
    late = meeting.starts_at.astimezone(venue.school.tz).replace(hour=21)
    with pytest.raises(ValidationError, match="between"):
        services.meeting_reschedule(
            meeting_id=meeting.pk, expected_version=1, starts_at=late, actor=coordinator
        )
    meeting.refresh_from_db()
    assert meeting.version == 1


@pytest.mark.django_db(transaction=True)
def test_racing_reschedule_and_cancel_have_one_outcome(series, coordinator, venue):
    meeting = series.meetings.order_by("starts_at").first()
    new_start = meeting.starts_at + datetime.timedelta(hours=1)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name, fn):
        try:
            barrier.wait()
            fn()
            outcomes[name] = "ok"
        except ValidationError as exc:
            outcomes[name] = exc.code
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=(
                "reschedule",
                lambda: services.meeting_reschedule(
                    meeting_id=meeting.pk,
                    expected_version=1,
                    starts_at=new_start,
                    actor=coordinator,
                ),
            ),
        ),
        threading.Thread(
            target=run,
            args=(
                "cancel",
                lambda: services.meeting_cancel(
                    meeting_id=meeting.pk, expected_version=1, actor=coordinator
                ),
            ),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) in (["cancelled", "ok"], ["conflict", "ok"])
    meeting.refresh_from_db()
    assert meeting.version == 2
    if outcomes["cancel"] == "ok":
        assert (meeting.status, meeting.starts_at) == (
            "cancelled",
            series.meetings.get(pk=meeting.pk).starts_at,
        )
    else:
        assert (meeting.status, meeting.starts_at) == ("scheduled", new_start)


def test_rsvp_is_for_members_only(series, student, make_user, district):
    meeting = series.meetings.first()
    assert services.rsvp_set(user=student, meeting_id=meeting.pk, response="yes").response == "yes"
    services.rsvp_set(user=student, meeting_id=meeting.pk, response="no")
    assert Rsvp.objects.get(meeting=meeting, user=student).response == "no"
    with pytest.raises(Meeting.DoesNotExist):
        services.rsvp_set(
            user=make_user("student", district), meeting_id=meeting.pk, response="yes"
        )
    with pytest.raises(ValidationError):
        services.rsvp_set(user=student, meeting_id=meeting.pk, response="perhaps")


def test_attendance_recorded_after_the_start_for_members(
    series, coordinator, student, make_user, district
):
    meeting = series.meetings.first()
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.attendance_record(
            meeting_id=meeting.pk, user_id=student.pk, state="present", actor=coordinator
        )
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    record = services.attendance_record(
        meeting_id=meeting.pk, user_id=student.pk, state="present", actor=coordinator
    )
    assert record.present is True
    # The meeting's own mentor records too (tests/scheduling/test_planning.py); another does not.
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            meeting_id=meeting.pk,
            user_id=student.pk,
            state="absent",
            actor=make_user("mentor", district),
        )
    assert Attendance.objects.get(meeting=meeting, user=student).present is True


@pytest.mark.django_db(transaction=True)
def test_each_reminder_goes_out_once_even_with_two_workers(series, mentor, student, monkeypatch):
    from messaging import realtime

    monkeypatch.setattr(realtime, "_send_now", lambda groups, event: None)
    mentor.email, student.email = "m@example.org", "s@example.org"
    mentor.save()
    student.save()
    meeting = series.meetings.order_by("starts_at").first()
    services.rsvp_set(user=student, meeting_id=meeting.pk, response="no")
    now = meeting.starts_at - datetime.timedelta(minutes=30)  # both reminders are due
    barrier = threading.Barrier(2)
    counts = []

    def worker():
        try:
            barrier.wait()
            counts.append(services.reminders_send_due(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The student declined: only the mentor is reminded, once per kind.
    assert sum(counts) == 2
    assert sorted(ReminderSent.objects.values_list("user_id", "kind")) == [
        (mentor.pk, "day"),
        (mentor.pk, "hour"),
    ]
    assert [m.to for m in mail.outbox] == [["m@example.org"], ["m@example.org"]]
    assert services.reminders_send_due(now=now) == 0


def test_a_rescheduled_meeting_is_reminded_again(series, coordinator, mentor):
    meeting = series.meetings.order_by("starts_at").first()
    services.reminders_send_due(now=meeting.starts_at - datetime.timedelta(hours=2))
    moved = services.meeting_reschedule(
        meeting_id=meeting.pk,
        expected_version=1,
        starts_at=meeting.starts_at + datetime.timedelta(hours=1),
        actor=coordinator,
    )
    assert services.reminders_send_due(now=moved.starts_at - datetime.timedelta(hours=2)) == 2
    assert services.reminders_send_due(now=moved.starts_at - datetime.timedelta(hours=2)) == 0


def test_calendar_feed_lists_only_the_owners_meetings(client, series, student, make_user, district):
    client.force_login(student)
    page = client.post("/meetings/calendar-link/")
    assert page.status_code == 200
    feed_url = page.context["feed_url"]
    client.logout()
    response = client.get(feed_url.replace("http://testserver", ""))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(response.content).walk("VEVENT")]
    assert len(events) == 4
    assert str(events[0]["location"]).startswith("Library")
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    outsider = make_user("student", district)
    client.force_login(outsider)
    assert b"Career lunch" not in client.get("/meetings/").content
