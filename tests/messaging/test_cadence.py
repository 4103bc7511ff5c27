"""Weekly cadence: program weeks in local time, prompts, week status and reply nudges."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actions.messages import message_send
from messaging import cadence
from messaging import services as messaging
from messaging.models import Message, Nudge
from messaging.realtime import user_group

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def at_local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CHICAGO)


def test_week_starts_on_the_program_day_at_local_midnight(program):
    week = cadence.program_week(program=program, at=at_local(2026, 11, 25, 15, 0))  # a Wednesday
    assert week.start_date == datetime.date(2026, 11, 23)  # Monday
    assert week.start == at_local(2026, 11, 23, 0, 0).astimezone(datetime.UTC)
    assert week.end - week.start == datetime.timedelta(days=7)


def test_week_across_dst_end_is_169_hours(program):
    # US DST ends Sunday 2026-11-01: the week of Monday 2026-10-26 has an extra hour.
    week = cadence.program_week(program=program, at=at_local(2026, 10, 28, 12, 0))
    assert week.end - week.start == datetime.timedelta(hours=169)
    assert week.start.hour == 5 and week.end.hour == 6  # CDT midnight, then CST midnight  # noqa: PT018


def test_sunday_start_programs(program):
    program.week_starts_on = 6
    week = cadence.program_week(program=program, at=at_local(2026, 11, 23, 0, 30))  # Monday
    assert week.start_date == datetime.date(2026, 11, 22)


def test_naive_datetimes_are_refused(program):
    with pytest.raises(ValueError, match="aware"):
        cadence.program_week(program=program, at=datetime.datetime(2026, 1, 1))


def _next_week_start(program):
    return cadence.program_week(program=program, at=timezone.now()).start_date + datetime.timedelta(
        days=7
    )


def test_prompt_is_posted_once_into_every_active_match(
    program,
    active_match,
    coordinator,
    make_user,
    district,
    events,
    django_capture_on_commit_callbacks,
):
    other = messaging.match_activate(
        match=messaging.match_create(
            program=program,
            mentor=make_user("mentor", district),
            student=make_user("student", district),
        )
    )
    start = _next_week_start(program)
    prompt = cadence.prompt_schedule(
        program=program,
        week_start=start,
        body="What is a skill you want to learn this year?",
        actor=coordinator,
    )
    week = cadence.week_starting(program=program, start_date=start)
    assert cadence.prompts_post_due(now=week.start - datetime.timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert cadence.prompts_post_due(now=week.start + datetime.timedelta(minutes=5)) == 2
    assert cadence.prompts_post_due(now=week.start + datetime.timedelta(minutes=10)) == 0
    for match in (active_match, other):
        system = Message.objects.filter(conversation=match.conversation, kind=Message.Kind.SYSTEM)
        assert [m.body for m in system] == [f"This week's question: {prompt.body}"]
        assert system.get().state == Message.State.DELIVERED
    assert {g for g, e in events if e["type"] == "message"} == {
        user_group(u.pk) for m in (active_match, other) for u in (m.mentor, m.student)
    }


def test_prompt_not_posted_into_paused_matches(program, active_match, coordinator):
    messaging.match_pause(match=active_match, actor=None, reason="Review")
    start = _next_week_start(program)
    cadence.prompt_schedule(program=program, week_start=start, body="Q?", actor=coordinator)
    week = cadence.week_starting(program=program, start_date=start)
    assert cadence.prompts_post_due(now=week.start + datetime.timedelta(hours=1)) == 0
    assert not active_match.conversation.messages.exists()


def test_prompt_rules(program, coordinator, mentor, make_user, make_district):
    start = _next_week_start(program)
    with pytest.raises(ValidationError):
        cadence.prompt_schedule(
            program=program,
            week_start=start + datetime.timedelta(days=1),
            body="Q?",
            actor=coordinator,
        )
    with pytest.raises(ValidationError):
        cadence.prompt_schedule(
            program=program,
            week_start=start - datetime.timedelta(days=14),
            body="Q?",
            actor=coordinator,
        )
    with pytest.raises(PermissionDenied):
        cadence.prompt_schedule(program=program, week_start=start, body="Q?", actor=mentor)
    outsider = make_user("coordinator", make_district())
    with pytest.raises(PermissionDenied):
        cadence.prompt_schedule(program=program, week_start=start, body="Q?", actor=outsider)


def _send(user, match, cid, body="hi", created_at=None):
    message = message_send(
        sender=user, conversation_id=match.conversation.pk, client_id=cid, body=body
    ).message
    if created_at is not None:
        Message.objects.filter(pk=message.pk).update(created_at=created_at)
        message.refresh_from_db()
    return message


def test_week_status_and_overdue_reply(active_match, mentor, student):
    now = timezone.now()
    _send(mentor, active_match, "m1", created_at=now - datetime.timedelta(hours=100))
    waiting = _send(student, active_match, "s1", created_at=now - datetime.timedelta(hours=73))
    status = cadence.match_week_status(match=active_match, at=now)
    assert status.waiting_since == waiting.created_at
    assert status.reply_overdue is True
    assert status.nudged is False
    _send(mentor, active_match, "m2")
    status = cadence.match_week_status(match=active_match, at=now)
    assert (status.waiting_since, status.reply_overdue, status.mentor_wrote) == (None, False, True)


def test_mentor_nudged_once_in_app_and_by_email(
    active_match, mentor, student, events, django_capture_on_commit_callbacks
):
    mentor.email = "mentor@example.org"
    mentor.save()
    now = timezone.now()
    _send(student, active_match, "s1", created_at=now - datetime.timedelta(hours=80))
    _send(student, active_match, "s2", created_at=now - datetime.timedelta(hours=79))
    with django_capture_on_commit_callbacks(execute=True):
        assert cadence.nudges_send_due(now=now) == 1
        assert cadence.nudges_send_due(now=now + datetime.timedelta(hours=1)) == 0
    nudge = Nudge.objects.get()
    assert (nudge.mentor_id, nudge.emailed) == (mentor.pk, True)
    assert [m.to for m in mail.outbox] == [["mentor@example.org"]]
    assert "hi" not in mail.outbox[0].body  # no message text in e-mail
    assert [(g, e["type"]) for g, e in events] == [(user_group(mentor.pk), "nudge")]
    overview = cadence.program_week_overview(program=active_match.program, at=now)
    assert overview[0]["status"].nudged is True
    assert len(overview[0]["nudges"]) == 1


def test_no_nudge_within_the_expected_time_or_after_a_reply(active_match, mentor, student):
    now = timezone.now()
    _send(student, active_match, "s1", created_at=now - datetime.timedelta(hours=71))
    assert cadence.nudges_send_due(now=now) == 0
    _send(student, active_match, "s2", created_at=now - datetime.timedelta(hours=90))
    _send(mentor, active_match, "m1")
    assert cadence.nudges_send_due(now=now) == 0
    assert not Nudge.objects.exists()


def test_held_student_messages_do_not_count_as_waiting(active_match, student):
    now = timezone.now()
    message = _send(student, active_match, "s1", created_at=now - datetime.timedelta(hours=90))
    Message.objects.filter(pk=message.pk).update(state=Message.State.HELD)
    assert cadence.nudges_send_due(now=now) == 0


def test_coordinator_week_page_shows_nudged_mentors(
    client, active_match, coordinator, student, make_user, make_district, verified_login
):
    now = timezone.now()
    _send(student, active_match, "s1", created_at=now - datetime.timedelta(hours=80))
    cadence.nudges_send_due(now=now)
    verified_login(client, coordinator)
    url = f"/coordinator/programs/{active_match.program_id}/week/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"(overdue)" in page.content
    assert active_match.mentor.public_name.encode() in page.content
    verified_login(client, make_user("coordinator", make_district()))
    assert client.get(url).status_code == 404
    client.force_login(student)
    assert client.get(url).status_code == 404
