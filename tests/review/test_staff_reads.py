"""Staff reads of conversation content: every one is recorded, and reading conversations is a
moderator's right that a district may extend to its coordinators
(`District.coordinators_read_conversations`)."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from accounts.models import AuditEntry, District
from messaging.access import ConversationNotFound, access_conversation_as_staff

from .conftest import login, moderate, send


def _views():
    return list(
        AuditEntry.objects.filter(action="conversation.view").values_list(
            "actor_ref", "target_type", "target_id", "detail"
        )
    )


def test_opening_a_review_item_records_a_staff_read(client, conversation, mentor, moderator):
    item = moderate(send(mentor, conversation, "call me at 555 0100"))
    login(client, moderator)
    assert _views() == []
    response = client.get(f"/staff/items/{item.pk}/")
    assert response.status_code == 200
    assert b"call me at 555 0100" in response.content
    assert _views() == [
        (
            moderator.pk,
            "conversation",
            str(conversation.pk),
            {"reason_sha256": "", "review_item": item.pk},
        )
    ]


def test_the_queue_shows_no_text_and_records_no_read(client, conversation, mentor, moderator):
    moderate(send(mentor, conversation, "call me at 555 0100"))
    login(client, moderator)
    response = client.get("/staff/")
    assert response.status_code == 200
    assert b"555 0100" not in response.content
    assert _views() == []


def test_a_refused_item_page_records_no_read(client, foreign_item, moderator):
    login(client, moderator)
    assert client.get(f"/staff/items/{foreign_item.pk}/").status_code == 404
    assert _views() == []


def test_coordinators_do_not_read_conversations_by_default(
    client, conversation, mentor, coordinator
):
    send(mentor, conversation, "a private message")
    assert coordinator.district.coordinators_read_conversations is False
    with pytest.raises(ConversationNotFound):
        access_conversation_as_staff(user=coordinator, conversation_id=conversation.pk)
    login(client, coordinator)
    response = client.get(f"/staff/conversations/{conversation.pk}/")
    assert response.status_code == 404
    assert b"a private message" not in response.content
    assert _views() == []
    denied = AuditEntry.objects.get(action="access.denied")
    assert (denied.actor_ref, denied.target_type, denied.target_id, denied.detail) == (
        coordinator.pk,
        "conversation",
        str(conversation.pk),
        {"why": "reading conversations not granted"},
    )
    # The index still lists the district's conversations (titles and counts, no text), without
    # links the coordinator cannot follow.
    index = client.get("/staff/conversations/").content.decode()
    assert conversation.title.replace("&", "&amp;") in index
    assert f"/staff/conversations/{conversation.pk}/" not in index


def test_a_district_may_let_its_coordinators_read_conversations_audited(
    client, conversation, mentor, coordinator, district
):
    send(mentor, conversation, "a private message")
    district.coordinators_read_conversations = True
    district.save()
    coordinator.refresh_from_db()
    assert access_conversation_as_staff(user=coordinator, conversation_id=conversation.pk) == (
        conversation
    )
    login(client, coordinator)
    response = client.get(f"/staff/conversations/{conversation.pk}/")
    assert response.status_code == 200
    assert b"a private message" in response.content
    assert _views() == [
        (coordinator.pk, "conversation", str(conversation.pk), {"reason_sha256": ""})
    ]
    assert not AuditEntry.objects.filter(action="access.denied").exists()


def test_the_grant_is_per_district(conversation, make_user, other_district, foreign_item, district):
    other_district.coordinators_read_conversations = True
    other_district.save()
    # A coordinator of a district that did not grant it, and one of a district that did, on a
    # conversation of the first district: neither reads it.
    own = make_user("coordinator", district)
    elsewhere = make_user("coordinator", other_district)
    for user in (own, elsewhere):
        with pytest.raises(ConversationNotFound):
            access_conversation_as_staff(user=user, conversation_id=conversation.pk)
    assert (
        access_conversation_as_staff(user=elsewhere, conversation_id=foreign_item.conversation_id)
        == foreign_item.conversation
    )


def test_moderators_read_conversations_whatever_the_district_setting(
    client, conversation, mentor, moderator
):
    send(mentor, conversation, "a private message")
    assert moderator.district.coordinators_read_conversations is False
    login(client, moderator)
    response = client.get(f"/staff/conversations/{conversation.pk}/")
    assert response.status_code == 200
    assert b"a private message" in response.content
    assert _views() == [(moderator.pk, "conversation", str(conversation.pk), {"reason_sha256": ""})]


def test_only_a_platform_superuser_can_grant_the_right_in_the_admin(coordinator, make_user):
    district_admin = site._registry[District]
    request = RequestFactory().get("/admin/")
    request.user = coordinator
    assert "coordinators_read_conversations" in district_admin.get_readonly_fields(request)
    request.user = make_user("coordinator", coordinator.district, is_superuser=True)
    assert "coordinators_read_conversations" not in district_admin.get_readonly_fields(request)
