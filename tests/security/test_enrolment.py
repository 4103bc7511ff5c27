"""Enrolling a second factor: the pending authenticator belongs to the session that asked for it.

Two sessions that both know an adult's password must not share a setup key: each enrolment page
view issues a fresh secret and voids the last one, and only the session that was shown a secret can
confirm it. Enrolling and resetting a second factor are audited and told to the owner by e-mail
(the time, never the secret).
"""

import datetime
import zoneinfo

import pyotp
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry, User, UserSession

from .conftest import password_step, secret_from_page, wait_for_fresh_step

ENROL = "/accounts/otp/enrol/"
REFUSED = b"That code did not work"


def _page_secret(client: Client) -> pyotp.TOTP:
    page = client.get(ENROL)
    assert page.status_code == 200
    return pyotp.TOTP(secret_from_page(page.content.decode()))


def _when(at: datetime.datetime, zone: str) -> str:
    return f"{at.astimezone(zoneinfo.ZoneInfo(zone)):%d %B %Y, %H:%M} ({zone})"


def test_a_second_session_gets_a_fresh_secret_and_the_first_one_no_longer_confirms(mentor):
    owner, other = Client(), Client()
    password_step(owner, mentor.username)
    first = _page_secret(owner)
    password_step(other, mentor.username)
    second = _page_secret(other)
    assert second.secret != first.secret
    assert TOTPDevice.objects.filter(user=mentor).count() == 1

    wait_for_fresh_step(first)
    refused = owner.post(ENROL, {"token": first.now()})
    assert refused.status_code == 200
    assert REFUSED in refused.content
    assert not TOTPDevice.objects.filter(user=mentor, confirmed=True).exists()
    assert owner.get("/").status_code == 302

    # The refused page shows the owner a new secret of its own, which voids the other session's.
    third = pyotp.TOTP(secret_from_page(refused.content.decode()))
    assert third.secret not in (first.secret, second.secret)
    wait_for_fresh_step(third)
    assert owner.post(ENROL, {"token": third.now()}).status_code == 200
    assert owner.get("/").status_code == 200
    assert TOTPDevice.objects.filter(user=mentor, confirmed=True).count() == 1
    assert TOTPDevice.objects.filter(user=mentor, confirmed=False).count() == 0
    # The other session's secret is dead: it neither confirms nor replaces the authenticator.
    late = other.post(ENROL, {"token": second.now()})
    assert late.status_code == 302
    assert late.url.startswith("/accounts/otp/?")
    assert other.get("/").status_code == 302
    assert list(TOTPDevice.objects.filter(user=mentor).values_list("confirmed", flat=True)) == [
        True
    ]


def test_every_enrolment_page_view_issues_a_fresh_secret(mentor):
    client = Client()
    password_step(client, mentor.username)
    first = _page_secret(client)
    second = _page_secret(client)
    assert second.secret != first.secret
    assert TOTPDevice.objects.filter(user=mentor).count() == 1
    wait_for_fresh_step(first)
    assert REFUSED in client.post(ENROL, {"token": first.now()}).content
    assert not TOTPDevice.objects.filter(user=mentor, confirmed=True).exists()
    # A refused code re-shows the session's own pending secret (no rescan after a typo).
    again = client.post(ENROL, {"token": "000000" if second.now() != "000000" else "111111"})
    assert secret_from_page(again.content.decode()) == second.secret


def test_a_code_shown_to_one_session_cannot_confirm_in_another(mentor):
    owner, attacker = Client(), Client()
    password_step(owner, mentor.username)
    shown = _page_secret(owner)
    password_step(attacker, mentor.username)
    wait_for_fresh_step(shown)
    refused = attacker.post(ENROL, {"token": shown.now()})
    assert refused.status_code == 200
    assert REFUSED in refused.content
    assert not TOTPDevice.objects.filter(user=mentor, confirmed=True).exists()
    assert attacker.get("/").status_code == 302
    assert not AuditEntry.objects.filter(action="auth.second_factor_enrolled").exists()
    assert secret_from_page(refused.content.decode()) != shown.secret


def test_enrolment_is_audited_and_told_to_the_owner(
    make_user, district, django_capture_on_commit_callbacks
):
    mentor = make_user(User.Role.MENTOR, district, email="mentor@example.org")
    client = Client()
    password_step(client, mentor.username)
    authenticator = _page_secret(client)
    wait_for_fresh_step(authenticator)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(ENROL, {"token": authenticator.now()})
    assert done.status_code == 200
    entry = AuditEntry.objects.get(action="auth.second_factor_enrolled")
    assert (entry.actor_ref, entry.target_type, entry.target_id) == (
        mentor.pk,
        "user",
        str(mentor.pk),
    )
    assert entry.district_ref == district.pk
    assert authenticator.secret not in str(entry.detail)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["mentor@example.org"]
    assert sent.subject == "Trellis: a new authenticator was set up for your account"
    assert _when(entry.at, district.timezone) in sent.body
    codes = StaticDevice.objects.get(user=mentor).token_set.values_list("token", flat=True)
    for secret in (authenticator.secret, authenticator.now(), *codes):
        assert secret not in sent.body


def test_a_second_factor_reset_is_audited_and_told_to_the_owner(
    make_user, district, enrolled, verified_login, django_capture_on_commit_callbacks
):
    mentor = make_user(User.Role.MENTOR, district, email="mentor@example.org")
    enrolled(mentor)
    signed_in = Client()
    verified_login(signed_in, mentor)
    operator = User.objects.create_superuser(
        username="operator", password="pw-for-tests-only-1", role=User.Role.COORDINATOR
    )
    admin = Client()
    verified_login(admin, operator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/accounts/user/",
            {"action": "reset_second_factor", "_selected_action": [mentor.pk]},
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=mentor).exists()
    assert not StaticDevice.objects.filter(user=mentor).exists()
    assert not UserSession.objects.filter(user=mentor).exists()
    entry = AuditEntry.objects.get(action="auth.second_factor_reset")
    assert (entry.actor_ref, entry.target_id, entry.district_ref) == (
        operator.pk,
        str(mentor.pk),
        district.pk,
    )
    assert [m.to for m in mail.outbox] == [["mentor@example.org"]]
    sent = mail.outbox[0]
    assert sent.subject == "Trellis: your authenticator was reset"
    assert _when(entry.at, district.timezone) in sent.body
    # The operator's own authenticator is untouched.
    assert TOTPDevice.objects.filter(user=operator).count() == 1
