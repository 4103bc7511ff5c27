"""The OneRoster import: dry run, real run, idempotent re-run, updates, removals and row errors."""

import io

import pytest
from django.contrib.sessions.backends.cache import SessionStore
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import AuditEntry, School, User, UserSession
from messaging import services as messaging
from messaging.models import Match
from programs.models import Guardian, StudentProfile
from programs.oneroster import read_bundle
from programs.roster import roster_import

from .bundle import USER_COLUMNS, as_one_roster_1_2, sample, user, write_bundle


def _run(path, district, *extra) -> str:
    out = io.StringIO()
    call_command("roster_import", str(path), "--district", district.slug, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def bundle(tmp_path, district):
    return write_bundle(tmp_path / "bundle", sample(district.slug))


def _imported(district):
    return User.objects.filter(district=district, sourced_id__isnull=False)


def test_dry_run_reports_what_would_happen_and_writes_nothing(bundle, district):
    out = _run(bundle, district, "--dry-run")
    assert out.splitlines() == [
        "Dry run: nothing was written.",
        "schools: 2 to create, 0 to update, 0 unchanged, 0 to deactivate",
        "students: 3 to create, 0 to update, 0 unchanged, 0 to deactivate",
        "guardians: 2 to create, 0 to update, 0 unchanged, 0 to deactivate",
        "coordinators: 0 to create, 0 to update, 0 unchanged, 0 to deactivate",
        "ignored administrator: 1",
        "ignored teacher: 1",
    ]
    assert not School.objects.filter(district=district).exists()
    assert not _imported(district).exists()
    assert not Guardian.objects.exists()
    assert not AuditEntry.objects.filter(action="roster.import").exists()


def test_real_run_creates_schools_students_and_guardian_contacts(bundle, district):
    out = _run(bundle, district)
    assert "students: 3 created, 0 updated, 0 unchanged, 0 deactivated" in out
    schools = {s.sourced_id: s for s in School.objects.filter(district=district)}
    assert {k: s.name for k, s in schools.items()} == {"s1": "Lincoln High", "s2": "Adams Middle"}
    students = {u.sourced_id: u for u in _imported(district)}
    assert set(students) == {"st1", "st2", "st3"}
    ana = students["st1"]
    assert (ana.role, ana.username, ana.first_name, ana.last_name, ana.email) == (
        "student",
        "st1",
        "Ana",
        "Ruiz",
        "ana@example.org",
    )
    assert not ana.has_usable_password()
    # Born 2011: a minor. Born January 2007: an adult by the district's date. No date: a minor.
    assert {k: u.is_minor for k, u in students.items()} == {"st1": True, "st2": False, "st3": True}
    profiles = {
        p.student.sourced_id: (p.school.sourced_id, p.grade)
        for p in StudentProfile.objects.select_related("student", "school")
    }
    assert profiles == {"st1": ("s1", 9), "st2": ("s1", 12), "st3": ("s2", 7)}
    contacts = {(g.sourced_id, g.student.sourced_id): g for g in Guardian.objects.all()}
    assert set(contacts) == {("g1", "st1"), ("g2", "st3")}
    maria = contacts[("g1", "st1")]
    assert (maria.name, maria.email, maria.phone, maria.preferred_language, maria.is_active) == (
        "Maria Ruiz",
        "maria@example.org",
        "555-0101",
        "es",
        True,
    )
    # A contact, not a consent: no consent is recorded for anyone.
    assert not ana.consents.exists()
    # Teachers and administrators are not mapped by default.
    assert not User.objects.filter(sourced_id__in=["t1", "a1"]).exists()
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.district_ref == district.pk
    assert entry.detail == {
        "counts": {
            "schools": {"created": 2, "updated": 0, "unchanged": 0, "deactivated": 0},
            "students": {"created": 3, "updated": 0, "unchanged": 0, "deactivated": 0},
            "guardians": {"created": 2, "updated": 0, "unchanged": 0, "deactivated": 0},
            "coordinators": {"created": 0, "updated": 0, "unchanged": 0, "deactivated": 0},
        },
        "ignored": {"administrator": 1, "teacher": 1},
        "errors": 0,
        "version": "1.1",
    }
    for name in ("Ana", "Ruiz", "Maria", "example.org"):
        assert name not in str(entry.detail)


def test_a_second_run_changes_nothing(bundle, district):
    _run(bundle, district)
    before = list(_imported(district).values_list("pk", "first_name", "is_active"))
    out = _run(bundle, district)
    assert out.splitlines()[:4] == [
        "schools: 0 created, 0 updated, 2 unchanged, 0 deactivated",
        "students: 0 created, 0 updated, 3 unchanged, 0 deactivated",
        "guardians: 0 created, 0 updated, 2 unchanged, 0 deactivated",
        "coordinators: 0 created, 0 updated, 0 unchanged, 0 deactivated",
    ]
    assert list(_imported(district).values_list("pk", "first_name", "is_active")) == before
    assert Guardian.objects.count() == 2
    assert AuditEntry.objects.filter(action="roster.import").count() == 2


def test_a_name_change_is_an_update(tmp_path, district):
    data = sample(district.slug)
    _run(write_bundle(tmp_path / "one", data), district)
    data["users"][0]["givenName"] = "Anabel"
    data["orgs"][1]["name"] = "Lincoln High School"
    out = _run(write_bundle(tmp_path / "two", data), district)
    assert "students: 0 created, 1 updated, 2 unchanged, 0 deactivated" in out
    assert "schools: 0 created, 1 updated, 1 unchanged, 0 deactivated" in out
    assert User.objects.get(sourced_id="st1").first_name == "Anabel"
    assert School.objects.get(sourced_id="s1").name == "Lincoln High School"
    assert _imported(district).count() == 3


def test_tobedeleted_deactivates_and_pauses_without_deleting(
    tmp_path, district, make_user, program, settings
):
    data = sample(district.slug)
    _run(write_bundle(tmp_path / "one", data), district)
    ben = User.objects.get(sourced_id="st2")
    ben.consents.create(
        guardian_name="G",
        recorded_by=make_user("coordinator", district),
        recorded_at=ben.date_joined,
    )
    match = messaging.match_activate(
        match=messaging.match_create(
            program=program, mentor=make_user("mentor", district), student=ben
        )
    )
    # Ben is signed in, his session in the (Redis) cache.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    client = Client()
    client.force_login(ben)
    assert client.get("/").status_code == 200
    session_key = client.session.session_key
    store = SessionStore()
    assert UserSession.objects.filter(user=ben, session_key=session_key).exists()
    data["users"][1]["status"] = "tobedeleted"
    data["users"][1]["dateLastModified"] = "2026-11-30T10:00:00.000Z"
    data["users"][4]["status"] = "tobedeleted"
    preview = _run(write_bundle(tmp_path / "two", data), district, "--dry-run")
    assert "students: 0 to create, 0 to update, 2 unchanged, 1 to deactivate" in preview
    # The dry run signed nobody out (a cache session store is not rolled back) and paused nothing.
    assert store.exists(session_key)
    assert Match.objects.get(pk=match.pk).status == Match.Status.ACTIVE
    out = _run(write_bundle(tmp_path / "two", data), district)
    assert (
        AuditEntry.objects.filter(action="session.revoked_all", target_id=str(ben.pk)).count() == 1
    )
    assert "students: 0 created, 0 updated, 2 unchanged, 1 deactivated" in out
    assert "guardians: 0 created, 0 updated, 1 unchanged, 1 deactivated" in out
    ben.refresh_from_db()
    assert ben.is_active is False
    assert _imported(district).count() == 3
    assert Guardian.objects.get(sourced_id="g2").is_active is False
    match.refresh_from_db()
    assert match.status == Match.Status.PAUSED
    again = _run(write_bundle(tmp_path / "three", data), district)
    assert "students: 0 created, 0 updated, 3 unchanged, 0 deactivated" in again


def test_a_zip_bundle_imports_the_same(tmp_path, district):
    path = write_bundle(tmp_path / "files", sample(district.slug), zip_to=tmp_path / "r.zip")
    out = _run(path, district, "--dry-run")
    assert "students: 3 to create, 0 to update, 0 unchanged, 0 to deactivate" in out


def test_administrators_become_coordinators_only_with_the_flag(bundle, district):
    out = _run(bundle, district, "--administrators-as-coordinators")
    assert "coordinators: 1 created, 0 updated, 0 unchanged, 0 deactivated" in out
    coordinator = User.objects.get(district=district, sourced_id="a1")
    assert (coordinator.role, coordinator.is_staff, coordinator.is_minor) == (
        "coordinator",
        False,
        False,
    )
    assert not coordinator.has_usable_password()


def test_another_district_in_the_bundle_is_rejected(tmp_path, district, make_district):
    other = make_district()
    data = sample(district.slug)
    data["orgs"].append(
        {"sourcedId": "d9", "name": "Elsewhere", "type": "district", "identifier": other.slug}
    )
    data["orgs"].append(
        {"sourcedId": "s9", "name": "Far School", "type": "school", "parentSourcedId": "d9"}
    )
    with pytest.raises(CommandError, match=r"^2 row errors; nothing was imported\.$"):
        _run(write_bundle(tmp_path / "b", data), district)
    assert not School.objects.exists()
    report = roster_import(district=district, bundle=read_bundle(tmp_path / "b"), skip_invalid=True)
    assert [str(e) for e in report.errors] == [
        f"orgs.csv:5: sourcedId='d9': a district other than {district.slug}; only that "
        "district is imported",
        f"orgs.csv:6: parentSourcedId='d9': not the sourcedId of district {district.slug} in "
        "orgs.csv",
    ]
    assert set(School.objects.values_list("sourced_id", flat=True)) == {"s1", "s2"}
    assert not School.objects.filter(district=other).exists()


def test_row_errors_are_named_exactly_and_nothing_is_written(tmp_path, district):
    data = sample(district.slug)
    data["users"][1]["role"] = "wizard"
    data["users"][2]["orgSourcedIds"] = "s404"
    data["demographics"][0]["birthDate"] = "2011-13-02"
    path = write_bundle(tmp_path / "b", data)
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^4 row errors; nothing was imported\.$"):
        call_command("roster_import", str(path), "--district", district.slug, stdout=out)
    assert [line for line in out.getvalue().splitlines() if line.startswith("error")] == [
        "error demographics.csv:2: birthDate='2011-13-02': not a date (YYYY-MM-DD)",
        "error users.csv:3: role='wizard': not one of: administrator, aide, guardian, parent, "
        "proctor, relative, student, teacher, districtAdministrator, siteAdministrator, "
        "systemAdministrator, principal, counselor",
        "error users.csv:4: orgSourcedIds='s404': 's404': no school or district with this "
        "sourcedId in orgs.csv",
        # The guardian of the student whose row failed cannot be linked either.
        "error users.csv:6: agentSourcedIds='st3': 'st3': no valid student with this sourcedId "
        "in users.csv",
    ]
    assert not School.objects.exists()
    assert not _imported(district).exists()
    assert not AuditEntry.objects.filter(action="roster.import").exists()
    # --skip-invalid imports the rest; st1, whose birth date was bad, counts as a minor.
    skipped = _run(path, district, "--skip-invalid")
    assert "students: 1 created, 0 updated, 0 unchanged, 0 deactivated" in skipped
    assert set(_imported(district).values_list("sourced_id", flat=True)) == {"st1"}
    assert User.objects.get(sourced_id="st1").is_minor is True
    assert AuditEntry.objects.get(action="roster.import").detail["errors"] == 4


def test_a_missing_required_column_is_a_file_error(tmp_path, district):
    data = sample(district.slug)
    columns = [c for c in USER_COLUMNS if c != "role"]
    for row in data["users"]:
        del row["role"]
    path = write_bundle(tmp_path / "b", data, columns={"users": columns})
    report = roster_import(district=district, bundle=read_bundle(path), dry_run=True)
    assert [str(e) for e in report.errors] == ["users.csv:1: role='': required column is missing"]
    assert report.counts["students"].created == 0


def test_required_values_and_duplicate_usernames(tmp_path, district, make_user):
    make_user("mentor", district, username="taken")
    data = sample(district.slug)
    data["users"][0]["givenName"] = ""
    data["users"][1]["username"] = "taken"
    data["users"].append(user("st4", "student", "Dee", "Ng", "s2", username="st3"))
    report = roster_import(
        district=district, bundle=read_bundle(write_bundle(tmp_path / "b", data)), dry_run=True
    )
    assert [str(e) for e in report.errors] == [
        "users.csv:2: givenName='': required value is empty",
        "users.csv:3: username='taken': already used by another account",
        # The guardian of the student whose row failed cannot be linked either.
        "users.csv:5: agentSourcedIds='st1': 'st1': no valid student with this sourcedId in "
        "users.csv",
        "users.csv:9: username='st3': used by another row of users.csv",
    ]


def test_a_one_roster_1_2_bundle_takes_roles_and_orgs_from_roles_csv(tmp_path, district):
    data, columns = as_one_roster_1_2(sample(district.slug))
    path = write_bundle(tmp_path / "b", data, version="1.2", columns=columns)
    out = _run(path, district)
    assert "students: 3 created, 0 updated, 0 unchanged, 0 deactivated" in out
    assert "guardians: 2 created, 0 updated, 0 unchanged, 0 deactivated" in out
    assert StudentProfile.objects.get(student__sourced_id="st3").school.sourced_id == "s2"
    assert AuditEntry.objects.get(action="roster.import").detail["version"] == "1.2"
    # A user with neither a role in users.csv nor a primary role in roles.csv is a row error.
    data["roles"] = [r for r in data["roles"] if r["userSourcedId"] != "st2"]
    report = roster_import(
        district=district,
        bundle=read_bundle(write_bundle(tmp_path / "c", data, version="1.2", columns=columns)),
        dry_run=True,
    )
    assert [str(e) for e in report.errors] == [
        "users.csv:3: role='': no role here and no primary role in roles.csv"
    ]


def test_a_removed_student_never_imported_creates_nothing_and_no_error(tmp_path, district):
    data = sample(district.slug)
    data["users"][2]["status"] = "tobedeleted"
    report = roster_import(
        district=district, bundle=read_bundle(write_bundle(tmp_path / "b", data))
    )
    assert report.errors == []
    assert report.counts["students"].as_dict() == {
        "created": 2,
        "updated": 0,
        "unchanged": 1,
        "deactivated": 0,
    }
    # Cai's guardian is linked to Cai only: nothing to keep either.
    assert report.counts["guardians"].as_dict() == {
        "created": 1,
        "updated": 0,
        "unchanged": 1,
        "deactivated": 0,
    }
    assert not User.objects.filter(sourced_id="st3").exists()
    assert not Guardian.objects.filter(sourced_id="g2").exists()
