"""What a socket handshake costs the database, through the real config.asgi application: one trip
to the database thread (session, user, liveness and language together, accounts.ws), one query
for a session already answered live from the cache, and the hello's read; and that the cache
never admits a session that has ended or a user who is no longer active."""

import json

import pytest
from channels.db import DatabaseSyncToAsync
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts import sessions
from accounts.models import User
from testkit.sessions import session_cookie

from .support import communicator, connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_limits")]


@pytest.fixture
def trips(monkeypatch):
    """Every trip to a database thread (database_sync_to_async) while the fixture is active: the
    function's name and the queries it made there."""
    made: list[tuple[str, int]] = []
    original = DatabaseSyncToAsync.thread_handler

    def counted(self, loop, *args, **kwargs):
        with CaptureQueriesContext(connection) as captured:
            result = original(self, loop, *args, **kwargs)
        made.append((getattr(self.func, "__name__", repr(self.func)), len(captured)))
        return result

    monkeypatch.setattr(DatabaseSyncToAsync, "thread_handler", counted)
    return made


async def _open(cookie: str):
    comm = communicator(cookie)
    connected, code = await comm.connect(timeout=5)
    assert connected, f"refused with {code}"
    hello = json.loads(await comm.receive_from(5))
    assert hello["type"] == "hello", hello
    return comm


@pytest.fixture
def cookie(student):
    """A signed-in student's session, registered as their first page does."""
    key = session_cookie(student)
    sessions.session_register(session_key=key, user=student)
    return key


async def test_a_handshake_makes_one_database_trip_before_the_hello(cookie, trips):
    comm = await _open(cookie)
    names = [name for name, _ in trips]
    assert names == ["socket_handshake", "conversations_for_user"]
    # The session's row with its user and district, and the Django session's data.
    assert trips[0][1] <= 2
    await comm.disconnect()


async def test_a_second_socket_of_a_live_session_costs_one_query_at_the_handshake(cookie, trips):
    first = await _open(cookie)
    trips.clear()
    second = await _open(cookie)
    assert trips[0] == ("socket_handshake", 1)
    assert [name for name, _ in trips] == ["socket_handshake", "conversations_for_user"]
    await first.disconnect()
    await second.disconnect()


BINARY = "Binary frames are not accepted; send text."


@pytest.mark.parametrize("language", ["es", "en"])
async def test_the_socket_speaks_the_language_found_at_the_handshake(cookie, student, language):
    await User.objects.filter(pk=student.pk).aupdate(preferred_language=language)
    with translation.override(language):
        expected = translation.gettext(BINARY)
    with translation.override("es"):
        assert translation.gettext(BINARY) != BINARY  # the Spanish text exists
    comm = await _open(cookie)
    await comm.send_to(bytes_data=b"x")
    error = json.loads(await comm.receive_from(5))
    assert (error["code"], error["detail"]) == ("invalid_frame", expected)
    await comm.disconnect()


async def _refused(cookie: str) -> bool:
    comm = communicator(cookie)
    connected, _ = await comm.connect(timeout=5)
    if connected:
        await comm.disconnect()
    return not connected


async def test_a_suspended_users_live_cached_session_is_refused_at_once(cookie, student):
    open_socket = await connect(cookie)  # the session's live answer is in the cache now
    assert sessions._live_cached(cookie) is not None

    def suspend():
        # What review_suspend_user does to the account and its sessions.
        User.objects.filter(pk=student.pk).update(is_active=False)
        sessions.sessions_revoke_all(user=student, actor=None, reason="suspended")

    await DatabaseSyncToAsync(suspend)()
    assert await _refused(cookie)
    assert await open_socket.closed_with() == 4001


async def test_a_user_disabled_behind_the_cache_is_refused_at_once(cookie, student):
    """Even when nothing cleared the cached live answer (the row edited in the database), the
    handshake reads the user and refuses an inactive one."""
    open_socket = await connect(cookie)
    await User.objects.filter(pk=student.pk).aupdate(is_active=False)
    assert sessions._live_cached(cookie) is not None
    assert await _refused(cookie)
    await open_socket.close()
