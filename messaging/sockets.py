"""The base of Trellis's two sockets (the user socket, messaging.consumers; the staff socket,
moderation.consumers): one signed-in session, its live delivery, and how it ends.

- The handshake is refused (closed before accepting) without a signed-in user; accounts.ws has
  already refused a session that was not live.
- The socket follows its session (docs/protocol.md, "Sessions"): it re-checks the session every
  SESSION_CHECK_SECONDS and on client frames, which also count as activity (at most every
  TOUCH_SECONDS; `counts_as_activity` leaves out a page's own timed frames); an ended session,
  a `trellis.close` event (sign-out, suspension, the idle sweep) or a failed check sends
  `closing` and closes with 4001.
- Repeated bad frames close with 4400: daphne (autobahn) lets an application close only with
  1000 or 3000-4999, so the standard 1008 cannot be used.
- Live events come through a `Delivery` (messaging.delivery), which owns the channel layer side:
  `channel_layer_alias` names no configured layer, so `AsyncConsumer.__call__` creates no channel
  of its own, and a channel layer failure (Redis down) costs live delivery, never the connection.
  Every message, from the client or the layer, is handled one at a time, as AsyncConsumer does.
- Database work goes through `db` (the process's database thread) or, for the message send,
  `db_send` (a bounded pool of its own, TRELLIS_REALTIME["SEND_THREADS"]).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import random
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections
from django.utils import translation

from accounts.sessions import session_group, user_sockets_group
from accounts.ws import session_still_live

from . import realtime
from .delivery import Delivery, Unavailable
from .limits import Strikes

logger = logging.getLogger(__name__)

CLOSE_SESSION_ENDED = 4001
CLOSE_POLICY = 4400

# How often an open socket re-checks its session (accounts.sessions.session_is_live): an expired,
# idle or revoked session closes its sockets within this time even if no close event arrives.
SESSION_CHECK_SECONDS = 15
# A frame touches the session at most this often (a burst costs one check).
TOUCH_SECONDS = 5
# Refreshes what expires by itself (group memberships after a Redis restart, socket counts).
HEARTBEAT_SECONDS = 30
# Layer messages a socket accepts; anything else is logged and dropped.
LAYER_HANDLERS = frozenset(
    {"trellis_event", "trellis_message", "trellis_close", "trellis_overflow"}
)


class SignedInSocket(AsyncWebsocketConsumer):
    """Subclasses say which groups to join (`admit`), what to send once open (`opened`), how to
    answer a frame (`frame`) and an event (`trellis_event`)."""

    channel_layer_alias = "trellis.delivery-owns-the-layer"  # not configured: see the module doc
    refuse_code: int | None = None  # close code of a refused handshake (None: plain 403)
    max_strikes = 10
    error_before_close = True  # the frame that closes for strikes still gets its error

    async def __call__(self, scope, receive, send):
        self.user = None
        self.session_key = None
        self.delivery: Delivery | None = None
        self._closing = False
        self._serial = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self._touched = 0.0
        self._checked = 0.0
        self._released = False
        self._strikes = Strikes()
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._cleanup()

    async def dispatch(self, message):
        name = get_handler_name(message)
        if not name.startswith("websocket_") and name not in LAYER_HANDLERS:
            logger.warning("socket ignored a layer message of type %s", message.get("type"))
            return
        handler = getattr(self, name, None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        # AsyncConsumer.dispatch would first hop to the database thread to close stale
        # connections, for every frame and every event delivered to every socket (the sends
        # queue behind those hops). Nothing here touches the database but through `db`, whose
        # calls close stale connections before and after themselves (channels.db).
        async with self._serial:
            await handler(message)

    # -- hooks ----------------------------------------------------------------------------------

    async def admit(self) -> list[str] | None:
        """The groups to join besides the user's and the session's; None: refused (the hook has
        closed the socket)."""
        return []

    async def opened(self) -> None:
        """Called once accepted and joined."""

    async def heartbeat(self) -> None:
        """Called every HEARTBEAT_SECONDS."""

    async def frame(self, text_data, bytes_data) -> None:
        raise NotImplementedError

    async def oversized(self, text_data, bytes_data) -> bool:
        """Whether the frame is too large to read (the hook has closed the socket)."""
        return False

    # -- the connection -------------------------------------------------------------------------

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=self.refuse_code)
            return
        self.user = user
        # The socket speaks the language of its pages (accounts.languages), found by accounts.ws
        # in the handshake's one database trip; the activation lasts for this connection's task,
        # so every error detail it sends is in that language.
        translation.activate(self.scope.get("language") or settings.LANGUAGE_CODE)
        # Set by accounts.ws at the handshake, which refused sessions that were not live.
        self.session_key = self.scope.get("session_key")
        groups = await self.admit()
        if groups is None:
            return
        groups = [*groups, user_sockets_group(user.pk)]
        if self.session_key:
            # Signing out one session closes that session's sockets (accounts.sessions).
            groups.append(session_group(self.session_key))
        self.delivery = self.make_delivery(groups)
        # Join before accepting, so that nothing sent after the accept is missed.
        await self.delivery.open()
        await self.accept()
        await self.opened()
        self._tasks = [
            asyncio.create_task(self._heartbeat_loop()),
            asyncio.create_task(self._session_watch()),
        ]

    def make_delivery(self, groups: list[str]) -> Delivery:
        return Delivery(
            groups=groups, dispatch=self.dispatch, send=self._send_json, send_text=self._send_text
        )

    async def disconnect(self, code):
        await self._cleanup()

    async def _cleanup(self):
        self._closing = True
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            if task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self.delivery is not None:
            await self.delivery.close()
        if not self._released:
            self._released = True
            await self.released()

    async def released(self) -> None:
        """Called once when the socket ends (after an accepted or a refused handshake)."""

    async def _close(self, code: int):
        self._closing = True
        await self.close(code=code)

    async def _send_json(self, payload: dict):
        await self.send(text_data=json.dumps(payload, ensure_ascii=False))

    async def _send_text(self, text: str):
        await self.send(text_data=text)

    async def trellis_message(self, message):
        """A message event, encoded once by its publisher (messaging.realtime.layer_message):
        its frame goes out as it is. The user socket orders it first (messaging.consumers)."""
        if not self._closing:
            await self._send_text(message["frame"])

    # -- the session ----------------------------------------------------------------------------

    async def _heartbeat_loop(self):
        # A random phase first: sockets opened together (a class logging in, a server restart)
        # must not all hit Redis and the database in the same instant every period.
        await asyncio.sleep(random.uniform(0, HEARTBEAT_SECONDS))  # noqa: S311 (not a secret)
        while True:
            await self.heartbeat()
            await self.delivery.rejoin()
            await asyncio.sleep(HEARTBEAT_SECONDS)

    async def _session_watch(self):
        await asyncio.sleep(random.uniform(0, SESSION_CHECK_SECONDS))  # noqa: S311 (not a secret)
        while not self._closing:
            if not await session_still_live(self.session_key, touch=False):
                async with self._serial:
                    await self.end_session("session_ended")
                return
            await asyncio.sleep(SESSION_CHECK_SECONDS)

    async def end_session(self, reason: str) -> None:
        if self._closing:
            return
        await self._send_json({"type": "closing", "reason": str(reason)[:64]})
        await self._close(CLOSE_SESSION_ENDED)

    async def trellis_close(self, message):
        """A service ended the user's sessions or this one (sign-out, idle, suspension)."""
        await self.end_session(str(message.get("reason", "")))

    # -- frames ---------------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self._closing or await self.oversized(text_data, bytes_data):
            return
        # A frame the person sent is activity: it keeps the session from idling out. Any frame
        # on an ended session stops here before anything is answered (checked at most every few
        # seconds; a page's own timed frames check without touching).
        activity = self.counts_as_activity(text_data, bytes_data)
        now = time.monotonic()
        if now - (self._touched if activity else self._checked) >= TOUCH_SECONDS:
            self._checked = now
            if activity:
                self._touched = now
            if not await session_still_live(self.session_key, touch=activity):
                await self.end_session("session_ended")
                return
        await self.frame(text_data, bytes_data)

    def counts_as_activity(self, text_data, bytes_data) -> bool:
        """Whether a client frame is the person at work (the default). A frame a page sends by
        itself on a timer is not: an unattended page must still idle out."""
        return True

    async def refuse(self, payload: dict) -> None:
        """An error that counts against the socket: `max_strikes` within a minute close it."""
        over = self._strikes.add() >= self.max_strikes
        if not over or self.error_before_close:
            await self._send_json(payload)
        if over:
            logger.warning("socket closed: repeated bad frames from user=%s", self.user.pk)
            await self._close(CLOSE_POLICY)


