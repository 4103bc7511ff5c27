# ruff: noqa: F811 - `seeded` is a fixture imported from tests/programs/evaluation_seed.py
"""Program evaluation: every figure on seeded data, with exact values.

The program's school is in America/Chicago. Its weeks run from Monday 26 October 2026 (DST ends
on Sunday 1 November: that week is 169 hours long) to the week of Thanksgiving (a district
holiday on Thursday 26 November, which the weekly meeting series skips).
"""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Program
from messaging import services as messaging
from programs.attendance import AttendanceRejected, school_attendance_import
from programs.evaluation import (
    evaluation_table,
    evaluation_weeks,
    percentile_nearest_rank,
    program_evaluation,
    school_evaluation,
)
from programs.models import SchoolAttendance

from .evaluation_seed import (  # noqa: F401 - fixtures
    CHICAGO,
    NOW,
    at,
    backdate,
    say,
    seeded,
    seeded_checkins,
    seeded_groups,
)

D = Decimal


def test_weeks_follow_the_school_calendar_across_dst():
    weeks = evaluation_weeks(
        tz=CHICAGO, first=datetime.date(2026, 10, 28), last=datetime.date(2026, 11, 2)
    )
    assert [w.start_date for w in weeks] == [
        datetime.date(2026, 10, 26),
        datetime.date(2026, 11, 2),
    ]
    assert weeks[0].start == datetime.datetime(2026, 10, 26, 5, tzinfo=datetime.UTC)
    assert weeks[0].end == datetime.datetime(2026, 11, 2, 6, tzinfo=datetime.UTC)
    assert weeks[0].end - weeks[0].start == datetime.timedelta(hours=169)
    assert weeks[1].start == weeks[0].end


def test_percentile_nearest_rank():
    assert percentile_nearest_rank([4, 1, 3, 2], 90) == 4
    assert percentile_nearest_rank(list(range(1, 11)), 90) == 9
    assert percentile_nearest_rank([7], 90) == 7


def _figures(evaluation):
    return {w.week.start_date: w for w in evaluation.weeks}


def test_program_evaluation_figures_week_by_week(seeded):
    evaluation = program_evaluation(
        program=seeded["program"],
        first=datetime.date(2026, 10, 26),
        last=datetime.date(2026, 11, 23),
        now=NOW,
    )
    weeks = _figures(evaluation)
    assert list(weeks) == [datetime.date(2026, 10, d) for d in (26,)] + [
        datetime.date(2026, 11, d) for d in (2, 9, 16, 23)
    ]
    rows = {
        day.isoformat(): (
            w.matches_active,
            w.messages,
            w.messages_per_match,
            w.matches_with_contact,
            w.contact_share,
            w.replies,
            w.unanswered,
            w.response_median_hours,
            w.response_p90_hours,
            w.meetings_held,
            w.attendance_present,
            w.attendance_recorded,
            w.attendance_rate,
            w.at_risk,
            w.holidays,
            w.checkin_average,
        )
        for day, w in weeks.items()
    }
    assert rows == {
        # DST week: A's student wrote Saturday (CDT) and the mentor answered Sunday (CST) 25
        # hours later; Sunday 23:30 is 05:30 UTC on Monday and still belongs to this week, its
        # run answered 10 hours later on Monday. B's student's message is never answered.
        "2026-10-26": (
            2, 5, D("2.50"), 2, D("1.00"), 2, 1, D("17.5"), D("25.0"),
            1, 2, 2, D("1.00"), 0, (), None,
        ),
        # C starts; B's only message is held (no contact); the mentor's 4-hour answer counts
        # from the first of the student's two messages.
        "2026-11-02": (
            3, 7, D("2.33"), 2, D("0.67"), 2, 0, D("14.0"), D("24.0"),
            1, 1, 2, D("0.50"), 0, (), None,
        ),
        # B has had no contact this week or last: at risk. C started last week: not yet.
        "2026-11-09": (
            3, 3, D("1.00"), 1, D("0.33"), 1, 0, D("1.5"), D("1.5"),
            1, 1, 2, D("0.50"), 1, (), None,
        ),
        # C closed on Wednesday: active this week, never at risk after it closed. The meeting
        # on the 19th has no attendance recorded: not held.
        "2026-11-16": (
            3, 1, D("0.33"), 1, D("0.33"), 0, 1, None, None,
            0, 0, 0, None, 1, (), None,
        ),
        # Thanksgiving: no meeting, the holiday named.
        "2026-11-23": (
            2, 0, D("0.00"), 0, D("0.00"), 0, 0, None, None,
            0, 0, 0, None, 1, ("Thanksgiving",), None,
        ),
    }  # fmt: skip
    assert evaluation.at_risk_matches == [seeded["matches"]["B"]]
    assert evaluation.timezone == "America/Chicago"
    # The series had five Thursdays; Thanksgiving was never materialised.
    assert sorted(seeded["meetings"]) == [5, 12, 19, 29]


