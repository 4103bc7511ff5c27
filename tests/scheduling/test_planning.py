"""Planning meetings in the app: the series preview, rules built from a form's choice, reschedule
and cancel of the rest of a series, mentors' proposals and attendance states."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from messaging import services as messaging
from messaging.access import ConversationNotFound
from messaging.realtime import user_group
from scheduling import recurrence, services
from scheduling.models import Attendance, Holiday, Meeting, MeetingProposal, MeetingSeries, Venue

from .conftest import next_weekday

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _preview(conversation, venue, **kw):
    args = {
        "conversation": conversation,
        "venue": venue,
        "rule": "FREQ=WEEKLY;COUNT=4",
        "first_date": next_weekday(3, venue.school.tz),
        "start_time": datetime.time(12, 15),
        "duration_minutes": 45,
    }
    return services.series_preview(**(args | kw))


# -- rules from the form's choice (pure) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("repeat", "first", "end", "rule"),
    [
        ("weekly", datetime.date(2027, 3, 4), {"count": 6}, "FREQ=WEEKLY;BYDAY=TH;COUNT=6"),
        (
            "fortnightly",
            datetime.date(2027, 3, 2),
            {"count": 3},
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3",
        ),
        ("monthly", datetime.date(2027, 3, 9), {"count": 4}, "FREQ=MONTHLY;BYDAY=2TU;COUNT=4"),
        # The fifth Tuesday is not in every month: the last one is.
        ("monthly", datetime.date(2027, 3, 30), {"count": 2}, "FREQ=MONTHLY;BYDAY=-1TU;COUNT=2"),
        (
            "weekly",
            datetime.date(2027, 3, 4),
            {"until": datetime.date(2027, 3, 25)},
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270325T235959",
        ),
    ],
)
def test_rule_built_from_the_choice(repeat, first, end, rule):
    assert recurrence.rule_build(repeat=repeat, first_date=first, **end) == rule


def test_monthly_rule_keeps_the_nth_weekday_and_until_is_inclusive():
    monthly = recurrence.rule_build(repeat="monthly", first_date=datetime.date(2027, 3, 9), count=3)
    weekly = recurrence.rule_build(
        repeat="weekly", first_date=datetime.date(2027, 3, 4), until=datetime.date(2027, 3, 18)
    )
    dates = [
        [
            o.local_date
            for o in recurrence.expand_all(
                rule=r,
                tz=CHICAGO,
                first_date=first,
                at=datetime.time(12, 0),
                duration=datetime.timedelta(minutes=30),
            )
        ]
        for r, first in ((monthly, datetime.date(2027, 3, 9)), (weekly, datetime.date(2027, 3, 4)))
    ]
    assert dates == [
        [datetime.date(2027, 3, 9), datetime.date(2027, 4, 13), datetime.date(2027, 5, 11)],
        [datetime.date(2027, 3, 4), datetime.date(2027, 3, 11), datetime.date(2027, 3, 18)],
    ]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"repeat": "yearly", "count": 2}, "Repeat must be one of"),
        ({"repeat": "weekly", "count": 2, "until": datetime.date(2027, 4, 1)}, "not both"),
        ({"repeat": "custom", "custom": "FREQ=HOURLY;COUNT=3"}, "FREQ must be one of"),
        ({"repeat": "custom", "custom": "FREQ=WEEKLY"}, "needs an end"),
    ],
)
def test_rule_build_refuses(kw, message):
    with pytest.raises(recurrence.RuleError, match=message):
        recurrence.rule_build(first_date=datetime.date(2027, 3, 4), **kw)


# -- preview ----------


def test_preview_skips_a_holiday_and_writes_nothing(conversation, venue, district):
    first = next_weekday(3, venue.school.tz)
    Holiday.objects.create(
        district=district, date=first + datetime.timedelta(days=7), name="Winter break"
    )
    preview = _preview(conversation, venue, first_date=first)
    assert [(p.local_date, p.skip, p.reason) for p in preview] == [
        (first, "", ""),
        (first + datetime.timedelta(days=7), "holiday", "Winter break"),
        (first + datetime.timedelta(days=14), "", ""),
        (first + datetime.timedelta(days=21), "", ""),
    ]
    assert [p.kept for p in preview] == [True, False, True, True]
    assert {p.start.time() for p in preview} == {datetime.time(12, 15)}
    assert (MeetingSeries.objects.count(), Meeting.objects.count()) == (0, 0)


def test_preview_keeps_1215_local_across_the_dst_change(conversation, venue):
    # 2027-11-07: Chicago falls back from CDT (UTC-5) to CST (UTC-6).
    preview = _preview(
        conversation,
        venue,
        first_date=datetime.date(2027, 10, 28),
        rule="FREQ=WEEKLY;COUNT=3",
        now=datetime.datetime(2027, 10, 1, tzinfo=datetime.UTC),
    )
    assert [(p.start.strftime("%Y-%m-%d %H:%M %Z"), p.kept) for p in preview] == [
        ("2027-10-28 12:15 CDT", True),
        ("2027-11-04 12:15 CDT", True),
        ("2027-11-11 12:15 CST", True),
    ]
    assert [p.start.astimezone(datetime.UTC).hour for p in preview] == [17, 17, 18]


def test_preview_marks_venue_hours_and_series_check_refuses_them(conversation, venue, coordinator):
    late = {"start_time": datetime.time(17, 0), "duration_minutes": 45}  # the venue closes 17:30
    preview = _preview(conversation, venue, **late)
    assert {(p.skip, p.reason) for p in preview} == {
        ("hours", "outside the venue's hours, 07:30 to 17:30")
    }
    args = {
        "conversation": conversation,
        "venue": venue,
        "rule": "FREQ=WEEKLY;COUNT=4",
        "first_date": next_weekday(3, venue.school.tz),
        "actor": coordinator,
        **late,
    }
    with pytest.raises(ValidationError, match="between 07:30 and 17:30"):
        services.series_check(**args)
    with pytest.raises(ValidationError, match="between 07:30 and 17:30"):
        services.series_create(title="Late", **args)
    assert (MeetingSeries.objects.count(), Meeting.objects.count()) == (0, 0)


def test_preview_marks_dates_already_passed(conversation, venue):
    first = timezone.now().astimezone(venue.school.tz).date() - datetime.timedelta(days=14)
    preview = _preview(conversation, venue, first_date=first, rule="FREQ=DAILY;COUNT=20")
    assert [p.skip for p in preview[:14]] == ["past"] * 14
    assert [p.skip for p in preview[15:]] == [""] * 5


def test_preview_of_a_bad_rule_is_a_validation_error(conversation, venue):
    with pytest.raises(ValidationError, match="FREQ must be one of"):
        _preview(conversation, venue, rule="FREQ=YEARLY;COUNT=2")


# -- reschedule and cancel, one or the rest of a series ----------


def test_coordinator_cancellation_tells_the_people_in_app_and_by_email(
    series, coordinator, mentor, student, events, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=mentor.pk).update(email="mentor@example.org")
    User.objects.filter(pk=student.pk).update(email="student@example.org")
    meeting = series.meetings.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting_id=meeting.pk, expected_version=1, actor=coordinator)
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.org", "student@example.org"]
    assert "is cancelled" in mail.outbox[0].body
    assert sorted(g for g, e in events if e["type"] == "meeting") == sorted(
        [user_group(mentor.pk), user_group(student.pk)]
    )
    assert user_group(coordinator.pk) not in {g for g, _ in events}


def test_cancel_this_and_following_stops_the_series(
    series, coordinator, django_capture_on_commit_callbacks
):
    first, second, *rest = series.meetings.order_by("starts_at")
    with django_capture_on_commit_callbacks(execute=True):
        count = services.meeting_cancel_following(
            meeting_id=second.pk, expected_version=1, actor=coordinator
        )
    assert count == 1 + len(rest) == 3
    statuses = dict(series.meetings.values_list("pk", "status"))
    assert statuses[first.pk] == "scheduled"
    assert {statuses[m.pk] for m in [second, *rest]} == {"cancelled"}
    series.refresh_from_db()
    assert series.active is False
    assert services.meetings_materialize(series=series) == 0


def test_cancel_following_tells_each_person_once(
    series, coordinator, mentor, student, events, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=mentor.pk).update(email="mentor@example.org")
    User.objects.filter(pk=student.pk).update(email="student@example.org")
    second = series.meetings.order_by("starts_at")[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel_following(
            meeting_id=second.pk, expected_version=1, actor=coordinator
        )
    # One e-mail each for the three meetings; one in-app event per meeting and person.
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.org", "student@example.org"]
    assert "3 meetings" in mail.outbox[0].body
    assert len([e for _, e in events if e["type"] == "meeting"]) == 3 * 2


def test_cancel_following_with_a_stale_version_cancels_nothing(series, coordinator):
    second = series.meetings.order_by("starts_at")[1]
    with pytest.raises(services.MeetingConflict):
        services.meeting_cancel_following(
            meeting_id=second.pk, expected_version=7, actor=coordinator
        )
    assert set(series.meetings.values_list("status", flat=True)) == {"scheduled"}
    series.refresh_from_db()
    assert series.active is True


def test_reschedule_following_keeps_each_date_and_moves_the_local_time(series, coordinator, venue):
    first, second, *rest = series.meetings.order_by("starts_at")
    moved = services.meeting_reschedule_following(
        meeting_id=second.pk,
        expected_version=1,
        start_time=datetime.time(14, 30),
        actor=coordinator,
    )
    assert moved == 3
    tz = venue.school.tz
    rows = {m.pk: m for m in series.meetings.all()}
    assert rows[first.pk].starts_at.astimezone(tz).time() == datetime.time(12, 0)
    for m in [second, *rest]:
        local = rows[m.pk].starts_at.astimezone(tz)
        assert (local.date(), local.time(), rows[m.pk].version) == (
            m.local_date,
            datetime.time(14, 30),
            2,
        )
        assert rows[m.pk].ends_at - rows[m.pk].starts_at == datetime.timedelta(minutes=40)
    series.refresh_from_db()
    assert series.start_time == datetime.time(14, 30)


def test_reschedule_following_outside_hours_moves_none(series, coordinator):
    second = series.meetings.order_by("starts_at")[1]
    before = dict(series.meetings.values_list("pk", "starts_at"))
    with pytest.raises(ValidationError, match="between"):
        services.meeting_reschedule_following(
            meeting_id=second.pk,
            expected_version=1,
            start_time=datetime.time(17, 15),
            actor=coordinator,
        )
    assert dict(series.meetings.values_list("pk", "starts_at")) == before
    assert set(series.meetings.values_list("version", flat=True)) == {1}
    series.refresh_from_db()
    assert series.start_time == datetime.time(12, 0)


# -- proposals ----------


def _propose(mentor, conversation, venue, **kw):
    args = {
        "actor": mentor,
        "conversation_id": conversation.pk,
        "venue": venue,
        "local_date": next_weekday(2, venue.school.tz),
        "start_time": datetime.time(15, 0),
        "duration_minutes": 30,
        "note": "Library visit",
    }
    return services.proposal_create(**(args | kw))


def test_a_proposal_tells_the_coordinators_and_schedules_nothing(
    conversation, venue, mentor, coordinator, events, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=coordinator.pk).update(email="coord@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = _propose(mentor, conversation, venue)
    assert (proposal.status, proposal.meeting, proposal.proposed_by) == ("pending", None, mentor)
    assert Meeting.objects.count() == 0
    # Every coordinator of the district (the factory's `clear` made one, this test another).
    coordinators = set(
        User.objects.filter(role="coordinator", district=coordinator.district).values_list(
            "pk", flat=True
        )
    )
    assert {g for g, e in events if e["type"] == "meeting.proposal"} == {
        user_group(pk) for pk in coordinators
    }
    assert [m.to for m in mail.outbox] == [["coord@example.org"]]


def test_approving_creates_the_meeting_through_the_service(
    conversation, venue, mentor, student, coordinator, events, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=mentor.pk).update(email="mentor@example.org")
    proposal = _propose(mentor, conversation, venue)
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.proposal_approve(proposal_id=proposal.pk, actor=coordinator)
    meeting = Meeting.objects.get()
    local = meeting.starts_at.astimezone(venue.school.tz)
    assert (approved.status, approved.meeting, approved.decided_by) == (
        "approved",
        meeting,
        coordinator,
    )
    assert (meeting.series, meeting.conversation, meeting.venue) == (None, conversation, venue)
    assert (local.date(), local.time()) == (proposal.local_date, datetime.time(15, 0))
    assert meeting.ends_at - meeting.starts_at == datetime.timedelta(minutes=30)
    assert {g for g, e in events if e["type"] == "meeting" and e["change"] == "created"} == {
        user_group(mentor.pk),
        user_group(student.pk),
    }
    assert [(g, e["change"]) for g, e in events if e["type"] == "meeting.proposal"] == [
        (user_group(mentor.pk), "approved")
    ]
    assert [m.to for m in mail.outbox] == [["mentor@example.org"]]
    assert "is approved" in mail.outbox[0].body
    with pytest.raises(ValidationError, match="already decided"):
        services.proposal_approve(proposal_id=proposal.pk, actor=coordinator)
    assert Meeting.objects.count() == 1


def test_approval_checks_the_venue_rules_again(conversation, venue, mentor, coordinator):
    proposal = _propose(mentor, conversation, venue)
    Venue.objects.filter(pk=venue.pk).update(approved=False)
    with pytest.raises(ValidationError, match="not approved"):
        services.proposal_approve(proposal_id=proposal.pk, actor=coordinator)
    proposal.refresh_from_db()
    assert (proposal.status, Meeting.objects.count()) == ("pending", 0)


def test_declining_tells_the_mentor_with_the_reason(
    conversation, venue, mentor, student, coordinator, events, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=mentor.pk).update(email="mentor@example.org")
    User.objects.filter(pk=student.pk).update(email="student@example.org")
    proposal = _propose(mentor, conversation, venue)
    with pytest.raises(ValidationError, match="Say why"):
        services.proposal_decline(proposal_id=proposal.pk, actor=coordinator, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decline(
            proposal_id=proposal.pk, actor=coordinator, reason="The library is closed that week"
        )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason, proposal.decided_by) == (
        "declined",
        "The library is closed that week",
        coordinator,
    )
    assert Meeting.objects.count() == 0
    assert [(g, e["change"]) for g, e in events] == [(user_group(mentor.pk), "declined")]
    assert [m.to for m in mail.outbox] == [["mentor@example.org"]]
    assert "Reason: The library is closed that week" in mail.outbox[0].body


def test_a_mentor_of_another_match_or_district_cannot_propose(
    conversation, venue, make_user, district, make_district, program
):
    other = make_user(User.Role.MENTOR, district)
    messaging.match_activate(
        match=messaging.match_create(
            program=program, mentor=other, student=make_user(User.Role.STUDENT, district)
        )
    )
    elsewhere = make_user(User.Role.MENTOR, make_district())
    student = conversation.match.student
    for actor in (other, elsewhere, student):
        with pytest.raises(ConversationNotFound):
            _propose(actor, conversation, venue)
    assert MeetingProposal.objects.count() == 0


def test_a_coordinator_of_another_district_cannot_decide(
    conversation, venue, mentor, make_user, make_district
):
    proposal = _propose(mentor, conversation, venue)
    outsider = make_user(User.Role.COORDINATOR, make_district())
    with pytest.raises(MeetingProposal.DoesNotExist):
        services.proposal_approve(proposal_id=proposal.pk, actor=outsider)
    with pytest.raises(MeetingProposal.DoesNotExist):
        services.proposal_decline(proposal_id=proposal.pk, actor=outsider, reason="no")
    with pytest.raises(MeetingProposal.DoesNotExist):
        services.proposal_approve(proposal_id=proposal.pk, actor=mentor)
    proposal.refresh_from_db()
    assert (proposal.status, Meeting.objects.count()) == ("pending", 0)


def test_a_proposal_keeps_the_meeting_rules(conversation, venue, mentor, district):
    day = next_weekday(4, venue.school.tz)
    Holiday.objects.create(district=district, date=day, name="Break")
    with pytest.raises(ValidationError, match="district holiday"):
        _propose(mentor, conversation, venue, local_date=day)
    with pytest.raises(ValidationError, match="between 07:30 and 17:30"):
        _propose(mentor, conversation, venue, start_time=datetime.time(18, 0))
    with pytest.raises(ValidationError, match="time ahead"):
        _propose(
            mentor,
            conversation,
            venue,
            local_date=timezone.now().astimezone(venue.school.tz).date()
            - datetime.timedelta(days=1),
        )
    assert MeetingProposal.objects.count() == 0


def test_a_paused_match_takes_no_proposal(conversation, venue, mentor, coordinator):
    messaging.match_pause(match=conversation.match, actor=coordinator, reason="Review")
    with pytest.raises(ValidationError, match="takes no new meetings"):
        _propose(mentor, conversation, venue)
    assert MeetingProposal.objects.count() == 0


def test_where_mentors_schedule_directly_the_meeting_is_made_at_once(
    conversation, venue, mentor, student
):
    assert conversation.program.mentors_schedule_directly is False
    type(conversation.program).objects.filter(pk=conversation.program_id).update(
        mentors_schedule_directly=True
    )
    proposal = _propose(mentor, conversation, venue)
    meeting = Meeting.objects.get()
    assert (proposal.status, proposal.meeting, proposal.decided_by) == (
        "approved",
        meeting,
        mentor,
    )
    # A student of the match still cannot schedule.
    conversation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            conversation=conversation,
            venue=venue,
            local_date=proposal.local_date,
            start_time=datetime.time(9, 0),
            duration_minutes=30,
            actor=student,
        )
    assert Meeting.objects.count() == 1


# -- attendance ----------


def _started(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=50),
        ends_at=timezone.now() - datetime.timedelta(minutes=10),
    )


@pytest.mark.parametrize(
    ("state", "present", "excused"),
    [("present", True, False), ("absent", False, False), ("excused", False, True)],
)
def test_the_mentor_records_each_attendance_state(series, mentor, student, state, present, excused):
    meeting = series.meetings.order_by("starts_at").first()
    _started(meeting)
    record = services.attendance_record(
        meeting_id=meeting.pk, user_id=student.pk, state=state, actor=mentor
    )
    record.refresh_from_db()
    assert (record.state, record.present, record.excused, record.recorded_by) == (
        state,
        present,
        excused,
        mentor,
    )


def test_attendance_is_corrected_not_duplicated(series, coordinator, student):
    meeting = series.meetings.order_by("starts_at").first()
    _started(meeting)
    for state in ("excused", "present"):
        services.attendance_record(
            meeting_id=meeting.pk, user_id=student.pk, state=state, actor=coordinator
        )
    assert list(Attendance.objects.values_list("present", "excused")) == [(True, False)]


def test_attendance_refused_for_outsiders_bad_states_and_cancelled_meetings(
    series, coordinator, student, mentor, make_user, district, make_district
):
    meeting = series.meetings.order_by("starts_at").first()
    _started(meeting)
    for outsider in (
        make_user(User.Role.MENTOR, district),
        make_user(User.Role.COORDINATOR, make_district()),
        student,
    ):
        with pytest.raises(PermissionDenied):
            services.attendance_record(
                meeting_id=meeting.pk, user_id=student.pk, state="present", actor=outsider
            )
    with pytest.raises(ValidationError, match="present, absent or excused"):
        services.attendance_record(
            meeting_id=meeting.pk, user_id=student.pk, state="late", actor=mentor
        )
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        services.attendance_record(
            meeting_id=meeting.pk, user_id=student.pk, state="present", actor=mentor
        )
    assert Attendance.objects.count() == 0


def test_the_sweep_closes_pending_proposals_of_a_closed_match(
    conversation, venue, mentor, coordinator, program, make_user, district
):
    ended = _propose(mentor, conversation, venue)
    other = messaging.match_activate(
        match=messaging.match_create(
            program=program,
            mentor=make_user(User.Role.MENTOR, district),
            student=make_user(User.Role.STUDENT, district),
        )
    ).conversation
    kept = _propose(other.match.mentor, other, venue)
    messaging.match_close(match=conversation.match, actor=coordinator, reason="Ended")
    services.meetings_cancel_removed()
    ended.refresh_from_db()
    kept.refresh_from_db()
    assert (ended.status, ended.decline_reason, ended.decided_by) == (
        "declined",
        "This meeting can no longer take place.",
        None,
    )
    assert kept.status == "pending"
    with pytest.raises(ValidationError, match="already decided"):
        services.proposal_approve(proposal_id=ended.pk, actor=coordinator)
    assert Meeting.objects.count() == 0
