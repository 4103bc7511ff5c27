"""A conversation-level pattern item reaches the district's staff socket live, through the real
ASGI application, after the sender's transaction committed."""

import itertools
import json

import pytest
from channels.db import database_sync_to_async

from actions.messages import message_send
from moderation.models import ReviewItem
from testkit.sessions import session_cookie
from tests.messaging import support

pytestmark = pytest.mark.django_db(transaction=True)
_ids = itertools.count(1)

MILD = [
    "Honestly, age is just a number, don't you think?",
    "is anyone else reading this?",
    "I could buy you that hoodie you liked",
]


def send(user, conversation, body):
    return message_send(
        sender=user, conversation_id=conversation.pk, client_id=f"s{next(_ids)}", body=body
    ).message


async def test_a_pattern_item_reaches_the_staff_socket(
    conversation, mentor, moderator, moderation_settings
):
    moderation_settings(TOXICITY_SCORER="none")
    cookie = await database_sync_to_async(session_cookie)(moderator)
    communicator = support.communicator(cookie, origin=support.ORIGIN, path="/ws/staff/")
    ok, _ = await communicator.connect(timeout=5)
    assert ok
    try:
        for body in MILD[:2]:
            await database_sync_to_async(send)(mentor, conversation, body)
        # Two mild signals: nothing for staff yet.
        assert await communicator.receive_nothing(timeout=0.5)
        await database_sync_to_async(send)(mentor, conversation, MILD[2])
        event = await communicator.receive_json_from(timeout=5)
        item = await database_sync_to_async(ReviewItem.objects.get)(source="pattern")
        assert event["type"] == "review.item"
        assert event["action"] == "pattern"
        assert event["item"]["id"] == item.pk
        assert event["item"]["source"] == "pattern"
        assert event["item"]["message"] is None
        assert event["item"]["conversation"] == conversation.pk
        assert event["item"]["categories"] == ["grooming"]
        assert "hoodie" not in json.dumps(event)
        assert await communicator.receive_nothing(timeout=0.3)
    finally:
        await communicator.disconnect()
