"""The user's one websocket: every conversation the user belongs to, over a single connection.

Protocol glue only (docs/protocol.md): parse a frame, make one service or selector call off the
event loop, send the answer, forward the events services addressed to the user. Membership is
checked by the service on every frame, never cached from the handshake. The session rules and
close codes are the base's (messaging.sockets), live delivery in order is messaging.delivery's.

The consumer never dies of a fault: bad frames get an error event, a database failure gets
"unavailable" (and no acknowledgement), a channel layer (Redis) failure only costs live delivery.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid

from django.conf import settings
from django.utils.translation import gettext

from actions.messages import message_send, rate_limit_offender_record

from . import limits, realtime, selectors, services
from .access import ConversationNotFound, access_conversation_as_member
from .delivery import RESUME_MAX_PAGES, Delivery, Unavailable
from .protocol import ProtocolError, parse_frame
from .services import MessageRejected
from .sockets import CLOSE_POLICY, CLOSE_SESSION_ENDED, SignedInSocket, db, db_send, error

logger = logging.getLogger(__name__)

__all__ = ["CLOSE_POLICY", "CLOSE_SESSION_ENDED", "UserSocketConsumer"]

CLOSE_TOO_BIG = 1009
CLOSE_TOO_BIG_APP = 4009  # daphne lets an application close only with 1000 or 3000-4999
CLOSE_TOO_MANY_SOCKETS = 4008
CLOSE_RATE_LIMIT = 4029
TYPING_INTERVAL_SECONDS = 2.0


def _page(*, user, conversation_id: int, kind: str, **kwargs) -> dict:
    conversation = access_conversation_as_member(user=user, conversation_id=conversation_id)
    if kind == "history":
        return {
            "type": "history",
            **selectors.history_page(conversation=conversation, user=user, **kwargs),
        }
    return {
        "type": "messages",
        **selectors.resume_page(conversation=conversation, user=user, **kwargs),
    }


def _utf8_len_exceeds(text: str, limit: int) -> bool:
    # A code point is 1 to 4 bytes: only encode when the character count cannot decide.
    if len(text) > limit or len(text) * 4 <= limit:
        return len(text) > limit
    return len(text.encode("utf-8", "surrogatepass")) > limit


class UserSocketConsumer(SignedInSocket):
    async def admit(self):
        self.socket_id, self._typing_sent = uuid.uuid4().hex, {}
        self.max_strikes = settings.TRELLIS_REALTIME["PROTOCOL_STRIKES"]
        self._flood = limits.FloodPolicy.from_settings()
        if not await limits.socket_register(user_id=self.user.pk, socket_id=self.socket_id):
            await self.accept()
            detail = gettext("Too many open connections for this account; close another tab.")
            await self._send_json(error("too_many_sockets", detail))
            await self._close(CLOSE_TOO_MANY_SOCKETS)
            return None
        self._registered = True
        return []

    def make_delivery(self, groups):
        async def resume(conversation, after_seq):
            return await self._db_page(
                conversation, kind="resume", after_seq=after_seq, limit=selectors.PAGE_MAX
            )

        async def conversations():
            return await db(selectors.conversations_for_user, user=self.user)

        return Delivery(
            groups=groups,
            dispatch=self.dispatch,
            send=self._send_json,
            send_text=self._send_text,
            resume_page=resume,
            conversations=conversations,
        )

    async def opened(self):
        hello = {
            "type": "hello",
            "user": self.user.pk,
            "live": self.delivery.live,
            "limits": {
                "max_frame_bytes": settings.TRELLIS_REALTIME["MAX_FRAME_BYTES"],
                "max_message_chars": settings.TRELLIS["MAX_MESSAGE_CHARS"],
            },
        }
        with contextlib.suppress(Unavailable):
            hello["conversations"] = None
            hello["conversations"] = await db(selectors.conversations_for_user, user=self.user)
            self.delivery.baseline(hello["conversations"])
        await self._send_json(hello)

    async def heartbeat(self):
        await limits.socket_register(user_id=self.user.pk, socket_id=self.socket_id)

    async def released(self):
        if getattr(self, "_registered", False):
            await limits.socket_unregister(user_id=self.user.pk, socket_id=self.socket_id)

    # -- events from services (through the channel layer) -------------------------------------

    async def trellis_event(self, message):
        event = message["event"]
        if self._closing:
            return
        if event.get("type") == "message" and isinstance(event.get("message"), dict):
            await self.delivery.message(event["message"])
        else:
            await self._send_json(event)

    async def trellis_message(self, message):
        # The layer message carries the message's conversation, seq and state beside its frame.
        if not self._closing:
            await self.delivery.message(message, frame=message["frame"])

    async def trellis_overflow(self, message):
        if not self._closing:
            await self.delivery.overflow()

    # -- frames from the client ---------------------------------------------------------------

    async def oversized(self, text_data, bytes_data) -> bool:
        limit = settings.TRELLIS_REALTIME["MAX_FRAME_BYTES"]
        data = bytes_data if bytes_data is not None else text_data or ""
        if not (len(data) > limit if bytes_data is not None else _utf8_len_exceeds(data, limit)):
            return False
        realtime.stats["frames_too_big"] += 1
        logger.warning("socket closed: frame over %s bytes from user=%s", limit, self.user.pk)
        try:
            await self._close(CLOSE_TOO_BIG)
        except Exception:
            await self.close(code=CLOSE_TOO_BIG_APP)
        return True

    async def frame(self, text_data, bytes_data):
        try:
            if bytes_data is not None:
                raise ProtocolError(
                    "invalid_frame", gettext("Binary frames are not accepted; send text.")
                )
            event = parse_frame(text_data)
        except ProtocolError as exc:
            await self.refuse(error(exc.code, exc.detail, field=exc.field, ref=exc.ref))
            return
        kind, ref = event["type"], event.get("ref")
        extra = {"for": kind}
        try:
            await getattr(self, f"on_{kind}")(event)
        except ConversationNotFound:
            with contextlib.suppress(Unavailable):
                await db(
                    services.conversation_access_denied_record,
                    user=self.user,
                    conversation_id=event.get("conversation"),
                    via=f"socket.{kind}",
                )
            extra["conversation"] = event.get("conversation")
            await self.refuse(
                error("not_found", gettext("No such conversation."), ref=ref, extra=extra)
            )
        except limits.RateLimited as exc:
            await self._rate_limited(event, exc)
        except MessageRejected as exc:
            extra["client_id"] = event.get("client_id")
            await self._send_json(
                error(exc.code or "invalid", exc.messages[0], ref=ref, extra=extra)
            )
        except Unavailable:
            extra |= {"retry": True, "client_id": event.get("client_id")}
            detail = gettext("The service is unavailable; retry shortly.")
            await self._send_json(error("unavailable", detail, ref=ref, extra=extra))
        except Exception:
            realtime.stats["socket_errors"] += 1
            logger.exception("socket event %s failed for user=%s", kind, self.user.pk)
            detail = gettext("Something went wrong; retry.")
            await self._send_json(error("internal", detail, ref=ref, extra=extra))

    async def _reply(self, event, payload: dict):
        if event.get("ref") is not None:
            payload["ref"] = event["ref"]
        await self._send_json(payload)

    async def _rate_limited(self, event, exc: limits.RateLimited):
        realtime.stats["rate_limited"] += 1
        detail = gettext("Too many messages; this one was not stored. Slow down and resend.")
        await self._reply(
            event,
            {
                "type": "rate_limited",
                "for": "send",
                "conversation": event["conversation"],
                "client_id": event["client_id"],
                "retry_after_ms": exc.retry_after_ms,
                "detail": detail,
            },
        )
        refused = self._flood.refused()
        if refused is not None:
            logger.warning("socket closed: rate limit offender user=%s", self.user.pk)
            with contextlib.suppress(Unavailable):
                await db(
                    rate_limit_offender_record,
                    user=self.user,
                    refused=refused,
                    conversation_id=event["conversation"],
                )
            await self._close(CLOSE_RATE_LIMIT)

    async def _db_page(self, conversation: int, **kwargs) -> dict:
        return await db(_page, user=self.user, conversation_id=conversation, **kwargs)

    # -- one handler per client event (fields already validated by messaging.protocol) --------

    async def on_send(self, event):
        # On the send pool; one conversation's sends one at a time, so their events leave in
        # sequence order (messaging.sockets.db_send).
        result = await db_send(
            message_send,
            serial=event["conversation"],
            sender=self.user,
            conversation_id=event["conversation"],
            client_id=event["client_id"],
            body=event["body"],
        )
        await self._reply(event, {"type": "ack", **realtime.ack_payload(result.message)})

    async def on_resume(self, event):
        after_seq, after_change = event["after_seq"], event.get("after_change")
        for _ in range(RESUME_MAX_PAGES):
            page = await self._db_page(
                event["conversation"],
                kind="resume",
                after_seq=after_seq,
                limit=event.get("limit", 100),
                after_change=after_change,
            )
            after_change = None  # state changes come with the first page
            await self._reply(event, page)
            self.delivery.page_sent(page)
            if not page["more"]:
                return
            after_seq = page["through_seq"]

    async def on_history(self, event):
        page = await self._db_page(
            event["conversation"],
            kind="history",
            before_seq=event.get("before_seq"),
            limit=event.get("limit", 50),
        )
        await self._reply(event, page)

    async def on_read(self, event):
        marker = await db(
            services.messages_mark_read,
            user=self.user,
            conversation_id=event["conversation"],
            seq=event["seq"],
        )
        reply = {"type": "read", "conversation": event["conversation"], "user": self.user.pk}
        await self._reply(event, reply | {"seq": marker})

    async def on_typing(self, event):
        # Ephemeral and frequent: at most one per conversation every TYPING_INTERVAL_SECONDS.
        now, conversation = time.monotonic(), event["conversation"]
        if (
            now - self._typing_sent.get(conversation, -TYPING_INTERVAL_SECONDS)
            < TYPING_INTERVAL_SECONDS
        ):
            return
        if len(self._typing_sent) > 256:
            self._typing_sent.clear()
        self._typing_sent[conversation] = now
        await db(services.typing_notify, user=self.user, conversation_id=conversation)

    async def on_conversations(self, event):
        rows = await db(selectors.conversations_for_user, user=self.user)
        await self._reply(event, {"type": "conversations", "conversations": rows})

    async def on_ping(self, event):
        await self._reply(event, {"type": "pong"})
