"""The user socket, driven through the real ASGI application (origin check, session auth, routing).

Real PostgreSQL and the real Redis channel layer; a transactional database because the consumer
reads and writes from its own thread.
"""

import asyncio
import contextlib
import json
import socket
import subprocess
import time

import psycopg
import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections

from accounts import sessions
from accounts.models import AuditEntry
from actions.messages import message_send
from messaging import realtime
from messaging import services as messaging
from messaging.consumers import (
    CLOSE_POLICY,
    CLOSE_RATE_LIMIT,
    CLOSE_SESSION_ENDED,
    CLOSE_TOO_BIG,
    CLOSE_TOO_MANY_SOCKETS,
)
from messaging.models import Membership, Message
from moderation.models import ReviewItem
from testkit.sessions import session_cookie

from .support import communicator, connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_limits")]


@pytest.fixture
def cookies(mentor, student):
    return {"mentor": session_cookie(mentor), "student": session_cookie(student)}


@pytest.fixture
def outsider(make_user, make_district):
    return make_user("mentor", make_district())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


count = database_sync_to_async(lambda **kw: Message.objects.filter(**kw).count())
audits = database_sync_to_async(
    lambda **kw: list(AuditEntry.objects.filter(**kw).values_list("action", "target_id"))
)


# -- handshake -----------------------------------------------------------------------------------


async def test_no_session_is_refused_at_the_handshake():
    comm = communicator(None)
    assert await comm.connect() == (False, 1000)
    comm2 = communicator("not-a-session-key")
    assert await comm2.connect() == (False, 1000)


@pytest.mark.parametrize("origin", ["http://evil.example", "null", None])
async def test_foreign_or_missing_origin_is_refused(cookies, origin):
    comm = communicator(cookies["student"], origin=origin)
    connected, _ = await comm.connect()
    assert connected is False


async def test_hello_lists_conversations_with_unread_counts(cookies, conversation, mentor):
    await sync_to_async(message_send)(
        sender=mentor, conversation_id=conversation.pk, client_id="h1", body="hi"
    )
    sock = await connect(cookies["student"])
    assert sock.hello["live"] is True
    [row] = sock.hello["conversations"]
    assert (row["id"], row["unread"], row["last_seq"], row["last_read_seq"]) == (
        conversation.pk,
        1,
        1,
        0,
    )
    await sock.close()


# -- sending -------------------------------------------------------------------------------------


async def test_send_is_acked_and_delivered_to_members_only(
    cookies, conversation, mentor, student, outsider
):
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    o = await connect(await sync_to_async(session_cookie)(outsider))
    await m.send(
        type="send", conversation=conversation.pk, client_id="c-1", body="Hello!", ref="r1"
    )
    ack = await m.recv_type("ack")
    stored = await sync_to_async(Message.objects.get)(sender=mentor, client_id="c-1")
    assert ack == {
        "type": "ack",
        "client_id": "c-1",
        "conversation": conversation.pk,
        "id": stored.pk,
        "seq": 1,
        "state": "delivered",
        "created_at": stored.created_at.isoformat(),
        "ref": "r1",
    }
    event = await s.recv()
    assert event["type"] == "message"
    assert event["message"] == realtime.message_payload(stored)
    mine = await m.recv_type("message")
    assert mine["message"]["id"] == stored.pk
    assert await o.nothing()
    for sock in (m, s, o):
        await sock.close()


async def test_a_message_event_is_encoded_once_not_once_per_socket(
    cookies, conversation, mentor, monkeypatch
):
    """Each socket a message reaches forwards the same text, encoded once when it was published
    (realtime.layer_message), not re-encoded by every socket."""
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    s2 = await connect(cookies["student"])
    real_dumps, encoded = json.dumps, []

    def dumps(obj, *args, **kwargs):
        if isinstance(obj, dict) and obj.get("type") == "message":
            encoded.append(obj["message"]["seq"])
        return real_dumps(obj, *args, **kwargs)

    monkeypatch.setattr(json, "dumps", dumps)
    await m.send(
        type="send", conversation=conversation.pk, client_id="once", body="Hola, ¿qué tal?"
    )
    await m.recv_type("ack")
    frames = [await sock.comm.receive_from(3) for sock in (s, s2)]
    mine = await m.recv_type("message")
    assert frames[0] == frames[1]
    stored = await sync_to_async(Message.objects.get)(sender=mentor, client_id="once")
    expected = {"type": "message", "message": realtime.message_payload(stored)}
    assert json.loads(frames[0]) == expected == mine
    assert "¿qué tal?" in frames[0]  # as text, not escaped
    assert encoded == [1]  # three sockets, one encoding
    for sock in (m, s, s2):
        await sock.close()


