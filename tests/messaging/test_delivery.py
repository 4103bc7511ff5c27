"""messaging.delivery on its own: the layer lifecycle with a real channel layer (in memory and the
bounded Redis pub/sub layer), and in-order delivery with gap-fill and overflow resync, fed from a
list of stored messages instead of the database."""

import asyncio
import json
import uuid

import pytest
from channels.layers import InMemoryChannelLayer
from django.conf import settings

from messaging import realtime
from messaging.delivery import Delivery, Unavailable
from messaging.layers import OVERFLOW, BoundedPubSubChannelLayer


def _msg(seq: int, conversation: int = 1, state: str = "delivered") -> dict:
    return {"conversation": conversation, "seq": seq, "state": state}


class Store:
    """Stored messages by conversation, answering resume pages as the selector does."""

    def __init__(self, rows: dict[int, list[dict]], page: int = 2):
        self.rows, self.page, self.down = rows, page, False

    async def resume_page(self, conversation: int, after_seq: int) -> dict:
        if self.down:
            raise Unavailable
        later = [m for m in self.rows[conversation] if m["seq"] > after_seq]
        chunk = later[: self.page]
        more = len(later) > self.page
        last = self.rows[conversation][-1]["seq"] if self.rows[conversation] else after_seq
        through = chunk[-1]["seq"] if more else max(last, after_seq)
        return {"conversation": conversation, "messages": chunk, "more": more,
                "through_seq": through}  # fmt: skip

    async def conversations(self) -> list[dict]:
        return [{"id": c, "last_seq": rows[-1]["seq"]} for c, rows in self.rows.items()]


def _delivery(store: Store, sent: list[dict], **kwargs) -> Delivery:
    async def send(payload):
        sent.append(payload)

    async def dispatch(message):
        sent.append(message)

    return Delivery(groups=["g"], dispatch=dispatch, send=send, resume_page=store.resume_page,
                    conversations=store.conversations, **kwargs)  # fmt: skip


def _seqs(sent: list[dict]) -> list[int]:
    return [p["message"]["seq"] for p in sent if p["type"] == "message"]


async def test_messages_in_order_are_passed_on_and_duplicates_dropped():
    sent: list[dict] = []
    delivery = _delivery(Store({1: []}), sent, layer=InMemoryChannelLayer())
    delivery.baseline([{"id": 1, "last_seq": 0}])
    for seq in (1, 2, 2, 3):
        await delivery.message(_msg(seq))
    assert _seqs(sent) == [1, 2, 3]
    await delivery.message(_msg(2, state="withdrawn"))  # a new state of a delivered one
    assert _seqs(sent) == [1, 2, 3, 2]


async def test_a_gap_is_filled_from_the_store_before_the_later_message():
    sent: list[dict] = []
    store = Store({1: [_msg(n) for n in range(1, 6)]}, page=10)
    delivery = _delivery(store, sent, layer=InMemoryChannelLayer())
    delivery.baseline([{"id": 1, "last_seq": 1}])
    await delivery.message(_msg(5))
    assert _seqs(sent) == [2, 3, 4, 5]
    await delivery.message(_msg(5))
    assert _seqs(sent) == [2, 3, 4, 5]  # once


async def test_a_gap_with_the_store_down_passes_the_message_on_for_the_client_to_resume():
    sent: list[dict] = []
    store = Store({1: [_msg(n) for n in range(1, 6)]})
    store.down = True
    delivery = _delivery(store, sent, layer=InMemoryChannelLayer())
    delivery.baseline([{"id": 1, "last_seq": 1}])
    await delivery.message(_msg(5))
    assert _seqs(sent) == [5]
    await delivery.message(_msg(6))
    assert _seqs(sent) == [5, 6]


async def test_an_overflow_catches_up_every_known_conversation_then_sends_counts():
    sent: list[dict] = []
    store = Store({1: [_msg(n) for n in range(1, 8)], 2: [_msg(n, 2) for n in range(1, 4)]})
    delivery = _delivery(store, sent, layer=InMemoryChannelLayer())
    delivery.baseline([{"id": 1, "last_seq": 2}])  # conversation 2 began after the hello
    resyncs = realtime.stats["overflow_resyncs"]
    await delivery.overflow()
    assert _seqs(sent) == [3, 4, 5, 6, 7]  # in pages of two
    assert sent[-1] == {"type": "conversations", "conversations": await store.conversations()}
    assert realtime.stats["overflow_resyncs"] == resyncs + 1


async def test_a_resume_page_sent_by_the_consumer_is_not_delivered_again():
    sent: list[dict] = []
    delivery = _delivery(Store({1: []}), sent, layer=InMemoryChannelLayer())
    delivery.baseline([{"id": 1, "last_seq": 0}])
    delivery.page_sent({"conversation": 1, "messages": [_msg(1), _msg(2)], "more": False,
                        "through_seq": 3})  # fmt: skip
    await delivery.message(_msg(2))
    await delivery.message(_msg(4))
    assert _seqs(sent) == [4]


