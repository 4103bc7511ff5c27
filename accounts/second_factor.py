"""The second sign-in step for adults: TOTP enrolment, verification and static backup codes.

Replay: a TOTP device stores the time step of the last code it accepted (`last_t`) and accepts only
codes of later steps, so a code cannot be used twice and the previous step's code is refused once a
newer one was used. Verification locks the device row (select_for_update), so two concurrent
submissions of one code cannot both pass. Backup codes are deleted when used.

Enrolment: each enrolment page view creates a fresh pending device (a new secret), discards any
other pending one and binds the new one to the session (`ENROLMENT_SESSION_KEY`); only that session
can confirm it. Two sessions that know the password therefore never share a secret, and the
secret shown to the earlier one stops working. Enrolment steps lock the user row, so a second
authenticator cannot be confirmed beside the first.

Throttling: accounts.throttle per account and per address, on top of django-otp's own exponential
back-off per device. Every attempt is audited with ids only.
"""

import base64
import re
from dataclasses import dataclass
from enum import Enum

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import throttle
from .audit import audit_record
from .models import User
from .notices import Change, notice_credential_changed
from .sessions import session_rekey

BACKUP_CODE_COUNT = 10
_TOTP_SHAPE = re.compile(r"^[0-9]{6}$")
_STATIC_SHAPE = re.compile(r"^[a-z2-7]{8}$")


class Outcome(Enum):
    PASSED = "passed"
    FAILED = "failed"
    LOCKED = "locked"


@dataclass(frozen=True)
class VerifyResult:
    outcome: Outcome
    device: TOTPDevice | StaticDevice | None = None


def _account(user: User) -> str:
    return f"user:{user.pk}"


def normalise_token(token: str) -> str:
    """Codes as people type them: spaces and dashes dropped, letters lower-cased."""
    return re.sub(r"[\s-]", "", token or "").lower()[:32]


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


# The session's own pending device (its pk): only the session that was shown a secret confirms it.
ENROLMENT_SESSION_KEY = "trellis_enrolment_device"


def _lock_user(user: User) -> None:
    """Serialise enrolment steps of one user (page views and confirmations in any session)."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def enrolment_start(*, request: HttpRequest, user: User) -> TOTPDevice | None:
    """A fresh unconfirmed TOTP device (a new secret) bound to this session. Every other pending
    device of the user is discarded, so a secret shown to another session (or earlier in this
    one) no longer confirms. None when the user already has a confirmed authenticator."""
    with transaction.atomic():
        _lock_user(user)
        if totp_device_confirmed(user) is not None:
            return None
        discarded, _ = TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        audit_record(
            action="auth.enrolment_started",
            actor=user,
            target_type="user",
            target_id=user.pk,
            detail={"device": device.pk, "discarded": discarded},
        )
    request.session[ENROLMENT_SESSION_KEY] = device.pk
    return device


def enrolment_pending(*, request: HttpRequest, user: User) -> TOTPDevice | None:
    """This session's pending device, while it has not been discarded or confirmed."""
    pk = request.session.get(ENROLMENT_SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first()


def device_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def device_qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no style attribute)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", omitsize=False
    )


def _attempt(request: HttpRequest, user: User) -> throttle.Decision:
    decision = throttle.attempt(
        kind=throttle.Kind.OTP, account=_account(user), address=throttle.client_address(request)
    )
    if decision.refused:
        audit_record(
            action="auth.otp_refused_locked", actor=user, target_type="user", target_id=user.pk
        )
    return decision


def _fail(user: User, decision: throttle.Decision, device_kind: str) -> Outcome:
    audit_record(
        action="auth.otp_failed",
        actor=user,
        target_type="user",
        target_id=user.pk,
        detail={"device": device_kind, "failures": decision.account_failures},
    )
    if decision.locks_now:
        audit_record(action="auth.otp_locked", actor=user, target_type="user", target_id=user.pk)
        return Outcome.LOCKED
    return Outcome.FAILED


def _complete(
    request: HttpRequest, user: User, device, device_kind: str, decision: throttle.Decision
) -> None:
    """Mark the session as verified and rotate its key (the pre-verification key is dead)."""
    old_key = request.session.session_key
    django_otp.login(request, device)
    request.session.cycle_key()
    session_rekey(old_key=old_key, new_key=request.session.session_key, user=user)
    throttle.succeeded(decision=decision, kind=throttle.Kind.OTP, account=_account(user))
    audit_record(
        action="auth.second_factor_passed",
        actor=user,
        target_type="user",
        target_id=user.pk,
        detail={"device": device_kind},
    )


def second_factor_verify(*, request: HttpRequest, user: User, token: str) -> VerifyResult:
    """Check a TOTP code or a backup code for `user` and, when it passes, verify the session."""
    decision = _attempt(request, user)
    if decision.refused:
        return VerifyResult(Outcome.LOCKED)
    token = normalise_token(token)
    if _TOTP_SHAPE.match(token):
        device_kind, devices = "totp", TOTPDevice.objects.filter(user=user, confirmed=True)
    elif _STATIC_SHAPE.match(token):
        device_kind, devices = "static", StaticDevice.objects.filter(user=user, confirmed=True)
    else:
        return VerifyResult(_fail(user, decision, "none"))
    for device in devices.order_by("pk"):
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            _complete(request, user, verified, device_kind, decision)
            if device_kind == "static":
                audit_record(
                    action="auth.backup_code_used",
                    actor=user,
                    target_type="user",
                    target_id=user.pk,
                    detail={"remaining": verified.token_set.count()},
                )
            return VerifyResult(Outcome.PASSED, verified)
    return VerifyResult(_fail(user, decision, device_kind))


def backup_codes_issue(*, user: User) -> list[str]:
    """Replace the user's backup codes with a fresh set; the codes are shown once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
        audit_record(
            action="auth.backup_codes_issued", actor=user, target_type="user", target_id=user.pk
        )
    return codes


def enrolment_confirm(*, request: HttpRequest, user: User, token: str) -> VerifyResult:
    """Confirm this session's pending device with its first code; on success the session is
    verified, the device becomes the user's authenticator, the owner is told by e-mail and the
    enrolment audited. A device shown to another session is never looked at. Throttled like any
    second-factor attempt."""
    decision = _attempt(request, user)
    if decision.refused:
        return VerifyResult(Outcome.LOCKED)
    token = normalise_token(token)
    verified = None
    if _TOTP_SHAPE.match(token):
        with transaction.atomic():
            _lock_user(user)
            device = enrolment_pending(request=request, user=user)
            if device is not None and totp_device_confirmed(user) is None:
                verified = django_otp.verify_token(user, device.persistent_id, token)
            if verified is not None:
                verified.confirmed = True
                verified.save(update_fields=["confirmed"])
                # Any other half-finished enrolment is void now.
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                entry = audit_record(
                    action="auth.second_factor_enrolled",
                    actor=user,
                    target_type="user",
                    target_id=user.pk,
                    detail={"device": verified.pk},
                )
                notice_credential_changed(
                    user=user, change=Change.SECOND_FACTOR_ENROLLED, at=entry.at, actor=user
                )
    if verified is None:
        return VerifyResult(_fail(user, decision, "totp"))
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    _complete(request, user, verified, "totp", decision)
    return VerifyResult(Outcome.PASSED, verified)
