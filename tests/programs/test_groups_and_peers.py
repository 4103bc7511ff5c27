"""Groups and peer programs first-class: a group on the dashboard with its attendance, and the
minors-on-both-sides rule for a peer mentor's meetings."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from accounts.models import Program, User
from messaging import services as messaging
from scheduling import services as scheduling
from scheduling.models import Attendance, Meeting, Venue
from testkit.sessions import login_verified


def _tomorrow_slot(program):
    return timezone.now().astimezone(program.school.tz).date() + datetime.timedelta(days=2)


@pytest.mark.parametrize(("minor", "scheduled"), [(True, False), (False, True)])
def test_a_peer_mentor_never_schedules_a_meeting_alone(
    program, make_user, district, minor, scheduled
):
    Program.objects.filter(pk=program.pk).update(mentors_schedule_directly=True)
    mentor = make_user(User.Role.MENTOR, district, is_minor=minor)
    student = make_user(User.Role.STUDENT, district)
    match = messaging.match_activate(
        match=messaging.match_create(program=program, mentor=mentor, student=student)
    )
    venue = Venue.objects.create(school=program.school, name="Library", approved=True)
    conversation = type(match.conversation).objects.get(pk=match.conversation.pk)
    create = dict(
        conversation=conversation,
        venue=venue,
        local_date=_tomorrow_slot(program),
        start_time=datetime.time(12, 0),
        duration_minutes=30,
        actor=mentor,
    )
    if scheduled:
        scheduling.meeting_create(**create)
    else:
        with pytest.raises(PermissionDenied):
            scheduling.meeting_create(**create)
    assert Meeting.objects.count() == int(scheduled)


def test_a_group_appears_on_the_dashboard_with_attendance_and_peer_mark(
    program, make_user, district, coordinator
):
    peer = make_user(User.Role.MENTOR, district, is_minor=True, display_name="Peer Pat")
    students = [make_user(User.Role.STUDENT, district) for _ in range(3)]
    group = messaging.group_conversation_create(
        program=program, title="Young Makers", mentors=[peer], students=students
    )
    venue = Venue.objects.create(school=program.school, name="Lab", approved=True)
    start = timezone.now() - datetime.timedelta(days=2)
    meeting = Meeting.objects.create(
        conversation=group,
        venue=venue,
        local_date=start.date(),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    for person, present in ((students[0], True), (students[1], True), (students[2], False)):
        Attendance.objects.create(
            meeting=meeting, user=person, present=present, recorded_by=coordinator
        )
    client = Client()
    login_verified(client, coordinator)
    page = client.get(f"/coordinator/programs/{program.pk}/week/").content.decode()
    row = page[page.index(f'data-conversation="{group.pk}"') :]
    row = row[: row.index("</li>")]
    assert "Young Makers" in row
    assert "peer" in row
    assert "1 meeting held, 2 of 3 attendances present" in row
    assert f"/coordinator/programs/{program.pk}/conversations/{group.pk}/milestones/" in row
