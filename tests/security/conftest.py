"""Helpers for the security suite: sign in through the real pages, as a browser would."""

import re
import time
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from django.test import Client

PASSWORD = "pw-for-tests-only-1"  # the password tests/conftest.py's make_user sets


def otpauth_from_page(html: str) -> str:
    found = re.search(r'<code id="otpauth-uri">([^<]+)</code>', html)
    assert found, "the enrolment page shows no otpauth URI"
    return found.group(1).replace("&amp;", "&")


def secret_from_page(html: str) -> str:
    found = re.search(r'<code id="otp-secret">([A-Z2-7=]+)</code>', html)
    assert found, "the enrolment page shows no setup key"
    return found.group(1)


def totp_from_uri(uri: str) -> pyotp.TOTP:
    """An authenticator app's view of the enrolment: only what the URI says."""
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth"
    assert parsed.netloc == "totp"
    params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    assert params["algorithm"] == "SHA1"
    return pyotp.TOTP(
        params["secret"], digits=int(params["digits"]), interval=int(params["period"])
    )


def wait_for_fresh_step(authenticator: pyotp.TOTP, margin: float = 4.0) -> None:
    """Avoid the last seconds of a step, so a code cannot expire between compute and submit."""
    remaining = authenticator.interval - (time.time() % authenticator.interval)
    if remaining < margin:
        time.sleep(remaining + 0.1)


def password_step(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


@pytest.fixture
def enrolled(db):
    """Enrol `user` through the real pages with an independent authenticator; returns the
    authenticator (pyotp.TOTP) after signing the client out."""

    def enrol(user) -> pyotp.TOTP:
        client = Client()
        response = password_step(client, user.username)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/otp/enrol/")
        page = client.get(response.url)
        authenticator = totp_from_uri(otpauth_from_page(page.content.decode()))
        done = client.post("/accounts/otp/enrol/", {"token": authenticator.now()})
        assert done.status_code == 200
        assert b"Your backup codes" in done.content
        return authenticator

    return enrol


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hundreds of sign-ins in this suite: the hash algorithm is not what it tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
