"""Every review action's effect on delivery, on what the sender and the recipient see, on the
events that leave after commit, and on the record (ReviewAction + audit log)."""

import asyncio
import hashlib

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError

from accounts.models import AuditEntry, User
from actions.review import review_pause_match, review_resume_match, review_suspend_user
from messaging import realtime
from messaging import services as messaging
from messaging.models import Match, Message
from messaging.selectors import messages_after
from moderation.models import Action, ReviewAction, ReviewItem, SafeguardingAlert
from moderation.review.actions import (
    review_bulk,
    review_claim,
    review_dismiss,
    review_escalate,
    review_note,
    review_release,
    review_uphold,
    review_warn_sender,
)
from moderation.review.items import ReviewConflict, review_item_open

from .conftest import moderate, send


def seen_by(user, conversation):
    return [m.pk for m in messages_after(user=user, conversation=conversation, after_seq=0)[0]]


def groups_of(events, type_):
    return sorted(g for g, e in events if e["type"] == type_)


def audit_actions():
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def test_open_queues_the_item_and_tells_the_districts_staff_live(
    conversation, mentor, events, django_capture_on_commit_callbacks
):
    message = send(mentor, conversation, "my number is 555 0100")
    with django_capture_on_commit_callbacks(execute=True):
        item = moderate(message, action=Action.FLAG, priority="high")
    assert (item.district_id, item.conversation_id, item.message_id) == (
        conversation.district_id,
        conversation.pk,
        message.pk,
    )
    assert (item.priority, item.priority_rank, item.status) == ("high", 2, "open")
    staff = realtime.staff_group(conversation.district_id)
    to_staff = [e for g, e in events if g == staff]
    assert [(e["type"], e["item"]["id"], e["action"]) for e in to_staff] == [
        ("review.item", item.pk, "flag")
    ]
    assert "555" not in str(to_staff)  # the staff event carries ids, not text
    assert AuditEntry.objects.filter(action="review.open", target_id=str(item.pk)).count() == 1


