"""One history page (messaging.selectors.history_page) for the socket and the HTTP API."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from actions.messages import message_send
from testkit.sessions import login_verified, session_cookie

from .support import connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_limits")]


def _http_history(user, conversation, **params) -> dict:
    client = Client()
    login_verified(client, user)
    return client.get(f"/api/conversations/{conversation.pk}/messages/", params).json()


@pytest.mark.parametrize("before_seq", [None, 4])
async def test_socket_and_http_history_pages_are_the_same(
    conversation, mentor, student, before_seq
):
    for i in range(1, 6):
        await sync_to_async(message_send)(
            sender=mentor, conversation_id=conversation.pk, client_id=f"h{i}", body=f"m{i}"
        )
    sock = await connect(await sync_to_async(session_cookie)(student))
    frame = {"type": "history", "conversation": conversation.pk, "limit": 2, "ref": "r"}
    if before_seq is not None:
        frame["before_seq"] = before_seq
    await sock.send(**frame)
    socket_page = await sock.recv_type("history")
    await sock.close()
    params = {"limit": 2} | ({"before_seq": before_seq} if before_seq else {})
    http_page = await sync_to_async(_http_history)(student, conversation, **params)

    assert (socket_page.pop("type"), socket_page.pop("ref")) == ("history", "r")
    assert socket_page == http_page
    newest = 5 if before_seq is None else before_seq - 1
    assert [m["seq"] for m in http_page["messages"]] == [newest - 1, newest]
    assert (http_page["more"], http_page["next_before_seq"]) == (True, newest - 1)
    assert http_page["before_seq"] == before_seq
