"""Messaging reads. Every query is scoped to a conversation the caller was granted by access.py."""

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import User

from .access import conversations_readable_by
from .models import Conversation, Membership, Message
from .realtime import message_payload, withdrawn_event

PAGE_MAX = 200


def messages_visible_q(*, user: User) -> Q:
    """Messages a member may see: everything visible that is for every member or addressed to
    them (a crisis card), plus their own in any state."""
    for_them = Q(visible_to__isnull=True) | Q(visible_to=user)
    return (Q(state__in=Message.VISIBLE_STATES) & for_them) | Q(sender=user)


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
    """The user's conversations with unread counts (messages by others after the read marker):
    those the user may read (messaging.access), so a closed match's conversation is not listed."""
    memberships = Membership.objects.filter(
        user=user, conversation__in=conversations_readable_by(user=user)
    ).select_related("conversation")
    result = []
    for membership in memberships:
        conversation = membership.conversation
        unread = (
            Message.objects.filter(conversation=conversation, seq__gt=membership.last_read_seq)
            .filter(messages_visible_q(user=user))
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


@dataclass(frozen=True)
class Changes:
    """State changes with after_change < change <= through_change of messages at or before
    `through_seq`, oldest change first: the events a member who was away missed about messages
    they already had a place for. `more`: further changes follow `through_change`."""

    events: list[dict]
    after_change: int
    through_change: int
    more: bool


def last_change(*, conversation: Conversation) -> int:
    """The conversation's change number now. Read it before the messages it should cover."""
    return Conversation.objects.values_list("last_change", flat=True).get(pk=conversation.pk)


def message_changes_after(
    *, user: User, conversation: Conversation, after_change: int, through_seq: int
) -> Changes:
    """What changed since `after_change` (a released message, a withdrawn one, a verdict).

    Each change is the event a connected member would have received: a `message` event with the
    current state for a message the member may see, `message.withdrawn` (ids only) for another
    member's message that was taken back. `conversation` must come from access.py.
    """
    high = last_change(conversation=conversation)
    rows = list(
        Message.objects.filter(
            conversation=conversation,
            seq__lte=through_seq,
            change__gt=after_change,
            change__lte=high,
        )
        .filter(messages_visible_q(user=user) | Q(state=Message.State.REJECTED))
        .order_by("change")[: PAGE_MAX + 1]
    )
    more = len(rows) > PAGE_MAX
    rows = rows[:PAGE_MAX]
    events = []
    for message in rows:
        if message.is_visible_to_recipients or message.sender_id == user.pk:
            events.append({"type": "message", "message": message_payload(message)})
        else:
            events.append(withdrawn_event(message))
    through = rows[-1].change if more else max(high, after_change)
    return Changes(events=events, after_change=after_change, through_change=through, more=more)


def resume_page(
    *,
    user: User,
    conversation: Conversation,
    after_seq: int,
    limit: int,
    after_change: int | None = None,
) -> dict:
    """A resume page as the socket and the HTTP API send it: the messages after `after_seq`, and,
    given `after_change`, the state changes since then of the messages up to `after_seq` (read
    first, so that a change the page's messages already show is not missed in between)."""
    body: dict = {"conversation": conversation.pk}
    if after_change is not None:
        changes = message_changes_after(
            user=user, conversation=conversation, after_change=after_change, through_seq=after_seq
        )
        body.update(
            changes=changes.events,
            through_change=changes.through_change,
            changes_more=changes.more,
        )
    page = messages_page_after(
        user=user, conversation=conversation, after_seq=after_seq, limit=limit
    )
    body.update(
        after_seq=page.after_seq,
        through_seq=page.through_seq,
        more=page.more,
        messages=[message_payload(m) for m in page.messages],
    )
    return body


def history_page(
    *, user: User, conversation: Conversation, before_seq: int | None, limit: int
) -> dict:
    """A history page as the socket (`history`) and the HTTP API send it: the messages the member
    may see just before `before_seq` (None: the newest), oldest first; `more` and the cursor for
    the older page (`next_before_seq`); `through_change`, read before the messages, from which a
    client resumes state changes. `conversation` must come from access_conversation_as_member."""
    through_change = last_change(conversation=conversation)
    rows, more = messages_before(
        user=user, conversation=conversation, before_seq=before_seq, limit=limit
    )
    return {
        "conversation": conversation.pk,
        "before_seq": before_seq,
        "more": more,
        "next_before_seq": rows[0].seq if more and rows else None,
        "through_change": through_change,
        "messages": [message_payload(m) for m in rows],
    }


def sender_label(*, user: User, role: str) -> dict:
    """What a group's members see of a sender beside each message: the first name (the public
    name when none is recorded) and the role in the group (`mentor`, `student`)."""
    return {"name": user.first_name or user.public_name, "role": role}


def group_senders(*, conversation: Conversation) -> dict[int, dict]:
    """For a group's page: every person whose messages its members may see labelled, by user id,
    as `sender_label` gives it (first name, role). The members, and anyone taken out
    of the group whose earlier messages stay in it (by their account's role)."""
    labels = {
        m.user_id: sender_label(user=m.user, role=m.role)
        for m in Membership.objects.filter(conversation=conversation).select_related("user")
    }
    former = (
        Message.objects.filter(conversation=conversation, sender__isnull=False)
        .exclude(sender_id__in=list(labels))
        .values_list("sender_id", flat=True)
        .distinct()
    )
    for user in User.objects.filter(pk__in=list(former)):
        role = Membership.Role.MENTOR if user.role == User.Role.MENTOR else Membership.Role.STUDENT
        labels[user.pk] = sender_label(user=user, role=role)
    return labels