async def test_resend_gets_the_same_ack_and_stores_nothing(cookies, conversation, mentor):
    m = await connect(cookies["mentor"])
    frame = {"type": "send", "conversation": conversation.pk, "client_id": "dup", "body": "Once"}
    await m.send(**frame)
    first = await m.recv_type("ack")
    await m.recv_type("message")
    await m.send(**frame)
    again = await m.recv_type("ack")
    assert again == first
    assert await m.nothing()  # no second message event
    await m.send(**(frame | {"body": "Something else"}))
    error = await m.recv()
    assert (error["type"], error["code"], error["client_id"]) == ("error", "conflict", "dup")
    assert await count(sender=mentor) == 1
    await m.close()


async def test_messages_arrive_in_sequence_order(cookies, conversation):
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    for i in range(15):
        await m.send(type="send", conversation=conversation.pk, client_id=f"o{i}", body=f"n{i}")
    seqs = []
    while len(seqs) < 15:
        event = await s.recv()
        assert event["type"] == "message"
        seqs.append((event["message"]["seq"], event["message"]["body"]))
    assert seqs == [(i + 1, f"n{i}") for i in range(15)]
    await m.close()
    await s.close()


@pytest.mark.parametrize(
    ("body", "code"),
    [("", "empty"), ("a\x00b", "invalid"), ("x" * 4001, "too_long"), ("\u200b", "empty")],
)
async def test_bad_bodies_get_an_error_and_store_nothing(cookies, conversation, body, code):
    m = await connect(cookies["mentor"])
    await m.send(type="send", conversation=conversation.pk, client_id="b", body=body)
    error = await m.recv()
    assert (error["type"], error["code"], error["for"]) == ("error", code, "send")
    assert await count(conversation=conversation) == 0
    await m.close()


async def test_closed_conversation_refuses_with_closed(cookies, conversation, active_match):
    await sync_to_async(messaging.match_pause)(match=active_match, actor=None, reason="review")
    m = await connect(cookies["mentor"])
    await m.send(type="send", conversation=conversation.pk, client_id="p", body="hi")
    error = await m.recv_type("error")
    assert error["code"] == "closed"
    assert await count(conversation=conversation) == 0
    await m.close()


async def test_markup_and_unicode_are_carried_as_text(cookies, conversation):
    body = '<img src=x onerror="alert(1)"> \u202eevil\u200d' + "\u0301" * 100
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    await m.send(type="send", conversation=conversation.pk, client_id="u", body=body)
    assert (await s.recv_type("message"))["message"]["body"] == body
    await m.close()
    await s.close()


async def test_out_of_order_events_are_delivered_in_sequence_once(
    cookies, conversation, mentor, student, monkeypatch
):
    """Events from two server processes can cross; the socket still delivers 1, 2, 3 once."""
    from channels.layers import get_channel_layer

    s = await connect(cookies["student"])
    gaps_before = realtime.stats["gaps_filled"]
    monkeypatch.setattr(realtime, "_send_now", lambda groups, event: None)  # events lost
    send = sync_to_async(message_send)
    stored = [
        (
            await send(
                sender=mentor, conversation_id=conversation.pk, client_id=f"x{i}", body=str(i)
            )
        ).message
        for i in (1, 2, 3)
    ]
    layer = get_channel_layer()
    group = realtime.user_group(student.pk)
    for message in (stored[2], stored[0], stored[1]):  # 3 arrives first, then 1 and 2, late
        await layer.group_send(
            group,
            {
                "type": "trellis.event",
                "event": {"type": "message", "message": realtime.message_payload(message)},
            },
        )
    received = [await s.recv() for _ in range(3)]
    assert [e["message"]["seq"] for e in received] == [1, 2, 3]
    assert await s.nothing(0.5)  # the late 1 and 2 were dropped as duplicates
    assert realtime.stats["gaps_filled"] == gaps_before + 1  # counted (shown on /healthz)
    await s.close()


