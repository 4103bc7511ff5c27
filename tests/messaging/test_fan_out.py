"""An event's fan-out after commit: every group gets it, in one hop from the database thread to
the event loop, and a group that fails is counted without stopping the others."""

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from messaging import realtime


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
    layer = get_channel_layer()
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