def test_school_attendance_per_week_and_before_after(seeded):
    evaluation = program_evaluation(
        program=seeded["program"],
        first=datetime.date(2026, 10, 12),
        last=datetime.date(2026, 11, 9),
        now=NOW,
    )
    weeks = _figures(evaluation)
    assert {
        day.isoformat(): (w.school_days_present, w.school_days_recorded, w.school_attendance_rate)
        for day, w in weeks.items()
    } == {
        "2026-10-12": (3, 5, D("0.60")),
        "2026-10-19": (1, 2, D("0.50")),
        "2026-10-26": (4, 5, D("0.80")),
        "2026-11-02": (5, 5, D("1.00")),
        "2026-11-09": (0, 0, None),
    }
    # Before the match started the week: matches active 0 (it started on the Tuesday after).
    assert weeks[datetime.date(2026, 10, 12)].matches_active == 0
    sA, sB = seeded["people"]["A"][1], seeded["people"]["B"][1]
    assert [
        (c.student, c.match_started.isoformat(), c.before_present, c.before_recorded,
         c.before_rate, c.after_present, c.after_recorded, c.after_rate)
        for c in evaluation.attendance_changes
    ] == [
        (sA, "2026-10-20", 3, 6, D("0.50"), 6, 6, D("1.00")),
        (sB, "2026-10-20", 0, 0, None, 4, 5, D("0.80")),
    ]  # fmt: skip


def test_school_evaluation_covers_every_program_of_the_school(seeded, make_user):
    other = Program.objects.create(
        school=seeded["school"], name="Second", start_date=datetime.date(2026, 10, 19)
    )
    district = seeded["district"]
    mentor, student = make_user("mentor", district), make_user("student", district)
    match = messaging.match_activate(
        match=messaging.match_create(program=other, mentor=mentor, student=student)
    )
    backdate(match, at(2026, 11, 9, 8), at(2026, 11, 9, 9))
    say(student, match, at(2026, 11, 10, 8))
    say(mentor, match, at(2026, 11, 10, 10))
    evaluation = school_evaluation(
        school=seeded["school"],
        first=datetime.date(2026, 11, 9),
        last=datetime.date(2026, 11, 9),
        now=NOW,
    )
    [week] = evaluation.weeks
    assert (week.matches_active, week.messages, week.matches_with_contact, week.replies) == (
        4, 5, 2, 2,
    )  # fmt: skip
    assert (week.response_median_hours, week.response_p90_hours) == (D("1.8"), D("2.0"))
    assert evaluation.title == "Lakeside Middle"


def test_evaluation_table_is_the_same_numbers_as_text(seeded):
    evaluation = program_evaluation(
        program=seeded["program"],
        first=datetime.date(2026, 11, 23),
        last=datetime.date(2026, 11, 23),
        now=NOW,
    )
    headings, rows = evaluation_table(evaluation)
    assert headings[0] == "Week of"
    assert rows == [
        ["2026-11-23", "Thanksgiving", "2", "0", "0.00", "0.00", "", "", "0", "0", "", "0", "",
         "", "", "1", "", "0", "", "0", ""]
    ]  # fmt: skip


