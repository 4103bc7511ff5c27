"""FAULTS 24, the meetings side: a paused match gets no new meetings and no reminders; a closed
match, or a suspended or deactivated adult, has every future meeting cancelled through the
scheduling service with a neutral notice to the other participants; a reminder is checked against
the rule when it is sent, not only when it was queued."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from actions.review import review_suspend_user
from messaging import realtime
from messaging import services as messaging
from scheduling import services
from scheduling.models import Meeting, ReminderSent
from tests.review.conftest import moderate, send

from .conftest import next_weekday

# Words a cancellation notice must not carry: it says what happens, never why.
BLAMING = ("suspend", "closed", "paused", "concern", "report", "review", "safety", "mentor")


@pytest.fixture
def emails(mentor, student):
    mentor.email, student.email = "mentor@example.org", "student@example.org"
    mentor.save(update_fields=["email"])
    student.save(update_fields=["email"])


def weekly(
    conversation, venue, coordinator, *, title="Career lunch", rule="FREQ=WEEKLY;BYDAY=TH;COUNT=20"
):
    return services.series_create(
        conversation=conversation,
        venue=venue,
        title=title,
        rule=rule,
        first_date=next_weekday(3, venue.school.tz),
        start_time=datetime.time(12, 0),
        duration_minutes=40,
        actor=coordinator,
    )


def statuses(conversation) -> list[tuple[str, int]]:
    return list(
        Meeting.objects.filter(conversation=conversation)
        .order_by("starts_at")
        .values_list("status", "version")
    )


def assert_neutral(message) -> None:
    text = f"{message.subject}\n{message.body}".lower()
    assert "cancelled" in text
    assert [word for word in BLAMING if word in text] == []


def test_paused_match_gets_no_new_meetings_and_no_reminders(
    conversation,
    active_match,
    venue,
    coordinator,
    emails,
    events,
    django_capture_on_commit_callbacks,
):
    series = weekly(conversation, venue, coordinator)
    made = series.meetings.count()
    first = series.meetings.order_by("starts_at").first()
    messaging.match_pause(match=active_match, actor=coordinator, reason="Report under review")

    with pytest.raises(ValidationError, match="no new meetings"):
        weekly(conversation, venue, coordinator, title="Another")
    later = timezone.now() + datetime.timedelta(weeks=3)
    assert services.meetings_materialize(series=series, now=later) == 0
    assert services.meetings_materialize(now=later) == 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.reminders_send_due(now=first.starts_at - datetime.timedelta(minutes=30))
    assert sent == 0
    assert ReminderSent.objects.count() == 0
    assert mail.outbox == []
    assert [e for _, e in events if e["type"] == "meeting.reminder"] == []
    # Paused is not over: the meetings stay in place (read-only), none is cancelled.
    assert series.meetings.count() == made
    assert {s for s, _ in statuses(conversation)} == {"scheduled"}


@pytest.mark.parametrize("removal", ["suspend_mentor", "close_match", "pause_match"])
def test_a_queued_reminder_is_checked_again_when_it_is_sent(
    series, active_match, mentor, emails, events, django_capture_on_commit_callbacks, removal
):
    meeting = series.meetings.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert services.reminders_send_due(now=meeting.starts_at - datetime.timedelta(hours=2))
    assert ReminderSent.objects.filter(meeting=meeting).count() == 2  # queued for both
    if removal == "suspend_mentor":
        User.objects.filter(pk=mentor.pk).update(is_active=False)
    elif removal == "close_match":
        messaging.match_close(match=active_match, actor=None, reason="Program ended")
    else:
        messaging.match_pause(match=active_match, actor=None, reason="Report under review")
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    assert mail.outbox == []
    assert [e for _, e in events if e["type"] == "meeting.reminder"] == []


def test_a_queued_reminder_still_goes_out_when_nothing_changed(
    series, mentor, student, emails, events, django_capture_on_commit_callbacks
):
    meeting = series.meetings.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.reminders_send_due(now=meeting.starts_at - datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.org", "student@example.org"]
    assert sorted(g for g, e in events if e["type"] == "meeting.reminder") == sorted(
        realtime.user_group(uid) for uid in (mentor.pk, student.pk)
    )


def test_suspending_a_mentor_cancels_every_future_meeting_with_a_neutral_notice(
    conversation,
    series,
    program,
    venue,
    coordinator,
    mentor,
    student,
    moderator,
    make_user,
    district,
    emails,
    events,
    django_capture_on_commit_callbacks,
):
    other = make_user(User.Role.STUDENT, district, email="other@example.org")
    group = messaging.group_conversation_create(
        program=program, title="Robotics club", mentors=[mentor], students=[student, other]
    )
    weekly(group, venue, coordinator, title="Club", rule="FREQ=WEEKLY;BYDAY=TH;COUNT=2")
    past = series.meetings.order_by("starts_at").first()
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=7),
        ends_at=timezone.now() - datetime.timedelta(days=7) + datetime.timedelta(minutes=40),
    )
    item = moderate(send(mentor, conversation, "don't tell your parents"))
    events.clear()

    with django_capture_on_commit_callbacks(execute=True):
        review_suspend_user(item=item, actor=moderator, reason="Secrecy request")

    assert statuses(conversation) == [("scheduled", 1)] + [("cancelled", 2)] * 3
    assert statuses(group) == [("cancelled", 2)] * 2
    # The student is told of each of the five meetings, the other club member of two; the
    # suspended mentor of none.
    assert (
        sorted(m.to[0] for m in mail.outbox)
        == ["other@example.org"] * 2 + ["student@example.org"] * 5
    )
    for message in mail.outbox:
        assert_neutral(message)
        assert "Library" in message.body
    cancelled = [(g, e["meeting"]) for g, e in events if e.get("change") == "cancelled"]
    assert len(cancelled) == 7
    mentor_group = realtime.user_group(mentor.pk)
    assert [e for g, e in events if g == mentor_group and e["type"].startswith("meeting")] == []
    assert item.actions.get(kind="suspend").target_user == mentor


def test_closing_a_match_cancels_its_future_meetings_with_notice_to_both(
    conversation,
    series,
    active_match,
    venue,
    coordinator,
    make_user,
    district,
    emails,
    events,
    django_capture_on_commit_callbacks,
):
    untouched = messaging.match_activate(
        match=messaging.match_create(
            program=active_match.program,
            mentor=make_user(User.Role.MENTOR, district),
            student=make_user(User.Role.STUDENT, district),
        )
    )
    weekly(untouched.conversation, venue, coordinator, rule="FREQ=WEEKLY;BYDAY=TH;COUNT=2")
    messaging.match_close(match=active_match, actor=coordinator, reason="Moved schools")
    events.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.meetings_cancel_removed() == 4

    assert statuses(conversation) == [("cancelled", 2)] * 4
    assert statuses(untouched.conversation) == [("scheduled", 1)] * 2
    series.refresh_from_db()
    assert series.active is False
    assert (
        sorted(m.to[0] for m in mail.outbox)
        == ["mentor@example.org"] * 4 + ["student@example.org"] * 4
    )
    for message in mail.outbox:
        assert_neutral(message)
    # Idempotent: a second sweep changes and sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meetings_cancel_removed() == 0
    assert mail.outbox == []
    assert services.meetings_materialize(now=timezone.now() + datetime.timedelta(weeks=3)) == 0
    jobs = {name: path for name, path, _ in settings.TRELLIS_PERIODIC}
    assert jobs["meetings-cancel-removed"] == "scheduling.services.meetings_cancel_removed"


def test_a_mentor_deactivated_in_the_admin_has_their_meetings_cancelled_by_the_sweep(
    conversation, series, mentor, student, emails, events, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=mentor.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meetings_cancel_removed() == 4
    assert statuses(conversation) == [("cancelled", 2)] * 4
    assert [m.to[0] for m in mail.outbox] == ["student@example.org"] * 4
    assert sorted({g for g, e in events if e["type"] == "meeting"}) == [
        realtime.user_group(student.pk)
    ]


def test_a_deactivated_student_does_not_cancel_a_groups_meetings(
    program, venue, coordinator, mentor, student, make_user, district
):
    other = make_user(User.Role.STUDENT, district)
    group = messaging.group_conversation_create(
        program=program, title="Robotics club", mentors=[mentor], students=[student, other]
    )
    weekly(group, venue, coordinator, rule="FREQ=WEEKLY;BYDAY=TH;COUNT=2")
    User.objects.filter(pk=other.pk).update(is_active=False)
    assert services.meetings_cancel_removed() == 0
    assert statuses(group) == [("scheduled", 1)] * 2


def test_closed_match_meetings_leave_the_members_meetings_page_and_take_no_rsvp(
    client, series, active_match, student
):
    meeting = series.meetings.order_by("starts_at").first()
    messaging.match_close(match=active_match, actor=None, reason="Program ended")
    client.force_login(student)
    page = client.get("/meetings/")
    assert page.status_code == 200
    assert b"Career lunch" not in page.content
    assert page.context["meetings"] == []
    with pytest.raises(Meeting.DoesNotExist):
        services.rsvp_set(user=student, meeting_id=meeting.pk, response="yes")
    assert client.post(f"/meetings/{meeting.pk}/rsvp/", {"response": "yes"}).status_code == 404
