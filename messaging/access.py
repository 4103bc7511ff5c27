"""The only permission gate for conversations: fetch and enforce in one step.

Every caller that reads or writes a conversation on behalf of a user goes through here. A
conversation the user may not see is reported as not found, so that ids are not enumerable.
"""

from django.core.exceptions import ObjectDoesNotExist

from accounts.models import User

from .models import Conversation, Membership


class ConversationNotFound(ObjectDoesNotExist):
    """The conversation does not exist or the user may not see it (deliberately the same)."""


def access_conversation_as_member(*, user: User, conversation_id: int) -> Conversation:
    """The conversation, if the user is a member of it; else ConversationNotFound."""
    if not user.is_authenticated or not user.is_active:
        raise ConversationNotFound
    try:
        return Conversation.objects.select_related("program", "match").get(
            pk=conversation_id, memberships__user=user
        )
    except (Conversation.DoesNotExist, ValueError, TypeError) as exc:
        raise ConversationNotFound from exc


def access_conversation_as_staff(*, user: User, conversation_id: int) -> Conversation:
    """The conversation, if the user is staff of its district who may read conversations (a
    moderator, or a coordinator where the district grants it: `User.reads_conversations`); else
    ConversationNotFound. The caller records the read."""
    if not user.is_authenticated or not user.is_staff_role or not user.reads_conversations:
        raise ConversationNotFound
    try:
        return Conversation.objects.get(pk=conversation_id, district_id=user.district_id)
    except (Conversation.DoesNotExist, ValueError, TypeError) as exc:
        raise ConversationNotFound from exc


def member_ids(*, conversation: Conversation) -> list[int]:
    return list(
        Membership.objects.filter(conversation=conversation).values_list("user_id", flat=True)
    )
