"""Real-time events: payloads and the one function that sends them, after commit.

Redis is the doorbell, the database the mailbox: the channel layer may drop an event (at-most-once,
full channels, Redis down), so clients recover anything missed by resuming from the last sequence
number they saw. A failure to send is therefore logged and counted, never raised into a service.
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from accounts.sessions import user_sockets_group

from .models import Message

logger = logging.getLogger(__name__)

# Process-wide counters, exposed on the health endpoint.
stats: Counter[str] = Counter()


def user_group(user_id: int) -> str:
    """A user's sockets: the group accounts.sessions closes them through."""
    return user_sockets_group(user_id)


def staff_group(district_id: int) -> str:
    return f"district.{district_id}.staff"


def message_payload(message: Message) -> dict:
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "seq": message.seq,
        "client_id": message.client_id,
        "sender": message.sender_id,
        "kind": message.kind,
        # The one member a support or guidance card is for; null: every member.
        "visible_to": message.visible_to_id,
        "body": message.body,
        "state": message.state,
        "created_at": message.created_at.isoformat(),
        "change": message.change,
    }


def withdrawn_event(message: Message) -> dict:
    """Another member's message, seen before, was taken back by a moderator: ids only, no text."""
    return {
        "type": "message.withdrawn",
        "conversation": message.conversation_id,
        "id": message.pk,
        "seq": message.seq,
    }


def ack_payload(message: Message) -> dict:
    """What the sender is told once its message is stored (socket `ack`, HTTP send response).
    The same for a first send and a resend of the same client id."""
    return {
        "client_id": message.client_id,
        "conversation": message.conversation_id,
        "id": message.pk,
        "seq": message.seq,
        "state": message.state,
        "created_at": message.created_at.isoformat(),
    }


def notify_after_commit(*, groups: Iterable[str], event: dict) -> None:
    """Send `event` to each group once the current transaction commits (never if it rolls back).

    Called only from services, which choose the recipients: that choice is a security decision.
    """
    targets = sorted(set(groups))
    transaction.on_commit(lambda: _send_now(targets, event))


def _send_now(groups: list[str], event: dict) -> None:
    """Fan `event` out to `groups` in one hop to the event loop (the caller is the database
    thread, which waits: one hop per event, not one per group, keeps that wait short)."""
    layer = get_channel_layer()
    if layer is None or not groups:
        return
    try:
        results = async_to_sync(_fan_out)(layer, groups, {"type": "trellis.event", "event": event})
    except Exception as exc:
        results = [exc] * len(groups)
    for group, result in zip(groups, results, strict=True):
        if isinstance(result, BaseException):
            # The message is stored; members recover it on resume. One line, no traceback storm.
            stats["events_failed"] += 1
            logger.warning("event fan-out failed for group=%s type=%s", group, event.get("type"))
        else:
            stats["events_sent"] += 1


async def _fan_out(layer, groups: list[str], message: dict) -> list:
    many = getattr(layer, "group_send_many", None)
    if many is not None:
        # The pub/sub layer (messaging.layers): serialized once, one round trip per Redis shard.
        return await many(groups, message)
    return await asyncio.gather(
        *(layer.group_send(group, message) for group in groups), return_exceptions=True
    )
