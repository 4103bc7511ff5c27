"""The staff socket at /ws/staff/: live review-queue events for one district's moderators.

Protocol glue only. The district is the signed-in staff member's own, chosen here and never by the
client; every frame re-checks the account (a suspended or demoted user is closed) and goes through
the same `access_*` gates as the HTTP console, so a refusal is audited the same way.

Server to client: `review.item`, `review.urgent`, `review.updated`, `review.escalated`,
`safeguarding.alert`, `item`, `queue`, `error`. Client to server: `{"type": "queue"}`,
`{"type": "item.get", "item": <id>}`.
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from accounts.models import User
from messaging.realtime import staff_group, user_group

from .access import NotStaff, ReviewItemNotFound, access_review_item, access_staff
from .review import item_summary
from .review_selectors import review_queue

MAX_FRAME = 4096
CLOSE_FORBIDDEN = 4403
CLOSE_POLICY = 1008
MAX_BAD_FRAMES = 5


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
        self.groups_joined = [staff_group(user.district_id), user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
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
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send(text_data=json.dumps(reply))

    async def _bad(self, detail: str) -> None:
        self.bad_frames += 1
        if self.bad_frames >= MAX_BAD_FRAMES:
            await self.close(code=CLOSE_POLICY)
            return
        await self.send(
            text_data=json.dumps({"type": "error", "code": "invalid", "detail": detail})
        )

    async def trellis_event(self, message):
        await self.send(text_data=json.dumps(message["event"]))

    async def trellis_close(self, message):
        await self.close(code=CLOSE_FORBIDDEN)
