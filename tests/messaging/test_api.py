"""The JSON API beside the socket: history with cursors, sending with the same idempotency, CSRF."""

import json

import pytest
from django.test import Client

from accounts.models import AuditEntry
from actions.messages import message_send
from messaging.models import Message
from testkit.sessions import login_verified

pytestmark = pytest.mark.usefixtures("fresh_limits")


def signed_in(user, *, csrf: bool = True) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    login_verified(client, user)
    return client


def csrf_headers(client: Client) -> dict:
    client.get("/")  # sets the csrftoken cookie
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def url(conversation, what="messages"):
    return f"/api/conversations/{conversation.pk}/{what}/"


def test_send_then_resend_gives_the_same_answer(conversation, mentor, events):
    client = signed_in(mentor)
    headers = csrf_headers(client)
    first = post(client, url(conversation), {"client_id": "h-1", "body": "Hi"}, **headers)
    again = post(client, url(conversation), {"client_id": "h-1", "body": "Hi"}, **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    stored = Message.objects.get(sender=mentor, client_id="h-1")
    assert (
        first.json()
        == again.json()
        == {
            "client_id": "h-1",
            "conversation": conversation.pk,
            "id": stored.pk,
            "seq": 1,
            "state": "delivered",
            "created_at": stored.created_at.isoformat(),
        }
    )
    conflict = post(client, url(conversation), {"client_id": "h-1", "body": "Other"}, **headers)
    assert (conflict.status_code, conflict.json()["error"]["code"]) == (409, "conflict")
    assert Message.objects.filter(sender=mentor).count() == 1


def test_csrf_is_enforced_on_send(conversation, mentor):
    client = signed_in(mentor)
    response = post(client, url(conversation), {"client_id": "x", "body": "Hi"})
    assert response.status_code == 403
    assert Message.objects.count() == 0


def test_anonymous_gets_401_json(conversation):
    response = Client().get(url(conversation))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_non_member_gets_404_is_audited_and_nothing_is_written(
    conversation, mentor, make_user, district
):
    message_send(sender=mentor, conversation_id=conversation.pk, client_id="p", body="private")
    outsider = make_user("mentor", district)
    client = signed_in(outsider)
    headers = csrf_headers(client)
    assert client.get(url(conversation)).status_code == 404
    sent = post(client, url(conversation), {"client_id": "o", "body": "hi"}, **headers)
    read = post(client, url(conversation, "read"), {"seq": 1}, **headers)
    assert (sent.status_code, read.status_code) == (404, 404)
    assert sent.json() == {"error": {"code": "not_found", "detail": "No such conversation."}}
    assert Message.objects.filter(conversation=conversation).count() == 1
    assert AuditEntry.objects.filter(actor=outsider, action="messaging.access_denied").count() == 3


def test_history_cursor_pages_backwards_and_forwards(conversation, mentor, student):
    for i in range(1, 6):
        message_send(
            sender=mentor, conversation_id=conversation.pk, client_id=f"c{i}", body=f"m{i}"
        )
    client = signed_in(student)
    newest = client.get(url(conversation), {"limit": 2}).json()
    assert ([m["seq"] for m in newest["messages"]], newest["more"]) == ([4, 5], True)
    older = client.get(url(conversation), {"before_seq": newest["next_before_seq"]}).json()
    assert ([m["seq"] for m in older["messages"]], older["more"]) == ([1, 2, 3], False)
    after = client.get(url(conversation), {"after_seq": 3, "limit": 1}).json()
    assert (after["through_seq"], after["more"], [m["seq"] for m in after["messages"]]) == (
        4,
        True,
        [4],
    )


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("{nope", "invalid_json"),
        ("[1]", "invalid_frame"),
        ('{"client_id": "a"}', "missing_field"),
        ('{"client_id": "a", "body": "x", "extra": 1}', "unexpected_field"),
        ('{"client_id": 1, "body": "x"}', "wrong_type"),
        ('{"client_id": "a", "body": ""}', "empty"),
        ('{"client_id": "a", "body": "a\\u0000b"}', "invalid"),
    ],
)
def test_bad_send_bodies_get_json_errors(conversation, mentor, payload, code):
    client = signed_in(mentor)
    response = client.post(
        url(conversation), payload, content_type="application/json", **csrf_headers(client)
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert Message.objects.count() == 0


def test_bad_query_parameters_are_400(conversation, student):
    client = signed_in(student)
    for params in ({"after_seq": "x"}, {"limit": "-1"}, {"after_seq": 1, "before_seq": 2}):
        assert client.get(url(conversation), params).status_code == 400


def test_http_send_shares_the_rate_limit(conversation, mentor, settings):
    settings.TRELLIS_REALTIME = settings.TRELLIS_REALTIME | {
        "SEND_BURST": 2,
        "SEND_RATE_PER_SECOND": 0.1,
    }
    client = signed_in(mentor)
    headers = csrf_headers(client)
    codes = [
        post(client, url(conversation), {"client_id": f"r{i}", "body": "x"}, **headers).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]
    assert Message.objects.count() == 2


def test_mark_read_via_http(conversation, mentor, student):
    message_send(sender=mentor, conversation_id=conversation.pk, client_id="a", body="x")
    client = signed_in(student)
    response = post(client, url(conversation, "read"), {"seq": 5}, **csrf_headers(client))
    assert response.json() == {"conversation": conversation.pk, "user": student.pk, "seq": 1}
    unread = client.get("/api/conversations/").json()["conversations"][0]["unread"]
    assert unread == 0


def test_conversation_page_for_members_only(conversation, student, make_user, district):
    page = signed_in(student, csrf=False).get(f"/conversations/{conversation.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="module"' in html
    assert "frontend/conversation.js" in html
    assert "<script>" not in html  # no inline script: the CSP forbids it
    assert f'data-conversation="{conversation.pk}"' in html
    outsider = make_user("student", district)
    assert signed_in(outsider).get(f"/conversations/{conversation.pk}/").status_code == 404


def test_health_counts_realtime_recoveries(client, db):
    from messaging import realtime

    realtime.stats["gaps_filled"] += 2
    layer = client.get("/healthz").json()["checks"]["channel_layer"]
    assert layer["gaps_filled"] == realtime.stats["gaps_filled"]
    assert set(layer) >= {"duplicates_dropped", "layer_receive_failed", "db_unavailable"}
