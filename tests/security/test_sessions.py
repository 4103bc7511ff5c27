"""Shared Chromebooks: sessions end at browser close, after the idle timeout (on the server), on
sign-out, and everywhere at once; a disabled account's sessions end; session_is_live agrees."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts import sessions
from accounts.admin import UserAdmin
from accounts.models import AuditEntry, User, UserSession

from .conftest import password_step


@pytest.fixture
def closes(monkeypatch):
    """Every `trellis.close` sent to a user's sockets, as (user_id, reason)."""
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(sessions, "_close_now", lambda uid, reason: sent.append((uid, reason)))
    return sent


def _signed_in(user) -> Client:
    client = Client()
    assert password_step(client, user.username).status_code == 302
    return client


def _age(client: Client, minutes: float) -> None:
    UserSession.objects.filter(session_key=client.cookies["sessionid"].value).update(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_session_cookie_ends_with_the_browser_and_is_httponly(student):
    client = _signed_in(student)
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["httponly"] is True


def test_idle_session_is_ended_on_the_server(student, django_capture_on_commit_callbacks):
    client = _signed_in(student)
    key = client.cookies["sessionid"].value
    _age(client, 14)
    assert client.get("/").status_code == 200  # inside the timeout: served, and the clock reset
    assert UserSession.objects.get(session_key=key).last_seen_at > timezone.now() - (
        datetime.timedelta(minutes=1)
    )
    _age(client, 16)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    assert (
        AuditEntry.objects.filter(action="session.ended", detail__reason="idle_timeout").count()
        == 1
    )
    # The same cookie replayed later gets nothing either.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/").status_code == 302


def test_programs_idle_timeout_applies(active_match, student):
    program = active_match.program
    program.idle_timeout_minutes = 5
    program.save()
    client = _signed_in(student)
    row = UserSession.objects.get(session_key=client.cookies["sessionid"].value)
    assert row.idle_timeout_seconds == 300
    _age(client, 6)
    assert client.get("/").status_code == 302


def test_idle_sweep_ends_sessions_without_a_request(student, closes):
    client = _signed_in(student)
    key = client.cookies["sessionid"].value
    other = _signed_in(student)
    _age(client, 20)
    assert sessions.sessions_end_idle() == 1
    assert not Session.objects.filter(session_key=key).exists()
    assert other.get("/").status_code == 200


def test_sign_out_ends_only_this_session(student):
    laptop, chromebook = _signed_in(student), _signed_in(student)
    key = chromebook.cookies["sessionid"].value
    assert chromebook.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    assert chromebook.get("/").status_code == 302
    assert laptop.get("/").status_code == 200


def test_sign_out_is_post_only(student):
    client = _signed_in(student)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_sign_out_all_devices_revokes_every_session_and_closes_sockets(
    student, closes, django_capture_on_commit_callbacks
):
    devices = [_signed_in(student) for _ in range(3)]
    # A session that was never tracked (signed in before tracking existed) is found too.
    untracked = Client()
    untracked.force_login(student)
    UserSession.objects.filter(session_key=untracked.cookies["sessionid"].value).delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = devices[0].post("/accounts/sessions/sign-out-everywhere/")
    assert response.status_code == 302
    for client in [*devices, untracked]:
        assert client.get("/").status_code == 302
    assert UserSession.objects.filter(user=student).count() == 0
    assert closes == [(student.pk, "signed_out_everywhere")]
    entry = AuditEntry.objects.get(action="session.revoked_all")
    assert entry.detail == {"reason": "signed_out_everywhere", "sessions": 4}


def test_sign_out_all_devices_leaves_other_people_signed_in(student, make_user, district, closes):
    other = make_user("student", district)
    mine, theirs = _signed_in(student), _signed_in(other)
    mine.post("/accounts/sessions/sign-out-everywhere/")
    assert theirs.get("/").status_code == 200


def test_disabling_an_account_ends_its_sessions(
    student, coordinator, closes, django_capture_on_commit_callbacks
):
    client = _signed_in(student)
    from django.contrib import admin

    model_admin = UserAdmin(User, admin.site)
    request = RequestFactory().post("/admin/")
    request.user = coordinator
    student.is_active = False

    class Form:
        changed_data = ["is_active"]

    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(request, student, Form(), change=True)
    assert client.get("/").status_code == 302
    assert closes == [(student.pk, "account_disabled")]


@pytest.mark.usefixtures("liveness_uncached")
def test_session_is_live_rules(student, mentor, verified_login):
    student_client = _signed_in(student)
    key = student_client.cookies["sessionid"].value
    assert sessions.session_is_live(key) is True
    # An adult: live only once the second factor has passed.
    adult = Client()
    password_step(adult, mentor.username)
    adult_key = adult.cookies["sessionid"].value
    assert sessions.session_is_live(adult_key) is False
    verified = Client()
    verified_login(verified, mentor)
    verified.get("/")  # registers the session
    assert sessions.session_is_live(verified.cookies["sessionid"].value) is True
    # A password change ends other sessions.
    student.set_password("another-long-password-42")
    student.save()
    assert sessions.session_is_live(key) is False
    for bad in (None, "", "x" * 40, 42, "../../etc/passwd"):
        assert sessions.session_is_live(bad) is False


@pytest.mark.usefixtures("liveness_uncached")
def test_disabled_user_session_is_not_live(student):
    key = _signed_in(student).cookies["sessionid"].value
    User.objects.filter(pk=student.pk).update(is_active=False)
    assert sessions.session_is_live(key) is False
