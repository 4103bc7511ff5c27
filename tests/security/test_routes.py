"""Every HTTP route, parametrised from the URL resolver: security headers on every response (as
anonymous, student and verified staff), no inline script, CSRF tokens in every form, and POSTs
without a CSRF token refused."""

import re

import pytest
from django.test import Client

from accounts.models import User, UserSession

from .conftest import PASSWORD
from .routes import all_routes

ROUTES = all_routes()


def test_route_list_covers_the_app():
    # The list comes from the resolver; a few known routes prove the walk reached every include.
    for expected in ("/", "/accounts/login/", "/accounts/otp/", "/healthz", "/admin/"):
        assert expected in ROUTES
    assert len(ROUTES) > 40


def _as(kind: str, make_user, district, verified_login) -> Client:
    client = Client()
    if kind == "student":
        client.force_login(make_user(User.Role.STUDENT, district))
    elif kind == "coordinator":
        coordinator = make_user(User.Role.COORDINATOR, district, is_staff=True)
        verified_login(client, coordinator)
    return client


def _assert_headers(response, path: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp, path
    assert "default-src 'self'" in csp, path
    assert "frame-ancestors 'none'" in csp, path
    assert "unsafe-inline" not in csp, path
    assert "unsafe-eval" not in csp, path
    assert response.headers.get("X-Frame-Options") == "DENY", path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy") == "same-origin", path
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", path


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
POST_FORM = re.compile(r"<form\b[^>]*method=[\"']?post[^>]*>(.*?)</form>", re.I | re.S)


@pytest.mark.parametrize("kind", ["anonymous", "student", "coordinator"])
@pytest.mark.parametrize("path", ROUTES)
def test_every_page_has_security_headers_and_no_inline_script(
    path, kind, make_user, district, verified_login
):
    client = _as(kind, make_user, district, verified_login)
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)
    _assert_headers(response, path)
    if response.headers.get("Content-Type", "").startswith("text/html") and response.content:
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), path
        assert not INLINE_HANDLER.search(html), path
        for form in POST_FORM.findall(html):
            assert 'name="csrfmiddlewaretoken"' in form, path


@pytest.mark.parametrize("path", ROUTES)
def test_posts_without_a_csrf_token_are_refused(path, make_user, district, verified_login):
    client = Client(enforce_csrf_checks=True)
    coordinator = make_user(User.Role.COORDINATOR, district, is_staff=True)
    verified_login(client, coordinator)
    client.get("/")
    sessions_before = UserSession.objects.filter(user=coordinator).count()
    response = client.post(path, {"username": coordinator.username, "token": "123456"})
    assert response.status_code == 403, (path, response.status_code)
    _assert_headers(response, path)
    # Nothing happened: the coordinator is still signed in on the same session.
    assert UserSession.objects.filter(user=coordinator).count() == sessions_before
    assert client.get("/").status_code == 200


def test_sign_out_everywhere_without_csrf_changes_nothing(make_user, district):
    student = make_user(User.Role.STUDENT, district)
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    client.get("/")
    assert client.post("/accounts/sessions/sign-out-everywhere/").status_code == 403
    assert UserSession.objects.filter(user=student).count() == 1
    assert client.get("/").status_code == 200


# Pages an adult reaches between the password and the second factor.
BEFORE_SECOND_FACTOR = {
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/otp/",
    "/accounts/otp/enrol/",
    # The language switcher of the second-step pages: before the step it sets the browser's
    # cookie only, never the account (tests/accounts/test_languages.py).
    "/accounts/language/",
    # The page scripts' catalogue of words, which those pages load.
    "/jsi18n/",
    "/admin/logout/",
    "/healthz",
}


# Guardians' pages: no account at all, the signed link is the only key (programs.guardians), so
# a session's second factor is not asked; a link that is not genuine opens nothing.
SIGNED_LINK_PAGES = {
    "/guardians/not-a-real-token/",
    "/guardians/not-a-real-token/letter.pdf",
    "/guardians/not-a-real-token/unsubscribe/",
}


@pytest.mark.parametrize("path", ROUTES)
def test_no_route_serves_an_adult_before_the_second_factor(path, make_user, district):
    coordinator = make_user(User.Role.COORDINATOR, district, is_staff=True)
    client = Client()
    client.post("/accounts/login/", {"username": coordinator.username, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    response = client.get(path)
    if path in BEFORE_SECOND_FACTOR:
        assert response.status_code in (200, 302, 405), path
        return
    if path in SIGNED_LINK_PAGES:
        assert response.status_code == 404, path
        assert client.post(path).status_code in (404, 405), path
        return
    assert response.status_code == 302, (path, response.status_code)
    assert response.url.startswith("/accounts/otp/?next="), path
    assert client.post(path).status_code == 403, path
