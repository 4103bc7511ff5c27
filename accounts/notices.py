"""E-mails about an account's credentials: to its owner, to a minor's recorded guardian contacts,
and to the coordinators asked to approve a change.

Each says what changed, who changed it and when (in the district's time zone, named), never a
secret. Sent after the transaction commits, so a rolled-back change tells nobody; a mail failure is
logged with ids only and never undoes the change.
"""

import datetime
import logging
import zoneinfo
from enum import Enum

from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .languages import language_for_district, language_for_person
from .models import CredentialChangeRequest, GuardianConsent, User

logger = logging.getLogger(__name__)


class Change(Enum):
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
    SECOND_FACTOR_RESET = "second_factor_reset"
    PASSWORD_SET = "password_set"  # noqa: S105 (a kind of change, not a password)


def local_time(at: datetime.datetime, user: User) -> str:
    """`at` in the user's district's time zone, saying which (UTC for a platform superuser), in
    the active language ("03 December 2026, 12:15", "3 de diciembre de 2026, 12:15")."""
    zone = user.district.timezone if user.district_id else "UTC"
    shown = formats.date_format(
        at.astimezone(zoneinfo.ZoneInfo(zone)),
        pgettext("date and time in an e-mail, a Django date format", "d F Y, H:i"),
    )
    return f"{shown} ({zone})"


def _by(actor: User) -> str:
    if actor.is_superuser:
        return _("the Trellis platform administrator")
    return _("%(name)s (coordinator)") % {"name": actor.public_name}


def _owner_message(change: Change, *, when: str, by: str, student: bool) -> tuple[str, str]:
    """The owner's notice, in their register: "tú" to a student, "usted" to an adult (the
    message contexts say which)."""
    if student:
        after = pgettext(
            "to a student", "If you did not ask for this, tell your program coordinator at once."
        )
    else:
        after = pgettext(
            "to an adult", "If you did not ask for this, tell your program coordinator at once."
        )
    names = {"by": by, "when": when, "after": after}
    if change is Change.SECOND_FACTOR_ENROLLED:
        # Only adults set up an authenticator (students sign in with a password alone).
        return _("Trellis: a new authenticator was set up for your account"), _(
            "A new authenticator app was set up for your Trellis account on %(when)s.\n\n"
            "If this was you, there is nothing to do. If it was not, someone who knows your "
            "password may be using your account: tell your program coordinator at once."
        ) % {"when": when}
    if change is Change.SECOND_FACTOR_RESET:
        return _("Trellis: your authenticator was reset"), _(
            "The authenticator of your Trellis account was reset by %(by)s on %(when)s. You were "
            "signed out everywhere; your next sign-in sets up a new authenticator app.\n\n%(after)s"
        ) % names
    if student:
        return pgettext("to a student", "Trellis: your password was changed"), pgettext(
            "to a student",
            "The password of your Trellis account was changed by %(by)s on %(when)s. You were "
            "signed out everywhere.\n\n%(after)s",
        ) % names
    return pgettext("to an adult", "Trellis: your password was changed"), pgettext(
        "to an adult",
        "The password of your Trellis account was changed by %(by)s on %(when)s. You were "
        "signed out everywhere.\n\n%(after)s",
    ) % names


def _guardian_message(change: Change, *, user: User, when: str, by: str) -> tuple[str, str]:
    if change is Change.SECOND_FACTOR_RESET:
        subject = _("Trellis: your child's authenticator was reset")
        what = _("reset the authenticator of")
    else:
        subject = _("Trellis: your child's password was changed")
        what = _("changed the password of")
    body = _(
        "You are recorded as a guardian of %(name)s on Trellis, the school's mentoring program. "
        "On %(when)s, %(by)s %(what)s their Trellis account.\n\n"
        "If you have questions about it, contact the school's program coordinator."
    ) % {"name": user.public_name, "when": when, "by": by, "what": what}
    return subject, body


def guardian_contacts(user: User) -> list[str]:
    """The distinct e-mail addresses recorded on the person's guardian consents."""
    found = (
        GuardianConsent.objects.filter(student=user)
        .exclude(guardian_email="")
        .order_by("guardian_email")
        .values_list("guardian_email", flat=True)
        .distinct()
    )
    return list(found)


