"""The language switcher is on the admin's pages and on the page-not-found page too, as on every
other page, and works there."""

import re

import pytest
from django.test import Client

from accounts.models import User
from accounts.permissions import coordinator_admin_grant

pytestmark = pytest.mark.django_db

SWITCHER = re.compile(
    r'<form method="post" action="/accounts/language/" class="inline language-switcher">'
    r'.*?name="csrfmiddlewaretoken" value="([^"]+)".*?'
    r'<input type="hidden" name="next" value="([^"]*)">.*?'
    r'<select id="language-choice" name="language">(.*?)</select>',
    re.S,
)


def _switcher(html: str) -> tuple[str, str, str]:
    found = SWITCHER.search(html)
    assert found, html[:3000]
    return found.groups()


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/"])
def test_the_admin_pages_carry_the_switcher_and_it_switches(path, coordinator, verified_login):
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    coordinator_admin_grant(user=coordinator)
    client = Client()
    verified_login(client, coordinator)
    page = client.get(path)
    assert page.status_code == 200
    token, next_url, options = _switcher(page.content.decode())
    assert next_url == path
    assert 'value="es" lang="es">español</option>' in options
    switched = client.post(
        "/accounts/language/",
        {"language": "es", "next": next_url, "csrfmiddlewaretoken": token},
    )
    assert (switched.status_code, switched["Location"]) == (302, path)
    assert User.objects.get(pk=coordinator.pk).preferred_language == "es"
    assert '<html lang="es"' in client.get(path).content.decode()


def test_the_page_not_found_carries_the_switcher_and_it_switches():
    client = Client(headers={"accept-language": "en"})
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    token, next_url, options = _switcher(html)
    # Back to the start page: the page says nothing of the address that was asked for.
    assert next_url == "/"
    assert "no-such-page" not in html
    assert 'value="en" lang="en" selected>English</option>' in options
    switched = client.post(
        "/accounts/language/", {"language": "es", "next": next_url, "csrfmiddlewaretoken": token}
    )
    assert (switched.status_code, switched["Location"]) == (302, "/")
    again = client.get("/another-missing-page/").content.decode()
    assert '<html lang="es">' in again
    assert "Página no encontrada" in again
