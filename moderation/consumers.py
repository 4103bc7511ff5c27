"""The staff socket at /ws/staff/: live review-queue events for one district's moderators.

Protocol glue only. The district is the signed-in staff member's own, chosen here and never by the
client; every frame re-checks the account (a suspended or demoted user is closed) and goes through
the same `access_*` gates as the HTTP console, so a refusal is audited the same way.

The socket follows its session as the user socket does (messaging.consumers, docs/protocol.md):
signing out that session, the idle sweep, "sign out all devices" or a suspension close it
(`closing`, then 4001); it re-checks the session every SESSION_CHECK_SECONDS and on client frames,
which also count as activity.

Server to client: `review.item`, `review.urgent`, `review.updated`, `review.escalated`,
`safeguarding.alert`, `item`, `queue`, `error`. Client to server: `{"type": "queue"}`,
`{"type": "item.get", "item": <id>}`.
"""

import asyncio
import contextlib
import json
import random
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from accounts.models import User
from accounts.sessions import session_group
from accounts.ws import session_still_live
from messaging.realtime import staff_group, user_group

from .access import NotStaff, ReviewItemNotFound, access_review_item, access_staff
from .review.payloads import item_summary
from .review_selectors import review_queue

MAX_FRAME = 4096
CLOSE_FORBIDDEN = 4403
# The same code as the user socket's for an ended session (messaging.consumers).
CLOSE_SESSION_ENDED = 4001
# Repeated bad frames, as on the user socket (messaging.consumers: daphne refuses 1008).
CLOSE_POLICY = 4400
MAX_BAD_FRAMES = 5
# How often an open staff socket re-checks its session (accounts.sessions.session_is_live).
SESSION_CHECK_SECONDS = 15
# A frame touches the session at most this often (a burst costs one query).
TOUCH_EVERY_SECONDS = 5


def _fresh_staff(user_id: int) -> User:
    """The staff member as stored now (the session's copy may predate a suspension)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotStaff
    return access_staff(user=user, what="staff_socket")


def _handle(user_id: int, frame: dict) -> dict:
    user = _fresh_staff(user_id)
    kind = frame.get("type")
    if kind == "queue":
        items = review_queue(district_id=user.district_id)
        return {"type": "queue", "items": [item_summary(i) for i in items]}
    if kind == "item.get":
        try:
            item = access_review_item(user=user, item_id=frame.get("item"))
        except ReviewItemNotFound:
            return {"type": "error", "code": "not_found", "detail": "No such review item."}
        return {"type": "item", "item": item_summary(item)}
    return {"type": "error", "code": "unknown_type", "detail": "Unknown event type."}


class StaffConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self._closing = False
        self._session_watcher: asyncio.Task | None = None
        scope_user = self.scope.get("user")
        if scope_user is None or not scope_user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        try:
            user = await database_sync_to_async(_fresh_staff)(scope_user.pk)
        except NotStaff:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        self.bad_frames = 0
        # Set by accounts.ws at the handshake, which refused sessions that were not live.
        self.session_key = self.scope.get("session_key")
        self._session_touched = 0.0
        self.groups_joined = [staff_group(user.district_id), user_group(user.pk)]
        if self.session_key:
            # Signing out one session closes that session's sockets (accounts.sessions).
            self.groups_joined.append(session_group(self.session_key))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        self._session_watcher = asyncio.create_task(self._session_watch())

    async def disconnect(self, code):
        self._closing = True
        watcher, self._session_watcher = getattr(self, "_session_watcher", None), None
        if watcher is not None and watcher is not asyncio.current_task():
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watcher
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _session_watch(self):
        # A random phase first: consoles opened together must not all check at the same instant.
        await asyncio.sleep(random.uniform(0, SESSION_CHECK_SECONDS))  # noqa: S311 (not a secret)
        while not self._closing:
            if not await session_still_live(self.session_key, touch=False):
                await self._session_ended("session_ended")
                return
            await asyncio.sleep(SESSION_CHECK_SECONDS)

    async def _session_ended(self, reason: str) -> None:
        if self._closing:
            return
        self._closing = True
        await self.send(text_data=json.dumps({"type": "closing", "reason": reason[:64]}))
        await self.close(code=CLOSE_SESSION_ENDED)

    async def receive(self, text_data=None, bytes_data=None):
        if self._closing:
            return
        # A frame is activity: it keeps the session from idling out, and an ended session stops
        # here before anything is answered.
        now = time.monotonic()
        if now - self._session_touched >= TOUCH_EVERY_SECONDS:
            self._session_touched = now
            if not await session_still_live(self.session_key, touch=True):
                await self._session_ended("session_ended")
                return
        if text_data is None or len(text_data) > MAX_FRAME:
            await self._bad("Frames are JSON text of at most 4 KiB.")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self._bad("Invalid JSON.")
            return
        if not isinstance(frame, dict):
            await self._bad("A frame is a JSON object.")
            return
        try:
            reply = await database_sync_to_async(_handle)(self.user_id, frame)
        except NotStaff:
            self._closing = True
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send(text_data=json.dumps(reply))

    async def _bad(self, detail: str) -> None:
        self.bad_frames += 1
        if self.bad_frames >= MAX_BAD_FRAMES:
            self._closing = True
            await self.close(code=CLOSE_POLICY)
            return
        await self.send(
            text_data=json.dumps({"type": "error", "code": "invalid", "detail": detail})
        )

    async def trellis_event(self, message):
        if self._closing:
            return
        await self.send(text_data=json.dumps(message["event"]))

    async def trellis_close(self, message):
        """A service ended the user's sessions or this one (sign-out, idle, suspension)."""
        await self._session_ended(str(message.get("reason", "")))