# -- membership on every event -------------------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "send", "client_id": "x", "body": "hi"},
        {"type": "resume", "after_seq": 0},
        {"type": "history"},
        {"type": "read", "seq": 1},
        {"type": "typing"},
    ],
    ids=lambda f: f["type"],
)
async def test_non_member_gets_not_found_and_is_audited(
    cookies, conversation, outsider, mentor, frame
):
    await sync_to_async(message_send)(
        sender=mentor, conversation_id=conversation.pk, client_id="seen", body="private"
    )
    s = await connect(cookies["student"])
    o = await connect(await sync_to_async(session_cookie)(outsider))
    await o.send(conversation=conversation.pk, **frame)
    error = await o.recv()
    assert (error["type"], error["code"], error["for"], error["conversation"]) == (
        "error",
        "not_found",
        frame["type"],
        conversation.pk,
    )
    assert await o.nothing()  # no history, no page
    assert await s.nothing()  # nothing reached the members
    assert await count(conversation=conversation) == 1
    assert await audits(actor=outsider) == [("messaging.access_denied", str(conversation.pk))]
    await o.close()
    await s.close()


async def test_membership_is_checked_per_event_not_at_connect(cookies, conversation, student):
    s = await connect(cookies["student"])
    await s.send(type="ping")
    assert (await s.recv())["type"] == "pong"
    await sync_to_async(Membership.objects.filter(user=student).delete)()
    await s.send(type="send", conversation=conversation.pk, client_id="late", body="hi")
    assert (await s.recv())["code"] == "not_found"
    assert await count(conversation=conversation) == 0
    await s.close()


# -- resume, history, receipts, typing -----------------------------------------------------------


async def test_resume_pages_through_everything_after_the_last_seq(
    cookies, conversation, mentor, student
):
    send = sync_to_async(message_send)
    for i in range(1, 8):
        await send(sender=mentor, conversation_id=conversation.pk, client_id=f"r{i}", body=f"m{i}")
    # Message 4 is another member's, held for review: the student never sees it, and the page
    # still covers its seq so the student does not take it for a gap.
    await sync_to_async(Message.objects.filter(conversation=conversation, seq=4).update)(
        state=Message.State.HELD
    )
    s = await connect(cookies["student"])
    await s.send(type="resume", conversation=conversation.pk, after_seq=2, limit=2, ref="x")
    pages = [await s.recv() for _ in range(2)]
    assert [
        (p["type"], p["after_seq"], p["through_seq"], p["more"], [m["seq"] for m in p["messages"]])
        for p in pages
    ] == [
        ("messages", 2, 5, True, [3, 5]),
        ("messages", 5, 7, False, [6, 7]),
    ]
    assert all(p["ref"] == "x" for p in pages)
    assert await s.nothing()
    await s.close()


async def test_resume_shows_the_sender_their_own_held_message(cookies, conversation, mentor):
    await sync_to_async(message_send)(
        sender=mentor, conversation_id=conversation.pk, client_id="h", body="held one"
    )
    await sync_to_async(Message.objects.filter(conversation=conversation).update)(state="held")
    m = await connect(cookies["mentor"])
    await m.send(type="resume", conversation=conversation.pk, after_seq=0)
    page = await m.recv()
    assert [(x["seq"], x["state"]) for x in page["messages"]] == [(1, "held")]
    assert (page["through_seq"], page["more"]) == (1, False)
    await m.close()


async def test_held_message_reaches_only_its_sender(cookies, conversation, mentor, monkeypatch):
    from actions import messages as send_action
    from moderation.policy import Verdict
    from moderation.services import Screening

    def hold(*, body, context):
        return Screening(Message.State.HELD, Verdict(action="hold", categories=["contact_info"]))

    # The send action's screening seam: the verdict a held message would get, without detectors.
    monkeypatch.setattr(send_action, "message_screen", hold)
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    await m.send(type="send", conversation=conversation.pk, client_id="hx", body="my number")
    ack = await m.recv_type("ack")
    assert ack["state"] == "held"
    assert (await m.recv_type("message"))["message"]["state"] == "held"
    assert await s.nothing(0.5)
    await m.close()
    await s.close()


