"""A Spanish-speaking student's path in real Chromium: sign-in, home, conversation and meetings in
Spanish (`lang="es"`), a message sent, a held message's state and the help lines in Spanish; the
English-speaking mentor of the same conversation sees its chrome in English."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from messaging.models import Message
from scheduling import services as scheduling
from scheduling.models import Venue
from testkit.sessions import session_cookie
from tests.browser.test_conversation_page import in_thread, send_from_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-1"  # tests.conftest.make_user


@pytest.fixture
def spanish_student(student):
    student.preferred_language = "es"
    student.save()
    return student


@pytest.fixture
def lunch(conversation, program, coordinator):
    venue = Venue.objects.create(school=program.school, name="Biblioteca", approved=True)
    today = timezone.now().astimezone(program.school.tz).date() + datetime.timedelta(days=1)
    return scheduling.series_create(
        conversation=conversation,
        venue=venue,
        title="Almuerzo de carreras",
        rule="FREQ=WEEKLY;COUNT=2",
        first_date=today + datetime.timedelta(days=(3 - today.weekday()) % 7),
        start_time=datetime.time(12, 15),
        duration_minutes=40,
        actor=coordinator,
    )


def test_a_spanish_speaking_student_uses_trellis_in_spanish(
    browser, server, conversation, spanish_student, mentor, lunch
):
    # The browser asks for English: the student's own choice wins.
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{server.http}/accounts/login/")
    # Signed out, the browser's English; the student switches on the sign-in page itself.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inicia sesión en Trellis")
    page.get_by_label("Usuario").fill(spanish_student.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()

    # Home.
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Conversaciones", exact=True)).to_be_visible()
    expect(page.locator("#next-meeting-title")).to_have_text("Próxima reunión en la escuela")
    expect(page.locator("#get-help")).to_contain_text("Línea de Prevención del Suicidio")

    # Meetings: the day and month in Spanish words.
    page.get_by_role("link", name="Reuniones", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reuniones en la escuela")
    expect(page.locator("ul.meetings")).to_contain_text("Almuerzo de carreras")
    expect(page.get_by_role("button", name="Voy").first).to_be_visible()

    # The conversation: the socket's status, a message sent, its state, all in Spanish.
    page.goto(f"{server.http}/conversations/{conversation.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#connection-status")).to_have_text("Conectado", timeout=15000)
    page.get_by_label("Mensaje", exact=True).fill("¡Hola! Me gustó la visita al tribunal.")
    page.get_by_role("button", name="Enviar").click()
    mine = page.locator("#messages .message.mine")
    expect(mine.locator(".body")).to_have_text(["¡Hola! Me gustó la visita al tribunal."])
    expect(mine.locator(".state")).to_have_text(["Enviado"], timeout=10000)
    expect(mine.locator(".author")).to_have_text(["Tú"])
    # Its time and its day heading in Spanish words, as the server's filter writes them.
    expect(mine.locator("time.sent-at")).to_have_text(
        [re.compile(r"^(lun|mar|mié|jue|vie|sáb|dom) \d{1,2} [A-Z][a-z]+, \d\d:\d\d C[SD]T$")]
    )
    expect(page.locator("#messages > li").first).to_have_attribute(
        "data-day", re.compile(r"^(lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d+ de ")
    )
    # An empty message is refused in Spanish.
    page.get_by_role("button", name="Enviar").click()
    expect(page.locator("#composer-error")).to_have_text("Primero escribe algo.")

    # A message held for review reads as held, in Spanish, to its sender.
    held = send_from_server(
        sender=spanish_student, conversation_id=conversation.pk, client_id="h1", body="mi número"
    ).message
    in_thread(lambda: Message.objects.filter(pk=held.pk).update(state=Message.State.HELD))
    page.reload()
    expect(page.locator("#connection-status")).to_have_text("Conectado", timeout=15000)
    expect(page.locator("#messages .message.mine .state").last).to_have_text(
        "Retenido para revisión: solo tú puedes verlo", timeout=10000
    )

    # Help: the district's help lines in Spanish, and a crisis message answered in Spanish.
    expect(page.locator("#get-help-title")).to_have_text("Pedir ayuda")
    expect(page.locator("#get-help")).to_contain_text("envía HOME al 741741")
    page.get_by_label("Mensaje", exact=True).fill("a veces quiero morirme")
    page.get_by_role("button", name="Enviar").click()
    card = page.locator("#messages .message.card.support")
    expect(card).to_have_count(1, timeout=15000)
    expect(card.locator(".author")).to_have_text("Apoyo para ti")
    expect(card.locator(".only-you")).to_have_text("Solo tú puedes ver esto")
    expect(card.locator(".body")).to_contain_text("Parece que estás pasando por algo muy difícil")

    # The English-speaking mentor sees the same conversation's chrome in English.
    mentor_context = browser.new_context(locale="en-US")
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(mentor)}
    mentor_context.add_cookies([{**cookie, "url": server.http}])
    mentor_page = mentor_context.new_page()
    mentor_page.goto(f"{server.http}/conversations/{conversation.pk}/")
    expect(mentor_page.locator("html")).to_have_attribute("lang", "en")
    expect(mentor_page.locator("#connection-status")).to_have_text("Connected", timeout=15000)
    expect(mentor_page.get_by_label("Your message")).to_be_visible()
    expect(mentor_page.get_by_role("button", name="Send")).to_be_visible()
    expect(mentor_page.locator("#messages .body").first).to_have_text(
        "¡Hola! Me gustó la visita al tribunal."
    )
    expect(mentor_page.locator("#messages .author").first).to_have_text("Your match")
