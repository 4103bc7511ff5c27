"""Check-ins: the periodic job that opens them, the answer (screened like any text), the
coordinator follow-ups, and the member's page."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import AuditEntry, User
from actions.checkins import checkin_answer
from messaging import services as messaging
from messaging.models import Match
from moderation.models import Report, ReviewItem
from programs.checkins import (
    CheckInNotFound,
    checkins_open_due,
    follow_up_close,
    period_start,
)
from programs.models import CheckIn, FollowUp, ProgramRules
from testkit.sessions import login_verified

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
START = datetime.date(2026, 9, 7)  # a Monday


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=CHICAGO)


@pytest.fixture
def running(program):
    program.start_date = START
    program.save()
    ProgramRules.objects.create(program=program, checkin_every_weeks=2)
    return program


def _active(program, mentor, student, created=START - datetime.timedelta(days=1)):
    match = messaging.match_create(program=program, mentor=mentor, student=student)
    messaging.match_activate(match=match)
    Match.objects.filter(pk=match.pk).update(created_at=_at(created))
    match.conversation.__class__.objects.filter(pk=match.conversation.pk).update(
        created_at=_at(created)
    )
    return match


def test_periods_run_from_the_start_date_in_whole_multiples(running):
    assert period_start(program=running, on=START - datetime.timedelta(days=1)) is None
    assert period_start(program=running, on=START) == START
    assert period_start(program=running, on=START + datetime.timedelta(days=13)) == START
    assert period_start(program=running, on=START + datetime.timedelta(days=14)) == datetime.date(
        2026, 9, 21
    )
    running.end_date = datetime.date(2026, 9, 30)
    running.save()
    assert period_start(program=running, on=datetime.date(2026, 10, 1)) is None


def test_the_job_opens_one_per_member_of_active_matches_and_groups(
    running, make_user, district, coordinator
):
    mentor, student = make_user("mentor", district), make_user("student", district)
    match = _active(running, mentor, student)
    paused = _active(running, make_user("mentor", district), make_user("student", district))
    messaging.match_pause(match=paused, actor=None, reason="Holiday")
    late = _active(
        running,
        make_user("mentor", district),
        make_user("student", district),
        created=START + datetime.timedelta(days=2),
    )
    group_mentor = make_user("mentor", district)
    group_students = [make_user("student", district), make_user("student", district)]
    group = messaging.group_conversation_create(
        program=running, title="Robotics club", mentors=[group_mentor], students=group_students
    )
    group.__class__.objects.filter(pk=group.pk).update(
        created_at=_at(START - datetime.timedelta(days=1))
    )

    now = _at(START + datetime.timedelta(days=3))
    assert checkins_open_due(now=now) == 5
    rows = set(
        CheckIn.objects.values_list("user_id", "conversation_id", "match_id", "period_start")
    )
    assert rows == {
        (mentor.pk, match.conversation.pk, match.pk, START),
        (student.pk, match.conversation.pk, match.pk, START),
        (group_mentor.pk, group.pk, None, START),
        (group_students[0].pk, group.pk, None, START),
        (group_students[1].pk, group.pk, None, START),
    }
    assert checkins_open_due(now=now) == 0  # idempotent within the period
    # The next period: the match created during the first one now takes part too.
    assert checkins_open_due(now=_at(START + datetime.timedelta(days=14))) == 7
    assert CheckIn.objects.filter(match=late).count() == 2
    assert CheckIn.objects.filter(match=paused).count() == 0


def _checkin(running, make_user, district):
    mentor, student = make_user("mentor", district), make_user("student", district)
    _active(running, mentor, student)
    checkins_open_due(now=_at(START + datetime.timedelta(days=1)))
    return CheckIn.objects.get(user=student), CheckIn.objects.get(user=mentor)


def test_a_good_answer_opens_no_follow_up(running, make_user, district):
    checkin, _ = _checkin(running, make_user, district)
    answered = checkin_answer(
        user=checkin.user, checkin_id=checkin.pk, score="4", went_well="We made a study plan."
    )
    assert (answered.score, answered.went_well, answered.flagged) == (
        4,
        "We made a study plan.",
        False,
    )
    assert FollowUp.objects.count() == 0
    assert ReviewItem.objects.count() == 0
    entry = AuditEntry.objects.get(action="checkin.answer")
    assert entry.detail == {"score": 4, "review_items": [], "follow_up": None, "reasons": []}
    with pytest.raises(CheckInNotFound):  # answered once
        checkin_answer(user=checkin.user, checkin_id=checkin.pk, score=5)


@pytest.mark.parametrize(
    ("score", "worries", "reasons"),
    [
        (2, "", ["low_score"]),
        (1, "", ["low_score"]),
        (3, "", None),
        (4, "My mentor cancels a lot.", ["worry"]),
        (2, "My mentor cancels a lot.", ["low_score", "worry"]),
    ],
)
def test_low_scores_and_worries_open_a_follow_up(
    running, make_user, district, score, worries, reasons
):
    checkin, _ = _checkin(running, make_user, district)
    checkin_answer(user=checkin.user, checkin_id=checkin.pk, score=score, worries=worries)
    follow_up = FollowUp.objects.filter(checkin=checkin).first()
    assert (follow_up.reasons if follow_up else None) == reasons
    assert ReviewItem.objects.count() == 0


def test_a_flagged_comment_goes_to_the_moderators_and_the_coordinator(running, make_user, district):
    checkin, _ = _checkin(running, make_user, district)
    checkin_answer(
        user=checkin.user, checkin_id=checkin.pk, score=4, worries="I want to kill myself"
    )
    checkin.refresh_from_db()
    assert checkin.flagged is True
    item = ReviewItem.objects.get()
    assert (item.conversation_id, item.priority, item.categories, item.reported_by_id) == (
        checkin.conversation_id,
        "urgent",
        ["self_harm", "checkin"],
        checkin.user_id,
    )
    assert Report.objects.get(item=item).reason == "I want to kill myself"
    assert FollowUp.objects.get(checkin=checkin).reasons == ["worry", "flagged"]
    assert AuditEntry.objects.get(action="checkin.answer").detail["review_items"] == [item.pk]


def test_a_held_comment_from_a_mentor_is_flagged_too(running, make_user, district):
    _, checkin = _checkin(running, make_user, district)
    checkin_answer(
        user=checkin.user, checkin_id=checkin.pk, score=5, went_well="my number is 555-123-4567"
    )
    assert ReviewItem.objects.get().categories == ["contact_info", "checkin"]
    assert FollowUp.objects.get().reasons == ["flagged"]


@pytest.mark.parametrize("score", [0, 6, "", None, "five"])
def test_a_score_outside_1_to_5_writes_nothing(running, make_user, district, score):
    checkin, _ = _checkin(running, make_user, district)
    with pytest.raises(ValidationError):
        checkin_answer(user=checkin.user, checkin_id=checkin.pk, score=score, worries="x")
    checkin.refresh_from_db()
    assert (checkin.answered_at, checkin.score, checkin.worries) == (None, None, "")
    assert FollowUp.objects.count() == 0


def test_nobody_answers_another_persons_check_in(running, make_user, district):
    student_checkin, mentor_checkin = _checkin(running, make_user, district)
    with pytest.raises(CheckInNotFound):
        checkin_answer(user=mentor_checkin.user, checkin_id=student_checkin.pk, score=5)
    client = Client()
    login_verified(client, mentor_checkin.user)
    assert client.get(f"/checkins/{student_checkin.pk}/").status_code == 404


def test_the_member_answers_on_the_page_from_home(running, make_user, district):
    checkin, _ = _checkin(running, make_user, district)
    client = Client()
    login_verified(client, checkin.user)
    home = client.get("/").content.decode()
    assert f"/checkins/{checkin.pk}/" in home
    page = client.get(f"/checkins/{checkin.pk}/").content.decode()
    assert "How is it going?" in page
    assert "Anything worrying you? (optional)" in page
    bad = client.post(f"/checkins/{checkin.pk}/", {"score": "9"})
    assert bad.status_code == 400
    done = client.post(f"/checkins/{checkin.pk}/", {"score": "2", "went_well": "", "worries": ""})
    assert done.status_code == 200
    assert FollowUp.objects.get().reasons == ["low_score"]
    assert f"/checkins/{checkin.pk}/" not in client.get("/").content.decode()


def test_a_coordinator_closes_a_follow_up_with_a_note(running, make_user, district, coordinator):
    checkin, _ = _checkin(running, make_user, district)
    checkin_answer(user=checkin.user, checkin_id=checkin.pk, score=1)
    follow_up = FollowUp.objects.get()
    with pytest.raises(ValidationError):
        follow_up_close(follow_up=follow_up, actor=coordinator, note="  ")
    other = make_user(User.Role.MENTOR, district)
    with pytest.raises(Exception, match="coordinators"):
        follow_up_close(follow_up=follow_up, actor=other, note="Called the family.")
    follow_up_close(follow_up=follow_up, actor=coordinator, note="Called the family.")
    follow_up.refresh_from_db()
    assert (follow_up.note, follow_up.closed_by_id) == ("Called the family.", coordinator.pk)
    assert follow_up.closed_at is not None
    assert AuditEntry.objects.filter(action="followup.close").count() == 1


def test_a_group_members_comment_is_screened_in_spanish_and_opens_a_follow_up(
    running, make_user, district
):
    """The comment of a group's check-in (no match) passes the same pipeline: a Spanish
    disclosure in "what went well" reaches the moderators and the coordinator."""
    mentor, student = make_user("mentor", district), make_user("student", district)
    group = messaging.group_conversation_create(
        program=running, title="Lunch club", mentors=[mentor], students=[student]
    )
    type(group).objects.filter(pk=group.pk).update(created_at=_at(START - datetime.timedelta(1)))
    checkins_open_due(now=_at(START + datetime.timedelta(days=1)))
    checkin = CheckIn.objects.get(user=student, conversation=group)
    assert checkin.match_id is None
    text = "ya no quiero vivir"
    checkin_answer(user=student, checkin_id=checkin.pk, score=4, went_well=text)
    checkin.refresh_from_db()
    assert checkin.flagged is True
    item = ReviewItem.objects.get()
    assert (item.conversation_id, item.priority) == (group.pk, "urgent")
    assert "checkin" in item.categories
    follow_up = FollowUp.objects.get(checkin=checkin)
    assert (follow_up.match_id, follow_up.reasons) == (None, ["flagged"])
