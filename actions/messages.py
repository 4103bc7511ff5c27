"""Sending: a message is screened (moderation), then stored with its verdict (messaging) and
announced, in one short transaction; a flooding sender is put on the moderators' queue."""

import contextlib

from django.db import IntegrityError, transaction

from accounts.audit import audit_record
from accounts.models import User
from messaging.access import (
    ConversationNotFound,
    access_conversation_as_member,
    access_conversation_members,
)
from messaging.limits import send_rate_check
from messaging.models import Message
from messaging.services import (
    MessageRejected,
    SendResult,
    clean_body,
    clean_client_id,
    message_digest,
    message_existing,
    message_insert,
    message_insert_is_one_statement,
    notify_message,
)
from moderation.models import Priority, ReviewItem
from moderation.review.items import review_item_create
from moderation.services import (
    message_screen,
    screening_context,
    screening_record,
    screening_store,
)


def message_send(*, sender: User, conversation_id: int, client_id: str, body: str) -> SendResult:
    """Screen a message, store it with its verdict, and schedule its delivery after commit.

    Idempotent on (sender, client_id): a resend returns the stored message with created=False and
    sends nothing; the same id with a different body is refused (code "conflict").
    Raises ConversationNotFound when the sender is not a member, MessageRejected for bad input or a
    closed conversation. Database errors propagate: no acknowledgement for an unstored message.

    The order keeps the conversation's row lock short (docs/benchmarks.md): one read of the
    conversation and its members (the access check, the moderation context and the recipients);
    the moderation pipeline on the text, with no lock held; then one transaction that takes the
    next numbers (the row lock), inserts the message in its final state and stores its verdict.
    A resend is found by the unique (sender, client_id) constraint refusing the insert, so a new
    message costs no lookup. A plain delivered one (its verdict one row) on PostgreSQL: two
    statements in all, the read and one that numbers, inserts and stores the verdict, which is
    its own transaction.

    Raises messaging.limits.RateLimited (with the retry time) before anything else when the
    sender is over the send rate, for the socket and the HTTP API alike: nothing is read or stored.
    """
    send_rate_check(user_id=sender.pk)
    body = clean_body(body)
    client_id = clean_client_id(client_id)
    digest = message_digest(body)
    access = access_conversation_members(user=sender, conversation_id=conversation_id)
    conversation = access.conversation
    context = screening_context(
        district_id=conversation.district_id,
        moderation_version=access.moderation_version,
        sender_role=sender.role,
        recipients=[(m.role, m.is_minor) for m in access.others(sender.pk)],
    )
    screening = message_screen(body=body, context=context)
    # A plain delivered verdict is one row, stored by the message's own statement: on PostgreSQL
    # that statement is atomic by itself, so it needs no transaction (no BEGIN and COMMIT round
    # trips, and the conversation's row lock ends with the statement). Inside a caller's
    # transaction it still gets a savepoint, so that a resend's IntegrityError leaves it usable.
    record = screening_record(screening=screening)
    alone = (
        record is not None
        and message_insert_is_one_statement()
        and not transaction.get_connection().in_atomic_block
    )
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            message = message_insert(
                conversation=conversation,
                sender=sender,
                client_id=client_id,
                body=body,
                digest=digest,
                state=screening.state,
                companion=record,
            )
            if record is None:
                screening_store(message=message, screening=screening)
            # After commit: at once when the statement was its own transaction.
            notify_message(message=message, readers=access.reader_ids)
    except IntegrityError:
        # A resend (or another request with the same client id won the race): the same message.
        existing = _existing(
            sender=sender, client_id=client_id, digest=digest, conversation=conversation
        )
        if existing is None:
            raise
        return SendResult(existing, created=False)
    except MessageRejected as exc:
        # A resend of a message stored before the conversation closed is still acknowledged.
        existing = None
        if exc.code == "closed":
            existing = _existing(
                sender=sender, client_id=client_id, digest=digest, conversation=conversation
            )
        if existing is None:
            raise
        return SendResult(existing, created=False)
    return SendResult(message, created=True)


def _existing(*, sender: User, client_id: str, digest: str, conversation) -> Message | None:
    existing = message_existing(sender=sender, client_id=client_id, digest=digest)
    if existing is not None and existing.conversation_id != conversation.pk:
        raise MessageRejected(
            "This client_id was already used in another conversation.", code="conflict"
        )
    return existing


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
        review_item_create(
            conversation=conversation,
            source=ReviewItem.Source.RATE_LIMIT,
            priority=Priority.NORMAL,
            categories=["rate_limit"],
            detail={"user": user.pk, "refused": refused},
        )
