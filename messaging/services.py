"""Messaging writes: match lifecycle, conversations and storing messages.

Every function here is keyword-only, opens its own transaction (or says it needs the caller's),
and sends real-time events only through messaging.realtime.notify_after_commit, so nothing leaves
before the commit. Sending a member's message also screens it, which is moderation's: that action
is actions.messages.message_send, above both (docs/adr/0005-layers.md).
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from accounts.audit import audit_record
from accounts.models import Program, User

from . import realtime, rows
from .access import access_conversation_as_member, member_ids, reader_ids
from .models import Conversation, Match, MatchEvent, Membership, Message
from .selectors import sender_label

CLIENT_ID_MAX = 64


class MessageRejected(ValidationError):
    """The message was not stored; `code` says why in a word a client can act on."""


class MatchNotActivatable(ValidationError):
    """A match cannot become active: the reasons are in `messages`."""


# -- matches -------------------------------------------------------------------------------------


def match_activation_problems(*, match: Match) -> list[str]:
    """Everything that stops `match` from being active, as sentences. Empty when it may be."""
    problems: list[str] = []
    mentor, student, district = match.mentor, match.student, match.program.school.district_id
    if student.role != User.Role.STUDENT:
        problems.append(gettext("The student side of a match must be a student."))
    if mentor.role != User.Role.MENTOR:
        problems.append(gettext("The mentor side of a match must be a mentor."))
    sides = (
        (
            mentor,
            gettext("The mentor belongs to another district than the program."),
            gettext("The mentor's account is disabled."),
        ),
        (
            student,
            gettext("The student belongs to another district than the program."),
            gettext("The student's account is disabled."),
        ),
    )
    for person, other_district, disabled in sides:
        if person.district_id != district:
            problems.append(other_district)
        if not person.is_active:
            problems.append(disabled)
    if not student.has_active_consent():
        problems.append(gettext("The student has no recorded guardian consent."))
    if not mentor.is_screened():
        problems.append(
            gettext("The mentor's screening (background check and orientation) is not complete.")
        )
    # Peer mentoring: a mentor who is a minor needs a guardian's consent too.
    if mentor.is_minor and not mentor.has_active_consent():
        problems.append(gettext("The mentor is a minor and has no recorded guardian consent."))
    return problems


def _match_transition(*, match: Match, to: str, actor: User | None, reason: str) -> Match:
    old = match.status
    match.status = to
    match.status_reason = reason[:300]
    if to == Match.Status.CLOSED:
        match.closed_at = timezone.now()
    match.save(update_fields=["status", "status_reason", "closed_at"])
    MatchEvent.objects.create(
        match=match, from_status=old, to_status=to, reason=reason[:300], actor=actor
    )
    conversation = getattr(match, "conversation", None)
    if conversation is not None:
        is_open = to == Match.Status.ACTIVE
        if conversation.is_open != is_open:
            conversation.is_open = is_open
            conversation.save(update_fields=["is_open"])
        realtime.notify_after_commit(
            groups=[realtime.user_group(uid) for uid in member_ids(conversation=conversation)],
            event={
                "type": "conversation.status",
                "conversation": conversation.pk,
                "open": is_open,
                "match_status": to,
            },
        )
    return match


def match_create_check(*, program: Program, actor: User | None) -> None:
    """Matches are proposed by the program's district coordinators (or by the system: no actor).
    Raises PermissionDenied. The people are checked when the match is activated
    (`match_activation_problems`)."""
    if actor is None or actor.is_superuser:
        return
    if actor.role != User.Role.COORDINATOR or actor.district_id != program.school.district_id:
        raise PermissionDenied("Only the program's coordinators propose matches.")


@transaction.atomic
def match_create(
    *, program: Program, mentor: User, student: User, actor: User | None = None
) -> Match:
    """Propose a match and create its conversation. It is not active until `match_activate`."""
    match_create_check(program=program, actor=actor)
    match = Match.objects.create(program=program, mentor=mentor, student=student)
    MatchEvent.objects.create(match=match, to_status=Match.Status.PROPOSED, actor=actor)
    conversation = Conversation.objects.create(
        program=program,
        district_id=program.school.district_id,
        kind=Conversation.Kind.MATCH,
        match=match,
        title=f"{mentor.public_name} & {student.public_name}",
        is_open=False,
    )
    Membership.objects.bulk_create(
        [
            Membership(conversation=conversation, user=mentor, role=Membership.Role.MENTOR),
            Membership(conversation=conversation, user=student, role=Membership.Role.STUDENT),
        ]
    )
    return match


@transaction.atomic
def match_activate(*, match: Match, actor: User | None = None, reason: str = "") -> Match:
    """Make a match active; refused unless consent and screening hold (MatchNotActivatable)."""
    match = (
        Match.objects.select_for_update()
        .select_related("mentor", "student", "program__school")
        .get(pk=match.pk)
    )
    if match.status == Match.Status.CLOSED:
        raise MatchNotActivatable(gettext("A closed match cannot be reopened; create a new one."))
    problems = match_activation_problems(match=match)
    if problems:
        raise MatchNotActivatable(problems)
    if match.status == Match.Status.ACTIVE:
        return match
    return _match_transition(match=match, to=Match.Status.ACTIVE, actor=actor, reason=reason)


@transaction.atomic
def match_pause(*, match: Match, actor: User | None, reason: str) -> Match:
    if not reason.strip():
        raise ValidationError(gettext("Pausing a match needs a reason."))
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status not in (Match.Status.ACTIVE, Match.Status.PROPOSED):
        return match
    return _match_transition(match=match, to=Match.Status.PAUSED, actor=actor, reason=reason)


@transaction.atomic
def match_close(*, match: Match, actor: User | None, reason: str) -> Match:
    if not reason.strip():
        raise ValidationError(gettext("Closing a match needs a reason."))
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status == Match.Status.CLOSED:
        return match
    return _match_transition(match=match, to=Match.Status.CLOSED, actor=actor, reason=reason)


@transaction.atomic
def matches_pause_for_user(*, user: User, actor: User | None, reason: str) -> int:
    """Pause every active match the user is in (consent revoked, account suspended)."""
    matches = Match.objects.filter(status=Match.Status.ACTIVE).filter(
        pk__in=Match.objects.filter(mentor=user)
        .values("pk")
        .union(Match.objects.filter(student=user).values("pk"))
    )
    count = 0
    for match in matches:
        match_pause(match=match, actor=actor, reason=reason)
        count += 1
    return count


def _group_member_problems(*, program: Program, mentors: list[User], students: list[User]):
    """Why these people may not be in a group of `program` (screened mentors, consented minors
    on both sides, one district), as sentences in the active language that name each person the
    way the coordinator's pages do (`public_name`)."""
    district_id = program.school.district_id
    problems: list[str] = []
    for mentor in mentors:
        names = {"name": mentor.public_name}
        if mentor.role != User.Role.MENTOR or not mentor.is_screened():
            problems.append(gettext("%(name)s is not a screened mentor.") % names)
        if mentor.is_minor and not mentor.has_active_consent():
            problems.append(gettext("%(name)s is a minor without guardian consent.") % names)
    for student in students:
        if student.role != User.Role.STUDENT or not student.has_active_consent():
            problems.append(
                gettext("%(name)s has no recorded guardian consent.")
                % {"name": student.public_name}
            )
    for person in [*mentors, *students]:
        if person.district_id != district_id:
            problems.append(
                gettext("%(name)s belongs to another district.") % {"name": person.public_name}
            )
    return problems


