"""An event's fan-out after commit: every group gets it, in one hop from the database thread to
the event loop, and a group that fails is counted without stopping the others."""

import asyncio
import socket
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from messaging import realtime
from messaging.layers import BoundedPubSubChannelLayer


async def _join(layer, groups):
    channels = []
    for group in groups:
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        channels.append(channel)
    return channels


async def test_an_event_for_three_groups_reaches_each_in_one_hop(monkeypatch):
    layer = get_channel_layer()
    groups = [f"fanout-{uuid.uuid4().hex[:8]}-{i}" for i in range(3)]
    channels = await _join(layer, groups)
    hops = []
    real = realtime.async_to_sync

    def counting(func):
        hops.append(func)
        return real(func)

    monkeypatch.setattr(realtime, "async_to_sync", counting)
    sent = realtime.stats["events_sent"]
    await sync_to_async(realtime._send_now)(groups, {"type": "probe"})
    for channel in channels:
        received = await asyncio.wait_for(layer.receive(channel), 5)
        assert received == {"type": "trellis.event", "event": {"type": "probe"}}
    assert len(hops) == 1
    assert realtime.stats["events_sent"] - sent == 3


async def test_a_failing_group_is_counted_and_the_others_still_get_the_event(monkeypatch):
    """A layer that sends group by group (the core layer): one failing group is counted."""
    layer = get_channel_layer()
    monkeypatch.setattr(layer, "group_send_many", None, raising=False)
    groups = [f"fanout-{uuid.uuid4().hex[:8]}-{i}" for i in range(2)]
    channels = await _join(layer, groups)
    real_send = layer.group_send

    async def group_send(group, message):
        if group == groups[0]:
            raise ConnectionError("redis went away")
        await real_send(group, message)

    monkeypatch.setattr(layer, "group_send", group_send)
    failed = realtime.stats["events_failed"]
    await sync_to_async(realtime._send_now)(groups, {"type": "probe"})
    received = await asyncio.wait_for(layer.receive(channels[1]), 5)
    assert received["event"] == {"type": "probe"}
    assert realtime.stats["events_failed"] - failed == 1


async def test_a_dead_redis_shard_is_counted_and_the_live_one_still_gets_the_event(monkeypatch):
    """The pub/sub layer sends to all groups in one pipelined round trip per Redis shard: the
    groups of a shard that is down are counted as failed, the others get the event."""
    live = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{s.getsockname()[1]}/0"
    layer = BoundedPubSubChannelLayer(hosts=[live, dead], prefix=f"fanout{uuid.uuid4().hex[:6]}")
    loop_layer = layer._get_layer()
    names: dict[int, str] = {}
    for i in range(64):
        group = f"fanout-{i}"
        shard = loop_layer._shards.index(loop_layer._get_shard(f"{layer.prefix}__group__{group}"))
        names.setdefault(shard, group)
    on_live, on_dead = names[0], names[1]
    # A receiving channel on the live shard (`new_channel` picks one at random: half would land
    # on the dead one).
    channel = next(
        name
        for name in (f"{layer.prefix}specific.probe{i}" for i in range(64))
        if loop_layer._get_shard(name) is loop_layer._shards[0]
    )
    await loop_layer._subscribe_to_channel(channel)
    await layer.group_add(on_live, channel)
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: layer)
    failed, sent = realtime.stats["events_failed"], realtime.stats["events_sent"]
    await sync_to_async(realtime._send_now)([on_dead, on_live], {"type": "probe"})
    received = await asyncio.wait_for(layer.receive(channel), 5)
    assert received["event"] == {"type": "probe"}
    assert realtime.stats["events_failed"] - failed == 1
    assert realtime.stats["events_sent"] - sent == 1
    await layer.flush()


def _notify_two(groups):
    # Outside a transaction: each event leaves at once, in this order.
    realtime.notify_after_commit(groups=groups, event={"type": "probe", "n": 1})
    realtime.notify_after_commit(groups=groups, event={"type": "probe", "n": 2})
    return "done"


