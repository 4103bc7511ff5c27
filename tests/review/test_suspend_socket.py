"""Suspension from the review console closes the user's real sockets at once (the user socket at
/ws/ through the real ASGI application), leaves the other member's socket open, and the
suspended session cannot open a new one."""

import pytest
from channels.db import database_sync_to_async

from actions.review import review_suspend_user
from messaging.consumers import CLOSE_SESSION_ENDED
from testkit.sessions import session_cookie
from tests.messaging.support import communicator, connect

from .conftest import moderate, send

pytestmark = pytest.mark.django_db(transaction=True)


async def test_suspending_a_mentor_closes_their_sockets_and_not_the_students(
    conversation, mentor, student, moderator
):
    mentor_cookie = await database_sync_to_async(session_cookie)(mentor)
    student_cookie = await database_sync_to_async(session_cookie)(student)
    first = await connect(mentor_cookie)
    second = await connect(mentor_cookie)
    other = await connect(student_cookie)
    item = await database_sync_to_async(lambda: moderate(send(mentor, conversation, "hi")))()

    await database_sync_to_async(review_suspend_user)(
        item=item, actor=moderator, reason="Grooming pattern"
    )

    for sock in (first, second):
        assert await sock.closed_with(timeout=5) == CLOSE_SESSION_ENDED
    await other.send(type="ping")
    assert (await other.recv_type("pong"))["type"] == "pong"
    again = communicator(mentor_cookie)
    connected, _ = await again.connect(timeout=5)
    assert connected is False
    await other.close()
