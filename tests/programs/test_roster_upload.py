"""The coordinator's roster upload page: a preview (dry run) and the real import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import AuditEntry, School, User

from .bundle import sample, write_bundle

URL = "/coordinator/roster/"


@pytest.fixture
def zipped(tmp_path, district):
    path = write_bundle(tmp_path / "files", sample(district.slug), zip_to=tmp_path / "r.zip")
    return path.read_bytes()


@pytest.fixture
def coordinator_client(coordinator, verified_login):
    client = Client()
    verified_login(client, coordinator)
    return client


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.zip", data, content_type="application/zip")


def test_preview_shows_the_counts_and_writes_nothing(zipped, district, coordinator_client):
    page = coordinator_client.post(URL, {"bundle": _upload(zipped), "action": "preview"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preview: nothing was written." in html
    assert (
        '<tr data-entity="students"><th scope="row">students</th><td>3</td><td>0</td>'
        "<td>0</td><td>0</td></tr>"
    ) in html
    assert not School.objects.filter(district=district).exists()
    assert not AuditEntry.objects.filter(action="roster.import").exists()


def test_import_writes_and_audits_the_coordinator(
    zipped, district, coordinator, coordinator_client
):
    page = coordinator_client.post(URL, {"bundle": _upload(zipped), "action": "import"})
    assert page.status_code == 200
    assert "Imported." in page.content.decode()
    assert User.objects.filter(district=district, sourced_id__isnull=False).count() == 3
    entry = AuditEntry.objects.get(action="roster.import")
    assert (entry.actor_ref, entry.district_ref) == (coordinator.pk, district.pk)


def test_row_errors_are_listed_and_nothing_is_imported(tmp_path, district, coordinator_client):
    data = sample(district.slug)
    data["users"][1]["role"] = "wizard"
    zipped = write_bundle(tmp_path / "f", data, zip_to=tmp_path / "r.zip").read_bytes()
    page = coordinator_client.post(URL, {"bundle": _upload(zipped), "action": "import"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "1 row errors; nothing was imported." in html
    assert "<td>users.csv</td><td>3</td><td>role</td><td>wizard</td>" in html
    assert not School.objects.filter(district=district).exists()


def test_a_file_that_is_not_a_zip_is_refused(coordinator_client, district):
    page = coordinator_client.post(URL, {"bundle": _upload(b"name,value\n"), "action": "import"})
    assert page.status_code == 400
    assert "The bundle is neither a folder nor a zip file." in page.content.decode()
    assert not School.objects.filter(district=district).exists()


@pytest.mark.parametrize("role", [User.Role.STUDENT, User.Role.MENTOR, User.Role.MODERATOR])
def test_only_coordinators_reach_the_page(role, zipped, make_user, district, verified_login):
    client = Client()
    verified_login(client, make_user(role, district))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"bundle": _upload(zipped), "action": "import"}).status_code == 404
    assert not School.objects.filter(district=district).exists()


def test_the_import_goes_to_the_coordinators_own_district(
    tmp_path, make_district, make_user, verified_login, district
):
    # A bundle naming another district is refused for this coordinator's district.
    other = make_district()
    zipped = write_bundle(tmp_path / "f", sample(other.slug), zip_to=tmp_path / "r.zip")
    client = Client()
    verified_login(client, make_user(User.Role.COORDINATOR, district))
    page = client.post(URL, {"bundle": _upload(zipped.read_bytes()), "action": "import"})
    assert page.status_code == 400
    assert "a district other than" in page.content.decode()
    assert not School.objects.exists()
