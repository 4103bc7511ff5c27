"""An event's fan-out after commit: every group gets it, in one hop from the database thread to
the event loop, and a group that fails is counted without stopping the others."""

import asyncio
import socket
import uuid

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
