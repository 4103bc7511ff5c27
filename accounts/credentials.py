"""Who may change whose credentials through staff tools, and how (docs/security.md, sections 3-4).

The rule (`access_credential_change`):
- nobody changes their own credentials here: a password is changed on the password page, which
  asks for the current one, and a lost authenticator is reset by someone else;
- a superuser (the platform operator, who is not a coordinator) changes anyone else's directly;
- otherwise only an active coordinator of the person's district, never a superuser's credentials;
- a student's password: that coordinator alone (students have no second factor);
- a mentor's, moderator's or coordinator's password or second factor: a request
  (`CredentialChangeRequest`) that changes nothing until a second coordinator of the same
  district approves it within `CREDENTIAL_REQUEST_LIFETIME`, unless the district allows one
  coordinator (`District.allow_single_coordinator_credential_reset`, set by a superuser only).

Every request, approval, decline, refusal and applied change is audited with ids and codes, never
a password, hash or secret; an applied change signs the person out everywhere and tells them (and a
minor's recorded guardian contacts) by e-mail (accounts.notices).
"""

from dataclasses import dataclass
from enum import Enum

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .models import CREDENTIAL_REQUEST_LIFETIME, CredentialChangeRequest, District, User
from .notices import (
    Change,
    notice_approval_wanted,
    notice_credential_changed,
    notice_email_changed,
)
from .sessions import sessions_revoke_all

Kind = CredentialChangeRequest.Kind
Status = CredentialChangeRequest.Status


class Basis(Enum):
    """Why a change may be made; the audit entry of an applied change records it."""

    SUPERUSER = "superuser"
    STUDENT = "student"
    DISTRICT = "district_setting"
    APPROVAL = "second_coordinator"  # only once a second coordinator approves