def test_checkin_scores_week_by_week_by_side(seeded_checkins):
    evaluation = program_evaluation(
        program=seeded_checkins["program"],
        first=datetime.date(2026, 10, 26),
        last=datetime.date(2026, 11, 23),
        now=NOW,
    )
    assert {
        w.week.start_date.isoformat(): (
            w.checkin_responses,
            w.checkin_average,
            w.checkin_mentor_average,
            w.checkin_student_average,
        )
        for w in evaluation.weeks
    } == {
        # The mentor's 4 and the student's 5 answered at 23:30 on the Sunday DST ends.
        "2026-10-26": (2, D("4.50"), D("4.00"), D("5.00")),
        "2026-11-02": (2, D("2.50"), D("2.00"), D("3.00")),
        "2026-11-09": (0, None, None, None),
        # Mentors 5, 1 and 4 (C closed on the Wednesday, answered on the Tuesday), the student
        # 4; A's student did not answer; the group's 1 is not a match's.
        "2026-11-16": (4, D("3.50"), D("3.33"), D("4.00")),
        "2026-11-23": (0, None, None, None),
    }


def test_checkin_scores_stay_in_their_program(seeded_checkins, make_user):
    other = Program.objects.create(
        school=seeded_checkins["school"], name="Second", start_date=datetime.date(2026, 10, 19)
    )
    evaluation = program_evaluation(
        program=other,
        first=datetime.date(2026, 11, 16),
        last=datetime.date(2026, 11, 16),
        now=NOW,
    )
    [week] = evaluation.weeks
    assert (week.checkin_responses, week.checkin_average) == (0, None)
    # The school's evaluation covers both programs: the same four answers.
    [week] = school_evaluation(
        school=seeded_checkins["school"],
        first=datetime.date(2026, 11, 16),
        last=datetime.date(2026, 11, 16),
        now=NOW,
    ).weeks
    assert (week.checkin_responses, week.checkin_average) == (4, D("3.50"))


def test_evaluation_table_carries_the_checkin_scores(seeded_checkins):
    headings, rows = evaluation_table(
        program_evaluation(
            program=seeded_checkins["program"],
            first=datetime.date(2026, 11, 16),
            last=datetime.date(2026, 11, 16),
            now=NOW,
        )
    )
    start = headings.index("Check-ins answered")
    assert headings[start : start + 4] == [
        "Check-ins answered",
        "Check-in score",
        "Check-in score, mentors",
        "Check-in score, students",
    ]
    assert rows[0][start : start + 4] == ["4", "3.50", "3.33", "4.00"]


# -- the attendance import ----------------------------------------------------------------------


