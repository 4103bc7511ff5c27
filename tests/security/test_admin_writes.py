"""Admin writes go through the services: a meeting series, a meeting, attendance, a match and a
weekly prompt saved in the admin keep the same rules (venue approval, opening hours, one outcome,
consent and screening) as when the services are called directly, and a refusal saves nothing."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.permissions import coordinator_admin_grant
from messaging import services as messaging
from messaging.models import Match, MatchEvent, WeeklyPrompt
from scheduling import services as scheduling
from scheduling.models import Attendance, Meeting, MeetingSeries, Venue


@pytest.fixture
def staff(make_user, district, verified_login):
    coordinator = make_user(User.Role.COORDINATOR, district, is_staff=True)
    coordinator_admin_grant(user=coordinator)
    client = Client()
    verified_login(client, coordinator)
    return coordinator, client


@pytest.fixture
def venue(program):
    return Venue.objects.create(school=program.school, name="Library", approved=True)


def _next_thursday(tz) -> datetime.date:
    today = timezone.now().astimezone(tz).date() + datetime.timedelta(days=1)
    return today + datetime.timedelta(days=(3 - today.weekday()) % 7)


def _series_post(conversation, venue, **over) -> dict:
    data = {
        "conversation": conversation.pk,
        "venue": venue.pk,
        "title": "Career lunch",
        "rule": "FREQ=WEEKLY;BYDAY=TH;COUNT=3",
        "first_date": _next_thursday(venue.school.tz).isoformat(),
        "start_time": "12:00",
        "duration_minutes": "40",
    }
    data.update(over)
    return data


def _errors(response) -> list[str]:
    form = response.context["adminform"].form
    return [m for messages in form.errors.values() for m in messages]


@pytest.fixture
def series(conversation, venue, staff):
    return scheduling.series_create(
        conversation=conversation,
        venue=venue,
        title="Career lunch",
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=3",
        first_date=_next_thursday(venue.school.tz),
        start_time=datetime.time(12, 0),
        duration_minutes=40,
        actor=staff[0],
    )


def test_admin_series_is_created_by_the_service(staff, conversation, venue):
    coordinator, client = staff
    response = client.post(
        "/admin/scheduling/meetingseries/add/", _series_post(conversation, venue)
    )
    assert response.status_code == 302
    created = MeetingSeries.objects.get()
    assert created.created_by == coordinator
    assert created.timezone == venue.school.tz.key
    assert created.meetings.count() == 3  # materialised, as series_create does


@pytest.mark.parametrize(
    ("venue_change", "post_change", "message"),
    [
        ({"approved": False}, {}, "That venue is not approved for meetings."),
        ({}, {"start_time": "18:00"}, "Meetings at Library happen between 07:30 and 17:30."),
        ({}, {"rule": "FREQ=SECONDLY"}, None),
    ],
    ids=["unapproved-venue", "outside-opening-hours", "bad-rule"],
)
def test_admin_series_keeps_the_venue_rules(
    staff, conversation, venue, venue_change, post_change, message
):
    _, client = staff
    Venue.objects.filter(pk=venue.pk).update(**venue_change)
    response = client.post(
        "/admin/scheduling/meetingseries/add/", _series_post(conversation, venue, **post_change)
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert len(errors) == 1
    if message:
        assert errors == [message]
    assert not MeetingSeries.objects.exists()
    assert not Meeting.objects.exists()


def test_admin_series_change_keeps_its_schedule_and_venue(staff, series, program):
    _, client = staff
    closed = Venue.objects.create(school=program.school, name="Attic", approved=False)
    data = _series_post(series.conversation, closed, title="Renamed", start_time="19:00")
    data["active"] = "on"
    response = client.post(f"/admin/scheduling/meetingseries/{series.pk}/change/", data)
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.title == "Renamed"
    assert (series.venue_id, series.start_time) == (series.venue_id, datetime.time(12, 0))
    assert not Meeting.objects.filter(venue=closed).exists()


def _meeting_post(meeting, starts_at: datetime.datetime, venue=None, version=None) -> dict:
    # The meeting form reads and writes its school's clock (the rest of the admin is in UTC).
    local = starts_at.astimezone((venue or meeting.venue).school.tz)
    return {
        "venue": (venue or meeting.venue).pk,
        "starts_at_0": local.date().isoformat(),
        "starts_at_1": local.time().isoformat(),
        "expected_version": meeting.version if version is None else version,
    }


def test_admin_meeting_reschedule_outside_opening_hours_is_refused(
    staff, series, venue, events, django_capture_on_commit_callbacks
):
    _, client = staff
    meeting = series.meetings.order_by("starts_at").first()
    late = meeting.starts_at.astimezone(venue.school.tz).replace(hour=21)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/scheduling/meeting/{meeting.pk}/change/", _meeting_post(meeting, late)
        )
    assert response.status_code == 200
    assert _errors(response) == ["Meetings at Library happen between 07:30 and 17:30."]
    before = meeting.starts_at
    meeting.refresh_from_db()
    assert (meeting.version, meeting.starts_at) == (1, before)
    assert events == []


def test_admin_meeting_moves_only_to_an_approved_venue(
    staff, series, program, events, django_capture_on_commit_callbacks
):
    _, client = staff
    meeting = series.meetings.order_by("starts_at").first()
    closed = Venue.objects.create(school=program.school, name="Attic", approved=False)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            f"/admin/scheduling/meeting/{meeting.pk}/change/",
            _meeting_post(meeting, meeting.starts_at, venue=closed),
        )
    assert _errors(refused) == ["That venue is not approved for meetings."]
    meeting.refresh_from_db()
    assert (meeting.venue_id, meeting.version) == (series.venue_id, 1)
    assert events == []


def test_admin_meeting_reschedule_goes_through_the_service(
    staff, series, venue, events, django_capture_on_commit_callbacks
):
    _, client = staff
    meeting = series.meetings.order_by("starts_at").first()
    earlier = meeting.starts_at - datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/scheduling/meeting/{meeting.pk}/change/", _meeting_post(meeting, earlier)
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.version) == (earlier, 2)
    assert meeting.ends_at - meeting.starts_at == datetime.timedelta(minutes=40)
    # The members are told, after commit, as meeting_reschedule does.
    assert [e["change"] for _, e in events] == ["rescheduled", "rescheduled"]


def test_admin_meeting_edit_of_an_old_version_is_refused(staff, series, coordinator):
    _, client = staff
    meeting = series.meetings.order_by("starts_at").first()
    scheduling.meeting_reschedule(
        meeting_id=meeting.pk,
        expected_version=1,
        starts_at=meeting.starts_at - datetime.timedelta(hours=1),
        actor=staff[0],
    )
    stale = _meeting_post(meeting, meeting.starts_at + datetime.timedelta(hours=1), version=1)
    response = client.post(f"/admin/scheduling/meeting/{meeting.pk}/change/", stale)
    assert response.status_code == 200
    assert _errors(response) == ["This meeting was changed by someone else; reload and try again."]
    assert Meeting.objects.get(pk=meeting.pk).version == 2


def test_admin_attendance_before_the_meeting_is_refused(staff, series, student):
    _, client = staff
    meeting = series.meetings.order_by("starts_at").first()
    response = client.post(
        "/admin/scheduling/attendance/add/",
        {"meeting": meeting.pk, "user": student.pk, "present": "on"},
    )
    assert response.status_code == 200
    assert _errors(response) == ["Attendance is recorded once the meeting has started."]
    assert not Attendance.objects.exists()


def test_admin_attendance_is_for_members_only(staff, series, make_user, district):
    _, client = staff
    meeting = series.meetings.order_by("starts_at").first()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    outsider = make_user(User.Role.STUDENT, district)
    response = client.post(
        "/admin/scheduling/attendance/add/", {"meeting": meeting.pk, "user": outsider.pk}
    )
    assert _errors(response) == ["That person is not part of this meeting."]
    assert not Attendance.objects.exists()


def _match_post(match, **over) -> dict:
    data = {
        "status": match.status,
        "reason": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    data.update(over)
    return data


def test_admin_match_is_proposed_by_the_service(staff, program, mentor, student):
    coordinator, client = staff
    response = client.post(
        "/admin/messaging/match/add/",
        {"program": program.pk, "mentor": mentor.pk, "student": student.pk, **_match_post(Match())},
    )
    assert response.status_code == 302
    match = Match.objects.get()
    assert match.status == Match.Status.PROPOSED
    assert match.conversation.memberships.count() == 2
    assert list(match.events.values_list("to_status", "actor")) == [("proposed", coordinator.pk)]


def test_admin_activation_without_consent_is_refused(
    staff, program, mentor, make_user, district, events, django_capture_on_commit_callbacks
):
    _, client = staff
    student = make_user(User.Role.STUDENT, district, cleared=False)
    match = messaging.match_create(program=program, mentor=mentor, student=student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/messaging/match/{match.pk}/change/", _match_post(match, status="active")
        )
    assert response.status_code == 200
    assert _errors(response) == ["The student has no recorded guardian consent."]
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED
    assert match.conversation.is_open is False
    assert not MatchEvent.objects.filter(match=match, to_status="active").exists()
    assert events == []


def test_admin_activation_without_screening_is_refused(
    staff, program, student, make_user, district
):
    _, client = staff
    mentor = make_user(User.Role.MENTOR, district, cleared=False)
    match = messaging.match_create(program=program, mentor=mentor, student=student)
    response = client.post(
        f"/admin/messaging/match/{match.pk}/change/", _match_post(match, status="active")
    )
    assert _errors(response) == [
        "The mentor's screening (background check and orientation) is not complete."
    ]
    assert Match.objects.get(pk=match.pk).status == Match.Status.PROPOSED


def test_admin_match_people_cannot_be_swapped(staff, active_match, make_user, district):
    _, client = staff
    unscreened = make_user(User.Role.MENTOR, district, cleared=False)
    response = client.post(
        f"/admin/messaging/match/{active_match.pk}/change/",
        _match_post(active_match, mentor=unscreened.pk, student=unscreened.pk),
    )
    assert response.status_code == 302
    active_match.refresh_from_db()
    assert active_match.mentor_id != unscreened.pk
    assert active_match.student_id != unscreened.pk
    assert not active_match.conversation.memberships.filter(user=unscreened).exists()


def test_admin_status_changes_go_through_the_services(
    staff, active_match, events, django_capture_on_commit_callbacks
):
    coordinator, client = staff
    url = f"/admin/messaging/match/{active_match.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        no_reason = client.post(url, _match_post(active_match, status="paused"))
    assert _errors(no_reason) == ["Pausing or closing a match needs a reason."]
    assert Match.objects.get(pk=active_match.pk).status == Match.Status.ACTIVE
    assert events == []
    with django_capture_on_commit_callbacks(execute=True):
        paused = client.post(url, _match_post(active_match, status="paused", reason="Check-in"))
    assert paused.status_code == 302
    active_match.refresh_from_db()
    assert (active_match.status, active_match.status_reason) == ("paused", "Check-in")
    assert active_match.conversation.is_open is False
    assert active_match.events.last().actor == coordinator
    assert [e["type"] for _, e in events] == ["conversation.status"] * 2
    resumed = client.post(url, _match_post(active_match, status="active"))
    assert resumed.status_code == 302
    assert Match.objects.get(pk=active_match.pk).status == Match.Status.ACTIVE
    closed = client.post(url, _match_post(active_match, status="closed", reason="Year ended"))
    assert closed.status_code == 302
    reopened = client.post(url, _match_post(Match.objects.get(pk=active_match.pk), status="active"))
    assert _errors(reopened) == ["A closed match cannot be reopened; create a new one."]
    assert Match.objects.get(pk=active_match.pk).status == Match.Status.CLOSED


def test_a_service_refusal_after_the_form_saves_nothing(staff, program):
    _, client = staff
    passed = timezone.localdate() - datetime.timedelta(days=14)
    passed -= datetime.timedelta(days=(passed.weekday() - program.week_starts_on) % 7)
    response = client.post(
        "/admin/messaging/weeklyprompt/add/",
        {"program": program.pk, "week_start": passed.isoformat(), "body": "What surprised you?"},
        follow=True,
    )
    assert response.status_code == 200
    assert "That week has already started or passed." in [
        str(m) for m in response.context["messages"]
    ]
    assert not WeeklyPrompt.objects.exists()


def test_admin_cancelled_meeting_cannot_be_moved(staff, series, events):
    coordinator, client = staff
    meeting = series.meetings.order_by("starts_at").first()
    scheduling.meeting_cancel(meeting_id=meeting.pk, expected_version=1, actor=coordinator)
    meeting.refresh_from_db()
    earlier = meeting.starts_at - datetime.timedelta(hours=1)
    response = client.post(
        f"/admin/scheduling/meeting/{meeting.pk}/change/", _meeting_post(meeting, earlier)
    )
    assert _errors(response) == ["This meeting is cancelled."]
    moved = Meeting.objects.get(pk=meeting.pk)
    assert (moved.status, moved.version, moved.starts_at) == ("cancelled", 2, meeting.starts_at)
