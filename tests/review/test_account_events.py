"""Account events staff record about people (consents, screenings) land in the audit log."""

import datetime

from django.utils import timezone

from accounts import services as accounts
from accounts.audit import audit_verify
from accounts.models import AuditEntry, User
from actions.consents import consent_revoke


def test_consent_and_screening_changes_are_audited(make_user, district, coordinator):
    student = make_user(User.Role.STUDENT, district, cleared=False)
    mentor = make_user(User.Role.MENTOR, district, cleared=False)
    consent = accounts.consent_record(
        student=student, guardian_name="A Guardian", recorded_by=coordinator
    )
    accounts.screening_record(
        mentor=mentor,
        recorded_by=coordinator,
        background_check_cleared_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    consent_revoke(consent=consent, revoked_by=coordinator)
    rows = list(
        AuditEntry.objects.order_by("pk").values_list("action", "actor_ref", "target_id", "detail")
    )
    assert [(a, actor, target) for a, actor, target, _ in rows] == [
        ("consent.record", coordinator.pk, str(student.pk)),
        ("screening.record", coordinator.pk, str(mentor.pk)),
        ("consent.revoke", coordinator.pk, str(student.pk)),
    ]
    assert rows[0][3] == {"consent": consent.pk}
    assert "Guardian" not in str(rows)  # names stay out of the log
    assert audit_verify() is None
