"""Students' data never appears in logs: sign-in (good and bad), sends, moderation, match
changes, denied access and purges are run with every logger at DEBUG, and no record carries a
message's text or a person's name or username."""

import logging

import pytest
from django.test import Client

from accounts.models import User
from actions.messages import message_send
from messaging import services as messaging
from messaging.retention import conversations_purge_expired

BODY = "Call me on Zanzibar Street, my name is Quentina"


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def _forbidden(*people: User) -> list[str]:
    words = [BODY, "Zanzibar", "Quentina"]
    for person in people:
        words += [person.username, person.display_name, person.first_name, person.last_name]
    return [w for w in words if w]


def _assert_clean(caplog, words):
    assert caplog.records, "nothing was logged: the test would prove nothing"
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        for word in words:
            assert word not in text, (record.name, text)


def test_no_names_or_text_in_logs(all_logs, active_match, verified_login, make_user, district):
    student, mentor = active_match.student, active_match.mentor
    User.objects.filter(pk=student.pk).update(first_name="Quentina", last_name="Oddlyname")
    student.refresh_from_db()
    client = Client()
    # Failed and successful sign-ins.
    client.post("/accounts/login/", {"username": student.username, "password": "wrong-wrong-1"})
    client.post("/accounts/login/", {"username": "Quentina", "password": "wrong-wrong-2"})
    client.post(
        "/accounts/login/", {"username": student.username, "password": "pw-for-tests-only-1"}
    )
    client.get("/")
    client.get("/conversations/999999/")  # not found, logged by Django
    # Messages both ways, a resend, a rejected one, a paused match.
    conversation_id = active_match.conversation.pk
    message_send(sender=student, conversation_id=conversation_id, client_id="a", body=BODY)
    message_send(sender=student, conversation_id=conversation_id, client_id="a", body=BODY)
    message_send(sender=mentor, conversation_id=conversation_id, client_id="b", body=BODY)
    with pytest.raises(messaging.MessageRejected):
        message_send(
            sender=student, conversation_id=conversation_id, client_id="a", body=BODY + "!"
        )
    messaging.match_pause(match=active_match, actor=None, reason="Check-in")
    with pytest.raises(messaging.MessageRejected):
        message_send(sender=student, conversation_id=conversation_id, client_id="c", body=BODY)
    # Staff reaching elsewhere, and a purge.
    staff = Client()
    verified_login(staff, make_user("coordinator", district, is_staff=True))
    staff.get(f"/coordinator/programs/{active_match.program_id + 1000}/week/")
    messaging.match_close(match=active_match, actor=None, reason="Program ended")
    conversations_purge_expired()
    _assert_clean(all_logs, _forbidden(student, mentor))


@pytest.fixture
def socket_logs(caplog):
    # Loading the ASGI application runs django.setup(), which re-applies LOGGING and would detach
    # the capture: load it first.
    import config.asgi  # noqa: F401

    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.mark.django_db(transaction=True)
async def test_no_names_or_text_in_logs_from_sockets(socket_logs, active_match):
    import json

    from asgiref.sync import sync_to_async
    from django.conf import settings
    from django.test import Client

    from testkit.sessions import login_verified
    from tests.messaging.support import communicator

    student = active_match.student
    client = Client()
    await sync_to_async(login_verified)(client, student)
    comm = communicator(client.cookies[settings.SESSION_COOKIE_NAME].value)
    connected, _ = await comm.connect(timeout=5)
    assert connected
    await comm.receive_from(5)  # hello
    conversation_id = await sync_to_async(lambda: active_match.conversation.pk)()
    frames = [
        {"type": "send", "conversation": conversation_id, "client_id": "s1", "body": BODY},
        {"type": "send", "conversation": conversation_id + 999, "client_id": "s2", "body": BODY},
        {"type": "send", "conversation": conversation_id, "client_id": "s1", "body": BODY + "?"},
        {"type": "nonsense", "body": BODY},
    ]
    for frame in frames:
        await comm.send_to(text_data=json.dumps(frame))
        await comm.receive_from(5)
    await comm.send_to(text_data="x" * (settings.TRELLIS_REALTIME["MAX_FRAME_BYTES"] + 1))
    await comm.receive_output(5)
    await comm.disconnect()
    _assert_clean(socket_logs, _forbidden(student, active_match.mentor))