def error(code: str, detail: str, *, field=None, ref=None, extra=None) -> dict:
    """An `error` event (docs/protocol.md); None values in `extra` are left out."""
    payload = {"type": "error", "code": code, "detail": detail}
    if field is not None:
        payload["field"] = field
    if ref is not None:
        payload["ref"] = ref
    for key, value in (extra or {}).items():
        if value is not None:
            payload[key] = value
    return payload


async def db(func, /, **kwargs):
    """Run `func(**kwargs)` on the database thread; Unavailable when the database fails. Its
    after-commit events are published by the event loop, in commit order, without the database
    thread waiting for them (messaging.realtime.publishing_from).

    Thread-sensitive (the default): Django keeps connections per async context, so the same
    connection must not move between pool threads. A process therefore runs this database work
    on one thread; the message send can leave it for a pool of its own (`db_send`), and
    capacity also grows with processes (docs/benchmarks.md)."""
    return await _run(database_sync_to_async(_checked(func)), func, kwargs)


async def db_send(func, /, *, serial: int, **kwargs):
    """`db(func, **kwargs)` for the message send: on the send pool when
    TRELLIS_REALTIME["SEND_THREADS"] is above 0 (that many threads per process, each with its own
    database connection, so that one send's database round trips overlap another's work), else
    on the database thread like everything else.

    Calls with the same `serial` (the conversation) run one at a time in this process, in the
    order they were made. That is what keeps the conversation's message events in sequence
    order on the way out: a call's after-commit events are handed to the loop's Publisher
    (thread-safe, in order) before its result is, so the next call of the conversation, which
    starts only once the loop has the result, numbers and submits after it. Two pool threads
    never race between one conversation's commit and its publish (docs/adr/0004). Sends into one
    conversation wait on its row lock anyway; different conversations run side by side. (A call
    cancelled while its thread still runs, as when the server stops, frees its conversation
    early; the receiving sockets' ordering, messaging.ordering, covers that as it covers events
    from two processes.)

    Each pool thread's connection is closed when it is old or broken, before and after every
    call (channels.db), and trusted for its health check like the database thread's (`_checked`).
    The connections a server needs: processes x (1 + SEND_THREADS + HANDSHAKE_THREADS), within
    PostgreSQL's max_connections beside the workers' (README, TRELLIS_WS_SEND_THREADS)."""
    threads = int(settings.TRELLIS_REALTIME.get("SEND_THREADS", 0))
    if threads <= 0:
        call = database_sync_to_async(_checked(func))
    else:
        call = database_sync_to_async(
            _checked(func), thread_sensitive=False, executor=send_pool(threads)
        )
    async with _serials(asyncio.get_running_loop()).hold(serial):
        return await _run(call, func, kwargs)


