"""One server formatter for times: `when` (and `clock`) in the viewer's zone, or in a school's
zone when given one (a meeting at a Chicago school reads 12:15 CST to a viewer anywhere),
with day and month names in the active language."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from frontend.templatetags.trellis_time import clock, when

pytestmark = pytest.mark.django_db

LUNCH = datetime.datetime(2026, 12, 3, 18, 15, tzinfo=datetime.UTC)  # 12:15 in Chicago


@pytest.fixture
def school(program):
    program.school.timezone = "America/Chicago"
    program.school.save()
    return program.school


def test_a_school_given_decides_the_zone_whoever_reads(school):
    with timezone.override("Europe/Madrid"), translation.override("en"):
        assert when(LUNCH, school) == "Thu 3 Dec, 12:15 CST"
        assert clock(LUNCH, school) == "12:15 CST"
        # Without a school: the viewer's own zone.
        assert when(LUNCH) == "Thu 3 Dec, 19:15 CET"
        assert clock(LUNCH) == "19:15 CET"
    assert when(None, school) == clock(None) == ""


def test_names_of_days_and_months_follow_the_language(school):
    page = Template("{% load trellis_time %}{{ at|when:school }} to {{ end|clock:school }}")
    context = Context(
        {"at": LUNCH, "end": LUNCH + datetime.timedelta(minutes=40), "school": school}
    )
    with translation.override("es"):
        assert page.render(context) == "jue 3 Dic, 12:15 CST to 12:55 CST"
    with translation.override("en"):
        assert page.render(context) == "Thu 3 Dec, 12:15 CST to 12:55 CST"
