"""The planning pages: scoped to a coordinator's district or a mentor's matches (404 otherwise),
the series form's preview before saving, clear errors, times in the school's zone."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from scheduling import services
from scheduling.models import Attendance, Holiday, Meeting, MeetingProposal, MeetingSeries

from .conftest import next_weekday


@pytest.fixture
def as_user(verified_login):
    def sign_in(user) -> Client:
        client = Client()
        verified_login(client, user)
        return client

    return sign_in


@pytest.fixture
def outsider(make_user, make_district):
    """A coordinator of another district (district B)."""
    return make_user(User.Role.COORDINATOR, make_district())


def _series_post(venue, first, **kw):
    data = {
        "title": "Career lunch",
        "venue": venue.pk,
        "first_date": first.isoformat(),
        "start_time": "12:15",
        "duration_minutes": "45",
        "repeat": "weekly",
        "count": "4",
        "custom_rule": "",
        "until": "",
    }
    return data | kw


def _proposal(mentor, conversation, venue):
    return services.proposal_create(
        actor=mentor,
        conversation_id=conversation.pk,
        venue=venue,
        local_date=next_weekday(2, venue.school.tz),
        start_time=datetime.time(15, 0),
        duration_minutes=30,
    )


def test_district_b_coordinator_gets_404_everywhere(
    as_user, outsider, conversation, venue, series, mentor, student
):
    meeting = series.meetings.order_by("starts_at").first()
    proposal = _proposal(mentor, conversation, venue)
    client = as_user(outsider)
    gets = [
        reverse("scheduling:series_new", args=[conversation.pk]),
        reverse("scheduling:meeting_change", args=[meeting.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (
            reverse("scheduling:series_new", args=[conversation.pk]),
            _series_post(venue, series.first_date) | {"save": "1"},
        ),
        (
            reverse("scheduling:meeting_change", args=[meeting.pk]),
            {"action": "cancel", "cancel-version": "1", "cancel-scope": "following"},
        ),
        (reverse("scheduling:proposal_decide", args=[proposal.pk]), {"action": "approve"}),
        (
            reverse("scheduling:attendance", args=[meeting.pk]),
            {"user": student.pk, "state": "present"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # Nothing of district A is listed for them, and nothing changed.
    assert b"Career lunch" not in client.get(reverse("meetings")).content
    assert client.get(reverse("scheduling:plan")).context["conversations"] == []
    assert client.get(reverse("scheduling:proposals")).context["proposals"] == []
    assert MeetingSeries.objects.count() == 1
    assert set(Meeting.objects.values_list("status", flat=True)) == {"scheduled"}
    assert MeetingProposal.objects.get().status == "pending"
    assert Attendance.objects.count() == 0


def test_mentors_and_students_get_no_coordinator_pages(
    as_user, conversation, series, mentor, student, make_user, district
):
    meeting = series.meetings.first()
    for person in (mentor, student):
        client = as_user(person)
        for url in (
            reverse("scheduling:plan"),
            reverse("scheduling:series_new", args=[conversation.pk]),
            reverse("scheduling:meeting_change", args=[meeting.pk]),
        ):
            assert client.get(url).status_code == 404, (person.role, url)
    assert as_user(student).get(reverse("scheduling:proposals")).status_code == 404
    assert as_user(student).get(reverse("scheduling:proposal_new")).status_code == 404


def test_series_form_previews_then_saves(as_user, coordinator, conversation, venue, district):
    first = next_weekday(3, venue.school.tz)
    Holiday.objects.create(
        district=district, date=first + datetime.timedelta(days=7), name="Winter break"
    )
    client = as_user(coordinator)
    url = reverse("scheduling:series_new", args=[conversation.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="save"' not in page.content  # saving is offered only with a preview
    shown = client.post(url, _series_post(venue, first) | {"preview": "1"})
    assert shown.status_code == 200
    assert [(p.local_date, p.skip) for p in shown.context["preview"]] == [
        (first, ""),
        (first + datetime.timedelta(days=7), "holiday"),
        (first + datetime.timedelta(days=14), ""),
        (first + datetime.timedelta(days=21), ""),
    ]
    html = shown.content.decode()
    assert "Skipped: Winter break" in html
    zone = datetime.datetime.combine(first, datetime.time(12, 15), tzinfo=venue.school.tz)
    assert f"12:15 {zone:%Z}" in html  # the school's zone, labelled
    assert 'name="save"' in html
    assert MeetingSeries.objects.count() == 0
    saved = client.post(url, _series_post(venue, first) | {"save": "1"})
    assert saved.status_code == 302
    series = MeetingSeries.objects.get()
    assert (series.rule, series.created_by, series.title) == (
        "FREQ=WEEKLY;BYDAY=TH;COUNT=4",
        coordinator,
        "Career lunch",
    )
    assert sorted(series.meetings.values_list("local_date", flat=True)) == [
        first,
        first + datetime.timedelta(days=14),
        first + datetime.timedelta(days=21),
    ]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"start_time": "17:00"}, "between 07:30 and 17:30"),
        ({"count": "", "until": ""}, "Give a number of meetings or a last date."),
        ({"repeat": "custom", "count": "", "custom_rule": "FREQ=HOURLY;COUNT=2"}, "FREQ must be"),
        ({"duration_minutes": "5"}, "greater than or equal to 10"),
    ],
)
def test_series_form_shows_clear_errors_and_saves_nothing(
    as_user, coordinator, conversation, venue, change, error
):
    client = as_user(coordinator)
    url = reverse("scheduling:series_new", args=[conversation.pk])
    page = client.post(
        url, _series_post(venue, next_weekday(3, venue.school.tz), **change) | {"save": "1"}
    )
    assert page.status_code == 200
    assert error in page.content.decode()
    assert (MeetingSeries.objects.count(), Meeting.objects.count()) == (0, 0)


def test_series_form_offers_only_the_schools_approved_venues(
    as_user, coordinator, conversation, venue, program, make_program, district
):
    from scheduling.models import Venue

    Venue.objects.create(school=program.school, name="Closed room", approved=False)
    Venue.objects.create(school=make_program(district).school, name="Other school", approved=True)
    page = as_user(coordinator).get(reverse("scheduling:series_new", args=[conversation.pk]))
    assert list(page.context["form"].fields["venue"].queryset) == [venue]


def test_coordinator_cancels_from_the_page_with_the_version_shown(as_user, coordinator, series):
    first, second, *rest = series.meetings.order_by("starts_at")
    client = as_user(coordinator)
    url = reverse("scheduling:meeting_change", args=[second.pk])
    zone = second.starts_at.astimezone(second.venue.school.tz)
    assert f"12:00 {zone:%Z}" in client.get(url).content.decode()
    stale = client.post(url, {"action": "cancel", "cancel-version": "9", "cancel-scope": "one"})
    assert stale.status_code == 400
    assert "changed by someone else" in stale.content.decode()
    done = client.post(
        url, {"action": "cancel", "cancel-version": "1", "cancel-scope": "following"}
    )
    assert done.status_code == 302
    assert dict(series.meetings.values_list("pk", "status")) == {
        first.pk: "scheduled",
        **{m.pk: "cancelled" for m in [second, *rest]},
    }


def test_mentor_proposes_only_for_their_matches(
    as_user, mentor, conversation, venue, make_user, district, program
):
    from messaging import services as messaging

    other = make_user(User.Role.MENTOR, district)
    theirs = messaging.match_activate(
        match=messaging.match_create(
            program=program, mentor=other, student=make_user(User.Role.STUDENT, district)
        )
    ).conversation
    client = as_user(mentor)
    url = reverse("scheduling:proposal_new")
    page = client.get(url)
    assert [c for c, _ in page.context["form"].fields["conversation"].choices] == [conversation.pk]
    data = {
        "venue": venue.pk,
        "date": next_weekday(2, venue.school.tz).isoformat(),
        "start_time": "15:00",
        "duration_minutes": "30",
        "note": "",
    }
    refused = client.post(url, data | {"conversation": theirs.pk})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert MeetingProposal.objects.count() == 0
    assert client.post(url, data | {"conversation": conversation.pk}).status_code == 302
    assert MeetingProposal.objects.get().conversation == conversation


def test_decline_needs_a_reason_on_the_page(as_user, coordinator, mentor, conversation, venue):
    proposal = _proposal(mentor, conversation, venue)
    client = as_user(coordinator)
    url = reverse("scheduling:proposal_decide", args=[proposal.pk])
    page = client.post(url, {"action": "decline", "reason": ""})
    assert page.status_code == 400
    assert "Say why the meeting is declined." in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    assert client.post(url, {"action": "decline", "reason": "Room booked"}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == ("declined", "Room booked")
    mentor_page = as_user(mentor).get(reverse("scheduling:proposals")).content.decode()
    assert "Reason: Room booked" in mentor_page


def test_a_mentor_records_attendance_only_for_their_meetings(
    as_user, mentor, student, series, make_user, district
):
    meeting = series.meetings.order_by("starts_at").first()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at - datetime.timedelta(days=8),
        ends_at=meeting.ends_at - datetime.timedelta(days=8),
    )
    url = reverse("scheduling:attendance", args=[meeting.pk])
    other = as_user(make_user(User.Role.MENTOR, district))
    assert other.post(url, {"user": student.pk, "state": "present"}).status_code == 404
    client = as_user(mentor)
    page = client.get(reverse("meetings"))
    assert [m.pk for m, _ in page.context["to_record"]] == [meeting.pk]
    assert client.post(url, {"user": student.pk, "state": "excused"}).status_code == 302
    assert Attendance.objects.get(meeting=meeting, user=student).state == "excused"
    assert client.post(url, {"user": student.pk, "state": "late"}).status_code == 302
    assert Attendance.objects.get(meeting=meeting, user=student).state == "excused"


def test_a_closed_matchs_proposals_leave_the_mentors_page(
    as_user, mentor, coordinator, conversation, venue
):
    from messaging import services as messaging

    proposal = _proposal(mentor, conversation, venue)
    client = as_user(mentor)
    assert [p.pk for p in client.get(reverse("scheduling:proposals")).context["proposals"]] == [
        proposal.pk
    ]
    messaging.match_close(match=conversation.match, actor=coordinator, reason="Ended")
    page = client.get(reverse("scheduling:proposals"))
    assert page.context["proposals"] == []
    assert conversation.match.student.public_name not in page.content.decode()


def test_coordinator_reschedules_one_meeting_in_the_schools_time(
    as_user, coordinator, series, venue
):
    first, second, *_ = series.meetings.order_by("starts_at")
    url = reverse("scheduling:meeting_change", args=[first.pk])
    data = {
        "action": "reschedule",
        "move-version": "1",
        "move-scope": "one",
        "move-date": first.local_date.isoformat(),
        "move-start_time": "09:30",
        "move-venue": venue.pk,
    }
    client = as_user(coordinator)
    refused = client.post(url, data | {"move-start_time": "06:00"})
    assert refused.status_code == 400
    assert "between 07:30 and 17:30" in refused.content.decode()
    assert client.post(url, data).status_code == 302
    moved = Meeting.objects.get(pk=first.pk)
    local = moved.starts_at.astimezone(venue.school.tz)
    assert (local.date(), local.time(), moved.version) == (
        first.local_date,
        datetime.time(9, 30),
        2,
    )
    assert Meeting.objects.get(pk=second.pk).version == 1
