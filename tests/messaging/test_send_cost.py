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

# BEGIN and COMMIT are not counted: Django opens the transaction without a statement of its own.
# 1. the conversation with its members and the district's moderation version (the access check,
#    the moderation context and the recipients); 2. the next numbers (the row lock) and the
#    message's INSERT, one statement; 3. the verdict's INSERT.
STATEMENTS = 3


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


def test_one_delivered_send_takes_three_statements(conversation, mentor):
    statements = _send_statements(mentor, conversation.pk)
    assert len(statements) == STATEMENTS, "\n".join(statements)
    assert statements[0].startswith("SELECT")
    assert statements[1].startswith("WITH numbers AS (UPDATE")
    assert statements[2].startswith("INSERT")


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
