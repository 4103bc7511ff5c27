"""Seeded history for the evaluation tests: three matches of one program in America/Chicago from
October to December 2026, with messages, meetings, attendance and imported school attendance
(the expected figures are in tests/programs/test_evaluation.py)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from accounts.models import Program, School
from actions.messages import message_send
from messaging import services as messaging
from messaging.models import Conversation, MatchEvent, Message
from programs.attendance import school_attendance_import
from programs.models import CheckIn
from scheduling import services as scheduling
from scheduling.models import Holiday, Meeting, Venue

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC)
D = Decimal


def at(y, mo, d, h, mi=0):
    """A wall-clock time in Chicago, as an aware datetime."""
    return datetime.datetime(y, mo, d, h, mi, tzinfo=CHICAGO)


def backdate(match, *events_at):
    """Give the match's status events (in order) the given times."""
    for event, when in zip(
        MatchEvent.objects.filter(match=match).order_by("pk"), events_at, strict=True
    ):
        MatchEvent.objects.filter(pk=event.pk).update(at=when)


_counter = iter(range(1, 10_000))


def say(user, match, when, state=None):
    message = message_send(
        sender=user,
        conversation_id=match.conversation.pk,
        client_id=f"e{next(_counter)}",
        body="hi",
    ).message
    update = {"created_at": when}
    if state is not None:
        update["state"] = state
    Message.objects.filter(pk=message.pk).update(**update)
    return message


@pytest.fixture
def seeded(make_district, make_user):
    district = make_district(timezone="America/Chicago")
    school = School.objects.create(district=district, name="Lakeside Middle")
    program = Program.objects.create(
        school=school, name="Success Mentors", start_date=datetime.date(2026, 10, 19)
    )
    coordinator = make_user("coordinator", district)
    people = {}
    matches = {}
    for key in "ABC":
        people[key] = (make_user("mentor", district), make_user("student", district))
        match = messaging.match_create(
            program=program, mentor=people[key][0], student=people[key][1]
        )
        matches[key] = messaging.match_activate(match=match)
    A, B, C = matches["A"], matches["B"], matches["C"]
    backdate(A, at(2026, 10, 20, 8), at(2026, 10, 20, 9))
    backdate(B, at(2026, 10, 20, 8), at(2026, 10, 20, 9))
    backdate(C, at(2026, 11, 3, 9), at(2026, 11, 3, 10))

    (mA, sA), (mB, sB), (mC, sC) = people["A"], people["B"], people["C"]
    # Week of 26 October (DST ends on the Sunday).
    say(sA, A, at(2026, 10, 31, 20))  # 01:00 UTC on Sunday, CDT
    say(mA, A, at(2026, 11, 1, 20))  # CST: 25 hours later, not 24
    say(sA, A, at(2026, 11, 1, 23, 30))  # Monday 05:30 UTC, still Sunday in Chicago
    say(mB, B, at(2026, 10, 27, 10))
    say(sB, B, at(2026, 10, 27, 12))  # never answered
    # Week of 2 November.
    say(sA, A, at(2026, 11, 2, 0, 30))  # same run as Sunday 23:30
    say(mA, A, at(2026, 11, 2, 9, 30))  # 10 hours after Sunday 23:30
    say(sB, B, at(2026, 11, 4, 9), state=Message.State.HELD)  # not seen: no contact
    say(sC, C, at(2026, 11, 4, 15))
    say(mC, C, at(2026, 11, 5, 15))  # 24 hours
    say(sC, C, at(2026, 11, 6, 8))
    say(sC, C, at(2026, 11, 6, 9))
    say(mC, C, at(2026, 11, 6, 12))  # 4 hours from the run's first message
    messaging.system_message_post(conversation=A.conversation, key="prompt:x", body="Question?")
    # Week of 9 November.
    say(mA, A, at(2026, 11, 9, 10))
    say(sA, A, at(2026, 11, 10, 10))
    say(mA, A, at(2026, 11, 10, 11, 30))  # 1.5 hours
    # Week of 16 November: C closes on Wednesday; A's student waits.
    say(sA, A, at(2026, 11, 17, 10))
    messaging.match_close(match=C, actor=coordinator, reason="Moved away")
    MatchEvent.objects.filter(match=C, to_status="closed").update(at=at(2026, 11, 18, 12))

    # Meetings: Thursdays at lunch for A; Thanksgiving is skipped.
    Holiday.objects.create(district=district, date=datetime.date(2026, 11, 26), name="Thanksgiving")
    venue = Venue.objects.create(school=school, name="Library", approved=True)
    scheduling.series_create(
        conversation=A.conversation,
        venue=venue,
        title="Lunch",
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=5",
        first_date=datetime.date(2026, 10, 29),
        start_time=datetime.time(12, 15),
        duration_minutes=40,
        actor=coordinator,
        now=at(2026, 10, 28, 9),
    )
    meetings = {m.local_date.day: m for m in Meeting.objects.filter(conversation=A.conversation)}
    for day, mentor_state, student_state in [
        (29, "present", "present"),
        (5, "present", "absent"),
        (12, "present", "excused"),
    ]:
        for user, state in ((mA, mentor_state), (sA, student_state)):
            scheduling.attendance_record(
                meeting_id=meetings[day].pk, user_id=user.pk, state=state, actor=coordinator
            )

    # School attendance, imported by the district.
    sA.sourced_id = "s-a"
    sA.save(update_fields=["sourced_id"])
    csv_text = (
        "student,date,week,status,days_present,days_absent\n"
        "s-a,,2026-W42,,3,2\n"  # 12-16 October, before the match
        "s-a,2026-10-19,,absent,,\n"  # the day before the match started
        "s-a,2026-10-20,,present,,\n"  # the day it started: after
        "s-a,,2026-11-02,,5,0\n"
        f"{sB.username},,2026-W44,,4,1\n"
    )
    school_attendance_import(district=district, data=csv_text.encode(), dry_run=False)
    return {
        "district": district,
        "school": school,
        "program": program,
        "matches": matches,
        "people": people,
        "meetings": meetings,
        "coordinator": coordinator,
    }