class CredentialChangeRefused(PermissionDenied):
    """A refused change or approval; `code` goes to the audit log, the message to the person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CredentialChange:
    """What a staff credential change did: applied now, or waiting in `request` for approval."""

    applied: bool
    request: CredentialChangeRequest | None = None


def _is_coordinator_of(person: User, district_id: int | None) -> bool:
    return (
        person.is_active
        and not person.is_superuser
        and person.role == User.Role.COORDINATOR
        and district_id is not None
        and person.district_id == district_id
    )


def access_credential_change(*, actor: User, target: User, kind: str) -> Basis:
    """The basis on which `actor` may change `target`'s credential of `kind`, or
    CredentialChangeRefused. Basis.APPROVAL means only through an approved request."""
    if actor.pk == target.pk:
        raise CredentialChangeRefused(
            "own_account",
            _(
                "Your own credentials are not changed through staff tools: change your password "
                "on the password page, and ask another coordinator to reset your second factor."
            ),
        )
    if actor.is_superuser:
        return Basis.SUPERUSER
    if not _is_coordinator_of(actor, target.district_id):
        raise CredentialChangeRefused(
            "not_a_coordinator_of_the_district",
            _("Only a coordinator of the person's district may change their credentials."),
        )
    if target.is_superuser:
        raise CredentialChangeRefused(
            "superuser", _("A superuser's credentials are changed by a superuser only.")
        )
    if target.role == User.Role.STUDENT:
        if kind == Kind.SECOND_FACTOR:
            raise CredentialChangeRefused("no_second_factor", _("Students have no second factor."))
        return Basis.STUDENT
    allowed = (
        District.objects.filter(pk=target.district_id)
        .values_list("allow_single_coordinator_credential_reset", flat=True)
        .first()
    )
    return Basis.DISTRICT if allowed else Basis.APPROVAL


def _audit_refusal(*, actor: User, target: User, kind: str, refused: CredentialChangeRefused):
    audit_record(
        action="credential.change_refused",
        actor=actor,
        target_type="user",
        target_id=target.pk,
        detail={"kind": str(kind), "reason": refused.code},
    )


def _checked(*, actor: User, target: User, kind: str) -> Basis:
    try:
        return access_credential_change(actor=actor, target=target, kind=kind)
    except CredentialChangeRefused as refused:
        _audit_refusal(actor=actor, target=target, kind=kind, refused=refused)
        raise


def _apply(
    *,
    user: User,
    actor: User,
    kind: str,
    basis: Basis,
    password_hash: str = "",
    approved: CredentialChangeRequest | None = None,
    approver: User | None = None,
) -> None:
    """Make the change, audit it, sign the person out everywhere and tell them. In a transaction."""
    detail: dict = {"kind": str(kind), "basis": basis.value}
    if approved is not None and approver is not None:
        detail |= {"request": approved.pk, "approved_by": approver.pk}
    if kind == Kind.PASSWORD:
        if not password_hash:
            raise ValueError("a password change needs the new password's hash")
        user.password = password_hash
        user.save(update_fields=["password"])
        action, change = "auth.password_set_by_staff", Change.PASSWORD_SET
        detail["usable"] = user.has_usable_password()
    else:
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        action, change = "auth.second_factor_reset", Change.SECOND_FACTOR_RESET
    entry = audit_record(
        action=action,
        actor=actor,
        district_id=user.district_id,
        target_type="user",
        target_id=user.pk,
        detail=detail,
    )
    sessions_revoke_all(user=user, actor=actor, reason=action.removeprefix("auth."))
    notice_credential_changed(user=user, change=change, at=entry.at, actor=actor)


def _change(*, user: User, actor: User, kind: str, password_hash: str = "") -> CredentialChange:
    basis = _checked(actor=actor, target=user, kind=kind)
    with transaction.atomic():
        if basis is not Basis.APPROVAL:
            _apply(user=user, actor=actor, kind=kind, basis=basis, password_hash=password_hash)
            return CredentialChange(applied=True)
        return CredentialChange(
            applied=False,
            request=_request(user=user, actor=actor, kind=kind, password_hash=password_hash),
        )


def _request(*, user: User, actor: User, kind: str, password_hash: str) -> CredentialChangeRequest:
    now = timezone.now()
    # A newer request replaces a pending (or expired) one of the same kind.
    older = list(
        CredentialChangeRequest.objects.select_for_update()
        .filter(target=user, kind=kind, status=Status.PENDING)
        .values_list("pk", flat=True)
    )
    CredentialChangeRequest.objects.filter(pk__in=older).update(
        status=Status.SUPERSEDED, password_hash="", decided_at=now
    )
    change = CredentialChangeRequest.objects.create(
        district_id=user.district_id,
        target=user,
        kind=kind,
        requested_by=actor,
        created_at=now,
        expires_at=now + CREDENTIAL_REQUEST_LIFETIME,
        password_hash=password_hash,
    )
    detail: dict = {"kind": str(kind), "request": change.pk}
    if older:
        detail["superseded"] = older
    audit_record(
        action="credential.change_requested",
        actor=actor,
        district_id=user.district_id,
        target_type="user",
        target_id=user.pk,
        detail=detail,
    )
    notice_approval_wanted(change_request=change)
    return change


def password_set_by_staff(*, user: User, actor: User, raw_password: str | None) -> CredentialChange:
    """Set `user`'s password (None: password sign-in disabled) on `actor`'s behalf, or ask for a
    second coordinator's approval. Only the hash is kept, in the request, until it is applied."""
    return _change(
        user=user, actor=actor, kind=Kind.PASSWORD, password_hash=make_password(raw_password)
    )


def second_factor_reset(*, user: User, actor: User) -> CredentialChange:
    """A lost authenticator: delete the user's devices and backup codes and sign them out
    everywhere (their next sign-in enrols a new authenticator), or ask for approval."""
    return _change(user=user, actor=actor, kind=Kind.SECOND_FACTOR)


