"""FAULTS 12: the channel layer over capacity (a slow consumer).

Real Redis, the real bounded pub/sub layer (messaging.layers) and the real socket consumer: a
socket that cannot keep up has its excess events dropped, counted and logged, and then gets every
message it missed from the database, in order, once.
"""

import asyncio
import json
import logging
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings

from actions.messages import message_send
from messaging import realtime
from messaging import services as messaging
from messaging.consumers import UserSocketConsumer
from messaging.layers import OVERFLOW, BoundedPubSubChannelLayer
from testkit.sessions import session_cookie

from .support import connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_limits")]


async def _until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def _layer(capacity: int) -> BoundedPubSubChannelLayer:
    return BoundedPubSubChannelLayer(
        hosts=[settings.REDIS_URL], prefix=f"trellis_test_{uuid.uuid4().hex[:8]}", capacity=capacity
    )


@pytest.fixture
def layer_log():
    """What messaging.layers logs (held by the logger itself: Django's logging set-up replaces the
    root logger's handlers when the ASGI application loads)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("messaging.layers")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


async def test_a_full_queue_drops_counts_logs_and_queues_one_marker(layer_log):
    layer = _layer(capacity=3)
    channel = await layer.new_channel()
    await layer.group_add("room", channel)
    dropped, overflows = realtime.stats["layer_dropped"], realtime.stats["layer_overflows"]
    for n in range(10):
        await layer.group_send("room", {"type": "trellis.event", "n": n})
    await _until(lambda: realtime.stats["layer_dropped"] == dropped + 7)

    received = [await asyncio.wait_for(layer.receive(channel), 2) for _ in range(4)]
    assert received == [{"type": "trellis.event", "n": n} for n in range(3)] + [OVERFLOW]
    assert realtime.stats["layer_overflows"] == overflows + 1  # one overflow, one marker
    assert [r.getMessage() for r in layer_log] == [
        "socket event queue full (3 events): dropping events; the socket will catch up from the "
        "database",
        "socket event queue overflow: 7 events dropped",
    ]
    await asyncio.sleep(0.2)
    assert layer.channels[channel].empty()  # (a cancelled receive would unsubscribe the channel)

    # The queue works again, and a second overflow queues a second marker.
    for n in range(5):
        await layer.group_send("room", {"type": "trellis.event", "n": n})
    await _until(lambda: realtime.stats["layer_dropped"] == dropped + 9)
    received = [await asyncio.wait_for(layer.receive(channel), 2) for _ in range(4)]
    assert received[-1] == OVERFLOW
    assert realtime.stats["layer_overflows"] == overflows + 2
    await layer.flush()


async def test_capacity_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        _layer(capacity=0)


@pytest.fixture
def small_queues(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "messaging.layers.BoundedPubSubChannelLayer",
            "CONFIG": {
                "hosts": [settings.REDIS_URL],
                "prefix": f"trellis_test_{uuid.uuid4().hex[:8]}",
                "capacity": 5,
            },
        }
    }


@pytest.fixture
def slow_link(monkeypatch):
    """Holds the given user's socket on its first `message` frame until the gate opens: its
    consumer stops taking events from the layer, as one behind a slow connection does."""
    gate = asyncio.Event()
    slow = {"user": None}
    real_send = UserSocketConsumer._send_json

    async def send_json(self, payload):
        if (
            self.user is not None
            and self.user.pk == slow["user"]
            and payload.get("type") == "message"
        ):
            await gate.wait()
        await real_send(self, payload)

    # A live message arrives encoded already (messaging.realtime.layer_message) and is sent as
    # text; messages from the database (the catch-up) go through _send_json.
    real_send_text = UserSocketConsumer._send_text

    async def send_text(self, text):
        if (
            self.user is not None
            and self.user.pk == slow["user"]
            and json.loads(text).get("type") == "message"
        ):
            await gate.wait()
        await real_send_text(self, text)

    monkeypatch.setattr(UserSocketConsumer, "_send_json", send_json)
    monkeypatch.setattr(UserSocketConsumer, "_send_text", send_text)
    return gate, slow


async def test_a_slow_socket_loses_nothing_and_the_drop_is_counted(
    small_queues, slow_link, conversation, mentor, student, layer_log, settings
):
    # One sender sends 30 at once, over the default burst: the send service checks the rate
    # (tests/messaging/test_limits.py); here it must not refuse.
    settings.TRELLIS_REALTIME = settings.TRELLIS_REALTIME | {"SEND_BURST": 1000}
    gate, slow = slow_link
    slow["user"] = student.pk
    s = await connect(await sync_to_async(session_cookie)(student))
    dropped = realtime.stats["layer_dropped"]
    resyncs = realtime.stats["overflow_resyncs"]
    send = sync_to_async(message_send)
    for n in range(1, 31):
        await send(sender=mentor, conversation_id=conversation.pk, client_id=f"c{n}", body=str(n))
    # One event is held at the socket, 5 wait in its queue, the marker behind them: the rest
    # (the last 24 messages, the final one included) are dropped.
    await _until(lambda: realtime.stats["layer_dropped"] >= dropped + 20)
    gate.set()

    seqs = [(await s.recv_type("message", timeout=5))["message"]["seq"] for _ in range(30)]
    assert seqs == list(range(1, 31))  # every message, in order, once
    summary = await s.recv_type("conversations", timeout=5)
    [row] = summary["conversations"]
    assert (row["id"], row["last_seq"], row["unread"]) == (conversation.pk, 30, 30)
    assert await s.nothing(0.5)
    assert realtime.stats["overflow_resyncs"] == resyncs + 1
    assert [r.getMessage() for r in layer_log][-1].endswith(" events dropped")
    await s.close()


async def test_a_conversation_whose_every_event_was_dropped_is_left_to_the_client(
    small_queues, slow_link, conversation, mentor, student, program, district, make_user
):
    """A conversation the socket has delivered nothing from (here: one that began after the
    hello) has no position on the socket, and the socket does not guess one, which could replay a
    whole history: the `conversations` event tells the client where it stands, and the client
    resumes it."""
    gate, slow = slow_link
    slow["user"] = student.pk
    s = await connect(await sync_to_async(session_cookie)(student))
    other_mentor = await sync_to_async(make_user)("mentor", district)
    second = await sync_to_async(messaging.match_create)(
        program=program, mentor=other_mentor, student=student
    )
    second = await sync_to_async(messaging.match_activate)(match=second)
    second_id = await sync_to_async(lambda: second.conversation.pk)()
    dropped = realtime.stats["layer_dropped"]
    send = sync_to_async(message_send)
    for n in range(1, 11):  # fills the queue: 1 held, 5 queued, the marker, 4 dropped
        await send(sender=mentor, conversation_id=conversation.pk, client_id=f"c{n}", body=str(n))
    await _until(lambda: realtime.stats["layer_dropped"] >= dropped + 4)
    for n in range(1, 16):  # all dropped
        await send(sender=other_mentor, conversation_id=second_id, client_id=f"n{n}", body=str(n))
    await _until(lambda: realtime.stats["layer_dropped"] >= dropped + 19)
    gate.set()

    seqs = [(await s.recv_type("message", timeout=5))["message"] for _ in range(10)]
    assert [(m["conversation"], m["seq"]) for m in seqs] == [
        (conversation.pk, n) for n in range(1, 11)
    ]
    summary = await s.recv_type("conversations", timeout=5)
    rows = {row["id"]: row for row in summary["conversations"]}
    assert (rows[conversation.pk]["last_seq"], rows[second_id]["last_seq"]) == (10, 15)
    assert await s.nothing(0.3)
    await s.send(type="resume", conversation=second_id, after_seq=0)
    page = await s.recv_type("messages", timeout=5)
    assert [m["seq"] for m in page["messages"]] == list(range(1, 16))
    await s.close()