@pytest.fixture
def seeded_checkins(seeded):
    """Answered check-ins on top of `seeded`: two periods (from 19 October and 16 November), one
    answered late on the Sunday DST ends, one left unanswered, one of a group (not a match).
    Expected figures are in tests/programs/test_evaluation.py."""
    A, B, C = (seeded["matches"][k] for k in "ABC")
    (mA, sA), (mB, sB), (mC, _sC) = (seeded["people"][k] for k in "ABC")
    program = seeded["program"]
    first, second = datetime.date(2026, 10, 19), datetime.date(2026, 11, 16)
    rows = [
        # (conversation, match, user, period start, score, answered at)
        (A.conversation, A, mA, first, 4, at(2026, 10, 27, 16)),
        # 23:30 on Sunday 1 November in Chicago is 05:30 UTC on Monday: still the DST week.
        (A.conversation, A, sA, first, 5, at(2026, 11, 1, 23, 30)),
        (B.conversation, B, mB, first, 2, at(2026, 11, 2, 8)),
        (B.conversation, B, sB, first, 3, at(2026, 11, 3, 15)),
        (A.conversation, A, mA, second, 5, at(2026, 11, 17, 9)),
        (A.conversation, A, sA, second, None, None),  # not answered
        (B.conversation, B, mB, second, 1, at(2026, 11, 18, 9)),
        (B.conversation, B, sB, second, 4, at(2026, 11, 19, 9)),
        (C.conversation, C, mC, second, 4, at(2026, 11, 17, 14)),
    ]
    # A group's check-in: groups count for meetings, not for matches.
    group = Conversation.objects.create(
        program=program,
        district_id=seeded["district"].pk,
        kind=Conversation.Kind.GROUP,
        title="Lunch club",
    )
    rows.append((group, None, sA, second, 1, at(2026, 11, 17, 10)))
    checkins = [
        CheckIn.objects.create(
            program=program,
            conversation=conversation,
            match=match,
            user=user,
            period_start=period,
            opened_at=at(period.year, period.month, period.day, 6),
            score=score,
            answered_at=answered,
        )
        for conversation, match, user, period, score, answered in rows
    ]
    return {**seeded, "checkins": checkins}


@pytest.fixture
def seeded_groups(seeded, make_user):
    """A group on top of `seeded`: a lunch club of one mentor and A's and B's students, with
    sessions (one held in the DST week, one with no attendance recorded, one cancelled, one
    held on 18 November) and check-ins answered in the week of 16 November. Expected figures
    in tests/programs/test_evaluation.py (test_group_figures_week_by_week)."""
    program = seeded["program"]
    (_mA, sA), (_mB, sB) = seeded["people"]["A"], seeded["people"]["B"]
    club_mentor = make_user("mentor", seeded["district"])
    club = messaging.group_conversation_create(
        program=program, title="Lunch club", mentors=[club_mentor], students=[sA, sB]
    )
    venue = Venue.objects.get(school=seeded["school"], name="Library")

    def session(day, status=Meeting.Status.SCHEDULED):
        starts = at(day.year, day.month, day.day, 12)
        return Meeting.objects.create(
            conversation=club,
            venue=venue,
            local_date=day,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=40),
            status=status,
        )

    coordinator = seeded["coordinator"]
    for day, states in [
        # 27 October (the DST week): the mentor and A's student came, B's student did not.
        (datetime.date(2026, 10, 27), [(club_mentor, "present"), (sA, "present"), (sB, "absent")]),
        (datetime.date(2026, 11, 3), []),  # nothing recorded: not held
        (datetime.date(2026, 11, 18), [(sA, "present"), (sB, "excused")]),
    ]:
        meeting = session(day)
        for user, state in states:
            scheduling.attendance_record(
                meeting_id=meeting.pk, user_id=user.pk, state=state, actor=coordinator
            )
    session(datetime.date(2026, 11, 10), status=Meeting.Status.CANCELLED)
    period = datetime.date(2026, 11, 16)
    for user, score, answered in [
        (sA, 3, at(2026, 11, 17, 10)),
        (club_mentor, 5, at(2026, 11, 18, 16)),
        (sB, None, None),
    ]:
        CheckIn.objects.create(
            program=program,
            conversation=club,
            match=None,
            user=user,
            period_start=period,
            opened_at=at(2026, 11, 16, 6),
            score=score,
            answered_at=answered,
        )
    return {**seeded, "club": club, "club_mentor": club_mentor}
