"""The context the detectors and the policy see: a minor is a student to the moderation policy,
whatever role they hold in the conversation (a peer mentor can be a minor)."""

import pytest

from accounts.models import User
from actions.messages import message_send
from messaging import services as messaging
from moderation.services import message_context

pytestmark = pytest.mark.django_db

_n = iter(range(1, 1_000_000))


def _send(sender, conversation, body="Hello there"):
    return message_send(
        sender=sender, conversation_id=conversation.pk, client_id=f"ctx{next(_n)}", body=body
    ).message


@pytest.fixture
def minor_mentor(make_user, district):
    return make_user(User.Role.MENTOR, district, is_minor=True)


@pytest.fixture
def adult_student(make_user, district):
    return make_user(User.Role.STUDENT, district, is_minor=False)


def test_a_message_to_a_minor_peer_mentor_is_student_bound(program, minor_mentor, adult_student):
    match = messaging.match_activate(
        match=messaging.match_create(program=program, mentor=minor_mentor, student=adult_student)
    )
    context = message_context(message=_send(adult_student, match.conversation))
    assert context.recipient_roles == ("student",)
    assert context.student_bound is True
    # The sender's own role is unchanged: only who reads it decides student_bound.
    assert context.sender_role == "student"


def test_a_message_to_an_adult_mentor_is_not_student_bound(program, mentor, adult_student):
    match = messaging.match_activate(
        match=messaging.match_create(program=program, mentor=mentor, student=adult_student)
    )
    context = message_context(message=_send(adult_student, match.conversation))
    assert context.recipient_roles == ("mentor",)
    assert context.student_bound is False


def test_in_a_group_each_minor_counts_as_a_student(
    program, mentor, minor_mentor, adult_student, make_user, district
):
    other_adult_mentor = make_user(User.Role.MENTOR, district)
    conversation = messaging.group_conversation_create(
        program=program,
        title="Peer circle",
        mentors=[mentor, minor_mentor, other_adult_mentor],
        students=[adult_student],
    )
    context = message_context(message=_send(mentor, conversation))
    assert sorted(context.recipient_roles) == ["mentor", "student", "student"]
    assert context.student_bound is True
    assert context.adult_sender is True