async def test_history_pages_backwards(cookies, conversation, mentor):
    send = sync_to_async(message_send)
    for i in range(1, 6):
        await send(sender=mentor, conversation_id=conversation.pk, client_id=f"h{i}", body=f"m{i}")
    s = await connect(cookies["student"])
    await s.send(type="history", conversation=conversation.pk, limit=2)
    newest = await s.recv()
    assert ([m["seq"] for m in newest["messages"]], newest["more"]) == ([4, 5], True)
    await s.send(type="history", conversation=conversation.pk, before_seq=4, limit=5)
    older = await s.recv()
    assert ([m["seq"] for m in older["messages"]], older["more"]) == ([1, 2, 3], False)
    await s.close()


async def test_read_receipt_reaches_members_and_unread_count_drops(
    cookies, conversation, mentor, student
):
    send = sync_to_async(message_send)
    for i in range(3):
        await send(sender=mentor, conversation_id=conversation.pk, client_id=f"u{i}", body="x")
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    assert s.hello["conversations"][0]["unread"] == 3
    await s.send(type="read", conversation=conversation.pk, seq=2)
    expected = {"type": "read", "conversation": conversation.pk, "user": student.pk, "seq": 2}
    assert await s.recv() == expected  # the direct reply
    assert await m.recv() == expected  # the receipt, live
    await s.send(type="read", conversation=conversation.pk, seq=1)  # never moves back
    assert (await s.recv())["seq"] == 2
    await s.send(type="conversations")
    reply = await s.recv_type("conversations")
    assert (reply["conversations"][0]["unread"], reply["conversations"][0]["last_read_seq"]) == (
        1,
        2,
    )
    await m.close()
    await s.close()


async def test_typing_goes_to_the_other_members_only_and_is_not_stored(
    cookies, conversation, mentor
):
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    await m.send(type="typing", conversation=conversation.pk)
    assert await s.recv() == {"type": "typing", "conversation": conversation.pk, "user": mentor.pk}
    await m.send(type="typing", conversation=conversation.pk)  # within the interval: dropped
    assert await s.nothing()
    assert await m.nothing()
    assert await count(conversation=conversation) == 0
    await m.close()
    await s.close()


# -- bad input and limits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ("{not json", "invalid_json", None),
        ("[1, 2]", "invalid_frame", None),
        ('{"conversation": 1}', "missing_field", "type"),
        ('{"type": "dance"}', "unknown_type", None),
        ('{"type": "read", "conversation": 1}', "missing_field", "seq"),
        ('{"type": "ping", "extra": 1}', "unexpected_field", "extra"),
        ('{"type": "read", "conversation": "1", "seq": 1}', "wrong_type", "conversation"),
        ('{"type": "read", "conversation": true, "seq": 1}', "wrong_type", "conversation"),
        ('{"type": "read", "conversation": 1, "seq": -1}', "wrong_type", "seq"),
        ('{"type": "read", "conversation": 1, "seq": 1e400}', "wrong_type", "seq"),
        (
            '{"type": "read", "conversation": 99999999999999999999999, "seq": 1}',
            "wrong_type",
            "conversation",
        ),
        (
            '{"type": "send", "conversation": 1, "client_id": 5, "body": "x"}',
            "wrong_type",
            "client_id",
        ),
        ("[" * 60_000, "invalid_json", None),
    ],
)
async def test_bad_frames_get_an_error_naming_the_problem_and_the_socket_stays_usable(
    cookies, raw, code, field
):
    s = await connect(cookies["student"])
    await s.send_raw(raw)
    error = await s.recv()
    assert (error["type"], error["code"], error.get("field")) == ("error", code, field)
    await s.send(type="ping", ref="still-here")
    assert await s.recv() == {"type": "pong", "ref": "still-here"}
    await s.close()


async def test_binary_frames_are_refused_with_an_error(cookies):
    s = await connect(cookies["student"])
    await s.comm.send_to(bytes_data=b"\x00\x01")
    assert (await s.recv())["code"] == "invalid_frame"
    await s.close()


