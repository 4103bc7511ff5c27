"""The staff socket follows its session as the user socket does (FAULTS 19): signing out that
session, the idle sweep, an idle or deleted session noticed by the periodic check, or a frame on an
ended session close it with `closing` and 4001; another session's staff socket stays open."""

import datetime
import json

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.models import UserSession
from messaging import sockets
from moderation import consumers
from testkit.sessions import login_verified
from tests.messaging import support

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_limits")]


def _verified(user) -> Client:
    client = Client()
    login_verified(client, user)
    assert client.get("/staff/").status_code == 200
    return client


def _cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _open(cookie: str):
    communicator = support.communicator(cookie, path="/ws/staff/")
    ok, code = await communicator.connect(timeout=5)
    assert ok, code
    return communicator


async def _until_closed(communicator, timeout: float = 5) -> tuple[int, list[dict]]:
    frames = []
    while True:
        out = await communicator.receive_output(timeout)
        if out["type"] == "websocket.close":
            return out.get("code", 1000), frames
        frames.append(json.loads(out["text"]))


@pytest.mark.usefixtures("no_periodic_check")
async def test_signing_out_closes_that_sessions_staff_socket_only(moderator):
    desk = await sync_to_async(_verified)(moderator)
    laptop = await sync_to_async(_verified)(moderator)
    on_desk, on_laptop = await _open(_cookie(desk)), await _open(_cookie(laptop))
    assert (await sync_to_async(desk.post)("/accounts/logout/")).status_code == 302
    code, frames = await _until_closed(on_desk)
    assert code == consumers.CLOSE_SESSION_ENDED
    assert frames == [{"type": "closing", "reason": "signed_out"}]
    assert await on_laptop.receive_nothing(0.5)
    await on_laptop.send_json_to({"type": "queue"})
    assert (await on_laptop.receive_json_from(timeout=5))["type"] == "queue"
    await on_laptop.disconnect()


@pytest.mark.usefixtures("no_periodic_check")
async def test_the_idle_sweep_closes_the_staff_socket(moderator):
    client = await sync_to_async(_verified)(moderator)
    key = _cookie(client)
    communicator = await _open(key)
    await UserSession.objects.filter(session_key=key).aupdate(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    from accounts.sessions import sessions_end_idle

    assert await sync_to_async(sessions_end_idle)() == 1
    code, frames = await _until_closed(communicator)
    assert code == consumers.CLOSE_SESSION_ENDED
    assert frames == [{"type": "closing", "reason": "idle_timeout"}]


@pytest.mark.usefixtures("liveness_uncached")
async def test_an_idle_session_is_noticed_by_the_periodic_check(moderator, monkeypatch):
    monkeypatch.setattr(sockets, "SESSION_CHECK_SECONDS", 0.2)  # the base of both sockets
    client = await sync_to_async(_verified)(moderator)
    key = _cookie(client)
    communicator = await _open(key)
    # Idle past its timeout behind the application's back (no sweep, no close event).
    await UserSession.objects.filter(session_key=key).aupdate(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    code, frames = await _until_closed(communicator)
    assert code == consumers.CLOSE_SESSION_ENDED
    assert frames == [{"type": "closing", "reason": "session_ended"}]


@pytest.mark.usefixtures("liveness_uncached")
async def test_a_frame_on_an_ended_session_gets_no_answer(moderator, make_item):
    await sync_to_async(make_item)()
    client = await sync_to_async(_verified)(moderator)
    key = _cookie(client)
    communicator = await _open(key)
    await Session.objects.filter(session_key=key).adelete()
    await communicator.send_json_to({"type": "queue"})
    code, frames = await _until_closed(communicator)
    assert code == consumers.CLOSE_SESSION_ENDED
    assert frames == [{"type": "closing", "reason": "session_ended"}]


@pytest.mark.usefixtures("liveness_uncached")
async def test_frames_keep_the_staff_session_from_idling_out(moderator):
    client = await sync_to_async(_verified)(moderator)
    key = _cookie(client)
    stale = timezone.now() - datetime.timedelta(minutes=10)
    await UserSession.objects.filter(session_key=key).aupdate(last_seen_at=stale)
    communicator = await _open(key)
    await communicator.send_json_to({"type": "queue"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "queue"
    row = await UserSession.objects.aget(session_key=key)
    assert row.last_seen_at > stale + datetime.timedelta(minutes=9)
    await communicator.disconnect()


@pytest.mark.usefixtures("liveness_uncached")
async def test_the_consoles_timed_refresh_is_answered_but_is_not_activity(moderator, make_item):
    """The queue page asks for the whole queue on a timer (`"auto": true`): it gets the queue, and
    an unattended console still idles out (the session's last activity does not move)."""
    item = await sync_to_async(make_item)()
    client = await sync_to_async(_verified)(moderator)
    key = _cookie(client)
    stale = timezone.now() - datetime.timedelta(minutes=10)
    await UserSession.objects.filter(session_key=key).aupdate(last_seen_at=stale)
    communicator = await _open(key)
    await communicator.send_json_to({"type": "queue", "auto": True})
    reply = await communicator.receive_json_from(timeout=5)
    assert reply["type"] == "queue"
    assert [i["id"] for i in reply["items"]] == [item.pk]
    row = await UserSession.objects.aget(session_key=key)
    assert row.last_seen_at == stale
    await communicator.disconnect()


@pytest.mark.usefixtures("liveness_uncached")
async def test_the_timed_refresh_on_an_ended_session_gets_no_answer(moderator, make_item):
    await sync_to_async(make_item)()
    client = await sync_to_async(_verified)(moderator)
    key = _cookie(client)
    communicator = await _open(key)
    await Session.objects.filter(session_key=key).adelete()
    await communicator.send_json_to({"type": "queue", "auto": True})
    code, frames = await _until_closed(communicator)
    assert code == consumers.CLOSE_SESSION_ENDED
    assert frames == [{"type": "closing", "reason": "session_ended"}]


@pytest.mark.usefixtures("liveness_uncached")
async def test_a_staff_frame_is_decoded_once(moderator, make_item, monkeypatch):
    """The activity check and the handler both need the frame as JSON: it is parsed once."""
    await sync_to_async(make_item)()
    client = await sync_to_async(_verified)(moderator)
    communicator = await _open(_cookie(client))
    parsed = []
    real_loads = consumers.json.loads

    def counting_loads(text, *args, **kwargs):
        if isinstance(text, str) and '"auto"' in text:
            parsed.append(text)
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr(consumers.json, "loads", counting_loads)
    await communicator.send_json_to({"type": "queue", "auto": True})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "queue"
    assert len(parsed) == 1
    await communicator.disconnect()
