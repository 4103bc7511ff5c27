"""After-commit delivery: a rolled-back send leaves no event and no row (FAULTS 14)."""

import pytest
from django.db import transaction

from actions.messages import message_send
from messaging import services as messaging
from messaging.models import Message
from messaging.realtime import user_group

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


def _send_then_fail(conversation, mentor):
    with transaction.atomic():
        message_send(sender=mentor, conversation_id=conversation.pk, client_id="rb", body="gone")
        raise Boom


def test_rolled_back_send_sends_no_event(conversation, mentor, events):
    with pytest.raises(Boom):
        _send_then_fail(conversation, mentor)
    assert events == []
    assert Message.objects.filter(client_id="rb").count() == 0
    conversation.refresh_from_db()
    assert conversation.last_seq == 0


def test_committed_send_sends_its_event_once_per_member(conversation, mentor, student, events):
    result = message_send(
        sender=mentor, conversation_id=conversation.pk, client_id="ok", body="kept"
    )
    assert sorted(g for g, _ in events) == sorted([user_group(mentor.pk), user_group(student.pk)])
    assert {e["message"]["id"] for _, e in events} == {result.message.pk}


def test_typing_is_sent_to_the_others_and_stores_nothing(conversation, mentor, student, events):
    messaging.typing_notify(user=mentor, conversation_id=conversation.pk)
    assert events == [
        (
            user_group(student.pk),
            {"type": "typing", "conversation": conversation.pk, "user": mentor.pk},
        )
    ]
    assert Message.objects.count() == 0