async def test_repeated_garbage_closes_with_4400(cookies):
    s = await connect(cookies["student"])
    for _ in range(settings.TRELLIS_REALTIME["PROTOCOL_STRIKES"]):
        await s.send_raw("garbage")
    assert await s.closed_with() == CLOSE_POLICY


@pytest.mark.parametrize("size", [64 * 1024 + 1, 1024 * 1024, 16 * 1024 * 1024])
async def test_oversized_frame_closes_with_1009_and_spares_other_sockets(
    cookies, conversation, size
):
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    await s.send_raw("x" * size)
    assert await s.closed_with() == CLOSE_TOO_BIG
    await m.send(type="ping")
    assert (await m.recv())["type"] == "pong"
    await m.close()


async def test_a_frame_at_the_limit_is_read(cookies, conversation):
    s = await connect(cookies["student"])
    # Multi-byte characters: the limit counts bytes on the wire, not characters.
    body = "é" * 3000
    frame = json.dumps(
        {"type": "send", "conversation": conversation.pk, "client_id": "big", "body": body},
        ensure_ascii=False,
    )
    padded = frame[:-1] + " " * (64 * 1024 - len(frame.encode())) + "}"
    assert len(padded.encode()) == 64 * 1024
    await s.send_raw(padded)
    assert (await s.recv_type("ack"))["seq"] == 1
    await s.close()


async def test_rate_limit_refuses_excess_and_disconnects_repeat_offenders(
    cookies, conversation, mentor, settings
):
    settings.TRELLIS_REALTIME = settings.TRELLIS_REALTIME | {
        "SEND_BURST": 5,
        "SEND_RATE_PER_SECOND": 0.1,
        "RATE_LIMIT_STRIKES": 20,
    }
    m = await connect(cookies["mentor"])
    for i in range(1000):
        await m.send(type="send", conversation=conversation.pk, client_id=f"f{i}", body="spam")
    acks, refused, code = 0, 0, None
    while code is None:
        output = await m.comm.receive_output(10)
        if output["type"] == "websocket.close":
            code = output["code"]
            break
        event = json.loads(output["text"])
        acks += event["type"] == "ack"
        refused += event["type"] == "rate_limited"
    assert (acks, refused, code) == (5, 20, CLOSE_RATE_LIMIT)
    assert await count(conversation=conversation) == 5
    assert await audits(actor=mentor, action="messaging.rate_limit_disconnect") == [
        ("messaging.rate_limit_disconnect", str(mentor.pk))
    ]
    # Reported to the district's moderators: one item on the flooded conversation.
    items = await database_sync_to_async(
        lambda: list(
            ReviewItem.objects.filter(conversation=conversation).values_list(
                "source", "categories", "district_id"
            )
        )
    )()
    assert items == [("rate_limit", ["rate_limit"], conversation.district_id)]


async def test_rate_limit_is_shared_by_all_sockets_of_a_user(cookies, conversation, settings):
    settings.TRELLIS_REALTIME = settings.TRELLIS_REALTIME | {
        "SEND_BURST": 3,
        "SEND_RATE_PER_SECOND": 0.1,
    }
    a = await connect(cookies["mentor"])
    b = await connect(cookies["mentor"])
    results = []
    for i, sock in enumerate([a, b, a, b]):
        await sock.send(type="send", conversation=conversation.pk, client_id=f"s{i}", body="x")
        while True:
            event = await sock.recv()
            if event["type"] in ("ack", "rate_limited"):
                results.append(event["type"])
                break
    assert results == ["ack", "ack", "ack", "rate_limited"]
    await a.close()
    await b.close()


async def test_socket_cap_per_user(cookies, settings):
    settings.TRELLIS_REALTIME = settings.TRELLIS_REALTIME | {"MAX_SOCKETS_PER_USER": 2}
    first = await connect(cookies["student"])
    second = await connect(cookies["student"])
    comm = communicator(cookies["student"])
    assert (await comm.connect())[0] is True
    refusal = json.loads(await comm.receive_from())
    assert refusal["code"] == "too_many_sockets"
    assert (await comm.receive_output())["code"] == CLOSE_TOO_MANY_SOCKETS
    await first.close()
    third = await connect(cookies["student"])  # a freed slot is usable again
    await second.close()
    await third.close()


