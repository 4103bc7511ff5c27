"""Consents and screenings saved in the admin go through their services: a revoked consent pauses
the student's matches and is audited, a screening keeps its date rules and is audited, and the
fields that gate a match cannot be rewritten in place."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry, GuardianConsent, Screening, User
from accounts.permissions import coordinator_admin_grant
from messaging.models import Match

CONSENTS = "/admin/accounts/guardianconsent/"
SCREENINGS = "/admin/accounts/screening/"


@pytest.fixture
def staff(make_user, district, verified_login):
    coordinator = make_user(User.Role.COORDINATOR, district, is_staff=True)
    coordinator_admin_grant(user=coordinator)
    client = Client()
    verified_login(client, coordinator)
    return coordinator, client


def test_revoking_a_consent_in_the_admin_pauses_the_students_match(staff, active_match, student):
    coordinator, client = staff
    consent = student.consents.get()
    response = client.post(
        CONSENTS, {"action": "revoke_consents", "_selected_action": [consent.pk]}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    active_match.refresh_from_db()
    assert active_match.status == Match.Status.PAUSED
    entry = AuditEntry.objects.get(action="consent.revoke")
    assert entry.actor == coordinator
    assert entry.target_id == str(student.pk)


def test_a_consents_fields_cannot_be_rewritten_in_place(staff, active_match, student):
    _, client = staff
    consent = student.consents.get()
    response = client.post(
        f"{CONSENTS}{consent.pk}/change/",
        {
            "student": student.pk,
            "guardian_name": "Someone Else",
            "guardian_email": "elsewhere@example.org",
            "relationship": "parent",
            "revoked_at_0": "",
            "revoked_at_1": "",
        },
    )
    assert response.status_code in (200, 302, 403)
    before = consent.guardian_name
    consent.refresh_from_db()
    assert consent.guardian_name == before
    assert consent.guardian_email == ""
    assert consent.revoked_at is None


def test_a_consent_added_in_the_admin_is_recorded_by_the_service(staff, make_user, district):
    coordinator, client = staff
    student = make_user(User.Role.STUDENT, district)
    GuardianConsent.objects.filter(student=student).delete()
    response = client.post(
        f"{CONSENTS}add/",
        {"student": student.pk, "guardian_name": "Ana Ruiz", "relationship": "mother"},
    )
    assert response.status_code == 302, response.content[:2000]
    consent = GuardianConsent.objects.get(student=student)
    assert consent.recorded_by == coordinator
    recorded = AuditEntry.objects.filter(action="consent.record", target_id=str(student.pk))
    assert recorded.count() == 1


def _screening_post(mentor, **dates) -> dict:
    return {
        "mentor": mentor.pk,
        "background_check_cleared_on": dates.get("background", ""),
        "orientation_completed_on": dates.get("orientation", ""),
    }


def test_a_future_screening_date_is_refused_in_the_admin(staff, mentor):
    _, client = staff
    screening = mentor.screening
    before = screening.background_check_cleared_on
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        f"{SCREENINGS}{screening.pk}/change/",
        _screening_post(
            mentor, background=tomorrow, orientation=screening.orientation_completed_on.isoformat()
        ),
    )
    assert response.status_code == 200
    assert "future" in response.content.decode()
    screening.refresh_from_db()
    assert screening.background_check_cleared_on == before
    assert not AuditEntry.objects.filter(action="screening.record").exists()


def test_a_screening_changed_in_the_admin_is_audited(staff, mentor):
    coordinator, client = staff
    screening = mentor.screening
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        f"{SCREENINGS}{screening.pk}/change/",
        _screening_post(mentor, background=day, orientation=day),
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.background_check_cleared_on.isoformat() == day
    assert screening.recorded_by == coordinator
    recorded = AuditEntry.objects.filter(action="screening.record", target_id=str(mentor.pk))
    assert recorded.count() == 1


def test_a_recorded_screening_date_cannot_be_cleared_in_the_admin(staff, mentor, active_match):
    _, client = staff
    screening = mentor.screening
    response = client.post(
        f"{SCREENINGS}{screening.pk}/change/",
        _screening_post(mentor, orientation=screening.orientation_completed_on.isoformat()),
    )
    assert response.status_code == 200
    screening.refresh_from_db()
    assert screening.background_check_cleared_on is not None
    assert Screening.objects.filter(mentor=mentor).count() == 1
