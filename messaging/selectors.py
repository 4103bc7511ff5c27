"""Messaging reads. Every query is scoped to a conversation the caller was granted by access.py."""

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import User

from .models import Conversation, Membership, Message

PAGE_MAX = 200


def messages_visible_q(*, user: User) -> Q:
    """Messages a member may see: everything visible, plus their own in any state."""
    return Q(state__in=Message.VISIBLE_STATES) | Q(sender=user)


def messages_after(
    *, user: User, conversation: Conversation, after_seq: int, limit: int = 100
) -> tuple[list[Message], bool]:
    """Up to `limit` messages with seq > after_seq the member may see, oldest first, and whether
    more follow. `conversation` must come from access_conversation_as_member."""
    limit = max(1, min(limit, PAGE_MAX))
    rows = list(
        Message.objects.filter(conversation=conversation, seq__gt=after_seq)
        .filter(messages_visible_q(user=user))
        .order_by("seq")[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def messages_before(
    *, user: User, conversation: Conversation, before_seq: int | None, limit: int = 50
) -> tuple[list[Message], bool]:
    """The page of history just before `before_seq` (None: the newest), oldest first."""
    limit = max(1, min(limit, PAGE_MAX))
    qs = Message.objects.filter(conversation=conversation).filter(messages_visible_q(user=user))
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    rows = list(qs.order_by("-seq")[: limit + 1])
    return list(reversed(rows[:limit])), len(rows) > limit


def conversations_for_user(*, user: User) -> list[dict]:
    """The user's conversations with unread counts (messages by others after the read marker)."""
    memberships = Membership.objects.filter(user=user).select_related("conversation")
    result = []
    for membership in memberships:
        conversation = membership.conversation
        unread = (
            Message.objects.filter(
                conversation=conversation,
                seq__gt=membership.last_read_seq,
                state__in=Message.VISIBLE_STATES,
            )
            .exclude(sender=user)
            .count()
        )
        result.append(
            {
                "id": conversation.pk,
                "title": conversation.title,
                "kind": conversation.kind,
                "open": conversation.is_open,
                "last_seq": conversation.last_seq,
                "last_read_seq": membership.last_read_seq,
                "unread": unread,
            }
        )
    return result


@dataclass(frozen=True)
class Page:
    """Messages with after_seq < seq <= through_seq that the member may see, oldest first.

    Every sequence number in that range was looked at: one missing from `messages` belongs to a
    message the member may not see (another member's message held for review), not to a gap.
    `more` says whether a further page follows `through_seq`.
    """

    messages: list[Message]
    after_seq: int
    through_seq: int
    more: bool


def messages_page_after(
    *, user: User, conversation: Conversation, after_seq: int, limit: int = 100
) -> Page:
    """The next page of a resume. `conversation` must come from access_conversation_as_member."""
    limit = max(1, min(limit, PAGE_MAX))
    # Read the high-water mark first: a seq at or below a committed last_seq belongs to a committed
    # message (both are written in one transaction), so the query below sees all of them.
    last_seq = Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation.pk)
    rows = list(
        Message.objects.filter(conversation=conversation, seq__gt=after_seq, seq__lte=last_seq)
        .filter(messages_visible_q(user=user))
        .order_by("seq")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    through = rows[-1].seq if more else max(last_seq, after_seq)
    return Page(messages=rows, after_seq=after_seq, through_seq=through, more=more)
