"""Consents: revoking one ends the student's part in every active match at once."""

from django.db import transaction

from accounts.models import GuardianConsent, User
from accounts.services import consent_mark_revoked
from messaging.services import matches_pause_for_user


@transaction.atomic
def consent_revoke(*, consent: GuardianConsent, revoked_by: User) -> GuardianConsent:
    """Revoke a consent and pause the student's active matches, in one transaction (their
    conversations stop accepting messages; members are told after commit). PermissionDenied,
    with nothing changed, unless `revoked_by` is staff of the student's district."""
    consent = consent_mark_revoked(consent=consent, revoked_by=revoked_by)
    matches_pause_for_user(
        user=consent.student, actor=revoked_by, reason="Guardian consent revoked"
    )
    return consent
