"""Staff overreach over HTTP: a coordinator of district A on district B's objects, a student or a
moderator on staff pages, guessed ids. Each answers 403/404, the same for "elsewhere" and "nowhere"
(ids are not enumerable), and leaves an audit entry; privileges cannot be raised from the admin."""

import re

import pytest
from django.test import Client

from accounts.credentials import CredentialChangeRefused, second_factor_reset
from accounts.models import AuditEntry, User
from accounts.permissions import coordinator_admin_grant
from messaging import services as messaging


@pytest.fixture
def staff_a(make_user, district, verified_login):
    coordinator = make_user(User.Role.COORDINATOR, district, is_staff=True)
    coordinator_admin_grant(user=coordinator)
    client = Client()
    verified_login(client, coordinator)
    return coordinator, client


@pytest.fixture
def district_b(make_district, make_program, make_user):
    other = make_district()
    program = make_program(other)
    mentor = make_user(User.Role.MENTOR, other)
    student = make_user(User.Role.STUDENT, other)
    match = messaging.match_create(program=program, mentor=mentor, student=student)
    return {"district": other, "program": program, "student": student, "match": match}


def _objects(b):
    return [
        ("accounts/user", b["student"].pk),
        ("accounts/program", b["program"].pk),
        ("accounts/school", b["program"].school_id),
        ("accounts/district", b["district"].pk),
        ("messaging/match", b["match"].pk),
    ]


def test_coordinator_cannot_open_another_districts_objects(staff_a, district_b):
    coordinator, client = staff_a
    for model, pk in _objects(district_b):
        before = AuditEntry.objects.filter(action="access.denied").count()
        response = client.get(f"/admin/{model}/{pk}/change/")
        assert response.status_code == 404, model
        entry = AuditEntry.objects.filter(action="access.denied").latest("pk")
        assert AuditEntry.objects.filter(action="access.denied").count() == before + 1
        assert entry.actor_ref == coordinator.pk
        assert entry.detail == {"status": 404, "ids": {"object_id": pk}}


def test_elsewhere_and_nowhere_look_the_same(staff_a, district_b):
    _, client = staff_a
    elsewhere = client.get(f"/admin/accounts/user/{district_b['student'].pk}/change/")
    nowhere = client.get("/admin/accounts/user/987654321/change/")
    assert elsewhere.status_code == nowhere.status_code == 404
    # The same bytes but for the language switcher's CSRF token, masked anew at each render.
    assert _unmasked(elsewhere.content) == _unmasked(nowhere.content)
    assert _unmasked(elsewhere.content).count(b'name="csrfmiddlewaretoken" value="?"') == 1


def _unmasked(content: bytes) -> bytes:
    return re.sub(
        rb'name="csrfmiddlewaretoken" value="[^"]+"',
        b'name="csrfmiddlewaretoken" value="?"',
        content,
    )


def test_another_districts_rows_are_not_listed_or_offered(staff_a, district_b):
    _, client = staff_a
    listing = client.get("/admin/accounts/user/?q=")
    assert listing.status_code == 200
    assert district_b["student"].username.encode() not in listing.content
    add_school = client.get("/admin/accounts/school/add/")
    assert add_school.status_code == 200
    assert district_b["district"].name.encode() not in add_school.content


def test_program_week_of_another_district_is_404_and_audited(staff_a, district_b):
    coordinator, client = staff_a
    url = f"/coordinator/programs/{district_b['program'].pk}/week/"
    assert client.get(url).status_code == 404
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.actor_ref == coordinator.pk
    assert entry.detail["ids"] == {"program_id": district_b["program"].pk}


def test_coordinator_cannot_raise_privileges(staff_a):
    coordinator, client = staff_a
    page = client.get(f"/admin/accounts/user/{coordinator.pk}/change/")
    assert page.status_code == 200
    for field in ("is_superuser", "is_staff", "user_permissions", "groups"):
        assert f'name="{field}"'.encode() not in page.content, field


def test_authenticator_secrets_are_not_in_the_admin(staff_a):
    _, client = staff_a
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_totp/totpdevice/1/config/").status_code == 404


@pytest.mark.parametrize("role", [User.Role.STUDENT, User.Role.MENTOR, User.Role.MODERATOR])
def test_non_coordinators_get_no_staff_page(role, make_user, district, program, verified_login):
    person = make_user(role, district)
    client = Client()
    verified_login(client, person)
    for url in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{person.pk}/change/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[0][0].startswith("/admin/login/"), url
        assert response.redirect_chain[-1][0].startswith("/accounts/login/"), url
        assert b"Sign in to Trellis" in response.content
    week = client.get(f"/coordinator/programs/{program.pk}/week/")
    assert week.status_code == 404
    assert AuditEntry.objects.filter(action="access.denied", actor_ref=person.pk).count() == 1


def test_second_factor_reset_is_staff_of_the_same_district_only(
    staff_a, district_b, make_user, district
):
    coordinator, _ = staff_a
    outsider = make_user(User.Role.MENTOR, district_b["district"])
    with pytest.raises(CredentialChangeRefused, match="Only a coordinator of the person's"):
        second_factor_reset(user=outsider, actor=coordinator)
    assert not AuditEntry.objects.filter(action="auth.second_factor_reset").exists()
    refused = AuditEntry.objects.get(action="credential.change_refused")
    assert (refused.actor_ref, refused.target_id) == (coordinator.pk, str(outsider.pk))
    # In the coordinator's own district (which lets one coordinator do it), the reset applies.
    district.allow_single_coordinator_credential_reset = True
    district.save()
    own = make_user(User.Role.MENTOR, district)
    assert second_factor_reset(user=own, actor=coordinator).applied
    assert AuditEntry.objects.filter(action="auth.second_factor_reset").count() == 1


def test_denied_access_already_audited_by_its_gate_is_not_recorded_twice(student):
    from django.http import Http404
    from django.test import RequestFactory

    from accounts.middleware import AccessDeniedAuditMiddleware

    class AuditedNotFound(Http404):
        audited = True

    middleware = AccessDeniedAuditMiddleware(lambda request: None)
    request = RequestFactory().get("/somewhere/12/")
    request.user = student
    request.resolver_match = None
    assert middleware.process_exception(request, AuditedNotFound()) is None
    assert not AuditEntry.objects.filter(action="access.denied").exists()
    assert middleware.process_exception(request, Http404()) is None
    assert AuditEntry.objects.filter(action="access.denied", actor_ref=student.pk).count() == 1
    assert middleware.process_exception(request, ValueError()) is None
    assert AuditEntry.objects.filter(action="access.denied").count() == 1


STAFF_PREFIXES = ("/admin/", "/coordinator/", "/staff/")


def _staff_routes() -> list[str]:
    from .routes import all_routes

    own_session = ("/admin/login/", "/admin/logout/")  # the shared sign-in and sign-out
    return [r for r in all_routes() if r.startswith(STAFF_PREFIXES) and r not in own_session]


@pytest.mark.parametrize("role", [User.Role.STUDENT, User.Role.MENTOR])
@pytest.mark.parametrize("path", _staff_routes())
def test_students_and_mentors_get_nothing_from_staff_routes(
    path, role, make_user, district, verified_login
):
    person = make_user(role, district)
    client = Client()
    verified_login(client, person)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code in (302, 403, 404, 405), (method, path, response.status_code)
        if response.status_code == 302:
            assert response.url.startswith(("/admin/login/", "/accounts/login/")), path
    # Still signed in: nothing about the refusal changed the person's own session.
    assert client.get("/").status_code == 200
