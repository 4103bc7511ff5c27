"""Socket-level security through the real config.asgi application (origin check, session auth,
the live-session gate) and the real consumer, Redis channel layer and PostgreSQL.

FAULTS 1: no session, or an adult who has not passed the second factor: refused at the handshake.
FAULTS 2: a foreign or null Origin with a valid cookie: refused at the handshake.
FAULTS 19: a session signed out, revoked everywhere, idle past its timeout or whose account was
disabled: its open sockets close (close code 4001), and a frame on an ended session stores nothing.
"""

import datetime

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.models import User, UserSession
from messaging import sockets
from messaging.consumers import CLOSE_SESSION_ENDED
from messaging.models import Message
from testkit.sessions import login_verified
from tests.messaging.support import communicator, connect

from .conftest import password_step

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_limits")]


def _password_only(user: User) -> Client:
    client = Client()
    assert password_step(client, user.username).status_code == 302
    return client


def _verified(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    assert client.get("/").status_code == 200
    return client


def _cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _refused(comm: WebsocketCommunicator) -> None:
    connected, _ = await comm.connect(timeout=5)
    assert connected is False
    assert await comm.receive_nothing(0.2)


async def test_no_session_is_refused_at_the_handshake():
    await _refused(communicator(None))
    await _refused(communicator("not-a-session-key"))


@pytest.mark.parametrize("role", ["mentor", "moderator", "coordinator"])
async def test_adult_without_second_factor_is_refused(role, make_user, district):
    adult = await sync_to_async(make_user)(role, district)
    client = await sync_to_async(_password_only)(adult)
    await _refused(communicator(_cookie(client)))


async def test_verified_adult_and_student_are_accepted(mentor, student):
    for person in (mentor, student):
        client = await sync_to_async(_verified)(person)
        sock = await connect(_cookie(client))
        await sock.close()


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "null",
        "http://testserver.evil.example",
        "http://evil.example:80",
        None,
    ],
)
async def test_wrong_origin_with_a_valid_cookie_is_refused(origin, student):
    client = await sync_to_async(_verified)(student)
    await _refused(communicator(_cookie(client), origin=origin))


@pytest.mark.usefixtures("liveness_uncached")
async def test_idle_session_is_refused_at_the_handshake(student):
    client = await sync_to_async(_verified)(student)
    key = _cookie(client)
    await UserSession.objects.filter(session_key=key).aupdate(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    await _refused(communicator(key))


@pytest.mark.usefixtures("no_periodic_check")
async def test_sign_out_everywhere_closes_open_sockets(student):
    clients = [await sync_to_async(_verified)(student) for _ in range(2)]
    sockets = [await connect(_cookie(c)) for c in clients]
    response = await sync_to_async(clients[0].post)("/accounts/sessions/sign-out-everywhere/")
    assert response.status_code == 302
    for sock in sockets:
        code, frames = await sock.until_closed(timeout=5)
        assert code == CLOSE_SESSION_ENDED
        assert frames[-1] == {"type": "closing", "reason": "signed_out_everywhere"}
    # And the cookie cannot open a new one.
    await _refused(communicator(_cookie(clients[1])))


@pytest.mark.usefixtures("no_periodic_check")
async def test_sign_out_closes_only_that_sessions_socket(student):
    chromebook = await sync_to_async(_verified)(student)
    laptop = await sync_to_async(_verified)(student)
    on_chromebook, on_laptop = await connect(_cookie(chromebook)), await connect(_cookie(laptop))
    assert (await sync_to_async(chromebook.post)("/accounts/logout/")).status_code == 302
    code, frames = await on_chromebook.until_closed(timeout=5)
    assert code == CLOSE_SESSION_ENDED
    assert frames[-1] == {"type": "closing", "reason": "signed_out"}
    assert await on_laptop.nothing(0.5)
    await on_laptop.close()


@pytest.mark.usefixtures("liveness_uncached")
async def test_disabled_account_socket_closes_by_the_periodic_check(student, monkeypatch):
    monkeypatch.setattr(sockets, "SESSION_CHECK_SECONDS", 0.2)  # the base of both sockets
    client = await sync_to_async(_verified)(student)
    sock = await connect(_cookie(client))
    # Disabled behind the application's back (no close event): the socket's own check notices.
    await User.objects.filter(pk=student.pk).aupdate(is_active=False)
    code, frames = await sock.until_closed(timeout=5)
    assert code == CLOSE_SESSION_ENDED
    assert frames[-1]["reason"] == "session_ended"


@pytest.mark.usefixtures("no_periodic_check")
async def test_idle_sweep_closes_the_socket(student):
    client = await sync_to_async(_verified)(student)
    key = _cookie(client)
    sock = await connect(key)
    await UserSession.objects.filter(session_key=key).aupdate(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    from accounts.sessions import sessions_end_idle

    assert await sync_to_async(sessions_end_idle)() == 1
    code, frames = await sock.until_closed(timeout=5)
    assert code == CLOSE_SESSION_ENDED
    assert frames[-1] == {"type": "closing", "reason": "idle_timeout"}


@pytest.mark.usefixtures("liveness_uncached")
async def test_frame_on_an_ended_session_is_not_stored(conversation, student):
    client = await sync_to_async(_verified)(student)
    key = _cookie(client)
    sock = await connect(key)
    # The session disappears without any event (expired in the store).
    await Session.objects.filter(session_key=key).adelete()
    frame = {
        "type": "send",
        "conversation": conversation.pk,
        "client_id": "after-end",
        "body": "hello",
        "ref": "r1",
    }
    await sock.send(**frame)
    code, frames = await sock.until_closed(timeout=5)
    assert code == CLOSE_SESSION_ENDED
    assert not [f for f in frames if f.get("type") == "ack"]
    assert not await Message.objects.filter(client_id="after-end").aexists()


@pytest.mark.usefixtures("liveness_uncached")
async def test_socket_frames_keep_a_session_from_idling_out(conversation, student):
    client = await sync_to_async(_verified)(student)
    key = _cookie(client)
    stale = timezone.now() - datetime.timedelta(minutes=10)
    await UserSession.objects.filter(session_key=key).aupdate(last_seen_at=stale)
    sock = await connect(key)
    await sock.send(type="send", conversation=conversation.pk, client_id="k1", body="hi")
    await sock.recv(5)
    row = await UserSession.objects.aget(session_key=key)
    assert row.last_seen_at > stale + datetime.timedelta(minutes=9)
    await sock.close()
