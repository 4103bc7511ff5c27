"""E-mails in the recipient's language: nudges to mentors, meeting reminders and changes, alerts
to staff. Each is rendered inside translation.override(recipient's language)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from actions.messages import message_send
from messaging import cadence
from messaging.models import Message
from moderation.review.actions import review_escalate
from scheduling import services as scheduling
from scheduling.models import Venue
from tests.review.conftest import moderate

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(conversation, program, coordinator):
    venue = Venue.objects.create(school=program.school, name="Biblioteca", approved=True)
    today = timezone.now().astimezone(program.school.tz).date() + datetime.timedelta(days=1)
    first = today + datetime.timedelta(days=(3 - today.weekday()) % 7)  # a Thursday
    return scheduling.series_create(
        conversation=conversation,
        venue=venue,
        title="Career lunch",
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=2",
        first_date=first,
        start_time=datetime.time(12, 0),
        duration_minutes=40,
        actor=coordinator,
    )


def _with_address(user, address, language=""):
    user.email, user.preferred_language = address, language
    user.save()


def test_a_spanish_mentor_is_nudged_in_spanish(
    active_match, mentor, student, django_capture_on_commit_callbacks
):
    _with_address(mentor, "mentor@example.org", "es")
    now = timezone.now()
    message = message_send(
        sender=student, conversation_id=active_match.conversation.pk, client_id="s1", body="hola"
    ).message
    Message.objects.filter(pk=message.pk).update(created_at=now - datetime.timedelta(hours=80))
    with django_capture_on_commit_callbacks(execute=True):
        assert cadence.nudges_send_due(now=now) == 1
    [sent] = mail.outbox
    # A mentor is an adult: "usted".
    assert sent.subject == "Su estudiante está esperando su respuesta en Trellis"
    assert "Inicie sesión para responder" in sent.body


def test_an_english_mentor_is_nudged_in_english(
    active_match, mentor, student, django_capture_on_commit_callbacks
):
    _with_address(mentor, "mentor@example.org")
    student.district.default_language = "en"
    now = timezone.now()
    message = message_send(
        sender=student, conversation_id=active_match.conversation.pk, client_id="s1", body="hi"
    ).message
    Message.objects.filter(pk=message.pk).update(created_at=now - datetime.timedelta(hours=80))
    with django_capture_on_commit_callbacks(execute=True):
        cadence.nudges_send_due(now=now)
    assert mail.outbox[0].subject == "Your student is waiting for your reply on Trellis"


def test_meeting_reminders_go_out_in_each_persons_language(
    series, mentor, student, district, django_capture_on_commit_callbacks
):
    district.default_language = "es"  # the student has chosen nothing: the district's default
    district.save()
    _with_address(student, "student@example.org")
    _with_address(mentor, "mentor@example.org", "en")
    meeting = series.meetings.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.reminders_send_due(now=meeting.starts_at - datetime.timedelta(minutes=30))
    by_address = {}
    for sent in mail.outbox:
        by_address.setdefault(sent.to[0], []).append(sent)
    assert {s.subject for s in by_address["student@example.org"]} == {
        "Trellis: se acerca tu reunión de mentoría"
    }
    assert {s.subject for s in by_address["mentor@example.org"]} == {
        "Trellis: your mentoring meeting is coming up"
    }
    spanish = by_address["student@example.org"][0].body
    assert spanish.startswith("Tu reunión es el jueves ")
    assert " de " in spanish  # "4 de diciembre de 2026": the Spanish date, not "December"
    assert "Biblioteca" in spanish
    english = by_address["mentor@example.org"][0].body
    assert english.startswith("Your meeting is on Thursday ")


def test_a_cancelled_meeting_is_told_in_each_persons_language(
    series, mentor, student, coordinator, django_capture_on_commit_callbacks
):
    _with_address(student, "student@example.org", "es")
    _with_address(mentor, "mentor@example.org", "en")
    meeting = series.meetings.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_cancel(
            meeting_id=meeting.pk,
            expected_version=meeting.version,
            actor=coordinator,
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "student@example.org": "Trellis: se canceló una reunión",
        "mentor@example.org": "Trellis: a meeting is cancelled",
    }


def test_a_safeguarding_alert_reaches_staff_in_their_language(
    conversation, student, coordinator, moderator, district, django_capture_on_commit_callbacks
):
    _with_address(coordinator, "coord@example.org", "es")
    message = message_send(
        sender=student, conversation_id=conversation.pk, client_id="c1", body="hola"
    ).message
    item = moderate(message, categories=["bullying"])
    with django_capture_on_commit_callbacks(execute=True):
        review_escalate(item=item, actor=moderator, reason="Needs the lead")
    [sent] = [m for m in mail.outbox if m.to == ["coord@example.org"]]
    assert sent.subject.startswith("[Trellis] Preocupación de protección")
    assert "necesita su atención" in sent.body