def _memberships(conversation: Conversation, mentors: list[User], students: list[User]):
    return [
        Membership(conversation=conversation, user=m, role=Membership.Role.MENTOR) for m in mentors
    ] + [
        Membership(conversation=conversation, user=s, role=Membership.Role.STUDENT)
        for s in students
    ]


@transaction.atomic
def group_conversation_create(
    *, program: Program, title: str, mentors: list[User], students: list[User]
) -> Conversation:
    """A group (or peer) conversation: several mentors and students of one program.

    Every member must be cleared the same way a match requires: screened mentors, consented minors.
    The program's own rules (a peer mentor only with younger students) are checked above this
    layer (programs.services.group_create).
    """
    problems = _group_member_problems(program=program, mentors=mentors, students=students)
    if not mentors or not students:
        problems.insert(0, gettext("A group needs at least one mentor and one student."))
    if problems:
        raise ValidationError(problems)
    conversation = Conversation.objects.create(
        program=program,
        district_id=program.school.district_id,
        kind=Conversation.Kind.GROUP,
        title=title,
    )
    Membership.objects.bulk_create(_memberships(conversation, mentors, students))
    return conversation


@transaction.atomic
def group_members_add(
    *, conversation: Conversation, mentors: list[User], students: list[User]
) -> list[Membership]:
    """Add mentors and students to a group, cleared as at its creation (ValidationError, nothing
    written, otherwise). People already in the group are left as they are. Returns the new
    memberships."""
    if conversation.kind != Conversation.Kind.GROUP:
        raise ValidationError([gettext("Only a group takes new members.")])
    problems = _group_member_problems(
        program=conversation.program, mentors=mentors, students=students
    )
    if problems:
        raise ValidationError(problems)
    present = set(conversation.memberships.values_list("user_id", flat=True))
    mentors = [m for m in mentors if m.pk not in present]
    students = [s for s in students if s.pk not in present]
    added = Membership.objects.bulk_create(_memberships(conversation, mentors, students))
    if added:
        # The members' open pages learn the newcomers' names, to label their messages.
        realtime.notify_after_commit(
            groups=[realtime.user_group(uid) for uid in reader_ids(conversation=conversation)],
            event={
                "type": "conversation.members",
                "conversation": conversation.pk,
                "members": [
                    {"user": m.user_id, **sender_label(user=m.user, role=m.role)} for m in added
                ],
            },
        )
    return added


