"""Per-user limits shared by every server process: a send-rate token bucket and a socket count.

Both live in Redis (atomic Lua scripts, keys that expire by themselves), so a user who opens
sockets on several processes is counted once. When Redis is unreachable, or not configured (the
single-process demo), each process keeps its own count instead: limits get looser for the length
of the outage, but a Redis failure never stops a message from being stored.

The socket count is kept by coroutines on the consumer's event loop; the send rate is checked by
`send_rate_check`, a plain function the send service calls first (actions.messages.message_send),
so the socket and the HTTP API refuse a flood the same way and tell the client the same retry time
(`RateLimited.retry_after`). Neither blocks on a dead Redis longer than the client timeouts below.

Redis connections come from one bounded pool per process (per event loop for the coroutines):
when every connection is busy a caller waits up to REDIS_POOL_TIMEOUT for one instead of opening
more. Five hundred sockets connecting at once used to open a connection each and then fail with
"Too many connections", falling back to per-process limits.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field

import redis
from django.conf import settings
from redis import asyncio as aioredis
from redis.exceptions import NoScriptError, RedisError

logger = logging.getLogger(__name__)

# Seconds a socket's registration lives without a refresh (a crashed process frees its slots).
SOCKET_TTL = 90
# Seconds to connect to Redis or read a reply. Waiting does not block the event loop; a loop
# busy with hundreds of handshakes at once took longer than half a second to read replies and
# fell back to per-process limits.
REDIS_TIMEOUT = 2.0
# The send path's check runs on the database thread, which every send of the process shares: a
# Redis that does not answer must not hold it long.
REDIS_SEND_TIMEOUT = 0.5
# Connections per pool, and how long a caller waits for a free one before the per-process fallback.
REDIS_POOL_SIZE = 64
REDIS_POOL_TIMEOUT = 10.0


class RateLimited(Exception):
    """The user is over the send rate: nothing was stored. Resend after `retry_after` seconds."""

    def __init__(self, *, retry_after: float):
        super().__init__(f"rate limited; retry after {retry_after:.3f}s")
        self.retry_after = retry_after

    @property
    def retry_after_ms(self) -> int:
        return max(1, math.ceil(self.retry_after * 1000))

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds, at least one (HTTP Retry-After)."""
        return max(1, math.ceil(self.retry_after))


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
local wait_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait_ms = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 2)
return wait_ms
"""
_BUCKET_SHA = hashlib.sha1(_BUCKET_SCRIPT.encode()).hexdigest()  # noqa: S324 (Redis's script id)


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
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[str, aioredis.Redis]] = (
    weakref.WeakKeyDictionary()
)
# One thread-safe client per process (and Redis URL) for the send path's threads.
_sync_clients: dict[str, redis.Redis] = {}
_sync_lock = threading.Lock()


def _pool_options(timeout: float = REDIS_TIMEOUT) -> dict:
    return {
        "max_connections": REDIS_POOL_SIZE,
        "timeout": REDIS_POOL_TIMEOUT,
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
    }


def _redis() -> aioredis.Redis | None:
    if not settings.REDIS_URL:
        return None
    loop = asyncio.get_running_loop()
    url, client = _clients.get(loop, ("", None))
    if client is None or url != settings.REDIS_URL:
        pool = aioredis.BlockingConnectionPool.from_url(settings.REDIS_URL, **_pool_options())
        client = aioredis.Redis(connection_pool=pool)
        _clients[loop] = (settings.REDIS_URL, client)
    return client


def _redis_sync() -> redis.Redis | None:
    url = settings.REDIS_URL
    if not url:
        return None
    client = _sync_clients.get(url)
    if client is None:
        with _sync_lock:
            client = _sync_clients.get(url)
            if client is None:
                pool = redis.BlockingConnectionPool.from_url(
                    url, **_pool_options(REDIS_SEND_TIMEOUT)
                )
                client = _sync_clients[url] = redis.Redis(connection_pool=pool)
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


def _local_take(user_id: int, rate: float, burst: int) -> float:
    """The in-process bucket: 0 when a token was taken, else seconds until the next one."""
    now = time.monotonic()
    with _sync_lock:
        bucket = _local.buckets.get(user_id)
        if bucket is None:
            bucket = _local.buckets[user_id] = _Bucket(tokens=burst, ts=now)
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.ts) * rate)
        bucket.ts = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / rate


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


def send_rate_check(*, user_id: int) -> None:
    """Take one token from the user's send bucket (shared by every process); raises RateLimited,
    with the time until the next token, when the user is over the rate. Blocking: call it from
    the send service's thread, never on an event loop."""
    cfg = _config()
    rate, burst = float(cfg["SEND_RATE_PER_SECOND"]), int(cfg["SEND_BURST"])
    if rate <= 0:
        raise RateLimited(retry_after=60.0)
    client = _redis_sync()
    wait: float | None = None
    if client is not None:
        try:
            key = f"{key_prefix()}:rate:{user_id}"
            try:
                # By its id: the script's text is not sent (and hashed by Redis) on every send.
                wait_ms = client.evalsha(_BUCKET_SHA, 1, key, rate, burst)
            except NoScriptError:  # a restarted Redis has forgotten it
                wait_ms = client.eval(_BUCKET_SCRIPT, 1, key, rate, burst)
            wait = int(wait_ms) / 1000
        except (TimeoutError, RedisError, OSError) as exc:
            _degraded("rate", exc)
    if wait is None:
        wait = _local_take(user_id, rate, burst)
    if wait > 0:
        raise RateLimited(retry_after=wait)


class Strikes:
    """Offences of one socket within a sliding window: `add()` counts one and answers how many
    there were in the last `window` seconds. Pure bookkeeping, no I/O."""

    def __init__(self, *, window: float = 60.0):
        self.window = window
        self._times: deque[float] = deque()

    def add(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        self._times.append(now)
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()
        return len(self._times)


@dataclass
class FloodPolicy:
    """Escalation for a socket that keeps sending over the rate (FAULTS 7): each refusal is a
    strike, and `strikes` of them within `window` seconds make the socket an offender, which is
    closed and reported (actions.messages.rate_limit_offender_record)."""

    strikes: int
    window: float = 60.0
    _recent: Strikes = field(init=False)

    def __post_init__(self) -> None:
        self._recent = Strikes(window=self.window)

    @classmethod
    def from_settings(cls) -> FloodPolicy:
        return cls(strikes=int(_config()["RATE_LIMIT_STRIKES"]))

    def refused(self, now: float | None = None) -> int | None:
        """Count one refusal; the number of recent refusals when that makes an offender, else
        None."""
        recent = self._recent.add(now)
        return recent if recent >= self.strikes else None


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