def email_change_record(*, user: User, old_email: str, actor: User) -> None:
    """Staff changed `user`'s e-mail address (where credential notices go): audited without the
    addresses, and the previous address is told. Call after saving the new one."""
    entry = audit_record(
        action="account.email_changed",
        actor=actor,
        district_id=user.district_id,
        target_type="user",
        target_id=user.pk,
        detail={"had_address": bool(old_email), "has_address": bool(user.email)},
    )
    notice_email_changed(user=user, old_email=old_email, at=entry.at, actor=actor)


def _approval_problem(change: CredentialChangeRequest, approver: User) -> tuple[str, str] | None:
    if change.status != Status.PENDING:
        return "not_pending", _("This request was already decided.")
    if change.expires_at <= timezone.now():
        return "expired", _("This request has expired; ask for the change again.")
    if not _is_coordinator_of(approver, change.district_id):
        return "not_a_coordinator_of_the_district", _(
            "Only a coordinator of the person's district may approve this."
        )
    if approver.pk in (change.requested_by_id, change.target_id):
        return "same_person", _(
            "A second coordinator must approve: not the one who asked, nor the person concerned."
        )
    if change.target.district_id != change.district_id:
        return "moved", _("The person is no longer in this district.")
    try:
        basis = access_credential_change(
            actor=change.requested_by, target=change.target, kind=change.kind
        )
    except CredentialChangeRefused:
        basis = None
    if basis not in (Basis.APPROVAL, Basis.DISTRICT):
        return "requester_no_longer_allowed", _(
            "The coordinator who asked may no longer make this change."
        )
    return None


def credential_change_approve(*, change_request: CredentialChangeRequest, approver: User) -> None:
    """A second coordinator of the district approves a pending, unexpired request: the change is
    applied now, on the requester's behalf. CredentialChangeRefused (audited) otherwise."""
    try:
        with transaction.atomic():
            change = (
                CredentialChangeRequest.objects.select_for_update()
                .select_related("target", "requested_by")
                .get(pk=change_request.pk)
            )
            problem = _approval_problem(change, approver)
            if problem is not None:
                raise CredentialChangeRefused(*problem)
            audit_record(
                action="credential.change_approved",
                actor=approver,
                district_id=change.district_id,
                target_type="user",
                target_id=change.target_id,
                detail={
                    "kind": change.kind,
                    "request": change.pk,
                    "requested_by": change.requested_by_id,
                },
            )
            _apply(
                user=change.target,
                actor=change.requested_by,
                kind=change.kind,
                basis=Basis.APPROVAL,
                password_hash=change.password_hash,
                approved=change,
                approver=approver,
            )
            change.status, change.decided_by, change.decided_at = (
                Status.APPLIED,
                approver,
                timezone.now(),
            )
            change.password_hash = ""
            change.save(update_fields=["status", "decided_by", "decided_at", "password_hash"])
    except CredentialChangeRefused as refused:
        _audit_refusal(
            actor=approver, target=change_request.target, kind=change_request.kind, refused=refused
        )
        raise


def credential_change_decline(*, change_request: CredentialChangeRequest, actor: User) -> None:
    """Any active coordinator of the district (the requester withdrawing, the person concerned, a
    colleague) declines a pending request; nothing is applied and the pending hash is dropped."""
    with transaction.atomic():
        change = CredentialChangeRequest.objects.select_for_update().get(pk=change_request.pk)
        if change.status != Status.PENDING:
            raise CredentialChangeRefused("not_pending", _("This request was already decided."))
        if not (actor.is_superuser or _is_coordinator_of(actor, change.district_id)):
            raise CredentialChangeRefused(
                "not_a_coordinator_of_the_district",
                _("Only a coordinator of the person's district may decline this."),
            )
        change.status, change.decided_by, change.decided_at = (
            Status.DECLINED,
            actor,
            timezone.now(),
        )
        change.password_hash = ""
        change.save(update_fields=["status", "decided_by", "decided_at", "password_hash"])
        audit_record(
            action="credential.change_declined",
            actor=actor,
            district_id=change.district_id,
            target_type="user",
            target_id=change.target_id,
            detail={"kind": change.kind, "request": change.pk},
        )