@transaction.atomic
def group_member_remove(*, conversation: Conversation, user: User) -> str | None:
    """Take `user` out of a group: their membership goes, and with it every read of the
    conversation (history, page, socket frames, live events answer as to a non-member from the
    commit on); their open sockets are told (`conversation.left`). Returns the role they had, or
    None when they were not a member. The caller checks who may do this (programs)."""
    if conversation.kind != Conversation.Kind.GROUP:
        raise ValidationError([gettext("Only a group's members can be taken out of it.")])
    membership = Membership.objects.filter(conversation=conversation, user=user).first()
    if membership is None:
        return None
    membership.delete()
    realtime.notify_after_commit(
        groups=[realtime.user_group(user.pk)],
        event={"type": "conversation.left", "conversation": conversation.pk},
    )
    return membership.role


@transaction.atomic
def group_close(*, conversation: Conversation) -> bool:
    """Close a group for good: it takes no more messages nor members, stays readable by its
    members (read-only), and has no meetings ahead (`access.conversations_ended`). Its members'
    sockets are told (`conversation.status`, `group_status` "closed"). False when it was closed
    already."""
    if conversation.kind != Conversation.Kind.GROUP:
        raise ValidationError([gettext("Only a group can be closed this way.")])
    updated = Conversation.objects.filter(pk=conversation.pk, is_open=True).update(is_open=False)
    if not updated:
        return False
    conversation.is_open = False
    realtime.notify_after_commit(
        groups=[realtime.user_group(uid) for uid in member_ids(conversation=conversation)],
        event={
            "type": "conversation.status",
            "conversation": conversation.pk,
            "open": False,
            "match_status": None,
            "group_status": "closed",
        },
    )
    return True


# -- messages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    message: Message
    created: bool


def clean_body(body: object) -> str:
    """Validate a message body: text, not blank, no NUL, at most MAX_MESSAGE_CHARS code points."""
    if not isinstance(body, str):
        raise MessageRejected(gettext("The message body must be text."), code="invalid")
    if "\x00" in body:
        raise MessageRejected(gettext("The message contains a NUL character."), code="invalid")
    try:
        body.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise MessageRejected(
            gettext("The message is not valid Unicode text."), code="invalid"
        ) from exc
    if not body.strip() or all(unicodedata.category(c) in ("Cf", "Zs", "Cc") for c in body):
        raise MessageRejected(gettext("The message is empty."), code="empty")
    limit = settings.TRELLIS["MAX_MESSAGE_CHARS"]
    if len(body) > limit:
        raise MessageRejected(
            gettext("The message is longer than %(limit)s characters.") % {"limit": limit},
            code="too_long",
        )
    return body