async def test_many_sockets_from_one_user_are_capped(cookies):
    cap = settings.TRELLIS_REALTIME["MAX_SOCKETS_PER_USER"]
    opened, refused = [], 0
    for _ in range(50):
        comm = communicator(cookies["student"])
        await comm.connect()
        first = json.loads(await comm.receive_from())
        if first["type"] == "hello":
            opened.append(comm)
        else:
            assert first["code"] == "too_many_sockets"
            refused += 1
            await comm.disconnect()
    assert (len(opened), refused) == (cap, 50 - cap)
    for comm in opened:
        await comm.disconnect()


# -- the session-close contract ------------------------------------------------------------------


async def test_trellis_close_event_closes_every_socket_of_the_user(cookies, student):
    a = await connect(cookies["student"])
    b = await connect(cookies["student"])
    await sync_to_async(sessions._close_now)(student.pk, "suspended")
    for sock in (a, b):
        assert await sock.recv() == {"type": "closing", "reason": "suspended"}
        assert await sock.closed_with() == CLOSE_SESSION_ENDED


async def test_unknown_layer_messages_do_not_kill_the_socket(cookies, student):
    from channels.layers import get_channel_layer

    s = await connect(cookies["student"])
    await get_channel_layer().group_send(realtime.user_group(student.pk), {"type": "bogus.event"})
    await s.send(type="ping")
    assert (await s.recv())["type"] == "pong"
    await s.close()


# -- faults: Redis down, database down -----------------------------------------------------------


async def test_redis_down_send_is_stored_and_acked_and_recovered_by_resume(
    cookies, conversation, mentor, settings
):
    dead = f"redis://127.0.0.1:{_free_port()}/0"
    settings.REDIS_URL = dead
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": settings.CHANNEL_LAYERS["default"]["BACKEND"],
            "CONFIG": {"hosts": [dead], "prefix": "trellis_dead"},
        }
    }
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    assert (m.hello["live"], s.hello["live"]) == (False, False)
    await m.send(type="send", conversation=conversation.pk, client_id="rd", body="still here")
    ack = await m.recv_type("ack", timeout=10)
    assert (ack["seq"], ack["state"]) == (1, "delivered")
    assert await count(sender=mentor, client_id="rd") == 1
    assert await s.nothing(0.5)  # no live delivery without Redis ...
    await s.send(type="resume", conversation=conversation.pk, after_seq=0)
    page = await s.recv_type("messages", timeout=10)  # ... and the gap is filled by resume
    assert [x["body"] for x in page["messages"]] == ["still here"]
    await m.close()
    await s.close()


