"""FAULTS 26: `limit` out of range and an over-long `ref` are refused as `wrong_type` naming the
field, never silently capped, and the bad value is not echoed back (socket and HTTP API alike)."""

import json

import pytest
from asgiref.sync import sync_to_async

from messaging.protocol import ProtocolError, parse_frame
from testkit.sessions import login_verified, session_cookie

from .support import connect

LONG_REF = "r" * 65


@pytest.mark.parametrize("kind", ["resume", "history"])
@pytest.mark.parametrize("limit", [201, 1000, 2**63 - 1])
def test_a_limit_over_200_is_refused_naming_the_field(kind, limit):
    frame = {"type": kind, "conversation": 3, "limit": limit, "ref": "mine"}
    if kind == "resume":
        frame["after_seq"] = 0
    with pytest.raises(ProtocolError) as refused:
        parse_frame(json.dumps(frame))
    assert (refused.value.code, refused.value.field, refused.value.ref) == (
        "wrong_type",
        "limit",
        "mine",
    )
    assert refused.value.detail == "'limit' must be at most 200."
    assert str(limit) not in refused.value.detail


@pytest.mark.parametrize("limit", [1, 200])
def test_limits_inside_the_range_pass(limit):
    frame = {"type": "history", "conversation": 3, "limit": limit}
    assert parse_frame(json.dumps(frame))["limit"] == limit


def test_an_over_long_ref_is_refused_and_not_echoed():
    with pytest.raises(ProtocolError) as refused:
        parse_frame(json.dumps({"type": "ping", "ref": LONG_REF}))
    assert (refused.value.code, refused.value.field, refused.value.ref) == (
        "wrong_type",
        "ref",
        None,
    )
    assert LONG_REF not in refused.value.detail


def test_an_over_long_ref_is_not_echoed_by_other_errors_either():
    with pytest.raises(ProtocolError) as refused:
        parse_frame(json.dumps({"type": "nope", "ref": LONG_REF}))
    assert (refused.value.code, refused.value.ref) == ("unknown_type", None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_limits")
async def test_over_the_socket(conversation, student):
    sock = await connect(await sync_to_async(session_cookie)(student))
    frame = {"type": "history", "conversation": conversation.pk, "limit": 5000, "ref": "h1"}
    await sock.send(**frame)
    assert await sock.recv() == {
        "type": "error",
        "code": "wrong_type",
        "detail": "'limit' must be at most 200.",
        "field": "limit",
        "ref": "h1",
    }
    await sock.send(type="ping", ref=LONG_REF)
    reply = await sock.recv()
    assert reply == {
        "type": "error",
        "code": "wrong_type",
        "detail": "'ref' is longer than 64 characters.",
        "field": "ref",
    }
    # Still usable.
    await sock.send(type="ping", ref="p1")
    assert await sock.recv() == {"type": "pong", "ref": "p1"}
    await sock.close()


def test_the_http_api_refuses_a_limit_over_200(client, conversation, student):
    login_verified(client, student)
    url = f"/api/conversations/{conversation.pk}/messages/"
    response = client.get(url, {"limit": 201})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "wrong_type",
            "detail": "'limit' must be an integer from 1 to 200.",
            "field": "limit",
        }
    }
    assert client.get(url, {"limit": 200}).status_code == 200
    assert client.get(url, {"after_seq": 0, "limit": 201}).status_code == 400
