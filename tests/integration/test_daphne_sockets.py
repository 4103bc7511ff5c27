"""Socket closes and origins on a real daphne process (what autobahn lets an application do).

FAULTS 5: repeated bad frames close the socket with the documented code (daphne refuses 1008 from
an application: it used to end in 1011 and a traceback in the server's log).
FAULTS 26: an Origin with another port (or scheme) of an allowed host is refused at the handshake.
"""

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from messaging.consumers import CLOSE_POLICY
from moderation import consumers as staff_consumers
from testkit.servers import database_url, free_port, run_servers, wait_for_other_sessions_to_end
from testkit.sessions import session_cookie

from .wsclient import Client

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(transactional_db):
    env = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CHANNEL_LAYER_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRELLIS_PROTOCOL_STRIKES": "3",
    }
    with run_servers(["daphne"], env=env, lifetime=120) as (started,):
        yield started
    wait_for_other_sessions_to_end(connection)


def _no_traceback(server) -> None:
    log = server.log_text()
    assert "Traceback" not in log, log[-3000:]
    assert "1011" not in log, log[-3000:]


async def test_repeated_bad_frames_close_the_user_socket_with_the_documented_code(server, student):
    cookie = await database_sync_to_async(session_cookie)(student)
    client = await Client.open(server.ws, cookie, origin=server.http)
    for _ in range(2):
        await client.ws.send("{not json")
        assert (await client.recv())["code"] == "invalid_json"
    await client.ws.send("{not json")
    assert (await client.recv())["code"] == "invalid_json"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await client.recv()
    assert closed.value.rcvd.code == CLOSE_POLICY == 4400
    _no_traceback(server)


async def test_repeated_bad_frames_close_the_staff_socket_with_the_documented_code(
    server, moderator
):
    cookie = await database_sync_to_async(session_cookie)(moderator)
    ws = await websockets.connect(
        server.ws + "staff/",
        origin=server.http,
        additional_headers=[("Cookie", f"sessionid={cookie}")],
        open_timeout=20,
    )
    for _ in range(staff_consumers.MAX_BAD_FRAMES - 1):
        await ws.send("{not json")
        assert '"invalid"' in await ws.recv()
    await ws.send("{not json")
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd.code == staff_consumers.CLOSE_POLICY == 4400
    _no_traceback(server)


async def test_another_port_or_scheme_of_the_host_is_refused(server, student):
    cookie = await database_sync_to_async(session_cookie)(student)
    other_port = free_port()
    for origin in (
        f"http://127.0.0.1:{other_port}",
        "http://127.0.0.1",
        f"https://127.0.0.1:{server.port}",
    ):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await Client.open(server.ws, cookie, origin=origin)
        assert refused.value.response.status_code == 403, origin
    # The same scheme and port on another of the allowed hosts is still the site itself.
    for origin in (server.http, f"http://localhost:{server.port}"):
        client = await Client.open(server.ws, cookie, origin=origin)
        await client.send(type="ping")
        assert (await client.recv())["type"] == "pong"
        await client.close()