def notice_credential_changed(
    *, user: User, change: Change, at: datetime.datetime, actor: User
) -> None:
    """Tell the owner (when they have an address) and, for a minor or a student, every recorded
    guardian contact, after commit. `actor` is who made the change (the owner for an enrolment)."""
    mails = []
    if user.email:
        with translation.override(language_for_person(user=user)):
            when, by = local_time(at, user), _by(actor)
            student = user.role == User.Role.STUDENT
            message = _owner_message(change, when=when, by=by, student=student)
            mails.append((*message, [user.email]))
    if change is not Change.SECOND_FACTOR_ENROLLED and (
        user.is_minor or user.role == User.Role.STUDENT
    ):
        # A guardian contact's language is not recorded: the district's default serves them.
        with translation.override(language_for_district(district=user.district)):
            when, by = local_time(at, user), _by(actor)
            subject, body = _guardian_message(change, user=user, when=when, by=by)
        mails.extend((subject, body, [address]) for address in guardian_contacts(user))
    for subject, body, to in mails:
        transaction.on_commit(
            lambda s=subject, b=body, t=to: _send(s, b, t, user_id=user.pk, change=change.value)
        )


def notice_email_changed(*, user: User, old_email: str, at: datetime.datetime, actor: User) -> None:
    """Tell the previous address that staff changed it (a notice sent only to the new address
    would reach whoever changed it), after commit."""
    if not old_email:
        return
    with translation.override(language_for_person(user=user)):
        names = {"by": _by(actor), "when": local_time(at, user)}
        if user.role == User.Role.STUDENT:
            subject = pgettext(
                "to a student", "Trellis: the e-mail address of your account was changed"
            )
            body = (
                pgettext(
                    "to a student",
                    "The e-mail address of your Trellis account was changed by %(by)s on %(when)s; "
                    "notices about your account now go to the new address, not this one.\n\n"
                    "If you did not ask for this, tell your program coordinator at once.",
                )
                % names
            )
        else:
            subject = pgettext(
                "to an adult", "Trellis: the e-mail address of your account was changed"
            )
            body = (
                pgettext(
                    "to an adult",
                    "The e-mail address of your Trellis account was changed by %(by)s on %(when)s; "
                    "notices about your account now go to the new address, not this one.\n\n"
                    "If you did not ask for this, tell your program coordinator at once.",
                )
                % names
            )
    transaction.on_commit(
        lambda: _send(subject, body, [old_email], user_id=user.pk, change="email_changed")
    )


def notice_approval_wanted(*, change_request: CredentialChangeRequest) -> None:
    """Ask the district's other active coordinators (not the requester, not the target) to approve
    or decline, after commit."""
    coordinators = (
        User.objects.filter(
            district_id=change_request.district_id, role=User.Role.COORDINATOR, is_active=True
        )
        .exclude(pk__in=[change_request.requested_by_id, change_request.target_id])
        .exclude(email="")
        .order_by("pk")
    )
    target = change_request.target
    for coordinator in coordinators:
        with translation.override(language_for_person(user=coordinator)):
            subject, body = _approval_message(change_request, target=target)
        transaction.on_commit(
            lambda s=subject, b=body, a=coordinator.email: _send(
                s, b, [a], user_id=target.pk, change="approval_wanted"
            )
        )


def _approval_message(change_request: CredentialChangeRequest, *, target: User) -> tuple[str, str]:
    subject = _("Trellis: a credential change waits for your approval")
    body = _(
        "%(by)s asked on %(when)s to change the %(kind)s of the Trellis account %(username)s.\n\n"
        "Nothing changes until another coordinator of %(district)s approves it in the admin "
        "(Credential change requests) before %(expires)s. If you did not expect it, decline it."
    ) % {
        "by": _by(change_request.requested_by),
        "when": local_time(change_request.created_at, target),
        "kind": change_request.get_kind_display().lower(),
        "username": target.username,
        "district": change_request.district.name,
        "expires": local_time(change_request.expires_at, target),
    }
    return subject, body


def _send(subject: str, body: str, to: list[str], *, user_id: int, change: str) -> None:
    try:
        send_mail(subject, body, None, to)
    except Exception:
        logger.warning("credential notice e-mail failed user=%s change=%s", user_id, change)


def notice_mail(*, user: User, subject: str, body: str, kind: str) -> None:
    """E-mail one plain-words notice to the person's own address (if recorded), after commit.
    `kind` is a code for the failure log (never the text)."""
    if not user.email:
        return
    transaction.on_commit(lambda: _send(subject, body, [user.email], user_id=user.pk, change=kind))
