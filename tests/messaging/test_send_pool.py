"""The send pool (TRELLIS_REALTIME["SEND_THREADS"], messaging.sockets.db_send): sends in different
conversations overlap their database time, sends into one conversation run one at a time and
publish in sequence order, and each pool thread looks after its own connection.

Transactional: the pool's threads read and write through connections of their own."""

import asyncio
import random
import threading
import time

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from accounts.models import User
from messaging import consumers, realtime, sockets
from messaging.delivery import Unavailable
from messaging.models import Message
from messaging.services import group_conversation_create, match_activate, match_create
from testkit.sessions import session_cookie

from .support import connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_limits")]

SLEEP = 0.4


@pytest.fixture
def threads(settings):
    def use(count: int) -> None:
        settings.TRELLIS_REALTIME = {**settings.TRELLIS_REALTIME, "SEND_THREADS": count}

    use(4)
    return use


def _sql(statement: str, *args) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, args)


@pytest.fixture
def slow_send(monkeypatch):
    """The consumer's send with SLEEP seconds of database time before it (a slow round trip)."""
    real = consumers.message_send

    def send(**kwargs):
        _sql("SELECT pg_sleep(%s)", SLEEP)
        return real(**kwargs)

    monkeypatch.setattr(consumers, "message_send", send)


@pytest.fixture
def two_matches(program, district, make_user):
    pairs = []
    for _ in range(2):
        mentor = make_user(User.Role.MENTOR, district)
        student = make_user(User.Role.STUDENT, district)
        match = match_activate(match=match_create(program=program, mentor=mentor, student=student))
        pairs.append((session_cookie(mentor), match.conversation))
    return pairs


async def _two_sends(two_matches) -> float:
    sockets_ = [await connect(cookie) for cookie, _ in two_matches]
    start = time.monotonic()
    for n, (socket, (_, conversation)) in enumerate(zip(sockets_, two_matches, strict=True)):
        await socket.send(type="send", conversation=conversation.pk, client_id=f"c{n}", body="Hi")
    acks = [await socket.recv_type("ack", timeout=5) for socket in sockets_]
    elapsed = time.monotonic() - start
    assert sorted(ack["client_id"] for ack in acks) == ["c0", "c1"]
    for socket in sockets_:
        await socket.close()
    return elapsed


@pytest.mark.usefixtures("slow_send")
async def test_sends_in_two_conversations_overlap_their_database_time_on_the_pool(
    threads, two_matches
):
    assert await _two_sends(two_matches) < 1.6 * SLEEP


@pytest.mark.usefixtures("slow_send")
async def test_with_no_send_threads_the_sends_queue_on_the_database_thread(threads, two_matches):
    threads(0)
    assert await _two_sends(two_matches) >= 2 * SLEEP


async def test_calls_of_one_conversation_run_one_at_a_time_in_the_order_made(threads):
    spans: dict[int, list] = {1: [], 2: []}
    lock = threading.Lock()

    def work(*, key: int, n: int) -> str:
        begin = time.monotonic()
        _sql("SELECT pg_sleep(%s)", 0.05 + random.random() * 0.05)
        with lock:
            spans[key].append((n, begin, time.monotonic()))
        return threading.current_thread().name

    names = await asyncio.gather(
        *(sockets.db_send(work, serial=key, key=key, n=n) for n in range(4) for key in (1, 2))
    )
    assert all(name.startswith("send") for name in names)
    for key in (1, 2):
        assert [n for n, _, _ in spans[key]] == [0, 1, 2, 3]
        for (_, _, end), (_, begin, _) in zip(spans[key], spans[key][1:], strict=False):
            assert begin >= end  # no overlap within a conversation
    # ... and the two conversations ran side by side.
    first, second = spans[1][0], spans[2][0]
    assert second[1] < first[2]
    assert len(sockets._serials(asyncio.get_running_loop())) == 0  # no lock left behind


@pytest.fixture
def group(program, district, mentor, make_user):
    kids = [make_user(User.Role.STUDENT, district) for _ in range(3)]
    conversation = group_conversation_create(
        program=program, title="Group", mentors=[mentor], students=kids
    )
    return conversation, [session_cookie(user) for user in (mentor, *kids)]