async def test_open_joins_the_groups_and_hands_layer_messages_to_dispatch():
    layer = InMemoryChannelLayer()
    sent: list[dict] = []
    delivery = _delivery(Store({}), sent, layer=layer)
    assert await delivery.open() is True
    await layer.group_send("g", {"type": "trellis.event", "n": 1})
    for _ in range(100):
        if sent:
            break
        await asyncio.sleep(0.01)
    assert sent == [{"type": "trellis.event", "n": 1}]
    await delivery.close()
    await layer.group_send("g", {"type": "trellis.event", "n": 2})
    await asyncio.sleep(0.05)
    assert sent == [{"type": "trellis.event", "n": 1}]  # left the group


def _dead_layer() -> BoundedPubSubChannelLayer:
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return BoundedPubSubChannelLayer(hosts=[f"redis://127.0.0.1:{port}/0"], prefix="dead")


async def test_a_dead_layer_costs_live_delivery_not_the_socket_and_leaves_no_queues():
    layer = _dead_layer()
    delivery = _delivery(Store({}), [], layer=layer)
    failed = realtime.stats["layer_join_failed"]
    assert await delivery.open() is False
    assert await delivery.rejoin() is False
    assert delivery.live is False
    assert realtime.stats["layer_join_failed"] == failed + 2
    assert layer._get_layer().channels == {}  # the layer's seam dropped each failed queue
    await delivery.close()


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis")
async def test_the_bounded_layer_overflow_marker_reaches_dispatch():
    layer = BoundedPubSubChannelLayer(
        hosts=[settings.REDIS_URL], prefix=f"trellis_test_{uuid.uuid4().hex[:8]}", capacity=2
    )
    gate = asyncio.Event()
    got: list[dict] = []

    async def dispatch(message):
        got.append(message)
        await gate.wait()  # a slow socket: holds the first event

    async def send(payload):
        pass

    delivery = Delivery(groups=["room"], dispatch=dispatch, send=send, layer=layer)
    assert await delivery.open() is True
    for n in range(6):
        await layer.group_send("room", {"type": "trellis.event", "n": n})
    await asyncio.sleep(0.3)
    gate.set()
    for _ in range(100):
        if got and got[-1] == OVERFLOW:
            break
        await asyncio.sleep(0.02)
    assert got[-1] == OVERFLOW
    # Two queued (and one held, if the receiver was already waiting), the rest dropped.
    kept = [m["n"] for m in got[:-1]]
    assert kept in ([0, 1], [0, 1, 2])
    await delivery.close()
    await layer.flush()


async def test_a_pre_encoded_message_goes_out_as_its_frame_in_order_and_once():
    """A message event encoded once by its publisher (realtime.layer_message) is sent as that
    text, unchanged; ordering, duplicates and gap-fill work from the fields beside it."""
    sent: list[dict] = []
    texts: list[str] = []

    async def send_text(text):
        texts.append(text)

    store = Store({1: [_msg(n) for n in range(1, 6)]}, page=10)
    delivery = _delivery(store, sent, layer=InMemoryChannelLayer(), send_text=send_text)
    delivery.baseline([{"id": 1, "last_seq": 1}])
    for seq in (2, 2, 5):
        layer_message = realtime.layer_message({"type": "message", "message": _msg(seq)})
        await delivery.message(layer_message, frame=layer_message["frame"])
    # The duplicate 2 is dropped; the gap is filled from the store (3, 4 and 5 itself), so the
    # live 5 is then a duplicate too.
    assert texts == [json.dumps({"type": "message", "message": _msg(2)}, ensure_ascii=False)]
    assert _seqs(sent) == [3, 4, 5]
    store.down = True  # a gap the store cannot fill: the frame is passed on as it is
    layer_message = realtime.layer_message({"type": "message", "message": _msg(8)})
    await delivery.message(layer_message, frame=layer_message["frame"])
    assert texts[1:] == [layer_message["frame"]]
    assert delivery.order.through(1) == 8


def test_a_message_event_is_encoded_once_for_the_layer_and_other_events_go_as_they_are():
    payload = {"id": 7, "conversation": 3, "seq": 2, "state": "delivered", "body": "¿Qué tal? ✓"}
    event = {"type": "message", "message": payload}
    assert realtime.layer_message(event) == {
        "type": "trellis.message",
        "frame": json.dumps(event, ensure_ascii=False),
        "conversation": 3,
        "seq": 2,
        "state": "delivered",
    }
    read = {"type": "read", "conversation": 3, "user": 1, "seq": 2}
    assert realtime.layer_message(read) == {"type": "trellis.event", "event": read}
