"""Weekly prompts have a text per language (docs/adr/0008-translated-content.md): each reader sees
the question in their language on the home page and in the posted program message."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from messaging import cadence
from messaging.models import Message
from testkit.sessions import login_verified

pytestmark = pytest.mark.django_db

ENGLISH = "What is a skill you want to learn this year?"
SPANISH = "¿Qué habilidad quieres aprender este año?"


def _this_week_prompt(program, coordinator, **kw):
    start = cadence.program_week(program=program, at=timezone.now()).start_date
    # Scheduling is for weeks ahead; a prompt of this week is what the home page shows.
    prompt = cadence.prompt_schedule(
        program=program,
        week_start=start + datetime.timedelta(days=7),
        body=ENGLISH,
        actor=coordinator,
        **kw,
    )
    prompt.week_start = start
    prompt.save(update_fields=["week_start"])
    return prompt


def _home(user, **headers) -> str:
    client = Client(headers=headers)
    login_verified(client, user)
    return client.get("/").content.decode()


def test_each_reader_sees_the_prompt_in_their_language(
    program, coordinator, active_match, student, mentor
):
    _this_week_prompt(program, coordinator, translations={"es": SPANISH})
    student.preferred_language = "es"
    student.save()
    assert SPANISH in _home(student)
    assert ENGLISH not in _home(student)
    assert ENGLISH in _home(mentor, accept_language="en")
    assert SPANISH in _home(mentor, accept_language="es")


def test_a_prompt_without_translations_reads_as_written_in_every_language(
    program, coordinator, active_match, student
):
    _this_week_prompt(program, coordinator)
    assert ENGLISH in _home(student, accept_language="es")


def test_the_posted_message_carries_the_question_in_each_readers_language(
    program, coordinator, active_match, student, mentor, django_capture_on_commit_callbacks
):
    student.preferred_language = "es"
    student.save()
    start = cadence.program_week(program=program, at=timezone.now()).start_date
    prompt = cadence.prompt_schedule(
        program=program,
        week_start=start + datetime.timedelta(days=7),
        body=ENGLISH,
        actor=coordinator,
        translations={"es": SPANISH, "en": ""},
    )
    assert prompt.body_translations == {"es": SPANISH}  # blanks dropped
    week = cadence.week_starting(program=program, start_date=prompt.week_start)
    with django_capture_on_commit_callbacks(execute=True):
        assert cadence.prompts_post_due(now=week.start + datetime.timedelta(minutes=1)) == 1
    posted = Message.objects.get(conversation=active_match.conversation, kind=Message.Kind.SYSTEM)
    # The student's language first, then the mentor's.
    assert posted.body == (
        f"La pregunta de esta semana: {SPANISH}\n\nThis week's question: {ENGLISH}"
    )


def test_translations_are_for_languages_trellis_speaks(program, coordinator):
    start = cadence.program_week(program=program, at=timezone.now()).start_date
    with pytest.raises(ValidationError):
        cadence.prompt_schedule(
            program=program,
            week_start=start + datetime.timedelta(days=7),
            body=ENGLISH,
            actor=coordinator,
            translations={"fr": "Quelle compétence ?"},
        )


def test_the_admin_offers_a_box_per_language(program, coordinator):
    coordinator.is_staff = True
    coordinator.save()
    coordinator.user_permissions.set(
        Permission.objects.filter(codename__in=["add_weeklyprompt", "view_weeklyprompt"])
    )
    client = Client()
    login_verified(client, coordinator)
    page = client.get("/admin/messaging/weeklyprompt/add/").content.decode()
    assert 'name="body_es"' in page
    assert 'name="body_en"' in page
    start = cadence.program_week(program=program, at=timezone.now()).start_date
    response = client.post(
        "/admin/messaging/weeklyprompt/add/",
        {
            "program": program.pk,
            "week_start": (start + datetime.timedelta(days=7)).isoformat(),
            "body": ENGLISH,
            "body_es": SPANISH,
            "body_en": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = program.prompts.get()
    assert saved.body_translations == {"es": SPANISH}
