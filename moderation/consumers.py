"""The staff socket at /ws/staff/: live review-queue events for one district's moderators.

Protocol glue only. The district is the signed-in staff member's own, chosen here and never by the
client; every frame re-checks the account (a suspended or demoted user is closed) and goes through
the same `access_*` gates as the HTTP console, so a refusal is audited the same way.

The socket follows its session as the user socket does (messaging.consumers, docs/protocol.md):
signing out that session, the idle sweep, "sign out all devices" or a suspension close it
(`closing`, then 4001); it re-checks the session every SESSION_CHECK_SECONDS and on client frames,
which also count as activity.

Server to client: `review.item`, `review.urgent`, `review.updated`, `review.escalated`,
`safeguarding.alert`, `item`, `queue` (the items, and the time-to-first-action table rendered
from the queue page's own template), `error`. Client to server: `{"type": "queue"}`,
`{"type": "item.get", "item": <id>}`.

Live events ride on Redis pub/sub, which forgets what it could not hand over (a socket between
reconnects, a layer that restarted). The console therefore asks for the whole queue each time its
socket opens and again every few seconds, and redraws it from the answer: an item is never
missing from an open console for longer than that. The timed request says `"auto": true` and is
not the moderator's activity, so an unattended console still idles out.
"""

import json

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from accounts.languages import language_for_person
from accounts.models import User
from messaging.realtime import staff_group
from messaging.sockets import (
    CLOSE_POLICY,
    CLOSE_SESSION_ENDED,
    SESSION_CHECK_SECONDS,
    TOUCH_SECONDS,
    SignedInSocket,
    db,
    error,
)

from .access import NotStaff, ReviewItemNotFound, access_review_item, access_staff
from .review.payloads import item_summary
from .review_selectors import review_queue, service_levels

__all__ = [
    "CLOSE_POLICY",
    "CLOSE_SESSION_ENDED",
    "SESSION_CHECK_SECONDS",
    "TOUCH_SECONDS",
    "StaffConsumer",
]

MAX_FRAME = 4096
CLOSE_FORBIDDEN = 4403
MAX_BAD_FRAMES = 5


def _fresh_staff(user_id: int) -> User:
    """The staff member as stored now (the session's copy may predate a suspension)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotStaff
    return access_staff(user=user, what="staff_socket")


def _levels_html(user: User) -> str:
    """The time-to-first-action table as the queue page renders it (one template), in the
    staff member's language, so the console redraws it live from the same markup."""
    levels = service_levels(
        district_id=user.district_id, urgent_sla_minutes=user.district.urgent_sla_minutes
    )
    with translation.override(language_for_person(user=user)):
        return render_to_string("moderation/_levels.html", {"levels": levels})


def _handle(user_id: int, frame: dict) -> dict:
    user = _fresh_staff(user_id)
    kind = frame.get("type")
    if kind == "queue":
        items = review_queue(district_id=user.district_id)
        return {
            "type": "queue",
            "items": [item_summary(i) for i in items],
            "levels_html": _levels_html(user),
        }
    if kind == "item.get":
        try:
            item = access_review_item(user=user, item_id=frame.get("item"))
        except ReviewItemNotFound:
            return error("not_found", gettext("No such review item."))
        return {"type": "item", "item": item_summary(item)}
    return error("unknown_type", gettext("Unknown event type."))


class StaffConsumer(SignedInSocket):
    """The base (messaging.sockets) gives the session checks, close codes and live delivery."""

    refuse_code = CLOSE_FORBIDDEN
    max_strikes = MAX_BAD_FRAMES
    error_before_close = False
    _last_decoded: tuple[str | None, tuple[dict | None, str | None]] | None = None

    async def admit(self):
        try:
            user = await db(_fresh_staff, user_id=self.user.pk)
        except NotStaff:
            await self.close(code=CLOSE_FORBIDDEN)
            return None
        return [staff_group(user.district_id)]

    async def frame(self, text_data, bytes_data):
        frame, problem = self._decoded(text_data)
        if problem is not None:
            await self._bad(problem)
            return
        try:
            reply = await db(_handle, user_id=self.user.pk, frame=frame)
        except NotStaff:
            await self._close(CLOSE_FORBIDDEN)
            return
        await self._send_json(reply)

    def counts_as_activity(self, text_data, bytes_data) -> bool:
        frame, problem = self._decoded(text_data)
        return problem is not None or frame.get("auto") is not True

    def _decoded(self, text_data) -> tuple[dict | None, str | None]:
        """The frame as a JSON object, or why it is not one. Both the activity check and the
        handler ask, once per frame: the last answer is kept for the same text."""
        if self._last_decoded is not None and self._last_decoded[0] is text_data:
            return self._last_decoded[1]
        if text_data is None or len(text_data) > MAX_FRAME:
            answer = (None, gettext("Frames are JSON text of at most 4 KiB."))
        else:
            try:
                frame = json.loads(text_data)
            except ValueError:
                answer = (None, gettext("Invalid JSON."))
            else:
                if isinstance(frame, dict):
                    answer = (frame, None)
                else:
                    answer = (None, gettext("A frame is a JSON object."))
        self._last_decoded = (text_data, answer)
        return answer

    async def _bad(self, detail: str) -> None:
        await self.refuse(error("invalid", detail))

    async def trellis_event(self, message):
        if not self._closing:
            await self._send_json(message["event"])
