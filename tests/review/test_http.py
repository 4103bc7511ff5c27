"""The review console over HTTP: rendering (escaped, highlighted), actions, staff reads audited,
and cross-district / non-staff denial on every route (404 and an audit entry, no side effect)."""

import re

import pytest

from accounts.models import AuditEntry, User
from messaging.models import Message
from moderation.models import Action, ReviewAction, ReviewItem, SafeguardingAlert
from moderation.review.actions import review_escalate

from .conftest import login, moderate, send

ACTIONS = [
    "claim",
    "release",
    "uphold",
    "dismiss",
    "warn",
    "pause",
    "resume",
    "suspend",
    "escalate",
    "note",
]


def test_queue_orders_by_priority_then_age(client, make_item, moderator):
    low = make_item("a", action=Action.FLAG, priority="low")
    urgent_old = make_item("b", priority="urgent")
    high = make_item("c", priority="high")
    urgent_new = make_item("d", priority="urgent")
    login(client, moderator)
    response = client.get("/staff/")
    assert response.status_code == 200
    queue_html = response.content.decode().split('id="queue"')[1].split("</table>")[0]
    order = [int(x) for x in re.findall(r'data-item="(\d+)"', queue_html)]
    assert order == [urgent_old.pk, urgent_new.pk, high.pk, low.pk]
    assert client.get("/staff/?format=json").json()["items"][0]["id"] == urgent_old.pk
    assert b'src="/static/moderation/queue.js"' in response.content
    assert b"<script>" not in response.content  # no inline script


def test_item_page_escapes_the_message_and_highlights_spans(
    client, conversation, mentor, student, moderator
):
    body = 'hi <img src=x onerror="alert(1)"> call 555 0100\u202e now'
    start = body.index("555")
    message = send(mentor, conversation, "before it")
    message = send(mentor, conversation, body)
    send(student, conversation, "after it")
    reasons = [
        {
            "detector": "phone",
            "category": "contact_info",
            "reason": "phone number <b>",
            "span": [start, start + 8],
            "score": 1.0,
        }
    ]
    item = moderate(message, reasons=reasons)
    login(client, moderator)
    html = client.get(f"/staff/items/{item.pk}/").content.decode()
    assert '<img src=x onerror="alert(1)">' not in html
    assert "hi &lt;img src=x onerror=&quot;alert(1)&quot;&gt; call " in html
    assert '<mark title="contact_info">555 0100</mark>' in html
    assert "phone number &lt;b&gt;" in html
    assert "before it" in html
    assert "after it" in html
    assert mentor.public_name in html
    assert student.public_name in html


def test_actions_over_http_change_delivery_and_are_recorded(client, make_item, moderator, student):
    item = make_item()
    login(client, moderator)
    response = client.post(f"/staff/items/{item.pk}/release/", {"reason": "School phone"})
    assert response.status_code == 302
    item.message.refresh_from_db()
    assert item.message.state == Message.State.RELEASED
    again = client.post(f"/staff/items/{item.pk}/uphold/", {"reason": "no"})
    assert again.status_code == 409
    item.message.refresh_from_db()
    assert item.message.state == Message.State.RELEASED
    missing_reason = client.post(
        f"/staff/items/{make_item('x').pk}/uphold/", {"reason": ""}, HTTP_ACCEPT="application/json"
    )
    assert missing_reason.status_code == 409
    assert list(ReviewAction.objects.values_list("kind", flat=True)) == ["release"]