@pytest.fixture
def late_publish(monkeypatch):
    """A pool thread that loses the processor between its commit and handing over its events
    (a jitter in front of every after-commit publish); records the order message events are
    published in, per conversation."""
    real_send, real_layer_message = realtime._send_now, realtime.layer_message
    published: list[int] = []

    def send_now(groups, event):
        time.sleep(random.random() * 0.03)
        real_send(groups, event)

    def layer_message(event):
        if event.get("type") == "message":
            published.append(event["message"]["seq"])
        return real_layer_message(event)

    monkeypatch.setattr(realtime, "_send_now", send_now)
    monkeypatch.setattr(realtime, "layer_message", layer_message)
    return published


async def test_concurrent_sends_into_a_group_are_published_and_delivered_in_sequence_order(
    threads, group, late_publish
):
    conversation, cookies = group
    each = 5
    member_sockets = [await connect(cookie) for cookie in cookies]
    gaps_before = realtime.stats["gaps_filled"]
    for n in range(each):
        for i, socket in enumerate(member_sockets):
            await socket.send(
                type="send", conversation=conversation.pk, client_id=f"m{i}-{n}", body=f"n{n}"
            )
    total = each * len(cookies)
    for socket in member_sockets:
        seqs = []
        while len(seqs) < total:
            event = await socket.recv(timeout=10)
            if event["type"] == "message":
                seqs.append(event["message"]["seq"])
        assert seqs == list(range(1, total + 1))  # in order, each once
        assert await socket.nothing(0.2)
    assert late_publish == list(range(1, total + 1))  # left the process in sequence order ...
    assert realtime.stats["gaps_filled"] == gaps_before  # ... so no socket had to fill a gap
    stored = [m async for m in Message.objects.filter(conversation=conversation).values("seq")]
    assert len(stored) == total
    for socket in member_sockets:
        await socket.close()


def _wrapper():
    """The calling thread's connection wrapper and its name."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.ensure_connection()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return wrapper, pid, threading.current_thread().name


async def test_a_pool_thread_closes_its_connection_after_each_call_when_not_kept(threads):
    assert connections.settings[DEFAULT_DB_ALIAS]["CONN_MAX_AGE"] == 0
    wrapper, _, name = await sockets.db_send(_wrapper, serial=1)
    assert name.startswith("send")
    assert wrapper is not connections[DEFAULT_DB_ALIAS]  # its own, not the test thread's
    assert wrapper.connection is None


def _terminate(pid: int) -> None:
    params = connections[DEFAULT_DB_ALIAS].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", [pid])


async def test_a_pool_threads_killed_connection_fails_one_send_then_reconnects(threads):
    """FAULTS 13 on the pool: a kept connection whose server session died fails the next call
    (Unavailable: no ack) and is closed by it; the call after that connects afresh."""
    threads(1)
    settings_dict = connections.settings[DEFAULT_DB_ALIAS]
    settings_dict["CONN_MAX_AGE"] = 60
    try:
        wrapper, pid, _ = await sockets.db_send(_wrapper, serial=1)
        assert wrapper.connection is not None  # kept, and trusted for a second (`_checked`)
        await asyncio.to_thread(_terminate, pid)
        await asyncio.sleep(0.1)  # the backend handles its signal
        with pytest.raises(Unavailable):
            await sockets.db_send(_wrapper, serial=1)
        assert wrapper.connection is None  # closed by the failed call's cleanup
        again, new_pid, _ = await sockets.db_send(_wrapper, serial=1)
        assert again is wrapper
        assert new_pid != pid
    finally:
        settings_dict["CONN_MAX_AGE"] = 0
        await sockets.db_send(lambda: connections[DEFAULT_DB_ALIAS].close(), serial=1)


async def test_shutting_the_pools_down_closes_every_threads_kept_connection(threads):
    threads(2)
    settings_dict = connections.settings[DEFAULT_DB_ALIAS]
    settings_dict["CONN_MAX_AGE"] = 60
    barrier = threading.Barrier(2)

    def both():
        barrier.wait(timeout=5)  # two calls at once: one on each thread
        return _wrapper()

    try:
        results = await asyncio.gather(*(sockets.db_send(both, serial=n) for n in (1, 2)))
        wrappers = [wrapper for wrapper, _, _ in results]
        assert len({id(w) for w in wrappers}) == 2
        assert all(w.connection is not None for w in wrappers)  # kept (CONN_MAX_AGE)
        await asyncio.to_thread(sockets.send_pools_shutdown)
        assert all(w.connection is None for w in wrappers)
    finally:
        settings_dict["CONN_MAX_AGE"] = 0
