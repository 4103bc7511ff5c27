"""A program's notices (match paused, closed, reassigned) and its progress e-mail to guardians
reach each person in their own language, whatever language the coordinator acting reads."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from accounts.models import User
from actions.messages import message_send
from messaging.models import Message
from programs.guardians import guardian_digests_send
from programs.match_actions import (
    match_close_for_review,
    match_pause_for_review,
    match_reassign,
)
from programs.models import Guardian, ProgramNotice

pytestmark = pytest.mark.django_db


def _speaks(user, address, language):
    user.email, user.preferred_language = address, language
    user.save()


def _mail_to(address):
    [sent] = [m for m in mail.outbox if m.to == [address]]
    return sent


def _notice(user):
    return ProgramNotice.objects.get(user=user)


def test_a_pause_tells_each_person_in_their_language(
    program, active_match, coordinator, django_capture_on_commit_callbacks
):
    mentor, student = active_match.mentor, active_match.student
    _speaks(mentor, "m@example.org", "en")
    _speaks(student, "s@example.org", "es")
    # The coordinator works in Spanish; the English mentor still reads English.
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        match_pause_for_review(
            actor=coordinator, program=program, match=active_match, reason="Lo pidió la familia"
        )
    spanish = _mail_to("s@example.org")
    assert spanish.subject == "Tu conversación de mentoría está en pausa"
    assert spanish.body.startswith("La coordinación de tu programa ha pausado por ahora")
    assert mentor.public_name in spanish.body
    english = _mail_to("m@example.org")
    assert english.subject == "Your mentoring conversation is paused"
    assert english.body.startswith("Your program's coordinator has paused your conversation")
    # The notice on the home page is in the same language as the e-mail.
    assert _notice(student).subject == spanish.subject
    assert _notice(mentor).subject == english.subject


def test_a_close_tells_each_person_in_their_language(
    program, active_match, coordinator, django_capture_on_commit_callbacks
):
    mentor, student = active_match.mentor, active_match.student
    _speaks(mentor, "m@example.org", "es")
    _speaks(student, "s@example.org", "en")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        match_close_for_review(
            actor=coordinator, program=program, match=active_match, reason="No contact"
        )
    spanish = _mail_to("m@example.org")
    # The mentor, an adult, is addressed as "usted".
    assert spanish.subject == "Su mentoría ha terminado"
    assert "Ya no puede enviar mensajes en esa conversación" in spanish.body
    assert _mail_to("s@example.org").subject == "Your mentoring match has ended"
    assert _notice(mentor).body == spanish.body


def test_a_reassignment_tells_the_three_people_in_their_languages(
    program, active_match, coordinator, make_user, district, django_capture_on_commit_callbacks
):
    old, student = active_match.mentor, active_match.student
    new = make_user(User.Role.MENTOR, district, display_name="Nadia")
    _speaks(old, "old@example.org", "en")
    _speaks(student, "s@example.org", "es")
    _speaks(new, "new@example.org", "es")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        match_reassign(
            actor=coordinator,
            program=program,
            match=active_match,
            mentor_id=new.pk,
            reason="No contact",
        )
    assert _mail_to("old@example.org").subject == "Your mentoring match has ended"
    to_student = _mail_to("s@example.org")
    assert to_student.subject == "Tienes un nuevo mentor"
    assert "tu nuevo mentor no ve tus mensajes anteriores" in to_student.body
    assert "Nadia" in to_student.body
    to_new = _mail_to("new@example.org")
    assert to_new.subject == "Se le asignó un estudiante"
    assert "Abra Trellis para empezar su conversación" in to_new.body


def test_a_guardian_reads_the_progress_email_in_spanish(
    program, active_match, student, mentor, district, django_capture_on_commit_callbacks
):
    student.first_name = "Ana"
    student.save(update_fields=["first_name"])
    Guardian.objects.create(
        district=district,
        student=student,
        sourced_id="g-es",
        name="Rosa Díaz",
        email="rosa@example.org",
        preferred_language="es-MX",
    )
    now = timezone.now()
    sent = message_send(
        sender=student, conversation_id=active_match.conversation.pk, client_id="d1", body="hola"
    ).message
    Message.objects.filter(pk=sent.pk).update(created_at=now - datetime.timedelta(days=3))
    # A periodic job runs with no language active of its own choosing.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert guardian_digests_send(now=now) == 1
    digest = _mail_to("rosa@example.org")
    assert digest.subject == f"Progreso en {program.name}"
    assert digest.body.startswith("Hola, Rosa Díaz:")
    assert "Semanas en las que Ana y su mentor se escribieron: 1 de" in digest.body
    assert "Para no recibir más estos correos:" in digest.body
    assert "Weeks in which" not in digest.body


def test_spanish_notices_say_tu_to_the_student_and_usted_to_the_mentor(
    program, active_match, make_user, coordinator, django_capture_on_commit_callbacks
):
    mentor, student = active_match.mentor, active_match.student
    _speaks(mentor, "m@example.org", "es")
    _speaks(student, "s@example.org", "es")
    with django_capture_on_commit_callbacks(execute=True):
        match_pause_for_review(actor=coordinator, program=program, match=active_match, reason="r")
    to_student, to_mentor = _mail_to("s@example.org"), _mail_to("m@example.org")
    assert to_student.subject == "Tu conversación de mentoría está en pausa"
    assert "No puedes enviar mensajes" in to_student.body
    assert to_mentor.subject == "Su conversación de mentoría está en pausa"
    assert "No puede enviar mensajes" in to_mentor.body
    assert "contigo" not in to_mentor.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match_close_for_review(actor=coordinator, program=program, match=active_match, reason="r")
    to_student, to_mentor = _mail_to("s@example.org"), _mail_to("m@example.org")
    assert to_student.subject == "Tu mentoría ha terminado"
    assert "Si tienes preguntas" in to_student.body
    assert to_mentor.subject == "Su mentoría ha terminado"
    assert "Si tiene preguntas" in to_mentor.body
    # "Pareja" is the coordinators' word for a match; to the people in it, it reads as a couple.
    assert "pareja" not in (to_student.subject + to_student.body + to_mentor.body).lower()
