"""Milestones: computed suggestions, marking by the coordinator, and the members' home page."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry, User
from actions.messages import message_send
from messaging import services as messaging
from messaging.models import Conversation, Message
from programs.milestones import milestone_mark, milestone_suggestions, milestones_for
from programs.models import Milestone
from scheduling.models import Meeting, Venue
from testkit.sessions import login_verified

pytestmark = pytest.mark.usefixtures("fresh_limits")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime.datetime(2027, 1, 15, 12, tzinfo=CHICAGO)


def _meeting(conversation, starts):
    venue, _ = Venue.objects.get_or_create(
        school=conversation.program.school, name="Library", defaults={"approved": True}
    )
    return Meeting.objects.create(
        conversation=conversation,
        venue=venue,
        local_date=starts.date(),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )


def _write_in_weeks(conversation, sender, weeks):
    """One message by `sender` on the Tuesday of each of `weeks` weeks from 2026-09-07."""
    for n in range(weeks):
        result = message_send(
            sender=sender, conversation_id=conversation.pk, client_id=f"w{n}", body="Hello"
        )
        at = datetime.datetime(2026, 9, 8, 16, tzinfo=CHICAGO) + datetime.timedelta(weeks=n)
        Message.objects.filter(pk=result.message.pk).update(created_at=at)


def test_suggestions_follow_meetings_contact_weeks_and_the_year_end(program, conversation, mentor):
    assert milestone_suggestions(conversation=conversation, now=NOW) == []
    _meeting(conversation, datetime.datetime(2026, 10, 1, 15, tzinfo=CHICAGO))
    _meeting(conversation, datetime.datetime(2027, 2, 1, 15, tzinfo=CHICAGO))  # still ahead
    _write_in_weeks(conversation, mentor, 9)
    assert milestone_suggestions(conversation=conversation, now=NOW) == [
        ("first_meeting", datetime.date(2026, 10, 1))
    ]
    # A tenth week of contact (a system message would not count).
    messaging.system_message_post(conversation=conversation, key="p", body="This week's question")
    _write_in_weeks(conversation, mentor, 10)  # resends w0..w8 are the same messages; w9 is new
    program.end_date = datetime.date(2027, 1, 29)
    program.save()
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert milestone_suggestions(conversation=conversation, now=NOW) == [
        ("first_meeting", datetime.date(2026, 10, 1)),
        ("ten_weeks", datetime.date(2026, 11, 9)),
        ("end_of_year", datetime.date(2027, 1, 15)),
    ]


def test_marking_records_once_is_audited_and_shows_on_both_homes(
    program, conversation, mentor, student, coordinator
):
    _meeting(conversation, timezone.now() - datetime.timedelta(days=3))
    first = milestone_mark(actor=coordinator, conversation=conversation, kind="first_meeting")
    again = milestone_mark(actor=coordinator, conversation=conversation, kind="first_meeting")
    assert first.pk == again.pk
    assert milestone_suggestions(conversation=conversation) == []
    custom = milestone_mark(
        actor=coordinator,
        conversation=conversation,
        kind="custom",
        title="Science fair poster",
        achieved_on=datetime.date(2026, 11, 20),
    )
    assert AuditEntry.objects.filter(action="milestone.mark").count() == 2
    assert milestones_for(user=student) == [first, custom] or milestones_for(user=student)[1:] == [
        custom
    ]
    for person in (mentor, student):
        client = Client()
        login_verified(client, person)
        page = client.get("/").content.decode()
        assert "First meeting" in page
        assert "Science fair poster" in page


def test_not_reached_or_unnamed_or_by_others_is_refused(
    conversation, coordinator, mentor, make_user, make_district
):
    with pytest.raises(ValidationError):
        milestone_mark(actor=coordinator, conversation=conversation, kind="ten_weeks")
    with pytest.raises(ValidationError):
        milestone_mark(actor=coordinator, conversation=conversation, kind="custom", title="")
    with pytest.raises(PermissionDenied):
        milestone_mark(
            actor=make_user(User.Role.COORDINATOR, make_district()),
            conversation=conversation,
            kind="custom",
            title="x",
            achieved_on=datetime.date(2026, 11, 1),
        )
    with pytest.raises(PermissionDenied):
        milestone_mark(actor=mentor, conversation=conversation, kind="custom", title="x")
    assert Milestone.objects.count() == 0


def test_a_group_has_milestones_too(program, coordinator, make_user, district):
    mentor = make_user(User.Role.MENTOR, district)
    students = [make_user(User.Role.STUDENT, district) for _ in range(2)]
    group = messaging.group_conversation_create(
        program=program, title="Girls who code", mentors=[mentor], students=students
    )
    _meeting(group, timezone.now() - datetime.timedelta(days=1))
    client = Client()
    login_verified(client, coordinator)
    url = f"/coordinator/programs/{program.pk}/conversations/{group.pk}/milestones/"
    assert 'data-kind="first_meeting"' in client.get(url).content.decode()
    assert client.post(url, {"kind": "first_meeting"}).status_code == 302
    assert [m.kind for m in milestones_for(user=students[1])] == ["first_meeting"]
