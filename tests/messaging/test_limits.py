"""The send rate is checked inside the send service (one retry time for the socket and the HTTP
API), and the escalation policy for a socket that keeps flooding."""

import time

import pytest
from django.test import Client

from actions.messages import message_send
from messaging.limits import FloodPolicy, RateLimited, Strikes
from messaging.models import Message
from testkit.sessions import login_verified

from .support import connect

pytestmark = pytest.mark.usefixtures("fresh_limits")


TOKEN_SECONDS = 20


@pytest.fixture
def slow_rate(settings):
    # A burst of two, then one token every TOKEN_SECONDS: slow enough that the time the sends
    # themselves take on a busy machine does not matter.
    settings.TRELLIS_REALTIME = settings.TRELLIS_REALTIME | {
        "SEND_BURST": 2,
        "SEND_RATE_PER_SECOND": 1 / TOKEN_SECONDS,
    }


def test_message_send_refuses_over_the_rate_with_the_time_until_the_next_token(
    db, conversation, mentor, events, slow_rate
):
    started = time.monotonic()
    for i in range(2):
        message_send(sender=mentor, conversation_id=conversation.pk, client_id=f"a{i}", body="x")
    events.clear()
    with pytest.raises(RateLimited) as first:
        message_send(sender=mentor, conversation_id=conversation.pk, client_id="a2", body="x")
    # The bucket started full when the first send came and refilled while the sends ran.
    took = time.monotonic() - started
    assert TOKEN_SECONDS - took - 0.1 <= first.value.retry_after <= TOKEN_SECONDS
    time.sleep(1)
    with pytest.raises(RateLimited) as later:
        message_send(sender=mentor, conversation_id=conversation.pk, client_id="a2", body="x")
    # The bucket refills meanwhile: the retry time is what is left, not a fixed 1/rate.
    assert later.value.retry_after == pytest.approx(first.value.retry_after - 1, abs=0.3)
    assert Message.objects.filter(sender=mentor).count() == 2
    assert events == []


def test_the_rate_is_kept_when_redis_does_not_know_the_script(
    db, conversation, mentor, slow_rate, monkeypatch
):
    """The bucket's script runs by its id; a Redis that does not know it (restarted) is sent its
    text, and the shared bucket still refuses the third send."""
    from messaging import limits

    monkeypatch.setattr(limits, "_BUCKET_SHA", "0" * 40)
    for i in range(2):
        message_send(sender=mentor, conversation_id=conversation.pk, client_id=f"k{i}", body="x")
    with pytest.raises(RateLimited):
        message_send(sender=mentor, conversation_id=conversation.pk, client_id="k2", body="x")
    degraded = limits._local.buckets.get(mentor.pk)
    assert degraded is None  # Redis answered: no per-process fallback


def test_the_rate_is_checked_before_anything_is_read(
    db, conversation, mentor, slow_rate, django_assert_num_queries
):
    for i in range(2):
        message_send(sender=mentor, conversation_id=conversation.pk, client_id=f"b{i}", body="x")
    with django_assert_num_queries(0), pytest.raises(RateLimited):
        message_send(sender=mentor, conversation_id=999_999, client_id="b2", body="x")


def test_http_answers_429_with_the_services_retry_time(db, conversation, mentor, slow_rate):
    client = Client(enforce_csrf_checks=False)
    login_verified(client, mentor)
    url = f"/api/conversations/{conversation.pk}/messages/"
    codes = []
    started = time.monotonic()
    for i in range(3):
        response = client.post(
            url, {"client_id": f"h{i}", "body": "x"}, content_type="application/json"
        )
        codes.append(response.status_code)
    assert codes == [201, 201, 429]
    assert response.json()["error"]["code"] == "rate_limited"
    took = time.monotonic() - started
    assert TOKEN_SECONDS - took - 1 <= int(response["Retry-After"]) <= TOKEN_SECONDS
    assert Message.objects.filter(sender=mentor).count() == 2


@pytest.mark.django_db(transaction=True)
async def test_socket_answers_rate_limited_with_the_services_retry_time(
    conversation, mentor, slow_rate
):
    from asgiref.sync import sync_to_async

    from testkit.sessions import session_cookie

    sock = await connect(await sync_to_async(session_cookie)(mentor))
    kinds = []
    started = time.monotonic()
    for i in range(3):
        await sock.send(type="send", conversation=conversation.pk, client_id=f"w{i}", body="x")
        while (reply := await sock.recv())["type"] not in ("ack", "rate_limited"):
            pass  # the sender's own message event
        kinds.append(reply["type"])
    assert kinds == ["ack", "ack", "rate_limited"]
    took = time.monotonic() - started
    assert (TOKEN_SECONDS - took - 0.1) * 1000 <= reply["retry_after_ms"] <= TOKEN_SECONDS * 1000
    await sock.close()


def test_strikes_count_within_the_window():
    strikes = Strikes(window=10)
    assert [strikes.add(now=t) for t in (0, 1, 2)] == [1, 2, 3]
    assert strikes.add(now=10.5) == 3  # the one at 0 left the window
    assert strikes.add(now=30) == 1


def test_flood_policy_names_an_offender_after_its_strikes():
    policy = FloodPolicy(strikes=3, window=60)
    assert [policy.refused(now=t) for t in (0, 1, 2, 3)] == [None, None, 3, 4]
    # A minute of quiet: counting starts again.
    assert policy.refused(now=100) is None
