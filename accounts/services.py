"""Writes about people: consents and screenings. Keyword-only, one transaction each.

Credential changes by staff (passwords, second-factor resets) are in accounts.credentials."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .audit import audit_record
from .models import GuardianConsent, Screening, User


def _require_staff_of(actor: User, district_id: int) -> None:
    if actor.is_superuser:
        return
    if not (actor.is_staff_role and actor.district_id == district_id):
        raise PermissionDenied("Only staff of the person's district may record this.")


@transaction.atomic
def consent_record(
    *,
    student: User,
    guardian_name: str,
    recorded_by: User,
    relationship: str = "parent",
    guardian_email: str = "",
) -> GuardianConsent:
    """Record a guardian's consent for a minor (a student, or a peer mentor who is a minor).
    `guardian_email`, when given, is told when staff change the student's credentials."""
    if student.role != User.Role.STUDENT and not student.is_minor:
        raise ValidationError(gettext("Guardian consent is recorded for students and for minors."))
    if not guardian_name.strip():
        raise ValidationError(gettext("The guardian's name is required."))
    _require_staff_of(recorded_by, student.district_id)
    consent = GuardianConsent.objects.create(
        student=student,
        guardian_name=guardian_name.strip(),
        guardian_email=guardian_email.strip(),
        relationship=relationship,
        recorded_by=recorded_by,
        recorded_at=timezone.now(),
    )
    audit_record(
        action="consent.record",
        actor=recorded_by,
        district_id=student.district_id,
        target_type="user",
        target_id=student.pk,
        detail={"consent": consent.pk},
    )
    return consent


@transaction.atomic
def consent_mark_revoked(*, consent: GuardianConsent, revoked_by: User) -> GuardianConsent:
    """Mark a consent revoked and audit it: the consent's own part of revoking it. Revoking also
    pauses the student's matches, which are messaging's: call actions.consents.consent_revoke."""
    _require_staff_of(revoked_by, consent.student.district_id)
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    audit_record(
        action="consent.revoke",
        actor=revoked_by,
        district_id=consent.student.district_id,
        target_type="user",
        target_id=consent.student_id,
        detail={"consent": consent.pk},
    )
    return consent


@transaction.atomic
def screening_record(
    *,
    mentor: User,
    recorded_by: User,
    background_check_cleared_on: datetime.date | None = None,
    orientation_completed_on: datetime.date | None = None,
) -> Screening:
    if mentor.role != User.Role.MENTOR:
        raise ValidationError(gettext("Screening is recorded for mentors."))
    _require_staff_of(recorded_by, mentor.district_id)
    today = timezone.localdate()
    for label, value in (
        ("background check", background_check_cleared_on),
        ("orientation", orientation_completed_on),
    ):
        if value is not None and value > today:
            raise ValidationError(f"The {label} date cannot be in the future.")
    screening, _ = Screening.objects.select_for_update().get_or_create(
        mentor=mentor, defaults={"recorded_by": recorded_by}
    )
    if background_check_cleared_on is not None:
        screening.background_check_cleared_on = background_check_cleared_on
    if orientation_completed_on is not None:
        screening.orientation_completed_on = orientation_completed_on
    screening.recorded_by = recorded_by
    screening.save()
    audit_record(
        action="screening.record",
        actor=recorded_by,
        district_id=mentor.district_id,
        target_type="user",
        target_id=mentor.pk,
        detail={
            "background_check": str(screening.background_check_cleared_on or ""),
            "orientation": str(screening.orientation_completed_on or ""),
        },
    )
    return screening
