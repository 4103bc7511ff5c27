"""Review-queue fixtures: flagged and held messages made the way the pipeline makes them (a
ModerationRecord, the message's state, then moderation.review.items.review_item_open)."""

import pytest

from accounts.models import User
from actions.messages import message_send
from messaging import services as messaging
from messaging.models import Message
from moderation.models import Action, ModerationRecord, ReviewItem
from moderation.review.items import review_item_open
from testkit.sessions import login_verified

_n = iter(range(1, 1_000_000))


def send(user, conversation, body="Hello there"):
    return message_send(
        sender=user, conversation_id=conversation.pk, client_id=f"c{next(_n)}", body=body
    ).message


def moderate(message, *, action=Action.HOLD, priority="normal", reasons=None, categories=None):
    """What the pipeline does for a flag or hold: store the verdict, set the state, open an item."""
    reasons = reasons if reasons is not None else []
    categories = categories or sorted({r["category"] for r in reasons}) or ["contact_info"]
    # The pipeline may already have judged the message: the test's verdict replaces its own.
    ReviewItem.objects.filter(message=message, source=ReviewItem.Source.PIPELINE).delete()
    verdict, _ = ModerationRecord.objects.update_or_create(
        message=message,
        defaults={
            "action": action,
            "categories": categories,
            "priority": priority,
            "reasons": reasons,
            "scores": {"toxicity": 0.12},
        },
    )
    message.state = Message.State.HELD if action == Action.HOLD else Message.State.FLAGGED
    message.save(update_fields=["state"])
    return review_item_open(message=message, verdict=verdict)


def login(client, user):
    """Sign in on a test client the way the real pages see a session (adults: past the second
    factor)."""
    login_verified(client, user)


@pytest.fixture
def make_item(conversation, mentor):
    def make(body="call me at 555 0100", *, sender=None, **kw):
        return moderate(send(sender or mentor, conversation, body), **kw)

    return make


@pytest.fixture
def other_district(make_district):
    return make_district()


@pytest.fixture
def other_moderator(make_user, other_district):
    return make_user(User.Role.MODERATOR, other_district)


@pytest.fixture
def foreign_item(make_program, make_user, other_district):
    """A held item in another district."""
    program = make_program(other_district)
    mentor = make_user(User.Role.MENTOR, other_district)
    student = make_user(User.Role.STUDENT, other_district)
    match = messaging.match_activate(
        match=messaging.match_create(program=program, mentor=mentor, student=student)
    )
    return moderate(send(mentor, match.conversation, "meet me after school"), priority="high")
