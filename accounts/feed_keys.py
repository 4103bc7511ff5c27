"""The private calendar feed's key: made and shown once, stored as a hash, revoked with the
person's other credentials.

The key is 32 random bytes, so a plain SHA-256 of it is enough to look it up without keeping it
(nothing to brute-force). A key answers only while its person is active and still has the password
it was made under; `sessions_revoke_all` deletes it (sign-out everywhere, second-factor reset,
suspension, a disabled account).
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .audit import audit_record
from .models import FeedKey, User


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _password_ref(user: User) -> str:
    return salted_hmac("trellis.accounts.feed_key", user.password, algorithm="sha256").hexdigest()


def _is_live(row: FeedKey) -> bool:
    return row.user.is_active and constant_time_compare(row.password_ref, _password_ref(row.user))


@transaction.atomic
def feed_key_issue(*, user: User) -> str:
    """Make the user's new feed key, replacing any earlier one (which stops working), and return
    it: the only time it exists outside the person's calendar app."""
    key = secrets.token_urlsafe(32)
    FeedKey.objects.update_or_create(
        user=user,
        defaults={
            "key_hash": _hash(key),
            "password_ref": _password_ref(user),
            "created_at": timezone.now(),
        },
    )
    audit_record(
        action="feed_key.issued",
        actor=user,
        district_id=user.district_id,
        target_type="user",
        target_id=user.pk,
    )
    return key


@transaction.atomic
def feed_key_revoke(*, user: User, actor: User | None, reason: str) -> bool:
    """End the user's feed key, if there is one (audited then). True when one was ended."""
    deleted, _ = FeedKey.objects.filter(user=user).delete()
    if deleted:
        audit_record(
            action="feed_key.revoked",
            actor=actor,
            district_id=user.district_id,
            target_type="user",
            target_id=user.pk,
            detail={"reason": reason[:40]},
        )
    return bool(deleted)


def feed_key_user(*, key: object) -> User | None:
    """The person whose live feed key this is; None for anything else (never raises)."""
    if not isinstance(key, str) or not key or len(key) > 100:
        return None
    row = FeedKey.objects.select_related("user").filter(key_hash=_hash(key)).first()
    return row.user if row is not None and _is_live(row) else None


def feed_key_of(*, user: User) -> FeedKey | None:
    """The user's live feed key record (when it was made), for the meetings page; None when
    there is none, or it ended with a password change."""
    row = FeedKey.objects.select_related("user").filter(user=user).first()
    return row if row is not None and _is_live(row) else None