async def _run(call, func, kwargs):
    try:
        # After-commit events of the call go to this loop's publisher: the database thread
        # does not wait for them to be published (messaging.realtime.Publisher).
        with realtime.publishing_from(asyncio.get_running_loop()):
            return await call(**kwargs)
    except (DatabaseError, InterfaceError) as exc:
        realtime.stats["db_unavailable"] += 1
        logger.warning("database unavailable in %s: %s", func.__name__, type(exc).__name__)
        raise Unavailable from exc


_send_pools: dict[int, ThreadPoolExecutor] = {}
_send_pools_lock = threading.Lock()


def send_pool(threads: int) -> ThreadPoolExecutor:
    """The process's send pool of `threads` threads (created on first use)."""
    with _send_pools_lock:
        pool = _send_pools.get(threads)
        if pool is None:
            pool = _send_pools[threads] = ThreadPoolExecutor(
                max_workers=threads, thread_name_prefix="send"
            )
        return pool


def send_pools_shutdown() -> None:
    """Close every send pool thread's database connection and stop the pools (the next send
    starts a new one): for a process that is stopping, and for tests, whose websocket
    communicator turns channels' connection cleanup off (channels.testing)."""
    with _send_pools_lock:
        pools = list(_send_pools.items())
        _send_pools.clear()
    for threads, pool in pools:
        # One task per thread: each waits at the barrier until all are running, so no thread
        # takes two and every thread closes its own connections.
        barrier = threading.Barrier(threads)

        def close(barrier=barrier):
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
            connections.close_all()

        for future in [pool.submit(close) for _ in range(threads)]:
            future.result()
        pool.shutdown(wait=True)


class _Serial:
    """One event loop's per-key FIFO locks; a key's lock exists while someone holds or waits
    for it."""

    def __init__(self) -> None:
        self._locks: dict[object, list] = {}  # key -> [lock, holders and waiters]

    @contextlib.asynccontextmanager
    async def hold(self, key):
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if not entry[1]:
                del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


_serial_by_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _serials(loop: asyncio.AbstractEventLoop) -> _Serial:
    serial = _serial_by_loop.get(loop)
    if serial is None:
        serial = _serial_by_loop[loop] = _Serial()
    return serial


# A connection that served a call without an error this recently skips the health check of the
# next call (CONN_HEALTH_CHECKS: a `SELECT 1` round trip before the first statement of every
# call, the socket's every frame). A session that died in between fails the call's first
# statement instead: the call raises Unavailable (no ack, nothing stored or sent), and the
# cleanup after it (channels.db) finds the error, tests the connection and closes it.
HEALTH_TRUSTED_SECONDS = 1.0


@functools.lru_cache(maxsize=128)  # the module functions the sockets call
def _checked(func):
    """`func` as the database thread runs it for a socket (under its own name)."""

    @functools.wraps(func)
    def call(**kwargs):
        conn = connections[DEFAULT_DB_ALIAS]
        trusted = getattr(conn, "_trellis_served", None)
        if (
            trusted is not None
            and conn.connection is trusted[0]
            and not conn.errors_occurred
            and time.monotonic() - trusted[1] < HEALTH_TRUSTED_SECONDS
        ):
            conn.health_check_done = True
        result = func(**kwargs)
        if conn.connection is not None and not conn.errors_occurred:
            conn._trellis_served = (conn.connection, time.monotonic())
        return result

    return call