def clean_client_id(client_id: object) -> str:
    if not isinstance(client_id, str) or not client_id or len(client_id) > CLIENT_ID_MAX:
        raise MessageRejected(
            gettext("client_id must be a non-empty string of at most %(max)s characters.")
            % {"max": CLIENT_ID_MAX},
            code="invalid",
        )
    if not client_id.isprintable() or not client_id.isascii():
        raise MessageRejected(gettext("client_id must be printable ASCII."), code="invalid")
    return client_id


def message_digest(body: str) -> str:
    """The body's SHA-256, stored with the message: a resend must carry the same body."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def message_existing(*, sender: User, client_id: str, digest: str) -> Message | None:
    """The sender's stored message with this client id, if any; MessageRejected ("conflict") when
    its body differs."""
    message = Message.objects.filter(sender=sender, client_id=client_id).first()
    if message is not None and message.body_sha256 != digest:
        raise MessageRejected(
            gettext("This client_id was already used for a different message."), code="conflict"
        )
    return message


def _next_numbers(conversation_id: int, *, only_open: bool = False) -> tuple[int, int] | None:
    """The conversation's next sequence and change numbers for a new message, in one statement
    (UPDATE ... RETURNING); None when `only_open` and the conversation is closed (or gone).

    The UPDATE takes the conversation's row lock until commit, which serialises allocation per
    conversation (PostgreSQL) or per database (SQLite's write lock): keep the work after it short.
    """
    meta = Conversation._meta
    qn = connection.ops.quote_name
    seq, change, is_open = (
        qn(meta.get_field(n).column) for n in ("last_seq", "last_change", "is_open")
    )
    condition = f" AND {is_open}" if only_open else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} SET {seq} = {seq} + 1, {change} = {change} + 1"  # noqa: S608 (names from the model, the value a parameter)
            f" WHERE {qn(meta.pk.column)} = %s{condition} RETURNING {seq}, {change}",
            [conversation_id],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row is not None else None


def _next_change(conversation_id: int) -> int:
    """The conversation's next change number, in one statement (its row lock until commit)."""
    meta = Conversation._meta
    qn = connection.ops.quote_name
    change = qn(meta.get_field("last_change").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} SET {change} = {change} + 1"  # noqa: S608 (as above)
            f" WHERE {qn(meta.pk.column)} = %s RETURNING {change}",
            [conversation_id],
        )
        return cursor.fetchone()[0]


def message_insert(
    *,
    conversation: Conversation,
    sender: User,
    client_id: str,
    body: str,
    digest: str,
    state: str = Message.State.PENDING,
    companion: Model | None = None,
) -> Message:
    """Store a member's message with the conversation's next numbers and its `state` (the
    screening's, decided before: actions.messages.message_send). Call inside a transaction, with
    a cleaned body; the verdict and the event are the caller's, in the same transaction.
    MessageRejected ("closed") when the conversation is not open; IntegrityError when the sender
    already used `client_id` (the caller's transaction is then unusable: roll it back).

    One statement on PostgreSQL (`_numbered_insert_sql`): the UPDATE ... RETURNING that takes the
    next numbers, and with them the conversation's row lock until commit, feeds the INSERT; a
    closed conversation updates no row, so nothing is inserted. Other databases (SQLite, `make
    run`) have no UPDATE inside WITH and take the same two steps as two statements.

    `companion`: a new row of another model with a foreign key to Message (the verdict), stored
    with the message, its key set to it: on PostgreSQL by the same statement, so that the message
    and its companion are stored together or not at all even outside a transaction
    (`message_insert_is_one_statement`); elsewhere by a second INSERT in the caller's transaction.
    """
    message = Message(
        conversation=conversation,
        sender=sender,
        seq=0,
        change=0,
        client_id=client_id,
        body=body,
        body_sha256=digest,
        state=state,
    )
    if connection.vendor != "postgresql":
        # In the caller's transaction: SQLite's write lock serialises the two statements.
        numbers = _next_numbers(conversation.pk, only_open=True)
        if numbers is None:
            raise _conversation_closed()
        message.seq, message.change = numbers
        message.save(force_insert=True)
        if companion is not None:
            setattr(companion, _message_key(type(companion)).name, message)
            rows.row_insert(companion)
        return message
    params = [conversation.pk, *rows.row_params(message, skip=_NUMBERS)]
    if companion is not None:
        key = _message_key(type(companion))
        params += rows.row_params(companion, skip=frozenset({key.attname}))
    with connection.cursor() as cursor:
        cursor.execute(_numbered_insert_sql(None if companion is None else type(companion)), params)
        row = cursor.fetchone()
    if row is None:
        raise _conversation_closed()
    message.seq, message.change = row[1], row[2]
    rows.row_saved(message, row[0])
    if companion is not None:
        setattr(companion, key.name, message)
        rows.row_saved(companion, row[3])
    return message


