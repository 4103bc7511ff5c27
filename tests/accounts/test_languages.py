"""Language per person: the person's choice, then this browser's, then Accept-Language, then the
district's default, then settings.LANGUAGE_CODE; the switcher keeps the choice; <html lang> says
it."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.languages import language_for_person, languages_accepted
from testkit.sessions import login_verified

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    found = re.search(r'<html lang="([^"]*)"', response.content.decode())
    assert found, "the page has no <html lang>"
    return found.group(1)


def signed_in(user, **headers) -> Client:
    client = Client(headers=headers)
    login_verified(client, user)
    return client


def test_accept_language_is_parsed_in_order_of_preference():
    assert languages_accepted("fr;q=0.4, es-MX, en;q=0.8, de;q=0") == ["es-MX", "en", "fr"]
    assert languages_accepted("") == []
    assert languages_accepted("*, es;q=abc") == []


def test_without_any_choice_the_page_is_in_language_code():
    response = Client().get("/accounts/login/")
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


def test_a_browser_asking_for_spanish_gets_spanish():
    response = Client(headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"}).get(
        "/accounts/login/"
    )
    assert html_lang(response) == "es"


def test_the_browsers_first_language_trellis_speaks_wins():
    response = Client(headers={"accept-language": "fr, de;q=0.9, es;q=0.5, en;q=0.1"}).get(
        "/accounts/login/"
    )
    assert html_lang(response) == "es"


def test_the_persons_preference_beats_the_browser(student):
    student.preferred_language = "es"
    student.save()
    assert html_lang(signed_in(student, accept_language="en-US").get("/")) == "es"


def test_the_browser_beats_the_district_default(student):
    student.district.default_language = "es"
    student.district.save()
    assert html_lang(signed_in(student, accept_language="en").get("/")) == "en"


def test_the_district_default_serves_when_the_browser_names_no_language_trellis_speaks(student):
    student.district.default_language = "es"
    student.district.save()
    assert html_lang(signed_in(student, accept_language="fr, de;q=0.5").get("/")) == "es"
    assert html_lang(signed_in(student).get("/")) == "es"


def test_a_signed_in_person_switching_keeps_it_on_the_account(student):
    client = signed_in(student, accept_language="en")
    response = client.post("/accounts/language/", {"language": "es", "next": "/meetings/"})
    assert response.status_code == 302
    assert response["Location"] == "/meetings/"
    student.refresh_from_db()
    assert student.preferred_language == "es"
    assert html_lang(client.get("/meetings/")) == "es"
    # On another device, whatever that browser asks for.
    assert html_lang(signed_in(student, accept_language="en").get("/")) == "es"


def test_an_anonymous_visitor_switching_is_remembered_by_the_browser():
    client = Client(headers={"accept-language": "en"})
    response = client.post("/accounts/language/", {"language": "es", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert html_lang(client.get("/accounts/login/")) == "es"


def test_an_unknown_language_or_foreign_next_changes_nothing(student):
    client = signed_in(student)
    response = client.post(
        "/accounts/language/", {"language": "xx", "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == "/"
    student.refresh_from_db()
    assert student.preferred_language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_before_the_second_step_only_the_browser_remembers(mentor):
    client = Client()
    client.force_login(mentor)  # password passed, no second factor yet
    response = client.post("/accounts/language/", {"language": "es", "next": "/accounts/otp/"})
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.preferred_language == ""
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_every_page_has_the_switcher_and_the_missing_page_follows_the_language(student):
    client = signed_in(student, accept_language="es")
    page = client.get("/").content.decode()
    assert 'action="/accounts/language/"' in page
    assert 'action="/accounts/language/"' in Client().get("/accounts/login/").content.decode()
    assert html_lang(client.get("/no-such-page/")) == "es"


def test_language_for_person_uses_the_preference_then_the_district(student):
    assert language_for_person(user=student) == "en"
    student.district.default_language = "es"
    assert language_for_person(user=student) == "es"
    student.preferred_language = "en"
    assert language_for_person(user=student) == "en"
    assert language_for_person(user=None) == "en"


def test_a_coordinator_sets_a_persons_language_in_the_admin(coordinator, student):
    coordinator.is_staff = True
    coordinator.save()
    coordinator.user_permissions.set(
        Permission.objects.filter(codename__in=["view_user", "change_user", "view_district"])
    )
    client = signed_in(coordinator)
    page = client.get(f"/admin/accounts/user/{student.pk}/change/").content.decode()
    assert 'name="preferred_language"' in page
    district_page = client.get(f"/admin/accounts/district/{student.district_id}/change/")
    assert "default_language" in district_page.content.decode()