@pytest.mark.django_db(transaction=True)
async def test_a_socket_database_call_does_not_wait_for_its_events_to_be_published(monkeypatch):
    """The database thread hands a socket call's after-commit events to the event loop and goes
    on: it must not wait for the publish (every send of the process queues behind that thread).
    The events still leave, in commit order, and are counted."""
    from messaging.sockets import db

    layer = get_channel_layer()
    groups = [f"fanout-{uuid.uuid4().hex[:8]}-{i}" for i in range(2)]
    channels = await _join(layer, groups)
    release = asyncio.Event()
    real_batch = getattr(layer, "group_send_batch", None)

    async def held_batch(items):
        await release.wait()  # the publish cannot finish before the call has returned
        return await real_batch(items)

    async def held_many(groups_, message):
        await release.wait()
        return await layer.__class__.group_send_many(layer, groups_, message)

    if real_batch is not None:
        monkeypatch.setattr(layer, "group_send_batch", held_batch, raising=False)
    monkeypatch.setattr(layer, "group_send_many", held_many, raising=False)
    sent = realtime.stats["events_sent"]
    assert await asyncio.wait_for(db(_notify_two, groups=groups), 5) == "done"
    release.set()
    for channel in channels:
        first = await asyncio.wait_for(layer.receive(channel), 5)
        second = await asyncio.wait_for(layer.receive(channel), 5)
        assert (first["event"]["n"], second["event"]["n"]) == (1, 2)
    for _ in range(50):
        if realtime.stats["events_sent"] - sent == 4:
            break
        await asyncio.sleep(0.02)
    assert realtime.stats["events_sent"] - sent == 4


async def test_a_batch_of_events_goes_out_in_order_and_a_failure_is_counted(monkeypatch):
    """Submitted events leave in order (a batch holds whatever queued while the last publish was
    in flight); a failing publish is counted per group and the next batch still goes."""
    groups = [f"fanout-{uuid.uuid4().hex[:8]}"]
    layer = get_channel_layer()
    (channel,) = await _join(layer, groups)
    publisher = realtime.Publisher(asyncio.get_running_loop())
    real_batch = layer.group_send_batch
    calls = []

    async def batch(items):
        calls.append([message["event"]["n"] for _groups, message in items])
        if len(calls) == 1:
            raise ConnectionError("redis went away")
        return await real_batch(items)

    monkeypatch.setattr(layer, "group_send_batch", batch)
    failed, sent = realtime.stats["events_failed"], realtime.stats["events_sent"]
    for n in range(1, 5):
        await sync_to_async(publisher.submit)(groups, {"type": "probe", "n": n})
    for n in range(2, 5):
        received = await asyncio.wait_for(layer.receive(channel), 5)
        assert received["event"]["n"] == n
    assert calls[0] == [1]
    assert [n for call in calls[1:] for n in call] == [2, 3, 4]
    assert realtime.stats["events_failed"] - failed == 1
    assert realtime.stats["events_sent"] - sent == 3


def test_an_event_for_a_closed_loop_counts_as_failed_and_does_not_raise():
    """A server that is stopping: its loop is closed when a last call commits. The send is
    stored; its event is counted as failed, never raised into the send."""
    loop = asyncio.new_event_loop()
    loop.close()
    failed = realtime.stats["events_failed"]
    realtime.Publisher(loop).submit(["g1", "g2"], {"type": "probe"})
    assert realtime.stats["events_failed"] - failed == 2


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis")
async def test_a_batch_reaches_every_group_in_order_when_redis_does_not_know_the_script(
    monkeypatch,
):
    """The batch is one command per shard (a script run by its id); a Redis that does not know
    the script (restarted) gets its text, and every group still gets every message in order."""
    from messaging import layers

    layer = BoundedPubSubChannelLayer(
        hosts=[settings.REDIS_URL], prefix=f"trellis_test_{uuid.uuid4().hex[:8]}"
    )
    groups = [f"fanout-{uuid.uuid4().hex[:8]}-{i}" for i in range(3)]
    channels = await _join(layer, groups)
    try:
        for unknown in (True, False):
            if unknown:  # an id no Redis has seen, as after a restart
                monkeypatch.setattr(layers, "_PUBLISH_SHA", uuid.uuid4().hex + "00000000")
            else:
                monkeypatch.undo()
            items = [(groups, {"type": "probe", "n": 1}), (groups[1:], {"type": "probe", "n": 2})]
            assert await layer.group_send_batch(items) == [[None] * 3, [None] * 2]
            for index, channel in enumerate(channels):
                expected = [1] if index == 0 else [1, 2]
                got = [(await asyncio.wait_for(layer.receive(channel), 5))["n"] for _ in expected]
                assert got == expected
    finally:
        await layer.flush()