def message_insert_is_one_statement() -> bool:
    """Whether `message_insert` (with its companion) is a single statement on this database, and
    so atomic without a transaction of its own (PostgreSQL)."""
    return connection.vendor == "postgresql"


@cache
def _message_key(model: type[Model]):
    """`model`'s one foreign key (or one-to-one) to Message."""
    (key,) = (
        f for f in model._meta.concrete_fields if f.is_relation and f.related_model is Message
    )
    return key


def _conversation_closed() -> MessageRejected:
    return MessageRejected(gettext("This conversation is not open for messages."), code="closed")


_NUMBERS = frozenset({"seq", "change"})


@cache
def _numbered_insert_sql(companion: type[Model] | None = None) -> str:
    """The numbers' UPDATE feeding the message's INSERT; with a `companion` model, its INSERT
    fed by the message's key as a third part of the same statement. Returns the message's id,
    seq and change (and the companion's id)."""
    conversation, message = Conversation._meta, Message._meta
    qn = connection.ops.quote_name
    seq, change, is_open = (
        qn(conversation.get_field(n).column) for n in ("last_seq", "last_change", "is_open")
    )
    columns = rows.row_columns(Message, skip=_NUMBERS)
    values = rows.row_casts(Message, skip=_NUMBERS)
    m_pk, m_seq, m_change = (
        qn(message.pk.column),
        *(qn(message.get_field(n).column) for n in ("seq", "change")),
    )
    numbers = (
        f"numbers AS (UPDATE {qn(conversation.db_table)}"  # noqa: S608 (names from the models, values parameters)
        f" SET {seq} = {seq} + 1, {change} = {change} + 1"
        f" WHERE {qn(conversation.pk.column)} = %s AND {is_open} RETURNING {seq}, {change})"
    )
    insert = (
        f"INSERT INTO {qn(message.db_table)} ({', '.join(columns)}, {m_seq}, {m_change})"  # noqa: S608 (as above)
        f" SELECT {', '.join(values)}, numbers.{seq}, numbers.{change} FROM numbers"
        f" RETURNING {m_pk}, {m_seq}, {m_change}"
    )
    if companion is None:
        return f"WITH {numbers} {insert}"
    meta, key = companion._meta, _message_key(companion)
    c_pk, skip = qn(meta.pk.column), frozenset({key.attname})
    c_columns = rows.row_columns(companion, skip=skip)
    c_values = rows.row_casts(companion, skip=skip)
    return (
        f"WITH {numbers}, inserted AS ({insert}),"  # noqa: S608 (as above)
        f" companion AS (INSERT INTO {qn(meta.db_table)} ({', '.join(c_columns)}, {qn(key.column)})"
        f" SELECT {', '.join(c_values)}, inserted.{m_pk} FROM inserted"
        f" RETURNING {c_pk})"
        f" SELECT inserted.{m_pk}, inserted.{m_seq}, inserted.{m_change}, companion.{c_pk}"
        f" FROM inserted, companion"
    )


