"""Throttling of password and second-factor attempts: per account and per address.

Failures are rows (SignInFailure), so every server process sees the same counts and a restart
forgets nothing. An attempt is counted before the secret is checked and forgiven when it passes,
so concurrent guesses cannot race past a limit. An account is locked once it has `per_account`
failures inside the window, from
however many addresses they came (an attack spread over many addresses still locks the account);
an address is refused once it has `per_address` failures inside the window, over all accounts (a
password spray from one address). While locked, attempts are refused without checking the secret,
so a correct guess during the lock learns nothing.

Accounts are counted by the username typed, not by user id, so an unknown username locks exactly
like a real one and lockouts do not reveal which accounts exist.
"""

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import SignInFailure

Kind = SignInFailure.Kind


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window: datetime.timedelta


def limits_for(kind: str) -> Limits:
    """The limits in force for `kind` (read per call, so tests and operators can change them)."""
    conf = settings.TRELLIS
    prefix = "PASSWORD" if kind == Kind.PASSWORD else "OTP"
    return Limits(
        per_account=conf[f"{prefix}_FAILURES_PER_ACCOUNT"],
        per_address=conf[f"{prefix}_FAILURES_PER_ADDRESS"],
        window=datetime.timedelta(minutes=conf["SIGN_IN_LOCK_MINUTES"]),
    )


def _ref(label: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{label}:{value}".encode(), hashlib.sha256).hexdigest()


def account_ref(account: str) -> str:
    """`account` is a typed username (case-folded here) or "user:<id>" for the second factor."""
    return _ref("account", account.strip().casefold())


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind TRELLIS_PROXY_COUNT trusted proxies, the address the outermost
    trusted proxy saw (the right-hand end of X-Forwarded-For), which a client cannot forge."""
    proxies = settings.TRELLIS["PROXY_COUNT"]
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@dataclass(frozen=True)
class Decision:
    attempt_id: int
    # Attempts inside the window that did not succeed, this one included.
    account_failures: int
    address_failures: int
    limits: Limits

    @property
    def refused(self) -> bool:
        """Over a limit before this attempt: refuse it without checking the secret."""
        return (
            self.account_failures > self.limits.per_account
            or self.address_failures > self.limits.per_address
        )

    @property
    def locks_now(self) -> bool:
        """If this attempt fails, it is the one that reaches a limit (true for exactly one)."""
        return (
            self.account_failures == self.limits.per_account
            or self.address_failures == self.limits.per_address
        )


def attempt(*, kind: str, account: str, address: str) -> Decision:
    """Count an attempt before checking the secret, so that concurrent guesses cannot slip past
    the limit between a check and a write: the attempt is a failure until `succeeded` says not."""
    limits = limits_for(kind)
    row = SignInFailure.objects.create(
        at=timezone.now(),
        kind=kind,
        account_ref=account_ref(account),
        address_ref=_ref("address", address),
    )
    recent = SignInFailure.objects.filter(kind=kind, at__gt=row.at - limits.window)
    return Decision(
        attempt_id=row.pk,
        account_failures=recent.filter(account_ref=row.account_ref).count(),
        address_failures=recent.filter(address_ref=row.address_ref).count(),
        limits=limits,
    )


def succeeded(*, decision: Decision, kind: str, account: str) -> None:
    """The attempt passed: it was no failure, and the account's earlier failures are forgiven
    (the address's stay)."""
    SignInFailure.objects.filter(pk=decision.attempt_id).delete()
    clear_account(kind=kind, account=account)


def clear_account(*, kind: str, account: str) -> None:
    """Forget an account's failures after it proved itself (the address counts stay)."""
    SignInFailure.objects.filter(kind=kind, account_ref=account_ref(account)).update(account_ref="")


def prune(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete failures past any window; returns how many."""
    deleted, _ = SignInFailure.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted
