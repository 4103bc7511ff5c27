"""Messaging reads. Every query is scoped to a conversation the caller was granted by access.py."""

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
