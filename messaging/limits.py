"""Per-user limits shared by every server process: a send-rate token bucket and a socket count.

Both live in Redis (atomic Lua scripts, keys that expire by themselves), so a user who opens
sockets on several processes is counted once. When Redis is unreachable, or not configured (the
single-process demo), each process keeps its own count instead: limits get looser for the length
of the outage, but a Redis failure never stops a message from being stored.

All functions are coroutines for the consumer's event loop and never block it on a dead Redis for
longer than the client timeouts below.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from dataclasses import dataclass, field

from django.conf import settings
from redis import asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds a socket's registration lives without a refresh (a crashed process frees its slots).
SOCKET_TTL = 90
REDIS_TIMEOUT = 0.5

_BUCKET_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 2)
return allowed
"""

_SOCKET_ADD = """
local t = redis.call('TIME')
local now = tonumber(t[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false
   and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""

# One client per event loop: redis.asyncio connections belong to the loop that opened them.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis] = (
    weakref.WeakKeyDictionary()
)


def _redis() -> aioredis.Redis | None:
    if not settings.REDIS_URL:
        return None
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        client = aioredis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=REDIS_TIMEOUT,
            socket_timeout=REDIS_TIMEOUT,
        )
        _clients[loop] = client
    return client


def key_prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX') or 'trellis'}:ws"


def _config() -> dict:
    return settings.TRELLIS_REALTIME


# -- in-process fallback -------------------------------------------------------------------------


@dataclass
class _Bucket:
    tokens: float
    ts: float


@dataclass
class _Local:
    buckets: dict[int, _Bucket] = field(default_factory=dict)
    sockets: dict[int, dict[str, float]] = field(default_factory=dict)


_local = _Local()


def _local_take(user_id: int, rate: float, burst: int) -> bool:
    now = time.monotonic()
    bucket = _local.buckets.get(user_id)
    if bucket is None:
        bucket = _local.buckets[user_id] = _Bucket(tokens=burst, ts=now)
    bucket.tokens = min(burst, bucket.tokens + (now - bucket.ts) * rate)
    bucket.ts = now
    if bucket.tokens >= 1:
        bucket.tokens -= 1
        return True
    return False


def _local_socket_add(user_id: int, socket_id: str, cap: int) -> bool:
    now = time.monotonic()
    sockets = {
        s: exp for s, exp in _local.sockets.get(user_id, {}).items() if exp > now or s == socket_id
    }
    if socket_id not in sockets and len(sockets) >= cap:
        _local.sockets[user_id] = sockets
        return False
    sockets[socket_id] = now + SOCKET_TTL
    _local.sockets[user_id] = sockets
    return True


def _degraded(what: str, exc: Exception) -> None:
    logger.warning("limits: Redis unavailable for %s (%s); using per-process limits", what, exc)


# -- the interface -------------------------------------------------------------------------------


async def send_allowed(*, user_id: int) -> bool:
    """Take one token from the user's send bucket; False when the user is over the rate."""
    cfg = _config()
    rate, burst = float(cfg["SEND_RATE_PER_SECOND"]), int(cfg["SEND_BURST"])
    client = _redis()
    if client is not None:
        try:
            allowed = await client.eval(
                _BUCKET_SCRIPT, 1, f"{key_prefix()}:rate:{user_id}", rate, burst
            )
            return bool(allowed)
        except (TimeoutError, RedisError, OSError) as exc:
            _degraded("rate", exc)
    return _local_take(user_id, rate, burst)


async def socket_register(*, user_id: int, socket_id: str) -> bool:
    """Count a socket for the user (or refresh it); False when the user already has the maximum."""
    cap = int(_config()["MAX_SOCKETS_PER_USER"])
    client = _redis()
    if client is not None:
        try:
            added = await client.eval(
                _SOCKET_ADD, 1, f"{key_prefix()}:sockets:{user_id}", socket_id, cap, SOCKET_TTL
            )
            return bool(added)
        except (TimeoutError, RedisError, OSError) as exc:
            _degraded("sockets", exc)
    return _local_socket_add(user_id, socket_id, cap)


async def socket_unregister(*, user_id: int, socket_id: str) -> None:
    _local.sockets.get(user_id, {}).pop(socket_id, None)
    client = _redis()
    if client is None:
        return
    try:
        await client.zrem(f"{key_prefix()}:sockets:{user_id}", socket_id)
    except (TimeoutError, RedisError, OSError) as exc:
        # The registration expires by itself after SOCKET_TTL.
        _degraded("sockets", exc)