@pytest.fixture
def main_backend_pid(db):
    """The test thread's own database session, which must survive the simulated outage."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate_other_backends(*, keep: int, port) -> None:
    # What a crash or fail-over does to open sessions; new ones then fail on the dead port.
    dsn = connections["default"].get_connection_params()
    dsn.update(dbname="postgres", port=port)
    dsn.pop("cursor_factory", None)
    dsn.pop("context", None)
    name = connections["default"].settings_dict["NAME"]
    with psycopg.connect(**dsn, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> %s AND pid <> pg_backend_pid()",
            [name, keep],
        )


async def test_database_down_gives_unavailable_and_no_ack_then_resend_succeeds(
    cookies, conversation, mentor, main_backend_pid
):
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    frame = {"type": "send", "conversation": conversation.pk, "client_id": "db1", "body": "hi"}
    settings_dict = connections["default"].settings_dict
    port = settings_dict["PORT"]
    settings_dict["PORT"] = str(_free_port())
    await database_sync_to_async(_terminate_other_backends)(keep=main_backend_pid, port=port)
    try:
        await m.send(**frame)
        error = await m.recv(timeout=10)
        assert (error["type"], error["code"], error["retry"], error["client_id"]) == (
            "error",
            "unavailable",
            True,
            "db1",
        )
        assert await m.nothing(0.5)  # no ack ...
        assert await s.nothing(0.2)  # ... and no broadcast
    finally:
        settings_dict["PORT"] = port
    assert await count(client_id="db1") == 0
    # The database is back. A pool thread may still hold a session the outage killed, which
    # fails once more; the client resends the same client id until acknowledged.
    for _ in range(10):
        await m.send(**frame)
        reply = await m.recv()
        if reply["type"] == "ack":
            break
        assert reply["code"] == "unavailable"
        await asyncio.sleep(0.2)
    ack = reply
    assert (ack["type"], ack["client_id"], ack["seq"]) == ("ack", "db1", 1)
    assert (await s.recv_type("message"))["message"]["client_id"] == "db1"
    assert await count(client_id="db1") == 1
    await m.close()
    await s.close()


async def test_many_sockets_are_independent(cookies, conversation):
    """A socket closed for a fault does not disturb a concurrent one of another user."""
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    await asyncio.gather(s.send_raw("x" * (70 * 1024)), m.send(type="ping"))
    assert (await m.recv())["type"] == "pong"
    assert await s.closed_with() == CLOSE_TOO_BIG
    await m.close()


@pytest.fixture
def own_redis():
    """A Redis server this test may stop and start again (on the same port)."""
    port = _free_port()
    command = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                return process
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    state = {"process": start()}

    class Control:
        url = f"redis://127.0.0.1:{port}/0"

        def stop(self):
            state["process"].terminate()
            state["process"].wait(10)

        def start(self):
            state["process"] = start()

    yield Control()
    if state["process"].poll() is None:
        state["process"].terminate()
        state["process"].wait(10)


async def test_redis_restart_mid_conversation_recovers_live_delivery(
    cookies, conversation, mentor, settings, own_redis, monkeypatch
):
    from messaging import sockets

    monkeypatch.setattr(sockets, "HEARTBEAT_SECONDS", 0.3)
    settings.REDIS_URL = own_redis.url
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": settings.CHANNEL_LAYERS["default"]["BACKEND"],
            "CONFIG": {"hosts": [own_redis.url], "prefix": "trellis_restart"},
        }
    }
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    assert s.hello["live"] is True

    async def say(client_id, body):
        await m.send(type="send", conversation=conversation.pk, client_id=client_id, body=body)
        return await m.recv_type("ack", timeout=10)

    assert (await say("r1", "one"))["seq"] == 1
    assert (await s.recv_type("message"))["message"]["body"] == "one"

    await asyncio.to_thread(own_redis.stop)
    assert (await say("r2", "two"))["seq"] == 2  # stored and acknowledged without Redis
    assert await s.nothing(0.5)

    await asyncio.to_thread(own_redis.start)
    await asyncio.sleep(2.5)  # sockets re-join their groups on the heartbeat
    assert (await say("r3", "three"))["seq"] == 3
    # The student gets the message missed during the outage, then the new one, in order, once.
    got = [(await s.recv_type("message", timeout=10))["message"]["body"] for _ in range(2)]
    assert got == ["two", "three"]
    assert await s.nothing(0.5)
    assert await count(conversation=conversation) == 3
    await m.close()
    await s.close()


async def test_staff_are_not_members_of_conversations_on_the_socket(
    conversation, moderator, mentor
):
    """A moderator (even of the conversation's own district) reads through the review tools, never
    as a member: the socket answers not_found and audits it."""
    sock = await connect(await sync_to_async(session_cookie)(moderator))
    await sock.send(type="resume", conversation=conversation.pk, after_seq=0)
    assert (await sock.recv())["code"] == "not_found"
    assert await audits(actor=moderator) == [("messaging.access_denied", str(conversation.pk))]
    await sock.close()


async def test_pausing_the_match_stops_sends_on_open_sockets(cookies, conversation, active_match):
    m = await connect(cookies["mentor"])
    s = await connect(cookies["student"])
    await sync_to_async(messaging.match_pause)(match=active_match, actor=None, reason="review")
    status = await s.recv_type("conversation.status")
    assert (status["open"], status["match_status"]) == (False, "paused")
    await s.send(type="send", conversation=conversation.pk, client_id="late", body="hello?")
    assert (await s.recv_type("error"))["code"] == "closed"
    assert await count(conversation=conversation) == 0
    await m.close()
    await s.close()
