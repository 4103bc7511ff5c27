"""One socket's live delivery: its link to the channel layer and the order of its messages.

Redis is the doorbell, the database the mailbox (docs/adr/0004-realtime-delivery.md). A `Delivery`
owns the socket's channel and group memberships, takes events off the layer and hands them to the
consumer, and delivers each conversation's messages in sequence order, filling from the database
what the layer skipped (a gap) or dropped (an overflow of the socket's bounded queue,
messaging.layers). It never ends the connection: a layer that fails (Redis down) costs live
delivery until `rejoin` succeeds again, and the client recovers the rest by resuming.

The database is reached only through the two coroutines the consumer passes in, `resume_page` and
`conversations`, which raise `Unavailable` when the database cannot answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable

from channels.layers import get_channel_layer

from . import realtime
from .access import ConversationNotFound
from .ordering import Arrival, DeliveryOrder

logger = logging.getLogger(__name__)

# Pages of catch-up after an overflow, per conversation (a resume request has the same bound).
RESUME_MAX_PAGES = 50

Send = Callable[[dict], Awaitable[None]]
SendText = Callable[[str], Awaitable[None]]
ResumePage = Callable[[int, int], Awaitable[dict]]  # (conversation, after_seq) -> page
Conversations = Callable[[], Awaitable[list[dict]]]


class Unavailable(Exception):
    """The database could not be reached; the client should retry the same frame later."""


class Delivery:
    """The channel layer side of one socket. `dispatch` receives every layer message (the
    consumer's own dispatch); `send` writes one event to the client."""

    def __init__(
        self,
        *,
        groups: Iterable[str],
        dispatch: Callable[[dict], Awaitable[None]],
        send: Send,
        send_text: SendText | None = None,
        resume_page: ResumePage | None = None,
        conversations: Conversations | None = None,
        layer=None,
    ):
        self.layer = get_channel_layer() if layer is None else layer
        self.groups = list(groups)
        self.channel_name: str | None = None
        self.live = False
        self.order = DeliveryOrder()
        self._dispatch = dispatch
        self._send = send
        self._send_text = send_text
        self._resume_page = resume_page
        self._conversations = conversations
        self._has_channel = asyncio.Event()
        self._receiver: asyncio.Task | None = None

    # -- the layer lifecycle --------------------------------------------------------------------

    async def open(self) -> bool:
        """Create the socket's channel, join its groups and start taking events. True when live;
        False when the layer failed (`rejoin` tries again)."""
        if self.layer is not None and self._receiver is None:
            self._receiver = asyncio.create_task(self._receive_loop())
        return await self.rejoin()

    async def rejoin(self) -> bool:
        """(Re)join every group: safe to repeat, and what restores live delivery after Redis
        restarted and forgot the memberships. True when live."""
        if self.layer is None:
            self.live = True
            return True
        try:
            if self.channel_name is None:
                self.channel_name = await self.layer.new_channel()
                self._has_channel.set()
            for group in self.groups:
                await self.layer.group_add(group, self.channel_name)
        except Exception as exc:
            if self.live or not realtime.stats["layer_join_failed"]:
                logger.warning("socket could not join its groups: %s", type(exc).__name__)
            realtime.stats["layer_join_failed"] += 1
            self.live = False
            return False
        self.live = True
        return True

    async def close(self) -> None:
        """Stop taking events and leave the groups. Idempotent."""
        receiver, self._receiver = self._receiver, None
        if receiver is not None and receiver is not asyncio.current_task():
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await receiver
        if self.live and self.channel_name is not None:
            self.live = False
            with contextlib.suppress(Exception):
                for group in self.groups:
                    await self.layer.group_discard(group, self.channel_name)

    async def _receive_loop(self) -> None:
        delay = 0.5
        while True:
            await self._has_channel.wait()
            try:
                message = await self.layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                realtime.stats["layer_receive_failed"] += 1
                logger.warning("channel layer receive failed: %s", type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            delay = 0.5
            try:
                await self._dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                realtime.stats["socket_errors"] += 1
                logger.exception("socket failed to handle a layer event")

    # -- messages in order ----------------------------------------------------------------------

    def baseline(self, conversations: Iterable[dict]) -> None:
        """The socket starts at each conversation's last_seq (the hello's rows)."""
        for row in conversations:
            self.order.baseline(row["id"], row["last_seq"])

    def page_sent(self, page: dict) -> None:
        """The client got a resume page: what it carried need not come again live."""
        for message in page["messages"]:
            self.order.delivered(message)
        if not page["more"]:
            self.order.cover(page["conversation"], page["through_seq"])

    async def message(self, payload: dict, *, frame: str | None = None) -> None:
        """Deliver a message event in sequence order per conversation (messaging.ordering):
        drop a duplicate, fill a gap from the database first. `frame`: the event already
        encoded (messaging.realtime.layer_message), sent as it is; `payload` then needs only
        the message's conversation, seq and state."""
        arrival = self.order.check(payload)
        if arrival is Arrival.DUPLICATE:
            realtime.stats["duplicates_dropped"] += 1
            return
        if arrival is Arrival.GAP:
            conversation = payload["conversation"]
            try:
                await self.catch_up(conversation, pages=1)
            except (Unavailable, ConversationNotFound):
                # Pass it on as it is; the client sees the gap and resumes later.
                await self._deliver(payload, frame)
                self.order.cover(conversation, payload["seq"])
                return
            realtime.stats["gaps_filled"] += 1
            if self.order.check(payload) is Arrival.DUPLICATE:
                return
        await self._deliver(payload, frame)

    async def catch_up(self, conversation: int, *, pages: int) -> None:
        """Deliver, from the database, the conversation's messages after the last one this socket
        delivered (at most `pages` pages). Raises Unavailable or ConversationNotFound."""
        for _ in range(pages):
            page = await self._resume_page(conversation, self.order.through(conversation))
            for earlier in page["messages"]:
                if self.order.check(earlier) is not Arrival.DUPLICATE:
                    await self._deliver(earlier)
            if not page["more"]:
                self.order.cover(conversation, page["through_seq"])
                return

    async def overflow(self) -> None:
        """The layer dropped events for this socket (FAULTS 12): deliver the messages it missed
        from the database, then fresh unread counts (`conversations`). A conversation the socket
        has no position in (joined after the hello) is left to the client, which learns its
        last_seq from that event."""
        realtime.stats["overflow_resyncs"] += 1
        try:
            rows = await self._conversations()
            for row in rows:
                through = self.order.through(row["id"])
                if through is not None and row["last_seq"] > through:
                    with contextlib.suppress(ConversationNotFound):
                        await self.catch_up(row["id"], pages=RESUME_MAX_PAGES)
        except Unavailable:
            return
        await self._send({"type": "conversations", "conversations": rows})

    async def _deliver(self, payload: dict, frame: str | None = None) -> None:
        if frame is None:
            await self._send({"type": "message", "message": payload})
        elif self._send_text is not None:
            await self._send_text(frame)
        else:
            await self._send(json.loads(frame))
        self.order.delivered(payload)
