"""Every meeting change that is e-mailed is also kept for the app: the home and the meetings page
of the people told list it (in their language and school zone), marked new until they have seen
it. Recorded in the change's transaction, for the same people as the e-mail (one function), so a
person without an address or who was offline sees it later, and nobody else does."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from accounts.models import User
from scheduling import services
from scheduling.models import MeetingChange
from tests.conftest import login_verified

from .conftest import next_weekday

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def addressed(mentor, student, coordinator):
    User.objects.filter(pk=mentor.pk).update(email="mentor@example.org", preferred_language="en")
    User.objects.filter(pk=student.pk).update(email="student@example.org", preferred_language="es")
    User.objects.filter(pk=coordinator.pk).update(email="coord@example.org")


def _told_in_app(kind: str) -> set[int]:
    return set(MeetingChange.objects.filter(kind=kind).values_list("user_id", flat=True))


def _emailed() -> set[int]:
    addresses = {m.to[0] for m in mail.outbox}
    return set(User.objects.filter(email__in=addresses).values_list("pk", flat=True))


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def page_text(client: Client, path: str) -> str:
    import re

    html = client.get(path).content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _move_first(series, coordinator, hour=14, minute=30):
    meeting = series.meetings.order_by("starts_at").first()
    new_start = meeting.starts_at.astimezone(CHICAGO).replace(hour=hour, minute=minute)
    services.meeting_reschedule(
        meeting_id=meeting.pk, expected_version=1, starts_at=new_start, actor=coordinator
    )
    return meeting


def test_a_move_is_kept_for_the_people_emailed_and_shown_on_their_home(
    series, coordinator, mentor, student, addressed, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _move_first(series, coordinator)
    assert _told_in_app("moved") == _emailed() == {mentor.pk, student.pk}
    old = meeting.starts_at.astimezone(CHICAGO)
    # The mentor's home, in English and the school's zone: old time → new time, venue; new.
    home = page_text(signed_in(mentor), "/")
    assert f"Moved: {old:%a} {old.day} {old:%b}, 12:00 {old.tzname()} →" in home
    assert f"{old:%a} {old.day} {old:%b}, 14:30 {old.tzname()}, Library" in home
    assert "New" in home.split("Moved:")[0][-40:] or "New Moved:" in home
    # Seen once: no longer new on the next page.
    again = page_text(signed_in(mentor), "/meetings/")
    assert "Moved:" in again
    assert "New Moved:" not in again
    # The student reads it in Spanish.
    home_es = page_text(signed_in(student), "/")
    assert "Cambiada:" in home_es
    assert "14:30" in home_es


def test_a_person_without_an_address_still_sees_the_change_later(
    series, coordinator, student, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=student.pk).update(email="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _move_first(series, coordinator)
    assert student.pk in _told_in_app("moved")
    assert "14:30" in page_text(signed_in(student), "/meetings/")


def test_a_failed_change_keeps_nothing(series, coordinator, django_capture_on_commit_callbacks):
    def move_then_fail():
        with transaction.atomic():
            _move_first(series, coordinator)
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        move_then_fail()
    assert not MeetingChange.objects.filter(kind="moved").exists()


def test_nobody_else_sees_a_change(
    series, coordinator, make_user, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _move_first(series, coordinator)
    outsider = make_user(User.Role.STUDENT, district)
    assert "Moved:" not in page_text(signed_in(outsider), "/meetings/")
    # A change kept for someone who may no longer read the conversation is not shown to them.
    change = MeetingChange.objects.filter(kind="moved").first()
    MeetingChange.objects.create(
        user=outsider,
        conversation=change.conversation,
        meeting=change.meeting,
        kind="cancelled",
        starts_at=change.starts_at,
        venue_name="Library",
    )
    assert "Cancelled:" not in page_text(signed_in(outsider), "/meetings/")


def test_every_kind_of_change_is_kept_for_the_people_emailed(
    conversation,
    series,
    venue,
    mentor,
    coordinator,
    addressed,
    django_capture_on_commit_callbacks,
):
    assert _told_in_app("series_planned") == set(
        MeetingChange.objects.values_list("user", flat=True)
    )
    second = series.meetings.order_by("starts_at")[1]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_reschedule_following(
            meeting_id=second.pk,
            expected_version=1,
            start_time=datetime.time(14, 30),
            actor=coordinator,
        )
    assert _told_in_app("moved_following") == _emailed()
    assert MeetingChange.objects.get(kind="moved_following", user=mentor).count == 3
    second.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel_following(
            meeting_id=second.pk, expected_version=second.version, actor=coordinator
        )
    assert _told_in_app("cancelled_following") == _emailed()
    first = series.meetings.order_by("starts_at").first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(
            meeting_id=first.pk, expected_version=first.version, actor=coordinator
        )
    assert _told_in_app("cancelled") == _emailed()

    def propose():
        return services.proposal_create(
            actor=mentor,
            conversation_id=conversation.pk,
            venue=venue,
            local_date=next_weekday(2, venue.school.tz),
            start_time=datetime.time(15, 0),
            duration_minutes=30,
        )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose()
    # Every active coordinator of the district is told; only the one with an address by e-mail.
    coordinators = User.objects.filter(
        role=User.Role.COORDINATOR, district_id=coordinator.district_id, is_active=True
    )
    assert _told_in_app("proposed") == set(coordinators.values_list("pk", flat=True))
    assert _emailed() == {coordinator.pk}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_approve(proposal_id=proposal.pk, actor=coordinator)
    assert _told_in_app("approved") | _told_in_app("planned") == _emailed()
    assert _told_in_app("approved") == {mentor.pk}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        declined = services.proposal_decline(
            proposal_id=propose().pk, actor=coordinator, reason="The library is closed"
        )
    assert _told_in_app("declined") == {mentor.pk}
    assert mentor.pk in _emailed()
    home = page_text(signed_in(mentor), "/")
    assert "Declined:" in home
    assert "The library is closed" in home
    assert declined.status == "declined"
