"""Sending: a message is stored (messaging), screened (moderation) and announced, in one
transaction; a flooding sender is put on the moderators' queue."""

from django.db import IntegrityError, transaction

from accounts.audit import audit_record
from accounts.models import User
from messaging.access import ConversationNotFound, access_conversation_as_member
from messaging.limits import send_rate_check
from messaging.services import (
    MessageRejected,
    SendResult,
    clean_body,
    clean_client_id,
    message_digest,
    message_existing,
    message_insert,
    notify_message,
)
from moderation.models import PRIORITY_RANK, Priority, ReviewItem
from moderation.review import review_item_notify
from moderation.services import message_screen


def message_send(*, sender: User, conversation_id: int, client_id: str, body: str) -> SendResult:
    """Store a message, moderate it, and schedule its delivery after commit.

    Idempotent on (sender, client_id): a resend returns the stored message with created=False and
    sends nothing; the same id with a different body is refused (code "conflict").
    Raises ConversationNotFound when the sender is not a member, MessageRejected for bad input or a
    closed conversation. Database errors propagate: no acknowledgement for an unstored message.

    The verdict is stored in the insert's transaction (moderation.services.message_screen), so a
    message is never announced before it exists; the event leaves after commit.

    Raises messaging.limits.RateLimited (with the retry time) before anything else when the
    sender is over the send rate, for the socket and the HTTP API alike: nothing is read or stored.
    """
    send_rate_check(user_id=sender.pk)
    body = clean_body(body)
    client_id = clean_client_id(client_id)
    digest = message_digest(body)
    conversation = access_conversation_as_member(user=sender, conversation_id=conversation_id)

    existing = message_existing(sender=sender, client_id=client_id, digest=digest)
    if existing is not None:
        if existing.conversation_id != conversation.pk:
            raise MessageRejected(
                "This client_id was already used in another conversation.", code="conflict"
            )
        return SendResult(existing, created=False)

    try:
        with transaction.atomic():
            message = message_insert(
                conversation=conversation,
                sender=sender,
                client_id=client_id,
                body=body,
                digest=digest,
            )
            message_screen(message=message)
            notify_message(message=message)
    except IntegrityError:
        # Another request with the same client id won the race; it is the same message.
        existing = message_existing(sender=sender, client_id=client_id, digest=digest)
        if existing is None:
            raise
        return SendResult(existing, created=False)
    return SendResult(message, created=True)


def rate_limit_offender_record(*, user: User, refused: int, conversation_id: int) -> None:
    """Audit a user whose socket was closed for sending far over the rate limit, and put it on
    the district moderators' queue (an item on the flooded conversation, if the user is in it)."""
    with transaction.atomic():
        audit_record(
            action="messaging.rate_limit_disconnect",
            actor=user,
            target_type="user",
            target_id=user.pk,
            detail={"refused": refused, "conversation": conversation_id},
        )
        try:
            conversation = access_conversation_as_member(user=user, conversation_id=conversation_id)
        except ConversationNotFound:
            return
        item = ReviewItem.objects.create(
            district_id=conversation.district_id,
            conversation=conversation,
            source=ReviewItem.Source.REPORT,
            priority=Priority.NORMAL,
            priority_rank=PRIORITY_RANK[Priority.NORMAL],
            categories=["rate_limit"],
        )
        review_item_notify(item=item, action="rate_limit")
