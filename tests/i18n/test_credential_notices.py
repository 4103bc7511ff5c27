"""Credential notices (accounts.notices) reach each recipient in their language: the owner in
theirs, a student's guardian contacts in the district's default, whatever language the staff
member acting reads; the time in them names its month in that language."""

import datetime

import pytest
from django.core import mail
from django.utils import translation

from accounts.models import GuardianConsent, User
from accounts.notices import Change, notice_credential_changed, notice_email_changed

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 3, 18, 15, tzinfo=datetime.UTC)


def _mail_to(address):
    [sent] = [m for m in mail.outbox if m.to == [address]]
    return sent


def test_owner_and_guardians_each_read_their_language(
    make_user, district, coordinator, django_capture_on_commit_callbacks
):
    district.default_language, district.timezone = "es", "America/Chicago"
    district.save()
    student = make_user(
        User.Role.STUDENT, district, email="student@example.org", preferred_language="en"
    )
    GuardianConsent.objects.filter(student=student).update(guardian_email="madre@example.org")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notice_credential_changed(
            user=student, change=Change.PASSWORD_SET, at=AT, actor=coordinator
        )
    owner = _mail_to("student@example.org")
    assert owner.subject == "Trellis: your password was changed"
    assert "03 December 2026, 12:15 (America/Chicago)" in owner.body
    guardian = _mail_to("madre@example.org")
    assert guardian.subject == "Trellis: se cambió la contraseña de su hijo o hija"
    assert "cambió la contraseña de" in guardian.body
    assert "3 de diciembre de 2026, 12:15 (America/Chicago)" in guardian.body
    assert "December" not in guardian.body


def test_a_spanish_owner_is_told_in_spanish_while_staff_work_in_english(
    make_user, district, coordinator, django_capture_on_commit_callbacks
):
    mentor = make_user(User.Role.MENTOR, district, preferred_language="es")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notice_email_changed(user=mentor, old_email="old@example.org", at=AT, actor=coordinator)
    told = _mail_to("old@example.org")
    assert told.subject == "Trellis: se cambió la dirección de correo electrónico de su cuenta"
    assert "diciembre" in told.body


def test_a_spanish_student_is_told_with_tu_and_an_adult_with_usted(
    make_user, district, coordinator, django_capture_on_commit_callbacks
):
    student = make_user(
        User.Role.STUDENT, district, email="alumna@example.org", preferred_language="es"
    )
    mentor = make_user(
        User.Role.MENTOR, district, email="mentor@example.org", preferred_language="es"
    )
    GuardianConsent.objects.filter(student=student).update(guardian_email="")
    with django_capture_on_commit_callbacks(execute=True):
        for user in (student, mentor):
            notice_credential_changed(
                user=user, change=Change.PASSWORD_SET, at=AT, actor=coordinator
            )
        notice_email_changed(user=student, old_email="vieja@example.org", at=AT, actor=coordinator)
    to_student = _mail_to("alumna@example.org")
    assert to_student.subject == "Trellis: se cambió tu contraseña"
    assert "de tu cuenta" in to_student.body
    assert (
        "Si no lo pediste, avisa de inmediato a la coordinación de tu programa." in to_student.body
    )
    assert "usted" not in to_student.body.lower()
    to_mentor = _mail_to("mentor@example.org")
    assert to_mentor.subject == "Trellis: se cambió su contraseña"
    assert "Si usted no lo pidió" in to_mentor.body
    old = _mail_to("vieja@example.org")
    assert old.subject == "Trellis: se cambió la dirección de correo electrónico de tu cuenta"
    assert "Si no lo pediste" in old.body
