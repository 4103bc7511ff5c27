"""The only permission gate for conversations: fetch and enforce in one step.

Every caller that reads or writes a conversation on behalf of a user goes through here. A
conversation the user may not see is reported as not found, so that ids are not enumerable.

Removed people (docs/security.md, "Removed adults"): a member reads a conversation while their
account is active and the conversation's match, if it has one, is not closed. A paused match stays
readable (its conversation takes no messages: `Conversation.is_open`); a closed match, or a
suspended or deactivated account, answers exactly as a non-member does. Meetings follow the same
rule (`conversation_meetings_allowed`, `conversations_ended`): only an active match, or an open
group, whose adults are all active has meetings ahead. A member taken out of a group has no
membership any more, so every read answers as to a non-member; a closed group stays readable by
its members and takes no messages.
"""

from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Q, QuerySet

from accounts.models import District, User

from .models import Conversation, Match, Membership

# A closed match is over for its members: its conversation is kept for staff and retention only.
_READABLE = Q(match__isnull=True) | ~Q(match__status=Match.Status.CLOSED)
# The adults of a conversation are its mentor members (a peer mentor who is a minor included).
_REMOVED_ADULT = Q(role=Membership.Role.MENTOR, user__is_active=False)
# A group has no pause: once it does not take messages it is closed for good (read-only).
_CLOSED_GROUP = Q(kind=Conversation.Kind.GROUP, is_open=False)


class ConversationNotFound(ObjectDoesNotExist):
    """The conversation does not exist or the user may not see it (deliberately the same)."""


def access_conversation_as_member(*, user: User, conversation_id: int) -> Conversation:
    """The conversation, if the user is a member of it; else ConversationNotFound."""
    try:
        return (
            conversations_readable_by(user=user)
            .select_related("program", "match")
            .get(pk=conversation_id)
        )
    except (Conversation.DoesNotExist, ValueError, TypeError) as exc:
        raise ConversationNotFound from exc


@dataclass(frozen=True)
class Member:
    user_id: int
    role: str  # Membership.Role
    is_minor: bool
    is_active: bool


@dataclass(frozen=True)
class ConversationMembers:
    """A conversation its member may read, with every member as of one read. `conversation`
    has its own fields only (its district, program and match load on first use);
    `moderation_version` is its district's (`District.moderation_version`), read with it."""

    conversation: Conversation
    members: tuple[Member, ...]
    moderation_version: int

    @property
    def reader_ids(self) -> list[int]:
        """As `reader_ids(conversation=...)`: the active members (the conversation is readable,
        or access would have been refused)."""
        return [m.user_id for m in self.members if m.is_active]

    def others(self, user_id: int) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.user_id != user_id)


def access_conversation_members(*, user: User, conversation_id: int) -> ConversationMembers:
    """As `access_conversation_as_member`, in one statement that also reads every member (role,
    age, active) and the district's moderation version: the send path's access check, moderation
    context and recipients share it. The user's own account must be active as of this read too
    (an adult suspended while a socket is open sends nothing, even before the socket closes).

    The statement is planned once per process (`_members_sql`): this runs on every send, and
    compiling the equivalent queryset cost more CPU than the database's answer."""
    if not user.is_authenticated or not user.is_active:
        raise ConversationNotFound
    try:
        conversation_id = Conversation._meta.pk.get_prep_value(conversation_id)
    except (ValueError, TypeError) as exc:
        raise ConversationNotFound from exc
    if not -(2**63) <= conversation_id < 2**63:
        raise ConversationNotFound
    with connection.cursor() as cursor:
        cursor.execute(_members_sql(), [conversation_id])
        rows = cursor.fetchall()
    if not any(row[0] == user.pk and row[3] for row in rows):
        raise ConversationNotFound
    first = rows[0]
    if first[4] is not None and first[4] == Match.Status.CLOSED:
        raise ConversationNotFound
    conversation = Conversation.from_db(connection.alias, _conversation_attnames(), first[6:])
    members = tuple(
        Member(user_id=row[0], role=row[1], is_minor=row[2], is_active=row[3]) for row in rows
    )
    return ConversationMembers(
        conversation=conversation, members=members, moderation_version=first[5]
    )


@cache
def _conversation_attnames() -> list[str]:
    return [f.attname for f in Conversation._meta.concrete_fields]


