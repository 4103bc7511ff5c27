"""Who may change whose credentials (password, second factor) through staff tools.

A coordinator sets a student's password alone; another adult's password or second factor changes
only when a second coordinator of the same district approves (or the district allows one
coordinator, a setting only a superuser changes). Every change is audited with ids and kinds, never
a secret, and told to the account's owner (and a minor's recorded guardian contacts) by e-mail.
"""

import datetime
import json

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import credentials
from accounts import models as accounts_models
from accounts.models import AuditEntry, GuardianConsent, User, UserSession

OLD = "pw-for-tests-only-1"
NEW = "a-new-passphrase-for-tests-7"
REQUESTS = "/admin/accounts/credentialchangerequest/"


def _coordinator(make_user, district, verified_login, **kw):
    person = make_user(User.Role.COORDINATOR, district, is_staff=True, **kw)
    person.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["accounts", "messaging"])
    )
    client = Client()
    verified_login(client, person)
    return person, client


@pytest.fixture
def coord(make_user, district, verified_login):
    return _coordinator(make_user, district, verified_login, email="coord@example.org")


@pytest.fixture
def coord2(make_user, district, verified_login):
    return _coordinator(make_user, district, verified_login, email="coord2@example.org")


def _set_password(client: Client, user: User, password: str = NEW):
    return client.post(
        f"/admin/accounts/user/{user.pk}/password/", {"password1": password, "password2": password}
    )


def _reset_second_factor(client: Client, user: User):
    return client.post(
        "/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [user.pk]}
    )


def _decide(client: Client, action: str, change) -> None:
    response = client.post(REQUESTS, {"action": action, "_selected_action": [change.pk]})
    assert response.status_code == 302


def _everything_recorded() -> str:
    rows = AuditEntry.objects.values_list("detail", flat=True)
    mails = [f"{m.subject}\n{m.body}" for m in mail.outbox]
    return json.dumps(list(rows)) + "\n".join(mails)


