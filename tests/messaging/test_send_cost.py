"""What one send costs the database: a plain message delivered into a 1:1 match."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.messages import message_send
from messaging.models import Message

# BEGIN and COMMIT are not counted: Django opens the transaction without a statement of its own.
MAX_STATEMENTS = 5


def test_one_delivered_send_takes_at_most_five_statements(conversation, mentor):
    # A first send warms the process (pipeline, scorer, the district's moderation settings).
    message_send(sender=mentor, conversation_id=conversation.pk, client_id="warm", body="Hi!")
    with CaptureQueriesContext(connection) as queries:
        result = message_send(
            sender=mentor,
            conversation_id=conversation.pk,
            client_id="measured",
            body="See you on Thursday at the library.",
        )
    assert result.created is True
    assert result.message.state == Message.State.DELIVERED
    statements = [
        q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SAVEPOINT")
    ]
    statements = [s for s in statements if not s.startswith("RELEASE SAVEPOINT")]
    assert len(statements) <= MAX_STATEMENTS, "\n".join(statements)