def test_urgent_item_raises_a_distinct_alert(
    make_item, conversation, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(priority="urgent")
    staff = realtime.staff_group(conversation.district_id)
    # Only this item's events (a pipeline that judged the text itself announced its own item).
    to_staff = [e for g, e in events if g == staff and e["item"]["id"] == item.pk]
    assert [e["type"] for e in to_staff] == ["review.item", "review.urgent"]


def test_open_is_idempotent_and_refuses_deliver_verdicts(make_item, events):
    item = make_item()
    again = review_item_open(message=item.message, verdict=item.message.verdict)
    assert again.pk == item.pk
    assert ReviewItem.objects.filter(message=item.message).count() == 1
    item.message.verdict.action = Action.DELIVER
    with pytest.raises(ValidationError):
        review_item_open(message=item.message, verdict=item.message.verdict)


def test_release_delivers_a_held_message_to_the_recipient(
    make_item, conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    item = make_item()
    message = item.message
    assert message.pk in seen_by(mentor, conversation)
    assert message.pk not in seen_by(student, conversation)
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_release(item=item, actor=moderator, reason="Phone number of the school")
    message.refresh_from_db()
    item.refresh_from_db()
    assert message.state == Message.State.RELEASED
    assert message.pk in seen_by(student, conversation)
    assert groups_of(events, "message") == sorted(
        [realtime.user_group(mentor.pk), realtime.user_group(student.pk)]
    )
    assert all(e["message"]["state"] == "released" for _, e in events if e["type"] == "message")
    assert (item.status, item.resolution) == ("resolved", "released")
    assert item.first_action_at is not None
    assert item.resolved_at is not None
    action = ReviewAction.objects.get(item=item)
    assert (action.kind, action.actor_id, action.reason) == (
        "release",
        moderator.pk,
        "Phone number of the school",
    )
    entry = AuditEntry.objects.get(action="review.release")
    assert (entry.actor_ref, entry.target_id, entry.district_ref) == (
        moderator.pk,
        str(item.pk),
        conversation.district_id,
    )
    assert (
        entry.detail["reason_sha256"] == hashlib.sha256(b"Phone number of the school").hexdigest()
    )
    assert "school" not in str(entry.detail)


def test_uphold_keeps_a_held_message_from_the_recipient_and_tells_the_sender(
    make_item, conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    item = make_item()
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_uphold(item=item, actor=moderator, reason="Off-platform contact")
    item.message.refresh_from_db()
    assert item.message.state == Message.State.REJECTED
    assert item.message.pk not in seen_by(student, conversation)
    assert item.message.pk in seen_by(mentor, conversation)  # the sender sees it was not delivered
    message_events = [(g, e) for g, e in events if e["type"] == "message"]
    assert [g for g, _ in message_events] == [realtime.user_group(mentor.pk)]
    assert message_events[0][1]["message"]["state"] == "rejected"
    student_group = realtime.user_group(student.pk)
    assert [e for g, e in events if g == student_group] == []  # nothing at all to the recipient


def test_uphold_withdraws_an_already_delivered_flag_from_the_recipient(
    make_item, conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    item = make_item("see you at the mall", action=Action.FLAG)
    assert item.message.pk in seen_by(student, conversation)
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_uphold(item=item, actor=moderator, reason="Unapproved venue")
    assert item.message.pk not in seen_by(student, conversation)
    withdrawn = [(g, e) for g, e in events if e["type"] == "message.withdrawn"]
    assert withdrawn == [
        (
            realtime.user_group(student.pk),
            {
                "type": "message.withdrawn",
                "conversation": conversation.pk,
                "id": item.message.pk,
                "seq": item.message.seq,
            },
        )
    ]
    assert groups_of(events, "message") == [realtime.user_group(mentor.pk)]


def test_dismiss_leaves_a_flag_delivered_and_sends_no_message_event(
    make_item, conversation, student, moderator, events, django_capture_on_commit_callbacks
):
    item = make_item(action=Action.FLAG)
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_dismiss(item=item, actor=moderator, reason="A school number")
    item.refresh_from_db()
    item.message.refresh_from_db()
    assert (item.status, item.resolution) == ("resolved", "dismissed")
    assert item.message.state == Message.State.FLAGGED
    assert item.message.pk in seen_by(student, conversation)
    assert groups_of(events, "message") == []
    assert [e["type"] for _, e in events] == ["review.updated"]


def test_a_held_message_cannot_be_dismissed_nor_a_flag_released(
    make_item, conversation, student, moderator
):
    held = make_item()
    flagged = make_item("another one", action=Action.FLAG)
    with pytest.raises(ReviewConflict):
        review_dismiss(item=held, actor=moderator, reason="x")
    with pytest.raises(ReviewConflict):
        review_release(item=flagged, actor=moderator, reason="x")
    held.message.refresh_from_db()
    assert held.message.state == Message.State.HELD
    assert held.message.pk not in seen_by(student, conversation)
    assert ReviewAction.objects.count() == 0
    assert "review.dismiss" not in audit_actions()
    assert "review.release" not in audit_actions()


def test_actions_need_a_reason_and_refuse_resolved_items(make_item, moderator):
    item = make_item()
    with pytest.raises(ValidationError):
        review_release(item=item, actor=moderator, reason="  ")
    review_release(item=item, actor=moderator, reason="fine")
    with pytest.raises(ReviewConflict):
        review_uphold(item=item, actor=moderator, reason="changed my mind")
    item.message.refresh_from_db()
    assert item.message.state == Message.State.RELEASED
    assert list(ReviewAction.objects.values_list("kind", flat=True)) == ["release"]


def test_staff_of_another_district_cannot_act(make_item, other_moderator, student, conversation):
    item = make_item()
    with pytest.raises(ReviewConflict):
        review_release(item=item, actor=other_moderator, reason="not mine")
    item.message.refresh_from_db()
    assert item.message.state == Message.State.HELD
    assert item.message.pk not in seen_by(student, conversation)


def test_warn_posts_a_program_message_both_members_see(
    make_item, conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    item = make_item(action=Action.FLAG)
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        warning = review_warn_sender(item=item, actor=moderator, reason="Contact details")
        second = review_warn_sender(item=item, actor=moderator, reason="Again")
    assert warning.kind == Message.Kind.SYSTEM
    assert warning.sender_id is None
    assert mentor.public_name in warning.body
    assert second.pk != warning.pk
    for user in (mentor, student):
        assert {warning.pk, second.pk} <= set(seen_by(user, conversation))
    assert groups_of(events, "message") == sorted(
        [realtime.user_group(mentor.pk), realtime.user_group(student.pk)] * 2
    )
    item.refresh_from_db()
    assert item.status == "open"
    assert item.first_action_at is not None
    assert ReviewAction.objects.filter(kind="warn", target_user=mentor).count() == 2


def test_pause_stops_the_conversation_accepting_messages(
    make_item, conversation, mentor, student, moderator, events, django_capture_on_commit_callbacks
):
    item = make_item()
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_pause_match(item=item, actor=moderator, reason="Needs a check-in")
    conversation.refresh_from_db()
    assert conversation.match.status == Match.Status.PAUSED
    assert conversation.is_open is False
    assert groups_of(events, "conversation.status") == sorted(
        [realtime.user_group(mentor.pk), realtime.user_group(student.pk)]
    )
    with pytest.raises(messaging.MessageRejected) as exc:
        send(student, conversation, "are you there?")
    assert exc.value.code == "closed"
    assert "review.pause" in audit_actions()

    review_resume_match(item=item, actor=moderator, reason="Spoke with both")
    conversation.refresh_from_db()
    assert conversation.match.status == Match.Status.ACTIVE
    assert send(student, conversation, "back again").state == Message.State.DELIVERED
    with pytest.raises(ReviewConflict):
        review_resume_match(item=item, actor=moderator, reason="twice")
    assert list(item.actions.values_list("kind", flat=True)) == ["pause", "resume"]


def test_suspend_disables_the_account_pauses_matches_and_closes_sockets(
    make_item, conversation, mentor, student, moderator, django_capture_on_commit_callbacks
):
    item = make_item()

    def suspend():
        with django_capture_on_commit_callbacks(execute=True):
            review_suspend_user(item=item, actor=moderator, reason="Grooming pattern")

    async def listen_while_suspending():
        # A stand-in for the mentor's socket: a channel in the mentor's group on the real layer.
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(realtime.user_group(mentor.pk), channel)
        try:
            await sync_to_async(suspend)()
            return await asyncio.wait_for(layer.receive(channel), 5)
        finally:
            await layer.group_discard(realtime.user_group(mentor.pk), channel)

    received = async_to_sync(listen_while_suspending)()
    assert received == {"type": "trellis.close", "reason": "suspended"}
    mentor.refresh_from_db()
    student.refresh_from_db()
    assert mentor.is_active is False
    assert student.is_active is True
    conversation.match.refresh_from_db()
    assert conversation.match.status == Match.Status.PAUSED
    assert ReviewAction.objects.get(kind="suspend").target_user_id == mentor.pk
    entry = AuditEntry.objects.get(action="account.suspend")
    assert (entry.actor_ref, entry.target_id) == (moderator.pk, str(mentor.pk))
    revoked = AuditEntry.objects.get(action="session.revoked_all")
    assert (revoked.actor_ref, revoked.target_id) == (moderator.pk, str(mentor.pk))


def test_suspend_refuses_staff_and_people_outside_the_conversation(
    make_item, moderator, make_user, district
):
    item = make_item()
    stranger = make_user(User.Role.MENTOR, district)
    for target in (moderator, stranger):
        with pytest.raises(ReviewConflict):
            review_suspend_user(item=item, actor=moderator, reason="x", user=target)
        target.refresh_from_db()
        assert target.is_active is True


def test_escalate_alerts_the_safeguarding_lead_in_app_and_by_mail(
    make_item,
    district,
    make_user,
    moderator,
    events,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    lead = make_user(User.Role.COORDINATOR, district, email="lead@example.org")
    district.safeguarding_lead = lead
    district.save()
    item = make_item("secret text nobody should mail", priority="high")
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_escalate(item=item, actor=moderator, reason="Disclosure of harm")
    alert = SafeguardingAlert.objects.get()
    assert (alert.recipient_id, alert.raised_by_id, alert.repeat) == (lead.pk, moderator.pk, False)
    assert [(g, e["type"]) for g, e in events if e["type"] == "safeguarding.alert"] == [
        (realtime.user_group(lead.pk), "safeguarding.alert")
    ]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["lead@example.org"]
    assert f"Review item: {item.pk}" in mailoutbox[0].body
    assert "secret" not in mailoutbox[0].body
    assert "secret" not in mailoutbox[0].subject
    item.refresh_from_db()
    assert item.escalation_count == 1
    assert item.status == "open"


def test_escalation_without_a_lead_goes_to_the_districts_coordinators(
    make_item, coordinator, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator.email = "coord@example.org"
    coordinator.save()
    item = make_item()
    with django_capture_on_commit_callbacks(execute=True):
        review_escalate(item=item, actor=moderator, reason="Concern")
    recipients = set(SafeguardingAlert.objects.values_list("recipient_id", flat=True))
    assert coordinator.pk in recipients
    assert recipients == set(
        User.objects.filter(district=coordinator.district, role=User.Role.COORDINATOR).values_list(
            "pk", flat=True
        )
    )
    assert [m.to for m in mailoutbox] == [["coord@example.org"]]


def test_claim_assign_and_note_record_the_first_action(
    make_item, moderator, make_user, district, other_moderator
):
    item = make_item()
    colleague = make_user(User.Role.MODERATOR, district)
    review_claim(item=item, actor=moderator)
    item.refresh_from_db()
    first = item.first_action_at
    assert (item.status, item.assigned_to_id, first is not None) == ("claimed", moderator.pk, True)
    review_claim(item=item, actor=moderator, assignee=colleague, reason="Your area")
    review_note(item=item, actor=colleague, text="Called the school")
    item.refresh_from_db()
    assert item.assigned_to_id == colleague.pk
    assert item.first_action_at == first  # only the first action counts
    assert list(item.actions.values_list("kind", flat=True)) == ["claim", "assign", "note"]
    with pytest.raises(ReviewConflict):
        review_claim(item=item, actor=moderator, assignee=other_moderator)
    item.refresh_from_db()
    assert item.assigned_to_id == colleague.pk


def test_bulk_handles_only_low_priority_flags(make_item, moderator, student, conversation):
    low = [make_item(f"low {i}", action=Action.FLAG, priority="low") for i in range(3)]
    high = make_item("high", action=Action.FLAG, priority="high")
    held_low = make_item("held", priority="low")
    result = review_bulk(
        items=[*low, high, held_low], actor=moderator, action="dismiss", reason="Greeting words"
    )
    assert result.done == [i.pk for i in low]
    assert result.refused == {high.pk: "not low priority", held_low.pk: "not a delivered flag"}
    assert set(ReviewItem.objects.filter(resolution="dismissed").values_list("pk", flat=True)) == {
        i.pk for i in low
    }
    held_low.message.refresh_from_db()
    assert held_low.message.state == Message.State.HELD
    assert AuditEntry.objects.filter(action="review.dismiss").count() == 3
    with pytest.raises(ValidationError):
        review_bulk(items=[high], actor=moderator, action="suspend", reason="x")
