"""Sign-in: password for students, password plus TOTP for adults, enrolment read by an independent
authenticator (pyotp), replay refused, the session key rotated after the second factor."""

import re
import time

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry, User, UserSession

from .conftest import otpauth_from_page, password_step, totp_from_uri, wait_for_fresh_step


def test_student_signs_in_with_a_password_only(client, student):
    response = password_step(client, student.username)
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200
    assert UserSession.objects.filter(user=student).count() == 1


@pytest.mark.parametrize("role", ["mentor", "moderator", "coordinator"])
def test_adult_without_a_device_is_sent_to_enrolment_and_served_nothing(
    client, make_user, district, role
):
    adult = make_user(role, district)
    response = password_step(client, adult.username)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/otp/enrol/")
    home = client.get("/")
    assert home.status_code == 302
    assert home.url.startswith("/accounts/otp/")
    # Other methods are refused outright, not redirected.
    assert client.post("/accounts/sessions/sign-out-everywhere/").status_code == 403


def test_enrolment_page_is_read_by_an_independent_authenticator(client, mentor):
    response = password_step(client, mentor.username)
    page = client.get(response.url)
    html = page.content.decode()
    uri = otpauth_from_page(html)
    assert uri.startswith("otpauth://totp/Trellis%3A")
    assert "issuer=Trellis" in uri
    # The QR code is inline SVG (no script), and the setup key is shown as text too.
    assert "<svg" in html
    assert "<script" not in html
    authenticator = totp_from_uri(uri)
    secret = re.search(r'<code id="otp-secret">([A-Z2-7=]+)</code>', html).group(1)
    assert secret == authenticator.secret

    # A wrong code does not confirm the device.
    wrong = f"{(int(authenticator.now()) + 1) % 1_000_000:06d}"
    refused = client.post("/accounts/otp/enrol/", {"token": wrong})
    assert refused.status_code == 200
    assert b"That code did not work" in refused.content
    assert not TOTPDevice.objects.filter(user=mentor, confirmed=True).exists()
    time.sleep(1.1)  # django-otp's own back-off after a failure

    wait_for_fresh_step(authenticator)
    before = client.cookies["sessionid"].value
    done = client.post("/accounts/otp/enrol/", {"token": authenticator.now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.cookies["sessionid"].value != before
    assert TOTPDevice.objects.filter(user=mentor, confirmed=True).count() == 1
    assert client.get("/").status_code == 200
    actions = list(AuditEntry.objects.filter(actor_ref=mentor.pk).values_list("action", flat=True))
    assert "auth.second_factor_enrolled" in actions
    assert "auth.backup_codes_issued" in actions


def test_adult_signs_in_with_codes_from_the_authenticator(enrolled, mentor):
    authenticator = enrolled(mentor)
    time.sleep(authenticator.interval - (time.time() % authenticator.interval) + 0.1)
    client = Client()
    response = password_step(client, mentor.username)
    assert response.url.startswith("/accounts/otp/?")
    pre_key = client.cookies["sessionid"].value
    assert client.get("/").status_code == 302
    ok = client.post("/accounts/otp/", {"token": authenticator.now(), "next": "/"})
    assert ok.status_code == 302
    assert ok.url == "/"
    post_key = client.cookies["sessionid"].value
    assert post_key != pre_key
    # The pre-verification key is dead: it neither signs in nor is tracked.
    assert not UserSession.objects.filter(session_key=pre_key).exists()
    assert UserSession.objects.filter(session_key=post_key, user=mentor).exists()
    stale = Client()
    stale.cookies["sessionid"] = pre_key
    assert stale.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_replayed_code_in_the_same_step_is_refused(enrolled, mentor):
    authenticator = enrolled(mentor)
    # The enrolment used the current step's code: the same code again must fail, from anyone.
    attacker = Client()
    password_step(attacker, mentor.username)
    replay = attacker.post("/accounts/otp/", {"token": authenticator.now()})
    assert replay.status_code == 200
    assert b"That code did not work" in replay.content
    assert attacker.get("/").status_code == 302


def test_previous_steps_code_is_refused_after_a_newer_one_was_used(enrolled, mentor):
    authenticator = enrolled(mentor)  # used the code of the current step, t
    first = Client()
    password_step(first, mentor.username)
    # An authenticator a little ahead (accepted within one step): now the device is at t+1.
    ahead = authenticator.at(time.time() + authenticator.interval)
    assert first.post("/accounts/otp/", {"token": ahead}).status_code == 302
    for code in (authenticator.now(), authenticator.at(time.time() - authenticator.interval)):
        time.sleep(1.1)  # past django-otp's own back-off, so only the replay rule can refuse
        attacker = Client()
        password_step(attacker, mentor.username)
        refused = attacker.post("/accounts/otp/", {"token": code})
        assert refused.status_code == 200
        assert b"That code did not work" in refused.content
        assert attacker.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.otp_failed", actor_ref=mentor.pk).count() == 2


def test_backup_code_works_once(enrolled, mentor):
    enrolled(mentor)
    code = StaticToken.objects.filter(device__user=mentor).values_list("token", flat=True)[0]
    first = Client()
    password_step(first, mentor.username)
    assert first.post("/accounts/otp/", {"token": code.upper()}).status_code == 302
    assert first.get("/").status_code == 200
    assert not StaticToken.objects.filter(device__user=mentor, token=code).exists()
    time.sleep(0.1)
    second = Client()
    password_step(second, mentor.username)
    again = second.post("/accounts/otp/", {"token": code})
    assert again.status_code == 200
    assert second.get("/").status_code == 302
    assert (
        AuditEntry.objects.filter(action="auth.backup_code_used", actor_ref=mentor.pk).count() == 1
    )


def test_a_password_alone_cannot_replace_an_enrolled_authenticator(enrolled, mentor):
    enrolled(mentor)
    client = Client()
    password_step(client, mentor.username)
    response = client.get("/accounts/otp/enrol/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/otp/?")
    assert TOTPDevice.objects.filter(user=mentor).count() == 1


def test_admin_login_page_is_not_a_second_way_in(client, coordinator):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/"
    coordinator.is_staff = True
    coordinator.save()
    # Posting a password straight at the admin gets no session.
    client.post("/admin/login/", {"username": coordinator.username, "password": "x" * 20})
    assert "_auth_user_id" not in client.session


def test_open_redirect_after_sign_in_is_refused(client, student):
    response = client.post(
        "/accounts/login/",
        {
            "username": student.username,
            "password": "pw-for-tests-only-1",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_disabled_account_cannot_sign_in(client, student):
    User.objects.filter(pk=student.pk).update(is_active=False)
    response = password_step(client, student.username)
    assert response.status_code == 200
    assert b"Sign-in failed" in response.content
    assert "_auth_user_id" not in client.session


def test_demo_adults_can_sign_in_with_what_seed_demo_prints(db, capsys):
    from django.core.management import call_command

    from accounts.management.commands.seed_demo import DEMO_PASSWORD

    call_command("seed_demo")
    out = capsys.readouterr().out
    uri = re.search(r"^\s+mentor\s+(otpauth://\S+)$", out, re.M).group(1)
    codes = re.search(r"^\s+backup codes: (.+)$", out, re.M).group(1).split()
    client = Client()
    assert password_step(client, "mentor", DEMO_PASSWORD).url.startswith("/accounts/otp/?")
    assert client.post("/accounts/otp/", {"token": totp_from_uri(uri).now()}).status_code == 302
    assert client.get("/").status_code == 200
    # A backup code of the first adult listed (the coordinator) works once; seeding restores it.
    other = Client()
    password_step(other, "coordinator", DEMO_PASSWORD)
    assert other.post("/accounts/otp/", {"token": codes[0]}).status_code == 302
    call_command("seed_demo")
    assert codes[0] in capsys.readouterr().out
    # Students are not given a second factor.
    assert not TOTPDevice.objects.filter(user__role="student").exists()
