"""Two real daphne processes sharing PostgreSQL and the Redis channel layer.

Clients on different processes must each receive every message exactly once, in sequence order;
the same client id sent to both processes at once must store one message and get one answer.
"""

import asyncio
import contextlib
import json

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from messaging.consumers import CLOSE_TOO_BIG_APP
from messaging.models import Message
from testkit.servers import (
    DAPHNE_FRAME_LIMIT,
    database_url,
    run_servers,
    wait_for_other_sessions_to_end,
)
from testkit.sessions import session_cookie

from .wsclient import Client

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def servers(transactional_db):
    env = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CHANNEL_LAYER_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The test sends in bursts; the limit itself is tested elsewhere.
        "TRELLIS_SEND_BURST": "1000",
    }
    with run_servers(["daphne", "daphne"], env=env, lifetime=240) as started:
        yield started
    wait_for_other_sessions_to_end(connection)


def origin(server) -> str:
    return server.http


class Collector:
    """Reads every event of one client in the background, sorted into acks and messages."""

    def __init__(self, client: Client):
        self.client = client
        self.acks: list[dict] = []
        self.messages: list[dict] = []
        self.task = asyncio.create_task(self._run())

    async def _run(self):
        with contextlib.suppress(websockets.ConnectionClosed):
            async for frame in self.client.ws:
                event = json.loads(frame)
                if event["type"] == "ack":
                    self.acks.append(event)
                elif event["type"] == "message":
                    self.messages.append(event["message"])

    async def wait_for(self, *, messages: int, acks: int = 0, timeout: float = 60):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.messages) < messages or len(self.acks) < acks:
            assert loop.time() < deadline, (len(self.messages), len(self.acks))
            await asyncio.sleep(0.05)

    async def close(self):
        await self.client.close()
        await self.task


async def test_every_message_arrives_once_in_order_across_processes(
    servers, conversation, mentor, student
):
    a, b = servers
    mentor_cookie = await database_sync_to_async(session_cookie)(mentor)
    student_cookie = await database_sync_to_async(session_cookie)(student)
    mentor_on_a = await Client.open(a.ws, mentor_cookie, origin=origin(a))
    mentor_on_b = await Client.open(b.ws, mentor_cookie, origin=origin(b))
    student_on_b = await Client.open(b.ws, student_cookie, origin=origin(b))
    assert (mentor_on_a.hello["live"], student_on_b.hello["live"]) == (True, True)
    collectors = [Collector(c) for c in (mentor_on_a, mentor_on_b, student_on_b)]

    per_sender = 25
    total = 2 * per_sender

    async def burst(client: Client, prefix: str):
        for i in range(per_sender):
            await client.send(
                type="send", conversation=conversation.pk, client_id=f"{prefix}{i}", body=f"{i}"
            )

    await asyncio.gather(burst(mentor_on_a, "m"), burst(student_on_b, "s"))
    await collectors[0].wait_for(messages=total, acks=per_sender)
    await collectors[1].wait_for(messages=total)
    await collectors[2].wait_for(messages=total, acks=per_sender)
    await asyncio.sleep(1.0)  # time for any duplicate to show up

    stored = await database_sync_to_async(
        lambda: list(
            Message.objects.filter(conversation=conversation)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
    )()
    assert stored == list(range(1, total + 1))
    acks = collectors[0].acks + collectors[2].acks
    assert sorted(ack["seq"] for ack in acks) == stored
    for collector in collectors:
        assert [m["seq"] for m in collector.messages] == stored  # each once, in order
    # The mentor's messages keep the order in which the mentor sent them.
    assert [m["client_id"] for m in collectors[1].messages if m["sender"] == mentor.pk] == [
        f"m{i}" for i in range(per_sender)
    ]
    for collector in collectors:
        await collector.close()


async def test_same_client_id_on_two_processes_stores_one_message(servers, conversation, mentor):
    a, b = servers
    cookie = await database_sync_to_async(session_cookie)(mentor)
    on_a = await Client.open(a.ws, cookie, origin=origin(a))
    on_b = await Client.open(b.ws, cookie, origin=origin(b))
    frame = {"type": "send", "conversation": conversation.pk, "client_id": "race", "body": "hi"}

    async def ack(client):
        await client.send(**frame)
        while True:
            event = await client.recv()
            if event["type"] == "ack":
                return event

    first, second = await asyncio.gather(ack(on_a), ack(on_b))
    assert first == second
    count = await database_sync_to_async(lambda: Message.objects.filter(client_id="race").count())()
    assert count == 1
    await on_a.close()
    await on_b.close()


async def test_real_server_refuses_foreign_origin_and_no_session(servers, mentor):
    a, _ = servers
    cookie = await database_sync_to_async(session_cookie)(mentor)
    with pytest.raises(websockets.InvalidStatus) as refused:
        await Client.open(a.ws, cookie, origin="http://evil.example")
    assert refused.value.response.status_code == 403
    with pytest.raises(websockets.InvalidStatus) as anonymous:
        await Client.open(a.ws, "no-such-session", origin=origin(a))
    assert anonymous.value.response.status_code == 403


@pytest.mark.parametrize("size", [64 * 1024 + 1, 16 * 1024 * 1024])
async def test_real_server_refuses_oversized_frames(servers, student, size):
    """Over 64 KiB the consumer closes (4009: daphne allows no 1009 from an application); over
    daphne's own limit (1 MiB) daphne drops the connection before the frame reaches the app."""
    a, _ = servers
    cookie = await database_sync_to_async(session_cookie)(student)
    client = await Client.open(a.ws, cookie, origin=origin(a))

    async def send_and_read():
        await client.ws.send("x" * size)
        await client.recv()

    with pytest.raises(websockets.ConnectionClosed) as closed:
        await send_and_read()
    if size <= DAPHNE_FRAME_LIMIT:
        assert closed.value.rcvd.code == CLOSE_TOO_BIG_APP
    # The server is fine: a new socket works.
    again = await Client.open(a.ws, cookie, origin=origin(a))
    await again.send(type="ping")
    assert (await again.recv())["type"] == "pong"
    await again.close()


async def test_real_server_negotiates_no_compression_so_no_compression_bomb(servers, student):
    """FAULTS 4 (compression bomb): the client offers permessage-deflate (the websockets client
    does by default); the server declines it, so every frame is counted at its real size by the
    64 KiB limit and a small compressed frame can never inflate inside the server."""
    a, _ = servers
    cookie = await database_sync_to_async(session_cookie)(student)
    client = await Client.open(a.ws, cookie, origin=origin(a))
    offered = client.ws.request.headers.get("Sec-WebSocket-Extensions", "")
    assert "permessage-deflate" in offered
    assert client.ws.response.headers.get("Sec-WebSocket-Extensions") is None
    await client.close()
