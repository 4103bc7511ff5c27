"""Every meeting change tells the people affected by e-mail, after commit, each in their own
language: a new series, a single meeting, a move of one meeting or of the rest of a series (a
cancellation's e-mails are in test_planning)."""

import datetime

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import User
from scheduling import services
from scheduling.models import Meeting

from .conftest import next_weekday


@pytest.fixture
def addressed(mentor, student, coordinator):
    """Mentor and student with addresses (the student reads Spanish); the coordinator too."""
    User.objects.filter(pk=mentor.pk).update(email="mentor@example.org", preferred_language="en")
    User.objects.filter(pk=student.pk).update(email="student@example.org", preferred_language="es")
    User.objects.filter(pk=coordinator.pk).update(email="coord@example.org")


def _by_address():
    return {m.to[0]: m for m in mail.outbox}


def test_a_new_series_tells_mentor_and_student_in_their_languages(
    conversation, venue, coordinator, addressed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.series_create(
            conversation=conversation,
            venue=venue,
            title="Career lunch",
            rule="FREQ=WEEKLY;BYDAY=TH;COUNT=4",
            first_date=next_weekday(3, venue.school.tz),
            start_time=datetime.time(12, 15),
            duration_minutes=40,
            actor=coordinator,
        )
    sent = _by_address()
    assert sorted(sent) == ["mentor@example.org", "student@example.org"]
    assert "Career lunch" in sent["mentor@example.org"].body
    assert "4 meetings" in sent["mentor@example.org"].body
    assert "12:15" in sent["mentor@example.org"].body
    assert "Library" in sent["mentor@example.org"].body
    assert "reunion" in sent["student@example.org"].subject.lower().replace("ó", "o")
    assert "12:15" in sent["student@example.org"].body


def test_a_series_made_inside_a_failing_transaction_sends_nothing(
    conversation, venue, coordinator, addressed, django_capture_on_commit_callbacks
):
    def create_then_fail():
        with transaction.atomic():
            services.series_create(
                conversation=conversation,
                venue=venue,
                title="Career lunch",
                rule="FREQ=WEEKLY;BYDAY=TH;COUNT=4",
                first_date=next_weekday(3, venue.school.tz),
                start_time=datetime.time(12, 15),
                duration_minutes=40,
                actor=coordinator,
            )
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        create_then_fail()
    assert mail.outbox == []


def test_a_single_meeting_by_a_coordinator_tells_mentor_and_student(
    conversation, venue, coordinator, addressed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_create(
            conversation=conversation,
            venue=venue,
            local_date=next_weekday(2, venue.school.tz),
            start_time=datetime.time(15, 0),
            duration_minutes=30,
            actor=coordinator,
        )
    sent = _by_address()
    assert sorted(sent) == ["mentor@example.org", "student@example.org"]
    assert "is planned" in sent["mentor@example.org"].body
    assert "15:00" in sent["mentor@example.org"].body
    assert "is planned" not in sent["student@example.org"].body  # Spanish


def test_a_meeting_a_mentor_schedules_directly_tells_student_and_coordinators(
    conversation, venue, mentor, coordinator, addressed, django_capture_on_commit_callbacks
):
    type(conversation.program).objects.filter(pk=conversation.program_id).update(
        mentors_schedule_directly=True
    )
    conversation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_create(
            actor=mentor,
            conversation_id=conversation.pk,
            venue=venue,
            local_date=next_weekday(2, venue.school.tz),
            start_time=datetime.time(15, 0),
            duration_minutes=30,
        )
    # The mentor made it and is not told of their own change; the coordinator is.
    assert sorted(_by_address()) == ["coord@example.org", "student@example.org"]


def test_an_approved_proposal_tells_the_student_of_the_meeting_and_the_mentor_once(
    conversation, venue, mentor, coordinator, addressed, django_capture_on_commit_callbacks
):
    proposal = services.proposal_create(
        actor=mentor,
        conversation_id=conversation.pk,
        venue=venue,
        local_date=next_weekday(2, venue.school.tz),
        start_time=datetime.time(15, 0),
        duration_minutes=30,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_approve(proposal_id=proposal.pk, actor=coordinator)
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.org", "student@example.org"]
    assert "is approved" in _by_address()["mentor@example.org"].body


def test_moving_one_meeting_tells_both_with_the_old_and_new_time(
    series, coordinator, addressed, venue, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    meeting = series.meetings.order_by("starts_at").first()
    tz = venue.school.tz
    new_start = meeting.starts_at.astimezone(tz).replace(hour=14, minute=30)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_reschedule(
            meeting_id=meeting.pk, expected_version=1, starts_at=new_start, actor=coordinator
        )
    sent = _by_address()
    assert sorted(sent) == ["mentor@example.org", "student@example.org"]
    body = sent["mentor@example.org"].body
    assert "is moved" in body
    assert "12:00" in body
    assert "14:30" in body
    assert "14:30" in sent["student@example.org"].body
    assert "is moved" not in sent["student@example.org"].body


def test_a_failed_move_sends_nothing(series, coordinator, addressed, venue):
    mail.outbox.clear()
    meeting = series.meetings.order_by("starts_at").first()
    late = meeting.starts_at.astimezone(venue.school.tz).replace(hour=22)
    with pytest.raises(Exception, match="between"):
        services.meeting_reschedule(
            meeting_id=meeting.pk, expected_version=1, starts_at=late, actor=coordinator
        )
    assert mail.outbox == []


def test_moving_the_rest_of_a_series_tells_each_person_once(
    series, coordinator, addressed, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    second = series.meetings.order_by("starts_at")[1]
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.meeting_reschedule_following(
            meeting_id=second.pk,
            expected_version=1,
            start_time=datetime.time(14, 30),
            actor=coordinator,
        )
    assert moved == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.org", "student@example.org"]
    body = _by_address()["mentor@example.org"].body
    assert "3 meetings" in body
    assert "14:30" in body


def test_cancelling_the_rest_tells_the_student_in_spanish(
    series, coordinator, addressed, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    second = series.meetings.order_by("starts_at")[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel_following(
            meeting_id=second.pk, expected_version=1, actor=coordinator
        )
    sent = _by_address()
    assert "cancelled" in sent["mentor@example.org"].subject
    assert "cancelled" not in sent["student@example.org"].subject
    assert Meeting.objects.filter(status="cancelled").count() == 3
