"""What the README's run command serves to a Spanish-speaking browser: the sign-in page in
Spanish, its scripts' catalogue in Spanish. Fails on a checkout whose catalogues were not
compiled (`make run` and `make test` compile them; the compiled files are not committed)."""

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_speaks_spanish_to_a_spanish_browser():
    response = Client(headers={"accept-language": "es-MX,es;q=0.9"}).get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in html
    assert "Inicia sesión en Trellis" in html
    assert "Contraseña" in html
    assert "Sign in to Trellis" not in html


def test_the_scripts_catalogue_is_spanish_for_a_spanish_browser():
    response = Client(headers={"accept-language": "es"}).get("/jsi18n/")
    assert response.status_code == 200
    body = response.content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", body, re.S).group(1))
    # The page script addresses a student as "tú", a mentor or staff member as "usted".
    assert catalog["to a student\u0004Write something first."] == "Primero escribe algo."
    assert catalog["to an adult\u0004Write something first."] == "Primero escriba algo."
    assert catalog["to an adult\u0004Your match"] == "Su estudiante"
    english = Client().get("/jsi18n/").content.decode()
    assert "Primero escribe algo." not in english
