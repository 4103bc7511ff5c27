"""Scheduling fixtures: an approved venue at the program's school and a weekly series there."""

import datetime

import pytest
from django.utils import timezone

from scheduling import services
from scheduling.models import Venue


@pytest.fixture
def venue(program):
    return Venue.objects.create(school=program.school, name="Library", approved=True)


def next_weekday(weekday: int, tz) -> datetime.date:
    today = timezone.now().astimezone(tz).date() + datetime.timedelta(days=1)
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7)


@pytest.fixture
def series(conversation, venue, coordinator):
    first = next_weekday(3, venue.school.tz)  # a Thursday
    return services.series_create(
        conversation=conversation,
        venue=venue,
        title="Career lunch",
        rule="FREQ=WEEKLY;BYDAY=TH;COUNT=4",
        first_date=first,
        start_time=datetime.time(12, 0),
        duration_minutes=40,
        actor=coordinator,
    )
