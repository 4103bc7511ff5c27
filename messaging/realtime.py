"""Real-time events: payloads and the one function that sends them, after commit.

Redis is the doorbell, the database the mailbox: the channel layer may drop an event (at-most-once,
full channels, Redis down), so clients recover anything missed by resuming from the last sequence
number they saw. A failure to send is therefore logged and counted, never raised into a service.
"""

import asyncio
import contextlib
import contextvars
import json
import logging
import weakref
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


def layer_message(event: dict) -> dict:
    """What the channel layer carries for `event`.

    A message event is encoded once, here, as the text frame every socket it reaches sends on
    unchanged (`trellis.message`): one JSON encoding per event instead of one per socket, and a
    string for each socket's layer to unpack instead of the nested payload. Beside the frame it
    carries what a socket orders messages by (conversation, seq, state: messaging.ordering).
    The frame is the text the socket would have encoded itself (`json.dumps` of the same event,
    ensure_ascii=False). Every other event goes as it is (`trellis.event`)."""
    message = event.get("message")
    if event.get("type") == "message" and isinstance(message, dict):
        try:
            order = {key: message[key] for key in ("conversation", "seq", "state")}
        except KeyError:
            pass
        else:
            return {
                "type": "trellis.message",
                "frame": json.dumps(event, ensure_ascii=False),
                **order,
            }
    return {"type": "trellis.event", "event": event}


def notify_after_commit(*, groups: Iterable[str], event: dict) -> None:
    """Send `event` to each group once the current transaction commits (never if it rolls back).

    Called only from services, which choose the recipients: that choice is a security decision.
    """
    targets = sorted(set(groups))
    transaction.on_commit(lambda: _send_now(targets, event))


def _send_now(groups: list[str], event: dict) -> None:
    """Fan `event` out to `groups`. Called on a socket's database call (`publishing_from`), it is
    handed to that event loop's `Publisher` and the database thread goes on at once; elsewhere
    it makes one hop to the event loop and waits for the publish (one hop per event, not one per
    group)."""
    if not groups:
        return
    publisher = _publisher.get()
    if publisher is not None:
        publisher.submit(groups, event)
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        results = async_to_sync(_fan_out)(layer, groups, layer_message(event))
    except Exception as exc:
        results = [exc] * len(groups)
    # The message is stored; members recover it on resume. One line per group, no traceback.
    _count(groups, event, results)


def _count(groups: list[str], event: dict, results: list) -> None:
    for group, result in zip(groups, results, strict=True):
        if isinstance(result, BaseException):
            stats["events_failed"] += 1
            logger.warning("event fan-out failed for group=%s type=%s", group, event.get("type"))
        else:
            stats["events_sent"] += 1


class Publisher:
    """One event loop's after-commit events, published by the loop in the order the database
    thread committed them, without the database thread waiting for the publish.

    A socket's database call (messaging.sockets.db) runs on the process's one database thread,
    which used to block in every after-commit fan-out until the event loop had found the time to
    publish and answer: under load, a wait for a busy loop on the path every send of the process
    queues behind. `submit` (any thread) only queues the event; one task at a time empties the
    queue in order (so events of one conversation leave in sequence order, as before), each
    batch in one pipelined round trip where the layer can (`group_send_batch`). Failures are
    counted and logged as before; the database stays the mailbox (a lost event is recovered by
    resume), and nothing is submitted before its transaction committed (`notify_after_commit`).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self._pending: list[tuple[list[str], dict]] = []
        self._draining: asyncio.Task | None = None

    def submit(self, groups: list[str], event: dict) -> None:
        """Queue `event` for `groups` (thread-safe). A loop that has closed (the server is
        stopping) gets nothing: the event counts as failed, never as an error of the send."""
        try:
            self.loop.call_soon_threadsafe(self._add, groups, event)
        except RuntimeError:
            _count(groups, event, [RuntimeError("event loop closed")] * len(groups))

    def _add(self, groups: list[str], event: dict) -> None:
        self._pending.append((groups, event))
        if self._draining is None:
            self._draining = self.loop.create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                await self._publish(batch)
        finally:
            self._draining = None

    async def _publish(self, batch: list[tuple[list[str], dict]]) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        items = [(groups, layer_message(event)) for groups, event in batch]
        try:
            many = getattr(layer, "group_send_batch", None)
            if many is not None:
                results = await many(items)
            else:
                results = [await _fan_out(layer, groups, message) for groups, message in items]
        except Exception as exc:
            results = [[exc] * len(groups) for groups, _ in items]
        for (groups, event), result in zip(batch, results, strict=True):
            _count(groups, event, result)


_publisher: contextvars.ContextVar[Publisher | None] = contextvars.ContextVar(
    "trellis_publisher", default=None
)
_publishers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def publishing_from(loop: asyncio.AbstractEventLoop):
    """Within this block (and the database calls it makes, which copy the context), after-commit
    events go to `loop`'s Publisher. Enter it on the loop's own thread."""
    publisher = _publishers.get(loop)
    if publisher is None:
        publisher = _publishers[loop] = Publisher(loop)
    token = _publisher.set(publisher)
    try:
        yield
    finally:
        _publisher.reset(token)


async def _fan_out(layer, groups: list[str], message: dict) -> list:
    many = getattr(layer, "group_send_many", None)
    if many is not None:
        # The pub/sub layer (messaging.layers): serialized once, one round trip per Redis shard.
        return await many(groups, message)
    return await asyncio.gather(
        *(layer.group_send(group, message) for group in groups), return_exceptions=True
    )
