"""The user's one websocket: every conversation the user belongs to, over a single connection.

Protocol glue only (docs/protocol.md): parse a frame, call the permission gate and one service or
selector off the event loop, send the answer, forward events the services addressed to the user.
Membership is checked by the service on every event, never cached from the handshake.

The consumer never dies of a fault: bad frames get an error event, a database failure gets
"unavailable" (and no acknowledgement), and a channel layer (Redis) failure only costs live
delivery, which clients recover by resuming from the last sequence number they saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from collections import deque

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.db import DatabaseError, InterfaceError
from django.utils.translation import gettext

from accounts.sessions import session_group
from accounts.ws import session_still_live
from actions.messages import message_send, rate_limit_offender_record

from . import limits, realtime, selectors, services
from .access import ConversationNotFound, access_conversation_as_member
from .ordering import DeliveryOrder, Verdict
from .protocol import ProtocolError, parse_frame
from .services import MessageRejected

logger = logging.getLogger(__name__)

# Close codes (docs/protocol.md). Repeated bad frames close with 4400 on every server: daphne
# (autobahn) lets an application close only with 1000 or 3000-4999, and the standard 1008 ("policy")
# raised inside the consumer there, which ended the socket with 1011 and a traceback.
CLOSE_POLICY = 4400
CLOSE_TOO_BIG = 1009
# Daphne (autobahn) lets an application close only with 1000 or 3000-4999: there the same condition
# closes with 4009.
CLOSE_TOO_BIG_APP = 4009
CLOSE_SESSION_ENDED = 4001
CLOSE_TOO_MANY_SOCKETS = 4008
CLOSE_RATE_LIMIT = 4029

HEARTBEAT_SECONDS = 30
# How often an open socket re-checks its session (accounts.sessions.session_is_live): an expired,
# idle or revoked session closes its sockets within this time even if no close event arrives.
SESSION_CHECK_SECONDS = 15
STRIKE_WINDOW_SECONDS = 60
TYPING_INTERVAL_SECONDS = 2.0
RESUME_MAX_PAGES = 50
# Messages a consumer accepts from the channel layer; anything else is logged and dropped.
LAYER_HANDLERS = {"trellis_event", "trellis_close", "trellis_overflow"}


class Unavailable(Exception):
    """The database could not be reached; the client should retry the same frame later."""


async def _db(func, /, **kwargs):
    # Thread-sensitive (the default): Django keeps connections per async context, so the same
    # connection must not move between pool threads. A process therefore runs its database work
    # on one thread; capacity grows with processes (docs/benchmarks.md).
    try:
        return await database_sync_to_async(func)(**kwargs)
    except (DatabaseError, InterfaceError) as exc:
        realtime.stats["db_unavailable"] += 1
        logger.warning("database unavailable in %s: %s", func.__name__, type(exc).__name__)
        raise Unavailable from exc


def _resume_page(
    *, user, conversation_id: int, after_seq: int, limit: int, after_change: int | None = None
) -> dict:
    conversation = access_conversation_as_member(user=user, conversation_id=conversation_id)
    return {
        "type": "messages",
        **selectors.resume_page(
            user=user,
            conversation=conversation,
            after_seq=after_seq,
            limit=limit,
            after_change=after_change,
        ),
    }


def _history_page(*, user, conversation_id: int, before_seq: int | None, limit: int) -> dict:
    conversation = access_conversation_as_member(user=user, conversation_id=conversation_id)
    through_change = selectors.last_change(conversation=conversation)
    rows, more = selectors.messages_before(
        user=user, conversation=conversation, before_seq=before_seq, limit=limit
    )
    return {
        "type": "history",
        "conversation": conversation.pk,
        "before_seq": before_seq,
        "more": more,
        "through_change": through_change,
        "messages": [realtime.message_payload(m) for m in rows],
    }


def _utf8_len_exceeds(text: str, limit: int) -> bool:
    # A code point is 1 to 4 bytes: only encode when the character count cannot decide.
    if len(text) > limit:
        return True
    if len(text) * 4 <= limit:
        return False
    return len(text.encode("utf-8", "surrogatepass")) > limit


class _Strikes:
    """Timestamps of recent offences within a sliding window."""

    def __init__(self, window: float = STRIKE_WINDOW_SECONDS):
        self.window = window
        self.times: deque[float] = deque()

    def add(self) -> int:
        now = time.monotonic()
        self.times.append(now)
        while self.times and self.times[0] < now - self.window:
            self.times.popleft()
        return len(self.times)


class UserSocketConsumer(AsyncWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        # Replaces AsyncConsumer.__call__ so that the channel layer is optional at run time: a layer
        # that fails (Redis down) is retried by the heartbeat instead of killing the connection.
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = None
        self.base_send = send
        self.socket_id = uuid.uuid4().hex
        self.user = None
        self.session_key = None
        self._session_watcher: asyncio.Task | None = None
        self._session_touched = 0.0
        self._layer_ready = asyncio.Event()
        self._joined = False
        self._registered = False
        self._closing = False
        self._heartbeat: asyncio.Task | None = None
        self._protocol_strikes = _Strikes()
        self._flood = limits.FloodPolicy.from_settings()
        self._typing_sent: dict[int, float] = {}
        self._order = DeliveryOrder()
        try:
            await await_many_dispatch([receive, self._layer_receive], self.dispatch)
        except StopConsumer:
            pass
        finally:
            await self._cleanup()

    async def dispatch(self, message):
        handler = get_handler_name(message)
        if not handler.startswith("websocket_") and handler not in LAYER_HANDLERS:
            logger.warning("socket ignored a layer message of type %s", message.get("type"))
            return
        await super().dispatch(message)

    # -- channel layer, tolerant of Redis failures --------------------------------------------

    async def _layer_receive(self):
        delay = 0.5
        while True:
            await self._layer_ready.wait()
            try:
                return await self.channel_layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                realtime.stats["layer_receive_failed"] += 1
                logger.warning("channel layer receive failed: %s", type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)

    async def _new_channel(self) -> str:
        layer = self.channel_layer
        known = getattr(layer, "channels", None)
        before = set(known) if isinstance(known, dict) else None
        try:
            return await layer.new_channel()
        except Exception:
            # The pub/sub layer registers a local queue before subscribing in Redis; drop the
            # orphan so that retries during an outage do not pile up queues.
            known = getattr(layer, "channels", None)
            if before is not None and isinstance(known, dict):
                for name in set(known) - before:
                    known.pop(name, None)
            raise

    async def _join(self) -> bool:
        """Subscribe this socket to the user's group. Safe to repeat; False when the layer fails."""
        if self.channel_layer is None:
            return True
        try:
            if self.channel_name is None:
                self.channel_name = await self._new_channel()
                self._layer_ready.set()
            await self.channel_layer.group_add(realtime.user_group(self.user.pk), self.channel_name)
            if self.session_key:
                # Signing out one session closes that session's sockets (accounts.sessions).
                await self.channel_layer.group_add(
                    session_group(self.session_key), self.channel_name
                )
        except Exception as exc:
            if self._joined or not realtime.stats["layer_join_failed"]:
                logger.warning("socket could not join its group: %s", type(exc).__name__)
            realtime.stats["layer_join_failed"] += 1
            self._joined = False
            return False
        self._joined = True
        return True

    async def _heartbeat_loop(self):
        # Refreshes the socket's registration (it expires otherwise) and re-joins the group, which
        # restores live delivery after Redis restarts and forgets group memberships.
        # A random phase first: sockets opened together (a class logging in, a server restart)
        # must not all hit Redis and the database in the same instant every period.
        await asyncio.sleep(random.uniform(0, HEARTBEAT_SECONDS))  # noqa: S311 (not a secret)
        while True:
            await limits.socket_register(user_id=self.user.pk, socket_id=self.socket_id)
            await self._join()
            await asyncio.sleep(HEARTBEAT_SECONDS)

    async def _session_watch(self):
        # A random phase, as above.
        await asyncio.sleep(random.uniform(0, SESSION_CHECK_SECONDS))  # noqa: S311 (not a secret)
        while True:
            if not await session_still_live(self.session_key, touch=False):
                await self.trellis_close({"reason": "session_ended"})
                return
            await asyncio.sleep(SESSION_CHECK_SECONDS)

    async def _cleanup(self):
        if self._session_watcher is not None:
            self._session_watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._session_watcher
            self._session_watcher = None
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._heartbeat
            self._heartbeat = None
        if self._joined:
            self._joined = False
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(
                    realtime.user_group(self.user.pk), self.channel_name
                )
                if self.session_key:
                    await self.channel_layer.group_discard(
                        session_group(self.session_key), self.channel_name
                    )
        if self._registered:
            self._registered = False
            await limits.socket_unregister(user_id=self.user.pk, socket_id=self.socket_id)

    # -- connection ---------------------------------------------------------------------------

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Closing before accepting refuses the handshake (HTTP 403): nothing joined or sent.
            await self.close()
            return
        self.user = user
        # Set by accounts.ws at the handshake, which refused sessions that were not live.
        self.session_key = self.scope.get("session_key")
        if not await limits.socket_register(user_id=user.pk, socket_id=self.socket_id):
            await self.accept()
            await self._send_json(
                {
                    "type": "error",
                    "code": "too_many_sockets",
                    "detail": "Too many open connections for this account; close another tab.",
                }
            )
            await self._close(CLOSE_TOO_MANY_SOCKETS)
            return
        self._registered = True
        # Join before accepting, so that nothing sent after the hello is missed.
        await self._join()
        await self.accept()
        hello = {
            "type": "hello",
            "user": user.pk,
            "live": self._joined,
            "limits": {
                "max_frame_bytes": settings.TRELLIS_REALTIME["MAX_FRAME_BYTES"],
                "max_message_chars": settings.TRELLIS["MAX_MESSAGE_CHARS"],
            },
        }
        try:
            hello["conversations"] = await _db(selectors.conversations_for_user, user=user)
        except Unavailable:
            hello["conversations"] = None
        for row in hello["conversations"] or []:
            self._order.baseline(row["id"], row["last_seq"])
        await self._send_json(hello)
        self._heartbeat = asyncio.create_task(self._heartbeat_loop())
        self._session_watcher = asyncio.create_task(self._session_watch())

    async def disconnect(self, code):
        await self._cleanup()

    async def _close(self, code: int):
        self._closing = True
        await self.close(code=code)

    async def _send_json(self, payload: dict):
        await self.send(text_data=json.dumps(payload, ensure_ascii=False))

    # -- events from services (through the channel layer) -------------------------------------

    async def trellis_event(self, message):
        if self._closing:
            return
        event = message["event"]
        if event.get("type") == "message" and isinstance(event.get("message"), dict):
            await self._deliver_message(event["message"])
        else:
            await self._send_json(event)

    async def _deliver_message(self, payload: dict):
        """Deliver in sequence order per conversation (messaging.ordering explains why)."""
        verdict = self._order.check(payload)
        if verdict is Verdict.DUPLICATE:
            realtime.stats["duplicates_dropped"] += 1
            return
        if verdict is Verdict.GAP:
            conversation = payload["conversation"]
            try:
                await self._catch_up(conversation, pages=1)
            except (Unavailable, ConversationNotFound):
                # Pass it on as it is; the client sees the gap and resumes later.
                await self._send_json({"type": "message", "message": payload})
                self._order.delivered(payload)
                self._order.cover(conversation, payload["seq"])
                return
            realtime.stats["gaps_filled"] += 1
            if self._order.check(payload) is Verdict.DUPLICATE:
                return
        await self._send_json({"type": "message", "message": payload})
        self._order.delivered(payload)

    async def _catch_up(self, conversation: int, *, pages: int) -> None:
        """Deliver, from the database, the conversation's messages after the last one this socket
        delivered (at most `pages` pages). Raises Unavailable or ConversationNotFound."""
        for _ in range(pages):
            page = await _db(
                _resume_page,
                user=self.user,
                conversation_id=conversation,
                after_seq=self._order.through(conversation),
                limit=selectors.PAGE_MAX,
            )
            for earlier in page["messages"]:
                if self._order.check(earlier) is not Verdict.DUPLICATE:
                    await self._send_json({"type": "message", "message": earlier})
                    self._order.delivered(earlier)
            if not page["more"]:
                self._order.cover(conversation, page["through_seq"])
                return

    async def trellis_overflow(self, message):
        """The channel layer dropped events for this socket because it fell behind (FAULTS 12,
        messaging.layers): deliver the messages it missed from the database, then fresh unread
        counts. A message that is still missing after this is recovered by the client's resume."""
        if self._closing:
            return
        realtime.stats["overflow_resyncs"] += 1
        try:
            rows = await _db(selectors.conversations_for_user, user=self.user)
            for row in rows:
                # A conversation the socket has no position in (joined after the hello) is
                # left to the client, which learns its last_seq from the event below.
                through = self._order.through(row["id"])
                if through is not None and row["last_seq"] > through:
                    with contextlib.suppress(ConversationNotFound):
                        await self._catch_up(row["id"], pages=RESUME_MAX_PAGES)
        except Unavailable:
            return
        await self._send_json({"type": "conversations", "conversations": rows})

    async def trellis_close(self, message):
        """A service ended the user's sessions (suspension, sign-out): close at once."""
        if self._closing:
            return
        await self._send_json({"type": "closing", "reason": str(message.get("reason", ""))[:64]})
        await self._close(CLOSE_SESSION_ENDED)

    # -- frames from the client ---------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self._closing:
            return
        limit = settings.TRELLIS_REALTIME["MAX_FRAME_BYTES"]
        too_big = (
            len(bytes_data) > limit
            if bytes_data is not None
            else _utf8_len_exceeds(text_data or "", limit)
        )
        if too_big:
            realtime.stats["frames_too_big"] += 1
            logger.warning("socket closed: frame over %s bytes from user=%s", limit, self.user.pk)
            try:
                await self._close(CLOSE_TOO_BIG)
            except Exception:
                await self.close(code=CLOSE_TOO_BIG_APP)
            return
        # A frame is activity: it keeps the session from idling out, and an ended session stops
        # here (checked at most every few seconds, so a burst costs one query).
        now = time.monotonic()
        if now - self._session_touched >= 5:
            self._session_touched = now
            if not await session_still_live(self.session_key, touch=True):
                await self.trellis_close({"reason": "session_ended"})
                return
        try:
            if bytes_data is not None:
                raise ProtocolError("invalid_frame", "Binary frames are not accepted; send text.")
            event = parse_frame(text_data)
        except ProtocolError as exc:
            await self._refuse(exc.code, exc.detail, field=exc.field, ref=exc.ref)
            return
        await self._handle(event)

    async def _handle(self, event: dict):
        kind, ref = event["type"], event.get("ref")
        handler = getattr(self, f"on_{kind}")
        try:
            await handler(event)
        except ConversationNotFound:
            with contextlib.suppress(Unavailable):
                await _db(
                    services.conversation_access_denied_record,
                    user=self.user,
                    conversation_id=event.get("conversation"),
                    via=f"socket.{kind}",
                )
            await self._refuse(
                "not_found",
                "No such conversation.",
                ref=ref,
                extra={"for": kind, "conversation": event.get("conversation")},
            )
        except MessageRejected as exc:
            await self._send_json(
                self._error(
                    exc.code or "invalid",
                    exc.messages[0],
                    ref=ref,
                    extra={"for": kind, "client_id": event.get("client_id")},
                )
            )
        except Unavailable:
            await self._send_json(
                self._error(
                    "unavailable",
                    "The service is unavailable; retry shortly.",
                    ref=ref,
                    extra={"for": kind, "retry": True, "client_id": event.get("client_id")},
                )
            )
        except Exception:
            realtime.stats["socket_errors"] += 1
            logger.exception("socket event %s failed for user=%s", kind, self.user.pk)
            await self._send_json(
                self._error(
                    "internal", "Something went wrong; retry.", ref=ref, extra={"for": kind}
                )
            )

    @staticmethod
    def _error(code: str, detail: str, *, field=None, ref=None, extra=None) -> dict:
        payload = {"type": "error", "code": code, "detail": detail}
        if field is not None:
            payload["field"] = field
        if ref is not None:
            payload["ref"] = ref
        for key, value in (extra or {}).items():
            if value is not None:
                payload[key] = value
        return payload

    async def _refuse(self, code, detail, *, field=None, ref=None, extra=None):
        """An error that counts against the socket: repeated ones close it (4400)."""
        await self._send_json(self._error(code, detail, field=field, ref=ref, extra=extra))
        if self._protocol_strikes.add() >= settings.TRELLIS_REALTIME["PROTOCOL_STRIKES"]:
            logger.warning("socket closed: repeated bad frames from user=%s", self.user.pk)
            await self._close(CLOSE_POLICY)

    # -- one handler per client event (fields already validated by messaging.protocol) --------

    async def on_send(self, event):
        ref, client_id = event.get("ref"), event["client_id"]
        try:
            result = await _db(
                message_send,
                sender=self.user,
                conversation_id=event["conversation"],
                client_id=client_id,
                body=event["body"],
            )
        except limits.RateLimited as exc:
            await self._rate_limited(event, exc)
            return
        ack = {"type": "ack", **realtime.ack_payload(result.message)}
        if ref is not None:
            ack["ref"] = ref
        await self._send_json(ack)

    async def _rate_limited(self, event, exc: limits.RateLimited):
        realtime.stats["rate_limited"] += 1
        refusal = {
            "type": "rate_limited",
            "for": "send",
            "conversation": event["conversation"],
            "client_id": event["client_id"],
            "retry_after_ms": exc.retry_after_ms,
            "detail": gettext("Too many messages; this one was not stored. Slow down and resend."),
        }
        if event.get("ref") is not None:
            refusal["ref"] = event["ref"]
        await self._send_json(refusal)
        refused = self._flood.refused()
        if refused is not None:
            logger.warning("socket closed: rate limit offender user=%s", self.user.pk)
            with contextlib.suppress(Unavailable):
                await _db(
                    rate_limit_offender_record,
                    user=self.user,
                    refused=refused,
                    conversation_id=event["conversation"],
                )
            await self._close(CLOSE_RATE_LIMIT)

    async def on_resume(self, event):
        after_seq = event["after_seq"]
        after_change = event.get("after_change")  # state changes come with the first page
        for _ in range(RESUME_MAX_PAGES):
            page = await _db(
                _resume_page,
                user=self.user,
                conversation_id=event["conversation"],
                after_seq=after_seq,
                limit=event.get("limit", 100),
                after_change=after_change,
            )
            after_change = None
            if event.get("ref") is not None:
                page["ref"] = event["ref"]
            await self._send_json(page)
            # What a page carried need not come again live.
            for message in page["messages"]:
                self._order.delivered(message)
            if not page["more"]:
                self._order.cover(page["conversation"], page["through_seq"])
                return
            after_seq = page["through_seq"]

    async def on_history(self, event):
        page = await _db(
            _history_page,
            user=self.user,
            conversation_id=event["conversation"],
            before_seq=event.get("before_seq"),
            limit=event.get("limit", 50),
        )
        if event.get("ref") is not None:
            page["ref"] = event["ref"]
        await self._send_json(page)

    async def on_read(self, event):
        marker = await _db(
            services.messages_mark_read,
            user=self.user,
            conversation_id=event["conversation"],
            seq=event["seq"],
        )
        reply = {
            "type": "read",
            "conversation": event["conversation"],
            "user": self.user.pk,
            "seq": marker,
        }
        if event.get("ref") is not None:
            reply["ref"] = event["ref"]
        await self._send_json(reply)

    async def on_typing(self, event):
        # Ephemeral and frequent: at most one per conversation every TYPING_INTERVAL_SECONDS.
        now = time.monotonic()
        conversation_id = event["conversation"]
        if now - self._typing_sent.get(conversation_id, -TYPING_INTERVAL_SECONDS) < (
            TYPING_INTERVAL_SECONDS
        ):
            return
        if len(self._typing_sent) > 256:
            self._typing_sent.clear()
        self._typing_sent[conversation_id] = now
        await _db(services.typing_notify, user=self.user, conversation_id=conversation_id)

    async def on_conversations(self, event):
        rows = await _db(selectors.conversations_for_user, user=self.user)
        reply = {"type": "conversations", "conversations": rows}
        if event.get("ref") is not None:
            reply["ref"] = event["ref"]
        await self._send_json(reply)

    async def on_ping(self, event):
        reply = {"type": "pong"}
        if event.get("ref") is not None:
            reply["ref"] = event["ref"]
        await self._send_json(reply)
