"""FAULTS 24, the conversation side: a closed match, or a suspended or deactivated adult, has no
access at all to the conversation (HTTP API, socket, pages, live events), answered as not found
like a non-member; a paused match stays readable by its members but takes no messages."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.test import Client

from accounts.models import AuditEntry, User
from actions.review import review_suspend_user
from messaging import realtime
from messaging import services as messaging
from messaging.access import ConversationNotFound, access_conversation_as_member
from messaging.models import Message
from moderation.review.actions import review_release
from testkit.sessions import login_verified, session_cookie
from tests.messaging.support import connect
from tests.review.conftest import moderate, send

pytestmark = pytest.mark.usefixtures("fresh_limits")


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def history(client, conversation, **params):
    return client.get(f"/api/conversations/{conversation.pk}/messages/", params)


def denied(conversation) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(
            action="messaging.access_denied", target_id=str(conversation.pk)
        ).values_list("action", "target_id")
    )


def test_closed_match_history_is_not_found_over_the_api_for_both_members(
    conversation, active_match, mentor, student
):
    send(mentor, conversation, "See you on Thursday")
    clients = {"mentor": signed_in(mentor), "student": signed_in(student)}
    for client in clients.values():
        assert [m["body"] for m in history(client, conversation).json()["messages"]] == [
            "See you on Thursday"
        ]

    messaging.match_close(match=active_match, actor=None, reason="Program ended")

    for client in clients.values():
        for params in ({}, {"after_seq": 0}, {"before_seq": 5}):
            response = history(client, conversation, **params)
            code = response.json().get("error", {}).get("code")
            assert (response.status_code, code) == (404, "not_found")
        assert client.get("/api/conversations/").json() == {"conversations": []}
        assert client.get(f"/conversations/{conversation.pk}/").status_code == 404
    assert len(denied(conversation)) == 6
    for user in (mentor, student):
        with pytest.raises(ConversationNotFound):
            access_conversation_as_member(user=user, conversation_id=conversation.pk)


def test_paused_match_is_read_only_for_its_members(conversation, active_match, mentor, student):
    send(student, conversation, "Hello mentor")
    messaging.match_pause(match=active_match, actor=None, reason="Report under review")
    client = signed_in(student)
    page = history(client, conversation)
    assert page.status_code == 200
    assert [m["body"] for m in page.json()["messages"]] == ["Hello mentor"]
    listed = client.get("/api/conversations/").json()["conversations"]
    assert [(c["id"], c["open"]) for c in listed] == [(conversation.pk, False)]
    with pytest.raises(messaging.MessageRejected) as refused:
        send(mentor, conversation, "Are you there?")
    assert refused.value.code == "closed"
    assert list(
        Message.objects.filter(conversation=conversation).values_list("body", flat=True)
    ) == ["Hello mentor"]
    assert denied(conversation) == []


def test_suspended_mentor_cannot_read_the_conversation_nor_hear_of_it(
    conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    waiting = moderate(send(student, conversation, "my bus is the 14"))
    item = moderate(send(mentor, conversation, "what's your address?"))
    review_suspend_user(item=item, actor=moderator, reason="Asked for an address")
    mentor.refresh_from_db()
    assert mentor.is_active is False
    with pytest.raises(ConversationNotFound):
        access_conversation_as_member(user=mentor, conversation_id=conversation.pk)
    # The student keeps a read-only history of the (paused) match.
    assert access_conversation_as_member(user=student, conversation_id=conversation.pk) == (
        conversation
    )
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_release(item=waiting, actor=moderator, reason="Fine")
    assert [(g, e["type"]) for g, e in events if g.startswith("user.")] == [
        (realtime.user_group(student.pk), "message")
    ]


def test_closed_conversation_sends_no_live_events_to_its_former_members(
    conversation,
    active_match,
    mentor,
    student,
    moderator,
    events,
    django_capture_on_commit_callbacks,
):
    held = send(mentor, conversation, "meet me at the mall")
    item = moderate(held)
    messaging.match_close(match=active_match, actor=moderator, reason="Concern")
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_release(item=item, actor=moderator, reason="Harmless after all")
    member_groups = {realtime.user_group(mentor.pk), realtime.user_group(student.pk)}
    assert [(g, e["type"]) for g, e in events if g in member_groups] == []
    # The moderators still hear about the item.
    assert [
        e["type"] for g, e in events if g == realtime.staff_group(conversation.district_id)
    ] == ["review.updated"]


@pytest.mark.django_db(transaction=True)
async def test_closed_match_socket_resume_and_history_are_refused_and_the_page_is_told(
    conversation, active_match, mentor, student
):
    await sync_to_async(send)(mentor, conversation, "first")
    student_socket = await connect(await database_sync_to_async(session_cookie)(student))
    mentor_socket = await connect(await database_sync_to_async(session_cookie)(mentor))
    assert [c["id"] for c in student_socket.hello["conversations"]] == [conversation.pk]

    await database_sync_to_async(messaging.match_close)(
        match=active_match, actor=None, reason="Program ended"
    )

    for sock in (student_socket, mentor_socket):
        status = await sock.recv_type("conversation.status")
        assert (status["open"], status["match_status"]) == (False, "closed")
        await sock.send(type="resume", conversation=conversation.pk, after_seq=0, ref="r")
        refused = await sock.recv()
        assert (refused["type"], refused["code"], refused["ref"]) == ("error", "not_found", "r")
        assert "messages" not in refused
        await sock.send(type="history", conversation=conversation.pk)
        assert (await sock.recv())["code"] == "not_found"
        await sock.send(type="conversations")
        assert (await sock.recv_type("conversations"))["conversations"] == []
        assert await sock.nothing()
        await sock.close()
    again = await connect(await database_sync_to_async(session_cookie)(student))
    assert again.hello["conversations"] == []
    await again.close()
    assert await database_sync_to_async(lambda: len(denied(conversation)))() == 4


def test_deactivated_adult_in_a_group_is_refused_and_not_told(
    program, mentor, student, make_user, district, events, django_capture_on_commit_callbacks
):
    other = make_user(User.Role.STUDENT, district)
    group = messaging.group_conversation_create(
        program=program, title="Robotics club", mentors=[mentor], students=[student, other]
    )
    User.objects.filter(pk=mentor.pk).update(is_active=False)
    mentor.refresh_from_db()
    with pytest.raises(ConversationNotFound):
        access_conversation_as_member(user=mentor, conversation_id=group.pk)
    assert access_conversation_as_member(user=student, conversation_id=group.pk) == group
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send(student, group, "Our robot works!")
    assert sorted(g for g, e in events if e["type"] == "message") == sorted(
        realtime.user_group(uid) for uid in (student.pk, other.pk)
    )


def test_a_student_can_still_report_an_adult_after_the_match_closed(
    conversation, active_match, mentor, student, make_user, district
):
    from moderation.models import Report

    message = send(mentor, conversation, "Great work on your essay")
    messaging.match_close(match=active_match, actor=None, reason="Program ended")
    reporting = signed_in(student)
    response = reporting.post(
        "/report/",
        {"conversation": conversation.pk, "message": message.pk, "reason": "it felt wrong"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert list(Report.objects.values_list("reporter_id", "subject_id", "message_id")) == [
        (student.pk, mentor.pk, message.pk)
    ]
    # Still no reading: the report path gives no history back.
    assert history(reporting, conversation).status_code == 404
    outsider = signed_in(make_user(User.Role.STUDENT, district))
    refused = outsider.post(
        "/report/",
        {"conversation": conversation.pk, "subject": mentor.pk, "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert Report.objects.count() == 1