@pytest.mark.parametrize("role", [User.Role.MENTOR, User.Role.MODERATOR, User.Role.COORDINATOR])
def test_a_coordinator_alone_cannot_set_another_adults_password(
    role, coord, coord2, make_user, district, django_capture_on_commit_callbacks
):
    actor, client = coord
    target = make_user(role, district, email="owner@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = _set_password(client, target)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(OLD)
    assert not target.check_password(NEW)
    change = accounts_models.CredentialChangeRequest.objects.get(target=target)
    assert (change.kind, change.status, change.requested_by_id, change.district_id) == (
        "password",
        "pending",
        actor.pk,
        district.pk,
    )
    entry = AuditEntry.objects.get(action="credential.change_requested")
    assert (entry.actor_ref, entry.target_id, entry.district_ref) == (
        actor.pk,
        str(target.pk),
        district.pk,
    )
    assert entry.detail == {"kind": "password", "request": change.pk}
    assert not AuditEntry.objects.filter(action="auth.password_set_by_staff").exists()
    # The other coordinator is asked to approve; the owner hears only once something changed.
    assert [m.to for m in mail.outbox] == [["coord2@example.org"]]
    assert NEW not in _everything_recorded()
    assert target.password not in _everything_recorded()


def test_a_second_coordinator_approves_and_only_then_the_password_changes(
    coord,
    coord2,
    make_user,
    district,
    make_district,
    verified_login,
    django_capture_on_commit_callbacks,
):
    actor, client = coord
    approver, approver_client = coord2
    mentor = make_user(User.Role.MENTOR, district, email="owner@example.org")
    mentor_client = Client()
    verified_login(mentor_client, mentor)
    _set_password(client, mentor)
    change = accounts_models.CredentialChangeRequest.objects.get(target=mentor)
    pending_hash = change.password_hash
    assert pending_hash != NEW
    assert check_password(NEW, pending_hash)  # only the hash waits in the request

    # The requester cannot approve their own request; a coordinator elsewhere does not see it.
    _decide(client, "approve", change)
    _, elsewhere = _coordinator(make_user, make_district(), verified_login)
    assert str(mentor).encode() not in elsewhere.get(REQUESTS).content
    _decide(elsewhere, "approve", change)
    assert elsewhere.get(f"{REQUESTS}{change.pk}/change/").status_code == 404
    mentor.refresh_from_db()
    assert mentor.check_password(OLD)
    change.refresh_from_db()
    assert change.status == "pending"
    assert not AuditEntry.objects.filter(action="credential.change_approved").exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(approver_client, "approve", change)
    mentor.refresh_from_db()
    assert mentor.check_password(NEW)
    change.refresh_from_db()
    assert (change.status, change.decided_by_id, change.password_hash) == (
        "applied",
        approver.pk,
        "",
    )
    assert mentor_client.get("/").status_code == 302  # signed out everywhere
    assert not UserSession.objects.filter(user=mentor).exists()
    approved = AuditEntry.objects.get(action="credential.change_approved")
    assert (approved.actor_ref, approved.target_id) == (approver.pk, str(mentor.pk))
    applied = AuditEntry.objects.get(action="auth.password_set_by_staff")
    assert applied.actor_ref == actor.pk
    assert applied.detail == {
        "kind": "password",
        "basis": "second_coordinator",
        "request": change.pk,
        "approved_by": approver.pk,
        "usable": True,
    }
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert mail.outbox[0].subject == "Trellis: your password was changed"
    assert "(America/Chicago)" in mail.outbox[0].body
    assert NEW not in _everything_recorded()
    assert pending_hash not in _everything_recorded()

    # Approving again applies nothing a second time.
    _decide(approver_client, "approve", change)
    assert AuditEntry.objects.filter(action="auth.password_set_by_staff").count() == 1


def test_a_declined_or_expired_request_never_applies(coord, coord2, make_user, district):
    _, client = coord
    _, approver_client = coord2
    mentor = make_user(User.Role.MENTOR, district)
    _set_password(client, mentor)
    change = accounts_models.CredentialChangeRequest.objects.get(target=mentor)
    _decide(approver_client, "decline", change)
    change.refresh_from_db()
    assert (change.status, change.password_hash) == ("declined", "")
    _decide(approver_client, "approve", change)
    mentor.refresh_from_db()
    assert mentor.check_password(OLD)
    assert AuditEntry.objects.filter(action="credential.change_declined").count() == 1

    _set_password(client, mentor)
    late = accounts_models.CredentialChangeRequest.objects.get(target=mentor, status="pending")
    accounts_models.CredentialChangeRequest.objects.filter(pk=late.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    _decide(approver_client, "approve", late)
    mentor.refresh_from_db()
    assert mentor.check_password(OLD)
    assert not AuditEntry.objects.filter(action="credential.change_approved").exists()
    assert not AuditEntry.objects.filter(action="auth.password_set_by_staff").exists()


def test_resetting_an_adults_second_factor_waits_for_a_second_coordinator(
    coord, coord2, make_user, district, enrolled, django_capture_on_commit_callbacks
):
    actor, client = coord
    approver, approver_client = coord2
    mentor = make_user(User.Role.MENTOR, district, email="owner@example.org")
    enrolled(mentor)
    _reset_second_factor(client, mentor)
    assert TOTPDevice.objects.filter(user=mentor, confirmed=True).count() == 1
    assert not AuditEntry.objects.filter(action="auth.second_factor_reset").exists()
    change = accounts_models.CredentialChangeRequest.objects.get(target=mentor)
    assert (change.kind, change.status) == ("second_factor", "pending")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(approver_client, "approve", change)
    assert not TOTPDevice.objects.filter(user=mentor).exists()
    entry = AuditEntry.objects.get(action="auth.second_factor_reset")
    assert entry.actor_ref == actor.pk
    assert entry.detail == {
        "kind": "second_factor",
        "basis": "second_coordinator",
        "request": change.pk,
        "approved_by": approver.pk,
    }
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert mail.outbox[0].subject == "Trellis: your authenticator was reset"


def test_a_district_may_let_one_coordinator_change_an_adults_credentials(
    coord, make_user, district, enrolled, django_capture_on_commit_callbacks
):
    actor, client = coord
    district.allow_single_coordinator_credential_reset = True
    district.save()
    mentor = make_user(User.Role.MENTOR, district, email="owner@example.org")
    enrolled(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        _set_password(client, mentor)
        _reset_second_factor(client, mentor)
    mentor.refresh_from_db()
    assert mentor.check_password(NEW)
    assert not TOTPDevice.objects.filter(user=mentor).exists()
    assert not accounts_models.CredentialChangeRequest.objects.exists()
    password = AuditEntry.objects.get(action="auth.password_set_by_staff")
    assert (password.actor_ref, password.detail) == (
        actor.pk,
        {"kind": "password", "basis": "district_setting", "usable": True},
    )
    reset = AuditEntry.objects.get(action="auth.second_factor_reset")
    assert reset.detail == {"kind": "second_factor", "basis": "district_setting"}
    assert [m.subject for m in mail.outbox] == [
        "Trellis: your password was changed",
        "Trellis: your authenticator was reset",
    ]


def test_only_a_superuser_changes_the_district_setting(coord, district):
    _, client = coord
    page = client.get(f"/admin/accounts/district/{district.pk}/change/")
    assert page.status_code == 200
    # Shown (its translated name) ...
    assert "One coordinator may change adults&#x27; credentials" in page.content.decode()
    assert b'name="allow_single_coordinator_credential_reset"' not in page.content  # ... read-only
    client.post(
        f"/admin/accounts/district/{district.pk}/change/",
        {
            "name": district.name,
            "slug": district.slug,
            "timezone": district.timezone,
            "retention_days": 365,
            "urgent_sla_minutes": 15,
            "unscored_policy": "hold",
            "allow_single_coordinator_credential_reset": "on",
        },
    )
    district.refresh_from_db()
    assert district.allow_single_coordinator_credential_reset is False


def test_a_coordinator_sets_a_students_password_audited_and_the_student_told(
    coord, make_user, district, django_capture_on_commit_callbacks
):
    actor, client = coord
    student = make_user(User.Role.STUDENT, district, email="student@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = _set_password(client, student)
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password(NEW)
    entry = AuditEntry.objects.get(action="auth.password_set_by_staff")
    assert (entry.actor_ref, entry.target_id, entry.district_ref) == (
        actor.pk,
        str(student.pk),
        district.pk,
    )
    assert entry.detail == {"kind": "password", "basis": "student", "usable": True}
    assert [m.to for m in mail.outbox] == [["student@example.org"]]
    assert NEW not in _everything_recorded()


def test_a_students_recorded_guardian_contacts_are_told(
    coord, make_user, district, django_capture_on_commit_callbacks
):
    _, client = coord
    student = make_user(User.Role.STUDENT, district)  # no e-mail of their own
    GuardianConsent.objects.filter(student=student).update(guardian_email="parent@example.org")
    GuardianConsent.objects.create(
        student=student,
        guardian_name="Other guardian",
        guardian_email="carer@example.org",
        recorded_by=coord[0],
        recorded_at=timezone.now(),
    )
    other = make_user(User.Role.STUDENT, district)
    GuardianConsent.objects.filter(student=other).update(guardian_email="not-this@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _set_password(client, student)
    assert sorted(m.to[0] for m in mail.outbox) == ["carer@example.org", "parent@example.org"]
    assert all(m.subject == "Trellis: your child's password was changed" for m in mail.outbox)
    assert all(student.public_name in m.body for m in mail.outbox)


def test_refused_credential_changes_change_nothing_and_are_audited(
    coord, make_user, district, make_district, verified_login
):
    actor, client = coord
    elsewhere = make_user(User.Role.STUDENT, make_district())
    assert _set_password(client, elsewhere).status_code == 404
    # A superuser of the district and the coordinator's own account: never through staff tools.
    operator = User.objects.create_superuser(
        username="operator", password=OLD, role=User.Role.COORDINATOR, district=district
    )
    for target in (operator, actor):
        assert _set_password(client, target).status_code == 302
        target.refresh_from_db()
        assert target.check_password(OLD)
    _reset_second_factor(client, operator)
    assert TOTPDevice.objects.filter(user=operator).count() == 0  # had none; none made
    assert not accounts_models.CredentialChangeRequest.objects.exists()
    refusals = AuditEntry.objects.filter(action="credential.change_refused")
    assert [(e.target_id, e.detail["kind"]) for e in refusals] == [
        (str(operator.pk), "password"),
        (str(actor.pk), "password"),
        (str(operator.pk), "second_factor"),
    ]
    assert not AuditEntry.objects.filter(action="auth.password_set_by_staff").exists()


def test_a_superuser_changes_credentials_directly_audited_and_the_owner_told(
    make_user, district, verified_login, django_capture_on_commit_callbacks
):
    operator = User.objects.create_superuser(
        username="operator", password=OLD, role=User.Role.COORDINATOR
    )
    client = Client()
    verified_login(client, operator)
    mentor = make_user(User.Role.MENTOR, district, email="owner@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _set_password(client, mentor)
    mentor.refresh_from_db()
    assert mentor.check_password(NEW)
    entry = AuditEntry.objects.get(action="auth.password_set_by_staff")
    assert (entry.actor_ref, entry.district_ref, entry.detail["basis"]) == (
        operator.pk,
        district.pk,
        "superuser",
    )
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]


def test_who_may_change_whose_credentials(make_user, district, make_district):
    rule = credentials.access_credential_change
    coordinator = make_user(User.Role.COORDINATOR, district, is_staff=True)
    moderator = make_user(User.Role.MODERATOR, district)
    student = make_user(User.Role.STUDENT, district)
    mentor = make_user(User.Role.MENTOR, district)
    minor_mentor = make_user(User.Role.MENTOR, district, is_minor=True)
    outsider = make_user(User.Role.STUDENT, make_district())
    operator = User.objects.create_superuser(
        username="operator", password=OLD, role=User.Role.COORDINATOR
    )
    password, second = credentials.Kind.PASSWORD, credentials.Kind.SECOND_FACTOR
    assert rule(actor=coordinator, target=student, kind=password) is credentials.Basis.STUDENT
    for target in (mentor, minor_mentor, moderator):
        for kind in (password, second):
            assert rule(actor=coordinator, target=target, kind=kind) is credentials.Basis.APPROVAL
    assert rule(actor=operator, target=mentor, kind=second) is credentials.Basis.SUPERUSER
    for actor, target, kind in (
        (coordinator, student, second),  # students have no second factor
        (coordinator, outsider, password),
        (coordinator, coordinator, password),
        (coordinator, coordinator, second),
        (coordinator, operator, password),
        (moderator, student, password),
        (mentor, student, password),
    ):
        with pytest.raises(PermissionDenied):
            rule(actor=actor, target=target, kind=kind)
    district.allow_single_coordinator_credential_reset = True
    district.save()
    assert rule(actor=coordinator, target=mentor, kind=second) is credentials.Basis.DISTRICT
    assert rule(actor=coordinator, target=mentor, kind=password) is credentials.Basis.DISTRICT


def _change_form(user: User, **changes) -> dict:
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "role": user.role,
        "district": user.district_id,
        "display_name": user.display_name,
    }
    return {**data, **changes}


def test_a_coordinator_cannot_turn_an_adult_into_a_student_to_skip_the_approval(
    coord, make_user, district
):
    _, client = coord
    mentor = make_user(User.Role.MENTOR, district)
    url = f"/admin/accounts/user/{mentor.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="role"' not in page.content
    response = client.post(url, _change_form(mentor, role="student"))
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.role == User.Role.MENTOR
    _set_password(client, mentor)
    mentor.refresh_from_db()
    assert mentor.check_password(OLD)


def test_an_email_change_is_audited_and_told_to_the_old_address(
    coord, make_user, district, django_capture_on_commit_callbacks
):
    actor, client = coord
    mentor = make_user(User.Role.MENTOR, district, email="owner@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/accounts/user/{mentor.pk}/change/",
            _change_form(mentor, email="elsewhere@example.org"),
        )
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.email == "elsewhere@example.org"
    entry = AuditEntry.objects.get(action="account.email_changed")
    assert (entry.actor_ref, entry.target_id, entry.district_ref) == (
        actor.pk,
        str(mentor.pk),
        district.pk,
    )
    assert "example.org" not in json.dumps(entry.detail)
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert mail.outbox[0].subject == "Trellis: the e-mail address of your account was changed"
    # Saving the form without changing the address tells nobody.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/accounts/user/{mentor.pk}/change/", _change_form(mentor))
    assert mail.outbox == []
    assert AuditEntry.objects.filter(action="account.email_changed").count() == 1