@cache
def _members_sql() -> str:
    """Per member (in membership order): user id, role, the user's is_minor and is_active, the
    conversation's match status (NULL without a match), its district's moderation version, then
    every column of the conversation."""
    qn = connection.ops.quote_name
    c, m, u, d, mt = (model._meta for model in (Conversation, Membership, User, District, Match))

    def col(alias: str, meta, name: str) -> str:
        return f"{alias}.{qn(meta.get_field(name).column)}"

    conversation_columns = ", ".join(f"c.{qn(f.column)}" for f in c.concrete_fields)
    return (
        f"SELECT {col('m', m, 'user')}, {col('m', m, 'role')},"  # noqa: S608 (names from the models, the id a parameter)
        f" {col('u', u, 'is_minor')}, {col('u', u, 'is_active')},"
        f" {col('mt', mt, 'status')}, {col('d', d, 'moderation_version')},"
        f" {conversation_columns}"
        f" FROM {qn(m.db_table)} m"
        f" JOIN {qn(c.db_table)} c ON c.{qn(c.pk.column)} = {col('m', m, 'conversation')}"
        f" JOIN {qn(u.db_table)} u ON u.{qn(u.pk.column)} = {col('m', m, 'user')}"
        f" JOIN {qn(d.db_table)} d ON d.{qn(d.pk.column)} = {col('c', c, 'district')}"
        f" LEFT JOIN {qn(mt.db_table)} mt ON mt.{qn(mt.pk.column)} = {col('c', c, 'match')}"
        f" WHERE {col('m', m, 'conversation')} = %s"
        f" ORDER BY m.{qn(m.pk.column)}"
    )


def access_conversation_to_report(*, user: User, conversation_id: int) -> Conversation:
    """The conversation, if the user is an active member of it, whatever its match's state; else
    ConversationNotFound. For filing a report only (a disclosure often comes after a match
    closed): it grants no reading."""
    if not user.is_authenticated or not user.is_active:
        raise ConversationNotFound
    try:
        return Conversation.objects.get(pk=conversation_id, memberships__user=user)
    except (Conversation.DoesNotExist, ValueError, TypeError) as exc:
        raise ConversationNotFound from exc


def conversations_readable_by(*, user: User) -> QuerySet[Conversation]:
    """The conversations the user may read as a member (the rule in the module docstring)."""
    if not user.is_authenticated or not user.is_active:
        return Conversation.objects.none()
    return Conversation.objects.filter(_READABLE, memberships__user=user)


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
    """Every member, removed or not: for news about the conversation itself (it was paused or
    closed), never for its content."""
    return list(
        Membership.objects.filter(conversation=conversation).values_list("user_id", flat=True)
    )


def reader_ids(*, conversation: Conversation) -> list[int]:
    """The members who may read the conversation now: the only recipients of its content
    (messages, withdrawals, read markers, typing). Nobody once its match is closed."""
    return list(
        Membership.objects.filter(
            Q(conversation__match__isnull=True)
            | ~Q(conversation__match__status=Match.Status.CLOSED),
            conversation=conversation,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def conversations_ended() -> QuerySet[Conversation]:
    """Conversations that are over for meetings: the match is closed, the group is closed, or an
    adult member is suspended or deactivated. Their future meetings are cancelled
    (scheduling.services)."""
    return Conversation.objects.filter(
        Q(match__status=Match.Status.CLOSED)
        | _CLOSED_GROUP
        | Q(pk__in=Membership.objects.filter(_REMOVED_ADULT).values("conversation_id"))
    )


def conversation_meetings_allowed(*, conversation: Conversation) -> bool:
    """Whether the conversation may have meetings ahead (new ones, reminders, answers): its match,
    if it has one, is active (not proposed, paused or closed), and none of its adults is
    suspended or deactivated. Checked again whenever a reminder is sent."""
    if (
        conversation.match_id is not None
        and not Match.objects.filter(pk=conversation.match_id, status=Match.Status.ACTIVE).exists()
    ):
        return False
    if conversation.kind == Conversation.Kind.GROUP and not conversation.is_open:
        return False  # a closed group (programs.group_actions.group_close)
    return not Membership.objects.filter(_REMOVED_ADULT, conversation=conversation).exists()