def test_bulk_over_http(client, make_item, moderator):
    low = [make_item(f"hello {i}", action=Action.FLAG, priority="low") for i in range(2)]
    login(client, moderator)
    response = client.post(
        "/staff/bulk/",
        {"items": [i.pk for i in low], "action": "dismiss", "reason": "greeting"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"done": [i.pk for i in low], "refused": {}}


def test_staff_reading_a_conversation_is_audited(client, conversation, mentor, moderator):
    held = send(mentor, conversation, "held text")
    moderate(held)
    login(client, moderator)
    response = client.get(f"/staff/conversations/{conversation.pk}/")
    assert response.status_code == 200
    assert b"held text" in response.content  # staff see every state
    entry = AuditEntry.objects.get(action="conversation.view")
    assert (entry.actor_ref, entry.target_id) == (moderator.pk, str(conversation.pk))


# -- denial --------------------------------------------------------------------------------------


@pytest.fixture
def foreign(foreign_item, other_moderator, make_user, other_district):
    other_lead = make_user(User.Role.COORDINATOR, other_district)
    other_district.safeguarding_lead = other_lead
    other_district.save()
    review_escalate(item=foreign_item, actor=other_moderator, reason="x")
    return {
        "item": foreign_item,
        "conversation": foreign_item.conversation,
        "student": foreign_item.conversation.match.student,
        "alert": SafeguardingAlert.objects.get(item=foreign_item),
    }


def staff_routes(f):
    i, c, s, a = f["item"].pk, f["conversation"].pk, f["student"].pk, f["alert"].pk
    routes = [
        ("get", f"/staff/items/{i}/", {}),
        ("get", f"/staff/conversations/{c}/", {}),
        ("get", f"/staff/students/{s}/record.json", {}),
        ("get", f"/staff/students/{s}/record.csv", {}),
        ("post", f"/staff/alerts/{a}/acknowledge/", {}),
    ]
    routes += [("post", f"/staff/items/{i}/{act}/", {"reason": "overreach"}) for act in ACTIONS]
    return routes


def _snapshot(f):
    item = ReviewItem.objects.get(pk=f["item"].pk)
    message = Message.objects.get(pk=item.message_id)
    alert = SafeguardingAlert.objects.get(pk=f["alert"].pk)
    match = f["conversation"].match
    match.refresh_from_db()
    return (
        item.status,
        item.first_action_at,
        item.escalation_count,
        message.state,
        alert.acknowledged_at,
        match.status,
        ReviewAction.objects.filter(item=item).count(),
        Message.objects.filter(conversation=f["conversation"]).count(),
        User.objects.filter(is_active=False).count(),
    )


def test_moderator_of_another_district_gets_404_and_an_audit_entry_everywhere(
    client, foreign, coordinator
):
    before = _snapshot(foreign)
    for user in (coordinator,):  # a coordinator (the widest staff role) of district A
        login(client, user)
        for method, url, data in staff_routes(foreign):
            denials = AuditEntry.objects.filter(action="access.denied").count()
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, url
            assert AuditEntry.objects.filter(action="access.denied").count() == denials + 1, url
            entry = AuditEntry.objects.filter(action="access.denied").last()
            assert entry.actor_ref == user.pk
    assert _snapshot(foreign) == before
    assert not AuditEntry.objects.filter(action__in=["conversation.view", "record.export"]).exists()


def test_moderator_of_another_district_is_denied_too(client, foreign, moderator):
    before = _snapshot(foreign)
    login(client, moderator)
    for method, url, data in staff_routes(foreign):
        assert getattr(client, method)(url, data).status_code == 404, url
    response = client.post(
        "/staff/bulk/",
        {"items": [foreign["item"].pk], "action": "dismiss", "reason": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"done": [], "refused": {}}
    assert _snapshot(foreign) == before
    assert foreign["item"].pk not in [
        i["id"] for i in client.get("/staff/?format=json").json()["items"]
    ]


@pytest.mark.parametrize("role", ["student", "mentor"])
def test_members_calling_staff_routes_get_404_and_are_audited(
    client, make_item, make_user, district, role
):
    item = make_item()
    user = make_user(role, district)
    login(client, user)
    urls = ["/staff/", f"/staff/items/{item.pk}/", "/staff/reports/quality/"]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(f"/staff/items/{item.pk}/release/", {"reason": "x"}).status_code == 404
    assert AuditEntry.objects.filter(action="access.denied", actor_ref=user.pk).count() == 4
    item.message.refresh_from_db()
    assert item.message.state == Message.State.HELD


def test_anonymous_users_are_sent_to_sign_in(client, make_item):
    item = make_item()
    response = client.get(f"/staff/items/{item.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_moderators_cannot_export_student_records(client, moderator, student):
    login(client, moderator)
    assert client.get(f"/staff/students/{student.pk}/record.json").status_code == 404
    assert not AuditEntry.objects.filter(action="record.export").exists()


def test_staff_conversation_index_lists_only_the_own_district(
    client, conversation, foreign_item, coordinator
):
    # Links to the conversations are offered to staff who may read them.
    coordinator.district.coordinators_read_conversations = True
    coordinator.district.save()
    login(client, coordinator)
    html = client.get("/staff/conversations/").content.decode()
    assert f"/staff/conversations/{conversation.pk}/" in html
    assert f"/staff/conversations/{foreign_item.conversation_id}/" not in html
    assert f"/staff/students/{conversation.match.student_id}/record.json" in html
    assert not AuditEntry.objects.filter(action="conversation.view").exists()


@pytest.mark.parametrize(
    ("role", "shown"), [("student", True), ("mentor", True), ("moderator", False)]
)
def test_members_see_the_monitoring_notice(client, make_user, district, role, shown):
    login(client, make_user(role, district))
    html = client.get("/").content.decode()
    assert ("program staff can read conversations" in html) is shown
