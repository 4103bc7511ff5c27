"""A group that changes: a coordinator takes a member out of it, or closes it.

The group counterpart of programs.match_actions, in the same layer as the rest of the program's
group rules (programs.services.group_create, group_members_add; docs/adr/0005-layers.md): each
action is one transaction with the conversation's half below it (messaging.services
`group_member_remove`, `group_close`), one audit entry (ids and codes only), a plain-words
notice to each person affected on their home page and by e-mail after commit (`notice_send`),
and the e-mail to a student's guardians (programs.guardians.guardian_group_change_notify).

- Taking someone out ends their access at once: no membership, so the conversation answers them
  as a non-member on the API, the page and the socket (told by `conversation.left`), and no live
  event of it reaches them. The last mentor or the last student cannot be taken out (a group of
  students without an adult, or of adults alone, is not a group): close the group instead.
- Closing keeps the conversation readable by its members, read-only: no message, no new member,
  no meeting ahead (messaging.access.conversations_ended).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.audit import audit_record
from accounts.models import Program, User
from messaging.models import Conversation, Membership
from messaging.services import group_close as conversation_close
from messaging.services import group_member_remove as conversation_member_remove
from messaging.services import match_create_check

from .guardians import guardian_group_change_notify
from .match_actions import notice_send


class GroupActionRefused(ValidationError):
    """The action was not taken; the reason is in `messages`."""


# Each in their own register: "tú" to a student, "usted" to an adult (contexts).
_REMOVED = {
    User.Role.STUDENT: (
        pgettext_lazy("to a student", "You have left a mentoring group"),
        pgettext_lazy(
            "to a student",
            "Your program's coordinator has taken you out of the group %(group)s. You can no "
            "longer read or send messages in it. If you have questions, talk to the "
            "coordinator.",
        ),
    ),
    User.Role.MENTOR: (
        pgettext_lazy("to an adult", "You have left a mentoring group"),
        pgettext_lazy(
            "to an adult",
            "Your program's coordinator has taken you out of the group %(group)s. You can no "
            "longer read or send messages in it. If you have questions, talk to the "
            "coordinator.",
        ),
    ),
}
_CLOSED = {
    User.Role.STUDENT: (
        pgettext_lazy("to a student", "Your mentoring group has ended"),
        pgettext_lazy(
            "to a student",
            "Your program's coordinator has ended the group %(group)s. You can still read its "
            "messages, but nobody can send new ones. If you have questions, talk to the "
            "coordinator.",
        ),
    ),
    User.Role.MENTOR: (
        pgettext_lazy("to an adult", "Your mentoring group has ended"),
        pgettext_lazy(
            "to an adult",
            "Your program's coordinator has ended the group %(group)s. You can still read its "
            "messages, but nobody can send new ones. If you have questions, talk to the "
            "coordinator.",
        ),
    ),
}


def _texts(table: dict, role: str):
    return table[User.Role.STUDENT if role == Membership.Role.STUDENT else User.Role.MENTOR]


def _locked(group: Conversation, program: Program) -> Conversation:
    found = (
        Conversation.objects.select_for_update()
        .select_related("program__school")
        .filter(pk=group.pk, program=program, kind=Conversation.Kind.GROUP)
        .first()
    )
    if found is None:
        raise GroupActionRefused(_("No such group in this program."))
    if not found.is_open:
        raise GroupActionRefused(_("This group is closed."))
    return found


def _audit(action: str, *, actor: User, group: Conversation, detail: dict) -> None:
    audit_record(
        action=action,
        actor=actor,
        district_id=group.program.school.district_id,
        target_type="conversation",
        target_id=group.pk,
        detail={"program": group.program_id, **detail},
    )


def _title(group: Conversation) -> str:
    return group.title or _("Untitled group")


@transaction.atomic
def group_member_remove(
    *, actor: User, program: Program, group: Conversation, user: User
) -> Conversation:
    """Take `user` out of an open group of `program` (its district's coordinators only:
    PermissionDenied). Refused (GroupActionRefused, nothing written) for someone not in the
    group and for its last mentor or last student. Audited `group.member_remove` (the user and
    the role they had); the member is told, and a student's guardians."""
    match_create_check(program=program, actor=actor)
    group = _locked(group, program)
    roles = dict(group.memberships.values_list("user_id", "role"))
    role = roles.get(user.pk)
    if role is None:
        raise GroupActionRefused(_("%(name)s is not in this group.") % {"name": user.public_name})
    if sum(1 for r in roles.values() if r == role) == 1:
        if role == Membership.Role.MENTOR:
            problem = _(
                "%(name)s is the group's only mentor: add another mentor first, or close the "
                "group instead."
            )
        else:
            problem = _(
                "%(name)s is the group's only student: add another student first, or close the "
                "group instead."
            )
        raise GroupActionRefused(problem % {"name": user.public_name})
    conversation_member_remove(conversation=group, user=user)
    _audit("group.member_remove", actor=actor, group=group, detail={"user": user.pk, "role": role})
    subject, body = _texts(_REMOVED, role)
    notice_send(
        user=user, subject=subject, body=body, names={"group": _title(group)}, kind="group_left"
    )
    if role == Membership.Role.STUDENT:
        guardian_group_change_notify(group=group, student=user, change="left")
    return group


@transaction.atomic
def group_close(*, actor: User, program: Program, group: Conversation) -> Conversation:
    """Close an open group of `program` for good (its district's coordinators only). Its
    conversation becomes read-only for its members; it takes nobody new and has no meetings
    ahead. Audited `group.close`; every member is told, and every student's guardians."""
    match_create_check(program=program, actor=actor)
    group = _locked(group, program)
    conversation_close(conversation=group)
    _audit("group.close", actor=actor, group=group, detail={})
    members = Membership.objects.filter(conversation=group).select_related("user")
    for membership in members.order_by("pk"):
        subject, body = _texts(_CLOSED, membership.role)
        notice_send(
            user=membership.user,
            subject=subject,
            body=body,
            names={"group": _title(group)},
            kind="group_closed",
        )
        if membership.role == Membership.Role.STUDENT:
            guardian_group_change_notify(group=group, student=membership.user, change="closed")
    return group
