"""The Redis pub/sub channel layer with a bounded queue per socket (FAULTS 12).

The pub/sub layer hands every event published for a socket's channel or groups to an in-process
queue, which the socket's consumer empties. channels_redis makes that queue unbounded: a consumer
that cannot keep up (a slow client link, a stalled event loop) lets it grow without limit, and
nothing says so. Here each socket's queue holds at most `capacity` events. Past that:

- the event is dropped, and the drop is counted (`layer_dropped` on /healthz) and logged, once
  when an overflow starts and once when the socket reaches the point of the drop;
- one overflow marker (`{"type": "trellis.overflow"}`) is queued behind the events already
  waiting, so the consumer learns of the drop right after the last event it did get, even when
  the dropped event was the last one in its conversation and no later sequence number would reveal
  the gap. The consumer then delivers what it missed from the database (messaging.consumers).

Nothing is lost for good: the layer is only the doorbell, the database is the mailbox.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer
from channels_redis.utils import _wrap_close
from redis.exceptions import NoScriptError

from . import realtime

logger = logging.getLogger(__name__)

DEFAULT_CAPACITY = 256
OVERFLOW = {"type": "trellis.overflow"}

# A batch's publishes to one Redis shard as one command, in order: ARGV is n, the n channels,
# for each channel the index of its data among the distinct payloads, then the payloads (a
# message to several groups is sent once). The same PUBLISH commands a pipeline would send, at
# the cost of one command to pack and one reply to parse instead of a pipeline's machinery
# (about 7 % of a server's CPU under closed-loop load, docs/benchmarks.md).
_PUBLISH_SCRIPT = """
local n = tonumber(ARGV[1])
for i = 1, n do
  redis.call('PUBLISH', ARGV[1 + i], ARGV[2 + 2 * n + tonumber(ARGV[1 + n + i])])
end
return n
"""
_PUBLISH_SHA = hashlib.sha1(_PUBLISH_SCRIPT.encode()).hexdigest()  # noqa: S324 (Redis's script id)


async def _publish_all(client, publishes: list[tuple[str, int]], payloads: list[bytes]) -> None:
    """PUBLISH each (channel, payload index) on `client`, in order, in one command."""
    args = [len(publishes), *(name for name, _ in publishes)]
    args += [index for _, index in publishes]
    args += payloads
    try:
        await client.evalsha(_PUBLISH_SHA, 0, *args)
    except NoScriptError:  # a restarted Redis has forgotten the script: send it
        await client.eval(_PUBLISH_SCRIPT, 0, *args)


class SocketQueue(asyncio.Queue):
    """An asyncio queue of serialized events that drops past `capacity` and queues one marker."""

    def __init__(self, *, capacity: int, marker: bytes):
        super().__init__()  # unbounded underneath: the bound is enforced here, marker aside
        self.capacity = capacity
        self._marker = marker
        self._marker_queued = False
        self.dropped = 0  # in the current overflow

    def put_nowait(self, item):
        if self.qsize() < self.capacity:
            super().put_nowait(item)
            return
        self.dropped += 1
        realtime.stats["layer_dropped"] += 1
        if not self._marker_queued:
            self._marker_queued = True
            realtime.stats["layer_overflows"] += 1
            logger.warning(
                "socket event queue full (%d events): dropping events; the socket will catch up "
                "from the database",
                self.capacity,
            )
            super().put_nowait(self._marker)

    def get_nowait(self):
        item = super().get_nowait()
        if item is self._marker:
            self._marker_queued = False
            logger.warning("socket event queue overflow: %d events dropped", self.dropped)
            self.dropped = 0
        return item


class BoundedPubSubLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, capacity: int = DEFAULT_CAPACITY, **kwargs):
        super().__init__(*args, **kwargs)
        self.capacity = capacity

    async def _subscribe_to_channel(self, channel):
        """The seam `new_channel` (and a `receive` on an unknown channel) goes through: register
        the socket's bounded queue, then subscribe in Redis. When Redis fails, the queue is
        dropped again before the error propagates, so that a socket retrying during an outage
        (messaging.delivery) does not pile up orphan queues."""
        self.channels[channel] = SocketQueue(
            capacity=self.capacity, marker=self.channel_layer.serialize(OVERFLOW)
        )
        try:
            await self._get_shard(channel).subscribe(channel)
        except BaseException:
            self.channels.pop(channel, None)
            raise

    async def group_send_many(self, groups: list[str], message: dict) -> list:
        """One message to several groups: serialized once, and one pipelined round trip per
        Redis shard instead of one round trip per group. Per group: None, or the exception."""
        (results,) = await self.group_send_batch([(groups, message)])
        return results

    async def group_send_batch(self, items: list[tuple[list[str], dict]]) -> list[list]:
        """Several messages, each to its groups, in one round trip (one command) per Redis
        shard, published in the order given. Per item, per group: None, or the exception."""
        payloads: list[bytes] = []
        publishes: list[tuple[str, int]] = []  # (group channel, index in payloads)
        for groups, message in items:
            payloads.append(self.channel_layer.serialize(message))
            publishes += [(self._get_group_channel_name(g), len(payloads) - 1) for g in groups]
        by_shard: dict[int, list[int]] = {}
        for index, (name, _data) in enumerate(publishes):
            by_shard.setdefault(id(self._get_shard(name)), []).append(index)
        flat: list = [None] * len(publishes)
        for indexes in by_shard.values():
            shard = self._get_shard(publishes[indexes[0]][0])
            # This shard's payloads only, renumbered.
            used = sorted({publishes[index][1] for index in indexes})
            renumber = {old: new for new, old in enumerate(used)}
            try:
                async with shard._lock:
                    shard._ensure_redis()
                    await _publish_all(
                        shard._redis,
                        [(publishes[i][0], renumber[publishes[i][1]]) for i in indexes],
                        [payloads[old] for old in used],
                    )
            except Exception as exc:
                for index in indexes:
                    flat[index] = exc
        results, start = [], 0
        for groups, _message in items:
            results.append(flat[start : start + len(groups)])
            start += len(groups)
        return results


class BoundedPubSubChannelLayer(RedisPubSubChannelLayer):
    """`RedisPubSubChannelLayer` with `capacity` events per socket (CONFIG["capacity"])."""

    def __init__(self, *args, capacity: int = DEFAULT_CAPACITY, **kwargs):
        if capacity < 1:
            raise ValueError("channel layer capacity must be at least 1")
        super().__init__(*args, **kwargs)
        self.capacity = capacity

    async def group_send_many(self, groups: list[str], message: dict) -> list:
        """`group_send` to each of `groups` in one pipelined round trip (per Redis shard)."""
        return await self._get_layer().group_send_many(groups, message)

    async def group_send_batch(self, items: list[tuple[list[str], dict]]) -> list[list]:
        """Several `group_send_many` in order, in one pipelined round trip (per Redis shard)."""
        return await self._get_layer().group_send_batch(items)

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = BoundedPubSubLoopLayer(
                *self._args, capacity=self.capacity, channel_layer=self, **self._kwargs
            )
            self._layers[loop] = layer
            _wrap_close(self, loop)
        return layer
