"""The safety rules the model holds: consent, screening, and match activation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from accounts import services as accounts
from accounts.models import User
from actions.consents import consent_revoke
from actions.messages import message_send
from messaging import services as messaging
from messaging.models import Match, MatchEvent


def _propose(program, mentor, student):
    return messaging.match_create(program=program, mentor=mentor, student=student)


def test_match_activates_when_consent_and_screening_hold(program, mentor, student, coordinator):
    match = messaging.match_activate(match=_propose(program, mentor, student), actor=coordinator)
    assert match.status == Match.Status.ACTIVE
    assert match.conversation.is_open is True
    assert list(match.events.values_list("from_status", "to_status")) == [
        ("", "proposed"),
        ("proposed", "active"),
    ]


def test_student_without_consent_blocks_activation(program, mentor, make_user, district):
    student = make_user(User.Role.STUDENT, district, cleared=False)
    match = _propose(program, mentor, student)
    with pytest.raises(messaging.MatchNotActivatable) as exc:
        messaging.match_activate(match=match)
    assert exc.value.messages == ["The student has no recorded guardian consent."]
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED
    assert match.conversation.is_open is False
    assert not MatchEvent.objects.filter(match=match, to_status="active").exists()


def test_revoked_consent_blocks_activation(program, mentor, student, coordinator):
    consent = student.consents.get()
    consent_revoke(consent=consent, revoked_by=coordinator)
    with pytest.raises(messaging.MatchNotActivatable):
        messaging.match_activate(match=_propose(program, mentor, student))


def test_revoking_consent_pauses_active_matches(active_match, student, coordinator):
    consent_revoke(consent=student.consents.get(), revoked_by=coordinator)
    active_match.refresh_from_db()
    assert active_match.status == Match.Status.PAUSED
    assert active_match.conversation.is_open is False


@pytest.mark.parametrize(
    ("background", "orientation"),
    [(None, None), (True, None), (None, True)],
    ids=["nothing", "background-only", "orientation-only"],
)
def test_incomplete_screening_blocks_activation(
    program, student, make_user, district, coordinator, background, orientation
):
    mentor = make_user(User.Role.MENTOR, district, cleared=False)
    day = timezone.localdate() - datetime.timedelta(days=1)
    if background or orientation:
        accounts.screening_record(
            mentor=mentor,
            recorded_by=coordinator,
            background_check_cleared_on=day if background else None,
            orientation_completed_on=day if orientation else None,
        )
    with pytest.raises(messaging.MatchNotActivatable) as exc:
        messaging.match_activate(match=_propose(program, mentor, student))
    assert "screening" in exc.value.messages[0]


def test_screening_dates_cannot_be_in_the_future(make_user, district, coordinator):
    mentor = make_user(User.Role.MENTOR, district, cleared=False)
    with pytest.raises(ValidationError):
        accounts.screening_record(
            mentor=mentor,
            recorded_by=coordinator,
            background_check_cleared_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_peer_mentor_who_is_a_minor_needs_consent_as_well(
    program, student, make_user, district, coordinator
):
    peer = make_user(User.Role.MENTOR, district, is_minor=True, cleared=False)
    day = timezone.localdate()
    accounts.screening_record(
        mentor=peer,
        recorded_by=coordinator,
        background_check_cleared_on=day,
        orientation_completed_on=day,
    )
    match = _propose(program, peer, student)
    with pytest.raises(messaging.MatchNotActivatable) as exc:
        messaging.match_activate(match=match)
    assert exc.value.messages == ["The mentor is a minor and has no recorded guardian consent."]
    accounts.consent_record(student=peer, guardian_name="Parent", recorded_by=coordinator)
    assert messaging.match_activate(match=match).status == Match.Status.ACTIVE


def test_cross_district_match_is_refused(program, mentor, make_user, make_district):
    other_student = make_user(User.Role.STUDENT, make_district())
    with pytest.raises(messaging.MatchNotActivatable) as exc:
        messaging.match_activate(match=_propose(program, mentor, other_student))
    assert "another district" in exc.value.messages[0]


def test_roles_must_fit_their_side(program, make_user, district):
    a, b = make_user(User.Role.STUDENT, district), make_user(User.Role.STUDENT, district)
    with pytest.raises(messaging.MatchNotActivatable) as exc:
        messaging.match_activate(match=_propose(program, a, b))
    assert "The mentor side of a match must be a mentor." in exc.value.messages


def test_consent_is_recorded_with_who_and_when(student, coordinator):
    consent = accounts.consent_record(
        student=student, guardian_name="  Ana  ", recorded_by=coordinator
    )
    assert (consent.guardian_name, consent.recorded_by_id) == ("Ana", coordinator.pk)
    assert abs((timezone.now() - consent.recorded_at).total_seconds()) < 60


def test_staff_of_another_district_cannot_record_consent(student, make_user, make_district):
    outsider = make_user(User.Role.COORDINATOR, make_district())
    with pytest.raises(PermissionDenied):
        accounts.consent_record(student=student, guardian_name="X", recorded_by=outsider)
    assert student.consents.count() == 1


def test_closed_match_cannot_be_reopened(active_match):
    messaging.match_close(match=active_match, actor=None, reason="Program ended")
    with pytest.raises(messaging.MatchNotActivatable):
        messaging.match_activate(match=active_match)


def test_one_open_match_per_pair(active_match, program, mentor, student):
    with pytest.raises(IntegrityError):
        _propose(program, mentor, student)


def test_paused_match_closes_its_conversation_to_new_messages(active_match, mentor):
    messaging.match_pause(match=active_match, actor=None, reason="Review")
    with pytest.raises(messaging.MessageRejected) as exc:
        message_send(
            sender=mentor,
            conversation_id=active_match.conversation.pk,
            client_id="c1",
            body="hello",
        )
    assert exc.value.code == "closed"
    assert active_match.conversation.messages.count() == 0


def test_user_outside_superuser_needs_a_district(db):
    with pytest.raises(IntegrityError):
        User.objects.create(username="nodistrict", role=User.Role.STUDENT)
