"""Members' reports: from inside the conversation, over HTTP; a student's report of an adult
pauses the match until staff review it."""

import pytest

from accounts.models import AuditEntry, User
from messaging import realtime
from messaging import services as messaging
from messaging.models import Match
from moderation.models import Report, ReviewItem
from moderation.review.actions import review_dismiss, review_uphold

from .conftest import login, send


def post(client, user, **data):
    login(client, user)
    return client.post("/report/", data, content_type="application/json")


def test_a_students_report_of_their_mentor_pauses_the_match_until_reviewed(
    client, conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    message = send(mentor, conversation, "see you next week")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, student, conversation=conversation.pk, message=message.pk, reason="weird"
        )
    assert response.status_code == 201
    assert response.json()["paused_match"] is True
    report = Report.objects.get()
    assert ReviewItem.objects.filter(source="report").count() == 1
    item = report.item
    assert (report.reporter_id, report.subject_id, report.message_id) == (
        student.pk,
        mentor.pk,
        message.pk,
    )
    assert (item.source, item.priority, item.reported_by_id) == ("report", "high", student.pk)
    conversation.refresh_from_db()
    assert conversation.match.status == Match.Status.PAUSED
    with pytest.raises(messaging.MessageRejected):
        send(mentor, conversation, "hello?")
    staff = realtime.staff_group(conversation.district_id)
    assert (staff, "review.item") in [(g, e["type"]) for g, e in events]
    assert AuditEntry.objects.filter(action="report.create", actor_ref=student.pk).count() == 1

    # Staff find it unfounded: the match resumes.
    review_dismiss(item=item, actor=moderator, reason="Context was a surprise party")
    conversation.refresh_from_db()
    conversation.match.refresh_from_db()
    assert conversation.match.status == Match.Status.ACTIVE
    assert conversation.is_open is True


def test_an_upheld_report_keeps_the_match_paused(client, conversation, mentor, student, moderator):
    post(client, student, conversation=conversation.pk, subject=mentor.pk, reason="uneasy")
    item = ReviewItem.objects.get(source="report")
    review_uphold(item=item, actor=moderator, reason="Confirmed")
    conversation.match.refresh_from_db()
    assert conversation.match.status == Match.Status.PAUSED


def test_a_mentors_report_does_not_pause_the_match(client, conversation, mentor, student):
    message = send(student, conversation, "that was not helpful")
    response = post(client, mentor, conversation=conversation.pk, message=message.pk, reason="")
    assert response.status_code == 201
    assert response.json()["paused_match"] is False
    assert ReviewItem.objects.get(source="report").priority == "normal"
    conversation.match.refresh_from_db()
    assert conversation.match.status == Match.Status.ACTIVE


def test_reporting_the_same_message_twice_files_one_report(client, conversation, mentor, student):
    message = send(mentor, conversation, "hm")
    first = post(client, student, conversation=conversation.pk, message=message.pk, reason="a")
    second = post(client, student, conversation=conversation.pk, message=message.pk, reason="b")
    assert first.json()["report"] == second.json()["report"]
    assert ReviewItem.objects.filter(source="report").count() == 1


def test_reports_are_refused_outside_ones_conversations(
    client, conversation, mentor, student, make_user, district, foreign_item
):
    outsider = make_user(User.Role.STUDENT, district)
    message = send(mentor, conversation, "x")
    assert (
        post(client, outsider, conversation=conversation.pk, message=message.pk).status_code == 404
    )
    # A message of another conversation, one's own message, a non-member subject, nothing at all.
    bad = [
        {"message": foreign_item.message_id},
        {"message": send(student, conversation, "mine").pk},
        {"subject": outsider.pk},
        {"subject": "abc"},
        {},
    ]
    for extra in bad:
        response = post(client, student, conversation=conversation.pk, reason="r", **extra)
        assert response.status_code == 400, extra
    assert not ReviewItem.objects.filter(district=district, source="report").exists()
    conversation.match.refresh_from_db()
    assert conversation.match.status == Match.Status.ACTIVE


def test_a_held_message_cannot_be_reported_by_the_recipient(
    client, make_item, student, conversation
):
    item = make_item()
    response = post(client, student, conversation=conversation.pk, message=item.message_id)
    assert response.status_code == 400
    assert not ReviewItem.objects.filter(source="report").exists()


def test_a_students_request_for_help_reaches_staff_urgently_and_pauses_nothing(
    client, conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    """'Get help' is not a report about anyone: it reaches the district's moderators at once,
    and the student's match with their mentor goes on."""
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, student, conversation=conversation.pk, help=True, reason="things at home"
        )
    assert response.status_code == 201
    assert response.json()["paused_match"] is False
    report = Report.objects.get()
    assert (report.subject_id, report.message_id, report.reason) == (None, None, "things at home")
    item = report.item
    assert (item.source, item.priority, item.categories) == ("report", "urgent", ["help"])
    conversation.refresh_from_db()
    assert conversation.match.status == Match.Status.ACTIVE
    send(mentor, conversation, "still here for you")  # the conversation stays open
    staff = realtime.staff_group(conversation.district_id)
    assert (staff, "review.item") in [(g, e["type"]) for g, e in events]
    entry = AuditEntry.objects.get(action="report.help", actor_ref=student.pk)
    assert "things at home" not in str(entry.detail)
    # The item page reads as a request for help, not as a report about a person.
    login(client, moderator)
    page = client.get(f"/staff/items/{item.pk}/").content.decode()
    assert "asked staff for help" in page


def test_only_a_member_may_ask_for_help_in_a_conversation(
    client, conversation, make_user, district
):
    outsider = make_user(User.Role.STUDENT, district)
    response = post(client, outsider, conversation=conversation.pk, help=True, reason="hi")
    assert response.status_code == 404
    assert not Report.objects.exists()
