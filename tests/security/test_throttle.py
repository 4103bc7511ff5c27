"""Brute force: password and second-factor attempts lock per account (also when spread over many
addresses) and per address; every refusal is generic and audited with ids only."""

import time

import pytest
from django.test import Client

from accounts.models import AuditEntry, SignInFailure

from .conftest import PASSWORD, password_step

GENERIC = b"Sign-in failed. Check your username and password, or wait a few minutes and try again."


def _from(address: str) -> dict:
    return {"REMOTE_ADDR": address}


def test_password_guessing_locks_the_account_even_from_many_addresses(student, settings):
    limit = settings.TRELLIS["PASSWORD_FAILURES_PER_ACCOUNT"]
    for i in range(limit):
        response = password_step(
            Client(), student.username, f"wrong-guess-{i}-xxxx", **_from(f"10.0.{i}.1")
        )
        assert response.status_code == 200
        assert GENERIC in response.content
    # The right password from yet another address is refused while locked, with the same words.
    client = Client()
    locked = password_step(client, student.username, PASSWORD, **_from("10.9.9.9"))
    assert locked.status_code == 200
    assert GENERIC in locked.content
    assert "_auth_user_id" not in client.session
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("auth.password_failed") == limit
    assert actions.count("auth.locked") == 1
    assert actions.count("auth.sign_in_refused_locked") == 1
    # Audit details carry ids and flags, never the typed username.
    for entry in AuditEntry.objects.all():
        assert student.username not in str(entry.detail)
        assert entry.target_id in ("", str(student.pk))


def test_unknown_username_locks_the_same_way(db, settings):
    limit = settings.TRELLIS["PASSWORD_FAILURES_PER_ACCOUNT"]
    responses = [
        password_step(Client(), "nobody-here", f"guess-{i}-xxxxxxxx", **_from("10.1.1.1"))
        for i in range(limit + 1)
    ]
    assert all(GENERIC in r.content for r in responses)
    assert AuditEntry.objects.filter(action="auth.locked").count() == 1
    assert AuditEntry.objects.filter(action="auth.sign_in_refused_locked").count() == 1


def test_a_success_resets_the_account_count(student, settings):
    limit = settings.TRELLIS["PASSWORD_FAILURES_PER_ACCOUNT"]
    for i in range(limit - 1):
        password_step(Client(), student.username, f"wrong-{i}-xxxxxxxx")
    assert password_step(Client(), student.username).status_code == 302
    for i in range(limit - 1):
        password_step(Client(), student.username, f"wrong-again-{i}-xxx")
    assert password_step(Client(), student.username).status_code == 302


def test_password_spray_from_one_address_is_refused(make_user, district, settings):
    settings.TRELLIS = {**settings.TRELLIS, "PASSWORD_FAILURES_PER_ADDRESS": 5}
    victims = [make_user("student", district) for _ in range(6)]
    for victim in victims[:5]:
        password_step(Client(), victim.username, "Winter2026!xyz", **_from("192.0.2.7"))
    # The sixth account, with its right password, from the spraying address: refused.
    refused = password_step(Client(), victims[5].username, PASSWORD, **_from("192.0.2.7"))
    assert refused.status_code == 200
    # From another address the same account signs in: the lock is on the address, not on it.
    assert (
        password_step(Client(), victims[5].username, PASSWORD, **_from("192.0.2.8")).status_code
        == 302
    )


def test_proxy_address_is_taken_from_the_trusted_hop(student, settings):
    settings.TRELLIS = {**settings.TRELLIS, "PROXY_COUNT": 1, "PASSWORD_FAILURES_PER_ADDRESS": 2}
    # A client forging X-Forwarded-For cannot escape the per-address count: the proxy appends
    # the real address last, and only that one is used.
    for forged in ("1.1.1.1", "2.2.2.2"):
        password_step(
            Client(),
            student.username,
            "nope-nope-nope",
            HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.4",
            REMOTE_ADDR="10.0.0.2",
        )
    refused = password_step(
        Client(),
        student.username,
        PASSWORD,
        HTTP_X_FORWARDED_FOR="3.3.3.3, 198.51.100.4",
        REMOTE_ADDR="10.0.0.2",
    )
    assert refused.status_code == 200
    assert SignInFailure.objects.values("address_ref").distinct().count() == 1


def test_otp_guessing_locks_even_from_many_addresses(enrolled, mentor, settings):
    authenticator = enrolled(mentor)
    limit = settings.TRELLIS["OTP_FAILURES_PER_ACCOUNT"]
    wrong = f"{(int(authenticator.now()) + 500_000) % 1_000_000:06d}"
    last = None
    for i in range(limit):
        client = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        password_step(client, mentor.username, **_from(f"203.0.113.{i + 1}"))
        last = client.post("/accounts/otp/", {"token": wrong}, REMOTE_ADDR=f"203.0.113.{i + 1}")
    # The attempt that reached the limit ends the half-signed-in session: back to the password.
    assert last.status_code == 302
    assert last.url == "/accounts/login/"
    # Now even the right code, from a fresh address, is refused with the generic words.
    client = Client()
    password_step(client, mentor.username, **_from("198.18.0.1"))
    response = client.post(
        "/accounts/otp/",
        {"token": authenticator.at(time.time() + 30)},
        REMOTE_ADDR="198.18.0.1",
    )
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.otp_failed", actor_ref=mentor.pk).count() == limit
    assert AuditEntry.objects.filter(action="auth.otp_locked", actor_ref=mentor.pk).count() == 1
    assert (
        AuditEntry.objects.filter(action="auth.otp_refused_locked", actor_ref=mentor.pk).count()
        == 1
    )


@pytest.mark.parametrize("token", ["", "12345", "1234567", "abc", "' OR 1=1 --", "٣٤٥٦٧٨"])
def test_malformed_codes_are_generic_failures(enrolled, mentor, token):
    enrolled(mentor)
    client = Client()
    password_step(client, mentor.username)
    response = client.post("/accounts/otp/", {"token": token})
    assert response.status_code == 200
    assert b"That code did not work" in response.content
    assert client.get("/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_cannot_race_past_the_limit(student, settings):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    limit = settings.TRELLIS["PASSWORD_FAILURES_PER_ACCOUNT"]

    def guess(i: int) -> int:
        try:
            return password_step(
                Client(), student.username, f"parallel-{i}-xxxx", **_from(f"10.2.{i}.1")
            ).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(30)))
    assert statuses == [200] * 30
    # At most `limit` guesses were checked against the password; the rest were refused unread.
    checked = AuditEntry.objects.filter(action="auth.password_failed").count()
    refused = AuditEntry.objects.filter(action="auth.sign_in_refused_locked").count()
    assert checked <= limit
    assert checked + refused == 30
