"""State changes while a member is away: a held message released, a delivered one withdrawn.

A member's client keeps the last sequence number and the last change number it has; resuming with
both brings the new messages and the new states of the ones it already had (docs/protocol.md).
"""

import json

import pytest
from asgiref.sync import sync_to_async

from actions.messages import message_send
from messaging import selectors
from messaging.models import Conversation, Message
from moderation.models import ReviewItem
from moderation.review.actions import review_release, review_uphold
from testkit.sessions import session_cookie

from .support import connect

HELD_BODY = "text me on 555 014 2233 tonight"  # contact details from an adult to a student


def send(user, conversation, client_id, body="Hello"):
    return message_send(
        sender=user, conversation_id=conversation.pk, client_id=client_id, body=body
    ).message


def resume(user, conversation, *, after_seq, after_change):
    conversation = Conversation.objects.get(pk=conversation.pk)
    return selectors.resume_page(
        user=user,
        conversation=conversation,
        after_seq=after_seq,
        limit=100,
        after_change=after_change,
    )


def item_for(message):
    return ReviewItem.objects.get(message=message)


@pytest.fixture
def held(conversation, mentor):
    message = send(mentor, conversation, "held", HELD_BODY)
    assert message.state == Message.State.HELD
    return message


def test_every_insert_and_every_later_state_change_takes_the_next_change_number(
    db, conversation, mentor, student, moderator, held
):
    first = send(student, conversation, "s1")
    assert (held.change, first.change) == (1, 2)
    review_release(item=item_for(held), actor=moderator, reason="A school phone line.")
    held.refresh_from_db()
    assert held.change == 3
    conversation.refresh_from_db()
    assert (conversation.last_seq, conversation.last_change) == (2, 3)


def test_a_message_released_while_the_student_was_away_comes_with_the_resume(
    db, conversation, mentor, student, moderator, held
):
    # The student's page had everything: seq 1 (not theirs to see yet) and change 1.
    page = resume(student, conversation, after_seq=0, after_change=0)
    assert (page["messages"], page["through_seq"], page["through_change"]) == ([], 1, 1)
    review_release(item=item_for(held), actor=moderator, reason="A school phone line.")

    page = resume(student, conversation, after_seq=1, after_change=1)
    assert page["messages"] == []  # nothing new by sequence ...
    [change] = page["changes"]  # ... but the released message, as the live event would be
    assert change["type"] == "message"
    assert (change["message"]["seq"], change["message"]["state"]) == (1, "released")
    assert change["message"]["body"] == HELD_BODY
    assert (page["through_change"], page["changes_more"]) == (2, False)
    # Asked again from there: nothing.
    again = resume(student, conversation, after_seq=1, after_change=2)
    assert again["changes"] == []


def test_without_after_change_a_resume_is_what_it_was(db, conversation, mentor, student, held):
    page = resume(student, conversation, after_seq=0, after_change=None)
    assert {"changes", "through_change", "changes_more"}.isdisjoint(page)


def test_a_held_message_stays_out_of_the_recipients_changes_until_released(
    db, conversation, mentor, student, held
):
    send(student, conversation, "s1")
    page = resume(student, conversation, after_seq=2, after_change=0)
    assert [c["message"]["seq"] for c in page["changes"]] == [2]  # their own, not the held one
    mentors = resume(mentor, conversation, after_seq=2, after_change=0)
    assert [(c["message"]["seq"], c["message"]["state"]) for c in mentors["changes"]] == [
        (1, "held"),
        (2, "delivered"),
    ]


def test_a_flag_upheld_while_the_student_was_away_is_withdrawn_on_resume(
    db, conversation, mentor, student, moderator
):
    from tests.review.conftest import moderate

    message = send(mentor, conversation, "f1", "You did great today")
    item = moderate(message, action="flag")
    message.refresh_from_db()
    assert message.is_visible_to_recipients  # the student saw it
    page = resume(student, conversation, after_seq=0, after_change=0)
    assert [m["seq"] for m in page["messages"]] == [1]
    through_change = page["through_change"]

    review_uphold(item=item, actor=moderator, reason="Not appropriate.")
    page = resume(student, conversation, after_seq=1, after_change=through_change)
    assert page["changes"] == [
        {"type": "message.withdrawn", "conversation": conversation.pk, "id": message.pk, "seq": 1}
    ]  # ids only: the text stays out
    sender = resume(mentor, conversation, after_seq=1, after_change=through_change)
    assert [(c["type"], c["message"]["state"]) for c in sender["changes"]] == [
        ("message", "rejected")
    ]


def test_many_changes_come_in_pages(db, conversation, mentor, student, moderator, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_MAX", 3)
    for n in range(5):
        send(student, conversation, f"s{n}")
    page = resume(student, conversation, after_seq=5, after_change=0)
    assert [c["message"]["seq"] for c in page["changes"]] == [1, 2, 3]
    assert (page["through_change"], page["changes_more"]) == (3, True)
    page = resume(student, conversation, after_seq=5, after_change=3)
    assert [c["message"]["seq"] for c in page["changes"]] == [4, 5]
    assert (page["through_change"], page["changes_more"]) == (5, False)


def test_history_gives_the_change_number_to_resume_from(client, conversation, mentor, student):
    from testkit.sessions import login_verified

    send(student, conversation, "s1")
    login_verified(client, mentor)
    url = f"/api/conversations/{conversation.pk}/messages/"
    body = client.get(url).json()
    assert body["through_change"] == 1
    body = client.get(url, {"after_seq": 1, "after_change": 0}).json()
    assert [c["message"]["seq"] for c in body["changes"]] == [1]
    assert client.get(url, {"after_change": 0}).status_code == 400


@pytest.mark.django_db(transaction=True)
async def test_the_socket_resumes_changes(conversation, mentor, student, moderator):
    held = await sync_to_async(send)(mentor, conversation, "held", HELD_BODY)
    s = await connect(await sync_to_async(session_cookie)(student))
    await s.send(type="history", conversation=conversation.pk, limit=50)
    history = await s.recv_type("history")
    assert (history["messages"], history["through_change"]) == ([], 1)
    await s.close()  # away

    item = await sync_to_async(item_for)(held)
    await sync_to_async(review_release)(item=item, actor=moderator, reason="Fine.")
    s = await connect(await sync_to_async(session_cookie)(student))
    await s.send(type="resume", conversation=conversation.pk, after_seq=1, after_change=1)
    page = await s.recv_type("messages")
    assert [(c["message"]["seq"], c["message"]["state"]) for c in page["changes"]] == [
        (1, "released")
    ]
    await s.send_raw(
        json.dumps(
            {"type": "resume", "conversation": conversation.pk, "after_seq": 1, "after_change": -1}
        )
    )
    error = await s.recv_type("error")
    assert (error["code"], error["field"]) == ("wrong_type", "after_change")
    await s.close()
