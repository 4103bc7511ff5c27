"""The staff socket through the real ASGI application (origin check, session auth, routing):
live arrival of new flags, district scoping, refusals at the handshake and per frame."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from accounts import sessions
from accounts.models import AuditEntry, User
from moderation.models import Action
from testkit.sessions import session_cookie
from tests.messaging import support

from .conftest import moderate, send

pytestmark = pytest.mark.django_db(transaction=True)


async def staff_socket(user=None, origin=support.ORIGIN):
    """A staff-socket communicator, not yet connected; `user` None sends no session cookie. The
    session passed the second factor (login_verified), or the socket gate would refuse an adult."""
    cookie = None if user is None else await database_sync_to_async(session_cookie)(user)
    return support.communicator(cookie, origin=origin, path="/ws/staff/")


async def connected(user):
    communicator = await staff_socket(user)
    ok, _ = await communicator.connect(timeout=5)
    assert ok
    return communicator


async def test_a_new_flag_arrives_live_in_the_moderators_socket(conversation, mentor, moderator):
    communicator = await connected(moderator)
    try:
        message = await database_sync_to_async(send)(mentor, conversation, "my snap is xyz")
        item = await database_sync_to_async(moderate)(
            message, action=Action.FLAG, priority="urgent"
        )
        received = []
        while len(received) < 2:
            event = await communicator.receive_json_from(timeout=5)
            # Skip what a pipeline said about its own judgement of the text (replaced above).
            if event["item"]["id"] == item.pk:
                received.append(event)
        first, second = received
        assert first["type"] == "review.item"
        assert second["type"] == "review.urgent"
        assert first["item"]["id"] == second["item"]["id"] == item.pk
        assert first["item"]["priority"] == "urgent"
        assert "snap" not in json.dumps(first)
        assert await communicator.receive_nothing(timeout=0.3)
    finally:
        await communicator.disconnect()


async def test_the_pipelines_hold_reaches_the_moderators_socket(conversation, mentor, moderator):
    """End to end: a member sends, the moderation pipeline holds, the console hears of it."""
    communicator = await connected(moderator)
    try:
        message = await database_sync_to_async(send)(
            mentor, conversation, "what's your snap? don't tell your mom"
        )
        event = await communicator.receive_json_from(timeout=5)
        assert (event["type"], event["action"], event["item"]["message"]) == (
            "review.item",
            "hold",
            message.pk,
        )
        assert event["item"]["priority"] == "high"
        assert "snap" not in json.dumps(event)
    finally:
        await communicator.disconnect()


async def test_another_districts_flags_never_reach_the_socket(
    foreign_item, moderator, other_moderator
):
    communicator = await connected(moderator)
    theirs = await connected(other_moderator)
    try:
        conversation = foreign_item.conversation
        mentor = await database_sync_to_async(lambda: conversation.match.mentor)()
        message = await database_sync_to_async(send)(mentor, conversation, "again")
        item = await database_sync_to_async(moderate)(message, priority="urgent")
        event = await theirs.receive_json_from(timeout=5)
        while event["item"]["id"] != item.pk:
            event = await theirs.receive_json_from(timeout=5)
        # Delivered to district B's staff...
        assert await communicator.receive_nothing(timeout=0.5)  # ...and not to district A's
    finally:
        await communicator.disconnect()
        await theirs.disconnect()


async def test_asking_for_another_districts_item_is_refused_and_audited(foreign_item, moderator):
    communicator = await connected(moderator)
    try:
        await communicator.send_json_to({"type": "item.get", "item": foreign_item.pk})
        reply = await communicator.receive_json_from(timeout=5)
        assert reply == {"type": "error", "code": "not_found", "detail": "No such review item."}
        entry = await database_sync_to_async(
            lambda: AuditEntry.objects.filter(action="access.denied").last()
        )()
        assert (entry.actor_ref, entry.target_type, entry.target_id) == (
            moderator.pk,
            "review_item",
            str(foreign_item.pk),
        )
        await communicator.send_json_to({"type": "queue"})
        queue = await communicator.receive_json_from(timeout=5)
        # The other district's item is in neither the list nor the figures.
        assert (queue["type"], queue["items"]) == ("queue", [])
        assert '<table class="console" id="levels">' in queue["levels_html"]
        assert '<tr data-priority="urgent"><td>Urgent</td><td>0</td>' in queue["levels_html"]
    finally:
        await communicator.disconnect()


async def test_own_item_is_served_and_garbage_gets_errors_then_a_close(make_item, moderator):
    item = await database_sync_to_async(make_item)()
    communicator = await connected(moderator)
    await communicator.send_json_to({"type": "item.get", "item": item.pk})
    reply = await communicator.receive_json_from(timeout=5)
    assert (reply["type"], reply["item"]["id"]) == ("item", item.pk)
    await communicator.send_json_to({"type": "nope"})
    assert (await communicator.receive_json_from(timeout=5))["code"] == "unknown_type"
    replies = []
    for _ in range(5):
        await communicator.send_to(text_data="{not json")
        replies.append(await communicator.receive_output(timeout=5))
    assert [r["type"] for r in replies] == ["websocket.send"] * 4 + ["websocket.close"]
    assert json.loads(replies[0]["text"])["code"] == "invalid"
    assert replies[-1]["code"] == 4400


@pytest.mark.parametrize("role", ["student", "mentor"])
async def test_members_are_refused_at_the_handshake(make_user, district, role):
    user = await database_sync_to_async(make_user)(role, district)
    ok, code = await (await staff_socket(user)).connect(timeout=5)
    assert (ok, code) == (False, 4403)


async def test_no_session_or_a_foreign_origin_is_refused(moderator):
    assert (await (await staff_socket(None)).connect(timeout=5))[0] is False
    for origin in ("http://evil.example", "null", None):
        ok, _ = await (await staff_socket(moderator, origin=origin)).connect(timeout=5)
        assert ok is False


@pytest.mark.usefixtures("liveness_uncached")
async def test_a_suspended_staff_account_is_closed_on_its_next_frame(moderator):
    communicator = await connected(moderator)
    await database_sync_to_async(User.objects.filter(pk=moderator.pk).update)(is_active=False)
    await communicator.send_json_to({"type": "queue"})
    # The disabled account's session is no longer live: the socket closes as an ended session.
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "closing",
        "reason": "session_ended",
    }
    out = await communicator.receive_output(timeout=5)
    assert (out["type"], out["code"]) == ("websocket.close", 4001)


async def test_the_close_event_closes_the_staff_socket(moderator):
    communicator = await connected(moderator)

    def close():
        from django.db import transaction

        with transaction.atomic():
            sessions.close_user_sockets_after_commit(user_id=moderator.pk, reason="signed out")

    await database_sync_to_async(close)()
    closing = await asyncio.wait_for(communicator.receive_json_from(timeout=5), 6)
    assert closing == {"type": "closing", "reason": "signed out"}
    out = await asyncio.wait_for(communicator.receive_output(timeout=5), 6)
    assert (out["type"], out["code"]) == ("websocket.close", 4001)
