"""The admin shows (and would read) times in the staff member's district zone, and names it in
its header; the meetings admin keeps its school's zone. A district in America/Chicago: a consent
recorded at 18:15 UTC in January reads 12:15 p.m."""

import datetime
import zoneinfo

import pytest
from django.test import Client

from accounts.models import GuardianConsent, School, User
from accounts.permissions import coordinator_admin_grant
from scheduling import services as scheduling
from scheduling.models import Venue
from tests.conftest import login_verified

pytestmark = pytest.mark.django_db
AT = datetime.datetime(2026, 1, 15, 18, 15, tzinfo=datetime.UTC)


@pytest.fixture
def staff(coordinator):
    User.objects.filter(pk=coordinator.pk).update(is_staff=True)
    coordinator.refresh_from_db()
    coordinator_admin_grant(user=coordinator)
    assert coordinator.district.timezone == "America/Chicago"
    client = Client()
    login_verified(client, coordinator)
    return client


@pytest.fixture
def consent(student, coordinator):
    return GuardianConsent.objects.create(
        student=student, guardian_name="Ana Ruiz", recorded_by=coordinator, recorded_at=AT
    )


def test_a_list_page_shows_the_district_clock_and_names_the_zone(staff, consent):
    page = staff.get("/admin/accounts/guardianconsent/").content.decode()
    assert "12:15 p.m." in page
    assert "6:15 p.m." not in page
    assert 'class="admin-zone"' in page
    assert "America/Chicago" in page


def test_a_change_form_shows_the_district_clock_and_names_the_zone(staff, consent):
    page = staff.get(f"/admin/accounts/guardianconsent/{consent.pk}/change/").content.decode()
    assert "12:15 p.m." in page
    assert "6:15 p.m." not in page
    assert "America/Chicago" in page


def test_the_meetings_admin_keeps_the_schools_own_zone(staff, conversation, program, coordinator):
    School.objects.filter(pk=program.school_id).update(timezone="America/New_York")
    program.school.refresh_from_db()
    venue = Venue.objects.create(school=program.school, name="Library", approved=True)
    tz = zoneinfo.ZoneInfo("America/New_York")
    today = datetime.datetime.now(tz).date() + datetime.timedelta(days=1)
    first = today + datetime.timedelta(days=(3 - today.weekday()) % 7)
    series = scheduling.series_create(
        conversation=conversation,
        venue=venue,
        title="Career lunch",
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=1",
        first_date=first,
        start_time=datetime.time(12, 15),
        duration_minutes=40,
        actor=coordinator,
    )
    meeting = series.meetings.get()
    listing = staff.get("/admin/scheduling/meeting/").content.decode()
    assert "12:15" in listing  # the school's clock, not Chicago's 11:15
    assert "America/Chicago" in listing  # the page's own zone is still named
    form = staff.get(f"/admin/scheduling/meeting/{meeting.pk}/change/").content.decode()
    assert 'name="starts_at_1" value="12:15:00"' in form
    assert "America/New_York" in form.split('class="admin-zone"')[1][:200]
