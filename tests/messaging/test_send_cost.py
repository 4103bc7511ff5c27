"""What one send costs the database: a plain message delivered into a 1:1 match, and into a group.

Pinned exactly (docs/benchmarks.md, "One send, phase by phase"): a statement added back to the
send path, or one per member, fails here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from actions.messages import message_send
from messaging.models import Message
from messaging.services import group_conversation_create
from moderation.models import ModerationRecord
from moderation.services import message_context, message_screen, verdict_store

# 1. the conversation with its members and the district's moderation version (the access check,
#    the moderation context and the recipients); 2. the next numbers (the row lock), the message's
#    INSERT and its verdict's INSERT, one statement, which on PostgreSQL is its own transaction:
#    no BEGIN or COMMIT either (`test_a_plain_send_opens_no_transaction`).
STATEMENTS = 2


def _send_statements(sender: User, conversation_id: int) -> list[str]:
    # A first send warms the process (pipeline, scorer, the district's moderation settings).
    message_send(sender=sender, conversation_id=conversation_id, client_id="warm", body="Hi!")
    with CaptureQueriesContext(connection) as queries:
        result = message_send(
            sender=sender,
            conversation_id=conversation_id,
            client_id="measured",
            body="See you on Thursday at the library.",
        )
    assert result.created is True
    assert result.message.state == Message.State.DELIVERED
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_one_delivered_send_takes_two_statements(conversation, mentor):
    statements = _send_statements(mentor, conversation.pk)
    assert len(statements) == STATEMENTS, "\n".join(statements)
    assert statements[0].startswith("SELECT")
    assert statements[1].startswith("WITH numbers AS (UPDATE")
    assert 'INSERT INTO "moderation_moderationrecord"' in statements[1]


@pytest.mark.parametrize("students", [1, 3])
def test_a_group_send_takes_as_many_statements_as_a_pair(
    program, district, mentor, make_user, students
):
    kids = [make_user(User.Role.STUDENT, district) for _ in range(students)]
    group = group_conversation_create(
        program=program, title="Group", mentors=[mentor], students=kids
    )
    statements = _send_statements(mentor, group.pk)
    assert len(statements) == STATEMENTS, "\n".join(statements)


@pytest.mark.django_db(transaction=True)
def test_a_plain_send_opens_no_transaction(conversation, mentor):
    """Outside any transaction (as on the socket), a plain send is two statements and no
    BEGIN or COMMIT: the numbered insert with its verdict is atomic by itself."""
    message_send(sender=mentor, conversation_id=conversation.pk, client_id="warm", body="Hi!")
    with CaptureQueriesContext(connection) as queries:
        result = message_send(
            sender=mentor,
            conversation_id=conversation.pk,
            client_id="measured",
            body="See you on Thursday at the library.",
        )
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == STATEMENTS, "\n".join(statements)
    assert not any(s.upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT")) for s in statements)
    message = Message.objects.get(pk=result.message.pk)
    assert (message.seq, message.state) == (2, Message.State.DELIVERED)
    assert ModerationRecord.objects.filter(message=message, action="deliver").count() == 1


def test_the_verdict_stored_with_the_message_is_the_row_verdict_store_writes(
    conversation, mentor, student
):
    """The one-statement verdict (screening_record) against the general path (verdict_store) for
    the same text: every stored field alike."""
    body = "See you on Thursday at the library."
    result = message_send(sender=mentor, conversation_id=conversation.pk, client_id="a", body=body)
    fast = ModerationRecord.objects.get(message=result.message)
    context = message_context(message=result.message)
    screening = message_screen(body=body, context=context)
    other = Message.objects.create(
        conversation=conversation,
        sender=mentor,
        seq=99,
        change=99,
        client_id="b",
        body=body,
        body_sha256=result.message.body_sha256,
        state=Message.State.DELIVERED,
    )
    verdict_store(message=other, verdict=screening.verdict, inserting=True)
    slow = ModerationRecord.objects.get(message=other)
    fields = [
        f.attname
        for f in ModerationRecord._meta.concrete_fields
        if f.attname not in ("id", "message_id", "created_at")
    ]
    assert [getattr(fast, f) for f in fields] == [getattr(slow, f) for f in fields]
    assert fast.created_at is not None


def test_a_resend_inside_a_transaction_keeps_it_usable(conversation, mentor):
    """In a caller's transaction the one statement gets a savepoint: a resend's IntegrityError
    does not break the transaction, and the stored message is answered."""
    first = message_send(sender=mentor, conversation_id=conversation.pk, client_id="r", body="Hi")
    again = message_send(sender=mentor, conversation_id=conversation.pk, client_id="r", body="Hi")
    assert (again.created, again.message.pk) == (False, first.message.pk)
    assert Message.objects.filter(client_id="r").count() == 1
    assert ModerationRecord.objects.filter(message_id=first.message.pk).count() == 1
