"""Connections at scale: 500 sockets opened at once on two daphne processes all get their hello,
and the limiter's Redis clients (bounded shared pools, messaging.limits) never run out of
connections nor fall back to per-process limits."""

import asyncio
import time

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from testkit.servers import database_url, run_servers, wait_for_other_sessions_to_end
from testkit.sessions import session_cookie

from .wsclient import Client

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SOCKETS = 500
USERS = 10
HANDSHAKE_SECONDS = 40


@pytest.fixture
def servers(transactional_db):
    env = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CHANNEL_LAYER_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Fifty tabs per account here; the cap itself is tested in tests/messaging.
        "TRELLIS_WS_MAX_SOCKETS_PER_USER": str(SOCKETS),
        "DATABASE_CONN_MAX_AGE": "60",
    }
    # The handshakes' database work queues on each process's one database thread; on this
    # shared 2-core machine 250 of them take longer than daphne's default 5 s.
    with run_servers(
        ["daphne", "daphne"], env=env, lifetime=240, connect_timeout=HANDSHAKE_SECONDS
    ) as started:
        yield started
    wait_for_other_sessions_to_end(connection)


async def test_500_sockets_connecting_at_once_on_two_processes_all_succeed(
    servers, make_user, district, fresh_limits
):
    users = [await database_sync_to_async(make_user)("student", district) for _ in range(USERS)]
    cookies = [await database_sync_to_async(session_cookie)(u) for u in users]

    async def one(i: int) -> Client:
        server = servers[i % 2]
        return await Client.open(
            server.ws, cookies[i % USERS], origin=server.http, open_timeout=HANDSHAKE_SECONDS
        )

    started = time.monotonic()
    results = await asyncio.gather(*(one(i) for i in range(SOCKETS)), return_exceptions=True)
    took = time.monotonic() - started
    failed = [r for r in results if isinstance(r, BaseException)]
    opened = [r for r in results if not isinstance(r, BaseException)]
    await asyncio.gather(*(c.close() for c in opened), return_exceptions=True)

    logs = "".join(server.log_text() for server in servers)
    assert failed == [], f"{len(failed)} failed, first: {failed[0]!r}\n{logs[-3000:]}"
    assert all(c.hello["type"] == "hello" for c in opened)
    assert "Too many connections" not in logs
    assert "using per-process limits" not in logs
    assert "Traceback" not in logs
    print(f"{SOCKETS} sockets opened on two processes in {took:.2f}s")