def system_message_post(
    *,
    conversation: Conversation,
    key: str,
    body: str,
    kind: str = Message.Kind.SYSTEM,
    visible_to: User | None = None,
) -> SendResult:
    """Post a program message (a weekly prompt, a warning) once per `key` into a conversation.

    `kind` support or guidance with `visible_to`: a card only that member sees (moderation.crisis).
    Called inside a transaction that already holds the conversation's row lock, a second post of
    the same key finds the first and creates nothing.
    """
    if (kind in Message.ADDRESSED_KINDS) != (visible_to is not None):
        raise ValueError("Support and guidance cards, and only they, are addressed to one member.")
    body = clean_body(body)
    digest = message_digest(body)
    with transaction.atomic():
        existing = Message.objects.filter(
            conversation=conversation, sender__isnull=True, client_id=key
        ).first()
        if existing is not None:
            return SendResult(existing, created=False)
        seq, change = _next_numbers(conversation.pk)
        message = Message.objects.create(
            conversation=conversation,
            sender=None,
            kind=kind,
            visible_to=visible_to,
            seq=seq,
            change=change,
            client_id=key,
            body=body,
            body_sha256=digest,
            state=Message.State.DELIVERED,
        )
        notify_message(message=message)
    return SendResult(message, created=True)


def message_state_set(*, message: Message, state: str) -> Message:
    """Change a stored message's state (a verdict from the worker, a release, a withdrawal) and
    give it the conversation's next change number, so that a member who was away gets the new
    state when resuming (`after_change`). Call inside a transaction, then `notify_message`.

    A message still being inserted needs no new number: nobody has seen it yet.
    """
    message.change = _next_change(message.conversation_id)
    message.state = state
    message.state_changed_at = timezone.now()
    message.save(update_fields=["state", "state_changed_at", "change"])
    return message


def notify_message(*, message: Message, readers: list[int] | None = None) -> None:
    """Tell the right people about a message's current state, after commit.

    Visible messages go to every member who may read the conversation (access.reader_ids); a card
    addressed to one member (`visible_to`) to that member only, while they may read it. A pending,
    held or rejected message goes to its sender only (staff learn of held messages through the
    review queue), never to the other members, and not even to the sender once they may no longer
    read the conversation. `readers`: the caller's `reader_ids`, when it read them for this
    send already (access.ConversationMembers).
    """
    if readers is None:
        readers = reader_ids(conversation=message.conversation)
    if message.visible_to_id is not None:
        visible = message.is_visible_to_recipients and message.visible_to_id in readers
        recipients = [message.visible_to_id] if visible else []
    elif message.is_visible_to_recipients:
        recipients = readers
    else:
        recipients = [message.sender_id] if message.sender_id in readers else []
    realtime.notify_after_commit(
        groups=[realtime.user_group(uid) for uid in recipients],
        event={"type": "message", "message": realtime.message_payload(message)},
    )


def messages_mark_read(*, user: User, conversation_id: int, seq: int) -> int:
    """Move the user's read marker forward (never back). Returns the stored marker."""
    conversation = access_conversation_as_member(user=user, conversation_id=conversation_id)
    if not isinstance(seq, int) or seq < 0:
        raise MessageRejected(gettext("seq must be a non-negative integer."), code="invalid")
    seq = min(seq, conversation.last_seq)
    with transaction.atomic():
        Membership.objects.filter(
            conversation=conversation, user=user, last_read_seq__lt=seq
        ).update(last_read_seq=seq)
        marker = Membership.objects.values_list("last_read_seq", flat=True).get(
            conversation=conversation, user=user
        )
        realtime.notify_after_commit(
            groups=[realtime.user_group(uid) for uid in reader_ids(conversation=conversation)],
            event={"type": "read", "conversation": conversation.pk, "user": user.pk, "seq": marker},
        )
    return marker


def typing_notify(*, user: User, conversation_id: int) -> None:
    """Tell the other members that the user is typing. Ephemeral: nothing is stored."""
    conversation = access_conversation_as_member(user=user, conversation_id=conversation_id)
    others = [uid for uid in reader_ids(conversation=conversation) if uid != user.pk]
    realtime.notify_after_commit(
        groups=[realtime.user_group(uid) for uid in others],
        event={"type": "typing", "conversation": conversation.pk, "user": user.pk},
    )


def conversation_access_denied_record(*, user: User, conversation_id: object, via: str) -> None:
    """Audit an attempt to use a conversation the user is not a member of (ids only)."""
    audit_record(
        action="messaging.access_denied",
        actor=user,
        target_type="conversation",
        target_id=conversation_id,
        detail={"via": via[:40]},
    )