def test_attendance_import_dry_run_rerun_and_row_errors(district, make_district, make_user):
    student = make_user("student", district, sourced_id="st-1")
    data = (
        f"student,date,status\nst-1,2026-11-02,present\n{student.username},2026-11-03,absent\n"
    ).encode()
    preview = school_attendance_import(district=district, data=data, dry_run=True)
    assert (preview.created, preview.updated, preview.unchanged) == (2, 0, 0)
    assert SchoolAttendance.objects.count() == 0
    first = school_attendance_import(district=district, data=data, dry_run=False)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    again = school_attendance_import(district=district, data=data, dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = school_attendance_import(
        district=district, data=b"student,date,status\nst-1,2026-11-02,absent\n", dry_run=False
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    assert SchoolAttendance.objects.get(period_start=datetime.date(2026, 11, 2)).days_absent == 1

    other_district_student = make_user("student", make_district(), username="far")
    bad = (
        "student,date,week,status,days_present,days_absent\n"
        "st-1,2026-13-01,,present,,\n"
        "nobody,2026-11-04,,present,,\n"
        "st-1,2026-11-04,,late,,\n"
        "st-1,,2026-W46,,5,3\n"
        "st-1,,2026-11-04,,1,1\n"
        f"{other_district_student.username},2026-11-04,,present,,\n"
        "st-1,2026-11-05,,present,,\n"
    ).encode()
    with pytest.raises(AttendanceRejected) as caught:
        school_attendance_import(district=district, data=bad, dry_run=False)
    assert caught.value.report.errors == [
        "attendance.csv:2: date='2026-13-01': not a date (YYYY-MM-DD)",
        "attendance.csv:3: student='nobody': no student of the district with this sourcedId",
        "attendance.csv:4: status='late': not one of: present, absent",
        "attendance.csv:5: days_absent='3': more than 7 days in the week",
        "attendance.csv:6: week='2026-11-04': not an ISO week (YYYY-Www) or a Monday",
        "attendance.csv:7: student='far': no student of the district with this sourcedId",
    ]
    # The valid last row was not written either.
    assert not SchoolAttendance.objects.filter(period_start=datetime.date(2026, 11, 5)).exists()
    with pytest.raises(AttendanceRejected) as caught:
        school_attendance_import(district=district, data=b"pupil,day\nx,y\n", dry_run=False)
    assert caught.value.report.errors == [
        "attendance.csv:1: student='': required column is missing (student, and date or week)"
    ]


def test_group_figures_week_by_week(seeded_groups):
    evaluation = program_evaluation(
        program=seeded_groups["program"],
        first=datetime.date(2026, 10, 26),
        last=datetime.date(2026, 11, 23),
        now=NOW,
    )
    assert evaluation.groups == 1
    assert {
        w.week.start_date.isoformat(): (
            w.meetings_held,
            w.attendance_rate,
            w.group_sessions_held,
            w.group_attendance_present,
            w.group_attendance_recorded,
            w.group_attendance_rate,
            w.group_checkin_responses,
            w.group_checkin_average,
            w.checkin_responses,
        )
        for w in evaluation.weeks
    } == {
        # The match's meeting and the club's session are counted apart: the club's 2 of 3
        # present does not change the match's attendance.
        "2026-10-26": (1, D("1.00"), 1, 2, 3, D("0.67"), 0, None, 0),
        # The club's session on the 3rd has no attendance recorded: not held.
        "2026-11-02": (1, D("0.50"), 0, 0, 0, None, 0, None, 0),
        # The session on the 10th was cancelled.
        "2026-11-09": (1, D("0.50"), 0, 0, 0, None, 0, None, 0),
        # One present, one excused; A's student's 3 and the club mentor's 5 (B's student did not
        # answer); the match check-ins stay 0.
        "2026-11-16": (0, None, 1, 1, 2, D("0.50"), 2, D("4.00"), 0),
        "2026-11-23": (0, None, 0, 0, 0, None, 0, None, 0),
    }


def test_a_scope_without_groups_says_so(seeded):
    evaluation = program_evaluation(
        program=seeded["program"],
        first=datetime.date(2026, 10, 26),
        last=datetime.date(2026, 10, 26),
        now=NOW,
    )
    assert evaluation.groups == 0
    [week] = evaluation.weeks
    assert (week.group_sessions_held, week.group_attendance_rate) == (0, None)


def test_evaluation_table_carries_the_group_figures(seeded_groups):
    headings, rows = evaluation_table(
        program_evaluation(
            program=seeded_groups["program"],
            first=datetime.date(2026, 10, 26),
            last=datetime.date(2026, 11, 16),
            now=NOW,
        )
    )
    start = headings.index("Group sessions held")
    assert headings[start:] == [
        "Group sessions held",
        "Group attendance",
        "Group check-ins answered",
        "Group check-in score",
    ]
    assert [row[start:] for row in rows] == [
        ["1", "0.67", "0", ""],
        ["0", "", "0", ""],
        ["0", "", "0", ""],
        ["1", "0.50", "2", "4.00"],
    ]
